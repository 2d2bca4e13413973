/* SPDX-License-Identifier: GPL-2.0-or-later */
/* firewalld's permanent configuration and its verdict (src/firewalld.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "firewalld.h"
#include "util.h"
#include "xml.h"

#define PRIO_FORWARD (INT_MIN)	/* a zone's forward-port: nat PREROUTING, before every filter rule */
#define MAX_OBJECTS 256
#define MAX_RULES 4096
#define MAX_INCLUDE_DEPTH 8

/* ---- the model ---- */

enum element {
	EL_ALL,		/* no element: every packet */
	EL_SERVICE,
	EL_PORT,
	EL_PROTOCOL,
	EL_NEVER,	/* icmp-block, icmp-type, masquerade, tcp-mss-clamp: never a TCP SYN to sshd */
	EL_MAYBE,	/* source-port: depends on the client's port */
	EL_FORWARD,	/* a forward-port: redirects the port it names */
};

enum zone_target { T_CONTINUE, T_DEFAULT, T_ACCEPT, T_DROP, T_REJECT };

/* A rich rule, or a zone's service, port, protocol or forward-port (an accept at priority 0). */
struct rule {
	int family;		/* AF_UNSPEC, AF_INET, AF_INET6 */
	int priority;
	unsigned line;
	char *source;		/* address; NULL: any */
	bool source_inv, source_unknown;	/* ipset=, mac= */
	bool dest;		/* destination address: the machine's own, not known here */
	enum element el;
	char *name;		/* the service */
	char *port, *proto;	/* EL_PORT, EL_PROTOCOL, EL_FORWARD */
	bool has_action;
	enum fw_verdict action;
	bool rich;
};

struct object {			/* a zone or a policy */
	char *name, *path;
	enum zone_target target;
	unsigned target_line;
	int priority;		/* policies */
	bool to_host;		/* policies: <egress-zone name="HOST"/> */
	char **ingress;		/* policies: zone names, "ANY" */
	char **sources, **interfaces;
	struct rule *rules;
	size_t n_rules;
};

struct service {
	char *name, *path;
	char **ports;		/* port, protocol, port, protocol, ... */
	char **includes;
};

struct fwd_config {
	char *default_zone;
	struct object *zones, *policies;
	size_t n_zones, n_policies;
	struct service *services;
	size_t n_services;
	char **ifzones;		/* interface, zone, where, ... (NetworkManager, ifcfg) */
};

static void rule_done(struct rule *r)
{
	free(r->source);
	free(r->name);
	free(r->port);
	free(r->proto);
}

static void object_done(struct object *o)
{
	free(o->name);
	free(o->path);
	strv_free(o->ingress);
	strv_free(o->sources);
	strv_free(o->interfaces);
	for (size_t i = 0; i < o->n_rules; i++)
		rule_done(&o->rules[i]);
	free(o->rules);
}

void fwd_config_free(struct fwd_config *c)
{
	if (!c)
		return;
	free(c->default_zone);
	for (size_t i = 0; i < c->n_zones; i++)
		object_done(&c->zones[i]);
	for (size_t i = 0; i < c->n_policies; i++)
		object_done(&c->policies[i]);
	free(c->zones);
	free(c->policies);
	for (size_t i = 0; i < c->n_services; i++) {
		free(c->services[i].name);
		free(c->services[i].path);
		strv_free(c->services[i].ports);
		strv_free(c->services[i].includes);
	}
	free(c->services);
	strv_free(c->ifzones);
	free(c);
}

static int push_dup(char ***v, const char *s)
{
	return strv_push(v, strdup(s));
}

static struct rule *add_rule(struct object *o)
{
	if (o->n_rules >= MAX_RULES)
		return NULL;
	struct rule *v = realloc(o->rules, (o->n_rules + 1) * sizeof(*v));
	if (!v)
		return NULL;
	o->rules = v;
	v[o->n_rules] = (struct rule) {0};
	return &v[o->n_rules++];
}

static int parse_family(const char *s, int *ret)
{
	if (!s)
		*ret = AF_UNSPEC;
	else if (streq(s, "ipv4"))
		*ret = AF_INET;
	else if (streq(s, "ipv6"))
		*ret = AF_INET6;
	else
		return -EBADMSG;
	return 0;
}

static int parse_priority(const char *s, int *ret)
{
	char *end;
	long v;

	if (!s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < -32768 || v > 32767)
		return -EBADMSG;
	*ret = (int) v;
	return 0;
}

