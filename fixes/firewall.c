/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * firewall: the persistent nftables, iptables and ufw rules the boot loads,
 * and whether they let a new connection to sshd's ports through (RULES
 * §8.1-8.4, issue 12).
 *
 * What counts is what the boot loads: nftables.service (Debian's
 * /etc/nftables.conf, EL's /etc/sysconfig/nftables.conf, and their
 * includes), netfilter-persistent.service (iptables-persistent's
 * /etc/iptables/rules.v4, rules.v6) and EL's iptables.service /
 * ip6tables.service (/etc/sysconfig/iptables, ip6tables) and ufw.service
 * with ENABLED=yes in /etc/ufw/ufw.conf (what /lib/ufw/ufw-init start
 * loads: its chains and INPUT jumps, DEFAULT_INPUT_POLICY from
 * /etc/default/ufw, before.rules, after.rules and user.rules, and the
 * IPv6 twins, put into one iptables ruleset per family) -- each only when
 * the unit starts at boot (src/units.h; a masked or disabled unit loads
 * nothing).  The ports are the listen set's (socket activation included),
 * for the --from address or, without it, for any address that is not local,
 * over IPv4 and IPv6.
 *
 * Each verdict comes twice: statically (src/nft.h, src/iptables.h: file
 * and line of the rule or policy that decides) and from the kernel itself
 * (src/netprobe.h: the target's own nft / iptables-restore load the files
 * into a private network namespace and a real SYN is sent to each port),
 * before and, in every mode, with the planned files after the repair.
 * Where the two differ the kernel wins and the report says so; where the
 * kernel cannot be asked (not root, another architecture, no netfilter)
 * the static verdict stands alone and the report says that too.
 *
 *  - firewall-nftables-blocks: a base chain on the input hook does not
 *    accept the connection.  Repair: "tcp dport P accept" (with
 *    "ip saddr FROM" for --from) as the first rule of each such chain, in
 *    the file that declares it.  Never a flush, never a disabled unit.
 *  - firewall-iptables-blocks: the saved rules drop or reject it.  Repair:
 *    "-A INPUT [-s FROM] -p tcp -m tcp --dport P -j ACCEPT" before the
 *    first rule that blocks it (before COMMIT when the policy does), in the
 *    v4 and v6 files as needed.
 *  - firewall-ufw-blocks: ufw drops or rejects it (its default policy, or a
 *    rule).  Repair: what "ufw insert 1 allow PORT/tcp" writes -- the
 *    "### tuple ###" line and "-A ufw-user-input -p tcp --dport P -j
 *    ACCEPT" (-s FROM for --from) first in the RULES section of user.rules
 *    (ufw6-user-input in user6.rules), so that ufw status lists it.  Never
 *    a disabled ufw or a changed default policy; a block in before.rules or
 *    IPV6=no is reported with the reason and left to the admin.
 *  - firewall-include-unsafe: nft -f reads a file that a user can change
 *    (a user owns it or can write it or its directory): whoever can write
 *    it decides the machine's firewall.  Report only; such a file is never
 *    rewritten.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "fixes.h"
#include "addresses.h"
#include "fwcommon.h"
#include "iptables.h"
#include "listen_set.h"
#include "netprobe.h"
#include "nft.h"
#include "run.h"
#include "units.h"
#include "util.h"

#define PACKETS_MAX 64
#define PLANNED_MAX 32

/* This family's problems: each code is its row's index in firewall_problems[]. */
enum problem_code {
	PR_FIREWALL_NFTABLES_BLOCKS,
	PR_FIREWALL_IPTABLES_BLOCKS,
	PR_FIREWALL_UFW_BLOCKS,
	PR_FIREWALL_INCLUDE_UNSAFE,
};

static const struct problem firewall_problems[] = {
	{ PR_FIREWALL_NFTABLES_BLOCKS, "firewall-nftables-blocks", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "nftables.service loads this ruleset at every boot (nft -f). A new connection must be accepted by every "
	  "base chain on the input hook of every ip, ip6 and inet table: an accept ends only its own chain, a drop "
	  "anywhere ends the connection (\"Connection timed out\"; a reject: \"Connection refused\"). The repair puts "
	  "\"tcp dport PORT accept\" (with the source address given with --from) first in each chain that does not "
	  "accept it; nothing is flushed or disabled. RULES §8.3" },
	{ PR_FIREWALL_IPTABLES_BLOCKS, "firewall-iptables-blocks", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "The boot restores these saved rules (netfilter-persistent, or EL's iptables.service) before sshd starts: "
	  "a DROP gives \"Connection timed out\", a REJECT \"Connection refused\". The repair inserts "
	  "\"-A INPUT -p tcp -m tcp --dport PORT -j ACCEPT\" (with -s for --from) just before the rule that blocks "
	  "it, or at the end of the chain when its policy does; no rule is removed. RULES §8.1, §8.2" },
	{ PR_FIREWALL_UFW_BLOCKS, "firewall-ufw-blocks", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "ufw.service runs ufw-init at every boot when /etc/ufw/ufw.conf says ENABLED=yes: it loads before.rules, "
	  "user.rules (the rules \"ufw allow\" writes) and after.rules, and drops (or, with REJECT, rejects) what "
	  "none of them accepts, as DEFAULT_INPUT_POLICY in /etc/default/ufw says. The repair adds what \"ufw allow "
	  "PORT/tcp\" (\"ufw allow from FROM to any port PORT proto tcp\" with --from) writes: the \"### tuple ###\" "
	  "line and its -A ufw-user-input rule, first in the RULES section of user.rules (ufw6-user-input in "
	  "user6.rules for IPv6), so \"ufw status\" shows it; ufw stays enabled and its default policy is not "
	  "changed. RULES §8.4" },
	{ PR_FIREWALL_INCLUDE_UNSAFE, "firewall-include-unsafe", SEV_WARNING, PF_REPORT_ONLY,
	  "{path}: {detail}",
	  "nft -f runs as root at every boot and loads whatever this file says: a user who can change it (owns "
	  "it, or can write it or the directory that holds it) decides what the firewall lets in, or can lock "
	  "everyone out. Make it and its directory root's and not writable by others; sshfix does not rewrite "
	  "such a file. RULES §8.3" },
	{ .id = NULL },
};

enum tool { TOOL_NFT, TOOL_IPT, TOOL_UFW };

/* One ruleset the boot loads. */
struct source {
	enum tool tool;
	const char *unit;
	const char *file;	/* the main file */
	int family;		/* iptables: the file's family; nft: AF_UNSPEC */
	const char *argv[4];
	/* static view */
	struct nft_ruleset *nft;
	struct ipt_ruleset *ipt;
	char *data;		/* iptables: the file's text */
	size_t len;
	bool judged;
	bool too_big;		/* larger than CONFIG_MAX: the kernel is not asked either */
	char **unsafe;		/* files nft reads that a user can change: path, why, ... */
	bool refused;		/* one of them was not read: the loader's words about it are not shown */
	bool ufw_no_v6;		/* ufw: IPV6=no, so ufw-init drops all IPv6 but lo */
	/* a planned repair */
	struct planned {
		char *path, *data;
		size_t len;
	} plan[PLANNED_MAX];
	size_t n_plan;
	bool plan_failed;
	char *plan_why;
};

struct packet {
	struct fw_packet p;
	struct fw_answer ans[8];	/* per source */
	enum fw_verdict combined;
	int blocker;		/* the source that decides, -1 none */
	/* the kernel, now and after the planned repairs */
	bool probed, probed_after;
	struct netprobe_port_result now, after;
};

