#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# manifest.sh DIR [SUBPATH...] — the attack tier's manifest of a tree.
#
# As tests/manifest.sh (path, type and mode, owner, link count, size,
# content hash, link target, every extended attribute; sshfix's undo store
# var/lib/sshfix left out), made for hostile trees:
#  - names are printed with printf %q, so a newline or an escape sequence in
#    a name gives one line, never two;
#  - device nodes carry their major:minor, and FIFOs, sockets and devices are
#    never opened;
#  - a file larger than 64 MiB (a sparse 1 TiB file) is hashed by its size and
#    its first and last MiB, not read whole.
# Paths are relative to DIR, without a leading "./".  One line per entry:
#   PATH  MODE(octal, with type)  UID:GID  LINKS  SIZE  SHA256  MAJ:MIN  LINK  XATTRS
set -eu
root=${1:?usage: manifest.sh DIR [SUBPATH...]}
shift
cd "$root"
[ $# -eq 0 ] && set -- .
export LC_ALL=C
big=$((64 << 20))

paths=()
for p in "$@"; do
	if [ ! -e "$p" ] && [ ! -L "$p" ]; then
		printf '%q\tabsent\n' "$p"
		continue
	fi
	mapfile -d '' -O "${#paths[@]}" paths < <(find "$p" -xdev -path ./var/lib/sshfix -prune -o -print0)
done
[ ${#paths[@]} -gt 0 ] || exit 0
mapfile -d '' paths < <(printf '%s\0' "${paths[@]}" | sort -z)

# One stat for all (the paths were just listed; nothing else runs here).
mapfile -t meta < <(printf '%s\0' "${paths[@]}" | xargs -0 stat -c '%f %u %g %h %s %t %T' --)
[ ${#meta[@]} = ${#paths[@]} ] || { echo "manifest.sh: stat failed in $root" >&2; exit 1; }

# Content hashes of the regular files, in one sha256sum (-z: no escaping).
declare -A sum=()
small=()
for i in "${!paths[@]}"; do
	read -r raw _ _ _ size _ <<< "${meta[$i]}"
	if [ $(((16#$raw) & 0170000)) = $((0100000)) ]; then
		if [ "$size" -gt "$big" ]; then
			sum[$i]=big:$( { head -c 1048576 -- "${paths[$i]}"; tail -c 1048576 -- "${paths[$i]}"; } | sha256sum | cut -c1-64)
		else
			small+=("$i")
		fi
	fi
done
if [ ${#small[@]} -gt 0 ]; then
	mapfile -d '' sums < <(for i in "${small[@]}"; do printf '%s\0' "${paths[$i]}"; done | xargs -0 sha256sum -z --)
	[ ${#sums[@]} = ${#small[@]} ] || { echo "manifest.sh: sha256sum failed in $root" >&2; exit 1; }
	for k in "${!small[@]}"; do
		sum[${small[$k]}]=${sums[$k]:0:64}
	done
fi

# Extended attributes: one getfattr for all; only when some entry has any,
# each entry is asked on its own (getfattr's own name escaping is not ours).
any_xattr=$(printf '%s\0' "${paths[@]}" | xargs -0 getfattr -h -d -m - -e hex --absolute-names -- 2> /dev/null | head -c 1 || true)

for i in "${!paths[@]}"; do
	path=${paths[$i]}
	[ "$path" = ./var/lib/sshfix ] && continue
	read -r raw uid gid nlink size maj min <<< "${meta[$i]}"
	mode=$((16#$raw))
	type=$((mode & 0170000))
	link=- dev=- s=${sum[$i]:--}
	case $type in
	$((0120000)))	# symlink
		link=$(readlink -n -- "$path"; printf .)
		link=$(printf '%q' "${link%.}") ;;
	$((0020000)) | $((0060000)))	# character or block device
		dev=$((16#$maj)):$((16#$min)) ;;
	$((0040000)))	# directory: its size and link count follow from its entries
		size=- nlink=- ;;
	esac
	xattrs=
	if [ -n "$any_xattr" ]; then
		xattrs=$(getfattr -h -d -m - -e hex --absolute-names -- "$path" 2> /dev/null |
			grep -v '^#' | grep . | tr '\n' ' ' || true)
	fi
	rel=${path#./}
	printf '%q\t%o\t%s:%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rel" "$mode" "$uid" "$gid" "$nlink" "$size" "$s" \
		"$dev" "$link" "$xattrs"
done
