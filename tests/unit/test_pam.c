/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the PAM provider (src/pam.c: reading stacks with their
 * includes, control words, libpam's dispatch), the account modules
 * (src/pam_modules.c: pam_access, pam_listfile, pam_succeed_if) and the
 * failed-login counters (src/pam_counters.c), on constructed roots.
 * RULES §13.4; tests/e2e/scenarios/pam-access-denied.sh and who.sh check
 * the same against real logins.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "pam.h"
#include "pam_counters.h"
#include "pam_modules.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

static char *root;
static struct target *t;
static struct accounts acc;

#define PASSWD                                                       \
	"root:x:0:0:root:/root:/bin/bash\n"                          \
	"alice:x:1000:1000::/home/alice:/bin/bash\n"                 \
	"bob:x:1001:1001::/home/bob:/bin/sh\n"                       \
	"carol:x:1002:100::/home/carol:/bin/bash\n"
#define GROUP                   \
	"root:x:0:\n"           \
	"users:x:100:\n"        \
	"alice:x:1000:\n"       \
	"bob:x:1001:\n"         \
	"wheel:x:10:alice,root\n"

static void load_accounts(void)
{
	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, PASSWD, strlen(PASSWD), &acc.passwd), 0);
	ck_assert_int_eq(acct_file_parse(ACCT_GROUP, GROUP, strlen(GROUP), &acc.group), 0);
	acc.passwd.present = acc.group.present = true;
}

static void setup(void)
{
	root = tl_mkdtemp();
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/pam.d", 0755);
	tl_mkdir(root, "etc/security", 0755);
	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/lib", 0755);
	tl_symlink(root, "lib", "usr/lib");
	ck_assert_int_eq(target_new(root, &t), 0);
	acc = (struct accounts) {0};
	load_accounts();
}

static void teardown(void)
{
	accounts_done(&acc);
	target_free(t);
	tl_rmtree(root);
	free(root);
	t = NULL;
	root = NULL;
}

static void modules(const char *names)
{
	tl_mkdir(root, "usr/lib/x86_64-linux-gnu", 0755);
	tl_mkdir(root, "usr/lib/x86_64-linux-gnu/security", 0755);
	_cleanup_free_ char *copy = strdup(names);
	char *save = NULL;
	for (char *m = strtok_r(copy, " ", &save); m; m = strtok_r(NULL, " ", &save)) {
		_cleanup_free_ char *rel = NULL;
		ck_assert(asprintf(&rel, "usr/lib/x86_64-linux-gnu/security/%s.so", m) > 0);
		tl_write(root, rel, "\177ELF", 0644);
	}
}

/* ------------------------------------------------------------ control words */

START_TEST(pam_parse_control_words)
{
	int a[_PAMR_MAX];

	ck_assert_int_eq(pam_parse_control("required", false, a), 0);
	ck_assert_int_eq(a[PAMR_SUCCESS], PAMA_OK);
	ck_assert_int_eq(a[PAMR_IGNORE], PAMA_IGNORE);
	ck_assert_int_eq(a[PAMR_PERM_DENIED], PAMA_BAD);
	ck_assert_int_eq(a[PAMR_MODULE_UNKNOWN], PAMA_BAD);
	ck_assert_int_eq(pam_parse_control("Requisite", false, a), 0);
	ck_assert_int_eq(a[PAMR_AUTH_ERR], PAMA_DIE);
	ck_assert_int_eq(pam_parse_control("optional", false, a), 0);
	ck_assert_int_eq(a[PAMR_SUCCESS], PAMA_OK);
	ck_assert_int_eq(a[PAMR_MODULE_UNKNOWN], PAMA_IGNORE);
	ck_assert_int_eq(pam_parse_control("sufficient", false, a), 0);
	ck_assert_int_eq(a[PAMR_SUCCESS], PAMA_DONE);
	ck_assert_int_eq(a[PAMR_AUTH_ERR], PAMA_IGNORE);
	/* Debian's pam_unix line */
	ck_assert_int_eq(pam_parse_control("success=1 new_authtok_reqd=done default=ignore", true, a), 0);
	ck_assert_int_eq(a[PAMR_SUCCESS], 1);
	ck_assert_int_eq(a[PAMR_NEW_AUTHTOK_REQD], PAMA_DONE);
	ck_assert_int_eq(a[PAMR_ACCT_EXPIRED], PAMA_IGNORE);
	/* unset values without a default are bad; a known name sshfix never returns is fine */
	ck_assert_int_eq(pam_parse_control("success=ok authinfo_unavail=ignore", true, a), 0);
	ck_assert_int_eq(a[PAMR_MODULE_UNKNOWN], PAMA_BAD);
	ck_assert_int_eq(pam_parse_control("success=ok module_unknown=ignore default=die", true, a), 0);
	ck_assert_int_eq(a[PAMR_MODULE_UNKNOWN], PAMA_IGNORE);
	ck_assert_int_eq(a[PAMR_AUTH_ERR], PAMA_DIE);
	/* junk: libpam logs it; the rest is bad */
	ck_assert_int_eq(pam_parse_control("required_typo", false, a), -EINVAL);
	ck_assert_int_eq(a[PAMR_SUCCESS], PAMA_BAD);
	ck_assert_int_eq(pam_parse_control("success=maybe default=ignore", true, a), -EINVAL);
	ck_assert_int_eq(a[PAMR_SUCCESS], PAMA_IGNORE);
}
END_TEST

