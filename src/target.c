/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "target.h"
#include "util.h"

#ifndef RESOLVE_IN_ROOT
struct open_how {
	unsigned long long flags, mode, resolve;
};
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_IN_ROOT 0x10
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS). */
#define MAX_SYMLINKS 40
/* No sshd binary is anywhere near this; bigger means we read the wrong file. */
#define SSHD_BINARY_MAX (64u << 20)

static int sys_openat2(int dirfd, const char *path, int flags, mode_t mode, unsigned long long resolve)
{
	struct open_how how = {
		.flags = (unsigned long long) flags,
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = resolve,
	};
	long r;

	/* RESOLVE_IN_ROOT resolving ".." fails with EAGAIN when any rename or
	 * mount happened meanwhile, anywhere on the machine: try again. */
	for (int tries = 0;; tries++) {
		r = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (r >= 0 || errno != EAGAIN || tries == 64)
			break;
	}
	return r < 0 ? negative_errno() : (int) r;
}

void target_path_done(struct target_path *p)
{
	free(p->canon);
	free(p->user_symlink_path);
	*p = (struct target_path) {0};
}

int target_new(const char *root, struct target **ret)
{
	_cleanup_close_ int fd = -EBADF;
	struct target *t;
	struct stat st;

	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0)
		return negative_errno();

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->root = strdup(root);
	if (!t->root) {
		free(t);
		return -ENOMEM;
	}
	t->facts.sshd_major = t->facts.sshd_minor = -1;

	/* Probe openat2 once; ENOSYS (old kernel) or EPERM (seccomp) means walk. */
	int probe = sys_openat2(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0, RESOLVE_IN_ROOT);
	t->use_openat2 = probe >= 0;
	if (probe >= 0)
		close(probe);

	t->root_fd = TAKE_FD(fd);
	*ret = t;
	return 0;
}

static void facts_done(struct target_facts *f)
{
	free(f->os_id);
	free(f->os_id_like);
	free(f->os_version_id);
	free(f->os_pretty);
	free(f->sshd_path);
	free(f->sshd_version);
	free(f->sshd_privsep_dir);
	free(f->sshd_session_path);
	free(f->sshd_auth_path);
	free(f->sshd_vendor_config);
}

void target_free(struct target *t)
{
	if (!t)
		return;
	if (t->root_fd >= 0)
		close(t->root_fd);
	facts_done(&t->facts);
	free(t->root);
	free(t->undo_dir);
	free(t);
}

void target_set_openat2(struct target *t, bool on)
{
	t->use_openat2 = on;
}

int target_set_undo_dir(struct target *t, const char *dir)
{
	char *d;

	if (!dir || dir[0] != '/')
		return -EINVAL;
	d = path_simplify(dir);
	if (!d)
		return -ENOMEM;
	/* The store is created component by component: no "..", not "/" itself. */
	if (strcmp(d, "/") == 0 || strstr(d, "/../") || strcmp(path_last(d), "..") == 0) {
		free(d);
		return -EINVAL;
	}
	free(t->undo_dir);
	t->undo_dir = d;
	return 0;
}

const char *target_undo_dir(const struct target *t)
{
	return t->undo_dir ? t->undo_dir : TARGET_UNDO_DIR;
}

/*
 * The walk: a stack of O_PATH fds, one per canonical component, so ".."
 * pops (never above the root) and a symlink restarts resolution of its
 * target text from the root (absolute) or the current directory (relative).
 * Every open is O_NOFOLLOW: the kernel never follows a link for us.
 */
struct walk {
	int *fds;		/* fds[0] is the target's root fd, borrowed: never closed here */
	char **names;		/* names[i] is the component that fds[i] was opened by (i >= 1) */
	size_t depth, cap;
};

static void walk_done(struct walk *w)
{
	for (size_t i = 0; i < w->depth; i++) {
		if (i > 0 && w->fds[i] >= 0)
			close(w->fds[i]);
		free(w->names[i]);
	}
	free(w->fds);
	free(w->names);
	*w = (struct walk) {0};
}

static int walk_push(struct walk *w, int fd, const char *name, size_t n)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		int *fds = realloc(w->fds, cap * sizeof(int));
		if (!fds)
			return -ENOMEM;
		w->fds = fds;
		char **names = realloc(w->names, cap * sizeof(char *));
		if (!names)
			return -ENOMEM;
		w->names = names;
		w->cap = cap;
	}
	w->names[w->depth] = name ? strndup(name, n) : NULL;
	if (name && !w->names[w->depth])
		return -ENOMEM;
	w->fds[w->depth++] = fd;
	return 0;
}

static void walk_pop(struct walk *w)
{
	if (w->depth <= 1)	/* ".." at the root stays at the root */
		return;
	w->depth--;
	close(w->fds[w->depth]);
	free(w->names[w->depth]);
}

static void walk_to_root(struct walk *w)
{
	while (w->depth > 1)
		walk_pop(w);
}

static char *walk_canon(const struct walk *w, const char *extra)
{
	struct buf b = {0};

	for (size_t i = 1; i < w->depth; i++) {
		buf_putc(&b, '/');
		buf_puts(&b, w->names[i]);
	}
	if (extra) {
		buf_putc(&b, '/');
		buf_puts(&b, extra);
	}
	if (b.len == 0)
		buf_putc(&b, '/');
	return buf_steal(&b);
}

static int read_link_at(int fd, char **ret)
{
	size_t size = 256;

	for (;;) {
		char *s = malloc(size);
		if (!s)
			return -ENOMEM;
		ssize_t n = readlinkat(fd, "", s, size);
		if (n < 0) {
			int r = negative_errno();
			free(s);
			return r;
		}
		if ((size_t) n < size) {
			s[n] = '\0';
			*ret = s;
			return 0;
		}
		free(s);
		if (size >= PATH_MAX * 4)
			return -ENAMETOOLONG;
		size *= 2;
	}
}

