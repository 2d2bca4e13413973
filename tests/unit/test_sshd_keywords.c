/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sshd keyword table (src/sshd_keywords.c): lookup in any case, the
 * versions of RULES §3.9, the value checks against what sshd's parser
 * accepts, "did you mean", and the table's own consistency: sorted, the
 * accumulating keywords of RULES §3.3, and the keyword list of Debian 12's
 * real sshd binary (tests/sshd-keywords/debian-9.2).  Expectations marked
 * D12 were checked with Debian 12's sshd -t (OpenSSH 9.2p1).
 *
 * The table is static; the test includes the module to walk the very
 * array sshd_keyword_lookup() searches (as e2fsprogs' tst_problem checks
 * problem_table).  Every function is then taken from this copy, so the
 * library's sshd_keywords.o is not linked in.
 */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "sshd_keywords.c"
#include "util.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static const struct sshd_keyword *kw(const char *name)
{
	const struct sshd_keyword *k = sshd_keyword_lookup(name);

	ck_assert_msg(k, "%s is not in the table", name);
	return k;
}

static void upper(const char *s, char *out, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		out[i] = (char) toupper((unsigned char) s[i]);
	out[i] = '\0';
}

/* ---- the table ---- */

START_TEST(sshd_keyword_table_sorted)
{
	/* Sorted without case, as sshd compares: a new entry has one right place, a duplicate shows. */
	for (size_t i = 1; i < ELEMENTSOF(keywords); i++)
		ck_assert_msg(strcasecmp(keywords[i - 1].name, keywords[i].name) < 0, "\"%s\" must come after \"%s\"",
			      keywords[i - 1].name, keywords[i].name);
}
END_TEST

START_TEST(sshd_keyword_table_entries_consistent)
{
	for (size_t i = 0; i < ELEMENTSOF(keywords); i++) {
		const struct sshd_keyword *k = &keywords[i];
		/* servconf.c has no Match-only keyword: each is SSHCFG_GLOBAL or SSHCFG_ALL. */
		ck_assert_msg(k->flags & KW_GLOBAL, "%s: not allowed outside Match?", k->name);
		if (k->until_major || k->until_minor)
			ck_assert_msg(version_before(k->since_major, k->since_minor, k->until_major, k->until_minor),
				      "%s: removed before it came", k->name);
		ck_assert_msg(!((k->flags & KW_DEPRECATED) && (k->flags & KW_IGNORED)), "%s: deprecated or ignored?",
			      k->name);
	}
}
END_TEST

/*
 * RULES §3.3: these add up instead of "first value wins".  Subsystem (one
 * per name) and HostDSAKey (an alias of HostKey) are marked too.  The set
 * is spelled out so a change to it is a deliberate one.
 */
START_TEST(sshd_keyword_multi_is_exactly_rules_3_3)
{
	static const char *const multi[] = {
		"Port", "ListenAddress", "HostKey", "HostCertificate", "AllowUsers", "DenyUsers",
		"AllowGroups", "DenyGroups", "AcceptEnv", "Subsystem", "HostDSAKey",
	};
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(multi); i++)
		ck_assert_msg(kw(multi[i])->flags & KW_MULTI, "%s must be KW_MULTI (RULES §3.3)", multi[i]);
	for (size_t i = 0; i < ELEMENTSOF(keywords); i++) {
		bool listed = false;
		for (size_t m = 0; m < ELEMENTSOF(multi); m++)
			listed |= strcmp(multi[m], keywords[i].name) == 0;
		ck_assert_msg(!!(keywords[i].flags & KW_MULTI) == listed, "%s: KW_MULTI is %s", keywords[i].name,
			      listed ? "missing" : "not expected (first value wins, RULES §3.3)");
		n += listed;
	}
	ck_assert_uint_eq(n, ELEMENTSOF(multi));
}
END_TEST

