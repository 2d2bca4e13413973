/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authkeys.h"
#include "known_hosts.h"
#include "sha1.h"

#define HASH_MAGIC "|1|"

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Bytes no host name holds: they would make the name a pattern, a list or a second field. */
static const char *name_char_problem(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char) s[i];
		if (c <= ' ' || c == 0x7f)
			return "it holds a blank or a control character";
		if (c == ',')
			return "it holds a ','; give one host at a time";
		if (c == '*' || c == '?' || c == '!')
			return "it holds a pattern character (* ? !); give the host's name or address";
	}
	return NULL;
}

static int parse_port(const char *s, unsigned long *ret)
{
	unsigned long long v;

	if (parse_uint(s, 10, 65535, &v) < 0 || v == 0)
		return -EINVAL;
	*ret = (unsigned long) v;
	return 0;
}

int known_hosts_name(const char *arg, char **ret, const char **ret_why)
{
	_cleanup_free_ char *host = NULL;
	unsigned long port = 22;
	const char *why;

	if (!arg || !*arg) {
		*ret_why = "the host name is empty";
		return -EINVAL;
	}
	if (strlen(arg) > KNOWN_HOSTS_NAME_MAX) {
		*ret_why = "the host name is too long";
		return -EINVAL;
	}
	if (arg[0] == '|' || arg[0] == '@') {
		*ret_why = "a host name cannot start with '|' or '@'";
		return -EINVAL;
	}
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');
		if (!close || close == arg + 1 || close[1] != ':' || parse_port(close + 2, &port) < 0) {
			*ret_why = "write a host on another port as [host]:port, the port 1-65535";
			return -EINVAL;
		}
		host = strndup(arg + 1, (size_t) (close - arg - 1));
	} else {
		const char *colon = strchr(arg, ':');
		/* One colon is "host:port" (ssh writes "[host]:port"); several are an IPv6 address. */
		if (colon && !strchr(colon + 1, ':')) {
			*ret_why = "write a host on another port as [host]:port";
			return -EINVAL;
		}
		host = strdup(arg);
	}
	if (!host)
		return -ENOMEM;
	why = name_char_problem(host, strlen(host));
	if (why || strpbrk(host, "[]")) {
		*ret_why = why ? why : "unbalanced '[' or ']'";
		return -EINVAL;
	}
	for (char *p = host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char) (*p - 'A' + 'a');
	if (port == 22) {
		*ret = TAKE_PTR(host);
		return 0;
	}
	return asprintf(ret, "[%s]:%lu", host, port) < 0 ? -ENOMEM : 0;
}

char *known_hosts_hash(const char *name, const unsigned char salt[SHA1_DIGEST_LEN])
{
	unsigned char mac[SHA1_DIGEST_LEN];
	_cleanup_free_ char *s = NULL, *h = NULL;
	char *out;

	hmac_sha1(salt, SHA1_DIGEST_LEN, name, strlen(name), mac);
	s = authkeys_base64_encode(salt, SHA1_DIGEST_LEN);
	h = authkeys_base64_encode(mac, sizeof(mac));
	if (!s || !h)
		return NULL;
	if (asprintf(&out, HASH_MAGIC "%s|%s", s, h) < 0)
		return NULL;
	return out;
}

/*
 * As ssh: decode the salt (it must be 20 bytes), hash the name with it, encode
 * "|1|salt|hash" again and compare the text with the whole field.
 */
int known_hosts_hash_matches(const char *f, size_t n, const char *name)
{
	_cleanup_free_ unsigned char *salt = NULL;
	_cleanup_free_ char *mine = NULL;
	size_t salt_len = 0, magic = sizeof(HASH_MAGIC) - 1;
	const char *bar;
	int r;

	if (n <= magic || memcmp(f, HASH_MAGIC, magic) != 0)
		return -EINVAL;
	bar = memchr(f + magic, '|', n - magic);
	if (!bar || bar == f + magic || (size_t) (bar - f) > 1024)
		return -EINVAL;
	r = authkeys_base64_decode(f + magic, (size_t) (bar - f) - magic, &salt, &salt_len);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || salt_len != SHA1_DIGEST_LEN)
		return -EINVAL;
	mine = known_hosts_hash(name, salt);
	if (!mine)
		return -ENOMEM;
	return strlen(mine) == n && memcmp(mine, f, n) == 0;
}

void known_hosts_result_done(struct known_hosts_result *r)
{
	free(r->events);
	*r = (struct known_hosts_result) {0};
}

