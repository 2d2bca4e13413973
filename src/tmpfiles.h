/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd-tmpfiles' configuration (tmpfiles.d(5)), read offline: which
 * directories the target's boot creates.  /run is a fresh tmpfs at every
 * boot, so a directory sshd needs there, such as Debian's /run/sshd
 * (RULES §4.3), exists only if the ssh unit (RuntimeDirectory=, src/units.h)
 * or a tmpfiles.d line makes it.  Reads go through the target layer;
 * nothing here writes or prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "target.h"

/*
 * Is one tmpfiles.d line (without its '\n') a directory-creating entry
 * (d, D, v, q, Q, with modifiers) for path?  "/var/run/X" and "%t/X" count
 * as "/run/X".  Exposed for tests.
 */
bool tmpfiles_line_creates_dir(const char *line, size_t len, const char *path);

/*
 * Does systemd-tmpfiles create directory path at boot?  Reads *.conf in
 * /etc, /run, /usr/local/lib, /usr/lib and /lib tmpfiles.d as
 * systemd-tmpfiles does (src/confdirs.h: a name in an earlier directory
 * hides, or as a link to /dev/null masks, the same name in a later one).
 * Returns 1 with *ret_where ("FILE:LINE", owned by the caller; ret_where
 * may be NULL), 0 when no line does, or -ENOMEM / -E2BIG.
 */
int tmpfiles_creates_dir(struct target *t, const char *path, char **ret_where);
