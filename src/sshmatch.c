/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sshmatch.h"

/* sshd copies each list entry into a 1024-byte buffer and gives up on longer ones. */
#define SUBPATTERN_MAX 1023

static unsigned char fold(unsigned char c, bool lower)
{
	return lower && c >= 'A' && c <= 'Z' ? (unsigned char) (c - 'A' + 'a') : c;
}

/*
 * s against the n bytes of p.  Iterative: on a mismatch after a '*', the
 * star takes one more byte and matching resumes; that finds a match
 * whenever OpenSSH's recursive search does, in O(|s|·|p|) instead of time
 * exponential in the number of stars (the configuration is root's, but a
 * rescue tool must not hang on a silly pattern).
 */
static bool pattern_n(const char *s, const char *p, size_t n, bool lower)
{
	size_t i = 0, star = SIZE_MAX;
	const char *resume = NULL;

	for (;;) {
		if (i < n && p[i] == '*') {
			while (i < n && p[i] == '*')
				i++;
			if (i == n)
				return true;
			star = i;
			resume = s;
			continue;
		}
		if (*s && i < n && (p[i] == '?' || fold((unsigned char) p[i], lower) == fold((unsigned char) *s, lower))) {
			s++;
			i++;
			continue;
		}
		if (i == n && !*s)
			return true;
		if (star != SIZE_MAX && *resume) {
			i = star;
			s = ++resume;
			continue;
		}
		return false;
	}
}

bool sshmatch_pattern(const char *s, const char *pattern)
{
	return pattern_n(s, pattern, strlen(pattern), false);
}

int sshmatch_list(const char *s, const char *list, bool lower)
{
	size_t len = strlen(list), i = 0;
	bool positive = false;

	while (i < len) {
		bool neg = list[i] == '!';
		size_t start;

		if (neg)
			i++;
		start = i;
		while (i < len && list[i] != ',')
			i++;
		if (i - start >= SUBPATTERN_MAX)
			return SSHMATCH_NO;
		if (pattern_n(s, list + start, i - start, lower)) {
			if (neg)
				return SSHMATCH_NEGATED;
			positive = true;
		}
		if (i < len)
			i++;	/* the ',' */
	}
	return positive ? SSHMATCH_YES : SSHMATCH_NO;
}

struct xaddr {
	int af;
	unsigned char a[16];
};

/* A numeric address as getaddrinfo(AI_NUMERICHOST) takes it; an IPv6 scope ("%eth0") is ignored. */
static bool addr_parse(const char *s, struct xaddr *ret)
{
	if (!*s || strpbrk(s, " \t\r\n\v\f"))
		return false;
	if (strchr(s, ':')) {
		char buf[INET6_ADDRSTRLEN];
		size_t n = strcspn(s, "%");

		if (n >= sizeof(buf) || (s[n] == '%' && !s[n + 1]))
			return false;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (inet_pton(AF_INET6, buf, ret->a) != 1)
			return false;
		ret->af = AF_INET6;
		return true;
	}
	struct in_addr v4;
	/* inet_aton: the forms glibc's numeric getaddrinfo takes ("10.1" too). */
	if (inet_aton(s, &v4) == 0)
		return false;
	memset(ret->a, 0, sizeof(ret->a));
	memcpy(ret->a, &v4.s_addr, 4);
	ret->af = AF_INET;
	return true;
}

static unsigned family_bits(int af)
{
	return af == AF_INET ? 32 : 128;
}

static bool bit_set(const unsigned char *a, unsigned bit)
{
	return a[bit / 8] & (0x80u >> (bit % 8));
}

/*
 * "ADDR" or "ADDR/LEN" of at most 63 bytes: 0 with the network and its
 * length, -1 when it is not an address (then it is a pattern), -2 when it
 * is an address with a prefix longer than its family or host bits set.
 */