/* An element that names what a rule or a zone lets in: service, port, protocol, forward-port, ... */
static int parse_element(const struct xml *x, struct rule *r)
{
	const char *v;

	if (streq(x->name, "service")) {
		if (!(v = xml_attr(x, "name")))
			return -EBADMSG;
		r->el = EL_SERVICE;
		return (r->name = strdup(v)) ? 1 : -ENOMEM;
	}
	if (streq(x->name, "port") || streq(x->name, "forward-port")) {
		const char *port = xml_attr(x, "port"), *proto = xml_attr(x, "protocol");
		if (!port || !proto)
			return -EBADMSG;
		r->el = streq(x->name, "port") ? EL_PORT : EL_FORWARD;
		r->port = strdup(port);
		r->proto = strdup(proto);
		return r->port && r->proto ? 1 : -ENOMEM;
	}
	if (streq(x->name, "protocol")) {
		if (!(v = xml_attr(x, "value")))
			return -EBADMSG;
		r->el = EL_PROTOCOL;
		return (r->proto = strdup(v)) ? 1 : -ENOMEM;
	}
	if (streq(x->name, "source-port")) {
		r->el = EL_MAYBE;
		return 1;
	}
	if (streq(x->name, "icmp-block") || streq(x->name, "icmp-type") || streq(x->name, "masquerade") ||
	    streq(x->name, "tcp-mss-clamp")) {
		r->el = EL_NEVER;
		return 1;
	}
	return 0;
}

/* The children of a <rule>. */
static int parse_rule_child(const struct xml *x, struct rule *r)
{
	const char *v;
	int k;

	if (streq(x->name, "source")) {
		if (r->source || r->source_unknown)
			return -EBADMSG;	/* firewalld: one source per rule */
		r->source_inv = (v = xml_attr(x, "invert")) && (streq(v, "true") || streq(v, "yes"));
		if ((v = xml_attr(x, "address")))
			return (r->source = strdup(v)) ? 0 : -ENOMEM;
		r->source_unknown = true;	/* ipset=, mac= */
		return 0;
	}
	if (streq(x->name, "destination")) {
		r->dest = true;
		return 0;
	}
	if (streq(x->name, "accept") || streq(x->name, "drop") || streq(x->name, "reject")) {
		r->has_action = true;
		r->action = x->name[0] == 'a' ? FW_ACCEPT : x->name[0] == 'd' ? FW_DROP : FW_REJECT;
		return 0;
	}
	struct rule el = {0};
	k = parse_element(x, &el);
	if (k > 0 && r->el != EL_ALL)
		k = -EBADMSG;	/* firewalld: one element per rule */
	if (k <= 0) {
		rule_done(&el);
		return k;	/* 0: log, audit, mark, limit: no verdict */
	}
	r->el = el.el;
	r->name = el.name;
	r->port = el.port;
	r->proto = el.proto;
	return 0;
}

static int parse_target(const char *v, enum zone_target *ret)
{
	if (!v || streq(v, "default"))
		*ret = T_DEFAULT;
	else if (streq(v, "CONTINUE"))
		*ret = T_CONTINUE;
	else if (streq(v, "ACCEPT"))
		*ret = T_ACCEPT;
	else if (streq(v, "DROP"))
		*ret = T_DROP;
	else if (streq(v, "REJECT") || streq(v, "%%REJECT%%"))
		*ret = T_REJECT;
	else
		return -EBADMSG;
	return 0;
}

/* How a file's parse ended: 0, or -EBADMSG with *ret_why ("PATH line N: what"), or -ENOMEM. */
static int parse_end(struct xml *x, int r, bool seen_root, const char *path, char **ret_why)
{
	if (r >= 0 && !seen_root) {
		x->why = "no element firewalld reads";
		r = -EBADMSG;
	}
	if (r == -EBADMSG && asprintf(ret_why, "%s line %u: %s", path, x->el_line ? x->el_line : x->line, x->why) < 0)
		return -ENOMEM;
	return r < 0 ? r : 0;
}

