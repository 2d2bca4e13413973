/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Environment files as systemd's EnvironmentFile= reads them
 * (src/basic/env-file.c, parse_env_file_internal()): what the ssh unit
 * hands sshd in $SSHD_OPTS (Debian's /etc/default/ssh) or $OPTIONS (EL's
 * /etc/sysconfig/sshd), RULES §11.3.  Not a shell: nothing is expanded or
 * executed, which is why a value that a shell would expand is flagged.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One assignment, with the physical lines it spans (1-based). */
struct env_assignment {
	char *value;		/* NULL for "VAR=" with nothing */
	unsigned first, last;
	bool expansion;		/* '$' or '`' outside single quotes: a shell would expand it, systemd does not */
};

void env_assignment_done(struct env_assignment *a);

/*
 * Call push for every assignment in text, in order.  key is not
 * NUL-terminated (klen bytes); value is NULL or NUL-terminated and owned by
 * the parser.  A non-zero return from push stops the walk and is returned.
 *
 * The grammar: '#' or ';' at the start of a line begins a comment (a
 * backslash before its newline continues it); KEY=VALUE, white space
 * around the key and before the value dropped, trailing white space of an
 * unquoted value dropped; '...' is literal; "..." takes \" \\ \` \$ as
 * escapes and keeps any other backslash; outside quotes a backslash
 * escapes the next character and one before a newline joins the lines;
 * quotes only count at the start of a value or right after a closing
 * quote.  "\r" ends a line as "\n" does, and a NUL byte ends the text
 * (systemd reads it as a C string).  Lines are counted at "\n".
 */
int envfile_parse(const char *text, size_t len,
		  int (*push)(void *userdata, const char *key, size_t klen, const char *value,
			      const struct env_assignment *where),
		  void *userdata);

/*
 * The last assignment of var in text.  Returns 1 with *ret filled (the
 * caller frees it with env_assignment_done()), 0 when var is not assigned,
 * or -ENOMEM.
 */
int envfile_last(const char *text, size_t len, const char *var, struct env_assignment *ret);
