/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Edits of sshd_config's listen lines (ListenAddress, Port, AddressFamily)
 * for any family that repairs where sshd listens: through the journal only
 * (src/config_edit.h), each said in the finding's action.  Nothing here
 * decides what to change.
 */
#pragma once

#include <stdbool.h>

#include "run.h"
#include "sshd_config.h"

/* Does s stand for itself in an sshd_config line (letters, digits, ".:-_%[]"; no quoting needed)? */
bool listen_edit_plain(const char *s);

/* Append "; TEXT" (or TEXT) to f's action.  Returns 0 or -ENOMEM. */
int listen_edit_action(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "line 3" when o is in f's own file, else "/etc/ssh/sshd_config line 3"; NULL on ENOMEM. */
char *listen_edit_where(const struct finding *f, const struct sshd_option *o);

/* Comment o's line out with the "# sshfix: disabled, REASON:" marker; the action says "comment out WHERE". */
int listen_edit_comment(struct run *run, struct finding *f, const struct sshd_option *o, const char *reason);

/*
 * Replace o's line by "<its indentation><its keyword> VALUE" (value must be
 * plain words).  The caller says it in the action.  Returns 0 or -errno.
 */
int listen_edit_set(struct run *run, const struct sshd_option *o, const char *value);
