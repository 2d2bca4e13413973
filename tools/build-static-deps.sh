#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-static-deps.sh PREFIX: build the libraries sshfix-static links
# (DESIGN §7, issue 6) into PREFIX: libblkid and libmount from util-linux,
# and popt, from the sources Debian 12 ships (the .orig tarball plus
# Debian's patch series), pinned by version and SHA-256, static only, with
# musl-gcc.
#
# Why build them: Debian ships libblkid.a and libpopt.a but not libmount.a,
# and those are built against glibc, whose static libc still wants NSS at
# run time (1.44 MB and link warnings).  With musl: ~0.6 MB and no warnings.
#
# Idempotent: PREFIX/stamps/<package> records what was built and how (pins,
# compiler, options); when it matches, that package is skipped.  Writes
# PREFIX/toolchain.sh, which build-static.sh sources.
#
# Environment:
#   STATIC_DOWNLOADS=DIR   tarball cache (default PREFIX/downloads); a file
#                          already there with the pinned SHA-256 is not fetched
#   STATIC_DEBIAN_MIRROR   default http://deb.debian.org/debian
#   STATIC_JOBS=N          parallel make jobs (default: nproc)
#   STATIC_KEEP_BUILD=1    keep the build trees (PREFIX/build) afterwards
#   MUSL_GCC               default musl-gcc; installed with apt-get (package
#                          musl-tools) when missing and we are root
set -eu

# ---- pins: Debian 12 (bookworm), `apt-cache policy libmount-dev libpopt-dev` ----
UL_VERSION=2.38.1
UL_DEBIAN=2.38.1-5+deb12u3
UL_ORIG_SHA256=60492a19b44e6cf9a3ddff68325b333b8b52b6c59ce3ebd6a0ecaa4c5117e84f
UL_DEBIAN_SHA256=d46b85313f536fc4831a69ba3fa2c8160450b5b26c7c5dfafce4f078fe4f205c
POPT_VERSION=1.19+dfsg		# the orig tarball unpacks to popt-1.19/
POPT_DEBIAN=1.19+dfsg-1
POPT_ORIG_SHA256=4cd0cd2963d0c4078f65949599d97135c15ee6c09cf3a36a9a1b2753025bb06b
POPT_DEBIAN_SHA256=24b0924637df1dfb10fe7a072f865b2be5a39550e7083f8c84f35634c53452e7
# Bump when the way we build changes, so that stamps from older runs no
# longer match.
RECIPE=1