/* A zone or policy file (root "zone" or "policy"). */
static int parse_object(const char *path, const char *text, size_t len, const char *root, struct object *o,
			char **ret_why)
{
	struct xml x = { .p = text, .end = text + len, .line = 1 };
	struct rule *rule = NULL;
	unsigned depth = 0;
	bool seen_root = false;
	int r;

	o->target = streq(root, "policy") ? T_CONTINUE : T_DEFAULT;
	o->priority = -1;
	while ((r = xml_next(&x)) > 0) {
		if (r == XML_END) {
			if (depth == 0)
				break;
			if (--depth == 1)
				rule = NULL;
			continue;
		}
		if (depth == 0) {
			if (seen_root || !streq(x.name, root)) {
				x.why = seen_root ? "a second top element" : "not the element firewalld expects here";
				r = -EBADMSG;
				break;
			}
			seen_root = true;
			o->target_line = x.el_line;
			if (parse_target(xml_attr(&x, "target"), &o->target) < 0 ||
			    (o->target == T_CONTINUE && streq(root, "zone")) ||
			    parse_priority(xml_attr(&x, "priority"), &o->priority) < 0) {
				x.why = "a target or priority firewalld does not know";
				r = -EBADMSG;
				break;
			}
		} else if (depth == 1) {
			const char *v;
			/* A self-closed <rule/> has no end to clear rule, and add_rule()
			 * below may move the rules: a later element's children must
			 * not reach it. */
			rule = NULL;
			if (streq(x.name, "rule")) {
				if (!(rule = add_rule(o)))
					return -ENOMEM;
				rule->line = x.el_line;
				rule->rich = true;
				if (parse_family(xml_attr(&x, "family"), &rule->family) < 0 ||
				    parse_priority(xml_attr(&x, "priority"), &rule->priority) < 0) {
					x.why = "a rule with a family or priority firewalld does not know";
					r = -EBADMSG;
					break;
				}
			} else if (streq(x.name, "source") || streq(x.name, "interface")) {
				v = xml_attr(&x, x.name[0] == 's' ? "address" : "name");
				if (v && (r = push_dup(x.name[0] == 's' ? &o->sources : &o->interfaces, v)) < 0)
					return r;
			} else if (streq(x.name, "ingress-zone") || streq(x.name, "egress-zone")) {
				v = xml_attr(&x, "name");
				if (v && x.name[0] == 'e')
					o->to_host |= streq(v, "HOST");
				else if (v && (r = push_dup(&o->ingress, v)) < 0)
					return r;
			} else {
				struct rule tmp = { .line = x.el_line, .has_action = true, .action = FW_ACCEPT };
				r = parse_element(&x, &tmp);
				if (r < 0) {
					rule_done(&tmp);
					if (r == -ENOMEM)
						return r;
					x.why = "an element without the attributes firewalld requires";
					break;
				}
				if (r > 0 && tmp.el != EL_NEVER && tmp.el != EL_MAYBE) {
					if (tmp.el == EL_FORWARD)
						tmp.priority = PRIO_FORWARD;
					struct rule *nr = add_rule(o);
					if (!nr) {
						rule_done(&tmp);
						return -ENOMEM;
					}
					*nr = tmp;
				} else
					rule_done(&tmp);
			}
		} else if (depth == 2 && rule && (r = parse_rule_child(&x, rule)) < 0) {
			if (r == -ENOMEM)
				return r;
			x.why = "a rule firewalld refuses (an attribute missing, or two sources or two elements)";
			break;
		}
		if (!x.empty)
			depth++;
	}
	return parse_end(&x, r, seen_root, path, ret_why);
}

static int parse_service(const char *path, const char *text, size_t len, struct service *s, char **ret_why)
{
	struct xml x = { .p = text, .end = text + len, .line = 1 };
	unsigned depth = 0;
	bool seen_root = false;
	int r;

	while ((r = xml_next(&x)) > 0) {
		if (r == XML_END) {
			if (depth == 0 || --depth == 0)
				break;
			continue;
		}
		if (depth == 0 && (seen_root || !streq(x.name, "service"))) {
			x.why = "not the element firewalld expects here";
			r = -EBADMSG;
			break;
		}
		seen_root |= depth == 0;
		if (depth == 1 && (streq(x.name, "port") || streq(x.name, "protocol"))) {
			const char *port = streq(x.name, "port") ? xml_attr(&x, "port") : "1-65535";
			const char *proto = xml_attr(&x, streq(x.name, "port") ? "protocol" : "value");
			if (!port || !proto) {
				x.why = "a port without the attributes firewalld requires";
				r = -EBADMSG;
				break;
			}
			if ((r = push_dup(&s->ports, port)) < 0 || (r = push_dup(&s->ports, proto)) < 0)
				return r;
		} else if (depth == 1 && streq(x.name, "include")) {
			const char *v = xml_attr(&x, "service");
			if (v && (r = push_dup(&s->includes, v)) < 0)
				return r;
		}
		if (!x.empty)
			depth++;
	}
	return parse_end(&x, r, seen_root, path, ret_why);
}

/* ---- loading ---- */

/* A name firewalld would take from a file name: "NAME.xml", no slash, not hidden. */
static char *xml_file_name(const char *path)
{
	const char *base = path_last(path);
	size_t n = strlen(base);
	if (n <= 4 || base[0] == '.' || !streq(base + n - 4, ".xml"))
		return NULL;
	return strndup(base, n - 4);
}

