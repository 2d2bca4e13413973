/* SPDX-License-Identifier: GPL-2.0-or-later */
/* file_contexts regular expressions (src/fcre.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fcre.h"
#include "macro.h"
#include "util.h"

#define PROG_MAX 4096		/* instructions */
#define REPEAT_MAX 255		/* {n,m} bounds */
#define CLASSES_MAX 256

enum op {
	OP_BYTE,	/* arg: the byte */
	OP_ANY,		/* any byte (PCRE2_DOTALL) */
	OP_CLASS,	/* arg: the class */
	OP_SPLIT,	/* try pc + 1 first, then pc + arg */
	OP_JMP,		/* pc + arg */
	OP_BOL,
	OP_EOL,		/* the end, or before a newline that ends the string */
	OP_MATCH,	/* found, wherever it ends */
};

struct insn {
	uint8_t op;
	int16_t arg;
};

struct fcre {
	struct insn *prog;
	size_t n;
	uint8_t (*classes)[32];
	size_t n_classes;
};

struct compiler {
	const char *p;
	struct insn prog[PROG_MAX];
	size_t n;
	uint8_t classes[CLASSES_MAX][32];
	size_t n_classes;
	int err;
	unsigned depth;
};

static void emit(struct compiler *c, enum op op, int arg)
{
	if (c->n >= PROG_MAX) {
		c->err = -E2BIG;
		return;
	}
	c->prog[c->n++] = (struct insn) { (uint8_t) op, (int16_t) arg };
}

/* Make room for one instruction at 'at', moving what follows (relative jumps stay valid inside the moved block). */
static void insert(struct compiler *c, size_t at, enum op op, int arg)
{
	if (c->n >= PROG_MAX) {
		c->err = -E2BIG;
		return;
	}
	memmove(&c->prog[at + 1], &c->prog[at], (c->n - at) * sizeof(c->prog[0]));
	c->prog[at] = (struct insn) { (uint8_t) op, (int16_t) arg };
	c->n++;
}

static void set_bit(uint8_t *cl, unsigned b)
{
	cl[b / 8] |= (uint8_t) (1u << (b % 8));
}

static void set_range(uint8_t *cl, unsigned lo, unsigned hi)
{
	for (unsigned b = lo; b <= hi; b++)
		set_bit(cl, b);
}

/* \d \w \s (and capitals: the complement) into cl; false when e is none of them. */
static bool shorthand(char e, uint8_t *cl)
{
	uint8_t t[32] = {0};
	switch (e | 0x20) {
	case 'd':
		set_range(t, '0', '9');
		break;
	case 'w':
		set_range(t, '0', '9'), set_range(t, 'a', 'z'), set_range(t, 'A', 'Z'), set_bit(t, '_');
		break;
	case 's':
		set_range(t, '\t', '\r'), set_bit(t, ' ');
		break;
	default:
		return false;
	}
	for (int i = 0; i < 32; i++)
		cl[i] |= (e & 0x20) ? t[i] : (uint8_t) ~t[i];
	return true;
}

/* The byte an escape stands for, -1 for one PCRE2 gives another meaning (\b, \1, \Q, ...). */
static int escaped(char e)
{
	switch (e) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	case 'f':
		return '\f';
	case 'e':
		return 27;
	}
	if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9') || e == '\0')
		return -1;
	return (unsigned char) e;
}

static bool posix_class(const char *name, size_t n, uint8_t *cl)
{
	static const struct {
		const char *name;
		const char *ranges;	/* pairs */
	} names[] = {
		{ "alpha", "azAZ" }, { "digit", "09" }, { "alnum", "azAZ09" }, { "upper", "AZ" }, { "lower", "az" },
		{ "space", "\t\r  " }, { "xdigit", "09afAF" }, { "punct", "!/:@[`{~" }, { "word", "azAZ09__" },
		{ "blank", "\t\t  " }, { "print", " ~" }, { "graph", "!~" }, { "cntrl", "\x01\x1f\x7f\x7f" },
	};
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (strlen(names[i].name) == n && memcmp(names[i].name, name, n) == 0) {
			for (const char *r = names[i].ranges; *r; r += 2)
				set_range(cl, (unsigned char) r[0], (unsigned char) r[1]);
			if (streq(names[i].name, "cntrl"))
				set_bit(cl, 0);
			return true;
		}
	return false;
}

