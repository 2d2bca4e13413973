/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Line edits of a target configuration file, planned through the journal.
 * Each starts from the content the file will have after the edits planned
 * so far in this run, changes one line, and plans the rewrite (mode, owner
 * and xattrs kept).  Lines are numbered from 1 as sshd numbers them ('\n'
 * separated; a CR stays part of its line).  A bad line is never deleted:
 * it is commented out behind a marker that says why (DESIGN §5).
 */
#pragma once

#include "journal.h"
#include "target.h"

#define CONFIG_EDIT_MARKER "# sshfix: disabled, "

/*
 * "Foo bar" becomes "# sshfix: disabled, <reason>: Foo bar".  Returns 0, 1
 * when the line is already commented out, -ERANGE for a line the file does
 * not have, or a journal error.  path is resolved inside the target first
 * (root-owned symlinks are followed: the edit lands on the real file).
 */
int config_comment_out(struct target *t, struct journal *j, const char *path, unsigned line, const char *reason);
/* The text of line `line` as planned so far (without its newline); the caller frees it. */
int config_read_line(struct target *t, struct journal *j, const char *path, unsigned line, char **ret, size_t *ret_len);
/* Replace line `line` by text (no newline in it). */
int config_replace_line(struct target *t, struct journal *j, const char *path, unsigned line, const char *text);
/* Insert text as a new line before line `before` (1: at the top; past the end: appended). */
int config_insert_line(struct target *t, struct journal *j, const char *path, unsigned before, const char *text);
