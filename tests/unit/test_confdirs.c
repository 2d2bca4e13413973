/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/confdirs.c, systemd's conf_files_list() on a scratch
 * root: names sorted across layers, the earlier layer winning, masks
 * (a link to /dev/null, also when the root has no /dev/null; an empty
 * file; a device node), what the flags let hide a later file, hidden and
 * backup names, one-name lookups for PAM and firewalld, and a symlink
 * loop (an entry that leads nowhere, never a hang).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "confdirs.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

static char *root;
static struct target *t;

static void setup(void)
{
	root = tl_mkdtemp();
	ck_assert_int_eq(target_new(root, &t), 0);
}

static void teardown(void)
{
	target_free(t);
	tl_rmtree(root);
	free(root);
	t = NULL;
	root = NULL;
}

static void parents(const char *rel)
{
	_cleanup_free_ char *p = tl_path(root, rel);

	for (char *s = strchr(p + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		(void) mkdir(p, 0755);
		*s = '/';
	}
}

static void put(const char *rel, const char *content)
{
	parents(rel);
	tl_write(root, rel, content, 0644);
}

static void link_to(const char *rel, const char *target)
{
	parents(rel);
	tl_symlink(root, rel, target);
}

static char *joined(char **v)
{
	struct buf b = {0};

	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			buf_putc(&b, '|');
		buf_puts(&b, v[i]);
	}
	return buf_steal(&b);
}

static void check_list(const char *rel, const char *suffix, unsigned flags, const char *want, const char *want_masked)
{
	_cleanup_strv_free_ char **paths = NULL, **masked = NULL;
	_cleanup_free_ char *got = NULL, *got_masked = NULL;

	ck_assert_int_eq(confdirs_list_rel(t, confdirs_systemd_layers, rel, suffix, flags, &paths, &masked), 0);
	got = joined(paths);
	got_masked = joined(masked);
	ck_assert_msg(streq(got, want), "got '%s', want '%s'", got, want);
	ck_assert_msg(streq(got_masked, want_masked), "masked: got '%s', want '%s'", got_masked, want_masked);
}

START_TEST(confdirs_list_order_and_masks)
{
	/* Nothing at all: an empty list. */
	check_list("tmpfiles.d", ".conf", CONFDIRS_SYSTEMD, "", "");

	put("usr/lib/tmpfiles.d/b.conf", "b");
	put("usr/lib/tmpfiles.d/a.conf", "a");
	put("usr/lib/tmpfiles.d/d.conf", "d");
	put("usr/lib/tmpfiles.d/e.conf", "e");
	put("usr/local/lib/tmpfiles.d/c.conf", "c");
	put("run/tmpfiles.d/b.conf", "b2");
	put("etc/tmpfiles.d/a.conf", "a2");
	put("etc/tmpfiles.d/z.txt", "not .conf");
	put("etc/tmpfiles.d/.hidden.conf", "hidden");
	put("etc/tmpfiles.d/x.conf~", "backup");
	/* Sorted by name whatever the layer; the earlier layer wins a name. */
	check_list("tmpfiles.d", ".conf", CONFDIRS_SYSTEMD,
		   "/etc/tmpfiles.d/a.conf|/run/tmpfiles.d/b.conf|/usr/local/lib/tmpfiles.d/c.conf|"
		   "/usr/lib/tmpfiles.d/d.conf|/usr/lib/tmpfiles.d/e.conf",
		   "");

	/* Masks: a link to /dev/null (this root has no /dev/null to follow it
	 * to), a relative one, an empty file. */
	link_to("etc/tmpfiles.d/d.conf", "/dev/null");
	link_to("run/tmpfiles.d/e.conf", "../../dev/null");
	put("etc/tmpfiles.d/c.conf", "");
	check_list("tmpfiles.d", ".conf", CONFDIRS_SYSTEMD, "/etc/tmpfiles.d/a.conf|/run/tmpfiles.d/b.conf",
		   "/etc/tmpfiles.d/c.conf|/etc/tmpfiles.d/d.conf|/run/tmpfiles.d/e.conf");
	/* Without the mask filter the first entry wins, whatever it is (systemd's unit drop-ins). */
	check_list("tmpfiles.d", ".conf", CONFDIRS_SKIP_HIDDEN,
		   "/etc/tmpfiles.d/a.conf|/run/tmpfiles.d/b.conf|/etc/tmpfiles.d/c.conf|/etc/tmpfiles.d/d.conf|"
		   "/run/tmpfiles.d/e.conf",
		   "");
	/* Without SKIP_HIDDEN, hidden names count; any suffix with NULL. */
	check_list("tmpfiles.d", ".conf", 0,
		   "/etc/tmpfiles.d/.hidden.conf|/etc/tmpfiles.d/a.conf|/run/tmpfiles.d/b.conf|/etc/tmpfiles.d/c.conf|"
		   "/etc/tmpfiles.d/d.conf|/run/tmpfiles.d/e.conf",
		   "");
}
END_TEST

