/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * authorized_keys lines, as OpenSSH 9.2's sshd reads them (see authkeys.h
 * for the rules and what is deliberately not checked).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "sha256.h"
#include "util.h"

/*
 * sshkey.c's keyimpls, by name.  `since`: the release that first read the
 * name in a keys file (ECDSA 5.7, certificates 5.6, ed25519 6.5, the
 * rsa-sha2 names 7.2 and their certificates 7.8, security keys 8.2).
 * XMSS is left out: no distribution builds it.
 */
const struct authkeys_type authkeys_types[] = {
	{ "ssh-ed25519", AKF_ED25519, NULL, false, false, 605 },
	{ "ssh-ed25519-cert-v01@openssh.com", AKF_ED25519, NULL, true, false, 605 },
	{ "sk-ssh-ed25519@openssh.com", AKF_ED25519_SK, NULL, false, false, 802 },
	{ "sk-ssh-ed25519-cert-v01@openssh.com", AKF_ED25519_SK, NULL, true, false, 802 },
	{ "ecdsa-sha2-nistp256", AKF_ECDSA, "nistp256", false, false, 507 },
	{ "ecdsa-sha2-nistp384", AKF_ECDSA, "nistp384", false, false, 507 },
	{ "ecdsa-sha2-nistp521", AKF_ECDSA, "nistp521", false, false, 507 },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", AKF_ECDSA, "nistp256", true, false, 507 },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", AKF_ECDSA, "nistp384", true, false, 507 },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", AKF_ECDSA, "nistp521", true, false, 507 },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", AKF_ECDSA_SK, "nistp256", false, false, 802 },
	{ "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", AKF_ECDSA_SK, "nistp256", true, false, 802 },
	{ "ssh-rsa", AKF_RSA, NULL, false, false, 0 },
	{ "ssh-rsa-cert-v01@openssh.com", AKF_RSA, NULL, true, false, 506 },
	{ "rsa-sha2-256", AKF_RSA, NULL, false, true, 702 },
	{ "rsa-sha2-512", AKF_RSA, NULL, false, true, 702 },
	{ "rsa-sha2-256-cert-v01@openssh.com", AKF_RSA, NULL, true, true, 708 },
	{ "rsa-sha2-512-cert-v01@openssh.com", AKF_RSA, NULL, true, true, 708 },
	{ "ssh-dss", AKF_DSA, NULL, false, false, 0 },
	{ "ssh-dss-cert-v01@openssh.com", AKF_DSA, NULL, true, false, 506 },
	{ .name = NULL },
};

const struct authkeys_type *authkeys_type_lookup(const char *name, size_t len)
{
	for (const struct authkeys_type *t = authkeys_types; t->name; t++)
		if (strlen(t->name) == len && memcmp(t->name, name, len) == 0)
			return t;
	return NULL;
}

