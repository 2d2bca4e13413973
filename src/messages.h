/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The message table (issue 14): one row per message that sshd,
 * sshd-session, PAM, fail2ban, the audit log or the ssh client writes on
 * the way to a login, with the OpenSSH versions that write it and what it
 * is evidence for.  Server rows tie a log line to the problem ids that
 * explain it (src/logs.h attaches such lines to findings); client rows tie
 * what a person saw to its causes, most likely first (src/explain.h).
 *
 * A pattern is the message as the program prints it, with '*' for the
 * variable parts; it matches anywhere in a line (a syslog or journal prefix
 * comes before it).  A cause is a problem id, or, after a '!', a cause that
 * lies outside the machine (a cloud firewall, the client's own network),
 * said in words.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum msg_side {
	MSG_SERVER,	/* sshd, sshd-session, PAM, fail2ban, the kernel's audit */
	MSG_CLIENT,	/* what ssh prints on the connecting side */
};

/* Where a client's exchange stopped (RULES §12.3). */
enum msg_stage {
	STAGE_NONE,
	STAGE_TCP,	/* no TCP connection: refused, timed out, no route */
	STAGE_BANNER,	/* connected, but the server said nothing or hung up before its banner */
	STAGE_KEX,	/* banner exchanged, key exchange failed */
	STAGE_AUTH,	/* authentication refused */
	STAGE_SESSION,	/* authenticated, then the session ended */
};

struct msg_row {
	const char *id;		/* stable, kebab-case */
	enum msg_side side;
	const char *program;	/* "sshd", "sshd-session", "pam", "fail2ban", "audit", "ssh" */
	const char *pattern;
	unsigned since, until;	/* OpenSSH versions as 100 * major + minor (902 = 9.2); 0: any */
	enum msg_stage stage;	/* client rows: where the exchange stopped */
	const char *causes;	/* space-separated problem ids, or "!words_with_underscores" */
	const char *meaning;	/* one line for the report */
};

extern const struct msg_row msg_table[];
extern const size_t msg_table_size;

/* Does line hold the row's pattern? */
bool msg_match(const struct msg_row *row, const char *line, size_t len);

/*
 * The first row of side that matches line (server rows for OpenSSH version
 * ver, 0: any), or NULL.  Rows are ordered most specific first.
 */
const struct msg_row *msg_find(enum msg_side side, unsigned ver, const char *line, size_t len);

/* Does row name problem id among its causes? */
bool msg_has_cause(const struct msg_row *row, const char *id);

const char *msg_stage_name(enum msg_stage s);
