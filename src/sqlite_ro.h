/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A read-only reader of the SQLite 3 database file format, just enough to
 * list the rows of one ordinary table by name: the 100-byte header, table
 * b-tree pages (interior and leaf), records (varints and serial types) and
 * overflow chains, as sqlite.org/fileformat2.html describes them.  sshfix
 * uses it to read fail2ban's ban database (RULES §10.1) where the target's
 * own python3 and its sqlite3 module cannot run (another architecture, an
 * initramfs); it never links SQLite itself (the static binary's budget).
 *
 * The file is hostile data: every offset is checked against its page and
 * the image, every page may be visited once per scan (a loop in the tree or
 * an overflow chain is an error, not a hang), a record is never longer than
 * the image that must hold it, and the tree is at most 40 levels deep.
 * Cost is linear in the image size.  Not read: indexes, WITHOUT ROWID
 * tables, UTF-16 databases (errors), the freelist, a WAL file (the caller
 * says whether one matters).  Nothing here opens files or prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sqlite_ro_type {
	SQLITE_RO_NULL,
	SQLITE_RO_INT,
	SQLITE_RO_REAL,
	SQLITE_RO_TEXT,
	SQLITE_RO_BLOB,
};

struct sqlite_ro_value {
	enum sqlite_ro_type type;
	int64_t i;		/* SQLITE_RO_INT */
	double r;		/* SQLITE_RO_REAL */
	const char *p;		/* TEXT, BLOB: n bytes, valid during the callback only */
	size_t n;
};

/* Columns decoded per row; a record with more has the rest left out. */
#define SQLITE_RO_COLUMNS_MAX 32

struct sqlite_ro_row {
	int64_t rowid;
	const struct sqlite_ro_value *v;
	size_t n;		/* columns the record holds (at most SQLITE_RO_COLUMNS_MAX) */
};

/* Called once per row in rowid order; a negative return stops the scan and is returned. */
typedef int (*sqlite_ro_row_fn)(const struct sqlite_ro_row *row, void *userdata);

/*
 * Give every row of the table named `table` (compared without ASCII case,
 * as SQLite does) in the database image to fn.  Returns 0, fn's negative
 * value, -ENOENT (no such table), -EBADMSG (not an SQLite 3 file, or a
 * damaged one), -EOPNOTSUPP (UTF-16 text, a WITHOUT ROWID table) or
 * -ENOMEM.  For -EBADMSG and -EOPNOTSUPP, *ret_error (owned by the caller;
 * ret_error may be NULL) says what and where ("page 7: cell 3 lies outside
 * the page").  With ret_sql, the table's CREATE statement (caller frees) is
 * set before the first row is given to fn.
 */
int sqlite_ro_scan(const void *image, size_t len, const char *table, sqlite_ro_row_fn fn, void *userdata,
		   char **ret_sql, char **ret_error);

/* Facts from the header; returns 0 or -EBADMSG (not an SQLite 3 file). */
struct sqlite_ro_header {
	uint32_t page_size;
	uint32_t n_pages;	/* pages the reader uses (the header's count, bounded by the image) */
	bool wal;		/* file format versions 2: the database uses a write-ahead log */
	uint32_t text_encoding;	/* 1 UTF-8, 2 UTF-16le, 3 UTF-16be (0 in an empty database) */
};
int sqlite_ro_header(const void *image, size_t len, struct sqlite_ro_header *ret);
