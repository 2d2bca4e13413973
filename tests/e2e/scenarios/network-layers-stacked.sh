# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_REPORT
# network-layers-stacked: three layers each keep the admin out, and fixing
# any one or two of them still leaves the login failing -- the way a
# hardened machine is often found: a hardening script's nftables table
# ("ip guard", policy drop, only 80 and 443: RULES §8.3) that the boot's
# nft -f loads, "sshd: ALL" in /etc/hosts.deny (RULES §7), and a permanent
# fail2ban ban (bantime = -1) of the admin's 192.0.2.20, which every boot's
# fail2ban-server restores (RULES §10.1).
#   sshd log: nothing (the SYN never reaches sshd)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
#             (fail2ban's REJECT, at priority filter, answers before the
#             guard table's drop at filter + 10; with the ban gone the
#             client times out, and with the table fixed too libwrap resets)
# The report names each layer with its own finding (EXPECT_REPORT, one line
# each); --apply fixes the firewall (safe) and, after a yes for each, the
# hosts.deny line (tcp-wrappers-deny) and the bans (fail2ban-bans: without
# --from sshfix does not know which address is the admin's); only then
# does the login work, and --undo puts all three back.
EXPECT_REPORT='fail2ban-bans: /var/lib/fail2ban/fail2ban.sqlite3: fail2ban will ban 1 address from ssh again when it starts: 192.0.2.20 (jail sshd for ever (bantime = -1))
tcp-wrappers-deny: /etc/hosts.deny: line 18 ("sshd: ALL") denies sshd to every client
firewall-nftables-blocks: /etc/nftables.conf line 15: drops new ssh connections (port 22 over IPv4)'
# --interactive asks about all three (the firewall's repair too); --apply
# without a yes repairs the firewall alone, and the login still fails.
APPLY_ANSWERS='y y y'
SAFE_WITHOUT_YES='/etc/nftables.conf'

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

	printf 'sshd: ALL\n' >> "$1/etc/hosts.deny"
	grep -qx 'sshd: ALL' "$1/etc/hosts.deny"

	printf 'bantime = -1\n' >> "$1/etc/fail2ban/jail.local"
	cat > "$1/tmp/sshfix-ban.py" <<-'PY'
	import time
	from fail2ban.server.database import Fail2BanDb
	from fail2ban.server.ticket import BanTicket
	class Actions:
	    def getBanTime(self): return -1
	class Jail:
	    name = "sshd"
	    actions = Actions()
	db = Fail2BanDb("/var/lib/fail2ban/fail2ban.sqlite3")
	db.addJail(Jail())
	t = BanTicket("192.0.2.20", time.time() - 30 * 86400)
	t.setBanTime(-1)
	db.addBan(Jail(), t)
	db.close()
	PY
	unshare --net chroot "$1" python3 /tmp/sshfix-ban.py
	rm "$1/tmp/sshfix-ban.py"
}
