/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/sshd_config.c: the line tokenizer against OpenSSH's
 * argv_split() (RULES §3.2), and loading fake roots: Key=value, keyword
 * case, first value wins, Include (globs, lexical order, relative to
 * /etc/ssh, depth 16, inside Match), Match scope, and hostile input.
 * Expectations marked D12 were checked against Debian 12's sshd -T.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "sshd_config.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

/* Fixed, printed seed: a failure can be replayed exactly. */
#define SPLIT_SEED 0x5017c0ffee123457ull
#define SPLIT_RUNS 20000
#define GARBAGE_SEED 0x6a7ba6e5eed00001ull

static char *root;
static struct target *t;
static struct sshd_config *c;

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void setup(void)
{
	root = tl_mkdtemp();
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/ssh", 0755);
	tl_mkdir(root, "etc/ssh/sshd_config.d", 0755);
	ck_assert_int_eq(target_new(root, &t), 0);
	c = NULL;
}

static void teardown(void)
{
	sshd_config_free(c);
	target_free(t);
	tl_rmtree(root);
	free(root);
	c = NULL;
	t = NULL;
	root = NULL;
}

static void write_bytes(const char *rel, const void *data, size_t len)
{
	_cleanup_free_ char *p = tl_path(root, rel);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_msg(fd >= 0, "open %s: %m", p);
	ck_assert_int_eq(write_all(fd, data, len), 0);
}

static void load(void)
{
	sshd_config_free(c);
	c = NULL;
	ck_assert_int_eq(sshd_config_load(t, SSHD_CONFIG_PATH, &c), 0);
	ck_assert_ptr_nonnull(c);
}

/* The first global value of keyword, which must exist. */
static const char *first_arg(const char *keyword)
{
	const struct sshd_option *o = sshd_config_first(c, keyword);

	ck_assert_msg(o != NULL, "no global %s", keyword);
	ck_assert_ptr_nonnull(o->args[0]);
	return o->args[0];
}

static const struct sshd_option *find_opt(const char *keyword, size_t nth)
{
	for (size_t i = 0; i < c->n_opts; i++)
		if (strcasecmp(c->opts[i].keyword, keyword) == 0 && nth-- == 0)
			return &c->opts[i];
	ck_abort_msg("no option %s", keyword);
	return NULL;
}

static bool has_diag(const char *needle)
{
	for (size_t i = 0; i < c->n_diags; i++)
		if (strstr(c->diags[i].message, needle))
			return true;
	return false;
}

static char *joined(char **v)
{
	struct buf b = {0};

	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			buf_putc(&b, '|');
		buf_printf(&b, "<%s>", v[i]);
	}
	return buf_steal(&b);
}

/* ---- the tokenizer ---- */

/*
 * OpenSSH's argv_split(s, ..., terminate_on_comment = 1) (misc.c, 8.7+),
 * ported line for line onto an explicit length and our vectors: the
 * reference the tokenizer must agree with.
 */
static int ref_argv_split(const char *s, size_t len, char ***ret)
{
	char **argv = calloc(1, sizeof(char *));
	size_t i, j;
	int quote;

	ck_assert_ptr_nonnull(argv);
#define S(k) ((k) < len ? s[k] : '\0')
	for (i = 0; S(i) != '\0'; i++) {
		if (S(i) == ' ' || S(i) == '\t')
			continue;
		if (S(i) == '#')
			break;
		quote = 0;
		char *arg = calloc(1, len - i + 1);
		ck_assert_ptr_nonnull(arg);
		ck_assert_int_eq(strv_push(&argv, arg), 0);
		for (j = 0; S(i) != '\0'; i++) {
			if (S(i) == '\\') {
				if (S(i + 1) == '\'' || S(i + 1) == '"' || S(i + 1) == '\\' ||
				    (quote == 0 && S(i + 1) == ' ')) {
					i++;
					arg[j++] = S(i);
				} else
					arg[j++] = S(i);
			} else if (quote == 0 && (S(i) == ' ' || S(i) == '\t'))
				break;
			else if (quote == 0 && (S(i) == '"' || S(i) == '\''))
				quote = S(i);
			else if (quote != 0 && S(i) == quote)
				quote = 0;
			else
				arg[j++] = S(i);
		}
		if (S(i) == '\0') {
			if (quote != 0) {
				strv_free(argv);
				return -EINVAL;
			}
			break;
		}
	}
#undef S
	*ret = argv;
	return 0;
}