/* sshd compares key types, not names: rsa-sha2-256 is an RSA key. */
static bool same_key_type(const struct authkeys_type *a, const struct authkeys_type *b)
{
	return a->family == b->family && a->cert == b->cert && streq_ptr(a->curve, b->curve);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* isspace() in the C locale, as b64_pton() skips. */
static bool is_b64_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* ---- base64 ---- */

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int authkeys_base64_decode(const char *s, size_t n, unsigned char **ret, size_t *ret_len)
{
	_cleanup_free_ unsigned char *out = malloc(n / 4 * 3 + 3);
	size_t o = 0, i = 0;
	unsigned state = 0, acc = 0;

	if (!out)
		return -ENOMEM;
	for (; i < n; i++) {
		unsigned char c = (unsigned char) s[i];
		int v;
		if (is_b64_space(c))
			continue;
		if (c == '=')
			break;
		v = b64_value(c);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (unsigned) v;
		if (++state == 4) {
			out[o++] = (unsigned char) (acc >> 16);
			out[o++] = (unsigned char) (acc >> 8);
			out[o++] = (unsigned char) acc;
			state = 0, acc = 0;
		}
	}
	if (i < n) {
		/* Padding: "xx==" or "xxx=", then only whitespace; the bits the
		 * padding drops must be zero (b64_pton). */
		if (state < 2)
			return -EINVAL;
		i++;
		if (state == 2) {
			while (i < n && is_b64_space((unsigned char) s[i]))
				i++;
			if (i >= n || s[i] != '=')
				return -EINVAL;
			i++;
		}
		for (; i < n; i++)
			if (!is_b64_space((unsigned char) s[i]))
				return -EINVAL;
		if (state == 2) {
			if (acc & 0xf)
				return -EINVAL;
			out[o++] = (unsigned char) (acc >> 4);
		} else {
			if (acc & 0x3)
				return -EINVAL;
			out[o++] = (unsigned char) (acc >> 10);
			out[o++] = (unsigned char) (acc >> 2);
		}
	} else if (state != 0)
		return -EINVAL;
	*ret = TAKE_PTR(out);
	*ret_len = o;
	return 0;
}

char *authkeys_base64_encode(const unsigned char *p, size_t n)
{
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned) p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned) p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*o++ = b64_alphabet[(v >> 18) & 63];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? b64_alphabet[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

char *authkeys_fingerprint(const unsigned char *blob, size_t len)
{
	struct sha256 s;
	unsigned char d[32];
	_cleanup_free_ char *b = NULL;
	char *ret;

	sha256_init(&s);
	sha256_update(&s, blob, len);
	sha256_final(&s, d);
	b = authkeys_base64_encode(d, sizeof(d));
	if (!b)
		return NULL;
	b[strcspn(b, "=")] = '\0';
	if (asprintf(&ret, "SHA256:%s", b) < 0)
		return NULL;
	return ret;
}

/* ---- key blobs (RFC 4253 §6.6, PROTOCOL.certkeys, PROTOCOL.u2f) ---- */

struct reader {
	const unsigned char *p;
	size_t n;
};

static int rd_u32(struct reader *r, uint32_t *v)
{
	if (r->n < 4)
		return -EBADMSG;
	*v = (uint32_t) r->p[0] << 24 | (uint32_t) r->p[1] << 16 | (uint32_t) r->p[2] << 8 | r->p[3];
	r->p += 4, r->n -= 4;
	return 0;
}

static int rd_skip(struct reader *r, size_t n)
{
	if (r->n < n)
		return -EBADMSG;
	r->p += n, r->n -= n;
	return 0;
}

static int rd_string(struct reader *r, const unsigned char **s, size_t *len)
{
	uint32_t l;
	int e = rd_u32(r, &l);

	if (e < 0)
		return e;
	if (l > r->n)
		return -EBADMSG;
	*s = r->p;
	*len = l;
	r->p += l, r->n -= l;
	return 0;
}

/* An SSH mpint, as sshbuf_get_bignum2 takes it: not negative, at most
 * 16384 bits (one leading zero byte allowed on top). */
static int rd_mpint(struct reader *r, unsigned *ret_bits)
{
	const unsigned char *d;
	size_t l;
	int e = rd_string(r, &d, &l);

	if (e < 0)
		return e;
	if (l > 0 && (d[0] & 0x80))
		return -EINVAL;
	if (l > 2049 || (l == 2049 && d[0] != 0))
		return -EINVAL;
	while (l > 0 && d[0] == 0)
		d++, l--;
	unsigned bits = (unsigned) l * 8;
	if (l > 0)
		for (unsigned char top = d[0]; !(top & 0x80); top <<= 1)
			bits--;
	if (ret_bits)
		*ret_bits = bits;
	return 0;
}

static unsigned curve_bits(const char *curve)
{
	return streq(curve, "nistp256") ? 256 : streq(curve, "nistp384") ? 384 : 521;
}

/* The public fields of a plain key of type t. */
static int rd_public(struct reader *r, const struct authkeys_type *t, unsigned *ret_bits)
{
	const unsigned char *s;
	size_t l;
	unsigned bits = 0;
	int e;

	switch (t->family) {
	case AKF_RSA:
		if ((e = rd_mpint(r, NULL)) < 0 || (e = rd_mpint(r, &bits)) < 0)
			return e;
		break;
	case AKF_DSA:
		if ((e = rd_mpint(r, &bits)) < 0)
			return e;
		for (int i = 0; i < 3; i++)
			if ((e = rd_mpint(r, NULL)) < 0)
				return e;
		break;
	case AKF_ECDSA:
	case AKF_ECDSA_SK: {
		if ((e = rd_string(r, &s, &l)) < 0)
			return e;
		if (l != strlen(t->curve) || memcmp(s, t->curve, l) != 0)
			return -EINVAL;	/* "EC curve mismatch" */
		bits = curve_bits(t->curve);
		if ((e = rd_string(r, &s, &l)) < 0)
			return e;
		/* An uncompressed point: 0x04, then x and y. */
		if (l != 1 + 2 * ((bits + 7) / 8) || s[0] != 0x04)
			return -EINVAL;
		if (t->family == AKF_ECDSA_SK && (e = rd_string(r, &s, &l)) < 0)
			return e;	/* the application ("ssh:") */
		break;
	}
	case AKF_ED25519:
	case AKF_ED25519_SK:
		if ((e = rd_string(r, &s, &l)) < 0)
			return e;
		if (l != 32)
			return -EINVAL;
		bits = 256;
		if (t->family == AKF_ED25519_SK && (e = rd_string(r, &s, &l)) < 0)
			return e;
		break;
	}
	*ret_bits = bits;
	return 0;
}

static int check_blob(struct reader *r, bool allow_cert, const struct authkeys_type **ret_type, unsigned *ret_bits)
{
	const struct authkeys_type *t;
	const unsigned char *s;
	size_t l;
	uint32_t u;
	unsigned bits = 0;
	int e;

	if ((e = rd_string(r, &s, &l)) < 0)
		return e;
	t = authkeys_type_lookup((const char *) s, l);
	if (!t || (t->cert && !allow_cert))
		return -EINVAL;
	if (t->cert && (e = rd_string(r, &s, &l)) < 0)
		return e;	/* the nonce */
	if ((e = rd_public(r, t, &bits)) < 0)
		return e;
	if (t->cert) {
		struct reader ca;
		const struct authkeys_type *ca_type;
		unsigned ca_bits;

		if ((e = rd_skip(r, 8)) < 0 ||	/* serial */
		    (e = rd_u32(r, &u)) < 0)	/* type */
			return e;
		if (u != 1 && u != 2)		/* user or host */
			return -EINVAL;
		for (int i = 0; i < 2; i++)	/* key id, principals */
			if ((e = rd_string(r, &s, &l)) < 0)
				return e;
		if ((e = rd_skip(r, 16)) < 0)	/* valid after, valid before */
			return e;
		for (int i = 0; i < 3; i++)	/* critical options, extensions, reserved */
			if ((e = rd_string(r, &s, &l)) < 0)
				return e;
		if ((e = rd_string(r, &s, &l)) < 0)	/* the CA's key: a plain key */
			return e;
		ca = (struct reader) { s, l };
		if (check_blob(&ca, false, &ca_type, &ca_bits) < 0 || ca.n != 0)
			return -EINVAL;
		if ((e = rd_string(r, &s, &l)) < 0)	/* signature (not verified here) */
			return e;
	}
	*ret_type = t;
	*ret_bits = bits;
	return 0;
}

int authkeys_check_blob(const unsigned char *blob, size_t len, const struct authkeys_type **ret_type,
			unsigned *ret_bits)
{
	struct reader r = { blob, len };
	const struct authkeys_type *t = NULL;
	unsigned bits = 0;
	int e = check_blob(&r, true, &t, &bits);

	if (e < 0)
		return e;
	if (r.n != 0)
		return -EINVAL;	/* bytes left over */
	*ret_type = t;
	if (ret_bits)
		*ret_bits = bits;
	return 0;
}

/* ---- options (auth-options.c, 9.2) ---- */

/* A flag at *p: 1 set, 0 negated with "no-", -1 not this flag.  Prefix
 * match, as opt_flag(): "ptyx" is "pty" followed by junk. */
static int opt_flag(const char *o, size_t n, size_t *p, const char *name, bool negate_ok)
{
	size_t at = *p, nl = strlen(name);
	bool neg = false;

	if (negate_ok && n - at >= 3 && strncasecmp(o + at, "no-", 3) == 0)
		at += 3, neg = true;
	if (n - at >= nl && strncasecmp(o + at, name, nl) == 0) {
		*p = at + nl;
		return neg ? 0 : 1;
	}
	return -1;
}

static bool opt_match(const char *o, size_t n, size_t *p, const char *name)
{
	size_t nl = strlen(name);

	if (n - *p > nl && strncasecmp(o + *p, name, nl) == 0 && o[*p + nl] == '=') {
		*p += nl + 1;
		return true;
	}
	return false;
}

/* opt_dequote(): "..." with \" for a quote; the value into *ret (caller frees). */
static int opt_dequote(const char *o, size_t n, size_t *p, char **ret, const char **why)
{
	size_t i = *p;
	struct buf b = {0};

	if (i >= n || o[i] != '"') {
		*why = "missing start quote";
		return -EINVAL;
	}
	for (i++; i < n && o[i] != '"'; i++) {
		if (o[i] == '\\' && i + 1 < n && o[i + 1] == '"')
			i++;
		buf_putc(&b, o[i]);
	}
	if (i >= n) {
		buf_done(&b);
		*why = "missing end quote";
		return -EINVAL;
	}
	*p = i + 1;
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret = buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char) s[i]))
			return false;
	return n > 0;
}

