#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh: the boot tier (DESIGN §6 tier 4).
#
# Builds a small ext4 disk image whose root has a broken SSH setup (the host
# key ssh_host_ed25519_key mode 0644, /home/alice mode 0777; tests/lib.sh
# mkroot for the rest) and whose /sbin/init only powers the machine off.
# Then, for each initramfs generator found on this machine:
#   initramfs-tools: the real mkinitramfs, with a private config dir (-d)
#                    holding the project's hook and boot script;
#   dracut:          the real dracut, with a private conf dir and a private
#                    module tree (dracutbasedir) holding modules.d/95sshfix,
# it boots Debian's kernel from /boot in QEMU (TCG, never KVM) twice, on a
# fresh copy of the image each time, and checks the image from outside
# after poweroff, with debugfs (no mount, no loop device):
#   apply:   sshfix=apply (dracut: rd.sshfix=apply)  (a) the report is on
#            the console and the boot went on to the target's init, (b) the
#            host key is 0600, (c) /home/alice is no longer writable by
#            others, (d) /var/log/sshfix.log holds the report under a
#            timestamped header, (e) a dry-run of the host's sshfix on a
#            copy of the booted image finds nothing left, (f) e2fsck -fn
#            finds the file system clean (remounted read-only again);
#   dry-run: sshfix=dry-run  (a) the report is on the console and the boot
#            went on, (b) the image is byte-identical (sha256) to before;
#   absent:  no sshfix= at all  (a) no sshfix line on the console and the
#            boot went on, (b) the image is byte-identical to before;
#   apply-yes: a second image whose repairs need a person's yes (UsePAM no
#            with alice's password '!'-locked, alice's shell /bin/zsh
#            missing), booted with the consent on the command line:
#            sshfix=apply,yes (initramfs-tools) and
#            rd.sshfix=apply,yes=account-locked+shell-invalid (dracut, the
#            named form)  (a) the report says both were fixed with the
#            consent, exit 1, and the boot went on, (b) alice's shadow field
#            is '*' and her shell /bin/bash in the image, (c) the log header
#            names the consent, (d) the "Undo with:" line names sshfix
#            --undo ID for the booted system, (e) a dry-run of the host's
#            sshfix on a copy of the booted image finds nothing left,
#            (f) e2fsck -fn finds the file system clean, (g) that undo
#            (with --root standing for the booted system's "/") on the copy
#            gives back the broken passwd and shadow.
# One PASS/FAIL/SKIP line per check, what each build and boot cost, and a
# closing "N passed, N failed, N skipped" line.  Exit 0 all passed, 1
# something failed, 77 nothing could run or a generator is missing (the
# reason is printed).
#
# The binary put into the initramfs: $SSHFIX_BOOT_BINARY if set, else
# sshfix-static at the top of the build tree if it was built (make static),
# else $SSHFIX (automake: the dynamic build/sshfix), else ../../sshfix.
# Other knobs: SSHFIX_BOOT_KERNEL (a /boot/vmlinuz-VERSION), SSHFIX_BOOT_ONLY
# (initramfs-tools or dracut), SSHFIX_BOOT_KEEP=1 (keep the work dir),
# SSHFIX_BOOT_LIMIT (seconds one boot may take; default 300).
#
# Needs root and: qemu-system-x86 linux-image-amd64 initramfs-tools
# dracut-core busybox-static e2fsprogs (Debian 12 package names; dracut-core
# rather than dracut, which conflicts with initramfs-tools).
set -u

BOOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "${top_srcdir:-$BOOT_DIR/../..}" && pwd)
BUILD=$(cd "${abs_top_builddir:-${top_builddir:-$SRC}}" && pwd)
LIMIT=${SSHFIX_BOOT_LIMIT:-300}
MARKER="sshfix-boot-tier: the target's init is running"

# shellcheck source=lib.sh
. "$BOOT_DIR/lib.sh"
skip_all() {
	say "SKIP: boot tier: $*"
	exit 77
}

