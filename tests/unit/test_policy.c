/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/policy.c, the one decision point (like e2fsck's
 * fix_problem()): every run mode against every problem flag, and the
 * --interactive question with scripted answers.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "fix.h"
#include "policy.h"
#include "problem.h"
#include "run.h"
#include "util.h"

static int repair_stub(struct run *run, struct finding *f)
{
	(void) run;
	(void) f;
	return 0;
}

static const struct problem p_auto = {
	.id = "test-auto",
	.severity = SEV_ERROR,
	.flags = PF_SAFE_AUTO,
	.message = "home {path} of {user} is bad",
	.explain = "test",
};
static const struct problem p_confirm = {
	.id = "test-confirm",
	.severity = SEV_ERROR,
	.flags = PF_NEEDS_CONFIRM,
	.message = "needs a yes: {path}",
	.explain = "test",
};
static const struct problem p_report = {
	.id = "test-report",
	.severity = SEV_WARNING,
	.flags = PF_REPORT_ONLY,
	.message = "only reported: {path}",
	.explain = "test",
};
static const struct problem p_auto_report = {
	.id = "test-auto-report",
	.severity = SEV_WARNING,
	.flags = PF_SAFE_AUTO | PF_REPORT_ONLY,
	.message = "both flags",
	.explain = "test",
};

static const struct fix fix_with_repair = { .id = "test-fix", .summary = "test", .repair = repair_stub };
static const struct fix fix_without_repair = { .id = "test-norepair", .summary = "test", .repair = NULL };

static const enum run_mode modes[] = { MODE_REPORT, MODE_DRY_RUN, MODE_APPLY, MODE_INTERACTIVE };
static const char *const mode_names[] = { "report", "dry-run", "apply", "interactive" };

static enum decision decide(enum run_mode mode, const struct problem *p, const struct fix *fx,
			    enum finding_status *ret_status)
{
	struct run run = { .opt.mode = mode };
	struct finding f = { .problem = p, .fix = fx, .want = PERMS_KEEP, .status = FS_FOUND };
	enum decision d = policy_decide(&run, &f);

	*ret_status = f.status;
	return d;
}

START_TEST(policy_decide_every_mode_and_flag)
{
	static const struct {
		const struct problem *p;
		enum decision d[4];
		enum finding_status s[4];
	} want[] = {
		/* report, dry-run: preview; apply: apply now (status set after); interactive: ask. */
		{ &p_auto,
		  { DECIDE_PREVIEW, DECIDE_PREVIEW, DECIDE_APPLY, DECIDE_ASK },
		  { FS_WOULD_FIX, FS_WOULD_FIX, FS_FOUND, FS_FOUND } },
		/* --apply leaves it for a person; --interactive asks. */
		{ &p_confirm,
		  { DECIDE_PREVIEW, DECIDE_PREVIEW, DECIDE_LEAVE, DECIDE_ASK },
		  { FS_NEEDS_CONFIRM, FS_NEEDS_CONFIRM, FS_NEEDS_CONFIRM, FS_FOUND } },
		/* Never changed, in any mode. */
		{ &p_report,
		  { DECIDE_REPORT, DECIDE_REPORT, DECIDE_REPORT, DECIDE_REPORT },
		  { FS_REPORTED, FS_REPORTED, FS_REPORTED, FS_REPORTED } },
		{ &p_auto_report,
		  { DECIDE_REPORT, DECIDE_REPORT, DECIDE_REPORT, DECIDE_REPORT },
		  { FS_REPORTED, FS_REPORTED, FS_REPORTED, FS_REPORTED } },
	};

	for (size_t i = 0; i < ELEMENTSOF(want); i++)
		for (size_t m = 0; m < ELEMENTSOF(modes); m++) {
			enum finding_status s;
			enum decision d = decide(modes[m], want[i].p, &fix_with_repair, &s);

			ck_assert_msg(d == want[i].d[m], "%s in %s mode: decision %d, want %d", want[i].p->id,
				      mode_names[m], (int) d, (int) want[i].d[m]);
			ck_assert_msg(s == want[i].s[m], "%s in %s mode: status %s, want %s", want[i].p->id,
				      mode_names[m], finding_status_name(s), finding_status_name(want[i].s[m]));
		}
}
END_TEST

START_TEST(policy_decide_without_repair_reports)
{
	const struct problem *ps[] = { &p_auto, &p_confirm, &p_report };

	for (size_t i = 0; i < ELEMENTSOF(ps); i++)
		for (size_t m = 0; m < ELEMENTSOF(modes); m++) {
			enum finding_status s;

			ck_assert_msg(decide(modes[m], ps[i], NULL, &s) == DECIDE_REPORT, "%s/%s without a fix",
				      ps[i]->id, mode_names[m]);
			ck_assert_int_eq(s, FS_REPORTED);
			ck_assert_msg(decide(modes[m], ps[i], &fix_without_repair, &s) == DECIDE_REPORT,
				      "%s/%s without a repair()", ps[i]->id, mode_names[m]);
			ck_assert_int_eq(s, FS_REPORTED);
		}
}
END_TEST