/* Zones or policies: /usr/lib's, each replaced by /etc's of the same name. */
static int load_objects(const struct fw_reader *rd, const char *kind, const char *root, struct object **ret, size_t *ret_n,
			char **ret_why)
{
	static const char *const dirs[] = { "/usr/lib/firewalld", "/etc/firewalld" };
	_cleanup_strv_free_ char **paths = NULL;
	int r;

	for (size_t d = 0; d < ELEMENTSOF(dirs); d++) {
		_cleanup_strv_free_ char **found = NULL;
		_cleanup_free_ char *pattern = NULL;
		if (asprintf(&pattern, "%s/%s/*.xml", dirs[d], kind) < 0)
			return -ENOMEM;
		if ((r = rd->glob(rd->userdata, pattern, &found)) < 0)
			return r == -ENOENT ? 0 : r;
		for (size_t i = 0; found && found[i]; i++)
			if ((r = push_dup(&paths, found[i])) < 0)
				return r;
	}
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_free_ char *name = xml_file_name(paths[i]), *text = NULL;
		size_t len = 0, k;
		if (!name)
			continue;
		for (k = 0; k < *ret_n; k++)
			if (streq((*ret)[k].name, name))
				break;
		if (k == *ret_n) {
			if (*ret_n >= MAX_OBJECTS)
				return asprintf(ret_why, "more than %d %s", MAX_OBJECTS, kind) < 0 ? -ENOMEM : -EBADMSG;
			struct object *v = realloc(*ret, (*ret_n + 1) * sizeof(*v));
			if (!v)
				return -ENOMEM;
			*ret = v;
			v[k] = (struct object) { .name = TAKE_PTR(name) };
			(*ret_n)++;
		} else {
			/* /etc's replaces /usr/lib's */
			object_done(&(*ret)[k]);
			(*ret)[k] = (struct object) { .name = TAKE_PTR(name) };
		}
		struct object *o = &(*ret)[k];
		if (!(o->path = strdup(paths[i])))
			return -ENOMEM;
		if ((r = rd->read(rd->userdata, paths[i], &text, &len)) < 0)
			return asprintf(ret_why, "%s: %s", paths[i], strerror(-r)) < 0 ? -ENOMEM : r;
		if ((r = parse_object(paths[i], text, len, root, o, ret_why)) < 0)
			return r;
	}
	return 0;
}

static struct service *find_service(const struct fwd_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_services; i++)
		if (streq(c->services[i].name, name))
			return &c->services[i];
	return NULL;
}

