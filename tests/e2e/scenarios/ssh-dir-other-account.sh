# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# ssh-dir-other-account: alice's ~/.ssh belongs to bob, another account
# (0755 bob:bob).  StrictModes refuses it (RULES §1.6-1.7):
#   sshd log: Authentication refused: bad ownership or modes for directory /home/alice/.ssh
#   user sees: alice@host: Permission denied (publickey).
# Bob may have made it himself (a home he could write to, a sticky
# directory): sshfix never gives one account's files to another (DESIGN
# §5).  It names the cause and the command that would make it alice's, and
# changes nothing.
EXPECT_LOG='Authentication refused: bad ownership or modes for directory /home/alice/.ssh'
EXPECT_REPORT="belongs to another account (bob); sshfix never changes one account's files for another; if it is meant, by hand: chown 1000:1000 '/home/alice/.ssh'"
REPORT_ONLY=1

break_root() {
	chown 1001:1001 "$1/home/alice/.ssh"	# bob
	chmod 0755 "$1/home/alice/.ssh"
}
