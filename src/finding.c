/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "fix.h"
#include "keyfiles.h"
#include "run.h"
#include "util.h"

const char *severity_name(enum severity s)
{
	switch (s) {
	case SEV_INFO:
		return "info";
	case SEV_WARNING:
		return "warning";
	case SEV_ERROR:
		return "error";
	}
	return "unknown";
}

const char *problem_flag_name(const struct problem *p)
{
	return (p->flags & PF_SAFE_AUTO)       ? "safe-auto"
	       : (p->flags & PF_NEEDS_CONFIRM) ? "needs-confirm"
					       : "report-only";
}

const char *finding_status_name(enum finding_status s)
{
	static const char *const names[] = {
		[FS_FOUND] = "found",		 [FS_REPORTED] = "reported",
		[FS_WOULD_FIX] = "would-fix",	 [FS_NEEDS_CONFIRM] = "needs-confirmation",
		[FS_DECLINED] = "declined",	 [FS_FIXED] = "fixed",
		[FS_FAILED] = "failed",
	};
	return (size_t) s < ELEMENTSOF(names) ? names[s] : "unknown";
}

void finding_set_data(struct finding *f, void *data, void (*data_free)(void *data))
{
	if (f->data_free)
		f->data_free(f->data);
	f->data = data;
	f->data_free = data_free;
}

void finding_done(struct finding *f)
{
	if (f->data_free)
		f->data_free(f->data);
	free(f->path);
	free(f->user);
	free(f->detail);
	free(f->action);
	strv_free(f->evidence);
	free(f->status_reason);
	*f = (struct finding) {0};
}

void finding_free(struct finding *f)
{
	if (!f)
		return;
	finding_done(f);
	free(f);
}

char *finding_message(const struct finding *f)
{
	struct buf b = {0};

	for (const char *p = f->problem->message; *p;) {
		const char *v = NULL;
		size_t skip = 0;

		if (startswith(p, "{path}"))
			v = f->path, skip = 6;
		else if (startswith(p, "{user}"))
			v = f->user, skip = 6;
		else if (startswith(p, "{detail}"))
			v = f->detail, skip = 8;
		else if (startswith(p, "{line}")) {
			buf_printf(&b, "%u", f->line);
			p += 6;
			continue;
		}
		if (skip) {
			_cleanup_free_ char *e = escape_display(v ? v : "?");
			buf_puts(&b, e ? e : "?");
			p += skip;
		} else
			buf_putc(&b, *p++);
	}
	return buf_steal(&b);
}

int fix_repair_perms(struct run *run, struct finding *f)
{
	return journal_set_perms(run->journal, f->path, f->want.mode, f->want.uid, f->want.gid);
}

int fix_subject_keys_owner(struct run *run, const struct finding *f, struct journal_subject *ret)
{
	const struct accounts *a = &run->model.accounts;
	const struct pw_entry *pw = f->user ? accounts_user_by_name(a, f->user) : NULL;
	char **paths = NULL;
	int r;

	if (!pw)
		return 0;	/* a finding about the configuration itself */
	r = keyfiles_paths(run->model.sshd, a, pw, &paths);
	if (r < 0)
		return r;
	*ret = (struct journal_subject) {
		.uid = pw->uid, .gid = pw->gid, .name = pw->name, .home = pw->dir, .accounts = a, .paths = paths,
	};
	return 1;
}

struct finding *run_add_finding(struct run *run, const struct problem *p, const char *path, const char *user)
{
	struct finding **nv, *f;

	nv = reallocarray(run->findings, run->n_findings + 1, sizeof(*nv));
	if (!nv)
		return NULL;
	run->findings = nv;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	*f = (struct finding) {
		.problem = p,
		.fix = NULL,
		.want = PERMS_KEEP,
		.status = FS_FOUND,
	};
	f->fix = fix_of_problem(f->problem);
	f->path = strdup_or_null(path);
	f->user = strdup_or_null(user);
	if ((path && !f->path) || (user && !f->user)) {
		finding_free(f);
		return NULL;
	}
	nv[run->n_findings++] = f;
	return f;
}

static int vappend(char ***v, const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return -ENOMEM;
	return strv_push(v, s);
}

int finding_add_evidence(struct finding *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vappend(&f->evidence, fmt, ap);
	va_end(ap);
	return r;
}

int finding_left_alone(struct finding *f, int r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	int k = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (k < 0)
		return -ENOMEM;
	free(f->status_reason);
	f->status_reason = s;
	return r;
}

int finding_set_detail(struct finding *f, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	free(f->detail);
	f->detail = s;
	return 0;
}

void run_error(struct run *run, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	fprintf(run->err, "sshfix: %s\n", s ? s : "out of memory");
	if (s)
		(void) strv_push(&run->errors, s);
	run->exit_flags |= EXIT_ERROR;
}

int model_note(struct model *m, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vappend(&m->notes, fmt, ap);
	va_end(ap);
	return r;
}