/* Give the caller fds[i] to own: moved out of the walk, or a dup of the borrowed root. */
static int walk_take_fd(struct walk *w, size_t i, int *ret)
{
	if (i == 0) {
		int fd = fcntl(w->fds[0], F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return negative_errno();
		*ret = fd;
		return 0;
	}
	*ret = w->fds[i];
	w->fds[i] = -EBADF;
	return 0;
}

bool target_dir_is_roots(const struct stat *st)
{
	if (!S_ISDIR(st->st_mode) || st->st_uid != 0)
		return false;
	if (st->st_mode & S_ISVTX)
		return true;
	return !(st->st_mode & S_IWOTH) && (!(st->st_mode & S_IWGRP) || st->st_gid == 0);
}

/* Are all directories on the walk so far root's?  A root-owned link in a
 * user's directory can be renamed there, or carried in from elsewhere. */
static bool walk_dirs_are_roots(const struct walk *w)
{
	for (size_t i = 0; i < w->depth; i++) {
		struct stat st;
		if (fstat(w->fds[i], &st) < 0 || !target_dir_is_roots(&st))
			return false;
	}
	return true;
}

static int walk_resolve(struct target *t, const char *path, unsigned tflags, struct target_path *ret,
			int *ret_parent_fd)
{
	_cleanup_free_ char *todo = NULL;
	struct walk w = {0};
	struct target_path res = {0};
	struct stat top_st;	/* of fds[depth - 1] when top_known */
	bool top_known = false;
	int r;

	if (!path || path[0] != '/')
		return -EINVAL;
	todo = strdup(path);
	if (!todo)
		return -ENOMEM;
	r = walk_push(&w, t->root_fd, NULL, 0);
	if (r < 0)
		goto out;
	res.exists = true;

	const char *p = todo;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchrnul(p, '/');
		size_t n = (size_t) (e - p);
		const char *rest = e;
		while (*rest == '/')
			rest++;
		bool last = *rest == '\0';
		/* "x/" names a directory, as in the kernel (and so for sshd's
		 * open()): a link there is followed even with TR_NOFOLLOW. */
		bool want_dir = !last || *e == '/';

		if (n == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			walk_pop(&w);
			top_known = false;
			p = e;
			continue;
		}
		if (n > NAME_MAX) {
			r = -ENAMETOOLONG;
			goto out;
		}

		char name[NAME_MAX + 1];
		memcpy(name, p, n);
		name[n] = '\0';
		/* A directory on the way needs no fstat: O_DIRECTORY says it is
		 * one, and fails on a symlink (O_NOFOLLOW), which we then look at. */
		struct stat st;
		int fd = -EBADF;
		if (!last) {
			fd = openat(w.fds[w.depth - 1], name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0 && errno != ENOTDIR) {
				r = negative_errno();
				goto out;
			}
			if (fd >= 0) {
				r = walk_push(&w, fd, name, n);
				if (r < 0) {
					close(fd);
					goto out;
				}
				top_known = false;
				p = e;
				continue;
			}
		}
		fd = openat(w.fds[w.depth - 1], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			r = negative_errno();
			if (r == -ENOENT && last && (tflags & TR_MAY_NOT_EXIST)) {
				res.exists = false;
				res.canon = walk_canon(&w, name);
				r = res.canon ? 0 : -ENOMEM;
				if (r == 0 && ret_parent_fd)
					r = walk_take_fd(&w, w.depth - 1, ret_parent_fd);
				goto out;
			}
			goto out;
		}
		if (fstat(fd, &st) < 0) {
			r = negative_errno();
			close(fd);
			goto out;
		}

		if (S_ISLNK(st.st_mode) && (want_dir || !(tflags & TR_NOFOLLOW))) {
			_cleanup_free_ char *target = NULL, *link_canon = NULL;

			link_canon = walk_canon(&w, name);
			if (!link_canon) {
				close(fd);
				r = -ENOMEM;
				goto out;
			}
			if (tflags & TR_NO_SYMLINKS) {
				close(fd);
				r = -ELOOP;
				goto out;
			}
			/* A link is a user's when a user made it, or could have
			 * moved it here (a directory on the way is not root's). */
			bool users = st.st_uid != 0 || !walk_dirs_are_roots(&w);
			if ((tflags & TR_ROOT_SYMLINKS_ONLY) && users) {
				close(fd);
				r = -ENOLINK;
				goto out;
			}
			if (users) {
				if (!res.user_symlink) {
					res.user_symlink = true;
					res.user_symlink_path = TAKE_PTR(link_canon);
				}
			}
			if (++res.n_symlinks > MAX_SYMLINKS) {
				close(fd);
				r = -ELOOP;
				goto out;
			}
			r = read_link_at(fd, &target);
			close(fd);
			if (r < 0)
				goto out;
			if (target[0] == '\0') {
				r = -ENOENT;
				goto out;
			}
			/* Continue with the link text followed by what was left. */
			char *next;
			if (asprintf(&next, "%s%s%s", target, *e ? "/" : "", rest) < 0) {
				r = -ENOMEM;
				goto out;
			}
			if (target[0] == '/')
				walk_to_root(&w);
			top_known = false;
			free(todo);
			todo = next;
			p = todo;
			continue;
		}

		if (want_dir && !S_ISDIR(st.st_mode)) {
			close(fd);
			r = -ENOTDIR;
			goto out;
		}
		r = walk_push(&w, fd, name, n);
		if (r < 0) {
			close(fd);
			goto out;
		}
		top_st = st;
		top_known = true;
		p = e;
	}

	if (top_known)
		res.st = top_st;
	else if (fstat(w.fds[w.depth - 1], &res.st) < 0) {
		r = negative_errno();
		goto out;
	}
	res.canon = walk_canon(&w, NULL);
	if (!res.canon) {
		r = -ENOMEM;
		goto out;
	}
	/* The root is its own parent. */
	r = ret_parent_fd ? walk_take_fd(&w, w.depth >= 2 ? w.depth - 2 : 0, ret_parent_fd) : 0;
out:
	walk_done(&w);
	if (r < 0) {
		target_path_done(&res);
		return r;
	}
	*ret = res;
	return 0;
}

/* A path without "." or ".." components: its lexical form is canonical when no symlink is on it. */
static bool plain_path(const char *path)
{
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
	}
	return true;
}

/* "//a//b/" → "/a/b"; byte by byte into one allocation (every lookup of the scan makes one) */
static char *squeeze_slashes(const char *path)
{
	char *s = malloc(strlen(path) + 2), *o = s;

	if (!s)
		return NULL;
	for (const char *p = path; *p; p++)
		if (*p != '/') {
			if (p == path || p[-1] == '/')
				*o++ = '/';	/* a component starts */
			*o++ = *p;
		}
	if (o == s)
		*o++ = '/';
	*o = '\0';
	return s;
}

