/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flags the ssh service hands sshd at boot (RULES §3.3, §11.3): the
 * variables its ExecStart= expands ($SSHD_OPTS from /etc/default/ssh on
 * Debian, $OPTIONS from /etc/sysconfig/sshd on EL), found from the unit's
 * EnvironmentFile= and first ExecStart= (without drop-ins, as
 * fixes/sshd_service.c reads them for sshd-opts-bad), or, without a unit,
 * from those two pairs.  Each file is read as systemd's EnvironmentFile=
 * parser reads it (later files win, the last assignment in a file wins) and
 * $VAR is split as ExecStart= splits it; a value with shell expansions ($,
 * `) is not evaluated (the init script would expand it, systemd would not).
 * Nothing is ever executed.
 *
 * An adapter until src/units.h offers EnvironmentFile= and ExecStart= for
 * any unit: then this reads through it.  Read once per model
 * (sshd_cmdline_get()); nothing here writes or prints.
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

/* Returns 0 with *ret (owned by the caller, sshd_cmdline_free()), or -ENOMEM. */
int sshd_cmdline_load(struct target *t, struct sshd_cmdline **ret);
void sshd_cmdline_free(struct sshd_cmdline *c);

/* The flags of run's target, read on first use and kept in the model.  Returns 0 or -ENOMEM. */
int sshd_cmdline_get(struct run *run, const struct sshd_cmdline **ret);

/*
 * The last assignment of var in an environment file, as systemd's
 * EnvironmentFile= parser reads it (src/basic/env-file.c): '#' and ';'
 * comments, KEY=VALUE with white space around both dropped, '...' literal,
 * "..." with \" \\ \` \$ escapes, a backslash before a newline joins lines,
 * white space after a closing quote skipped.  Returns 1 with *ret_value
 * (owned by the caller, NULL for an empty value), *ret_first, *ret_last and
 * *ret_expansion, 0 when var is not assigned, or -ENOMEM.
 */
int sshd_cmdline_env_assignment(const char *text, size_t len, const char *var, char **ret_value, unsigned *ret_first,
				unsigned *ret_last, bool *ret_expansion);

/* $VAR as ExecStart= splits it: at white space, honouring quotes and backslashes.  0 or -ENOMEM. */
int sshd_cmdline_split(const char *s, char ***ret);
