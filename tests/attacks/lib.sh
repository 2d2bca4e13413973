# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for the attack tier (tests/attacks/run.sh), on top of tests/lib.sh.
# A case's `setup` and `script` are sourced by run.sh with these set:
#   ROOT     the fake root (mkroot has run: root, alice 1000)
#   O        the case's scratch directory (outputs in $O/out/)
#   CASEDIR  the case's directory
#   SSHFIX   the binary

# A public key sshfix accepts (a real ed25519 blob).
PUBKEY_BLOB=AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl
PUBKEY="ssh-ed25519 $PUBKEY_BLOB"

# add_bob: bob (uid 1001), as add_user makes him.
add_bob() {
	add_user "$ROOT" bob 1001
}

# private_key MARKER: the text of an OpenSSH private key (not a usable one)
# whose every body line holds MARKER, so a leak is found by a fixed string.
private_key() {
	printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\n'
	printf 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ%s1\n' "$1"
	printf 'QyNTUxOQAAACDjKqp5Fc65tEnRulDqKCi7Gm4B%s2AAAA\n' "$1"
	printf 'AAAEC1bm9uZQAAAARub25lAAAAAAAAAAEAAAAzAAAAC3%s3\n' "$1"
	printf -- '-----END OPENSSH PRIVATE KEY-----\n'
}

# ak_outside_home: AuthorizedKeysFile also names /var/tmp/ak_%u (a sticky,
# world-writable directory any user can create files in).
ak_outside_home() {
	mkdir -p "$ROOT/var/tmp"
	chmod 1777 "$ROOT/var/tmp"
	printf 'AuthorizedKeysFile .ssh/authorized_keys /var/tmp/ak_%%u\n' > "$ROOT/etc/ssh/sshd_config.d/keys.conf"
}

# damaged_lines N: N keys damaged by a console paste ("$ " before each), each repairable.
damaged_lines() {
	for i in $(seq 1 "$1"); do
		printf '$ %s bob@host-%s\n' "$PUBKEY" "$i"
	done
}

# ---- for scripts ----

# fail REASON: the case fails (the script goes on, to collect all reasons).
fail() {
	printf '%s\n' "$*" >> "$O/failures"
}

# attack_run NAME ARGS...: run sshfix ARGS (inside the guard), keeping
# $O/out/NAME.out (stdout), .err and .rc; a crash, a timeout or a --json
# output that is not one JSON document fails the case.  Returns sshfix's
# exit status.  ATTACK_TIME_LIMIT (seconds) overrides the tier's timeout.
attack_run() {
	local name=$1
	shift
	run_guarded "$name" "$SSHFIX" "$@"
}

# ns_users: the running system as the --client cases see it: the host's
# passwd and group with alice (1000) and bob (1001) in place of whatever
# holds those ids, a shadow with their hashes, /home an empty directory of
# this case ($O/home) with bob's home in it.  Only the guard's overlay of
# /etc (its upper layer) and $O/home hold these; the host is not touched.
ns_users() {
	local up=$O/guard/etc.up
	mkdir -p "$up" "$O/home"
	export GUARD_HOME=$O/home
	awk -F: '$3 != 1000 && $3 != 1001 && $1 != "alice" && $1 != "bob"' /etc/passwd > "$up/passwd"
	printf 'alice:x:1000:1000:alice:/home/alice:/bin/bash\nbob:x:1001:1001:bob:/home/bob:/bin/bash\n' >> "$up/passwd"
	awk -F: '$3 != 1000 && $3 != 1001 && $1 != "alice" && $1 != "bob"' /etc/group > "$up/group"
	printf 'alice:x:1000:\nbob:x:1001:\n' >> "$up/group"
	awk -F: '$1 != "alice" && $1 != "bob"' /etc/shadow > "$up/shadow"
	printf 'alice:$y$j9T$SECRETHASHalice$Zx1:19700:0:99999:7:::\nbob:$y$j9T$SECRETHASHbob$Zx2:19700:0:99999:7:::\n' >> "$up/shadow"
	chmod 0644 "$up/passwd" "$up/group"
	chmod 0640 "$up/shadow"
	chown 0:"$(stat -c %g /etc/shadow)" "$up/shadow"
	# Every hash in it is a secret (the host's own too: never printed by the tier).
	awk -F: '$2 != "" && $2 != "*" && $2 != "!" && $2 != "!*" { print "a password hash in the running system'"'"'s /etc/shadow\t" $2 }' \
		"$up/shadow" >> "$O/secrets"
	mkdir -p "$O/home/bob/.ssh"
	chown 1001:1001 "$O/home/bob" "$O/home/bob/.ssh"
	chmod 0755 "$O/home/bob"
	chmod 0700 "$O/home/bob/.ssh"
}

