/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/authkeys.c: authorized_keys lines as OpenSSH 9.2's
 * sshd reads them (sshd(8) AUTHORIZED_KEYS FILE FORMAT; RULES §1.10a,
 * §6.7), and the pasted-key handling of --add-key.  Key blobs are built
 * field by field here (RFC 4253 §6.6, PROTOCOL.certkeys, PROTOCOL.u2f), so
 * every type is covered without key generators; two real keys made by
 * ssh-keygen pin the encoding and the fingerprint.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authkeys.h"
#include "util.h"

/* Made by ssh-keygen 9.2; ssh-keygen -l printed these fingerprints. */
#define ED25519_PUB "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7caplRVi8wtHflG2b+h0/B9OcRyoM6 me@laptop"
#define ED25519_FP "SHA256:8BLe2GD0z4hfoARJkQrY1GJSZL45arIa6RbRHZSg9MI"
#define ED25519_B64 "AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7caplRVi8wtHflG2b+h0/B9OcRyoM6"
#define RSA1024_PUB                                                                                             \
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCfW/vbDiAY6sIMI1P/06Y0edoiCuY5P83d656TnnWpzlmjNQH049J/mh3YmLVWTK430HAXby" \
	"ADBwFdtnmDurnBhtZ/V3iuYzSjlfOvZb+qzdtP+csBk1+6M6hnfCrZpm6CJNT3XMvZrKFbFA4JJozmTHrXI9a9FjRTxJthZPsKxw== rsa"
#define RSA1024_FP "SHA256:1qcDnRduH28Ukzj7MuyzcLVgZjo1KqCGEtxVv+595yI"

/* ---- blob building ---- */

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char) (v >> 24), (unsigned char) (v >> 16), (unsigned char) (v >> 8),
			       (unsigned char) v };
	buf_append(b, c, 4);
}

static void put_u64(struct buf *b, uint64_t v)
{
	put_u32(b, (uint32_t) (v >> 32));
	put_u32(b, (uint32_t) v);
}

static void put_bytes(struct buf *b, const void *p, size_t n)
{
	put_u32(b, (uint32_t) n);
	buf_append(b, p, n);
}

static void put_str(struct buf *b, const char *s)
{
	put_bytes(b, s, strlen(s));
}

/* A positive mpint of `bits` bits (top bit set, so a leading zero byte). */
static void put_mpint_bits(struct buf *b, unsigned bits)
{
	size_t n = (bits + 7) / 8;
	unsigned char *v = calloc(1, n + 1);

	ck_assert_ptr_nonnull(v);
	memset(v + 1, 0x5a, n);
	v[1] = (unsigned char) (1u << ((bits - 1) % 8)) | 0x1;
	if (v[1] & 0x80)
		put_bytes(b, v, n + 1);
	else
		put_bytes(b, v + 1, n);
	free(v);
}

static void put_ec_point(struct buf *b, unsigned bits)
{
	size_t fb = (bits + 7) / 8, n = 1 + 2 * fb;
	unsigned char *p = calloc(1, n);

	ck_assert_ptr_nonnull(p);
	p[0] = 0x04;
	memset(p + 1, 0x33, n - 1);
	put_bytes(b, p, n);
	free(p);
}

static void put_pk32(struct buf *b)
{
	unsigned char pk[32];

	memset(pk, 0x42, sizeof(pk));
	put_bytes(b, pk, sizeof(pk));
}

/* The public fields of a plain key of this family. */
static void put_public(struct buf *b, enum authkeys_family f, const char *curve, unsigned bits)
{
	switch (f) {
	case AKF_RSA: {
		unsigned char e[] = { 0x01, 0x00, 0x01 };
		put_bytes(b, e, sizeof(e));
		put_mpint_bits(b, bits);
		break;
	}
	case AKF_DSA:
		put_mpint_bits(b, bits);
		put_mpint_bits(b, 160);
		put_mpint_bits(b, bits - 1);
		put_mpint_bits(b, bits - 2);
		break;
	case AKF_ECDSA:
	case AKF_ECDSA_SK:
		put_str(b, curve);
		put_ec_point(b, streq(curve, "nistp256") ? 256 : streq(curve, "nistp384") ? 384 : 521);
		if (f == AKF_ECDSA_SK)
			put_str(b, "ssh:");
		break;
	case AKF_ED25519:
	case AKF_ED25519_SK:
		put_pk32(b);
		if (f == AKF_ED25519_SK)
			put_str(b, "ssh:");
		break;
	}
}

/* A blob for type t (bits for RSA/DSA). */
static void blob_of(struct buf *b, const struct authkeys_type *t, unsigned bits)
{
	put_str(b, t->name);
	if (t->cert) {
		unsigned char nonce[32] = { 0 };
		struct buf ca = {0}, principals = {0};
		put_bytes(b, nonce, sizeof(nonce));
		put_public(b, t->family, t->curve, bits);
		put_u64(b, 7);		/* serial */
		put_u32(b, 1);		/* user certificate */
		put_str(b, "key-id");
		put_str(&principals, "alice");
		put_bytes(b, principals.data, principals.len);
		put_u64(b, 0);
		put_u64(b, UINT64_MAX);
		put_str(b, "");		/* critical options */
		put_str(b, "");		/* extensions */
		put_str(b, "");		/* reserved */
		put_str(&ca, "ssh-ed25519");
		put_pk32(&ca);
		put_bytes(b, ca.data, ca.len);
		put_str(b, "not-verified-signature");
		buf_done(&ca);
		buf_done(&principals);
	} else
		put_public(b, t->family, t->curve, bits);
	ck_assert(buf_ok(b));
}

