/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hosts_access() of Debian's tcp-wrappers 7.6.q-32 (hosts_access.c, misc.c,
 * options.c), read as a three-valued logic: a pattern matches (YES), does
 * not (NO), or depends on something sshfix cannot know offline (MAYBE).
 * libwrap stops at the first match; here every possible way the
 * evaluation can end is collected, and the answer is definite only when
 * they agree.  Where libwrap's own code takes a branch ("a" before "b" in
 * a list, the daemon list before the client list), so do we: a list file
 * behind a pattern that matches is never opened, by libwrap or by us.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "listen_addr.h"
#include "tcpwrap.h"
#include "util.h"

enum { NO = 0, YES = 1, MAYBE = 2, HARD = 3 };	/* HARD: the connection fails right there */

static const char sep[] = ", \t\r\n";	/* list separators (hosts_access.c) */

/* The facts about one end of the connection. */
struct end {
	const char *addr;	/* text, or NULL */
	struct ip_addr ip;	/* when addr parses */
	bool have_ip;
	const char *name;	/* or NULL */
	bool server;
};

struct ctx {
	const struct tw_query *q;
	const struct tw_file *tables;
	tw_read_fn read;
	void *userdata;
	struct end client, server;
	struct tw_result *res;
	bool oom;
	/* the entry being matched */
	int table;
	unsigned line;
	bool cond;		/* something uncertain came first: what follows happens only in some worlds */
	char *why;		/* the first uncertainty of this entry */
	enum tw_how hard_how;	/* HARD, or hard_maybe: why */
	bool hard_maybe;	/* the connection fails in some worlds */
	char *hard_detail;
	/* list files on the way (TW_LIST_DEPTH) and read so far */
	const char *stack[TW_LIST_DEPTH];
	unsigned depth, n_lists;
	const char *list;	/* the list whose words are being matched, or NULL */
	unsigned list_line;
	/* outcomes collected */
	bool can[2];		/* [TW_GRANT], [TW_DENY] */
	struct tw_step st[2];	/* the first (certain preferred) step of each */
	struct tw_step maybe;	/* the first uncertain entry */
	char *maybe_why;
	bool walked[3];		/* walk(table) done: its outcomes do not depend on the tables before */
	bool insert_set;
};

void tw_file_done(struct tw_file *f)
{
	if (!f)
		return;
	free(f->data);
	*f = (struct tw_file) {0};
}

static void step_done(struct tw_step *s)
{
	free(s->text);
	free(s->detail);
	*s = (struct tw_step) {0};
}

void tw_result_done(struct tw_result *r)
{
	if (!r)
		return;
	step_done(&r->step);
	step_done(&r->alt);
	free(r->depends_on);
	strv_free(r->unsafe_lists);
	*r = (struct tw_result) {0};
}

const char *tw_table_path(int table)
{
	return table == 0 ? TW_ALLOW_PATH : TW_DENY_PATH;
}

static int and3(int a, int b)
{
	if (a == HARD || b == HARD)
		return HARD;
	if (a == NO || b == NO)
		return NO;
	return a == YES && b == YES ? YES : MAYBE;
}

static int or3(int a, int b)
{
	if (a == HARD || b == HARD)
		return HARD;
	if (a == YES || b == YES)
		return YES;
	return a == NO && b == NO ? NO : MAYBE;
}

static int not3(int a)
{
	return a == YES ? NO : a == NO ? YES : a;
}

/* Something unknown decides: remember the first such thing of this entry. */
static int maybe(struct ctx *x, const char *fmt, ...) _printf_(2, 3);
static int maybe(struct ctx *x, const char *fmt, ...)
{
	va_list ap;

	x->cond = true;
	if (x->why)
		return MAYBE;
	if (x->list) {
		/* Never quote a list's words: it may be any file (a link to /etc/shadow). */
		if (asprintf(&x->why, "a pattern in %s line %u matches", x->list, x->list_line) < 0)
			x->oom = true, x->why = NULL;
		return MAYBE;
	}
	va_start(ap, fmt);
	if (vasprintf(&x->why, fmt, ap) < 0)
		x->oom = true, x->why = NULL;
	va_end(ap);
	return MAYBE;
}

/* The connection fails right there (a FIFO), unless reaching it was itself uncertain. */
static int hard(struct ctx *x, enum tw_how how, const char *path, const char *what)
{
	if (x->cond) {
		/* Only in some worlds: there the connection fails (one more way the entry can end). */
		const char *list = x->list;
		int r;
		x->list = NULL;	/* the path and what it is: no word of the list */
		r = maybe(x, "libwrap opens %s, which %s", path, what);
		x->list = list;
		if (!x->hard_maybe) {
			x->hard_maybe = true;
			x->hard_how = how;
			free(x->hard_detail);
			if (asprintf(&x->hard_detail, "%s %s", path, what) < 0)
				x->hard_detail = NULL, x->oom = true;
		}
		return r;
	}
	x->hard_how = how;
	free(x->hard_detail);
	if (asprintf(&x->hard_detail, "%s %s", path, what) < 0)
		x->hard_detail = NULL, x->oom = true;
	return HARD;
}

/* split_at(): break at the delimiter outside [...] (the IPv6 patch's version). */
static char *split_at(char *s, int delim)
{
	int bracket = 0;

	for (char *p = s; *p; p++) {
		if (*p == '[')
			bracket++;
		else if (*p == ']')
			bracket--;
		else if (bracket == 0 && *p == delim) {
			*p = '\0';
			return p + 1;
		}
	}
	return NULL;
}