static void parse_class(struct compiler *c)
{
	uint8_t cl[32] = {0};
	bool neg = false, first = true;

	if (*c->p == '^')
		neg = true, c->p++;
	for (;;) {
		int lo;
		char ch = *c->p;
		if (ch == '\0') {
			c->err = -EINVAL;
			return;
		}
		if (ch == ']' && !first) {
			c->p++;
			break;
		}
		first = false;
		if (ch == '[' && c->p[1] == ':') {
			const char *end = strstr(c->p + 2, ":]");
			if (!end || !posix_class(c->p + 2, (size_t) (end - c->p - 2), cl)) {
				c->err = -EINVAL;
				return;
			}
			c->p = end + 2;
			continue;
		}
		if (ch == '\\') {
			if (shorthand(c->p[1], cl)) {
				c->p += 2;
				continue;
			}
			if ((lo = escaped(c->p[1])) < 0) {
				c->err = -EINVAL;
				return;
			}
			c->p += 2;
		} else {
			lo = (unsigned char) ch;
			c->p++;
		}
		if (*c->p == '-' && c->p[1] && c->p[1] != ']') {
			int hi;
			if (c->p[1] == '\\') {
				if ((hi = escaped(c->p[2])) < 0) {
					c->err = -EINVAL;
					return;
				}
				c->p += 3;
			} else if (c->p[1] == '[') {
				c->err = -EINVAL;
				return;
			} else {
				hi = (unsigned char) c->p[1];
				c->p += 2;
			}
			if (hi < lo) {
				c->err = -EINVAL;
				return;
			}
			set_range(cl, (unsigned) lo, (unsigned) hi);
		} else
			set_bit(cl, (unsigned) lo);
	}
	if (neg)
		for (int i = 0; i < 32; i++)
			cl[i] = (uint8_t) ~cl[i];
	if (c->n_classes >= CLASSES_MAX) {
		c->err = -E2BIG;
		return;
	}
	memcpy(c->classes[c->n_classes], cl, sizeof(cl));
	emit(c, OP_CLASS, (int) c->n_classes++);
}

static void parse_alt(struct compiler *c);

/* One atom; false at the end of a concatenation. */
static bool parse_atom(struct compiler *c)
{
	char ch = *c->p;
	int b;

	switch (ch) {
	case '\0':
	case '|':
	case ')':
		return false;
	case '(':
		c->p++;
		if (*c->p == '?') {
			if (c->p[1] != ':') {
				c->err = -EINVAL;	/* look-around, named groups, options */
				return false;
			}
			c->p += 2;
		}
		if (++c->depth > 64) {
			c->err = -E2BIG;
			return false;
		}
		parse_alt(c);
		c->depth--;
		if (*c->p != ')') {
			c->err = -EINVAL;
			return false;
		}
		c->p++;
		return true;
	case '[':
		c->p++;
		parse_class(c);
		return true;
	case '.':
		c->p++;
		emit(c, OP_ANY, 0);
		return true;
	case '^':
		c->p++;
		emit(c, OP_BOL, 0);
		return true;
	case '$':
		c->p++;
		emit(c, OP_EOL, 0);
		return true;
	case '*':
	case '+':
	case '?':
	case '{':
		if (ch != '{' || (c->p[1] >= '0' && c->p[1] <= '9')) {
			c->err = -EINVAL;	/* a quantifier with nothing to repeat */
			return false;
		}
		break;	/* PCRE2: a '{' that starts no quantifier is a literal */
	case '\\':
		if (c->p[1] && strchr("dDwWsS", c->p[1])) {
			uint8_t cl[32] = {0};
			shorthand(c->p[1], cl);
			if (c->n_classes >= CLASSES_MAX) {
				c->err = -E2BIG;
				return false;
			}
			memcpy(c->classes[c->n_classes], cl, sizeof(cl));
			emit(c, OP_CLASS, (int) c->n_classes++);
			c->p += 2;
			return true;
		}
		if ((b = escaped(c->p[1])) < 0) {
			c->err = -EINVAL;
			return false;
		}
		c->p += 2;
		emit(c, OP_BYTE, b);
		return true;
	}
	c->p++;
	emit(c, OP_BYTE, (unsigned char) ch);
	return true;
}

