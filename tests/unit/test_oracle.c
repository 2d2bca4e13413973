/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sshd oracle (src/oracle.c) with a fake runner in place of the
 * sandbox, so that runs are counted and answered without running sshd:
 * sshd's output read defensively, -G from 9.3 and -T before, sshd -t asked
 * once, answers shared by a group and the run limit; and through
 * verdict_user(), that sshd runs once per distinct set of Match blocks
 * that apply, not once per user (issue 11), each user still getting the
 * answer of its own set.  tests/e2e/who.sh compares the same verdicts with
 * real logins on a Debian root.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "accounts.h"
#include "oracle.h"
#include "run.h"
#include "sshd_config.h"
#include "target.h"
#include "testlib.h"
#include "util.h"
#include "verdict.h"

/* What the fake sshd saw and says. */
struct fake {
	unsigned runs;
	char *last_argv[6];
	int start_error;	/* != 0: the program cannot be started */
	int exit_status;
};

static struct fake fake;
static char *root;
static struct target *t;

static void fake_reset(void)
{
	for (size_t i = 0; i < ELEMENTSOF(fake.last_argv); i++)
		free(fake.last_argv[i]);
	fake = (struct fake) {0};
}

/* The value of key= in a -C specification, or NULL. */
static char *spec_get(const char *spec, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = spec; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len > n && strncmp(p, key, n) == 0 && p[n] == '=')
			return strndup(p + n + 1, len - n - 1);
		p += len + (p[len] == ',');
	}
	return NULL;
}

/*
 * A fake sshd -T/-G for the configuration of the verdict cases below:
 * Debian's defaults, "Match User kim" turns keys off, "Match Group
 * twofactor" asks for a password too.
 */
static int fake_run(void *userdata, struct target *tt, const char *const argv[], const struct sandbox_opts *opts,
		    struct sandbox_result *ret, const char **ret_why)
{
	struct buf b = {0};

	struct fake *f = userdata;

	(void) tt, (void) opts;
	f->runs++;
	for (size_t i = 0; i < ELEMENTSOF(f->last_argv); i++) {
		free(f->last_argv[i]);
		f->last_argv[i] = argv[i] ? strdup(argv[i]) : NULL;
		if (!argv[i])
			break;
	}
	*ret = (struct sandbox_result) {0};
	if (f->start_error) {
		*ret_why = "it is not an executable for this machine";
		return f->start_error;
	}
	if (argv[1] && streq(argv[1], "-t")) {
		buf_puts(&b, f->exit_status ? "/etc/ssh/sshd_config line 1: Bad configuration option: Foo\n" : "");
	} else {
		size_t k = 1;
		while (argv[k] && !streq(argv[k], "-C"))
			k++;
		_cleanup_free_ char *user = argv[k] && argv[k + 1] ? spec_get(argv[k + 1], "user") : NULL;
		ck_assert_ptr_nonnull(user);
		buf_printf(&b, "usepam yes\n"
			       "pubkeyauthentication %s\n"
			       "strictmodes yes\n"
			       "permitrootlogin without-password\n"
			       "authorizedkeysfile .ssh/authorized_keys .ssh/authorized_keys2\n"
			       "authenticationmethods %s\n"
			       "chrootdirectory none\n",
			   streq(user, "kim") ? "no" : "yes",
			   streq(user, "mia") || streq(user, "mallory") ? "publickey,password" : "any");
	}
	ret->exit_status = f->exit_status;
	ret->output_len = b.len;
	ret->output = buf_steal(&b);
	return 0;
}

static struct oracle *new_oracle(int major, int minor)
{
	struct oracle *o;

	free(t->facts.sshd_path);
	t->facts.sshd_path = strdup("/usr/sbin/sshd");
	t->facts.sshd_major = major;
	t->facts.sshd_minor = minor;
	ck_assert_int_eq(oracle_new_with(t, NULL, fake_run, &fake, &o), 0);
	return o;
}

static void setup(void)
{
	fake_reset();
	root = tl_mkdtemp();
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/ssh", 0755);
	tl_mkdir(root, "bin", 0755);
	tl_mkdir(root, "home", 0755);
	tl_write(root, "bin/bash", "#!fake\n", 0755);
	ck_assert_int_eq(target_new(root, &t), 0);
}