struct state {
	struct source src[8];
	size_t n_src;
	struct packet pk[PACKETS_MAX];
	size_t n_pk;
	char *probe_error, *probe_after_error;
	char *loader_failed;	/* the boot's view: a loader that failed loads nothing (its words) */
};

/* What a finding's repair writes. */
struct fixdata {
	struct {
		char *path, *old, *new;
		size_t old_len, new_len;
	} f[PLANNED_MAX];
	size_t n;
	char *why_not;		/* no repair could be planned: why */
};

static void fixdata_free(void *p)
{
	struct fixdata *d = p;

	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->f[i].path);
		free(d->f[i].old);
		free(d->f[i].new);
	}
	free(d->why_not);
	free(d);
}

static void state_done(struct state *s)
{
	for (size_t i = 0; i < s->n_src; i++) {
		nft_ruleset_free(s->src[i].nft);
		ipt_ruleset_free(s->src[i].ipt);
		free(s->src[i].data);
		for (size_t k = 0; k < s->src[i].n_plan; k++) {
			free(s->src[i].plan[k].path);
			free(s->src[i].plan[k].data);
		}
		free(s->src[i].plan_why);
		strv_free(s->src[i].unsafe);
	}
	free(s->probe_error);
	free(s->probe_after_error);
	free(s->loader_failed);
}

/* ---- reading, with planned contents over the target's ---- */

struct reader_ctx {
	struct target *t;
	const struct source *src;	/* its plan overrides the target's files; may be NULL */
	char ***unsafe;			/* where to note files a user can change: path, why, path, why, ...; may be NULL */
	bool *refused;			/* set when a file was not read at all */
};

static int note_unsafe(struct reader_ctx *c, const char *path, const char *why)
{
	if (!c->unsafe)
		return 0;
	for (size_t i = 0; *c->unsafe && (*c->unsafe)[i]; i += 2)
		if (streq((*c->unsafe)[i], path))
			return 0;
	int r = strv_push(c->unsafe, strdup(path));
	return r < 0 ? r : strv_push(c->unsafe, strdup(why));
}

/*
 * Read a file nft -f would read.  Never through a symlink a user controls,
 * never a file in a directory a user can change (it may be a hard link to
 * /etc/shadow), never a secret: those are not read (nft's words about them
 * would print their content) and are findings of their own.
 */
static int rd_read(void *ud, const char *path, char **ret_data, size_t *ret_len)
{
	struct reader_ctx *c = ud;
	const char *why = NULL;
	bool refused = false;
	int r;

	for (size_t i = 0; c->src && i < c->src->n_plan; i++)
		if (streq(c->src->plan[i].path, path)) {
			char *d = malloc(c->src->plan[i].len + 1);
			if (!d)
				return -ENOMEM;
			memcpy(d, c->src->plan[i].data, c->src->plan[i].len);
			d[c->src->plan[i].len] = '\0';
			*ret_data = d;
			*ret_len = c->src->plan[i].len;
			return 0;
		}
	r = fw_read_root_file(c->t, path, ret_data, ret_len, &why, &refused);
	if (why) {
		int k = note_unsafe(c, path, why);
		if (k < 0) {
			if (r >= 0)
				free(*ret_data);
			return k;
		}
	}
	if (refused)
		*c->refused = true;
	return r;
}

static int rd_glob(void *ud, const char *pattern, char ***ret)
{
	struct reader_ctx *c = ud;
	return target_glob(c->t, pattern, ret);
}

static int load_nft(struct target *t, struct source *src, struct nft_ruleset **ret, char **ret_why)
{
	bool refused = false;
	struct reader_ctx ctx = { t, src, src->n_plan ? NULL : &src->unsafe, src->n_plan ? &refused : &src->refused };
	const struct fw_reader rd = { rd_read, rd_glob, &ctx };
	return nft_load(&rd, src->file, ret, ret_why);
}

/* ---- what the boot loads ---- */

static int unit_loads(struct run *run, const char *name, const struct unit **ret)
{
	struct units *units = run_units(run);
	return units ? units_boot_starts(units, name, ret) : -ENOMEM;
}

