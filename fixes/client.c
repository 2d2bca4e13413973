/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * client: the files of the machine a person connects *from* (--client,
 * RULES §5), examined for the account whose home it is (src/client.h).
 *
 *  - Private keys (§5.1): ~/.ssh/id_* (not .pub) and every IdentityFile the
 *    configuration names.  ssh loads a key the caller owns only when
 *    (mode & 077) == 0, else "UNPROTECTED PRIVATE KEY FILE!" and the key is
 *    skipped; the repair is 0600 (0400 when the owner could only read it).
 *    ssh does not check keys of other owners; they are reported only.
 *  - The configuration (§5.2, §1.8): ~/.ssh/config and every file it, or
 *    /etc/ssh/ssh_config, includes must be owned by root or the user and not
 *    writable by group or others (Debian's ssh: group-writable is fine when
 *    the group holds only the owner), else ssh stops with "Bad owner or
 *    permissions on F".  The repair is go-w; a file owned by another account
 *    is never given to the user (DESIGN §5).  Lines ssh refuses are reported.
 *  - --host HOST (§5.4): "no mutual signature supported" happens between an
 *    ssh from 8.8 on, an RSA key and a server that offers only ssh-rsa
 *    signatures.  Only the first two can be seen in files; when they hold,
 *    the per-host line that works around it is shown as advice, never
 *    written (and never for every host).
 *  - --forget-host HOST (§5.3): the host's entries leave ~/.ssh/known_hosts
 *    (and known_hosts2), as `ssh-keygen -R` removes them, hashed ones
 *    included (src/known_hosts.h).
 *
 * The home's owner may be hostile to the person running sshfix as root
 * (DESIGN §5, "anything read on a user's behalf is read with the user's
 * rights"):
 *  - every file of the user's, the glob of every Include, key headers and
 *    known_hosts are read through a reader with the user's rights
 *    (src/asuser.h): a config that includes /etc/shadow gets what the user's
 *    own ssh would get, "Permission denied";
 *  - a report shows no text of a file but a line's keyword, and only one
 *    that looks like a keyword (client_config_keyword_display()); a problem
 *    in a file outside the home is told on the Include that named it;
 *  - what `ssh -G` prints is matched, byte for byte, against files the
 *    reader read and lines that hold that keyword, never taken as a path;
 *  - a repair changes only a file the reader read, named inside the home
 *    and reached by that very name (no symlink), with one link, owned by the
 *    user or root; before planning, the family checks that the target still
 *    holds that object (dev, ino, owner, and the content's hash), else the
 *    finding fails and says why.  Everything else is reported only.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asuser.h"
#include "authkeys.h"
#include "client.h"
#include "client_config.h"
#include "config_edit.h"
#include "fixes.h"
#include "inoset.h"
#include "known_hosts.h"
#include "run.h"
#include "sandbox.h"
#include "sha256.h"
#include "strictmodes.h"
#include "util.h"

#define SYSTEM_CLIENT_CONFIG "/etc/ssh/ssh_config"
#define KEY_READ_MAX (1u << 20)
/* Enough of a file to see a private key's armour (authkeys_private_key_marker()). */
#define KEY_HEAD_MAX 512u
#define EVIDENCE_MAX 20

/* This family's problems: each code is its row's index in client_problems[]. */
enum problem_code {
	PR_CLIENT_KEY_PERMS,
	PR_CLIENT_KEY_OWNER,
	PR_CLIENT_CONFIG_PERMS,
	PR_CLIENT_CONFIG_OWNER,
	PR_CLIENT_FILE_UNSAFE,
	PR_CLIENT_CONFIG_INVALID,
	PR_CLIENT_CONFIG_BINARY,
	PR_CLIENT_RSA_SHA1,
	PR_CLIENT_CONFIG_BAD_OPTION,
	PR_CLIENT_KNOWN_HOST,
};

static const struct problem client_problems[] = {
	{ PR_CLIENT_KEY_PERMS, "client-key-perms", SEV_ERROR, PF_SAFE_AUTO,
	  "private key {path} of {user} can be used by others ({detail}): ssh refuses it, "
	  "\"UNPROTECTED PRIVATE KEY FILE!\"",
	  "ssh and ssh-add load a private key the caller owns only when group and others have no "
	  "permission at all on it ((mode & 077) == 0); otherwise they warn \"UNPROTECTED PRIVATE KEY "
	  "FILE!\", say \"Load key ...: bad permissions\" and skip the key, so the server never sees it. "
	  "The mode becomes 0600, or 0400 when the owner could only read it. RULES §5.1" },
	{ PR_CLIENT_KEY_OWNER, "client-key-owner", SEV_WARNING, PF_REPORT_ONLY,
	  "private key {path} in the home of {user} {detail}",
	  "ssh checks the mode only of keys the caller owns. A key owned by another account is used "
	  "when the caller can read it, whatever its mode, and fails with \"Permission denied\" when "
	  "not. Whose a private key is, is for a person to decide: sshfix does not change it. RULES §5.1" },
	{ PR_CLIENT_CONFIG_PERMS, "client-config-perms", SEV_ERROR, PF_SAFE_AUTO,
	  "ssh client configuration {path} of {user} {detail}: ssh stops, \"Bad owner or permissions\"",
	  "ssh reads ~/.ssh/config and every file an Include names only when it is owned by root or "
	  "the user and not writable by group or others (Debian and Ubuntu: group-writable is "
	  "accepted when the group holds only the owner); otherwise it stops with \"Bad owner or "
	  "permissions on F\" before connecting anywhere. The write bits are removed; a file owned by "
	  "another account is reported as client-config-owner instead. RULES §5.2, §1.8" },
	{ PR_CLIENT_CONFIG_OWNER, "client-config-owner", SEV_ERROR, PF_REPORT_ONLY,
	  "ssh client configuration {path} of {user} {detail}: ssh stops, \"Bad owner or permissions\"",
	  "The file is owned by another account: sshfix never gives a user a file that is not already "
	  "theirs, wherever it lies (DESIGN §5). Make it the user's or root's, or remove the Include. "
	  "RULES §5.2" },
	{ PR_CLIENT_FILE_UNSAFE, "client-file-unsafe", SEV_ERROR, PF_REPORT_ONLY,
	  "for {user}: {path} {detail}; sshfix does not change it",
	  "The file needs a repair, but changing it could change something else: it has several hard "
	  "links (it may be another file, such as /etc/shadow, linked into the home), it lies outside "
	  "the home, it is reached through a symlink, it is owned by another account, or it is not a "
	  "regular file. sshfix changes only a file it read itself with the user's rights, named inside "
	  "the home and reached by that name. Repair it by hand. RULES §5.1-5.3" },
	{ PR_CLIENT_CONFIG_INVALID, "client-config-invalid", SEV_ERROR, PF_REPORT_ONLY,
	  "ssh client configuration {path} line {line}: {detail}",
	  "ssh stops at this line before connecting (\"terminating, 1 bad configuration options\", "
	  "\"Too many recursive configuration includes\"). sshfix does not guess what was meant. "
	  "No text of the line is shown but a word that looks like a keyword; a problem in a file "
	  "outside the home (an Include of /etc/passwd) is told on the Include that named it, and that "
	  "file's content is not shown at all. RULES §5.2" },
	{ PR_CLIENT_CONFIG_BINARY, "client-config-binary", SEV_WARNING, PF_REPORT_ONLY,
	  "ssh client configuration {path} line {line} {detail}",
	  "ssh handles each configuration line as a C string: a NUL byte ends the line, and what "
	  "follows it on that line is silently ignored. The file may be damaged or not a text file. "
	  "RULES §5.2" },
	{ PR_CLIENT_RSA_SHA1, "client-rsa-sha1", SEV_INFO, PF_REPORT_ONLY,
	  "advice for {user}, only if ssh says \"no mutual signature supported\": {detail}",
	  "ssh from 8.8 on signs with an RSA key only as rsa-sha2-256/512; a server that offers only "
	  "ssh-rsa (SHA-1) signatures, such as OpenSSH before 7.2, then gets no signature it accepts "
	  "(\"sign_and_send_pubkey: no mutual signature supported\"). Files cannot show what the "
	  "server offers; they show that the only keys ssh would offer this host are RSA keys and "
	  "that ssh is 8.8 or newer. The line re-enables SHA-1 signatures for that host alone "
	  "(\"HostKeyAlgorithms +ssh-rsa\" may be needed too); better, give the host an ed25519 key. "
	  "sshfix never writes it, and never for every host. RULES §5.4" },
	{ PR_CLIENT_CONFIG_BAD_OPTION, "client-config-bad-option", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: this ssh does not know {detail} and stops before connecting",
	  "ssh prints \"Bad configuration option\" and \"terminating, N bad configuration options\" "
	  "and connects nowhere, for every host: a keyword from a newer ssh, another program's "
	  "syntax, or a typo. This ssh itself was asked (ssh -G, run as the home's owner, on the "
	  "machine it runs on); what it printed is matched byte for byte against the files sshfix "
	  "read itself and the keyword on that line, never taken as a file name. The line is commented "
	  "out with a marker; IgnoreUnknown is the lasting way to share one file with older clients. "
	  "RULES §5.2" },
	{ PR_CLIENT_KNOWN_HOST, "client-known-host", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} of {user} holds {detail}, which --forget-host removes",
	  "A host whose key changed (reinstalled, rebuilt, a new address) makes ssh stop with "
	  "\"REMOTE HOST IDENTIFICATION HAS CHANGED\". The host's lines are removed as "
	  "\"ssh-keygen -R\" removes them, hashed ones included; a line that also names other hosts "
	  "loses only this name; @cert-authority and @revoked lines stay. ssh asks to accept the new "
	  "key at the next connection: compare its fingerprint. RULES §5.3" },
	{ .id = NULL },
};

/* One detection pass. */
struct scan {
	struct run *run;
	struct client_home h;
	gid_t *gids;		/* the account's groups, primary first (accounts_user_gids()) */
	size_t n_gids;
	struct asuser *rd;	/* reads with the account's rights */
	bool debian;		/* the client ssh has Debian's group-writable rule (RULES §1.8) */
	int ssh_major, ssh_minor;	/* -1: no ssh binary found */
	const char *ssh_path;		/* that binary, in the target */
	char *ssh_version;
	struct client_config *user, *system;
	struct inoset seen_keys;	/* key files already examined */
	struct inoset seen_configs;	/* the same for configuration files */
	char **seen_lines;	/* configuration lines reported (add_line_finding()) */
};

static void scan_done(struct scan *s)
{
	asuser_free(s->rd);
	client_home_done(&s->h);
	free(s->gids);
	free(s->ssh_version);
	client_config_free(s->user);
	client_config_free(s->system);
	inoset_done(&s->seen_keys);
	inoset_done(&s->seen_configs);
	strv_free(s->seen_lines);
}

static bool already_found(const struct run *run, enum problem_code code, const char *path, unsigned line)
{
	for (size_t i = 0; i < run->n_findings; i++)
		if (run->findings[i]->problem == &client_problems[code] && streq_ptr(run->findings[i]->path, path) &&
		    run->findings[i]->line == line)
			return true;
	return false;
}

static struct finding *add(struct scan *s, enum problem_code code, const char *path, const char *fmt, ...)
	_printf_(4, 5);
static struct finding *add(struct scan *s, enum problem_code code, const char *path, const char *fmt, ...)
{
	struct finding *f = run_add_finding(s->run, &client_problems[code], path, s->h.pw.name);
	va_list ap;

	if (!f)
		return NULL;
	va_start(ap, fmt);
	int r = vasprintf(&f->detail, fmt, ap);
	va_end(ap);
	if (r < 0) {
		f->detail = NULL;
		return NULL;
	}
	return f;
}

static int evidence_stat(struct finding *f, const char *path, const struct asuser_stat *st)
{
	char m[8];

	return finding_add_evidence(f, "%s: mode %s, owner %u:%u, %lu link(s)", path, mode_str(st->mode, m),
				    (unsigned) st->uid, (unsigned) st->gid, (unsigned long) st->nlink);
}

/* What a repair may change: this object, as the reader saw it (and its content, when sha256 is given). */
static void set_seen(struct finding *f, const struct asuser_stat *st, const unsigned char *sha256)
{
	f->seen = (struct finding_seen) { .set = true, .dev = st->dev, .ino = st->ino, .uid = st->uid };
	if (sha256) {
		f->seen.has_hash = true;
		memcpy(f->seen.sha256, sha256, sizeof(f->seen.sha256));
	}
}

/* Each file once, however many names lead to it.  Returns 1 when seen before, 0, -ENOMEM. */
/* 1 when examined before, 0 (and now remembered), -ENOMEM. */
static int seen_before(struct inoset *seen, const struct asuser_stat *st)
{
	int r = inoset_add(seen, st->dev, st->ino);

	return r < 0 ? r : !r;
}

/* Named below the home, with no ".." that could lead out of it (whatever the reader says). */
static bool named_in_home(const struct scan *s, const char *path)
{
	if (!path_is_below(path, s->h.home))
		return false;
	for (const char *p = path; (p = strstr(p, "/..")); p += 3)
		if (p[3] == '/' || p[3] == '\0')
			return false;
	return true;
}

/* Named inside the home and reached by that name: the user's own file, whose keywords a report may show. */
static bool own_file(const struct scan *s, const char *path, bool indirect)
{
	return !indirect && named_in_home(s, path);
}

/*
 * Why a file that needs a repair may not be changed, or NULL: only the very
 * file examined, plainly the user's, is (DESIGN §5).
 */
static const char *unsafe_reason(const struct scan *s, const char *path, bool indirect, const struct asuser_stat *st)
{
	if (!S_ISREG(st->mode))
		return "it is not a regular file";
	if (st->nlink > 1)
		return "it has several hard links";
	if (!named_in_home(s, path))
		return "it is outside the home";
	if (indirect)
		return "it is reached through a symlink";
	if (st->uid != s->h.pw.uid && st->uid != 0)
		return "it is owned by another account";
	return NULL;
}

/*
 * Where a path reached through a symlink leads, to name it in a report:
 * resolved here only to be named, and only when it is the file the reader
 * saw.  NULL otherwise.
 */
static char *leads_to(struct scan *s, const char *path, const struct asuser_stat *st)
{
	struct target_path tp = {0};
	char *to = NULL;

	if (target_resolve(s->run->target, path, 0, &tp, NULL) == 0 && tp.exists && (uint64_t) tp.st.st_dev == st->dev &&
	    (uint64_t) tp.st.st_ino == st->ino)
		to = TAKE_PTR(tp.canon);
	target_path_done(&tp);
	return to;
}

/* A finding that names the file as ssh does, and where a symlink leads. */
static struct finding *add_file_finding(struct scan *s, enum problem_code code, const char *name, bool indirect,
					const struct asuser_stat *st, const char *what, const char *tail)
{
	_cleanup_free_ char *to = indirect ? leads_to(s, name, st) : NULL;

	if (to && !streq(to, name))
		return add(s, code, name, "leads to %s, which %s%s%s", to, what, tail ? "; " : "", tail ? tail : "");
	if (indirect)
		return add(s, code, name, "leads through a symlink to a file that %s%s%s", what, tail ? "; " : "",
			   tail ? tail : "");
	return add(s, code, name, "%s%s%s", what, tail ? "; " : "", tail ? tail : "");
}

/* A struct stat holding what strictmodes_check() looks at. */
static struct stat as_stat(const struct asuser_stat *st)
{
	struct stat r = {0};

	r.st_mode = st->mode;
	r.st_uid = st->uid;
	r.st_gid = st->gid;
	r.st_nlink = st->nlink;
	return r;
}

/* ---- the client's ssh ---- */

static int read_ssh_facts(struct scan *s)
{
	static const char *const candidates[] = { "/usr/bin/ssh", "/usr/local/bin/ssh", "/bin/ssh" };
	struct target *t = s->run->target;

	s->ssh_major = s->ssh_minor = -1;
	for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		int r = target_read_file(t, candidates[i], 64u << 20, &data, &len);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		r = sshd_version_scan(data, len, &s->ssh_version, &s->ssh_major, &s->ssh_minor);
		if (r == -ENOMEM)
			return r;
		if (r == 0) {
			s->debian = strstr(s->ssh_version, " Debian") || strstr(s->ssh_version, " Ubuntu");
			s->ssh_path = candidates[i];
			break;
		}
	}
	return 0;
}

