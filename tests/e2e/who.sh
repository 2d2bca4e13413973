#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# who.sh: `sshfix --who` against real logins (issue 5: "--who on the e2e
# root lists every user with the right verdict; a test compares it with
# real login attempts for several users in several states").
#
# On each OpenSSH generation ($E2E_SUITES, default "bookworm trixie"), on
# one overlay of that generation's cached Debian root, users are added in the states
# of RULES §1, §6 and §12 (shell missing or nologin, password locked,
# account expired, password to be changed, pam_limits, DenyUsers, Match
# blocks, StrictModes ...), each with the harness's key for alice
# authorized.  Then, for these configurations of the same root
#   pam           Debian's own (UsePAM yes)
#   no-pam        UsePAM no
#   nologin       UsePAM yes and /etc/nologin, systemd-user-sessions.service
#                 masked (so no boot removes the file)
#   nologin-boot  UsePAM yes and /etc/nologin as systemd ships it: on
#                 Debian 12 (systemd 252) every boot removes the file (RULES
#                 §6.2), so logins are as "pam"; Debian 13's systemd 257
#                 removes only /run/nologin (systemd PR #26981, from 254),
#                 so there they are as "nologin"
#   pam-access    UsePAM yes, pam_access and pam_listfile in the account
#                 stack (RULES §13.4): access.conf refuses ivy everywhere and
#                 carol from 192.0.2.0/24 (so --who says "depends"), a
#                 sense=deny list names root
# `sshfix --who` runs, and every user it lists is logged in for real with
# the oracle (lib.sh: e2e_login), from 192.0.2.20:
#   PASS/FAIL: NAME (CONFIG@SUITE) ...  --who's verdict equals the real login
#   PASS/FAIL: NAME (CONFIG@SUITE) expected ...  --who's verdict is the one the
#              state calls for (so the comparison cannot pass by sshfix
#              and sshd agreeing on something nobody meant)
# A "depends on where you connect from" verdict is compared with the login
# from 192.0.2.20 too: the test's Match block is written to refuse it there.
# Exit 0 all passed, 1 something failed, 77 cannot run here, 99 harness error.
set -eu
. "$(dirname "$(readlink -f "$0")")/lib.sh"

e2e_find_sshfix

e2e_enter "$E2E_DIR/who.sh" "$@"

npass=0 nfail=0
failed=()

result() {
	local ok=$1 text=$2
	if [ "$ok" = 1 ]; then
		npass=$((npass + 1))
		printf 'PASS: %s\n' "$text"
	else
		nfail=$((nfail + 1))
		failed+=("$text")
		printf 'FAIL: %s\n' "$text"
	fi
}

# add_user NAME SHELL: an account with the harness's alice key authorized.
add_user() {
	local r=$E2E_MERGED name=$1 shell=$2
	chroot "$r" useradd -m -U -s "$shell" "$name"
	install -d -m 0700 "$r/home/$name/.ssh"
	install -m 0600 "$E2E_IMAGE/id_alice.pub" "$r/home/$name/.ssh/authorized_keys"
	chroot "$r" chown -R "$name:" "/home/$name/.ssh"
}

# set_shadow NAME FIELD VALUE (fields numbered from 1, as shadow(5)).
set_shadow() {
	awk -F: -v OFS=: -v n="$1" -v f="$2" -v v="$3" '$1 == n { $f = v } { print }' \
		"$E2E_MERGED/etc/shadow" > "$E2E_TMP/shadow"
	cat "$E2E_TMP/shadow" > "$E2E_MERGED/etc/shadow"
}

# The states.  Expected verdicts per configuration: can / cannot / depends.
#        name   pam      no-pam   nologin nologin-boot pam-access
expect_table='
root    can     can     can     can     cannot
alice   can     cannot  cannot  can     can
bob     cannot  cannot  cannot  cannot  cannot
carol   can     cannot  cannot  can     depends
dave    cannot  cannot  cannot  cannot  cannot
erin    cannot  cannot  cannot  cannot  cannot
frank   cannot  cannot  cannot  cannot  cannot
grace   cannot  can     cannot  cannot  cannot
oscar   cannot  can     cannot  cannot  cannot
heidi   cannot  can     cannot  cannot  cannot
ivan    cannot  can     cannot  cannot  cannot
ivy     can     can     cannot  can     cannot
judy    cannot  cannot  cannot  cannot  cannot
kim     cannot  cannot  cannot  cannot  cannot
leo     cannot  cannot  cannot  cannot  cannot
mia     cannot  cannot  cannot  cannot  cannot
nick    depends depends cannot  depends depends
'

