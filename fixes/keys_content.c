/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keys-content: what is in each account's authorized keys files, read as
 * sshd reads them (src/authkeys.c; RULES §1.10a, §6.7).
 *
 * The files are the ones user-key-paths examines (src/keyfiles.c: the first
 * AuthorizedKeysFile line, %-tokens, the "~" trap), each examined once.  A
 * file reached through a user's symlink that leaves the home, or with more
 * than one hard link, is not read: it may be /etc/shadow, and its lines
 * would end up in the report.  Reports quote at most a few bytes of a line.
 *
 * Repaired (SAFE_AUTO), each with the smallest rewrite through the journal,
 * which keeps the file's mode, owner and extended attributes (its SELinux
 * label); all the damage of one kind in one file is one finding and one
 * rewrite, so the cost stays linear in the file (issue 10 §1.6):
 *  - a UTF-8 byte-order mark, which breaks the first key (D12, RULES
 *    §1.10a); CRLF line endings go in the same rewrite.  CRLF alone is
 *    harmless to sshd (it skips the CR inside the base64 and keeps it in the
 *    comment; D12) and is not reported: a finding nothing fixes would make
 *    every run exit 4 for a file that works;
 *  - a key broken over several lines, when the lines join into exactly one
 *    complete key of the type the first line names (so the join is
 *    unambiguous: a shorter join is cut off, a longer one has bytes left);
 *  - console-paste damage when removing it leaves a valid key: a prompt,
 *    list number or bullet before the key, quotes around the line,
 *    typographic quotes in the options, non-breaking spaces.
 * Reported only: damage no repair turns into a key, options sshd refuses, a
 * key whose data is of another type than its line says, key types this sshd
 * does not accept (version, PubkeyAcceptedAlgorithms), RSA keys below
 * RequiredRSASize (9.1+), and a private key pasted into the file.
 *
 * Not reported: other lines that are not keys.  sshd skips them silently,
 * they are often deliberate placeholders, and whether an account still has
 * a usable key is the per-user verdict's question.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "authkeys.h"
#include "fixes.h"
#include "inoset.h"
#include "keyfiles.h"
#include "model.h"
#include "run.h"
#include "util.h"

/* This family's problems: each code is its row's index in keys_content_problems[]. */
enum problem_code {
	PR_AUTHORIZED_KEYS_BOM,
	PR_AUTHORIZED_KEYS_SPLIT_KEY,
	PR_AUTHORIZED_KEYS_PASTE_DAMAGE,
	PR_AUTHORIZED_KEYS_MANGLED_LINE,
	PR_AUTHORIZED_KEYS_BAD_OPTIONS,
	PR_AUTHORIZED_KEYS_TYPE_MISMATCH,
	PR_AUTHORIZED_KEYS_UNSUPPORTED_TYPE,
	PR_AUTHORIZED_KEYS_RSA_TOO_SMALL,
	PR_AUTHORIZED_KEYS_PRIVATE_KEY,
};

