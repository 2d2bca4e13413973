#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The mount tier: --device, --find-root and the initramfs default, on disk
# images attached to loop devices, all inside a private mount namespace
# (`unshare -m`) so that no mount leaks to the host.  Only devices this test
# creates are probed: SSHFIX_PROBE_DEVICES restricts sshfix to them, and
# SSHFIX_SHARED_MOUNTS keeps sshfix in our namespace, so that we can see that
# it unmounts everything itself.
#
#   a  GPT: EFI + root (ext4) + /home (ext4, UUID= in fstab): --find-root
#      --dry-run sees /home's broken ~/.ssh; the image stays byte-identical,
#      also with a dirty journal (noload), while a plain "ro" mount changes it;
#      a device mounted on this system is skipped
#   b  LVM: root and /home as logical volumes (/dev/VG/LV in fstab); the
#      undo command after an apply names the physical volume (the volumes
#      are gone once sshfix deactivates the group) and works
#   c  btrfs: root in subvolume @, /home in @home; the printed undo
#      command (the device) reopens the same subvolume and works
#   d  two roots: both listed, exit 8, nothing mounted
#   e  LUKS: explains how to unlock, never asks for a passphrase
#   f  --apply through --device repairs the image; --undo restores it; the
#      "Undo with:" line and JSON's undo_command after --find-root and
#      --device name sshfix --device DEV --undo ID, and run as printed
#   g  XFS clone of a mounted file system (nouuid)
#   h  the initramfs default (tmpfs "/", /init, no os-release); after an
#      apply there (and with --root /root, as the boot hooks run it) the
#      undo line names sshfix --undo ID for the booted system and the
#      command for the initramfs, and both work
#   i  SIGTERM while mounted read-write: everything is unmounted
# After each: no mount under /run/sshfix or /tmp/sshfix.*, no directory left,
# and every loop device detached.
#
# Needs root, loop devices, unshare, sgdisk, mkfs.ext4, mkfs.vfat; the LVM,
# btrfs, LUKS and XFS parts skip (saying why) without their tools or kernel
# support.  Exit: 0 pass, 1 fail, 77 skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
SSHFIX=${SSHFIX:-$top_srcdir/sshfix}
export LC_ALL=C NO_COLOR=1

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "the mount tier needs root (loop devices, mounts)"
[ -x "$SSHFIX" ] || skip "no sshfix binary at $SSHFIX (build it first)"
for tool in unshare losetup sgdisk mkfs.ext4 mkfs.vfat debugfs sha256sum; do
	command -v "$tool" > /dev/null || skip "$tool is not installed (CI installs gdisk, dosfstools, e2fsprogs)"
done
[ -e /dev/loop-control ] || skip "no /dev/loop-control: this system has no loop devices"

# Everything below runs in a private mount namespace.
if [ -z "${SSHFIX_MOUNT_TIER_INNER:-}" ]; then
	SSHFIX_MOUNT_TIER_INNER=1 exec unshare --mount --propagation private "$BASH" "$0" "$@"
fi

. "$top_srcdir/tests/lib.sh"

work=$(mktemp -d /tmp/sshfix-mount.XXXXXX)
LOOPS=()
VGS=()
failed=0 passed=0 skipped=0
summary=()

