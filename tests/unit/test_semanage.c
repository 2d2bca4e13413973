/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parser of what sshfix's script around the target's semanage prints
 * (src/semanage.c): the status and messages, each changed file framed by
 * its length, each removed one, the end mark.  The program's output is
 * data: a path outside the policy's directories, a "..", a length past the
 * end, a record after a failure or a missing end mark rejects all of it.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "semanage.h"
#include "util.h"

#define STORE "/var/lib/selinux"

static int parse(const char *out, size_t len, struct semanage_changes *c)
{
	return semanage_parse(out, len, STORE, c);
}

START_TEST(semanage_parses_files_and_removals)
{
	static const char out[] = "@@sshfix-status 0 32\n"
				  "libsemanage.add_user: user sddm\n"
				  "@@sshfix-file 600 49 /var/lib/selinux/default/active/ports.local\n"
				  "portcon tcp 2222 system_u:object_r:ssh_port_t:s0\n"
				  "@@sshfix-file 644 5 /etc/selinux/default/policy/policy.33\n"
				  "\0\1\2\n\377"
				  "@@sshfix-gone /var/lib/selinux/default/active/old\n"
				  "@@sshfix-end\n";
	struct semanage_changes c = {0};

	ck_assert_int_eq(parse(out, sizeof(out) - 1, &c), 0);
	ck_assert_int_eq(c.status, 0);
	ck_assert_ptr_nonnull(strstr(c.log, "sddm"));
	ck_assert_uint_eq(c.n, 3);
	ck_assert_str_eq(c.files[0].path, STORE "/default/active/ports.local");
	ck_assert_uint_eq(c.files[0].len, 49);
	ck_assert_uint_eq(c.files[0].mode, 0600);
	ck_assert(memcmp(c.files[0].data, "portcon tcp 2222", 16) == 0);
	ck_assert_uint_eq(c.files[1].len, 5);
	ck_assert(memcmp(c.files[1].data, "\0\1\2\n\377", 5) == 0);
	ck_assert_uint_eq(c.files[1].mode, 0644);
	ck_assert_ptr_null(c.files[2].data);
	ck_assert_str_eq(c.files[2].path, STORE "/default/active/old");
	semanage_changes_done(&c);
}
END_TEST

/* wc -c pads its number on some systems: "     50". */
START_TEST(semanage_sizes_may_be_padded)
{
	static const char out[] = "@@sshfix-status 0    0\n"
				  "@@sshfix-file 600      3 /etc/selinux/x\nabc"
				  "@@sshfix-end\n";
	struct semanage_changes c = {0};

	ck_assert_int_eq(parse(out, sizeof(out) - 1, &c), 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.files[0].len, 3);
	semanage_changes_done(&c);
}
END_TEST

START_TEST(semanage_failure_keeps_its_message)
{
	static const char out[] = "@@sshfix-status 1 46\n"
				  "ValueError: Port tcp/8080 already defined\n\x1b[2J"
				  "@@sshfix-end\n";
	struct semanage_changes c = {0};

	ck_assert_int_eq(parse(out, sizeof(out) - 1, &c), 0);
	ck_assert_int_eq(c.status, 1);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_ptr_nonnull(strstr(c.log, "already defined"));
	ck_assert_ptr_null(strchr(c.log, '\x1b'));	/* escaped for display */
	semanage_changes_done(&c);
}
END_TEST

START_TEST(semanage_rejects_what_was_not_asked_for)
{
	static const char *const bad[] = {
		"",
		"@@sshfix-fail\n",
		"noise before\n@@sshfix-status 0 0\n@@sshfix-end\n",
		"@@sshfix-status 0 0\n",						/* no end mark */
		"@@sshfix-status 0 0\n@@sshfix-end\nmore\n",				/* after the end mark */
		"@@sshfix-status 0 99\nshort\n@@sshfix-end\n",				/* log past the end */
		"@@sshfix-status 256 0\n@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 3 /etc/shadow\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 3 /etc/selinux/../shadow\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 3 /etc/selinux/./x\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 3 /etc/selinux//x\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 3 /etc/selinux/x/\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 3 /etc/selinux\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 3 etc/selinux/x\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 3 /var/lib/selinuxx/x\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 99 /etc/selinux/x\nabc@@sshfix-end\n",	/* past the end */
		"@@sshfix-status 0 0\n@@sshfix-file 999 3 /etc/selinux/x\nabc@@sshfix-end\n",	/* not octal */
		"@@sshfix-status 0 0\n@@sshfix-file 600 -3 /etc/selinux/x\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-file 600 3\nabc@@sshfix-end\n",
		"@@sshfix-status 0 0\n@@sshfix-gone /root/x\n@@sshfix-end\n",
		"@@sshfix-status 1 0\n@@sshfix-file 600 3 /etc/selinux/x\nabc@@sshfix-end\n",	/* files after a failure */
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct semanage_changes c = {0};
		int r = parse(bad[i], strlen(bad[i]), &c);
		if (r != -EBADMSG)
			ck_abort_msg("input %zu: %d, not -EBADMSG", i, r);
		ck_assert_uint_eq(c.n, 0);
		ck_assert_ptr_null(c.log);
	}
	/* A NUL byte in a header line. */
	static const char nul[] = "@@sshfix-status 0 0\n@@sshfix-gone /etc/selinux/x\0y\n@@sshfix-end\n";
	struct semanage_changes c = {0};
	ck_assert_int_eq(parse(nul, sizeof(nul) - 1, &c), -EBADMSG);
}
END_TEST

static Suite *semanage_suite(void)
{
	Suite *s = suite_create("semanage");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, semanage_parses_files_and_removals);
	tcase_add_test(tc, semanage_sizes_may_be_padded);
	tcase_add_test(tc, semanage_failure_keeps_its_message);
	tcase_add_test(tc, semanage_rejects_what_was_not_asked_for);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(semanage_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
