/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iptables-save files and what they do to a new ssh connection (src/iptables.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "iptables.h"
#include "util.h"

#define IPT_DEPTH_MAX 32
#define IPT_TOKENS_MAX 256

struct ipt_rule {
	const char *file;	/* the file it was read from (owned by the ruleset) */
	unsigned line;
	char **argv;		/* the words after "-A CHAIN" */
};

struct ipt_chain {
	char *name;
	char *policy;		/* ACCEPT, DROP; NULL for a user chain */
	const char *file;	/* the file of its ":" line (owned by the ruleset) */
	unsigned line;		/* its ":" line */
	struct ipt_rule *rules;
	size_t n_rules;
};

struct ipt_table {
	char *name;
	unsigned line, commit_line;
	struct ipt_chain *chains;
	size_t n_chains;
};

struct ipt_ruleset {
	char *file;		/* the first file */
	char **files;		/* every file read into it (ipt_parse_more) */
	struct ipt_table *tables;
	size_t n_tables;
};

void ipt_ruleset_free(struct ipt_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n_tables; i++) {
		struct ipt_table *t = &rs->tables[i];
		for (size_t c = 0; c < t->n_chains; c++) {
			for (size_t k = 0; k < t->chains[c].n_rules; k++)
				strv_free(t->chains[c].rules[k].argv);
			free(t->chains[c].rules);
			free(t->chains[c].name);
			free(t->chains[c].policy);
		}
		free(t->chains);
		free(t->name);
	}
	free(rs->tables);
	free(rs->file);
	strv_free(rs->files);
	free(rs);
}

/* Words as iptables-restore splits them: blanks, "double quotes" with \" inside. */
static int split_words(const char *s, size_t n, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	size_t i = 0;
	int r;

	if ((r = strv_ensure(&v)) < 0)
		return r;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i >= n)
			break;
		struct buf w = {0};
		bool quoted = false;
		for (; i < n; i++) {
			char c = s[i];
			if (c == '"') {
				quoted = !quoted;
				continue;
			}
			if (c == '\\' && quoted && i + 1 < n && s[i + 1] == '"') {
				buf_putc(&w, '"');
				i++;
				continue;
			}
			if (!quoted && (c == ' ' || c == '\t' || c == '\r'))
				break;
			buf_putc(&w, c);
		}
		if (quoted) {
			buf_done(&w);
			return -EBADMSG;
		}
		buf_putc(&w, '\0');
		w.len--;
		if (!buf_ok(&w)) {
			buf_done(&w);
			return -ENOMEM;
		}
		if (strv_length(v) >= IPT_TOKENS_MAX) {
			buf_done(&w);
			return -EBADMSG;
		}
		if ((r = strv_push(&v, buf_steal(&w))) < 0)
			return r;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static struct ipt_chain *find_chain(const struct ipt_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->n_chains; i++)
		if (streq(t->chains[i].name, name))
			return &t->chains[i];
	return NULL;
}

static const struct ipt_table *find_table(const struct ipt_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->n_tables; i++)
		if (streq(rs->tables[i].name, name))
			return &rs->tables[i];
	return NULL;
}

static struct ipt_chain *add_chain(struct ipt_table *t, const char *name, const char *policy, const char *file,
				   unsigned line)
{
	struct ipt_chain *c = find_chain(t, name);

	if (c) {
		if (policy && !streq(policy, "-")) {
			free(c->policy);
			c->policy = strdup(policy);
			c->file = file;
			c->line = line;
		}
		return c;
	}
	c = realloc(t->chains, (t->n_chains + 1) * sizeof(*c));
	if (!c)
		return NULL;
	t->chains = c;
	c = &t->chains[t->n_chains];
	*c = (struct ipt_chain) { .name = strdup(name), .file = file, .line = line };
	if (!c->name)
		return NULL;
	if (policy && !streq(policy, "-") && !(c->policy = strdup(policy))) {
		free(c->name);
		return NULL;
	}
	t->n_chains++;
	return c;
}

