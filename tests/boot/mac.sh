#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mac.sh: the MAC boot tier (issue 13): real logins to a Debian 12 root (and
# a Debian 13 one, for one AppArmor scenario) booted by Debian's kernel in
# QEMU (TCG, never KVM) through systemd to its own sshd, with SELinux or
# AppArmor enforcing.  No permission check shows these failures; only a
# kernel that enforces the policy proves the repair.
#
# The roots: tests/boot/mac-root.sh (the real-login tier's root plus
# selinux-policy-default, apparmor and sshd's AppArmor profile; cached).
# Each scenario makes a 1 GiB ext4 image of its own copy and boots it three
# times, sshfix working on the image between boots through a loop device
# and its own mount (--device), as from a rescue system:
#   broken:  root logs in with its key (sshd is up, the kernel enforces:
#            getenforce says Enforcing / sshd's profile is in enforce
#            mode), alice's key is refused ("Permission denied
#            (publickey)"); the image is shut down cleanly;
#            then on the image: --dry-run names the problem with the
#            refusal the boot logged (journal) as evidence and changes
#            nothing (sha256 of the image), --apply repairs it;
#   applied: alice logs in;
#            then a --dry-run of the image finds no error left, and
#            --undo puts the image's files back as they were;
#   undone:  alice is refused again.
# Scenarios:
#   selinux-keys-and-port  booted with security=selinux selinux=1
#       enforcing=1 (as /etc/default/grub says, the way selinux-activate
#       writes it), the root labelled by setfiles from its own policy;
#       alice's authorized_keys has no label (written by a rescue system
#       without SELinux): sshd_t may not read it (selinux-label-wrong); and
#       sshd listens on 22 and 2222, which is not ssh_port_t ("Bind to port
#       2222 on 0.0.0.0 failed: Permission denied"; listen-port-selinux,
#       with a yes: the target's own semanage port -a -N, run in sshfix's
#       sandbox).  alice's key is tried on both ports.
#   selinux-homedirs  the same boot; alice's home moved to /srv/home after
#       the policy was installed, so file_contexts.homedirs has no
#       /srv/home and setfiles labels her ~/.ssh var_t.
#       selinux-homedirs-stale, with a yes: the target's own semodule -n -B
#       (genhomedircon) in the sandbox, then her files labelled as the new
#       file contexts say.  Its undo is checked on the image, not booted.
#   selinux-nfs-home  no boot (the guest has no NFS server): alice's home
#       on NFS in fstab, use_nfs_home_dirs off; selinux-boolean-home with a
#       yes, checked by the target's own semanage boolean -l, and its undo
#       by the policy stores' checksums.
#   apparmor-keys-elsewhere  booted with apparmor=1 security=apparmor;
#       sshd's profile without its "/** r" lines, AuthorizedKeysFile
#       .ssh/authorized_keys /srv/keys/%u, alice's key only in
#       /srv/keys/alice: the profile denies it.  apparmor-no-rule (the rule
#       goes to local/usr.sbin.sshd, loaded by apparmor.service at boot).
#   apparmor-deny-rule  the same boot; the stock profile, and the site's
#       override denies every home's authorized_keys.  apparmor-deny-rule
#       with a yes: that rule line commented out.  Its undo is checked on
#       the image, not booted.
#   apparmor-trixie-session  Debian 13's root (OpenSSH 10.0) with Debian
#       13's own sshd profile (apparmor-profiles 4.1.0), enforced: it lets
#       sshd run neither sshd-session nor sshd-auth, and every login ends.
#       No break is made: the stock profile is the break.  Two
#       apparmor-no-rule findings ("ix" rules in the override).  Since
#       nobody can log in to the broken guest, root comes in through the
#       root's harness sshd on port 2200 (tests/boot/mac-root.sh), outside
#       the profile.  Its undo is checked on the image, not booted.
# The scenarios run side by side, as many at once as there are CPUs, each
# with its own image, ports and qemu, and their lines are printed in order
# at the end: one PASS/FAIL/SKIP line per check, the time of each boot
# (until root's login works, and in all), and "N passed, N failed, N
# skipped".  Exit 0,
# 1 something failed, 77 cannot run here (the reason is printed).
#
# Knobs: SSHFIX (the binary, default ../../sshfix), SSHFIX_BOOT_KERNEL,
# SSHFIX_MAC_ONLY (selinux, apparmor, or one scenario's name),
# SSHFIX_MAC_JOBS (scenarios at once; default: the CPUs), SSHFIX_MAC_SERIAL=1
# (one at a time), SSHFIX_BOOT_LIMIT (seconds one boot may take, default 300),
# SSHFIX_BOOT_UP_LIMIT (seconds until sshd must answer, default 150; a
# boot that misses it is booted once more), SSHFIX_BOOT_KEEP=1 (keep the
# work dir).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "${top_srcdir:-$HERE/../..}" && pwd)
BUILD=$(cd "${abs_top_builddir:-${top_builddir:-$SRC}}" && pwd)
LIMIT=${SSHFIX_BOOT_LIMIT:-300}
# A boot whose sshd does not answer by then is booted once more (see boot()).
UP_LIMIT=${SSHFIX_BOOT_UP_LIMIT:-150}
BIN=${SSHFIX:-$BUILD/sshfix}