static void teardown(void)
{
	target_free(t);
	tl_rmtree(root);
	free(root);
	t = NULL;
	root = NULL;
	fake_reset();
}

static struct oracle_conn conn_of(const char *user)
{
	return (struct oracle_conn) { .user = user, .host = "unknown", .addr = "192.0.2.1", .lport = 22 };
}

START_TEST(oracle_parse_is_defensive)
{
	static const char out[] = "UsePAM yes\n"
				  "/etc/ssh/sshd_config line 3: Deprecated option RSAAuthentication\n"
				  "PubkeyAuthentication no\r\n"
				  "bad\0line with a NUL\n"
				  "authorizedkeysfile .ssh/a .ssh/b\n"
				  "\n"
				  "-x y\n"
				  "bannerless\n"
				  "key=value\n"
				  "last no newline";
	struct oracle_config c;

	ck_assert_int_eq(oracle_config_parse(out, sizeof(out) - 1, &c), 0);
	ck_assert_uint_eq(c.n_lines, 5);
	ck_assert_str_eq(c.lines[0].keyword, "usepam");	/* 10.4 prints mixed case */
	ck_assert_str_eq(c.lines[0].value, "yes");
	ck_assert_str_eq(c.lines[1].keyword, "pubkeyauthentication");
	ck_assert_str_eq(c.lines[1].value, "no");	/* no '\r' */
	ck_assert_str_eq(c.lines[2].value, ".ssh/a .ssh/b");
	ck_assert_str_eq(c.lines[3].keyword, "bannerless");
	ck_assert_str_eq(c.lines[3].value, "");
	ck_assert_str_eq(c.lines[4].keyword, "last");
	ck_assert_str_eq(c.lines[4].value, "no newline");
	oracle_config_done(&c);
}
END_TEST

START_TEST(oracle_flag_by_version)
{
	static const struct {
		int major, minor;
		const char *flag;
	} v[] = { { 9, 2, "-T" }, { 9, 3, "-G -T" }, { 10, 0, "-G -T" }, { 8, 9, "-T" }, { -1, -1, "-T" } };
	const struct oracle_conn c = conn_of("alice");

	for (size_t i = 0; i < ELEMENTSOF(v); i++) {
		struct oracle *o = new_oracle(v[i].major, v[i].minor);
		const struct oracle_config *ans;
		ck_assert_str_eq(oracle_config_flag(o), v[i].flag);
		ck_assert_int_eq(oracle_config(o, &c, NULL, &ans), 1);
		/* -G alone refuses -C (10.0: "... provided without test mode (-T)"): -G -T. */
		size_t k = 1;
		if (streq(v[i].flag, "-G -T"))
			ck_assert_str_eq(fake.last_argv[k++], "-G");
		ck_assert_str_eq(fake.last_argv[k++], "-T");
		ck_assert_str_eq(fake.last_argv[k++], "-C");
		ck_assert_str_eq(fake.last_argv[k++], "user=alice,host=unknown,addr=192.0.2.1,lport=22");
		ck_assert_ptr_null(fake.last_argv[k]);
		ck_assert_str_eq(ans->flag, v[i].flag);
		oracle_free(o);
	}
}
END_TEST

