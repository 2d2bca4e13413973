#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# oracle.sh [-s SUITE] [-u USER] [-k KEY] [-l LOG] [ROOT]
#
# "Can USER log in to ROOT?", answered as the machine would after a reboot
# (lib.sh: e2e_login).  ROOT defaults to the cached Debian root of SUITE
# (bookworm or trixie; default $E2E_SUITE, else bookworm; built if
# needed); USER to alice; KEY to the harness's key for USER; LOG to
# $SSHFIX_E2E_CACHE/logs/oracle-*.log; its path is always printed.  ROOT itself is never written: the oracle
# boots an overlay of it.
# Exit: 0 login works, 1 refused (reason printed), 2 the oracle failed,
# 77 cannot run here.
set -eu
. "$(dirname "$(readlink -f "$0")")/lib.sh"

user=alice key='' log='' root=''
# shellcheck disable=SC2034 # E2E_SUITE is read by e2e_image (lib.sh)
while getopts s:u:k:l:h o; do
	case $o in
	s) E2E_SUITE=$OPTARG ;;
	u) user=$OPTARG ;;
	k) key=$OPTARG ;;
	l) log=$OPTARG ;;
	*)
		sed -n '3,13s/^# \{0,1\}//p' "$0"
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
root=${1:-}

e2e_preflight
if [ -z "$root" ] || [ -z "$key" ]; then
	e2e_image
	root=${root:-$E2E_IMAGE/rootfs}
	key=${key:-$(e2e_key "$user")}
fi
[ -d "$root/etc" ] || { e2e_say "oracle: $root is not a root file system"; exit 2; }
[ -r "$key" ] || { e2e_say "oracle: no private key $key for $user"; exit 2; }
if [ -z "$log" ]; then
	mkdir -p "$E2E_CACHE/logs"
	log=$E2E_CACHE/logs/oracle-$(date +%Y%m%d-%H%M%S)-$$.log
	# Keep the last 20 of these.
	ls "$E2E_CACHE"/logs/oracle-*.log 2> /dev/null | sort | head -n -20 |
		while read -r l; do rm -f "$l" "$l".*; done
fi
rc=0
e2e_login "$(readlink -f "$root")" "$user" "$key" "$log" || rc=$?
if [ "$rc" -eq 0 ]; then
	e2e_say "oracle: login OK for $user (sshd log: $log)"
fi
exit "$rc"