/* RULES §1.1, §3.8, §3.9: flags the checks rely on. */
START_TEST(sshd_keyword_flags_from_rules)
{
	static const char *const deprecated[] = {
		"ServerKeyBits", "KeyRegenerationInterval", "RSAAuthentication", "RhostsRSAAuthentication",
		"UseLogin", "UsePrivilegeSeparation", "AuthorizedKeysFile2", "CheckMail",
		"PAMAuthenticationViaKbdInt",
	};

	for (size_t i = 0; i < ELEMENTSOF(deprecated); i++)
		ck_assert_msg(kw(deprecated[i])->flags & KW_DEPRECATED, "%s", deprecated[i]);
	ck_assert(kw("Protocol")->flags & KW_IGNORED);
	/* StrictModes inside Match is fatal. */
	ck_assert(kw("StrictModes")->flags & KW_GLOBAL);
	ck_assert(!(kw("StrictModes")->flags & KW_MATCH));
	ck_assert(kw("PermitRootLogin")->flags & KW_MATCH);
	ck_assert(kw("AuthorizedKeysFile")->flags & KW_MATCH);
	ck_assert(!(kw("Port")->flags & KW_MATCH));
	ck_assert(kw("DebianBanner")->flags & KW_DEBIAN);
	ck_assert(kw("GSSAPIKeyExchange")->flags & KW_DEBIAN);
	ck_assert(!(kw("GSSAPIAuthentication")->flags & KW_DEBIAN));
}
END_TEST

/*
 * The table against Debian 12's real sshd (its own keyword strings): what
 * the table says a 9.2 Debian build knows is exactly what it knows.  Only
 * the newer keywords of §3.9 are in the table and not in the binary.
 */
START_TEST(sshd_keyword_table_matches_debian_9_2_binary)
{
	_cleanup_fclose_ FILE *f = fopen(TOP_SRCDIR "/tests/sshd-keywords/debian-9.2", "re");
	_cleanup_strv_free_ char **listed = NULL;
	char line[256];

	ck_assert_msg(f, "cannot open %s/tests/sshd-keywords/debian-9.2", TOP_SRCDIR);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		ck_assert_int_eq(strv_push(&listed, strdup(line)), 0);
	}
	ck_assert_uint_gt(strv_length(listed), 100);

	for (size_t i = 0; listed[i]; i++) {
		const struct sshd_keyword *k = sshd_keyword_lookup(listed[i]);
		const char *why = NULL;
		ck_assert_msg(k, "Debian 12's sshd knows \"%s\"; the table does not", listed[i]);
		ck_assert_msg(sshd_keyword_supported(k, 9, 2, true, &why), "%s: %s", k->name, why);
	}
	for (size_t i = 0; i < ELEMENTSOF(keywords); i++) {
		const char *why = NULL;
		bool in_binary = false;
		for (size_t l = 0; listed[l]; l++)
			in_binary |= strcasecmp(listed[l], keywords[i].name) == 0;
		ck_assert_msg(sshd_keyword_supported(&keywords[i], 9, 2, true, &why) == in_binary,
			      "%s: the table says a Debian 9.2 sshd %s it, the binary %s", keywords[i].name,
			      in_binary ? "refuses" : "knows", in_binary ? "knows it" : "says \"Bad configuration option\"");
	}
}
END_TEST

/* ---- sshd_keyword_lookup() ---- */

START_TEST(sshd_keyword_lookup_every_name_any_case)
{
	char up[64], low[64];

	for (size_t i = 0; i < ELEMENTSOF(keywords); i++) {
		const char *name = keywords[i].name;
		ck_assert_ptr_eq(sshd_keyword_lookup(name), &keywords[i]);
		upper(name, up, sizeof(up));
		ck_assert_ptr_eq(sshd_keyword_lookup(up), &keywords[i]);
		for (size_t c = 0; c <= strlen(name); c++)
			low[c] = (char) tolower((unsigned char) name[c]);
		ck_assert_ptr_eq(sshd_keyword_lookup(low), &keywords[i]);
	}
	ck_assert_str_eq(sshd_keyword_lookup("pErMiTrOoTlOgIn")->name, "PermitRootLogin");
	ck_assert_str_eq(sshd_keyword_lookup("X11FORWARDING")->name, "X11Forwarding");
}
END_TEST

START_TEST(sshd_keyword_lookup_unknown_is_null)
{
	static const char *const unknown[] = {
		"", "Foo", "Por", "Port2", "PortX", " Port", "Port ", "Port=", "PermitRootLogn", "UseBlacklistX",
		"Protocol2", "DebianBanners", "#Port", "Match\n",
	};

	for (size_t i = 0; i < ELEMENTSOF(unknown); i++)
		ck_assert_msg(!sshd_keyword_lookup(unknown[i]), "\"%s\" was found", unknown[i]);
}
END_TEST

