#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# install-deps.sh: what a newcomer installs is what CI installs, and it is
# enough for every tier (README "Try it", issue 10 §5).
#   readme   the README's first command installs with
#            `tools/install-deps.sh build`, its second with
#            `tools/install-deps.sh test`; no other install line in it
#   ci       .ci/run installs with `tools/install-deps.sh ci` and nothing else
#   lists    build within test within ci; ci adds only what .ci/run's own
#            steps use beyond make check (valgrind, cppcheck, clang); the
#            packages installed without recommendations are the same
#   tools    every tool a tier probes for (`command -v X`, its preflight
#            loops) is in the table below, whose package is on the test
#            list, or pulled in by one on it, or required on every Debian;
#            where the tool is installed here, dpkg confirms the package
# A tier whose tool is missing skips, and `make check` counts a skip as no
# failure: this is the test that notices.  Exit 0 pass, 1 fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "${top_srcdir:-$here/..}" && pwd)
DEPS=$top/tools/install-deps.sh
npass=0 nfail=0
check() {
	if [ "$1" = 1 ]; then
		npass=$((npass + 1))
		echo "PASS: $2"
	else
		nfail=$((nfail + 1))
		echo "FAIL: $2"
	fi
}
list() { sh "$DEPS" --list "$1" | sed 's/ --no-install-recommends$//'; }
norec() { sh "$DEPS" --list "$1" | sed -n 's/ --no-install-recommends$//p'; }
# in_list PKG LIST...: PKG is one of the words of LIST.
in_list() {
	local p=$1
	shift
	case " $* " in *" $p "*) return 0 ;; esac
	return 1
}

