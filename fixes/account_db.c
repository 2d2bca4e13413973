/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * account-db: the target's /etc/passwd, /etc/group and /etc/shadow as sshd
 * (through the C library's files backend) sees them.  A missing passwd
 * means no user exists for sshd ("Invalid user"); a line that does not
 * parse is skipped by the C library, so the account on it cannot log in.
 * Both are reported, never rewritten here: which bytes the line should
 * have is a person's call.  sshfix's parser is stricter than glibc's (it
 * refuses leading white space, missing or extra fields, signed ids), so a
 * reported line may still work for the C library: it is a warning.  RULES §6.
 */
#include "config.h"

#include "fixes.h"
#include "run.h"

/* This family's problems: each code is its row's index in account_db_problems[]. */
enum problem_code {
	PR_ACCOUNT_FILE_MISSING,
	PR_ACCOUNT_FILE_BAD_LINE,
};

static const struct problem account_db_problems[] = {
	{ PR_ACCOUNT_FILE_MISSING, "account-file-missing", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} does not exist",
	  "Without /etc/passwd no account exists for sshd, so every login is refused as "
	  "\"Invalid user\"; without /etc/shadow, accounts with a password hash of 'x' have none. "
	  "Restore the file from a backup (e.g. /etc/passwd- written by shadow's tools)." },
	{ PR_ACCOUNT_FILE_BAD_LINE, "account-file-bad-line", SEV_WARNING, PF_REPORT_ONLY,
	  "{path} line {detail} cannot be parsed",
	  "The C library skips a line it cannot parse, or reads it differently than intended, so "
	  "the account on it may not exist for sshd as written. sshfix keeps the line byte for "
	  "byte and does not guess a repair." },
	{ .id = NULL },
};

static const char *const account_paths[] = { "/etc/passwd", "/etc/group", "/etc/shadow" };

static int report_file(struct run *run, const char *path, const struct acct_file *f)
{
	struct finding *fd;

	if (!f->present) {
		/* /etc/shadow may legitimately be absent on a few minimal systems,
		 * but then no account can have a password; passwd and group are required. */
		fd = run_add_finding(run, &account_db_problems[PR_ACCOUNT_FILE_MISSING], path, NULL);
		return fd ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < f->n_lines; i++) {
		const struct acct_line *l = &f->lines[i];
		if (l->state != LINE_BAD)
			continue;
		fd = run_add_finding(run, &account_db_problems[PR_ACCOUNT_FILE_BAD_LINE], path, NULL);
		if (!fd || finding_set_detail(fd, "%zu (%s)", i + 1, acct_line_why(l)) < 0)
			return -ENOMEM;
		if (finding_add_evidence(fd, "%s:%zu: %u bytes", path, i + 1, (unsigned) l->len) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int account_db_detect(struct run *run)
{
	const struct accounts *a = &run->model.accounts;
	const struct acct_file *files[] = { &a->passwd, &a->group, &a->shadow };
	int r;

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		r = report_file(run, account_paths[i], files[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

const struct fix fix_account_db = {
	.id = "account-db",
	.summary = "the target's passwd, group and shadow files exist and parse",
	.rules = "RULES §6",
	.problems = account_db_problems,
	.detect = account_db_detect,
	.repair = NULL,
};
