/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fail2ban: the bans that keep a person out after every boot (RULES §10),
 * read from fail2ban's own configuration and database (src/fail2ban.h).
 *
 * A jail "covers ssh" when it is enabled and one of its actions blocks a
 * port sshd listens on (its port= list holds it, or the action blocks every
 * port: recidive's *-allports, route, hostsdeny).  Its bans in the
 * database's bips table are restored when fail2ban starts, as
 * jail.py:restoreCurrentBans decides (f2b_ban_restored()), unless ignoreip
 * holds the address; only when the boot starts fail2ban at all.
 *
 *  - fail2ban-banned, fail2ban-permanent-ban: the address given with
 *    --from is banned by such a jail (for a while, or for ever:
 *    bantime = -1).  Repaired by deleting that address's rows of those
 *    jails from bips and bans (RULES §10.2), a new database made by the
 *    target's own python3 and sqlite3 in the sandbox on a copy, written
 *    through the journal (which keeps the old file: --undo restores it).
 *    Safe: it is the person's own address.
 *  - fail2ban-bans: without --from the person's address is unknown: every
 *    address such a jail will ban again, with jail and expiry.  With a yes,
 *    all of them are removed the same way.
 *  - fail2ban-hostsdeny: "ALL: ADDR" lines of the hostsdeny action in
 *    /etc/hosts.deny outlive fail2ban (sshd reads them through libwrap);
 *    the one of --from's address is commented out with the sshfix marker.
 *    The TCP-wrappers family leaves these lines (fail2ban installed, the
 *    exact form the action writes) to this one.
 *  - fail2ban-saved-rules: an f2b- chain rule for the address in a saved
 *    iptables rule set (rules.v4/v6, sysconfig/iptables) that the boot
 *    loads before fail2ban starts, and that is what the set does to that
 *    address's ssh connections (an ACCEPT before the jump, as the firewall
 *    check's repair inserts, ends it).  Report only: the firewall families
 *    own those files.
 *
 * Never stops or disables fail2ban (DESIGN §5); ignoreip in jail.local is
 * advice only.  On the running system with fail2ban-server running the
 * database is not rewritten (the server holds it): fail2ban-client is.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "config_edit.h"
#include "fail2ban.h"
#include "fixes.h"
#include "iptables.h"
#include "units.h"
#include "listen_addr.h"
#include "pam_counters.h"
#include "run.h"
#include "util.h"

#define HOSTS_DENY "/etc/hosts.deny"
#define SHOWN_MAX 8

/* This family's problems: each code is its row's index in fail2ban_problems[]. */
enum problem_code {
	PR_FAIL2BAN_BANNED,
	PR_FAIL2BAN_PERMANENT_BAN,
	PR_FAIL2BAN_BANS,
	PR_FAIL2BAN_HOSTSDENY,
	PR_FAIL2BAN_SAVED_RULES,
};

static const struct problem fail2ban_problems[] = {
	{ PR_FAIL2BAN_BANNED, "fail2ban-banned", SEV_ERROR, PF_SAFE_AUTO,
	  "{path}: {detail}",
	  "fail2ban keeps its bans in an SQLite database and, when it starts, bans again every address whose "
	  "ban has not run out (table bips; jail.py restoreCurrentBans), so a reboot does not let the person "
	  "in: with the default iptables REJECT the client sees \"Connection refused\". The rows of that "
	  "address for the jails that cover ssh are deleted from bips and bans (as fail2ban-client unban "
	  "does) by the target's own python3 and sqlite3, on a copy; the journal keeps the old file for "
	  "--undo. fail2ban is never stopped. To keep it from banning you again, add your address to ignoreip "
	  "in [DEFAULT] of /etc/fail2ban/jail.local. RULES §10" },
	{ PR_FAIL2BAN_PERMANENT_BAN, "fail2ban-permanent-ban", SEV_ERROR, PF_SAFE_AUTO,
	  "{path}: {detail}",
	  "A ban with bantime = -1 never runs out: fail2ban restores it at every start for as long as the "
	  "jail's own bantime is -1 (or bantime.increment has no maxtime). It is removed as a temporary ban "
	  "is: that address's rows of bips and bans, deleted by the target's python3 and sqlite3 on a copy "
	  "written through the journal. Add your address to ignoreip in jail.local so it is not banned "
	  "again. RULES §10" },
	{ PR_FAIL2BAN_BANS, "fail2ban-bans", SEV_WARNING, PF_NEEDS_CONFIRM,
	  "{path}: {detail}",
	  "Without --from sshfix does not know which address is yours: these are every address fail2ban "
	  "will ban from ssh again when it starts (its database, and lines its actions left behind). Run "
	  "again with --from ADDR to remove only yours (safe), or say yes to remove the database bans and "
	  "hostsdeny lines of all of them. RULES §10" },
	{ PR_FAIL2BAN_HOSTSDENY, "fail2ban-hostsdeny", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "fail2ban's hostsdeny action bans by appending \"ALL: ADDR\" to /etc/hosts.deny and removes the "
	  "line only when it unbans; a line left there refuses the address in every sshd that uses TCP "
	  "wrappers (libwrap), whether fail2ban runs or not (\"kex_exchange_identification: read: "
	  "Connection reset by peer\"). The line is commented out behind the sshfix marker. RULES §10.2, §7" },
	{ PR_FAIL2BAN_SAVED_RULES, "fail2ban-saved-rules", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} line {line}: {detail}",
	  "fail2ban's iptables rules live in the kernel only, unless someone saved the running rules "
	  "(iptables-save, netfilter-persistent save) while a ban was in force: then the boot loads the "
	  "ban again before fail2ban starts, and fail2ban never removes it. Remove the line from the saved "
	  "rules (the firewall check reports the file as a whole). RULES §10.2, §8" },
	{ .id = NULL },
};

