#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hook-lib.sh: the shared initramfs logic (initramfs/sshfix-boot.sh) on the
# host, in seconds, without a VM: the cases a boot cannot show cheaply.
# Every case runs under each shell an initramfs may use (dash, busybox sh,
# klibc sh, bash: whichever are installed), in a private mount namespace,
# against a tmpfs "root" mounted read-only, with a fake sshfix:
#   apply    remounts read-write for the run only, appends a header and the
#            report to var/log/sshfix.log (0600), prints the report
#   dry-run  runs with the root read-only and writes nothing
#   rw       a root the boot mounted read-write stays read-write
#   hang     a sshfix that never ends is stopped at the time limit (with
#            timeout(1), and with the kill -0 fallback where the shell
#            cannot find one), the root goes back to read-only
#   ignored  an unknown mode, a missing binary, an unmounted root: nothing
#            runs, one line says why
#   symlink  var/log/sshfix.log as a symlink: the file it names is untouched
#   consent  the value's words: apply,yes -> --apply --yes; apply,yes=A+B ->
#            --yes=A,B; words in any order, a quoted value; malformed ids,
#            ids the binary's --list-checks does not know, unknown words and
#            an empty yes= are each said and dropped; dry-run,apply runs the
#            dry-run; yes without a mode runs nothing; without consent, the
#            needs-confirm ids of the report are named as the parameter to
#            give (sshfix=... or rd.sshfix=...)
# and sshfix_boot returns 0 every time.  Then the id filter against the real
# binary's --list-checks (its format must stay what the hook reads), and
# which binary the initramfs-tools hook and the dracut module pick: the
# static build before the dynamic one.  Exit 0 all passed, 1 a failure,
# 77 cannot run here (the reason is printed).
set -u

BOOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "${top_srcdir:-$BOOT_DIR/../..}" && pwd)
LIB=$SRC/initramfs/sshfix-boot.sh

if [ -z "${_HOOKLIB_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: hook-lib: needs root (mounts a tmpfs read-only and remounts it)"; exit 77; }
	unshare --mount true 2> /dev/null ||
		{ echo "SKIP: hook-lib: cannot create a mount namespace (unshare --mount failed)"; exit 77; }
	export _HOOKLIB_NS=1
	exec unshare --mount --propagation private -- "$BASH" "${BASH_SOURCE[0]}" "$@"
fi

TIMEOUT=$(command -v timeout) || { echo "SKIP: hook-lib: timeout(1) is not installed"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/var/tmp}/sshfix-hooklib.XXXXXX") || exit 99
R=$W/root
trap 'umount -q "$R" 2> /dev/null; rm -rf "$W"' EXIT

shells=()
for s in /bin/dash /usr/lib/klibc/bin/sh /bin/bash; do
	[ -x "$s" ] && shells+=("$s")
done
if [ -x /bin/busybox ]; then
	ln -s /bin/busybox "$W/sh"	# busybox picks the applet by its name
	shells+=("$W/sh")
fi

# Fake sshfix binaries.  They prove where they ran by writing into the root
# (possible only when it is read-write) and print a report.
mkdir "$W/bin" "$W/notimeout"
cat > "$W/bin/fix" <<'EOF'
#!/bin/sh
# --root DIR --MODE --no-color
echo "fake report: $*"
if touch "$2/written-by-sshfix" 2> /dev/null; then echo "root was writable"; else echo "root was read-only"; fi
[ "$3" = --apply ] && exit 1
exit 4
EOF
# A sshfix with repairs that need a yes: it takes --yes / --yes=IDS as
# consent, knows a few ids in --list-checks, and says what it was given.
cat > "$W/bin/confirm" <<'EOF'
#!/bin/sh
if [ "$1" = --list-checks ]; then
	printf '%s\n' 'accounts: what sshd decides after the keys (RULES §6)' \
		'  account-locked                   error    needs-confirm' \
		'  shell-invalid                    error    needs-confirm' \
		'home: home directories (RULES §1)' '  home-perms                       error    safe-auto'
	exit 0
