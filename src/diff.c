/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified diff for --dry-run, in the format of GNU `diff -u`.
 *
 * The edit script is a shortest one: Myers' O(ND) search ("An O(ND)
 * Difference Algorithm and Its Variations", Algorithmica 1(2), 1986) with
 * the linear-space middle-snake split, so memory stays O(N) and recursion
 * depth O(log D).  Where several shortest scripts exist we break ties the
 * way GNU diff does (deletion before insertion on a tie, the same middle
 * point, then sliding each run of changes as far down as it goes unless it
 * can line up with a change on the other side), so that most of the time
 * the hunks are byte for byte those of `diff --minimal -u`.
 *
 * Lines are reduced to equivalence classes first (hash, then bytes), so the
 * search compares integers.  When searching all lines gets expensive, lines
 * with no equal line on the other side (changed in any script) are left out
 * of the search, which keeps two totally different files linear instead of
 * quadratic; see FULL_SEARCH_BUDGET.
 *
 * A line is its bytes including the '\n'; a last line without '\n' is thus
 * never equal to the same text with '\n', exactly as in GNU diff.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "macro.h"
#include "util.h"

struct side {
	const char *text;
	size_t n;		/* number of lines */
	size_t *start;		/* n + 1 offsets: line i is text[start[i], start[i + 1]) */
	size_t *cls;		/* equivalence class of each line */
	char *changed_mem;	/* n + 2 flags ... */
	char *changed;		/* ... = changed_mem + 1; [n] (and [-1]) stay 0 */
	size_t nsearch;		/* lines that have an equal line on the other side: */
	size_t *search_cls;	/* their classes */
	size_t *search_line;	/* their line numbers */
};

struct diff_state {
	struct side a, b;
	size_t *table;		/* open addressing: class + 1, 0 when empty */
	size_t table_mask;
	uint64_t *class_hash;	/* per class */
	size_t *class_rep;	/* per class: a line of it, b's lines numbered after a's */
	unsigned char *class_seen;	/* per class: bit 0 in a, bit 1 in b */
	size_t nclasses;
	ptrdiff_t *diag_mem;	/* forward and backward: 2 * (n(a) + n(b) + 3) */
};

static void side_done(struct side *s)
{
	free(s->start);
	free(s->cls);
	free(s->changed_mem);
	free(s->search_cls);
	free(s->search_line);
}

static void diff_state_done(struct diff_state *st)
{
	side_done(&st->a);
	side_done(&st->b);
	free(st->table);
	free(st->class_hash);
	free(st->class_rep);
	free(st->class_seen);
	free(st->diag_mem);
}

static size_t min_size(size_t x, size_t y)
{
	return x < y ? x : y;
}

/* Zeroed array of a + b elements; NULL on overflow too. */
static void *new_array(size_t a, size_t b, size_t size)
{
	size_t n;

	if (__builtin_add_overflow(a, b, &n))
		return NULL;
	return calloc(n ? n : 1, size);
}

/* Lines end after each '\n'; a last line without one is a line too. */
static int side_split(struct side *s, const char *text, size_t len)
{
	const char *p = text, *end = len > 0 ? text + len : text;	/* text may be NULL */
	size_t n = 0;

	s->text = text;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t) (end - p));

		n++;
		p = nl ? nl + 1 : end;
	}
	s->n = n;
	s->start = new_array(n, 1, sizeof(size_t));
	s->cls = new_array(n, 0, sizeof(size_t));
	s->changed_mem = new_array(n, 2, 1);
	if (!s->start || !s->cls || !s->changed_mem)
		return -ENOMEM;
	s->changed = s->changed_mem + 1;

	n = 0;
	p = text;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t) (end - p));

		s->start[n++] = (size_t) (p - text);
		p = nl ? nl + 1 : end;
	}
	s->start[n] = len;
	return 0;
}

static const char *line_ptr(const struct side *s, size_t i)
{
	return s->text + s->start[i];
}

