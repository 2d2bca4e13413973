# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# fail2ban-bans-yes: fail2ban banned 192.0.2.20 and two other addresses, and
# the person at the console does not know (or does not give) the address
# they connect from: sshfix lists every address it will ban again and,
# with a yes (here `--apply --yes`), removes all of those bans (RULES §10).
#   sshd log: nothing (rejected before sshd sees it)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
EXPECT_REPORT='fail2ban will ban 3 addresses from ssh again when it starts'
APPLY_ARGS='--yes'

break_root() {
	cat > "$1/tmp/sshfix-ban.py" <<-'PY'
	import time
	from fail2ban.server.database import Fail2BanDb
	from fail2ban.server.ticket import BanTicket
	class Actions:
	    def getBanTime(self): return 600
	class Jail:
	    name = "sshd"
	    actions = Actions()
	db = Fail2BanDb("/var/lib/fail2ban/fail2ban.sqlite3")
	db.addJail(Jail())
	for ip in ("198.51.100.9", "192.0.2.20", "2001:db8::7"):
	    t = BanTicket(ip, time.time())
	    t.setBanTime(600)
	    db.addBan(Jail(), t)
	db.close()
	PY
	unshare --net chroot "$1" python3 /tmp/sshfix-ban.py
	rm "$1/tmp/sshfix-ban.py"
}