fi
echo "fake report: $*"
yes=
for a; do
	case $a in
	--yes) yes=account-locked,shell-invalid ;;
	--yes=*) yes=${a#--yes=} ;;
	esac
done
rc=0
for id in account-locked shell-invalid; do
	echo "[error] $id: fake"
	case ,$yes, in
	*,$id,*|*,accounts,*) echo "        fixed (consented with --yes)"; rc=$((rc | 1)) ;;
	*) echo "        needs confirmation (--interactive, or --yes=$id)"; rc=$((rc | 4)) ;;
	esac
done
exit $rc
EOF
# The same without --list-checks (an older sshfix): ids pass as given.
sed 's/--list-checks/--no-such-option/' "$W/bin/confirm" > "$W/bin/confirm-nolist"
cat > "$W/bin/hang" <<'EOF'
#!/bin/sh
echo "fake sshfix that never ends"
exec sleep 1000
EOF
chmod 0755 "$W/bin/fix" "$W/bin/hang" "$W/bin/confirm" "$W/bin/confirm-nolist"
# A PATH without timeout(1), for the fallback (dash and bash only: busybox
# sh finds its own applets whatever PATH says).
for c in mount cat mkdir sleep rm date sync touch; do
	ln -s "$(command -v "$c")" "$W/notimeout/$c"
done

npass=0 nfail=0
check() {
	if [ "$1" = 1 ]; then
		npass=$((npass + 1))
		echo "PASS: $2"
	else
		nfail=$((nfail + 1))
		echo "FAIL: $2"
		sed 's/^/      | /' "$W/out"
	fi
}

# fresh_root ro|rw: a new tmpfs root with var/log, mounted with that option.
fresh_root() {
	umount -q "$R" 2> /dev/null
	mkdir -p "$R"
	mount -t tmpfs -o mode=0755 sshfix-hooklib "$R"
	mkdir -p "$R/var/log" "$R/etc"
	echo "target file" > "$R/etc/target-file"
	mount -o "remount,$1" "$R"
}
state() { awk -v m="$R" '$2 == m { split($4, o, ","); s = o[1] } END { print s }' /proc/mounts; }

# run SHELL [PATH] -- ARGS...: source the library in SHELL and call
# sshfix_boot ARGS; output in $W/out, sshfix_boot's status in $rc.
run() {
	local sh=$1 path=$PATH
	shift
	if [ "$1" != -- ]; then path=$1; shift; fi
	shift
	rc=0
	PATH=$path "$TIMEOUT" 60 "$sh" -c '. "$1"; shift; sshfix_boot "$@"' sh "$LIB" "$@" > "$W/out" 2>&1 || rc=$?
}

