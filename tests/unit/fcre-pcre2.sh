#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fcre-pcre2.sh: sshfix's file_contexts regular expressions (src/fcre.c)
# against PCRE2 used as libselinux uses it (label_file.h compile_regex():
# "^" SPEC "$", PCRE2_DOTALL, pcre2_match), on
#   - every regular-expression spec of each file_contexts given in
#     $FCRE_CONTEXTS (a real policy's; tests/e2e builds one) or found under
#     /etc/selinux/*/contexts/files, and
#   - a fixed set of specs in the dialect's corners (below),
# each against paths from the spec itself (with its metacharacters removed
# or replaced), the directories of this system, home paths, and hostile
# names (newlines, NUL-free control bytes, long runs).  Any difference, or a
# spec PCRE2 accepts that fcre refuses, fails (the latter is listed).
# tests/selinux/ holds Debian 12's reference policy's files, so the real
# specs are always among them.
# Exit 77 without cc or PCRE2's header and library (libpcre2-dev).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
command -v cc > /dev/null || { echo "SKIP: fcre-pcre2: no cc"; exit 77; }
work=$(mktemp -d /tmp/sshfix-fcre.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
cat > "$work/cmp.c" <<'C'
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fcre.h"

/* stdin: "S<TAB>spec" lines set the spec, "P<TAB>path" lines (\n as \x01) test it */
int main(void)
{
	char line[65536];
	pcre2_code *pc = NULL;
	pcre2_match_data *md = NULL;
	struct fcre *fc = NULL;
	int fc_ok = 0;
	unsigned long specs = 0, refused = 0, pairs = 0, differ = 0;
	char spec[65536] = "";

	while (fgets(line, sizeof(line), stdin)) {
		size_t n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n < 2 || line[1] != '\t')
			continue;
		if (line[0] == 'S') {
			char anchored[65600];
			int err;
			PCRE2_SIZE off;
			pcre2_code_free(pc);
			pcre2_match_data_free(md);
			fcre_free(fc);
			pc = NULL, md = NULL, fc = NULL;
			snprintf(spec, sizeof(spec), "%s", line + 2);
			snprintf(anchored, sizeof(anchored), "^%s$", spec);
			pc = pcre2_compile((PCRE2_SPTR) anchored, PCRE2_ZERO_TERMINATED, PCRE2_DOTALL, &err, &off, NULL);
			if (!pc)
				continue;
			md = pcre2_match_data_create_from_pattern(pc, NULL);
			specs++;
			fc_ok = fcre_compile(anchored, &fc) == 0;
			if (!fc_ok) {
				refused++;
				printf("REFUSED: %s\n", spec);
			}
		} else if (line[0] == 'P' && pc && fc_ok) {
			char *p = line + 2;
			for (char *q = p; *q; q++)
				if (*q == 1)
					*q = '\n';
			size_t len = strlen(p);
			int a = pcre2_match(pc, (PCRE2_SPTR) p, len, 0, 0, md, NULL) >= 0;
			int b = fcre_match(fc, p, len);
			pairs++;
			if (a != b) {
				differ++;
				if (differ <= 20)
					printf("DIFFER: spec %s path %s: pcre2 %d fcre %d\n", spec, p, a, b);
			}
		}
	}
	printf("fcre-pcre2: %lu specs, %lu refused by fcre, %lu (spec, path) pairs, %lu differ\n", specs, refused, pairs,
	       differ);
	return differ || refused || pairs == 0 ? 1 : 0;
}
C
if ! cc -O2 -I"$top/src" -I"$top" -include "$top/src/macro.h" -o "$work/cmp" "$work/cmp.c" "$top/src/fcre.c" "$top/src/util.c" \
	-lpcre2-8 2> "$work/cc.log"; then
	echo "SKIP: fcre-pcre2: cannot build against PCRE2 (libpcre2-dev): $(head -1 "$work/cc.log")"
	exit 77
fi

