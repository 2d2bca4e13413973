# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # sourced by run.sh
# authkeys-paste-damage: alice's key copied from a chat or a wiki page
# and pasted through a web console: the shell prompt came along, the
# quotes became typographic, and a non-breaking space sits after the key
# type.  sshd reads "$" as options and refuses the line:
#   user sees: alice@host: Permission denied (publickey).

break_root() {
	local f=$1/home/alice/.ssh/authorized_keys type b64 comment
	read -r type b64 comment < "$f"
	printf '$ \342\200\234%s\302\240%s %s\342\200\235\n' "$type" "$b64" "$comment" > "$f"
}
