/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshd's listen addresses, read the way sshd reads them (see the header).
 * The sources followed: OpenSSH 9.2 servconf.c (sListenAddress,
 * queue_listen_addr, process_queued_listen_addrs, add_listen_addr), misc.c
 * (hpdelim2, hpdelim, cleanhostname, a2port), openbsd-compat strtonum;
 * glibc getaddrinfo's numeric path (__inet_aton_exact, inet_pton with a
 * scope), nss_files for /etc/hosts and /etc/services.  Each rule was
 * checked against Debian 12's sshd -T (RULES §3.6, "D12").
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "listen_addr.h"
#include "util.h"

void listen_addr_done(struct listen_addr *a)
{
	if (!a)
		return;
	free(a->host);
	free(a->port_text);
	free(a->rdomain);
	free(a->scope);
	*a = (struct listen_addr) {0};
}

const char *listen_error_message(enum listen_error e)
{
	switch (e) {
	case LISTEN_OK:
		return "";
	case LISTEN_MISSING_ADDRESS:
		return "missing address";
	case LISTEN_BAD_USAGE:
		return "bad address:port usage";
	case LISTEN_BAD_PORT:
		return "bad port number";
	case LISTEN_BAD_SYNTAX:
		return "bad ListenAddress syntax";
	case LISTEN_BAD_HOST:
		return "bad addr or host";
	}
	return "?";
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ------------------------------------------------------------ services */

/*
 * One line of a files database, split at white space up to a '#' (as
 * nss_files does); a NUL byte ends the line's content, as it ends the
 * C string glibc parses.  Returns the number of words stored (at most max).
 */
static size_t split_line(const char *line, size_t n, const char **w, size_t *wl, size_t max)
{
	size_t k = 0, i = 0;
	const char *nul = memchr(line, '\0', n);

	if (nul)
		n = (size_t) (nul - line);
	while (i < n && k < max) {
		while (i < n && is_space(line[i]))
			i++;
		if (i >= n || line[i] == '#')
			break;
		size_t s = i;
		while (i < n && !is_space(line[i]) && line[i] != '#')
			i++;
		w[k] = line + s;
		wl[k] = i - s;
		k++;
		if (i < n && line[i] == '#')
			break;
	}
	return k;
}

static bool word_is(const char *w, size_t wl, const char *s)
{
	return strlen(s) == wl && memcmp(w, s, wl) == 0;
}

int services_lookup(const char *text, size_t len, const char *name, const char *proto)
{
	if (!text || !name || !*name)
		return -1;
	for (size_t off = 0; off < len;) {
		const char *l = text + off, *nl = memchr(l, '\n', len - off);
		size_t n = nl ? (size_t) (nl - l) : len - off;
		const char *w[64];
		size_t wl[64];

		off += n + (nl ? 1 : 0);
		size_t k = split_line(l, n, w, wl, ELEMENTSOF(w));
		if (k < 2)
			continue;
		/* "ssh 22/tcp": the port, a '/', the protocol. */
		const char *slash = memchr(w[1], '/', wl[1]);
		if (!slash || slash == w[1])
			continue;
		size_t plen = (size_t) (slash - w[1]);
		if (!word_is(slash + 1, wl[1] - plen - 1, proto))
			continue;
		bool match = word_is(w[0], wl[0], name);
		for (size_t j = 2; !match && j < k; j++)
			match = word_is(w[j], wl[j], name);
		if (!match)
			continue;
		unsigned long v = 0;
		size_t j;
		for (j = 0; j < plen && is_digit(w[1][j]) && v <= 65535; j++)
			v = v * 10 + (unsigned long) (w[1][j] - '0');
		if (j == plen && plen > 0 && v >= 1 && v <= 65535)
			return (int) v;
	}
	return -1;
}

int listen_port_parse(const char *s, const char *services, size_t services_len)
{
	const char *p = s;
	long long v = 0;
	bool any = false;

	if (!s)
		return -1;
	/* strtonum(s, 0, 65535): strtoll base 10 over the whole string. */
	while (is_space(*p))
		p++;
	bool neg = *p == '-';
	if (*p == '+' || *p == '-')
		p++;
	for (; is_digit(*p); p++) {
		any = true;
		if (v <= 65536)
			v = v * 10 + (*p - '0');
	}
	if (any && *p == '\0') {
		if (neg && v != 0)
			return -1;
		return v >= 1 && v <= 65535 ? (int) v : -1;
	}
	/* Not a number: getservbyname(s, "tcp") over the target's file. */
	return services_lookup(services, services_len, s, "tcp");
}

/* ------------------------------------------------------------ addresses */

bool ip4_aton_exact(const char *s, uint8_t ret[4])
{
	static const unsigned long max[4] = { 0xffffffffUL, 0xffffffUL, 0xffffUL, 0xffUL };
	uint8_t parts[4];
	size_t np = 0;
	const char *p = s;
	unsigned long val = 0;

	if (!s)
		return false;
	for (;;) {
		/* Each part: as C, 0x hex, 0 octal, else decimal (strtoul base 0). */
		if (!is_digit(*p))
			return false;
		unsigned base = 10;
		unsigned long v = 0;
		bool over = false;
		if (*p == '0') {
			p++;
			base = 8;
			if ((*p == 'x' || *p == 'X') &&
			    ((p[1] >= '0' && p[1] <= '9') || (p[1] >= 'a' && p[1] <= 'f') || (p[1] >= 'A' && p[1] <= 'F'))) {
				base = 16;
				p++;
			}
		}
		for (;; p++) {
			unsigned d;
			if (*p >= '0' && *p <= '9')
				d = (unsigned) (*p - '0');
			else if (base == 16 && *p >= 'a' && *p <= 'f')
				d = (unsigned) (*p - 'a' + 10);
			else if (base == 16 && *p >= 'A' && *p <= 'F')
				d = (unsigned) (*p - 'A' + 10);
			else
				break;
			if (d >= base)
				break;	/* "09": strtoul stops at the 9; it is trailing junk then */
			if (v > (0xffffffffUL - d) / base)
				over = true;
			else
				v = v * base + d;
		}
		if (over)
			return false;
		val = v;
		if (*p == '.') {
			if (np > 2 || val > 0xff)
				return false;
			parts[np++] = (uint8_t) val;
			p++;
			continue;
		}
		break;
	}
	/* __inet_aton_exact: nothing may follow. */
	if (*p != '\0')
		return false;
	if (val > max[np])
		return false;
	uint32_t addr = (uint32_t) val;
	for (size_t i = 0; i < np; i++)
		addr |= (uint32_t) parts[i] << (24 - 8 * i);
	ret[0] = (uint8_t) (addr >> 24);
	ret[1] = (uint8_t) (addr >> 16);
	ret[2] = (uint8_t) (addr >> 8);
	ret[3] = (uint8_t) addr;
	return true;
}

int ip_parse_numeric(const char *host, struct ip_addr *ret, char **ret_scope)
{
	struct ip_addr a = {0};

	if (!host)
		return AF_UNSPEC;
	if (ip4_aton_exact(host, a.a)) {
		a.family = AF_INET;
		*ret = a;
		return AF_INET;
	}
	const char *pct = strchr(host, '%');
	size_t n = pct ? (size_t) (pct - host) : strlen(host);
	if (n == 0 || n >= 64)
		return AF_UNSPEC;
	char buf[64];
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, a.a) != 1)
		return AF_UNSPEC;
	a.family = AF_INET6;
	if (pct && ret_scope) {
		char *s = strdup(pct + 1);
		if (!s)
			return -ENOMEM;
		*ret_scope = s;
	}
	*ret = a;
	return AF_INET6;
}