# The dialect's corners, as policies write them and beyond.
cat > "$work/specs" <<'S'
/home/[^/]+/\.ssh(/.*)?
/root/\.ssh(/.*)?
/etc/ssh/ssh_host.*_key
/etc/ssh/primes
/usr/sbin/sshd
/var/run/sshd(/.*)?
/run/sshd\.pid
/usr/lib/openssh/sshd-(session|auth)
/(var/)?lib/x?emacs.*
/usr/lib(64)?/[^/]*/?ld-[^/]*\.so(\.[^/]*)*
/dev/(pts|tty)[0-9]+
/dev/tty[a-zA-Z]?[0-9]+
/dev/[shmxv]d[^/]*
/home/[^/]+/((www)|(web)|(public_html))(/.*)?
/etc/(cron\.d|crontab)(/.*)?
/usr/(.*/)?lib(/.*)?
/var/lib/[^/]*/\.ssh(/.*)?
/etc/selinux/([^/]*/)?contexts(/.*)?
/srv/([^/]*/)?www(/.*)?
/dev/mapper/control
/proc(/.*)?
/a{2}b{1,3}c{0,}d{2,}
/x[[:alpha:]]+[[:digit:]]*
/x[[:alnum:]_.-]+
/x\d+\w*\s?
/x[^[:space:]]+
/x[]a]b
/x[^]a]b
/x[a-]b
/x.+?y*?z??
/x(a|b|)c
/x(?:ab)+c
/x{y}
/x\{2\}
a|b
^/x|/y$
/x\$
/t(a(b(c(d)?)?)?)?e
/u((a|b)*c)*d
S
{
	for f in "$here"/../selinux/file_contexts*.gz ${FCRE_CONTEXTS:-} /etc/selinux/*/contexts/files/file_contexts \
		/etc/selinux/*/contexts/files/file_contexts.homedirs; do
		[ -f "$f" ] || continue
		case $f in *.gz) gzip -dc "$f" ;; *) cat "$f" ;; esac | awk '!/^[[:space:]]*(#|$)/ { print $1 }'
	done
	cat "$work/specs"
} | sort -u > "$work/all"
grep -c . "$work/all" > /dev/null || { echo "FAIL: no specs"; exit 1; }

# Paths: this system's directories, homes, hostile names, and each spec
# turned into strings it may or may not match.
find /etc /usr/lib /usr/sbin /var /run /root /home /dev -maxdepth 3 2> /dev/null | head -3000 > "$work/paths"
printf '%s\n' /home/alice/.ssh /home/alice/.ssh/authorized_keys /home/alice /home/a/b/.ssh /root/.ssh/x /x /xy \
	/xaab /aabbcd /aabcdd /x12ab /x123ab\ c "/x{y}" "/x{2}" /x/y /y /a /b a b xa xb /x\$ /tabcde /tae /uabcd /ud \
	/xac /xc /xabababc "/xab" "/x]b" "/x-b" /dev/pts/1 /dev/tty1 /dev/ttyS0 /dev/sda1 /usr/lib/openssh/sshd-auth \
	"$(printf '/home/alice/.ssh\001')" "$(printf '/home/alice\001/.ssh')" "$(printf '/x\001y')" "$(printf '/x12\t')" "/x12 " "$(printf '/xab\f')" "$(printf '/x\tq')" \
	"/$(printf 'a%.0s' $(seq 300))" "/home/$(printf 'x%.0s' $(seq 200))/.ssh/k" >> "$work/paths"
awk -v paths="$work/paths" '
BEGIN { while ((getline p < paths) > 0) P[n++] = p }
{
	print "S\t" $0
	s = $0; gsub(/[()^$?*+|\\]/, "", s); print "P\t" s
	t = $0; gsub(/\[[^]]*\]/, "a", t); gsub(/[()^$?*+|\\{}]/, "", t); print "P\t" t
	u = $0; gsub(/\.\*/, "deep/er", u); gsub(/\[\^\/\]\+/, "alice", u); gsub(/[()^$?*+|\\]/, "", u); print "P\t" u
	for (i = 0; i < n; i++) print "P\t" P[i]
}' "$work/all" > "$work/input"
"$work/cmp" < "$work/input"
