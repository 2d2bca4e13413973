#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fcontext-libselinux.sh: sshfix's file context lookup (src/fcontext.c)
# against libselinux's own, selabel_lookup_raw() of the build host's
# libselinux (libselinux1-dev), on the same files: Debian 12's reference
# policy (tests/selinux/: file_contexts, .homedirs, .subs_dist) plus a
# .local and a .subs of our own with the corners (an override of a base
# spec, <<none>>, a typed spec, a substitution).  Paths: every path of the
# cached Debian root of the real-login tier when there is one (else of this
# system's /etc, /usr, /var, /home, /root, /run, /dev), home paths of users
# the policy knows and does not know, and hostile keys (duplicate and
# trailing slashes, a newline, ".."), each looked up with no type and as a
# file, a directory and a symlink.  Every difference fails; the counts are
# printed.  Exit 77 without cc or libselinux's header and library.
# SSHFIX_FCONTEXT_POLICY=DIR: another policy's contexts/files directory
# instead of Debian's and the corners (e.g. a RHEL or Fedora one); then,
# as root, also a fake RHEL-like root with that policy, every file labelled
# by libselinux alone, on which sshfix must find no label wrong.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
command -v cc > /dev/null || { echo "SKIP: fcontext-libselinux: no cc"; exit 77; }
work=$(mktemp -d /tmp/sshfix-fcontext.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
cat > "$work/cmp.c" <<'C'
#include <selinux/label.h>
#include <selinux/selinux.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include "fcontext.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *d = NULL;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t) ftell(f);
	rewind(f);
	d = malloc(*len + 1);
	if (d && fread(d, 1, *len, f) != *len) {
		free(d);
		d = NULL;
	}
	fclose(f);
	return d;
}

/* argv[1]: the file_contexts path (its .homedirs, .local, .subs, .subs_dist beside it); stdin: paths, \x01 for \n */
int main(int argc, char **argv)
{
	static const mode_t modes[] = { 0, S_IFREG, S_IFDIR, S_IFLNK };
	struct selinux_opt opt = { SELABEL_OPT_PATH, argv[1] };
	struct selabel_handle *h;
	struct fcon *fc = fcon_new();
	char line[8192], p[4200];
	unsigned long paths = 0, lookups = 0, differ = 0, labelled = 0;

	if ((argc != 2 && argc != 3) || !fc)
		return 2;
	h = selabel_open(SELABEL_CTX_FILE, &opt, 1);
	if (!h) {
		perror("selabel_open");
		return 2;
	}
	if (argc == 3) {
		/* argv[2]: a root; stdin: its paths. Label each as setfiles -r would, by libselinux alone. */
		while (fgets(line, sizeof(line), stdin)) {
			struct stat st;
			char *ctx = NULL;
			line[strcspn(line, "\n")] = '\0';
			snprintf(p, sizeof(p), "%s%s", argv[2], line);
			if (lstat(p, &st) < 0 || selabel_lookup_raw(h, &ctx, line, (int) st.st_mode) < 0)
				continue;
			if (lsetxattr(p, "security.selinux", ctx, strlen(ctx) + 1, 0) == 0)
				labelled++;
			freecon(ctx);
		}
		printf("fcontext-libselinux: labelled %lu files of %s by libselinux\n", labelled, argv[2]);
		return labelled ? 0 : 1;
	}
	static const char *const suffixes[] = { "", ".homedirs", ".local" };
	for (int i = 0; i < 3; i++) {
		size_t len;
		unsigned ln = 0;
		snprintf(p, sizeof(p), "%s%s", argv[1], suffixes[i]);
		char *d = slurp(p, &len);
		if (!d)
			continue;
		if (fcon_add_specs(fc, d, len, p, &ln) < 0) {
			fprintf(stderr, "fcon_add_specs %s line %u\n", p, ln);
			return 2;
		}
		free(d);
	}
	for (int dist = 0; dist < 2; dist++) {
		size_t len;
		snprintf(p, sizeof(p), "%s%s", argv[1], dist ? ".subs_dist" : ".subs");
		char *d = slurp(p, &len);
		if (d && fcon_add_subs(fc, d, len, dist) < 0)
			return 2;
		free(d);
	}
	if (fcon_finish(fc) < 0)
		return 2;
	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (!n)
			continue;
		for (char *q = line; *q; q++)
			if (*q == 1)
				*q = '\n';
		paths++;
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			char *want = NULL;
			const char *got = NULL, *where = NULL;
			int a = selabel_lookup_raw(h, &want, line, (int) modes[m]);
			int b = fcon_lookup(fc, line, modes[m], &got, &where);
			lookups++;
			if (a == 0)
				labelled++;
			if ((a == 0) != (b == 0) || (a == 0 && strcmp(want, got) != 0)) {
				differ++;
				if (differ <= 20)
					printf("DIFFER: %s mode %o: libselinux %s, sshfix %s (%s)\n", line, (unsigned) modes[m],
					       a == 0 ? want : "none", b == 0 ? got : "none", b == 0 ? where : "-");
			}
			freecon(want);
		}
	}
	printf("fcontext-libselinux: %lu paths, %lu lookups (%lu labelled by libselinux), %lu differ\n", paths, lookups,
	       labelled, differ);
	selabel_close(h);
	fcon_free(fc);
	return differ || paths == 0 ? 1 : 0;
}
C
if ! cc -O2 -I"$top/src" -I"$top" -include "$top/src/macro.h" -o "$work/cmp" "$work/cmp.c" "$top/src/fcontext.c" \
	"$top/src/fcre.c" "$top/src/util.c" -lselinux 2> "$work/cc.log"; then
	echo "SKIP: fcontext-libselinux: cannot build against libselinux (libselinux1-dev): $(head -1 "$work/cc.log")"
	exit 77
