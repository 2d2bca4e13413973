#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install-deps.sh [--list] build|test|ci: install, with Debian 12's apt-get,
# what building sshfix (build), running every tier of `make check` and
# `make static` (test), or all of .ci/run (ci) needs.  The README's two
# commands and .ci/run call this one list, so that what a newcomer installs
# and what CI installs cannot drift apart (tests/install-deps.sh checks it).
#
# As root it runs apt-get itself; as another user, through sudo.  On a fresh
# machine it first runs apt-get update.  --list prints the packages, one
# per line ("--no-install-recommends" marks the packages installed without
# their recommendations), and installs nothing.
#
# Each package is here for a reason, said beside it; a package a tier only
# finds missing at run time makes that tier skip, which `make check` reports
# as skipped, not failed, so a missing one here goes unnoticed there.
set -eu

# ---- the lists ----
# build: the compiler, autotools, the libraries sshfix links, Check.
BUILD="build-essential autoconf automake pkg-config libblkid-dev libmount-dev libpopt-dev check"
# test: every tier of `make check` (DESIGN §6) and `make static`:
#   debootstrap openssh-client iproute2 attr   real-login tier: the cached
#       Debian root, the client of every login, veth pairs, getfattr
#   patch python3 time                  tree cases, real-login tier, costs;
#       python3 also runs tools/gen-docs.py for problem-coverage.sh
#   jq                                  the attack tier: every --json output
#   libwrap0-dev                        tcpwrap-libwrap.sh: sshfix's hosts_access
#       against the real libwrap
#   libpcre2-dev libselinux1-dev        fcre-pcre2.sh, fcontext-libselinux.sh:
#       sshfix's file_contexts regexes and lookup against PCRE2 and libselinux
#   bsdutils                            script(1), for --interactive's terminal
#   systemd-journal-remote              test_sdjournal and the logs-journal-*
#       tree cases: journal files in both layouts, made from export streams
#   musl-tools curl xz-utils file       make static and the static tier
#   e2fsprogs gdisk dosfstools          mount and boot tiers: images, GPT, EFI
#   xfsprogs btrfs-progs lvm2 cryptsetup-bin   mount tier: XFS, btrfs, LVM
#       and LUKS roots (each part skips, saying why, without its tool)
TEST="debootstrap openssh-client iproute2 attr patch python3 time jq libwrap0-dev libpcre2-dev libselinux1-dev bsdutils
      systemd-journal-remote musl-tools curl xz-utils file e2fsprogs gdisk dosfstools
      xfsprogs btrfs-progs lvm2 cryptsetup-bin"
# test, installed without recommendations (the kernel's recommend a boot
# loader and firmware; dracut-core, not dracut, which conflicts with
# initramfs-tools): the boot tier's QEMU, Debian's kernel, both initramfs
# builders, a static busybox for the test image's init.
TEST_NORECOMMENDS="qemu-system-x86 linux-image-amd64 initramfs-tools dracut-core busybox-static"
# ci: what .ci/run adds to `make check`: valgrind over the unit tests,
# cppcheck, clang for the libFuzzer run.
CI="valgrind cppcheck clang"

say() { printf 'install-deps: %s\n' "$*" >&2; }
usage() {
	say "usage: $0 [--list] build|test|ci"
	exit 16
}

list=no
[ "${1:-}" = --list ] && { list=yes; shift; }
[ $# -eq 1 ] || usage
group=$1
case $group in
build) with=$BUILD without= ;;
test) with="$BUILD $TEST" without=$TEST_NORECOMMENDS ;;
ci) with="$BUILD $TEST $CI" without=$TEST_NORECOMMENDS ;;
*) usage ;;
esac
# shellcheck disable=SC2086 # the lists are words
set -- $with
with=$*
# shellcheck disable=SC2086
set -- $without
without=$*

if [ "$list" = yes ]; then
	for p in $with; do echo "$p"; done
	for p in $without; do echo "$p --no-install-recommends"; done
	exit 0
fi

# As root, apt-get itself; else through sudo, which a fresh Debian may lack.
if [ "$(id -u)" -eq 0 ]; then
	as_root=
elif command -v sudo > /dev/null 2>&1; then
	as_root=sudo
else
	say "installing packages needs root: run this as root (su -), or install sudo first"
	exit 1
fi
command -v apt-get > /dev/null 2>&1 ||
	{ say "no apt-get here: this script knows Debian 12's package names only"; exit 1; }

# shellcheck disable=SC2086 # $as_root is empty or one word
apt_get() { $as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }

say "installing for '$group': $with${without:+ (and without recommendations: $without)}"
apt_get update -q
# shellcheck disable=SC2086
apt_get install -y -q $with
if [ -n "$without" ]; then
	# shellcheck disable=SC2086
	apt_get install -y -q --no-install-recommends $without
fi