/* dot_quad_addr(): exactly four runs of non-dots, then inet_addr(); false for INADDR_NONE. */
static bool dot_quad(const char *s, uint32_t *ret)
{
	unsigned runs = 0;
	bool in = false;
	uint8_t a[4];
	char buf[64];
	size_t n = strlen(s);

	for (const char *p = s; *p; p++) {
		if (*p == '.')
			in = false;
		else if (!in)
			in = true, runs++;
	}
	/* inet_aton() allows trailing white space; the list separators already took most. */
	while (n > 0 && isspace((unsigned char) s[n - 1]))
		n--;
	if (runs != 4 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!ip4_aton_exact(buf, a))
		return false;
	*ret = (uint32_t) a[0] << 24 | (uint32_t) a[1] << 16 | (uint32_t) a[2] << 8 | a[3];
	return *ret != 0xffffffffu;
}

/* atoi() as glibc: strtol() cut to int. */
static int c_atoi(const char *s)
{
	return (int) strtol(s, NULL, 10);
}

/* getaddrinfo(AF_INET6, AI_NUMERICHOST): an IPv6 address, maybe with "%scope". */
static bool parse_v6(const char *s, size_t n, struct ip_addr *ret, bool *ret_scope)
{
	char buf[64];
	const char *pct = memchr(s, '%', n);

	*ret_scope = pct != NULL;
	if (pct)
		n = (size_t) (pct - s);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*ret = (struct ip_addr) { .family = AF_INET6 };
	return inet_pton(AF_INET6, buf, ret->a) == 1;
}

