/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "client_config.h"
#include "sha256.h"
#include "sshd_config.h"
#include "sshmatch.h"
#include "util.h"

#define SYSTEM_SSHDIR "/etc/ssh"

struct loader {
	struct asuser *rd;
	const struct client_config_context *ctx;
	struct client_config *c;
	bool stop;		/* ssh's depth check is fatal, or the budget is spent: read nothing more */
	size_t requests;	/* reads and globs asked of the reader */
	size_t bytes;		/* bytes read */
};

/* How far an included file's Host lines may apply: its Include's state (ssh's NEVERMATCH, or unknown). */
enum cap {
	CAP_NEVER = 0,
	CAP_UNKNOWN = -1,
	CAP_NORMAL = 1,
};

/* A diagnostic about a line (0: the file): only what it is and where; keyword is taken. */
static int diag(struct loader *l, enum client_config_diag_kind kind, size_t file_index, unsigned line, char *keyword,
		int error)
{
	struct client_config_diag *nd = realloc(l->c->diags, (l->c->n_diags + 1) * sizeof(*nd));

	if (!nd) {
		free(keyword);
		return -ENOMEM;
	}
	l->c->diags = nd;
	nd[l->c->n_diags++] = (struct client_config_diag) {
		.kind = kind, .file = l->c->files[file_index].path, .file_index = file_index, .line = line,
		.keyword = keyword, .error = error,
	};
	return 0;
}

/* Is there budget for one more request at this Include?  Else a diag, once, and nothing more is read. */
static int budget(struct loader *l, size_t file, unsigned line)
{
	if (l->requests < CLIENT_CONFIG_REQUESTS_MAX && l->bytes < CLIENT_CONFIG_BYTES_MAX) {
		l->requests++;
		return 0;
	}
	l->stop = true;
	return diag(l, CCD_TOO_MANY_FILES, file, line, NULL, 0) < 0 ? -ENOMEM : 1;
}

char *client_config_keyword_display(const char *word)
{
	size_t n = word ? strlen(word) : 0;

	if (n == 0 || n > 40 || strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != n)
		return NULL;
	_cleanup_free_ char *e = escape_display(word);
	char *q = NULL;
	if (!e || asprintf(&q, "\"%s\"", e) < 0)
		return NULL;
	return q;
}

