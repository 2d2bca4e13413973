/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The target's logs as evidence (src/logs.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logs.h"
#include "run.h"
#include "sandbox.h"
#include "sdjournal.h"
#include "util.h"

void logs_free(struct logs *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->lines[i].text);
	free(l->lines);
	strv_free(l->read);
	strv_free(l->not_read);
	free(l);
}

static bool has(const char *s, size_t n, const char *what)
{
	return memmem(s, n, what, strlen(what)) != NULL;
}

/* The "sshd[PID]" of a line the listener wrote, or NULL (*ret_n its length). */
static const char *sshd_tag(const char *s, size_t n, size_t *ret_n)
{
	for (const char *p = s; (p = memmem(p, n - (size_t) (p - s), "sshd[", 5)); p++) {
		if (p > s && (p[-1] != ' ' && p[-1] != '/'))
			continue;	/* "sshd-session[", "xsshd[" */
		size_t d = 5;
		while (p + d < s + n && p[d] >= '0' && p[d] <= '9')
			d++;
		if (d > 5 && p + d < s + n && p[d] == ']') {
			*ret_n = d + 1;
			return p;
		}
	}
	return NULL;
}

/*
 * Where the start of sshd that wrote lines[at] ("Server listening on")
 * began: sshd binds, and says what it could not bind or load, before it
 * says where it listens.  Back from at over lines of the same sshd[PID]
 * and what other programs wrote between them (the kernel's AVC for a
 * refused bind), to the first line of that PID; another sshd's line stops
 * it.  At most 256 lines back.
 */
static size_t start_of_run(const struct log_line *lines, size_t first, size_t at, const char *tag, size_t tag_n)
{
	size_t start = at;

	for (size_t i = at; i > first && at - i < 256; i--) {
		const char *t = lines[i - 1].text, *o;
		size_t on = 0;
		if (!(o = sshd_tag(t, strlen(t), &on)))
			continue;
		if (on != tag_n || memcmp(o, tag, on) != 0)
			break;
		start = i - 1;
	}
	return start;
}

/* A line sshd or one of its helpers wrote (syslog, journal short format), or fail2ban, or an SELinux AVC
 * for sshd_t, or an AppArmor denial of an sshd profile (the kernel's audit line). */
static bool ours(const char *l, size_t n)
{
	return has(l, n, " sshd[") || has(l, n, " sshd-session[") || has(l, n, " sshd-auth[") || has(l, n, " sshd:") ||
	       has(l, n, "fail2ban.") || (has(l, n, "avc:") && has(l, n, ":sshd_t:")) ||
	       (has(l, n, "apparmor=\"DENIED\"") && has(l, n, "sshd"));
}

/*
 * sshd's own words for a failure of its own: "error:" and "fatal:" lines,
 * but not what one unknown client's connection did ("[preauth]", "invalid
 * user": scanners and password guessers, on any machine on the Internet).
 */
static bool failure_words(const char *l, size_t n)
{
	return (has(l, n, "error:") || has(l, n, "fatal:")) && !has(l, n, "[preauth]") && !has(l, n, "invalid user") &&
	       !has(l, n, "Invalid user");
}

