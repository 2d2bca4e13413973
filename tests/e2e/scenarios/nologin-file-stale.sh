# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# nologin-file-stale: /etc/nologin left behind -- written by hand for a
# maintenance window, or by a `shutdown -r +30` that was cancelled with the
# machine then rebooted another way.  pam_nologin refuses every login but
# root's (RULES §6.2):
#   sshd log: Access denied for user alice by PAM account configuration [preauth]
#   user sees: Connection closed by 192.0.2.10 port 22
# Debian 13's systemd (257) removes only /run/nologin at boot (systemd PR
# #26981, from 254), so the file outlives every reboot there.  Removing it
# may cut a maintenance window short, so the repair asks: run.sh answers
# `sshfix --interactive`, and runs the scenario again with `--apply --yes`.
# On Debian 12, systemd 252's systemd-user-sessions removes /etc/nologin at
# every boot: no login failure after a reboot, and sshfix says so (an
# explanation, nothing to change).
EXPECT_LOG='Access denied for user alice by PAM account configuration'
APPLY_ANSWERS=y
NOT_A_FAILURE_bookworm="systemd 252's systemd-user-sessions.service removes /etc/nologin at every boot (its program names /etc/nologin; Debian 13's does not)"
EXPECT_REPORT_bookworm='nologin-file-cleared-at-boot'

break_root() {
	[ ! -e "$1/etc/nologin" ]
	printf 'Down for maintenance until 06:00.\n' > "$1/etc/nologin"
}
