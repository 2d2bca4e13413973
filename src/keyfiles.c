/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keyfiles.h"
#include "run.h"
#include "verdict_config.h"
#include "util.h"

/* The patterns of one AuthorizedKeysFile line (o; NULL: the default), each added to *v once, "none" left out. */
static int push_patterns(char ***v, const struct sshd_option *o)
{
	static const char *const defaults[] = { ".ssh/authorized_keys", ".ssh/authorized_keys2", NULL };
	const char *const *args = o ? (const char *const *) o->args : defaults;

	for (size_t i = 0; args[i]; i++) {
		if (strcasecmp(args[i], "none") == 0 || strv_contains(*v, args[i]))
			continue;
		if (strv_push(v, strdup(args[i])) < 0)
			return -ENOMEM;
	}
	return strv_ensure(v);
}

/* The AuthorizedKeysFile line outside Match sshd uses: the first with a value (one without is an error sshd reports). */
static const struct sshd_option *global_line(const struct sshd_config *c)
{
	for (size_t i = 0; c && i < c->n_opts; i++) {
		const struct sshd_option *o = &c->opts[i];
		if (o->match < 0 && o->args && o->args[0] && strcasecmp(o->keyword, "AuthorizedKeysFile") == 0)
			return o;
	}
	return NULL;
}

