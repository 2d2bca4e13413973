# SPDX-License-Identifier: GPL-2.0-or-later
# sshfix-boot.sh: run sshfix against the real root from an initramfs.
#
# Shared by the initramfs-tools boot script (scripts/local-bottom/sshfix,
# which sources it as /scripts/sshfix-boot) and the dracut pre-pivot hook
# (which sources it as /lib/sshfix/sshfix-boot.sh).  Each of them reads its
# own kernel command line parameter and calls
#
#	sshfix_boot VALUE ROOTDIR [TIMEOUT [BINARY [PARAM]]]
#
# VALUE is the parameter's value: words separated by commas, one mode
# ("dry-run" or "apply") and, optionally, the consent of `sshfix --yes`:
#	apply		sshfix --apply
#	apply,yes	sshfix --apply --yes	(every repair that needs a yes)
#	apply,yes=ID+ID	sshfix --apply --yes=ID,ID	(only these problems or checks)
# Ids are joined with "+" because the comma already separates the words.
# Unknown words, malformed ids and ids this sshfix does not know are
# ignored, each with one line on the console; without a mode nothing runs.
# ROOTDIR is where the real root is mounted (${rootmnt}, $NEWROOT).
# TIMEOUT is in seconds (default 120); BINARY defaults to /sbin/sshfix.
# PARAM is the parameter's name ("sshfix", dracut: "rd.sshfix"), used only
# in what the console shows.
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
# first and assigned after.  Helpers fill in variables their caller
# declared local (every one of those shells scopes locals dynamically), so
# nothing is left behind in a shell that sources this file.  The tools used
# are the ones both initramfs flavours carry: mount, cat, mkdir, kill, sleep;
# timeout, date, sync and rm only when present.  The parameter's words are
# split with parameter expansion, never with IFS or globbing.
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

# sshfix_parse_value VALUE PARAM: split the parameter's value (see the top of
# this file) into the caller's locals `mode` (dry-run, apply, or empty when
# there is none) and `yes` (empty: no consent; "all": --yes; else the ids,
# comma-separated, for --yes=).  Every word that is not understood is said
# and ignored; two different modes run the dry-run, which changes nothing.
sshfix_parse_value() {
	local rest word ids id good
	rest=$1 mode='' yes=''
	# A value quoted on the kernel command line keeps its quotes in
	# /proc/cmdline: sshfix="apply,yes".
	rest=${rest#\"}
	rest=${rest%\"}
	rest=$rest,
	while [ -n "$rest" ]; do
		word=${rest%%,*}
		rest=${rest#*,}
		case $word in
		'') ;;
		dry-run|apply)
			if [ -n "$mode" ] && [ "$mode" != "$word" ]; then
				sshfix_say "both dry-run and apply in $2=$1: running the dry-run, which changes nothing"
				mode=dry-run
			elif [ -z "$mode" ]; then
				mode=$word
			fi
			;;
		yes)
			yes=all
			;;
		yes=*)
			ids=${word#yes=}+ good=
			while [ -n "$ids" ]; do
				id=${ids%%+*}
				ids=${ids#*+}
				case $id in
				'') ;;
				*[!a-z0-9-]*|-*)
					sshfix_say "ignoring '$id' in $2=$1: not a problem or check id"
					;;
				*)
					good=${good:+$good,}$id
					;;
				esac
			done
			# "yes" alone consents to everything; that wins.
			if [ "$yes" = all ]; then
				:
			elif [ -n "$good" ]; then
				yes=${yes:+$yes,}$good
			else
				sshfix_say "ignoring '$word' in $2=$1: it names no problem or check id (yes=ID+ID, or yes for all)"
			fi
			;;
		*)
			sshfix_say "ignoring unknown word '$word' in $2=$1 (use dry-run or apply, and yes or yes=ID+ID)"
			;;
		esac
	done
}

