#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make-fixtures.sh: rebuild the database fixtures of this directory with
# the cached e2e root's python3 and fail2ban (tests/e2e/build-root.sh),
# chrooted on a throwaway overlay, so the files are what fail2ban's own
# code writes.  Run as root; the tests only read the committed files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(ls -d "${SSHFIX_E2E_CACHE:-/var/tmp/sshfix-e2e}"/root-*/rootfs 2> /dev/null | head -n1)
[ -n "$root" ] || { echo "make-fixtures.sh: no cached e2e root; run tests/e2e/build-root.sh" >&2; exit 1; }
unshare --mount --net bash -eu -c '
	t=$(mktemp -d /tmp/sshfix-f2b-fixtures.XXXXXX)
	mount -t tmpfs none "$t"
	mkdir "$t/u" "$t/w" "$t/m"
	mount -t overlay none -o "lowerdir=$1,upperdir=$t/u,workdir=$t/w" "$t/m"
	mkdir "$t/m/tmp/fx"
	cp "$2/gen.py" "$t/m/tmp/fx/"
	chroot "$t/m" python3 /tmp/fx/gen.py /tmp/fx
	cp "$t/m/tmp/fx/"*.sqlite3 "$t/m/tmp/fx/"*.rows "$2/"
	umount "$t/m" "$t"
	rmdir "$t"' - "$root" "$here"
ls -l "$here"