static unsigned num(const char *s, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned) (s[i] - '0');
	return v;
}

/* parse_absolute_time(): YYYYMMDD[HHMM[SS]] with an optional Z. */
static bool valid_expiry(const char *s)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == 'Z')
		n--;
	if ((n != 8 && n != 12 && n != 14) || !all_digits(s, n))
		return false;
	unsigned y = num(s, 4), mo = num(s + 4, 2), d = num(s + 6, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return false;
	if (n >= 12 && (num(s + 8, 2) > 23 || num(s + 10, 2) > 59))
		return false;
	return n < 14 || num(s + 12, 2) <= 60;
}

/* a2port(): a number 1-65535 or a service name (which we cannot look up: accepted). */
static bool valid_port(const char *s)
{
	size_t n = strlen(s);

	if (streq(s, "*"))
		return true;
	if (all_digits(s, n))
		return n <= 5 && num(s, n) >= 1 && num(s, n) <= 65535;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char) s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* handle_permit(): "host:port", "[v6]:port"; permitlisten also a bare port. */
static bool valid_permit(const char *v, bool listen, const char **why)
{
	_cleanup_free_ char *s = NULL;
	const char *host, *port;
	char *e;

	if (listen && !strchr(v, ':')) {
		if (asprintf(&s, "*:%s", v) < 0)
			return false;
	} else if (!(s = strdup(v)))
		return false;
	host = s;
	if (*s == '[') {
		e = strchr(s, ']');
		if (!e) {
			*why = "invalid permission hostname";
			return false;
		}
		e++;
	} else
		e = s + strcspn(s, ":/");
	if (*e == '\0')
		port = NULL;
	else if (*e == ':' || *e == '/') {
		*e = '\0';
		port = e + 1;
	} else {
		*why = "invalid permission hostname";
		return false;
	}
	if (strlen(host) >= 1025) {
		*why = "invalid permission hostname";
		return false;
	}
	if (!port || !valid_port(port)) {
		*why = "invalid permission port";
		return false;
	}
	return true;
}

int authkeys_check_options(const char *o, size_t n, bool *ret_cert_authority, const char **ret_why)
{
	static const struct {
		const char *name;
		bool negate_ok;
	} flags[] = {
		{ "restrict", false },	     { "cert-authority", false }, { "port-forwarding", true },
		{ "agent-forwarding", true }, { "x11-forwarding", true },  { "touch-required", true },
		{ "verify-required", true },  { "pty", true },		   { "user-rc", true },
	};
	bool command = false, principals = false, from = false, ca = false;
	const char *why = NULL;
	size_t p = 0;
	int r = 0;

	while (p < n && !is_blank(o[p])) {
		bool matched = false;
		for (size_t i = 0; i < ELEMENTSOF(flags) && !matched; i++) {
			int f = opt_flag(o, n, &p, flags[i].name, flags[i].negate_ok);
			if (f < 0)
				continue;
			matched = true;
			if (i == 1)
				ca = f == 1;
		}
		if (!matched) {
			static const char *const valued[] = {
				"command", "principals", "from", "expiry-time", "environment", "permitopen",
				"permitlisten", "tunnel",
			};
			for (size_t i = 0; i < ELEMENTSOF(valued) && !matched; i++) {
				_cleanup_free_ char *v = NULL;
				if (!opt_match(o, n, &p, valued[i]))
					continue;
				matched = true;
				if (i == 0 && command)
					why = "multiple \"command\" clauses";
				else if (i == 1 && principals)
					why = "multiple \"principals\" clauses";
				else if (i == 2 && from)
					why = "multiple \"from\" clauses";
				if (why) {
					r = -EINVAL;
					break;
				}
				r = opt_dequote(o, n, &p, &v, &why);
				if (r < 0)
					break;
				command |= i == 0, principals |= i == 1, from |= i == 2;
				if (i == 3 && !valid_expiry(v))
					why = "invalid expires time";
				else if (i == 4) {
					const char *eq = strchr(v, '=');
					if (!eq)
						why = "invalid environment string";
					for (const char *c = v; eq && c < eq && !why; c++)
						if (!isalnum((unsigned char) *c) && *c != '_')
							why = "invalid environment string";
				} else if ((i == 5 || i == 6) && !valid_permit(v, i == 6, &why) && !why)
					r = -ENOMEM;
				else if (i == 7 && strcasecmp(v, "any") != 0 &&
					 (!all_digits(v, strlen(v)) || strlen(v) > 10 ||
					  strtoull(v, NULL, 10) > 0x7ffffffdULL))
					why = "invalid tun device";
				if (why)
					r = -EINVAL;
			}
			if (r < 0)
				break;
		}
		if (p >= n || is_blank(o[p]))
			break;
		/* Anything other than a comma is an unknown option. */
		if (o[p] != ',') {
			why = "unknown key option";
			r = -EINVAL;
			break;
		}
		p++;
		if (p >= n) {
			why = "unexpected end-of-options";
			r = -EINVAL;
			break;
		}
	}
	if (r < 0) {
		if (r == -EINVAL && ret_why)
			*ret_why = why;
		return r;
	}
	if (ret_cert_authority)
		*ret_cert_authority = ca;
	return 0;
}

/* sshkey_advance_past_options(): the end of the options word; -EINVAL for an open quote. */
static int advance_past_options(const char *s, size_t n, size_t *p)
{
	bool quoted = false;
	size_t i = *p;

	for (; i < n && (quoted || !is_blank(s[i])); i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '"')
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
	}
	*p = i;
	return i >= n && quoted ? -EINVAL : 0;
}

/* ---- lines ---- */

/*
 * sshkey_read() at s[at..n): fills the type and blob fields of *l.
 * Returns 0 when a key was read (l->comment_start set), or the error.
 */