/* --add-key: the one family asked for is repaired as any other; the rest is reported in every mode. */
START_TEST(policy_decide_repair_only_reports_other_families)
{
	static const struct fix other = { .id = "test-other", .summary = "test", .repair = repair_stub };

	for (size_t m = 0; m < ELEMENTSOF(modes); m++) {
		struct run run = { .opt.mode = modes[m], .opt.repair_only = &fix_with_repair, .opt.yes = true };
		struct finding mine = { .problem = &p_auto, .fix = &fix_with_repair, .want = PERMS_KEEP, .status = FS_FOUND };
		struct finding theirs = { .problem = &p_auto, .fix = &other, .want = PERMS_KEEP, .status = FS_FOUND };
		static const enum decision as_any[] = { DECIDE_PREVIEW, DECIDE_PREVIEW, DECIDE_APPLY, DECIDE_ASK };
		enum decision want = as_any[m];

		ck_assert_msg(policy_decide(&run, &mine) == want, "the family asked for, in %s mode", mode_names[m]);
		ck_assert_msg(policy_decide(&run, &theirs) == DECIDE_REPORT, "another family, in %s mode", mode_names[m]);
		ck_assert_int_eq(theirs.status, FS_REPORTED);
		ck_assert(!theirs.consented);	/* --yes does not reach past the one change */
	}
}
END_TEST

/* --yes: consent stands in for the prompt, for needs-confirm problems only. */
static enum decision decide_yes(enum run_mode mode, const struct problem *p, char **ids, struct finding *f)
{
	struct run run = { .opt.mode = mode, .opt.yes = true, .opt.yes_ids = ids };

	*f = (struct finding) { .problem = p, .fix = &fix_with_repair, .want = PERMS_KEEP, .status = FS_FOUND };
	return policy_decide(&run, f);
}

START_TEST(policy_decide_yes_consents_to_needs_confirm_only)
{
	struct finding f;

	ck_assert_int_eq(decide_yes(MODE_APPLY, &p_confirm, NULL, &f), DECIDE_APPLY);
	ck_assert(f.consented);
	ck_assert_int_eq(decide_yes(MODE_INTERACTIVE, &p_confirm, NULL, &f), DECIDE_APPLY);
	ck_assert_int_eq(decide_yes(MODE_DRY_RUN, &p_confirm, NULL, &f), DECIDE_PREVIEW);
	ck_assert_int_eq(f.status, FS_WOULD_FIX);
	ck_assert(f.consented);
	/* Safe repairs need no consent; report-only stays report-only. */
	ck_assert_int_eq(decide_yes(MODE_APPLY, &p_auto, NULL, &f), DECIDE_APPLY);
	ck_assert(!f.consented);
	ck_assert_int_eq(decide_yes(MODE_APPLY, &p_report, NULL, &f), DECIDE_REPORT);
	ck_assert_int_eq(f.status, FS_REPORTED);
	ck_assert(!f.consented);
}
END_TEST

START_TEST(policy_decide_yes_ids_name_problem_or_check)
{
	char *by_problem[] = { "test-confirm", NULL }, *by_check[] = { "test-fix", NULL },
	     *other[] = { "test-auto", NULL };
	struct finding f;

	ck_assert_int_eq(decide_yes(MODE_APPLY, &p_confirm, by_problem, &f), DECIDE_APPLY);
	ck_assert_int_eq(decide_yes(MODE_APPLY, &p_confirm, by_check, &f), DECIDE_APPLY);
	ck_assert_int_eq(decide_yes(MODE_APPLY, &p_confirm, other, &f), DECIDE_LEAVE);
	ck_assert_int_eq(f.status, FS_NEEDS_CONFIRM);
	ck_assert(!f.consented);
	ck_assert_int_eq(decide_yes(MODE_INTERACTIVE, &p_confirm, other, &f), DECIDE_ASK);
}
END_TEST

/* ---- policy_ask ---- */

struct asked {
	bool answer;
	char *err;	/* what was printed on run->err */
	size_t prompts;
};

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/*
 * Ask `questions` times on one input stream; input NULL means an empty
 * stream (immediate EOF).  Returns the answers as a bitmask in *answers.
 */
static void ask_n(const char *input, unsigned questions, const char *path, const char *diff, unsigned *answers,
		  struct asked *ret)
{
	struct finding f = { .problem = &p_auto, .fix = &fix_with_repair, .path = (char *) path, .user = "alice" };
	struct run run = { .opt.mode = MODE_INTERACTIVE };
	size_t errlen = 0;

	run.in = input ? fmemopen((void *) input, strlen(input), "r") : fopen("/dev/null", "re");
	ck_assert_ptr_nonnull(run.in);
	run.err = open_memstream(&ret->err, &errlen);
	ck_assert_ptr_nonnull(run.err);
	*answers = 0;
	for (unsigned q = 0; q < questions; q++)
		if (policy_ask(&run, &f, diff))
			*answers |= 1u << q;
	fclose(run.err);
	fclose(run.in);
	ret->answer = *answers & 1;
	ret->prompts = count(ret->err, "Fix it? [y/N] ");
}

