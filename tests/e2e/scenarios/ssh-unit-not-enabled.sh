# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# ssh-unit-not-enabled: `systemctl disable ssh` (or an image built with
# services disabled): sshd runs until the next reboot, then never again
# (RULES §11.1, §11.2).  Disable removes both links enable made (D12).
#   systemd: nothing; ssh.service is simply not started
#   user sees: ssh: connect to host ... port 22: Connection refused
EXPECT_LOG='ssh.service is not enabled'

break_root() {
	rm "$1/etc/systemd/system/multi-user.target.wants/ssh.service" "$1/etc/systemd/system/sshd.service"
}
