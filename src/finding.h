/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A finding is one occurrence of a problem: which problem, on what path or
 * account, the evidence, and what a repair would set.  Checks create them
 * in detect(); the policy decides; repair() turns them into journal entries.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "problem.h"

struct fix;

enum finding_status {
	FS_FOUND,		/* detected, not yet decided */
	FS_REPORTED,		/* report-only problem: explained, never changed */
	FS_WOULD_FIX,		/* report/dry-run: --apply would fix it */
	FS_NEEDS_CONFIRM,	/* --apply left it: needs --interactive */
	FS_DECLINED,		/* --interactive: the person said no */
	FS_FIXED,		/* applied and journaled */
	FS_FAILED,		/* the repair could not be planned or applied */
};

/* What a permissions repair sets; a field left at -1 is not changed. */
struct perms_want {
	mode_t mode;	/* (mode_t) -1: keep */
	uid_t uid;	/* (uid_t) -1: keep */
	gid_t gid;	/* (gid_t) -1: keep */
};

/*
 * The object detection examined (for --client: as the user's reader saw
 * it).  A repair changes that object or nothing: before planning, the
 * family compares it with what the target holds then.
 */
struct finding_seen {
	bool set;
	bool has_hash;		/* sha256 is the hash of its whole content */
	uint64_t dev, ino;
	uid_t uid;
	unsigned char sha256[32];
};

#define PERMS_KEEP ((struct perms_want) { (mode_t) -1, (uid_t) -1, (gid_t) -1 })

struct finding {
	const struct problem *problem;
	const struct fix *fix;
	char *path;		/* subject inside the target, or NULL */
	unsigned line;		/* line in path (configuration problems), 0 if none */
	char *user;		/* account concerned, or NULL */
	char *detail;		/* fills {detail} */
	char **evidence;	/* facts that prove it, e.g. "/home/a: mode 0777 owner 1000:1000" */
	struct perms_want want;	/* for permission repairs */
	struct finding_seen seen;	/* what a repair may change; unset: the family does not ask */
	char *action;		/* what the repair does, when the journal's summary is too generic */

	enum finding_status status;
	bool consented;		/* a needs-confirm repair planned under --yes */
	const struct problem *follows;	/* the root cause found too (problem.follows_from), or NULL */
	/* What detect knew that the repair needs (finding_set_data()): the
	 * repair uses it instead of working it out again. */
	void *data;
	void (*data_free)(void *data);
	char *status_reason;	/* why FAILED/NEEDS_CONFIRM, for the report */
	size_t first_change, n_changes;	/* its entries in the journal */
};

void finding_done(struct finding *f);
/* finding_done() and the finding itself (as run_add_finding() made it); NULL is fine. */
void finding_free(struct finding *f);
/* Give f its family's data for the repair; finding_done() frees it with data_free (may be NULL). */
void finding_set_data(struct finding *f, void *data, void (*data_free)(void *data));
const char *finding_status_name(enum finding_status s);
/* Fill the problem's message template ({path}, {user}, {detail}, {line}); returns a new string or NULL. */
char *finding_message(const struct finding *f);