/* {n}, {n,}, {n,m} at c->p: true with the bounds (max -1: none), false when it is no quantifier. */
static bool parse_braces(struct compiler *c, int *ret_min, int *ret_max)
{
	const char *q = c->p + 1;
	long lo = 0, hi;

	if (*q < '0' || *q > '9')
		return false;
	while (*q >= '0' && *q <= '9' && lo <= REPEAT_MAX)
		lo = lo * 10 + (*q++ - '0');
	hi = lo;
	if (*q == ',') {
		q++;
		if (*q == '}')
			hi = -1;
		else {
			if (*q < '0' || *q > '9')
				return false;
			hi = 0;
			while (*q >= '0' && *q <= '9' && hi <= REPEAT_MAX)
				hi = hi * 10 + (*q++ - '0');
		}
	}
	if (*q != '}')
		return false;
	if (lo > REPEAT_MAX || hi > REPEAT_MAX || (hi >= 0 && hi < lo)) {
		c->err = -EINVAL;
		return false;
	}
	c->p = q + 1;
	*ret_min = (int) lo;
	*ret_max = (int) hi;
	return true;
}

/* Repeat the block [start, c->n) min..max times (max -1: unbounded). */
static void repeat(struct compiler *c, size_t start, int min, int max)
{
	size_t len = c->n - start;
	struct insn block[PROG_MAX];

	memcpy(block, &c->prog[start], len * sizeof(block[0]));
	c->n = start;
	for (int i = 0; i < min && !c->err; i++) {
		if (c->n + len > PROG_MAX) {
			c->err = -E2BIG;
			return;
		}
		memcpy(&c->prog[c->n], block, len * sizeof(block[0]));
		c->n += len;
	}
	if (max < 0) {
		/* L: split L1, out; L1: block; jmp L */
		size_t l = c->n;
		emit(c, OP_SPLIT, (int) len + 2);
		if (c->err || c->n + len > PROG_MAX) {
			c->err = c->err ? c->err : -E2BIG;
			return;
		}
		memcpy(&c->prog[c->n], block, len * sizeof(block[0]));
		c->n += len;
		emit(c, OP_JMP, -(int) (c->n - l));
		return;
	}
	/* (block (block ...)?)? for the optional ones */
	size_t splits[REPEAT_MAX], n_splits = 0;
	for (int i = 0; i < max - min; i++) {
		splits[n_splits++] = c->n;
		emit(c, OP_SPLIT, 0);
		if (c->err || c->n + len > PROG_MAX) {
			c->err = c->err ? c->err : -E2BIG;
			return;
		}
		memcpy(&c->prog[c->n], block, len * sizeof(block[0]));
		c->n += len;
	}
	for (size_t i = 0; i < n_splits; i++)
		c->prog[splits[i]].arg = (int16_t) (c->n - splits[i]);
}

static void parse_concat(struct compiler *c)
{
	while (!c->err) {
		size_t start = c->n;
		if (!parse_atom(c))
			return;
		for (;;) {
			int min, max;
			char q = *c->p;
			if (q == '*')
				min = 0, max = -1, c->p++;
			else if (q == '+')
				min = 1, max = -1, c->p++;
			else if (q == '?')
				min = 0, max = 1, c->p++;
			else if (q == '{' && parse_braces(c, &min, &max))
				;
			else
				break;
			if (*c->p == '+') {
				c->err = -EINVAL;	/* possessive: matches less than it reads */
				return;
			}
			if (*c->p == '?')
				c->p++;	/* lazy: the same strings match */
			if (c->n - start > PROG_MAX / 2) {
				c->err = -E2BIG;
				return;
			}
			repeat(c, start, min, max);
			if (c->err)
				return;
		}
	}
}

static void parse_alt(struct compiler *c)
{
	size_t start = c->n;

	parse_concat(c);
	while (!c->err && *c->p == '|') {
		c->p++;
		/* split L1, L2; L1: left; jmp end; L2: right */
		insert(c, start, OP_SPLIT, 0);
		size_t jmp = c->n;
		emit(c, OP_JMP, 0);
		c->prog[start].arg = (int16_t) (c->n - start);
		parse_concat(c);
		c->prog[jmp].arg = (int16_t) (c->n - jmp);
	}
}

