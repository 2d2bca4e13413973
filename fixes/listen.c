/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * listen: where sshd listens, and whether anyone can reach it there
 * (RULES §3.6, §3.7, §9.3).  Each problem's rule and repair are in the table
 * below.  The facts come from the model: the listen set with its lines,
 * ports, AddressFamily and socket activation (src/listen_set.h; names only
 * through the target's /etc/hosts and nss-myhostname, never the rescue
 * system's resolver), the machine's addresses (src/addresses.h), what
 * forwards to a loopback sshd (src/fronts.h), and the next boot's SELinux
 * mode and port types (src/mac.h).  This file judges and repairs
 * sshd_config's own lines; flags from the unit's environment are counted
 * and left to sshd-opts-bad.
 *
 * Repairs never add a socket the configuration did not name, except where
 * a network login needs one: loopback-only widens to the any-address of the
 * families and ports already configured (DESIGN §5, SAFE_AUTO, like opening
 * the sshd port in a firewall; a tor onion service, sslh or stunnel in
 * front is left alone, and --undo restores the lines for a tunnel sshfix
 * cannot see).  "Not configured" is read from files, so cannot-bind and
 * address-unknown need a yes: an address assigned another way (a script, a
 * DHCP reservation, a VIP that comes later) would make the edit widen a
 * restriction that worked.  Nothing is judged without a network
 * configuration, for IPv6 (router advertisements), or under
 * ip_nonlocal_bind.  With socket activation (RULES §11.4) systemd listens:
 * the bind checks are skipped (Ubuntu's socket has FreeBind=yes), and
 * loopback-only applies only where the sshd-socket-generator turns
 * ListenAddress into ListenStream= (24.04+).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "addresses.h"
#include "config_edit.h"
#include "fronts.h"
#include "fixes.h"
#include "listen_addr.h"
#include "listen_edit.h"
#include "listen_set.h"
#include "mac.h"
#include "run.h"
#include "semanage.h"
#include "util.h"


/* This family's problems: each code is its row's index in listen_problems[]. */
enum problem_code {
	PR_LISTEN_ADDRESS_INVALID,
	PR_LISTEN_PORT_INVALID,
	PR_LISTEN_FAMILY_MISMATCH,
	PR_LISTEN_LOOPBACK_ONLY,
	PR_LISTEN_CANNOT_BIND,
	PR_LISTEN_ADDRESS_UNKNOWN,
	PR_LISTEN_UNRESOLVABLE,
	PR_LISTEN_PORT_SELINUX,
};

static const struct problem listen_problems[] = {
	{ PR_LISTEN_ADDRESS_INVALID, "listen-address-invalid", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "sshd parses every ListenAddress at start, also for sshd -t, and stops on one it cannot "
	  "read (\"bad address:port usage\" for a '/' or junk after ']', \"bad ListenAddress syntax\" "
	  "for words other than \"rdomain NAME\", \"bad addr or host\" for an empty host). The line is "
	  "commented out; if it was the only ListenAddress, sshd listens on every address, as "
	  "without one. RULES §3.6" },
	{ PR_LISTEN_PORT_INVALID, "listen-port-invalid", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "sshd stops at start, also for sshd -t, on a port it cannot read: a ListenAddress port "
	  "outside 1-65535 or a name the target's /etc/services lacks (\"bad port number\"), or such "
	  "a name on a Port line (\"Badly formatted port number\"). A ListenAddress keeps its address "
	  "and loses only the port, so sshd listens there on the Port ports (commenting the line out "
	  "would make it listen on every address); a Port line is commented out. RULES §3.6" },
	{ PR_LISTEN_FAMILY_MISMATCH, "listen-family-mismatch", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "With AddressFamily inet, sshd cannot listen on an IPv6 address, nor with inet6 on an "
	  "IPv4 one: it stops at start, also for sshd -t (\"bad addr or host: ... Address family for "
	  "hostname not supported\"). When a ListenAddress of the allowed family remains, the "
	  "contradicting ones are commented out; when none would, the AddressFamily line is, so "
	  "sshd listens exactly on the addresses written. No address is added that the "
	  "configuration did not name. RULES §3.6" },
	{ PR_LISTEN_LOOPBACK_ONLY, "listen-loopback-only", SEV_ERROR, PF_SAFE_AUTO,
	  "sshd listens only on loopback ({detail}): nobody on the network can connect",
	  "Every ListenAddress is a loopback address (127.0.0.0/8, ::1, or a name /etc/hosts maps "
	  "there, such as localhost or Debian's 127.0.1.1 host name), so sshd accepts connections "
	  "from this machine only; everyone else gets \"Connection refused\". This widens access, "
	  "and only as far as a network login needs: the lines are commented out, so sshd listens on "
	  "every address on its Port ports, or, where a line names its own port, each line is "
	  "rewritten to the any-address of its family (0.0.0.0, [::]) keeping port and rdomain. A "
	  "firewall still applies. Loopback-only is left alone where a tor onion service, sslh or "
	  "stunnel forwards to it; if logins come through a tunnel sshfix cannot see (a cloud's "
	  "port forwarding to localhost, a reverse tunnel), skip this problem (--skip "
	  "listen-loopback-only) or undo it. RULES §3.6, §3.7" },
	{ PR_LISTEN_CANNOT_BIND, "listen-cannot-bind", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "{detail}",
	  "sshd binds each listen address when it starts; an address the machine does not have "
	  "fails (\"Bind to port 22 on A failed: Cannot assign requested address\"), not under "
	  "sshd -t, and when no address is left sshd stops (\"Cannot bind any address.\"); with only "
	  "loopback left, nobody outside can connect. Typical after a disk moved to another machine, "
	  "a renumbering, or a VM cloned or moved while it takes its address from DHCP or a cloud: "
	  "the new lease differs, the ListenAddress written for the old one stays. The ListenAddress "
	  "lines are commented out (or rewritten to the "
	  "any-address of their family where one names its own port), which widens what sshd "
	  "listens on; it needs confirmation because \"not configured\" is read from the network "
	  "configuration files, and an address assigned some other way (a DHCP reservation, a "
	  "script) would make the old lines right. RULES §3.6, §3.7" },
	{ PR_LISTEN_ADDRESS_UNKNOWN, "listen-address-unknown", SEV_WARNING, PF_NEEDS_CONFIRM,
	  "{path} line {line}: {detail}",
	  "The address is not configured on this machine (or no network configuration names it "
	  "while the machine takes its addresses from DHCP or a cloud), so binding it fails when "
	  "sshd starts (\"Bind to port 22 on A failed: Cannot assign requested address\"); sshd "
	  "goes on with the other listen addresses, and only clients that use this one get "
	  "\"Connection refused\". With a yes the line is commented out, so sshd stops trying it; "
	  "not without one, as the address may be one that appears later. RULES §3.7" },
	{ PR_LISTEN_UNRESOLVABLE, "listen-unresolvable", SEV_WARNING, PF_REPORT_ONLY,
	  "{path} line {line}: {detail}",
	  "sshd resolves a ListenAddress name when it starts, with the target's resolver; sshfix "
	  "never asks the rescue system's DNS, and the target's /etc/hosts does not have the name. "
	  "If DNS does not answer at that moment (early in boot, before the network is up), sshd "
	  "stops (\"bad addr or host: NAME (Temporary failure in name resolution)\"). Put the name "
	  "in /etc/hosts or use the address. RULES §3.6" },
	{ PR_LISTEN_PORT_SELINUX, "listen-port-selinux", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "{detail}",
	  "Under the targeted policy only tcp/22 is ssh_port_t, so binding another port fails "
	  "(\"Bind to port P on 0.0.0.0 failed: Permission denied\", and \"Cannot bind any "
	  "address.\" when it is the only one) unless the policy store labels it. With a yes, sshfix "
	  "runs the target's own semanage port -a -N -t ssh_port_t -p tcp PORT (-m when the port "
	  "already has another type) in its sandbox, on a copy of the policy, and writes what it "
	  "changed (the local store and the compiled policy the next boot loads) through its undo "
	  "log; a yes, because it rebuilds the whole policy. Where the target's semanage cannot run, "
	  "run that command in the target (chroot into it), or go back to Port 22. RULES §3.7, §9.3" },
	{ .id = NULL },
};

/* What a listen address stands for, as far as sshfix can tell offline. */
enum verdict {
	V_LOOPBACK,	/* loopback only */
	V_USABLE,	/* the any-address, or configured, or cannot be judged */
	V_UNKNOWN,	/* an address the machine does not have */
	V_UNCONFIRMED,	/* an IPv4 address no configuration names, on a machine with DHCP (or a cloud) */
};

struct lentry {
	size_t li;			/* its line in the listen set */
	const struct sshd_option *o;
	struct listen_addr la;		/* a shallow copy of the listen set's (src/listen_set.h) */
	enum listen_error err;
	bool conflict;		/* its family contradicts AddressFamily */
	bool dropped;		/* a repair comments it out: invalid, or a family conflict */
	bool unresolved;	/* a name /etc/hosts does not give */
	bool unsure;		/* V_USABLE only because it cannot be judged offline (IPv6, a scope) */
	enum verdict v;
	int fam;		/* family of the first address it stands for; AF_UNSPEC when unknown */
	char *why;		/* evidence for V_UNKNOWN and V_UNCONFIRMED */
};

struct ctx {
	struct run *run;
	const struct listen_set *ls;	/* where sshd listens (src/listen_set.h) */
	int family;			/* AddressFamily after the family repair */
	int family_written;		/* as the configuration has it */
	const struct sshd_option *af;	/* the AddressFamily line that counts */
	bool family_repair_af;		/* the family repair comments out AddressFamily */
	struct lentry *e;
	size_t n;
	const struct addresses *as;	/* the machine's addresses (src/addresses.h), fetched when first needed */
	bool quiet;			/* repair(): the notes were made by detect() */
};

static int note(struct ctx *c, const char *fmt, ...) _printf_(2, 3);
static int note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (c->quiet)
		return 0;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	r = model_note(&c->run->model, "%s", s);
	free(s);
	return r;
}

static void ctx_done(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->e[i].why);
	free(c->e);
}