bool ip_parse_cidr(const char *s, size_t len, struct ip_addr *ret)
{
	char buf[64];
	struct ip_addr a = {0};
	const char *slash = memchr(s, '/', len);
	size_t n = slash ? (size_t) (slash - s) : len;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (memchr(buf, '\0', n))
		return false;
	if (slash) {
		/* A prefix length, 0-128, and nothing else. */
		size_t k = (size_t) (slash - s) + 1;
		unsigned v = 0;
		if (k >= len)
			return false;
		for (; k < len; k++) {
			if (!is_digit(s[k]) || v > 128)
				return false;
			v = v * 10 + (unsigned) (s[k] - '0');
		}
		if (v > 128)
			return false;
	}
	if (inet_pton(AF_INET, buf, a.a) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, buf, a.a) == 1)
		a.family = AF_INET6;
	else
		return false;
	*ret = a;
	return true;
}

bool ip_is_v4mapped(const struct ip_addr *a)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return a->family == AF_INET6 && memcmp(a->a, prefix, 12) == 0;
}

bool ip_is_loopback(const struct ip_addr *a)
{
	static const uint8_t one[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->a[0] == 127;
	if (a->family != AF_INET6)
		return false;
	return memcmp(a->a, one, 16) == 0 || (ip_is_v4mapped(a) && a->a[12] == 127);
}

bool ip_is_any(const struct ip_addr *a)
{
	static const uint8_t zero[16] = {0};

	if (a->family == AF_INET)
		return memcmp(a->a, zero, 4) == 0;
	return a->family == AF_INET6 && memcmp(a->a, zero, 16) == 0;
}

bool ip_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(a->a, b->a, a->family == AF_INET ? 4 : 16) == 0;
}

