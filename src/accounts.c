/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lossless parser for the target's passwd, group and shadow files (RULES.md
 * §6: shell, lock and expiry states, AllowGroups by primary and
 * supplementary groups).  The classification rules are in accounts.h.
 *
 * Every line owns a copy of its bytes; entries own copies of their fields.
 * Rendering only ever concatenates raw lines, so whatever we failed to
 * understand is written back untouched.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "util.h"

/* The largest field count of any kind (shadow). */
#define FIELDS_MAX 9

/* An id glibc, the kernel and chown() all read the same way. */
#define ID_MAX 4294967294ull

union acct_entry {
	struct pw_entry pw;
	struct gr_entry gr;
	struct sp_entry sp;
};

struct span {
	size_t start, len;
};

static unsigned kind_fields(enum acct_kind kind)
{
	switch (kind) {
	case ACCT_PASSWD:
		return _PW_FIELDS;
	case ACCT_GROUP:
		return _GR_FIELDS;
	case ACCT_SHADOW:
		return _SP_FIELDS;
	}
	return 0;
}

static size_t entry_size(enum acct_kind kind)
{
	switch (kind) {
	case ACCT_PASSWD:
		return sizeof(struct pw_entry);
	case ACCT_GROUP:
		return sizeof(struct gr_entry);
	case ACCT_SHADOW:
		return sizeof(struct sp_entry);
	}
	return 0;
}

static void pw_entry_done(struct pw_entry *pw)
{
	if (!pw)
		return;
	free(pw->name);
	free(pw->passwd);
	free(pw->gecos);
	free(pw->dir);
	free(pw->shell);
	*pw = (struct pw_entry) {0};
}

static void gr_entry_done(struct gr_entry *gr)
{
	if (!gr)
		return;
	free(gr->name);
	free(gr->passwd);
	strv_free(gr->members);
	*gr = (struct gr_entry) {0};
}

static void sp_entry_done(struct sp_entry *sp)
{
	if (!sp)
		return;
	free(sp->name);
	free(sp->hash);
	free(sp->flag);
	*sp = (struct sp_entry) {0};
}

static void entry_done(enum acct_kind kind, union acct_entry *e)
{
	switch (kind) {
	case ACCT_PASSWD:
		pw_entry_done(&e->pw);
		break;
	case ACCT_GROUP:
		gr_entry_done(&e->gr);
		break;
	case ACCT_SHADOW:
		sp_entry_done(&e->sp);
		break;
	}
}

/* Address of entry i, whatever the kind. */
static void *entry_at(const struct acct_file *f, size_t i)
{
	switch (f->kind) {
	case ACCT_PASSWD:
		return &f->pw[i];
	case ACCT_GROUP:
		return &f->gr[i];
	case ACCT_SHADOW:
		return &f->sp[i];
	}
	return NULL;
}

static void entry_set_line(enum acct_kind kind, union acct_entry *e, size_t line)
{
	switch (kind) {
	case ACCT_PASSWD:
		e->pw.line = line;
		break;
	case ACCT_GROUP:
		e->gr.line = line;
		break;
	case ACCT_SHADOW:
		e->sp.line = line;
		break;
	}
}

/* Index into f->lines of entry i. */
static size_t entry_line(const struct acct_file *f, size_t i)
{
	switch (f->kind) {
	case ACCT_PASSWD:
		return f->pw[i].line;
	case ACCT_GROUP:
		return f->gr[i].line;
	case ACCT_SHADOW:
		return f->sp[i].line;
	}
	return SIZE_MAX;
}

/* Whitespace as glibc's isspace() in the C locale ('\n' never reaches us). */
static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * parse_uint() lets strtoull() skip leading tabs and CRs, so only plain
 * digit strings reach it: " 5", "+5", "-1" and "0x5" are all refused.
 */
static int parse_id(const char *s, uint32_t *ret)
{
	unsigned long long v;
	int r;

	if (!all_digits(s))
		return -EINVAL;
	r = parse_uint(s, 10, ID_MAX, &v);
	if (r < 0)
		return r;
	*ret = (uint32_t) v;
	return 0;
}

/* Empty is -1 (the field is unset); otherwise 0..INT_MAX, see struct sp_entry. */
static int parse_days(const char *s, long long *ret)
{
	unsigned long long v;
	int r;

	if (!*s) {
		*ret = -1;
		return 0;
	}
	if (!all_digits(s))
		return -EINVAL;
	r = parse_uint(s, 10, INT_MAX, &v);
	if (r < 0)
		return r;
	*ret = (long long) v;
	return 0;
}