/* ------------------------------------------------------------ reading */

static const struct pam_line *line_of(const struct pam_stack *s, enum pam_type type, size_t i)
{
	ck_assert_msg(i < s->n[type], "%s stack has %zu lines, wanted %zu", pam_type_name(type), s->n[type], i + 1);
	return &s->lines[type][i];
}

START_TEST(pam_stack_load_debian)
{
	struct pam_stack s;
	char buf[64];

	modules("pam_unix pam_deny pam_permit pam_nologin pam_access pam_limits");
	tl_write(root, "etc/pam.d/sshd",
		 "# PAM configuration for the Secure Shell service\n"
		 "@include common-auth\n"
		 "account    required     pam_nologin.so\n"
		 "# account  required     pam_access.so\n"
		 "account  required  pam_access.so \\\n"
		 "    accessfile=/etc/security/ssh-access.conf   # trailing comment\n"
		 "@include common-account\n"
		 "session [success=ok ignore=ignore module_unknown=ignore default=bad] pam_selinux.so close\n"
		 "session required pam_limits.so [conf=/etc/security/my limits.conf]\n",
		 0644);
	tl_write(root, "etc/pam.d/common-auth", "auth [success=1 default=ignore] pam_unix.so nullok\n"
						 "auth requisite pam_deny.so\nauth required pam_permit.so\n",
		 0644);
	tl_write(root, "etc/pam.d/common-account",
		 "account\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so \n"
		 "account\trequisite\t\t\tpam_deny.so\n"
		 "account\trequired\t\t\tpam_permit.so\n",
		 0644);
	ck_assert_int_eq(pam_stack_load(t, "sshd", &s), 0);
	ck_assert_str_eq(s.path, "/etc/pam.d/sshd");
	ck_assert(!s.no_module_dirs);
	ck_assert_uint_eq(s.n[PAMT_ACCOUNT], 5);
	const struct pam_line *l = line_of(&s, PAMT_ACCOUNT, 0);
	ck_assert(pam_line_is(l, "pam_nologin"));
	ck_assert_str_eq(l->file, "/etc/pam.d/sshd");
	ck_assert_uint_eq(l->line, 3);
	ck_assert_int_eq(l->state, PAM_MODULE_FOUND);
	ck_assert_str_eq(l->module_path, "/usr/lib/x86_64-linux-gnu/security/pam_nologin.so");
	/* a continued line counts from its first line; the comment ends it */
	l = line_of(&s, PAMT_ACCOUNT, 1);
	ck_assert(pam_line_is(l, "pam_access"));
	ck_assert_uint_eq(l->line, 5);
	ck_assert_str_eq(pam_line_arg(l, "accessfile"), "/etc/security/ssh-access.conf");
	ck_assert_ptr_null(l->args[1]);
	l = line_of(&s, PAMT_ACCOUNT, 2);
	ck_assert_str_eq(l->file, "/etc/pam.d/common-account");
	ck_assert_uint_eq(l->line, 1);
	ck_assert_str_eq(l->control, "[success=1 new_authtok_reqd=done default=ignore]");
	ck_assert_int_eq(l->actions[PAMR_SUCCESS], 1);
	ck_assert_str_eq(pam_module_base(l, buf), "pam_unix");
	/* session: selinux is missing (module_unknown=ignore), a bracketed argument keeps its space */
	ck_assert_uint_eq(s.n[PAMT_SESSION], 2);
	ck_assert_int_eq(line_of(&s, PAMT_SESSION, 0)->state, PAM_MODULE_MISSING);
	ck_assert_int_eq(line_of(&s, PAMT_SESSION, 0)->actions[PAMR_MODULE_UNKNOWN], PAMA_IGNORE);
	ck_assert_str_eq(line_of(&s, PAMT_SESSION, 1)->args[0], "conf=/etc/security/my limits.conf");
	ck_assert_uint_eq(s.n[PAMT_AUTH], 3);
	ck_assert_uint_eq(s.n[PAMT_PASSWORD], 0);
	pam_stack_done(&s);
}
END_TEST

