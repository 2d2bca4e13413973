/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sandbox that runs the target's own programs: output and exit status
 * come back, /run is a fresh tmpfs holding the requested runtime dirs, the
 * network is a private namespace with nothing but lo, a hung program is
 * stopped, and nothing is left mounted.  Runs against the rescue system's
 * own root ("/") with /bin/sh, so it needs root.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

static struct target *t;

static void setup(void)
{
	ck_assert_int_eq(target_new("/", &t), 0);
}

static void teardown(void)
{
	target_free(t);
	t = NULL;
}

static int sh(const char *script, const struct sandbox_opts *o, struct sandbox_result *res, const char **why)
{
	const char *const argv[] = { "/bin/sh", "-c", script, NULL };

	return sandbox_run(t, argv, o, res, why);
}

START_TEST(sandbox_run_output_and_status)
{
	struct sandbox_result res;
	const char *why;

	ck_assert_int_eq(sh("echo out; echo err >&2; exit 3", NULL, &res, &why), 0);
	ck_assert_int_eq(res.exit_status, 3);
	ck_assert(!res.timed_out);
	ck_assert_ptr_nonnull(strstr(res.output, "out\n"));
	ck_assert_ptr_nonnull(strstr(res.output, "err\n"));
	sandbox_result_done(&res);
}
END_TEST

START_TEST(sandbox_run_fresh_run_with_runtime_dirs)
{
	static const char *const dirs[] = { "sshfix-test-rundir", NULL };
	const struct sandbox_opts o = { .run_dirs = dirs };
	struct sandbox_result res;
	const char *why;

	/* The rescue system's /run is hidden by a fresh tmpfs holding only ours. */
	ck_assert_int_eq(sh("ls -A /run; stat -c %a /run/sshfix-test-rundir; stat -f -c %T /run", &o, &res, &why), 0);
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_str_eq(res.output, "sshfix-test-rundir\n755\ntmpfs\n");
	sandbox_result_done(&res);
	ck_assert_int_ne(access("/run/sshfix-test-rundir", F_OK), 0);	/* nothing leaked out */
}
END_TEST

START_TEST(sandbox_run_private_network)
{
	struct sandbox_result res;
	const char *why;

	ck_assert_int_eq(sh("cat /proc/net/dev", NULL, &res, &why), 0);
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_ptr_nonnull(strstr(res.output, "lo:"));
	/* Header (2 lines) + lo: a new network namespace has no other link. */
	size_t lines = 0;
	for (const char *p = res.output; *p; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 3);
	sandbox_result_done(&res);
}
END_TEST

START_TEST(sandbox_run_timeout_kills)
{
	const struct sandbox_opts o = { .timeout_sec = 1 };
	struct sandbox_result res;
	const char *why;

	ck_assert_int_eq(sh("echo started; exec sleep 30", &o, &res, &why), 0);
	ck_assert(res.timed_out);
	ck_assert_int_eq(res.exit_status, 128 + 9);
	ck_assert_ptr_nonnull(strstr(res.output, "started"));
	sandbox_result_done(&res);
}
END_TEST