int fcre_compile(const char *pattern, struct fcre **ret)
{
	struct compiler *c = calloc(1, sizeof(*c));
	struct fcre *re;
	int r;

	if (!c)
		return -ENOMEM;
	c->p = pattern;
	/* a search, as pcre2_match: the pattern may start anywhere */
	emit(c, OP_SPLIT, 3);
	emit(c, OP_ANY, 0);
	emit(c, OP_JMP, -2);
	parse_alt(c);
	if (!c->err && *c->p)
		c->err = -EINVAL;	/* an unbalanced ')' */
	emit(c, OP_MATCH, 0);
	if ((r = c->err) < 0) {
		free(c);
		return r;
	}
	re = calloc(1, sizeof(*re));
	if (re) {
		re->prog = malloc(c->n * sizeof(*re->prog));
		re->classes = malloc((c->n_classes ? c->n_classes : 1) * sizeof(*re->classes));
	}
	if (!re || !re->prog || !re->classes) {
		fcre_free(re);
		free(c);
		return -ENOMEM;
	}
	memcpy(re->prog, c->prog, c->n * sizeof(*re->prog));
	memcpy(re->classes, c->classes, c->n_classes * sizeof(*re->classes));
	re->n = c->n;
	re->n_classes = c->n_classes;
	free(c);
	*ret = re;
	return 0;
}

void fcre_free(struct fcre *re)
{
	if (!re)
		return;
	free(re->prog);
	free(re->classes);
	free(re);
}

int fcre_match(const struct fcre *re, const char *s, size_t n)
{
	size_t cols = n + 1, bits = re->n * cols;
	/* most matches are of short paths against short patterns: no allocation then */
	uint8_t small_seen[4096];
	struct thread {
		size_t pc, pos;
	} small_stack[64];
	uint8_t *seen = bits / 8 + 1 <= sizeof(small_seen) ? small_seen : calloc(bits / 8 + 1, 1);
	size_t cap = ELEMENTSOF(small_stack), top = 0;
	struct thread *stack = small_stack;
	int r = 0;

	if (!seen)
		return -ENOMEM;
	if (seen == small_seen)
		memset(seen, 0, bits / 8 + 1);
	stack[top].pc = 0, stack[top++].pos = 0;
	while (top > 0 && r == 0) {
		top--;
		size_t pc = stack[top].pc, pos = stack[top].pos;
		for (;;) {
			size_t bit = pc * cols + pos;
			if (seen[bit / 8] & (1u << (bit % 8)))
				break;
			seen[bit / 8] |= (uint8_t) (1u << (bit % 8));
			const struct insn *in = &re->prog[pc];
			unsigned char ch = pos < n ? (unsigned char) s[pos] : 0;
			bool go;
			switch (in->op) {
			case OP_BYTE:
				go = pos < n && ch == (unsigned char) in->arg;
				pos++;
				break;
			case OP_ANY:
				go = pos < n;
				pos++;
				break;
			case OP_CLASS:
				go = pos < n && (re->classes[in->arg][ch / 8] & (1u << (ch % 8)));
				pos++;
				break;
			case OP_BOL:
				go = pos == 0;
				break;
			case OP_EOL:
				go = pos == n || (pos + 1 == n && s[pos] == '\n');
				break;
			case OP_JMP:
				pc = (size_t) ((long) pc + in->arg);
				continue;
			case OP_SPLIT:
				if (top == cap) {
					struct thread *v = malloc(2 * cap * sizeof(*stack));
					if (!v) {
						if (seen != small_seen)
							free(seen);
						if (stack != small_stack)
							free(stack);
						return -ENOMEM;
					}
					memcpy(v, stack, top * sizeof(*stack));
					if (stack != small_stack)
						free(stack);
					stack = v;
					cap *= 2;
				}
				stack[top].pc = (size_t) ((long) pc + in->arg), stack[top++].pos = pos;
				pc++;
				continue;
			default:	/* OP_MATCH */
				r = 1;
				go = false;
			}
			if (!go)
				break;
			pc++;
		}
	}
	if (seen != small_seen)
		free(seen);
	if (stack != small_stack)
		free(stack);
	return r;
}
