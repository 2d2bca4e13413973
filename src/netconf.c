/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Offline reading of a machine's own addresses (see the header).  The
 * formats, from their manuals: interfaces(5) (ifupdown 0.8), netplan(5)
 * YAML, nm-settings-keyfile(5), systemd.network(5), EL initscripts'
 * ifcfg / SUSE ifcfg(5), wg-quick(8), keepalived.conf(5), sysctl.d(5).
 * Every parser reads line by line with bounded work per byte; a NUL byte
 * ends its line's content (as the C tools reading these files see it).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "netconf.h"
#include "util.h"

void netconf_done(struct netconf *nc)
{
	if (!nc)
		return;
	for (size_t i = 0; i < nc->n_addrs; i++) {
		free(nc->addrs[i].where);
		free(nc->addrs[i].ifname);
	}
	free(nc->addrs);
	strv_free(nc->dynamic);
	*nc = (struct netconf) {0};
}

int netconf_add_address(struct netconf *nc, const struct ip_addr *a, const char *ifname, const char *file,
			unsigned line, const char *what)
{
	struct netconf_addr *nv;
	char *where, *name = NULL;

	if (asprintf(&where, "%s line %u (%s)", file, line, what) < 0)
		return -ENOMEM;
	/* IFNAMSIZ is 16: anything much longer is no interface name */
	if (ifname && *ifname && !(name = strdup_trunc(ifname, 64))) {
		free(where);
		return -ENOMEM;
	}
	nv = realloc(nc->addrs, (nc->n_addrs + 1) * sizeof(*nv));
	if (!nv) {
		free(where);
		free(name);
		return -ENOMEM;
	}
	nc->addrs = nv;
	nv[nc->n_addrs++] = (struct netconf_addr) { *a, where, name };
	return 0;
}

int netconf_add_dynamic(struct netconf *nc, const char *file, unsigned line, const char *what)
{
	char *s;

	if ((line ? asprintf(&s, "%s line %u: %s", file, line, what) : asprintf(&s, "%s: %s", file, what)) < 0)
		return -ENOMEM;
	return strv_push(&nc->dynamic, s);
}

static bool same_addr(const struct ip_addr *a, const struct ip_addr *b)
{
	struct ip_addr x = *a, y = *b;

	/* ::ffff:a.b.c.d and a.b.c.d name the same socket address for a bind. */
	if (ip_is_v4mapped(&x)) {
		memmove(x.a, x.a + 12, 4);
		memset(x.a + 4, 0, 12);
		x.family = AF_INET;
	}
	if (ip_is_v4mapped(&y)) {
		memmove(y.a, y.a + 12, 4);
		memset(y.a + 4, 0, 12);
		y.family = AF_INET;
	}
	return ip_equal(&x, &y);
}

const struct netconf_addr *netconf_find(const struct netconf *nc, const struct ip_addr *a)
{
	for (size_t i = 0; i < nc->n_addrs; i++)
		if (same_addr(&nc->addrs[i].addr, a))
			return &nc->addrs[i];
	return NULL;
}

/* ---------------------------------------------------------------- lines */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_ws(**s))
		(*s)++, (*n)--;
	while (*n > 0 && is_ws((*s)[*n - 1]))
		(*n)--;
}

/* Words of a string, at white space (and, with seps, those characters too). */
static size_t words(const char *s, size_t n, const char *seps, const char **w, size_t *wl, size_t max)
{
	size_t k = 0, i = 0;

	while (i < n && k < max) {
		while (i < n && (is_ws(s[i]) || (seps && strchr(seps, s[i]))))
			i++;
		if (i >= n)
			break;
		size_t st = i;
		while (i < n && !is_ws(s[i]) && !(seps && strchr(seps, s[i])))
			i++;
		w[k] = s + st;
		wl[k] = i - st;
		k++;
	}
	return k;
}

static bool eq(const char *w, size_t wl, const char *s)
{
	return strlen(s) == wl && memcmp(w, s, wl) == 0;
}

static bool eq_nocase(const char *w, size_t wl, const char *s)
{
	return strlen(s) == wl && strncasecmp(w, s, wl) == 0;
}

/* The length of s without suffix when it ends with it, else strlen(s). */
static size_t endswith_len(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && streq(s + n - k, suffix) ? n - k : n;
}

