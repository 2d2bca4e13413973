#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tree tier (e2fsck's f_* tests): each tests/cases/<name>/ builds a fake
# root (`setup`, using tests/lib.sh), then sshfix runs on it:
#   --dry-run      output must match expect.dry; the tree must not change
#                  (full manifest: content, mode, owner, xattrs)
#   (report mode)  must not change the tree either, same exit status
#   --apply        output must match expect.1
#   --apply again  output must match expect.2 and record no new undo id
#   --undo latest  (when something was applied) must restore the manifest
# A case with a `script` runs that instead and compares its output with
# expect.1.  Outputs get "Exit status is N" appended and pass through
# filter.sed.  UPDATE=1 rewrites the expect files (review the diff!).
# Usage: run-cases.sh [CASE...]  (a name or a directory; make check runs
# each case as its own test, see tests/cases.am)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(dirname "$here")}
SSHFIX=${SSHFIX:-$top_srcdir/sshfix}
. "$here/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the tree tier needs root (fake roots own files as other users)"
	exit 77
fi
if [ ! -x "$SSHFIX" ]; then
	echo "SKIP: no sshfix binary at $SSHFIX (build it first)"
	exit 77
fi
export LC_ALL=C NO_COLOR=1
# Fixed "today" (2023-11-14) for the shadow lines sshfix writes, as for useradd.
export SOURCE_DATE_EPOCH=1700000000

work=$(mktemp -d /tmp/sshfix-cases.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT INT TERM

failed=0 passed=0
fail() { echo "FAIL: $case: $*"; failed=$((failed + 1)); ok=0; }

# run_sshfix OUT ARGS...: run on $ROOT, keep filtered output + exit status.
run_sshfix() {
	out=$1; shift
	"$SSHFIX" "$@" > "$out.raw" 2>&1
	echo "Exit status is $?" >> "$out.raw"
	sed -e "s|$ROOT|ROOT|g" -f "$here/filter.sed" "$out.raw" > "$out"
}

compare() {
	exp=$casedir/$1 got=$2
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$got" "$exp"
	elif [ ! -f "$exp" ]; then
		fail "missing $1"
	elif ! cmp -s "$exp" "$got"; then
		fail "$1 differs:"
		diff -u "$exp" "$got" | sed 's/^/    /' | head -40
	fi
}

undo_ids() {
	ls "$ROOT/var/lib/sshfix/undo" 2>/dev/null | wc -l
}

cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=("$here"/cases/*/)
for casedir in "${cases[@]}"; do
	casedir=${casedir%/}
	case $casedir in /*) ;; *) [ -d "$casedir" ] || casedir=$here/cases/$casedir ;; esac
	casedir=$(cd "$casedir" && pwd)	# setup and script run elsewhere
	case=$(basename "$casedir")
	ok=1
	ROOT=$work/$case/root
	mkdir -p "$work/$case"
	mkroot "$ROOT"
	# Not "if ! (set -e; ...)": inside a tested command bash ignores set -e,
	# and a setup step that fails must fail the case.
	if [ -f "$casedir/setup" ]; then
		(set -e; cd "$work/$case"; . "$casedir/setup")
		st=$?
		if [ "$st" -ne 0 ]; then
			fail "setup failed (exit $st)"
			continue
		fi
	fi
	args=()
	[ -f "$casedir/args" ] && read -r -a args < "$casedir/args"
	o=$work/$case

	if [ -f "$casedir/script" ]; then
		(cd "$o"; ROOT=$ROOT SSHFIX=$SSHFIX bash "$casedir/script") > "$o/out.1.raw" 2>&1
		echo "Exit status is $?" >> "$o/out.1.raw"
		sed -e "s|$ROOT|ROOT|g" -f "$here/filter.sed" "$o/out.1.raw" > "$o/out.1"
		compare expect.1 "$o/out.1"
	else
		"$here/manifest.py" "$ROOT" > "$o/m0"
		run_sshfix "$o/out.dry" --root "$ROOT" --dry-run "${args[@]}"
		"$here/manifest.py" "$ROOT" > "$o/m1"
		cmp -s "$o/m0" "$o/m1" || { fail "--dry-run changed the tree"; diff "$o/m0" "$o/m1" | head; }
		run_sshfix "$o/out.report" --root "$ROOT" "${args[@]}"
		"$here/manifest.py" "$ROOT" > "$o/m1"
		cmp -s "$o/m0" "$o/m1" || fail "report mode changed the tree"
		[ "$(tail -1 "$o/out.report")" = "$(tail -1 "$o/out.dry")" ] ||
			fail "report and dry-run exit differently"
		compare expect.dry "$o/out.dry"

		run_sshfix "$o/out.1" --root "$ROOT" --apply "${args[@]}"
		compare expect.1 "$o/out.1"
		n1=$(undo_ids)
		run_sshfix "$o/out.2" --root "$ROOT" --apply "${args[@]}"
		compare expect.2 "$o/out.2"
		[ "$(undo_ids)" = "$n1" ] || fail "the second --apply changed something"
		if [ "$n1" -gt 0 ]; then
			"$SSHFIX" --root "$ROOT" --undo latest > "$o/out.undo" 2>&1 || fail "--undo failed: $(cat "$o/out.undo")"
			"$here/manifest.py" "$ROOT" > "$o/m2"
			# The undo store itself stays; everything else must be as before.
			cmp -s "$o/m0" "$o/m2" || { fail "--undo did not restore the tree"; diff "$o/m0" "$o/m2" | head; }
		fi
	fi
	if [ $ok = 1 ]; then
		echo "PASS: $case"
		passed=$((passed + 1))
	fi
done
echo "tree cases: $passed passed, $failed failed"
[ $failed = 0 ]
