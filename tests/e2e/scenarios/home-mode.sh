# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# home-mode: the home directory is world-writable (`chmod 777 ~`, a common
# "fix" for a permissions problem).  StrictModes refuses every keys file
# below it (RULES §1.6):
#   sshd log: Authentication refused: bad ownership or modes for directory /home/alice
#   user sees: alice@host: Permission denied (publickey).
EXPECT_LOG='Authentication refused: bad ownership or modes for directory /home/alice'

break_root() {
	chmod 0777 "$1/home/alice"
}