struct active {
	char *ip, *jail, *action;
	int64_t until;		/* -1: never */
	int port;
};

/* What detect found for one finding, for its repair. */
struct fixdata {
	char *db;
	bool untrusted;		/* a user's file (f2b_read_info.untrusted): never rewritten */
	char *python;
	char **pairs;		/* ip, jail, ip, jail, ... */
	unsigned *deny_lines;	/* lines of /etc/hosts.deny to comment out */
	char **deny_addrs;
	size_t n_deny;
};

static void fixdata_free(void *p)
{
	struct fixdata *d = p;

	if (!d)
		return;
	free(d->db);
	free(d->python);
	strv_free(d->pairs);
	free(d->deny_lines);
	strv_free(d->deny_addrs);
	free(d);
}

struct deny_line {
	unsigned line;
	char *addr;
};

struct saved_rule {
	char *file, *chain, *addr;
	unsigned line;
};

struct state {
	struct f2b_config c;
	struct f2b_bans bans;
	struct f2b_read_info info;
	struct active *act;
	size_t n_act;
	struct deny_line *deny;
	size_t n_deny;
	struct saved_rule *saved;
	size_t n_saved;
	char *services;
	size_t services_len;
	int ports[16];
	size_t n_ports;
	bool read;
};

static void state_done(struct state *s)
{
	for (size_t i = 0; i < s->n_act; i++) {
		free(s->act[i].ip);
		free(s->act[i].jail);
		free(s->act[i].action);
	}
	free(s->act);
	for (size_t i = 0; i < s->n_deny; i++)
		free(s->deny[i].addr);
	free(s->deny);
	for (size_t i = 0; i < s->n_saved; i++) {
		free(s->saved[i].file);
		free(s->saved[i].chain);
		free(s->saved[i].addr);
	}
	free(s->saved);
	free(s->services);
	f2b_bans_done(&s->bans);
	f2b_read_info_done(&s->info);
	f2b_config_done(&s->c);
}

