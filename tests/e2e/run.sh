#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh [--suite SUITE]... [scenarios/NAME.sh ...]: the real-login tier
# (DESIGN §6 tier 3).
#
# On each OpenSSH generation ($E2E_SUITES or --suite, default "bookworm
# trixie": a Debian 12 root with OpenSSH 9.2, then a Debian 13 root with
# OpenSSH 10.0), for the healthy root and then every scenario (default: all
# of scenarios/*.sh), on an overlay of that generation's cached root:
#   (a) alice (or the scenario's LOGIN_USER) can log in before the break
#   (b) she cannot after break_root (and sshd logs EXPECT_LOG, if given;
#       what sshd said then goes to the target's /var/log/auth.log)
#   (c) `sshfix --root R --dry-run` exits 4 and changes nothing at all
#   (l) when sshd logged EXPECT_LOG: (c)'s report (it runs with --verbose)
#       shows that line as evidence of a finding (the logs family, issue 14)
#   (x) the client's ssh -vvv transcript of (b), given to --explain-file,
#       names as its first cause found one the report names; counted over
#       the tier, which fails below 90 %
#   (d) `sshfix --root R --apply` exits with bit 1 set and she can log in
#       (or with APPLY_ARGS, e.g. '--yes', added to --apply)
#   (e) a second --apply exits 0 and changes nothing
#   (f) `sshfix --root R --undo latest` restores the broken tree exactly
# A scenario may also set EXPECT_REPORT (a fixed string (c)'s report must
# hold; several lines: the report must hold each of them, e.g. one finding
# per cause when a scenario breaks several things at once) and EXPECT_WHO
# (one `sshfix --who` must print: invariant (w)).
# A scenario whose cause is policy sshfix only explains sets REPORT_ONLY=1:
# then (d) is "--apply exits 4, changes nothing, and the login still
# fails", and (e) and (f), which need a repair, are not run.
# and on the healthy root: (h) --dry-run exits 0 and changes nothing, and
# (t) its "sshd build:" line says TCP wrappers (Debian links libwrap into
# sshd on 9.2, into sshd-session on 10.0: RULES §7.4).
# A scenario whose repair needs a person's yes sets APPLY_ANSWERS and runs
# twice, each time on a fresh overlay with all six invariants:
#   NAME        (d) is `--interactive` under script(1), which gives it the
#               terminal it asks on, with those answers typed, one per line
#   NAME[--yes] the consent given up front, as a web console or a boot
#               hook gives it: (c) is `--dry-run --yes`, (d) `--apply
#               --yes`, (e) a second `--apply --yes`; before (d), (d0)
#               `--apply` without --yes must leave the tree as it is
#               (exit 4): the consent is what makes the repair; or, when
#               the scenario also breaks what needs no yes
#               (SAFE_WITHOUT_YES='/path ...': what those repairs change),
#               --apply changes only those paths, exits 5, the login still
#               fails, and --undo latest restores the broken tree
# E2E_CONSENT=interactive or yes runs only that one of the two.
# Where a generation genuinely differs, the scenario says so per suite:
#   VAR_<suite>         overrides VAR on that suite (EXPECT_LOG_trixie=...;
#                       also EXPECT_REPORT, EXPECT_WHO, APPLY_ARGS,
#                       APPLY_ANSWERS, REPORT_ONLY)
#   NOT_A_FAILURE_<suite>='why'
#                       the break is no login failure there: (b) is "the
#                       login still works" and (h) "--dry-run exits 0 and
#                       changes nothing" (no false positive; with
#                       EXPECT_REPORT_<suite>: exits 4, only explains that,
#                       no [error]), with why printed
#   SKIP_<suite>='why'  not run there; the reason is printed and counted
# One PASS/FAIL line per invariant (NAME@SUITE), per-scenario timings per
# generation, a result line per generation and a closing
# "N passed, N failed" line.  Exit 0 all passed, 1 something failed,
# 77 cannot run here (the reason is printed), 99 harness error.
#
# SSHFIX: the binary under test; default $abs_top_builddir/sshfix under
# automake, else ../../sshfix relative to this script.
# E2E_LOGDIR: where logs go (default: $SSHFIX_E2E_CACHE/logs/run-...), one
# directory per suite.
set -eu
. "$(dirname "$(readlink -f "$0")")/lib.sh"

