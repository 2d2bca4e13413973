/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Edits of sshd_config's listen lines (see the header); moved here from fixes/listen.c. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_edit.h"
#include "listen_edit.h"
#include "util.h"

bool listen_edit_plain(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr(".:-_%[]", *p)))
			return false;
	return true;
}

int listen_edit_set(struct run *run, const struct sshd_option *o, const char *value)
{
	_cleanup_free_ char *old = NULL, *text = NULL;
	size_t len;
	int r;

	r = config_read_line(run->target, run->journal, o->file, o->line, &old, &len);
	if (r < 0)
		return r;
	size_t ind = strspn(old, " \t");
	if (asprintf(&text, "%.*s%s %s", (int) ind, old, o->keyword, value) < 0)
		return -ENOMEM;
	return config_replace_line(run->target, run->journal, o->file, o->line, text);
}

int listen_edit_action(struct finding *f, const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;

	if (f->action) {
		buf_puts(&b, f->action);
		buf_puts(&b, "; ");
	}
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	free(f->action);
	f->action = buf_steal(&b);
	return 0;
}

char *listen_edit_where(const struct finding *f, const struct sshd_option *o)
{
	bool same = streq_ptr(f->path, o->file);
	char *s;

	if (asprintf(&s, "%s%sline %u", same ? "" : o->file, same ? "" : " ", o->line) < 0)
		return NULL;
	return s;
}

int listen_edit_comment(struct run *run, struct finding *f, const struct sshd_option *o, const char *reason)
{
	_cleanup_free_ char *w = listen_edit_where(f, o);
	int r = config_comment_out(run->target, run->journal, o->file, o->line, reason);

	if (r < 0)
		return r;
	return w ? listen_edit_action(f, "comment out %s", w) : -ENOMEM;
}
