/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * accounts: why sshd refuses an account that has authorized keys, from the
 * per-user verdict (src/verdict.h; RULES §6.1-6.4, §12.1): the account's
 * state (locked with UsePAM no, expired, a password that must be changed),
 * its shell (missing, not executable, nologin), /etc/nologin, sshd's
 * policy lines (AllowUsers, DenyUsers, AllowGroups, DenyGroups,
 * PermitRootLogin, PubkeyAuthentication, AuthenticationMethods), the PAM
 * account stack's policy modules (pam_access, pam_listfile,
 * pam_succeed_if: RULES §13.4; the stack itself is src/pam.h's, missing
 * modules and counters are fixes/pam.c's) and pam_limits entries that end
 * every session.
 *
 * Only accounts that have an authorized keys file, or that a policy line
 * names, are reported: system accounts (no keys, nologin shells) are meant
 * not to log in.  Two things are repaired, each only when a person says
 * yes, through the journal as byte-exact edits of one field of one line:
 * a '!'-locked password under UsePAM no becomes '*' (unusable, not locked:
 * no password logs in, as before, but keys do), and a missing shell
 * becomes the distribution's default shell.  Everything else is a choice
 * somebody made on purpose (or a date), so it is explained with the exact
 * command or line to change, and never changed; /etc/nologin is removed
 * with a yes where it blocks logins now (the running system) or after a
 * boot that does not remove it, and only explained on a systemd target
 * examined offline, whose next boot removes it (RULES §6.2).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fixes.h"
#include "run.h"
#include "util.h"
#include "verdict.h"

/* This family's problems: each code is its row's index in accounts_problems[]. */
enum problem_code {
	PR_ACCOUNT_LOCKED,
	PR_SHELL_INVALID,
	PR_SHELL_NOLOGIN,
	PR_ACCOUNT_EXPIRED,
	PR_PASSWORD_CHANGE_REQUIRED,
	PR_NOLOGIN_FILE,
	PR_NOLOGIN_FILE_CLEARED_AT_BOOT,
	PR_USER_NOT_ALLOWED,
	PR_ROOT_LOGIN_REFUSED,
	PR_PUBKEY_DISABLED,
	PR_AUTH_METHODS_NO_PUBKEY,
	PR_PAM_LIMITS_SESSION,
	PR_PAM_ACCESS_DENIED,
	PR_PAM_LISTFILE_DENIED,
	PR_PAM_SUCCEED_IF_DENIED,
};