START_TEST(pam_stack_load_includes)
{
	struct pam_stack s;

	tl_write(root, "etc/pam.d/sshd",
		 "account include system-account\n"
		 "account substack password-auth\n"
		 "account include nowhere\n"
		 "acount required pam_permit.so\n"
		 "account required\n"
		 "session include loop\n",
		 0644);
	tl_write(root, "etc/pam.d/system-account", "account required pam_unix.so\nauth required pam_deny.so\n", 0644);
	tl_write(root, "etc/pam.d/password-auth", "account sufficient pam_localuser.so\naccount required pam_sss.so\n",
		 0644);
	tl_write(root, "etc/pam.d/loop", "session include loop\n", 0644);
	tl_write(root, "etc/pam.d/other", "password required pam_deny.so\n", 0644);
	ck_assert_int_eq(pam_stack_load(t, "sshd", &s), 0);
	/* no module directory: nothing is judged missing */
	ck_assert(s.no_module_dirs);
	ck_assert_uint_eq(s.n[PAMT_ACCOUNT], 6);
	ck_assert(pam_line_is(line_of(&s, PAMT_ACCOUNT, 0), "pam_unix"));	/* include: account lines only */
	ck_assert_int_eq(line_of(&s, PAMT_ACCOUNT, 0)->state, PAM_MODULE_UNJUDGED);
	ck_assert_int_eq(line_of(&s, PAMT_ACCOUNT, 1)->kind, PAML_SUBSTACK);
	ck_assert_uint_eq(line_of(&s, PAMT_ACCOUNT, 2)->level, 1);
	ck_assert_uint_eq(line_of(&s, PAMT_ACCOUNT, 3)->level, 1);
	ck_assert_int_eq(line_of(&s, PAMT_ACCOUNT, 4)->kind, PAML_MUST_FAIL);
	ck_assert_ptr_nonnull(strstr(line_of(&s, PAMT_ACCOUNT, 4)->why_fail, "/etc/pam.d/nowhere does not exist"));
	ck_assert_int_eq(line_of(&s, PAMT_ACCOUNT, 5)->kind, PAML_MUST_FAIL);	/* no module name */
	/* the misspelt type fails the auth stack (libpam: the most sensitive) */
	ck_assert_uint_eq(s.n[PAMT_AUTH], 1);
	ck_assert_int_eq(line_of(&s, PAMT_AUTH, 0)->kind, PAML_MUST_FAIL);
	/* the loop is cut, as a failing line */
	ck_assert_int_eq(line_of(&s, PAMT_SESSION, 0)->kind, PAML_MUST_FAIL);
	/* password: none in sshd, so other's */
	ck_assert_uint_eq(s.n[PAMT_PASSWORD], 1);
	ck_assert_str_eq(line_of(&s, PAMT_PASSWORD, 0)->file, "/etc/pam.d/other");
	pam_stack_done(&s);

	/* No sshd file: "other" for everything, and a note. */
	{
		_cleanup_free_ char *p = tl_path(root, "etc/pam.d/sshd");
		ck_assert_int_eq(unlink(p), 0);
	}
	ck_assert_int_eq(pam_stack_load(t, "sshd", &s), 0);
	ck_assert_str_eq(s.path, "/etc/pam.d/other");
	ck_assert_ptr_nonnull(s.notes);
	pam_stack_done(&s);

	/* No PAM configuration at all: nothing read, nothing said. */
	tl_rmtree(root);
	free(root);
	root = tl_mkdtemp();
	target_free(t);
	ck_assert_int_eq(target_new(root, &t), 0);
	ck_assert_int_eq(pam_stack_load(t, "sshd", &s), 0);
	ck_assert_ptr_null(s.path);
	ck_assert_ptr_null(s.notes);
	pam_stack_done(&s);
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/lib", 0755);
}
END_TEST

/* ------------------------------------------------------------ running */

/* Module results by name: "pam_unix=success pam_x=auth_err"; others succeed. */
static const char *results;

static int fake_module(void *userdata, const struct pam_line *l, enum pam_ret *ret)
{
	char buf[64], key[80];
	(void) userdata;

	snprintf(key, sizeof(key), "%s=", pam_module_base(l, buf));
	const char *p = strstr(results, key);
	*ret = PAMR_SUCCESS;
	if (p) {
		p += strlen(key);
		if (startswith(p, "auth_err"))
			*ret = PAMR_AUTH_ERR;
		else if (startswith(p, "ignore"))
			*ret = PAMR_IGNORE;
		else if (startswith(p, "expired"))
			*ret = PAMR_ACCT_EXPIRED;
		else if (startswith(p, "denied"))
			*ret = PAMR_PERM_DENIED;
	}
	return 0;
}

