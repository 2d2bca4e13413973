/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/strictmodes.c, against RULES §1.6-1.8: the upstream
 * owner/mode rule, Debian's user-group-modes patch (secure_permissions():
 * g+w only for a group private to the user) and what a user can open by
 * mode bits.  Accounts are parsed from text with acct_file_parse().
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "strictmodes.h"
#include "util.h"

#define PASSWD_BASE                                  \
	"root:x:0:0:root:/root:/bin/bash\n"          \
	"alice:x:1000:1000::/home/alice:/bin/bash\n"

static struct accounts a;

static void accounts_from(const char *passwd, const char *group)
{
	accounts_done(&a);
	a = (struct accounts) { .passwd.kind = ACCT_PASSWD, .group.kind = ACCT_GROUP, .shadow.kind = ACCT_SHADOW };
	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, passwd, strlen(passwd), &a.passwd), 0);
	ck_assert_int_eq(acct_file_parse(ACCT_GROUP, group, strlen(group), &a.group), 0);
	ck_assert_uint_eq(acct_file_bad_lines(&a.passwd), 0);
	ck_assert_uint_eq(acct_file_bad_lines(&a.group), 0);
}

static void teardown(void)
{
	accounts_done(&a);
}

static const struct pw_entry *user(const char *name)
{
	const struct pw_entry *pw = accounts_user_by_name(&a, name);

	ck_assert_msg(pw != NULL, "no user %s", name);
	return pw;
}

static struct stat st_of(uid_t uid, gid_t gid, mode_t mode)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_uid = uid;
	st.st_gid = gid;
	st.st_mode = S_IFDIR | mode;
	return st;
}

/* strictmodes_check() for alice on (uid, gid, mode). */
static unsigned check(uid_t uid, gid_t gid, mode_t mode, bool debian)
{
	struct stat st = st_of(uid, gid, mode);

	return strictmodes_check(&a, user("alice"), &st, debian);
}

static bool private(uid_t uid, gid_t gid)
{
	struct stat st = st_of(uid, gid, 0775);

	return strictmodes_group_is_private(&a, user("alice"), &st);
}

START_TEST(strictmodes_check_owner_root_or_user_accepted)
{
	accounts_from(PASSWD_BASE, "root:x:0:\nalice:x:1000:\n");
	for (int debian = 0; debian <= 1; debian++) {
		ck_assert_uint_eq(check(0, 0, 0755, debian), 0);
		ck_assert_uint_eq(check(1000, 1000, 0700, debian), 0);
		ck_assert_uint_eq(check(1000, 1000, 0755, debian), 0);
		ck_assert_uint_eq(check(0, 1000, 0750, debian), 0);
		/* Only 022 matters: setuid/setgid/sticky and read/exec bits do not. */
		ck_assert_uint_eq(check(1000, 1000, 07555, debian), 0);
	}
}
END_TEST

START_TEST(strictmodes_check_other_owner_refused)
{
	accounts_from(PASSWD_BASE "bob:x:1001:1001::/home/bob:/bin/sh\n", "alice:x:1000:\nbob:x:1001:\n");
	for (int debian = 0; debian <= 1; debian++) {
		ck_assert_uint_eq(check(1001, 1001, 0755, debian), SM_BAD_OWNER);
		ck_assert_uint_eq(check(1001, 1000, 0700, debian), SM_BAD_OWNER);
		/* Not even system accounts other than root (PLATFORM_SYS_DIR_UID is AIX/HP-UX). */
		ck_assert_uint_eq(check(1, 1, 0755, debian), SM_BAD_OWNER);
		/* Another owner is refused even with alice's private group. */
		ck_assert(check(1001, 1000, 0775, debian) & SM_BAD_OWNER);
	}
}
END_TEST

START_TEST(strictmodes_check_upstream_refuses_022)
{
	/* alice's group is private: upstream does not care. */
	accounts_from(PASSWD_BASE, "alice:x:1000:\n");
	ck_assert_uint_eq(check(1000, 1000, 0775, false), SM_GROUP_WRITABLE);
	ck_assert_uint_eq(check(1000, 1000, 0720, false), SM_GROUP_WRITABLE);
	ck_assert_uint_eq(check(1000, 1000, 0757, false), SM_OTHER_WRITABLE);
	ck_assert_uint_eq(check(1000, 1000, 0702, false), SM_OTHER_WRITABLE);
	ck_assert_uint_eq(check(1000, 1000, 0777, false), SM_GROUP_WRITABLE | SM_OTHER_WRITABLE);
	/* No sticky-bit exemption (RULES §1.6): /var/tmp-like dirs fail. */
	ck_assert_uint_eq(check(0, 0, 01777, false), SM_GROUP_WRITABLE | SM_OTHER_WRITABLE);
	ck_assert_uint_eq(check(0, 0, 01777, true), SM_GROUP_WRITABLE | SM_OTHER_WRITABLE);
}
END_TEST

