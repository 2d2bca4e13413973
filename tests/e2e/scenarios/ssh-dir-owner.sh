# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# ssh-dir-owner: ~/.ssh belongs to another user (0755 bob:bob), e.g. after
# a home was copied with `cp -r` by that user or restored with the wrong
# uid mapping.  StrictModes refuses the directory (RULES §1.6-1.7):
#   sshd log: Authentication refused: bad ownership or modes for directory /home/alice/.ssh
#   user sees: alice@host: Permission denied (publickey).
# (With mode 0700 alice could not even enter it and sshd logs "Could not
# open user 'alice' authorized keys ...: Permission denied" instead; that
# path is covered by authkeys-root-owned.)
EXPECT_LOG='Authentication refused: bad ownership or modes for directory /home/alice/.ssh'

break_root() {
	chown 1001:1001 "$1/home/alice/.ssh"	# bob
	chmod 0755 "$1/home/alice/.ssh"
}
