/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A check family: one file under fixes/, one entry in fixes/registry.c.
 * detect() reads the target through the model and records findings;
 * repair() turns one finding into journal entries.  Neither looks at the
 * run mode (policy_decide() does) nor calls a write syscall (the journal does).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "journal.h"
#include "problem.h"

struct run;

struct fix {
	const char *id;		/* stable, kebab-case: --only/--skip take it */
	const char *summary;
	const char *rules;	/* the RULES.md sections it implements */
	const struct problem *problems;	/* its table, ended by { .id = NULL } */
	/* Returns 0 or -errno (an operational failure: the check could not run). */
	int (*detect)(struct run *run);
	/* Plan the repair of f; returns 0, or -errno when it cannot be planned. */
	int (*repair)(struct run *run, struct finding *f);
	/*
	 * Whom the repair of f is made for (DESIGN §5; journal_set_subject()):
	 * returns 1 with *ret filled for an account (ret->paths allocated, the
	 * caller frees them), 0 for a repair made for the system, or -errno.
	 * NULL: always the system.
	 */
	int (*subject)(struct run *run, const struct finding *f, struct journal_subject *ret);
	/* Examines the connecting side: runs with --client, and no other family does then. */
	bool client_side;
	/*
	 * The families whose findings this one reads (NULL-terminated, or
	 * NULL): they run first, and run even when --only leaves them out
	 * (their findings are then not reported), so a family's answer never
	 * depends on the registry's order or on what else was selected.
	 */
	const struct fix *const *after;
};

/* repair() for findings whose fix is f->want (mode/owner of f->path). */
int fix_repair_perms(struct run *run, struct finding *f);
/*
 * subject() for the families that repair an account's keys files (user-key-
 * paths, keys-content): the account f->user, and its configured keys files
 * as sshd expands them (src/keyfiles.h).
 */
int fix_subject_keys_owner(struct run *run, const struct finding *f, struct journal_subject *ret);

/* The registry, ended by NULL; the engine orders it by fix.after. */
extern const struct fix *const fix_registry[];

const struct fix *fix_by_id(const char *id);
const struct problem *problem_by_id(const char *id);
/* How many problems all families have, and p's place among them (registry
 * order): an index for per-problem counters. */
size_t problem_count(void);
size_t problem_index(const struct problem *p);
/* The family a problem belongs to. */
const struct fix *fix_of_problem(const struct problem *p);