static int read_key(const char *s, size_t n, size_t at, struct authkeys_line *l, int *ret_errno)
{
	size_t type_end = at, b, e;
	_cleanup_free_ unsigned char *blob = NULL;
	size_t blob_len;
	int r;

	*ret_errno = 0;
	while (type_end < n && !is_blank(s[type_end]))
		type_end++;
	const struct authkeys_type *t = authkeys_type_lookup(s + at, type_end - at);
	if (!t)
		return AKE_NO_TYPE;
	l->type = t;
	l->type_start = at, l->type_end = type_end;
	if (type_end >= n)
		return AKE_NO_BLOB;	/* sshd: the type word runs to the end of the line */
	for (b = type_end; b < n && is_blank(s[b]); b++)
		;
	/* Only a CR left (a CRLF file): for sshd that is still base64, and empty. */
	if (b >= n || (b + 1 == n && s[b] == '\r'))
		return AKE_NO_BLOB;
	for (e = b; e < n && !is_blank(s[e]); e++)
		;
	l->blob_start = b, l->blob_end = e;
	r = authkeys_base64_decode(s + b, e - b, &blob, &blob_len);
	if (r == -ENOMEM) {
		*ret_errno = r;
		return AKE_BASE64;
	}
	if (r < 0)
		return AKE_BASE64;
	r = authkeys_check_blob(blob, blob_len, &l->blob_type, &l->bits);
	if (r == -EBADMSG)
		return AKE_BLOB_SHORT;
	if (r < 0) {
		/* Name the embedded type when at least that much is readable. */
		struct reader rd = { blob, blob_len };
		const unsigned char *ts;
		size_t tl;
		if (rd_string(&rd, &ts, &tl) == 0) {
			const struct authkeys_type *bt = authkeys_type_lookup((const char *) ts, tl);
			if (bt && !same_key_type(bt, t)) {
				l->blob_type = bt;
				return AKE_TYPE_MISMATCH;
			}
		}
		return AKE_BLOB_INVALID;
	}
	if (!same_key_type(l->blob_type, t))
		return AKE_TYPE_MISMATCH;
	for (; e < n && is_blank(s[e]); e++)
		;
	l->comment_start = e;
	l->comment_end = n;
	return AKE_OK;
}

static const char *error_text(enum authkeys_error e)
{
	switch (e) {
	case AKE_OK:
		return NULL;
	case AKE_NO_TYPE:
		return "no key type sshd knows";
	case AKE_NO_BLOB:
		return "no key data after the key type";
	case AKE_BASE64:
		return "the key data is not valid base64";
	case AKE_BLOB_SHORT:
		return "the key data is cut off";
	case AKE_BLOB_INVALID:
		return "the key data is not a valid key";
	case AKE_TYPE_MISMATCH:
		return "the key data is of another type than the line says";
	case AKE_OPTIONS_QUOTE:
		return "invalid key option string";
	case AKE_OPTIONS:
		return "bad key options";
	}
	return NULL;
}

int authkeys_parse_line(const char *line, size_t len, struct authkeys_line *ret)
{
	struct authkeys_line l = { .status = AK_NOT_KEY };
	const char *nul = memchr(line, '\0', len);
	size_t n = nul ? (size_t) (nul - line) : len, p = 0;
	int e, err;

	l.nul = nul != NULL;
	/* What sshd skips: spaces and tabs, then an empty line or a comment.
	 * A lone CR (a blank line of a CRLF file) is tried as a key by sshd
	 * and ignored; it is blank for us. */
	while (p < n && is_blank(line[p]))
		p++;
	if (p >= n || (p + 1 == n && line[p] == '\r')) {
		l.status = AK_BLANK;
		*ret = l;
		return 0;
	}
	if (line[p] == '#') {
		l.status = AK_COMMENT;
		*ret = l;
		return 0;
	}
	/* The comment runs to the end; a CR of a CRLF line is not part of it for us. */
	size_t end = n;
	if (end > p && line[end - 1] == '\r')
		end--;

	e = read_key(line, n, p, &l, &err);
	if (err < 0)
		return err;
	if (e == AKE_OK) {
		l.status = AK_KEY;
		l.comment_end = end > l.comment_start ? end : l.comment_start;
		*ret = l;
		return 0;
	}
	/* No key at the start: options, then the key. */
	struct authkeys_line first = l, second = { .status = AK_NOT_KEY };
	size_t q = p;
	if (advance_past_options(line, n, &q) < 0) {
		l.error = first.type ? (enum authkeys_error) e : AKE_OPTIONS_QUOTE;
		if (!first.type)
			l.why = "invalid key option string";
		else
			l.why = error_text(l.error);
		*ret = l;
		return 0;
	}
	while (q < n && is_blank(line[q]))
		q++;
	int e2 = q < n ? read_key(line, n, q, &second, &err) : AKE_NO_TYPE;
	if (err < 0)
		return err;
	if (e2 != AKE_OK) {
		/* Not a key.  Report the attempt that got furthest: a known type
		 * at the start, else one after what looked like options. */
		if (first.type || !second.type) {
			l = first;
			l.error = (enum authkeys_error) e;
		} else {
			l = second;
			l.error = (enum authkeys_error) e2;
			l.opts_start = p, l.opts_end = q;
			while (l.opts_end > p && is_blank(line[l.opts_end - 1]))
				l.opts_end--;
		}
		l.status = AK_NOT_KEY;
		l.nul = nul != NULL;
		l.why = error_text(l.error);
		*ret = l;
		return 0;
	}
	l = second;
	l.status = AK_KEY;
	l.nul = nul != NULL;
	l.opts_start = p;
	l.opts_end = q;
	while (l.opts_end > p && is_blank(line[l.opts_end - 1]))
		l.opts_end--;
	l.comment_end = end > l.comment_start ? end : l.comment_start;
	const char *why = NULL;
	int r = authkeys_check_options(line + p, n - p, &l.cert_authority, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		l.error = AKE_OPTIONS;
		l.why = why;
	}
	*ret = l;
	return 0;
}

/* ---- private keys ---- */

/*
 * memmem() by its first four bytes, then the rest compared: every keys
 * file is searched for a dozen long markers, and a long needle costs
 * musl's two-way memmem a setup on each call, while four bytes it scans
 * for directly.
 */
static const char *find_bytes(const char *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle);

	if (nn > hn)
		return NULL;
	if (nn <= 4)
		return memmem(h, hn, needle, nn);
	for (const char *p = h, *end = h + hn - nn + 1; p < end; p++) {
		p = memmem(p, (size_t) (end - p) + 3, needle, 4);
		if (!p)
			return NULL;
		if (memcmp(p + 4, needle + 4, nn - 4) == 0)
			return p;
	}
	return NULL;
}

