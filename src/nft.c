/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nftables rulesets and what they do to a new ssh connection (src/nft.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "nft.h"
#include "util.h"

#define NFT_INCLUDE_DEPTH 16	/* nft's MAX_INCLUDE_DEPTH */
#define NFT_JUMP_DEPTH 16
#define NFT_TOKENS_MAX 2000000

enum tok_type { T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_SEMI, T_NL, T_COMMA, T_END };

struct tok {
	enum tok_type type;
	char *s;		/* T_WORD, T_STRING */
	unsigned file, line;
};

struct nft_rule {
	size_t first, n;	/* its tokens */
	unsigned file, line;
};

struct nft_chain {
	char *name;
	char *hook, *type;	/* base chains */
	bool policy_drop;
	unsigned policy_file, policy_line;
	unsigned file, line;	/* where it was declared */
	/* the place for a first rule: after line hdr_line of hdr_file; 0 when none */
	unsigned hdr_file, hdr_line;
	bool block;		/* declared by a block ("chain x { ... }"), not "add chain" */
	bool one_line;		/* its header shares a line with a rule or the closing brace */
	struct nft_rule *rules;
	size_t n_rules;
};

struct nft_set {
	char *name;
	char **keys;		/* elements (first word), in order */
	char **values;		/* maps: the verdict of each key ("accept", "jump x"), else NULL */
	size_t n;
};

struct nft_table {
	char *family, *name;
	struct nft_chain *chains;
	size_t n_chains;
	struct nft_set *sets;
	size_t n_sets;
};

struct file_text {
	char *path, *data;
	size_t len;
};

struct nft_ruleset {
	struct tok *toks;
	size_t n_toks;
	struct file_text *files;
	size_t n_files;
	char **paths;		/* NULL-terminated copy of the file names */
	struct nft_table *tables;
	size_t n_tables;
};

static void table_clear(struct nft_table *t)
{
	for (size_t c = 0; c < t->n_chains; c++) {
		free(t->chains[c].name);
		free(t->chains[c].hook);
		free(t->chains[c].type);
		free(t->chains[c].rules);
	}
	free(t->chains);
	for (size_t s = 0; s < t->n_sets; s++) {
		free(t->sets[s].name);
		strv_free(t->sets[s].keys);
		for (size_t k = 0; k < t->sets[s].n && t->sets[s].values; k++)
			free(t->sets[s].values[k]);
		free(t->sets[s].values);
	}
	free(t->sets);
	free(t->family);
	free(t->name);
	*t = (struct nft_table) {0};
}

void nft_ruleset_free(struct nft_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n_toks; i++)
		free(rs->toks[i].s);
	free(rs->toks);
	for (size_t i = 0; i < rs->n_files; i++) {
		free(rs->files[i].path);
		free(rs->files[i].data);
	}
	free(rs->files);
	strv_free(rs->paths);
	for (size_t i = 0; i < rs->n_tables; i++)
		table_clear(&rs->tables[i]);
	free(rs->tables);
	free(rs);
}

char *const *nft_files(const struct nft_ruleset *rs)
{
	return rs->paths;
}

/* ---- tokens ---- */

struct lexer {
	const struct fw_reader *rd;
	struct nft_ruleset *rs;
	char *stack[NFT_INCLUDE_DEPTH + 2];
	unsigned depth;
	char *why;
};

static int fail(struct lexer *lx, const char *fmt, ...) _printf_(2, 3);
static int fail(struct lexer *lx, const char *fmt, ...)
{
	va_list ap;

	if (!lx->why) {
		va_start(ap, fmt);
		if (vasprintf(&lx->why, fmt, ap) < 0)
			lx->why = NULL;
		va_end(ap);
	}
	return -EBADMSG;
}

