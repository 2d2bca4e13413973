# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# hostkey-missing: every host key deleted (a "clean up" of /etc/ssh, or an
# image built without running the package's postinst).  Debian creates
# host keys only at install time (RULES §2.6), so sshd will not start:
#   sshd log: sshd: no hostkeys available -- exiting.
#   user sees: ssh: connect to host ... port 22: Connection refused
EXPECT_LOG='no hostkeys available'

break_root() {
	rm -f "$1"/etc/ssh/ssh_host_*_key "$1"/etc/ssh/ssh_host_*_key.pub
}