const char *authkeys_private_key_marker(const char *text, size_t len)
{
	static const struct {
		const char *needle, *what;
	} markers[] = {
		{ "-----BEGIN OPENSSH PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----" },
		{ "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----" },
		{ "-----BEGIN DSA PRIVATE KEY-----", "-----BEGIN DSA PRIVATE KEY-----" },
		{ "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----" },
		{ "-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----" },
		{ "-----BEGIN PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----" },
		{ "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", "an ssh.com private key" },
		{ "PuTTY-User-Key-File-", "a PuTTY private key file (.ppk)" },
		/* The body of an OpenSSH private key, pasted without its armour. */
		{ "b3BlbnNzaC1rZXktdjE", "the base64 body of an OpenSSH private key (openssh-key-v1)" },
	};
	const char *p;
	/* every armour holds a run of four dashes: a keys file seldom does */
	bool armour = find_bytes(text, len, "----") != NULL;

	for (size_t i = 0; i < ELEMENTSOF(markers); i++)
		if ((armour || markers[i].needle[0] != '-') && find_bytes(text, len, markers[i].needle))
			return markers[i].what;
	if (!armour)
		return NULL;
	/* Any other PEM private key: "-----BEGIN <anything> PRIVATE KEY-----". */
	for (p = find_bytes(text, len, "-----BEGIN "); p; p = find_bytes(p + 1, len - (size_t) (p + 1 - text), "-----BEGIN ")) {
		size_t rest = len - (size_t) (p - text), eol = 0;
		while (eol < rest && eol < 200 && p[eol] != '\n')
			eol++;
		if (find_bytes(p, eol, "PRIVATE KEY-----"))
			return "a PEM private key (-----BEGIN ... PRIVATE KEY-----)";
	}
	return NULL;
}

/* ---- console-paste damage ---- */

/* Typographic quotes and the like, as UTF-8. */
static const char *const open_quotes[] = { "\xe2\x80\x9c", "\xe2\x80\x98", "\xe2\x80\x9e", "\xc2\xab", "\"", "'", "`", NULL };
static const char *const close_quotes[] = { "\xe2\x80\x9d", "\xe2\x80\x99", "\xe2\x80\x9c", "\xc2\xbb", "\"", "'", "`", NULL };
static const char *const smart_double[] = { "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e", "\xe2\x80\x9f", "\xc2\xab", "\xc2\xbb", NULL };

static size_t starts_with_any(const char *s, size_t n, const char *const *v)
{
	for (size_t i = 0; v[i]; i++) {
		size_t l = strlen(v[i]);
		if (n >= l && memcmp(s, v[i], l) == 0)
			return l;
	}
	return 0;
}

static size_t ends_with_any(const char *s, size_t n, const char *const *v)
{
	for (size_t i = 0; v[i]; i++) {
		size_t l = strlen(v[i]);
		if (n >= l && memcmp(s + n - l, v[i], l) == 0)
			return l;
	}
	return 0;
}

size_t authkeys_find_type(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !is_blank(s[i - 1]))
			continue;
		size_t e = i;
		while (e < n && !is_blank(s[e]))
			e++;
		if (e < n && authkeys_type_lookup(s + i, e - i))
			return i;
	}
	return n;
}

/*
 * A prompt, list number or bullet a copy from a terminal or a document
 * leaves before the text: "$ ", "user@host:~$ ", "# " not (that is a
 * comment line), "> ", "% ", "1 ", "1. ", "2) ", "3: ", "- ", "* ", "• ".
 * Returns its length including the blanks after it, or 0.
 */
static size_t paste_prefix(const char *s, size_t n)
{
	size_t w = 0, b;

	while (w < n && !is_blank(s[w]))
		w++;
	if (w == 0 || w >= n)
		return 0;
	for (b = w; b < n && is_blank(s[b]); b++)
		;
	if (all_digits(s, w) || (w > 1 && all_digits(s, w - 1) && strchr(".):", s[w - 1])))
		return b;
	if (w == 1 && strchr("$>%-*+", s[0]))
		return b;
	if (w == 3 && memcmp(s, "\xe2\x80\xa2", 3) == 0)
		return b;
	/* A shell prompt: user@host:dir$ (or #, %, >), when it carries an '@' or ':'. */
	if (w > 1 && strchr("$#%>", s[w - 1]) && (memchr(s, '@', w) || memchr(s, ':', w)))
		return b;
	return 0;
}

/* Replace each occurrence of the strings in v within [0, lim) by c; returns how many. */
static size_t replace_in_prefix(struct buf *b, size_t lim, const char *const *v, const char *c)
{
	size_t count = 0;
	struct buf out = {0};

	for (size_t i = 0; i < b->len;) {
		size_t l = i < lim ? starts_with_any(b->data + i, b->len - i, v) : 0;
		if (l) {
			buf_puts(&out, c);
			i += l, count++;
		} else
			buf_putc(&out, b->data[i++]);
	}
	buf_done(b);
	*b = out;
	return count;
}

/* Non-breaking spaces become spaces, zero-width characters go. */
static size_t fix_invisible(struct buf *b)
{
	static const char *const nbsp[] = { "\xc2\xa0", "\xe2\x80\xaf", "\xe2\x80\x87", NULL };
	static const char *const zw[] = { "\xe2\x80\x8b", "\xef\xbb\xbf", "\xe2\x80\x8c", "\xe2\x80\x8d", "\xe2\x81\xa0", NULL };
	size_t n = replace_in_prefix(b, b->len, nbsp, " ");

	return n + replace_in_prefix(b, b->len, zw, "");
}

static bool line_is_good_key(const char *s, size_t n)
{
	struct authkeys_line l;

	return authkeys_parse_line(s, n, &l) == 0 && l.status == AK_KEY && l.error == AKE_OK;
}

void authkeys_damage_text(unsigned damage, struct buf *out)
{
	static const struct {
		unsigned bit;
		const char *text;
	} names[] = {
		{ AKD_INVISIBLE, "non-breaking or invisible spaces" },
		{ AKD_PREFIX, "a stray prefix before the key" },
		{ AKD_QUOTES, "quotes around the key" },
		{ AKD_SMART_QUOTES, "typographic quotes in the options" },
	};
	bool first = true;

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (damage & names[i].bit) {
			if (!first)
				buf_puts(out, ", ");
			buf_puts(out, names[i].text);
			first = false;
		}
}

/* Replace t by t[from, to). */
static int keep_range(struct buf *t, size_t from, size_t to)
{
	struct buf u = {0};

	buf_append(&u, t->data + from, to - from);
	buf_done(t);
	*t = u;
	return buf_ok(t) ? 0 : -ENOMEM;
}