static size_t line_len(const struct side *s, size_t i)
{
	return s->start[i + 1] - s->start[i];
}

/*
 * Not cryptographic: a hostile file can at worst make its own lines collide,
 * which costs time (bounded by CONFIG_MAX-sized inputs), never correctness,
 * since equal hashes are always confirmed with memcmp().
 */
static uint64_t hash_line(const char *p, size_t n)
{
	const uint64_t m = UINT64_C(0xc6a4a7935bd1e995);
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ (n * m);
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		w *= m;
		w ^= w >> 47;
		h = (h ^ (w * m)) * m;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, p, n);
		h = (h ^ w) * m;
	}
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

static void class_rep_line(const struct diff_state *st, size_t c, const char **ret_p, size_t *ret_n)
{
	size_t rep = st->class_rep[c];
	const struct side *s = rep < st->a.n ? &st->a : &st->b;

	if (rep >= st->a.n)
		rep -= st->a.n;
	*ret_p = line_ptr(s, rep);
	*ret_n = line_len(s, rep);
}

/* Give every line of a and b its class; equal lines share one. */
static int classify(struct diff_state *st)
{
	size_t total, cap = 16;

	if (__builtin_add_overflow(st->a.n, st->b.n, &total))
		return -ENOMEM;
	while (cap / 2 < total) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	st->table = new_array(cap, 0, sizeof(size_t));
	st->table_mask = cap - 1;
	st->class_hash = new_array(total, 0, sizeof(uint64_t));
	st->class_rep = new_array(total, 0, sizeof(size_t));
	st->class_seen = new_array(total, 0, 1);
	if (!st->table || !st->class_hash || !st->class_rep || !st->class_seen)
		return -ENOMEM;

	for (unsigned f = 0; f < 2; f++) {
		struct side *s = f == 0 ? &st->a : &st->b;

		for (size_t i = 0; i < s->n; i++) {
			const char *p = line_ptr(s, i);
			size_t n = line_len(s, i);
			uint64_t h = hash_line(p, n);
			size_t slot = (size_t) h & st->table_mask, c;

			for (;; slot = (slot + 1) & st->table_mask) {
				const char *q;
				size_t qn;

				if (st->table[slot] == 0) {
					c = st->nclasses++;
					st->table[slot] = c + 1;
					st->class_hash[c] = h;
					st->class_rep[c] = f == 0 ? i : st->a.n + i;
					break;
				}
				c = st->table[slot] - 1;
				if (st->class_hash[c] != h)
					continue;
				class_rep_line(st, c, &q, &qn);
				if (qn == n && memcmp(p, q, n) == 0)
					break;
			}
			s->cls[i] = c;
			st->class_seen[c] |= (unsigned char) (1u << f);
		}
	}
	/* The table and hashes are only needed while classifying. */
	free(st->table);
	st->table = NULL;
	free(st->class_hash);
	st->class_hash = NULL;
	return 0;
}

/*
 * Searching all lines gives the same script as GNU diff --minimal; it is
 * also O((N + M) * D), which for two large, mostly different files is
 * minutes.  Lines without an equal line on the other side are changed in
 * every script, so leaving them out of the search keeps the script minimal
 * and makes that case linear, but picks another of the shortest scripts.
 * So the full search runs first, and is abandoned for the reduced one after
 * this many steps (a few tens of milliseconds).
 */
#define FULL_SEARCH_BUDGET (UINT64_C(1) << 25)

static bool side_matched(const struct side *s, const unsigned char *seen, size_t i)
{
	return seen[s->cls[i]] == 3;
}

/* Mark the unmatched lines changed and list the others for the search. */
static int side_select(struct side *s, const unsigned char *seen)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++)
		if (side_matched(s, seen, i))
			k++;
	s->search_cls = new_array(k, 0, sizeof(size_t));
	s->search_line = new_array(k, 0, sizeof(size_t));
	if (!s->search_cls || !s->search_line)
		return -ENOMEM;
	k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (side_matched(s, seen, i)) {
			s->search_cls[k] = s->cls[i];
			s->search_line[k++] = i;
		} else
			s->changed[i] = 1;
	}
	s->nsearch = k;
	return 0;
}

