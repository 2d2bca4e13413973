/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "json.h"

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	unsigned cp;

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

void json_string(struct buf *b, const char *s)
{
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char) s[i];
		size_t l;

		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char) c);
			i++;
		} else if (c == '\n') {
			buf_puts(b, "\\n"), i++;
		} else if (c == '\t') {
			buf_puts(b, "\\t"), i++;
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\u%04x", c), i++;
		} else if ((l = utf8_len((const unsigned char *) s + i, n - i)) == 0) {
			buf_puts(b, "\\ufffd"), i++;
		} else {
			buf_append(b, s + i, l);
			i += l;
		}
	}
	buf_putc(b, '"');
}

void json_key(struct buf *b, bool *first, const char *key)
{
	if (!*first)
		buf_putc(b, ',');
	*first = false;
	json_string(b, key);
	buf_putc(b, ':');
}

void json_kv_str(struct buf *b, bool *first, const char *key, const char *value)
{
	json_key(b, first, key);
	json_string(b, value);
}

void json_kv_int(struct buf *b, bool *first, const char *key, long long value)
{
	json_key(b, first, key);
	buf_printf(b, "%lld", value);
}

void json_kv_bool(struct buf *b, bool *first, const char *key, bool value)
{
	json_key(b, first, key);
	buf_puts(b, value ? "true" : "false");
}
