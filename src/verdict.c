/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-user verdict (src/verdict.h): judge() walks sshd's own order one
 * step at a time, in each of the two worlds a client-dependent
 * configuration has; verdict_user() merges them, and asks the sshd oracle
 * for the effective configuration where the target's sshd runs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "keyfiles.h"
#include "keywalk.h"
#include "oracle.h"
#include "sshmatch.h"
#include "util.h"
#include "verdict.h"

/* ------------------------------------------------------------------ */
/* Verdicts and their reasons                                         */

static const char *const why_names[_VW_MAX] = {
	[VW_SERVER] = "server",
	[VW_ACCOUNT_EXPIRED] = "account-expired",
	[VW_ACCOUNT_LOCKED] = "account-locked",
	[VW_SHELL_MISSING] = "shell-missing",
	[VW_SHELL_NOT_EXECUTABLE] = "shell-not-executable",
	[VW_DENY_USERS] = "deny-users",
	[VW_ALLOW_USERS] = "allow-users",
	[VW_NO_GROUPS] = "no-groups",
	[VW_DENY_GROUPS] = "deny-groups",
	[VW_ALLOW_GROUPS] = "allow-groups",
	[VW_PUBKEY_DISABLED] = "pubkey-disabled",
	[VW_AUTH_METHODS] = "authentication-methods",
	[VW_KEYS_TOKEN] = "keys-file-token",
	[VW_KEYS_REFUSED] = "keys-refused",
	[VW_NO_KEYS] = "no-keys",
	[VW_ROOT_LOGIN] = "root-login",
	[VW_NOLOGIN_FILE] = "nologin-file",
	[VW_PAM_MODULE_MISSING] = "pam-module-missing",
	[VW_PAM_ACCESS] = "pam-access",
	[VW_PAM_LISTFILE] = "pam-listfile",
	[VW_PAM_SUCCEED_IF] = "pam-succeed-if",
	[VW_PAM_ACCOUNT] = "pam-account",
	[VW_PAM_ACCOUNT_EXPIRED] = "pam-account-expired",
	[VW_PASSWORD_CHANGE] = "password-change",
	[VW_PAM_LIMITS] = "pam-limits",
	[VW_SHELL_NOLOGIN] = "shell-nologin",
};

const char *verdict_why_name(enum verdict_why w)
{
	return (unsigned) w < _VW_MAX && why_names[w] ? why_names[w] : "unknown";
}

static void reason_done(struct verdict_reason *r)
{
	free(r->text);
	free(r->path);
}

void verdict_done(struct verdict *v)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		reason_done(&v->reasons[i]);
	free(v->reasons);
	free(v->user);
	strv_free(v->evidence);
	*v = (struct verdict) {0};
}

/* A list of reasons in the order they were found. */
struct reasons {
	struct verdict_reason *r;
	size_t n;
};

static void reasons_done(struct reasons *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		reason_done(&rs->r[i]);
	free(rs->r);
	*rs = (struct reasons) {0};
}

static int reasons_vadd(struct reasons *rs, enum verdict_why why, bool depends, const char *path, unsigned line,
			const char *fmt, va_list ap)
{
	struct verdict_reason *n;
	char *text;

	/* One reason per kind: the first is what sshd says. */
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].why == why)
			return 0;
	if (vasprintf(&text, fmt, ap) < 0)
		return -ENOMEM;
	n = realloc(rs->r, (rs->n + 1) * sizeof(*n));
	if (!n) {
		free(text);
		return -ENOMEM;
	}
	rs->r = n;
	n[rs->n] = (struct verdict_reason) { .why = why, .text = text, .path = strdup_or_null(path), .line = line,
					     .depends = depends };
	if (path && !n[rs->n].path) {
		free(text);
		return -ENOMEM;
	}
	rs->n++;
	return 0;
}

static int reasons_add(struct reasons *rs, enum verdict_why why, const char *path, unsigned line, const char *fmt,
		       ...) _printf_(5, 6);
static int reasons_add(struct reasons *rs, enum verdict_why why, const char *path, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = reasons_vadd(rs, why, false, path, line, fmt, ap);
	va_end(ap);
	return r;
}

int verdict_add_reason(struct verdict *v, enum verdict_why why, bool depends, const char *path, unsigned line,
		       const char *fmt, ...)
{
	struct reasons rs = { v->reasons, v->n_reasons };
	va_list ap;

	va_start(ap, fmt);
	int r = reasons_vadd(&rs, why, depends, path, line, fmt, ap);
	va_end(ap);
	v->reasons = rs.r;
	v->n_reasons = rs.n;
	/* Keep sshd's order. */
	for (size_t i = v->n_reasons; i > 1 && v->reasons[i - 1].why < v->reasons[i - 2].why; i--) {
		struct verdict_reason t = v->reasons[i - 1];
		v->reasons[i - 1] = v->reasons[i - 2];
		v->reasons[i - 2] = t;
	}
	return r;
}

void verdict_settle(struct verdict *v)
{
	v->state = VERDICT_CAN;
	for (size_t i = 0; i < v->n_reasons; i++) {
		if (!v->reasons[i].depends) {
			v->state = VERDICT_CANNOT;
			return;
		}
		v->state = VERDICT_DEPENDS;
	}
}

const struct verdict_reason *verdict_first(const struct verdict *v)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		if (!v->reasons[i].depends)
			return &v->reasons[i];
	return v->n_reasons ? &v->reasons[0] : NULL;
}

/* Evidence is for --who; the checks skip the work (10,000 accounts). */
static int evidence(const struct verdict_env *env, struct verdict *v, const char *fmt, ...) _printf_(3, 4);
static int evidence(const struct verdict_env *env, struct verdict *v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!v || !env->detailed)
		return 0;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (strv_contains(v->evidence, s)) {
		free(s);
		return 0;
	}
	return strv_push(&v->evidence, s);
}

static const char *src_file(const struct sshd_option *o)
{
	return o ? o->file : NULL;
}

static unsigned src_line(const struct sshd_option *o)
{
	return o ? o->line : 0;
}

/* " (FILE line N)" for a message, or "" */
static const char *at(const struct sshd_option *o, char *buf, size_t n)
{
	if (!o)
		return "";
	snprintf(buf, n, " (%s line %u)", o->file, o->line);
	return buf;
}

static bool nologin_shell(const char *shell)
{
	const char *b = path_last(shell);

	return streq(b, "nologin") || streq(b, "false");
}

