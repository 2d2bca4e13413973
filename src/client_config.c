/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "client_config.h"
#include "sshd_config.h"
#include "sshmatch.h"
#include "util.h"

#define SYSTEM_SSHDIR "/etc/ssh"

struct loader {
	struct target *t;
	const struct client_config_context *ctx;
	struct client_config *c;
	bool too_deep;		/* ssh's depth check is fatal: read nothing more */
};

/* How far an included file's Host lines may apply: its Include's state (ssh's NEVERMATCH, or unknown). */
enum cap {
	CAP_NEVER = 0,
	CAP_UNKNOWN = -1,
	CAP_NORMAL = 1,
};

static int diag(struct loader *l, enum client_config_diag_kind kind, const char *file, unsigned line,
		const char *fmt, ...) _printf_(5, 6);
static int diag(struct loader *l, enum client_config_diag_kind kind, const char *file, unsigned line,
		const char *fmt, ...)
{
	struct client_config_diag *nd;
	va_list ap;
	char *msg;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	nd = realloc(l->c->diags, (l->c->n_diags + 1) * sizeof(*nd));
	if (!nd) {
		free(msg);
		return -ENOMEM;
	}
	l->c->diags = nd;
	nd[l->c->n_diags++] = (struct client_config_diag) { kind, file, line, msg };
	return 0;
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

static int add_option(struct loader *l, char *keyword, char **args, const char *file, unsigned line, int active,
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
		.keyword = keyword, .args = args, .file = file, .line = line, .active = active,
		.block_file = block_file, .block_line = block_line,
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

static int load_file(struct loader *l, const char *path, unsigned depth, const char *from, unsigned from_line,
		     enum cap cap, struct state *st);

static int do_include(struct loader *l, char **args, const char *file, unsigned line, unsigned depth,
		      struct state *st)
{
	const char *dir = l->ctx->system ? SYSTEM_SSHDIR : NULL;
	int r;

	for (size_t i = 0; args[i]; i++) {
		_cleanup_strv_free_ char **paths = NULL;
		_cleanup_free_ char *pattern = NULL;

		if (args[i][0] == '~' && l->ctx->system)
			return diag(l, CCD_BAD_INCLUDE, file, line, "bad include path %.200s", args[i]);
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
		r = target_glob(l->t, pattern, &paths);
		if (r < 0)
			return r;
		/* Parse only when the Include stands in a block that does not apply. */
		enum cap cap = st->active == 1 ? CAP_NORMAL : st->active == 0 ? CAP_NEVER : CAP_UNKNOWN;
		for (size_t k = 0; paths[k]; k++) {
			struct state saved = *st;
			if (depth + 1 > CLIENT_CONFIG_DEPTH_MAX) {
				l->too_deep = true;
				return diag(l, CCD_INCLUDE_DEPTH, file, line, "Too many recursive configuration includes");
			}
			r = load_file(l, paths[k], depth + 1, file, line, cap, st);
			/* Match/Host inside an included file do not change the includer's state. */
			*st = saved;
			if (r < 0 || l->too_deep)
				return r;
		}
	}
	return 0;
}

static int parse_line(struct loader *l, const char *file, unsigned lineno, const char *s, size_t n,
		      unsigned depth, enum cap cap, struct state *st)
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
		return diag(l, CCD_INVALID_QUOTES, file, lineno, "invalid quotes");
	if (r == -E2BIG)
		return diag(l, CCD_UNREADABLE, file, lineno, "more than %d words on one line; not read",
			    SSHD_CONFIG_WORDS_MAX);
	if (r < 0)
		return r;
	if (!args[0]) {
		_cleanup_free_ char *k = escape_display_trunc(keyword, 100);
		return diag(l, CCD_NO_ARGUMENT, file, lineno, "no argument after keyword \"%s\"", k ? k : "?");
	}

	if (strcasecmp(keyword, "Host") == 0 || strcasecmp(keyword, "Match") == 0) {
		st->active = block_state(l, keyword, args, cap);
		st->block_file = file;
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

static int add_file(struct loader *l, const char *path, const char *from, unsigned from_line, unsigned depth,
		    const char **ret)
{
	struct client_config_file *nf = realloc(l->c->files, (l->c->n_files + 1) * sizeof(*nf));
	char *p = strdup(path);

	if (nf)
		l->c->files = nf;
	if (!nf || !p) {
		free(p);
		return -ENOMEM;
	}
	nf[l->c->n_files++] = (struct client_config_file) { p, from, from_line, depth };
	*ret = p;
	return 0;
}

static int load_file(struct loader *l, const char *path, unsigned depth, const char *from, unsigned from_line,
		     enum cap cap, struct state *st)
{
	_cleanup_free_ char *data = NULL;
	const char *file;
	size_t len = 0;
	int r;

	r = target_read_file(l->t, path, CONFIG_MAX, &data, &len);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT)
		return 0;	/* ssh: a file that does not open is skipped */
	if (r == -EINVAL || r == -EISDIR) {
		struct stat st_dir;
		/* fopen() of a directory works and reads nothing: harmless to ssh. */
		if (target_stat(l->t, path, &st_dir) == 0 && S_ISDIR(st_dir.st_mode))
			return 0;
	}
	int e = r;
	r = add_file(l, path, from, from_line, depth, &file);
	if (r < 0)
		return r;
	if (e == -EFBIG)
		return diag(l, CCD_TOO_LARGE, file, 0, "larger than %u MiB; not read", CONFIG_MAX >> 20);
	if (e == -EINVAL || e == -EISDIR)
		return diag(l, CCD_UNREADABLE, file, 0, "is not a regular file; ssh may block reading it");
	if (e < 0)
		return diag(l, CCD_UNREADABLE, file, 0, "cannot be read: %s", strerror(-e));

	unsigned lineno = 0;
	for (size_t off = 0; off < len;) {
		const char *s = data + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t) (nl - s) : len - off;
		size_t cut = strnlen(s, n);

		off += n + (nl ? 1 : 0);
		lineno++;
		if (cut < n) {
			r = diag(l, CCD_NUL, file, lineno, "holds a NUL byte; ssh reads the line only up to it");
			if (r < 0)
				return r;
		}
		r = parse_line(l, file, lineno, s, cut, depth, cap, st);
		if (r < 0)
			return r;
		if (l->too_deep)
			break;
	}
	return 0;
}

int client_config_load(struct target *t, const char *path, const struct client_config_context *ctx,
		       struct client_config **ret)
{
	struct loader l = { .t = t, .ctx = ctx };
	struct state st = { .active = 1 };
	int r;

	l.c = calloc(1, sizeof(*l.c));
	if (!l.c)
		return -ENOMEM;
	r = load_file(&l, path, 0, NULL, 0, CAP_NORMAL, &st);
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
		free(c->diags[i].message);
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
