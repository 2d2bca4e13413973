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
#include "sha256.h"
#include "util.h"

#define RECORD_MAGIC "sshfix-record 1"
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
};

static const char *const op_names[] = {
	[OP_SET_PERMS] = "set-perms", [OP_WRITE] = "write",	[OP_MKDIR] = "mkdir",
	[OP_SYMLINK] = "symlink",     [OP_UNLINK] = "unlink",	[OP_SET_XATTR] = "set-xattr",
	[OP_RENAME] = "rename",
};

struct entry {
	enum op op;
	char *path, *path2;	/* path2: rename destination */
	size_t tag;
	char *label;
	struct image pre, post;		/* of path */
	struct image pre2, post2;	/* of path2 (rename) */
	char *xattr_name;		/* OP_SET_XATTR */
	char *tmp;			/* OP_WRITE: temp file name in the same directory */
	bool secret;			/* content never shown (private keys): sizes only */
};

struct journal {
	struct target *t;
	struct entry *entries;
	size_t n, cap;
	size_t tag;
	char *label;
	unsigned long crash_at, steps;
};

/* ---- images ---- */

static void image_done(struct image *im)
{
	free(im->content);
	free(im->link);
	for (size_t i = 0; i < im->n_xattrs; i++) {
		free(im->xattrs[i].name);
		free(im->xattrs[i].value);
	}
	free(im->xattrs);
	*im = (struct image) {0};
}

static int image_copy(const struct image *src, struct image *dst)
{
	*dst = *src;
	dst->content = NULL;
	dst->link = NULL;
	dst->xattrs = NULL;
	dst->n_xattrs = 0;
	if (src->content) {
		dst->content = malloc(src->size + 1);
		if (!dst->content)
			goto oom;
		memcpy(dst->content, src->content, src->size);
		dst->content[src->size] = '\0';
	}
	if (src->link && !(dst->link = strdup(src->link)))
		goto oom;
	if (src->n_xattrs) {
		dst->xattrs = calloc(src->n_xattrs, sizeof(struct xattr));
		if (!dst->xattrs)
			goto oom;
		for (size_t i = 0; i < src->n_xattrs; i++) {
			dst->xattrs[i].name = strdup(src->xattrs[i].name);
			dst->xattrs[i].value = malloc(src->xattrs[i].len + 1);
			dst->n_xattrs = i + 1;
			if (!dst->xattrs[i].name || !dst->xattrs[i].value)
				goto oom;
			memcpy(dst->xattrs[i].value, src->xattrs[i].value, src->xattrs[i].len);
			dst->xattrs[i].len = src->xattrs[i].len;
		}
	}
	return 0;
oom:
	image_done(dst);
	return -ENOMEM;
}

static void image_set_content(struct image *im, char *data, size_t len)
{
	free(im->content);
	im->content = data;
	im->size = len;
	im->have_content = true;
	sha256_hex(data, len, im->sha);
}

static int xattr_set_in(struct image *im, const char *name, const void *value, size_t len)
{
	for (size_t i = 0; i < im->n_xattrs; i++) {
		if (strcmp(im->xattrs[i].name, name) != 0)
			continue;
		if (!value) {
			free(im->xattrs[i].name);
			free(im->xattrs[i].value);
			memmove(&im->xattrs[i], &im->xattrs[i + 1], (im->n_xattrs - i - 1) * sizeof(struct xattr));
			im->n_xattrs--;
			return 0;
		}
		char *v = malloc(len + 1);
		if (!v)
			return -ENOMEM;
		memcpy(v, value, len);
		free(im->xattrs[i].value);
		im->xattrs[i].value = v;
		im->xattrs[i].len = len;
		return 0;
	}
	if (!value)
		return 0;
	struct xattr *nx = realloc(im->xattrs, (im->n_xattrs + 1) * sizeof(struct xattr));
	if (!nx)
		return -ENOMEM;
	im->xattrs = nx;
	char *n = strdup(name), *v = malloc(len + 1);
	if (!n || !v) {
		free(n);
		free(v);
		return -ENOMEM;
	}
	memcpy(v, value, len);
	im->xattrs[im->n_xattrs++] = (struct xattr) { n, v, len };
	return 0;
}

static const struct xattr *xattr_find(const struct image *im, const char *name)
{
	for (size_t i = 0; i < im->n_xattrs; i++)
		if (strcmp(im->xattrs[i].name, name) == 0)
			return &im->xattrs[i];
	return NULL;
}

static bool xattrs_equal(const struct image *a, const struct image *b)
{
	if (a->n_xattrs != b->n_xattrs)
		return false;
	for (size_t i = 0; i < a->n_xattrs; i++) {
		const struct xattr *x = xattr_find(b, a->xattrs[i].name);
		if (!x || x->len != a->xattrs[i].len || memcmp(x->value, a->xattrs[i].value, x->len) != 0)
			return false;
	}
	return true;
}

/*
 * Path for the l*xattr() calls on a symlink: there is no fd-based call that
 * does not follow it, so name it through the parent's /proc fd link, which
 * the kernel resolves to the directory we already hold.
 */
static int proc_fd_path(int dirfd, const char *name, char **ret)
{
	return asprintf(ret, "/proc/self/fd/%d/%s", dirfd, name) < 0 ? -ENOMEM : 0;
}

