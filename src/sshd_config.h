/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's sshd_config as sshd reads it (RULES §3): OpenSSH's line
 * tokenizer (quotes from 8.7, "Key=value", '#' comments), Include with globs
 * in lexical order relative to /etc/ssh (depth 16, also inside Match), and
 * Match blocks.  Every option keeps the file and line it came from, in the
 * order sshd sees them, so "first value wins" is "first in this list".
 *
 * This is the model's first part: enough for the checks that read
 * AuthorizedKeysFile, StrictModes and HostKey.  Per-connection Match
 * evaluation comes with the per-user verdict.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "sshd_keywords.h"
#include "target.h"

#define SSHD_CONFIG_PATH "/etc/ssh/sshd_config"
#define SSHD_INCLUDE_DEPTH_MAX 16

struct sshd_option {
	char *keyword;		/* as written */
	char **args;		/* tokens after the keyword, NULL-terminated */
	const char *file;	/* one of sshd_config.files */
	unsigned line;
	int match;		/* -1 outside Match, else index into sshd_config.matches */
	const struct sshd_keyword *kw;	/* NULL: sshd knows no such keyword */
	bool trailing_comment;	/* "Port 22 # ssh": fine from 8.7, fatal before (RULES §3.2) */
};

struct sshd_match {
	char **criteria;	/* the Match line's tokens */
	const char *file;
	unsigned line;
};

enum sshd_diag_kind {
	DIAG_INVALID_QUOTES,	/* "invalid quotes" */
	DIAG_NO_ARGUMENT,	/* "no argument after keyword" */
	DIAG_INCLUDE_DEPTH,	/* "Too many recursive configuration includes" */
	DIAG_UNREADABLE,	/* a file that exists but cannot be read */
	DIAG_MAIN_MISSING,	/* the main file does not exist */
};

struct sshd_diag {
	enum sshd_diag_kind kind;
	char *file;		/* its own copy: a file that could not be read is not in ->files */
	unsigned line;		/* 0 for the whole file */
	char *message;		/* as sshd would say it, e.g. "invalid quotes" */
};

struct sshd_config {
	char **files;		/* every file read, in the order read */
	struct sshd_option *opts;
	size_t n_opts;
	struct sshd_match *matches;
	size_t n_matches;
	struct sshd_diag *diags;
	size_t n_diags;
	bool main_present;
};

/*
 * Read path (normally SSHD_CONFIG_PATH) and its Includes from the target.
 * Unreadable or malformed pieces become diags, not errors: returns 0, or
 * -ENOMEM.  The caller owns *ret.
 */
int sshd_config_load(struct target *t, const char *path, struct sshd_config **ret);
void sshd_config_free(struct sshd_config *c);

/* The value sshd uses for a single-valued keyword outside Match: the first. */
const struct sshd_option *sshd_config_first(const struct sshd_config *c, const char *keyword);
/* Is the keyword set anywhere inside a Match block? */
const struct sshd_option *sshd_config_in_match(const struct sshd_config *c, const char *keyword);

/* Words on one line, at most (a power of two): no keyword takes thousands,
 * and a hostile line of millions would cost gigabytes (-E2BIG). */
#define SSHD_CONFIG_WORDS_MAX 65536

/*
 * Split one line as sshd does (8.7+ argv_split with comment termination):
 * returns 0 and a NULL-terminated vector (empty for blank/comment lines),
 * or -EINVAL for unbalanced quotes, -ENOMEM.  With ret_comment, says
 * whether a '#' token ended the line.
 */
int sshd_config_split_line(const char *line, size_t len, char ***ret, bool *ret_comment);

/*
 * Where a trailing comment starts in a whole config line ("Port 22 # x"
 * gives the offset of '#'), as the 8.7+ tokenizer sees it; len if none.
 */
size_t sshd_config_comment_offset(const char *line, size_t len);
