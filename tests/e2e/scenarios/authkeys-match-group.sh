# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# authkeys-match-group: the keys of one group are kept outside the homes
# ("Match Group sftp" / "AuthorizedKeysFile /etc/ssh/keys/%u"), and
# alice's file there was made writable by everyone (0666) to "let the
# upload script write it".  For her, sshd reads that file only, and
# refuses it (RULES §1.5):
#   sshd log: Authentication refused: bad ownership or modes for file /etc/ssh/keys/alice
#   user sees: alice@host: Permission denied (publickey).
# The keys-file checks take each account's AuthorizedKeysFile from the Match
# blocks that apply to it (src/keyfiles.h); ~/.ssh/authorized_keys, which
# sshd does not read for her, is not what they look at.
EXPECT_LOG='bad ownership or modes for file /etc/ssh/keys/alice'

break_root() {
	printf 'sftp:x:1500:alice\n' >> "$1/etc/group"
	printf 'sftp:!::alice\n' >> "$1/etc/gshadow"
	mkdir -p "$1/etc/ssh/keys"
	cp "$1/home/alice/.ssh/authorized_keys" "$1/etc/ssh/keys/alice"
	chown 0:0 "$1/etc/ssh/keys/alice"
	chmod 0666 "$1/etc/ssh/keys/alice"
	printf '\nMatch Group sftp\n\tAuthorizedKeysFile /etc/ssh/keys/%%u\n' >> "$1/etc/ssh/sshd_config"
}
