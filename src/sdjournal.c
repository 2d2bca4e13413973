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

/* The offsets of the newest (at most SDJ_ENTRIES_MAX) entries, oldest first, following the entry array chain. */
static int entry_offsets(const struct jfile *j, uint64_t first, uint64_t **ret, size_t *ret_n)
{
	size_t item = j->compact ? 4 : 8, cap = SDJ_ENTRIES_MAX, n = 0, start = 0;
	uint64_t *ring = malloc(cap * sizeof(*ring));
	unsigned char *chunk = malloc(ARRAY_CHUNK * 8);
	uint64_t a = first, prev = 0;
	int r = 0;

	if (!ring || !chunk) {
		free(ring);
		free(chunk);
		return -ENOMEM;
	}
	/* arrays are appended, so each next one lies further on: a loop cannot happen */
	while (a != 0 && r >= 0) {
		unsigned char nb[8];
		int64_t size = a > prev ? object(j, a, OBJECT_ENTRY_ARRAY, OBJECT_HEADER_SIZE + 8, NULL) : -EBADMSG;
		if (size < 0 || (r = at(j, a + OBJECT_HEADER_SIZE, nb, 8)) < 0) {
			r = size < 0 ? (int) size : r;
			break;
		}
		uint64_t items = ((uint64_t) size - OBJECT_HEADER_SIZE - 8) / item;
		for (uint64_t k = 0; k < items && r >= 0;) {
			size_t m = items - k < ARRAY_CHUNK ? (size_t) (items - k) : ARRAY_CHUNK;
			if ((r = at(j, a + OBJECT_HEADER_SIZE + 8 + k * item, chunk, m * item)) < 0)
				break;
			for (size_t i = 0; i < m; i++) {
				uint64_t e = item == 4 ? le32(chunk + i * 4) : le64(chunk + i * 8);
				if (e == 0)
					continue;	/* the unused tail of the last array */
				ring[(start + n) % cap] = e;
				if (n < cap)
					n++;
				else
					start = (start + 1) % cap;
			}
			k += m;
		}
		prev = a;
		a = le64(nb);
	}
	free(chunk);
	if (r < 0) {
		free(ring);
		return r;
	}
	/* oldest first, in a plain array */
	uint64_t *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v) {
		free(ring);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = ring[(start + i) % cap];
	free(ring);
	*ret = v;
	*ret_n = n;
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

int sdj_read(int fd, unsigned long long since_usec, size_t max_lines, struct buf *out, struct sdj_stats *ret)
{
	struct jfile j = { .fd = fd };
	unsigned char h[184];
	struct stat sb;
	uint64_t *offs = NULL;
	size_t n = 0;
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
	if ((r = entry_offsets(&j, le64(h + 176), &offs, &n)) < 0)
		return r;
	/* from the newest back, until max_lines are kept or since is passed */
	char **lines = calloc(max_lines ? max_lines : 1, sizeof(*lines));
	size_t kept = 0;
	if (!lines) {
		free(offs);
		return -ENOMEM;
	}
	for (size_t i = n; i-- > 0 && kept < max_lines;) {
		uint64_t realtime = 0;
		char *line;
		ret->entries++;
		r = entry(&j, offs[i], since_usec, &realtime, &line, ret);
		if (r == -ENOMEM)
			break;
		if (r < 0) {
			r = 0;	/* one broken entry (a file being written when the machine died) */
			continue;
		}
		if (since_usec && realtime < since_usec)
			break;
		if (r > 0)
			lines[kept++] = line;
	}
	free(offs);
	for (size_t i = kept; i-- > 0;) {
		if (r >= 0) {
			buf_puts(out, lines[i]);
			buf_putc(out, '\n');
		}
		free(lines[i]);
	}
	free(lines);
	ret->kept = kept;
	if (r >= 0 && !buf_ok(out))
		r = -ENOMEM;
	return r < 0 ? r : 0;
}