# ---- readme: the code blocks of "Try it", in order ----
blocks=$(awk '/^## Try it/ { on = 1; next } /^## / { on = 0 }
	on && /^```sh$/ { inb = 1; n++; next } on && /^```$/ { inb = 0; next }
	on && inb { print n ": " $0 }' "$top/README.md")
b1=$(printf '%s\n' "$blocks" | sed -n 's/^1: //p')
b2=$(printf '%s\n' "$blocks" | sed -n 's/^2: //p')
check "$([[ $b1 == "tools/install-deps.sh build && "* ]] && echo 1)" \
	"README's first command installs with tools/install-deps.sh build: ${b1:0:60}..."
check "$([[ $b2 == "tools/install-deps.sh test && "* ]] && echo 1)" \
	"README's second command installs with tools/install-deps.sh test: ${b2:0:60}..."
other=$(grep -n 'apt-get install\|apt install' "$top/README.md")
check "$([ -z "$other" ] && echo 1)" "README has no other install line${other:+: $other}"

# ---- ci ----
if [ -f "$top/.ci/run" ]; then
	n=$(grep -c '^[^#]*tools/install-deps\.sh ci$' "$top/.ci/run")
	other=$(grep -n '^[^#]*apt-get install\|^[^#]*apt install' "$top/.ci/run")
	check "$([ "$n" = 1 ] && [ -z "$other" ] && echo 1)" \
		".ci/run installs with tools/install-deps.sh ci ($n line) and nothing else${other:+: $other}"
else
	echo "note: no .ci/run here (a release tarball): its part was not checked"
fi

# ---- lists ----
build=$(list build) test=$(list test) ci=$(list ci)
missing=
for p in $build; do in_list "$p" $test || missing="$missing $p"; done
for p in $test; do in_list "$p" $ci || missing="$missing $p"; done
check "$([ -z "$missing" ] && echo 1)" "build within test within ci${missing:+; missing:$missing}"
extra=
for p in $ci; do in_list "$p" $test || extra="$extra $p"; done
check "$([ "$extra" = " valgrind cppcheck clang" ] && echo 1)" \
	"ci adds only .ci/run's own tools to test:$extra"
check "$([ "$(norec test)" = "$(norec ci)" ] && [ -n "$(norec test)" ] && echo 1)" \
	"the same packages without recommendations for test and ci: $(norec test | tr '\n' ' ')"

# ---- tools ----
# TOOL PACKAGE [LISTED]: the package that ships TOOL on Debian 12, and the
# listed package that pulls it in when it is not listed itself.
TOOLS='
apt-get apt
cat coreutils
chroot coreutils
cmp diffutils
date coreutils
mkdir coreutils
rm coreutils
sha256sum coreutils
sleep coreutils
sync coreutils
timeout coreutils
touch coreutils
mkfifo coreutils
/usr/bin/time time
jq jq
flock util-linux
losetup mount
mount mount
nsenter util-linux
setpriv util-linux
unshare util-linux
script bsdutils
readelf binutils build-essential
cc gcc-12 build-essential
clang clang
curl curl
debootstrap debootstrap
wget wget debootstrap
file file
python3 python3-minimal python3
ssh openssh-client
ssh-keygen openssh-client
ip iproute2
getfattr attr
setfattr attr
sgdisk gdisk
mkfs.vfat dosfstools
mkfs.ext4 e2fsprogs
debugfs e2fsprogs
e2fsck e2fsprogs
xfs_io xfsprogs
mkfs.xfs xfsprogs
mkfs.btrfs btrfs-progs
lvm lvm2
cryptsetup cryptsetup-bin
qemu-system-x86_64 qemu-system-x86
mkinitramfs initramfs-tools-core initramfs-tools
lsinitramfs initramfs-tools-core initramfs-tools
dracut dracut-core
lsinitrd dracut-core
busybox busybox-static
musl-gcc musl-tools
'
# What the tiers probe: `command -v TOOL` and their preflight loops, in
# (tests/ufw/ and tests/firewalld/ are Debian's, copied for the tree cases, not tiers)
# the tests (this file and the installer aside), the static build, bench.
probed=$(cd "$top" && {
	grep -rhoE --exclude=install-deps.sh --exclude-dir=ufw --exclude-dir=firewalld 'command -v "?[A-Za-z0-9._-]+' tests tools/build-static*.sh bench 2> /dev/null |
		sed 's/command -v "\{0,1\}//'
	grep -rhE --exclude-dir=ufw --exclude-dir=firewalld '^[[:space:]]*for (tool|c) in [a-z]' tests 2> /dev/null |
		sed -E 's/^[[:space:]]*for (tool|c) in //; s/; do.*//' | tr ' ' '\n'
} | sort -u)
unmapped=
for t in $probed; do
	printf '%s\n' "$TOOLS" | grep -q "^$t " || unmapped="$unmapped $t"
done
check "$([ -z "$unmapped" ] && echo 1)" \
	"every tool a tier probes for ($(echo $probed | wc -w)) is in the table${unmapped:+; not:$unmapped}"

# owner PATH: the package dpkg says ships PATH (trying the /usr-merged twin).
owner() {
	local p
	for p in "$1" "${1#/usr}" "/usr$1" "$(readlink -f "$1")"; do
		dpkg-query -S "$p" 2> /dev/null | sed -n '1s/: .*//p' | grep . && return 0
	done
	return 1
}
# The tiers run as root: look where root looks (a user's PATH lacks sbin).
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
if command -v dpkg-query > /dev/null && command -v apt-cache > /dev/null; then
	bad='' unchecked=''
	while read -r t pkg via; do
		[ -n "$t" ] || continue
		if in_list "$pkg" $ci; then
			:
		elif [ -n "$via" ] && in_list "$via" $ci &&
		     apt-cache depends --recurse --important "$via" 2> /dev/null | grep -q "Depends: $pkg\$"; then
			:
		elif [ "$(dpkg-query -W -f '${Essential} ${Priority}' "$pkg" 2> /dev/null)" = "yes required" ] ||
		     [ "$(dpkg-query -W -f '${Priority}' "$pkg" 2> /dev/null)" = required ]; then
			:
		else
			bad="$bad $t($pkg${via:+ via $via}: not installed by the lists)"
			continue
		fi
		path=$(command -v "$t") || { unchecked="$unchecked $t"; continue; }
		o=$(owner "$path") || { unchecked="$unchecked $t"; continue; }
		[ "$o" = "$pkg" ] || bad="$bad $t($path is from $o, not $pkg)"
	done <<< "$TOOLS"
	check "$([ -z "$bad" ] && echo 1)" "every tool's package is installed by the lists, as dpkg confirms${bad:+:$bad}"
	[ -n "$unchecked" ] && echo "note: not installed here, so not confirmed with dpkg:$unchecked"
else
	echo "note: no dpkg-query or apt-cache: the packages of the tools were not checked"
fi

echo "install-deps: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
