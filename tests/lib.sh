# SPDX-License-Identifier: GPL-2.0-or-later
# Shell helpers for the tree tier: build small fake roots.  Sourced by
# run-cases.sh, crash-undo.sh, bench/ and the README demo; a case's `setup`
# uses them with $ROOT set.

# A healthy Debian-like root: accounts, sshd_config with its Include, host
# keys, a fake sshd binary that carries the version string sshfix reads,
# and alice (uid 1000) with a working ~/.ssh/authorized_keys.
mkroot() {
	r=$1
	mkdir -p "$r/etc/ssh/sshd_config.d" "$r/usr/sbin" "$r/var/lib" "$r/home" "$r/root" "$r/tmp"
	chmod 0700 "$r/root"
	chmod 1777 "$r/tmp"
	cat > "$r/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
P
	cat > "$r/etc/group" <<'G'
root:x:0:
daemon:x:1:
users:x:100:
nogroup:x:65534:
G
	cat > "$r/etc/shadow" <<'S'
root:*:19700:0:99999:7:::
daemon:*:19700:0:99999:7:::
sshd:*:19700:0:99999:7:::
nobody:*:19700:0:99999:7:::
S
	chmod 0640 "$r/etc/shadow"
	cat > "$r/etc/os-release" <<'O'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
ID=debian
O
	cat > "$r/etc/ssh/sshd_config" <<'C'
Include /etc/ssh/sshd_config.d/*.conf
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem	sftp	/usr/lib/openssh/sftp-server
C
	set_sshd_version "$r" "OpenSSH_9.2p1 Debian-2+deb12u6"
	# The users' login shell, a stand-in like sshd: sshd refuses a user
	# whose shell does not exist (RULES §6.1).  Merged /usr, as Debian 12.
	mkdir -p "$r/usr/bin"
	[ -e "$r/bin" ] || [ -L "$r/bin" ] || ln -s usr/bin "$r/bin"
	printf '\177ELF-not-really bash\n' > "$r/usr/bin/bash"
	chmod 0755 "$r/usr/bin/bash"
	for t in rsa ecdsa ed25519; do
		printf 'fake %s private key\n' "$t" > "$r/etc/ssh/ssh_host_${t}_key"
		printf 'ssh-%s AAAAfake root@host\n' "$t" > "$r/etc/ssh/ssh_host_${t}_key.pub"
		chmod 0600 "$r/etc/ssh/ssh_host_${t}_key"
		chmod 0644 "$r/etc/ssh/ssh_host_${t}_key.pub"
	done
	systemd_units "$r" debian
	add_user "$r" alice 1000
}

# pam_debian ROOT — Debian 12's PAM configuration for sshd, as libpam-runtime
# and openssh-server ship it (/etc/pam.d/sshd with pam_access commented out,
# the common-* files, other), and its module directory with a stand-in for
# each module those lines name (RULES §13.4).
pam_debian() {
	r=$1
	mkdir -p "$r/etc/pam.d" "$r/etc/security" "$r/usr/lib/x86_64-linux-gnu/security"
	[ -e "$r/lib" ] || [ -L "$r/lib" ] || ln -s usr/lib "$r/lib"
	cat > "$r/etc/pam.d/sshd" <<'P'
# PAM configuration for the Secure Shell service

# Standard Un*x authentication.
@include common-auth

# Disallow non-root logins when /etc/nologin exists.
account    required     pam_nologin.so

# Uncomment and edit /etc/security/access.conf if you need to set complex
# access limits that are hard to express in sshd_config.
# account  required     pam_access.so

# Standard Un*x authorization.
@include common-account

# SELinux needs to be the first session rule.  This ensures that any
# lingering context has been cleared.  Without this it is possible that a
# module could execute code in the wrong domain.
session [success=ok ignore=ignore module_unknown=ignore default=bad]        pam_selinux.so close

# Set the loginuid process attribute.
session    required     pam_loginuid.so

# Create a new session keyring.
session    optional     pam_keyinit.so force revoke

# Standard Un*x session setup and teardown.
@include common-session

# Print the message of the day upon successful login.
# This includes a dynamically generated part from /run/motd.dynamic
# and a static (admin-editable) part from /etc/motd.
session    optional     pam_motd.so  motd=/run/motd.dynamic
session    optional     pam_motd.so noupdate

# Print the status of the user's mailbox upon successful login.
session    optional     pam_mail.so standard noenv # [1]

# Set up user limits from /etc/security/limits.conf.
session    required     pam_limits.so

# Read environment variables from /etc/environment and
# /etc/security/pam_env.conf.
session    required     pam_env.so # [1]
# In Debian 4.0 (etch), locale-related environment variables were moved to
# /etc/default/locale, so read that as well.
session    required     pam_env.so user_readenv=1 envfile=/etc/default/locale

# SELinux needs to intervene at login time to ensure that the process starts
# in the proper default security context.  Only sessions which are intended
# to run in the user's context should be run after this.
session [success=ok ignore=ignore module_unknown=ignore default=bad]        pam_selinux.so open

# Standard Un*x password updating.
@include common-password
P
	cat > "$r/etc/pam.d/common-account" <<'P'
account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so 
account	requisite			pam_deny.so
account	required			pam_permit.so
P
	cat > "$r/etc/pam.d/common-auth" <<'P'
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	requisite			pam_deny.so
auth	required			pam_permit.so
P
	cat > "$r/etc/pam.d/common-session" <<'P'
session	[default=1]			pam_permit.so
session	requisite			pam_deny.so
session	required			pam_permit.so
session	required	pam_unix.so 
P
	cat > "$r/etc/pam.d/common-password" <<'P'
password	[success=1 default=ignore]	pam_unix.so obscure yescrypt
password	requisite			pam_deny.so
password	required			pam_permit.so
P
	cat > "$r/etc/pam.d/other" <<'P'
@include common-auth
@include common-account
@include common-password
@include common-session
P
	for m in pam_access pam_deny pam_env pam_faillock pam_keyinit pam_limits pam_listfile pam_loginuid \
		pam_mail pam_motd pam_nologin pam_permit pam_selinux pam_succeed_if pam_unix; do
		printf '\177ELF-not-really %s\n' "$m" > "$r/usr/lib/x86_64-linux-gnu/security/$m.so"
	done
}

# systemd_units ROOT debian|el|ubuntu-socket — systemd (a stand-in
# /usr/lib/systemd/systemd), a merged /usr (/lib -> usr/lib, as Debian 12
# and EL 9 have it), the distribution's ssh units and the links that
# enable them, exactly as the package and `systemctl enable` leave them
# (RULES §11):
#   debian         Debian 12: ssh.service (Alias=sshd.service) enabled via
#                  multi-user.target.wants and the sshd.service alias link,
#                  ssh.socket installed but disabled, /etc/default/ssh
#   el             EL 9: sshd.service enabled (links into /usr/lib),
#                  sshd.socket disabled, /etc/sysconfig/sshd
#   ubuntu-socket  Ubuntu 22.10+: ssh.socket enabled (sockets.target.wants,
#                  ssh.service.requires), ssh.service disabled
# Debian's unit texts come from the e2e tier's cached root when there is
# one (tests/e2e/build-root.sh), else the same text from here.  Replaces
# whatever layout the root had before.
systemd_units() {
	r=$1 layout=$2
	[ -e "$r/lib" ] || [ -L "$r/lib" ] || { mkdir -p "$r/usr/lib" && ln -s usr/lib "$r/lib"; }
	u=$r/usr/lib/systemd/system e=$r/etc/systemd/system
	mkdir -p "$u" "$e/multi-user.target.wants"
	printf '\177ELF-not-really systemd\n' > "$r/usr/lib/systemd/systemd"
	chmod 0755 "$r/usr/lib/systemd/systemd"
	rm -f "$u"/ssh.service "$u"/ssh.socket "$u"/sshd.service "$u"/sshd.socket \
		"$e"/ssh.service "$e"/sshd.service "$e"/*.wants/ssh.service "$e"/*.wants/sshd.service \
		"$e"/*.wants/ssh.socket "$e"/*.wants/sshd.socket "$e"/*.requires/ssh.socket \
		"$r/etc/default/ssh" "$r/etc/sysconfig/sshd"
	cache=$(ls -d /var/tmp/sshfix-e2e/root-*/rootfs/lib/systemd/system 2> /dev/null | head -n1)
	case $layout in
	debian)
		if [ -n "$cache" ] && [ -f "$cache/ssh.service" ] && [ -f "$cache/ssh.socket" ]; then
			cp "$cache/ssh.service" "$cache/ssh.socket" "$u/"
		else
			cat > "$u/ssh.service" <<'U'