int authkeys_repair_paste(const char *line, size_t len, char **ret, unsigned *ret_damage)
{
	struct buf t = {0};
	unsigned damage = 0;
	size_t n = len;
	int r = 0;

	*ret_damage = 0;
	if (memchr(line, '\0', len))
		return 0;	/* not a paste */
	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (n == 0 || line_is_good_key(line, n))
		return 0;	/* nothing, or nothing to repair */
	buf_append(&t, line, n);
	if (!buf_ok(&t)) {
		buf_done(&t);
		return -ENOMEM;
	}
	if (fix_invisible(&t))
		damage |= AKD_INVISIBLE;
	/*
	 * Peel what a copy adds around a key, in any order ("$ \"ssh-...\"",
	 * "\"$ ssh-...\""), a few layers at most: blanks, quotes around the
	 * whole line, a prompt or list number before it.
	 */
	for (int round = 0; r == 0 && round < 4; round++) {
		size_t s = 0, e = t.len, k;
		bool changed = false;

		while (s < e && is_blank(t.data[s]))
			s++;
		while (e > s && is_blank(t.data[e - 1]))
			e--;
		size_t ql = starts_with_any(t.data + s, e - s, open_quotes);
		size_t qr = ql ? ends_with_any(t.data + s, e - s, close_quotes) : 0;
		if (ql && qr && ql + qr < e - s) {
			s += ql, e -= qr;
			damage |= AKD_QUOTES;
			changed = true;
		}
		if (s > 0 || e < t.len)
			r = keep_range(&t, s, e);
		if (r < 0)
			break;
		k = authkeys_find_type(t.data ? t.data : "", t.len);
		if (k > 0 && k < t.len && replace_in_prefix(&t, k, smart_double, "\"")) {
			damage |= AKD_SMART_QUOTES;
			changed = true;
			k = authkeys_find_type(t.data, t.len);
		}
		/* A prompt or number first: before the key type, or before quotes
		 * that hide it.  Only when sshd would not take it as options. */
		size_t pl = k > 0 ? paste_prefix(t.data, k < t.len ? k : t.len) : 0;
		const char *why;
		if (pl > 0 && (k < t.len || starts_with_any(t.data + pl, t.len - pl, open_quotes)) &&
		    authkeys_check_options(t.data, t.len, NULL, &why) < 0) {
			r = keep_range(&t, pl, t.len);
			damage |= AKD_PREFIX;
			changed = true;
		}
		if (!changed)
			break;
	}
	if (r < 0 || !damage || authkeys_find_type(t.data ? t.data : "", t.len) >= t.len) {
		/* Nothing done, or no key type anywhere: garbage, not a damaged key. */
		buf_done(&t);
		return r < 0 ? r : 0;
	}
	*ret_damage = damage;
	if (!line_is_good_key(t.data, t.len)) {
		buf_done(&t);
		return -EINVAL;
	}
	*ret = buf_steal(&t);
	return *ret ? 1 : -ENOMEM;
}

/* ---- wrapped keys ---- */

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && ((*s)[*n - 1] == '\r' || is_blank((*s)[*n - 1])))
		(*n)--;
	while (*n > 0 && is_blank(**s))
		(*s)++, (*n)--;
}

static bool base64_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b64_value((unsigned char) s[i]) < 0 && s[i] != '=')
			return false;
	return n > 0;
}

/* Longest accepted join: an RSA 16384-bit certificate is under 6 KiB of base64. */
#define WRAP_MAX (64u << 10)

/*
 * The join grows line by line, and each step only decodes the new base64
 * and walks the blob's length fields (authkeys_check_blob() does not look
 * at the bytes of a field): linear in the lines, even for a hostile file.
 */
struct wrap {
	struct buf prefix;	/* options, type and a space */
	struct buf b64;		/* the base64 so far */
	struct buf dec;		/* the decoded full groups of b64 without padding */
	size_t done;		/* b64 bytes decoded into dec */
};

static void wrap_done(struct wrap *w)
{
	buf_done(&w->prefix);
	buf_done(&w->b64);
	buf_done(&w->dec);
}

/*
 * Add base64 text; returns 1 when the blob is now complete, 0 when it needs
 * more, -EINVAL when no further text can make it a key, -ENOMEM.
 */
static int wrap_add(struct wrap *w, const char *t, size_t n)
{
	const struct authkeys_type *type;
	unsigned bits;
	int r;

	if (w->b64.len + n > WRAP_MAX)
		return -EINVAL;
	if (w->done < w->b64.len && memchr(w->b64.data + w->done, '=', w->b64.len - w->done))
		return -EINVAL;	/* text after the padding */
	buf_append(&w->b64, t, n);
	while (w->b64.len - w->done >= 4 && !memchr(w->b64.data + w->done, '=', 4)) {
		_cleanup_free_ unsigned char *q = NULL;
		size_t ql;
		r = authkeys_base64_decode(w->b64.data + w->done, 4, &q, &ql);
		if (r < 0)
			return r;
		buf_append(&w->dec, q, ql);
		w->done += 4;
	}
	if (!buf_ok(&w->b64) || !buf_ok(&w->dec))
		return -ENOMEM;
	size_t tail = w->b64.len - w->done;
	if (tail != 0 && tail != 4)
		return tail > 4 ? -EINVAL : 0;	/* '=' before the last group, or an incomplete group */
	struct buf all = {0};
	buf_append(&all, w->dec.data, w->dec.len);
	if (tail == 4) {
		_cleanup_free_ unsigned char *q = NULL;
		size_t ql;
		r = authkeys_base64_decode(w->b64.data + w->done, 4, &q, &ql);
		if (r < 0) {
			buf_done(&all);
			return r;
		}
		buf_append(&all, q, ql);
	}
	if (!buf_ok(&all)) {
		buf_done(&all);
		return -ENOMEM;
	}
	r = authkeys_check_blob((const unsigned char *) (all.data ? all.data : ""), all.len, &type, &bits);
	buf_done(&all);
	if (r == 0)
		return 1;
	if (r == -EBADMSG && tail == 0)
		return 0;
	return -EINVAL;	/* malformed, bytes left over, or padded but short */
}