static const struct problem accounts_problems[] = {
	{ PR_ACCOUNT_LOCKED, "account-locked", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "{user}'s password is locked ({detail}) and UsePAM is no: sshd refuses the user's keys too",
	  "Without PAM, sshd takes a password hash that starts with '!' (passwd -l, usermod -L) for a "
	  "locked account and refuses every method, keys included (\"User U not allowed because account "
	  "is locked\"). With PAM it would not. After confirmation the hash becomes '*': no password can "
	  "match it, as before, but the account is no longer locked, so its keys work. RULES §6.1-6.2",
	  .follows_from = PROBLEMS_NO_SSHD_CONFIG },
	{ PR_SHELL_INVALID, "shell-invalid", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "{user}'s shell {detail}",
	  "sshd refuses a user whose shell does not exist or is not an executable file, before it looks "
	  "at any key (\"User U not allowed because shell S does not exist\"). After confirmation the "
	  "shell becomes the distribution's default (/bin/bash, else /bin/sh). RULES §6.1" },
	{ PR_SHELL_NOLOGIN, "shell-nologin", SEV_ERROR, PF_REPORT_ONLY,
	  "{user} has authorized keys, but the shell {detail}",
	  "With a nologin or false shell sshd accepts the key, then the session ends at once (\"This "
	  "account is currently not available.\"). That is often deliberate, for a service account; if "
	  "the user should log in, change the shell with the command shown. RULES §6.3" },
	{ PR_ACCOUNT_EXPIRED, "account-expired", SEV_ERROR, PF_REPORT_ONLY,
	  "{user}'s account {detail}",
	  "An account past its expiry day (shadow's 8th field) is refused: by sshd itself with UsePAM no "
	  "(\"Account U has expired\"), by pam_unix with UsePAM yes (\"Access denied ... by PAM account "
	  "configuration\"). Expiry is an administrator's decision, so sshfix only shows the command that "
	  "clears it. RULES §6.1-6.2",
	  .follows_from = PROBLEMS_NO_SSHD_CONFIG },
	{ PR_PASSWORD_CHANGE_REQUIRED, "password-change-required", SEV_ERROR, PF_REPORT_ONLY,
	  "{user} must change the password before logging in: {detail}",
	  "With UsePAM yes, pam_unix asks for a new password when the last change is 0 (chage -d 0, "
	  "passwd -e) or the password is older than its maximum age; sshd can ask only on a terminal, so "
	  "\"ssh host command\", scp and automation fail (\"Password change required but no TTY "
	  "available\"). RULES §6.2",
	  .follows_from = PROBLEMS_NO_SSHD_CONFIG },
	{ PR_NOLOGIN_FILE, "nologin-file", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "{path} exists: {detail}",
	  "While /etc/nologin exists, every login but root's is refused (pam_nologin with UsePAM yes, "
	  "sshd's own check without PAM). shutdown creates it; on a systemd machine every boot removes "
	  "it, so on the running system one created since (written by hand, or left by a shutdown that "
	  "was cancelled) keeps users out until the next boot, and on a machine without systemd one "
	  "left behind keeps them out after it too. After confirmation it is removed (undo puts it "
	  "back); not without one, as a shutdown may be under way. RULES §6.2" },
	{ PR_NOLOGIN_FILE_CLEARED_AT_BOOT, "nologin-file-cleared-at-boot", SEV_INFO, PF_REPORT_ONLY,
	  "{path} exists, but {detail}",
	  "systemd-user-sessions.service, which multi-user.target pulls in at every boot, removes "
	  "/etc/nologin and /run/nologin when it starts. Examined offline (a disk mounted in a rescue "
	  "system, an initramfs before switch-root), a file that is there now keeps nobody out once "
	  "the machine boots, so it is not why logins fail; nothing is changed. RULES §6.2" },
	{ PR_USER_NOT_ALLOWED, "user-not-allowed", SEV_ERROR, PF_REPORT_ONLY,
	  "{user} may not log in: {detail}",
	  "sshd checks DenyUsers, AllowUsers, DenyGroups and AllowGroups in that order, after Match "
	  "blocks, before any key (\"User U from H not allowed because ...\"); the client only sees "
	  "\"Permission denied\". Who may log in is a policy choice: edit the line shown if it is "
	  "wrong. RULES §6.1" },
	{ PR_ROOT_LOGIN_REFUSED, "root-login-refused", SEV_ERROR, PF_REPORT_ONLY,
	  "{user} has authorized keys, but {detail}",
	  "For uid 0 sshd checks PermitRootLogin after the key was accepted (\"ROOT LOGIN REFUSED\"); "
	  "prohibit-password (the default) lets keys in, no refuses them, forced-commands-only accepts "
	  "only keys with a command= option. A policy choice: explained, never changed. RULES §6.4" },
	{ PR_PUBKEY_DISABLED, "pubkey-auth-disabled", SEV_ERROR, PF_REPORT_ONLY,
	  "{user} has authorized keys, but {detail}",
	  "With PubkeyAuthentication no (globally or in a Match block that applies) sshd offers no key "
	  "login at all; the client says \"Permission denied (password)\" or similar. RULES §3.5" },
	{ PR_AUTH_METHODS_NO_PUBKEY, "auth-methods-no-pubkey", SEV_ERROR, PF_REPORT_ONLY,
	  "{user}: {detail}",
	  "AuthenticationMethods lists the methods a login must pass; when no list consists of publickey "
	  "alone, a key is not enough (\"Authenticated with partial success\") and a client with only a "
	  "key is refused. RULES §3.5" },
	{ PR_PAM_LIMITS_SESSION, "pam-limits-session", SEV_ERROR, PF_REPORT_ONLY,
	  "{user}'s sessions end at once: {detail}",
	  "pam_limits, in sshd's PAM session stack, applies limits.conf and limits.d: maxlogins 0 refuses "
	  "every session (\"There were too many logins\"), and a tiny nofile leaves sshd no file "
	  "descriptors for the session (\"Too many open files\", \"Broken pipe\"). Remove or raise the "
	  "entry shown. RULES §12.1" },
	{ PR_PAM_ACCESS_DENIED, "pam-access-denied", SEV_ERROR, PF_REPORT_ONLY,
	  "{user} may not log in: {detail}",
	  "With UsePAM yes, sshd runs the PAM account stack after the key was accepted. pam_access "
	  "there reads /etc/security/access.conf (or accessfile=, then access.d): the first "
	  "\"+|-:users:origins\" line that matches the user (a name, a group, (group), ALL, EXCEPT) and "
	  "the client's origin (ALL, an address, a network; LOCAL is never a network login) decides, "
	  "and a \"-\" line refuses (\"Access denied for user U by PAM account configuration\"). The "
	  "origin is read as \"an address that is not local\"; an answer that rests on which one says so. "
	  "Who may log in from where is a policy choice: edit the line shown if it is wrong. RULES §13.4" },
	{ PR_PAM_LISTFILE_DENIED, "pam-listfile-denied", SEV_ERROR, PF_REPORT_ONLY,
	  "{user} may not log in: {detail}",
	  "pam_listfile in sshd's PAM account stack refuses a user named (item=user; group, shell) in "
	  "its file= with sense=deny, or not named there with sense=allow; a file that is missing "
	  "counts as onerr= says (fail by default), one that is world-writable or not a regular file "
	  "refuses everyone. A policy choice: edit the list or the line shown. RULES §13.4" },
	{ PR_PAM_SUCCEED_IF_DENIED, "pam-succeed-if-denied", SEV_ERROR, PF_REPORT_ONLY,
	  "{user} may not log in: {detail}",
	  "pam_succeed_if in sshd's PAM account stack fails when one of its conditions (uid >= 1000, "
	  "user in a:b, shell, ingroup, ...) does not hold for the user, and with required or "
	  "requisite that refuses the login after the key was accepted. A policy choice: explained "
	  "with the condition and the line, never changed. RULES §13.4" },
	{ .id = NULL },
};

