/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit_file.h"
#include "util.h"

void uvals_clear(struct uvals *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].value);
		free(u->v[i].file);
	}
	free(u->v);
	*u = (struct uvals) {0};
}

/*
 * Room for one more element in *p, which holds n of size bytes: the
 * capacity doubles whenever n reaches a power of two, so a file with a
 * million assignments costs a million copies, not a million squared.
 */
static int grow(void *p, size_t n, size_t size)
{
	void **pp = p;

	if (n != 0 && (n & (n - 1)) != 0)
		return 0;
	size_t cap = n ? n * 2 : 4;
	if (cap > SIZE_MAX / size)
		return -ENOMEM;
	void *nv = realloc(*pp, cap * size);
	if (!nv)
		return -ENOMEM;
	*pp = nv;
	return 0;
}

int uvals_push(struct uvals *u, const char *value, size_t n, const char *file, unsigned line)
{
	struct uval *nv;

	if (grow(&u->v, u->n, sizeof(*u->v)) < 0)
		return -ENOMEM;
	nv = u->v;
	nv[u->n] = (struct uval) { strndup(value, n), strdup(file), line };
	if (!nv[u->n].value || !nv[u->n].file) {
		free(nv[u->n].value);
		free(nv[u->n].file);
		return -ENOMEM;
	}
	u->n++;
	return 0;
}

void unit_file_done(struct unit_file *f)
{
	for (size_t i = 0; i < f->n_settings; i++) {
		free(f->settings[i].key);
		free(f->settings[i].value);
	}
	free(f->settings);
	for (size_t i = 0; i < f->n_sections; i++)
		free(f->sections[i]);
	free(f->sections);
	free(f->path);
	*f = (struct unit_file) {0};
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* [*s, *s + *n) without white space at either end. */
static void strip(const char **s, size_t *n)
{
	while (*n > 0 && is_ws(**s))
		(*s)++, (*n)--;
	while (*n > 0 && is_ws((*s)[*n - 1]))
		(*n)--;
}

static void set_error(struct unit_file *f, int error, unsigned line)
{
	if (f->error == 0) {
		f->error = error;
		f->error_line = line;
	}
}

/* systemd's string_is_safe(): no control characters, quotes or backslashes in a section name. */
static bool section_name_safe(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char) s[i] < ' ' || s[i] == 127 || strchr("\\\"'", s[i]))
			return false;
	return true;
}

/* parse_line(): one logical line, joined; *section is the current section or NULL. */
static int parse_line(struct unit_file *f, const char *l, size_t n, unsigned line, const char **section)
{
	strip(&l, &n);
	if (n == 0 || l[0] == '#' || l[0] == ';')
		return 0;
	if (l[0] == '[') {
		*section = NULL;
		if (n < 2 || l[n - 1] != ']' || !section_name_safe(l + 1, n - 2)) {
			set_error(f, -EBADMSG, line);
			return 0;
		}
		char *name = strndup(l + 1, n - 2);
		if (!name || grow(&f->sections, f->n_sections, sizeof(*f->sections)) < 0) {
			free(name);
			return -ENOMEM;
		}
		f->sections[f->n_sections++] = name;
		*section = name;
		return 0;
	}
	const char *eq = memchr(l, '=', n);
	if (!*section || !eq || eq == l)
		return 0;	/* systemd warns and ignores the line */
	const char *k = l, *v = eq + 1;
	size_t kn = (size_t) (eq - l), vn = n - kn - 1;
	strip(&k, &kn);
	strip(&v, &vn);
	if (grow(&f->settings, f->n_settings, sizeof(*f->settings)) < 0)
		return -ENOMEM;
	struct unit_setting *ns = f->settings;
	ns[f->n_settings] = (struct unit_setting) { *section, strndup(k, kn), strndup(v, vn), line };
	if (!ns[f->n_settings].key || !ns[f->n_settings].value) {
		free(ns[f->n_settings].key);
		free(ns[f->n_settings].value);
		return -ENOMEM;
	}
	f->n_settings++;
	return 0;
}

int unit_file_parse(const char *path, const char *text, size_t len, struct unit_file *ret)
{
	_cleanup_(unit_file_done) struct unit_file f = {0};
	_cleanup_(buf_done) struct buf cont = {0};
	const char *section = NULL;
	unsigned line = 0, first = 0;
	bool in_cont = false;
	size_t off = 0;
	int r;

	f.path = strdup(path);
	if (!f.path)
		return -ENOMEM;
	/* The byte order mark some editors write. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	while (off < len) {
		const char *s = text + off;
		size_t n = 0;

		/* read_line(): "\n", "\r\n", "\r" and NUL each end a line. */
		while (off + n < len && s[n] != '\n' && s[n] != '\r' && s[n] != '\0')
			n++;
		off += n;
		if (off < len) {
			off += text[off] == '\r' && off + 1 < len && text[off + 1] == '\n' ? 2 : 1;
		}
		line++;

		const char *l = s;
		size_t ln = n;
		while (ln > 0 && is_ws(*l))
			l++, ln--;
		if (ln > 0 && (*l == '#' || *l == ';'))
			continue;	/* a comment, even inside a continuation */

		if (!in_cont)
			first = line;
		if (cont.len + n > UNIT_LINE_MAX) {
			set_error(&f, -ENOBUFS, first);
			in_cont = false;
			break;
		}
		buf_append(&cont, s, n);
		if (!buf_ok(&cont))
			return -ENOMEM;
		/* An odd run of backslashes at the end continues the line.  Only
		 * the new part is scanned: the '\\' that joined it became a space,
		 * so nothing before it is escaped (a rescan of the whole would
		 * make many short continuation lines quadratic). */
		bool escaped = false;
		for (size_t i = cont.len - n; i < cont.len; i++)
			escaped = escaped ? false : cont.data[i] == '\\';
		if (escaped) {
			cont.data[cont.len - 1] = ' ';
			in_cont = true;
			continue;
		}
		r = parse_line(&f, cont.data ? cont.data : "", cont.len, first, &section);
		if (r < 0)
			return r;
		if (f.error)
			break;	/* config_parse() stops at the first error: later lines do not count */
		cont.len = 0;
		if (cont.data)
			cont.data[0] = '\0';
		in_cont = false;
	}
	if (in_cont) {
		r = parse_line(&f, cont.data, cont.len, first, &section);
		if (r < 0)
			return r;
	}
	*ret = f;
	f = (struct unit_file) {0};
	return 0;
}

int unit_file_collect(const struct unit_file *f, const char *section, const char *key, unsigned flags,
		      struct uvals *acc)
{
	for (size_t i = 0; i < f->n_settings; i++) {
		const struct unit_setting *s = &f->settings[i];
		int r = 0;

		if (!streq(s->section, section) || !streq(s->key, key))
			continue;
		if (!s->value[0]) {
			uvals_clear(acc);
			acc->reset = true;
			continue;
		}
		if (!(flags & UV_WORDS)) {
			r = uvals_push(acc, s->value, strlen(s->value), f->path, s->line);
		} else
			for (const char *w = s->value; *w && r >= 0;) {
				size_t n = strcspn(w, " \t");
				if (n > 0)
					r = uvals_push(acc, w, n, f->path, s->line);
				w += n;
				w += strspn(w, " \t");
			}
		if (r < 0)
			return r;
	}
	return 0;
}
