# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# pam-access-denied: someone enabled pam_access for sshd (Debian ships the
# line commented out in /etc/pam.d/sshd) and /etc/security/access.conf has
# a line refusing alice.  The key is accepted, then PAM's account stack
# refuses (RULES §13.4):
#   sshd log: Access denied for user alice by PAM account configuration [preauth]
#   user sees: Connection closed by 192.0.2.10 port 22
# Who may log in is policy: sshfix names the file and line and changes
# nothing (report only), in the report and in --who.
EXPECT_LOG='Access denied for user alice by PAM account configuration'
EXPECT_REPORT='pam_access denies alice (/etc/security/access.conf line 3: "-:alice:ALL"'
EXPECT_WHO='alice: cannot log in: pam_access denies alice (/etc/security/access.conf line 3'
REPORT_ONLY=1

break_root() {
	sed -i 's/^# account  required     pam_access.so$/account  required     pam_access.so/' "$1/etc/pam.d/sshd"
	grep -q '^account  required     pam_access.so$' "$1/etc/pam.d/sshd"
	sed -i '2a -:alice:ALL' "$1/etc/security/access.conf"
	[ "$(sed -n 3p "$1/etc/security/access.conf")" = '-:alice:ALL' ]
}