static bool exists(struct run *run, const char *path)
{
	struct stat st;
	return target_stat(run->target, path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- ufw (RULES §8.4) ---- */

#define UFW_DEFAULTS "/etc/default/ufw"
#define UFW_CONF "/etc/ufw/ufw.conf"
#define UFW_INIT "/lib/ufw/ufw-init"

/* A file as the loader sees it: the planned contents of source x (may be NULL) over the target's; NULL data when missing. */
static int read_planned(struct target *t, const struct source *x, const char *path, char **ret_data, size_t *ret_len)
{
	for (size_t i = 0; x && i < x->n_plan; i++)
		if (streq(x->plan[i].path, path)) {
			char *d = malloc(x->plan[i].len + 1);
			if (!d)
				return -ENOMEM;
			memcpy(d, x->plan[i].data, x->plan[i].len);
			d[x->plan[i].len] = '\0';
			*ret_data = d;
			*ret_len = x->plan[i].len;
			return 0;
		}
	int r = target_read_file(t, path, CONFIG_MAX, ret_data, ret_len);
	if (r == -ENOENT) {
		*ret_data = NULL;	/* ufw-init: "Couldn't find", and goes on */
		*ret_len = 0;
		return 0;
	}
	return r;	/* -EFBIG: too large to judge, and the kernel is not asked either */
}

/* KEY=value in a file the shell sources (ufw.conf, /etc/default/ufw): the last one, unquoted; *ret_line its line. */
static int shell_var(const char *data, size_t len, const char *key, char **ret, unsigned *ret_line)
{
	struct text_lines it = { data, len, 0, 0 };
	const char *l;
	size_t n, klen = strlen(key);

	*ret = NULL;
	*ret_line = 0;
	while (data && text_next_line(&it, &l, &n)) {
		while (n && (*l == ' ' || *l == '\t'))
			l++, n--;
		if (n <= klen || memcmp(l, key, klen) != 0 || l[klen] != '=')
			continue;
		l += klen + 1;
		n -= klen + 1;
		while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
			n--;
		if (n >= 1 && (l[0] == '"' || l[0] == '\'')) {
			const char *e = memchr(l + 1, l[0], n - 1);
			n = e ? (size_t) (e - l - 1) : n - 1;
			l++;
		} else
			for (size_t k = 0; k < n; k++)
				if (l[k] == ' ' || l[k] == '\t' || l[k] == ';' || l[k] == '#') {
					n = k;	/* ENABLED=yes # comment */
					break;
				}
		free(*ret);
		if (!(*ret = strndup(l, n)))
			return -ENOMEM;
		*ret_line = it.lineno;
	}
	return 0;
}

/* Is ufw started at boot: ENABLED=yes and ufw.service enabled?  *ret_init the ufw-init the unit runs. */
static int ufw_enabled(struct run *run, const char **ret_init)
{
	const struct unit *u = NULL;
	_cleanup_free_ char *conf = NULL, *enabled = NULL;
	size_t len = 0;
	unsigned line;
	int r;

	if ((r = unit_loads(run, "ufw.service", &u)) <= 0)
		return r;
	if ((r = target_read_file_optional(run->target, UFW_CONF, CONFIG_MAX, &conf, &len)) < 0)
		return r;
	if ((r = shell_var(conf, len, "ENABLED", &enabled, &line)) < 0)
		return r;
	if (!enabled || (!streq(enabled, "yes") && !streq(enabled, "YES")))
		return 0;	/* ufw-init loads nothing */
	if (exists(run, UFW_INIT))
		*ret_init = UFW_INIT;
	else if (exists(run, "/usr/lib/ufw/ufw-init"))
		*ret_init = "/usr/lib/ufw/ufw-init";
	else
		return 0;	/* ufw.service fails: nothing is loaded */
	return 1;
}

static int ipt_more(struct ipt_ruleset **rs, const char *file, const char *text, int offset, char **ret_why)
{
	unsigned line;
	const char *w;
	int r = ipt_parse_more(rs, file, text, strlen(text), offset, &line, &w);

	if (r == -EBADMSG && asprintf(ret_why, "%s line %u: %s", file, line, w) < 0)
		return -ENOMEM;
	return r;
}

/*
 * What ufw-init start loads for x's family, as one ruleset: the chains and
 * INPUT jumps ufw-init makes, the default policy (/etc/default/ufw),
 * before.rules, after.rules, user.rules and the jump from ufw-before-input
 * to ufw-user-input (lib/ufw/ufw-init-functions, ufw 0.36).
 */
static int load_ufw(struct target *t, struct source *x, struct ipt_ruleset **ret, char **ret_why)
{
	const bool v6 = x->family == AF_INET6;
	const char *ty = v6 ? "6" : "";
	_cleanup_free_ char *defs = NULL, *policy = NULL, *ipv6 = NULL, *pre = NULL, *pol = NULL, *skip = NULL;
	struct ipt_ruleset *rs = NULL;
	size_t len = 0;
	unsigned pline, v6line;
	struct buf b = {0};
	int r;

	*ret = NULL;
	*ret_why = NULL;
	if ((r = target_read_file_optional(t, UFW_DEFAULTS, CONFIG_MAX, &defs, &len)) < 0)
		return r;
	if (!defs || len == 0)
		return asprintf(ret_why, "%s is missing or empty: ufw-init stops without loading anything", UFW_DEFAULTS) < 0
			       ? -ENOMEM
			       : -ENOENT;
	if ((r = shell_var(defs, len, "DEFAULT_INPUT_POLICY", &policy, &pline)) < 0 ||
	    (r = shell_var(defs, len, "IPV6", &ipv6, &v6line)) < 0)
		return r;
	if (!policy || (!streq(policy, "DROP") && !streq(policy, "REJECT") && !streq(policy, "ACCEPT")))
		return asprintf(ret_why, "%s: DEFAULT_INPUT_POLICY is %s%s%s, which ufw-init cannot load", UFW_DEFAULTS,
				policy ? "\"" : "not set", policy ? policy : "", policy ? "\"" : "") < 0
			       ? -ENOMEM
			       : -EINVAL;
	x->ufw_no_v6 = false;
	if (v6 && !(ipv6 && (streq(ipv6, "yes") || streq(ipv6, "YES")))) {
		/* ufw-init loads this in place of the IPv6 rules */
		x->ufw_no_v6 = true;
		r = ipt_more(&rs, UFW_DEFAULTS,
			     "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n",
			     (int) (v6line ? v6line : 1) - 2, ret_why);
		goto out;
	}
	/* the chains and jumps ufw-init makes before it reads any file */
	buf_puts(&b, "*filter\n");
	static const char *const chains[] = { "before-logging-input", "before-input", "after-input", "after-logging-input",
					      "reject-input", "track-input", "logging-deny", "logging-allow",
					      "skip-to-policy-input", "user-input", "user-logging-input", "user-limit",
					      "user-limit-accept" };
	for (size_t i = 0; i < ELEMENTSOF(chains); i++)
		buf_printf(&b, ":ufw%s-%s - [0:0]\n", ty, chains[i]);
	for (size_t i = 0; i < 6; i++)
		buf_printf(&b, "-A INPUT -j ufw%s-%s\n", ty, chains[i]);
	buf_puts(&b, "COMMIT\n");
	pre = buf_steal(&b);
	if (!pre)
		return -ENOMEM;
	if ((r = ipt_more(&rs, UFW_INIT, pre, 0, ret_why)) < 0)
		goto out;
	/* DEFAULT_INPUT_POLICY: each piece is put on its line in /etc/default/ufw */
	const int off = (int) pline - 2;
	if (asprintf(&pol, "*filter\n:INPUT %s [0:0]\nCOMMIT\n", streq(policy, "ACCEPT") ? "ACCEPT" : "DROP") < 0 ||
	    asprintf(&skip, "*filter\n-A ufw%s-skip-to-policy-input -j %s\nCOMMIT\n", ty, policy) < 0) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = ipt_more(&rs, UFW_DEFAULTS, pol, off, ret_why)) < 0 || (r = ipt_more(&rs, UFW_DEFAULTS, skip, off, ret_why)) < 0)
		goto out;
	if (streq(policy, "REJECT")) {
		_cleanup_free_ char *rej = NULL;
		if (asprintf(&rej, "*filter\n-A ufw%s-reject-input -j REJECT\nCOMMIT\n", ty) < 0) {
			r = -ENOMEM;
			goto out;
		}
		if ((r = ipt_more(&rs, UFW_DEFAULTS, rej, off, ret_why)) < 0)
			goto out;
	} else if (streq(policy, "ACCEPT")) {
		_cleanup_free_ char *acc = NULL;
		if (asprintf(&acc, "*filter\n-A ufw%s-track-input -p tcp -m conntrack --ctstate NEW -j ACCEPT\nCOMMIT\n", ty) < 0) {
			r = -ENOMEM;
			goto out;
		}
		if ((r = ipt_more(&rs, UFW_DEFAULTS, acc, off, ret_why)) < 0)
			goto out;
	}
	/* the files, in ufw-init's order; one it cannot find it skips */
	bool have_user = false;
	for (int k = 0; k < 3; k++) {
		_cleanup_free_ char *path = NULL, *data = NULL;
		size_t dlen = 0;
		unsigned line;
		const char *w;
		if (asprintf(&path, "/etc/ufw/%s%s.rules", k == 0 ? "before" : k == 1 ? "after" : "user", ty) < 0) {
			r = -ENOMEM;
			goto out;
		}
		if ((r = read_planned(t, x, path, &data, &dlen)) < 0) {
			if (r != -ENOMEM && asprintf(ret_why, "%s: %s", path,
						     r == -EFBIG ? "larger than 16 MiB" : strerror(-r)) < 0)
				r = -ENOMEM;
			goto out;
		}
		if (!data || dlen == 0)
			continue;
		r = ipt_parse_more(&rs, path, data, dlen, 0, &line, &w);
		if (r == -EBADMSG && asprintf(ret_why, "%s line %u: %s (ufw-init fails on it)", path, line, w) < 0)
			r = -ENOMEM;
		if (r < 0)
			goto out;
		have_user |= k == 2;
	}
	if (have_user) {
		_cleanup_free_ char *j = NULL;
		if (asprintf(&j, "*filter\n-A ufw%s-before-input -j ufw%s-user-input\nCOMMIT\n", ty, ty) < 0) {
			r = -ENOMEM;
			goto out;
		}
		r = ipt_more(&rs, UFW_INIT, j, 0, ret_why);
	}
out:
	if (r < 0) {
		ipt_ruleset_free(rs);
		return r;
	}
	*ret = rs;
	return 0;
}

