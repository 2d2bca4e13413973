# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# shell-missing: the user's shell is gone (chsh to zsh, then zsh was
# removed; or a typo in /etc/passwd).  sshd refuses the user before it
# looks at any key (RULES §6.1):
#   sshd log: User alice not allowed because shell /bin/zsh does not exist
#   user sees: alice@host: Permission denied (publickey).
# The repair (the distribution's default shell, /bin/bash on Debian) needs
# a person's yes: run.sh answers `sshfix --interactive`, and runs the
# scenario again with `--apply --yes`.
EXPECT_LOG='User alice not allowed because shell /bin/zsh does not exist'
APPLY_ANSWERS=y

break_root() {
	[ ! -e "$1/bin/zsh" ]
	sed -i 's|^\(alice:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:\)/bin/bash$|\1/bin/zsh|' "$1/etc/passwd"
	grep -q '^alice:.*:/bin/zsh$' "$1/etc/passwd"
}