static void date_str(int64_t when, char out[static 32])
{
	time_t t = (time_t) when;
	struct tm tm;

	if (when < 0 || !gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(out, 32, "%" PRId64, when);
}

/*
 * The ports sshd listens on: its Port lines (22 without any) and the ports
 * ListenAddress lines name.  To be replaced by the shared listen-set
 * provider (socket activation included) once it exists.
 */
static void ssh_ports(struct run *run, struct state *s)
{
	const struct sshd_config *c = run->model.sshd;

	for (size_t i = 0; c && i < c->n_opts && s->n_ports < ELEMENTSOF(s->ports); i++) {
		const struct sshd_option *o = &c->opts[i];
		int p = -1;
		if (o->match >= 0 || !o->args || !o->args[0])
			continue;
		if (strcasecmp(o->keyword, "Port") == 0)
			p = listen_port_parse(o->args[0], s->services, s->services_len);
		else if (strcasecmp(o->keyword, "ListenAddress") == 0) {
			struct listen_addr a = {0};
			enum listen_error e;
			if (listen_addr_parse(o->args, s->services, s->services_len, &a, &e) == 0 && e == LISTEN_OK)
				p = a.port;
			listen_addr_done(&a);
		}
		bool dup = false;
		for (size_t k = 0; k < s->n_ports; k++)
			dup |= s->ports[k] == p;
		if (p > 0 && !dup)
			s->ports[s->n_ports++] = p;
	}
	if (s->n_ports == 0)
		s->ports[s->n_ports++] = LISTEN_DEFAULT_PORT;
}

/* Does jail j block one of sshd's ports?  Which action, which port. */
static bool jail_blocks_ssh(const struct run *run, const struct state *s, const struct f2b_jail *j,
			    const struct f2b_action **ret_a, int *ret_port)
{
	for (size_t i = 0; i < s->n_ports; i++)
		if (f2b_jail_blocks_port(j, s->ports[i], s->services, s->services_len, run->target->facts.sshd_libwrap,
					 ret_a)) {
			*ret_port = s->ports[i];
			return true;
		}
	return false;
}

static bool same_addr(const char *a, const char *b)
{
	unsigned char x[16], y[16];

	if (!a || !b)
		return false;
	for (int fam = 0; fam < 2; fam++) {
		int af = fam ? AF_INET6 : AF_INET;
		if (inet_pton(af, a, x) == 1 && inet_pton(af, b, y) == 1)
			return memcmp(x, y, fam ? 16 : 4) == 0;
	}
	return false;
}

static int add_active(struct state *s, const struct f2b_ban *b, const char *action, int64_t until, int port)
{
	struct active *v = realloc(s->act, (s->n_act + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->act = v;
	v[s->n_act] = (struct active) { strdup(b->ip), strdup(b->jail), strdup(action), until, port };
	if (!v[s->n_act].ip || !v[s->n_act].jail || !v[s->n_act].action) {
		free(v[s->n_act].ip), free(v[s->n_act].jail), free(v[s->n_act].action);
		return -ENOMEM;
	}
	s->n_act++;
	return 0;
}

/* The bans fail2ban will restore that keep ssh out. */
static int restored_bans(struct run *run, struct state *s, int64_t now)
{
	const char *from = run->opt.from;
	int r;

	for (size_t i = 0; i < s->bans.n; i++) {
		const struct f2b_ban *b = &s->bans.v[i];
		const struct f2b_jail *j = f2b_config_jail(&s->c, b->jail);
		const struct f2b_action *a = NULL;
		int64_t until;
		int port = 0;
		if (!j || !j->enabled || !jail_blocks_ssh(run, s, j, &a, &port) || !f2b_ban_restored(j, b, now, &until))
			continue;
		const char *ign = f2b_ignoreip_match(j, b->ip);
		if (ign) {
			/* fail2ban skips it when it restores (inIgnoreIPList): nothing to do */
			if (same_addr(b->ip, from)) {
				_cleanup_free_ char *w = escape_display_trunc(ign, 60), *jn = escape_display(j->name);
				if (!w || !jn || model_note(&run->model, "fail2ban: the database holds a ban of %s by jail %s, but "
									 "ignoreip (%s) exempts it: fail2ban does not restore it",
							    from, jn, w) < 0)
					return -ENOMEM;
			}
			continue;
		}
		if ((r = add_active(s, b, a->name, until, port)) < 0)
			return r;
	}
	return 0;
}

/* "ALL: 192.0.2.20" or "sshd: [2001:db8::1]", as action.d/hostsdeny.conf writes them. */
static int hostsdeny_lines(struct run *run, struct state *s)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	unsigned lineno = 0;
	int r;

	r = target_read_file(run->target, HOSTS_DENY, CONFIG_MAX, &data, &len);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t) (end - p)), *l = p;
		p = nl ? nl + 1 : end;
		if (nl)
			*nl = '\0';
		lineno++;
		size_t dn = strcspn(l, ":");
		if (!l[dn] || !((dn == 3 && memcmp(l, "ALL", 3) == 0) || (dn == 4 && memcmp(l, "sshd", 4) == 0)))
			continue;
		char *a = l + dn + 1;
		a += strspn(a, " \t");
		size_t an = strcspn(a, " \t\r");
		if (a[an + strspn(a + an, " \t\r")] != '\0' || an < 2 || an > 47)
			continue;
		char addr[48];
		memcpy(addr, a, an);
		addr[an] = '\0';
		if (addr[0] == '[' && addr[an - 1] == ']') {
			memmove(addr, addr + 1, an - 2);
			addr[an - 2] = '\0';
		}
		unsigned char bin[16];
		if (inet_pton(AF_INET, addr, bin) != 1 && inet_pton(AF_INET6, addr, bin) != 1)
			continue;
		struct deny_line *v = realloc(s->deny, (s->n_deny + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->deny = v;
		v[s->n_deny] = (struct deny_line) { lineno, strdup(addr) };
		if (!v[s->n_deny].addr)
			return -ENOMEM;
		s->n_deny++;
	}
	return 0;
}

/*
 * With --from: may the rule on this line of the saved set be what refuses
 * that address on one of sshd's ports?  Not when the set evaluates to
 * another rule's verdict for it (an ACCEPT before the jump to the f2b-
 * chain, as the firewall check's repair inserts), nor when
 * iptables-restore would load none of the file.  A rule set that cannot be
 * judged statically keeps the rule reported.
 */
static bool saved_rule_decides(const struct state *s, const struct ipt_ruleset *rs, int family, const char *from,
			       const char *file, unsigned line)
{
	if (!from)
		return true;
	if (!rs)
		return false;
	for (size_t i = 0; i < s->n_ports; i++) {
		struct fw_packet p = { .family = family, .port = (uint16_t) s->ports[i], .from = from };
		struct fw_answer a = {0};
		ipt_eval(rs, &p, &a);
		if (a.verdict == FW_UNKNOWN || (a.line == line && a.file && streq(a.file, file)))
			return true;
	}
	return false;
}

/* "-A f2b-sshd -s 192.0.2.20/32 -j REJECT ..." in one saved rule set (data is cut into lines). */
static int saved_rules_in(struct run *run, struct state *s, const char *file, int family, char *data, size_t len,
			  const struct ipt_ruleset *rs)
{
	unsigned lineno = 0;

	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t) (end - p)), *l = p, *save = NULL, *chain = NULL, *addr = NULL;
		bool blocks = false;
		p = nl ? nl + 1 : end;
		if (nl)
			*nl = '\0';
		lineno++;
		if (!startswith(l, "-A f2b-"))
			continue;
		strtok_r(l, " \t", &save);
		chain = strtok_r(NULL, " \t", &save);
		for (char *w = strtok_r(NULL, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
			if ((streq(w, "-s") || streq(w, "--source")) && !addr)
				addr = strtok_r(NULL, " \t", &save);
			else if (streq(w, "-j")) {
				const char *t = strtok_r(NULL, " \t", &save);
				blocks = t && (streq(t, "REJECT") || streq(t, "DROP"));
			}
		}
		if (!chain || !addr || !blocks || strlen(addr) > 60)
			continue;
		char *slash = strchr(addr, '/');
		if (slash && (streq(slash, "/32") || streq(slash, "/128")))
			*slash = '\0';
		if (!saved_rule_decides(s, rs, family, run->opt.from, file, lineno))
			continue;
		struct saved_rule *v = realloc(s->saved, (s->n_saved + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->saved = v;
		v[s->n_saved] = (struct saved_rule) { strdup(file), strdup(chain), strdup(addr), lineno };
		if (!v[s->n_saved].file || !v[s->n_saved].chain || !v[s->n_saved].addr) {
			free(v[s->n_saved].file), free(v[s->n_saved].chain), free(v[s->n_saved].addr);
			return -ENOMEM;
		}
		s->n_saved++;
	}
	return 0;
}

static int saved_rules(struct run *run, struct state *s)
{
	static const char *const files[] = { "/etc/iptables/rules.v4", "/etc/iptables/rules.v6", "/etc/sysconfig/iptables",
					     "/etc/sysconfig/ip6tables" };

	for (size_t f = 0; f < ELEMENTSOF(files); f++) {
		_cleanup_free_ char *data = NULL;
		struct ipt_ruleset *rs = NULL;
		size_t len = 0;
		int r = target_read_file(run->target, files[f], CONFIG_MAX, &data, &len);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		if (run->opt.from) {
			unsigned bad_line;
			const char *why;
			/* -EBADMSG: iptables-restore loads none of it (rs stays NULL) */
			if (ipt_parse(files[f], data, len, &rs, &bad_line, &why) == -ENOMEM)
				return -ENOMEM;
		}
		r = saved_rules_in(run, s, files[f], f % 2 ? AF_INET6 : AF_INET, data, len, rs);
		ipt_ruleset_free(rs);
		if (r < 0)
			return r;
	}
	return 0;
}

static int describe_ban(struct buf *b, const struct active *a)
{
	char until[32];
	_cleanup_free_ char *jail = escape_display_trunc(a->jail, 60);

	if (!jail)
		return -ENOMEM;
	if (a->until < 0)
		return buf_printf(b, "jail %s for ever (bantime = -1)", jail);
	date_str(a->until, until);
	return buf_printf(b, "jail %s until %s", jail, until);
}

static int reader_note(struct run *run, const struct state *s, const char *db)
{
	if (s->info.python)
		return model_note(&run->model, "fail2ban: %s was read by the target's own %s (sqlite %s)", db,
				  s->info.python_path, s->bans.sqlite_version ? s->bans.sqlite_version : "?");
	if (s->info.untrusted)
		return model_note(&run->model, "fail2ban: %s was read by sshfix's own SQLite reader: %s, so no program of "
					       "the target reads it and sshfix does not rewrite it",
				  db, s->info.why_not_python ? s->info.why_not_python : "?");
	return model_note(&run->model, "fail2ban: %s was read by sshfix's own SQLite reader: the target's %s could not "
				       "run here (%s)",
			  db, s->info.python_path ? s->info.python_path : "python3",
			  s->info.why_not_python ? s->info.why_not_python : "?");
}

static struct fixdata *new_fixdata(const struct state *s)
{
	struct fixdata *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (s->c.dbfile && !(d->db = strdup(s->c.dbfile))) {
		fixdata_free(d);
		return NULL;
	}
	d->untrusted = s->info.untrusted;
	return d;
}

static int fixdata_add_pair(struct fixdata *d, const struct active *a)
{
	for (size_t i = 0; d->pairs && d->pairs[i]; i += 2)
		if (streq(d->pairs[i], a->ip) && streq(d->pairs[i + 1], a->jail))
			return 0;
	int r = strv_push(&d->pairs, strdup(a->ip));
	return r < 0 ? r : strv_push(&d->pairs, strdup(a->jail));
}

static int fixdata_add_deny(struct fixdata *d, const struct deny_line *l)
{
	unsigned *v = realloc(d->deny_lines, (d->n_deny + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	d->deny_lines = v;
	v[d->n_deny] = l->line;
	int r = strv_push(&d->deny_addrs, strdup(l->addr));
	if (r < 0)
		return r;
	d->n_deny++;
	return 0;
}

/* --from: its bans, its hostsdeny lines, its saved rules. */
static int findings_for(struct run *run, struct state *s)
{
	const char *from = run->opt.from;
	struct buf b = {0};
	const struct active *first = NULL;
	bool permanent = false;
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < s->n_act; i++) {
		if (!same_addr(s->act[i].ip, from))
			continue;
		if (!first)
			first = &s->act[i];
		if (n++)
			buf_puts(&b, " and by ");
		describe_ban(&b, &s->act[i]);
		permanent |= s->act[i].until < 0;
	}
	if (n) {
		_cleanup_free_ char *detail = buf_steal(&b);
		struct fixdata *d = new_fixdata(s);
		struct finding *f = run_add_finding(run, &fail2ban_problems[permanent ? PR_FAIL2BAN_PERMANENT_BAN : PR_FAIL2BAN_BANNED],
						   s->c.dbfile, NULL);
		if (!f || !d || !detail) {
			fixdata_free(d);
			return -ENOMEM;
		}
		finding_set_data(f, d, fixdata_free);
		if (!(d->python = strdup(s->info.python_path ? s->info.python_path : "/usr/bin/python3")))
			return -ENOMEM;
		if (finding_set_detail(f, "%s is banned by %s; fail2ban bans it again from this database when it starts, "
					  "and its %s blocks ssh (port %d)",
				       from, detail, first->action, first->port) < 0)
			return -ENOMEM;
		for (size_t i = 0; i < s->n_act; i++) {
			const struct active *a = &s->act[i];
			char until[32];
			if (!same_addr(a->ip, from))
				continue;
			date_str(a->until, until);
			if ((r = fixdata_add_pair(d, a)) < 0 ||
			    finding_add_evidence(f, "bips: %s jail %s, %s, action %s, port %d", a->ip, a->jail,
						 a->until < 0 ? "permanent" : until, a->action, a->port) < 0)
				return -ENOMEM;
		}
		if (finding_add_evidence(f, "database: %s (%s)", s->c.dbfile,
					 s->info.python ? "read by the target's python3" : "read by sshfix's own reader") < 0)
			return -ENOMEM;
	}
	buf_done(&b);

	for (size_t i = 0; i < s->n_deny; i++) {
		if (!same_addr(s->deny[i].addr, from))
			continue;
		if (!run->target->facts.sshd_libwrap) {
			r = model_note(&run->model, "fail2ban: %s line %u denies %s, but the target's sshd does not use TCP "
						    "wrappers: it does not refuse ssh",
				       HOSTS_DENY, s->deny[i].line, from);
			if (r < 0)
				return r;
			continue;
		}
		struct fixdata *d = calloc(1, sizeof(*d));
		struct finding *f = run_add_finding(run, &fail2ban_problems[PR_FAIL2BAN_HOSTSDENY], HOSTS_DENY, NULL);
		if (!f || !d) {
			free(d);
			return -ENOMEM;
		}
		finding_set_data(f, d, fixdata_free);
		f->line = s->deny[i].line;
		if ((r = fixdata_add_deny(d, &s->deny[i])) < 0 ||
		    finding_set_detail(f, "\"ALL: %s\" (written by fail2ban's hostsdeny action) refuses %s in sshd, which "
					  "uses TCP wrappers, whether fail2ban runs or not",
				       s->deny[i].addr, from) < 0 ||
		    finding_add_evidence(f, "%s:%u", HOSTS_DENY, s->deny[i].line) < 0)
			return -ENOMEM;
	}

	for (size_t i = 0; i < s->n_saved; i++) {
		const struct saved_rule *x = &s->saved[i];
		if (!same_addr(x->addr, from))
			continue;
		_cleanup_free_ char *chain = escape_display_trunc(x->chain, 60);
		struct finding *f = run_add_finding(run, &fail2ban_problems[PR_FAIL2BAN_SAVED_RULES], x->file, NULL);
		if (!f || !chain)
			return -ENOMEM;
		f->line = x->line;
		if (finding_set_detail(f, "a saved fail2ban rule (chain %s) rejects %s; the boot loads it before fail2ban "
					  "starts, and fail2ban never removes it: delete the line",
				       chain, from) < 0 ||
		    finding_add_evidence(f, "%s:%u", x->file, x->line) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* No --from: one warning listing every address. */
static int findings_all(struct run *run, struct state *s)
{
	size_t libwrap_deny = run->target->facts.sshd_libwrap ? s->n_deny : 0;
	struct buf b = {0};
	size_t shown = 0;
	int r;

	if (s->n_act == 0 && libwrap_deny == 0 && s->n_saved == 0)
		return 0;
	buf_printf(&b, "fail2ban will ban %zu address%s from ssh again when it starts: ", s->n_act, s->n_act == 1 ? "" : "es");
	for (size_t i = 0; i < s->n_act && shown < SHOWN_MAX; i++, shown++) {
		buf_printf(&b, "%s%s (", i ? ", " : "", s->act[i].ip);
		describe_ban(&b, &s->act[i]);
		buf_putc(&b, ')');
	}
	if (s->n_act > shown)
		buf_printf(&b, " and %zu more (--verbose lists them)", s->n_act - shown);
	if (libwrap_deny)
		buf_printf(&b, "%s%zu \"ALL: ADDR\" line%s of its hostsdeny action in %s", s->n_act ? "; and " : "", libwrap_deny,
			   libwrap_deny == 1 ? "" : "s", HOSTS_DENY);
	if (s->n_saved)
		buf_printf(&b, "; %zu ban%s in saved iptables rules (not changed here)", s->n_saved, s->n_saved == 1 ? "" : "s");
	buf_puts(&b, "; if one is the address you connect from, run again with --from ADDR");
	_cleanup_free_ char *detail = buf_steal(&b);
	struct fixdata *d = new_fixdata(s);
	struct finding *f = run_add_finding(run, &fail2ban_problems[PR_FAIL2BAN_BANS], s->n_act ? s->c.dbfile : HOSTS_DENY, NULL);
	if (!f || !d || !detail) {
		fixdata_free(d);
		return -ENOMEM;
	}
	finding_set_data(f, d, fixdata_free);
	if (!(d->python = strdup(s->info.python_path ? s->info.python_path : "/usr/bin/python3")) ||
	    finding_set_detail(f, "%s", detail) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_act; i++) {
		char until[32];
		date_str(s->act[i].until, until);
		if ((r = fixdata_add_pair(d, &s->act[i])) < 0 ||
		    finding_add_evidence(f, "bips: %s jail %s, %s, action %s, port %d", s->act[i].ip, s->act[i].jail,
					 s->act[i].until < 0 ? "permanent" : until, s->act[i].action, s->act[i].port) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < libwrap_deny; i++)
		if ((r = fixdata_add_deny(d, &s->deny[i])) < 0 ||
		    finding_add_evidence(f, "%s:%u: ALL: %s", HOSTS_DENY, s->deny[i].line, s->deny[i].addr) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < s->n_saved; i++)
		if (finding_add_evidence(f, "%s:%u: saved rule of chain %s for %s (not changed)", s->saved[i].file,
					 s->saved[i].line, s->saved[i].chain, s->saved[i].addr) < 0)
			return -ENOMEM;
	return 0;
}

static int fail2ban_detect(struct run *run)
{
	struct state s = {0};
	_cleanup_free_ char *why = NULL, *db = NULL;
	int64_t now = (int64_t) pam_counters_now();
	int r, starts;

	r = f2b_config_load(run->target, &s.c);
	if (r < 0 || !s.c.installed)
		goto done;
	for (size_t i = 0; r >= 0 && s.c.notes && s.c.notes[i]; i++)
		r = model_note(&run->model, "fail2ban: %s", s.c.notes[i]);
	if (r < 0)
		goto done;
	r = target_read_file(run->target, "/etc/services", CONFIG_MAX, &s.services, &s.services_len);
	if (r == -ENOMEM)
		goto done;
	ssh_ports(run, &s);
	if ((r = hostsdeny_lines(run, &s)) < 0 || (r = saved_rules(run, &s)) < 0)
		goto done;

	starts = r = f2b_starts_at_boot(run_units(run), run->target, &why);
	if (r < 0)
		goto done;
	bool any_jail = false;
	for (size_t i = 0; i < s.c.n_jails; i++) {
		const struct f2b_action *a;
		int port;
		any_jail |= s.c.jails[i].enabled && jail_blocks_ssh(run, &s, &s.c.jails[i], &a, &port);
	}
	if (s.c.dbfile && starts && any_jail) {
		db = escape_display(s.c.dbfile);
		r = f2b_read_bans(run->target, s.c.dbfile, now, &s.bans, &s.info);
		if (r == -ENOMEM)
			goto done;
		if (r < 0 && r != -ENOENT) {
			/* fail2ban sets a database it cannot read aside and starts a new one: no ban comes back */
			r = model_note(&run->model, "fail2ban: its database %s was not read: %s; nothing was changed%s", db ? db : "?",
				       s.info.error ? s.info.error : strerror(-r),
				       r == -EBADMSG ? " (fail2ban itself sets a database it cannot read aside and starts "
						       "with an empty one)"
						     : "");
			goto done;
		}
		if (r == 0 && (r = restored_bans(run, &s, now)) < 0)
			goto done;
		if (s.info.wal_pending && (r = model_note(&run->model, "fail2ban: %s has a -wal or -journal file beside it that "
									  "was not read; its bans may differ",
							  db ? db : "?")) < 0)
			goto done;
	} else if (!starts && s.c.dbfile) {
		/* Nothing restores the bans, so they keep nobody out; say why when asked. */
		if (run->opt.verbose && (r = model_note(&run->model, "fail2ban: its bans are not restored: %s", why ? why : "?")) < 0)
			goto done;
	}
	size_t before = run->n_findings;
	r = run->opt.from ? findings_for(run, &s) : findings_all(run, &s);
	if (r >= 0 && run->n_findings > before && s.info.python_path && db)
		r = reader_note(run, &s, db);
done:
	state_done(&s);
	return r < 0 ? r : 0;
}

/* The commands that remove the bans by hand, for a repair that cannot be made here. */
static char *by_hand(const struct run *run, const struct fixdata *d)
{
	struct buf b = {0};
	const char *root = run->opt.root && !streq(run->opt.root, "/") ? run->opt.root : "";

	buf_printf(&b, "remove the rows by hand with sqlite3: sqlite3 %s%s \"", root, d->db);
	for (size_t i = 0; d->pairs && d->pairs[i]; i += 2)
		buf_printf(&b, "%sDELETE FROM bips WHERE ip='%s' AND jail='%s'; DELETE FROM bans WHERE ip='%s' AND jail='%s';",
			   i ? " " : "", d->pairs[i], d->pairs[i + 1], d->pairs[i], d->pairs[i + 1]);
	buf_puts(&b, "\" (or, once fail2ban runs: fail2ban-client unban ADDR)");
	return buf_steal(&b);
}

static int fail(struct finding *f, int r, const char *why, const char *how)
{
	_cleanup_free_ char *w = escape_display(why ? why : strerror(-r)), *h = escape_display(how ? how : "");

	free(f->status_reason);
	f->status_reason = NULL;
	if (!w || !h || asprintf(&f->status_reason, "%s; %s", w, h) < 0)
		f->status_reason = NULL;
	return r < 0 ? r : -EIO;
}

static int repair_db(struct run *run, struct finding *f, struct fixdata *d)
{
	_cleanup_free_ char *image = NULL, *data = NULL, *version = NULL, *why = NULL, *how = by_hand(run, d);
	_cleanup_close_ int fd = -EBADF;
	struct f2b_pair *pairs = NULL;
	size_t len = 0, new_len = 0, n = strv_length(d->pairs) / 2;
	struct stat st;
	int r;

	if (!how)
		return -ENOMEM;
	if (d->untrusted)
		return fail(f, -EPERM, "the database is not root's, or a directory a user can write holds it: sshfix does "
				       "not rewrite a user's file",
			    how);
	if (target_is_this_system(run->target)) {
		struct stat sock;
		if (target_stat(run->target, "/run/fail2ban/fail2ban.sock", &sock) == 0 && S_ISSOCK(sock.st_mode))
			return fail(f, -EBUSY, "fail2ban-server is running on this system and holds its database",
				    "unban with fail2ban-client unban ADDR (it deletes the rows too)");
	}
	fd = f2b_db_open(run->target, d->db, CONFIG_MAX, &st);
	if (fd == -EFBIG)
		return fail(f, fd, "the database is larger than 16 MiB, the most the journal keeps for --undo", how);
	if (fd < 0)
		return fail(f, fd, NULL, how);
	r = read_all_hint(fd, CONFIG_MAX, (size_t) st.st_size, &image, &len);
	if (r < 0)
		return r == -ENOMEM ? r : fail(f, r, NULL, how);
	pairs = calloc(n ? n : 1, sizeof(*pairs));
	if (!pairs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		pairs[i] = (struct f2b_pair) { d->pairs[2 * i], d->pairs[2 * i + 1] };
	r = f2b_unban(run->target, d->python, d->db, image, len, pairs, n, &data, &new_len, &version, &why);
	free(pairs);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		_cleanup_free_ char *w = NULL;
		if (asprintf(&w, "the target's python3 could not make the new database (%s)", why ? why : strerror(-r)) < 0)
			return -ENOMEM;
		return fail(f, r, w, how);
	}
	free(f->action);
	f->action = NULL;
	struct buf b = {0};
	buf_printf(&b, "delete from %s the rows of ", d->db);
	for (size_t i = 0; i < 2 * n; i += 2)
		buf_printf(&b, "%s%s (jail %s)", i ? ", " : "", d->pairs[i], d->pairs[i + 1]);
	buf_printf(&b, " in bips and bans, with the target's python3 and sqlite %s", version ? version : "?");
	if (d->n_deny)
		buf_printf(&b, "; comment out %zu line%s of %s", d->n_deny, d->n_deny == 1 ? "" : "s", HOSTS_DENY);
	f->action = buf_steal(&b);
	if (!f->action)
		return -ENOMEM;
	/* Mode, owner and extended attributes stay as they are. */
	return journal_write_file(run->journal, d->db, data, new_len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
}

static int fail2ban_repair(struct run *run, struct finding *f)
{
	struct fixdata *d = f->data;
	int r = 0;

	if (!d)
		return -ESTALE;
	if (d->pairs && d->db && (r = repair_db(run, f, d)) < 0)
		return r;
	if (!d->pairs && d->n_deny) {
		free(f->action);
		f->action = NULL;
		if (asprintf(&f->action, "comment out %zu line%s of %s (fail2ban's hostsdeny bans)", d->n_deny,
			     d->n_deny == 1 ? "" : "s", HOSTS_DENY) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < d->n_deny; i++) {
		_cleanup_free_ char *reason = NULL;
		if (asprintf(&reason, "fail2ban ban of %s", d->deny_addrs[i]) < 0)
			return -ENOMEM;
		r = config_comment_out(run->target, run->journal, HOSTS_DENY, d->deny_lines[i], reason);
		if (r < 0)
			return r;
	}
	return 0;
}

const struct fix fix_fail2ban = {
	.id = "fail2ban",
	.summary = "fail2ban bans of ssh restored at every start (its database), hostsdeny lines, saved f2b- rules",
	.rules = "RULES §10",
	.problems = fail2ban_problems,
	.detect = fail2ban_detect,
	.repair = fail2ban_repair,
};