# shellcheck source=lib.sh
. "$HERE/lib.sh"
skip_all() {
	say "SKIP: MAC boot tier: $*"
	exit 77
}
t_tier=$(now)

# ------------------------------------------------------------ preflight
[ "$(id -u)" -eq 0 ] || skip_all "needs root (loop devices, the image's root-owned files, setfiles in a chroot)"
for c in qemu-system-x86_64 mkfs.ext4 debugfs e2fsck losetup ssh sha256sum timeout setfattr getfattr unshare; do
	command -v "$c" > /dev/null ||
		skip_all "'$c' is not installed (apt-get install qemu-system-x86 e2fsprogs util-linux openssh-client attr)"
done
[ -x "$BIN" ] || skip_all "no sshfix binary at $BIN (run make, or set SSHFIX)"
boot_kernel || skip_all "$BOOT_KERNEL_WHY"
grep -q '^CONFIG_SECURITY_SELINUX=y' "/boot/config-$KVER" 2> /dev/null &&
	grep -q '^CONFIG_SECURITY_APPARMOR=y' "/boot/config-$KVER" 2> /dev/null ||
	skip_all "kernel $KVER is not built with both SELinux and AppArmor (/boot/config-$KVER)"

# want FAMILY [NAME]: SSHFIX_MAC_ONLY lets this scenario (or check) run.
want() { [ -z "${SSHFIX_MAC_ONLY:-}" ] || [ "$SSHFIX_MAC_ONLY" = "$1" ] || [ "$SSHFIX_MAC_ONLY" = "${2:-}" ]; }
# mac_root SUITE: the MAC root of SUITE in $MAC_ROOT, built once (cached);
# returns mac-root.sh's status.
mac_root() {
	local t rc=0
	t=$(now)
	MAC_ROOT=$("$HERE/mac-root.sh" "$KVER" "$1") || rc=$?
	[ "$rc" = 0 ] && say "MAC boot tier: kernel $KERNEL, $1 root $MAC_ROOT ($(secs "$t" "$(now)") s to build or find), sshfix $BIN"
	return $rc
}
# bookworm_root: the Debian 12 MAC root in $MAC and its keys in $W, built
# (or found) before the first scenario that boots it.
MAC=
bookworm_root() {
	local rc=0
	[ -z "$MAC" ] || return 0
	mac_root bookworm || rc=$?
	case $rc in
	0) MAC=$MAC_ROOT ;;
	77) skip_all "the MAC root cannot be built here (see mac-root's message above)" ;;
	*) say "FAIL: building the MAC root failed (exit $rc)"; exit 1 ;;
	esac
	cp "$MAC/id_alice" "$MAC/id_root" "$W/"
}

W=$(mktemp -d "${TMPDIR:-/var/tmp}/sshfix-mac.XXXXXX") || exit 99
qpid=
loop=
pids=()
# A scenario's own: the one qemu and the one loop device it may hold.
scenario_cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2> /dev/null; then
		kill -TERM "$qpid" 2> /dev/null
		wait "$qpid" 2> /dev/null
	fi
	[ -z "$loop" ] || losetup -d "$loop" 2> /dev/null
}
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2> /dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2> /dev/null
	done
	scenario_cleanup
	if [ "${SSHFIX_BOOT_KEEP:-0}" = 1 ] || [ "${nfail:-0}" -gt 0 ]; then
		say "MAC boot tier: work dir kept: $W"
	else
		rm -rf --one-file-system "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# A free loopback port for QEMU's hostfwd; each scenario takes three, for
