/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading the machine's addresses from the target (see the header); the
 * formats themselves are parsed by src/netconf.c.  Moved here from
 * fixes/listen.c, where only the listen check could use them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "addresses.h"
#include "run.h"
#include "util.h"

#define NETCONF_FILES_MAX 256

/* What loading needs besides the result. */
struct loader {
	struct target *t;
	struct addresses *a;
};

static bool ifcfg_name_ok(const char *name)
{
	static const char *const skip[] = { "~", ".bak", ".orig", ".rpmnew", ".rpmsave", ".old" };
	size_t n = strlen(name);

	if (!startswith(name, "ifcfg-") || streq(name, "ifcfg-lo"))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(skip); i++) {
		size_t k = strlen(skip[i]);
		if (n >= k && streq(name + n - k, skip[i]))
			return false;
	}
	return true;
}

typedef int (*parse_fn)(struct netconf *nc, const char *file, const char *text, size_t len);

/* Parse one file with fn; counts it when it stated anything. */
static int parse_file(struct loader *c, const char *path, parse_fn fn)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0, na = c->a->conf.n_addrs, nd = strv_length(c->a->conf.dynamic);
	int r;

	r = target_read_file_optional(c->t, path, CONFIG_MAX, &text, &len);
	if (r < 0 || !text)
		return r;
	r = fn(&c->a->conf, path, text, len);
	if (r < 0)
		return r;
	if (c->a->conf.n_addrs != na || strv_length(c->a->conf.dynamic) != nd)
		c->a->n_files++;
	return 0;
}

/* ifupdown, with its source and source-directory includes (bounded: no loop can run away). */
static int parse_ifupdown(struct loader *c, const char *path, unsigned depth, char ***seen)
{
	_cleanup_free_ char *text = NULL;
	struct ifupdown_include *inc = NULL;
	size_t len = 0, n_inc = 0, na = c->a->conf.n_addrs, nd = strv_length(c->a->conf.dynamic);
	int r;

	if (depth > 8 || strv_contains(*seen, path) || strv_length(*seen) >= NETCONF_FILES_MAX)
		return 0;
	r = strv_push(seen, strdup(path));
	if (r < 0)
		return r;
	r = target_read_file_optional(c->t, path, CONFIG_MAX, &text, &len);
	if (r < 0 || !text)
		return r;
	r = netconf_parse_ifupdown(&c->a->conf, path, text, len, &inc, &n_inc);
	if (r < 0)
		return r;
	if (c->a->conf.n_addrs != na || strv_length(c->a->conf.dynamic) != nd)
		c->a->n_files++;
	_cleanup_free_ char *dir = path_parent(path);
	for (size_t i = 0; r >= 0 && dir && i < n_inc; i++) {
		_cleanup_free_ char *p = inc[i].pattern[0] == '/' ? strdup(inc[i].pattern) : path_join(dir, inc[i].pattern);
		_cleanup_strv_free_ char **paths = NULL;
		if (!p) {
			r = -ENOMEM;
			break;
		}
		if (inc[i].directory) {
			_cleanup_strv_free_ char **names = NULL;
			if (target_list_dir(c->t, p, &names) < 0)
				continue;
			for (size_t k = 0; r >= 0 && names[k]; k++) {
				_cleanup_free_ char *f = NULL;
				if (!ifupdown_run_parts_name(names[k]))
					continue;
				f = path_join(p, names[k]);
				r = f ? parse_ifupdown(c, f, depth + 1, seen) : -ENOMEM;
			}
			continue;
		}
		if (target_glob(c->t, p, &paths) < 0)
			continue;
		for (size_t k = 0; r >= 0 && paths[k]; k++)
			r = parse_ifupdown(c, paths[k], depth + 1, seen);
	}
	ifupdown_includes_free(inc, n_inc);
	return r;
}

/*
 * Files named NAME in dirs (most important first): the first of each name
 * wins, as netplan, networkd and sysctl.d read them.  Returns the winners,
 * sorted by name.
 */