/* The aliases of RULES §3.9 are keywords of their own. */
START_TEST(sshd_keyword_lookup_aliases)
{
	ck_assert_ptr_nonnull(sshd_keyword_lookup("ChallengeResponseAuthentication"));
	ck_assert_ptr_nonnull(sshd_keyword_lookup("PubkeyAcceptedKeyTypes"));
	ck_assert_ptr_nonnull(sshd_keyword_lookup("HostDSAKey"));
	ck_assert_ptr_ne(sshd_keyword_lookup("HostDSAKey"), sshd_keyword_lookup("HostKey"));
}
END_TEST

/* ---- sshd_keyword_supported() ---- */

static void expect_supported(const char *name, int major, int minor, bool debian, bool want, const char *want_why)
{
	const char *why = NULL;
	bool got = sshd_keyword_supported(kw(name), major, minor, debian, &why);

	ck_assert_msg(got == want, "%s on %d.%d%s: %s", name, major, minor, debian ? " (Debian)" : "",
		      got ? "accepted" : why);
	if (want)
		ck_assert_ptr_null(why);
	else {
		ck_assert_ptr_nonnull(why);
		ck_assert_str_eq(why, want_why);
	}
}

#define NEWER "it is newer than the target's sshd"
#define GONE "the target's sshd no longer has it"
#define DEBIAN_ONLY "only Debian and Ubuntu builds of sshd know it"

/* Each keyword of RULES §3.9 with its first version: refused just before, accepted from it on. */
START_TEST(sshd_keyword_supported_version_boundaries)
{
	static const struct {
		const char *name;
		int major, minor;
	} since[] = {
		{ "Include", 8, 2 },
		{ "PubkeyAuthOptions", 8, 2 },
		{ "SecurityKeyProvider", 8, 2 },
		{ "PubkeyAcceptedAlgorithms", 8, 5 },
		{ "HostbasedAcceptedAlgorithms", 8, 5 },
		{ "PerSourceMaxStartups", 8, 5 },
		{ "PerSourceNetBlockSize", 8, 5 },
		{ "LogVerbose", 8, 5 },
		{ "ModuliFile", 8, 6 },
		{ "RequiredRSASize", 9, 1 },
		{ "ChannelTimeout", 9, 2 },
		{ "UnusedConnectionTimeout", 9, 2 },
		{ "PerSourcePenalties", 9, 8 },
		{ "PerSourcePenaltyExemptList", 9, 8 },
		{ "SshdSessionPath", 9, 8 },
		{ "RefuseConnection", 9, 9 },
		{ "SshdAuthPath", 10, 0 },
	};

	for (size_t i = 0; i < ELEMENTSOF(since); i++) {
		int maj = since[i].major, min = since[i].minor;
		int pmaj = min > 0 ? maj : maj - 1, pmin = min > 0 ? min - 1 : 9;
		for (int deb = 0; deb <= 1; deb++) {
			expect_supported(since[i].name, pmaj, pmin, deb, false, NEWER);
			expect_supported(since[i].name, maj, min, deb, true, NULL);
			expect_supported(since[i].name, maj, min + 1, deb, true, NULL);
			expect_supported(since[i].name, maj + 1, 0, deb, true, NULL);
			expect_supported(since[i].name, 7, 4, deb, false, NEWER);
		}
	}
}
END_TEST

/* The boundaries of RULES §3.9 that checks meet most, spelled out. */
START_TEST(sshd_keyword_supported_named_boundaries)
{
	expect_supported("Include", 8, 1, false, false, NEWER);
	expect_supported("Include", 8, 2, false, true, NULL);
	expect_supported("RequiredRSASize", 9, 0, false, false, NEWER);
	expect_supported("RequiredRSASize", 9, 1, false, true, NULL);
	expect_supported("ChannelTimeout", 9, 1, false, false, NEWER);
	expect_supported("ChannelTimeout", 9, 2, false, true, NULL);
	expect_supported("PerSourcePenalties", 9, 7, false, false, NEWER);
	expect_supported("PerSourcePenalties", 9, 8, false, true, NULL);
	expect_supported("SshdAuthPath", 9, 9, false, false, NEWER);
	expect_supported("SshdAuthPath", 10, 0, false, true, NULL);
}
END_TEST