static void assert_split(const char *line, const char *want)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_free_ char *got = NULL;

	ck_assert_msg(sshd_config_split_line(line, strlen(line), &v, NULL) == 0, "split '%s' failed", line);
	ck_assert_ptr_nonnull(v);
	got = joined(v);
	ck_assert_msg(strcmp(got, want) == 0, "split '%s': got '%s', want '%s'", line, got, want);
}

static void assert_split_fails(const char *line)
{
	char **v = NULL;

	ck_assert_msg(sshd_config_split_line(line, strlen(line), &v, NULL) == -EINVAL, "split '%s' did not fail", line);
	ck_assert_ptr_null(v);
}

START_TEST(sshd_config_split_line_whitespace)
{
	assert_split("", "");
	assert_split(" \t  ", "");
	assert_split("a", "<a>");
	assert_split("  a\tb  \t c ", "<a>|<b>|<c>");
	/* Only space and tab separate; other bytes are token bytes. */
	assert_split("a\vb", "<a\vb>");
}
END_TEST

START_TEST(sshd_config_split_line_quotes)
{
	assert_split("\"a b\" 'c d'", "<a b>|<c d>");
	/* Quotes group inside a token and may be adjacent to text. */
	assert_split("x\"y z\"w", "<xy zw>");
	assert_split("'a\"b' \"it's\"", "<a\"b>|<it's>");
	assert_split("\"\" a ''", "<>|<a>|<>");
	assert_split("\"a\"'b'c", "<abc>");
	assert_split("\"a\tb\"", "<a\tb>");
}
END_TEST

START_TEST(sshd_config_split_line_escapes)
{
	assert_split("a\\ b", "<a b>");
	assert_split("\\\" \\' \\\\", "<\">|<'>|<\\>");
	assert_split("\"a\\\"b\"", "<a\"b>");
	assert_split("'a\\'b'", "<a'b>");
	/* "\ " is an escape only outside quotes; inside, the backslash stays. */
	assert_split("\"a\\ b\"", "<a\\ b>");
	/* Unknown escapes and a trailing backslash are literal (no continuation). */
	assert_split("a\\nb c\\", "<a\\nb>|<c\\>");
	assert_split("a\\\tb", "<a\\>|<b>");
}
END_TEST

START_TEST(sshd_config_split_line_comments)
{
	assert_split("#x", "");
	assert_split("22 # a comment", "<22>");
	assert_split("22 #", "<22>");
	/* '#' ends the line only at the start of a token. */
	assert_split("a#b", "<a#b>");
	assert_split("a '#b'", "<a>|<#b>");
	assert_split("a \\#b", "<a>|<\\#b>");
	assert_split("a \"b # c\" # d", "<a>|<b # c>");
}
END_TEST

/* Millions of words on one line: refused in linear time and bounded memory. */
START_TEST(sshd_config_split_line_many_words)
{
	size_t n = 4u << 20;	/* 2 Mi one-letter words */
	char *line = malloc(n);
	char **argv = NULL;
	size_t count = 0;

	ck_assert_ptr_nonnull(line);
	for (size_t i = 0; i < n; i += 2) {
		line[i] = 'a';
		line[i + 1] = ' ';
	}
	ck_assert_int_eq(sshd_config_split_line(line, n, &argv, NULL), -E2BIG);
	ck_assert_ptr_null(argv);
	/* 60,000 words are fine, all of them kept. */
	ck_assert_int_eq(sshd_config_split_line(line, 120000, &argv, NULL), 0);
	while (argv[count])
		count++;
	ck_assert_uint_eq(count, 60000);
	strv_free(argv);
	free(line);
}
END_TEST