cleanup() {
	for m in $(awk -v w="$work" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2> /dev/null
	done
	for vg in "${VGS[@]}"; do
		vgchange -an "$vg" > /dev/null 2>&1
	done
	detach_all
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

fail() { echo "FAIL: $tname: $*"; ok=0; }
note() { echo "  $tname: $*"; }

# begin NAME: start a test.  end: judge it, with the leak checks.
begin() {
	tname=$1 ok=1 t0=$(now)
	echo "--- $tname"
}
end() {
	detach_all
	local leaks
	leaks=$(grep -E ' (/run/sshfix|/tmp/sshfix\.)' /proc/self/mountinfo)
	[ -z "$leaks" ] || fail "mounts left behind: $leaks"
	if [ -d /run/sshfix ] && [ -n "$(ls -A /run/sshfix)" ]; then
		fail "directories left in /run/sshfix: $(ls -A /run/sshfix)"
	fi
	compgen -G '/tmp/sshfix.??????' > /dev/null && fail "directories left: $(echo /tmp/sshfix.??????)"
	losetup -a | grep -q "$work" && fail "loop devices left: $(losetup -a | grep "$work")"
	local secs
	secs=$(elapsed "$t0")
	if [ $ok = 1 ]; then
		passed=$((passed + 1))
		summary+=("PASS $tname (${secs}s)")
	else
		failed=$((failed + 1))
		summary+=("FAIL $tname (${secs}s)")
	fi
	echo "--- $tname: $([ $ok = 1 ] && echo PASS || echo FAIL) in ${secs}s"
}
skip_test() {
	skipped=$((skipped + 1))
	summary+=("SKIP $tname: $*")
	echo "--- $tname: SKIP: $*"
	detach_all
}

detach_all() {
	local i
	for ((i = ${#LOOPS[@]} - 1; i >= 0; i--)); do
		losetup -d "${LOOPS[i]}" 2> /dev/null
	done
	LOOPS=()
}

# mkimage FILE MiB SGDISK-ARGS...: a sparse image with a GPT.
mkimage() {
	local f=$1 size=$2
	shift 2
	rm -f "$f"
	truncate -s "${size}M" "$f"
	sgdisk "$@" "$f" > /dev/null || { fail "sgdisk $*"; return 1; }
}

# attach FILE: sets PARTS (one device per partition).  With partition-table
# support in the kernel that is losetup -P's /dev/loopNpM; without it (some
# minimal VM kernels) every partition gets its own loop device at its offset.
attach() {
	local f=$1 dev n i
	PARTS=() WHOLE=
	n=$(sgdisk -p "$f" | awk '/^ +[0-9]+ /{n++} END{print n+0}')
	dev=$(losetup --find --show --partscan "$f") || { fail "losetup $f"; return 1; }
	LOOPS+=("$dev")
	udevadm settle 2> /dev/null
	if [ -e "/sys/class/block/${dev#/dev/}/${dev#/dev/}p1" ]; then
		for ((i = 1; i <= n; i++)); do
			for _ in 1 2 3 4 5 6 7 8 9 10; do [ -b "${dev}p$i" ] && break; sleep 0.1; done
			PARTS+=("${dev}p$i")
		done
		WHOLE=$dev
		return 0
	fi
	losetup -d "$dev"
	unset 'LOOPS[${#LOOPS[@]}-1]'
	for ((i = 1; i <= n; i++)); do
		local s e
		read -r s e < <(sgdisk -i "$i" "$f" | awk '/^First sector/{s=$3} /^Last sector/{e=$3} END{print s, e}')
		dev=$(losetup --find --show --offset $((s * 512)) --sizelimit $(((e - s + 1) * 512)) "$f") ||
			{ fail "losetup partition $i"; return 1; }
		LOOPS+=("$dev")
		PARTS+=("$dev")
	done
}

uuid() { cat /proc/sys/kernel/random/uuid; }

# sshfix OUT ARGS...: run with the probe list $PROBE; out in $work/OUT.{out,err}, status in $rc.
sshfix() {
	local out=$work/$1
	shift
	SSHFIX_SHARED_MOUNTS=1 SSHFIX_PROBE_DEVICES="$PROBE" "$SSHFIX" "$@" > "$out.out" 2> "$out.err"
	rc=$?
}
expect_rc() {
	[ "$rc" = "$1" ] || { fail "$2: exit $rc, expected $1"; sed 's/^/    /' "$work/$3.out" "$work/$3.err" | head -40; }
}
expect_in() { grep -q -- "$2" "$work/$1" || { fail "'$2' not in $1"; sed 's/^/    /' "$work/$1" | head -30; }; }
expect_not_in() { ! grep -q -- "$2" "$work/$1" || fail "'$2' unexpectedly in $1"; }

# undo_cmd OUT: the command of OUT's "Undo with:" line; undo_json OUT: JSON's undo_command.
undo_cmd() { sed -n 's/^Undo with: //p' "$work/$1.out"; }
undo_json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["undo_command"])' "$work/$1.out"; }
undo_id() { sed -n 's/^Undo with: sshfix [^(]*--undo \([^ )]*\).*/\1/p' "$work/$1.out"; }
# run_printed OUT COMMAND: run a command sshfix printed for a person to type
# ("sshfix --device ..."), as a shell reads it, with the binary under test;
# as sshfix() does otherwise.
run_printed() {
	local out=$work/$1 cmd=$2
	case $cmd in
	"sshfix "*) ;;
	*) fail "not an sshfix command: '$cmd'"; rc=99; return ;;
	esac
	note "running as printed: $cmd"
	(sshfix() { SSHFIX_SHARED_MOUNTS=1 SSHFIX_PROBE_DEVICES="$PROBE" "$SSHFIX" "$@"; }; eval "$cmd") > "$out.out" 2> "$out.err"
	rc=$?
}

# lib.sh's helpers set global variables of their own: run them in a subshell.
mkroot_() { (mkroot "$1") || fail "mkroot $1"; }

# A Debian-like root in $1 whose /home content goes to $2, alice's ~/.ssh 0777.
broken_root() {
	rm -rf "$1" "$2"
	mkdir -p "$1" "$2"
	mkroot_ "$1"
	mv "$1/home/alice" "$2/"
	chmod 0777 "$2/alice/.ssh"
}

# mode_in DEV PATH: the mode of PATH in the (unmounted) ext4 on DEV.
mode_in() {
	debugfs -R "stat $2" "$1" 2> /dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "Mode:") { print $(i + 1); exit } }'
}

# ---- usage errors (cheap, no devices) ----
begin usage
PROBE=
sshfix usage1 --root / --device /dev/null
expect_rc 16 "--root with --device" usage1
expect_in usage1.err "only one of --root, --device or --find-root"
expect_in usage1.err "Try 'sshfix --help'"
sshfix usage2 --device /dev/null --find-root
expect_rc 16 "--device with --find-root" usage2
sshfix usage3 --device "$work" --dry-run
expect_rc 8 "--device on a directory" usage3
expect_in usage3.err "is not a block device"
end

