/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "keywalk.h"
#include "strictmodes.h"
#include "util.h"

static int cached_lstat(struct target *t, struct keywalk_cache *c, const char *path, struct stat *ret)
{
	if (!c)
		return target_lstat(t, path, ret);
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->path[i], path) == 0) {
			*ret = c->st[i];
			return c->r[i];
		}
	int r = target_lstat(t, path, ret);
	if (c->n < KEYWALK_CACHE_MAX && (c->path[c->n] = strdup(path))) {
		c->st[c->n] = *ret;
		c->r[c->n++] = r;
	}
	return r;
}

void keywalk_cache_done(struct keywalk_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->path[i]);
	c->n = 0;
}

int keywalk_user_init(struct target *t, const struct accounts *a, const struct pw_entry *pw, bool strict,
		      bool debian, struct keywalk_cache *cache, struct keywalk_user *ret)
{
	struct keywalk_user u = { .pw = pw, .debian = debian, .strict = strict, .cache = cache,
				  .keys_dir = TARGET_DIR_NULL };
	struct target_path home = {0};
	int r;

	if (target_resolve(t, pw->dir, 0, &home, NULL) == 0 && S_ISDIR(home.st.st_mode)) {
		u.home = TAKE_PTR(home.canon);
		u.home_st = home.st;
	}
	target_path_done(&home);
	r = accounts_user_gids(a, pw, &u.gids, &u.n_gids);
	if (r < 0) {
		free(u.home);
		return r;
	}
	*ret = u;
	return 0;
}

void keywalk_user_done(struct keywalk_user *u)
{
	target_dir_done(&u->keys_dir);
	free(u->gids);
	free(u->home);
	*u = (struct keywalk_user) { .keys_dir = TARGET_DIR_NULL };	/* a second call closes nothing */
}

const char *keywalk_describe(const struct keywalk_problem *p, char *buf, size_t n)
{
	const struct stat *st = p->st;
	char m[8];

	if (p->bad & SM_BAD_OWNER)
		snprintf(buf, n, "is owned by uid %u (mode %s)", (unsigned) st->st_uid, mode_str(st->st_mode, m));
	else if (p->bad & (SM_GROUP_WRITABLE | SM_OTHER_WRITABLE))
		snprintf(buf, n, "is writable by %s (mode %s)",
			 (p->bad & SM_GROUP_WRITABLE) && (p->bad & SM_OTHER_WRITABLE) ? "group and others"
			 : (p->bad & SM_GROUP_WRITABLE)				      ? "group"
										      : "others",
			 mode_str(st->st_mode, m));
	else if (!p->usable)
		snprintf(buf, n, "cannot be %s by the user (mode %s, owner %u:%u)", p->is_file ? "read" : "entered",
			 mode_str(st->st_mode, m), (unsigned) st->st_uid, (unsigned) st->st_gid);
	else
		snprintf(buf, n, "is refused");
	return buf;
}

/* Does a POSIX ACL decide access here?  Then the mode bits do not tell. */
static bool has_acl(struct target *t, const char *path)
{
	_cleanup_close_ int fd = target_open_inode(t, path, TR_NO_SYMLINKS, NULL);
	char c;

	if (fd < 0)
		return false;
	return fgetxattr(fd, "system.posix_acl_access", &c, 0) >= 0;
}

struct walk {
	struct target *t;
	const struct accounts *a;
	const struct keywalk_user *u;
	keywalk_fn fn;
	void *userdata;
};

/*
 * Check one component; `known` is the keys file's stat, which the
 * resolution already has.  Outside the home, stats come from the cache.
 */
static int check_component(const struct walk *w, const char *path, bool file, bool inside, const struct stat *known)
{
	const struct keywalk_user *u = w->u;
	struct stat st;
	unsigned bad = 0;
	bool usable;
	int r;

	if (known)
		st = *known, r = 0;
	else if (!inside)
		r = cached_lstat(w->t, u->cache, path, &st);
	else
		r = target_lstat(w->t, path, &st);
	if (r < 0)
		return r == -ENOMEM ? r : 0;	/* gone since we resolved it; the next run sees */

	if (u->strict)
		bad = strictmodes_check(w->a, u->pw, &st, u->debian);
	usable = strictmodes_user_can(u->pw, u->gids, u->n_gids, &st, file ? R_OK : X_OK) || has_acl(w->t, path);
	if (!bad && usable)
		return 0;
	return w->fn(w->userdata, u,
		     &(struct keywalk_problem) { .what = KW_REFUSED, .path = path, .st = &st, .bad = bad,
						 .usable = usable, .is_file = file, .inside = inside });
}

