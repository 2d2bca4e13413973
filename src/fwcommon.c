/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the static firewall evaluators (src/fwcommon.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "fwcommon.h"
#include "addresses.h"
#include "listen_set.h"
#include "target.h"
#include "util.h"

const char *fw_verdict_name(enum fw_verdict v)
{
	switch (v) {
	case FW_ACCEPT:
		return "accepts";
	case FW_DROP:
		return "drops";
	case FW_REJECT:
		return "rejects";
	default:
		return "could not be judged";
	}
}

static bool prefix_eq(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char m = (unsigned char) (0xff << (8 - rest));
	return (a[full] & m) == (b[full] & m);
}

/* A dotted mask as a prefix length; -1 when it is no contiguous mask. */
static int mask_bits(const char *s)
{
	unsigned char m[4];
	int bits = 0;
	bool zero = false;

	if (inet_pton(AF_INET, s, m) != 1)
		return -1;
	for (int i = 0; i < 32; i++) {
		bool one = m[i / 8] & (0x80 >> (i % 8));
		if (one && zero)
			return -1;
		if (one)
			bits++;
		else
			zero = true;
	}
	return bits;
}

int fw_addr_match(const char *spec, const struct fw_packet *p)
{
	char net[64];
	unsigned char a[16], b[16];
	int fam = strchr(spec, ':') ? AF_INET6 : AF_INET, max = fam == AF_INET6 ? 128 : 32, bits = max;
	const char *slash = strchr(spec, '/');
	size_t n = slash ? (size_t) (slash - spec) : strlen(spec);

	if (n == 0 || n >= sizeof(net))
		return FW_MAYBE;
	memcpy(net, spec, n);
	net[n] = '\0';
	if (inet_pton(fam, net, a) != 1)
		return FW_MAYBE;
	if (slash) {
		unsigned long long v;
		if (parse_uint(slash + 1, 10, (unsigned long long) max, &v) == 0)
			bits = (int) v;
		else if (fam == AF_INET && (bits = mask_bits(slash + 1)) >= 0)
			;
		else
			return FW_MAYBE;
	}
	if (fam != p->family)
		return FW_NO;
	if (bits == 0)
		return FW_YES;
	if (!p->from)
		return FW_NO;	/* "an address that is not local": not one named network */
	if (inet_pton(fam, p->from, b) != 1)
		return FW_NO;
	return prefix_eq(a, b, (unsigned) bits) ? FW_YES : FW_NO;
}

static int port_value(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int port;
	} names[] = { { "ssh", 22 }, { "http", 80 }, { "https", 443 }, { "smtp", 25 }, { "domain", 53 } };
	char tmp[32];
	unsigned long long v;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (parse_uint(tmp, 10, 65535, &v) == 0)
		return (int) v;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (strcasecmp(tmp, names[i].name) == 0)
			return names[i].port;
	return -1;
}

int fw_port_match(const char *spec, uint16_t port)
{
	size_t n = strlen(spec), k = strcspn(spec, ":-");
	int lo, hi;

	if (k < n) {
		lo = k == 0 ? 0 : port_value(spec, k);
		hi = k + 1 == n ? 65535 : port_value(spec + k + 1, n - k - 1);
	} else
		lo = hi = port_value(spec, n);
	if (lo < 0 || hi < 0)
		return FW_MAYBE;
	return port >= lo && port <= hi ? FW_YES : FW_NO;
}