/*
 * The common case in two syscalls instead of one open per component: openat2
 * with RESOLVE_NO_SYMLINKS succeeds only when no component is a symlink (a
 * final one comes back as itself under O_PATH|O_NOFOLLOW), and then the
 * path's own text is its canonical form.  Returns 1 when it resolved, 0 when
 * the walk must decide (a link on the way, a missing entry, any error: the
 * walk knows how to follow or report it).
 */
static int open_no_symlinks(struct target *t, const char *path, int oflags)
{
	return sys_openat2(t->root_fd, path, oflags | O_CLOEXEC, 0,
			   RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

/*
 * The parent directory of a plain path other than "/", reached without any
 * symlink: *ret_canon is the squeezed path, *ret_name points at its last
 * component in it.  Returns an O_PATH fd, or <0 when the walk must decide.
 */
/*
 * A plain absolute path other than "/" cut at its last '/': *ret_canon is
 * the squeezed path with a NUL at *ret_slash (the parent before it, "" for
 * "/", the name after it).  -EAGAIN when the walk must decide ("x/" must be
 * a directory: the walk knows how to say so), -ENOMEM.
 */
static int plain_split(struct target *t, const char *path, char **ret_canon, char **ret_slash)
{
	if (!t->use_openat2 || !path || path[0] != '/' || !plain_path(path) || path[strlen(path) - 1] == '/')
		return -EAGAIN;
	char *canon = squeeze_slashes(path);
	if (!canon)
		return -ENOMEM;
	char *slash = strrchr(canon, '/');
	if (slash[1] == '\0') {
		free(canon);
		return -EAGAIN;		/* "/" */
	}
	*slash = '\0';
	*ret_canon = canon;
	*ret_slash = slash;
	return 0;
}

static int fast_parent(struct target *t, const char *path, char **ret_canon, const char **ret_name)
{
	_cleanup_free_ char *canon = NULL;
	char *slash;
	int fd = plain_split(t, path, &canon, &slash);

	if (fd < 0)
		return fd;
	/* A link there, even the last one, is ELOOP: no O_NOFOLLOW, which would open it. */
	fd = open_no_symlinks(t, canon[0] ? canon : "/", O_PATH);
	*slash = '/';
	if (fd < 0)
		return fd;
	*ret_name = slash + 1;
	*ret_canon = TAKE_PTR(canon);
	return fd;
}

static int fast_resolve(struct target *t, const char *path, unsigned tflags, struct target_path *ret)
{
	_cleanup_close_ int fd = -EBADF, parent = -EBADF;
	_cleanup_free_ char *canon = NULL;
	const char *name;
	struct stat st;

	if (!t->use_openat2 || !plain_path(path))
		return 0;
	fd = open_no_symlinks(t, path, O_PATH | O_NOFOLLOW);
	if (fd >= 0) {
		if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode))
			return 0;
		*ret = (struct target_path) { .exists = true, .st = st };
		ret->canon = squeeze_slashes(path);
		return ret->canon ? 1 : -ENOMEM;
	}
	/* RESOLVE_NO_SYMLINKS meets a link as ELOOP: ENOENT and ENOTDIR come
	 * from a plain prefix, and are what the walk would find too. */
	if ((fd == -ENOENT && !(tflags & TR_MAY_NOT_EXIST)) || fd == -ENOTDIR)
		return fd;
	if (fd != -ENOENT)
		return 0;
	/* Missing, under a parent reached without links: that is the answer. */
	parent = fast_parent(t, path, &canon, &name);
	if (parent < 0)
		return parent == -ENOMEM ? parent : 0;
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		return 0;	/* it appeared meanwhile: let the walk look */
	*ret = (struct target_path) { .exists = false, .canon = TAKE_PTR(canon) };
	return 1;
}

int target_resolve(struct target *t, const char *path, unsigned tflags, struct target_path *ret,
		   int *ret_parent_fd)
{
	/* A parent fd must be the very directory the entry was found in: walk. */
	if (!ret_parent_fd && path && path[0] == '/') {
		int r = fast_resolve(t, path, tflags, ret);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	return walk_resolve(t, path, tflags, ret, ret_parent_fd);
}

int target_open(struct target *t, const char *path, int oflags, unsigned tflags)
{
	struct target_path tp = {0};
	_cleanup_close_ int parent = -EBADF;
	int r, fd;

	if (!path || path[0] != '/')
		return -EINVAL;
	oflags |= O_CLOEXEC;
	if (tflags & TR_NOFOLLOW)
		oflags |= O_NOFOLLOW;

	/* openat2 cannot tell who owns a link, so that policy needs our walk,
	 * unless there is no link at all on the path (ELOOP says there is). */
	if (t->use_openat2 && (tflags & TR_ROOT_SYMLINKS_ONLY)) {
		fd = open_no_symlinks(t, path, oflags);
		if (fd >= 0 || fd == -ENOENT || fd == -ENOTDIR)
			return fd;
	} else if (t->use_openat2) {
		unsigned long long resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
		if (tflags & TR_NO_SYMLINKS)
			resolve |= RESOLVE_NO_SYMLINKS;
		return sys_openat2(t->root_fd, path, oflags, 0, resolve);
	}

	r = walk_resolve(t, path, tflags & ~TR_MAY_NOT_EXIST, &tp, &parent);
	if (r < 0)
		return r;
	/* Reopen the resolved entry by name; O_NOFOLLOW makes a symlink swapped
	 * in since the walk fail instead of being followed. */
	const char *name = strcmp(tp.canon, "/") == 0 ? "." : path_last(tp.canon);
	fd = openat(parent, name, oflags | O_NOFOLLOW);
	if (fd < 0) {
		r = negative_errno();
		/* O_PATH|O_NOFOLLOW on a symlink is fine; other opens of one give ELOOP. */
		target_path_done(&tp);
		return r;
	}
	target_path_done(&tp);
	return fd;
}

int target_ancestors_are_roots(struct target *t, const char *canon)
{
	_cleanup_free_ char *dir = path_parent(canon);

	if (!dir)
		return -ENOMEM;
	for (;;) {
		struct stat st;
		int r = target_lstat(t, dir, &st);
		if (r < 0)
			return r;
		if (!target_dir_is_roots(&st) || ((st.st_mode & S_ISVTX) && (st.st_mode & (S_IWGRP | S_IWOTH))))
			return 0;
		if (strcmp(dir, "/") == 0)
			return 1;
		char *up = path_parent(dir);
		if (!up)
			return -ENOMEM;
		free(dir);
		dir = up;
	}
}

int target_lstat(struct target *t, const char *path, struct stat *ret)
{
	_cleanup_close_ int fd = target_open(t, path, O_PATH, TR_NOFOLLOW);

	if (fd < 0)
		return fd;
	return fstat(fd, ret) < 0 ? negative_errno() : 0;
}

int target_stat(struct target *t, const char *path, struct stat *ret)
{
	_cleanup_close_ int fd = target_open(t, path, O_PATH, 0);

	if (fd < 0)
		return fd;
	return fstat(fd, ret) < 0 ? negative_errno() : 0;
}

int target_readlink(struct target *t, const char *path, char **ret)
{
	_cleanup_close_ int fd = target_open(t, path, O_PATH | O_NOFOLLOW, TR_NOFOLLOW);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (!S_ISLNK(st.st_mode))
		return -EINVAL;		/* as readlink(2) answers for anything else */
	return read_link_at(fd, ret);
}

/*
 * Open name, whose lstat is st, under the resolved directory parent: only
 * a regular file or a directory, by name, never following a link, and it
 * must be the inode that was looked at.
 */
static int open_inode_at(int parent, const char *name, const struct stat *st, struct stat *ret_st)
{
	struct stat now;
	int fd;

	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return S_ISLNK(st->st_mode) ? -ELOOP : -EINVAL;
	fd = openat(parent, name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (S_ISDIR(st->st_mode) ? O_DIRECTORY : 0));
	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &now) < 0 || now.st_ino != st->st_ino || now.st_dev != st->st_dev) {
		close(fd);
		return -ESTALE;
	}
	if (ret_st)
		*ret_st = now;
	return fd;
}

