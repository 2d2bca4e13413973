/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshfix: find out why sshd refuses logins on a Linux root file system,
 * show the repair as a diff, apply it with an undo log, or undo it.
 * The command line is a contract (DESIGN §2); exit codes are fsck's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <arpa/inet.h>
#include <popt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addkey.h"
#include "authkeys.h"
#include "client.h"
#include "engine.h"
#include "explain.h"
#include "logs.h"
#include "fix.h"
#include "journal.h"
#include "json.h"
#include "known_hosts.h"
#include "listen_addr.h"
#include "report.h"
#include "rootmount.h"
#include "run.h"
#include "util.h"
#include "who.h"

enum {
	OPT_DRY_RUN = 1,
	OPT_APPLY,
	OPT_INTERACTIVE,
	OPT_UNDO,
	OPT_LIST_UNDO,
	OPT_LIST_CHECKS,
	OPT_VERSION,
	OPT_YES,
};

struct args {
	char *root, *device, *only, *skip, *undo_id;	/* popt allocates them; args_done() frees */
	char *yes_ids;			/* --yes=ID,... (popt allocates it) */
	char *from;			/* --from ADDR (popt allocates it) */
	char *since;			/* --since WHEN (popt allocates it) */
	long long since_t;		/* its time, UTC seconds */
	char from_canon[INET6_ADDRSTRLEN];	/* its canonical text */
	int yes;			/* --yes was given, with or without ids */
	char *add_key, *key_file;	/* --add-key USER [KEY...] | --key-file FILE */
	char **key_words;		/* the KEY words (a private key is wiped here and in argv) */
	size_t n_key_words;
	struct addkey_request add_key_req;
	int find_root;
	int json, verbose, no_color, force;
	int n_modes, undo, list_undo, list_checks, version;
	int who;
	char *explain, *explain_file;	/* --explain TEXT | --explain-file FILE|- (popt allocates them) */
	int client;			/* --client [--home DIR] [--host HOST] [--forget-host HOST] */
	char *home, *host, *forget_host;	/* popt allocates them */
	char *host_name, *forget_name;	/* normalised copies (lower case, "[h]:port") */
	enum run_mode mode;
};