# the guest's sshd on 22 and on 2222, and the harness sshd on 2200.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
free_port > /dev/null || skip_all "python3 cannot find a free loopback port"
SSH_OPTS=(-F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10)
# as USER CMD...: run CMD in the guest as USER with USER's key (from
# $KEYS, the MAC root's), through the guest's port $GUEST_PORT (22 unless
# set; root's commands go to $ROOT_PORT).
as() {
	local u=$1 p=$PORT g=${GUEST_PORT:-22}
	shift
	[ "$u" = root ] && [ -z "${GUEST_PORT:-}" ] && g=$ROOT_PORT
	[ "$g" = 2222 ] && p=$PORT2222
	[ "$g" = 2200 ] && p=$PORT2200
	timeout 60 ssh "${SSH_OPTS[@]}" -p "$p" -i "$KEYS/id_$u" "$u@127.0.0.1" "$@"
}
KEYS=$W ROOT_PORT=22

# ------------------------------------------------------------ one boot
# start_qemu NAME IMAGE CMDLINE: $W/IMAGE.raw booted in the background
# (qemu's pid in $qpid, the console in $W/NAME.console).  One vCPU: the
# boots run side by side, and a single-vCPU guest does not need MTTCG.
start_qemu() {
	timeout -k 10 "$LIMIT" qemu-system-x86_64 -accel tcg -m 1024 -smp 1 \
		-display none -nodefaults -no-user-config -no-reboot \
		-serial "file:$W/$1.console" \
		-kernel "$KERNEL" -initrd "$MAC/initrd" \
		-drive "file=$W/$2.raw,format=raw,if=virtio" \
		-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$PORT-:22,hostfwd=tcp:127.0.0.1:$PORT2222-:2222,hostfwd=tcp:127.0.0.1:$PORT2200-:2200" \
		-device virtio-net-pci,netdev=n0 \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 $3" \
		> "$W/$1.qemu" 2>&1 < /dev/null &
	qpid=$!
}

# boot NAME IMAGE CMDLINE ALICE GUESTCHECK ALICEPORT: boot $W/IMAGE.raw;
# wait until root's key logs in (port $ROOT_PORT); run GUESTCHECK (a command
# run as root in the guest that proves the kernel enforces); try alice's
# key on the guest's port ALICEPORT, which must give ALICE (ok or denied);
# power off cleanly.
boot() {
	local name=$1 image=$2 cmdline=$3 want=$4 check=$5 aport=$6 t0 up= got out i attempt
	for attempt in 1 2; do
		start_qemu "$name" "$image" "$cmdline"
		t0=$(now)
		for ((i = 0; i < UP_LIMIT / 3; i++)); do
			kill -0 "$qpid" 2> /dev/null || break
			if as root true 2> /dev/null; then
				up=$(secs "$t0" "$(now)")
				break
			fi
			sleep 3
		done
		[ -z "$up" ] || break
		kill -TERM "$qpid" 2> /dev/null
		wait "$qpid" 2> /dev/null
		qpid=
		# TCG can stop in the guest's kernel before init (its console
		# ends mid-boot): once, that is the emulator's, and the same
		# image boots again.  Twice is a failure.
		[ "$attempt" = 1 ] || break
		say "      $name: sshd not up after $UP_LIMIT s (its console's last line: $(tail -n 1 "$W/$name.console" |
			sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | tr -d '\r')); booting it once more"
		mv "$W/$name.console" "$W/$name.console.1"
	done
	if [ -z "$up" ]; then
		result 0 "$name: root's key logs in (sshd is up) within ${UP_LIMIT} s, in either of two boots"
		show "$W/$name.console"
		return 1
	fi
	out=$(as root "$check" 2>&1)
	result "$([ $? = 0 ] && echo 1 || echo 0)" "$name: the kernel enforces ($(printf '%s' "$out" | tr '\n' ' '))"
	local p bad=0
	for p in $aport; do
		out=$(GUEST_PORT=$p as alice 'echo alice-in' 2>&1)
		if [ "$out" = alice-in ]; then got=ok; else got=denied; fi
		[ "$got" = "$want" ] || bad=1
		result "$([ "$got" = "$want" ] && echo 1 || echo 0)" \
			"$name: alice's key on port $p: $want (ssh said: $(printf '%s' "$out" | tr '\n' ' '))"
	done
	[ "$bad" = 0 ] || as root 'journalctl -b -u ssh --no-pager | tail -n 5; dmesg | grep -E "avc|apparmor=\"DENIED" | tail -n 3' 2>&1 | sed 's/^/      | /'
	as root 'systemctl poweroff' > /dev/null 2>&1
	for ((i = 0; i < 60; i++)); do
		kill -0 "$qpid" 2> /dev/null || break
		sleep 1
	done
	if kill -0 "$qpid" 2> /dev/null; then
		result 0 "$name: the guest powers off within 60 s"
		kill -TERM "$qpid" 2> /dev/null
	fi
	wait "$qpid" 2> /dev/null
	qpid=
	say "      $name: sshd answered after $up s, $(secs "$t0" "$(now)") s in all (TCG)"
}

