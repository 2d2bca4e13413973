/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's logs as evidence (issue 14), read-only and bounded: what
 * sshd, sshd-session, PAM, libwrap and fail2ban said, and the kernel's AVC
 * denials for sshd_t.
 *
 * Sources, each read from its end, at most LOG_TAIL_MAX bytes:
 * /var/log/auth.log (Debian), /var/log/secure (EL), /var/log/messages, the
 * first rotated copy of each (".1", uncompressed), /var/log/kern.log (the
 * kernel's AppArmor denials), /var/log/fail2ban.log, /var/log/audit/audit.log; and the systemd journal in /var/log/journal,
 * through the target's own journalctl run in the sandbox (its last
 * LOG_JOURNAL_LINES lines of sshd, sshd-session, fail2ban and the kernel),
 * else through sshfix's own reader of the journal file format
 * (src/sdjournal.h: uncompressed messages only) -- the report says which.  Of the text files only the lines since
 * sshd last started ("Server listening on") count, or, when it never did,
 * the last LOG_LINES_MAX of its lines: what the last boot said.  With
 * --since, the lines stamped since then, across restarts (still at most
 * LOG_LINES_MAX of each source, from the end).
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

/*
 * 1 MiB: some 8,000 syslog lines, twice LOG_LINES_MAX when every other line
 * is sshd's, and a scan with big logs stays near its 8 MiB of memory (the
 * tail is held while its lines are copied out of it).
 */
#define LOG_TAIL_MAX (1u << 20)
#define LOG_LINES_MAX 4000
#define LOG_JOURNAL_LINES 4000
#define JOURNAL_FILES_MAX 64	/* without journalctl: at most this many journal files */

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
 * for tests.  since > 0: only the lines stamped since then (UTC seconds;
 * a line whose stamp cannot be read is kept), now: the clock, for the
 * year a syslog stamp leaves out; else since_start: only those after sshd's
 * last "Server listening on".  Returns 0 or -ENOMEM.
 */
int logs_add_text(struct logs *l, const char *source, const char *text, size_t len, unsigned ver, bool since_start,
		  long long since, long long now);

/*
 * The time a log line was written (UTC seconds), or -1: an RFC 3339 stamp
 * (rsyslog's default since Debian 12, journalctl -o short-iso), a
 * traditional syslog one ("Dec  7 02:57:45": the year is now's, or the one
 * before when that would be in the future), fail2ban's "2026-12-07
 * 02:57:45,123", or the audit log's "msg=audit(1765076265.123:42)".  Stamps
 * without a zone are taken as UTC: off by the target's zone at most.
 */
long long logs_line_time(const char *line, size_t len, long long now);

/*
 * --since WHEN: "2d", "12h", "30m" (before now), or a UTC date
 * "2026-12-07", "2026-12-07 02:57[:45]", "2026-12-07T02:57:45".  Returns 0
 * with *ret, or -EINVAL.
 */
int logs_parse_since(const char *when, long long now, long long *ret);
