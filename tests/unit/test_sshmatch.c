/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/sshmatch.c against OpenSSH's pattern semantics
 * (match.c, addrmatch.c; RULES §3.5, §6.1): '*' and '?', lists with '!'
 * (a negated match wins), the 1023-byte entry limit, CIDR and wildcard
 * address lists and the lists sshd refuses, USER@HOST entries, and
 * garbage that must neither crash nor take exponential time.
 * Where marked D12, the expectation was checked with Debian 12's sshd:
 * `sshd -T -C user=...,addr=...` on a Match block of that pattern.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sshmatch.h"
#include "util.h"

START_TEST(sshmatch_pattern_wildcards)
{
	ck_assert(sshmatch_pattern("alice", "alice"));
	ck_assert(!sshmatch_pattern("alice", "Alice"));	/* case matters for users */
	ck_assert(sshmatch_pattern("alice", "*"));
	ck_assert(sshmatch_pattern("", "*"));
	ck_assert(sshmatch_pattern("", ""));
	ck_assert(!sshmatch_pattern("a", ""));
	ck_assert(!sshmatch_pattern("", "?"));
	ck_assert(sshmatch_pattern("alice", "a*"));
	ck_assert(sshmatch_pattern("alice", "*e"));
	ck_assert(sshmatch_pattern("alice", "a*c*"));
	ck_assert(sshmatch_pattern("alice", "al?ce"));
	ck_assert(!sshmatch_pattern("alce", "al?ce"));
	ck_assert(sshmatch_pattern("alice", "**a**e**"));
	ck_assert(!sshmatch_pattern("alice", "*x*"));
	ck_assert(sshmatch_pattern("aaa", "*a"));
	ck_assert(sshmatch_pattern("abcbcd", "*bcd"));	/* needs backtracking */
	ck_assert(!sshmatch_pattern("abcbce", "*bcd"));
	ck_assert(sshmatch_pattern("a,b", "a,b"));	/* a single pattern: ',' is a byte */
	ck_assert(sshmatch_pattern("!x", "!x"));	/* and so is '!' */
	ck_assert(sshmatch_pattern("10.0.0.1", "10.*"));
	ck_assert(!sshmatch_pattern("110.0.0.1", "10.*"));
	/* No classes or escapes in OpenSSH patterns. */
	ck_assert(!sshmatch_pattern("a", "[a]"));
	ck_assert(sshmatch_pattern("[a]", "[a]"));
	ck_assert(sshmatch_pattern("a\\", "a\\"));
}
END_TEST

START_TEST(sshmatch_pattern_no_exponential_time)
{
	/* Recursion would take 2^40 steps here. */
	char s[200], p[100];
	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	for (size_t i = 0; i < 40; i++)
		p[2 * i] = '*', p[2 * i + 1] = 'a';
	p[80] = 'b';
	p[81] = '\0';
	clock_t t0 = clock();
	ck_assert(!sshmatch_pattern(s, p));
	ck_assert(sshmatch_pattern(s, p + 2 * 40 - 2) == false);
	ck_assert_msg((clock() - t0) / (double) CLOCKS_PER_SEC < 1.0, "pattern matching took too long");
}
END_TEST

START_TEST(sshmatch_list_negation_wins)
{
	ck_assert_int_eq(sshmatch_list("alice", "alice", false), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_list("alice", "bob,alice", false), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_list("alice", "bob,carol", false), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_list("alice", "*,!alice", false), SSHMATCH_NEGATED);
	ck_assert_int_eq(sshmatch_list("alice", "!alice,*", false), SSHMATCH_NEGATED);
	ck_assert_int_eq(sshmatch_list("bob", "*,!alice", false), SSHMATCH_YES);
	/* Only negations: nothing positive matched, so no match (D12: "Match User !root" is for nobody). */
	ck_assert_int_eq(sshmatch_list("bob", "!alice", false), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_list("alice", "!a*", false), SSHMATCH_NEGATED);
	/* Empty entries match only the empty string; a trailing ',' adds none. */
	ck_assert_int_eq(sshmatch_list("alice", "alice,", false), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_list("", ",x", false), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_list("", "!", false), SSHMATCH_NEGATED);
	ck_assert_int_eq(sshmatch_list("alice", "", false), SSHMATCH_NO);
	/* Host names compare without case. */
	ck_assert_int_eq(sshmatch_list("host.example.org", "*.EXAMPLE.org", true), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_list("HOST.example.org", "host.*", true), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_list("Alice", "alice", false), SSHMATCH_NO);
}
END_TEST

