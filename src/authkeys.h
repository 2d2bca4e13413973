/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lines of an authorized_keys file as sshd reads them (sshd(8) "AUTHORIZED_KEYS
 * FILE FORMAT"; OpenSSH 9.2 auth2-pubkeyfile.c, sshkey.c, auth-options.c;
 * RULES §1.10a, §6.7).  Our own code, written from those semantics:
 *
 *  - Leading spaces and tabs are skipped; an empty line or one whose first
 *    other character is '#' is ignored.
 *  - sshd first tries to read a key at the start of the line: a type name
 *    (exact, case-sensitive: "ssh-ed25519", never a short name), spaces or
 *    tabs, then base64 up to the next space or tab.  Whitespace inside the
 *    base64 word (a CR from a CRLF file) is skipped by its decoder.  The
 *    decoded blob must hold exactly the fields of its own embedded type, and
 *    that type must be the line's (for ECDSA, the same curve).
 *  - Only when that fails are options assumed: the first word, where a
 *    double quote hides spaces and \" is a literal quote, then the key.  A
 *    quote left open is "invalid key option string"; options that do not
 *    parse make sshd refuse the key ("bad key options: <why>").
 *  - Everything after the key data is the comment.  A NUL byte ends the line
 *    for sshd (it handles lines as C strings), and so it does here.
 *
 * What is NOT done: certificate signatures are not verified and EC points are
 * not checked to lie on their curve (sshd does both); a blob that passes here
 * may still be refused for that.  Everything is linear in the input.
 *
 * Pure: no I/O, no global state.  Also the key text handling of
 * `sshfix --add-key` (authkeys_normalize_pasted()).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum authkeys_family {
	AKF_RSA,
	AKF_DSA,
	AKF_ECDSA,
	AKF_ED25519,
	AKF_ECDSA_SK,
	AKF_ED25519_SK,
};

/* A key type name sshd accepts at the start of a key (sshkey.c keyimpls). */
struct authkeys_type {
	const char *name;		/* "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa-cert-v01@openssh.com" */
	enum authkeys_family family;
	const char *curve;		/* ECDSA variants: "nistp256", ...; else NULL */
	bool cert;
	bool sig_only;			/* "rsa-sha2-256"/"-512": a signature name, read as an ssh-rsa key */
	unsigned since;			/* first OpenSSH release that reads it: major * 100 + minor */
};

/* The type called name[0..len), or NULL. */
const struct authkeys_type *authkeys_type_lookup(const char *name, size_t len);
/* The table, ended by { .name = NULL }. */
extern const struct authkeys_type authkeys_types[];

enum authkeys_status {
	AK_BLANK,	/* empty or only spaces/tabs (a lone CR counts as blank here) */
	AK_COMMENT,	/* '#' after optional spaces/tabs */
	AK_KEY,		/* a key sshd reads; its options may still be refused (error AKE_OPTIONS) */
	AK_NOT_KEY,	/* sshd finds no key on this line and ignores it */
};

enum authkeys_error {
	AKE_OK,
	AKE_NO_TYPE,		/* the first word is not a key type (nor options followed by a key) */
	AKE_NO_BLOB,		/* a key type with nothing after it */
	AKE_BASE64,		/* the key data is not base64 */
	AKE_BLOB_SHORT,		/* the decoded key ends before its fields do: cut off */
	AKE_BLOB_INVALID,	/* malformed fields, bytes left over, or an unknown embedded type */
	AKE_TYPE_MISMATCH,	/* the embedded type (or curve) is not the line's */
	AKE_OPTIONS_QUOTE,	/* options with a quote left open: "invalid key option string" */
	AKE_OPTIONS,		/* the key is fine, its options do not parse (why says as sshd) */
};

/*
 * One parsed line.  Offsets index the line as given; fields not found are 0.
 * For AK_NOT_KEY, error/why describe the attempt at the start of the line
 * (the most telling one), and type/blob_* are filled when a known type name
 * started it.
 */
struct authkeys_line {
	enum authkeys_status status;
	enum authkeys_error error;
	const char *why;		/* static text for error, else NULL */
	size_t opts_start, opts_end;	/* equal: no options */
	size_t type_start, type_end;
	size_t blob_start, blob_end;	/* the base64 word */
	size_t comment_start, comment_end;	/* comment_end excludes a trailing CR */
	const struct authkeys_type *type;	/* named by the line */
	const struct authkeys_type *blob_type;	/* embedded in the blob, when decodable */
	unsigned bits;			/* RSA/DSA modulus bits; ECDSA curve bits; 256 for ed25519 */
	bool cert_authority;		/* options hold cert-authority */
	bool nul;			/* the line held a NUL byte: what follows it was ignored */
};

/* Parse one line (without its '\n'; a trailing '\r' is tolerated).  Returns 0 or -ENOMEM. */
int authkeys_parse_line(const char *line, size_t len, struct authkeys_line *ret);

