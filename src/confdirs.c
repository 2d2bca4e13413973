/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "confdirs.h"
#include "util.h"

const char *const confdirs_systemd_layers[] = { "/etc", "/run", "/usr/local/lib", "/usr/lib", "/lib", NULL };
const char *const confdirs_vendor_layers[] = { "/etc", "/usr/lib", NULL };

bool confdirs_hidden_or_backup(const char *name)
{
	/* systemd asks packagers not to grow this list; neither do we. */
	static const char *const backup[] = {
		"rpmnew",   "rpmsave",	 "rpmorig",  "dpkg-old",    "dpkg-new",	   "dpkg-tmp", "dpkg-dist",
		"dpkg-bak", "dpkg-backup", "dpkg-remove", "ucf-new", "ucf-old", "ucf-dist", "swp",
		"bak",	    "old",	 "new",
	};
	size_t n = strlen(name);
	const char *dot;

	if (name[0] == '.' || streq(name, "lost+found") || streq(name, "aquota.user") || streq(name, "aquota.group") ||
	    (n > 0 && name[n - 1] == '~'))
		return true;
	dot = strrchr(name, '.');
	if (!dot)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(backup); i++)
		if (streq(dot + 1, backup[i]))
			return true;
	return false;
}

const char *conf_mask_why(enum conf_mask kind)
{
	switch (kind) {
	case CONF_MASK_NULL_LINK:
		return "a link to /dev/null";
	case CONF_MASK_LINK:
		return "a link to a device or an empty file";
	case CONF_MASK_DEVICE:
		return "a device node";
	case CONF_MASK_EMPTY:
		return "an empty file";
	case CONF_MASK_NONE:
		break;
	}
	return "not a mask";
}

/* systemd's null_or_empty(). */
static bool null_or_empty(const struct stat *st)
{
	return (S_ISREG(st->st_mode) && st->st_size <= 0) || S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode);
}

int confdirs_mask_kind(struct target *t, const char *path, char **ret_link)
{
	_cleanup_free_ char *text = NULL, *parent = NULL, *abs = NULL;
	struct stat st;
	int r;

	if (ret_link)
		*ret_link = NULL;
	if (target_lstat(t, path, &st) < 0)
		return CONF_MASK_NONE;
	if (!S_ISLNK(st.st_mode)) {
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			return CONF_MASK_DEVICE;
		return S_ISREG(st.st_mode) && st.st_size == 0 ? CONF_MASK_EMPTY : CONF_MASK_NONE;
	}
	r = target_readlink(t, path, &text);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return CONF_MASK_NONE;
	parent = path_parent(path);
	abs = parent ? path_lexical(parent, text) : NULL;
	if (!abs)
		return -ENOMEM;
	/* An offline root often has an empty /dev: the name is what counts. */
	if (streq(abs, "/dev/null"))
		r = CONF_MASK_NULL_LINK;
	else if (target_stat(t, path, &st) == 0 && null_or_empty(&st))
		r = CONF_MASK_LINK;
	else
		return CONF_MASK_NONE;
	if (ret_link)
		*ret_link = TAKE_PTR(text);
	return r;
}

int confdirs_join(const char *const *layers, const char *rel, char ***ret_dirs)
{
	_cleanup_strv_free_ char **v = NULL;

	for (size_t i = 0; layers[i]; i++)
		if (strv_push(&v, path_join(layers[i], rel)) < 0)
			return -ENOMEM;
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	*ret_dirs = TAKE_PTR(v);
	return 0;
}

/*
 * Does the entry at path take its name, by the flags?  1: it is the file
 * that counts; 0: it does not count and a later directory may supply the
 * name; 2: it masks the name.  Or -ENOMEM.
 */
static int entry_counts(struct target *t, const char *path, unsigned flags)
{
	struct stat st;

	if (!(flags & (CONFDIRS_FILTER_MASKED | CONFDIRS_REGULAR | CONFDIRS_FOLLOW)))
		return 1;
	if (flags & CONFDIRS_FILTER_MASKED) {
		int k = confdirs_mask_kind(t, path, NULL);
		if (k < 0)
			return k;
		if (k != CONF_MASK_NONE)
			return 2;
	}
	/* Followed inside the target: a link that leads nowhere is ignored, as fstatat() failing is. */
	if (target_stat(t, path, &st) < 0)
		return 0;
	if ((flags & CONFDIRS_REGULAR) && !S_ISREG(st.st_mode))
		return 0;
	return 1;
}

