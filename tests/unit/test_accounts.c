/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for src/accounts.c: classification, exact round trips, lookups, edits. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "util.h"

/* Fixed, printed seed: a failure can be replayed exactly. */
#define GARBAGE_SEED 0x5eed5eedc0ffee01ull
#define GARBAGE_RUNS 2000
#define GARBAGE_MAX 4096

#define PASSWD_OK                                              \
	"root:x:0:0:root:/root:/bin/bash\n"                    \
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"    \
	"alice:$6$salt$hash:1000:1000:Alice A,,,:/home/alice:\n"

/* Parse a C string, asserting success. */
static void parse_str(enum acct_kind kind, const char *s, struct acct_file *f)
{
	ck_assert_int_eq(acct_file_parse(kind, s, strlen(s), f), 0);
}

/* The one-line file s must be LINE_BAD with exactly this reason. */
static void assert_bad(enum acct_kind kind, const char *s, const char *why)
{
	struct acct_file f;

	parse_str(kind, s, &f);
	ck_assert_uint_eq(f.n_lines, 1);
	ck_assert_msg(f.lines[0].state == LINE_BAD, "'%s' (kind %d) is not LINE_BAD", s, (int) kind);
	ck_assert_ptr_nonnull(acct_line_why(&f.lines[0]));
	ck_assert_str_eq(acct_line_why(&f.lines[0]), why);
	ck_assert_uint_eq(f.n_entries, 0);
	ck_assert_uint_eq(acct_file_bad_lines(&f), 1);
	acct_file_done(&f);
}

static void assert_state(enum acct_kind kind, const char *s, enum line_state state)
{
	struct acct_file f;

	parse_str(kind, s, &f);
	ck_assert_uint_eq(f.n_lines, 1);
	ck_assert_msg(f.lines[0].state == state, "'%s' (kind %d): state %d, expected %d",
		      s, (int) kind, (int) f.lines[0].state, (int) state);
	ck_assert_ptr_null(acct_line_why(&f.lines[0]));
	ck_assert_uint_eq(f.n_entries, state == LINE_ENTRY ? 1 : 0);
	acct_file_done(&f);
}

static size_t entry_line_of(const struct acct_file *f, size_t i)
{
	switch (f->kind) {
	case ACCT_PASSWD:
		return f->pw[i].line;
	case ACCT_GROUP:
		return f->gr[i].line;
	case ACCT_SHADOW:
		return f->sp[i].line;
	}
	return SIZE_MAX;
}

/* Structural invariants every parsed file must keep. */
static void assert_consistent(const struct acct_file *f)
{
	size_t entries = 0;

	for (size_t i = 0; i < f->n_lines; i++) {
		const struct acct_line *l = &f->lines[i];

		ck_assert_ptr_nonnull(l->raw);
		ck_assert_int_eq(l->raw[l->len], '\0');
		ck_assert_ptr_null(memchr(l->raw, '\n', l->len));
		if (i + 1 < f->n_lines)
			ck_assert_msg(l->newline, "line %zu lacks its newline but is not last", i + 1);
		if (l->state == LINE_BAD)
			ck_assert_ptr_nonnull(acct_line_why(l));
		else
			ck_assert_uint_eq(l->why, 0);	/* no reason kept */
		if (l->state == LINE_ENTRY) {
			ck_assert_uint_eq(l->entry, entries);
			ck_assert_uint_eq(entry_line_of(f, l->entry), i);
			entries++;
		}
	}
	ck_assert_uint_eq(entries, f->n_entries);
}

/* Parse, check invariants, render: the bytes must come back exactly. */
static void assert_roundtrip(enum acct_kind kind, const char *data, size_t len)
{
	struct acct_file f;
	_cleanup_free_ char *out = NULL;
	size_t out_len = SIZE_MAX;

	ck_assert_int_eq(acct_file_parse(kind, data, len, &f), 0);
	ck_assert(f.present);
	assert_consistent(&f);
	ck_assert_int_eq(acct_file_render(&f, &out, &out_len), 0);
	ck_assert_uint_eq(out_len, len);
	ck_assert_msg(len == 0 || memcmp(out, data, len) == 0, "render differs from input (kind %d, %zu bytes)",
		      (int) kind, len);
	ck_assert_int_eq(out[out_len], '\0');
	acct_file_done(&f);
}

static char *render_str(const struct acct_file *f)
{
	char *s;
	size_t n;

	ck_assert_int_eq(acct_file_render(f, &s, &n), 0);
	ck_assert_uint_eq(strlen(s), n);
	return s;
}