# ---- a: GPT, EFI + root + /home by UUID ----
begin a-gpt-home
img=$work/a.img
mkimage "$img" 160 -n1:1M:+32M -t1:ef00 -c1:EFI -n2:0:+64M -t2:8304 -c2:root -n3:0:0 -t3:8302 -c3:home
attach "$img"
efi=${PARTS[0]} rootdev=${PARTS[1]} homedev=${PARTS[2]}
ur=$(uuid) uh=$(uuid)
broken_root "$work/a-root" "$work/a-home"
printf 'UUID=%s / ext4 errors=remount-ro 0 1\nUUID=%s /home ext4 defaults 0 2\n# comment\n/dev/sr0 /media/cdrom0 udf,iso9660 user,noauto 0 0\n' \
	"$ur" "$uh" > "$work/a-root/etc/fstab"
mkfs.vfat -n EFI "$efi" > /dev/null
mkfs.ext4 -q -U "$ur" -L rootfs -d "$work/a-root" "$rootdev"
mkfs.ext4 -q -U "$uh" -L homefs -d "$work/a-home" "$homedev"
sync
PROBE="${PARTS[*]}"
before=$(sha256sum < "$img")
sshfix a1 --find-root --dry-run --verbose
expect_rc 4 "--find-root --dry-run" a1
expect_in a1.err "Examining $rootdev (ext4"
expect_in a1.err "mounted read-only without journal replay"
expect_in a1.err "/home from $homedev"
expect_in a1.out "key-dir-perms: directory /home/alice/.ssh"
expect_in a1.out "new mode 0700"
sshfix a2 --find-root --json
expect_rc 4 "--find-root --json" a2
expect_in a2.out '"id":"key-dir-perms"'
# Without SSHFIX_SHARED_MOUNTS: sshfix's own mount namespace.
SSHFIX_PROBE_DEVICES="$PROBE" "$SSHFIX" --device "$rootdev" > "$work/a3.out" 2> "$work/a3.err"
rc=$?
expect_rc 4 "--device (private namespace)" a3
expect_in a3.out "key-dir-perms"
after=$(sha256sum < "$img")
[ "$before" = "$after" ] || fail "the image changed during --dry-run/report runs"
note "image unchanged after 3 read-only runs (sha256 ${after:0:16}...)"

# --device on the whole disk looks among its partitions.
if [ -n "$WHOLE" ]; then
	sshfix a7 --device "$WHOLE" --dry-run
	expect_rc 4 "--device on the whole disk" a7
	expect_in a7.err "Examining $rootdev (ext4"
else
	note "no partition-table support in this kernel (partitions are offset loop devices): --device on a whole disk was not run"
fi

# A dirty journal: ro alone replays it (the image changes), noload does not.
if command -v xfs_io > /dev/null; then
	mkdir -p "$work/mnt"
	mount "$rootdev" "$work/mnt" && echo dirty > "$work/mnt/etc/dirty" && sync &&
		xfs_io -x -c 'shutdown' "$work/mnt" && umount "$work/mnt"
	if debugfs -R features "$rootdev" 2> /dev/null | grep -q needs_recovery; then
		before=$(sha256sum < "$img")
		sshfix a4 --device "$rootdev" --dry-run
		expect_rc 4 "--dry-run on a dirty journal" a4
		expect_in a4.err "journal of $rootdev needs recovery"
		after=$(sha256sum < "$img")
		[ "$before" = "$after" ] || fail "--dry-run replayed the journal: the image changed"
		mount -o ro "$rootdev" "$work/mnt" && umount "$work/mnt"
		ro_after=$(sha256sum < "$img")
		[ "$ro_after" != "$after" ] || fail "control: a plain ro mount left the dirty image unchanged (test proves nothing)"
		note "dirty journal: unchanged under sshfix (noload); a plain 'mount -o ro' changed the image (control)"
	else
		note "could not make a dirty journal here (xfs_io shutdown); that part was not run"
	fi
else
	note "no xfs_io: the dirty-journal part was not run"
fi

# A device this system has mounted is never used.
mount -o ro "$rootdev" "$work/mnt"
sshfix a5 --find-root --dry-run --verbose
expect_rc 8 "--find-root with the root mounted here" a5
expect_in a5.err "Skipped $rootdev: it is mounted at $work/mnt"
expect_in a5.err "$rootdev is mounted at $work/mnt and holds a Linux root: run sshfix --root $work/mnt"
sshfix a6 --device "$rootdev" --dry-run
expect_rc 8 "--device of a mounted device" a6
expect_in a6.err "already mounted at $work/mnt"
umount "$work/mnt"
end