# ------------------------------------------------------------ the image
# sshfix_on IMAGE ARGS...: run sshfix on the image through a loop device
# and sshfix's own mount (--device), as from a rescue system; output in
# $W/last.out, exit status in $src.
sshfix_on() {
	local image=$1
	shift
	loop=$(losetup -f --show "$W/$image.raw") || { src=99; return; }
	"$BIN" --device "$loop" --no-color "$@" > "$W/last.out" 2>&1
	src=$?
	losetup -d "$loop"
	loop=
}

# scenario NAME CMDLINE GUESTCHECK PROBLEMS EVIDENCE SETUP UNDONE PORTS
# UNDONE_BOOT [APPLY-OPTION...]: the boots and what sshfix does between
# them.  PROBLEMS: the ids --dry-run must name (blank-separated);
# EVIDENCE: what the broken boot logged that must be shown with them
# ('|'-separated); SETUP ROOTDIR breaks a copy of the MAC root; UNDONE
# IMAGE checks the image after --undo; PORTS: the guest's ports alice's key
# is tried on; UNDONE_BOOT (yes or no): boot the undone image too (each
# boot costs 30-45 s under TCG: a scenario whose undo is a file restored
# like another's proves it on the image); the options go to --apply.
scenario() {
	local name=$1 cmdline=$2 check=$3 problems=$4 evidence=$5 setup=$6 undone=$7 aport=$8 undone_boot=$9 r sha
	local pr ev ok
	shift 9
	r=$W/$name.root
	cp -a "$MAC/rootfs" "$r"
	if ! { "$setup" "$r" && mkfs.ext4 -q -F -L "$name" -d "$r" "$W/$name.raw" 1G; } > "$W/$name.setup" 2>&1; then
		result 0 "$name: building the image"
		show "$W/$name.setup"
		return
	fi
	rm -rf --one-file-system "$r"
	boot "$name-broken" "$name" "$cmdline" denied "$check" "$aport" || return

	sha=$(sha256sum < "$W/$name.raw")
	sshfix_on "$name" --dry-run --verbose
	ok=1
	for pr in $problems; do
		grep -q "^\[error\] $pr: " "$W/last.out" || ok=0
	done
	local IFS='|'
	for ev in $evidence; do
		grep -qF -- "$ev" "$W/last.out" || ok=0
	done
	unset IFS
	result "$ok" "$name: --dry-run on the image names $problems, with what the boot logged ($evidence) as evidence"
	[ "$ok" = 1 ] || show "$W/last.out" 40
	[ "$sha" = "$(sha256sum < "$W/$name.raw")" ]
	result "$([ $? = 0 ] && echo 1 || echo 0)" "$name: --dry-run changed nothing in the image (sha256)"

	sshfix_on "$name" --apply "$@"
	ok=$([ "$src" -le 1 ] && grep -q "^Undo with:" "$W/last.out" && echo 1 || echo 0)
	for pr in $problems; do
		grep -A3 "^\[error\] $pr: " "$W/last.out" | grep -q '^        fixed' || ok=0
	done
	result "$ok" "$name: --apply fixes them (exit $src) and names its undo"
	[ "$ok" = 1 ] || show "$W/last.out" 40
	e2fsck -fn "$W/$name.raw" > "$W/$name.fsck" 2>&1
	result "$([ $? = 0 ] && echo 1 || echo 0)" "$name: e2fsck -fn finds the image clean after --apply"
	boot "$name-applied" "$name" "$cmdline" ok "$check" "$aport" || return
	# The policy's own labels, ports and profile, as the target's tools left them: nothing to report.
	sshfix_on "$name" --dry-run
	! grep -q '^\[error\]' "$W/last.out"
	result "$([ $? = 0 ] && echo 1 || echo 0)" "$name: a --dry-run of the repaired image finds no error left"
	grep '^\[error\]' "$W/last.out" | sed 's/^/      | /'

	sshfix_on "$name" --undo latest
	result "$([ "$src" = 0 ] && echo 1 || echo 0)" "$name: --undo latest (exit $src)"
	[ "$src" = 0 ] || show "$W/last.out" 20
	"$undone" "$W/$name.raw"
	result "$([ $? = 0 ] && echo 1 || echo 0)" "$name: after --undo the image holds the broken state again"
	[ "$undone_boot" = yes ] || return 0
	boot "$name-undone" "$name" "$cmdline" denied "$check" "$aport"
}