static int read_xattrs(int fd, int dirfd, const char *name, bool is_link, struct image *im)
{
	_cleanup_free_ char *list = NULL, *lpath = NULL;
	ssize_t n;

	if (is_link && proc_fd_path(dirfd, name, &lpath) < 0)
		return -ENOMEM;
	n = is_link ? llistxattr(lpath, NULL, 0) : flistxattr(fd, NULL, 0);
	if (n < 0) {
		/* No xattr support here (or no /proc for a symlink): nothing to keep. */
		if (errno == ENOTSUP || errno == ENOENT || errno == ENOSYS)
			return 0;
		return negative_errno();
	}
	if (n == 0)
		return 0;
	if ((size_t) n > XATTR_LIST_MAX_BYTES)
		return -E2BIG;
	list = malloc((size_t) n + 1);
	if (!list)
		return -ENOMEM;
	n = is_link ? llistxattr(lpath, list, (size_t) n) : flistxattr(fd, list, (size_t) n);
	if (n < 0)
		return negative_errno();	/* changed under us: the caller retries or fails */
	list[n] = '\0';
	for (char *p = list; p < list + n; p += strlen(p) + 1) {
		ssize_t vl = is_link ? lgetxattr(lpath, p, NULL, 0) : fgetxattr(fd, p, NULL, 0);
		if (vl < 0)
			return negative_errno();
		_cleanup_free_ char *v = malloc((size_t) vl + 1);
		if (!v)
			return -ENOMEM;
		vl = is_link ? lgetxattr(lpath, p, v, (size_t) vl) : fgetxattr(fd, p, v, (size_t) vl);
		if (vl < 0)
			return negative_errno();
		int r = xattr_set_in(im, p, v, (size_t) vl);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Open an entry of dirfd for reading metadata and xattrs, never following a link. */
static int open_entry(int dirfd, const char *name, mode_t type)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

	if (S_ISDIR(type))
		flags |= O_DIRECTORY;
	return RETRY_EINTR(openat(dirfd, name, flags));
}

/*
 * The state of a canonical path on disk.  No symlink may lie before the last
 * component (TR_NO_SYMLINKS); the last one is described, not followed.
 */
static int image_read(struct target *t, const char *path, struct image *ret)
{
	_cleanup_close_ int dirfd = -EBADF, fd = -EBADF;
	struct target_path tp = {0};
	struct image im = {0};
	struct stat st;
	const char *name;
	int r;

	r = target_resolve(t, path, TR_NOFOLLOW | TR_NO_SYMLINKS | TR_MAY_NOT_EXIST, &tp, &dirfd);
	if (r < 0)
		return r;
	if (strcmp(tp.canon, path) != 0) {
		/* Not canonical ("..", "//"): the planner must resolve first. */
		target_path_done(&tp);
		return -EINVAL;
	}
	if (!tp.exists) {
		target_path_done(&tp);
		*ret = im;
		return 0;
	}
	st = tp.st;
	target_path_done(&tp);
	name = strcmp(path, "/") == 0 ? "." : path_last(path);

	im.exists = true;
	im.mode = st.st_mode;
	im.uid = st.st_uid;
	im.gid = st.st_gid;
	im.nlink = st.st_nlink;
	im.ino = st.st_ino;
	im.atime = st.st_atim;
	im.mtime = st.st_mtim;
	im.have_times = true;
	im.size = (size_t) st.st_size;

	if (S_ISLNK(st.st_mode)) {
		char buf[4096];
		ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf) - 1);
		if (n < 0) {
			r = negative_errno();
			goto fail;
		}
		buf[n] = '\0';
		im.link = strdup(buf);
		if (!im.link) {
			r = -ENOMEM;
			goto fail;
		}
		r = read_xattrs(-1, dirfd, name, true, &im);
		if (r < 0)
			goto fail;
	} else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		fd = open_entry(dirfd, name, st.st_mode);
		if (fd < 0) {
			r = negative_errno();
			goto fail;
		}
		struct stat st2;
		if (fstat(fd, &st2) < 0) {
			r = negative_errno();
			goto fail;
		}
		if (st2.st_ino != st.st_ino || st2.st_dev != st.st_dev) {
			r = -ESTALE;	/* swapped between lookup and open */
			goto fail;
		}
		if (S_ISREG(st.st_mode) && (size_t) st.st_size <= CONTENT_MAX) {
			char *data;
			size_t len;
			r = read_all(fd, CONTENT_MAX, &data, &len);
			if (r < 0)
				goto fail;
			image_set_content(&im, data, len);
		}
		r = read_xattrs(fd, -1, NULL, false, &im);
		if (r < 0)
			goto fail;
	}
	*ret = im;
	return 0;
fail:
	image_done(&im);
	return r;
}

static const char *type_name(mode_t m)
{
	if (S_ISREG(m))
		return "file";
	if (S_ISDIR(m))
		return "directory";
	if (S_ISLNK(m))
		return "symlink";
	return "special";
}

/*
 * Does the disk state `cur` equal the expected image?  Content is compared
 * only where both sides know it.  Inode numbers (where both know them)
 * catch a file swapped under us before an apply; an undo compares without
 * them, since restoring a file's content gives it a new inode.
 */
static bool image_matches_ino(const struct image *cur, const struct image *want, bool check_ino)
{
	if (cur->exists != want->exists)
		return false;
	if (!cur->exists)
		return true;
	if ((cur->mode & S_IFMT) != (want->mode & S_IFMT) || (cur->mode & 07777) != (want->mode & 07777))
		return false;
	if (cur->uid != want->uid || cur->gid != want->gid)
		return false;
	if (check_ino && want->ino && cur->ino && want->ino != cur->ino)
		return false;
	if (cur->sha[0] && want->sha[0] && strcmp(cur->sha, want->sha) != 0)
		return false;
	if (!streq_ptr(cur->link, want->link))
		return false;
	return xattrs_equal(cur, want);
}

static bool image_matches(const struct image *cur, const struct image *want)
{
	return image_matches_ino(cur, want, true);
}

static bool image_same(const struct image *cur, const struct image *want)
{
	return image_matches_ino(cur, want, false);
}

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

