/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshfix --explain (issue 14): what the person at the client saw, turned
 * into causes, most likely first, each with the check that decides it.
 *
 * The text is a message ("Connection timed out") or a whole "ssh -vvv"
 * transcript; every line is matched against the client rows of the message
 * table (src/messages.h), and a transcript also says where the exchange
 * stopped: before the TCP connection, before the server's banner, during
 * key exchange, during authentication (which methods the server offered,
 * whether a key was offered and accepted), or after it.  Causes that
 * belong to a stage the exchange got past are ruled out and said so.
 *
 * With the checks run on the target (run->findings), each cause is looked
 * up among the findings: the first one found is the answer ("It is: ...").
 */
#pragma once

#include <stdio.h>

#include "messages.h"

struct run;

/* What a transcript says about the exchange. */
struct transcript {
	enum msg_stage stopped;	/* where it stopped, STAGE_NONE when the text does not tell */
	bool is_transcript;	/* ssh -v output, not a bare message */
	bool key_offered, key_accepted;
	char methods[128];	/* "Authentications that can continue: publickey,password" */
};

/* Read a transcript's stage markers (debug1 lines of OpenSSH 8-10). */
void explain_read_transcript(const char *text, size_t len, struct transcript *ret);

/*
 * Print the explanation of text to out.  run: the target's findings
 * (engine_detect() done), or NULL when the checks could not run (then
 * why_no_checks says why).  Returns 0, 1 when no line of text is a message
 * sshfix knows, or -errno.
 */
int explain_print(const struct run *run, const char *why_no_checks, const char *text, size_t len, FILE *out);
