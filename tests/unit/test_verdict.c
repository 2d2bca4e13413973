/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/verdict.c on constructed roots: the effective
 * configuration per user (global lines, Match blocks that override them,
 * first value wins, lists that a Match replaces, blocks that depend on the
 * client), and the verdict in sshd's order (RULES §1, §3.3, §3.5, §6,
 * §12.1).  The target's sshd is never run here (env.crosscheck is off);
 * tests/e2e/who.sh compares the same verdicts with real logins.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "keyfiles.h"
#include "run.h"
#include "sshd_config.h"
#include "target.h"
#include "testlib.h"
#include "util.h"
#include "verdict.h"

/* 2023-11-14, as the tree tier's SOURCE_DATE_EPOCH: day 19675. */
#define TODAY_EPOCH "1700000000"
#define TODAY 19675

static char *root;
static struct target *t;
static struct model m;

#define PASSWD                                                       \
	"root:x:0:0:root:/root:/bin/bash\n"                          \
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"          \
	"alice:x:1000:1000::/home/alice:/bin/bash\n"                 \
	"bob:x:1001:1001::/home/bob:/bin/bash\n"
#define GROUP                \
	"root:x:0:\n"        \
	"daemon:x:1:\n"      \
	"alice:x:1000:\n"    \
	"bob:x:1001:\n"      \
	"wheel:x:10:alice\n"
#define SHADOW                                   \
	"root:*:19000:0:99999:7:::\n"            \
	"daemon:*:19000:0:99999:7:::\n"          \
	"alice:$y$hash:19000:0:99999:7:::\n"     \
	"bob:!:19000:0:99999:7:::\n"

/* A home with ~/.ssh (0700) and, with key, an authorized key (0600), owned by uid:uid. */
static void add_home(const char *name, unsigned uid, bool key)
{
	_cleanup_free_ char *home = NULL, *ssh = NULL, *ak = NULL;

	ck_assert(asprintf(&home, "%s/home/%s", root, name) > 0);
	ck_assert(asprintf(&ssh, "%s/.ssh", home) > 0);
	ck_assert(asprintf(&ak, "%s/authorized_keys", ssh) > 0);
	ck_assert(mkdir(home, 0755) == 0 || errno == EEXIST);
	ck_assert(mkdir(ssh, 0700) == 0 || errno == EEXIST);
	if (key) {
		_cleanup_fclose_ FILE *f = fopen(ak, "we");
		ck_assert_ptr_nonnull(f);
		fputs("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake user@laptop\n", f);
		ck_assert_int_eq(chmod(ak, 0600), 0);
	}
	if (!tl_is_root())
		return;	/* the config cases do not look at owners */
	ck_assert_int_eq(chown(home, uid, uid), 0);
	ck_assert_int_eq(chown(ssh, uid, uid), 0);
	if (key)
		ck_assert_int_eq(chown(ak, uid, uid), 0);
}

static void setup(void)
{
	setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH, 1);
	root = tl_mkdtemp();
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/ssh", 0755);
	tl_mkdir(root, "bin", 0755);
	tl_mkdir(root, "home", 0755);
	tl_mkdir(root, "root", 0700);
	tl_mkdir(root, "root/.ssh", 0700);
	tl_write(root, "bin/bash", "#!fake\n", 0755);
	tl_write(root, "bin/sh", "#!fake\n", 0755);
	tl_write(root, "root/.ssh/authorized_keys", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake root@laptop\n", 0600);
	tl_write(root, "etc/passwd", PASSWD, 0644);
	tl_write(root, "etc/group", GROUP, 0644);
	tl_write(root, "etc/shadow", SHADOW, 0640);
	tl_write(root, "etc/ssh/sshd_config", "UsePAM yes\n", 0644);
	add_home("alice", 1000, true);
	add_home("bob", 1001, false);
	ck_assert_int_eq(target_new(root, &t), 0);
	m = (struct model) {0};
}

static void teardown(void)
{
	if (m.accounts_loaded)
		accounts_done(&m.accounts);
	sshd_config_free(m.sshd);
	keyfiles_seen_free(m.keys_seen);
	strv_free(m.notes);
	m = (struct model) {0};
	target_free(t);
	tl_rmtree(root);
	free(root);
	t = NULL;
	root = NULL;
	unsetenv("SOURCE_DATE_EPOCH");
}

static void load_file(struct acct_file *f, enum acct_kind kind, const char *rel)
{
	_cleanup_free_ char *data = tl_read(root, rel);

	ck_assert_ptr_nonnull(data);
	ck_assert_int_eq(acct_file_parse(kind, data, strlen(data), f), 0);
	f->present = true;
}

/* (Re)load the model from the root's files. */
static void load(void)
{
	if (m.accounts_loaded)
		accounts_done(&m.accounts);
	sshd_config_free(m.sshd);
	keyfiles_seen_free(m.keys_seen);
	m = (struct model) {0};
	load_file(&m.accounts.passwd, ACCT_PASSWD, "etc/passwd");
	load_file(&m.accounts.group, ACCT_GROUP, "etc/group");
	load_file(&m.accounts.shadow, ACCT_SHADOW, "etc/shadow");
	m.accounts_loaded = true;
	ck_assert_int_eq(sshd_config_load(t, SSHD_CONFIG_PATH, &m.sshd), 0);
}

static void config(const char *text)
{
	tl_write(root, "etc/ssh/sshd_config", text, 0644);
}

/* The verdict for name; the caller frees it. */
static struct verdict judge(const char *name)
{
	struct verdict_env env;
	struct verdict v;
	const struct pw_entry *pw;

