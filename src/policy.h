/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one place that decides what happens to a finding, like e2fsck's
 * fix_problem(): from the run mode and the problem's flags.  Checks never
 * look at the mode.
 */
#pragma once

#include "finding.h"
#include "run.h"

enum decision {
	DECIDE_REPORT,		/* explain only (report-only problem, or nothing to repair with) */
	DECIDE_LEAVE,		/* --apply: needs a person's yes; not planned */
	DECIDE_PREVIEW,		/* report/dry-run: plan it to show what --apply would do */
	DECIDE_APPLY,		/* plan it and apply it */
	DECIDE_ASK,		/* --interactive: plan, show, then ask */
};

/* Decide, and set f->status for the decisions that end there. */
enum decision policy_decide(const struct run *run, struct finding *f);
/* --interactive: print the question on run->err, read run->in; true for yes. */
bool policy_ask(struct run *run, const struct finding *f, const char *diff);
