/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/units.c and src/unit_file.c: systemd's unit file
 * syntax (continuations, comments, CR and NUL line ends, what stops the
 * parse, hostile sizes), RuntimeDirectory= as systemd merges a unit
 * and its drop-ins (an empty assignment resets the list, only [Service]
 * counts), tmpfiles.d lines that make a directory (types, modifiers,
 * /var/run and %t), environment files as systemd's EnvironmentFile= reads
 * them, and the lookups on a scratch root: the unit search path, drop-in
 * order, tmpfiles.d names hidden or masked by /etc.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envfile.h"
#include "target.h"
#include "testlib.h"
#include "units.h"
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

/* Apply texts in order, as unit file then drop-ins; the list as "a|b". */
static char *dirs_of(const char *const *texts)
{
	_cleanup_strv_free_ char **dirs = NULL;

	for (size_t i = 0; texts[i]; i++) {
		/* An exact-size copy: ASan sees a read past the end. */
		size_t n = strlen(texts[i]);
		_cleanup_free_ char *copy = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, texts[i], n);
		ck_assert_int_eq(unit_text_runtime_dirs(copy, n, &dirs), 0);
	}
	return joined(dirs);
}

static void check_dirs(const char *want, const char *const *texts)
{
	_cleanup_free_ char *got = dirs_of(texts);

	ck_assert_msg(strcmp(got, want) == 0, "got '%s', want '%s'", got, want);
}

#define DIRS_EQ(want, ...) check_dirs(want, (const char *const[]) { __VA_ARGS__, NULL })

START_TEST(unit_text_runtime_dirs_merges)
{
	static const char debian[] = "[Unit]\nDescription=OpenBSD Secure Shell server\n\n[Service]\n"
				     "ExecStart=/usr/sbin/sshd -D $SSHD_OPTS\nRuntimeDirectory=sshd\n"
				     "RuntimeDirectoryMode=0755\n\n[Install]\nAlias=sshd.service\n";

	DIRS_EQ("sshd", debian);
	/* A drop-in's empty assignment resets; a later one adds again. */
	DIRS_EQ("", debian, "[Service]\nRuntimeDirectory=\n");
	DIRS_EQ("a|b", debian, "[Service]\nRuntimeDirectory=\nRuntimeDirectory=a b\n");
	/* Lists accumulate, once each; blanks around '=' and CRLF are fine. */
	DIRS_EQ("sshd|other", "[Service]\r\n  RuntimeDirectory = sshd  other\r\nRuntimeDirectory=sshd\r\n");
	/* Only [Service]; comments, other keys and names leaving /run do not count. */
	DIRS_EQ("ok", "RuntimeDirectory=x\n[Unit]\nRuntimeDirectory=y\n[Service]\n#RuntimeDirectory=z\n"
		      ";RuntimeDirectory=z\nRuntimeDirectoryMode=0700\nRuntimeDirectoryX=z\n"
		      "RuntimeDirectory=../etc /abs ok\n[Install]\nRuntimeDirectory=w");
	/* No final newline, an empty file, garbage with NUL bytes. */
	DIRS_EQ("sshd", "[Service]\nRuntimeDirectory=sshd");
	/* A trailing backslash continues the line, as in systemd's parser. */
	DIRS_EQ("a|b", "[Service]\nRuntimeDirectory=a \\\n  b\n");
	DIRS_EQ("", "");
	{
		static const char bin[] = "[Service]\nRuntimeDirectory=a\0b\n\0\0[Service\n=\n";
		_cleanup_strv_free_ char **dirs = NULL;
		ck_assert_int_eq(unit_text_runtime_dirs(bin, sizeof(bin) - 1, &dirs), 0);
	}
}
END_TEST

#define STR_EQ(got, want)                                                                   \
	do {                                                                                \
		_cleanup_free_ char *_g = (got);                                            \
		ck_assert_msg(_g && strcmp(_g, (want)) == 0, "got '%s', want '%s'", _g, (want)); \
	} while (0)

static void parse(const char *text, size_t len, struct unit_file *f)
{
	ck_assert_int_eq(unit_file_parse("/u.service", text, len, f), 0);
}

