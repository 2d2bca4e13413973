# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# listen-family-mismatch, the other way round: "AddressFamily inet6" with
# the only ListenAddress an IPv4 one.  sshd stops, also under -t (RULES
# §3.6); with no IPv6 ListenAddress to keep, the fix comments out the
# AddressFamily line, so sshd listens exactly where ListenAddress says:
#   sshd log: bad addr or host: 0.0.0.0 (Address family for hostname not supported)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
EXPECT_LOG='bad addr or host: 0.0.0.0'

break_root() {
	printf 'AddressFamily inet6\nListenAddress 0.0.0.0\n' > "$1/etc/ssh/sshd_config.d/10-listen.conf"
}
