/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal's planning step enforces DESIGN §5 for every family: whom a
 * repair is made for (journal_set_subject()) decides what it may open up,
 * give away or rewrite; set-id files, hard links and a non-root's file made
 * root's follow their own rules.  Each case plans one change on a small tree
 * owned as a target's would be (root needed: the tree has other owners).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "journal.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

#define ALICE 1000
#define BOB 1001

static char *root;
static struct target *t;
static struct journal *j;
static struct accounts accounts;

/* chown(2) clears set-id bits: the mode is put back after it. */
static void own(const char *rel, uid_t uid, gid_t gid)
{
	_cleanup_free_ char *p = tl_path(root, rel);
	struct stat st;

	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert_int_eq(lchown(p, uid, gid), 0);
	ck_assert_int_eq(chmod(p, st.st_mode & 07777), 0);
}

static void setup(void)
{
	static const char passwd[] = "root:x:0:0::/root:/bin/bash\n"
				     "alice:x:1000:1000::/home/alice:/bin/bash\n"
				     "bob:x:1001:1001::/home/bob:/bin/bash\n";

	root = tl_mkdtemp();
	tl_mkdir(root, "etc", 0755);
	tl_write(root, "etc/shadow", "root:*:1::::::\n", 0640);
	tl_mkdir(root, "etc/ssh", 0755);
	tl_mkdir(root, "etc/ssh/keys", 0755);
	tl_write(root, "etc/ssh/keys/alice", "ssh-ed25519 AAAA alice\n", 0666);
	tl_write(root, "etc/ssh/bobs", "x\n", 0755);
	own("etc/ssh/bobs", BOB, BOB);
	tl_mkdir(root, "var", 0755);
	tl_mkdir(root, "var/tmp", 01777);
	tl_write(root, "var/tmp/ak_root", "x\n", 04755);
	own("var/tmp/ak_root", BOB, BOB);
	tl_mkdir(root, "home", 0755);
	tl_mkdir(root, "home/alice", 0755);
	own("home/alice", ALICE, ALICE);
	tl_mkdir(root, "home/alice/.ssh", 0755);	/* root made it */
	tl_write(root, "home/alice/.ssh/authorized_keys", "ssh-ed25519 AAAA alice\n", 04777);
	own("home/alice/.ssh/authorized_keys", ALICE, ALICE);
	tl_write(root, "home/alice/notes", "root's\n", 0600);
	tl_mkdir(root, "home/bob", 0755);
	own("home/bob", BOB, BOB);
	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, passwd, sizeof(passwd) - 1, &accounts.passwd), 0);
	ck_assert_int_eq(target_new(root, &t), 0);
	ck_assert_int_eq(journal_new(t, &j), 0);
}

static void teardown(void)
{
	journal_free(j);
	target_free(t);
	accounts_done(&accounts);
	tl_rmtree(root);
	free(root);
	j = NULL;
	t = NULL;
	root = NULL;
}

/* Repairs from now on are made for alice, whose keys are at `keys`. */
static void for_alice(const char *keys)
{
	char *paths[] = { (char *) keys, NULL };
	const struct journal_subject s = {
		.uid = ALICE, .gid = ALICE, .name = "alice", .home = "/home/alice", .accounts = &accounts, .paths = paths,
	};

	ck_assert_int_eq(journal_set_subject(j, &s), 0);
}

static void refused(int r, int want, const char *says)
{
	ck_assert_int_eq(r, want);
	ck_assert_ptr_nonnull(journal_refusal(j));
	ck_assert_msg(strstr(journal_refusal(j), says), "refusal \"%s\" does not say \"%s\"", journal_refusal(j),
		      says);
}

START_TEST(rules_keys_path_component_may_be_given)
{
	for_alice("/home/alice/.ssh/authorized_keys");
	/* root made alice's ~/.ssh: it is on her configured keys path. */
	ck_assert_int_eq(journal_set_perms(j, "/home/alice/.ssh", 0700, ALICE, ALICE), 0);
}
END_TEST

START_TEST(rules_other_objects_in_the_home_are_not_given)
{
	for_alice("/home/alice/.ssh/authorized_keys");
	refused(journal_set_perms(j, "/home/alice/notes", 0600, ALICE, ALICE), -EACCES, "not on the configured path");
	/* Not even narrowed: it is not hers, and no keys path names it. */
	refused(journal_set_perms(j, "/home/alice/notes", 0400, (uid_t) -1, (gid_t) -1), -EACCES, "by hand: chmod 0400");
	ck_assert_uint_eq(journal_n_entries(j), 0);
}
END_TEST

START_TEST(rules_another_accounts_object_is_never_given)
{
	own("home/alice/.ssh", BOB, BOB);
	for_alice("/home/alice/.ssh/authorized_keys");
	refused(journal_set_perms(j, "/home/alice/.ssh", 0700, ALICE, ALICE), -EACCES, "another account (bob)");
	refused(journal_set_perms(j, "/home/alice/.ssh", 0700, (uid_t) -1, (gid_t) -1), -EACCES, "another account");
}
END_TEST

START_TEST(rules_home_as_named_in_passwd_is_the_accounts)
{
	/* A uid renumbered by a migration: the home is alice's whoever owns it. */
	own("home/alice", BOB, BOB);
	for_alice("/home/alice/.ssh/authorized_keys");
	ck_assert_int_eq(journal_set_perms(j, "/home/alice", 0755, ALICE, ALICE), 0);
}
END_TEST

