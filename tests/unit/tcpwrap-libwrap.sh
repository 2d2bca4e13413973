#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tcpwrap-libwrap.sh: the rows of tests/unit/test_tcpwrap.c against the
# real libwrap (hosts_access(5); Debian's libwrap0-dev on the build host).
# Every row whose connection is fully known through hosts_ctl() (client
# address, host name and ident answer; no server address or port, no
# /file list of the test's own, no command) is run through hosts_ctl() with
# the same two files; libwrap's answer must be the row's.  A "twist" row
# execs its command inside hosts_ctl() and prints no answer: twist never
# lets sshd have the connection, which the row calls a denial.
# Exit 77 without cc, python3 or libwrap's header and library.
set -u
here=$(cd "$(dirname "$0")" && pwd)
command -v cc > /dev/null || { echo "SKIP: tcpwrap-libwrap: no cc"; exit 77; }
command -v python3 > /dev/null || { echo "SKIP: tcpwrap-libwrap: no python3"; exit 77; }
work=$(mktemp -d /tmp/sshfix-tcpwrap.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
cat > "$work/h.c" <<'C'
#include <stdio.h>
#include <tcpd.h>
int allow_severity, deny_severity;
int main(int argc, char **argv)
{
	if (argc != 6)
		return 2;
	hosts_allow_table = argv[1];
	hosts_deny_table = argv[2];
	printf("%c\n", hosts_ctl("sshd", argv[4], argv[3], argv[5]) ? 'G' : 'D');
	return 0;
}
C
if ! cc -o "$work/h" "$work/h.c" -lwrap 2> "$work/cc.log"; then
	echo "SKIP: tcpwrap-libwrap: cannot build against libwrap (libwrap0-dev): $(head -1 "$work/cc.log")"
	exit 77
fi
cd "$work" && python3 - "$here/test_tcpwrap.c" <<'PY'
import ast, os, re, subprocess, sys
src = open(sys.argv[1]).read()
rows = src[src.index('static const struct row rows[]'):src.index('static struct accounts')]
rows = re.sub(r'\n\s+TWH', ' TWH', rows)
tok = r'("(?:[^"\\]|\\.)*"|MISSING|NULL|A|FIFO|SOCKET|DIR_)'
pat = re.compile(r'\{\s*' + r',\s*'.join([tok] * 5) + r",\s*(\d+),\s*'(.)'")
def val(x):
    if x == 'A':
        return '192.0.2.20'
    if x in ('NULL', 'MISSING'):
        return None
    return ast.literal_eval(x)
n = bad = 0
for m in pat.finditer(rows):
    allow, deny, client, name, user, port, want = m.groups()
    if want == '?' or {allow, deny} & {'FIFO', 'SOCKET', 'DIR_'}:
        continue
    allow, deny, client, name, user = map(val, (allow, deny, client, name, user))
    text = (allow or '') + (deny or '')
    if client is None or name is None or '/l/' in text or 'sshd@' in text or 'aclexec' in text or \
       re.search(r'(^|\n)0*22:', text) or re.search(r': *user ', text):
        continue
    for f, t in (('allow', allow), ('deny', deny)):
        if t is None:
            if os.path.exists(f):
                os.unlink(f)
        else:
            open(f, 'w').write(t)
    got = subprocess.run(['./h', 'allow', 'deny', client, name, user or 'unknown'],
                         capture_output=True, text=True).stdout.strip()
    if 'twist' in text and got != 'G':
        got = 'D'
    n += 1
    if got != want:
        bad += 1
        print('FAIL: allow %r deny %r client %s name %s user %s: row says %s, libwrap %s' %
              (allow, deny, client, name, user, want, got))
print('tcpwrap-libwrap: %d rows compared with libwrap, %d differ' % (n, bad))
sys.exit(1 if bad or n == 0 else 0)
PY
