/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's own semanage (policycoreutils-python-utils) or semodule, run in the
 * sandbox on private copies of its policy stores (semanage.conf's
 * store-root, /var/lib/selinux) and /etc/selinux: what one command would
 * change there, file by file, for the journal to write (RULES §9.3: "-N",
 * no reload, is what makes it safe in a chroot).  The compiled policy the
 * next boot loads (/etc/selinux/TYPE/policy/policy.NN) is rebuilt by the
 * target's own libsemanage and libsepol, never by sshfix.
 *
 * The program's output is taken as data, never trusted: every record must
 * parse, every path must lie in the two directories, without "." or ".."
 * components, and the whole must end with its end mark, or nothing is
 * returned.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct run;

struct semanage_file {
	char *path;	/* absolute, below the store root or /etc/selinux */
	char *data;	/* the new content; NULL when semanage removed the file */
	size_t len;
	mode_t mode;	/* permission bits, for a new file */
};

struct semanage_changes {
	struct semanage_file *files;
	size_t n;
	int status;	/* semanage's exit status */
	char *log;	/* what it printed (escaped for display, the first 2000 bytes), NUL-terminated */
	char *out;	/* what it printed, as it printed it (a listing to parse), NUL-terminated */
	const char *program;	/* "semanage", "semodule": the last component of the program run */
};

/*
 * Run "PROGRAM ARGS..." (/usr/sbin/semanage, or /usr/sbin/semodule for
 * "-n -B"; args NULL-terminated) on the target in the sandbox.  Returns 0
 * with *ret filled when it ran (ret->status says how it ended; files are
 * filled only when it succeeded), or -errno with *ret_why (allocated) when
 * it could not run or its output is not what was asked for: -ENOENT no
 * such program, -EBADMSG broken output.
 */
int semanage_run(struct run *run, const char *program, const char *const args[], struct semanage_changes *ret,
		 char **ret_why);
void semanage_changes_done(struct semanage_changes *c);

/*
 * Plan the changes through the journal: a changed file rewritten (its mode
 * and owner kept), a new one root's with semanage's mode, a removed one
 * unlinked.  Returns how many entries were added, or the journal's refusal
 * (journal_refusal() says why): a new file in a directory that does not
 * exist is one (-ENOENT).
 */
int semanage_plan(struct run *run, const struct semanage_changes *c);

/* The parser of the sandboxed script's output, for tests and the fuzz target. */
int semanage_parse(const char *out, size_t len, const char *store_root, struct semanage_changes *ret);

struct finding;

/*
 * semanage_run() for a repair of f: 0 when the program ran and succeeded;
 * else -errno, with f->status_reason saying why ("left alone: the
 * target's semanage ... failed (exit 1): its last line"; when it could
 * not run, followed by "run in the target: MANUAL").  *ret is filled
 * whenever the program ran (a caller may look at its log and retry).
 */
int semanage_run_repair(struct run *run, struct finding *f, const char *program, const char *const args[],
			const char *manual, struct semanage_changes *ret);

/* semanage_plan() for a repair of f: the number of files planned, or -errno with f->status_reason. */
int semanage_plan_repair(struct run *run, struct finding *f, const struct semanage_changes *c);
