/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ssh client's configuration files as ssh reads them (RULES §5.2;
 * ssh_config(5); OpenSSH readconf.c read_config_file_depth(),
 * process_config_line_depth()): ~/.ssh/config (or /etc/ssh/ssh_config),
 * then every file an Include names, wherever the Include stands:
 *
 *  - lines split as sshd_config's (8.7+ argv_split: quotes, '#' ends the
 *    line, "Keyword=value"); a NUL byte ends the line, as ssh handles
 *    lines as C strings;
 *  - an Include argument that is not absolute and does not start with '~'
 *    is under ~/.ssh (the system file: under /etc/ssh); '~' and '~user'
 *    are expanded (GLOB_TILDE; the system file may not use them); globs
 *    match in lexical order; a glob that matches nothing is not an error;
 *  - an included file is read even inside a Host or Match block that does
 *    not apply (SSHCONF_NEVERMATCH: "parse only"), and every included file
 *    gets the owner and mode check (SSHCONF_CHECKPERM);
 *  - more than 16 levels of Include: "Too many recursive configuration
 *    includes", and ssh stops.
 *
 * For one destination host, each option says whether ssh applies it: Host
 * patterns as ssh matches them ('*', '?', a leading '!' vetoes the block),
 * an included file starting in its includer's state and handing it back
 * after, "Match" giving "unknown" (its criteria depend on more than files),
 * except "Match all".
 *
 * Reads go through the target; nothing is written or printed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "accounts.h"
#include "target.h"

#define CLIENT_CONFIG_DEPTH_MAX 16

struct client_config_file {
	char *path;		/* as ssh opens it (after '~', relative and glob expansion), in the target */
	const char *from;	/* the file whose Include named it; NULL for the first file */
	unsigned from_line;
	unsigned depth;
};

struct client_config_option {
	char *keyword;		/* as written */
	char **args;		/* NULL-terminated */
	const char *file;	/* one of the files' paths */
	unsigned line;
	int active;		/* for ctx->host: 1 applies, 0 does not, -1 unknown (a Match block) */
	const char *block_file;	/* the Host/Match line of its block; NULL outside any */
	unsigned block_line;
};

enum client_config_diag_kind {
	CCD_INVALID_QUOTES,	/* "invalid quotes": ssh stops */
	CCD_NO_ARGUMENT,	/* "no argument after keyword": ssh stops */
	CCD_INCLUDE_DEPTH,	/* "Too many recursive configuration includes": ssh stops */
	CCD_BAD_INCLUDE,	/* '~' in the system file's Include: ssh stops */
	CCD_UNREADABLE,		/* exists, cannot be read */
	CCD_TOO_LARGE,		/* larger than CONFIG_MAX: not read */
	CCD_NUL,		/* a line holds a NUL byte: ssh reads it only up to there */
};

struct client_config_diag {
	enum client_config_diag_kind kind;
	const char *file;
	unsigned line;		/* 0: the whole file */
	char *message;
};

struct client_config {
	struct client_config_file *files;	/* every file read, in the order read */
	size_t n_files;
	struct client_config_option *opts;	/* in the order ssh sees them */
	size_t n_opts;
	struct client_config_diag *diags;
	size_t n_diags;
};

struct client_config_context {
	const char *home;		/* the user's home in the target (canonical), for '~' */
	const struct accounts *accounts;	/* for "~user"; may be NULL */
	const char *host;		/* the destination (lower case), or NULL */
	bool system;			/* the system-wide file: relative Includes under /etc/ssh, no '~' */
};

/*
 * Read path and its Includes.  A missing path gives an empty config; files
 * that cannot be read or parsed become diags.  Returns 0 (the caller owns
 * *ret), or -ENOMEM.
 */
int client_config_load(struct target *t, const char *path, const struct client_config_context *ctx,
		       struct client_config **ret);
void client_config_free(struct client_config *c);

/*
 * tilde_expand_filename(): "~" and "~/x" are the home's, "~user/x" that
 * account's home.  Returns 0 with *ret (caller frees; a copy of path when it
 * has no '~'), 1 for an account that does not exist, -ENOMEM.
 */
int client_config_tilde(const char *path, const char *home, const struct accounts *a, char **ret);

/* A Host line's patterns against host: 1 applies, 0 not (a '!' pattern that matches vetoes). */
bool client_config_host_matches(char *const *patterns, const char *host);

/* The first active option with this keyword (ssh: the first value obtained wins), or NULL. */
const struct client_config_option *client_config_first(const struct client_config *c, const char *keyword);

/* One "FILE: line N: Bad configuration option: KEYWORD" that ssh printed. */
struct client_config_bad_option {
	char *file;
	unsigned line;
	char *keyword;
};

/*
 * The keywords ssh refused, from what `ssh -G` printed (readconf.c: each
 * is an error, then "terminating, N bad configuration options").  Lines of
 * any other shape are skipped.  Returns 0 with *ret (free with
 * client_config_bad_options_free()), or -ENOMEM.
 */
int client_config_bad_options(const char *output, struct client_config_bad_option **ret, size_t *ret_n);
void client_config_bad_options_free(struct client_config_bad_option *v, size_t n);
