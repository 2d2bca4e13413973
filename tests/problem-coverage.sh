#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# problem-coverage.sh: every problem id sshfix knows (--list-checks) is
# named by the expected output of a tree case, an e2e scenario or an attack
# case -- or has a written reason in tests/problem-waivers.  A waiver for an
# id that is covered, or that no longer exists, fails too, so the list
# shrinks as cases are added.  The README's check table and the man page's
# PROBLEMS are what tools/gen-docs.py makes of the tables (the families,
# their problems, severities, flags and rules; the prose is people's).
# Exit 0 pass, 1 fail, 77 without the binary (or without python3, which
# runs the generator).
set -u
here=$(cd "$(dirname "$0")" && pwd)
SSHFIX=${SSHFIX:-${abs_top_builddir:-$here/..}/sshfix}
[ -x "$SSHFIX" ] || { echo "SKIP: problem-coverage: no sshfix at $SSHFIX"; exit 77; }
ids=$("$SSHFIX" --list-checks | awk '/^  [a-z]/ { print $1 }')
[ -n "$ids" ] || { echo "FAIL: sshfix --list-checks printed no problem ids"; exit 1; }
waived=$(sed -n 's/^\([a-z0-9-]*\)\t.*/\1/p' "$here/problem-waivers")
covered() {
	grep -rqsF -e "$1" "$here"/cases/*/expect* "$here"/e2e/scenarios/ "$here"/attacks/*/expect
}
fail=0 n=0 w=0
for id in $ids; do
	n=$((n + 1))
	if covered "$id"; then
		if printf '%s\n' "$waived" | grep -qx -- "$id"; then
			echo "FAIL: $id is covered now: remove its waiver"
			fail=1
		fi
	elif printf '%s\n' "$waived" | grep -qx -- "$id"; then
		w=$((w + 1))
	else
		echo "FAIL: $id: no tree case, e2e scenario or attack case names it, and no waiver says why"
		fail=1
	fi
done
for id in $waived; do
	printf '%s\n' "$ids" | grep -qx -- "$id" || { echo "FAIL: waiver for $id, which sshfix does not know"; fail=1; }
done
# The README's check table and the man page's PROBLEMS are made from the
# problem tables by tools/gen-docs.py: they must be what it would write.
top=$(cd "$here/.." && pwd)
docs="compared with the tables"
if command -v python3 > /dev/null; then
	python3 "$top/tools/gen-docs.py" --check --sshfix "$SSHFIX" --srcdir "$top" || fail=1
else
	docs="not compared with the tables (no python3)"
	echo "SKIP: problem-coverage: no python3 to compare README.md and man/sshfix.8 with the problem tables" \
		"(tools/install-deps.sh test installs it)"
fi
# Every tree case is an automake test: tests/cases.am lists them all.
listed=$(sed -n 's|^\ttests/cases/\([^ ]*\).*|\1|p' "$here/cases.am" | LC_ALL=C sort)
present=$(cd "$here/cases" && ls -d -- */ | sed 's|/$||' | LC_ALL=C sort)
if [ "$listed" != "$present" ]; then
	echo "FAIL: tests/cases.am does not list exactly the tree cases in tests/cases/ (run tools/list-cases.sh):"
	diff <(printf '%s\n' "$listed") <(printf '%s\n' "$present") | sed -n 's/^[<>]/   &/p'
	fail=1
fi
echo "problem-coverage: $n problem ids, $((n - w)) covered by cases, $w waived; README.md and man/sshfix.8 $docs"
# What could not be compared is not reported as passed.
[ "$fail" = 0 ] && [ "$docs" != "compared with the tables" ] && exit 77
exit $fail