/* Split on ':'.  Returns the number of fields; spans are filled up to max. */
static size_t split_fields(const char *raw, size_t len, struct span *spans, size_t max)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && raw[i] != ':')
			continue;
		if (n < max)
			spans[n] = (struct span) { start, i - start };
		n++;
		start = i + 1;
	}
	return n;
}

static char *field_dup(const char *raw, const struct span *s)
{
	return strndup(raw + s->start, s->len);
}

/*
 * Member list: split on ',', skip each item's leading whitespace and drop
 * items left empty (as glibc).  The vector is sized in one go: a 1 MiB line
 * holds half a million members, and strv_push() per item would be quadratic.
 */
static int parse_members(const char *raw, const struct span *s, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	size_t end = s->start + s->len, n = 1, k = 0;

	for (size_t i = s->start; i < end; i++)
		if (raw[i] == ',')
			n++;
	v = calloc(n + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = s->start; i < end; ) {
		size_t j;

		while (i < end && is_ws(raw[i]))
			i++;
		for (j = i; j < end && raw[j] != ','; j++)
			;
		if (j > i) {
			v[k] = strndup(raw + i, j - i);
			if (!v[k])
				return -ENOMEM;
			k++;
		}
		i = j + 1;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

/* Returns LINE_ENTRY (and fills *ret) or LINE_BAD with *why, or -ENOMEM. */
static int parse_pw(const char *raw, const struct span *f, struct pw_entry *ret, const char **why)
{
	_cleanup_(pw_entry_done) struct pw_entry pw = {0};
	_cleanup_free_ char *uid = NULL, *gid = NULL;
	uint32_t u, g;

	uid = field_dup(raw, &f[PW_UID]);
	gid = field_dup(raw, &f[PW_GID]);
	if (!uid || !gid)
		return -ENOMEM;
	if (parse_id(uid, &u) < 0) {
		*why = "bad uid";
		return LINE_BAD;
	}
	if (parse_id(gid, &g) < 0) {
		*why = "bad gid";
		return LINE_BAD;
	}
	pw.uid = u;
	pw.gid = g;
	pw.name = field_dup(raw, &f[PW_NAME]);
	pw.passwd = field_dup(raw, &f[PW_PASSWD]);
	pw.gecos = field_dup(raw, &f[PW_GECOS]);
	pw.dir = field_dup(raw, &f[PW_DIR]);
	pw.shell = field_dup(raw, &f[PW_SHELL]);
	if (!pw.name || !pw.passwd || !pw.gecos || !pw.dir || !pw.shell)
		return -ENOMEM;
	*ret = pw;
	pw = (struct pw_entry) {0};	/* moved to *ret */
	return LINE_ENTRY;
}

static int parse_gr(const char *raw, const struct span *f, struct gr_entry *ret, const char **why)
{
	_cleanup_(gr_entry_done) struct gr_entry gr = {0};
	_cleanup_free_ char *gid = NULL;
	uint32_t g;
	int r;

	gid = field_dup(raw, &f[GR_GID]);
	if (!gid)
		return -ENOMEM;
	if (parse_id(gid, &g) < 0) {
		*why = "bad gid";
		return LINE_BAD;
	}
	gr.gid = g;
	gr.name = field_dup(raw, &f[GR_NAME]);
	gr.passwd = field_dup(raw, &f[GR_PASSWD]);
	if (!gr.name || !gr.passwd)
		return -ENOMEM;
	r = parse_members(raw, &f[GR_MEMBERS], &gr.members);
	if (r < 0)
		return r;
	*ret = gr;
	gr = (struct gr_entry) {0};	/* moved to *ret */
	return LINE_ENTRY;
}

static int parse_sp(const char *raw, const struct span *f, struct sp_entry *ret, const char **why)
{
	static const char *const days_why[] = {
		[SP_LASTCHG] = "bad lastchg",
		[SP_MIN] = "bad min",
		[SP_MAX] = "bad max",
		[SP_WARN] = "bad warn",
		[SP_INACTIVE] = "bad inactive",
		[SP_EXPIRE] = "bad expire",
	};
	_cleanup_(sp_entry_done) struct sp_entry sp = {0};
	long long *const days[] = {
		[SP_LASTCHG] = &sp.lastchg,
		[SP_MIN] = &sp.min,
		[SP_MAX] = &sp.max,
		[SP_WARN] = &sp.warn,
		[SP_INACTIVE] = &sp.inactive,
		[SP_EXPIRE] = &sp.expire,
	};

	for (unsigned i = SP_LASTCHG; i <= SP_EXPIRE; i++) {
		_cleanup_free_ char *s = field_dup(raw, &f[i]);

		if (!s)
			return -ENOMEM;
		if (parse_days(s, days[i]) < 0) {
			*why = days_why[i];
			return LINE_BAD;
		}
	}
	sp.name = field_dup(raw, &f[SP_NAME]);
	sp.hash = field_dup(raw, &f[SP_HASH]);
	sp.flag = field_dup(raw, &f[SP_FLAG]);
	if (!sp.name || !sp.hash || !sp.flag)
		return -ENOMEM;
	*ret = sp;
	sp = (struct sp_entry) {0};	/* moved to *ret */
	return LINE_ENTRY;
}

/*
 * Classify one line (see the table in accounts.h).  Returns its state; for
 * LINE_ENTRY *e is filled and owned by the caller, for LINE_BAD *why is set.
 * Returns -ENOMEM only on allocation failure.
 */
static int parse_line(enum acct_kind kind, const char *raw, size_t len, union acct_entry *e, const char **why)
{
	struct span f[FIELDS_MAX];
	size_t i;

	*why = NULL;
	if (len > ACCT_LINE_MAX) {
		*why = "line too long";
		return LINE_BAD;
	}
	if (memchr(raw, '\0', len)) {
		*why = "NUL byte in line";
		return LINE_BAD;
	}
	for (i = 0; i < len && is_ws(raw[i]); i++)
		;
	if (i == len)
		return LINE_BLANK;
	if (raw[0] == '+' || raw[0] == '-')
		return LINE_COMPAT;
	if (raw[i] == '#')
		return LINE_COMMENT;
	if (i > 0) {
		*why = "leading whitespace";
		return LINE_BAD;
	}
	if (split_fields(raw, len, f, ELEMENTSOF(f)) != kind_fields(kind)) {
		*why = "wrong number of fields";
		return LINE_BAD;
	}
	if (f[0].len == 0) {
		*why = "empty name";
		return LINE_BAD;
	}
	switch (kind) {
	case ACCT_PASSWD:
		return parse_pw(raw, f, &e->pw, why);
	case ACCT_GROUP:
		return parse_gr(raw, f, &e->gr, why);
	case ACCT_SHADOW:
		return parse_sp(raw, f, &e->sp, why);
	}
	return -EINVAL;
}

/* Copy n bytes into a new NUL-terminated buffer. */
static char *bytes_dup(const char *p, size_t n)
{
	char *s;

	if (n == SIZE_MAX)
		return NULL;
	s = malloc(n + 1);
	if (!s)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Grow f's arrays so one more line and one more entry fit; f's contents stay valid on failure. */
static int file_reserve(struct acct_file *f, size_t *cap_lines, size_t *cap_entries)
{
	if (f->n_lines == *cap_lines) {
		size_t cap = *cap_lines ? *cap_lines * 2 : 16;
		struct acct_line *l;

		if (cap > SIZE_MAX / sizeof(*l))
			return -ENOMEM;
		l = realloc(f->lines, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		f->lines = l;
		*cap_lines = cap;
	}
	if (f->n_entries == *cap_entries) {
		size_t sz = entry_size(f->kind), cap = *cap_entries ? *cap_entries * 2 : 16;
		void *p;

		if (cap > SIZE_MAX / sz)
			return -ENOMEM;
		/* f->pw aliases the other members of the union */
		p = realloc(f->pw, cap * sz);
		if (!p)
			return -ENOMEM;
		f->pw = p;
		*cap_entries = cap;
	}
	return 0;
}

/*
 * Parse raw[0..len) and add it as the last line of f, taking ownership of
 * raw.  The arrays must have room (file_reserve()).  On failure raw is
 * freed and f is unchanged.
 */
static int file_add_line(struct acct_file *f, char *raw, size_t len, bool newline)
{
	union acct_entry e = {0};
	const char *why;
	int state;

	state = parse_line(f->kind, raw, len, &e, &why);
	if (state < 0) {
		free(raw);
		return state;
	}
	f->lines[f->n_lines] = (struct acct_line) {
		.raw = raw,
		.len = len,
		.newline = newline,
		.state = (enum line_state) state,
		.why = why,
	};
	if (state == LINE_ENTRY) {
		entry_set_line(f->kind, &e, f->n_lines);
		memcpy(entry_at(f, f->n_entries), &e, entry_size(f->kind));
		f->lines[f->n_lines].entry = f->n_entries++;
	}
	f->n_lines++;
	return 0;
}

void acct_file_done(struct acct_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_entries; i++)
		entry_done(f->kind, entry_at(f, i));
	free(f->pw);
	for (size_t i = 0; i < f->n_lines; i++)
		free(f->lines[i].raw);
	free(f->lines);
	*f = (struct acct_file) { .kind = f->kind };
}

int acct_file_parse(enum acct_kind kind, const char *data, size_t len, struct acct_file *ret)
{
	_cleanup_(acct_file_done) struct acct_file f = { .kind = kind, .present = true };
	size_t cap_lines = 0, cap_entries = 0, pos = 0;

	if (kind_fields(kind) == 0 || (!data && len > 0))
		return -EINVAL;

	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t) (nl - (data + pos)) : len - pos;
		char *raw;
		int r;

		if (f.n_lines >= ACCT_LINES_MAX)
			return -EFBIG;
		r = file_reserve(&f, &cap_lines, &cap_entries);
		if (r < 0)
			return r;
		raw = bytes_dup(data + pos, n);
		if (!raw)
			return -ENOMEM;
		r = file_add_line(&f, raw, n, nl != NULL);
		if (r < 0)
			return r;
		pos += n + (nl ? 1 : 0);
	}

	*ret = f;
	f = (struct acct_file) {0};	/* moved to *ret */
	return 0;
}

int acct_file_render(const struct acct_file *f, char **ret_data, size_t *ret_len)
{
	struct buf b = {0};
	size_t len;
	char *s;

	for (size_t i = 0; i < f->n_lines; i++) {
		(void) buf_append(&b, f->lines[i].raw, f->lines[i].len);
		if (f->lines[i].newline)
			(void) buf_putc(&b, '\n');
	}
	len = b.len;		/* buf_ok() is checked by buf_steal() */
	s = buf_steal(&b);
	if (!s)
		return -ENOMEM;
	*ret_data = s;
	*ret_len = len;
	return 0;
}

size_t acct_file_bad_lines(const struct acct_file *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_lines; i++)
		if (f->lines[i].state == LINE_BAD)
			n++;
	return n;
}

