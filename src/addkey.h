/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshfix --add-key USER (KEY | --key-file FILE): how a person who lost their
 * key gets back in.  The key is checked before any target is opened (a
 * private key is refused and never stored), then appended to the user's
 * first AuthorizedKeysFile through the journal, so --dry-run shows the diff
 * and --undo removes it.  See sshfix(8), "ADDING A KEY".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "run.h"

struct addkey_request {
	const char *user;
	char *line;		/* the key as one authorized_keys line, without sshfix's tag */
	char *repairs;		/* what was repaired in the pasted text, or NULL */
	/* Its parts: the report names the key; the keys files are searched for its blob. */
	const char *type;	/* "ssh-ed25519", ... (static) */
	char *fingerprint;	/* "SHA256:..." */
	char *comment;		/* or NULL */
	unsigned char *blob;
	size_t blob_len;
};

/*
 * Read the key from the KEY words (joined with spaces: an unquoted key
 * arrives as several) or from file ("-" is standard input), and check it.
 * Prints why on stderr and returns the exit status when it is not one
 * public key sshd can use (EXIT_USAGE; a private key is refused and its text
 * wiped from memory and from the words, never printed; argv, NULL-terminated,
 * may be given to wipe it there too, from /proc/PID/cmdline) or when FILE
 * cannot be read (EXIT_ERROR); returns 0 with *ret filled otherwise.
 */
unsigned addkey_prepare(char **words, size_t n_words, const char *file, const char *user, char **argv,
			struct addkey_request *ret);
void addkey_request_done(struct addkey_request *r);

/*
 * A private key among the arguments (NULL-terminated argv, its words
 * joined with spaces as a shell splits an unquoted paste)?  The option
 * parser meets one first when it begins with "-----BEGIN".
 */
bool addkey_argv_has_private_key(char **argv);
/* Say why it is refused, without showing it; wipe argv[1..]; EXIT_USAGE. */
unsigned addkey_refuse_private(char **argv);

/*
 * Add the key on run's target through the engine, as --apply repairs
 * (run->opt.mode MODE_DRY_RUN: plan and show only): that user's key paths
 * and keys files are examined before and, when the key was added, after.
 * Prints the report (or JSON) on stdout; returns the exit status bits.
 */
unsigned addkey_run(struct run *run, const struct addkey_request *req);