t_tier=$(now)

# ------------------------------------------------------------ preflight
[ "$(id -u)" -eq 0 ] ||
	skip_all "needs root (mkinitramfs and dracut read the kernel's modules; the image holds root-owned files)"
for c in qemu-system-x86_64 mkfs.ext4 debugfs e2fsck sha256sum timeout cmp; do
	command -v "$c" > /dev/null ||
		skip_all "'$c' is not installed (apt-get install qemu-system-x86 e2fsprogs coreutils)"
done
# The target's init is a busybox script: the static build, since the image
# carries no libraries.
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" > /dev/null 2>&1 ||
	skip_all "no static busybox at $BUSYBOX (apt-get install busybox-static)"

boot_kernel || skip_all "$BOOT_KERNEL_WHY"

if [ -n "${SSHFIX_BOOT_BINARY:-}" ]; then
	BIN=$SSHFIX_BOOT_BINARY
elif [ -x "$BUILD/sshfix-static" ]; then
	BIN=$BUILD/sshfix-static
else
	BIN=${SSHFIX:-$BUILD/sshfix}
fi
[ -f "$BIN" ] && [ -x "$BIN" ] ||
	skip_all "no sshfix binary at $BIN (build it with make, or set SSHFIX_BOOT_BINARY)"
BIN=$(readlink -f "$BIN")
if ldd "$BIN" > /dev/null 2>&1; then
	BIN_KIND="dynamic; its libraries copied by copy_exec / inst_binary"
else
	BIN_KIND="static"
fi

frameworks=()
skipped_fw=()
want() { [ -z "${SSHFIX_BOOT_ONLY:-}" ] || [ "$SSHFIX_BOOT_ONLY" = "$1" ]; }
if want initramfs-tools; then
	if command -v mkinitramfs > /dev/null && [ -f /usr/share/initramfs-tools/hook-functions ]; then
		frameworks+=(initramfs-tools)
	else
		skipped_fw+=("initramfs-tools: mkinitramfs is not installed (apt-get install initramfs-tools)")
	fi
fi
if want dracut; then
	if command -v dracut > /dev/null && [ -d /usr/lib/dracut/modules.d ]; then
		frameworks+=(dracut)
	else
		skipped_fw+=("dracut: dracut is not installed (apt-get install dracut-core)")
	fi
