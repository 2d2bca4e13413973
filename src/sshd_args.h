/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshd's command line, judged as sshd reads it: what the ssh unit passes
 * in $SSHD_OPTS (Debian) or $OPTIONS (EL), RULES §3.3, §3.8, §11.3.  sshd
 * stops at once on an option it does not know, a missing argument, a bad
 * port, a -f file that does not exist or a bad -o keyword or value; -t,
 * -T, -G, -V and -i make it exit instead of serving.  Nothing is run.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "target.h"
#include "util.h"

/* The target's sshd binary, read on first use, to ask which keywords its build knows. */
struct sshd_bin {
	char *data;
	size_t len;
	bool loaded;
};

void sshd_bin_done(struct sshd_bin *b);

/*
 * Does the target's sshd know keyword?  Its binary holds the keyword table
 * as lower-case strings: one found there is possibly known, one missing is
 * surely unknown.  Returns 1, 0, or -1 when there is no usable binary (no
 * keyword table in it): then sshfix's own table decides.  This keeps
 * distribution keywords (EL's GSSAPIKexAlgorithms) from looking bad.
 */
int sshd_bin_knows(struct target *t, struct sshd_bin *b, const char *keyword);

/*
 * Walk argv as sshd's getopt() would (GNU getopt: options and operands
 * mixed, "--" ends options) and append what sshd refuses to bad, each
 * reason after "; ".  Untrusted words are escaped and cut.
 */
void sshd_args_check(struct target *t, struct sshd_bin *bin, char *const *argv, struct buf *bad);
