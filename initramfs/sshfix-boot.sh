# SPDX-License-Identifier: GPL-2.0-or-later
# sshfix-boot.sh: run sshfix against the real root from an initramfs.
#
# Shared by the initramfs-tools boot script (scripts/local-bottom/sshfix,
# which sources it as /scripts/sshfix-boot) and the dracut pre-pivot hook
# (which sources it as /lib/sshfix/sshfix-boot.sh).  Each of them reads its
# own kernel command line parameter and calls
#
#	sshfix_boot MODE ROOTDIR [TIMEOUT [BINARY]]
#
# MODE is "dry-run" or "apply"; anything else does nothing but say so.
# ROOTDIR is where the real root is mounted (${rootmnt}, $NEWROOT).
# TIMEOUT is in seconds (default 120); BINARY defaults to /sbin/sshfix.
#
# The one promise: whatever happens here, the boot goes on.  Nothing in this
# file exits, sets -e, or waits without a limit, and sshfix_boot always
# returns 0.  Both frameworks source hook files into their own shell (dracut
# does; initramfs-tools runs ours as a child, but we keep the same rules),
# so every name here starts with sshfix_ and the shell options are left as
# they were.
#
# POSIX sh plus `local`, which busybox ash, klibc's dash, dash and bash all
# have; klibc's sh splits `local x=$1` on blanks, so locals are declared
# first and assigned after.  The tools used are the ones both initramfs
# flavours carry: mount, cat, mkdir, kill, sleep; timeout, date, sync and rm
# only when present.
# shellcheck shell=sh disable=SC3043

# sshfix_say TEXT...: one line on the console, prefixed so it stands out.
sshfix_say() {
	echo "sshfix: $*"
}

# sshfix_root_opt DIR: print "ro" or "rw", as the last /proc/mounts entry for
# DIR says (the last one is the one on top), or nothing when DIR is not a
# mount point.
sshfix_root_opt() {
	local mnt opts state
	state=
	while read -r _ mnt _ opts _; do
		[ "$mnt" = "$1" ] || continue
		case ",$opts," in
		*,ro,*) state=ro ;;
		*) state=rw ;;
		esac
	done < /proc/mounts
	echo "$state"
}

# sshfix_run_limited SECONDS OUTFILE PROG ARGS...: run PROG with stdout and
# stderr in OUTFILE, send it SIGTERM after SECONDS and SIGKILL 10 s later.
# Returns PROG's status; 124 when it was stopped for taking too long.
# Uses timeout(1) when the initramfs has a usable one (busybox's and
# coreutils' both take -k), else a background job polled with kill -0, so
# that no stray sleep is left behind in either case.
sshfix_run_limited() {
	local limit out pid rc ticks step stop termed
	limit=$1 out=$2 ticks=0 step=1 termed=no
	shift 2
	if command -v timeout > /dev/null 2>&1 &&
	   timeout -k 1 5 true > /dev/null 2>&1; then
		timeout -k 10 "$limit" "$@" > "$out" 2>&1
		rc=$?
		# coreutils says 124 on a timeout, busybox 128+signal.
		case $rc in
		124|137|143) return 124 ;;
		esac
		return $rc
	fi
	"$@" > "$out" 2>&1 &
	pid=$!
	# Time in tenths of a second: ten polls a second where sleep takes
	# fractions (busybox, coreutils, klibc), one where it does not.
	stop=$((limit * 10))
	while kill -0 "$pid" 2> /dev/null; do
		if [ "$ticks" -ge "$stop" ]; then
			if [ "$termed" = no ]; then
				kill -TERM "$pid" 2> /dev/null
				termed=yes
				stop=$((ticks + 100))
			else
				kill -KILL "$pid" 2> /dev/null
				break
			fi
		fi
		if [ "$step" = 1 ] && sleep 0.1 2> /dev/null; then
			:
		else
			step=10
			sleep 1
		fi
		ticks=$((ticks + step))
	done
	wait "$pid"
	rc=$?
	[ "$termed" = yes ] && return 124
	return $rc
}

# sshfix_status_text RC: what sshfix's exit status means.  It is a bitmask
# as in fsck (sshfix(8)): 1 fixed, 4 left unfixed, 8 operational error,
# 16 usage error; 124 is ours (stopped by the time limit) and 126/127 the
# shell's (could not run it).
sshfix_status_text() {
	local rc text
	rc=$1 text=
	case $rc in
	0) echo "nothing wrong"; return ;;
	124) echo "stopped: took longer than the time limit"; return ;;
	126|127) echo "could not run the sshfix binary"; return ;;
	esac
	if [ "$rc" -ge 32 ]; then
		echo "unexpected exit status"
		return
	fi
	[ $((rc & 1)) -ne 0 ] && text="${text:+$text, }problems fixed"
	[ $((rc & 4)) -ne 0 ] && text="${text:+$text, }problems left unfixed"
	[ $((rc & 8)) -ne 0 ] && text="${text:+$text, }operational error"
	[ $((rc & 16)) -ne 0 ] && text="${text:+$text, }usage error"
	echo "${text:-unexpected exit status}"
}

