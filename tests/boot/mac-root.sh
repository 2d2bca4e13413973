#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mac-root.sh: build (once) and cache a root the MAC boot tier boots
# (tests/boot/mac.sh): the real-login tier's root of SUITE
# (tests/e2e/build-root.sh) plus, for bookworm (Debian 12, OpenSSH 9.2),
#   selinux-policy-default  refpolicy as Debian ships it, with policycoreutils
#                           (setfiles, semodule) and policycoreutils-python-utils
#                           (semanage)
#   apparmor                apparmor_parser, /etc/apparmor.d, apparmor.service;
#                           sshd's profile from apparmor-profiles
#                           (tests/apparmor/apparmor.d.tar.gz) in /etc/apparmor.d
# and for trixie (Debian 13, OpenSSH 10.0) apparmor alone, with Debian 13's
# own sshd profile (tests/apparmor/usr.sbin.sshd-trixie.gz, apparmor-profiles
# 4.1.0), which lets sshd run neither sshd-session nor sshd-auth: nobody
# logs in while it is enforced.  So that the tier can still see the guest
# come up, check the kernel and power it off, the trixie root also has a
# harness sshd on port 2200: a copy of sshd at /usr/local/sbin/sshd-harness,
# which no profile attaches to (sshfix-harness.service; root's key only).
# Both get what a root needs to boot as a VM under QEMU's user-mode network:
# /etc/fstab for /dev/vda, systemd-networkd with QEMU's fixed address
# (10.0.2.15/24, gateway 10.0.2.2), fail2ban disabled (python under TCG
# costs seconds per boot and no scenario here needs it) and
# systemd-networkd-wait-online masked.  No label is set here: each
# scenario labels its own copy (setfiles) when it boots with SELinux.
#
# Prints the cache directory on stdout; it holds rootfs/, id_alice and
# id_root (the private keys the Debian root authorizes), initrd (a
# mkinitramfs image for KVER with virtio and ext4; the VM's NIC driver is
# loaded there, as the root has no modules of the host's kernel) and
# build.info.
#
# Cache: ${SSHFIX_E2E_CACHE:-/var/tmp/sshfix-e2e}/mac-SUITE-<key>, where
# <key> hashes this script, the e2e root's directory name (itself a hash of
# its recipe), the kernel version and the vendored profiles; built under
# building-mac-*.PID and renamed into place when complete.
#
# Usage: mac-root.sh KVER [SUITE] (default bookworm).  Exit: 0 ready, 77
# cannot build here, 99 failed.
set -eu

KVER=${1:?usage: mac-root.sh KVER [SUITE]}
SUITE=${2:-bookworm}
case $SUITE in
bookworm) PACKAGES="selinux-policy-default apparmor policycoreutils-python-utils" ;;
trixie) PACKAGES="apparmor" ;;
*) echo "mac-root: no MAC root for suite '$SUITE' (bookworm or trixie)" >&2; exit 99 ;;
esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
cache=${SSHFIX_E2E_CACHE:-/var/tmp/sshfix-e2e}

say() { printf 'mac-root: %s\n' "$*" >&2; }
skip() { say "SKIP: $*"; exit 77; }
fail() { say "FAILED: $*"; exit 99; }

[ "$(id -u)" -eq 0 ] || skip "needs root (chroot, dpkg, setfiles)"
command -v mkinitramfs > /dev/null || skip "mkinitramfs is not installed (apt-get install initramfs-tools)"
[ -f "/lib/modules/$KVER/modules.dep" ] || skip "no modules for kernel $KVER in /lib/modules"

rc=0
e2e=$(E2E_SUITE=$SUITE "$src/tests/e2e/build-root.sh" "$SUITE") || rc=$?
case $rc in
0) ;;
77) skip "the real-login tier's $SUITE root cannot be built here (see build-root's message)" ;;
*) fail "building the real-login tier's $SUITE root failed (exit $rc)" ;;
esac

key=$({ cat "${BASH_SOURCE[0]}" "$src/tests/apparmor/apparmor.d.tar.gz" "$src/tests/apparmor/usr.sbin.sshd-trixie.gz"
	printf '%s\n%s\n' "${e2e##*/}" "$KVER"; } | sha256sum | cut -c1-16)
img=$cache/mac-$SUITE-$key

in_root() {
	local root=$1
	shift
	unshare --net --pid --fork --kill-child --mount --mount-proc="$root/proc" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
}