static struct pam_outcome run_account(const char *text, const char *res)
{
	struct pam_stack s;
	struct pam_outcome o;

	tl_write(root, "etc/pam.d/sshd", text, 0644);
	ck_assert_int_eq(pam_stack_load(t, "sshd", &s), 0);
	results = res;
	ck_assert_int_eq(pam_stack_run(&s, PAMT_ACCOUNT, fake_module, NULL, &o), 0);
	/* the failed lines point into s: keep only what the tests read */
	static char first[64];
	first[0] = '\0';
	if (o.n_failed) {
		char buf[64];
		snprintf(first, sizeof(first), "%s", o.failed[0]->kind == PAML_MODULE ? pam_module_base(o.failed[0], buf)
										      : "must-fail");
	}
	free(o.failed);
	o.failed = NULL;
	o.n_failed = first[0] ? 1 : 0;
	pam_stack_done(&s);
	results = first;
	return o;
}

#define DEBIAN                                                                                                    \
	"account required pam_nologin.so\n"                                                                     \
	"account required pam_access.so\n"                                                                      \
	"account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so\n"                                  \
	"account requisite pam_deny.so\n"                                                                       \
	"account required pam_permit.so\n"

/* libpam's layers: /etc/pam.d over the vendor directory /usr/lib/pam.d, per name. */
START_TEST(pam_stack_load_vendor_dir)
{
	struct pam_stack s;

	tl_mkdir(root, "usr/lib/pam.d", 0755);
	tl_write(root, "usr/lib/pam.d/sshd", "account include common-account\naccount include vendor-only\n", 0644);
	tl_write(root, "usr/lib/pam.d/common-account", "account required pam_deny.so\n", 0644);
	tl_write(root, "usr/lib/pam.d/vendor-only", "account required pam_permit.so\n", 0644);
	tl_write(root, "etc/pam.d/common-account", "account required pam_unix.so\n", 0644);
	/* A link in /etc that leads nowhere does not open: libpam goes on to the vendor's. */
	tl_symlink(root, "etc/pam.d/vendor-only", "/nowhere");
	ck_assert_int_eq(pam_stack_load(t, "sshd", &s), 0);
	ck_assert_str_eq(s.path, "/usr/lib/pam.d/sshd");
	ck_assert_uint_eq(s.n[PAMT_ACCOUNT], 2);
	ck_assert(pam_line_is(line_of(&s, PAMT_ACCOUNT, 0), "pam_unix"));
	ck_assert_str_eq(line_of(&s, PAMT_ACCOUNT, 0)->file, "/etc/pam.d/common-account");
	ck_assert(pam_line_is(line_of(&s, PAMT_ACCOUNT, 1), "pam_permit"));
	ck_assert_str_eq(line_of(&s, PAMT_ACCOUNT, 1)->file, "/usr/lib/pam.d/vendor-only");
	pam_stack_done(&s);

	/* /etc's service file replaces the vendor's. */
	tl_write(root, "etc/pam.d/sshd", "account required pam_localuser.so\n", 0644);
	ck_assert_int_eq(pam_stack_load(t, "sshd", &s), 0);
	ck_assert_str_eq(s.path, "/etc/pam.d/sshd");
	ck_assert_uint_eq(s.n[PAMT_ACCOUNT], 1);
	pam_stack_done(&s);

	/* The service name as pam_start() takes it: after the last '/', lower case. */
	ck_assert_int_eq(pam_stack_load(t, "../../SSHD", &s), 0);
	ck_assert_str_eq(s.service, "sshd");
	ck_assert_str_eq(s.path, "/etc/pam.d/sshd");
	pam_stack_done(&s);
	ck_assert_int_eq(pam_stack_load(t, "x/..", &s), 0);
	ck_assert_ptr_null(s.path);
	pam_stack_done(&s);
}
END_TEST

