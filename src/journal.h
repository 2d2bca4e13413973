/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal: the only code that writes to the target (DESIGN §4).
 *
 * Checks ask for changes with journal_*(); each request captures the path's
 * current state (its pre-image: existence, type, mode, owner, times,
 * content, link target, every xattr) and the state it will have after (the
 * post-image).  A path changed twice chains: the second pre-image is the
 * first post-image.  Then exactly one of:
 *
 *  - journal_render(): the dry-run view, a unified diff per content change
 *    and git-style "old mode/new mode" lines for metadata; nothing on disk.
 *  - journal_commit(): write-ahead apply.  Under
 *    TARGET/var/lib/sshfix/undo/<id>/ each entry's record (pre-image,
 *    planned post-image hash) is written and fsync'ed before the change;
 *    content is replaced atomically (temp file, fsync, rename, fsync dir)
 *    keeping the old file's xattrs; then the entry is marked done.
 *  - journal_undo(): replays an id's records backwards, refusing a path
 *    that no longer matches its post-image unless forced.
 *
 * Planned paths must be canonical (target_resolve()); at apply time they are
 * re-resolved refusing any symlink, and the on-disk state must still equal
 * the pre-image, so a user racing us with a symlink or a swapped file makes
 * the apply stop instead of changing the wrong file.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "target.h"
#include "util.h"

struct journal;

struct journal_undo_info {
	char *id;
	char *created;		/* ISO 8601 UTC, from the apply's clock */
	size_t n_entries, n_done, n_undone;
	bool complete;		/* the apply finished */
	bool undone;		/* a later --undo restored it */
	char *summary;		/* problem ids, comma-separated */
};

int journal_new(struct target *t, struct journal **ret);
void journal_free(struct journal *j);

/* Entries planned from now on belong to `tag` (a finding index) with `label` (its problem id). */
void journal_set_tag(struct journal *j, size_t tag, const char *label);
size_t journal_n_entries(const struct journal *j);
/* Forget the entries planned after the first n (a declined or failed repair). */
void journal_truncate(struct journal *j, size_t n);
/* Crash after the n-th step of an apply or undo (SIGKILL), for the crash tests; 0 = never. */
void journal_set_crash_at(struct journal *j, unsigned long n);

/*
 * Planning.  Return 0 when an entry was added, 1 when the path already has
 * the requested state (nothing to do), or -errno:
 *   -EMLINK   a regular file with more than one hard link (never changed:
 *             it may be /etc/shadow linked into a home)
 *   -ELOOP    the path is (or passes through) a symlink
 *   -EPERM    not a regular file, directory or symlink where one is needed
 *   -EEXIST   journal_mkdir/symlink on an existing path of another kind
 *   -ENOENT   the path (or its parent) does not exist
 * Modes are permission bits only (07777); -1 keeps a field.
 */
int journal_set_perms(struct journal *j, const char *path, mode_t mode, uid_t uid, gid_t gid);
int journal_write_file(struct journal *j, const char *path, const void *data, size_t len, mode_t mode,
		       uid_t uid, gid_t gid);
/* JW_SECRET: the content (old and new) is never rendered, only that it changes. */
enum { JW_SECRET = 1 << 0 };
int journal_write_file_flags(struct journal *j, const char *path, const void *data, size_t len, mode_t mode,
			     uid_t uid, gid_t gid, unsigned flags);
int journal_mkdir(struct journal *j, const char *path, mode_t mode, uid_t uid, gid_t gid);
int journal_symlink(struct journal *j, const char *path, const char *target);
int journal_unlink(struct journal *j, const char *path);
/* value NULL removes the attribute. */
int journal_set_xattr(struct journal *j, const char *path, const char *name, const void *value, size_t len);
int journal_rename(struct journal *j, const char *from, const char *to);

/*
 * The content a regular file will have once the entries planned so far are
 * applied (its content on disk if none touches it).  path must be canonical.
 * The caller frees *ret_data (NUL-terminated after *ret_len bytes).
 */
int journal_read_current(struct journal *j, const char *path, char **ret_data, size_t *ret_len);

/* Dry-run rendering of all entries (or only those with the given tag when tag != (size_t)-1). */
int journal_render(const struct journal *j, size_t tag, struct buf *out);
/* One line per entry for reports: "mode 0777 -> 0755", "rewrite /etc/x (3 lines changed)". */
int journal_describe(const struct journal *j, size_t tag, struct buf *out, const char *sep);

/*
 * Apply every planned entry.  Returns 0 and sets *ret_id (caller frees), or
 * -errno with *ret_error describing which path failed (caller frees).  After
 * a failure part-way, the first *ret_applied entries stay applied and
 * journaled under *ret_id (when set); undo restores them.
 * -EROFS: target read-only; -ENOSPC: not enough room (nothing was changed).
 */
int journal_commit(struct journal *j, char **ret_id, size_t *ret_applied, char **ret_error);

/* The undo store. */
int journal_list_undo(struct target *t, struct journal_undo_info **ret, size_t *ret_n);
void journal_undo_info_free(struct journal_undo_info *v, size_t n);
/* id NULL or "latest": the newest id not yet undone. */
int journal_undo(struct target *t, const char *id, bool force, unsigned long crash_at, char **ret_id,
		 char **ret_error, FILE *progress);