e2e_find_sshfix

# Scenario arguments may be given relative to the caller or to this dir.
scenarios=()
args=("$@")
while [ $# -gt 0 ]; do
	s=$1
	shift
	if [ "$s" = --suite ]; then
		[ $# -gt 0 ] || { e2e_say "run.sh: --suite needs a suite ($E2E_ALL_SUITES)"; exit 99; }
		E2E_SUITES="${_suites:+$_suites }$1" _suites=$E2E_SUITES
		export E2E_SUITES
		shift
		continue
	fi
	if [ -f "$s" ]; then
		scenarios+=("$(readlink -f "$s")")
	elif [ -f "$E2E_DIR/$s" ]; then
		scenarios+=("$E2E_DIR/$s")
	elif [ -f "$E2E_DIR/scenarios/$s.sh" ]; then
		scenarios+=("$E2E_DIR/scenarios/$s.sh")
	else
		e2e_say "run.sh: no such scenario: $s"
		exit 99
	fi
done
if [ ${#scenarios[@]} -eq 0 ]; then
	for s in "$E2E_DIR"/scenarios/*.sh; do scenarios+=("$s"); done
fi

e2e_suites > /dev/null	# an unknown suite is a harness error before anything runs

# A private mount namespace for the whole run: every overlay we mount
# vanishes with it, even if this script is SIGKILLed.
e2e_enter "$E2E_DIR/run.sh" "${args[@]}"

npass=0 nfail=0 nskip=0
nexplain=0 nexplain_right=0
failed=()
timings=()
skipped=()
declare -A took=()	# "suite/name" -> seconds, for the closing table
names=()		# scenario names in the order they ran (once each)

# result OK SCENARIO INVARIANT TEXT
result() {
	local ok=$1 name=$2@$E2E_SUITE inv=$3 text=$4
	if [ "$ok" = 1 ]; then
		npass=$((npass + 1))
		printf 'PASS: %s (%s) %s\n' "$name" "$inv" "$text"
	else
		nfail=$((nfail + 1))
		failed+=("$name($inv)")
		printf 'FAIL: %s (%s) %s\n' "$name" "$inv" "$text"
	fi
}

# sshfix_run LOGFILE ARGS...: run the binary under test; its exit status
# in $rc, its output in LOGFILE, its time added to t_fix.
sshfix_run() {
	local out=$1 t
	shift
	t=$(e2e_now)
	printf '$ sshfix %s\n' "$*" > "$out"
	rc=0
	timeout 300 "$SSHFIX" "$@" < /dev/null >> "$out" 2>&1 || rc=$?
	printf '[exit %s]\n' "$rc" >> "$out"
	t_fix=$(awk -v a="$t_fix" -v b="$(e2e_secs "$t" "$(e2e_now)")" 'BEGIN { print a + b }')
}

# login LOGFILE: 0/1/2 as e2e_login; its time added to t_login.
login() {
	local t r=0
	t=$(e2e_now)
	e2e_login "$E2E_MERGED" "$user" "$key" "$1" 2> "$1.oracle" || r=$?
	t_login=$(awk -v a="$t_login" -v b="$(e2e_secs "$t" "$(e2e_now)")" 'BEGIN { print a + b }')
	return "$r"
}

# sshfix_answer LOGFILE ANSWERS ARGS...: as sshfix_run, on a terminal made
# by script(1) (--interactive asks only on one), typing ANSWERS (words),
# one at each question (tests/answer.sh).
sshfix_answer() {
	local out=$1 answers=$2 t
	shift 2
	t=$(e2e_now)
	rc=0
	timeout 300 "$E2E_DIR/../answer.sh" "$out.tty" "$answers" "$SSHFIX" "$@" || rc=$?
	{
		printf '$ sshfix %s  (answering: %s)\n' "$*" "$answers"
		tr -d '\r' < "$out.tty"
		printf '[exit %s]\n' "$rc"
	} > "$out"
	rm -f "$out.tty"
	t_fix=$(awk -v a="$t_fix" -v b="$(e2e_secs "$t" "$(e2e_now)")" 'BEGIN { print a + b }')
}

# timed NAME T0: the scenario's time, for the per-suite lines and the table.
timed() {
	local name=$1 secs
	secs=$(e2e_secs "$2" "$(e2e_now)")
	timings+=("$(printf '%-30s %6.2fs (logins %.2fs, sshfix %.2fs)' "$name" "$secs" "$t_login" "$t_fix")")
	[ -n "${took[x/$name]:-}" ] || names+=("$name")
	took[x/$name]=1
	took[$E2E_SUITE/$name]=$secs
}

# Why a login failed, in one line, for FAIL messages.
why() {
	grep -m1 'REFUSED\|ERROR' "$1.oracle" 2> /dev/null | sed 's/^oracle: //' || true
}

# The lines of an sshfix output worth showing under a FAIL.
show() {
	sed -n '2,12s/^/      | /p' "$1"
}

run_healthy() {
	local name=healthy d=$logdir/$E2E_SUITE/healthy t0 r=0
	t0=$(e2e_now) t_login=0 t_fix=0
	mkdir -p "$d"
	user=alice key=$(e2e_key alice)
	e2e_overlay_up "$E2E_IMAGE/rootfs" "$work/$name"
	login "$d/a.sshd.log" || r=$?
	result "$((r == 0))" $name a "login works on the healthy root$( ((r)) && echo ": $(why "$d/a.sshd.log"); $d/a.sshd.log")"
	e2e_snapshot "$d/before"
	sshfix_run "$d/dry-run.out" --root "$E2E_MERGED" --dry-run
	e2e_snapshot "$d/after"
	if e2e_compare "$d/before" "$d/after" keep-journal 2> "$d/h.diff"; then
		if [ "$rc" -eq 0 ]; then
			result 1 $name h "--dry-run on the healthy root: exit 0, no problem, nothing changed"
		else
			result 0 $name h "--dry-run on the healthy root exits $rc (want 0: a false positive?); $d/dry-run.out"
			show "$d/dry-run.out"
		fi
	else
		result 0 $name h "--dry-run on the healthy root CHANGED the tree (exit $rc):"
		sed 's/^/      /' "$d/h.diff"
	fi
	# Debian links libwrap into the binary that accepts the connection:
	# sshd in 9.2, sshd-session from 9.8 (RULES §7.1, §7.4).  The report
	# must know TCP wrappers apply on both generations.
	if grep -q '^  sshd build: .*TCP wrappers' "$d/dry-run.out"; then
		result 1 $name t "the report's sshd build line says TCP wrappers ($([ "$E2E_SUITE" = bookworm ] && echo 'sshd links libwrap' || echo 'sshd-session links libwrap'))"
	else
		result 0 $name t "the report's sshd build line does not say TCP wrappers: $(grep -m1 'sshd build:' "$d/dry-run.out" || echo 'no such line'); $d/dry-run.out"
	fi
	e2e_overlay_down
	timed "$name" "$t0"
}

# The variables a scenario may set, each also per suite (VAR_<suite>).
SCENARIO_VARS="LOGIN_USER EXPECT_LOG APPLY_ANSWERS APPLY_ARGS EXPECT_REPORT EXPECT_WHO REPORT_ONLY NOT_A_FAILURE SKIP SAFE_WITHOUT_YES"

# load_scenario FILE: source it with every variable reset, then make each
# VAR the value for this suite (VAR_<suite> wins over VAR).
load_scenario() {
	local v s
	for v in $SCENARIO_VARS; do
		eval "$v=''"
		for s in $E2E_ALL_SUITES; do unset "${v}_$s"; done
	done
	unset -f break_root
	# shellcheck disable=SC1090
	. "$1"
	for v in $SCENARIO_VARS; do
		eval "$v=\$(e2e_suite_var $v)"
	done
}

# report_says FILE: FILE holds every line of EXPECT_REPORT (each a fixed
# string); when one is missing, it is in $missing.
report_says() {
	local want
	missing=
	while IFS= read -r want; do
		[ -n "$want" ] || continue
		grep -qF -- "$want" "$1" || { missing=$want; return 1; }
	done <<< "$EXPECT_REPORT"
	return 0
}

# syslog_sshd LOG ROOT: the lines sshd printed (LOG, without the oracle's
# own) appended to ROOT/var/log/auth.log with the prefix rsyslog gives them.
syslog_sshd() {
	mkdir -p "$2/var/log"
	grep -v '^oracle: ' "$1" | sed 's/^/2026-12-06T10:00:00.000000+00:00 target sshd[1000]: /' >> "$2/var/log/auth.log"
}

# needs_yes FILE: the scenario's repair needs a person's yes (APPLY_ANSWERS)
# on this suite and it runs here at all.
needs_yes() {
	(
		load_scenario "$1"
		[ -n "$APPLY_ANSWERS" ] && [ -z "$SKIP" ] && [ -z "$NOT_A_FAILURE" ]
	)
}

# run_scenario FILE [yes]: the six invariants; with "yes", the repair that
# needs a person's yes is made with --yes instead of --interactive.
run_scenario() {
	local file=$1 consent=${2:-} name dir d t0 r yes=()
	name=$(basename "$file" .sh) dir=$(basename "$file" .sh)
	if [ "$consent" = yes ]; then
		name="${name}[--yes]" dir=$dir+yes
		yes=(--yes)
	fi
	d=$logdir/$E2E_SUITE/$dir
	t0=$(e2e_now) t_login=0 t_fix=0
	load_scenario "$file"
	if [ -n "$SKIP" ]; then
		nskip=$((nskip + 1))
		skipped+=("$name@$E2E_SUITE")
		printf 'SKIP: %s@%s not run on %s: %s\n' "$name" "$E2E_SUITE" "$E2E_SUITE" "$SKIP"
		return 0
	fi
	mkdir -p "$d"
	user=${LOGIN_USER:-alice}
	key=$(e2e_key "$user")
	e2e_overlay_up "$E2E_IMAGE/rootfs" "$work/$dir"

	r=0; login "$d/a.sshd.log" || r=$?
	result "$((r == 0))" "$name" a "$user can log in before the break$( ((r)) && echo ": $(why "$d/a.sshd.log"); $d/a.sshd.log")"

	if ! (set -eu; break_root "$E2E_MERGED") > "$d/break.out" 2>&1; then
		result 0 "$name" b "break_root failed: $(tail -n1 "$d/break.out")"
		e2e_overlay_down
		timed "$name" "$t0"
		return 0
	fi
	e2e_snapshot "$d/broken"

	if [ -n "$NOT_A_FAILURE" ]; then
		not_a_failure "$name" "$d"
		e2e_overlay_down
		timed "$name" "$t0"
		return 0
	fi

	r=0; login "$d/b.sshd.log" || r=$?
	# What sshd said goes to the target's auth.log, as rsyslog would have
	# written it (the oracle's sshd logs to stderr, on its own overlay):
	# sshfix reads it as evidence (invariant l below).
	syslog_sshd "$d/b.sshd.log" "$E2E_MERGED"
	e2e_snapshot "$d/broken"
	if [ "$r" -eq 1 ] && { [ -z "$EXPECT_LOG" ] || grep -qF -- "$EXPECT_LOG" "$d/b.sshd.log"; }; then
		result 1 "$name" b "login fails after the break: $(why "$d/b.sshd.log" | sed 's/.*REFUSED for [^:]*: //')"
	elif [ "$r" -eq 1 ]; then
		result 0 "$name" b "login fails after the break, but sshd never logged '$EXPECT_LOG' ($d/b.sshd.log)"
	else
		result 0 "$name" b "login still $( ((r == 0)) && echo works || echo 'errors (oracle)') after the break ($d/b.sshd.log)"
	fi

	sshfix_run "$d/dry-run.out" --root "$E2E_MERGED" --dry-run --verbose "${yes[@]}"
	e2e_snapshot "$d/dry"
	if e2e_compare "$d/broken" "$d/dry" keep-journal 2> "$d/c.diff"; then
		if [ "$rc" -eq 4 ] && [ -n "$EXPECT_REPORT" ] && ! report_says "$d/dry-run.out"; then
			result 0 "$name" c "--dry-run${yes:+ --yes} exits 4 and changes nothing, but does not say '$missing'; $d/dry-run.out"
			show "$d/dry-run.out"
		elif [ "$rc" -eq 4 ]; then
			result 1 "$name" c "--dry-run${yes:+ --yes} exits 4 and changes nothing${EXPECT_REPORT:+, and names the cause}"
		else
			result 0 "$name" c "--dry-run${yes:+ --yes} changes nothing but exits $rc (want 4: problem pending); $d/dry-run.out"
			show "$d/dry-run.out"
		fi
	else
		result 0 "$name" c "--dry-run${yes:+ --yes} CHANGED the tree (exit $rc):"
		sed 's/^/      /' "$d/c.diff"
	fi

	# (x) what the client saw, its -vvv transcript, given to --explain-file:
	# is the first cause found on the target one the report names?  Counted
	# for the tier (at least 90 % of the transcripts, issue 14), not a
	# verdict on the scenario.
	if [ -n "$EXPECT_REPORT" ] && [ -s "$d/b.sshd.log.client" ]; then
		sshfix_run "$d/explain.out" --root "$E2E_MERGED" --explain-file "$d/b.sshd.log.client"
		local got want
		got=$(sed -n 's/^It is: \([a-z0-9-]*\):.*/\1/p' "$d/explain.out" | head -n1)
		# the problem ids of the findings whose lines say EXPECT_REPORT
		want=$(while IFS= read -r line; do
			[ -n "$line" ] && awk -v t="$line" '/^\[[a-z]+\] [a-z0-9-]+:/ { id = $2; sub(/:$/, "", id) }
				index($0, t) && id != "" { print id }' "$d/dry-run.out"
		done <<< "$EXPECT_REPORT" | sort -u | tr '\n' ' ')
		nexplain=$((nexplain + 1))
		if [ -n "$got" ] && [[ " $want" == *" $got "* ]]; then
			nexplain_right=$((nexplain_right + 1))
			printf 'EXPLAIN: %s@%s: right: %s\n' "$name" "$E2E_SUITE" "$got"
		else
			printf 'EXPLAIN: %s@%s: WRONG: %s (the report names: %s); %s\n' "$name" "$E2E_SUITE" "${got:-nothing}" "$want" \
				"$d/explain.out"
		fi
	fi

	# (l) the report shows the line sshd logged (EXPECT_LOG, when sshd,
	# not the oracle, said it) as evidence of a finding.
	if [ -n "$EXPECT_LOG" ] && grep -v '^oracle: ' "$d/b.sshd.log" | grep -qF -- "$EXPECT_LOG"; then
		# (c) ran with --verbose: its evidence lines are in dry-run.out
		if grep -F -- 'evidence: log /var/log/auth.log: ' "$d/dry-run.out" | grep -qF -- "$EXPECT_LOG"; then
			result 1 "$name" l "the report shows sshd's log line as evidence: $EXPECT_LOG"
		else
			result 0 "$name" l "the report does not show sshd's log line '$EXPECT_LOG' as evidence; $d/dry-run.out"
			grep -F 'log' "$d/dry-run.out" | head -5 | sed 's/^/      /'
		fi
	fi

	if [ -n "$EXPECT_WHO" ]; then
		sshfix_run "$d/who.out" --root "$E2E_MERGED" --who
		if [ "$rc" -eq 0 ] && grep -qF -- "$EXPECT_WHO" "$d/who.out"; then
			result 1 "$name" w "--who says: $EXPECT_WHO"
		else
			result 0 "$name" w "--who exits $rc and does not say '$EXPECT_WHO'; $d/who.out"
			show "$d/who.out"
		fi
	fi

	if [ -n "$REPORT_ONLY" ]; then
		# Policy sshfix explains and never changes: --apply leaves all as it is.
		sshfix_run "$d/apply.out" --root "$E2E_MERGED" --apply
		local arc=$rc
		e2e_snapshot "$d/applied"
		r=0; login "$d/d.sshd.log" || r=$?
		if [ "$arc" -eq 4 ] && [ "$r" -eq 1 ] && e2e_compare "$d/broken" "$d/applied" keep-journal 2> "$d/d.diff"; then
			result 1 "$name" d "report only: --apply exits 4, changes nothing, and the login still fails"
		else
			result 0 "$name" d "report only: --apply exits $arc (want 4), login $( ((r == 0)) && echo works || echo fails), tree $( [ -s "$d/d.diff" ] && echo changed || echo unchanged); $d/apply.out"
			show "$d/apply.out"
		fi
		e2e_overlay_down
		timed "$name" "$t0"
		return 0
	fi

	local how=--apply
	if [ "$consent" = yes ]; then
		# Without the consent nothing may happen: --apply leaves a repair
		# that needs a yes, and says how to give it.
		sshfix_run "$d/apply-no-yes.out" --root "$E2E_MERGED" --apply
		e2e_snapshot "$d/no-yes"
		if [ -n "$SAFE_WITHOUT_YES" ]; then
			safe_without_yes "$name" "$d"
		elif e2e_compare "$d/broken" "$d/no-yes" 2> "$d/d0.diff" && [ "$rc" -eq 4 ] &&
		   grep -q 'needs confirmation (--interactive, or --yes=' "$d/apply-no-yes.out"; then
			result 1 "$name" d0 "--apply without --yes exits 4, changes nothing and names the --yes to give"
		else
			result 0 "$name" d0 "--apply without --yes exits $rc (want 4), tree $( [ -s "$d/d0.diff" ] && echo changed || echo unchanged); $d/apply-no-yes.out"
			show "$d/apply-no-yes.out"
			sed 's/^/      /' "$d/d0.diff"
		fi
		how="--apply --yes"
		sshfix_run "$d/apply.out" --root "$E2E_MERGED" --apply --yes
	elif [ -n "$APPLY_ANSWERS" ]; then
		how="--interactive (answering $APPLY_ANSWERS)"
		if command -v script > /dev/null; then
			sshfix_answer "$d/apply.out" "$APPLY_ANSWERS" --root "$E2E_MERGED" --interactive
		else
			printf 'script(1) is not installed: cannot answer --interactive\n[exit 99]\n' > "$d/apply.out"
			rc=99
		fi
	else
		[ -z "$APPLY_ARGS" ] || how="--apply $APPLY_ARGS"
		# shellcheck disable=SC2086 # APPLY_ARGS: words
		sshfix_run "$d/apply.out" --root "$E2E_MERGED" --apply $APPLY_ARGS
	fi
	local arc=$rc
	r=0; login "$d/d.sshd.log" || r=$?
	if [ "$r" -eq 0 ] && [ $((arc & 1)) -eq 1 ] && [ $((arc & 24)) -eq 0 ]; then
		result 1 "$name" d "$how exits $arc and $user can log in"
	else
		result 0 "$name" d "$how exits $arc (want 1) and login $( ((r == 0)) && echo works || echo "fails: $(why "$d/d.sshd.log"); $d/d.sshd.log"); $d/apply.out"
		show "$d/apply.out"
	fi

	e2e_snapshot "$d/applied"
	sshfix_run "$d/apply2.out" --root "$E2E_MERGED" --apply "${yes[@]}"
	e2e_snapshot "$d/applied2"
	if e2e_compare "$d/applied" "$d/applied2" 2> "$d/e.diff" && [ "$rc" -eq 0 ]; then
		result 1 "$name" e "a second --apply${yes:+ --yes} exits 0 and changes nothing"
	else
		result 0 "$name" e "a second --apply${yes:+ --yes} exits $rc (want 0), tree $( [ -s "$d/e.diff" ] && echo changed || echo unchanged); $d/apply2.out"
		show "$d/apply2.out"
		sed 's/^/      /' "$d/e.diff"
	fi

	sshfix_run "$d/undo.out" --root "$E2E_MERGED" --undo latest
	e2e_snapshot "$d/undone"
	if e2e_compare "$d/broken" "$d/undone" 2> "$d/f.diff" && [ $((rc & 24)) -eq 0 ]; then
		result 1 "$name" f "--undo latest (exit $rc) restores the broken tree exactly"
	else
		result 0 "$name" f "--undo latest exits $rc, tree $( [ -s "$d/f.diff" ] && echo 'differs from the broken one:' || echo 'equals the broken one'); $d/undo.out"
		show "$d/undo.out"
		sed 's/^/      /' "$d/f.diff"
	fi

	e2e_overlay_down
	timed "$name" "$t0"
}

# safe_without_yes NAME DIR: (d0) for a scenario that breaks several things,
# some repaired without a yes (SAFE_WITHOUT_YES: the paths those repairs
# may change): `--apply` without --yes (just run, snapshot no-yes) exits 5,
# changes no other path, names the --yes to give, and the login still
# fails; then `--undo latest` must restore the broken tree, so that (d) to
# (f) start from it.
safe_without_yes() {
	local name=$1 d=$2 arc=$rc r=0 p other=
	e2e_compare "$d/broken" "$d/no-yes" 2> "$d/d0.diff" || true
	while IFS= read -r p; do
		case " $SAFE_WITHOUT_YES " in *" $p "*) ;; *) other="$other $p" ;; esac
	done < <(sed -n 's/^    [-+]\.\(\/[^	]*\)	.*/\1/p' "$d/d0.diff" | LC_ALL=C sort -u)
	login "$d/d0.sshd.log" || r=$?
	if [ "$arc" -eq 5 ] && [ -z "$other" ] && [ "$r" -eq 1 ] &&
	   grep -q 'needs confirmation (--interactive, or --yes=' "$d/apply-no-yes.out"; then
		result 1 "$name" d0 "--apply without --yes exits 5, changes only $SAFE_WITHOUT_YES (no yes needed), names the --yes to give, and the login still fails"
	else
		result 0 "$name" d0 "--apply without --yes exits $arc (want 5), changed${other:- nothing else}, login $( ((r == 0)) && echo works || echo fails); $d/apply-no-yes.out"
		show "$d/apply-no-yes.out"
		sed 's/^/      /' "$d/d0.diff"
	fi
	sshfix_run "$d/undo-no-yes.out" --root "$E2E_MERGED" --undo latest
	e2e_snapshot "$d/no-yes-undone"
	if ! e2e_compare "$d/broken" "$d/no-yes-undone" 2> "$d/d0u.diff" || [ $((rc & 24)) -ne 0 ]; then
		result 0 "$name" d0 "--undo latest after --apply without --yes exits $rc, tree differs from the broken one; $d/undo-no-yes.out"
		sed 's/^/      /' "$d/d0u.diff"
	fi
}

# not_a_failure NAME DIR: on this generation the break is no login failure
# (NOT_A_FAILURE says why): the login still works, and sshfix must not
# call it a problem -- --dry-run exits 0 and changes nothing; or, when the
# scenario gives EXPECT_REPORT for this suite, exits 4 with that
# explanation in the report and no [error] line (explained, not a problem).
not_a_failure() {
	local name=$1 d=$2 r=0
	printf 'NOTE: %s@%s: not a login failure on %s: %s\n' "$name" "$E2E_SUITE" "$E2E_SUITE" "$NOT_A_FAILURE"
	login "$d/b.sshd.log" || r=$?
	result "$((r == 0))" "$name" b "not a login failure here: the login still works after the break$( ((r)) && echo " -- but it fails: $(why "$d/b.sshd.log"); $d/b.sshd.log")"
	sshfix_run "$d/dry-run.out" --root "$E2E_MERGED" --dry-run
	e2e_snapshot "$d/dry"
	if ! e2e_compare "$d/broken" "$d/dry" keep-journal 2> "$d/h.diff"; then
		result 0 "$name" h "--dry-run CHANGED the tree (exit $rc):"
		sed 's/^/      /' "$d/h.diff"
	elif [ "$rc" -eq 0 ] && [ -z "$EXPECT_REPORT" ]; then
		result 1 "$name" h "--dry-run exits 0 and changes nothing (no false positive)"
	elif [ "$rc" -eq 4 ] && [ -n "$EXPECT_REPORT" ] && report_says "$d/dry-run.out" &&
		! grep -q '^\[error\]' "$d/dry-run.out"; then
		result 1 "$name" h "--dry-run changes nothing and only explains: $EXPECT_REPORT (no [error])"
	else
		result 0 "$name" h "--dry-run exits $rc (want ${EXPECT_REPORT:+4 with '$EXPECT_REPORT' and no [error], else }0: nothing is broken here); $d/dry-run.out"
		show "$d/dry-run.out"
		sed 's/^/      /' "$d/h.diff"
	fi
}

# run_suite SUITE: the healthy root and every scenario on that generation.
run_suite() {
	local t0 s p0=$npass f0=$nfail k0=$nskip
	t0=$(e2e_now)
	e2e_image "$1"
	timings=()
	mkdir -p "$logdir/$E2E_SUITE"
	echo "== $E2E_SUITE: openssh-server $E2E_OPENSSH, $E2E_IMAGE/rootfs (built in $(sed -n 's/^total_s=//p' "$E2E_IMAGE/build.info") s)"
	run_healthy
	for s in "${scenarios[@]}"; do
		if ! needs_yes "$s"; then
			run_scenario "$s"
			continue
		fi
		case ${E2E_CONSENT:-both} in
		interactive) run_scenario "$s" ;;
		yes) run_scenario "$s" yes ;;
		*) run_scenario "$s"; run_scenario "$s" yes ;;
		esac
	done
	echo "timings ($E2E_SUITE):"
	printf '  %s\n' "${timings[@]}"
	s=$(e2e_secs "$t0" "$(e2e_now)")
	echo "  whole $E2E_SUITE: $s s"
	suite_lines+=("$(printf 'e2e %s (openssh-server %s): %d passed, %d failed, %d skipped, %s s' "$E2E_SUITE" \
		"$E2E_OPENSSH" $((npass - p0)) $((nfail - f0)) $((nskip - k0)) "$s")")
}