static void args_done(struct args *a)
{
	free(a->root);
	free(a->device);
	free(a->only);
	free(a->skip);
	free(a->undo_id);
	free(a->yes_ids);
	free(a->from);
	free(a->since);
	free(a->add_key);
	free(a->key_file);
	for (size_t i = 0; i < a->n_key_words; i++)
		free(a->key_words[i]);
	free(a->key_words);
	addkey_request_done(&a->add_key_req);
	free(a->home);
	free(a->host);
	free(a->forget_host);
	free(a->host_name);
	free(a->forget_name);
	free(a->explain);
	free(a->explain_file);
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

/* A name for --host or --forget-host: one host, lower case as ssh compares it. */
static int client_host_arg(const char *opt, const char *arg, char **ret)
{
	const char *why = NULL;
	int r = known_hosts_name(arg, ret, &why);

	if (r == -ENOMEM)
		return EXIT_ERROR;
	if (r < 0) {
		_cleanup_free_ char *shown = escape_display_trunc(arg, 60);
		return usage_error("%s '%s': %s", opt, shown ? shown : "?", why ? why : "not a host name");
	}
	return 0;
}

/* --from ADDR: a numeric address, kept in canonical text ("2001:DB8::1" -> "2001:db8::1"). */
static int from_arg(const char *arg, char out[static INET6_ADDRSTRLEN])
{
	_cleanup_free_ char *scope = NULL;
	struct ip_addr a;

	if (ip_parse_numeric(arg, &a, &scope) < 0 || scope ||
	    !inet_ntop(a.family, a.a, out, INET6_ADDRSTRLEN)) {
		_cleanup_free_ char *shown = escape_display_trunc(arg, 60);
		return usage_error("--from '%s': not an IPv4 or IPv6 address (a host name would need a resolver "
				   "the rescue system may not have)", shown ? shown : "?");
	}
	return 0;
}

/* --client and its options: what they need and what they exclude. */
static int check_client_args(struct args *a)
{
	int status;

	if (!a->client && (a->home || a->host || a->forget_host))
		return usage_error("%s", "--home, --host and --forget-host only apply to --client");
	if (!a->client)
		return 0;
	if (a->who || a->add_key || a->list_checks || a->version)
		return usage_error("%s", "--client cannot be combined with --who, --add-key, --list-checks or --version");
	if ((a->host || a->forget_host) && (a->undo || a->list_undo))
		return usage_error("%s", "--host and --forget-host cannot be combined with --undo or --list-undo");
	if (a->home && a->home[0] != '/')
		return usage_error("%s", "--home needs an absolute path (inside the target: --root /mnt --home /home/alice)");
	/* $HOME names a directory of this system, not of a mounted root. */
	if (!a->home && ((a->root && strcmp(a->root, "/") != 0) || a->device || a->find_root))
		return usage_error("%s", "--client on another root needs --home DIR, the home inside that root");
	if (a->host && (status = client_host_arg("--host", a->host, &a->host_name)))
		return status;
	if (a->forget_host && (status = client_host_arg("--forget-host", a->forget_host, &a->forget_name)))
		return status;
	return 0;
}

static int parse_args(int argc, const char **argv, struct args *a)
{
	const struct poptOption options[] = {
		{ "root", '\0', POPT_ARG_STRING, &a->root, 0, "repair the root file system mounted at DIR (default /)", "DIR" },
		{ "device", '\0', POPT_ARG_STRING, &a->device, 0, "mount the root file system on DEV and repair it", "DEV" },
		{ "find-root", '\0', POPT_ARG_NONE, &a->find_root, 0, "look for the root file system on every block device", NULL },
		{ "dry-run", '\0', POPT_ARG_NONE, NULL, OPT_DRY_RUN, "report and show the diff of every change; change nothing", NULL },
		{ "apply", '\0', POPT_ARG_NONE, NULL, OPT_APPLY, "apply the safe repairs, recording an undo log", NULL },
		{ "interactive", '\0', POPT_ARG_NONE, NULL, OPT_INTERACTIVE, "ask before each repair", NULL },
		{ "yes", 'y', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &a->yes_ids, OPT_YES, "consent to the repairs that need a yes (all, or only these problems or checks), as e2fsck -y", "ID,..." },
		{ "from", '\0', POPT_ARG_STRING, &a->from, 0, "answer for connections from this address (IPv4 or IPv6)", "ADDR" },
		{ "since", '\0', POPT_ARG_STRING, &a->since, 0, "log evidence since WHEN (2d, 12h, 30m, or a UTC date YYYY-MM-DD[ HH:MM[:SS]]), not only since sshd last started", "WHEN" },
		{ "only", '\0', POPT_ARG_STRING, &a->only, 0, "run only these checks or problems", "ID,..." },
		{ "skip", '\0', POPT_ARG_STRING, &a->skip, 0, "skip these checks or problems", "ID,..." },
		{ "json", '\0', POPT_ARG_NONE, &a->json, 0, "print one JSON document instead of text", NULL },
		{ "verbose", 'v', POPT_ARG_NONE, &a->verbose, 0, "explain each problem and show its evidence", NULL },
		{ "no-color", '\0', POPT_ARG_NONE, &a->no_color, 0, "never colour the output", NULL },
		{ "undo", '\0', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &a->undo_id, OPT_UNDO, "undo an apply (default: the latest)", "ID|latest" },
		{ "force", '\0', POPT_ARG_NONE, &a->force, 0, "with --undo: restore paths changed since the apply", NULL },
		{ "list-undo", '\0', POPT_ARG_NONE, NULL, OPT_LIST_UNDO, "list recorded applies", NULL },
		{ "list-checks", '\0', POPT_ARG_NONE, NULL, OPT_LIST_CHECKS, "list checks and problem ids (with --json: one JSON document)", NULL },
		{ "client", '\0', POPT_ARG_NONE, &a->client, 0, "examine the connecting side: private keys, ~/.ssh/config and its includes, known_hosts", NULL },
		{ "home", '\0', POPT_ARG_STRING, &a->home, 0, "with --client: the home to examine (default $HOME), inside the target", "DIR" },
		{ "host", '\0', POPT_ARG_STRING, &a->host, 0, "with --client: explain \"no mutual signature supported\" for HOST (advice only)", "HOST" },
		{ "forget-host", '\0', POPT_ARG_STRING, &a->forget_host, 0, "with --client: remove HOST's entries from ~/.ssh/known_hosts, as ssh-keygen -R", "HOST" },
		{ "who", '\0', POPT_ARG_NONE, &a->who, 0, "list the accounts that could log in and whether sshd lets each in with a key", NULL },
		{ "explain", '\0', POPT_ARG_STRING, &a->explain, 0, "explain what the client showed (an error message), most likely cause first, checked on the target", "TEXT" },
		{ "explain-file", '\0', POPT_ARG_STRING, &a->explain_file, 0, "as --explain, for the text in FILE (- for standard input), e.g. the output of ssh -vvv", "FILE" },
		{ "version", 'V', POPT_ARG_NONE, NULL, OPT_VERSION, "print the version", NULL },
		{ "add-key", '\0', POPT_ARG_STRING, &a->add_key, 0, "add the public KEY (the rest of the command line) to USER's authorized keys; applies unless --dry-run", "USER" },
		{ "key-file", '\0', POPT_ARG_STRING, &a->key_file, 0, "with --add-key: read the public key from FILE (- for standard input)", "FILE" },
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
		case OPT_YES:
			a->yes = 1;
			break;
		}
	}
	if (rc < -1) {
		_cleanup_free_ char *what = NULL;
		const char *bad = poptBadOption(ctx, POPT_BADOPTION_NOALIAS);
		/* A private key pasted as an argument starts with "-----BEGIN": it
		 * is never echoed (addkey.c says why), and leaves argv. */
		if (addkey_argv_has_private_key((char **) argv)) {
			status = addkey_refuse_private((char **) argv);
			poptFreeContext(ctx);
			return status;
		}
		_cleanup_free_ char *shown = bad ? escape_display_trunc(bad, 60) : NULL;
		if (asprintf(&what, "%s: %s", shown ? shown : "?", poptStrerror(rc)) < 0)
			what = NULL;
		status = usage_error("%s", what ? what : "bad option");
	} else if (a->add_key && poptPeekArg(ctx)) {
		/* --add-key's KEY, maybe unquoted: every word that is left. */
		for (const char *w; (w = poptGetArg(ctx));) {
			char **v = realloc(a->key_words, (a->n_key_words + 1) * sizeof(char *));
			if (!v) {
				status = EXIT_ERROR;
				break;
			}
			a->key_words = v;
			/* popt frees its copy with the context */
			if (!(a->key_words[a->n_key_words] = strdup(w))) {
				status = EXIT_ERROR;
				break;
			}
			a->n_key_words++;
		}
	} else if (poptPeekArg(ctx) && addkey_argv_has_private_key((char **) argv))
		status = addkey_refuse_private((char **) argv);
	else if (poptPeekArg(ctx)) {
		_cleanup_free_ char *shown = escape_display_trunc(poptPeekArg(ctx), 60);
		status = usage_error("unexpected argument '%s'", shown ? shown : "?");
	}
	/* popt keeps the strings in argv, which outlives the context. */
	poptFreeContext(ctx);
	if (status)
		return status;

	if (a->n_modes > 1)
		return usage_error("%s", "only one of --dry-run, --apply or --interactive may be given");
	if (!!a->root + !!a->device + !!a->find_root > 1)
		return usage_error("%s", "only one of --root, --device or --find-root may be given");
	if (a->device && !a->device[0])
		return usage_error("%s", "--device needs a device, such as /dev/sdb2");
	if ((a->device || a->find_root) && (a->list_checks || a->version))
		return usage_error("%s", "--device and --find-root cannot be combined with --list-checks or --version");
	if (a->undo + a->list_undo + a->list_checks + a->version > 1)
		return usage_error("%s", "only one of --undo, --list-undo, --list-checks or --version may be given");
	if ((a->undo || a->list_undo || a->list_checks || a->version) && a->n_modes)
		return usage_error("%s", "--dry-run, --apply and --interactive cannot be combined with --undo, "
					 "--list-undo, --list-checks or --version");
	if (a->force && !a->undo)
		return usage_error("%s", "--force only applies to --undo");
	if (a->from && (a->undo || a->list_undo || a->list_checks || a->version || a->add_key || a->client))
		return usage_error("%s", "--from cannot be combined with --undo, --list-undo, --list-checks, --version, "
					 "--add-key or --client");
	if (a->from && (status = from_arg(a->from, a->from_canon)))
		return status;
	if (a->since && (a->undo || a->list_undo || a->list_checks || a->version || a->add_key || a->client || a->who))
		return usage_error("%s", "--since cannot be combined with --undo, --list-undo, --list-checks, --version, "
					 "--add-key, --client or --who");
	if (a->since && logs_parse_since(a->since, clock_now(), &a->since_t) < 0) {
		_cleanup_free_ char *shown = escape_display_trunc(a->since, 60);
		return usage_error("--since '%s': not a time (2d, 12h, 30m, or a UTC date YYYY-MM-DD[ HH:MM[:SS]])",
				   shown ? shown : "?");
	}
	if (a->yes && (a->undo || a->list_undo || a->list_checks || a->version || a->who || a->add_key))
		return usage_error("%s", "--yes cannot be combined with --undo, --list-undo, --list-checks, --version, "
					 "--who or --add-key");
	status = check_client_args(a);
	if (status)
		return status;
	if (a->who && (a->n_modes || a->undo || a->list_undo || a->list_checks || a->version || a->only || a->skip ||
		       a->add_key))
		return usage_error("%s", "--who cannot be combined with --dry-run, --apply, --interactive, --undo, "
					 "--list-undo, --list-checks, --version, --only, --skip or --add-key");
	if (a->key_file && !a->add_key)
		return usage_error("%s", "--key-file only applies to --add-key");
	if ((a->explain || a->explain_file) &&
	    ((a->explain && a->explain_file) || a->n_modes || a->undo || a->list_undo || a->list_checks || a->who ||
	     a->add_key || a->client || a->yes))
		return usage_error("%s", "--explain and --explain-file take one text, and cannot be combined with --dry-run, "
					 "--apply, --interactive, --undo, --list-undo, --list-checks, --who, --add-key, "
					 "--client or --yes");
	if (a->add_key && (a->undo || a->list_undo || a->list_checks || a->version || a->only || a->skip))
		return usage_error("%s", "--add-key cannot be combined with --undo, --list-undo, --list-checks, --version, "
					 "--only or --skip");
	if (a->add_key && a->mode == MODE_INTERACTIVE)
		return usage_error("%s", "--add-key does not ask: it applies, or only shows the change with --dry-run");
	if (a->add_key && a->key_file && a->n_key_words)
		return usage_error("%s", "give the key either as an argument or with --key-file, not both");
	if (a->add_key && !a->key_file && !a->n_key_words)
		return usage_error("%s", "--add-key USER needs the public key: as an argument (quote it) or with --key-file FILE");
	/* A rescuer who names a key wants it added: --add-key applies unless --dry-run. */
	if (a->add_key && a->mode != MODE_DRY_RUN)
		a->mode = MODE_APPLY;
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
			printf("  %-32s %-8s %s\n", p->id, severity_name(p->severity), problem_flag_name(p));
	}
}

