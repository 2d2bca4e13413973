# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# privsep-user-missing: the sshd account deleted from passwd and shadow,
# e.g. by a "remove unknown system accounts" hardening script, `userdel
# sshd`, or passwd/shadow restored from a machine without openssh-server.
# sshd needs it for privilege separation and stops at once, also for the
# `sshd -t` that ssh.service runs first (RULES §4.1):
#   sshd log: Privilege separation user sshd does not exist
#   user sees: ssh: connect to host ... port 22: Connection refused
# Debian's sshd user has no group of its own (it is in nogroup), so
# /etc/group keeps no line for it to remove.
EXPECT_LOG='Privilege separation user sshd does not exist'

break_root() {
	grep -q '^sshd:' "$1/etc/passwd"
	sed -i '/^sshd:/d' "$1/etc/passwd" "$1/etc/shadow" "$1/etc/group"
}
