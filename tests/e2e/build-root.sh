#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# build-root.sh [SUITE]: build (once) and cache a Debian root the
# real-login tier breaks and repairs (DESIGN §6 tier 3).  SUITE is one of
# the OpenSSH generations the tier runs on (default: $E2E_SUITE, else
# bookworm):
#   bookworm   Debian 12, OpenSSH 9.2: one sshd binary
#   trixie     Debian 13, OpenSSH 10.0: sshd plus /usr/lib/openssh/sshd-session
#              and sshd-auth, no DSA, PerSourcePenalties on by default
#
# Prints the image directory on stdout; it holds
#   rootfs/            debootstrap --variant=minbase SUITE + PACKAGES below
#   id_alice id_root   the private halves of the keys authorized in rootfs
#   build.info         how long the build took, the mirror, the package list,
#                      the suite and the OpenSSH package version
#
# Cache: ${SSHFIX_E2E_CACHE:-/var/tmp/sshfix-e2e}/root-<suite>-<key>, where
# <key> is a hash of this script (which holds the package list and every
# step) and the suite, so a changed recipe builds a new root and a second
# run reuses the old one; each suite has its own root.  The root is built
# in building-<suite>-<key>.<pid> and renamed into place only when it is
# complete: an interrupted build never leaves a root that a later run
# trusts.  Remove the directory (or set SSHFIX_E2E_REBUILD=1) to rebuild.
#
# Exit: 0 ready, 77 cannot build here (not root, no debootstrap, no mirror),
# 99 the build failed (log kept in the cache directory).
#
# firewalld is not in the base either (a scenario installs it with its
# dependencies from extra-debs/firewalld/).
# iptables-persistent is not in the base: ufw declares Breaks on it, so the
# two cannot share a root.  Its .debs (EXTRA_DEBS) are downloaded into
# extra-debs/ so that a scenario can swap it in on its own overlay, offline
# (lib.sh: e2e_swap_in_iptables_persistent), never in this root.
set -eu

SUITE=${1:-${E2E_SUITE:-bookworm}}
# Packages later checks need, in their default (healthy) state.  fail2ban's
# sshd jail reads /var/log/auth.log, which a root without syslog lacks, so
# the jail uses the journal: python3-systemd plus jail.local (DESIGN §6).
# The names are the same in both suites.
case $SUITE in
bookworm | trixie)
	PACKAGES=openssh-server,systemd-sysv,nftables,ufw,fail2ban,python3-systemd
	EXTRA_DEBS="iptables-persistent netfilter-persistent"
	;;
*)
	printf 'build-root: unknown suite %s (known: bookworm trixie)\n' "$SUITE" >&2
	exit 99
	;;
esac

self=$(readlink -f "${BASH_SOURCE[0]}")
cache=${SSHFIX_E2E_CACHE:-/var/tmp/sshfix-e2e}

say() { printf 'build-root: %s\n' "$*" >&2; }
skip() { say "SKIP: $*"; exit 77; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
fail() { say "FAILED: $*"; exit 99; }

# The mirror debootstrap downloads from: $SSHFIX_E2E_MIRROR, else the first
# Debian (non-security) URI in the host's apt sources, else deb.debian.org.
find_mirror() {
	local m
	if [ -n "${SSHFIX_E2E_MIRROR:-}" ]; then
		printf '%s\n' "$SSHFIX_E2E_MIRROR"
		return
	fi
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' |
		grep -v -e security -e '^cdrom' | grep '/debian/\?$' | head -n1 || true)
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' |
			grep -v security | grep '/debian/\?$' | head -n1 || true)
	fi
	printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

preflight() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot, mknod)"
	command -v debootstrap >/dev/null || skip "debootstrap is not installed (apt-get install debootstrap)"
	command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
	command -v ssh-keygen >/dev/null || skip "ssh-keygen is not installed (apt-get install openssh-client)"
}

# Run a command chrooted into the new root with no network, in its own pid
# and mount namespaces: maintainer scripts that try to start a daemon (or
# run iptables) can reach neither the host's network nor its processes,
# and everything they started dies with the namespace.
in_root() {
	local root=$1
	shift
	unshare --net --pid --fork --kill-child --mount --mount-proc="$root/proc" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
}

# Users and keys: alice (uid 1000) is the account every scenario logs in
# as; bob (uid 1001) exists so scenarios can hand files to "another user"
# and give a group a second member (RULES §1.8); root has its own key.
add_users_and_keys() {
	local dir=$1 root=$1/rootfs u home
	in_root "$root" useradd -m -u 1000 -U -s /bin/bash alice
	in_root "$root" useradd -m -u 1001 -U -s /bin/bash bob
	for u in alice root; do
		ssh-keygen -q -t ed25519 -N '' -C "sshfix-e2e-$u" -f "$dir/id_$u"
		if [ "$u" = root ]; then home=/root; else home=/home/$u; fi
		install -d -m 0700 "$root$home/.ssh"
		install -m 0600 "$dir/id_$u.pub" "$root$home/.ssh/authorized_keys"
		in_root "$root" chown -R "$u:" "$home/.ssh"
	done
	chmod 0600 "$dir"/id_alice "$dir"/id_root
}

configure_root() {
	local root=$1
	rm -f "$root/usr/sbin/policy-rc.d"
	rm -f "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin
	printf 'sshfix-e2e\n' > "$root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tsshfix-e2e\n' > "$root/etc/hosts"
	cat > "$root/etc/fail2ban/jail.local" <<-'EOF'
	# sshfix e2e: a minbase root has no syslog, so no /var/log/auth.log;
	# Debian's [sshd] jail would not start without this (DESIGN §6).
	[sshd]
	backend = systemd
	EOF
}

