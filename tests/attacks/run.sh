#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The attack tier (DESIGN §6.6): a local user of the target tries to turn an
# admin's sshfix run against the system.  Each tests/attacks/<name>/ holds:
#   name       one line: what the attacker tries
#   setup      builds the fake root ($ROOT, after mkroot: root, alice 1000)
#              with tests/lib.sh and tests/attacks/lib.sh
#   args       sshfix arguments after --root ROOT (e.g. --apply is added by
#              the harness; "--client --home /home/bob", "--add-key bob KEY")
#   allowed    optional: paths (bash globs, relative to ROOT, as manifest.sh
#              prints them) the repair may legitimately change
#   secrets    optional: fixed strings that must never be printed
#   expect     optional: fixed strings the --dry-run output must hold (proof
#              that sshfix reached the planted situation)
#   forbidden  optional: extended regexes no output line may match
#   post       optional: run after the first --apply; exits non-zero, saying
#              why, when something that had to happen did not
#   script     optional: the case's own steps instead of the standard ones
#              (run with attack_run, fail, ns_users ... from lib.sh)
#   hook       optional: a program for SSHFIX_TEST_HOOK (`hook STAGE PATH`)
#   env        optional: sourced before the run (ATTACK_TIME_LIMIT_CASE=20)
# See README.md beside this file.
# Standard steps: manifest; --dry-run (the tree must not change); --dry-run
# --json; --apply; post; --apply --json; then (a) nothing outside `allowed`
# changed, (b) no secret in any output, (c) sshfix never crashed, timed out,
# printed raw control characters or invalid JSON, (d) it wrote nothing
# outside the fake root (every run is guarded: guard.sh), (e) when something
# was applied, --undo latest (as often as applies were recorded) exits 0 and
# restores the whole manifest.
# Secrets found automatically: every password hash in ROOT/etc/shadow, every
# line of ROOT/etc/ssh/ssh_host_*_key, the body of every private key under
# ROOT.
# Usage: tests/attacks/run.sh [CASE...]     KEEP=1 keeps the scratch dirs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tests=$(dirname "$here")
top_srcdir=${top_srcdir:-$(dirname "$tests")}
top_builddir=${top_builddir:-$top_srcdir}
SSHFIX=${SSHFIX:-$top_builddir/sshfix}
. "$tests/lib.sh"
. "$here/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the attack tier needs root (fake roots own files as other users; cases use mount namespaces)"
	exit 77
fi
if [ ! -x "$SSHFIX" ]; then
	echo "SKIP: no sshfix binary at $SSHFIX (build it first)"
	exit 77
fi
for tool in unshare jq getfattr timeout /usr/bin/time mkfifo; do
	command -v "$tool" > /dev/null || { echo "SKIP: the attack tier needs $tool"; exit 77; }
done
if ! unshare --mount --propagation private true 2> /dev/null; then
	echo "SKIP: cannot make a private mount namespace here (unshare --mount)"
	exit 77
fi
export LC_ALL=C NO_COLOR=1
export SOURCE_DATE_EPOCH=1700000000
TIME_LIMIT=${ATTACK_TIME_LIMIT:-60}

work=$(mktemp -d /tmp/sshfix-attacks.XXXXXX)
chmod 0755 "$work"
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then
		echo "kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- checks on every run ----

# The guard's writable layers, without the undo store sshfix may keep in
# the running system's /var/lib/sshfix (the --client cases).
upper_manifest() {
	local d
	for d in etc root var usr opt srv home; do
		[ -n "$(ls -A "$O/guard/$d.up" 2> /dev/null)" ] || continue
		"$here/manifest.sh" "$O/guard/$d.up" 2> /dev/null | grep -v '^\.	' | sed "s|^|$d.up/|" |
			sed 's/trusted\.overlay\.[a-z]*=0x[0-9a-f]* //g' | grep -v -e '^var\.up/lib	' -e '^var\.up/lib/sshfix' || true
	done
}