static char *settings_of(const struct unit_file *f)
{
	struct buf b = {0};

	for (size_t i = 0; i < f->n_settings; i++)
		buf_printf(&b, "%s[%s]%s=%s@%u", i ? "|" : "", f->settings[i].section, f->settings[i].key,
			   f->settings[i].value, f->settings[i].line);
	return buf_steal(&b);
}

START_TEST(unit_file_parse_syntax)
{
	struct unit_file f;

	/* Continuations join with a space; a comment inside one is skipped and
	 * counts as a line; an escaped backslash does not continue; a BOM goes. */
	static const char a[] = "\xef\xbb\xbf[Service]\nExecStart=/usr/sbin/sshd \\\n# note\n  -D \\\n$OPTS\n"
				"X=a\\\\\nY = b \n";
	parse(a, sizeof(a) - 1, &f);
	STR_EQ(settings_of(&f), "[Service]ExecStart=/usr/sbin/sshd    -D  $OPTS@2|[Service]X=a\\\\@6|[Service]Y=b@7");
	ck_assert_int_eq(f.error, 0);
	unit_file_done(&f);

	/* "\r", "\r\n" and NUL end lines; keys outside sections and lines without '=' are ignored. */
	static const char b[] = "K=v\n[A]\rk1=1\r\nnoeq\0k2=2\n=x\n[B]\nk1=\n";
	parse(b, sizeof(b) - 1, &f);
	STR_EQ(settings_of(&f), "[A]k1=1@3|[A]k2=2@5|[B]k1=@8");
	unit_file_done(&f);

	/* A broken section header ends the parse, as config_parse() does. */
	static const char c_[] = "[Service]\nA=1\n[Serv\nB=2\n";
	parse(c_, sizeof(c_) - 1, &f);
	STR_EQ(settings_of(&f), "[Service]A=1@2");
	ck_assert_int_eq(f.error, -EBADMSG);
	ck_assert_int_eq(f.error_line, 3);
	unit_file_done(&f);

	/* A continuation at the end of the file still counts. */
	static const char d[] = "[S]\nA=x \\";
	parse(d, sizeof(d) - 1, &f);
	STR_EQ(settings_of(&f), "[S]A=x@2");
	unit_file_done(&f);
}
END_TEST

START_TEST(unit_file_parse_hostile)
{
	struct unit_file f;
	size_t n = UNIT_LINE_MAX + 64;
	_cleanup_free_ char *big = malloc(n);

	/* A line over systemd's LONG_LINE_MAX: -ENOBUFS, what came before kept. */
	ck_assert_ptr_nonnull(big);
	memcpy(big, "[S]\nA=1\nB=", 10);
	memset(big + 10, 'x', n - 10);
	parse(big, n, &f);
	ck_assert_int_eq(f.error, -ENOBUFS);
	STR_EQ(settings_of(&f), "[S]A=1@2");
	unit_file_done(&f);

	/* Half a million short continuation lines: linear, not quadratic. */
	for (size_t i = 0; i + 2 <= n; i += 2)
		memcpy(big + i, "\\\n", 2);
	memcpy(big, "[S]\nA=", 6);
	parse(big, n, &f);
	ck_assert_int_eq(f.error, 0);
	ck_assert_uint_eq(f.n_settings, 1);
	ck_assert_uint_eq(f.settings[0].line, 2);
	unit_file_done(&f);

	/* NUL bytes and binary garbage: ends lines, never a crash. */
	static const char bin[] = "[Service]\nRuntimeDirectory=a\0b\n\0\0[Service\n=\n\xff\xfe[\x01]\n";
	parse(bin, sizeof(bin) - 1, &f);
	STR_EQ(settings_of(&f), "[Service]RuntimeDirectory=a@2");
	unit_file_done(&f);
}
END_TEST

/* ------------------------------------------------------------ env files */

