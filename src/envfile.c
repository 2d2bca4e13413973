/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envfile.h"
#include "util.h"

void env_assignment_done(struct env_assignment *a)
{
	free(a->value);
	*a = (struct env_assignment) {0};
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int envfile_parse(const char *text, size_t len,
		  int (*push)(void *userdata, const char *key, size_t klen, const char *value,
			      const struct env_assignment *where),
		  void *userdata)
{
	enum { PRE_KEY, KEY, PRE_VALUE, VALUE, VALUE_ESC, SQ, DQ, DQ_ESC, COMMENT, COMMENT_ESC } st = PRE_KEY;
	_cleanup_(buf_done) struct buf key = {0}, val = {0};
	size_t key_ws = SIZE_MAX, val_ws = SIZE_MAX;
	struct env_assignment where = { .first = 1 };
	unsigned line = 1;
	const char *nul = memchr(text, '\0', len);
	size_t end = nul ? (size_t) (nul - text) : len;
	int r = 0;

	for (size_t i = 0; i <= end && r == 0; i++) {
		bool eof = i == end;
		char c = eof ? '\n' : text[i];
		bool nl = c == '\n' || c == '\r';
		bool emit = false;

		/* At the end a value still open (even in quotes) is kept, as systemd does. */
		if (eof) {
			if (st == VALUE && val_ws != SIZE_MAX && val.data) {
				val.len = val_ws;
				val.data[val.len] = '\0';
			}
			if (st == PRE_VALUE || st == VALUE || st == VALUE_ESC || st == SQ || st == DQ || st == DQ_ESC)
				emit = true;
		} else
			switch (st) {
			case PRE_KEY:
				if (c == '#' || c == ';')
					st = COMMENT;
				else if (!is_ws(c)) {
					st = KEY;
					where.first = line;
					key.len = 0;
					key_ws = SIZE_MAX;
					buf_putc(&key, c);
				}
				break;
			case KEY:
				if (nl)
					st = PRE_KEY;
				else if (c == '=') {
					st = PRE_VALUE;
					buf_done(&val);
					val_ws = SIZE_MAX;
					where.expansion = false;
				} else {
					if (!is_ws(c))
						key_ws = SIZE_MAX;
					else if (key_ws == SIZE_MAX)
						key_ws = key.len;
					buf_putc(&key, c);
				}
				break;
			case PRE_VALUE:
				if (nl)
					emit = true;
				else if (c == '\'')
					st = SQ;
				else if (c == '"')
					st = DQ;
				else if (c == '\\')
					st = VALUE_ESC;
				else if (!is_ws(c)) {
					st = VALUE;
					where.expansion |= c == '$' || c == '`';
					buf_putc(&val, c);
				}
				break;
			case VALUE:
				if (nl) {
					if (val_ws != SIZE_MAX && val.data) {
						val.len = val_ws;
						val.data[val.len] = '\0';
					}
					emit = true;
				} else if (c == '\\') {
					st = VALUE_ESC;
					val_ws = SIZE_MAX;
				} else {
					if (!is_ws(c))
						val_ws = SIZE_MAX;
					else if (val_ws == SIZE_MAX)
						val_ws = val.len;
					where.expansion |= c == '$' || c == '`';
					buf_putc(&val, c);
				}
				break;
			case VALUE_ESC:
				/* An escaped newline joins the lines and is dropped. */
				st = VALUE;
				if (!nl)
					buf_putc(&val, c);
				break;
			case SQ:
				if (c == '\'')
					st = PRE_VALUE;
				else
					buf_putc(&val, c);
				break;
			case DQ:
				if (c == '"')
					st = PRE_VALUE;
				else if (c == '\\')
					st = DQ_ESC;
				else {
					where.expansion |= c == '$' || c == '`';
					buf_putc(&val, c);
				}
				break;
			case DQ_ESC:
				/* What a shell needs escaped is unescaped; any other backslash stays. */
				st = DQ;
				if (strchr("\"\\`$", c))
					buf_putc(&val, c);
				else if (c != '\n') {
					buf_putc(&val, '\\');
					buf_putc(&val, c);
				}
				break;
			case COMMENT:
				if (c == '\\')
					st = COMMENT_ESC;
				else if (nl)
					st = PRE_KEY;
				break;
			case COMMENT_ESC:
				st = COMMENT;
				break;
			}
		if (!buf_ok(&key) || !buf_ok(&val))
			return -ENOMEM;
		if (emit) {
			size_t kn = key_ws != SIZE_MAX ? key_ws : key.len;
			where.last = line;
			r = push(userdata, key.data ? key.data : "", kn, val.len ? val.data : NULL, &where);
			buf_done(&val);
			st = PRE_KEY;
		}
		if (!eof && c == '\n')
			line++;
	}
	return r;
}

struct last_ctx {
	const char *var;
	struct env_assignment *ret;
	bool found;
};

static int last_push(void *userdata, const char *key, size_t klen, const char *value, const struct env_assignment *where)
{
	struct last_ctx *c = userdata;
	char *v = NULL;

	if (klen != strlen(c->var) || strncmp(key, c->var, klen) != 0)
		return 0;
	if (value && !(v = strdup(value)))
		return -ENOMEM;
	env_assignment_done(c->ret);
	*c->ret = *where;
	c->ret->value = v;
	c->found = true;
	return 0;
}

int envfile_last(const char *text, size_t len, const char *var, struct env_assignment *ret)
{
	struct env_assignment a = {0};
	struct last_ctx c = { var, &a, false };
	int r;

	r = envfile_parse(text, len, last_push, &c);
	if (r < 0) {
		env_assignment_done(&a);
		return r;
	}
	if (!c.found)
		return 0;
	*ret = a;
	return 1;
}
