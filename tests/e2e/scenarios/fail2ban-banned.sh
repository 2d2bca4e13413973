# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# fail2ban-banned: the admin mistyped a password from 192.0.2.20 once too
# often (or an agent offered too many keys) and [sshd], which Debian
# enables, banned the address.  The ban is in fail2ban's database, and the
# fail2ban-server every boot starts bans it again (RULES §10.1): the
# oracle boots the target's own fail2ban-server, which restores it into
# the firewall with iptables-multiport's REJECT.
#   sshd log: nothing (the SYN is rejected before sshd sees it)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
# The ban is written by fail2ban's own Fail2BanDb, with the target's own
# python3.  Without --from (the dry-run) sshfix lists the bans and needs a
# yes; `--apply --from 192.0.2.20` removes that address's rows (the
# target's python3 and sqlite3 on a copy), and --undo puts the old
# database back.
EXPECT_REPORT='fail2ban will ban 1 address from ssh again when it starts: 192.0.2.20 (jail sshd until'
APPLY_ARGS='--from 192.0.2.20'

break_root() {
	cat > "$1/tmp/sshfix-ban.py" <<-'PY'
	import time
	from fail2ban.server.database import Fail2BanDb
	from fail2ban.server.ticket import BanTicket
	class Actions:
	    def getBanTime(self): return 3600
	class Jail:
	    name = "sshd"
	    actions = Actions()
	db = Fail2BanDb("/var/lib/fail2ban/fail2ban.sqlite3")
	db.addJail(Jail())
	t = BanTicket("192.0.2.20", time.time())
	t.setBanTime(3600)
	db.addBan(Jail(), t)
	db.close()
	PY
	unshare --net chroot "$1" python3 /tmp/sshfix-ban.py
	rm "$1/tmp/sshfix-ban.py"
	[ -s "$1/var/lib/fail2ban/fail2ban.sqlite3" ]
}