/* Deprecated up to 10.3, a bad option from 10.4 (RULES §3.9). */
START_TEST(sshd_keyword_supported_removed)
{
	expect_supported("PAMAuthenticationViaKbdInt", 7, 4, false, true, NULL);
	expect_supported("PAMAuthenticationViaKbdInt", 10, 3, false, true, NULL);
	expect_supported("PAMAuthenticationViaKbdInt", 10, 4, false, false, GONE);
	expect_supported("PAMAuthenticationViaKbdInt", 10, 5, true, false, GONE);
	expect_supported("PAMAuthenticationViaKbdInt", 11, 0, false, false, GONE);
}
END_TEST

/* 9.10 is after 9.8 and before 10.0: numbers, not strings. */
START_TEST(sshd_keyword_supported_compares_numerically)
{
	expect_supported("PerSourcePenalties", 9, 10, false, true, NULL);
	expect_supported("SshdAuthPath", 9, 10, false, false, NEWER);
	expect_supported("ChannelTimeout", 10, 1, false, true, NULL);
	expect_supported("Include", 10, 0, false, true, NULL);
	expect_supported("Include", 9, 0, false, true, NULL);
	expect_supported("ModuliFile", 8, 10, false, true, NULL);
}
END_TEST

START_TEST(sshd_keyword_supported_debian_only)
{
	expect_supported("DebianBanner", 9, 2, false, false, DEBIAN_ONLY);
	expect_supported("DebianBanner", 9, 2, true, true, NULL);
	expect_supported("GSSAPIKeyExchange", 8, 7, false, false, DEBIAN_ONLY);
	expect_supported("GSSAPIKeyExchange", 8, 7, true, true, NULL);
	/* Debian's patches do not bring newer keywords to an older sshd. */
	expect_supported("Include", 8, 1, true, false, NEWER);
	expect_supported("Port", 5, 0, false, true, NULL);
}
END_TEST

/* Unknown version: trust the table; only a Debian-only keyword on another build is refused. */
START_TEST(sshd_keyword_supported_unknown_version)
{
	size_t n_debian = 0;

	for (size_t i = 0; i < ELEMENTSOF(keywords); i++) {
		const struct sshd_keyword *k = &keywords[i];
		bool debian_only = k->flags & KW_DEBIAN;
		const char *why = NULL;

		ck_assert_msg(sshd_keyword_supported(k, -1, -1, true, &why), "%s: %s", k->name, why);
		ck_assert_msg(sshd_keyword_supported(k, -1, -1, false, &why) == !debian_only, "%s", k->name);
		if (debian_only)
			ck_assert_str_eq(why, DEBIAN_ONLY);
		n_debian += debian_only;
	}
	ck_assert_uint_ge(n_debian, 2);
}
END_TEST

/* ---- sshd_keyword_check_value() ---- */

static void expect_value(const char *name, const char *value, bool good)
{
	const char *bad = sshd_keyword_check_value(kw(name), value);

	ck_assert_msg(good ? bad == NULL : bad != NULL, "%s \"%s\": %s", name, value, bad ? bad : "accepted");
}

static void expect_values(const char *name, const char *const *good, const char *const *bad)
{
	for (size_t i = 0; good[i]; i++)
		expect_value(name, good[i], true);
	for (size_t i = 0; bad[i]; i++)
		expect_value(name, bad[i], false);
}

START_TEST(sshd_keyword_check_value_kinds)
{
	ck_assert_int_eq(kw("Port")->arg, KA_PORT);
	ck_assert_int_eq(kw("UsePAM")->arg, KA_FLAG);
	ck_assert_int_eq(kw("StrictModes")->arg, KA_FLAG);
	ck_assert_int_eq(kw("PermitRootLogin")->arg, KA_ROOT);
	ck_assert_int_eq(kw("AddressFamily")->arg, KA_FAMILY);
	ck_assert_int_eq(kw("LoginGraceTime")->arg, KA_TIME);
	ck_assert_int_eq(kw("ClientAliveInterval")->arg, KA_TIME);
	ck_assert_int_eq(kw("MaxAuthTries")->arg, KA_INT);
	ck_assert_int_eq(kw("Banner")->arg, KA_ANY);
	/* Not yes/no only (shosts-only, clientspecified, delayed, ...). */
	ck_assert_int_eq(kw("IgnoreRhosts")->arg, KA_ANY);
	ck_assert_int_eq(kw("GatewayPorts")->arg, KA_ANY);
	ck_assert_int_eq(kw("Compression")->arg, KA_ANY);
	ck_assert_int_eq(kw("PermitTunnel")->arg, KA_ANY);
	ck_assert_int_eq(kw("AllowTcpForwarding")->arg, KA_ANY);
}
END_TEST