	load();
	pw = accounts_user_by_name(&m.accounts, name);
	ck_assert_msg(pw != NULL, "no user %s", name);
	ck_assert_int_eq(verdict_env_init(t, &m, &env), 0);
	ck_assert_int_eq(env.today, TODAY);
	env.detailed = true;
	ck_assert_int_eq(verdict_user(t, &m, &env, pw, &v), 0);
	verdict_env_done(&env);
	return v;
}

static bool has(const struct verdict *v, enum verdict_why why)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		if (v->reasons[i].why == why)
			return true;
	return false;
}

/* The verdict for name is state, first reason why (ignored for VERDICT_CAN). */
#define EXPECT(name, st, w)                                                                                      \
	do {                                                                                                     \
		struct verdict _v = judge(name);                                                                 \
		const struct verdict_reason *_f = verdict_first(&_v);                                            \
		ck_assert_msg(_v.state == (st), "%s: state %d, want %d (%s)", name, _v.state, st,                 \
			      _f ? _f->text : "no reason");                                                      \
		if ((st) != VERDICT_CAN)                                                                         \
			ck_assert_msg(_f && _f->why == (w), "%s: first reason %s, want %s (%s)", name,            \
				      _f ? verdict_why_name(_f->why) : "none", verdict_why_name(w),                 \
				      _f ? _f->text : "");                                                       \
		verdict_done(&_v);                                                                               \
	} while (0)

static struct verdict_config effective(const char *user, enum verdict_world world, const char *addr)
{
	struct verdict_conn c = { .world = world, .host = "unknown", .addr = addr, .lport = 22 };
	struct verdict_config vc;

	load();
	ck_assert_int_eq(verdict_config_for(m.sshd, &m.accounts, user, &c, &vc), 0);
	return vc;
}

START_TEST(verdict_config_defaults)
{
	struct verdict_config vc;

	config("");
	vc = effective("alice", WORLD_UNMATCHED, NULL);
	ck_assert(!vc.use_pam);		/* upstream's default; Debian's file says yes */
	ck_assert(vc.pubkey);
	ck_assert(vc.strict_modes);
	ck_assert_int_eq(vc.root, ROOT_PROHIBIT_PASSWORD);
	ck_assert_str_eq(vc.keys_files[0], ".ssh/authorized_keys");
	ck_assert_str_eq(vc.keys_files[1], ".ssh/authorized_keys2");
	ck_assert_ptr_null(vc.keys_files[2]);
	ck_assert_ptr_null(vc.auth_methods[0]);
	ck_assert_ptr_null(vc.allow_users[0]);
	ck_assert_ptr_null(vc.chroot);
	ck_assert_ptr_null(vc.depends_on);
	verdict_config_done(&vc);
}
END_TEST

START_TEST(verdict_config_match_overrides_global)
{
	struct verdict_config vc;

	/* The global line comes first in the file, the Match block wins for alice (D12 sshd -T). */
	config("PubkeyAuthentication yes\n"
	       "PubkeyAuthentication no\n"	/* the first value wins: yes */
	       "PermitRootLogin no\n"
	       "Match User alice\n"
	       "  PubkeyAuthentication no\n"
	       "  PubkeyAuthentication yes\n"
	       "Match User alice,bob\n"
	       "  PermitRootLogin yes\n");
	vc = effective("alice", WORLD_UNMATCHED, NULL);
	ck_assert(!vc.pubkey);
	ck_assert_int_eq(vc.root, ROOT_YES);
	ck_assert_uint_eq(vc.src_pubkey->line, 5);
	verdict_config_done(&vc);
	vc = effective("bob", WORLD_UNMATCHED, NULL);
	ck_assert(vc.pubkey);
	ck_assert_int_eq(vc.root, ROOT_YES);
	verdict_config_done(&vc);
	vc = effective("carol", WORLD_UNMATCHED, NULL);	/* no such account: only Match User can match */
	ck_assert(vc.pubkey);
	ck_assert_int_eq(vc.root, ROOT_NO);
	verdict_config_done(&vc);
}
END_TEST

START_TEST(verdict_config_match_group_and_negation)
{
	struct verdict_config vc;

	config("Match Group=wheel\n"	/* strdelim: "Group=wheel" is "Group wheel" */
	       "  AuthenticationMethods publickey,password\n"
	       "Match User *,!bob\n"
	       "  ChrootDirectory /srv/%u\n");
	vc = effective("alice", WORLD_UNMATCHED, NULL);	/* wheel is a supplementary group */
	ck_assert_str_eq(vc.auth_methods[0], "publickey,password");
	ck_assert_str_eq(vc.chroot, "/srv/%u");
	verdict_config_done(&vc);
	vc = effective("bob", WORLD_UNMATCHED, NULL);
	ck_assert_ptr_null(vc.auth_methods[0]);
	ck_assert_ptr_null(vc.chroot);
	verdict_config_done(&vc);
}
END_TEST

