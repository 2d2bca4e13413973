# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_REPORT
# firewall-nftables-two-tables: nftables.service enabled with two tables on
# the input hook.  "inet filter" accepts everything, but a second table
# ("ip guard", added by a hardening script) has policy drop and lets only
# port 80 in: an accept in one base chain does not stop a drop in another
# (RULES §8.3).  The boot's own nft -f loads it (the oracle runs it).
#   sshd log: nothing (the SYN is dropped before sshd sees it)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection timed out
# sshfix judges it statically and by the kernel (the target's nft in a
# private namespace) and puts "tcp dport 22 accept" first in ip guard's
# input chain only.
EXPECT_REPORT='firewall-nftables-blocks: /etc/nftables.conf line 15: drops new ssh connections (port 22 over IPv4)'

break_root() {
	cat > "$1/etc/nftables.conf" <<-'EOF'
	#!/usr/sbin/nft -f

	flush ruleset

	table inet filter {
		chain input {
			type filter hook input priority filter;
		}
		chain forward {
			type filter hook forward priority filter;
		}
	}
	table ip guard {
		chain input {
			type filter hook input priority filter + 10; policy drop;
			ct state established,related accept
			iif lo accept
			tcp dport { 80, 443 } accept
		}
	}
	EOF
	ln -sf /lib/systemd/system/nftables.service "$1/etc/systemd/system/sysinit.target.wants/nftables.service"
}