/* a2port(): strtonum(1..65535), else a service name (D12). */
START_TEST(sshd_keyword_check_value_port)
{
	static const char *const good[] = { "22", "1", "65535", "2222", "022", NULL };
	static const char *const bad[] = { "0", "65536", "22a", "-1", "", "99999999999999999999", "22 ", "0x16", NULL };

	expect_values("Port", good, bad);
}
END_TEST

/*
 * sshd takes what strtonum() takes (leading white space, a '+') and then a
 * service name from the target's /etc/services, which this check cannot
 * see: "Port https" is a working line (D12) and must not be commented out.
 */
START_TEST(sshd_keyword_check_value_port_like_sshd)
{
	static const char *const good[] = { " 22", "+22", "ssh", "https", "http-alt", NULL };
	static const char *const bad[] = { "-22", "+0", " 0", NULL };

	expect_values("Port", good, bad);
}
END_TEST

START_TEST(sshd_keyword_check_value_flag)
{
	static const char *const good[] = { "yes", "no", "YES", "No", "nO", NULL };
	static const char *const bad[] = { "maybe", "", "1", "0", "true", "yes ", " yes", "y", NULL };
	size_t n = 0;

	expect_values("UsePAM", good, bad);
	/* Every yes/no keyword of the table. */
	for (size_t i = 0; i < ELEMENTSOF(keywords); i++) {
		if (keywords[i].arg != KA_FLAG)
			continue;
		n++;
		expect_values(keywords[i].name, good, bad);
	}
	ck_assert_uint_gt(n, 20);
}
END_TEST

START_TEST(sshd_keyword_check_value_permit_root_login)
{
	static const char *const good[] = { "yes", "no", "prohibit-password", "without-password", "forced-commands-only",
					    "Without-Password", "NO", NULL };
	static const char *const bad[] = { "maybe", "", "prohibit", "prohibit_password", "forced-commands",
					   "without-password ", NULL };

	expect_values("PermitRootLogin", good, bad);
}
END_TEST

START_TEST(sshd_keyword_check_value_address_family)
{
	static const char *const good[] = { "any", "inet", "inet6", "INET6", "Any", NULL };
	static const char *const bad[] = { "ipv4", "inet4", "ipv6", "", "all", "inet 6", NULL };

	expect_values("AddressFamily", good, bad);
}
END_TEST

/* convtime(): digits with s/m/h/d/w, repeated, summing to at most INT_MAX (D12). */
START_TEST(sshd_keyword_check_value_time)
{
	static const char *const good[] = { "0", "30", "2m", "1h30m", "1H30M", "30s", "1w2d3h4m5s", "120",
					    "2147483647", "24855d", "3550w", "35791394m", NULL };
	static const char *const bad[] = { "1x", "", "m", "1hm", "-5", "1.5h", "2m ", "2147483648", "24856d", "3551w",
					   "35791395m", "1h2147483647", "99999999999999999999", NULL };

	expect_values("LoginGraceTime", good, bad);
	expect_values("ClientAliveInterval", good, bad);
}
END_TEST

/* atoi_err(): strtonum(0..INT_MAX) (D12). */
START_TEST(sshd_keyword_check_value_int)
{
	static const char *const good[] = { "0", "6", "2147483647", "+5", " 5", NULL };
	static const char *const bad[] = { "-1", "2147483648", "0x10", "5a", "", "six", "5 ", NULL };

	expect_values("MaxAuthTries", good, bad);
	expect_values("MaxSessions", good, bad);
	expect_values("ClientAliveCountMax", good, bad);
}
END_TEST

START_TEST(sshd_keyword_check_value_any)
{
	static const char *const good[] = { "", "anything at all", "/etc/issue.net", "none", NULL };
	static const char *const bad[] = { NULL };

	expect_values("Banner", good, bad);
	expect_values("AuthorizedKeysFile", good, bad);
}
END_TEST

/* ---- sshd_keyword_suggest() ---- */