START_TEST(pam_stack_run_control_flow)
{
	struct pam_outcome o;

	modules("pam_nologin pam_access pam_unix pam_deny pam_permit pam_localuser");
	/* pam_nologin ignores, pam_unix jumps over pam_deny: in */
	o = run_account(DEBIAN, "pam_nologin=ignore pam_deny=auth_err");
	ck_assert(o.success);
	/* pam_access refuses: the stack goes on, and fails at the end with its status */
	o = run_account(DEBIAN, "pam_nologin=ignore pam_access=denied pam_deny=auth_err");
	ck_assert(!o.success);
	ck_assert_int_eq(o.status, PAMR_PERM_DENIED);
	ck_assert_str_eq(results, "pam_access");
	/* pam_unix says expired: ignored, then requisite pam_deny dies */
	o = run_account(DEBIAN, "pam_nologin=ignore pam_unix=expired pam_deny=auth_err");
	ck_assert(!o.success);
	ck_assert_str_eq(results, "pam_deny");
	/* sufficient: done at once, the failing line after it never runs */
	o = run_account("account sufficient pam_localuser.so\naccount required pam_deny.so\n", "pam_deny=auth_err");
	ck_assert(o.success);
	/* nothing but ignores: the sanity check fails it, with no line to blame */
	o = run_account("account required pam_nologin.so\n", "pam_nologin=ignore");
	ck_assert(!o.success);
	ck_assert_uint_eq(o.n_failed, 0);
	/* a required module that does not exist */
	o = run_account("account required pam_gone.so\naccount required pam_permit.so\n", "");
	ck_assert(!o.success);
	ck_assert_int_eq(o.status, PAMR_MODULE_UNKNOWN);
	ck_assert_str_eq(results, "pam_gone");
	/* optional, or jumped over: harmless */
	o = run_account("account optional pam_gone.so\naccount required pam_permit.so\n", "");
	ck_assert(o.success);
	o = run_account("account [success=1 default=ignore] pam_permit.so\naccount required pam_gone.so\n"
			"account required pam_permit.so\n",
			"");
	ck_assert(o.success);
	/* a jump past the end */
	o = run_account("account [success=3 default=ignore] pam_permit.so\naccount required pam_permit.so\n", "");
	ck_assert(!o.success);
	/* a missing include fails the stack */
	o = run_account("account include nowhere\naccount required pam_permit.so\n", "");
	ck_assert(!o.success);
	ck_assert_str_eq(results, "must-fail");
}
END_TEST

START_TEST(pam_stack_run_substack)
{
	struct pam_outcome o;

	modules("pam_permit pam_deny pam_localuser");
	/* "done" inside a substack ends the substack only: the parent's pam_deny still runs */
	tl_write(root, "etc/pam.d/sub", "account sufficient pam_localuser.so\naccount required pam_deny.so\n", 0644);
	o = run_account("account substack sub\naccount required pam_deny.so\n", "pam_deny=auth_err");
	ck_assert(!o.success);
	/* ... and the substack's success counts when nothing after it fails */
	o = run_account("account substack sub\naccount required pam_permit.so\n", "pam_deny=auth_err");
	ck_assert(o.success);
	/* include: the same lines at the same level, so "done" ends everything */
	o = run_account("account include sub\naccount required pam_deny.so\n", "pam_deny=auth_err");
	ck_assert(o.success);
	/* a jump counts a substack as one line */
	o = run_account("account [success=1 default=ignore] pam_permit.so\naccount substack sub\n"
			"account required pam_permit.so\n",
			"pam_deny=auth_err");
	ck_assert(o.success);
}
END_TEST

/* ------------------------------------------------------------ pam_access */

static struct pam_subject who_is(const char *name, bool matched)
{
	struct pam_subject w = { .a = &acc, .pw = accounts_user_by_name(&acc, name), .service = "sshd",
				 .matched = matched, .hostname = "bastion" };
	ck_assert_ptr_nonnull(w.pw);
	return w;
}

/* pam_access over text for name: 'a' allowed by a line, 'd' denied, 'n' no line; *line the line. */
static char access_of(const char *text, const char *name, bool matched, const char *addr, unsigned *line, bool *depends)
{
	struct pam_subject w = who_is(name, matched);
	struct pam_eval e = {0};

	w.addr = addr;
	int r = pam_access_text("/etc/security/access.conf", text, strlen(text), NULL, NULL, false, &w, &e);
	ck_assert_int_ge(r, 0);
	if (line)
		*line = e.line;
	if (depends)
		*depends = e.depends;
	char c = r == 0 ? 'n' : e.ret == PAMR_SUCCESS ? 'a' : 'd';
	pam_eval_done(&e);
	return c;
}

