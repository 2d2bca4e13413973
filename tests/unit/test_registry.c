/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The problem table, as e2fsck's tst_problem verifies its own: every code
 * appears exactly once, ids are unique and kebab-case, templates use only
 * known fields, each problem has exactly one flag and an explanation, and
 * every check and problem id is documented in sshfix(8).
 */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fix.h"
#include "util.h"

static bool kebab(const char *s)
{
	if (!*s || *s == '-' || s[strlen(s) - 1] == '-')
		return false;
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char) *p) || isdigit((unsigned char) *p) || (*p == '-' && p[1] != '-')))
			return false;
	return true;
}

/* Each family's codes index its own table: the row of PR_X is table[PR_X],
 * which run_add_finding(run, &table[PR_X], ...) relies on; and
 * problem_index() numbers every problem once. */
START_TEST(registry_every_code_once)
{
	size_t n = problem_count(), k = 0;
	_cleanup_free_ unsigned *seen = calloc(n, sizeof(*seen));

	ck_assert_ptr_nonnull(seen);
	for (size_t i = 0; fix_registry[i]; i++) {
		unsigned row = 0;
		for (const struct problem *p = fix_registry[i]->problems; p->id; p++, row++, k++) {
			ck_assert_msg(p->code == row, "%s: code %u is in row %u of %s's table", p->id, p->code, row,
				      fix_registry[i]->id);
			ck_assert_uint_lt(problem_index(p), n);
			seen[problem_index(p)]++;
			ck_assert_ptr_eq(fix_of_problem(p), fix_registry[i]);
		}
	}
	ck_assert_uint_eq(k, n);
	for (size_t c = 0; c < n; c++)
		ck_assert_msg(seen[c] == 1, "problem index %zu appears %u times", c, seen[c]);
}
END_TEST

START_TEST(registry_ids_unique_and_kebab)
{
	_cleanup_strv_free_ char **ids = NULL;

	for (size_t i = 0; fix_registry[i]; i++) {
		ck_assert_msg(kebab(fix_registry[i]->id), "check id '%s'", fix_registry[i]->id);
		ck_assert_msg(!strv_contains(ids, fix_registry[i]->id), "duplicate id '%s'", fix_registry[i]->id);
		ck_assert_int_eq(strv_push(&ids, strdup(fix_registry[i]->id)), 0);
		for (const struct problem *p = fix_registry[i]->problems; p->id; p++) {
			ck_assert_msg(kebab(p->id), "problem id '%s'", p->id);
			ck_assert_msg(!strv_contains(ids, p->id), "duplicate id '%s'", p->id);
			ck_assert_int_eq(strv_push(&ids, strdup(p->id)), 0);
		}
	}
}
END_TEST

START_TEST(registry_problem_rows_complete)
{
	for (size_t i = 0; fix_registry[i]; i++) {
		const struct fix *fix = fix_registry[i];
		ck_assert_ptr_nonnull(fix->detect);
		ck_assert_ptr_nonnull(fix->summary);
		ck_assert_ptr_nonnull(fix->rules);
		bool any_fixable = false;
		for (const struct problem *p = fix->problems; p->id; p++) {
			unsigned f = p->flags & (PF_SAFE_AUTO | PF_NEEDS_CONFIRM | PF_REPORT_ONLY);
			ck_assert_msg(f == PF_SAFE_AUTO || f == PF_NEEDS_CONFIRM || f == PF_REPORT_ONLY,
				      "%s: exactly one flag", p->id);
			any_fixable |= !(p->flags & PF_REPORT_ONLY);
			ck_assert_msg(p->explain && strlen(p->explain) > 40, "%s: explanation", p->id);
			ck_assert_msg(p->message && *p->message, "%s: message", p->id);
			ck_assert_ptr_eq(problem_by_id(p->id), p);
			ck_assert_ptr_eq(fix_of_problem(p), fix);
			/* Template fields: only {path}, {user}, {detail}. */
			for (const char *b = strchr(p->message, '{'); b; b = strchr(b + 1, '{'))
				ck_assert_msg(startswith(b, "{path}") || startswith(b, "{user}") ||
						      startswith(b, "{detail}") || startswith(b, "{line}"),
					      "%s: unknown template field in '%s'", p->id, p->message);
		}
		/* A family that can fix something must have a repair. */
		ck_assert_msg(!any_fixable || fix->repair, "%s: fixable problems but no repair()", fix->id);
	}
	ck_assert_ptr_null(fix_by_id("no-such-check"));
	ck_assert_ptr_null(problem_by_id("no-such-problem"));
}
END_TEST

