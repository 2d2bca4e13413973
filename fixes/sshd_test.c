/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshd-test: the target's own `sshd -t` as the oracle (DESIGN §3).
 *
 * Debian's ssh.service runs `sshd -t` before starting sshd (ExecStartPre,
 * RULES §11.3), so if it fails, nobody logs in.  The sshd oracle
 * (src/oracle.h) runs it once per model, chrooted into the target in
 * private namespaces, with a fresh /run holding what the unit's
 * RuntimeDirectory= would create at boot.  Its last
 * line is sshd's fatal error; when another check already explains it (a
 * finding on that file and line, or the host key problem behind "no
 * hostkeys available"), nothing more is said; otherwise it is reported as
 * it stands, so no failure goes unmentioned.  This check runs last, and
 * again after --apply, which is how "what is still wrong" is found.
 * Where the binary cannot run here (another architecture, no namespaces),
 * the report says the findings come from sshfix's own model only.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixes.h"
#include "messages.h"
#include "oracle.h"
#include "run.h"
#include "util.h"

/* This family's problems: each code is its row's index in sshd_test_problems[]. */
enum problem_code {
	PR_SSHD_TEST_FAILED,
};

static const struct problem sshd_test_problems[] = {
	{ PR_SSHD_TEST_FAILED, "sshd-test-failed", SEV_ERROR, PF_REPORT_ONLY,
	  "the target's own sshd -t fails: {detail}",
	  "sshd checks its configuration and keys with -t before it starts (Debian's ssh.service "
	  "does so in ExecStartPre), and will not run while this fails. No other check of sshfix "
	  "explains this message; it is shown as sshd printed it. RULES §3.8, §11.3",
	  .follows_from = PROBLEMS_NO_SSHD_CONFIG },
	{ .id = NULL },
};

/* "FILE line N: ..." or "FILE: line N: ..." -> FILE and N. */
static bool parse_location(const char *s, char **ret_file, unsigned *ret_line)
{
	const char *p = strstr(s, " line ");
	unsigned long long n;
	char num[16];
	size_t k = 0;

	if (!p || p == s)
		return false;
	const char *e = p;
	if (e[-1] == ':')
		e--;
	for (const char *d = p + 6; *d >= '0' && *d <= '9' && k < sizeof(num) - 1; d++)
		num[k++] = *d;
	num[k] = '\0';
	if (k == 0 || parse_uint(num, 10, 1u << 30, &n) < 0)
		return false;
	*ret_file = strndup(s, (size_t) (e - s));
	*ret_line = (unsigned) n;
	return *ret_file != NULL;
}

/* Does a finding of another check account for sshd's fatal message? */
static bool explained(const struct run *run, const char *msg)
{
	_cleanup_free_ char *file = NULL;
	unsigned line;

	if (parse_location(msg, &file, &line)) {
		for (size_t i = 0; i < run->n_findings; i++)
			if (run->findings[i]->line == line && streq_ptr(run->findings[i]->path, file))
				return true;
		return false;
	}
	/* sshd's fatal message, as the message table knows it (src/messages.h): explained when one of its causes was found */
	const struct target_facts *tf = &run->target->facts;
	unsigned ver = tf->sshd_major > 0 ? (unsigned) (tf->sshd_major * 100 + tf->sshd_minor) : 0;
	const struct msg_row *row = msg_find(MSG_SERVER, ver, msg, strlen(msg));
	for (size_t i = 0; row && i < run->n_findings; i++)
		if (msg_has_cause(row, run->findings[i]->problem->id))
			return true;
	return false;
}

static int sshd_test_detect(struct run *run)
{
	const struct oracle_test *res;
	int r;

	if (!run->model.oracle)
		return 0;
	r = oracle_test(run->model.oracle, &res);
	if (r <= 0)
		return r;	/* no sshd at all: the service check's business */
	if (!res->ran)
		return model_note(&run->model,
				  "the target's own sshd -t could not run here (%s); these findings come "
				  "from sshfix's model of sshd only",
				  res->why ? res->why : strerror(-res->error));
	if (res->timed_out)
		return model_note(&run->model, "the target's sshd -t did not finish in %u s and was stopped",
				  ORACLE_TIMEOUT_SEC);
	if (res->exit_status == 0 || explained(run, res->last_line))
		return 0;
	struct finding *f = run_add_finding(run, &sshd_test_problems[PR_SSHD_TEST_FAILED], run->target->facts.sshd_path, NULL);
	if (!f)
		return -ENOMEM;
	_cleanup_free_ char *shown = strdup_trunc(res->last_line[0] ? res->last_line : "(no message)", 300);
	if (!shown || finding_set_detail(f, "%s", shown) < 0)
		return -ENOMEM;
	return 0;
}

/* It explains only what no other check does: all of those run first. */
static const struct fix *const sshd_test_after[] = {
	&fix_config_syntax, &fix_config_perms, &fix_config_dropins, &fix_hostkey_perms,
	&fix_hostkey_content, &fix_user_key_paths, &fix_privsep, &fix_ssh_service,
	&fix_listen, &fix_keys_content, &fix_accounts, &fix_pam, &fix_selinux_labels, NULL,
};

const struct fix fix_sshd_test = {
	.id = "sshd-test",
	.summary = "the target's own sshd -t, run in a sandbox; failures no other check explains",
	.rules = "RULES §3.8, §11.3",
	.problems = sshd_test_problems,
	.detect = sshd_test_detect,
	.repair = NULL,
	.after = sshd_test_after,
};
