# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# listen-family-mismatch: IPv6 switched off for sshd with "AddressFamily
# inet" in a drop-in, while sshd_config still lists "ListenAddress ::"
# next to 0.0.0.0.  sshd cannot resolve :: for IPv4 and stops, also under
# -t (RULES §3.6); the fix comments out the IPv6 line:
#   sshd log: bad addr or host: :: (Address family for hostname not supported)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
EXPECT_LOG='bad addr or host: ::'

break_root() {
	printf 'AddressFamily inet\n' > "$1/etc/ssh/sshd_config.d/10-ipv4-only.conf"
	printf 'ListenAddress 0.0.0.0\nListenAddress ::\n' >> "$1/etc/ssh/sshd_config"
}