int acct_file_set_field(struct acct_file *f, size_t entry, unsigned field, const char *value)
{
	struct span spans[FIELDS_MAX];
	union acct_entry e = {0};
	_cleanup_free_ char *raw = NULL;
	struct acct_line *l;
	const struct span *s;
	const char *why;
	size_t vlen, len;
	int state;

	if (!f || !value || entry >= f->n_entries || field >= kind_fields(f->kind))
		return -EINVAL;
	if (strpbrk(value, ":\n"))
		return -EINVAL;

	l = &f->lines[entry_line(f, entry)];

	/* An entry line has exactly kind_fields() fields. */
	if (split_fields(l->raw, l->len, spans, ELEMENTSOF(spans)) != kind_fields(f->kind))
		return -EINVAL;
	s = &spans[field];
	vlen = strlen(value);
	if (vlen == s->len && memcmp(l->raw + s->start, value, vlen) == 0)
		return 0;

	if (vlen > ACCT_LINE_MAX)
		return -EINVAL;
	len = l->len - s->len + vlen;
	raw = malloc(len + 1);
	if (!raw)
		return -ENOMEM;
	memcpy(raw, l->raw, s->start);
	memcpy(raw + s->start, value, vlen);
	memcpy(raw + s->start + vlen, l->raw + s->start + s->len, l->len - s->start - s->len);
	raw[len] = '\0';

	state = parse_line(f->kind, raw, len, &e, &why);
	if (state < 0)
		return state;
	if (state != LINE_ENTRY)
		return -EINVAL;

	entry_set_line(f->kind, &e, (size_t) (l - f->lines));
	entry_done(f->kind, entry_at(f, entry));
	memcpy(entry_at(f, entry), &e, entry_size(f->kind));
	free(l->raw);
	l->raw = TAKE_PTR(raw);
	l->len = len;
	return 1;
}