make_states() {
	local r=$E2E_MERGED today
	today=$(($(date +%s) / 86400))
	# alice: as built (key authorized; shadow "!" from useradd); bob: no key.
	add_user carol /bin/bash	# password locked: "!" (as useradd leaves it) and a real '*' for the others
	add_user dave /bin/zsh		# shell missing
	add_user erin /usr/sbin/nologin	# session ends
	add_user frank /bin/bash	# account expired (day 1)
	add_user grace /bin/bash	# password must be changed (last change 0)
	add_user oscar /bin/bash	# password older than its maximum age
	add_user heidi /bin/bash	# pam_limits maxlogins 0
	add_user ivan /bin/bash		# pam_limits hard nofile 3
	add_user ivy /bin/bash		# pam_limits nofile 64: fine
	add_user judy /bin/bash		# DenyUsers
	add_user kim /bin/bash		# Match User: PubkeyAuthentication no
	add_user leo /bin/bash		# home 0777: StrictModes
	add_user mia /bin/bash		# Match Group: AuthenticationMethods publickey,password
	add_user nick /bin/bash		# Match Address 192.0.2.0/24: PubkeyAuthentication no
	for u in dave erin frank grace oscar heidi ivan ivy judy kim leo mia nick; do
		set_shadow "$u" 2 '*'
	done
	set_shadow carol 2 '!$y$j9T$locked$e2e'
	set_shadow frank 8 1
	set_shadow grace 3 0
	set_shadow oscar 3 $((today - 100))
	set_shadow oscar 5 30
	printf '%s\n' 'heidi - maxlogins 0' 'ivan hard nofile 3' 'ivy - nofile 64' >> "$r/etc/security/limits.conf"
	chmod 0777 "$r/home/leo"
	chroot "$r" groupadd twofactor
	chroot "$r" usermod -a -G twofactor mia
	cat >> "$r/etc/ssh/sshd_config" <<-'C'
		DenyUsers judy
		Match User kim
		    PubkeyAuthentication no
		Match Group twofactor
		    AuthenticationMethods publickey,password
		Match Address 192.0.2.0/24 User nick
		    PubkeyAuthentication no
	C
}

# check CONFIG COLUMN: --who, its expected verdicts, and a real login per listed user.
check() {
	local config=$1@$E2E_SUITE col=$2 d=$logdir/$E2E_SUITE/$1 line name verdict want key r got
	mkdir -p "$d"
	rc=0
	"$SSHFIX" --root "$E2E_MERGED" --who --verbose > "$d/who.out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		result 0 "$config: sshfix --who exits $rc (want 0); $d/who.out"
		sed 's/^/      | /' "$d/who.out" | head -20
		return 0
	fi
	result 1 "$config: sshfix --who exits 0"
	# Every user of the table must be listed, with the verdict its state calls for.
	while read -r name want; do
		[ -n "$name" ] || continue
		line=$(grep -m1 "^$name: " "$d/who.out" || true)
		case $line in
		"$name: can log in") verdict=can ;;
		"$name: cannot log in: "*) verdict=cannot ;;
		"$name: depends on where you connect from: "*) verdict=depends ;;
		*) verdict=missing ;;
		esac
		result "$([ "$verdict" = "$want" ] && echo 1 || echo 0)" \
			"$name ($config) expected: --who says $verdict${line:+ (${line#*: })}, the state calls for $want"
	done < <(awk -v c="$col" 'NF { print $1, $c }' <<< "$expect_table")
	# Every user --who lists, logged in for real.
	while IFS= read -r line; do
		name=${line%%: *}
		case $line in
		*": can log in") verdict=can ;;
		*": cannot log in: "*) verdict=cannot ;;
		*": depends on where you connect from: "*) verdict=depends ;;
		*) continue ;;
		esac
		key=$(e2e_key alice)
		[ "$name" = root ] && key=$(e2e_key root)
		r=0
		e2e_login "$E2E_MERGED" "$name" "$key" "$d/$name.sshd.log" 2> "$d/$name.oracle" || r=$?
		case $r in
		0) got=can ;;
		1) got=cannot ;;
		*)
			result 0 "$name ($config) the oracle could not run: $(tail -n1 "$d/$name.oracle")"
			continue
			;;
		esac
		# A "depends" verdict: the test's Match block refuses 192.0.2.0/24, the oracle's client.
		if [ "$verdict" = depends ]; then
			result "$([ "$got" = cannot ] && echo 1 || echo 0)" \
				"$name ($config) --who: depends on the client; from 192.0.2.20 the login $([ "$got" = can ] && echo works || echo fails)"
			continue
		fi
		result "$([ "$verdict" = "$got" ] && echo 1 || echo 0)" \
			"$name ($config) --who: $verdict, real login: $got$([ "$verdict" != "$got" ] && echo "; $d/$name.sshd.log")"
	done < <(grep -E '^[^ ]+: (can log in|cannot log in: |depends on where you connect from: )' "$d/who.out")
}