# -------------------------------------------------- SELinux: no label
# enforcing, and every file labelled by setfiles from the root's own
# policy, in a chroot with /proc (it sets labels through /proc/self/fd).
selinux_enforcing() {
	selinux_enforcing_any "$1" &&
		getfattr -n security.selinux "$1/home/alice/.ssh/authorized_keys" | grep -q ssh_home_t
}
selinux_enforcing_any() {
	local r=$1
	sed -i 's/^SELINUX=.*/SELINUX=enforcing/' "$r/etc/selinux/config"
	printf 'GRUB_CMDLINE_LINUX="security=selinux selinux=1"\n' > "$r/etc/default/grub"
	unshare --pid --fork --kill-child --mount --mount-proc="$r/proc" \
		chroot "$r" setfiles -F /etc/selinux/default/contexts/files/file_contexts /
}
# Then alice's keys lose their label, and sshd also listens on 2222.
selinux_keys_port_setup() {
	selinux_port_setup "$1" || return 1
	setfattr -x security.selinux "$1/home/alice/.ssh/authorized_keys"
}
selinux_keys_port_undone() {
	! debugfs -R "ea_list /home/alice/.ssh/authorized_keys" "$1" 2> /dev/null | grep -q security.selinux &&
		selinux_port_undone "$1"
}

# ------------------------------------------ SELinux: port 2222
# sshd also listens on 2222, which only the policy store can make
# ssh_port_t: "error: Bind to port 2222 on 0.0.0.0 failed: Permission
# denied.", and port 22 still works.
selinux_port_setup() {
	printf 'Port 22\nPort 2222\n' > "$1/etc/ssh/sshd_config.d/port.conf"
	selinux_enforcing "$1" || return 1
	! grep -q 2222 "$1/var/lib/selinux/default/active/ports.local" 2> /dev/null
}
# The local store has no port 2222 again, and the policy the boot loads is
# the one from before the apply (its size: a portcon more is 44 bytes).
selinux_port_undone() {
	! debugfs -R "stat /var/lib/selinux/default/active/ports.local" "$1" 2>&1 | grep -q '^Inode:' &&
		[ "$(debugfs -R "stat /etc/selinux/default/policy/policy.33" "$1" 2> /dev/null | awk '/^User:/ { print $NF }')" = \
		  "$(stat -c %s "$MAC/rootfs/etc/selinux/default/policy/policy.33")" ]
}