/* Strip one pair of matching quotes. */
static void unquote(const char **s, size_t *n)
{
	if (*n >= 2 && ((**s == '"' && (*s)[*n - 1] == '"') || (**s == '\'' && (*s)[*n - 1] == '\''))) {
		(*s)++;
		*n -= 2;
	}
}

/* Record s (an address, "addr/len" allowed) when it is one, on interface ifname (NULL: unknown). */
static int add_word(struct netconf *nc, const char *s, size_t n, const char *ifname, const char *file, unsigned line,
		    const char *what)
{
	struct ip_addr a;

	trim(&s, &n);
	unquote(&s, &n);
	if (!ip_parse_cidr(s, n, &a))
		return 0;
	return netconf_add_address(nc, &a, ifname, file, line, what);
}

static bool truthy(const char *v, size_t n)
{
	unquote(&v, &n);
	return eq_nocase(v, n, "true") || eq_nocase(v, n, "yes") || eq_nocase(v, n, "on") || eq_nocase(v, n, "y") ||
	       eq(v, n, "1");
}

/* "key=value" or "key = value" of an INI line: false when there is no '='. */
static bool ini_kv(const char *l, size_t n, const char **k, size_t *kl, const char **v, size_t *vl)
{
	const char *e = memchr(l, '=', n);

	if (!e)
		return false;
	*k = l;
	*kl = (size_t) (e - l);
	trim(k, kl);
	*v = e + 1;
	*vl = n - (size_t) (e - l) - 1;
	trim(v, vl);
	return *kl > 0;
}

/* "[name]" -> name; false for other lines. */
static bool ini_section(const char *l, size_t n, const char **s, size_t *sl)
{
	if (n < 2 || l[0] != '[')
		return false;
	const char *e = memchr(l, ']', n);
	if (!e)
		return false;
	*s = l + 1;
	*sl = (size_t) (e - l - 1);
	return true;
}

/* ------------------------------------------------------------- ifupdown */

void ifupdown_includes_free(struct ifupdown_include *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].pattern);
	free(v);
}

bool ifupdown_run_parts_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-'))
			return false;
	return true;
}

/* "ip [-4|-6] addr|address|a add ADDR ..." or "ifconfig IF ADDR": the address, as a word index. */
static size_t up_command_address(const char *const *w, const size_t *wl, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		if (eq(w[i], wl[i], "ifconfig") || (wl[i] > 9 && memcmp(w[i] + wl[i] - 9, "/ifconfig", 9) == 0))
			return i + 2 < k ? i + 2 : k;
		if (!(eq(w[i], wl[i], "ip") || (wl[i] > 3 && memcmp(w[i] + wl[i] - 3, "/ip", 3) == 0)))
			continue;
		size_t j = i + 1;
		while (j < k && wl[j] > 0 && w[j][0] == '-')
			j++;
		/* "a", "ad", "addr", "address": any prefix of "address" */
		if (j + 2 < k && wl[j] >= 1 && wl[j] <= 7 && strncmp(w[j], "address", wl[j]) == 0 &&
		    eq(w[j + 1], wl[j + 1], "add")) {
			size_t a = j + 2;
			if (a < k && eq(w[a], wl[a], "local"))
				a++;
			return a;
		}
	}
	return k;
}

int netconf_parse_ifupdown(struct netconf *nc, const char *file, const char *text, size_t len,
			   struct ifupdown_include **ret_includes, size_t *ret_n)
{
	struct text_lines it = { text, len, 0, 0 };
	struct ifupdown_include *inc = NULL;
	size_t n_inc = 0;
	bool in_iface = false;
	char family[8] = "", name[64] = "";
	const char *l;
	size_t n;
	int r = 0;

