#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# answer.sh OUT 'ANSWER ...' CMD [ARG...]: run CMD on a terminal made by
# script(1) (sshfix --interactive asks only on one), with its output in OUT,
# and type each ANSWER (a word) once the next "Fix it? [y/N]" question is
# there.  Typing ahead does not work: script(1) resets the terminal when it
# starts, and what was typed before is lost.  After the last answer the
# input ends (EOF: any further question is a no).  Exits with CMD's status;
# 124 when a question did not come within 60 s.
set -u
out=$1 answers=$2
shift 2
cmd=$(printf '%q ' "$@")
dir=$(mktemp -d "${TMPDIR:-/tmp}/sshfix-answer.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/in"
: > "$out"
script -qec "$cmd" /dev/null < "$dir/in" > "$out" 2>&1 &
pid=$!
exec 3> "$dir/in"	# opened after script: it holds the fifo's read end
n=0 status=0
for a in $answers; do
	n=$((n + 1))
	for _ in $(seq 600); do
		[ "$(grep -ac 'Fix it? \[y/N\]' "$out")" -ge "$n" ] && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.1
	done
	if [ "$(grep -ac 'Fix it? \[y/N\]' "$out")" -lt "$n" ]; then
		kill -0 "$pid" 2> /dev/null && status=124
		break
	fi
	printf '%s\n' "$a" >&3
done
[ "$status" -eq 124 ] && kill "$pid" 2> /dev/null
exec 3>&-
wait "$pid"
rc=$?
[ "$status" -eq 124 ] && exit 124
exit "$rc"
