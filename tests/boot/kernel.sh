# SPDX-License-Identifier: GPL-2.0-or-later
# kernel.sh: sourced by the boot tiers (run.sh, mac.sh).
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