/* --list-checks --json: the registry as one document, for fleet tools and
 * tools/gen-docs.sh (the man page's PROBLEMS and the README's check table). */
static int list_checks_json(void)
{
	struct buf b = {0};
	bool first = true;

	buf_putc(&b, '{');
	json_kv_str(&b, &first, "sshfix", PACKAGE_VERSION);
	json_key(&b, &first, "checks");
	buf_putc(&b, '[');
	for (size_t i = 0; fix_registry[i]; i++) {
		const struct fix *fix = fix_registry[i];
		bool ff = true;

		buf_puts(&b, i ? ",{" : "{");
		json_kv_str(&b, &ff, "id", fix->id);
		json_kv_str(&b, &ff, "summary", fix->summary);
		json_kv_str(&b, &ff, "rules", fix->rules);
		json_kv_bool(&b, &ff, "client_side", fix->client_side);
		json_key(&b, &ff, "problems");
		buf_putc(&b, '[');
		for (const struct problem *p = fix->problems; p->id; p++) {
			bool fp = true;

			buf_puts(&b, p == fix->problems ? "{" : ",{");
			json_kv_str(&b, &fp, "id", p->id);
			json_kv_str(&b, &fp, "severity", severity_name(p->severity));
			json_kv_str(&b, &fp, "flag", problem_flag_name(p));
			json_kv_str(&b, &fp, "message", p->message);
			json_kv_str(&b, &fp, "explanation", p->explain);
			buf_putc(&b, '}');
		}
		buf_puts(&b, "]}");
	}
	buf_puts(&b, "]}\n");
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	fputs(b.data, stdout);
	buf_done(&b);
	return 0;
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
		printf("No applies recorded in %s%s.\n", strcmp(t->root, "/") ? t->root : "", target_undo_dir(t));
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

	r = journal_undo(run->target, a->undo_id,
			 &(struct journal_undo_opts) { .force = a->force, .crash_at = run->opt.crash_at,
						       .test_hook = run->opt.test_hook, .progress = stderr },
			 &id, &error);
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
	if (engine_begin(run) < 0 || engine_detect(run) < 0 || engine_plan(run) < 0)
		return run->exit_flags | EXIT_ERROR;
	(void) engine_finish(run);	/* a failure is in run->exit_flags */
	return run->exit_flags | engine_exit_flags(run);
}