[Unit]
Description=OpenBSD Secure Shell server
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target auditd.service
ConditionPathExists=!/etc/ssh/sshd_not_to_be_run

[Service]
EnvironmentFile=-/etc/default/ssh
ExecStartPre=/usr/sbin/sshd -t
ExecStart=/usr/sbin/sshd -D $SSHD_OPTS
ExecReload=/usr/sbin/sshd -t
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartPreventExitStatus=255
Type=notify
RuntimeDirectory=sshd
RuntimeDirectoryMode=0755

[Install]
WantedBy=multi-user.target
Alias=sshd.service
U
			cat > "$u/ssh.socket" <<'U'
[Unit]
Description=OpenBSD Secure Shell server socket
Before=sockets.target
ConditionPathExists=!/etc/ssh/sshd_not_to_be_run

[Socket]
ListenStream=22
Accept=no

[Install]
WantedBy=sockets.target
U
		fi
		chmod 0644 "$u/ssh.service" "$u/ssh.socket"
		# What `systemctl enable ssh` makes on Debian 12 (D12).
		ln -s /lib/systemd/system/ssh.service "$e/multi-user.target.wants/ssh.service"
		ln -s /lib/systemd/system/ssh.service "$e/sshd.service"
		mkdir -p "$r/etc/default"
		cat > "$r/etc/default/ssh" <<'D'