MIRROR=${STATIC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
MUSL_GCC=${MUSL_GCC:-musl-gcc}

say() { printf 'static-deps: %s\n' "$*"; }
die() { printf 'static-deps: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 PREFIX"
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
dl=${STATIC_DOWNLOADS:-$prefix/downloads}
build=$prefix/build
jobs=${STATIC_JOBS:-$(nproc 2>/dev/null || echo 2)}
mkdir -p "$dl" "$build" "$prefix/stamps" "$prefix/lib/pkgconfig"
dl=$(cd "$dl" && pwd)

# We are called from make: its flags (-j with a jobserver we do not hold,
# the project's CFLAGS=... on the command line) must not reach the
# libraries' own makes.
unset MAKEFLAGS MFLAGS MAKELEVEL

# ---- tools ----
if ! command -v "$MUSL_GCC" > /dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then
		say "$MUSL_GCC not found: installing musl-tools with apt-get"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -q musl-tools ||
			{ apt-get update -q && apt-get install -y -q musl-tools; } ||
			die "could not install musl-tools"
	else
		die "$MUSL_GCC not found: install musl-tools (apt-get install musl-tools) and run again"
	fi
	command -v "$MUSL_GCC" > /dev/null 2>&1 || die "$MUSL_GCC still not found after installing musl-tools"
fi
for tool in make tar xz patch sha256sum pkg-config; do
	command -v "$tool" > /dev/null 2>&1 || die "$tool not found: it is needed to build the static libraries"
done
command -v curl > /dev/null 2>&1 || command -v wget > /dev/null 2>&1 ||
	die "neither curl nor wget found: cannot download the sources"

# musl's headers do not include the kernel's, which libblkid, libmount and
# sshfix (linux/openat2.h) need: point at the system's uapi headers
# (linux-libc-dev) in a directory of their own, so that glibc's headers in
# /usr/include stay invisible.
multiarch=$(gcc -print-multiarch 2>/dev/null || true)
asm=/usr/include/$multiarch/asm
[ -n "$multiarch" ] && [ -d "$asm" ] || asm=/usr/include/asm
for d in /usr/include/linux /usr/include/asm-generic "$asm"; do
	[ -d "$d" ] || die "no kernel headers at $d: install linux-libc-dev"
done
kinc=$prefix/kernel-include
mkdir -p "$kinc"
ln -sfn /usr/include/linux "$kinc/linux"
ln -sfn /usr/include/asm-generic "$kinc/asm-generic"
ln -sfn "$asm" "$kinc/asm"

musl_version=$(dpkg-query -W -f '${Version}' musl-dev 2>/dev/null || echo unknown)
CPPFLAGS="-isystem $kinc"
# -Os and per-function sections (the link drops what sshfix does not use);
# the stack protector because libblkid parses hostile superblocks; no
# unwind tables: C without exceptions, cancellation or backtrace() never
# reads them, and in the stripped binary they were 92 KB (9%) of the
# 1 MiB budget.
# -Oz (GCC 12+) and link-time optimisation: with LTO objects in the
# archives (gcc-ar), the final link drops and folds what sshfix does not
# use across the libraries too (1,057,384 -> 999,928 bytes stripped when it
# was introduced); fat objects keep them usable without the LTO plugin.
oz=-Os
printf 'int x;\n' | "$MUSL_GCC" -Oz -x c -c -o /dev/null - 2> /dev/null && oz=-Oz
CFLAGS="$oz -flto=auto -ffat-lto-objects -ffunction-sections -fdata-sections -fstack-protector-strong -fno-asynchronous-unwind-tables -fno-unwind-tables"
toolchain="cc=$MUSL_GCC $("$MUSL_GCC" -dumpfullversion 2>/dev/null || "$MUSL_GCC" -dumpversion) musl=$musl_version cppflags=$CPPFLAGS cflags=$CFLAGS"

common_configure=(--prefix="$prefix" --libdir="$prefix/lib"
	--disable-shared --enable-static --disable-nls --disable-dependency-tracking
	CC="$MUSL_GCC" AR=gcc-ar RANLIB=gcc-ranlib NM=gcc-nm CPPFLAGS="$CPPFLAGS" CFLAGS="$CFLAGS" LDFLAGS= LIBS=)

# What we build against must not leak in from the system: pkg-config sees
# only our prefix.
export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_PATH=
unset PKG_CONFIG_SYSROOT_DIR

if v=$(dpkg-query -W -f '${Version}' libmount-dev 2>/dev/null) && [ "$v" != "$UL_DEBIAN" ]; then
	say "note: the system has libmount-dev $v; the static build uses util-linux $UL_DEBIAN"
fi

# fetch FILE URL SHA256: into $dl, verified; a verified cached copy is reused.
fetch() {
	local f=$dl/$1
	if [ -f "$f" ] && printf '%s  %s\n' "$3" "$f" | sha256sum -c --status; then
		return 0
	fi
	say "downloading $2"
	rm -f "$f.part"
	if command -v curl > /dev/null 2>&1; then
		curl -fsSL --retry 3 -o "$f.part" "$2" || { rm -f "$f.part"; die "download failed: $2 (a newer Debian point release may have replaced it: update the pins in $0, or put the file in $dl)"; }
	else
		wget -q -O "$f.part" "$2" || { rm -f "$f.part"; die "download failed: $2"; }
	fi
	local got
	got=$(sha256sum < "$f.part" | cut -d' ' -f1)
	if [ "$got" != "$3" ]; then
		rm -f "$f.part"
		die "SHA-256 mismatch for $1: expected $3, got $got"
	fi
	mv "$f.part" "$f"
}

# run LOG STEP CMD...: run a build step quietly, show the log's end on failure.
run() {
	local log=$1 step=$2
	shift 2
	say "  $step"
	if ! "$@" >> "$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "$step failed; full log: $log"
	fi
}

# apply_debian_patches SRCDIR DEBIAN_TARBALL RELEVANT_REGEX LOG: apply
# Debian's quilt series as dpkg-source would, except patches that touch the
# autotools inputs (configure.ac, *.am, m4/, meson): those would force an
# autoreconf, and are only acceptable to skip when they touch nothing we
# build (RELEVANT_REGEX matches the paths we build).
apply_debian_patches() {
	local src=$1 tarball=$2 relevant=$3 log=$4
	local deb=$src/.debian
	mkdir -p "$deb"
	tar -xJf "$tarball" -C "$deb"
	local series=$deb/debian/patches/series applied=0 skipped=()
	[ -f "$series" ] || return 0
	local p files
	while read -r p _; do
		case $p in '' | '#'*) continue ;; esac
		files=$(sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "$deb/debian/patches/$p")
		if printf '%s\n' "$files" | grep -Eq '(^|/)(configure\.ac|[^/]*\.am|meson[^/]*)$|^m4/'; then
			if printf '%s\n' "$files" | grep -Eq "$relevant"; then
				die "Debian patch $p changes the build system and code we build; build-static-deps.sh cannot skip it"
			fi
			skipped+=("$p")
			continue
		fi
		patch -d "$src" -p1 -s --no-backup-if-mismatch -i "$deb/debian/patches/$p" >> "$log" 2>&1 ||
			die "Debian patch $p does not apply; log: $log"
		applied=$((applied + 1))
	done < "$series"
	say "  applied $applied Debian patches${skipped[*]:+; skipped (they only touch programs we do not build, and their build files): ${skipped[*]}}"
}

# build_package NAME ID DIR ORIG DEBIAN RELEVANT CHECKFILES -- CONFIGURE_ARGS...
build_package() {
	local name=$1 id=$2 dir=$3 orig=$4 debian=$5 relevant=$6 checkfiles=$7
	shift 8
	local stamp=$prefix/stamps/$name
	id="$id recipe=$RECIPE $toolchain configure=${common_configure[*]} $*"
	local f ok=1
	for f in $checkfiles; do
		[ -f "$prefix/$f" ] || ok=0
	done
	if [ $ok = 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ]; then
		say "$name: already built in $prefix, nothing to do"
		return 0
	fi
	local start=$SECONDS log=$build/$name.log
	say "$name: building (log: $log)"
	rm -f "$stamp"
	rm -rf "${build:?}/$name"
	mkdir -p "$build/$name"
	: > "$log"
	run "$log" "unpack $(basename "$orig")" tar -xJf "$orig" -C "$build/$name"
	local src=$build/$name/$dir
	apply_debian_patches "$src" "$debian" "$relevant" "$log"
	(
		cd "$src"
		run "$log" "configure" ./configure "${common_configure[@]}" "$@"
		run "$log" "make -j$jobs" make -j"$jobs"
		run "$log" "make install" make install
	)
	for f in $checkfiles; do
		[ -f "$prefix/$f" ] || die "$name: $prefix/$f is missing after make install"
	done
	printf '%s\n' "$id" > "$stamp"
	[ "${STATIC_KEEP_BUILD:-0}" = 1 ] || rm -rf "${build:?}/$name"
	say "$name: done in $((SECONDS - start))s"
}

start=$SECONDS
say "prefix $prefix, $MUSL_GCC (musl $musl_version), $jobs jobs"

pool=$MIRROR/pool/main
fetch "util-linux_$UL_VERSION.orig.tar.xz" "$pool/u/util-linux/util-linux_$UL_VERSION.orig.tar.xz" "$UL_ORIG_SHA256"
fetch "util-linux_$UL_DEBIAN.debian.tar.xz" "$pool/u/util-linux/util-linux_$UL_DEBIAN.debian.tar.xz" "$UL_DEBIAN_SHA256"
fetch "popt_$POPT_VERSION.orig.tar.xz" "$pool/p/popt/popt_$POPT_VERSION.orig.tar.xz" "$POPT_ORIG_SHA256"
fetch "popt_$POPT_DEBIAN.debian.tar.xz" "$pool/p/popt/popt_$POPT_DEBIAN.debian.tar.xz" "$POPT_DEBIAN_SHA256"

# Only libblkid and libmount; none of the optional dependencies (no
# selinux, udev, systemd, cryptsetup, ...).  btrfs support stays, as in
# Debian: it only needs the kernel headers, and libmount uses it to find a
# btrfs root's default subvolume.
build_package util-linux "util-linux $UL_DEBIAN sha256=$UL_ORIG_SHA256/$UL_DEBIAN_SHA256" \
	"util-linux-$UL_VERSION" "$dl/util-linux_$UL_VERSION.orig.tar.xz" \
	"$dl/util-linux_$UL_DEBIAN.debian.tar.xz" '^(lib|include|libblkid|libmount)/' \
	"lib/libblkid.a lib/libmount.a include/blkid/blkid.h include/libmount/libmount.h lib/pkgconfig/blkid.pc lib/pkgconfig/mount.pc" -- \
	--disable-all-programs --enable-libblkid --enable-libmount \
	--without-selinux --without-udev --without-systemd --without-cryptsetup \
	--without-audit --without-smack --without-econf --without-libmagic \
	--without-user --without-cap-ng --without-readline --without-tinfo \
	--without-ncursesw --without-ncurses --without-utempter --without-python \
	--disable-pylibmount --disable-asciidoc --disable-bash-completion

build_package popt "popt $POPT_DEBIAN sha256=$POPT_ORIG_SHA256/$POPT_DEBIAN_SHA256" \
	"popt-${POPT_VERSION%+dfsg}" "$dl/popt_$POPT_VERSION.orig.tar.xz" \
	"$dl/popt_$POPT_DEBIAN.debian.tar.xz" '^src/' \
	"lib/libpopt.a include/popt.h lib/pkgconfig/popt.pc" -- \
	ac_cv_func_iconv=no am_cv_func_iconv=no
# No iconv in popt: it only converts translated help text to the locale's
# charset (there is no NLS here), and musl's iconv tables are ~150 KB of
# a binary whose goal is 1 MiB.

# For build-static.sh: the toolchain these libraries were built with.
{
	echo "# Written by build-static-deps.sh; sourced by build-static.sh."
	printf 'STATIC_LIBC=musl\n'
	printf 'STATIC_CC=%q\n' "$MUSL_GCC"
	printf 'STATIC_CPPFLAGS=%q\n' "$CPPFLAGS"
	printf 'STATIC_CFLAGS=%q\n' "$CFLAGS"
	printf 'STATIC_LDFLAGS=%q\n' "-static -Wl,--gc-sections"
	printf 'STATIC_PKG_CONFIG_LIBDIR=%q\n' "$prefix/lib/pkgconfig"
	printf 'STATIC_DEPS_DESC=%q\n' "util-linux $UL_DEBIAN, popt $POPT_DEBIAN, musl $musl_version"
} > "$prefix/toolchain.sh.tmp"
if cmp -s "$prefix/toolchain.sh.tmp" "$prefix/toolchain.sh"; then
	rm -f "$prefix/toolchain.sh.tmp"
else
	mv "$prefix/toolchain.sh.tmp" "$prefix/toolchain.sh"
fi
say "ready in $((SECONDS - start))s: $prefix"
