/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lossless parser for the target's passwd, group and shadow files (RULES.md
 * §6: shell, lock and expiry states, AllowGroups by primary and
 * supplementary groups).  The classification rules are in accounts.h.
 *
 * Each line's bytes are kept once: an entry's fields point into its own
 * line, split in place (see parse_line()).  Rendering concatenates the lines,
 * putting back the separators of entry lines, so whatever we failed to
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

/* Why a line is LINE_BAD: kept in struct acct_line as an index into this table. */
enum {
	WHY_NONE,
	WHY_TOO_LONG,
	WHY_NUL,
	WHY_LEADING_WS,
	WHY_FIELDS,
	WHY_EMPTY_NAME,
	WHY_UID,
	WHY_GID,
	WHY_LASTCHG,
	WHY_MIN,
	WHY_MAX,
	WHY_WARN,
	WHY_INACTIVE,
	WHY_EXPIRE,
	_WHY_COUNT,
};

static const char *const line_whys[_WHY_COUNT] = {
	[WHY_NONE] = NULL,
	[WHY_TOO_LONG] = "line too long",
	[WHY_NUL] = "NUL byte in line",
	[WHY_LEADING_WS] = "leading whitespace",
	[WHY_FIELDS] = "wrong number of fields",
	[WHY_EMPTY_NAME] = "empty name",
	[WHY_UID] = "bad uid",
	[WHY_GID] = "bad gid",
	[WHY_LASTCHG] = "bad lastchg",
	[WHY_MIN] = "bad min",
	[WHY_MAX] = "bad max",
	[WHY_WARN] = "bad warn",
	[WHY_INACTIVE] = "bad inactive",
	[WHY_EXPIRE] = "bad expire",
};
_Static_assert(_WHY_COUNT <= 1 << 5, "struct acct_line: why has 5 bits");

const char *acct_line_why(const struct acct_line *l)
{
	return l->state == LINE_BAD && l->why < _WHY_COUNT ? line_whys[l->why] : NULL;
}

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

/*
 * An entry's strings point into its line's buffer, split in place (':' and
 * the member ',' become NUL): the bytes are held once, not once as read and
 * once split, which keeps 10,000 accounts within a rescue system's memory.
 * The line owns the buffer.
 */
static void pw_entry_done(struct pw_entry *pw)
{
	if (pw)
		*pw = (struct pw_entry) {0};
}

/*
 * The member list of a group without members: most groups (a user's own
 * group has none), so 10,000 accounts would make 10,000 vectors of one NULL
 * (32 bytes each with malloc's header).  Read-only: a write through it faults.
 */
static char *const no_members[1] = { NULL };

static void gr_entry_done(struct gr_entry *gr)
{
	if (!gr)
		return;
	if (gr->members != (char **) no_members)
		free(gr->members);	/* the vector; its strings are in the line's buffer */
	*gr = (struct gr_entry) {0};
}

static void sp_entry_done(struct sp_entry *sp)
{
	if (sp)
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
static int parse_days(const char *s, int *ret)
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
	*ret = (int) v;
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

/* A line buffer: n bytes and a NUL. */
static char *line_alloc(const char *p, size_t n)
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

/*
 * The bytes of line l as read, into out (l->len bytes).  An entry line is
 * kept split: its first kind_fields() - 1 NULs were the ':' and the rest
 * (in a group's member list, the last field) the ','.  No entry line holds
 * a NUL of its own (that line is LINE_BAD), so every NUL is put back.
 */
static void line_unsplit(enum acct_kind kind, const struct acct_line *l, char *out)
{
	unsigned colons = kind_fields(kind) - 1;

	if (l->len)
		memcpy(out, l->raw, l->len);
	if (l->state != LINE_ENTRY)
		return;
	for (char *p = out, *end = out + l->len; (p = memchr(p, '\0', (size_t) (end - p))); p++) {
		*p = colons > 0 ? ':' : ',';
		if (colons > 0)
			colons--;
	}
}

/* Field s of a line split in place. */
static char *field_at(char *split, const struct span *s)
{
	return split + s->start;
}

/*
 * Member list: split on ',', skip each item's leading whitespace and drop
 * items left empty (as glibc).  The vector is sized in one go: a 1 MiB line
 * holds half a million members, and strv_push() per item would be quadratic.
 */
static int parse_members(char *raw, const struct span *s, char ***ret)
{
	_cleanup_free_ char **v = NULL;
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
			raw[j] = '\0';	/* the ',' or the field's own NUL */
			v[k++] = raw + i;
		}
		i = j + 1;
	}
	*ret = k > 0 ? TAKE_PTR(v) : (char **) no_members;
	return 0;
}

