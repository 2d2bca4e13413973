# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# revoked-keys-missing: sshd_config says `RevokedKeys /etc/ssh/revoked_keys`
# (copied from a hardening guide, or from a machine that had a KRL) but the
# file was never made.  sshd checks every offered key against it and counts
# a file it cannot read as revoking every key (auth.c auth_key_is_revoked()):
#   sshd log: Error checking authentication key ED25519 SHA256:... in revoked keys file /etc/ssh/revoked_keys: No such file or directory
#   user sees: alice@host: Permission denied (publickey).
# sshfix creates the file empty (an empty file revokes nothing).
EXPECT_LOG='in revoked keys file /etc/ssh/revoked_keys'
EXPECT_REPORT='revoked-keys-unreadable: /etc/ssh/revoked_keys cannot be read by sshd: it does not exist'

break_root() {
	printf 'RevokedKeys /etc/ssh/revoked_keys\n' >> "$1/etc/ssh/sshd_config"
}