int keywalk_file(struct target *t, const struct accounts *a, struct keywalk_user *u, const char *path,
		 keywalk_fn fn, void *userdata, bool *ret_exists)
{
	const struct walk w = { t, a, u, fn, userdata };
	struct target_path tp = {0};
	_cleanup_free_ char *dir = NULL;
	bool inside;
	int r;

	if (ret_exists)
		*ret_exists = false;
	/* the account's keys files share ~/.ssh: resolved once, and its stat comes with it */
	r = target_resolve_in(t, &u->keys_dir, path, &tp);
	if (r < 0)
		return r == -ENOMEM ? r : 0;	/* no keys there */
	if (ret_exists)
		*ret_exists = true;

	inside = u->home && strcmp(u->home, "/") != 0 && path_is_below(tp.canon, u->home);
	if (tp.user_symlink && !inside) {
		r = fn(userdata, u,
		       &(struct keywalk_problem) { .what = KW_USER_SYMLINK, .path = tp.user_symlink_path,
						   .target = tp.canon, .is_file = true });
		target_path_done(&tp);
		return r;
	}
	if (!S_ISREG(tp.st.st_mode)) {
		r = fn(userdata, u,
		       &(struct keywalk_problem) { .what = KW_NOT_REGULAR, .path = tp.canon, .st = &tp.st,
						   .usable = true, .is_file = true, .inside = inside });
		target_path_done(&tp);
		return r;
	}

	r = check_component(&w, tp.canon, true, inside, &tp.st);
	dir = path_parent(tp.canon);
	target_path_done(&tp);
	if (!dir)
		return -ENOMEM;
	/* From the file's directory up to "/", checking StrictModes only up to the home. */
	bool past_home = !inside;
	while (r == 0) {
		bool is_home = u->home && strcmp(dir, u->home) == 0;
		bool in = inside && !past_home;
		if (past_home && inside) {
			/* Above the home sshd only needs to get through. */
			struct stat st;
			if (cached_lstat(t, u->cache, dir, &st) == 0 &&
			    !strictmodes_user_can(u->pw, u->gids, u->n_gids, &st, X_OK) && !has_acl(t, dir))
				r = fn(userdata, u, &(struct keywalk_problem) { .what = KW_REFUSED, .path = dir, .st = &st });
		} else {
			/* the home was looked at when the user's walk began, the keys file's
			 * directory when it was looked up: no second lookup of either */
			struct stat held;
			const struct stat *known = is_home && in ? &u->home_st : NULL;
			if (!known && in && u->keys_dir.canon && streq(dir, u->keys_dir.canon) &&
			    target_dir_stat(&u->keys_dir, &held) == 0)
				known = &held;
			r = check_component(&w, dir, false, in && strcmp(dir, "/") != 0 && strcmp(dir, "/home") != 0,
					    known);
		}
		if (is_home)
			past_home = true;
		if (strcmp(dir, "/") == 0)
			break;
		char *up = path_parent(dir);
		if (!up)
			return -ENOMEM;
		free(dir);
		dir = up;
	}
	return r;
}

int keywalk_command_refused(struct target *t, const struct accounts *a, bool debian, const char *program,
			    char **ret_why)
{
	struct target_path tp = {0};
	const struct pw_entry *root = accounts_user_by_uid(a, 0);
	int r;

	*ret_why = NULL;
	if (program[0] != '/')
		return asprintf(ret_why, "%s is not an absolute path", program) < 0 ? -ENOMEM : 1;
	r = target_resolve(t, program, 0, &tp, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return asprintf(ret_why, "cannot stat %s: %s", program, strerror(-r)) < 0 ? -ENOMEM : 1;
	if (!root) {
		target_path_done(&tp);
		return 0;	/* no root account: nothing to judge owners by (account-db says why) */
	}
	/* safe_path(): the real file, then each directory up to "/", owned by
	 * root and not writable by others (Debian: nor by a shared group). */
	for (bool first = true;; first = false) {
		char *p = tp.canon, *slash;
		bool top = streq(p, "/");
		struct stat st;

		if (first)
			st = tp.st;
		else if ((r = target_stat(t, p, &st)) < 0) {
			r = asprintf(ret_why, "cannot stat %s: %s", p, strerror(-r)) < 0 ? -ENOMEM : 1;
			break;
		}
		unsigned bad = strictmodes_check(a, root, &st, debian);
		if (bad) {
			char mode[8];
			const char *what = first ? "the program" : "directory";
			if (bad & SM_BAD_OWNER)
				r = asprintf(ret_why, "%s %s is owned by uid %u, not root", what, p, (unsigned) st.st_uid);
			else
				r = asprintf(ret_why, "%s %s is writable by %s (mode %s)", what, p,
					     bad & SM_OTHER_WRITABLE ? "others" : "its group", mode_str(st.st_mode, mode));
			r = r < 0 ? -ENOMEM : 1;
			break;
		}
		if (top) {
			r = 0;
			break;
		}
		slash = strrchr(p, '/');
		if (slash == p)
			slash[1] = '\0';	/* the parent is "/" */
		else
			*slash = '\0';
	}
	target_path_done(&tp);
	return r;
}