START_TEST(verdict_config_lists)
{
	struct verdict_config vc;

	/* Global lists add up; a Match block's list replaces them (D12 sshd -T). */
	config("AllowUsers alice root@10.0.0.0/8\n"
	       "AllowUsers bob\n"
	       "AuthorizedKeysFile ~/.ssh/keys %h/.ssh/x\n"
	       "AuthorizedKeysFile .ssh/ignored\n"
	       "AuthenticationMethods any\n"
	       "Match User bob\n"
	       "  AllowUsers carol\n"
	       "  AllowUsers dave\n");
	vc = effective("alice", WORLD_UNMATCHED, NULL);
	ck_assert_str_eq(vc.allow_users[0], "alice");
	ck_assert_str_eq(vc.allow_users[1], "root@10.0.0.0/8");
	ck_assert_str_eq(vc.allow_users[2], "bob");
	ck_assert_ptr_null(vc.allow_users[3]);
	/* '~' is root's home, for every user (RULES §1.3). */
	ck_assert_str_eq(vc.keys_files[0], "/root/.ssh/keys");
	ck_assert_str_eq(vc.keys_files[1], "%h/.ssh/x");
	ck_assert_ptr_null(vc.keys_files[2]);
	ck_assert_ptr_null(vc.auth_methods[0]);
	verdict_config_done(&vc);
	vc = effective("bob", WORLD_UNMATCHED, NULL);
	ck_assert_str_eq(vc.allow_users[0], "carol");
	ck_assert_str_eq(vc.allow_users[1], "dave");
	ck_assert_ptr_null(vc.allow_users[2]);
	verdict_config_done(&vc);
}
END_TEST

START_TEST(verdict_config_connection_dependent)
{
	struct verdict_config vc;

	config("Port 22\n"
	       "Match Address 192.0.2.0/24\n"
	       "  PubkeyAuthentication no\n"
	       "Match LocalPort 2222\n"	/* sshd listens on 22 only: never */
	       "  PermitRootLogin no\n"
	       "Match Host *.example.org User alice\n"
	       "  ChrootDirectory /jail\n");
	vc = effective("alice", WORLD_UNMATCHED, NULL);
	ck_assert(vc.pubkey);
	ck_assert_ptr_null(vc.chroot);
	ck_assert_int_eq(vc.root, ROOT_PROHIBIT_PASSWORD);
	ck_assert_uint_eq(strv_length(vc.depends_on), 2);
	verdict_config_done(&vc);
	vc = effective("alice", WORLD_MATCHED, NULL);
	ck_assert(!vc.pubkey);
	ck_assert_str_eq(vc.chroot, "/jail");
	ck_assert_int_eq(vc.root, ROOT_PROHIBIT_PASSWORD);
	verdict_config_done(&vc);
	/* As sshd -T -C user=alice,host=unknown,addr=... */
	vc = effective("alice", WORLD_CONCRETE, "192.0.2.1");
	ck_assert(!vc.pubkey);
	ck_assert_ptr_null(vc.chroot);
	ck_assert_ptr_null(vc.depends_on);
	verdict_config_done(&vc);
	vc = effective("alice", WORLD_CONCRETE, "198.51.100.7");
	ck_assert(vc.pubkey);
	verdict_config_done(&vc);
	/* Two ports: LocalPort depends on which one the client uses. */
	config("Port 22\nPort 2222\nMatch LocalPort 2222\n  PermitRootLogin no\n");
	vc = effective("root", WORLD_MATCHED, NULL);
	ck_assert_int_eq(vc.root, ROOT_NO);
	ck_assert_uint_eq(strv_length(vc.depends_on), 1);
	verdict_config_done(&vc);
}
END_TEST

/* sshd -T's output against the model: equal values say nothing, others one note each. */
START_TEST(verdict_compare_with_sshd)
{
	static const char dump[] = "port 22\n"
				   "usepam yes\n"
				   "permitrootlogin without-password\n"
				   "pubkeyauthentication yes\n"
				   "strictmodes yes\n"
				   "chrootdirectory none\n"
				   "authorizedkeysfile .ssh/authorized_keys .ssh/authorized_keys2\n"
				   "allowusers alice\n"
				   "allowusers root@10.0.0.0/8\n"
				   "authenticationmethods any\n"
				   "authorizedkeyscommand none\n";
	struct verdict_env env = {0};
	struct verdict_config vc;

	config("UsePAM yes\nAllowUsers alice root@10.0.0.0/8\n");
	vc = effective("alice", WORLD_CONCRETE, "192.0.2.1");
	ck_assert_int_eq(verdict_compare_dump(&env, "alice", dump, &vc), 0);
	ck_assert_ptr_null(env.notes);
	verdict_config_done(&vc);
	config("UsePAM no\nAllowUsers alice\nPermitRootLogin no\n");
	vc = effective("alice", WORLD_CONCRETE, "192.0.2.1");
	ck_assert_int_eq(verdict_compare_dump(&env, "alice", dump, &vc), 3);
	ck_assert_uint_eq(strv_length(env.notes), 3);
	ck_assert_ptr_nonnull(strstr(env.notes[0], "UsePAM is yes for sshd, no in the model"));
	verdict_config_done(&vc);
	verdict_env_done(&env);
}
END_TEST

START_TEST(verdict_config_invalid)
{
	struct verdict_config vc;

	config("Match Address 10.0.0.1/8\n  PubkeyAuthentication no\n");
	vc = effective("alice", WORLD_MATCHED, NULL);
	ck_assert_ptr_nonnull(vc.invalid);
	ck_assert(vc.pubkey);	/* a block sshd refuses is not applied */
	verdict_config_done(&vc);
	config("Match All User alice\n  PubkeyAuthentication no\n");
	vc = effective("alice", WORLD_MATCHED, NULL);
	ck_assert_ptr_nonnull(strstr(vc.invalid, "'all' cannot be combined"));
	verdict_config_done(&vc);
	config("Match Colour blue\n  PubkeyAuthentication no\n");
	vc = effective("alice", WORLD_MATCHED, NULL);
	ck_assert_ptr_nonnull(strstr(vc.invalid, "Unsupported Match attribute"));
	verdict_config_done(&vc);
	config("AuthorizedKeysFile ~nosuchuser/keys\n");
	vc = effective("alice", WORLD_UNMATCHED, NULL);
	ck_assert_ptr_nonnull(strstr(vc.invalid, "no such user"));
	verdict_config_done(&vc);
}
END_TEST