START_TEST(sshd_config_split_line_unbalanced_quotes)
{
	assert_split_fails("\"abc");
	assert_split_fails("'abc");
	assert_split_fails("a \"b c");
	assert_split_fails("\"a\\\"");	/* the escaped quote does not close */
	assert_split_fails("'a\"");
	/* A quote after the comment is never seen. */
	assert_split("a # \"b", "<a>");
}
END_TEST

START_TEST(sshd_config_split_line_honours_len)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_free_ char *got = NULL;
	/* Exact-size, not NUL-terminated: ASan catches a read past len. */
	char *s = malloc(5);

	ck_assert_ptr_nonnull(s);
	memcpy(s, "ab cd", 5);
	ck_assert_int_eq(sshd_config_split_line(s, 4, &v, NULL), 0);
	got = joined(v);
	ck_assert_str_eq(got, "<ab>|<c>");
	strv_free(v);
	v = NULL;
	/* A backslash as the last byte within len is literal. */
	memcpy(s, "ab\\\\x", 5);
	ck_assert_int_eq(sshd_config_split_line(s, 3, &v, NULL), 0);
	free(got);
	got = joined(v);
	ck_assert_str_eq(got, "<ab\\>");
	free(s);
}
END_TEST

START_TEST(sshd_config_split_line_matches_argv_split)
{
	static const char alphabet[] = "ab \t\"'\\#";
	char line[24];

	rng_state = SPLIT_SEED;
	fprintf(stderr, "split vs argv_split: seed 0x%llx, %d runs\n", (unsigned long long) SPLIT_SEED, SPLIT_RUNS);
	for (unsigned run = 0; run < SPLIT_RUNS; run++) {
		size_t len = (size_t) (rng() % sizeof(line));
		_cleanup_strv_free_ char **got = NULL, **want = NULL;

		for (size_t i = 0; i < len; i++)
			line[i] = alphabet[rng() % (sizeof(alphabet) - 1)];
		int rg = sshd_config_split_line(line, len, &got, NULL);
		int rw = ref_argv_split(line, len, &want);
		ck_assert_msg(rg == rw, "run %u '%.*s': %d, argv_split %d", run, (int) len, line, rg, rw);
		if (rg == 0) {
			_cleanup_free_ char *g = joined(got), *w = joined(want);
			ck_assert_msg(strcmp(g, w) == 0, "run %u '%.*s': '%s', argv_split '%s'", run, (int) len, line, g, w);
		}
	}
}
END_TEST

/* ---- loading ---- */

START_TEST(sshd_config_load_key_value_forms)
{
	tl_write(root, "etc/ssh/sshd_config",
		 "# comment\n"
		 "\n"
		 "Port=2222\n"
		 "PermitRootLogin = no\n"
		 "PasswordAuthentication =yes\n"
		 "UseDNS= no\n"
		 "   \tStrictModes\tno\n"
		 "Banner \"/etc/my banner\"\n"
		 "AuthorizedKeysFile .ssh/authorized_keys %h/.ssh/extra # trailing comment\n"
		 "Port\n"
		 "Ciphers \"aes128-ctr\n",
		 0644);
	load();
	ck_assert(c->main_present);
	ck_assert_str_eq(first_arg("Port"), "2222");
	ck_assert_str_eq(first_arg("PermitRootLogin"), "no");
	ck_assert_str_eq(first_arg("PasswordAuthentication"), "yes");
	ck_assert_str_eq(first_arg("UseDNS"), "no");
	ck_assert_str_eq(first_arg("StrictModes"), "no");
	ck_assert_str_eq(first_arg("Banner"), "/etc/my banner");
	const struct sshd_option *ak = sshd_config_first(c, "AuthorizedKeysFile");
	ck_assert_ptr_nonnull(ak);
	_cleanup_free_ char *akv = joined(ak->args);
	ck_assert_str_eq(akv, "<.ssh/authorized_keys>|<%h/.ssh/extra>");
	ck_assert_uint_eq(ak->line, 9);
	ck_assert_str_eq(ak->file, "/etc/ssh/sshd_config");
	ck_assert_int_eq(ak->match, -1);
	/* The bad lines are diags with their line numbers, not options. */
	ck_assert_uint_eq(c->n_opts, 7);
	ck_assert(has_diag("no argument after keyword"));
	ck_assert(has_diag("invalid quotes"));
	bool l10 = false, l11 = false;
	for (size_t i = 0; i < c->n_diags; i++) {
		l10 |= c->diags[i].line == 10;
		l11 |= c->diags[i].line == 11;
	}
	ck_assert(l10 && l11);
}
END_TEST