static const struct problem keys_content_problems[] = {
	{ PR_AUTHORIZED_KEYS_BOM, "authorized-keys-bom", SEV_ERROR, PF_SAFE_AUTO,
	  "authorized keys file {path} of {user} begins with a UTF-8 byte-order mark{detail}",
	  "Some Windows editors save a byte-order mark (EF BB BF) at the start of the file. sshd reads "
	  "it as part of the first key's type, so the first key never matches (\"Permission denied "
	  "(publickey)\"). The mark is removed; CRLF line endings, harmless by themselves, become LF in "
	  "the same rewrite. RULES §1.10a" },
	{ PR_AUTHORIZED_KEYS_SPLIT_KEY, "authorized-keys-split-key", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line} ({user}): {detail}",
	  "sshd reads one key per line. A key broken over several lines (a terminal or an editor "
	  "wrapped it) is cut off on its first line and the rest is garbage to sshd. The lines are "
	  "joined when they join into exactly one complete key of the type the first line names." },
	{ PR_AUTHORIZED_KEYS_PASTE_DAMAGE, "authorized-keys-paste-damage", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line} ({user}): {detail}",
	  "A copy from a terminal or a web page brought along a prompt (\"$ \"), a list number, "
	  "quotes or typographic quotes, or non-breaking spaces. sshd then reads the start of the "
	  "line as key options it does not know, or no key at all, and refuses it. The damage is "
	  "removed when what is left is a valid key." },
	{ PR_AUTHORIZED_KEYS_MANGLED_LINE, "authorized-keys-mangled-line", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} line {line} ({user}): {detail}",
	  "The line shows console-paste damage (a prompt, quotes, typographic quotes, non-breaking "
	  "spaces) but no repair gives a valid key, so sshfix does not guess. Paste the public key "
	  "again, or add it with sshfix --add-key USER KEY." },
	{ PR_AUTHORIZED_KEYS_BAD_OPTIONS, "authorized-keys-bad-options", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} line {line} ({user}): sshd refuses the key's options: {detail}",
	  "Options before a key (from=\"...\", command=\"...\", restrict, ...) must parse; one sshd does "
	  "not know, a missing quote or a bad value makes it refuse that key (\"bad key options\"). "
	  "Options are policy: sshfix explains, it does not rewrite them. sshd(8) AUTHORIZED_KEYS FILE FORMAT" },
	{ PR_AUTHORIZED_KEYS_TYPE_MISMATCH, "authorized-keys-type-mismatch", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} line {line} ({user}): {detail}",
	  "The base64 key data names its own type, and sshd refuses a key whose line names another "
	  "(or, for ECDSA, another curve). Someone edited the type word or joined two keys." },
	{ PR_AUTHORIZED_KEYS_UNSUPPORTED_TYPE, "authorized-keys-unsupported-type", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} line {line} ({user}): {detail}",
	  "sshd accepts only the key algorithms of its version and of PubkeyAcceptedAlgorithms: DSA "
	  "(ssh-dss) is off by default from OpenSSH 7.0 and gone in 10.0, security-key types need 8.2, "
	  "ed25519 6.5. Add a key of a current type (ssh-keygen -t ed25519), or enable the algorithm "
	  "deliberately. RULES §6.7" },
	{ PR_AUTHORIZED_KEYS_RSA_TOO_SMALL, "authorized-keys-rsa-too-small", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} line {line} ({user}): {detail}",
	  "From OpenSSH 9.1 sshd refuses RSA keys below RequiredRSASize (1024 bits by default) for "
	  "user authentication too. Generate a new key (ssh-keygen -t ed25519, or -t rsa -b 3072). "
	  "RULES §6.7, §2.3" },
	{ PR_AUTHORIZED_KEYS_PRIVATE_KEY, "authorized-keys-private-key", SEV_WARNING, PF_REPORT_ONLY,
	  "{path} line {line} ({user}): a private key was pasted here ({detail})",
	  "An authorized keys file holds public keys; sshd ignores a private key in it, and anyone who "
	  "can read the file can use that key. Remove it by hand, consider the key compromised, and "
	  "add its public half (ssh-keygen -y -f KEY). sshfix never copies it anywhere." },
	{ .id = NULL },
};

/* ---- what sshd accepts (RULES §6.7) ---- */

/*
 * PubkeyAcceptedAlgorithms by default (myproposal.h KEX_DEFAULT_PK_ALG):
 * ssh-rsa and its certificate until 8.7, ssh-dss until 6.9.
 */
static bool default_accepts(const struct target *t, const char *alg)
{
	if (strncmp(alg, "ssh-dss", 7) == 0)
		return !target_sshd_at_least(t, 7, 0);
	if (strcmp(alg, "ssh-rsa") == 0 || strcmp(alg, "ssh-rsa-cert-v01@openssh.com") == 0)
		return !target_sshd_at_least(t, 8, 8);
	return true;
}

/* The algorithms a key of type k can sign with: any one accepted will do. */
static void key_algorithms(const struct authkeys_type *k, const char *out[4])
{
	size_t n = 0;

	if (k->family == AKF_RSA && !k->cert) {
		out[n++] = "rsa-sha2-512";
		out[n++] = "rsa-sha2-256";
		out[n++] = "ssh-rsa";
	} else if (k->family == AKF_RSA) {
		out[n++] = "rsa-sha2-512-cert-v01@openssh.com";
		out[n++] = "rsa-sha2-256-cert-v01@openssh.com";
		out[n++] = "ssh-rsa-cert-v01@openssh.com";
	} else
		out[n++] = k->name;
	out[n] = NULL;
}