START_TEST(strictmodes_check_debian_private_group_accepted)
{
	/* D12: 0775 home + private group passes. */
	accounts_from(PASSWD_BASE, "root:x:0:\nalice:x:1000:\n");
	ck_assert(private(1000, 1000));
	ck_assert_uint_eq(check(1000, 1000, 0775, true), 0);
	ck_assert_uint_eq(check(1000, 1000, 0770, true), 0);
	/* Another passwd line for the same uid is the same user. */
	accounts_from(PASSWD_BASE "alice2:x:1000:1000::/home/alice:/bin/sh\n", "alice:x:1000:\n");
	ck_assert_uint_eq(check(1000, 1000, 0775, true), 0);
}
END_TEST

START_TEST(strictmodes_check_debian_second_primary_member_refused)
{
	/* D12: a group with a 2nd member fails. */
	accounts_from(PASSWD_BASE "bob:x:1001:1000::/home/bob:/bin/sh\n", "alice:x:1000:\n");
	ck_assert(!private(1000, 1000));
	ck_assert_uint_eq(check(1000, 1000, 0775, true), SM_GROUP_WRITABLE);
}
END_TEST

START_TEST(strictmodes_check_debian_gr_mem_other_refused)
{
	accounts_from(PASSWD_BASE "bob:x:1001:1001::/home/bob:/bin/sh\n", "alice:x:1000:bob\n");
	ck_assert(!private(1000, 1000));
	ck_assert_uint_eq(check(1000, 1000, 0775, true), SM_GROUP_WRITABLE);
	/* [owner, other] and [other, owner] are not "exactly [owner]". */
	accounts_from(PASSWD_BASE "bob:x:1001:1001::/home/bob:/bin/sh\n", "alice:x:1000:alice,bob\n");
	ck_assert_uint_eq(check(1000, 1000, 0775, true), SM_GROUP_WRITABLE);
	accounts_from(PASSWD_BASE "bob:x:1001:1001::/home/bob:/bin/sh\n", "alice:x:1000:bob,alice\n");
	ck_assert_uint_eq(check(1000, 1000, 0775, true), SM_GROUP_WRITABLE);
}
END_TEST

START_TEST(strictmodes_check_debian_gr_mem_owner_accepted)
{
	accounts_from(PASSWD_BASE, "alice:x:1000:alice\n");
	ck_assert(private(1000, 1000));
	ck_assert_uint_eq(check(1000, 1000, 0775, true), 0);
	/* A group with no primary members and gr_mem exactly [owner] counts too. */
	accounts_from(PASSWD_BASE, "alice:x:1000:\nproj:x:2000:alice\n");
	ck_assert(private(1000, 2000));
	ck_assert_uint_eq(check(1000, 2000, 0770, true), 0);
}
END_TEST

START_TEST(strictmodes_check_debian_group_missing_refused)
{
	accounts_from(PASSWD_BASE, "root:x:0:\nusers:x:100:\n");
	ck_assert(!private(1000, 1000));
	ck_assert_uint_eq(check(1000, 1000, 0775, true), SM_GROUP_WRITABLE);
	/* A group nobody is in ("zero-member groups are typically used by setgid binaries"). */
	accounts_from(PASSWD_BASE, "alice:x:1000:\nempty:x:2001:\n");
	ck_assert(!private(1000, 2001));
	ck_assert_uint_eq(check(1000, 2001, 0775, true), SM_GROUP_WRITABLE);
}
END_TEST

START_TEST(strictmodes_check_debian_other_writable_refused)
{
	accounts_from(PASSWD_BASE, "alice:x:1000:\n");
	ck_assert_uint_eq(check(1000, 1000, 0777, true), SM_OTHER_WRITABLE);
	ck_assert_uint_eq(check(1000, 1000, 0757, true), SM_OTHER_WRITABLE);
	ck_assert_uint_eq(check(1000, 1000, 0702, true), SM_OTHER_WRITABLE);
}
END_TEST