fi

fc=$work/policy/file_contexts
mkdir -p "$work/policy"
if [ -n "${SSHFIX_FCONTEXT_POLICY:-}" ]; then
	# Another policy's contexts/files directory (e.g. a RHEL or Fedora
	# targeted policy's), as it is: its own .homedirs, .local and .subs.
	for x in "" .homedirs .local .subs .subs_dist; do
		[ ! -f "$SSHFIX_FCONTEXT_POLICY/file_contexts$x" ] || cp "$SSHFIX_FCONTEXT_POLICY/file_contexts$x" "$fc$x"
	done
	[ -s "$fc" ] || { echo "FAIL: fcontext-libselinux: no file_contexts in $SSHFIX_FCONTEXT_POLICY"; exit 1; }
	echo "fcontext-libselinux: the policy of $SSHFIX_FCONTEXT_POLICY"
else
gzip -dc "$here/../selinux/file_contexts.gz" > "$fc"
gzip -dc "$here/../selinux/file_contexts.homedirs.gz" > "$fc.homedirs"
gzip -dc "$here/../selinux/file_contexts.subs_dist.gz" > "$fc.subs_dist"
# The corners: a local override of a base spec (a regex, then an exact
# path), <<none>>, a typed spec, a regex that a base exact spec (/etc -d)
# still beats, a backslash that leaves a spec exact, a local substitution
# onto a dist one.
cat > "$fc.local" <<'L'
# comment
/srv/ssh-keys(/.*)?	system_u:object_r:ssh_home_t:s0
/etc/ssh/sshd_config	--	system_u:object_r:etc_t:s0
/opt/nolabel(/.*)?	<<none>>
/opt/typed	-l	system_u:object_r:bin_t:s0
   /opt/indented\.conf	system_u:object_r:etc_t:s0
/e.c	-d	system_u:object_r:tmp_t:s0
/var/ssh\-keys	system_u:object_r:ssh_home_t:s0
L
printf '/export/home /home\n/data /export\n' > "$fc.subs"
fi

root=
for r in /var/tmp/sshfix-e2e/root-*/rootfs; do [ -d "$r/etc" ] && root=$r && break; done
{
	if [ -n "$root" ]; then
		(cd "$root" && find . -xdev 2> /dev/null | sed 's|^\.||; s|^$|/|' | head -60000)
	else
		find /etc /usr /var /home /root /run /dev -xdev -maxdepth 4 2> /dev/null | head -60000
	fi
	for u in alice bob root nobody u1000 zed; do
		for p in "" /.ssh /.ssh/authorized_keys /.ssh/authorized_keys2 /.ssh/id_ed25519 /public_html /.gnupg /x; do
			printf '/home/%s%s\n' "$u" "$p"
		done
	done
	printf '%s\n' /root/.ssh /root/.ssh/authorized_keys //etc//ssh/ /etc/ssh/ /home/alice/.ssh/ /etc/ssh/ssh_host_ed25519_key \
		/etc/ssh/ssh_host_ed25519_key.pub /etc/ssh/sshd_config /etc/ssh/sshd_config.d/x.conf /var/run/sshd /run/sshd \
		/var/run/sshd.pid /srv/ssh-keys/alice /srv/ssh-keys /opt/nolabel/x /opt/typed /opt/indented.conf \
		/export/home/alice/.ssh /data/home/bob/.ssh/authorized_keys /home /home/ / /a /etc/../etc/shadow \
		"$(printf '/home/alice/.ssh\001')" "$(printf '/etc/ssh\001/sshd_config')" /usr/lib/openssh/sshd-session \
		/usr/sbin/sshd /var/ssh-keys /etc /ebc /var/log/auth.log /var/lib/fail2ban/fail2ban.sqlite3
} > "$work/paths"
"$work/cmp" "$fc" < "$work/paths" || exit 1
[ -n "${SSHFIX_FCONTEXT_POLICY:-}" ] || exit 0

# That policy, on a fake RHEL-like root (tests/lib.sh) labelled by
# libselinux alone: sshfix must find nothing wrong with its labels.
[ "$(id -u)" = 0 ] || { echo "SKIP: fcontext-libselinux: the labelled tree needs root"; exit 77; }
sshfix=${SSHFIX:-$top/sshfix}
ROOT=$work/root
mkdir -p "$ROOT"
(
	set -e
	. "$here/../lib.sh"
	mkroot "$ROOT"
	el_root "$ROOT"
	mkdir -p "$ROOT/etc/selinux/targeted/contexts/files"
	cp "$fc"* "$ROOT/etc/selinux/targeted/contexts/files/"
	printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' > "$ROOT/etc/selinux/config"
) || { echo "FAIL: fcontext-libselinux: building the tree"; exit 1; }
(cd "$ROOT" && find . | sed 's|^\.||; s|^$|/|') | "$work/cmp" "$ROOT/etc/selinux/targeted/contexts/files/file_contexts" "$ROOT" || exit 1
"$sshfix" --root "$ROOT" --dry-run --only selinux-labels > "$work/out" 2>&1
if grep -q '^\[' "$work/out"; then
	echo "FAIL: fcontext-libselinux: sshfix reports labels libselinux gave:"
	grep '^\[' "$work/out" | head -5
	exit 1
fi
echo "fcontext-libselinux: sshfix --dry-run --only selinux-labels on that tree: $(tail -1 "$work/out")"
