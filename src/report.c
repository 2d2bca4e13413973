/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fix.h"
#include "json.h"
#include "report.h"
#include "util.h"

#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_GREEN "\033[1;32m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

static const char *mode_name(enum run_mode m)
{
	switch (m) {
	case MODE_REPORT:
		return "report";
	case MODE_DRY_RUN:
		return "dry-run";
	case MODE_APPLY:
		return "apply";
	case MODE_INTERACTIVE:
		return "interactive";
	}
	return "unknown";
}

/* "sshfix VERSION: target ROOT (distribution, sshd version)": every report's first line. */
static void target_first_line(const struct run *run, struct buf *b)
{
	const struct target_facts *f = &run->target->facts;
	_cleanup_free_ char *root = escape_display(run->opt.root);

	buf_printf(b, "sshfix %s: %starget %s", PACKAGE_VERSION, run->opt.client ? "client side, " : "", root ? root : "?");
	buf_printf(b, " (%s", f->os_pretty ? f->os_pretty : "unknown distribution");
	/* The connecting side: the notes name its ssh; the server's sshd is beside the point. */
	if (!run->opt.client)
		buf_printf(b, ", %s", f->sshd_version ? f->sshd_version : "no sshd binary found");
	buf_puts(b, ")\n");
}

static void target_line(const struct run *run, struct buf *b)
{
	const struct target_facts *f = &run->target->facts;

	target_first_line(run, b);
	if (run->opt.client)
		return;
	if (run->opt.from)
		buf_printf(b, "  for connections from %s\n", run->opt.from);
	if (f->sshd_version && (f->sshd_debian_patches || f->sshd_libwrap || f->sshd_keyperm_group)) {
		buf_puts(b, "  sshd build:");
		if (f->sshd_debian_patches)
			buf_puts(b, " Debian patches (group-writable keys files allowed for private groups);");
		if (f->sshd_libwrap)
			buf_puts(b, " TCP wrappers (libwrap);");
		if (f->sshd_keyperm_group)
			buf_puts(b, " ssh_keys group may read host keys;");
		b->len--;	/* the last ';' */
		b->data[b->len] = '\0';
		buf_putc(b, '\n');
	}
}

static void status_text(const struct finding *f, struct buf *b)
{
	const char *s = "?";

	switch (f->status) {
	case FS_REPORTED:
		if (f->follows) {
			buf_printf(b, "left alone: follows from %s (above); repair that first, then run sshfix again",
				   f->follows->id);
			return;
		}
		s = "left alone: explained only";
		break;
	case FS_WOULD_FIX:
		s = f->consented ? "--apply would fix this (consented with --yes)" : "--apply would fix this";
		break;
	case FS_NEEDS_CONFIRM:
		/* Say how to consent without a prompt: a web console, a fleet job. */
		buf_printf(b, "needs confirmation (--interactive, or --yes=%s)", f->problem->id);
		return;
	case FS_DECLINED:
		s = "declined";
		break;
	case FS_FIXED:
		s = f->consented ? "fixed (consented with --yes)" : "fixed";
		break;
	case FS_FAILED:
		s = "NOT fixed";
		break;
	case FS_FOUND:
		s = "found";
		break;
	}
	buf_puts(b, s);
}

static void finding_text(const struct run *run, const struct finding *f, size_t idx, struct buf *b)
{
	static const char *const sev_color[] = { [SEV_INFO] = C_DIM, [SEV_WARNING] = C_YELLOW, [SEV_ERROR] = C_RED };
	_cleanup_free_ char *msg = finding_message(f);
	bool color = run->opt.color;

	buf_printf(b, "%s[%s]%s %s: %s\n", color ? sev_color[f->problem->severity] : "",
		   severity_name(f->problem->severity), color ? C_OFF : "", f->problem->id, msg ? msg : "?");
	if (f->n_changes > 0) {
		struct buf act = {0};
		if (f->action)
			buf_puts(&act, f->action);
		else
			journal_describe(run->journal, idx, &act, "; ");
		_cleanup_free_ char *shown = escape_display(act.data ? act.data : "");
		buf_printf(b, "        fix: %s\n", shown ? shown : "?");
		buf_done(&act);
	}
	buf_printf(b, "        %s", color && f->status == FS_FIXED ? C_GREEN : "");
	status_text(f, b);
	buf_puts(b, color && f->status == FS_FIXED ? C_OFF : "");
	if (f->status_reason)
		buf_printf(b, ": %s", f->status_reason);
	buf_putc(b, '\n');
	if (run->opt.verbose) {
		buf_printf(b, "        why: %s\n", f->problem->explain);
		for (size_t i = 0; f->evidence && f->evidence[i]; i++) {
			_cleanup_free_ char *e = escape_display(f->evidence[i]);
			buf_printf(b, "        evidence: %s\n", e ? e : "?");
		}
	}
}