# Default settings for openssh-server. This file is sourced by /bin/sh from
# /etc/init.d/ssh.

# Options to pass to sshd
SSHD_OPTS=
D
		;;
	el)
		cat > "$u/sshd.service" <<'U'
[Unit]
Description=OpenSSH server daemon
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target sshd-keygen.target
Wants=sshd-keygen.target

[Service]
Type=notify
EnvironmentFile=-/etc/sysconfig/sshd
ExecStart=/usr/sbin/sshd -D $OPTIONS
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartSec=42s

[Install]
WantedBy=multi-user.target
U
		cat > "$u/sshd.socket" <<'U'
[Unit]
Description=OpenSSH Server Socket
Documentation=man:sshd(8) man:sshd_config(5)
Conflicts=sshd.service

[Socket]
ListenStream=22
Accept=yes

[Install]
WantedBy=sockets.target
U
		chmod 0644 "$u/sshd.service" "$u/sshd.socket"
		ln -s /usr/lib/systemd/system/sshd.service "$e/multi-user.target.wants/sshd.service"
		mkdir -p "$r/etc/sysconfig"
		cat > "$r/etc/sysconfig/sshd" <<'D'
# Configuration file for the sshd service.

# The server keys are automatically generated if they are missing.
# To change the automatic creation, adjust sshd.service options for
# example using  systemctl enable sshd-keygen@dsa.service  to allow creation
# of DSA key or  systemctl mask sshd-keygen@rsa.service  to disable RSA key
# creation.

# System-wide crypto policy:
# To opt-out, uncomment the following line
# CRYPTO_POLICY=
D
		;;
	ubuntu-socket)
		cat > "$u/ssh.service" <<'U'
[Unit]
Description=OpenBSD Secure Shell server
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target nss-user-lookup.target auditd.service
ConditionPathExists=!/etc/ssh/sshd_not_to_be_run

[Service]
EnvironmentFile=-/etc/default/ssh
ExecStartPre=/usr/sbin/sshd -t
ExecStart=/usr/sbin/sshd -D $SSHD_OPTS
ExecReload=/usr/sbin/sshd -t
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartPreventExitStatus=255
Type=notify
RuntimeDirectory=sshd
RuntimeDirectoryMode=0755

[Install]
WantedBy=multi-user.target
Alias=sshd.service
U
		cat > "$u/ssh.socket" <<'U'
[Unit]
Description=OpenBSD Secure Shell server socket
Before=sockets.target ssh.service
ConditionPathExists=!/etc/ssh/sshd_not_to_be_run

[Socket]
ListenStream=22
Accept=no
FreeBind=yes

[Install]
WantedBy=sockets.target
RequiredBy=ssh.service
U
		chmod 0644 "$u/ssh.service" "$u/ssh.socket"
		mkdir -p "$e/sockets.target.wants" "$e/ssh.service.requires" "$r/etc/default"
		ln -s /usr/lib/systemd/system/ssh.socket "$e/sockets.target.wants/ssh.socket"
		ln -s /usr/lib/systemd/system/ssh.socket "$e/ssh.service.requires/ssh.socket"
		printf '# Options to pass to sshd\nSSHD_OPTS=\n' > "$r/etc/default/ssh"
		;;
	*)
		echo "systemd_units: unknown layout '$layout'" >&2
		return 1
		;;
	esac
}

# set_sshd_version ROOT "OpenSSH_9.6p1" [KEYWORDS] — a stand-in binary:
# sshfix only reads it, for the version string and the keyword table a
# real sshd holds (tests/sshd-keywords/KEYWORDS; by default the one that
# fits the version: Debian 9.2, EL 8.7, or upstream 9.6).
set_sshd_version() {
	kwdir=$(dirname "${BASH_SOURCE[0]:-$0}")/sshd-keywords
	list=${3:-}
	if [ -z "$list" ]; then
		case $2 in
		*Debian*|*Ubuntu*) list=debian-9.2 ;;
		OpenSSH_8.7p1) list=el-8.7 ;;
		*) list=upstream-9.6 ;;
		esac
	fi
	{
		printf '\177ELF-not-really\000OpenSSH_7.0*,OpenSSH_7.1*\000%s\000' "$2"
		grep -v '^#' "$kwdir/$list" | tr '\n' '\0'
	} > "$1/usr/sbin/sshd"
	chmod 0755 "$1/usr/sbin/sshd"
}