int authkeys_join_wrapped(const char *const *lines, const size_t *lens, size_t n, char **ret)
{
	struct authkeys_line l0;
	struct wrap w = {0};
	const char *s = lines[0];
	size_t sn = lens[0];
	int r;

	if (n < 2)
		return 0;
	trim(&s, &sn);
	if (sn == 0 || memchr(s, '\0', sn))
		return 0;
	r = authkeys_parse_line(s, sn, &l0);
	if (r < 0)
		return r;
	/* It must start a key and end inside its base64 (or right after the type). */
	if (l0.status != AK_NOT_KEY || !l0.type)
		return 0;
	bool after_type = l0.error == AKE_NO_BLOB && l0.type_end == sn;
	bool in_blob = (l0.error == AKE_BASE64 || l0.error == AKE_BLOB_SHORT) && l0.blob_end == sn;
	if (!after_type && !in_blob)
		return 0;
	if (after_type) {
		buf_append(&w.prefix, s, sn);
		buf_putc(&w.prefix, ' ');
	} else {
		buf_append(&w.prefix, s, l0.blob_start);
		r = wrap_add(&w, s + l0.blob_start, sn - l0.blob_start);
		if (r != 0) {
			wrap_done(&w);
			return r == -ENOMEM ? r : 0;
		}
	}
	for (size_t k = 1; k < n; k++) {
		const char *t = lines[k];
		size_t tn = lens[k], wl = 0;
		trim(&t, &tn);
		if (tn == 0 || memchr(t, '\0', tn))
			break;
		while (wl < tn && !is_blank(t[wl]))
			wl++;
		if (!base64_chars(t, wl))
			break;
		r = wrap_add(&w, t, wl);
		if (r < 0)
			break;
		if (r == 1) {
			struct buf b = {0};
			struct authkeys_line lk;
			buf_append(&b, w.prefix.data, w.prefix.len);
			buf_append(&b, w.b64.data, w.b64.len);
			size_t c = wl;
			while (c < tn && is_blank(t[c]))
				c++;
			if (c < tn) {
				buf_putc(&b, ' ');
				buf_append(&b, t + c, tn - c);
			}
			r = buf_ok(&b) ? authkeys_parse_line(b.data, b.len, &lk) : -ENOMEM;
			wrap_done(&w);
			if (r < 0 || lk.status != AK_KEY) {
				buf_done(&b);
				return r < 0 ? r : 0;
			}
			*ret = buf_steal(&b);
			return *ret ? (int) (k + 1) : -ENOMEM;
		}
		/* A comment ends the key: no later line can complete it. */
		if (wl < tn)
			break;
	}
	wrap_done(&w);
	return r == -ENOMEM ? r : 0;
}

/* ---- --add-key input ---- */

/* RFC 4716: "---- BEGIN SSH2 PUBLIC KEY ----", headers, base64, "---- END ...". */
static int from_rfc4716(const char *s, size_t n, struct buf *out, const char **why)
{
	const char *begin = find_bytes(s, n, "---- BEGIN SSH2 PUBLIC KEY ----");
	const char *end = begin ? find_bytes(begin, n - (size_t) (begin - s), "---- END SSH2 PUBLIC KEY ----") : NULL;
	struct buf b64 = {0}, comment = {0};
	_cleanup_free_ unsigned char *blob = NULL;
	size_t blob_len;
	const struct authkeys_type *t;
	bool cont = false, in_comment = false;
	int r;

	if (!end) {
		*why = "an RFC 4716 public key block without its END line";
		return -EINVAL;
	}
	const char *p = memchr(begin, '\n', (size_t) (end - begin));
	for (p = p ? p + 1 : end; p < end;) {
		const char *eol = memchr(p, '\n', (size_t) (end - p));
		size_t l = eol ? (size_t) (eol - p) : (size_t) (end - p);
		const char *line = p;
		trim(&line, &l);
		p = eol ? eol + 1 : end;
		if (l == 0)
			continue;
		bool more = line[l - 1] == '\\';
		if (cont || memchr(line, ':', l)) {
			/* A header, maybe continued with a trailing backslash. */
			if (!cont && l > 8 && strncasecmp(line, "Comment:", 8) == 0) {
				in_comment = true;
				line += 8, l -= 8;
				trim(&line, &l);
			}
			if (in_comment)
				buf_append(&comment, line, more ? l - 1 : l);
			cont = more;
			if (!more)
				in_comment = false;
			continue;
		}
		buf_append(&b64, line, l);
	}
	r = buf_ok(&b64) && buf_ok(&comment) ? 0 : -ENOMEM;
	if (r == 0)
		r = authkeys_base64_decode(b64.data ? b64.data : "", b64.len, &blob, &blob_len);
	if (r == 0) {
		r = authkeys_check_blob(blob, blob_len, &t, NULL);
		if (r < 0) {
			*why = "the RFC 4716 block does not hold a valid key";
			r = -EINVAL;
		}
	} else if (r == -EINVAL)
		*why = "the RFC 4716 block is not valid base64";
	if (r == 0) {
		_cleanup_free_ char *enc = authkeys_base64_encode(blob, blob_len);
		if (!enc)
			r = -ENOMEM;
		else {
			buf_printf(out, "%s %s", t->name, enc);
			/* Comment: "quoted text" */
			const char *c = comment.data ? comment.data : "";
			size_t cl = comment.len;
			if (cl >= 2 && c[0] == '"' && c[cl - 1] == '"')
				c++, cl -= 2;
			if (cl > 0) {
				buf_putc(out, ' ');
				buf_append(out, c, cl);
			}
		}
	}
	buf_done(&b64);
	buf_done(&comment);
	return r;
}