# ---- f: --apply through --device, then --undo (reuses image a) ----
begin f-apply-undo
attach "$img"
rootdev=${PARTS[1]} homedev=${PARTS[2]}
PROBE="${PARTS[*]}"
[ "$(mode_in "$homedev" /alice/.ssh)" = 0777 ] || fail "setup: ~/.ssh is not 0777"
sshfix f1 --device "$rootdev" --apply
expect_rc 1 "--apply" f1
expect_in f1.err "mounted read-write"
m=$(mode_in "$homedev" /alice/.ssh)
[ "$m" = 0700 ] || fail "after --apply ~/.ssh is $m in the image, expected 0700"
sshfix f2 --device "$rootdev" --apply
expect_rc 0 "second --apply" f2
sshfix f3 --find-root --list-undo
expect_rc 0 "--list-undo" f3
expect_in f3.out "1 change(s)"
sshfix f4 --device "$rootdev" --undo latest
expect_rc 0 "--undo" f4
m=$(mode_in "$homedev" /alice/.ssh)
[ "$m" = 0777 ] || fail "after --undo ~/.ssh is $m in the image, expected 0777"
e2fsck -fn "$rootdev" > "$work/f.fsck" 2>&1 || fail "the root file system is not clean after apply/undo"
e2fsck -fn "$homedev" >> "$work/f.fsck" 2>&1 || fail "/home is not clean after apply/undo"
note "apply: 0777 -> $([ "$m" = 0777 ] && echo 0700) in the image; undo: back to $m; both file systems fsck-clean"
# The undo command printed after --find-root --apply: the device, never
# the private mount point, which is gone by now; typed as printed, it works.
sshfix f5 --find-root --apply
expect_rc 1 "--find-root --apply" f5
id=$(undo_id f5)
[ "$(undo_cmd f5)" = "sshfix --device $rootdev --undo $id" ] ||
	fail "after --find-root --apply: 'Undo with: $(undo_cmd f5)', want 'sshfix --device $rootdev --undo $id'"
expect_not_in f5.out "Undo with: .*/run/sshfix"
[ "$(mode_in "$homedev" /alice/.ssh)" = 0700 ] || fail "--find-root --apply did not repair ~/.ssh"
run_printed f6 "$(undo_cmd f5)"
expect_rc 0 "the printed undo command" f6
expect_in f6.out "Undone $id"
m=$(mode_in "$homedev" /alice/.ssh)
[ "$m" = 0777 ] || fail "after the printed undo command ~/.ssh is $m, expected 0777"
# The same from JSON, after --device.
sshfix f7 --device "$rootdev" --apply --json
expect_rc 1 "--device --apply --json" f7
cmd=$(undo_json f7)
case $cmd in
"sshfix --device $rootdev --undo "*) ;;
*) fail "JSON undo_command after --device --apply is '$cmd'" ;;
esac
run_printed f8 "$cmd"
expect_rc 0 "JSON's undo_command" f8
m=$(mode_in "$homedev" /alice/.ssh)
[ "$m" = 0777 ] || fail "after JSON's undo_command ~/.ssh is $m, expected 0777"
e2fsck -fn "$rootdev" > "$work/f.fsck" 2>&1 || fail "the root file system is not clean after the printed undos"
note "printed undo commands (text after --find-root, JSON after --device) restored ~/.ssh to $m"
end

# ---- j: fstab: by-uuid path, LABEL=, NFS, a missing kernel name, /home -> var/home ----
begin j-fstab
img=$work/j.img
mkimage "$img" 200 -n1:1M:+64M -t1:8304 -c1:root -n2:0:+64M -t2:8310 -c2:var -n3:0:0 -t3:8302 -c3:home
attach "$img"
rootdev=${PARTS[0]} vardev=${PARTS[1]} homedev=${PARTS[2]}
uv=$(uuid)
broken_root "$work/j-root" "$work/j-home"
mkdir -p "$work/j-home/shared"
mv "$work/j-root/var" "$work/j-var"
mkdir -p "$work/j-root/var" "$work/j-var/home"
rmdir "$work/j-root/home"
# A symlink that tries to climb out of the root: resolved inside it.
ln -s ../../../../var/home "$work/j-root/home"
printf '%s\n' "LABEL=jroot / ext4 defaults 0 1" "/dev/disk/by-uuid/$uv /var ext4 defaults 0 2" \
	"LABEL=homefs /home ext4 defaults 0 2" "server:/export /home/shared nfs defaults 0 0" \
	"/dev/sdz9 /usr/local ext4 defaults 0 2" "LABEL=x$(printf '\033')[31mRED /var/evil ext4 defaults 0 2" \
	> "$work/j-root/etc/fstab"
mkfs.ext4 -q -L jroot -d "$work/j-root" "$rootdev"
mkfs.ext4 -q -U "$uv" -L varfs -d "$work/j-var" "$vardev"
mkfs.ext4 -q -L homefs -d "$work/j-home" "$homedev"
sync
PROBE="${PARTS[*]}"
before=$(sha256sum < "$img")
sshfix j1 --find-root --dry-run --verbose
expect_rc 4 "--dry-run" j1
expect_in j1.err "Mounted /var from $vardev (ext4) on /run/sshfix/[^/]*/root/var\.$"
expect_in j1.err "Mounted /home from $homedev (ext4) on /run/sshfix/[^/]*/root/var/home\.$"
expect_in j1.err "The target's /home/shared is nfs (server:/export) and was not mounted"
expect_in j1.err "The target's /usr/local (/dev/sdz9) was not mounted: /dev/sdz9 does not exist on this system"
expect_in j1.out "key-dir-perms"
# A hostile fstab cannot send escape sequences to the terminal.
grep -q "$(printf '\033')" "$work/j1.err" && fail "a raw ESC from the target's fstab reached the terminal"
grep -qF 'no device here that this system does not use itself has LABEL=x\x1b[31mRED' "$work/j1.err" ||
	fail "the hostile fstab line was not reported escaped"