# add_user ROOT NAME UID — a user with a private group, a home and one key.
add_user() {
	r=$1 name=$2 uid=$3
	printf '%s:x:%s:%s:%s:/home/%s:/bin/bash\n' "$name" "$uid" "$uid" "$name" "$name" >> "$r/etc/passwd"
	printf '%s:x:%s:\n' "$name" "$uid" >> "$r/etc/group"
	printf '%s:$y$j9T$fake$hash:19700:0:99999:7:::\n' "$name" >> "$r/etc/shadow"
	mkdir -p "$r/home/$name/.ssh"
	printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyFor%s %s@laptop\n' "$name" "$name" \
		> "$r/home/$name/.ssh/authorized_keys"
	chown -R "$uid:$uid" "$r/home/$name"
	chmod 0755 "$r/home/$name"
	chmod 0700 "$r/home/$name/.ssh"
	chmod 0600 "$r/home/$name/.ssh/authorized_keys"
}

# Replace the fake sshd with an upstream (non-Debian) build.
upstream_sshd() {
	set_sshd_version "$1" "OpenSSH_9.6p1"
}

# An EL 9 root: os-release, the keyperm sshd and the ssh_keys group.
el_root() {
	r=$1
	cat > "$r/etc/os-release" <<'O'
NAME="Rocky Linux"
VERSION_ID="9.3"
ID="rocky"
ID_LIKE="rhel centos fedora"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
O
	set_sshd_version "$r" "OpenSSH_8.7p1"
	printf 'ssh_keys\000' >> "$r/usr/sbin/sshd"	# the keyperm patch's group name
	printf 'ssh_keys:x:998:\n' >> "$r/etc/group"
}

# install_tools ROOT: copy the rescue system's /bin/sh, ssh-keygen and the
# few utilities sshfix's sandbox scripts use, with their libraries, into a
# fake root, so that "the target's own ssh-keygen" runs there for real.
install_tools() {
	r=$1
	for prog in /bin/sh /usr/bin/ssh-keygen /bin/cat /bin/rm /bin/mkdir /usr/bin/tr; do
		real=$(readlink -f "$prog")
		for f in "$real" $(ldd "$real" 2>/dev/null | grep -o '/[^ ]*'); do
			[ -e "$r$f" ] && continue
			mkdir -p "$r$(dirname "$f")"
			cp -L "$f" "$r$f"
		done
		if [ "$real" != "$prog" ] && [ ! -e "$r$prog" ]; then
			mkdir -p "$r$(dirname "$prog")"
			ln -s "$real" "$r$prog"
		fi
	done
	# The loader is named by an absolute path in every binary; lib64 too.
	[ -e "$r/lib64" ] || { [ -d /lib64 ] && mkdir -p "$r/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$r/lib64/" 2>/dev/null; }
	mkdir -p "$r/run" "$r/dev" "$r/proc"
	printf 'host\n' > "$r/etc/hostname"
}

# real_host_keys ROOT: replace the fake host keys with real ones (rsa 2048
# to keep the tests quick), made by the rescue system's ssh-keygen.
real_host_keys() {
	r=$1
	rm -f "$r"/etc/ssh/ssh_host_*_key "$r"/etc/ssh/ssh_host_*_key.pub
	ssh-keygen -q -t rsa -b 2048 -N '' -C root@host -f "$r/etc/ssh/ssh_host_rsa_key" < /dev/null
	ssh-keygen -q -t ecdsa -N '' -C root@host -f "$r/etc/ssh/ssh_host_ecdsa_key" < /dev/null
	ssh-keygen -q -t ed25519 -N '' -C root@host -f "$r/etc/ssh/ssh_host_ed25519_key" < /dev/null
}

# set_ssh_version ROOT VERSION — a stand-in client /usr/bin/ssh carrying the
# version string sshfix --client reads ("OpenSSH_9.2p1 Debian-2+deb12u6").
set_ssh_version() {
	mkdir -p "$1/usr/bin"
	printf '\177ELF-not-really\000OpenSSH_7.0*,OpenSSH_7.1*\000%s\000' "$2" > "$1/usr/bin/ssh"
	chmod 0755 "$1/usr/bin/ssh"
}