/* glibc reads a CRLF shadow line as no entry at all (src/accounts.h). */
static const struct sp_entry *shadow_of(const struct accounts *a, const char *name)
{
	const struct sp_entry *sp = accounts_shadow_by_name(a, name);

	return sp && !strchr(sp->flag, '\r') ? sp : NULL;
}

static void day_str(long day, char out[static 16])
{
	time_t t = (time_t) day * 86400;
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(out, 16, "%Y-%m-%d", &tm);
	else
		snprintf(out, 16, "day %ld", day);
}

/* Does the keys file hold at least one line sshd would try as a key? -1 when it cannot be read. */
static long count_key_lines(struct target *t, const char *path)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	long n = 0;

	if (target_read_file(t, path, CONFIG_MAX, &data, &len) < 0)
		return -1;
	for (size_t off = 0; off < len;) {
		const char *s = data + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t m = nl ? (size_t) (nl - s) : len - off;
		off += m + (nl ? 1 : 0);
		m = strnlen(s, m);
		size_t i = strspn(s, " \t");
		if (i < m && s[i] != '#' && s[i] != '\r')
			n++;
	}
	return n;
}

struct first_problem {
	char *text;
	char *path;
};

static int keep_first(void *userdata, const struct keywalk_user *u, const struct keywalk_problem *p)
{
	struct first_problem *fp = userdata;
	char buf[160];
	int r;

	(void) u;
	switch (p->what) {
	case KW_USER_SYMLINK:
		r = asprintf(&fp->text, "it is reached through the user's symlink %s, which leads out of the home to %s",
			     p->path, p->target);
		break;
	case KW_NOT_REGULAR:
		r = asprintf(&fp->text, "%s is not a regular file", p->path);
		break;
	default:
		keywalk_describe(p, buf, sizeof(buf));
		r = asprintf(&fp->text, "%s %s %s", p->is_file ? "the file" : "directory", p->path, buf);
		break;
	}
	if (r < 0 || !(fp->path = strdup(p->path)))
		return -ENOMEM;
	return 1;
}

/*
 * A user entry of AllowUsers/DenyUsers or a group entry, read in one world.
 * With --from (from), USER@HOST is read for that address, as sshd reads it
 * with UseDNS no (the host is the address).
 */
static bool user_entry_matches(const char *user, const char *entry, const char *from, enum verdict_world world,
			       bool *ret_depends)
{
	int r = sshmatch_user(user, from, from, entry);

	if (r == SSHMATCH_UNKNOWN) {
		*ret_depends = true;
		return world == WORLD_MATCHED;
	}
	return r == SSHMATCH_YES;
}