START_TEST(sandbox_run_missing_program)
{
	const char *const argv[] = { "/nonexistent/program", NULL };
	struct sandbox_result res;
	const char *why = NULL;

	ck_assert_int_eq(sandbox_run(t, argv, NULL, &res, &why), -ENOENT);
	ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(sandbox_run_not_an_executable)
{
	_cleanup_free_ char *dir = tl_mkdtemp();
	struct target *tt;
	struct sandbox_result res;
	const char *why = NULL;

	tl_mkdir(dir, "bin", 0755);
	tl_write(dir, "bin/prog", "\177ELFnot-really", 0755);
	ck_assert_int_eq(target_new(dir, &tt), 0);
	const char *const argv[] = { "/bin/prog", NULL };
	ck_assert_int_eq(sandbox_run(tt, argv, NULL, &res, &why), -ENOEXEC);
	ck_assert_ptr_nonnull(why);
	target_free(tt);
	tl_rmtree(dir);
}
END_TEST

/* host: the running system's own program, as another user, with no chroot. */
START_TEST(sandbox_run_host_as_user)
{
	const struct sandbox_opts o = { .host = true, .as_uid = 65534, .as_gid = 65534 };
	const char *const argv[] = { "/bin/sh", "-c", "id -u; id -g; id -G; test -e /etc/os-release && echo host", NULL };
	struct sandbox_result res;
	const char *why;

	ck_assert_int_eq(sandbox_run(t, argv, &o, &res, &why), 0);
	ck_assert_int_eq(res.exit_status, 0);
	/* The uid and gid asked for, and no other group (root's are gone). */
	ck_assert_str_eq(res.output, "65534\n65534\n65534\nhost\n");
	sandbox_result_done(&res);
}
END_TEST

/* read_only: nothing of the target, nor the rescue system's sysctls, can
 * be written; the network namespace's own sysctls can; no module loading. */
START_TEST(sandbox_run_read_only)
{
	const struct sandbox_opts o = { .read_only = true };
	struct sandbox_result res;
	const char *why;

	ck_assert_int_eq(sh("touch /etc/sshfix-test-ro 2>/dev/null && echo etc-writable;"
			    "echo 0 2>/dev/null > /proc/sys/kernel/printk_ratelimit && echo kernel-sysctl-writable;"
			    "echo 1 > /proc/sys/net/ipv4/ip_forward && echo net-ok;"
			    "grep CapBnd /proc/self/status",
			    &o, &res, &why),
			 0);
	ck_assert_ptr_null(strstr(res.output, "writable"));
	ck_assert_ptr_nonnull(strstr(res.output, "net-ok"));
	/* CAP_SYS_MODULE (16) gone from the bounding set: bit 16 of the mask. */
	const char *cap = strstr(res.output, "CapBnd:");
	ck_assert_ptr_nonnull(cap);
	unsigned long long mask = strtoull(cap + strlen("CapBnd:"), NULL, 16);
	ck_assert_uint_eq(mask & (1ULL << 16), 0);
	sandbox_result_done(&res);
	ck_assert_int_ne(access("/etc/sshfix-test-ro", F_OK), 0);
}
END_TEST

/* files: planned contents replace an existing file (reached through a
 * symlink: Debian's /etc/os-release -> ../usr/lib/os-release) and create a
 * new one in a directory the target lacks, for the program only. */
START_TEST(sandbox_run_planned_files)
{
	static const char planned[] = "planned\n", fresh[] = "new\n";
	const struct sandbox_file files[] = {
		{ "/etc/os-release", planned, sizeof(planned) - 1 },
		{ "/etc/sshfix-test-new/sub/file", fresh, sizeof(fresh) - 1 },
	};
	const struct sandbox_opts o = { .read_only = true, .files = files, .n_files = 2 };
	_cleanup_free_ char *before = tl_read("/etc", "os-release"), *after = NULL;
	struct sandbox_result res;
	const char *why;

	ck_assert_ptr_nonnull(before);
	ck_assert_int_eq(sh("cat /etc/os-release /etc/sshfix-test-new/sub/file; ls /etc/hostname", &o, &res, &why), 0);
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_str_eq(res.output, "planned\nnew\n/etc/hostname\n");
	sandbox_result_done(&res);
	after = tl_read("/etc", "os-release");
	ck_assert_str_eq(before, after);
	ck_assert_int_ne(access("/etc/sshfix-test-new", F_OK), 0);
}
END_TEST

/* scratch_dirs: the program may write /etc (a tool that edits its own
 * configuration, firewall-offline-cmd), sees what it wrote, and the real
 * /etc is not touched; without read_only they are refused. */
START_TEST(sandbox_run_scratch_dirs)
{
	static const char *const scratch[] = { "/etc", NULL };
	struct sandbox_opts o = { .read_only = true, .scratch_dirs = scratch };
	struct sandbox_result res;
	const char *why;

	ck_assert_int_eq(sh("echo written > /etc/sshfix-test-scratch && cat /etc/sshfix-test-scratch && "
			    "touch /usr/sshfix-test-scratch 2>/dev/null || echo usr-read-only",
			    &o, &res, &why),
			 0);
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_str_eq(res.output, "written\nusr-read-only\n");
	sandbox_result_done(&res);
	ck_assert_int_ne(access("/etc/sshfix-test-scratch", F_OK), 0);
	ck_assert_int_ne(access("/usr/sshfix-test-scratch", F_OK), 0);
	o.read_only = false;
	ck_assert_int_eq(sh("true", &o, &res, &why), -EINVAL);
	static const char *const missing[] = { "/no/such/dir", NULL };
	o = (struct sandbox_opts) { .read_only = true, .scratch_dirs = missing };
	ck_assert_int_eq(sh("true", &o, &res, &why), -EINVAL);
}
END_TEST

/* The same in a tree of files: set up, then exec (which fails there: no
 * programs), and the tree is exactly as before. */
START_TEST(sandbox_run_planned_files_tree_unchanged)
{
	_cleanup_free_ char *dir = tl_mkdtemp(), *before = NULL, *after = NULL;
	static const char planned[] = "planned\n";
	const struct sandbox_file files[] = {
		{ "/etc/conf", planned, sizeof(planned) - 1 },
		{ "/etc/new-dir/file", planned, sizeof(planned) - 1 },
	};
	const struct sandbox_opts o = { .read_only = true, .files = files, .n_files = 2 };
	const char *const argv[] = { "/bin/true", NULL };
	struct sandbox_result res;
	struct target *tt;
	const char *why;

	tl_mkdir(dir, "etc", 0755);
	tl_mkdir(dir, "run", 0755);
	tl_write(dir, "etc/conf", "on disk\n", 0600);
	before = tl_manifest(dir);
	ck_assert_int_eq(target_new(dir, &tt), 0);
	ck_assert_int_eq(sandbox_run(tt, argv, &o, &res, &why), -ENOENT);
	after = tl_manifest(dir);
	ck_assert_str_eq(before, after);
	target_free(tt);
	tl_rmtree(dir);
}
END_TEST

START_TEST(sandbox_run_planned_file_refused)
{
	static const char x[] = "x";
	const struct sandbox_file dots[] = { { "/etc/../etc/hostname", x, 1 } };
	const struct sandbox_file dir[] = { { "/etc", x, 1 } };
	const struct sandbox_file rel[] = { { "etc/hostname", x, 1 } };
	struct sandbox_opts o = { .files = dots, .n_files = 1 };
	struct sandbox_result res;
	const char *why;

	ck_assert_int_eq(sh("true", &o, &res, &why), -EINVAL);
	o.files = dir;
	ck_assert_int_eq(sh("true", &o, &res, &why), -EINVAL);
	o.files = rel;
	ck_assert_int_eq(sh("true", &o, &res, &why), -EINVAL);
}
END_TEST

/* join_netns: the program runs in the namespace it is given. */
START_TEST(sandbox_run_join_netns)
{
	int p[2], status;
	char c, want[64], path[64];
	struct stat st;
	struct sandbox_result res;
	const char *why;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Hold a fresh network namespace until killed. */
		close(p[0]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		(void) write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int) pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	snprintf(want, sizeof(want), "net:[%llu]\n", (unsigned long long) st.st_ino);
	const struct sandbox_opts o = { .join_netns = true, .netns_fd = fd };
	ck_assert_int_eq(sh("readlink /proc/self/ns/net", &o, &res, &why), 0);
	ck_assert_str_eq(res.output, want);
	sandbox_result_done(&res);
	close(fd);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("sandbox");
	SRunner *sr;
	int failed;

	if (!tl_is_root()) {
		printf("SKIP: the sandbox needs root (namespaces, chroot, mounts)\n");
		return 77;
	}
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, sandbox_run_output_and_status);
	tcase_add_test(tc, sandbox_run_fresh_run_with_runtime_dirs);
	tcase_add_test(tc, sandbox_run_private_network);
	tcase_add_test(tc, sandbox_run_timeout_kills);
	tcase_add_test(tc, sandbox_run_missing_program);
	tcase_add_test(tc, sandbox_run_not_an_executable);
	tcase_add_test(tc, sandbox_run_host_as_user);
	tcase_add_test(tc, sandbox_run_read_only);
	tcase_add_test(tc, sandbox_run_planned_files);
	tcase_add_test(tc, sandbox_run_scratch_dirs);
	tcase_add_test(tc, sandbox_run_planned_files_tree_unchanged);
	tcase_add_test(tc, sandbox_run_planned_file_refused);
	tcase_add_test(tc, sandbox_run_join_netns);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
