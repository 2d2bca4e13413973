/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fix.h"
#include "model.h"
#include "policy.h"
#include "report.h"
#include "util.h"

int engine_check_ids(char **ids, const char **ret_bad)
{
	for (size_t i = 0; ids && ids[i]; i++)
		if (!fix_by_id(ids[i]) && !problem_by_id(ids[i])) {
			*ret_bad = ids[i];
			return -EINVAL;
		}
	return 0;
}

static bool id_listed(char **ids, const struct finding *f)
{
	return strv_contains(ids, f->problem->id) || (f->fix && strv_contains(ids, f->fix->id));
}

static bool finding_selected(const struct run *run, const struct finding *f)
{
	if (run->opt.user && !streq_ptr(f->user, run->opt.user))
		return false;
	if (run->opt.only && !id_listed(run->opt.only, f))
		return false;
	return !(run->opt.skip && id_listed(run->opt.skip, f));
}

static bool fix_selected(const struct run *run, const struct fix *fix)
{
	if (fix->client_side != run->opt.client)
		return false;
	if (run->opt.skip && strv_contains(run->opt.skip, fix->id))
		return false;
	if (!run->opt.only || strv_contains(run->opt.only, fix->id))
		return true;
	for (const struct problem *p = fix->problems; p->id; p++)
		if (strv_contains(run->opt.only, p->id))
			return true;
	return false;
}

static void free_findings(struct finding **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		finding_free(v[i]);
	free(v);
}

static size_t registry_index(const struct fix *fix)
{
	size_t i = 0;

	while (fix_registry[i] && fix_registry[i] != fix)
		i++;
	return i;
}

enum { UNSEEN, VISITING, DONE };

/* Depth first: what fix reads, then fix itself. */
static int visit(const struct fix *fix, unsigned char *state, const struct fix **order, size_t *n)
{
	size_t i = registry_index(fix);

	if (!fix_registry[i])
		return -EINVAL;	/* after names a family the registry does not have */
	if (state[i] == DONE)
		return 0;
	if (state[i] == VISITING)
		return -ELOOP;
	state[i] = VISITING;
	for (const struct fix *const *a = fix->after; a && *a; a++) {
		int r = visit(*a, state, order, n);
		if (r < 0)
			return r;
	}
	state[i] = DONE;
	order[(*n)++] = fix;
	return 0;
}