START_TEST(sshd_config_load_keywords_case_insensitive)
{
	tl_write(root, "etc/ssh/sshd_config", "pOrT 22\nPERMITROOTLOGIN Prohibit-Password\n", 0644);
	load();
	ck_assert_str_eq(first_arg("Port"), "22");
	ck_assert_str_eq(first_arg("port"), "22");
	ck_assert_str_eq(first_arg("PORT"), "22");
	/* Arguments keep their case; the keyword is kept as written. */
	ck_assert_str_eq(first_arg("permitrootlogin"), "Prohibit-Password");
	ck_assert_str_eq(sshd_config_first(c, "Port")->keyword, "pOrT");
	ck_assert_ptr_null(sshd_config_first(c, "Ports"));
}
END_TEST

START_TEST(sshd_config_first_value_wins)
{
	tl_write(root, "etc/ssh/sshd_config",
		 "PermitRootLogin no\n"
		 "permitrootlogin yes\n"
		 "Match User alice\n"
		 "  PasswordAuthentication yes\n"
		 "  PermitRootLogin without-password\n",
		 0644);
	load();
	const struct sshd_option *o = sshd_config_first(c, "PermitRootLogin");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(o->args[0], "no");
	ck_assert_uint_eq(o->line, 1);
	/* Only global values count for sshd_config_first(). */
	ck_assert_ptr_null(sshd_config_first(c, "PasswordAuthentication"));
	const struct sshd_option *m = sshd_config_in_match(c, "passwordauthentication");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->match, 0);
	ck_assert_uint_eq(c->n_matches, 1);
	_cleanup_free_ char *crit = joined(c->matches[0].criteria);
	ck_assert_str_eq(crit, "<User>|<alice>");
	ck_assert_ptr_null(sshd_config_in_match(c, "Port"));
}
END_TEST

START_TEST(sshd_config_load_include_glob_lexical_relative)
{
	tl_write(root, "etc/ssh/sshd_config",
		 "Include sshd_config.d/*.conf\n"
		 "PermitRootLogin yes\n"
		 "Include /etc/ssh/extra.conf\n",
		 0644);
	tl_write(root, "etc/ssh/sshd_config.d/20-b.conf", "PermitRootLogin prohibit-password\n", 0644);
	tl_write(root, "etc/ssh/sshd_config.d/10-a.conf", "\nPermitRootLogin no\n", 0644);
	tl_write(root, "etc/ssh/sshd_config.d/9-c.conf", "PasswordAuthentication no\n", 0644);
	tl_write(root, "etc/ssh/sshd_config.d/x.txt", "Port 1\n", 0644);
	tl_write(root, "etc/ssh/extra.conf", "Port 2200\n", 0644);
	load();
	_cleanup_free_ char *files = joined(c->files);
	/* Lexical, as glob(3): "10-a" < "20-b" < "9-c". */
	ck_assert_str_eq(files, "</etc/ssh/sshd_config>|</etc/ssh/sshd_config.d/10-a.conf>|"
				"</etc/ssh/sshd_config.d/20-b.conf>|</etc/ssh/sshd_config.d/9-c.conf>|"
				"</etc/ssh/extra.conf>");
	/* Debian's layout: the drop-in wins over the main file. */
	const struct sshd_option *o = sshd_config_first(c, "PermitRootLogin");
	ck_assert_str_eq(o->args[0], "no");
	ck_assert_str_eq(o->file, "/etc/ssh/sshd_config.d/10-a.conf");
	ck_assert_uint_eq(o->line, 2);
	ck_assert_str_eq(first_arg("Port"), "2200");
	ck_assert_uint_eq(c->n_diags, 0);
}
END_TEST

