/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the AppArmor rule reader (src/apparmor.c): variables as
 * tunables write them ("@{HOME}=@{HOMEDIRS}/USER/ /root/" with no blanks, "+="), includes
 * (<x>, "x", if exists, #include, directories, loops), child profiles and
 * hats skipped, owner and deny rules, perms before the path, "file,", several
 * rules on one line, and paths that cannot be written as a rule.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apparmor.h"
#include "util.h"

/* An in-memory /etc/apparmor.d: path, text (NULL: a directory). */
static const char *const files[][2] = {
	{ "/etc/apparmor.d/tunables/global", "# global\ninclude <tunables/home>\n#include <tunables/proc>\n" },
	{ "/etc/apparmor.d/tunables/home", "@{HOME}=@{HOMEDIRS}/*/ /root/\n@{HOMEDIRS}=/home/\ninclude <tunables/home.d>\n" },
	{ "/etc/apparmor.d/tunables/home.d", NULL },
	{ "/etc/apparmor.d/tunables/home.d/site", "@{HOMEDIRS}+=/srv/homes/\n" },
	{ "/etc/apparmor.d/tunables/proc", "@{PROC}=/proc/\n" },
	{ "/etc/apparmor.d/abstractions/base", "  /etc/ld.so.cache r,\n  include <abstractions/loop>\n  r /usr/lib/perms-first.so,\n" },
	{ "/etc/apparmor.d/abstractions/loop", "include <abstractions/base>\n/loop/ok r,\n" },
	{ "/etc/apparmor.d/local/sshd", "deny /srv/keys/secret r,\n\"/srv/quoted dir/k\" r,\n" },
};

static int rd(void *u, const char *path, char **ret, size_t *ret_len)
{
	(void) u;
	for (size_t i = 0; i < ELEMENTSOF(files); i++)
		if (streq(files[i][0], path)) {
			if (!files[i][1])
				return -EISDIR;
			*ret = strdup(files[i][1]);
			*ret_len = strlen(files[i][1]);
			return *ret ? 0 : -ENOMEM;
		}
	return -ENOENT;
}

static int ls(void *u, const char *path, char ***ret)
{
	(void) u;
	*ret = NULL;
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		size_t n = strlen(path);
		if (strncmp(files[i][0], path, n) == 0 && files[i][0][n] == '/' && !strchr(files[i][0] + n + 1, '/'))
			if (strv_push(ret, strdup(files[i][0] + n + 1)) < 0)
				return -ENOMEM;
	}
	return 0;
}

static const char profile[] =
	"abi <abi/3.0>,\n"
	"include <tunables/global>\n"
	"/usr/sbin/other {\n"
	"  /srv/keys/** r,\n"
	"}\n"
	"/usr/sbin/sshd flags=(enforce) {\n"				/* line 6 */
	"  include <abstractions/base>\n"
	"  capability setuid,\n"
	"  network inet tcp,\n"
	"  @{HOME}/.ssh/authorized_keys{,2} r,\n"
	"  owner /srv/own/* r,\n"
	"  /etc/ssh/** r,  # host keys\n"
	"  audit allow /srv/keys/** r,\n"
	"  /usr/lib/openssh/sshd-session mrix,\n"
	"  profile passwd {\n"
	"    /srv/child/** r,\n"
	"  }\n"
	"  ^hat {\n"
	"    /srv/hat/** r,\n"
	"  }\n"
	"  include if exists <local/sshd>\n"
	"  include if exists <local/missing>\n"
	"  include <abstractions/nonexistent>\n"
	"}\n"
	"/srv/after/** r,\n";

static void load(struct aa_rules *r)
{
	ck_assert_int_eq(aa_rules_load("/etc/apparmor.d/usr.sbin.sshd", profile, strlen(profile), 6, rd, ls, NULL, r), 0);
}

static enum aa_verdict check(const struct aa_rules *r, const char *path, unsigned perm, bool owner)
{
	const struct aa_rule *x;
	return aa_rules_check(r, path, perm, owner, &x);
}

START_TEST(aa_variables_and_includes)
{
	struct aa_rules r;

	load(&r);
	ck_assert_int_eq(check(&r, "/home/alice/.ssh/authorized_keys", AA_READ, false), AA_ALLOWED);
	ck_assert_int_eq(check(&r, "/home/alice/.ssh/authorized_keys2", AA_READ, false), AA_ALLOWED);
	ck_assert_int_eq(check(&r, "/root/.ssh/authorized_keys", AA_READ, false), AA_ALLOWED);
	ck_assert_int_eq(check(&r, "/srv/homes/bob/.ssh/authorized_keys", AA_READ, false), AA_ALLOWED);	/* home.d += */
	ck_assert_int_eq(check(&r, "/home/alice/x/.ssh/authorized_keys", AA_READ, false), AA_NO_RULE);	/* * is one component */
	ck_assert_int_eq(check(&r, "/home/alice/.ssh/authorized_keys", AA_WRITE, false), AA_NO_RULE);
	ck_assert_int_eq(check(&r, "/etc/ld.so.cache", AA_READ, false), AA_ALLOWED);		/* abstraction */
	ck_assert_int_eq(check(&r, "/loop/ok", AA_READ, false), AA_ALLOWED);			/* include loop ends */
	ck_assert_int_eq(check(&r, "/usr/lib/perms-first.so", AA_READ, false), AA_ALLOWED);
	ck_assert_int_eq(check(&r, "/etc/ssh/ssh_host_ed25519_key", AA_READ, false), AA_ALLOWED);
	ck_assert_int_eq(check(&r, "/usr/lib/openssh/sshd-session", AA_EXEC, false), AA_ALLOWED);
	ck_assert_int_eq(check(&r, "/srv/quoted dir/k", AA_READ, false), AA_ALLOWED);
	ck_assert_str_eq(r.local, "local/sshd");
	ck_assert_ptr_nonnull(r.unread);
	ck_assert_ptr_nonnull(strstr(r.unread[0], "abstractions/nonexistent"));
	ck_assert_ptr_null(r.unread[1]);	/* "if exists" misses are not listed */
	aa_rules_done(&r);
}
END_TEST