START_TEST(pam_access_first_match)
{
	unsigned line = 0;
	bool dep = false;

	ck_assert_int_eq(access_of("# comment\n-:alice:ALL\n+:ALL:ALL\n", "alice", false, NULL, &line, &dep), 'd');
	ck_assert_uint_eq(line, 2);
	ck_assert(!dep);
	ck_assert_int_eq(access_of("# comment\n-:alice:ALL\n+:ALL:ALL\n", "bob", false, NULL, &line, NULL), 'a');
	ck_assert_uint_eq(line, 3);
	/* names compare without case; spaces around fields are list separators */
	ck_assert_int_eq(access_of(" - : ALICE : ALL\n", "alice", false, NULL, NULL, NULL), 'n');	/* perm " -": bad first field */
	ck_assert_int_eq(access_of("- : ALICE : ALL\n", "alice", false, NULL, NULL, NULL), 'd');
	/* the last line needs its newline */
	ck_assert_int_eq(access_of("-:alice:ALL", "alice", false, NULL, NULL, NULL), 'n');
	/* bad lines are skipped */
	ck_assert_int_eq(access_of("x:alice:ALL\n-:alice\n-:alice:ALL\n", "alice", false, NULL, &line, NULL), 'd');
	ck_assert_uint_eq(line, 3);
	/* groups: primary, member, (group); EXCEPT */
	ck_assert_int_eq(access_of("-:users:ALL\n", "carol", false, NULL, NULL, NULL), 'd');
	ck_assert_int_eq(access_of("-:(wheel):ALL\n", "alice", false, NULL, NULL, NULL), 'd');
	ck_assert_int_eq(access_of("-:(wheel) EXCEPT alice:ALL\n", "alice", false, NULL, NULL, NULL), 'n');
	ck_assert_int_eq(access_of("-:(wheel) EXCEPT alice:ALL\n", "root", false, NULL, NULL, NULL), 'd');
	ck_assert_int_eq(access_of("-:ALL EXCEPT wheel EXCEPT alice:ALL\n", "alice", false, NULL, NULL, NULL), 'd');
	ck_assert_int_eq(access_of("-:ALL EXCEPT root:ALL\n", "root", false, NULL, NULL, NULL), 'n');
	/* USER@HOST: HOST is this machine's name */
	ck_assert_int_eq(access_of("-:alice@bastion:ALL\n", "alice", false, NULL, NULL, NULL), 'd');
	ck_assert_int_eq(access_of("-:alice@web1:ALL\n", "alice", false, NULL, NULL, &dep), 'n');
	ck_assert(dep);
}
END_TEST

START_TEST(pam_access_origins)
{
	bool dep = false;

	/* LOCAL is never a network login; a loopback address is not "an address that is not local" */
	ck_assert_int_eq(access_of("-:alice:LOCAL\n", "alice", true, NULL, NULL, &dep), 'n');
	ck_assert(!dep);
	ck_assert_int_eq(access_of("-:alice:127.0.0.1 127.0.0.0/8 ::1 127.\n", "alice", true, NULL, NULL, &dep), 'n');
	ck_assert(!dep);
	/* addresses, networks, domains, names and netgroups depend on the client */
	static const char *const tok[] = { "192.0.2.0/24", "192.0.2.0/255.255.255.0", "192.0.2.20", "192.168.",
					   ".example.com", "host.example.com", "@admins" };
	for (size_t i = 0; i < ELEMENTSOF(tok); i++) {
		_cleanup_free_ char *text = NULL;
		ck_assert(asprintf(&text, "-:alice:%s\n", tok[i]) > 0);
		ck_assert_msg(access_of(text, "alice", false, NULL, NULL, &dep) == 'n' && dep, "%s unmatched", tok[i]);
		ck_assert_msg(access_of(text, "alice", true, NULL, NULL, &dep) == 'd' && dep, "%s matched", tok[i]);
	}
	/* ALL EXCEPT a network: refused from elsewhere, whichever world */
	ck_assert_int_eq(access_of("-:alice:ALL EXCEPT 192.0.2.0/24\n", "alice", false, NULL, NULL, NULL), 'd');
	/* a concrete client address */
	ck_assert_int_eq(access_of("-:alice:192.0.2.0/24\n", "alice", false, "192.0.2.20", NULL, &dep), 'd');
	ck_assert_int_eq(access_of("-:alice:192.0.2.0/24\n", "alice", false, "198.51.100.1", NULL, NULL), 'n');
	ck_assert_int_eq(access_of("-:alice:192.0.2.\n", "alice", false, "192.0.2.20", NULL, NULL), 'd');
	ck_assert_int_eq(access_of("-:alice:192.0.2.20\n", "alice", false, "192.0.2.20", NULL, NULL), 'd');
}
END_TEST

/* ------------------------------------------------------------ the other modules */

static struct pam_line line_with(const char *module, char **args)
{
	struct pam_line l = { .kind = PAML_MODULE, .type = PAMT_ACCOUNT, .file = "/etc/pam.d/sshd", .line = 1,
			      .module = (char *) module, .args = args, .state = PAM_MODULE_FOUND };
	pam_parse_control("required", false, l.actions);
	return l;
}

static enum pam_ret eval(const char *module, const char *argv, const char *name, struct pam_eval *ret)
{
	_cleanup_strv_free_ char **args = NULL;
	_cleanup_free_ char *copy = strdup(argv);
	char *save = NULL;
	for (char *a = strtok_r(copy, " ", &save); a; a = strtok_r(NULL, " ", &save))
		ck_assert_int_eq(strv_push(&args, strdup(a)), 0);
	ck_assert_int_eq(strv_ensure(&args), 0);
	struct pam_line l = line_with(module, args);
	struct pam_subject w = who_is(name, false);
	ck_assert_int_eq(pam_module_eval(t, NULL, &l, &w, ret), 0);
	return ret->ret;
}

