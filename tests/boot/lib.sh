# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh: sourced by the boot tiers (run.sh, mac.sh), before their
# preflight: what both print and count, and the kernel they boot.
#
# say TEXT; now (a time stamp); secs T0 T1 (seconds between, one decimal).
# result OK TEXT: a PASS (OK=1) or FAIL line, counted in npass/nfail.
# show FILE [N]: the last N (25) lines of a console or build log under a
# FAIL, indented, terminal escapes removed.
say() { printf '%s\n' "$*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
npass=0 nfail=0 nskip=0
result() {
	if [ "$1" = 1 ]; then
		npass=$((npass + 1))
		say "PASS: $2"
	else
		nfail=$((nfail + 1))
		say "FAIL: $2"
	fi
}
show() {
	tail -n "${2:-25}" "$1" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/^/      | /'
}

#
# boot_kernel: the kernel QEMU boots: $SSHFIX_BOOT_KERNEL, else the newest
# /boot/vmlinuz-VERSION whose modules are in /lib/modules/VERSION (the
# initramfs builders take them from there).  Sets KERNEL and KVER; or sets
# BOOT_KERNEL_WHY and returns 1.
boot_kernel() {
	local k
	KERNEL=${SSHFIX_BOOT_KERNEL:-}
	if [ -z "$KERNEL" ]; then
		for k in $(ls /boot/vmlinuz-* 2> /dev/null | sort -V); do
			[ -f "/lib/modules/${k#/boot/vmlinuz-}/modules.dep" ] && KERNEL=$k
		done
	fi
	if [ -z "$KERNEL" ] || [ ! -r "$KERNEL" ]; then
		BOOT_KERNEL_WHY="no kernel in /boot with its modules in /lib/modules (apt-get install linux-image-amd64)"
		return 1
	fi
	KVER=${KERNEL#/boot/vmlinuz-}
	if [ ! -f "/lib/modules/$KVER/modules.dep" ]; then
		BOOT_KERNEL_WHY="no modules for $KERNEL in /lib/modules/$KVER"
		return 1
	fi
}