build() {
	local key=$1 mirror=$2 tmp=$3 t0 t1 t2 t3
	mkdir -p "$tmp" "$cache/debs"
	t0=$(date +%s.%N)
	say "debootstrap $SUITE from $mirror (log: $tmp/build.log; about a minute)"
	debootstrap --variant=minbase --foreign --cache-dir="$cache/debs" \
		--include="$PACKAGES" "$SUITE" "$tmp/rootfs" "$mirror" \
		>> "$tmp/build.log" 2>&1 || return 1
	t1=$(date +%s.%N)
	# policy-rc.d: no daemon starts during the install (and the netns
	# of in_root would cut it off anyway).
	printf '#!/bin/sh\nexit 101\n' > "$tmp/rootfs/usr/sbin/policy-rc.d"
	chmod 0755 "$tmp/rootfs/usr/sbin/policy-rc.d"
	in_root "$tmp/rootfs" /debootstrap/debootstrap --second-stage \
		>> "$tmp/build.log" 2>&1 || return 1
	t2=$(date +%s.%N)
	# With the network (apt-get download only fetches; it runs nothing),
	# from the package lists debootstrap left in the root.
	mkdir "$tmp/extra-debs"
	# shellcheck disable=SC2086
	(cd "$tmp/extra-debs" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		chroot "$tmp/rootfs" apt-get download -q --print-uris $EXTRA_DEBS |
		awk '{ gsub(/\047/, "", $1); print $1 }' |
		xargs -r wget -q -T 30) >> "$tmp/build.log" 2>&1 || return 1
	# firewalld and everything it needs that the root lacks (it is not in
	# the base: a scenario installs it on its own overlay, offline).
	mkdir "$tmp/extra-debs/firewalld"
	(cd "$tmp/extra-debs/firewalld" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		chroot "$tmp/rootfs" apt-get install -q -y --no-install-recommends --print-uris firewalld |
		awk '/^\047/ { gsub(/\047/, "", $1); print $1 }' |
		xargs -r wget -q -T 30) >> "$tmp/build.log" 2>&1 || return 1
	ls "$tmp/extra-debs/firewalld"/firewalld_*.deb > /dev/null 2>&1 || return 1
	configure_root "$tmp/rootfs"
	add_users_and_keys "$tmp" >> "$tmp/build.log" 2>&1 || return 1
	t3=$(date +%s.%N)
	{
		printf 'key=%s\nsuite=%s\nmirror=%s\npackages=%s\n' "$key" "$SUITE" "$mirror" "$PACKAGES"
		printf 'openssh=%s\n' "$(chroot "$tmp/rootfs" dpkg-query -W -f '${Version}' openssh-server 2> /dev/null)"
		printf 'debootstrap_first_stage_s=%.1f\nsecond_stage_s=%.1f\nconfigure_s=%.1f\ntotal_s=%.1f\n' \
			"$(elapsed "$t0" "$t1")" "$(elapsed "$t1" "$t2")" \
			"$(elapsed "$t2" "$t3")" "$(elapsed "$t0" "$t3")"
		printf 'size=%s\n' "$(du -sh "$tmp/rootfs" | cut -f1)"
	} > "$tmp/build.info"
}

main() {
	local key mirror img tmp old
	preflight
	key=$({ cat "$self"; printf 'suite=%s\n' "$SUITE"; } | sha256sum | cut -c1-16)
	img=$cache/root-$SUITE-$key
	mkdir -p "$cache"
	chmod 0700 "$cache"	# private keys live here
	# One builder at a time; a second run waits and then reuses its result.
	exec 9> "$cache/.lock"
	flock 9
	if [ -n "${SSHFIX_E2E_REBUILD:-}" ] && [ -d "$img" ]; then
		say "SSHFIX_E2E_REBUILD set: removing $img"
		rm -rf "$img"
	fi
	if [ -f "$img/build.info" ] && [ -d "$img/rootfs/etc/ssh" ]; then
		printf '%s\n' "$img"
		return 0
	fi
	# Holding the lock, any building-* directory is left from a build that
	# was interrupted: never trust it, never keep it.
	rm -rf "$cache"/building-*
	mirror=$(find_mirror)
	wget -q -T 10 -t 1 -O /dev/null "$mirror/dists/$SUITE/Release" ||
		skip "cannot reach the Debian mirror $mirror (set SSHFIX_E2E_MIRROR)"
	tmp=$cache/building-$SUITE-$key.$$
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if ! build "$key" "$mirror" "$tmp"; then
		cp "$tmp/build.log" "$cache/failed-build.log" 2>/dev/null || true
		tail -n 20 "$tmp/build.log" >&2 || true
		fail "see $cache/failed-build.log"
	fi
	mv -T "$tmp" "$img"
	trap - EXIT
	say "built $img in $(sed -n 's/^total_s=//p' "$img/build.info") s ($(sed -n 's/^size=//p' "$img/build.info"))"
	# Roots of older recipes of this suite are dead weight (300 MB each);
	# the other suite's root stays.  A root-<key> without a suite in its
	# name is from before there were two: its build.info names the suite.
	for old in "$cache"/root-*; do
		[ "$old" != "$img" ] || continue
		case ${old##*/} in
		root-"$SUITE"-*) rm -rf "$old" ;;
		root-bookworm-* | root-trixie-*) ;;
		*) grep -qx "suite=$SUITE" "$old/build.info" 2> /dev/null && rm -rf "$old" ;;
		esac
	done
	printf '%s\n' "$img"
}

main "$@"
