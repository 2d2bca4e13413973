#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# selftest.sh: tests of the real-login harness itself.  A harness that
# cannot fail proves nothing, so this shows that each part can:
#   manifest   our batched manifest prints what tests/manifest.sh prints
#   compare    the overlay-upper comparison agrees with a full manifest of
#              the whole tree, for changes it must and must not see
#   oracle     on each OpenSSH generation ($E2E_SUITES, default "bookworm
#              trixie"): login works on the healthy root and is refused for
#              each way boot can keep sshd away (broken keys, masked, not
#              enabled, sshd_not_to_be_run, nothing making /run/sshd, ufw,
#              nftables, a restored fail2ban ban), OpenSSH 10.0's
#              PerSourcePenalties refuse a client after failed logins
#              against one sshd but never carry over to the next login,
#              and the oracle leaves no process, mount or directory behind
#   fakes      run.sh with deliberately wrong fixers reports FAIL for the
#              invariant each one breaks ((d) for a fixer that does nothing)
#   skips      run.sh skips with 77 and a reason without sshfix or root
# manifest, compare, fakes and skips test the harness's own logic and run
# on the first suite only.
# Exit 0 all passed, 1 something failed, 77 cannot run here.
set -eu
. "$(dirname "$(readlink -f "$0")")/lib.sh"

if [ -z "${_E2E_PRIVATE_NS:-}" ]; then
	e2e_preflight
	export _E2E_PRIVATE_NS=1
	exec unshare --mount --propagation private -- "$E2E_DIR/selftest.sh" "$@"
fi

npass=0 nfail=0
check() {	# check OK TEXT
	if [ "$1" = 1 ]; then
		npass=$((npass + 1))
		printf 'PASS: selftest: %s\n' "$2"
	else
		nfail=$((nfail + 1))
		printf 'FAIL: selftest: %s\n' "$2"
	fi
}

cleanup() {
	e2e_overlay_down "$tmp/ovl"
	rm -rf "$tmp"
}

# ------------------------------------------------------------- manifest
test_manifest() {
	local m=$E2E_DIR/../manifest.sh sub
	if [ ! -f "$m" ]; then
		echo "NOTE: selftest: $m not found, manifest format not compared"
		return 0
	fi
	for sub in etc/ssh home; do
		if diff <(sh "$m" "$E2E_IMAGE/rootfs/$sub" | awk -F '\t' -v OFS='\t' '$2 == "d" { $5 = "-" } 1') \
			<(e2e_all_paths "$E2E_IMAGE/rootfs/$sub" | e2e_manifest_paths "$E2E_IMAGE/rootfs/$sub") > "$tmp/mf.diff"; then
			check 1 "manifest: batched manifest of /$sub equals tests/manifest.sh (directory link counts aside)"
		else
			check 0 "manifest: batched manifest of /$sub differs from tests/manifest.sh:"
			head -n 20 "$tmp/mf.diff"
		fi
	done
}

# --------------------------------------------------------------- compare
# compare_case TEXT WANT(equal|differ) COMMANDS: on a fresh overlay, run
# COMMANDS in the merged root ($R), then judge "did the tree change?" both
# with e2e_compare and with a full manifest of every path.
compare_case() {
	local text=$1 want=$2 cmds=$3 quick=equal full=equal
	e2e_overlay_up "$E2E_IMAGE/rootfs" "$tmp/ovl"
	e2e_snapshot "$tmp/s0"
	# A fresh overlay shows exactly the lower dir: one full manifest of it
	# serves every case.
	[ -f "$tmp/f0" ] || e2e_all_paths "$E2E_MERGED" | e2e_manifest_paths "$E2E_MERGED" > "$tmp/f0"
	(R=$E2E_MERGED; cd "$R"; eval "$cmds")
	e2e_snapshot "$tmp/s1"
	e2e_all_paths "$E2E_MERGED" | e2e_manifest_paths "$E2E_MERGED" > "$tmp/f1"
	e2e_compare "$tmp/s0" "$tmp/s1" 2> /dev/null || quick=differ
	cmp -s "$tmp/f0" "$tmp/f1" || full=differ
	e2e_overlay_down "$tmp/ovl"
	if [ "$quick" = "$want" ] && [ "$full" = "$want" ]; then
		check 1 "compare: $text: $want (overlay compare and full manifest agree)"
	else
		check 0 "compare: $text: want $want, overlay compare says $quick, full manifest says $full"
	fi
}