# sshfix_known_ids BINARY: keep only those of the caller's `yes` ids that
# the binary knows, as its --list-checks lists them (a check's id at the
# start of a line, its problems' ids indented below), saying which are
# dropped.  sshfix refuses an unknown id as a usage error and would then do
# nothing at all: one mistyped id must not cost the boot its repair.  If the
# list cannot be had, the ids are passed on as given.
sshfix_known_ids() {
	local list rest id first line known kept
	list=/run/sshfix.ids
	[ -d /run ] && [ -w /run ] || list=/sshfix.ids
	if ! sshfix_run_limited 20 "$list" "$1" --list-checks; then
		command -v rm > /dev/null 2>&1 && rm -f "$list"
		return 0
	fi
	rest=$yes, kept=
	while [ -n "$rest" ]; do
		id=${rest%%,*}
		rest=${rest#*,}
		[ -n "$id" ] || continue
		known=no
		while read -r first line; do
			if [ "$first" = "$id" ] || [ "$first" = "$id:" ]; then
				known=yes
				break
			fi
		done < "$list"
		if [ "$known" = yes ]; then
			kept=${kept:+$kept,}$id
		else
			sshfix_say "ignoring '$id' in yes=: this sshfix knows no such problem or check (see sshfix --list-checks)"
		fi
	done
	command -v rm > /dev/null 2>&1 && rm -f "$list"
	yes=$kept
}

# sshfix_consent_hint OUTFILE PARAM: when the report left repairs for want
# of a yes, name the parameter that gives it ("needs confirmation
# (--interactive, or --yes=ID)" is what sshfix prints for each of them).
sshfix_consent_hint() {
	local line id ids
	ids=
	while IFS= read -r line; do
		case $line in
		*"needs confirmation (--interactive, or --yes="*")"*)
			id=${line##*--yes=}
			id=${id%%)*}
			case +$ids+ in
			*+$id+*) ;;
			*) ids=${ids:+$ids+}$id ;;
			esac
			;;
		esac
	done < "$1"
	[ -n "$ids" ] || return 0
	sshfix_say "repairs that need a yes were left alone; to consent, boot once with $2=apply,yes=$ids (or $2=apply,yes for all of them)"
}

# sshfix_boot VALUE ROOTDIR [TIMEOUT [BINARY [PARAM]]]: see the top of this file.
# Always returns 0.
sshfix_boot() {
	local value root limit bin param mode yes yes_opt state remounted run_mode out rc when header
	value=$1 root=$2 limit=${3:-120} bin=${4:-/sbin/sshfix} param=${5:-sshfix} remounted=no

	sshfix_parse_value "$value" "$param"
	if [ -z "$mode" ]; then
		sshfix_say "no mode in $param=$value (use dry-run or apply); nothing done; boot continues"
		return 0
	fi
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
	case $yes in
	'') yes_opt= ;;
	all) yes_opt=--yes ;;
	*)
		sshfix_known_ids "$bin"
		if [ -n "$yes" ]; then
			yes_opt=--yes=$yes
		else
			yes_opt=
			sshfix_say "no known id left in yes=: running without consent"
		fi
		;;
	esac

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
	sshfix_say "running sshfix --$run_mode${yes_opt:+ $yes_opt} on the root file system (time limit ${limit} s)"
	# $yes_opt is one word or none: ids hold only [a-z0-9-] and commas.
	# shellcheck disable=SC2086
	sshfix_run_limited "$limit" "$out" "$bin" --root "$root" "--$run_mode" $yes_opt --no-color
	rc=$?

	# The report, on the console whatever happened.
	cat "$out" 2> /dev/null
	sshfix_say "exit status $rc: $(sshfix_status_text "$rc")"
	sshfix_consent_hint "$out" "$param"

	if [ "$run_mode" = apply ]; then
		when=unknown
		command -v date > /dev/null 2>&1 &&
			when=$(date -u '+%Y-%m-%d %H:%M:%S UTC' 2> /dev/null)
		# The report's "Undo with:" line names the command for the
		# booted system; say where the root was, for the other lines.
		header="==== sshfix --apply${yes_opt:+ $yes_opt} from the initramfs, $when, kernel $(cat /proc/sys/kernel/osrelease 2> /dev/null), exit status $rc ($(sshfix_status_text "$rc")) ====
(the root file system was mounted at $root: paths in this report are inside it; in the booted system, use no --root)"
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
