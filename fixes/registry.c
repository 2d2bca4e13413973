/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry: the families of fixes/families.def, in its order, and the
 * lookups over their problem tables.
 */
#include "config.h"

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

const struct problem *problem_by_code(enum problem_code code)
{
	for (size_t i = 0; fix_registry[i]; i++)
		for (const struct problem *p = fix_registry[i]->problems; p->id; p++)
			if (p->code == code)
				return p;
	return NULL;
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