const char *ip_to_string(const struct ip_addr *a, char buf[static 46])
{
	if (!inet_ntop(a->family == AF_INET ? AF_INET : AF_INET6, a->a, buf, 46))
		strcpy(buf, "?");
	return buf;
}

/* ---------------------------------------------------------------- hosts */

int hosts_lookup(const char *text, size_t len, const char *name, int family, struct ip_addr **ret,
		 unsigned *ret_line)
{
	_cleanup_free_ struct ip_addr *v = NULL;
	size_t n = 0;
	unsigned lineno = 0, first = 0;

	*ret = NULL;
	if (!text || !name || !*name)
		return 0;
	for (size_t off = 0; off < len;) {
		const char *l = text + off, *nl = memchr(l, '\n', len - off);
		size_t ln = nl ? (size_t) (nl - l) : len - off;
		const char *w[64];
		size_t wl[64];

		off += ln + (nl ? 1 : 0);
		lineno++;
		size_t k = split_line(l, ln, w, wl, ELEMENTSOF(w));
		if (k < 2)
			continue;
		bool match = false;
		for (size_t j = 1; !match && j < k; j++)
			match = wl[j] == strlen(name) && strncasecmp(w[j], name, wl[j]) == 0;
		if (!match)
			continue;
		/* The address column: inet_pton forms only (nss_files). */
		struct ip_addr a = {0};
		if (wl[0] >= 64)
			continue;
		char buf[64];
		memcpy(buf, w[0], wl[0]);
		buf[wl[0]] = '\0';
		if (inet_pton(AF_INET, buf, a.a) == 1)
			a.family = AF_INET;
		else if (inet_pton(AF_INET6, buf, a.a) == 1)
			a.family = AF_INET6;
		else
			continue;
		/* getaddrinfo(AF_INET) also takes an IPv4-mapped entry as IPv4. */
		if (family == AF_INET && ip_is_v4mapped(&a)) {
			memmove(a.a, a.a + 12, 4);
			memset(a.a + 4, 0, 12);
			a.family = AF_INET;
		}
		if (family != AF_UNSPEC && a.family != family)
			continue;
		bool dup = false;
		for (size_t i = 0; !dup && i < n; i++)
			dup = ip_equal(&v[i], &a);
		if (dup)
			continue;
		struct ip_addr *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		v = nv;
		v[n++] = a;
		if (!first)
			first = lineno;
	}
	if (n > INT_MAX)
		return -E2BIG;
	if (ret_line)
		*ret_line = first;
	*ret = TAKE_PTR(v);
	return (int) n;
}

/* ------------------------------------------------------------ ListenAddress */

