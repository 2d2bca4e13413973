/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pam_limits.h"
#include "util.h"

/* One limits file, as pam_limits' parse_config_file() splits its lines. */
static int read_limits(struct target *t, struct pam_limits *pl, const char *path)
{
	_cleanup_free_ char *data = NULL;
	const char *file;
	size_t len;
	unsigned lineno = 0;

	if (target_read_file(t, path, CONFIG_MAX, &data, &len) < 0)
		return 0;	/* pam_limits skips a missing file */
	if (strv_push(&pl->files, strdup(path)) < 0)
		return -ENOMEM;
	file = pl->files[strv_length(pl->files) - 1];
	for (size_t off = 0; off < len;) {
		const char *s = data + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t) (nl - s) : len - off;
		_cleanup_free_ char *line = strndup(s, n);
		_cleanup_strv_free_ char **w = NULL;
		off += n + (nl ? 1 : 0);
		lineno++;
		if (!line)
			return -ENOMEM;
		line[strcspn(line, "#")] = '\0';
		/* domain, type, item, and the rest as the value */
		char *p = line;
		for (int k = 0; k < 3; k++) {
			p += strspn(p, " \t\r\v\f");
			size_t m = strcspn(p, " \t");
			if (m && strv_push(&w, strndup(p, m)) < 0)
				return -ENOMEM;
			p += m;
		}
		p += strspn(p, " \t");
		size_t m = strlen(p);
		while (m && strchr(" \t\r", p[m - 1]))
			m--;
		if (m && strv_push(&w, strndup(p, m)) < 0)
			return -ENOMEM;
		size_t count = strv_length(w);
		if (!(count == 4 || (count == 2 && w[1][0] == '-')))
			continue;	/* pam_limits: "invalid line - skipped" */
		struct pam_limit *nl2 = realloc(pl->v, (pl->n + 1) * sizeof(*nl2));
		if (!nl2)
			return -ENOMEM;
		pl->v = nl2;
		struct pam_limit *l = &pl->v[pl->n++];
		*l = (struct pam_limit) { .file = file, .line = lineno, .domain = TAKE_PTR(w[0]),
					      .type = TAKE_PTR(w[1]) };
		if (count == 4) {
			l->item = TAKE_PTR(w[2]);
			l->value = TAKE_PTR(w[3]);
			for (char *c = l->item; *c; c++)
				*c = (char) tolower((unsigned char) *c);
			for (char *c = l->value; *c; c++)
				*c = (char) tolower((unsigned char) *c);
		}
		for (char *c = l->type; *c; c++)
			*c = (char) tolower((unsigned char) *c);
	}
	return 0;
}


int pam_limits_load(struct target *t, struct pam_limits *ret)
{
	_cleanup_strv_free_ char **limitsd = NULL;
	struct pam_limits pl = {0};
	int r;

	r = read_limits(t, &pl, "/etc/security/limits.conf");
	if (r == 0)
		r = target_glob(t, "/etc/security/limits.d/*.conf", &limitsd);
	for (size_t i = 0; r == 0 && limitsd && limitsd[i]; i++)
		r = read_limits(t, &pl, limitsd[i]);
	if (r < 0) {
		pam_limits_done(&pl);
		return r;
	}
	*ret = pl;
	return 0;
}

void pam_limits_done(struct pam_limits *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->v[i].domain);
		free(pl->v[i].type);
		free(pl->v[i].item);
		free(pl->v[i].value);
	}
	free(pl->v);
	strv_free(pl->files);
	*pl = (struct pam_limits) {0};
}

int pam_limits_in_session(const struct pam_stack *s, char **ret_where)
{
	for (size_t i = 0; s && i < s->n[PAMT_SESSION]; i++) {
		const struct pam_line *l = &s->lines[PAMT_SESSION][i];
		if (!pam_line_is(l, "pam_limits") || strcasecmp(l->control, "optional") == 0)
			continue;
		char *where = NULL;
		if (asprintf(&where, "%s:%u", l->file, l->line) < 0)
			return -ENOMEM;
		*ret_where = where;
		return 1;
	}
	return 0;
}

enum {
	SRC_USER,	/* pam_limits' LIMITS_DEF_USER ... LIMITS_DEF_NONE: lower wins */
	SRC_GROUP,
	SRC_ALLGROUP,
	SRC_ALL,
	SRC_DEFAULT,
	SRC_NONE = 6,
};

static bool in_group(const struct accounts *a, const struct pw_entry *pw, const struct gr_entry *gr)
{
	if (!gr)
		return false;
	if (gr->gid == pw->gid)
		return true;
	for (char **m = gr->members; *m; m++)
		if (streq(*m, pw->name))
			return true;
	(void) a;
	return false;
}

enum range { RANGE_NONE, RANGE_ONE, RANGE_MIN, RANGE_MM, RANGE_ERR };

/* parse_uid_range(): "1000:", ":1000", "1000:2000" (after '@' or '%' for gids). */
static enum range parse_range(const char *domain, unsigned long long *min, unsigned long long *max)
{
	const char *colon = strchr(domain, ':'), *p = domain;
	enum range rv = RANGE_MM;
	char *end;

