/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_edit.h"
#include "util.h"

/* Byte range [start, end) of line n (1-based), without its '\n'. */
static int line_span(const char *d, size_t len, unsigned n, size_t *ret_start, size_t *ret_end)
{
	size_t start = 0;

	if (n == 0)
		return -ERANGE;
	for (unsigned k = 1; k < n; k++) {
		const char *nl = memchr(d + start, '\n', len - start);
		if (!nl)
			return -ERANGE;
		start = (size_t) (nl - d) + 1;
	}
	/* Nothing follows the last '\n': no line there, and an empty file has no line 1. */
	if (start >= len)
		return -ERANGE;
	const char *nl = memchr(d + start, '\n', len - start);
	*ret_start = start;
	*ret_end = nl ? (size_t) (nl - d) : len;
	return 0;
}

/* Splice: content[0, start) + text + content[end, len), then plan it. */
static int plan_splice(struct journal *j, const char *canon, const char *d, size_t len, size_t start, size_t end,
		       const char *text, size_t tlen)
{
	struct buf b = {0};
	int r;

	buf_append(&b, d, start);
	buf_append(&b, text, tlen);
	buf_append(&b, d + end, len - end);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	r = journal_write_file(j, canon, b.data, b.len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
	buf_done(&b);
	return r;
}

/* The file's canonical path and its content as planned so far. */
static int load(struct target *t, struct journal *j, const char *path, char **ret_canon, char **ret_data,
		size_t *ret_len)
{
	struct target_path tp = {0};
	int r;

	/* /etc/ssh/sshd_config may be a root-owned link (NixOS, config
	 * management); a link a user owns is never followed. */
	r = target_resolve(t, path, TR_ROOT_SYMLINKS_ONLY, &tp, NULL);
	if (r < 0)
		return r;
	r = journal_read_current(j, tp.canon, ret_data, ret_len);
	if (r == 0)
		*ret_canon = TAKE_PTR(tp.canon);
	target_path_done(&tp);
	return r;
}

int config_comment_out(struct target *t, struct journal *j, const char *path, unsigned line, const char *reason)
{
	_cleanup_free_ char *canon = NULL, *d = NULL;
	size_t len, start, end, mlen = strlen(CONFIG_EDIT_MARKER);
	struct buf b = {0};
	int r;

	if (!reason || strchr(reason, '\n'))
		return -EINVAL;
	r = load(t, j, path, &canon, &d, &len);
	if (r < 0)
		return r;
	r = line_span(d, len, line, &start, &end);
	if (r < 0)
		return r;
	if (end - start >= mlen && memcmp(d + start, CONFIG_EDIT_MARKER, mlen) == 0)
		return 1;
	/* The original bytes follow the marker unchanged: removing the
	 * prefix by hand gives the line back. */
	buf_printf(&b, "%s%s: ", CONFIG_EDIT_MARKER, reason);
	buf_append(&b, d + start, end - start);
	r = buf_ok(&b) ? plan_splice(j, canon, d, len, start, end, b.data, b.len) : -ENOMEM;
	buf_done(&b);
	return r;
}

int config_read_line(struct target *t, struct journal *j, const char *path, unsigned line, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *canon = NULL, *d = NULL;
	size_t len, start, end;
	int r;

	r = load(t, j, path, &canon, &d, &len);
	if (r < 0)
		return r;
	r = line_span(d, len, line, &start, &end);
	if (r < 0)
		return r;
	*ret = malloc(end - start + 1);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, d + start, end - start);
	(*ret)[end - start] = '\0';
	*ret_len = end - start;
	return 0;
}

int config_replace_line(struct target *t, struct journal *j, const char *path, unsigned line, const char *text)
{
	_cleanup_free_ char *canon = NULL, *d = NULL;
	size_t len, start, end;
	int r;

	if (!text || strchr(text, '\n'))
		return -EINVAL;
	r = load(t, j, path, &canon, &d, &len);
	if (r < 0)
		return r;
	r = line_span(d, len, line, &start, &end);
	if (r < 0)
		return r;
	return plan_splice(j, canon, d, len, start, end, text, strlen(text));
}

int config_insert_line(struct target *t, struct journal *j, const char *path, unsigned before, const char *text)
{
	_cleanup_free_ char *canon = NULL, *d = NULL, *with_nl = NULL;
	size_t len, start, end;
	int r;

	if (!text || strchr(text, '\n') || before == 0)
		return -EINVAL;
	r = load(t, j, path, &canon, &d, &len);
	if (r < 0)
		return r;
	if (line_span(d, len, before, &start, &end) < 0) {
		/* Past the end: append, ending the last line first if it had no newline. */
		bool need_nl = len > 0 && d[len - 1] != '\n';
		if (asprintf(&with_nl, "%s%s\n", need_nl ? "\n" : "", text) < 0)
			return -ENOMEM;
		return plan_splice(j, canon, d, len, len, len, with_nl, strlen(with_nl));
	}
	if (asprintf(&with_nl, "%s\n", text) < 0)
		return -ENOMEM;
	return plan_splice(j, canon, d, len, start, start, with_nl, strlen(with_nl));
}
