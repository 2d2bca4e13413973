/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The file rules of one AppArmor profile (src/apparmor.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apparmor.h"
#include "mac.h"
#include "util.h"

#define AA_DIR "/etc/apparmor.d"
#define INCLUDE_DEPTH_MAX 16
#define FILES_MAX 512		/* included files per profile: abstractions include each other */
#define EXPAND_DEPTH_MAX 8
/* "@{A}=@{A}@{A}" doubles at each level: a hostile profile costs little */
#define EXPAND_LEN_MAX (64u << 10)
#define EXPAND_CALLS_MAX 4096

struct loader {
	struct aa_rules *r;
	aa_read_fn rd;
	aa_list_fn ls;
	void *userdata;
	char **seen;		/* files read, each once: an include loop ends */
	size_t n_files;
};

void aa_rules_done(struct aa_rules *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].path);
		free(r->v[i].where);
		free(r->v[i].file);
	}
	free(r->v);
	free(r->all_files);
	strv_free(r->vars);
	free(r->local);
	strv_free(r->unread);
	*r = (struct aa_rules) {0};
}

/* The words of a statement: blanks separate, quotes group, '#' outside quotes ends it. */
static int words(const char *s, size_t n, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	size_t i = 0;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n || s[i] == '#')
			break;
		struct buf w = {0};
		bool q = false;
		for (; i < n && (q || !(s[i] == ' ' || s[i] == '\t' || s[i] == '#')); i++) {
			if (s[i] == '"')
				q = !q;
			else if (q && s[i] == '\\' && i + 1 < n)
				buf_putc(&w, s[++i]);
			else
				buf_putc(&w, s[i]);
		}
		if (!buf_ok(&w) || strv_push(&v, buf_steal(&w)) < 0) {
			buf_done(&w);
			return -ENOMEM;
		}
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static unsigned perms_of(const char *w)
{
	unsigned p = 0;

	for (const char *c = w; *c; c++) {
		if (*c == 'r')
			p |= AA_READ;
		else if (*c == 'w' || *c == 'a')
			p |= AA_WRITE;
		else if (*c == 'x')
			p |= AA_EXEC;
		else if (!strchr("klmiupcPUCI", *c))
			return 0;	/* not a permission word */
	}
	return p;
}

static bool is_path(const char *w)
{
	return w[0] == '/' || w[0] == '@';
}

/* "@{HOME}/.ssh/x r," is a rule, "@{X}=..." or "@{X} += ..." a variable. */
static bool is_rule_path(char **w)
{
	return !strchr(w[0], '=') && w[1] && w[1][0] != '=' && w[1][0] != '+';
}

