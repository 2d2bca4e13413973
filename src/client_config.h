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
 * Every file is read through a reader with the user's rights (src/asuser.h):
 * what ssh could not read is not read here either.  Nothing is written or
 * printed, and no text of a file is kept beyond the words of its options:
 * a diagnostic names the file, the line and at most the line's first word,
 * and shows even that only through client_config_keyword_display().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "accounts.h"
#include "asuser.h"

#define CLIENT_CONFIG_DEPTH_MAX 16
/*
 * ssh bounds the depth of Includes, not their number: fifteen levels of
 * eight files, each including all eight of the next level, make 8^15
 * reads.  sshfix stops after this many reads and globs, or this many bytes,
 * in all (CCD_TOO_MANY_FILES): one user's files must not stall the run
 * (DESIGN §5).
 */
#define CLIENT_CONFIG_REQUESTS_MAX 65536u
#define CLIENT_CONFIG_BYTES_MAX (64u << 20)

struct client_config_file {
	char *path;		/* as ssh opens it (after '~', relative and glob expansion), in the target */
	const char *from;	/* the file whose Include named it; NULL for the first file */
	size_t from_index;	/* that file's index in files[]; SIZE_MAX for the first file */
	unsigned from_line;
	unsigned depth;
	int error;		/* 0: read; else what reading it gave (asuser_file.error) */
	bool has_stat;		/* st is known */
	bool indirect;		/* reached through a symlink or "..": path is not the file's own */
	struct asuser_stat st;	/* as the reader saw it */
	unsigned char sha256[32];	/* of the bytes read (error 0) */
};

struct client_config_option {
	char *keyword;		/* as written */
	char **args;		/* NULL-terminated */
	const char *file;	/* one of the files' paths */
	size_t file_index;	/* that file's index in files[] */
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
	CCD_UNREADABLE,		/* exists, cannot be read (error); on an Include line: its pattern cannot be expanded */
	CCD_TOO_LARGE,		/* larger than CONFIG_MAX: not read */
	CCD_NUL,		/* a line holds a NUL byte: ssh reads it only up to there */
	CCD_TOO_MANY_WORDS,	/* more than SSHD_CONFIG_WORDS_MAX words on one line: not read */
	CCD_TOO_MANY_FILES,	/* at this Include, the limits above were reached: nothing more was read */
};

struct client_config_diag {
	enum client_config_diag_kind kind;
	const char *file;
	size_t file_index;	/* in files[] */
	unsigned line;		/* 0: the whole file */
	char *keyword;		/* the line's first word as written (CCD_NO_ARGUMENT), or NULL */
	int error;		/* CCD_UNREADABLE: -errno */
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
 * Read path and its Includes through rd.  A missing path gives an empty
 * config; files that cannot be read or parsed become diags.  Returns 0 (the
 * caller owns *ret), -ENOMEM, or the reader's failure (asuser_read()).
 */
int client_config_load(struct asuser *rd, const char *path, const struct client_config_context *ctx,
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

/*
 * A word from a file as a report may show it: quoted and escaped when it
 * looks like a keyword (letters, digits, '-' and '_', at most 40 bytes; the
 * longest of ssh's is 31), else NULL: then it is not shown at all.  A line
 * of /etc/passwd, /etc/shadow or a private key never looks like one, and a
 * cut-off piece of it would still be a piece of a secret.  Caller frees.
 */
char *client_config_keyword_display(const char *word);

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

/*
 * The option a line of ssh -G output means, or NULL.  ssh's text is not
 * trusted as a path (a file name may hold a newline and forge a line): its
 * FILE must be, byte for byte, a file this loader read, and that file's line
 * N must be an option whose keyword is KEYWORD (case-insensitively).
 */
const struct client_config_option *client_config_match_bad_option(const struct client_config *c,
								  const struct client_config_bad_option *b);