int client_config_tilde(const char *path, const char *home, const struct accounts *a, char **ret)
{
	const char *slash, *base;
	char *s;

	if (path[0] != '~') {
		s = strdup(path);
		goto done;
	}
	slash = strchrnul(path, '/');
	if (slash == path + 1)
		base = home;
	else {
		_cleanup_free_ char *name = strndup(path + 1, (size_t) (slash - path - 1));
		const struct pw_entry *pw;
		if (!name)
			return -ENOMEM;
		pw = a ? accounts_user_by_name(a, name) : NULL;
		if (!pw || !pw->dir || pw->dir[0] != '/')
			return 1;
		base = pw->dir;
	}
	s = *slash ? path_join(base, slash + 1) : strdup(base);
done:
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

bool client_config_host_matches(char *const *patterns, const char *host)
{
	bool yes = false;

	for (size_t i = 0; patterns && patterns[i]; i++) {
		const char *p = patterns[i];
		bool negated = *p == '!';
		if (!sshmatch_pattern(host, negated ? p + 1 : p))
			continue;
		if (negated)
			return false;
		yes = true;
	}
	return yes;
}

const struct client_config_option *client_config_first(const struct client_config *c, const char *keyword)
{
	for (size_t i = 0; c && i < c->n_opts; i++)
		if (c->opts[i].active == 1 && strcasecmp(c->opts[i].keyword, keyword) == 0)
			return &c->opts[i];
	return NULL;
}

static int add_option(struct loader *l, char *keyword, char **args, size_t file_index, unsigned line, int active,
		      const char *block_file, unsigned block_line)
{
	struct client_config_option *no = realloc(l->c->opts, (l->c->n_opts + 1) * sizeof(*no));

	if (!no) {
		free(keyword);
		strv_free(args);
		return -ENOMEM;
	}
	l->c->opts = no;
	no[l->c->n_opts++] = (struct client_config_option) {
		.keyword = keyword, .args = args, .file = l->c->files[file_index].path, .file_index = file_index,
		.line = line, .active = active, .block_file = block_file, .block_line = block_line,
	};
	return 0;
}

/* The state a Host or Match line leaves, under the cap of the file it is in. */
static int block_state(const struct loader *l, const char *keyword, char **args, enum cap cap)
{
	if (cap == CAP_NEVER)
		return 0;
	if (strcasecmp(keyword, "Match") == 0) {
		bool all = args[0] && strcasecmp(args[0], "all") == 0 && !args[1];
		return all && cap == CAP_NORMAL ? 1 : -1;
	}
	if (!l->ctx->host)
		return -1;
	if (!client_config_host_matches(args, l->ctx->host))
		return 0;
	return cap == CAP_NORMAL ? 1 : -1;
}

struct state {
	int active;		/* ssh's *activep, or -1 when it cannot be known */
	const char *block_file;
	unsigned block_line;
};

static int load_file(struct loader *l, const char *path, unsigned depth, size_t from, unsigned from_line,
		     enum cap cap, struct state *st);

static int do_include(struct loader *l, char **args, size_t file, unsigned line, unsigned depth, struct state *st)
{
	const char *dir = l->ctx->system ? SYSTEM_SSHDIR : NULL;
	int r;

	for (size_t i = 0; args[i]; i++) {
		_cleanup_strv_free_ char **paths = NULL;
		_cleanup_free_ char *pattern = NULL;

		if (args[i][0] == '~' && l->ctx->system)
			return diag(l, CCD_BAD_INCLUDE, file, line, NULL, 0);
		if (args[i][0] == '~') {
			r = client_config_tilde(args[i], l->ctx->home, l->ctx->accounts, &pattern);
			if (r < 0)
				return r;
			if (r > 0)
				continue;	/* glob(3) leaves "~nobody/x" alone: it matches no file */
		} else if (args[i][0] == '/')
			pattern = strdup(args[i]);
		else if (dir)
			pattern = path_join(dir, args[i]);
		else {
			_cleanup_free_ char *ssh_dir = path_join(l->ctx->home, ".ssh");
			pattern = ssh_dir ? path_join(ssh_dir, args[i]) : NULL;
		}
		if (!pattern)
			return -ENOMEM;
		if (pattern[0] != '/')
			continue;
		r = budget(l, file, line);
		if (r != 0)
			return r < 0 ? r : 0;
		/* Globbed as the user: a directory only root may list matches nothing, as for ssh. */
		r = asuser_glob(l->rd, pattern, &paths);
		if (r == -E2BIG || r == -ENAMETOOLONG) {
			r = diag(l, CCD_UNREADABLE, file, line, NULL, r);
			if (r < 0)
				return r;
			continue;
		}
		if (r < 0)
			return r;
		/* Parse only when the Include stands in a block that does not apply. */
		enum cap cap = st->active == 1 ? CAP_NORMAL : st->active == 0 ? CAP_NEVER : CAP_UNKNOWN;
		for (size_t k = 0; paths[k]; k++) {
			struct state saved = *st;
			if (depth + 1 > CLIENT_CONFIG_DEPTH_MAX) {
				l->stop = true;
				return diag(l, CCD_INCLUDE_DEPTH, file, line, NULL, 0);
			}
			r = budget(l, file, line);
			if (r != 0)
				return r < 0 ? r : 0;
			r = load_file(l, paths[k], depth + 1, file, line, cap, st);
			/* Match/Host inside an included file do not change the includer's state. */
			*st = saved;
			if (r < 0 || l->stop)
				return r;
		}
	}
	return 0;
}

static int parse_line(struct loader *l, size_t file, unsigned lineno, const char *s, size_t n, unsigned depth,
		      enum cap cap, struct state *st)
{
	_cleanup_strv_free_ char **args = NULL;
	size_t i = 0, ks, ke;
	int r;

	/* ssh strips trailing white space and '\f' first. */
	while (n > 0 && strchr(" \t\r\n\f", s[n - 1]))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	ks = i;
	while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '=')
		i++;
	ke = i;
	if (ke == ks || s[ks] == '#')
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] == '=') {
		i++;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
	}
	_cleanup_free_ char *keyword = strndup(s + ks, ke - ks);
	if (!keyword)
		return -ENOMEM;
	/* ssh splits its lines as sshd does (argv_split(), terminate_on_comment). */
	r = sshd_config_split_line(s + i, n - i, &args, NULL);
	if (r == -EINVAL)
		return diag(l, CCD_INVALID_QUOTES, file, lineno, NULL, 0);
	if (r == -E2BIG)
		return diag(l, CCD_TOO_MANY_WORDS, file, lineno, NULL, 0);
	if (r < 0)
		return r;
	if (!args[0])
		return diag(l, CCD_NO_ARGUMENT, file, lineno, TAKE_PTR(keyword), 0);

	if (strcasecmp(keyword, "Host") == 0 || strcasecmp(keyword, "Match") == 0) {
		st->active = block_state(l, keyword, args, cap);
		st->block_file = l->c->files[file].path;
		st->block_line = lineno;
	}
	if (strcasecmp(keyword, "Include") == 0) {
		_cleanup_strv_free_ char **copy = NULL;
		for (size_t k = 0; args[k]; k++)
			if (strv_push(&copy, strdup(args[k])) < 0)
				return -ENOMEM;
		r = add_option(l, strdup(keyword), TAKE_PTR(copy), file, lineno, st->active, st->block_file,
			       st->block_line);
		if (r < 0)
			return r;
		return do_include(l, args, file, lineno, depth, st);
	}
	return add_option(l, TAKE_PTR(keyword), TAKE_PTR(args), file, lineno, st->active, st->block_file,
			  st->block_line);
}