cleanup() {
	local rc=$?
	e2e_overlay_down || true
	[ -n "${work:-}" ] && rm -rf "$work"
	case $rc in
	0 | 1 | 77) ;;
	*)
		e2e_say "who.sh: harness error (exit $rc)"
		exit 99
		;;
	esac
}

# who_suite SUITE: the five configurations on that generation's root.
who_suite() {
	local t0 p0=$npass f0=$nfail
	t0=$(e2e_now)
	e2e_image "$1"
	echo "== $E2E_SUITE: openssh-server $E2E_OPENSSH, $E2E_IMAGE/rootfs"
	e2e_overlay_up "$E2E_IMAGE/rootfs" "$work/root-$E2E_SUITE"
	make_states
	check pam 2

	sed -i 's/^UsePAM yes$/UsePAM no/' "$E2E_MERGED/etc/ssh/sshd_config"
	check no-pam 3

	sed -i 's/^UsePAM no$/UsePAM yes/' "$E2E_MERGED/etc/ssh/sshd_config"
	printf 'System maintenance.\n' > "$E2E_MERGED/etc/nologin"
	ln -s /dev/null "$E2E_MERGED/etc/systemd/system/systemd-user-sessions.service"
	check nologin 4

	rm "$E2E_MERGED/etc/systemd/system/systemd-user-sessions.service"
	# Debian 13's systemd-user-sessions leaves /etc/nologin: the "nologin" column.
	check nologin-boot "$([ "$E2E_SUITE" = trixie ] && echo 4 || echo 5)"

	rm "$E2E_MERGED/etc/nologin"
	sed -i 's/^# account  required     pam_access.so$/account  required     pam_access.so\naccount  required     pam_listfile.so item=user sense=deny file=\/etc\/ssh\/denied_users onerr=succeed/' \
		"$E2E_MERGED/etc/pam.d/sshd"
	printf 'root\n' > "$E2E_MERGED/etc/ssh/denied_users"
	sed -i '2a -:ivy:ALL\n-:carol:192.0.2.0/24' "$E2E_MERGED/etc/security/access.conf"
	check pam-access 6
	e2e_overlay_down
	suite_lines+=("$(printf 'who %s (openssh-server %s): %d passed, %d failed, %s s' "$E2E_SUITE" "$E2E_OPENSSH" \
		$((npass - p0)) $((nfail - f0)) "$(e2e_secs "$t0" "$(e2e_now)")")")
}

main() {
	local t0 suite
	t0=$(e2e_now)
	logdir=${E2E_LOGDIR:-$E2E_CACHE/logs/who-$(date +%Y%m%d-%H%M%S)-$$}
	mkdir -p "$logdir"
	ls -d "$E2E_CACHE"/logs/who-* 2> /dev/null | sort | head -n -5 | xargs -r rm -rf
	work=$(mktemp -d "/tmp/sshfix-e2e-who.$$.XXXXXX")
	export E2E_TMP=$work
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	echo "sshfix: $SSHFIX"
	echo "logs:   $logdir/<suite>/<configuration>"
	suite_lines=()
	for suite in $(e2e_suites); do
		who_suite "$suite"
	done

	echo "  whole test: $(e2e_secs "$t0" "$(e2e_now)") s"
	[ "$nfail" -eq 0 ] || printf 'failed:\n%s\n' "$(printf '  %s\n' "${failed[@]}")"
	printf '%s\n' "${suite_lines[@]}"
	echo "who: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}

main
