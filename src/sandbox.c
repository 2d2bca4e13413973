/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

#define OUTPUT_MAX (1u << 20)

/* mount_setattr(2) (Linux 5.12), spelled out: glibc's <sys/mount.h> and
 * <linux/mount.h> cannot both be included, and musl has neither wrapper. */
struct sb_mount_attr {
	unsigned long long attr_set, attr_clr, propagation, userns_fd;
};
#define SB_MOUNT_ATTR_RDONLY 0x1ULL
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* A planned file as the child mounts it: canon without its leading '/'. */
struct planned {
	char *rel;
	const void *data;
	size_t len;
	bool exists;
	mode_t mode;	/* the file's own, so that a loader that checks modes sees them */
	bool scratch;	/* not a file: a directory the program may write (sandbox_opts.scratch_dirs) */
};

struct planned_set {
	struct planned *v;
	size_t n;
};

static void planned_set_done(struct planned_set *s)
{
	for (size_t i = 0; s->v && i < s->n; i++)
		free(s->v[i].rel);
	free(s->v);
}

void sandbox_result_done(struct sandbox_result *r)
{
	free(r->output);
	*r = (struct sandbox_result) {0};
}

/* A real directory of the target (not a symlink that could lead elsewhere). */
static bool is_real_dir(int rootfd, const char *name)
{
	struct stat st;

	return fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Report why the child failed before exec: the errno and a step number. */
static _Noreturn void child_fail(int errfd, int step)
{
	int msg[2] = { errno, step };

	(void) write(errfd, msg, sizeof(msg));
	_exit(127);
}

/* The few device nodes programs expect in /dev. */
static int make_dev(void)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} nodes[] = {
		{ "dev/null", 1, 3 }, { "dev/zero", 1, 5 },    { "dev/full", 1, 7 },
		{ "dev/random", 1, 8 }, { "dev/urandom", 1, 9 }, { "dev/tty", 5, 0 },
	};

	for (size_t i = 0; i < ELEMENTSOF(nodes); i++)
		if (mknod(nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0)
			return -1;
	return 0;
}

/* A bind mount of path onto itself, made read-only: the path as this
 * namespace sees it, whatever it is on the target's file system. */
static int bind_read_only(const char *path, unsigned long extra)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | extra, NULL);
}

/* A mount root and everything below it read-only, in this namespace only
 * (read-only is a flag of the mount, and these are our copies). */
static int set_read_only(const char *path)
{
#ifdef SYS_mount_setattr
	struct sb_mount_attr attr = { .attr_set = SB_MOUNT_ATTR_RDONLY };

	if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
#endif
	/* Before 5.12: the mount itself, not the ones below it; the roots
	 * rootmount makes have none the loaders would write to. */
	return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
}

/*
 * The target read-only.  Its root is usually a mount root ("/", or where
 * rootmount mounted it): our copy of that mount is made read-only in place
 * (EINVAL says it is not one).  Binding it onto itself instead would stack
 * a second mount on "/", which chdir("/") does not enter, and a ".." walk
 * inside the chroot would climb out into that bare copy, past every mount
 * we add.  A plain directory is bound onto itself first; chdir(root) then
 * enters the bind, and the chroot is its root.
 */
static int root_read_only(const char *root)
{
	if (set_read_only(root) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return set_read_only(root);
}

/*
 * /proc read-only where a write would reach the rescue system rather than
 * our namespaces: sysctls (but /proc/sys/net, which is the network
 * namespace's own: ufw-init sets its sysctls there), sysrq-trigger, irq,
 * bus, fs.  A firewall configuration could hold "kernel.*" lines that its
 * loader feeds to sysctl(8).
 */
static int proc_read_only(void)
{
	static const char *const paths[] = { "proc/sysrq-trigger", "proc/irq", "proc/bus", "proc/fs" };
	const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;

	if (access("proc/sys/net", F_OK) == 0 && mount("proc/sys/net", "proc/sys/net", NULL, MS_BIND, NULL) < 0)
		return -1;
	if (bind_read_only("proc/sys", fl) < 0)
		return -1;
	for (size_t i = 0; i < ELEMENTSOF(paths); i++)
		if (access(paths[i], F_OK) == 0 && bind_read_only(paths[i], fl) < 0)
			return -1;
	return 0;
}

static int write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0 || fchmod(fd, mode) < 0)
		return -1;
	return 0;
}