test_compare() {
	compare_case "chmod and chmod back (copy-up only)" equal \
		'chmod 0600 etc/ssh/moduli; chmod 0644 etc/ssh/moduli'
	compare_case "delete a file and recreate it identically (whiteout)" equal \
		'cp -a etc/hostname "$tmp/h"; rm etc/hostname; cp -a "$tmp/h" etc/hostname; rm "$tmp/h"'
	compare_case "write a config file with the same bytes, keep mode" equal \
		'cp etc/ssh/sshd_config "$tmp/c"; cat "$tmp/c" > etc/ssh/sshd_config; rm "$tmp/c"'
	compare_case "chmod a host key" differ 'chmod 0644 etc/ssh/ssh_host_rsa_key'
	compare_case "one byte of a file" differ 'printf x >> etc/ssh/sshd_config'
	compare_case "owner of a directory" differ 'chown 1001 home/alice'
	compare_case "an xattr" differ 'setfattr -n user.e2e -v 1 etc/ssh/sshd_config'
	compare_case "a new empty file" differ 'touch etc/ssh/new'
	compare_case "a removed file" differ 'rm etc/ssh/moduli'
	compare_case "a directory replaced by an empty one (opaque)" differ \
		'rm -r etc/fail2ban/filter.d; mkdir etc/fail2ban/filter.d'
	compare_case "a file replaced by a symlink" differ \
		'rm etc/hostname; ln -s /etc/hosts etc/hostname'
	compare_case "a new hard link" differ 'ln etc/hosts etc/hosts.bak'
}

# ---------------------------------------------------------------- oracle
# oracle_case TEXT WANT(0|1) COMMANDS [LOG]: fresh overlay, COMMANDS in it
# ($R), then the oracle, whose sshd log must hold LOG if given; also checks
# nothing of the oracle's is left behind.  Names carry the suite.
oracle_case() {
	local text="$1 [$E2E_SUITE]" want=$2 cmds=$3 logline=${4:-} rc=0 left ndirs
	ndirs=$(ls -d /tmp/sshfix-e2e-oracle.* 2> /dev/null | wc -l)
	e2e_overlay_up "$E2E_IMAGE/rootfs" "$tmp/ovl"
	(R=$E2E_MERGED; eval "$cmds") > "$tmp/case.out" 2>&1 ||
		{ check 0 "oracle: $text: setting up failed: $(tail -n1 "$tmp/case.out")"; e2e_overlay_down "$tmp/ovl"; return 0; }
	e2e_login "$E2E_MERGED" alice "$(e2e_key alice)" "$tmp/oracle.log" 2> "$tmp/oracle.err" || rc=$?
	e2e_overlay_down "$tmp/ovl"
	if [ "$rc" -eq "$want" ] && [ -n "$logline" ] && ! grep -qF -- "$logline" "$tmp/oracle.log"; then
		check 0 "oracle: $text: exit $rc as wanted, but the sshd log does not say '$logline'"
		sed 's/^/      /' "$tmp/oracle.log" | head -n 30
	elif [ "$rc" -eq "$want" ]; then
		check 1 "oracle: $text: $(case $rc in
			0) echo 'login works' ;;
			1) echo "refused ($(grep -m1 REFUSED "$tmp/oracle.err" | sed 's/.*REFUSED for alice: //'))" ;;
			*) echo "oracle error ($(grep -m1 ERROR "$tmp/oracle.err" | sed 's/.*ERROR: //'))" ;;
			esac)${logline:+ (sshd: $logline)}"
	else
		check 0 "oracle: $text: exit $rc, want $want"
		sed 's/^/      /' "$tmp/oracle.err" "$tmp/oracle.log" | head -n 30
	fi
	# Nothing of the oracle's may outlive it: no child of ours, no process
	# that was given its log (the server stage, pid 1 of its namespaces),
	# no mount, no work directory.
	left=$(children; pgrep -af -- "$tmp/oracle.log" || true)
	[ -z "$left" ] || check 0 "oracle: $text: processes left behind: $left"
	! grep -q 'sshfix-e2e-oracle' /proc/self/mountinfo ||
		check 0 "oracle: $text: mounts left behind"
	[ "$(ls -d /tmp/sshfix-e2e-oracle.* 2> /dev/null | wc -l)" -le "$ndirs" ] ||
		check 0 "oracle: $text: work directory left behind"
}