static char *env_of(const char *text, const char *var)
{
	struct env_assignment a = {0};
	char *s = NULL;
	int r = envfile_last(text, strlen(text), var, &a);

	ck_assert_int_ge(r, 0);
	if (r == 0)
		return strdup("(unset)");
	ck_assert_int_ge(asprintf(&s, "[%s]%u-%u%s", a.value ? a.value : "(null)", a.first, a.last,
				  a.expansion ? "$" : ""),
			 0);
	env_assignment_done(&a);
	return s;
}

START_TEST(envfile_systemd_rules)
{
	/* Quotes: '' literal, "" with \" \\ \` \$, other backslashes kept; concatenation. */
	STR_EQ(env_of("A='x \\n \"y\"'\n", "A"), "[x \\n \"y\"]1-1");
	STR_EQ(env_of("A=\"x \\\" \\\\ \\$ \\q\"\n", "A"), "[x \" \\ $ \\q]1-1");
	STR_EQ(env_of("A='a'\"b\"  'c'\n", "A"), "[abc]1-1");
	/* Unquoted: trailing blanks dropped, inner ones kept, backslash escapes. */
	STR_EQ(env_of("  A =  x  y  \n", "A"), "[x  y]1-1");
	STR_EQ(env_of("A=x\\ \n", "A"), "[x ]1-1");
	/* A quote inside an unquoted value is a character. */
	STR_EQ(env_of("A=x'y'\n", "A"), "[x'y']1-1");
	/* Continuations: backslash-newline joins; a quoted value may span lines. */
	STR_EQ(env_of("# c\nA=-4 \\\n-t\nB=1\n", "A"), "[-4 -t]2-3");
	STR_EQ(env_of("A=\"-4\n  -t\"\nB=1\n", "A"), "[-4\n  -t]1-2");
	/* The last assignment wins; comments; a comment's backslash continues it. */
	STR_EQ(env_of("A=1\n;A=2\n#A=3 \\\nA=4\nA=5\n", "A"), "[5]5-5");
	STR_EQ(env_of("A=1\n# off \\\nA=2\n", "A"), "[1]1-1");
	/* "\r" ends a value; a NUL ends the text; an open quote at the end still counts. */
	STR_EQ(env_of("A=x\r\nB=y\n", "A"), "[x]1-1");
	STR_EQ(env_of("A=\"open", "A"), "[open]1-1");
	{
		static const char nul[] = "A=1\nB=2\0A=3\n";
		struct env_assignment a = {0};
		ck_assert_int_eq(envfile_last(nul, sizeof(nul) - 1, "A", &a), 1);
		ck_assert_str_eq(a.value, "1");
		env_assignment_done(&a);
	}
	/* Empty values, other keys, a key without '='. */
	STR_EQ(env_of("A=\nAB=1\n", "A"), "[(null)]1-1");
	STR_EQ(env_of("AB=1\nA\n", "A"), "(unset)");
	/* What a shell would expand. */
	STR_EQ(env_of("A=$X\n", "A"), "[$X]1-1$");
	STR_EQ(env_of("A='$X'\n", "A"), "[$X]1-1");
}
END_TEST

#define CREATES(line, path) tmpfiles_line_creates_dir(line, strlen(line), path)

START_TEST(tmpfiles_line_creates_dir_types)
{
	ck_assert(CREATES("d /run/sshd 0755 root root", "/run/sshd"));
	ck_assert(CREATES("d /run/sshd 0755 root root -", "/run/sshd"));
	ck_assert(CREATES("  D!   /run/sshd/ 0755 root root\r", "/run/sshd"));
	ck_assert(CREATES("d- /var/run/sshd", "/run/sshd"));
	ck_assert(CREATES("d %t/sshd 0755", "/run/sshd"));
	ck_assert(CREATES("v /run/sshd", "/var/run/sshd"));
	ck_assert(CREATES("q \"/run/sshd\" 0755", "/run/sshd"));
	ck_assert(CREATES("Q /run//sshd", "/run/sshd"));
	/* Not a directory, not this path, a comment, a bad type. */
	ck_assert(!CREATES("f /run/sshd 0644", "/run/sshd"));
	ck_assert(!CREATES("L /run/sshd - - - - /tmp", "/run/sshd"));
	ck_assert(!CREATES("x /run/sshd", "/run/sshd"));
	ck_assert(!CREATES("d /run/sshd.pid", "/run/sshd"));
	ck_assert(!CREATES("d /run/sshd/sub", "/run/sshd"));
	ck_assert(!CREATES("# d /run/sshd", "/run/sshd"));
	ck_assert(!CREATES("dd /run/sshd", "/run/sshd"));
	ck_assert(!CREATES("d", "/run/sshd"));
	ck_assert(!CREATES("", "/run/sshd"));
	ck_assert(!CREATES("d \"\"", "/run/sshd"));
}
END_TEST

