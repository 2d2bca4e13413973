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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