struct search {
	const size_t *x, *y;		/* classes of the searched lines */
	const size_t *xline, *yline;	/* their line numbers; NULL: all lines */
	char *xchanged, *ychanged;
	ptrdiff_t *fwd, *bwd;		/* furthest x reached on diagonal k = x - y */
	uint64_t budget;		/* steps left */
};

static bool spend(struct search *s, ptrdiff_t steps)
{
	if ((uint64_t) steps > s->budget)
		return false;
	s->budget -= (uint64_t) steps;
	return true;
}

/*
 * Find a point (ret_x, ret_y) on a shortest path from (xoff, yoff) to
 * (xlim, ylim) that splits its cost in halves, searching forward from the
 * start and backward from the end until the two frontiers overlap.  The
 * caller has stripped equal lines at both ends, so the cost is at least 2
 * and the point lies strictly between the corners.  Returns false when the
 * budget runs out.
 */
static bool middle_snake(struct search *s, ptrdiff_t xoff, ptrdiff_t xlim,
			 ptrdiff_t yoff, ptrdiff_t ylim, ptrdiff_t *ret_x, ptrdiff_t *ret_y)
{
	ptrdiff_t *fwd = s->fwd, *bwd = s->bwd;
	const ptrdiff_t kmin = xoff - ylim, kmax = xlim - yoff;
	const ptrdiff_t fmid = xoff - yoff, bmid = xlim - ylim;
	ptrdiff_t flo = fmid, fhi = fmid, blo = bmid, bhi = bmid;
	const bool odd = (fmid - bmid) % 2 != 0;

	fwd[fmid] = xoff;
	bwd[bmid] = xlim;
	for (;;) {
		/* One more edit forward: widen by a diagonal each side while
		 * inside the box, else step back to keep the parity. */
		if (flo > kmin)
			fwd[--flo - 1] = -1;
		else
			flo++;
		if (fhi < kmax)
			fwd[++fhi + 1] = -1;
		else
			fhi--;
		for (ptrdiff_t k = fhi; k >= flo; k -= 2) {
			ptrdiff_t lo = fwd[k - 1], hi = fwd[k + 1];
			ptrdiff_t x0 = lo < hi ? hi : lo + 1, x = x0, y = x - k;

			while (x < xlim && y < ylim && s->x[x] == s->y[y])
				x++, y++;
			if (!spend(s, 1 + x - x0))
				return false;
			fwd[k] = x;
			if (odd && blo <= k && k <= bhi && bwd[k] <= x) {
				*ret_x = x;
				*ret_y = y;
				return true;
			}
		}

		/* One more edit backward. */
		if (blo > kmin)
			bwd[--blo - 1] = PTRDIFF_MAX;
		else
			blo++;
		if (bhi < kmax)
			bwd[++bhi + 1] = PTRDIFF_MAX;
		else
			bhi--;
		for (ptrdiff_t k = bhi; k >= blo; k -= 2) {
			ptrdiff_t lo = bwd[k - 1], hi = bwd[k + 1];
			ptrdiff_t x0 = lo < hi ? lo : hi - 1, x = x0, y = x - k;

			while (x > xoff && y > yoff && s->x[x - 1] == s->y[y - 1])
				x--, y--;
			if (!spend(s, 1 + x0 - x))
				return false;
			bwd[k] = x;
			if (!odd && flo <= k && k <= fhi && x <= fwd[k]) {
				*ret_x = x;
				*ret_y = y;
				return true;
			}
		}
	}
}

/*
 * Mark the lines of a shortest script between the two ranges.  The first
 * half recurses and the second loops, so the depth is O(log D).  Returns
 * false when the budget runs out, with some lines marked.
 */
