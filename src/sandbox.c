/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

#define OUTPUT_MAX (1u << 20)

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

static _Noreturn void child(struct target *t, const char *const argv[], const struct sandbox_opts *o, int outfd,
			    int errfd)
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
	if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
		child_fail(errfd, 1);
	/* Nothing mounted from here on may reach the rescue system's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(errfd, 2);
	/* By name, not through root_fd: that fd's mount belongs to the old
	 * namespace, and mounts on it would fail (EINVAL). */
	if (chdir(t->root) < 0)
		child_fail(errfd, 3);
	/* Mounted over the target's own directories, in this namespace only:
	 * the target's files are not touched, and missing ones are skipped. */
	if (is_real_dir(t->root_fd, "proc"))
		(void) mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (is_real_dir(t->root_fd, "dev") && mount("tmpfs", "dev", "tmpfs", MS_NOSUID, "mode=0755,size=64k") == 0)
		(void) make_dev();
	if (is_real_dir(t->root_fd, "run") && mount("tmpfs", "run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") == 0)
		for (size_t i = 0; o->run_dirs && o->run_dirs[i]; i++) {
			_cleanup_free_ char *d = path_join("run", o->run_dirs[i]);
			if (d)
				(void) mkdir(d, 0755);
		}
	if (chroot(".") < 0 || chdir("/") < 0)
		child_fail(errfd, 4);
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
static int collect(int fd, long deadline, struct buf *out, bool *ret_timed_out)
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
		if (out->len < OUTPUT_MAX)
			buf_append(out, chunk, (size_t) k < OUTPUT_MAX - out->len ? (size_t) k : OUTPUT_MAX - out->len);
	}
}

int sandbox_run(struct target *t, const char *const argv[], const struct sandbox_opts *opts,
		struct sandbox_result *ret, const char **ret_why)
{
	const struct sandbox_opts none = {0};
	const struct sandbox_opts *o = opts ? opts : &none;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, msg[2], status, r = 0;
	struct buf out = {0};
	bool timed_out = false;
	pid_t pid;

	*ret = (struct sandbox_result) {0};
	*ret_why = NULL;
	if (!o->host && geteuid() != 0) {
		*ret_why = "sshfix does not run as root";
		return -EPERM;
	}
	if (pipe2(outp, O_CLOEXEC) < 0)
		return negative_errno();
	if (pipe2(errp, O_CLOEXEC) < 0) {
		r = negative_errno();
		close(outp[0]);
		close(outp[1]);
		return r;
	}
	pid = fork();
	if (pid < 0) {
		r = negative_errno();
		close(outp[0]), close(outp[1]), close(errp[0]), close(errp[1]);
		return r;
	}
	if (pid == 0) {
		close(outp[0]);
		close(errp[0]);
		child(t, argv, o, outp[1], errp[1]);
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
		default:
			*ret_why = "the target cannot be entered with chroot";
			return -msg[0] ? -msg[0] : -EIO;
		}
	}

	r = collect(outp[0], now_ms() + 1000L * (o->timeout_sec ? o->timeout_sec : 10), &out, &timed_out);
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
