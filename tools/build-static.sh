#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-static.sh DEPS OBJDIR OUTPUT SRCDIR BUILDDIR SOURCE...: build the
# static sshfix (DESIGN §7, issue 6) from the project's own sources with the
# toolchain build-static-deps.sh recorded in DEPS/toolchain.sh.
#
# SOURCEs are relative to SRCDIR, as Makefile.am lists them (headers are
# ignored); objects go to OBJDIR, away from the normal build.  BUILDDIR
# holds configure's config.h: configure ran against glibc, but what it
# checks (linux/openat2.h, sys/xattr.h, SYS_openat2; neither libc has
# openat2() or fchmodat2() wrappers) comes out the same with musl, and a
# function glibc has and musl lacks would fail this link loudly.
#
# Objects are rebuilt when a source, a header it includes (gcc -MMD) or the
# flags change.  OUTPUT is the stripped binary, replaced only when it
# differs; OBJDIR/sshfix keeps the symbols.  Refuses to finish if the
# result has a program interpreter or needs a shared library.
# Environment: WARN_CFLAGS (configure's warnings, passed by make),
# STATIC_JOBS=N (default: nproc).
set -eu

say() { printf 'static: %s\n' "$*"; }
die() { printf 'static: error: %s\n' "$*" >&2; exit 1; }

[ $# -ge 6 ] || die "usage: $0 DEPS OBJDIR OUTPUT SRCDIR BUILDDIR SOURCE..."
deps=$(cd "$1" && pwd) || die "no $1: run build-static-deps.sh first"
mkdir -p "$2"
objdir=$(cd "$2" && pwd)
output=$3
srcdir=$(cd "$4" && pwd)
builddir=$(cd "$5" && pwd)
shift 5
[ -f "$deps/toolchain.sh" ] || die "no $deps/toolchain.sh: run build-static-deps.sh first"
# shellcheck source=/dev/null # written by build-static-deps.sh
. "$deps/toolchain.sh"
[ -f "$builddir/config.h" ] || die "no $builddir/config.h: run configure first"
jobs=${STATIC_JOBS:-$(nproc 2>/dev/null || echo 2)}
start=$SECONDS

export PKG_CONFIG_LIBDIR=$STATIC_PKG_CONFIG_LIBDIR PKG_CONFIG_PATH=
unset PKG_CONFIG_SYSROOT_DIR
pc_cflags=$(pkg-config --static --cflags popt mount blkid) || die "pkg-config cannot find the static libraries in $deps"
pc_libs=$(pkg-config --static --libs popt mount blkid)

# As Makefile.am's AM_CPPFLAGS/AM_CFLAGS, with the static toolchain's flags.
cppflags="-I$srcdir/src -I$srcdir/fixes -I$builddir $STATIC_CPPFLAGS $pc_cflags"
# Link-time optimisation across sshfix's own objects, and gold's identical
# code folding where the toolchain has gold: about 16 KB of the 1 MiB, -Oz
# about 8 KB more.
# Our own objects for size (-Oz, GCC 12+; -Os before): sshfix is I/O bound.
oz=-Os
printf 'int x;\n' | $STATIC_CC -Oz -x c -c -o /dev/null - 2> /dev/null && oz=-Oz
# The binary is a static, position-dependent executable (ELF EXEC): code
# compiled as position-independent (Debian's GCC default) only makes it
# larger, and puts the tables of pointers (the problem tables, the fixes)
# in .data.rel.ro instead of .rodata, whose RELRO segment must end on a
# page: up to 4 KB of padding.
cflags="-std=gnu11 ${WARN_CFLAGS:-} $(printf '%s' "$STATIC_CFLAGS" | sed "s/-Os/$oz/") -flto=auto -fno-pie"
ldextra="-no-pie"
if printf 'int main(void){return 0;}\n' > "$objdir/gold.c" &&
	$STATIC_CC -fuse-ld=gold -Wl,--icf=all -static -o "$objdir/gold" "$objdir/gold.c" 2> /dev/null; then
	ldextra="$ldextra -fuse-ld=gold -Wl,--icf=all"
fi
rm -f "$objdir/gold" "$objdir/gold.c"
flags="$STATIC_CC $cppflags $cflags"
if [ ! -f "$objdir/flags" ] || [ "$(cat "$objdir/flags")" != "$flags" ]; then
	rm -f "$objdir"/*.o "$objdir"/*.d
	printf '%s\n' "$flags" > "$objdir/flags"
fi

# stale OBJ DEPFILE: true when OBJ is missing or older than what it was
# built from.
stale() {
	local dep
	[ -f "$1" ] && [ -f "$2" ] || return 0
	# shellcheck disable=SC2013 # a depfile is a list of words
	for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$2"); do
		[ -e "$dep" ] && [ ! "$dep" -nt "$1" ] || return 0
	done
	return 1
}

compile() {
	printf '  CC       %s\n' "$1"
	# shellcheck disable=SC2086 # the flag strings are word lists
	$STATIC_CC $cppflags $cflags -MMD -MP -MF "$3" -c "$srcdir/$1" -o "$2"
}

objs=() running=0 failed=0
for src in "$@"; do
	case $src in *.c) ;; *) continue ;; esac
	[ -f "$srcdir/$src" ] || die "no source $srcdir/$src"
	obj=$objdir/$(printf '%s' "${src%.c}" | tr / -).o
	objs+=("$obj")
	stale "$obj" "${obj%.o}.d" || continue
	compile "$src" "$obj" "${obj%.o}.d" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait -n || failed=1
		running=$((running - 1))
	fi
done
while [ $running -gt 0 ]; do
	wait -n || failed=1
	running=$((running - 1))
done
[ $failed = 0 ] || die "compilation failed"
[ ${#objs[@]} -gt 0 ] || die "no C sources given"

printf '  CCLD     %s\n' "$(basename "$output")"
# shellcheck disable=SC2086
$STATIC_CC $STATIC_LDFLAGS $ldextra $cflags -o "$objdir/sshfix" "${objs[@]}" $pc_libs
strip -o "$objdir/sshfix.stripped" "$objdir/sshfix"

# Static means: no program interpreter and no shared library.
if readelf -lW "$objdir/sshfix.stripped" | grep -q 'INTERP' ||
	readelf -dW "$objdir/sshfix.stripped" | grep -q '(NEEDED)'; then
	readelf -lW -dW "$objdir/sshfix.stripped" | grep -E 'INTERP|interpreter|NEEDED' >&2
	die "$objdir/sshfix is not statically linked"
fi

if cmp -s "$objdir/sshfix.stripped" "$output"; then
	what="unchanged"
else
	cp "$objdir/sshfix.stripped" "$output.tmp"
	mv -f "$output.tmp" "$output"
	what="written"
fi
size=$(stat -c %s "$output")
say "$output $what: $size bytes stripped ($((size * 100 / 1048576))% of the 1 MiB goal), statically linked against $STATIC_DEPS_DESC, in $((SECONDS - start))s"