# ------------------------------------------ SELinux: a home genhomedircon has not seen
# alice's home moved to /srv/home after the policy was installed: the
# policy's file_contexts.homedirs knows /home only, so setfiles labels her
# ~/.ssh var_t, which sshd_t may not read.
selinux_homedirs_setup() {
	mkdir -p "$1/srv/home"
	chroot "$1" usermod -m -d /srv/home/alice alice || return 1
	selinux_enforcing_any "$1" || return 1
	getfattr -n security.selinux "$1/srv/home/alice/.ssh/authorized_keys" | grep -q var_t
}
# .homedirs knows no /srv/home again, and alice's keys are var_t again.
selinux_homedirs_undone() {
	local d
	d=$(mktemp -d) || return 1
	debugfs -R "dump /etc/selinux/default/contexts/files/file_contexts.homedirs $d/h" "$1" > /dev/null 2>&1
	! grep -q '^/srv/home' "$d/h" && [ -s "$d/h" ] &&
		debugfs -R "ea_get /srv/home/alice/.ssh/authorized_keys security.selinux" "$1" 2> /dev/null | grep -q var_t
	local rc=$?
	rm -rf "$d"
	return $rc
}

# ------------------------------------------ AppArmor: keys elsewhere
apparmor_setup() {
	local r=$1 p=$1/etc/apparmor.d/usr.sbin.sshd
	sed -i 's/^SELINUX=.*/SELINUX=disabled/' "$r/etc/selinux/config"
	printf 'GRUB_CMDLINE_LINUX="apparmor=1 security=apparmor"\n' > "$r/etc/default/grub"
	# The stricter profile: without "/ r", "/** r" and "owner /** rwl".
	sed -i -e '/^  \/         r,$/d' -e '/^  \/\*\*       r,$/d' -e '/^  owner \/\*\* rwl,$/d' "$p"
	! grep -qE '^  (/|/\*\*|owner /\*\*) +r' "$p" || return 1
	[ ! -e "$r/etc/apparmor.d/local/usr.sbin.sshd" ] || return 1
	mkdir -p "$r/srv/keys"
	mv "$r/home/alice/.ssh/authorized_keys" "$r/srv/keys/alice"
	echo "AuthorizedKeysFile .ssh/authorized_keys /srv/keys/%u" > "$r/etc/ssh/sshd_config.d/keys.conf"
}
# The override is gone, and so is every compiled copy of the profile (the
# one the applied boot compiled with the rule would be loaded instead).
apparmor_undone() {
	! debugfs -R "stat /etc/apparmor.d/local/usr.sbin.sshd" "$1" 2>&1 | grep -q '^Inode:' || return 1
	apparmor_no_cache "$1"
}
apparmor_no_cache() {
	local d
	for d in $(debugfs -R "ls -p /var/cache/apparmor" "$1" 2> /dev/null | awk -F/ '$3 ~ /^040/ && $6 != "." && $6 != ".." { print $6 }'); do
		debugfs -R "ls -p /var/cache/apparmor/$d" "$1" 2> /dev/null | awk -F/ '$6 == "usr.sbin.sshd" { f = 1 } END { exit f }' || return 1
	done
}

# ---------------------------------------- AppArmor: a deny rule
# The stock profile allows every home's keys; the site's override denies
# them.  Complain mode would not lift it (fixes/apparmor.c): the repair
# comments out that line, with a yes.
apparmor_deny_setup() {
	local r=$1
	sed -i 's/^SELINUX=.*/SELINUX=disabled/' "$r/etc/selinux/config"
	printf 'GRUB_CMDLINE_LINUX="apparmor=1 security=apparmor"\n' > "$r/etc/default/grub"
	printf '# site policy: no keys in homes\ndeny /home/*/.ssh/authorized_keys r,\n' > "$r/etc/apparmor.d/local/usr.sbin.sshd"
}
# The rule is back, and no compiled copy of the profile is left.
apparmor_deny_undone() {
	debugfs -R "cat /etc/apparmor.d/local/usr.sbin.sshd" "$1" 2> /dev/null | grep -qx 'deny /home/\*/.ssh/authorized_keys r,' &&
		apparmor_no_cache "$1"
}

# --------------------------- AppArmor: Debian 13's own profile (no break)
# The stock profile names neither sshd-session nor sshd-auth: nothing to
# break but the boot's command line, as /etc/default/grub would give it.
apparmor_trixie_setup() {
	local r=$1
	printf 'GRUB_CMDLINE_LINUX="apparmor=1 security=apparmor"\n' > "$r/etc/default/grub"
	! grep -q 'sshd-session\|sshd-auth' "$r/etc/apparmor.d/usr.sbin.sshd" &&
		[ ! -e "$r/etc/apparmor.d/local/usr.sbin.sshd" ]
}

