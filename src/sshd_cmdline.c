/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The flags the ssh service hands sshd (see the header).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "sshd_cmdline.h"
#include "unit_exec.h"
#include "units.h"
#include "util.h"

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

/* Fill v from the assignment a in the environment file `file`. */
static int var_set(struct sshd_cmdline_var *v, const char *file, struct env_assignment *a)
{
	if (!(v->file = strdup(file)))
		return -ENOMEM;
	v->value = TAKE_PTR(a->value);
	v->first = a->first;
	v->last = a->last;
	v->expansion = a->expansion;
	if (!v->value || v->expansion)
		return 0;
	return v->split ? unit_exec_split(v->value, &v->argv) : strv_push(&v->argv, strdup(v->value));
}

static int var_push(struct sshd_cmdline *c, const char *name, bool split, struct sshd_cmdline_var **ret)
{
	struct sshd_cmdline_var *v = reallocarray(c->vars, c->n_vars + 1, sizeof(*c->vars));

	if (!v)
		return -ENOMEM;
	c->vars = v;
	v = &c->vars[c->n_vars];
	*v = (struct sshd_cmdline_var) { .split = split, .name = strdup(name) };
	if (!v->name)
		return -ENOMEM;
	c->n_vars++;
	*ret = v;
	return 0;
}

int sshd_cmdline_load(struct units *units, struct target *t, struct sshd_cmdline **ret)
{
	_cleanup_(sshd_cmdline_freep) struct sshd_cmdline *c = calloc(1, sizeof(*c));
	const struct unit *u = NULL;
	int r;

	if (!c || !units)
		return -ENOMEM;
	r = units_ssh_service(units, &u);
	if (r < 0)
		/* cppcheck-suppress memleak ; freed by its _cleanup_ attribute, which cppcheck 2.10 does not follow here */
		return r;
	if (r == 0 || !u->path) {
		/* no unit to ask (SysV init, no systemd): the distributions' own pairs */
		static const char *const pairs[][2] = { { "/etc/default/ssh", "SSHD_OPTS" },
							{ "/etc/sysconfig/sshd", "OPTIONS" } };
		for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
			struct env_assignment a = {0};
			struct sshd_cmdline_var *v;
			r = var_push(c, pairs[i][1], true, &v);
			if (r >= 0)
				r = unit_env_file_last(t, pairs[i][0], pairs[i][1], &a);
			if (r > 0)
				r = var_set(v, pairs[i][0], &a);
			env_assignment_done(&a);
			if (r < 0)
				return r;
		}
		*ret = TAKE_PTR(c);
		return 0;
	}
	if (!(c->unit = strdup(u->path)))
		/* cppcheck-suppress memleak ; freed by its _cleanup_ attribute, which cppcheck 2.10 does not follow here */
		return -ENOMEM;
	struct unit_exec_var *vars = NULL;
	size_t n_vars = 0;
	/* Later environment files override earlier ones (src/unit_exec.h). */
	r = unit_exec_vars(u, &vars, &n_vars);
	for (size_t i = 0; r >= 0 && i < n_vars; i++) {
		_cleanup_free_ char *file = NULL;
		struct env_assignment a = {0};
		struct sshd_cmdline_var *v;
		r = var_push(c, vars[i].name, vars[i].split, &v);
		if (r >= 0)
			r = unit_env_get(t, u, vars[i].name, &a, &file);
		if (r > 0)
			r = var_set(v, file, &a);
		env_assignment_done(&a);
	}
	unit_exec_vars_free(vars, n_vars);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

int sshd_cmdline_get(struct run *run, const struct sshd_cmdline **ret)
{
	if (!run->model.cmdline) {
		int r = sshd_cmdline_load(run_units(run), run->target, &run->model.cmdline);
		if (r < 0)
			return r;
	}
	*ret = run->model.cmdline;
	return 0;
}