/* ---- time stamps ---- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned) (y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long) doe - 719468;
}

/* n decimal digits at s, or -1. */
static int digits(const char *s, size_t len, size_t n)
{
	int v = 0;

	if (len < n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static long long civil(int y, int mo, int d, int h, int mi, int sec)
{
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	return days_from_civil(y, (unsigned) mo, (unsigned) d) * 86400 + h * 3600 + mi * 60 + sec;
}

/* "YYYY-MM-DD[T ]HH:MM:SS[.frac|,frac][Z|+HH:MM|+HHMM]" at s; *used: its length. */
static long long iso_time(const char *s, size_t n, size_t *used)
{
	int y = digits(s, n, 4), mo = n > 7 ? digits(s + 5, n - 5, 2) : -1, d = n > 10 ? digits(s + 8, n - 8, 2) : -1;
	if (y < 0 || mo < 0 || d < 0 || n < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	int h = digits(s + 11, n - 11, 2), mi = digits(s + 14, n - 14, 2), sec = digits(s + 17, n - 17, 2);
	long long t = h < 0 || mi < 0 || sec < 0 ? -1 : civil(y, mo, d, h, mi, sec);
	size_t i = 19;
	if (t < 0)
		return -1;
	if (i < n && (s[i] == '.' || s[i] == ','))
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (i < n && s[i] == 'Z')
		i++;
	else if (i + 5 <= n && (s[i] == '+' || s[i] == '-')) {
		int oh = digits(s + i + 1, n - i - 1, 2);
		size_t m = i + 3 + (i + 3 < n && s[i + 3] == ':');
		int om = digits(s + m, n - m, 2);
		if (oh >= 0 && om >= 0) {
			long long off = oh * 3600LL + om * 60LL;
			t += s[i] == '+' ? -off : off;
			i = m + 2;
		}
	}
	*used = i;
	return t;
}

long long logs_line_time(const char *l, size_t n, long long now)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t used;

	if (n >= 19 && l[0] >= '0' && l[0] <= '9')
		return iso_time(l, n, &used);
	if (n >= 15 && l[3] == ' ' && l[6] == ' ' && l[9] == ':' && l[12] == ':') {
		/* "Dec  7 02:57:45": traditional syslog, no year */
		const char *m = memmem(months, sizeof(months) - 1, l, 3);
		int d = l[4] == ' ' ? digits(l + 5, 1, 1) : digits(l + 4, 2, 2);
		int h = digits(l + 7, 2, 2), mi = digits(l + 10, 2, 2), sec = digits(l + 13, 2, 2);
		if (!m || (m - months) % 3 || d < 0 || h < 0 || mi < 0 || sec < 0)
			return -1;
		time_t nt = (time_t) now;
		struct tm tm;
		if (!gmtime_r(&nt, &tm))
			return -1;
		long long t = civil(tm.tm_year + 1900, (int) (m - months) / 3 + 1, d, h, mi, sec);
		if (t > now + 86400)	/* December's lines read in January */
			t = civil(tm.tm_year + 1899, (int) (m - months) / 3 + 1, d, h, mi, sec);
		return t;
	}
	const char *a = memmem(l, n, "msg=audit(", 10);
	if (a) {
		long long t = 0;
		size_t i = (size_t) (a - l) + 10, k = 0;
		for (; i < n && l[i] >= '0' && l[i] <= '9' && k < 12; i++, k++)
			t = t * 10 + (l[i] - '0');
		return k > 0 && i < n && (l[i] == '.' || l[i] == ':') ? t : -1;
	}
	return -1;
}

int logs_parse_since(const char *when, long long now, long long *ret)
{
	size_t n = strlen(when), used = 0;
	unsigned long long v;
	char unit = n ? when[n - 1] : 0;

	if (n >= 2 && n <= 12 && strchr("dhm", unit)) {
		_cleanup_free_ char *num = strndup(when, n - 1);
		if (!num || parse_uint(num, 10, 100000, &v) < 0)
			return -EINVAL;
		*ret = now - (long long) v * (unit == 'd' ? 86400 : unit == 'h' ? 3600 : 60);
		return 0;
	}
	if (n == 10) {
		char full[20];
		snprintf(full, sizeof(full), "%s 00:00:00", when);
		*ret = iso_time(full, 19, &used);
		return *ret < 0 ? -EINVAL : 0;
	}
	if (n == 16) {
		char full[20];
		snprintf(full, sizeof(full), "%s:00", when);
		*ret = iso_time(full, 19, &used);
		return *ret < 0 ? -EINVAL : 0;
	}
	*ret = iso_time(when, n, &used);
	return *ret < 0 || used != n ? -EINVAL : 0;
}

/* ---- reading ---- */

/* A line of ours, within the window --since asks for. */
static bool wanted(const char *s, size_t n, long long since, long long now)
{
	if (n == 0 || n > 4096 || !ours(s, n))
		return false;
	if (since <= 0)
		return true;
	long long t = logs_line_time(s, n, now);
	return t < 0 || t >= since;
}

int logs_add_text(struct logs *l, const char *source, const char *text, size_t len, unsigned ver, bool since_start,
		  long long since, long long now)
{
	struct text_lines it = { .text = text, .len = len };
	const char *s;
	size_t n, first = l->n, total = 0, skip;

	if (since > 0)
		since_start = false;
	/* only the last LOG_LINES_MAX of ours are kept: count them first, so memory stays bounded */
	while (text_next_line(&it, &s, &n))
		total += wanted(s, n, since, now);
	skip = total > LOG_LINES_MAX ? total - LOG_LINES_MAX : 0;
	it = (struct text_lines) { .text = text, .len = len };
	while (text_next_line(&it, &s, &n)) {
		if (!wanted(s, n, since, now))
			continue;
		if (skip > 0 && !(since_start && has(s, n, "Server listening on"))) {
			skip--;
			continue;
		}
		if (since_start && has(s, n, "Server listening on") && l->n > first &&
		    !strstr(l->lines[l->n - 1].text, "Server listening on")) {
			/* sshd started again: what came before its start is an earlier boot's */
			size_t tn = 0;
			const char *tag = sshd_tag(s, n, &tn);
			size_t keep = tag ? start_of_run(l->lines, first, l->n, tag, tn) : l->n;
			for (size_t i = first; i < keep; i++)
				free(l->lines[i].text);
			memmove(l->lines + first, l->lines + keep, (l->n - keep) * sizeof(l->lines[0]));
			l->n -= keep - first;
		}
		struct log_line *v = realloc(l->lines, (l->n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->lines = v;
		v[l->n] = (struct log_line) { .text = strndup(s, n), .source = source,
					      .row = msg_find(MSG_SERVER, ver, s, n), .error = failure_words(s, n) };
		if (!v[l->n].text)
			return -ENOMEM;
		l->n++;
	}
	/* the last LOG_LINES_MAX of this source */
	if (l->n - first > LOG_LINES_MAX) {
		size_t drop = l->n - first - LOG_LINES_MAX;
		for (size_t i = first; i < first + drop; i++)
			free(l->lines[i].text);
		memmove(&l->lines[first], &l->lines[first + drop], (l->n - first - drop) * sizeof(l->lines[0]));
		l->n -= drop;
	}
	return 0;
}

/* The last LOG_TAIL_MAX bytes of path, from its first whole line; -ENOENT when it is missing. */
static int read_tail(struct target *t, const char *path, char **ret, size_t *ret_len, off_t *ret_size)
{
	_cleanup_close_ int fd = target_open(t, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, TR_ROOT_SYMLINKS_ONLY);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EPERM;	/* a FIFO or device is no log */
	off_t from = st.st_size > (off_t) LOG_TAIL_MAX ? st.st_size - (off_t) LOG_TAIL_MAX : 0;
	size_t want = (size_t) (st.st_size - from);
	char *buf = malloc(want + 1);
	size_t got = 0;
	if (!buf)
		return -ENOMEM;
	while (got < want) {
		ssize_t k = pread(fd, buf + got, want - got, from + (off_t) got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t) k;
	}
	buf[got] = '\0';
	size_t skip = 0;
	if (from > 0) {
		char *nl = memchr(buf, '\n', got);
		skip = nl ? (size_t) (nl - buf) + 1 : got;
	}
	memmove(buf, buf + skip, got - skip + 1);
	*ret = buf;
	*ret_len = got - skip;
	*ret_size = st.st_size;
	return 0;
}

/* "WHAT (WHY)" into v. */
static int note(char ***v, const char *what, const char *why)
{
	char *s = NULL;
	return asprintf(&s, "%s (%s)", what, why) < 0 ? -ENOMEM : strv_push(v, s);
}

static int read_files(struct run *run, struct logs *l, unsigned ver, long long now)
{
	static const char *const files[] = { "/var/log/auth.log.1", "/var/log/auth.log", "/var/log/secure.1",
					     "/var/log/secure", "/var/log/messages.1", "/var/log/messages",
					     "/var/log/kern.log", "/var/log/fail2ban.log", "/var/log/audit/audit.log" };
	int r;

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		off_t size = 0;
		r = read_tail(run->target, files[i], &text, &len, &size);
		if (r == -ENOMEM)
			return r;
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			if ((r = note(&l->not_read, files[i], r == -EPERM ? "not a regular file" : strerror(-r))) < 0)
				return r;
			continue;
		}
		char what[64];
		snprintf(what, sizeof(what), size > (off_t) len ? "its last %zu bytes" : "%zu bytes", len);
		if ((r = note(&l->read, files[i], what)) < 0)
			return r;
		/* the rotated copy is the start of the story; the live file decides what "since sshd started" is */
		if ((r = logs_add_text(l, files[i], text, len, ver, false, run->opt.since, now)) < 0)
			return r;
	}
	if (run->opt.since > 0)
		return 0;	/* every restart since then */
	/* only what the last start of sshd said, across the files: from the first of its "Server listening" lines */
	size_t last = 0;
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->lines[i].text, "Server listening on"))
			last = i;
	while (last > 0 && strstr(l->lines[last - 1].text, "Server listening on"))
		last--;
	size_t tn = 0;
	const char *tag = l->n ? sshd_tag(l->lines[last].text, strlen(l->lines[last].text), &tn) : NULL;
	if (tag)
		last = start_of_run(l->lines, 0, last, tag, tn);
	if (last > 0) {
		for (size_t i = 0; i < last; i++)
			free(l->lines[i].text);
		memmove(l->lines, l->lines + last, (l->n - last) * sizeof(l->lines[0]));
		l->n -= last;
	}
	return 0;
}