/* Returns LINE_ENTRY (and fills *ret) or LINE_BAD with *why, or -ENOMEM. */
static int parse_pw(char *raw, const struct span *f, struct pw_entry *ret, unsigned *why)
{
	struct pw_entry pw = {0};
	const char *uid = field_at(raw, &f[PW_UID]), *gid = field_at(raw, &f[PW_GID]);
	uint32_t u, g;

	if (parse_id(uid, &u) < 0) {
		*why = WHY_UID;
		return LINE_BAD;
	}
	if (parse_id(gid, &g) < 0) {
		*why = WHY_GID;
		return LINE_BAD;
	}
	pw.uid = u;
	pw.gid = g;
	pw.name = field_at(raw, &f[PW_NAME]);
	pw.passwd = field_at(raw, &f[PW_PASSWD]);
	pw.gecos = field_at(raw, &f[PW_GECOS]);
	pw.dir = field_at(raw, &f[PW_DIR]);
	pw.shell = field_at(raw, &f[PW_SHELL]);
	*ret = pw;
	return LINE_ENTRY;
}

static int parse_gr(char *raw, const struct span *f, struct gr_entry *ret, unsigned *why)
{
	struct gr_entry gr = {0};
	const char *gid = field_at(raw, &f[GR_GID]);
	uint32_t g;
	int r;

	if (parse_id(gid, &g) < 0) {
		*why = WHY_GID;
		return LINE_BAD;
	}
	gr.gid = g;
	gr.name = field_at(raw, &f[GR_NAME]);
	gr.passwd = field_at(raw, &f[GR_PASSWD]);
	r = parse_members(raw, &f[GR_MEMBERS], &gr.members);
	if (r < 0)
		return r;
	*ret = gr;
	return LINE_ENTRY;
}

static int parse_sp(char *raw, const struct span *f, struct sp_entry *ret, unsigned *why)
{
	static const unsigned days_why[] = {
		[SP_LASTCHG] = WHY_LASTCHG,
		[SP_MIN] = WHY_MIN,
		[SP_MAX] = WHY_MAX,
		[SP_WARN] = WHY_WARN,
		[SP_INACTIVE] = WHY_INACTIVE,
		[SP_EXPIRE] = WHY_EXPIRE,
	};
	struct sp_entry sp = {0};
	int *const days[] = {
		[SP_LASTCHG] = &sp.lastchg,
		[SP_MIN] = &sp.min,
		[SP_MAX] = &sp.max,
		[SP_WARN] = &sp.warn,
		[SP_INACTIVE] = &sp.inactive,
		[SP_EXPIRE] = &sp.expire,
	};

	for (unsigned i = SP_LASTCHG; i <= SP_EXPIRE; i++) {
		if (parse_days(field_at(raw, &f[i]), days[i]) < 0) {
			*why = days_why[i];
			return LINE_BAD;
		}
	}
	sp.name = field_at(raw, &f[SP_NAME]);
	sp.hash = field_at(raw, &f[SP_HASH]);
	sp.flag = field_at(raw, &f[SP_FLAG]);
	*ret = sp;
	return LINE_ENTRY;
}

