/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/sshd_args.c: sshd's command line as its getopt()
 * reads it (RULES §3.3, §3.8, §11.3), on a scratch root without an sshd
 * binary (sshfix's keyword table decides) and with one whose keyword
 * table is read.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sshd_args.h"
#include "testlib.h"
#include "util.h"

static char *root;
static struct target *t;

static void setup(void)
{
	root = tl_mkdtemp();
	ck_assert_int_eq(target_new(root, &t), 0);
	tl_mkdir(root, "etc", 0755);
	tl_write(root, "etc/sshd_alt", "Port 22\n", 0644);
}

static void teardown(void)
{
	target_free(t);
	tl_rmtree(root);
	free(root);
	t = NULL;
	root = NULL;
}

/* What sshd refuses in the words of line ("" when nothing). */
static char *refused(const char *line)
{
	_cleanup_strv_free_ char **argv = NULL;
	struct sshd_bin bin = {0};
	struct buf bad = {0};
	char *dup = strdup(line);

	ck_assert_ptr_nonnull(dup);
	for (char *w = strtok(dup, " "); w; w = strtok(NULL, " "))
		ck_assert_int_eq(strv_push(&argv, strdup(w)), 0);
	ck_assert_int_eq(strv_ensure(&argv), 0);
	free(dup);
	sshd_args_check(t, &bin, argv, &bad);
	sshd_bin_done(&bin);
	return buf_steal(&bad);
}

#define REFUSED(line, want)                                                                  \
	do {                                                                                 \
		_cleanup_free_ char *_g = refused(line);                                     \
		ck_assert_msg(strcmp(_g, (want)) == 0, "%s: got '%s', want '%s'", line, _g, (want)); \
	} while (0)

START_TEST(sshd_args_check_getopt)
{
	REFUSED("", "");
	REFUSED("-4 -D -e -p 2222 -o PermitRootLogin=no -f /etc/sshd_alt -u0 -g 30s", "");
	REFUSED("-p2222 -oPort=22", "");
	REFUSED("-x", "-x: not an sshd option");
	REFUSED("-4t", "-t: makes sshd print something and exit instead of serving");
	REFUSED("-i", "-i: makes sshd serve one inetd connection on its standard input");
	REFUSED("-p", "-p: needs an argument");
	REFUSED("-p 0", "-p 0: not a port number (1-65535)");
	REFUSED("-f /etc/missing", "-f /etc/missing: no such configuration file");
	REFUSED("-o NoSuchKeyword=yes", "-o \"NoSuchKeyword=yes\": not a keyword sshd knows");
	REFUSED("-o Port", "-o \"Port\": no value");
	REFUSED("stray", "\"stray\": an extra argument");
	REFUSED("-- -D", "\"-D\": an extra argument");
	REFUSED("-x -T", "-x: not an sshd option; -T: makes sshd print something and exit instead of serving");
}
END_TEST

START_TEST(sshd_bin_knows_keyword_table)
{
	struct sshd_bin bin = {0};
	static const char image[] = "\177ELF\0permitrootlogin\0pubkeyauthentication\0authorizedkeysfile\0port\0";

	/* No binary: nobody to ask. */
	ck_assert_int_eq(sshd_bin_knows(t, &bin, "Port"), -1);
	sshd_bin_done(&bin);
	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/sbin", 0755);
	{
		_cleanup_free_ char *p = tl_path(root, "usr/sbin/sshd");
		FILE *f = fopen(p, "we");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(image, 1, sizeof(image), f), sizeof(image));
		fclose(f);
	}
	t->facts.sshd_path = strdup("/usr/sbin/sshd");
	ck_assert_int_eq(sshd_bin_knows(t, &bin, "Port"), 1);
	ck_assert_int_eq(sshd_bin_knows(t, &bin, "PerSourcePenalties"), 0);
	/* A whole string only: "por" is not "port". */
	ck_assert_int_eq(sshd_bin_knows(t, &bin, "Por"), 0);
	sshd_bin_done(&bin);
}
END_TEST

static Suite *sshd_args_suite(void)
{
	Suite *s = suite_create("sshd_args");
	TCase *tc = tcase_create("sshd_args");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sshd_args_check_getopt);
	tcase_add_test(tc, sshd_bin_knows_keyword_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sshd_args_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
