# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# hostkey-perms: every private host key is world-readable (0644), e.g. after
# `chmod -R a+r /etc/ssh` or keys restored from a backup without modes.
# sshd refuses each one (RULES §2.2) and, left with none, will not start:
#   sshd log: Permissions 0644 for '/etc/ssh/ssh_host_ed25519_key' are too open.
#             sshd: no hostkeys available -- exiting.
#   user sees: ssh: connect to host ... port 22: Connection refused
# Not a scenario: one key owned by uid 1000 with mode 0644 -- sshd does not
# mode-check a key that root does not own, so that is no login failure.
EXPECT_LOG='no hostkeys available'

break_root() {
	chmod 0644 "$1"/etc/ssh/ssh_host_ed25519_key \
		"$1"/etc/ssh/ssh_host_rsa_key "$1"/etc/ssh/ssh_host_ecdsa_key
}
