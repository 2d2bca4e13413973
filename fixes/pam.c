/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam: sshd's PAM configuration itself (RULES §13.4), read through the one
 * PAM provider (src/pam.h) when UsePAM is yes.  What PAM decides per user
 * (pam_access, pam_listfile, pam_succeed_if, pam_nologin) is the per-user
 * verdict's, reported by the accounts family; here:
 *
 *  - pam-module-missing: a line of sshd's stacks (with its includes and
 *    substacks) names a module that does not exist in any PAM module
 *    directory of the target (/lib/x86_64-linux-gnu/security,
 *    /usr/lib/x86_64-linux-gnu/security, /lib64/security, /lib/security,
 *    ...), and its control fails the stack when libpam cannot load it
 *    ("PAM unable to dlopen"; required, requisite, or [...] without
 *    module_unknown=ignore).  In the account stack that refuses every login
 *    after the key was accepted; in the auth stack, passwords; in the
 *    session stack sshd restricts the session.  Report only: which module
 *    belongs there is the administrator's choice (install it, or remove the
 *    line).  Not judged when the target has no module directory at all.
 *  - pam-tally-locked: a failed-login counter of pam_faillock (in a
 *    persistent dir=) or pam_tally2 (/var/log/tallylog) over the deny= of
 *    the first such line in the auth stack: the module refuses the user's
 *    password and keyboard-interactive logins until unlock_time passes
 *    (never with unlock_time=never).  Keys are not refused: sshd runs no
 *    auth stack for a key, and in the account stack both modules only
 *    reset what their auth phase counted (measured on Debian 12).  With a
 *    yes, the count is reset through the journal: faillock's file of that
 *    user is removed (as faillock --reset empties it), tally2's record gets
 *    fail_cnt 0 (as pam_tally2 --reset).  A counter under /run is cleared
 *    by every boot: examined offline there is none, on the running system
 *    a note says so.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fixes.h"
#include "pam_counters.h"
#include "run.h"
#include "util.h"

/* This family's problems: each code is its row's index in pam_problems[]. */
enum problem_code {
	PR_PAM_MODULE_MISSING,
	PR_PAM_TALLY_LOCKED,
};

static const struct problem pam_problems[] = {
	{ PR_PAM_MODULE_MISSING, "pam-module-missing", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} line {line}: {detail}",
	  "libpam loads every module of sshd's PAM service when a login starts; a module that does not "
	  "exist is logged (\"PAM unable to dlopen(...)\", \"adding faulty module\") and, unless its "
	  "control ignores the failure, fails its stack: the account stack refuses every login after "
	  "the key was accepted (\"Access denied for user U by PAM account configuration\"), the auth "
	  "stack every password, the session stack makes sshd restrict the session. Install the "
	  "package that provides the module, or remove the line. RULES §13.4" },
	{ PR_PAM_TALLY_LOCKED, "pam-tally-locked", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "{user}: {detail}",
	  "pam_faillock and pam_tally2 count failed logins in sshd's auth stack and refuse the account "
	  "once the count reaches deny=, until unlock_time passes. sshd runs the auth stack for "
	  "passwords and keyboard-interactive, never for a key, and in the account stack these modules "
	  "only reset their own count: a locked counter keeps out passwords, not keys. pam_faillock's "
	  "default directory /var/run/faillock is a tmpfs, cleared at boot; a dir= elsewhere and "
	  "pam_tally2's /var/log/tallylog persist. After confirmation the user's count is reset "
	  "(faillock: the user's file removed; tally2: the record's count set to 0), as faillock "
	  "--reset and pam_tally2 --reset do. RULES §13.4" },
	{ .id = NULL },
};

static bool use_pam(const struct run *run)
{
	const struct sshd_option *o = sshd_config_first(run->model.sshd, "UsePAM");

	return o && o->args && o->args[0] && strcasecmp(o->args[0], "yes") == 0;
}

/* Does sshd run the auth stack at all: PasswordAuthentication or KbdInteractiveAuthentication (default yes)? */
static bool auth_stack_used(const struct run *run)
{
	static const char *const kw[] = { "PasswordAuthentication", "KbdInteractiveAuthentication",
					  "ChallengeResponseAuthentication" };
	bool kbd_seen = false, pass = true, kbd = true;

	for (size_t i = 0; i < ELEMENTSOF(kw); i++) {
		const struct sshd_option *o = sshd_config_first(run->model.sshd, kw[i]);
		if (!o || !o->args || !o->args[0])
			continue;
		bool yes = strcasecmp(o->args[0], "no") != 0;
		if (i == 0)
			pass = yes;
		else if (!kbd_seen) {
			kbd = yes;
			kbd_seen = true;
		}
	}
	return pass || kbd;
}