int target_open_inode(struct target *t, const char *path, unsigned tflags, struct stat *ret_st)
{
	_cleanup_close_ int parent = -EBADF;
	struct target_path tp = {0};
	struct stat st;
	_cleanup_free_ char *canon = NULL;
	const char *name;
	int fd, r;

	/* No link on the way to the parent: look at the entry itself there. */
	parent = fast_parent(t, path, &canon, &name);
	if (parent == -ENOMEM || parent == -ENOENT || parent == -ENOTDIR)
		return parent;
	if (parent >= 0 && fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return negative_errno();	/* under a plain parent: as the walk would say */
	if (parent >= 0 && S_ISLNK(st.st_mode) && !(tflags & TR_NOFOLLOW)) {
		close(parent);	/* a link to follow: the walk's job */
		parent = -EBADF;
	}
	if (parent < 0) {
		r = walk_resolve(t, path, tflags & ~TR_MAY_NOT_EXIST, &tp, &parent);
		if (r < 0)
			return r;
		st = tp.st;
		name = strcmp(tp.canon, "/") == 0 ? "." : path_last(tp.canon);
	}
	fd = open_inode_at(parent, name, &st, ret_st);
	target_path_done(&tp);
	return fd;
}

void target_dir_done(struct target_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->canon);
	*d = TARGET_DIR_NULL;
}

int target_dir_stat(struct target_dir *d, struct stat *ret)
{
	if (d->fd < 0)
		return -EBADF;
	if (!d->st_known) {
		if (fstat(d->fd, &d->st) < 0)
			return negative_errno();
		d->st_known = true;
	}
	*ret = d->st;
	return 0;
}

/*
 * The lstat of a plain path's last component, looked at in its directory,
 * held in *dir (opened here, without any link on the way, when it is
 * another).  *ret_canon is the squeezed path.  Returns 0, -ENOENT or
 * -ENOTDIR (as resolving the whole path says them), -ENOMEM, or -EAGAIN
 * when the caller's own function must decide (not a plain path, a link on
 * the way or at the end, any other error).
 */
static int stat_in(struct target *t, struct target_dir *dir, const char *path, char **ret_canon, struct stat *ret_st)
{
	_cleanup_free_ char *canon = NULL;
	char *slash;
	int r = plain_split(t, path, &canon, &slash);

	if (r < 0)
		return r;
	const char *parent = canon[0] ? canon : "/";
	if (dir->fd < 0 || !streq(dir->canon, parent)) {
		target_dir_done(dir);
		/* As fast_parent(): a link on the way is ELOOP, which the walk decides. */
		int fd = open_no_symlinks(t, parent, O_PATH);
		if (fd == -ENOENT || fd == -ENOTDIR)
			return fd;
		if (fd < 0)
			return fd == -ENOMEM ? fd : -EAGAIN;
		dir->canon = strdup(parent);
		if (!dir->canon) {
			close(fd);
			return -ENOMEM;
		}
		dir->fd = fd;
	}
	if (fstatat(dir->fd, slash + 1, ret_st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT || errno == ENOTDIR ? negative_errno() : -EAGAIN;
	if (S_ISLNK(ret_st->st_mode))
		return -EAGAIN;		/* a link to follow, or to refuse: the walk's job */
	*slash = '/';
	*ret_canon = TAKE_PTR(canon);
	return 0;
}

int target_open_inode_in(struct target *t, struct target_dir *dir, const char *path, struct stat *ret_st)
{
	_cleanup_free_ char *canon = NULL;
	struct stat st;
	int r = stat_in(t, dir, path, &canon, &st);

	if (r == -EAGAIN)
		return target_open_inode(t, path, TR_NO_SYMLINKS, ret_st);
	if (r < 0)
		return r;
	return open_inode_at(dir->fd, path_last(canon), &st, ret_st);
}

int target_resolve_in(struct target *t, struct target_dir *dir, const char *path, struct target_path *ret)
{
	_cleanup_free_ char *canon = NULL;
	struct stat st;
	int r = stat_in(t, dir, path, &canon, &st);

	if (r == -EAGAIN)
		return target_resolve(t, path, 0, ret, NULL);
	if (r < 0)
		return r;
	*ret = (struct target_path) { .exists = true, .st = st, .canon = TAKE_PTR(canon) };
	return 0;
}

int target_read_file(struct target *t, const char *path, size_t max, char **ret_data, size_t *ret_len)
{
	_cleanup_close_ int fd = -EBADF;
	struct stat st;

	/* A device or a FIFO planted where a config file should be is never
	 * opened: opening some devices has effects (a watchdog, a tape). */
	fd = target_open_inode(t, path, 0, &st);
	if (fd < 0)
		return fd;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if ((unsigned long long) st.st_size > max)
		return -EFBIG;
	return read_all_hint(fd, max, (size_t) st.st_size, ret_data, ret_len);
}

int target_read_file_optional(struct target *t, const char *path, size_t max, char **ret_data, size_t *ret_len)
{
	size_t len = 0;
	int r = target_read_file(t, path, max, ret_data, &len);

	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret_data = NULL;
		len = 0;
	}
	if (ret_len)
		*ret_len = len;
	return 0;
}

static int list_dir(struct target *t, const char *path, bool links_only, char ***ret_names)
{
	_cleanup_strv_free_ char **names = NULL;
	int fd, r;
	DIR *d;

	fd = target_open(t, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		r = negative_errno();
		close(fd);
		return r;
	}
	for (;;) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				r = negative_errno();
				closedir(d);
				return r;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (links_only) {
			/* The type readdir() gives, else one fstatat() on the listed directory itself. */
			struct stat st;
			bool link = de->d_type == DT_LNK ||
				    (de->d_type == DT_UNKNOWN &&
				     fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));
			if (!link)
				continue;
		}
		r = strv_push(&names, strdup(de->d_name));
		if (r < 0) {
			closedir(d);
			return r;
		}
	}
	closedir(d);
	if (strv_ensure(&names) < 0)
		return -ENOMEM;
	strv_sort(names);
	*ret_names = TAKE_PTR(names);
	return 0;
}

