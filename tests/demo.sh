#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's demo: build a small fake root with the everyday ways SSH
# logins break, and show what `sshfix --dry-run` says and would change.
# Nothing outside a temporary directory is touched; the root is removed
# afterwards unless KEEP=1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SSHFIX=${SSHFIX:-$(dirname "$here")/sshfix}
. "$here/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: run it as root (the fake root has files of several owners): sudo $0" >&2
	exit 1
fi
demo=$(mktemp -d /tmp/sshfix-demo.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$demo"' EXIT
ROOT=$demo/root
mkroot "$ROOT"
add_user "$ROOT" bob 1001
chmod 0644 "$ROOT/etc/ssh/ssh_host_ed25519_key"	# "UNPROTECTED PRIVATE KEY FILE!"
chmod 0777 "$ROOT/home/alice"			# "bad ownership or modes for directory"
chown 0:0 "$ROOT/home/bob/.ssh/authorized_keys"	# bob cannot read his keys
echo "A broken root at $ROOT; running: sshfix --root $ROOT --dry-run"
echo
"$SSHFIX" --root "$ROOT" --dry-run || true