START_TEST(rules_outside_the_home_only_the_configured_file_narrowed)
{
	for_alice("/etc/ssh/keys/alice");
	/* Root's keys file under /etc/ssh: may lose bits, never be opened up or given. */
	ck_assert_int_eq(journal_set_perms(j, "/etc/ssh/keys/alice", 0644, (uid_t) -1, (gid_t) -1), 0);
	journal_truncate(j, 0);
	refused(journal_set_perms(j, "/etc/ssh/keys/alice", 0666, ALICE, ALICE), -EACCES, "outside alice's home");
	refused(journal_set_perms(j, "/etc/shadow", 0644, (uid_t) -1, (gid_t) -1), -EACCES, "outside alice's home");
	refused(journal_set_perms(j, "/etc/shadow", 0600, (uid_t) -1, (gid_t) -1), -EACCES, "outside alice's home");
	ck_assert_uint_eq(journal_n_entries(j), 0);
}
END_TEST

START_TEST(rules_setid_file_may_only_lose_bits)
{
	for_alice("/home/alice/.ssh/authorized_keys");
	ck_assert_int_eq(journal_set_perms(j, "/home/alice/.ssh/authorized_keys", 0600, (uid_t) -1, (gid_t) -1), 0);
	journal_truncate(j, 0);
	refused(journal_write_file(j, "/home/alice/.ssh/authorized_keys", "x\n", 2, (mode_t) -1, (uid_t) -1, (gid_t) -1),
		-EACCES, "set-user-id");
	/* bob's set-uid copy of a shell where root's keys are looked for. */
	ck_assert_int_eq(journal_set_subject(j, NULL), 0);
	refused(journal_set_perms(j, "/var/tmp/ak_root", 0600, 0, 0), -EACCES, "set-user-id");
}
END_TEST

START_TEST(rules_users_file_becomes_roots_only_out_of_reach)
{
	_cleanup_free_ char *out = NULL;
	struct buf b = {0};

	ck_assert_int_eq(journal_set_subject(j, NULL), 0);
	tl_write(root, "var/tmp/bobs", "x\n", 0755);
	own("var/tmp/bobs", BOB, BOB);
	refused(journal_set_perms(j, "/var/tmp/bobs", (mode_t) -1, 0, 0), -EACCES, "within that user's reach");
	/* In root's /etc/ssh it may become root's, without its execute bits. */
	ck_assert_int_eq(journal_set_perms(j, "/etc/ssh/bobs", (mode_t) -1, 0, 0), 0);
	ck_assert_int_eq(journal_render(j, (size_t) -1, &b), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "new mode 0644"));
	buf_done(&b);
}
END_TEST

START_TEST(rules_system_repair_gives_nothing_to_a_user)
{
	ck_assert_int_eq(journal_set_subject(j, NULL), 0);
	refused(journal_set_perms(j, "/home/alice/notes", (mode_t) -1, ALICE, ALICE), -EACCES, "gives nothing to a user");
	refused(journal_write_file(j, "/etc/ssh/new", "x\n", 2, 0600, ALICE, ALICE), -EACCES, "gives nothing to a user");
}
END_TEST

START_TEST(rules_new_files_only_where_the_account_may_write)
{
	for_alice("/home/alice/.ssh/authorized_keys");
	ck_assert_int_eq(journal_mkdir(j, "/home/alice/.config", 0700, ALICE, ALICE), 0);
	refused(journal_mkdir(j, "/home/bob/.ssh", 0700, ALICE, ALICE), -EACCES, "would be created in a directory");
	refused(journal_write_file(j, "/home/alice/x", "x\n", 2, 0600, BOB, BOB), -EACCES, "neither the account nor root");
}
END_TEST

START_TEST(rules_hard_links_never)
{
	_cleanup_free_ char *a = tl_path(root, "etc/shadow"), *b = tl_path(root, "home/alice/.ssh/ak2");

	ck_assert_int_eq(link(a, b), 0);
	for_alice("/home/alice/.ssh/ak2");
	refused(journal_set_perms(j, "/home/alice/.ssh/ak2", 0600, ALICE, ALICE), -EMLINK, "hard links");
}
END_TEST

static Suite *rules_suite(void)
{
	Suite *s = suite_create("journal-rules");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rules_keys_path_component_may_be_given);
	tcase_add_test(tc, rules_other_objects_in_the_home_are_not_given);
	tcase_add_test(tc, rules_another_accounts_object_is_never_given);
	tcase_add_test(tc, rules_home_as_named_in_passwd_is_the_accounts);
	tcase_add_test(tc, rules_outside_the_home_only_the_configured_file_narrowed);
	tcase_add_test(tc, rules_setid_file_may_only_lose_bits);
	tcase_add_test(tc, rules_users_file_becomes_roots_only_out_of_reach);
	tcase_add_test(tc, rules_system_repair_gives_nothing_to_a_user);
	tcase_add_test(tc, rules_new_files_only_where_the_account_may_write);
	tcase_add_test(tc, rules_hard_links_never);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (!tl_is_root()) {
		fprintf(stderr, "SKIP: the journal's rules need a tree with other owners (root)\n");
		return 77;
	}
	sr = srunner_create(rules_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