static int layered(struct loader *c, const char *const *dirs, size_t n_dirs, const char *suffix, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL, **paths = NULL;
	int r;

	for (size_t d = 0; d < n_dirs; d++) {
		_cleanup_strv_free_ char **ls = NULL;
		if (target_list_dir(c->t, dirs[d], &ls) < 0)
			continue;
		for (size_t i = 0; ls[i] && strv_length(names) < NETCONF_FILES_MAX; i++) {
			size_t n = strlen(ls[i]), k = strlen(suffix);
			if (n <= k || !streq(ls[i] + n - k, suffix) || strv_contains(names, ls[i]))
				continue;
			r = strv_push(&names, strdup(ls[i]));
			if (r < 0)
				return r;
		}
	}
	if (strv_ensure(&names) < 0)
		return -ENOMEM;
	strv_sort(names);
	for (size_t i = 0; names[i]; i++)
		for (size_t d = 0; d < n_dirs; d++) {
			_cleanup_free_ char *p = path_join(dirs[d], names[i]);
			struct stat st;
			if (!p)
				return -ENOMEM;
			if (target_lstat(c->t, p, &st) < 0)
				continue;
			/* A link to /dev/null or an empty file masks the name. */
			if (target_stat(c->t, p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
				r = strv_push(&paths, TAKE_PTR(p));
				if (r < 0)
					return r;
			}
			break;
		}
	if (strv_ensure(&paths) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(paths);
	return 0;
}

static bool exists(struct loader *c, const char *path)
{
	struct stat st;
	return target_stat(c->t, path, &st) == 0;
}

static bool enabled_unit(struct loader *c, const char *wants, const char *unit)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	if (asprintf(&p, "/etc/systemd/system/%s/%s", wants, unit) < 0)
		return false;
	return target_lstat(c->t, p, &st) == 0;
}

/* Does any of the files at paths hold needle? */
static int any_file_has(struct loader *c, char **paths, const char *needle)
{
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_free_ char *t = NULL;
		size_t len = 0;
		int r = target_read_file_optional(c->t, paths[i], CONFIG_MAX, &t, &len);
		if (r < 0)
			return r;
		if (t && memmem(t, len, needle, strlen(needle)))
			return 1;
	}
	return 0;
}

static int sysctl_files(struct loader *c)
{
	static const char *const dirs[] = { "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
					    "/usr/lib/sysctl.d", "/lib/sysctl.d" };
	_cleanup_strv_free_ char **paths = NULL;
	int r;

	c->a->nonlocal4 = c->a->nonlocal6 = -1;
	r = layered(c, dirs, ELEMENTSOF(dirs), ".conf", &paths);
	if (r < 0)
		return r;
	/* /etc/sysctl.conf last (Debian links it as 99-sysctl.conf; reading it twice changes nothing). */
	r = strv_push(&paths, strdup("/etc/sysctl.conf"));
	if (r < 0)
		return r;
	for (size_t i = 0; paths[i]; i++) {
		_cleanup_free_ char *t = NULL;
		size_t len = 0;
		unsigned line = 0;
		r = target_read_file_optional(c->t, paths[i], CONFIG_MAX, &t, &len);
		if (r < 0)
			return r;
		if (!t)
			continue;
		int v4 = sysctl_value(t, len, "net.ipv4.ip_nonlocal_bind", &line);
		if (v4 >= 0) {
			c->a->nonlocal4 = v4;
			free(c->a->nonlocal4_where);
			if (asprintf(&c->a->nonlocal4_where, "%s line %u (net.ipv4.ip_nonlocal_bind = 1)", paths[i], line) < 0)
				return -ENOMEM;
		}
		int v6 = sysctl_value(t, len, "net.ipv6.ip_nonlocal_bind", NULL);
		if (v6 >= 0)
			c->a->nonlocal6 = v6;
	}
	return 0;
}