# client_key ROOT USER NAME MODE [TYPE] — a stand-in private key
# ~USER/.ssh/NAME (an OpenSSH private key armour, no real key) with its
# NAME.pub of TYPE (default ssh-ed25519), owned by USER (uid = gid, as
# add_user makes them).
client_key() {
	r=$1 user=$2 name=$3 mode=$4 type=${5:-ssh-ed25519}
	d=$r/home/$user/.ssh
	uid=$(awk -F: -v u="$user" '$1 == u { print $3 }' "$r/etc/passwd")
	printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n-----END OPENSSH PRIVATE KEY-----\n' > "$d/$name"
	printf '%s AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl %s@laptop\n' "$type" "$user" \
		> "$d/$name.pub"
	chown "$uid:$uid" "$d/$name" "$d/$name.pub"
	chmod "$mode" "$d/$name"
	chmod 0644 "$d/$name.pub"
}

# fail2ban_debian ROOT [DB] — fail2ban 1.0.2 as Debian 12 installs it, in the
# parts sshfix reads (RULES §10): jail.conf (its [DEFAULT] and the jails
# that concern ssh, verbatim but for comments), the paths-*.conf it
# includes, jail.d/defaults-debian.conf enabling [sshd], fail2ban.conf,
# fail2ban.service enabled for multi-user.target, fail2ban-server's #!
# line; DB (a database file, e.g. a fixture of tests/unit/data/fail2ban)
# becomes /var/lib/fail2ban/fail2ban.sqlite3.
fail2ban_debian() {
	r=$1 db=${2:-}
	d=$r/etc/fail2ban
	mkdir -p "$d/jail.d" "$d/fail2ban.d" "$d/action.d" "$d/filter.d" "$r/var/lib/fail2ban" "$r/usr/bin" \
		"$r/usr/lib/systemd/system" "$r/etc/systemd/system/multi-user.target.wants"
	cat > "$d/jail.conf" <<'J'
[INCLUDES]
before = paths-debian.conf

[DEFAULT]
ignorecommand =
bantime  = 10m
findtime  = 10m
maxretry = 5
maxmatches = %(maxretry)s
backend = auto
usedns = warn
logencoding = auto
enabled = false
mode = normal
filter = %(__name__)s[mode=%(mode)s]
destemail = root@localhost
sender = root@<fq-hostname>
mta = sendmail
protocol = tcp
chain = <known/chain>
port = 0:65535
fail2ban_agent = Fail2Ban/%(fail2ban_version)s
banaction = iptables-multiport
banaction_allports = iptables-allports
action_ = %(banaction)s[port="%(port)s", protocol="%(protocol)s", chain="%(chain)s"]
action_mw = %(action_)s
            %(mta)s-whois[sender="%(sender)s", dest="%(destemail)s", protocol="%(protocol)s", chain="%(chain)s"]
action_mwl = %(action_)s
             %(mta)s-whois-lines[sender="%(sender)s", dest="%(destemail)s", logpath="%(logpath)s", chain="%(chain)s"]
action = %(action_)s

[sshd]
# To use more aggressive sshd modes set filter parameter "mode" in jail.local:
port    = ssh
logpath = %(sshd_log)s
backend = %(sshd_backend)s

[dropbear]
port     = ssh
logpath  = %(dropbear_log)s
backend  = %(dropbear_backend)s

[selinux-ssh]
port     = ssh
logpath  = %(auditd_log)s

[apache-auth]
port     = http,https
logpath  = %(apache_error_log)s

[recidive]
logpath  = /var/log/fail2ban.log
banaction = %(banaction_allports)s
bantime  = 1w
findtime = 1d
J
	cat > "$d/paths-debian.conf" <<'J'
[INCLUDES]
before = paths-common.conf
after  = paths-overrides.local

[DEFAULT]
syslog_mail = /var/log/mail.log
J
	cat > "$d/paths-common.conf" <<'J'
[INCLUDES]
after  = paths-overrides.local

[DEFAULT]
default_backend = %(default/backend)s
syslog_authpriv = /var/log/auth.log
sshd_log = %(syslog_authpriv)s
sshd_backend = %(default_backend)s
dropbear_log = %(syslog_authpriv)s
dropbear_backend = %(default_backend)s
apache_error_log = /var/log/apache2/*error.log
auditd_log = /var/log/audit/audit.log
J
	printf '[sshd]\nenabled = true\n' > "$d/jail.d/defaults-debian.conf"
	cat > "$d/fail2ban.conf" <<'J'
[DEFAULT]
loglevel = INFO
logtarget = /var/log/fail2ban.log
socket = /var/run/fail2ban/fail2ban.sock
pidfile = /var/run/fail2ban/fail2ban.pid
dbfile = /var/lib/fail2ban/fail2ban.sqlite3
dbpurgeage = 1d
dbmaxmatches = 10

[Definition]

[Thread]
J
	cat > "$r/usr/lib/systemd/system/fail2ban.service" <<'U'
[Unit]
Description=Fail2Ban Service

[Service]
Type=simple
ExecStart=/usr/bin/fail2ban-server -xf start
RuntimeDirectory=fail2ban

[Install]
WantedBy=multi-user.target
U
	ln -sf /lib/systemd/system/fail2ban.service "$r/etc/systemd/system/multi-user.target.wants/fail2ban.service"
	printf '#!/usr/bin/python3\n# fail2ban-server stand-in\n' > "$r/usr/bin/fail2ban-server"
	chmod 0755 "$r/usr/bin/fail2ban-server"
	if [ -n "$db" ]; then
		cp "$db" "$r/var/lib/fail2ban/fail2ban.sqlite3"
		chmod 0644 "$r/var/lib/fail2ban/fail2ban.sqlite3"
	fi
}

# libwrap_sshd ROOT [VERSION] — an sshd that links libwrap.so.0 (a real ELF
# with that DT_NEEDED entry, which is what sshfix reads, RULES §7.1) and
# carries the version string and keywords as set_sshd_version writes them.
libwrap_sshd() {
	r=$1 tmp=$(mktemp -d)
	printf 'int hosts_access(void *r) { return r != 0; }\n' > "$tmp/w.c"
	printf 'int hosts_access(void *);\nint main(void) { return hosts_access(0); }\n' > "$tmp/m.c"
	cc -shared -fPIC -Wl,-soname,libwrap.so.0 -o "$tmp/libwrap.so.0" "$tmp/w.c"
	cc -o "$tmp/sshd" "$tmp/m.c" "$tmp/libwrap.so.0"
	set_sshd_version "$r" "${2:-OpenSSH_9.2p1 Debian-2+deb12u6}"
	cat "$tmp/sshd" "$r/usr/sbin/sshd" > "$tmp/both"
	cp "$tmp/both" "$r/usr/sbin/sshd"
	chmod 0755 "$r/usr/sbin/sshd"
	rm -rf "$tmp"
}

# firewall_tools ROOT: the rescue system's nft, iptables-restore and
# ip6tables-restore (with their libraries) in the fake root, so that the
# kernel probe (src/netprobe.h) can load the root's rules with "its own"
# tools.  Debian's iptables-restore is xtables-nft-multi, which picks its
# personality from its name: each is copied under the name the boot runs.
firewall_tools() {
	r=$1
	for prog in /usr/sbin/nft /usr/sbin/iptables-restore /usr/sbin/ip6tables-restore; do
		[ -e "$prog" ] || continue
		real=$(readlink -f "$prog")
		mkdir -p "$r/usr/sbin"
		cp -L "$prog" "$r$prog"
		for f in $(ldd "$real" 2>/dev/null | grep -o '/[^ ]*'); do
			[ -e "$r$f" ] && continue
			mkdir -p "$r$(dirname "$f")"
			cp -L "$f" "$r$f"
		done
	done
	# nft and iptables name protocols and services through these
	for f in /etc/protocols /etc/services; do
		[ -f "$f" ] && [ ! -e "$r$f" ] && cp "$f" "$r$f"
	done
	# iptables' matches and targets are plugins it dlopen()s
	for d in /usr/lib/*/xtables; do
		[ -d "$d" ] || continue
		mkdir -p "$r$d"
		cp -L "$d"/*.so "$r$d/"
	done
	[ -e "$r/lib64" ] || { [ -d /lib64 ] && mkdir -p "$r/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$r/lib64/" 2>/dev/null; }
	mkdir -p "$r/run" "$r/dev" "$r/proc"
}

# ufw_debian ROOT [yes|no] [enabled|disabled]: Debian 12's ufw 0.36.2
# (tests/ufw/): ufw.service (enabled as the package's postinst does),
# /etc/ufw/ufw.conf with ENABLED= (default yes, as "ufw enable" leaves it),
# /etc/default/ufw, the rules files with no rule added, /lib/ufw/ufw-init;
# and what ufw-init needs to run in the kernel probe (sh, iptables,
# ip6tables besides firewall_tools' restore programs; install_tools and
# real host keys).
ufw_debian() {
	r=$1 on=${2:-yes} state=${3:-enabled}
	d=$(dirname "${BASH_SOURCE[0]}")/ufw
	mkdir -p "$r/usr/lib/systemd/system" "$r/etc/systemd/system/multi-user.target.wants" "$r/etc/ufw" \
		"$r/etc/default" "$r/lib/ufw"
	cp "$d/ufw.service" "$r/usr/lib/systemd/system/ufw.service"
	[ "$state" = enabled ] && ln -sf /lib/systemd/system/ufw.service \
		"$r/etc/systemd/system/multi-user.target.wants/ufw.service"
	sed "s/^ENABLED=.*/ENABLED=$on/" "$d/ufw.conf" > "$r/etc/ufw/ufw.conf"
	cp "$d/default-ufw" "$r/etc/default/ufw"
	for f in before after user before6 after6 user6; do
		cp "$d/$f.rules" "$r/etc/ufw/$f.rules"
		chmod 640 "$r/etc/ufw/$f.rules"
	done
	install -m 755 "$d/ufw-init" "$r/lib/ufw/ufw-init"
	install -m 644 "$d/ufw-init-functions" "$r/lib/ufw/ufw-init-functions"
	firewall_tools "$r"
	# ufw-init is a shell script: the target's /bin/sh, so its ssh-keygen
	# runs too and the host keys must be real ones
	install_tools "$r"
	real_host_keys "$r"
	for prog in /usr/sbin/iptables /usr/sbin/ip6tables /bin/echo /bin/grep; do
		[ -e "$prog" ] || continue
		real=$(readlink -f "$prog")
		mkdir -p "$r$(dirname "$prog")"
		cp -L "$prog" "$r$prog"
		for f in $(ldd "$real" 2>/dev/null | grep -o '/[^ ]*'); do
			[ -e "$r$f" ] && continue
			mkdir -p "$r$(dirname "$f")"
			cp -L "$f" "$r$f"
		done
	done
}

