/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fix.h"
#include "policy.h"
#include "util.h"

/* --yes, or --yes=ID,... naming this problem or its family. */
static bool consented(const struct run *run, const struct finding *f)
{
	if (!run->opt.yes)
		return false;
	if (!run->opt.yes_ids)
		return true;
	return strv_contains(run->opt.yes_ids, f->problem->id) ||
	       (f->fix && strv_contains(run->opt.yes_ids, f->fix->id));
}

enum decision policy_decide(const struct run *run, struct finding *f)
{
	const struct problem *p = f->problem;

	/* What follows from a root cause found too waits for that one; a mode
	 * asked to make one change (--add-key) reports the rest. */
	if ((p->flags & PF_REPORT_ONLY) || !f->fix || !f->fix->repair || f->follows ||
	    (run->opt.repair_only && f->fix != run->opt.repair_only)) {
		f->status = FS_REPORTED;
		return DECIDE_REPORT;
	}
	/* Consent given up front (e2fsck -y) stands in for a person's yes. */
	f->consented = !(p->flags & PF_SAFE_AUTO) && consented(run, f);
	switch (run->opt.mode) {
	case MODE_REPORT:
	case MODE_DRY_RUN:
		f->status = (p->flags & PF_SAFE_AUTO) || f->consented ? FS_WOULD_FIX : FS_NEEDS_CONFIRM;
		return DECIDE_PREVIEW;
	case MODE_APPLY:
		if ((p->flags & PF_SAFE_AUTO) || f->consented)
			return DECIDE_APPLY;
		f->status = FS_NEEDS_CONFIRM;
		return DECIDE_LEAVE;
	case MODE_INTERACTIVE:
		return f->consented ? DECIDE_APPLY : DECIDE_ASK;
	}
	f->status = FS_REPORTED;
	return DECIDE_REPORT;
}

bool policy_ask(struct run *run, const struct finding *f, const char *diff)
{
	_cleanup_free_ char *msg = finding_message(f);
	char line[64];

	fprintf(run->err, "\n%s: %s\n", f->problem->id, msg ? msg : "?");
	if (diff && *diff) {
		struct buf b = {0};
		escape_text(&b, diff, strlen(diff));
		fputs(buf_ok(&b) && b.data ? b.data : "", run->err);
		buf_done(&b);
	}
	for (;;) {
		fprintf(run->err, "Fix it? [y/N] ");
		fflush(run->err);
		if (!fgets(line, sizeof(line), run->in))
			return false;	/* end of input is a no */
		/* One line is one answer: drop the rest of a long one, or its
		 * tail would be read as the answer to this or the next question. */
		if (!strchr(line, '\n'))
			for (int c = 0; c != '\n' && c != EOF;)
				c = getc(run->in);
		char *p = line;
		while (isspace((unsigned char) *p))
			p++;
		if (*p == 'y' || *p == 'Y')
			return true;
		if (*p == 'n' || *p == 'N' || *p == '\0')
			return false;
	}
}
