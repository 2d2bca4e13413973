#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# client.sh: `sshfix --client` (issue 5) proven by real logins from the
# connecting side.  The server is the cached Debian root of each OpenSSH
# generation ($E2E_SUITES, default "bookworm trixie"), healthy; the
# client is carol, an account of this test's own (a passwd line bind-mounted
# in its private mount namespace), whose ssh reads her ~/.ssh with ssh's own
# checks.  Each case breaks her home as people do, then:
#   (a) she logs in as alice before the break
#   (b) after it she cannot, and ssh says why (EXPECT)
#   (c) sshfix --client --dry-run exits 4 and changes nothing in ~/.ssh
#   (d) sshfix --client --apply (run as carol) exits 1 and she logs in
#   (e) a second --apply exits 0 and changes nothing
#   (f) sshfix --client --undo latest restores the broken ~/.ssh exactly
# Cases: a private key left 0644, a world-writable ~/.ssh/config, a keyword
# this ssh does not know, a stale host key (--forget-host).
# Exit 0 all passed, 1 something failed, 77 cannot run here, 99 harness error.
set -eu
. "$(dirname "$(readlink -f "$0")")/lib.sh"

e2e_find_sshfix
e2e_enter "$E2E_DIR/client.sh"

CUID=4242
npass=0 nfail=0
result() {
	if [ "$1" = 1 ]; then
		npass=$((npass + 1))
		printf 'PASS: client %s@%s (%s) %s\n' "$case" "$E2E_SUITE" "$2" "$3"
	else
		nfail=$((nfail + 1))
		printf 'FAIL: client %s@%s (%s) %s\n' "$case" "$E2E_SUITE" "$2" "$3"
	fi
}

cleanup() {
	local rc=$?
	e2e_overlay_down || true
	[ -n "${work:-}" ] && rm -rf "$work"
	case $rc in
	0 | 1 | 77) ;;
	*)
		e2e_say "client.sh: harness error (exit $rc)"
		exit 99
		;;
	esac
}

# sshfix as carol: a user fixing her own files (her undo store is in her home).
as_carol() { setpriv --reuid=$CUID --regid=$CUID --clear-groups -- "$@"; }
sshfix_c() { as_carol env HOME="$CHOME" "$SSHFIX" --client --home "$CHOME" --no-color "$@"; }
login() {
	local r=0
	e2e_login "$R" alice unused "$1" 2> "$1.oracle" || r=$?
	cat "$1.client" >> "$1.oracle" 2> /dev/null || true
	return "$r"
}
snap() { "$E2E_DIR/../manifest.sh" "$CHOME" .ssh > "$1"; }

# healthy_home: her key (alice's, which the server authorizes), a config.
healthy_home() {
	rm -rf "$CHOME"
	mkdir -p "$CHOME/.ssh"
	cp "$(e2e_key alice)" "$CHOME/.ssh/id_ed25519"
	cp "$(e2e_key alice).pub" "$CHOME/.ssh/id_ed25519.pub"
	printf 'Host *\n    IdentitiesOnly yes\n' > "$CHOME/.ssh/config"
	chown -R "$CUID:$CUID" "$CHOME"
	chmod 0755 "$CHOME"
	chmod 0700 "$CHOME/.ssh"
	chmod 0600 "$CHOME/.ssh/id_ed25519" "$CHOME/.ssh/config"
	chmod 0644 "$CHOME/.ssh/id_ed25519.pub"
}

# run_case NAME EXPECT BREAK-FUNCTION [SSHFIX APPLY ARGS...]
run_case() {
	case=$1
	local expect=$2 brk=$3 d=$logdir/$E2E_SUITE/$1 r rc
	shift 3
	mkdir -p "$d"
	healthy_home
	r=0; login "$d/a" || r=$?
	result "$((r == 0))" a "carol logs in as alice before the break"
	"$brk"
	r=0; login "$d/b" || r=$?
	# A host key learned by the failed login is part of the broken state.
	snap "$d/broken"
	if [ "$r" -eq 1 ] && grep -qF -- "$expect" "$d/b.oracle"; then
		result 1 b "login fails after the break: ssh said \"$expect\""
	else
		result 0 b "login after the break: exit $r, want a refusal saying \"$expect\"; $d/b.oracle"
	fi

	rc=0; sshfix_c --dry-run "$@" > "$d/dry-run.out" 2>&1 || rc=$?
	snap "$d/dry"
	if [ "$rc" -eq 4 ] && cmp -s "$d/broken" "$d/dry"; then
		result 1 c "--dry-run exits 4 and changes nothing"
	else
		result 0 c "--dry-run exits $rc (want 4) or changed ~/.ssh; $d/dry-run.out"
	fi

	rc=0; sshfix_c --apply "$@" > "$d/apply.out" 2>&1 || rc=$?
	snap "$d/applied"
	# The undo comes first when the login itself writes ~/.ssh (known_hosts).
	if [ -n "${UNDO_BEFORE_LOGIN:-}" ]; then
		undo_check "$d"
		rc=0; sshfix_c --apply "$@" > "$d/apply.out" 2>&1 || rc=$?
		snap "$d/applied"
	fi
	r=0; login "$d/d" || r=$?
	if [ "$rc" -eq 1 ] && [ "$r" -eq 0 ]; then
		result 1 d "--apply exits 1 and carol logs in"
	else
		result 0 d "--apply exits $rc (want 1), login $( ((r == 0)) && echo works || echo fails); $d/apply.out $d/d.oracle"
	fi

	snap "$d/before-second"
	rc=0; sshfix_c --apply > "$d/apply2.out" 2>&1 || rc=$?
	snap "$d/second"
	if [ "$rc" -eq 0 ] && cmp -s "$d/before-second" "$d/second"; then
		result 1 e "a second --apply exits 0 and changes nothing"
	else
		result 0 e "a second --apply exits $rc (want 0) or changed ~/.ssh; $d/apply2.out"
	fi
	[ -n "${UNDO_BEFORE_LOGIN:-}" ] || undo_check "$d"
}

