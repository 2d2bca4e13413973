/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A reader of systemd's journal file format (src/sdjournal.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sdjournal.h"

/* journal-def.h */
#define HEADER_SIGNATURE "LPKSHHRH"
#define HEADER_INCOMPATIBLE_KNOWN 0x1fu		/* XZ, LZ4, KEYED_HASH, ZSTD, COMPACT */
#define HEADER_INCOMPATIBLE_COMPACT 0x10u
#define OBJECT_DATA 1
#define OBJECT_ENTRY 3
#define OBJECT_ENTRY_ARRAY 6
#define OBJECT_COMPRESSION_MASK 0x07u
#define OBJECT_HEADER_SIZE 16
#define ENTRY_FIXED 64			/* header, seqnum, realtime, monotonic, boot_id, xor_hash */
#define ENTRY_ITEMS_MAX 1024
#define ARRAY_CHUNK 4096		/* entry array items read at once */
#define PAYLOAD_MAX (64u << 10)		/* a longer MESSAGE is not shown */
#define LINE_MAX_LEN 4096

struct jfile {
	int fd;
	uint64_t size;
	bool compact;
};

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

/* n bytes at off, all inside the file; -EBADMSG when they are not. */
static int at(const struct jfile *j, uint64_t off, void *buf, size_t n)
{
	size_t got = 0;

	if (off > j->size || n > j->size - off || off % 8)
		return -EBADMSG;
	while (got < n) {
		ssize_t k = pread(j->fd, (char *) buf + got, n - got, (off_t) (off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return -EBADMSG;
		got += (size_t) k;
	}
	return 0;
}

/* An object's header: its type must be type; returns its size (>= min), or -EBADMSG. */
static int64_t object(const struct jfile *j, uint64_t off, int type, uint64_t min, unsigned char *flags)
{
	unsigned char h[OBJECT_HEADER_SIZE];
	int r = at(j, off, h, sizeof(h));

	if (r < 0)
		return r;
	uint64_t size = le64(h + 8);
	if (h[0] != type || size < min || size > j->size - off)
		return -EBADMSG;
	if (flags)
		*flags = h[1];
	return (int64_t) size;
}

/*
 * The entry array chain links forward only, from the oldest array to the
 * newest, and the newest entries are wanted first.  Keeping the offset of
 * each of the newest SDJ_ENTRIES_MAX entries took 1.6 MB; instead the chain
 * is walked once, keeping where every CHAIN_SEGMENT-th array starts (the
 * newest CHAIN_MARKS of those marks), and then each segment, newest first,
 * is walked again and its arrays read from their last item back.  The marks
 * reach back CHAIN_MARKS * CHAIN_SEGMENT arrays, more than SDJ_ENTRIES_MAX:
 * every array systemd writes holds at least one entry (and each is twice
 * the size of the one before), so only a file with empty arrays, which
 * systemd never writes, has entries this reader does not reach.
 */
#define CHAIN_SEGMENT 256
#define CHAIN_MARKS (SDJ_ENTRIES_MAX / CHAIN_SEGMENT + 2)

struct chain_array {
	uint64_t off, items;
};

/* The array at a (after prev: arrays are appended, so a loop cannot happen); *ret_next: the one after it. */
static int chain_array(const struct jfile *j, uint64_t a, uint64_t prev, struct chain_array *ret, uint64_t *ret_next)
{
	unsigned char nb[8];
	int64_t size = a > prev ? object(j, a, OBJECT_ENTRY_ARRAY, OBJECT_HEADER_SIZE + 8, NULL) : -EBADMSG;
	int r;

	if (size < 0)
		return (int) size;
	if ((r = at(j, a + OBJECT_HEADER_SIZE, nb, 8)) < 0)
		return r;
	*ret = (struct chain_array) { .off = a, .items = ((uint64_t) size - OBJECT_HEADER_SIZE - 8) / (j->compact ? 4 : 8) };
	*ret_next = le64(nb);
	return 0;
}

/* One entry at off; > 0 stops the walk, < 0 is an error that ends it. */
typedef int (*entry_fn)(const struct jfile *j, uint64_t off, void *userdata);

/* The entries of one array, from its last item back; the unused tail of the last array (zeros) is skipped. */
static int array_backwards(const struct jfile *j, const struct chain_array *ca, unsigned char *chunk, size_t *budget,
			   entry_fn fn, void *userdata)
{
	size_t item = j->compact ? 4 : 8;

	for (uint64_t k = ca->items; k > 0 && *budget > 0;) {
		size_t m = k < ARRAY_CHUNK ? (size_t) k : ARRAY_CHUNK;
		int r;
		k -= m;
		if ((r = at(j, ca->off + OBJECT_HEADER_SIZE + 8 + k * item, chunk, m * item)) < 0)
			return r;
		for (size_t i = m; i-- > 0 && *budget > 0;) {
			uint64_t e = item == 4 ? le32(chunk + i * 4) : le64(chunk + i * 8);
			if (e == 0)
				continue;
			(*budget)--;
			if ((r = fn(j, e, userdata)) != 0)
				return r;
		}
	}
	return 0;
}

/*
 * Call fn for the newest (at most SDJ_ENTRIES_MAX) entries, newest first,
 * until it returns non-zero.  A broken chain is -EBADMSG before any entry
 * is looked at, as when all of it was read at once.  Returns 0, fn's
 * positive value, or -errno.
 */
static int entries_backwards(const struct jfile *j, uint64_t first, entry_fn fn, void *userdata)
{
	_cleanup_free_ uint64_t *marks = malloc(CHAIN_MARKS * sizeof(*marks));
	_cleanup_free_ struct chain_array *seg = malloc(CHAIN_SEGMENT * sizeof(*seg));
	_cleanup_free_ unsigned char *chunk = malloc(ARRAY_CHUNK * 8);
	size_t n_arrays = 0, budget = SDJ_ENTRIES_MAX;
	uint64_t a = first, prev = 0;
	int r;

	if (!marks || !seg || !chunk)
		return -ENOMEM;
	/* once along the chain, checking every array: where each segment starts */
	while (a != 0) {
		struct chain_array ca;
		uint64_t next;
		if ((r = chain_array(j, a, prev, &ca, &next)) < 0)
			return r;
		if (n_arrays % CHAIN_SEGMENT == 0)
			marks[(n_arrays / CHAIN_SEGMENT) % CHAIN_MARKS] = a;
		n_arrays++;
		prev = a;
		a = next;
	}
	size_t n_marks = n_arrays ? (n_arrays - 1) / CHAIN_SEGMENT + 1 : 0;
	size_t oldest = n_marks > CHAIN_MARKS ? n_marks - CHAIN_MARKS : 0;
	/* then each segment again, newest first, its arrays from the last back */
	for (size_t s = n_marks; s-- > oldest && budget > 0;) {
		size_t n = 0;
		a = marks[s % CHAIN_MARKS];
		prev = 0;
		while (a != 0 && n < CHAIN_SEGMENT && s * CHAIN_SEGMENT + n < n_arrays) {
			uint64_t next;
			if ((r = chain_array(j, a, prev, &seg[n], &next)) < 0)
				return r;	/* the file changed since the first walk */
			prev = a;
			a = next;
			n++;
		}
		for (size_t i = n; i-- > 0 && budget > 0;)
			if ((r = array_backwards(j, &seg[i], chunk, &budget, fn, userdata)) != 0)
				return r;
	}
	return 0;
}

struct fields {
	char comm[32], transport[16], ident[64], pid[16], host[64];
	char *message;
	bool message_compressed;
};

static void copy_value(char *dst, size_t size, const unsigned char *v, size_t n)
{
	n = n < size - 1 ? n : size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
	for (char *c = dst; *c; c++)
		if ((unsigned char) *c < 0x20)
			*c = ' ';
}

/* One data object: the field it holds, if it is one we want. */
static int data_field(const struct jfile *j, uint64_t off, struct fields *f)
{
	unsigned char flags, head[40];
	size_t payload = j->compact ? 72 : 64;
	int64_t size = object(j, off, OBJECT_DATA, payload, &flags);
	int r;

	if (size < 0)
		return (int) size;
	size_t n = (size_t) size - payload;
	size_t hn = n < sizeof(head) ? n : sizeof(head);
	if ((r = at(j, off + payload, head, hn)) < 0)
		return r;
	if (flags & OBJECT_COMPRESSION_MASK) {
		/* the field's name is inside the compressed bytes: if no MESSAGE is found, this was it */
		f->message_compressed = true;
		return 0;
	}
	if (hn >= 8 && memcmp(head, "MESSAGE=", 8) == 0) {
		if (n > PAYLOAD_MAX || f->message)
			return 0;
		unsigned char *m = malloc(n + 1);
		if (!m)
			return -ENOMEM;
		if ((r = at(j, off + payload, m, n)) < 0) {
			free(m);
			return r;
		}
		f->message = malloc(n - 8 + 1);
		if (!f->message) {
			free(m);
			return -ENOMEM;
		}
		copy_value(f->message, n - 8 + 1, m + 8, n - 8);
		free(m);
		return 0;
	}
	static const struct {
		const char *name;
		size_t off, size;
	} want[] = {
		{ "_COMM=", offsetof(struct fields, comm), sizeof(((struct fields *) 0)->comm) },
		{ "_TRANSPORT=", offsetof(struct fields, transport), sizeof(((struct fields *) 0)->transport) },
		{ "SYSLOG_IDENTIFIER=", offsetof(struct fields, ident), sizeof(((struct fields *) 0)->ident) },
		{ "_PID=", offsetof(struct fields, pid), sizeof(((struct fields *) 0)->pid) },
		{ "_HOSTNAME=", offsetof(struct fields, host), sizeof(((struct fields *) 0)->host) },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		size_t l = strlen(want[i].name);
		if (hn >= l && memcmp(head, want[i].name, l) == 0) {
			/* the value: what the head holds (every wanted value is shorter than it) */
			copy_value((char *) f + want[i].off, want[i].size, head + l, hn - l);
			break;
		}
	}
	return 0;
}

static bool wanted(const struct fields *f)
{
	static const char *const comms[] = { "sshd", "sshd-session", "sshd-auth", "fail2ban-server" };

	if (strcmp(f->transport, "kernel") == 0)
		return true;
	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++)
		if (strcmp(f->comm, comms[i]) == 0)
			return true;
	return false;
}

/* "2026-12-07T02:57:45+0000 HOST IDENT[PID]: MESSAGE", as journalctl -o short-iso in UTC. */
static char *format(const struct fields *f, uint64_t realtime)
{
	time_t t = (time_t) (realtime / 1000000);
	struct tm tm;
	char stamp[32];
	char *line = NULL;

	if (!gmtime_r(&t, &tm) || !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S+0000", &tm))
		snprintf(stamp, sizeof(stamp), "?");
	const char *ident = f->ident[0] ? f->ident : f->comm[0] ? f->comm : "unknown";	/* as journalctl */
	if (asprintf(&line, "%s %s %s%s%s%s: %.*s", stamp, f->host[0] ? f->host : "localhost", ident, f->pid[0] ? "[" : "",
		     f->pid, f->pid[0] ? "]" : "", LINE_MAX_LEN, f->message) < 0)
		return NULL;
	return line;
}

/* One entry: 1 with *ret_line when it is one we keep, 0 when not, -errno. */
static int entry(const struct jfile *j, uint64_t off, unsigned long long since, uint64_t *ret_realtime, char **ret_line,
		 struct sdj_stats *st)
{
	unsigned char fixed[ENTRY_FIXED];
	int64_t size = object(j, off, OBJECT_ENTRY, ENTRY_FIXED, NULL);
	int r;

	*ret_line = NULL;
	if (size < 0)
		return (int) size;
	if ((r = at(j, off, fixed, sizeof(fixed))) < 0)
		return r;
	*ret_realtime = le64(fixed + 24);
	if (since && *ret_realtime < since)
		return 0;
	size_t item = j->compact ? 4 : 16;
	size_t n = ((size_t) size - ENTRY_FIXED) / item;
	n = n < ENTRY_ITEMS_MAX ? n : ENTRY_ITEMS_MAX;
	unsigned char *items = malloc(n * item + 1);
	struct fields f = {0};
	if (!items)
		return -ENOMEM;
	r = at(j, off + ENTRY_FIXED, items, n * item);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = data_field(j, item == 4 ? le32(items + i * 4) : le64(items + i * 16), &f);
	free(items);
	if (r >= 0 && wanted(&f)) {
		if (f.message_compressed && !f.message)
			st->compressed++;
		else if (f.message && !(*ret_line = format(&f, *ret_realtime)))
			r = -ENOMEM;
	}
	free(f.message);
	return r < 0 ? r : *ret_line != NULL;
}

/* What sdj_read() gathers, newest first. */
struct gather {
	unsigned long long since;
	size_t max_lines, kept;
	char **lines;
	struct sdj_stats *st;
};

static int gather_entry(const struct jfile *j, uint64_t off, void *userdata)
{
	struct gather *g = userdata;
	uint64_t realtime = 0;
	char *line;
	int r;

	if (g->kept >= g->max_lines)
		return 1;
	g->st->entries++;
	r = entry(j, off, g->since, &realtime, &line, g->st);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;	/* one broken entry (a file being written when the machine died) */
	if (g->since && realtime < g->since)
		return 1;
	if (r > 0)
		g->lines[g->kept++] = line;
	return g->kept >= g->max_lines;
}

int sdj_read(int fd, unsigned long long since_usec, size_t max_lines, struct buf *out, struct sdj_stats *ret)
{
	struct jfile j = { .fd = fd };
	unsigned char h[184];
	struct stat sb;
	int r;

	*ret = (struct sdj_stats) {0};
	if (fstat(fd, &sb) < 0)
		return -errno;
	if (!S_ISREG(sb.st_mode))
		return -EBADMSG;
	j.size = (uint64_t) sb.st_size;
	if ((r = at(&j, 0, h, sizeof(h))) < 0)
		return r;
	if (memcmp(h, HEADER_SIGNATURE, 8) != 0)
		return -EBADMSG;
	uint32_t incompat = le32(h + 12);
	if (incompat & ~HEADER_INCOMPATIBLE_KNOWN)
		return -EPROTONOSUPPORT;
	j.compact = incompat & HEADER_INCOMPATIBLE_COMPACT;
	/* from the newest back, until max_lines are kept or since is passed */
	struct gather g = { .since = since_usec, .max_lines = max_lines, .st = ret,
			    .lines = calloc(max_lines ? max_lines : 1, sizeof(char *)) };
	if (!g.lines)
		return -ENOMEM;
	r = entries_backwards(&j, le64(h + 176), gather_entry, &g);
	for (size_t i = g.kept; i-- > 0;) {
		if (r >= 0) {
			buf_puts(out, g.lines[i]);
			buf_putc(out, '\n');
		}
		free(g.lines[i]);
	}
	free(g.lines);
	ret->kept = g.kept;
	if (r >= 0 && !buf_ok(out))
		r = -ENOMEM;
	return r < 0 ? r : 0;
}