static bool compare(struct search *s, ptrdiff_t xoff, ptrdiff_t xlim, ptrdiff_t yoff, ptrdiff_t ylim)
{
	for (;;) {
		ptrdiff_t xmid, ymid;

		while (xoff < xlim && yoff < ylim && s->x[xoff] == s->y[yoff])
			xoff++, yoff++;
		while (xoff < xlim && yoff < ylim && s->x[xlim - 1] == s->y[ylim - 1])
			xlim--, ylim--;

		if (xoff == xlim) {
			for (; yoff < ylim; yoff++)
				s->ychanged[s->yline ? s->yline[yoff] : (size_t) yoff] = 1;
			return true;
		}
		if (yoff == ylim) {
			for (; xoff < xlim; xoff++)
				s->xchanged[s->xline ? s->xline[xoff] : (size_t) xoff] = 1;
			return true;
		}
		if (!middle_snake(s, xoff, xlim, yoff, ylim, &xmid, &ymid) ||
		    !compare(s, xoff, xmid, yoff, ymid))
			return false;
		xoff = xmid;
		yoff = ymid;
	}
}

/*
 * Make the script read like GNU diff's: slide each run of changed lines of
 * one side up and down over equal neighbours (which keeps the script valid
 * and its length), merging with runs it meets, and leave it as low as it
 * goes unless it can end where a run of changes on the other side ends.
 * Runs stay within [lo, hi) of s: GNU diff only holds `context` lines of
 * the common prefix and suffix when it slides.  Lines past hi (in o too)
 * are unchanged, so their flags, or the 0 at changed[n], end every scan.
 * j follows, in o, the line matched with line i of s.
 */
static void shift_runs(struct side *s, const struct side *o, size_t lo, size_t hi)
{
	char *changed = s->changed;
	const char *other = o->changed;
	const size_t *cls = s->cls;
	size_t i = lo, j = lo;

	for (;;) {
		size_t run, start, corresponding;

		/* Find the next run, keeping j matched with i. */
		while (i < hi && !changed[i]) {
			while (other[j])
				j++;
			j++;
			i++;
		}
		if (i == hi)
			break;
		start = i;
		while (changed[i])
			i++;
		while (other[j])
			j++;

		do {
			run = i - start;

			/* Up, while the line above equals the run's last line. */
			while (start > lo && cls[start - 1] == cls[i - 1]) {
				changed[--start] = 1;
				changed[--i] = 0;
				while (start > lo && changed[start - 1])
					start--;
				do
					j--;
				while (other[j]);
			}

			/* i where the run last ended next to a change of the
			 * other side; hi when it never did. */
			corresponding = j > 0 && other[j - 1] ? i : hi;

			/* Down, while the run's first line equals the line below. */
			while (i < hi && cls[start] == cls[i]) {
				changed[start++] = 0;
				changed[i++] = 1;
				while (changed[i])
					i++;
				for (j++; other[j]; j++)
					corresponding = i;
			}
		} while (run != i - start);

		/* Back up to line up with the other side's change, if any. */
		while (corresponding < i) {
			changed[--start] = 1;
			changed[--i] = 0;
			do
				j--;
			while (other[j]);
		}
	}
}

/*
 * Where GNU diff lets shift_runs() move changes: from `context` lines above
 * the first difference to `context` lines below the last one, as counted
 * from the common prefix and suffix (which may not overlap past lo).
 */
static void shift_bounds(const struct side *a, const struct side *b, size_t context,
			 size_t *ret_lo, size_t *ret_a_hi, size_t *ret_b_hi)
{
	size_t prefix = 0, suffix = 0, lo, keep;

	while (prefix < a->n && prefix < b->n && a->cls[prefix] == b->cls[prefix])
		prefix++;
	lo = prefix > context ? prefix - context : 0;
	while (suffix < min_size(a->n, b->n) - lo &&
	       a->cls[a->n - 1 - suffix] == b->cls[b->n - 1 - suffix])
		suffix++;
	keep = min_size(context, suffix);
	*ret_lo = lo;
	*ret_a_hi = a->n - suffix + keep;
	*ret_b_hi = b->n - suffix + keep;
}