int acct_file_append_line(struct acct_file *f, const char *raw)
{
	size_t cap_lines = f->n_lines, cap_entries = f->n_entries, len;
	union acct_entry e = {0};
	const char *why;
	char *copy;
	int state, r;

	if (!raw || strchr(raw, '\n'))
		return -EINVAL;
	if (kind_fields(f->kind) == 0)
		return -EINVAL;
	if (f->n_lines >= ACCT_LINES_MAX)
		return -EFBIG;

	/* Check first, so that a refused line leaves f untouched. */
	len = strlen(raw);
	state = parse_line(f->kind, raw, len, &e, &why);
	if (state < 0)
		return state;
	entry_done(f->kind, &e);
	if (state != LINE_ENTRY)
		return -EINVAL;

	/* Arrays are exactly full after parse or a previous append: grow them. */
	r = file_reserve(f, &cap_lines, &cap_entries);
	if (r < 0)
		return r;
	copy = bytes_dup(raw, len);
	if (!copy)
		return -ENOMEM;
	r = file_add_line(f, copy, len, true);
	if (r < 0)
		return r;
	if (f->n_lines >= 2)
		f->lines[f->n_lines - 2].newline = true;
	return (int) (f->n_entries - 1);
}

void accounts_done(struct accounts *a)
{
	if (!a)
		return;
	acct_file_done(&a->passwd);
	acct_file_done(&a->group);
	acct_file_done(&a->shadow);
}

