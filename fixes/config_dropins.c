/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config-dropins: a value in an Include'd file that silently overrides the
 * main sshd_config (RULES §3.3).  For a single-valued keyword the first
 * value sshd reads wins, and Debian and Ubuntu include the drop-in directory
 * at the top, so "PubkeyAuthentication yes" in sshd_config is ignored when
 * a drop-in (cloud-init's 50-cloud-init.conf, a hardening role) says "no"
 * first.  A person editing sshd_config sees no effect and does not know
 * why.  Reported with both places, never changed: which of the two the
 * administrator meant is theirs to say.  Only keywords that decide who may
 * log in, and how, are compared.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixes.h"
#include "run.h"
#include "sshd_config.h"
#include "util.h"

/* This family's problems: each code is its row's index in config_dropins_problems[]. */
enum problem_code {
	PR_CONFIG_DROPIN_OVERRIDE,
};

static const struct problem config_dropins_problems[] = {
	{ PR_CONFIG_DROPIN_OVERRIDE, "config-dropin-override", SEV_WARNING, PF_REPORT_ONLY,
	  "{path} line {line}: {detail}",
	  "For a single-valued keyword sshd uses the first value it reads; an Include at the top of "
	  "sshd_config (Debian, Ubuntu, RHEL 9) makes a drop-in's value win over the main file's, "
	  "silently. Decide which one you mean and remove the other. RULES §3.3" },
	{ .id = NULL },
};

/* Keywords that decide who can log in, and with what. */
static const char *const lockout_keywords[] = {
	"PubkeyAuthentication",	   "AuthorizedKeysFile",     "PasswordAuthentication",
	"KbdInteractiveAuthentication", "PermitRootLogin", "AuthenticationMethods",
	"UsePAM",		   "AuthorizedKeysCommand", "AuthorizedPrincipalsFile",
	"PubkeyAcceptedAlgorithms", "MaxAuthTries",
};

static char *join_args(char **args)
{
	struct buf b = {0};

	for (size_t i = 0; args[i]; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, args[i]);
	}
	return buf_steal(&b);
}

/* The first line outside Match for keyword in `file`, or NULL. */
static const struct sshd_option *first_in(const struct sshd_config *c, const char *keyword, const char *file)
{
	for (size_t i = 0; i < c->n_opts; i++)
		if (c->opts[i].match < 0 && c->opts[i].file == file && strcasecmp(c->opts[i].keyword, keyword) == 0)
			return &c->opts[i];
	return NULL;
}

static int config_dropins_detect(struct run *run)
{
	const struct sshd_config *c = run->model.sshd;

	if (!c || !c->main_present || !c->files || !c->files[0])
		return 0;
	const char *main_file = c->files[0];	/* read first */
	for (size_t k = 0; k < ELEMENTSOF(lockout_keywords); k++) {
		const struct sshd_option *eff = sshd_config_first(c, lockout_keywords[k]);
		const struct sshd_option *mine = first_in(c, lockout_keywords[k], main_file);

		if (!eff || !mine || eff->file == mine->file)
			continue;
		_cleanup_free_ char *a = join_args(eff->args), *b = join_args(mine->args);
		if (!a || !b)
			return -ENOMEM;
		if (strcmp(a, b) == 0)
			continue;	/* the same value twice: harmless */
		_cleanup_free_ char *sa = strdup_trunc(a, 100), *sb = strdup_trunc(b, 100);
		struct finding *f = run_add_finding(run, &config_dropins_problems[PR_CONFIG_DROPIN_OVERRIDE], eff->file, NULL);
		if (!f || !sa || !sb)
			return -ENOMEM;
		f->line = eff->line;
		if (finding_set_detail(f, "\"%s %s\" wins over \"%s %s\" in %s line %u", lockout_keywords[k], sa,
				       lockout_keywords[k], sb, mine->file, mine->line) < 0 ||
		    finding_add_evidence(f, "%s:%u", eff->file, eff->line) < 0 ||
		    finding_add_evidence(f, "%s:%u", mine->file, mine->line) < 0)
			return -ENOMEM;
	}
	return 0;
}

const struct fix fix_config_dropins = {
	.id = "config-dropins",
	.summary = "drop-in values that silently override the main sshd_config",
	.rules = "RULES §3.3",
	.problems = config_dropins_problems,
	.detect = config_dropins_detect,
	.repair = NULL,
};