	if (!colon)
		return RANGE_NONE;
	if (*p == '@' || *p == '%')
		p++;
	if (*p == ':')
		rv = RANGE_ONE;
	else {
		errno = 0;
		*min = strtoul(p, &end, 10);
		if (errno || end == p || *end != ':')
			return RANGE_ERR;
	}
	if (!colon[1])
		return rv == RANGE_ONE ? RANGE_ERR : RANGE_MIN;
	errno = 0;
	*max = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end)
		return RANGE_ERR;
	if (rv == RANGE_ONE)
		*min = *max;
	return rv;
}

static void limit_apply(struct pam_limits_result *lr, const struct pam_limit *l, int src)
{
	bool login = streq(l->item, "maxlogins");
	bool nofile = streq(l->item, "nofile");

	if (!login && !nofile)
		return;
	/* '%' domains count for maxlogins only. */
	if ((src == SRC_ALL || src == SRC_ALLGROUP) && !login)
		return;
	if (login) {
		char *end;
		long v = strtol(l->value, &end, 10);
		if (streq(l->value, "-1") || streq(l->value, "-") || streq(l->value, "unlimited") ||
		    streq(l->value, "infinity"))
			v = -1;
		else if (v == 0 && end == l->value)
			return;
		if (lr->login_src < src)
			return;
		lr->login = v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int) v;
		lr->login_src = src;
		lr->login_at = l;
		return;
	}
	bool soft = streq(l->type, "soft") || streq(l->type, "-");
	bool hard = streq(l->type, "hard") || streq(l->type, "-");
	unsigned long long v;
	if (!soft && !hard)
		return;
	if (streq(l->value, "-1") || streq(l->value, "-") || streq(l->value, "unlimited") ||
	    streq(l->value, "infinity"))
		v = ULLONG_MAX - 1;
	else {
		char *end;
		v = strtoull(l->value, &end, 10);
		if (v == 0 && end == l->value)
			return;
	}
	if (soft) {
		if (lr->soft_src < src)
			return;
		lr->soft = v, lr->soft_src = src, lr->soft_at = l;
	}
	if (hard) {
		if (lr->hard_src < src)
			return;
		lr->hard = v, lr->hard_src = src, lr->hard_at = l;
	}
}

/* parse_config_file() over every file. */
void pam_limits_for(const struct pam_limits *pl, const struct accounts *a, const struct pw_entry *pw,
		    struct pam_limits_result *lr)
{
	*lr = (struct pam_limits_result) { .login = -2, .login_src = SRC_NONE, .soft = ULLONG_MAX, .hard = ULLONG_MAX,
				       .soft_src = SRC_NONE, .hard_src = SRC_NONE };
	for (size_t i = 0; i < pl->n; i++) {
		const struct pam_limit *l = &pl->v[i];
		const char *d = l->domain;
		unsigned long long min = 0, max = 0;
		enum range rt = parse_range(d, &min, &max);

		if (rt == RANGE_ERR)
			continue;
		if (!l->item) {
			/* "<domain> -": no limits at all for whom it names. */
			bool applies = false;
			if (streq(d, pw->name))
				applies = true;
			else if (d[0] == '@')
				applies = rt == RANGE_NONE ? in_group(a, pw, accounts_group_by_name(a, d + 1))
					: rt == RANGE_ONE  ? in_group(a, pw, accounts_group_by_gid(a, (gid_t) max))
					: rt == RANGE_MM   ? pw->gid >= min && pw->gid <= max
							   : pw->gid >= min;
			else if (rt != RANGE_NONE)
				applies = rt == RANGE_ONE ? pw->uid == max
					: rt == RANGE_MM  ? pw->uid >= min && pw->uid <= max
							  : pw->uid >= min;
			if (applies) {
				lr->ignored = true;
				return;
			}
			continue;
		}
		if (streq(d, pw->name))
			limit_apply(lr, l, SRC_USER);
		else if (d[0] == '@') {
			bool member = rt == RANGE_NONE ? in_group(a, pw, accounts_group_by_name(a, d + 1))
				    : rt == RANGE_ONE  ? in_group(a, pw, accounts_group_by_gid(a, (gid_t) max))
				    : rt == RANGE_MM   ? pw->gid >= min && pw->gid <= max
						       : pw->gid >= min;
			if (member)
				limit_apply(lr, l, SRC_GROUP);
		} else if (d[0] == '%') {
			if (rt == RANGE_NONE && streq(d, "%"))
				limit_apply(lr, l, SRC_ALL);
			else if (rt == RANGE_NONE && in_group(a, pw, accounts_group_by_name(a, d + 1)))
				limit_apply(lr, l, SRC_ALLGROUP);
			else if (rt == RANGE_ONE && in_group(a, pw, accounts_group_by_gid(a, (gid_t) max)))
				limit_apply(lr, l, SRC_ALLGROUP);
		} else if (rt == RANGE_NONE) {
			if (streq(d, "*"))
				limit_apply(lr, l, SRC_DEFAULT);
		} else if (rt == RANGE_ONE ? pw->uid == max
			   : rt == RANGE_MM ? pw->uid >= min && pw->uid <= max
					    : pw->uid >= min)
			limit_apply(lr, l, SRC_USER);
	}
}