/*
 * Every finding, except that past REPORT_SAME_MAX of one problem the rest
 * are one line (e2fsck's max_count): on a machine with 10,000 accounts the
 * hundredth world-writable home says nothing the first ones did not.
 * --verbose and --json list them all.
 */
#define REPORT_SAME_MAX 10
static void findings_text(const struct run *run, struct buf *b)
{
	size_t np = problem_count();
	_cleanup_free_ size_t *seen = calloc(np, sizeof(*seen)), *total = calloc(np, sizeof(*total));
	_cleanup_free_ size_t *idx = calloc(run->n_findings ? run->n_findings : 1, sizeof(*idx));

	if (!seen || !total || !idx) {
		/* Without the counters, every finding: long, never wrong. */
		for (size_t i = 0; i < run->n_findings; i++)
			finding_text(run, run->findings[i], i, b);
		return;
	}
	for (size_t i = 0; i < run->n_findings; i++) {
		idx[i] = problem_index(run->findings[i]->problem);
		total[idx[i]]++;
	}
	for (size_t i = 0; i < run->n_findings; i++) {
		const struct finding *f = run->findings[i];
		size_t k = ++seen[idx[i]];
		if (run->opt.verbose || k <= REPORT_SAME_MAX)
			finding_text(run, f, i, b);
		if (!run->opt.verbose && k == REPORT_SAME_MAX && total[idx[i]] > REPORT_SAME_MAX)
			buf_printf(b, "[%s] %s: ... and %zu more like these (--verbose or --json lists every one)\n",
				   severity_name(f->problem->severity), f->problem->id,
				   total[idx[i]] - REPORT_SAME_MAX);
	}
	if (run->n_findings)
		buf_putc(b, '\n');
}

static void summary_text(const struct run *run, struct buf *b)
{
	size_t n[FS_FAILED + 1] = {0};

	for (size_t i = 0; i < run->n_findings; i++)
		n[run->findings[i]->status]++;
	if (run->errors) {
		buf_printf(b, "The examination is incomplete: %zu error(s), shown above.\n", strv_length(run->errors));
		if (run->n_findings == 0)
			return;
	} else if (run->n_findings == 0) {
		buf_puts(b, "No problems found.\n");
		return;
	}
	buf_printf(b, "%zu problem%s:", run->n_findings, run->n_findings == 1 ? "" : "s");
	static const struct {
		enum finding_status s;
		const char *what;
	} parts[] = {
		{ FS_FIXED, "fixed" },
		{ FS_WOULD_FIX, "would be fixed by --apply" },
		{ FS_NEEDS_CONFIRM, "need confirmation" },
		{ FS_DECLINED, "declined" },
		{ FS_REPORTED, "explained only" },
		{ FS_FAILED, "could not be fixed" },
		{ FS_FOUND, "found after the changes" },
	};
	bool first = true;
	for (size_t i = 0; i < ELEMENTSOF(parts); i++) {
		if (!n[parts[i].s])
			continue;
		buf_printf(b, "%s %zu %s", first ? "" : ",", n[parts[i].s], parts[i].what);
		first = false;
	}
	buf_puts(b, ".\n");
}

/* Write a finished report; the caller checks the stream for write errors. */
static int emit(struct buf *b, FILE *out)
{
	int r = buf_ok(b) ? 0 : -ENOMEM;

	if (r == 0)
		fwrite(b->data, 1, b->len, out);
	buf_done(b);
	return r;
}

int report_text(const struct run *run, FILE *out)
{
	struct buf b = {0};

	target_line(run, &b);
	for (size_t i = 0; run->model.notes && run->model.notes[i]; i++)
		buf_printf(&b, "note: %s\n", run->model.notes[i]);
	buf_putc(&b, '\n');
	findings_text(run, &b);

	if (run->opt.mode == MODE_DRY_RUN && journal_n_entries(run->journal) > 0) {
		struct buf diff = {0};
		buf_puts(&b, "Changes --apply would make (nothing has been changed):\n\n");
		journal_render(run->journal, (size_t) -1, &diff);
		/* The diff holds the target's bytes; a hostile file must not drive
		 * the rescue console, nor the pager or log it is piped into. */
		escape_text(&b, diff.data ? diff.data : "", diff.len);
		buf_done(&diff);
		buf_putc(&b, '\n');
	}
	summary_text(run, &b);
	report_undo_line(run, &b);
	return emit(&b, out);
}

