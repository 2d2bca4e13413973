/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the units provider (src/units.c) and what it reads with:
 * systemd's unit file syntax (src/unit_file.c), environment files and
 * ExecStart= (src/envfile.c, src/unit_exec.c) and tmpfiles.d
 * (src/tmpfiles.c).  On scratch roots: the search path and the vendor
 * directory's name, masks, aliases, drop-in order, what `systemctl
 * is-enabled` answers, what the boot pulls in, EnvironmentFile=, and
 * hostile input (huge lines, NUL bytes, a loop of alias links: an error,
 * never a hang).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envfile.h"
#include "target.h"
#include "testlib.h"
#include "unit_exec.h"
#include "units.h"
#include "util.h"

static char *root;
static struct target *t;
static struct units *c;

static void setup(void)
{
	root = tl_mkdtemp();
	ck_assert_int_eq(target_new(root, &t), 0);
	ck_assert_int_eq(units_new(t, &c), 0);
}

static void teardown(void)
{
	units_free(c);
	target_free(t);
	tl_rmtree(root);
	free(root);
	c = NULL;
	t = NULL;
	root = NULL;
}

/* A fresh provider: what a new detection pass would see. */
static void reload(void)
{
	units_free(c);
	ck_assert_int_eq(units_new(t, &c), 0);
}

/* mkdir -p for the parents of rel. */
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

static void rm(const char *rel)
{
	_cleanup_free_ char *p = tl_path(root, rel);

	ck_assert_int_eq(unlink(p), 0);
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

/* "value@file:line|..." of Key= over u's files. */
static char *values_of(const struct unit *u, const char *section, const char *key, unsigned flags)
{
	_cleanup_uvals_ struct uvals v = {0};
	struct buf b = {0};

	ck_assert_int_eq(unit_values(u, section, key, flags, &v), 0);
	for (size_t i = 0; i < v.n; i++)
		buf_printf(&b, "%s%s@%s:%u", i ? "|" : "", v.v[i].value, v.v[i].file, v.v[i].line);
	return buf_steal(&b);
}

#define STR_EQ(got, want)                                                                   \
	do {                                                                                \
		_cleanup_free_ char *_g = (got);                                            \
		ck_assert_msg(_g && strcmp(_g, (want)) == 0, "got '%s', want '%s'", _g, (want)); \
	} while (0)

/* ------------------------------------------------------------ syntax */

/* The unit made of texts (fragment first), as the provider would hold it. */
static char *dirs_of(const char *const *texts)
{
	struct unit_file files[8];
	struct unit u = { .path = (char *) "/f" };
	_cleanup_strv_free_ char **dirs = NULL;
	size_t n = 0;

	for (; texts[n]; n++) {
		/* An exact-size copy: ASan sees a read past the end. */
		size_t len = strlen(texts[n]);
		_cleanup_free_ char *copy = malloc(len ? len : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, texts[n], len);
		ck_assert_int_eq(unit_file_parse(n ? "/d.conf" : "/f", copy, len, &files[n]), 0);
	}
	u.files = files;
	u.n_files = n;
	ck_assert_int_eq(unit_runtime_dirs(&u, &dirs), 0);
	for (size_t i = 0; i < n; i++)
		unit_file_done(&files[i]);
	return joined(dirs);
}

#define DIRS_EQ(want, ...) STR_EQ(dirs_of((const char *const[]) { __VA_ARGS__, NULL }), want)

START_TEST(unit_runtime_dirs_merges)
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
	/* No final newline, an empty file. */
	DIRS_EQ("sshd", "[Service]\nRuntimeDirectory=sshd");
	/* A trailing backslash continues the line, as in systemd's parser. */
	DIRS_EQ("a|b", "[Service]\nRuntimeDirectory=a \\\n  b\n");
	DIRS_EQ("", "");
}
END_TEST

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

/* ------------------------------------------------------------ tmpfiles.d */

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

START_TEST(tmpfiles_creates_dir_precedence)
{
	_cleanup_free_ char *where = NULL;

	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", &where), 0);
	ck_assert_ptr_null(where);

	put("usr/lib/tmpfiles.d/a.conf", "# other\nd /run/other 0755\n");
	put("usr/lib/tmpfiles.d/openssh.conf", "# sshd\n\nd /run/sshd 0755 root root\n");
	put("usr/lib/tmpfiles.d/openssh.conf.disabled", "d /run/sshd\n");
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", &where), 1);
	ck_assert_str_eq(where, "/usr/lib/tmpfiles.d/openssh.conf:3");
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/var/run/sshd", NULL), 1);

	/* /etc's file of the same name replaces it; a link to /dev/null masks it. */
	put("etc/tmpfiles.d/openssh.conf", "d /run/elsewhere\n");
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", NULL), 0);
	rm("etc/tmpfiles.d/openssh.conf");
	link_to("etc/tmpfiles.d/openssh.conf", "/dev/null");
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", NULL), 0);
	/* A link that leads nowhere hides nothing (systemd skips what it cannot stat). */
	rm("etc/tmpfiles.d/openssh.conf");
	link_to("etc/tmpfiles.d/openssh.conf", "/nowhere");
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", NULL), 1);
	rm("etc/tmpfiles.d/openssh.conf");
	link_to("etc/tmpfiles.d/openssh.conf", "/dev/null");
	/* A line in /etc under another name counts; a hidden file does not. */
	put("etc/tmpfiles.d/.sshd.conf", "d /run/sshd 0755 root root\n");
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", NULL), 0);
	put("etc/tmpfiles.d/sshd.conf", "d /run/sshd 0755 root root\n");
	ck_assert_int_eq(tmpfiles_creates_dir(t, "/run/sshd", NULL), 1);
}
END_TEST

/* ------------------------------------------------------------ the provider */

static const char ssh_service[] = "[Unit]\nDescription=OpenBSD Secure Shell server\n"
				  "ConditionPathExists=!/etc/ssh/sshd_not_to_be_run\n\n"
				  "[Service]\nEnvironmentFile=-/etc/default/ssh\nExecStartPre=/usr/sbin/sshd -t\n"
				  "ExecStart=/usr/sbin/sshd -D $SSHD_OPTS\nRuntimeDirectory=sshd\n\n"
				  "[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\n";

/* Debian 12's layout: merged /usr, ssh.service enabled with its alias. */
static void debian(bool enabled)
{
	link_to("lib", "usr/lib");
	put("usr/lib/systemd/system/ssh.service", ssh_service);
	put("usr/lib/systemd/systemd", "\177ELF");
	put("etc/systemd/system/.keep", "");
	if (enabled) {
		link_to("etc/systemd/system/multi-user.target.wants/ssh.service", "/lib/systemd/system/ssh.service");
		link_to("etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
	}
}

static const struct unit *get(const char *name)
{
	const struct unit *u = NULL;

	ck_assert_int_eq(units_get(c, name, &u), 0);
	ck_assert_ptr_nonnull(u);
	return u;
}

static const char *state(const char *name)
{
	enum unit_state s;

	ck_assert_int_eq(units_state(c, name, &s), 0);
	return unit_state_name(s);
}

START_TEST(units_lookup_and_aliases)
{
	const struct unit *u;

	ck_assert(!units_have_systemd(c));
	u = get("ssh.service");
	ck_assert_ptr_null(u->path);
	ck_assert_str_eq(state("ssh.service"), "not-found");
	ck_assert_int_eq(units_get(c, "ssh", &u), -EINVAL);
	ck_assert_int_eq(units_get(c, "../x.service", &u), -EINVAL);

	reload();
	debian(true);
	ck_assert(units_have_systemd(c));
	/* The target's systemctl writes /lib/... into its links: units are named so. */
	ck_assert_str_eq(units_vendor_dir(c), "/lib/systemd/system");
	u = get("ssh.service");
	ck_assert_str_eq(u->id, "ssh.service");
	ck_assert_str_eq(u->path, "/lib/systemd/system/ssh.service");
	ck_assert(!u->masked);
	STR_EQ(joined(u->names), "ssh.service|sshd.service");
	/* Named through its alias: the same unit. */
	ck_assert_ptr_eq(get("sshd.service"), u);
	ck_assert_str_eq(state("ssh.service"), "enabled");
	ck_assert_str_eq(state("sshd.service"), "alias");
	STR_EQ(values_of(u, "Service", "ExecStart", 0), "/usr/sbin/sshd -D $SSHD_OPTS@/lib/systemd/system/ssh.service:8");
	STR_EQ(values_of(u, "Install", "Alias", UV_WORDS), "sshd.service@/lib/systemd/system/ssh.service:13");

	/* /etc's copy of the unit file replaces the vendor's. */
	put("etc/systemd/system/ssh.service", "[Service]\nExecStart=/opt/sshd\n");
	reload();
	u = get("ssh.service");
	ck_assert_str_eq(u->path, "/etc/systemd/system/ssh.service");
	STR_EQ(unit_exec_program(u), "/opt/sshd");
	rm("etc/systemd/system/ssh.service");

	/* Disabled: no links.  A unit without [Install] is static. */
	rm("etc/systemd/system/multi-user.target.wants/ssh.service");
	rm("etc/systemd/system/sshd.service");
	put("usr/lib/systemd/system/static.service", "[Service]\nExecStart=/bin/true\n");
	put("usr/lib/systemd/system/runtime.service", ssh_service);
	link_to("run/systemd/system/multi-user.target.wants/runtime.service", "/lib/systemd/system/runtime.service");
	link_to("etc/systemd/system/linked.service", "/opt/linked.service");
	put("opt/linked.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
	reload();
	ck_assert_str_eq(state("ssh.service"), "disabled");
	ck_assert_str_eq(state("sshd.service"), "not-found");
	ck_assert_str_eq(state("static.service"), "static");
	ck_assert_str_eq(state("runtime.service"), "enabled-runtime");
	ck_assert_str_eq(state("linked.service"), "linked");
	ck_assert_str_eq(get("linked.service")->path, "/etc/systemd/system/linked.service");
}
END_TEST

START_TEST(units_masks_and_state)
{
	const struct unit_mask *m;
	const struct unit *u;
	size_t n;

	debian(true);
	/* A link to /dev/null in /etc masks; the vendor file beneath is what unmask uncovers. */
	rm("etc/systemd/system/sshd.service");
	link_to("etc/systemd/system/ssh.service", "/dev/null");
	u = get("ssh.service");
	ck_assert(u->masked);
	ck_assert_str_eq(u->path, "/lib/systemd/system/ssh.service");
	ck_assert_str_eq(state("ssh.service"), "masked");
	ck_assert_int_eq(units_masks(c, "ssh.service", &m, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(m[0].path, "/etc/systemd/system/ssh.service");
	ck_assert_str_eq(m[0].link, "/dev/null");
	ck_assert_int_eq(m[0].kind, CONF_MASK_NULL_LINK);
	ck_assert(!m[0].runtime);
	/* A masked unit never starts, however it is linked. */
	ck_assert_int_eq(units_wanted_at_boot(c, "ssh.service", NULL), 0);

	/* --runtime: an empty file in /run; a relative link text is read as systemd reads it. */
	rm("etc/systemd/system/ssh.service");
	put("run/systemd/system/ssh.service", "");
	link_to("etc/systemd/system/other.service", "../../../dev/null");
	reload();
	ck_assert_str_eq(state("ssh.service"), "masked-runtime");
	ck_assert_str_eq(state("other.service"), "masked");
	ck_assert_int_eq(units_masks(c, "ssh.service", &m, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(m[0].kind, CONF_MASK_EMPTY);
	ck_assert(m[0].runtime);

	/* A mask below what decides is still listed (unmask removes it), but does not mask. */
	rm("run/systemd/system/ssh.service");
	link_to("etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
	put("run/systemd/system/sshd.service", "");
	reload();
	ck_assert_str_eq(state("sshd.service"), "alias");
	ck_assert_int_eq(units_masks(c, "sshd.service", &m, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(m[0].path, "/run/systemd/system/sshd.service");
	ck_assert(!get("ssh.service")->masked);
}
END_TEST

START_TEST(units_dropin_order)
{
	const struct unit *u;

	debian(true);
	/* Name order across directories; /etc hides /usr/lib's file of the same
	 * name; the alias's drop-ins apply; a /dev/null link masks a drop-in;
	 * hidden and non-.conf names are not read; the type's "service.d" first. */
	put("usr/lib/systemd/system/ssh.service.d/10-vendor.conf", "[Service]\nRuntimeDirectory=v\n");
	put("usr/lib/systemd/system/ssh.service.d/20-reset.conf", "[Service]\nRuntimeDirectory=\n");
	put("usr/lib/systemd/system/ssh.service.d/40-gone.conf", "[Service]\nRuntimeDirectory=gone\n");
	put("etc/systemd/system/ssh.service.d/30-local.conf", "[Service]\nRuntimeDirectory=l\n");
	put("etc/systemd/system/ssh.service.d/notes.txt", "[Service]\nRuntimeDirectory=no\n");
	put("etc/systemd/system/ssh.service.d/.hidden.conf", "[Service]\nRuntimeDirectory=no\n");
	link_to("etc/systemd/system/ssh.service.d/40-gone.conf", "/dev/null");
	put("etc/systemd/system/sshd.service.d/50-alias.conf", "[Service]\nRuntimeDirectory=alias\n");
	put("usr/lib/systemd/system/service.d/05-all.conf", "[Service]\nRuntimeDirectory=all\n");
	u = get("ssh.service");
	{
		_cleanup_strv_free_ char **dirs = NULL;
		ck_assert_int_eq(unit_runtime_dirs(u, &dirs), 0);
		STR_EQ(joined(dirs), "l|alias");
	}
	/* Remove the reset: everything in order, with where each came from. */
	put("usr/lib/systemd/system/ssh.service.d/20-reset.conf", "# keep\n");
	reload();
	u = get("ssh.service");
	STR_EQ(values_of(u, "Service", "RuntimeDirectory", UV_WORDS),
	       "sshd@/lib/systemd/system/ssh.service:9|all@/lib/systemd/system/service.d/05-all.conf:2|"
	       "v@/lib/systemd/system/ssh.service.d/10-vendor.conf:2|l@/etc/systemd/system/ssh.service.d/30-local.conf:2|"
	       "alias@/etc/systemd/system/sshd.service.d/50-alias.conf:2");
	/* [Install] is read from the unit file alone. */
	put("etc/systemd/system/ssh.service.d/60-install.conf", "[Install]\nWantedBy=rescue.target\n");
	reload();
	STR_EQ(values_of(get("ssh.service"), "Install", "WantedBy", UV_WORDS),
	       "multi-user.target@/lib/systemd/system/ssh.service:12");
}
END_TEST

START_TEST(units_environment_files)
{
	struct env_assignment a = {0};
	_cleanup_free_ char *file = NULL;
	const struct unit *u;

	debian(true);
	/* The optional file is missing: nothing, and no error. */
	u = get("ssh.service");
	ck_assert_int_eq(unit_env_get(t, u, "SSHD_OPTS", &a, &file), 0);
	ck_assert_ptr_null(file);

	/* Quotes, escapes and a continuation, read as systemd reads them. */
	put("etc/default/ssh", "# Options\nSSHD_OPTS=\"-o 'Banner none'\" \\\n  -p\\ 2222\n");
	ck_assert_int_eq(unit_env_get(t, u, "SSHD_OPTS", &a, &file), 1);
	ck_assert_str_eq(file, "/etc/default/ssh");
	ck_assert_str_eq(a.value, "-o 'Banner none'  -p 2222");
	ck_assert_uint_eq(a.first, 2);
	ck_assert_uint_eq(a.last, 3);
	env_assignment_done(&a);
	free(file);
	file = NULL;
	{
		_cleanup_strv_free_ char **argv = NULL;
		ck_assert_int_eq(unit_exec_split("-o 'Banner none' -p\\ 1 \"a b\"", &argv), 0);
		STR_EQ(joined(argv), "-o|Banner none|-p 1|a b");
	}

	/* A later EnvironmentFile= (from a drop-in) overrides; relative paths are refused. */
	put("etc/systemd/system/ssh.service.d/env.conf",
	    "[Service]\nEnvironmentFile=relative\nEnvironmentFile=/etc/ssh/opts\n");
	put("etc/ssh/opts", "SSHD_OPTS=-4\nOTHER=1\n");
	reload();
	u = get("ssh.service");
	{
		struct unit_env_file *v;
		size_t n;
		ck_assert_int_eq(unit_env_files(u, &v, &n), 0);
		ck_assert_uint_eq(n, 2);
		ck_assert(v[0].optional);
		ck_assert(!v[1].optional);
		ck_assert_str_eq(v[1].path, "/etc/ssh/opts");
		ck_assert_str_eq(v[1].file, "/etc/systemd/system/ssh.service.d/env.conf");
		ck_assert_uint_eq(v[1].line, 3);
		unit_env_files_free(v, n);
	}
	ck_assert_int_eq(unit_env_get(t, u, "SSHD_OPTS", &a, &file), 1);
	ck_assert_str_eq(file, "/etc/ssh/opts");
	ck_assert_str_eq(a.value, "-4");
	env_assignment_done(&a);

	/* What ExecStart= makes of variables. */
	{
		struct unit_exec_var *v;
		size_t n;
		put("etc/systemd/system/ssh.service.d/exec.conf",
		    "[Service]\nExecStart=\nExecStart=-/usr/sbin/sshd -D $SSHD_OPTS ${ONE} x$NOT $ ${bad\n");
		reload();
		u = get("ssh.service");
		ck_assert_int_eq(unit_exec_vars(u, &v, &n), 0);
		ck_assert_uint_eq(n, 3);
		ck_assert_str_eq(v[0].name, "SSHD_OPTS");
		ck_assert(v[0].split);
		ck_assert_str_eq(v[1].name, "ONE");
		ck_assert(!v[1].split);
		ck_assert_str_eq(v[2].name, "NOT");
		ck_assert(!v[2].split);
		unit_exec_vars_free(v, n);
		STR_EQ(unit_exec_program(u), "/usr/sbin/sshd");
	}
}
END_TEST

START_TEST(units_boot_and_install_links)
{
	_cleanup_free_ char *via = NULL, *why = NULL;
	const struct unit *u;

	debian(false);
	/* A partial root without systemd's targets: multi-user.target counts as reached. */
	u = get("ssh.service");
	ck_assert_int_eq(units_install_linked(c, u, &why), 0);
	ck_assert_str_eq(why, "no /etc/systemd/system/multi-user.target.wants/ssh.service");
	ck_assert_int_eq(units_wanted_at_boot(c, "ssh.service", NULL), 0);
	link_to("etc/systemd/system/multi-user.target.wants/ssh.service", "/lib/systemd/system/ssh.service");
	reload();
	u = get("ssh.service");
	ck_assert_int_eq(units_install_linked(c, u, NULL), 1);
	ck_assert_int_eq(units_wanted_at_boot(c, "ssh.service", &via), 1);
	ck_assert_str_eq(via, "/etc/systemd/system/multi-user.target.wants/ssh.service");
	free(via);
	via = NULL;

	/* A real root: default.target -> graphical.target, which requires multi-user.target. */
	put("usr/lib/systemd/system/graphical.target", "[Unit]\nRequires=multi-user.target\n");
	put("usr/lib/systemd/system/multi-user.target", "[Unit]\nRequires=basic.target\n");
	put("usr/lib/systemd/system/basic.target", "[Unit]\nWants=sockets.target\n");
	put("usr/lib/systemd/system/sockets.target", "[Unit]\n");
	put("usr/lib/systemd/system/rescue.target", "[Unit]\n");
	put("usr/lib/systemd/system/ssh.socket", "[Socket]\nListenStream=22\n[Install]\nWantedBy=sockets.target\n");
	link_to("usr/lib/systemd/system/default.target", "graphical.target");
	link_to("etc/systemd/system/sockets.target.wants/ssh.socket", "/lib/systemd/system/ssh.socket");
	reload();
	ck_assert_int_eq(units_wanted_at_boot(c, "ssh.service", NULL), 1);
	ck_assert_int_eq(units_wanted_at_boot(c, "ssh.socket", &via), 1);
	ck_assert_str_eq(via, "/etc/systemd/system/sockets.target.wants/ssh.socket");
	free(via);
	via = NULL;
	ck_assert_int_eq(units_wanted_at_boot(c, "basic.target", &via), 1);
	ck_assert_str_eq(via, "/lib/systemd/system/multi-user.target:2: Requires=basic.target");
	STR_EQ(joined(get("graphical.target")->names), "graphical.target|default.target");

	/* The admin set the default to rescue.target: the links exist, nothing pulls them. */
	link_to("etc/systemd/system/default.target", "/lib/systemd/system/rescue.target");
	reload();
	ck_assert_int_eq(units_install_linked(c, get("ssh.service"), NULL), 1);
	ck_assert_int_eq(units_wanted_at_boot(c, "ssh.service", NULL), 0);

	/* A dangling link does not enable, and says so. */
	rm("etc/systemd/system/multi-user.target.wants/ssh.service");
	link_to("etc/systemd/system/multi-user.target.wants/ssh.service", "/lib/systemd/system/gone.service");
	reload();
	free(why);
	why = NULL;
	ck_assert_int_eq(units_install_linked(c, get("ssh.service"), &why), 0);
	ck_assert_str_eq(why, "/etc/systemd/system/multi-user.target.wants/ssh.service does not lead to a unit file");
	ck_assert_int_eq(units_install_linked(c, get("rescue.target"), NULL), 2);
}
END_TEST

START_TEST(units_hostile)
{
	const struct unit *u;

	put("etc/systemd/system/.keep", "");
	/* Aliases in a loop: an error naming a link, never a hang. */
	link_to("etc/systemd/system/a.service", "b.service");
	link_to("etc/systemd/system/b.service", "/etc/systemd/system/a.service");
	u = get("a.service");
	ck_assert_int_eq(u->error, -ELOOP);
	ck_assert_ptr_nonnull(u->error_path);
	ck_assert_ptr_null(u->path);
	ck_assert_str_eq(state("a.service"), "bad");
	ck_assert_int_eq(units_wanted_at_boot(c, "a.service", NULL), 0);
	/* A chain longer than systemd follows. */
	for (int i = 0; i < 70; i++) {
		char rel[64], to[32];
		snprintf(rel, sizeof(rel), "etc/systemd/system/c%d.service", i);
		snprintf(to, sizeof(to), "c%d.service", i + 1);
		link_to(rel, to);
	}
	put("etc/systemd/system/c70.service", "[Service]\nExecStart=/bin/true\n");
	reload();
	ck_assert_int_eq(get("c0.service")->error, -ELOOP);

	/* A unit file with NUL bytes and a line over LONG_LINE_MAX: bad, settings before it kept. */
	{
		static const char start[] = "[Service]\nExecStart=/x\0y\nEnvironment=";
		size_t n = UNIT_LINE_MAX + 100, k = sizeof(start) - 1;
		_cleanup_free_ char *big = malloc(n + 1);
		ck_assert_ptr_nonnull(big);
		memcpy(big, start, k);
		memset(big + k, 'e', n - k);
		big[n] = '\0';
		_cleanup_free_ char *p = tl_path(root, "etc/systemd/system/big.service");
		FILE *f = fopen(p, "we");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(big, 1, n, f), n);
		fclose(f);
	}
	reload();
	u = get("big.service");
	ck_assert_int_eq(u->error, -ENOBUFS);
	ck_assert_uint_eq(u->error_line, 4);
	STR_EQ(unit_exec_program(u), "/x");
	ck_assert_str_eq(state("big.service"), "bad");
}
END_TEST

START_TEST(units_ssh_runtime_dirs_compat)
{
	_cleanup_strv_free_ char **dirs = NULL;
	_cleanup_free_ char *unit = NULL;

	/* No unit at all: an empty list, no unit named. */
	ck_assert_int_eq(units_ssh_runtime_dirs(t, &dirs, &unit), 0);
	ck_assert_ptr_nonnull(dirs);
	ck_assert_ptr_null(dirs[0]);
	ck_assert_ptr_null(unit);
	strv_free(dirs);
	dirs = NULL;

	link_to("lib", "usr/lib");
	put("usr/lib/systemd/system/sshd.service", "[Service]\nRuntimeDirectory=el\n");
	ck_assert_int_eq(units_ssh_runtime_dirs(t, &dirs, &unit), 0);
	STR_EQ(joined(dirs), "el");
	ck_assert_str_eq(unit, "/usr/lib/systemd/system/sshd.service");

	/* ssh.service wins over sshd.service, also beneath a mask. */
	put("usr/lib/systemd/system/ssh.service", "[Service]\nRuntimeDirectory=sshd\n");
	link_to("etc/systemd/system/ssh.service", "/dev/null");
	strv_free(dirs);
	dirs = NULL;
	free(unit);
	unit = NULL;
	ck_assert_int_eq(units_ssh_runtime_dirs(t, &dirs, &unit), 0);
	STR_EQ(joined(dirs), "sshd");
	ck_assert_str_eq(unit, "/usr/lib/systemd/system/ssh.service");

	/* What the sandbox gets: the unit's, and the privsep directory tmpfiles.d makes. */
	put("usr/lib/tmpfiles.d/sshd.conf", "d /run/priv 0755 root root\n");
	reload();
	strv_free(dirs);
	dirs = NULL;
	ck_assert_int_eq(units_sshd_run_dirs(c, "/var/run/priv", &dirs), 0);
	STR_EQ(joined(dirs), "sshd|priv");
}
END_TEST

START_TEST(units_boot_clears_nologin_systemd)
{
	_cleanup_free_ char *why = NULL;

	/* Nothing: no init at all. */
	ck_assert_int_eq(units_boot_clears_nologin(t, &why), 0);
	ck_assert_ptr_null(why);

	/* Debian 12's layout: merged /usr, /sbin/init -> /lib/systemd/systemd, the static wants link. */
	link_to("lib", "usr/lib");
	link_to("sbin", "usr/sbin");
	put("usr/lib/systemd/systemd", "");
	tl_write(root, "usr/lib/systemd/systemd", "\177ELF", 0755);
	link_to("usr/sbin/init", "/lib/systemd/systemd");
	put("usr/lib/systemd/system/systemd-user-sessions.service",
	    "[Service]\nExecStart=/lib/systemd/systemd-user-sessions start\n");
	/* Not pulled in by multi-user.target: nothing removes it. */
	ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 0);
	link_to("usr/lib/systemd/system/multi-user.target.wants/systemd-user-sessions.service",
		"../systemd-user-sessions.service");
	ck_assert_int_eq(units_boot_clears_nologin(t, &why), 1);
	ck_assert_str_eq(why, "systemd-user-sessions.service (/usr/lib/systemd/system/systemd-user-sessions.service, "
			      "pulled in by /usr/lib/systemd/system/multi-user.target.wants/"
			      "systemd-user-sessions.service) removes it at every boot");

	/* Masked in /etc. */
	link_to("etc/systemd/system/systemd-user-sessions.service", "/dev/null");
	ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 0);
	rm("etc/systemd/system/systemd-user-sessions.service");
	ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 1);

	/* The program decides: systemd 252's (Debian 12) names both files;
	 * from 254 (Debian 13's 257) only /run/nologin: /etc/nologin stays. */
	static const char sessions252[] = "\177ELF\0/run/nologin\0/etc/nologin\0start\0";
	static const char sessions257[] = "\177ELF\0create_shutdown_run_nologin_or_warn\0/run/nologin\0"
					  "x/etc/nologin\0";
	{
		_cleanup_free_ char *p = tl_path(root, "usr/lib/systemd/systemd-user-sessions");
		FILE *f = fopen(p, "w");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fwrite(sessions252, 1, sizeof(sessions252), f), sizeof(sessions252));
		ck_assert_int_eq(fclose(f), 0);
		ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 1);
		f = fopen(p, "w");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(fwrite(sessions257, 1, sizeof(sessions257), f), sizeof(sessions257));
		ck_assert_int_eq(fclose(f), 0);
		ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 0);
		ck_assert_int_eq(unlink(p), 0);
	}
	ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 1);

	/* Another init (sysvinit): its own scripts decide, not judged here. */
	rm("usr/sbin/init");
	put("usr/sbin/init", "\177ELF sysvinit");
	ck_assert_int_eq(units_boot_clears_nologin(t, NULL), 0);
}
END_TEST

static Suite *units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("units");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unit_runtime_dirs_merges);
	tcase_add_test(tc, unit_file_parse_syntax);
	tcase_add_test(tc, unit_file_parse_hostile);
	tcase_add_test(tc, envfile_systemd_rules);
	tcase_add_test(tc, tmpfiles_line_creates_dir_types);
	tcase_add_test(tc, tmpfiles_creates_dir_precedence);
	tcase_add_test(tc, units_lookup_and_aliases);
	tcase_add_test(tc, units_masks_and_state);
	tcase_add_test(tc, units_dropin_order);
	tcase_add_test(tc, units_environment_files);
	tcase_add_test(tc, units_boot_and_install_links);
	tcase_add_test(tc, units_hostile);
	tcase_add_test(tc, units_ssh_runtime_dirs_compat);
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