START_TEST(verdict_healthy_and_no_keys)
{
	EXPECT("alice", VERDICT_CAN, 0);
	EXPECT("root", VERDICT_CAN, 0);
	EXPECT("bob", VERDICT_CANNOT, VW_NO_KEYS);
	tl_write(root, "home/alice/.ssh/authorized_keys", "# only a comment\n\n   \n", 0600);
	EXPECT("alice", VERDICT_CANNOT, VW_NO_KEYS);
}
END_TEST

START_TEST(verdict_account_state_without_pam)
{
	config("UsePAM no\n");
	add_home("bob", 1001, true);
	/* "!" locks the account for sshd itself (RULES §6.1a); "*" does not. */
	EXPECT("bob", VERDICT_CANNOT, VW_ACCOUNT_LOCKED);
	EXPECT("alice", VERDICT_CAN, 0);
	tl_write(root, "etc/shadow",
		 "root:*:19000:0:99999:7:::\n"
		 "alice:$y$hash:0:0:99999:7::19675:\n"	/* expires today: not yet, for OpenSSH */
		 "bob:!*:19000:0:99999:7::19674:\n",	/* expired yesterday, and locked */
		 0640);
	EXPECT("alice", VERDICT_CAN, 0);	/* lastchg 0 needs PAM to matter */
	EXPECT("bob", VERDICT_CANNOT, VW_ACCOUNT_EXPIRED);
	struct verdict v = judge("bob");
	ck_assert(has(&v, VW_ACCOUNT_LOCKED));
	verdict_done(&v);
}
END_TEST

START_TEST(verdict_account_state_with_pam)
{
	add_home("bob", 1001, true);
	/* pam_unix: a '!' lock does not stop keys (RULES §6.2). */
	EXPECT("bob", VERDICT_CAN, 0);
	tl_write(root, "etc/shadow",
		 "root:*:19000:0:99999:7:::\n"
		 "alice:$y$hash:19000:0:99999:7::19675:\n"	/* pam_unix: expired from that day on */
		 "bob:!:0:0:99999:7:::\n",			/* must change the password */
		 0640);
	EXPECT("alice", VERDICT_CANNOT, VW_PAM_ACCOUNT_EXPIRED);
	EXPECT("bob", VERDICT_CANNOT, VW_PASSWORD_CHANGE);
	/* Aged out: changed 100 days ago, at most 30; and also inactive for more than 10 days after. */
	tl_write(root, "etc/shadow",
		 "root:*:19000:0:99999:7:::\n"
		 "alice:$y$hash:19575:0:30:7:::\n"
		 "bob:!:19575:0:30:7:10::\n",
		 0640);
	EXPECT("alice", VERDICT_CANNOT, VW_PASSWORD_CHANGE);
	EXPECT("bob", VERDICT_CANNOT, VW_PAM_ACCOUNT_EXPIRED);
	/* A CRLF shadow line is no entry at all for glibc: nothing expires. */
	tl_write(root, "etc/shadow", "alice:$y$hash:19000:0:99999:7::1:\r\n", 0640);
	EXPECT("alice", VERDICT_CAN, 0);
}
END_TEST

START_TEST(verdict_shells)
{
	tl_write(root, "etc/passwd",
		 "root:x:0:0:root:/root:/bin/bash\n"
		 "alice:x:1000:1000::/home/alice:/bin/zsh\n"
		 "bob:x:1001:1001::/home/bob:/bin/notexec\n",
		 0644);
	tl_write(root, "bin/notexec", "x\n", 0644);
	add_home("bob", 1001, true);
	EXPECT("alice", VERDICT_CANNOT, VW_SHELL_MISSING);
	EXPECT("bob", VERDICT_CANNOT, VW_SHELL_NOT_EXECUTABLE);
	/* ChrootDirectory: sshd does not look at the shell (RULES §6.1b). */
	config("UsePAM yes\nChrootDirectory /srv\n");
	EXPECT("alice", VERDICT_CAN, 0);
	/* A nologin shell: the key is accepted, then the session ends (RULES §6.3). */
	config("UsePAM yes\n");
	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/sbin", 0755);
	tl_write(root, "usr/sbin/nologin", "x\n", 0755);
	tl_write(root, "etc/passwd", "alice:x:1000:1000::/home/alice:/usr/sbin/nologin\n", 0644);
	EXPECT("alice", VERDICT_CANNOT, VW_SHELL_NOLOGIN);
	/* The shell's directory is missing (/usr not mounted?): not judged. */
	tl_write(root, "etc/passwd", "alice:x:1000:1000::/home/alice:/opt/none/bin/fish\n", 0644);
	struct verdict v = judge("alice");
	ck_assert_int_eq(v.state, VERDICT_CAN);
	ck_assert(v.shell_unjudged);
	verdict_done(&v);
}
END_TEST

