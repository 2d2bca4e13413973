#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guard.sh GUARD_DIR CMD... — run CMD (sshfix) in a private mount namespace in
# which the host's /etc, /root, /var, /usr, /opt, /srv and /home are overlays
# whose writable layer is GUARD_DIR/<dir>.up.  Anything sshfix writes outside
# the fake root it was given (a symlink followed out of the root) lands there,
# never on the host, and run.sh reports it.  With GUARD_HOME set, /home is
# that directory instead (bind-mounted): the --client cases plant a user's
# home there and run sshfix on the running system (--root /).
# Must be started by `unshare --mount --propagation private`.
set -eu
g=$1
shift
for d in etc root var usr opt srv home; do
	[ -d "/$d" ] && [ ! -L "/$d" ] || continue
	if [ "$d" = home ] && [ -n "${GUARD_HOME:-}" ]; then
		mount --bind "$GUARD_HOME" /home
		continue
	fi
	mkdir -p "$g/$d.up" "$g/$d.wk"
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$g/$d.up,workdir=$g/$d.wk" "/$d"
done
exec "$@"
