/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flags the ssh service hands sshd (see the header).  Sources:
 * systemd's src/basic/env-file.c (parse_env_file_internal's states) and
 * extract_first_word(EXTRACT_UNQUOTE|EXTRACT_RELAX) for $VAR in ExecStart=.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "sshd_cmdline.h"
#include "units.h"
#include "util.h"

#define UNIT_MAX (1u << 20)

/* ------------------------------------------------------------ EnvironmentFile= */

int sshd_cmdline_env_assignment(const char *text, size_t len, const char *var, char **ret_value, unsigned *ret_first,
				unsigned *ret_last, bool *ret_expansion)
{
	enum { PRE_KEY, KEY, PRE_VALUE, VALUE, VALUE_ESC, SQ, DQ, DQ_ESC, COMMENT, COMMENT_ESC } st = PRE_KEY;
	struct buf key = {0}, val = {0};
	_cleanup_free_ char *found = NULL;
	size_t trim = SIZE_MAX, vlen = strlen(var);
	unsigned line = 1, first = 1, found_line = 0, found_last = 0;
	bool expansion = false, found_exp = false, have = false;
	int r = 0;

	for (size_t i = 0; i <= len && r == 0; i++) {
		char c = i < len ? text[i] : '\n';
		bool nl = c == '\n', end = false;

		switch (st) {
		case PRE_KEY:
			if (c == '#' || c == ';')
				st = COMMENT;
			else if (!isspace((unsigned char) c)) {
				st = KEY;
				first = line;
				key.len = 0;
				buf_putc(&key, c);
			}
			break;
		case KEY:
			if (nl)
				st = PRE_KEY;
			else if (c == '=') {
				st = PRE_VALUE;
				val.len = 0;
				if (val.data)
					val.data[0] = '\0';
				trim = SIZE_MAX;
				expansion = false;
			} else
				buf_putc(&key, c);
			break;
		case PRE_VALUE:
			if (nl)
				end = true;
			else if (c == '\'')
				st = SQ;
			else if (c == '"')
				st = DQ;
			else if (c == '\\')
				st = VALUE_ESC;
			else if (c != ' ' && c != '\t') {
				st = VALUE;
				expansion |= c == '$' || c == '`';
				buf_putc(&val, c);
			}
			break;
		case VALUE:
			if (nl) {
				if (trim != SIZE_MAX)
					val.len = trim;
				end = true;
			} else if (c == '\\') {
				st = VALUE_ESC;
				trim = SIZE_MAX;
			} else {
				if (c != ' ' && c != '\t')
					trim = SIZE_MAX;
				else if (trim == SIZE_MAX)
					trim = val.len;
				expansion |= c == '$' || c == '`';
				buf_putc(&val, c);
			}
			break;
		case VALUE_ESC:
			st = VALUE;
			if (!nl)
				buf_putc(&val, c);
			break;
		case SQ:
			if (c == '\'')
				st = PRE_VALUE;
			else
				buf_putc(&val, c);
			break;
		case DQ:
			if (c == '"')
				st = PRE_VALUE;
			else if (c == '\\')
				st = DQ_ESC;
			else {
				expansion |= c == '$' || c == '`';
				buf_putc(&val, c);
			}
			break;
		case DQ_ESC:
			st = DQ;
			if (strchr("\"\\`$", c) && c)
				buf_putc(&val, c);
			else if (!nl) {
				buf_putc(&val, '\\');
				buf_putc(&val, c);
			}
			break;
		case COMMENT:
			if (c == '\\')
				st = COMMENT_ESC;
			else if (nl)
				st = PRE_KEY;
			break;
		case COMMENT_ESC:
			st = COMMENT;
			break;
		}
		if (end) {
			st = PRE_KEY;
			size_t kn = key.len;
			while (kn > 0 && (key.data[kn - 1] == ' ' || key.data[kn - 1] == '\t'))
				kn--;
			if (kn == vlen && strncmp(key.data, var, kn) == 0) {
				free(found);
				found = val.len ? strndup(val.data, val.len) : NULL;
				if (val.len && !found)
					r = -ENOMEM;
				found_line = first;
				found_last = line;
				found_exp = expansion;
				have = true;
			}
		}
		if (nl)
			line++;
		if (!buf_ok(&key) || !buf_ok(&val))
			r = -ENOMEM;
	}
	buf_done(&key);
	buf_done(&val);
	if (r < 0)
		return r;
	if (!have)
		return 0;
	*ret_value = TAKE_PTR(found);
	*ret_first = found_line;
	*ret_last = found_last;
	*ret_expansion = found_exp;
	return 1;
}

/* $VAR in ExecStart= is split at white space, honouring quotes and backslashes (EXTRACT_UNQUOTE|EXTRACT_RELAX). */
int sshd_cmdline_split(const char *s, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;

	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	for (const char *p = s;;) {
		p += strspn(p, " \t\n\r");
		if (!*p)
			break;
		struct buf w = {0};
		char q = 0;
		for (; *p; p++) {
			if (!q && strchr(" \t\n\r", *p))
				break;
			if (*p == '\\' && p[1])
				buf_putc(&w, *++p);
			else if (!q && (*p == '\'' || *p == '"'))
				q = *p;
			else if (q && *p == q)
				q = 0;
			else
				buf_putc(&w, *p);
		}
		if (!buf_ok(&w) || strv_push(&v, w.data ? buf_steal(&w) : strdup("")) < 0) {
			buf_done(&w);
			return -ENOMEM;
		}
	}
	*ret = TAKE_PTR(v);
	return 0;
}

/* ------------------------------------------------------------ ExecStart= */

