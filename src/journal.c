/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "diff.h"
#include "journal.h"
#include "journal_int.h"
#include "sha256.h"
#include "util.h"

/* ---- planning ---- */

int journal_new(struct target *t, struct journal **ret)
{
	struct journal *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->t = t;
	*ret = j;
	return 0;
}


void journal_free(struct journal *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++)
		journal_entry_done(&j->entries[i]);
	free(j->entries);
	free(j->label);
	free(j);
}

void journal_set_tag(struct journal *j, size_t tag, const char *label)
{
	j->tag = tag;
	free(j->label);
	j->label = strdup_or_null(label);
}

size_t journal_n_entries(const struct journal *j)
{
	return j->n;
}

void journal_truncate(struct journal *j, size_t n)
{
	while (j->n > n)
		journal_entry_done(&j->entries[--j->n]);
}

void journal_set_crash_at(struct journal *j, unsigned long n)
{
	j->crash_at = n;
}

/* The state a path will have once the entries planned so far are applied. */
static int current_image(struct journal *j, const char *path, struct image *ret)
{
	for (size_t i = j->n; i-- > 0;) {
		const struct entry *e = &j->entries[i];
		if (strcmp(e->path, path) == 0)
			return image_copy(&e->post, ret);
		if (e->path2 && strcmp(e->path2, path) == 0)
			return image_copy(&e->post2, ret);
	}
	/* Nothing exists yet below a directory this journal will create (a
	 * missing /var/empty, then /var/empty/sshd); on disk it has no parent. */
	for (size_t i = 0; i < j->n; i++)
		if (j->entries[i].op == OP_MKDIR && !j->entries[i].pre.exists && path_is_below(path, j->entries[i].path)) {
			*ret = (struct image) {0};
			return 0;
		}
	return image_read(j->t, path, ret);
}

int journal_read_current(struct journal *j, const char *path, char **ret_data, size_t *ret_len)
{
	struct image im = {0};
	int r = current_image(j, path, &im);

	if (r < 0)
		return r;
	if (!im.exists)
		r = -ENOENT;
	else if (!S_ISREG(im.mode))
		r = S_ISLNK(im.mode) ? -ELOOP : -EPERM;
	else if (!im.have_content)
		r = -EFBIG;
	if (r == 0) {
		*ret_data = TAKE_PTR(im.content);
		*ret_len = im.size;
	}
	image_done(&im);
	return r;
}

/* Paths below a planned rename, mkdir or removal would see a changed parent. */
static bool parent_planned_away(const struct journal *j, const char *path)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct entry *e = &j->entries[i];
		if ((e->op == OP_RENAME || e->op == OP_UNLINK) && strcmp(e->path, path) != 0 &&
		    path_is_below(path, e->path))
			return true;
	}
	return false;
}