/* The journal, through the target's own journalctl. */
static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* strcmp() of two lines, each ending at a '\n' or a NUL: line_cmp() of them once split. */
static int line_order(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = *a == '\n' ? 0 : (unsigned char) *a, y = *b == '\n' ? 0 : (unsigned char) *b;
		if (x != y || x == 0)
			return (x > y) - (x < y);
	}
}

/* Are b's lines, each ending in '\n', already in line_cmp() order (as one journal file gives them)? */
static bool lines_in_order(const struct buf *b)
{
	const char *prev = NULL;

	if (!b->data || b->len == 0 || b->data[b->len - 1] != '\n')
		return false;
	for (const char *c = b->data; *c;) {
		if (prev && line_order(prev, c) > 0)
			return false;
		prev = c;
		c = strchr(c, '\n') + 1;	/* every line ends in one */
	}
	return true;
}

/* The journal files of one /var/log/journal/MACHINE-ID directory through sdj_read(), into b. */
static int journal_dir(struct run *run, const char *dir, long long since, struct buf *b, struct sdj_stats *sum,
		       size_t *files, char ***bad)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = target_list_dir(run->target, dir, &names);

	if (r == -ENOMEM)
		return r;
	for (size_t i = 0; r >= 0 && names && names[i] && *files < JOURNAL_FILES_MAX; i++) {
		size_t nl = strlen(names[i]);
		if (nl < 8 || strcmp(names[i] + nl - 8, ".journal") != 0)
			continue;	/* "~" files are being written or were left broken */
		_cleanup_free_ char *p = path_join(dir, names[i]);
		if (!p)
			return -ENOMEM;
		_cleanup_close_ int fd = target_open(run->target, p, O_RDONLY | O_NONBLOCK | O_NOCTTY, TR_ROOT_SYMLINKS_ONLY);
		struct sdj_stats st;
		r = fd < 0 ? fd : sdj_read(fd, since > 0 ? (unsigned long long) since * 1000000ULL : 0, LOG_JOURNAL_LINES, b, &st);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			r = note(bad, p, r == -EPROTONOSUPPORT ? "a layout this reader does not know"
					 : r == -EBADMSG ? "not a journal file, or a broken one" : strerror(-r));
			continue;
		}
		(*files)++;
		sum->entries += st.entries;
		sum->kept += st.kept;
		sum->compressed += st.compressed;
	}
	return r < 0 ? r : 0;
}

