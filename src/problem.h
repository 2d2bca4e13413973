/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Problems, e2fsck style: every reason sshd refuses a login that sshfix
 * knows has a stable kebab-case id, a message template, a severity and
 * flags that say what --apply may do about it.  Each family owns its table
 * and the codes (PR_*) that index it, in its own file (fixes/<family>.c):
 * adding a problem touches that file only.  fixes/registry.c collects the
 * tables; elsewhere a problem is named by its id, which is part of the
 * interface (--only, --skip, --json) and never changes meaning once
 * released.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>


enum problem_flags {
	PF_SAFE_AUTO = 1 << 0,		/* --apply fixes it */
	PF_NEEDS_CONFIRM = 1 << 1,	/* fixed only when a person says yes (--interactive) */
	PF_REPORT_ONLY = 1 << 2,	/* explained, never changed */
	/* Evidence of the past, not a state of the target (a log line no finding
	 * explains): reported, but it does not make the exit status say
	 * "problems remain" -- a second --apply after a repair exits 0. */
	PF_HISTORY = 1 << 3,
};

enum severity {
	SEV_INFO,	/* worth knowing; does not stop logins */
	SEV_WARNING,	/* insecure or fragile, logins still work */
	SEV_ERROR,	/* sshd refuses logins because of it */
};

/*
 * One row of a problem table.  The template names the fields of the
 * finding it is filled from: {path}, {user}, {detail}, {line}.
 */
struct problem {
	unsigned code;		/* its row's index in its family's table (the family's PR_*) */
	const char *id;
	enum severity severity;
	unsigned flags;
	const char *message;	/* one line, what is wrong */
	const char *explain;	/* why sshd cares, with the RULES.md reference */
	/* Problem ids that, when found too, explain this one: it follows
	 * from them (host keys missing because openssh-server is not
	 * installed), is reported after them and not repaired on its own. */
	const char *const *follows_from;
};

/* Shared follows_from lists. */
extern const char *const PROBLEMS_NO_SSHD[];		/* sshd-binary-missing */
extern const char *const PROBLEMS_NO_SSHD_CONFIG[];	/* config-missing, sshd-binary-missing */

const char *severity_name(enum severity s);
/* What --apply may do about it: "safe-auto", "needs-confirm" or "report-only"
 * (--list-checks, the JSON report, the man page's PROBLEMS). */
const char *problem_flag_name(const struct problem *p);