	while (r >= 0 && text_next_line(&it, &l, &n)) {
		unsigned first = it.lineno;
		struct buf logical = {0};

		/* A line ending in '\' continues on the next. */
		for (;;) {
			const char *s = l;
			size_t sn = n;
			trim(&s, &sn);
			if (sn > 0 && s[sn - 1] == '\\') {
				buf_append(&logical, s, sn - 1);
				buf_putc(&logical, ' ');
				if (text_next_line(&it, &l, &n))
					continue;
				break;
			}
			buf_append(&logical, s, sn);
			break;
		}
		if (!buf_ok(&logical)) {
			buf_done(&logical);
			r = -ENOMEM;
			break;
		}
		const char *s = logical.data ? logical.data : "";
		size_t sn = logical.len;
		const char *w[64];
		size_t wl[64];
		size_t k = s[0] == '#' ? 0 : words(s, sn, NULL, w, wl, ELEMENTSOF(w));

		if (k == 0) {
			buf_done(&logical);
			continue;
		}
		if (eq(w[0], wl[0], "iface")) {
			in_iface = true;
			snprintf(name, sizeof(name), "%.*s", k > 1 ? (int) (wl[1] > 60 ? 60 : wl[1]) : 0, k > 1 ? w[1] : "");
			snprintf(family, sizeof(family), "%.*s", k > 2 && wl[2] < 7 ? (int) wl[2] : 0, k > 2 ? w[2] : "");
			if (k > 3 && streq(family, "inet") &&
			    (eq(w[3], wl[3], "dhcp") || eq(w[3], wl[3], "bootp") || eq(w[3], wl[3], "ppp") ||
			     eq(w[3], wl[3], "wvdial") || eq(w[3], wl[3], "ipv4ll"))) {
				_cleanup_free_ char *what = NULL;
				if (asprintf(&what, "iface %s inet %.*s", name, (int) (wl[3] > 20 ? 20 : wl[3]), w[3]) < 0)
					r = -ENOMEM;
				else
					r = netconf_add_dynamic(nc, file, first, what);
			}
		} else if (eq(w[0], wl[0], "source") || eq(w[0], wl[0], "source-directory") ||
			   eq(w[0], wl[0], "source-dir")) {
			in_iface = false;
			if (k > 1 && ret_includes) {
				struct ifupdown_include *nv = realloc(inc, (n_inc + 1) * sizeof(*nv));
				if (!nv) {
					r = -ENOMEM;
				} else {
					inc = nv;
					/* The rest of the line: a pattern may hold spaces? No: one word. */
					inc[n_inc].pattern = strndup(w[1], wl[1]);
					inc[n_inc].directory = !eq(w[0], wl[0], "source");
					if (!inc[n_inc].pattern)
						r = -ENOMEM;
					else
						n_inc++;
				}
			}
		} else if (eq(w[0], wl[0], "auto") || eq(w[0], wl[0], "mapping") || eq(w[0], wl[0], "rename") ||
			   eq(w[0], wl[0], "no-auto-down") || eq(w[0], wl[0], "no-scripts") ||
			   (wl[0] > 6 && memcmp(w[0], "allow-", 6) == 0)) {
			in_iface = false;
		} else if (in_iface && k > 1 && eq(w[0], wl[0], "address") &&
			   (streq(family, "inet") || streq(family, "inet6"))) {
			r = add_word(nc, w[1], wl[1], name, file, first, "address");
		} else if (in_iface && k > 1 &&
			   (eq(w[0], wl[0], "up") || eq(w[0], wl[0], "post-up") || eq(w[0], wl[0], "pre-up"))) {
			size_t a = up_command_address(w + 1, wl + 1, k - 1) + 1;
			if (a < k)
				r = add_word(nc, w[a], wl[a], name, file, first, "up command");
		}
		buf_done(&logical);
	}
	if (r < 0) {
		ifupdown_includes_free(inc, n_inc);
		return r;
	}
	if (ret_includes) {
		*ret_includes = inc;
		*ret_n = n_inc;
	} else
		ifupdown_includes_free(inc, n_inc);
	return 0;
}

/* --------------------------------------------------------------- netplan */

#define YAML_DEPTH 32

/* A line's content without a comment ('#' at the start or after a blank, outside quotes). */
static size_t yaml_strip_comment(const char *s, size_t n)
{
	char q = 0;

	for (size_t i = 0; i < n; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
		} else if (s[i] == '#' && (i == 0 || is_ws(s[i - 1]))) {
			return i;
		}
	}
	return n;
}

/* "key: value" / "key:" at the start of s (after an optional "- "): the key and the value. */
static bool yaml_key(const char *s, size_t n, const char **k, size_t *kl, const char **v, size_t *vl)
{
	size_t i = 0;
	char q = 0;

	if (n > 0 && (s[0] == '"' || s[0] == '\'')) {
		q = s[0];
		const char *e = memchr(s + 1, q, n - 1);
		if (!e)
			return false;
		i = (size_t) (e - s) + 1;
	}
	for (; i < n; i++)
		if (s[i] == ':' && (i + 1 == n || is_ws(s[i + 1])))
			break;
	if (i >= n)
		return false;
	*k = s;
	*kl = i;
	trim(k, kl);
	unquote(k, kl);
	*v = s + i + 1;
	*vl = n - i - 1;
	trim(v, vl);
	return true;
}

