/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * listen: where sshd listens, and whether anyone can reach it there
 * (RULES §3.6, §3.7, §9.3).  The listen set is worked out as sshd does
 * (src/listen_addr.h): Port lines add up (22 only without any), each
 * ListenAddress is host|addr, host:port, v4:port, [host|v6]:port or a bare
 * IPv6 address, with an optional "rdomain NAME", queued until every Port and
 * AddressFamily line is read.  Names are looked up only in the target's
 * /etc/hosts (and nss-myhostname's names when its nsswitch.conf uses it),
 * never through the rescue system's resolver.  The machine's own addresses
 * come from its network configuration (src/netconf.h) and, when the target
 * is the running system, from getifaddrs(3) (not NSS).
 *
 *  - listen-address-invalid: a ListenAddress sshd cannot parse ("bad
 *    address:port usage", "bad ListenAddress syntax", "missing address") or
 *    a host that can never resolve (empty, white space): fatal at start,
 *    also for sshd -t.  Commented out, as config-syntax does with any line
 *    sshd cannot parse: nothing of its intent can be kept.
 *  - listen-port-invalid: a port inside a ListenAddress that a2port()
 *    refuses ("bad port number": 0, above 65535, a name missing from the
 *    target's /etc/services), or a Port given as a service name that
 *    /etc/services lacks ("Badly formatted port number"; numeric Port
 *    values are config-syntax's config-bad-value).  A ListenAddress keeps
 *    its address and loses only the port, so sshd listens there on the Port
 *    ports: commenting the line out would make sshd listen everywhere.  A
 *    Port line is commented out.
 *  - listen-family-mismatch: AddressFamily inet with an IPv6 ListenAddress,
 *    or inet6 with an IPv4 one: getaddrinfo() refuses it and sshd stops
 *    ("bad addr or host: ... Address family for hostname not supported"),
 *    even under -t.  When a ListenAddress of the allowed family remains, the
 *    contradicting ones are commented out: they could never have worked,
 *    and the result listens on a subset of what was written.  When none
 *    would remain, the AddressFamily lines are commented out instead, so
 *    sshd listens exactly on the addresses written (commenting those out
 *    would make it listen on every address of the family).  SAFE_AUTO:
 *    either way no socket is added that the configuration did not name.
 *  - listen-loopback-only: every ListenAddress is loopback (127.0.0.0/8,
 *    ::1, a name /etc/hosts maps there such as "localhost" or Debian's
 *    127.0.1.1 host name): nobody on the network can connect.  The lines
 *    are commented out (sshd then listens on every address on its Port
 *    ports), or, when a line carries its own port, every line is rewritten
 *    in place to the any-address of its family with the same port and
 *    rdomain (0.0.0.0, [::]), so no port is lost.  This widens access, and
 *    DESIGN §5 allows only what SSH needs to work: a network login needs
 *    sshd on a network address, and this is exactly that, on the ports and
 *    families already configured (a firewall still applies).  SAFE_AUTO,
 *    like opening the sshd port in a firewall: sshfix runs because logins
 *    fail.  Deliberate loopback-only setups that sshfix can see are left
 *    alone: a tor onion service, sslh or stunnel forwarding to sshd's
 *    loopback port.  Ones it cannot see (a cloud's port forwarding to
 *    localhost, a reverse tunnel) are why the explanation says so and
 *    --undo restores the lines.
 *  - listen-cannot-bind: every non-loopback ListenAddress is an IPv4
 *    address the machine does not have, or one no network configuration
 *    names while the machine takes its addresses from DHCP or a cloud
 *    (RULES §3.7): the bind fails, and with no other address sshd stops
 *    ("Cannot bind any address."); with only loopback left, nobody outside
 *    can connect.  The same edit as for loopback-only, but NEEDS_CONFIRM:
 *    "not configured" is read from files (ifupdown, netplan, NetworkManager,
 *    networkd, ifcfg, wg-quick, keepalived), and an address assigned some
 *    other way (a script, a cluster manager, a DHCP reservation) would make
 *    the edit widen a restriction that worked.  An address is "not
 *    configured" when every source is static and none names it, or when the
 *    target is the running system and none of its interfaces has it; it is
 *    "named by no configuration" when DHCP (or NetworkManager without a
 *    profile, cloud-init) may assign addresses: the classic lockout after a
 *    VM is cloned or moved, where the lease changes and the ListenAddress
 *    written for the old one stays.  Without any network configuration
 *    sshfix reads, nothing is judged (a note says so); IPv6 addresses are
 *    never judged (router advertisements assign them at run time); nor
 *    anything when sysctl sets ip_nonlocal_bind (the bind succeeds).
 *  - listen-address-unknown: the same, for an address next to others that
 *    may remain usable: sshd logs "Bind to port P on A failed" and serves
 *    the others.  A warning; with a yes the line is commented out, so sshd
 *    stops trying it (an address that appears later, a VIP, is why it is
 *    not done without one).
 *  - listen-unresolvable: a host name the target's /etc/hosts does not
 *    give (for the AddressFamily): sshd resolves it at start, through DNS
 *    if at all, before the network may be up; when it fails, sshd stops
 *    ("bad addr or host").  Report only: the name may well be in DNS.
 *  - listen-port-selinux: a port other than 22 while /etc/selinux/config
 *    says enforcing, and the policy store's ports.local does not label it
 *    ssh_port_t: the bind is denied (RULES §9.3).  Report only, with the
 *    semanage command to run in the target; the MAC checks own labels.
 *
 * With socket activation (ssh.socket enabled, ssh.service not, RULES
 * §11.4) systemd listens: the bind checks are skipped (Ubuntu's socket has
 * FreeBind=yes), and loopback-only applies only where the
 * sshd-socket-generator turns ListenAddress into ListenStream= (24.04+).
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
#include "listen_set.h"
#include "mac.h"
#include "run.h"
#include "util.h"


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
	{ PR_LISTEN_PORT_SELINUX, "listen-port-selinux", SEV_ERROR, PF_REPORT_ONLY,
	  "{detail}",
	  "Under the targeted policy only tcp/22 is ssh_port_t, so binding another port fails "
	  "(\"Bind to port P on 0.0.0.0 failed: Permission denied\", and \"Cannot bind any "
	  "address.\" when it is the only one) unless the policy store labels it. Run in the target "
	  "(chroot into it from a rescue system): semanage port -a -N -t ssh_port_t -p tcp PORT "
	  "(-m instead of -a if the port already has another type), or go back to Port 22. "
	  "RULES §3.7, §9.3" },
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
	int ports[256];
	size_t n_ports;
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
 * Judge one address.  Returns the verdict; for V_UNKNOWN and V_UNCONFIRMED sets e->why to
 * the evidence; adds a note when it cannot be judged.
 */
static int judge(struct ctx *c, struct lentry *e, const struct ip_addr *a0, enum verdict *ret)
{
	struct ip_addr a = *a0;
	char buf[46];
	int r;

	if (ip_is_v4mapped(&a)) {
		memmove(a.a, a.a + 12, 4);
		memset(a.a + 4, 0, 12);
		a.family = AF_INET;
	}
	if (ip_is_loopback(&a)) {
		*ret = V_LOOPBACK;
		return 0;
	}
	*ret = V_USABLE;
	if (ip_is_any(&a))
		return 0;
	if (!c->as && (r = addresses_get(c->run, &c->as)) < 0)
		return r;
	const struct addresses *as = c->as;
	if (addresses_find(as, &a, NULL, NULL) != ADDR_NONE)
		return 0;
	_cleanup_free_ char *shown = strdup_trunc(e->la.host, 100);
	const char *where = e->o->file;
	unsigned line = e->o->line;
	if (!shown)
		return -ENOMEM;
	if ((a.family == AF_INET && as->nonlocal4 > 0) || (a.family == AF_INET6 && as->nonlocal6 > 0))
		/* the kernel lets sshd bind an address it does not have */
		return note(c, "ListenAddress %s (%s line %u): %s is not configured, but %s lets sshd bind it anyway",
			    shown, where, line, ip_to_string(&a, buf),
			    a.family == AF_INET && as->nonlocal4_where ? as->nonlocal4_where : "net.ipv6.ip_nonlocal_bind = 1");
	if (a.family == AF_INET6) {
		e->unsure = true;
		return note(c,
				  "ListenAddress %s (%s line %u): whether this machine has %s cannot be confirmed offline "
				  "(IPv6 addresses also come from router advertisements)",
				  shown, where, line, ip_to_string(&a, buf));
	}
	free(e->why);
	e->why = NULL;
	if (as->live) {
		/* The running system: its interfaces say what it has now, DHCP leases included. */
		*ret = V_UNKNOWN;
		if (asprintf(&e->why, "%s is in no network configuration of this machine and on none of its interfaces%s%s%s",
			     ip_to_string(&a, buf), as->conf.dynamic ? " (its addresses come from " : "",
			     as->conf.dynamic ? as->conf.dynamic[0] : "", as->conf.dynamic ? ")" : "") < 0)
			return -ENOMEM;
		return 0;
	}
	if (as->conf.dynamic) {
		/* DHCP or a cloud: the address is whatever the lease says, and no file names this one. */
		*ret = V_UNCONFIRMED;
		if (asprintf(&e->why, "%s is named by no network configuration of this machine, which takes its IPv4 "
				      "addresses from DHCP or a cloud (%s): sshd can bind it only if exactly this "
				      "address is handed out",
			     ip_to_string(&a, buf), as->conf.dynamic[0]) < 0)
			return -ENOMEM;
		return 0;
	}
	if (as->n_files == 0)
		return note(c,
				  "ListenAddress %s (%s line %u): whether this machine has %s cannot be confirmed: no network "
				  "configuration sshfix reads (ifupdown, netplan, NetworkManager, systemd-networkd, ifcfg) "
				  "names any address",
				  shown, where, line, ip_to_string(&a, buf));
	*ret = V_UNKNOWN;
	if (asprintf(&e->why, "%s is in no network configuration of this machine", ip_to_string(&a, buf)) < 0)
		return -ENOMEM;
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

	for (size_t i = 0; i < ls->n_ports && c->n_ports < ELEMENTSOF(c->ports); i++)
		c->ports[c->n_ports++] = ls->ports[i].port;
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
		c->e[c->n++] = (struct lentry) { .o = l->o, .la = l->la, .err = l->err, .fam = AF_UNSPEC };
	}
	c->family_written = c->family;

	/* Family conflicts, among the lines whose host sshd will look up. */
	for (size_t i = 0; i < c->n; i++) {
		struct lentry *e = &c->e[i];
		if (e->err != LISTEN_OK && e->err != LISTEN_BAD_PORT) {
			e->dropped = true;
			continue;
		}
		if (c->family == AF_UNSPEC || e->la.kind != LH_NUMERIC)
			continue;
		int f = e->la.addr.family;
		if (f == AF_INET6 && c->family == AF_INET && ip_is_v4mapped(&e->la.addr))
			f = AF_INET;	/* getaddrinfo(AF_INET) takes ::ffff:a.b.c.d as a.b.c.d */
		e->conflict = f != c->family;
	}
	bool any_conflict = false;
	for (size_t i = 0; i < c->n; i++)
		any_conflict |= c->e[i].conflict;
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
	struct finding *f = run_add_finding(run, code, o ? o->file : NULL, NULL);
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
	const struct netconf *nc = &c->as->conf;
	char buf[46];

	for (size_t i = 0; i < nc->n_addrs && i < 8; i++)
		if (finding_add_evidence(f, "configured: %s, %s", ip_to_string(&nc->addrs[i].addr, buf), nc->addrs[i].where) <
		    0)
			return -ENOMEM;
	if (nc->n_addrs > 8 && finding_add_evidence(f, "configured: %zu more addresses", nc->n_addrs - 8) < 0)
		return -ENOMEM;
	for (size_t i = 0; nc->dynamic && nc->dynamic[i] && i < 4; i++)
		if (finding_add_evidence(f, "dynamic: %s", nc->dynamic[i]) < 0)
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
		struct buf lines = {0};
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
		buf_done(&lines);
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
		struct buf what = {0};
		struct finding *f = NULL;
		for (size_t i = 0; i < c.n; i++) {
			const struct lentry *e = &c.e[i];
			if (e->dropped || !unbindable(e))
				continue;
			_cleanup_free_ char *h = strdup_trunc(e->la.host, 60);
			buf_printf(&what, "%s%s (%s line %u)", what.len ? ", " : "", h ? h : "?", e->o->file, e->o->line);
		}
		struct buf unsure = {0};
		for (size_t i = 0; i < c.n; i++) {
			const struct lentry *e = &c.e[i];
			if (e->dropped || e->v != V_USABLE || !e->unsure)
				continue;
			_cleanup_free_ char *h = strdup_trunc(e->la.host, 60);
			buf_printf(&unsure, "%s%s (%s line %u)", unsure.len ? ", " : "; no other listen address can be "
											 "confirmed offline: ",
				   h ? h : "?", e->o->file, e->o->line);
		}
		buf_puts(&unsure, "");
		if (!buf_ok(&what) || !buf_ok(&unsure)) {
			buf_done(&what);
			buf_done(&unsure);
			return -ENOMEM;
		}
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
				buf_done(&unsure);
				if (!f) {
					buf_done(&what);
					return -ENOMEM;
				}
			} else if (finding_add_evidence(f, "%s:%u", e->o->file, e->o->line) < 0) {
				buf_done(&what);
				return -ENOMEM;
			}
			if (unbindable(e) && finding_add_evidence(f, "%s", e->why) < 0) {
				buf_done(&what);
				return -ENOMEM;
			}
			if (e->v == V_USABLE && e->unsure) {
				_cleanup_free_ char *h = strdup_trunc(e->la.host, 100);
				if (finding_add_evidence(f, "%s: cannot be confirmed offline either (IPv6 or a scoped "
							    "address)",
							 h ? h : "?") < 0) {
					buf_done(&what);
					return -ENOMEM;
				}
			}
		}
		buf_done(&what);
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

/* The listen set of the lines sshd keeps once the repairs are made (RULES §3.6). */
static int ctx_listen_set(const struct ctx *c, struct listen_entry **ret)
{
	struct listen_addr *addrs = calloc(c->n ? c->n : 1, sizeof(*addrs));
	bool *use = calloc(c->n ? c->n : 1, sizeof(*use));
	int k = -ENOMEM;

	if (addrs && use) {
		for (size_t i = 0; i < c->n; i++) {
			addrs[i] = c->e[i].la;	/* shallow: listen_set_compute() only reads */
			use[i] = !c->e[i].dropped;
		}
		k = listen_set_compute(c->ports, c->n_ports, addrs, use, c->n, ret);
	}
	free(addrs);
	free(use);
	return k;
}

/* The ports sshd listens on at loopback addresses. */
static int loopback_ports(const struct ctx *c, int *ports, size_t max, size_t *ret_n)
{
	_cleanup_free_ struct listen_entry *v = NULL;
	size_t n = 0;

	int k = ctx_listen_set(c, &v);
	if (k < 0)
		return k;
	for (int i = 0; i < k && n < max; i++) {
		bool dup = false;
		for (size_t j = 0; j < n; j++)
			dup |= ports[j] == v[i].port;
		if (!dup)
			ports[n++] = v[i].port;
	}
	*ret_n = n;
	return 0;
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
	int ports[64];
	size_t n_ports = 0;
	int r;

	*ret_what = NULL;
	r = loopback_ports(c, ports, ELEMENTSOF(ports), &n_ports);
	if (r < 0)
		return r;
	return fronts_find(c->run->target, ports, n_ports, ret_what);
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
	int k = ctx_listen_set(c, &v);
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
		/* The line that names the port: a ListenAddress with it, else the Port line. */
		const struct sshd_option *o = NULL;
		if (v[i].addr_index >= 0 && c->e[v[i].addr_index].la.port == port)
			o = c->e[v[i].addr_index].o;
		for (size_t j = 0; !o && j < c->run->model.sshd->n_opts; j++) {
			const struct sshd_option *x = &c->run->model.sshd->opts[j];
			if (is_kw(x, "Port") && listen_port_parse(x->args[0], c->ls->services, c->ls->services_len) == port)
				o = x;
		}
		struct finding *f = add(c->run, PR_LISTEN_PORT_SELINUX, o,
					"sshd listens on port %d, which SELinux (enforcing) does not let it bind until it is "
					"labelled: run in the target: semanage port -a -N -t ssh_port_t -p tcp %d",
					port, port);
		if (!f)
			return -ENOMEM;
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

/* Characters that stand for themselves in an sshd_config line (no quoting needed). */
static bool plain_word(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr(".:-_%[]", *p)))
			return false;
	return true;
}

/* Replace line `line` of o->file by "<indent><keyword> <value>". */
static int rewrite(struct run *run, const struct sshd_option *o, const char *value)
{
	_cleanup_free_ char *old = NULL, *text = NULL;
	size_t len;
	int r;

	r = config_read_line(run->target, run->journal, o->file, o->line, &old, &len);
	if (r < 0)
		return r;
	size_t ind = strspn(old, " \t");
	if (asprintf(&text, "%.*s%s %s", (int) ind, old, o->keyword, value) < 0)
		return -ENOMEM;
	return config_replace_line(run->target, run->journal, o->file, o->line, text);
}

static int append_action(struct finding *f, const char *fmt, ...) _printf_(2, 3);
static int append_action(struct finding *f, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;

	if (f->action) {
		buf_puts(&b, f->action);
		buf_puts(&b, "; ");
	}
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	free(f->action);
	f->action = buf_steal(&b);
	return 0;
}

/* "line 3" in the finding's own file, else "/etc/ssh/sshd_config line 3". */
static char *where(const struct finding *f, const struct sshd_option *o)
{
	char *s;

	if (asprintf(&s, "%s%sline %u", streq_ptr(f->path, o->file) ? "" : o->file,
		     streq_ptr(f->path, o->file) ? "" : " ", o->line) < 0)
		return NULL;
	return s;
}

static int comment(struct run *run, struct finding *f, const struct sshd_option *o, const char *reason)
{
	_cleanup_free_ char *w = where(f, o);
	int r = config_comment_out(run->target, run->journal, o->file, o->line, reason);
	if (r < 0)
		return r;
	return w ? append_action(f, "comment out %s", w) : -ENOMEM;
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
			r = comment(run, f, e->o, why);
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
			if (!plain_word(e->la.rdomain)) {
				buf_done(&b);
				r = comment(run, f, e->o, why);
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
			r = comment(run, f, e->o, "the same socket as another ListenAddress once on every address");
		} else {
			_cleanup_free_ char *w = where(f, e->o);
			r = w ? rewrite(run, e->o, value) : -ENOMEM;
			if (r >= 0)
				r = append_action(f, "%s: ListenAddress %s", w, value);
			if (r >= 0)
				r = strv_push(&written, strdup(value));
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int listen_repair(struct run *run, struct finding *f)
{
	_cleanup_(ctx_done) struct ctx c = {0};
	struct lentry *e;
	int r;

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
		return comment(run, f, e->o, "a ListenAddress sshd cannot parse");

	case PR_LISTEN_PORT_INVALID:
		e = entry_at(&c, f->path, f->line);
		if (!e) {
			/* a Port line */
			for (size_t i = 0; i < run->model.sshd->n_opts; i++) {
				const struct sshd_option *o = &run->model.sshd->opts[i];
				if (o->line == f->line && streq(o->file, f->path) && is_kw(o, "Port"))
					return comment(run, f, o, "a port name /etc/services does not have");
			}
			return -ESTALE;
		}
		/* Keep the address, drop the port: "[::1]:x" -> "[::1]", "0.0.0.0:x" -> "0.0.0.0". */
		if (!plain_word(e->la.host) || (e->la.rdomain && !plain_word(e->la.rdomain)))
			return comment(run, f, e->o, "a port sshd cannot parse");
		{
			_cleanup_free_ char *value = NULL;
			if (asprintf(&value, "%s%s%s%s%s", e->la.bracketed ? "[" : "", e->la.host, e->la.bracketed ? "]" : "",
				     e->la.rdomain ? " rdomain " : "", e->la.rdomain ? e->la.rdomain : "") < 0)
				return -ENOMEM;
			r = rewrite(run, e->o, value);
			if (r < 0)
				return r;
			return append_action(f, "line %u: ListenAddress %s (the port removed)", e->o->line, value);
		}

	case PR_LISTEN_FAMILY_MISMATCH:
		if (c.family_repair_af) {
			/* Every AddressFamily line: with the first gone, a later one would count. */
			for (size_t i = 0; i < run->model.sshd->n_opts; i++) {
				const struct sshd_option *o = &run->model.sshd->opts[i];
				if (!is_kw(o, "AddressFamily"))
					continue;
				r = comment(run, f, o, "no ListenAddress of this family");
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
			r = comment(run, f, c.e[i].o, why);
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
		return comment(run, f, e->o,
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