# selinux_debian ROOT [enforcing|permissive|disabled]: /etc/selinux/config
# with SELINUXTYPE=default and Debian 12's reference policy's file contexts
# (tests/selinux/: file_contexts, .homedirs for /home/*, .subs_dist).
selinux_debian() {
	r=$1 mode=${2:-enforcing}
	d=$(dirname "${BASH_SOURCE[0]}")/selinux
	f=$r/etc/selinux/default/contexts/files
	mkdir -p "$f"
	printf 'SELINUX=%s\nSELINUXTYPE=default\n' "$mode" > "$r/etc/selinux/config"
	for x in file_contexts file_contexts.homedirs file_contexts.subs_dist; do
		gzip -dc "$d/$x.gz" > "$f/$x"
	done
}

# apparmor_debian ROOT: Debian 12's /etc/apparmor.d (the apparmor package,
# and sshd's profile from apparmor-profiles; tests/apparmor/README), in
# enforce mode.
apparmor_debian() {
	d=$(dirname "${BASH_SOURCE[0]}")/apparmor
	mkdir -p "$1/etc"
	tar -C "$1/etc" -xzf "$d/apparmor.d.tar.gz"
}

# selinux_label ROOT TYPE PATH...: label each PATH with TYPE, as setfiles
# would (system_u:object_r:TYPE:s0, with the NUL setfilecon() writes).
selinux_label() {
	r=$1 t=$2
	shift 2
	v=0x$(printf 'system_u:object_r:%s:s0\0' "$t" | od -An -tx1 | tr -d ' \n')
	for p in "$@"; do
		setfattr -h -n security.selinux -v "$v" "$r$p"
	done
}