# The harness sshd of the trixie root (see above): root's key, port 2200.
harness() {
	local r=$1
	cp -p "$r/usr/sbin/sshd" "$r/usr/local/sbin/sshd-harness"
	cat > "$r/etc/systemd/system/sshfix-harness.service" <<-'UNIT'
	[Unit]
	Description=sshfix test harness: sshd on port 2200 outside sshd's AppArmor profile
	After=network.target

	[Service]
	ExecStartPre=/bin/mkdir -p -m 0755 /run/sshd
	ExecStart=/usr/local/sbin/sshd-harness -D -p 2200 -o AllowUsers=root
	Restart=on-failure

	[Install]
	WantedBy=multi-user.target
	UNIT
	in_root "$r" systemctl enable sshfix-harness.service
}

build() {
	local t=$1 r=$1/rootfs c=$1/initramfs-tools
	cp -a "$e2e/rootfs" "$r"
	cp -p "$e2e/id_alice" "$e2e/id_root" "$t/"
	# The packages, with their dependencies, from the root's own apt lists
	# (apt-get only prints the URIs; wget fetches them with the host's
	# network); then dpkg -i with no network and no daemon started.
	mkdir "$r/tmp/debs"
	# shellcheck disable=SC2086
	(cd "$r/tmp/debs" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		chroot "$r" apt-get install -q -y --no-install-recommends --print-uris $PACKAGES |
		awk '/^\047/ { gsub(/\047/, "", $1); print $1 }' | xargs -r wget -q -T 30)
	ls "$r"/tmp/debs/apparmor_*.deb > /dev/null
	printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"
	chmod 0755 "$r/usr/sbin/policy-rc.d"
	in_root "$r" sh -c 'dpkg -i /tmp/debs/*.deb'
	rm -rf "$r/tmp/debs" "$r/usr/sbin/policy-rc.d" "$r"/var/cache/apt/*.bin
	if [ "$SUITE" = bookworm ]; then
		tar -C "$r/etc" -xzf "$src/tests/apparmor/apparmor.d.tar.gz" apparmor.d/usr.sbin.sshd
	else
		gzip -dc "$src/tests/apparmor/usr.sbin.sshd-trixie.gz" > "$r/etc/apparmor.d/usr.sbin.sshd"
		harness "$r"
	fi
	printf '/dev/vda / ext4 rw,relatime 0 1\n' > "$r/etc/fstab"
	mkdir -p "$r/etc/systemd/network"
	printf '[Match]\nName=e*\n\n[Network]\nAddress=10.0.2.15/24\nGateway=10.0.2.2\n' \
		> "$r/etc/systemd/network/10-qemu.network"
	in_root "$r" systemctl enable systemd-networkd
	in_root "$r" systemctl disable fail2ban
	in_root "$r" systemctl mask systemd-networkd-wait-online.service
	# initramfs-tools with a private config dir (-d, absolute: it cd's
	# there): the VM's disk, file system and NIC.
	mkdir -p "$c/conf.d" "$c/scripts" "$c/hooks"
	printf '%s\n' MODULES=list BUSYBOX=y KEYMAP=n COMPRESS=zstd DEVICE= NFSROOT=auto \
		RUNSIZE=10% FSTYPE=ext4 > "$c/initramfs.conf"
	echo RESUME=none > "$c/conf.d/resume"
	printf '%s\n' virtio_pci virtio_blk virtio_net ext4 > "$c/modules"
	mkinitramfs -d "$c" -o "$t/initrd" "$KVER"
	printf 'e2e_root=%s\nkernel=%s\npackages=%s\nsize=%s\n' "$e2e" "$KVER" "$PACKAGES" \
		"$(du -sh "$r" | cut -f1)" > "$t/build.info"
}

mkdir -p "$cache"
exec 9> "$cache/.mac-lock"
flock 9
if [ -f "$img/build.info" ] && [ -f "$img/initrd" ]; then
	printf '%s\n' "$img"
	exit 0
fi
rm -rf "$cache"/building-mac-*
tmp=$cache/building-mac-$key.$$
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$tmp"
t0=$(date +%s)
say "building $img (log: $tmp/build.log; about a minute)"
# Not "if ! (...)": set -e is off inside a tested command, and every step
# of build must stop it.
set +e
(set -e; build "$tmp") >> "$tmp/build.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	cp "$tmp/build.log" "$cache/failed-mac-build.log" 2> /dev/null || true
	tail -n 20 "$tmp/build.log" >&2 || true
	fail "see $cache/failed-mac-build.log"
fi
echo "build_s=$(($(date +%s) - t0))" >> "$tmp/build.info"
mv -T "$tmp" "$img"
trap - EXIT
for old in "$cache"/mac-"$SUITE"-*; do
	[ "$old" = "$img" ] || rm -rf "$old"
done
say "built $img in $(($(date +%s) - t0)) s"
printf '%s\n' "$img"