/* The service called name (/etc over /usr/lib) and what it includes. */
static int load_service(const struct fw_reader *rd, struct fwd_config *c, const char *name, unsigned depth,
			char **ret_why)
{
	static const char *const dirs[] = { "/etc/firewalld/services", "/usr/lib/firewalld/services" };
	int r = -ENOENT;

	if (find_service(c, name) || depth > MAX_INCLUDE_DEPTH || strchr(name, '/') || name[0] == '.')
		return 0;
	struct service *v = realloc(c->services, (c->n_services + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->services = v;
	struct service *s = &v[c->n_services++];
	*s = (struct service) { .name = strdup(name) };
	if (!s->name)
		return -ENOMEM;
	for (size_t d = 0; d < ELEMENTSOF(dirs) && r == -ENOENT; d++) {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		if (asprintf(&s->path, "%s/%s.xml", dirs[d], name) < 0)
			return s->path = NULL, -ENOMEM;
		r = rd->read(rd->userdata, s->path, &text, &len);
		if (r == 0)
			r = parse_service(s->path, text, len, s, ret_why);
		else if (r == -ENOENT) {
			free(s->path);
			s->path = NULL;
		}
	}
	if (r == -ENOENT)
		return 0;	/* a service firewalld does not have: judged as unknown */
	if (r < 0)
		return r == -EBADMSG || !!*ret_why ? r : asprintf(ret_why, "%s: %s", s->path, strerror(-r)) < 0 ? -ENOMEM : r;
	/* s may move as includes are added */
	_cleanup_strv_free_ char **inc = NULL;
	if ((r = strv_copy(&inc, s->includes)) < 0)
		return r;
	for (size_t i = 0; inc && inc[i]; i++)
		if ((r = load_service(rd, c, inc[i], depth + 1, ret_why)) < 0)
			return r;
	return 0;
}

/* KEY=value in firewalld.conf (firewall/core/io/firewalld_conf.py: stripped, '#' comments). */
static int conf_value(const char *text, size_t len, const char *key, char **ret)
{
	struct text_lines it = { .text = text, .len = len };
	const char *l;
	size_t n, kl = strlen(key);

	while (text_next_line(&it, &l, &n)) {
		while (n && strchr(" \t", *l))
			l++, n--;
		while (n && strchr(" \t\r", l[n - 1]))
			n--;
		if (n > kl && memcmp(l, key, kl) == 0 && l[kl] == '=') {
			free(*ret);
			if (!(*ret = strndup(l + kl + 1, n - kl - 1)))
				return -ENOMEM;
		}
	}
	return 0;
}

/* Interfaces given a zone outside firewalld: NetworkManager keyfiles (zone=), ifcfg files (ZONE=). */
static int load_ifzones(const struct fw_reader *rd, struct fwd_config *c)
{
	static const char *const patterns[] = { "/etc/NetworkManager/system-connections/*.nmconnection",
						"/etc/sysconfig/network-scripts/ifcfg-*" };
	int r;

	for (size_t p = 0; p < ELEMENTSOF(patterns); p++) {
		_cleanup_strv_free_ char **found = NULL;
		if ((r = rd->glob(rd->userdata, patterns[p], &found)) < 0)
			continue;
		for (size_t i = 0; found && found[i]; i++) {
			_cleanup_free_ char *text = NULL, *zone = NULL, *ifname = NULL;
			size_t len = 0;
			/* only these two keys are read: a keyfile also holds secrets (psk=) */
			if (rd->read(rd->userdata, found[i], &text, &len) < 0)
				continue;
			if ((r = conf_value(text, len, p == 0 ? "zone" : "ZONE", &zone)) < 0 ||
			    (r = conf_value(text, len, p == 0 ? "interface-name" : "DEVICE", &ifname)) < 0)
				return r;
			if (!zone || !*zone)
				continue;
			if ((r = push_dup(&c->ifzones, ifname && *ifname ? ifname : "?")) < 0 ||
			    (r = push_dup(&c->ifzones, zone)) < 0 || (r = push_dup(&c->ifzones, found[i])) < 0)
				return r;
		}
	}
	return 0;
}

static struct object *find_zone(const struct fwd_config *c, const char *name)
{
	for (size_t i = 0; name && i < c->n_zones; i++)
		if (streq(c->zones[i].name, name))
			return &c->zones[i];
	return NULL;
}

int fwd_load(const struct fw_reader *rd, struct fwd_config **ret, char **ret_why)
{
	struct fwd_config *c = calloc(1, sizeof(*c));
	_cleanup_free_ char *conf = NULL;
	size_t len = 0;
	int r;

	*ret_why = NULL;
	if (!c)
		return -ENOMEM;
	r = rd->read(rd->userdata, FWD_CONF, &conf, &len);
	if (r < 0 && r != -ENOENT) {
		fwd_config_free(c);
		return r == -ENOMEM ? r : asprintf(ret_why, "%s: %s", FWD_CONF, strerror(-r)) < 0 ? -ENOMEM : r;
	}
	if ((conf && memchr(conf, '\0', len) && asprintf(ret_why, "%s: a NUL byte", FWD_CONF) >= 0 && (r = -EBADMSG)) ||
	    (r = conf ? conf_value(conf, len, "DefaultZone", &c->default_zone) : 0) < 0 ||
	    (r = load_objects(rd, "zones", "zone", &c->zones, &c->n_zones, ret_why)) < 0 ||
	    (r = load_objects(rd, "policies", "policy", &c->policies, &c->n_policies, ret_why)) < 0 ||
	    (r = load_ifzones(rd, c)) < 0) {
		fwd_config_free(c);
		return r;
	}
	/* firewalld: a default zone that does not exist falls back to "public" */
	if (!find_zone(c, c->default_zone)) {
		free(c->default_zone);
		if (!(c->default_zone = strdup("public"))) {
			fwd_config_free(c);
			return -ENOMEM;
		}
	}
	/* ssh: what the repair adds when it covers the port */
	if ((r = load_service(rd, c, "ssh", 0, ret_why)) < 0) {
		fwd_config_free(c);
		return r;
	}
	for (size_t k = 0; k < 2; k++) {
		struct object *v = k ? c->policies : c->zones;
		size_t n = k ? c->n_policies : c->n_zones;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < v[i].n_rules; j++)
				if (v[i].rules[j].el == EL_SERVICE && (r = load_service(rd, c, v[i].rules[j].name, 0, ret_why)) < 0) {
					fwd_config_free(c);
					return r;
				}
	}
	*ret = c;
	return 0;
}

/* ---- the walk ---- */

/* Where the deciding rule sits, for the repair. */
struct origin {
	int prio;		/* the rule's priority */
	bool early;		/* in the pre or deny chain of the zone: before its services */
	bool policy;		/* in a policy that comes before the zone */
};

struct walk {
	bool done;
	struct fw_answer a;
	struct origin at;
	bool maybe;		/* an earlier rule may have decided: it */
	struct fw_answer maybe_a;
};

/* Does service s (with its includes) let in TCP port? */
static int service_match(const struct fwd_config *c, const char *name, uint16_t port, unsigned depth)
{
	const struct service *s = find_service(c, name);
	int m = FW_NO;

	if (!s || !s->path || depth > MAX_INCLUDE_DEPTH)
		return FW_MAYBE;	/* firewalld would not load the zone: not judged */
	for (size_t i = 0; s->ports && s->ports[i] && s->ports[i + 1]; i += 2)
		if (streq(s->ports[i + 1], "tcp") && fw_port_match(s->ports[i], port) == FW_YES)
			return FW_YES;
	for (size_t i = 0; s->includes && s->includes[i]; i++) {
		int k = service_match(c, s->includes[i], port, depth + 1);
		if (k == FW_YES)
			return k;
		if (k == FW_MAYBE)
			m = k;
	}
	return m;
}

static int rule_match(const struct fwd_config *c, const struct rule *r, const struct fw_packet *p)
{
	int m = FW_YES, k;

	if (r->family != AF_UNSPEC && r->family != p->family)
		return FW_NO;
	if (r->source) {
		k = fw_addr_match(r->source, p);
		if (k != FW_MAYBE && r->source_inv)
			k = !k;
		if (k == FW_NO)
			return FW_NO;
		if (k == FW_MAYBE)
			m = FW_MAYBE;
	} else if (r->source_unknown)
		m = FW_MAYBE;
	if (r->dest)
		m = FW_MAYBE;
	switch (r->el) {
	case EL_ALL:
		return m;
	case EL_SERVICE:
		k = service_match(c, r->name, p->port, 0);
		break;
	case EL_PORT:
	case EL_FORWARD:
		k = streq(r->proto, "tcp") ? fw_port_match(r->port, p->port) : FW_NO;
		break;
	case EL_PROTOCOL:
		k = streq(r->proto, "tcp") || streq(r->proto, "6") ? FW_YES : FW_NO;
		break;
	case EL_NEVER:
		return FW_NO;
	default:
		k = FW_MAYBE;
	}
	return k == FW_NO ? FW_NO : k == FW_MAYBE ? FW_MAYBE : m;
}

static void describe_rule(const struct rule *r, char *buf, size_t size)
{
	const char *act = !r->has_action ? "no action" : r->action == FW_ACCEPT ? "accept" : r->action == FW_DROP ? "drop" : "reject";

	if (r->el == EL_FORWARD)
		snprintf(buf, size, "forward-port port=%s: redirects the connection elsewhere", r->port);
	else if (!r->rich)
		snprintf(buf, size, "%s %s", r->el == EL_SERVICE ? "service" : r->el == EL_PORT ? "port" : "protocol",
			 r->el == EL_SERVICE ? r->name : r->el == EL_PORT ? r->port : r->proto);
	else
		snprintf(buf, size, "rich rule%s%s%s%s%s%s (priority %d): %s", r->source ? " source " : "",
			 r->source_inv ? "NOT " : "", r->source ? r->source : r->source_unknown ? " source ipset/mac" : "",
			 r->el == EL_SERVICE ? " service " : r->el == EL_PORT ? " port " : "",
			 r->el == EL_SERVICE ? r->name : r->el == EL_PORT ? r->port : "", r->dest ? " destination" : "",
			 r->priority, act);
}

/* One rule (or target) with verdict v that matches m. */
static void step(struct walk *w, int m, enum fw_verdict v, const char *file, unsigned line, const char *what,
		 struct origin at)
{
	if (w->done || m == FW_NO)
		return;
	struct fw_answer a = { .verdict = v, .file = file, .line = line };
	snprintf(a.what, sizeof(a.what), "%s", what);
	if (m == FW_MAYBE) {
		if (!w->maybe) {
			w->maybe = true;
			w->maybe_a = a;
		}
		return;
	}
	w->done = true;
	w->at = at;
	if (w->maybe && (w->maybe_a.verdict == FW_ACCEPT) != (v == FW_ACCEPT)) {
		w->a = w->maybe_a;
		w->a.verdict = FW_UNKNOWN;
		return;
	}
	w->a = a;
}

/* Where a rule goes in its object's chains: pre, deny, allow, post (nftables.py _rich_rule_chain_suffix). */
static int bucket(const struct rule *r)
{
	if (r->priority < 0)
		return 0;
	if (r->priority > 0)
		return 3;
	return r->has_action && r->action != FW_ACCEPT ? 1 : 2;
}

static void walk_object(const struct fwd_config *c, const struct object *o, const struct fw_packet *p, struct walk *w,
			bool policy)
{
	/* bucket, then priority, then file order: a few dozen rules, so a selection walk */
	for (int b = 0; b < 4 && !w->done; b++) {
		long last = LONG_MIN;
		for (;;) {
			long best = LONG_MAX;
			for (size_t i = 0; i < o->n_rules; i++)
				if (bucket(&o->rules[i]) == b && o->rules[i].priority > last && o->rules[i].priority < best)
					best = o->rules[i].priority;
			if (best == LONG_MAX)
				break;
			for (size_t i = 0; i < o->n_rules; i++) {
				const struct rule *r = &o->rules[i];
				if (bucket(r) != b || r->priority != best || !r->has_action)
					continue;
				char what[160], full[160];
				describe_rule(r, what, sizeof(what));
				snprintf(full, sizeof(full), "%s %.32s: %.110s", policy ? "policy" : "zone", o->name, what);
				struct origin at = { r->priority, !policy && b < 2, policy && o->priority < 0 };
				step(w, rule_match(c, r, p), r->el == EL_FORWARD ? FW_UNKNOWN : r->action, o->path, r->line,
				     full, at);
			}
			last = best;
		}
	}
}

static void walk_target(const struct object *o, struct walk *w, bool policy)
{
	static const char *const names[] = { "CONTINUE", "default", "ACCEPT", "DROP", "%%REJECT%%" };
	char what[160];

	if (o->target == T_CONTINUE)
		return;
	snprintf(what, sizeof(what), "%s %s: target %s%s", policy ? "policy" : "zone", o->name, names[o->target],
		 policy ? "" : ", and nothing in the zone accepts it");
	struct origin at = { 0, false, policy && o->priority < 0 };
	step(w, FW_YES, o->target == T_ACCEPT ? FW_ACCEPT : o->target == T_DROP ? FW_DROP : FW_REJECT, o->path,
	     o->target_line, what, at);
}

static bool policy_applies(const struct object *pol, const char *zone)
{
	return pol->to_host && (strv_contains(pol->ingress, "ANY") || strv_contains(pol->ingress, zone));
}

/* Policies to HOST for zone with a priority on one side of 0, in priority order. */
static void walk_policies(const struct fwd_config *c, const char *zone, const struct fw_packet *p, struct walk *w,
			  bool before)
{
	long last = LONG_MIN;

	for (;;) {
		long best = LONG_MAX;
		for (size_t i = 0; i < c->n_policies; i++) {
			const struct object *pol = &c->policies[i];
			if (policy_applies(pol, zone) && (pol->priority < 0) == before && pol->priority > last &&
			    pol->priority < best)
				best = pol->priority;
		}
		if (best == LONG_MAX)
			return;
		for (size_t i = 0; i < c->n_policies && !w->done; i++) {
			const struct object *pol = &c->policies[i];
			if (!policy_applies(pol, zone) || pol->priority != best)
				continue;
			walk_object(c, pol, p, w, true);
			walk_target(pol, w, true);
		}
		last = best;
	}
}

static void eval_zone(const struct fwd_config *c, const struct object *z, const struct fw_packet *p, struct fwd_answer *ret)
{
	struct walk w = {0};

	/* a forward-port of the port: nat PREROUTING, before every filter rule */
	walk_policies(c, z->name, p, &w, true);
	walk_object(c, z, p, &w, false);
	walk_policies(c, z->name, p, &w, false);
	walk_target(z, &w, false);
	if (!w.done && w.maybe) {
		w.a = w.maybe_a;
		w.a.verdict = FW_UNKNOWN;
	}
	ret->a = w.a;
	ret->zone = z->name;
	ret->zone_file = z->path;
	ret->blocker_priority = w.at.prio;
	ret->blocker_early = w.at.early;
	ret->blocker_policy = w.at.policy;
}

static void add_answer(const struct fwd_config *c, const struct object *z, const struct fw_packet *p, const char *why,
		       struct fwd_answer *ret, size_t *n, size_t max)
{
	if (!z || *n >= max)
		return;
	for (size_t i = 0; i < *n; i++)
		if (ret[i].zone == z->name)
			return;
	eval_zone(c, z, p, &ret[*n]);
	snprintf(ret[*n].why, sizeof(ret[*n].why), "%s", why);
	(*n)++;
}

size_t fwd_eval(const struct fwd_config *c, const struct fw_packet *p, struct fwd_answer *ret, size_t max)
{
	char why[96];
	size_t n = 0;

	/* a zone's source takes the connection whatever its interface */
	for (size_t i = 0; i < c->n_zones; i++)
		for (size_t k = 0; c->zones[i].sources && c->zones[i].sources[k]; k++)
			if (fw_addr_match(c->zones[i].sources[k], p) == FW_YES) {
				snprintf(why, sizeof(why), "source %s", c->zones[i].sources[k]);
				add_answer(c, &c->zones[i], p, why, ret, &n, max);
				return n;
			}
	for (size_t i = 0; i < c->n_zones; i++)
		if (c->zones[i].interfaces) {
			snprintf(why, sizeof(why), "interface %s", c->zones[i].interfaces[0]);
			add_answer(c, &c->zones[i], p, why, ret, &n, max);
		}
	for (size_t i = 0; c->ifzones && c->ifzones[i]; i += 3) {
		snprintf(why, sizeof(why), "interface %s, zone=%s in %s", c->ifzones[i], c->ifzones[i + 1],
			 path_last(c->ifzones[i + 2]));
		add_answer(c, find_zone(c, c->ifzones[i + 1]), p, why, ret, &n, max);
	}
	add_answer(c, find_zone(c, c->default_zone), p, "the default zone, for every interface not in another zone", ret,
		   &n, max);
	return n;
}

const char *fwd_zone_without_nm(const struct fwd_config *c, const struct fw_packet *p, const char *ifname)
{
	for (size_t i = 0; i < c->n_zones; i++)
		for (size_t k = 0; c->zones[i].sources && c->zones[i].sources[k]; k++)
			if (fw_addr_match(c->zones[i].sources[k], p) == FW_YES)
				return c->zones[i].name;
	for (size_t i = 0; i < c->n_zones; i++)
		if (strv_contains(c->zones[i].interfaces, ifname))
			return c->zones[i].name;
	return c->default_zone;
}

/* ---- the repair ---- */

int fwd_plan(const struct fwd_config *c, const struct fwd_answer *a, const struct fw_packet *p, char **ret_option,
	     char **ret_element)
{
	int prio = 0;
	bool rich = p->from != NULL;

	*ret_option = *ret_element = NULL;
	if (a->blocker_policy || a->blocker_priority == PRIO_FORWARD)
		return -ENOTSUP;
	if (a->blocker_early) {
		/* a drop/reject rich rule (deny, or pre): an accept must come before it */
		if (a->blocker_priority <= -32768)
			return -ENOTSUP;
		prio = a->blocker_priority > 0 ? -1 : a->blocker_priority - 1;
		rich = true;
	}
	if (!rich) {
		if (p->port == 22 && service_match(c, "ssh", 22, 0) == FW_YES)
			return (*ret_option = strdup("--add-service=ssh")) && (*ret_element = strdup("<service name=\"ssh\"/>"))
				       ? 0
				       : -ENOMEM;
		return asprintf(ret_option, "--add-port=%u/tcp", (unsigned) p->port) < 0 ||
			       asprintf(ret_element, "<port port=\"%u\" protocol=\"tcp\"/>", (unsigned) p->port) < 0
			       ? -ENOMEM
			       : 0;
	}
	char pr[24] = "", fam[24] = "", src[80] = "", srcx[80] = "";
	if (prio)
		snprintf(pr, sizeof(pr), " priority=\"%d\"", prio);
	if (p->from) {
		snprintf(fam, sizeof(fam), " family=\"%s\"", p->family == AF_INET6 ? "ipv6" : "ipv4");
		snprintf(src, sizeof(src), " source address=\"%s\"", p->from);
		snprintf(srcx, sizeof(srcx), "<source address=\"%s\"/>", p->from);
	}
	if (asprintf(ret_option, "--add-rich-rule=rule%s%s%s port port=\"%u\" protocol=\"tcp\" accept", pr, fam, src,
		     (unsigned) p->port) < 0 ||
	    asprintf(ret_element, "<rule%s%s>%s<port port=\"%u\" protocol=\"tcp\"/><accept/></rule>", pr, fam, srcx,
		     (unsigned) p->port) < 0)
		return -ENOMEM;
	return 0;
}

int fwd_zone_add(const char *text, size_t len, const char *element, char **ret, size_t *ret_len)
{
	const char *close = NULL;
	struct buf b = {0};

	for (const char *q = text; q + 7 <= text + len; q++)
		if (memcmp(q, "</zone>", 7) == 0)
			close = q;
	if (!close)
		return -EBADMSG;
	/* before the closing tag's line when it stands alone on it */
	const char *at = close;
	while (at > text && (at[-1] == ' ' || at[-1] == '\t'))
		at--;
	if (at > text && at[-1] != '\n')
		at = close;
	buf_append(&b, text, (size_t) (at - text));
	buf_printf(&b, "%s  %s\n", at == close && at > text && at[-1] != '\n' ? "\n" : "", element);
	buf_append(&b, at, len - (size_t) (at - text));
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret_len = b.len;
	*ret = buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}
