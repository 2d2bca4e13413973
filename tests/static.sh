#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The static binary (DESIGN §7, issue 6), built by `make static`: statically
# linked, runs --version in an empty chroot (a fresh directory holding only
# the binary), and a --dry-run of a fake root inside such a chroot prints
# what the dynamic sshfix prints for the same root.  Reports the stripped
# size against the 1 MiB goal.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(dirname "$here")}
top_builddir=${top_builddir:-$top_srcdir}
SSHFIX=${SSHFIX:-$top_builddir/sshfix}
SSHFIX_STATIC=${SSHFIX_STATIC:-$top_builddir/sshfix-static}
. "$here/lib.sh"

if [ ! -f "$SSHFIX_STATIC" ]; then
	echo "SKIP: no $SSHFIX_STATIC: run make static first"
	exit 77
fi
export LC_ALL=C NO_COLOR=1

failed=0 desc=
fail() { echo "FAIL: $*"; failed=1; }

# Statically linked: file(1) says so; readelf: no interpreter, no NEEDED.
if command -v file > /dev/null 2>&1; then
	desc=$(file -b "$SSHFIX_STATIC")
	echo "file: $desc"
	case $desc in
	*"statically linked"*) ;;
	*) fail "file(1) does not say statically linked" ;;
	esac
fi
if command -v readelf > /dev/null 2>&1; then
	if readelf -lW "$SSHFIX_STATIC" | grep -q INTERP; then
		fail "it has a program interpreter: $(readelf -lW "$SSHFIX_STATIC" | grep interpreter)"
	fi
	if readelf -dW "$SSHFIX_STATIC" | grep -q '(NEEDED)'; then
		fail "it needs shared libraries: $(readelf -dW "$SSHFIX_STATIC" | grep '(NEEDED)' | tr -s ' ' | tr '\n' ' ')"
	fi
elif ! command -v file > /dev/null 2>&1; then
	echo "SKIP: neither file nor readelf is installed: cannot tell how it is linked"
	exit 77
fi

size=$(stat -c %s "$SSHFIX_STATIC")
goal=1048576
if [ "$size" -le $goal ]; then
	echo "size: $size bytes stripped, $((size * 100 / goal))% of the 1 MiB goal ($goal bytes)"
else
	echo "size: $size bytes stripped: OVER the 1 MiB goal ($goal bytes) by $((size - goal)) bytes"
fi
case $desc in *"not stripped"*) echo "note: the binary is not stripped" ;; esac

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the chroot runs need root (checked linking and size only)"
	[ $failed = 0 ] || exit 1
	exit 77
fi
if ! command -v chroot > /dev/null 2>&1; then
	echo "SKIP: no chroot command (checked linking and size only)"
	[ $failed = 0 ] || exit 1
	exit 77
fi
if [ ! -x "$SSHFIX" ]; then
	echo "SKIP: no dynamic sshfix at $SSHFIX to compare with (run make first)"
	exit 77
fi

work=$(mktemp -d /tmp/sshfix-static.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# 1. --version in a directory that holds nothing but the binary: no
# loader, no libc, no /etc, /proc or /dev.
jail=$work/empty
mkdir "$jail"
cp "$SSHFIX_STATIC" "$jail/sshfix-static"
got=$(chroot "$jail" /sshfix-static --version 2>&1)
rc=$?
want=$("$SSHFIX" --version 2>&1)
if [ $rc != 0 ] || [ "$got" != "$want" ]; then
	fail "--version in an empty chroot: exit $rc, printed '$got', expected '$want'"
else
	echo "ok: --version in an empty chroot: $got"
fi

# 2. A dry-run of a fake root with problems (tests/lib.sh), from inside
# the chroot, must match the dynamic binary's dry-run of the same root.
mkroot "$jail/fakeroot"
chmod 0777 "$jail/fakeroot/home/alice"
chmod 0644 "$jail/fakeroot/etc/ssh/ssh_host_ed25519_key"
chmod 0666 "$jail/fakeroot/home/alice/.ssh/authorized_keys"
before=$("$here/manifest.py" "$jail/fakeroot")

chroot "$jail" /sshfix-static --root /fakeroot --dry-run > "$work/static.raw" 2>&1
echo "Exit status is $?" >> "$work/static.raw"
"$SSHFIX" --root "$jail/fakeroot" --dry-run > "$work/dynamic.raw" 2>&1
echo "Exit status is $?" >> "$work/dynamic.raw"
# Inside a bare chroot the sandbox cannot make its namespace private (the
# chroot's "/" is no mount point), so the static binary says the target's
# tools could not run for another reason than the dynamic one; both fall
# back to the model, and the rest of the report must be the same.
norm='s/could not run here ([^)]*)/could not run here (REASON)/'
sed -e "s|/fakeroot|ROOT|g" -e "$norm" -f "$here/filter.sed" "$work/static.raw" > "$work/static.out"
sed -e "s|$jail/fakeroot|ROOT|g" -e "$norm" -f "$here/filter.sed" "$work/dynamic.raw" > "$work/dynamic.out"

if ! grep -q 'would be fixed' "$work/dynamic.out"; then
	fail "the dynamic dry-run found nothing to fix; the comparison would prove little:"
	sed 's/^/    /' "$work/dynamic.out"
elif cmp -s "$work/dynamic.out" "$work/static.out"; then
	echo "ok: --dry-run in the chroot prints what the dynamic binary prints ($(wc -l < "$work/static.out") lines, $(tail -1 "$work/static.out"))"
else
	fail "--dry-run in the chroot differs from the dynamic binary (- dynamic, + static):"
	diff -u "$work/dynamic.out" "$work/static.out" | sed 's/^/    /' | head -60
fi
[ "$("$here/manifest.py" "$jail/fakeroot")" = "$before" ] || fail "a --dry-run changed the fake root"
# Nothing but what we put there: the binary wrote nothing into the chroot.
for e in "$jail"/* "$jail"/.[!.]* "$jail"/..?*; do
	case ${e#"$jail"/} in sshfix-static | fakeroot) continue ;; esac
	[ -e "$e" ] || [ -L "$e" ] || continue
	fail "the chroot has a new entry: ${e#"$jail"}"
done

[ $failed = 0 ] && echo "PASS: static binary"
exit $failed