START_TEST(sshmatch_list_entry_limit)
{
	_cleanup_free_ char *list = malloc(3000);
	ck_assert_ptr_nonnull(list);
	/* 1022 bytes fit sshd's buffer; 1023 make the whole list fail, even a later match. */
	memset(list, 'a', 1022);
	strcpy(list + 1022, ",bob");
	ck_assert_int_eq(sshmatch_list("bob", list, false), SSHMATCH_YES);
	memset(list, 'a', 1023);
	strcpy(list + 1023, ",bob");
	ck_assert_int_eq(sshmatch_list("bob", list, false), SSHMATCH_NO);
	/* A negated entry of 1023 bytes too. */
	list[0] = '!';
	memset(list + 1, '*', 1023);
	strcpy(list + 1024, ",bob");
	ck_assert_int_eq(sshmatch_list("bob", list, false), SSHMATCH_NO);
}
END_TEST

START_TEST(sshmatch_addr_list_cidr)
{
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.1", "192.0.2.0/24"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("192.0.3.1", "192.0.2.0/24"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.1", "192.0.2.1"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.1", "192.0.2.1/32"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("10.1.2.3", "0.0.0.0/0"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("10.1.2.3", "10.0.0.0/8,!10.1.0.0/16"), SSHMATCH_NEGATED);
	ck_assert_int_eq(sshmatch_addr_list("10.2.2.3", "10.0.0.0/8,!10.1.0.0/16"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("2001:db8::1", "2001:db8::/32"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("2001:db9::1", "2001:db8::/32"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_addr_list("2001:db8::1", "2001:db8::1/128"), SSHMATCH_YES);
	/* A family never matches the other's network. */
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.1", "::/0"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_addr_list("::1", "0.0.0.0/0"), SSHMATCH_NO);
	/* Odd prefixes of a byte. */
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.130", "192.0.2.128/25"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.127", "192.0.2.128/25"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.9", "192.0.2.8/29"), SSHMATCH_YES);
}
END_TEST

START_TEST(sshmatch_addr_list_wildcards)
{
	/* Not an address: a pattern on the address text. */
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.1", "192.0.2.*"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.1", "192.0.?.1"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.1", "*"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.1", "!192.0.2.*,*"), SSHMATCH_NEGATED);
	ck_assert_int_eq(sshmatch_addr_list("192.0.2.1", "host.example.org"), SSHMATCH_NO);
	/* A client address that does not parse matches nothing, not even '*'. */
	ck_assert_int_eq(sshmatch_addr_list("unknown", "*"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_addr_list("", "*"), SSHMATCH_NO);
}
END_TEST

START_TEST(sshmatch_addr_list_invalid)
{
	/* Lists sshd refuses at start ("Invalid Match address argument"), D12 for the first two. */
	ck_assert_int_eq(sshmatch_addr_list(NULL, "10.0.0.1/8"), SSHMATCH_INVALID);	/* host bits */
	ck_assert_int_eq(sshmatch_addr_list(NULL, "10.0.0.0/33"), SSHMATCH_INVALID);
	ck_assert_int_eq(sshmatch_addr_list(NULL, "2001:db8::/129"), SSHMATCH_INVALID);
	ck_assert_int_eq(sshmatch_addr_list(NULL, "10.0.0.0/8,"), SSHMATCH_INVALID);	/* empty entry */
	ck_assert_int_eq(sshmatch_addr_list(NULL, ",10.0.0.0/8"), SSHMATCH_INVALID);
	ck_assert_int_eq(sshmatch_addr_list(NULL, "a,,b"), SSHMATCH_INVALID);
	ck_assert_int_eq(sshmatch_addr_list(NULL, "!"), SSHMATCH_INVALID);
	ck_assert_int_eq(sshmatch_addr_list("10.0.0.1", "10.0.0.1/8"), SSHMATCH_INVALID);
	/* Valid ones. */
	ck_assert_int_eq(sshmatch_addr_list(NULL, "10.0.0.0/8,!10.1.0.0/16,192.0.2.*"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_addr_list(NULL, "*"), SSHMATCH_NO);
	/* A bad prefix is not a network, so it is a (never matching) pattern, not an error. */
	ck_assert_int_eq(sshmatch_addr_list(NULL, "10.0.0.0/x"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_addr_list(NULL, "10.0.0.0/"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_addr_list("10.0.0.1", "10.0.0.0/-1"), SSHMATCH_NO);
}
END_TEST

START_TEST(sshmatch_user_entries)
{
	ck_assert_int_eq(sshmatch_user("alice", NULL, NULL, "alice"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_user("alice", NULL, NULL, "a*"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_user("alice", NULL, NULL, "bob"), SSHMATCH_NO);
	/* USER is one pattern: no list, no negation. */
	ck_assert_int_eq(sshmatch_user("alice", NULL, NULL, "bob,alice"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_user("alice", NULL, NULL, "!bob"), SSHMATCH_NO);
	/* A host part: known client. */
	ck_assert_int_eq(sshmatch_user("alice", "192.0.2.1", "192.0.2.1", "alice@192.0.2.0/24"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_user("alice", "198.51.100.1", "198.51.100.1", "alice@192.0.2.0/24"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_user("alice", "gw.example.org", "198.51.100.1", "alice@*.example.org"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_user("alice", "gw.example.org", "198.51.100.1", "alice@*.EXAMPLE.org"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_user("alice", "192.0.2.1", "192.0.2.1", "alice@*,!192.0.2.1"), SSHMATCH_NO);
	ck_assert_int_eq(sshmatch_user("bob", "192.0.2.1", "192.0.2.1", "alice@192.0.2.0/24"), SSHMATCH_NO);
	/* Unknown client: it depends, unless the host part is only '*'. */
	ck_assert_int_eq(sshmatch_user("alice", NULL, NULL, "alice@192.0.2.0/24"), SSHMATCH_UNKNOWN);
	ck_assert_int_eq(sshmatch_user("alice", NULL, NULL, "alice@*"), SSHMATCH_YES);
	ck_assert_int_eq(sshmatch_user("alice", NULL, NULL, "alice@*,!10.*"), SSHMATCH_UNKNOWN);
	ck_assert_int_eq(sshmatch_user("bob", NULL, NULL, "alice@192.0.2.0/24"), SSHMATCH_NO);
	/* A host part sshd refuses ("invalid AllowUsers pattern"). */
	ck_assert_int_eq(sshmatch_user("alice", NULL, NULL, "alice@10.0.0.1/8"), SSHMATCH_INVALID);
	ck_assert_int_eq(sshmatch_user("alice", "x", "10.0.0.1", "alice@"), SSHMATCH_INVALID);
	ck_assert(!sshmatch_user_valid("alice@10.0.0.1/8"));
	ck_assert(!sshmatch_user_valid(""));
	ck_assert(sshmatch_user_valid("alice@10.0.0.0/8"));
	ck_assert(sshmatch_user_valid("*"));
	/* Only the first '@' splits: the rest is the host list. */
	ck_assert_int_eq(sshmatch_user("alice", "a@b", "192.0.2.1", "alice@a@b"), SSHMATCH_YES);
}
END_TEST

/* Random bytes (NUL-free) in every role: answers stay in range, nothing crashes. */
START_TEST(sshmatch_garbage)
{
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	char a[64], b[64];

	for (int n = 0; n < 20000; n++) {
		size_t la = 0, lb = 0;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		la = x % sizeof(a);
		lb = (x >> 8) % sizeof(b);
		for (size_t i = 0; i < la; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			a[i] = "*?,!@./:0123456789abcdef[]\\ \t\xff"[x % 31];
		}
		for (size_t i = 0; i < lb; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[i] = "*?,!@./:0123456789abcdef[]\\ \t\xff"[x % 31];
		}
		a[la] = b[lb] = '\0';
		(void) sshmatch_pattern(a, b);
		int r = sshmatch_list(a, b, x & 1);
		ck_assert(r == SSHMATCH_YES || r == SSHMATCH_NO || r == SSHMATCH_NEGATED);
		r = sshmatch_addr_list(x & 2 ? a : NULL, b);
		ck_assert(r >= SSHMATCH_INVALID && r <= SSHMATCH_YES);
		r = sshmatch_user(a, x & 4 ? a : NULL, x & 4 ? "192.0.2.1" : NULL, b);
		ck_assert(r >= SSHMATCH_INVALID && r <= SSHMATCH_UNKNOWN);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sshmatch");
	TCase *tc = tcase_create("sshmatch");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, sshmatch_pattern_wildcards);
	tcase_add_test(tc, sshmatch_pattern_no_exponential_time);
	tcase_add_test(tc, sshmatch_list_negation_wins);
	tcase_add_test(tc, sshmatch_list_entry_limit);
	tcase_add_test(tc, sshmatch_addr_list_cidr);
	tcase_add_test(tc, sshmatch_addr_list_wildcards);
	tcase_add_test(tc, sshmatch_addr_list_invalid);
	tcase_add_test(tc, sshmatch_user_entries);
	tcase_add_test(tc, sshmatch_garbage);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
