/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flags the ssh service hands sshd at boot (RULES §3.3, §11.3): the
 * variables its first ExecStart= expands ($SSHD_OPTS from /etc/default/ssh
 * on Debian, $OPTIONS from /etc/sysconfig/sshd on EL) with the values its
 * EnvironmentFile= list gives them (src/unit_exec.h over the units
 * provider), or, without a unit, from those two pairs.  A value with shell
 * expansions ($, `) is not evaluated (the init script would expand it,
 * systemd would not).  Nothing is ever executed.
 *
 * Read once per model (sshd_cmdline_get()); nothing here writes or prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "target.h"

struct run;

/* One variable ExecStart= passes to sshd. */
struct sshd_cmdline_var {
	char *name;		/* "SSHD_OPTS" */
	bool split;		/* $NAME (split into words) rather than ${NAME} (one word) */
	char *file;		/* the environment file whose assignment counts; NULL when none assigns it */
	unsigned first, last;	/* the assignment's first and last line (a value may continue) */
	char *value;		/* as assigned, NULL when empty */
	bool expansion;		/* $ or ` outside single quotes: not evaluated, argv is NULL */
	char **argv;		/* the words sshd gets; NULL when unset, empty or not evaluated */
};

struct sshd_cmdline {
	char *unit;		/* the service unit read (src/units.h units_ssh_service()), NULL without one */
	struct sshd_cmdline_var *vars;
	size_t n_vars;
};

struct units;

/* Returns 0 with *ret (owned by the caller, sshd_cmdline_free()), or -ENOMEM. */
int sshd_cmdline_load(struct units *units, struct target *t, struct sshd_cmdline **ret);
void sshd_cmdline_free(struct sshd_cmdline *c);

/* The flags of run's target, read on first use and kept in the model.  Returns 0 or -ENOMEM. */
int sshd_cmdline_get(struct run *run, const struct sshd_cmdline **ret);