/* match_pattern(): '*' and '?' wildcards. */
static bool glob_match(const char *s, const char *p)
{
	for (;; s++, p++) {
		if (*p == '\0')
			return *s == '\0';
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return true;
			for (; *s; s++)
				if (glob_match(s, p))
					return true;
			return false;
		}
		if (*s == '\0' || (*p != '?' && *p != *s))
			return false;
	}
}

/* match_pattern_list(): 1 a positive pattern matches, 0 none, -1 a negated one matches. */
static int pattern_list_match(const char *alg, const char *list)
{
	_cleanup_free_ char *copy = strdup(list);
	int got = 0;

	if (!copy)
		return 0;
	for (char *save = NULL, *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		bool neg = *p == '!';
		if (glob_match(alg, neg ? p + 1 : p)) {
			if (neg)
				return -1;
			got = 1;
		}
	}
	return got;
}

struct accept_ctx {
	const struct target *t;
	const char *value;		/* PubkeyAcceptedAlgorithms outside Match, or NULL */
	const char *keyword;		/* as written */
	const char *file;
	unsigned line;
	bool in_match;			/* set in a Match block too: per-user, not judged here */
	unsigned rsa_min;		/* 0: not checked */
};

static bool alg_accepted(const struct accept_ctx *c, const char *alg)
{
	const char *v = c->value;

	if (!v)
		return default_accepts(c->t, alg);
	switch (v[0]) {
	case '+':
	case '^':
		return default_accepts(c->t, alg) || pattern_list_match(alg, v + 1) == 1;
	case '-':
		return default_accepts(c->t, alg) && pattern_list_match(alg, v + 1) != 1;
	default:
		return pattern_list_match(alg, v) == 1;
	}
}

static void accept_ctx_init(const struct run *run, struct accept_ctx *c)
{
	const struct sshd_config *cfg = run->model.sshd;
	unsigned long long v;

	*c = (struct accept_ctx) { .t = run->target };
	/* Either spelling; the first line outside Match wins (RULES §3.3, §3.9). */
	for (size_t i = 0; cfg && i < cfg->n_opts; i++) {
		const struct sshd_option *o = &cfg->opts[i];
		if (strcasecmp(o->keyword, "PubkeyAcceptedAlgorithms") != 0 &&
		    strcasecmp(o->keyword, "PubkeyAcceptedKeyTypes") != 0)
			continue;
		if (o->match >= 0)
			c->in_match = true;
		else if (!c->value && o->args[0]) {
			c->value = o->args[0];
			c->keyword = o->keyword;
			c->file = o->file;
			c->line = o->line;
		}
	}
	if (target_sshd_at_least(run->target, 9, 1)) {
		const struct sshd_option *o = sshd_config_first(cfg, "RequiredRSASize");
		c->rsa_min = o && o->args[0] && parse_uint(o->args[0], 10, 65536, &v) == 0 ? (unsigned) v : 1024;
	}
}

/* Why sshd would not accept this key type, into *ret; 0 when it would. */
static int unsupported_why(const struct accept_ctx *c, const struct authkeys_type *k, char **ret)
{
	const struct target_facts *f = &c->t->facts;
	const char *algs[4];
	int r = 0;

	*ret = NULL;
	if (k->since && f->sshd_major >= 0 && !target_sshd_at_least(c->t, (int) (k->since / 100), (int) (k->since % 100)))
		r = asprintf(ret, "%s key: needs OpenSSH %u.%u or later (the target has %d.%d)", k->name, k->since / 100,
			     k->since % 100, f->sshd_major, f->sshd_minor);
	else if (k->family == AKF_DSA && f->sshd_major >= 10)
		r = asprintf(ret, "%s (DSA) key: OpenSSH 10.0 and later cannot use DSA keys at all", k->name);
	else if (!c->in_match) {
		key_algorithms(k, algs);
		bool any = false;
		for (size_t i = 0; algs[i] && !any; i++)
			any = alg_accepted(c, algs[i]);
		if (any)
			return 0;
		if (!c->value)
			r = asprintf(ret, "%s key: OpenSSH %s accept %s keys only when PubkeyAcceptedAlgorithms adds %s",
				     k->name, k->family == AKF_DSA ? "7.0 and later" : "8.8 and later",
				     k->family == AKF_DSA ? "DSA" : "SHA-1 RSA", algs[0]);
		else
			r = asprintf(ret, "%s key: %s %s (%s line %u) accepts none of its algorithms", k->name, c->keyword,
				     c->value, c->file ? c->file : "?", c->line);
	}
	return r < 0 ? -ENOMEM : 0;
}