# run_guarded NAME CMD...: CMD in the guard; outputs to $O/out/NAME.*.
run_guarded() {
	local name=$1 rc
	shift
	local out=$O/out/$name
	upper_manifest > "$out.up0"
	SSHFIX_TEST_HOOK=${HOOK:-} ROOT=$ROOT O=$O ATTACK_DIR=$here timeout -k 5 "${ATTACK_TIME_LIMIT_CASE:-$TIME_LIMIT}" \
		unshare --mount --propagation private "$here/guard.sh" "$O/guard" "$@" > "$out.out" 2> "$out.err" < /dev/null
	rc=$?
	echo "$rc" > "$out.rc"
	upper_manifest > "$out.up1"
	if ! cmp -s "$out.up0" "$out.up1"; then
		fail "$name: sshfix wrote to the host's own files, outside any fake root (caught in the guard's overlay; the host is untouched): $(diff "$out.up0" "$out.up1" | grep '^[<>]' | cut -f1 | sort -u | head -5 | tr '\n' ' ')"
	fi
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$name: timed out after ${ATTACK_TIME_LIMIT_CASE:-$TIME_LIMIT} s (killed)"
	elif [ "$rc" -ge 128 ]; then
		fail "$name: crashed (exit status $rc)"
	fi
	if grep -aqE 'Segmentation fault|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|core dumped|Aborted' "$out.err" "$out.out"; then
		fail "$name: sanitizer or crash message: $(grep -ahE 'Segmentation fault|Sanitizer|runtime error:|core dumped|Aborted' "$out.err" "$out.out" | head -2 | cut -c1-160)"
	fi
	case " $* " in
	*" --json "*)
		if ! jq -e . "$out.out" > /dev/null 2>&1; then
			fail "$name: --json output is not one valid JSON document ($(jq . "$out.out" 2>&1 > /dev/null | head -1 | cut -c1-120))"
		fi ;;
	esac
	return "$rc"
}

# CMD in the guard, output on stdout (manifests of the running system).
run_guarded_quiet() {
	unshare --mount --propagation private "$here/guard.sh" "$O/guard" "$@" 2> /dev/null
}