int target_list_dir(struct target *t, const char *path, char ***ret_names)
{
	return list_dir(t, path, false, ret_names);
}

int target_list_links(struct target *t, const char *path, char ***ret_names)
{
	return list_dir(t, path, true, ret_names);
}

static bool has_glob_magic(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\')
			return true;
	return false;
}

/* Expand pattern component by component, starting at directory `base`. */
static int glob_at(struct target *t, const char *base, const char *pattern, char ***acc)
{
	const char *p = pattern;
	int r;

	while (*p == '/')
		p++;
	if (!*p)
		return strv_push(acc, strdup(base));

	const char *e = strchrnul(p, '/');
	size_t n = (size_t) (e - p);
	_cleanup_free_ char *comp = strndup(p, n);
	if (!comp)
		return -ENOMEM;

	if (!has_glob_magic(p, n)) {
		_cleanup_free_ char *next = path_join(base, comp);
		struct stat st;

		if (!next)
			return -ENOMEM;
		if (target_lstat(t, next, &st) < 0)
			return 0;	/* no match is not an error, as with glob(3) */
		return glob_at(t, next, e, acc);
	}

	_cleanup_strv_free_ char **names = NULL;
	r = target_list_dir(t, base, &names);
	if (r < 0)
		return 0;	/* unreadable directories match nothing (GLOB_ERR unset) */
	for (size_t i = 0; names[i]; i++) {
		/* FNM_PERIOD: a leading dot must be matched explicitly, as in glob(3). */
		if (fnmatch(comp, names[i], FNM_PERIOD) != 0)
			continue;
		_cleanup_free_ char *next = path_join(base, names[i]);
		if (!next)
			return -ENOMEM;
		if (*e) {
			struct stat st;
			if (target_stat(t, next, &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
		}
		r = glob_at(t, next, e, acc);
		if (r < 0)
			return r;
	}
	return 0;
}

int target_glob(struct target *t, const char *pattern, char ***ret_paths)
{
	_cleanup_strv_free_ char **acc = NULL;
	int r;

	if (!pattern || pattern[0] != '/')
		return -EINVAL;
	r = glob_at(t, "/", pattern, &acc);
	if (r < 0)
		return r;
	if (strv_ensure(&acc) < 0)
		return -ENOMEM;
	/* glob(3) sorts the whole result; each level is already sorted, but a
	 * full sort keeps the promise simple and exact. */
	strv_sort(acc);
	*ret_paths = TAKE_PTR(acc);
	return 0;
}

/* The next '/'-separated component of *p (skipping slashes), or NULL at the end. */
static const char *next_component(const char **p, size_t *ret_n)
{
	const char *s = *p;

	while (*s == '/')
		s++;
	if (!*s)
		return NULL;
	*ret_n = strcspn(s, "/");
	*p = s + *ret_n;
	return s;
}

bool target_glob_matches(const char *pattern, const char *path)
{
	const char *p = pattern, *q = path;

	if (!pattern || !path || pattern[0] != '/' || path[0] != '/')
		return false;
	for (;;) {
		size_t pn = 0, qn = 0;
		const char *pc = next_component(&p, &pn), *qc = next_component(&q, &qn);

		if (!pc || !qc)
			return !pc && !qc;
		/* glob_at() joins a component without magic as it is written. */
		if (!has_glob_magic(pc, pn)) {
			if (pn != qn || memcmp(pc, qc, pn) != 0)
				return false;
			continue;
		}
		/* A listed name: never "." or "..", matched as glob_at() matches it. */
		_cleanup_free_ char *pat = strndup(pc, pn), *name = strndup(qc, qn);
		if (!pat || !name || streq(name, ".") || streq(name, ".."))
			return false;
		if (fnmatch(pat, name, FNM_PERIOD) != 0)
			return false;
	}
}

/* --- facts --- */

const char *distro_family_name(enum distro_family f)
{
	switch (f) {
	case DISTRO_DEBIAN:
		return "debian";
	case DISTRO_REDHAT:
		return "redhat";
	case DISTRO_SUSE:
		return "suse";
	case DISTRO_ARCH:
		return "arch";
	case DISTRO_ALPINE:
		return "alpine";
	default:
		return "unknown";
	}
}

/* os-release values: optional quotes, shell-style backslash escapes (os-release(5)). */
static char *os_release_value(const char *v, size_t n)
{
	struct buf b = {0};
	char q = 0;

	if (n > 0 && (v[0] == '"' || v[0] == '\'')) {
		q = v[0];
		v++;
		n--;
		if (n > 0 && v[n - 1] == q)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		if (q != '\'' && v[i] == '\\' && i + 1 < n)
			i++;
		buf_putc(&b, v[i]);
	}
	if (b.len == 0)
		buf_puts(&b, "");
	return buf_steal(&b);
}

static enum distro_family family_from_words(const char *words)
{
	static const struct {
		const char *id;
		enum distro_family family;
	} map[] = {
		{ "debian", DISTRO_DEBIAN }, { "ubuntu", DISTRO_DEBIAN },
		{ "rhel", DISTRO_REDHAT },   { "fedora", DISTRO_REDHAT },
		{ "centos", DISTRO_REDHAT }, { "suse", DISTRO_SUSE },
		{ "sles", DISTRO_SUSE },     { "opensuse", DISTRO_SUSE },
		{ "arch", DISTRO_ARCH },     { "alpine", DISTRO_ALPINE },
	};
	const char *p = words;

	while (p && *p) {
		size_t n = strcspn(p, " \t");
		for (size_t i = 0; i < ELEMENTSOF(map); i++)
			if (strlen(map[i].id) == n && strncmp(p, map[i].id, n) == 0)
				return map[i].family;
		p += n;
		p += strspn(p, " \t");
	}
	return DISTRO_UNKNOWN;
}

static int read_os_release(struct target *t)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r;

	r = target_read_file(t, "/etc/os-release", 1u << 20, &data, &len);
	if (r == -ENOENT)
		r = target_read_file(t, "/usr/lib/os-release", 1u << 20, &data, &len);
	if (r < 0)
		return 0;	/* unknown distro is a fact, not an error */

	for (char *line = data, *next; line && line < data + len; line = next) {
		char *nl = memchr(line, '\n', (size_t) (data + len - line));
		next = nl ? nl + 1 : NULL;
		size_t n = nl ? (size_t) (nl - line) : (size_t) (data + len - line);
		char *eq = memchr(line, '=', n);
		char **slot = NULL;

		if (!eq)
			continue;
		size_t kn = (size_t) (eq - line);
		if (kn == 2 && strncmp(line, "ID", 2) == 0)
			slot = &t->facts.os_id;
		else if (kn == 7 && strncmp(line, "ID_LIKE", 7) == 0)
			slot = &t->facts.os_id_like;
		else if (kn == 10 && strncmp(line, "VERSION_ID", 10) == 0)
			slot = &t->facts.os_version_id;
		else if (kn == 11 && strncmp(line, "PRETTY_NAME", 11) == 0)
			slot = &t->facts.os_pretty;
		if (!slot || *slot)
			continue;
		*slot = os_release_value(eq + 1, n - kn - 1);
		if (!*slot)
			return -ENOMEM;
	}
	t->facts.family = family_from_words(t->facts.os_id);
	if (t->facts.family == DISTRO_UNKNOWN)
		t->facts.family = family_from_words(t->facts.os_id_like);
	return 0;
}

/*
 * The release string sshd prints is "OpenSSH_<maj>.<min>p<n>" plus, on
 * distributions, " <Vendor>-<version>".  The binary also holds compat
 * patterns such as "OpenSSH_7.0*,OpenSSH_7.1*"; those have no "p<n>", so
 * requiring it picks the real one.
 */
int sshd_version_scan(const char *data, size_t len, char **ret_version, int *ret_major, int *ret_minor)
{
	static const char tag[] = "OpenSSH_";
	const char *p = data, *end = data + len;
	char *best = NULL;
	int best_major = 0, best_minor = 0;

	while (p < end) {
		const char *hit = memmem(p, (size_t) (end - p), tag, sizeof(tag) - 1);
		if (!hit)
			break;
		const char *q = hit + sizeof(tag) - 1;
		unsigned long maj = 0, min = 0;
		const char *s = q;

		while (q < end && *q >= '0' && *q <= '9' && q - s < 4)
			maj = maj * 10 + (unsigned long) (*q++ - '0');
		if (q == s || q >= end || *q != '.') {
			p = hit + 1;
			continue;
		}
		s = ++q;
		while (q < end && *q >= '0' && *q <= '9' && q - s < 4)
			min = min * 10 + (unsigned long) (*q++ - '0');
		if (q == s || q >= end || *q != 'p' || q + 1 >= end || q[1] < '0' || q[1] > '9') {
			p = hit + 1;
			continue;
		}
		/* The string runs to the NUL; keep printable bytes only, bounded. */
		const char *e = hit;
		while (e < end && *e >= 0x20 && *e < 0x7f && e - hit < 128)
			e++;
		/* A Debian build holds both "OpenSSH_9.2p1" and "OpenSSH_9.2p1
		 * Debian-2"; whichever the linker put first, the one with the
		 * vendor part tells us about the patches. */
		bool vendor = memchr(hit, ' ', (size_t) (e - hit)) != NULL;
		if (!best || (vendor && !strchr(best, ' '))) {
			free(best);
			best = strndup(hit, (size_t) (e - hit));
			if (!best)
				return -ENOMEM;
			best_major = (int) maj;
			best_minor = (int) min;
		}
		if (vendor)
			break;
		p = e > hit ? e : hit + 1;
	}
	if (!best)
		return -ENOENT;
	*ret_version = best;
	*ret_major = best_major;
	*ret_minor = best_minor;
	return 0;
}

/* Byte-order aware readers for ELF fields; the target may not be our arch. */
static uint64_t rd(const unsigned char *p, size_t n, bool be)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t) p[be ? n - 1 - i : i] << (8 * i);
	return v;
}

