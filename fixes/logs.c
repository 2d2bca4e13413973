/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * logs: what the target's sshd said, as evidence (issue 14, src/logs.h).
 *
 * Runs after every other server family (fix.after): each log line that is
 * a message of the table (src/messages.h) becomes evidence of the findings
 * it names ("log /var/log/auth.log: ... Authentication refused: bad
 * ownership or modes for directory /home/alice"), and so nothing sshd said
 * is lost, each message no finding explains is reported once:
 *
 *  - log-unexplained: a message of the table whose causes none of the
 *    findings are, or an "error:" or "fatal:" line of sshd's that is none
 *    of the table's.  It may be history (a problem since fixed: the logs
 *    go back to sshd's last start), or something sshfix does not check.
 *    Report only, and history: it does not change the exit status (after
 *    a repair the old lines are still there until sshd starts again).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixes.h"
#include "logs.h"
#include "run.h"
#include "util.h"

#define EVIDENCE_PER_FINDING 3
#define UNEXPLAINED_MAX 10

/* This family's problems: each code is its row's index in logs_problems[]. */
enum problem_code {
	PR_LOG_UNEXPLAINED,
};

static const struct problem logs_problems[] = {
	{ PR_LOG_UNEXPLAINED, "log-unexplained", SEV_INFO, PF_REPORT_ONLY | PF_HISTORY, "{path}: {detail}",
	  "sshd (or PAM, TCP wrappers, fail2ban, SELinux) logged this since it last started, and no finding of this "
	  "run explains it: it may be history (a problem fixed since), a runtime state sshfix cannot see (MaxStartups, "
	  "PerSourcePenalties: a restart of sshd clears them), or something sshfix does not check. It is shown so "
	  "that nothing sshd said is lost." },
	{ .id = NULL },
};

/* Every server family above this one in fixes/families.def: their findings are what the logs are matched to. */
#define FAMILY(name) &fix_##name,
#define LAST_FAMILY(name)
#define CLIENT_FAMILY(name)
static const struct fix *const logs_after[] = {
#include "families.def"
	NULL,
};
#undef FAMILY
#undef LAST_FAMILY
#undef CLIENT_FAMILY

static size_t log_evidence(const struct finding *f)
{
	size_t n = 0;
	for (size_t i = 0; f->evidence && f->evidence[i]; i++)
		n += startswith(f->evidence[i], "log ");
	return n;
}

/*
 * Is a line that names a file about f?  The first absolute path in it (in
 * an audit record, the object: name="/..."; profile="/usr/sbin/sshd" is
 * the subject) must be f's path, or be named in f's detail ("alice's shell
 * /bin/zsh") or in evidence the check gave it (the keys files a stale
 * file_contexts.homedirs mislabels); a line that names no file ("no
 * hostkeys available") is about every finding its message names.
 */
static bool about(const struct finding *f, const char *text)
{
	const char *p = strstr(text, " /"), *q = strstr(text, "'/"), *name = strstr(text, " name=\"/");
	if (!p || (q && q < p))
		p = q;
	if (name)
		p = name + 6;	/* the '"' before the path, stepped over below as the ' or ' ' is */
	if (!p)
		return true;
	p++;
	size_t n = strcspn(p, " '\":,;()");
	if (n < 2)
		return true;
	_cleanup_free_ char *path = strndup(p, n);
	if (!path)
		return false;
	if ((f->path && (streq(f->path, path) || strstr(f->path, path))) || (f->detail && strstr(f->detail, path)))
		return true;
	for (size_t i = 0; f->evidence && f->evidence[i]; i++)
		if (!startswith(f->evidence[i], "log ") && strstr(f->evidence[i], path))
			return true;
	return false;
}

static bool already(const struct finding *f, const char *shown)
{
	for (size_t i = 0; f->evidence && f->evidence[i]; i++)
		if (startswith(f->evidence[i], "log ") && strstr(f->evidence[i], shown))
			return true;
	return false;
}

/* Attach line to the findings it is evidence of; *ret_explained when a finding is among its causes. */
static int attach(struct run *run, const struct log_line *line, bool *ret_explained)
{
	*ret_explained = false;
	for (size_t i = 0; i < run->n_findings; i++) {
		struct finding *f = run->findings[i];
		if (!line->row || !msg_has_cause(line->row, f->problem->id))
			continue;
		*ret_explained = true;
		/* the part after the syslog prefix: the same message at another time is no new evidence;
		 * an AVC from "avc:" on, as the kernel's audit line and auditd's carry the same record */
		const char *msg = strstr(line->text, "]: ");
		msg = msg ? msg + 3 : line->text;
		const char *avc = strstr(msg, "avc:  denied");
		msg = avc ? avc : msg;
		_cleanup_free_ char *shown = escape_display_trunc(line->text, 300), *key = escape_display_trunc(msg, 300);
		if (!shown || !key)
			return -ENOMEM;
		if (!about(f, msg) || log_evidence(f) >= EVIDENCE_PER_FINDING || already(f, key))
			continue;
		if (finding_add_evidence(f, "log %s: %s", line->source, shown) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* What makes two lines the same message: the row, else the text after "]: ". */
static const char *message_key(const struct log_line *l)
{
	if (l->row)
		return l->row->id;
	const char *k = strstr(l->text, "]: ");
	return k ? k + 3 : l->text;
}

static int logs_detect(struct run *run)
{
	const struct logs *l;
	const char *keys[UNEXPLAINED_MAX];
	struct finding *made[UNEXPLAINED_MAX];
	unsigned counts[UNEXPLAINED_MAX];
	size_t n_keys = 0;
	int r;

	if ((r = logs_get(run, &l)) < 0)
		return r;
	for (size_t i = 0; l->not_read && l->not_read[i]; i++)
		if ((r = model_note(&run->model, "logs: not read: %s", l->not_read[i])) < 0)
			return r;
	/* which sources, and how (the journal: the target's journalctl, or sshfix's own reader) */
	for (size_t i = 0; run->opt.verbose && l->read && l->read[i]; i++)
		if ((r = model_note(&run->model, "logs: read: %s", l->read[i])) < 0)
			return r;
	/* the window the lines come from, for "said N times ..." */
	char window[64] = "since sshd last started";
	time_t since = (time_t) run->opt.since;
	struct tm tm;
	if (run->opt.since > 0 && gmtime_r(&since, &tm))
		strftime(window, sizeof(window), "since %Y-%m-%d %H:%M UTC (--since)", &tm);
	for (size_t i = 0; i < l->n; i++) {
		const struct log_line *line = &l->lines[i];
		bool explained;
		if ((r = attach(run, line, &explained)) < 0)
			return r;
		if (explained || !(line->row || line->error))
			continue;
		const char *key = message_key(line);
		size_t k;
		for (k = 0; k < n_keys && !streq(keys[k], key); k++)
			;
		if (k < n_keys) {
			/* the same message again: the last one stands for it (the report escapes the detail) */
			_cleanup_free_ char *shown = strdup_trunc(line->text, 300);
			counts[k]++;
			if (!shown || finding_set_detail(made[k], "said %u times %s; the last: %s", counts[k], window, shown) < 0)
				return -ENOMEM;
			continue;
		}
		if (n_keys >= UNEXPLAINED_MAX)
			continue;
		struct finding *f = run_add_finding(run, &logs_problems[PR_LOG_UNEXPLAINED], line->source, NULL);
		_cleanup_free_ char *shown = strdup_trunc(line->text, 300);
		if (!f || !shown || finding_set_detail(f, "%s", shown) < 0)
			return -ENOMEM;
		if (line->row && finding_add_evidence(f, "this is \"%s\": %s; its causes: %s", line->row->id,
						      line->row->meaning, line->row->causes) < 0)
			return -ENOMEM;
		keys[n_keys] = key;
		made[n_keys] = f;
		counts[n_keys++] = 1;
	}
	return 0;
}

const struct fix fix_logs = {
	.id = "logs",
	.summary = "what the target's sshd, PAM, TCP wrappers, fail2ban and SELinux logged since sshd last started, as evidence",
	.rules = "RULES §12.3",
	.problems = logs_problems,
	.detect = logs_detect,
	.after = logs_after,
};