/* Create the directories of rel below an existing one (0755, root's). */
static int mkdir_parents(const char *rel)
{
	_cleanup_free_ char *p = strdup(rel);

	if (!p)
		return -1;
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

static size_t planned_count(const struct sandbox_opts *o)
{
	size_t n = o->n_files;
	while (o->scratch_dirs && o->scratch_dirs[n - o->n_files])
		n++;
	return n;
}

/* Directories that carry an overlay of ours, canonical and relative. */
struct overlays {
	char **dirs;
	size_t n;
};

static bool overlays_cover(const struct overlays *ov, const char *dir)
{
	for (size_t k = 0; k < ov->n; k++) {
		size_t l = strlen(ov->dirs[k]);
		if (strncmp(dir, ov->dirs[k], l) == 0 && (dir[l] == '\0' || dir[l] == '/'))
			return true;
	}
	return false;
}

/* An overlay with a tmpfs upper layer (number i in scratch) on dir, unless one of ours covers it; -1 with errno. */
static int overlay_on(const char *dir, const char *scratch, size_t i, struct overlays *ov)
{
	char upper[32], work[32];
	_cleanup_free_ char *opts = NULL;

	if (overlays_cover(ov, dir))
		return 0;
	if (strpbrk(dir, ",:\\")) {
		errno = EINVAL;	/* overlayfs options cannot carry these */
		return -1;
	}
	snprintf(upper, sizeof(upper), "%s/u%zu", scratch, i);
	snprintf(work, sizeof(work), "%s/w%zu", scratch, i);
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
		return -1;
	if (asprintf(&opts, "lowerdir=%s,upperdir=%s,workdir=%s", dir, upper, work) < 0) {
		opts = NULL;
		return -1;
	}
	if (mount("sshfix-planned", dir, "overlay", MS_NOSUID | MS_NODEV, opts) < 0)
		return -1;
	char **v = realloc(ov->dirs, (ov->n + 1) * sizeof(*v));
	if (!v || !(v[ov->n] = strdup(dir))) {
		if (v)
			ov->dirs = v;
		return -1;
	}
	ov->dirs = v;
	ov->n++;
	return 0;
}

/* One planned file (number i); -1 with errno on failure. */
static int put_one(const struct planned *p, size_t i, const char *scratch, bool read_only, struct overlays *ov)
{
	char copy[32];
	_cleanup_free_ char *dir = NULL;
	struct stat st;

	if (p->scratch)
		return overlay_on(p->rel, scratch, i, ov);
	if (p->exists) {
		snprintf(copy, sizeof(copy), "%s/f%zu", scratch, i);
		if (write_new(copy, p->data, p->len, p->mode) < 0 || mount(copy, p->rel, NULL, MS_BIND, NULL) < 0)
			return -1;
		return read_only ? mount(NULL, p->rel, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) : 0;
	}
	/* A new file: through an overlay on the nearest existing directory
	 * above it, unless one of ours already covers that directory. */
	dir = strdup(p->rel);
	if (!dir)
		return -1;
	for (;;) {
		char *slash = strrchr(dir, '/');
		if (!slash) {
			/* Not even its top directory exists: that would take an
			 * overlay over the whole root. */
			errno = ENOTDIR;
			return -1;
		}
		*slash = '\0';
		if (fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) == 0)
			break;
		if (errno != ENOENT)
			return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if (overlay_on(dir, scratch, i, ov) < 0)
		return -1;
	return mkdir_parents(p->rel) < 0 ? -1 : write_new(p->rel, p->data, p->len, p->mode);
}

/*
 * Put the planned files in place (cwd: the target's root, in the child's
 * mount namespace).  The copies live on a tmpfs mounted on the target's
 * /run (or /tmp) while this runs; the bind mounts and overlays keep it
 * alive after it is detached, and the fresh /run goes on top.
 */
static int put_planned(const struct planned *p, size_t n, bool read_only, int rootfd)
{
	const char *scratch = is_real_dir(rootfd, "run") ? "run" : is_real_dir(rootfd, "tmp") ? "tmp" : NULL;
	struct overlays ov = {0};
	int r = 0;

	if (!scratch) {
		errno = ENOTDIR;
		return -1;
	}
	if (mount("sshfix-planned", scratch, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++)
		r = put_one(&p[i], i, scratch, read_only, &ov);
	for (size_t k = 0; k < ov.n; k++)
		free(ov.dirs[k]);
	free(ov.dirs);
	if (r == 0 && umount2(scratch, MNT_DETACH) < 0)
		r = -1;
	return r;
}

/* Capabilities no firewall loader needs and none may use on the rescue
 * system: loading modules (the kernel loads what a rule needs by itself),
 * the clock, raw I/O, the kernel log, reboot.  Gone from the bounding set,
 * they are gone after exec too, even for root. */
static int drop_capabilities(void)
{
	static const int caps[] = { CAP_SYS_MODULE, CAP_SYS_TIME, CAP_SYS_RAWIO, CAP_SYSLOG, CAP_SYS_BOOT,
				    CAP_WAKE_ALARM };

	for (size_t i = 0; i < ELEMENTSOF(caps); i++)
		if (prctl(PR_CAPBSET_DROP, caps[i], 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	return 0;
}

static _Noreturn void child(struct target *t, const char *const argv[], const struct sandbox_opts *o,
			    const struct planned *planned, pid_t parent, int outfd, int errfd)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", "LC_ALL=C", NULL };

	if (o->host) {
		/* Down to the user for good: groups, then gid, then uid; and no way back. */
		if (geteuid() == 0 && (setgroups(o->as_groups ? o->n_as_groups : 0, o->as_groups) < 0 ||
				       setgid(o->as_gid) < 0 || setuid(o->as_uid) < 0 || getuid() != o->as_uid ||
				       geteuid() != o->as_uid || getgid() != o->as_gid || getegid() != o->as_gid ||
				       (o->as_uid != 0 && setuid(0) == 0)))
			child_fail(errfd, 7);
		goto run;
	}
	/* The namespace's owner may tear it down only if we go with it. */
	if (o->join_netns && (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent))
		child_fail(errfd, 8);
	if (unshare(CLONE_NEWNS | (o->join_netns ? 0 : CLONE_NEWNET) | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
		child_fail(errfd, 1);
	if (o->join_netns && setns(o->netns_fd, CLONE_NEWNET) < 0)
		child_fail(errfd, 8);
	/* Nothing mounted from here on may reach the rescue system's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(errfd, 2);
	if (o->read_only && root_read_only(t->root) < 0)
		child_fail(errfd, 9);
	/* By name, not through root_fd: that fd's mount belongs to the old
	 * namespace, and mounts on it would fail (EINVAL). */
	if (chdir(t->root) < 0)
		child_fail(errfd, 3);
	if (planned && put_planned(planned, planned_count(o), o->read_only, t->root_fd) < 0)
		child_fail(errfd, 10);
	/* Mounted over the target's own directories, in this namespace only:
	 * the target's files are not touched, and missing ones are skipped. */
	if (is_real_dir(t->root_fd, "proc") &&
	    mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0 && o->read_only &&
	    proc_read_only() < 0)
		child_fail(errfd, 9);
	if (is_real_dir(t->root_fd, "dev") && mount("tmpfs", "dev", "tmpfs", MS_NOSUID, "mode=0755,size=64k") == 0)
		(void) make_dev();
	/* A read-only root still gets a writable /tmp, as a booted system has
	 * (shell-script loaders make temporary files). */
	if (o->read_only && is_real_dir(t->root_fd, "tmp"))
		(void) mount("tmpfs", "tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	if (is_real_dir(t->root_fd, "run") && mount("tmpfs", "run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") == 0)
		for (size_t i = 0; o->run_dirs && o->run_dirs[i]; i++) {
			_cleanup_free_ char *d = path_join("run", o->run_dirs[i]);
			if (d)
				(void) mkdir(d, 0755);
		}
	if (chroot(".") < 0 || chdir("/") < 0)
		child_fail(errfd, 4);
	if (o->read_only && drop_capabilities() < 0)
		child_fail(errfd, 11);
run:;

	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull >= 0)
		(void) dup2(devnull, STDIN_FILENO);
	else
		(void) close(STDIN_FILENO);
	if (dup2(outfd, STDOUT_FILENO) < 0 || dup2(outfd, STDERR_FILENO) < 0)
		child_fail(errfd, 5);
	execve(argv[0], (char *const *) argv, envp);
	child_fail(errfd, 6);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read the child's output until EOF or the deadline. */
static int collect(int fd, long deadline, size_t max, struct buf *out, bool *ret_timed_out)
{
	char chunk[4096];

	for (;;) {
		long left = deadline - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (left <= 0) {
			*ret_timed_out = true;
			return 0;
		}
		int n = poll(&p, 1, (int) left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		if (n == 0)
			continue;
		ssize_t k = RETRY_EINTR(read(fd, chunk, sizeof(chunk)));
		if (k <= 0)
			return 0;
		if (out->len < max)
			buf_append(out, chunk, (size_t) k < max - out->len ? (size_t) k : max - out->len);
	}
}

/*
 * Where a planned file goes: its canonical path inside the target (symlinks
 * followed there, never out of it) and whether it exists.  Missing
 * directories above it are allowed; they contain no symlinks to follow.
 */
static int resolve_planned(struct target *t, const char *path, struct planned *ret)
{
	_cleanup_free_ char *p = NULL, *canon = NULL;
	_cleanup_free_ char *rest = NULL;	/* the missing components, "a/b" */
	struct target_path tp = {0};
	int r;

	if (!path || path[0] != '/')
		return -EINVAL;
	p = path_simplify(path);
	if (!p)
		return -ENOMEM;
	for (const char *c = p; (c = strstr(c, "..")); c += 2)
		if ((c == p || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
			return -EINVAL;
	for (;;) {
		r = target_resolve(t, p, TR_MAY_NOT_EXIST, &tp, NULL);
		if (r != -ENOENT || streq(p, "/"))
			break;
		/* A directory above it is missing too: resolve its parent. */
		char *up = path_parent(p);
		char *more = rest ? path_join(path_last(p), rest) : strdup(path_last(p));
		if (!up || !more) {
			free(up);
			free(more);
			return -ENOMEM;
		}
		free(p);
		free(rest);
		p = up;
		rest = more;
	}
	if (r < 0)
		return r;
	if (tp.exists && (rest || !S_ISREG(tp.st.st_mode))) {
		target_path_done(&tp);
		return -EINVAL;
	}
	canon = rest ? path_join(tp.canon, rest) : strdup(tp.canon);
	ret->exists = tp.exists && !rest;
	ret->mode = ret->exists ? tp.st.st_mode & 07777 : 0644;
	target_path_done(&tp);
	if (!canon)
		return -ENOMEM;
	if (streq(canon, "/"))
		return -EINVAL;
	ret->rel = strdup(canon + 1);
	return ret->rel ? 0 : -ENOMEM;
}

int sandbox_run(struct target *t, const char *const argv[], const struct sandbox_opts *opts,
		struct sandbox_result *ret, const char **ret_why)
{
	_cleanup_(planned_set_done) struct planned_set planned = {0};
	const struct sandbox_opts none = {0};
	const struct sandbox_opts *o = opts ? opts : &none;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, msg[2], status, r = 0;
	struct buf out = {0};
	bool timed_out = false;
	pid_t pid, self;

	*ret = (struct sandbox_result) {0};
	*ret_why = NULL;
	if (!o->host && geteuid() != 0) {
		*ret_why = "sshfix does not run as root";
		return -EPERM;
	}
	size_t n_scratch = 0;
	while (o->scratch_dirs && o->scratch_dirs[n_scratch])
		n_scratch++;
	if (o->n_files || n_scratch) {
		if (o->host || (n_scratch && !o->read_only))
			return -EINVAL;
		planned.v = calloc(o->n_files + n_scratch, sizeof(*planned.v));
		if (!planned.v)
			return -ENOMEM;
		planned.n = o->n_files + n_scratch;
		for (size_t k = 0; k < n_scratch; k++) {
			struct target_path tp = {0};
			struct planned *d = &planned.v[o->n_files + k];
			r = target_resolve(t, o->scratch_dirs[k], 0, &tp, NULL);
			if (r == 0 && (!tp.exists || !S_ISDIR(tp.st.st_mode) || streq(tp.canon, "/")))
				r = -ENOTDIR;
			if (r == 0 && !(d->rel = strdup(tp.canon + 1)))
				r = -ENOMEM;
			target_path_done(&tp);
			if (r < 0) {
				*ret_why = "a directory the program may write is missing or no directory";
				/* cppcheck-suppress memleak ; freed by its _cleanup_ attribute */
				return r == -ENOMEM ? r : -EINVAL;
			}
			d->scratch = true;
		}
		for (size_t i = 0; i < o->n_files; i++) {
			r = resolve_planned(t, o->files[i].path, &planned.v[i]);
			if (r < 0) {
				*ret_why = "a planned file cannot be shown in place of the target's";
				/* cppcheck-suppress memleak ; freed by its _cleanup_ attribute, which cppcheck 2.10 does not follow here */
				return r == -ENOENT || r == -ENOTDIR ? -EINVAL : r;
			}
			planned.v[i].data = o->files[i].data;
			planned.v[i].len = o->files[i].len;
		}
	}
	if (pipe2(outp, O_CLOEXEC) < 0)
		return negative_errno();
	if (pipe2(errp, O_CLOEXEC) < 0) {
		r = negative_errno();
		close(outp[0]);
		close(outp[1]);
		return r;
	}
	self = getpid();
	pid = fork();
	if (pid < 0) {
		r = negative_errno();
		close(outp[0]), close(outp[1]), close(errp[0]), close(errp[1]);
		return r;
	}
	if (pid == 0) {
		close(outp[0]);
		close(errp[0]);
		child(t, argv, o, planned.v, self, outp[1], errp[1]);
	}
	close(outp[1]);
	close(errp[1]);

	/* The error pipe closes on a successful exec (O_CLOEXEC). */
	ssize_t n = RETRY_EINTR(read(errp[0], msg, sizeof(msg)));
	close(errp[0]);
	if (n == (ssize_t) sizeof(msg)) {
		close(outp[0]);
		(void) RETRY_EINTR(waitpid(pid, &status, 0));
		switch (msg[1]) {
		case 1:
		case 2:
			*ret_why = "this system does not allow private namespaces";
			return -EPERM;
		case 6:
			*ret_why = msg[0] == ENOENT ? "the program, its loader or a library it needs is missing"
				 : msg[0] == ENOEXEC ? "it is not an executable for this machine"
						     : "it cannot be executed";
			return msg[0] == ENOEXEC || msg[0] == ENOENT ? -msg[0] : -EACCES;
		case 7:
			*ret_why = "it cannot be run as that user";
			return -EPERM;
		case 8:
			*ret_why = "the network namespace cannot be entered";
			return -EBADF;
		case 9:
			*ret_why = "the target cannot be made read-only in the sandbox";
			return -EROFS;
		case 10:
			*ret_why = msg[0] == ENOTDIR ? "a planned file has no directory of the target to appear in"
				 : msg[0] == EINVAL  ? "a planned file's directory has a name overlayfs cannot take"
						     : "a planned file cannot be shown in place of the target's";
			return -EIO;
		case 11:
			*ret_why = "the program's capabilities cannot be limited";
			return -EPERM;
		default:
			*ret_why = "the target cannot be entered with chroot";
			return -msg[0] ? -msg[0] : -EIO;
		}
	}

	r = collect(outp[0], now_ms() + 1000L * (o->timeout_sec ? o->timeout_sec : 10),
		    o->output_max ? o->output_max : OUTPUT_MAX, &out, &timed_out);
	close(outp[0]);
	if (timed_out)
		(void) kill(pid, SIGKILL);
	if (RETRY_EINTR(waitpid(pid, &status, 0)) < 0 && r == 0)
		r = negative_errno();
	if (r < 0) {
		buf_done(&out);
		return r;
	}
	ret->timed_out = timed_out;
	ret->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	ret->output_len = out.len;
	ret->output = buf_steal(&out);
	return ret->output ? 0 : -ENOMEM;
}