static struct asked ask(const char *input)
{
	struct asked a;
	unsigned answers;

	ask_n(input, 1, "/home/alice", NULL, &answers, &a);
	return a;
}

START_TEST(policy_ask_yes)
{
	static const char *const yes[] = { "y\n", "Y\n", "yes\n", "  y\n", "\ty and more\n", "y" };

	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		struct asked a = ask(yes[i]);
		ck_assert_msg(a.answer, "'%s' is not a yes", yes[i]);
		ck_assert_uint_eq(a.prompts, 1);
		free(a.err);
	}
}
END_TEST

START_TEST(policy_ask_no)
{
	static const char *const no[] = { "n\n", "N\n", "no\n", "  n\n" };

	for (size_t i = 0; i < ELEMENTSOF(no); i++) {
		struct asked a = ask(no[i]);
		ck_assert_msg(!a.answer, "'%s' is not a no", no[i]);
		ck_assert_uint_eq(a.prompts, 1);
		free(a.err);
	}
}
END_TEST

START_TEST(policy_ask_empty_line_is_no)
{
	struct asked a = ask("\n");

	/* [y/N]: the default is no. */
	ck_assert(!a.answer);
	ck_assert_uint_eq(a.prompts, 1);
	free(a.err);
	a = ask("   \n");
	ck_assert(!a.answer);
	free(a.err);
}
END_TEST

START_TEST(policy_ask_garbage_then_yes)
{
	struct asked a = ask("maybe\nwhat?\ny\n");

	ck_assert(a.answer);
	ck_assert_uint_eq(a.prompts, 3);	/* asked again after each unclear answer */
	free(a.err);
	a = ask("maybe\nn\ny\n");
	ck_assert(!a.answer);
	ck_assert_uint_eq(a.prompts, 2);
	free(a.err);
}
END_TEST

START_TEST(policy_ask_eof_is_no)
{
	struct asked a = ask(NULL);

	ck_assert(!a.answer);
	ck_assert_uint_eq(a.prompts, 1);
	free(a.err);
	/* Unclear answers and then the end of input. */
	a = ask("maybe\n");
	ck_assert(!a.answer);
	ck_assert_uint_eq(a.prompts, 2);
	free(a.err);
}
END_TEST

START_TEST(policy_ask_shows_problem_and_diff)
{
	struct asked a;
	unsigned answers;

	ask_n("n\n", 1, "/home/alice", "--- a/x\n+++ b/x\n", &answers, &a);
	ck_assert_ptr_nonnull(strstr(a.err, "test-auto: home /home/alice of alice is bad\n"));
	ck_assert_ptr_nonnull(strstr(a.err, "--- a/x\n+++ b/x\nFix it? [y/N] "));
	free(a.err);
	/* A hostile name cannot drive the terminal while we ask. */
	ask_n("n\n", 1, "/home/\x1b[2J\x1b]0;x\x07", NULL, &answers, &a);
	ck_assert_ptr_null(strchr(a.err, '\x1b'));
	ck_assert_ptr_null(strchr(a.err, '\x07'));
	ck_assert_ptr_nonnull(strstr(a.err, "/home/\\x1b[2J"));
	free(a.err);
}
END_TEST

START_TEST(policy_ask_long_line_is_one_answer)
{
	char input[512];
	struct asked a;
	unsigned answers;

	/* One long unclear line, then "n": the tail of the long line is not an answer. */
	memset(input, 'x', 200);
	strcpy(input + 200, "yes\nn\n");
	ask_n(input, 1, "/home/alice", NULL, &answers, &a);
	ck_assert(!a.answer);
	ck_assert_uint_eq(a.prompts, 2);
	free(a.err);
	/* A long "yyyy..." answers one question, not the next ones too. */
	memset(input, 'y', 200);
	strcpy(input + 200, "\nn\n");
	ask_n(input, 2, "/home/alice", NULL, &answers, &a);
	ck_assert_uint_eq(answers, 1);	/* yes, then no */
	ck_assert_uint_eq(a.prompts, 2);
	free(a.err);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");

	tcase_add_test(tc, policy_decide_every_mode_and_flag);
	tcase_add_test(tc, policy_decide_without_repair_reports);
	tcase_add_test(tc, policy_decide_repair_only_reports_other_families);
	tcase_add_test(tc, policy_decide_yes_consents_to_needs_confirm_only);
	tcase_add_test(tc, policy_decide_yes_ids_name_problem_or_check);
	tcase_add_test(tc, policy_ask_yes);
	tcase_add_test(tc, policy_ask_no);
	tcase_add_test(tc, policy_ask_empty_line_is_no);
	tcase_add_test(tc, policy_ask_garbage_then_yes);
	tcase_add_test(tc, policy_ask_eof_is_no);
	tcase_add_test(tc, policy_ask_shows_problem_and_diff);
	tcase_add_test(tc, policy_ask_long_line_is_one_answer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