/*
 * The journal without journalctl (it cannot run here: why): every
 * .journal file under /var/log/journal/MACHINE-ID, read by sshfix's own reader of the
 * file format (src/sdjournal.h), the lines of all files in time order.
 */
static int read_journal_files(struct run *run, struct logs *l, unsigned ver, long long now, const char *why)
{
	_cleanup_strv_free_ char **dirs = NULL, **bad = NULL;
	struct sdj_stats sum = {0};
	struct buf b = {0};
	size_t files = 0;
	int r = target_list_dir(run->target, "/var/log/journal", &dirs);

	if (r == -ENOMEM)
		return r;
	for (size_t i = 0; r >= 0 && dirs && dirs[i]; i++) {
		_cleanup_free_ char *d = path_join("/var/log/journal", dirs[i]);
		struct stat st;
		if (!d)
			return -ENOMEM;
		if (target_lstat(run->target, d, &st) == 0 && S_ISDIR(st.st_mode))
			r = journal_dir(run, d, run->opt.since, &b, &sum, &files, &bad);
	}
	if (r < 0 || !buf_ok(&b)) {
		buf_done(&b);
		return r < 0 ? r : -ENOMEM;
	}
	for (size_t i = 0; bad && bad[i] && r >= 0; i++)
		r = note(&l->not_read, "a journal file", bad[i]);
	/* lines of several files: in time order (the UTC stamps sort as text); one file's already are */
	struct buf sorted = {0};
	if (r >= 0 && lines_in_order(&b)) {
		sorted = b;	/* what sorting would give: no second copy of them all */
		b = (struct buf) {0};
	}
	_cleanup_free_ char **v = NULL;
	size_t n = 0;
	for (char *c = b.data; r >= 0 && c && *c;) {
		char *nl = strchr(c, '\n');
		char **nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			r = -ENOMEM;
			break;
		}
		v = nv;
		v[n++] = c;
		if (!nl)
			break;
		*nl = '\0';
		c = nl + 1;
	}
	if (r >= 0 && n)
		qsort(v, n, sizeof(*v), line_cmp);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		buf_puts(&sorted, v[i]);
		buf_putc(&sorted, '\n');
	}
	buf_done(&b);
	if (r >= 0 && !buf_ok(&sorted))
		r = -ENOMEM;
	char what[224];
	snprintf(what, sizeof(what), "sshfix's own reader of the journal file format, because the target's journalctl "
		 "cannot run here (%s): %zu file%s, %zu entries looked at, %zu kept%s", why, files, files == 1 ? "" : "s",
		 sum.entries, sum.kept,
		 sum.compressed ? ", some left out: their message is compressed" : "");
	if (r >= 0 && files)
		r = note(&l->read, "the journal in /var/log/journal", what);
	if (r >= 0 && !files)
		r = note(&l->not_read, "the journal in /var/log/journal: the target's journalctl cannot run here, and no "
				       "journal file could be read", why);
	if (r >= 0 && sorted.len)
		r = logs_add_text(l, "the journal", sorted.data, sorted.len, ver, true, run->opt.since, now);
	buf_done(&sorted);
	return r;
}