START_TEST(confdirs_list_what_hides)
{
	put("usr/lib/sysctl.d/10-a.conf", "a");
	put("usr/lib/sysctl.d/20-b.conf", "b");
	put("usr/lib/sysctl.d/30-c.conf", "c");
	put("usr/lib/sysctl.d/40-d.conf", "d");
	/* A link that leads nowhere, a directory and a loop of links do not hide
	 * with CONFDIRS_REGULAR (systemd skips what it cannot stat or is not a file). */
	link_to("etc/sysctl.d/10-a.conf", "/nowhere");
	put("etc/sysctl.d/20-b.conf/x", "dir");
	link_to("etc/sysctl.d/30-c.conf", "30-c.conf");
	link_to("etc/sysctl.d/40-d.conf", "/usr/lib/sysctl.d/40-d.conf");
	check_list("sysctl.d", ".conf", CONFDIRS_SYSTEMD,
		   "/usr/lib/sysctl.d/10-a.conf|/usr/lib/sysctl.d/20-b.conf|/usr/lib/sysctl.d/30-c.conf|"
		   "/etc/sysctl.d/40-d.conf",
		   "");
	/* Without REGULAR a directory counts (and so hides). */
	check_list("sysctl.d", ".conf", CONFDIRS_SKIP_HIDDEN | CONFDIRS_FILTER_MASKED,
		   "/usr/lib/sysctl.d/10-a.conf|/etc/sysctl.d/20-b.conf|/usr/lib/sysctl.d/30-c.conf|"
		   "/etc/sysctl.d/40-d.conf",
		   "");
}
END_TEST

START_TEST(confdirs_find_one_name)
{
	_cleanup_free_ char *p = NULL;
	static const char *const pam[] = { "/etc/pam.d", "/usr/lib/pam.d", NULL };

	ck_assert_int_eq(confdirs_find(t, pam, "sshd", CONFDIRS_REGULAR, &p), 0);
	put("usr/lib/pam.d/sshd", "auth required pam_unix.so\n");
	ck_assert_int_eq(confdirs_find(t, pam, "sshd", CONFDIRS_REGULAR, &p), 1);
	ck_assert_str_eq(p, "/usr/lib/pam.d/sshd");
	free(p);
	p = NULL;
	/* /etc's replaces the vendor's (Linux-PAM's vendordir). */
	put("etc/pam.d/sshd", "auth required pam_deny.so\n");
	ck_assert_int_eq(confdirs_find(t, pam, "sshd", CONFDIRS_REGULAR, &p), 1);
	ck_assert_str_eq(p, "/etc/pam.d/sshd");
	free(p);
	p = NULL;
	/* With the mask filter a /dev/null link ends the search. */
	link_to("etc/pam.d/login", "/dev/null");
	put("usr/lib/pam.d/login", "x\n");
	ck_assert_int_eq(confdirs_find(t, pam, "login", CONFDIRS_FILTER_MASKED, &p), 0);
	ck_assert_int_eq(confdirs_find(t, pam, "login", CONFDIRS_REGULAR, &p), 1);
	ck_assert_str_eq(p, "/usr/lib/pam.d/login");
	/* Names that are not a single component are refused. */
	ck_assert_int_eq(confdirs_find(t, pam, "../shadow", 0, &p), -EINVAL);
	ck_assert_int_eq(confdirs_find(t, pam, "..", 0, &p), -EINVAL);
	ck_assert_int_eq(confdirs_find(t, pam, "", 0, &p), -EINVAL);
}
END_TEST

