# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# fail2ban-permanent-ban: jail.local made [sshd]'s bans permanent
# (bantime = -1, a common "hardening" tip) and the admin's 192.0.2.20 was
# banned a month ago: every boot's fail2ban-server bans it again, for ever
# (RULES §10.1).
#   sshd log: nothing (rejected before sshd sees it)
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
EXPECT_REPORT='192.0.2.20 (jail sshd for ever (bantime = -1))'
APPLY_ARGS='--from 192.0.2.20'

break_root() {
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
