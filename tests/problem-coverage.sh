#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# problem-coverage.sh: every problem id sshfix knows (--list-checks) is
# named by the expected output of a tree case, an e2e scenario or an attack
# case -- or has a written reason in tests/problem-waivers.  A waiver for an
# id that is covered, or that no longer exists, fails too, so the list
# shrinks as cases are added.  Every family has its README row and man
# page section.  Exit 0 pass, 1 fail, 77 without the binary.
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
# Every family has its row in the README's table and its section in the man page.
top=$(cd "$here/.." && pwd)
nf=0
while IFS= read -r line; do
	fam=${line%%:*}
	nf=$((nf + 1))
	grep -q "^| \`$fam\` |" "$top/README.md" || { echo "FAIL: family $fam has no row in README.md's check table"; fail=1; }
	sec=".SS ${fam//-/\\-}"
	grep -qxF "$sec" "$top/man/sshfix.8" || { echo "FAIL: family $fam has no section in man/sshfix.8"; fail=1; }
done < <("$SSHFIX" --list-checks | grep -v '^ ')
# Every tree case is an automake test: tests/cases.am lists them all.
listed=$(sed -n 's|^\ttests/cases/\([^ ]*\).*|\1|p' "$here/cases.am" | LC_ALL=C sort)
present=$(cd "$here/cases" && ls -d -- */ | sed 's|/$||' | LC_ALL=C sort)
if [ "$listed" != "$present" ]; then
	echo "FAIL: tests/cases.am does not list exactly the tree cases in tests/cases/ (run tools/list-cases.sh):"
	diff <(printf '%s\n' "$listed") <(printf '%s\n' "$present") | sed -n 's/^[<>]/   &/p'
	fail=1
fi
echo "problem-coverage: $n problem ids, $((n - w)) covered by cases, $w waived; $nf families in the README and the man page"
exit $fail