# ------------------------------------ SELinux: homes on NFS (no boot)
# The guest has no NFS server to log in through, so this one proves the
# repair with the target's own tools on the MAC root, without a boot: its
# semanage says the boolean is off, sshfix switches it on with that
# semanage (in its sandbox), the target's semanage then says on, and the
# undo gives back the policy byte for byte.
selinux_policy_sum() {
	(cd "$1" && find var/lib/selinux etc/selinux -type f ! -name '*.LOCK' -print0 | sort -z | xargs -0 sha256sum) |
		sha256sum
}
selinux_nfs_home() {
	local name=selinux-nfs-home r=$W/selinux-nfs-home.root sum ok
	cp -a "$MAC/rootfs" "$r"
	if ! { selinux_enforcing "$r" &&
		printf 'filer:/export/home /home nfs4 defaults,_netdev 0 0\n' >> "$r/etc/fstab"; } > "$W/$name.setup" 2>&1; then
		result 0 "$name: building the root"
		show "$W/$name.setup"
		return
	fi
	sum=$(selinux_policy_sum "$r")
	"$BIN" --root "$r" --no-color --dry-run --verbose > "$W/last.out" 2>&1
	grep -q '^\[error\] selinux-boolean-home: use_nfs_home_dirs: ' "$W/last.out" &&
		grep -qF "the target's semanage boolean -l: use_nfs_home_dirs is off" "$W/last.out"
	ok=$([ $? = 0 ] && echo 1 || echo 0)
	result "$ok" "$name: --dry-run names selinux-boolean-home, from the target's own semanage boolean -l"
	[ "$ok" = 1 ] || show "$W/last.out" 30
	[ "$sum" = "$(selinux_policy_sum "$r")" ]
	result "$([ $? = 0 ] && echo 1 || echo 0)" "$name: --dry-run changed nothing in the policy stores"
	"$BIN" --root "$r" --no-color --apply --yes=selinux-boolean-home > "$W/last.out" 2>&1
	ok=$([ $? -le 1 ] && grep -A3 '^\[error\] selinux-boolean-home: ' "$W/last.out" | grep -q '^        fixed' && echo 1 || echo 0)
	result "$ok" "$name: --apply --yes=selinux-boolean-home fixes it"
	[ "$ok" = 1 ] || show "$W/last.out" 30
	unshare --pid --fork --kill-child --mount --mount-proc="$r/proc" chroot "$r" semanage boolean -l > "$W/$name.sb" 2>&1
	grep -Eq '^use_nfs_home_dirs +\(on +, +on\)' "$W/$name.sb"
	result "$([ $? = 0 ] && echo 1 || echo 0)" "$name: the target's semanage boolean -l says use_nfs_home_dirs is on ($(grep '^use_nfs_home_dirs' "$W/$name.sb" | tr -s ' '))"
	"$BIN" --root "$r" --no-color --dry-run > "$W/last.out" 2>&1
	! grep -q '^\[error\] selinux-boolean-home' "$W/last.out"
	result "$([ $? = 0 ] && echo 1 || echo 0)" "$name: a --dry-run after it finds nothing left to do"
	"$BIN" --root "$r" --no-color --undo latest > "$W/last.out" 2>&1 && [ "$sum" = "$(selinux_policy_sum "$r")" ]
	result "$([ $? = 0 ] && echo 1 || echo 0)" "$name: --undo latest gives back the policy stores byte for byte"
	rm -rf --one-file-system "$r"
}