START_TEST(acct_file_parse_passwd_valid)
{
	struct acct_file f;

	parse_str(ACCT_PASSWD, PASSWD_OK, &f);
	ck_assert(f.present);
	ck_assert_uint_eq(f.n_lines, 3);
	ck_assert_uint_eq(f.n_entries, 3);
	ck_assert_uint_eq(acct_file_bad_lines(&f), 0);
	ck_assert_str_eq(f.pw[0].name, "root");
	ck_assert_str_eq(f.pw[0].passwd, "x");
	ck_assert_uint_eq(f.pw[0].uid, 0);
	ck_assert_uint_eq(f.pw[0].gid, 0);
	ck_assert_str_eq(f.pw[0].gecos, "root");
	ck_assert_str_eq(f.pw[0].dir, "/root");
	ck_assert_str_eq(f.pw[0].shell, "/bin/bash");
	ck_assert_str_eq(f.pw[2].name, "alice");
	ck_assert_str_eq(f.pw[2].passwd, "$6$salt$hash");
	ck_assert_uint_eq(f.pw[2].uid, 1000);
	ck_assert_str_eq(f.pw[2].gecos, "Alice A,,,");
	ck_assert_str_eq(f.pw[2].shell, "");
	ck_assert_uint_eq(f.pw[2].line, 2);
	ck_assert_uint_eq(f.lines[2].entry, 2);
	ck_assert_uint_eq(f.lines[1].len, strlen("daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin"));
	ck_assert(f.lines[2].newline);
	assert_consistent(&f);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_parse_group_valid)
{
	struct acct_file f;

	parse_str(ACCT_GROUP, "root:x:0:\nsudo:x:27:alice,bob\nusers:*:100:carol", &f);
	ck_assert_uint_eq(f.n_entries, 3);
	ck_assert_str_eq(f.gr[0].name, "root");
	ck_assert_uint_eq(f.gr[0].gid, 0);
	ck_assert_ptr_nonnull(f.gr[0].members);
	ck_assert_uint_eq(strv_length(f.gr[0].members), 0);
	ck_assert_str_eq(f.gr[1].passwd, "x");
	ck_assert_uint_eq(f.gr[1].gid, 27);
	ck_assert_uint_eq(strv_length(f.gr[1].members), 2);
	ck_assert_str_eq(f.gr[1].members[0], "alice");
	ck_assert_str_eq(f.gr[1].members[1], "bob");
	ck_assert_str_eq(f.gr[2].passwd, "*");
	ck_assert_str_eq(f.gr[2].members[0], "carol");
	ck_assert(!f.lines[2].newline);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_parse_group_members)
{
	struct acct_file f;

	/* empty items skipped; leading blanks skipped as glibc does; a CR stays on the last member */
	parse_str(ACCT_GROUP, "a:x:1:,alice,, bob,,\nb:x:2:\r\nc:x:3:carol,dave\r\nd:x:4: , ,\n", &f);
	ck_assert_uint_eq(f.n_entries, 4);
	ck_assert_uint_eq(strv_length(f.gr[0].members), 2);
	ck_assert_str_eq(f.gr[0].members[0], "alice");
	ck_assert_str_eq(f.gr[0].members[1], "bob");
	ck_assert_uint_eq(strv_length(f.gr[1].members), 0);
	ck_assert_uint_eq(strv_length(f.gr[2].members), 2);
	ck_assert_str_eq(f.gr[2].members[1], "dave\r");
	ck_assert_uint_eq(strv_length(f.gr[3].members), 0);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_parse_shadow_valid)
{
	struct acct_file f;

	parse_str(ACCT_SHADOW,
		  "root:$y$j9T$abc:19500:0:99999:7:::\n"
		  "alice:!:0:1:2:3:4:5:6\n"
		  "bob:*:::::::\n", &f);
	ck_assert_uint_eq(f.n_entries, 3);
	ck_assert_str_eq(f.sp[0].name, "root");
	ck_assert_str_eq(f.sp[0].hash, "$y$j9T$abc");
	ck_assert_int_eq(f.sp[0].lastchg, 19500);
	ck_assert_int_eq(f.sp[0].min, 0);
	ck_assert_int_eq(f.sp[0].max, 99999);
	ck_assert_int_eq(f.sp[0].warn, 7);
	ck_assert_int_eq(f.sp[0].inactive, -1);
	ck_assert_int_eq(f.sp[0].expire, -1);
	ck_assert_str_eq(f.sp[0].flag, "");
	ck_assert_int_eq(f.sp[1].lastchg, 0);
	ck_assert_int_eq(f.sp[1].min, 1);
	ck_assert_int_eq(f.sp[1].max, 2);
	ck_assert_int_eq(f.sp[1].warn, 3);
	ck_assert_int_eq(f.sp[1].inactive, 4);
	ck_assert_int_eq(f.sp[1].expire, 5);
	ck_assert_str_eq(f.sp[1].flag, "6");
	ck_assert_int_eq(f.sp[2].lastchg, -1);
	ck_assert_int_eq(f.sp[2].expire, -1);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_parse_bad_lines)
{
	static const struct {
		enum acct_kind kind;
		const char *line, *why;
	} cases[] = {
		{ ACCT_PASSWD, "root:x:0:0:root:/root", "wrong number of fields" },
		{ ACCT_PASSWD, "root:x:0:0:root:/root:/bin/sh:extra", "wrong number of fields" },
		{ ACCT_PASSWD, "root", "wrong number of fields" },
		{ ACCT_PASSWD, ":x:0:0::/:/bin/sh", "empty name" },
		{ ACCT_PASSWD, "root:x:zero:0::/:/bin/sh", "bad uid" },
		{ ACCT_PASSWD, "root:x::0::/:/bin/sh", "bad uid" },
		{ ACCT_PASSWD, "root:x:0:-1::/:/bin/sh", "bad gid" },
		{ ACCT_PASSWD, " root:x:0:0::/:/bin/sh", "leading whitespace" },
		{ ACCT_PASSWD, "\troot:x:0:0::/:/bin/sh", "leading whitespace" },
		{ ACCT_GROUP, "wheel:x:10", "wrong number of fields" },
		{ ACCT_GROUP, "wheel:x:10:a:b", "wrong number of fields" },
		{ ACCT_GROUP, ":x:10:", "empty name" },
		{ ACCT_GROUP, "wheel:x:ten:", "bad gid" },
		{ ACCT_GROUP, "wheel:x::", "bad gid" },
		{ ACCT_SHADOW, "root:*:1:2:3:4:5:6", "wrong number of fields" },
		{ ACCT_SHADOW, "root:*:19000:0:99999", "wrong number of fields" },	/* old 5-field form */
		{ ACCT_SHADOW, ":*:::::::", "empty name" },
		{ ACCT_SHADOW, "root:*:-1::::::", "bad lastchg" },
		{ ACCT_SHADOW, "root:*::x:::::", "bad min" },
		{ ACCT_SHADOW, "root:*::: 9::::", "bad max" },
		{ ACCT_SHADOW, "root:*::::+7:::", "bad warn" },
		{ ACCT_SHADOW, "root:*::::\t7:::", "bad warn" },	/* strtoull() would skip the tab */
		{ ACCT_SHADOW, "root:*:::::0x1::", "bad inactive" },
		{ ACCT_SHADOW, "root:*::::::2147483648:", "bad expire" },
		{ ACCT_SHADOW, "root:*:1\r::::::", "bad lastchg" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		assert_bad(cases[i].kind, cases[i].line, cases[i].why);

	/* and the reason does not depend on the kind for the generic ones */
	for (int k = ACCT_PASSWD; k <= ACCT_SHADOW; k++) {
		static const char nul[] = "root:x:0\0:0::/:/bin/sh\n";
		struct acct_file f;

		ck_assert_int_eq(acct_file_parse((enum acct_kind) k, nul, sizeof(nul) - 1, &f), 0);
		ck_assert_uint_eq(f.n_lines, 1);
		ck_assert(f.lines[0].state == LINE_BAD);
		ck_assert_str_eq(acct_line_why(&f.lines[0]), "NUL byte in line");
		ck_assert_uint_eq(f.lines[0].len, sizeof(nul) - 2);
		acct_file_done(&f);
	}
}
END_TEST

START_TEST(acct_file_parse_id_limits)
{
	static const char *const bad[] = {
		"4294967295", "4294967296", "99999999999999999999999", "-1", "+1", " 1", "1 ",
		"\t1", "\r1", "0x10", "1e3", "1.0", "",
	};
	static const char *const good[] = { "0", "007", "65534", "4294967294" };
	char line[128];

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		snprintf(line, sizeof(line), "u:x:%s:0::/:/bin/sh", bad[i]);
		assert_bad(ACCT_PASSWD, line, "bad uid");
		snprintf(line, sizeof(line), "u:x:0:%s::/:/bin/sh", bad[i]);
		assert_bad(ACCT_PASSWD, line, "bad gid");
		snprintf(line, sizeof(line), "g:x:%s:", bad[i]);
		assert_bad(ACCT_GROUP, line, "bad gid");
	}
	for (size_t i = 0; i < ELEMENTSOF(good); i++) {
		struct acct_file f;

		snprintf(line, sizeof(line), "u:x:%s:%s::/:/bin/sh", good[i], good[i]);
		parse_str(ACCT_PASSWD, line, &f);
		ck_assert_uint_eq(f.n_entries, 1);
		ck_assert_uint_eq(f.pw[0].uid, strtoul(good[i], NULL, 10));
		ck_assert_uint_eq(f.pw[0].gid, strtoul(good[i], NULL, 10));
		acct_file_done(&f);
	}
	assert_state(ACCT_SHADOW, "u:*:2147483647:::::2147483647:", LINE_ENTRY);
}
END_TEST

START_TEST(acct_file_parse_blank_compat_comment)
{
	for (int k = ACCT_PASSWD; k <= ACCT_SHADOW; k++) {
		assert_state((enum acct_kind) k, "   ", LINE_BLANK);
		assert_state((enum acct_kind) k, "\t\r", LINE_BLANK);
		assert_state((enum acct_kind) k, "\r", LINE_BLANK);
		assert_state((enum acct_kind) k, "+", LINE_COMPAT);
		assert_state((enum acct_kind) k, "+@admins", LINE_COMPAT);
		assert_state((enum acct_kind) k, "-baduser", LINE_COMPAT);
		assert_state((enum acct_kind) k, "+::::::", LINE_COMPAT);
		assert_state((enum acct_kind) k, "-:x:0:0::/:/bin/sh", LINE_COMPAT);
		assert_state((enum acct_kind) k, "# root:x:0:0::/:/bin/sh", LINE_COMMENT);
		assert_state((enum acct_kind) k, "  #", LINE_COMMENT);
	}

	struct acct_file f;

	parse_str(ACCT_PASSWD, "\n\n", &f);
	ck_assert_uint_eq(f.n_lines, 2);
	ck_assert(f.lines[0].state == LINE_BLANK && f.lines[1].state == LINE_BLANK);
	ck_assert_uint_eq(f.lines[0].len, 0);
	ck_assert(f.lines[1].newline);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_parse_crlf)
{
	static const char data[] = "root:x:0:0:root:/root:/bin/bash\r\nbin:x:2:2::/bin:\r\n";
	struct acct_file f;

	parse_str(ACCT_PASSWD, data, &f);
	ck_assert_uint_eq(f.n_entries, 2);
	/* the CR is data: the shell really is "/bin/bash\r", as sshd would see it */
	ck_assert_str_eq(f.pw[0].shell, "/bin/bash\r");
	ck_assert_str_eq(f.pw[1].shell, "\r");
	ck_assert_str_eq(f.pw[0].name, "root");
	ck_assert_uint_eq(f.lines[0].len, strlen("root:x:0:0:root:/root:/bin/bash\r"));
	ck_assert_int_eq(f.lines[0].raw[f.lines[0].len - 1], '\r');
	acct_file_done(&f);

	parse_str(ACCT_SHADOW, "root:*:19000:0:99999:7:::\r\n", &f);
	ck_assert_uint_eq(f.n_entries, 1);
	ck_assert_str_eq(f.sp[0].flag, "\r");
	ck_assert_int_eq(f.sp[0].expire, -1);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_parse_long_line)
{
	static const char head[] = "u:x:1:1:", tail[] = ":/:/bin/sh";
	size_t len = ACCT_LINE_MAX;
	_cleanup_free_ char *line = malloc(len + 2);
	struct acct_file f;

	/* exactly ACCT_LINE_MAX bytes: still an entry */
	ck_assert_ptr_nonnull(line);
	memcpy(line, head, sizeof(head) - 1);
	memset(line + sizeof(head) - 1, 'g', len - (sizeof(head) - 1) - (sizeof(tail) - 1));
	memcpy(line + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, line, len, &f), 0);
	ck_assert(f.lines[0].state == LINE_ENTRY);
	ck_assert_uint_eq(strlen(f.pw[0].gecos), len - (sizeof(head) - 1) - (sizeof(tail) - 1));
	acct_file_done(&f);

	/* one byte more: bad, kept */
	memmove(line + 1, line, len);
	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, line, len + 1, &f), 0);
	ck_assert(f.lines[0].state == LINE_BAD);
	ck_assert_str_eq(acct_line_why(&f.lines[0]), "line too long");
	ck_assert_uint_eq(f.lines[0].len, len + 1);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_parse_too_many_lines)
{
	_cleanup_free_ char *nl = malloc(ACCT_LINES_MAX + 1);
	struct acct_file f = { .n_lines = 42 };

	ck_assert_ptr_nonnull(nl);
	memset(nl, '\n', ACCT_LINES_MAX);
	nl[ACCT_LINES_MAX] = 'x';
	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, nl, ACCT_LINES_MAX + 1, &f), -EFBIG);
	ck_assert_uint_eq(f.n_lines, 42);
	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, nl, ACCT_LINES_MAX, &f), 0);
	ck_assert_uint_eq(f.n_lines, ACCT_LINES_MAX);
	ck_assert_int_eq(acct_file_append_line(&f, "u:x:1:1::/:/bin/sh"), -EFBIG);
	ck_assert_uint_eq(f.n_lines, ACCT_LINES_MAX);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_parse_group_huge_members)
{
	/* half a million members on one line: parsed in linear time */
	size_t len = ACCT_LINE_MAX, n;
	_cleanup_free_ char *line = malloc(len);
	struct acct_file f;

	ck_assert_ptr_nonnull(line);
	memcpy(line, "g:x:1:", 6);
	for (size_t i = 6; i < len; i++)
		line[i] = (i % 2) ? 'u' : ',';
	ck_assert_int_eq(acct_file_parse(ACCT_GROUP, line, len, &f), 0);
	ck_assert(f.lines[0].state == LINE_ENTRY);
	n = strv_length(f.gr[0].members);
	ck_assert_uint_eq(n, (len - 6) / 2);
	ck_assert_str_eq(f.gr[0].members[n - 1], "u");
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_parse_bad_args)
{
	struct acct_file f = { .n_lines = 42 };

	ck_assert_int_eq(acct_file_parse((enum acct_kind) 7, "a", 1, &f), -EINVAL);
	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, NULL, 1, &f), -EINVAL);
	ck_assert_uint_eq(f.n_lines, 42);	/* untouched on error */
	ck_assert_int_eq(acct_file_parse(ACCT_GROUP, NULL, 0, &f), 0);
	ck_assert(f.present);
	ck_assert(f.kind == ACCT_GROUP);
	ck_assert_uint_eq(f.n_lines, 0);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_render_hand_cases)
{
	static const struct {
		const char *data;
		size_t len;
	} cases[] = {
#define C(s) { s, sizeof(s) - 1 }
		C(""),
		C("\n"),
		C("\n\n\n"),
		C("root:x:0:0:root:/root:/bin/bash"),
		C("root:x:0:0:root:/root:/bin/bash\r\nbin:x:1:1::/:/bin/sh\r\n"),
		C("root:x:0:0::/:/bin/sh\r"),
		C("a\n\n   \n\t\r\n\nb"),
		C("+\n+@admins\n-baduser\n+::::::\n-"),
		C("ro\0ot:x:0:0::/:/bin/sh\n\0\n\0"),
		C("\0"),
		C(":::::::\n::::\n:::::::::\n::"),
		C("# comment\nroot:x:0:0::/:/bin/sh\n  # indented\n"),
		C("\r\n\r\n\r"),
		C("\xff\xfe\x80:\x01\x7f\n\xef\xbb\xbfroot:x:0:0::/:/bin/sh\n"),
#undef C
	};
	const size_t big = 2u << 20;
	_cleanup_free_ char *huge = malloc(big + 64);

	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		for (int k = ACCT_PASSWD; k <= ACCT_SHADOW; k++)
			assert_roundtrip((enum acct_kind) k, cases[i].data, cases[i].len);
	for (int k = ACCT_PASSWD; k <= ACCT_SHADOW; k++)
		assert_roundtrip((enum acct_kind) k, NULL, 0);

	/* a 2 MiB line between two entries, with and without a final newline */
	ck_assert_ptr_nonnull(huge);
	strcpy(huge, "root:x:0:0::/:/bin/sh\n");
	size_t n = strlen(huge);
	for (size_t i = 0; i < big; i++)
		huge[n + i] = (char) (i % 7 == 0 ? ':' : 'a' + i % 26);
	n += big;
	memcpy(huge + n, "\nbin:x:1:1::/:/bin/sh\n", 22);
	n += 22;
	for (int k = ACCT_PASSWD; k <= ACCT_SHADOW; k++) {
		assert_roundtrip((enum acct_kind) k, huge, n);
		assert_roundtrip((enum acct_kind) k, huge, n - 1);
	}

	struct acct_file f;
	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, huge, n, &f), 0);
	ck_assert_uint_eq(f.n_lines, 3);
	ck_assert_uint_eq(f.n_entries, 2);
	ck_assert(f.lines[1].state == LINE_BAD);
	ck_assert_str_eq(acct_line_why(&f.lines[1]), "line too long");
	ck_assert_uint_eq(f.lines[1].len, big);
	ck_assert_str_eq(f.pw[1].name, "bin");
	ck_assert_uint_eq(f.pw[1].line, 2);
	acct_file_done(&f);
}
END_TEST