static void check_runtime_dirs(const char *want, char **ret_unit)
{
	_cleanup_strv_free_ char **dirs = NULL;
	_cleanup_free_ char *got = NULL;

	ck_assert_int_eq(units_ssh_runtime_dirs(t, &dirs, ret_unit), 0);
	ck_assert_ptr_nonnull(dirs);
	got = joined(dirs);
	ck_assert_msg(strcmp(got, want) == 0, "got '%s', want '%s'", got, want);
}

START_TEST(units_ssh_runtime_dirs_search_path)
{
	_cleanup_free_ char *unit = NULL;

	/* No unit at all: an empty list, no unit named. */
	check_runtime_dirs("", &unit);
	ck_assert_ptr_null(unit);

	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/lib", 0755);
	tl_mkdir(root, "usr/lib/systemd", 0755);
	tl_mkdir(root, "usr/lib/systemd/system", 0755);
	tl_symlink(root, "lib", "usr/lib");
	tl_write(root, "usr/lib/systemd/system/sshd.service", "[Service]\nRuntimeDirectory=el\n", 0644);
	check_runtime_dirs("el", &unit);
	ck_assert_str_eq(unit, "/usr/lib/systemd/system/sshd.service");
	free(unit);
	unit = NULL;

	/* ssh.service wins over sshd.service; a masked /etc copy is skipped. */
	tl_write(root, "usr/lib/systemd/system/ssh.service", "[Service]\nRuntimeDirectory=sshd\n", 0644);
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/systemd", 0755);
	tl_mkdir(root, "etc/systemd/system", 0755);
	tl_symlink(root, "etc/systemd/system/ssh.service", "/dev/null");
	check_runtime_dirs("sshd", &unit);
	ck_assert_str_eq(unit, "/usr/lib/systemd/system/ssh.service");

	/* Drop-ins in name order across directories; /etc hides /usr/lib's same name. */
	tl_mkdir(root, "etc/systemd/system/ssh.service.d", 0755);
	tl_mkdir(root, "usr/lib/systemd/system/ssh.service.d", 0755);
	tl_write(root, "usr/lib/systemd/system/ssh.service.d/10-vendor.conf", "[Service]\nRuntimeDirectory=v\n", 0644);
	tl_write(root, "usr/lib/systemd/system/ssh.service.d/20-reset.conf", "[Service]\nRuntimeDirectory=\n", 0644);
	tl_write(root, "etc/systemd/system/ssh.service.d/30-local.conf", "[Service]\nRuntimeDirectory=l\n", 0644);
	tl_write(root, "etc/systemd/system/ssh.service.d/notes.txt", "[Service]\nRuntimeDirectory=no\n", 0644);
	check_runtime_dirs("l", NULL);
	tl_write(root, "etc/systemd/system/ssh.service.d/20-reset.conf", "# keep\n", 0644);
	check_runtime_dirs("sshd|v|l", NULL);
}
END_TEST

