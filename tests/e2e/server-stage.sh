#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# server-stage.sh ROOT WORKDIR LOG [SSHD_EXTRA_OPT...]
#
# The server half of the login oracle (lib.sh: e2e_login).  It runs as pid 1
# of fresh pid, mount and network namespaces made by e2e_login, and plays the
# target's boot as far as SSH is concerned:
#   1. its own copy of ROOT: an overlay whose upper dir is on a tmpfs, so
#      nothing the boot writes (fail2ban's DB, wtmp, lastlog) reaches ROOT;
#   2. proc, a minimal dev and a fresh tmpfs /run mounted into it;
#   3. the persistent firewall, loaded by the target's own tools, chrooted
#      (firewalld: the daemon itself, on a private system bus);
#   4. fail2ban, when enabled and it has a ban database to restore from;
#   5. what boot makes in /run for sshd: systemd-tmpfiles' lines for
#      /run/sshd, then ssh.service's RuntimeDirectory= (not a /run/sshd made
#      unconditionally: a unit or tmpfiles.d without it is a real breakage);
#   6. systemd-user-sessions.service, when multi-user.target pulls it in and
#      it is not masked: the target's own `systemd-user-sessions start`,
#      which removes /etc/nologin and /run/nologin (RULES §6.2);
#   7. sshd-keygen.service (Debian 13): on a first boot only (no
#      /etc/machine-id, or "uninitialized"), the target's `ssh-keygen -A`;
#   8. ssh.service: ExecStartPre `sshd -t`, ExecStart `sshd -D $SSHD_OPTS`
#      (plus -e so the log is ours), after checking that the unit's own
#      Exec lines are those two (anything else is not modelled: an error,
#      never a guess).  sshd runs chrooted, so the sshd-session and
#      sshd-auth it starts (OpenSSH 9.8, 10.0) are the target's, at the
#      paths compiled into it; no option of ours changes them.
# The target's configuration is never changed: in particular no
# PerSourcePenaltyExemptList (OpenSSH 9.8+).  Each login boots a fresh sshd,
# and penalties live in sshd's memory, so a login refused in one phase of a
# scenario cannot penalise the client in the next (selftest.sh shows both).
# It reports through WORKDIR/status (one line per event) and waits for
# WORKDIR/go (the veth is configured) before starting sshd.
#
# Nothing here needs cleaning up: when e2e_login kills the `unshare` above
# us we get SIGKILL (--kill-child), the kernel kills every process of this
# pid namespace, and the mount namespace with all its mounts goes with it.
set -eu

root=$1 work=$2 log=$3
shift 3
sshd_extra=("$@")
r=$work/mnt/merged

status() { printf '%s\n' "$*" >> "$work/status"; }
note() { printf 'oracle: %s\n' "$*" >> "$log"; }

# The target's own program, chrooted, with none of our environment.
in_target() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C chroot "$r" "$@"
}