# Our child processes, read from /proc without forking (a fork would be
# one of them).
children() {
	local f line
	for f in /proc/[0-9]*/stat; do
		read -r line 2> /dev/null < "$f" || continue
		line=${line##*) }
		line=${line#* }
		[ "${line%% *}" = "$$" ] && [ "${f//[!0-9]/}" != "$BASHPID" ] &&
			printf '%s\n' "${f//[!0-9]/}"
	done
	return 0
}

# Offline tools of the target, run chrooted with no network of the host.
in_target() { unshare --net chroot "$R" "$@"; }

test_oracle() {
	oracle_case "healthy root" 0 ':'
	oracle_case "every private host key 0644" 1 'chmod 0644 "$R"/etc/ssh/ssh_host_*_key'
	oracle_case "ssh.service masked" 1 'ln -sf /dev/null "$R/etc/systemd/system/ssh.service"'
	oracle_case "sshd.service alias masked" 1 'ln -sfn /dev/null "$R/etc/systemd/system/sshd.service"'
	oracle_case "ssh.service not enabled" 1 'rm "$R/etc/systemd/system/multi-user.target.wants/ssh.service"'
	oracle_case "sshd_not_to_be_run" 1 'touch "$R/etc/ssh/sshd_not_to_be_run"'
	# /run/sshd exists only if boot makes it (RULES §4.3): the unit or
	# tmpfiles.d.  Debian 13's systemd (257) ships a tmpfiles.d line for it
	# (20-systemd-ssh-generator.conf: "d /run/sshd 0755"); there the unit
	# alone cannot lose it unless that line is masked too.
	local notmp=':'
	if [ "$E2E_SUITE" = trixie ]; then
		oracle_case "ssh.service copy in /etc without RuntimeDirectory=: systemd's tmpfiles.d line makes /run/sshd" 0 \
			'sed "/^RuntimeDirectory/d" "$R/lib/systemd/system/ssh.service" > "$R/etc/systemd/system/ssh.service"' \
			'systemd-tmpfiles made /run/sshd'
		notmp='ln -s /dev/null "$R/etc/tmpfiles.d/20-systemd-ssh-generator.conf"'
	fi
	oracle_case "ssh.service copy in /etc without RuntimeDirectory=, no tmpfiles.d line" 1 \
		'sed "/^RuntimeDirectory/d" "$R/lib/systemd/system/ssh.service" > "$R/etc/systemd/system/ssh.service"
		'"$notmp" 'Missing privilege separation directory: /run/sshd'
	oracle_case "a drop-in resetting RuntimeDirectory=, no tmpfiles.d line" 1 \
		'mkdir -p "$R/etc/systemd/system/ssh.service.d"
		printf "[Service]\nRuntimeDirectory=\n" > "$R/etc/systemd/system/ssh.service.d/x.conf"
		'"$notmp"
	oracle_case "no RuntimeDirectory=, but a tmpfiles.d line for /run/sshd" 0 \
		'sed "/^RuntimeDirectory/d" "$R/lib/systemd/system/ssh.service" > "$R/etc/systemd/system/ssh.service"
		'"$notmp"'
		echo "d /run/sshd 0755 root root" > "$R/etc/tmpfiles.d/sshd.conf"'
	oracle_case "sshd_config Port 2222 (client follows sshd -T)" 0 \
		'echo "Port 2222" > "$R/etc/ssh/sshd_config.d/port.conf"'
	oracle_case "ListenAddress 127.0.0.1 only" 1 \
		'echo "ListenAddress 127.0.0.1" > "$R/etc/ssh/sshd_config.d/lo.conf"'
	oracle_case "SSHD_OPTS=-p 2200 in /etc/default/ssh" 0 \
		'echo "SSHD_OPTS=\"-p 2200\"" >> "$R/etc/default/ssh"'
	oracle_case "ufw enabled, default deny incoming (DROP)" 1 'in_target ufw --force enable'
	oracle_case "ufw enabled with 'allow 22/tcp'" 0 'in_target sh -c "ufw allow 22/tcp && ufw --force enable"'
	oracle_case "nftables.service enabled, tcp dport 22 reject" 1 '
		printf "%s\n" "flush ruleset" "table inet filter {" \
			"  chain input { type filter hook input priority 0; tcp dport 22 reject; }" "}" \
			> "$R/etc/nftables.conf"
		ln -s /lib/systemd/system/nftables.service "$R/etc/systemd/system/sysinit.target.wants/nftables.service"'
	oracle_case "nftables.conf with a drop, but nftables.service not enabled" 0 '
		printf "%s\n" "flush ruleset" "table inet filter {" \
			"  chain input { type filter hook input priority 0; tcp dport 22 drop; }" "}" \
			> "$R/etc/nftables.conf"'
	oracle_case "iptables-persistent swapped in, no rules" 0 \
		'e2e_swap_in_iptables_persistent "$R"'
	oracle_case "iptables-persistent, rules.v4 rejects tcp/22" 1 '
		e2e_swap_in_iptables_persistent "$R"
		printf "%s\n" "*filter" ":INPUT ACCEPT [0:0]" "-A INPUT -p tcp --dport 22 -j REJECT" "COMMIT" \
			> "$R/etc/iptables/rules.v4"'
	oracle_case "fail2ban database holds a ban of the client" 1 '
		cat > "$R/tmp/ban.py" <<-EOF
		import time
		from fail2ban.server.database import Fail2BanDb
		from fail2ban.server.ticket import BanTicket
		class Actions:
		    def getBanTime(self): return 3600
		class Jail:
		    name = "sshd"
		    actions = Actions()
		db = Fail2BanDb("/var/lib/fail2ban/fail2ban.sqlite3")
		db.addJail(Jail())
		t = BanTicket("192.0.2.20", time.time())
		t.setBanTime(3600)
		db.addBan(Jail(), t)
		EOF
		in_target python3 /tmp/ban.py && rm "$R/tmp/ban.py"'
	oracle_case "~alice/.ssh/authorized_keys missing" 1 'rm "$R/home/alice/.ssh/authorized_keys"'
	# The oracle runs `sshd -t`, then `sshd -D $SSHD_OPTS`: a unit that
	# says otherwise is not modelled, and the oracle says so (exit 2).
	oracle_case "ssh.service copy in /etc with another ExecStart= (not modelled: oracle error)" 2 \
		'sed "s|^ExecStart=.*|ExecStart=/usr/sbin/sshd -D -p 2022|" "$R/lib/systemd/system/ssh.service" \
			> "$R/etc/systemd/system/ssh.service"'
	if [ "$E2E_SUITE" = trixie ]; then
		# Debian 13's sshd-keygen.service (ConditionFirstBoot=yes) makes
		# missing host keys on a first boot only.
		oracle_case "every host key removed, /etc/machine-id set (no first boot)" 1 \
			'rm -f "$R"/etc/ssh/ssh_host_*' 'no hostkeys available'
		oracle_case "every host key removed, /etc/machine-id 'uninitialized' (first boot): sshd-keygen.service makes them" 0 \
			'rm -f "$R"/etc/ssh/ssh_host_*; echo uninitialized > "$R/etc/machine-id"' 'sshd-keygen.service runs ssh-keygen -A'
	fi
}

# PerSourcePenalties (OpenSSH 9.8+, on by default: authfail 5 s, blocking
# from min 15 s): four failed logins against one sshd and the client's
# address is refused ("penalty: failed authentication"); OpenSSH 9.2 has no
# such thing.  The next login boots a fresh sshd, as every phase of a
# scenario does, and works at once: a refusal in (b) cannot leak into (d).
# The target's configuration is left alone (no PerSourcePenaltyExemptList).
test_penalties() {
	local rc1=0 rc2=0 want1=1 text
	[ "$E2E_SUITE" = bookworm ] && want1=0
	e2e_overlay_up "$E2E_IMAGE/rootfs" "$tmp/ovl"
	E2E_CLIENT_FAILS=4 e2e_login "$E2E_MERGED" alice "$(e2e_key alice)" "$tmp/pen1.log" 2> "$tmp/pen1.err" || rc1=$?
	e2e_login "$E2E_MERGED" alice "$(e2e_key alice)" "$tmp/pen2.log" 2> "$tmp/pen2.err" || rc2=$?
	e2e_overlay_down "$tmp/ovl"
	text="penalties [$E2E_SUITE]: 4 failed logins, then alice against the same sshd"
	if [ "$want1" = 1 ] && [ "$rc1" = 1 ] && grep -q 'penalty: failed authentication' "$tmp/pen1.log"; then
		check 1 "$text: refused ($(grep -m1 'penalty:' "$tmp/pen1.log" | sed 's/ from .*penalty/: penalty/'))"
	elif [ "$want1" = 0 ] && [ "$rc1" = 0 ]; then
		check 1 "$text: login works (no PerSourcePenalties before 9.8)"
	else
		check 0 "$text: exit $rc1, want $want1$([ "$want1" = 1 ] && echo " and 'penalty: failed authentication' logged")"
		sed 's/^/      /' "$tmp/pen1.err" "$tmp/pen1.log" | head -n 30
	fi
	if [ "$rc2" = 0 ]; then
		check 1 "penalties [$E2E_SUITE]: the next login (a fresh sshd) works at once"
	else
		check 0 "penalties [$E2E_SUITE]: the next login (a fresh sshd) exits $rc2, want 0"
		sed 's/^/      /' "$tmp/pen2.err" "$tmp/pen2.log" | head -n 30
	fi
}

# ----------------------------------------------------------------- fakes
# fake MODE: a deliberately wrong fixer for the home-mode scenario.
fake() {
	local f=$tmp/fake-$1
	case $1 in
	noop) printf '#!/bin/sh\nexit 0\n' > "$f" ;;	# "--apply replaced by true"
	dry-run-writes)
		cat > "$f" <<-'EOF'
		#!/bin/sh
		# Reports the problem, and (wrongly) writes during --dry-run.
		[ "$3" = --dry-run ] && { touch "$2/etc/sshfix-was-here"; exit 4; }
		exit 0
		EOF
		;;
	undo-noop)
		cat > "$f" <<-'EOF'
		#!/bin/sh
		# Fixes the home mode correctly, but its undo does nothing.
		r=$2
		case $3 in
		--dry-run) [ "$(stat -c %a "$r/home/alice")" = 755 ] && exit 0; exit 4 ;;
		--apply) [ "$(stat -c %a "$r/home/alice")" = 755 ] && exit 0
			chmod 0755 "$r/home/alice"; exit 1 ;;
		esac
		exit 0
		EOF
		;;
	esac
	chmod 0755 "$f"
	printf '%s\n' "$f"
}