START_TEST(sshd_config_load_include_no_match_is_silent)
{
	tl_write(root, "etc/ssh/sshd_config",
		 "Include /etc/ssh/none/*.conf\n"
		 "Include missing.conf sshd_config.d/*.conf\n"
		 "Port 22\n",
		 0644);
	load();
	ck_assert_uint_eq(c->n_diags, 0);
	ck_assert_uint_eq(strv_length(c->files), 1);
	ck_assert_str_eq(first_arg("Port"), "22");
}
END_TEST

START_TEST(sshd_config_load_include_depth_limit)
{
	char rel[64], body[128];

	/* D12: main + a chain of 16 includes is accepted... */
	tl_write(root, "etc/ssh/sshd_config", "Include /etc/ssh/f1\n", 0644);
	for (int i = 1; i <= 16; i++) {
		snprintf(rel, sizeof(rel), "etc/ssh/f%d", i);
		if (i < 16)
			snprintf(body, sizeof(body), "Include f%d\n", i + 1);
		else
			snprintf(body, sizeof(body), "Port 216\n");
		tl_write(root, rel, body, 0644);
	}
	load();
	ck_assert_uint_eq(c->n_diags, 0);
	ck_assert_uint_eq(strv_length(c->files), 17);
	ck_assert_str_eq(first_arg("Port"), "216");

	/* ...and 17 is "Too many recursive configuration includes". */
	tl_write(root, "etc/ssh/f16", "Include f17\n", 0644);
	tl_write(root, "etc/ssh/f17", "Port 217\n", 0644);
	load();
	ck_assert(has_diag("Too many recursive configuration includes"));
	ck_assert_ptr_null(sshd_config_first(c, "Port"));
	ck_assert_uint_eq(strv_length(c->files), 17);
}
END_TEST

START_TEST(sshd_config_load_self_include_terminates)
{
	struct timespec a, b;

	tl_write(root, "etc/ssh/sshd_config", "Port 22\nInclude /etc/ssh/sshd_config\n", 0644);
	load();
	ck_assert(has_diag("Too many recursive configuration includes"));
	ck_assert_uint_eq(strv_length(c->files), 17);

	/*
	 * Two self-includes per file: a branching include bomb.  sshd stops at
	 * the first too-deep include; so must we, in well under a second, not
	 * after 2^17 file reads.
	 */
	tl_write(root, "etc/ssh/sshd_config", "Include sshd_config /etc/ssh/sshd_config.d/*.conf\n", 0644);
	tl_write(root, "etc/ssh/sshd_config.d/a.conf", "Include /etc/ssh/sshd_config.d/*.conf\n", 0644);
	tl_write(root, "etc/ssh/sshd_config.d/b.conf", "Include /etc/ssh/sshd_config.d/*.conf\n", 0644);
	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	alarm(60);
	load();
	alarm(0);
	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	ck_assert(has_diag("Too many recursive configuration includes"));
	ck_assert_uint_le(strv_length(c->files), 17);
	ck_assert_uint_le(c->n_diags, 1);
	ck_assert_int_lt(b.tv_sec - a.tv_sec, 10);
}
END_TEST