/* Translate a virtual address to a file offset via the PT_LOAD segments. */
static int elf_vaddr_to_off(const unsigned char *d, size_t len, bool is64, bool be, uint64_t phoff,
			    uint64_t phnum, uint64_t phentsize, uint64_t vaddr, uint64_t *ret)
{
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t o = phoff + i * phentsize;
		if (o > len || len - o < (is64 ? 56 : 32))
			return -EINVAL;
		const unsigned char *ph = d + o;
		uint32_t type = (uint32_t) rd(ph, 4, be);
		uint64_t off, va, filesz;
		if (is64) {
			off = rd(ph + 8, 8, be);
			va = rd(ph + 16, 8, be);
			filesz = rd(ph + 32, 8, be);
		} else {
			off = rd(ph + 4, 4, be);
			va = rd(ph + 8, 4, be);
			filesz = rd(ph + 16, 4, be);
		}
		if (type == PT_LOAD && vaddr >= va && vaddr - va < filesz) {
			*ret = off + (vaddr - va);
			return 0;
		}
	}
	return -ENOENT;
}

int elf_needed(const char *data, size_t len, char ***ret_needed)
{
	const unsigned char *d = (const unsigned char *) data;
	_cleanup_strv_free_ char **needed = NULL;
	uint64_t phoff, phnum, phentsize, dyn_off = 0, dyn_size = 0, strtab = 0, strsz = 0;
	bool is64, be, have_dyn = false;
	int r;

	if (len < EI_NIDENT || memcmp(d, ELFMAG, SELFMAG) != 0)
		return -EINVAL;
	is64 = d[EI_CLASS] == ELFCLASS64;
	be = d[EI_DATA] == ELFDATA2MSB;
	if ((!is64 && d[EI_CLASS] != ELFCLASS32) || (!be && d[EI_DATA] != ELFDATA2LSB))
		return -EINVAL;
	if (len < (is64 ? 64u : 52u))
		return -EINVAL;
	if (is64) {
		phoff = rd(d + 32, 8, be);
		phentsize = rd(d + 54, 2, be);
		phnum = rd(d + 56, 2, be);
	} else {
		phoff = rd(d + 28, 4, be);
		phentsize = rd(d + 42, 2, be);
		phnum = rd(d + 44, 2, be);
	}
	if (phentsize < (is64 ? 56u : 32u) || phoff > len)
		return -EINVAL;

	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t o = phoff + i * phentsize;
		if (o > len || len - o < phentsize)
			return -EINVAL;
		const unsigned char *ph = d + o;
		if (rd(ph, 4, be) != PT_DYNAMIC)
			continue;
		dyn_off = is64 ? rd(ph + 8, 8, be) : rd(ph + 4, 4, be);
		dyn_size = is64 ? rd(ph + 32, 8, be) : rd(ph + 16, 4, be);
		have_dyn = true;
		break;
	}
	if (!have_dyn) {
		/* Static binary: no DT_NEEDED at all. */
		*ret_needed = calloc(1, sizeof(char *));
		return *ret_needed ? 0 : -ENOMEM;
	}
	if (dyn_off > len || dyn_size > len - dyn_off)
		return -EINVAL;

	size_t entsz = is64 ? 16 : 8, half = is64 ? 8 : 4;
	for (uint64_t o = dyn_off; o + entsz <= dyn_off + dyn_size; o += entsz) {
		uint64_t tag = rd(d + o, half, be), val = rd(d + o + half, half, be);
		if (tag == DT_NULL)
			break;
		if (tag == DT_STRTAB)
			strtab = val;
		else if (tag == DT_STRSZ)
			strsz = val;
	}
	uint64_t str_off;
	r = elf_vaddr_to_off(d, len, is64, be, phoff, phnum, phentsize, strtab, &str_off);
	if (r < 0)
		return -EINVAL;
	if (str_off > len || strsz > len - str_off)
		return -EINVAL;

	for (uint64_t o = dyn_off; o + entsz <= dyn_off + dyn_size; o += entsz) {
		uint64_t tag = rd(d + o, half, be), val = rd(d + o + half, half, be);
		if (tag == DT_NULL)
			break;
		if (tag != DT_NEEDED || val >= strsz)
			continue;
		const char *s = data + str_off + val;
		size_t max = (size_t) (strsz - val);
		r = strv_push(&needed, strndup(s, strnlen(s, max)));
		if (r < 0)
			return r;
	}
	if (strv_ensure(&needed) < 0)
		return -ENOMEM;
	*ret_needed = TAKE_PTR(needed);
	return 0;
}

