# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# authkeys-group-writable: authorized_keys is group-writable (0664) and the
# group has a second member -- alice shares her group with bob so he can
# "help".  Debian's sshd accepts g+w only for a private group whose sole
# member is the owner (RULES §1.8), so here it refuses the file:
#   sshd log: Authentication refused: bad ownership or modes for file /home/alice/.ssh/authorized_keys
#   user sees: alice@host: Permission denied (publickey).
# (0664 with alice's private, member-less group is accepted on Debian: no
# login failure, so not a scenario.)
EXPECT_LOG='bad ownership or modes for file /home/alice/.ssh/authorized_keys'

break_root() {
	sed -i 's/^alice:x:1000:$/alice:x:1000:bob/' "$1/etc/group"
	sed -i 's/^alice:!::$/alice:!::bob/' "$1/etc/gshadow"
	grep -q '^alice:x:1000:bob$' "$1/etc/group"
	chmod 0664 "$1/home/alice/.ssh/authorized_keys"
}
