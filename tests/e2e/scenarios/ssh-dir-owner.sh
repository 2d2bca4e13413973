# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# ssh-dir-owner: ~/.ssh belongs to a uid no account has (0755 1005:1005),
# e.g. after a home was restored with the wrong uid mapping.  StrictModes
# refuses the directory (RULES §1.6-1.7):
#   sshd log: Authentication refused: bad ownership or modes for directory /home/alice/.ssh
#   user sees: alice@host: Permission denied (publickey).
# (With mode 0700 alice could not even enter it and sshd logs "Could not
# open user 'alice' authorized keys ...: Permission denied" instead; that
# path is covered by authkeys-root-owned.  When another account owns it,
# ssh-dir-other-account: sshfix never gives one account's files to another.)
EXPECT_LOG='Authentication refused: bad ownership or modes for directory /home/alice/.ssh'

break_root() {
	chown 1005:1005 "$1/home/alice/.ssh"	# no account
	chmod 0755 "$1/home/alice/.ssh"
}