START_TEST(oracle_test_runs_once)
{
	struct oracle *o = new_oracle(9, 2);
	const struct oracle_test *res, *again;

	fake.exit_status = 255;
	ck_assert_int_eq(oracle_test(o, &res), 1);
	ck_assert(res->ran);
	ck_assert_int_eq(res->exit_status, 255);
	ck_assert_str_eq(res->last_line, "/etc/ssh/sshd_config line 1: Bad configuration option: Foo");
	ck_assert_int_eq(oracle_test(o, &again), 1);
	ck_assert_ptr_eq(res, again);
	ck_assert_uint_eq(fake.runs, 1);
	oracle_free(o);

	/* A program that cannot start once is not started again, for any question. */
	fake_reset();
	fake.start_error = -ENOEXEC;
	o = new_oracle(9, 2);
	const struct oracle_conn c = conn_of("alice");
	const struct oracle_config *ans;
	ck_assert_int_eq(oracle_config(o, &c, NULL, &ans), 0);
	ck_assert_str_eq(oracle_unavailable(o), "it is not an executable for this machine");
	ck_assert_int_eq(oracle_test(o, &res), 1);
	ck_assert(!res->ran);
	ck_assert_int_eq(res->error, -ENOEXEC);
	ck_assert_uint_eq(fake.runs, 1);
	oracle_free(o);

	/* Before 9.3: a -T that went through answers -t (it makes the same checks, then prints) ... */
	fake_reset();
	o = new_oracle(9, 2);
	ck_assert_int_eq(oracle_config(o, &c, "", &ans), 1);
	ck_assert_int_eq(oracle_test(o, &res), 1);
	ck_assert(res->ran && res->implied);
	ck_assert_int_eq(res->exit_status, 0);
	ck_assert_uint_eq(fake.runs, 1);
	oracle_free(o);
	/* ... and a -t that failed answers -T. */
	fake_reset();
	fake.exit_status = 255;
	o = new_oracle(9, 2);
	ck_assert_int_eq(oracle_test(o, &res), 1);
	ck_assert_int_eq(oracle_config(o, &c, "", &ans), 0);
	ck_assert_str_eq(oracle_refused(o), "/etc/ssh/sshd_config line 1: Bad configuration option: Foo");
	ck_assert_uint_eq(fake.runs, 1);
	oracle_free(o);
	/* From 9.3, -G loads no host keys: it proves nothing about -t, which runs. */
	fake_reset();
	o = new_oracle(9, 3);
	ck_assert_int_eq(oracle_config(o, &c, "", &ans), 1);
	ck_assert_int_eq(oracle_test(o, &res), 1);
	ck_assert(res->ran && !res->implied);
	ck_assert_uint_eq(fake.runs, 2);
	ck_assert_str_eq(fake.last_argv[1], "-t");
	oracle_free(o);

	/* No sshd in the target: nothing to ask. */
	fake_reset();
	o = new_oracle(9, 2);
	free(t->facts.sshd_path);
	t->facts.sshd_path = NULL;
	ck_assert_int_eq(oracle_test(o, &res), 0);
	ck_assert_int_eq(oracle_config(o, &c, "", &ans), 0);
	ck_assert_uint_eq(fake.runs, 0);
	oracle_free(o);
}
END_TEST

START_TEST(oracle_groups_share_one_run)
{
	struct oracle *o = new_oracle(9, 2);
	const struct oracle_config *a1, *a2, *a3, *a4;
	struct oracle_conn c = conn_of("alice");
	struct oracle_stats st;

	ck_assert_int_eq(oracle_config(o, &c, "", &a1), 1);
	c.user = "bob";
	ck_assert_int_eq(oracle_config(o, &c, "", &a2), 1);
	ck_assert_ptr_eq(a1, a2);
	ck_assert_str_eq(a2->user, "alice");	/* the group's first */
	ck_assert_uint_eq(fake.runs, 1);
	/* Another group, another run; another port, another run. */
	c.user = "kim";
	ck_assert_int_eq(oracle_config(o, &c, "0", &a3), 1);
	ck_assert_uint_eq(fake.runs, 2);
	c.lport = 2222;
	ck_assert_int_eq(oracle_config(o, &c, "0", &a4), 1);
	ck_assert_ptr_ne(a3, a4);
	ck_assert_uint_eq(fake.runs, 3);
	/* No group: asked for that user alone. */
	c = conn_of("bob");
	ck_assert_int_eq(oracle_config(o, &c, NULL, &a4), 1);
	ck_assert_str_eq(a4->user, "bob");
	ck_assert_uint_eq(fake.runs, 4);
	/* A name sshd's -C cannot take is answered from its group, never asked. */
	c.user = "we,ird";
	ck_assert_int_eq(oracle_config(o, &c, "", &a4), 1);
	ck_assert_ptr_eq(a4, a1);
	ck_assert_int_eq(oracle_config(o, &c, "7", &a4), 0);
	ck_assert_uint_eq(fake.runs, 4);
	/* The answers handed out before stay valid as more are kept. */
	ck_assert_str_eq(a1->user, "alice");
	oracle_stats(o, &st);
	ck_assert_uint_eq(st.runs, 4);
	ck_assert_uint_eq(st.config_runs, 4);
	ck_assert_uint_eq(st.config_answers, 6);
	oracle_free(o);
}
END_TEST