/*
 * user.rules with what "ufw insert 1 allow [from FROM to any port] PORT/tcp
 * comment sshfix" writes: the tuple line and its rule, first in the RULES
 * section (ufw's own parser reads the tuples from there for ufw status).
 */
static int ufw_plan_text(const char *data, size_t len, const struct fw_packet *p, char **ret, size_t *ret_len)
{
	const bool v6 = p->family == AF_INET6;
	const char *any = v6 ? "::/0" : "0.0.0.0/0";
	struct text_lines it = { data, len, 0, 0 };
	const char *l;
	size_t n, at = (size_t) -1;

	while (text_next_line(&it, &l, &n))
		if (n >= 13 && memcmp(l, "### RULES ###", 13) == 0) {
			at = it.off;
			break;
		}
	if (at == (size_t) -1)
		return -ENOTSUP;
	if (at > len)
		at = len;
	struct buf b = {0};
	buf_append(&b, data, at);
	if (at > 0 && data[at - 1] != '\n')
		buf_putc(&b, '\n');
	buf_printf(&b, "\n### tuple ### allow tcp %u %s any %s in comment=737368666978\n", (unsigned) p->port, any,
		   p->from ? p->from : any);
	buf_printf(&b, "-A ufw%s-user-input -p tcp --dport %u", v6 ? "6" : "", (unsigned) p->port);
	if (p->from)
		buf_printf(&b, " -s %s", p->from);
	buf_puts(&b, " -j ACCEPT\n");
	buf_append(&b, data + at, len - at);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret_len = b.len;
	*ret = buf_steal(&b);
	return 0;
}

static void add_source(struct state *s, enum tool tool, const char *unit, const char *file, int family, const char *a0,
		       const char *a1, const char *a2)
{
	if (s->n_src >= ELEMENTSOF(s->src))
		return;
	struct source *x = &s->src[s->n_src++];
	*x = (struct source) { .tool = tool, .unit = unit, .file = file, .family = family };
	x->argv[0] = a0;
	x->argv[1] = a1;
	x->argv[2] = a2;
	x->argv[3] = NULL;
}

static int find_sources(struct run *run, struct state *s)
{
	const struct unit *u = NULL;
	int r;

	if ((r = unit_loads(run, "nftables.service", &u)) < 0)
		return r;
	if (r > 0) {
		const char *conf = "/etc/nftables.conf";
		_cleanup_free_ char *unit = NULL;
		size_t ulen = 0;
		if ((r = target_read_file_optional(run->target, u->path, CONFIG_MAX, &unit, &ulen)) < 0)
			return r;
		for (size_t i = 0; i < u->n_files && !(unit && strstr(unit, "/etc/sysconfig/nftables.conf")); i++) {
			free(unit);
			unit = NULL;
			if ((r = target_read_file_optional(run->target, u->files[i].path, CONFIG_MAX, &unit, &ulen)) < 0)
				return r;
		}
		/* EL's unit runs nft -f /etc/sysconfig/nftables.conf; Debian's /etc/nftables.conf */
		if (unit && strstr(unit, "/etc/sysconfig/nftables.conf"))
			conf = "/etc/sysconfig/nftables.conf";
		if (exists(run, conf))
			add_source(s, TOOL_NFT, "nftables.service", conf, AF_UNSPEC, "/usr/sbin/nft", "-f", conf);
	}
	if ((r = unit_loads(run, "netfilter-persistent.service", &u)) < 0)
		return r;
	if (r > 0) {
		if (exists(run, "/etc/iptables/rules.v4"))
			add_source(s, TOOL_IPT, "netfilter-persistent.service", "/etc/iptables/rules.v4", AF_INET,
				   "/usr/sbin/iptables-restore", "/etc/iptables/rules.v4", NULL);
		if (exists(run, "/etc/iptables/rules.v6"))
			add_source(s, TOOL_IPT, "netfilter-persistent.service", "/etc/iptables/rules.v6", AF_INET6,
				   "/usr/sbin/ip6tables-restore", "/etc/iptables/rules.v6", NULL);
	}
	if ((r = unit_loads(run, "iptables.service", &u)) < 0)
		return r;
	if (r > 0 && exists(run, "/etc/sysconfig/iptables"))
		add_source(s, TOOL_IPT, "iptables.service", "/etc/sysconfig/iptables", AF_INET, "/usr/sbin/iptables-restore",
			   "/etc/sysconfig/iptables", NULL);
	if ((r = unit_loads(run, "ip6tables.service", &u)) < 0)
		return r;
	if (r > 0 && exists(run, "/etc/sysconfig/ip6tables"))
		add_source(s, TOOL_IPT, "ip6tables.service", "/etc/sysconfig/ip6tables", AF_INET6,
			   "/usr/sbin/ip6tables-restore", "/etc/sysconfig/ip6tables", NULL);
	const char *init = NULL;
	if ((r = ufw_enabled(run, &init)) < 0)
		return r;
	if (r > 0) {
		/* one ufw-init loads both families: the IPv6 source runs no loader of its own */
		add_source(s, TOOL_UFW, "ufw.service", "/etc/ufw/user.rules", AF_INET, init, "start", "quiet");
		add_source(s, TOOL_UFW, "ufw.service", "/etc/ufw/user6.rules", AF_INET6, NULL, NULL, NULL);
	}
	return 0;
}

/* The (family, port) pairs sshd is reached on at boot, for --from's family only when given. */
static int find_packets(struct run *run, struct state *s)
{
	struct fw_packet p[PACKETS_MAX];
	const struct listen_set *ls;
	int r;

	r = listen_set_get(run, &ls);
	if (r < 0)
		return r;
	s->n_pk = fw_packets(ls, run->opt.from, p, PACKETS_MAX);
	for (size_t k = 0; k < s->n_pk; k++)
		s->pk[k].p = p[k];
	return 0;
}

