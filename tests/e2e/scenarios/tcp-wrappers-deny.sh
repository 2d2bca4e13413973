# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# tcp-wrappers-deny: someone closed sshd with "sshd: ALL" in
# /etc/hosts.deny.  Debian's sshd (9.2) and sshd-session (10.0) link
# libwrap (RULES §7.1, §7.4): after accept, sshd's child asks
# hosts_access(), which refuses, sleeps and closes (§7.2):
#   sshd log: nothing on stderr (libwrap's "refused connect from" goes to
#             syslog only)
#   user sees: kex_exchange_identification: read: Connection reset by peer
#             (after libwrap's ~5 s sleep; with the oracle's short
#             ConnectTimeout: Connection timed out during banner exchange)
# The line is policy someone wrote: sshfix comments it out behind the
# "# sshfix: disabled," marker after a yes (--interactive answering y, or
# --yes), and --undo puts it back.
EXPECT_REPORT='("sshd: ALL") denies sshd to every client'
APPLY_ANSWERS=y

break_root() {
	printf 'sshd: ALL\n' >> "$1/etc/hosts.deny"
	grep -qx 'sshd: ALL' "$1/etc/hosts.deny"
}