/*
 * Entry lines are kept split in place (':' and a member's ',' become NUL):
 * lines whose bytes look like what the split makes (empty fields, empty and
 * blank members, a CR, a line split first and then found bad) must still
 * render as read, alone and after an edit of another line, and the edit
 * must change only its own line.
 */
START_TEST(acct_file_render_split_entries)
{
	static const struct {
		enum acct_kind kind;
		const char *data;
		unsigned field;		/* edited on the file's first entry */
		const char *value, *edited;
	} cases[] = {
		{ ACCT_GROUP,
		  "g:x:1:a,,b, c,\r\nh::2:\nbad:x:x:a,b\ni:x:3:,,,\nj:x:4: , \n\nk:x:5:\t,z",
		  GR_PASSWD, "!",
		  "g:!:1:a,,b, c,\r\nh::2:\nbad:x:x:a,b\ni:x:3:,,,\nj:x:4: , \n\nk:x:5:\t,z" },
		{ ACCT_GROUP, "adm:x:4:syslog,alice\nsudo:x:27:\r\n", GR_MEMBERS, ",bob,,",
		  "adm:x:4:,bob,,\nsudo:x:27:\r\n" },
		{ ACCT_PASSWD,
		  "u::5:5:::\nbad:x:-1:0::/:/bin/sh\nv:x:6:6:a,b c:/h:/bin/sh\r\n+::::::\nw:x:7:7::/:",
		  PW_SHELL, "/bin/bash",
		  "u::5:5:::/bin/bash\nbad:x:-1:0::/:/bin/sh\nv:x:6:6:a,b c:/h:/bin/sh\r\n+::::::\nw:x:7:7::/:" },
		{ ACCT_SHADOW, "s:!:1:::::: \r\nbad:!:x:::::: \nt::::::::", SP_EXPIRE, "9",
		  "s:!:1:::::9: \r\nbad:!:x:::::: \nt::::::::" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct acct_file f;
		_cleanup_free_ char *out = NULL;
		size_t len = strlen(cases[i].data), out_len;

		assert_roundtrip(cases[i].kind, cases[i].data, len);
		parse_str(cases[i].kind, cases[i].data, &f);
		assert_consistent(&f);
		ck_assert_int_eq(acct_file_set_field(&f, 0, cases[i].field, cases[i].value), 1);
		assert_consistent(&f);
		ck_assert_int_eq(acct_file_render(&f, &out, &out_len), 0);
		ck_assert_uint_eq(out_len, strlen(cases[i].edited));
		ck_assert_str_eq(out, cases[i].edited);
		acct_file_done(&f);
	}

	/* The entries read the split fields. */
	struct acct_file g;
	parse_str(ACCT_GROUP, cases[0].data, &g);
	ck_assert_uint_eq(g.n_entries, 5);
	ck_assert_str_eq(g.gr[0].name, "g");
	ck_assert_str_eq(g.gr[0].passwd, "x");
	ck_assert_uint_eq(strv_length(g.gr[0].members), 3);
	ck_assert_str_eq(g.gr[0].members[0], "a");
	ck_assert_str_eq(g.gr[0].members[1], "b");
	ck_assert_str_eq(g.gr[0].members[2], "c");
	ck_assert_uint_eq(strv_length(g.gr[2].members), 0);
	ck_assert_str_eq(g.gr[4].members[0], "z");
	acct_file_done(&g);
}
END_TEST

/* splitmix64: small, portable, and the same sequence everywhere. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Random bytes, biased towards the ones the parser cares about; or a soup of plausible tokens. */
static size_t garbage(uint64_t *s, char *out)
{
	static const char special[] = { ':', '\n', '\0', '\r', ',', '+', '-', '#', ' ', '\t' };
	static const char *const tokens[] = {
		"root", "x", "0", "1000", "4294967294", "4294967295", "-1", "", "/bin/sh",
		"/bin/bash\r", "alice", "bob", "*", "!", "99999", "+", "#", " ",
	};
	size_t len = (size_t) (next_rand(s) % (GARBAGE_MAX + 1)), n = 0;

	if (next_rand(s) % 2 == 0) {
		while (n < len) {
			uint64_t r = next_rand(s);

			if (r % 3 == 0)
				out[n++] = special[(r >> 8) % sizeof(special)];
			else if (r % 3 == 1)
				out[n++] = (char) ('0' + (r >> 8) % 10);
			else
				out[n++] = (char) (r >> 8);
		}
		return n;
	}
	/* token soup: mostly field-shaped lines, so entries and edits get exercised */
	while (n < len) {
		uint64_t r = next_rand(s);
		const char *t = tokens[r % ELEMENTSOF(tokens)];
		size_t tl = strlen(t);

		if (n + tl + 1 > len)
			break;
		memcpy(out + n, t, tl);
		n += tl;
		r >>= 16;
		out[n++] = r % 10 == 0 ? '\n' : r % 10 == 1 ? (char) (r >> 8) : ':';
	}
	return n;
}

START_TEST(acct_file_render_random_garbage)
{
	static const char *const safe[] = { "x", "zz", "42", "/bin/sh" };
	_cleanup_free_ char *buf = malloc(GARBAGE_MAX + 1);
	uint64_t seed = GARBAGE_SEED;
	size_t entries = 0, bad = 0, edits = 0;

	ck_assert_ptr_nonnull(buf);
	printf("acct_file_render_random_garbage: seed 0x%016" PRIx64 ", %d buffers\n", seed, GARBAGE_RUNS);
	for (int run = 0; run < GARBAGE_RUNS; run++) {
		size_t len = garbage(&seed, buf);

		for (int k = ACCT_PASSWD; k <= ACCT_SHADOW; k++) {
			struct acct_file f;
			_cleanup_free_ char *before = NULL, *after = NULL;
			size_t before_len, after_len;

			assert_roundtrip((enum acct_kind) k, buf, len);

			/* an edit on garbage touches exactly its own line */
			ck_assert_int_eq(acct_file_parse((enum acct_kind) k, buf, len, &f), 0);
			entries += f.n_entries;
			bad += acct_file_bad_lines(&f);
			if (f.n_entries > 0) {
				size_t e = (size_t) (next_rand(&seed) % f.n_entries), line;
				unsigned field = (unsigned) (next_rand(&seed) % 2);	/* name or passwd: always valid */
				const char *v = safe[next_rand(&seed) % ELEMENTSOF(safe)];
				size_t n_lines = f.n_lines;
				char **old = calloc(n_lines, sizeof(char *));
				int r;

				ck_assert_ptr_nonnull(old);
				for (size_t i = 0; i < n_lines; i++)
					old[i] = f.lines[i].raw;
				line = entry_line_of(&f, e);
				ck_assert_int_eq(acct_file_render(&f, &before, &before_len), 0);
				r = acct_file_set_field(&f, e, field, v);
				ck_assert_msg(r == 0 || r == 1, "set_field: %d", r);
				ck_assert_uint_eq(f.n_lines, n_lines);
				for (size_t i = 0; i < n_lines; i++)
					if (i != line)
						ck_assert_ptr_eq(f.lines[i].raw, old[i]);
				assert_consistent(&f);
				ck_assert_int_eq(acct_file_render(&f, &after, &after_len), 0);
				if (r == 0)
					ck_assert(after_len == before_len && memcmp(after, before, after_len) == 0);
				else
					edits++;
				free(old);
			}
			acct_file_done(&f);
		}
	}
	printf("acct_file_render_random_garbage: %zu entries, %zu bad lines, %zu edits\n", entries, bad, edits);
	/* the generator must reach every path, or this test proves little */
	ck_assert_uint_gt(entries, 100);
	ck_assert_uint_gt(bad, 1000);
	ck_assert_uint_gt(edits, 100);
}
END_TEST

START_TEST(acct_file_bad_lines_count)
{
	struct acct_file f;

	parse_str(ACCT_PASSWD, "root:x:0:0::/:/bin/sh\nbroken\n\n+\n:x:1:1::/:\nok:x:1:1::/:\n#c\n", &f);
	ck_assert_uint_eq(f.n_lines, 7);
	ck_assert_uint_eq(acct_file_bad_lines(&f), 2);
	ck_assert_uint_eq(f.n_entries, 2);
	ck_assert_str_eq(acct_line_why(&f.lines[1]), "wrong number of fields");
	ck_assert_str_eq(acct_line_why(&f.lines[4]), "empty name");
	ck_assert_uint_eq(f.pw[1].line, 5);
	acct_file_done(&f);
}
END_TEST

/* Fill an accounts struct from three strings (NULL: file absent). */
static void load(struct accounts *a, const char *passwd, const char *group, const char *shadow)
{
	*a = (struct accounts) {
		.passwd.kind = ACCT_PASSWD,
		.group.kind = ACCT_GROUP,
		.shadow.kind = ACCT_SHADOW,
	};
	if (passwd)
		parse_str(ACCT_PASSWD, passwd, &a->passwd);
	if (group)
		parse_str(ACCT_GROUP, group, &a->group);
	if (shadow)
		parse_str(ACCT_SHADOW, shadow, &a->shadow);
}

START_TEST(accounts_user_by_name_first_match)
{
	struct accounts a;
	const struct pw_entry *pw;

	load(&a,
	     "+root\n"
	     "root:bad\n"
	     "root:x:0:0:first:/root:/bin/bash\n"
	     "root:x:5:5:second:/root:/bin/sh\n"
	     "alice:x:1000:1000::/home/alice:/bin/bash\n", NULL, NULL);
	pw = accounts_user_by_name(&a, "root");
	ck_assert_ptr_nonnull(pw);
	ck_assert_str_eq(pw->gecos, "first");
	ck_assert_uint_eq(pw->uid, 0);
	ck_assert_uint_eq(pw->line, 2);
	ck_assert_ptr_null(accounts_user_by_name(&a, "+root"));
	ck_assert_ptr_null(accounts_user_by_name(&a, "roo"));
	ck_assert_ptr_null(accounts_user_by_name(&a, "nobody"));
	ck_assert_str_eq(accounts_user_by_name(&a, "alice")->dir, "/home/alice");
	accounts_done(&a);
}
END_TEST

START_TEST(accounts_user_by_uid_first_match)
{
	struct accounts a;
	const struct pw_entry *pw;

	load(&a,
	     "toor:x:x:0::/:/bin/sh\n"
	     "toor:x:0:0::/:/bin/sh\n"
	     "root:x:0:0::/root:/bin/bash\n"
	     "nobody:x:65534:65534::/:/usr/sbin/nologin\n", NULL, NULL);
	pw = accounts_user_by_uid(&a, 0);
	ck_assert_ptr_nonnull(pw);
	ck_assert_str_eq(pw->name, "toor");
	ck_assert_uint_eq(pw->line, 1);
	ck_assert_str_eq(accounts_user_by_uid(&a, 65534)->name, "nobody");
	ck_assert_ptr_null(accounts_user_by_uid(&a, 1));
	ck_assert_ptr_null(accounts_user_by_uid(&a, (uid_t) -1));
	accounts_done(&a);
}
END_TEST

/*
 * acct_file_parse_take() lays the lines out in the buffer it was given,
 * last line first; acct_file_parse() copies.  Same lines, same states, same
 * bytes back, on every shape of input: no final newline, empty lines, NUL
 * bytes, CRLF, long lines, one byte, random bytes.
 */
START_TEST(acct_file_parse_take_same_as_copy)
{
	static const char *const fixed[] = {
		"", "\n", "x", "root:x:0:0:root:/root:/bin/bash", "root:x:0:0:root:/root:/bin/bash\n",
		"\n\n\nroot:x:0:0::/root:/bin/sh\n\n", "a:x:1:1::/:/bin/sh\r\nb:x:2:2::/:/bin/sh\r\n",
		"+::::::\n-bob\n# comment\n  lead:x:3:3::/:/bin/sh\nshort:x\n",
	};
	uint64_t seed = 0x5eedacc7ull;

	for (size_t i = 0; i < ELEMENTSOF(fixed) + 300; i++) {
		char buf[600];
		size_t len;
		if (i < ELEMENTSOF(fixed)) {
			len = strlen(fixed[i]);
			memcpy(buf, fixed[i], len);
		} else {
			/* Random lines of passwd-ish bytes, NUL and '\n' included. */
			static const char alphabet[] = "ab:01/\n\n\r\t #+-";
			len = (size_t) (seed % sizeof(buf));
			for (size_t k = 0; k < len; k++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				buf[k] = (seed >> 60) == 0 ? '\0' : alphabet[(seed >> 33) % (sizeof(alphabet) - 1)];
			}
			if (i % 7 == 0)
				for (size_t k = 0; k < len; k++)
					buf[k] = (char) (k % 5 == 4 ? '\n' : 'a' + (char) (k % 26));
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		}
		for (int kind = ACCT_PASSWD; kind <= ACCT_SHADOW; kind++) {
			struct acct_file a = {0}, b = {0};
			char *copy = malloc(len + 1), *ra = NULL, *rb = NULL;
			size_t la = 0, lb = 0;

			ck_assert_ptr_nonnull(copy);
			memcpy(copy, buf, len);
			ck_assert_int_eq(acct_file_parse((enum acct_kind) kind, buf, len, &a), 0);
			ck_assert_int_eq(acct_file_parse_take((enum acct_kind) kind, copy, len, &b), 0);
			ck_assert_uint_eq(a.n_lines, b.n_lines);
			ck_assert_uint_eq(a.n_entries, b.n_entries);
			for (size_t k = 0; k < a.n_lines; k++) {
				ck_assert_uint_eq(a.lines[k].len, b.lines[k].len);
				ck_assert_uint_eq(a.lines[k].state, b.lines[k].state);
				ck_assert(a.lines[k].newline == b.lines[k].newline);
				ck_assert_mem_eq(a.lines[k].raw, b.lines[k].raw, a.lines[k].len);
			}
			ck_assert_int_eq(acct_file_render(&b, &rb, &lb), 0);
			ck_assert_int_eq(acct_file_render(&a, &ra, &la), 0);
			ck_assert_uint_eq(lb, len);
			ck_assert_mem_eq(rb, buf, len);
			ck_assert_uint_eq(la, len);
			free(ra);
			free(rb);
			acct_file_done(&a);
			acct_file_done(&b);
		}
	}
}
END_TEST

START_TEST(accounts_group_by_gid_first_match)
{
	struct accounts a;

	load(&a, NULL, "+:::\nwheel:x:10:\nadmin:x:10:alice\nstaff:x:50:\n", NULL);
	ck_assert_str_eq(accounts_group_by_gid(&a, 10)->name, "wheel");
	ck_assert_str_eq(accounts_group_by_gid(&a, 50)->name, "staff");
	ck_assert_ptr_null(accounts_group_by_gid(&a, 0));
	accounts_done(&a);
}
END_TEST

START_TEST(accounts_group_by_name_first_match)
{
	struct accounts a;
	const struct gr_entry *gr;

	load(&a, NULL, "wheel:x:bad:\nwheel:x:10:\nwheel:x:11:bob\n", NULL);
	gr = accounts_group_by_name(&a, "wheel");
	ck_assert_ptr_nonnull(gr);
	ck_assert_uint_eq(gr->gid, 10);
	ck_assert_uint_eq(gr->line, 1);
	ck_assert_ptr_null(accounts_group_by_name(&a, "whee"));
	accounts_done(&a);
}
END_TEST

START_TEST(accounts_shadow_by_name_first_match)
{
	struct accounts a;
	const struct sp_entry *sp;

	load(&a, NULL, NULL, "root:!:1::::::\nroot:$6$x:2::::::\nalice:*::::::5:\n");
	sp = accounts_shadow_by_name(&a, "root");
	ck_assert_ptr_nonnull(sp);
	ck_assert_str_eq(sp->hash, "!");
	ck_assert_int_eq(sp->lastchg, 1);
	ck_assert_int_eq(accounts_shadow_by_name(&a, "alice")->expire, 5);
	ck_assert_ptr_null(accounts_shadow_by_name(&a, "bob"));
	accounts_done(&a);
}
END_TEST

START_TEST(accounts_lookup_absent_files)
{
	struct accounts a = {0};
	struct pw_entry pw = { .name = (char *) "alice", .gid = 7 };
	_cleanup_free_ gid_t *gids = NULL;
	size_t n;

	/* a zeroed struct (no files at all) answers NULL, never crashes */
	ck_assert_ptr_null(accounts_user_by_name(&a, "root"));
	ck_assert_ptr_null(accounts_user_by_uid(&a, 0));
	ck_assert_ptr_null(accounts_group_by_gid(&a, 0));
	ck_assert_ptr_null(accounts_group_by_name(&a, "root"));
	ck_assert_ptr_null(accounts_shadow_by_name(&a, "root"));
	ck_assert_int_eq(accounts_user_gids(&a, &pw, &gids, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(gids[0], 7);
	accounts_done(&a);
	accounts_done(&a);
	accounts_done(NULL);
}
END_TEST

START_TEST(accounts_user_gids_dedupe)
{
	struct accounts a;
	const struct pw_entry *pw;
	_cleanup_free_ gid_t *gids = NULL;
	size_t n = 0;

	load(&a, "alice:x:1000:100::/home/alice:/bin/bash\n",
	     "users:x:100:alice\n"		/* primary again: not repeated */
	     "sudo:x:27:bob,alice\n"
	     "+alice:::\n"			/* compat: ignored */
	     "adm:x:4:alice,alice\n"
	     "sudo2:x:27:alice\n"		/* same gid as sudo: once */
	     "broken:x:x:alice\n"		/* bad line: ignored */
	     "crlf:x:50:alice\r\n"		/* member is "alice\r": not alice */
	     "audio:x:29:carol,alice\n"
	     "video:x:44:alicex,xalice\n",
	     NULL);
	pw = accounts_user_by_name(&a, "alice");
	ck_assert_ptr_nonnull(pw);
	ck_assert_int_eq(accounts_user_gids(&a, pw, &gids, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(gids[0], 100);
	ck_assert_uint_eq(gids[1], 27);
	ck_assert_uint_eq(gids[2], 4);
	ck_assert_uint_eq(gids[3], 29);
	accounts_done(&a);
}
END_TEST

START_TEST(accounts_user_gids_many_groups)
{
	/* 20000 groups listing the user, gids repeating every 1000: 1000 distinct, in first-seen order */
	struct buf b = {0};
	struct accounts a;
	struct pw_entry pw = { .name = (char *) "u", .gid = 999 };
	_cleanup_free_ gid_t *gids = NULL;
	_cleanup_free_ char *group = NULL;
	size_t n;

	for (unsigned i = 0; i < 20000; i++)
		ck_assert_int_eq(buf_printf(&b, "g%u:x:%u:a,u\n", i, 1000 - i % 1000), 0);
	group = buf_steal(&b);
	load(&a, NULL, group, NULL);
	ck_assert_int_eq(accounts_user_gids(&a, &pw, &gids, &n), 0);
	ck_assert_uint_eq(n, 1000);		/* 999 is the primary and also in the list */
	ck_assert_uint_eq(gids[0], 999);
	ck_assert_uint_eq(gids[1], 1000);
	ck_assert_uint_eq(gids[2], 998);
	ck_assert_uint_eq(gids[999], 1);
	accounts_done(&a);
}
END_TEST

START_TEST(accounts_user_gids_bad_args)
{
	struct accounts a = {0};
	gid_t *gids = (gid_t *) 0x1;
	size_t n = 77;

	ck_assert_int_eq(accounts_user_gids(&a, NULL, &gids, &n), -EINVAL);
	ck_assert_ptr_eq(gids, (gid_t *) 0x1);
	ck_assert_uint_eq(n, 77);
}
END_TEST

START_TEST(acct_file_set_field_one_line)
{
	static const char in[] =
		"root:x:0:0:root:/root:/bin/bash\n"
		"broken line\n"
		"alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
		"bob:x:1001:1001::/home/bob:/bin/sh";
	struct acct_file f;
	_cleanup_free_ char *out = NULL, *out2 = NULL, *out3 = NULL;
	const struct pw_entry *pw;
	struct accounts a;

	parse_str(ACCT_PASSWD, in, &f);
	ck_assert_int_eq(acct_file_set_field(&f, 1, PW_SHELL, "/usr/bin/zsh"), 1);
	out = render_str(&f);
	ck_assert_str_eq(out,
			 "root:x:0:0:root:/root:/bin/bash\n"
			 "broken line\n"
			 "alice:x:1000:1000:Alice:/home/alice:/usr/bin/zsh\n"
			 "bob:x:1001:1001::/home/bob:/bin/sh");
	ck_assert_str_eq(f.pw[1].shell, "/usr/bin/zsh");
	ck_assert_uint_eq(f.pw[1].line, 2);

	/* numeric fields are parsed again; the last line keeps lacking its newline */
	ck_assert_int_eq(acct_file_set_field(&f, 2, PW_UID, "4242"), 1);
	ck_assert_uint_eq(f.pw[2].uid, 4242);
	ck_assert(!f.lines[3].newline);
	out2 = render_str(&f);
	ck_assert_str_eq(out2 + strlen(out2) - strlen("bob:x:4242:1001::/home/bob:/bin/sh"),
			 "bob:x:4242:1001::/home/bob:/bin/sh");

	/* first and middle fields, and an empty value */
	ck_assert_int_eq(acct_file_set_field(&f, 0, PW_NAME, "toor"), 1);
	ck_assert_int_eq(acct_file_set_field(&f, 0, PW_GECOS, ""), 1);
	out3 = render_str(&f);
	ck_assert(startswith(out3, "toor:x:0:0::/root:/bin/bash\nbroken line\nalice:"));
	assert_consistent(&f);

	/* lookups see the edit */
	a = (struct accounts) { .passwd = f, .group.kind = ACCT_GROUP, .shadow.kind = ACCT_SHADOW };
	pw = accounts_user_by_uid(&a, 0);
	ck_assert_ptr_nonnull(pw);
	ck_assert_str_eq(pw->name, "toor");
	ck_assert_ptr_null(accounts_user_by_name(&a, "root"));
	accounts_done(&a);
}
END_TEST

START_TEST(acct_file_set_field_crlf_shell)
{
	struct acct_file f;
	_cleanup_free_ char *out = NULL;

	parse_str(ACCT_PASSWD, "root:x:0:0::/root:/bin/bash\r\nbin:x:1:1::/:/bin/sh\r\n", &f);
	ck_assert_str_eq(f.pw[0].shell, "/bin/bash\r");
	/* another field: the CR stays where it was */
	ck_assert_int_eq(acct_file_set_field(&f, 0, PW_DIR, "/"), 1);
	ck_assert_str_eq(f.pw[0].shell, "/bin/bash\r");
	/* the shell itself: the CR goes, the other line keeps its own */
	ck_assert_int_eq(acct_file_set_field(&f, 0, PW_SHELL, "/bin/bash"), 1);
	ck_assert_str_eq(f.pw[0].shell, "/bin/bash");
	out = render_str(&f);
	ck_assert_str_eq(out, "root:x:0:0::/:/bin/bash\nbin:x:1:1::/:/bin/sh\r\n");
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_set_field_rejects)
{
	static const struct {
		unsigned field;
		const char *value;
	} bad[] = {
		{ PW_GECOS, "a:b" },
		{ PW_GECOS, "a\nb" },
		{ PW_SHELL, "/bin/sh\n" },
		{ PW_UID, "abc" },
		{ PW_UID, "4294967295" },
		{ PW_GID, "-1" },
		{ PW_NAME, "" },
		{ PW_NAME, "+root" },
		{ PW_NAME, "-root" },
		{ PW_NAME, "#root" },
		{ PW_NAME, " root" },
		{ _PW_FIELDS, "x" },
		{ 1000, "x" },
	};
	static const char in[] = "root:x:0:0::/root:/bin/bash\nalice:x:1:1::/:/bin/sh";
	struct acct_file f;

	parse_str(ACCT_PASSWD, in, &f);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		_cleanup_free_ char *out = NULL;

		ck_assert_msg(acct_file_set_field(&f, 0, bad[i].field, bad[i].value) == -EINVAL,
			      "field %u value '%s' accepted", bad[i].field, bad[i].value);
		out = render_str(&f);
		ck_assert_str_eq(out, in);
		ck_assert_str_eq(f.pw[0].name, "root");
	}
	ck_assert_int_eq(acct_file_set_field(&f, 2, PW_NAME, "x"), -EINVAL);
	ck_assert_int_eq(acct_file_set_field(&f, 0, PW_NAME, NULL), -EINVAL);
	acct_file_done(&f);

	/* group and shadow numeric fields are checked too */
	parse_str(ACCT_GROUP, "g:x:1:a\n", &f);
	ck_assert_int_eq(acct_file_set_field(&f, 0, GR_GID, "x"), -EINVAL);
	ck_assert_int_eq(acct_file_set_field(&f, 0, _GR_FIELDS, "x"), -EINVAL);
	ck_assert_uint_eq(f.gr[0].gid, 1);
	acct_file_done(&f);
	parse_str(ACCT_SHADOW, "u:*:1::::::\n", &f);
	ck_assert_int_eq(acct_file_set_field(&f, 0, SP_EXPIRE, "-5"), -EINVAL);
	ck_assert_int_eq(f.sp[0].expire, -1);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_set_field_same_value)
{
	struct acct_file f;
	char *raw;

	parse_str(ACCT_PASSWD, "root:x:0:0::/root:/bin/bash\n", &f);
	raw = f.lines[0].raw;
	ck_assert_int_eq(acct_file_set_field(&f, 0, PW_SHELL, "/bin/bash"), 0);
	ck_assert_ptr_eq(f.lines[0].raw, raw);		/* not even reallocated */
	ck_assert_int_eq(acct_file_set_field(&f, 0, PW_GECOS, ""), 0);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_set_field_group_shadow)
{
	struct acct_file f;
	_cleanup_free_ char *out = NULL, *out2 = NULL;

	parse_str(ACCT_GROUP, "sudo:x:27:bob\nusers:x:100:\n", &f);
	ck_assert_int_eq(acct_file_set_field(&f, 0, GR_MEMBERS, "bob,alice"), 1);
	ck_assert_uint_eq(strv_length(f.gr[0].members), 2);
	ck_assert_str_eq(f.gr[0].members[1], "alice");
	ck_assert_int_eq(acct_file_set_field(&f, 1, GR_GID, "101"), 1);
	ck_assert_uint_eq(f.gr[1].gid, 101);
	out = render_str(&f);
	ck_assert_str_eq(out, "sudo:x:27:bob,alice\nusers:x:101:\n");
	acct_file_done(&f);

	parse_str(ACCT_SHADOW, "root:!:19000:0:99999:7::1:\n", &f);
	ck_assert_int_eq(acct_file_set_field(&f, 0, SP_HASH, "*"), 1);
	ck_assert_int_eq(acct_file_set_field(&f, 0, SP_EXPIRE, ""), 1);
	ck_assert_int_eq(f.sp[0].expire, -1);
	ck_assert_str_eq(f.sp[0].hash, "*");
	out2 = render_str(&f);
	ck_assert_str_eq(out2, "root:*:19000:0:99999:7:::\n");
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_append_line_adds_newline)
{
	struct acct_file f;
	_cleanup_free_ char *out = NULL;
	struct accounts a;

	parse_str(ACCT_PASSWD, "root:x:0:0::/root:/bin/bash\n# c\nbroken", &f);
	ck_assert(!f.lines[2].newline);
	ck_assert_int_eq(acct_file_append_line(&f, "sshd:x:105:65534::/run/sshd:/usr/sbin/nologin"), 1);
	ck_assert_int_eq(acct_file_append_line(&f, "alice:x:1000:1000::/home/alice:/bin/bash\r"), 2);
	out = render_str(&f);
	ck_assert_str_eq(out,
			 "root:x:0:0::/root:/bin/bash\n# c\nbroken\n"
			 "sshd:x:105:65534::/run/sshd:/usr/sbin/nologin\n"
			 "alice:x:1000:1000::/home/alice:/bin/bash\r\n");
	ck_assert_uint_eq(f.n_lines, 5);
	ck_assert_uint_eq(f.pw[1].line, 3);
	assert_consistent(&f);

	a = (struct accounts) { .passwd = f, .group.kind = ACCT_GROUP, .shadow.kind = ACCT_SHADOW };
	ck_assert_uint_eq(accounts_user_by_name(&a, "sshd")->uid, 105);
	accounts_done(&a);
}
END_TEST

START_TEST(acct_file_append_line_rejects)
{
	static const char *const bad[] = {
		"a:x:1:1::/:/bin/sh\nb:x:2:2::/:/bin/sh",
		"a:x:1:1::/:/bin/sh\n",
		"a:x:1:1::/",
		"a:x:-1:1::/:/bin/sh",
		"",
		"   ",
		"+",
		"# comment",
		" a:x:1:1::/:/bin/sh",
	};
	struct acct_file f;

	parse_str(ACCT_PASSWD, "root:x:0:0::/:/bin/sh", &f);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		_cleanup_free_ char *out = NULL;

		ck_assert_msg(acct_file_append_line(&f, bad[i]) == -EINVAL, "'%s' appended", bad[i]);
		out = render_str(&f);
		ck_assert_str_eq(out, "root:x:0:0::/:/bin/sh");	/* not even the newline added */
		ck_assert_uint_eq(f.n_lines, 1);
	}
	ck_assert_int_eq(acct_file_append_line(&f, NULL), -EINVAL);
	acct_file_done(&f);
}
END_TEST

START_TEST(acct_file_append_line_empty_file)
{
	struct acct_file f = { .kind = ACCT_GROUP };	/* the file did not exist */
	_cleanup_free_ char *out = NULL;

	for (int i = 0; i < 100; i++) {
		char line[64];

		snprintf(line, sizeof(line), "g%d:x:%d:u", i, i);
		ck_assert_int_eq(acct_file_append_line(&f, line), i);
	}
	ck_assert(!f.present);
	ck_assert_uint_eq(f.n_entries, 100);
	ck_assert_str_eq(f.gr[99].name, "g99");
	ck_assert_str_eq(f.gr[0].members[0], "u");
	out = render_str(&f);
	ck_assert(startswith(out, "g0:x:0:u\ng1:x:1:u\n"));
	ck_assert_uint_eq(strlen(out), 10 * 9 + 90 * 11);
	assert_consistent(&f);
	acct_file_done(&f);
	ck_assert(f.kind == ACCT_GROUP);
	ck_assert_uint_eq(f.n_lines, 0);
	acct_file_done(&f);
	acct_file_done(NULL);
}
END_TEST

static Suite *accounts_suite(void)
{
	Suite *s = suite_create("accounts");
	TCase *tc = tcase_create("accounts");

	/* the garbage run parses 6000 buffers: allow for valgrind */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, acct_file_parse_passwd_valid);
	tcase_add_test(tc, acct_file_parse_take_same_as_copy);
	tcase_add_test(tc, acct_file_parse_group_valid);
	tcase_add_test(tc, acct_file_parse_group_members);
	tcase_add_test(tc, acct_file_parse_shadow_valid);
	tcase_add_test(tc, acct_file_parse_bad_lines);
	tcase_add_test(tc, acct_file_parse_id_limits);
	tcase_add_test(tc, acct_file_parse_blank_compat_comment);
	tcase_add_test(tc, acct_file_parse_crlf);
	tcase_add_test(tc, acct_file_parse_long_line);
	tcase_add_test(tc, acct_file_parse_too_many_lines);
	tcase_add_test(tc, acct_file_parse_group_huge_members);
	tcase_add_test(tc, acct_file_parse_bad_args);
	tcase_add_test(tc, acct_file_render_hand_cases);
	tcase_add_test(tc, acct_file_render_split_entries);
	tcase_add_test(tc, acct_file_render_random_garbage);
	tcase_add_test(tc, acct_file_bad_lines_count);
	tcase_add_test(tc, accounts_user_by_name_first_match);
	tcase_add_test(tc, accounts_user_by_uid_first_match);
	tcase_add_test(tc, accounts_group_by_gid_first_match);
	tcase_add_test(tc, accounts_group_by_name_first_match);
	tcase_add_test(tc, accounts_shadow_by_name_first_match);
	tcase_add_test(tc, accounts_lookup_absent_files);
	tcase_add_test(tc, accounts_user_gids_dedupe);
	tcase_add_test(tc, accounts_user_gids_many_groups);
	tcase_add_test(tc, accounts_user_gids_bad_args);
	tcase_add_test(tc, acct_file_set_field_one_line);
	tcase_add_test(tc, acct_file_set_field_crlf_shell);
	tcase_add_test(tc, acct_file_set_field_rejects);
	tcase_add_test(tc, acct_file_set_field_same_value);
	tcase_add_test(tc, acct_file_set_field_group_shadow);
	tcase_add_test(tc, acct_file_append_line_adds_newline);
	tcase_add_test(tc, acct_file_append_line_rejects);
	tcase_add_test(tc, acct_file_append_line_empty_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(accounts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
