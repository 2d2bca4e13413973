/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/sqlite_ro.c, sshfix's read-only reader of the SQLite
 * file format, on databases fail2ban's own code and Python's sqlite3 wrote
 * (tests/unit/data/fail2ban, made by make-fixtures.sh) and on damaged
 * copies of them: truncated files, loops in the tree and in overflow
 * chains, records that claim more bytes than the file holds, cells outside
 * their page, random damage.  Every one must end with a clear error (or
 * rows), never a crash or a hang.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sqlite_ro.h"
#include "util.h"

#define DATA TOP_SRCDIR "/tests/unit/data/fail2ban/"

static char *slurp(const char *name, size_t *len)
{
	_cleanup_fclose_ FILE *f = fopen(name, "re");
	char *data = NULL;

	ck_assert_msg(f, "cannot open %s", name);
	ck_assert_int_eq(read_all(fileno(f), 64 << 20, &data, len), 0);
	return data;
}

struct count {
	size_t rows;
	int64_t last;
	bool ordered;
};

static int count_row(const struct sqlite_ro_row *row, void *userdata)
{
	struct count *c = userdata;

	if (c->rows && row->rowid <= c->last)
		c->ordered = false;
	c->last = row->rowid;
	c->rows++;
	return 0;
}

static int scan(const char *data, size_t len, const char *table, struct count *c, char **err)
{
	*c = (struct count) { .ordered = true };
	return sqlite_ro_scan(data, len, table, count_row, c, NULL, err);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

START_TEST(sqlite_ro_header_fixtures)
{
	size_t len;
	_cleanup_free_ char *real = slurp(DATA "real.sqlite3", &len), *odd = NULL;
	struct sqlite_ro_header h;

	ck_assert_int_eq(sqlite_ro_header(real, len, &h), 0);
	ck_assert_uint_eq(h.page_size, 4096);
	ck_assert_uint_eq(h.n_pages, len / 4096);
	ck_assert_uint_eq(h.text_encoding, 1);
	ck_assert(!h.wal);
	odd = slurp(DATA "odd.sqlite3", &len);
	ck_assert_int_eq(sqlite_ro_header(odd, len, &h), 0);
	ck_assert_uint_eq(h.page_size, 512);
	ck_assert_int_eq(sqlite_ro_header("not a database, no", 18, &h), -EBADMSG);
	ck_assert_int_eq(sqlite_ro_header("", 0, &h), 0);
	ck_assert_uint_eq(h.n_pages, 0);
}
END_TEST

START_TEST(sqlite_ro_scan_tables)
{
	size_t len;
	_cleanup_free_ char *many = slurp(DATA "many.sqlite3", &len), *err = NULL, *sql = NULL;
	struct count c = { .ordered = true };

	/* 3000 bans of fail2ban's own Fail2BanDb: a tree with interior pages */
	ck_assert_int_eq(sqlite_ro_scan(many, len, "bips", count_row, &c, &sql, &err), 0);
	ck_assert_uint_eq(c.rows, 3000);
	ck_assert(c.ordered);
	ck_assert_ptr_nonnull(strstr(sql, "CREATE TABLE bips("));
	ck_assert_int_eq(scan(many, len, "BANS", &c, &err), 0);	/* names without case */
	ck_assert_uint_eq(c.rows, 3000);
	ck_assert_int_eq(scan(many, len, "jails", &c, &err), 0);
	ck_assert_uint_eq(c.rows, 1);
	ck_assert_int_eq(scan(many, len, "nosuch", &c, &err), -ENOENT);
	/* an index is not a table */
	ck_assert_int_eq(scan(many, len, "bips_ip", &c, &err), -ENOENT);
	ck_assert_int_eq(scan("", 0, "bips", &c, &err), -ENOENT);
}
END_TEST

struct first {
	char ip[64];
	int64_t tob;
	size_t n;
};

static int first_row(const struct sqlite_ro_row *row, void *userdata)
{
	struct first *f = userdata;

	if (f->n++ == 0 && row->n >= 3 && row->v[0].type == SQLITE_RO_TEXT && row->v[0].n < sizeof(f->ip)) {
		memcpy(f->ip, row->v[0].p, row->v[0].n);
		f->tob = row->v[2].i;
	}
	/* the overflowing record (3000 bytes of data over 512-byte pages) comes back whole */
	if (row->n >= 6 && row->v[5].type == SQLITE_RO_TEXT && row->v[5].n == 3000)
		for (size_t i = 0; i < 3000; i++)
			ck_assert_int_eq(row->v[5].p[i], 'd');
	return 0;
}

START_TEST(sqlite_ro_values)
{
	size_t len;
	_cleanup_free_ char *odd = slurp(DATA "odd.sqlite3", &len), *err = NULL;
	struct first f = {0};

	ck_assert_int_eq(sqlite_ro_scan(odd, len, "bips", first_row, &f, NULL, &err), 0);
	ck_assert_str_eq(f.ip, "192.0.2.20");
	ck_assert_uint_eq(f.n, 610);
}
END_TEST

START_TEST(sqlite_ro_truncated)
{
	size_t len;
	_cleanup_free_ char *real = slurp(DATA "real.sqlite3", &len);
	size_t cuts[] = { 1, 15, 99, 100, 101, 4095, 4096, 4097, len / 2, len - 4096, len - 1 };
	struct count c;

	for (size_t i = 0; i < ELEMENTSOF(cuts); i++) {
		_cleanup_free_ char *err = NULL;
		int r = scan(real, cuts[i], "bips", &c, &err);
		ck_assert_msg(r == -EBADMSG, "cut at %zu: %d", cuts[i], r);
		ck_assert_ptr_nonnull(err);
	}
}
END_TEST

/* Every table page of an interior kind (but page 1) points to itself on the right. */
START_TEST(sqlite_ro_cycle)
{
	size_t len;
	_cleanup_free_ char *many = slurp(DATA "many.sqlite3", &len), *err = NULL;
	unsigned char *d = (unsigned char *) many;
	struct count c;
	size_t n = 0;

	for (uint32_t pg = 2; pg <= len / 4096; pg++) {
		unsigned char *p = d + (size_t) (pg - 1) * 4096;
		if (p[0] != 0x05)
			continue;
		p[8] = (unsigned char) (pg >> 24), p[9] = (unsigned char) (pg >> 16), p[10] = (unsigned char) (pg >> 8),
		p[11] = (unsigned char) pg;
		n++;
	}
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(scan(many, len, "bips", &c, &err), -EBADMSG);
	ck_assert_msg(strstr(err, "used twice"), "%s", err);
}
END_TEST

/* A child pointer to the root: the same loop one level up. */
START_TEST(sqlite_ro_cycle_to_root)
{
	size_t len;
	_cleanup_free_ char *many = slurp(DATA "many.sqlite3", &len), *err = NULL;
	unsigned char *d = (unsigned char *) many;
	struct count c;

	for (uint32_t pg = 2; pg <= len / 4096; pg++) {
		unsigned char *p = d + (size_t) (pg - 1) * 4096;
		if (p[0] != 0x05)
			continue;
		unsigned off = (unsigned) p[12] << 8 | p[13];	/* first cell: its left child */
		p[off] = (unsigned char) (pg >> 24), p[off + 1] = (unsigned char) (pg >> 16);
		p[off + 2] = (unsigned char) (pg >> 8), p[off + 3] = (unsigned char) pg;
	}
	ck_assert_int_eq(scan(many, len, "bips", &c, &err), -EBADMSG);
	ck_assert_ptr_nonnull(err);
}
END_TEST

/* The first cell of every leaf table page claims 2^63 bytes of payload. */
START_TEST(sqlite_ro_huge_record)
{
	size_t len;
	_cleanup_free_ char *real = slurp(DATA "real.sqlite3", &len), *err = NULL;
	unsigned char *d = (unsigned char *) real;
	struct count c;

	for (uint32_t pg = 2; pg <= len / 4096; pg++) {
		unsigned char *p = d + (size_t) (pg - 1) * 4096;
		if (p[0] != 0x0d || (p[3] == 0 && p[4] == 0))
			continue;
		unsigned off = (unsigned) p[8] << 8 | p[9];
		memset(p + off, 0xff, 9);
	}
	ck_assert_int_eq(scan(real, len, "bips", &c, &err), -EBADMSG);
	ck_assert_ptr_nonnull(err);
}
END_TEST

/* Overflow pages (neither b-tree page kind) that point to themselves. */
START_TEST(sqlite_ro_overflow_loop)
{
	size_t len;
	_cleanup_free_ char *odd = slurp(DATA "odd.sqlite3", &len), *err = NULL;
	unsigned char *d = (unsigned char *) odd;
	struct count c;
	size_t n = 0;

	for (uint32_t pg = 2; pg <= len / 512; pg++) {
		unsigned char *p = d + (size_t) (pg - 1) * 512;
		if (p[0] == 0x02 || p[0] == 0x05 || p[0] == 0x0a || p[0] == 0x0d)
			continue;
		if (be32(p) == 0)
			continue;	/* the last page of a chain */
		p[0] = (unsigned char) (pg >> 24), p[1] = (unsigned char) (pg >> 16), p[2] = (unsigned char) (pg >> 8),
		p[3] = (unsigned char) pg;
		n++;
	}
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(scan(odd, len, "bips", &c, &err), -EBADMSG);
	ck_assert_msg(strstr(err, "used twice") || strstr(err, "loop"), "%s", err);
}
END_TEST

START_TEST(sqlite_ro_bad_cells)
{
	size_t len;
	_cleanup_free_ char *real = slurp(DATA "real.sqlite3", &len), *err = NULL, *err2 = NULL, *err3 = NULL;
	_cleanup_free_ char *copy = malloc(len);
	unsigned char *d = (unsigned char *) real;
	struct count c;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, real, len);
	/* a cell pointer past the page, on every leaf */
	for (uint32_t pg = 2; pg <= len / 4096; pg++) {
		unsigned char *p = d + (size_t) (pg - 1) * 4096;
		if (p[0] == 0x0d && (p[3] || p[4]))
			p[8] = 0xff, p[9] = 0xff;
	}
	ck_assert_int_eq(scan(real, len, "bips", &c, &err), -EBADMSG);
	ck_assert_msg(strstr(err, "outside the page"), "%s", err);
	/* more cells than the page holds */
	memcpy(real, copy, len);
	for (uint32_t pg = 2; pg <= len / 4096; pg++) {
		unsigned char *p = d + (size_t) (pg - 1) * 4096;
		if (p[0] == 0x0d)
			p[3] = 0xff, p[4] = 0xff;
	}
	ck_assert_int_eq(scan(real, len, "bips", &c, &err2), -EBADMSG);
	/* UTF-16 text is refused, not misread */
	memcpy(real, copy, len);
	d[59] = 2;
	ck_assert_int_eq(scan(real, len, "bips", &c, &err3), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(err3, "UTF-16"));
}
END_TEST

