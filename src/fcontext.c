/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux file contexts, looked up as libselinux does (src/fcontext.h). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fcontext.h"
#include "fcre.h"
#include "util.h"

#define SPECS_MAX 200000

struct spec {
	char *regex, *ctx, *where;
	char *stem;		/* the fixed first component ("/etc"), or NULL */
	mode_t mode;		/* 0: any type */
	bool meta;		/* has regex metacharacters (libselinux's hasMetaChars) */
	bool tried;		/* compiled (re may still be NULL: a pattern fcre refuses) */
	struct fcre *re;
	size_t fixed;		/* a key must start with the spec's first `fixed` bytes to match */
};

struct sub {
	char *src, *dst;
};

struct fcon {
	struct spec *specs;
	size_t n, cap;
	struct sub *subs[2];	/* [0] .subs, [1] .subs_dist; in file order, the last line wins */
	size_t n_subs[2];
	char *clean;		/* the last lookup's key */
};

struct fcon *fcon_new(void)
{
	return calloc(1, sizeof(struct fcon));
}

void fcon_free(struct fcon *fc)
{
	if (!fc)
		return;
	for (size_t i = 0; i < fc->n; i++) {
		free(fc->specs[i].regex);
		free(fc->specs[i].ctx);
		free(fc->specs[i].where);
		free(fc->specs[i].stem);
		fcre_free(fc->specs[i].re);
	}
	free(fc->specs);
	for (int d = 0; d < 2; d++) {
		for (size_t i = 0; i < fc->n_subs[d]; i++) {
			free(fc->subs[d][i].src);
			free(fc->subs[d][i].dst);
		}
		free(fc->subs[d]);
	}
	free(fc->clean);
	free(fc);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Up to max whitespace-separated words of a line; -1 for a non-ASCII byte (read_spec_entry()). */
static int words(const char *l, size_t n, const char **w, size_t *wn, int max)
{
	int k = 0;
	size_t i = 0;

	while (k < max) {
		while (i < n && is_space(l[i]))
			i++;
		if (i >= n)
			break;
		size_t s = i;
		while (i < n && !is_space(l[i])) {
			if ((unsigned char) l[i] > 127)
				return -1;
			i++;
		}
		w[k] = l + s;
		wn[k++] = i - s;
	}
	return k;
}

static mode_t type_mode(const char *t, size_t n)
{
	static const struct {
		const char *s;
		mode_t m;
	} types[] = { { "--", S_IFREG }, { "-d", S_IFDIR }, { "-c", S_IFCHR }, { "-b", S_IFBLK },
		      { "-s", S_IFSOCK }, { "-l", S_IFLNK }, { "-p", S_IFIFO } };
	for (size_t i = 0; i < ELEMENTSOF(types); i++)
		if (n == 2 && memcmp(t, types[i].s, 2) == 0)
			return types[i].m;
	return (mode_t) -1;
}

/* libselinux's spec_hasMetaChars(): a backslash hides the character after it. */
static bool has_meta(const char *s)
{
	for (; *s; s++) {
		if (strchr(".^$?*+|[({", *s))
			return true;
		if (*s == '\\' && !*++s)
			break;
	}
	return false;
}

/* get_stem_from_spec(): up to the second '/', when nothing before it is a metacharacter. */
static char *spec_stem(const char *s)
{
	const char *slash = strchr(s + 1, '/');

	if (!slash || !*s)
		return NULL;
	for (const char *c = s; c < slash; c++)
		if (strchr(".^$?*+|[({", *c))
			return NULL;
	return strndup(s, (size_t) (slash - s));
}

/*
 * How many leading bytes of spec every match starts with: the plain text
 * before the first metacharacter or backslash, less its last byte when a
 * quantifier follows; 0 when the spec has a '|' anywhere ("^a|b$" is an
 * alternation of two anchored halves).
 */
static size_t fixed_prefix(const char *spec)
{
	size_t k = strcspn(spec, ".^$?*+|[({\\");

	if (strchr(spec, '|'))
		return 0;
	if (k > 0 && spec[k] && strchr("?*{", spec[k]))
		k--;
	return k;
}

int fcon_add_specs(struct fcon *fc, const char *text, size_t len, const char *origin, unsigned *ret_line)
{
	struct text_lines it = { .text = text, .len = len };
	const char *l;
	size_t n;

	while (text_next_line(&it, &l, &n)) {
		const char *w[3];
		size_t wn[3];
		int k = words(l, n, w, wn, 3);
		if (k == 0 || (k > 0 && w[0][0] == '#'))
			continue;
		if (k < 2) {
			*ret_line = it.lineno;
			return -EBADMSG;
		}
		mode_t mode = 0;
		if (k == 3 && (mode = type_mode(w[1], wn[1])) == (mode_t) -1) {
			*ret_line = it.lineno;
			return -EBADMSG;
		}
		if (fc->n == fc->cap) {
			if (fc->n >= SPECS_MAX) {
				*ret_line = it.lineno;
				return -EBADMSG;
			}
			size_t cap = fc->cap ? 2 * fc->cap : 1024;
			struct spec *v = realloc(fc->specs, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			fc->specs = v;
			fc->cap = cap;
		}
		struct spec *sp = &fc->specs[fc->n];
		*sp = (struct spec) { .regex = strndup(w[0], wn[0]), .ctx = strndup(w[k - 1], wn[k - 1]), .mode = mode };
		if (!sp->regex || !sp->ctx || asprintf(&sp->where, "%s line %u", origin, it.lineno) < 0) {
			free(sp->regex);
			free(sp->ctx);
			return -ENOMEM;
		}
		sp->meta = has_meta(sp->regex);
		sp->stem = spec_stem(sp->regex);
		sp->fixed = fixed_prefix(sp->regex);
		fc->n++;
	}
	return 0;
}

int fcon_add_subs(struct fcon *fc, const char *text, size_t len, int dist)
{
	struct text_lines it = { .text = text, .len = len };
	const char *l;
	size_t n;
	int d = !!dist;

	while (text_next_line(&it, &l, &n)) {
		const char *w[2];
		size_t wn[2];
		/* selabel_subs_init(): words split on white space, '#' only first; bytes are not checked */
		size_t i = 0;
		int k = 0;
		while (k < 2) {
			while (i < n && is_space(l[i]))
				i++;
			if (i >= n)
				break;
			w[k] = l + i;
			while (i < n && !is_space(l[i]))
				i++;
			wn[k] = (size_t) (l + i - w[k]);
			k++;
		}
		if (k < 2 || w[0][0] == '#')
			continue;
		struct sub *v = realloc(fc->subs[d], (fc->n_subs[d] + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		fc->subs[d] = v;
		v[fc->n_subs[d]] = (struct sub) { strndup(w[0], wn[0]), strndup(w[1], wn[1]) };
		if (!v[fc->n_subs[d]].src || !v[fc->n_subs[d]].dst) {
			free(v[fc->n_subs[d]].src);
			free(v[fc->n_subs[d]].dst);
			return -ENOMEM;
		}
		fc->n_subs[d]++;
	}
	return 0;
}

int fcon_finish(struct fcon *fc)
{
	/* sort_specs(): the specs with metacharacters first, then the exact ones, each in file order */
	struct spec *v = malloc((fc->n ? fc->n : 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	for (int exact = 0; exact < 2; exact++)
		for (size_t i = 0; i < fc->n; i++)
			if (fc->specs[i].meta == !exact)
				v[k++] = fc->specs[i];
	free(fc->specs);
	fc->specs = v;
	fc->cap = fc->n;
	return 0;
}

/* selabel_sub(): the last line whose ALIAS is the path or a directory above it; NULL when none. */
static char *substitute(const struct sub *subs, size_t n, const char *src)
{
	for (size_t i = n; i-- > 0;) {
		size_t sl = strlen(subs[i].src);
		if (strncmp(src, subs[i].src, sl) != 0 || (src[sl] != '/' && src[sl] != '\0'))
			continue;
		size_t skip = src[sl] == '/' && streq(subs[i].dst, "/") ? sl + 1 : sl;
		char *out = NULL;
		return asprintf(&out, "%s%s", subs[i].dst, src + skip) < 0 ? NULL : out;
	}
	return NULL;
}

int fcon_lookup(struct fcon *fc, const char *path, mode_t mode, const char **ret_ctx, const char **ret_where)
{
	size_t n = strlen(path), k = 0;
	char *key = malloc(n + 1);

	if (!key)
		return -ENOMEM;
	/* duplicate slashes, then one trailing slash */
	for (size_t i = 0; i < n; i++)
		if (!(path[i] == '/' && i + 1 < n && path[i + 1] == '/'))
			key[k++] = path[i];
	key[k] = '\0';
	if (k == 0) {
		free(key);
		return -EINVAL;
	}
	if (k > 1 && key[k - 1] == '/')
		key[--k] = '\0';
	char *sub = substitute(fc->subs[0], fc->n_subs[0], key);
	if (sub) {
		char *d = substitute(fc->subs[1], fc->n_subs[1], sub);
		if (d) {
			free(sub);
			sub = d;
		}
	} else
		sub = substitute(fc->subs[1], fc->n_subs[1], key);
	if (sub) {
		free(key);
		key = sub;
	}
	free(fc->clean);
	fc->clean = key;

	/* the path's stem: up to its second '/' */
	const char *slash = key[0] ? strchr(key + 1, '/') : NULL;
	size_t stem_len = slash ? (size_t) (slash - key) : 0;
	mode &= S_IFMT;
	for (size_t i = fc->n; i-- > 0;) {
		struct spec *sp = &fc->specs[i];
		if (sp->stem && (strlen(sp->stem) != stem_len || strncmp(sp->stem, key, stem_len) != 0))
			continue;
		if (mode && sp->mode && mode != sp->mode)
			continue;
		if (sp->fixed && strncmp(sp->regex, key, sp->fixed) != 0)
			continue;
		if (!sp->tried) {
			_cleanup_free_ char *anchored = NULL;
			sp->tried = true;
			if (asprintf(&anchored, "^%s$", sp->regex) < 0)
				return -ENOMEM;
			int r = fcre_compile(anchored, &sp->re);
			if (r == -ENOMEM)
				return r;
		}
		if (!sp->re)
			continue;	/* a pattern fcre does not read (none in Debian's or refpolicy's files) */
		int m = fcre_match(sp->re, key, strlen(key));
		if (m < 0)
			return m;
		if (m == 0)
			continue;
		if (streq(sp->ctx, "<<none>>"))
			return -ENOENT;
		*ret_ctx = sp->ctx;
		*ret_where = sp->where;
		return 0;
	}
	return -ENOENT;
}
