# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# account-locked-no-pam: sshd_config set to "UsePAM no" (a hardening guide,
# or a container image) on a machine whose users have no password: useradd
# leaves "!" in /etc/shadow, which sshd without PAM takes for a locked
# account and refuses every method, keys included (RULES §6.1-6.2):
#   sshd log: User alice not allowed because account is locked
#   user sees: alice@host: Permission denied (publickey).
# The repair (the hash becomes '*') needs a person's yes: run.sh answers
# the question of `sshfix --interactive` (APPLY_ANSWERS), and runs the
# scenario again with the consent given up front (`--apply --yes`).
EXPECT_LOG='User alice not allowed because account is locked'
APPLY_ANSWERS=y

break_root() {
	grep -q '^alice:!:' "$1/etc/shadow"	# as build-root.sh's useradd left it
	sed -i 's/^UsePAM yes$/UsePAM no/' "$1/etc/ssh/sshd_config"
	grep -qx 'UsePAM no' "$1/etc/ssh/sshd_config"
}