for sh in "${shells[@]}"; do
	n=$(basename "$sh")
	[ "$sh" = "$W/sh" ] && n=busybox-sh
	[ "$sh" = /usr/lib/klibc/bin/sh ] && n=klibc-sh

	fresh_root ro
	run "$sh" -- apply "$R" 30 "$W/bin/fix"
	check "$([ "$rc" = 0 ] && [ "$(state)" = ro ] && [ -e "$R/written-by-sshfix" ] &&
		grep -q '^fake report: --root' "$W/out" && grep -q 'root was writable' "$W/out" &&
		grep -q 'sshfix: exit status 1: problems fixed' "$W/out" &&
		grep -q '^==== sshfix --apply from the initramfs, .* UTC, kernel .*, exit status 1 (problems fixed) ====$' "$R/var/log/sshfix.log" &&
		grep -q '^fake report' "$R/var/log/sshfix.log" &&
		[ "$(stat -c %a "$R/var/log/sshfix.log")" = 600 ] && echo 1)" \
		"$n apply: remounted rw for the run, back to ro, report on the console and in var/log/sshfix.log (0600)"
	run "$sh" -- apply "$R" 30 "$W/bin/fix"
	check "$([ "$(grep -c '^==== sshfix --apply' "$R/var/log/sshfix.log")" = 2 ] && echo 1)" \
		"$n apply twice: the log is appended to, not replaced"

	fresh_root ro
	run "$sh" -- dry-run "$R" 30 "$W/bin/fix"
	check "$([ "$rc" = 0 ] && [ "$(state)" = ro ] && grep -q 'root was read-only' "$W/out" &&
		grep -q 'exit status 4: problems left unfixed' "$W/out" &&
		[ ! -e "$R/var/log/sshfix.log" ] && echo 1)" \
		"$n dry-run: runs on the read-only root, exit 4 reported, no log written"

	fresh_root rw
	run "$sh" -- apply "$R" 30 "$W/bin/fix"
	check "$([ "$rc" = 0 ] && [ "$(state)" = rw ] && [ -s "$R/var/log/sshfix.log" ] && echo 1)" \
		"$n apply on a root the boot mounted rw: it stays rw"

	fresh_root ro
	t=$SECONDS
	run "$sh" -- apply "$R" 2 "$W/bin/hang"
	check "$([ "$rc" = 0 ] && [ "$(state)" = ro ] && [ $((SECONDS - t)) -le 15 ] &&
		grep -q 'exit status 124: stopped' "$W/out" &&
		grep -q 'exit status 124' "$R/var/log/sshfix.log" && echo 1)" \
		"$n hang, with timeout(1): stopped after the 2 s limit ($((SECONDS - t)) s), root back to ro"
	if [ "$n" != busybox-sh ]; then
		fresh_root ro
		t=$SECONDS
		run "$sh" "$W/notimeout" -- apply "$R" 2 "$W/bin/hang"
		check "$([ "$rc" = 0 ] && [ "$(state)" = ro ] && [ $((SECONDS - t)) -le 15 ] &&
			grep -q 'exit status 124: stopped' "$W/out" && echo 1)" \
			"$n hang, no timeout(1): the kill -0 fallback stopped it ($((SECONDS - t)) s), root back to ro"
	fi

	fresh_root ro
	run "$sh" -- bogus "$R" 30 "$W/bin/fix"
	check "$([ "$rc" = 0 ] && grep -q "ignoring unknown word 'bogus' in sshfix=bogus" "$W/out" &&
		grep -q "no mode in sshfix=bogus" "$W/out" &&
		[ ! -e "$R/written-by-sshfix" ] && [ "$(state)" = ro ] && echo 1)" \
		"$n unknown mode: ignored, says so"

	# Consent: what reaches the binary, and what the console says.
	fresh_root ro
	run "$sh" -- apply,yes "$R" 30 "$W/bin/confirm"
	check "$([ "$rc" = 0 ] && [ "$(state)" = ro ] &&
		grep -qx -- "fake report: --root $R --apply --yes --no-color" "$W/out" &&
		grep -q -- 'sshfix: running sshfix --apply --yes on the root' "$W/out" &&
		grep -q 'exit status 1: problems fixed' "$W/out" && ! grep -q 'boot once with' "$W/out" &&
		grep -q -- '^==== sshfix --apply --yes from the initramfs, .* exit status 1 (problems fixed) ====$' "$R/var/log/sshfix.log" &&
		echo 1)" \
		"$n apply,yes: sshfix --apply --yes, logged under a header that names the consent"
	run "$sh" -- 'apply,yes=account-locked+shell-invalid' "$R" 30 "$W/bin/confirm"
	check "$([ "$rc" = 0 ] && grep -qx -- "fake report: --root $R --apply --yes=account-locked,shell-invalid --no-color" "$W/out" &&
		grep -q 'exit status 1: problems fixed' "$W/out" && ! grep -q 'ignoring' "$W/out" && echo 1)" \
		"$n apply,yes=A+B: --yes=A,B"
	run "$sh" -- 'yes=account-locked,apply' "$R" 30 "$W/bin/confirm"
	check "$([ "$rc" = 0 ] && grep -qx -- "fake report: --root $R --apply --yes=account-locked --no-color" "$W/out" &&
		grep -q 'exit status 5: problems fixed, problems left unfixed' "$W/out" &&
		grep -q 'boot once with sshfix=apply,yes=shell-invalid (or sshfix=apply,yes for all of them)' "$W/out" && echo 1)" \
		"$n yes=A,apply (words in any order): --yes=A; what is left is named as sshfix=apply,yes=B"
	run "$sh" -- '"apply,yes"' "$R" 30 "$W/bin/confirm"
	check "$([ "$rc" = 0 ] && grep -qx -- "fake report: --root $R --apply --yes --no-color" "$W/out" && echo 1)" \
		"$n \"apply,yes\" quoted on the command line: the quotes are dropped"
	run "$sh" -- 'apply,yes=account-locked+Bad_Id+no-such-id+,frobnicate,,yes=' "$R" 30 "$W/bin/confirm"
	check "$([ "$rc" = 0 ] && grep -qx -- "fake report: --root $R --apply --yes=account-locked --no-color" "$W/out" &&
		grep -q "ignoring 'Bad_Id' in sshfix=.*: not a problem or check id" "$W/out" &&
		grep -q "ignoring 'no-such-id' in yes=: this sshfix knows no such problem or check" "$W/out" &&
		grep -q "ignoring unknown word 'frobnicate'" "$W/out" &&
		grep -q "ignoring 'yes=' in sshfix=.*: it names no problem or check id" "$W/out" && echo 1)" \
		"$n malformed and unknown ids, unknown words, an empty yes=: each said and dropped, the rest runs"
	run "$sh" -- 'apply,yes=nothing-known' "$R" 30 "$W/bin/confirm"
	check "$([ "$rc" = 0 ] && grep -qx -- "fake report: --root $R --apply --no-color" "$W/out" &&
		grep -q 'no known id left in yes=: running without consent' "$W/out" && echo 1)" \
		"$n yes= with no id the binary knows: runs without consent, says so"
	run "$sh" -- 'apply,yes=not-listed' "$R" 30 "$W/bin/confirm-nolist"
	check "$([ "$rc" = 0 ] && grep -qx -- "fake report: --root $R --apply --yes=not-listed --no-color" "$W/out" && echo 1)" \
		"$n a binary without --list-checks: the ids are passed as given"
	run "$sh" -- apply "$R" 30 "$W/bin/confirm" rd.sshfix
	check "$([ "$rc" = 0 ] && grep -qx -- "fake report: --root $R --apply --no-color" "$W/out" &&
		grep -q 'exit status 4: problems left unfixed' "$W/out" &&
		grep -q 'boot once with rd.sshfix=apply,yes=account-locked+shell-invalid (or rd.sshfix=apply,yes for all of them)' "$W/out" &&
		echo 1)" \
		"$n apply without consent: the needs-confirm ids are named as the parameter to add (dracut's name)"
	run "$sh" -- dry-run,apply,yes "$R" 30 "$W/bin/confirm"
	check "$([ "$rc" = 0 ] && grep -qx -- "fake report: --root $R --dry-run --yes --no-color" "$W/out" &&
		grep -q 'both dry-run and apply in sshfix=dry-run,apply,yes: running the dry-run' "$W/out" &&
		[ "$(state)" = ro ] && echo 1)" \
		"$n dry-run,apply: the dry-run runs, the root stays read-only"
	fresh_root ro
	run "$sh" -- yes "$R" 30 "$W/bin/confirm"
	check "$([ "$rc" = 0 ] && ! grep -q '^fake report' "$W/out" && grep -q 'no mode in sshfix=yes' "$W/out" &&
		[ ! -e "$R/var/log/sshfix.log" ] && [ "$(state)" = ro ] && echo 1)" \
		"$n yes without a mode: nothing runs, says so"
	run "$sh" -- apply "$R" 30 "$W/bin/absent"
	check "$([ "$rc" = 0 ] && grep -q 'no sshfix binary in this initramfs' "$W/out" && [ "$(state)" = ro ] && echo 1)" \
		"$n missing binary: says so, root untouched"
	run "$sh" -- apply "$W/not-mounted" 30 "$W/bin/fix"
	check "$([ "$rc" = 0 ] && grep -q 'not mounted at' "$W/out" && echo 1)" \
		"$n root not mounted: says so"

	fresh_root rw
	ln -s ../../etc/target-file "$R/var/log/sshfix.log"
	mount -o remount,ro "$R"
	run "$sh" -- apply "$R" 30 "$W/bin/fix"
	check "$([ "$rc" = 0 ] && [ "$(cat "$R/etc/target-file")" = "target file" ] &&
		grep -q 'not writing /var/log/sshfix.log' "$W/out" && [ "$(state)" = ro ] && echo 1)" \
		"$n var/log/sshfix.log is a symlink: refused, the file it names is untouched"
