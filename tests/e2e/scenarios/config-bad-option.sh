# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# config-bad-option: a misspelt keyword in a drop-in ("PermitRootLogn"),
# e.g. from a hand edit or a configuration management template.  sshd -t
# fails, so ssh.service (ExecStartPre=sshd -t) does not start (RULES §3.8):
#   sshd log: /etc/ssh/sshd_config.d/50-local.conf: line 2: Bad configuration option: PermitRootLogn
#   user sees: ssh: connect to host ... port 22: Connection refused
EXPECT_LOG='Bad configuration option: PermitRootLogn'

break_root() {
	printf '# local hardening\nPermitRootLogn no\n' > "$1/etc/ssh/sshd_config.d/50-local.conf"
}
