# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# listen-address-dhcp: a VM that takes its address from DHCP (systemd-networkd
# here; ifupdown's "inet dhcp", netplan's "dhcp4: true" and cloud-init are
# the same case) had its lease written into sshd_config as ListenAddress;
# then it was cloned or moved, and the new lease differs.  sshd -t is happy,
# the bind fails at start (RULES §3.6-3.7):
#   sshd log: Cannot bind any address.
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
# Commenting the line out widens where sshd listens, so the repair needs a
# person's yes: this scenario gives it with `sshfix --apply --yes`.
EXPECT_LOG='Cannot bind any address'
APPLY_ARGS='--yes'

break_root() {
	mkdir -p "$1/etc/systemd/network"
	printf '[Match]\nName=e*\n\n[Network]\nDHCP=yes\n' > "$1/etc/systemd/network/50-dhcp.network"
	ln -s /lib/systemd/system/systemd-networkd.service \
		"$1/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
	printf 'ListenAddress 198.51.100.7\n' >> "$1/etc/ssh/sshd_config"
}