static const char *effect(enum pam_type type)
{
	switch (type) {
	case PAMT_ACCOUNT:
		return "the account stack fails, so every login through sshd, keys included, is refused after "
		       "authentication (\"Access denied for user U by PAM account configuration\")";
	case PAMT_AUTH:
		return "the auth stack fails, so password and keyboard-interactive logins are refused (a key "
		       "login does not run it)";
	case PAMT_SESSION:
		return "pam_open_session fails: sshd logs it and restricts every session (no terminal, no "
		       "forwarding)";
	case PAMT_PASSWORD:
	default:
		return "the password stack fails: an expired password cannot be changed over ssh";
	}
}

static int missing_modules(struct run *run, const struct pam_stack *s)
{
	_cleanup_strv_free_ char **seen = NULL;
	int r;

	for (int type = 0; type < _PAMT_MAX; type++)
		for (size_t i = 0; i < s->n[type]; i++) {
			const struct pam_line *l = &s->lines[type][i];
			_cleanup_free_ char *key = NULL;
			if (l->kind != PAML_MODULE || l->state != PAM_MODULE_MISSING)
				continue;
			if (asprintf(&key, "%s:%u", l->file, l->line) < 0)
				return -ENOMEM;
			if (strv_contains(seen, key))
				continue;
			r = strv_push(&seen, TAKE_PTR(key));
			if (r < 0)
				return r;
			int a = l->actions[PAMR_MODULE_UNKNOWN];
			if (a != PAMA_BAD && a != PAMA_DIE) {
				/* optional, sufficient, module_unknown=ignore: libpam logs it and goes on */
				if (!l->silent &&
				    (r = model_note(&run->model, "%s line %u: %s does not exist on the target; its control (%s) "
								 "ignores that",
						    l->file, l->line, l->module, l->control)) < 0)
					return r;
				continue;
			}
			struct finding *f = run_add_finding(run, &pam_problems[PR_PAM_MODULE_MISSING], l->file, NULL);
			if (!f)
				return -ENOMEM;
			f->line = l->line;
			if (finding_set_detail(f, "%s does not exist on the target (%s stack of %s, %s): libpam cannot load it "
						  "(\"PAM unable to dlopen\"); %s",
					       l->module, pam_type_name(type), s->service, l->control, effect(type)) < 0 ||
			    finding_add_evidence(f, "%s:%u", l->file, l->line) < 0)
				return -ENOMEM;
			for (size_t k = 0; k < 4 && s->files && s->files[k]; k++)
				if (finding_add_evidence(f, "read: %s", s->files[k]) < 0)
					return -ENOMEM;
		}
	return 0;
}

static void date_str(uint64_t when, char out[static 32])
{
	time_t t = (time_t) when;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(out, 32, "%llu", (unsigned long long) when);
}

static int counters(struct run *run, const struct pam_stack *s)
{
	struct pam_counters c = {0};
	bool live = target_is_this_system(run->target), auth = auth_stack_used(run);
	int r;

	r = pam_counters_read(run->target, &run->model.accounts, s, pam_counters_now(), &c);
	if (r < 0)
		return r;
	for (size_t i = 0; r >= 0 && c.notes && c.notes[i]; i++)
		r = model_note(&run->model, "%s", c.notes[i]);
	for (size_t i = 0; r >= 0 && i < c.n; i++) {
		const struct pam_counter *x = &c.v[i];
		const char *mod = x->kind == PAMC_FAILLOCK ? "pam_faillock" : "pam_tally2";
		char until[32] = "";
		if (!x->locked)
			continue;
		if (x->unlocks_at)
			date_str(x->unlocks_at, until);
		if (x->tmpfs) {
			/* /run: offline the file is a leftover the boot never sees; live, the next boot clears it */
			r = model_note(&run->model, "%s refuses %s's password logins (%u failures in %s, deny=%u)%s%s; it lives "
						    "under /run, so %s",
				       mod, x->user, x->failures, x->path, x->deny, *until ? " until " : "", until,
				       live ? "the next boot clears it (or: faillock --user NAME --reset)"
					    : "the next boot starts without it");
			continue;
		}
		if (!auth) {
			r = model_note(&run->model, "%s counts %u failures for %s (deny=%u), but sshd runs no PAM auth "
						    "(PasswordAuthentication and KbdInteractiveAuthentication are no): it "
						    "refuses nothing over ssh",
				       mod, x->failures, x->user, x->deny);
			continue;
		}
		struct finding *f = run_add_finding(run, &pam_problems[PR_PAM_TALLY_LOCKED], x->path, x->user);
		if (!f) {
			r = -ENOMEM;
			break;
		}
		if (finding_set_detail(f, "%s refuses the password and keyboard-interactive logins: %u failed logins in %s, "
					  "deny=%u (%s line %u, auth stack), %s%s; a key login is not refused (sshd runs "
					  "no auth stack for a key)",
				       mod, x->failures, x->path, x->deny, x->line->file, x->line->line,
				       x->unlock_time ? "locked until " : "unlock_time=never: locked for good",
				       x->unlock_time ? until : "") < 0 ||
		    finding_add_evidence(f, "%s:%u: %s %s %s", x->line->file, x->line->line, pam_type_name(x->line->type),
					 x->line->control, x->line->module) < 0 ||
		    finding_add_evidence(f, "%s: %u failure(s) of %s (uid %u)", x->path, x->failures, x->user,
					 (unsigned) x->uid) < 0)
			r = -ENOMEM;
	}
	pam_counters_done(&c);
	return r;
}