/* ---- one file ---- */

struct issue {
	enum problem_code code;
	size_t line, nlines;	/* 1-based first line, how many */
	size_t start, end;	/* bytes of those lines, without the last one's CR/LF */
	char *replacement;	/* the repaired line (SAFE_AUTO problems), else NULL */
	char *detail;
};

struct issues {
	struct issue *v;
	size_t n;
};

static void issues_done(struct issues *is)
{
	for (size_t i = 0; i < is->n; i++) {
		free(is->v[i].replacement);
		free(is->v[i].detail);
	}
	free(is->v);
	*is = (struct issues) {0};
}

static int add_issue(struct issues *is, enum problem_code code, size_t line, size_t nlines, size_t start, size_t end,
		     char *replacement, const char *fmt, ...) _printf_(8, 9);
static int add_issue(struct issues *is, enum problem_code code, size_t line, size_t nlines, size_t start, size_t end,
		     char *replacement, const char *fmt, ...)
{
	struct issue *nv = realloc(is->v, (is->n + 1) * sizeof(*nv));
	va_list ap;
	char *d;
	int r;

	if (!nv) {
		free(replacement);
		return -ENOMEM;
	}
	is->v = nv;
	va_start(ap, fmt);
	r = vasprintf(&d, fmt, ap);
	va_end(ap);
	if (r < 0) {
		free(replacement);
		return -ENOMEM;
	}
	is->v[is->n++] = (struct issue) {
		.code = code, .line = line, .nlines = nlines, .start = start, .end = end, .replacement = replacement,
		.detail = d,
	};
	return 0;
}

/* A line of the file: [start, end) without '\n' and without a final '\r'. */
struct line {
	size_t start, end, next;
};

static struct line line_at(const char *d, size_t len, size_t at)
{
	const char *nl = memchr(d + at, '\n', len - at);
	struct line l = { .start = at, .end = nl ? (size_t) (nl - d) : len };

	l.next = nl ? l.end + 1 : len;
	if (l.end > l.start && d[l.end - 1] == '\r')
		l.end--;
	return l;
}

/* A few bytes of the line for a message: the words before the key. */
static char *excerpt(const char *s, size_t n)
{
	return strndup(s, n > 24 ? 24 : n);
}

/* Options with a quote left open, before what would be a valid key. */
static bool quote_before_key(const char *s, size_t n)
{
	size_t t = authkeys_find_type(s, n);
	struct authkeys_line k;

	return t < n && authkeys_parse_line(s + t, n - t, &k) == 0 && k.status == AK_KEY && k.error == AKE_OK;
}

#define WRAP_LINES_MAX 64

/* A key broken over lines starting at l (see authkeys_join_wrapped()). */
static int try_split(const char *d, size_t len, struct line first, size_t lineno, struct issues *is, size_t *ret_skip)
{
	const char *lines[WRAP_LINES_MAX];
	size_t lens[WRAP_LINES_MAX], ends[WRAP_LINES_MAX], n = 0, at = first.start;
	char *joined = NULL;
	int r;

	*ret_skip = 0;
	while (n < WRAP_LINES_MAX && at < len) {
		struct line l = line_at(d, len, at);
		lines[n] = d + l.start;
		lens[n] = l.end - l.start;
		ends[n++] = l.end;
		at = l.next;
	}
	r = authkeys_join_wrapped(lines, lens, n, &joined);
	if (r <= 0)
		return r;
	struct authkeys_line k;
	const char *type = authkeys_parse_line(joined, strlen(joined), &k) == 0 && k.type ? k.type->name : "key";
	*ret_skip = (size_t) r - 1;
	return add_issue(is, PR_AUTHORIZED_KEYS_SPLIT_KEY, lineno, (size_t) r, first.start, ends[r - 1], joined,
			 "an %s key broken over %d lines (%zu-%zu)", type, r, lineno, lineno + (size_t) r - 1);
}

/*
 * Everything wrong in one file's bytes, in line order.  ctx may be NULL
 * (repairs only need the repairable issues).
 */
