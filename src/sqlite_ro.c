/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "sqlite_ro.h"

#define HEADER_SIZE 100
#define DEPTH_MAX 40
#define PAGE_TABLE_INTERIOR 0x05
#define PAGE_TABLE_LEAF 0x0d

struct db {
	const uint8_t *d;
	size_t len;
	uint32_t page_size, usable, n_pages;
	uint8_t *seen;		/* one bit per page: visited in this scan */
	char *err;
	sqlite_ro_row_fn fn;
	void *userdata;
};

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t) p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static int corrupt(struct db *db, int r, const char *fmt, ...) _printf_(3, 4);
static int corrupt(struct db *db, int r, const char *fmt, ...)
{
	va_list ap;

	if (!db->err) {
		va_start(ap, fmt);
		if (vasprintf(&db->err, fmt, ap) < 0)
			db->err = NULL;
		va_end(ap);
	}
	return r;
}

/* A varint of at most 9 bytes that must end before `end`: its length, or 0. */
static size_t varint(const uint8_t *p, const uint8_t *end, uint64_t *ret)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 9; i++) {
		if (p + i >= end)
			return 0;
		if (i == 8) {
			*ret = v << 8 | p[i];
			return 9;
		}
		v = v << 7 | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*ret = v;
			return i + 1;
		}
	}
	return 0;
}

int sqlite_ro_header(const void *image, size_t len, struct sqlite_ro_header *ret)
{
	static const char magic[16] = "SQLite format 3";
	const uint8_t *d = image;
	uint32_t ps, hdr_pages, file_pages;

	*ret = (struct sqlite_ro_header) {0};
	if (len == 0)
		return 0;	/* SQLite reads an empty file as an empty database */
	if (len < HEADER_SIZE || memcmp(d, magic, sizeof(magic)) != 0)
		return -EBADMSG;
	ps = be16(d + 16);
	if (ps == 1)
		ps = 65536;
	if (ps < 512 || ps > 65536 || (ps & (ps - 1)))
		return -EBADMSG;
	if (d[18] < 1 || d[18] > 2 || d[19] < 1 || d[19] > 2 || d[21] != 64 || d[22] != 32 || d[23] != 32 ||
	    ps - d[20] < 480)
		return -EBADMSG;
	file_pages = (uint32_t) (len / ps > UINT32_MAX ? UINT32_MAX : len / ps);
	hdr_pages = be32(d + 28);
	/* The header's count holds when the change counter matches "version valid for". */
	if (hdr_pages && be32(d + 24) == be32(d + 92)) {
		if (hdr_pages > file_pages)
			return -EBADMSG;	/* SQLite: corrupt (the file is shorter than the header says) */
		file_pages = hdr_pages;
	}
	if (file_pages == 0)
		return -EBADMSG;
	ret->page_size = ps;
	ret->n_pages = file_pages;
	ret->wal = d[18] == 2 || d[19] == 2;
	ret->text_encoding = be32(d + 56);
	return 0;
}

static const uint8_t *page(const struct db *db, uint32_t pgno)
{
	if (pgno == 0 || pgno > db->n_pages)
		return NULL;
	return db->d + (size_t) (pgno - 1) * db->page_size;
}

/* Mark pgno visited; false when it already was (a loop, or a page used twice). */
static bool visit(struct db *db, uint32_t pgno)
{
	uint8_t bit = (uint8_t) (1u << (pgno & 7));

	if (db->seen[pgno >> 3] & bit)
		return false;
	db->seen[pgno >> 3] |= bit;
	return true;
}

/* Size of a value of serial type st, or -1 for the reserved types 10 and 11. */
static int64_t serial_size(uint64_t st)
{
	static const int8_t small[12] = { 0, 1, 2, 3, 4, 6, 8, 8, 0, 0, -1, -1 };

	if (st < 12)
		return small[st];
	return (int64_t) ((st - 12) / 2);
}