fi
if [ ${#frameworks[@]} -eq 0 ]; then
	skip_all "$(printf '%s; ' "${skipped_fw[@]}")"
fi

# ------------------------------------------------------------ work dir
W=$(mktemp -d "${TMPDIR:-/var/tmp}/sshfix-boot.XXXXXX") || exit 99
qpid=
cleanup() {
	# The only process this script leaves running in the background is
	# one timeout(1) holding one qemu; stop both if we are interrupted.
	if [ -n "$qpid" ] && kill -0 "$qpid" 2> /dev/null; then
		kill -TERM "$qpid" 2> /dev/null
		wait "$qpid" 2> /dev/null
	fi
	if [ "${SSHFIX_BOOT_KEEP:-0}" = 1 ] || [ "${nfail:-0}" -gt 0 ]; then
		say "boot tier: work dir kept: $W"
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM


say "boot tier: kernel $KERNEL, sshfix binary $BIN ($BIN_KIND)"
say "boot tier: work dir $W"

# ------------------------------------------------------------ the images
# Roots that sshfix repairs today and that boot in as little time as
# possible: their init announces itself and powers off.
# broken: two SAFE_AUTO problems (--apply repairs them).
break_safe() {
	chmod 0644 "$1/etc/ssh/ssh_host_ed25519_key"
	chmod 0777 "$1/home/alice"
}
# broken-yes: two NEEDS_CONFIRM problems (only --apply --yes repairs them).
break_needs_yes() {
	sed -i 's/^UsePAM yes$/UsePAM no/' "$1/etc/ssh/sshd_config"
	sed -i 's/^alice:[^:]*:/alice:!:/' "$1/etc/shadow"
	sed -i 's|^\(alice:.*:\)/bin/bash$|\1/bin/zsh|' "$1/etc/passwd"
	grep -q '^alice:!:' "$1/etc/shadow" && grep -q '^alice:.*:/bin/zsh$' "$1/etc/passwd"
}
# build_image NAME BREAK: $W/NAME.raw, a root broken by the function BREAK.
build_image() {
	local r=$W/root-$1
	(
		set -e
		# shellcheck source=../lib.sh
		. "$SRC/tests/lib.sh"
		mkroot "$r"
		"$2" "$r"
		# Mount points initramfs-tools and systemd move /dev /proc /sys
		# /run onto before handing over.
		mkdir -p "$r/bin" "$r/sbin" "$r/dev" "$r/proc" "$r/sys" "$r/run" "$r/var/log"
		cp "$BUSYBOX" "$r/bin/busybox"
		cat > "$r/sbin/init" <<-EOF
			#!/bin/busybox sh
			/bin/busybox echo "$MARKER"
			/bin/busybox poweroff -f
		EOF
		chmod 0755 "$r/sbin/init"
		mkfs.ext4 -q -F -L sshfix-boot -d "$r" "$W/$1.raw" 32M
	)
}
t=$(now)
if ! { build_image broken break_safe && build_image broken-yes break_needs_yes; } > "$W/image.log" 2>&1; then
	result 0 "building the broken images failed"
	show "$W/image.log"
	exit 1
fi
BROKEN_SHA=$(sha256sum < "$W/broken.raw")
say "boot tier: broken images built in $(secs "$t" "$(now)") s"

# ------------------------------------------------------------ initramfs builds
# initramfs-tools: -d CONFDIR replaces /etc/initramfs-tools, so the host's
# config is neither read nor changed.  The hook and boot script go where
# `make install` puts them, relative to that dir: hooks/, scripts/.
build_initramfs_tools() {
	local c=$W/initramfs-tools
	mkdir -p "$c/hooks" "$c/scripts/local-bottom" "$c/conf.d"
	cat > "$c/initramfs.conf" <<-'EOF'
		MODULES=list
		BUSYBOX=y
		KEYMAP=n
		COMPRESS=zstd
		DEVICE=
		NFSROOT=auto
		RUNSIZE=10%
		FSTYPE=ext4
	EOF
	echo RESUME=none > "$c/conf.d/resume"
	printf '%s\n' virtio_pci virtio_blk ext4 > "$c/modules"
	install -m 0755 "$SRC/initramfs/initramfs-tools/hooks/sshfix" "$c/hooks/sshfix"
	install -m 0755 "$SRC/initramfs/initramfs-tools/scripts/local-bottom/sshfix" \
		"$c/scripts/local-bottom/sshfix"
	install -m 0644 "$SRC/initramfs/sshfix-boot.sh" "$c/scripts/sshfix-boot"
	SSHFIX_BINARY=$BIN mkinitramfs -v -d "$c" -o "$W/initrd.initramfs-tools" "$KVER"
}

# dracut: --conf/--confdir replace /etc/dracut.conf{,.d}; dracutbasedir
# points at a copy of /usr/lib/dracut made of symlinks, plus our module
# laid out as `make install` lays it out.  --drivers takes only what this
# VM needs (virtio disk, ext4) instead of every storage driver.
build_dracut() {
	local b=$W/dracut-base m
	mkdir -p "$b/modules.d" "$W/dracut.conf.d"
	: > "$W/dracut.conf"
	for m in /usr/lib/dracut/*; do
		[ "${m##*/}" = modules.d ] || ln -s "$m" "$b/"
	done
	for m in /usr/lib/dracut/modules.d/*; do
		[ "${m##*/}" = 95sshfix ] || ln -s "$m" "$b/modules.d/"
	done
	mkdir "$b/modules.d/95sshfix"
	install -m 0755 "$SRC/initramfs/dracut/95sshfix/module-setup.sh" \
		"$SRC/initramfs/dracut/95sshfix/sshfix-pre-pivot.sh" "$b/modules.d/95sshfix/"
	install -m 0644 "$SRC/initramfs/sshfix-boot.sh" "$b/modules.d/95sshfix/"
	dracutbasedir=$b SSHFIX_BINARY=$BIN dracut --force \
		--conf "$W/dracut.conf" --confdir "$W/dracut.conf.d" --tmpdir "$W" \
		--no-hostonly --no-hostonly-cmdline \
		--drivers "virtio_pci virtio_blk ext4" --add sshfix \
		--kver "$KVER" "$W/initrd.dracut"
}

# ------------------------------------------------------------ one boot
# boot NAME INITRD PARAM [IMAGE]: boot a fresh copy of the broken image
# (or $W/IMAGE.raw) as $W/NAME.raw with PARAM on the command line; console
# in $W/NAME.console, qemu's status in $qrc, the time in $boot_secs.
boot() {
	local name=$1 initrd=$2 param=$3 image=${4:-broken} t
	cp --sparse=always "$W/$image.raw" "$W/$name.raw"
	t=$(now)
	# ro: the root is mounted read-only, as on a real boot; the hook
	# remounts it only for apply.  fsck.mode=skip: a clean image needs no
	# check and a check is no part of this test.  panic=-1 with -no-reboot:
	# a panic ends qemu at once instead of waiting for the limit.
	timeout -k 10 "$LIMIT" qemu-system-x86_64 -accel tcg -m 512 -smp 1 \
		-display none -nodefaults -no-user-config -no-reboot \
		-serial "file:$W/$name.console" \
		-kernel "$KERNEL" -initrd "$initrd" \
		-drive "file=$W/$name.raw,format=raw,if=virtio" \
		-append "root=/dev/vda ro console=ttyS0 panic=-1 fsck.mode=skip $param" \
		> "$W/$name.qemu" 2>&1 < /dev/null &
	qpid=$!
	wait "$qpid"
	qrc=$?
	qpid=
	boot_secs=$(secs "$t" "$(now)")
}

# stat_mode IMAGE PATH: the permission bits of PATH in the image, octal.
stat_mode() {
	debugfs -R "stat $2" "$1" 2> /dev/null |
		sed -n 's/.*Mode: *0*\([0-7]*\).*/\1/p' | head -n1
}

# booted NAME: the common check: qemu powered off by itself and the
# target's init ran, so the hook did not stop or hang the boot.
booted() {
	local name=$1
	[ "$qrc" -eq 0 ] && grep -qF "$MARKER" "$W/$name.console"
}

check_apply() {
	local fw=$1 name=$1-apply img=$W/$1-apply.raw con=$W/$1-apply.console mode log
	if booted "$name" && grep -q 'sshfix: exit status 1: problems fixed' "$con" &&
	   grep -q 'hostkey-mode: host key /etc/ssh/ssh_host_ed25519_key' "$con"; then
		result 1 "$name (a) report on the console, sshfix exit 1, boot went on to init (${boot_secs} s)"
	else
		result 0 "$name (a) qemu exit $qrc after ${boot_secs} s; want the report, 'exit status 1' and the target's init on the console ($con)"
		show "$con"
	fi
	mode=$(stat_mode "$img" /etc/ssh/ssh_host_ed25519_key)
	result "$([ "$mode" = 600 ] && echo 1 || echo 0)" \
		"$name (b) /etc/ssh/ssh_host_ed25519_key is 0$mode (want 0600)"
	mode=$(stat_mode "$img" /home/alice)
	result "$([ -n "$mode" ] && [ $((8#$mode & 8#002)) -eq 0 ] && echo 1 || echo 0)" \
		"$name (c) /home/alice is 0$mode (want not writable by others; was 0777)"
	log=$(debugfs -R "cat /var/log/sshfix.log" "$img" 2> /dev/null)
	mode=$(stat_mode "$img" /var/log/sshfix.log)
	if printf '%s\n' "$log" | grep -q '^==== sshfix --apply from the initramfs, [0-9-]* [0-9:]* UTC, .*exit status 1' &&
	   printf '%s\n' "$log" | grep -q 'hostkey-mode: host key /etc/ssh/ssh_host_ed25519_key' &&
	   printf '%s\n' "$log" | grep -q 'home-perms:' && [ "$mode" = 600 ]; then
		result 1 "$name (d) /var/log/sshfix.log (0$mode) holds the report under a timestamped header"
	else
		result 0 "$name (d) /var/log/sshfix.log (mode 0$mode) lacks the header or the report:"
		printf '%s\n' "$log" | head -n 12 | sed 's/^/      | /'
	fi
	# A dry-run from outside on what the boot left: nothing may be pending.
	rm -rf "$W/$name.tree"
	mkdir "$W/$name.tree"
	debugfs -R "rdump / $W/$name.tree" "$img" > /dev/null 2>&1
	rc=0
	"$BIN" --root "$W/$name.tree" --dry-run --no-color > "$W/$name.recheck" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		result 1 "$name (e) sshfix --dry-run on the booted image finds nothing left (exit 0)"
	else
		result 0 "$name (e) sshfix --dry-run on the booted image exits $rc (want 0):"
		show "$W/$name.recheck" 15
	fi
	rm -rf "$W/$name.tree"
	if e2fsck -fn "$img" > "$W/$name.fsck" 2>&1; then
		result 1 "$name (f) e2fsck -fn: the file system is clean"
	else
		result 0 "$name (f) e2fsck -fn reports problems:"
		show "$W/$name.fsck" 15
	fi
}

check_dry_run() {
	local fw=$1 name=$1-dry-run con=$W/$1-dry-run.console sha
	if booted "$name" && grep -q 'sshfix: exit status 4: problems left unfixed' "$con" &&
	   grep -q 'apply would fix this' "$con"; then
		result 1 "$name (a) report on the console, sshfix exit 4, boot went on to init (${boot_secs} s)"
	else
		result 0 "$name (a) qemu exit $qrc after ${boot_secs} s; want the report, 'exit status 4' and the target's init on the console ($con)"
		show "$con"
	fi
	sha=$(sha256sum < "$W/$name.raw")
	if [ "$sha" = "$BROKEN_SHA" ]; then
		result 1 "$name (b) the image is byte-identical to before the boot (sha256)"
	else
		result 0 "$name (b) the image CHANGED during a dry-run boot (sha256 differs)"
		cmp -l "$W/broken.raw" "$W/$name.raw" 2> /dev/null | head -n 5 | sed 's/^/      | byte /'
	fi
}

# field IMAGE FILE USER N: field N of USER's line in FILE of the image.
field() {
	debugfs -R "cat $2" "$1" 2> /dev/null | awk -F: -v u="$3" -v n="$4" '$1 == u { print $n }'
}

# apply-yes: repairs that need a yes, consented on the command line.
check_apply_yes() {
	local fw=$1 name=$1-apply-yes img=$W/$1-apply-yes.raw con=$W/$1-apply-yes.console
	local root opt pw sh log id want rc
	case $fw in
	initramfs-tools) root=/root opt=--yes ;;
	dracut) root=/sysroot opt=--yes=account-locked,shell-invalid ;;
	esac
	if booted "$name" && grep -qF -- "sshfix: running sshfix --apply $opt on the root" "$con" &&
	   grep -q 'sshfix: exit status 1: problems fixed' "$con" &&
	   [ "$(grep -c 'fixed (consented with --yes)' "$con")" -ge 2 ] &&
	   grep -q 'account-locked: alice' "$con" && grep -q 'shell-invalid: alice' "$con"; then
		result 1 "$name (a) --apply $opt: both repairs made with the consent, exit 1, boot went on to init (${boot_secs} s)"
	else
		result 0 "$name (a) qemu exit $qrc after ${boot_secs} s; want 'running sshfix --apply $opt', two 'fixed (consented with --yes)', 'exit status 1' and the target's init ($con)"
		show "$con" 40
	fi
	pw=$(field "$img" /etc/shadow alice 2)
	sh=$(field "$img" /etc/passwd alice 7)
	result "$([ "$pw" = '*' ] && [ "$sh" = /bin/bash ] && echo 1 || echo 0)" \
		"$name (b) alice's shadow field is '$pw' (want '*', was '!'), her shell $sh (want /bin/bash, was /bin/zsh)"
	log=$(debugfs -R "cat /var/log/sshfix.log" "$img" 2> /dev/null)
	if printf '%s\n' "$log" | grep -q -- "^==== sshfix --apply $opt from the initramfs, [0-9-]* [0-9:]* UTC, .*exit status 1" &&
	   printf '%s\n' "$log" | grep -q 'fixed (consented with --yes)'; then
		result 1 "$name (c) /var/log/sshfix.log: the report, under a header that names $opt"
	else
		result 0 "$name (c) /var/log/sshfix.log lacks the header naming $opt or the report:"
		printf '%s\n' "$log" | head -n 12 | sed 's/^/      | /'
	fi
	id=$(sed -n 's/.*Undo with: sshfix --undo \([0-9]*-[0-9TZ]*\) .*/\1/p' "$con" | tr -d '\r' | head -n1)
	want="Undo with: sshfix --undo $id (in the booted system; from this initramfs: sshfix --undo $id --root $root)"
	# dracut under systemd prefixes each line ("dracut-pre-pivot[323]: ").
	if [ -n "$id" ] && tr -d '\r' < "$con" | grep -qF -- "$want"; then
		result 1 "$name (d) the undo line names the booted system's command: sshfix --undo $id"
	else
		result 0 "$name (d) no line '$want' on the console:"
		grep 'Undo with' "$con" | sed 's/^/      | /'
	fi
	# From outside, on copies: nothing left to do, and the booted system's
	# undo command (here with --root for "/") gives back the broken files.
	rm -rf "$W/$name.tree" "$W/$name.broken"
	mkdir "$W/$name.tree" "$W/$name.broken"
	debugfs -R "rdump / $W/$name.tree" "$img" > /dev/null 2>&1
	debugfs -R "rdump / $W/$name.broken" "$W/broken-yes.raw" > /dev/null 2>&1
	rc=0
	"$BIN" --root "$W/$name.tree" --dry-run --no-color > "$W/$name.recheck" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		result 1 "$name (e) sshfix --dry-run on the booted image finds nothing left (exit 0)"
	else
		result 0 "$name (e) sshfix --dry-run on the booted image exits $rc (want 0):"
		show "$W/$name.recheck" 15
	fi
	if e2fsck -fn "$img" > "$W/$name.fsck" 2>&1; then
		result 1 "$name (f) e2fsck -fn: the file system is clean"
	else
		result 0 "$name (f) e2fsck -fn reports problems:"
		show "$W/$name.fsck" 15
	fi
	rc=0
	"$BIN" --root "$W/$name.tree" --undo "$id" > "$W/$name.undo" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$W/$name.tree/etc/passwd" "$W/$name.broken/etc/passwd" &&
	   cmp -s "$W/$name.tree/etc/shadow" "$W/$name.broken/etc/shadow"; then
		result 1 "$name (g) sshfix --undo $id on a copy gives back the broken /etc/passwd and /etc/shadow"
	else
		result 0 "$name (g) sshfix --undo $id exits $rc, or passwd/shadow differ from the broken image:"
		show "$W/$name.undo" 15
	fi
	rm -rf "$W/$name.tree" "$W/$name.broken"
}

