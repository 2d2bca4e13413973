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
 *    permissions on F".  The repair is go-w, and the user as owner when the
 *    file is plainly the user's: in the home, reached without a symlink, in a
 *    directory the user owns.  Lines ssh refuses are reported.
 *  - --host HOST (§5.4): "no mutual signature supported" happens between an
 *    ssh from 8.8 on, an RSA key and a server that offers only ssh-rsa
 *    signatures.  Only the first two can be seen in files; when they hold,
 *    the per-host line that works around it is shown as advice, never
 *    written (and never for every host).
 *  - --forget-host HOST (§5.3): the host's entries leave ~/.ssh/known_hosts
 *    (and known_hosts2), as `ssh-keygen -R` removes them, hashed ones
 *    included (src/known_hosts.h).
 *
 * Nothing outside the home is changed, nor anything reached through a
 * symlink that leads out of it, nor a file with several hard links.
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

#include "authkeys.h"
#include "client.h"
#include "client_config.h"
#include "config_edit.h"
#include "fixes.h"
#include "known_hosts.h"
#include "run.h"
#include "sandbox.h"
#include "strictmodes.h"
#include "util.h"

#define SYSTEM_CLIENT_CONFIG "/etc/ssh/ssh_config"
#define KEY_READ_MAX (1u << 20)
#define EVIDENCE_MAX 20

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
	  "permissions on F\" before connecting anywhere. The write bits are removed; a file in the "
	  "user's own directory gets the user as owner. RULES §5.2, §1.8" },
	{ PR_CLIENT_CONFIG_OWNER, "client-config-owner", SEV_ERROR, PF_REPORT_ONLY,
	  "ssh client configuration {path} of {user} {detail}: ssh stops, \"Bad owner or permissions\"",
	  "The file is owned by another account and is not plainly the user's (it is reached through "
	  "a symlink, or its directory is not the user's): sshfix does not give it away. Make it the "
	  "user's or root's, or remove the Include. RULES §5.2" },
	{ PR_CLIENT_FILE_UNSAFE, "client-file-unsafe", SEV_ERROR, PF_REPORT_ONLY,
	  "for {user}: {path} {detail}; sshfix does not change it",
	  "The file needs a repair, but changing it could change something else: it has several hard "
	  "links (it may be another file, such as /etc/shadow, linked into the home), it lies outside "
	  "the home or is reached through a symlink that leads out of it, or it is not a regular "
	  "file. Repair it by hand. RULES §5.1-5.3" },
	{ PR_CLIENT_CONFIG_INVALID, "client-config-invalid", SEV_ERROR, PF_REPORT_ONLY,
	  "ssh client configuration {path} line {line}: {detail}",
	  "ssh stops at this line before connecting (\"terminating, 1 bad configuration options\", "
	  "\"Too many recursive configuration includes\"). sshfix does not guess what was meant. "
	  "RULES §5.2" },
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
	  "{path} line {line}: this ssh does not know \"{detail}\" and stops before connecting",
	  "ssh prints \"Bad configuration option\" and \"terminating, N bad configuration options\" "
	  "and connects nowhere, for every host: a keyword from a newer ssh, another program's "
	  "syntax, or a typo. This ssh itself was asked (ssh -G, run as the home's owner, on the "
	  "machine it runs on). The line is commented out with a marker; IgnoreUnknown is the "
	  "lasting way to share one file with older clients. RULES §5.2" },
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
	bool debian;		/* the client ssh has Debian's group-writable rule (RULES §1.8) */
	int ssh_major, ssh_minor;	/* -1: no ssh binary found */
	const char *ssh_path;		/* that binary, in the target */
	char *ssh_version;
	struct client_config *user, *system;
	char **seen_keys;	/* canonical key paths already examined */
	char **seen_configs;	/* canonical configuration files already examined */
};

static void scan_done(struct scan *s)
{
	client_home_done(&s->h);
	free(s->ssh_version);
	client_config_free(s->user);
	client_config_free(s->system);
	strv_free(s->seen_keys);
	strv_free(s->seen_configs);
}

