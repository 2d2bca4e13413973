# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh: functions of the real-login tier (DESIGN §6 tier 3), sourced by
# oracle.sh, run.sh and selftest.sh.  Bash.
#
#   e2e_preflight            skip (exit 77) with the reason when the tier can't run
#   e2e_image                build or reuse the cached root (build-root.sh)
#   e2e_login ROOT USER KEY LOG
#                            the oracle: can USER log in to ROOT after a reboot?
#   e2e_overlay_up/down      a scenario's writable copy of the cached root
#   e2e_snapshot/e2e_compare what changed in a scenario's tree (manifests)

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_CACHE=${SSHFIX_E2E_CACHE:-/var/tmp/sshfix-e2e}
E2E_SERVER_IP=192.0.2.10
E2E_CLIENT_IP=192.0.2.20

e2e_say() { printf '%s\n' "$*" >&2; }
e2e_skip() {
	printf 'SKIP: real-login tier: %s\n' "$*"
	exit 77
}

# Seconds since the epoch with a fraction, and the difference of two.
e2e_now() { date +%s.%N; }
e2e_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# The binary under test: $SSHFIX, else $abs_top_builddir/sshfix under
# automake, else ../../sshfix relative to this directory.
e2e_find_sshfix() {
	if [ -z "${SSHFIX:-}" ]; then
		if [ -n "${abs_top_builddir:-}" ]; then
			SSHFIX=$abs_top_builddir/sshfix
		else
			SSHFIX=$E2E_DIR/../../sshfix
		fi
	fi
}

# e2e_enter SCRIPT [ARGS...]: unless already there, check the host and
# re-run SCRIPT in a private mount namespace: every overlay and bind mount
# it makes vanishes with it, even if it is SIGKILLed.
e2e_enter() {
	[ -z "${_E2E_PRIVATE_NS:-}" ] || return 0
	e2e_preflight
	[ -x "$SSHFIX" ] && [ -f "$SSHFIX" ] ||
		e2e_skip "no sshfix binary at $SSHFIX (build it with make, or set SSHFIX)"
	SSHFIX=$(readlink -f "$SSHFIX")
	export SSHFIX _E2E_PRIVATE_NS=1
	exec unshare --mount --propagation private -- "$@"
}

# Everything the tier needs from the host; exits 77 naming what is missing.
e2e_preflight() {
	local c
	[ "$(id -u)" -eq 0 ] || e2e_skip "needs root (namespaces, mounts, chroot)"
	for c in unshare nsenter setpriv ip ssh ssh-keygen mount getfattr sha256sum flock timeout; do
		command -v "$c" > /dev/null || e2e_skip "'$c' is not installed"
	done
	command -v debootstrap > /dev/null ||
		[ -n "$(ls -d "$E2E_CACHE"/root-*/build.info 2> /dev/null)" ] ||
		e2e_skip "debootstrap is not installed and no root is cached (apt-get install debootstrap)"
	unshare --net --mount true 2> /dev/null ||
		e2e_skip "cannot create network and mount namespaces here (unshare --net --mount failed)"
	unshare --net sh -c 'ip link add e2e0 type veth peer name e2e1' 2> /dev/null ||
		e2e_skip "cannot create a veth pair in a network namespace"
	grep -qw overlay /proc/filesystems || modprobe overlay 2> /dev/null ||
		e2e_skip "the kernel has no overlayfs"
	# Scenario overlay + the oracle's overlay on top is already the kernel's
	# limit of two stacked overlays: the cache itself must not be on one.
	mkdir -p "$E2E_CACHE"
	[ "$(stat -f -c %T "$E2E_CACHE")" != overlayfs ] ||
		e2e_skip "$E2E_CACHE is on overlayfs (too deep to stack two more overlays); set SSHFIX_E2E_CACHE to a directory on another file system"
}

# The OpenSSH generations the tier runs on, in order: $E2E_SUITES (words),
# default both.  bookworm = Debian 12, OpenSSH 9.2 (one sshd binary);
# trixie = Debian 13, OpenSSH 10.0 (sshd-session and sshd-auth helpers, no
# DSA, PerSourcePenalties on).  Exit 99 for a suite build-root.sh does not know.
E2E_ALL_SUITES="bookworm trixie"
e2e_suites() {
	local s
	for s in ${E2E_SUITES:-$E2E_ALL_SUITES}; do
		case " $E2E_ALL_SUITES " in
		*" $s "*) printf '%s\n' "$s" ;;
		*)
			e2e_say "e2e: unknown suite '$s' in E2E_SUITES (known: $E2E_ALL_SUITES)"
			exit 99
			;;
		esac
	done
}