static bool ssh_at_least(const struct scan *s, int major, int minor)
{
	return s->ssh_major > major || (s->ssh_major == major && s->ssh_minor >= minor);
}

/* ---- configuration files ---- */

static const char *describe_bits(unsigned bad, const struct stat *st, char *buf, size_t n)
{
	char m[8];

	if (bad & SM_BAD_OWNER)
		snprintf(buf, n, "is owned by uid %u (mode %s)", (unsigned) st->st_uid, mode_str(st->st_mode, m));
	else
		snprintf(buf, n, "is writable by %s (mode %s)",
			 (bad & SM_GROUP_WRITABLE) && (bad & SM_OTHER_WRITABLE) ? "group and others"
			 : (bad & SM_GROUP_WRITABLE)				  ? "group"
										  : "others",
			 mode_str(st->st_mode, m));
	return buf;
}

static int check_config_file(struct scan *s, const struct client_config_file *file)
{
	const struct accounts *a = &s->run->model.accounts;
	struct finding *f = NULL;
	char what[128];
	unsigned bad;
	int r;

	/* ssh checks a file it opened: one it cannot open stops it otherwise (a diag says so). */
	if (!file->has_stat || (file->error != 0 && file->error != -EFBIG))
		return 0;
	struct stat st = as_stat(&file->st);
	bad = strictmodes_check(a, &s->h.pw, &st, s->debian);
	if (!bad)
		return 0;
	r = seen_before(&s->seen_configs, &file->st);
	if (r != 0)
		return r < 0 ? r : 0;
	describe_bits(bad, &st, what, sizeof(what));
	const char *unsafe = file->error ? "sshfix could not read it" : unsafe_reason(s, file->path, file->indirect, &file->st);
	if (bad & SM_BAD_OWNER)
		/* Never given to the user: it is another account's (DESIGN §5). */
		f = add_file_finding(s, PR_CLIENT_CONFIG_OWNER, file->path, file->indirect, &file->st, what, NULL);
	else if (unsafe) {
		_cleanup_free_ char *w = NULL;
		if (asprintf(&w, "%s: ssh stops, \"Bad owner or permissions\"", what) >= 0)
			f = add_file_finding(s, PR_CLIENT_FILE_UNSAFE, file->path, file->indirect, &file->st, w, unsafe);
	} else {
		_cleanup_free_ char *simple = path_simplify(file->path);
		f = simple ? add(s, PR_CLIENT_CONFIG_PERMS, simple, "%s", what) : NULL;
		if (f) {
			/* Only the write bits ssh refuses go (Debian: a private group may write). */
			f->want.mode = st.st_mode & 07777 & ~(mode_t) ((bad & SM_OTHER_WRITABLE ? S_IWOTH : 0) |
								       (bad & SM_GROUP_WRITABLE ? S_IWGRP : 0));
			set_seen(f, &file->st, file->sha256);
		}
	}
	r = f ? evidence_stat(f, file->path, &file->st) : -ENOMEM;
	if (r == 0 && file->from)
		r = finding_add_evidence(f, "included from %s line %u", file->from, file->from_line);
	return r;
}