/* The shell a repair offers: the distribution's useradd default where it exists. */
static const char *default_shell(struct run *run)
{
	const struct target_facts *f = &run->target->facts;
	struct stat st;

	if ((f->family == DISTRO_DEBIAN || f->family == DISTRO_REDHAT || f->family == DISTRO_SUSE ||
	     f->family == DISTRO_ARCH) &&
	    target_stat(run->target, "/bin/bash", &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
		return "/bin/bash";
	if (target_stat(run->target, "/bin/sh", &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
		return "/bin/sh";
	return NULL;
}

/* "usermod -R ROOT" for a target that is not "/": the commands must change the target's files. */
static const char *root_opt(const struct run *run, char *buf, size_t n)
{
	if (strcmp(run->opt.root, "/") == 0)
		return "";
	snprintf(buf, n, " -R %s", run->opt.root);
	return buf;
}

static bool found(const struct run *run, enum problem_code code, const char *user)
{
	for (size_t i = 0; i < run->n_findings; i++)
		if (run->findings[i]->problem == &accounts_problems[code] && streq_ptr(run->findings[i]->user, user))
			return true;
	return false;
}

static int add(struct run *run, enum problem_code code, const struct verdict_reason *r, const char *user,
	       const char *fmt, ...) _printf_(5, 6);
static int add(struct run *run, enum problem_code code, const struct verdict_reason *r, const char *user,
	       const char *fmt, ...)
{
	_cleanup_free_ char *detail = NULL;
	struct finding *f;
	va_list ap;

	if (found(run, code, user))
		return 0;
	/* One finding per configuration line: another check's says it already
	 * (config-dropin-override names the drop-in line that wins). */
	for (size_t i = 0; r->path && r->line && i < run->n_findings; i++)
		if (run->findings[i]->line == r->line && streq_ptr(run->findings[i]->path, r->path) &&
		    run->findings[i]->fix != &fix_accounts)
			return 0;
	va_start(ap, fmt);
	int k = vasprintf(&detail, fmt, ap);
	va_end(ap);
	if (k < 0)
		return -ENOMEM;
	f = run_add_finding(run, &accounts_problems[code], r->path, user);
	if (!f)
		return -ENOMEM;
	f->line = r->line;
	if (finding_set_detail(f, "%s%s", detail, r->depends ? " (only for some client addresses or host names)" : "") <
		    0 ||
	    finding_add_evidence(f, "%s", r->text) < 0 ||
	    (r->path && r->line && finding_add_evidence(f, "%s:%u", r->path, r->line) < 0))
		return -ENOMEM;
	return 0;
}

static void date_str(long day, char out[static 16])
{
	time_t t = (time_t) day * 86400;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, 16, "%Y-%m-%d", &tm))
		snprintf(out, 16, "%ld", day);
}

/* The reasons of one verdict that this family explains. */
static int report_user(struct run *run, const struct verdict_env *env, const struct verdict *v, const char **ret_nologin)
{
	const struct sp_entry *sp = accounts_shadow_by_name(&run->model.accounts, v->user);
	char ro[PATH_MAX + 8], today[16];
	int r = 0;

	date_str(env->today, today);
	for (size_t i = 0; i < v->n_reasons && r == 0; i++) {
		const struct verdict_reason *x = &v->reasons[i];

		/* Without keys only the policy lines that name the user are worth a word. */
		if (!v->has_keys && !(x->why >= VW_DENY_USERS && x->why <= VW_ALLOW_GROUPS))
			continue;
		switch (x->why) {
		case VW_ACCOUNT_LOCKED:
			r = add(run, PR_ACCOUNT_LOCKED, x, v->user, "'!' in %s line %u", x->path, x->line);
			break;
		case VW_SHELL_MISSING:
		case VW_SHELL_NOT_EXECUTABLE: {
			const struct pw_entry *pw = accounts_user_by_name(&run->model.accounts, v->user);
			const char *s = pw && pw->shell[0] ? pw->shell : "/bin/sh";
			r = add(run, PR_SHELL_INVALID, x, v->user, "%s %s", s,
				x->why == VW_SHELL_MISSING ? "does not exist" : "is not executable");
			break;
		}
		case VW_SHELL_NOLOGIN: {
			const struct pw_entry *pw = accounts_user_by_name(&run->model.accounts, v->user);
			const char *shell = default_shell(run);
			r = add(run, PR_SHELL_NOLOGIN, x, v->user,
				"%s ends every session; if the user should log in: usermod%s -s %s %s", pw ? pw->shell : "?",
				root_opt(run, ro, sizeof(ro)), shell ? shell : "/bin/sh", v->user);
			break;
		}
		case VW_ACCOUNT_EXPIRED:
		case VW_PAM_ACCOUNT_EXPIRED: {
			char day[16];
			if (sp && sp->expire >= 0 && (x->why == VW_ACCOUNT_EXPIRED ? sp->expire < env->today
										 : sp->expire <= env->today)) {
				date_str(sp->expire, day);
				r = add(run, PR_ACCOUNT_EXPIRED, x, v->user, "expired on %s; to clear the expiry: chage%s -E -1 %s",
					day, root_opt(run, ro, sizeof(ro)), v->user);
			} else
				r = add(run, PR_ACCOUNT_EXPIRED, x, v->user,
					"is inactive: its password expired more than %d day(s) ago; set a new password "
					"(passwd%s %s) or lift the limit: chage%s -I -1 %s",
					sp ? sp->inactive : 0, root_opt(run, ro, sizeof(ro)), v->user,
					root_opt(run, ro, sizeof(ro)), v->user);
			break;
		}
		case VW_PASSWORD_CHANGE:
			r = add(run, PR_PASSWORD_CHANGE_REQUIRED, x, v->user,
				"%s; log in once with a terminal (ssh -t) and change it, or mark it changed today: "
				"chage%s -d %s %s",
				sp && sp->lastchg == 0 ? "the last change is 0 (forced)" : "the password is past its maximum age",
				root_opt(run, ro, sizeof(ro)), today, v->user);
			break;
		case VW_NOLOGIN_FILE:
			if (!*ret_nologin)
				*ret_nologin = v->user;
			break;
		case VW_DENY_USERS:
		case VW_ALLOW_USERS:
		case VW_NO_GROUPS:
		case VW_DENY_GROUPS:
		case VW_ALLOW_GROUPS:
			r = add(run, PR_USER_NOT_ALLOWED, x, v->user, "%s", x->text);
			break;
		case VW_ROOT_LOGIN:
			r = add(run, PR_ROOT_LOGIN_REFUSED, x, v->user, "%s", x->text);
			break;
		case VW_PUBKEY_DISABLED:
			r = add(run, PR_PUBKEY_DISABLED, x, v->user, "%s", x->text);
			break;
		case VW_AUTH_METHODS:
			r = add(run, PR_AUTH_METHODS_NO_PUBKEY, x, v->user, "%s", x->text);
			break;
		case VW_PAM_LIMITS:
			r = add(run, PR_PAM_LIMITS_SESSION, x, v->user, "%s", x->text);
			break;
		case VW_PAM_ACCESS:
			r = add(run, PR_PAM_ACCESS_DENIED, x, v->user, "%s", x->text);
			break;
		case VW_PAM_LISTFILE:
			r = add(run, PR_PAM_LISTFILE_DENIED, x, v->user, "%s", x->text);
			break;
		case VW_PAM_SUCCEED_IF:
			r = add(run, PR_PAM_SUCCEED_IF_DENIED, x, v->user, "%s", x->text);
			break;
		default:
			/* Keys files are user-key-paths' and keys-content's; the server is everybody's. */
			break;
		}
	}
	return r;
}

static int accounts_detect(struct run *run)
{
	const struct accounts *a = &run->model.accounts;
	struct verdict_env env = {0};
	_cleanup_strv_free_ char **blocked = NULL, **spared = NULL;
	int r;

	if (!a->passwd.present)
		return 0;	/* account-db reports it */
	r = verdict_env_init(run->target, &run->model, &env);
	if (r < 0)
		return r;
	/* sshd -T for the accounts reported on; the sshd-test check says when sshd cannot run. */
	env.crosscheck = true;
	env.from = run->opt.from;
	for (size_t i = 0; i < a->passwd.n_entries && r == 0; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		const char *nologin = NULL;
		struct verdict v;

		/* A duplicate name is shadowed by the first entry: a lookup by name finds that one. */
		if (accounts_user_by_name(a, pw->name) != pw)
			continue;
		r = verdict_user(run->target, &run->model, &env, pw, &v);
		if (r < 0)
			break;
		if (v.has_keys || v.listed)
			r = report_user(run, &env, &v, &nologin);
		if (r == 0 && v.has_keys && v.shell_unjudged)
			r = model_note(&run->model, "%s's shell %s was not judged: its directory does not exist in the "
						    "target (is /usr mounted?)",
				       v.user, pw->shell);
		if (r == 0 && nologin && !strv_contains(blocked, nologin))
			r = strv_push(&blocked, strdup(nologin));
		/* Those it would keep out, were it not removed at boot. */
		if (r == 0 && env.nologin && !verdict_nologin_blocks(&env) && v.has_keys && pw->uid != 0 &&
		    !strv_contains(spared, pw->name))
			r = strv_push(&spared, strdup(pw->name));
		verdict_done(&v);
	}
	/* Offline, on a systemd target: the next boot removes it (RULES §6.2). */
	if (r == 0 && spared) {
		struct verdict_reason x = { .path = (char *) "/etc/nologin" };
		_cleanup_free_ char *list = NULL;
		struct buf b = {0};
		for (size_t i = 0; spared[i]; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", spared[i]);
		list = buf_ok(&b) ? buf_steal(&b) : (buf_done(&b), NULL);
		r = list ? add(run, PR_NOLOGIN_FILE_CLEARED_AT_BOOT, &x, NULL,
			       "%s: after the reboot it keeps nobody out (users with keys: %s; examined offline, not on "
			       "the running system)",
			       env.nologin_cleared, list)
			 : -ENOMEM;
	}
	if (r == 0 && blocked) {
		struct verdict_reason x = { .path = (char *) "/etc/nologin" };
		_cleanup_free_ char *list = NULL;
		struct buf b = {0};
		for (size_t i = 0; blocked[i]; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", blocked[i]);
		list = buf_ok(&b) ? buf_steal(&b) : (buf_done(&b), NULL);
		char ro[PATH_MAX + 8];
		snprintf(ro, sizeof(ro), "%s/etc/nologin", strcmp(run->opt.root, "/") ? run->opt.root : "");
		r = list ? add(run, PR_NOLOGIN_FILE, &x, NULL,
			       "every login but root's is refused (users with keys: %s)%s; if no shutdown is under way, "
			       "remove it: rm %s",
			       list,
			       env.this_system ? ", now, on the running system"
			       : env.nologin_cleared ? ""
						     : ", and the next boot keeps it (no systemd-user-sessions.service removes it)",
			       ro)
			 : -ENOMEM;
	}
	for (size_t i = 0; r == 0 && env.notes && env.notes[i]; i++)
		r = model_note(&run->model, "%s", env.notes[i]);
	verdict_env_done(&env);
	return r;
}

/* Set one field of user's entry in an account file, as planned so far, and plan the rewrite. */
static int set_field(struct run *run, const char *path, enum acct_kind kind, const char *user, unsigned field,
		     const char *value)
{
	_cleanup_free_ char *data = NULL, *out = NULL;
	struct acct_file f = { .kind = kind };
	size_t len, out_len;
	int r;

	r = journal_read_current(run->journal, path, &data, &len);
	if (r < 0)
		return r;
	r = acct_file_parse(kind, data, len, &f);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < f.n_entries; i++) {
		const char *name = kind == ACCT_SHADOW ? f.sp[i].name : f.pw[i].name;
		if (strcmp(name, user) == 0) {
			r = acct_file_set_field(&f, i, field, value);
			break;
		}
	}
	if (r == 0) {
		acct_file_done(&f);
		return 0;	/* already so: nothing to plan */
	}
	if (r > 0)
		r = acct_file_render(&f, &out, &out_len);
	acct_file_done(&f);
	if (r < 0)
		return r;
	/* Mode, owner and extended attributes (SELinux's shadow_t) stay as they are. */
	r = journal_write_file(run->journal, path, out, out_len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
	return r < 0 ? r : 0;
}

static int accounts_repair(struct run *run, struct finding *f)
{
	switch (f->problem->code) {
	case PR_ACCOUNT_LOCKED: {
		bool shadow = streq_ptr(f->path, "/etc/shadow");
		if (asprintf(&f->action, "set %s's password field in %s to '*' (unusable, not locked)", f->user,
			     f->path) < 0)
			return -ENOMEM;
		return set_field(run, f->path, shadow ? ACCT_SHADOW : ACCT_PASSWD, f->user, shadow ? SP_HASH : PW_PASSWD,
				 "*");
	}
	case PR_NOLOGIN_FILE:
		/* The file itself, whatever it says: pam_nologin and sshd only ask whether it exists. */
		free(f->action);
		f->action = strdup("remove /etc/nologin");
		if (!f->action)
			return -ENOMEM;
		{
			int r = journal_unlink(run->journal, "/etc/nologin");
			return r < 0 ? r : 0;
		}
	case PR_SHELL_INVALID: {
		const char *shell = default_shell(run);
		if (!shell) {
			f->status_reason = strdup("the target has neither /bin/bash nor /bin/sh to offer");
			return -ENOENT;
		}
		if (asprintf(&f->action, "set %s's shell in /etc/passwd to %s", f->user, shell) < 0)
			return -ENOMEM;
		return set_field(run, "/etc/passwd", ACCT_PASSWD, f->user, PW_SHELL, shell);
	}
	default:
		return -EOPNOTSUPP;
	}
}

/* A configuration line config-dropin-override already names is not named again. */
static const struct fix *const accounts_after[] = { &fix_config_dropins, NULL };

const struct fix fix_accounts = {
	.id = "accounts",
	.summary = "account state, shell, /etc/nologin, Allow/Deny lines, root and key policy, PAM account modules, "
		   "pam_limits, per user",
	.rules = "RULES §6.1-6.4, §12.1, §13.4",
	.problems = accounts_problems,
	.detect = accounts_detect,
	.repair = accounts_repair,
	.after = accounts_after,
};
