/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --client: the machine a person connects *from* (RULES §5).  Whose files
 * are examined, and where the undo records of a --client apply go.
 *
 * The home is --home DIR (a path inside the target, so a mounted user's
 * home is "--root /mnt --home /home/alice"), else $HOME, else the home of
 * the caller's uid in the target's /etc/passwd.  ssh judges the files for
 * the uid that runs it; that is the account whose home it is: the passwd
 * entry with that home, else the home's owner (without --home: the caller).
 *
 * The undo store: root keeps it where every apply keeps it,
 * TARGET/var/lib/sshfix/undo.  Anyone else cannot write there, and keeps it
 * in the home: ~/.local/state/sshfix/undo (XDG_STATE_HOME's default).
 */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "accounts.h"
#include "target.h"

#define CLIENT_UNDO_SUBDIR ".local/state/sshfix/undo"

struct client_home {
	char *home;		/* canonical, inside the target */
	struct stat st;		/* of the home directory */
	struct pw_entry pw;	/* the account ssh runs as; pw.name owned here, other strings NULL */
	bool pw_known;		/* the target's passwd has it */
};

/*
 * The home to examine when --home is not given: $HOME when absolute, else
 * the home of getuid() in the target's /etc/passwd.  Returns 0 with *ret
 * (caller frees), -ENOENT when neither is known, or -errno.
 */
int client_default_home(struct target *t, char **ret);

/*
 * Resolve home inside the target (symlinks followed, inside the target) and
 * pick the account (see above; `given`: --home was on the command line).
 * Returns 0, -ENOTDIR when it is not a directory, or -errno.
 */
int client_home_resolve(struct target *t, const struct accounts *a, const char *home, bool given,
			struct client_home *ret);
void client_home_done(struct client_home *h);

/*
 * Point the target's undo store at HOME/.local/state/sshfix/undo when the
 * caller is not root; root keeps the default.  Returns 0 or -errno.
 */
int client_set_undo_dir(struct target *t, const char *home);