START_TEST(strictmodes_group_is_private_owner_lookup)
{
	/* Root-owned root:alice 0775: alice is the only primary member, gr_mem empty. */
	accounts_from(PASSWD_BASE, "alice:x:1000:\n");
	ck_assert(private(0, 1000));
	ck_assert_uint_eq(check(0, 1000, 0775, true), 0);
	/* gr_mem must name the file's owner (root here), not the user. */
	accounts_from(PASSWD_BASE, "alice:x:1000:alice\n");
	ck_assert(!private(0, 1000));
	/* The owner must exist in passwd (getpwuid(st_uid) in the patch). */
	accounts_from("alice:x:1000:1000::/home/alice:/bin/bash\n", "alice:x:1000:\n");
	ck_assert(!private(0, 1000));
	ck_assert_uint_eq(check(0, 1000, 0775, true), SM_GROUP_WRITABLE);
}
END_TEST

START_TEST(strictmodes_user_can_owner_class_decides)
{
	const gid_t gids[] = { 1000, 100 };
	struct stat st;

	accounts_from(PASSWD_BASE, "alice:x:1000:\nusers:x:100:alice\n");
	/* Owner: only the owner bits count, whatever group and other allow. */
	st = st_of(1000, 100, 0077);
	ck_assert(!strictmodes_user_can(user("alice"), gids, 2, &st, R_OK));
	ck_assert(!strictmodes_user_can(user("alice"), gids, 2, &st, W_OK));
	ck_assert(!strictmodes_user_can(user("alice"), gids, 2, &st, X_OK));
	st = st_of(1000, 1000, 0500);
	ck_assert(strictmodes_user_can(user("alice"), gids, 2, &st, R_OK | X_OK));
	ck_assert(!strictmodes_user_can(user("alice"), gids, 2, &st, R_OK | W_OK));
	/* Group (a supplementary one): its bits decide, not other's. */
	st = st_of(1001, 100, 0707);
	ck_assert(!strictmodes_user_can(user("alice"), gids, 2, &st, R_OK));
	st = st_of(1001, 100, 0050);
	ck_assert(strictmodes_user_can(user("alice"), gids, 2, &st, R_OK | X_OK));
	/* Not in the group: other's bits. */
	st = st_of(1001, 2000, 0074);
	ck_assert(strictmodes_user_can(user("alice"), gids, 2, &st, R_OK));
	ck_assert(!strictmodes_user_can(user("alice"), gids, 2, &st, R_OK | X_OK));
	/* The same file with the group not passed in. */
	st = st_of(1001, 100, 0050);
	ck_assert(!strictmodes_user_can(user("alice"), gids, 1, &st, R_OK));
	/* want 0 is trivially true. */
	st = st_of(1001, 2000, 0000);
	ck_assert(strictmodes_user_can(user("alice"), gids, 2, &st, 0));
}
END_TEST

START_TEST(strictmodes_user_can_root_always)
{
	struct stat st = st_of(1000, 1000, 0000);

	accounts_from(PASSWD_BASE, "root:x:0:\n");
	ck_assert(strictmodes_user_can(user("root"), NULL, 0, &st, R_OK | W_OK | X_OK));
}
END_TEST

static Suite *strictmodes_suite(void)
{
	Suite *s = suite_create("strictmodes");
	TCase *tc = tcase_create("strictmodes");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, strictmodes_check_owner_root_or_user_accepted);
	tcase_add_test(tc, strictmodes_check_other_owner_refused);
	tcase_add_test(tc, strictmodes_check_upstream_refuses_022);
	tcase_add_test(tc, strictmodes_check_debian_private_group_accepted);
	tcase_add_test(tc, strictmodes_check_debian_second_primary_member_refused);
	tcase_add_test(tc, strictmodes_check_debian_gr_mem_other_refused);
	tcase_add_test(tc, strictmodes_check_debian_gr_mem_owner_accepted);
	tcase_add_test(tc, strictmodes_check_debian_group_missing_refused);
	tcase_add_test(tc, strictmodes_check_debian_other_writable_refused);
	tcase_add_test(tc, strictmodes_group_is_private_owner_lookup);
	tcase_add_test(tc, strictmodes_user_can_owner_class_decides);
	tcase_add_test(tc, strictmodes_user_can_root_always);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(strictmodes_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