START_TEST(pam_listfile_and_succeed_if)
{
	struct pam_eval e;

	tl_write(root, "etc/denied", "bob\nalice\n", 0644);
	ck_assert_int_eq(eval("pam_listfile.so", "item=user sense=deny file=/etc/denied onerr=succeed", "alice", &e),
			 PAMR_AUTH_ERR);
	ck_assert_str_eq(e.path, "/etc/denied");
	ck_assert_uint_eq(e.line, 2);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_listfile.so", "item=user sense=deny file=/etc/denied", "carol", &e), PAMR_SUCCESS);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_listfile.so", "item=user sense=allow file=/etc/denied", "carol", &e), PAMR_AUTH_ERR);
	pam_eval_done(&e);
	/* missing file: onerr (fail by default) */
	ck_assert_int_eq(eval("pam_listfile.so", "item=user sense=deny file=/etc/none", "carol", &e), PAMR_SERVICE_ERR);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_listfile.so", "item=user sense=deny file=/etc/none onerr=succeed", "carol", &e),
			 PAMR_SUCCESS);
	pam_eval_done(&e);
	/* world-writable: everyone refused */
	tl_write(root, "etc/open", "nobody\n", 0666);
	{
		_cleanup_free_ char *p = tl_path(root, "etc/open");
		ck_assert_int_eq(chmod(p, 0666), 0);
	}
	ck_assert_int_eq(eval("pam_listfile.so", "item=user sense=deny file=/etc/open onerr=succeed", "carol", &e),
			 PAMR_AUTH_ERR);
	pam_eval_done(&e);
	/* shells, groups */
	tl_write(root, "etc/shells.deny", "/bin/sh\n", 0644);
	ck_assert_int_eq(eval("pam_listfile.so", "item=shell sense=deny file=/etc/shells.deny", "bob", &e), PAMR_AUTH_ERR);
	pam_eval_done(&e);
	tl_write(root, "etc/groups.allow", "wheel\n", 0644);
	ck_assert_int_eq(eval("pam_listfile.so", "item=group sense=allow file=/etc/groups.allow", "alice", &e),
			 PAMR_SUCCESS);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_listfile.so", "item=group sense=allow file=/etc/groups.allow", "bob", &e),
			 PAMR_AUTH_ERR);
	pam_eval_done(&e);

	ck_assert_int_eq(eval("pam_succeed_if.so", "uid >= 1000 quiet", "root", &e), PAMR_AUTH_ERR);
	ck_assert_ptr_nonnull(strstr(e.text, "\"uid >= 1000\" does not hold for root"));
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_succeed_if.so", "uid >= 1000 user notin bob:carol", "alice", &e), PAMR_SUCCESS);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_succeed_if.so", "uid >= 1000 user notin bob:carol", "bob", &e), PAMR_AUTH_ERR);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_succeed_if.so", "user ingroup wheel", "alice", &e), PAMR_SUCCESS);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_succeed_if.so", "shell =~ /bin/*sh", "bob", &e), PAMR_SUCCESS);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_succeed_if.so", "service in sshd:login", "bob", &e), PAMR_SUCCESS);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_succeed_if.so", "uid >= abc", "bob", &e), PAMR_SERVICE_ERR);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_succeed_if.so", "colour = blue", "bob", &e), PAMR_SERVICE_ERR);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("pam_succeed_if.so", "uid >=", "bob", &e), PAMR_SERVICE_ERR);
	pam_eval_done(&e);
	/* use_uid: sshd's own user, root */
	ck_assert_int_eq(eval("pam_succeed_if.so", "use_uid uid eq 0", "bob", &e), PAMR_SUCCESS);
	pam_eval_done(&e);
	/* a module sshfix does not model */
	ck_assert_int_eq(eval("pam_sss.so", "", "bob", &e), PAMR_SUCCESS);
	ck_assert(!e.judged);
	pam_eval_done(&e);
	ck_assert_int_eq(eval("/lib/security/pam_deny.so", "", "bob", &e), PAMR_AUTH_ERR);
	pam_eval_done(&e);
}
END_TEST

/* ------------------------------------------------------------ counters */

static void record(unsigned char *p, uint16_t status_or_count, uint64_t when)
{
	memset(p, 0, PAM_COUNTER_RECORD);
	memcpy(p, "192.0.2.99", 10);
	memcpy(p + 54, &status_or_count, 2);
	memcpy(p + 56, &when, 8);
}