/* ---- --device, --find-root and the initramfs default ---- */

/* Unmount what sshfix mounted, then die of the signal as if unhandled. */
static void on_fatal_signal(int sig)
{
	rootmount_emergency_cleanup();
	/* SA_RESETHAND restored the default action and the signal is blocked
	 * while this runs: it is delivered, and ends us, when we return. */
	(void) raise(sig);
}

static void install_signal_handlers(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = on_fatal_signal, .sa_flags = SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
		(void) sigaction(sigs[i], &sa, NULL);
}

/* "64M", "1.5G", as lsblk prints sizes. */
static void format_size(uint64_t bytes, char out[static 16])
{
	static const char units[] = "BKMGTPE";
	double v = (double) bytes;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) - 1)
		v /= 1024, u++;
	if (u == 0 || v >= 10 || v == (double) (uint64_t) v)
		snprintf(out, 16, "%.0f%c", v, units[u]);
	else
		snprintf(out, 16, "%.1f%c", v, units[u]);
}

static void print_candidates_text(const struct rootmount *rm)
{
	printf("%-20s %-7s %-7s %-16s %s\n", "DEVICE", "FSTYPE", "SIZE", "LABEL", "SYSTEM");
	for (size_t i = 0; i < rm->n_candidates; i++) {
		const struct rootmount_candidate *c = &rm->candidates[i];
		_cleanup_free_ char *dev = escape_display(c->device), *label = escape_display(c->label ? c->label : "-"),
				    *name = escape_display(c->pretty_name ? c->pretty_name : "unknown");
		char size[16];

		format_size(c->size, size);
		printf("%-20s %-7s %-7s %-16s %s%s%s\n", dev ? dev : "?", c->fstype, size, label ? label : "?",
		       name ? name : "?", c->subvol ? ", subvolume " : "", c->subvol ? c->subvol : "");
	}
}