/* One address item of a netplan list: "a/n", "'a/n'", or "a/n: {options}" (the mapping form). */
static int netplan_item(struct netconf *nc, const char *s, size_t n, const char *ifname, const char *file,
			unsigned line)
{
	trim(&s, &n);
	if (n > 0 && (s[0] == '"' || s[0] == '\'')) {
		const char *e = memchr(s + 1, s[0], n - 1);
		if (!e)
			return 0;
		return add_word(nc, s + 1, (size_t) (e - s - 1), ifname, file, line, "addresses");
	}
	/* Unquoted: up to ": " or a final ':' (an IPv6 address holds ':' but never ": "). */
	for (size_t i = 0; i < n; i++)
		if (s[i] == ':' && (i + 1 == n || is_ws(s[i + 1]))) {
			n = i;
			break;
		}
	return add_word(nc, s, n, ifname, file, line, "addresses");
}

static int netplan_inline_list(struct netconf *nc, const char *v, size_t vl, const char *ifname, const char *file,
			       unsigned line)
{
	const char *e;

	if (vl < 2 || v[0] != '[' || !(e = memchr(v, ']', vl)))
		return 0;
	for (const char *p = v + 1; p < e;) {
		const char *c = memchr(p, ',', (size_t) (e - p));
		size_t n = c ? (size_t) (c - p) : (size_t) (e - p);
		int r = netplan_item(nc, p, n, ifname, file, line);
		if (r < 0)
			return r;
		p += n + 1;
	}
	return 0;
}

/* One open mapping key of a netplan file. */
struct yaml_frame {
	size_t indent;
	char key[32];	/* device ids are interface names or short labels */
};

/* The id of the device whose keys are on the stack: the key right under ethernets:, bonds:, ...; "" when none. */
static void netplan_ifname(const struct yaml_frame *stack, size_t depth, char *out, size_t out_size)
{
	static const char *const sections[] = { "ethernets", "bonds", "bridges", "vlans", "wifis", "tunnels", "vrfs",
						"dummy-devices", "modems", "nm-devices", "virtual-ethernets" };

	out[0] = '\0';
	for (size_t j = 1; j < depth; j++)
		for (size_t i = 0; i < ELEMENTSOF(sections); i++)
			if (streq(stack[j - 1].key, sections[i]))
				snprintf(out, out_size, "%s", stack[j].key);
}

