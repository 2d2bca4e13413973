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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "diff.h"
#include "journal.h"
#include "journal_int.h"
#include "sha256.h"
#include "util.h"

#define RECORD_MAGIC "sshfix-record 1"

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

	buf_printf(b, "%s\nop %s\npath %s\n", RECORD_MAGIC, journal_op_names[e->op], p ? p : "");
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
			for (size_t i = 0; i < ELEMENTSOF(journal_op_names); i++)
				if (strcmp(v, journal_op_names[i]) == 0) {
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
		journal_entry_done(&e);
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

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int sys_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags)
{
	return syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags) < 0 ? negative_errno() : 0;
}

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

/*
 * Mode and owner through the fd of the examined object, as systemd's
 * fd_set_perms(): first narrow the mode to the bits old and new have in
 * common, so that at no moment does the new owner get the old extra bits (a
 * set-id bit kept across the chown); then the owner; then the final mode,
 * last because chown(2) clears set-id bits.
 */
static int set_owner_mode_fd(int fd, const struct image *cur, const struct image *want, unsigned long crash_at,
			     unsigned long *steps)
{
	mode_t old = cur->mode & 07777, new = want->mode & 07777;
	bool owner = cur->uid != want->uid || cur->gid != want->gid;

	if (owner && (old & new) != old) {
		if (fchmod(fd, old & new) < 0)
			return negative_errno();
		crash_point(crash_at, steps);
	}
	if (owner) {
		if (fchown(fd, want->uid, want->gid) < 0)
			return negative_errno();
		crash_point(crash_at, steps);
	}
	if (fchmod(fd, new) < 0)
		return negative_errno();
	return 0;
}

/*
 * Put the finished temp file in place of dirfd/name, which must still be
 * the object `cur` described (or still be absent): exchanged atomically,
 * then the exchanged-out object is checked to be the very inode examined,
 * and put back if it is not.  File systems without renameat2() flags get a
 * plain rename.
 */
static int install_tmp(int dirfd, const char *tmp, const char *name, const struct image *cur)
{
	struct stat st;
	int r;

	if (!cur->exists) {
		r = sys_renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE);
		if (r == -EEXIST)
			return -ESTALE;		/* it appeared since it was examined */
		if (r != -EINVAL && r != -ENOSYS)
			return r;
		return renameat(dirfd, tmp, dirfd, name) < 0 ? negative_errno() : 0;
	}
	r = sys_renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE);
	if (r == -EINVAL || r == -ENOSYS)
		return renameat(dirfd, tmp, dirfd, name) < 0 ? negative_errno() : 0;
	if (r < 0)
		return r;
	if (fstatat(dirfd, tmp, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    (cur->ino && (st.st_ino != cur->ino || st.st_dev != cur->dev))) {
		/* Swapped after it was examined: put the swapped-in one back. */
		(void) sys_renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE);
		return -ESTALE;
	}
	return unlinkat(dirfd, tmp, 0) < 0 ? negative_errno() : 0;
}

/*
 * Write `im` (a regular file image with content) to dirfd/name through a
 * temp file: content, owner, mode, xattrs, times, fsync, exchange, fsync
 * dir.  A crash leaves either the old file or the new one, plus at worst
 * the temp.
 */
