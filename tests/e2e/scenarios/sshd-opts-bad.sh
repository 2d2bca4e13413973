# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# sshd-opts-bad: a misspelt -o keyword in SSHD_OPTS (/etc/default/ssh).
# ExecStartPre's `sshd -t` does not see SSHD_OPTS and passes; then
# `sshd -D $SSHD_OPTS` stops at once (RULES §3.3, §3.8, §11.3):
#   sshd log: command-line line 0: Bad configuration option: PermitRootLogn
#   user sees: ssh: connect to host ... port 22: Connection refused
EXPECT_LOG='Bad configuration option: PermitRootLogn'

break_root() {
	sed -i 's/^SSHD_OPTS=.*/SSHD_OPTS="-o PermitRootLogn=no"/' "$1/etc/default/ssh"
	grep -q '^SSHD_OPTS="-o PermitRootLogn=no"$' "$1/etc/default/ssh"
}
