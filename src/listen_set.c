/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The listen set (see the header).  Sources: servconf.c (Port,
 * AddressFamily, queue_listen_addr(), process_queued_listen_addrs()), sshd.c
 * (getopt "C:E:b:c:f:g:h:k:o:p:u:46DGQRTdeiqrtV"; -p sets ports_from_cmdline,
 * -o is one configuration line processed before the file, -4/-6 set
 * address_family), systemd's env-file.c and exec splitting, systemd.socket(5)
 * and systemd.unit(5) (drop-in order, the generator directory between /run
 * and /usr/local), Ubuntu's sshd-socket-generator.
 *
 * Adapters until src/units.h offers them (the units provider will): the
 * lookup of a unit file by name along the search path, the drop-in
 * directories of a unit with the generator directory, and "is it enabled"
 * by a <target>.wants link.  Each is marked "adapter" below.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "listen_set.h"
#include "run.h"
#include "sshd_cmdline.h"
#include "units.h"
#include "util.h"

#define HOSTS_MAX (4u << 20)
#define PORTS_MAX 256
/* sshd's getopt() string (sshd.c), with the newest letters. */
#define SSHD_OPTSTRING "C:E:b:c:f:g:h:k:o:p:u:46DGQRTdeiqrtV"
#define GENERATOR_DIR "/run/systemd/generator"

static const char *const generator_paths[] = {
	"/usr/lib/systemd/system-generators/sshd-socket-generator",
	"/lib/systemd/system-generators/sshd-socket-generator",
};

static bool exists(struct target *t, const char *path)
{
	struct stat st;

	return target_stat(t, path, &st) == 0;
}

/* A string the set owns (file names of options it makes). */
static const char *own(struct listen_set *ls, const char *s)
{
	if (strv_push(&ls->strings, strdup(s)) < 0)
		return NULL;
	return ls->strings[strv_length(ls->strings) - 1];
}

static bool is_kw(const struct sshd_option *o, const char *kw)
{
	return o->match < 0 && strcasecmp(o->keyword, kw) == 0 && o->args && o->args[0];
}