/* A host sshd hands to getaddrinfo() that can never be resolved. */
static bool host_hopeless(const char *h)
{
	if (!*h)
		return true;
	for (const unsigned char *p = (const unsigned char *) h; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return true;
	return false;
}

int listen_addr_parse(char *const *args, const char *services, size_t services_len, struct listen_addr *ret,
		      enum listen_error *ret_err)
{
	_cleanup_free_ char *copy = NULL;
	struct listen_addr a = {0};
	enum listen_error err = LISTEN_OK;
	char *host, *portp = NULL;
	size_t k = 1;

	*ret = a;
	if (!args || !args[0] || !*args[0]) {
		*ret_err = LISTEN_MISSING_ADDRESS;
		return 0;
	}
	copy = strdup(args[0]);
	if (!copy)
		return -ENOMEM;
	/* A bare IPv6 address: no '[' and two or more ':'; it takes no port. */
	char *c1 = strchr(copy, ':');
	if (!strchr(copy, '[') && c1 && strchr(c1 + 1, ':')) {
		host = copy;
	} else {
		/* hpdelim(): "[...]" up to ']', else up to the first ':' or '/'. */
		char *s = copy;
		if (*s == '[') {
			s = strchr(s, ']');
			if (!s) {
				err = LISTEN_BAD_USAGE;
				goto out;
			}
			s++;
		} else {
			s = strpbrk(s, ":/");
			if (!s)
				s = copy + strlen(copy);
		}
		if (*s == '/' || (*s != '\0' && *s != ':')) {
			err = LISTEN_BAD_USAGE;
			goto out;
		}
		if (*s == ':') {
			*s = '\0';
			portp = s + 1;
		}
		host = copy;
		/* cleanhostname(): "[x]" -> "x" */
		size_t hl = strlen(host);
		if (host[0] == '[' && hl > 0 && host[hl - 1] == ']') {
			host[hl - 1] = '\0';
			host++;
			a.bracketed = true;
		}
	}
	a.host = strdup(host);
	if (!a.host)
		goto oom;
	if (portp) {
		a.port_text = strdup(portp);
		if (!a.port_text)
			goto oom;
		int p = listen_port_parse(portp, services, services_len);
		if (p <= 0) {
			err = LISTEN_BAD_PORT;
			goto out;
		}
		a.port = p;
	}
	/* Optional "rdomain NAME", and nothing else. */
	if (args[k]) {
		if (strcmp(args[k], "rdomain") != 0 || !args[k + 1]) {
			err = LISTEN_BAD_SYNTAX;
			goto out;
		}
		a.rdomain = strdup(args[k + 1]);
		if (!a.rdomain)
			goto oom;
		k += 2;
		/* sshd reads no further argument: more words pass unnoticed here
		 * but the keyword's own argument count check refuses them. */
		if (args[k]) {
			err = LISTEN_BAD_SYNTAX;
			goto out;
		}
	}
	if (host_hopeless(a.host))
		err = LISTEN_BAD_HOST;
out:
	/* What the host is, also when the line is refused for its port or words. */
	if (a.host && !host_hopeless(a.host)) {
		int fam = ip_parse_numeric(a.host, &a.addr, &a.scope);
		if (fam < 0)
			goto oom;
		a.kind = fam == AF_UNSPEC ? LH_NAME : LH_NUMERIC;
	}
	*ret = a;
	*ret_err = err;
	return 0;
oom:
	listen_addr_done(&a);
	return -ENOMEM;
}

int listen_set_compute(const int *ports, size_t n_ports, const struct listen_addr *addrs, const bool *use,
		       size_t n_addrs, struct listen_entry **ret)
{
	static const int def = LISTEN_DEFAULT_PORT;
	_cleanup_free_ struct listen_entry *v = NULL;
	size_t n = 0, cap = 0;
	bool any = false;

	if (n_ports == 0) {
		ports = &def;
		n_ports = 1;
	}
	for (size_t i = 0; i <= n_addrs; i++) {
		int idx;
		if (i < n_addrs) {
			if (use && !use[i])
				continue;
			idx = (int) i;
			any = true;
		} else {
			if (any)
				break;
			idx = -1;	/* no ListenAddress: every address */
		}
		size_t m = idx >= 0 && addrs[idx].port > 0 ? 1 : n_ports;
		for (size_t j = 0; j < m; j++) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct listen_entry *nv = realloc(v, nc * sizeof(*nv));
				if (!nv)
					return -ENOMEM;
				v = nv;
				cap = nc;
			}
			v[n].addr_index = idx;
			v[n].port = idx >= 0 && addrs[idx].port > 0 ? addrs[idx].port : ports[j];
			n++;
		}
	}
	if (n > INT_MAX)
		return -E2BIG;
	*ret = TAKE_PTR(v);
	return (int) n;
}
