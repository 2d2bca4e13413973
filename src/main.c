/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshfix: find out why sshd refuses logins on a Linux root file system,
 * show the repair as a diff, apply it with an undo log, or undo it.
 * The command line is a contract (DESIGN §2); exit codes are fsck's.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <popt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "fix.h"
#include "journal.h"
#include "report.h"
#include "run.h"
#include "util.h"

enum {
	OPT_DRY_RUN = 1,
	OPT_APPLY,
	OPT_INTERACTIVE,
	OPT_UNDO,
	OPT_LIST_UNDO,
	OPT_LIST_CHECKS,
	OPT_VERSION,
};

struct args {
	char *root, *only, *skip, *undo_id;	/* popt allocates them; args_done() frees */
	int json, verbose, no_color, force;
	int n_modes, undo, list_undo, list_checks, version;
	enum run_mode mode;
};

static void args_done(struct args *a)
{
	free(a->root);
	free(a->only);
	free(a->skip);
	free(a->undo_id);
}

static int usage_error(const char *fmt, ...) _printf_(1, 2);
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("sshfix: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'sshfix --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* "a,b,,c" -> {"a","b","c"} */
static int split_ids(const char *s, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));

	if (!v)
		return -ENOMEM;
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, ",");
		if (n > 0 && strv_push(&v, strndup(p, n)) < 0)
			return -ENOMEM;
		p += n;
		p += *p == ',';
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static int parse_args(int argc, const char **argv, struct args *a)
{
	const struct poptOption options[] = {
		{ "root", '\0', POPT_ARG_STRING, &a->root, 0, "repair the root file system mounted at DIR (default /)", "DIR" },
		{ "dry-run", '\0', POPT_ARG_NONE, NULL, OPT_DRY_RUN, "report and show the diff of every change; change nothing", NULL },
		{ "apply", '\0', POPT_ARG_NONE, NULL, OPT_APPLY, "apply the safe repairs, recording an undo log", NULL },
		{ "interactive", '\0', POPT_ARG_NONE, NULL, OPT_INTERACTIVE, "ask before each repair", NULL },
		{ "only", '\0', POPT_ARG_STRING, &a->only, 0, "run only these checks or problems", "ID,..." },
		{ "skip", '\0', POPT_ARG_STRING, &a->skip, 0, "skip these checks or problems", "ID,..." },
		{ "json", '\0', POPT_ARG_NONE, &a->json, 0, "print one JSON document instead of text", NULL },
		{ "verbose", 'v', POPT_ARG_NONE, &a->verbose, 0, "explain each problem and show its evidence", NULL },
		{ "no-color", '\0', POPT_ARG_NONE, &a->no_color, 0, "never colour the output", NULL },
		{ "undo", '\0', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &a->undo_id, OPT_UNDO, "undo an apply (default: the latest)", "ID|latest" },
		{ "force", '\0', POPT_ARG_NONE, &a->force, 0, "with --undo: restore paths changed since the apply", NULL },
		{ "list-undo", '\0', POPT_ARG_NONE, NULL, OPT_LIST_UNDO, "list recorded applies", NULL },
		{ "list-checks", '\0', POPT_ARG_NONE, NULL, OPT_LIST_CHECKS, "list checks and problem ids", NULL },
		{ "version", 'V', POPT_ARG_NONE, NULL, OPT_VERSION, "print the version", NULL },
		POPT_AUTOHELP POPT_TABLEEND
	};
	poptContext ctx = poptGetContext("sshfix", argc, argv, options, 0);
	int rc, status = 0;

	poptSetOtherOptionHelp(ctx, "[OPTION...]");
	while ((rc = poptGetNextOpt(ctx)) > 0) {
		switch (rc) {
		case OPT_DRY_RUN:
			a->mode = MODE_DRY_RUN, a->n_modes++;
			break;
		case OPT_APPLY:
			a->mode = MODE_APPLY, a->n_modes++;
			break;
		case OPT_INTERACTIVE:
			a->mode = MODE_INTERACTIVE, a->n_modes++;
			break;
		case OPT_UNDO:
			a->undo = 1;
			break;
		case OPT_LIST_UNDO:
			a->list_undo = 1;
			break;
		case OPT_LIST_CHECKS:
			a->list_checks = 1;
			break;
		case OPT_VERSION:
			a->version = 1;
			break;
		}
	}
	if (rc < -1) {
		_cleanup_free_ char *what = NULL;
		if (asprintf(&what, "%s: %s", poptBadOption(ctx, POPT_BADOPTION_NOALIAS), poptStrerror(rc)) < 0)
			what = NULL;
		status = usage_error("%s", what ? what : "bad option");
	} else if (poptPeekArg(ctx))
		status = usage_error("unexpected argument '%s'", poptPeekArg(ctx));
	/* popt keeps the strings in argv, which outlives the context. */
	poptFreeContext(ctx);
	if (status)
		return status;

	if (a->n_modes > 1)
		return usage_error("%s", "only one of --dry-run, --apply or --interactive may be given");
	if (a->undo + a->list_undo + a->list_checks + a->version > 1)
		return usage_error("%s", "only one of --undo, --list-undo, --list-checks or --version may be given");
	if ((a->undo || a->list_undo || a->list_checks || a->version) && a->n_modes)
		return usage_error("%s", "--dry-run, --apply and --interactive cannot be combined with --undo, "
					 "--list-undo, --list-checks or --version");
	if (a->force && !a->undo)
		return usage_error("%s", "--force only applies to --undo");
	if (a->mode == MODE_INTERACTIVE && !isatty(STDIN_FILENO))
		return usage_error("%s", "--interactive needs a terminal on standard input; use --apply or --dry-run");
	return 0;
}