static int decode_record(struct db *db, uint32_t pgno, int64_t rowid, const uint8_t *p, size_t n)
{
	struct sqlite_ro_value v[SQLITE_RO_COLUMNS_MAX];
	uint64_t hsize;
	size_t k = varint(p, p + n, &hsize), ncol = 0;
	uint64_t body;

	if (k == 0 || hsize < k || hsize > n)
		return corrupt(db, -EBADMSG, "page %u: row %lld: bad record header", pgno, (long long) rowid);
	body = hsize;
	for (size_t off = k; off < hsize;) {
		uint64_t st;
		size_t m = varint(p + off, p + hsize, &st);
		int64_t sz;
		if (m == 0)
			return corrupt(db, -EBADMSG, "page %u: row %lld: bad record header", pgno, (long long) rowid);
		off += m;
		sz = serial_size(st);
		if (sz < 0 || (uint64_t) sz > n - body)
			return corrupt(db, -EBADMSG, "page %u: row %lld: a value lies outside the record", pgno,
				       (long long) rowid);
		if (ncol < SQLITE_RO_COLUMNS_MAX) {
			struct sqlite_ro_value *x = &v[ncol];
			const uint8_t *b = p + body;
			*x = (struct sqlite_ro_value) { .type = SQLITE_RO_NULL };
			if (st >= 1 && st <= 6) {
				uint64_t u = b[0] & 0x80 ? UINT64_MAX : 0;
				for (int64_t i = 0; i < sz; i++)
					u = u << 8 | b[i];
				x->type = SQLITE_RO_INT;
				x->i = (int64_t) u;
			} else if (st == 7) {
				uint64_t u = 0;
				for (int i = 0; i < 8; i++)
					u = u << 8 | b[i];
				x->type = SQLITE_RO_REAL;
				memcpy(&x->r, &u, sizeof(x->r));
			} else if (st == 8 || st == 9) {
				x->type = SQLITE_RO_INT;
				x->i = st == 9;
			} else if (st >= 12) {
				x->type = st & 1 ? SQLITE_RO_TEXT : SQLITE_RO_BLOB;
				x->p = (const char *) b;
				x->n = (size_t) sz;
			}
		}
		ncol++;
		body += (uint64_t) sz;
	}
	struct sqlite_ro_row row = { .rowid = rowid, .v = v, .n = ncol < SQLITE_RO_COLUMNS_MAX ? ncol : SQLITE_RO_COLUMNS_MAX };
	return db->fn(&row, db->userdata);
}

/* One cell of a table leaf page: payload, local part, overflow chain. */
static int leaf_cell(struct db *db, uint32_t pgno, const uint8_t *pg, uint32_t off)
{
	const uint8_t *end = pg + db->usable;
	uint64_t psize, rowid;
	size_t a, b;
	uint32_t u = db->usable, x = u - 35, local;

	a = varint(pg + off, end, &psize);
	b = a ? varint(pg + off + a, end, &rowid) : 0;
	if (!a || !b)
		return corrupt(db, -EBADMSG, "page %u: a cell runs past the page", pgno);
	/* The payload is stored in this file, so it cannot be longer than the file. */
	if (psize > db->len)
		return corrupt(db, -EBADMSG, "page %u: a record claims %llu bytes, more than the file holds", pgno,
			       (unsigned long long) psize);
	if (psize <= x)
		local = (uint32_t) psize;
	else {
		uint32_t m = ((u - 12) * 32 / 255) - 23;
		uint64_t kk = m + ((psize - m) % (u - 4));
		local = kk <= x ? (uint32_t) kk : m;
	}
	const uint8_t *p = pg + off + a + b;
	size_t room = (size_t) (end - p);
	if (local > room || (local < psize && room - local < 4))
		return corrupt(db, -EBADMSG, "page %u: a cell runs past the page", pgno);
	if (local == psize)
		return decode_record(db, pgno, (int64_t) rowid, p, local);

	_cleanup_free_ uint8_t *buf = malloc(psize);
	size_t have = local;
	uint32_t ov = be32(p + local);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, p, local);
	while (have < psize) {
		const uint8_t *op = page(db, ov);
		size_t n = psize - have < u - 4 ? psize - have : u - 4;
		if (!op)
			return corrupt(db, -EBADMSG, "page %u: overflow page %u does not exist", pgno, ov);
		if (!visit(db, ov))
			return corrupt(db, -EBADMSG, "overflow page %u is used twice (a loop)", ov);
		memcpy(buf + have, op + 4, n);
		have += n;
		ov = be32(op);
	}
	return decode_record(db, pgno, (int64_t) rowid, buf, psize);
}

