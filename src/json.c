/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "json.h"

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
		} else if ((l = utf8_char_len(s + i, n - i)) == 0) {
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
