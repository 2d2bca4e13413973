# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh, which reads EXPECT_LOG
# hostkey-corrupt: every private host key truncated or overwritten (a full
# disk during an edit, a bad restore).  sshd cannot parse any of them:
#   sshd log: Unable to load host key "/etc/ssh/ssh_host_ed25519_key": error in libcrypto
#             sshd: no hostkeys available -- exiting.
#   user sees: ssh: connect to host ... port 22: Connection refused
EXPECT_LOG='no hostkeys available'

break_root() {
	for k in "$1"/etc/ssh/ssh_host_*_key; do
		head -c 40 "$k" > "$k.tmp" && cat "$k.tmp" > "$k" && rm "$k.tmp"
	done
	: > "$1/etc/ssh/ssh_host_ecdsa_key"
}