static int add_event(struct known_hosts_result *res, unsigned line, enum known_hosts_what what)
{
	struct known_hosts_event *v = realloc(res->events, (res->n_events + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	res->events = v;
	v[res->n_events++] = (struct known_hosts_event) { line, what };
	if (what == KH_LINE_REMOVED || what == KH_HASHED_REMOVED || what == KH_NAME_REMOVED)
		res->n_removed++;
	return 0;
}

/* A comma list without the entries equal to name; returns how many were dropped. */
static size_t drop_name(const char *f, size_t n, const char *name, struct buf *kept)
{
	size_t nl = strlen(name), dropped = 0;

	for (size_t i = 0; i <= n;) {
		const char *comma = memchr(f + i, ',', n - i);
		size_t k = comma ? (size_t) (comma - f) - i : n - i;
		if (k == nl && strncasecmp(f + i, name, nl) == 0)
			dropped++;
		else {
			if (kept->len)
				buf_putc(kept, ',');
			buf_append(kept, f + i, k);
		}
		i += k + 1;
	}
	return dropped;
}

/*
 * One line s[0..n) (without '\n').  Appends what stays of it to out and
 * says whether anything stays (*ret_keep).  What ssh sees ends at a NUL.
 */
static int forget_line(const char *s, size_t n, unsigned lineno, const char *name, struct buf *out,
		       struct known_hosts_result *res, bool *ret_keep)
{
	const char *nul = memchr(s, '\0', n);
	size_t end = nul ? (size_t) (nul - s) : n, i = 0, hs, he;
	bool marker = false;

	*ret_keep = true;
	while (i < end && blank(s[i]))
		i++;
	/* Comments, blank lines and a lone CR (a CRLF file's empty line). */
	if (i == end || s[i] == '#' || (s[i] == '\r' && i + 1 == end))
		return buf_append(out, s, n);
	if (s[i] == '@') {
		size_t k = i;
		while (k < end && !blank(s[k]))
			k++;
		if (!((k - i == 15 && memcmp(s + i, "@cert-authority", 15) == 0) ||
		      (k - i == 8 && memcmp(s + i, "@revoked", 8) == 0)))
			return add_event(res, lineno, KH_BAD_LINE) < 0 ? -ENOMEM : buf_append(out, s, n);
		marker = true;
		i = k;
		while (i < end && blank(s[i]))
			i++;
	}
	hs = i;
	while (i < end && !blank(s[i]))
		i++;
	he = i;
	while (i < end && blank(s[i]))
		i++;
	/* No key after the names ("truncated before key type"): ssh ignores the line; so do we. */
	if (hs == he || i == end || s[i] == '#' || (s[i] == '\r' && i + 1 == end))
		return add_event(res, lineno, KH_BAD_LINE) < 0 ? -ENOMEM : buf_append(out, s, n);

	if (s[hs] == '|') {
		int m = known_hosts_hash_matches(s + hs, he - hs, name);
		if (m == -ENOMEM)
			return m;
		if (m < 0)
			return add_event(res, lineno, KH_BAD_LINE) < 0 ? -ENOMEM : buf_append(out, s, n);
		if (m == 0)
			return buf_append(out, s, n);
		if (marker)
			return add_event(res, lineno, KH_MARKER_KEPT) < 0 ? -ENOMEM : buf_append(out, s, n);
		*ret_keep = false;
		return add_event(res, lineno, KH_HASHED_REMOVED);
	}

	struct buf kept = {0};
	size_t dropped = drop_name(s + hs, he - hs, name, &kept);
	int r = 0;

	if (!buf_ok(&kept))
		r = -ENOMEM;
	else if (dropped == 0)
		r = buf_append(out, s, n);
	else if (marker)
		r = add_event(res, lineno, KH_MARKER_KEPT) < 0 ? -ENOMEM : buf_append(out, s, n);
	else if (kept.len == 0) {
		*ret_keep = false;
		r = add_event(res, lineno, KH_LINE_REMOVED);
	} else {
		r = add_event(res, lineno, KH_NAME_REMOVED);
		if (r == 0) {
			buf_append(out, s, hs);
			buf_append(out, kept.data, kept.len);
			buf_append(out, s + he, n - he);
		}
	}
	buf_done(&kept);
	return r;
}

int known_hosts_forget(const char *data, size_t len, const char *name, struct buf *out,
		       struct known_hosts_result *ret)
{
	unsigned lineno = 0;

	*ret = (struct known_hosts_result) {0};
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t) (nl - data) - i : len - i;
		bool keep;
		int r;

		lineno++;
		r = forget_line(data + i, n, lineno, name, out, ret, &keep);
		if (r < 0)
			return r;
		if (keep && nl)
			buf_putc(out, '\n');
		i += n + (nl ? 1 : 0);
	}
	if (out->len == 0)
		buf_puts(out, "");	/* an empty result is "", never NULL */
	return buf_ok(out) ? 0 : -ENOMEM;
}