static int push_tok(struct nft_ruleset *rs, enum tok_type type, const char *s, size_t n, unsigned file, unsigned line)
{
	if (rs->n_toks >= NFT_TOKENS_MAX)
		return -E2BIG;
	if (rs->n_toks % 256 == 0) {
		struct tok *v = realloc(rs->toks, (rs->n_toks + 256) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		rs->toks = v;
	}
	struct tok *t = &rs->toks[rs->n_toks];
	*t = (struct tok) { type, NULL, file, line };
	if (s && !(t->s = strndup(s, n)))
		return -ENOMEM;
	rs->n_toks++;
	return 0;
}

static int lex_file(struct lexer *lx, const char *path);

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int do_include(struct lexer *lx, const char *name, unsigned file, unsigned line)
{
	_cleanup_free_ char *path = name[0] == '/' ? strdup(name) : path_join("/etc", name);
	int r;

	if (!path)
		return -ENOMEM;
	if (!has_glob(path))
		return lex_file(lx, path);
	_cleanup_strv_free_ char **v = NULL;
	r = lx->rd->glob(lx->rd->userdata, path, &v);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return fail(lx, "%s line %u: include \"%s\": %s", lx->rs->files[file].path, line, name, strerror(-r));
	for (size_t i = 0; v && v[i]; i++)
		if ((r = lex_file(lx, v[i])) < 0)
			return r;
	return 0;
}

static int lex_file(struct lexer *lx, const char *path)
{
	struct nft_ruleset *rs = lx->rs;
	char *data = NULL;
	size_t len = 0;
	int r;

	for (unsigned i = 0; i < lx->depth; i++)
		if (streq(lx->stack[i], path))
			return fail(lx, "include loop: %s includes itself (through %s); nft -f refuses the whole ruleset",
				    path, lx->stack[lx->depth - 1]);
	if (lx->depth > NFT_INCLUDE_DEPTH)
		return fail(lx, "includes nested more than %d deep at %s; nft -f refuses the whole ruleset",
			    NFT_INCLUDE_DEPTH, path);
	r = lx->rd->read(lx->rd->userdata, path, &data, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (lx->depth == 0)
			return r;
		if (r == -EPERM)
			return fail(lx, "included file %s was not read: a user can change it, or it holds secrets", path);
		return fail(lx, "included file %s: %s; nft -f refuses the whole ruleset", path,
			    r == -EFBIG ? "larger than 16 MiB" : strerror(-r));
	}
	if (memchr(data, '\0', len)) {
		free(data);
		return fail(lx, "%s holds a NUL byte: it is no nftables file", path);
	}
	struct file_text *fv = realloc(rs->files, (rs->n_files + 1) * sizeof(*fv));
	if (!fv) {
		free(data);
		return -ENOMEM;
	}
	rs->files = fv;
	unsigned fi = (unsigned) rs->n_files;
	fv[fi] = (struct file_text) { strdup(path), data, len };
	rs->n_files++;
	if (!fv[fi].path || strv_push(&rs->paths, strdup(path)) < 0)
		return -ENOMEM;
	lx->stack[lx->depth++] = rs->files[fi].path;

	unsigned line = 1;
	bool include_next = false;
	for (size_t i = 0; i < len;) {
		char c = data[i];
		if (c == '\\' && i + 1 < len && data[i + 1] == '\n') {
			i += 2;
			line++;
			continue;
		}
		if (c == '\n') {
			if ((r = push_tok(rs, T_NL, NULL, 0, fi, line)) < 0)
				return r;
			line++, i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (c == '#') {
			while (i < len && data[i] != '\n')
				i++;
			continue;
		}
		enum tok_type single = c == '{' ? T_LBRACE : c == '}' ? T_RBRACE : c == ';' ? T_SEMI : c == ',' ? T_COMMA : T_END;
		if (single != T_END) {
			if ((r = push_tok(rs, single, NULL, 0, fi, line)) < 0)
				return r;
			i++;
			continue;
		}
		if (c == '"') {
			size_t s = ++i;
			while (i < len && data[i] != '"' && data[i] != '\n')
				i++;
			if (i >= len || data[i] != '"')
				return fail(lx, "%s line %u: a quote is not closed", path, line);
			if (include_next) {
				_cleanup_free_ char *name = strndup(data + s, i - s);
				include_next = false;
				i++;
				/* the include statement's tokens go: drop "include" */
				free(rs->toks[rs->n_toks - 1].s);
				rs->n_toks--;
				if (!name)
					return -ENOMEM;
				if ((r = do_include(lx, name, fi, line)) < 0)
					return r;
				continue;
			}
			if ((r = push_tok(rs, T_STRING, data + s, i - s, fi, line)) < 0)
				return r;
			i++;
			continue;
		}
		size_t s = i;
		while (i < len && !strchr(" \t\r\n{};,\"#", data[i]))
			i++;
		if ((r = push_tok(rs, T_WORD, data + s, i - s, fi, line)) < 0)
			return r;
		include_next = i - s == 7 && memcmp(data + s, "include", 7) == 0;
	}
	if (include_next)
		return fail(lx, "%s line %u: include without a file name", path, line);
	if ((r = push_tok(rs, T_NL, NULL, 0, fi, line)) < 0)
		return r;
	lx->depth--;
	return 0;
}

/* ---- parser ---- */

struct parser {
	struct nft_ruleset *rs;
	size_t i;
	char *why;
};

static struct tok *peek(struct parser *ps, size_t k)
{
	static struct tok end = { T_END, NULL, 0, 0 };
	return ps->i + k < ps->rs->n_toks ? &ps->rs->toks[ps->i + k] : &end;
}

static bool is_word(const struct tok *t, const char *w)
{
	return t->type == T_WORD && streq(t->s, w);
}

static int perr(struct parser *ps, const struct tok *t, const char *what)
{
	if (!ps->why) {
		const char *file = t->type != T_END ? ps->rs->files[t->file].path : "end of file";
		if (asprintf(&ps->why, "%s line %u: %s%s%s%s", file, t->line, what, t->s ? " '" : "",
			     t->s ? t->s : "", t->s ? "'" : "") < 0)
			ps->why = NULL;
	}
	return -EBADMSG;
}

static bool is_family(const char *s)
{
	return streq(s, "ip") || streq(s, "ip6") || streq(s, "inet") || streq(s, "arp") || streq(s, "bridge") ||
	       streq(s, "netdev");
}

static struct nft_table *find_table(struct nft_ruleset *rs, const char *family, const char *name)
{
	for (size_t i = 0; i < rs->n_tables; i++)
		if (streq(rs->tables[i].family, family) && streq(rs->tables[i].name, name))
			return &rs->tables[i];
	return NULL;
}

static struct nft_table *get_table(struct nft_ruleset *rs, const char *family, const char *name)
{
	struct nft_table *t = find_table(rs, family, name);

	if (t)
		return t;
	t = realloc(rs->tables, (rs->n_tables + 1) * sizeof(*t));
	if (!t)
		return NULL;
	rs->tables = t;
	t = &t[rs->n_tables];
	*t = (struct nft_table) { .family = strdup(family), .name = strdup(name) };
	if (!t->family || !t->name) {
		free(t->family), free(t->name);
		return NULL;
	}
	rs->n_tables++;
	return t;
}

static struct nft_chain *find_chain(const struct nft_table *t, const char *name)
{
	for (size_t i = 0; i < t->n_chains; i++)
		if (streq(t->chains[i].name, name))
			return &t->chains[i];
	return NULL;
}

static struct nft_chain *get_chain(struct nft_table *t, const char *name, const struct tok *at)
{
	struct nft_chain *c = find_chain(t, name);

	if (c)
		return c;
	c = realloc(t->chains, (t->n_chains + 1) * sizeof(*c));
	if (!c)
		return NULL;
	t->chains = c;
	c = &c[t->n_chains];
	*c = (struct nft_chain) { .name = strdup(name), .file = at->file, .line = at->line };
	if (!c->name)
		return NULL;
	t->n_chains++;
	return c;
}

static struct nft_set *get_set(struct nft_table *t, const char *name)
{
	for (size_t i = 0; i < t->n_sets; i++)
		if (streq(t->sets[i].name, name))
			return &t->sets[i];
	struct nft_set *s = realloc(t->sets, (t->n_sets + 1) * sizeof(*s));
	if (!s)
		return NULL;
	t->sets = s;
	s = &s[t->n_sets];
	*s = (struct nft_set) { .name = strdup(name) };
	if (!s->name)
		return NULL;
	t->n_sets++;
	return s;
}

static void skip_nl(struct parser *ps)
{
	while (peek(ps, 0)->type == T_NL || peek(ps, 0)->type == T_SEMI)
		ps->i++;
}

/* Skip a balanced { ... } starting at the current "{". */
static int skip_block(struct parser *ps)
{
	unsigned depth = 0;

	do {
		struct tok *t = peek(ps, 0);
		if (t->type == T_END)
			return perr(ps, t, "a block is not closed");
		if (t->type == T_LBRACE)
			depth++;
		else if (t->type == T_RBRACE)
			depth--;
		ps->i++;
	} while (depth > 0);
	return 0;
}

/* The end of a statement: the next NL or ";" (or "}" of the enclosing block) at brace depth 0. */
static size_t stmt_end(struct parser *ps)
{
	unsigned depth = 0;
	size_t k = ps->i;

	for (; k < ps->rs->n_toks; k++) {
		enum tok_type ty = ps->rs->toks[k].type;
		if (ty == T_LBRACE)
			depth++;
		else if (ty == T_RBRACE) {
			if (depth == 0)
				break;
			depth--;
		} else if ((ty == T_NL || ty == T_SEMI) && depth == 0)
			break;
	}
	return k;
}

/* Elements of "{ a, b : accept, c }" starting at "{": keys and (maps) values. */
static int parse_elements(struct parser *ps, struct nft_set *s)
{
	if (peek(ps, 0)->type != T_LBRACE)
		return perr(ps, peek(ps, 0), "expected '{'");
	ps->i++;
	bool want_key = true;
	char *key = NULL;
	for (;;) {
		struct tok *t = peek(ps, 0);
		if (t->type == T_END)
			return perr(ps, t, "a set is not closed");
		ps->i++;
		if (t->type == T_RBRACE)
			break;
		if (t->type == T_COMMA) {
			want_key = true;
			continue;
		}
		if (t->type == T_NL || (t->type != T_WORD && t->type != T_STRING))
			continue;
		if (want_key) {
			size_t kl = strlen(t->s);
			bool colon = kl > 1 && t->s[kl - 1] == ':';
			key = strndup(t->s, colon ? kl - 1 : kl);
			if (!key)
				return -ENOMEM;
			char **kv = realloc(s->keys, (s->n + 2) * sizeof(char *));
			if (!kv) {
				free(key);
				return -ENOMEM;
			}
			s->keys = kv;
			char **vv = realloc(s->values, (s->n + 1) * sizeof(char *));
			if (!vv) {
				free(key);
				return -ENOMEM;
			}
			s->values = vv;
			kv[s->n] = key;
			kv[s->n + 1] = NULL;
			vv[s->n] = NULL;
			s->n++;
			want_key = false;
			if (colon)
				goto value;
			continue;
		}
		if (streq(t->s, ":")) {
value:;
			struct tok *v = peek(ps, 0), *v2 = peek(ps, 1);
			if (v->type != T_WORD)
				continue;
			ps->i++;
			if ((streq(v->s, "jump") || streq(v->s, "goto")) && v2->type == T_WORD) {
				ps->i++;
				if (asprintf(&s->values[s->n - 1], "%s %s", v->s, v2->s) < 0) {
					s->values[s->n - 1] = NULL;
					return -ENOMEM;
				}
			} else if (!(s->values[s->n - 1] = strdup(v->s)))
				return -ENOMEM;
		}
	}
	return 0;
}

static int parse_set_body(struct parser *ps, struct nft_set *s)
{
	ps->i++;	/* "{" */
	for (;;) {
		skip_nl(ps);
		struct tok *t = peek(ps, 0);
		if (t->type == T_RBRACE) {
			ps->i++;
			return 0;
		}
		if (t->type == T_END)
			return perr(ps, t, "a set is not closed");
		if (is_word(t, "elements")) {
			ps->i++;
			if (is_word(peek(ps, 0), "="))
				ps->i++;
			int r = parse_elements(ps, s);
			if (r < 0)
				return r;
			continue;
		}
		size_t e = stmt_end(ps);
		ps->i = e;
	}
}

/* A rule: its tokens from here to the end of the statement. */
static int add_rule(struct parser *ps, struct nft_chain *c, bool insert)
{
	size_t e = stmt_end(ps);
	struct tok *t = peek(ps, 0);

	if (e == ps->i)
		return 0;
	struct nft_rule *v = realloc(c->rules, (c->n_rules + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->rules = v;
	size_t pos = insert ? 0 : c->n_rules;
	memmove(&v[pos + 1], &v[pos], (c->n_rules - pos) * sizeof(*v));
	v[pos] = (struct nft_rule) { ps->i, e - ps->i, t->file, t->line };
	c->n_rules++;
	ps->i = e;
	return 0;
}

static int parse_chain_body(struct parser *ps, struct nft_chain *c)
{
	struct tok *open = peek(ps, 0);
	unsigned last_hdr_line = 0, last_hdr_file = open->file;
	bool rules_seen = false;
	int r;

	ps->i++;	/* "{" */
	c->block = true;
	for (;;) {
		skip_nl(ps);
		struct tok *t = peek(ps, 0);
		if (t->type == T_RBRACE) {
			/* "}" on the header's line: a rule put after that line would land outside the chain */
			if (c->hdr_line && t->file == c->hdr_file && t->line == c->hdr_line)
				c->one_line = true;
			if (!c->hdr_line && !rules_seen) {
				/* "chain x { }": the rule goes after the "{" line, if "}" is on another */
				c->hdr_file = open->file;
				c->hdr_line = open->line;
				c->one_line = open->line == t->line;
			}
			ps->i++;
			return 0;
		}
		if (t->type == T_END)
			return perr(ps, t, "a chain is not closed");
		if (is_word(t, "type") || is_word(t, "policy") || is_word(t, "comment") || is_word(t, "devices") ||
		    is_word(t, "device")) {
			size_t e = stmt_end(ps);
			for (size_t k = ps->i; k + 1 < e; k++) {
				const struct tok *a = &ps->rs->toks[k], *b = &ps->rs->toks[k + 1];
				/* the last one counts ("hook input hook output" in a hostile file) */
				if (is_word(a, "hook") && b->type == T_WORD && (free(c->hook), !(c->hook = strdup(b->s))))
					return -ENOMEM;
				if (is_word(a, "type") && b->type == T_WORD && (free(c->type), !(c->type = strdup(b->s))))
					return -ENOMEM;
				if (is_word(a, "policy") && b->type == T_WORD) {
					c->policy_drop = streq(b->s, "drop");
					c->policy_file = a->file;
					c->policy_line = a->line;
				}
			}
			if (rules_seen && (is_word(t, "type") || is_word(t, "policy")))
				c->one_line = true;	/* a header after a rule: no simple place */
			const struct tok *last = &ps->rs->toks[e > ps->i ? e - 1 : ps->i];
			last_hdr_line = last->line;
			last_hdr_file = last->file;
			ps->i = e;
			if (!rules_seen) {
				c->hdr_file = last_hdr_file;
				c->hdr_line = last_hdr_line;
			}
			continue;
		}
		if (!rules_seen) {
			rules_seen = true;
			if (!c->hdr_line) {
				c->hdr_file = open->file;
				c->hdr_line = open->line;
			}
			if (t->file == c->hdr_file && t->line == c->hdr_line)
				c->one_line = true;
		}
		if ((r = add_rule(ps, c, false)) < 0)
			return r;
	}
}

static int parse_table_body(struct parser *ps, struct nft_table *tb)
{
	int r;

	ps->i++;	/* "{" */
	for (;;) {
		skip_nl(ps);
		struct tok *t = peek(ps, 0), *n = peek(ps, 1);
		if (t->type == T_RBRACE) {
			ps->i++;
			return 0;
		}
		if (t->type == T_END)
			return perr(ps, t, "a table is not closed");
		if (is_word(t, "chain") && n->type == T_WORD && peek(ps, 2)->type == T_LBRACE) {
			struct nft_chain *c = get_chain(tb, n->s, t);
			if (!c)
				return -ENOMEM;
			ps->i += 2;
			if ((r = parse_chain_body(ps, c)) < 0)
				return r;
			continue;
		}
		if ((is_word(t, "set") || is_word(t, "map")) && n->type == T_WORD && peek(ps, 2)->type == T_LBRACE) {
			struct nft_set *s = get_set(tb, n->s);
			if (!s)
				return -ENOMEM;
			ps->i += 2;
			if ((r = parse_set_body(ps, s)) < 0)
				return r;
			continue;
		}
		/* flags, comment, flowtables, counters, quotas, ... */
		size_t e = stmt_end(ps);
		for (size_t k = ps->i; k < e; k++)
			if (ps->rs->toks[k].type == T_LBRACE) {
				ps->i = k;
				if ((r = skip_block(ps)) < 0)
					return r;
				e = ps->i;
				break;
			}
		ps->i = e;
	}
}

/* [family] table: the family defaults to ip. */
static int table_ref(struct parser *ps, const char **ret_family, const char **ret_name)
{
	struct tok *a = peek(ps, 0), *b = peek(ps, 1);

	if (a->type != T_WORD)
		return perr(ps, a, "expected a table name");
	if (is_family(a->s) && b->type == T_WORD) {
		*ret_family = a->s;
		*ret_name = b->s;
		ps->i += 2;
	} else {
		*ret_family = "ip";
		*ret_name = a->s;
		ps->i += 1;
	}
	return 0;
}

static void flush_all(struct nft_ruleset *rs)
{
	for (size_t i = 0; i < rs->n_tables; i++)
		table_clear(&rs->tables[i]);
	rs->n_tables = 0;
}

/* Replace $NAME tokens by the define's value (nft expands them where they stand); drop the defines. */
static int expand_defines(struct nft_ruleset *rs, char **ret_why)
{
	struct define {
		const char *name;
		size_t first, n;	/* in vals */
	} *defs = NULL;
	size_t n_defs = 0, n_out = 0, cap = 0, n_vals = 0, vcap = 0;
	struct tok *out = NULL, *vals = NULL;
	int r = 0;

#define GROW(arr, n, c, add)                                                       \
	do {                                                                       \
		if ((n) + (add) > (c)) {                                           \
			size_t nc = ((n) + (add)) * 2;                             \
			struct tok *o = realloc((arr), nc * sizeof(*o));           \
			if (!o) {                                                  \
				r = -ENOMEM;                                       \
				goto done;                                         \
			}                                                          \
			(arr) = o;                                                 \
			(c) = nc;                                                  \
		}                                                                  \
	} while (0)

	for (size_t i = 0; i < rs->n_toks; i++) {
		struct tok *t = &rs->toks[i];
		bool stmt_start = i == 0 || rs->toks[i - 1].type == T_NL || rs->toks[i - 1].type == T_SEMI ||
				  rs->toks[i - 1].type == T_LBRACE || rs->toks[i - 1].type == T_RBRACE;
		const struct define *d = NULL;
		bool defining = stmt_start && (is_word(t, "define") || is_word(t, "redefine")) && i + 2 < rs->n_toks &&
				rs->toks[i + 1].type == T_WORD && is_word(&rs->toks[i + 2], "=");
		if (stmt_start && is_word(t, "undefine") && i + 1 < rs->n_toks) {
			i++;
			continue;
		}
		if (defining) {
			size_t s = i + 3, e = s;
			unsigned depth = 0;
			for (; e < rs->n_toks; e++) {
				enum tok_type ty = rs->toks[e].type;
				if (ty == T_LBRACE)
					depth++;
				else if (ty == T_RBRACE && depth)
					depth--;
				else if ((ty == T_NL || ty == T_SEMI) && depth == 0)
					break;
			}
			struct define *v = realloc(defs, (n_defs + 1) * sizeof(*v));
			if (!v) {
				r = -ENOMEM;
				goto done;
			}
			defs = v;
			size_t first = n_vals;
			for (size_t k = s; k < e; k++) {
				struct tok *x = &rs->toks[k];
				const struct define *inner = NULL;
				if (x->type == T_WORD && x->s[0] == '$')
					for (size_t q = n_defs; q-- > 0;)
						if (streq(defs[q].name, x->s + 1)) {
							inner = &defs[q];
							break;
						}
				size_t add = inner ? inner->n : 1;
				if (n_vals + add > NFT_TOKENS_MAX) {
					r = -E2BIG;
					goto done;
				}
				GROW(vals, n_vals, vcap, add);
				for (size_t q = 0; q < add; q++) {
					const struct tok *y = inner ? &vals[inner->first + q] : x;
					vals[n_vals] = (struct tok) { y->type, NULL, x->file, x->line };
					if (y->s && !(vals[n_vals].s = strdup(y->s))) {
						r = -ENOMEM;
						goto done;
					}
					n_vals++;
				}
			}
			defs[n_defs++] = (struct define) { rs->toks[i + 1].s, first, n_vals - first };
			i = e - 1;
			continue;
		}
		if (t->type == T_WORD && t->s[0] == '$') {
			for (size_t k = n_defs; k-- > 0;)
				if (streq(defs[k].name, t->s + 1)) {
					d = &defs[k];
					break;
				}
			if (!d) {
				if (asprintf(ret_why, "%s line %u: %s is not defined; nft -f refuses the whole ruleset",
					     rs->files[t->file].path, t->line, t->s) < 0)
					*ret_why = NULL;
				r = -EBADMSG;
				goto done;
			}
		}
		size_t add = d ? d->n : 1;
		if (n_out + add > NFT_TOKENS_MAX) {
			r = -E2BIG;
			goto done;
		}
		GROW(out, n_out, cap, add);
		for (size_t k = 0; k < add; k++) {
			const struct tok *x = d ? &vals[d->first + k] : t;
			out[n_out] = (struct tok) { x->type, NULL, t->file, t->line };
			if (x->s && !(out[n_out].s = strdup(x->s))) {
				r = -ENOMEM;
				goto done;
			}
			n_out++;
		}
	}
#undef GROW
done:
	free(defs);
	for (size_t i = 0; i < n_vals; i++)
		free(vals[i].s);
	free(vals);
	if (r < 0) {
		for (size_t i = 0; i < n_out; i++)
			free(out[i].s);
		free(out);
		return r;
	}
	for (size_t i = 0; i < rs->n_toks; i++)
		free(rs->toks[i].s);
	free(rs->toks);
	rs->toks = out;
	rs->n_toks = n_out;
	return 0;
}

static int chain_ref(struct parser *ps, struct nft_table **ret_t, struct nft_chain **ret_c)
{
	const char *fam, *name;
	struct tok *at = peek(ps, 0);
	int r = table_ref(ps, &fam, &name);

	if (r < 0)
		return r;
	struct tok *cn = peek(ps, 0);
	if (cn->type != T_WORD)
		return perr(ps, cn, "expected a chain name");
	struct nft_table *t = get_table(ps->rs, fam, name);
	if (!t)
		return -ENOMEM;
	struct nft_chain *c = get_chain(t, cn->s, at);
	if (!c)
		return -ENOMEM;
	ps->i++;
	*ret_t = t;
	*ret_c = c;
	return 0;
}

static int parse_top(struct parser *ps)
{
	struct nft_ruleset *rs = ps->rs;
	int r;

	for (;;) {
		skip_nl(ps);
		struct tok *t = peek(ps, 0), *n = peek(ps, 1);
		if (t->type == T_END)
			return 0;
		if (t->type != T_WORD)
			return perr(ps, t, "unexpected");
		bool add = is_word(t, "add") || is_word(t, "create");
		if (is_word(t, "flush") && is_word(n, "ruleset")) {
			flush_all(rs);
			ps->i += 2;
			continue;
		}
		if (is_word(t, "table") || (add && is_word(n, "table"))) {
			const char *fam, *name;
			ps->i += add ? 2 : 1;
			if ((r = table_ref(ps, &fam, &name)) < 0)
				return r;
			struct nft_table *tb = get_table(rs, fam, name);
			if (!tb)
				return -ENOMEM;
			if (peek(ps, 0)->type == T_LBRACE && (r = parse_table_body(ps, tb)) < 0)
				return r;
			continue;
		}
		if (add && is_word(n, "chain")) {
			struct nft_table *tb;
			struct nft_chain *c;
			ps->i += 2;
			if ((r = chain_ref(ps, &tb, &c)) < 0)
				return r;
			if (peek(ps, 0)->type == T_LBRACE && (r = parse_chain_body(ps, c)) < 0)
				return r;
			c->block = false;	/* a new rule goes in with "insert rule" after it */
			continue;
		}
		if ((is_word(t, "add") || is_word(t, "insert")) && is_word(n, "rule")) {
			struct nft_table *tb;
			struct nft_chain *c;
			bool insert = is_word(t, "insert");
			ps->i += 2;
			if ((r = chain_ref(ps, &tb, &c)) < 0)
				return r;
			if (is_word(peek(ps, 0), "position") || is_word(peek(ps, 0), "handle") ||
			    is_word(peek(ps, 0), "index"))
				return perr(ps, peek(ps, 0), "a rule placed by handle or index is not judged here");
			if ((r = add_rule(ps, c, insert)) < 0)
				return r;
			continue;
		}
		if (add && (is_word(n, "set") || is_word(n, "map") || is_word(n, "element"))) {
			const char *fam, *name;
			bool element = is_word(n, "element");
			ps->i += 2;
			if ((r = table_ref(ps, &fam, &name)) < 0)
				return r;
			struct tok *sn = peek(ps, 0);
			if (sn->type != T_WORD)
				return perr(ps, sn, "expected a set name");
			struct nft_table *tb = get_table(rs, fam, name);
			struct nft_set *s = tb ? get_set(tb, sn->s) : NULL;
			if (!s)
				return -ENOMEM;
			ps->i++;
			if (peek(ps, 0)->type == T_LBRACE &&
			    (r = element ? parse_elements(ps, s) : parse_set_body(ps, s)) < 0)
				return r;
			continue;
		}
		if ((is_word(t, "delete") || is_word(t, "destroy")) && is_word(n, "table")) {
			const char *fam, *name;
			ps->i += 2;
			if ((r = table_ref(ps, &fam, &name)) < 0)
				return r;
			struct nft_table *tb = find_table(rs, fam, name);
			if (tb) {
				size_t k = (size_t) (tb - rs->tables);
				table_clear(tb);
				memmove(tb, tb + 1, (rs->n_tables - k - 1) * sizeof(*tb));
				rs->n_tables--;
			}
			continue;
		}
		if (is_word(t, "flush") && (is_word(n, "table") || is_word(n, "chain"))) {
			bool chain = is_word(n, "chain");
			const char *fam, *name;
			ps->i += 2;
			if ((r = table_ref(ps, &fam, &name)) < 0)
				return r;
			struct nft_table *tb = find_table(rs, fam, name);
			struct tok *cn = peek(ps, 0);
			if (chain)
				ps->i++;
			for (size_t k = 0; tb && k < tb->n_chains; k++)
				if (!chain || (cn->type == T_WORD && streq(tb->chains[k].name, cn->s)))
					tb->chains[k].n_rules = 0;
			continue;
		}
		return perr(ps, t, "a statement this check does not judge:");
	}
}

int nft_load(const struct fw_reader *rd, const char *path, struct nft_ruleset **ret, char **ret_why)
{
	struct nft_ruleset *rs = calloc(1, sizeof(*rs));
	struct lexer lx = { .rd = rd, .rs = rs };
	int r;

	*ret_why = NULL;
	if (!rs || strv_ensure(&rs->paths) < 0) {
		nft_ruleset_free(rs);
		return -ENOMEM;
	}
	r = lex_file(&lx, path);
	if (r == -E2BIG) {
		r = -EBADMSG;
		if (!lx.why && !(lx.why = strdup("the ruleset is too large to judge")))
			r = -ENOMEM;
	}
	if (r >= 0)
		r = expand_defines(rs, &lx.why);
	if (r == -E2BIG) {
		r = -EBADMSG;
		if (!lx.why && !(lx.why = strdup("the ruleset is too large to judge")))
			r = -ENOMEM;
	}
	if (r >= 0) {
		struct parser ps = { .rs = rs };
		r = parse_top(&ps);
		if (ps.why) {
			free(lx.why);
			lx.why = ps.why;
		}
	}
	if (r < 0) {
		nft_ruleset_free(rs);
		if (r == -EBADMSG)
			*ret_why = TAKE_PTR(lx.why);
		free(lx.why);
		return r;
	}
	free(lx.why);
	*ret = rs;
	return 0;
}

/* ---- evaluation ---- */

enum kind { K_PORT, K_ADDR, K_PROTO, K_CTSTATE, K_IFACE, K_NFPROTO, K_PKTTYPE, K_ETHER };

enum { V_NONE, V_ACCEPT, V_DROP, V_REJECT, V_RETURN, V_JUMP, V_GOTO, V_QUEUE };

struct ectx {
	const struct nft_ruleset *rs;
	const struct nft_table *tb;
	const struct fw_packet *p;
	const struct tok *t;	/* the rule's tokens */
	size_t n;
};

static int value_match(enum kind k, const char *v, const struct fw_packet *p)
{
	switch (k) {
	case K_PORT:
		return fw_port_match(v, p->port);
	case K_ADDR:
		return strchr(v, '-') ? FW_MAYBE : fw_addr_match(v, p);
	case K_PROTO:
		return strcasecmp(v, "tcp") == 0 || streq(v, "6") ? FW_YES : FW_NO;
	case K_CTSTATE:
		return streq(v, "new") ? FW_YES : FW_NO;
	case K_IFACE:
		return streq(v, "lo") ? FW_NO : FW_YES;
	case K_NFPROTO:
		return (streq(v, "ipv4") && p->family == AF_INET) || (streq(v, "ipv6") && p->family == AF_INET6) ? FW_YES
															: FW_NO;
	case K_ETHER:
		return (streq(v, "ip") && p->family == AF_INET) || (streq(v, "ip6") && p->family == AF_INET6) ? FW_YES
														  : FW_NO;
	case K_PKTTYPE:
		return streq(v, "host") ? FW_YES : FW_NO;
	}
	return FW_MAYBE;
}

static int combine_any(int acc, int m)
{
	if (m == FW_YES || acc == FW_YES)
		return FW_YES;
	if (m == FW_MAYBE || acc == FW_MAYBE)
		return FW_MAYBE;
	return FW_NO;
}

static const struct nft_set *find_set(const struct nft_table *tb, const char *name)
{
	for (size_t i = 0; i < tb->n_sets; i++)
		if (streq(tb->sets[i].name, name))
			return &tb->sets[i];
	return NULL;
}

/* The right-hand side at *i: [op] value | value,value | { set } | @set.  Advances *i. */
static int rhs_match(const struct ectx *e, size_t *i, enum kind k, char *why, size_t why_len)
{
	const struct tok *t = e->t;
	bool neg = false;
	int cmp = 0;	/* 1 <, 2 >, 3 <=, 4 >= */
	int res = FW_NO;

	if (*i < e->n && t[*i].type == T_WORD) {
		const char *o = t[*i].s;
		if (streq(o, "==") || streq(o, "eq"))
			(*i)++;
		else if (streq(o, "!=") || streq(o, "ne"))
			neg = true, (*i)++;
		else if (streq(o, "<") || streq(o, "lt"))
			cmp = 1, (*i)++;
		else if (streq(o, ">") || streq(o, "gt"))
			cmp = 2, (*i)++;
		else if (streq(o, "<=") || streq(o, "le"))
			cmp = 3, (*i)++;
		else if (streq(o, ">=") || streq(o, "ge"))
			cmp = 4, (*i)++;
	}
	if (*i >= e->n)
		return FW_MAYBE;
	if (t[*i].type == T_LBRACE) {
		(*i)++;
		for (; *i < e->n && t[*i].type != T_RBRACE; (*i)++)
			if (t[*i].type == T_WORD || t[*i].type == T_STRING)
				res = combine_any(res, value_match(k, t[*i].s, e->p));
		(*i)++;
	} else if (t[*i].type == T_WORD && t[*i].s[0] == '@') {
		const struct nft_set *s = find_set(e->tb, t[*i].s + 1);
		if (!s) {
			snprintf(why, why_len, "the set %.60s is not known here", t[*i].s);
			res = FW_MAYBE;
		} else
			for (size_t q = 0; q < s->n; q++)
				res = combine_any(res, value_match(k, s->keys[q], e->p));
		(*i)++;
	} else {
		for (;;) {
			if (t[*i].type != T_WORD && t[*i].type != T_STRING)
				break;
			const char *v = t[*i].s;
			int m;
			if (cmp) {
				unsigned long long x;
				if (k != K_PORT || parse_uint(v, 10, 65535, &x) < 0)
					m = FW_MAYBE;
				else
					m = ((cmp == 1 && e->p->port < x) || (cmp == 2 && e->p->port > x) ||
					     (cmp == 3 && e->p->port <= x) || (cmp == 4 && e->p->port >= x))
						    ? FW_YES
						    : FW_NO;
			} else
				m = value_match(k, v, e->p);
			res = combine_any(res, m);
			(*i)++;
			if (*i + 1 < e->n && t[*i].type == T_COMMA) {
				(*i)++;
				continue;
			}
			break;
		}
	}
	if (res == FW_MAYBE && !why[0])
		snprintf(why, why_len, "a value this check cannot compare");
	if (neg && res != FW_MAYBE)
		res = res == FW_YES ? FW_NO : FW_YES;
	if (neg && k == K_IFACE && res == FW_YES)
		;	/* "iifname != lo": matches the main interface */
	else if (neg && k == K_IFACE)
		res = FW_MAYBE;	/* "iifname != eth0": which interface, is not known */
	return res;
}

static bool is_verdict_word(const struct tok *t)
{
	static const char *const v[] = { "accept", "drop", "reject", "jump", "goto", "return", "continue", "queue" };
	if (t->type != T_WORD)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(v); i++)
		if (streq(t->s, v[i]))
			return true;
	return false;
}

struct rule_res {
	int match;
	int verdict;	/* V_* */
	const char *chain;	/* V_JUMP, V_GOTO */
	char why[96];
};

static int verdict_of(const char *w)
{
	if (!w)
		return V_NONE;
	if (streq(w, "accept"))
		return V_ACCEPT;
	if (streq(w, "drop"))
		return V_DROP;
	if (streq(w, "reject"))
		return V_REJECT;
	if (streq(w, "return"))
		return V_RETURN;
	if (startswith(w, "jump"))
		return V_JUMP;
	if (startswith(w, "goto"))
		return V_GOTO;
	if (streq(w, "continue"))
		return V_NONE;
	return V_QUEUE;
}

/* "SEL vmap { k : v, ... }" or "SEL vmap @m" at *i (after vmap). */
static void vmap_eval(const struct ectx *e, size_t *i, enum kind k, struct rule_res *rr)
{
	const struct tok *t = e->t;
	struct nft_set tmp = {0};
	const struct nft_set *s = NULL;

	if (*i < e->n && t[*i].type == T_WORD && t[*i].s[0] == '@')
		s = find_set(e->tb, t[*i].s + 1);
	else if (*i < e->n && t[*i].type == T_LBRACE) {
		struct nft_ruleset fake = { .toks = (struct tok *) t, .n_toks = e->n };
		struct parser ps = { .rs = &fake, .i = *i };
		if (parse_elements(&ps, &tmp) == 0)
			s = &tmp;
		free(ps.why);
	}
	if (!s) {
		rr->match = FW_MAYBE;
		snprintf(rr->why, sizeof(rr->why), "a verdict map this check cannot read");
	} else {
		rr->match = FW_YES;
		rr->verdict = V_NONE;
		for (size_t q = 0; q < s->n; q++) {
			int m = value_match(k, s->keys[q], e->p);
			if (m == FW_NO)
				continue;
			if (m == FW_MAYBE || !s->values || !s->values[q]) {
				rr->match = FW_MAYBE;
				snprintf(rr->why, sizeof(rr->why), "verdict map key %.60s", s->keys[q]);
				break;
			}
			rr->verdict = verdict_of(s->values[q]);
			if (rr->verdict == V_JUMP || rr->verdict == V_GOTO)
				rr->chain = strchr(s->values[q], ' ') + 1;
			break;
		}
	}
	/* the chain name points into the map: keep the temporary one alive in the table? copy out */
	if (s == &tmp) {
		static __thread char chain[128];
		if (rr->chain) {
			snprintf(chain, sizeof(chain), "%s", rr->chain);
			rr->chain = chain;
		}
		strv_free(tmp.keys);
		for (size_t q = 0; q < tmp.n; q++)
			free(tmp.values[q]);
		free(tmp.values);
	}
	*i = e->n;
}

static void judge(const struct ectx *e, struct rule_res *rr)
{
	const struct tok *t = e->t;
	size_t i = 0;
	bool v4 = e->p->family == AF_INET;

	*rr = (struct rule_res) { .match = FW_YES, .verdict = V_NONE };
#define W(k) (i + (k) < e->n && t[i + (k)].type == T_WORD ? t[i + (k)].s : "")
#define UNKNOWN(...)                                                  \
	do {                                                          \
		if (rr->match == FW_YES) {                            \
			rr->match = FW_MAYBE;                         \
			snprintf(rr->why, sizeof(rr->why), __VA_ARGS__); \
		}                                                     \
		goto verdict;                                         \
	} while (0)
	while (i < e->n) {
		const char *w = W(0);
		enum kind k;
		size_t sel = 1;
		if (is_verdict_word(&t[i]))
			goto verdict;
		if (streq(w, "counter")) {
			i++;
			if (streq(W(0), "packets"))
				i += 4;
			else if (streq(W(0), "name"))
				i += 2;
			continue;
		}
		if (streq(w, "log")) {
			i++;
			while (streq(W(0), "prefix") || streq(W(0), "level") || streq(W(0), "group") || streq(W(0), "snaplen") ||
			       streq(W(0), "queue-threshold") || streq(W(0), "flags")) {
				i += 2;
				while (i + 1 < e->n && t[i].type == T_COMMA)
					i += 2;
			}
			continue;
		}
		if (streq(w, "comment")) {
			i += 2;
			continue;
		}
		if (streq(w, "notrack")) {
			i++;
			continue;
		}
		if ((streq(w, "tcp") || streq(w, "th")) && streq(W(1), "dport"))
			k = K_PORT, sel = 2;
		else if (streq(w, "udp") || streq(w, "udplite") || streq(w, "sctp") || streq(w, "dccp") || streq(w, "icmp") ||
			 streq(w, "icmpv6") || streq(w, "igmp") || streq(w, "esp") || streq(w, "ah") || streq(w, "gre")) {
			rr->match = FW_NO;
			return;
		} else if (streq(w, "ip") || streq(w, "ip6")) {
			bool six = w[2] == '6';
			if (six == v4) {
				rr->match = FW_NO;	/* the other family's header */
				return;
			}
			if (streq(W(1), "saddr"))
				k = K_ADDR, sel = 2;
			else if (streq(W(1), "protocol") || streq(W(1), "nexthdr"))
				k = K_PROTO, sel = 2;
			else if (streq(W(1), "version")) {
				i += 3;
				continue;
			} else
				UNKNOWN("%s %.40s", w, W(1));
		} else if (streq(w, "meta") || streq(w, "l4proto") || streq(w, "nfproto") || streq(w, "iif") ||
			   streq(w, "iifname") || streq(w, "pkttype")) {
			const char *key = streq(w, "meta") ? W(1) : w;
			sel = streq(w, "meta") ? 2 : 1;
			if (streq(key, "l4proto"))
				k = K_PROTO;
			else if (streq(key, "nfproto"))
				k = K_NFPROTO;
			else if (streq(key, "iif") || streq(key, "iifname"))
				k = K_IFACE;
			else if (streq(key, "pkttype"))
				k = K_PKTTYPE;
			else if (streq(key, "protocol"))
				k = K_ETHER;
			else
				UNKNOWN("meta %.40s", key);
		} else if (streq(w, "ct")) {
			if (streq(W(1), "state"))
				k = K_CTSTATE, sel = 2;
			else
				UNKNOWN("ct %.40s", W(1));
		} else if (streq(w, "fib")) {
			if (streq(W(1), "daddr") && streq(W(2), "type") && streq(W(3), "local")) {
				i += 4;
				continue;
			}
			UNKNOWN("fib %.40s", W(1));
		} else
			UNKNOWN("%.60s", t[i].s ? t[i].s : "{");
		i += sel;
		if (streq(W(0), "vmap")) {
			i++;
			vmap_eval(e, &i, k, rr);
			return;
		}
		char why[96] = "";
		int m = rhs_match(e, &i, k, why, sizeof(why));
		if (m == FW_NO) {
			rr->match = FW_NO;
			return;
		}
		if (m == FW_MAYBE && rr->match == FW_YES) {
			rr->match = FW_MAYBE;
			snprintf(rr->why, sizeof(rr->why), "%s", why);
		}
	}
verdict:
	/* the first verdict word of the rule, outside any set */
	for (unsigned depth = 0; i < e->n; i++) {
		if (t[i].type == T_LBRACE)
			depth++;
		else if (t[i].type == T_RBRACE && depth)
			depth--;
		else if (depth == 0 && is_verdict_word(&t[i])) {
			rr->verdict = verdict_of(t[i].s);
			if ((rr->verdict == V_JUMP || rr->verdict == V_GOTO) && i + 1 < e->n && t[i + 1].type == T_WORD)
				rr->chain = t[i + 1].s;
			else if (rr->verdict == V_JUMP || rr->verdict == V_GOTO)
				rr->verdict = V_QUEUE;
			return;
		}
	}
#undef W
#undef UNKNOWN
}

#define CONT 100

static void answer(struct fw_answer *a, enum fw_verdict v, const struct nft_ruleset *rs, unsigned file, unsigned line,
		   const char *fmt, ...) _printf_(6, 7);
static void answer(struct fw_answer *a, enum fw_verdict v, const struct nft_ruleset *rs, unsigned file, unsigned line,
		   const char *fmt, ...)
{
	va_list ap;

	a->verdict = v;
	a->file = rs->files[file].path;
	a->line = line;
	va_start(ap, fmt);
	vsnprintf(a->what, sizeof(a->what), fmt, ap);
	va_end(ap);
}

static int walk(const struct nft_ruleset *rs, const struct nft_table *tb, const struct nft_chain *c,
		const struct fw_packet *p, unsigned depth, struct fw_answer *a)
{
	if (depth > NFT_JUMP_DEPTH) {
		answer(a, FW_UNKNOWN, rs, c->file, c->line, "chains jump more than %s deep%s", "16", "");
		return FW_UNKNOWN;
	}
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct nft_rule *rule = &c->rules[i];
		struct ectx e = { rs, tb, p, &rs->toks[rule->first], rule->n };
		struct rule_res rr;
		judge(&e, &rr);
		if (rr.match == FW_NO || rr.verdict == V_NONE)
			continue;
		if (rr.verdict == V_QUEUE) {
			if (rr.match == FW_MAYBE)
				continue;
			answer(a, FW_UNKNOWN, rs, rule->file, rule->line, "a verdict (queue) this check cannot follow%s%s", "",
			       "");
			return FW_UNKNOWN;
		}
		if (rr.verdict == V_ACCEPT || rr.verdict == V_DROP || rr.verdict == V_REJECT) {
			static const char *const names[] = { [V_ACCEPT] = "accept", [V_DROP] = "drop", [V_REJECT] = "reject" };
			if (rr.match == FW_MAYBE) {
				answer(a, FW_UNKNOWN, rs, rule->file, rule->line, "%s behind %s", names[rr.verdict], rr.why);
				return FW_UNKNOWN;
			}
			enum fw_verdict v = rr.verdict == V_ACCEPT ? FW_ACCEPT : rr.verdict == V_DROP ? FW_DROP : FW_REJECT;
			answer(a, v, rs, rule->file, rule->line, "rule '%s' in chain %s", names[rr.verdict], c->name);
			return v;
		}
		if (rr.verdict == V_RETURN) {
			if (rr.match == FW_MAYBE) {
				answer(a, FW_UNKNOWN, rs, rule->file, rule->line, "return behind %s%s", rr.why, "");
				return FW_UNKNOWN;
			}
			return CONT;
		}
		const struct nft_chain *sub = find_chain(tb, rr.chain);
		if (!sub) {
			answer(a, FW_UNKNOWN, rs, rule->file, rule->line, "a jump to chain %.60s%s", rr.chain,
			       ", which is not known");
			return FW_UNKNOWN;
		}
		int v = walk(rs, tb, sub, p, depth + 1, a);
		if (v == CONT && rr.verdict == V_GOTO && rr.match == FW_YES)
			return CONT;
		if (v == CONT)
			continue;
		if (rr.match == FW_MAYBE) {
			answer(a, FW_UNKNOWN, rs, rule->file, rule->line, "a jump behind %s%s", rr.why, "");
			return FW_UNKNOWN;
		}
		return v;
	}
	return CONT;
}

static bool table_sees(const struct nft_table *tb, int family)
{
	return streq(tb->family, "inet") || (streq(tb->family, "ip") && family == AF_INET) ||
	       (streq(tb->family, "ip6") && family == AF_INET6);
}

static bool on_path(const struct nft_chain *c)
{
	return c->hook && (streq(c->hook, "input") || (streq(c->hook, "prerouting") && c->type && streq(c->type, "filter")));
}

/* The first base chain that does not accept p (its answer in *a), or NULL. */
static const struct nft_chain *eval_full(const struct nft_ruleset *rs, const struct fw_packet *p, struct fw_answer *a,
					 const struct nft_table **ret_tb)
{
	for (size_t ti = 0; ti < rs->n_tables; ti++) {
		const struct nft_table *tb = &rs->tables[ti];
		if (!table_sees(tb, p->family))
			continue;
		for (size_t ci = 0; ci < tb->n_chains; ci++) {
			const struct nft_chain *c = &tb->chains[ci];
			if (!on_path(c))
				continue;
			int v = walk(rs, tb, c, p, 0, a);
			if (v == CONT) {
				if (!c->policy_drop)
					continue;
				answer(a, FW_DROP, rs, c->policy_file, c->policy_line, "policy drop of chain %.40s%s", c->name,
				       "");
				v = FW_DROP;
			}
			if (v == FW_ACCEPT)
				continue;
			size_t l = strlen(a->what);
			snprintf(a->what + l, sizeof(a->what) - l, " (table %s %s, hook %s)", tb->family, tb->name, c->hook);
			*ret_tb = tb;
			return c;
		}
	}
	*a = (struct fw_answer) { .verdict = FW_ACCEPT, .file = rs->n_files ? rs->files[0].path : NULL };
	snprintf(a->what, sizeof(a->what), "every base chain on the input hook accepts it");
	return NULL;
}

bool nft_policy_drop(const struct nft_ruleset *rs, int family, const char **ret_file, unsigned *ret_line)
{
	for (size_t ti = 0; ti < rs->n_tables; ti++) {
		const struct nft_table *tb = &rs->tables[ti];
		if (!table_sees(tb, family))
			continue;
		for (size_t ci = 0; ci < tb->n_chains; ci++)
			if (on_path(&tb->chains[ci]) && tb->chains[ci].policy_drop) {
				*ret_file = rs->files[tb->chains[ci].policy_file].path;
				*ret_line = tb->chains[ci].policy_line;
				return true;
			}
	}
	return false;
}

void nft_eval(const struct nft_ruleset *rs, const struct fw_packet *p, struct fw_answer *ret)
{
	const struct nft_table *tb;

	(void) eval_full(rs, p, ret, &tb);
}

static size_t line_offset(const char *data, size_t len, unsigned line)
{
	size_t off = 0;

	for (unsigned l = 1; l < line && off < len; l++) {
		const char *nl = memchr(data + off, '\n', len - off);
		if (!nl)
			return len;
		off = (size_t) (nl - data) + 1;
	}
	return off;
}

int nft_plan_accept(const struct nft_ruleset *rs, const struct fw_packet *p, const char **ret_path, char **ret_data,
		    size_t *ret_len)
{
	struct fw_answer a;
	const struct nft_table *tb = NULL;
	const struct nft_chain *c = eval_full(rs, p, &a, &tb);
	struct buf rule = {0}, b = {0};

	if (!c)
		return 1;
	if (p->from)
		buf_printf(&rule, "%s saddr %s ", p->family == AF_INET6 ? "ip6" : "ip", p->from);
	buf_printf(&rule, "tcp dport %u accept", (unsigned) p->port);
	if (!buf_ok(&rule)) {
		buf_done(&rule);
		return -ENOMEM;
	}
	bool in_block = c->block && !c->one_line && c->hdr_line;
	const struct file_text *f = &rs->files[in_block ? c->hdr_file : c->file];
	if (in_block) {
		size_t at = line_offset(f->data, f->len, c->hdr_line), end = line_offset(f->data, f->len, c->hdr_line + 1);
		size_t ind = strspn(f->data + at, " \t");
		bool brace_line = memchr(f->data + at, '{', end - at) != NULL && c->hdr_line == c->line;
		buf_append(&b, f->data, end);
		if (end > 0 && f->data[end - 1] != '\n')
			buf_putc(&b, '\n');
		for (int k = 0; k < 2; k++) {
			buf_append(&b, f->data + at, ind);
			if (brace_line)
				buf_putc(&b, '\t');
			if (k == 0)
				buf_printf(&b, "# sshfix: let new ssh connections (tcp port %u) through\n", (unsigned) p->port);
			else
				buf_printf(&b, "%s\n", rule.data);
		}
		buf_append(&b, f->data + end, f->len - end);
	} else {
		buf_append(&b, f->data, f->len);
		if (f->len && f->data[f->len - 1] != '\n')
			buf_putc(&b, '\n');
		buf_printf(&b, "# sshfix: let new ssh connections (tcp port %u) through\ninsert rule %s %s %s %s\n",
			   (unsigned) p->port, tb->family, tb->name, c->name, rule.data);
	}
	buf_done(&rule);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret_path = f->path;
	*ret_len = b.len;
	*ret_data = buf_steal(&b);
	return 0;
}