# sshfix_append_log ROOTDIR OUTFILE HEADER: append HEADER and the report to
# ROOTDIR/var/log/sshfix.log (created 0600: the report names users and
# paths).  The path is refused if /var, /var/log or the log itself is a
# symlink: on Ubuntu /var/log is writable by group syslog, and an appended
# report must not land in whatever file such a link names.  Nothing of the
# target runs yet at this point of the boot, so checking first is not racy.
sshfix_append_log() {
	local root out header log
	root=$1 out=$2 header=$3
	log=$root/var/log/sshfix.log
	if [ -L "$root/var" ] || [ -L "$root/var/log" ] || [ -L "$log" ] ||
	   { [ -e "$log" ] && [ ! -f "$log" ]; }; then
		sshfix_say "not writing /var/log/sshfix.log: it or a parent is a symlink or not a regular file"
		return 1
	fi
	if [ ! -d "$root/var/log" ] && ! mkdir -p "$root/var/log"; then
		sshfix_say "cannot create /var/log on the root file system; the report is only on the console"
		return 1
	fi
	if ! (umask 077 && {
		echo "$header"
		cat "$out"
		echo
	} >> "$log"); then
		sshfix_say "cannot write /var/log/sshfix.log; the report is only on the console"
		return 1
	fi
	return 0
}

# sshfix_boot MODE ROOTDIR [TIMEOUT [BINARY]]: see the top of this file.
# Always returns 0.
sshfix_boot() {
	local mode root limit bin state remounted run_mode out rc when header
	mode=$1 root=$2 limit=${3:-120} bin=${4:-/sbin/sshfix} remounted=no

	case $mode in
	dry-run|apply) ;;
	*)
		sshfix_say "ignoring unknown mode '$mode' (use dry-run or apply); boot continues"
		return 0
		;;
	esac
	case $limit in
	''|*[!0-9]*|0)
		sshfix_say "ignoring time limit '$limit', using 120 s"
		limit=120
		;;
	esac
	if [ ! -x "$bin" ]; then
		sshfix_say "no sshfix binary in this initramfs ($bin); rebuild it with the sshfix hook installed; boot continues"
		return 0
	fi
	state=$(sshfix_root_opt "$root")
	if [ -z "$state" ]; then
		sshfix_say "the root file system is not mounted at $root; nothing done; boot continues"
		return 0
	fi

	# Dry-run never touches the mount: whatever the boot chose stays.
	# Apply needs it writable; if it cannot be, show what is wrong anyway.
	run_mode=$mode
	if [ "$mode" = apply ] && [ "$state" = ro ]; then
		if mount -o remount,rw "$root"; then
			remounted=yes
		else
			sshfix_say "cannot remount $root read-write; running a dry-run instead"
			run_mode=dry-run
		fi
	fi

	# The initramfs's own memory file system, not the target.  Created
	# 0600 first: the report names users and paths, and initramfs-tools
	# moves /run into the booted system (klibc-only initramfs has no rm).
	out=/run/sshfix.out
	[ -d /run ] && [ -w /run ] || out=/sshfix.out
	(umask 077 && : > "$out")
	sshfix_say "running sshfix --$run_mode on the root file system (time limit ${limit} s)"
	sshfix_run_limited "$limit" "$out" "$bin" --root "$root" "--$run_mode" --no-color
	rc=$?

	# The report, on the console whatever happened.
	cat "$out" 2> /dev/null
	sshfix_say "exit status $rc: $(sshfix_status_text "$rc")"

	if [ "$run_mode" = apply ]; then
		when=unknown
		command -v date > /dev/null 2>&1 &&
			when=$(date -u '+%Y-%m-%d %H:%M:%S UTC' 2> /dev/null)
		# The report names the target as the initramfs saw it ($root);
		# say so, or an "Undo with: ... --root /root" line misleads.
		header="==== sshfix --apply from the initramfs, $when, kernel $(cat /proc/sys/kernel/osrelease 2> /dev/null), exit status $rc ($(sshfix_status_text "$rc")) ====
(the root file system was mounted at $root: in the booted system, use --root / or no --root)"
		if sshfix_append_log "$root" "$out" "$header"; then
			sshfix_say "report appended to /var/log/sshfix.log on the root file system"
		fi
		command -v sync > /dev/null 2>&1 && sync
	fi
	if [ "$remounted" = yes ] && ! mount -o remount,ro "$root"; then
		sshfix_say "could not remount $root read-only again; it stays read-write"
	fi
	command -v rm > /dev/null 2>&1 && rm -f "$out"
	sshfix_say "done; boot continues"
	return 0
}
