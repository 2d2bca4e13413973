#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# manifest.sh ROOT [SUBPATH...]
#
# Print a sorted manifest of a tree: for every entry its path, type, mode,
# owner, group, link count, size, content hash (regular files), link target
# (symlinks) and every extended attribute (security.*, system.posix_acl_*,
# user.*), so two manifests are equal only if the trees are equal in content
# and metadata.  sshfix's own undo store (var/lib/sshfix) is left out: it is
# the record of the change, not part of the tree being compared.
# With SUBPATHs, only those paths (relative to ROOT) are described.
# The real-login tier's batched manifest (tests/e2e/lib.sh) prints this
# format, and its selftest compares the two.  The tree tier uses
# tests/manifest.py: the same facts from one process, where this script
# forks six programs per file (it was most of the tree tier's time).
set -eu
root=${1:?usage: manifest.sh ROOT [SUBPATH...]}
shift
cd "$root"
if [ $# -eq 0 ]; then set -- .; fi
LC_ALL=C
export LC_ALL
for p in "$@"; do
	[ -e "$p" ] || [ -L "$p" ] || { printf '%s\tabsent\n' "$p"; continue; }
	find "$p" -xdev -path ./var/lib/sshfix -prune -o \
		-printf '%p\t%y\t%#m\t%U\t%G\t%n\t%s\t%l\n'
done | sort | while IFS='	' read -r path type mode uid gid nlink size link; do
	case $type in
	f) sum=$(sha256sum < "$path" | cut -c1-64) ;;
	*) sum=- ;;
	esac
	# A directory's size and link count follow from its entries, which are
	# listed themselves (and the undo store, left out, adds one).
	[ "$type" = d ] && size=- && nlink=-
	xattrs=$(getfattr -h -d -m - -e hex --absolute-names -- "$path" 2>/dev/null |
		grep -v '^#' | grep . | tr '\n' ' ' || true)
	printf '%s\t%s\t%s\t%s:%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$path" "$type" "$mode" "$uid" "$gid" "$nlink" "$size" "$sum" "$link" "$xattrs"
done