START_TEST(aa_owner_deny_and_scope)
{
	struct aa_rules r;
	const struct aa_rule *x;

	load(&r);
	ck_assert_int_eq(check(&r, "/srv/own/k", AA_READ, true), AA_ALLOWED);
	ck_assert_int_eq(check(&r, "/srv/own/k", AA_READ, false), AA_NO_RULE);
	ck_assert_int_eq(check(&r, "/srv/keys/alice", AA_READ, false), AA_ALLOWED);
	ck_assert_int_eq(aa_rules_check(&r, "/srv/keys/secret", AA_READ, false, &x), AA_DENIED);
	ck_assert_str_eq(x->where, "/etc/apparmor.d/local/sshd line 1");
	/* other profiles, child profiles, hats and what follows the body are not sshd's */
	ck_assert_int_eq(check(&r, "/srv/child/a", AA_READ, false), AA_NO_RULE);
	ck_assert_int_eq(check(&r, "/srv/hat/a", AA_READ, false), AA_NO_RULE);
	ck_assert_int_eq(check(&r, "/srv/after/a", AA_READ, false), AA_NO_RULE);
	ck_assert_ptr_null(r.all_files);
	aa_rules_done(&r);

	static const char all[] = "/usr/sbin/sshd {\n  file,\n  deny /srv/no r,\n}\n";
	ck_assert_int_eq(aa_rules_load("/p", all, strlen(all), 1, rd, ls, NULL, &r), 0);
	ck_assert_int_eq(check(&r, "/anything", AA_READ, false), AA_ALLOWED);
	ck_assert_int_eq(check(&r, "/srv/no", AA_READ, false), AA_DENIED);
	aa_rules_done(&r);

	/* apparmor_parser ends a rule at a comma outside braces and quotes: one line may hold several */
	static const char two[] = "/usr/sbin/sshd {\n  /srv/{a,b}/k r, deny \"/srv/x,y\" r,audit deny /srv/z r, # /srv/c r,\n}\n";
	ck_assert_int_eq(aa_rules_load("/p", two, strlen(two), 1, rd, ls, NULL, &r), 0);
	ck_assert_int_eq(check(&r, "/srv/a/k", AA_READ, false), AA_ALLOWED);
	ck_assert_int_eq(check(&r, "/srv/b/k", AA_READ, false), AA_ALLOWED);
	ck_assert_int_eq(aa_rules_check(&r, "/srv/x,y", AA_READ, false, &x), AA_DENIED);
	ck_assert_str_eq(x->file, "/p");
	ck_assert_uint_eq(x->line, 2);
	ck_assert_int_eq(check(&r, "/srv/z", AA_READ, false), AA_DENIED);
	ck_assert_int_eq(check(&r, "/srv/c", AA_READ, false), AA_NO_RULE);	/* a comment */
	aa_rules_done(&r);
}
END_TEST

START_TEST(aa_garbage)
{
	static const char *const bad[] = {
		"", "{{{{", "}}}}", "/usr/sbin/sshd {\n@{X}\n@{X}=\n@{X}+=\n@{\n  include\n  include if exists\n"
		"  include <../../etc/shadow>\n  /a\n  r\n  deny\n  owner\n  file\n}\n",
		"/usr/sbin/sshd {\n  @{A}=@{A}@{A}\n  @{A}/x r,\n}\n",
		"/usr/sbin/sshd {\n  @{A}=a b c d e f g h i j\n  @{A}+=@{A}@{A}@{A}\n  @{A}@{A}/x r,\n}\n",
		"/usr/sbin/sshd {\n  @{A}=@{A} @{A} @{A} @{A} @{A} @{A} @{A} @{A} @{A} @{A} @{A} @{A} @{A} @{A} @{A} @{A}\n"
		"  @{A}/x r,\n}\n",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		struct aa_rules r;
		ck_assert_int_eq(aa_rules_load("/p", bad[i], strlen(bad[i]), 1, rd, ls, NULL, &r), 0);
		(void) check(&r, "/a/x", AA_READ, false);
		aa_rules_done(&r);
	}
}
END_TEST

START_TEST(aa_literal_paths)
{
	ck_assert(aa_path_is_literal("/srv/keys/alice"));
	ck_assert(aa_path_is_literal("/home/al.ice-1_x/.ssh/authorized_keys"));
	static const char *const not[] = { "relative", "/a b", "/a,b", "/a*", "/a?", "/a[b]", "/a{b}", "/a@{X}",
					   "/a\\b", "/a\"b", "/a#b", "/a\nb", "/a^b", "/a\tb" };
	for (size_t i = 0; i < ELEMENTSOF(not); i++)
		ck_assert_msg(!aa_path_is_literal(not[i]), "%s", not[i]);
}
END_TEST

static Suite *apparmor_suite(void)
{
	Suite *s = suite_create("apparmor");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, aa_variables_and_includes);
	tcase_add_test(tc, aa_owner_deny_and_scope);
	tcase_add_test(tc, aa_garbage);
	tcase_add_test(tc, aa_literal_paths);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(apparmor_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
