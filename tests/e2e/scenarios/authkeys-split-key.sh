# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh
# authkeys-split-key: alice's key pasted into authorized_keys through a
# terminal that wrapped it over three lines: sshd reads one key per line, so
# the first line is a cut-off key and the others are garbage.
#   user sees: alice@host: Permission denied (publickey).

break_root() {
	local f=$1/home/alice/.ssh/authorized_keys type b64 comment
	read -r type b64 comment < "$f"
	printf '%s %s\n%s\n%s %s\n' "$type" "${b64:0:30}" "${b64:30:25}" "${b64:55}" "$comment" > "$f"
}