# ns_manifest FILE: what the --client cases must keep: the running
# system's accounts, PAM and ssh configuration, and the homes, as sshfix
# sees them (through the guard).
ns_manifest() {
	run_guarded_quiet "$here/manifest.sh" / etc/passwd etc/group etc/shadow etc/pam.d etc/ssh home > "$1"
}

# expect_unchanged WHAT BEFORE AFTER: two manifests agree outside the
# case's `allowed` paths; else the case fails with the difference.
expect_unchanged() {
	outside_allowed "$2" > "$2.kept"
	outside_allowed "$3" > "$3.kept"
	if ! cmp -s "$2.kept" "$3.kept"; then
		fail "$1 changed what it must not (< before, > after):"
		show_diff "$2.kept" "$3.kept" 8 >> "$O/failures"
	fi
}

# race_steps ARGS...: --dry-run, then --apply with the case's hook
# (SSHFIX_TEST_HOOK).  The hook swaps something once and saves the
# manifest as it left it ($O/m-swapped, hook_swapped): from there on,
# sshfix may change only the case's `allowed` paths.
race_steps() {
	"$here/manifest.sh" "$ROOT" > "$O/m0"
	HOOK='' attack_run dry --root "$ROOT" --dry-run "$@"
	attack_run apply --root "$ROOT" --apply "$@"
	"$here/manifest.sh" "$ROOT" > "$O/m2"
	# Without the hook's swap there is no race to judge (run.sh says the
	# hook never ran).
	if [ -f "$O/m-swapped" ]; then
		expect_unchanged "--apply, after the user's swap," "$O/m-swapped" "$O/m2"
	fi
}

# ns_standard ARGS...: the standard steps for a case on the running system
# (ns_users in its setup): sshfix ARGS (--client --home /home/bob ...) with
# --dry-run, --dry-run --json, --apply, --apply --json, then --undo latest
# for every apply recorded; the manifest (ns_manifest) may change only in
# the case's `allowed` paths, and undo must restore it all.
ns_standard() {
	export GUARD_HOME=$O/home
	local n i
	ns_manifest "$O/m0"
	attack_run dry --dry-run "$@"
	ns_manifest "$O/m1"
	cmp -s "$O/m0" "$O/m1" || { fail "--dry-run changed the running system:"; show_diff "$O/m0" "$O/m1" >> "$O/failures"; }
	attack_run dry-json --dry-run --json "$@"
	attack_run apply --apply "$@"
	attack_run apply-json --apply --json "$@"
	ns_manifest "$O/m2"
	expect_unchanged "--apply" "$O/m0" "$O/m2"
	n=$(ls "$O/guard/var.up/lib/sshfix/undo" 2> /dev/null | wc -l)
	for i in $(seq 1 "$n"); do
		attack_run "undo-$i" --undo latest
		[ "$(cat "$O/out/undo-$i.rc")" = 0 ] || { fail "--undo latest failed: $(head -c 300 "$O/out/undo-$i.err")"; break; }
	done
	if [ "$n" -gt 0 ]; then
		ns_manifest "$O/m3"
		cmp -s "$O/m0" "$O/m3" || { fail "--undo did not restore the running system:"; show_diff "$O/m0" "$O/m3" >> "$O/failures"; }
	fi
}

# ns_bob_file PATH [MODE]: stdin into bob's PATH (relative to his home), his, MODE (0600).
ns_bob_file() {
	local f=$O/home/bob/$1
	mkdir -p "$(dirname "$f")"
	cat > "$f"
	chown 1001:1001 "$f"
	chmod "${2:-0600}" "$f"
}