static int check_path_arg(const char *path)
{
	_cleanup_free_ char *s = NULL;

	if (!path || path[0] != '/')
		return -EINVAL;
	s = path_simplify(path);
	if (!s)
		return -ENOMEM;
	if (strcmp(s, path) != 0 || strstr(path, "/../") || (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
		return -EINVAL;
	return 0;
}

static int add_entry(struct journal *j, struct entry *e)
{
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 16;
		struct entry *ne = realloc(j->entries, cap * sizeof(struct entry));
		if (!ne)
			return -ENOMEM;
		j->entries = ne;
		j->cap = cap;
	}
	e->tag = j->tag;
	e->label = strdup_or_null(j->label);
	if (j->label && !e->label)
		return -ENOMEM;
	j->entries[j->n++] = *e;
	return 0;
}

/* Prepare an entry for `path` whose pre-image is the path's current state. */
static int begin_entry(struct journal *j, enum op op, const char *path, struct entry *e)
{
	int r = check_path_arg(path);

	if (r < 0)
		return r;
	if (parent_planned_away(j, path))
		return -EBUSY;
	*e = (struct entry) { .op = op };
	e->path = strdup(path);
	if (!e->path)
		return -ENOMEM;
	r = current_image(j, path, &e->pre);
	if (r < 0) {
		journal_entry_done(e);
		return r;
	}
	return 0;
}

/* Regular files with several names are never changed: the other name may be
 * /etc/shadow, hard-linked into a home by its owner. */
static int refuse_hardlinked(const struct image *im)
{
	return im->exists && S_ISREG(im->mode) && im->nlink > 1 ? -EMLINK : 0;
}

/* Add the entry unless the path already looks as asked (returns 1 then). */
static int finish_entry(struct journal *j, struct entry *e)
{
	int r;

	if (e->op != OP_RENAME && image_matches(&e->pre, &e->post)) {
		journal_entry_done(e);
		return 1;
	}
	r = add_entry(j, e);
	if (r < 0)
		journal_entry_done(e);
	return r;
}

int journal_set_perms(struct journal *j, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	struct entry e;
	int r;

	if (mode != (mode_t) -1 && (mode & ~07777))
		return -EINVAL;
	r = begin_entry(j, OP_SET_PERMS, path, &e);
	if (r < 0)
		return r;
	if (!e.pre.exists)
		r = -ENOENT;
	else if (S_ISLNK(e.pre.mode))
		r = -ELOOP;
	else if (!S_ISREG(e.pre.mode) && !S_ISDIR(e.pre.mode))
		r = -EPERM;
	else
		r = refuse_hardlinked(&e.pre);
	if (r == 0)
		r = image_copy(&e.pre, &e.post);
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	if (mode != (mode_t) -1)
		e.post.mode = (e.pre.mode & S_IFMT) | mode;
	if (uid != (uid_t) -1)
		e.post.uid = uid;
	if (gid != (gid_t) -1)
		e.post.gid = gid;
	/* chown(2) clears set-id bits of files; the post-image says what we set. */
	return finish_entry(j, &e);
}

int journal_write_file(struct journal *j, const char *path, const void *data, size_t len, mode_t mode,
		       uid_t uid, gid_t gid)
{
	return journal_write_file_flags(j, path, data, len, mode, uid, gid, 0);
}

int journal_write_file_flags(struct journal *j, const char *path, const void *data, size_t len, mode_t mode,
			     uid_t uid, gid_t gid, unsigned flags)
{
	struct entry e;
	char *copy;
	int r;

	if (mode != (mode_t) -1 && (mode & ~07777))
		return -EINVAL;
	r = begin_entry(j, OP_WRITE, path, &e);
	if (r < 0)
		return r;
	if (e.pre.exists && !S_ISREG(e.pre.mode))
		r = S_ISLNK(e.pre.mode) ? -ELOOP : -EPERM;
	else if (e.pre.exists && !e.pre.have_content)
		r = -EFBIG;
	else
		r = refuse_hardlinked(&e.pre);
	if (r == 0 && !e.pre.exists && (mode == (mode_t) -1 || uid == (uid_t) -1 || gid == (gid_t) -1))
		r = -EINVAL;	/* a new file needs an explicit mode and owner */
	if (r == 0)
		r = image_copy(&e.pre, &e.post);
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	copy = malloc(len + 1);
	if (!copy) {
		journal_entry_done(&e);
		return -ENOMEM;
	}
	memcpy(copy, data, len);
	copy[len] = '\0';
	e.post.exists = true;
	e.post.mode = S_IFREG | (mode != (mode_t) -1 ? mode : (e.pre.mode & 07777));
	if (uid != (uid_t) -1)
		e.post.uid = uid;
	if (gid != (gid_t) -1)
		e.post.gid = gid;
	e.post.nlink = 1;
	e.post.ino = 0;		/* a new inode replaces the old one */
	e.secret = flags & JW_SECRET;
	e.post.have_times = false;
	image_set_content(&e.post, copy, len);
	return finish_entry(j, &e);
}

int journal_mkdir(struct journal *j, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	struct entry e;
	int r;

	if ((mode & ~07777) || uid == (uid_t) -1 || gid == (gid_t) -1)
		return -EINVAL;
	r = begin_entry(j, OP_MKDIR, path, &e);
	if (r < 0)
		return r;
	if (e.pre.exists) {
		r = S_ISDIR(e.pre.mode) ? 1 : -EEXIST;
		journal_entry_done(&e);
		return r;
	}
	e.post = (struct image) {
		.exists = true, .mode = S_IFDIR | mode, .uid = uid, .gid = gid, .nlink = 2,
	};
	return finish_entry(j, &e);
}

int journal_symlink(struct journal *j, const char *path, const char *target)
{
	struct entry e;
	int r;

	if (!target || !*target)
		return -EINVAL;
	r = begin_entry(j, OP_SYMLINK, path, &e);
	if (r < 0)
		return r;
	if (e.pre.exists) {
		r = S_ISLNK(e.pre.mode) && strcmp(e.pre.link, target) == 0 ? 1 : -EEXIST;
		journal_entry_done(&e);
		return r;
	}
	e.post = (struct image) { .exists = true, .mode = S_IFLNK | 0777, .nlink = 1 };
	e.post.link = strdup(target);
	if (!e.post.link) {
		journal_entry_done(&e);
		return -ENOMEM;
	}
	return finish_entry(j, &e);
}

int journal_unlink(struct journal *j, const char *path)
{
	struct entry e;
	int r;

	r = begin_entry(j, OP_UNLINK, path, &e);
	if (r < 0)
		return r;
	if (!e.pre.exists) {
		journal_entry_done(&e);
		return 1;
	}
	if (S_ISREG(e.pre.mode) && !e.pre.have_content)
		r = -EFBIG;	/* could not be restored */
	else if (!S_ISREG(e.pre.mode) && !S_ISLNK(e.pre.mode) && !S_ISDIR(e.pre.mode))
		r = -EPERM;
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	return finish_entry(j, &e);
}

int journal_set_xattr(struct journal *j, const char *path, const char *name, const void *value, size_t len)
{
	struct entry e;
	int r;

	if (!name || !*name)
		return -EINVAL;
	r = begin_entry(j, OP_SET_XATTR, path, &e);
	if (r < 0)
		return r;
	if (!e.pre.exists)
		r = -ENOENT;
	else if (!S_ISREG(e.pre.mode) && !S_ISDIR(e.pre.mode) && !S_ISLNK(e.pre.mode))
		r = -EPERM;
	else
		r = refuse_hardlinked(&e.pre);
	if (r == 0)
		r = image_copy(&e.pre, &e.post);
	if (r == 0)
		r = xattr_set_in(&e.post, name, value, len);
	if (r == 0 && !(e.xattr_name = strdup(name)))
		r = -ENOMEM;
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	return finish_entry(j, &e);
}

int journal_rename(struct journal *j, const char *from, const char *to)
{
	struct entry e;
	int r;

	r = check_path_arg(to);
	if (r < 0)
		return r;
	r = begin_entry(j, OP_RENAME, from, &e);
	if (r < 0)
		return r;
	if (!e.pre.exists)
		r = -ENOENT;
	else if (S_ISDIR(e.pre.mode))
		r = -EISDIR;	/* directories are never moved by a repair */
	else if (!(e.path2 = strdup(to)))
		r = -ENOMEM;
	if (r == 0)
		r = current_image(j, to, &e.pre2);
	if (r == 0 && e.pre2.exists && !S_ISREG(e.pre2.mode) && !S_ISLNK(e.pre2.mode))
		r = -EISDIR;
	if (r == 0 && e.pre2.exists && S_ISREG(e.pre2.mode) && !e.pre2.have_content)
		r = -EFBIG;
	if (r == 0)
		r = image_copy(&e.pre, &e.post2);
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	e.post = (struct image) {0};
	return finish_entry(j, &e);
}

/* ---- rendering ---- */

static void render_mode_owner(struct buf *out, const struct image *a, const struct image *b)
{
	char m1[8], m2[8];

	if ((a->mode & 07777) != (b->mode & 07777))
		buf_printf(out, "old mode %s\nnew mode %s\n", mode_str(a->mode, m1), mode_str(b->mode, m2));
	if (a->uid != b->uid || a->gid != b->gid)
		buf_printf(out, "old owner %u:%u\nnew owner %u:%u\n", (unsigned) a->uid, (unsigned) a->gid,
			   (unsigned) b->uid, (unsigned) b->gid);
}

static void render_xattr_value(struct buf *out, const struct xattr *x)
{
	_cleanup_free_ char *e = NULL;
	size_t n = x->len;

	/* security.selinux values end with a NUL; show the text. */
	if (n > 0 && x->value[n - 1] == '\0')
		n--;
	e = escape_record(x->value, n);
	buf_printf(out, "\"%s\"", e ? e : "?");
}

static void render_xattrs(struct buf *out, const struct image *a, const struct image *b)
{
	for (size_t i = 0; i < b->n_xattrs; i++) {
		const struct xattr *old = xattr_find(a, b->xattrs[i].name);
		if (old && old->len == b->xattrs[i].len && memcmp(old->value, b->xattrs[i].value, old->len) == 0)
			continue;
		buf_printf(out, "set xattr %s = ", b->xattrs[i].name);
		render_xattr_value(out, &b->xattrs[i]);
		buf_putc(out, '\n');
	}
	for (size_t i = 0; i < a->n_xattrs; i++)
		if (!xattr_find(b, a->xattrs[i].name))
			buf_printf(out, "remove xattr %s\n", a->xattrs[i].name);
}

/*
 * A content diff, unless a side is too big to be worth showing (and to
 * spend a worst-case O(N*D) diff on): then just the sizes.
 */
#define DIFF_SHOW_MAX (1u << 20)
static int render_content(struct buf *out, const char *a, size_t alen, const char *b, size_t blen,
			  const char *la, const char *lb)
{
	if (alen > DIFF_SHOW_MAX || blen > DIFF_SHOW_MAX) {
		buf_printf(out, "content: %zu bytes -> %zu bytes (too large to show)\n", alen, blen);
		return buf_ok(out) ? 0 : -ENOMEM;
	}
	return diff_unified(out, a, alen, b, blen, la, lb, 3);
}

/* A private key's old or new bytes are never printed, not even in a dry-run. */
static int render_secret(struct buf *out, const struct image *a)
{
	if (a->exists)
		buf_printf(out, "content: %zu bytes -> new content (secret, not shown)\n", a->size);
	else
		buf_puts(out, "content: new (secret, not shown)\n");
	return buf_ok(out) ? 0 : -ENOMEM;
}

static int render_entry(const struct entry *e, struct buf *out)
{
	_cleanup_free_ char *p = escape_display(e->path), *la = NULL, *lb = NULL;
	char m[8];

	if (!p)
		return -ENOMEM;
	if (asprintf(&la, "a%s", p) < 0 || asprintf(&lb, "b%s", p) < 0)
		return -ENOMEM;
	buf_printf(out, "diff --sshfix %s %s\n", la, lb);
	if (e->label)
		buf_printf(out, "# %s\n", e->label);

	switch (e->op) {
	case OP_SET_PERMS:
		render_mode_owner(out, &e->pre, &e->post);
		break;
	case OP_WRITE:
		if (!e->pre.exists) {
			buf_printf(out, "new file mode %s owner %u:%u\n", mode_str(e->post.mode, m),
				   (unsigned) e->post.uid, (unsigned) e->post.gid);
			if (e->secret)
				return render_secret(out, &e->pre);
			return render_content(out, "", 0, e->post.content, e->post.size, "/dev/null", lb);
		}
		render_mode_owner(out, &e->pre, &e->post);
		if (e->secret)
			return render_secret(out, &e->pre);
		return render_content(out, e->pre.content, e->pre.size, e->post.content, e->post.size, la, lb);
	case OP_MKDIR:
		buf_printf(out, "new directory mode %s owner %u:%u\n", mode_str(e->post.mode, m),
			   (unsigned) e->post.uid, (unsigned) e->post.gid);
		break;
	case OP_SYMLINK: {
		_cleanup_free_ char *l = escape_display(e->post.link);
		buf_printf(out, "new symlink -> %s\n", l ? l : "?");
		break;
	}
	case OP_UNLINK:
		if (S_ISREG(e->pre.mode)) {
			buf_printf(out, "deleted file mode %s\n", mode_str(e->pre.mode, m));
			return render_content(out, e->pre.content, e->pre.size, "", 0, la, "/dev/null");
		}
		buf_printf(out, "deleted %s\n", type_name(e->pre.mode));
		break;
	case OP_SET_XATTR:
		render_xattrs(out, &e->pre, &e->post);
		break;
	case OP_RENAME: {
		_cleanup_free_ char *p2 = escape_display(e->path2);
		buf_printf(out, "rename from %s\nrename to %s\n", p, p2 ? p2 : "?");
		if (e->pre2.exists)
			buf_printf(out, "replacing existing %s %s\n", type_name(e->pre2.mode), p2 ? p2 : "?");
		break;
	}
	}
	return buf_ok(out) ? 0 : -ENOMEM;
}

int journal_render(const struct journal *j, size_t tag, struct buf *out)
{
	for (size_t i = 0; i < j->n; i++) {
		if (tag != (size_t) -1 && j->entries[i].tag != tag)
			continue;
		int r = render_entry(&j->entries[i], out);
		if (r < 0)
			return r;
	}
	return buf_ok(out) ? 0 : -ENOMEM;
}

static size_t count_lines(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			c++;
	return c + (n > 0 && s[n - 1] != '\n');
}

static void describe_entry(const struct entry *e, struct buf *out)
{
	char m1[8], m2[8];
	bool any = false;

	switch (e->op) {
	case OP_SET_PERMS:
		if ((e->pre.mode & 07777) != (e->post.mode & 07777)) {
			buf_printf(out, "chmod %s -> %s", mode_str(e->pre.mode, m1), mode_str(e->post.mode, m2));
			any = true;
		}
		if (e->pre.uid != e->post.uid || e->pre.gid != e->post.gid)
			buf_printf(out, "%schown %u:%u -> %u:%u", any ? ", " : "", (unsigned) e->pre.uid,
				   (unsigned) e->pre.gid, (unsigned) e->post.uid, (unsigned) e->post.gid);
		break;
	case OP_WRITE:
		if (e->pre.exists)
			buf_printf(out, "rewrite (%zu -> %zu lines)", count_lines(e->pre.content, e->pre.size),
				   count_lines(e->post.content, e->post.size));
		else
			buf_printf(out, "create file, mode %s", mode_str(e->post.mode, m1));
		break;
	case OP_MKDIR:
		buf_printf(out, "create directory, mode %s", mode_str(e->post.mode, m1));
		break;
	case OP_SYMLINK:
		buf_puts(out, "create symlink");
		break;
	case OP_UNLINK:
		buf_printf(out, "remove %s", type_name(e->pre.mode));
		break;
	case OP_SET_XATTR:
		buf_printf(out, "%s xattr %s", xattr_find(&e->post, e->xattr_name) ? "set" : "remove", e->xattr_name);
		break;
	case OP_RENAME:
		buf_puts(out, "rename");
		break;
	}
}

int journal_describe(const struct journal *j, size_t tag, struct buf *out, const char *sep)
{
	bool first = true;

	for (size_t i = 0; i < j->n; i++) {
		if (j->entries[i].tag != tag)
			continue;
		if (!first)
			buf_puts(out, sep);
		describe_entry(&j->entries[i], out);
		first = false;
	}
	return buf_ok(out) ? 0 : -ENOMEM;
}