static int pam_detect(struct run *run)
{
	const struct pam_stack *s = run->model.pam;
	int r = 0;

	if (!s || !run->model.sshd || !use_pam(run))
		return 0;
	for (size_t i = 0; r >= 0 && s->notes && s->notes[i]; i++)
		r = model_note(&run->model, "PAM: %s", s->notes[i]);
	if (r < 0 || !s->path)
		return r;
	if (s->no_module_dirs)
		r = model_note(&run->model, "PAM modules were not looked for: the target has no PAM module directory "
					    "(/lib/*/security, /usr/lib/*/security, /lib64/security, /lib/security)");
	else
		r = missing_modules(run, s);
	if (r >= 0)
		r = counters(run, s);
	return r;
}

static int pam_repair(struct run *run, struct finding *f)
{
	struct pam_counters c = {0};
	int r;

	if (f->problem->code != PR_PAM_TALLY_LOCKED)
		return -EOPNOTSUPP;
	if (!run->model.pam)
		return -ESTALE;
	r = pam_counters_read(run->target, &run->model.accounts, run->model.pam, pam_counters_now(), &c);
	if (r < 0)
		return r;
	r = -ESTALE;
	for (size_t i = 0; i < c.n; i++) {
		const struct pam_counter *x = &c.v[i];
		if (!x->locked || !streq_ptr(x->user, f->user) || !streq_ptr(x->path, f->path))
			continue;
		if (x->unsafe) {
			/* A link could make the reset write some other file (a tallylog linked to shadow). */
			free(f->status_reason);
			if (asprintf(&f->status_reason, "%s is a symbolic link or hard-linked: reset it by hand (%s)", x->path,
				     x->kind == PAMC_FAILLOCK ? "faillock --user NAME --reset" : "pam_tally2 --user NAME --reset") < 0)
				f->status_reason = NULL;
			r = -EPERM;
			break;
		}
		if (x->kind == PAMC_FAILLOCK) {
			free(f->action);
			f->action = NULL;
			if (asprintf(&f->action, "remove %s (pam_faillock's record of %s's failures)", x->path, x->user) < 0) {
				r = -ENOMEM;
				break;
			}
			r = journal_unlink(run->journal, x->path);
		} else {
			_cleanup_free_ char *data = NULL, *out = NULL;
			size_t len = 0;
			r = journal_read_current(run->journal, x->path, &data, &len);
			if (r >= 0)
				r = tallylog_reset(data, len, x->uid, &out);
			if (r >= 0) {
				free(f->action);
				f->action = NULL;
				if (asprintf(&f->action, "set %s's failure count in %s to 0", x->user, x->path) < 0)
					r = -ENOMEM;
			}
			/* Mode, owner and extended attributes stay as they are. */
			if (r >= 0)
				r = journal_write_file(run->journal, x->path, out, len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
		}
		break;
	}
	pam_counters_done(&c);
	return r < 0 ? r : 0;
}

const struct fix fix_pam = {
	.id = "pam",
	.summary = "sshd's PAM service: modules that do not exist, failed-login counters (faillock, tally2)",
	.rules = "RULES §13.4",
	.problems = pam_problems,
	.detect = pam_detect,
	.repair = pam_repair,
};