/* The variables the first ExecStart= expands: "$NAME" (split into words) and "${NAME}" (one word). */
static int exec_vars(const char *exec, char ***ret_names, char ***ret_split)
{
	_cleanup_strv_free_ char **names = NULL, **split = NULL;

	for (const char *p = exec; (p = strchr(p, '$'));) {
		bool braced = p[1] == '{';
		const char *b = p + 1 + braced;
		size_t len = 0;
		while (isalnum((unsigned char) b[len]) || b[len] == '_')
			len++;
		if (len == 0 || (braced && b[len] != '}')) {
			p++;
			continue;
		}
		bool word = !braced && (p == exec || p[-1] == ' ' || p[-1] == '\t') &&
			    (b[len] == '\0' || b[len] == ' ' || b[len] == '\t');
		if (strv_push(&names, strndup(b, len)) < 0 || strv_push(&split, strdup(word ? "y" : "n")) < 0)
			return -ENOMEM;
		p = b + len;
	}
	*ret_names = TAKE_PTR(names);
	*ret_split = TAKE_PTR(split);
	return 0;
}

/* The last assignment of var among envfiles (later files win): 1 with the value, 0, -ENOMEM. */
static int env_value(struct target *t, char **envfiles, const char *var, char **ret, char **ret_file,
		     unsigned *ret_first, unsigned *ret_last, bool *ret_exp)
{
	int found = 0;

	for (size_t i = 0; envfiles && envfiles[i]; i++) {
		_cleanup_free_ char *text = NULL, *v = NULL;
		size_t len;
		unsigned first, last;
		bool exp;
		int r = target_read_file_optional(t, envfiles[i], CONFIG_MAX, &text, &len);
		if (r < 0)
			return r;
		if (!text)
			continue;
		r = sshd_cmdline_env_assignment(text, len, var, &v, &first, &last, &exp);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		free(*ret);
		free(*ret_file);
		*ret = TAKE_PTR(v);
		*ret_file = strdup(envfiles[i]);
		if (!*ret_file)
			return -ENOMEM;
		*ret_first = first;
		*ret_last = last;
		*ret_exp = exp;
		found = 1;
	}
	return found;
}

/* ------------------------------------------------------------------ load */

void sshd_cmdline_free(struct sshd_cmdline *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_vars; i++) {
		free(c->vars[i].name);
		free(c->vars[i].file);
		free(c->vars[i].value);
		strv_free(c->vars[i].argv);
	}
	free(c->vars);
	free(c->unit);
	free(c);
}

static inline void sshd_cmdline_freep(struct sshd_cmdline **c)
{
	sshd_cmdline_free(*c);
}

int sshd_cmdline_load(struct target *t, struct sshd_cmdline **ret)
{
	_cleanup_(sshd_cmdline_freep) struct sshd_cmdline *c = calloc(1, sizeof(*c));
	_cleanup_free_ char *text = NULL;
	_cleanup_strv_free_ char **envfiles = NULL, **vars = NULL, **split = NULL;
	size_t len = 0;
	int r;

	if (!c)
		return -ENOMEM;
	r = units_ssh_service(t, &c->unit);
	if (r < 0)
		return r;
	if (r > 0 && (r = target_read_file_optional(t, c->unit, UNIT_MAX, &text, &len)) < 0)
		return r;
	if (!text) {
		/* no unit to ask (SysV init, no systemd): the distributions' own pairs */
		static const char *const pairs[][2] = { { "/etc/default/ssh", "SSHD_OPTS" },
							{ "/etc/sysconfig/sshd", "OPTIONS" } };
		free(c->unit);
		c->unit = NULL;
		for (size_t i = 0; i < ELEMENTSOF(pairs); i++)
			if (strv_push(&envfiles, strdup(pairs[i][0])) < 0 || strv_push(&vars, strdup(pairs[i][1])) < 0 ||
			    strv_push(&split, strdup("y")) < 0)
				return -ENOMEM;
	} else {
		_cleanup_uvals_ struct uvals raw = {0}, exec = {0};
		r = units_collect(c->unit, text, len, "Service", "EnvironmentFile", false, &raw);
		for (size_t i = 0; r >= 0 && i < raw.n; i++) {
			const char *p = raw.v[i].value;
			p += *p == '-';
			if (p[0] == '/')
				r = strv_push(&envfiles, strndup(p, strcspn(p, " \t")));
		}
		if (r >= 0)
			r = units_collect(c->unit, text, len, "Service", "ExecStart", false, &exec);
		if (r >= 0 && exec.n > 0)
			r = exec_vars(exec.v[0].value, &vars, &split);
		if (r < 0)
			return r;
	}

	size_t n = strv_length(vars);
	c->vars = calloc(n ? n : 1, sizeof(*c->vars));
	if (!c->vars)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct sshd_cmdline_var *v = &c->vars[c->n_vars++];
		/* without a unit, each file has its own variable */
		char *one[] = { text ? NULL : envfiles[i], NULL };
		v->name = strdup(vars[i]);
		v->split = split[i][0] == 'y';
		if (!v->name)
			return -ENOMEM;
		r = env_value(t, text ? envfiles : one, vars[i], &v->value, &v->file, &v->first, &v->last, &v->expansion);
		if (r < 0)
			return r;
		if (r == 0 || !v->value || v->expansion)
			continue;
		r = v->split ? sshd_cmdline_split(v->value, &v->argv) : strv_push(&v->argv, strdup(v->value));
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(c);
	return 0;
}

int sshd_cmdline_get(struct run *run, const struct sshd_cmdline **ret)
{
	if (!run->model.cmdline) {
		int r = sshd_cmdline_load(run->target, &run->model.cmdline);
		if (r < 0)
			return r;
	}
	*ret = run->model.cmdline;
	return 0;
}