struct change {
	size_t a, a_end;	/* deleted lines of a: [a, a_end) */
	size_t b, b_end;	/* inserted lines of b: [b, b_end) */
};

/* The first change at or after the matched pair (i, j); false when none. */
static bool next_change(const struct side *a, const struct side *b, size_t i, size_t j, struct change *ret)
{
	for (;;) {
		if ((i < a->n && a->changed[i]) || (j < b->n && b->changed[j])) {
			ret->a = i;
			ret->b = j;
			while (i < a->n && a->changed[i])
				i++;
			while (j < b->n && b->changed[j])
				j++;
			ret->a_end = i;
			ret->b_end = j;
			return true;
		}
		if (i >= a->n || j >= b->n)
			return false;
		i++;
		j++;
	}
}

static int put_line(struct buf *out, char mark, const struct side *s, size_t i)
{
	const char *p = line_ptr(s, i);
	size_t n = line_len(s, i);
	int r;

	r = buf_putc(out, mark);
	if (r >= 0)
		r = buf_append(out, p, n);
	if (r >= 0 && p[n - 1] != '\n')
		r = buf_puts(out, "\n\\ No newline at end of file\n");
	return r;
}

/*
 * GNU diff's ranges: "l,n", just "l" when n == 1, and for an empty range
 * the number of the line before it with ",0" (so "0,0" at the top, which
 * is what patch(1) expects to recognise a new file).
 */
static int put_range(struct buf *out, char mark, size_t first, size_t count)
{
	if (count == 0)
		return buf_printf(out, "%c%zu,0", mark, first);
	if (count == 1)
		return buf_printf(out, "%c%zu", mark, first + 1);
	return buf_printf(out, "%c%zu,%zu", mark, first + 1, count);
}

static int put_hunk(struct buf *out, const struct side *a, const struct side *b,
		    const struct change *first, const struct change *last, size_t context)
{
	size_t before = min_size(context, min_size(first->a, first->b));
	size_t after = min_size(context, min_size(a->n - last->a_end, b->n - last->b_end));
	size_t i = first->a - before, j = first->b - before;
	size_t a_end = last->a_end + after, b_end = last->b_end + after;
	int r;

	r = buf_puts(out, "@@ ");
	if (r >= 0)
		r = put_range(out, '-', i, a_end - i);
	if (r >= 0)
		r = buf_putc(out, ' ');
	if (r >= 0)
		r = put_range(out, '+', j, b_end - j);
	if (r >= 0)
		r = buf_puts(out, " @@\n");

	while (r >= 0 && (i < a_end || j < b_end)) {
		if ((i < a->n && a->changed[i]) || (j < b->n && b->changed[j])) {
			/* A change: its deleted lines, then its inserted ones. */
			for (; r >= 0 && i < a->n && a->changed[i]; i++)
				r = put_line(out, '-', a, i);
			for (; r >= 0 && j < b->n && b->changed[j]; j++)
				r = put_line(out, '+', b, j);
		} else {
			r = put_line(out, ' ', a, i);
			i++;
			j++;
		}
	}
	return r;
}

/* Two changes share a hunk when at most 2 * context equal lines part them. */
static bool same_hunk(const struct change *prev, const struct change *next, size_t context)
{
	size_t gap = next->a - prev->a_end;

	return gap <= context || gap - context <= context;
}

static int put_diff(struct buf *out, const struct diff_state *st, const char *label_a,
		    const char *label_b, size_t context)
{
	struct change first, last, next;
	bool more;
	int r;

	if (!next_change(&st->a, &st->b, 0, 0, &first))
		return 0;

	r = buf_printf(out, "--- %s\n+++ %s\n", label_a, label_b);
	while (r >= 0) {
		last = first;
		while ((more = next_change(&st->a, &st->b, last.a_end, last.b_end, &next)) &&
		       same_hunk(&last, &next, context))
			last = next;
		r = put_hunk(out, &st->a, &st->b, &first, &last, context);
		if (!more)
			break;
		first = next;
	}
	return r;
}