START_TEST(sshd_keyword_suggest_typos)
{
	ck_assert_str_eq(sshd_keyword_suggest("PermitRootLogn"), "PermitRootLogin");
	ck_assert_str_eq(sshd_keyword_suggest("PasswordAuthentcation"), "PasswordAuthentication");
	ck_assert_str_eq(sshd_keyword_suggest("PasswdAuthentication"), "PasswordAuthentication");
	ck_assert_str_eq(sshd_keyword_suggest("PermitRootLog"), "PermitRootLogin");
	ck_assert_str_eq(sshd_keyword_suggest("AuthorisedKeysFile"), "AuthorizedKeysFile");
	ck_assert_str_eq(sshd_keyword_suggest("Prot"), "Port");
	ck_assert_str_eq(sshd_keyword_suggest("permitrootlogn"), "PermitRootLogin");
}
END_TEST

/* A keyword in the wrong case is that keyword (distance 0), whatever else is near. */
START_TEST(sshd_keyword_suggest_exact_in_other_case)
{
	char up[64];

	ck_assert_str_eq(sshd_keyword_suggest("pubkeyauthentication"), "PubkeyAuthentication");
	for (size_t i = 0; i < ELEMENTSOF(keywords); i++) {
		ck_assert_ptr_eq(sshd_keyword_suggest(keywords[i].name), keywords[i].name);
		upper(keywords[i].name, up, sizeof(up));
		ck_assert_ptr_eq(sshd_keyword_suggest(up), keywords[i].name);
	}
}
END_TEST

START_TEST(sshd_keyword_suggest_far_is_null)
{
	char longer[200];

	ck_assert_ptr_null(sshd_keyword_suggest("Frobnicate"));
	ck_assert_ptr_null(sshd_keyword_suggest("xyzzy"));
	ck_assert_ptr_null(sshd_keyword_suggest(""));
	/* Three edits away is too far. */
	ck_assert_ptr_null(sshd_keyword_suggest("PermitRootLo"));
	ck_assert_ptr_null(sshd_keyword_suggest("PermitRoutLgn"));
	/* Longer than any keyword: no out-of-bounds row, no suggestion. */
	memset(longer, 'A', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert_ptr_null(sshd_keyword_suggest(longer));
	memcpy(longer, "PermitRootLogin", 15);
	ck_assert_ptr_null(sshd_keyword_suggest(longer));
}
END_TEST

static Suite *sshd_keywords_suite(void)
{
	Suite *s = suite_create("sshd_keywords");
	TCase *tc = tcase_create("sshd_keywords");

	tcase_add_test(tc, sshd_keyword_table_sorted);
	tcase_add_test(tc, sshd_keyword_table_entries_consistent);
	tcase_add_test(tc, sshd_keyword_multi_is_exactly_rules_3_3);
	tcase_add_test(tc, sshd_keyword_flags_from_rules);
	tcase_add_test(tc, sshd_keyword_table_matches_debian_9_2_binary);
	tcase_add_test(tc, sshd_keyword_lookup_every_name_any_case);
	tcase_add_test(tc, sshd_keyword_lookup_unknown_is_null);
	tcase_add_test(tc, sshd_keyword_lookup_aliases);
	tcase_add_test(tc, sshd_keyword_supported_version_boundaries);
	tcase_add_test(tc, sshd_keyword_supported_named_boundaries);
	tcase_add_test(tc, sshd_keyword_supported_removed);
	tcase_add_test(tc, sshd_keyword_supported_compares_numerically);
	tcase_add_test(tc, sshd_keyword_supported_debian_only);
	tcase_add_test(tc, sshd_keyword_supported_unknown_version);
	tcase_add_test(tc, sshd_keyword_check_value_kinds);
	tcase_add_test(tc, sshd_keyword_check_value_port);
	tcase_add_test(tc, sshd_keyword_check_value_port_like_sshd);
	tcase_add_test(tc, sshd_keyword_check_value_flag);
	tcase_add_test(tc, sshd_keyword_check_value_permit_root_login);
	tcase_add_test(tc, sshd_keyword_check_value_address_family);
	tcase_add_test(tc, sshd_keyword_check_value_time);
	tcase_add_test(tc, sshd_keyword_check_value_int);
	tcase_add_test(tc, sshd_keyword_check_value_any);
	tcase_add_test(tc, sshd_keyword_suggest_typos);
	tcase_add_test(tc, sshd_keyword_suggest_exact_in_other_case);
	tcase_add_test(tc, sshd_keyword_suggest_far_is_null);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sshd_keywords_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
