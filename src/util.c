/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

void buf_done(struct buf *b)
{
	free(b->data);
	*b = (struct buf) {0};
}

static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return -ENOMEM;
	if (extra > SIZE_MAX - b->len - 1)
		goto oom;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		goto oom;
	b->data = p;
	b->cap = cap;
	return 0;
oom:
	b->oom = true;
	return -ENOMEM;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	int r = buf_reserve(b, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n, r;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -EINVAL;
	r = buf_reserve(b, (size_t) n);
	if (r < 0)
		return r;
	vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
	b->len += (size_t) n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

char *buf_steal(struct buf *b)
{
	char *s;

	if (b->oom) {
		buf_done(b);
		return NULL;
	}
	s = b->data ? b->data : strdup("");
	*b = (struct buf) {0};
	return s;
}

int read_all(int fd, size_t max, char **ret_data, size_t *ret_len)
{
	return read_all_hint(fd, max, 0, ret_data, ret_len);
}

int read_all_hint(int fd, size_t max, size_t hint, char **ret_data, size_t *ret_len)
{
	struct buf b = {0};
	char chunk[65536];

	/* A known size avoids the doubling growth (and its peak memory), and
	 * is read straight into the buffer, asking one byte more: a read that
	 * returns exactly the size fstat() gave came short, which a regular
	 * file does only at its end, so no read that returns 0 is needed.  (A
	 * /sys file's size is a guess: its short read is not that size.) */
	if (hint > 0 && hint < max) {
		if (buf_reserve(&b, hint + 1) < 0)
			return -ENOMEM;
		ssize_t n = RETRY_EINTR(read(fd, b.data, hint + 1));
		if (n < 0) {
			int r = negative_errno();
			buf_done(&b);
			return r;
		}
		b.len = (size_t) n;
		b.data[b.len] = '\0';
		if (b.len == hint)
			goto done;
	}
	for (;;) {
		ssize_t n = RETRY_EINTR(read(fd, chunk, sizeof(chunk)));

		if (n < 0) {
			int r = negative_errno();
			buf_done(&b);
			return r;
		}
		if (n == 0)
			break;
		if (b.len + (size_t) n > max) {
			buf_done(&b);
			return -EFBIG;
		}
		if (buf_append(&b, chunk, (size_t) n) < 0) {
			buf_done(&b);
			return -ENOMEM;
		}
	}
done:
	if (ret_len)
		*ret_len = b.len;
	*ret_data = buf_steal(&b);
	return *ret_data ? 0 : -ENOMEM;
}

int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t k = RETRY_EINTR(write(fd, c, n));

		if (k < 0)
			return negative_errno();
		if (k == 0)
			return -EIO;
		c += k;
		n -= (size_t) k;
	}
	return 0;
}

void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

int strv_push(char ***v, char *s)
{
	size_t n = strv_length(*v);
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (n + 2) * sizeof(char *));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

int strv_ensure(char ***v)
{
	if (!*v && !(*v = calloc(1, sizeof(char *))))
		return -ENOMEM;
	return 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

void strv_sort(char **v)
{
	if (!v)
		return;
	qsort(v, strv_length(v), sizeof(char *), cmp_strp);
}

char *strv_join(char *const *v, const char *sep)
{
	struct buf b = {0};

	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			buf_puts(&b, sep);
		buf_puts(&b, v[i]);
	}
	return buf_ok(&b) ? buf_steal(&b) : (buf_done(&b), NULL);
}