undo_check() {
	local d=$1 rc=0
	sshfix_c --undo latest > "$d/undo.out" 2>&1 || rc=$?
	snap "$d/undone"
	if [ "$rc" -eq 0 ] && diff -u "$d/broken" "$d/undone" > "$d/f.diff"; then
		result 1 f "--undo latest (exit 0) restores the broken ~/.ssh exactly"
	else
		result 0 f "--undo latest exits $rc or differs; $d/undo.out $d/f.diff"
	fi
}

# key-perms: a key copied from a USB stick or a Windows share comes out
# 0644; ssh skips it: "UNPROTECTED PRIVATE KEY FILE!" (RULES §5.1).
break_key_mode() { chmod 0644 "$CHOME/.ssh/id_ed25519"; }
# config-perms: ~/.ssh/config made world-writable (a chmod -R 777, an
# editor's umask); ssh stops before connecting (RULES §5.2).
break_config_mode() { chmod 0666 "$CHOME/.ssh/config"; }
# bad-option: a line from a newer ssh, or another tool's syntax, in
# ~/.ssh/config; this ssh stops before connecting anywhere (RULES §5.2).
break_bad_option() { printf 'Host *\n    IdentitiesOnly yes\n    NoSuchOption yes\n' > "$CHOME/.ssh/config"; }
# forget-host: the server was reinstalled; her known_hosts holds its old
# key: "REMOTE HOST IDENTIFICATION HAS CHANGED" (RULES §5.3).
break_known_host() {
	ssh-keygen -q -t ed25519 -N '' -f "$work/old-hostkey"
	printf '%s %s\n' "$E2E_SERVER_IP" "$(cut -d' ' -f1,2 "$work/old-hostkey.pub")" > "$CHOME/.ssh/known_hosts"
	rm -f "$work/old-hostkey" "$work/old-hostkey.pub"
	chown "$CUID:$CUID" "$CHOME/.ssh/known_hosts"
	chmod 0644 "$CHOME/.ssh/known_hosts"
}

# client_suite SUITE: the four cases against that generation's server.
client_suite() {
	local t0 p0=$npass f0=$nfail
	t0=$(e2e_now)
	e2e_image "$1"
	echo "== $E2E_SUITE (server): openssh-server $E2E_OPENSSH, $E2E_IMAGE/rootfs"
	e2e_overlay_up "$E2E_IMAGE/rootfs" "$work/ovl-$E2E_SUITE"
	R=$E2E_MERGED

	# shellcheck disable=SC2034 # read by e2e_login (lib.sh)
	E2E_CLIENT_SSH_OPTS='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'
	UNDO_BEFORE_LOGIN=
	run_case key-perms 'UNPROTECTED PRIVATE KEY FILE' break_key_mode
	run_case config-perms 'Bad owner or permissions' break_config_mode
	run_case bad-option 'Bad configuration option: nosuchoption' break_bad_option
	E2E_CLIENT_SSH_OPTS='-o StrictHostKeyChecking=accept-new'
	UNDO_BEFORE_LOGIN=1
	run_case forget-host 'REMOTE HOST IDENTIFICATION HAS CHANGED' break_known_host --forget-host "$E2E_SERVER_IP"
	e2e_overlay_down
	suite_lines+=("$(printf 'client %s (openssh-server %s): %d passed, %d failed, %s s' "$E2E_SUITE" "$E2E_OPENSSH" \
		$((npass - p0)) $((nfail - f0)) "$(e2e_secs "$t0" "$(e2e_now)")")")
}

main() {
	local suite
	work=$(mktemp -d "/tmp/sshfix-e2e-client.$$.XXXXXX")
	chmod 0755 "$work"	# carol walks through it to her home
	export E2E_TMP=$work
	trap cleanup EXIT
	logdir=${E2E_LOGDIR:-$E2E_CACHE/logs/client-$(date +%Y%m%d-%H%M%S)-$$}
	mkdir -p "$logdir"
	echo "sshfix: $SSHFIX"
	echo "logs:   $logdir/<suite>/<case>"
	CHOME=$work/home/carol
	# carol exists in this mount namespace only.
	cp /etc/passwd "$work/passwd"
	cp /etc/group "$work/group"
	printf 'carol:x:%s:%s:client:%s:/bin/sh\n' "$CUID" "$CUID" "$CHOME" >> "$work/passwd"
	printf 'carol:x:%s:\n' "$CUID" >> "$work/group"
	mount --bind "$work/passwd" /etc/passwd
	mount --bind "$work/group" /etc/group
	export E2E_CLIENT_UID=$CUID
	suite_lines=()
	for suite in $(e2e_suites); do
		client_suite "$suite"
	done
	printf '%s\n' "${suite_lines[@]}"
	echo "client: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}

main