# The control: no sshfix= at all, as on every ordinary boot.  Proves the
# harness too: what the apply boot changed, the hook changed.
check_absent() {
	local fw=$1 name=$1-absent con=$W/$1-absent.console sha
	if booted "$name" && ! grep -q '^sshfix:' "$con"; then
		result 1 "$name (a) without the parameter the hook is silent and the boot goes on (${boot_secs} s)"
	else
		result 0 "$name (a) qemu exit $qrc after ${boot_secs} s; want the target's init and no sshfix line ($con)"
		show "$con"
	fi
	sha=$(sha256sum < "$W/$name.raw")
	if [ "$sha" = "$BROKEN_SHA" ]; then
		result 1 "$name (b) the image is byte-identical to before the boot (sha256)"
	else
		result 0 "$name (b) the image CHANGED during a boot without sshfix= (sha256 differs)"
	fi
}

costs=()
for fw in "${frameworks[@]}"; do
	case $fw in
	initramfs-tools) param=sshfix ;;
	dracut) param=rd.sshfix ;;
	esac
	t=$(now)
	if ! "build_${fw//-/_}" > "$W/$fw.build.log" 2>&1; then
		result 0 "$fw: building the initramfs failed ($W/$fw.build.log)"
		show "$W/$fw.build.log"
		continue
	fi
	build_secs=$(secs "$t" "$(now)")
	initrd=$W/initrd.$fw
	# What the hook and module must have put in: the binary, the boot
	# script or hook, the shared logic.
	case $fw in
	initramfs-tools)
		lsinitramfs "$initrd" > "$W/$fw.list" 2>&1
		want='sbin/sshfix scripts/local-bottom/sshfix scripts/sshfix-boot'
		;;
	dracut)
		lsinitrd "$initrd" > "$W/$fw.list" 2>&1
		want='sbin/sshfix hooks/pre-pivot/90-sshfix-pre-pivot.sh lib/sshfix/sshfix-boot.sh'
		;;
	esac
	missing=
	for f in $want; do
		grep -q "[ /]$f\$" "$W/$fw.list" || grep -q "^$f\$" "$W/$fw.list" || missing="$missing $f"
	done
	if [ -z "$missing" ]; then
		result 1 "$fw: initramfs built in $build_secs s ($(($(stat -c %s "$initrd") / 1024)) KiB), holding $want"
	else
		result 0 "$fw: the initramfs lacks$missing ($W/$fw.list, $W/$fw.build.log)"
		show "$W/$fw.build.log"
	fi
	costs+=("$(printf '%-16s build    %6.1f s' "$fw" "$build_secs")")

	boot "$fw-apply" "$initrd" "$param=apply"
	costs+=("$(printf '%-16s apply    %6.1f s' "$fw" "$boot_secs")")
	check_apply "$fw"

	boot "$fw-dry-run" "$initrd" "$param=dry-run"
	costs+=("$(printf '%-16s dry-run  %6.1f s' "$fw" "$boot_secs")")
	check_dry_run "$fw"

	boot "$fw-absent" "$initrd" ""
	costs+=("$(printf '%-16s absent   %6.1f s' "$fw" "$boot_secs")")
	check_absent "$fw"

	# The consent: initramfs-tools with yes for all, dracut with the ids.
	case $fw in
	initramfs-tools) consent=apply,yes ;;
	dracut) consent=apply,yes=account-locked+shell-invalid ;;
	esac
	boot "$fw-apply-yes" "$initrd" "$param=$consent" broken-yes
	costs+=("$(printf '%-16s apply,yes %5.1f s' "$fw" "$boot_secs")")
	check_apply_yes "$fw"
done

for s in "${skipped_fw[@]}"; do
	nskip=$((nskip + 1))
	say "SKIP: $s"
done

say ""
say "boot tier costs (QEMU TCG, one vCPU, 512 MiB):"
for c in "${costs[@]}"; do say "  $c"; done
say "  whole tier       $(printf '%6.1f' "$(secs "$t_tier" "$(now)")") s"
say "boot: $npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -gt 0 ] && exit 1
[ "$nskip" -gt 0 ] && exit 77
exit 0
