/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal's insides, shared by its three files: journal_image.c (the
 * state of a path: read, compared, copied), journal.c (planning and the
 * dry-run view) and journal_store.c (the undo store: records, apply,
 * undo).  Nothing outside src/journal*.c includes this.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "journal.h"
#include "sha256.h"
#include "target.h"

/* Largest file whose content we keep as a pre-image; config and key files are tiny. */
#define CONTENT_MAX CONFIG_MAX
#define XATTR_LIST_MAX_BYTES (1u << 16)

struct xattr {
	char *name;
	char *value;
	size_t len;
};

/* Everything needed to recreate a path exactly as it was. */
struct image {
	bool exists;
	mode_t mode;		/* with the file type bits */
	uid_t uid;
	gid_t gid;
	nlink_t nlink;
	dev_t dev;		/* with ino: which object this is (0 when not known) */
	ino_t ino;		/* 0 when not known (a file we will create) */
	struct timespec atime, mtime;
	bool have_times;	/* atime/mtime were read from disk (not a file we create) */
	bool have_content;	/* regular file content is held (size <= CONTENT_MAX) */
	char *content;
	size_t size;
	char sha[SHA256_HEX_LEN + 1];	/* of the content, "" when not known */
	char *link;		/* symlink target */
	struct xattr *xattrs;
	size_t n_xattrs;
};

enum op {
	OP_SET_PERMS,
	OP_WRITE,
	OP_MKDIR,
	OP_SYMLINK,
	OP_UNLINK,
	OP_SET_XATTR,
	OP_RENAME,
	OP_DISCARD,	/* a cache derived from other files: removed, and removed again by undo */
};
#define OP_COUNT (OP_DISCARD + 1)

struct entry {
	enum op op;
	char *path, *path2;	/* path2: rename destination */
	size_t tag;
	char *label;
	struct image pre, post;		/* of path */
	struct image pre2, post2;	/* of path2 (rename) */
	char *xattr_name;		/* OP_SET_XATTR */
	char *tmp;			/* OP_WRITE: temp file name in the same directory */
	bool secret;			/* content never shown (private keys, shadow): sizes and hashes only */
	bool failed;			/* after a commit: not applied */
	char *error;			/* why, when known */
};

/* The account repairs are planned for (journal_set_subject()), resolved. */
struct subject {
	uid_t uid;
	gid_t gid;
	char *name;
	char *home;		/* canonical, NULL when it cannot be reached safely */
	char **grantable;	/* canonical home and keys path components beneath it */
	char **configured;	/* canonical keys files, wherever they are, reached safely */
	const struct accounts *accounts;
};

struct journal {
	struct target *t;
	struct entry *entries;
	size_t n, cap;
	size_t tag;
	char *label;
	unsigned long crash_at, steps;
	struct subject *subject;	/* NULL: repairs for the system */
	char *refusal;			/* why the last planning call refused */
	char *hint;			/* by_hand()'s text */
	char *test_hook;		/* SSHFIX_TEST_HOOK */
};

extern const char *const journal_op_names[OP_COUNT];

void image_done(struct image *im);
int image_copy(const struct image *src, struct image *dst);
void image_set_content(struct image *im, char *data, size_t len);
int xattr_set_in(struct image *im, const char *name, const void *value, size_t len);
const struct xattr *xattr_find(const struct image *im, const char *name);
bool xattrs_equal(const struct image *a, const struct image *b);
int proc_fd_path(int dirfd, const char *name, char **ret);
int read_xattrs(int fd, int dirfd, const char *name, bool is_link, struct image *im);
int open_entry(int dirfd, const char *name, mode_t type);
int image_read_at(int dirfd, const char *name, struct image *ret, int *ret_fd);
int image_read(struct target *t, const char *path, struct image *ret);
const char *type_name(mode_t m);
bool image_matches(const struct image *cur, const struct image *want);
bool image_same(const struct image *cur, const struct image *want);
void journal_entry_done(struct entry *e);
/* A directory only root can change the entries of (target_dir_is_roots()). */
bool image_dir_is_roots(const struct image *im);
/*
 * Is this content never to be shown?  Password hashes (/etc/shadow,
 * /etc/gshadow and their backups), host private keys (ssh_host_*_key), and
 * any file that holds private key material, whatever its name.
 */
bool journal_is_secret(const char *path, const struct image *im);