static bool already_found(const struct run *run, enum problem_code code, const char *path, unsigned line)
{
	for (size_t i = 0; i < run->n_findings; i++)
		if (run->findings[i].problem->code == code && streq_ptr(run->findings[i].path, path) &&
		    run->findings[i].line == line)
			return true;
	return false;
}

static struct finding *add(struct scan *s, enum problem_code code, const char *path, const char *fmt, ...)
	_printf_(4, 5);
static struct finding *add(struct scan *s, enum problem_code code, const char *path, const char *fmt, ...)
{
	struct finding *f = run_add_finding(s->run, code, path, s->h.pw.name);
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

static int evidence_stat(struct finding *f, const char *path, const struct stat *st)
{
	char m[8];

	return finding_add_evidence(f, "%s: mode %s, owner %u:%u, %lu link(s)", path, mode_str(st->st_mode, m),
				    (unsigned) st->st_uid, (unsigned) st->st_gid, (unsigned long) st->st_nlink);
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

/* Why a file that needs a repair may not be changed, or NULL. */
static const char *unsafe_reason(const struct scan *s, const struct target_path *tp)
{
	if (!S_ISREG(tp->st.st_mode))
		return "it is not a regular file";
	if (tp->st.st_nlink > 1)
		return "it has several hard links";
	if (!path_is_below(tp->canon, s->h.home))
		return "it is outside the home";
	return NULL;
}

/*
 * A finding on a file ssh names `name`: a repair needs the canonical path;
 * a report names the file as ssh does, and where a symlink leads.
 */
static struct finding *add_file_finding(struct scan *s, enum problem_code code, const char *name,
					const struct target_path *tp, const char *what, const char *tail)
{
	bool fixable = code == PR_CLIENT_KEY_PERMS || code == PR_CLIENT_CONFIG_PERMS;

	if (fixable || streq(name, tp->canon))
		return add(s, code, fixable ? tp->canon : name, "%s%s%s", what, tail ? "; " : "", tail ? tail : "");
	return add(s, code, name, "leads to %s, which %s%s%s", tp->canon, what, tail ? "; " : "", tail ? tail : "");
}

/* Plainly the user's: reached without a symlink, in a directory the user owns, inside the home. */
static bool plainly_users(struct scan *s, const struct target_path *tp)
{
	_cleanup_free_ char *parent = path_parent(tp->canon);
	struct stat st;

	if (!parent || tp->n_symlinks > 0 || target_stat(s->run->target, parent, &st) < 0)
		return false;
	return st.st_uid == s->h.pw.uid;
}

static int check_config_file(struct scan *s, const struct client_config_file *file)
{
	struct target *t = s->run->target;
	const struct accounts *a = &s->run->model.accounts;
	struct target_path tp = {0};
	struct finding *f = NULL;
	char what[128];
	unsigned bad;
	int r;

	r = target_resolve(t, file->path, 0, &tp, NULL);
	if (r < 0 || !tp.exists) {
		target_path_done(&tp);
		return r == -ENOMEM ? r : 0;
	}
	bad = strictmodes_check(a, &s->h.pw, &tp.st, s->debian);
	if (!bad || strv_contains(s->seen_configs, tp.canon)) {
		target_path_done(&tp);
		return 0;
	}
	r = strv_push(&s->seen_configs, strdup(tp.canon));
	if (r < 0) {
		target_path_done(&tp);
		return r;
	}
	describe_bits(bad, &tp.st, what, sizeof(what));
	const char *unsafe = unsafe_reason(s, &tp);
	if (unsafe) {
		_cleanup_free_ char *w = NULL;
		if (asprintf(&w, "%s: ssh stops, \"Bad owner or permissions\"", what) >= 0)
			f = add_file_finding(s, PR_CLIENT_FILE_UNSAFE, file->path, &tp, w, unsafe);
	} else if ((bad & SM_BAD_OWNER) && !plainly_users(s, &tp))
		f = add_file_finding(s, PR_CLIENT_CONFIG_OWNER, file->path, &tp, what, NULL);
	else {
		struct stat after = tp.st;
		f = add(s, PR_CLIENT_CONFIG_PERMS, tp.canon, "%s", what);
		if (f) {
			if (bad & SM_BAD_OWNER) {
				after.st_uid = s->h.pw.uid;
				after.st_gid = s->h.pw.gid;
			}
			/* What is still refused once the owner is right (Debian: a private group may write). */
			unsigned left = strictmodes_check(a, &s->h.pw, &after, s->debian);
			after.st_mode &= ~(mode_t) ((left & SM_OTHER_WRITABLE ? S_IWOTH : 0) |
						    (left & SM_GROUP_WRITABLE ? S_IWGRP : 0));
			f->want = (struct perms_want) {
				.mode = after.st_mode & 07777,
				.uid = (bad & SM_BAD_OWNER) ? after.st_uid : (uid_t) -1,
				.gid = (bad & SM_BAD_OWNER) ? after.st_gid : (gid_t) -1,
			};
		}
	}
	r = f ? evidence_stat(f, tp.canon, &tp.st) : -ENOMEM;
	if (r == 0 && !streq(file->path, tp.canon))
		r = finding_add_evidence(f, "ssh opens it as %s", file->path);
	if (r == 0 && file->from)
		r = finding_add_evidence(f, "included from %s line %u", file->from, file->from_line);
	target_path_done(&tp);
	return r;
}

static int report_diags(struct scan *s, const struct client_config *c)
{
	for (size_t i = 0; i < c->n_diags; i++) {
		const struct client_config_diag *d = &c->diags[i];
		enum problem_code code = d->kind == CCD_NUL ? PR_CLIENT_CONFIG_BINARY : PR_CLIENT_CONFIG_INVALID;
		struct finding *f;

		if (d->kind == CCD_TOO_LARGE) {
			_cleanup_free_ char *p = escape_display(d->file);
			run_error(s->run, "Refusing to read '%s': it is larger than %u MiB", p ? p : "?", CONFIG_MAX >> 20);
			continue;
		}
		if (already_found(s->run, code, d->file, d->line))
			continue;
		f = add(s, code, d->file, "%s", d->message);
		if (!f)
			return -ENOMEM;
		f->line = d->line;
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
	r = client_config_load(s->run->target, path, &ctx, &s->user);
	if (r < 0)
		return r;
	ctx.system = true;
	return client_config_load(s->run->target, SYSTEM_CLIENT_CONFIG, &ctx, &s->system);
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
	r = report_diags(s, s->user);
	return r < 0 ? r : report_diags(s, s->system);
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

static int ask_ssh(struct scan *s, const struct client_config *c)
{
	const struct sandbox_opts opts = { .host = true, .as_uid = s->h.pw.uid, .as_gid = s->h.pw.gid };
	struct sandbox_result res = {0};
	struct client_config_bad_option *bad = NULL;
	size_t n = 0;
	const char *why;
	int r;

	if (c->n_files == 0)
		return 0;	/* no such file */
	if (runs_commands(c))
		return model_note(&s->run->model, "%s was not given to ssh -G to find keywords it does not know: a "
				  "\"Match exec\" line would run its command", c->files[0].path);
	const char *const argv[] = { s->ssh_path, "-G", "-F", c->files[0].path, "sshfix-config-check", NULL };
	r = sandbox_run(s->run->target, argv, &opts, &res, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return model_note(&s->run->model, "%s could not be checked with %s -G: %s", c->files[0].path,
				  s->ssh_path, why ? why : strerror(-r));
	r = client_config_bad_options(res.output ? res.output : "", &bad, &n);
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct finding *f;
		if (already_found(s->run, PR_CLIENT_CONFIG_BAD_OPTION, bad[i].file, bad[i].line))
			continue;
		f = run_add_finding(s->run, PR_CLIENT_CONFIG_BAD_OPTION, bad[i].file, s->h.pw.name);
		if (!f || finding_set_detail(f, "%s", bad[i].keyword) < 0 ||
		    finding_add_evidence(f, "%s -G: %s: line %u: Bad configuration option: %s", s->ssh_path,
					 bad[i].file, bad[i].line, bad[i].keyword) < 0)
			r = -ENOMEM;
		else
			f->line = bad[i].line;
	}
	client_config_bad_options_free(bad, n);
	sandbox_result_done(&res);
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
	r = ask_ssh(s, s->user);
	return r < 0 ? r : ask_ssh(s, s->system);
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

/* Does the file hold a private key?  Only its first bytes are looked at. */
static bool looks_private(struct target *t, const char *path)
{
	_cleanup_close_ int fd = target_open_inode(t, path, TR_NO_SYMLINKS, NULL);
	char head[512];
	ssize_t n;

	if (fd < 0)
		return false;
	n = RETRY_EINTR(read(fd, head, sizeof(head)));
	if (n <= 0)
		return false;
	bool yes = authkeys_private_key_marker(head, (size_t) n) != NULL;
	explicit_bzero(head, sizeof(head));
	return yes;
}

static int check_key(struct scan *s, const char *path, bool named)
{
	struct target *t = s->run->target;
	struct target_path tp = {0};
	struct finding *f = NULL;
	char m[8];
	int r;

	r = target_resolve(t, path, 0, &tp, NULL);
	if (r < 0 || !tp.exists || !S_ISREG(tp.st.st_mode) || strv_contains(s->seen_keys, tp.canon)) {
		target_path_done(&tp);
		return r == -ENOMEM ? r : 0;
	}
	r = strv_push(&s->seen_keys, strdup(tp.canon));
	if (r < 0 || (!named && !looks_private(t, tp.canon))) {
		target_path_done(&tp);
		return r;
	}
	const struct stat *st = &tp.st;
	if (st->st_uid != s->h.pw.uid) {
		const struct pw_entry *owner = accounts_user_by_uid(&s->run->model.accounts, st->st_uid);
		_cleanup_free_ char *who = owner ? escape_display_trunc(owner->name, 64) : NULL;
		_cleanup_free_ gid_t *gids = NULL;
		size_t n_gids = 0;
		if (accounts_user_gids(&s->run->model.accounts, &s->h.pw, &gids, &n_gids) < 0) {
			target_path_done(&tp);
			return -ENOMEM;
		}
		bool readable = strictmodes_user_can(&s->h.pw, gids, n_gids, st, R_OK);
		char uid[24];
		snprintf(uid, sizeof(uid), "uid %u", (unsigned) st->st_uid);
		_cleanup_free_ char *w = NULL;
		if (asprintf(&w, "is owned by %s (mode %s), %s", who ? who : uid, mode_str(st->st_mode, m),
			     readable ? "so ssh does not check its mode" : "and ssh cannot read it") >= 0)
			f = add_file_finding(s, PR_CLIENT_KEY_OWNER, path, &tp, w, NULL);
	} else if (st->st_mode & 077) {
		const char *unsafe = unsafe_reason(s, &tp);
		_cleanup_free_ char *w = NULL;
		if (unsafe && asprintf(&w, "is a private key others can use (mode %s): ssh refuses it",
				       mode_str(st->st_mode, m)) < 0)
			w = NULL;
		if (unsafe)
			f = w ? add_file_finding(s, PR_CLIENT_FILE_UNSAFE, path, &tp, w, unsafe) : NULL;
		else {
			f = add(s, PR_CLIENT_KEY_PERMS, tp.canon, "mode %s", mode_str(st->st_mode, m));
			if (f)
				f->want.mode = (st->st_mode & 0600) == 0400 ? 0400 : 0600;
		}
	} else {
		target_path_done(&tp);
		return 0;
	}
	r = f ? evidence_stat(f, tp.canon, st) : -ENOMEM;
	if (r == 0 && !streq(path, tp.canon))
		r = finding_add_evidence(f, "ssh opens it as %s", path);
	target_path_done(&tp);
	return r;
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
			_cleanup_free_ char *a = escape_display_trunc(o->args[0], 100), *file = escape_display(o->file),
					    *note = NULL;
			/* A file included twice names it twice; say it once. */
			if (asprintf(&note, "IdentityFile %s (%s line %u) was not examined: %s", a ? a : "?",
				     file ? file : "?", o->line, why) < 0)
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
	_cleanup_free_ char *dir = path_join(s->h.home, ".ssh");
	_cleanup_strv_free_ char **names = NULL;
	int r;

	if (!dir)
		return -ENOMEM;
	r = target_list_dir(s->run->target, dir, &names);
	if (r == -ENOMEM)
		return r;
	for (size_t i = 0; r >= 0 && names[i]; i++) {
		size_t n = strlen(names[i]);
		if (!startswith(names[i], "id_") || (n >= 4 && streq(names[i] + n - 4, ".pub")))
			continue;
		_cleanup_free_ char *p = path_join(dir, names[i]);
		if (!p)
			return -ENOMEM;
		/* ssh loads the default names; another id_* file only when named, so it must be a key. */
		r = check_key(s, p, default_key_name(names[i]));
		if (r < 0)
			return r;
	}
	r = check_identity_files(s, s->user);
	return r < 0 ? r : check_identity_files(s, s->system);
}

/* ---- --host: the RSA/SHA-1 advice ---- */

/* The key type a private key file holds, from its .pub, else from the key itself; NULL if unknown. */
static const struct authkeys_type *key_type_of(struct target *t, const char *path)
{
	_cleanup_free_ char *pub = NULL, *data = NULL, *pubpath = NULL;
	const struct authkeys_type *type = NULL;
	size_t len = 0;

	if (asprintf(&pubpath, "%s.pub", path) < 0)
		return NULL;
	if (target_read_file(t, pubpath, 1u << 16, &pub, &len) == 0) {
		size_t n = strcspn(pub, " \t\r\n");
		type = authkeys_type_lookup(pub, n);
		if (type)
			return type;
	}
	if (target_read_file(t, path, KEY_READ_MAX, &data, &len) < 0)
		return NULL;
	if (strstr(data, "-----BEGIN RSA PRIVATE KEY-----"))
		type = authkeys_type_lookup("ssh-rsa", 7);
	else if (strstr(data, "-----BEGIN OPENSSH PRIVATE KEY-----")) {
		/* "openssh-key-v1\0", cipher, kdf, kdf options, count, then the first public key blob. */
		const char *b = strstr(data, "-----BEGIN OPENSSH PRIVATE KEY-----") + 35;
		const char *e = strstr(b, "-----END");
		_cleanup_free_ unsigned char *blob = NULL;
		size_t n = 0, off = 15;
		if (e && authkeys_base64_decode(b, (size_t) (e - b), &blob, &n) == 0 && n > off &&
		    memcmp(blob, "openssh-key-v1", 15) == 0) {
			for (int field = 0; field < 3 && off + 4 <= n; field++)
				off += 4 + ((size_t) blob[off] << 24 | (size_t) blob[off + 1] << 16 |
					    (size_t) blob[off + 2] << 8 | blob[off + 3]);
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
	}
	explicit_bzero(data, len);
	return type;
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
		/* A block that names the host itself, not "Host *". */
		for (size_t k = 0; o->args[k]; k++)
			if (o->args[k][0] != '!' && !strpbrk(o->args[k], "*?"))
				return asprintf(ret, "add the line \"PubkeyAcceptedAlgorithms +ssh-rsa\" to the block "
						     "\"Host %s\" (%s line %u); never for every host",
						o->args[k], o->file, o->line) < 0
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
	if (alg && list_allows_ssh_rsa(alg->args[0]))
		return host_note(s, "%s line %u already accepts ssh-rsa signatures (%s %s)", alg->file, alg->line,
				 alg->keyword, alg->args[0]);
	r = host_identities(s, &ids, &unknown);
	if (r < 0)
		return r;
	for (size_t i = 0; ids[i]; i++) {
		struct stat st;
		if (target_stat(s->run->target, ids[i], &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		n_found++;
		const struct authkeys_type *type = key_type_of(s->run->target, ids[i]);
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

/* What forgetting found in one file (canonical tp), as a finding or a note. */
static int forget_result(struct scan *s, const struct target_path *tp, const struct known_hosts_result *res)
{
	const char *host = s->run->opt.forget_host;
	struct finding *f;
	size_t n_bad = 0;

	for (size_t i = 0; i < res->n_events; i++)
		n_bad += res->events[i].what == KH_BAD_LINE;
	if (res->n_removed == 0) {
		_cleanup_free_ char *p = escape_display(tp->canon);
		if (n_bad == 0)
			return 0;
		return model_note(&s->run->model,
				  "%s: %zu line(s) are not known_hosts entries (the first is line %u); left as they are",
				  p ? p : "?", n_bad, res->events[0].line);
	}
	const char *unsafe = unsafe_reason(s, tp);
	if (unsafe)
		f = add(s, PR_CLIENT_FILE_UNSAFE, tp->canon, "holds %zu entr%s for %s; %s", res->n_removed,
			res->n_removed == 1 ? "y" : "ies", host, unsafe);
	else
		f = add(s, PR_CLIENT_KNOWN_HOST, tp->canon, "%zu entr%s for %s", res->n_removed,
			res->n_removed == 1 ? "y" : "ies", host);
	return f ? known_hosts_evidence(f, res) : -ENOMEM;
}

static int forget_in(struct scan *s, const char *name, size_t *ret_found, bool *ret_unreadable)
{
	_cleanup_free_ char *path = path_join(s->h.home, name), *data = NULL;
	struct known_hosts_result res = {0};
	struct target_path tp = {0};
	struct buf out = {0};
	size_t len = 0;
	int r;

	if (!path)
		return -ENOMEM;
	r = target_resolve(s->run->target, path, 0, &tp, NULL);
	if (r == 0 && tp.exists)
		r = target_read_file(s->run->target, tp.canon, CONFIG_MAX, &data, &len);
	else if (r != -ENOMEM)
		r = 1;	/* no such file */
	if (r < 0 && r != -ENOMEM) {
		_cleanup_free_ char *p = escape_display(path);
		if (r == -EFBIG)
			run_error(s->run, "Refusing to read '%s': it is larger than %u MiB", p ? p : "?", CONFIG_MAX >> 20);
		else
			run_error(s->run, "Cannot read '%s': %s", p ? p : "?",
				  r == -EINVAL ? "it is not a regular file" : strerror(-r));
		*ret_unreadable = true;
		r = 1;
	}
	if (r == 0)
		r = known_hosts_forget(data, len, s->run->opt.forget_host, &out, &res);
	buf_done(&out);
	if (r == 0) {
		*ret_found += res.n_removed;
		r = forget_result(s, &tp, &res);
	}
	known_hosts_result_done(&res);
	target_path_done(&tp);
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
	scan_done(&s);
	return r;
}

static int client_repair(struct run *run, struct finding *f)
{
	if (f->problem->code == PR_CLIENT_KNOWN_HOST)
		return forget_repair(run, f);
	if (f->problem->code == PR_CLIENT_CONFIG_BAD_OPTION) {
		if (asprintf(&f->action, "comment out line %u", f->line) < 0)
			return -ENOMEM;
		return config_comment_out(run->target, run->journal, f->path, f->line, "unknown to this ssh");
	}
	return fix_repair_perms(run, f);
}

const struct fix fix_client = {
	.id = "client",
	.summary = "--client: private keys, ~/.ssh/config and its includes, known_hosts of the connecting side",
	.rules = "RULES §5, §1.8",
	.problems = client_problems,
	.detect = client_detect,
	.repair = client_repair,
	.client_side = true,
};