# The scenarios run side by side, each in a subshell with its own ports,
# image, loop device and qemu, its lines in $W/NAME.out; printed in order
# afterwards.  At most $JOBS at once: under TCG a guest is one busy vCPU,
# and more guests than CPUs slow every boot (five on two CPUs: sshd
# answered after up to 123 s, near UP_LIMIT).  SSHFIX_MAC_SERIAL=1: one
# after another (for timing one boot alone).
JOBS=${SSHFIX_MAC_JOBS:-$(nproc 2> /dev/null || echo 2)}
[ "${SSHFIX_MAC_SERIAL:-0}" != 1 ] || JOBS=1
slot() {
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
}
names=()
start() {
	local name=$1
	names+=("$name")
	slot
	(
		trap scenario_cleanup EXIT
		trap 'exit 143' TERM
		PORT=$(free_port) && PORT2222=$(free_port) && PORT2200=$(free_port) ||
			{ result 0 "$name: no free loopback port"; exit 0; }
		scenario "$@"
	) > "$W/$name.out" 2>&1 &
	pids+=($!)
}
# start_fn NAME FUNCTION: a check without a boot, beside the scenarios.
start_fn() {
	names+=("$1")
	slot
	"$2" > "$W/$1.out" 2>&1 &
	pids+=($!)
}
SELINUX_ON="security=selinux selinux=1 enforcing=1"
SELINUX_CHECK='test "$(getenforce)" = Enforcing && id -Z'
if want selinux selinux-keys-and-port; then
	bookworm_root
	start selinux-keys-and-port "$SELINUX_ON" "$SELINUX_CHECK" "selinux-label-wrong listen-port-selinux" \
		"Could not open user 'alice' authorized keys|Bind to port 2222 on 0.0.0.0 failed: Permission denied" \
		selinux_keys_port_setup selinux_keys_port_undone "22 2222" yes --yes=listen-port-selinux
fi
if want selinux selinux-homedirs; then
	bookworm_root
	start selinux-homedirs "$SELINUX_ON" "$SELINUX_CHECK" selinux-homedirs-stale \
		"Could not open user 'alice' authorized keys" selinux_homedirs_setup selinux_homedirs_undone 22 no \
		--yes=selinux-homedirs-stale
fi
if want selinux selinux-nfs-home; then
	bookworm_root
	start_fn selinux-nfs-home selinux_nfs_home
fi
APPARMOR_ON="apparmor=1 security=apparmor"
APPARMOR_CHECK='grep "^/usr/sbin/sshd (enforce)" /sys/kernel/security/apparmor/profiles'
if want apparmor apparmor-keys-elsewhere; then
	bookworm_root
	start apparmor-keys-elsewhere "$APPARMOR_ON" "$APPARMOR_CHECK" apparmor-no-rule \
		'apparmor="DENIED" operation="open"|name="/srv/keys/alice"' apparmor_setup apparmor_undone 22 yes
fi
if want apparmor apparmor-deny-rule; then
	bookworm_root
	# A deny rule is quiet: the log has sshd's line, no apparmor="DENIED".
	start apparmor-deny-rule "$APPARMOR_ON" "$APPARMOR_CHECK" apparmor-deny-rule \
		"Could not open user 'alice' authorized keys" apparmor_deny_setup apparmor_deny_undone 22 no \
		--yes=apparmor-deny-rule
fi
if want apparmor apparmor-trixie-session; then
	rc=0
	mac_root trixie || rc=$?
	case $rc in
	0)
		mkdir "$W/trixie"
		cp "$MAC_ROOT/id_alice" "$MAC_ROOT/id_root" "$W/trixie/"
		MAC=$MAC_ROOT KEYS=$W/trixie ROOT_PORT=2200 start apparmor-trixie-session "$APPARMOR_ON" \
			"$APPARMOR_CHECK" apparmor-no-rule \
			'rexec of /usr/lib/openssh/sshd-session failed: Permission denied|name="/usr/lib/openssh/sshd-session"' \
			apparmor_trixie_setup apparmor_undone 22 no
		;;
	77)
		nskip=$((nskip + 1))
		say "SKIP: apparmor-trixie-session: Debian 13's MAC root cannot be built here (see mac-root's message above)"
		;;
	*) result 0 "apparmor-trixie-session: building Debian 13's MAC root (exit $rc)" ;;
	esac
fi

for p in "${pids[@]}"; do
	wait "$p"
done
pids=()
for name in "${names[@]}"; do
	cat "$W/$name.out"
	npass=$((npass + $(grep -c '^PASS:' "$W/$name.out")))
	nfail=$((nfail + $(grep -c '^FAIL:' "$W/$name.out")))
done
say "MAC boot tier: $npass passed, $nfail failed, $nskip skipped in $(secs "$t_tier" "$(now)") s"
[ "$nfail" -eq 0 ] || exit 1
[ "$npass" -gt 0 ] || exit 77
exit 0