START_TEST(verdict_allow_deny_order)
{
	/* DenyUsers, then AllowUsers, DenyGroups, AllowGroups (RULES §6.1c). */
	config("UsePAM yes\nDenyUsers bob\nAllowUsers bob alice\n");
	add_home("bob", 1001, true);
	EXPECT("bob", VERDICT_CANNOT, VW_DENY_USERS);
	EXPECT("alice", VERDICT_CAN, 0);
	EXPECT("root", VERDICT_CANNOT, VW_ALLOW_USERS);
	config("UsePAM yes\nDenyGroups wheel\n");
	EXPECT("alice", VERDICT_CANNOT, VW_DENY_GROUPS);
	EXPECT("bob", VERDICT_CAN, 0);
	config("UsePAM yes\nAllowGroups whe?l root\n");
	EXPECT("alice", VERDICT_CAN, 0);
	EXPECT("bob", VERDICT_CANNOT, VW_ALLOW_GROUPS);
	/* AllowGroups entries are single patterns: "a,b" is one group name. */
	config("UsePAM yes\nAllowGroups bob,wheel\n");
	EXPECT("alice", VERDICT_CANNOT, VW_ALLOW_GROUPS);
	/* A shell refused comes before every list. */
	config("UsePAM yes\nDenyUsers alice\n");
	tl_write(root, "etc/passwd", "alice:x:1000:1000::/home/alice:/bin/zsh\n", 0644);
	EXPECT("alice", VERDICT_CANNOT, VW_SHELL_MISSING);
}
END_TEST

START_TEST(verdict_user_at_host_depends)
{
	struct verdict v;

	config("UsePAM yes\nAllowUsers alice@192.0.2.0/24 root\n");
	v = judge("alice");
	ck_assert_int_eq(v.state, VERDICT_DEPENDS);
	ck_assert_int_eq(verdict_first(&v)->why, VW_ALLOW_USERS);
	ck_assert(verdict_first(&v)->depends);
	verdict_done(&v);
	config("UsePAM yes\nDenyUsers alice@*\n");
	EXPECT("alice", VERDICT_CANNOT, VW_DENY_USERS);
	config("UsePAM yes\nMatch Address 10.0.0.0/8\n  PubkeyAuthentication no\n");
	v = judge("alice");
	ck_assert_int_eq(v.state, VERDICT_DEPENDS);
	ck_assert_int_eq(verdict_first(&v)->why, VW_PUBKEY_DISABLED);
	verdict_done(&v);
	/* A reason that holds everywhere makes it "cannot", whatever else depends. */
	config("UsePAM yes\nDenyUsers alice\nMatch Address 10.0.0.0/8\n  PubkeyAuthentication no\n");
	v = judge("alice");
	ck_assert_int_eq(v.state, VERDICT_CANNOT);
	ck_assert_int_eq(verdict_first(&v)->why, VW_DENY_USERS);
	ck_assert(has(&v, VW_PUBKEY_DISABLED));
	verdict_done(&v);
}
END_TEST

START_TEST(verdict_methods_and_root)
{
	config("UsePAM yes\nPubkeyAuthentication no\n");
	EXPECT("alice", VERDICT_CANNOT, VW_PUBKEY_DISABLED);
	config("UsePAM yes\nAuthenticationMethods publickey,password\n");
	EXPECT("alice", VERDICT_CANNOT, VW_AUTH_METHODS);
	config("UsePAM yes\nAuthenticationMethods publickey,password publickey,publickey\n");
	EXPECT("alice", VERDICT_CAN, 0);
	config("UsePAM yes\nPermitRootLogin no\n");
	EXPECT("root", VERDICT_CANNOT, VW_ROOT_LOGIN);
	EXPECT("alice", VERDICT_CAN, 0);
	config("UsePAM yes\nPermitRootLogin forced-commands-only\n");
	EXPECT("root", VERDICT_CANNOT, VW_ROOT_LOGIN);
	config("UsePAM yes\nPermitRootLogin without-password\n");
	EXPECT("root", VERDICT_CAN, 0);
	/* The root check comes after the key: no key is the first reason. */
	tl_write(root, "root/.ssh/authorized_keys", "", 0600);
	config("UsePAM yes\nPermitRootLogin no\n");
	EXPECT("root", VERDICT_CANNOT, VW_NO_KEYS);
}
END_TEST

START_TEST(verdict_keys_files)
{
	/* StrictModes: a home writable by others (RULES §1.6). */
	_cleanup_free_ char *home = tl_path(root, "home/alice");
	ck_assert_int_eq(chmod(home, 0777), 0);
	EXPECT("alice", VERDICT_CANNOT, VW_KEYS_REFUSED);
	config("UsePAM yes\nStrictModes no\n");
	EXPECT("alice", VERDICT_CAN, 0);
	ck_assert_int_eq(chmod(home, 0755), 0);
	/* An unknown token: sshd drops the connection (RULES §1.4). */
	config("UsePAM yes\nAuthorizedKeysFile .ssh/%x\n");
	EXPECT("alice", VERDICT_CANNOT, VW_KEYS_TOKEN);
	/* Keys outside the home; "none"; %u. */
	tl_mkdir(root, "etc/ssh/keys", 0755);
	tl_write(root, "etc/ssh/keys/alice", "ssh-ed25519 AAAAfake\n", 0644);
	config("UsePAM yes\nAuthorizedKeysFile none /etc/ssh/keys/%u\n");
	EXPECT("alice", VERDICT_CAN, 0);
	EXPECT("bob", VERDICT_CANNOT, VW_NO_KEYS);
	/* The '~' trap: root's file for everybody, which alice cannot enter (/root is 0700). */
	config("UsePAM yes\nAuthorizedKeysFile ~/.ssh/authorized_keys\n");
	EXPECT("root", VERDICT_CAN, 0);
	EXPECT("alice", VERDICT_CANNOT, VW_KEYS_REFUSED);
	/* A relative AuthorizedKeysCommand is never run (RULES §1.10): bob has no keys. */
	config("UsePAM yes\nAuthorizedKeysCommand fetch-keys %u\nAuthorizedKeysCommandUser nobody\n");
	EXPECT("bob", VERDICT_CANNOT, VW_KEYS_REFUSED);
	/* Nor a missing program. */
	config("UsePAM yes\nAuthorizedKeysCommand /usr/bin/fetch-keys %u\nAuthorizedKeysCommandUser nobody\n");
	EXPECT("bob", VERDICT_CANNOT, VW_KEYS_REFUSED);
	if (!tl_is_root())
		return;	/* the safe case needs the target's / to be root's */
	/* Keys from a command that runs: sshfix cannot tell, so it does not say "no keys". */
	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/bin", 0755);
	tl_write(root, "usr/bin/fetch-keys", "#!/bin/sh\n", 0755);
	EXPECT("bob", VERDICT_CAN, 0);
	/* Its directory writable by others: sshd refuses to run it. */
	_cleanup_free_ char *bin = tl_path(root, "usr/bin");
	ck_assert_int_eq(chmod(bin, 0777), 0);
	EXPECT("bob", VERDICT_CANNOT, VW_KEYS_REFUSED);
	ck_assert_int_eq(chmod(bin, 0755), 0);
}
END_TEST