static int add_rule(struct loader *L, const char *path, unsigned perms, bool deny, bool owner, const char *file,
		    unsigned line)
{
	struct aa_rules *r = L->r;
	struct aa_rule *nv = realloc(r->v, (r->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	r->v = nv;
	nv[r->n] = (struct aa_rule) { .path = strdup(path), .perms = perms, .deny = deny, .owner = owner,
				      .file = strdup(file), .line = line };
	if (!nv[r->n].path || !nv[r->n].file || asprintf(&nv[r->n].where, "%s line %u", file, line) < 0) {
		free(nv[r->n].path);
		free(nv[r->n].file);
		return -ENOMEM;
	}
	r->n++;
	return 0;
}

/* "@{X} = a b", "@{X}+=c" (s[0..n), a statement starting with "@{"). */
static int variable(struct loader *L, const char *s, size_t n)
{
	const char *close = memchr(s, '}', n);
	_cleanup_strv_free_ char **w = NULL;
	int r;

	if (!close)
		return 0;
	size_t nl = (size_t) (close - s - 2), i = (size_t) (close - s) + 1;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	bool add = i + 1 < n && s[i] == '+' && s[i + 1] == '=';
	if (!add && !(i < n && s[i] == '='))
		return 0;
	i += add ? 2 : 1;
	if ((r = words(s + i, n - i, &w)) < 0)
		return r;
	if (!add) {
		/* a new definition replaces the values before it */
		char **keep = NULL;
		for (size_t k = 0; L->r->vars && L->r->vars[k]; k++)
			if (!(strncmp(L->r->vars[k], s + 2, nl) == 0 && L->r->vars[k][nl] == '\t') &&
			    strv_push(&keep, strdup(L->r->vars[k])) < 0) {
				strv_free(keep);
				return -ENOMEM;
			}
		strv_free(L->r->vars);
		L->r->vars = keep;
	}
	for (size_t k = 0; w && w[k]; k++) {
		char *v = NULL;
		size_t vl = strlen(w[k]);
		if (vl > 0 && w[k][vl - 1] == ',')
			w[k][--vl] = '\0';
		if (vl == 0)
			continue;
		if (asprintf(&v, "%.*s\t%s", (int) nl, s + 2, w[k]) < 0 || strv_push(&L->r->vars, v) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int load_file(struct loader *L, const char *path, unsigned depth, bool optional);

/* "include <x>", "include if exists <x>", "#include "x"": the file (or every file of the directory). */
static int include(struct loader *L, char **w, unsigned depth, bool *ret_local, char **ret_name)
{
	size_t k = 1;
	bool optional = false;

	*ret_local = false;
	if (w[k] && streq(w[k], "if") && w[k + 1] && streq(w[k + 1], "exists")) {
		optional = true;
		k += 2;
	}
	if (!w[k])
		return 0;
	const char *arg = w[k];
	size_t al = strlen(arg);
	_cleanup_free_ char *name = NULL, *path = NULL;
	if (arg[0] == '<' && al > 2 && arg[al - 1] == '>')
		name = strndup(arg + 1, al - 2);
	else
		name = strdup(arg);
	if (!name)
		return -ENOMEM;
	if (strstr(name, "..")) {
		char *why = NULL;
		return asprintf(&why, "include %s (\"..\" is not followed)", name) < 0 ? -ENOMEM : strv_push(&L->r->unread, why);
	}
	path = name[0] == '/' ? strdup(name) : path_join(AA_DIR, name);
	if (!path)
		return -ENOMEM;
	*ret_local = startswith(name, "local/");
	if (ret_name)
		*ret_name = TAKE_PTR(name);
	return load_file(L, path, depth + 1, optional);
}

/* One rule statement (its words, the trailing comma removed). */
static int rule_statement(struct loader *L, const char *file, unsigned lineno, char **w)
{
	size_t k = 0;
	bool deny = false, owner = false;
	unsigned p;

	for (; w[k]; k++) {
		if (streq(w[k], "audit") || streq(w[k], "allow"))
			continue;
		if (streq(w[k], "deny"))
			deny = true;
		else if (streq(w[k], "owner"))
			owner = true;
		else
			break;
	}
	if (w[k] && streq(w[k], "file") && (!w[k + 1] || !*w[k + 1])) {
		if (!deny && !owner && !L->r->all_files && asprintf(&L->r->all_files, "%s line %u", file, lineno) < 0)
			return -ENOMEM;
		return 0;
	}
	if (w[k] && streq(w[k], "file"))
		k++;
	if (w[k] && w[k + 1] && is_path(w[k]) && (p = perms_of(w[k + 1])))
		return add_rule(L, w[k], p, deny, owner, file, lineno);
	if (w[k] && w[k + 1] && !is_path(w[k]) && is_path(w[k + 1]) && (p = perms_of(w[k])))
		return add_rule(L, w[k + 1], p, deny, owner, file, lineno);
	return 0;
}

/*
 * The rule statements of one line (s[0..n)): apparmor_parser ends each at
 * a comma outside quotes and braces, so "deny /a r, deny /b r," is two.
 */
static int rule_statements(struct loader *L, const char *file, unsigned lineno, const char *s, size_t n)
{
	size_t from = 0;
	unsigned braces = 0;
	bool q = false;

	for (size_t i = 0; i <= n; i++) {
		bool end = i == n || (!q && s[i] == '#');
		if (!end) {
			q ^= s[i] == '"';
			braces += !q && s[i] == '{';
			braces -= !q && s[i] == '}' && braces > 0;
			if (q || braces > 0 || s[i] != ',')
				continue;
		}
		_cleanup_strv_free_ char **w = NULL;
		int r = words(s + from, i - from, &w);
		if (r < 0)
			return r;
		if (w && w[0] && (r = rule_statement(L, file, lineno, w)) < 0)
			return r;
		if (end)
			break;
		from = i + 1;
	}
	return 0;
}

/*
 * The statements of text: every one when body_from is 0 (an included
 * file); else the preamble (variables, includes) and the profile whose
 * header is line body_from, without its child profiles and hats.
 */
static int load_text(struct loader *L, const char *file, const char *text, size_t len, unsigned body_from,
		     unsigned depth)
{
	struct text_lines it = { .text = text, .len = len };
	unsigned level = 0;	/* brace depth within the text */
	bool in_body = false, done = false;
	const char *l;
	size_t n;
	int r;

	while (!done && text_next_line(&it, &l, &n)) {
		_cleanup_strv_free_ char **w = NULL;
		const char *s = l;
		size_t sn = n;
		text_trim(&s, &sn);
		bool directive = sn > 8 && strncmp(s, "#include", 8) == 0;
		if ((r = words(directive ? s + 1 : s, directive ? sn - 1 : sn, &w)) < 0)
			return r;
		size_t opens = 0, closes = 0;
		bool q = false;
		for (size_t i = 0; i < sn && (q || s[i] != '#' || (directive && i == 0)); i++) {
			q ^= s[i] == '"';
			opens += !q && s[i] == '{';
			closes += !q && s[i] == '}';
		}
		if (body_from && it.lineno == body_from) {
			in_body = true;
			level = 1;
			continue;
		}
		/* where rules of this profile count: an included file at its top level, the body at level 1 */
		bool here = body_from ? (in_body ? level == 1 : level == 0) : level == 0;
		if (here && w && w[0]) {
			size_t last = strlen(w[strv_length(w) - 1]);
			char *tail = w[strv_length(w) - 1];
			if (last > 0 && tail[last - 1] == ',')
				tail[last - 1] = '\0';
			if (streq(w[0], "include")) {
				bool local = false;
				_cleanup_free_ char *name = NULL;
				if ((r = include(L, w, depth, &local, &name)) < 0)
					return r;
				if (local && in_body && !L->r->local)
					L->r->local = TAKE_PTR(name);
			} else if (w[0][0] == '@' && w[0][1] == '{' && !is_rule_path(w))
				r = variable(L, s, sn);
			else if (in_body || !body_from)
				r = rule_statements(L, file, it.lineno, s, sn);
			if (r < 0)
				return r;
		}
		level += (unsigned) opens;
		level = closes > level ? 0 : level - (unsigned) closes;
		if (in_body && level == 0)
			done = true;	/* the profile's closing brace */
	}
	return 0;
}

static int load_file(struct loader *L, const char *path, unsigned depth, bool optional)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if (depth > INCLUDE_DEPTH_MAX || L->n_files >= FILES_MAX) {
		char *why = NULL;
		return asprintf(&why, "%s (includes nested too deep or too many)", path) < 0 ? -ENOMEM
											   : strv_push(&L->r->unread, why);
	}
	if (strv_contains(L->seen, path))
		return 0;
	if (strv_push(&L->seen, strdup(path)) < 0)
		return -ENOMEM;
	L->n_files++;
	r = L->rd(L->userdata, path, &text, &len);
	if (r == -EISDIR && L->ls) {
		_cleanup_strv_free_ char **names = NULL;
		r = L->ls(L->userdata, path, &names);
		for (size_t i = 0; r >= 0 && names && names[i]; i++) {
			_cleanup_free_ char *p = path_join(path, names[i]);
			r = p ? load_file(L, p, depth + 1, true) : -ENOMEM;
		}
		return r == -ENOMEM ? r : 0;
	}
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (optional && r == -ENOENT)
			return 0;
		char *why = NULL;
		return asprintf(&why, "%s (%s)", path, strerror(-r)) < 0 ? -ENOMEM : strv_push(&L->r->unread, why);
	}
	return load_text(L, path, text, len, 0, depth);
}

int aa_rules_load(const char *file, const char *text, size_t len, unsigned header_line, aa_read_fn rd, aa_list_fn ls,
		  void *userdata, struct aa_rules *ret)
{
	struct loader L = { .r = ret, .rd = rd, .ls = ls, .userdata = userdata };
	int r;

	*ret = (struct aa_rules) {0};
	if (strv_push(&L.seen, strdup(file)) < 0)
		return -ENOMEM;
	r = load_text(&L, file, text, len, header_line ? header_line : 1, 0);
	strv_free(L.seen);
	if (r < 0)
		aa_rules_done(ret);
	return r;
}

/* pattern with each @{X} replaced by its values as "{a,b}" (undefined ones stay, and match any text);
 * NULL past EXPAND_LEN_MAX bytes or EXPAND_CALLS_MAX expansions (the rule then matches nothing). */
static char *expand(const struct aa_rules *r, const char *pattern, unsigned depth, unsigned *budget)
{
	struct buf b = {0};

	if (*budget == 0)
		return NULL;
	(*budget)--;

	for (const char *p = pattern; *p;) {
		const char *e = p[0] == '@' && p[1] == '{' ? strchr(p, '}') : NULL;
		if (!e || depth >= EXPAND_DEPTH_MAX) {
			buf_putc(&b, *p++);
			continue;
		}
		size_t nl = (size_t) (e - p - 2);
		size_t nv = 0;
		for (size_t i = 0; r->vars && r->vars[i]; i++)
			if (strncmp(r->vars[i], p + 2, nl) == 0 && r->vars[i][nl] == '\t') {
				_cleanup_free_ char *v = expand(r, r->vars[i] + nl + 1, depth + 1, budget);
				if (!v) {
					buf_done(&b);
					return NULL;
				}
				buf_puts(&b, nv++ ? "," : "{");
				buf_puts(&b, v);
			}
		if (nv)
			buf_putc(&b, '}');
		else
			buf_append(&b, p, (size_t) (e - p + 1));
		p = e + 1;
		if (b.len > EXPAND_LEN_MAX) {
			buf_done(&b);
			return NULL;	/* the rule then matches nothing */
		}
	}
	return buf_ok(&b) ? buf_steal(&b) : (buf_done(&b), NULL);
}

/*
 * Every alternative of pattern ("{a,b}" expanded, nested ones too), each
 * with "//" made one '/', as apparmor_parser simplifies them: "@{HOME}/x"
 * with HOME "/home/USER/" matches "/home/USER/x".  At most
 * ALTERNATIVES_MAX of at most ALTERNATIVES_BYTES_MAX in all; past that, false.
 */
#define ALTERNATIVES_MAX 1024
#define ALTERNATIVES_BYTES_MAX (1u << 20)
static bool alternatives(const char *pattern, char ***v, size_t *n, size_t *bytes)
{
	const char *open = NULL, *close = NULL;
	int level = 0;

	for (const char *c = pattern; *c && !close; c++) {
		if (*c == '\\' && c[1]) {
			c++;
			continue;
		}
		if (*c == '{' && level++ == 0)
			open = c;
		else if (*c == '}' && level > 0 && --level == 0)
			close = c;
	}
	if (!close) {
		*bytes += strlen(pattern);
		if (*n >= ALTERNATIVES_MAX || *bytes > ALTERNATIVES_BYTES_MAX)
			return false;
		char *one = strdup(pattern), *o = one;
		if (!one)
			return false;
		for (const char *c = one; *c; c++)
			if (!(c[0] == '/' && c[1] == '/'))
				*o++ = *c;
		*o = '\0';
		if (strv_push(v, one) < 0)
			return false;
		(*n)++;
		return true;
	}
	for (const char *a = open + 1; a <= close;) {
		const char *e = mac_apparmor_alt_end(a, close);
		_cleanup_free_ char *joined = NULL;
		if (asprintf(&joined, "%.*s%.*s%s", (int) (open - pattern), pattern, (int) (e - a), a, close + 1) < 0 ||
		    !alternatives(joined, v, n, bytes))
			return false;
		a = e + 1;
	}
	return true;
}

static bool rule_matches(const struct aa_rules *r, const struct aa_rule *x, const char *path)
{
	unsigned budget = EXPAND_CALLS_MAX;
	_cleanup_free_ char *pat = expand(r, x->path, 0, &budget);
	_cleanup_strv_free_ char **alts = NULL;
	size_t n = 0, bytes = 0;

	if (!pat)
		return false;
	if (!alternatives(pat, &alts, &n, &bytes))
		return mac_apparmor_glob(pat, path);	/* too many: the pattern as it is */
	for (size_t i = 0; i < n; i++)
		if (mac_apparmor_glob(alts[i], path))
			return true;
	return false;
}

enum aa_verdict aa_rules_check(const struct aa_rules *r, const char *path, unsigned perm, bool owner,
			       const struct aa_rule **ret_rule)
{
	const struct aa_rule *allow = NULL;

	*ret_rule = NULL;
	for (size_t i = 0; i < r->n; i++) {
		const struct aa_rule *x = &r->v[i];
		if (!(x->perms & perm) || (x->owner && !owner) || (allow && !x->deny))
			continue;
		if (!rule_matches(r, x, path))
			continue;
		if (x->deny) {
			*ret_rule = x;
			return AA_DENIED;
		}
		allow = x;
	}
	if (allow || r->all_files) {
		*ret_rule = allow;
		return AA_ALLOWED;
	}
	return AA_NO_RULE;
}

bool aa_path_is_literal(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *c = path; *c; c++)
		if (strchr("*?[]{}@\\\"#,^ \t\n\r", *c) || (unsigned char) *c < 0x20 || *c == 0x7f)
			return false;
	return true;
}