# fake_case MODE WANT-PATTERN...: run.sh on home-mode with a fake fixer;
# each pattern must appear in its output and run.sh must exit 1.
fake_case() {
	local mode=$1 f rc=0 p ok=1
	shift
	f=$(fake "$mode")
	SSHFIX=$f E2E_LOGDIR=$tmp/logs-$mode _E2E_PRIVATE_NS='' E2E_SUITES=$E2E_SUITE \
		"$E2E_DIR/run.sh" scenarios/home-mode.sh > "$tmp/run-$mode.out" 2>&1 || rc=$?
	for p in "$@"; do
		p=${p/home-mode /home-mode@$E2E_SUITE }
		grep -q -- "^$p" "$tmp/run-$mode.out" || ok=0
	done
	if [ "$ok" = 1 ] && [ "$rc" -eq 1 ]; then
		check 1 "fakes: fixer '$mode': run.sh exits 1 with $*"
	else
		check 0 "fakes: fixer '$mode': run.sh exit $rc, want 1 with: $*"
		sed 's/^/      /' "$tmp/run-$mode.out"
	fi
}

test_fakes() {
	fake_case noop 'FAIL: home-mode (d)' 'PASS: home-mode (b)'
	fake_case dry-run-writes 'FAIL: home-mode (c) --dry-run CHANGED'
	fake_case undo-noop 'PASS: home-mode (d)' 'PASS: home-mode (e)' 'FAIL: home-mode (f)'
}

