#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# add-key.sh: "the injected key logs in, undo removes it" (issue 5), with a
# real sshd and a real ssh login on the cached Debian root of each OpenSSH
# generation ($E2E_SUITES, default "bookworm trixie"; README.md):
#   (a) alice logs in with her key
#   (b) her ~/.ssh removed: she cannot
#   (c) sshfix --add-key alice --dry-run changes nothing (exit 4)
#   (d) sshfix --add-key alice KEY (her public key, pasted with console
#       damage: CRLF, a prompt, quotes): exit 1, 0700/0600 alice:alice, and
#       she logs in
#   (e) the same again: "already there", exit 0, nothing changes
#   (f) sshfix --undo latest: the tree is the broken one again, and the
#       login fails again
#   (g) a private key is refused (exit 16) and is nowhere in the tree
# Exit 0 all passed, 1 something failed, 77 cannot run here, 99 harness error.
set -eu
. "$(dirname "$(readlink -f "$0")")/lib.sh"

e2e_find_sshfix
e2e_enter "$E2E_DIR/add-key.sh"

npass=0 nfail=0
result() {
	if [ "$1" = 1 ]; then
		npass=$((npass + 1))
		printf 'PASS: add-key@%s (%s) %s\n' "$E2E_SUITE" "$2" "$3"
	else
		nfail=$((nfail + 1))
		printf 'FAIL: add-key@%s (%s) %s\n' "$E2E_SUITE" "$2" "$3"
	fi
}

cleanup() {
	local rc=$?
	e2e_overlay_down || true
	[ -n "${work:-}" ] && rm -rf "$work"
	case $rc in
	0 | 1 | 77) ;;
	*)
		e2e_say "add-key.sh: harness error (exit $rc)"
		exit 99
		;;
	esac
}

login() {
	e2e_login "$E2E_MERGED" alice "$(e2e_key alice)" "$1" 2> "$1.oracle"
}

# add_key_suite SUITE: (a)-(g) on that generation's root.
add_key_suite() {
	local d r rc key t0 p0=$npass f0=$nfail
	t0=$(e2e_now)
	e2e_image "$1"
	echo "== $E2E_SUITE: openssh-server $E2E_OPENSSH, $E2E_IMAGE/rootfs"
	d=$logdir/$E2E_SUITE
	mkdir -p "$d"
	e2e_overlay_up "$E2E_IMAGE/rootfs" "$work/ovl-$E2E_SUITE"
	R=$E2E_MERGED

	r=0; login "$d/a.sshd.log" || r=$?
	result "$((r == 0))" a "alice logs in with her key"

	rm -r "$R/home/alice/.ssh"
	e2e_snapshot "$d/broken"
	r=0; login "$d/b.sshd.log" || r=$?
	result "$((r == 1))" b "without her ~/.ssh she cannot"

	# Her public key as a console delivers it: a prompt, quotes, CRLF.
	key=$(printf '$ \342\200\234%s\342\200\235\r\n' "$(cat "$(e2e_key alice).pub")")
	rc=0; "$SSHFIX" --root "$R" --add-key alice "$key" --dry-run > "$d/dry-run.out" 2>&1 || rc=$?
	e2e_snapshot "$d/dry"
	if e2e_compare "$d/broken" "$d/dry" keep-journal 2> "$d/c.diff" && [ "$rc" -eq 4 ]; then
		result 1 c "--add-key --dry-run exits 4 and changes nothing"
	else
		result 0 c "--add-key --dry-run exits $rc (want 4) or changed the tree; $d/dry-run.out"
	fi

	rc=0; "$SSHFIX" --root "$R" --add-key alice "$key" > "$d/add.out" 2>&1 || rc=$?
	local modes
	r=0; login "$d/d.sshd.log" || r=$?
	# Owner names as the target's own passwd says (the host may differ).
	modes=$(chroot "$R" stat -c '%a %U:%G' /home/alice/.ssh /home/alice/.ssh/authorized_keys | tr '\n' ' ')
	if [ "$rc" -eq 1 ] && [ "$r" -eq 0 ] && [ "$modes" = "700 alice:alice 600 alice:alice " ] &&
		grep -q 'sshfix added [0-9-]*)$' "$R/home/alice/.ssh/authorized_keys"; then
		result 1 d "--add-key exits 1, creates ~/.ssh 0700 and the file 0600 as alice:alice, tagged, and alice logs in"
	else
		result 0 d "--add-key exits $rc (want 1), modes '$modes', login $( ((r == 0)) && echo works || echo fails); $d/add.out $d/d.sshd.log"
	fi

	e2e_snapshot "$d/added"
	rc=0; "$SSHFIX" --root "$R" --add-key alice --key-file "$(e2e_key alice).pub" > "$d/again.out" 2>&1 || rc=$?
	e2e_snapshot "$d/again"
	if e2e_compare "$d/added" "$d/again" 2> "$d/e.diff" && [ "$rc" -eq 0 ] && grep -q 'already in' "$d/again.out"; then
		result 1 e "the same key again: already there, exit 0, nothing changed"
	else
		result 0 e "the same key again exits $rc (want 0); $d/again.out"
	fi

	rc=0; "$SSHFIX" --root "$R" --undo latest > "$d/undo.out" 2>&1 || rc=$?
	e2e_snapshot "$d/undone"
	r=0; login "$d/f.sshd.log" || r=$?
	if e2e_compare "$d/broken" "$d/undone" 2> "$d/f.diff" && [ "$rc" -eq 0 ] && [ "$r" -eq 1 ]; then
		result 1 f "--undo latest removes the key: the tree is the broken one and the login fails again"
	else
		result 0 f "--undo latest exits $rc, login $( ((r == 0)) && echo works || echo fails); $d/undo.out $d/f.diff"
	fi

	rc=0; "$SSHFIX" --root "$R" --add-key alice --key-file "$(e2e_key alice)" > "$d/private.out" 2>&1 || rc=$?
	local leaked=0 l
	while IFS= read -r l; do
		case $l in -----*) continue ;; esac
		grep -rqF -- "$l" "$E2E_UPPER" "$d/private.out" && leaked=$((leaked + 1))
	done < "$(e2e_key alice)"
	if [ "$rc" -eq 16 ] && [ "$leaked" -eq 0 ]; then
		result 1 g "a private key is refused (exit 16) and none of it is in the tree or the output"
	else
		result 0 g "a private key: exit $rc (want 16), $leaked of its lines found; $d/private.out"
	fi

	e2e_overlay_down
	suite_lines+=("$(printf 'add-key %s (openssh-server %s): %d passed, %d failed, %s s' "$E2E_SUITE" "$E2E_OPENSSH" \
		$((npass - p0)) $((nfail - f0)) "$(e2e_secs "$t0" "$(e2e_now)")")")
}

main() {
	local suite
	work=$(mktemp -d "/tmp/sshfix-e2e-addkey.$$.XXXXXX")
	export E2E_TMP=$work
	trap cleanup EXIT
	logdir=${E2E_LOGDIR:-$E2E_CACHE/logs/add-key-$(date +%Y%m%d-%H%M%S)-$$}
	mkdir -p "$logdir"
	echo "sshfix: $SSHFIX"
	echo "logs:   $logdir/<suite>"
	suite_lines=()
	for suite in $(e2e_suites); do
		add_key_suite "$suite"
	done
	printf '%s\n' "${suite_lines[@]}"
	echo "add-key: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}

main