# A unit is enabled at boot when some *.wants/ directory links it
# (RULES §11.2) and it is not masked.
unit_enabled() {
	local u=$1 l
	for l in "$r"/etc/systemd/system/*.wants/"$u"; do
		if [ -e "$l" ] || [ -L "$l" ]; then
			unit_masked "$u" && return 1
			return 0
		fi
	done
	return 1
}

unit_masked() {
	local l=$r/etc/systemd/system/$1
	{ [ -L "$l" ] && [ "$(readlink "$l")" = /dev/null ]; } ||
		{ [ -f "$l" ] && [ ! -s "$l" ]; }
}

mount_root() {
	mkdir -p "$work/mnt"
	mount -t tmpfs -o mode=0700 sshfix-e2e-oracle "$work/mnt"
	mkdir "$work/mnt/upper" "$work/mnt/work" "$r"
	if ! mount -t overlay sshfix-e2e-oracle \
		-o "lowerdir=$root,upperdir=$work/mnt/upper,workdir=$work/mnt/work" "$r"; then
		status "error: cannot mount an overlay over $root (is it already two overlays deep?)"
		exit 1
	fi
	mkdir -p "$r/proc" "$r/dev" "$r/run"
	mount -t proc proc "$r/proc"
	# A minimal /dev of our own rather than the host's: the target's tools
	# get what sshd and the firewall tools need and nothing else.
	mount -t tmpfs -o mode=0755,nosuid dev "$r/dev"
	mknod -m 0666 "$r/dev/null" c 1 3
	mknod -m 0666 "$r/dev/zero" c 1 5
	mknod -m 0666 "$r/dev/full" c 1 7
	mknod -m 0666 "$r/dev/random" c 1 8
	mknod -m 0666 "$r/dev/urandom" c 1 9
	mknod -m 0666 "$r/dev/tty" c 5 0
	mkdir "$r/dev/pts" "$r/dev/shm"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$r/dev/pts"
	ln -s pts/ptmx "$r/dev/ptmx"
	ln -s /proc/self/fd "$r/dev/fd"
	mount -t tmpfs -o mode=1777,nosuid,nodev shm "$r/dev/shm"
	# A fresh /run, as after a reboot: nothing from a previous boot.
	mount -t tmpfs -o mode=0755,nosuid,nodev run "$r/run"
}

# Debian's units, as boot runs them (ExecStart lines of nftables.service,
# netfilter-persistent.service, ufw.service).  A unit that fails at boot
# leaves whatever it loaded so far, and so do we.
load_firewall() {
	if unit_enabled netfilter-persistent.service && [ -x "$r/usr/sbin/netfilter-persistent" ]; then
		note "boot: netfilter-persistent start"
		in_target /usr/sbin/netfilter-persistent start >> "$log" 2>&1 ||
			note "netfilter-persistent failed ($?)"
	fi
	if unit_enabled nftables.service && [ -x "$r/usr/sbin/nft" ]; then
		note "boot: nft -f /etc/nftables.conf"
		in_target /usr/sbin/nft -f /etc/nftables.conf >> "$log" 2>&1 ||
			note "nftables.service failed ($?)"
	fi
	# firewalld (RULES §8.5) builds its ruleset from its zones at start and
	# takes orders over D-Bus: a system bus of our own (this pid namespace's,
	# gone with it), then the target's own firewalld, until it says it runs.
	if unit_enabled firewalld.service && [ -x "$r/usr/sbin/firewalld" ]; then
		note "boot: dbus-daemon --system, firewalld --nofork --nopid"
		mkdir -p "$r/run/dbus"
		in_target /usr/bin/dbus-daemon --system --fork --nopidfile >> "$log" 2>&1 ||
			note "dbus-daemon failed ($?)"
		in_target /usr/sbin/firewalld --nofork --nopid >> "$log" 2>&1 &
		# "running" once its zones are in the kernel (1.x and 2.x alike)
		for _ in $(seq 150); do
			[ "$(in_target /usr/bin/firewall-cmd --state 2> /dev/null)" = running ] && break
			sleep 0.2
		done
		[ "$(in_target /usr/bin/firewall-cmd --state 2> /dev/null)" = running ] ||
			note "firewalld did not load its zones in 30 s"
	fi
	# ufw-init itself reads ENABLED= in /etc/ufw/ufw.conf and loads nothing
	# unless it is yes: the target's own logic decides (RULES §8.4).
	if unit_enabled ufw.service && [ -x "$r/lib/ufw/ufw-init" ]; then
		note "boot: /lib/ufw/ufw-init start quiet"
		in_target /lib/ufw/ufw-init start quiet >> "$log" 2>&1 ||
			note "ufw.service failed ($?)"
	fi
}

# The firewall as the kernel has it now, for waiting on restored bans.
ruleset() {
	in_target /usr/sbin/iptables-save 2>/dev/null || true
	in_target /usr/sbin/ip6tables-save 2>/dev/null || true
	in_target /usr/sbin/nft list ruleset 2>/dev/null || true
}

# fail2ban restores bans from its database at start (RULES §10.1).  We let
# the target's own fail2ban-server do it rather than imitating it.  Without
# a database there is nothing to restore and nothing it could ban in the
# second this boot lasts, so we do not pay its start-up then.
start_fail2ban() {
	local db=/var/lib/fail2ban/fail2ban.sqlite3 ips ip
	unit_enabled fail2ban.service || return 0
	[ -x "$r/usr/bin/fail2ban-server" ] || return 0
	if [ ! -f "$r$db" ]; then
		note "fail2ban enabled, no $db: no ban to restore, not started"
		return 0
	fi
	note "boot: fail2ban-server -xf start"
	mkdir -p "$r/run/fail2ban"
	in_target /usr/bin/fail2ban-server -xf start >> "$log.fail2ban" 2>&1 &
	for _ in $(seq 100); do
		in_target /usr/bin/fail2ban-client ping > /dev/null 2>&1 && break
		sleep 0.2
	done
	# The bans it should restore: only to know how long to wait for them.
	ips=$(in_target /usr/bin/python3 -c '
import sqlite3, time
c = sqlite3.connect("file:'"$db"'?mode=ro", uri=True)
for (ip,) in c.execute("SELECT DISTINCT ip FROM bips WHERE bantime < 0 OR timeofban + bantime > ?", (time.time(),)):
    print(ip)' 2> /dev/null || true)
	for ip in $ips; do
		for _ in $(seq 50); do
			ruleset | grep -qF "$ip" && break
			sleep 0.2
		done
		ruleset | grep -qF "$ip" && note "fail2ban: $ip is banned" ||
			note "fail2ban: $ip is in the database but not in the firewall after 10 s"
	done
}

# ssh.service as systemd loads it: the first unit file in the unit search
# path, then its drop-ins (ssh.service.d/*.conf in name order, a name in an
# earlier directory hiding the same name later).  Read inside the target, so
# its absolute links resolve there.  Prints the texts one after another.
ssh_unit_text() {
	# shellcheck disable=SC2016 # expanded by the target's own sh
	in_target /bin/sh -c '
	dirs="/etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /usr/lib/systemd/system /lib/systemd/system"
	for d in $dirs; do
		[ -f "$d/ssh.service" ] || continue
		cat "$d/ssh.service"; echo
		for n in $(for e in $dirs; do ls "$e/ssh.service.d" 2>/dev/null; done | grep "\.conf\$" | LC_ALL=C sort -u); do
			for e in $dirs; do
				if [ -e "$e/ssh.service.d/$n" ] || [ -L "$e/ssh.service.d/$n" ]; then
					cat "$e/ssh.service.d/$n" 2>/dev/null; echo; break
				fi
			done
		done
		exit 0
	done' 2> /dev/null || true
}

# What boot makes in /run for sshd (RULES §4.3), in boot order:
# systemd-tmpfiles-setup.service runs the target's own systemd-tmpfiles
# (here chrooted, limited to /run/sshd), then starting ssh.service makes its
# RuntimeDirectory= entries with RuntimeDirectoryMode= (default 0755; an
# empty RuntimeDirectory= resets the list, as in systemd.exec(5)).
make_run_dirs() {
	local d mode
	if [ -x "$r/usr/bin/systemd-tmpfiles" ] || [ -x "$r/bin/systemd-tmpfiles" ]; then
		in_target systemd-tmpfiles --create --boot --prefix=/run/sshd --prefix=/var/run/sshd >> "$log" 2>&1 ||
			note "systemd-tmpfiles --create failed ($?)"
		[ -d "$r/run/sshd" ] && note "boot: systemd-tmpfiles made /run/sshd"
	fi
	ssh_unit_text | awk '
		/^[ \t]*\[/ { svc = ($0 ~ /^[ \t]*\[Service\][ \t\r]*$/); next }
		!svc { next }
		{ sub(/\r$/, "") }
		/^[ \t]*RuntimeDirectory[ \t]*=/ {
			v = $0; sub(/^[^=]*=[ \t]*/, "", v)
			if (v == "") { n = 0; split("", seen); next }
			k = split(v, w, /[ \t]+/)
			for (i = 1; i <= k; i++) if (w[i] != "" && !(w[i] in seen)) { seen[w[i]] = 1; dirs[++n] = w[i] }
		}
		/^[ \t]*RuntimeDirectoryMode[ \t]*=/ { m = $0; sub(/^[^=]*=[ \t]*/, "", m); sub(/[ \t]+$/, "", m); mode = m }
		END { for (i = 1; i <= n; i++) print (mode != "" ? mode : "0755"), dirs[i] }' |
		while read -r mode d; do
			case $d in /* | *..*) continue ;; esac
			mkdir -p "$r/run/$d" && chmod "$mode" "$r/run/$d"
			note "boot: ssh.service RuntimeDirectory=$d (mode $mode)"
		done
}

# systemd-user-sessions.service: systemd ships it in multi-user.target.wants
# (a static link), so every boot into multi-user.target starts it, unless it
# is masked.  Its "start" unlinks /run/nologin and /etc/nologin; the
# target's own binary does it, chrooted, in our overlay.
user_sessions() {
	local d wanted=0 bin
	for d in /etc/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
		if [ -e "$r$d/multi-user.target.wants/systemd-user-sessions.service" ] ||
			[ -L "$r$d/multi-user.target.wants/systemd-user-sessions.service" ]; then
			wanted=1
		fi
	done
	[ "$wanted" = 1 ] || return 0
	if unit_masked systemd-user-sessions.service; then
		note "boot: systemd-user-sessions.service is masked"
		return 0
	fi
	for bin in /lib/systemd/systemd-user-sessions /usr/lib/systemd/systemd-user-sessions; do
		[ -x "$r$bin" ] || continue
		in_target "$bin" start >> "$log" 2>&1 || note "$bin start failed ($?)"
		note "boot: systemd-user-sessions start$([ -e "$r/etc/nologin" ] && echo ' (/etc/nologin is still there)')"
		return 0
	done
}

# The [Service] Exec lines of ssh.service as systemd would run them (an
# empty assignment resets the list): "pre: ..." and "start: ..." lines.
ssh_unit_exec() {
	ssh_unit_text | awk '
		/^[ \t]*\[/ { svc = ($0 ~ /^[ \t]*\[Service\][ \t\r]*$/); next }
		!svc { next }
		{ sub(/\r$/, "") }
		/^[ \t]*ExecStartPre[ \t]*=/ {
			v = $0; sub(/^[^=]*=[ \t]*/, "", v)
			if (v == "") np = 0; else pre[++np] = v
		}
		/^[ \t]*ExecStart[ \t]*=/ {
			v = $0; sub(/^[^=]*=[ \t]*/, "", v)
			if (v == "") ns = 0; else st[++ns] = v
		}
		END {
			for (i = 1; i <= np; i++) print "pre: " pre[i]
			for (i = 1; i <= ns; i++) print "start: " st[i]
		}'
}

