/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a service unit runs and with which environment: its
 * EnvironmentFile= list ("-" meaning optional) read with src/envfile.h,
 * the variables its ExecStart= expands and how ExecStart= splits them
 * (systemd.service(5), "Command lines").  For the ssh unit's $SSHD_OPTS
 * and $OPTIONS (RULES §11.3).  Reads go through the target layer; nothing
 * is executed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "envfile.h"
#include "target.h"
#include "units.h"

/* One EnvironmentFile= of a unit. */
struct unit_env_file {
	char *path;		/* absolute, inside the target */
	bool optional;		/* "-" prefix: a missing file is no error */
	char *file;		/* the unit file and line that name it */
	unsigned line;
};

void unit_env_files_free(struct unit_env_file *v, size_t n);

/* EnvironmentFile= of u in order (relative paths skipped: systemd refuses them). */
int unit_env_files(const struct unit *u, struct unit_env_file **ret, size_t *ret_n);

/*
 * The value the unit's environment files give var: later files override
 * earlier ones, and in a file the last assignment wins.  A file that cannot
 * be read is skipped (a required one fails the unit at start).  Returns 1
 * with *ret and *ret_path (the environment file, as named; both owned by
 * the caller), 0 when no file assigns it, or -ENOMEM.
 */
int unit_env_get(struct target *t, const struct unit *u, const char *var, struct env_assignment *ret,
		 char **ret_path);

/* One environment file: envfile_last() on its text, read through the
 * target.  Returns 1, 0 (unassigned or unreadable), or -ENOMEM. */
int unit_env_file_last(struct target *t, const char *path, const char *var, struct env_assignment *ret);

/* A variable ExecStart= expands. */
struct unit_exec_var {
	char *name;
	bool split;		/* "$NAME" as a word: split into words; "${NAME}" is one */
};

void unit_exec_vars_free(struct unit_exec_var *v, size_t n);

/* The variables of the unit's first ExecStart= command, in order. */
int unit_exec_vars(const struct unit *u, struct unit_exec_var **ret, size_t *ret_n);

/* The program the first ExecStart= runs, without systemd's "-@+!:" prefixes;
 * NULL when there is none (or no memory). */
char *unit_exec_program(const struct unit *u);

/*
 * A $VAR value as ExecStart= splits it: at white space, honouring quotes
 * and backslashes (EXTRACT_UNQUOTE|EXTRACT_RELAX).  Returns 0 with a
 * NULL-terminated list, or -ENOMEM.
 */
int unit_exec_split(const char *s, char ***ret);