START_TEST(confdirs_mask_kinds)
{
	_cleanup_free_ char *link = NULL;

	put("etc/x/empty", "");
	put("etc/x/full", "x");
	link_to("etc/x/null", "/dev/null");
	link_to("etc/x/to-empty", "empty");
	link_to("etc/x/dangling", "/nowhere");
	ck_assert_int_eq(confdirs_mask_kind(t, "/etc/x/missing", NULL), CONF_MASK_NONE);
	ck_assert_int_eq(confdirs_mask_kind(t, "/etc/x/full", NULL), CONF_MASK_NONE);
	ck_assert_int_eq(confdirs_mask_kind(t, "/etc/x/empty", NULL), CONF_MASK_EMPTY);
	ck_assert_int_eq(confdirs_mask_kind(t, "/etc/x/dangling", NULL), CONF_MASK_NONE);
	ck_assert_int_eq(confdirs_mask_kind(t, "/etc/x/null", &link), CONF_MASK_NULL_LINK);
	ck_assert_str_eq(link, "/dev/null");
	free(link);
	link = NULL;
	ck_assert_int_eq(confdirs_mask_kind(t, "/etc/x/to-empty", &link), CONF_MASK_LINK);
	ck_assert_str_eq(link, "empty");
	if (tl_is_root()) {
		_cleanup_free_ char *p = tl_path(root, "etc/x/dev");
		ck_assert_int_eq(mknod(p, S_IFCHR | 0600, makedev(1, 3)), 0);
		ck_assert_int_eq(confdirs_mask_kind(t, "/etc/x/dev", NULL), CONF_MASK_DEVICE);
	}
	ck_assert_str_eq(conf_mask_why(CONF_MASK_NULL_LINK), "a link to /dev/null");
	ck_assert_str_eq(conf_mask_why(CONF_MASK_EMPTY), "an empty file");
}
END_TEST

START_TEST(confdirs_hidden_names)
{
	ck_assert(confdirs_hidden_or_backup(".x.conf"));
	ck_assert(confdirs_hidden_or_backup("x.conf~"));
	ck_assert(confdirs_hidden_or_backup("x.conf.dpkg-old"));
	ck_assert(confdirs_hidden_or_backup("x.rpmnew"));
	ck_assert(confdirs_hidden_or_backup("x.bak"));
	ck_assert(confdirs_hidden_or_backup("lost+found"));
	ck_assert(!confdirs_hidden_or_backup("x.conf"));
	ck_assert(!confdirs_hidden_or_backup("ssh.service.d"));
	ck_assert(!confdirs_hidden_or_backup("README"));
}
END_TEST

START_TEST(confdirs_plain_layers)
{
	_cleanup_strv_free_ char **paths = NULL, **dirs = NULL;
	_cleanup_free_ char *got = NULL;

	/* firewalld: /etc/firewalld/zones/Z.xml replaces /usr/lib/firewalld/zones/Z.xml. */
	put("usr/lib/firewalld/zones/public.xml", "<zone/>");
	put("usr/lib/firewalld/zones/drop.xml", "<zone/>");
	put("etc/firewalld/zones/public.xml", "<zone/>");
	ck_assert_int_eq(confdirs_list_rel(t, confdirs_vendor_layers, "firewalld/zones", ".xml", CONFDIRS_REGULAR, &paths,
					   NULL),
			 0);
	got = joined(paths);
	ck_assert_str_eq(got, "/usr/lib/firewalld/zones/drop.xml|/etc/firewalld/zones/public.xml");
	ck_assert_int_eq(confdirs_join(confdirs_vendor_layers, "pam.d", &dirs), 0);
	free(got);
	got = joined(dirs);
	ck_assert_str_eq(got, "/etc/pam.d|/usr/lib/pam.d");
}
END_TEST

static Suite *confdirs_suite(void)
{
	Suite *s = suite_create("confdirs");
	TCase *tc = tcase_create("confdirs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, confdirs_list_order_and_masks);
	tcase_add_test(tc, confdirs_list_what_hides);
	tcase_add_test(tc, confdirs_find_one_name);
	tcase_add_test(tc, confdirs_mask_kinds);
	tcase_add_test(tc, confdirs_hidden_names);
	tcase_add_test(tc, confdirs_plain_layers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(confdirs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