size_t fw_packets(const struct listen_set *ls, const char *from, struct fw_packet *out, size_t max)
{
	unsigned char buf[16];
	int from_family = AF_UNSPEC;
	size_t n = 0;

	if (from)
		from_family = inet_pton(AF_INET, from, buf) == 1 ? AF_INET : AF_INET6;
	for (size_t i = 0; i < ls->n_boot; i++) {
		const struct listen_sock *b = &ls->boot[i];
		if (b->port <= 0)
			continue;
		for (int fam = 0; fam < 2; fam++) {
			int af = fam ? AF_INET6 : AF_INET;
			if (b->host) {
				bool v4 = inet_pton(AF_INET, b->host, buf) == 1, v6 = inet_pton(AF_INET6, b->host, buf) == 1;
				if ((v4 && af != AF_INET) || (v6 && af != AF_INET6))
					continue;
				if ((v4 || v6) && (streq(b->host, "127.0.0.1") || streq(b->host, "::1")))
					continue;	/* loopback only: the listen family's finding */
			}
			if (!ls->socket_activated && ls->family != AF_UNSPEC && ls->family != af)
				continue;
			if (from_family != AF_UNSPEC && af != from_family)
				continue;
			bool dup = false;
			for (size_t k = 0; k < n; k++)
				dup |= out[k].family == af && out[k].port == b->port;
			if (dup || n >= max)
				continue;
			out[n++] = (struct fw_packet) { af, (uint16_t) b->port, from };
		}
	}
	return n;
}

static bool secret_path(const char *canon)
{
	return streq(canon, "/etc/shadow") || streq(canon, "/etc/gshadow") || streq(canon, "/etc/shadow-") ||
	       streq(canon, "/etc/gshadow-") ||
	       (startswith(canon, "/etc/ssh/ssh_host_") && !(strlen(canon) > 4 && streq(canon + strlen(canon) - 4, ".pub")));
}

int fw_read_root_file(struct target *t, const char *path, char **ret_data, size_t *ret_len, const char **ret_unsafe,
		      bool *ret_refused)
{
	struct target_path tp = {0};
	struct stat dst;
	bool refuse = false;
	int r;

	*ret_unsafe = NULL;
	r = target_resolve(t, path, TR_ROOT_SYMLINKS_ONLY, &tp, NULL);
	if (r == -ENOLINK) {
		target_path_done(&tp);
		*ret_refused = true;
		*ret_unsafe = "it is reached through a symlink a user can change";
		return -EPERM;
	}
	if (r < 0) {
		target_path_done(&tp);
		return r;
	}
	_cleanup_free_ char *dir = path_parent(tp.canon);
	if (!dir) {
		target_path_done(&tp);
		return -ENOMEM;
	}
	if (secret_path(tp.canon))
		*ret_unsafe = "it is a file of secrets, never read for this", refuse = true;
	else if (target_stat(t, dir, &dst) == 0 && (!target_dir_is_roots(&dst) || dst.st_mode & 002))
		*ret_unsafe = "users can change the directory that holds it", refuse = true;
	else if (tp.exists && S_ISREG(tp.st.st_mode) && tp.st.st_nlink > 1)
		*ret_unsafe = "it has more than one hard link (it may be /etc/shadow)", refuse = true;
	else if (tp.exists && tp.st.st_uid != 0)
		*ret_unsafe = "a user owns it";
	else if (tp.exists && (tp.st.st_mode & 002 || (tp.st.st_mode & 020 && tp.st.st_gid != 0)))
		*ret_unsafe = "users can write it";
	if (refuse) {
		target_path_done(&tp);
		*ret_refused = true;
		return -EPERM;
	}
	r = target_read_file(t, tp.canon, CONFIG_MAX, ret_data, ret_len);
	target_path_done(&tp);
	return r;
}

static bool plain_ifname(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n < 16 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n &&
	       !streq(s, "lo");
}

const char *fw_main_ifname(const struct addresses *a)
{
	const char *name = NULL;

	if (!a)
		return NULL;
	for (size_t i = 0; a->live && i < a->n_live; i++) {
		const char *n = a->live_addrs[i].ifname;
		if (!n || streq(n, "lo"))
			continue;
		if (!plain_ifname(n) || (name && !streq(name, n)))
			return NULL;
		name = n;
	}
	if (a->live)
		return name;
	for (size_t i = 0; i < a->conf.n_addrs; i++) {
		const char *n = a->conf.addrs[i].ifname;
		if (!n || streq(n, "lo"))
			continue;
		if (!plain_ifname(n) || (name && !streq(name, n)))
			return NULL;
		name = n;
	}
	return name;
}