static int add_file(struct loader *l, const char *path, size_t from, unsigned from_line, unsigned depth,
		    const struct asuser_file *f, size_t *ret)
{
	struct client_config_file *nf = realloc(l->c->files, (l->c->n_files + 1) * sizeof(*nf));
	char *p = strdup(path);

	if (nf)
		l->c->files = nf;
	if (!nf || !p) {
		free(p);
		return -ENOMEM;
	}
	nf[l->c->n_files] = (struct client_config_file) {
		.path = p, .from = from == SIZE_MAX ? NULL : l->c->files[from].path, .from_index = from,
		.from_line = from_line, .depth = depth, .error = f->error, .has_stat = f->has_stat,
		.indirect = f->indirect, .st = f->st,
	};
	if (f->error == 0) {
		struct sha256 h;
		sha256_init(&h);
		sha256_update(&h, f->data, f->len);
		sha256_final(&h, nf[l->c->n_files].sha256);
	}
	*ret = l->c->n_files++;
	return 0;
}

static int parse_data(struct loader *l, size_t file, const char *data, size_t len, unsigned depth, enum cap cap,
		      struct state *st)
{
	unsigned lineno = 0;
	int r;

	for (size_t off = 0; off < len;) {
		const char *s = data + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t) (nl - s) : len - off;
		size_t cut = strnlen(s, n);

		off += n + (nl ? 1 : 0);
		lineno++;
		if (cut < n) {
			r = diag(l, CCD_NUL, file, lineno, NULL, 0);
			if (r < 0)
				return r;
		}
		r = parse_line(l, file, lineno, s, cut, depth, cap, st);
		if (r < 0)
			return r;
		if (l->stop)
			break;
	}
	return 0;
}

static int load_file(struct loader *l, const char *path, unsigned depth, size_t from, unsigned from_line,
		     enum cap cap, struct state *st)
{
	struct asuser_file f;
	size_t file;
	int r;

