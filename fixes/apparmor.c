/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apparmor: an AppArmor profile in enforce mode that keeps sshd from what
 * it must read (RULES §9.6).  With every mode right, sshd logs "Could not
 * open user 'alice' authorized keys '/srv/keys/alice': Permission denied"
 * and the kernel "apparmor="DENIED" operation="open" ... name="/srv/keys/
 * alice" requested_mask="r""; the client sees "Permission denied
 * (publickey)".
 *
 * The profile that matters confines the process that opens the files: sshd
 * before OpenSSH 9.8, sshd-session from 9.8 (its own profile when one
 * attaches to it, else sshd's, which it inherits through an "ix" rule).
 * Checked, for the next boot (src/mac.h: AppArmor on, the profile's mode):
 * each configured keys file of each account a key may log in as (read as
 * that user: "owner" rules count when the user owns it), the host keys and
 * the sshd_config files (read as root), and from 9.8 that sshd may run
 * sshd-session (and sshd-session sshd-auth from 10.0).  The rules are read
 * by src/apparmor.h, with the profile's includes and variables.
 *
 * Repair, the smallest (issue 13): a rule for exactly that path appended
 * to the profile's own override, the file its "include if exists
 * <local/NAME>" names (created root's, 0644, when missing), checked first
 * with the target's apparmor_parser -Q on the planned file where it runs.
 * It takes effect when the profile is loaded again: at the next boot, or
 * "apparmor_parser -r /etc/apparmor.d/NAME" now.  Not repaired: a profile
 * without a local include, a path holding characters AppArmor reads as a
 * pattern.
 *
 * A deny rule wins over every allow rule, and stays in force in complain
 * mode: Debian 12's kernel (6.1) booted with sshd's profile in complain
 * mode (a force-complain/ link, "/usr/sbin/sshd (complain)" in the kernel's
 * list) and a deny rule for every home's .ssh/authorized_keys in its
 * override still refused alice's key, and logged nothing (deny rules are quiet).  So
 * neither an override nor complain mode lifts it.  With a yes, the repair
 * comments out that one rule line, in the profile's own file or its local
 * override, never in a file other profiles include; checked first with
 * apparmor_parser -Q like the rule above.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apparmor.h"
#include "fixes.h"
#include "keyfiles.h"
#include "mac.h"
#include "model.h"
#include "run.h"
#include "sandbox.h"
#include "util.h"

#define PROFILE_MAX (1u << 20)

/* This family's problems: each code is its row's index in apparmor_problems[]. */
enum problem_code {
	PR_APPARMOR_NO_RULE,
	PR_APPARMOR_DENY_RULE,
};

static const struct problem apparmor_problems[] = {
	{ PR_APPARMOR_NO_RULE, "apparmor-no-rule", SEV_ERROR, PF_SAFE_AUTO,
	  "{path}: {detail}",
	  "AppArmor confines sshd with a profile in enforce mode, and no rule of it lets sshd open this "
	  "file (or run this program): the kernel refuses it whatever the file's mode (\"Could not open "
	  "user ... authorized keys ...: Permission denied\", and an apparmor=\"DENIED\" line in the "
	  "kernel log), so the client sees \"Permission denied (publickey)\". sshfix adds a rule for "
	  "exactly this path to the profile's own override (/etc/apparmor.d/local/NAME), never to the "
	  "profile, and never switches AppArmor off; it applies when the profile is loaded again (the next "
	  "boot, or apparmor_parser -r). RULES §9.6" },
	{ PR_APPARMOR_DENY_RULE, "apparmor-deny-rule", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "{path}: {detail}",
	  "A deny rule of sshd's AppArmor profile matches this file (or program). Deny wins over every "
	  "allow rule and stays in force when the profile is in complain mode, so neither an override nor "
	  "complain mode lifts it. Someone wrote it on purpose: with a yes, sshfix comments out exactly "
	  "that rule line (the evidence names it) in the profile's own file or its local override, and "
	  "never in an abstraction other profiles include; or put the file elsewhere. RULES §9.6" },
	{ .id = NULL },
};

/* What the repair needs: the override file and the rule to add, or the deny rule to comment out. */
struct aa_fix {
	char *local;		/* /etc/apparmor.d/local/usr.sbin.sshd */
	char *profile;		/* the profile's file */
	char *rule;		/* "/srv/keys/alice r," */
	char *deny_file;	/* where the deny rule is: the profile's file or its override */
	unsigned deny_line;
};

static void aa_fix_free(void *p)
{
	struct aa_fix *x = p;

	if (!x)
		return;
	free(x->local);
	free(x->profile);
	free(x->rule);
	free(x->deny_file);
	free(x);
}

static int read_cb(void *userdata, const char *path, char **ret, size_t *ret_len)
{
	struct target *t = userdata;
	struct stat st;

	if (target_stat(t, path, &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	return target_read_file(t, path, PROFILE_MAX, ret, ret_len);
}

static int list_cb(void *userdata, const char *path, char ***ret)
{
	return target_list_dir(userdata, path, ret);
}

struct checker {
	struct run *run;
	const struct mac_profile *p;
	struct aa_rules rules;
	const char *who;	/* "sshd-session" */
};

/* The finding's repair data, with the profile's file and its override (NULL when it has none). */
static struct aa_fix *new_fix(struct checker *c, struct finding *f)
{
	struct aa_fix *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	finding_set_data(f, x, aa_fix_free);
	if ((c->rules.local && !(x->local = path_join("/etc/apparmor.d", c->rules.local))) ||
	    !(x->profile = strdup(c->p->file)))
		return NULL;
	return x;
}

/* A deny rule: repairable only where it belongs to this profile alone (its file, its override). */
static int add_deny(struct checker *c, struct finding *f, const struct aa_rule *rule)
{
	if (finding_add_evidence(f, "%s: deny %s%s", rule->where, rule->owner ? "owner " : "", rule->path) < 0)
		return -ENOMEM;
	struct aa_fix *x = new_fix(c, f);
	if (!x)
		return -ENOMEM;
	if (!streq(rule->file, x->profile) && !(x->local && streq(rule->file, x->local)))
		return finding_add_evidence(f, "%s is included by other profiles too: sshfix does not change it",
					    rule->file) < 0 ? -ENOMEM : 0;
	x->deny_line = rule->line;
	return (x->deny_file = strdup(rule->file)) ? 0 : -ENOMEM;
}

static int add(struct checker *c, const char *path, const char *user, const char *what, enum aa_verdict v,
	       const struct aa_rule *rule, unsigned perm)
{
	unsigned code = v == AA_DENIED ? PR_APPARMOR_DENY_RULE : PR_APPARMOR_NO_RULE;
	struct finding *f = run_add_finding(c->run, &apparmor_problems[code], path, user);
	const char *verb = perm == AA_EXEC ? "running" : "reading";

	if (!f)
		return -ENOMEM;
	if (v == AA_DENIED ? finding_set_detail(f, "AppArmor keeps %s from %s %s (%s): a deny rule, %s", c->who, verb,
						 what, c->p->file, rule->where) < 0
			   : finding_set_detail(f, "AppArmor keeps %s from %s %s: no rule of its profile (%s, enforce) "
						   "allows it", c->who, verb, what, c->p->file) < 0)
		return -ENOMEM;
	if (finding_add_evidence(f, "%s line %u: the profile \"%s\" confines %s, %s", c->p->file, c->p->line, c->p->attach,
				 c->who, c->p->why ? c->p->why : "enforce mode") < 0)
		return -ENOMEM;
	if (v == AA_DENIED)
		return add_deny(c, f, rule);
	if (!c->rules.local)
		return finding_add_evidence(f, "the profile has no \"include if exists <local/...>\": sshfix would have to "
					       "edit the profile itself, and does not") < 0 ? -ENOMEM : 0;
	struct aa_fix *x = new_fix(c, f);
	if (!x)
		return -ENOMEM;
	if (aa_path_is_literal(path) && asprintf(&x->rule, "%s %s,", path, perm == AA_EXEC ? "ix" : "r") < 0)
		return -ENOMEM;
	return 0;
}

/* May the confined program have perm on path (a file owned by fsuid when owner)? */
static int check(struct checker *c, const char *path, const char *user, const char *what, unsigned perm, uid_t fsuid)
{
	struct stat st;
	const struct aa_rule *rule;

	if (target_stat(c->run->target, path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;	/* nothing to open: other checks say so */
	enum aa_verdict v = aa_rules_check(&c->rules, path, perm, st.st_uid == fsuid, &rule);
	return v == AA_ALLOWED ? 0 : add(c, path, user, what, v, rule, perm);
}

static int check_keys(struct checker *c)
{
	const struct accounts *a = &c->run->model.accounts;
	int r = 0;

	for (size_t i = 0; i < a->passwd.n_entries && r >= 0; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		_cleanup_strv_free_ char **keys = NULL;
		if (accounts_user_by_name(a, pw->name) != pw || !accounts_key_login_possible(pw))
			continue;
		if ((r = keyfiles_paths(c->run->model.sshd, a, pw, &keys)) < 0)
			return r;
		for (size_t k = 0; keys && keys[k] && r >= 0; k++)
			r = check(c, keys[k], pw->name, "this authorized keys file", AA_READ, pw->uid);
	}
	return r;
}

static int check_system(struct checker *c)
{
	_cleanup_strv_free_ char **hostkeys = NULL;
	const struct target_facts *tf = &c->run->target->facts;
	bool configured;
	int r;

	if ((r = model_host_keys(&c->run->model, &hostkeys, &configured)) < 0)
		return r;
	for (size_t i = 0; hostkeys && hostkeys[i]; i++)
		if ((r = check(c, hostkeys[i], NULL, "this host key", AA_READ, 0)) < 0)
			return r;
	if ((r = check(c, "/etc/ssh/sshd_config", NULL, "its configuration", AA_READ, 0)) < 0)
		return r;
	/* sshd runs sshd-session (9.8), which runs sshd-auth (10.0): an exec the profile must allow */
	if (tf->sshd_session_path && (r = check(c, tf->sshd_session_path, NULL, "sshd-session", AA_EXEC, 0)) < 0)
		return r;
	return tf->sshd_auth_path ? check(c, tf->sshd_auth_path, NULL, "sshd-auth", AA_EXEC, 0) : 0;
}

/* The enforcing profile that confines the process that opens the keys: sshd-session's own, else sshd's. */
static const struct mac_profile *confining(const struct mac_state *m, const struct target_facts *tf, const char **ret_who)
{
	const struct mac_profile *sshd = NULL, *session = NULL;

	for (size_t i = 0; i < m->n_profiles; i++) {
		const struct mac_profile *p = &m->profiles[i];
		if (tf->sshd_session_path && mac_apparmor_glob(p->attach, tf->sshd_session_path))
			session = session ? session : p;
		else if (tf->sshd_path && mac_apparmor_glob(p->attach, tf->sshd_path))
			sshd = sshd ? sshd : p;
	}
	*ret_who = session ? "sshd-session" : "sshd";
	return session ? session : sshd;
}

static int apparmor_detect(struct run *run)
{
	const struct mac_state *m;
	struct checker c = { .run = run };
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if ((r = mac_get(run, &m)) < 0)
		return r;
	if (!m->apparmor_enabled)
		return 0;
	c.p = confining(m, &run->target->facts, &c.who);
	if (!c.p || c.p->mode != AA_ENFORCE)
		return 0;
	r = target_read_file(run->target, c.p->file, PROFILE_MAX, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return model_note(&run->model, "apparmor: %s cannot be read (%s): its rules were not judged", c.p->file,
				  strerror(-r));
	if ((r = aa_rules_load(c.p->file, text, len, c.p->line, read_cb, list_cb, run->target, &c.rules)) < 0)
		return r;
	for (size_t i = 0; c.rules.unread && c.rules.unread[i] && r >= 0; i++)
		r = model_note(&run->model, "apparmor: not read, so its rules do not count: %s", c.rules.unread[i]);
	if (r >= 0)
		r = check_system(&c);
	if (r >= 0)
		r = check_keys(&c);
	aa_rules_done(&c.rules);
	return r;
}

/*
 * The target's apparmor_parser on profile, with the planned content of one
 * of its files (path): 0 it parses, 1 it does not (why), -errno it cannot run.
 */
static int validate(struct run *run, const char *profile, const char *path, const char *content, size_t len,
		    char **ret_why)
{
	const char *const argv[] = { "/sbin/apparmor_parser", "-Q", "-K", profile, NULL };
	const struct sandbox_file planned = { .path = path, .data = content, .len = len };
	const struct sandbox_opts opts = { .timeout_sec = 30, .read_only = true, .files = &planned, .n_files = 1 };
	struct sandbox_result res = {0};
	const char *why = NULL;
	int r;

	r = sandbox_run(run->target, argv, &opts, &res, &why);
	if (r < 0) {
		*ret_why = strdup(why ? why : strerror(-r));
		return *ret_why ? r : -ENOMEM;
	}
	if (res.exit_status == 0) {
		sandbox_result_done(&res);
		return 0;
	}
	*ret_why = escape_display_trunc(res.output ? res.output : "", 200);
	sandbox_result_done(&res);
	return *ret_why ? 1 : -ENOMEM;
}

/*
 * The planned content b of path (a file of profile) checked with the
 * target's apparmor_parser: 0 to go on (it parses; or it cannot run here,
 * and the evidence says so and why the edit is safe unchecked: `unchecked`);
 * -EINVAL when it refuses the profile `change` (f->status_reason says so).
 */
static int check_planned(struct run *run, struct finding *f, const char *profile, const char *path, const struct buf *b,
			 const char *change, const char *unchecked)
{
	_cleanup_free_ char *why = NULL;
	int r = validate(run, profile, path, b->data, b->len, &why);

	if (r == 1) {
		if (finding_add_evidence(f, "apparmor_parser -Q: %s", why ? why : "?") < 0)
			return -ENOMEM;
		return finding_left_alone(f, -EINVAL, "left alone: the target's apparmor_parser refuses the profile %s",
					  change);
	}
	if (r < 0 && r != -ENOMEM)
		r = finding_add_evidence(f, "not checked with the target's apparmor_parser (%s): %s", why ? why : "?",
					 unchecked);
	return r;
}

/*
 * Where apparmor_parser keeps compiled profiles: parser.conf's cache-loc
 * (a comma-separated list), else /var/cache/apparmor; and
 * /etc/apparmor.d/cache, AppArmor 2's place.
 */
static int cache_locations(struct target *t, char ***ret)
{
	_cleanup_free_ char *conf = NULL;
	_cleanup_strv_free_ char **locs = NULL;
	struct text_lines it = {0};
	const char *line;
	size_t len = 0, n;
	int r;

	r = target_read_file_optional(t, "/etc/apparmor/parser.conf", PROFILE_MAX, &conf, &len);
	if (r < 0 && r != -ENOENT)
		return r;
	it = (struct text_lines) { .text = conf, .len = conf ? len : 0 };
	while (text_next_line(&it, &line, &n)) {
		text_trim(&line, &n);
		if (n < 10 || strncmp(line, "cache-loc", 9) != 0 || !strchr("= \t", line[9]))
			continue;
		/* cache-loc=DIR[,DIR...] */
		for (const char *v = line + 10, *end = line + n; v < end;) {
			const char *comma = memchr(v, ',', (size_t) (end - v));
			const char *w = v;
			size_t wn = (size_t) ((comma ? comma : end) - v);
			text_trim(&w, &wn);
			if (wn > 0 && w[0] == '/' && (r = strv_push(&locs, strndup(w, wn))) < 0)
				return r;
			v = comma ? comma + 1 : end;
		}
	}
	if (!locs && (r = strv_push(&locs, strdup("/var/cache/apparmor"))) < 0)
		return r;
	if ((r = strv_push(&locs, strdup("/etc/apparmor.d/cache"))) < 0)
		return r;
	*ret = TAKE_PTR(locs);
	return 0;
}

/*
 * The compiled copies of the profile file `profile`: its name in a cache
 * location, or in one of its per-kernel-features directories (AppArmor 3:
 * /var/cache/apparmor/6b0d76a2.0/usr.sbin.sshd).  A copy older than none of
 * the files it was compiled from is loaded at boot instead of the profile,
 * and removing a file ("include if exists") makes none newer: an undo that
 * takes the override away would leave the rule in force.
 */
static int profile_caches(struct target *t, const char *profile, char ***ret)
{
	_cleanup_strv_free_ char **locs = NULL, **found = NULL;
	const char *name = path_last(profile);
	struct stat st;
	int r;

	r = cache_locations(t, &locs);
	if (r < 0)
		return r;
	for (char **l = locs; *l; l++) {
		_cleanup_strv_free_ char **names = NULL;
		if (target_list_dir(t, *l, &names) < 0)
			continue;
		for (size_t i = 0; names && names[i] && i < 64; i++) {
			_cleanup_free_ char *p = path_join(*l, names[i]), *q = NULL;
			if (!p)
				return -ENOMEM;
			if (target_lstat(t, p, &st) < 0)
				continue;
			if (S_ISDIR(st.st_mode) && (q = path_join(p, name)) && target_lstat(t, q, &st) == 0 &&
			    S_ISREG(st.st_mode)) {
				if ((r = strv_push(&found, strdup(q))) < 0)
					return r;
			} else if (streq(names[i], name) && S_ISREG(st.st_mode) && (r = strv_push(&found, strdup(p))) < 0)
				return r;
		}
	}
	*ret = TAKE_PTR(found);
	return 0;
}

/* Plan the removal of the profile's compiled copies: how many, or -errno. */
static int discard_caches(struct run *run, const char *profile)
{
	_cleanup_strv_free_ char **caches = NULL;
	int r, n = 0;

	r = profile_caches(run->target, profile, &caches);
	if (r < 0)
		return r;
	for (char **c = caches; c && *c; c++) {
		r = journal_discard(run->journal, *c);
		if (r < 0)
			return r;
		n += r == 0;
	}
	return n;
}

/*
 * The edited file of profile written (an existing one keeps its mode and
 * owner; a new one is root's, 0644), and the profile's compiled copies
 * removed; *ret_caches says so for the action.
 */
static int write_profile_file(struct run *run, const char *profile, const char *path, const struct buf *b, bool exists,
			      const char **ret_caches)
{
	int r = exists ? journal_write_file(run->journal, path, b->data, b->len, (mode_t) -1, (uid_t) -1, (gid_t) -1)
		       : journal_write_file(run->journal, path, b->data, b->len, 0644, 0, 0);
	if (r < 0)
		return r;
	int n = discard_caches(run, profile);
	if (n < 0)
		return n;
	*ret_caches = n > 1 ? " and removed the profile's compiled copies, which would be loaded instead"
		    : n > 0 ? " and removed the profile's compiled copy, which would be loaded instead" : "";
	return 0;
}

/* Does line (trimmed) hold one deny rule and nothing else ("deny PATH PERMS," or "audit deny ...")? */
static bool one_deny_rule(const char *line, size_t n)
{
	size_t commas = 0;
	unsigned braces = 0;

	if (!(n > 5 && strncmp(line, "deny ", 5) == 0) && !(n > 11 && strncmp(line, "audit deny ", 11) == 0))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (line[i] == '#')
			return false;	/* a comment after the rule: not the plain line this edit expects */
		braces += line[i] == '{';
		braces -= line[i] == '}' && braces > 0;
		commas += line[i] == ',' && braces == 0;
	}
	return commas == 1 && line[n - 1] == ',';
}

/* text with its line number `lineno` (1-based) commented out: "<indent># sshfix: RULE"; -ENOENT no such line. */
static int comment_out_line(const char *text, size_t len, unsigned lineno, struct buf *out, char **ret_rule)
{
	struct text_lines it = { .text = text, .len = len };
	const char *line;
	size_t n;

	while (text_next_line(&it, &line, &n)) {
		if (it.lineno != lineno)
			continue;
		const char *t = line;
		size_t tn = n;
		text_trim(&t, &tn);
		if (tn >= 9 && strncmp(t, "# sshfix:", 9) == 0)
			return 1;	/* an earlier finding of this run planned it */
		if (!one_deny_rule(t, tn))
			return -EBADMSG;
		if (!(*ret_rule = strndup(t, tn)))
			return -ENOMEM;
		buf_append(out, text, (size_t) (line - text));
		buf_append(out, line, (size_t) (t - line));
		buf_printf(out, "# sshfix: %s", *ret_rule);
		buf_append(out, t + tn, (size_t) (text + len - (t + tn)));
		return buf_ok(out) ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

static int deny_repair(struct run *run, struct finding *f, const struct aa_fix *x)
{
	_cleanup_free_ char *cur = NULL, *rule = NULL;
	size_t cur_len = 0;
	struct buf b = {0};
	struct stat st;
	int r;

	if (!x || !x->deny_file) {
		f->status_reason = strdup("left alone: the deny rule is in a file other profiles include");
		return f->status_reason ? -EPERM : -ENOMEM;
	}
	r = target_ancestors_are_roots(run->target, x->deny_file);
	if (r <= 0 || target_lstat(run->target, x->deny_file, &st) < 0 || !S_ISREG(st.st_mode)) {
		f->status_reason = strdup("left alone: the file with the deny rule is not a regular file that only root "
					  "can change");
		return f->status_reason ? -EACCES : -ENOMEM;
	}
	if ((r = journal_read_current(run->journal, x->deny_file, &cur, &cur_len)) < 0)
		return r;
	r = comment_out_line(cur, cur_len, x->deny_line, &b, &rule);
	if (r == 1)
		return 0;
	if (r == -EBADMSG || r == -ENOENT) {
		buf_done(&b);
		return asprintf(&f->status_reason, "left alone: %s line %u is not one deny rule alone on its line",
				x->deny_file, x->deny_line) < 0 ? -ENOMEM : -EINVAL;
	}
	if (r < 0) {
		buf_done(&b);
		return r;
	}
	r = check_planned(run, f, x->profile, x->deny_file, &b, "without this rule", "one rule line is commented out");
	const char *caches = "";
	if (r >= 0)
		r = write_profile_file(run, x->profile, x->deny_file, &b, true, &caches);
	buf_done(&b);
	if (r < 0)
		return r;
	return asprintf(&f->action, "commented out \"%s\" (%s line %u)%s; applies when the profile is loaded again (the "
				    "next boot, or apparmor_parser -r %s)", rule, x->deny_file, x->deny_line, caches,
			x->profile) < 0 ? -ENOMEM : 0;
}

static int apparmor_repair(struct run *run, struct finding *f)
{
	const struct aa_fix *x = f->data;
	_cleanup_free_ char *cur = NULL;
	size_t cur_len = 0;
	struct stat st;
	int r;

	if (f->problem->code == PR_APPARMOR_DENY_RULE)
		return deny_repair(run, f, x);
	if (!x) {
		f->status_reason = strdup("left alone: the profile has no local override to add a rule to");
		return f->status_reason ? -EPERM : -ENOMEM;
	}
	if (!x->rule) {
		f->status_reason = strdup("left alone: the path holds characters AppArmor reads as a pattern; a rule "
					  "for it would allow more than this file");
		return f->status_reason ? -EPERM : -ENOMEM;
	}
	/* Only where no user can change it: the override is part of the policy. */
	r = target_ancestors_are_roots(run->target, x->local);
	if (r == 0 || (r < 0 && r != -ENOENT)) {
		f->status_reason = strdup("left alone: /etc/apparmor.d/local is not root's alone");
		return f->status_reason ? -EACCES : -ENOMEM;
	}
	bool exists = target_lstat(run->target, x->local, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		f->status_reason = strdup("left alone: the profile's override is not a regular file");
		return f->status_reason ? -EPERM : -ENOMEM;
	}
	/* what an earlier finding of this run planned counts, even for a file that does not exist yet */
	r = journal_read_current(run->journal, x->local, &cur, &cur_len);
	if (r < 0 && r != -ENOENT)
		return r;
	if (cur && strstr(cur, x->rule))
		return 0;	/* an earlier finding of this run planned it */
	struct buf b = {0};
	buf_append(&b, cur ? cur : "", cur_len);
	if (cur_len > 0 && cur[cur_len - 1] != '\n')
		buf_putc(&b, '\n');
	buf_printf(&b, "# sshfix: sshd must %s this (%s)\n%s\n", strstr(x->rule, " ix,") ? "run" : "read",
		   f->user ? "a configured authorized keys file" : "sshd's own file", x->rule);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	r = check_planned(run, f, x->profile, x->local, &b, "with this rule", "the rule is one path and one permission");
	if (r < 0) {
		buf_done(&b);
		return r;
	}
	const char *caches = "";
	r = write_profile_file(run, x->profile, x->local, &b, exists, &caches);
	buf_done(&b);
	if (r < 0)
		return r;
	return asprintf(&f->action, "added \"%s\" to %s%s (applies when the profile is loaded again: the next boot, or "
				    "apparmor_parser -r %s)", x->rule, x->local, caches, x->profile) < 0 ? -ENOMEM : 0;
}

const struct fix fix_apparmor = {
	.id = "apparmor",
	.summary = "the AppArmor profile that confines sshd lets it read its keys and configuration and run its helpers",
	.rules = "RULES §9.6",
	.problems = apparmor_problems,
	.detect = apparmor_detect,
	.repair = apparmor_repair,
};