static int add_rule(struct ipt_chain *c, size_t pos, const char *file, unsigned line, char **argv)
{
	struct ipt_rule *v = realloc(c->rules, (c->n_rules + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	c->rules = v;
	if (pos > c->n_rules)
		pos = c->n_rules;
	memmove(&v[pos + 1], &v[pos], (c->n_rules - pos) * sizeof(*v));
	v[pos] = (struct ipt_rule) { file, line, argv };
	c->n_rules++;
	return 0;
}

/* Read one iptables-save text into rs, as iptables-restore -n would (tables and chains kept, rules appended). */
static int parse_into(struct ipt_ruleset *rs, const char *file_arg, const char *data, size_t len, int line_offset,
		      unsigned *ret_line, const char **ret_why)
{
	struct ipt_table *cur = NULL;
	struct text_lines it = { data, len, 0, 0 };
	const char *l, *file;
	size_t n;
	int r = 0;

	*ret_line = 0;
	*ret_why = NULL;
	if (strv_push(&rs->files, strdup(file_arg)) < 0)
		return -ENOMEM;
	file = rs->files[strv_length(rs->files) - 1];
#define LINE ((unsigned) ((int) it.lineno + line_offset))
#define BAD(why)                          \
	do {                              \
		*ret_line = LINE;         \
		*ret_why = (why);         \
		return -EBADMSG;          \
	} while (0)
	if (memchr(data, '\0', len)) {
		it.lineno = 0;
		BAD("the file holds a NUL byte: it is no text file");
	}
	while (text_next_line(&it, &l, &n)) {
		while (n && (*l == ' ' || *l == '\t'))
			l++, n--;
		while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
			n--;
		if (n == 0 || *l == '#')
			continue;
		_cleanup_strv_free_ char **w = NULL;
		r = split_words(l, n, &w);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			BAD("a quote is not closed, or the line has too many words");
		if (!w[0])
			continue;
		if (w[0][0] == '*') {
			if (cur)
				BAD("a table starts before the previous one's COMMIT");
			for (size_t i = 0; i < rs->n_tables && !cur; i++)
				if (streq(rs->tables[i].name, w[0] + 1))
					cur = &rs->tables[i];	/* -n: the table is kept */
			if (cur)
				continue;
			struct ipt_table *v = realloc(rs->tables, (rs->n_tables + 1) * sizeof(*v));
			if (!v)
				return -ENOMEM;
			rs->tables = v;
			cur = &v[rs->n_tables];
			*cur = (struct ipt_table) { .name = strdup(w[0] + 1), .line = LINE };
			if (!cur->name)
				return -ENOMEM;
			rs->n_tables++;
			continue;
		}
		if (streq(w[0], "COMMIT")) {
			if (!cur)
				BAD("COMMIT outside a table");
			cur->commit_line = LINE;
			cur = NULL;
			continue;
		}
		if (!cur)
			BAD("a line outside a table (\"*filter\" ... COMMIT)");
		if (w[0][0] == ':') {
			if (!w[0][1] || !w[1])
				BAD("a chain line without a policy");
			if (!add_chain(cur, w[0] + 1, w[1], file, LINE))
				return -ENOMEM;
			continue;
		}
		char **a = w;
		if (a[0][0] == '[')	/* [packets:bytes] -A ... */
			a++;
		if (!a[0] || !a[1])
			BAD("a rule line iptables-restore does not understand");
		bool append = streq(a[0], "-A") || streq(a[0], "--append");
		bool insert = streq(a[0], "-I") || streq(a[0], "--insert");
		if (streq(a[0], "-N") || streq(a[0], "--new-chain")) {
			if (!add_chain(cur, a[1], NULL, file, LINE))
				return -ENOMEM;
			continue;
		}
		if (streq(a[0], "-P") || streq(a[0], "--policy")) {
			if (!a[2])
				BAD("-P without a policy");
			if (!add_chain(cur, a[1], a[2], file, LINE))
				return -ENOMEM;
			continue;
		}
		if (!append && !insert) {
			if (a[0][0] == '-')
				continue;	/* -F, -X, -Z: nothing a fresh restore keeps */
			BAD("a line iptables-restore does not understand");
		}
		struct ipt_chain *c = add_chain(cur, a[1], NULL, file, LINE);
		if (!c)
			return -ENOMEM;
		size_t pos = append ? c->n_rules : 0, skip = 2;
		unsigned long long num;
		if (insert && a[2] && parse_uint(a[2], 10, 100000, &num) == 0 && num > 0) {
			pos = (size_t) num - 1;
			skip = 3;
		}
		char **argv = NULL;
		if (strv_copy(&argv, a + skip) < 0 || add_rule(c, pos, file, LINE, argv) < 0) {
			strv_free(argv);
			return -ENOMEM;
		}
	}
	if (cur)
		BAD("the last table has no COMMIT");
#undef BAD
#undef LINE
	return 0;
}

int ipt_parse(const char *file, const char *data, size_t len, struct ipt_ruleset **ret, unsigned *ret_line,
	      const char **ret_why)
{
	struct ipt_ruleset *rs = calloc(1, sizeof(*rs));
	int r;

	*ret_line = 0;
	*ret_why = NULL;
	if (!rs || !(rs->file = strdup(file))) {
		ipt_ruleset_free(rs);
		return -ENOMEM;
	}
	r = parse_into(rs, file, data, len, 0, ret_line, ret_why);
	if (r < 0) {
		ipt_ruleset_free(rs);
		return r;
	}
	*ret = rs;
	return 0;
}

int ipt_parse_more(struct ipt_ruleset **rs, const char *file, const char *data, size_t len, int line_offset,
		   unsigned *ret_line, const char **ret_why)
{
	*ret_line = 0;
	*ret_why = NULL;
	if (!*rs) {
		*rs = calloc(1, sizeof(**rs));
		if (!*rs || !((*rs)->file = strdup(file))) {
			ipt_ruleset_free(*rs);
			*rs = NULL;
			return -ENOMEM;
		}
	}
	return parse_into(*rs, file, data, len, line_offset, ret_line, ret_why);
}

/* The non-terminating targets: the packet goes on to the next rule. */
static bool target_continues(const char *t)
{
	static const char *const v[] = { "LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "TRACE", "AUDIT", "CT", "NOTRACK",
					 "CLASSIFY", "DSCP", "TOS", "TCPMSS", "SET", "CHECKSUM", "CONNSECMARK", "SECMARK" };
	for (size_t i = 0; i < ELEMENTSOF(v); i++)
		if (streq(t, v[i]))
			return true;
	return false;
}

static bool list_has(const char *list, const char *word)
{
	_cleanup_free_ char *copy = strdup(list);
	char *save = NULL;

	if (!copy)
		return false;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (strcasecmp(w, word) == 0)
			return true;
	return false;
}

/* --tcp-flags MASK COMP for a SYN alone. */
static int syn_flags(const char *mask, const char *comp)
{
	static const char *const all[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG" };

	for (size_t i = 0; i < ELEMENTSOF(all); i++) {
		bool in_mask = list_has(mask, "ALL") || list_has(mask, all[i]);
		bool in_comp = list_has(comp, "ALL") || list_has(comp, all[i]);
		if (in_mask && in_comp != streq(all[i], "SYN"))
			return FW_NO;
	}
	return FW_YES;
}

/* A comma list of ports or addresses: FW_YES when one matches, FW_MAYBE when one might, else FW_NO. */
static int list_match(const char *list, int (*one)(const char *w, const struct fw_packet *p), const struct fw_packet *p)
{
	_cleanup_free_ char *copy = strdup(list);
	char *save = NULL;
	int res = FW_NO;

	if (!copy)
		return FW_MAYBE;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int m = one(w, p);
		if (m == FW_YES)
			return FW_YES;
		if (m == FW_MAYBE)
			res = FW_MAYBE;
	}
	return res;
}

static int port_one(const char *w, const struct fw_packet *p)
{
	return fw_port_match(w, p->port);
}

static int port_list(const char *list, const struct fw_packet *p)
{
	return list_match(list, port_one, p);
}

static int addr_list(const char *list, const struct fw_packet *p)
{
	return list_match(list, fw_addr_match, p);
}

/* Options of targets (they follow -j); they never decide a match. */
static bool target_option(const char *o)
{
	return startswith(o, "--reject-with") || startswith(o, "--log-") || startswith(o, "--nflog-") ||
	       startswith(o, "--set-") || startswith(o, "--save-") || startswith(o, "--restore-") ||
	       startswith(o, "--to-") || startswith(o, "--ulog-") || startswith(o, "--zone") || streq(o, "--notrack") ||
	       startswith(o, "--and-") || startswith(o, "--or-") || startswith(o, "--xor-") || startswith(o, "--clamp-") ||
	       startswith(o, "--add-set") || startswith(o, "--del-set") || streq(o, "--exist") || streq(o, "--timeout");
}

struct rule_info {
	int match;		/* FW_YES, FW_NO, FW_MAYBE */
	const char *target;	/* NULL: none */
	bool is_goto;
	char why[128];		/* what made it FW_MAYBE */
};

static void maybe(struct rule_info *ri, const char *fmt, ...) _printf_(2, 3);
static void maybe(struct rule_info *ri, const char *fmt, ...)
{
	va_list ap;

	if (ri->match == FW_YES) {
		ri->match = FW_MAYBE;
		va_start(ap, fmt);
		vsnprintf(ri->why, sizeof(ri->why), fmt, ap);
		va_end(ap);
	}
}

static void judge_rule(const struct ipt_rule *rule, const struct fw_packet *p, struct rule_info *ri)
{
	char **a = rule->argv;
	bool neg = false;
	bool proto_tcp = false;

	*ri = (struct rule_info) { .match = FW_YES };
	for (size_t i = 0; a[i]; i++) {
		const char *o = a[i], *v = a[i + 1];
		int m = FW_YES;
		bool takes = true;
		if (streq(o, "!")) {
			neg = true;
			continue;
		}
		if (streq(o, "-p") || streq(o, "--protocol")) {
			if (!v)
				break;
			m = (strcasecmp(v, "tcp") == 0 || streq(v, "6") || strcasecmp(v, "all") == 0 || streq(v, "0")) ? FW_YES
															   : FW_NO;
			proto_tcp = m == FW_YES;
		} else if (streq(o, "-s") || streq(o, "--source") || streq(o, "--src")) {
			if (!v)
				break;
			m = addr_list(v, p);
			if (m == FW_MAYBE)
				maybe(ri, "-s %.60s (not a numeric address)", v);
		} else if (streq(o, "-d") || streq(o, "--destination") || streq(o, "--dst")) {
			if (!v)
				break;
			m = (streq(v, "0.0.0.0/0") || streq(v, "::/0")) ? FW_YES : FW_MAYBE;
			if (m == FW_MAYBE)
				maybe(ri, "-d %.60s (the machine's address is not known here)", v);
		} else if (streq(o, "-i") || streq(o, "--in-interface")) {
			if (!v)
				break;
			if (streq(v, "lo"))
				m = FW_NO;
			else if (neg) {
				maybe(ri, "! -i %.60s", v);
				m = FW_MAYBE;
				neg = false;	/* already judged */
			}
		} else if (streq(o, "-o") || streq(o, "--out-interface")) {
			if (!v)
				break;
			m = FW_MAYBE;
			maybe(ri, "-o %.60s", v);
		} else if (streq(o, "-m") || streq(o, "--match")) {
			if (!v)
				break;
			if (streq(v, "recent")) {
				/* the lists are empty at boot: a first connection is in none (ufw's limit rules) */
				m = FW_YES;
				for (size_t k = i + 2; a[k]; k++)
					if (streq(a[k], "--rcheck") || streq(a[k], "--update"))
						m = FW_NO;
			} else if (streq(v, "set") || streq(v, "limit") || streq(v, "hashlimit") ||
			    streq(v, "connlimit") || streq(v, "time") || streq(v, "string") || streq(v, "u32") ||
			    streq(v, "bpf") || streq(v, "owner") || streq(v, "statistic") || streq(v, "geoip")) {
				if (streq(v, "set"))
					maybe(ri, "-m set (an ipset: its members are not known here)");
				else
					maybe(ri, "-m %.40s", v);
				m = FW_MAYBE;
			}
		} else if (streq(o, "--dport") || streq(o, "--destination-port")) {
			if (!v)
				break;
			m = proto_tcp ? fw_port_match(v, p->port) : FW_NO;
			if (m == FW_MAYBE)
				maybe(ri, "--dport %.60s", v);
		} else if (streq(o, "--dports") || streq(o, "--destination-ports") || streq(o, "--ports")) {
			if (!v)
				break;
			m = proto_tcp ? port_list(v, p) : FW_NO;
			if (m == FW_NO && streq(o, "--ports"))
				m = FW_MAYBE;	/* the source port may be in it */
			if (m == FW_MAYBE)
				maybe(ri, "%s", o);
		} else if (streq(o, "--sport") || streq(o, "--source-port") || streq(o, "--sports") ||
			   streq(o, "--source-ports")) {
			if (!v)
				break;
			m = FW_MAYBE;
			maybe(ri, "%s (the client's port is not known)", o);
		} else if (streq(o, "--set") || streq(o, "--rcheck") || streq(o, "--update") || streq(o, "--remove") ||
			   streq(o, "--rsource") || streq(o, "--rdest") || streq(o, "--rttl") || streq(o, "--reap")) {
			takes = false;	/* -m recent's: judged with it */
		} else if (streq(o, "--seconds") || streq(o, "--hitcount") || streq(o, "--name") || streq(o, "--mask")) {
			/* -m recent's, with a value */
		} else if (startswith(o, "--rt-")) {
			/* -m rt: a routing header, which a client's SYN does not carry */
			m = FW_NO;
			takes = v && v[0] != '-' && !streq(v, "!");
		} else if (streq(o, "--syn")) {
			takes = false;
		} else if (streq(o, "--tcp-flags")) {
			if (!v || !a[i + 2])
				break;
			m = syn_flags(v, a[i + 2]);
			i++;
		} else if (streq(o, "--state") || streq(o, "--ctstate")) {
			if (!v)
				break;
			m = list_has(v, "NEW") ? FW_YES : FW_NO;
		} else if (streq(o, "--comment") || streq(o, "--icmp-type") || streq(o, "--icmpv6-type") ||
			   streq(o, "--limit-iface-in")) {
			m = FW_YES;
			if (streq(o, "--limit-iface-in"))
				takes = false;
		} else if (streq(o, "--dst-type")) {
			if (!v)
				break;
			m = (list_has(v, "LOCAL") || list_has(v, "UNICAST")) ? FW_YES : FW_NO;
		} else if (streq(o, "--src-type")) {
			if (!v)
				break;
			m = list_has(v, "UNICAST") ? FW_YES : FW_NO;
		} else if (streq(o, "-4") || streq(o, "--ipv4") || streq(o, "-6") || streq(o, "--ipv6")) {
			m = (o[1] == '4' || streq(o, "--ipv4")) == (p->family == AF_INET) ? FW_YES : FW_NO;
			takes = false;
		} else if (streq(o, "-f") || streq(o, "--fragment")) {
			m = FW_NO;
			takes = false;
		} else if (streq(o, "-j") || streq(o, "--jump") || streq(o, "-g") || streq(o, "--goto")) {
			if (!v)
				break;
			ri->target = v;
			ri->is_goto = o[1] == 'g' || streq(o, "--goto");
		} else if (streq(o, "-c") || streq(o, "--set-counters")) {
			/* two values, packets and bytes: never step past the list's end */
			if (!v || !a[i + 2])
				break;
			i++;
		} else if (target_option(o)) {
			/* an option of the target */
		} else if (o[0] == '-') {
			m = FW_MAYBE;
			maybe(ri, "%.60s", o);
			takes = v && v[0] != '-' && !streq(v, "!");	/* a flag of a match not known here */
		} else
			takes = false;	/* a value of an option not known here */
		if (neg) {
			if (m == FW_YES)
				m = FW_NO;
			else if (m == FW_NO)
				m = FW_YES;
			neg = false;
		}
		if (m == FW_NO)
			ri->match = FW_NO;
		else if (m == FW_MAYBE && ri->match == FW_YES)
			ri->match = FW_MAYBE;
		if (takes && v)
			i++;
	}
}

#define CONT 100

static void answer(struct fw_answer *a, enum fw_verdict v, const char *file, unsigned line, const char *fmt, ...)
	_printf_(5, 6);
static void answer(struct fw_answer *a, enum fw_verdict v, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	a->verdict = v;
	a->file = file;
	a->line = line;
	va_start(ap, fmt);
	vsnprintf(a->what, sizeof(a->what), fmt, ap);
	va_end(ap);
}

/* Walk chain c; returns a verdict, or CONT when the packet falls off its end (or RETURNs). */
static int walk(const struct ipt_ruleset *rs, const struct ipt_table *t, const struct ipt_chain *c,
		const struct fw_packet *p, unsigned depth, struct fw_answer *a, unsigned *ret_top)
{
	if (depth > IPT_DEPTH_MAX) {
		answer(a, FW_UNKNOWN, c->file ? c->file : rs->file, c->line, "chains jump more than %s deep%s", "32", "");
		return FW_UNKNOWN;
	}
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct ipt_rule *rule = &c->rules[i];
		struct rule_info ri;
		judge_rule(rule, p, &ri);
		if (ri.match == FW_NO || !ri.target || target_continues(ri.target))
			continue;
		if (ret_top)
			*ret_top = rule->line;
		const char *tg = ri.target;
		if (streq(tg, "ACCEPT") || streq(tg, "DROP") || streq(tg, "REJECT")) {
			if (ri.match == FW_MAYBE) {
				answer(a, FW_UNKNOWN, rule->file, rule->line, "-j %s behind %s", tg, ri.why);
				return FW_UNKNOWN;
			}
			enum fw_verdict v = tg[0] == 'A' ? FW_ACCEPT : tg[0] == 'D' ? FW_DROP : FW_REJECT;
			answer(a, v, rule->file, rule->line, "rule -j %s in chain %s", tg, c->name);
			return v;
		}
		if (streq(tg, "RETURN")) {
			if (ri.match == FW_MAYBE) {
				answer(a, FW_UNKNOWN, rule->file, rule->line, "-j %s behind %s", tg, ri.why);
				return FW_UNKNOWN;
			}
			return CONT;
		}
		const struct ipt_chain *sub = find_chain(t, tg);
		if (!sub) {
			answer(a, FW_UNKNOWN, rule->file, rule->line, "target %.60s%s", tg, " is not known here");
			return FW_UNKNOWN;
		}
		int v = walk(rs, t, sub, p, depth + 1, a, NULL);
		if (v == CONT && ri.is_goto && ri.match == FW_YES)
			return CONT;
		if (v == CONT)
			continue;
		if (ri.match == FW_MAYBE) {
			answer(a, FW_UNKNOWN, rule->file, rule->line, "-j %s behind %s", tg, ri.why);
			return FW_UNKNOWN;
		}
		return v;
	}
	if (ret_top)
		*ret_top = 0;
	return CONT;
}

/* The base chains a packet for this machine crosses, in order. */
static const struct {
	const char *table, *chain;
} base_chains[] = {
	{ "raw", "PREROUTING" },
	{ "mangle", "PREROUTING" },
	{ "mangle", "INPUT" },
	{ "filter", "INPUT" },
};

/* Evaluate; *ret_base the index in base_chains that decided (-1 none), *ret_top its rule's line (0: the policy). */
static void eval_full(const struct ipt_ruleset *rs, const struct fw_packet *p, struct fw_answer *a, int *ret_base,
		      unsigned *ret_top)
{
	*a = (struct fw_answer) { .verdict = FW_ACCEPT, .file = rs->file };
	snprintf(a->what, sizeof(a->what), "no chain on the way drops it");
	*ret_base = -1;
	*ret_top = 0;
	for (size_t b = 0; b < ELEMENTSOF(base_chains); b++) {
		const struct ipt_table *t = find_table(rs, base_chains[b].table);
		const struct ipt_chain *c = find_chain(t, base_chains[b].chain);
		unsigned top = 0;
		if (!c)
			continue;
		int v = walk(rs, t, c, p, 0, a, &top);
		if (v == CONT) {
			if (!c->policy || strcasecmp(c->policy, "ACCEPT") == 0)
				continue;
			v = strcasecmp(c->policy, "DROP") == 0 ? FW_DROP : FW_UNKNOWN;
			answer(a, v, c->file ? c->file : rs->file, c->line, "policy %.20s of chain %.40s", c->policy, c->name);
			top = 0;
		}
		if (v == FW_ACCEPT)
			continue;
		/* DROP, REJECT, UNKNOWN: this base chain decides */
		size_t l = strlen(a->what);
		snprintf(a->what + l, sizeof(a->what) - l, " (*%s %s)", t->name, c->name);
		*ret_base = (int) b;
		*ret_top = top;
		return;
	}
	*a = (struct fw_answer) { .verdict = FW_ACCEPT, .file = rs->file };
	snprintf(a->what, sizeof(a->what), "no chain on the way drops it");
}

void ipt_eval(const struct ipt_ruleset *rs, const struct fw_packet *p, struct fw_answer *ret)
{
	int base;
	unsigned top;

	eval_full(rs, p, ret, &base, &top);
}

int ipt_plan_accept(const struct ipt_ruleset *rs, const char *data, size_t len, const struct fw_packet *p,
		    char **ret_data, size_t *ret_len)
{
	struct fw_answer a;
	int base;
	unsigned top, at;

	eval_full(rs, p, &a, &base, &top);
	if (a.verdict == FW_ACCEPT || base < 0)
		return 1;
	const struct ipt_table *t = find_table(rs, base_chains[base].table);
	if (!t || t->commit_line == 0)
		return -ENOTSUP;
	at = top ? top : t->commit_line;

	struct buf b = {0};
	struct text_lines it = { data, len, 0, 0 };
	const char *l;
	size_t n, off = 0;
	/* copy lines 1 .. at-1 byte for byte */
	while (it.lineno + 1 < at && text_next_line(&it, &l, &n))
		off = it.off;
	buf_append(&b, data, off);
	buf_printf(&b, "# sshfix: let new ssh connections (tcp port %u) through\n-A %s", (unsigned) p->port,
		   base_chains[base].chain);
	if (p->from)
		buf_printf(&b, " -s %s/%d", p->from, p->family == AF_INET6 ? 128 : 32);
	buf_printf(&b, " -p tcp -m tcp --dport %u -j ACCEPT\n", (unsigned) p->port);
	buf_append(&b, data + off, len - off);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret_len = b.len;
	*ret_data = buf_steal(&b);
	return 0;
}