/* The running system's addresses (getifaddrs is a netlink query, not NSS). */
static int live_addresses(struct loader *c)
{
	struct ifaddrs *ifa = NULL;

	if (!target_is_this_system(c->t))
		return 0;
	c->a->live = true;
	if (getifaddrs(&ifa) < 0)
		return 0;
	for (struct ifaddrs *p = ifa; p; p = p->ifa_next) {
		struct ip_addr x = {0};
		if (!p->ifa_addr)
			continue;
		if (p->ifa_addr->sa_family == AF_INET) {
			x.family = AF_INET;
			memcpy(x.a, &((struct sockaddr_in *) (void *) p->ifa_addr)->sin_addr, 4);
		} else if (p->ifa_addr->sa_family == AF_INET6) {
			x.family = AF_INET6;
			memcpy(x.a, &((struct sockaddr_in6 *) (void *) p->ifa_addr)->sin6_addr, 16);
		} else
			continue;
		struct live_addr *nv = realloc(c->a->live_addrs, (c->a->n_live + 1) * sizeof(*nv));
		if (!nv) {
			freeifaddrs(ifa);
			return -ENOMEM;
		}
		c->a->live_addrs = nv;
		nv[c->a->n_live] = (struct live_addr) { x, p->ifa_name ? strdup(p->ifa_name) : NULL };
		if (p->ifa_name && !nv[c->a->n_live].ifname) {
			freeifaddrs(ifa);
			return -ENOMEM;
		}
		c->a->n_live++;
	}
	freeifaddrs(ifa);
	return 0;
}

static int load_network(struct loader *c)
{
	static const char *const netplan_dirs[] = { "/run/netplan", "/etc/netplan", "/lib/netplan", "/usr/lib/netplan" };
	static const char *const nm_dirs[] = { "/etc/NetworkManager/system-connections",
					       "/run/NetworkManager/system-connections",
					       "/usr/lib/NetworkManager/system-connections" };
	static const char *const networkd_dirs[] = { "/etc/systemd/network", "/run/systemd/network",
						     "/usr/local/lib/systemd/network", "/usr/lib/systemd/network",
						     "/lib/systemd/network" };
	static const char *const ifcfg_dirs[] = { "/etc/sysconfig/network-scripts", "/etc/sysconfig/network" };
	_cleanup_strv_free_ char **seen = NULL, **paths = NULL;
	int r;

	r = parse_ifupdown(c, "/etc/network/interfaces", 0, &seen);
	if (r < 0)
		return r;

	r = layered(c, netplan_dirs, ELEMENTSOF(netplan_dirs), ".yaml", &paths);
	for (size_t i = 0; r >= 0 && paths[i]; i++)
		r = parse_file(c, paths[i], netconf_parse_netplan);
	strv_free(paths);
	paths = NULL;
	if (r < 0)
		return r;

	size_t profiles = c->a->n_files;
	if (exists(c, "/usr/sbin/NetworkManager") || exists(c, "/usr/bin/NetworkManager")) {
		r = layered(c, nm_dirs, ELEMENTSOF(nm_dirs), ".nmconnection", &paths);
		for (size_t i = 0; r >= 0 && paths[i]; i++)
			r = parse_file(c, paths[i], netconf_parse_nmconnection);
		if (r < 0)
			return r;
		profiles += strv_length(paths);
		strv_free(paths);
		paths = NULL;
	}

	for (size_t d = 0; d < ELEMENTSOF(ifcfg_dirs); d++) {
		_cleanup_strv_free_ char **names = NULL;
		if (target_list_dir(c->t, ifcfg_dirs[d], &names) < 0)
			continue;
		for (size_t i = 0; i < NETCONF_FILES_MAX && names[i]; i++) {
			_cleanup_free_ char *p = NULL;
			if (!ifcfg_name_ok(names[i]))
				continue;
			p = path_join(ifcfg_dirs[d], names[i]);
			r = p ? parse_file(c, p, netconf_parse_ifcfg) : -ENOMEM;
			if (r < 0)
				return r;
			profiles++;
		}
	}

	/* NetworkManager with no profile at all makes a DHCP "Wired connection"
	 * for every wired device (unless no-auto-default=*). */
	if ((exists(c, "/usr/sbin/NetworkManager") || exists(c, "/usr/bin/NetworkManager")) && profiles == 0) {
		_cleanup_strv_free_ char **conf = NULL;
		r = target_glob(c->t, "/etc/NetworkManager/conf.d/*.conf", &conf);
		if (r < 0)
			return r;
		r = strv_push(&conf, strdup("/etc/NetworkManager/NetworkManager.conf"));
		if (r < 0)
			return r;
		r = any_file_has(c, conf, "no-auto-default=*");
		if (r < 0)
			return r;
		if (r == 0) {
			r = netconf_add_dynamic(&c->a->conf, "/usr/sbin/NetworkManager", 0,
						"no connection profile: NetworkManager uses DHCP on every wired device");
			if (r < 0)
				return r;
			c->a->n_files++;
		}
	}

	if (enabled_unit(c, "multi-user.target.wants", "systemd-networkd.service") ||
	    enabled_unit(c, "sockets.target.wants", "systemd-networkd.socket")) {
		r = layered(c, networkd_dirs, ELEMENTSOF(networkd_dirs), ".network", &paths);
		for (size_t i = 0; r >= 0 && paths[i]; i++)
			r = parse_file(c, paths[i], netconf_parse_networkd);
		strv_free(paths);
		paths = NULL;
		if (r < 0)
			return r;
	}

	/* Addresses that come with a tunnel or a cluster manager: known, if late. */
	r = target_glob(c->t, "/etc/wireguard/*.conf", &paths);
	for (size_t i = 0; r >= 0 && paths[i]; i++)
		r = parse_file(c, paths[i], netconf_parse_wireguard);
	strv_free(paths);
	paths = NULL;
	if (r < 0)
		return r;
	r = parse_file(c, "/etc/keepalived/keepalived.conf", netconf_parse_keepalived);
	if (r < 0)
		return r;

	/* cloud-init renders the network configuration at boot from its datasource. */
	if (exists(c, "/etc/cloud/cloud.cfg") && !exists(c, "/etc/cloud/cloud-init.disabled")) {
		r = target_glob(c->t, "/etc/cloud/cloud.cfg.d/*.cfg", &paths);
		if (r < 0)
			return r;
		r = strv_push(&paths, strdup("/etc/cloud/cloud.cfg"));
		if (r < 0)
			return r;
		int off = any_file_has(c, paths, "config: disabled");
		if (off == 0)
			off = any_file_has(c, paths, "\"config\": \"disabled\"");
		if (off < 0)
			return off;
		if (off == 0) {
			r = netconf_add_dynamic(&c->a->conf, "/etc/cloud/cloud.cfg", 0,
						"cloud-init writes the network configuration at boot");
			if (r < 0)
				return r;
		}
	}

	r = sysctl_files(c);
	if (r < 0)
		return r;
	return live_addresses(c);
}


