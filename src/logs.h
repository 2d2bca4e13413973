/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's logs as evidence (issue 14), read-only and bounded: what
 * sshd, sshd-session, PAM, libwrap and fail2ban said, and the kernel's AVC
 * denials for sshd_t.
 *
 * Sources, each read from its end, at most LOG_TAIL_MAX bytes:
 * /var/log/auth.log (Debian), /var/log/secure (EL), /var/log/messages, the
 * first rotated copy of each (".1", uncompressed), /var/log/fail2ban.log,
 * /var/log/audit/audit.log; and the systemd journal in /var/log/journal,
 * through the target's own journalctl run in the sandbox (its last
 * LOG_JOURNAL_LINES lines of sshd, sshd-session and fail2ban), else not
 * at all -- the report says which.  Of the text files only the lines since
 * sshd last started ("Server listening on") count, or, when it never did,
 * the last LOG_LINES_MAX of its lines: what the last boot said.
 *
 * Each line kept is matched against the server rows of the message table
 * (src/messages.h).  Nothing here writes; secrets do not appear in these
 * logs, and every line is shown escaped.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "messages.h"

struct run;

/* 2 MiB: tens of thousands of lines, and a scan stays within its 8 MiB of memory */
#define LOG_TAIL_MAX (2u << 20)
#define LOG_LINES_MAX 4000
#define LOG_JOURNAL_LINES 4000

struct log_line {
	char *text;			/* the line as logged, without its newline */
	const char *source;		/* "/var/log/auth.log", "the journal" (static) */
	const struct msg_row *row;	/* the message it is, or NULL */
	bool error;			/* sshd's words for a failure of its own ("error:", "fatal:"; not [preauth]) */
};

struct logs {
	struct log_line *lines;
	size_t n;
	char **read;			/* the sources read: "/var/log/auth.log (last 2.1 MB)" */
	char **not_read;		/* and why not: "the journal: the target's journalctl cannot run here (...)" */
};

/* The target's logs, read on first use and kept in the model.  Returns 0 with *ret (owned by the model), or -ENOMEM. */
int logs_get(struct run *run, const struct logs **ret);
void logs_free(struct logs *l);

/*
 * Keep the lines of text (len bytes, a log's tail) that sshd and its
 * helpers wrote, matched against the table for OpenSSH version ver; pure,
 * for tests.  since_start: only those after sshd's last "Server listening
 * on".  Returns 0 or -ENOMEM.
 */
int logs_add_text(struct logs *l, const char *source, const char *text, size_t len, unsigned ver, bool since_start);