static int print_candidates_json(const struct rootmount *rm, unsigned status)
{
	struct buf b = {0};
	bool first = true;

	buf_putc(&b, '{');
	json_kv_str(&b, &first, "sshfix", PACKAGE_VERSION);
	json_kv_str(&b, &first, "error", "several-roots");
	json_kv_str(&b, &first, "message", rm->explanation);
	json_key(&b, &first, "candidates");
	buf_putc(&b, '[');
	for (size_t i = 0; i < rm->n_candidates; i++) {
		const struct rootmount_candidate *c = &rm->candidates[i];
		bool f = true;
		buf_puts(&b, i ? ",{" : "{");
		json_kv_str(&b, &f, "device", c->device);
		json_kv_str(&b, &f, "fstype", c->fstype);
		json_kv_str(&b, &f, "label", c->label);
		json_kv_str(&b, &f, "subvolume", c->subvol);
		json_kv_str(&b, &f, "os_pretty_name", c->pretty_name);
		json_kv_int(&b, &f, "size", (long long) c->size);
		buf_putc(&b, '}');
	}
	buf_putc(&b, ']');
	json_kv_int(&b, &first, "exit_status", (long long) status);
	buf_puts(&b, "}\n");
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	fputs(b.data, stdout);
	buf_done(&b);
	return 0;
}

