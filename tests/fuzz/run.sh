#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh [RUNS]: build tests/fuzz/fuzz.c with clang's libFuzzer, ASan and
# UBSan against the sources, then run it RUNS times (default 300000) from
# the seed corpus with a fixed seed, so a run is repeatable.  A crash leaves
# its input in the work directory and fails.  Exit 77 without clang.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${top_builddir:-$top}
runs=${1:-300000}
command -v clang > /dev/null || { echo "SKIP: fuzz: clang is not installed"; exit 77; }
[ -f "$build/config.h" ] || { echo "fuzz: run configure first (no $build/config.h)" >&2; exit 1; }
work=$(mktemp -d /tmp/sshfix-fuzz.XXXXXX)
srcs=()
for f in "$top"/src/*.c "$top"/fixes/*.c; do
	[ "$(basename "$f")" = main.c ] && [ "$(dirname "$f")" = "$top/src" ] && continue
	srcs+=("$f")
done
# shellcheck disable=SC2046 # pkg-config prints word lists
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$build" -I"$top/src" -I"$top/fixes" $(pkg-config --cflags blkid mount popt) \
	"$here/fuzz.c" "${srcs[@]}" $(pkg-config --libs blkid mount popt) -o "$work/fuzzer" 2> "$work/build.log"; then
	cat "$work/build.log" >&2
	echo "SKIP: fuzz: clang cannot build a libFuzzer target here"
	exit 77
fi
cp -r "$here/corpus" "$work/corpus"
cd "$work"
if ./fuzzer -seed=1 -runs="$runs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 corpus > fuzz.log 2>&1; then
	tail -n 1 fuzz.log
	cd / && rm -rf "$work"
	echo "fuzz: $runs runs, no crash"
else
	tail -n 30 fuzz.log
	echo "fuzz: FAILED; the input and the log are in $work" >&2
	exit 1
fi