int keyfiles_patterns(const struct sshd_config *c, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;

	if (push_patterns(&v, global_line(c)) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

/* An AuthorizedKeysFile line with a value, in a Match block. */
static bool in_match_block(const struct sshd_config *c, const struct sshd_option *o)
{
	return o->match >= 0 && (size_t) o->match < c->n_matches && o->args && o->args[0] &&
	       strcasecmp(o->keyword, "AuthorizedKeysFile") == 0;
}

int keyfiles_set_init(struct keyfiles_set *s, const struct sshd_config *c, const struct accounts *a)
{
	*s = (struct keyfiles_set) { .c = c, .a = a, .global_opt = global_line(c) };
	/* The Match blocks that set AuthorizedKeysFile: the only ones to evaluate per account. */
	for (size_t i = 0; c && i < c->n_opts; i++) {
		const struct sshd_option *o = &c->opts[i];
		if (!in_match_block(c, o))
			continue;
		if (!s->wanted) {
			s->wanted = calloc(c->n_matches, sizeof(*s->wanted));
			s->applies = calloc(c->n_matches, sizeof(*s->applies));
			if (!s->wanted || !s->applies)
				return -ENOMEM;
		}
		s->wanted[o->match] = true;
	}
	return keyfiles_patterns(c, &s->global);
}

/*
 * The AuthorizedKeysFile line sshd uses for the last account: the first in
 * a Match block that applies (for a client that matches the blocks that
 * depend on it, or not), else the global one.
 */
static const struct sshd_option *line_for(const struct keyfiles_set *s, bool client_matches)
{
	for (size_t i = 0; i < s->c->n_opts; i++) {
		const struct sshd_option *o = &s->c->opts[i];
		if (!in_match_block(s->c, o))
			continue;
		enum verdict_match m = s->applies[o->match];
		if (m == VERDICT_MATCH_YES || (client_matches && m == VERDICT_MATCH_DEPENDS))
			return o;
	}
	return s->global_opt;
}

int keyfiles_set_for(struct keyfiles_set *s, const struct pw_entry *pw, char ***ret)
{
	int r;

	if (!s->wanted) {
		*ret = s->global;
		return 0;
	}
	r = verdict_config_matches(s->c, s->a, pw->name, s->wanted, s->applies);
	if (r < 0)
		return r;
	strv_free(s->mine);
	s->mine = NULL;
	/* A client that matches none of the blocks that depend on it, and one that matches all of them. */
	if (push_patterns(&s->mine, line_for(s, false)) < 0 || push_patterns(&s->mine, line_for(s, true)) < 0)
		return -ENOMEM;
	*ret = s->mine;
	return 0;
}

void keyfiles_set_done(struct keyfiles_set *s)
{
	strv_free(s->global);
	strv_free(s->mine);
	free(s->wanted);
	free(s->applies);
	*s = (struct keyfiles_set) {0};
}

int keyfiles_expand_tokens(const char *pattern, const struct pw_entry *pw, char **ret, char *ret_bad)
{
	struct buf b = {0};

	for (const char *p = pattern; *p; p++) {
		if (*p != '%') {
			/* the text up to the next token at once: this runs for every account */
			size_t n = strcspn(p, "%");
			buf_append(&b, p, n);
			p += n - 1;
			continue;
		}
		switch (p[1]) {
		case '%':
			buf_putc(&b, '%');
			break;
		case 'h':
			buf_puts(&b, pw->dir);
			break;
		case 'u':
			buf_puts(&b, pw->name);
			break;
		case 'U':
			buf_printf(&b, "%u", (unsigned) pw->uid);
			break;
		default:
			*ret_bad = p[1] ? p[1] : '?';
			buf_done(&b);
			return -EINVAL;
		}
		p++;
	}
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret = buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

const struct pw_entry *keyfiles_tilde_owner(const struct accounts *a, const char *s)
{
	const char *slash = strchrnul(s, '/');
	_cleanup_free_ char *name = NULL;

	if (slash == s + 1)
		return accounts_user_by_uid(a, 0);
	name = strndup(s + 1, (size_t) (slash - s - 1));
	return name ? accounts_user_by_name(a, name) : NULL;
}

int keyfiles_path(const struct accounts *a, const char *pattern, const struct pw_entry *pw, char **ret,
		  char *ret_bad)
{
	_cleanup_free_ char *expanded = NULL;
	int r;

	/* "~/x" is one account's file: it is that account's only. */
	if (pattern[0] == '~') {
		if (keyfiles_tilde_owner(a, pattern) != pw)
			return 1;
		pattern = strchrnul(pattern, '/');
		if (*pattern == '/')
			pattern++;
	}
	r = keyfiles_expand_tokens(pattern, pw, &expanded, ret_bad);
	if (r < 0)
		return r;
	if (!expanded)
		return -ENOMEM;
	/* Relative after expansion: below the home (RULES §1.2). */
	*ret = expanded[0] == '/' ? TAKE_PTR(expanded) : path_join(pw->dir, expanded);
	return *ret ? 0 : -ENOMEM;
}

int keyfiles_paths(const struct sshd_config *c, const struct accounts *a, const struct pw_entry *pw, char ***ret)
{
	_cleanup_strv_free_ char **paths = NULL;
	struct keyfiles_set set;
	char **patterns = NULL;
	int r;

	r = keyfiles_set_init(&set, c, a);
	if (r == 0)
		r = keyfiles_set_for(&set, pw, &patterns);
	for (size_t i = 0; r == 0 && patterns[i]; i++) {
		char *p = NULL, bad;
		r = keyfiles_path(a, patterns[i], pw, &p, &bad);
		if (r == 0 && strv_push(&paths, p) < 0)
			r = -ENOMEM;
		if (r > 0 || r == -EINVAL)
			r = 0;	/* another account's file; a bad token */
	}
	keyfiles_set_done(&set);
	if (r < 0 || strv_ensure(&paths) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(paths);
	return 0;
}

struct keyfiles_seen {
	char **patterns;	/* keyfiles_patterns() of the model's sshd_config */
	size_t n_patterns;
	size_t n_accounts;
	unsigned char state[];	/* [account * n_patterns + pattern]: enum keyfile_seen */
};

/* The slot of pw's file from pattern, or NULL (pw not one of the model's accounts, another pattern). */
static unsigned char *seen_slot(const struct model *m, const struct pw_entry *pw, const char *pattern)
{
	const struct keyfiles_seen *s = m->keys_seen;
	const struct pw_entry *first = m->accounts.passwd.pw;

	if (!s || !first || pw < first || pw >= first + s->n_accounts)
		return NULL;
	for (size_t k = 0; k < s->n_patterns; k++)
		if (streq(s->patterns[k], pattern))
			return (unsigned char *) &s->state[(size_t) (pw - first) * s->n_patterns + k];
	return NULL;
}

enum keyfile_seen keyfiles_seen(const struct model *m, const struct pw_entry *pw, const char *pattern)
{
	const unsigned char *slot = seen_slot(m, pw, pattern);

	return slot ? (enum keyfile_seen) * slot : KEYFILE_UNKNOWN;
}

int keyfiles_seen_note(struct model *m, const struct pw_entry *pw, const char *pattern, bool exists)
{
	unsigned char *slot;

	if (!m->keys_seen) {
		_cleanup_strv_free_ char **patterns = NULL;
		size_t n_accounts = m->accounts.passwd.n_entries, n;
		int r = keyfiles_patterns(m->sshd, &patterns);
		if (r < 0)
			return r;
		n = strv_length(patterns);
		/* Made once even when empty ("AuthorizedKeysFile none"): each later note is then a lookup. */
		if (n && n_accounts > (SIZE_MAX - sizeof(struct keyfiles_seen)) / n)
			return 0;
		m->keys_seen = calloc(1, sizeof(struct keyfiles_seen) + n_accounts * n);
		if (!m->keys_seen)
			return -ENOMEM;
		m->keys_seen->patterns = TAKE_PTR(patterns);
		m->keys_seen->n_patterns = n;
		m->keys_seen->n_accounts = n_accounts;
	}
	slot = seen_slot(m, pw, pattern);
	if (slot)
		*slot = exists ? KEYFILE_PRESENT : KEYFILE_ABSENT;
	return 0;
}

void keyfiles_seen_free(struct keyfiles_seen *s)
{
	if (!s)
		return;
	strv_free(s->patterns);
	free(s);
}