/* The canonical line: options, type, re-encoded base64, the comment with its blanks collapsed. */
static int canonical_line(const char *s, size_t n, const struct authkeys_line *l, char **ret)
{
	_cleanup_free_ unsigned char *blob = NULL;
	_cleanup_free_ char *enc = NULL;
	size_t blob_len;
	struct buf b = {0};
	int r;

	r = authkeys_base64_decode(s + l->blob_start, l->blob_end - l->blob_start, &blob, &blob_len);
	if (r < 0)
		return r;
	enc = authkeys_base64_encode(blob, blob_len);
	if (!enc)
		return -ENOMEM;
	if (l->opts_end > l->opts_start) {
		buf_append(&b, s + l->opts_start, l->opts_end - l->opts_start);
		buf_putc(&b, ' ');
	}
	buf_printf(&b, "%s %s", l->type->name, enc);
	bool space = true;
	for (size_t i = l->comment_start; i < l->comment_end; i++) {
		unsigned char c = (unsigned char) s[i];
		if (is_blank((char) c)) {
			space = true;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = false;
		buf_putc(&b, c < 0x20 || c == 0x7f ? '?' : (char) c);
	}
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret = buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

#define PASTE_MAX (1u << 20)

static void buf_freep(struct buf *b)
{
	buf_done(b);
}

/* Add one repair to the list said to the user ("a, b, c"). */
static void said(struct buf *r, const char *what)
{
	if (r->len)
		buf_puts(r, ", ");
	buf_puts(r, what);
}

int authkeys_normalize_pasted(const char *text, size_t len, char **ret, char **ret_repairs, const char **ret_why)
{
	struct buf b = {0};
	_cleanup_free_ char *joined = NULL, *repaired = NULL;
	_cleanup_free_ const char **lines = NULL;
	_cleanup_free_ size_t *lens = NULL;
	const char *why = NULL, *marker;
	_cleanup_(buf_freep) struct buf repairs = {0};
	bool crlf = false;
	struct authkeys_line l;
	size_t nlines = 0;
	int r;

	*ret_repairs = NULL;
	marker = authkeys_private_key_marker(text, len);
	if (marker) {
		*ret_why = marker;
		return -EPERM;
	}
	if (len > PASTE_MAX) {
		*ret_why = "far too long for a public key";
		return -EINVAL;
	}
	if (memchr(text, '\0', len)) {
		*ret_why = "it contains a NUL byte";
		return -EINVAL;
	}
	/* A byte-order mark, then CRLF and CR to LF. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3, len -= 3;
		said(&repairs, "a byte-order mark");
	}
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\r') {
			buf_putc(&b, '\n');
			if (i + 1 < len && text[i + 1] == '\n')
				i++;
			crlf = true;
		} else
			buf_putc(&b, text[i]);
	}
	if (crlf)
		said(&repairs, "CRLF line endings");
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	const char *s = b.data ? b.data : "";
	size_t n = b.len;

	if (find_bytes(s, n, "---- BEGIN SSH2 PUBLIC KEY ----")) {
		struct buf out = {0};
		r = from_rfc4716(s, n, &out, &why);
		buf_done(&b);
		if (r < 0) {
			buf_done(&out);
			*ret_why = why;
			return r;
		}
		*ret = buf_steal(&out);
		said(&repairs, "converted from the RFC 4716 (SSH2) format");
		*ret_repairs = buf_steal(&repairs);
		return *ret ? 0 : -ENOMEM;
	}
	if (find_bytes(s, n, "-----BEGIN ")) {
		buf_done(&b);
		*ret_why = "a PEM block, not an OpenSSH public key (convert it with ssh-keygen -i -m PKCS8 -f FILE)";
		return -EINVAL;
	}

	/* Surrounding blank space, then quotes around the whole text. */
	while (n > 0 && is_b64_space((unsigned char) s[n - 1]))
		n--;
	while (n > 0 && is_b64_space((unsigned char) *s))
		s++, n--;
	size_t ql = starts_with_any(s, n, open_quotes), qr = ql ? ends_with_any(s, n, close_quotes) : 0;
	if (ql && qr && ql + qr < n && memchr(s, '\n', n)) {
		/* (Quotes around a single line are the line repair's business.) */
		s += ql, n -= ql + qr;
		said(&repairs, "quotes around the key");
	}

	/* Non-blank lines. */
	for (size_t i = 0; i < n;) {
		const char *eol = memchr(s + i, '\n', n - i);
		size_t l2 = eol ? (size_t) (eol - (s + i)) : n - i;
		const char *p = s + i;
		size_t pl = l2;
		trim(&p, &pl);
		if (pl > 0) {
			const char **nl = realloc(lines, (nlines + 1) * sizeof(*nl));
			size_t *nn = realloc(lens, (nlines + 1) * sizeof(*nn));
			if (nl)
				lines = nl;
			if (nn)
				lens = nn;
			if (!nl || !nn) {
				buf_done(&b);
				return -ENOMEM;
			}
			lines[nlines] = p;
			lens[nlines++] = pl;
		}
		i += l2 + 1;
	}
	if (nlines == 0) {
		buf_done(&b);
		*ret_why = "it is empty";
		return -EINVAL;
	}
	const char *one = lines[0];
	size_t one_len = lens[0];
	if (nlines > 1) {
		size_t keys = 0;
		for (size_t i = 0; i < nlines; i++) {
			r = authkeys_parse_line(lines[i], lens[i], &l);
			if (r < 0) {
				buf_done(&b);
				return r;
			}
			keys += l.status == AK_KEY;
		}
		if (keys > 1) {
			buf_done(&b);
			*ret_why = "it holds more than one key; add them one at a time";
			return -EINVAL;
		}
		r = authkeys_join_wrapped(lines, lens, nlines, &joined);
		if (r < 0) {
			buf_done(&b);
			return r;
		}
		if (r == 0 && keys == 1 && authkeys_parse_line(lines[0], lens[0], &l) == 0 && l.status == AK_KEY) {
			/* The key is whole on the first line: the console wrapped its comment. */
			bool words = true;
			for (size_t i = 1; i < nlines; i++)
				for (size_t c = 0; c < lens[i]; c++)
					words &= !is_blank(lines[i][c]);
			if (words) {
				struct buf j = {0};
				buf_append(&j, lines[0], lens[0]);
				if (l.comment_end == l.comment_start)
					buf_putc(&j, ' ');
				for (size_t i = 1; i < nlines; i++)
					buf_append(&j, lines[i], lens[i]);
				if (!buf_ok(&j)) {
					buf_done(&j);
					buf_done(&b);
					return -ENOMEM;
				}
				joined = buf_steal(&j);
				r = joined ? (int) nlines : -ENOMEM;
				if (r < 0) {
					buf_done(&b);
					return r;
				}
			}
		}
		if (r != (int) nlines) {
			buf_done(&b);
			*ret_why = r == 0 ? "its lines do not join into one key" : "there is text after the key";
			return -EINVAL;
		}
		one = joined, one_len = strlen(joined);
		said(&repairs, "a line wrapped by the console");
	}
	r = authkeys_parse_line(one, one_len, &l);
	if (r == 0 && !(l.status == AK_KEY && l.error == AKE_OK)) {
		unsigned damage = 0;
		int pr = authkeys_repair_paste(one, one_len, &repaired, &damage);
		if (pr < 0 && pr != -EINVAL)
			r = pr;
		else if (pr == 1) {
			if (repairs.len)
				buf_puts(&repairs, ", ");
			authkeys_damage_text(damage, &repairs);
			one = repaired, one_len = strlen(repaired);
			r = authkeys_parse_line(one, one_len, &l);
		}
	}
	if (r < 0) {
		buf_done(&b);
		return r;
	}
	if (l.status != AK_KEY || l.error != AKE_OK) {
		buf_done(&b);
		*ret_why = l.status == AK_COMMENT ? "it is a comment line"
			   : l.why		    ? l.why
						    : "not a public key";
		return -EINVAL;
	}
	r = canonical_line(one, one_len, &l, ret);
	buf_done(&b);
	if (r == 0)
		*ret_repairs = repairs.len ? buf_steal(&repairs) : NULL;
	return r;
}
