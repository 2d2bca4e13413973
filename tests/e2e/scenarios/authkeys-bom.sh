# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh
# authkeys-bom: alice's authorized_keys edited and saved by a Windows editor
# (Notepad's "UTF-8 with BOM", CRLF): the byte-order mark becomes part of the
# first key's type, so the key never matches (RULES §1.10a).  sshd logs no
# reason at its default level; the client is simply refused.
#   user sees: alice@host: Permission denied (publickey).

break_root() {
	local f=$1/home/alice/.ssh/authorized_keys key
	key=$(cat "$f")
	# Rewritten in place: owner, mode and any label stay as they were.
	printf '\357\273\277%s\r\n' "$key" > "$f"
}