/* A service name rather than a number: a2port() looks it up in /etc/services. */
static bool port_is_name(const char *s)
{
	return (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z');
}

static bool is_kw(const struct sshd_option *o, const char *kw)
{
	return o->match < 0 && strcasecmp(o->keyword, kw) == 0 && o->args && o->args[0];
}

static const char *family_name(int f)
{
	return f == AF_INET ? "inet" : f == AF_INET6 ? "inet6" : "any";
}

static const char *family_words(int f)
{
	return f == AF_INET ? "IPv4" : "IPv6";
}

/* ----------------------------------------------------------- the network */

/*
 * Judge one address against the machine's (src/addresses.h).  Returns the
 * verdict; for V_UNKNOWN and V_UNCONFIRMED sets e->why to the evidence;
 * adds a note when it cannot be judged.
 */
static int judge(struct ctx *c, struct lentry *e, const struct ip_addr *a0, enum verdict *ret)
{
	struct ip_addr a = addresses_unmap(a0);
	_cleanup_free_ char *why = NULL, *shown = strdup_trunc(e->la.host, 100);
	enum addr_bind b;
	char buf[46];
	int r;

	if (!shown)
		return -ENOMEM;
	if (!c->as && (r = addresses_get(c->run, &c->as)) < 0)
		return r;
	r = addresses_bindable(c->as, &a, &b, &why);
	if (r < 0)
		return r;
	*ret = b == BIND_LOOPBACK ? V_LOOPBACK : b == BIND_MISSING ? V_UNKNOWN : b == BIND_UNCONFIRMED ? V_UNCONFIRMED
														: V_USABLE;
	if (b == BIND_MISSING || b == BIND_UNCONFIRMED) {
		free(e->why);
		e->why = TAKE_PTR(why);
	} else if (b == BIND_NONLOCAL)
		return note(c, "ListenAddress %s (%s line %u): %s is not configured, but %s lets sshd bind it anyway",
			    shown, e->o->file, e->o->line, ip_to_string(&a, buf), why);
	else if (b == BIND_UNSURE) {
		e->unsure = true;
		return note(c, "ListenAddress %s (%s line %u): whether this machine has %s cannot be confirmed offline "
			       "(IPv6 addresses also come from router advertisements)",
			    shown, e->o->file, e->o->line, ip_to_string(&a, buf));
	} else if (b == BIND_NO_SOURCE)
		return note(c, "ListenAddress %s (%s line %u): whether this machine has %s cannot be confirmed: no network "
			       "configuration sshfix reads (ifupdown, netplan, NetworkManager, systemd-networkd, ifcfg) "
			       "names any address",
			    shown, e->o->file, e->o->line, ip_to_string(&a, buf));
	return 0;
}

/* ------------------------------------------------------------- analysis */

/* The addresses a name stands for; marks the entry unresolved when /etc/hosts lacks it. */
static int resolve(struct ctx *c, struct lentry *e)
{
	_cleanup_free_ struct ip_addr *v = NULL;
	size_t nv = 0;
	int n, r;

	if (e->la.kind == LH_NUMERIC) {
		struct ip_addr a = e->la.addr;
		e->fam = a.family == AF_INET6 && ip_is_v4mapped(&a) && c->family == AF_INET ? AF_INET : a.family;
		if (e->la.scope) {
			/* A scoped address binds only where that interface exists at start. */
			_cleanup_free_ char *shown = strdup_trunc(e->la.host, 100);
			e->v = V_USABLE;
			e->unsure = true;
			return note(c,
					  "ListenAddress %s (%s line %u): a link-local address with an interface scope "
					  "cannot be confirmed offline",
					  shown ? shown : "?", e->o->file, e->o->line);
		}
		return judge(c, e, &a, &e->v);
	}
	bool lo = false;
	n = listen_set_resolve(c->ls, e->la.host, c->family, &v, &nv, &lo);
	if (n < 0)
		return n;
	if (n == LISTEN_BY_MYHOSTNAME) {
		e->v = lo ? V_LOOPBACK : V_USABLE;
		e->fam = c->family == AF_INET6 ? AF_INET6 : AF_INET;
		return 0;
	}
	if (n == LISTEN_UNRESOLVED) {
		e->unresolved = true;
		e->v = V_USABLE;	/* it may well resolve; then it is probably right */
		e->fam = AF_UNSPEC;
		return 0;
	}
	e->fam = v[0].family;
	bool any_usable = false, any_sure = false, any_unknown = false, any_unconfirmed = false;
	for (size_t i = 0; i < nv; i++) {
		enum verdict vd;
		e->unsure = false;
		r = judge(c, e, &v[i], &vd);
		if (r < 0)
			return r;
		any_usable |= vd == V_USABLE;
		any_sure |= vd == V_USABLE && !e->unsure;
		any_unknown |= vd == V_UNKNOWN;
		any_unconfirmed |= vd == V_UNCONFIRMED;
	}
	e->unsure = any_usable && !any_sure;
	e->v = any_usable ? V_USABLE : any_unknown ? V_UNKNOWN : any_unconfirmed ? V_UNCONFIRMED : V_LOOPBACK;
	return 0;
}

/* Is there a ListenAddress left of the allowed family (or a name that may resolve in it)? */
static bool family_survivor(const struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct lentry *e = &c->e[i];
		if (e->err != LISTEN_OK && e->err != LISTEN_BAD_PORT)
			continue;
		if (!e->conflict)
			return true;
	}
	return false;
}