static void entry_done(struct entry *e)
{
	free(e->path);
	free(e->path2);
	free(e->label);
	free(e->xattr_name);
	free(e->tmp);
	image_done(&e->pre);
	image_done(&e->post);
	image_done(&e->pre2);
	image_done(&e->post2);
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++)
		entry_done(&j->entries[i]);
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
		entry_done(&j->entries[--j->n]);
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
		entry_done(e);
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
		entry_done(e);
		return 1;
	}
	r = add_entry(j, e);
	if (r < 0)
		entry_done(e);
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
		entry_done(&e);
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
		entry_done(&e);
		return r;
	}
	copy = malloc(len + 1);
	if (!copy) {
		entry_done(&e);
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
		entry_done(&e);
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
		entry_done(&e);
		return r;
	}
	e.post = (struct image) { .exists = true, .mode = S_IFLNK | 0777, .nlink = 1 };
	e.post.link = strdup(target);
	if (!e.post.link) {
		entry_done(&e);
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
		entry_done(&e);
		return 1;
	}
	if (S_ISREG(e.pre.mode) && !e.pre.have_content)
		r = -EFBIG;	/* could not be restored */
	else if (!S_ISREG(e.pre.mode) && !S_ISLNK(e.pre.mode) && !S_ISDIR(e.pre.mode))
		r = -EPERM;
	if (r < 0) {
		entry_done(&e);
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
		entry_done(&e);
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
		entry_done(&e);
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

/* ---- records on disk ---- */

static void put_image(struct buf *b, const char *pfx, const struct image *im)
{
	buf_printf(b, "%s.exists %d\n", pfx, im->exists);
	if (!im->exists)
		return;
	buf_printf(b, "%s.mode %o\n%s.uid %u\n%s.gid %u\n%s.nlink %lu\n%s.ino %" PRIu64 "\n", pfx,
		   (unsigned) im->mode, pfx, (unsigned) im->uid, pfx, (unsigned) im->gid, pfx,
		   (unsigned long) im->nlink, pfx, (uint64_t) im->ino);
	if (im->have_times)
		buf_printf(b, "%s.atime %lld.%09ld\n%s.mtime %lld.%09ld\n", pfx, (long long) im->atime.tv_sec,
			   im->atime.tv_nsec, pfx, (long long) im->mtime.tv_sec, im->mtime.tv_nsec);
	if (im->have_content)
		buf_printf(b, "%s.size %zu\n%s.sha256 %s\n", pfx, im->size, pfx, im->sha);
	if (im->link) {
		_cleanup_free_ char *l = escape_record(im->link, strlen(im->link));
		buf_printf(b, "%s.link %s\n", pfx, l ? l : "");
	}
	for (size_t i = 0; i < im->n_xattrs; i++) {
		_cleanup_free_ char *n = escape_record(im->xattrs[i].name, strlen(im->xattrs[i].name));
		_cleanup_free_ char *v = escape_record(im->xattrs[i].value, im->xattrs[i].len);
		buf_printf(b, "%s.xattr %s %s\n", pfx, n ? n : "", v ? v : "");
	}
}

static int format_record(const struct entry *e, struct buf *b)
{
	_cleanup_free_ char *p = escape_record(e->path, strlen(e->path));

	buf_printf(b, "%s\nop %s\npath %s\n", RECORD_MAGIC, op_names[e->op], p ? p : "");
	if (e->path2) {
		_cleanup_free_ char *p2 = escape_record(e->path2, strlen(e->path2));
		buf_printf(b, "path2 %s\n", p2 ? p2 : "");
	}
	if (e->label)
		buf_printf(b, "label %s\n", e->label);
	if (e->tmp)
		buf_printf(b, "tmp %s\n", e->tmp);
	if (e->xattr_name) {
		_cleanup_free_ char *x = escape_record(e->xattr_name, strlen(e->xattr_name));
		buf_printf(b, "xattr-name %s\n", x ? x : "");
	}
	put_image(b, "pre", &e->pre);
	put_image(b, "post", &e->post);
	if (e->path2) {
		put_image(b, "pre2", &e->pre2);
		put_image(b, "post2", &e->post2);
	}
	buf_puts(b, "end\n");
	return buf_ok(b) ? 0 : -ENOMEM;
}

static int parse_timespec(const char *v, struct timespec *ts)
{
	long long s;
	long ns;
	char extra;

	if (sscanf(v, "%lld.%ld%c", &s, &ns, &extra) != 2 || ns < 0 || ns > 999999999)
		return -EINVAL;
	ts->tv_sec = (time_t) s;
	ts->tv_nsec = ns;
	return 0;
}

static int get_image_field(struct image *im, const char *key, const char *v)
{
	unsigned long long u;
	int r = 0;

	if (strcmp(key, "exists") == 0) {
		im->exists = strcmp(v, "1") == 0;
	} else if (strcmp(key, "mode") == 0) {
		r = parse_uint(v, 8, 0177777, &u);
		im->mode = (mode_t) u;
	} else if (strcmp(key, "uid") == 0) {
		r = parse_uint(v, 10, UINT32_MAX, &u);
		im->uid = (uid_t) u;
	} else if (strcmp(key, "gid") == 0) {
		r = parse_uint(v, 10, UINT32_MAX, &u);
		im->gid = (gid_t) u;
	} else if (strcmp(key, "nlink") == 0) {
		r = parse_uint(v, 10, UINT32_MAX, &u);
		im->nlink = (nlink_t) u;
	} else if (strcmp(key, "ino") == 0) {
		r = parse_uint(v, 10, UINT64_MAX, &u);
		im->ino = (ino_t) u;
	} else if (strcmp(key, "atime") == 0) {
		r = parse_timespec(v, &im->atime);
		im->have_times = true;
	} else if (strcmp(key, "mtime") == 0) {
		r = parse_timespec(v, &im->mtime);
		im->have_times = true;
	} else if (strcmp(key, "size") == 0) {
		r = parse_uint(v, 10, SIZE_MAX, &u);
		im->size = (size_t) u;
		im->have_content = true;
	} else if (strcmp(key, "sha256") == 0) {
		if (strlen(v) != SHA256_HEX_LEN)
			return -EINVAL;
		memcpy(im->sha, v, SHA256_HEX_LEN + 1);
	} else if (strcmp(key, "link") == 0) {
		char *l;
		if (unescape_record(v, &l) < 0)
			return -EINVAL;
		free(im->link);
		im->link = l;
	} else if (strcmp(key, "xattr") == 0) {
		_cleanup_free_ char *n = NULL, *val = NULL;
		const char *sp = strchr(v, ' ');
		if (!sp)
			return -EINVAL;
		_cleanup_free_ char *en = strndup(v, (size_t) (sp - v));
		if (!en)
			return -ENOMEM;
		ssize_t nl = unescape_record(en, &n), vl = unescape_record(sp + 1, &val);
		if (nl < 0 || vl < 0)
			return -EINVAL;
		r = xattr_set_in(im, n, val, (size_t) vl);
	} else
		return -EINVAL;
	return r;
}

static int parse_record(const char *text, struct entry *ret)
{
	struct entry e = {0};
	bool ended = false, have_op = false;
	int r = 0;

	if (!startswith(text, RECORD_MAGIC "\n"))
		return -EINVAL;
	for (const char *line = strchr(text, '\n') + 1; *line && !ended;) {
		const char *nl = strchr(line, '\n');
		if (!nl) {
			r = -EINVAL;	/* a torn record: the write never completed */
			break;
		}
		_cleanup_free_ char *l = strndup(line, (size_t) (nl - line));
		line = nl + 1;
		if (!l) {
			r = -ENOMEM;
			break;
		}
		char *sp = strchr(l, ' ');
		const char *v = sp ? sp + 1 : "";
		if (sp)
			*sp = '\0';

		if (strcmp(l, "end") == 0) {
			ended = true;
		} else if (strcmp(l, "op") == 0) {
			r = -EINVAL;
			for (size_t i = 0; i < ELEMENTSOF(op_names); i++)
				if (strcmp(v, op_names[i]) == 0) {
					e.op = (enum op) i;
					have_op = true;
					r = 0;
				}
		} else if (strcmp(l, "path") == 0 || strcmp(l, "path2") == 0) {
			char *p;
			if (unescape_record(v, &p) < 0) {
				r = -EINVAL;
			} else if (l[4] == '2') {
				free(e.path2);
				e.path2 = p;
			} else {
				free(e.path);
				e.path = p;
			}
		} else if (strcmp(l, "label") == 0) {
			free(e.label);
			e.label = strdup(v);
		} else if (strcmp(l, "tmp") == 0) {
			free(e.tmp);
			e.tmp = strdup(v);
		} else if (strcmp(l, "xattr-name") == 0) {
			free(e.xattr_name);
			if (unescape_record(v, &e.xattr_name) < 0)
				r = -EINVAL;
		} else {
			char *dot = strchr(l, '.');
			struct image *im = NULL;
			if (dot) {
				*dot = '\0';
				if (strcmp(l, "pre") == 0)
					im = &e.pre;
				else if (strcmp(l, "post") == 0)
					im = &e.post;
				else if (strcmp(l, "pre2") == 0)
					im = &e.pre2;
				else if (strcmp(l, "post2") == 0)
					im = &e.post2;
			}
			r = im ? get_image_field(im, dot + 1, v) : -EINVAL;
		}
		if (r < 0)
			break;
	}
	if (r == 0 && (!ended || !have_op || !e.path))
		r = -EINVAL;
	if (r < 0) {
		entry_done(&e);
		return r;
	}
	*ret = e;
	return 0;
}

/* ---- the undo store ---- */

static void crash_point(unsigned long crash_at, unsigned long *steps)
{
	if (crash_at && ++*steps == crash_at) {
		/* The crash tests: die here as a power cut would, mid-apply. */
		kill(getpid(), SIGKILL);
		pause();
	}
}

/* Create a directory under an fd unless it exists; root-owned, mode m. */
static int ensure_dir_at(int dirfd, const char *name, mode_t m, int *ret_fd)
{
	int fd;

	if (mkdirat(dirfd, name, m) < 0 && errno != EEXIST)
		return negative_errno();
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	*ret_fd = fd;
	return 0;
}

/*
 * Open (creating as needed) the undo store inside the target:
 * /var/lib/sshfix/undo, or the directory target_set_undo_dir() named.
 * Missing directories of the default store are made 0755 up to /var/lib and
 * 0700 below; every missing directory of another store is made 0700.
 */
static int open_undo_root(struct target *t, bool create, int *ret_fd)
{
	const char *dir = target_undo_dir(t);
	bool custom = strcmp(dir, TARGET_UNDO_DIR) != 0;
	_cleanup_close_ int fd = -EBADF;
	size_t n_parts = 0, i = 0;
	int r;

	if (!create) {
		fd = target_open(t, dir, O_RDONLY | O_DIRECTORY, TR_ROOT_SYMLINKS_ONLY);
		if (fd < 0)
			return fd;
		*ret_fd = TAKE_FD(fd);
		return 0;
	}
	for (const char *p = dir; *p; p++)
		n_parts += *p == '/';
	/* /var may be a root-owned symlink on some systems; follow only those. */
	fd = target_open(t, "/", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	for (const char *p = dir + 1; *p; i++) {
		size_t len = strcspn(p, "/");
		_cleanup_free_ char *sub = strndup(dir, (size_t) (p - dir) + len), *name = strndup(p, len);
		int next;

		if (!sub || !name)
			return -ENOMEM;
		next = target_open(t, sub, O_RDONLY | O_DIRECTORY, TR_ROOT_SYMLINKS_ONLY);
		if (next == -ENOENT) {
			r = ensure_dir_at(fd, name, custom || i + 2 >= n_parts ? 0700 : 0755, &next);
			if (r < 0)
				return r;
		} else if (next < 0)
			return next;
		closep(&fd);
		fd = next;
		p += len;
		p += *p == '/';
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static int write_file_at(int dirfd, const char *name, const void *data, size_t len)
{
	_cleanup_close_ int fd = -EBADF;
	int r;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return negative_errno();
	r = write_all(fd, data, len);
	if (r < 0)
		return r;
	if (fsync(fd) < 0)
		return negative_errno();
	return 0;
}

static int read_file_at(int dirfd, const char *name, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return negative_errno();
	return read_all(fd, max, ret, ret_len);
}

static bool exists_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int fsync_fd(int fd)
{
	return fsync(fd) < 0 ? negative_errno() : 0;
}

static int mark_at(int dirfd, const char *name)
{
	int r = write_file_at(dirfd, name, "", 0);

	return r < 0 ? r : fsync_fd(dirfd);
}

static unsigned long id_counter(const char *id)
{
	unsigned long long v;
	char num[16];
	size_t n = strspn(id, "0123456789");

	if (n == 0 || n >= sizeof(num) || id[n] != '-')
		return 0;
	memcpy(num, id, n);
	num[n] = '\0';
	return parse_uint(num, 10, ULONG_MAX, &v) < 0 ? 0 : (unsigned long) v;
}

static int cmp_ids(const void *a, const void *b)
{
	unsigned long x = id_counter(*(char *const *) a), y = id_counter(*(char *const *) b);

	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Undo ids in apply order: by counter, which does not depend on the clock. */
static int list_ids(int undofd, char ***ret)
{
	_cleanup_strv_free_ char **ids = NULL;
	int fd = fcntl(undofd, F_DUPFD_CLOEXEC, 3);
	DIR *d;

	if (fd < 0)
		return negative_errno();
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	rewinddir(d);
	for (struct dirent *de; (de = readdir(d));) {
		if (id_counter(de->d_name) == 0)
			continue;
		if (strv_push(&ids, strdup(de->d_name)) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	}
	closedir(d);
	if (!ids && !(ids = calloc(1, sizeof(char *))))
		return -ENOMEM;
	qsort(ids, strv_length(ids), sizeof(char *), cmp_ids);
	*ret = TAKE_PTR(ids);
	return 0;
}

static int new_id(int undofd, char **ret)
{
	_cleanup_strv_free_ char **ids = NULL;
	unsigned long next = 1;
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int r;

	r = list_ids(undofd, &ids);
	if (r < 0)
		return r;
	for (size_t i = 0; ids[i]; i++)
		if (id_counter(ids[i]) >= next)
			next = id_counter(ids[i]) + 1;
	if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "unknown-time");
	return asprintf(ret, "%06lu-%s", next, stamp) < 0 ? -ENOMEM : 0;
}

/* ---- applying one entry ---- */

static int open_parent_dir(struct target *t, const char *path, int *ret_fd)
{
	_cleanup_free_ char *parent = path_parent(path);
	int fd;

	if (!parent)
		return -ENOMEM;
	fd = target_open(t, parent, O_RDONLY | O_DIRECTORY, TR_NO_SYMLINKS);
	if (fd < 0)
		return fd;
	*ret_fd = fd;
	return 0;
}

static int apply_xattrs_fd(int fd, const char *lpath, const struct image *from, const struct image *to)
{
	for (size_t i = 0; i < to->n_xattrs; i++) {
		const struct xattr *x = &to->xattrs[i], *old = xattr_find(from, x->name);
		if (old && old->len == x->len && memcmp(old->value, x->value, x->len) == 0)
			continue;
		int r = lpath ? lsetxattr(lpath, x->name, x->value, x->len, 0)
			      : fsetxattr(fd, x->name, x->value, x->len, 0);
		if (r < 0)
			return negative_errno();
	}
	for (size_t i = 0; i < from->n_xattrs; i++) {
		if (xattr_find(to, from->xattrs[i].name))
			continue;
		int r = lpath ? lremovexattr(lpath, from->xattrs[i].name)
			      : fremovexattr(fd, from->xattrs[i].name);
		if (r < 0 && errno != ENODATA)
			return negative_errno();
	}
	return 0;
}

/* Owner first, then mode: chown(2) clears set-id bits, so the mode must come last. */
static int set_owner_mode_fd(int fd, const struct image *cur, const struct image *want, unsigned long crash_at,
			     unsigned long *steps)
{
	if (cur->uid != want->uid || cur->gid != want->gid) {
		if (fchown(fd, want->uid, want->gid) < 0)
			return negative_errno();
		crash_point(crash_at, steps);
	}
	if (fchmod(fd, want->mode & 07777) < 0)
		return negative_errno();
	return 0;
}

/*
 * Write `im` (a regular file image with content) to dirfd/name through a
 * temp file: content, owner, mode, xattrs, times, fsync, rename, fsync dir.
 * A crash leaves either the old file or the new one, plus at worst the temp.
 */
static int replace_file(int dirfd, const char *name, const char *tmp, const struct image *im, bool keep_times,
			unsigned long crash_at, unsigned long *steps)
{
	_cleanup_close_ int fd = -EBADF;
	struct image none = {0};
	int r;

	(void) unlinkat(dirfd, tmp, 0);	/* a leftover from an earlier crash */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return negative_errno();
	r = write_all(fd, im->content, im->size);
	if (r == 0 && fchown(fd, im->uid, im->gid) < 0)
		r = negative_errno();
	if (r == 0 && fchmod(fd, im->mode & 07777) < 0)
		r = negative_errno();
	if (r == 0)
		r = apply_xattrs_fd(fd, NULL, &none, im);
	if (r == 0 && keep_times && im->have_times) {
		struct timespec ts[2] = { im->atime, im->mtime };
		if (futimens(fd, ts) < 0)
			r = negative_errno();
	}
	if (r == 0 && fsync(fd) < 0)
		r = negative_errno();
	if (r < 0) {
		(void) unlinkat(dirfd, tmp, 0);
		return r;
	}
	crash_point(crash_at, steps);
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		r = negative_errno();
		(void) unlinkat(dirfd, tmp, 0);
		return r;
	}
	return fsync_fd(dirfd);
}

static int create_symlink(int dirfd, const char *name, const struct image *im)
{
	_cleanup_free_ char *lpath = NULL;
	int r;

	if (symlinkat(im->link, dirfd, name) < 0)
		return negative_errno();
	if (fchownat(dirfd, name, im->uid, im->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return negative_errno();
	if (im->n_xattrs) {
		struct image none = {0};
		if (proc_fd_path(dirfd, name, &lpath) < 0)
			return -ENOMEM;
		r = apply_xattrs_fd(-1, lpath, &none, im);
		if (r < 0)
			return r;
	}
	return fsync_fd(dirfd);
}

static int remove_entry(int dirfd, const char *name, const struct image *cur)
{
	if (unlinkat(dirfd, name, S_ISDIR(cur->mode) ? AT_REMOVEDIR : 0) < 0)
		return negative_errno();
	return fsync_fd(dirfd);
}

/*
 * Make dirfd/name look like `want`, given that it now looks like `cur`.
 * Used both to apply an entry (want = post) and to undo it (want = pre).
 */
static int converge(int dirfd, const char *name, const char *tmp, const struct image *cur,
		    const struct image *want, bool keep_times, unsigned long crash_at, unsigned long *steps)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *lpath = NULL;
	int r;

	if (!want->exists)
		return cur->exists ? remove_entry(dirfd, name, cur) : 0;

	bool same_kind = cur->exists && (cur->mode & S_IFMT) == (want->mode & S_IFMT);
	if (S_ISREG(want->mode)) {
		bool same_content = same_kind && cur->sha[0] && strcmp(cur->sha, want->sha) == 0;
		if (!same_content) {
			if (cur->exists && !S_ISREG(cur->mode)) {
				r = remove_entry(dirfd, name, cur);
				if (r < 0)
					return r;
			}
			return replace_file(dirfd, name, tmp, want, keep_times, crash_at, steps);
		}
	} else if (S_ISLNK(want->mode)) {
		if (!same_kind || strcmp(cur->link, want->link) != 0) {
			if (cur->exists) {
				r = remove_entry(dirfd, name, cur);
				if (r < 0)
					return r;
			}
			return create_symlink(dirfd, name, want);
		}
		if (cur->uid != want->uid || cur->gid != want->gid)
			if (fchownat(dirfd, name, want->uid, want->gid, AT_SYMLINK_NOFOLLOW) < 0)
				return negative_errno();
		if (proc_fd_path(dirfd, name, &lpath) < 0)
			return -ENOMEM;
		r = apply_xattrs_fd(-1, lpath, cur, want);
		return r < 0 ? r : fsync_fd(dirfd);
	} else if (S_ISDIR(want->mode)) {
		if (!same_kind) {
			if (cur->exists) {
				r = remove_entry(dirfd, name, cur);
				if (r < 0)
					return r;
			}
			if (mkdirat(dirfd, name, 0700) < 0)
				return negative_errno();
			r = fsync_fd(dirfd);
			if (r < 0)
				return r;
		}
	} else
		return -EPERM;

	/* Same kind and content: metadata only, through an fd. */
	fd = open_entry(dirfd, name, want->mode);
	if (fd < 0)
		return negative_errno();
	struct stat st;
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (S_ISREG(st.st_mode) && st.st_nlink > 1)
		return -EMLINK;
	struct image now = *cur;
	if (!same_kind) {
		now = (struct image) { .exists = true, .mode = st.st_mode, .uid = st.st_uid, .gid = st.st_gid };
	}
	r = set_owner_mode_fd(fd, &now, want, crash_at, steps);
	if (r == 0)
		r = apply_xattrs_fd(fd, NULL, &now, want);
	if (r == 0 && keep_times && want->have_times && S_ISREG(want->mode)) {
		struct timespec ts[2] = { want->atime, want->mtime };
		if (futimens(fd, ts) < 0)
			r = negative_errno();
	}
	if (r == 0)
		r = fsync_fd(fd);
	return r;
}

/* "'PATH' <why>" for errors that are not an errno. */
static int describe_path(char **ret, const char *path, const char *why)
{
	_cleanup_free_ char *p = escape_display(path);

	free(*ret);
	return asprintf(ret, "'%s' %s", p ? p : "?", why) < 0 ? -ENOMEM : 0;
}

static int describe_error(char **ret, const char *what, const char *path, int r)
{
	_cleanup_free_ char *p = escape_display(path);

	free(*ret);
	return asprintf(ret, "%s '%s': %s", what, p ? p : "?", strerror(-r)) < 0 ? -ENOMEM : 0;
}

/* Apply entry k: verify, change, return. */
static int apply_entry(struct journal *j, struct entry *e, char **ret_error)
{
	_cleanup_close_ int dirfd = -EBADF, dirfd2 = -EBADF;
	struct image cur = {0}, cur2 = {0};
	int r;

	r = image_read(j->t, e->path, &cur);
	if (r < 0)
		return describe_error(ret_error, "Failed to examine", e->path, r), r;
	if (!image_matches(&cur, &e->pre)) {
		image_done(&cur);
		describe_path(ret_error, e->path, "changed after sshfix examined it; stopping before changing it");
		return -ESTALE;
	}
	r = open_parent_dir(j->t, e->path, &dirfd);
	if (r < 0) {
		image_done(&cur);
		return describe_error(ret_error, "Failed to open the directory of", e->path, r), r;
	}
	const char *name = path_last(e->path);

	if (e->op == OP_RENAME) {
		r = image_read(j->t, e->path2, &cur2);
		if (r == 0 && !image_matches(&cur2, &e->pre2))
			r = -ESTALE;
		if (r == 0)
			r = open_parent_dir(j->t, e->path2, &dirfd2);
		if (r == 0 && renameat(dirfd, name, dirfd2, path_last(e->path2)) < 0)
			r = negative_errno();
		if (r == 0)
			r = fsync_fd(dirfd2);
		if (r == 0)
			r = fsync_fd(dirfd);
		image_done(&cur2);
	} else
		r = converge(dirfd, name, e->tmp, &cur, &e->post, false, j->crash_at, &j->steps);
	image_done(&cur);
	if (r < 0)
		describe_error(ret_error, "Failed to change", e->path, r);
	return r;
}

/* Bytes and inodes an apply needs: the undo records plus the new files. */
static int check_room(struct journal *j, char **ret_error)
{
	unsigned long long bytes = 1u << 20, inodes = 16;
	_cleanup_free_ char *where = strdup(target_undo_dir(j->t));
	_cleanup_close_ int fd = -EBADF;
	struct statvfs sv;

	/* The file system the undo store is (or will be) on: its nearest existing directory. */
	if (!where)
		return -ENOMEM;
	for (;;) {
		fd = target_open(j->t, where, O_PATH | O_DIRECTORY, TR_ROOT_SYMLINKS_ONLY);
		if (fd >= 0 || strcmp(where, "/") == 0)
			break;
		char *up = path_parent(where);
		if (!up)
			return -ENOMEM;
		free(where);
		where = up;
	}
	if (fd < 0)
		return fd;

	for (size_t i = 0; i < j->n; i++) {
		const struct entry *e = &j->entries[i];
		bytes += 8192 + e->pre.size + e->pre2.size + (e->post.have_content ? e->post.size : 0);
		inodes += 4;
	}
	if (fstatvfs(fd, &sv) < 0)
		return negative_errno();
	if (sv.f_flag & ST_RDONLY) {
		free(*ret_error);
		*ret_error = strdup("the target file system is mounted read-only");
		return -EROFS;
	}
	/* As root, the blocks reserved for root count (f_bfree); a user (--client) has f_bavail. */
	unsigned long long avail = geteuid() == 0 ? sv.f_bfree : sv.f_bavail;
	if (avail * sv.f_frsize < bytes ||
	    (sv.f_files > 0 && (unsigned long long) sv.f_ffree < inodes)) {
		free(*ret_error);
		if (asprintf(ret_error,
			     "the target needs %llu KiB and %llu inodes free for the repair and its undo "
			     "records; it has %llu KiB and %llu inodes",
			     bytes / 1024, inodes, avail * sv.f_frsize / 1024,
			     (unsigned long long) sv.f_ffree) < 0)
			*ret_error = NULL;
		return -ENOSPC;
	}
	return 0;
}

static int write_header(int dirfd, const char *id, const struct journal *j)
{
	struct buf b = {0};
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int r;

	if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "unknown");
	buf_printf(&b, "sshfix-undo 1\nid %s\ncreated %s\nentries %zu\n", id, stamp, j->n);
	buf_puts(&b, "problems");
	for (size_t i = 0; i < j->n; i++) {
		const char *l = j->entries[i].label;
		bool seen = false;
		for (size_t k = 0; k < i && l; k++)
			if (streq_ptr(j->entries[k].label, l))
				seen = true;
		if (l && !seen)
			buf_printf(&b, " %s", l);
	}
	buf_puts(&b, "\n");
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	r = write_file_at(dirfd, "header", b.data, b.len);
	buf_done(&b);
	return r < 0 ? r : fsync_fd(dirfd);
}

static int write_record(int dirfd, size_t k, const struct entry *e)
{
	char name[32];
	struct buf b = {0};
	int r;

	if (e->pre.exists && e->pre.have_content && e->op != OP_SET_PERMS && e->op != OP_SET_XATTR) {
		snprintf(name, sizeof(name), "%06zu.pre", k);
		r = write_file_at(dirfd, name, e->pre.content, e->pre.size);
		if (r < 0)
			return r;
	}
	if (e->pre2.exists && e->pre2.have_content) {
		snprintf(name, sizeof(name), "%06zu.pre2", k);
		r = write_file_at(dirfd, name, e->pre2.content, e->pre2.size);
		if (r < 0)
			return r;
	}
	r = format_record(e, &b);
	if (r == 0) {
		snprintf(name, sizeof(name), "%06zu.rec", k);
		r = write_file_at(dirfd, name, b.data, b.len);
	}
	buf_done(&b);
	return r < 0 ? r : fsync_fd(dirfd);
}

int journal_commit(struct journal *j, char **ret_id, size_t *ret_applied, char **ret_error)
{
	_cleanup_close_ int undofd = -EBADF, dirfd = -EBADF;
	_cleanup_free_ char *id = NULL;
	int r;

	*ret_error = NULL;
	*ret_applied = 0;
	/* Room first: a full or read-only target must not get even the undo directory. */
	r = check_room(j, ret_error);
	if (r < 0)
		return r;
	r = open_undo_root(j->t, true, &undofd);
	if (r < 0) {
		if (r == -EROFS)
			*ret_error = strdup("the target file system is mounted read-only");
		else if (r == -ENOLINK)
			describe_path(ret_error, target_undo_dir(j->t),
				      "cannot hold the undo store: a directory on the way is a user's symlink, "
				      "which sshfix never follows");
		else
			describe_error(ret_error, "Failed to create the undo store", target_undo_dir(j->t), r);
		return r;
	}
	r = new_id(undofd, &id);
	if (r < 0)
		return r;
	r = ensure_dir_at(undofd, id, 0700, &dirfd);
	if (r == 0)
		r = write_header(dirfd, id, j);
	if (r == 0)
		r = fsync_fd(undofd);
	if (r < 0) {
		describe_error(ret_error, "Failed to write the undo record in", target_undo_dir(j->t), r);
		return r;
	}

	for (size_t k = 0; k < j->n; k++) {
		struct entry *e = &j->entries[k];
		char name[32];

		if (e->op == OP_WRITE && !e->tmp &&
		    asprintf(&e->tmp, ".sshfix-%lu-%zu.tmp", id_counter(id), k) < 0)
			return -ENOMEM;
		r = write_record(dirfd, k, e);
		if (r < 0) {
			describe_error(ret_error, "Failed to write the undo record for", e->path, r);
			break;
		}
		crash_point(j->crash_at, &j->steps);
		r = apply_entry(j, e, ret_error);
		if (r < 0)
			break;
		*ret_applied = k + 1;
		crash_point(j->crash_at, &j->steps);
		snprintf(name, sizeof(name), "%06zu.done", k);
		r = mark_at(dirfd, name);
		if (r < 0) {
			describe_error(ret_error, "Failed to mark done", e->path, r);
			break;
		}
		crash_point(j->crash_at, &j->steps);
	}
	if (r == 0)
		r = mark_at(dirfd, "complete");
	*ret_id = TAKE_PTR(id);
	return r;
}

/* ---- undo ---- */

struct stored {
	char *id;
	struct entry *entries;
	size_t n;
	bool *done, *undone;
};

static void stored_done(struct stored *s)
{
	for (size_t i = 0; i < s->n; i++)
		entry_done(&s->entries[i]);
	free(s->entries);
	free(s->done);
	free(s->undone);
	free(s->id);
	*s = (struct stored) {0};
}

static int load_content(int dirfd, const char *name, struct image *im)
{
	char *data;
	size_t len;
	char sha[SHA256_HEX_LEN + 1];
	int r = read_file_at(dirfd, name, CONTENT_MAX, &data, &len);

	if (r < 0)
		return r;
	sha256_hex(data, len, sha);
	if (len != im->size || strcmp(sha, im->sha) != 0) {
		free(data);
		return -EBADMSG;	/* the stored pre-image is damaged */
	}
	free(im->content);
	im->content = data;
	return 0;
}

static int load_stored(int undofd, const char *id, struct stored *s, int *ret_dirfd)
{
	_cleanup_close_ int dirfd = -EBADF;
	int r;

	*s = (struct stored) {0};
	dirfd = openat(undofd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return negative_errno();
	s->id = strdup(id);
	if (!s->id)
		return -ENOMEM;
	for (size_t k = 0;; k++) {
		char name[32];
		_cleanup_free_ char *text = NULL;
		struct entry e;

		snprintf(name, sizeof(name), "%06zu.rec", k);
		r = read_file_at(dirfd, name, CONFIG_MAX, &text, NULL);
		if (r == -ENOENT)
			break;
		if (r < 0)
			goto fail;
		r = parse_record(text, &e);
		if (r < 0) {
			/* A torn last record: the crash came while writing it,
			 * before its change started.  Nothing to undo for it. */
			snprintf(name, sizeof(name), "%06zu.rec", k + 1);
			if (!exists_at(dirfd, name))
				break;
			goto fail;
		}
		snprintf(name, sizeof(name), "%06zu.pre", k);
		if (e.pre.exists && e.pre.have_content && (e.op == OP_WRITE || e.op == OP_UNLINK || e.op == OP_RENAME))
			r = load_content(dirfd, name, &e.pre);
		snprintf(name, sizeof(name), "%06zu.pre2", k);
		if (r == 0 && e.pre2.exists && e.pre2.have_content)
			r = load_content(dirfd, name, &e.pre2);
		if (r < 0) {
			entry_done(&e);
			goto fail;
		}
		struct entry *ne = realloc(s->entries, (s->n + 1) * sizeof(struct entry));
		bool *nd = realloc(s->done, (s->n + 1) * sizeof(bool));
		if (nd)
			s->done = nd;
		bool *nu = realloc(s->undone, (s->n + 1) * sizeof(bool));
		if (nu)
			s->undone = nu;
		if (!ne || !nd || !nu) {
			if (ne)
				s->entries = ne;
			entry_done(&e);
			r = -ENOMEM;
			goto fail;
		}
		s->entries = ne;
		s->entries[s->n] = e;
		snprintf(name, sizeof(name), "%06zu.done", k);
		s->done[s->n] = exists_at(dirfd, name);
		snprintf(name, sizeof(name), "%06zu.undone", k);
		s->undone[s->n] = exists_at(dirfd, name);
		s->n++;
	}
	*ret_dirfd = TAKE_FD(dirfd);
	return 0;
fail:
	stored_done(s);
	return r;
}

static int read_header_field(int dirfd, const char *key, char **ret)
{
	_cleanup_free_ char *text = NULL;
	size_t kl = strlen(key);
	int r = read_file_at(dirfd, "header", 1u << 20, &text, NULL);

	if (r < 0)
		return r;
	for (char *l = text; l && *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(l, key, kl) == 0 && l[kl] == ' ') {
			*ret = strdup(l + kl + 1);
			return *ret ? 0 : -ENOMEM;
		}
		l = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

int journal_list_undo(struct target *t, struct journal_undo_info **ret, size_t *ret_n)
{
	_cleanup_close_ int undofd = -EBADF;
	_cleanup_strv_free_ char **ids = NULL;
	struct journal_undo_info *v = NULL;
	size_t n = 0;
	int r;

	r = open_undo_root(t, false, &undofd);
	if (r == -ENOENT) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (r < 0)
		return r;
	r = list_ids(undofd, &ids);
	if (r < 0)
		return r;
	v = calloc(strv_length(ids) + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; ids[i]; i++) {
		_cleanup_close_ int dirfd = -EBADF;
		struct stored s;
		struct journal_undo_info *u = &v[n];

		r = load_stored(undofd, ids[i], &s, &dirfd);
		if (r < 0)
			continue;	/* a damaged id is listed by --undo when asked for */
		u->id = strdup(ids[i]);
		(void) read_header_field(dirfd, "created", &u->created);
		(void) read_header_field(dirfd, "problems", &u->summary);
		u->n_entries = s.n;
		for (size_t k = 0; k < s.n; k++) {
			u->n_done += s.done[k];
			u->n_undone += s.undone[k];
		}
		u->complete = exists_at(dirfd, "complete");
		u->undone = exists_at(dirfd, "undone");
		stored_done(&s);
		n++;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

void journal_undo_info_free(struct journal_undo_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].created);
		free(v[i].summary);
	}
	free(v);
}

/*
 * An entry whose change may have been cut off half way (record written, not
 * marked done) may show any mix of old and new attributes.
 */
static bool image_between(const struct image *cur, const struct image *a, const struct image *b)
{
	if (image_same(cur, a) || image_same(cur, b))
		return true;
	if (!cur->exists || !a->exists || !b->exists)
		return false;
	if ((cur->mode & S_IFMT) != (a->mode & S_IFMT))
		return false;
	bool mode_ok = (cur->mode & 07777) == (a->mode & 07777) || (cur->mode & 07777) == (b->mode & 07777);
	bool own_ok = (cur->uid == a->uid && cur->gid == a->gid) || (cur->uid == b->uid && cur->gid == b->gid);
	/* chown clears set-id bits before our chmod runs. */
	bool mode_chowned = (cur->mode & 07777) == (a->mode & 01777);
	bool content_ok = !cur->sha[0] || !a->sha[0] || strcmp(cur->sha, a->sha) == 0 ||
			  (b->sha[0] && strcmp(cur->sha, b->sha) == 0);
	return (mode_ok || mode_chowned) && own_ok && content_ok && streq_ptr(cur->link, a->link);
}

static int undo_entry(struct target *t, struct entry *e, bool force, unsigned long crash_at,
		      unsigned long *steps, char **ret_error)
{
	_cleanup_close_ int dirfd = -EBADF, dirfd2 = -EBADF;
	struct image cur = {0}, cur2 = {0};
	int r;

	r = image_read(t, e->path, &cur);
	if (r < 0)
		return describe_error(ret_error, "Failed to examine", e->path, r), r;
	if (e->op == OP_RENAME) {
		r = image_read(t, e->path2, &cur2);
		if (r < 0) {
			image_done(&cur);
			return describe_error(ret_error, "Failed to examine", e->path2, r), r;
		}
	}

	/*
	 * Restore only a path in a state sshfix produced: its post-image, its
	 * pre-image (an earlier undo was cut off after restoring it), or, for
	 * a change or restore cut off half way, a mix of the two (for a
	 * rename: moved back, the file it had replaced not yet rewritten).
	 */
	bool ok;
	if (e->op == OP_RENAME)
		ok = (image_same(&cur, &e->pre) && (image_same(&cur2, &e->pre2) || !cur2.exists)) ||
		     (image_same(&cur, &e->post) && image_same(&cur2, &e->post2));
	else
		ok = image_between(&cur, &e->pre, &e->post);
	if (!ok && !force) {
		image_done(&cur);
		image_done(&cur2);
		describe_path(ret_error, e->path, "changed since the apply; not restoring it (--force restores it anyway)");
		return -ESTALE;
	}

	r = open_parent_dir(t, e->path, &dirfd);
	if (r == 0 && e->tmp)
		(void) unlinkat(dirfd, e->tmp, 0);	/* a temp file a crash left behind */
	if (r == 0 && e->op == OP_RENAME) {
		r = open_parent_dir(t, e->path2, &dirfd2);
		/* Moved: move it back, then put back what it replaced. */
		if (r == 0 && cur2.exists && !cur.exists && image_same(&cur2, &e->post2)) {
			if (renameat(dirfd2, path_last(e->path2), dirfd, path_last(e->path)) < 0)
				r = negative_errno();
			if (r == 0)
				r = fsync_fd(dirfd);
			if (r == 0)
				r = fsync_fd(dirfd2);
			image_done(&cur2);
			cur2 = (struct image) {0};
		}
		if (r == 0) {
			_cleanup_free_ char *tmp = NULL;
			if (asprintf(&tmp, ".sshfix-undo.tmp") < 0)
				r = -ENOMEM;
			if (r == 0)
				r = converge(dirfd2, path_last(e->path2), tmp, &cur2, &e->pre2, true, crash_at, steps);
		}
	} else if (r == 0) {
		_cleanup_free_ char *tmp = NULL;
		if (asprintf(&tmp, ".sshfix-undo.tmp") < 0)
			r = -ENOMEM;
		if (r == 0)
			r = converge(dirfd, path_last(e->path), tmp, &cur, &e->pre, true, crash_at, steps);
	}
	image_done(&cur);
	image_done(&cur2);
	if (r < 0)
		describe_error(ret_error, "Failed to restore", e->path, r);
	return r;
}

static int pick_latest(int undofd, char **ret)
{
	_cleanup_strv_free_ char **ids = NULL;
	int r = list_ids(undofd, &ids);

	if (r < 0)
		return r;
	for (size_t i = strv_length(ids); i-- > 0;) {
		_cleanup_close_ int d = openat(undofd, ids[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d >= 0 && !exists_at(d, "undone")) {
			*ret = strdup(ids[i]);
			return *ret ? 0 : -ENOMEM;
		}
	}
	return -ENOENT;
}

int journal_undo(struct target *t, const char *id, bool force, unsigned long crash_at, char **ret_id,
		 char **ret_error, FILE *progress)
{
	_cleanup_close_ int undofd = -EBADF, dirfd = -EBADF;
	_cleanup_free_ char *pick = NULL;
	unsigned long steps = 0;
	struct stored s;
	int r;

	*ret_error = NULL;
	r = open_undo_root(t, false, &undofd);
	if (r < 0) {
		_cleanup_free_ char *d = escape_display(target_undo_dir(t));
		if (asprintf(ret_error, "%s %s", r == -ENOENT ? "Nothing to undo: the target has no" : "Cannot open",
			     d ? d : "?") < 0)
			*ret_error = NULL;
		return r;
	}
	if (!id || strcmp(id, "latest") == 0) {
		r = pick_latest(undofd, &pick);
		if (r < 0) {
			*ret_error = strdup("Nothing to undo: every recorded apply was already undone");
			return r;
		}
		id = pick;
	} else if (strchr(id, '/') || id[0] == '.' || id_counter(id) == 0) {
		*ret_error = strdup("not an undo id (see --list-undo)");
		return -EINVAL;
	}

	r = load_stored(undofd, id, &s, &dirfd);
	if (r < 0) {
		describe_error(ret_error, "Failed to read undo record", id, r);
		return r;
	}
	if (exists_at(dirfd, "undone") && !force) {
		stored_done(&s);
		describe_error(ret_error, "Already undone", id, -EALREADY);
		return -EALREADY;
	}

	for (size_t k = s.n; k-- > 0;) {
		char name[32];

		if (s.undone[k])
			continue;
		if (progress)
			fprintf(progress, "sshfix: restoring %s\n", s.entries[k].path);
		r = undo_entry(t, &s.entries[k], force, crash_at, &steps, ret_error);
		if (r < 0)
			break;
		crash_point(crash_at, &steps);
		snprintf(name, sizeof(name), "%06zu.undone", k);
		r = mark_at(dirfd, name);
		if (r < 0)
			break;
	}
	if (r == 0)
		r = mark_at(dirfd, "undone");
	stored_done(&s);
	if (r == 0 || ret_id) {
		*ret_id = strdup(id);
		if (!*ret_id && r == 0)
			r = -ENOMEM;
	}
	return r;
}