test_skips() {
	local rc=0
	SSHFIX=/nonexistent/sshfix _E2E_PRIVATE_NS='' "$E2E_DIR/run.sh" > "$tmp/skip1.out" 2>&1 || rc=$?
	check "$((rc == 77))" "skips: no sshfix binary: exit $rc, $(grep -m1 SKIP "$tmp/skip1.out" || echo 'no SKIP line')"
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups env SSHFIX=/bin/true _E2E_PRIVATE_NS='' \
		"$E2E_DIR/run.sh" > "$tmp/skip2.out" 2>&1 || rc=$?
	check "$((rc == 77))" "skips: not root: exit $rc, $(grep -m1 SKIP "$tmp/skip2.out" || echo 'no SKIP line')"
}

main() {
	local t0 t1 suite first
	t0=$(e2e_now)
	# World-traversable, for the not-root skip test.
	tmp=$(mktemp -d /tmp/sshfix-e2e-selftest.XXXXXX)
	chmod 0755 "$tmp"
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	first=$(e2e_suites | head -n1)
	for suite in $(e2e_suites); do
		t1=$(e2e_now)
		e2e_image "$suite"
		echo "== $suite: openssh-server $E2E_OPENSSH, $E2E_IMAGE/rootfs"
		if [ "$suite" = "$first" ]; then
			test_manifest
			test_compare
		fi
		test_oracle
		test_penalties
		if [ "$suite" = "$first" ]; then
			test_fakes
			test_skips
		fi
		echo "selftest $suite: $(e2e_secs "$t1" "$(e2e_now)") s"
	done
	echo "selftest: $(e2e_secs "$t0" "$(e2e_now)") s"
	echo "selftest: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}

main "$@"
