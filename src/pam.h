/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's PAM configuration as Linux-PAM reads it (pam.d(5), libpam's
 * pam_handlers.c and pam_dispatch.c, 1.5.2 as in Debian 12): the stack of
 * one service per module type, with its "include" and "substack" lines and
 * Debian's "@include" expanded in place, every line with the file and line
 * number it came from, whether its module exists on the target, and the
 * control flow that turns the modules' return values into the stack's
 * answer (required, requisite, sufficient, optional, [value=action ...]
 * with ok, done, bad, die, ignore, reset and jumps; substacks).
 *
 * This is the one PAM provider: the per-user verdict (src/verdict.h) runs
 * the account stack with its module evaluators (src/pam_modules.h), the
 * checks read lines and modules from here.  Nothing here prints or writes.
 *
 * sshd asks PAM for the service "sshd" (PAMServiceName from 9.8): a key
 * login runs only the account stack (and the session); password and
 * keyboard-interactive logins run the auth stack too (RULES §13.4).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "target.h"

enum pam_type {
	PAMT_ANY = -1,		/* while reading: libpam's PAM_T_ANY, a service file's every type */
	PAMT_AUTH,
	PAMT_ACCOUNT,
	PAMT_SESSION,
	PAMT_PASSWORD,
	_PAMT_MAX,
};

/* The return values sshfix's evaluators give (a subset of Linux-PAM's). */
enum pam_ret {
	PAMR_SUCCESS,
	PAMR_IGNORE,
	PAMR_PERM_DENIED,	/* pam_access; also PAM_MUST_FAIL_CODE, a line libpam cannot use */
	PAMR_AUTH_ERR,		/* pam_deny, pam_listfile, pam_succeed_if, pam_nologin */
	PAMR_USER_UNKNOWN,
	PAMR_NEW_AUTHTOK_REQD,
	PAMR_ACCT_EXPIRED,
	PAMR_SERVICE_ERR,
	PAMR_MODULE_UNKNOWN,	/* the module could not be loaded ("PAM unable to dlopen") */
	_PAMR_MAX,
};

/* What a line's control does with a return value: these, or a jump of N > 0 lines. */
enum {
	PAMA_IGNORE = 0,
	PAMA_OK = -1,
	PAMA_DONE = -2,
	PAMA_BAD = -3,
	PAMA_DIE = -4,
	PAMA_RESET = -5,
};

enum pam_line_kind {
	PAML_MODULE,		/* type control module [args] */
	PAML_SUBSTACK,		/* the marker before a substack's lines (one level deeper) */
	PAML_MUST_FAIL,		/* a line libpam installs as always failing (why_fail says why) */
};

enum pam_module_state {
	PAM_MODULE_FOUND,
	PAM_MODULE_MISSING,	/* no such file in any module directory of the target */
	PAM_MODULE_UNJUDGED,	/* no module directory at all, or a $ISA path */
};

struct pam_line {
	enum pam_line_kind kind;
	enum pam_type type;
	const char *file;	/* the file it is in (one of the stack's strings) */
	unsigned line;		/* its first physical line */
	bool silent;		/* "-type": libpam does not log a missing module */
	char *control;		/* as written, brackets included */
	int actions[_PAMR_MAX];
	char *module;		/* as written; for PAML_SUBSTACK the file */
	char **args;		/* never NULL */
	unsigned level;		/* substack depth, 0 at the top */
	enum pam_module_state state;
	char *module_path;	/* where it was found (PAM_MODULE_FOUND) */
	char *why_fail;		/* PAML_MUST_FAIL */
};

struct pam_stack {
	char *service;		/* "sshd" */
	char *path;		/* the service file read; NULL when there is none (not even "other") */
	bool no_module_dirs;	/* the target has no PAM module directory: modules were not looked for */
	struct pam_line *lines[_PAMT_MAX];
	size_t n[_PAMT_MAX];
	char **files;		/* every file read, for provenance; never NULL after a load */
	char **notes;		/* what could not be read or judged */
};

void pam_stack_done(struct pam_stack *s);

/*
 * Read service's stack from the target: /etc/pam.d/SERVICE, else
 * /usr/lib/pam.d/SERVICE (the vendor directory), else "other" in both.
 * Missing files are facts (notes, failing lines), never errors.  Returns 0
 * with *ret (free with pam_stack_done()), or -ENOMEM.
 */
int pam_stack_load(struct target *t, const char *service, struct pam_stack *ret);

const char *pam_type_name(enum pam_type type);
/* The module's name without directory and ".so": "pam_access". */
const char *pam_module_base(const struct pam_line *l, char buf[static 64]);
/* Is the line this module ("pam_access")? */
bool pam_line_is(const struct pam_line *l, const char *name);
/* The value of "key=value" in the line's arguments, or NULL (the last one wins, as most modules read them). */
const char *pam_line_arg(const struct pam_line *l, const char *key);
bool pam_line_flag(const struct pam_line *l, const char *word);
/* "/etc/pam.d/sshd line 11" */
int pam_line_where(const struct pam_line *l, char **ret);

/*
 * Linux-PAM's control words: "required", "requisite", "optional",
 * "sufficient", or "value=action ..." (the brackets already removed), into
 * actions[].  Returns 0, or -EINVAL for a word it does not know (libpam
 * then logs it and goes on: the actions are filled all the same).
 */
int pam_parse_control(const char *control, bool bracketed, int actions[static _PAMR_MAX]);

/* What a module returned, for pam_stack_run(): fill *ret; return 0 or -errno. */
typedef int (*pam_module_fn)(void *userdata, const struct pam_line *l, enum pam_ret *ret);

struct pam_outcome {
	bool success;
	enum pam_ret status;
	/* Lines whose return value made the stack fail (action bad or die),
	 * in the order they ran; the first decides what sshd logs.  Empty
	 * when the stack failed because no module succeeded. */
	const struct pam_line **failed;
	size_t n_failed;
};

void pam_outcome_done(struct pam_outcome *o);

/*
 * Run s's stack of type as _pam_dispatch_aux() does, asking fn for each
 * module line it reaches (a missing module is PAMR_MODULE_UNKNOWN without
 * asking; a PAML_MUST_FAIL line fails).  Returns 0 with *ret, or fn's error.
 */
int pam_stack_run(const struct pam_stack *s, enum pam_type type, pam_module_fn fn, void *userdata,
		  struct pam_outcome *ret);