START_TEST(tmpfiles_creates_dir_precedence)
{
	_cleanup_free_ char *where = NULL;

	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", &where), 0);
	ck_assert_ptr_null(where);

	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/lib", 0755);
	tl_mkdir(root, "usr/lib/tmpfiles.d", 0755);
	tl_write(root, "usr/lib/tmpfiles.d/a.conf", "# other\nd /run/other 0755\n", 0644);
	tl_write(root, "usr/lib/tmpfiles.d/openssh.conf", "# sshd\n\nd /run/sshd 0755 root root\n", 0644);
	tl_write(root, "usr/lib/tmpfiles.d/openssh.conf.disabled", "d /run/sshd\n", 0644);
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", &where), 1);
	ck_assert_str_eq(where, "/usr/lib/tmpfiles.d/openssh.conf:3");
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/var/run/sshd", NULL), 1);

	/* /etc's file of the same name replaces it; a link to /dev/null masks it. */
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/tmpfiles.d", 0755);
	tl_write(root, "etc/tmpfiles.d/openssh.conf", "d /run/elsewhere\n", 0644);
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", NULL), 0);
	{
		_cleanup_free_ char *p = tl_path(root, "etc/tmpfiles.d/openssh.conf");
		ck_assert_int_eq(unlink(p), 0);
	}
	tl_symlink(root, "etc/tmpfiles.d/openssh.conf", "/dev/null");
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", NULL), 0);
	/* A line in /etc under another name counts. */
	tl_write(root, "etc/tmpfiles.d/sshd.conf", "d /run/sshd 0755 root root\n", 0644);
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", NULL), 1);
}
END_TEST

START_TEST(units_boot_clears_nologin_systemd)
{
	_cleanup_free_ char *why = NULL;

	/* Nothing: no init at all. */
	ck_assert_int_eq(units_boot_clears_nologin(t, &why), 0);
	ck_assert_ptr_null(why);

	/* Debian 12's layout: merged /usr, /sbin/init -> /lib/systemd/systemd, the static wants link. */
	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/lib", 0755);
	tl_mkdir(root, "usr/sbin", 0755);
	tl_mkdir(root, "usr/lib/systemd", 0755);
	tl_mkdir(root, "usr/lib/systemd/system", 0755);
	tl_mkdir(root, "usr/lib/systemd/system/multi-user.target.wants", 0755);
	tl_symlink(root, "lib", "usr/lib");
	tl_symlink(root, "sbin", "usr/sbin");
	tl_write(root, "usr/lib/systemd/systemd", "\177ELF", 0755);
	tl_symlink(root, "usr/sbin/init", "/lib/systemd/systemd");
	tl_write(root, "usr/lib/systemd/system/systemd-user-sessions.service",
		 "[Service]\nExecStart=/lib/systemd/systemd-user-sessions start\n", 0644);
	/* Not pulled in by multi-user.target: nothing removes it. */
	ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 0);
	tl_symlink(root, "usr/lib/systemd/system/multi-user.target.wants/systemd-user-sessions.service",
		   "../systemd-user-sessions.service");
	ck_assert_int_eq(units_boot_clears_nologin(t, &why), 1);
	ck_assert_str_eq(why, "systemd-user-sessions.service (/usr/lib/systemd/system/systemd-user-sessions.service, "
			      "pulled in by /usr/lib/systemd/system/multi-user.target.wants/"
			      "systemd-user-sessions.service) removes it at every boot");

	/* Masked in /etc. */
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/systemd", 0755);
	tl_mkdir(root, "etc/systemd/system", 0755);
	tl_symlink(root, "etc/systemd/system/systemd-user-sessions.service", "/dev/null");
	ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 0);
	{
		_cleanup_free_ char *p = tl_path(root, "etc/systemd/system/systemd-user-sessions.service");
		ck_assert_int_eq(unlink(p), 0);
	}
	ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 1);

	/* Another init (sysvinit): its own scripts decide, not judged here. */
	{
		_cleanup_free_ char *p = tl_path(root, "usr/sbin/init");
		ck_assert_int_eq(unlink(p), 0);
	}
	tl_write(root, "usr/sbin/init", "\177ELF sysvinit", 0755);
	ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 0);
}
END_TEST

static Suite *units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("units");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unit_text_runtime_dirs_merges);
	tcase_add_test(tc, unit_file_parse_syntax);
	tcase_add_test(tc, unit_file_parse_hostile);
	tcase_add_test(tc, envfile_systemd_rules);
	tcase_add_test(tc, tmpfiles_line_creates_dir_types);
	tcase_add_test(tc, units_ssh_runtime_dirs_search_path);
	tcase_add_test(tc, tmpfiles_creates_dir_precedence);
	tcase_add_test(tc, units_boot_clears_nologin_systemd);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(units_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
