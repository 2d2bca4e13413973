/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small XML reader (src/xml.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util.h"
#include "xml.h"

static bool xml_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.' || c == ':';
}

static void xml_skip_space(struct xml *x)
{
	while (x->p < x->end && strchr(" \t\r\n", *x->p) && *x->p) {
		if (*x->p == '\n')
			x->line++;
		x->p++;
	}
}

/* Skip to just past the string s; false when it never comes. */
static bool xml_skip_past(struct xml *x, const char *s)
{
	size_t n = strlen(s);
	while (x->p + n <= x->end) {
		if (memcmp(x->p, s, n) == 0) {
			x->p += n;
			return true;
		}
		if (*x->p == '\n')
			x->line++;
		x->p++;
	}
	return false;
}

static int xml_name(struct xml *x, char *out, size_t size)
{
	size_t n = 0;
	while (x->p < x->end && xml_name_char(*x->p)) {
		if (n + 1 >= size)
			return x->why = "a name that is too long", -EBADMSG;
		out[n++] = *x->p++;
	}
	out[n] = '\0';
	return n ? 0 : (x->why = "a malformed tag", -EBADMSG);
}

/* An attribute value, entities decoded (the five named ones and numeric ASCII ones). */
static int xml_value(struct xml *x, char *out, size_t size)
{
	char q;
	size_t n = 0;

	if (x->p >= x->end || (*x->p != '"' && *x->p != '\''))
		return x->why = "an attribute value without quotes", -EBADMSG;
	q = *x->p++;
	while (x->p < x->end && *x->p != q) {
		char c = *x->p;
		if (c == '<')
			return x->why = "a '<' in an attribute value", -EBADMSG;
		if (c == '&') {
			static const struct {
				const char *ent;
				char c;
			} ents[] = { { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' } };
			size_t k;
			for (k = 0; k < ELEMENTSOF(ents); k++)
				if ((size_t) (x->end - x->p) >= strlen(ents[k].ent) &&
				    memcmp(x->p, ents[k].ent, strlen(ents[k].ent)) == 0)
					break;
			if (k < ELEMENTSOF(ents)) {
				c = ents[k].c;
				x->p += strlen(ents[k].ent) - 1;
			} else if (x->end - x->p > 3 && x->p[1] == '#') {
				const char *semi = memchr(x->p, ';', (size_t) (x->end - x->p) < 10 ? (size_t) (x->end - x->p) : 10);
				char num[10];
				unsigned long long v;
				bool hex = x->p[2] == 'x';
				if (!semi || (size_t) (semi - x->p) - 2 - hex >= sizeof(num))
					return x->why = "a character reference it cannot read", -EBADMSG;
				memcpy(num, x->p + 2 + hex, (size_t) (semi - x->p) - 2 - hex);
				num[(size_t) (semi - x->p) - 2 - hex] = '\0';
				if (parse_uint(num, hex ? 16 : 10, 126, &v) < 0 || v < 32)
					return x->why = "a character reference it cannot read", -EBADMSG;
				c = (char) v;
				x->p = semi;
			} else
				return x->why = "an '&' that is no entity", -EBADMSG;
		} else if (c == '\n')
			x->line++;
		if (n + 1 >= size)
			return x->why = "an attribute value that is too long", -EBADMSG;
		out[n++] = c;
		x->p++;
	}
	if (x->p >= x->end)
		return x->why = "an attribute value that does not end", -EBADMSG;
	x->p++;
	out[n] = '\0';
	return 0;
}

/* The next tag: XML_START (x->name, attributes, x->empty), XML_END (x->name), XML_DONE, or -EBADMSG. */
int xml_next(struct xml *x)
{
	int r;

	for (;;) {
		const char *lt = x->p;
		while (lt < x->end && *lt != '<') {
			if (*lt == '\0')
				return x->why = "a NUL byte", -EBADMSG;
			if (*lt == '\n')
				x->line++;
			lt++;
		}
		x->p = lt;
		if (x->p >= x->end)
			return XML_DONE;
		if (x->end - x->p >= 4 && memcmp(x->p, "<!--", 4) == 0) {
			if (!xml_skip_past(x, "-->"))
				return x->why = "a comment that does not end", -EBADMSG;
			continue;
		}
		if (x->end - x->p >= 2 && (x->p[1] == '?' || x->p[1] == '!')) {
			/* <?xml ...?>, <!DOCTYPE ...>: nothing firewalld reads */
			if (!xml_skip_past(x, ">"))
				return x->why = "a declaration that does not end", -EBADMSG;
			continue;
		}
		break;
	}
	x->p++;
	x->el_line = x->line;
	if (x->p < x->end && *x->p == '/') {
		x->p++;
		if ((r = xml_name(x, x->name, sizeof(x->name))) < 0)
			return r;
		xml_skip_space(x);
		if (x->p >= x->end || *x->p != '>')
			return x->why = "a malformed closing tag", -EBADMSG;
		x->p++;
		return XML_END;
	}
	if ((r = xml_name(x, x->name, sizeof(x->name))) < 0)
		return r;
	x->n_attr = 0;
	x->empty = false;
	for (;;) {
		xml_skip_space(x);
		if (x->p >= x->end)
			return x->why = "a tag that does not end", -EBADMSG;
		if (*x->p == '>') {
			x->p++;
			return XML_START;
		}
		if (*x->p == '/' && x->end - x->p >= 2 && x->p[1] == '>') {
			x->p += 2;
			x->empty = true;
			return XML_START;
		}
		if (x->n_attr >= ELEMENTSOF(x->attr_name))
			return x->why = "too many attributes", -EBADMSG;
		if ((r = xml_name(x, x->attr_name[x->n_attr], sizeof(x->attr_name[0]))) < 0)
			return r;
		xml_skip_space(x);
		if (x->p >= x->end || *x->p != '=')
			return x->why = "an attribute without a value", -EBADMSG;
		x->p++;
		xml_skip_space(x);
		if ((r = xml_value(x, x->attr_val[x->n_attr], sizeof(x->attr_val[0]))) < 0)
			return r;
		x->n_attr++;
	}
}

const char *xml_attr(const struct xml *x, const char *name)
{
	for (size_t i = 0; i < x->n_attr; i++)
		if (streq(x->attr_name[i], name))
			return x->attr_val[i];
	return NULL;
}
