# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# authkeys-tilde: "AuthorizedKeysFile ~/.ssh/authorized_keys", written by
# someone who took ~ for "the user's home".  sshd expands the ~ once, as
# root, when it reads the file: every user's keys file is now
# /root/.ssh/authorized_keys (RULES §1.3), and alice's own key is never read:
#   user sees: alice@host: Permission denied (publickey).
# The repair (%h/ for ~/) changes which keys open which account, so it asks:
# run.sh answers the question of `sshfix --interactive`, and runs the
# scenario again with `--apply --yes`.
APPLY_ANSWERS=y

break_root() {
	sed -i '0,/^Include /s|^\(Include .*\)$|\1\nAuthorizedKeysFile ~/.ssh/authorized_keys|' "$1/etc/ssh/sshd_config"
	grep -qx 'AuthorizedKeysFile ~/.ssh/authorized_keys' "$1/etc/ssh/sshd_config"
}