/*
 * Classify one line, raw[0..len) with raw[len] a NUL (see the table in
 * accounts.h).  Returns its state; for LINE_ENTRY raw is left split in place
 * and *e, pointing into it, is filled and owned by the caller; for LINE_BAD
 * *why is set.  Any other line keeps its bytes.  Returns -ENOMEM only on
 * allocation failure.
 */
static int parse_line(enum acct_kind kind, char *raw, size_t len, union acct_entry *e, unsigned *why)
{
	struct span f[FIELDS_MAX];
	size_t i;

	*why = WHY_NONE;
	if (len > ACCT_LINE_MAX) {
		*why = WHY_TOO_LONG;
		return LINE_BAD;
	}
	if (memchr(raw, '\0', len)) {
		*why = WHY_NUL;
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
		*why = WHY_LEADING_WS;
		return LINE_BAD;
	}
	if (split_fields(raw, len, f, ELEMENTSOF(f)) != kind_fields(kind)) {
		*why = WHY_FIELDS;
		return LINE_BAD;
	}
	if (f[0].len == 0) {
		*why = WHY_EMPTY_NAME;
		return LINE_BAD;
	}
	/* Split in place (raw[len] is already the last field's NUL): the
	 * entry's strings point into the line, and render puts the ':' back. */
	int r = -EINVAL;
	for (size_t k = 0; k + 1 < kind_fields(kind); k++)
		raw[f[k].start + f[k].len] = '\0';
	switch (kind) {
	case ACCT_PASSWD:
		r = parse_pw(raw, f, &e->pw, why);
		break;
	case ACCT_GROUP:
		r = parse_gr(raw, f, &e->gr, why);
		break;
	case ACCT_SHADOW:
		r = parse_sp(raw, f, &e->sp, why);
		break;
	}
	/* A line that is no entry keeps its bytes as read. */
	if (r != LINE_ENTRY)
		for (size_t k = 0; k + 1 < kind_fields(kind); k++)
			raw[f[k].start + f[k].len] = ':';
	return r;
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
 * Add raw[0..len), parsed by parse_line() into state, why and e, as the last
 * line of f, which takes ownership of raw and of e.  The arrays must have
 * room (file_reserve()).
 */
static void file_push_line(struct acct_file *f, char *raw, size_t len, bool newline, bool in_arena, int state,
			   unsigned why, union acct_entry *e)
{
	f->lines[f->n_lines] = (struct acct_line) {
		.raw = raw,
		.len = (uint32_t) len,
		.newline = newline,
		.state = (uint8_t) state,
		.why = why,
		.in_arena = in_arena,
	};
	if (state == LINE_ENTRY) {
		entry_set_line(f->kind, e, f->n_lines);
		memcpy(entry_at(f, f->n_entries), e, entry_size(f->kind));
		f->lines[f->n_lines].entry = (uint32_t) f->n_entries++;
	}
	f->n_lines++;
}

/*
 * Lookup tables.  With 10,000 accounts a linear scan per lookup makes a
 * scan quadratic (every user's groups, every owner's name), so each file
 * keeps its entries sorted by key, ties broken by position: the first
 * match in sorted order is the first in the file, as glibc returns it.
 */
struct member_ref {
	const char *name;
	uint32_t group;
};

struct acct_index {
	/* Entry indices (32 bits: at most ACCT_LINES_MAX entries), sorted. */
	uint32_t *by_name;	/* by name */
	uint32_t *by_id;	/* passwd: by uid, group: by gid */
	struct member_ref *members;	/* group: (member, group) sorted */
	size_t n_members;
};

static void index_free(struct acct_index *x)
{
	if (!x)
		return;
	free(x->by_name);
	free(x->by_id);
	free(x->members);
	free(x);
}

static const char *entry_name(const struct acct_file *f, size_t i)
{
	switch (f->kind) {
	case ACCT_PASSWD:
		return f->pw[i].name;
	case ACCT_GROUP:
		return f->gr[i].name;
	default:
		return f->sp[i].name;
	}
}

static unsigned entry_id(const struct acct_file *f, size_t i)
{
	return f->kind == ACCT_PASSWD ? (unsigned) f->pw[i].uid : (unsigned) f->gr[i].gid;
}

static int cmp_by_name(const void *a, const void *b, void *ctx)
{
	const struct acct_file *f = ctx;
	size_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
	int c = strcmp(entry_name(f, x), entry_name(f, y));

	return c ? c : (x > y) - (x < y);
}

static int cmp_by_id(const void *a, const void *b, void *ctx)
{
	const struct acct_file *f = ctx;
	size_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
	unsigned ix = entry_id(f, x), iy = entry_id(f, y);

	if (ix != iy)
		return ix < iy ? -1 : 1;
	return (x > y) - (x < y);
}

static int cmp_member(const void *a, const void *b)
{
	const struct member_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->group > y->group) - (x->group < y->group);
}

