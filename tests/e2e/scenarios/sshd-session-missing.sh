# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# sshd-session-missing: /usr/lib/openssh/sshd-session gone -- a "clean up"
# of /usr/lib, a package unpack that was cut short, or an sshd copied from
# another machine without its helpers.  From OpenSSH 9.8, sshd runs it for
# every connection and will not start without it; `sshd -t` does not check
# it, so ExecStartPre passes and ExecStart fails (RULES §4.4, §13.1):
#   sshd log: /usr/lib/openssh/sshd-session does not exist or is not executable
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
# A program of the package is not sshfix's to make: it names the file and
# says to reinstall openssh-server, and changes nothing (report only).
EXPECT_LOG='/usr/lib/openssh/sshd-session does not exist or is not executable'
EXPECT_REPORT='sshd-session-missing: /usr/lib/openssh/sshd-session does not exist'
REPORT_ONLY=1
SKIP_bookworm='OpenSSH 9.2 has no sshd-session (sshd does the work per connection itself; 9.8 split it out)'

break_root() {
	rm "$1/usr/lib/openssh/sshd-session"
}