/*
 * Where the first key type word starts in s[0..n) (at the start or after a
 * blank, and followed by a blank), or n when there is none.
 */
size_t authkeys_find_type(const char *s, size_t n);

/*
 * Options as sshauthopt_parse() takes them: opts[0..len) up to the first
 * space or tab outside quotes.  Returns 0, or -EINVAL with *ret_why (static
 * text, sshd's words: "unknown key option", "missing end quote", ...).
 */
int authkeys_check_options(const char *opts, size_t len, bool *ret_cert_authority, const char **ret_why);

/*
 * Decode base64 as OpenSSH's b64_pton() does: whitespace is skipped, '='
 * padding only at the end, leftover bits must be zero.  Returns 0 with a
 * malloc'ed *ret (caller frees), -EINVAL, or -ENOMEM.
 */
int authkeys_base64_decode(const char *s, size_t n, unsigned char **ret, size_t *ret_len);
/* Encode without line breaks, with padding; NUL-terminated, caller frees; NULL on ENOMEM. */
char *authkeys_base64_encode(const unsigned char *p, size_t n);

/*
 * Check a decoded key blob field by field.  Returns 0 and the embedded type
 * (and bits when known), -EBADMSG when it is cut off (AKE_BLOB_SHORT),
 * -EINVAL when it is malformed, has bytes left over or an unknown type.
 */
int authkeys_check_blob(const unsigned char *blob, size_t len, const struct authkeys_type **ret_type,
			unsigned *ret_bits);

/* "SHA256:<base64 without padding>" as ssh-keygen -l prints it; caller frees; NULL on ENOMEM. */
char *authkeys_fingerprint(const unsigned char *blob, size_t len);

/*
 * Does text hold a private key?  Returns a static description of the marker
 * found ("-----BEGIN OPENSSH PRIVATE KEY-----", "a PuTTY private key file",
 * ...) or NULL.  Any "-----BEGIN ... PRIVATE KEY-----" counts (PEM RSA, DSA,
 * EC, PKCS#8, encrypted); the check is byte-wise, so NUL bytes and very long
 * input are fine.
 */
const char *authkeys_private_key_marker(const char *text, size_t len);

/*
 * Console-paste damage on one line, repaired when that is unambiguous: a
 * stray prefix before the key ("$ ", "> ", "1 " or "1. " from a numbered
 * listing, "- ", "* "), typographic quotes around the whole line or in
 * place of '"' in options, and non-breaking spaces between the fields.
 * The layers may come in any order ("$ \"ssh-ed25519 ...\"").  Returns 1
 * with *ret (malloc'ed, the repaired line: a key with valid options, caller
 * frees) and *ret_damage (AKD_* bits); 0 when the line shows no such
 * damage; -EINVAL when it shows damage (*ret_damage says which) but no
 * repair gives a valid key; -ENOMEM.
 */
enum {
	AKD_INVISIBLE = 1 << 0,		/* non-breaking or zero-width spaces */
	AKD_PREFIX = 1 << 1,		/* a prompt, list number or bullet before the key */
	AKD_QUOTES = 1 << 2,		/* quotes around the whole line */
	AKD_SMART_QUOTES = 1 << 3,	/* typographic quotes where options need '"' */
};
int authkeys_repair_paste(const char *line, size_t len, char **ret, unsigned *ret_damage);
/* The damage in words, "a stray prefix before the key, quotes around the key", appended to out. */
void authkeys_damage_text(unsigned damage, struct buf *out);

/*
 * A key wrapped over several lines.  lines[0] must start a key (options,
 * type, the beginning of the base64) whose blob is incomplete; the next
 * lines are base64 only, the last possibly followed by a comment.  Tries
 * lines[0..k] for k = 1, 2, ... (at most n - 1) and stops at the first
 * join whose blob is complete, of the line's type.  Returns the number of
 * lines used (≥ 2) with *ret (the joined line, caller frees), 0 when no
 * join gives a key, -ENOMEM.  Lines exclude '\n'; a trailing '\r' is dropped.
 */
int authkeys_join_wrapped(const char *const *lines, const size_t *lens, size_t n, char **ret);

/*
 * The public key text a person pasted into `sshfix --add-key` (or a .pub
 * file), made into one authorized_keys line without its comment decoration:
 * a UTF-8 byte-order mark, CRLF, surrounding blank space and typographic or
 * ASCII quotes around it are dropped, a line wrapped by the console is
 * joined, an RFC 4716 "---- BEGIN SSH2 PUBLIC KEY ----" block is converted.
 * Returns 0 with *ret (owned by the caller: [options ]type base64[ comment],
 * nothing else) and *ret_repairs (what was repaired, "a, b, c", owned by the
 * caller, or NULL); -EPERM when text holds a private key (*ret_why names it:
 * refuse and never store the text); -EINVAL when it is not one valid public
 * key (*ret_why says why); -ENOMEM.
 */
int authkeys_normalize_pasted(const char *text, size_t len, char **ret, char **ret_repairs, const char **ret_why);