static const char *fam_name(int af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/* ---- the static view ---- */

static int judge_sources(struct run *run, struct state *s)
{
	int r;

	for (size_t i = 0; i < s->n_src; i++) {
		struct source *x = &s->src[i];
		_cleanup_free_ char *why = NULL, *esc = NULL;
		if (x->tool == TOOL_NFT) {
			r = load_nft(run->target, x, &x->nft, &why);
		} else if (x->tool == TOOL_UFW) {
			r = load_ufw(run->target, x, &x->ipt, &why);
			if (r >= 0)
				r = target_read_file_optional(run->target, x->file, CONFIG_MAX, &x->data, &x->len);
		} else {
			unsigned line = 0;
			const char *w = NULL;
			r = target_read_file(run->target, x->file, CONFIG_MAX, &x->data, &x->len);
			if (r >= 0) {
				r = ipt_parse(x->file, x->data, x->len, &x->ipt, &line, &w);
				if (r == -EBADMSG && asprintf(&why, "line %u: %s", line, w) < 0)
					return -ENOMEM;
			}
		}
		if (r == -ENOMEM)
			return r;
		x->too_big = r == -EFBIG || (why && strstr(why, "larger than 16 MiB"));
		if (r < 0) {
			esc = escape_display_trunc(why ? why : r == -EFBIG ? "larger than 16 MiB" : strerror(-r), 200);
			if (!esc)
				return -ENOMEM;
			r = model_note(&run->model, "firewall: %s (loaded by %s) could not be judged statically: %s; nothing "
						    "was changed%s",
				       x->file, x->unit, esc,
				       x->tool == TOOL_NFT   ? " (nft -f loads all of a ruleset or none of it)"
				       : x->tool == TOOL_UFW ? " (ufw-init goes on without a file iptables-restore refuses; its "
							       "default policy still applies)"
							     : " (iptables-restore loads all of a table or none of it)");
			if (r < 0)
				return r;
			if (!(x->plan_why = strdup("sshfix could not read the rules statically (see the note), so it plans no "
						   "change to them: correct the file by hand")))
				return -ENOMEM;
			continue;
		}
		x->judged = true;
	}
	for (size_t k = 0; k < s->n_pk; k++) {
		struct packet *pk = &s->pk[k];
		pk->combined = FW_ACCEPT;
		pk->blocker = -1;
		for (size_t i = 0; i < s->n_src; i++) {
			struct source *x = &s->src[i];
			struct fw_answer *a = &pk->ans[i];
			*a = (struct fw_answer) { .verdict = FW_ACCEPT };
			if (x->family != AF_UNSPEC && x->family != pk->p.family)
				continue;
			if (!x->judged) {
				a->verdict = FW_UNKNOWN;
				snprintf(a->what, sizeof(a->what), "what it loads (see the note about it)");
			}
			else if (x->nft)
				nft_eval(x->nft, &pk->p, a);
			else
				ipt_eval(x->ipt, &pk->p, a);
			if (x->tool == TOOL_UFW && a->verdict != FW_ACCEPT && a->file && streq(a->file, UFW_DEFAULTS)) {
				/* the made-up rules ufw-init loads for its default policy: say it in ufw's words */
				if (x->ufw_no_v6)
					snprintf(a->what, sizeof(a->what), "IPV6 is not \"yes\", so ufw-init drops all IPv6 but lo");
				else
					snprintf(a->what, sizeof(a->what), "DEFAULT_INPUT_POLICY=\"%s\" (ufw-init: %s)",
						 a->verdict == FW_REJECT ? "REJECT" : "DROP",
						 a->verdict == FW_REJECT ? "-j REJECT at the end of INPUT" : "the policy of INPUT");
			}
			if (a->verdict == FW_ACCEPT)
				continue;
			/* a definite block wins over an unknown one */
			if (pk->blocker < 0 || (pk->combined == FW_UNKNOWN && a->verdict != FW_UNKNOWN)) {
				pk->blocker = (int) i;
				pk->combined = a->verdict;
			}
		}
	}
	return 0;
}

/* ---- the kernel ---- */

static int probe(struct run *run, struct state *s, bool after)
{
	struct netprobe_loader loaders[ELEMENTSOF(s->src)];
	struct netprobe_port ports[PACKETS_MAX];
	struct sandbox_file planned[ELEMENTSOF(s->src) * PLANNED_MAX];
	size_t n_l = 0, n_p = 0;
	struct netprobe_result res;
	int r;

	size_t loader_src[ELEMENTSOF(s->src)];
	for (size_t i = 0; i < s->n_src; i++) {
		if (s->src[i].argv[0]) {
			loader_src[n_l] = i;
			loaders[n_l++] = (struct netprobe_loader) { .argv = s->src[i].argv };
		}
		for (size_t k = 0; after && k < s->src[i].n_plan; k++)
			planned[n_p++] = (struct sandbox_file) { s->src[i].plan[k].path, s->src[i].plan[k].data,
								 s->src[i].plan[k].len };
	}
	if (after && n_p == 0)
		return 0;
	for (size_t i = 0; i < s->n_src; i++)
		if (s->src[i].too_big) {
			/* nft -f on 100 MB runs for longer than any rescue wants to wait; the boot's answer is its own */
			char **dst = after ? &s->probe_after_error : &s->probe_error;
			free(*dst);
			if (!(*dst = strdup("a rules file is larger than 16 MiB, so its loader is not run here")))
				return -ENOMEM;
			return 0;
		}
	for (size_t k = 0; k < s->n_pk; k++)
		ports[k] = (struct netprobe_port) { s->pk[k].p.family, s->pk[k].p.port };
	const struct addresses *addrs = NULL;
	if ((r = addresses_get(run, &addrs)) < 0)
		return r;
	const struct netprobe_request req = {
		.loaders = loaders, .n_loaders = n_l, .ports = ports, .n_ports = s->n_pk,
		.planned = planned, .n_planned = n_p, .from = run->opt.from, .keep_going = true,
		.ifname = fw_main_ifname(addrs),
	};
	r = netprobe_run(run->target, &req, &res);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		char **dst = after ? &s->probe_after_error : &s->probe_error;
		free(*dst);
		*dst = strdup("the probe cannot use this --from address");
		return *dst ? 0 : -ENOMEM;
	}
	if (res.error != NETPROBE_OK) {
		struct buf b = {0};
		bool refused = false;
		for (size_t i = 0; i < s->n_src; i++)
			refused |= s->src[i].refused;
		buf_puts(&b, netprobe_error_name(res.error));
		if (res.message && !refused) {
			_cleanup_free_ char *m = escape_display_trunc(res.message, 200);
			buf_printf(&b, " (%s)", m ? m : "?");
		}
		char **dst = after ? &s->probe_after_error : &s->probe_error;
		free(*dst);
		*dst = buf_steal(&b);
		netprobe_result_done(&res);
		return *dst ? 0 : -ENOMEM;
	}
	for (size_t i = 0; !after && i < res.n_loaders && !s->loader_failed; i++) {
		const struct netprobe_loader_result *l = &res.loaders[i];
		const struct source *lx = &s->src[loader_src[i]];
		if (!l->ran || (l->exit_status == 0 && !l->timed_out))
			continue;
		/* its words may quote a file sshfix refused to read (a user's link to /etc/shadow) */
		const char *said = lx->refused ? "its output is not shown: it read a file a user controls" : l->output ? l->output : "";
		/* ufw-init's first words are often an empty line */
		said += strspn(said, "\n");
		_cleanup_free_ char *first = strndup(said, strcspn(said, "\n"));
		_cleanup_free_ char *out = first ? escape_display_trunc(first, 160) : NULL;
		if (asprintf(&s->loader_failed, "%s %s failed at boot (status %d: %s), so it %s", lx->argv[0],
			     lx->tool == TOOL_UFW ? "start" : lx->file, l->exit_status, out ? out : "?",
			     lx->tool == TOOL_UFW ? "loads ufw without what it refused" : "loads nothing") < 0) {
			s->loader_failed = NULL;
			netprobe_result_done(&res);
			return -ENOMEM;
		}
	}
	for (size_t k = 0; k < s->n_pk && k < res.n_ports; k++) {
		if (after) {
			s->pk[k].after = res.ports[k];
			s->pk[k].probed_after = res.ports[k].verdict != NETPROBE_ERROR;
			s->pk[k].after.why = NULL;
		} else {
			s->pk[k].now = res.ports[k];
			s->pk[k].probed = res.ports[k].verdict != NETPROBE_ERROR;
			s->pk[k].now.why = NULL;
		}
	}
	netprobe_result_done(&res);
	return 0;
}

static bool kernel_blocks(const struct netprobe_port_result *r)
{
	return r->verdict == NETPROBE_DROPPED || r->verdict == NETPROBE_REJECTED;
}

static bool static_blocks(enum fw_verdict v)
{
	return v == FW_DROP || v == FW_REJECT;
}

