# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# tcp-wrappers-allow-deny: the admin "locked the box down to localhost":
# hosts.allow grants every service to 127.0.0.1 and ::1 only, hosts.deny
# says "ALL: ALL".  hosts.allow is read first and its first match grants;
# then hosts.deny's first match denies (RULES §7.3), so every address that
# is not local is refused:
#   sshd log: nothing on stderr (libwrap logs to syslog only)
#   user sees: kex_exchange_identification: read: Connection reset by peer
#             (after libwrap's ~5 s sleep; with the oracle's short
#             ConnectTimeout: Connection timed out during banner exchange)
# "ALL: ALL" closes other services too, so sshfix does not comment it out:
# after a yes it adds "sshd: ALL" to hosts.allow, which wins over
# hosts.deny for sshd alone.
EXPECT_REPORT='("ALL: ALL") denies sshd to every client'
APPLY_ANSWERS=y

break_root() {
	printf 'ALL: 127.0.0.1 [::1]\n' >> "$1/etc/hosts.allow"
	printf 'ALL: ALL\n' >> "$1/etc/hosts.deny"
}