static int analyze(const char *d, size_t len, const struct accept_ctx *ctx, struct issues *is)
{
	size_t at = 0, lineno = 0;
	bool bom = len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0;
	int r;

	if (bom)
		at = 3;
	while (at < len) {
		struct line l = line_at(d, len, at);
		const char *s = d + l.start;
		size_t n = l.end - l.start;
		struct authkeys_line k;
		const char *marker;
		unsigned damage = 0;
		char *fixed = NULL;

		lineno++;
		at = l.next;
		/* A private key: reported once, and its block skipped. */
		if ((marker = authkeys_private_key_marker(s, n))) {
			r = add_issue(is, PR_AUTHORIZED_KEYS_PRIVATE_KEY, lineno, 1, l.start, l.end, NULL, "%s", marker);
			if (r < 0)
				return r;
			size_t first = lineno;
			while (at < len) {
				struct line e = line_at(d, len, at);
				at = e.next;
				lineno++;
				if (memmem(d + e.start, e.end - e.start, "-----END ", 9) ||
				    memmem(d + e.start, e.end - e.start, "Private-MAC:", 12) || lineno - first > 200)
					break;
			}
			continue;
		}
		r = authkeys_parse_line(s, n, &k);
		if (r < 0)
			return r;
		if (k.status == AK_BLANK || k.status == AK_COMMENT)
			continue;
		if (k.status == AK_KEY && k.error == AKE_OK) {
			_cleanup_free_ char *why = NULL;
			if (!ctx)
				continue;
			r = unsupported_why(ctx, k.type, &why);
			if (r < 0)
				return r;
			if (why)
				r = add_issue(is, PR_AUTHORIZED_KEYS_UNSUPPORTED_TYPE, lineno, 1, l.start, l.end, NULL, "%s", why);
			else if (k.type->family == AKF_RSA && ctx->rsa_min && k.bits && k.bits < ctx->rsa_min)
				r = add_issue(is, PR_AUTHORIZED_KEYS_RSA_TOO_SMALL, lineno, 1, l.start, l.end, NULL,
					      "RSA key of %u bits; this sshd requires at least %u (RequiredRSASize)", k.bits,
					      ctx->rsa_min);
			if (r < 0)
				return r;
			continue;
		}
		/* A key broken over lines starts with a type and runs out inside its data. */
		if (k.status == AK_NOT_KEY && k.type &&
		    (k.error == AKE_BASE64 || k.error == AKE_BLOB_SHORT || k.error == AKE_NO_BLOB)) {
			size_t skip;
			r = try_split(d, len, l, lineno, is, &skip);
			if (r < 0)
				return r;
			if (skip) {
				for (size_t i = 0; i < skip; i++) {
					at = line_at(d, len, at).next;
					lineno++;
				}
				continue;
			}
		}
		r = authkeys_repair_paste(s, n, &fixed, &damage);
		if (r == -ENOMEM)
			return r;
		struct buf what = {0};
		authkeys_damage_text(damage, &what);
		if (!buf_ok(&what)) {
			buf_done(&what);
			free(fixed);
			return -ENOMEM;
		}
		if (r == 1 && damage == AKD_PREFIX) {
			/* Name it: the words before the key type. */
			size_t t = authkeys_find_type(s, n), b = 0;
			while (b < t && (s[b] == ' ' || s[b] == '\t'))
				b++;
			while (t > b && (s[t - 1] == ' ' || s[t - 1] == '\t'))
				t--;
			_cleanup_free_ char *p = excerpt(s + b, t - b);
			r = add_issue(is, PR_AUTHORIZED_KEYS_PASTE_DAMAGE, lineno, 1, l.start, l.end, fixed,
				      "a key damaged by a copy and paste (\"%s%s\" before the key)", p ? p : "",
				      t - b > 24 ? "..." : "");
		} else if (r == 1)
			r = add_issue(is, PR_AUTHORIZED_KEYS_PASTE_DAMAGE, lineno, 1, l.start, l.end, fixed,
				      "a key damaged by a copy and paste (%s)", what.data);
		else if (r == -EINVAL)
			r = add_issue(is, PR_AUTHORIZED_KEYS_MANGLED_LINE, lineno, 1, l.start, l.end, NULL,
				      "%s, and no repair gives a valid key", what.data);
		else if (k.status == AK_KEY) {
			/* The key is fine, its options are not. */
			_cleanup_free_ char *o = excerpt(s + k.opts_start, k.opts_end - k.opts_start);
			r = add_issue(is, PR_AUTHORIZED_KEYS_BAD_OPTIONS, lineno, 1, l.start, l.end, NULL,
				      "%s (options \"%s%s\")", k.why ? k.why : "unknown key option", o ? o : "",
				      k.opts_end - k.opts_start > 24 ? "..." : "");
		} else if (k.error == AKE_OPTIONS_QUOTE && quote_before_key(s, n)) {
			_cleanup_free_ char *o = excerpt(s, authkeys_find_type(s, n));
			r = add_issue(is, PR_AUTHORIZED_KEYS_BAD_OPTIONS, lineno, 1, l.start, l.end, NULL,
				      "invalid key option string: a quote is never closed (options \"%s...\")", o ? o : "");
		} else if (k.error == AKE_TYPE_MISMATCH && k.blob_type)
			r = add_issue(is, PR_AUTHORIZED_KEYS_TYPE_MISMATCH, lineno, 1, l.start, l.end, NULL,
				      "the line says %s but the key data is %s", k.type->name, k.blob_type->name);
		else
			r = 0;
		buf_done(&what);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- detection ---- */

/* The files examined so far (by inode), so a file two accounts share is read once. */

/* At most this many damaged lines are listed one by one in a finding's evidence. */
#define GROUP_EVIDENCE_MAX 20

static bool repairable(enum problem_code code)
{
	return code == PR_AUTHORIZED_KEYS_SPLIT_KEY || code == PR_AUTHORIZED_KEYS_PASTE_DAMAGE;
}

/*
 * The repairable damage of one kind in one file is one finding, repaired
 * by one rewrite: 2,000 damaged lines cost one analysis and one journal
 * entry, not 2,000 of each (the cost stays linear in the file).  Other
 * problems are one finding per line: each is its own story.
 */
static int report_file(struct run *run, const struct accept_ctx *ctx, const char *path, const char *user,
		       const char *data, size_t len)
{
	struct issues is = {0};
	struct finding *group[2] = { NULL, NULL };	/* by code: split-key, paste-damage */
	size_t count[2] = {0};
	int r;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		struct finding *f = run_add_finding(run, &keys_content_problems[PR_AUTHORIZED_KEYS_BOM], path, user);
		if (!f || finding_set_detail(f, "%s", memmem(data, len, "\r\n", 2) ? " (and CRLF line endings)" : "") < 0)
			return -ENOMEM;
	}
	r = analyze(data, len, ctx, &is);
	for (size_t i = 0; r == 0 && i < is.n; i++) {
		const struct issue *iss = &is.v[i];
		size_t g = iss->code == PR_AUTHORIZED_KEYS_PASTE_DAMAGE;
		struct finding *f;

		if (repairable(iss->code) && group[g]) {
			f = group[g];
			if (++count[g] <= GROUP_EVIDENCE_MAX)
				r = finding_add_evidence(f, "line %zu: %s", iss->line, iss->detail);
			continue;
		}
		f = run_add_finding(run, &keys_content_problems[iss->code], path, user);
		if (!f) {
			r = -ENOMEM;
			break;
		}
		f->line = (unsigned) iss->line;
		f->detail = TAKE_PTR(is.v[i].detail);
		if (repairable(iss->code)) {
			group[g] = f;	/* findings stay put as more are added */
			count[g] = 1;
			r = finding_add_evidence(f, "line %zu: %s", iss->line, f->detail);
		}
	}
	for (size_t g = 0; r == 0 && g < 2; g++) {
		struct finding *f = group[g];
		if (!f || count[g] < 2)
			continue;
		if (count[g] > GROUP_EVIDENCE_MAX)
			r = finding_add_evidence(f, "... and %zu more lines", count[g] - GROUP_EVIDENCE_MAX);
		_cleanup_free_ char *first = TAKE_PTR(f->detail);
		if (r == 0 && f->problem->code == PR_AUTHORIZED_KEYS_SPLIT_KEY)
			r = finding_set_detail(f, "%s, and %zu more key%s broken the same way", first, count[g] - 1,
					       count[g] == 2 ? "" : "s");
		else if (r == 0)
			r = finding_set_detail(f, "%s, and %zu more line%s like it", first, count[g] - 1,
					       count[g] == 2 ? "" : "s");
	}
	issues_done(&is);
	return r;
}

/*
 * The canonical path of a keys file sshd would read and an fd on it
 * (returns 1), or 0 when there is nothing to read here: no file, not a
 * regular file, several hard links, or reached through a user's symlink
 * that leaves the home (user-key-paths reports those).  The common case, a
 * path without symlinks, costs one rooted open.
 */
static int open_keys_file(struct run *run, struct target_dir *dir, const struct pw_entry *pw, const char *path,
			  char **ret_canon, int *ret_fd, struct stat *ret_st)
{
	_cleanup_free_ char *canon = path_simplify(path);
	struct target_path tp = {0};
	int fd;

	if (!canon)
		return -ENOMEM;
	fd = target_open_inode_in(run->target, dir, canon, ret_st);
	if (fd == -ELOOP) {
		/* A symlink on the way: follow it only when it is root's, or the
		 * user's and it stays in the home. */
		int r = target_resolve(run->target, path, 0, &tp, NULL);
		if (r < 0)
			return r == -ENOMEM ? r : 0;
		if (tp.user_symlink) {
			struct target_path h = {0};
			bool inside = target_resolve(run->target, pw->dir, 0, &h, NULL) == 0 && strcmp(h.canon, "/") != 0 &&
				      path_is_below(tp.canon, h.canon);
			target_path_done(&h);
			if (!inside) {
				target_path_done(&tp);
				return 0;
			}
		}
		free(canon);
		canon = TAKE_PTR(tp.canon);
		target_path_done(&tp);
		fd = target_open_inode(run->target, canon, TR_NO_SYMLINKS, ret_st);
	}
	if (fd < 0)
		return fd == -ENOMEM ? fd : 0;
	if (!S_ISREG(ret_st->st_mode) || ret_st->st_nlink > 1) {
		close(fd);
		return 0;
	}
	*ret_canon = TAKE_PTR(canon);
	*ret_fd = fd;
	return 1;
}

static int examine(struct run *run, const struct accept_ctx *ctx, struct inoset *seen, struct target_dir *dir,
		   const struct pw_entry *pw, const char *path)
{
	_cleanup_free_ char *canon = NULL, *data = NULL;
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	size_t len;
	int r;

	r = open_keys_file(run, dir, pw, path, &canon, &fd, &st);
	if (r <= 0)
		return r;
	r = inoset_add(seen, st.st_dev, st.st_ino);
	if (r <= 0)
		return r;
	if ((unsigned long long) st.st_size > CONFIG_MAX)
		return model_note(&run->model, "%s was not examined: larger than %u MiB", canon, CONFIG_MAX >> 20);
	r = read_all_hint(fd, CONFIG_MAX, (size_t) st.st_size, &data, &len);
	if (r == -EFBIG)
		return model_note(&run->model, "%s was not examined: larger than %u MiB", canon, CONFIG_MAX >> 20);
	if (r < 0)
		return r == -ENOMEM ? r : 0;	/* unreadable now: user-key-paths says why */
	return report_file(run, ctx, canon, pw->name, data, len);
}

static int keys_content_detect(struct run *run)
{
	const struct accounts *a = &run->model.accounts;
	_cleanup_(keyfiles_set_done) struct keyfiles_set set = {0};
	struct inoset seen = {0};
	struct accept_ctx ctx;
	int r;

	if (!a->passwd.present)
		return 0;
	r = keyfiles_set_init(&set, run->model.sshd, a);
	if (r < 0)
		return r;
	/* Most accounts have one keys file that exists, if any. */
	r = inoset_init(&seen, a->passwd.n_entries);
	if (r < 0)
		return r;
	accept_ctx_init(run, &ctx);
	for (size_t i = 0; r >= 0 && i < a->passwd.n_entries; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		char **patterns;
		if (accounts_user_by_name(a, pw->name) != pw || !pw->dir || pw->dir[0] != '/')
			continue;
		r = keyfiles_set_for(&set, pw, &patterns);
		if (r < 0)
			break;
		/* the account's keys files share ~/.ssh: resolved once for all of them */
		_cleanup_(target_dir_done) struct target_dir dir = TARGET_DIR_NULL;
		for (size_t k = 0; r >= 0 && patterns[k]; k++) {
			_cleanup_free_ char *path = NULL;
			char bad;
			r = keyfiles_path(a, patterns[k], pw, &path, &bad);
			if (r == 1 || r == -EINVAL) {
				r = 0;	/* another account's file; a bad token (user-key-paths) */
				continue;
			}
			/* user-key-paths has looked it up (usually): nothing there, nothing to read */
			if (r == 0 && keyfiles_seen(&run->model, pw, patterns[k]) != KEYFILE_ABSENT)
				r = examine(run, &ctx, &seen, &dir, pw, path);
		}
	}
	inoset_done(&seen);
	return r < 0 ? r : 0;
}

/* ---- repair ---- */

/* Without the byte-order mark, CRLF as LF. */
static int strip_bom_crlf(const char *d, size_t len, char **ret, size_t *ret_len)
{
	struct buf b = {0};

	if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
		d += 3, len -= 3;
	for (size_t i = 0; i < len; i++)
		if (!(d[i] == '\r' && i + 1 < len && d[i + 1] == '\n'))
			buf_putc(&b, d[i]);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret_len = b.len;
	*ret = buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

/*
 * All the damage of f's kind in the file as the repairs planned so far
 * leave it (the byte-order mark gone, say), found again by one analysis and
 * repaired in one rewrite.
 */
static int repair_lines(struct run *run, struct finding *f)
{
	_cleanup_free_ char *cur = NULL;
	struct issues now = {0};
	struct buf b = {0};
	size_t cur_len, at = 0, n = 0, lines = 0;
	int r;

	r = journal_read_current(run->journal, f->path, &cur, &cur_len);
	if (r == 0)
		r = analyze(cur, cur_len, NULL, &now);
	for (size_t i = 0; r == 0 && i < now.n; i++) {
		const struct issue *is = &now.v[i];
		if (is->code != f->problem->code || !is->replacement || is->start < at)
			continue;
		buf_append(&b, cur + at, is->start - at);
		buf_puts(&b, is->replacement);
		at = is->end;
		n++;
		lines += is->nlines;
	}
	if (r == 0 && n == 0)
		r = -ESTALE;	/* nothing of the kind is left: the file changed */
	if (r == 0) {
		buf_append(&b, cur + at, cur_len - at);
		if (!buf_ok(&b))
			r = -ENOMEM;
	}
	if (r == 0) {
		bool split = f->problem->code == PR_AUTHORIZED_KEYS_SPLIT_KEY;
		if (n == 1)
			r = split ? asprintf(&f->action, "join lines %u-%zu into one", f->line, f->line + lines - 1)
				  : asprintf(&f->action, "rewrite line %u without the damage", f->line);
		else
			r = split ? asprintf(&f->action, "join %zu keys broken over %zu lines", n, lines)
				  : asprintf(&f->action, "rewrite %zu lines without the damage", n);
		r = r < 0 ? -ENOMEM : 0;
	}
	if (r == 0)
		/* Same mode, owner and extended attributes (the journal keeps them). */
		r = journal_write_file(run->journal, f->path, b.data, b.len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
	buf_done(&b);
	issues_done(&now);
	return r < 0 ? r : 0;
}

static int keys_content_repair(struct run *run, struct finding *f)
{
	_cleanup_free_ char *cur = NULL, *out = NULL;
	size_t cur_len, out_len;
	int r;

	if (f->problem->code != PR_AUTHORIZED_KEYS_BOM)
		return repair_lines(run, f);
	r = journal_read_current(run->journal, f->path, &cur, &cur_len);
	if (r < 0)
		return r;
	r = strip_bom_crlf(cur, cur_len, &out, &out_len);
	if (r < 0)
		return r;
	if (asprintf(&f->action, "remove the byte-order mark%s",
		     out_len + 3 < cur_len ? " and make CRLF line endings LF" : "") < 0)
		return -ENOMEM;
	r = journal_write_file(run->journal, f->path, out, out_len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
	return r < 0 ? r : 0;
}

const struct fix fix_keys_content = {
	.id = "keys-content",
	.summary = "what is in the authorized keys files: byte-order marks, keys broken over lines, paste damage, "
		   "options, key types and sizes sshd refuses",
	.rules = "RULES §1.10a, §6.7",
	.problems = keys_content_problems,
	.detect = keys_content_detect,
	.subject = fix_subject_keys_owner,
	.repair = keys_content_repair,
};