START_TEST(oracle_run_limit)
{
	struct oracle *o = new_oracle(9, 2);
	const struct oracle_config *ans;
	struct oracle_conn c = conn_of("alice");
	struct oracle_stats st;
	char group[16];

	for (unsigned i = 0; i < ORACLE_CONFIG_RUNS_MAX + 50; i++) {
		snprintf(group, sizeof(group), "%u", i);
		ck_assert_int_eq(oracle_config(o, &c, group, &ans), i < ORACLE_CONFIG_RUNS_MAX);
	}
	/* A group already answered still is. */
	ck_assert_int_eq(oracle_config(o, &c, "3", &ans), 1);
	oracle_stats(o, &st);
	ck_assert_uint_eq(st.config_runs, ORACLE_CONFIG_RUNS_MAX);
	ck_assert_uint_eq(st.config_skipped, 50);
	ck_assert_uint_eq(fake.runs, ORACLE_CONFIG_RUNS_MAX);

	/* sshd refuses the configuration: nobody is asked about again. */
	oracle_free(o);
	fake_reset();
	fake.exit_status = 255;
	o = new_oracle(9, 2);
	ck_assert_int_eq(oracle_config(o, &c, "", &ans), 0);
	ck_assert_ptr_nonnull(oracle_refused(o));
	ck_assert_int_eq(oracle_config(o, &c, "1", &ans), 0);
	ck_assert_uint_eq(fake.runs, 1);
	oracle_free(o);
}
END_TEST

/* ---- through the verdict ---- */

static struct model m;