/* Does some name of the user's appear in entries without wildcards? */
static bool names(char **entries, const char *name, bool user)
{
	for (size_t i = 0; entries && entries[i]; i++) {
		const char *e = entries[i];
		size_t n = user ? strcspn(e, "@") : strlen(e);
		if (strcspn(e, "*?") >= n && strlen(name) == n && strncmp(e, name, n) == 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* The PAM account phase (RULES §13.4)                                */

/* pam_stack_run()'s view of one user: the module evaluations, kept for the reasons. */
struct acct_run {
	struct target *t;
	struct verdict_env *env;
	struct verdict *v;
	struct pam_subject who;
	const struct pam_line **lines;
	struct pam_eval *evals;
	size_t n;
	bool depends;
};

static int acct_module(void *userdata, const struct pam_line *l, enum pam_ret *ret)
{
	struct acct_run *x = userdata;
	struct pam_eval e;
	int r;

	r = pam_module_eval(x->t, &x->env->pam_cache, l, &x->who, &e);
	if (r < 0)
		return r;
	struct pam_eval *nv = realloc(x->evals, (x->n + 1) * sizeof(*nv));
	const struct pam_line **nl = realloc(x->lines, (x->n + 1) * sizeof(*nl));
	if (nv)
		x->evals = nv;
	if (nl)
		x->lines = nl;
	if (!nv || !nl) {
		pam_eval_done(&e);
		return -ENOMEM;
	}
	x->depends |= e.depends;
	*ret = e.ret;
	x->lines[x->n] = l;
	x->evals[x->n++] = e;
	return 0;
}

static const struct pam_eval *eval_of(const struct acct_run *x, const struct pam_line *l)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->lines[i] == l)
			return &x->evals[i];
	return NULL;
}

/*
 * The account stack of sshd's PAM service for pw in world: a reason for
 * every line whose failure made it refuse, evidence for --who.
 */
static int pam_account(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		       enum verdict_world world, struct verdict *v, bool *ret_depends, struct reasons *rs)
{
	const struct pam_stack *s = env->pam;
	struct acct_run x = {
		.t = t, .env = env, .v = v,
		.who = { .a = &m->accounts, .pw = pw, .service = s->service, .matched = world == WORLD_MATCHED,
			 .addr = env->from,
			 .nologin = verdict_nologin_blocks(env), .hostname = env->hostname },
	};
	struct pam_outcome o = {0};
	char buf[64];
	int r;

	r = pam_stack_run(s, PAMT_ACCOUNT, acct_module, &x, &o);
	for (size_t i = 0; r >= 0 && i < x.n; i++) {
		const struct pam_line *l = x.lines[i];
		if (!x.evals[i].judged)
			r = evidence(env, v, "PAM account stack: %s (%s line %u) is not judged by sshfix; taken to succeed",
				     pam_module_base(l, buf), l->file, l->line);
		else if (x.evals[i].text)
			r = evidence(env, v, "PAM account stack: %s (%s line %u): %s", pam_module_base(l, buf), l->file,
				     l->line, x.evals[i].text);
	}
	if (r >= 0 && o.success)
		r = evidence(env, v, "PAM account stack of %s (%s): lets %s in", s->service, s->path, pw->name);
	for (size_t i = 0; r >= 0 && !o.success && i < o.n_failed; i++) {
		const struct pam_line *l = o.failed[i];
		const struct pam_eval *e = eval_of(&x, l);
		const char *mod = pam_module_base(l, buf);
		if (l->kind == PAML_MUST_FAIL)
			r = reasons_add(rs, VW_PAM_ACCOUNT, l->file, l->line,
					"the PAM account stack fails for everyone: %s line %u: %s (\"Access denied for user %s "
					"by PAM account configuration\")",
					l->file, l->line, l->why_fail, pw->name);
		else if (l->state == PAM_MODULE_MISSING)
			r = reasons_add(rs, VW_PAM_MODULE_MISSING, l->file, l->line,
					"%s (%s line %u, account stack) does not exist on the target: libpam cannot load it "
					"(\"PAM unable to dlopen\") and the account stack fails (\"Access denied for user %s by "
					"PAM account configuration\")",
					l->module, l->file, l->line, pw->name);
		else if (pam_line_is(l, "pam_nologin"))
			r = reasons_add(rs, VW_NOLOGIN_FILE, "/etc/nologin", 0,
					"/etc/nologin exists: every login but root's is refused (pam_nologin, %s line %u)",
					l->file, l->line);
		else if (e && (pam_line_is(l, "pam_access") || pam_line_is(l, "pam_listfile") ||
			       pam_line_is(l, "pam_succeed_if")))
			r = reasons_add(rs,
					pam_line_is(l, "pam_access")	   ? VW_PAM_ACCESS
					: pam_line_is(l, "pam_listfile") ? VW_PAM_LISTFILE
									 : VW_PAM_SUCCEED_IF,
					e->path ? e->path : l->file, e->path ? e->line : l->line,
					"%s denies %s (%s; account stack, %s line %u): \"Access denied for user %s by PAM "
					"account configuration\"",
					mod, pw->name, e->text ? e->text : "refused", l->file, l->line, pw->name);
		else
			r = reasons_add(rs, VW_PAM_ACCOUNT, l->file, l->line,
					"%s (%s line %u, account stack) refuses %s%s%s (\"Access denied for user %s by PAM "
					"account configuration\")",
					mod, l->file, l->line, pw->name, e && e->text ? ": " : "", e && e->text ? e->text : "",
					pw->name);
	}
	if (r >= 0 && !o.success && o.n_failed == 0)
		r = reasons_add(rs, VW_PAM_ACCOUNT, s->path, 0,
				"no module of the PAM account stack (%s) lets %s in: libpam refuses (\"Access denied for "
				"user %s by PAM account configuration\")",
				s->path, pw->name, pw->name);
	if (x.depends)
		*ret_depends = true;
	for (size_t i = 0; i < x.n; i++)
		pam_eval_done(&x.evals[i]);
	free(x.evals);
	free(x.lines);
	pam_outcome_done(&o);
	return r < 0 ? r : 0;
}

/* ------------------------------------------------------------------ */
/* judge(): one step per stage of sshd's own order (RULES §6.1)       */

/* One user in one world: what every step reads, and where it adds. */
struct judge_ctx {
	struct target *t;
	const struct model *m;
	const struct accounts *a;
	struct verdict_env *env;
	const struct pw_entry *pw;
	const struct sp_entry *sp;	/* NULL: no shadow entry glibc would read */
	const char *shell;		/* "/bin/sh" for an empty field */
	const struct verdict_config *vc;
	enum verdict_world world;
	struct verdict *v;		/* evidence and facts go here; NULL in the second world */
	bool *depends;			/* set when an answer rests on the client */
	struct reasons *rs;
	char where[PATH_MAX + 32];	/* at()'s buffer */
};

#define AT(x, o) at((o), (x)->where, sizeof((x)->where))

/* allowed_user(), UsePAM no only: the account's own state (RULES §6.1a). */
static int step_account_state(struct judge_ctx *x)
{
	const struct sp_entry *sp = x->sp;
	char day[16];
	int r;

	if (x->vc->use_pam)
		return 0;
	if (sp && sp->expire >= 0 && (long) sp->expire < x->env->today) {
		day_str(sp->expire, day);
		r = reasons_add(x->rs, VW_ACCOUNT_EXPIRED, "/etc/shadow", (unsigned) sp->line + 1,
				"the account expired on %s (UsePAM no: \"Account %s has expired\")", day, x->pw->name);
		if (r < 0)
			return r;
	}
	const char *hash = sp ? sp->hash : x->pw->passwd;
	if (hash && hash[0] == '!')
		return reasons_add(x->rs, VW_ACCOUNT_LOCKED, sp ? "/etc/shadow" : "/etc/passwd",
				   (unsigned) (sp ? sp->line : x->pw->line) + 1,
				   "the password is locked ('!') and UsePAM is no, so keys are refused too "
				   "(\"User %s not allowed because account is locked\")",
				   x->pw->name);
	return 0;
}

/* allowed_user(): the shell, unless ChrootDirectory (RULES §6.1b). */
static int step_shell(struct judge_ctx *x)
{
	const char *shell = x->shell;
	_cleanup_free_ char *dir = NULL;
	struct stat st;
	int sr;

	if (x->vc->chroot)
		return 0;
	dir = path_parent(shell);
	sr = verdict_env_stat_shell(x->t, x->env, shell, &st);
	if (sr == -ENOMEM)
		return sr;
	if (sr < 0 && shell[0] == '/' && dir && target_stat(x->t, dir, &st) < 0) {
		/* Not even its directory: /usr not mounted?  Judging would blame every user. */
		if (!x->v || x->v->shell_unjudged)
			return 0;
		x->v->shell_unjudged = true;
		return evidence(x->env, x->v, "the shell %s was not judged: the target has no directory %s (is /usr mounted?)",
				shell, dir);
	}
	if (sr < 0)
		return reasons_add(x->rs, VW_SHELL_MISSING, "/etc/passwd", (unsigned) x->pw->line + 1,
				   "the shell %s does not exist (\"User %s not allowed because shell %s does not exist\")",
				   shell, x->pw->name, shell);
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return reasons_add(x->rs, VW_SHELL_NOT_EXECUTABLE, "/etc/passwd", (unsigned) x->pw->line + 1,
				   "the shell %s is not executable (\"User %s not allowed because shell %s is not "
				   "executable\")",
				   shell, x->pw->name, shell);
	return 0;
}

/* allowed_user(): DenyUsers, then AllowUsers (RULES §6.1c). */
static int step_users(struct judge_ctx *x)
{
	const struct verdict_config *vc = x->vc;
	int r;

	for (size_t i = 0; vc->deny_users[i]; i++)
		if (user_entry_matches(x->pw->name, vc->deny_users[i], x->env->from, x->world, x->depends)) {
			r = reasons_add(x->rs, VW_DENY_USERS, src_file(vc->src_deny_users), src_line(vc->src_deny_users),
					"DenyUsers %s names the user%s", vc->deny_users[i], AT(x, vc->src_deny_users));
			if (r < 0)
				return r;
			break;
		}
	if (!vc->allow_users[0])
		return 0;
	for (size_t i = 0; vc->allow_users[i]; i++)
		if (user_entry_matches(x->pw->name, vc->allow_users[i], x->env->from, x->world, x->depends))
			return 0;
	_cleanup_free_ char *list = strv_join(vc->allow_users, " ");
	return reasons_add(x->rs, VW_ALLOW_USERS, src_file(vc->src_allow_users), src_line(vc->src_allow_users),
			   "the user is not in AllowUsers %s%s", list ? list : "", AT(x, vc->src_allow_users));
}

/* DenyGroups: the first of the user's groups it names. */
static int deny_groups(struct judge_ctx *x, char **groups)
{
	const struct verdict_config *vc = x->vc;

	for (size_t i = 0; groups[i]; i++)
		for (size_t k = 0; vc->deny_groups[k]; k++)
			if (sshmatch_pattern(groups[i], vc->deny_groups[k]))
				return reasons_add(x->rs, VW_DENY_GROUPS, src_file(vc->src_deny_groups),
						   src_line(vc->src_deny_groups), "the user's group %s is in DenyGroups%s",
						   groups[i], AT(x, vc->src_deny_groups));
	return 0;
}

/* allowed_user(): DenyGroups, then AllowGroups, over the user's groups (RULES §6.1c). */
static int step_groups(struct judge_ctx *x)
{
	const struct verdict_config *vc = x->vc;
	_cleanup_strv_free_ char **groups = NULL;
	int r;

	if (!vc->deny_groups[0] && !vc->allow_groups[0])
		return 0;
	r = accounts_user_group_names(x->a, x->pw, &groups);
	if (r < 0)
		return r;
	if (!groups[0] &&
	    (r = reasons_add(x->rs, VW_NO_GROUPS, "/etc/group", 0,
			     "the user is in no group the target's /etc/group names, and Allow/DenyGroups are set")) < 0)
		return r;
	r = deny_groups(x, groups);
	if (r < 0 || !vc->allow_groups[0])
		return r;
	for (size_t i = 0; groups[i]; i++)
		for (size_t k = 0; vc->allow_groups[k]; k++)
			if (sshmatch_pattern(groups[i], vc->allow_groups[k]))
				return 0;
	_cleanup_free_ char *list = strv_join(vc->allow_groups, " ");
	return reasons_add(x->rs, VW_ALLOW_GROUPS, src_file(vc->src_allow_groups), src_line(vc->src_allow_groups),
			   "none of the user's groups is in AllowGroups %s%s", list ? list : "",
			   AT(x, vc->src_allow_groups));
}

/* The method: publickey must be enabled ... */
static int step_pubkey(struct judge_ctx *x)
{
	const struct verdict_config *vc = x->vc;

	if (vc->pubkey)
		return 0;
	return reasons_add(x->rs, VW_PUBKEY_DISABLED, src_file(vc->src_pubkey), src_line(vc->src_pubkey),
			   "PubkeyAuthentication is no%s", AT(x, vc->src_pubkey));
}

/* ... and enough on its own: some AuthenticationMethods list is "publickey" alone. */
static int step_auth_methods(struct judge_ctx *x)
{
	const struct verdict_config *vc = x->vc;

	if (!vc->auth_methods[0])
		return 0;
	for (size_t i = 0; vc->auth_methods[i]; i++) {
		bool ok = true;
		for (const char *p = vc->auth_methods[i]; *p && ok;) {
			size_t n = strcspn(p, ",");
			ok = n == strlen("publickey") && strncmp(p, "publickey", n) == 0;
			p += n + (p[n] == ',');
		}
		if (ok)
			return 0;
	}
	_cleanup_free_ char *list = strv_join(vc->auth_methods, " ");
	return reasons_add(x->rs, VW_AUTH_METHODS, src_file(vc->src_auth_methods), src_line(vc->src_auth_methods),
			   "AuthenticationMethods %s needs more than a key%s", list ? list : "", AT(x, vc->src_auth_methods));
}

/* What the keys files gave, file by file. */
struct keys_seen {
	struct keywalk_user u;	/* env->detailed only */
	bool any;		/* a keys file of the user's exists (v->has_keys) */
	bool usable;		/* one sshd accepts holds a key line */
	bool stop;		/* an unknown %-token: sshd drops the connection */
	char *refused, *refused_path;	/* the first refusal */
};

/*
 * One AuthorizedKeysFile entry: expanded, looked up (and with env->detailed
 * walked as sshd's StrictModes walks it, RULES §1.2-1.8).  Returns 0 or
 * -ENOMEM.
 */
static int keys_file(struct judge_ctx *x, struct keys_seen *k, const char *pattern)
{
	const struct verdict_config *vc = x->vc;
	const struct pw_entry *pw = x->pw;
	_cleanup_free_ char *path = NULL;
	struct first_problem fp = {0};
	char bad = 0;
	bool exists;
	int r;

	if (strcasecmp(pattern, "none") == 0)
		return 0;
	r = keyfiles_expand_tokens(pattern, pw, &path, &bad);
	if (r == -EINVAL) {
		k->stop = true;
		return reasons_add(x->rs, VW_KEYS_TOKEN, src_file(vc->src_keys_files), src_line(vc->src_keys_files),
				   "AuthorizedKeysFile %s has the unknown token %%%c: sshd drops the connection%s", pattern,
				   bad, AT(x, vc->src_keys_files));
	}
	if (r < 0)
		return r;
	if (path[0] != '/') {
		char *abs = path_join(pw->dir, path);
		if (!abs)
			return -ENOMEM;
		free(path);
		path = abs;
	}
	/* The user's own file (in the home, or named with %u, %U, %h), even refused, or
	 * one sshd accepts; a shared file the user cannot use (~/...) does not count. */
	bool per_user = pattern[0] != '~' && (pattern[0] != '/' || strstr(pattern, "%u") || strstr(pattern, "%U") ||
					      strstr(pattern, "%h"));
	/* A home of "/" (systemd-network's) holds every path: it proves nothing. */
	bool own = per_user || (strcmp(pw->dir, "/") != 0 && path_is_below(path, pw->dir));
	if (!x->env->detailed) {
		/* The checks only need to know whether one exists: looked up until one does. */
		if (own && !k->any) {
			enum keyfile_seen seen = keyfiles_seen(x->m, pw, pattern);
			if (seen != KEYFILE_UNKNOWN)
				k->any = seen == KEYFILE_PRESENT;	/* user-key-paths looked it up */
			else {
				_cleanup_close_ int fd = target_open(x->t, path, O_PATH | O_CLOEXEC, 0);
				k->any = fd >= 0;
			}
		}
		return 0;
	}
	r = keywalk_file(x->t, x->a, &k->u, path, keep_first, &fp, &exists);
	if (r < 0) {
		free(fp.text), free(fp.path);
		return r;
	}
	if (!exists)
		return evidence(x->env, x->v, "keys file %s: does not exist", path);
	if (!fp.text || own)
		k->any = true;
	if (fp.text) {
		r = evidence(x->env, x->v, "keys file %s: refused: %s", path, fp.text);
		if (!k->refused) {
			k->refused = TAKE_PTR(fp.text);
			k->refused_path = TAKE_PTR(fp.path);
		}
		free(fp.text), free(fp.path);
		return r;
	}
	long n = count_key_lines(x->t, path);
	r = n < 0 ? evidence(x->env, x->v, "keys file %s: accepted, could not be read here", path)
		  : evidence(x->env, x->v, "keys file %s: accepted, %ld key line(s)", path, n);
	if (n != 0)
		k->usable = true;
	else if (!k->refused) {
		k->refused = strdup("it holds no key");
		k->refused_path = strdup(path);
		if (!k->refused || !k->refused_path)
			return -ENOMEM;
	}
	return r;
}

/*
 * Keys that do not come from files: AuthorizedKeysCommand (when sshd runs
 * it) and TrustedUserCAKeys.  Returns 1 when they may let the user in, 0
 * when not, or -ENOMEM; *ret_refused says why sshd does not run the command.
 */
static int keys_other_sources(struct judge_ctx *x, const char **ret_refused)
{
	const struct verdict_config *vc = x->vc;
	const struct sshd_option *ca = sshd_config_first(x->m->sshd, "TrustedUserCAKeys");
	const char *kc_refused = NULL;
	int r;

	if (vc->keys_command) {
		r = verdict_env_keys_command(x->t, x->a, x->env, vc->keys_command);
		if (r < 0)
			return r;
		kc_refused = x->env->keys_command_refused;
	}
	bool command_runs = vc->keys_command && !kc_refused;
	bool other = command_runs || (ca && strcasecmp(ca->args[0], "none") != 0);
	if (command_runs)
		r = evidence(x->env, x->v, "AuthorizedKeysCommand %s may supply keys; sshfix cannot tell which",
			     vc->keys_command);
	else if (kc_refused)
		r = evidence(x->env, x->v, "AuthorizedKeysCommand %s is never run: %s", vc->keys_command, kc_refused);
	else
		r = 0;
	if (r == 0 && other && !command_runs)
		r = evidence(x->env, x->v, "TrustedUserCAKeys: certificates may log in without authorized keys");
	*ret_refused = kc_refused;
	return r < 0 ? r : other;
}

/* userauth_pubkey(): an authorized key sshd accepts (RULES §1.2-1.10). */
static int step_keys(struct judge_ctx *x)
{
	const struct verdict_config *vc = x->vc;
	struct keys_seen k = {0};
	const char *kc_refused = NULL;
	int r = 0;

	if (x->env->detailed) {
		r = keywalk_user_init(x->t, x->a, x->pw, vc->strict_modes, x->t->facts.sshd_debian_patches, x->env->cache,
				      &k.u);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; vc->keys_files[i] && r == 0 && !k.stop; i++)
		r = keys_file(x, &k, vc->keys_files[i]);
	if (x->env->detailed)
		keywalk_user_done(&k.u);
	_cleanup_free_ char *refused = k.refused, *refused_path = k.refused_path;
	if (r < 0)
		return r;
	if (x->v && k.any)
		x->v->has_keys = true;
	int other = keys_other_sources(x, &kc_refused);
	if (other < 0)
		return other;
	/* Reasons about keys come from walking them: --who's. */
	if (!x->env->detailed || k.usable || other)
		return 0;
	if (kc_refused && !refused)
		return reasons_add(x->rs, VW_KEYS_REFUSED, NULL, 0, "sshd will not run AuthorizedKeysCommand: %s",
				   kc_refused);
	if (refused && streq(refused, "it holds no key"))
		return reasons_add(x->rs, VW_NO_KEYS, refused_path, 0, "%s holds no key", refused_path);
	if (refused)
		return reasons_add(x->rs, VW_KEYS_REFUSED, refused_path, 0, "sshd refuses the keys: %s", refused);
	if (x->rs->n > 0 && x->rs->r[x->rs->n - 1].why == VW_KEYS_TOKEN)
		return 0;
	_cleanup_free_ char *list = strv_join(vc->keys_files, " ");
	return reasons_add(x->rs, VW_NO_KEYS, NULL, 0, "no authorized keys (AuthorizedKeysFile %s)", list ? list : "");
}

/* PermitRootLogin, after the key was accepted (RULES §6.4). */
static int step_root_login(struct judge_ctx *x)
{
	const struct verdict_config *vc = x->vc;

	if (x->pw->uid != 0 || (vc->root != ROOT_NO && vc->root != ROOT_FORCED_COMMANDS_ONLY))
		return 0;
	return reasons_add(x->rs, VW_ROOT_LOGIN, src_file(vc->src_root), src_line(vc->src_root),
			   vc->root == ROOT_NO ? "PermitRootLogin is no%s"
					       : "PermitRootLogin is forced-commands-only: only keys with a command= "
						 "option, which run that command instead of a shell%s",
			   AT(x, vc->src_root));
}

/* Is sshd's PAM configuration one sshfix read (so that pam_nologin is judged in the stack)? */
static bool pam_read(const struct judge_ctx *x)
{
	return x->vc->use_pam && x->env->pam && x->env->pam->path;
}

/*
 * /etc/nologin: sshd's own check without PAM (session.c do_nologin()),
 * pam_nologin in the account stack with it (RULES §6.2); without a PAM
 * configuration sshfix can read, the distributions' default (pam_nologin in
 * sshd's account stack) is assumed.
 */
static int step_nologin(struct judge_ctx *x)
{
	const struct verdict_env *env = x->env;

	if (verdict_nologin_blocks(env) && x->pw->uid != 0 && !pam_read(x))
		return reasons_add(x->rs, VW_NOLOGIN_FILE, "/etc/nologin", 0,
				   "/etc/nologin exists: every login but root's is refused");
	if (env->nologin && !verdict_nologin_blocks(env) && x->pw->uid != 0)
		return evidence(env, x->v, "/etc/nologin exists, but %s: after the reboot it keeps nobody out",
				env->nologin_cleared);
	return 0;
}

/* The PAM account stack, as libpam runs it after the key was accepted (RULES §13.4). */
static int step_pam_account(struct judge_ctx *x)
{
	if (!pam_read(x))
		return 0;
	return pam_account(x->t, x->m, x->env, x->pw, x->world, x->v, x->depends, x->rs);
}

/* pam_unix's account phase: expiry, a password that must be changed (RULES §6.2). */
static int step_pam_unix(struct judge_ctx *x)
{
	const struct sp_entry *sp = x->sp;
	long today = x->env->today;
	char day[16];

	if (!x->vc->use_pam || !sp)
		return 0;
	if (sp->expire >= 0 && today >= sp->expire) {
		day_str(sp->expire, day);
		return reasons_add(x->rs, VW_PAM_ACCOUNT_EXPIRED, "/etc/shadow", (unsigned) sp->line + 1,
				   "the account expired on %s (\"Access denied for user %s by PAM account "
				   "configuration\")",
				   day, x->pw->name);
	}
	if (sp->lastchg == 0)
		return reasons_add(x->rs, VW_PASSWORD_CHANGE, "/etc/shadow", (unsigned) sp->line + 1,
				   "the password must be changed first (last change 0): without a terminal sshd "
				   "says \"Password change required but no TTY available\"");
	if (sp->lastchg > 0 && today >= sp->lastchg && sp->max >= 0 && sp->inactive >= 0 &&
	    today - sp->lastchg > (long) sp->max + sp->inactive)
		return reasons_add(x->rs, VW_PAM_ACCOUNT_EXPIRED, "/etc/shadow", (unsigned) sp->line + 1,
				   "the password expired more than %d day(s) ago and the account is now inactive "
				   "(\"Access denied for user %s by PAM account configuration\")",
				   sp->inactive, x->pw->name);
	if (sp->lastchg > 0 && today >= sp->lastchg && sp->max >= 0 && today - sp->lastchg > sp->max)
		return reasons_add(x->rs, VW_PASSWORD_CHANGE, "/etc/shadow", (unsigned) sp->line + 1,
				   "the password expired (changed %ld days ago, maximum %d): without a terminal sshd "
				   "says \"Password change required but no TTY available\"",
				   today - sp->lastchg, sp->max);
	return 0;
}

/* The session: pam_limits' maxlogins 0, a nofile too small to run a command (RULES §12.1). */
static int step_pam_limits(struct judge_ctx *x)
{
	struct pam_limits_result lr;
	int r;

	if (!x->vc->use_pam || !x->env->pam_limits)
		return 0;
	pam_limits_for(&x->env->limits, x->a, x->pw, &lr);
	if (lr.ignored)
		return 0;
	if (x->pw->uid != 0 && lr.login == 0) {
		r = reasons_add(x->rs, VW_PAM_LIMITS, lr.login_at->file, lr.login_at->line,
				"\"%s %s maxlogins 0\" in %s line %u: pam_limits ends every session (\"There were "
				"too many logins for '%s'.\")",
				lr.login_at->domain, lr.login_at->type, lr.login_at->file, lr.login_at->line,
				x->pw->name);
		if (r < 0)
			return r;
	}
	/* The soft limit applies; it is capped by the hard one (1024 inherited when only hard is set). */
	unsigned long long soft = lr.soft != ULLONG_MAX ? lr.soft : 1024;
	const struct pam_limit *by = lr.soft != ULLONG_MAX ? lr.soft_at : NULL;
	if (lr.hard != ULLONG_MAX && lr.hard < soft)
		soft = lr.hard, by = lr.hard_at;
	if (!by || soft >= VERDICT_NOFILE_MIN)
		return 0;
	return reasons_add(x->rs, VW_PAM_LIMITS, by->file, by->line,
			   "\"%s %s nofile %s\" in %s line %u: a session that may open only %llu files cannot "
			   "run a command (\"Too many open files\", \"exec request failed\")",
			   by->domain, by->type, by->value, by->file, by->line, soft);
}

/* The session itself (RULES §6.3), for a shell sshd did not refuse already. */
static int step_session_shell(struct judge_ctx *x)
{
	for (size_t i = 0; i < x->rs->n; i++)
		if (x->rs->r[i].why == VW_SHELL_MISSING || x->rs->r[i].why == VW_SHELL_NOT_EXECUTABLE)
			return 0;
	if (!nologin_shell(x->shell))
		return 0;
	return reasons_add(x->rs, VW_SHELL_NOLOGIN, "/etc/passwd", (unsigned) x->pw->line + 1,
			   "the shell is %s: the key is accepted, then the session ends (\"This account is "
			   "currently not available.\")",
			   x->shell);
}

/* sshd's order: allowed_user(), the method and the key, the PAM account phase, the session. */
static int (*const judge_steps[])(struct judge_ctx *x) = {
	step_account_state, step_shell,	 step_users,	   step_groups,	   step_pubkey,	       step_auth_methods,
	step_keys,	    step_root_login, step_nologin,   step_pam_account, step_pam_unix,     step_pam_limits,
	step_session_shell,
};

/*
 * Everything sshd checks for one user in one world, in its order; evidence
 * (and the has_keys fact) is recorded into v when v is not NULL.
 */
static int judge(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		 const struct verdict_config *vc, enum verdict_world world, struct verdict *v, bool *ret_depends,
		 struct reasons *rs)
{
	struct judge_ctx x = {
		.t = t, .m = m, .a = &m->accounts, .env = env, .pw = pw, .sp = shadow_of(&m->accounts, pw->name),
		.shell = pw->shell && pw->shell[0] ? pw->shell : "/bin/sh", .vc = vc, .world = world, .v = v,
		.depends = ret_depends, .rs = rs,
	};

	for (size_t i = 0; i < ELEMENTSOF(judge_steps); i++) {
		int r = judge_steps[i](&x);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Reasons of both worlds: a reason found in only one holds only for some clients. */
static int merge(struct verdict *v, struct reasons *u, struct reasons *mt)
{
	for (size_t i = 0; i < u->n; i++) {
		bool both = false;
		for (size_t k = 0; k < mt->n; k++)
			both |= mt->r[k].why == u->r[i].why;
		int r = verdict_add_reason(v, u->r[i].why, !both, u->r[i].path, u->r[i].line, "%s", u->r[i].text);
		if (r < 0)
			return r;
	}
	for (size_t k = 0; k < mt->n; k++) {
		bool both = false;
		for (size_t i = 0; i < u->n; i++)
			both |= mt->r[k].why == u->r[i].why;
		if (both)
			continue;
		int r = verdict_add_reason(v, mt->r[k].why, true, mt->r[k].path, mt->r[k].line, "%s", mt->r[k].text);
		if (r < 0)
			return r;
	}
	return 0;
}

static int config_evidence(const struct verdict_env *env, struct verdict *v, const struct verdict_config *vc)
{
	char where[PATH_MAX + 32];
	_cleanup_free_ char *keys = NULL, *methods = NULL;
	int r;

	/* evidence() keeps nothing then: not worth two joins and five at() per user of a scan */
	if (!env->detailed)
		return 0;
	keys = strv_join(vc->keys_files, " ");
	methods = strv_join(vc->auth_methods, " ");
	if (!keys || !methods)
		return -ENOMEM;
	if ((r = evidence(env, v, "UsePAM %s%s", vc->use_pam ? "yes" : "no", at(vc->src_use_pam, where, sizeof(where)))) < 0 ||
	    (r = evidence(env, v, "PubkeyAuthentication %s%s", vc->pubkey ? "yes" : "no",
			  at(vc->src_pubkey, where, sizeof(where)))) < 0 ||
	    (r = evidence(env, v, "AuthorizedKeysFile %s%s", keys, at(vc->src_keys_files, where, sizeof(where)))) < 0 ||
	    (r = evidence(env, v, "AuthenticationMethods %s%s", methods[0] ? methods : "any",
			  at(vc->src_auth_methods, where, sizeof(where)))) < 0)
		return r;
	if (v->uid == 0 && (r = evidence(env, v, "PermitRootLogin %s%s", verdict_root_name(vc->root),
					 at(vc->src_root, where, sizeof(where)))) < 0)
		return r;
	for (size_t i = 0; vc->depends_on && vc->depends_on[i]; i++)
		if ((r = evidence(env, v, "%s: depends on where you connect from", vc->depends_on[i])) < 0)
			return r;
	return 0;
}

/* A note for the report, once per text. */
static int note(struct verdict_env *env, const char *fmt, ...) _printf_(2, 3);
static int note(struct verdict_env *env, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (strv_contains(env->notes, s)) {
		free(s);
		return 0;
	}
	return strv_push(&env->notes, s);
}

/* A note for every value sshd and the model see differently; returns their number, or -ENOMEM. */
static int disagree(struct verdict_env *env, const char *flag, const char *user, const struct verdict_config *sshd,
		    const struct verdict_config *model, bool say)
{
	_cleanup_strv_free_ char **diffs = NULL;
	int n, r = 0;

	n = verdict_config_diff(sshd, model, &diffs);
	for (size_t i = 0; say && n > 0 && r == 0 && diffs[i]; i++)
		r = note(env, "sshd %s and sshfix's model disagree for %s: %s; the verdict uses sshd's", flag, user,
			 diffs[i]);
	return r < 0 ? r : n;
}

int verdict_compare_dump(struct verdict_env *env, const char *user, const char *dump,
			 const struct verdict_config *model)
{
	struct oracle_config oc;
	struct verdict_config s;
	int r;

	r = oracle_config_parse(dump, strlen(dump), &oc);
	if (r < 0)
		return r;
	r = verdict_config_from_sshd(&oc, &s);
	oracle_config_done(&oc);
	if (r < 0)
		return r;
	r = disagree(env, env->oracle ? oracle_config_flag(env->oracle) : "-T", user, &s, model, true);
	verdict_config_done(&s);
	return r;
}

/* What verdict_user() builds; it frees all of it. */
struct judging {
	struct verdict v;
	struct verdict_config vu, vm;	/* the client unmatched, matched */
	/* No Match block depends on the client: vm, and the client sshd is asked
	 * about, would be vu again (not computed; vu stands for them). */
	bool one_world;
	struct reasons ru, rm;
};

/*
 * sshd's values in answer, and how many differ from the model's (notes
 * for them when say): read once per answer, for the first user to get it
 * (the one sshd was asked for); the users who share it have the same
 * Match blocks, so the same model values.  env keeps the last one.
 */
static int sshd_values(struct verdict_env *env, const struct oracle_config *answer, const char *user,
		       const struct verdict_config *model, bool say)
{
	int r;

	if (env->sshd_answer == answer)
		return 0;
	env->sshd_answer = NULL;
	verdict_config_done(&env->sshd_values);
	r = verdict_config_from_sshd(answer, &env->sshd_values);
	if (r < 0)
		return r;
	r = disagree(env, answer->flag, user, &env->sshd_values, model, say);
	if (r < 0)
		return r;
	env->sshd_differ = r;
	env->sshd_answer = answer;
	return 0;
}

/* The client sshd is asked about: --from's address, else a documentation address nobody has. */
static const char *verdict_client_addr(const struct verdict_env *env)
{
	return env->from ? env->from : VERDICT_TEST_ADDR;
}

static const char *verdict_client_host(const struct verdict_env *env)
{
	return env->from ? env->from : VERDICT_TEST_HOST;
}

/* Take sshd's answer for pw: notes where the model disagrees, its values, the evidence. */
static int take_answer(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		       struct judging *j, bool *depends, const struct oracle_config *answer, const struct verdict_config *model)
{
	struct verdict *v = &j->v;
	bool own = streq(answer->user, pw->name);
	int r;

	r = sshd_values(env, answer, pw->name, model, own);
	if (r < 0)
		return r;
	v->crosschecked = true;
	/* Without connection-dependent blocks all three are one: take sshd's values.
	 * With them, sshd answered for one address only: take them when the model erred.
	 * Where sshd agrees with the model, taking them would change nothing. */
	if (env->sshd_differ > 0) {
		if ((r = verdict_config_adopt(&j->vu, &env->sshd_values)) < 0 ||
		    (!j->one_world && (r = verdict_config_adopt(&j->vm, &env->sshd_values)) < 0))
			return r;
		reasons_done(&j->ru);
		strv_free(v->evidence);
		v->evidence = NULL;
		r = judge(t, m, env, pw, &j->vu, WORLD_UNMATCHED, v, depends, &j->ru);
		if (r < 0)
			return r;
	}
	return evidence(env, v, "sshd %s -C user=%s,host=%s,addr=%s%s: %s", answer->flag, answer->user,
			verdict_client_host(env), verdict_client_addr(env),
			own ? "" : ", asked once for every user the same Match blocks apply to",
			env->sshd_differ ? "the target's sshd disagrees with sshfix's model (see the notes); its values are used"
					 : "the target's sshd agrees with these values");
}

/*
 * Ask the target's sshd for pw's effective configuration, as a client at
 * VERDICT_TEST_ADDR would get it (RULES §3.5).  sshd runs once per set of
 * Match blocks that apply (the model's match_key): the users of one set
 * share its answer, and the notes where the model disagrees name the user
 * it was asked for.  Where the model cannot tell which blocks apply,
 * sshd is asked for this user alone.
 */
static int crosscheck(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		      struct judging *j, bool *depends)
{
	/* The port sshd is told: the one it listens on, or 22 among several. */
	unsigned port = verdict_config_single_port(m->sshd), lport = port ? port : 22;
	const char *addr = verdict_client_addr(env), *host = verdict_client_host(env);
	const struct verdict_conn concrete = { .world = WORLD_CONCRETE, .host = host, .addr = addr, .lport = (int) lport };
	const struct oracle_conn conn = { .user = pw->name, .host = host, .addr = addr, .lport = lport };
	const struct oracle_config *answer = NULL;
	struct verdict_config vc = {0};
	const struct verdict_config *model = &j->vu;
	int r = 0;

	if (!j->one_world) {
		r = verdict_config_for(m->sshd, &m->accounts, pw->name, &concrete, &vc);
		model = &vc;
	}
	if (r == 0)
		r = oracle_config(env->oracle, &conn, model->match_key, &answer);
	if (r > 0)
		r = take_answer(t, m, env, pw, j, depends, answer, model);
	verdict_config_done(&vc);
	return r < 0 ? r : 0;
}

/* Is pw named (without wildcards) by AllowUsers, DenyUsers, AllowGroups or DenyGroups of either world? */
static int listed(const struct accounts *a, const struct pw_entry *pw, const struct verdict_config *vu,
		  const struct verdict_config *vm, bool *ret)
{
	_cleanup_strv_free_ char **g = NULL;
	int r;

	*ret = names(vu->allow_users, pw->name, true) || names(vu->deny_users, pw->name, true) ||
	       names(vm->allow_users, pw->name, true) || names(vm->deny_users, pw->name, true);
	if (*ret || !(vu->allow_groups[0] || vu->deny_groups[0] || vm->allow_groups[0] || vm->deny_groups[0]))
		return 0;
	r = accounts_user_group_names(a, pw, &g);
	if (r < 0)
		return r;
	for (size_t i = 0; g[i] && !*ret; i++)
		*ret = names(vu->allow_groups, g[i], false) || names(vu->deny_groups, g[i], false) ||
		       names(vm->allow_groups, g[i], false) || names(vm->deny_groups, g[i], false);
	return 0;
}

/* The body of verdict_user(). */
static int user_fill(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		     struct judging *j)
{
	const struct accounts *a = &m->accounts;
	const struct verdict_conn unmatched = { .world = WORLD_UNMATCHED }, matched = { .world = WORLD_MATCHED };
	/* --from: the Match blocks are read for that address (and, as with UseDNS no, that host). */
	unsigned port = verdict_config_single_port(m->sshd);
	const struct verdict_conn from = { .world = WORLD_CONCRETE, .host = env->from, .addr = env->from,
					   .lport = port ? (int) port : 22 };
	struct verdict *v = &j->v;
	bool depends = false;
	int r;

	v->user = strdup(pw->name);
	if (!v->user)
		return -ENOMEM;
	r = verdict_config_for(m->sshd, a, pw->name, env->from ? &from : &unmatched, &j->vu);
	if (r < 0)
		return r;
	j->one_world = !j->vu.depends_on;
	if (!j->one_world && (r = verdict_config_for(m->sshd, a, pw->name, &matched, &j->vm)) < 0)
		return r;
	const struct verdict_config *vm = j->one_world ? &j->vu : &j->vm;

	const char *shell = pw->shell && pw->shell[0] ? pw->shell : "/bin/sh";
	v->login_shell = env->shells ? strv_contains(env->shells, shell) : !nologin_shell(shell);
	r = listed(a, pw, &j->vu, vm, &v->listed);
	if (r < 0)
		return r;

	/* First, without sshd: has_keys decides whether sshd is worth asking. */
	r = judge(t, m, env, pw, &j->vu, WORLD_UNMATCHED, v, &depends, &j->ru);
	if (r < 0)
		return r;
	if (j->vu.invalid)
		(void) note(env, "the configuration has something sshd refuses: %s", j->vu.invalid);

	/* sshd for the accounts that matter: the checks report only those with keys or named. */
	if (env->crosscheck && env->oracle && (v->has_keys || v->listed || (env->detailed && v->login_shell))) {
		r = crosscheck(t, m, env, pw, j, &depends);
		if (r < 0)
			return r;
	}

	if (!j->one_world || depends) {
		r = judge(t, m, env, pw, vm, WORLD_MATCHED, NULL, &depends, &j->rm);
		if (r < 0)
			return r;
	} else {
		/* One world only: the same reasons. */
		for (size_t i = 0; i < j->ru.n; i++) {
			r = reasons_add(&j->rm, j->ru.r[i].why, j->ru.r[i].path, j->ru.r[i].line, "%s", j->ru.r[i].text);
			if (r < 0)
				return r;
		}
	}
	r = merge(v, &j->ru, &j->rm);
	if (r < 0)
		return r;
	verdict_settle(v);
	return config_evidence(env, v, &j->vu);
}

int verdict_user(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		 struct verdict *ret)
{
	struct judging j = { .v = { .uid = pw->uid } };
	int r;

	r = user_fill(t, m, env, pw, &j);
	if (r == 0) {
		*ret = j.v;
		j.v = (struct verdict) {0};
	}
	verdict_done(&j.v);
	verdict_config_done(&j.vu);
	verdict_config_done(&j.vm);
	reasons_done(&j.ru);
	reasons_done(&j.rm);
	return r;
}
