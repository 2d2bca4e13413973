/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry: the families of fixes/families.def, in its order, and the
 * lookups over their problem tables.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fix.h"
#include "fixes.h"

const struct fix *const fix_registry[] = {
#define FAMILY(name) &fix_##name,
#include "families.def"
#undef FAMILY
	NULL,
};

/* What follows when openssh-server is not installed, or sshd has no configuration. */
const char *const PROBLEMS_NO_SSHD[] = { "sshd-binary-missing", NULL };
const char *const PROBLEMS_NO_SSHD_CONFIG[] = { "config-missing", "sshd-binary-missing", NULL };

const struct fix *fix_by_id(const char *id)
{
	for (size_t i = 0; fix_registry[i]; i++)
		if (strcmp(fix_registry[i]->id, id) == 0)
			return fix_registry[i];
	return NULL;
}

static size_t table_size(const struct problem *t)
{
	size_t n = 0;

	while (t[n].id)
		n++;
	return n;
}

size_t problem_count(void)
{
	size_t n = 0;

	for (size_t i = 0; fix_registry[i]; i++)
		n += table_size(fix_registry[i]->problems);
	return n;
}

size_t problem_index(const struct problem *p)
{
	size_t k = 0;

	for (size_t i = 0; fix_registry[i]; i++) {
		const struct problem *t = fix_registry[i]->problems;
		size_t n = table_size(t);

		if (p->code < n && &t[p->code] == p)
			return k + p->code;
		k += n;
	}
	return SIZE_MAX;
}

const struct problem *problem_by_id(const char *id)
{
	for (size_t i = 0; fix_registry[i]; i++)
		for (const struct problem *p = fix_registry[i]->problems; p->id; p++)
			if (strcmp(p->id, id) == 0)
				return p;
	return NULL;
}

const struct fix *fix_of_problem(const struct problem *problem)
{
	for (size_t i = 0; fix_registry[i]; i++)
		for (const struct problem *p = fix_registry[i]->problems; p->id; p++)
			if (p == problem)
				return fix_registry[i];
	return NULL;
}