after=$(sha256sum < "$img")
[ "$before" = "$after" ] || fail "the image changed"
# --apply does not repair a system it sees only in part.
sshfix j2 --find-root --apply
expect_rc 8 "--apply with an NFS /home/shared" j2
expect_in j2.err "The target's /home/shared is not a local file system (nfs server:/export)"
[ "$(mode_in "$homedev" /alice/.ssh)" = 0777 ] || fail "--apply changed something although it refused"
end

# ---- b: LVM ----
begin b-lvm
if ! command -v lvm > /dev/null; then
	skip_test "no lvm tool (CI installs lvm2)"
else
	img=$work/b.img
	vg=sshfixt$$
	mkimage "$img" 200 -n1:1M:+16M -t1:ef00 -c1:EFI -n2:0:0 -t2:8e00 -c2:lvm
	attach "$img"
	pv=${PARTS[1]}
	has_dm=0
	dmsetup version > /dev/null 2>&1 && has_dm=1
	cfg="backup { backup = 0 archive = 0 } devices { use_devicesfile = 0 }"
	[ $has_dm = 1 ] || cfg="$cfg global { activation = 0 }"
	lvm_() { lvm "$@" --config "$cfg" > /dev/null 2>> "$work/b.lvm"; }
	lvm_ pvcreate -q "$pv" && lvm_ vgcreate -q "$vg" "$pv" && VGS+=("$vg") &&
		lvm_ lvcreate -q -y -an -Zn -L 64M -n root "$vg" && lvm_ lvcreate -q -y -an -Zn -L 32M -n home "$vg" ||
		fail "creating the volume group: $(cat "$work/b.lvm")"
	broken_root "$work/b-root" "$work/b-home"
	printf '/dev/mapper/%s-root / ext4 defaults 0 1\n/dev/%s/home /home ext4 defaults 0 2\n' "$vg" "$vg" > "$work/b-root/etc/fstab"
	# Write each volume's file system straight into its extents.
	pe_start=$(lvm pvs --config "$cfg" --noheadings --units b --nosuffix -o pe_start "$pv" 2> /dev/null | tr -d ' ')
	ext=$(lvm vgs --config "$cfg" --noheadings --units b --nosuffix -o vg_extent_size "$vg" 2> /dev/null | tr -d ' ')
	for lv in root home; do
		range=$(lvm lvs --config "$cfg" --noheadings -o seg_pe_ranges "$vg/$lv" 2> /dev/null | tr -d ' ')
		first=${range##*:}
		first=${first%-*}
		last=${range##*-}
		d=$(losetup --find --show --offset $((pe_start + first * ext)) --sizelimit $(((last - first + 1) * ext)) "$pv")
		mkfs.ext4 -q -L "$lv" -d "$work/b-$lv" "$d"
		losetup -d "$d"
	done
	sync
	PROBE="${PARTS[*]}"
	before=$(sha256sum < "$img")
	sshfix b1 --find-root --dry-run --verbose
	if [ $has_dm = 1 ]; then
		expect_rc 4 "--find-root on LVM" b1
		expect_in b1.err "Activated the LVM volume group '$vg' read-only"
		expect_in b1.err "Examining /dev/mapper/$vg-root"
		expect_in b1.err "/home from /dev/mapper/$vg-home"
		expect_in b1.out "key-dir-perms: directory /home/alice/.ssh"
		[ -e "/dev/mapper/$vg-root" ] && fail "sshfix left the volume group active"
		after=$(sha256sum < "$img")
		[ "$before" = "$after" ] || fail "the image changed"
		# Apply, then undo as printed: the logical volume's path is gone
		# once sshfix deactivates the group, so the command names the PV.
		sshfix b3 --find-root --apply
		expect_rc 1 "--find-root --apply on LVM" b3
		id=$(undo_id b3)
		[ "$(undo_cmd b3)" = "sshfix --device $pv --undo $id" ] ||
			fail "after --apply on LVM: 'Undo with: $(undo_cmd b3)', want 'sshfix --device $pv --undo $id'"
		[ -e "/dev/mapper/$vg-root" ] && fail "sshfix left the volume group active after --apply"
		sshfix b4 --device "$pv" --dry-run
		expect_rc 0 "--dry-run after the apply on LVM" b4
		run_printed b5 "$(undo_cmd b3)"
		expect_rc 0 "the printed undo command on LVM" b5
		expect_in b5.out "Undone $id"
		sshfix b6 --device "$pv" --dry-run
		expect_rc 4 "--dry-run after the printed undo on LVM" b6
		expect_in b6.out "key-dir-perms: directory /home/alice/.ssh"
		note "LVM: the printed undo ($(undo_cmd b3)) reactivated the group and restored ~/.ssh"
	else
		# This kernel has no device-mapper: sshfix must find the volume
		# group, try to activate it and say what failed.
		expect_rc 8 "--find-root on LVM without device-mapper" b1
		expect_in b1.err "Activating the LVM volume group '$vg' (.*vgchange -ay $vg) failed"
		expect_in b1.err "An LVM volume group could not be activated"
		sshfix b2 --device "$pv" --dry-run
		expect_rc 8 "--device PV without device-mapper" b2
		expect_in b2.err "vgchange -ay $vg"
		note "no device-mapper in this kernel: checked that the VG '$vg' is read from the PV and activation is tried and explained; mounting the volumes is not exercised"
	fi
	lvm vgchange -an "$vg" --config "$cfg" > /dev/null 2>&1
	VGS=()
	end
fi

# ---- c: btrfs, root in subvolume @ ----
begin c-btrfs
if ! command -v mkfs.btrfs > /dev/null; then
	skip_test "no mkfs.btrfs (CI installs btrfs-progs)"
elif ! grep -qw btrfs /proc/filesystems; then
	skip_test "this kernel has no btrfs"
else
	img=$work/c.img
	mkimage "$img" 300 -n1:1M:+16M -t1:ef00 -c1:EFI -n2:0:0 -t2:8304 -c2:root
	attach "$img"
	dev=${PARTS[1]}
	btr_uuid=$(uuid)
	mkfs.btrfs -q -f -U "$btr_uuid" -L btrroot "$dev" > /dev/null
	broken_root "$work/c-root" "$work/c-home"
	printf 'UUID=%s / btrfs defaults,subvol=@ 0 0\nUUID=%s /home btrfs defaults,subvol=@home 0 0\n' "$btr_uuid" "$btr_uuid" > "$work/c-root/etc/fstab"
	mkdir -p "$work/mnt"
	mount "$dev" "$work/mnt" &&
		btrfs -q subvolume create "$work/mnt/@" > /dev/null && btrfs -q subvolume create "$work/mnt/@home" > /dev/null &&
		cp -a "$work/c-root/." "$work/mnt/@/" && cp -a "$work/c-home/." "$work/mnt/@home/" && umount "$work/mnt" ||
		fail "populating btrfs"
	sync
	PROBE="${PARTS[*]}"
	before=$(sha256sum < "$img")
	sshfix c1 --find-root --dry-run
	expect_rc 4 "--find-root on btrfs" c1
	expect_in c1.err "Examining $dev (btrfs, subvolume @"
	expect_in c1.err "/home from $dev"
	expect_in c1.out "key-dir-perms: directory /home/alice/.ssh"
	sshfix c2 --device "$dev" --dry-run
	expect_rc 4 "--device on btrfs" c2
	expect_in c2.err "subvolume @"
	after=$(sha256sum < "$img")
	[ "$before" = "$after" ] || fail "the image changed"
	# Apply, then undo as printed: the device alone finds subvolume @ again.
	sshfix c3 --find-root --apply
	expect_rc 1 "--find-root --apply on btrfs" c3
	id=$(undo_id c3)
	[ "$(undo_cmd c3)" = "sshfix --device $dev --undo $id" ] ||
		fail "after --apply on btrfs: 'Undo with: $(undo_cmd c3)', want 'sshfix --device $dev --undo $id'"
	run_printed c4 "$(undo_cmd c3)"
	expect_rc 0 "the printed undo command on btrfs" c4
	expect_in c4.err "Examining $dev (btrfs, subvolume @,"
	expect_in c4.out "Undone $id"
	sshfix c5 --device "$dev" --dry-run
	expect_rc 4 "--dry-run after the printed undo on btrfs" c5
	expect_in c5.out "key-dir-perms: directory /home/alice/.ssh"
	end
fi

# ---- d: two roots ----
begin d-two-roots
img=$work/d.img
mkimage "$img" 140 -n1:1M:+64M -t1:8304 -c1:rootA -n2:0:0 -t2:8304 -c2:rootB
attach "$img"
mkroot_ "$work/d-a"
mkroot_ "$work/d-b"
(el_root "$work/d-b")
mkfs.ext4 -q -L debian -d "$work/d-a" "${PARTS[0]}"
mkfs.ext4 -q -L rocky -d "$work/d-b" "${PARTS[1]}"
sync
PROBE="${PARTS[*]}"
before=$(sha256sum < "$img")
sshfix d1 --find-root --dry-run
expect_rc 8 "two roots" d1
expect_in d1.out "^DEVICE "
expect_in d1.out "^${PARTS[0]} .*ext4 .*debian .*Debian GNU/Linux 12 (bookworm)"
expect_in d1.out "^${PARTS[1]} .*ext4 .*rocky .*Rocky Linux 9.3 (Blue Onyx)"
expect_in d1.err "Found 2 Linux root file systems; sshfix does not guess"
expect_in d1.err "sshfix --device ${PARTS[0]} --dry-run"
expect_not_in d1.out "sshfix 0.1.0: target"
sshfix d2 --find-root --json
expect_rc 8 "two roots, --json" d2
if command -v python3 > /dev/null; then
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"]=="several-roots" and len(d["candidates"])==2 and d["exit_status"]==8, d' \
		"$work/d2.out" || fail "--json: not the expected document"
fi
after=$(sha256sum < "$img")
[ "$before" = "$after" ] || fail "the image changed"
end

# ---- e: LUKS ----
begin e-luks
if ! command -v cryptsetup > /dev/null; then
	skip_test "no cryptsetup (CI installs cryptsetup-bin)"
else
	img=$work/e.img
	mkimage "$img" 64 -n1:1M:+16M -t1:ef00 -c1:EFI -n2:0:0 -t2:8309 -c2:crypt
	attach "$img"
	mkfs.vfat "${PARTS[0]}" > /dev/null
	# A throwaway passphrase, for this test only; sshfix never sees it.
	printf 'throwaway-test-passphrase' | cryptsetup luksFormat -q --type luks2 --label cryptroot \
		--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file - "${PARTS[1]}" > /dev/null 2>&1 ||
		fail "luksFormat"
	PROBE="${PARTS[*]}"
	sshfix e1 --find-root --dry-run < /dev/null
	expect_rc 8 "--find-root on LUKS" e1
	expect_in e1.err "${PARTS[1]} is encrypted (LUKS2, label \"cryptroot\")"
	expect_in e1.err "never asks for or guesses passphrases"
	expect_in e1.err "cryptsetup open --readonly ${PARTS[1]} sshfix-crypt$"
	expect_in e1.err "sshfix --device /dev/mapper/sshfix-crypt --dry-run"
	sshfix e2 --device "${PARTS[1]}" --apply < /dev/null
	expect_rc 8 "--device LUKS --apply" e2
	expect_in e2.err "cryptsetup open ${PARTS[1]} sshfix-crypt$"
	expect_in e2.err "sshfix --device /dev/mapper/sshfix-crypt --apply"
	end
fi

# ---- g: XFS clone of a mounted file system ----
begin g-xfs-clone
if ! command -v mkfs.xfs > /dev/null; then
	skip_test "no mkfs.xfs (CI installs xfsprogs)"
elif ! grep -qw xfs /proc/filesystems; then
	skip_test "this kernel has no XFS"
else
	img=$work/g.img
	mkimage "$img" 320 -n1:1M:0 -t1:8304 -c1:root
	attach "$img"
	mkfs.xfs -q -f -L xroot "${PARTS[0]}"
	mkdir -p "$work/mnt" "$work/mnt2"
	broken_root "$work/g-root" "$work/g-home"
	mv "$work/g-home/alice" "$work/g-root/home/"
	mount "${PARTS[0]}" "$work/mnt" && cp -a "$work/g-root/." "$work/mnt/" && umount "$work/mnt" || fail "populating xfs"
	detach_all
	cp --sparse=always "$img" "$work/g-clone.img"
	attach "$img"
	orig=${PARTS[0]}
	attach "$work/g-clone.img"
	clone=${PARTS[0]}
	mount -o ro "$orig" "$work/mnt"	# "the rescue system's own disk"
	if mount -o ro,norecovery "$clone" "$work/mnt2" 2> /dev/null; then
		umount "$work/mnt2"
		note "this kernel mounts a duplicate XFS UUID without nouuid; the control proves nothing"
	fi
	PROBE="$orig $clone"
	before=$(sha256sum < "$work/g-clone.img")
	sshfix g1 --find-root --dry-run --verbose
	expect_rc 4 "--find-root on an XFS clone" g1
	expect_in g1.err "Skipped $orig: it is mounted at $work/mnt"
	expect_in g1.err "Examining $clone (xfs"
	expect_in g1.out "key-dir-perms"
	after=$(sha256sum < "$work/g-clone.img")
	[ "$before" = "$after" ] || fail "the clone image changed"
	umount "$work/mnt"
	end
fi

# ---- h: the initramfs default ----
begin h-initramfs
img=$work/a.img
attach "$img"
rootdev=${PARTS[1]} homedev=${PARTS[2]}
PROBE="${PARTS[*]}"
ir=$work/initrd
mkdir -p "$ir"
mount -t tmpfs -o mode=0755 tmpfs "$ir"
mkdir -p "$ir/proc" "$ir/sys" "$ir/dev" "$ir/run" "$ir/tmp" "$ir/bin"
cp "$SSHFIX" "$ir/bin/sshfix"
for lib in $(ldd "$SSHFIX" | grep -o '/[^ ]*'); do
	mkdir -p "$ir$(dirname "$lib")"
	cp -L "$lib" "$ir$lib"
done
printf '#!/bin/sh\n' > "$ir/init"
chmod 0755 "$ir/init"
mount -t proc proc "$ir/proc"
mount -t sysfs sysfs "$ir/sys"
mount --rbind /dev "$ir/dev"
SSHFIX_SHARED_MOUNTS=1 SSHFIX_PROBE_DEVICES="$PROBE" chroot "$ir" /bin/sshfix --dry-run > "$work/h1.out" 2> "$work/h1.err"
rc=$?
expect_rc 4 "sshfix in an initramfs" h1
expect_in h1.err "Running in an initramfs: looking for the root file system"
expect_in h1.out "key-dir-perms: directory /home/alice/.ssh"
# An apply there: the root it found is the one about to boot, so the undo
# line names the booted system's command, and the initramfs's own.
SSHFIX_SHARED_MOUNTS=1 SSHFIX_PROBE_DEVICES="$PROBE" chroot "$ir" /bin/sshfix --apply > "$work/h3.out" 2> "$work/h3.err"
rc=$?
expect_rc 1 "--apply in an initramfs" h3
id=$(undo_id h3)
want="sshfix --undo $id (in the booted system; from this initramfs: sshfix --device $rootdev --undo $id)"
[ "$(undo_cmd h3)" = "$want" ] || fail "in an initramfs: 'Undo with: $(undo_cmd h3)', want '$want'"
SSHFIX_SHARED_MOUNTS=1 SSHFIX_PROBE_DEVICES="$PROBE" chroot "$ir" /bin/sshfix --device "$rootdev" --undo "$id" > "$work/h4.out" 2> "$work/h4.err"
rc=$?
expect_rc 0 "the initramfs's undo command" h4
[ "$(mode_in "$homedev" /alice/.ssh)" = 0777 ] || fail "the initramfs's undo command did not restore ~/.ssh"
# As the boot hooks run it: --root /root, the root the framework mounted.
mkdir -p "$ir/root"
mount "$rootdev" "$ir/root" && mount "$homedev" "$ir/root/home" || fail "mounting the root at $ir/root"
SSHFIX_SHARED_MOUNTS=1 chroot "$ir" /bin/sshfix --root /root --apply > "$work/h5.out" 2> "$work/h5.err"
rc=$?
expect_rc 1 "--root /root --apply in an initramfs" h5
id=$(undo_id h5)
want="sshfix --undo $id (in the booted system; from this initramfs: sshfix --undo $id --root /root)"
[ "$(undo_cmd h5)" = "$want" ] || fail "with --root /root in an initramfs: 'Undo with: $(undo_cmd h5)', want '$want'"
# The booted system's command, run with the root as "/": the binary and
# its libraries on a tmpfs over the root's /tmp, started by its loader.
mkdir -p "$ir/root/proc"
mount -t tmpfs tmpfs "$ir/root/tmp" && mount -t proc proc "$ir/root/proc"
cp "$SSHFIX" "$ir/root/tmp/sshfix"
loader=
for lib in $(ldd "$SSHFIX" | grep -o '/[^ ]*'); do
	cp -L "$lib" "$ir/root/tmp/"
	case $lib in */ld-linux*) loader=/tmp/${lib##*/} ;; esac
done
cmd=${want%% (*}
note "running as printed, in the booted system: $cmd"
# shellcheck disable=SC2086 # the printed command, split as a shell would
chroot "$ir/root" $loader --library-path /tmp /tmp/sshfix ${cmd#sshfix } > "$work/h6.out" 2> "$work/h6.err"
rc=$?
expect_rc 0 "the booted system's undo command" h6
expect_in h6.out "Undone $id"
umount "$ir/root/proc" "$ir/root/tmp"
rmdir "$ir/root/proc" 2> /dev/null
umount "$ir/root/home" "$ir/root"
[ "$(mode_in "$homedev" /alice/.ssh)" = 0777 ] || fail "the booted system's undo command did not restore ~/.ssh"
# A tmpfs root with an os-release (a live or diskless system) is not an initramfs.
mkdir -p "$ir/etc"
printf 'ID=debian\n' > "$ir/etc/os-release"
SSHFIX_SHARED_MOUNTS=1 SSHFIX_PROBE_DEVICES="$PROBE" chroot "$ir" /bin/sshfix --dry-run > "$work/h2.out" 2> "$work/h2.err"
expect_not_in h2.err "Running in an initramfs"
umount -R "$ir/dev" "$ir/sys" "$ir/proc"
umount "$ir"
end

# ---- i: SIGTERM while mounted read-write ----
begin i-sigterm
if ! command -v script > /dev/null; then
	skip_test "no script(1) to give --interactive a terminal"
else
	img=$work/a.img
	attach "$img"
	rootdev=${PARTS[1]} homedev=${PARTS[2]}
	PROBE="${PARTS[*]}"
	mkfifo "$work/i.fifo"
	# --interactive waits for an answer on a terminal: kill it there.
	(exec 3<> "$work/i.fifo"
	 SSHFIX_SHARED_MOUNTS=1 SSHFIX_PROBE_DEVICES="$PROBE" script -qec \
		"echo \$\$ > '$work/i.pid'; exec '$SSHFIX' --device '$rootdev' --interactive" /dev/null \
		< "$work/i.fifo" > "$work/i.out" 2>&1) &
	spid=$!
	for _ in $(seq 100); do
		grep -q 'Fix it? \[y/N\]' "$work/i.out" 2> /dev/null && break
		sleep 0.1
	done
	grep -q ' /run/sshfix/' /proc/self/mountinfo || fail "sshfix did not get to the question with the root mounted"
	kill -TERM "$(cat "$work/i.pid")"
	for _ in $(seq 50); do kill -0 "$(cat "$work/i.pid")" 2> /dev/null || break; sleep 0.1; done
	kill -0 "$(cat "$work/i.pid")" 2> /dev/null && fail "sshfix survived SIGTERM"
	wait "$spid" 2> /dev/null
	[ "$(mode_in "$homedev" /alice/.ssh)" = 0777 ] || fail "something was repaired before the answer"
	e2fsck -fn "$rootdev" > /dev/null 2>&1 || fail "the root file system is not clean after SIGTERM"
	note "killed at the question with / and /home mounted read-write; all unmounted, file systems clean"
	end
fi

echo
printf '%s\n' "${summary[@]}"
echo "mount tier: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ] || exit 1
[ $passed -gt 0 ] || exit 77
exit 0
