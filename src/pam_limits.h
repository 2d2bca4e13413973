/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_limits as it would set up a user's session (RULES §12.1): the lines of
 * /etc/security/limits.conf, then limits.d/NAME.conf in name order, split as
 * pam_limits' parse_config_file() splits them, and for one account the
 * maxlogins and nofile values that win (a user's line over a group's over
 * '%' over '*', as LIMITS_DEF_USER ... LIMITS_DEF_NONE).  Only the two
 * items that end a session are kept: maxlogins 0 ("There were too many
 * logins") and a nofile too small to run a command.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "accounts.h"
#include "pam.h"
#include "target.h"

/* One line of a limits file. */
struct pam_limit {
	const char *file;	/* the file it came from (one of pam_limits' strings) */
	unsigned line;
	char *domain, *type, *item, *value;	/* item NULL: a "<domain> -" no-limits line; type, item, value lower case */
};

struct pam_limits {
	struct pam_limit *v;
	size_t n;
	char **files;		/* the files read, in order */
};

/* Read limits.conf and limits.d.  Missing files are skipped, as pam_limits does.  Returns 0 or -ENOMEM. */
int pam_limits_load(struct target *t, struct pam_limits *ret);
void pam_limits_done(struct pam_limits *l);

/*
 * Is pam_limits in the session stack of s (and not optional)?  Returns 1
 * with *ret_where ("FILE:LINE", owned by the caller), 0 when it is not, or
 * -ENOMEM.
 */
int pam_limits_in_session(const struct pam_stack *s, char **ret_where);

/* What pam_limits sets for one account. */
struct pam_limits_result {
	bool ignored;		/* an applicable "<domain> -" line: no limits at all */
	int login;		/* maxlogins; -2: none */
	int login_src;
	const struct pam_limit *login_at;
	unsigned long long soft, hard;	/* nofile; ULLONG_MAX: not set */
	int soft_src, hard_src;
	const struct pam_limit *soft_at, *hard_at;
};

void pam_limits_for(const struct pam_limits *l, const struct accounts *a, const struct pw_entry *pw,
		    struct pam_limits_result *ret);