int engine_families(const struct run *run, const struct fix ***ret)
{
	size_t n_registry = registry_index(NULL), n = 0;
	_cleanup_free_ unsigned char *state = calloc(n_registry + 1, 1);
	_cleanup_free_ const struct fix **order = calloc(n_registry + 1, sizeof(*order));

	if (!state || !order)
		return -ENOMEM;
	for (size_t i = 0; i < n_registry; i++) {
		if (!fix_selected(run, fix_registry[i]))
			continue;
		int r = visit(fix_registry[i], state, order, &n);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(order);
	return (int) n;
}

int engine_begin(struct run *run)
{
	int r;

	r = journal_new(run->target, &run->journal);
	if (r == 0)
		r = journal_set_test_hook(run->journal, run->opt.test_hook);
	if (r < 0) {
		run_error(run, "Failed to prepare: %s", strerror(-r));
		return r;
	}
	journal_set_crash_at(run->journal, run->opt.crash_at);
	r = target_read_facts(run->target);
	if (r < 0)
		run_error(run, "Failed to read the target: %s", strerror(-r));
	return r;
}

static const struct problem *found(const struct run *run, const char *id)
{
	for (size_t i = 0; i < run->n_findings; i++)
		if (strcmp(run->findings[i]->problem->id, id) == 0)
			return run->findings[i]->problem;
	return NULL;
}

static bool is_cause(const struct run *run, const struct problem *p)
{
	for (size_t i = 0; i < run->n_findings; i++)
		if (run->findings[i]->follows == p)
			return true;
	return false;
}

/*
 * Root cause first: a finding whose problem follows from another found too
 * (host keys missing because openssh-server is not installed) says so and
 * is not repaired on its own, and the causes are reported before the rest.
 */
static int root_causes_first(struct run *run)
{
	struct finding **v;
	size_t k = 0;

	for (size_t i = 0; i < run->n_findings; i++) {
		const char *const *c = run->findings[i]->problem->follows_from;
		for (; c && *c && !run->findings[i]->follows; c++)
			run->findings[i]->follows = found(run, *c);
	}
	if (run->n_findings < 2)
		return 0;
	v = malloc(run->n_findings * sizeof(*v));
	if (!v)
		return -ENOMEM;
	/* Root causes, then causes that follow from them, then the rest. */
	for (int rank = 0; rank < 3; rank++)
		for (size_t i = 0; i < run->n_findings; i++) {
			struct finding *f = run->findings[i];
			int r = !is_cause(run, f->problem) ? 2 : f->follows ? 1 : 0;
			if (r == rank)
				v[k++] = f;
		}
	memcpy(run->findings, v, run->n_findings * sizeof(*v));
	free(v);
	return 0;
}

int engine_detect(struct run *run)
{
	const char *path = NULL;
	int r;

	r = model_load(run, &path);
	if (r < 0) {
		_cleanup_free_ char *p = escape_display(path ? path : "?"), *root = escape_display(run->opt.root);
		run_error(run, "Failed to read '%s' in the target '%s': %s", p ? p : "?", root ? root : "?",
			  r == -EFBIG ? "file too large (over 16 MiB), refusing to parse it" : strerror(-r));
		return r;
	}
	_cleanup_free_ const struct fix **families = NULL;
	r = engine_families(run, &families);
	if (r < 0) {
		run_error(run, "The checks cannot be ordered: %s", strerror(-r));
		return r;
	}
	for (size_t i = 0; families[i]; i++) {
		const struct fix *fix = families[i];
		r = fix->detect(run);
		if (r < 0) {
			run_error(run, "The %s check failed: %s", fix->id, strerror(-r));
			if (r == -ENOMEM)
				return r;
		}
	}
	/* --only/--skip may name single problems of a family; opt.user, one account. */
	size_t k = 0;
	for (size_t i = 0; i < run->n_findings; i++) {
		if (finding_selected(run, run->findings[i]))
			run->findings[k++] = run->findings[i];
		else
			finding_free(run->findings[i]);
	}
	run->n_findings = k;
	return root_causes_first(run);
}

static const char *plan_error(int r)
{
	switch (r) {
	case -EMLINK:
		return "the file has more than one hard link; sshfix never changes such a file";
	case -ELOOP:
		return "the path is or passes through a symlink; sshfix never follows one here";
	case -ENOENT:
		return "the path no longer exists";
	case -ESTALE:
		return "the path changed while sshfix examined it";
	default:
		return strerror(-r);
	}
}

/* Tell the journal whom f's repair is made for: its rules depend on it. */
static int plan_subject(struct run *run, const struct finding *f)
{
	struct journal_subject s = {0};
	int r = f->fix->subject ? f->fix->subject(run, f, &s) : 0;

	if (r < 0)
		return r;
	r = journal_set_subject(run->journal, r > 0 ? &s : NULL);
	strv_free(s.paths);
	return r;
}

int engine_plan(struct run *run)
{
	for (size_t i = 0; i < run->n_findings; i++) {
		struct finding *f = run->findings[i];
		enum decision d = policy_decide(run, f);
		size_t n0 = journal_n_entries(run->journal);
		int r;

		if (d == DECIDE_REPORT || d == DECIDE_LEAVE)
			continue;
		journal_set_tag(run->journal, i, f->problem->id);
		r = plan_subject(run, f);
		if (r == 0)
			r = f->fix->repair(run, f);
		if (r < 0) {
			journal_truncate(run->journal, n0);
			f->status = FS_FAILED;
			/* A repair may have said why itself; else the journal's rules may have. */
			if (!f->status_reason)
				f->status_reason = strdup(journal_refusal(run->journal) ? journal_refusal(run->journal)
											: plan_error(r));
			continue;
		}
		f->first_change = n0;
		f->n_changes = journal_n_entries(run->journal) - n0;
		if (d == DECIDE_ASK) {
			struct buf diff = {0};
			(void) journal_render(run->journal, i, &diff);
			bool yes = policy_ask(run, f, diff.data);
			buf_done(&diff);
			if (!yes) {
				journal_truncate(run->journal, n0);
				f->n_changes = 0;
				f->status = FS_DECLINED;
				continue;
			}
		}
		/* DECIDE_APPLY and a yes stay FS_FOUND until the journal commits. */
	}
	return 0;
}

static bool pending(const struct finding *f)
{
	return f->status == FS_FOUND && f->problem && !(f->problem->flags & PF_REPORT_ONLY);
}

/* Why finding f's changes were not all made, or NULL when they were. */
static const char *changes_error(const struct run *run, const struct finding *f)
{
	for (size_t k = f->first_change; k < f->first_change + f->n_changes; k++) {
		const char *why = journal_entry_error(run->journal, k);
		if (why)
			return why;
	}
	return NULL;
}

int engine_apply(struct run *run)
{
	_cleanup_free_ char *error = NULL;
	int r;

	if (journal_n_entries(run->journal) == 0) {
		for (size_t i = 0; i < run->n_findings; i++)
			if (pending(run->findings[i]))
				run->findings[i]->status = FS_FIXED;	/* covered by an earlier entry */
		return 0;
	}
	/* A change that cannot be made fails alone (r > 0): its finding says why. */
	r = journal_commit(run->journal, &run->undo_id, &error);
	for (size_t i = 0; i < run->n_findings; i++) {
		struct finding *f = run->findings[i];
		const char *why;
		if (!pending(f))
			continue;
		why = changes_error(run, f);
		if (!why)
			f->status = FS_FIXED;
		else {
			f->status = FS_FAILED;
			free(f->status_reason);
			f->status_reason = strdup(why);
		}
	}
	if (r < 0)
		engine_commit_error(run, r, error);
	return r;
}

void engine_commit_error(struct run *run, int r, const char *error)
{
	const char *what = error ? error : strerror(-r);

	if (r == -EROFS)
		run_error(run, "%s. Nothing was changed. Remount the target read-write "
			       "(mount -o remount,rw MOUNTPOINT) and run again.", what);
	else if (r == -ENOSPC)
		run_error(run, "%s. Nothing was changed. Free some space on the target and run again.", what);
	else if (run->undo_id) {
		_cleanup_free_ char *cmd = NULL;
		if (report_undo_command(run, &cmd, NULL) < 0)
			cmd = NULL;
		run_error(run, "%s. The changes made before it were recorded; undo them with: %s", what,
			  cmd ? cmd : run->undo_id);
	}
	else
		run_error(run, "%s", what);
}

static bool same_finding(const struct finding *a, const struct finding *b)
{
	return a->problem == b->problem && streq_ptr(a->path, b->path) && streq_ptr(a->user, b->user);
}

int engine_verify(struct run *run)
{
	struct finding **before = run->findings;
	size_t n_before = run->n_findings;
	int r;

	run->findings = NULL;
	run->n_findings = 0;
	model_done(&run->model);
	r = engine_detect(run);
	if (r < 0) {
		free_findings(run->findings, run->n_findings);
		run->findings = before;
		run->n_findings = n_before;
		return r;
	}

	for (size_t i = 0; i < run->n_findings; i++) {
		struct finding *now = run->findings[i];
		bool known = false;

		for (size_t k = 0; k < n_before; k++) {
			if (!same_finding(before[k], now))
				continue;
			known = true;
			if (before[k]->status == FS_FIXED) {
				before[k]->status = FS_FAILED;
				free(before[k]->status_reason);
				before[k]->status_reason = strdup("still present after --apply");
			}
		}
		if (known)
			continue;
		/* Found only after the changes: report it, it is not fixed. */
		struct finding **nb = reallocarray(before, n_before + 1, sizeof(*nb));
		if (!nb) {
			r = -ENOMEM;
			break;
		}
		before = nb;
		now->status = (now->problem->flags & PF_REPORT_ONLY) ? FS_REPORTED : FS_FOUND;
		before[n_before++] = now;
		run->findings[i] = NULL;	/* moved */
	}
	free_findings(run->findings, run->n_findings);
	run->findings = before;
	run->n_findings = n_before;
	return r;
}

int engine_finish(struct run *run)
{
	bool changed = journal_n_entries(run->journal) > 0;
	int r;

	if (run->opt.mode != MODE_APPLY && run->opt.mode != MODE_INTERACTIVE)
		return 0;
	r = engine_apply(run);
	if (r == 0 && changed)
		(void) engine_verify(run);	/* a failure is said on run->err; the findings stay as applied */
	return r;
}

unsigned engine_exit_flags(const struct run *run)
{
	unsigned flags = 0;

	for (size_t i = 0; i < run->n_findings; i++)
		if (!(run->findings[i]->problem->flags & PF_HISTORY))
			flags |= run->findings[i]->status == FS_FIXED ? EXIT_FIXED : EXIT_UNFIXED;
	return flags;
}

void run_done(struct run *run)
{
	free_findings(run->findings, run->n_findings);
	model_done(&run->model);
	journal_free(run->journal);
	target_free(run->target);
	free(run->undo_id);
	strv_free(run->errors);
	strv_free(run->opt.only);
	strv_free(run->opt.skip);
	strv_free(run->opt.yes_ids);
	*run = (struct run) {0};
}
