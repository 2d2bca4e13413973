# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# listen-loopback-only: "ListenAddress 127.0.0.1" left in a drop-in (copied
# from a hardening guide, or from a box reached only through a tunnel).
# sshd starts and listens, but on loopback only (RULES §3.6):
#   sshd log: Server listening on 127.0.0.1 port 22.
#   user sees: ssh: connect to host 192.0.2.10 port 22: Connection refused
EXPECT_LOG='Server listening on 127.0.0.1 port 22'

break_root() {
	printf 'ListenAddress 127.0.0.1\n' > "$1/etc/ssh/sshd_config.d/10-local-only.conf"
}