# e2e_image [SUITE]: build or reuse the cached root of SUITE (default:
# $E2E_SUITE, else bookworm); sets E2E_IMAGE (the directory holding rootfs/
# and the private keys), E2E_SUITE and E2E_OPENSSH (the openssh-server
# package version, "1:10.0p1-7+deb13u4").  Exit 77 passes through as a skip.
e2e_image() {
	local rc=0
	E2E_SUITE=${1:-${E2E_SUITE:-bookworm}}
	E2E_IMAGE=$("$E2E_DIR/build-root.sh" "$E2E_SUITE") || rc=$?
	if [ "$rc" -eq 0 ]; then
		# shellcheck disable=SC2034 # for the callers' result lines
		E2E_OPENSSH=$(sed -n "s/^openssh=\([0-9]*:\)\{0,1\}//p" "$E2E_IMAGE/build.info")
		return 0
	fi
	[ "$rc" -eq 77 ] && e2e_skip "cannot build the Debian $E2E_SUITE root (see build-root's message above)"
	e2e_say "e2e: building the Debian $E2E_SUITE root failed (exit $rc)"
	exit 99
}

# e2e_suite_var NAME: the scenario's value of NAME for the current suite:
# NAME_<suite> (e.g. EXPECT_LOG_trixie) when the scenario sets it, else NAME.
e2e_suite_var() {
	local v=${1}_$E2E_SUITE
	if [ -n "${!v+set}" ]; then
		printf '%s' "${!v}"
	else
		printf '%s' "${!1:-}"
	fi
}

# The private key the harness holds for USER.
e2e_key() { printf '%s/id_%s\n' "$E2E_IMAGE" "$1"; }

# ---------------------------------------------------------------- overlays
# A scenario works on an overlay: the cached root is the lower dir (never
# written), upper and work dirs live on a tmpfs.  ~0.01 s instead of a copy.
# Sets E2E_OVL (the tmpfs), E2E_MERGED, E2E_UPPER, E2E_LOWER.
e2e_overlay_up() {
	E2E_LOWER=$1 E2E_OVL=$2
	mkdir -p "$E2E_OVL"
	mount -t tmpfs -o mode=0755 sshfix-e2e-scenario "$E2E_OVL"
	mkdir "$E2E_OVL/upper" "$E2E_OVL/work" "$E2E_OVL/merged"
	# redirect_dir, metacopy and index off: every change to a path shows up
	# as that path in upper (a full copy-up), which e2e_snapshot relies on.
	mount -t overlay sshfix-e2e-scenario \
		-o "lowerdir=$E2E_LOWER,upperdir=$E2E_OVL/upper,workdir=$E2E_OVL/work,redirect_dir=off,metacopy=off,index=off" \
		"$E2E_OVL/merged"
	E2E_MERGED=$E2E_OVL/merged E2E_UPPER=$E2E_OVL/upper
}

e2e_overlay_down() {
	local d=${1:-${E2E_OVL:-}}
	[ -n "$d" ] || return 0
	if mountpoint -q "$d/merged"; then umount "$d/merged" || umount -l "$d/merged"; fi
	if mountpoint -q "$d"; then umount "$d" || umount -l "$d"; fi
	rmdir "$d" 2> /dev/null || true
}