# sshd-keygen.service (Debian 13: WantedBy=ssh.service, ConditionFirstBoot=yes):
# on a first boot, `ssh-keygen -A` makes the host keys that are missing.
# systemd's first boot is an /etc/machine-id that is missing, empty or
# "uninitialized"; an installed machine has one, so this rarely runs.
sshd_keygen() {
	local d wanted=0 id
	for d in /etc/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
		{ [ -e "$r$d/ssh.service.wants/sshd-keygen.service" ] || [ -L "$r$d/ssh.service.wants/sshd-keygen.service" ]; } && wanted=1
	done
	[ "$wanted" = 1 ] || return 0
	unit_masked sshd-keygen.service && { note "boot: sshd-keygen.service is masked"; return 0; }
	id=$(cat "$r/etc/machine-id" 2> /dev/null || true)
	if [ -n "$id" ] && [ "$id" != uninitialized ]; then
		note "boot: sshd-keygen.service: not a first boot (/etc/machine-id is set), skipped"
		return 0
	fi
	[ ! -L "$r/etc/ssh" ] && [ -d "$r/etc/ssh" ] || return 0
	note "boot: first boot (/etc/machine-id ${id:-missing}): sshd-keygen.service runs ssh-keygen -A"
	in_target ssh-keygen -A >> "$log" 2>&1 || note "ssh-keygen -A failed ($?)"
}

