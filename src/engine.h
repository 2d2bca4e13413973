/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One run, in the order data flows (DESIGN §3): detect (model + checks),
 * decide and plan (policy + repair into the journal), apply (journal),
 * verify (detect again).  Each returns 0 or -errno; operational failures
 * also set EXIT_ERROR and say why on run->err.
 */
#pragma once

#include "run.h"

/* Parse --only/--skip ids; -EINVAL (with the bad id in *ret_bad) for one no check or problem has. */
int engine_check_ids(char **ids, const char **ret_bad);
/*
 * The families a run examines, in an order where each runs after those it
 * reads (fix.after): the selected ones (fix_selected) and, even when --only
 * or --skip leaves them out, what they build on.  Returns the count and a
 * NULL-terminated array the caller frees, or -ELOOP for a cycle, -ENOMEM.
 */
int engine_families(const struct run *run, const struct fix ***ret);
/*
 * What every mode that examines the target needs first: the journal (the
 * only way to the target's files, DESIGN §4) and the target's facts
 * (distribution, sshd build).
 */
int engine_begin(struct run *run);
int engine_detect(struct run *run);
int engine_plan(struct run *run);
int engine_apply(struct run *run);
/* Say why journal_commit() failed (r, its error text) and what to do about it. */
void engine_commit_error(struct run *run, int r, const char *error);
int engine_verify(struct run *run);
/*
 * --apply and --interactive: make the planned changes (engine_apply), then,
 * when there were any, detect again (engine_verify): a second --apply must
 * find nothing, and what is still wrong is reported as such.  The report
 * modes change nothing.  Returns engine_apply()'s result.
 */
int engine_finish(struct run *run);
/* The exit status bits the findings call for. */
unsigned engine_exit_flags(const struct run *run);
void run_done(struct run *run);