/* Without detail (the checks): keys files are only looked up; the user's own count. */
START_TEST(verdict_keys_lookup_only)
{
	struct verdict_env env;
	struct verdict v;

	config("UsePAM yes\nAuthorizedKeysFile .ssh/authorized_keys /etc/ssh/shared_keys\n");
	tl_write(root, "etc/ssh/shared_keys", "ssh-ed25519 AAAAfake\n", 0644);
	load();
	ck_assert_int_eq(verdict_env_init(t, &m, &env), 0);
	ck_assert_int_eq(verdict_user(t, &m, &env, accounts_user_by_name(&m.accounts, "alice"), &v), 0);
	ck_assert(v.has_keys);
	ck_assert_ptr_null(v.evidence);
	verdict_done(&v);
	/* bob: only the shared file, which is nobody's own. */
	ck_assert_int_eq(verdict_user(t, &m, &env, accounts_user_by_name(&m.accounts, "bob"), &v), 0);
	ck_assert(!v.has_keys);
	ck_assert(!has(&v, VW_NO_KEYS));
	verdict_done(&v);
	verdict_env_done(&env);
	/* With detail, sshd accepts the shared file for bob: he has keys. */
	struct verdict d = judge("bob");
	ck_assert(d.has_keys);
	ck_assert_int_eq(d.state, VERDICT_CAN);
	verdict_done(&d);
}
END_TEST

/* The keys files of each account: a Match block's AuthorizedKeysFile, in both worlds of the client. */
START_TEST(keyfiles_set_match_blocks)
{
	struct keyfiles_set set;
	char **p;
	_cleanup_strv_free_ char **paths = NULL;

	config("UsePAM yes\nAuthorizedKeysFile .ssh/global_keys\n"
	       "Match Group wheel\n\tAuthorizedKeysFile /etc/ssh/keys/%u\n"
	       "Match User bob Address 10.0.0.0/8\n\tAuthorizedKeysFile .ssh/a .ssh/b\n"
	       "Match User bob\n\tAuthorizedKeysFile .ssh/c .ssh/a\n\tPasswordAuthentication no\n"
	       "Match User root\n\tPasswordAuthentication no\n");
	load();
	ck_assert_int_eq(keyfiles_set_init(&set, m.sshd, &m.accounts), 0);
	ck_assert_int_eq(keyfiles_set_for(&set, accounts_user_by_name(&m.accounts, "alice"), &p), 0);
	ck_assert_uint_eq(strv_length(p), 1);
	ck_assert_str_eq(p[0], "/etc/ssh/keys/%u");	/* alice is in wheel */
	ck_assert_int_eq(keyfiles_set_for(&set, accounts_user_by_name(&m.accounts, "bob"), &p), 0);
	ck_assert_uint_eq(strv_length(p), 3);	/* a client outside 10/8 gets c and a, one inside a and b */
	ck_assert_str_eq(p[0], ".ssh/c");
	ck_assert_str_eq(p[1], ".ssh/a");
	ck_assert_str_eq(p[2], ".ssh/b");
	ck_assert_int_eq(keyfiles_set_for(&set, accounts_user_by_name(&m.accounts, "root"), &p), 0);
	ck_assert_uint_eq(strv_length(p), 1);
	ck_assert_str_eq(p[0], ".ssh/global_keys");	/* its block has no AuthorizedKeysFile */
	keyfiles_set_done(&set);

	ck_assert_int_eq(keyfiles_paths(m.sshd, &m.accounts, accounts_user_by_name(&m.accounts, "bob"), &paths), 0);
	ck_assert_uint_eq(strv_length(paths), 3);
	ck_assert_str_eq(paths[2], "/home/bob/.ssh/b");

	/* Without a Match block that sets it, every account shares the global vector. */
	config("UsePAM yes\nMatch User bob\n\tPasswordAuthentication no\n");
	load();
	ck_assert_int_eq(keyfiles_set_init(&set, m.sshd, &m.accounts), 0);
	ck_assert_int_eq(keyfiles_set_for(&set, accounts_user_by_name(&m.accounts, "bob"), &p), 0);
	ck_assert_ptr_eq(p, set.global);
	ck_assert_uint_eq(strv_length(p), 2);
	keyfiles_set_done(&set);
}
END_TEST

/*
 * Without detail, what user-key-paths found (the model's keyfiles_seen) is
 * the answer, without a second lookup: told the opposite of the disk, the
 * verdict follows it.  A pattern the scan did not look up (a Match block's)
 * is looked up on the disk.
 */