/* (Re)build f->index; on failure it is left NULL and lookups scan. */
static void index_rebuild(struct acct_file *f)
{
	struct acct_index *x;
	size_t n = f->n_entries;

	index_free(f->index);
	f->index = NULL;
	x = calloc(1, sizeof(*x));
	if (!x)
		return;
	x->by_name = malloc((n ? n : 1) * sizeof(uint32_t));
	if (f->kind != ACCT_SHADOW)
		x->by_id = malloc((n ? n : 1) * sizeof(uint32_t));
	if (!x->by_name || (f->kind != ACCT_SHADOW && !x->by_id))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		x->by_name[i] = (uint32_t) i;
		if (x->by_id)
			x->by_id[i] = (uint32_t) i;
	}
	qsort_r(x->by_name, n, sizeof(uint32_t), cmp_by_name, f);
	if (x->by_id)
		qsort_r(x->by_id, n, sizeof(uint32_t), cmp_by_id, f);
	if (f->kind == ACCT_GROUP) {
		for (size_t i = 0; i < n; i++)
			x->n_members += strv_length(f->gr[i].members);
		x->members = malloc((x->n_members ? x->n_members : 1) * sizeof(*x->members));
		if (!x->members)
			goto fail;
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			for (char **m = f->gr[i].members; *m; m++)
				x->members[k++] = (struct member_ref) { *m, (uint32_t) i };
		qsort(x->members, x->n_members, sizeof(*x->members), cmp_member);
	}
	f->index = x;
	return;
fail:
	index_free(x);
}