static const char *kernel_word(const struct netprobe_port_result *r)
{
	switch (r->verdict) {
	case NETPROBE_ACCEPTED:
		return "accepts";
	case NETPROBE_DROPPED:
		return r->no_neighbour ? "drops (neighbour discovery / ARP is dropped)" : "drops";
	case NETPROBE_REJECTED:
		return "rejects";
	default:
		return "could not answer for";
	}
}

/* ---- planning ---- */

static int set_plan(struct source *x, const char *path, char *data, size_t len)
{
	for (size_t i = 0; i < x->n_plan; i++)
		if (streq(x->plan[i].path, path)) {
			free(x->plan[i].data);
			x->plan[i].data = data;
			x->plan[i].len = len;
			return 0;
		}
	if (x->n_plan >= PLANNED_MAX) {
		free(data);
		return -E2BIG;
	}
	x->plan[x->n_plan] = (struct planned) { strdup(path), data, len };
	if (!x->plan[x->n_plan].path) {
		free(data);
		return -ENOMEM;
	}
	x->n_plan++;
	return 0;
}

/*
 * One round of planning ufw's rule for packet pk: 1 when ufw lets it through
 * (with what is planned so far), 0 with a new user.rules text, or 0 with
 * *ret_why when no rule in user.rules can help.
 */
static int ufw_plan(struct run *run, struct source *x, const struct packet *pk, unsigned round, char **ret_data,
		    size_t *ret_len, const char **ret_why)
{
	struct ipt_ruleset *rs = NULL;
	_cleanup_free_ char *why = NULL;
	struct fw_answer a;
	int r;

	*ret_why = NULL;
	if (x->ufw_no_v6) {
		*ret_why = "IPV6 is not \"yes\" in /etc/default/ufw, so ufw-init drops every IPv6 connection and no rule in "
			   "user6.rules is loaded; sshfix does not change ufw's defaults: set IPV6=yes by hand, or reach sshd "
			   "over IPv4";
		return 0;
	}
	r = load_ufw(run->target, x, &rs, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret_why = "ufw's files could not be read again";
		return 0;
	}
	ipt_eval(rs, &pk->p, &a);
	ipt_ruleset_free(rs);
	if (a.verdict == FW_ACCEPT)
		return 1;
	if (round > 0) {
		*ret_why = "with the planned rule in ufw's user rules the connection is still blocked before ufw reaches "
			   "them (before.rules, or a rule sshfix could not judge): change it by hand";
		return 0;
	}
	/* never rewrite a file a user could change */
	struct stat st;
	if (target_lstat(run->target, x->file, &st) == 0 &&
	    (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) || st.st_nlink > 1)) {
		*ret_why = "the user rules file is not a plain file only root can change (a user owns it or can write it, "
			   "or it is a link): sshfix does not rewrite it";
		return 0;
	}
	const char *cur = x->n_plan ? x->plan[0].data : x->data ? x->data : "";
	size_t cur_len = x->n_plan ? x->plan[0].len : x->data ? x->len : 0;
	r = ufw_plan_text(cur, cur_len, &pk->p, ret_data, ret_len);
	if (r == -ENOTSUP) {
		*ret_why = "the user rules file has no \"### RULES ###\" line for ufw's rules (is it ufw's?): add the rule "
			   "with \"ufw allow\" by hand";
		return 0;
	}
	return r;
}

/* Plan the accept rules source x needs for every packet it blocks (or may block, when the kernel says so). */
static int plan_source(struct run *run, struct state *s, size_t xi)
{
	struct source *x = &s->src[xi];
	int r = 0;

	if (!x->judged)
		return 0;
	for (size_t k = 0; k < s->n_pk; k++) {
		struct packet *pk = &s->pk[k];
		if (pk->blocker != (int) xi)
			continue;
		for (unsigned round = 0;; round++) {
			if (round == 64) {
				/* every round opens one chain; this many means the rule does not take */
				x->plan_failed = true;
				free(x->plan_why);
				x->plan_why = strdup("the planned rules do not take effect in sshfix's own reading of the ruleset");
				return 0;
			}
			char *data = NULL;
			size_t len = 0;
			const char *path = NULL;
			if (x->tool == TOOL_NFT) {
				struct nft_ruleset *rs = NULL;
				_cleanup_free_ char *why = NULL;
				r = load_nft(run->target, x, &rs, &why);
				if (r < 0) {
					x->plan_failed = true;
					free(x->plan_why);
					x->plan_why = why ? TAKE_PTR(why) : strdup(strerror(-r));
					return r == -ENOMEM ? r : 0;
				}
				r = nft_plan_accept(rs, &pk->p, &path, &data, &len);
				_cleanup_free_ char *p = r == 0 ? strdup(path) : NULL;
				nft_ruleset_free(rs);
				if (r == 0 && !p) {
					free(data);
					return -ENOMEM;
				}
				if (r == 0) {
					/* never rewrite a file a user could change */
					struct stat st;
					if (target_stat(run->target, p, &st) == 0 && (st.st_uid != 0 || (st.st_mode & 022))) {
						free(data);
						x->plan_failed = true;
						free(x->plan_why);
						x->plan_why = strdup("the chain is declared in a file a user can change");
						return 0;
					}
					r = set_plan(x, p, data, len);
				}
			} else if (x->tool == TOOL_UFW) {
				const char *why = NULL;
				r = ufw_plan(run, x, pk, round, &data, &len, &why);
				if (r == 0 && !why)
					r = set_plan(x, x->file, data, len);
				if (why) {
					x->plan_failed = true;
					free(x->plan_why);
					x->plan_why = strdup(why);
					return x->plan_why ? 0 : -ENOMEM;
				}
			} else {
				struct ipt_ruleset *rs = NULL;
				const char *cur = x->n_plan ? x->plan[0].data : x->data;
				size_t cur_len = x->n_plan ? x->plan[0].len : x->len;
				unsigned line;
				const char *w;
				r = ipt_parse(x->file, cur, cur_len, &rs, &line, &w);
				if (r >= 0) {
					r = ipt_plan_accept(rs, cur, cur_len, &pk->p, &data, &len);
					ipt_ruleset_free(rs);
				}
				if (r == 0)
					r = set_plan(x, x->file, data, len);
			}
			if (r == -ENOMEM)
				return r;
			if (r == 1)
				break;
			if (r < 0) {
				x->plan_failed = true;
				free(x->plan_why);
				x->plan_why = strdup(r == -ENOTSUP ? "no place for a rule was found in the chain (a chain "
								     "written on one line, or a table without COMMIT)"
								   : strerror(-r));
				return 0;
			}
		}
	}
	return 0;
}

/* ---- findings ---- */