static int diff_lines(struct diff_state *st, const char *a, size_t alen, const char *b, size_t blen,
		      size_t context)
{
	struct search s;
	size_t unmatched = 0, ndiag, lo, a_hi, b_hi;
	int r;

	r = side_split(&st->a, a, alen);
	if (r < 0)
		return r;
	r = side_split(&st->b, b, blen);
	if (r < 0)
		return r;
	r = classify(st);
	if (r < 0)
		return r;

	/* Diagonals run from -n(b) to n(a), plus a sentinel at each end. */
	if (st->a.n > PTRDIFF_MAX / 4 || st->b.n > PTRDIFF_MAX / 4)
		return -ENOMEM;
	ndiag = st->a.n + st->b.n + 3;
	st->diag_mem = new_array(ndiag, ndiag, sizeof(ptrdiff_t));
	if (!st->diag_mem)
		return -ENOMEM;

	for (size_t i = 0; i < st->a.n; i++)
		unmatched += !side_matched(&st->a, st->class_seen, i);
	for (size_t i = 0; i < st->b.n; i++)
		unmatched += !side_matched(&st->b, st->class_seen, i);

	s = (struct search) {
		.x = st->a.cls,
		.y = st->b.cls,
		.xchanged = st->a.changed,
		.ychanged = st->b.changed,
		.fwd = st->diag_mem + st->b.n + 1,
		.bwd = st->diag_mem + ndiag + st->b.n + 1,
		.budget = unmatched > 0 ? FULL_SEARCH_BUDGET : UINT64_MAX,
	};
	if (!compare(&s, 0, (ptrdiff_t) st->a.n, 0, (ptrdiff_t) st->b.n)) {
		memset(st->a.changed_mem, 0, st->a.n + 2);
		memset(st->b.changed_mem, 0, st->b.n + 2);
		r = side_select(&st->a, st->class_seen);
		if (r < 0)
			return r;
		r = side_select(&st->b, st->class_seen);
		if (r < 0)
			return r;
		s.x = st->a.search_cls;
		s.y = st->b.search_cls;
		s.xline = st->a.search_line;
		s.yline = st->b.search_line;
		s.fwd = st->diag_mem + st->b.nsearch + 1;
		s.bwd = st->diag_mem + ndiag + st->b.nsearch + 1;
		s.budget = UINT64_MAX;
		(void) compare(&s, 0, (ptrdiff_t) st->a.nsearch, 0, (ptrdiff_t) st->b.nsearch);
	}

	shift_bounds(&st->a, &st->b, context, &lo, &a_hi, &b_hi);
	shift_runs(&st->a, &st->b, lo, a_hi);
	shift_runs(&st->b, &st->a, lo, b_hi);
	return 0;
}

int diff_unified(struct buf *out, const char *a, size_t alen, const char *b, size_t blen,
		 const char *label_a, const char *label_b, unsigned context)
{
	_cleanup_(diff_state_done) struct diff_state st = {};
	size_t mark = out->len;
	int r;

	if (!buf_ok(out))
		return -ENOMEM;
	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return 0;

	if ((alen > 0 && memchr(a, '\0', alen)) || (blen > 0 && memchr(b, '\0', blen)))
		r = buf_printf(out, "Binary files %s and %s differ\n", label_a, label_b);
	else {
		r = diff_lines(&st, a, alen, b, blen, context);
		if (r >= 0)
			r = put_diff(out, &st, label_a, label_b, context);
	}
	if (r < 0) {
		/* Leave out as it was (its sticky oom flag aside). */
		if (out->data) {
			out->len = mark;
			out->data[mark] = '\0';
		}
		return r;
	}
	return 0;
}