# ----------------------------------------------------------------- oracle
# Would ssh.service start at boot?  Prints the reason and returns 0 when it
# would not (RULES §11.2-11.3), 1 when it would.
e2e_boot_refusal() {
	local r=$1 u l t
	for u in ssh.service sshd.service; do
		l=$r/etc/systemd/system/$u
		if { [ -L "$l" ] && [ "$(readlink "$l")" = /dev/null ]; } ||
			{ [ -f "$l" ] && [ ! -L "$l" ] && [ ! -s "$l" ]; }; then
			echo "$u is masked (/etc/systemd/system/$u -> /dev/null)"
			return 0
		fi
	done
	if [ -e "$r/etc/ssh/sshd_not_to_be_run" ] || [ -L "$r/etc/ssh/sshd_not_to_be_run" ]; then
		echo "/etc/ssh/sshd_not_to_be_run exists (ConditionPathExists=! in ssh.service)"
		return 0
	fi
	l=$r/etc/systemd/system/multi-user.target.wants/ssh.service
	if [ ! -L "$l" ] && [ ! -e "$l" ]; then
		echo "ssh.service is not enabled (no multi-user.target.wants/ssh.service)"
		return 0
	fi
	if [ -L "$l" ]; then
		t=$(readlink "$l")
		case $t in /*) t=$r$t ;; *) t=$(dirname "$l")/$t ;; esac
		if [ ! -e "$t" ]; then
			echo "multi-user.target.wants/ssh.service points to $(readlink "$l"), which does not exist"
			return 0
		fi
	fi
	if [ ! -x "$r/usr/sbin/sshd" ]; then
		echo "/usr/sbin/sshd is missing or not executable"
		return 0
	fi
	return 1
}

# e2e_login ROOT USER KEY LOG: can USER log in to ROOT with KEY, as the
# machine would answer after a reboot?  Returns 0 (login works: the remote
# command printed "ok"), 1 (refused; the reason is printed) or 2 (the oracle
# itself could not run).  The sshd log (stderr of sshd -D -e, plus what the
# oracle did) is LOG; the ssh client's stderr is LOG.client.
#
# Topology: the server in its own network, mount and pid namespaces with
# 192.0.2.10, the client in its own network namespace with 192.0.2.20, a
# veth pair between them: never one namespace, where packets would cross
# lo and every firewall's accept-on-lo rule would hide the breakage.  The
# namespaces are anonymous (held by processes, not `ip netns add` names),
# so parallel runs cannot clash and nothing is left in /run/netns if we are
# killed.  Both holders carry PR_SET_PDEATHSIG=SIGKILL: even a SIGKILL of
# this shell takes them, and with them every process and mount, down.
#
# E2E_SSHD_DEBUG=1 adds -o LogLevel=DEBUG3 to sshd (logging only).
# E2E_CLIENT_FAILS=N (for selftest.sh): before the login, N logins from the
# client address with a key the server does not know, against the same sshd
# -- what it takes to see OpenSSH 9.8's PerSourcePenalties at work.
# e2e_client_said FILE: the last thing ssh said to a person in a -vvv
# transcript (or a plain one): the last line that is no debug output.
e2e_client_said() {
	grep -av -e '^debug[0-9]: ' -e '^OpenSSH_' -e '^Warning: Permanently added' -e '^Transferred: ' \
		-e '^Bytes per second' -e '^Authenticated to ' "$1" | tail -n1
}

e2e_login() {
	local root=$1 user=$2 key=$3 log=$4
	local reason rc=0
	: > "$log"
	rm -f "$log.client" "$log.client-fails" "$log.fail2ban"
	if [ ! -e "$root/etc/systemd/system/multi-user.target.wants/ssh.service" ] &&
		[ -e "$root/etc/systemd/system/sockets.target.wants/ssh.socket" ]; then
		# Ubuntu-style socket activation (RULES §11.4): sshd -i per
		# connection on the socket's ListenStream ports.  Not modelled:
		# an error, never a wrong answer.
		printf 'oracle: ssh.socket activation is not modelled\n' >> "$log"
		e2e_say "oracle: ERROR: ssh.service is not enabled but ssh.socket is: socket activation is not modelled"
		return 2
	fi
	if reason=$(e2e_boot_refusal "$root"); then
		printf 'oracle: boot: %s\n' "$reason" >> "$log"
		e2e_say "oracle: login REFUSED for $user: $reason"
		return 1
	fi
	_E2E_W=$(mktemp -d "${E2E_TMP:-/tmp}/sshfix-e2e-oracle.XXXXXX")
	_E2E_SPID='' _E2E_CPID=''
	# A signal cleans up, puts the caller's traps back and is raised
	# again, so the caller's own handlers run too.
	_E2E_TRAPS=$(trap -p INT TERM HUP)
	trap '_e2e_login_cleanup; kill -INT $$' INT
	trap '_e2e_login_cleanup; kill -TERM $$' TERM
	trap '_e2e_login_cleanup; kill -HUP $$' HUP
	# (On the normal path _e2e_login_cleanup below does the same.)
	_e2e_login_run "$root" "$user" "$key" "$log" || rc=$?
	_e2e_login_cleanup
	return "$rc"
}

_e2e_login_cleanup() {
	local sig
	# No signal may cut this short: note it, finish, then raise it again.
	_E2E_PENDING=
	for sig in INT TERM HUP; do
		# shellcheck disable=SC2064 # $sig is meant to expand now
		trap "_E2E_PENDING=$sig" "$sig"
	done
	# Killing the unshare above the server stage SIGKILLs the stage
	# (--kill-child); the kernel then kills every process of its pid
	# namespace, and its mounts vanish with the mount namespace.  SIGKILL,
	# because unshare --fork ignores SIGTERM and SIGINT while it waits.
	if [ -n "${_E2E_SPID:-}" ]; then
		kill -KILL "$_E2E_SPID" 2> /dev/null || true
		while ! wait "$_E2E_SPID" 2> /dev/null && kill -0 "$_E2E_SPID" 2> /dev/null; do :; done
	fi
	if [ -n "${_E2E_CPID:-}" ]; then
		kill -KILL "$_E2E_CPID" 2> /dev/null || true
		while ! wait "$_E2E_CPID" 2> /dev/null && kill -0 "$_E2E_CPID" 2> /dev/null; do :; done
	fi
	[ -n "${_E2E_W:-}" ] && rm -rf "$_E2E_W"
	_E2E_SPID='' _E2E_CPID='' _E2E_W=''
	trap - INT TERM HUP
	eval "$_E2E_TRAPS"
	[ -z "$_E2E_PENDING" ] || kill "-$_E2E_PENDING" $$
}

# Wait until process $1 is in a network namespace other than ours.
_e2e_wait_netns() {
	local self
	self=$(readlink /proc/self/ns/net)
	for _ in $(seq 200); do
		[ "$(readlink "/proc/$1/ns/net" 2> /dev/null)" != "$self" ] &&
			[ -e "/proc/$1/ns/net" ] && return 0
		kill -0 "$1" 2> /dev/null || return 1
		sleep 0.01
	done
	return 1
}

_e2e_login_run() {
	local root=$1 user=$2 key=$3 log=$4
	local w=$_E2E_W st port out extra=()
	[ -n "${E2E_SSHD_DEBUG:-}" ] && extra=(-o LogLevel=DEBUG3)
	setpriv --pdeathsig KILL unshare --net sleep 300 &
	_E2E_CPID=$!
	setpriv --pdeathsig KILL unshare --net --mount --pid --fork --kill-child \
		bash "$E2E_DIR/server-stage.sh" "$root" "$w" "$log" "${extra[@]}" &
	_E2E_SPID=$!
	if ! _e2e_wait_netns "$_E2E_CPID" || ! _e2e_wait_netns "$_E2E_SPID"; then
		e2e_say "oracle: ERROR: the namespaces did not come up"
		return 2
	fi
	if ! ip link add eth0 netns "$_E2E_SPID" type veth peer name eth0 netns "$_E2E_CPID" ||
		! nsenter -t "$_E2E_SPID" -n sh -c "ip addr add $E2E_SERVER_IP/24 dev eth0 && ip link set eth0 up && ip link set lo up" ||
		! nsenter -t "$_E2E_CPID" -n sh -c "ip addr add $E2E_CLIENT_IP/24 dev eth0 && ip link set eth0 up && ip link set lo up"; then
		e2e_say "oracle: ERROR: cannot set up the veth pair"
		return 2
	fi
	touch "$w/go"
	# The stage reports "port N", then "ready N" or "refused: why" or
	# "error: why".  fail2ban may take ~20 s to restore its bans.
	st=
	for _ in $(seq 1200); do
		st=$(grep -E '^(ready|refused|error)' "$w/status" 2> /dev/null | head -n1 || true)
		[ -n "$st" ] && break
		if ! kill -0 "$_E2E_SPID" 2> /dev/null; then
			# It may have written its verdict just before exiting.
			st=$(grep -E '^(ready|refused|error)' "$w/status" 2> /dev/null | head -n1 || true)
			break
		fi
		sleep 0.05
	done
	case $st in
	ready\ *) port=${st#ready } ;;
	refused:*)
		e2e_say "oracle: login REFUSED for $user: ${st#refused: }"
		e2e_say "oracle: sshd log: $log"
		return 1
		;;
	*)
		e2e_say "oracle: ERROR: server stage: ${st:-no answer (it exited or timed out)}"
		e2e_say "oracle: sshd log: $log"
		return 2
		;;
	esac
	if [ "${E2E_CLIENT_FAILS:-0}" -gt 0 ]; then
		ssh-keygen -q -t ed25519 -N '' -C stranger -f "$w/stranger"
		printf 'oracle: client: %s failed logins first (a key %s@%s does not know)\n' \
			"$E2E_CLIENT_FAILS" "$user" "$E2E_SERVER_IP" >> "$log"
		for _ in $(seq "$E2E_CLIENT_FAILS"); do
			nsenter -t "$_E2E_CPID" -n timeout 30 ssh -F /dev/null -i "$w/stranger" -p "$port" \
				-o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
				-o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
				-o ConnectTimeout=5 -o LogLevel=ERROR \
				"$user@$E2E_SERVER_IP" echo ok >> "$log.client-fails" 2>&1 < /dev/null || true
		done
	fi
	printf 'oracle: client: ssh -p %s %s@%s echo ok\n' "$port" "$user" "$E2E_SERVER_IP" >> "$log"
	if [ -n "${E2E_CLIENT_UID:-}" ]; then
		# The client side's own files (tests/e2e/client.sh): ssh runs as
		# that uid and reads its ~/.ssh/config, default keys and
		# known_hosts, with ssh's own permission checks.  No -F, no -i.
		# shellcheck disable=SC2086 # E2E_CLIENT_SSH_OPTS is a word list
		out=$(nsenter -t "$_E2E_CPID" -n timeout 30 setpriv --reuid="$E2E_CLIENT_UID" \
			--regid="$E2E_CLIENT_UID" --clear-groups ssh -p "$port" \
			-o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR ${E2E_CLIENT_SSH_OPTS:-} \
			"$user@$E2E_SERVER_IP" echo ok 2> "$log.client" < /dev/null) || true
	else
		# -vvv: LOG.client is the whole transcript a person would paste
		# (sshfix --explain-file reads it, tests/e2e/run.sh invariant x).
		out=$(nsenter -t "$_E2E_CPID" -n timeout 30 ssh -vvv -F /dev/null -i "$key" -p "$port" \
			-o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
			-o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
			-o ConnectTimeout=5 \
			"$user@$E2E_SERVER_IP" echo ok 2> "$log.client" < /dev/null) || true
	fi
	if [ "$out" = ok ]; then
		return 0
	fi
	e2e_say "oracle: login REFUSED for $user: ssh said: $(e2e_client_said "$log.client")"
	# The lines that explain a refusal, if sshd logged any.
	grep -E 'refused|Could not open|not allowed|Invalid user|denied|fatal|error' "$log" 2> /dev/null |
		grep -v '^oracle:' | head -n5 | sed 's/^/oracle:   sshd: /' >&2 || true
	grep -E '^oracle: (fail2ban: .* banned|.*failed \()' "$log" | sed 's/^oracle: /oracle:   boot: /' >&2 || true
	e2e_say "oracle: sshd log: $log"
	return 1
}

# -------------------------------------------------------------- manifests
# The line format of tests/manifest.sh: path, type, mode, uid:gid, links,
# size, sha256, link target, xattrs ("name=0xHEX " each) -- one find, one
# sha256sum and one getfattr for all paths instead of forks per file.
# One deliberate difference: a directory's link count is "-", like its
# size.  It counts subdirectories, which the manifest lists anyway, and
# overlayfs reports 1 for every directory that has been copied up, so
# comparing it would report a copy-up, not a change.
#
# e2e_manifest_paths BASE < list of "./rel" paths (or ".") -> lines on stdout
e2e_manifest_paths() {
	local base=$1 tmp
	tmp=$(mktemp -d "${E2E_TMP:-/tmp}/sshfix-e2e-mf.XXXXXX")
	(
		cd "$base" || exit 1
		export LC_ALL=C
		: > "$tmp/exist"
		while IFS= read -r p; do
			if [ -e "$p" ] || [ -L "$p" ]; then
				printf '%s\0' "$p" >> "$tmp/exist"
			else
				printf '%s\tabsent\n' "$p" >> "$tmp/absent"
			fi
		done
		if [ -s "$tmp/exist" ]; then
			find -files0-from "$tmp/exist" -maxdepth 0 \
				-printf '%p\t%y\t%#m\t%U\t%G\t%n\t%s\t%l\n' > "$tmp/stat"
		else
			: > "$tmp/stat"
		fi
		awk -F '\t' '$2 == "f" { print $1 }' "$tmp/stat" | tr '\n' '\0' |
			xargs -0 -r sha256sum -z -- | tr '\0' '\n' > "$tmp/sums"
		xargs -0 -r getfattr -h -d -m - -e hex --absolute-names -- \
			< "$tmp/exist" > "$tmp/xattrs" 2> /dev/null || true
		awk -F '\t' -v OFS='\t' '
		function unoct(s,   out, i, c) {	# getfattr escapes names as \ooo
			out = ""
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c == "\\" && substr(s, i + 1, 3) ~ /^[0-7][0-7][0-7]$/) {
					out = out sprintf("%c", (substr(s, i + 1, 1) * 64) + (substr(s, i + 2, 1) * 8) + substr(s, i + 3, 1))
					i += 3
				} else out = out c
			}
			return out
		}
		FILENAME ~ /sums$/ { sum[substr($0, 67)] = substr($0, 1, 64); next }
		FILENAME ~ /xattrs$/ {
			if ($0 ~ /^# file: /) { cur = unoct(substr($0, 9)); next }
			if ($0 != "") xa[cur] = xa[cur] $0 " "
			next
		}
		{
			s = ($2 == "f") ? sum[$1] : "-"
			size = ($2 == "d") ? "-" : $7
			nl = ($2 == "d") ? "-" : $6
			print $1, $2, $3, $4 ":" $5, nl, size, s, $8, xa[$1]
		}' "$tmp/sums" "$tmp/xattrs" "$tmp/stat"
		[ -f "$tmp/absent" ] && cat "$tmp/absent"
		true
	) | LC_ALL=C sort
	rm -rf "$tmp"
}

# Every path of a tree, for e2e_manifest_paths (a full manifest).
e2e_all_paths() {
	(cd "$1" && find . -xdev -path ./var/lib/sshfix -prune -o -print)
}

# Why the upper dir is enough (RULES of overlayfs, with redirect_dir,
# metacopy and index off as e2e_overlay_up mounts it): overlayfs never
# writes the lower dir, and any change made through the merged view --
# content, mode, owner, xattr, create, delete (whiteout), replace -- puts
# the changed path into upper (a full copy-up of the file and its parent
# directories).  So a path that is not in upper, under no whiteout, opaque
# directory or non-directory of upper, looks in the merged view exactly as
# it does in the (unchanging) lower dir.  A snapshot therefore records the
# merged manifest of the paths in upper plus which of them hide lower
# entries; e2e_compare fills in every other path from the lower dir, which
# is the same full comparison at a fraction of the cost (tens of paths
# instead of 12,000 files and 260 MB of hashing).
#
# e2e_snapshot OUT  (of the current E2E_UPPER/E2E_MERGED): writes OUT.paths,
# OUT.manifest and OUT.hide (upper paths below which lower entries are
# hidden: whiteouts, opaque directories, non-directories).
e2e_snapshot() {
	local out=$1
	(cd "$E2E_UPPER" && find . -print) | LC_ALL=C sort > "$out.paths"
	e2e_manifest_paths "$E2E_MERGED" < "$out.paths" > "$out.manifest"
	{
		awk -F '\t' '$2 != "d" { print $1 }' "$out.manifest"
		(cd "$E2E_UPPER" && getfattr -R -h --absolute-names -n trusted.overlay.opaque . 2> /dev/null |
			sed -n 's/^# file: //p')
	} | LC_ALL=C sort -u > "$out.hide"
}

# The merged manifest of snapshot $1 over the path set in $2: recorded
# lines for its own upper paths; "absent" below anything it hides; the
# lower dir's line otherwise.
_e2e_fill() {
	local snap=$1 set=$2 tmp
	tmp=$(mktemp "${E2E_TMP:-/tmp}/sshfix-e2e-fill.XXXXXX")
	LC_ALL=C comm -13 "$snap.paths" "$set" |
		awk 'FILENAME == ARGV[1] { hide[$0] = 1; next }
		{
			p = $0; h = 0
			while (match(p, /\/[^\/]*$/) && RSTART > 1) {
				p = substr(p, 1, RSTART - 1)
				if (p in hide) { h = 1; break }
			}
			print (h ? "H" : "L") "\t" $0
		}' "$snap.hide" - > "$tmp"
	{
		awk -F '\t' '$1 == "L" { print $2 }' "$tmp" | e2e_manifest_paths "$E2E_LOWER"
		awk -F '\t' -v OFS='\t' '$1 == "H" { print $2, "absent" }' "$tmp"
		cat "$snap.manifest"
	} | LC_ALL=C sort
	rm -f "$tmp"
}

# e2e_compare A B [keep-journal]: 0 if the trees of snapshots A and B are
# equal (diff on stderr otherwise).  Paths are those in either upper dir
# plus every lower path below a directory that either of them hides.
# sshfix's undo store (var/lib/sshfix) is left out, as in tests/manifest.sh,
# unless the third argument is "keep-journal" (dry-run must not write even
# that).
e2e_compare() {
	local a=$1 b=$2 keep=${3:-} set rc=0 d
	set=$(mktemp "${E2E_TMP:-/tmp}/sshfix-e2e-set.XXXXXX")
	{
		cat "$a.paths" "$b.paths"
		cat "$a.hide" "$b.hide" | while IFS= read -r d; do
			[ -d "$E2E_LOWER/$d" ] && [ ! -L "$E2E_LOWER/$d" ] &&
				(cd "$E2E_LOWER" && find "$d" -mindepth 1)
		done
	} | { if [ "$keep" = keep-journal ]; then cat; else grep -v '^\./var/lib/sshfix\(/\|$\)'; fi; } |
		LC_ALL=C sort -u > "$set"
	if ! diff -u <(_e2e_fill "$a" "$set" | _e2e_only "$set") \
		<(_e2e_fill "$b" "$set" | _e2e_only "$set") > "$set.diff"; then
		rc=1
		sed 's/^/    /' "$set.diff" | head -n 40 >&2
	fi
	rm -f "$set" "$set.diff"
	return "$rc"
}

# Keep only manifest lines whose path is in the set $1.
_e2e_only() {
	awk -F '\t' 'FILENAME == ARGV[1] { want[$0] = 1; next } ($1 in want)' "$1" -
}

# ------------------------------------------------------------ packages
# e2e_install_firewalld ROOT: on a scenario's overlay, install firewalld
# and what it needs, offline, from the .debs build-root.sh keeps in
# extra-debs/firewalld/ (no daemon starts: policy-rc.d; no network, own pid
# namespace).  It is enabled as the package's postinst leaves it.
e2e_install_firewalld() {
	local r=$1
	mkdir -p "$r/tmp/e2e-debs"
	cp "$E2E_IMAGE"/extra-debs/firewalld/*.deb "$r/tmp/e2e-debs/"
	printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"
	chmod 0755 "$r/usr/sbin/policy-rc.d"
	unshare --net --pid --fork --kill-child --mount --mount-proc="$r/proc" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		chroot "$r" sh -ec 'dpkg -i /tmp/e2e-debs/*.deb > /dev/null'
	rm -rf "$r/tmp/e2e-debs" "$r/usr/sbin/policy-rc.d"
}

# e2e_swap_in_iptables_persistent ROOT: on a scenario's overlay, replace
# ufw by iptables-persistent + netfilter-persistent (ufw declares Breaks on
# it, so the cached root cannot hold both), offline, from the .debs that
# build-root.sh keeps in extra-debs/.  Debconf is told not to save the
# current rules; the scenario writes /etc/iptables/rules.v4 itself.
# Like the build, dpkg runs without network in its own pid namespace, so
# no maintainer script can touch the host's firewall or processes.
e2e_swap_in_iptables_persistent() {
	local r=$1
	mkdir -p "$r/tmp/e2e-debs"
	cp "$E2E_IMAGE"/extra-debs/*.deb "$r/tmp/e2e-debs/"
	printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"
	chmod 0755 "$r/usr/sbin/policy-rc.d"
	unshare --net --pid --fork --kill-child --mount --mount-proc="$r/proc" \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		chroot "$r" sh -ec '
		printf "%s\n" "iptables-persistent iptables-persistent/autosave_v4 boolean false" \
			"iptables-persistent iptables-persistent/autosave_v6 boolean false" |
			debconf-set-selections
		dpkg --purge ufw
		dpkg -i /tmp/e2e-debs/*.deb'
	rm -rf "$r/tmp/e2e-debs" "$r/usr/sbin/policy-rc.d"
}
