# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# sshd-auth-missing: /usr/lib/openssh/sshd-auth gone (as sshd-session-missing:
# a clean-up, a cut-short unpack, a binary copied without its helpers).
# From OpenSSH 10.0, sshd-session runs it for the authentication phase and
# sshd will not start without it; `sshd -t` does not check it, so
# ExecStartPre passes and ExecStart fails (RULES §4.4, §13.1):
#   sshd log: /usr/lib/openssh/sshd-auth does not exist or is not executable
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
# Reported, with the package to reinstall; nothing is changed (report only).
EXPECT_LOG='/usr/lib/openssh/sshd-auth does not exist or is not executable'
EXPECT_REPORT='sshd-auth-missing: /usr/lib/openssh/sshd-auth does not exist'
REPORT_ONLY=1
SKIP_bookworm='OpenSSH 9.2 has no sshd-auth (10.0 split it out of sshd-session)'

break_root() {
	rm "$1/usr/lib/openssh/sshd-auth"
}
