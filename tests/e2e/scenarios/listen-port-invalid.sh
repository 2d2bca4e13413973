# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# listen-port-invalid: a port typo inside ListenAddress ("0.0.0.0:99999").
# sshd refuses the line, also under -t (RULES §3.6); the fix keeps the
# address and drops the port, so sshd listens there on Port (22):
#   sshd log: /etc/ssh/sshd_config.d/10-listen.conf line 1: bad port number
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
EXPECT_LOG='bad port number'

break_root() {
	printf 'ListenAddress 0.0.0.0:99999\n' > "$1/etc/ssh/sshd_config.d/10-listen.conf"
}
