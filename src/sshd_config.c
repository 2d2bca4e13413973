/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshd_config.h"
#include "util.h"

#define SSHDIR "/etc/ssh"

static const char WHITESPACE[] = " \t\r\n";

void sshd_config_free(struct sshd_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_opts; i++) {
		free(c->opts[i].keyword);
		strv_free(c->opts[i].args);
	}
	for (size_t i = 0; i < c->n_matches; i++)
		strv_free(c->matches[i].criteria);
	for (size_t i = 0; i < c->n_diags; i++) {
		free(c->diags[i].file);
		free(c->diags[i].message);
	}
	free(c->opts);
	free(c->matches);
	free(c->diags);
	strv_free(c->files);
	free(c);
}

/*
 * OpenSSH's argv_split() with terminate_on_comment (misc.c, 8.7+): tokens
 * split on space/tab outside quotes; '...' and "..." group; backslash
 * escapes \' \" \\ and (outside quotes) "\ "; a token starting with '#'
 * ends the line; an unclosed quote is an error.
 */
int sshd_config_split_line(const char *s, size_t len, char ***ret, bool *ret_comment)
{
	_cleanup_strv_free_ char **argv = NULL;
	bool comment = false;
	size_t i = 0, n = 0, cap = 8;

	argv = calloc(cap, sizeof(char *));
	if (!argv)
		return -ENOMEM;
	while (i < len) {
		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] == '#') {
			comment = true;
			break;
		}
		struct buf arg = {0};
		char quote = 0;
		for (; i < len; i++) {
			char c = s[i];
			if (c == '\\' && i + 1 < len &&
			    (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' || (quote == 0 && s[i + 1] == ' '))) {
				buf_putc(&arg, s[++i]);
			} else if (quote == 0 && (c == ' ' || c == '\t'))
				break;
			else if (quote == 0 && (c == '"' || c == '\''))
				quote = c;
			else if (quote != 0 && c == quote)
				quote = 0;
			else
				buf_putc(&arg, c);
		}
		if (quote != 0) {
			buf_done(&arg);
			return -EINVAL;
		}
		if (arg.len == 0)
			buf_puts(&arg, "");
		/* No keyword takes thousands of words; a hostile line of millions
		 * would cost gigabytes.  Room for the word and the NULL after it. */
		if (n + 2 > cap) {
			if (cap >= SSHD_CONFIG_WORDS_MAX) {
				buf_done(&arg);
				return -E2BIG;
			}
			char **v = reallocarray(argv, cap * 2, sizeof(char *));
			if (!v) {
				buf_done(&arg);
				return -ENOMEM;
			}
			argv = v;
			cap *= 2;
		}
		if (!(argv[n] = buf_steal(&arg)))
			return -ENOMEM;
		argv[++n] = NULL;
	}
	if (ret_comment)
		*ret_comment = comment;
	*ret = TAKE_PTR(argv);
	return 0;
}

size_t sshd_config_comment_offset(const char *s, size_t len)
{
	size_t i = 0;
	char quote = 0;
	bool token_start = false;

	/* The keyword: up to white space or '='. */
	while (i < len && strchr(WHITESPACE, s[i]))
		i++;
	while (i < len && !strchr(WHITESPACE, s[i]) && s[i] != '=')
		i++;
	/* One '=' may follow it (strdelim); a later '=' is part of a token ("SetEnv A=#b"). */
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && s[i] == '=')
		i++;
	token_start = true;
	for (; i < len; i++) {
		char c = s[i];
		if (quote == 0 && (c == ' ' || c == '\t')) {
			token_start = true;
			continue;
		}
		if (token_start && quote == 0 && c == '#')
			return i;
		token_start = false;
		/* Only the escapes of sshd_config_split_line(): "\<TAB>" leaves the tab a separator. */
		if (c == '\\' && i + 1 < len &&
		    (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' || (quote == 0 && s[i + 1] == ' ')))
			i++;
		else if (quote == 0 && (c == '"' || c == '\''))
			quote = c;
		else if (quote != 0 && c == quote)
			quote = 0;
	}
	return len;
}

struct loader {
	struct target *t;
	struct sshd_config *c;
	int oom;
	/* sshd's include depth check is fatal: once hit, read nothing more.  Going
	 * on would also make a file that includes itself twice cost 2^17 reads. */
	bool too_deep;
};

static void diag(struct loader *l, enum sshd_diag_kind kind, const char *file, unsigned line, const char *fmt, ...)
	_printf_(5, 6);
static void diag(struct loader *l, enum sshd_diag_kind kind, const char *file, unsigned line, const char *fmt, ...)
{
	struct sshd_diag *nd;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0) {
		va_end(ap);
		l->oom = -ENOMEM;
		return;
	}
	va_end(ap);
	nd = realloc(l->c->diags, (l->c->n_diags + 1) * sizeof(*nd));
	if (!nd) {
		free(msg);
		l->oom = -ENOMEM;
		return;
	}
	l->c->diags = nd;
	nd[l->c->n_diags] = (struct sshd_diag) { kind, NULL, line, msg };
	nd[l->c->n_diags].file = strdup(file);
	if (!nd[l->c->n_diags].file)
		l->oom = -ENOMEM;
	l->c->n_diags++;
}