START_TEST(registry_follows_from_names_real_problems)
{
	for (size_t i = 0; fix_registry[i]; i++)
		for (const struct problem *p = fix_registry[i]->problems; p->id; p++)
			for (const char *const *c = p->follows_from; c && *c; c++) {
				const struct problem *cause = problem_by_id(*c);
				ck_assert_msg(cause, "%s follows from unknown problem '%s'", p->id, *c);
				ck_assert_msg(cause != p, "%s follows from itself", p->id);
				/* A cause that follows from its own consequence would never be reported first. */
				for (const char *const *cc = cause->follows_from; cc && *cc; cc++)
					ck_assert_msg(strcmp(*cc, p->id) != 0, "%s and %s follow from each other", p->id, *c);
			}
}
END_TEST

/* Every family runs after those it reads, whatever is selected. */
static void check_order(const struct run *run, const char *want_first, const char *want_last)
{
	_cleanup_free_ const struct fix **v = NULL;
	int n = engine_families(run, &v);

	ck_assert_int_ge(n, 1);
	for (int i = 0; i < n; i++)
		for (const struct fix *const *a = v[i]->after; a && *a; a++) {
			bool before = false;
			for (int k = 0; k < i; k++)
				before |= v[k] == *a;
			ck_assert_msg(before, "%s runs before %s, which it reads", v[i]->id, (*a)->id);
		}
	if (want_first)
		ck_assert_str_eq(v[0]->id, want_first);
	if (want_last)
		ck_assert_str_eq(v[n - 1]->id, want_last);
}

START_TEST(registry_families_run_after_what_they_read)
{
	char *only_test[] = { "sshd-test", NULL }, *only_problem[] = { "sshd-test-failed", NULL };
	char *skip_syntax[] = { "config-syntax", NULL };

	check_order(&(struct run) {0}, NULL, NULL);
	/* --only sshd-test still runs what sshd-test reads, first. */
	check_order(&(struct run) { .opt.only = only_test }, "config-syntax", "sshd-test");
	check_order(&(struct run) { .opt.only = only_problem }, "config-syntax", "sshd-test");
	check_order(&(struct run) { .opt.skip = skip_syntax }, NULL, NULL);
	check_order(&(struct run) { .opt.client = true }, "client", "client");
}
END_TEST

START_TEST(registry_ids_documented_in_man_page)
{
	_cleanup_fclose_ FILE *f = fopen(TOP_SRCDIR "/man/sshfix.8", "re");
	_cleanup_free_ char *man = NULL;

	ck_assert_msg(f, "cannot open %s/man/sshfix.8", TOP_SRCDIR);
	ck_assert_int_eq(read_all(fileno(f), 1 << 20, &man, NULL), 0);
	for (size_t i = 0; fix_registry[i]; i++) {
		/* groff escapes '-' as "\-" in the page. */
		for (const struct problem *p = NULL;; p = p ? p + 1 : fix_registry[i]->problems) {
			const char *id = p ? p->id : fix_registry[i]->id;
			if (p && !p->id)
				break;
			struct buf esc = {0};
			for (const char *c = id; *c; c++)
				if (*c == '-')
					buf_puts(&esc, "\\-");
				else
					buf_putc(&esc, *c);
			_cleanup_free_ char *e = buf_steal(&esc), *needle = NULL;
			/* A problem's heading, as tools/gen-docs.py writes it: id (severity, flag). */
			ck_assert(asprintf(&needle, "\n.BR %s \" (\" ", e) > 0);
			_cleanup_free_ char *needle2 = NULL;
			ck_assert(asprintf(&needle2, "\n.SS %s\n", e) > 0);
			ck_assert_msg(strstr(man, needle) || strstr(man, needle2), "'%s' is not documented in sshfix.8",
				      id);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("registry");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, registry_every_code_once);
	tcase_add_test(tc, registry_ids_unique_and_kebab);
	tcase_add_test(tc, registry_problem_rows_complete);
	tcase_add_test(tc, registry_ids_documented_in_man_page);
	tcase_add_test(tc, registry_follows_from_names_real_problems);
	tcase_add_test(tc, registry_families_run_after_what_they_read);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
