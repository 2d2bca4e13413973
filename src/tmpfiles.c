/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confdirs.h"
#include "tmpfiles.h"
#include "util.h"

/* Trim ' ', '\t' and '\r' at both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++, (*n)--;
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* "/var/run/X" and "%t/X" are "/run/X"; otherwise the simplified path. */
static char *tmpfiles_norm(const char *path)
{
	_cleanup_free_ char *s = NULL;

	if (startswith(path, "%t/") || strcmp(path, "%t") == 0) {
		if (asprintf(&s, "/run%s", path + 2) < 0)
			return NULL;
	} else
		s = strdup(path);
	if (!s)
		return NULL;
	char *simple = path_simplify(s);
	if (simple && path_is_below(simple, "/var/run")) {
		char *r;
		if (asprintf(&r, "%s", simple + strlen("/var")) < 0)
			r = NULL;
		free(simple);
		return r;
	}
	return simple;
}

bool tmpfiles_line_creates_dir(const char *line, size_t len, const char *path)
{
	const char *l = line, *p;
	size_t n = len, tn, pn;

	trim(&l, &n);
	if (n == 0 || l[0] == '#')
		return false;
	/* Type: one of the directory-creating letters, then modifiers (tmpfiles.d(5)). */
	if (!strchr("dDvqQ", l[0]) || l[0] == '\0')
		return false;
	for (tn = 1; tn < n && l[tn] != ' ' && l[tn] != '\t'; tn++)
		if (!strchr("!-=~^+", l[tn]) || l[tn] == '\0')
			return false;
	p = l + tn;
	pn = n - tn;
	while (pn > 0 && (*p == ' ' || *p == '\t'))
		p++, pn--;
	size_t w = 0;
	while (w < pn && p[w] != ' ' && p[w] != '\t')
		w++;
	if (w >= 2 && p[0] == '"' && p[w - 1] == '"')
		p++, w -= 2;
	if (w == 0)
		return false;

	_cleanup_free_ char *raw = strndup(p, w);
	_cleanup_free_ char *a = raw ? tmpfiles_norm(raw) : NULL, *b = tmpfiles_norm(path);
	return a && b && strcmp(a, b) == 0;
}

int tmpfiles_creates_dir(struct target *t, const char *path, char **ret_where)
{
	_cleanup_strv_free_ char **paths = NULL;
	int r;

	r = confdirs_list_rel(t, confdirs_systemd_layers, "tmpfiles.d", ".conf", CONFDIRS_SYSTEMD, &paths, NULL);
	if (r < 0)
		return r;
	for (size_t i = 0; paths[i]; i++) {
		_cleanup_free_ char *data = NULL;
		size_t len, lineno = 0;

		r = target_read_file(t, paths[i], CONFIG_MAX, &data, &len);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;	/* unreadable: systemd-tmpfiles skips it with a warning */
		for (const char *p = data, *end = data + len; p < end;) {
			const char *nl = memchr(p, '\n', (size_t) (end - p));
			size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);
			lineno++;
			if (tmpfiles_line_creates_dir(p, n, path)) {
				if (ret_where && asprintf(ret_where, "%s:%zu", paths[i], lineno) < 0)
					return -ENOMEM;
				return 1;
			}
			p = nl ? nl + 1 : end;
		}
	}
	return 0;
}
