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

/* One cause: a problem id sshfix checks, or "!words" outside what it sees. */
struct explain_cause {
	char id[96];
	bool outside;
	const char *check;		/* the family that decides it */
	const struct finding *found;	/* its finding on the target, or NULL */
};

/* What the text says, and the causes, most likely first. */
struct explanation {
	struct transcript tr;
	enum msg_stage stage;		/* where it stopped: the transcript's, else the first message's */
	struct {
		char *line;		/* the client's line (at most 200 bytes) */
		const struct msg_row *row;
	} said[16];
	size_t n_said;
	struct explain_cause causes[64];
	size_t n_causes;
	const struct finding *answer;	/* the first cause found on the target */
	bool checked;
};

/*
 * Explain text.  run: the target's findings (engine_detect() done), or NULL
 * when the checks could not run.  Returns 0, 1 when no line of text is a
 * message sshfix knows (nothing to free), or -ENOMEM.
 */
int explain_compute(const struct run *run, const char *text, size_t len, struct explanation *ret);
void explain_done(struct explanation *e);
/* How many client messages the table knows (for "does not know this message"). */
size_t explain_n_client_messages(void);

/* Print e as text or as one JSON object; why_no_checks says why run is NULL.  Returns 0 or -errno. */
int explain_print(const struct run *run, const char *why_no_checks, const struct explanation *e, FILE *out);
int explain_print_json(const struct run *run, const char *why_no_checks, const struct explanation *e, FILE *out);
