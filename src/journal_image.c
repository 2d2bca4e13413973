/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state of a path, as the journal records, compares and restores it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "authkeys.h"
#include "journal_int.h"
#include "util.h"

const char *const journal_op_names[OP_COUNT] = {
	[OP_SET_PERMS] = "set-perms", [OP_WRITE] = "write",	[OP_MKDIR] = "mkdir",
	[OP_SYMLINK] = "symlink",     [OP_UNLINK] = "unlink",	[OP_SET_XATTR] = "set-xattr",
	[OP_RENAME] = "rename",	      [OP_DISCARD] = "discard",
};

/* ---- images ---- */

void image_done(struct image *im)
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

int image_copy(const struct image *src, struct image *dst)
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

void image_set_content(struct image *im, char *data, size_t len)
{
	free(im->content);
	im->content = data;
	im->size = len;
	im->have_content = true;
	sha256_hex(data, len, im->sha);
}

int xattr_set_in(struct image *im, const char *name, const void *value, size_t len)
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

const struct xattr *xattr_find(const struct image *im, const char *name)
{
	for (size_t i = 0; i < im->n_xattrs; i++)
		if (strcmp(im->xattrs[i].name, name) == 0)
			return &im->xattrs[i];
	return NULL;
}

bool xattrs_equal(const struct image *a, const struct image *b)
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
int proc_fd_path(int dirfd, const char *name, char **ret)
{
	return asprintf(ret, "/proc/self/fd/%d/%s", dirfd, name) < 0 ? -ENOMEM : 0;
}

int read_xattrs(int fd, int dirfd, const char *name, bool is_link, struct image *im)
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
int open_entry(int dirfd, const char *name, mode_t type)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

	if (S_ISDIR(type))
		flags |= O_DIRECTORY;
	return RETRY_EINTR(openat(dirfd, name, flags));
}

/*
 * The state of dirfd/name, the last component described, never followed.
 * A regular file or directory is opened (O_NONBLOCK: a FIFO swapped in
 * cannot block us) and must be the very inode the lookup saw; with ret_fd
 * that fd is handed to the caller, who changes the object through it and so
 * changes exactly what was examined (systemd's fd_set_perms()).
 */
int image_read_at(int dirfd, const char *name, struct image *ret, int *ret_fd)
{
	_cleanup_close_ int fd = -EBADF;
	struct image im = {0};
	struct stat st;
	int r;

	if (ret_fd)
		*ret_fd = -EBADF;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return negative_errno();
		*ret = im;
		return 0;
	}
	im.exists = true;
	im.mode = st.st_mode;
	im.uid = st.st_uid;
	im.gid = st.st_gid;
	im.nlink = st.st_nlink;
	im.dev = st.st_dev;
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
		if (S_ISREG(st.st_mode) && (unsigned long long) st.st_size <= CONTENT_MAX) {
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
	if (ret_fd)
		*ret_fd = TAKE_FD(fd);
	*ret = im;
	return 0;
fail:
	image_done(&im);
	return r;
}

/*
 * The state of a canonical path on disk.  No symlink may lie before the last
 * component (TR_NO_SYMLINKS); the last one is described, not followed.
 */
int image_read(struct target *t, const char *path, struct image *ret)
{
	_cleanup_close_ int dirfd = -EBADF;
	struct target_path tp = {0};
	int r;

	r = target_resolve(t, path, TR_NOFOLLOW | TR_NO_SYMLINKS | TR_MAY_NOT_EXIST, &tp, &dirfd);
	if (r < 0)
		return r;
	if (strcmp(tp.canon, path) != 0) {
		/* Not canonical ("..", "//"): the planner must resolve first. */
		target_path_done(&tp);
		return -EINVAL;
	}
	target_path_done(&tp);
	return image_read_at(dirfd, strcmp(path, "/") == 0 ? "." : path_last(path), ret, NULL);
}

const char *type_name(mode_t m)
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
	if (check_ino && want->ino && cur->ino && (want->ino != cur->ino || want->dev != cur->dev))
		return false;
	if (cur->sha[0] && want->sha[0] && strcmp(cur->sha, want->sha) != 0)
		return false;
	if (!streq_ptr(cur->link, want->link))
		return false;
	return xattrs_equal(cur, want);
}

bool image_matches(const struct image *cur, const struct image *want)
{
	return image_matches_ino(cur, want, true);
}

bool image_same(const struct image *cur, const struct image *want)
{
	return image_matches_ino(cur, want, false);
}

void journal_entry_done(struct entry *e)
{
	free(e->path);
	free(e->path2);
	free(e->label);
	free(e->xattr_name);
	free(e->tmp);
	free(e->error);
	image_done(&e->pre);
	image_done(&e->post);
	image_done(&e->pre2);
	image_done(&e->post2);
}


bool image_dir_is_roots(const struct image *im)
{
	struct stat st = { .st_mode = im->mode, .st_uid = im->uid, .st_gid = im->gid };

	return im->exists && target_dir_is_roots(&st);
}

static bool host_private_key_name(const char *name)
{
	size_t n = strlen(name);

	return startswith(name, "ssh_host_") && n > 4 && strcmp(name + n - 4, "_key") == 0;
}

bool journal_is_secret(const char *path, const struct image *im)
{
	static const char *const secret_files[] = {
		"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/security/opasswd",
	};

	for (size_t i = 0; i < ELEMENTSOF(secret_files); i++)
		if (strcmp(path, secret_files[i]) == 0)
			return true;
	if (host_private_key_name(path_last(path)))
		return true;
	return im->exists && im->content && authkeys_private_key_marker(im->content, im->size) != NULL;
}
