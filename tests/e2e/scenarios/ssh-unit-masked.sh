# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# ssh-unit-masked: `systemctl mask ssh` (a hardening script, or someone who
# meant ssh.socket): systemd never starts the unit again (RULES §11.2).
#   systemd: Unit ssh.service is masked.
#   user sees: ssh: connect to host ... port 22: Connection refused
EXPECT_LOG='ssh.service is masked'

break_root() {
	ln -s /dev/null "$1/etc/systemd/system/ssh.service"
}