static int add_option(struct loader *l, char *keyword, char **args, const char *file, unsigned line, int match,
		      bool comment)
{
	struct sshd_option *no = keyword && args ? realloc(l->c->opts, (l->c->n_opts + 1) * sizeof(*no)) : NULL;

	if (!no) {
		free(keyword);
		strv_free(args);
		return -ENOMEM;
	}
	l->c->opts = no;
	no[l->c->n_opts++] = (struct sshd_option) {
		.keyword = keyword, .args = args, .file = file, .line = line, .match = match,
		.kw = sshd_keyword_lookup(keyword), .trailing_comment = comment,
	};
	return 0;
}

static int add_match(struct loader *l, char **criteria, const char *file, unsigned line)
{
	struct sshd_match *nm = realloc(l->c->matches, (l->c->n_matches + 1) * sizeof(*nm));

	if (!nm) {
		strv_free(criteria);
		return -ENOMEM;
	}
	l->c->matches = nm;
	nm[l->c->n_matches++] = (struct sshd_match) { criteria, file, line };
	return (int) l->c->n_matches - 1;
}

static int load_file(struct loader *l, const char *path, unsigned depth, int match, bool is_main);

static int do_include(struct loader *l, char **args, const char *file, unsigned line, unsigned depth, int match)
{
	if (!args[0]) {
		diag(l, DIAG_NO_ARGUMENT, file, line, "Include missing filename argument");
		return 0;
	}
	for (size_t i = 0; args[i]; i++) {
		_cleanup_strv_free_ char **paths = NULL;
		_cleanup_free_ char *pattern = NULL;
		int r;

		/* '~' is never expanded by sshd here; a relative name is under /etc/ssh. */
		if (args[i][0] == '/' || args[i][0] == '~')
			pattern = strdup(args[i]);
		else
			pattern = path_join(SSHDIR, args[i]);
		if (!pattern)
			return -ENOMEM;
		if (pattern[0] != '/')
			continue;	/* "~/x" names nothing sshd can open */
		r = target_glob(l->t, pattern, &paths);
		if (r < 0)
			return r;
		for (size_t k = 0; paths[k]; k++) {
			if (depth + 1 > SSHD_INCLUDE_DEPTH_MAX) {
				diag(l, DIAG_INCLUDE_DEPTH, file, line, "Too many recursive configuration includes");
				l->too_deep = true;
				return 0;
			}
			r = load_file(l, paths[k], depth + 1, match, false);
			if (r < 0 || l->too_deep)
				return r;
		}
	}
	return 0;
}

