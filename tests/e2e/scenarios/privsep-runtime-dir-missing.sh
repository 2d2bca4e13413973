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
EXPECT_LOG='Missing privilege separation directory: /run/sshd'

break_root() {
	grep -q '^RuntimeDirectory=sshd' "$1/lib/systemd/system/ssh.service"
	sed '/^RuntimeDirectory/d' "$1/lib/systemd/system/ssh.service" > "$1/etc/systemd/system/ssh.service"
	! grep -rqs '/run/sshd' "$1/usr/lib/tmpfiles.d" "$1/etc/tmpfiles.d"
}