/* Random damage: whatever comes out, the reader returns, quickly. */
START_TEST(sqlite_ro_random_damage)
{
	size_t len;
	_cleanup_free_ char *odd = slurp(DATA "odd.sqlite3", &len);
	_cleanup_free_ char *copy = malloc(len);
	unsigned seed = 12345;
	time_t t0 = time(NULL);
	struct count c;

	ck_assert_ptr_nonnull(copy);
	for (int i = 0; i < 3000; i++) {
		_cleanup_free_ char *err = NULL;
		memcpy(copy, odd, len);
		for (int k = 0, n = 1 + (int) (rand_r(&seed) % 8); k < n; k++) {
			size_t at = (size_t) rand_r(&seed) % len;
			copy[at] = (char) rand_r(&seed);
		}
		int r = scan(copy, len, "bips", &c, &err);
		ck_assert(r == 0 || r == -EBADMSG || r == -ENOENT || r == -EOPNOTSUPP);
		ck_assert(r != -EBADMSG || err);
	}
	ck_assert_int_lt(time(NULL) - t0, 30);
}
END_TEST

static Suite *sqlite_ro_suite(void)
{
	Suite *s = suite_create("sqlite_ro");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sqlite_ro_header_fixtures);
	tcase_add_test(tc, sqlite_ro_scan_tables);
	tcase_add_test(tc, sqlite_ro_values);
	tcase_add_test(tc, sqlite_ro_truncated);
	tcase_add_test(tc, sqlite_ro_cycle);
	tcase_add_test(tc, sqlite_ro_cycle_to_root);
	tcase_add_test(tc, sqlite_ro_huge_record);
	tcase_add_test(tc, sqlite_ro_overflow_loop);
	tcase_add_test(tc, sqlite_ro_bad_cells);
	tcase_add_test(tc, sqlite_ro_random_damage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sqlite_ro_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