/* A name whose /etc/hosts entries are all of the other family. */
static int name_only_other_family(const struct ctx *c, const struct lentry *e, bool *ret)
{
	_cleanup_free_ struct ip_addr *v = NULL;
	int n;

	*ret = false;
	if (c->family == AF_UNSPEC || e->la.kind != LH_NAME)
		return 0;
	size_t nv = 0;
	bool lo;
	n = listen_set_resolve(c->ls, e->la.host, c->family, &v, &nv, &lo);
	if (n != LISTEN_UNRESOLVED)
		return n < 0 ? n : 0;
	n = listen_set_resolve(c->ls, e->la.host, AF_UNSPEC, &v, &nv, &lo);
	if (n < 0)
		return n;
	*ret = n == LISTEN_BY_HOSTS;
	return 0;
}

static int analyze(struct run *run, struct ctx *c)
{
	const struct sshd_config *cfg = run->model.sshd;
	int r;

	*c = (struct ctx) { .run = run, .family = AF_UNSPEC, .family_written = AF_UNSPEC, .quiet = c->quiet };
	if (!cfg)
		return 0;
	r = listen_set_get(run, &c->ls);
	if (r < 0)
		return r;
	const struct listen_set *ls = c->ls;

	/* A family from the command line (-4, -6, -o) is not the configuration's to repair. */
	if (ls->family_opt && ls->family_origin == LISTEN_FROM_CONFIG) {
		c->af = ls->family_opt;
		c->family = ls->family;
	}
	for (size_t i = 0; i < ls->n_lines; i++) {
		const struct listen_line *l = &ls->lines[i];
		if (l->origin != LISTEN_FROM_CONFIG)
			continue;	/* -o ListenAddress in the unit's environment: said below, not judged */
		struct lentry *nv = realloc(c->e, (c->n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		c->e = nv;
		c->e[c->n++] = (struct lentry) { .li = i, .o = l->o, .la = l->la, .err = l->err, .fam = AF_UNSPEC,
						 .conflict = c->af && l->family_mismatch };
	}
	c->family_written = c->family;

	/* Lines sshd cannot parse go; family conflicts (the listen set's) decide what else does. */
	bool any_conflict = false;
	for (size_t i = 0; i < c->n; i++) {
		c->e[i].dropped = c->e[i].err != LISTEN_OK && c->e[i].err != LISTEN_BAD_PORT;
		any_conflict |= c->e[i].conflict;
	}
	if (any_conflict) {
		if (family_survivor(c)) {
			for (size_t i = 0; i < c->n; i++)
				if (c->e[i].conflict)
					c->e[i].dropped = true;
		} else {
			c->family_repair_af = true;
			c->family = AF_UNSPEC;
		}
	}

	for (size_t i = 0; i < c->n; i++) {
		struct lentry *e = &c->e[i];
		if (e->dropped)
			continue;
		if (ls->socket_activated && e->la.kind == LH_NUMERIC && !ip_is_loopback(&e->la.addr)) {
			e->v = V_USABLE;	/* systemd binds it, with FreeBind= on Ubuntu */
			e->fam = e->la.addr.family;
			continue;
		}
		r = resolve(c, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------- findings */

static struct finding *add(struct run *run, enum problem_code code, const struct sshd_option *o, const char *fmt,
			   ...) _printf_(4, 5);
static struct finding *add(struct run *run, enum problem_code code, const struct sshd_option *o, const char *fmt,
			   ...)
{
	struct finding *f = run_add_finding(run, &listen_problems[code], o ? o->file : NULL, NULL);
	va_list ap;
	char *detail;

	if (!f)
		return NULL;
	f->line = o ? o->line : 0;
	va_start(ap, fmt);
	int r = vasprintf(&detail, fmt, ap);
	va_end(ap);
	if (r < 0)
		return NULL;
	free(f->detail);
	f->detail = detail;
	if (o && finding_add_evidence(f, "%s:%u", o->file, o->line) < 0)
		return NULL;
	return f;
}

/* "ListenAddress x" for messages, cut and escaped later by the report. */
static char *shown_value(const struct sshd_option *o)
{
	struct buf b = {0};

	buf_puts(&b, o->keyword);
	for (size_t i = 0; i < 4 && o->args[i]; i++) {
		buf_putc(&b, ' ');
		_cleanup_free_ char *a = strdup_trunc(o->args[i], 100);
		buf_puts(&b, a ? a : "?");
	}
	return buf_ok(&b) ? buf_steal(&b) : (buf_done(&b), NULL);
}

/* The ListenAddress values sshd keeps, for messages: "127.0.0.1, [::1]:2222". */
static int listed(const struct ctx *c, char **ret)
{
	struct buf b = {0};

	for (size_t i = 0; i < c->n; i++) {
		const struct lentry *e = &c->e[i];
		if (e->dropped)
			continue;
		_cleanup_free_ char *h = strdup_trunc(e->la.host, 100);
		if (e->la.port > 0)
			buf_printf(&b, "%s%s%s%s:%d", b.len ? ", " : "", e->la.bracketed || strchr(e->la.host, ':') ? "[" : "",
				   h ? h : "?", e->la.bracketed || strchr(e->la.host, ':') ? "]" : "", e->la.port);
		else
			buf_printf(&b, "%s%s", b.len ? ", " : "", h ? h : "?");
	}
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret = buf_steal(&b);
	return 0;
}

/* What the network configuration does configure, as evidence (the first few). */
static int network_evidence(const struct ctx *c, struct finding *f)
{
	_cleanup_strv_free_ char **v = NULL;

	if (addresses_describe(c->as, 8, 4, &v) < 0)
		return -ENOMEM;
	for (size_t i = 0; v[i]; i++)
		if (finding_add_evidence(f, "%s", v[i]) < 0)
			return -ENOMEM;
	return 0;
}

/* An address the bind will fail on, as far as the machine's configuration says. */
static bool unbindable(const struct lentry *e)
{
	return e->v == V_UNKNOWN || e->v == V_UNCONFIRMED;
}

/* Is sshd's loopback listener served from outside by something the target runs? */
static int loopback_front(struct ctx *c, char **ret_what);

static int selinux_check(struct ctx *c);

static int listen_detect(struct run *run)
{
	_cleanup_(ctx_done) struct ctx c = {0};
	int r;

	r = analyze(run, &c);
	if (r < 0 || !run->model.sshd)
		return r;

	/* What the unit's command line adds is counted, never repaired here (sshd-opts-bad owns that line). */
	for (size_t i = 0; i < c.ls->n_lines; i++)
		if (c.ls->lines[i].origin == LISTEN_FROM_CMDLINE) {
			_cleanup_free_ char *v = shown_value(c.ls->lines[i].o);
			r = v ? model_note(&run->model, "%s line %u passes sshd -o \"%s\": that listen address is not judged",
					   c.ls->lines[i].o->file, c.ls->lines[i].o->line, v)
			      : -ENOMEM;
			if (r < 0)
				return r;
		}
	if (c.ls->family_opt && c.ls->family_origin == LISTEN_FROM_CMDLINE && c.n > 0) {
		const struct sshd_option *o = c.ls->family_opt;
		_cleanup_free_ char *v = shown_value(o);
		if (!v)
			return -ENOMEM;
		r = model_note(&run->model, "%s line %u passes sshd %s%s%s: the listen addresses were not judged against it",
			       o->file, o->line, o->keyword[0] == '-' ? o->keyword : "-o \"",
			       o->keyword[0] == '-' ? "" : v, o->keyword[0] == '-' ? "" : "\"");
		if (r < 0)
			return r;
	}

	/* Port NAME that /etc/services lacks: sshd's a2port() fails. */
	for (size_t i = 0; i < run->model.sshd->n_opts; i++) {
		const struct sshd_option *o = &run->model.sshd->opts[i];
		if (!is_kw(o, "Port") || !port_is_name(o->args[0]) || !c.ls->services)
			continue;
		if (listen_port_parse(o->args[0], c.ls->services, c.ls->services_len) > 0)
			continue;
		_cleanup_free_ char *p = strdup_trunc(o->args[0], 100);
		if (!add(run, PR_LISTEN_PORT_INVALID, o, "Port %s: no service of that name in /etc/services (sshd: "
							 "\"Badly formatted port number\")", p ? p : "?"))
			return -ENOMEM;
	}

	for (size_t i = 0; i < c.n; i++) {
		struct lentry *e = &c.e[i];
		_cleanup_free_ char *v = shown_value(e->o);
		if (!v)
			return -ENOMEM;
		if (e->err == LISTEN_BAD_PORT) {
			_cleanup_free_ char *p = strdup_trunc(e->la.port_text ? e->la.port_text : "", 100);
			if (!add(run, PR_LISTEN_PORT_INVALID, e->o, "%s: \"%s\" is not a port (1-65535 or a name in "
								    "/etc/services); sshd: \"bad port number\"",
				 v, p ? p : "?"))
				return -ENOMEM;
		} else if (e->err != LISTEN_OK) {
			if (!add(run, PR_LISTEN_ADDRESS_INVALID, e->o, "%s: sshd stops with \"%s\"", v,
				 listen_error_message(e->err)))
				return -ENOMEM;
		}
	}

	/* One family finding, on the first contradicting line. */
	for (size_t i = 0; i < c.n; i++) {
		struct lentry *e = &c.e[i];
		if (!e->conflict)
			continue;
		_cleanup_(buf_done) struct buf lines = {0};
		for (size_t k = i; k < c.n; k++)
			if (c.e[k].conflict) {
				_cleanup_free_ char *h = strdup_trunc(c.e[k].la.host, 60);
				buf_printf(&lines, "%s%s (%s line %u)", lines.len ? ", " : "", h ? h : "?", c.e[k].o->file,
					   c.e[k].o->line);
			}
		struct finding *f = buf_ok(&lines)
			? add(run, PR_LISTEN_FAMILY_MISMATCH, e->o,
			      "AddressFamily %s (%s line %u) but %s ListenAddress %s; sshd stops with \"bad addr or host\"",
			      family_name(c.family_written), c.af->file, c.af->line,
			      family_words(c.family_written == AF_INET ? AF_INET6 : AF_INET), lines.data)
			: NULL;
		if (!f || finding_add_evidence(f, "%s:%u", c.af->file, c.af->line) < 0)
			return -ENOMEM;
		break;
	}

	/* Names /etc/hosts does not give (for the family). */
	for (size_t i = 0; i < c.n; i++) {
		struct lentry *e = &c.e[i];
		bool other = false;
		if (e->dropped || !e->unresolved)
			continue;
		r = name_only_other_family(&c, e, &other);
		if (r < 0)
			return r;
		_cleanup_free_ char *h = strdup_trunc(e->la.host, 100);
		struct finding *f =
			other ? add(run, PR_LISTEN_UNRESOLVABLE, e->o,
				    "ListenAddress %s: /etc/hosts gives it only %s addresses, but AddressFamily is %s; "
				    "it may not resolve when sshd starts",
				    h ? h : "?", family_words(c.family == AF_INET ? AF_INET6 : AF_INET), family_name(c.family))
			      : add(run, PR_LISTEN_UNRESOLVABLE, e->o,
				    "ListenAddress %s: not an address and not in /etc/hosts; it may not resolve when sshd "
				    "starts at boot",
				    h ? h : "?");
		if (!f)
			return -ENOMEM;
	}

	if (c.ls->socket_activated && c.n > 0) {
		r = model_note(&run->model, "%s is enabled: systemd binds the listen addresses (with FreeBind= on Ubuntu), so "
					    "whether this machine has them is not judged",
			       c.ls->socket_unit);
		if (r < 0)
			return r;
	}

	/* Where sshd ends up listening. */
	size_t n_live = 0, n_loop = 0, n_unknown = 0, n_unconfirmed = 0, n_unsure = 0;
	for (size_t i = 0; i < c.n; i++) {
		const struct lentry *e = &c.e[i];
		if (e->dropped)
			continue;
		n_live++;
		n_loop += e->v == V_LOOPBACK;
		n_unknown += e->v == V_UNKNOWN || e->v == V_UNCONFIRMED;
		n_unconfirmed += e->v == V_UNCONFIRMED;
		n_unsure += e->v == V_USABLE && e->unsure;
	}
	if (n_live > 0 && n_loop == n_live && (!c.ls->socket_activated || c.ls->socket_generator)) {
		_cleanup_free_ char *front = NULL, *where = NULL;
		r = loopback_front(&c, &front);
		if (r < 0)
			return r;
		r = listed(&c, &where);
		if (r < 0)
			return r;
		if (front) {
			r = model_note(&run->model, "sshd listens only on loopback (%s), and %s forwards to it: left as "
						    "it is",
				       where, front);
			if (r < 0)
				return r;
		} else {
			struct finding *f = NULL;
			for (size_t i = 0; i < c.n; i++) {
				if (c.e[i].dropped)
					continue;
				if (!f) {
					f = add(run, PR_LISTEN_LOOPBACK_ONLY, c.e[i].o, "%s", where);
					if (!f)
						return -ENOMEM;
				} else if (finding_add_evidence(f, "%s:%u", c.e[i].o->file, c.e[i].o->line) < 0)
					return -ENOMEM;
			}
		}
	} else if (n_unknown > 0 && n_loop + n_unknown + n_unsure == n_live && !c.ls->socket_activated) {
		/* No listen address can be confirmed: sshd binds nothing, or loopback only.  An IPv6
		 * address sshfix cannot judge is no confirmation; the repair must then drop it too, or
		 * sshd would still listen nowhere else. */
		_cleanup_(buf_done) struct buf what = {0}, unsure = {0};
		struct finding *f = NULL;
		for (size_t i = 0; i < c.n; i++) {
			const struct lentry *e = &c.e[i];
			_cleanup_free_ char *h = strdup_trunc(e->la.host, 60);
			if (!e->dropped && unbindable(e))
				buf_printf(&what, "%s%s (%s line %u)", what.len ? ", " : "", h ? h : "?", e->o->file,
					   e->o->line);
			else if (!e->dropped && e->v == V_USABLE && e->unsure)
				buf_printf(&unsure, "%s%s (%s line %u)",
					   unsure.len ? ", " : "; no other listen address can be confirmed offline: ",
					   h ? h : "?", e->o->file, e->o->line);
		}
		buf_puts(&unsure, "");
		if (!buf_ok(&what) || !buf_ok(&unsure))
			return -ENOMEM;
		for (size_t i = 0; i < c.n; i++) {
			const struct lentry *e = &c.e[i];
			if (e->dropped)
				continue;
			if (!f) {
				f = add(run, PR_LISTEN_CANNOT_BIND, e->o, "ListenAddress %s: %s, so sshd %s%s", what.data,
					n_unconfirmed == 0 ? "not configured on this machine"
					: n_unconfirmed == n_unknown
						? "no network configuration names it, and the machine takes its addresses "
						  "from DHCP or a cloud"
						: "not configured on this machine, or named by no network configuration "
						  "while the machine takes its addresses from DHCP or a cloud",
					n_loop ? "listens only on loopback"
					: n_unconfirmed ? "stops (\"Cannot bind any address\") unless DHCP hands out exactly "
							  "that address"
							: "stops (\"Cannot bind any address\")",
					unsure.data);
				if (!f)
					return -ENOMEM;
			} else if (finding_add_evidence(f, "%s:%u", e->o->file, e->o->line) < 0)
				return -ENOMEM;
			_cleanup_free_ char *h = strdup_trunc(e->la.host, 100);
			if ((unbindable(e) && finding_add_evidence(f, "%s", e->why) < 0) ||
			    (e->v == V_USABLE && e->unsure &&
			     finding_add_evidence(f, "%s: cannot be confirmed offline either (IPv6 or a scoped address)",
						  h ? h : "?") < 0))
				return -ENOMEM;
		}
		if (network_evidence(&c, f) < 0)
			return -ENOMEM;
	} else if (!c.ls->socket_activated) {
		/* Others remain (or may: a name, an IPv6 address sshfix cannot judge): one warning each. */
		for (size_t i = 0; i < c.n; i++) {
			const struct lentry *e = &c.e[i];
			if (e->dropped || !unbindable(e))
				continue;
			_cleanup_free_ char *h = strdup_trunc(e->la.host, 100);
			struct finding *f =
				e->v == V_UNKNOWN
					? add(run, PR_LISTEN_ADDRESS_UNKNOWN, e->o,
					      "ListenAddress %s: not configured on this machine; sshd listens on its other "
					      "addresses",
					      h ? h : "?")
					: add(run, PR_LISTEN_ADDRESS_UNKNOWN, e->o,
					      "ListenAddress %s: no network configuration names it, and the machine takes "
					      "its addresses from DHCP or a cloud; sshd listens on its other addresses",
					      h ? h : "?");
			if (!f || finding_add_evidence(f, "%s", e->why) < 0 || network_evidence(&c, f) < 0)
				return -ENOMEM;
		}
	}

	return selinux_check(&c);
}

/* ---------------------------------------------------------- the listen set */

/* The sockets sshd opens once the repairs are made: its lines, less those a repair drops (RULES §3.6). */
static int kept_sockets(const struct ctx *c, struct listen_entry **ret)
{
	_cleanup_free_ bool *keep = calloc(c->ls->n_lines + 1, sizeof(*keep));

	if (!keep)
		return -ENOMEM;
	for (size_t i = 0; i < c->ls->n_lines; i++)
		keep[i] = c->ls->lines[i].err == LISTEN_OK && !c->ls->lines[i].family_mismatch;
	for (size_t i = 0; i < c->n; i++)
		keep[c->e[i].li] = !c->e[i].dropped;
	return listen_set_sockets_keeping(c->ls, keep, ret);
}

static bool port_in(const int *ports, size_t n, int p)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i] == p)
			return true;
	return false;
}

/* Is sshd's loopback listener served from outside by something the target runs (src/fronts.h)? */
static int loopback_front(struct ctx *c, char **ret_what)
{
	_cleanup_free_ struct listen_entry *v = NULL;
	int ports[64];
	size_t n = 0;
	int k = kept_sockets(c, &v);

	*ret_what = NULL;
	if (k < 0)
		return k;
	for (int i = 0; i < k && n < ELEMENTSOF(ports); i++)
		if (!port_in(ports, n, v[i].port))
			ports[n++] = v[i].port;
	return fronts_find(c->run->target, ports, n, ret_what);
}

/* ---------------------------------------------------------------- SELinux */

/* Each port sshd binds that the next boot's enforcing policy does not give ssh_port_t (RULES §9.3). */
static int selinux_check(struct ctx *c)
{
	_cleanup_free_ struct listen_entry *v = NULL;
	const struct mac_state *m;
	int r;

	r = mac_get(c->run, &m);
	if (r < 0 || m->mode != SELINUX_ENFORCING || !m->selinux_type)
		return r;
	int k = kept_sockets(c, &v);
	if (k < 0)
		return k;
	int done[64];
	size_t n_done = 0;
	for (int i = 0; i < k; i++) {
		int port = v[i].port;
		const char *where;
		if (port_in(done, n_done, port) || n_done >= ELEMENTSOF(done))
			continue;
		done[n_done++] = port;
		if (mac_selinux_port_has_type(m, true, (unsigned) port, "ssh_port_t", &where))
			continue;
		struct finding *f = add(c->run, PR_LISTEN_PORT_SELINUX, listen_set_port_line(c->ls, &v[i]),
					"sshd listens on port %d, which SELinux (enforcing) does not let it bind until the "
					"policy gives it ssh_port_t (semanage port -a -N -t ssh_port_t -p tcp %d)",
					port, port);
		int *p = f ? malloc(sizeof(*p)) : NULL;
		if (!p)
			return -ENOMEM;
		*p = port;
		finding_set_data(f, p, free);
		for (size_t e = 0; m->selinux_evidence[e]; e++)
			if (finding_add_evidence(f, "%s", m->selinux_evidence[e]) < 0)
				return -ENOMEM;
		if (finding_add_evidence(f, "%s: no portcon tcp %d ... ssh_port_t", m->store_ports, port) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ----------------------------------------------------------------- repair */

static struct lentry *entry_at(struct ctx *c, const char *file, unsigned line)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].o->line == line && streq(c->e[i].o->file, file))
			return &c->e[i];
	return NULL;
}

/*
 * Widen the listen lines of a loopback-only or cannot-bind finding: comment
 * them out, or, when one names its own port, rewrite each to the
 * any-address of its family (same port, same rdomain), duplicates
 * commented out.
 */
static int widen(struct run *run, struct finding *f, struct ctx *c)
{
	bool ported = false;
	_cleanup_strv_free_ char **written = NULL;
	int r;

	for (size_t i = 0; i < c->n; i++)
		ported |= !c->e[i].dropped && c->e[i].la.port > 0;
	for (size_t i = 0; i < c->n; i++) {
		struct lentry *e = &c->e[i];
		if (e->dropped)
			continue;
		const char *why = e->v == V_LOOPBACK ? "loopback only, nobody outside could connect"
			: e->v == V_UNKNOWN	     ? "an address this machine does not have"
			: e->v == V_UNCONFIRMED	     ? "an address no network configuration names (addresses come from DHCP)"
			: e->unsure		     ? "an address sshfix cannot confirm, and no other listen address could be"
						     : "sshd listens on its other addresses";
		if (!ported) {
			r = listen_edit_comment(run, f, e->o, why);
			if (r < 0)
				return r;
			continue;
		}
		int fam = e->fam == AF_UNSPEC ? (c->family == AF_INET6 ? AF_INET6 : AF_INET) : e->fam;
		struct buf b = {0};
		if (e->la.port > 0)
			buf_printf(&b, "%s:%d", fam == AF_INET6 ? "[::]" : "0.0.0.0", e->la.port);
		else
			buf_puts(&b, fam == AF_INET6 ? "::" : "0.0.0.0");
		if (e->la.rdomain) {
			if (!listen_edit_plain(e->la.rdomain)) {
				buf_done(&b);
				r = listen_edit_comment(run, f, e->o, why);
				if (r < 0)
					return r;
				continue;
			}
			buf_printf(&b, " rdomain %s", e->la.rdomain);
		}
		if (!buf_ok(&b)) {
			buf_done(&b);
			return -ENOMEM;
		}
		_cleanup_free_ char *value = buf_steal(&b);
		if (strv_contains(written, value)) {
			r = listen_edit_comment(run, f, e->o, "the same socket as another ListenAddress once on every address");
		} else {
			_cleanup_free_ char *w = listen_edit_where(f, e->o);
			r = w ? listen_edit_set(run, e->o, value) : -ENOMEM;
			if (r >= 0)
				r = listen_edit_action(f, "%s: ListenAddress %s", w, value);
			if (r >= 0)
				r = strv_push(&written, strdup(value));
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The port labelled by the target's own semanage on a copy of its policy
 * (src/semanage.h): "-a", or "-m" when the port already has a type.
 */
static int selinux_port_repair(struct run *run, struct finding *f)
{
	const int *port = f->data;
	_cleanup_(semanage_changes_done) struct semanage_changes ch = {0};
	_cleanup_free_ char *num = NULL, *manual = NULL;
	const char *op = "-a";
	int r;

	if (!port || asprintf(&num, "%d", *port) < 0 ||
	    asprintf(&manual, "semanage port -a -N -t ssh_port_t -p tcp %s", num) < 0)
		return -ENOMEM;
	for (;;) {
		const char *const args[] = { "port", op, "-N", "-t", "ssh_port_t", "-p", "tcp", num, NULL };
		r = semanage_run_repair(run, f, "/usr/sbin/semanage", args, manual, &ch);
		/* a port the policy already types: modify it instead */
		if (r != -EINVAL || streq(op, "-m") || !strstr(ch.log, "already defined"))
			break;
		semanage_changes_done(&ch);
		free(f->status_reason);
		f->status_reason = NULL;
		op = "-m";
	}
	if (r < 0 || (r = semanage_plan_repair(run, f, &ch)) < 0)
		return r;
	return asprintf(&f->action, "tcp/%s labelled ssh_port_t by the target's own semanage port %s -N, run on a copy "
				    "of the policy (%d files change: the local store and the compiled policy the next "
				    "boot loads)", num, op, r) < 0
		       ? -ENOMEM
		       : 0;
}

static int listen_repair(struct run *run, struct finding *f)
{
	_cleanup_(ctx_done) struct ctx c = {0};
	struct lentry *e;
	int r;

	if (f->problem->code == PR_LISTEN_PORT_SELINUX)
		return selinux_port_repair(run, f);
	c.quiet = true;
	r = analyze(run, &c);
	if (r < 0)
		return r;
	free(f->action);
	f->action = NULL;

	switch (f->problem->code) {
	case PR_LISTEN_ADDRESS_INVALID:
		e = entry_at(&c, f->path, f->line);
		if (!e)
			return -ESTALE;
		return listen_edit_comment(run, f, e->o, "a ListenAddress sshd cannot parse");

	case PR_LISTEN_PORT_INVALID:
		e = entry_at(&c, f->path, f->line);
		if (!e) {
			/* a Port line */
			for (size_t i = 0; i < run->model.sshd->n_opts; i++) {
				const struct sshd_option *o = &run->model.sshd->opts[i];
				if (o->line == f->line && streq(o->file, f->path) && is_kw(o, "Port"))
					return listen_edit_comment(run, f, o, "a port name /etc/services does not have");
			}
			return -ESTALE;
		}
		/* Keep the address, drop the port: "[::1]:x" -> "[::1]", "0.0.0.0:x" -> "0.0.0.0". */
		if (!listen_edit_plain(e->la.host) || (e->la.rdomain && !listen_edit_plain(e->la.rdomain)))
			return listen_edit_comment(run, f, e->o, "a port sshd cannot parse");
		{
			_cleanup_free_ char *value = NULL;
			if (asprintf(&value, "%s%s%s%s%s", e->la.bracketed ? "[" : "", e->la.host, e->la.bracketed ? "]" : "",
				     e->la.rdomain ? " rdomain " : "", e->la.rdomain ? e->la.rdomain : "") < 0)
				return -ENOMEM;
			r = listen_edit_set(run, e->o, value);
			if (r < 0)
				return r;
			return listen_edit_action(f, "line %u: ListenAddress %s (the port removed)", e->o->line, value);
		}

	case PR_LISTEN_FAMILY_MISMATCH:
		if (c.family_repair_af) {
			/* Every AddressFamily line: with the first gone, a later one would count. */
			for (size_t i = 0; i < run->model.sshd->n_opts; i++) {
				const struct sshd_option *o = &run->model.sshd->opts[i];
				if (!is_kw(o, "AddressFamily"))
					continue;
				r = listen_edit_comment(run, f, o, "no ListenAddress of this family");
				if (r < 0)
					return r;
			}
			return 0;
		}
		for (size_t i = 0; i < c.n; i++) {
			if (!c.e[i].conflict)
				continue;
			_cleanup_free_ char *why = NULL;
			if (asprintf(&why, "not an address of AddressFamily %s", family_name(c.family_written)) < 0)
				return -ENOMEM;
			r = listen_edit_comment(run, f, c.e[i].o, why);
			if (r < 0)
				return r;
		}
		return 0;

	case PR_LISTEN_LOOPBACK_ONLY:
		return widen(run, f, &c);

	case PR_LISTEN_CANNOT_BIND:
		return widen(run, f, &c);

	case PR_LISTEN_ADDRESS_UNKNOWN:
		/* Only this line: the others still bind, so sshd keeps listening where it did. */
		e = entry_at(&c, f->path, f->line);
		if (!e || !unbindable(e))
			return -ESTALE;
		return listen_edit_comment(run, f, e->o,
			       e->v == V_UNKNOWN ? "an address this machine does not have"
						 : "an address no network configuration names (addresses come from DHCP)");

	default:
		return -EOPNOTSUPP;	/* report-only */
	}
}

const struct fix fix_listen = {
	.id = "listen",
	.summary = "where sshd listens: ListenAddress, Port, AddressFamily, the machine's addresses, SELinux ports",
	.rules = "RULES §3.6, §3.7, §9.3",
	.problems = listen_problems,
	.detect = listen_detect,
	.repair = listen_repair,
};