/* A whole string: NUL (or the start) before it, NUL after it. */
static bool holds_string(const char *data, size_t len, const char *s)
{
	size_t n = strlen(s) + 1;	/* with its NUL */

	for (const char *p = data, *end = data + len; p < end;) {
		const char *hit = memmem(p, (size_t) (end - p), s, n);
		if (!hit)
			return false;
		if (hit == data || hit[-1] == '\0')
			return true;
		p = hit + 1;
	}
	return false;
}

int target_file_holds_string(struct target *t, const char *path, const char *s)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = target_read_file(t, path, SSHD_BINARY_MAX, &data, &len);

	if (r < 0)
		return r;
	return holds_string(data, len, s);
}

const char *sshd_privsep_dir_scan(const char *data, size_t len)
{
	/* Most specific first: a build holds one of them (_PATH_PRIVSEP_CHROOT_DIR),
	 * and "/var/empty" is the upstream default the others replace. */
	static const char *const candidates[] = {
		"/usr/share/empty.sshd", "/var/empty/sshd", "/run/sshd", "/var/run/sshd", "/var/empty",
	};

	for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
		if (holds_string(data, len, candidates[i]))
			return candidates[i];
	return NULL;
}

/* The first whole NUL-terminated absolute path ending in tail (tail_len
 * bytes, counting its NUL). */
static int helper_path_scan(const char *data, size_t len, const char *tail, size_t tail_len, char **ret)
{
	for (const char *p = data, *end = data + len; p < end;) {
		const char *hit = memmem(p, (size_t) (end - p), tail, tail_len);
		if (!hit)
			return 0;
		const char *s = hit;
		while (s > data && s[-1] >= 0x21 && s[-1] < 0x7f && hit - s < 256)
			s--;
		if (*s == '/' && (s == data || s[-1] == '\0')) {
			*ret = strndup(s, (size_t) (hit - s) + tail_len - 1);
			return *ret ? 1 : -ENOMEM;
		}
		p = hit + 1;
	}
	return 0;
}

int sshd_session_path_scan(const char *data, size_t len, char **ret)
{
	static const char tail[] = "/sshd-session";	/* with its NUL: sizeof */

	return helper_path_scan(data, len, tail, sizeof(tail), ret);
}