/* match_pattern_ylo(): '*' and '?', without case; the same language, without its backtracking blow-up. */
static bool wild(const char *s, const char *p)
{
	const char *star = NULL, *mark = NULL;

	while (*s) {
		if (*p == '*') {
			star = ++p;
			mark = s;
		} else if (*p && (*p == '?' || toupper((unsigned char) *p) == toupper((unsigned char) *s))) {
			p++;
			s++;
		} else if (star) {
			p = star;
			s = ++mark;
		} else
			return false;
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* string_match() with a known string. */
static int smatch(const char *tok, const char *s)
{
	size_t n = strlen(tok);
	uint32_t v4;

	if (n == 0)
		return NO;
	/* An IPv4-mapped IPv6 address is matched as IPv4. */
	if (strncasecmp(s, "::ffff:", 7) == 0 && dot_quad(s + 7, &v4))
		s += 7;
	if (strchr(tok, '*') || strchr(tok, '?'))
		return wild(s, tok) ? YES : NO;
	if (tok[0] == '.') {
		size_t k = strlen(s);
		return k > n && strcasecmp(tok, s + k - n) == 0 ? YES : NO;
	}
	if (strcasecmp(tok, "ALL") == 0)
		return YES;
	if (strcasecmp(tok, "KNOWN") == 0)
		return strcasecmp(s, "unknown") != 0 ? YES : NO;
	if (tok[n - 1] == '.')
		return strncasecmp(tok, s, n) == 0 ? YES : NO;
	if (tok[0] == '[' && tok[n - 1] == ']') {
		struct ip_addr a, b;
		bool sa, sb;
		if (!parse_v6(tok + 1, n - 2, &a, &sa) || !parse_v6(s, strlen(s), &b, &sb))
			return NO;
		return !sa && memcmp(a.a, b.a, 16) == 0 ? YES : NO;
	}
	return strcasecmp(tok, s) == 0 ? YES : NO;
}

/* Only '*': matches any string. */
static bool all_stars(const char *tok)
{
	return *tok && tok[strspn(tok, "*")] == '\0';
}

/* Could tok be (part of) some address's text?  Addresses hold hex digits, '.' and ':'. */
static bool addr_chars(const char *tok)
{
	return tok[strspn(tok, "0123456789abcdefABCDEF.:")] == '\0';
}

static bool ip4_loopback(uint32_t v)
{
	return v >> 24 == 127;
}

/* string_match() against an address sshfix does not know, never a loopback one. */
static int addr_unknown(struct ctx *x, const struct end *e, const char *tok)
{
	size_t n = strlen(tok);
	const char *who = e->server ? "the address the client connects to" : "the client's address";
	struct ip_addr a;
	bool scope;

	if (n == 0)
		return NO;
	if (strchr(tok, '*') || strchr(tok, '?'))
		return all_stars(tok) ? YES : maybe(x, "%s matches \"%.64s\"", who, tok);
	if (strcasecmp(tok, "ALL") == 0 || strcasecmp(tok, "KNOWN") == 0)
		return YES;
	if (tok[0] == '[' && tok[n - 1] == ']') {
		if (!parse_v6(tok + 1, n - 2, &a, &scope) || scope || ip_is_loopback(&a))
			return NO;
		return maybe(x, "%s is %.64s", who, tok);
	}
	if (!addr_chars(tok))
		return NO;
	if (tok[0] == '.')
		return maybe(x, "%s ends in \"%.64s\"", who, tok);
	if (tok[n - 1] == '.')
		return strncmp(tok, "127.", 4) == 0 ? NO : maybe(x, "%s begins with \"%.64s\"", who, tok);
	if (inet_pton(AF_INET, tok, a.a) == 1)
		return a.a[0] == 127 ? NO : maybe(x, "%s is %.64s", who, tok);
	if (parse_v6(tok, n, &a, &scope) && !scope)
		return ip_is_loopback(&a) ? NO : maybe(x, "%s is %.64s", who, tok);
	return NO;	/* no address is written that way */
}

/* NOT_INADDR(): could the word be a host name pattern (not only digits, dots and slashes)? */
static bool not_inaddr(const char *tok)
{
	return tok[strspn(tok, "01234567890./")] != '\0';
}

static const char *name_of(const struct end *e)
{
	return e->server ? "this machine's host name for the address the client connects to" : "the client's host name";
}

/* How libwrap finds the name, said once after it. */
static const char *name_how(const struct end *e)
{
	return e->server ? "" : " (libwrap looks it up by reverse DNS and checks it forward; sshfix resolves no names)";
}

/* string_match(tok, eval_hostname()). */
static int name_match(struct ctx *x, const struct end *e, const char *tok)
{
	size_t n = strlen(tok);
	struct ip_addr a;
	bool scope;

	if (e->name)
		return smatch(tok, e->name);
	if (n == 0 || (tok[0] == '[' && tok[n - 1] == ']') || parse_v6(tok, n, &a, &scope))
		return NO;	/* a host name is never an address: libwrap calls it "paranoid" */
	if (all_stars(tok) || strcasecmp(tok, "ALL") == 0)
		return YES;
	if (strcasecmp(tok, "UNKNOWN") == 0)
		return maybe(x, "%s cannot be found (UNKNOWN)%s", name_of(e), name_how(e));
	if (strcasecmp(tok, "PARANOID") == 0)
		return maybe(x, "%s does not map back to the address (PARANOID)%s", name_of(e), name_how(e));
	return maybe(x, "%s matches \"%.64s\"%s", name_of(e), tok, name_how(e));
}

/* masked_match4() || masked_match6(). */
static int masked(struct ctx *x, const struct end *e, const char *net, const char *mask)
{
	const char *who = e->server ? "the address the client connects to" : "the client's address";
	uint32_t n4, m4 = 0;
	size_t len = strlen(net);

	/* IPv4: dotted quads only; a mask as a dotted quad or 1-32 bits ("/0" is no mask). */
	bool v4 = dot_quad(net, &n4);
	if (v4 && !dot_quad(mask, &m4)) {
		int b = c_atoi(mask);
		v4 = b >= 1 && b <= 32;
		m4 = b >= 32 ? 0xffffffffu : ~(0xffffffffu >> (b > 0 ? b : 1));
	}
	if (v4) {
		if ((n4 & ~m4) != 0)
			return NO;	/* the net has bits outside its mask: nothing matches */
		if (e->addr) {
			const char *s = e->addr;
			uint32_t a4;
			if (strncasecmp(s, "::ffff:", 7) == 0 && dot_quad(s + 7, &a4))
				s += 7;
			return dot_quad(s, &a4) && (a4 & m4) == n4 ? YES : NO;
		}
		if (m4 >> 24 == 0xff && ip4_loopback(n4))
			return NO;
		return maybe(x, "%s is in %.64s/%.64s", who, net, mask);
	}
	/* IPv6: "[net]/len", len as atoi() reads it (junk is 0: every IPv6 address). */
	int bits = c_atoi(mask);
	struct ip_addr n6, a6;
	bool scope, ascope;
	if (len < 2 || net[0] != '[' || net[len - 1] != ']' || !parse_v6(net + 1, len - 2, &n6, &scope) || bits < 0 ||
	    bits > 128)
		return NO;
	if (e->addr) {
		uint32_t a4;
		if (strncasecmp(e->addr, "::ffff:", 7) == 0 && dot_quad(e->addr + 7, &a4))
			return NO;	/* matched as IPv4 above, against an IPv6 net: no */
		if (!parse_v6(e->addr, strlen(e->addr), &a6, &ascope))
			return NO;
		if (scope)
			return maybe(x, "%s is on the interface of %.64s", who, net);
		for (int i = 0; i < bits; i++)
			if (((n6.a[i / 8] ^ a6.a[i / 8]) >> (7 - i % 8)) & 1)
				return NO;
		return YES;
	}
	if (bits == 128 && ip_is_loopback(&n6))
		return NO;
	return maybe(x, "%s is in %.64s/%.64s", who, net, mask);
}

static int host_match(struct ctx *x, const struct end *e, char *tok);

/* hostfile_match(): the words of a list, each a host pattern, the first match wins. */
static int list_match_file(struct ctx *x, const struct end *e, const char *path)
{
	struct tw_file f = {0};
	const char *saved_list = x->list;
	unsigned saved_line = x->list_line;
	int acc = NO, r;

	for (unsigned i = 0; i < x->depth; i++)
		if (streq(x->stack[i], path))
			/* libwrap opens it again and again, 8 KiB of stack each time, until the stack runs out */
			return hard(x, TWH_CRASH, path, "names itself: libwrap reads it again without end until sshd's "
							"child runs out of stack and crashes");
	if (x->depth >= TW_LIST_DEPTH || x->n_lists >= TW_LISTS_MAX)
		return maybe(x, "a pattern in %s matches (lists nested deeper than sshfix follows)", path);
	x->n_lists++;
	if (!x->read)
		return NO;
	if (x->read(x->userdata, path, &f) < 0) {
		x->oom = true;
		return NO;
	}
	switch (f.kind) {
	case TWF_REGULAR:
		break;
	case TWF_FIFO:
		tw_file_done(&f);
		return hard(x, TWH_STALL, path, "is a FIFO: libwrap waits in fopen() for a writer and the connection hangs");
	case TWF_DEVICE:
		tw_file_done(&f);
		return maybe(x, "what the device %s reads matches", path);
	case TWF_UNREAD:
		r = f.error;
		tw_file_done(&f);
		return maybe(x, "a pattern in %s matches (sshfix could not read it: %s)", path, strerror(-r));
	default:
		tw_file_done(&f);
		return NO;	/* missing, a directory, a socket: no word */
	}
	x->stack[x->depth++] = path;
	x->list = path;
	x->list_line = 1;
	/* fscanf("%s"): words between white space; a NUL ends what libwrap sees of a word. */
	for (size_t i = 0; i < f.len && acc != YES && acc != HARD && !x->oom;) {
		const char *d = f.data;
		while (i < f.len && isspace((unsigned char) d[i]))
			x->list_line += d[i++] == '\n';
		size_t s = i;
		while (i < f.len && !isspace((unsigned char) d[i]))
			i++;
		if (i == s)
			break;
		if (i - s >= 8192) {
			/* char tok[BUFSIZ]: a longer word overruns libwrap's stack buffer. */
			acc = or3(acc, maybe(x, "%s line %u, a word longer than libwrap's 8 KiB buffer, matches "
						"(what sshd's child does with it is undefined)", path, x->list_line));
			continue;
		}
		_cleanup_free_ char *w = strndup(d + s, i - s);	/* stops at a NUL, as libwrap's C string does */
		if (!w) {
			x->oom = true;
			break;
		}
		acc = or3(acc, host_match(x, e, w));
	}
	x->depth--;
	x->list = saved_list;
	x->list_line = saved_line;
	tw_file_done(&f);
	return acc;
}

/* host_match(): one host pattern against one end. */
static int host_match(struct ctx *x, const struct end *e, char *tok)
{
	char *mask;
	int a;

	if (tok[0] == '@')
		return maybe(x, "%s is in the NIS netgroup \"%.64s\"", e->server ? "this machine" : "the client", tok + 1);
	if (tok[0] == '/')
		return list_match_file(x, e, tok);
	if (strcasecmp(tok, "KNOWN") == 0)
		return e->name ? (strcasecmp(e->name, "unknown") && strcasecmp(e->name, "paranoid") ? YES : NO)
			       : maybe(x, "%s can be found (KNOWN)%s", name_of(e), name_how(e));
	if (strcasecmp(tok, "LOCAL") == 0)
		return e->name ? (!strchr(e->name, '.') && strcasecmp(e->name, "unknown") &&
						  strcasecmp(e->name, "paranoid") ? YES : NO)
			       : maybe(x, "%s has no dot in it (LOCAL)%s", name_of(e), name_how(e));
	if ((mask = split_at(tok, '/')))
		return masked(x, e, tok, mask);
	a = e->addr ? smatch(tok, e->addr) : addr_unknown(x, e, tok);
	if (a == YES || !not_inaddr(tok))
		return a;
	return or3(a, name_match(x, e, tok));
}

/* string_match(tok, eval_user()): the client's ident answer. */
static int user_match(struct ctx *x, const char *tok)
{
	if (x->q->user)
		return smatch(tok, x->q->user);
	if (all_stars(tok) || strcasecmp(tok, "ALL") == 0)
		return YES;
	return maybe(x, "the user name the client's ident (RFC 931) service gives matches \"%.64s\"", tok);
}

/* sscanf(tok, "%u%c") == 1 && port <= 65535: a server port rather than a daemon name. */
static bool port_word(const char *tok, unsigned *ret)
{
	const char *p = tok;
	bool neg = false, over = false;
	unsigned long v = 0;

	while (isspace((unsigned char) *p))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!isdigit((unsigned char) *p))
		return false;
	for (; isdigit((unsigned char) *p); p++) {
		unsigned d = (unsigned) (*p - '0');
		if (v > (~0UL - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (*p)
		return false;
	unsigned u = over ? ~0u : (unsigned) (neg ? -v : v);
	if (u > 65535)
		return false;
	*ret = u;
	return true;
}

static int server_match(struct ctx *x, char *tok)
{
	char *host = split_at(tok + 1, '@');
	unsigned port;
	int d;

	if (port_word(tok, &port))
		d = x->q->port ? (port == x->q->port ? YES : NO) : maybe(x, "the client connects to port %u", port);
	else
		d = smatch(tok, x->q->daemon);
	if (!host || d == NO)
		return d;
	return and3(d, host_match(x, &x->server, host));
}

static int client_match(struct ctx *x, char *tok)
{
	char *host = split_at(tok + 1, '@');
	int h;

	if (!host)
		return host_match(x, &x->client, tok);
	h = host_match(x, &x->client, host);
	if (h == NO || h == HARD)
		return h;
	return and3(h, user_match(x, tok));
}

/* list_match(): words up to EXCEPT, the first match wins, then the exceptions (nested to the right). */
static int list_match(struct ctx *x, char *list, char **save, int (*fn)(struct ctx *, char *))
{
	int acc = NO;
	char *tok;

	for (tok = strtok_r(list, sep, save); tok; tok = strtok_r(NULL, sep, save)) {
		if (strcasecmp(tok, "EXCEPT") == 0)
			break;
		acc = or3(acc, fn(x, tok));
		if (acc == HARD || x->oom)
			return acc;
		if (acc == YES) {
			while ((tok = strtok_r(NULL, sep, save)) && strcasecmp(tok, "EXCEPT") != 0)
				;
			break;
		}
	}
	if (!tok || acc == NO)
		return acc;
	return and3(acc, not3(list_match(x, NULL, save, fn)));
}

/* Does the entry (its two lists, modified) match? */
static int entry_match(struct ctx *x, char *daemons, char *clients)
{
	char *save = NULL;
	int d = list_match(x, daemons, &save, server_match);

	if (d == NO || d == HARD || x->oom)
		return d;
	save = NULL;
	return and3(d, list_match(x, clients, &save, client_match));
}

/* ---------------------------------------------------------------- options */

enum { O_NEED = 1, O_OPT = 2, O_LAST = 4 };
static const struct {
	const char *name;
	unsigned flags;
} options[] = {
	{ "user", O_NEED },	{ "group", O_NEED },	{ "umask", O_NEED },  { "linger", O_NEED },
	{ "keepalive", 0 },	{ "aclexec", O_NEED },	{ "spawn", O_NEED },  { "twist", O_NEED | O_LAST },
	{ "rfc931", O_OPT },	{ "setenv", O_NEED },	{ "nice", O_OPT },    { "severity", O_NEED },
	{ "allow", O_LAST },	{ "deny", O_LAST },	{ "banners", O_NEED },
};

/* options.c's syslog tables: what Debian's build knows. */
static const char *const facilities[] = { "kern",   "user",   "mail",   "daemon", "auth",	"lpr",	  "news",
					  "uucp",   "cron",   "local0", "local1", "local2", "local3", "local4",
					  "local5", "local6", "local7", NULL };
static const char *const levels[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", NULL };

static bool in_list(const char *const *v, const char *s)
{
	for (; *v; v++)
		if (strcasecmp(*v, s) == 0)
			return true;
	return false;
}

/* chop_string(): without leading and trailing white space. */
static char *chop(char *s)
{
	char *end;

	while (isspace((unsigned char) *s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char) end[-1]))
		*--end = '\0';
	return s;
}

/* get_field(): the next ':'-separated field, "\:" standing for ':'; NULL at the end. */
static char *get_field(char **pos)
{
	char *src = *pos, *dst = src, *ret = src;

	if (!src || !*src)
		return NULL;
	while (*src) {
		if (*src == ':') {
			src++;
			break;
		}
		if (*src == '\\' && src[1] == ':')
			src++;
		*dst++ = *src++;
	}
	*pos = src;
	*dst = '\0';
	return ret;
}

/* sscanf(s, "%d%c") == 1 (or %o); *ret the value. */
static bool scan_int(const char *s, int base, long *ret)
{
	char *end;

	errno = 0;
	while (isspace((unsigned char) *s))
		s++;
	if (!*s)
		return false;
	*ret = strtol(s, &end, base);
	return end != s && !*end && isdigit((unsigned char) end[-1]);
}

struct effect {
	enum tw_verdict verdict;
	enum tw_how how;
	char *detail;		/* the option that decides, or NULL */
	bool alt_skip;		/* aclexec: a failing command makes the table not match at all */
	bool alt_deny;		/* an unknown user or group: libwrap denies */
	char *alt_why;		/* on what those depend (the first) */
	bool oom;
};

static void set_why(struct effect *e, const char *fmt, ...) _printf_(2, 3);
static void set_why(struct effect *e, const char *fmt, ...)
{
	va_list ap;

	if (e->alt_why)
		return;
	va_start(ap, fmt);
	if (vasprintf(&e->alt_why, fmt, ap) < 0)
		e->alt_why = NULL, e->oom = true;
	va_end(ap);
}

/* The entry ends here: verdict, how, and what (a new string). */
static void decide(struct effect *e, enum tw_verdict v, enum tw_how how, const char *fmt, ...) _printf_(4, 5);
static void decide(struct effect *e, enum tw_verdict v, enum tw_how how, const char *fmt, ...)
{
	va_list ap;

	e->verdict = v;
	e->how = how;
	e->alt_skip = false;	/* libwrap jumps out at once, whatever aclexec said */
	va_start(ap, fmt);
	if (vasprintf(&e->detail, fmt, ap) < 0)
		e->detail = NULL, e->oom = true;
	va_end(ap);
}

/* process_options(): the effect of the matching entry's options, in order. */
static void process_options(struct ctx *x, int table, char *opts, struct effect *e)
{
	char *pos = opts, *cur, *next;

	*e = (struct effect) { .verdict = table == 0 ? TW_GRANT : TW_DENY, .how = TWH_ENTRY };
	for (cur = get_field(&pos); cur && !e->detail && !e->oom; cur = next) {
		char *value, *key;
		const char *name;
		size_t k;
		long v = 0;

		next = get_field(&pos);
		cur = chop(cur);
		value = cur + strcspn(cur, "= \t\r\n");
		if (*value) {
			if (*value != '=') {
				*value++ = '\0';
				value += strspn(value, " \t\r\n");
			}
			if (*value == '=') {
				*value++ = '\0';
				value += strspn(value, " \t\r\n");
			}
		}
		if (!*value)
			value = NULL;
		key = cur;
		for (k = 0; k < ELEMENTSOF(options) && strcasecmp(options[k].name, key) != 0; k++)
			;
		if (!*key) {
			decide(e, TW_DENY, TWH_OPT_ERROR, "an empty option (libwrap: \"missing option name\")");
			break;
		}
		if (k == ELEMENTSOF(options)) {
			decide(e, TW_DENY, TWH_OPT_ERROR, "unknown option \"%.64s\"", key);
			break;
		}
		name = options[k].name;
		if (!value && (options[k].flags & O_NEED))
			decide(e, TW_DENY, TWH_OPT_ERROR, "option \"%s\" without its value", name);
		else if (value && !(options[k].flags & (O_NEED | O_OPT)))
			decide(e, TW_DENY, TWH_OPT_ERROR, "option \"%s\" with a value it does not take", name);
		else if (next && (options[k].flags & O_LAST))
			decide(e, TW_DENY, TWH_OPT_ERROR, "option \"%s\" not at the end of the entry", name);
		else if (streq(name, "allow"))
			decide(e, TW_GRANT, TWH_OPT_ALLOW, "allow");
		else if (streq(name, "deny"))
			decide(e, TW_DENY, TWH_OPT_DENY, "deny");
		else if (streq(name, "twist"))
			decide(e, TW_DENY, TWH_OPT_TWIST, "twist %.100s", value);
		else if (streq(name, "umask") && (!scan_int(value, 8, &v) || v < 0 || (v & 0777) != v))
			decide(e, TW_DENY, TWH_OPT_ERROR, "bad umask value \"%.64s\"", value);
		else if (streq(name, "linger") && (!scan_int(value, 10, &v) || v < 0))
			decide(e, TW_DENY, TWH_OPT_ERROR, "bad linger value \"%.64s\"", value);
		else if (streq(name, "nice") && value && !scan_int(value, 10, &v))
			decide(e, TW_DENY, TWH_OPT_ERROR, "bad nice value \"%.64s\"", value);
		else if (streq(name, "rfc931") && value && (!scan_int(value, 10, &v) || v <= 0))
			decide(e, TW_DENY, TWH_OPT_ERROR, "bad rfc931 timeout \"%.64s\"", value);
		else if (streq(name, "setenv") && memchr(value, '=', strcspn(value, " \t\r\n")))
			/* setenv(3) refuses a name with '=' in it; libwrap: "memory allocation failure" */
			decide(e, TW_DENY, TWH_OPT_ERROR, "setenv with '=' in the variable's name (\"%.64s\")", value);
		else if (streq(name, "severity")) {
			char *level = split_at(value, '.');
			if (level ? !in_list(facilities, value) || !in_list(levels, level) : !in_list(levels, value))
				decide(e, TW_DENY, TWH_OPT_ERROR, "bad syslog facility or severity \"%.64s%s%.64s\"", value,
				       level ? "." : "", level ? level : "");
		} else if (streq(name, "user") || streq(name, "group")) {
			/* getpwnam()/getgrnam() through the name service ("user name.group"
			 * looks up both); Debian's build then changes no id: its test is
			 * inverted.  Unknown: libwrap denies. */
			char *group = name[0] == 'u' ? split_at(value, '.') : value;
			const char *user = name[0] == 'u' ? value : NULL;
			const struct accounts *a = x->q->accounts;
			bool gok = !group || (a && accounts_group_by_name(a, group));
			bool uok = !user || (a && accounts_user_by_name(a, user));
			if (!gok || !uok) {
				e->alt_deny = true;
				set_why(e, "the name service knows %s \"%.64s\" (it is not in /etc/%s; libwrap "
					   "denies when it is unknown)", !gok ? "group" : "user", !gok ? group : user,
					!gok ? "group" : "passwd");
			}
		} else if (streq(name, "aclexec")) {
			e->alt_skip = true;
			set_why(e, "the command of \"aclexec %.100s\" exits with 0 (else the entry does not count)", value);
		}
	}
}

/* --------------------------------------------------------------- the walk */

/* The entry as one line: trimmed, cut. */
static char *entry_text(const char *line)
{
	_cleanup_free_ char *s = strdup(line);

	return s ? strdup_trunc(chop(s), 100) : NULL;
}

/* "DAEMON: ADDR\n" exactly, as fail2ban's hostsdeny action appends it. */
static bool single_address(const char *line)
{
	const char *c = strchr(line, ':');
	struct ip_addr a;
	bool scope;
	size_t n;

	if (!c || c == line || c[1] != ' ' || memchr(line, ' ', (size_t) (c - line)) ||
	    memchr(line, '\t', (size_t) (c - line)))
		return false;
	c += 2;
	n = strcspn(c, "\n");
	if (c[n] != '\n' || c[n + 1] || n == 0 || n >= 64)
		return false;
	char buf[64];
	memcpy(buf, c, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a.a) == 1)
		return true;
	return n > 2 && buf[0] == '[' && buf[n - 1] == ']' && parse_v6(buf + 1, n - 2, &a, &scope) && !scope;
}

/* Would the entry match sshd for every client, address and port? */
static bool matches_everyone(struct ctx *x, const char *line)
{
	struct tw_query gq = { .daemon = x->q->daemon, .accounts = x->q->accounts };
	struct ctx g = { .q = &gq, .read = x->read, .userdata = x->userdata, .res = x->res,
			 .table = x->table, .line = x->line, .server.server = true };
	_cleanup_free_ char *s = strdup(line);
	char *cl;
	int m;

	if (!s || !(cl = split_at(s, ':'))) {
		x->oom |= !s;
		return false;
	}
	(void) split_at(cl, ':');
	m = entry_match(&g, s, cl);
	free(g.why);
	free(g.hard_detail);
	x->oom |= g.oom;
	return m == YES;
}

static bool daemons_sshd_only(struct ctx *x, const char *line)
{
	_cleanup_free_ char *s = strdup(line);
	char *save = NULL, *t;

	if (!s || !split_at(s, ':'))
		return false;
	t = strtok_r(s, sep, &save);
	return t && strcasecmp(t, x->q->daemon) == 0 && !strtok_r(NULL, sep, &save);
}

/* Record one way the evaluation can end. */
static int add(struct ctx *x, enum tw_verdict v, enum tw_how how, int table, unsigned line, const char *text,
	       const char *detail, bool certain)
{
	struct tw_step *s = &x->st[v];
	bool had = x->can[v];

	x->can[v] = true;
	if (had) {
		if (s->certain || !certain)
			return 0;	/* keep the first, unless this one is certain and it was not */
		step_done(s);
	}
	*s = (struct tw_step) { .verdict = v, .how = how, .table = table, .line = line, .certain = certain };
	if ((text && !(s->text = entry_text(text))) || (detail && !(s->detail = strdup(detail))))
		return -ENOMEM;
	if (text && line) {
		s->everyone = matches_everyone(x, text);
		s->sshd_only = daemons_sshd_only(x, text);
		s->single_address = table == 1 && how == TWH_ENTRY && single_address(text);
	}
	return x->oom ? -ENOMEM : 0;
}

/* Remember the first entry whose match is uncertain, and on what it depends. */
static int uncertain(struct ctx *x, enum tw_verdict v, enum tw_how how, const char *text, const char *why)
{
	if (x->maybe_why)
		return 0;
	x->maybe = (struct tw_step) { .verdict = v, .how = how, .table = x->table, .line = x->line };
	if (!(x->maybe_why = strdup(why ? why : "something sshfix cannot know")) ||
	    (text && !(x->maybe.text = entry_text(text))))
		return -ENOMEM;
	return 0;
}

/* A file's logical lines, as xgets() reads them. */
struct lines {
	const char *d;
	size_t len, pos;
	unsigned nl;		/* newlines read so far */
};

/*
 * xgets(): fgets() into what is left of the 2048-byte buffer, then
 * strlen(), so a NUL hides the rest of its line; "\\\n" joins the next
 * line; a full buffer ends the line without its newline.  Returns false at
 * the end, else the line in buf (NUL-terminated), the physical line it
 * began on, and whether the buffer filled up.
 */
static bool next_line(struct lines *l, char buf[static TW_BUFLEN], unsigned *ret_first, bool *ret_full)
{
	size_t room = TW_BUFLEN, got;
	char *ptr = buf;

	*ret_first = l->nl + 1;
	*ret_full = false;
	buf[0] = '\0';
	while (l->pos < l->len) {
		size_t n = 0;
		while (n < room - 1 && l->pos < l->len) {
			char c = l->d[l->pos++];
			ptr[n++] = c;
			if (c == '\n') {
				l->nl++;
				break;
			}
		}
		ptr[n] = '\0';
		got = strlen(ptr);
		if (got >= 1 && ptr[got - 1] == '\n') {
			if (got >= 2 && ptr[got - 2] == '\\')
				got -= 2;
			else
				return true;
		}
		ptr += got;
		room -= got;
		if (room == 1)
			return *ret_full = true;
		ptr[0] = '\0';
	}
	return ptr > buf;
}

/* Every pattern list the entries name (and the lists they name): who may change them? */
static int scan_list(struct ctx *x, const char *path, unsigned depth)
{
	struct tw_file f = {0};
	int r = 0;

	for (unsigned i = 0; i < x->depth; i++)
		if (streq(x->stack[i], path))
			return 0;
	if (depth >= TW_LIST_DEPTH || x->n_lists >= TW_LISTS_MAX || !x->read)
		return 0;
	x->n_lists++;
	if (x->read(x->userdata, path, &f) < 0)
		return -ENOMEM;
	if (f.unsafe) {
		_cleanup_free_ char *s = NULL;
		if (asprintf(&s, "%s (%s line %u)", path, tw_table_path(x->table), x->line) < 0)
			r = -ENOMEM;
		else if (!strv_contains(x->res->unsafe_lists, s))
			r = strv_push(&x->res->unsafe_lists, TAKE_PTR(s));
	}
	x->stack[x->depth++] = path;
	for (size_t i = 0; r >= 0 && f.kind == TWF_REGULAR && i < f.len;) {
		while (i < f.len && isspace((unsigned char) f.data[i]))
			i++;
		size_t st = i;
		while (i < f.len && !isspace((unsigned char) f.data[i]))
			i++;
		if (i > st && f.data[st] == '/') {
			_cleanup_free_ char *w = strndup(f.data + st, i - st);
			r = w ? scan_list(x, w, depth + 1) : -ENOMEM;
		}
	}
	x->depth--;
	tw_file_done(&f);
	return r;
}

static int scan_lists(struct ctx *x)
{
	char buf[TW_BUFLEN];
	int r = 0;

	for (int ti = 0; ti < 2 && r >= 0; ti++) {
		const struct tw_file *f = &x->tables[ti];
		struct lines rd = { .d = f->data, .len = f->len };
		unsigned first;
		bool full;
		if (f->kind != TWF_REGULAR)
			continue;
		x->table = ti;
		while (r >= 0 && next_line(&rd, buf, &first, &full)) {
			char *save = NULL, *clients;
			if (buf[0] == '#' || !(clients = split_at(buf, ':')))
				continue;
			(void) split_at(clients, ':');
			clients[-1] = ' ';	/* both lists: words, and host@ parts, beginning with '/' */
			x->line = first;
			for (char *t = strtok_r(buf, sep, &save); t && r >= 0; t = strtok_r(NULL, sep, &save)) {
				char *at = strchr(t + 1, '@');
				const char *p = t[0] == '/' ? t : at && at[1] == '/' ? at + 1 : NULL;
				if (p)
					r = scan_list(x, p, 0);
			}
		}
	}
	return r;
}

/* table_match() of table ti and what follows it. */
static int walk(struct ctx *x, int ti)
{
	const struct tw_file *f;
	char buf[TW_BUFLEN], orig[TW_BUFLEN];
	int r;

	if (x->walked[ti])
		return 0;
	x->walked[ti] = true;
	if (ti == 2)
		return add(x, TW_GRANT, TWH_DEFAULT, -1, 0, NULL, NULL, true);
	f = &x->tables[ti];
	x->table = ti;
	switch (f->kind) {
	case TWF_MISSING:
	case TWF_DIR:
		return walk(x, ti + 1);
	case TWF_FIFO:
		return add(x, TW_DENY, TWH_STALL, ti, 0, NULL, tw_table_path(ti), true);
	case TWF_OTHER:
		/* fopen() fails: hosts.allow is passed over, hosts.deny denies ("cannot open") */
		return ti == 0 ? walk(x, 1) : add(x, TW_DENY, TWH_UNREADABLE, 1, 0, NULL, NULL, true);
	case TWF_DEVICE:
	case TWF_UNREAD: {
		_cleanup_free_ char *why = NULL;
		if ((f->kind == TWF_DEVICE ? asprintf(&why, "what the device %s reads matches", tw_table_path(ti))
					   : asprintf(&why, "an entry of %s matches (sshfix could not read it: %s)", tw_table_path(ti),
						      strerror(-f->error))) < 0)
			return -ENOMEM;
		x->line = 0;
		if ((r = uncertain(x, ti == 0 ? TW_GRANT : TW_DENY, TWH_ENTRY, NULL, why)) < 0 ||
		    (r = add(x, ti == 0 ? TW_GRANT : TW_DENY, TWH_ENTRY, ti, 0, NULL, NULL, false)) < 0)
			return r;
		if (ti == 0 && !x->insert_set)
			x->insert_set = true;	/* before its first line */
		return walk(x, ti + 1);
	}
	case TWF_REGULAR:
		break;
	}
	struct lines rd = { .d = f->data, .len = f->len };
	for (;;) {
		unsigned first;
		bool full;
		if (!next_line(&rd, buf, &first, &full))
			break;	/* the end */
		x->table = ti;
		x->line = first;
		size_t len = strlen(buf);
		if (buf[len - 1] != '\n') {
			/* "missing newline or line too long": the rest of the file is ignored */
			if (ti == 0) {
				if (!x->insert_set)
					x->insert_set = true, x->res->insert_line = first;
				return walk(x, 1);
			}
			memcpy(orig, buf, len + 1);
			return add(x, TW_DENY, TWH_UNTERMINATED, 1, first, orig,
				   full ? "is longer than 2047 bytes" : "is the file's last and has no newline at its end", true);
		}
		if (buf[0] == '#' || buf[strspn(buf, " \t\r\n")] == '\0')
			continue;
		memcpy(orig, buf, len + 1);
		char *clients = split_at(buf, ':');
		if (!clients)
			continue;	/* "missing \":\" separator" */
		char *opts = split_at(clients, ':');
		x->cond = x->hard_maybe = false;
		free(x->why);
		x->why = NULL;
		int m = entry_match(x, buf, clients);
		if (x->oom)
			return -ENOMEM;
		if (x->hard_maybe && m != HARD && ((r = add(x, TW_DENY, x->hard_how, ti, first, orig, x->hard_detail, false)) < 0 ||
						   (r = uncertain(x, TW_DENY, x->hard_how, orig, x->why)) < 0))
			return r;
		if (x->hard_maybe && ti == 0 && !x->insert_set)
			x->insert_set = true, x->res->insert_line = first;
		if (m != NO && ti == 0 && !x->insert_set)
			x->insert_set = true, x->res->insert_line = first;
		if (m == NO)
			continue;
		if (m == HARD)
			return add(x, TW_DENY, x->hard_how, ti, first, orig, x->hard_detail, true);
		struct effect e;
		process_options(x, ti, opts, &e);
		bool alt = e.alt_skip || e.alt_deny;
		r = e.oom ? -ENOMEM : add(x, e.verdict, e.how, ti, first, orig, e.detail, m == YES && !alt);
		if (r >= 0 && m == MAYBE)
			r = uncertain(x, e.verdict, e.how, orig, x->why);
		if (r >= 0 && alt)
			r = uncertain(x, e.verdict, e.how, orig, e.alt_why);
		/* the other worlds: a failing aclexec passes the table over; an unknown name denies */
		if (r >= 0 && e.alt_deny)
			r = add(x, TW_DENY, TWH_OPT_ERROR, ti, first, orig, e.alt_why, false);
		if (r >= 0 && e.alt_skip)
			r = walk(x, ti + 1);
		free(e.detail);
		free(e.alt_why);
		if (r < 0)
			return r;
		if (m == YES)
			return 0;
	}
	return walk(x, ti + 1);
}

int tw_evaluate(const struct tw_file tables[2], const struct tw_query *q, tw_read_fn read, void *userdata,
		struct tw_result *ret)
{
	struct ctx x = { .q = q, .tables = tables, .read = read, .userdata = userdata, .res = ret };
	int r;

	*ret = (struct tw_result) {0};
	x.client = (struct end) { .addr = q->client, .name = q->client_name };
	x.server = (struct end) { .addr = q->server, .name = q->server_name, .server = true };
	r = walk(&x, 0);
	if (r >= 0) {
		x.n_lists = 0;
		r = scan_lists(&x);
	}
	if (r >= 0 && x.oom)
		r = -ENOMEM;
	if (r >= 0) {
		if (x.can[TW_GRANT] && x.can[TW_DENY]) {
			ret->verdict = TW_DEPENDS;
			ret->step = x.maybe;
			ret->alt = x.st[!x.maybe.verdict];
			ret->depends_on = TAKE_PTR(x.maybe_why);
			x.maybe = (struct tw_step) {0};
			x.st[!ret->step.verdict] = (struct tw_step) {0};
		} else {
			ret->verdict = x.can[TW_DENY] ? TW_DENY : TW_GRANT;
			ret->step = x.st[ret->verdict];
			x.st[ret->verdict] = (struct tw_step) {0};
		}
	}
	step_done(&x.st[0]);
	step_done(&x.st[1]);
	step_done(&x.maybe);
	free(x.maybe_why);
	free(x.why);
	free(x.hard_detail);
	if (r < 0)
		tw_result_done(ret);
	return r;
}

char *tw_allow_entry(const char *daemon, const char *addr)
{
	char *s = NULL;

	if (!addr)
		return asprintf(&s, "%s: ALL", daemon) < 0 ? NULL : s;
	return asprintf(&s, strchr(addr, ':') ? "%s: [%s]" : "%s: %s", daemon, addr) < 0 ? NULL : s;
}