START_TEST(verdict_keys_seen_first)
{
	struct verdict_env env;
	struct verdict v;
	const struct pw_entry *alice, *bob;

	config("UsePAM yes\nMatch User bob\n\tAuthorizedKeysFile .ssh/other_keys\n");
	tl_write(root, "home/bob/.ssh/other_keys", "ssh-ed25519 AAAAfake\n", 0600);
	load();
	alice = accounts_user_by_name(&m.accounts, "alice");
	bob = accounts_user_by_name(&m.accounts, "bob");
	ck_assert_int_eq(keyfiles_seen(&m, alice, ".ssh/authorized_keys"), KEYFILE_UNKNOWN);
	ck_assert_int_eq(keyfiles_seen_note(&m, alice, ".ssh/authorized_keys", false), 0);
	ck_assert_int_eq(keyfiles_seen_note(&m, alice, ".ssh/authorized_keys2", false), 0);
	ck_assert_int_eq(keyfiles_seen_note(&m, bob, ".ssh/authorized_keys", false), 0);
	ck_assert_int_eq(keyfiles_seen(&m, alice, ".ssh/authorized_keys"), KEYFILE_ABSENT);
	ck_assert_int_eq(keyfiles_seen(&m, bob, ".ssh/authorized_keys2"), KEYFILE_UNKNOWN);
	ck_assert_int_eq(keyfiles_seen(&m, bob, ".ssh/other_keys"), KEYFILE_UNKNOWN);
	/* not one of the model's accounts */
	struct pw_entry stranger = *alice;
	ck_assert_int_eq(keyfiles_seen(&m, &stranger, ".ssh/authorized_keys"), KEYFILE_UNKNOWN);

	ck_assert_int_eq(verdict_env_init(t, &m, &env), 0);
	ck_assert_int_eq(verdict_user(t, &m, &env, alice, &v), 0);
	ck_assert(!v.has_keys);		/* the scan said: none (the disk has one) */
	verdict_done(&v);
	ck_assert_int_eq(verdict_user(t, &m, &env, bob, &v), 0);
	ck_assert(v.has_keys);		/* his Match's file, looked up on the disk */
	verdict_done(&v);
	ck_assert_int_eq(keyfiles_seen_note(&m, alice, ".ssh/authorized_keys", true), 0);
	ck_assert_int_eq(verdict_user(t, &m, &env, alice, &v), 0);
	ck_assert(v.has_keys);
	verdict_done(&v);
	verdict_env_done(&env);
}
END_TEST

START_TEST(verdict_nologin_file)
{
	tl_write(root, "etc/nologin", "maintenance\n", 0644);
	EXPECT("alice", VERDICT_CANNOT, VW_NOLOGIN_FILE);
	EXPECT("root", VERDICT_CAN, 0);
	config("UsePAM no\n");
	EXPECT("alice", VERDICT_CANNOT, VW_NOLOGIN_FILE);
}
END_TEST

/* A systemd target: every boot removes /etc/nologin (RULES §6.2). */
START_TEST(verdict_nologin_cleared_at_boot)
{
	struct verdict_env env;

	tl_write(root, "etc/nologin", "maintenance\n", 0644);
	tl_mkdir(root, "sbin", 0755);
	tl_mkdir(root, "lib", 0755);
	tl_mkdir(root, "lib/systemd", 0755);
	tl_mkdir(root, "lib/systemd/system", 0755);
	tl_mkdir(root, "lib/systemd/system/multi-user.target.wants", 0755);
	tl_write(root, "lib/systemd/systemd", "\177ELF", 0755);
	tl_symlink(root, "sbin/init", "/lib/systemd/systemd");
	tl_write(root, "lib/systemd/system/systemd-user-sessions.service", "[Service]\n", 0644);
	tl_symlink(root, "lib/systemd/system/multi-user.target.wants/systemd-user-sessions.service",
		   "../systemd-user-sessions.service");
	/* Examined offline: it keeps nobody out after the boot; the evidence says why. */
	EXPECT("alice", VERDICT_CAN, 0);
	struct verdict v = judge("alice");
	bool said = false;
	for (size_t i = 0; v.evidence && v.evidence[i]; i++)
		said |= strstr(v.evidence[i], "/etc/nologin exists, but systemd-user-sessions.service") != NULL;
	ck_assert(said);
	verdict_done(&v);

	load();
	ck_assert_int_eq(verdict_env_init(t, &m, &env), 0);
	ck_assert(env.nologin);
	ck_assert_ptr_nonnull(env.nologin_cleared);
	ck_assert(!env.this_system);
	ck_assert(!verdict_nologin_blocks(&env));
	/* The running system: it keeps users out now, whatever the next boot does. */
	env.this_system = true;
	ck_assert(verdict_nologin_blocks(&env));
	verdict_env_done(&env);

	/* Masked: nothing removes it, so it blocks after the boot too. */
	tl_mkdir(root, "etc/systemd", 0755);
	tl_mkdir(root, "etc/systemd/system", 0755);
	tl_symlink(root, "etc/systemd/system/systemd-user-sessions.service", "/dev/null");
	EXPECT("alice", VERDICT_CANNOT, VW_NOLOGIN_FILE);
}
END_TEST

