/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The StrictModes walk sshd makes before it reads a user's authorized keys
 * file (RULES §1.5-1.8): safe_path() from the file up to the home (or up to
 * "/" for keys outside it), and what the user must be able to open, since
 * sshd reads the file as the user.
 *
 * Shared by the user-key-paths check (which turns every problem on the way
 * into a finding) and the per-user verdict (which wants the first one): the
 * walk reports problems through a callback and never decides what to do
 * about them.  Which files to walk is src/keyfiles.h's business.  Reads go
 * through the target layer; nothing here writes or prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "accounts.h"
#include "target.h"

/*
 * Directories outside the homes (/, /home, /etc/ssh/keys) are on every
 * user's walk; with 10,000 users, looking them up once keeps a scan close
 * to the cost of stat-ing each home once.
 */
#define KEYWALK_CACHE_MAX 16
struct keywalk_cache {
	char *path[KEYWALK_CACHE_MAX];
	struct stat st[KEYWALK_CACHE_MAX];
	int r[KEYWALK_CACHE_MAX];
	size_t n;
};
void keywalk_cache_done(struct keywalk_cache *c);

/* Per-account facts shared by all of its keys files. */
struct keywalk_user {
	const struct pw_entry *pw;
	gid_t *gids;		/* as initgroups() computes them */
	size_t n_gids;
	char *home;		/* canonical home in the target; NULL when it does not resolve to a directory */
	struct stat home_st;	/* of home, from resolving it: the walk of every keys file ends there */
	struct target_dir keys_dir;	/* the directory of the keys file last looked up (~/.ssh), held
					 * for the next one and for its own stat (src/target.h) */
	bool debian;		/* Debian's group-writable rule (RULES §1.8) */
	bool strict;		/* StrictModes yes */
	struct keywalk_cache *cache;	/* may be NULL */
};

/* Fill *ret for pw (pw->dir absolute); returns 0 or -ENOMEM.  Free with keywalk_user_done(). */
int keywalk_user_init(struct target *t, const struct accounts *a, const struct pw_entry *pw, bool strict,
		      bool debian, struct keywalk_cache *cache, struct keywalk_user *ret);
void keywalk_user_done(struct keywalk_user *u);

enum keywalk_what {
	KW_USER_SYMLINK,	/* path is the user's symlink; target the keys file outside the home it leads to */
	KW_NOT_REGULAR,		/* path is a directory or special file */
	KW_REFUSED,		/* path is refused by StrictModes (bad) or cannot be opened by the user (!usable) */
};

struct keywalk_problem {
	enum keywalk_what what;
	const char *path;	/* canonical, inside the target */
	const char *target;	/* KW_USER_SYMLINK only */
	const struct stat *st;	/* lstat of path (not for KW_USER_SYMLINK) */
	unsigned bad;		/* SM_* bits; 0 when only !usable */
	bool usable;		/* the user can read the file / enter the directory */
	bool is_file;		/* the keys file itself, not a directory above it */
	bool inside;		/* path is inside the home, below "/home" */
};

/* Return 0 to go on walking, > 0 to stop (the walk returns it), < 0 on error. */
typedef int (*keywalk_fn)(void *userdata, const struct keywalk_user *u, const struct keywalk_problem *p);

/*
 * Walk as safe_path() does (RULES §1.6): the file, then each directory up
 * to and including the home, or up to "/" for keys outside it; directories
 * above the home only for searchability.  Calls fn for every problem, in
 * that order.  A keys file reached through a user's symlink that leads out
 * of the home is one problem (KW_USER_SYMLINK) and nothing beyond it is
 * looked at, nor beyond a file that is not regular.  *ret_exists (may be
 * NULL) says whether path resolved at all.  Returns 0, fn's positive
 * value, or a negative errno (-ENOMEM, or what fn returned).
 */
int keywalk_file(struct target *t, const struct accounts *a, struct keywalk_user *u, const char *path,
		 keywalk_fn fn, void *userdata, bool *ret_exists);

/* "is writable by others (mode 0777)" and the like, for a KW_REFUSED problem. */
const char *keywalk_describe(const struct keywalk_problem *p, char *buf, size_t n);

/*
 * Would sshd run this AuthorizedKeysCommand program, its first word (RULES
 * §1.10)?  It must be an absolute path, and the program (symlinks followed)
 * and every directory up
 * to "/" owned by root and not writable by group or others (misc.c
 * subprocess() -> safe_path(); Debian's patch allows a group private to
 * root).  Returns 1 with *ret_why when sshd refuses to run it, and so no
 * key comes from it; 0 when it would run; -ENOMEM.
 */
int keywalk_command_refused(struct target *t, const struct accounts *a, bool debian, const char *program,
			    char **ret_why);