int sshd_auth_path_scan(const char *data, size_t len, char **ret)
{
	static const char tail[] = "/sshd-auth";

	return helper_path_scan(data, len, tail, sizeof(tail), ret);
}

/* Does the ELF image link libwrap (DT_NEEDED libwrap.so.*)?  1, 0 (also
 * for an image that is not ELF), or -ENOMEM. */
static int links_libwrap(const char *data, size_t len)
{
	_cleanup_strv_free_ char **needed = NULL;
	int r = elf_needed(data, len, &needed);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	for (size_t i = 0; needed[i]; i++)
		if (startswith(needed[i], "libwrap.so"))
			return 1;
	return 0;
}

/*
 * From 9.8 the work per connection -- TCP wrappers among it -- is done by
 * the sshd-session the sshd names, and Debian links libwrap into that, not
 * into sshd (RULES §7.4, §13.1).  Read the facts of the binary that does
 * the work: sshd-session when sshd names one we can read, else sshd.
 */
static int read_session_facts(struct target *t)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	if (!t->facts.sshd_session_path)
		return 0;
	r = target_read_file(t, t->facts.sshd_session_path, SSHD_BINARY_MAX, &data, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;	/* missing: a finding of its own (sshd will not start); sshd's facts stand */
	r = links_libwrap(data, len);
	if (r < 0)
		return r;
	t->facts.sshd_libwrap = r;
	t->facts.sshd_libwrap_from = t->facts.sshd_session_path;
	return 0;
}

static int read_sshd_facts(struct target *t)
{
	static const char *const candidates[] = { "/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd" };
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = -ENOENT;

	for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
		r = target_read_file(t, candidates[i], SSHD_BINARY_MAX, &data, &len);
		if (r >= 0) {
			t->facts.sshd_path = strdup(candidates[i]);
			if (!t->facts.sshd_path)
				return -ENOMEM;
			break;
		}
	}
	if (r < 0)
		return 0;	/* no sshd is a finding for the checks, not an error here */

	r = sshd_version_scan(data, len, &t->facts.sshd_version, &t->facts.sshd_major, &t->facts.sshd_minor);
	if (r == -ENOMEM)
		return r;
	if (t->facts.sshd_version)
		t->facts.sshd_debian_patches = strstr(t->facts.sshd_version, " Debian") ||
					       strstr(t->facts.sshd_version, " Ubuntu");

	r = links_libwrap(data, len);
	if (r < 0)
		return r;
	t->facts.sshd_libwrap = r;
	t->facts.sshd_libwrap_from = t->facts.sshd_path;

	/* The EL keyperm patch looks up the "ssh_keys" group by name, so the
	 * name is in the binary; upstream and Debian builds do not have it. */
	t->facts.sshd_keyperm_group = memmem(data, len, "ssh_keys", 9) != NULL;

	/* Paths compiled in, which sshd_config cannot change (RULES §4.3, §4.4). */
	const char *pd = sshd_privsep_dir_scan(data, len);
	if (pd && !(t->facts.sshd_privsep_dir = strdup(pd)))
		return -ENOMEM;
	/* SUSE's openssh-8.4p1-vendordir.patch compiles in a second, vendor
	 * sshd_config, which sshd reads when it can stat() it and not
	 * /etc/ssh/sshd_config (sshd.c main()).  Other builds hold no such string. */
	if (holds_string(data, len, "/usr/etc/ssh/sshd_config") &&
	    !(t->facts.sshd_vendor_config = strdup("/usr/etc/ssh/sshd_config")))
		return -ENOMEM;
	r = sshd_session_path_scan(data, len, &t->facts.sshd_session_path);
	if (r >= 0)
		r = sshd_auth_path_scan(data, len, &t->facts.sshd_auth_path);
	if (r >= 0)
		r = read_session_facts(t);
	return r < 0 ? r : 0;
}

int target_read_facts(struct target *t)
{
	int r;

	/* Read afresh: a second call (after an apply) must not leak the first. */
	facts_done(&t->facts);
	t->facts = (struct target_facts) { .sshd_major = -1, .sshd_minor = -1 };
	r = read_os_release(t);

	if (r < 0)
		return r;
	return read_sshd_facts(t);
}

bool target_is_this_system(const struct target *t)
{
	struct stat a, b;

	return fstat(t->root_fd, &a) == 0 && stat("/", &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

bool target_sshd_at_least(const struct target *t, int major, int minor)
{
	if (t->facts.sshd_major < 0)
		return true;
	return t->facts.sshd_major > major || (t->facts.sshd_major == major && t->facts.sshd_minor >= minor);
}

unsigned long target_conf_number(struct target *t, const char *path, const char *key, unsigned long def)
{
	_cleanup_free_ char *data = NULL;
	unsigned long v = def;
	size_t len, kn = strlen(key);

	if (target_read_file(t, path, 1u << 20, &data, &len) < 0)
		return def;
	for (char *l = data, *next; l; l = next) {
		unsigned long long n;
		char num[24];
		size_t k = 0;

		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		l += strspn(l, " \t");
		if (strncasecmp(l, key, kn) != 0 || (l[kn] != '=' && l[kn] != ' ' && l[kn] != '\t'))
			continue;
		l += kn;
		l += strspn(l, " \t");
		if (*l == '=')
			l++;
		l += strspn(l, " \t\"'");
		while (l[k] >= '0' && l[k] <= '9' && k < sizeof(num) - 1)
			num[k] = l[k], k++;
		num[k] = '\0';
		if (k > 0 && parse_uint(num, 10, 0xfffffffeu, &n) == 0)
			v = (unsigned long) n;
	}
	return v;
}

bool target_file_has_line(struct target *t, const char *path, const char *line)
{
	_cleanup_free_ char *data = NULL;
	struct text_lines it = {0};
	const char *l;
	size_t len = 0, n;

	if (target_read_file(t, path, CONFIG_MAX, &data, &len) < 0)
		return false;
	it = (struct text_lines) { .text = data, .len = len };
	while (text_next_line(&it, &l, &n)) {
		text_trim(&l, &n);
		if (n == strlen(line) && memcmp(l, line, n) == 0)
			return true;
	}
	return false;
}