START_TEST(verdict_pam_limits)
{
	tl_mkdir(root, "etc/pam.d", 0755);
	tl_mkdir(root, "etc/security", 0755);
	tl_mkdir(root, "etc/security/limits.d", 0755);
	tl_write(root, "etc/security/limits.conf", "alice - maxlogins 0\n", 0644);
	/* Without pam_limits in sshd's session stack, limits.conf does nothing. */
	EXPECT("alice", VERDICT_CAN, 0);
	tl_write(root, "etc/pam.d/sshd", "@include common-account\n@include common-session\n", 0644);
	tl_write(root, "etc/pam.d/common-account", "account required pam_unix.so\n", 0644);
	tl_write(root, "etc/pam.d/common-session",
		 "session [default=1] pam_permit.so\n"
		 "session required pam_limits.so\n",
		 0644);
	EXPECT("alice", VERDICT_CANNOT, VW_PAM_LIMITS);
	EXPECT("bob", VERDICT_CANNOT, VW_NO_KEYS);
	/* maxlogins never applies to root; a wildcard line does not either. */
	tl_write(root, "etc/security/limits.conf", "* - maxlogins 0\nroot - maxlogins 0\n", 0644);
	EXPECT("root", VERDICT_CAN, 0);
	EXPECT("alice", VERDICT_CANNOT, VW_PAM_LIMITS);
	/* A user's own line beats a group's, which beats '*'; a later equal one overrides. */
	tl_write(root, "etc/security/limits.conf", "* hard nofile 3\n@wheel hard nofile 4096\n", 0644);
	EXPECT("alice", VERDICT_CAN, 0);	/* in wheel */
	add_home("bob", 1001, true);
	EXPECT("bob", VERDICT_CANNOT, VW_PAM_LIMITS);
	tl_write(root, "etc/security/limits.d/90-x.conf", "alice soft nofile 8\n", 0644);
	EXPECT("alice", VERDICT_CANNOT, VW_PAM_LIMITS);
	tl_write(root, "etc/security/limits.d/90-x.conf", "alice soft nofile 8\nalice soft nofile 64\n", 0644);
	EXPECT("alice", VERDICT_CAN, 0);
	/* "alice -" in any file: no limits at all for her. */
	tl_write(root, "etc/security/limits.d/90-x.conf", "alice -\n", 0644);
	tl_write(root, "etc/security/limits.conf", "alice - maxlogins 0\n", 0644);
	EXPECT("alice", VERDICT_CAN, 0);
	/* uid ranges; pam_limits is not used without PAM. */
	tl_write(root, "etc/security/limits.d/90-x.conf", "1000: hard nofile 2\n", 0644);
	tl_write(root, "etc/security/limits.conf", "", 0644);
	EXPECT("alice", VERDICT_CANNOT, VW_PAM_LIMITS);
	EXPECT("root", VERDICT_CAN, 0);
	config("UsePAM no\n");
	EXPECT("alice", VERDICT_CAN, 0);
}
END_TEST

START_TEST(verdict_first_reason_in_sshd_order)
{
	struct verdict v;

	config("UsePAM no\nDenyUsers bob\nPubkeyAuthentication no\n");
	tl_write(root, "etc/passwd", "bob:x:1001:1001::/home/bob:/bin/zsh\n", 0644);
	tl_write(root, "etc/nologin", "x\n", 0644);
	v = judge("bob");
	ck_assert_int_eq(v.state, VERDICT_CANNOT);
	/* locked, shell, DenyUsers, pubkey, no keys, nologin: in sshd's order. */
	enum verdict_why want[] = { VW_ACCOUNT_LOCKED, VW_SHELL_MISSING, VW_DENY_USERS, VW_PUBKEY_DISABLED, VW_NO_KEYS,
				    VW_NOLOGIN_FILE };
	ck_assert_uint_eq(v.n_reasons, ELEMENTSOF(want));
	for (size_t i = 0; i < ELEMENTSOF(want); i++)
		ck_assert_msg(v.reasons[i].why == want[i], "reason %zu is %s", i, verdict_why_name(v.reasons[i].why));
	ck_assert(v.listed);
	ck_assert(!v.has_keys);
	verdict_done(&v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verdict");
	TCase *tcc = tcase_create("config");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tcc, setup, teardown);
	tcase_add_test(tcc, verdict_config_defaults);
	tcase_add_test(tcc, verdict_config_match_overrides_global);
	tcase_add_test(tcc, verdict_config_match_group_and_negation);
	tcase_add_test(tcc, verdict_config_lists);
	tcase_add_test(tcc, verdict_config_connection_dependent);
	tcase_add_test(tcc, verdict_config_invalid);
	tcase_add_test(tcc, verdict_compare_with_sshd);
	suite_add_tcase(s, tcc);
	/* Keys files must belong to root or the user for StrictModes: only root can make them so. */
	if (tl_is_root()) {
		TCase *tc = tcase_create("verdict");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, verdict_healthy_and_no_keys);
		tcase_add_test(tc, verdict_account_state_without_pam);
		tcase_add_test(tc, verdict_account_state_with_pam);
		tcase_add_test(tc, verdict_shells);
		tcase_add_test(tc, verdict_allow_deny_order);
		tcase_add_test(tc, verdict_user_at_host_depends);
		tcase_add_test(tc, verdict_methods_and_root);
		tcase_add_test(tc, verdict_keys_files);
		tcase_add_test(tc, verdict_keys_lookup_only);
	tcase_add_test(tc, verdict_keys_seen_first);
	tcase_add_test(tc, keyfiles_set_match_blocks);
		tcase_add_test(tc, verdict_nologin_file);
		tcase_add_test(tc, verdict_nologin_cleared_at_boot);
		tcase_add_test(tc, verdict_pam_limits);
		tcase_add_test(tc, verdict_first_reason_in_sshd_order);
		suite_add_tcase(s, tc);
	} else
		printf("SKIP: the verdict cases need root (keys files owned by root or the user); config cases only\n");
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