void addresses_free(struct addresses *a)
{
	if (!a)
		return;
	netconf_done(&a->conf);
	free(a->nonlocal4_where);
	for (size_t i = 0; i < a->n_live; i++)
		free(a->live_addrs[i].ifname);
	free(a->live_addrs);
	free(a);
}

int addresses_load(struct target *t, struct addresses **ret)
{
	struct addresses *a = calloc(1, sizeof(*a));
	struct loader c = { t, a };
	int r;

	if (!a)
		return -ENOMEM;
	a->nonlocal4 = a->nonlocal6 = -1;
	r = load_network(&c);
	if (r < 0) {
		addresses_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

int addresses_get(struct run *run, const struct addresses **ret)
{
	if (!run->model.addresses) {
		int r = addresses_load(run->target, &run->model.addresses);
		if (r < 0)
			return r;
	}
	*ret = run->model.addresses;
	return 0;
}

struct ip_addr addresses_unmap(const struct ip_addr *a)
{
	struct ip_addr x = *a;

	if (ip_is_v4mapped(&x)) {
		memmove(x.a, x.a + 12, 4);
		memset(x.a + 4, 0, 12);
		x.family = AF_INET;
	}
	return x;
}

enum addr_source addresses_find(const struct addresses *as, const struct ip_addr *a,
				const struct netconf_addr **ret_conf, const struct live_addr **ret_live)
{
	struct ip_addr x = addresses_unmap(a);
	const struct netconf_addr *c;

	if (ip_is_loopback(&x))
		return ADDR_LOOPBACK;
	c = netconf_find(&as->conf, &x);
	if (c) {
		if (ret_conf)
			*ret_conf = c;
		return ADDR_CONFIGURED;
	}
	for (size_t i = 0; i < as->n_live; i++) {
		struct ip_addr y = addresses_unmap(&as->live_addrs[i].addr);
		if (ip_equal(&y, &x)) {
			if (ret_live)
				*ret_live = &as->live_addrs[i];
			return ADDR_LIVE;
		}
	}
	return ADDR_NONE;
}

int addresses_bindable(const struct addresses *as, const struct ip_addr *a0, enum addr_bind *ret, char **ret_why)
{
	struct ip_addr a = addresses_unmap(a0);
	char buf[46];
	int r = 0;

	*ret_why = NULL;
	if (ip_is_loopback(&a))
		*ret = BIND_LOOPBACK;
	else if (ip_is_any(&a))
		*ret = BIND_ANY;
	else if (addresses_find(as, &a, NULL, NULL) != ADDR_NONE)
		*ret = BIND_HAS;
	else if ((a.family == AF_INET && as->nonlocal4 > 0) || (a.family == AF_INET6 && as->nonlocal6 > 0)) {
		/* the kernel lets a program bind an address the machine does not have */
		*ret = BIND_NONLOCAL;
		*ret_why = strdup(a.family == AF_INET && as->nonlocal4_where ? as->nonlocal4_where
									     : "net.ipv6.ip_nonlocal_bind = 1");
		r = *ret_why ? 0 : -ENOMEM;
	} else if (a.family == AF_INET6)
		*ret = BIND_UNSURE;
	else if (as->live) {
		/* The running system: its interfaces say what it has now, DHCP leases included. */
		*ret = BIND_MISSING;
		r = asprintf(ret_why, "%s is in no network configuration of this machine and on none of its interfaces%s%s%s",
			     ip_to_string(&a, buf), as->conf.dynamic ? " (its addresses come from " : "",
			     as->conf.dynamic ? as->conf.dynamic[0] : "", as->conf.dynamic ? ")" : "");
	} else if (as->conf.dynamic) {
		/* DHCP or a cloud: the address is whatever the lease says, and no file names this one. */
		*ret = BIND_UNCONFIRMED;
		r = asprintf(ret_why, "%s is named by no network configuration of this machine, which takes its IPv4 "
				      "addresses from DHCP or a cloud (%s): sshd can bind it only if exactly this "
				      "address is handed out",
			     ip_to_string(&a, buf), as->conf.dynamic[0]);
	} else if (as->n_files == 0)
		*ret = BIND_NO_SOURCE;
	else {
		*ret = BIND_MISSING;
		r = asprintf(ret_why, "%s is in no network configuration of this machine", ip_to_string(&a, buf));
	}
	if (r < 0) {
		*ret_why = NULL;
		return -ENOMEM;
	}
	return 0;
}

int addresses_describe(const struct addresses *as, size_t max_addrs, size_t max_dynamic, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	const struct netconf *nc = &as->conf;
	char buf[46], *s;

	for (size_t i = 0; i < nc->n_addrs && i < max_addrs; i++)
		if (asprintf(&s, "configured: %s, %s", ip_to_string(&nc->addrs[i].addr, buf), nc->addrs[i].where) < 0 ||
		    strv_push(&v, s) < 0)
			return -ENOMEM;
	if (nc->n_addrs > max_addrs &&
	    (asprintf(&s, "configured: %zu more addresses", nc->n_addrs - max_addrs) < 0 || strv_push(&v, s) < 0))
		return -ENOMEM;
	for (size_t i = 0; nc->dynamic && nc->dynamic[i] && i < max_dynamic; i++)
		if (asprintf(&s, "dynamic: %s", nc->dynamic[i]) < 0 || strv_push(&v, s) < 0)
			return -ENOMEM;
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}
