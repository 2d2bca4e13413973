#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kill sshfix with SIGKILL at every step of an --apply (SSHFIX_CRASH_AT=k),
# then run --undo latest: the tree must be exactly what it was, whatever
# step the crash hit.  Then the same for a crash during --undo, finished by
# a second --undo.  The repairs include chown+chmod pairs, so a crash can
# fall between the two halves of one change.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(dirname "$here")}
SSHFIX=${SSHFIX:-$top_srcdir/sshfix}
. "$here/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (the broken tree has files of several owners)"
	exit 77
fi
[ -x "$SSHFIX" ] || { echo "SKIP: no sshfix binary at $SSHFIX"; exit 77; }

work=$(mktemp -d /tmp/sshfix-crash.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
ROOT=$work/root

broken_root() {
	rm -rf "$ROOT"
	mkroot "$ROOT"
	add_user "$ROOT" bob 1001
	chmod 0644 "$ROOT/etc/ssh/ssh_host_ed25519_key"
	chown 1000:1000 "$ROOT/etc/ssh/ssh_host_rsa_key"
	chmod 0777 "$ROOT/home/alice" "$ROOT/home/alice/.ssh"
	chown 0:0 "$ROOT/home/bob/.ssh/authorized_keys"
	chmod 0666 "$ROOT/home/bob/.ssh/authorized_keys"
}

# crash_run K ARGS...: run sshfix set to die at step K; print its exit status.
# (A subshell with stderr closed, so bash's "Killed" notice stays quiet.)
crash_run() {
	k=$1; shift
	(SSHFIX_CRASH_AT=$k "$SSHFIX" --root "$ROOT" "$@" > "$work/out" 2>&1; echo $?) 2>/dev/null
}

broken_root
"$here/manifest.py" "$ROOT" > "$work/orig"
fails=0 steps=0

for k in $(seq 1 200); do
	broken_root
	rc=$(crash_run "$k" --apply)
	if [ $rc -ne 137 ]; then
		# It finished before step k: every step has been tried.
		[ $rc -eq 1 ] || { echo "FAIL: --apply without a crash exited $rc"; cat "$work/out"; fails=$((fails + 1)); }
		steps=$((k - 1))
		break
	fi
	if ! "$SSHFIX" --root "$ROOT" --undo latest > "$work/undo" 2>&1; then
		echo "FAIL: crash at step $k: --undo failed:"; cat "$work/undo"; fails=$((fails + 1)); continue
	fi
	"$here/manifest.py" "$ROOT" > "$work/now"
	if ! cmp -s "$work/orig" "$work/now"; then
		echo "FAIL: crash at step $k: --undo did not restore the tree"
		diff "$work/orig" "$work/now" | head
		fails=$((fails + 1))
	fi
done
[ $steps -gt 10 ] || { echo "FAIL: only $steps crash points in the apply"; fails=$((fails + 1)); }
echo "apply: crashed at each of $steps steps, undo restored the tree each time"

usteps=0
for k in $(seq 1 200); do
	broken_root
	"$SSHFIX" --root "$ROOT" --apply > /dev/null 2>&1
	rc=$(crash_run "$k" --undo latest)
	if [ $rc -eq 137 ]; then
		"$SSHFIX" --root "$ROOT" --undo latest > "$work/undo" 2>&1 ||
			{ echo "FAIL: undo crash at step $k: second --undo failed:"; cat "$work/undo"; fails=$((fails + 1)); }
	elif [ $rc -ne 0 ]; then
		echo "FAIL: --undo exited $rc"; cat "$work/out"; fails=$((fails + 1))
	fi
	"$here/manifest.py" "$ROOT" > "$work/now"
	cmp -s "$work/orig" "$work/now" || { echo "FAIL: undo crash at step $k: tree not restored"; fails=$((fails + 1)); }
	[ $rc -eq 137 ] || { usteps=$((k - 1)); break; }
done
echo "undo: crashed at each of $usteps steps, a second undo restored the tree each time"
[ $fails -eq 0 ]