/* n users user00..., plus kim (Match User) and mia, mallory (Match Group twofactor), each with a key. */
static void make_accounts(unsigned n)
{
	struct buf pw = {0}, gr = {0}, sh = {0};

	buf_puts(&pw, "root:x:0:0:root:/root:/bin/bash\n");
	buf_puts(&gr, "root:x:0:\ntwofactor:x:500:mia,mallory\n");
	buf_puts(&sh, "root:*:19000:0:99999:7:::\n");
	for (unsigned i = 0; i < n + 3; i++) {
		char name[16], rel[64];
		if (i < n)
			snprintf(name, sizeof(name), "user%02u", i);
		else
			snprintf(name, sizeof(name), "%s", i == n ? "kim" : i == n + 1 ? "mia" : "mallory");
		buf_printf(&pw, "%s:x:%u:%u::/home/%s:/bin/bash\n", name, 1000 + i, 1000 + i, name);
		buf_printf(&gr, "%s:x:%u:\n", name, 1000 + i);
		buf_printf(&sh, "%s:*:19000:0:99999:7:::\n", name);
		snprintf(rel, sizeof(rel), "home/%s", name);
		tl_mkdir(root, rel, 0755);
		snprintf(rel, sizeof(rel), "home/%s/.ssh", name);
		tl_mkdir(root, rel, 0700);
		snprintf(rel, sizeof(rel), "home/%s/.ssh/authorized_keys", name);
		tl_write(root, rel, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake user@laptop\n", 0600);
	}
	ck_assert(buf_ok(&pw) && buf_ok(&gr) && buf_ok(&sh));
	buf_putc(&pw, '\0'), buf_putc(&gr, '\0'), buf_putc(&sh, '\0');
	tl_write(root, "etc/passwd", pw.data, 0644);
	tl_write(root, "etc/group", gr.data, 0644);
	tl_write(root, "etc/shadow", sh.data, 0640);
	buf_done(&pw), buf_done(&gr), buf_done(&sh);
}

static void load_file(struct acct_file *f, enum acct_kind kind, const char *rel)
{
	_cleanup_free_ char *data = tl_read(root, rel);

	ck_assert_ptr_nonnull(data);
	ck_assert_int_eq(acct_file_parse(kind, data, strlen(data), f), 0);
	f->present = true;
}

static void load(const char *config)
{
	tl_write(root, "etc/ssh/sshd_config", config, 0644);
	m = (struct model) {0};
	load_file(&m.accounts.passwd, ACCT_PASSWD, "etc/passwd");
	load_file(&m.accounts.group, ACCT_GROUP, "etc/group");
	load_file(&m.accounts.shadow, ACCT_SHADOW, "etc/shadow");
	m.accounts_loaded = true;
	ck_assert_int_eq(sshd_config_load(t, SSHD_CONFIG_PATH, &m.sshd), 0);
	m.oracle = new_oracle(9, 2);
}

static void unload(void)
{
	accounts_done(&m.accounts);
	sshd_config_free(m.sshd);
	oracle_free(m.oracle);
	m = (struct model) {0};
}

/* Every account's verdict, as the accounts check asks for them; returns the number of users judged. */
static unsigned judge_all(struct verdict_env *env, unsigned *ret_checked)
{
	unsigned n = 0;

	*ret_checked = 0;
	ck_assert_int_eq(verdict_env_init(t, &m, env), 0);
	env->crosscheck = true;
	for (size_t i = 0; i < m.accounts.passwd.n_entries; i++) {
		const struct pw_entry *pw = &m.accounts.passwd.pw[i];
		const struct verdict_reason *first;
		struct verdict v;

		ck_assert_int_eq(verdict_user(t, &m, env, pw, &v), 0);
		ck_assert(v.has_keys || streq(pw->name, "root"));
		*ret_checked += v.crosschecked;
		first = verdict_first(&v);
		/* Each user gets the answer of its own Match blocks, not another's. */
		if (streq(pw->name, "kim"))
			ck_assert_msg(v.state == VERDICT_CANNOT && first->why == VW_PUBKEY_DISABLED, "kim: %s",
				      first ? first->text : "can");
		else if (streq(pw->name, "mia") || streq(pw->name, "mallory"))
			ck_assert_msg(v.state == VERDICT_CANNOT && first->why == VW_AUTH_METHODS, "%s: %s", pw->name,
				      first ? first->text : "can");
		else if (!streq(pw->name, "root"))
			/* From 198.51.100.0/24 keys are off for everybody: it depends. */
			ck_assert_msg(v.state == VERDICT_DEPENDS && first->why == VW_PUBKEY_DISABLED, "%s: %s",
				      pw->name, first ? first->text : "can");
		verdict_done(&v);
		n++;
	}
	return n;
}

#define MATCH_CONFIG                                                                                             \
	"UsePAM yes\n"                                                                                           \
	"Match User kim\n"                                                                                       \
	"  PubkeyAuthentication no\n"                                                                            \
	"Match Group twofactor\n"                                                                                \
	"  AuthenticationMethods publickey,password\n"                                                           \
	/* decided for the client sshd is asked about (192.0.2.1): it does not apply */                           \
	"Match Address 198.51.100.0/24\n"                                                                        \
	"  PubkeyAuthentication no\n"

START_TEST(verdict_one_run_per_match_outcome)
{
	struct verdict_env env;
	unsigned checked, users;

	/* 40 + 3 users (and root, without keys) in 3 Match outcomes: none, kim's, twofactor's. */
	make_accounts(40);
	load(MATCH_CONFIG);
	users = judge_all(&env, &checked);
	ck_assert_uint_eq(users, 44);
	ck_assert_uint_eq(checked, 43);
	ck_assert_uint_eq(fake.runs, 3);
	/* The fake sshd and the model agree: no note. */
	ck_assert_msg(env.notes == NULL, "%s", env.notes ? env.notes[0] : "");
	verdict_env_done(&env);
	unload();
}
END_TEST

START_TEST(verdict_undecidable_match_runs_per_user)
{
	struct verdict_env env;
	unsigned checked;

	/* A LocalPort service name: /etc/services inside the target decides, which the model does not read.
	 * Which blocks apply is then sshd's to say, for each user (the behaviour before grouping). */
	make_accounts(10);
	load(MATCH_CONFIG "Match LocalPort https\n  PermitRootLogin no\n");
	judge_all(&env, &checked);
	ck_assert_uint_eq(checked, 13);
	ck_assert_uint_eq(fake.runs, 13);
	verdict_env_done(&env);
	unload();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oracle");
	TCase *tc = tcase_create("oracle");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, oracle_parse_is_defensive);
	tcase_add_test(tc, oracle_flag_by_version);
	tcase_add_test(tc, oracle_test_runs_once);
	tcase_add_test(tc, oracle_groups_share_one_run);
	tcase_add_test(tc, oracle_run_limit);
	tcase_add_test(tc, verdict_one_run_per_match_outcome);
	tcase_add_test(tc, verdict_undecidable_match_runs_per_user);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