START_TEST(pam_counters_faillock_and_tally2)
{
	unsigned char buf[4 * PAM_COUNTER_RECORD];
	uint64_t latest = 0;

	record(buf, 3, 1000);
	record(buf + 64, 3, 1600);
	record(buf + 128, 0, 1700);	/* not valid */
	record(buf + 192, 1, 2000);
	/* within 900 s of the latest (2000): 1600 and 2000 */
	ck_assert_uint_eq(faillock_failures(buf, sizeof(buf), 900, &latest), 2);
	ck_assert_uint_eq(latest, 2000);
	/* a partial last record is not read */
	ck_assert_uint_eq(faillock_failures(buf, sizeof(buf) - 1, 900000, &latest), 2);
	ck_assert_uint_eq(latest, 1600);

	unsigned char log[3 * PAM_COUNTER_RECORD];
	char *out = NULL;
	record(log, 0, 0);
	record(log + 64, 0, 0);
	record(log + 128, 7, 1234);
	ck_assert_int_eq(tallylog_reset(log, sizeof(log), 2, &out), 0);
	uint16_t cnt;
	uint64_t when;
	memcpy(&cnt, out + 128 + 54, 2);
	memcpy(&when, out + 128 + 56, 8);
	ck_assert_uint_eq(cnt, 0);
	ck_assert_uint_eq(when, 1234);
	ck_assert_int_eq(memcmp(out, log, 128 + 54), 0);
	free(out);
	ck_assert_int_eq(tallylog_reset(log, sizeof(log), 3, &out), -ENOENT);

	/* On a root: faillock in the auth stack, a persistent dir, faillock.conf's deny. */
	setenv("SOURCE_DATE_EPOCH", "5000", 1);
	modules("pam_faillock pam_unix");
	tl_write(root, "etc/pam.d/sshd",
		 "auth requisite pam_faillock.so preauth dir=/var/lib/faillock\nauth required pam_unix.so\n"
		 "account required pam_faillock.so dir=/var/lib/faillock\n",
		 0644);
	tl_write(root, "etc/security/faillock.conf", "# deny = 9\n deny=2\nunlock_time = 1000\n", 0644);
	tl_mkdir(root, "var", 0755);
	tl_mkdir(root, "var/lib", 0755);
	tl_mkdir(root, "var/lib/faillock", 0755);
	record(buf, 1, 4500);
	record(buf + 64, 1, 4600);
	{
		_cleanup_free_ char *p = tl_path(root, "var/lib/faillock/alice"), *q = tl_path(root, "var/lib/faillock/ghost");
		FILE *f = fopen(p, "we");
		ck_assert_ptr_nonnull(f);
		fwrite(buf, 1, 2 * PAM_COUNTER_RECORD, f);
		fclose(f);
		f = fopen(q, "we");
		ck_assert_ptr_nonnull(f);
		fwrite(buf, 1, 2 * PAM_COUNTER_RECORD, f);
		fclose(f);
	}
	struct pam_stack s;
	struct pam_counters c;
	ck_assert_int_eq(pam_stack_load(t, "sshd", &s), 0);
	ck_assert_int_eq(pam_counters_read(t, &acc, &s, pam_counters_now(), &c), 0);
	ck_assert_uint_eq(c.n, 1);	/* no such user as ghost */
	ck_assert_str_eq(c.v[0].user, "alice");
	ck_assert_str_eq(c.v[0].path, "/var/lib/faillock/alice");
	ck_assert_uint_eq(c.v[0].failures, 2);
	ck_assert_uint_eq(c.v[0].deny, 2);
	ck_assert(c.v[0].locked);
	ck_assert_uint_eq(c.v[0].unlocks_at, 5600);
	ck_assert(!c.v[0].tmpfs);
	pam_counters_done(&c);
	/* later than unlock_time after the latest failure: no longer locked */
	ck_assert_int_eq(pam_counters_read(t, &acc, &s, 6000, &c), 0);
	ck_assert(!c.v[0].locked);
	pam_counters_done(&c);
	pam_stack_done(&s);
	unsetenv("SOURCE_DATE_EPOCH");
}
END_TEST

static Suite *pam_suite(void)
{
	Suite *s = suite_create("pam");
	TCase *tc = tcase_create("pam");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pam_parse_control_words);
	tcase_add_test(tc, pam_stack_load_debian);
	tcase_add_test(tc, pam_stack_load_includes);
	tcase_add_test(tc, pam_stack_load_vendor_dir);
	tcase_add_test(tc, pam_stack_run_control_flow);
	tcase_add_test(tc, pam_stack_run_substack);
	tcase_add_test(tc, pam_access_first_match);
	tcase_add_test(tc, pam_access_origins);
	tcase_add_test(tc, pam_listfile_and_succeed_if);
	tcase_add_test(tc, pam_counters_faillock_and_tally2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pam_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