static int replace_file(int dirfd, const char *name, const char *tmp, const struct image *cur, const struct image *im,
			bool keep_times, unsigned long crash_at, unsigned long *steps)
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
	r = install_tmp(dirfd, tmp, name, cur);
	if (r < 0) {
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
 * Make dirfd/name look like `want`, given that it now looks like `cur`;
 * `fd` is the open examined object when cur is a regular file or a
 * directory (image_read_at()), and metadata is changed through it.  Used
 * both to apply an entry (want = post) and to undo it (want = pre).
 */
static int converge(int dirfd, const char *name, int fd, const char *tmp, const struct image *cur,
		    const struct image *want, bool keep_times, unsigned long crash_at, unsigned long *steps)
{
	_cleanup_close_ int newfd = -EBADF;
	_cleanup_free_ char *lpath = NULL;
	struct image none = {0};
	int r;

	if (!want->exists)
		return cur->exists ? remove_entry(dirfd, name, cur) : 0;

	bool same_kind = cur->exists && (cur->mode & S_IFMT) == (want->mode & S_IFMT);
	if (S_ISREG(want->mode)) {
		/* A file too large to hold is never rewritten: only its metadata changes. */
		bool same_content = same_kind && ((cur->sha[0] && strcmp(cur->sha, want->sha) == 0) ||
						  (!cur->have_content && !want->have_content));
		if (!same_content && !want->content)
			return -ESTALE;	/* only its mode was recorded: its content cannot be put back */
		if (!same_content) {
			if (cur->exists && !S_ISREG(cur->mode)) {
				r = remove_entry(dirfd, name, cur);
				if (r < 0)
					return r;
				cur = &none;
			}
			return replace_file(dirfd, name, tmp, cur, want, keep_times, crash_at, steps);
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

	/* Same kind and content: metadata only, through the examined object's
	 * fd, or through the directory just made. */
	struct image now = *cur;
	if (!same_kind || fd < 0) {
		struct stat st;
		newfd = open_entry(dirfd, name, want->mode);
		if (newfd < 0 || fstat(newfd, &st) < 0)
			return negative_errno();
		if (same_kind && cur->ino && (st.st_ino != cur->ino || st.st_dev != cur->dev))
			return -ESTALE;
		if (!same_kind)
			now = (struct image) { .exists = true, .mode = st.st_mode, .uid = st.st_uid, .gid = st.st_gid };
		fd = newfd;
	}
	if (S_ISREG(now.mode) && now.nlink > 1)
		return -EMLINK;
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
	if (r == -ESTALE)
		return describe_path(ret, path, "changed after sshfix examined it; stopping before changing it");
	return asprintf(ret, "%s '%s': %s", what, p ? p : "?", strerror(-r)) < 0 ? -ENOMEM : 0;
}

/* SSHFIX_TEST_HOOK: the attack tier races us here (journal_set_test_hook()). */
static void run_hook(const char *program, const char *stage, const char *path)
{
	pid_t pid;

	if (!program)
		return;
	pid = fork();
	if (pid == 0) {
		execl(program, program, stage, path, (char *) NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

/* Apply one entry: examine the object again, check it is the one planned, change it through its fd. */
static int apply_entry(struct journal *j, struct entry *e, char **ret_error)
{
	_cleanup_close_ int dirfd = -EBADF, dirfd2 = -EBADF, fd = -EBADF;
	struct image cur = {0}, cur2 = {0};
	const char *name = strcmp(e->path, "/") == 0 ? "." : path_last(e->path);
	int r;

	run_hook(j->test_hook, "examine", e->path);
	r = open_parent_dir(j->t, e->path, &dirfd);
	if (r < 0)
		return describe_error(ret_error, r == -ELOOP ? "A symlink appeared on the way to" :
					       "Failed to open the directory of", e->path, r), r;
	r = image_read_at(dirfd, name, &cur, &fd);
	if (r < 0)
		return describe_error(ret_error, "Failed to examine", e->path, r), r;
	if (!image_matches(&cur, &e->pre)) {
		image_done(&cur);
		describe_path(ret_error, e->path, "changed after sshfix examined it; stopping before changing it");
		return -ESTALE;
	}
	run_hook(j->test_hook, "change", e->path);

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
		r = converge(dirfd, name, fd, e->tmp, &cur, &e->post, false, j->crash_at, &j->steps);
	image_done(&cur);
	if (r < 0)
		describe_error(ret_error, "Failed to change", e->path, r);
	return r;
}

/*
 * Bytes and inodes an apply needs: the undo records plus the new files.
 * Only what will be stored counts: a huge or sparse file whose mode is
 * repaired costs a record, not its size.
 */
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
		bytes += 8192;
		if (e->pre.have_content)
			bytes += e->pre.size;
		if (e->pre2.have_content)
			bytes += e->pre2.size;
		if (e->post.have_content)
			bytes += e->post.size;
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

/* Does entry k need one that was not applied (the same path, or a path below it)? */
static const struct entry *failed_before(const struct journal *j, size_t k)
{
	const struct entry *e = &j->entries[k];

	for (size_t i = 0; i < k; i++) {
		const struct entry *d = &j->entries[i];
		if (!d->failed)
			continue;
		if (path_is_below(e->path, d->path) || (d->path2 && path_is_below(e->path, d->path2)) ||
		    (e->path2 && (path_is_below(e->path2, d->path) || (d->path2 && path_is_below(e->path2, d->path2)))))
			return d;
	}
	return NULL;
}

static void not_attempted(struct entry *e, const char *why)
{
	e->failed = true;
	free(e->error);
	e->error = strdup(why);
}

const char *journal_entry_error(const struct journal *j, size_t k)
{
	if (k >= j->n || !j->entries[k].failed)
		return NULL;
	return j->entries[k].error ? j->entries[k].error : "not applied";
}

int journal_commit(struct journal *j, char **ret_id, char **ret_error)
{
	_cleanup_close_ int undofd = -EBADF, dirfd = -EBADF;
	_cleanup_free_ char *id = NULL;
	size_t rec = 0, failed = 0, k = 0;
	int r;

	*ret_error = NULL;
	*ret_id = NULL;
	for (size_t i = 0; i < j->n; i++) {
		free(j->entries[i].error);
		j->entries[i].error = NULL;
		j->entries[i].failed = false;
	}
	/* Room first: a full or read-only target must not get even the undo directory. */
	r = check_room(j, ret_error);
	if (r < 0)
		goto fatal;
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
		goto fatal;
	}
	r = new_id(undofd, &id);
	if (r < 0)
		goto fatal;
	r = ensure_dir_at(undofd, id, 0700, &dirfd);
	if (r == 0)
		r = write_header(dirfd, id, j);
	if (r == 0)
		r = fsync_fd(undofd);
	if (r < 0) {
		describe_error(ret_error, "Failed to write the undo record in", target_undo_dir(j->t), r);
		goto fatal;
	}

	for (; k < j->n; k++) {
		struct entry *e = &j->entries[k];
		const struct entry *dep = failed_before(j, k);
		char name[32];

		if (dep) {
			_cleanup_free_ char *p = escape_display(dep->path), *why = NULL;
			if (asprintf(&why, "not attempted: the change to '%s' before it was not made", p ? p : "?") < 0)
				why = NULL;
			not_attempted(e, why ? why : "not attempted");
			failed++;
			continue;
		}
		if (e->op == OP_WRITE && !e->tmp &&
		    asprintf(&e->tmp, ".sshfix-%lu-%zu.tmp", id_counter(id), k) < 0) {
			r = -ENOMEM;
			goto fatal;
		}
		r = write_record(dirfd, rec, e);
		if (r < 0) {
			describe_error(ret_error, "Failed to write the undo record for", e->path, r);
			goto fatal;
		}
		crash_point(j->crash_at, &j->steps);
		r = apply_entry(j, e, &e->error);
		if (r < 0) {
			/* It fails alone; its record stays, undo finds it unchanged or half-changed. */
			e->failed = true;
			failed++;
			rec++;
			r = 0;
			continue;
		}
		crash_point(j->crash_at, &j->steps);
		snprintf(name, sizeof(name), "%06zu.done", rec++);
		r = mark_at(dirfd, name);
		if (r < 0) {
			describe_error(ret_error, "Failed to mark done", e->path, r);
			k++;
			goto fatal;
		}
		crash_point(j->crash_at, &j->steps);
	}
	r = mark_at(dirfd, "complete");
	if (r < 0)
		describe_error(ret_error, "Failed to mark complete", target_undo_dir(j->t), r);
	*ret_id = TAKE_PTR(id);
	return r < 0 ? r : (int) failed;

fatal:
	/* The store cannot be trusted from here: nothing more is changed. */
	for (; k < j->n; k++)
		if (!j->entries[k].failed)
			not_attempted(&j->entries[k], *ret_error ? *ret_error : "not attempted");
	if (rec > 0)
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
		journal_entry_done(&s->entries[i]);
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
			journal_entry_done(&e);
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
			journal_entry_done(&e);
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
	mode_t m = cur->mode & 07777, both = a->mode & b->mode & 07777;
	bool mode_ok = m == (a->mode & 07777) || m == (b->mode & 07777);
	bool own_ok = (cur->uid == a->uid && cur->gid == a->gid) || (cur->uid == b->uid && cur->gid == b->gid);
	/* The change narrows the mode first, and chown clears set-id bits,
	 * before the final chmod runs (set_owner_mode_fd()). */
	bool mode_chowned = m == (a->mode & 01777) || m == both || m == (both & 01777);
	bool content_ok = !cur->sha[0] || !a->sha[0] || strcmp(cur->sha, a->sha) == 0 ||
			  (b->sha[0] && strcmp(cur->sha, b->sha) == 0);
	return (mode_ok || mode_chowned) && own_ok && content_ok && streq_ptr(cur->link, a->link);
}

/*
 * Would restoring e keep the object that is there now (its mode, owner or
 * labels set again rather than a new file written), and is that object
 * not the one sshfix changed?  Then why, else NULL.
 */
static const char *foreign_object(const struct entry *e, const struct image *cur)
{
	const struct image *pre = &e->pre;

	if (!cur->exists || !pre->exists || (cur->mode & S_IFMT) != (pre->mode & S_IFMT))
		return NULL;	/* removed, or replaced by a new one */
	if (S_ISREG(cur->mode) && pre->sha[0] && cur->sha[0] && strcmp(cur->sha, pre->sha) != 0 && pre->content)
		return NULL;	/* a new file with the recorded content replaces it */
	if ((e->op == OP_SET_PERMS || e->op == OP_SET_XATTR) && e->post.ino && cur->ino != e->post.ino)
		return "is another object than the one sshfix changed; not restoring its mode, owner or labels onto it";
	if (cur->uid != pre->uid && cur->uid != e->post.uid)
		return "now belongs to another owner than sshfix left it with; not restoring its mode, owner or labels onto it";
	return NULL;
}

static int undo_entry(struct target *t, struct entry *e, const struct journal_undo_opts *o, unsigned long *steps,
		      char **ret_error)
{
	bool force = o->force;
	unsigned long crash_at = o->crash_at;
	_cleanup_close_ int dirfd = -EBADF, dirfd2 = -EBADF, fd = -EBADF;
	struct image cur = {0}, cur2 = {0};
	const char *name = strcmp(e->path, "/") == 0 ? "." : path_last(e->path);
	int r;

	/* What is there now, held open: a restore changes what was looked at. */
	run_hook(o->test_hook, "examine", e->path);
	r = open_parent_dir(t, e->path, &dirfd);
	if (r == 0)
		r = image_read_at(dirfd, name, &cur, &fd);
	if (r < 0)
		return describe_error(ret_error, "Failed to examine", e->path, r), r;
	if (e->op == OP_RENAME) {
		r = image_read(t, e->path2, &cur2);
		if (r < 0) {
			image_done(&cur);
			return describe_error(ret_error, "Failed to examine", e->path2, r), r;
		}
	}
	/* A cache is never restored (journal_discard()): what is there now was
	 * rebuilt by its program, from whichever files, and goes again. */
	if (e->op == OP_DISCARD) {
		if (cur.exists && S_ISREG(cur.mode)) {
			run_hook(o->test_hook, "change", e->path);
			r = unlinkat(dirfd, name, 0) < 0 ? negative_errno() : fsync_fd(dirfd);
		}
		image_done(&cur);
		if (r < 0)
			describe_error(ret_error, "Failed to remove", e->path, r);
		return r;
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
	/* Not even --force puts a recorded mode or owner onto another object
	 * than the one sshfix changed: a directory swapped in since would be
	 * handed to whoever owned the old one. */
	const char *why = foreign_object(e, &cur);
	if (why) {
		image_done(&cur);
		image_done(&cur2);
		describe_path(ret_error, e->path, why);
		return -ESTALE;
	}

	run_hook(o->test_hook, "change", e->path);
	if (e->tmp)
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
				r = converge(dirfd2, path_last(e->path2), -EBADF, tmp, &cur2, &e->pre2, true, crash_at,
					     steps);
		}
	} else {
		_cleanup_free_ char *tmp = NULL;
		if (asprintf(&tmp, ".sshfix-undo.tmp") < 0)
			r = -ENOMEM;
		if (r == 0)
			r = converge(dirfd, name, fd, tmp, &cur, &e->pre, true, crash_at, steps);
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

int journal_undo(struct target *t, const char *id, const struct journal_undo_opts *o, char **ret_id,
		 char **ret_error)
{
	bool force = o->force;
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
		if (o->progress) {
			/* A path from the target: a hostile name must not drive the console. */
			_cleanup_free_ char *p = escape_display(s.entries[k].path);
			fprintf(o->progress, "sshfix: restoring %s\n", p ? p : "?");
		}
		r = undo_entry(t, &s.entries[k], o, &steps, ret_error);
		if (r < 0)
			break;
		crash_point(o->crash_at, &steps);
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