static int walk(struct db *db, uint32_t pgno, unsigned depth)
{
	const uint8_t *pg = page(db, pgno);
	uint32_t h = pgno == 1 ? HEADER_SIZE : 0, n, hlen, type;
	int r;

	if (!pg)
		return corrupt(db, -EBADMSG, "page %u does not exist (the file has %u)", pgno, db->n_pages);
	if (depth > DEPTH_MAX)
		return corrupt(db, -EBADMSG, "page %u: the tree is deeper than %u levels", pgno, DEPTH_MAX);
	if (!visit(db, pgno))
		return corrupt(db, -EBADMSG, "page %u is used twice (a loop)", pgno);
	type = pg[h];
	if (type != PAGE_TABLE_INTERIOR && type != PAGE_TABLE_LEAF)
		return corrupt(db, -EBADMSG, "page %u is not a table page (type %u)", pgno, type);
	hlen = type == PAGE_TABLE_LEAF ? 8 : 12;
	n = be16(pg + h + 3);
	if (h + hlen + 2 * n > db->usable)
		return corrupt(db, -EBADMSG, "page %u: %u cells do not fit", pgno, n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t off = be16(pg + h + hlen + 2 * i);
		if (off < h + hlen + 2 * n || off >= db->usable)
			return corrupt(db, -EBADMSG, "page %u: cell %u lies outside the page", pgno, i);
		if (type == PAGE_TABLE_LEAF)
			r = leaf_cell(db, pgno, pg, off);
		else if (off + 4 > db->usable)
			r = corrupt(db, -EBADMSG, "page %u: cell %u lies outside the page", pgno, i);
		else
			r = walk(db, be32(pg + off), depth + 1);
		if (r < 0)
			return r;
	}
	if (type == PAGE_TABLE_INTERIOR)
		return walk(db, be32(pg + h + 8), depth + 1);
	return 0;
}

/* Run one scan of the b-tree rooted at root with a fresh visited set. */
static int scan_tree(struct db *db, uint32_t root, sqlite_ro_row_fn fn, void *userdata)
{
	memset(db->seen, 0, db->n_pages / 8 + 1);
	db->fn = fn;
	db->userdata = userdata;
	return walk(db, root, 0);
}

struct find {
	const char *table;
	int64_t root;
	bool found, without_rowid;
	char *sql;
};

static bool text_eq(const struct sqlite_ro_value *v, const char *s)
{
	return v->type == SQLITE_RO_TEXT && v->n == strlen(s) && strncasecmp(v->p, s, v->n) == 0;
}

static bool text_has(const struct sqlite_ro_value *v, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; v->type == SQLITE_RO_TEXT && i + w <= v->n; i++)
		if (strncasecmp(v->p + i, word, w) == 0)
			return true;
	return false;
}

/* sqlite_schema(type, name, tbl_name, rootpage, sql) */
static int find_table(const struct sqlite_ro_row *row, void *userdata)
{
	struct find *f = userdata;

	if (f->found || row->n < 5 || !text_eq(&row->v[0], "table") || !text_eq(&row->v[1], f->table))
		return 0;
	f->found = true;
	f->root = row->v[3].type == SQLITE_RO_INT ? row->v[3].i : -1;
	f->without_rowid = text_has(&row->v[4], "without rowid");
	if (row->v[4].type == SQLITE_RO_TEXT && !(f->sql = strndup(row->v[4].p, row->v[4].n)))
		return -ENOMEM;
	return 0;
}

int sqlite_ro_scan(const void *image, size_t len, const char *table, sqlite_ro_row_fn fn, void *userdata,
		   char **ret_sql, char **ret_error)
{
	struct sqlite_ro_header h;
	struct db db = { .d = image, .len = len };
	struct find f = { .table = table };
	int r;

	if (ret_error)
		*ret_error = NULL;
	if (ret_sql)
		*ret_sql = NULL;
	r = sqlite_ro_header(image, len, &h);
	if (r < 0) {
		if (ret_error)
			*ret_error = strdup(len < HEADER_SIZE || memcmp(image, "SQLite format 3", 16) != 0
						    ? "not an SQLite 3 file (file is not a database)"
						    : "a damaged header, or a file cut short (it holds fewer pages than its header says)");
		return r;
	}
	if (h.n_pages == 0)
		return -ENOENT;
	if (h.text_encoding > 1) {
		if (ret_error)
			*ret_error = strdup("the database stores text as UTF-16, which this reader does not read");
		return -EOPNOTSUPP;
	}
	db.page_size = h.page_size;
	db.usable = h.page_size - ((const uint8_t *) image)[20];
	db.n_pages = h.n_pages;
	db.seen = calloc(h.n_pages / 8 + 1, 1);
	if (!db.seen)
		return -ENOMEM;
	r = scan_tree(&db, 1, find_table, &f);
	if (r >= 0 && !f.found)
		r = -ENOENT;
	else if (r >= 0 && f.without_rowid)
		r = corrupt(&db, -EOPNOTSUPP, "table %s is a WITHOUT ROWID table, which this reader does not read", table);
	else if (r >= 0 && (f.root < 1 || f.root > h.n_pages))
		r = corrupt(&db, -EBADMSG, "table %s: root page %lld does not exist", table, (long long) f.root);
	else if (r >= 0) {
		if (ret_sql)
			*ret_sql = TAKE_PTR(f.sql);
		r = scan_tree(&db, (uint32_t) f.root, fn, userdata);
	}
	free(f.sql);
	free(db.seen);
	if (r < 0 && ret_error && db.err)
		*ret_error = TAKE_PTR(db.err);
	free(db.err);
	return r;
}