static bool name_wanted(const char *name, const char *suffix, unsigned flags)
{
	size_t n = strlen(name), k = suffix ? strlen(suffix) : 0;

	if ((flags & CONFDIRS_SKIP_HIDDEN) && confdirs_hidden_or_backup(name))
		return false;
	return !suffix || (n > k && streq(name + n - k, suffix));
}

struct entry {
	const char *name;
	size_t dir;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

int confdirs_list(struct target *t, const char *const *dirs, const char *suffix, unsigned flags, char ***ret_paths,
		  char ***ret_masked)
{
	_cleanup_strv_free_ char **paths = NULL, **masked = NULL;
	_cleanup_free_ struct entry *e = NULL;
	size_t n_dirs = 0, n = 0, cap = 0;
	char ***lists;
	int r = 0;

	while (dirs[n_dirs])
		n_dirs++;
	lists = calloc(n_dirs + 1, sizeof(*lists));
	if (!lists)
		return -ENOMEM;
	for (size_t d = 0; d < n_dirs && r == 0; d++) {
		r = target_list_dir(t, dirs[d], &lists[d]);
		if (r < 0) {
			lists[d] = NULL;
			r = r == -ENOMEM ? r : 0;	/* missing or unreadable: no files from it */
			continue;
		}
		for (size_t i = 0; lists[d][i] && r == 0; i++) {
			if (!name_wanted(lists[d][i], suffix, flags))
				continue;
			if (n >= CONFDIRS_MAX_NAMES) {
				r = -E2BIG;
				break;
			}
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct entry *ne = realloc(e, nc * sizeof(*ne));
				if (!ne) {
					r = -ENOMEM;
					break;
				}
				e = ne;
				cap = nc;
			}
			e[n++] = (struct entry) { lists[d][i], d };
		}
	}
	if (r == 0 && n > 0)
		qsort(e, n, sizeof(*e), entry_cmp);
	for (size_t i = 0; r == 0 && i < n;) {
		size_t end = i;
		bool done = false;

		while (end < n && streq(e[end].name, e[i].name))
			end++;
		for (size_t k = i; !done && k < end && r == 0; k++) {
			char *p = path_join(dirs[e[k].dir], e[k].name);
			int c = p ? entry_counts(t, p, flags) : -ENOMEM;
			if (c < 0)
				r = c;
			else if (c == 1) {
				r = strv_push(&paths, p);
				p = NULL;
				done = true;
			} else if (c == 2) {
				if (ret_masked) {
					r = strv_push(&masked, p);
					p = NULL;
				}
				done = true;
			}
			free(p);
		}
		i = end;
	}
	for (size_t d = 0; d < n_dirs; d++)
		strv_free(lists[d]);
	free(lists);
	if (r < 0)
		return r;
	if (strv_ensure(&paths) < 0 || (ret_masked && strv_ensure(&masked) < 0))
		return -ENOMEM;
	*ret_paths = TAKE_PTR(paths);
	if (ret_masked)
		*ret_masked = TAKE_PTR(masked);
	return 0;
}

int confdirs_list_rel(struct target *t, const char *const *layers, const char *rel, const char *suffix, unsigned flags,
		      char ***ret_paths, char ***ret_masked)
{
	_cleanup_strv_free_ char **dirs = NULL;
	int r;

	r = confdirs_join(layers, rel, &dirs);
	if (r < 0)
		return r;
	return confdirs_list(t, (const char *const *) dirs, suffix, flags, ret_paths, ret_masked);
}

int confdirs_find(struct target *t, const char *const *dirs, const char *name, unsigned flags, char **ret_path)
{
	if (!*name || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
		return -EINVAL;
	for (size_t d = 0; dirs[d]; d++) {
		_cleanup_free_ char *p = path_join(dirs[d], name);
		struct stat st;
		int c;

		if (!p)
			return -ENOMEM;
		if (target_lstat(t, p, &st) < 0)
			continue;
		c = entry_counts(t, p, flags);
		if (c < 0)
			return c;
		if (c == 2)
			return 0;
		if (c == 1) {
			*ret_path = TAKE_PTR(p);
			return 1;
		}
	}
	return 0;
}