# The per-scenario times of every generation side by side.
time_table() {
	local n s line suites
	suites=$(e2e_suites)
	line=$(printf '  %-30s' scenario)
	for s in $suites; do line+=$(printf ' %9s' "$s"); done
	echo "$line"
	for n in "${names[@]}"; do
		line=$(printf '  %-30s' "$n")
		for s in $suites; do line+=$(printf ' %9s' "${took[$s/$n]:+${took[$s/$n]}s}"); done
		[ -z "${line// /}" ] || echo "$line"
	done
}

# Exit 0, 1 and 77 are answers; anything else (set -e stopping the
# script) is a harness error, which automake must see as such (99).
cleanup() {
	local rc=$?
	e2e_overlay_down || true
	[ -n "${work:-}" ] && rm -rf "$work"
	case $rc in
	0 | 1 | 77) ;;
	130 | 143 | 129) e2e_say "run.sh: interrupted" ;;
	*)
		e2e_say "run.sh: harness error (exit $rc)"
		exit 99
		;;
	esac
}

main() {
	local t0 s
	t0=$(e2e_now)
	logdir=${E2E_LOGDIR:-$E2E_CACHE/logs/run-$(date +%Y%m%d-%H%M%S)-$$}
	mkdir -p "$logdir"
	# Keep the logs of the last 10 runs.
	ls -d "$E2E_CACHE"/logs/run-* 2> /dev/null | sort | head -n -10 | xargs -r rm -rf
	# Work dirs of runs that were SIGKILLed (their mounts died with their
	# mount namespace; only the empty directories are left).
	for s in /tmp/sshfix-e2e-run.*; do
		[ -d "$s" ] || continue
		s=${s#/tmp/sshfix-e2e-run.}
		kill -0 "${s%%.*}" 2> /dev/null || rm -rf "/tmp/sshfix-e2e-run.$s"
	done
	work=$(mktemp -d "/tmp/sshfix-e2e-run.$$.XXXXXX")
	export E2E_TMP=$work
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	echo "sshfix: $SSHFIX ($("$SSHFIX" --version 2> /dev/null | head -n1 || echo 'no --version'))"
	echo "suites: $(e2e_suites | tr '\n' ' ')"
	echo "logs:   $logdir/<suite>/<scenario>"
	suite_lines=()
	for s in $(e2e_suites); do
		run_suite "$s"
	done
	echo "per-scenario times:"
	time_table
	echo "  whole tier: $(e2e_secs "$t0" "$(e2e_now)") s"
	[ "$nskip" -eq 0 ] || echo "skipped (reasons above): ${skipped[*]}"
	[ "$nfail" -eq 0 ] || echo "failed: ${failed[*]}"
	printf '%s\n' "${suite_lines[@]}"
	if [ "$nexplain" -gt 0 ]; then
		# issue 14: the right cause first for at least 90 % of the transcripts
		local pct=$((100 * nexplain_right / nexplain))
		if [ $((10 * nexplain_right)) -ge $((9 * nexplain)) ]; then
			result 1 explain-corpus x "--explain-file named the right cause first for $nexplain_right of $nexplain -vvv transcripts ($pct %)"
		else
			result 0 explain-corpus x "--explain-file named the right cause first for only $nexplain_right of $nexplain -vvv transcripts ($pct %, want 90 %): see the EXPLAIN lines"
		fi
	fi
	echo "e2e: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}

main
