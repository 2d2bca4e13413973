/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small XML reader for configuration files such as firewalld's zones:
 * start and end tags with their attributes (entities decoded: the five
 * named ones and numeric ASCII ones), text, comments, <?...?> and
 * <!...> declarations skipped.  No DTD, no external entity, no namespace:
 * what a file could ask a full parser to fetch is never fetched.  A NUL
 * byte, an unterminated tag, comment or value, a name or value longer
 * than the fixed buffers, or an '&' that is no entity is an error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct xml {
	const char *p, *end;	/* set by the caller: the text */
	unsigned line;		/* set by the caller to 1 */
	/* the tag just read */
	char name[32];
	unsigned el_line;
	bool empty;		/* <name .../> */
	size_t n_attr;
	char attr_name[8][24];
	char attr_val[8][256];
	const char *why;	/* on -EBADMSG: what is wrong (static) */
};

enum { XML_DONE, XML_START, XML_END };

/* The next tag: XML_START (x->name, the attributes, x->empty), XML_END (x->name), XML_DONE, or -EBADMSG. */
int xml_next(struct xml *x);

/* The value of attribute name of the tag just read, or NULL. */
const char *xml_attr(const struct xml *x, const char *name);