/* What a diagnostic says: no text of the file but, when show_word, a keyword that may be shown. */
static char *diag_text(const struct client_config_diag *d, bool show_word)
{
	_cleanup_free_ char *k = show_word ? client_config_keyword_display(d->keyword) : NULL;
	char *t = NULL;
	int r = 0;

	switch (d->kind) {
	case CCD_INVALID_QUOTES:
		return strdup("invalid quotes");
	case CCD_NO_ARGUMENT:
		r = k ? asprintf(&t, "no argument after keyword %s", k)
		      : asprintf(&t, "no argument after its first word (not a keyword; not shown)");
		break;
	case CCD_INCLUDE_DEPTH:
		return strdup("Too many recursive configuration includes");
	case CCD_BAD_INCLUDE:
		return strdup("an Include path starts with '~', which the system-wide file may not use");
	case CCD_UNREADABLE:
		if (d->line > 0)
			return strdup(d->error == -E2BIG ? "its Include pattern matches too many names; not read"
							 : "its Include pattern is too long; not read");
		if (d->error == -EINVAL)
			return strdup("is not a regular file; ssh may block reading it");
		r = asprintf(&t, "cannot be read: %s", strerror(-d->error));
		break;
	case CCD_TOO_LARGE:
		r = asprintf(&t, "larger than %u MiB; not read", CONFIG_MAX >> 20);
		break;
	case CCD_NUL:
		return strdup("holds a NUL byte; ssh reads the line only up to it");
	case CCD_TOO_MANY_WORDS:
		r = asprintf(&t, "more than %d words on one line; not read", SSHD_CONFIG_WORDS_MAX);
		break;
	case CCD_TOO_MANY_FILES:
		r = asprintf(&t, "its Includes reach more than %u files or %u MiB in all; sshfix read no further",
			     CLIENT_CONFIG_REQUESTS_MAX, CLIENT_CONFIG_BYTES_MAX >> 20);
		break;
	}
	return r < 0 ? NULL : t;
}

/*
 * A file of the user's configuration that is not the user's own (outside
 * the home, or through a symlink) is not quoted: its problems are told on
 * the Include, in a file of the user's own, that led to it.  Returns that
 * file's index with *ret_line the Include's line and *ret_named the file
 * that Include named; SIZE_MAX when no file of the chain is the user's own.
 */
static size_t own_includer(const struct scan *s, const struct client_config *c, size_t i, unsigned *ret_line,
			   size_t *ret_named)
{
	while (i != SIZE_MAX && !own_file(s, c->files[i].path, c->files[i].indirect)) {
		*ret_line = c->files[i].from_line;
		*ret_named = i;
		i = c->files[i].from_index;
	}
	return i;
}

/*
 * A finding about line `line` of file i (0: the whole file) of the user's
 * configuration, `text` saying what ssh does there.  A file that is not the
 * user's own is named only through its Include.  Returns 0 with *ret (NULL
 * when that line was reported already), or -ENOMEM.
 */
static int add_line_finding(struct scan *s, const struct client_config *c, enum problem_code code, size_t i,
			    unsigned line, const char *text, struct finding **ret)
{
	const struct client_config_file *file = &c->files[i];
	unsigned at = line;
	size_t named = i, own = own_includer(s, c, i, &at, &named);
	const char *path = own == i || own == SIZE_MAX ? file->path : c->files[own].path;
	_cleanup_free_ char *where = NULL;
	struct finding *f;

	if (own == SIZE_MAX)
		at = line;
	*ret = NULL;
	/* Once per line; an Include line naming several files: once per file it names. */
	_cleanup_free_ char *key = NULL;
	if (asprintf(&key, "%d:%u:%s\n%s", (int) code, at, path, c->files[named].path) < 0)
		return -ENOMEM;
	if (strv_contains(s->seen_lines, key))
		return 0;
	if (strv_push(&s->seen_lines, TAKE_PTR(key)) < 0)
		return -ENOMEM;
	if (own == i)
		f = add(s, code, path, "%s", text);
	else if (own == SIZE_MAX)
		f = add(s, code, path, "%s (the file is reached through a symlink; its content is not shown)", text);
	else {
		const struct client_config_file *n = &c->files[named];
		if ((line > 0 ? asprintf(&where, "line %u of %s", line, file->path) : asprintf(&where, "%s", file->path)) < 0)
			return -ENOMEM;
		f = add(s, code, path, "includes %s, which %s; %s: %s", n->path,
			n->indirect ? "is reached through a symlink" : "is outside the home", where, text);
	}
	if (!f)
		return -ENOMEM;
	f->line = at;
	*ret = f;
	return 0;
}