static int cidr_parse(const char *p, size_t n, struct xaddr *net, unsigned *ret_len)
{
	char buf[64], *mp;
	long long len = -1;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	mp = strchr(buf, '/');
	if (mp) {
		char *end;

		*mp++ = '\0';
		/* strtonum(mp, 0, INT_MAX): decimal, the whole rest, in range. */
		errno = 0;
		len = strtoll(mp, &end, 10);
		if (end == mp || *end || errno == ERANGE || len < 0 || len > INT_MAX)
			return -1;
	}
	if (!addr_parse(buf, net))
		return -1;
	if (len < 0)
		len = family_bits(net->af);
	if ((unsigned long long) len > family_bits(net->af))
		return -2;
	for (unsigned b = (unsigned) len; b < family_bits(net->af); b++)
		if (bit_set(net->a, b))
			return -2;
	*ret_len = (unsigned) len;
	return 0;
}

static bool net_contains(const struct xaddr *net, unsigned len, const struct xaddr *a)
{
	if (net->af != a->af)
		return false;
	for (unsigned b = 0; b < len; b++)
		if (bit_set(net->a, b) != bit_set(a->a, b))
			return false;
	return true;
}

int sshmatch_addr_list(const char *addr, const char *list)
{
	struct xaddr try;
	int ret = SSHMATCH_NO;

	if (addr && !addr_parse(addr, &try))
		return SSHMATCH_NO;
	/* Every ','-separated piece counts, empty ones too (strsep). */
	for (const char *p = list;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t) (comma - p) : strlen(p);
		bool neg = n > 0 && *p == '!', found = false;
		const char *e = neg ? p + 1 : p;
		struct xaddr net;
		unsigned len;

		if (neg)
			n--;
		if (n == 0)
			return SSHMATCH_INVALID;
		int r = cidr_parse(e, n, &net, &len);
		if (r == -2)
			return SSHMATCH_INVALID;
		if (addr)
			found = r == 0 ? net_contains(&net, len, &try) : pattern_n(addr, e, n, false);
		if (found) {
			if (neg)
				return SSHMATCH_NEGATED;
			ret = SSHMATCH_YES;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return ret;
}

/* A host list that every client matches: some entry of only '*', none negated. */
static bool hosts_always(const char *hosts)
{
	bool any = false;

	for (const char *p = hosts; *p;) {
		size_t n = strcspn(p, ",");
		if (*p == '!')
			return false;
		if (n > 0 && strspn(p, "*") == n)
			any = true;
		p += n;
		if (*p == ',')
			p++;
	}
	return any;
}

int sshmatch_user(const char *user, const char *host, const char *addr, const char *entry)
{
	const char *at = strchr(entry, '@');
	const char *hosts;
	int mip, mhost;

	if (!at)
		return sshmatch_pattern(user, entry) ? SSHMATCH_YES : SSHMATCH_NO;
	hosts = at + 1;
	if (sshmatch_addr_list(NULL, hosts) == SSHMATCH_INVALID)
		return SSHMATCH_INVALID;
	if (!pattern_n(user, entry, (size_t) (at - entry), false))
		return SSHMATCH_NO;
	if (!host && !addr)
		return hosts_always(hosts) ? SSHMATCH_YES : SSHMATCH_UNKNOWN;
	/* match_host_and_ip: a negated address, or no address, is no match. */
	mip = sshmatch_addr_list(addr, hosts);
	if (!host || !addr || mip == SSHMATCH_NEGATED)
		return SSHMATCH_NO;
	mhost = sshmatch_list(host, hosts, true);
	if (mhost == SSHMATCH_NEGATED || (mhost == SSHMATCH_NO && mip == SSHMATCH_NO))
		return SSHMATCH_NO;
	return SSHMATCH_YES;
}

bool sshmatch_user_valid(const char *entry)
{
	const char *at = strchr(entry, '@');

	if (!*entry)
		return false;
	return !at || sshmatch_addr_list(NULL, at + 1) != SSHMATCH_INVALID;
}