int netconf_parse_netplan(struct netconf *nc, const char *file, const char *text, size_t len)
{
	struct text_lines it = { text, len, 0, 0 };
	struct yaml_frame stack[YAML_DEPTH];
	size_t depth = 0;
	bool in_list = false;
	size_t list_key_indent = 0, item_indent = (size_t) -1;
	char list_if[32] = "";
	const char *l;
	size_t n;
	int r;

	while (text_next_line(&it, &l, &n)) {
		size_t indent = 0;
		while (indent < n && (l[indent] == ' ' || l[indent] == '\t'))
			indent++;
		const char *s = l + indent;
		size_t sn = yaml_strip_comment(s, n - indent);
		trim(&s, &sn);
		if (sn == 0)
			continue;
		if (sn >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0) && indent == 0)
			continue;
		bool dash = sn >= 1 && s[0] == '-' && (sn == 1 || is_ws(s[1]));

		if (in_list) {
			if (dash && indent >= list_key_indent && (item_indent == (size_t) -1 || indent == item_indent)) {
				item_indent = indent;
				r = netplan_item(nc, s + 1, sn - 1, list_if, file, it.lineno);
				if (r < 0)
					return r;
				continue;
			}
			if (indent > list_key_indent && (item_indent == (size_t) -1 || indent > item_indent))
				continue;	/* options of a mapping item (lifetime:, label:) */
			in_list = false;
		}
		/* A mapping key, maybe as the first key of a sequence item. */
		size_t kindent = indent;
		if (dash) {
			s += 1, sn -= 1;
			size_t pad = 0;
			while (pad < sn && is_ws(s[pad]))
				pad++;
			s += pad, sn -= pad;
			kindent = indent + 1 + pad;
		}
		const char *k, *v;
		size_t kl, vl;
		if (!yaml_key(s, sn, &k, &kl, &v, &vl))
			continue;
		while (depth > 0 && stack[depth - 1].indent >= kindent)
			depth--;
		const char *parent = depth > 0 ? stack[depth - 1].key : "";
		if (depth < YAML_DEPTH) {
			stack[depth].indent = kindent;
			snprintf(stack[depth].key, sizeof(stack[depth].key), "%.*s", (int) (kl > 31 ? 31 : kl), k);
			depth++;
		}
		if (eq(k, kl, "addresses") && !streq(parent, "nameservers")) {
			netplan_ifname(stack, depth, list_if, sizeof(list_if));
			if (vl == 0) {
				in_list = true;
				list_key_indent = kindent;
				item_indent = (size_t) -1;
			} else {
				r = netplan_inline_list(nc, v, vl, list_if, file, it.lineno);
				if (r < 0)
					return r;
			}
		} else if (eq(k, kl, "dhcp4") && truthy(v, vl)) {
			r = netconf_add_dynamic(nc, file, it.lineno, "dhcp4: true");
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* -------------------------------------------------- NetworkManager keyfile */

/* address1=, addresses=, addresses1=, address=: "a/n,gw", "a/n;b/n;", or the old "a;n;gw;". */
static int nm_addresses(struct netconf *nc, const char *v, size_t vl, const char *file, unsigned line)
{
	const char *w[64];
	size_t wl[64];
	size_t k = words(v, vl, ",;", w, wl, ELEMENTSOF(w));
	bool slash = false;
	int r;

	for (size_t i = 0; i < k; i++)
		slash |= memchr(w[i], '/', wl[i]) != NULL;
	for (size_t i = 0; i < k; i++) {
		if (slash ? !memchr(w[i], '/', wl[i]) : i > 0)
			continue;
		r = add_word(nc, w[i], wl[i], NULL, file, line, "keyfile address");
		if (r < 0)
			return r;
	}
	return 0;
}

static bool nm_address_key(const char *k, size_t kl)
{
	size_t base = kl >= 9 && memcmp(k, "addresses", 9) == 0 ? 9 : kl >= 7 && memcmp(k, "address", 7) == 0 ? 7 : 0;

	if (!base)
		return false;
	for (size_t i = base; i < kl; i++)
		if (k[i] < '0' || k[i] > '9')
			return false;
	return true;
}

int netconf_parse_nmconnection(struct netconf *nc, const char *file, const char *text, size_t len)
{
	struct text_lines it = { text, len, 0, 0 };
	struct netconf tmp = {0};
	char section[16] = "";
	bool port = false, v4_seen = false;
	unsigned method_line = 0;
	char method[16] = "auto";
	_cleanup_free_ char *ifname = NULL;
	const char *l;
	size_t n;
	int r = 0;

	while (r >= 0 && text_next_line(&it, &l, &n)) {
		const char *s = l, *k, *v;
		size_t sn = n, kl, vl;
		trim(&s, &sn);
		if (sn == 0 || s[0] == '#' || s[0] == ';')
			continue;
		if (ini_section(s, sn, &k, &kl)) {
			snprintf(section, sizeof(section), "%.*s", (int) (kl > 15 ? 15 : kl), k);
			if (streq(section, "ipv4")) {
				v4_seen = true;
				if (!method_line)
					method_line = it.lineno;
			}
			continue;
		}
		if (!ini_kv(s, sn, &k, &kl, &v, &vl))
			continue;
		if (streq(section, "connection") &&
		    (eq(k, kl, "master") || eq(k, kl, "controller") || eq(k, kl, "slave-type") || eq(k, kl, "port-type")) &&
		    vl > 0)
			port = true;
		else if (streq(section, "connection") && eq(k, kl, "interface-name") && vl > 0) {
			free(ifname);
			ifname = strndup(v, vl > 64 ? 64 : vl);
			if (!ifname)
				r = -ENOMEM;
		} else if (streq(section, "ipv4") && eq(k, kl, "method")) {
			snprintf(method, sizeof(method), "%.*s", (int) (vl > 15 ? 15 : vl), v);
			method_line = it.lineno;
		} else if ((streq(section, "ipv4") || streq(section, "ipv6")) && nm_address_key(k, kl))
			r = nm_addresses(&tmp, v, vl, file, it.lineno);
	}
	if (r < 0 || port) {
		netconf_done(&tmp);
		return r;
	}
	for (size_t i = 0; r >= 0 && i < tmp.n_addrs; i++) {
		struct netconf_addr *a = &tmp.addrs[i];
		struct netconf_addr *nv = realloc(nc->addrs, (nc->n_addrs + 1) * sizeof(*nv));
		if (!nv) {
			r = -ENOMEM;
			break;
		}
		nc->addrs = nv;
		if (ifname && !a->ifname && !(a->ifname = strdup(ifname))) {
			r = -ENOMEM;
			break;
		}
		nv[nc->n_addrs++] = *a;
		a->where = NULL;
		a->ifname = NULL;
	}
	netconf_done(&tmp);
	if (r < 0)
		return r;
	/* ipv4.method defaults to auto: DHCP. */
	if (streq(method, "auto"))
		r = netconf_add_dynamic(nc, file, method_line,
					v4_seen ? "[ipv4] method=auto (DHCP)" : "no [ipv4] method: auto (DHCP)");
	return r;
}

/* -------------------------------------------------------------- networkd */

int netconf_parse_networkd(struct netconf *nc, const char *file, const char *text, size_t len)
{
	struct text_lines it = { text, len, 0, 0 };
	char section[16] = "";
	_cleanup_free_ char *ifname = NULL;
	const char *l;
	size_t n;
	int r = 0;

	/* First: does [Match] limit it to containers? */
	while (text_next_line(&it, &l, &n)) {
		const char *s = l, *k, *v;
		size_t sn = n, kl, vl;
		trim(&s, &sn);
		if (ini_section(s, sn, &k, &kl))
			snprintf(section, sizeof(section), "%.*s", (int) (kl > 15 ? 15 : kl), k);
		else if (streq(section, "Match") && ini_kv(s, sn, &k, &kl, &v, &vl) && eq(k, kl, "Virtualization") &&
			 vl > 0 && v[0] != '!' &&
			 (memmem(v, vl, "container", 9) || memmem(v, vl, "docker", 6) || memmem(v, vl, "lxc", 3) ||
			  memmem(v, vl, "systemd-nspawn", 14) || memmem(v, vl, "podman", 6)))
			return 1;
		else if (streq(section, "Match") && ini_kv(s, sn, &k, &kl, &v, &vl) && eq(k, kl, "Name") && vl > 0) {
			/* its first word */
			const char *w[1];
			size_t wl[1];
			free(ifname);
			ifname = NULL;
			if (words(v, vl, NULL, w, wl, 1) == 1 && !(ifname = strndup(w[0], wl[0] > 64 ? 64 : wl[0])))
				return -ENOMEM;
		}
	}
	it = (struct text_lines) { text, len, 0, 0 };
	section[0] = '\0';
	while (r >= 0 && text_next_line(&it, &l, &n)) {
		const char *s = l, *k, *v;
		size_t sn = n, kl, vl;
		trim(&s, &sn);
		if (sn == 0 || s[0] == '#' || s[0] == ';')
			continue;
		if (ini_section(s, sn, &k, &kl)) {
			snprintf(section, sizeof(section), "%.*s", (int) (kl > 15 ? 15 : kl), k);
			continue;
		}
		if (!ini_kv(s, sn, &k, &kl, &v, &vl))
			continue;
		if (streq(section, "Network") && eq(k, kl, "DHCP") &&
		    (truthy(v, vl) || eq(v, vl, "ipv4") || eq(v, vl, "both"))) {
			r = netconf_add_dynamic(nc, file, it.lineno, "DHCP=yes");
		} else if ((streq(section, "Network") || streq(section, "Address")) && eq(k, kl, "Address")) {
			struct ip_addr a;
			const char *w = v;
			size_t wl = vl;
			unquote(&w, &wl);
			if (ip_parse_cidr(w, wl, &a) && ip_is_any(&a))
				r = netconf_add_dynamic(nc, file, it.lineno, "Address=0.0.0.0/N (picked from a pool)");
			else
				r = add_word(nc, v, vl, ifname, file, it.lineno, "Address=");
		}
	}
	return r;
}

/* ----------------------------------------------------------------- ifcfg */

struct kv {
	char key[40];
	char *value;
	unsigned line;
};

int netconf_parse_ifcfg(struct netconf *nc, const char *file, const char *text, size_t len)
{
	struct text_lines it = { text, len, 0, 0 };
	struct kv *kv = NULL;
	size_t n_kv = 0;
	const char *l;
	size_t n;
	int r = 0;

	/* KEY=value, the last assignment of a key wins (it is sourced by a shell). */
	while (r >= 0 && text_next_line(&it, &l, &n)) {
		const char *s = l, *k, *v;
		size_t sn = n, kl, vl;
		trim(&s, &sn);
		if (sn == 0 || s[0] == '#' || !ini_kv(s, sn, &k, &kl, &v, &vl) || kl >= sizeof(kv->key))
			continue;
		if (kl > 7 && memcmp(k, "export ", 7) == 0)
			k += 7, kl -= 7;
		unquote(&v, &vl);
		size_t i;
		for (i = 0; i < n_kv && !eq(k, kl, kv[i].key); i++)
			;
		if (i == n_kv) {
			struct kv *nv = realloc(kv, (n_kv + 1) * sizeof(*nv));
			if (!nv) {
				r = -ENOMEM;
				break;
			}
			kv = nv;
			snprintf(kv[i].key, sizeof(kv[i].key), "%.*s", (int) kl, k);
			kv[i].value = NULL;
			n_kv++;
		}
		free(kv[i].value);
		kv[i].value = strndup(v, vl);
		kv[i].line = it.lineno;
		if (!kv[i].value)
			r = -ENOMEM;
	}
	bool up = true;
	for (size_t i = 0; r >= 0 && i < n_kv; i++) {
		const char *v = kv[i].value;
		if ((streq(kv[i].key, "ONBOOT") && (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0)) ||
		    (streq(kv[i].key, "STARTMODE") && (streq(v, "off") || streq(v, "manual"))))
			up = false;
	}
	/* DEVICE=, else what follows "ifcfg-" in the file name */
	const char *ifname = NULL, *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	if (startswith(base, "ifcfg-"))
		ifname = base + 6;
	for (size_t i = 0; r >= 0 && i < n_kv; i++)
		if (streq(kv[i].key, "DEVICE") && kv[i].value[0])
			ifname = kv[i].value;
	for (size_t i = 0; r >= 0 && up && i < n_kv; i++) {
		const char *key = kv[i].key, *v = kv[i].value;
		if (streq(key, "BOOTPROTO")) {
			if (startswith(v, "dhcp") && !streq(v, "dhcp6"))
				r = netconf_add_dynamic(nc, file, kv[i].line, "BOOTPROTO=dhcp");
			else if (streq(v, "bootp") || streq(v, "auto") || streq(v, "autoip"))
				r = netconf_add_dynamic(nc, file, kv[i].line, "BOOTPROTO=bootp/auto");
		} else if (startswith(key, "IPADDR") || streq(key, "IPV6ADDR")) {
			r = add_word(nc, v, strlen(v), ifname, file, kv[i].line, key);
		} else if (streq(key, "IPV6ADDR_SECONDARIES")) {
			const char *w[64];
			size_t wl[64];
			size_t k = words(v, strlen(v), NULL, w, wl, ELEMENTSOF(w));
			for (size_t j = 0; r >= 0 && j < k; j++)
				r = add_word(nc, w[j], wl[j], ifname, file, kv[i].line, key);
		}
	}
	for (size_t i = 0; i < n_kv; i++)
		free(kv[i].value);
	free(kv);
	return r;
}

/* ------------------------------------------------------------- wireguard */

int netconf_parse_wireguard(struct netconf *nc, const char *file, const char *text, size_t len)
{
	struct text_lines it = { text, len, 0, 0 };
	char section[16] = "";
	const char *l, *base = strrchr(file, '/');
	size_t n;
	int r = 0;

	/* wg-quick names the interface after the file: /etc/wireguard/wg0.conf is wg0 */
	base = base ? base + 1 : file;
	_cleanup_free_ char *ifname = strndup(base, endswith_len(base, ".conf"));
	if (!ifname)
		return -ENOMEM;

	while (r >= 0 && text_next_line(&it, &l, &n)) {
		const char *s = l, *k, *v;
		size_t sn = n, kl, vl;
		const char *hash = memchr(s, '#', sn);
		if (hash)
			sn = (size_t) (hash - s);
		trim(&s, &sn);
		if (ini_section(s, sn, &k, &kl)) {
			snprintf(section, sizeof(section), "%.*s", (int) (kl > 15 ? 15 : kl), k);
			continue;
		}
		if (!streq(section, "Interface") || !ini_kv(s, sn, &k, &kl, &v, &vl) || !eq_nocase(k, kl, "Address"))
			continue;
		const char *w[64];
		size_t wl[64];
		size_t c = words(v, vl, ",", w, wl, ELEMENTSOF(w));
		for (size_t j = 0; r >= 0 && j < c; j++)
			r = add_word(nc, w[j], wl[j], ifname, file, it.lineno, "wg-quick Address");
	}
	return r;
}

/* ------------------------------------------------------------ keepalived */

/* An address line of a virtual_ipaddress block: "192.0.2.1/24 dev eth0 label eth0:1"; the dev, else dflt. */
static int keepalived_address(struct netconf *nc, const char *const *w, const size_t *wl, size_t k, const char *dflt,
			      const char *file, unsigned line)
{
	_cleanup_free_ char *dev = NULL;

	for (size_t j = 1; j + 1 < k; j++)
		if (eq(w[j], wl[j], "dev")) {
			dev = strndup(w[j + 1], wl[j + 1] > 64 ? 64 : wl[j + 1]);
			if (!dev)
				return -ENOMEM;
		}
	return add_word(nc, w[0], wl[0], dev ? dev : dflt, file, line, "keepalived virtual_ipaddress");
}

int netconf_parse_keepalived(struct netconf *nc, const char *file, const char *text, size_t len)
{
	struct text_lines it = { text, len, 0, 0 };
	bool want_brace = false, in_block = false;
	char iface[64] = "";	/* the vrrp_instance's "interface X" (IFNAMSIZ is 16) */
	const char *l;
	size_t n;
	int r = 0;

	while (r >= 0 && text_next_line(&it, &l, &n)) {
		const char *s = l;
		size_t sn = n;
		for (size_t i = 0; i < sn; i++)
			if (s[i] == '#' || s[i] == '!') {
				sn = i;
				break;
			}
		trim(&s, &sn);
		const char *w[64];
		size_t wl[64];
		size_t k = words(s, sn, "{}", w, wl, ELEMENTSOF(w));
		if (in_block) {
			if (k > 0)
				r = keepalived_address(nc, w, wl, k, iface, file, it.lineno);
			if (memchr(s, '}', sn))
				in_block = false;
			continue;
		}
		if (k > 1 && eq(w[0], wl[0], "interface"))
			snprintf(iface, sizeof(iface), "%.*s", (int) (wl[1] > 63 ? 63 : wl[1]), w[1]);
		if (k > 0 && (eq(w[0], wl[0], "virtual_ipaddress") || eq(w[0], wl[0], "virtual_ipaddress_excluded"))) {
			want_brace = true;
			const char *b = memchr(s, '{', sn);
			if (b) {
				want_brace = false;
				in_block = !memchr(b, '}', sn - (size_t) (b - s));
				/* Addresses on the same line after '{'. */
				for (size_t j = 1; r >= 0 && j < k; j++)
					if (w[j] > b)
						r = add_word(nc, w[j], wl[j], iface, file, it.lineno,
							     "keepalived virtual_ipaddress");
			}
		} else if (want_brace && sn > 0 && s[0] == '{') {
			want_brace = false;
			in_block = !memchr(s, '}', sn);
			for (size_t j = 0; r >= 0 && j < k; j++)
				r = add_word(nc, w[j], wl[j], iface, file, it.lineno, "keepalived virtual_ipaddress");
		} else if (sn > 0)
			want_brace = false;
	}
	return r;
}

/* ---------------------------------------------------------------- sysctl */

static bool sysctl_key_eq(const char *k, size_t kl, const char *key)
{
	size_t n = strlen(key);

	if (kl != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = k[i] == '/' ? '.' : k[i], b = key[i] == '/' ? '.' : key[i];
		if (a != b)
			return false;
	}
	return true;
}

int sysctl_value(const char *text, size_t len, const char *key, unsigned *ret_line)
{
	struct text_lines it = { text, len, 0, 0 };
	const char *l;
	size_t n;
	int v = -1;

	while (text_next_line(&it, &l, &n)) {
		const char *s = l, *k, *val;
		size_t sn = n, kl, vl;
		trim(&s, &sn);
		if (sn == 0 || s[0] == '#' || s[0] == ';')
			continue;
		if (s[0] == '-')
			s++, sn--;
		if (!ini_kv(s, sn, &k, &kl, &val, &vl) || !sysctl_key_eq(k, kl, key) || vl == 0)
			continue;
		if (val[0] >= '1' && val[0] <= '9')
			v = 1;
		else if (val[0] == '0')
			v = 0;
		else
			continue;
		if (ret_line)
			*ret_line = it.lineno;
	}
	return v;
}