static void list_checks(void)
{
	for (size_t i = 0; fix_registry[i]; i++) {
		const struct fix *fix = fix_registry[i];
		printf("%s: %s (%s)\n", fix->id, fix->summary, fix->rules);
		for (const struct problem *p = fix->problems; p->id; p++)
			printf("  %-32s %-8s %s\n", p->id, severity_name(p->severity),
			       (p->flags & PF_SAFE_AUTO)	   ? "safe-auto"
			       : (p->flags & PF_NEEDS_CONFIRM) ? "needs-confirm"
							       : "report-only");
	}
}

static int list_undo(struct target *t)
{
	struct journal_undo_info *v = NULL;
	size_t n = 0;
	int r = journal_list_undo(t, &v, &n);

	if (r < 0) {
		fprintf(stderr, "sshfix: Failed to read the undo store: %s\n", strerror(-r));
		return EXIT_ERROR;
	}
	if (n == 0)
		printf("No applies recorded in %s/var/lib/sshfix/undo.\n", strcmp(t->root, "/") ? t->root : "");
	for (size_t i = 0; i < n; i++)
		printf("%s  %s  %zu change(s)%s%s  %s\n", v[i].id, v[i].created ? v[i].created : "?", v[i].n_entries,
		       v[i].undone ? ", undone" : "", !v[i].complete ? ", INCOMPLETE (interrupted)" : "",
		       v[i].summary ? v[i].summary : "");
	journal_undo_info_free(v, n);
	return EXIT_OK;
}

static int do_undo(struct run *run, const struct args *a)
{
	_cleanup_free_ char *id = NULL, *error = NULL;
	int r;

	r = journal_undo(run->target, a->undo_id, a->force, run->opt.crash_at, &id, &error, stderr);
	if (r < 0) {
		if (id)
			fprintf(stderr, "sshfix: Cannot undo %s: %s\n", id, error ? error : strerror(-r));
		else
			fprintf(stderr, "sshfix: %s\n", error ? error : strerror(-r));
		return EXIT_ERROR;
	}
	printf("Undone %s: every recorded change was restored.\n", id);
	return EXIT_OK;
}