static int include_checks(struct run *run, struct state *s)
{
	for (size_t i = 0; i < s->n_src; i++) {
		const struct source *x = &s->src[i];
		for (size_t k = 0; x->unsafe && x->unsafe[k]; k += 2) {
			struct stat st;
			struct finding *f = run_add_finding(run, &firewall_problems[PR_FIREWALL_INCLUDE_UNSAFE], x->unsafe[k], NULL);
			if (!f)
				return -ENOMEM;
			if (target_lstat(run->target, x->unsafe[k], &st) == 0) {
				if (finding_set_detail(f, "nft -f reads it for %s, and %s (owner %u, mode %04o)", x->file,
						       x->unsafe[k + 1], (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777)) < 0)
					return -ENOMEM;
			} else if (finding_set_detail(f, "nft -f reads it for %s, and %s", x->file, x->unsafe[k + 1]) < 0)
				return -ENOMEM;
			if (finding_add_evidence(f, "loaded at boot by %s: nft -f %s", x->unit, x->file) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static bool pk_probed_any(const struct state *s)
{
	for (size_t k = 0; k < s->n_pk; k++)
		if (s->pk[k].probed)
			return true;
	return false;
}

static int describe_ports(struct buf *b, struct state *s, size_t xi, bool kernel)
{
	bool first = true;

	for (size_t k = 0; k < s->n_pk; k++) {
		const struct packet *pk = &s->pk[k];
		if (pk->blocker != (int) xi)
			continue;
		if (kernel && !pk->probed)
			continue;
		buf_printf(b, "%sport %u over %s", first ? "" : ", ", (unsigned) pk->p.port, fam_name(pk->p.family));
		first = false;
	}
	return 0;
}

static int findings(struct run *run, struct state *s)
{
	for (size_t i = 0; i < s->n_src; i++) {
		struct source *x = &s->src[i];
		const struct fw_answer *first = NULL;
		const struct packet *fpk = NULL;
		bool any = false, kernel_overrules = false;
		for (size_t k = 0; k < s->n_pk; k++) {
			struct packet *pk = &s->pk[k];
			if (pk->blocker != (int) i)
				continue;
			/* the kernel wins: a block it does not see is no block */
			if (pk->probed && !kernel_blocks(&pk->now)) {
				kernel_overrules = true;
				continue;
			}
			if (!static_blocks(pk->ans[i].verdict) && !(pk->probed && kernel_blocks(&pk->now)))
				continue;
			any = true;
			if (!first) {
				first = &pk->ans[i];
				fpk = pk;
			}
		}
		if (kernel_overrules) {
			struct buf ob = {0};
			const struct packet *shown = NULL;
			for (size_t k = 0; k < s->n_pk; k++) {
				struct packet *pk = &s->pk[k];
				if (pk->blocker != (int) i || !pk->probed || kernel_blocks(&pk->now))
					continue;
				pk->blocker = -1;
				if (!static_blocks(pk->ans[i].verdict))
					continue;	/* not judged statically: the summary says what the kernel does */
				buf_printf(&ob, "%sport %u over %s", shown ? ", " : "", (unsigned) pk->p.port, fam_name(pk->p.family));
				if (!shown)
					shown = pk;
			}
			_cleanup_free_ char *ports = buf_steal(&ob);
			if (shown) {
				_cleanup_free_ char *what = escape_display(shown->ans[i].what);
				if (!ports || !what ||
				    model_note(&run->model, "firewall: %s line %u: the static view says it %s %s (%s), but the kernel "
							    "accepts it%s%s: the kernel wins",
					       shown->ans[i].file ? shown->ans[i].file : x->file, shown->ans[i].line,
					       fw_verdict_name(shown->ans[i].verdict), ports, what, s->loader_failed ? ": " : "",
					       s->loader_failed ? s->loader_failed : "") < 0)
					return -ENOMEM;
			}
		}
		if (!any)
			continue;
		struct finding *f = run_add_finding(run, &firewall_problems[x->tool == TOOL_NFT   ? PR_FIREWALL_NFTABLES_BLOCKS
							 : x->tool == TOOL_UFW ? PR_FIREWALL_UFW_BLOCKS
									       : PR_FIREWALL_IPTABLES_BLOCKS],
						   first->file ? first->file : x->file, NULL);
		struct fixdata *d = calloc(1, sizeof(*d));
		struct buf b = {0};
		if (!f || !d) {
			free(d);
			return -ENOMEM;
		}
		finding_set_data(f, d, fixdata_free);
		f->line = first->line;
		_cleanup_free_ char *what = escape_display(first->what);
		bool kernel_only = !static_blocks(first->verdict);
		if (kernel_only) {
			buf_printf(&b, "the kernel %s new ssh connections (",
				   fpk->now.verdict == NETPROBE_REJECTED ? "rejects" : "drops");
			describe_ports(&b, s, i, false);
			buf_printf(&b, ") from %s", run->opt.from ? run->opt.from : "an address that is not local");
			if (first->verdict == FW_UNKNOWN)
				buf_printf(&b, "; sshfix's own reading could not judge %s", what ? what : "?");
			else
				buf_puts(&b, "; sshfix's own reading, which follows TCP only, lets them through: the kernel wins");
			if (fpk->now.no_neighbour)
				buf_printf(&b, "; the rules drop %s, so the SYN never reaches the port: accept it first "
					       "(nft: icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept)",
					   fpk->p.family == AF_INET6 ? "IPv6 neighbour discovery (ICMPv6)" : "ARP");
			if (f->line == 0) {
				const char *pf = NULL;
				if (x->nft && nft_policy_drop(x->nft, fpk->p.family, &pf, &f->line)) {
					free(f->path);
					if (!(f->path = strdup(pf)))
						return -ENOMEM;
				}
			}
		} else {
			buf_printf(&b, "%s new ssh connections (", fw_verdict_name(first->verdict));
			describe_ports(&b, s, i, false);
			buf_printf(&b, ") from %s: %s", run->opt.from ? run->opt.from : "an address that is not local",
				   what ? what : "?");
			if (fpk->probed)
				buf_printf(&b, "; the kernel %s (agrees)", kernel_word(&fpk->now));
		}
		_cleanup_free_ char *detail = buf_steal(&b);
		if (!detail || finding_set_detail(f, "%s", detail) < 0 ||
		    finding_add_evidence(f, "loaded at boot by %s from %s", x->unit, x->file) < 0)
			return -ENOMEM;
		for (size_t k = 0; k < s->n_pk; k++) {
			const struct packet *pk = &s->pk[k];
			if (pk->blocker != (int) i)
				continue;
			_cleanup_free_ char *w = escape_display(pk->ans[i].what);
			if (!w || finding_add_evidence(f, "port %u over %s: static: %s at %s:%u (%s); kernel: %s", (unsigned) pk->p.port,
						       fam_name(pk->p.family), fw_verdict_name(pk->ans[i].verdict),
						       pk->ans[i].file ? pk->ans[i].file : x->file, pk->ans[i].line, w,
						       pk->probed ? kernel_word(&pk->now) : s->probe_error ? s->probe_error : "not asked") < 0)
				return -ENOMEM;
			if (pk->probed_after &&
			    finding_add_evidence(f, "port %u over %s after this change: the kernel %s", (unsigned) pk->p.port,
						 fam_name(pk->p.family), kernel_word(&pk->after)) < 0)
				return -ENOMEM;
		}
		if (!pk_probed_any(s) && s->probe_error &&
		    finding_add_evidence(f, "the kernel could not be asked: %s; this is the static verdict alone",
					 s->probe_error) < 0)
			return -ENOMEM;
		if (x->plan_failed || x->n_plan == 0) {
			if (!(d->why_not = strdup(x->plan_why ? x->plan_why
							      : "no accept rule for the ssh port lets it through: the kernel "
								"blocks something else (see above); change the rules by hand")))
				return -ENOMEM;
			continue;
		}
		struct buf act = {0};
		if (x->tool == TOOL_NFT)
			buf_printf(&act, "insert \"%stcp dport PORT accept\" first in each input chain that does not accept it",
				   run->opt.from ? "ip saddr FROM " : "");
		else if (x->tool == TOOL_UFW)
			buf_printf(&act, "add what \"ufw insert 1 allow %s\" writes, a tuple and its rule, to ufw's user rules",
				   run->opt.from ? "from FROM to any port PORT proto tcp" : "PORT/tcp");
		else
			buf_printf(&act, "insert \"-A INPUT %s-p tcp -m tcp --dport PORT -j ACCEPT\" before the rule that blocks it",
				   run->opt.from ? "-s FROM " : "");
		for (size_t k = 0; k < x->n_plan; k++)
			buf_printf(&act, "%s%s", k ? ", " : " (", x->plan[k].path);
		buf_putc(&act, ')');
		bool after_all = true, after_any = false;
		for (size_t k = 0; k < s->n_pk; k++)
			if (s->pk[k].blocker == (int) i) {
				after_any |= s->pk[k].probed_after;
				after_all &= s->pk[k].probed_after && s->pk[k].after.verdict == NETPROBE_ACCEPTED;
			}
		bool helps = !after_any;
		for (size_t k = 0; k < s->n_pk; k++)
			if (s->pk[k].blocker == (int) i && s->pk[k].probed_after && s->pk[k].after.verdict == NETPROBE_ACCEPTED)
				helps = true;
		if (!helps) {
			/* the kernel wins: a change it says does not help is not made */
			buf_done(&act);
			if (!(d->why_not = strdup("with the planned accept rule the kernel still blocks every one of these "
						  "ports, so it is not made: see the evidence (--verbose) and change the rules "
						  "by hand")))
				return -ENOMEM;
			continue;
		}
		if (after_any && after_all)
			buf_puts(&act, "; with this change the kernel accepts ");
		else if (after_any)
			buf_puts(&act, "; even with this change the kernel does not accept all of ");
		else
			buf_printf(&act, "; the kernel could not be asked about the change (%s), so this is the static verdict "
					 "alone: ", s->probe_after_error ? s->probe_after_error : "?");
		describe_ports(&act, s, i, false);
		free(f->action);
		if (!(f->action = buf_steal(&act)))
			return -ENOMEM;
		for (size_t k = 0; k < x->n_plan; k++) {
			char *old = NULL;
			size_t old_len = 0;
			int r = target_read_file(run->target, x->plan[k].path, CONFIG_MAX, &old, &old_len);
			if (r == -ENOMEM)
				return r;
			d->f[d->n].path = strdup(x->plan[k].path);
			d->f[d->n].old = old;
			d->f[d->n].old_len = old_len;
			d->f[d->n].new = malloc(x->plan[k].len + 1);
			if (!d->f[d->n].path || !d->f[d->n].new) {
				d->n++;
				return -ENOMEM;
			}
			memcpy(d->f[d->n].new, x->plan[k].data, x->plan[k].len);
			d->f[d->n].new_len = x->plan[k].len;
			d->n++;
		}
	}
	return 0;
}

/* One line for the report: what the static view and the kernel say, and whether they agree. */
static int summary_note(struct run *run, const struct state *s)
{
	struct buf b = {0};
	size_t agree = 0, disagree = 0, unknown = 0;

	buf_puts(&b, "firewall: ");
	for (size_t i = 0; i < s->n_src; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", s->src[i].file);
	buf_puts(&b, " loaded at boot; ");
	const struct addresses *addrs = NULL;
	if (addresses_get(run, &addrs) < 0)
		return -ENOMEM;
	if (fw_main_ifname(addrs))
		buf_printf(&b, "the probe's interface is %s, as the target configures it; ", fw_main_ifname(addrs));
	for (size_t k = 0; k < s->n_pk; k++) {
		const struct packet *pk = &s->pk[k];
		buf_printf(&b, "%sport %u/%s: static %s", k ? ", " : "", (unsigned) pk->p.port,
			   pk->p.family == AF_INET6 ? "v6" : "v4",
			   pk->combined == FW_ACCEPT ? "accept" : pk->combined == FW_DROP ? "drop"
							  : pk->combined == FW_REJECT ? "reject" : "unknown");
		if (pk->probed) {
			bool kb = kernel_blocks(&pk->now);
			buf_printf(&b, ", kernel %s", netprobe_verdict_name(pk->now.verdict));
			if (pk->combined == FW_UNKNOWN)
				unknown++;
			else if (kb == static_blocks(pk->combined))
				agree++;
			else
				disagree++;
		}
	}
	if (pk_probed_any(s))
		buf_printf(&b, " (the kernel agrees on %zu, disagrees on %zu, decides %zu the static view could not)", agree,
			   disagree, unknown);
	else
		buf_printf(&b, " (the kernel could not be asked: %s)", s->probe_error ? s->probe_error : "?");
	if (s->loader_failed)
		buf_printf(&b, "; %s", s->loader_failed);
	_cleanup_free_ char *text = buf_steal(&b);
	return text ? model_note(&run->model, "%s", text) : -ENOMEM;
}

static int firewall_detect(struct run *run)
{
	struct state s = {0};
	int r;

	r = find_sources(run, &s);
	if (r < 0 || s.n_src == 0)
		goto done;
	if ((r = find_packets(run, &s)) < 0 || s.n_pk == 0)
		goto done;
	if ((r = judge_sources(run, &s)) < 0)
		goto done;
	if ((r = probe(run, &s, false)) < 0)
		goto done;
	/* the kernel's block with no static one: put it on the first source of that family that could not be judged
	 * or, failing that, the first one of that family */
	for (size_t k = 0; k < s.n_pk; k++) {
		struct packet *pk = &s.pk[k];
		if (pk->blocker >= 0 || !pk->probed || !kernel_blocks(&pk->now))
			continue;
		for (size_t i = 0; i < s.n_src && pk->blocker < 0; i++)
			if (s.src[i].family == AF_UNSPEC || s.src[i].family == pk->p.family)
				pk->blocker = (int) i;
	}
	for (size_t i = 0; i < s.n_src; i++)
		if ((r = plan_source(run, &s, i)) < 0)
			goto done;
	if ((r = probe(run, &s, true)) < 0)
		goto done;
	if ((r = summary_note(run, &s)) < 0)
		goto done;
	if ((r = include_checks(run, &s)) < 0)
		goto done;
	r = findings(run, &s);
done:
	state_done(&s);
	return r < 0 ? r : 0;
}

static int firewall_repair(struct run *run, struct finding *f)
{
	struct fixdata *d = f->data;
	int r;

	if (!d)
		return -ESTALE;
	if (d->why_not || d->n == 0) {
		free(f->status_reason);
		f->status_reason = strdup(d->why_not ? d->why_not : "nothing to change");
		return -EIO;
	}
	for (size_t i = 0; i < d->n; i++) {
		_cleanup_free_ char *cur = NULL;
		size_t len = 0;
		r = journal_read_current(run->journal, d->f[i].path, &cur, &len);
		if (r < 0)
			return r;
		if (len != d->f[i].old_len || memcmp(cur, d->f[i].old, len) != 0) {
			free(f->status_reason);
			f->status_reason = strdup("the file changed since it was examined");
			return -ESTALE;
		}
		r = journal_write_file(run->journal, d->f[i].path, d->f[i].new, d->f[i].new_len, (mode_t) -1, (uid_t) -1,
				       (gid_t) -1);
		if (r < 0)
			return r;
	}
	return 0;
}

const struct fix fix_firewall = {
	.id = "firewall",
	.summary = "persistent nftables, iptables and ufw rules the boot loads, judged statically and by the kernel",
	.rules = "RULES §8.1-8.4",
	.problems = firewall_problems,
	.detect = firewall_detect,
	.repair = firewall_repair,
};