START_TEST(sshd_config_load_include_inside_match_keeps_context)
{
	tl_write(root, "etc/ssh/sshd_config",
		 "Port 22\n"
		 "Match User alice\n"
		 "  Include match.conf\n"
		 "  X11Forwarding yes\n",
		 0644);
	tl_write(root, "etc/ssh/match.conf",
		 "PasswordAuthentication yes\n"
		 "Match User bob\n"
		 "AllowTcpForwarding no\n",
		 0644);
	load();
	ck_assert_int_eq(find_opt("Port", 0)->match, -1);
	/* The included line is in alice's block... */
	ck_assert_int_eq(find_opt("PasswordAuthentication", 0)->match, 0);
	ck_assert_ptr_null(sshd_config_first(c, "PasswordAuthentication"));
	ck_assert_ptr_nonnull(sshd_config_in_match(c, "PasswordAuthentication"));
	/* ...the included file's own Match is bob's... */
	ck_assert_int_eq(find_opt("AllowTcpForwarding", 0)->match, 1);
	_cleanup_free_ char *crit = joined(c->matches[1].criteria);
	ck_assert_str_eq(crit, "<User>|<bob>");
	ck_assert_str_eq(c->matches[1].file, "/etc/ssh/match.conf");
	/* ...and after the Include, alice's block goes on. */
	ck_assert_int_eq(find_opt("X11Forwarding", 0)->match, 0);
}
END_TEST

START_TEST(sshd_config_load_match_in_include_ends_with_file)
{
	tl_write(root, "etc/ssh/sshd_config",
		 "Include sshd_config.d/*.conf\n"
		 "PasswordAuthentication no\n",
		 0644);
	tl_write(root, "etc/ssh/sshd_config.d/a.conf", "Match User bob\nPermitRootLogin yes\n", 0644);
	tl_write(root, "etc/ssh/sshd_config.d/b.conf", "PubkeyAuthentication yes\n", 0644);
	load();
	ck_assert_int_eq(find_opt("PermitRootLogin", 0)->match, 0);
	/* The next included file starts outside Match again. */
	ck_assert_int_eq(find_opt("PubkeyAuthentication", 0)->match, -1);
	/* So does the includer after the Include. */
	const struct sshd_option *o = sshd_config_first(c, "PasswordAuthentication");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(o->args[0], "no");
	ck_assert_ptr_null(sshd_config_first(c, "PermitRootLogin"));
}
END_TEST

START_TEST(sshd_config_load_missing_main_file)
{
	load();
	ck_assert(!c->main_present);
	ck_assert_uint_ge(c->n_diags, 1);
	ck_assert_str_eq(c->diags[0].file, SSHD_CONFIG_PATH);
	ck_assert_uint_eq(c->n_opts, 0);
	ck_assert_uint_eq(strv_length(c->files), 0);

	/* A directory in its place is no better. */
	tl_mkdir(root, "etc/ssh/sshd_config", 0755);
	load();
	ck_assert(!c->main_present);
	ck_assert_uint_ge(c->n_diags, 1);
}
END_TEST

START_TEST(sshd_config_load_long_line)
{
	const size_t n = 2u << 20;
	_cleanup_free_ char *data = malloc(n + 64);

	ck_assert_ptr_nonnull(data);
	memcpy(data, "Banner ", 7);
	memset(data + 7, 'x', n);
	memcpy(data + 7 + n, "\nPort 2200\n", 11);
	write_bytes("etc/ssh/sshd_config", data, 7 + n + 11);
	load();
	ck_assert_uint_eq(strlen(first_arg("Banner")), n);
	const struct sshd_option *p = sshd_config_first(c, "Port");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->args[0], "2200");
	ck_assert_uint_eq(p->line, 2);
}
END_TEST