const struct pw_entry *accounts_user_by_name(const struct accounts *a, const char *name)
{
	const struct acct_file *f = &a->passwd;

	if (f->kind != ACCT_PASSWD || !name)
		return NULL;
	for (size_t i = 0; i < f->n_entries; i++)
		if (streq(f->pw[i].name, name))
			return &f->pw[i];
	return NULL;
}

const struct pw_entry *accounts_user_by_uid(const struct accounts *a, uid_t uid)
{
	const struct acct_file *f = &a->passwd;

	if (f->kind != ACCT_PASSWD)
		return NULL;
	for (size_t i = 0; i < f->n_entries; i++)
		if (f->pw[i].uid == uid)
			return &f->pw[i];
	return NULL;
}

const struct gr_entry *accounts_group_by_gid(const struct accounts *a, gid_t gid)
{
	const struct acct_file *f = &a->group;

	if (f->kind != ACCT_GROUP)
		return NULL;
	for (size_t i = 0; i < f->n_entries; i++)
		if (f->gr[i].gid == gid)
			return &f->gr[i];
	return NULL;
}

const struct gr_entry *accounts_group_by_name(const struct accounts *a, const char *name)
{
	const struct acct_file *f = &a->group;

	if (f->kind != ACCT_GROUP || !name)
		return NULL;
	for (size_t i = 0; i < f->n_entries; i++)
		if (streq(f->gr[i].name, name))
			return &f->gr[i];
	return NULL;
}

const struct sp_entry *accounts_shadow_by_name(const struct accounts *a, const char *name)
{
	const struct acct_file *f = &a->shadow;

	if (f->kind != ACCT_SHADOW || !name)
		return NULL;
	for (size_t i = 0; i < f->n_entries; i++)
		if (streq(f->sp[i].name, name))
			return &f->sp[i];
	return NULL;
}

struct gid_pos {
	gid_t gid;
	size_t pos;
};

static int gid_pos_cmp(const void *a, const void *b)
{
	const struct gid_pos *x = a, *y = b;

	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int accounts_user_gids(const struct accounts *a, const struct pw_entry *pw, gid_t **ret, size_t *ret_n)
{
	const struct acct_file *g = &a->group;
	_cleanup_free_ gid_t *all = NULL;
	_cleanup_free_ struct gid_pos *sorted = NULL;
	_cleanup_free_ bool *dup = NULL;
	size_t n = 1, k = 0;

	if (!pw || !pw->name)
		return -EINVAL;

	/* Candidates in order, duplicates included: primary, then member-of. */
	for (size_t i = 0; g->kind == ACCT_GROUP && i < g->n_entries; i++)
		if (strv_contains(g->gr[i].members, pw->name))
			n++;
	all = calloc(n, sizeof(*all));
	sorted = calloc(n, sizeof(*sorted));
	dup = calloc(n, sizeof(*dup));
	if (!all || !sorted || !dup)
		return -ENOMEM;
	all[k++] = pw->gid;
	for (size_t i = 0; g->kind == ACCT_GROUP && i < g->n_entries; i++)
		if (strv_contains(g->gr[i].members, pw->name))
			all[k++] = g->gr[i].gid;

	/* A hostile group file may list the user in 100000 groups: sort, not n². */
	for (size_t i = 0; i < n; i++)
		sorted[i] = (struct gid_pos) { all[i], i };
	qsort(sorted, n, sizeof(*sorted), gid_pos_cmp);
	for (size_t i = 1; i < n; i++)
		if (sorted[i].gid == sorted[i - 1].gid)
			dup[sorted[i].pos] = true;	/* not the first occurrence */

	k = 0;
	for (size_t i = 0; i < n; i++)
		if (!dup[i])
			all[k++] = all[i];
	*ret = TAKE_PTR(all);
	*ret_n = k;
	return 0;
}