# Every secret (label TAB string) in every output: text, stderr, and the
# strings of JSON documents (decoded, so an escaped "\/" hides nothing).
# Secrets are named by their label, never printed.
check_outputs() {
	local f s label
	[ -s "$O/secrets" ] || return 0
	for f in "$O"/out/*.out "$O"/out/*.err; do
		[ -f "$f" ] || continue
		case $f in
		*.out) jq -r '.. | strings' "$f" > "$f.strings" 2> /dev/null || : > "$f.strings" ;;
		esac
	done
	while IFS='	' read -r label s; do
		[ -n "$s" ] || continue
		local where=
		for f in "$O"/out/*.out "$O"/out/*.err "$O"/out/*.strings; do
			[ -f "$f" ] || continue
			case $f in *.strings) [ -n "$where" ] && continue ;; esac
			if grep -aqF -- "$s" "$f"; then
				local shown=${f#"$O"/out/}
				where="$where ${shown%.strings}:$(grep -anF -- "$s" "$f" | head -1 | cut -d: -f1)"
			fi
		done
		[ -z "$where" ] || fail "secret printed: $label, in (output:line)$where"
	done < "$O/secrets"
	for f in "$O"/out/*.out "$O"/out/*.err; do
		[ -f "$f" ] || continue
		if tr -d '\t\n' < "$f" | LC_ALL=C grep -aq '[[:cntrl:]]'; then
			fail "raw control characters (terminal escape) in ${f#"$O"/out/}: $(tr -d '\t\n' < "$f" | LC_ALL=C grep -ao '.\{0,20\}[[:cntrl:]].\{0,10\}' | head -1 | od -An -c | tr -s ' \n' ' ' | cut -c1-120)"
		fi
	done
	if [ -f "$casedir/forbidden" ]; then
		while IFS= read -r re; do
			[ -n "$re" ] || continue
			for f in "$O"/out/*.out "$O"/out/*.err; do
				[ -f "$f" ] || continue
				if grep -aqE -- "$re" "$f"; then
					fail "forbidden output /$re/ in ${f#"$O"/out/}: $(grep -aE -- "$re" "$f" | head -1 | cut -c1-120)"
				fi
			done
		done < "$casedir/forbidden"
	fi
}

# Secrets the case planted, found without the case naming them.
auto_secrets() {
	local f
	if [ -f "$ROOT/etc/shadow" ]; then
		awk -F: '$2 != "" && $2 != "*" && $2 != "!" && $2 != "!*" { print "password hash of " $1 " in ROOT/etc/shadow\t" $2 }' \
			"$ROOT/etc/shadow"
	fi
	for f in "$ROOT"/etc/ssh/ssh_host_*_key; do
		[ -f "$f" ] || continue
		grep -av -e '^-----' -e '^[[:space:]]*$' "$f" | sed "s|^|line of the host key ${f#"$ROOT"/}\t|"
	done
	find "$ROOT" -path "$ROOT/var/lib/sshfix" -prune -o -type f -size -1024k -print0 |
		xargs -0 -r grep -alZ -e 'PRIVATE KEY-----' 2> /dev/null | while IFS= read -r -d '' f; do
		awk -v name="${f#"$ROOT"/}" '/-----BEGIN .*PRIVATE KEY-----/ { inkey = 1; next }
			/-----END .*PRIVATE KEY-----/ { inkey = 0; next }
			inkey && length($0) >= 12 { print "private key body line in " name "\t" $0 }' "$f"
	done
}

# Manifest lines outside `allowed`.
outside_allowed() {
	local path rest pat ok
	while IFS='	' read -r path rest; do
		ok=0
		if [ -f "$casedir/allowed" ]; then
			while IFS= read -r pat; do
				[ -n "$pat" ] || continue
				# shellcheck disable=SC2053
				[[ $path == $pat ]] && { ok=1; break; }
			done < "$casedir/allowed"
		fi
		[ $ok = 1 ] || printf '%s\t%s\n' "$path" "$rest"
	done < "$1"
}

show_diff() {
	diff "$1" "$2" | grep '^[<>]' | head -"${3:-6}" | cut -c1-200 | sed 's/^/    /'
}

undo_count() {
	ls "$ROOT/var/lib/sshfix/undo" 2> /dev/null | wc -l
}

# The standard steps.
standard() {
	local args=() n i
	[ -f "$casedir/args" ] && read -r -a args < "$casedir/args"
	"$here/manifest.sh" "$ROOT" > "$O/m0"

	attack_run dry --root "$ROOT" --dry-run "${args[@]}"
	"$here/manifest.sh" "$ROOT" > "$O/m1"
	cmp -s "$O/m0" "$O/m1" || { fail "--dry-run changed the tree:"; show_diff "$O/m0" "$O/m1" >> "$O/failures"; }
	attack_run dry-json --root "$ROOT" --dry-run --json "${args[@]}"
	"$here/manifest.sh" "$ROOT" > "$O/m1"
	cmp -s "$O/m0" "$O/m1" || { fail "--dry-run --json changed the tree:"; show_diff "$O/m0" "$O/m1" >> "$O/failures"; }

	attack_run apply --root "$ROOT" --apply "${args[@]}"
	if [ -f "$casedir/post" ]; then
		local why
		why=$(ROOT=$ROOT O=$O bash "$casedir/post" 2>&1) || fail "after --apply: ${why:-post check failed}"
	fi
	attack_run apply-json --root "$ROOT" --apply --json "${args[@]}"
	"$here/manifest.sh" "$ROOT" > "$O/m2"
	outside_allowed "$O/m0" > "$O/m0.kept"
	outside_allowed "$O/m2" > "$O/m2.kept"
	if ! cmp -s "$O/m0.kept" "$O/m2.kept"; then
		fail "--apply changed what it must not (< before, > after):"
		show_diff "$O/m0.kept" "$O/m2.kept" 8 >> "$O/failures"
	fi

	n=$(undo_count)
	if [ "$n" -gt 0 ]; then
		for i in $(seq 1 "$n"); do
			attack_run "undo-$i" --root "$ROOT" --undo latest
			case $(cat "$O/out/undo-$i.rc") in
			0) ;;
			*) grep -q 'Nothing to undo' "$O/out/undo-$i.err" "$O/out/undo-$i.out" && break
			   fail "--undo latest failed (exit $(cat "$O/out/undo-$i.rc")): $(head -c 300 "$O/out/undo-$i.err")"
			   break ;;
			esac
		done
		"$here/manifest.sh" "$ROOT" > "$O/m3"
		if ! cmp -s "$O/m0" "$O/m3"; then
			fail "--undo did not restore the tree (< before, > after undo):"
			show_diff "$O/m0" "$O/m3" >> "$O/failures"
		fi
	fi
}

failed=0 passed=0
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=("$here"/*/)
for casedir in "${cases[@]}"; do
	casedir=${casedir%/}
	case $casedir in /*) ;; *) if [ -d "$here/$casedir" ]; then casedir=$here/$casedir; else casedir=$(cd "$casedir" 2> /dev/null && pwd) || casedir=$here/$casedir; fi ;; esac
	[ -d "$casedir" ] || { echo "FAIL: $casedir: no such case"; failed=$((failed + 1)); continue; }
	case=$(basename "$casedir")
	[ -f "$casedir/name" ] || continue
	O=$work/$case
	ROOT=$O/root
	mkdir -p "$O/out"
	for d in etc root var usr opt srv home; do mkdir -p "$O/guard/$d.up" "$O/guard/$d.wk"; done
	: > "$O/failures"
	: > "$O/secrets"
	unset GUARD_HOME HOOK
	ATTACK_TIME_LIMIT_CASE=
	mkroot "$ROOT"
	if [ -f "$casedir/secrets" ]; then
		grep -v '^$' "$casedir/secrets" | awk '{ print "marker " $0 "\t" $0 }' >> "$O/secrets"
	fi
	if [ -f "$casedir/hook" ]; then
		cp "$casedir/hook" "$O/hook"
		chmod 0755 "$O/hook"
		HOOK=$O/hook
	fi
	if [ -f "$casedir/setup" ] && ! (set -e; cd "$O"; . "$casedir/setup") > "$O/setup.log" 2>&1; then
		echo "FAIL: $case: setup failed: $(tail -3 "$O/setup.log")"
		failed=$((failed + 1))
		continue
	fi
	# shellcheck disable=SC1091
	[ -f "$casedir/env" ] && . "$casedir/env"
	auto_secrets >> "$O/secrets"

	if [ -f "$casedir/script" ]; then
		# A script says what failed with `fail`; its exit status is its last command's.
		(cd "$O" && . "$casedir/script") > "$O/script.log" 2>&1
		if grep -qE 'syntax error|command not found|unbound variable' "$O/script.log"; then
			fail "the case's script is broken: $(grep -E 'syntax error|command not found|unbound variable' "$O/script.log" | head -1)"
		fi
	else
		standard
	fi
	if [ -f "$casedir/expect" ]; then
		got=$O/out/dry.out
		[ -f "$got" ] || got=$(ls "$O"/out/*.out 2> /dev/null | head -1)
		while IFS= read -r s; do
			[ -n "$s" ] || continue
			cat "$O"/out/dry.out "$O"/out/dry.err 2> /dev/null | grep -aqF -- "$s" ||
				fail "the dry-run output does not mention \"$s\": sshfix did not reach the planted situation"
		done < "$casedir/expect"
	fi
	if [ -n "${HOOK:-}" ] && [ ! -s "$O/hook.log" ]; then
		fail "the test hook (SSHFIX_TEST_HOOK) was never run: the race was not exercised"
	fi
	check_outputs
	if [ -s "$O/failures" ]; then
		echo "FAIL: $case: $(head -1 "$O/failures")"
		tail -n +2 "$O/failures" | head -12 | sed 's/^/    /'
		failed=$((failed + 1))
	else
		echo "PASS: $case"
		passed=$((passed + 1))
	fi
done
# The secrets collected from the running system are not left behind.
rm -f "$work"/*/secrets
echo "attack cases: $passed passed, $failed failed"
[ $failed = 0 ]
