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
 * Planning is also where the safety rules of DESIGN §5 are enforced, for
 * every family at once (journal_set_subject() below): a path is resolved
 * following only symlinks no user can have planted or moved, and a change
 * that would hand something to someone is refused with a reason
 * (journal_refusal()).  At apply time each path is re-resolved refusing any
 * symlink; the object must still be the very inode planned (device and
 * inode) with the same state, and metadata is changed through the fd that
 * was examined: narrowed first, then chowned, then given its final mode
 * (systemd's fd_set_perms()).  A user racing us with a rename, a symlink
 * or a swapped file makes that change fail alone instead of changing the
 * wrong file.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "accounts.h"
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
 * The attack tier's race hook (SSHFIX_TEST_HOOK): during an apply, run
 * `program examine PATH` before re-examining each path and `program change
 * PATH` once it holds the examined object, just before changing it; wait
 * for it.  NULL: none.  Returns 0 or -ENOMEM.
 */
int journal_set_test_hook(struct journal *j, const char *program);

/*
 * Whom the repairs planned from now on are made for (DESIGN §5).  A repair
 * made for an account (StrictModes, keys files, --add-key, --client) may
 * open up (add mode bits), give to the account (chown), rewrite or label
 * only:
 *  - objects the account already owns;
 *  - its home as named in passwd and, beneath it, the components of
 *    `paths` (its configured keys files and the directories on the way),
 *    each reached without a symlink a user controls, when root or no
 *    account owns them;
 *  - for a rewrite or relabel that keeps owner and mode: a root-owned object
 *    outside the home that no user can reach by a name of their making (a
 *    keys file under /etc/ssh).
 * Other objects may only lose mode bits.  New files and directories go only
 * into directories the same rules allow, and belong to the account or root.
 * Another account's object is never changed for this one.  NULL: repairs
 * made for the system, which never give an object to a non-root uid.
 * `accounts` must stay valid until the next call.  Returns 0 or -ENOMEM.
 */
struct journal_subject {
	uid_t uid;
	gid_t gid;
	const char *name;	/* for messages */
	const char *home;	/* as passwd (or --home) names it */
	const struct accounts *accounts;
	char **paths;		/* absolute, as configured (not canonicalised); may be NULL */
};
int journal_set_subject(struct journal *j, const struct journal_subject *s);
/* Why the last planning call refused (a sentence naming the path), or NULL. */
const char *journal_refusal(const struct journal *j);

/*
 * Planning.  Paths are absolute, without "." or ".." (the path as the
 * configuration or sshd names it; symlinks root planted in root's
 * directories are followed, others refused).  Return 0 when an entry was
 * added, 1 when the path already has the requested state (nothing to do),
 * or -errno, with journal_refusal() saying why for the refusals:
 *   -EMLINK   a regular file with more than one hard link (never changed:
 *             it may be /etc/shadow linked into a home)
 *   -ENOLINK  reached through a symlink a user could have planted or moved
 *   -ELOOP    the path is itself a symlink where a file is needed
 *   -EACCES   refused by the rules above (set-id file, another account's
 *             object, something not the account's to be given)
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
/*
 * A cache another program derives from files sshfix changes (AppArmor's
 * compiled profile): removed by the apply, so that the next load rebuilds it
 * from the changed files, and removed again by the undo, never restored: by
 * then it may have been rebuilt from the files the undo puts back, or from
 * the ones it takes away, and only a rebuild is right for both.  A regular
 * file only.
 */
int journal_discard(struct journal *j, const char *path);
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
 * Apply every planned entry.  An entry that cannot be applied (the path
 * changed since it was examined, a write error) fails alone: the entries
 * that depend on it (the same path, below it) are not attempted, the others
 * are.  Returns 0 when all were applied, the number that were not (> 0;
 * journal_entry_error() says why for each), or -errno when the undo store
 * could not be written (then *ret_error says why; entries not yet reached
 * are not applied).  *ret_id (caller frees) is set once the store holds a
 * record; undo restores whatever was applied.
 * -EROFS: target read-only; -ENOSPC: not enough room (nothing was changed).
 */
int journal_commit(struct journal *j, char **ret_id, char **ret_error);
/* After journal_commit(): NULL when entry k was applied, else why not. */
const char *journal_entry_error(const struct journal *j, size_t k);

/* The undo store. */
int journal_list_undo(struct target *t, struct journal_undo_info **ret, size_t *ret_n);
void journal_undo_info_free(struct journal_undo_info *v, size_t n);
struct journal_undo_opts {
	bool force;		/* restore paths changed since the apply (never onto another object) */
	unsigned long crash_at;	/* journal_set_crash_at() */
	const char *test_hook;	/* journal_set_test_hook() */
	FILE *progress;		/* "restoring PATH" lines, or NULL */
};
/* id NULL or "latest": the newest id not yet undone. */
int journal_undo(struct target *t, const char *id, const struct journal_undo_opts *o, char **ret_id,
		 char **ret_error);