static int report_diags(struct scan *s, const struct client_config *c, bool user_tree)
{
	for (size_t i = 0; i < c->n_diags; i++) {
		const struct client_config_diag *d = &c->diags[i];
		enum problem_code code = d->kind == CCD_NUL ? PR_CLIENT_CONFIG_BINARY : PR_CLIENT_CONFIG_INVALID;
		const struct client_config_file *file = &c->files[d->file_index];
		bool own = !user_tree || own_file(s, file->path, file->indirect);

		if (d->kind == CCD_TOO_LARGE) {
			_cleanup_free_ char *p = escape_display(d->file);
			run_error(s->run, "Refusing to read '%s': it is larger than %u MiB", p ? p : "?", CONFIG_MAX >> 20);
			continue;
		}
		_cleanup_free_ char *text = diag_text(d, own);
		if (!text)
			return -ENOMEM;
		if (!user_tree) {
			/* The system's own files: named as they are. */
			if (already_found(s->run, code, d->file, d->line))
				continue;
			struct finding *f = add(s, code, d->file, "%s", text);
			if (!f)
				return -ENOMEM;
			f->line = d->line;
			continue;
		}
		struct finding *f;
		int r = add_line_finding(s, c, code, d->file_index, d->line, text, &f);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_configs(struct scan *s)
{
	_cleanup_free_ char *path = path_join(s->h.home, ".ssh/config");
	struct client_config_context ctx = {
		.home = s->h.home,
		.accounts = &s->run->model.accounts,
		.host = s->run->opt.host,
	};
	int r;

	if (!path)
		return -ENOMEM;
	r = client_config_load(s->rd, path, &ctx, &s->user);
	if (r < 0)
		return r;
	ctx.system = true;
	return client_config_load(s->rd, SYSTEM_CLIENT_CONFIG, &ctx, &s->system);
}

static int check_configs(struct scan *s)
{
	int r;

	/* ssh checks ~/.ssh/config and every included file, not /etc/ssh/ssh_config itself. */
	for (size_t i = 0; i < s->user->n_files; i++) {
		r = check_config_file(s, &s->user->files[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < s->system->n_files; i++) {
		if (!s->system->files[i].from)
			continue;
		r = check_config_file(s, &s->system->files[i]);
		if (r < 0)
			return r;
	}
	r = report_diags(s, s->user, true);
	return r < 0 ? r : report_diags(s, s->system, false);
}

/* ---- keywords this ssh does not know ---- */

/* "Match exec" runs a command even for ssh -G: sshfix does not run people's commands. */
static bool runs_commands(const struct client_config *c)
{
	for (size_t i = 0; i < c->n_opts; i++)
		if (strcasecmp(c->opts[i].keyword, "Match") == 0)
			for (char **a = c->opts[i].args; *a; a++)
				if (strcasecmp(*a, "exec") == 0 || strncasecmp(*a, "exec=", 5) == 0)
					return true;
	return false;
}

/* One keyword ssh refused, on an option this loader read itself. */
static int bad_option_finding(struct scan *s, const struct client_config *c, const struct client_config_option *o,
			      bool user_tree)
{
	const struct client_config_file *file = &c->files[o->file_index];
	_cleanup_free_ char *kw = NULL, *what = NULL;
	struct finding *f = NULL;
	const char *unsafe;
	int r;

	if (user_tree && !own_file(s, file->path, file->indirect)) {
		/* Not the user's own file: told on its Include, and nothing of it quoted. */
		r = add_line_finding(s, c, PR_CLIENT_CONFIG_INVALID, o->file_index, o->line,
				     "a keyword this ssh does not know: ssh stops", &f);
		if (r < 0 || !f)
			return r;
	} else {
		_cleanup_free_ char *simple = path_simplify(file->path);
		if (!simple)
			return -ENOMEM;
		unsafe = file->error ? "sshfix could not read it" : unsafe_reason(s, file->path, file->indirect, &file->st);
		if (already_found(s->run, unsafe ? PR_CLIENT_FILE_UNSAFE : PR_CLIENT_CONFIG_BAD_OPTION,
				  unsafe ? file->path : simple, o->line))
			return 0;
		kw = client_config_keyword_display(o->keyword);
		if (!kw && !(kw = strdup("its first word (not a keyword; not shown)")))
			return -ENOMEM;
		if (unsafe)
			f = add(s, PR_CLIENT_FILE_UNSAFE, file->path,
				"line %u: this ssh does not know %s and stops before connecting; %s", o->line, kw, unsafe);
		else {
			f = run_add_finding(s->run, &client_problems[PR_CLIENT_CONFIG_BAD_OPTION], simple, s->h.pw.name);
			if (f && finding_set_detail(f, "%s", kw) < 0)
				f = NULL;
			if (f)
				/* The very file the reader read, these very bytes: nothing else is edited. */
				set_seen(f, &file->st, file->sha256);
		}
		if (!f)
			return -ENOMEM;
		f->line = o->line;
	}
	return finding_add_evidence(f, "%s -G (%s) refused line %u of %s", s->ssh_path,
				    s->ssh_version ? s->ssh_version : "?", o->line, file->path);
}

static int ask_ssh(struct scan *s, const struct client_config *c, bool user_tree)
{
	const struct sandbox_opts opts = {
		.host = true, .as_uid = s->h.pw.uid, .as_gid = s->h.pw.gid, .as_groups = s->gids, .n_as_groups = s->n_gids,
	};
	struct sandbox_result res = {0};
	struct client_config_bad_option *bad = NULL;
	size_t n = 0, unmatched = 0;
	const char *why;
	int r;

	if (c->n_files == 0)
		return 0;	/* no such file */
	_cleanup_free_ char *top = escape_display(c->files[0].path);
	if (!top)
		return -ENOMEM;
	if (runs_commands(c))
		return model_note(&s->run->model, "%s was not given to ssh -G to find keywords it does not know: a "
				  "\"Match exec\" line would run its command", top);
	const char *const argv[] = { s->ssh_path, "-G", "-F", c->files[0].path, "sshfix-config-check", NULL };
	r = sandbox_run(s->run->target, argv, &opts, &res, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return model_note(&s->run->model, "%s could not be checked with %s -G: %s", top, s->ssh_path,
				  why ? why : strerror(-r));
	/* ssh's output names files as text: only a file and line this loader read, holding that keyword, counts. */
	r = client_config_bad_options(res.output ? res.output : "", &bad, &n);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct client_config_option *o = client_config_match_bad_option(c, &bad[i]);
		if (o)
			r = bad_option_finding(s, c, o, user_tree);
		else
			unmatched++;
	}
	client_config_bad_options_free(bad, n);
	sandbox_result_done(&res);
	if (r == 0 && unmatched > 0)
		r = model_note(&s->run->model,
			       "%s -G reported %zu unknown keyword(s) on lines sshfix did not read itself in %s and its "
			       "includes (a file name with a newline, or a file that changed); they were not acted on",
			       s->ssh_path, unmatched, top);
	return r;
}

/*
 * Keywords this ssh does not know stop it before it connects anywhere.
 * Which ones it knows depends on its version and build: only it can say,
 * so it is asked, on the machine it runs on, as the home's owner.
 */
static int check_keywords(struct scan *s)
{
	int r;

	if (!s->ssh_path || !target_is_this_system(s->run->target))
		return model_note(&s->run->model, "keywords in ssh's configuration were not checked: %s",
				  s->ssh_path ? "ssh can only be asked on the system it runs on (--root /)"
					      : "no ssh program found");
	r = ask_ssh(s, s->user, true);
	return r < 0 ? r : ask_ssh(s, s->system, false);
}

/* ---- private keys ---- */

/*
 * An IdentityFile as ssh expands it: %d %u %i %% (and %h %n for --host),
 * then '~'.  Returns 0 with *ret, 1 (with *ret_why) when it cannot be
 * known from files, -ENOMEM.
 */
static int expand_identity(struct scan *s, const char *arg, char **ret, const char **ret_why)
{
	struct buf b = {0};
	char uid[16];
	int r;

	snprintf(uid, sizeof(uid), "%u", (unsigned) s->h.pw.uid);
	for (const char *p = arg; *p; p++) {
		if (*p == '$' && p[1] == '{') {
			buf_done(&b);
			*ret_why = "it names an environment variable";
			return 1;
		}
		if (*p != '%') {
			buf_putc(&b, *p);
			continue;
		}
		p++;
		if (*p == '%')
			buf_putc(&b, '%');
		else if (*p == 'd')
			buf_puts(&b, s->h.home);
		else if (*p == 'u')
			buf_puts(&b, s->h.pw.name);
		else if (*p == 'i')
			buf_puts(&b, uid);
		else if ((*p == 'h' || *p == 'n') && s->run->opt.host)
			buf_puts(&b, s->run->opt.host);
		else {
			buf_done(&b);
			*ret_why = "it holds a %-token that depends on the connection";
			return 1;
		}
		if (!*p)
			break;
	}
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	_cleanup_free_ char *raw = buf_steal(&b);
	if (!raw)
		return -ENOMEM;
	r = client_config_tilde(raw, s->h.home, &s->run->model.accounts, ret);
	if (r != 0) {
		*ret_why = "it names an account that does not exist";
		return r;
	}
	if ((*ret)[0] != '/') {
		free(*ret);
		*ret = NULL;
		*ret_why = "it is relative to the directory ssh is started in";
		return 1;
	}
	return 0;
}

static bool default_key_name(const char *name)
{
	static const char *const names[] = { "id_rsa",	"id_ecdsa", "id_ecdsa_sk", "id_ed25519",
					     "id_ed25519_sk", "id_xmss", "id_dsa" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(name, names[i]))
			return true;
	return false;
}

static int check_key(struct scan *s, const char *path, bool named)
{
	struct asuser_file kf;
	struct finding *f = NULL;
	char m[8];
	int r;

	/* As the user, and only the head: enough to see a private key's armour. */
	r = asuser_read(s->rd, path, KEY_HEAD_MAX, ASUSER_HEAD, &kf);
	if (r < 0)
		return r;
	const struct asuser_stat kst = kf.st, *st = &kst;
	bool readable = kf.error == 0, indirect = kf.indirect;
	bool skip = !kf.has_stat || !S_ISREG(st->mode) || (r = seen_before(&s->seen_keys, st)) != 0 ||
		    (!named && !(readable && authkeys_private_key_marker(kf.data, kf.len)));
	asuser_file_done(&kf);	/* the head is not needed any more: forget it */
	if (skip)
		return r < 0 ? r : 0;
	if (st->uid != s->h.pw.uid) {
		const struct pw_entry *owner = accounts_user_by_uid(&s->run->model.accounts, st->uid);
		_cleanup_free_ char *who = owner ? escape_display_trunc(owner->name, 64) : NULL, *w = NULL;
		char uid[24];
		snprintf(uid, sizeof(uid), "uid %u", (unsigned) st->uid);
		if (asprintf(&w, "is owned by %s (mode %s), %s", who ? who : uid, mode_str(st->mode, m),
			     readable ? "so ssh does not check its mode" : "and ssh cannot read it") >= 0)
			f = add_file_finding(s, PR_CLIENT_KEY_OWNER, path, indirect, st, w, NULL);
	} else if (st->mode & 077) {
		const char *unsafe = readable ? unsafe_reason(s, path, indirect, st) : "its owner cannot read it";
		_cleanup_free_ char *w = NULL, *simple = NULL;
		if (unsafe) {
			if (asprintf(&w, "is a private key others can use (mode %s): ssh refuses it", mode_str(st->mode, m)) >= 0)
				f = add_file_finding(s, PR_CLIENT_FILE_UNSAFE, path, indirect, st, w, unsafe);
		} else if ((simple = path_simplify(path))) {
			f = add(s, PR_CLIENT_KEY_PERMS, simple, "mode %s", mode_str(st->mode, m));
			if (f) {
				f->want.mode = (st->mode & 0600) == 0400 ? 0400 : 0600;
				set_seen(f, st, NULL);
			}
		}
	} else
		return 0;
	return f ? evidence_stat(f, path, st) : -ENOMEM;
}

static int check_identity_files(struct scan *s, const struct client_config *c)
{
	for (size_t i = 0; i < c->n_opts; i++) {
		const struct client_config_option *o = &c->opts[i];
		_cleanup_free_ char *path = NULL;
		const char *why = NULL;
		int r;

		if (strcasecmp(o->keyword, "IdentityFile") != 0 || strcasecmp(o->args[0], "none") == 0)
			continue;
		r = expand_identity(s, o->args[0], &path, &why);
		if (r < 0)
			return r;
		if (r > 0) {
			_cleanup_free_ char *file = escape_display(o->file), *note = NULL;
			/* Where, not what: the line's text stays in the file.  A file included twice says it once. */
			if (asprintf(&note, "the IdentityFile on %s line %u was not examined: %s", file ? file : "?",
				     o->line, why) < 0)
				return -ENOMEM;
			if (!strv_contains(s->run->model.notes, note) && model_note(&s->run->model, "%s", note) < 0)
				return -ENOMEM;
			continue;
		}
		r = check_key(s, path, true);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_keys(struct scan *s)
{
	static const char *const names[] = { "id_rsa",	"id_ecdsa", "id_ecdsa_sk", "id_ed25519",
					     "id_ed25519_sk", "id_xmss", "id_dsa" };
	_cleanup_free_ char *dir = path_join(s->h.home, ".ssh"), *edir = NULL, *pattern = NULL;
	_cleanup_strv_free_ char **paths = NULL;
	int r;

	/* Listed as the user (a home's name may hold glob characters: escaped). */
	edir = dir ? glob_escape(dir) : NULL;
	pattern = edir ? path_join(edir, "id_*") : NULL;
	if (!pattern)
		return -ENOMEM;
	r = asuser_glob(s->rd, pattern, &paths);
	if (r < 0 && r != -E2BIG && r != -ENAMETOOLONG)
		return r;
	for (size_t i = 0; r >= 0 && paths[i]; i++) {
		const char *name = path_last(paths[i]);
		size_t n = strlen(name);
		if (n >= 4 && streq(name + n - 4, ".pub"))
			continue;
		/* ssh loads the default names; another id_* file only when named, so it must be a key. */
		r = check_key(s, paths[i], default_key_name(name));
		if (r < 0)
			return r;
	}
	/* ssh opens the default names without listing ~/.ssh: so does this. */
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_free_ char *p = path_join(dir, names[i]);
		if (!p)
			return -ENOMEM;
		r = check_key(s, p, true);
		if (r < 0)
			return r;
	}
	r = check_identity_files(s, s->user);
	return r < 0 ? r : check_identity_files(s, s->system);
}

/* ---- --host: the RSA/SHA-1 advice ---- */

/* The first public key blob of an "openssh-key-v1" private key: its type, or NULL. */
static const struct authkeys_type *openssh_key_type(const char *data)
{
	/* "openssh-key-v1\0", cipher, kdf, kdf options, count, then the first public key blob. */
	const char *b = strstr(data, "-----BEGIN OPENSSH PRIVATE KEY-----") + 35;
	const char *e = strstr(b, "-----END");
	const struct authkeys_type *type = NULL;
	_cleanup_free_ unsigned char *blob = NULL;
	size_t n = 0, off = 15;

	if (e && authkeys_base64_decode(b, (size_t) (e - b), &blob, &n) == 0 && n > off &&
	    memcmp(blob, "openssh-key-v1", 15) == 0) {
		for (int field = 0; field < 3 && off + 4 <= n; field++)
			off += 4 + ((size_t) blob[off] << 24 | (size_t) blob[off + 1] << 16 | (size_t) blob[off + 2] << 8 |
				    blob[off + 3]);
		off += 4;	/* the key count */
		if (off + 8 <= n) {
			size_t tl = (size_t) blob[off + 4] << 24 | (size_t) blob[off + 5] << 16 |
				    (size_t) blob[off + 6] << 8 | blob[off + 7];
			if (tl <= n - off - 8)
				type = authkeys_type_lookup((const char *) blob + off + 8, tl);
		}
	}
	if (blob)
		explicit_bzero(blob, n);
	return type;
}

/*
 * The key type a private key file holds, from its .pub, else from the key
 * itself, both read as the user.  Returns 0 with *ret (NULL if unknown), or
 * the reader's failure.
 */
static int key_type_of(struct scan *s, const char *path, const struct authkeys_type **ret)
{
	_cleanup_free_ char *pubpath = NULL;
	struct asuser_file f;
	int r;

	*ret = NULL;
	if (asprintf(&pubpath, "%s.pub", path) < 0)
		return -ENOMEM;
	r = asuser_read(s->rd, pubpath, 1u << 16, 0, &f);
	if (r < 0)
		return r;
	if (f.error == 0)
		*ret = authkeys_type_lookup(f.data, strcspn(f.data, " \t\r\n"));
	asuser_file_done(&f);
	if (*ret)
		return 0;
	r = asuser_read(s->rd, path, KEY_READ_MAX, 0, &f);
	if (r < 0 || f.error != 0) {
		asuser_file_done(&f);
		return r;
	}
	if (strstr(f.data, "-----BEGIN RSA PRIVATE KEY-----"))
		*ret = authkeys_type_lookup("ssh-rsa", 7);
	else if (strstr(f.data, "-----BEGIN OPENSSH PRIVATE KEY-----"))
		*ret = openssh_key_type(f.data);
	asuser_file_done(&f);
	return 0;
}

/* Does an algorithm list ("+ssh-rsa", "ssh-rsa,rsa-sha2-256", "^ssh-rsa") add or name ssh-rsa? */
static bool list_allows_ssh_rsa(const char *list)
{
	if (*list == '-')
		return false;
	if (*list == '+' || *list == '^')
		list++;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 7 && strncmp(p, "ssh-rsa", 7) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

static const struct client_config_option *first_of(const struct scan *s, const char *kw1, const char *kw2)
{
	const struct client_config *cs[] = { s->user, s->system };

	/* ssh reads the user's file first: its first value wins. */
	for (size_t k = 0; k < ELEMENTSOF(cs); k++)
		for (size_t i = 0; i < cs[k]->n_opts; i++) {
			const struct client_config_option *o = &cs[k]->opts[i];
			if (o->active == 1 && (strcasecmp(o->keyword, kw1) == 0 || strcasecmp(o->keyword, kw2) == 0))
				return o;
		}
	return NULL;
}

/* The identities ssh offers HOST from files: its IdentityFile lines, else the default names that exist. */
static int host_identities(struct scan *s, char ***ret, bool *ret_unknown)
{
	const struct client_config *cs[] = { s->user, s->system };
	_cleanup_strv_free_ char **v = NULL;
	bool configured = false;

	*ret_unknown = false;
	for (size_t k = 0; k < ELEMENTSOF(cs); k++)
		for (size_t i = 0; i < cs[k]->n_opts; i++) {
			const struct client_config_option *o = &cs[k]->opts[i];
			_cleanup_free_ char *p = NULL;
			const char *why;
			if (strcasecmp(o->keyword, "IdentityFile") != 0 || o->active == 0)
				continue;
			if (o->active < 0)
				*ret_unknown = true;	/* inside a Match block */
			configured = true;
			int r = expand_identity(s, o->args[0], &p, &why);
			if (r < 0)
				return r;
			if (r > 0) {
				*ret_unknown = true;
				continue;
			}
			if (strv_push(&v, TAKE_PTR(p)) < 0)
				return -ENOMEM;
		}
	if (!configured) {
		static const char *const names[] = { "id_rsa",	"id_ecdsa", "id_ecdsa_sk", "id_ed25519",
						     "id_ed25519_sk", "id_xmss", "id_dsa" };
		for (size_t i = 0; i < ELEMENTSOF(names); i++) {
			_cleanup_free_ char *d = path_join(s->h.home, ".ssh");
			if (!d || strv_push(&v, path_join(d, names[i])) < 0)
				return -ENOMEM;
		}
	}
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

static int host_note(struct scan *s, const char *fmt, ...) _printf_(2, 3);
static int host_note(struct scan *s, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL, *host = escape_display(s->run->opt.host);
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return model_note(&s->run->model, "--host %s: %s", host ? host : "?", msg);
}

/* Where the line goes: the Host block that names the host, else a new one. */
static int advice_text(struct scan *s, const char *cfg, char **ret)
{
	const char *host = s->run->opt.host;

	for (size_t i = 0; i < s->user->n_opts; i++) {
		const struct client_config_option *o = &s->user->opts[i];
		if (strcasecmp(o->keyword, "Host") != 0 || o->active != 1)
			continue;
		/* A block that names the host itself, not "Host *"; said by where it is, not quoted. */
		for (size_t k = 0; o->args[k]; k++)
			if (o->args[k][0] != '!' && !strpbrk(o->args[k], "*?"))
				return asprintf(ret, "add the line \"PubkeyAcceptedAlgorithms +ssh-rsa\" to the Host "
						     "block at %s line %u; never for every host",
						o->file, o->line) < 0
					       ? -ENOMEM
					       : 0;
	}
	return asprintf(ret, "add a block \"Host %s\" with the line \"PubkeyAcceptedAlgorithms +ssh-rsa\" to %s, "
			     "above any \"Host *\"; never for every host",
			host, cfg) < 0
		       ? -ENOMEM
		       : 0;
}

static int advise_host(struct scan *s)
{
	_cleanup_strv_free_ char **ids = NULL;
	size_t n_rsa = 0, n_other = 0, n_found = 0;
	bool unknown = false;
	int r;

	if (!s->run->opt.host)
		return 0;
	if (s->ssh_major < 0)
		return host_note(s, "no ssh program was found in the target, so its version is unknown; no advice");
	if (!ssh_at_least(s, 8, 8))
		return host_note(s, "%s still signs with ssh-rsa (SHA-1 signatures were disabled in 8.8): "
				    "\"no mutual signature supported\" does not come from that",
				 s->ssh_version);
	const struct client_config_option *alg =
		first_of(s, "PubkeyAcceptedAlgorithms", "PubkeyAcceptedKeyTypes");
	if (alg && list_allows_ssh_rsa(alg->args[0])) {
		_cleanup_free_ char *file = escape_display(alg->file), *kw = client_config_keyword_display(alg->keyword);
		return host_note(s, "%s line %u already accepts ssh-rsa signatures (its %s names ssh-rsa)",
				 file ? file : "?", alg->line, kw ? kw : "keyword");
	}
	r = host_identities(s, &ids, &unknown);
	if (r < 0)
		return r;
	for (size_t i = 0; ids[i]; i++) {
		const struct authkeys_type *type = NULL;
		struct asuser_file f;
		/* A key ssh could offer: one the user can read. */
		r = asuser_read(s->rd, ids[i], 0, ASUSER_HEAD, &f);
		if (r < 0)
			return r;
		bool found = f.error == 0;
		asuser_file_done(&f);
		if (!found)
			continue;
		n_found++;
		r = key_type_of(s, ids[i], &type);
		if (r < 0)
			return r;
		if (type && type->family == AKF_RSA)
			n_rsa++;
		else
			n_other++;
	}
	if (n_found == 0)
		return host_note(s, "ssh would offer no key file to this host (keys held only by ssh-agent are not seen)");
	if (n_other > 0 || n_rsa == 0)
		return host_note(s, "ssh would also offer a key that is not RSA; \"no mutual signature supported\" "
				    "is not explained by the files");
	_cleanup_free_ char *text = NULL, *cfg = path_join(s->h.home, ".ssh/config");
	if (!cfg || advice_text(s, cfg, &text) < 0)
		return -ENOMEM;
	struct finding *f = add(s, PR_CLIENT_RSA_SHA1, cfg, "%s", text);
	if (!f ||
	    finding_add_evidence(f, "%s signs with RSA keys only as rsa-sha2-256/512 (8.8 and later)",
				 s->ssh_version) < 0 ||
	    finding_add_evidence(f, "every key file ssh would offer %s is RSA (%zu)", s->run->opt.host, n_rsa) < 0)
		return -ENOMEM;
	if (unknown && finding_add_evidence(f, "some IdentityFile lines depend on Match blocks or tokens; "
					       "keys held by ssh-agent are not seen") < 0)
		return -ENOMEM;
	return 0;
}

/* ---- --forget-host ---- */

static const char *event_text(enum known_hosts_what w)
{
	switch (w) {
	case KH_LINE_REMOVED:
		return "the line names only this host: removed";
	case KH_HASHED_REMOVED:
		return "a hashed entry for this host: removed";
	case KH_NAME_REMOVED:
		return "the line also names other hosts: only this name is removed";
	case KH_MARKER_KEPT:
		return "an @cert-authority or @revoked line: kept, as ssh-keygen -R keeps it";
	case KH_BAD_LINE:
		return "not a known_hosts entry: kept as it is";
	}
	return "?";
}

static int known_hosts_evidence(struct finding *f, const struct known_hosts_result *res)
{
	size_t shown = 0;

	for (size_t i = 0; i < res->n_events; i++) {
		if (shown == EVIDENCE_MAX)
			return finding_add_evidence(f, "... and %zu more line(s)", res->n_events - i);
		if (finding_add_evidence(f, "line %u: %s", res->events[i].line, event_text(res->events[i].what)) < 0)
			return -ENOMEM;
		shown++;
	}
	return 0;
}

/* What forgetting found in one file (path, as the reader read it), as a finding or a note. */
static int forget_result(struct scan *s, const char *path, const struct asuser_file *kh,
			 const struct known_hosts_result *res)
{
	const char *host = s->run->opt.forget_host;
	struct finding *f;
	size_t n_bad = 0;

	for (size_t i = 0; i < res->n_events; i++)
		n_bad += res->events[i].what == KH_BAD_LINE;
	if (res->n_removed == 0) {
		_cleanup_free_ char *p = escape_display(path);
		if (n_bad == 0)
			return 0;
		return model_note(&s->run->model,
				  "%s: %zu line(s) are not known_hosts entries (the first is line %u); left as they are",
				  p ? p : "?", n_bad, res->events[0].line);
	}
	const char *unsafe = unsafe_reason(s, path, kh->indirect, &kh->st);
	if (unsafe)
		f = add(s, PR_CLIENT_FILE_UNSAFE, path, "holds %zu entr%s for %s; %s", res->n_removed,
			res->n_removed == 1 ? "y" : "ies", host, unsafe);
	else {
		unsigned char h[32];
		struct sha256 ctx;
		sha256_init(&ctx);
		sha256_update(&ctx, kh->data, kh->len);
		sha256_final(&ctx, h);
		f = add(s, PR_CLIENT_KNOWN_HOST, path, "%zu entr%s for %s", res->n_removed,
			res->n_removed == 1 ? "y" : "ies", host);
		if (f)
			/* The rewrite starts from these bytes, or does not happen. */
			set_seen(f, &kh->st, h);
	}
	return f ? known_hosts_evidence(f, res) : -ENOMEM;
}

static int forget_in(struct scan *s, const char *name, size_t *ret_found, bool *ret_unreadable)
{
	_cleanup_free_ char *path = path_join(s->h.home, name);
	struct known_hosts_result res = {0};
	struct asuser_file kh;
	struct buf out = {0};
	int r;

	if (!path)
		return -ENOMEM;
	/* Read as the user: a known_hosts that is a link to a root-only file gives what ssh gets. */
	r = asuser_read(s->rd, path, CONFIG_MAX, 0, &kh);
	if (r < 0)
		return r;
	if (kh.error == -ENOENT) {
		asuser_file_done(&kh);
		return 0;
	}
	if (kh.error < 0) {
		_cleanup_free_ char *p = escape_display(path);
		if (kh.error == -EFBIG)
			run_error(s->run, "Refusing to read '%s': it is larger than %u MiB", p ? p : "?", CONFIG_MAX >> 20);
		else
			run_error(s->run, "Cannot read '%s': %s", p ? p : "?",
				  kh.error == -EINVAL ? "it is not a regular file" : strerror(-kh.error));
		*ret_unreadable = true;
		asuser_file_done(&kh);
		return 0;
	}
	r = known_hosts_forget(kh.data, kh.len, s->run->opt.forget_host, &out, &res);
	buf_done(&out);
	if (r == 0) {
		*ret_found += res.n_removed;
		r = forget_result(s, path, &kh, &res);
	}
	known_hosts_result_done(&res);
	asuser_file_done(&kh);
	return r < 0 ? r : 0;
}

static int forget_host(struct scan *s)
{
	bool unreadable = false;
	size_t found = 0;
	int r;

	if (!s->run->opt.forget_host)
		return 0;
	r = forget_in(s, ".ssh/known_hosts", &found, &unreadable);
	if (r == 0)
		r = forget_in(s, ".ssh/known_hosts2", &found, &unreadable);
	if (r == 0 && found == 0 && !unreadable) {
		_cleanup_free_ char *h = escape_display(s->run->opt.forget_host);
		r = model_note(&s->run->model, "--forget-host %s: no entry for it is left in ~/.ssh/known_hosts or known_hosts2", h ? h : "?");
	}
	return r;
}

static int forget_repair(struct run *run, struct finding *f)
{
	_cleanup_free_ char *data = NULL;
	struct known_hosts_result res = {0};
	struct buf out = {0};
	size_t len = 0;
	int r;

	r = journal_read_current(run->journal, f->path, &data, &len);
	if (r < 0)
		return r;
	r = known_hosts_forget(data, len, run->opt.forget_host, &out, &res);
	known_hosts_result_done(&res);
	if (r == 0)
		r = journal_write_file(run->journal, f->path, out.data, out.len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
	buf_done(&out);
	return r < 0 ? r : 0;
}

/* ---- the family ---- */

static int note_home(struct scan *s)
{
	_cleanup_free_ char *home = escape_display(s->h.home), *name = escape_display(s->h.pw.name);

	return model_note(&s->run->model, "client side: %s, as %s (uid %u)%s; %s%s", home ? home : "?",
			  name ? name : "?", (unsigned) s->h.pw.uid,
			  s->h.pw_known ? "" : ", not in the target's /etc/passwd",
			  s->ssh_version ? s->ssh_version : "no ssh program found (upstream rules apply)",
			  s->debian ? " (Debian: a group-writable configuration is fine when the group holds only "
				      "its owner)"
				    : "");
}

/* The reader with the account's rights: its groups from the target's own files, never NSS. */
static int open_reader(struct scan *s)
{
	struct asuser_cred cred = { .uid = s->h.pw.uid, .gid = s->h.pw.gid };
	int r;

	if (s->h.pw_known)
		r = accounts_user_gids(&s->run->model.accounts, &s->h.pw, &s->gids, &s->n_gids);
	else {
		/* Not in passwd: its primary group is the home's, and no other. */
		s->gids = malloc(sizeof(gid_t));
		r = s->gids ? 0 : -ENOMEM;
		if (s->gids) {
			s->gids[0] = s->h.pw.gid;
			s->n_gids = 1;
		}
	}
	if (r < 0)
		return r;
	cred.groups = s->gids;
	cred.n_groups = s->n_gids;
	return asuser_new(s->run->target, &cred, &s->rd);
}

static int client_detect(struct run *run)
{
	struct scan s = { .run = run };
	int r;

	if (!run->opt.client || !run->opt.home)
		return 0;
	r = client_home_resolve(run->target, &run->model.accounts, run->opt.home, run->opt.home_given, &s.h);
	if (r < 0) {
		_cleanup_free_ char *p = escape_display(run->opt.home);
		if (r == -ENOMEM)
			return r;
		run_error(run, "Cannot examine the home '%s': %s", p ? p : "?",
			  r == -ENOTDIR ? "not a directory" : strerror(-r));
		return 0;
	}
	r = open_reader(&s);
	if (r < 0 && r != -ENOMEM) {
		_cleanup_free_ char *name = escape_display(s.h.pw.name);
		/* Never read as root instead: what the user could not read must not reach the report. */
		run_error(run, "Cannot read the files of %s with that account's rights (%s); nothing was examined",
			  name ? name : "?", strerror(-r));
		scan_done(&s);
		return 0;
	}
	if (r == 0)
		r = read_ssh_facts(&s);
	if (r == 0)
		r = note_home(&s);
	if (r == 0)
		r = load_configs(&s);
	if (r == 0)
		r = check_configs(&s);
	if (r == 0)
		r = check_keywords(&s);
	if (r == 0)
		r = check_keys(&s);
	if (r == 0)
		r = advise_host(&s);
	if (r == 0)
		r = forget_host(&s);
	if (r < 0 && r != -ENOMEM) {
		/* The reader failed (a stalled file system, a child that died): stop, say so. */
		_cleanup_free_ char *name = escape_display(s.h.pw.name);
		run_error(run, "Reading the files of %s with that account's rights failed (%s); the examination stopped",
			  name ? name : "?", strerror(-r));
		r = 0;
	}
	scan_done(&s);
	return r;
}

/* Does an earlier finding of this family already plan a change to the content of f's file? */
static bool content_planned(const struct run *run, const struct finding *f)
{
	for (size_t i = 0; i < run->n_findings && run->findings[i] != f; i++) {
		const struct finding *g = run->findings[i];
		if (g->fix == f->fix && g->n_changes > 0 && g->status == FS_FOUND && streq_ptr(g->path, f->path) &&
		    (g->problem->code == PR_CLIENT_CONFIG_BAD_OPTION || g->problem->code == PR_CLIENT_KNOWN_HOST))
			return true;
	}
	return false;
}

/* Is the content of f's file (as planned so far) still what detection hashed?  Sets *ret_why when not. */
static int same_content(struct run *run, struct finding *f, const char **ret_why)
{
	_cleanup_free_ char *data = NULL;
	unsigned char h[32];
	struct sha256 ctx;
	size_t len = 0;
	int r;

	/* A second edit of one file starts from the first one's result, which was checked. */
	if (!f->seen.has_hash || content_planned(run, f))
		return 0;
	r = journal_read_current(run->journal, f->path, &data, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret_why = "it cannot be read again";
		return 0;
	}
	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, h);
	explicit_bzero(data, len);
	if (memcmp(h, f->seen.sha256, sizeof(h)) != 0)
		*ret_why = "its content changed since it was examined";
	return 0;
}

/*
 * Plan nothing unless the target still holds, at f->path, the very object
 * detection examined, plainly the user's: reached by that path with no
 * symlink on the way, one link, the same dev/ino and owner, and (content)
 * the same bytes.  Returns 0, or -ESTALE with f->status_reason saying why.
 */
static int verify_seen(struct run *run, struct finding *f, bool content)
{
	struct target_path tp = {0};
	const char *why = NULL;
	int r;

	if (!f->seen.set || !f->path)
		why = "sshfix did not read this file itself";
	else {
		r = target_resolve(run->target, f->path, TR_NO_SYMLINKS, &tp, NULL);
		if (r == -ENOMEM)
			return r;
		if (r == -ELOOP)
			why = "it is now reached through a symlink";
		else if (r < 0 || !tp.exists)
			why = "it no longer exists";
		else if (!streq(tp.canon, f->path))
			why = "its path is not its own";
		else if (!S_ISREG(tp.st.st_mode))
			why = "it is no longer a regular file";
		else if ((uint64_t) tp.st.st_dev != f->seen.dev || (uint64_t) tp.st.st_ino != f->seen.ino)
			why = "it was replaced since it was examined";
		else if (tp.st.st_nlink != 1)
			why = "it has several hard links now";
		else if (tp.st.st_uid != f->seen.uid)
			why = "its owner changed since it was examined";
		target_path_done(&tp);
	}
	if (!why && content) {
		r = same_content(run, f, &why);
		if (r < 0)
			return r;
	}
	if (!why)
		return 0;
	free(f->status_reason);
	if (asprintf(&f->status_reason, "not changed: %s", why) < 0)
		f->status_reason = NULL;
	return -ESTALE;
}

static int client_repair(struct run *run, struct finding *f)
{
	enum problem_code code = f->problem->code;
	int r;

	r = verify_seen(run, f, code != PR_CLIENT_KEY_PERMS);
	if (r < 0)
		return r;
	if (code == PR_CLIENT_KNOWN_HOST)
		return forget_repair(run, f);
	if (code == PR_CLIENT_CONFIG_BAD_OPTION) {
		if (asprintf(&f->action, "comment out line %u", f->line) < 0)
			return -ENOMEM;
		return config_comment_out(run->target, run->journal, f->path, f->line, "unknown to this ssh");
	}
	return fix_repair_perms(run, f);
}

/*
 * Every repair here is made for the account whose home it is: the journal
 * keeps it to what is that account's (DESIGN §5).  The files ssh itself
 * opens by default may be given to it; anything else only if it owns it.
 */
static int client_subject(struct run *run, const struct finding *f, struct journal_subject *ret)
{
	static const char *const own[] = { ".ssh", ".ssh/config", ".ssh/known_hosts", ".ssh/known_hosts2" };
	struct client_home h;
	_cleanup_strv_free_ char **paths = NULL;
	int r;

	r = client_home_resolve(run->target, &run->model.accounts, run->opt.home, run->opt.home_given, &h);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(own); i++)
		if (strv_push(&paths, path_join(run->opt.home, own[i])) < 0) {
			client_home_done(&h);
			return -ENOMEM;
		}
	*ret = (struct journal_subject) {
		.uid = h.pw.uid, .gid = h.pw.gid, .name = f->user, .home = run->opt.home,
		.accounts = &run->model.accounts, .paths = TAKE_PTR(paths),
	};
	client_home_done(&h);
	return 1;
}

const struct fix fix_client = {
	.id = "client",
	.summary = "--client: private keys, ~/.ssh/config and its includes, known_hosts of the connecting side",
	.rules = "RULES §5, §1.8",
	.problems = client_problems,
	.detect = client_detect,
	.repair = client_repair,
	.subject = client_subject,
	.client_side = true,
};