done

# The id filter reads the real binary's --list-checks: a check's id and a
# problem's id are kept, anything else is dropped.
REAL=${SSHFIX:-$SRC/sshfix}
if [ -x "$REAL" ]; then
	rc=0
	"$TIMEOUT" 60 sh -c '. "$1"; yes=accounts,account-locked,shell-invalid,no-such-id; sshfix_known_ids "$2"; echo "kept: $yes"' \
		sh "$LIB" "$REAL" > "$W/out" 2>&1 || rc=$?
	check "$([ "$rc" = 0 ] && grep -qx 'kept: accounts,account-locked,shell-invalid' "$W/out" &&
		grep -q "ignoring 'no-such-id' in yes=" "$W/out" && echo 1)" \
		"the real sshfix's --list-checks: check and problem ids kept, an unknown one dropped ($REAL)"
else
	echo "note: no sshfix binary at $REAL: the id filter was not run against the real --list-checks"
fi

# Which binary the build-time halves pick: SSHFIX_BINARY, else sshfix-static
# before sshfix, the configured sbindir first.  Fake binaries: the
# initramfs-tools hook really copies one (copy_exec, into a scratch DESTDIR).
sb=$W/sbin
mkdir -p "$sb" "$W/dest"
printf '#!/bin/sh\necho static\n' > "$sb/sshfix-static"
printf '#!/bin/sh\necho dynamic\n' > "$sb/sshfix"
chmod 0755 "$sb/sshfix-static" "$sb/sshfix"
sed "s|@sbindir@|$sb|" "$SRC/initramfs/initramfs-tools/hooks/sshfix" > "$W/hook"
sed "s|@sbindir@|$sb|" "$SRC/initramfs/dracut/95sshfix/module-setup.sh" > "$W/module-setup.sh"
chmod 0755 "$W/hook"
# picked: what the hook copied (initramfs-tools), or what module-setup.sh's
# finder names (dracut), as "static", "dynamic" or "none".
picked() {
	local it dr
	rm -rf "$W/dest"
	mkdir "$W/dest"
	if [ -f /usr/share/initramfs-tools/hook-functions ]; then
		DESTDIR=$W/dest verbose=n "$W/hook" > /dev/null 2>&1
		it=$(sh "$W/dest/usr/sbin/sshfix" 2> /dev/null || sh "$W/dest/sbin/sshfix" 2> /dev/null || echo none)
	else
		it=n/a
	fi
	dr=$(bash -c 'dwarn() { :; }; . "$1"; b=$(sshfix_find_binary) && sh "$b" || echo none' sh "$W/module-setup.sh")
	echo "$it $dr"
}
out=$(picked)
check "$([ "$out" = "static static" ] || [ "$out" = "n/a static" ] && echo 1)" \
	"both installed: the static build is picked (initramfs-tools, dracut: $out)"
out=$(SSHFIX_BINARY=$sb/sshfix picked)
check "$([ "$out" = "dynamic dynamic" ] || [ "$out" = "n/a dynamic" ] && echo 1)" \
	"SSHFIX_BINARY names the dynamic one: it is picked ($out)"
rm "$sb/sshfix-static"
out=$(picked)
check "$([ "$out" = "dynamic dynamic" ] || [ "$out" = "n/a dynamic" ] && echo 1)" \
	"only the dynamic one: it is picked ($out)"
rm "$sb/sshfix"
if [ -z "$(ls /usr/local/sbin/sshfix* /usr/sbin/sshfix* /sbin/sshfix* 2> /dev/null)" ]; then
	out=$(picked)
	rc=0
	DESTDIR=$W/dest "$W/hook" > "$W/out" 2>&1 || rc=$?
	check "$([ "$out" = "none none" ] || [ "$out" = "n/a none" ] && [ "$rc" = 0 ] &&
		grep -q 'no sshfix binary found' "$W/out" && echo 1)" \
		"none installed: the initramfs-tools hook warns and exits 0, dracut's finder fails ($out)"
fi

echo "hook-lib: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