/* A service name rather than a number: a2port() looks it up in /etc/services. */
static bool port_is_name(const char *s)
{
	return (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z');
}

/* ------------------------------------------------------------ the command line */

/* Add an option sshd takes from its command line; keyword and args are copied. */
static int cmd_opt(struct listen_set *ls, size_t *cap, const char *keyword, char **args, const char *file,
		   unsigned line)
{
	if (ls->n_cmd_opts == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct sshd_option *nv = realloc(ls->cmd_opts, ncap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		ls->cmd_opts = nv;
		*cap = ncap;
	}
	struct sshd_option *o = &ls->cmd_opts[ls->n_cmd_opts];
	*o = (struct sshd_option) { .file = file, .line = line, .match = -1 };
	o->keyword = strdup(keyword);
	for (size_t i = 0; args && args[i]; i++)
		if (strv_push(&o->args, strdup(args[i])) < 0)
			break;
	if (!o->keyword || strv_ensure(&o->args) < 0 || strv_length(o->args) != strv_length(args)) {
		free(o->keyword);
		strv_free(o->args);
		return -ENOMEM;
	}
	o->kw = sshd_keyword_lookup(keyword);
	ls->n_cmd_opts++;
	return 0;
}

/* Walk argv as sshd's getopt() does and keep -p, -o, -4 and -6. */
static int walk_argv(struct listen_set *ls, size_t *cap, char **argv, const char *file, unsigned line)
{
	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		if (streq(a, "--"))
			break;
		if (a[0] != '-' || !a[1])
			continue;
		for (size_t k = 1; a[k]; k++) {
			const char *o = isalnum((unsigned char) a[k]) ? strchr(SSHD_OPTSTRING, a[k]) : NULL;
			int r = 0;
			if (!o)
				continue;
			if (o[1] != ':') {
				if (a[k] == '4' || a[k] == '6') {
					char *v[] = { a[k] == '4' ? (char *) "inet" : (char *) "inet6", NULL };
					r = cmd_opt(ls, cap, a[k] == '4' ? "-4" : "-6", v, file, line);
				}
				if (r < 0)
					return r;
				continue;
			}
			const char *arg = a[k + 1] ? a + k + 1 : argv[i + 1];
			if (!arg)
				return 0;
			if (!a[k + 1])
				i++;
			if (a[k] == 'p') {
				char *v[] = { (char *) arg, NULL };
				r = cmd_opt(ls, cap, "-p", v, file, line);
			} else if (a[k] == 'o') {
				/* one configuration line: "Keyword value" or "Keyword=value" */
				const char *p = arg + strspn(arg, " \t");
				size_t n = strcspn(p, " \t=");
				_cleanup_free_ char *kw = strndup(p, n);
				_cleanup_strv_free_ char **args = NULL;
				if (!kw)
					return -ENOMEM;
				p += n;
				p += strspn(p, " \t");
				p += *p == '=';
				r = sshd_config_split_line(p, strlen(p), &args, NULL);
				if (r == -ENOMEM)
					return r;
				if (r == 0 && args[0] &&
				    (strcasecmp(kw, "Port") == 0 || strcasecmp(kw, "ListenAddress") == 0 ||
				     strcasecmp(kw, "AddressFamily") == 0))
					r = cmd_opt(ls, cap, kw, args, file, line);
				else
					r = 0;
			}
			if (r < 0)
				return r;
			break;	/* the rest of this word was the argument */
		}
	}
	return 0;
}

/*
 * The flags the ssh service hands sshd (src/sshd_cmdline.h), as options
 * of the set, in the order sshd's getopt() sees them.
 */
static int load_cmdline(struct listen_set *ls, const struct sshd_cmdline *cl)
{
	size_t cap = 0;
	int r;

	for (size_t v = 0; cl && v < cl->n_vars; v++) {
		const struct sshd_cmdline_var *var = &cl->vars[v];
		if (!var->file)
			continue;
		const char *f = own(ls, var->file);
		if (!f)
			return -ENOMEM;
		if (var->expansion) {
			if (!ls->cmdline_unjudged && asprintf(&ls->cmdline_unjudged, "%s line %u", f, var->first) < 0) {
				ls->cmdline_unjudged = NULL;
				return -ENOMEM;
			}
			continue;
		}
		if (var->argv && (r = walk_argv(ls, &cap, var->argv, f, var->first)) < 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- sshd's view */

static int push_port(struct listen_set *ls, int port, enum listen_origin origin, const struct sshd_option *o)
{
	if (ls->n_ports >= PORTS_MAX)
		return 0;	/* sshd's MAX_PORTS is 256 */
	struct listen_port *nv = realloc(ls->ports, (ls->n_ports + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	ls->ports = nv;
	nv[ls->n_ports++] = (struct listen_port) { port, origin, o };
	return 0;
}

static int push_line(struct listen_set *ls, const struct sshd_option *o, enum listen_origin origin)
{
	struct listen_line *nv = realloc(ls->lines, (ls->n_lines + 1) * sizeof(*nv));
	int r;

	if (!nv)
		return -ENOMEM;
	ls->lines = nv;
	struct listen_line *l = &nv[ls->n_lines];
	*l = (struct listen_line) { .o = o, .origin = origin };
	ls->n_lines++;
	r = listen_addr_parse(o->args, ls->services, ls->services_len, &l->la, &l->err);
	if (r < 0)
		return r;
	/* Without /etc/services a port name cannot be judged: take it as given. */
	if (l->err == LISTEN_BAD_PORT && !ls->services && l->la.port_text && port_is_name(l->la.port_text))
		l->err = LISTEN_OK;
	return 0;
}

/* One option, in the order sshd reads it (the command line first, then the files). */
static int take_option(struct listen_set *ls, const struct sshd_option *o, enum listen_origin origin)
{
	if (streq(o->keyword, "-p")) {
		int p = listen_port_parse(o->args[0], ls->services, ls->services_len);
		/* every later Port line (and -o Port) is ignored; earlier -o Port values stay */
		ls->ports_from_cmdline = true;
		return p > 0 ? push_port(ls, p, origin, o) : 0;
	}
	if (streq(o->keyword, "-4") || streq(o->keyword, "-6")) {
		ls->family = o->keyword[1] == '4' ? AF_INET : AF_INET6;
		ls->family_opt = o;
		ls->family_origin = origin;
		return 0;
	}
	if (is_kw(o, "Port")) {
		if (ls->ports_from_cmdline)
			return 0;	/* servconf.c: "if (options->ports_from_cmdline) ... break" */
		int p = listen_port_parse(o->args[0], ls->services, ls->services_len);
		return p > 0 ? push_port(ls, p, origin, o) : 0;
	}
	if (is_kw(o, "AddressFamily")) {
		const char *v = o->args[0];
		if (ls->family_opt ||
		    !(strcasecmp(v, "inet") == 0 || strcasecmp(v, "inet6") == 0 || strcasecmp(v, "any") == 0))
			return 0;
		ls->family_opt = o;
		ls->family_origin = origin;
		ls->family = strcasecmp(v, "inet") == 0 ? AF_INET : strcasecmp(v, "inet6") == 0 ? AF_INET6 : AF_UNSPEC;
		return 0;
	}
	if (o->match < 0 && strcasecmp(o->keyword, "ListenAddress") == 0)
		return push_line(ls, o, origin);
	return 0;
}

static int sock_push(struct listen_sock **v, size_t *n, const struct listen_sock *s)
{
	struct listen_sock *nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = *s;
	return 0;
}

static void socks_free(struct listen_sock *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].host);
		free(v[i].rdomain);
		free(v[i].value);
	}
	free(v);
}

int listen_set_sockets_keeping(const struct listen_set *ls, const bool *keep, struct listen_entry **ret)
{
	_cleanup_free_ int *ports = calloc(ls->n_ports ? ls->n_ports : 1, sizeof(int));
	_cleanup_free_ struct listen_addr *addrs = calloc(ls->n_lines ? ls->n_lines : 1, sizeof(*addrs));
	_cleanup_free_ bool *use = calloc(ls->n_lines ? ls->n_lines : 1, sizeof(*use));

	if (!ports || !addrs || !use)
		return -ENOMEM;
	for (size_t i = 0; i < ls->n_ports; i++)
		ports[i] = ls->ports[i].port;
	size_t n = 0;
	for (size_t i = 0; i < ls->n_lines; i++) {
		addrs[i] = ls->lines[i].la;	/* shallow: listen_set_compute() only reads */
		use[i] = keep ? keep[i] : ls->lines[i].err == LISTEN_OK && !ls->lines[i].family_mismatch;
		/* a line adds a socket per port at most: stop before the bound (sshd's own is 16) */
		if (use[i] && (n += ls->lines[i].la.port > 0 ? 1 : ls->n_ports) > LISTEN_SOCKETS_MAX)
			use[i] = false;
	}
	return listen_set_compute(ports, ls->n_ports, addrs, use, ls->n_lines, ret);
}

const struct sshd_option *listen_set_port_line(const struct listen_set *ls, const struct listen_entry *e)
{
	if (e->addr_index >= 0 && (size_t) e->addr_index < ls->n_lines && ls->lines[e->addr_index].la.port == e->port)
		return ls->lines[e->addr_index].o;
	for (size_t j = 0; j < ls->n_ports; j++)
		if (ls->ports[j].port == e->port)
			return ls->ports[j].o;
	return NULL;
}

int listen_set_single_port(const struct listen_set *ls)
{
	int port = 0;

	for (size_t i = 0; i < ls->n_boot; i++) {
		if (ls->boot[i].port <= 0)
			continue;
		if (port && ls->boot[i].port != port)
			return 0;
		port = ls->boot[i].port;
	}
	return port;
}

static int compute_sshd(struct listen_set *ls)
{
	_cleanup_free_ struct listen_entry *v = NULL;
	int k = listen_set_sockets_keeping(ls, NULL, &v);

	if (k < 0)
		return k;
	for (int i = 0; i < k; i++) {
		struct listen_sock s = { .port = v[i].port, .line_index = v[i].addr_index, .origin = LISTEN_FROM_DEFAULT };
		const struct sshd_option *o = listen_set_port_line(ls, &v[i]);
		for (size_t j = 0; j < ls->n_ports && o; j++)
			if (ls->ports[j].o == o)
				s.origin = ls->ports[j].origin;
		if (v[i].addr_index >= 0) {
			const struct listen_line *l = &ls->lines[v[i].addr_index];
			o = l->o;	/* the socket is named by its ListenAddress, whoever gives the port */
			s.origin = l->origin;
			s.host = strdup(l->la.host);
			if (!s.host || (l->la.rdomain && !(s.rdomain = strdup(l->la.rdomain)))) {
				free(s.host);
				return -ENOMEM;
			}
		}
		s.file = o ? o->file : NULL;
		s.line = o ? o->line : 0;
		if (sock_push(&ls->sshd, &ls->n_sshd, &s) < 0) {
			free(s.host);
			free(s.rdomain);
			return -ENOMEM;
		}
	}
	return 0;
}

/* ------------------------------------------------------- socket activation */

/* "addr:port" as a ListenStream= value: "[v6]:port", "v4:port", "port" for every address. */
static int stream_value(const struct listen_sock *s, char **ret)
{
	if (!s->host || streq(s->host, "0.0.0.0") || streq(s->host, "::"))
		return asprintf(ret, "%d", s->port) < 0 ? -ENOMEM : 0;
	return asprintf(ret, strchr(s->host, ':') ? "[%s]:%d" : "%s:%d", s->host, s->port) < 0 ? -ENOMEM : 0;
}

/* A ListenStream= value as a socket: [v6]:port, v4:port, port; a path, @name or vsock: is no TCP socket. */
static int parse_stream(const char *v, enum listen_origin origin, const char *file, unsigned line,
			struct listen_sock *ret)
{
	const char *colon = strrchr(v, ':'), *ps = v;
	_cleanup_free_ char *host = NULL;
	unsigned long long port = 0;

	*ret = (struct listen_sock) { .origin = origin, .file = file, .line = line, .line_index = -1 };
	if (v[0] != '/' && v[0] != '@' && !startswith(v, "vsock:")) {
		if (v[0] == '[' && colon && colon > v && colon[-1] == ']') {
			host = strndup(v + 1, (size_t) (colon - v - 2));
			ps = colon + 1;
		} else if (colon && strchr(v, ':') == colon) {
			host = strndup(v, (size_t) (colon - v));
			ps = colon + 1;
		} else if (colon)
			ps = NULL;	/* a bare IPv6 address takes no port: systemd refuses it */
		if (colon && ps && !host)
			return -ENOMEM;
		if (ps && parse_uint(ps, 10, 65535, &port) < 0)
			port = 0;
	}
	ret->port = (int) port;
	ret->host = port ? TAKE_PTR(host) : NULL;
	ret->value = strdup(v);
	return ret->value ? 0 : -ENOMEM;
}

/* Whose ListenStream= counts: the first installed socket of the pairs, and whether the boot starts it
 * rather than its service (units_starts_at_boot(): enable links or a boot target's pull). */
static int find_socket(struct units *c, struct listen_set *ls, const struct unit **ret)
{
	static const char *const pairs[][2] = { { "ssh.socket", "ssh.service" }, { "sshd.socket", "sshd.service" } };

	*ret = NULL;
	for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
		const struct unit *sock, *svc;
		int r = units_get(c, pairs[i][0], &sock);
		if (r < 0)
			return r;
		if (!sock->path || sock->masked)
			continue;
		r = units_starts_at_boot(c, sock, NULL);
		if (r < 0)
			return r;
		bool sock_starts = r == 1;
		r = units_get(c, pairs[i][1], &svc);
		if (r >= 0 && svc->path && !svc->masked)
			r = units_starts_at_boot(c, svc, NULL);
		else if (r >= 0)
			r = 0;
		if (r < 0)
			return r;
		if (*ret && !sock_starts)
			continue;	/* keep the first installed one unless a later one is what the boot starts */
		/* a static service (2: no [Install], nothing pulls it in) waits for the socket too */
		ls->socket_activated = sock_starts && r != 1;
		*ret = sock;
		if (ls->socket_activated)
			break;
	}
	return 0;
}

/* Are the addresses generated: the generator installed, and no addresses.conf in /etc or /run hiding its one. */
static bool generator_splices(struct target *t, const struct unit *u, struct listen_set *ls)
{
	for (size_t i = 0; i < ELEMENTSOF(generator_paths); i++)
		ls->socket_generator |= exists(t, generator_paths[i]);
	if (!ls->socket_generator)
		return false;
	for (size_t i = 1; i < u->n_files; i++)
		if (streq(path_last(u->files[i].path), "addresses.conf") &&
		    (startswith(u->files[i].path, "/etc/") || startswith(u->files[i].path, "/run/systemd/system/")))
			return false;
	return true;
}

/* sshd_config's sockets as the generator writes them: an empty ListenStream= and then one per socket. */
static int generated_streams(struct listen_set *ls, const char *gen, struct uvals *acc)
{
	uvals_clear(acc);
	for (size_t k = 0; k < ls->n_sshd; k++) {
		_cleanup_free_ char *v = NULL;
		if (stream_value(&ls->sshd[k], &v) < 0 || uvals_push(acc, v, strlen(v), gen, 0) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * The socket's ListenStream= list: the unit file, then its drop-ins in
 * systemd's order (src/units.h).  Ubuntu 24.04's sshd-socket-generator
 * writes addresses.conf into /run/systemd/generator at boot from
 * sshd_config: modelled as a drop-in of that name that resets the list to
 * sshd's own sockets, whatever /run holds now, unless an addresses.conf in
 * /etc or /run/systemd/system hides it.
 */
static int load_socket(struct units *c, struct target *t, struct listen_set *ls)
{
	_cleanup_uvals_ struct uvals acc = {0};
	_cleanup_free_ char *gen = NULL;
	const struct unit *u;
	int r;

	r = find_socket(c, ls, &u);
	if (r < 0 || !u)
		return r;
	if (!(ls->socket_unit = strdup(u->id)) || !(ls->socket_path = strdup(u->path)))
		return -ENOMEM;
	bool generated = generator_splices(t, u, ls), splice = generated;
	if (asprintf(&gen, GENERATOR_DIR "/%s.d/addresses.conf (written at boot by sshd-socket-generator from sshd_config)",
		     ls->socket_unit) < 0) {
		gen = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i <= u->n_files; i++) {
		const char *name = i < u->n_files ? path_last(u->files[i].path) : NULL;
		if (splice && i > 0 && (!name || strcmp(name, "addresses.conf") >= 0)) {
			splice = false;
			r = generated_streams(ls, gen, &acc);
			if (r < 0)
				return r;
		}
		if (!name)
			break;
		if (i > 0 && generated && streq(name, "addresses.conf"))
			continue;	/* today's copy in /run, or one in /usr/lib that the generator's hides */
		r = unit_file_collect(&u->files[i], "Socket", "ListenStream", 0, &acc);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < acc.n; i++) {
		bool g = acc.v[i].line == 0 && streq(acc.v[i].file, gen);
		const char *file = own(ls, acc.v[i].file);
		struct listen_sock s;
		if (!file)
			return -ENOMEM;
		r = parse_stream(acc.v[i].value, g ? LISTEN_FROM_GENERATOR : LISTEN_FROM_SOCKET, file, acc.v[i].line, &s);
		if (r >= 0 && (r = sock_push(&ls->stream, &ls->n_stream, &s)) < 0) {
			free(s.host);
			free(s.value);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------------ names */

/* Does nss-myhostname answer for name?  (localhost, *.localhost, the host name.) */
static bool myhostname_knows(const struct listen_set *ls, const char *name, bool *ret_loopback)
{
	bool on = false;

	for (size_t off = 0; ls->nsswitch && off < ls->nsswitch_len;) {
		const char *l = ls->nsswitch + off, *nl = memchr(l, '\n', ls->nsswitch_len - off);
		size_t n = nl ? (size_t) (nl - l) : ls->nsswitch_len - off;
		off += n + (nl ? 1 : 0);
		const char *hash = memchr(l, '#', n);
		if (hash)
			n = (size_t) (hash - l);
		if (n >= 6 && memcmp(l, "hosts:", 6) == 0)
			on = memmem(l, n, "myhostname", 10) != NULL;
	}
	if (!on)
		return false;
	size_t n = strlen(name);
	if (strcasecmp(name, "localhost") == 0 || strcasecmp(name, "localhost.localdomain") == 0 ||
	    (n > 10 && strcasecmp(name + n - 10, ".localhost") == 0)) {
		*ret_loopback = true;
		return true;
	}
	if (ls->hostname && *ls->hostname && strcasecmp(name, ls->hostname) == 0) {
		*ret_loopback = false;
		return true;
	}
	return false;
}

int listen_set_resolve(const struct listen_set *ls, const char *name, int family, struct ip_addr **ret_addrs,
		       size_t *ret_n, bool *ret_loopback)
{
	struct ip_addr *v = NULL;
	int n = hosts_lookup(ls->hosts, ls->hosts_len, name, family, &v, NULL);

	if (n < 0)
		return n;
	if (n > 0) {
		*ret_addrs = v;
		*ret_n = (size_t) n;
		return LISTEN_BY_HOSTS;
	}
	free(v);
	return myhostname_knows(ls, name, ret_loopback) ? LISTEN_BY_MYHOSTNAME : LISTEN_UNRESOLVED;
}

/* ---------------------------------------------------------------- output */

int listen_set_endpoints(const struct listen_sock *v, size_t n, char ***ret)
{
	_cleanup_strv_free_ char **eps = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *h = v[i].host;
		char *e;
		if (v[i].port <= 0)
			continue;
		if (!h || !*h || streq(h, "0.0.0.0") || streq(h, "::"))
			h = "*";
		if (asprintf(&e, "%s:%d", h, v[i].port) < 0)
			return -ENOMEM;
		if (strv_contains(eps, e))
			free(e);
		else if (strv_push(&eps, e) < 0)
			return -ENOMEM;
	}
	if (strv_ensure(&eps) < 0)
		return -ENOMEM;
	strv_sort(eps);
	*ret = TAKE_PTR(eps);
	return 0;
}

static void describe_opt(struct buf *b, const struct sshd_option *o, enum listen_origin origin)
{
	buf_printf(b, "%s%s line %u: %s%s", b->len ? ", " : "", o->file, o->line,
		   origin == LISTEN_FROM_CMDLINE && o->keyword[0] != '-' ? "-o " : "", o->keyword);
	for (size_t i = 0; i < 4 && o->args[i]; i++)
		buf_printf(b, " %s", o->args[i]);
}

int listen_set_describe_sshd(const struct listen_set *ls, char **ret)
{
	struct buf b = {0};

	for (size_t i = 0; i < ls->n_ports; i++)
		if (ls->ports[i].o)
			describe_opt(&b, ls->ports[i].o, ls->ports[i].origin);
	for (size_t i = 0; i < ls->n_lines; i++)
		describe_opt(&b, ls->lines[i].o, ls->lines[i].origin);
	if (!b.len)
		buf_puts(&b, "no Port or ListenAddress line, so 22");
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret = buf_steal(&b);
	return 0;
}

int listen_set_describe_stream(const struct listen_set *ls, char **ret)
{
	struct buf b = {0};

	for (size_t i = 0; i < ls->n_stream; i++) {
		const struct listen_sock *s = &ls->stream[i];
		if (s->line)
			buf_printf(&b, "%s%s line %u: ListenStream=%s", b.len ? ", " : "", s->file, s->line, s->value);
		else
			buf_printf(&b, "%s%s: ListenStream=%s", b.len ? ", " : "", s->file, s->value);
	}
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret = buf_steal(&b);
	return 0;
}

/* ------------------------------------------------------------------- load */

void listen_set_free(struct listen_set *ls)
{
	if (!ls)
		return;
	free(ls->ports);
	for (size_t i = 0; i < ls->n_lines; i++)
		listen_addr_done(&ls->lines[i].la);
	free(ls->lines);
	socks_free(ls->sshd, ls->n_sshd);
	socks_free(ls->stream, ls->n_stream);
	free(ls->cmdline_unjudged);
	free(ls->socket_unit);
	free(ls->socket_path);
	free(ls->services);
	free(ls->hosts);
	free(ls->nsswitch);
	free(ls->hostname);
	for (size_t i = 0; i < ls->n_cmd_opts; i++) {
		free(ls->cmd_opts[i].keyword);
		strv_free(ls->cmd_opts[i].args);
	}
	free(ls->cmd_opts);
	strv_free(ls->strings);
	free(ls);
}

static inline void listen_set_freep(struct listen_set **ls)
{
	listen_set_free(*ls);
}

int listen_set_load(struct units *units, struct target *t, const struct sshd_config *cfg,
		    const struct sshd_cmdline *cmdline, struct listen_set **ret)
{
	_cleanup_(listen_set_freep) struct listen_set *ls = calloc(1, sizeof(*ls));
	size_t len = 0;
	int r;

	if (!ls)
		return -ENOMEM;
	ls->family = AF_UNSPEC;
	r = target_read_file_optional(t, "/etc/services", CONFIG_MAX, &ls->services, &ls->services_len);
	if (r >= 0)
		r = target_read_file_optional(t, "/etc/hosts", HOSTS_MAX, &ls->hosts, &ls->hosts_len);
	if (r >= 0)
		r = target_read_file_optional(t, "/etc/nsswitch.conf", HOSTS_MAX, &ls->nsswitch, &ls->nsswitch_len);
	if (r >= 0)
		r = target_read_file_optional(t, "/etc/hostname", 4096, &ls->hostname, &len);
	if (r < 0)
		return r;
	if (ls->hostname)
		ls->hostname[strcspn(ls->hostname, " \t\r\n")] = '\0';

	/* the command line first, as sshd's getopt() runs before it reads the file */
	r = load_cmdline(ls, cmdline);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ls->n_cmd_opts; i++)
		if ((r = take_option(ls, &ls->cmd_opts[i], LISTEN_FROM_CMDLINE)) < 0)
			return r;
	for (size_t i = 0; cfg && i < cfg->n_opts; i++)
		if ((r = take_option(ls, &cfg->opts[i], LISTEN_FROM_CONFIG)) < 0)
			return r;
	if (ls->n_ports == 0 && (r = push_port(ls, LISTEN_DEFAULT_PORT, LISTEN_FROM_DEFAULT, NULL)) < 0)
		return r;
	/* AddressFamily is read before the queued ListenAddress lines: judge them now (RULES §3.6). */
	for (size_t i = 0; i < ls->n_lines; i++) {
		struct listen_line *l = &ls->lines[i];
		if ((l->err == LISTEN_OK || l->err == LISTEN_BAD_PORT) && ls->family != AF_UNSPEC &&
		    l->la.kind == LH_NUMERIC) {
			int f = l->la.addr.family;
			if (f == AF_INET6 && ls->family == AF_INET && ip_is_v4mapped(&l->la.addr))
				f = AF_INET;	/* getaddrinfo(AF_INET) takes ::ffff:a.b.c.d as a.b.c.d */
			l->family_mismatch = f != ls->family;
		}
		if (!ls->fatal && (l->err != LISTEN_OK || l->family_mismatch))
			ls->fatal = l;
	}
	r = compute_sshd(ls);
	if (r < 0)
		return r;

	r = units ? load_socket(units, t, ls) : -ENOMEM;
	if (r < 0)
		return r;
	ls->boot = ls->socket_activated ? ls->stream : ls->sshd;
	ls->n_boot = ls->socket_activated ? ls->n_stream : ls->n_sshd;
	*ret = TAKE_PTR(ls);
	return 0;
}

int listen_set_get(struct run *run, const struct listen_set **ret)
{
	if (!run->model.listen) {
		const struct sshd_cmdline *cl;
		int r = sshd_cmdline_get(run, &cl);
		if (r < 0)
			return r;
		r = listen_set_load(run_units(run), run->target, run->model.sshd, cl, &run->model.listen);
		if (r < 0)
			return r;
	}
	*ret = run->model.listen;
	return 0;
}
