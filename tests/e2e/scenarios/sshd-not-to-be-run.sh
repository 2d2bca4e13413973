# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# sshd-not-to-be-run: /etc/ssh/sshd_not_to_be_run, Debian's off-switch for
# sshd; ssh.service's ConditionPathExists=! skips the unit (RULES §11.3).
#   systemd: "ConditionPathExists=!/etc/ssh/sshd_not_to_be_run was not met"
#   user sees: ssh: connect to host ... port 22: Connection refused
EXPECT_LOG='sshd_not_to_be_run exists'

break_root() {
	: > "$1/etc/ssh/sshd_not_to_be_run"
}
