# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_REPORT
# firewalld-drop-zone: firewalld (installed from the suite's own packages,
# enabled as its postinst leaves it) with DefaultZone=drop in
# /etc/firewalld/firewalld.conf, a common hardening step: the drop zone has
# no services and target DROP (RULES §8.5).  The oracle's boot starts the
# target's own firewalld on a private system bus, and it builds its
# nftables ruleset from the zones.
#   sshd log: nothing (the SYN is dropped)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection timed out
# sshfix runs the target's own firewall-offline-cmd --zone=drop
# --add-service=ssh in its sandbox, on a copy of /etc/firewalld, and writes
# the zone file that tool made, /etc/firewalld/zones/drop.xml, through the
# journal; --undo removes it again.
EXPECT_REPORT="firewalld-blocks: /usr/lib/firewalld/zones/drop.xml line 2: drops new ssh connections (port 22 over IPv4"

break_root() {
	e2e_install_firewalld "$1"
	sed -i 's/^DefaultZone=.*/DefaultZone=drop/' "$1/etc/firewalld/firewalld.conf"
	grep -qx 'DefaultZone=drop' "$1/etc/firewalld/firewalld.conf"
}
