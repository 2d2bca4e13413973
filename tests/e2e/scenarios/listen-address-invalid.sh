# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# listen-address-invalid: "ListenAddress 0.0.0.0/2222", a port written
# after a '/' as in other tools.  sshd refuses the line, also under -t
# (RULES §3.6); the fix comments it out:
#   sshd log: /etc/ssh/sshd_config line 14: bad address:port usage
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
EXPECT_LOG='bad address:port usage'

break_root() {
	printf 'ListenAddress 0.0.0.0/2222\n' >> "$1/etc/ssh/sshd_config"
}
