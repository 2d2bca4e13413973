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
	for t in rsa ecdsa ed25519; do
		printf 'fake %s private key\n' "$t" > "$r/etc/ssh/ssh_host_${t}_key"
		printf 'ssh-%s AAAAfake root@host\n' "$t" > "$r/etc/ssh/ssh_host_${t}_key.pub"
		chmod 0600 "$r/etc/ssh/ssh_host_${t}_key"
		chmod 0644 "$r/etc/ssh/ssh_host_${t}_key.pub"
	done
	add_user "$r" alice 1000
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