int strv_copy(char ***ret, char *const *v)
{
	_cleanup_strv_free_ char **n = NULL;

	for (size_t i = 0; v && v[i]; i++)
		if (strv_push(&n, strdup(v[i])) < 0)
			return -ENOMEM;
	if (strv_ensure(&n) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(n);
	return 0;
}

bool streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *strdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *s;

	while (la > 0 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	/* not asprintf(): joined for every path of every user, where printf's cost shows */
	size_t lb = strlen(b);
	s = malloc(la + 1 + lb + 1);
	if (!s)
		return NULL;
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

char *glob_escape(const char *s)
{
	struct buf b = {0};

	for (const char *p = s; *p; p++) {
		if (strchr("\\*?[", *p))
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	if (b.len == 0)
		buf_puts(&b, "");
	if (!buf_ok(&b)) {
		buf_done(&b);
		return NULL;
	}
	return buf_steal(&b);
}

char *path_simplify(const char *path)
{
	struct buf b = {0};
	const char *p = path;

	while (*p) {
		const char *e;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchrnul(p, '/');
		n = (size_t) (e - p);
		if (!(n == 1 && p[0] == '.')) {
			buf_putc(&b, '/');
			buf_append(&b, p, n);
		}
		p = e;
	}
	if (b.len == 0)
		buf_putc(&b, '/');
	return buf_steal(&b);
}

char *path_lexical(const char *dir, const char *text)
{
	_cleanup_free_ char *joined = text[0] == '/' ? strdup(text) : path_join(dir, text);
	struct buf b = {0};

	if (!joined)
		return NULL;
	for (const char *p = joined; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchrnul(p, '/');
		size_t n = (size_t) (e - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = b.data ? strrchr(b.data, '/') : NULL;
			if (slash) {
				b.len = (size_t) (slash - b.data);
				b.data[b.len] = '\0';
			}
		} else if (!(n == 1 && p[0] == '.')) {
			buf_putc(&b, '/');
			buf_append(&b, p, n);
		}
		p = e;
	}
	if (b.len == 0)
		buf_putc(&b, '/');
	if (!buf_ok(&b)) {
		buf_done(&b);
		return NULL;
	}
	return buf_steal(&b);
}

char *path_parent(const char *path)
{
	_cleanup_free_ char *s = path_simplify(path);
	char *slash;

	if (!s)
		return NULL;
	slash = strrchr(s, '/');
	if (slash == s)
		return strdup("/");
	*slash = '\0';
	return TAKE_PTR(s);
}

const char *path_last(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

bool path_is_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

size_t utf8_char_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t len;
	unsigned cp;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		len = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		len = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void escape_into(struct buf *b, const char *s, size_t n, bool text)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char) s[i];
		size_t l = utf8_char_len(s + i, n - i);

		if (text && (c == '\n' || c == '\t')) {
			buf_putc(b, (char) c);
			i++;
			continue;
		}
		/* C0 and C1 controls (0x9b is CSI on some terminals) and bytes
		 * that are not UTF-8 are shown as \xNN; real characters pass. */
		if (c < 0x20 || c == 0x7f || (!text && c == '\\') || l == 0 ||
		    (l == 2 && c == 0xc2 && (unsigned char) s[i + 1] < 0xa0)) {
			for (size_t k = 0; k < (l ? l : 1); k++)
				buf_printf(b, "\\x%02x", (unsigned char) s[i + k]);
			i += l ? l : 1;
		} else {
			buf_append(b, s + i, l);
			i += l;
		}
	}
}

char *escape_display(const char *s)
{
	struct buf b = {0};

	escape_into(&b, s, strlen(s), false);
	if (b.len == 0)
		buf_puts(&b, "");
	return buf_steal(&b);
}

char *escape_display_trunc(const char *s, size_t max)
{
	struct buf b = {0};
	size_t n = strlen(s);

	escape_into(&b, s, n > max ? max : n, false);
	if (n > max)
		buf_puts(&b, "...");
	if (b.len == 0)
		buf_puts(&b, "");
	return buf_steal(&b);
}

char *strdup_trunc(const char *s, size_t max)
{
	char *r;

	if (strlen(s) <= max)
		return strdup(s);
	if (asprintf(&r, "%.*s...", (int) max, s) < 0)
		return NULL;
	return r;
}

void escape_text(struct buf *b, const char *s, size_t n)
{
	escape_into(b, s, n, true);
}

char *escape_record(const void *p, size_t n)
{
	const unsigned char *c = p;
	struct buf b = {0};

	for (size_t i = 0; i < n; i++) {
		if (c[i] <= 0x20 || c[i] >= 0x7f || c[i] == '%')
			buf_printf(&b, "%%%02X", c[i]);
		else
			buf_putc(&b, (char) c[i]);
	}
	if (b.len == 0)
		buf_puts(&b, "");
	return buf_steal(&b);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t unescape_record(const char *s, char **ret)
{
	struct buf b = {0};

	for (const char *p = s; *p; p++) {
		if (*p == '%') {
			int hi = hexval(p[1]), lo = hi >= 0 ? hexval(p[2]) : -1;

			if (hi < 0 || lo < 0) {
				buf_done(&b);
				return -EINVAL;
			}
			buf_putc(&b, (char) (hi * 16 + lo));
			p += 2;
		} else
			buf_putc(&b, *p);
	}
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	if (b.len == 0)
		buf_puts(&b, "");
	size_t n = b.len;
	*ret = buf_steal(&b);
	return *ret ? (ssize_t) n : -ENOMEM;
}

int parse_uint(const char *s, int base, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v;
	char *end;

	/* strtoull() would skip leading white space and accept a sign. */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE || v > max)
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

const char *mode_str(mode_t mode, char out[static 8])
{
	snprintf(out, 8, "%04o", (unsigned) (mode & 07777));
	return out;
}

char *last_line(const char *out)
{
	const char *end = out + strlen(out), *start;

	while (end > out && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > out && start[-1] != '\n')
		start--;
	return strndup(start, (size_t) (end - start));
}


bool text_next_line(struct text_lines *it, const char **ret, size_t *ret_n)
{
	if (!it->text || it->off >= it->len)
		return false;
	const char *l = it->text + it->off, *nl = memchr(l, '\n', it->len - it->off);
	size_t n = nl ? (size_t) (nl - l) : it->len - it->off;
	it->off += n + (nl ? 1 : 0);
	it->lineno++;
	const char *nul = memchr(l, '\0', n);
	if (nul)
		n = (size_t) (nul - l);
	if (n > 0 && l[n - 1] == '\r')
		n--;
	*ret = l;
	*ret_n = n;
	return true;
}

long long clock_now(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	unsigned long long v;

	if (e && parse_uint(e, 10, 1ull << 40, &v) == 0)
		return (long long) v;
	return (long long) time(NULL);
}

void text_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}