static int read_journal(struct run *run, struct logs *l, unsigned ver, long long now)
{
	static const char lines[] = "4000";
	char since[32] = "--since=@0";
	if (run->opt.since > 0)
		snprintf(since, sizeof(since), "--since=@%lld", run->opt.since);
	const char *const argv[] = { "/usr/bin/journalctl", "-D", "/var/log/journal", "-o", "short-iso", "--no-pager",
				     "-q", "-n", lines, since, "_COMM=sshd", "+", "_COMM=sshd-session", "+", "_COMM=sshd-auth",
				     "+", "_COMM=fail2ban-server", "+", "_TRANSPORT=kernel", NULL };
	const struct sandbox_opts opts = { .timeout_sec = 20, .read_only = true };
	struct sandbox_result res = {0};
	const char *why = NULL;
	struct stat st;
	int r;

	if (target_stat(run->target, "/var/log/journal", &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	r = sandbox_run(run->target, argv, &opts, &res, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return read_journal_files(run, l, ver, now, why ? why : strerror(-r));
	if (res.exit_status != 0 || res.timed_out) {
		_cleanup_free_ char *last = last_line(res.output), *shown = last ? escape_display_trunc(last, 120) : NULL;
		sandbox_result_done(&res);
		return note(&l->not_read, "the journal in /var/log/journal: the target's journalctl failed", shown ? shown : "?");
	}
	r = note(&l->read, "the journal in /var/log/journal", "the target's own journalctl, its last 4000 lines");
	if (r >= 0)
		r = logs_add_text(l, "the journal", res.output, res.output_len, ver, true, run->opt.since, now);
	sandbox_result_done(&res);
	return r;
}

int logs_get(struct run *run, const struct logs **ret)
{
	if (!run->model.logs) {
		struct logs *l = calloc(1, sizeof(*l));
		const struct target_facts *f = &run->target->facts;
		unsigned ver = f->sshd_major > 0 ? (unsigned) (f->sshd_major * 100 + f->sshd_minor) : 0;
		int r;
		if (!l)
			return -ENOMEM;
		long long now = clock_now();
		if ((r = read_files(run, l, ver, now)) < 0 || (r = read_journal(run, l, ver, now)) < 0) {
			logs_free(l);
			return r;
		}
		run->model.logs = l;
	}
	*ret = run->model.logs;
	return 0;
}
