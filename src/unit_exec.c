/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit_exec.h"
#include "util.h"

/* ------------------------------------------------------------ environment */

void unit_env_files_free(struct unit_env_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].file);
	}
	free(v);
}

int unit_env_files(const struct unit *u, struct unit_env_file **ret, size_t *ret_n)
{
	_cleanup_uvals_ struct uvals raw = {0};
	struct unit_env_file *v = NULL;
	size_t n = 0;
	int r;

	r = unit_values(u, "Service", "EnvironmentFile", 0, &raw);
	if (r < 0)
		return r;
	for (size_t i = 0; i < raw.n; i++) {
		const char *p = raw.v[i].value;
		bool optional = *p == '-';
		p += optional;
		if (p[0] != '/')
			continue;
		struct unit_env_file *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			unit_env_files_free(v, n);
			return -ENOMEM;
		}
		v = nv;
		v[n] = (struct unit_env_file) { strdup(p), optional, strdup(raw.v[i].file), raw.v[i].line };
		if (!v[n].path || !v[n].file) {
			unit_env_files_free(v, n + 1);
			return -ENOMEM;
		}
		n++;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int unit_env_file_last(struct target *t, const char *path, const char *var, struct env_assignment *ret)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = target_read_file(t, path, CONFIG_MAX, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	return envfile_last(text, len, var, ret);
}

int unit_env_get(struct target *t, const struct unit *u, const char *var, struct env_assignment *ret,
		 char **ret_path)
{
	struct unit_env_file *files = NULL;
	struct env_assignment last = {0};
	const char *from = NULL;
	size_t n = 0;
	int r;

	r = unit_env_files(u, &files, &n);
	if (r < 0)
		return r;
	/* Later files override earlier ones; within a file, the last line wins. */
	for (size_t i = 0; i < n; i++) {
		struct env_assignment a = {0};
		r = unit_env_file_last(t, files[i].path, var, &a);
		if (r < 0)
			break;
		if (r == 0)
			continue;
		env_assignment_done(&last);
		last = a;
		from = files[i].path;
	}
	if (r >= 0 && from) {
		*ret_path = strdup(from);
		if (!*ret_path)
			r = -ENOMEM;
	}
	unit_env_files_free(files, n);
	if (r < 0 || !from) {
		env_assignment_done(&last);
		return r < 0 ? r : 0;
	}
	*ret = last;
	return 1;
}

/* ------------------------------------------------------------ ExecStart= */

void unit_exec_vars_free(struct unit_exec_var *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

int unit_exec_vars(const struct unit *u, struct unit_exec_var **ret, size_t *ret_n)
{
	_cleanup_uvals_ struct uvals exec = {0};
	struct unit_exec_var *v = NULL;
	size_t n = 0;
	int r;

	*ret = NULL;
	*ret_n = 0;
	r = unit_values(u, "Service", "ExecStart", 0, &exec);
	if (r < 0 || exec.n == 0)
		return r;
	for (const char *p = exec.v[0].value; (p = strchr(p, '$'));) {
		bool braced = p[1] == '{';
		const char *b = p + 1 + braced;
		size_t len = 0;
		while (isalnum((unsigned char) b[len]) || b[len] == '_')
			len++;
		if (len == 0 || (braced && b[len] != '}')) {
			p++;
			continue;
		}
		struct unit_exec_var *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			unit_exec_vars_free(v, n);
			return -ENOMEM;
		}
		v = nv;
		/* Only a whole word "$NAME" is split into several arguments. */
		bool word = !braced && (p == exec.v[0].value || p[-1] == ' ' || p[-1] == '\t') &&
			    (b[len] == '\0' || b[len] == ' ' || b[len] == '\t');
		v[n] = (struct unit_exec_var) { strndup(b, len), word };
		if (!v[n].name) {
			unit_exec_vars_free(v, n);
			return -ENOMEM;
		}
		n++;
		p = b + len;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

char *unit_exec_program(const struct unit *u)
{
	_cleanup_uvals_ struct uvals exec = {0};

	if (unit_values(u, "Service", "ExecStart", 0, &exec) < 0 || exec.n == 0)
		return NULL;
	const char *p = exec.v[0].value;
	p += strspn(p, "-@+!:");
	return strndup(p, strcspn(p, " \t"));
}

int unit_exec_split(const char *s, char ***ret)
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
			if (*p == '\\' && p[1]) {
				buf_putc(&w, *++p);
			} else if (!q && (*p == '\'' || *p == '"'))
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