ssh_unit_options() {
	# EnvironmentFile=-/etc/default/ssh, read by a shell in the target; the
	# unit then splits $SSHD_OPTS on whitespace, as we do.
	in_target /bin/sh -c 'SSHD_OPTS=; [ -r /etc/default/ssh ] && . /etc/default/ssh; printf %s "$SSHD_OPTS"' 2> /dev/null || true
}

# The port the client should use, from the target's own `sshd -T`: a
# listener on the wildcard or our address wins; otherwise the first one
# (the login then fails, as it would on the machine); 22 if -T fails.
pick_port() {
	awk -v ip=192.0.2.10 '
	$1 == "listenaddress" {
		a = $2; p = a; sub(/.*:/, "", p); sub(/:[0-9]+$/, "", a)
		if (first == "") first = p
		if (a == "0.0.0.0" || a == "[::]" || a == ip) { print p; found = 1; exit }
	}
	$1 == "port" && port == "" { port = $2 }
	END { if (!found) print (first != "" ? first : (port != "" ? port : 22)) }'
}

listening() {
	local hex
	hex=$(printf ':%04X ' "$1")
	awk -v h="$hex" '$4 == "0A" && index($2 " ", h) { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2> /dev/null
}

main() {
	local opts port spid rc exec_lines helpers
	mount_root
	ip link set lo up
	load_firewall
	start_fail2ban
	make_run_dirs
	user_sessions
	sshd_keygen
	exec_lines=$(ssh_unit_exec)
	if [ "$exec_lines" != "$(printf '%s\n' 'pre: /usr/sbin/sshd -t' 'start: /usr/sbin/sshd -D $SSHD_OPTS')" ]; then
		status "error: ssh.service's Exec lines are not Debian's (the oracle runs only 'sshd -t', then 'sshd -D \$SSHD_OPTS'): $(printf '%s' "$exec_lines" | tr '\n' ';')"
		exit 0
	fi
	helpers=$(grep -aoE '/[A-Za-z0-9/._-]+/sshd-(session|auth)' "$r/usr/sbin/sshd" 2> /dev/null | sort -u | tr '\n' ' ' || true)
	[ -z "$helpers" ] || note "sshd runs the target's own ${helpers% } (paths compiled into /usr/sbin/sshd)"
	opts=$(ssh_unit_options)
	note "ExecStartPre: /usr/sbin/sshd -t"
	in_target /usr/sbin/sshd -t >> "$log" 2>&1 && rc=0 || rc=$?
	if [ "$rc" -ne 0 ]; then
		status "refused: sshd -t failed (exit $rc), so ssh.service does not start: $(grep -v '^oracle:' "$log" | tail -n1)"
		exit 0
	fi
	# shellcheck disable=SC2086 # the unit splits SSHD_OPTS on whitespace
	port=$(in_target /usr/sbin/sshd -T $opts 2> /dev/null | pick_port)
	status "port $port"
	for _ in $(seq 200); do
		[ -e "$work/go" ] && break
		sleep 0.05
	done
	note "ExecStart: /usr/sbin/sshd -D -e $opts ${sshd_extra[*]}"
	# shellcheck disable=SC2086
	in_target /usr/sbin/sshd -D -e $opts "${sshd_extra[@]}" >> "$log" 2>&1 &
	spid=$!
	for _ in $(seq 200); do
		if listening "$port"; then
			status "ready $port"
			wait "$spid" || true
			exit 0
		fi
		if ! kill -0 "$spid" 2> /dev/null; then
			wait "$spid" && rc=0 || rc=$?
			status "refused: sshd exited ($rc) instead of listening on port $port: $(grep -v '^oracle:' "$log" | tail -n1)"
			exit 0
		fi
		sleep 0.05
	done
	status "refused: sshd is not listening on port $port after 10 s"
}

main