/* "TYPE BASE64 comment" for a blob. */
static char *line_of(const char *name, const struct buf *blob, const char *comment)
{
	_cleanup_free_ char *enc = authkeys_base64_encode((const unsigned char *) blob->data, blob->len);
	char *s;

	ck_assert_ptr_nonnull(enc);
	ck_assert_int_ge(asprintf(&s, "%s %s%s%s", name, enc, comment ? " " : "", comment ? comment : ""), 0);
	return s;
}

static struct authkeys_line parse(const char *s)
{
	struct authkeys_line l;

	ck_assert_int_eq(authkeys_parse_line(s, strlen(s), &l), 0);
	return l;
}

/* ---- base64 ---- */

START_TEST(base64_decode_as_b64_pton)
{
	unsigned char *out;
	size_t n;

	ck_assert_int_eq(authkeys_base64_decode("aGk=", 4, &out, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(memcmp(out, "hi", 2) == 0);
	free(out);
	/* Whitespace anywhere is skipped (a CR from a CRLF file too). */
	ck_assert_int_eq(authkeys_base64_decode("aG\r\nk= \r", 8, &out, &n), 0);
	ck_assert_uint_eq(n, 2);
	free(out);
	ck_assert_int_eq(authkeys_base64_decode("aGVsbG8=", 8, &out, &n), 0);
	ck_assert_uint_eq(n, 5);
	free(out);
	/* Missing padding, bad characters, text after padding, '=' too early,
	 * and bits the padding drops that are not zero. */
	ck_assert_int_eq(authkeys_base64_decode("aGk", 3, &out, &n), -EINVAL);
	ck_assert_int_eq(authkeys_base64_decode("aG!=", 4, &out, &n), -EINVAL);
	ck_assert_int_eq(authkeys_base64_decode("aGk=aGk=", 8, &out, &n), -EINVAL);
	ck_assert_int_eq(authkeys_base64_decode("a===", 4, &out, &n), -EINVAL);
	ck_assert_int_eq(authkeys_base64_decode("aGl=", 4, &out, &n), -EINVAL);
	ck_assert_int_eq(authkeys_base64_decode("", 0, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(out);
}
END_TEST

START_TEST(fingerprint_matches_ssh_keygen)
{
	unsigned char *blob;
	size_t n;
	_cleanup_free_ char *fp = NULL, *fp2 = NULL;
	struct authkeys_line l = parse(RSA1024_PUB);

	ck_assert_int_eq(authkeys_base64_decode(ED25519_B64, strlen(ED25519_B64), &blob, &n), 0);
	fp = authkeys_fingerprint(blob, n);
	ck_assert_str_eq(fp, ED25519_FP);
	free(blob);
	ck_assert_int_eq(authkeys_base64_decode(RSA1024_PUB + l.blob_start, l.blob_end - l.blob_start, &blob, &n), 0);
	fp2 = authkeys_fingerprint(blob, n);
	ck_assert_str_eq(fp2, RSA1024_FP);
	free(blob);
}
END_TEST

/* ---- key types ---- */

START_TEST(parse_line_real_keys)
{
	struct authkeys_line l = parse(ED25519_PUB);

	ck_assert_int_eq(l.status, AK_KEY);
	ck_assert_int_eq(l.error, AKE_OK);
	ck_assert_str_eq(l.type->name, "ssh-ed25519");
	ck_assert_uint_eq(l.bits, 256);
	ck_assert_uint_eq(l.comment_end - l.comment_start, strlen("me@laptop"));
	l = parse(RSA1024_PUB);
	ck_assert_int_eq(l.status, AK_KEY);
	ck_assert_uint_eq(l.bits, 1024);
	ck_assert_int_eq(l.type->family, AKF_RSA);
}
END_TEST

START_TEST(parse_line_every_type)
{
	for (const struct authkeys_type *t = authkeys_types; t->name; t++) {
		struct buf b = {0};
		/* rsa-sha2-* are signature names: their keys carry an ssh-rsa blob. */
		const struct authkeys_type *bt = t;
		if (t->sig_only)
			bt = authkeys_type_lookup(t->cert ? "ssh-rsa-cert-v01@openssh.com" : "ssh-rsa",
						  strlen(t->cert ? "ssh-rsa-cert-v01@openssh.com" : "ssh-rsa"));
		blob_of(&b, bt, t->family == AKF_DSA ? 1024 : 3072);
		_cleanup_free_ char *s = line_of(t->name, &b, "user@host");
		struct authkeys_line l = parse(s);
		ck_assert_msg(l.status == AK_KEY && l.error == AKE_OK, "%s: status %d error %d", t->name, l.status, l.error);
		ck_assert_ptr_eq(l.type, t);
		if (t->family == AKF_RSA)
			ck_assert_uint_eq(l.bits, 3072);
		if (t->family == AKF_ECDSA)
			ck_assert_uint_eq(l.bits, streq(t->curve, "nistp256") ? 256 : streq(t->curve, "nistp384") ? 384 : 521);
		/* Cut one byte off: no longer a key. */
		b.len--;
		_cleanup_free_ char *cut = line_of(t->name, &b, NULL);
		l = parse(cut);
		ck_assert_int_eq(l.status, AK_NOT_KEY);
		ck_assert_msg(l.error == AKE_BLOB_SHORT || l.error == AKE_BLOB_INVALID, "%s: %d", t->name, l.error);
		buf_done(&b);
	}
}
END_TEST

START_TEST(parse_line_rsa_bits_from_modulus)
{
	static const unsigned sizes[] = { 512, 768, 1023, 1024, 2048, 4096, 16384 };

	for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
		struct buf b = {0};
		blob_of(&b, authkeys_type_lookup("ssh-rsa", 7), sizes[i]);
		_cleanup_free_ char *s = line_of("ssh-rsa", &b, NULL);
		struct authkeys_line l = parse(s);
		ck_assert_int_eq(l.status, AK_KEY);
		ck_assert_uint_eq(l.bits, sizes[i]);
		buf_done(&b);
	}
}
END_TEST

START_TEST(parse_line_type_mismatch)
{
	struct buf b = {0};

	blob_of(&b, authkeys_type_lookup("ssh-ed25519", 11), 0);
	_cleanup_free_ char *s = line_of("ssh-rsa", &b, NULL);
	struct authkeys_line l = parse(s);
	ck_assert_int_eq(l.status, AK_NOT_KEY);
	ck_assert_int_eq(l.error, AKE_TYPE_MISMATCH);
	ck_assert_str_eq(l.blob_type->name, "ssh-ed25519");
	buf_done(&b);

	/* ECDSA: the curve counts. */
	blob_of(&b, authkeys_type_lookup("ecdsa-sha2-nistp256", 19), 0);
	_cleanup_free_ char *e = line_of("ecdsa-sha2-nistp384", &b, NULL);
	l = parse(e);
	ck_assert_int_eq(l.error, AKE_TYPE_MISMATCH);
	buf_done(&b);

	/* Short names ("ED25519") are not key types in a keys file (9.2 reads exact names). */
	blob_of(&b, authkeys_type_lookup("ssh-ed25519", 11), 0);
	_cleanup_free_ char *sn = line_of("ED25519", &b, NULL);
	l = parse(sn);
	ck_assert_int_eq(l.status, AK_NOT_KEY);
	buf_done(&b);
}
END_TEST

START_TEST(parse_line_malformed_blobs)
{
	struct buf b = {0};
	struct authkeys_line l;

	/* Bytes left over after the last field. */
	blob_of(&b, authkeys_type_lookup("ssh-ed25519", 11), 0);
	buf_putc(&b, 0);
	_cleanup_free_ char *extra = line_of("ssh-ed25519", &b, NULL);
	l = parse(extra);
	ck_assert_int_eq(l.error, AKE_BLOB_INVALID);
	buf_done(&b);
	/* An ed25519 key of 31 bytes. */
	put_str(&b, "ssh-ed25519");
	put_bytes(&b, "0123456789012345678901234567890", 31);
	_cleanup_free_ char *short_pk = line_of("ssh-ed25519", &b, NULL);
	l = parse(short_pk);
	ck_assert_int_eq(l.error, AKE_BLOB_INVALID);
	buf_done(&b);
	/* A negative RSA modulus. */
	put_str(&b, "ssh-rsa");
	put_bytes(&b, "\x01\x00\x01", 3);
	put_bytes(&b, "\x80\x01", 2);
	_cleanup_free_ char *neg = line_of("ssh-rsa", &b, NULL);
	l = parse(neg);
	ck_assert_int_eq(l.error, AKE_BLOB_INVALID);
	buf_done(&b);
	/* An unknown embedded type. */
	put_str(&b, "ssh-foo");
	_cleanup_free_ char *unk = line_of("ssh-ed25519", &b, NULL);
	l = parse(unk);
	ck_assert_int_eq(l.error, AKE_BLOB_INVALID);
	buf_done(&b);
	l = parse("ssh-ed25519 !!!!");
	ck_assert_int_eq(l.error, AKE_BASE64);
	l = parse("ssh-ed25519");
	ck_assert_int_eq(l.error, AKE_NO_BLOB);
	l = parse("ssh-ed25519 \r");
	ck_assert_int_eq(l.status, AK_NOT_KEY);
	l = parse("ssh-foo AAAA");
	ck_assert_int_eq(l.error, AKE_NO_TYPE);
}
END_TEST

/* ---- lines ---- */

START_TEST(parse_line_blank_comment_crlf)
{
	ck_assert_int_eq(parse("").status, AK_BLANK);
	ck_assert_int_eq(parse(" \t ").status, AK_BLANK);
	ck_assert_int_eq(parse("\r").status, AK_BLANK);
	ck_assert_int_eq(parse("# " ED25519_PUB).status, AK_COMMENT);
	ck_assert_int_eq(parse("  \t# x").status, AK_COMMENT);
	/* CRLF: the key still reads (RULES §1.10a), with or without a comment;
	 * the CR is not part of the comment here. */
	struct authkeys_line l = parse(ED25519_PUB "\r");
	ck_assert_int_eq(l.status, AK_KEY);
	ck_assert_int_eq(l.error, AKE_OK);
	ck_assert_uint_eq(l.comment_end - l.comment_start, strlen("me@laptop"));
	l = parse("ssh-ed25519 " ED25519_B64 "\r");
	ck_assert_int_eq(l.status, AK_KEY);
	ck_assert_uint_eq(l.comment_end, l.comment_start);
	/* Leading blanks are fine; a byte-order mark is not (RULES §1.10a). */
	ck_assert_int_eq(parse("   " ED25519_PUB).status, AK_KEY);
	l = parse("\xef\xbb\xbf" ED25519_PUB);
	ck_assert_int_eq(l.status, AK_NOT_KEY);
	l = parse("\xef\xbb\xbf" "from=\"1.2.3.4\" " ED25519_PUB);
	ck_assert_int_eq(l.status, AK_KEY);
	ck_assert_int_eq(l.error, AKE_OPTIONS);
}
END_TEST

START_TEST(parse_line_nul_ends_the_line)
{
	static const char with_nul[] = ED25519_PUB "\0garbage after";
	static const char nul_in_key[] = "ssh-ed25519 AAAAC3Nza\0C1lZDI1NTE5";
	struct authkeys_line l;

	ck_assert_int_eq(authkeys_parse_line(with_nul, sizeof(with_nul) - 1, &l), 0);
	ck_assert_int_eq(l.status, AK_KEY);
	ck_assert(l.nul);
	ck_assert_uint_eq(l.comment_end, strlen(ED25519_PUB));
	ck_assert_int_eq(authkeys_parse_line(nul_in_key, sizeof(nul_in_key) - 1, &l), 0);
	ck_assert_int_eq(l.status, AK_NOT_KEY);
	ck_assert_int_eq(authkeys_parse_line("\0", 1, &l), 0);
	ck_assert_int_eq(l.status, AK_BLANK);
}
END_TEST

START_TEST(parse_line_megabyte_lines)
{
	size_t n = 4u << 20;
	char *s = malloc(n + 200);

	ck_assert_ptr_nonnull(s);
	/* A 4 MiB comment on a good key. */
	strcpy(s, ED25519_PUB " ");
	size_t k = strlen(s);
	memset(s + k, 'c', n);
	struct authkeys_line l;
	ck_assert_int_eq(authkeys_parse_line(s, k + n, &l), 0);
	ck_assert_int_eq(l.status, AK_KEY);
	ck_assert_uint_eq(l.comment_end - l.comment_start, n + strlen("me@laptop") + 1);
	/* 4 MiB of base64 after a type: decoded, found not to be a key. */
	strcpy(s, "ssh-rsa ");
	memset(s + 8, 'A', n);
	ck_assert_int_eq(authkeys_parse_line(s, 8 + n, &l), 0);
	ck_assert_int_eq(l.status, AK_NOT_KEY);
	/* 4 MiB of binary garbage. */
	for (size_t i = 0; i < n; i++)
		s[i] = (char) (i * 131 + 7);
	ck_assert_int_eq(authkeys_parse_line(s, n, &l), 0);
	ck_assert_int_ne(l.status, AK_KEY);
	free(s);
}
END_TEST

START_TEST(parse_line_ten_thousand_keys_linear)
{
	/* 10,000 lines, and 40,000: the time per line must not grow. */
	double t[2];
	size_t counts[2] = { 10000, 40000 };

	for (int k = 0; k < 2; k++) {
		struct timespec a, b;
		size_t keys = 0;
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (size_t i = 0; i < counts[k]; i++) {
			struct authkeys_line l;
			const char *s = i % 2 ? ED25519_PUB : RSA1024_PUB;
			ck_assert_int_eq(authkeys_parse_line(s, strlen(s), &l), 0);
			keys += l.status == AK_KEY;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		ck_assert_uint_eq(keys, counts[k]);
		t[k] = (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9;
	}
	ck_assert_msg(t[0] < 2.0, "10,000 keys took %.2f s", t[0]);
	ck_assert_msg(t[1] < 4 * t[0] * 3 + 0.05, "not linear: %.3f s for 10,000, %.3f s for 40,000", t[0], t[1]);
}
END_TEST

/* ---- options ---- */

static void opts_ok(const char *o)
{
	const char *why = NULL;
	int r = authkeys_check_options(o, strlen(o), NULL, &why);

	ck_assert_msg(r == 0, "'%s' refused: %s", o, why ? why : "?");
}

static void opts_bad(const char *o, const char *want)
{
	const char *why = NULL;

	ck_assert_msg(authkeys_check_options(o, strlen(o), NULL, &why) == -EINVAL, "'%s' accepted", o);
	ck_assert_msg(why && streq(why, want), "'%s': '%s', want '%s'", o, why ? why : "(null)", want);
}

START_TEST(options_valid)
{
	bool ca = false;

	opts_ok("no-pty");
	opts_ok("NO-PTY,No-Port-Forwarding,no-agent-forwarding,no-X11-forwarding,no-user-rc");
	opts_ok("restrict,pty,port-forwarding,agent-forwarding,x11-forwarding,user-rc");
	opts_ok("no-touch-required,verify-required,touch-required");
	opts_ok("from=\"10.0.0.0/8,!10.1.*\"");
	opts_ok("command=\"echo \\\"hi there\\\"; exit\"");
	opts_ok("command=\"a b c\",no-pty rest of the line");
	opts_ok("environment=\"PATH=/bin\",environment=\"A_B=x\"");
	opts_ok("permitopen=\"host:22\",permitopen=\"[::1]:*\",permitopen=\"h:ssh\"");
	opts_ok("permitlisten=\"8080\",permitlisten=\"localhost:9000\"");
	opts_ok("tunnel=\"0\",tunnel=\"any\"");
	opts_ok("expiry-time=\"20301231\",expiry-time=\"203012312359\",expiry-time=\"20301231235959Z\"");
	opts_ok("principals=\"alice,bob\"");
	opts_ok("pty,,no-pty");	/* sshd skips an empty option */
	ck_assert_int_eq(authkeys_check_options("cert-authority,no-pty", 21, &ca, NULL), 0);
	ck_assert(ca);
}
END_TEST

START_TEST(options_invalid)
{
	opts_bad("frm=\"x\"", "unknown key option");
	opts_bad("ptyx", "unknown key option");
	opts_bad("no-restrict", "unknown key option");
	opts_bad("1", "unknown key option");
	opts_bad("$", "unknown key option");
	opts_bad("command=\"x\",command=\"y\"", "multiple \"command\" clauses");
	opts_bad("from=\"a\",from=\"b\"", "multiple \"from\" clauses");
	opts_bad("principals=\"a\",principals=\"b\"", "multiple \"principals\" clauses");
	opts_bad("command=ls", "missing start quote");
	opts_bad("command=\"ls", "missing end quote");
	opts_bad("command =\"ls\"", "unknown key option");
	opts_bad("environment=\"NOEQUALS\"", "invalid environment string");
	opts_bad("environment=\"A-B=1\"", "invalid environment string");
	opts_bad("permitopen=\"host\"", "invalid permission port");
	opts_bad("permitopen=\"host:0\"", "invalid permission port");
	opts_bad("permitopen=\"host:70000\"", "invalid permission port");
	opts_bad("permitopen=\"[::1\"", "invalid permission hostname");
	opts_bad("tunnel=\"x\"", "invalid tun device");
	opts_bad("expiry-time=\"2030\"", "invalid expires time");
	opts_bad("expiry-time=\"20301341\"", "invalid expires time");
	opts_bad("no-pty,", "unexpected end-of-options");
}
END_TEST

START_TEST(parse_line_options_and_key)
{
	struct authkeys_line l = parse("from=\"10.0.0.1\",command=\"echo a b\" " ED25519_PUB);

	ck_assert_int_eq(l.status, AK_KEY);
	ck_assert_int_eq(l.error, AKE_OK);
	ck_assert_uint_eq(l.opts_start, 0);
	ck_assert_uint_eq(l.opts_end, strlen("from=\"10.0.0.1\",command=\"echo a b\""));
	ck_assert_str_eq(l.type->name, "ssh-ed25519");
	l = parse("bogus " ED25519_PUB);
	ck_assert_int_eq(l.status, AK_KEY);
	ck_assert_int_eq(l.error, AKE_OPTIONS);
	ck_assert_str_eq(l.why, "unknown key option");
	/* An open quote hides the key: "invalid key option string". */
	l = parse("command=\"ls " ED25519_PUB);
	ck_assert_int_eq(l.status, AK_NOT_KEY);
	ck_assert_int_eq(l.error, AKE_OPTIONS_QUOTE);
	/* Options, then no key. */
	l = parse("no-pty garbage");
	ck_assert_int_eq(l.status, AK_NOT_KEY);
	ck_assert_int_eq(authkeys_find_type("1 " ED25519_PUB, strlen("1 " ED25519_PUB)), 2);
}
END_TEST

/* ---- private keys ---- */

START_TEST(private_key_markers)
{
	static const char *const yes[] = {
		"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n",
		"-----BEGIN EC PRIVATE KEY-----",
		"-----BEGIN DSA PRIVATE KEY-----",
		"-----BEGIN PRIVATE KEY-----",
		"-----BEGIN ENCRYPTED PRIVATE KEY-----",
		"-----BEGIN SOMETHING NEW PRIVATE KEY-----",
		"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n",
		"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB",
		ED25519_PUB "\n-----BEGIN OPENSSH PRIVATE KEY-----\n",
	};
	for (size_t i = 0; i < ELEMENTSOF(yes); i++)
		ck_assert_msg(authkeys_private_key_marker(yes[i], strlen(yes[i])), "%zu not seen", i);
	ck_assert_ptr_null(authkeys_private_key_marker(ED25519_PUB, strlen(ED25519_PUB)));
	ck_assert_ptr_null(authkeys_private_key_marker("-----BEGIN PUBLIC KEY-----", 26));
	/* NUL bytes before the marker do not hide it. */
	static const char nul[] = "x\0y\0-----BEGIN OPENSSH PRIVATE KEY-----";
	ck_assert_ptr_nonnull(authkeys_private_key_marker(nul, sizeof(nul) - 1));
}
END_TEST

/* ---- paste damage ---- */

static void paste_fixed(const char *line, const char *want)
{
	char *out = NULL;
	unsigned what = 0;
	int r = authkeys_repair_paste(line, strlen(line), &out, &what);

	ck_assert_msg(r == 1, "'%s': %d", line, r);
	ck_assert_uint_ne(what, 0);
	ck_assert_str_eq(out, want);
	free(out);
}

START_TEST(repair_paste_unambiguous)
{
	paste_fixed("$ " ED25519_PUB, ED25519_PUB);
	paste_fixed("> " ED25519_PUB, ED25519_PUB);
	paste_fixed("1 " ED25519_PUB, ED25519_PUB);
	paste_fixed("12. " ED25519_PUB, ED25519_PUB);
	paste_fixed("3) " ED25519_PUB, ED25519_PUB);
	paste_fixed("- " ED25519_PUB, ED25519_PUB);
	paste_fixed("\xe2\x80\xa2 " ED25519_PUB, ED25519_PUB);
	paste_fixed("root@host:~# " ED25519_PUB, ED25519_PUB);
	paste_fixed("\xe2\x80\x9c" ED25519_PUB "\xe2\x80\x9d", ED25519_PUB);
	paste_fixed("\"" ED25519_PUB "\"", ED25519_PUB);
	paste_fixed("'" ED25519_PUB "'\r", ED25519_PUB);
	paste_fixed("from=\xe2\x80\x9c" "10.0.0.1\xe2\x80\x9d " ED25519_PUB, "from=\"10.0.0.1\" " ED25519_PUB);
	paste_fixed("ssh-ed25519\xc2\xa0" ED25519_B64 " me", "ssh-ed25519 " ED25519_B64 " me");
	paste_fixed("$ from=\"10.0.0.1\" " ED25519_PUB, "from=\"10.0.0.1\" " ED25519_PUB);
	/* Layers in either order. */
	paste_fixed("$ \xe2\x80\x9c" ED25519_PUB "\xe2\x80\x9d\r", ED25519_PUB);
	paste_fixed("\"$ " ED25519_PUB "\"", ED25519_PUB);
}
END_TEST

START_TEST(repair_paste_names_the_damage)
{
	char *out = NULL;
	unsigned what = 0;
	struct buf b = {0};
	static const char line[] = "1. \xe2\x80\x9c" ED25519_PUB "\xe2\x80\x9d";

	ck_assert_int_eq(authkeys_repair_paste(line, strlen(line), &out, &what), 1);
	ck_assert_uint_eq(what, AKD_PREFIX | AKD_QUOTES);
	authkeys_damage_text(what, &b);
	ck_assert_str_eq(b.data, "a stray prefix before the key, quotes around the key");
	buf_done(&b);
	free(out);
}
END_TEST

START_TEST(repair_paste_not_damage_or_not_repairable)
{
	char *out = NULL;
	unsigned what = 0;

	/* A good key, nothing at all (found by fuzzing: no pointer arithmetic on an empty buffer),
	 * a comment line, garbage, good options: no damage. */
	ck_assert_int_eq(authkeys_repair_paste(ED25519_PUB, strlen(ED25519_PUB), &out, &what), 0);
	ck_assert_int_eq(authkeys_repair_paste("", 0, &out, &what), 0);
	ck_assert_int_eq(authkeys_repair_paste("\r", 1, &out, &what), 0);
	ck_assert_int_eq(authkeys_repair_paste("# $ " ED25519_PUB, strlen("# $ " ED25519_PUB), &out, &what), 0);
	ck_assert_int_eq(authkeys_repair_paste("hello world", 11, &out, &what), 0);
	ck_assert_int_eq(authkeys_repair_paste("frm=\"x\" " ED25519_PUB, strlen("frm=\"x\" " ED25519_PUB), &out, &what), 0);
	/* Smart quotes in the comment are harmless. */
	ck_assert_int_eq(authkeys_repair_paste(ED25519_PUB " \xe2\x80\x9cme\xe2\x80\x9d",
					       strlen(ED25519_PUB " \xe2\x80\x9cme\xe2\x80\x9d"), &out, &what), 0);
	/* Damage, but what is left is no key: -EINVAL, nothing guessed. */
	ck_assert_int_eq(authkeys_repair_paste("$ ssh-ed25519 AAAAC3Nza broken", strlen("$ ssh-ed25519 AAAAC3Nza broken"),
					       &out, &what), -EINVAL);
	ck_assert_uint_eq(what, AKD_PREFIX);
	ck_assert_ptr_null(out);
}
END_TEST

/* ---- wrapped keys ---- */

static int join(const char *const *lines, size_t n, char **out)
{
	size_t lens[16];

	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(lines[i]);
	return authkeys_join_wrapped(lines, lens, n, out);
}

START_TEST(join_wrapped_unambiguous)
{
	char *out = NULL;
	const char *two[] = { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7ca", "plRVi8wtHflG2b+h0/B9OcRyoM6 me@laptop",
			      ED25519_PUB };
	ck_assert_int_eq(join(two, 3, &out), 2);
	ck_assert_str_eq(out, ED25519_PUB);
	free(out);
	const char *three[] = { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlK\r", "BvydFN7gUZ7caplRVi8wtHf  \r",
				"lG2b+h0/B9OcRyoM6 me@laptop\r" };
	ck_assert_int_eq(join(three, 3, &out), 3);
	ck_assert_str_eq(out, ED25519_PUB);
	free(out);
	/* Wrapped right after the type. */
	const char *after_type[] = { "ssh-ed25519", ED25519_B64 " me@laptop" };
	ck_assert_int_eq(join(after_type, 2, &out), 2);
	ck_assert_str_eq(out, ED25519_PUB);
	free(out);
	/* With options. */
	const char *opts[] = { "no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7ca", "plRVi8wtHflG2b+h0/B9OcRyoM6" };
	ck_assert_int_eq(join(opts, 2, &out), 2);
	ck_assert_str_eq(out, "no-pty ssh-ed25519 " ED25519_B64);
	free(out);
}
END_TEST

START_TEST(join_wrapped_refuses_ambiguity)
{
	char *out = NULL;

	/* Complete already; the next line never completes it; a comment ends
	 * the key before it is complete; bytes left over after the key. */
	const char *whole[] = { ED25519_PUB, "AAAA" };
	ck_assert_int_eq(join(whole, 2, &out), 0);
	const char *never[] = { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlK", "BvydFN7gUZ7caplRVi8wtHf", "# comment" };
	ck_assert_int_eq(join(never, 3, &out), 0);
	const char *comment[] = { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlK", "BvydFN7 me", "gUZ7caplRVi8wtHflG2b+h0/B9OcRyoM6" };
	ck_assert_int_eq(join(comment, 3, &out), 0);
	const char *extra[] = { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7ca", "plRVi8wtHflG2b+h0/B9OcRyoM6AAAA" };
	ck_assert_int_eq(join(extra, 2, &out), 0);
	const char *other_type[] = { "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7ca", "plRVi8wtHflG2b+h0/B9OcRyoM6" };
	ck_assert_int_eq(join(other_type, 2, &out), 0);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(join_wrapped_hostile_is_linear)
{
	/* 200,000 base64 lines after a key start: the join gives up at its
	 * size limit, and each step only decodes the new text. */
	size_t n = 200000;
	const char **lines = calloc(n, sizeof(char *));
	size_t *lens = calloc(n, sizeof(size_t));
	char *out = NULL;
	struct timespec a, b;

	ck_assert_ptr_nonnull(lines);
	ck_assert_ptr_nonnull(lens);
	lines[0] = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAD/w";
	lens[0] = strlen(lines[0]);
	for (size_t i = 1; i < n; i++) {
		lines[i] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
		lens[i] = 64;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(authkeys_join_wrapped(lines, lens, n, &out), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double t = (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9;
	ck_assert_msg(t < 1.0, "took %.2f s", t);
	free(lines);
	free(lens);
}
END_TEST

/* ---- --add-key input ---- */

static void pasted_ok(const char *text, size_t len, const char *want, bool repaired)
{
	char *out = NULL, *rep = NULL;
	const char *why = NULL;
	int r = authkeys_normalize_pasted(text, len, &out, &rep, &why);

	ck_assert_msg(r == 0, "refused (%d): %s", r, why ? why : "?");
	ck_assert_str_eq(out, want);
	ck_assert_msg(repaired == (rep != NULL), "repairs: %s", rep ? rep : "(none)");
	free(out);
	free(rep);
}

static void pasted_bad(const char *text, size_t len, int want)
{
	char *out = NULL, *rep = NULL;
	const char *why = NULL;

	ck_assert_int_eq(authkeys_normalize_pasted(text, len, &out, &rep, &why), want);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_null(out);
}

#define S(x) x, strlen(x)

START_TEST(normalize_pasted_console_mangling)
{
	pasted_ok(S(ED25519_PUB), ED25519_PUB, false);
	pasted_ok(S("  " ED25519_PUB "  \n"), ED25519_PUB, false);
	pasted_ok(S("ssh-ed25519   " ED25519_B64 "   me   @ laptop"), "ssh-ed25519 " ED25519_B64 " me @ laptop", false);
	pasted_ok(S("\xef\xbb\xbf" ED25519_PUB "\r\n"), ED25519_PUB, true);
	pasted_ok(S("\xe2\x80\x9c" ED25519_PUB "\xe2\x80\x9d"), ED25519_PUB, true);
	pasted_ok(S("$ " ED25519_PUB), ED25519_PUB, true);
	pasted_ok(S("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7ca\r\nplRVi8wtHflG2b+h0/B9OcRyoM6 me@laptop\r\n"),
		  ED25519_PUB, true);
	pasted_ok(S("\xe2\x80\x9cssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7ca\nplRVi8wtHflG2b+h0/B9OcRyoM6 me@laptop\xe2\x80\x9d"),
		  ED25519_PUB, true);
	/* The console wrapped the comment. */
	pasted_ok(S(ED25519_PUB "\n-more"), ED25519_PUB "-more", true);
	/* No comment at all. */
	pasted_ok(S("ssh-ed25519 " ED25519_B64), "ssh-ed25519 " ED25519_B64, false);
	/* Options stay. */
	pasted_ok(S("restrict,command=\"uptime\" " ED25519_PUB), "restrict,command=\"uptime\" " ED25519_PUB, false);
	/* RFC 4716, as ssh-keygen -e writes it. */
	pasted_ok(S("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"256-bit ED25519, converted\"\n" ED25519_B64
		    "\n---- END SSH2 PUBLIC KEY ----\n"),
		  "ssh-ed25519 " ED25519_B64 " 256-bit ED25519, converted", true);
}
END_TEST

START_TEST(normalize_pasted_says_every_repair)
{
	static const char text[] = "\xef\xbb\xbf\xe2\x80\x9cssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7ca\r\n"
				   "plRVi8wtHflG2b+h0/B9OcRyoM6 me@laptop\xe2\x80\x9d\r\n";
	char *out = NULL, *rep = NULL;
	const char *why = NULL;

	ck_assert_int_eq(authkeys_normalize_pasted(text, sizeof(text) - 1, &out, &rep, &why), 0);
	ck_assert_str_eq(out, ED25519_PUB);
	ck_assert_str_eq(rep, "a byte-order mark, CRLF line endings, quotes around the key, a line wrapped by the console");
	free(out);
	free(rep);
}
END_TEST

START_TEST(normalize_pasted_refuses)
{
	static const char with_nul[] = ED25519_PUB "\0x";

	pasted_bad(S("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), -EPERM);
	pasted_bad(S("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"), -EPERM);
	pasted_bad(S("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"), -EPERM);
	pasted_bad(S(ED25519_PUB "\n-----BEGIN OPENSSH PRIVATE KEY-----\n"), -EPERM);
	pasted_bad(S(""), -EINVAL);
	pasted_bad(S("  \n\t\n"), -EINVAL);
	pasted_bad(S("hello"), -EINVAL);
	pasted_bad(S("# " ED25519_PUB), -EINVAL);
	pasted_bad(S(ED25519_PUB "\n" RSA1024_PUB), -EINVAL);
	pasted_bad(S("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----"), -EINVAL);
	pasted_bad(S("frm=\"x\" " ED25519_PUB), -EINVAL);
	pasted_bad(with_nul, sizeof(with_nul) - 1, -EINVAL);
	pasted_bad(S("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIlKBvydFN7gUZ7ca"), -EINVAL);
}
END_TEST

static Suite *authkeys_suite(void)
{
	Suite *s = suite_create("authkeys");
	TCase *tc = tcase_create("authkeys");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, base64_decode_as_b64_pton);
	tcase_add_test(tc, fingerprint_matches_ssh_keygen);
	tcase_add_test(tc, parse_line_real_keys);
	tcase_add_test(tc, parse_line_every_type);
	tcase_add_test(tc, parse_line_rsa_bits_from_modulus);
	tcase_add_test(tc, parse_line_type_mismatch);
	tcase_add_test(tc, parse_line_malformed_blobs);
	tcase_add_test(tc, parse_line_blank_comment_crlf);
	tcase_add_test(tc, parse_line_nul_ends_the_line);
	tcase_add_test(tc, parse_line_megabyte_lines);
	tcase_add_test(tc, parse_line_ten_thousand_keys_linear);
	tcase_add_test(tc, options_valid);
	tcase_add_test(tc, options_invalid);
	tcase_add_test(tc, parse_line_options_and_key);
	tcase_add_test(tc, private_key_markers);
	tcase_add_test(tc, repair_paste_unambiguous);
	tcase_add_test(tc, repair_paste_not_damage_or_not_repairable);
	tcase_add_test(tc, repair_paste_names_the_damage);
	tcase_add_test(tc, join_wrapped_unambiguous);
	tcase_add_test(tc, join_wrapped_refuses_ambiguity);
	tcase_add_test(tc, join_wrapped_hostile_is_linear);
	tcase_add_test(tc, normalize_pasted_console_mangling);
	tcase_add_test(tc, normalize_pasted_says_every_repair);
	tcase_add_test(tc, normalize_pasted_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(authkeys_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