/* Position of the first entry in `sorted` whose key is not below the key. */
static size_t lower_bound_name(const struct acct_file *f, const uint32_t *sorted, const char *name)
{
	size_t lo = 0, hi = f->n_entries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(entry_name(f, sorted[mid]), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t lower_bound_id(const struct acct_file *f, const uint32_t *sorted, unsigned id)
{
	size_t lo = 0, hi = f->n_entries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (entry_id(f, sorted[mid]) < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the first entry named `name`, or -1. */
static ssize_t find_by_name(const struct acct_file *f, const char *name)
{
	if (!f->index) {
		for (size_t i = 0; i < f->n_entries; i++)
			if (streq(entry_name(f, i), name))
				return (ssize_t) i;
		return -1;
	}
	size_t p = lower_bound_name(f, f->index->by_name, name);
	return p < f->n_entries && streq(entry_name(f, f->index->by_name[p]), name) ? (ssize_t) f->index->by_name[p]
										   : -1;
}

static ssize_t find_by_id(const struct acct_file *f, unsigned id)
{
	if (!f->index) {
		for (size_t i = 0; i < f->n_entries; i++)
			if (entry_id(f, i) == id)
				return (ssize_t) i;
		return -1;
	}
	size_t p = lower_bound_id(f, f->index->by_id, id);
	return p < f->n_entries && entry_id(f, f->index->by_id[p]) == id ? (ssize_t) f->index->by_id[p] : -1;
}

void acct_file_done(struct acct_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_entries; i++)
		entry_done(f->kind, entry_at(f, i));
	free(f->pw);
	for (size_t i = 0; i < f->n_lines; i++)
		if (!f->lines[i].in_arena)
			free(f->lines[i].raw);
	free(f->lines);
	free(f->arena);
	index_free(f->index);
	*f = (struct acct_file) { .kind = f->kind };
}

/* Lines in data[0, len): '\n'-terminated ones, and a last one without. */
static size_t count_lines(const char *data, size_t len)
{
	size_t n = 0;

	for (const char *p = data; p && (p = memchr(p, '\n', (size_t) (data + len - p))); p++)
		n++;
	return n + (len > 0 && data[len - 1] != '\n');
}

/*
 * Parse the lines of f->arena, the file's len bytes and one more: each '\n'
 * (and that byte, after a last line without one) becomes its line's NUL,
 * so every line is parsed where it lies, without a malloc or a copy.
 */
static int parse_arena(struct acct_file *f, size_t len, size_t n_lines)
{
	size_t cap_lines = 0, cap_entries = 0;

	/* Size the arrays once: doubling them would hold up to twice the
	 * memory at the peak, and a rescue system may have little. */
	if (n_lines > 0) {
		f->lines = malloc(n_lines * sizeof(*f->lines));
		f->pw = malloc(n_lines * entry_size(f->kind));
		if (!f->lines || !f->pw)
			return -ENOMEM;
		cap_lines = cap_entries = n_lines;
	}
	for (size_t pos = 0; pos < len;) {
		char *raw = f->arena + pos;
		const char *nl = memchr(raw, '\n', len - pos);
		size_t n = nl ? (size_t) (nl - raw) : len - pos;
		union acct_entry e = {0};
		unsigned why;
		int r;

		raw[n] = '\0';
		if (f->n_lines >= ACCT_LINES_MAX)
			return -EFBIG;
		r = file_reserve(f, &cap_lines, &cap_entries);
		if (r < 0)
			return r;
		r = parse_line(f->kind, raw, n, &e, &why);
		if (r < 0)
			return r;
		file_push_line(f, raw, n, nl != NULL, true, r, why, &e);
		pos += n + 1;
	}
	index_rebuild(f);
	return 0;
}

/* Common to both parsers: *data is the arena when in_place, else copied into a new one. */
static int parse(enum acct_kind kind, char **data, size_t len, bool in_place, struct acct_file *ret)
{
	_cleanup_(acct_file_done) struct acct_file f = { .kind = kind, .present = true };
	size_t n_lines;
	int r;

	if (kind_fields(kind) == 0 || (!*data && len > 0))
		return -EINVAL;
	if (len > UINT32_MAX)
		return -EFBIG;	/* line lengths are kept in 32 bits */
	n_lines = count_lines(*data, len);
	if (n_lines > ACCT_LINES_MAX)
		return -EFBIG;
	if (n_lines > 0) {
		/* One byte more: the NUL of a last line without its '\n'. */
		if (in_place) {
			char *a = realloc(*data, len + 1);
			if (!a)
				return -ENOMEM;
			*data = NULL;
			f.arena = a;
		} else {
			f.arena = malloc(len + 1);
			if (!f.arena)
				return -ENOMEM;
			memcpy(f.arena, *data, len);
		}
	}
	r = parse_arena(&f, len, n_lines);
	if (r < 0)
		return r;
	*ret = f;
	f = (struct acct_file) {0};	/* moved to *ret */
	return 0;
}

int acct_file_parse(enum acct_kind kind, const char *data, size_t len, struct acct_file *ret)
{
	char *d = (char *) data;	/* only read: in_place is false */

	return parse(kind, &d, len, false, ret);
}

int acct_file_parse_take(enum acct_kind kind, char *data, size_t len, struct acct_file *ret)
{
	int r = parse(kind, &data, len, true, ret);

	free(data);	/* NULL once it became the arena */
	return r;
}

int acct_file_render(const struct acct_file *f, char **ret_data, size_t *ret_len)
{
	size_t len = 0;
	char *s, *p;

	for (size_t i = 0; i < f->n_lines; i++)
		len += f->lines[i].len + f->lines[i].newline;	/* no overflow: at most the bytes held */
	s = malloc(len + 1);
	if (!s)
		return -ENOMEM;
	p = s;
	for (size_t i = 0; i < f->n_lines; i++) {
		line_unsplit(f->kind, &f->lines[i], p);
		p += f->lines[i].len;
		if (f->lines[i].newline)
			*p++ = '\n';
	}
	*p = '\0';
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
	_cleanup_free_ char *old = NULL, *raw = NULL;
	struct acct_line *l;
	const struct span *s;
	unsigned why;
	size_t vlen, len;
	int state;

	if (!f || !value || entry >= f->n_entries || field >= kind_fields(f->kind))
		return -EINVAL;
	if (strpbrk(value, ":\n"))
		return -EINVAL;

	l = &f->lines[entry_line(f, entry)];

	/* The line as read (it is kept split), with exactly kind_fields() fields. */
	old = malloc((size_t) l->len + 1);
	if (!old)
		return -ENOMEM;
	line_unsplit(f->kind, l, old);
	old[l->len] = '\0';
	if (split_fields(old, l->len, spans, ELEMENTSOF(spans)) != kind_fields(f->kind))
		return -EINVAL;
	s = &spans[field];
	vlen = strlen(value);
	if (vlen == s->len && memcmp(old + s->start, value, vlen) == 0)
		return 0;

	if (vlen > ACCT_LINE_MAX)
		return -EINVAL;
	len = l->len - s->len + vlen;
	raw = malloc(len + 1);
	if (!raw)
		return -ENOMEM;
	memcpy(raw, old, s->start);
	memcpy(raw + s->start, value, vlen);
	memcpy(raw + s->start + vlen, old + s->start + s->len, l->len - s->start - s->len);
	raw[len] = '\0';

	state = parse_line(f->kind, raw, len, &e, &why);
	if (state < 0)
		return state;
	if (state != LINE_ENTRY)
		return -EINVAL;

	entry_set_line(f->kind, &e, (size_t) (l - f->lines));
	entry_done(f->kind, entry_at(f, entry));
	memcpy(entry_at(f, entry), &e, entry_size(f->kind));
	if (!l->in_arena)
		free(l->raw);
	l->raw = TAKE_PTR(raw);
	l->in_arena = false;
	l->len = (uint32_t) len;
	index_rebuild(f);
	return 1;
}

int acct_file_append_line(struct acct_file *f, const char *raw)
{
	size_t cap_lines = f->n_lines, cap_entries = f->n_entries, len;
	union acct_entry e = {0};
	unsigned why;
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
	copy = line_alloc(raw, len);
	if (!copy)
		return -ENOMEM;
	state = parse_line(f->kind, copy, len, &e, &why);
	if (state < 0 || state != LINE_ENTRY) {
		free(copy);
		return state < 0 ? state : -EINVAL;
	}

	/* Arrays are exactly full after parse or a previous append: grow them. */
	r = file_reserve(f, &cap_lines, &cap_entries);
	if (r < 0) {
		entry_done(f->kind, &e);
		free(copy);
		return r;
	}
	file_push_line(f, copy, len, true, false, state, why, &e);
	if (f->n_lines >= 2)
		f->lines[f->n_lines - 2].newline = true;
	index_rebuild(f);
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
	ssize_t i;

	if (f->kind != ACCT_PASSWD || !name)
		return NULL;
	i = find_by_name(f, name);
	return i < 0 ? NULL : &f->pw[i];
}

const struct pw_entry *accounts_user_by_uid(const struct accounts *a, uid_t uid)
{
	const struct acct_file *f = &a->passwd;
	ssize_t i;

	if (f->kind != ACCT_PASSWD)
		return NULL;
	i = find_by_id(f, (unsigned) uid);
	return i < 0 ? NULL : &f->pw[i];
}

const struct gr_entry *accounts_group_by_gid(const struct accounts *a, gid_t gid)
{
	const struct acct_file *f = &a->group;
	ssize_t i;

	if (f->kind != ACCT_GROUP)
		return NULL;
	i = find_by_id(f, (unsigned) gid);
	return i < 0 ? NULL : &f->gr[i];
}

const struct gr_entry *accounts_group_by_name(const struct accounts *a, const char *name)
{
	const struct acct_file *f = &a->group;
	ssize_t i;

	if (f->kind != ACCT_GROUP || !name)
		return NULL;
	i = find_by_name(f, name);
	return i < 0 ? NULL : &f->gr[i];
}

const struct sp_entry *accounts_shadow_by_name(const struct accounts *a, const char *name)
{
	const struct acct_file *f = &a->shadow;
	ssize_t i;

	if (f->kind != ACCT_SHADOW || !name)
		return NULL;
	i = find_by_name(f, name);
	return i < 0 ? NULL : &f->sp[i];
}

/* Call fn for every group listing `name` as a member, in file order. */
static void for_each_group_of(const struct acct_file *g, const char *name, void (*fn)(const struct gr_entry *, void *),
			      void *ctx)
{
	if (g->kind != ACCT_GROUP)
		return;
	if (!g->index) {
		for (size_t i = 0; i < g->n_entries; i++)
			if (strv_contains(g->gr[i].members, name))
				fn(&g->gr[i], ctx);
		return;
	}
	const struct acct_index *x = g->index;
	size_t lo = 0, hi = x->n_members;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(x->members[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Sorted by (member, group position): this range is in file order;
	 * a member listed twice in one group gives that group twice, and the
	 * caller's dedupe keeps the first. */
	for (size_t i = lo; i < x->n_members && streq(x->members[i].name, name); i++)
		fn(&g->gr[x->members[i].group], ctx);
}

struct gid_list {
	gid_t *v;
	size_t n, cap;
	bool oom;
};

static void gid_list_add(const struct gr_entry *gr, void *ctx)
{
	struct gid_list *l = ctx;

	if (l->oom)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		gid_t *nv = realloc(l->v, cap * sizeof(gid_t));
		if (!nv) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = gr->gid;
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
	struct gid_list l = {0};
	_cleanup_free_ struct gid_pos *sorted = NULL;
	_cleanup_free_ bool *dup = NULL;
	size_t n, k;

	if (!pw || !pw->name)
		return -EINVAL;

	/* Candidates in order, duplicates included: primary, then member-of. */
	gid_list_add(&(struct gr_entry) { .gid = pw->gid }, &l);
	for_each_group_of(&a->group, pw->name, gid_list_add, &l);
	_cleanup_free_ gid_t *all = l.v;
	if (l.oom)
		return -ENOMEM;
	n = l.n;
	sorted = calloc(n, sizeof(*sorted));
	dup = calloc(n, sizeof(*dup));
	if (!sorted || !dup)
		return -ENOMEM;

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

int accounts_user_group_names(const struct accounts *a, const struct pw_entry *pw, char ***ret)
{
	_cleanup_free_ gid_t *gids = NULL;
	_cleanup_strv_free_ char **v = NULL;
	size_t n = 0;
	int r;

	r = accounts_user_gids(a, pw, &gids, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct gr_entry *gr = accounts_group_by_gid(a, gids[i]);
		if (gr && !strv_contains(v, gr->name) && strv_push(&v, strdup(gr->name)) < 0)
			return -ENOMEM;
	}
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

bool accounts_key_login_possible(const struct pw_entry *pw)
{
	const char *sh = pw->shell && *pw->shell ? pw->shell : "/bin/sh";
	const char *base = strrchr(sh, '/') ? strrchr(sh, '/') + 1 : sh;
	return pw->dir && pw->dir[0] == '/' && !streq(base, "nologin") && !streq(base, "false");
}