/* A word as a shell reads it back: as is when it holds only characters no
 * shell treats specially, else in single quotes, a quote as '"'"' (no
 * backslash, which the terminal escaping would turn into \x5c). */
static void shell_word(struct buf *b, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+:@%,-=";

	if (*s && s[strspn(s, safe)] == '\0') {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			buf_puts(b, "'\"'\"'");
		else
			buf_putc(b, *s);
	buf_putc(b, '\'');
}

/* "sshfix [--device DEV] [--client [--home H]] --undo ID [--root R]";
 * root NULL: no --root. */
static char *undo_command(const struct run *run, const char *device, const char *root)
{
	struct buf b = {0};

	buf_puts(&b, "sshfix");
	if (device) {
		buf_puts(&b, " --device ");
		shell_word(&b, device);
	}
	if (run->opt.client)
		buf_puts(&b, " --client");
	if (run->opt.client && run->opt.home_given) {
		buf_puts(&b, " --home ");
		shell_word(&b, run->opt.home);
	}
	buf_puts(&b, " --undo ");
	shell_word(&b, run->undo_id);
	if (root && strcmp(root, "/") != 0) {
		buf_puts(&b, " --root ");
		shell_word(&b, root);
	}
	if (!buf_ok(&b)) {
		buf_done(&b);
		return NULL;
	}
	return buf_steal(&b);
}

int report_undo_command(const struct run *run, char **ret, char **ret_here)
{
	_cleanup_free_ char *cmd = NULL, *here = NULL;

	*ret = NULL;
	if (ret_here)
		*ret_here = NULL;
	if (!run->undo_id)
		return 0;
	/* A root sshfix mounted is reopened with --device: the mount point
	 * in run->opt.root is gone once sshfix has ended. */
	if (run->opt.reopen_device)
		here = undo_command(run, run->opt.reopen_device, NULL);
	else
		here = undo_command(run, NULL, run->opt.root);
	if (!here)
		return -ENOMEM;
	if (run->opt.boot_root) {
		cmd = undo_command(run, NULL, NULL);
		if (!cmd)
			return -ENOMEM;
		if (ret_here)
			*ret_here = TAKE_PTR(here);
	} else
		cmd = TAKE_PTR(here);
	*ret = TAKE_PTR(cmd);
	return 0;
}

void report_undo_line(const struct run *run, struct buf *b)
{
	_cleanup_free_ char *cmd = NULL, *here = NULL;

	if (report_undo_command(run, &cmd, &here) < 0) {
		b->oom = true;
		return;
	}
	if (!cmd)
		return;
	_cleanup_free_ char *shown = escape_display(cmd), *shown_here = here ? escape_display(here) : NULL;
	if (!shown || (here && !shown_here)) {
		b->oom = true;
		return;
	}
	if (here)
		buf_printf(b, "Undo with: %s (in the booted system; from this initramfs: %s)\n", shown, shown_here);
	else
		buf_printf(b, "Undo with: %s\n", shown);
}

static void json_target(const struct run *run, struct buf *b)
{
	const struct target_facts *f = &run->target->facts;
	bool first = true, sf = true;

	buf_putc(b, '{');
	json_kv_str(b, &first, "root", run->opt.root);
	json_kv_str(b, &first, "os_id", f->os_id);
	json_kv_str(b, &first, "os_version_id", f->os_version_id);
	json_kv_str(b, &first, "os_pretty_name", f->os_pretty);
	json_kv_str(b, &first, "distro_family", distro_family_name(f->family));
	json_key(b, &first, "sshd");
	buf_putc(b, '{');
	json_kv_str(b, &sf, "path", f->sshd_path);
	json_kv_str(b, &sf, "version", f->sshd_version);
	json_key(b, &sf, "major");
	if (f->sshd_major >= 0)
		buf_printf(b, "%d", f->sshd_major);
	else
		buf_puts(b, "null");
	json_key(b, &sf, "minor");
	if (f->sshd_minor >= 0)
		buf_printf(b, "%d", f->sshd_minor);
	else
		buf_puts(b, "null");
	json_kv_bool(b, &sf, "debian_patches", f->sshd_debian_patches);
	json_kv_bool(b, &sf, "libwrap", f->sshd_libwrap);
	json_kv_bool(b, &sf, "keyperm_group", f->sshd_keyperm_group);
	buf_puts(b, "}}");
}

static void json_finding(const struct run *run, const struct finding *f, size_t idx, struct buf *b)
{
	_cleanup_free_ char *msg = finding_message(f);
	bool first = true;

	buf_putc(b, '{');
	json_kv_str(b, &first, "id", f->problem->id);
	json_kv_str(b, &first, "check", f->fix ? f->fix->id : NULL);
	json_kv_str(b, &first, "severity", severity_name(f->problem->severity));
	json_kv_str(b, &first, "flag", problem_flag_name(f->problem));
	json_kv_str(b, &first, "path", f->path);
	json_kv_str(b, &first, "user", f->user);
	json_key(b, &first, "line");
	if (f->line)
		buf_printf(b, "%u", f->line);
	else
		buf_puts(b, "null");
	json_kv_str(b, &first, "message", msg);
	json_kv_str(b, &first, "explanation", f->problem->explain);
	json_key(b, &first, "evidence");
	buf_putc(b, '[');
	for (size_t i = 0; f->evidence && f->evidence[i]; i++) {
		if (i)
			buf_putc(b, ',');
		json_string(b, f->evidence[i]);
	}
	buf_putc(b, ']');
	json_key(b, &first, "action");
	if (f->n_changes > 0) {
		struct buf act = {0}, diff = {0};
		if (f->action)
			buf_puts(&act, f->action);
		else
			journal_describe(run->journal, idx, &act, "; ");
		json_string(b, act.data ? act.data : "");
		journal_render(run->journal, idx, &diff);
		json_kv_str(b, &first, "diff", diff.data ? diff.data : "");
		buf_done(&act);
		buf_done(&diff);
	} else
		buf_puts(b, "null");
	json_kv_str(b, &first, "status", finding_status_name(f->status));
	json_kv_bool(b, &first, "consented", f->consented);
	json_kv_str(b, &first, "follows_from", f->follows ? f->follows->id : NULL);
	json_kv_str(b, &first, "status_reason", f->status_reason);
	buf_putc(b, '}');
}

int report_json(const struct run *run, unsigned exit_status, FILE *out)
{
	struct buf b = {0};
	bool first = true;

	buf_putc(&b, '{');
	json_kv_str(&b, &first, "sshfix", PACKAGE_VERSION);
	json_kv_str(&b, &first, "mode", mode_name(run->opt.mode));
	json_key(&b, &first, "target");
	json_target(run, &b);
	if (run->opt.client)
		json_kv_str(&b, &first, "client_home", run->opt.home);
	json_kv_str(&b, &first, "from", run->opt.from);
	json_key(&b, &first, "problems");
	buf_putc(&b, '[');
	for (size_t i = 0; i < run->n_findings; i++) {
		if (i)
			buf_putc(&b, ',');
		json_finding(run, run->findings[i], i, &b);
	}
	buf_putc(&b, ']');
	json_key(&b, &first, "notes");
	buf_putc(&b, '[');
	for (size_t i = 0; run->model.notes && run->model.notes[i]; i++) {
		if (i)
			buf_putc(&b, ',');
		json_string(&b, run->model.notes[i]);
	}
	buf_putc(&b, ']');
	json_key(&b, &first, "errors");
	buf_putc(&b, '[');
	for (size_t i = 0; run->errors && run->errors[i]; i++) {
		if (i)
			buf_putc(&b, ',');
		json_string(&b, run->errors[i]);
	}
	buf_putc(&b, ']');
	json_kv_str(&b, &first, "undo_id", run->undo_id);
	_cleanup_free_ char *undo = NULL;
	if (report_undo_command(run, &undo, NULL) < 0)
		b.oom = true;
	json_kv_str(&b, &first, "undo_command", undo);
	json_kv_int(&b, &first, "exit_status", exit_status);
	buf_puts(&b, "}\n");
	return emit(&b, out);
}

/* ---- --add-key ---- */

static void add_key_text(const struct run *run, const struct report_key *k, struct buf *b)
{
	_cleanup_free_ char *user = escape_display(k->user), *path = escape_display(k->path ? k->path : "?"),
			    *comment = k->comment ? escape_display(k->comment) : NULL;
	size_t shown = 0;

	target_first_line(run, b);
	for (size_t i = 0; k->notes && k->notes[i]; i++) {
		_cleanup_free_ char *n = escape_display(k->notes[i]);
		buf_printf(b, "note: %s\n", n ? n : "?");
	}
	buf_printf(b, "\nadd-key: %s: %s key %s%s%s%s\n", user ? user : "?", k->type, k->fingerprint,
		   comment ? " \"" : "", comment ? comment : "", comment ? "\"" : "");
	if (k->repaired)
		buf_printf(b, "        repaired in the pasted key: %s\n", k->repaired);
	if (streq(k->status, "present"))
		buf_printf(b, "        already in %s (line %u): nothing changed\n", path ? path : "?", k->line);
	else if (streq(k->status, "failed")) {
		_cleanup_free_ char *e = escape_display(k->error ? k->error : "see the message above");
		buf_printf(b, "        NOT added: %s\n", e ? e : "?");
	} else {
		_cleanup_free_ char *ch = escape_display(k->changes ? k->changes : "");
		buf_printf(b, "        into %s: %s\n", path ? path : "?", ch ? ch : "?");
		buf_printf(b, "        %s\n", streq(k->status, "added") ? "added" : "--add-key without --dry-run would add it");
	}
	/* The engine kept this user's findings only. */
	for (size_t i = 0; i < run->n_findings; i++) {
		const struct finding *f = run->findings[i];
		if (f == k->self)
			continue;
		if (shown++ == 0)
			buf_printf(b, "\nsshd will refuse %s's keys until these are repaired (sshfix --apply repairs what "
				      "it can):\n", user ? user : "?");
		_cleanup_free_ char *msg = finding_message(f);
		buf_printf(b, "[%s] %s: %s\n", severity_name(f->problem->severity), f->problem->id, msg ? msg : "?");
	}
	if (streq(k->status, "would-add")) {
		struct buf diff = {0};
		buf_puts(b, "\nChanges --add-key would make (nothing has been changed):\n\n");
		journal_render(run->journal, (size_t) -1, &diff);
		/* The diff holds the target's bytes (see report_text()). */
		escape_text(b, diff.data ? diff.data : "", diff.len);
		b->oom |= diff.oom;
		buf_done(&diff);
	}
	if (run->undo_id) {
		buf_putc(b, '\n');
		report_undo_line(run, b);
	}
}

static void add_key_json(const struct run *run, const struct report_key *k, unsigned exit_status, struct buf *b)
{
	struct buf diff = {0};
	bool first = true, kf = true, pf = true;

	buf_putc(b, '{');
	json_kv_str(b, &first, "sshfix", PACKAGE_VERSION);
	json_kv_str(b, &first, "mode", run->opt.mode == MODE_DRY_RUN ? "add-key-dry-run" : "add-key");
	json_kv_str(b, &first, "root", run->opt.root);
	json_kv_str(b, &first, "user", k->user);
	json_key(b, &first, "key");
	buf_putc(b, '{');
	json_kv_str(b, &kf, "type", k->type);
	json_kv_str(b, &kf, "fingerprint", k->fingerprint);
	json_kv_str(b, &kf, "comment", k->comment);
	json_kv_str(b, &kf, "repaired", k->repaired);
	buf_putc(b, '}');
	json_kv_str(b, &first, "status", k->status);
	json_kv_str(b, &first, "path", k->path);
	json_key(b, &first, "line");
	if (k->line)
		buf_printf(b, "%u", k->line);
	else
		buf_puts(b, "null");
	json_kv_str(b, &first, "changes", k->changes);
	if (streq(k->status, "would-add"))
		journal_render(run->journal, (size_t) -1, &diff);
	json_kv_str(b, &first, "diff", streq(k->status, "would-add") ? (diff.data ? diff.data : "") : NULL);
	b->oom |= diff.oom;
	buf_done(&diff);
	json_kv_str(b, &first, "error", k->error);
	/* The user's problems, each as in report_json(). */
	json_key(b, &first, "problems");
	buf_putc(b, '[');
	for (size_t i = 0; i < run->n_findings; i++) {
		if (run->findings[i] == k->self)
			continue;
		if (!pf)
			buf_putc(b, ',');
		pf = false;
		json_finding(run, run->findings[i], i, b);
	}
	buf_putc(b, ']');
	json_key(b, &first, "notes");
	buf_putc(b, '[');
	for (size_t i = 0; k->notes && k->notes[i]; i++) {
		if (i)
			buf_putc(b, ',');
		json_string(b, k->notes[i]);
	}
	buf_putc(b, ']');
	json_kv_str(b, &first, "undo_id", run->undo_id);
	_cleanup_free_ char *undo = NULL;
	if (report_undo_command(run, &undo, NULL) < 0)
		b->oom = true;
	json_kv_str(b, &first, "undo_command", undo);
	json_kv_int(b, &first, "exit_status", exit_status);
	buf_puts(b, "}\n");
}

int report_add_key(const struct run *run, const struct report_key *k, unsigned exit_status, FILE *out)
{
	struct buf b = {0};

	if (run->opt.json)
		add_key_json(run, k, exit_status, &b);
	else
		add_key_text(run, k, &b);
	return emit(&b, out);
}