/* A root we can work on: a directory with /etc, which every Linux root has. */
static int open_target(const char *root, struct target **ret)
{
	_cleanup_free_ char *p = escape_display(root);
	struct stat st;
	int r;

	r = target_new(root, ret);
	if (r < 0) {
		fprintf(stderr, "sshfix: Cannot open the target root '%s': %s\n", p ? p : "?", strerror(-r));
		return r;
	}
	r = target_stat(*ret, "/etc", &st);
	if (r < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sshfix: '%s' does not look like a Linux root file system (no /etc directory)\n",
			p ? p : "?");
		target_free(*ret);
		*ret = NULL;
		return r < 0 ? r : -ENOTDIR;
	}
	return 0;
}

static bool want_color(const struct args *a)
{
	const char *term = getenv("TERM");

	return !a->no_color && !a->json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term &&
	       strcmp(term, "dumb") != 0;
}

static unsigned run_checks(struct run *run)
{
	int r;

	r = journal_new(run->target, &run->journal);
	if (r < 0)
		return EXIT_ERROR;
	journal_set_crash_at(run->journal, run->opt.crash_at);
	r = target_read_facts(run->target);
	if (r < 0 || engine_detect(run) < 0 || engine_plan(run) < 0)
		return run->exit_flags | EXIT_ERROR;
	if (run->opt.mode == MODE_APPLY || run->opt.mode == MODE_INTERACTIVE) {
		bool changed = journal_n_entries(run->journal) > 0;
		r = engine_apply(run);
		/* Detect again: a second --apply must find nothing, and what is
		 * still wrong is reported as such. */
		if (r == 0 && changed)
			(void) engine_verify(run);
	}
	return run->exit_flags | engine_exit_flags(run);
}

static unsigned sshfix_main(struct args *args)
{
	struct args a = *args;
	struct run run = { .in = stdin, .err = stderr };
	unsigned status;
	int r;

	if (a.version) {
		printf("sshfix %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	if (a.list_checks) {
		list_checks();
		return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_ERROR;
	}

	run.opt = (struct run_options) {
		.mode = a.mode,
		.root = a.root ? a.root : "/",
		.json = a.json,
		.verbose = a.verbose,
		.color = want_color(&a),
		.tty = isatty(STDOUT_FILENO),
		.force = a.force,
	};
	const char *crash = getenv("SSHFIX_CRASH_AT");
	unsigned long long crash_at = 0;
	if (crash && parse_uint(crash, 10, ULONG_MAX, &crash_at) == 0)
		run.opt.crash_at = (unsigned long) crash_at;
	if ((a.only && split_ids(a.only, &run.opt.only) < 0) || (a.skip && split_ids(a.skip, &run.opt.skip) < 0)) {
		run_done(&run);
		return EXIT_ERROR;
	}
	const char *bad = NULL;
	if (engine_check_ids(run.opt.only, &bad) < 0 || engine_check_ids(run.opt.skip, &bad) < 0) {
		status = (unsigned) usage_error("unknown check or problem id '%s' (see --list-checks)", bad);
		run_done(&run);
		return status;
	}

	if (open_target(run.opt.root, &run.target) < 0) {
		run_done(&run);
		return EXIT_ERROR;
	}
	if (a.undo)
		status = (unsigned) do_undo(&run, &a);
	else if (a.list_undo)
		status = (unsigned) list_undo(run.target);
	else {
		status = run_checks(&run);
		r = run.opt.json ? report_json(&run, status, stdout) : report_text(&run, stdout);
		if (r < 0)
			status |= EXIT_ERROR;
	}
	run_done(&run);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "sshfix: Failed to write the report to standard output\n");
		status |= EXIT_ERROR;
	}
	return status;
}

int main(int argc, const char **argv)
{
	struct args a = {0};
	unsigned status = (unsigned) parse_args(argc, argv, &a);

	if (status == 0)
		status = sshfix_main(&a);
	args_done(&a);
	return (int) status;
}