static int parse_line(struct loader *l, const char *file, unsigned lineno, const char *s, size_t n,
		      unsigned depth, int *match)
{
	_cleanup_strv_free_ char **args = NULL;
	size_t i = 0, ks, ke;
	int r;

	/* sshd strips trailing white space and '\f' first, so CRLF files work (D12). */
	while (n > 0 && strchr(" \t\r\n\f", s[n - 1]))
		n--;
	/* The keyword ends at whitespace or '='; one '=' may separate it from the value. */
	while (i < n && strchr(WHITESPACE, s[i]))
		i++;
	ks = i;
	while (i < n && !strchr(WHITESPACE, s[i]) && s[i] != '=' && s[i] != '"')
		i++;
	ke = i;
	if (ke == ks || s[ks] == '#')
		return 0;
	while (i < n && strchr(WHITESPACE, s[i]))
		i++;
	if (i < n && s[i] == '=') {
		i++;
		while (i < n && strchr(WHITESPACE, s[i]))
			i++;
	}
	_cleanup_free_ char *keyword = strndup(s + ks, ke - ks);
	if (!keyword)
		return -ENOMEM;
	bool comment = false;
	r = sshd_config_split_line(s + i, n - i, &args, &comment);
	if (r == -EINVAL) {
		diag(l, DIAG_INVALID_QUOTES, file, lineno, "invalid quotes");
		return 0;
	}
	if (r == -E2BIG) {
		diag(l, DIAG_UNREADABLE, file, lineno, "more than %d words on one line; not read", SSHD_CONFIG_WORDS_MAX);
		return 0;
	}
	if (r < 0)
		return r;
	if (!args[0]) {
		diag(l, DIAG_NO_ARGUMENT, file, lineno, "no argument after keyword \"%.100s\"", keyword);
		return 0;
	}

	if (strcasecmp(keyword, "Include") == 0) {
		/* Kept as an option too: checks look at every line sshd reads. */
		_cleanup_strv_free_ char **copy = NULL;
		for (size_t k = 0; args[k]; k++)
			if (strv_push(&copy, strdup(args[k])) < 0)
				return -ENOMEM;
		r = add_option(l, strdup(keyword), TAKE_PTR(copy), file, lineno, *match, comment);
		if (r < 0)
			return r;
		return do_include(l, args, file, lineno, depth, *match);
	}
	if (strcasecmp(keyword, "Match") == 0) {
		r = add_match(l, TAKE_PTR(args), file, lineno);
		if (r < 0)
			return r;
		*match = r;
		return 0;
	}
	return add_option(l, TAKE_PTR(keyword), TAKE_PTR(args), file, lineno, *match, comment);
}

static int load_file(struct loader *l, const char *path, unsigned depth, int match, bool is_main)
{
	_cleanup_free_ char *data = NULL;
	const char *file;
	size_t len;
	int r;

	r = target_read_file(l->t, path, CONFIG_MAX, &data, &len);
	if (r < 0) {
		if (r == -ENOMEM)
			return r;
		/* sshd: a missing main file is fatal, a missing include glob match is not. */
		if (is_main || r != -ENOENT)
			diag(l, is_main && r == -ENOENT ? DIAG_MAIN_MISSING : DIAG_UNREADABLE, path, 0, "%s: %s",
			     is_main ? "cannot read the main configuration" : "cannot read",
			     strerror(-r));
		return l->oom;
	}
	r = strv_push(&l->c->files, strdup(path));
	if (r < 0)
		return r;
	file = l->c->files[strv_length(l->c->files) - 1];
	if (is_main)
		l->c->main_present = true;

	/* A Match opened in this file ends with it; the includer's context comes back. */
	int cur_match = match;
	unsigned lineno = 0;
	for (size_t off = 0; off < len;) {
		const char *s = data + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t) (nl - s) : len - off;
		off += n + (nl ? 1 : 0);
		lineno++;
		/* sshd handles each line as a C string: a NUL byte ends it. */
		n = strnlen(s, n);
		r = parse_line(l, file, lineno, s, n, depth, &cur_match);
		if (r < 0)
			return r;
		if (l->oom)
			return l->oom;
		if (l->too_deep)
			break;
	}
	return 0;
}

int sshd_config_load(struct target *t, const char *path, struct sshd_config **ret)
{
	struct loader l = { .t = t };
	int r;

	l.c = calloc(1, sizeof(*l.c));
	if (!l.c)
		return -ENOMEM;
	r = load_file(&l, path, 0, -1, true);
	if (r < 0) {
		sshd_config_free(l.c);
		return r;
	}
	*ret = l.c;
	return 0;
}

const struct sshd_option *sshd_config_first(const struct sshd_config *c, const char *keyword)
{
	for (size_t i = 0; c && i < c->n_opts; i++)
		if (c->opts[i].match < 0 && strcasecmp(c->opts[i].keyword, keyword) == 0)
			return &c->opts[i];
	return NULL;
}

const struct sshd_option *sshd_config_in_match(const struct sshd_config *c, const char *keyword)
{
	for (size_t i = 0; c && i < c->n_opts; i++)
		if (c->opts[i].match >= 0 && strcasecmp(c->opts[i].keyword, keyword) == 0)
			return &c->opts[i];
	return NULL;
}