# selinux_label_sshd ROOT: what sshd reads, labelled as the policy says:
# /etc/ssh and sshd_config etc_t, host keys sshd_key_t, the homes of root
# and alice user_home_dir_t (genhomedircon gives /root the same), ~/.ssh and
# keys ssh_home_t.
selinux_label_sshd() {
	r=$1
	selinux_label "$r" etc_t /etc/ssh /etc/ssh/sshd_config
	for k in "$r"/etc/ssh/ssh_host_*; do selinux_label "$r" sshd_key_t "${k#"$r"}"; done
	[ -d "$r/etc/ssh/sshd_config.d" ] && selinux_label "$r" etc_t /etc/ssh/sshd_config.d
	selinux_label "$r" user_home_dir_t /root
	[ -d "$r/root/.ssh" ] && selinux_label "$r" ssh_home_t /root/.ssh
	for h in "$r"/home/*; do
		selinux_label "$r" user_home_dir_t "${h#"$r"}"
		[ -d "$h/.ssh" ] && selinux_label "$r" ssh_home_t "${h#"$r"}/.ssh"
		for k in "$h"/.ssh/authorized_keys "$h"/.ssh/authorized_keys2; do
			[ -e "$k" ] && selinux_label "$r" ssh_home_t "${k#"$r"}"
		done
	done
	return 0
}

# firewalld_debian ROOT [enabled|disabled]: Debian 12's firewalld 1.3.3
# (tests/firewalld/): firewalld.service (enabled as the package's postinst
# does), /etc/firewalld/firewalld.conf (DefaultZone=public), the stock zones,
# the services they name and the allow-host-ipv6 policy in /usr/lib/firewalld,
# and the empty /etc/firewalld/{zones,services,policies} the package makes.
firewalld_debian() {
	r=$1 state=${2:-enabled}
	d=$(dirname "${BASH_SOURCE[0]}")/firewalld
	mkdir -p "$r/lib/systemd/system" "$r/etc/systemd/system/multi-user.target.wants" \
		"$r/etc/firewalld/zones" "$r/etc/firewalld/services" "$r/etc/firewalld/policies" \
		"$r/usr/lib/firewalld/zones" "$r/usr/lib/firewalld/services" "$r/usr/lib/firewalld/policies"
	chmod 750 "$r/etc/firewalld"
	cp "$d/firewalld.service" "$r/lib/systemd/system/firewalld.service"
	[ "$state" = enabled ] && ln -sf /lib/systemd/system/firewalld.service \
		"$r/etc/systemd/system/multi-user.target.wants/firewalld.service"
	cp "$d/firewalld.conf" "$r/etc/firewalld/firewalld.conf"
	for k in zones services policies; do
		cp "$d/$k"/*.xml "$r/usr/lib/firewalld/$k/"
	done
}

# nftables_debian ROOT [enabled|disabled|masked] [CONF]: Debian's nftables
# package: its unit (WantedBy=sysinit.target), enabled as the package's
# postinst does not (the admin runs systemctl enable), and
# /etc/nftables.conf from CONF or Debian's stock file.
nftables_debian() {
	r=$1 state=${2:-enabled} conf=${3:-}
	u=$r/usr/lib/systemd/system
	mkdir -p "$u" "$r/etc/systemd/system/sysinit.target.wants"
	cat > "$u/nftables.service" <<'U'
[Unit]
Description=nftables
Documentation=man:nft(8) http://wiki.nftables.org
Wants=network-pre.target
Before=network-pre.target shutdown.target
Conflicts=shutdown.target
DefaultDependencies=no

[Service]
Type=oneshot
RemainAfterExit=yes
StandardInput=null
ProtectSystem=full
ProtectHome=true
ExecStart=/usr/sbin/nft -f /etc/nftables.conf
ExecReload=/usr/sbin/nft -f /etc/nftables.conf
ExecStop=/usr/sbin/nft flush ruleset

[Install]
WantedBy=sysinit.target
U
	cat > "$u/sysinit.target" <<'U'
[Unit]
Description=System Initialization
U
	cat > "$u/basic.target" <<'U'
[Unit]
Description=Basic System
Requires=sysinit.target
U
	[ -f "$u/multi-user.target" ] || cat > "$u/multi-user.target" <<'U'
[Unit]
Description=Multi-User System
Requires=basic.target
U
	case $state in
	enabled) ln -sf /lib/systemd/system/nftables.service "$r/etc/systemd/system/sysinit.target.wants/nftables.service" ;;
	masked) ln -sf /dev/null "$r/etc/systemd/system/nftables.service" ;;
	esac
	if [ -n "$conf" ]; then
		cp "$conf" "$r/etc/nftables.conf"
	else
		cat > "$r/etc/nftables.conf" <<'N'
#!/usr/sbin/nft -f

flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter;
	}
	chain forward {
		type filter hook forward priority filter;
	}
	chain output {
		type filter hook output priority filter;
	}
}
N
	fi
	chmod 0755 "$r/etc/nftables.conf"
}

# iptables_persistent ROOT [enabled|disabled]: Debian's iptables-persistent
# and netfilter-persistent: the unit, its plugins' marker files, and empty
# accept-all rules.v4 / rules.v6 (the caller writes its own).
iptables_persistent() {
	r=$1 state=${2:-enabled}
	u=$r/usr/lib/systemd/system
	mkdir -p "$u" "$r/etc/systemd/system/multi-user.target.wants" "$r/etc/iptables" \
		"$r/usr/share/netfilter-persistent/plugins.d"
	cat > "$u/netfilter-persistent.service" <<'U'
[Unit]
Description=netfilter persistent configuration
DefaultDependencies=no
Wants=network-pre.target systemd-modules-load.service local-fs.target
Before=network-pre.target shutdown.target
After=systemd-modules-load.service local-fs.target
Conflicts=shutdown.target
Documentation=man:netfilter-persistent(8)

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/netfilter-persistent start
ExecStop=/usr/sbin/netfilter-persistent stop

[Install]
WantedBy=multi-user.target
U
	printf '#!/bin/sh\n' > "$r/usr/share/netfilter-persistent/plugins.d/15-ip4tables"
	printf '#!/bin/sh\n' > "$r/usr/share/netfilter-persistent/plugins.d/25-ip6tables"
	[ "$state" = enabled ] && ln -sf /lib/systemd/system/netfilter-persistent.service \
		"$r/etc/systemd/system/multi-user.target.wants/netfilter-persistent.service"
	for v in 4 6; do
		printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$r/etc/iptables/rules.v$v"
	done
}