	/* As the user: a file ssh could not open is not read here either. */
	r = asuser_read(l->rd, path, CONFIG_MAX, 0, &f);
	if (r < 0)
		return r;
	/* ssh skips a file that does not open; fopen() of a directory works and reads nothing. */
	if (f.error == -ENOENT || f.error == -EISDIR) {
		asuser_file_done(&f);
		return 0;
	}
	l->bytes += f.len;
	r = add_file(l, path, from, from_line, depth, &f, &file);
	if (r == 0 && f.error == -EFBIG)
		r = diag(l, CCD_TOO_LARGE, file, 0, NULL, 0);
	else if (r == 0 && f.error < 0)
		r = diag(l, CCD_UNREADABLE, file, 0, NULL, f.error);
	else if (r == 0)
		r = parse_data(l, file, f.data, f.len, depth, cap, st);
	asuser_file_done(&f);
	return r;
}

int client_config_load(struct asuser *rd, const char *path, const struct client_config_context *ctx,
		       struct client_config **ret)
{
	struct loader l = { .rd = rd, .ctx = ctx };
	struct state st = { .active = 1 };
	int r;

	l.c = calloc(1, sizeof(*l.c));
	if (!l.c)
		return -ENOMEM;
	r = load_file(&l, path, 0, SIZE_MAX, 0, CAP_NORMAL, &st);
	if (r < 0) {
		client_config_free(l.c);
		return r;
	}
	*ret = l.c;
	return 0;
}

void client_config_free(struct client_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_files; i++)
		free(c->files[i].path);
	for (size_t i = 0; i < c->n_opts; i++) {
		free(c->opts[i].keyword);
		strv_free(c->opts[i].args);
	}
	for (size_t i = 0; i < c->n_diags; i++)
		free(c->diags[i].keyword);
	free(c->files);
	free(c->opts);
	free(c->diags);
	free(c);
}

void client_config_bad_options_free(struct client_config_bad_option *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].file);
		free(v[i].keyword);
	}
	free(v);
}

int client_config_bad_options(const char *output, struct client_config_bad_option **ret, size_t *ret_n)
{
	static const char marker[] = ": Bad configuration option: ";
	struct client_config_bad_option *v = NULL;
	size_t n = 0;

	for (const char *p = output; p && *p;) {
		const char *eol = strchrnul(p, '\n'), *m = memmem(p, (size_t) (eol - p), marker, strlen(marker));
		const char *at;
		char *end;
		unsigned long line;

		/* "FILE: line N" before the marker; FILE may hold ": line " itself. */
		for (at = m ? m : p; m && at > p; at--)
			if (at[-1] == ':' && strncmp(at, " line ", 6) == 0)
				break;
		if (m && at > p + 1 && (line = strtoul(at + 6, &end, 10)) > 0 && line <= UINT_MAX && end == m &&
		    eol > m + strlen(marker)) {
			struct client_config_bad_option *nv = realloc(v, (n + 1) * sizeof(*nv));
			if (!nv) {
				client_config_bad_options_free(v, n);
				return -ENOMEM;
			}
			v = nv;
			const char *kw = m + strlen(marker);
			size_t kn = (size_t) (eol - kw);
			if (kn > 0 && kw[kn - 1] == '\r')
				kn--;
			v[n] = (struct client_config_bad_option) { strndup(p, (size_t) (at - 1 - p)), (unsigned) line,
								   strndup(kw, kn) };
			if (!v[n].file || !v[n].keyword) {
				client_config_bad_options_free(v, n + 1);
				return -ENOMEM;
			}
			n++;
		}
		p = *eol ? eol + 1 : eol;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

const struct client_config_option *client_config_match_bad_option(const struct client_config *c,
								  const struct client_config_bad_option *b)
{
	/* Options are in file order, so one pass; a file read twice (Include twice) has several entries. */
	for (size_t i = 0; c && b && b->file && b->keyword && i < c->n_opts; i++) {
		const struct client_config_option *o = &c->opts[i];
		if (o->line == b->line && streq(o->file, b->file) && strcasecmp(o->keyword, b->keyword) == 0)
			return o;
	}
	return NULL;
}
