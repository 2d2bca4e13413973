# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# privsep-runtime-dir-missing: a local copy of ssh.service in
# /etc/systemd/system (which overrides the package's) without the
# RuntimeDirectory= lines, e.g. written by a configuration management
# template, and no tmpfiles.d line for /run/sshd.  /run is empty after every
# boot, so nothing makes /run/sshd and sshd -t stops (RULES §4.2, §4.3):
#   sshd log: Missing privilege separation directory: /run/sshd
#   user sees: ssh: connect to host ... port 22: Connection refused
# It works until the next reboot, which is why it surprises people.
# On Debian 13 the same unit is harmless: systemd 257 ships
# /usr/lib/tmpfiles.d/20-systemd-ssh-generator.conf with "d /run/sshd 0755",
# so every boot makes the directory anyway.  run.sh then checks that the
# login still works and that sshfix calls nothing a problem.
EXPECT_LOG='Missing privilege separation directory: /run/sshd'
NOT_A_FAILURE_trixie="systemd 257's /usr/lib/tmpfiles.d/20-systemd-ssh-generator.conf makes /run/sshd at every boot (d /run/sshd 0755), whatever the unit says"

break_root() {
	grep -q '^RuntimeDirectory=sshd' "$1/lib/systemd/system/ssh.service"
	sed '/^RuntimeDirectory/d' "$1/lib/systemd/system/ssh.service" > "$1/etc/systemd/system/ssh.service"
	if [ "$E2E_SUITE" = trixie ]; then
		grep -qx 'd /run/sshd 0755' "$1/usr/lib/tmpfiles.d/20-systemd-ssh-generator.conf"
	else
		! grep -rqs '/run/sshd' "$1/usr/lib/tmpfiles.d" "$1/etc/tmpfiles.d"
	fi
}
