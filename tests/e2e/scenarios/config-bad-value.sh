# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# config-bad-value: "Port 22a", a typo when moving sshd to another port.
# sshd refuses the value, even under -t, and does not start (RULES §3.6):
#   sshd log: /etc/ssh/sshd_config line 14: Badly formatted port number.
#   user sees: ssh: connect to host ... port 22: Connection refused
EXPECT_LOG='Badly formatted port number'

break_root() {
	printf 'Port 22a\n' >> "$1/etc/ssh/sshd_config"
}
