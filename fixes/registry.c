/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one list of check families.  Its order is the order of the report
 * (what sshd must be able to read first, then the rest), not a contract:
 * a family that reads another's findings says so (fix.after) and the
 * engine runs that one first, selected or not.
 */
#include "config.h"

#include <string.h>

#include "fix.h"
#include "fixes.h"

const struct fix *const fix_registry[] = {
	&fix_account_db,
	&fix_config_syntax,
	&fix_config_perms,
	&fix_config_dropins,
	&fix_hostkey_perms,
	&fix_hostkey_content,
	&fix_user_key_paths,
	&fix_privsep,
	&fix_ssh_service,
	&fix_listen,
	&fix_keys_content,
	&fix_accounts,
	&fix_pam,
	&fix_firewall,
	&fix_fail2ban,
	&fix_sshd_test,
	/* Only with --client, and then alone (fix.client_side). */
	&fix_client,
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