START_TEST(sshd_config_load_binary_garbage)
{
	static const char some[] = "Include Match \"'\\#= \t\r\n\0*/";
	static const char *const tokens[] = {
		"Include ", "Match ", "User ", "Port ", "sshd_config ", "* ", "/etc/ssh/* ", "sshd_config.d/* ",
		"\"", "'", "\\", "#", "=", " ", "\t", "\r", "\n", "\n", "\n", "x",
	};
	const size_t n = 1u << 20;
	_cleanup_free_ unsigned char *data = malloc(n + 32);

	ck_assert_ptr_nonnull(data);
	rng_state = GARBAGE_SEED;
	fprintf(stderr, "sshd_config garbage: seed 0x%llx\n", (unsigned long long) GARBAGE_SEED);
	for (int round = 0; round < 6; round++) {
		size_t len = 0;

		if (round == 0) {	/* any byte, NULs included */
			for (; len < n; len++)
				data[len] = (unsigned char) rng();
		} else if (round == 1) {	/* config-like bytes */
			for (; len < n; len++)
				data[len] = (unsigned char) some[rng() % (sizeof(some) - 1)];
		} else {	/* config-like tokens: Includes of itself, quotes, Matches */
			while (len < n / 8) {
				const char *tok = tokens[rng() % ELEMENTSOF(tokens)];
				size_t tl = strlen(tok);

				if (rng() % 64 == 0)	/* now and then a NUL byte */
					tok = "", tl = 1;
				memcpy(data + len, tok, tl);
				len += tl;
			}
		}
		write_bytes("etc/ssh/sshd_config", data, len);
		alarm(60);
		load();
		alarm(0);
		ck_assert(c->main_present);
		ck_assert_str_eq(c->files[0], SSHD_CONFIG_PATH);
		for (size_t i = 0; i < c->n_opts; i++) {
			ck_assert_ptr_nonnull(c->opts[i].keyword);
			ck_assert_ptr_nonnull(c->opts[i].args);
			ck_assert_ptr_nonnull(c->opts[i].args[0]);
			ck_assert(c->opts[i].match < (int) c->n_matches);
		}
	}
}
END_TEST

START_TEST(sshd_config_load_crlf)
{
	/* D12: sshd strips trailing white space, '\r' and '\f' included. */
	tl_write(root, "etc/ssh/sshd_config",
		 "Port 2222\r\n"
		 "PermitRootLogin no\r\n"
		 "Banner \"/etc/issue net\"\r\n"
		 "Match User alice\r\n"
		 "  PasswordAuthentication yes \t\f\r\n",
		 0644);
	load();
	ck_assert_str_eq(first_arg("Port"), "2222");
	ck_assert_str_eq(first_arg("PermitRootLogin"), "no");
	ck_assert_str_eq(first_arg("Banner"), "/etc/issue net");
	ck_assert_uint_eq(c->n_matches, 1);
	_cleanup_free_ char *crit = joined(c->matches[0].criteria);
	ck_assert_str_eq(crit, "<User>|<alice>");
	ck_assert_str_eq(sshd_config_in_match(c, "PasswordAuthentication")->args[0], "yes");
	ck_assert_uint_eq(c->n_diags, 0);
}
END_TEST

static Suite *sshd_config_suite(void)
{
	Suite *s = suite_create("sshd_config");
	TCase *tc = tcase_create("sshd_config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, sshd_config_split_line_whitespace);
	tcase_add_test(tc, sshd_config_split_line_many_words);
	tcase_add_test(tc, sshd_config_split_line_quotes);
	tcase_add_test(tc, sshd_config_split_line_escapes);
	tcase_add_test(tc, sshd_config_split_line_comments);
	tcase_add_test(tc, sshd_config_split_line_unbalanced_quotes);
	tcase_add_test(tc, sshd_config_split_line_honours_len);
	tcase_add_test(tc, sshd_config_split_line_matches_argv_split);
	tcase_add_test(tc, sshd_config_load_key_value_forms);
	tcase_add_test(tc, sshd_config_load_keywords_case_insensitive);
	tcase_add_test(tc, sshd_config_first_value_wins);
	tcase_add_test(tc, sshd_config_load_include_glob_lexical_relative);
	tcase_add_test(tc, sshd_config_load_include_no_match_is_silent);
	tcase_add_test(tc, sshd_config_load_include_depth_limit);
	tcase_add_test(tc, sshd_config_load_self_include_terminates);
	tcase_add_test(tc, sshd_config_load_include_inside_match_keeps_context);
	tcase_add_test(tc, sshd_config_load_match_in_include_ends_with_file);
	tcase_add_test(tc, sshd_config_load_missing_main_file);
	tcase_add_test(tc, sshd_config_load_long_line);
	tcase_add_test(tc, sshd_config_load_binary_garbage);
	tcase_add_test(tc, sshd_config_load_crlf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sshd_config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