/* rootmount's messages quote the target's fstab and labels: escape them
 * (newlines stay, so advice keeps its shape). */
static void print_message(const char *s)
{
	struct buf b = {0};

	escape_text(&b, s, strlen(s));
	fprintf(stderr, "sshfix: %s\n", buf_ok(&b) && b.data ? b.data : "(out of memory)");
	buf_done(&b);
}

static void print_lines(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		print_message(v[i]);
}

/* The mode option to show in commands sshfix suggests. */
static const char *rerun_option(const struct args *a)
{
	if (a->undo)
		return "--undo";
	if (a->list_undo)
		return "--list-undo";
	switch (a->mode) {
	case MODE_DRY_RUN:
		return "--dry-run";
	case MODE_APPLY:
		return "--apply";
	case MODE_INTERACTIVE:
		return "--interactive";
	default:
		return NULL;
	}
}

/* Split SSHFIX_PROBE_DEVICES ("/dev/loop0p1 /dev/loop0p2" or commas). */
static int probe_list(const char *s, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;

	for (const char *p = s; *p;) {
		size_t n = strcspn(p, " \t\n,");
		if (n > 0 && strv_push(&v, strndup(p, n)) < 0)
			return -ENOMEM;
		p += n;
		p += strspn(p, " \t\n,");
	}
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

/*
 * Find and mount the root for --device, --find-root or the initramfs default,
 * and say what was mounted.  Returns 0 (*ret owned by the caller, to close
 * after everything that uses the target is done) or the exit status.
 */
static unsigned open_rootmount(const struct args *a, struct rootmount **ret)
{
	_cleanup_strv_free_ char **probe = NULL;
	struct rootmount_options o = {
		.device = a->device,
		.writable = a->undo || a->mode == MODE_APPLY || a->mode == MODE_INTERACTIVE,
		.rerun = rerun_option(a),
	};
	const char *env = getenv("SSHFIX_PROBE_DEVICES");
	struct rootmount *rm = NULL;
	unsigned status = EXIT_ERROR;
	int r;

	if (env && probe_list(env, &probe) < 0)
		return EXIT_ERROR;
	o.probe_only = probe;

	install_signal_handlers();
	/* A private mount namespace: even a SIGKILL leaves no mount behind.
	 * The test suite turns it off to see that sshfix unmounts by itself. */
	if (!getenv("SSHFIX_SHARED_MOUNTS")) {
		r = rootmount_private_namespace();
		if (r < 0 && a->verbose)
			fprintf(stderr, "sshfix: Cannot enter a private mount namespace (%s), ignoring\n", strerror(-r));
	}

	r = rootmount_open(&o, &rm);
	if (!rm) {
		fprintf(stderr, "sshfix: Failed to look for the root file system: %s\n", strerror(-r));
		return EXIT_ERROR;
	}
	if (a->verbose)
		print_lines(rm->notes);
	print_lines(rm->warnings);
	if (r == 0) {
		if (rm->summary)
			print_message(rm->summary);
		*ret = rm;
		return 0;
	}
	/* Several roots: the list is what the user asked to see; it goes to
	 * stdout (or into the JSON document), the advice to stderr. */
	if (r == -ENOTUNIQ && rm->n_candidates > 0) {
		if (a->json)
			status |= print_candidates_json(rm, status) < 0 ? EXIT_ERROR : 0;
		else
			print_candidates_text(rm);
	}
	if (rm->explanation)
		print_message(rm->explanation);
	else
		fprintf(stderr, "sshfix: Failed to mount the root file system: %s\n", strerror(-r));
	if (r == -ENOTUNIQ && rm->n_candidates > 0)
		fprintf(stderr, "For example: sshfix --device %s%s%s\n", rm->candidates[0].device,
			o.rerun ? " " : "", o.rerun ? o.rerun : "");
	(void) rootmount_unmount(rm);
	rootmount_close(rm);
	return status;
}

/* Unmount after the run; a mount left behind is said, not fatal. */
static void close_rootmount(struct rootmount *rm)
{
	if (!rm)
		return;
	size_t n = strv_length(rm->warnings);
	(void) rootmount_unmount(rm);
	for (size_t i = n; rm->warnings && rm->warnings[i]; i++)
		print_message(rm->warnings[i]);
	rootmount_close(rm);
}

/* --client: the home to examine and, for a caller who is not root, the undo store in it. */
static int open_client(struct run *run, const struct args *a, char **ret_home)
{
	int r = 0;

	run->opt.client = true;
	run->opt.home_given = a->home != NULL;
	run->opt.host = a->host_name;
	run->opt.forget_host = a->forget_name;
	if (a->home)
		*ret_home = strdup(a->home);
	else
		r = client_default_home(run->target, ret_home);
	if (r == -ENOENT) {
		fprintf(stderr, "sshfix: No home to examine: $HOME is not set and the caller's uid has no entry in "
				"/etc/passwd; give --home DIR\n");
		return r;
	}
	if (r < 0 || !*ret_home)
		return r < 0 ? r : -ENOMEM;
	run->opt.home = *ret_home;
	r = client_set_undo_dir(run->target, *ret_home);
	if (r < 0) {
		_cleanup_free_ char *p = escape_display(*ret_home);
		fprintf(stderr, "sshfix: Cannot use the home '%s': %s\n", p ? p : "?",
			r == -ENOENT ? "it does not exist" : strerror(-r));
	}
	return r;
}

/* "/root" or "/sysroot", trailing slashes aside. */
static bool is_initramfs_rootmnt(const char *root)
{
	static const char *const dirs[] = { "/root", "/sysroot" };
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (n == strlen(dirs[i]) && strncmp(root, dirs[i], n) == 0)
			return true;
	return false;
}

/* The text of --explain or --explain-file (at most 4 MiB: a long ssh -vvv transcript is well below). */
static int explain_text(const struct args *a, char **ret, size_t *ret_len)
{
	if (a->explain) {
		*ret_len = strlen(a->explain);
		return (*ret = strdup(a->explain)) ? 0 : -ENOMEM;
	}
	_cleanup_close_ int fd = streq(a->explain_file, "-") ? dup(STDIN_FILENO) : open(a->explain_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	return read_all(fd, 4 << 20, ret, ret_len);
}

/* --explain: the checks (report mode, nothing printed) when they can run, then the explanation. */
static unsigned explain_run(struct run *run, const char *text, size_t len)
{
	const char *why = NULL;
	unsigned status = 0;
	bool checked = false;

	if (geteuid() != 0)
		why = "sshfix does not run as root (run it as root, or with --root DIR, to check them)";
	else {
		status = run_checks(run);
		checked = !(status & EXIT_ERROR);
		if (!checked)
			why = "the checks could not run on this target";
	}
	const struct run *r_or_null = checked ? run : NULL;
	struct explanation e;
	int r = explain_compute(r_or_null, text, len, &e);
	if (r == 1) {
		if (run->opt.json)
			printf("{\"sshfix_version\":\"%s\",\"known\":false}\n", PACKAGE_VERSION);
		else
			printf("sshfix does not know this message: it is none of the %zu client messages of its table.\n",
			       explain_n_client_messages());
		return EXIT_USAGE;
	}
	if (r < 0)
		return EXIT_ERROR;
	r = run->opt.json ? explain_print_json(r_or_null, why, &e, stdout) : explain_print(r_or_null, why, &e, stdout);
	explain_done(&e);
	if (r < 0)
		return EXIT_ERROR;
	return checked ? engine_exit_flags(run) : EXIT_OK;
}

static unsigned sshfix_main(struct args *args)
{
	struct args a = *args;
	struct run run = { .in = stdin, .err = stderr };
	struct rootmount *rm = NULL;
	unsigned status;
	int r;

	if (a.version) {
		printf("sshfix %s\n", PACKAGE_VERSION);
		return EXIT_OK;
	}
	_cleanup_free_ char *text = NULL;
	size_t text_len = 0;
	if ((a.explain || a.explain_file) && (r = explain_text(&a, &text, &text_len)) < 0) {
		_cleanup_free_ char *f = escape_display(a.explain_file ? a.explain_file : "?");
		fprintf(stderr, "sshfix: Failed to read the text to explain from %s: %s\n", f ? f : "?",
			r == -EFBIG ? "larger than 4 MiB" : strerror(-r));
		return EXIT_ERROR;
	}
	if (a.list_checks) {
		if (!a.json)
			list_checks();
		else if (list_checks_json() < 0) {
			fprintf(stderr, "sshfix: %s\n", strerror(ENOMEM));
			return EXIT_ERROR;
		}
		return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_ERROR;
	}

	run.opt = (struct run_options) {
		.mode = a.mode,
		.root = a.root ? a.root : "/",
		.json = a.json,
		.verbose = a.verbose,
		.color = want_color(&a),
		.force = a.force,
		.test_hook = getenv("SSHFIX_TEST_HOOK"),
	};
	const char *crash = getenv("SSHFIX_CRASH_AT");
	unsigned long long crash_at = 0;
	if (crash && parse_uint(crash, 10, ULONG_MAX, &crash_at) == 0)
		run.opt.crash_at = (unsigned long) crash_at;
	run.opt.yes = a.yes;
	run.opt.from = a.from ? a.from_canon : NULL;
	run.opt.since = a.since ? (a.since_t > 0 ? a.since_t : 1) : 0;
	if ((a.only && split_ids(a.only, &run.opt.only) < 0) || (a.skip && split_ids(a.skip, &run.opt.skip) < 0) ||
	    (a.yes_ids && split_ids(a.yes_ids, &run.opt.yes_ids) < 0)) {
		run_done(&run);
		return EXIT_ERROR;
	}
	const char *bad = NULL;
	if (engine_check_ids(run.opt.only, &bad) < 0 || engine_check_ids(run.opt.skip, &bad) < 0 ||
	    engine_check_ids(run.opt.yes_ids, &bad) < 0) {
		status = (unsigned) usage_error("unknown check or problem id '%s' (see --list-checks)", bad);
		run_done(&run);
		return status;
	}

	/* In an initramfs nothing is mounted yet: look for the root. */
	bool in_initramfs = !a.client && rootmount_in_initramfs();
	if (in_initramfs && !a.root && !a.device && !a.find_root) {
		fprintf(stderr, "sshfix: Running in an initramfs: looking for the root file system "
				"(--root DIR names a mounted one)\n");
		a.find_root = 1;
		/* The root it finds is the one about to boot. */
		run.opt.boot_root = true;
	}
	/* The frameworks' mount points for the real root (initramfs-tools'
	 * ${rootmnt}, dracut's $NEWROOT), where the boot hooks run sshfix. */
	if (in_initramfs && a.root && is_initramfs_rootmnt(a.root))
		run.opt.boot_root = true;
	if (a.device || a.find_root) {
		status = open_rootmount(&a, &rm);
		if (status) {
			run_done(&run);
			return status;
		}
		run.opt.root = rm->root;
		run.opt.reopen_device = rm->reopen_device;
	}

	if (open_target(run.opt.root, &run.target) < 0) {
		run_done(&run);
		close_rootmount(rm);
		return EXIT_ERROR;
	}
	_cleanup_free_ char *client_home = NULL;
	if (a.client && open_client(&run, &a, &client_home) < 0) {
		run_done(&run);
		close_rootmount(rm);
		return EXIT_ERROR;
	}
	if (a.undo)
		status = (unsigned) do_undo(&run, &a);
	else if (a.list_undo)
		status = (unsigned) list_undo(run.target);
	else if (a.who)
		status = who_run(&run, stdout) < 0 ? EXIT_ERROR : run.exit_flags & EXIT_ERROR;
	else if (a.add_key)
		status = addkey_run(&run, &a.add_key_req);
	else if (text)
		status = explain_run(&run, text, text_len);
	else {
		status = run_checks(&run);
		r = run.opt.json ? report_json(&run, status, stdout) : report_text(&run, stdout);
		if (r < 0)
			status |= EXIT_ERROR;
	}
	/* Close every fd into the target before unmounting it. */
	run_done(&run);
	close_rootmount(rm);
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

	/* The key is checked before any target is mounted or opened. */
	if (status == 0 && a.add_key)
		status = addkey_prepare(a.key_words, a.n_key_words, a.key_file, a.add_key, (char **) argv,
					&a.add_key_req);
	if (status == 0)
		status = sshfix_main(&a);
	args_done(&a);
	return (int) status;
}
