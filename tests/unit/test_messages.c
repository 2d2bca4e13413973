/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the message table (src/messages.c) and --explain's reading
 * of transcripts (src/explain.c): every row well formed and naming real
 * problem ids; every problem id that has a log message has its row; the
 * client messages people search for (issue 14's list, RULES §5 and §12.3)
 * and real log lines (as syslog and the journal print them) find the right
 * row; where a transcript stopped; the logs' time stamps and --since.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "fix.h"
#include "logs.h"
#include "messages.h"
#include "util.h"

START_TEST(messages_rows_well_formed)
{
	for (size_t i = 0; i < msg_table_size; i++) {
		const struct msg_row *r = &msg_table[i];
		ck_assert_msg(r->id && *r->id && r->pattern && *r->pattern && r->meaning && *r->meaning, "row %zu", i);
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(!streq(msg_table[j].id, r->id), "row id %s twice", r->id);
		ck_assert_msg(r->side == MSG_SERVER || r->stage != STAGE_NONE || streq(r->id, "client-bad-config-perms"),
			      "client row %s has no stage", r->id);
		/* every cause a problem id, or words after '!' */
		char *causes = strdup(r->causes), *save = NULL;
		ck_assert_ptr_nonnull(causes);
		for (char *c = strtok_r(causes, " ", &save); c; c = strtok_r(NULL, " ", &save))
			ck_assert_msg(c[0] == '!' || problem_by_id(c), "row %s names %s, which is no problem id", r->id, c);
		free(causes);
	}
}
END_TEST

/* Problem ids sshd (or PAM, libwrap, fail2ban, the kernel's audit) writes a message for (RULES §1-§12). */
START_TEST(messages_every_logged_problem_has_a_row)
{
	static const char *const logged[] = {
		"home-perms", "key-dir-perms", "authorized-keys-perms", "authorized-keys-not-regular",
		"authorized-keys-rsa-too-small", "authorized-keys-unsupported-type", "hostkey-mode", "hostkey-owner",
		"hostkey-corrupt", "hostkey-empty", "hostkey-missing", "hostkey-pub-mismatch", "config-bad-option",
		"config-bad-value", "config-missing-argument", "config-invalid-quotes", "config-not-allowed-in-match",
		"config-include-loop", "config-trailing-comment", "listen-port-invalid", "listen-address-invalid",
		"listen-cannot-bind", "privsep-dir-missing", "privsep-dir-perms", "privsep-user-missing",
		"sshd-session-missing", "sshd-auth-missing", "account-locked", "shell-invalid", "user-not-allowed",
		"account-expired", "root-login-refused", "pam-access-denied", "pam-module-missing", "pam-limits-session",
		"tcp-wrappers-deny", "fail2ban-banned", "selinux-label-wrong", "listen-port-selinux",
	};
	for (size_t i = 0; i < ELEMENTSOF(logged); i++) {
		bool has = false;
		ck_assert_msg(problem_by_id(logged[i]), "%s is no problem id", logged[i]);
		for (size_t k = 0; k < msg_table_size && !has; k++)
			has = msg_table[k].side == MSG_SERVER && msg_has_cause(&msg_table[k], logged[i]);
		ck_assert_msg(has, "no server message row names %s", logged[i]);
	}
}
END_TEST

START_TEST(messages_client_lines)
{
	static const struct {
		const char *line, *row;
	} cases[] = {
		{ "ssh: connect to host 192.0.2.10 port 22: Connection refused", "client-refused" },
		{ "ssh: connect to host 192.0.2.10 port 22: Connection timed out", "client-timeout" },
		{ "ssh: connect to host 192.0.2.10 port 22: No route to host", "client-no-route" },
		{ "kex_exchange_identification: read: Connection reset by peer", "client-reset-banner" },
		{ "kex_exchange_identification: Connection closed by remote host", "client-closed-banner" },
		{ "Connection reset by 192.0.2.10 port 22", "client-reset" },
		{ "Connection closed by remote host", "client-closed" },
		{ "Connection timed out during banner exchange", "client-banner-timeout" },
		{ "alice@192.0.2.10: Permission denied (publickey).", "client-pubkey-denied" },
		{ "alice@host: Permission denied (publickey,password).", "client-pubkey-denied" },
		{ "Received disconnect from 192.0.2.10 port 22:2: Too many authentication failures", "client-too-many-auth" },
		{ "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @", "client-host-key-changed" },
		{ "Host key verification failed.", "client-host-key-verify" },
		{ "Unable to negotiate with 192.0.2.10 port 22: no matching host key type found. Their offer: ssh-rsa",
		  "client-no-host-key-type" },
		{ "Unable to negotiate with 192.0.2.10 port 22: no matching key exchange method found.", "client-no-kex" },
		{ "sign_and_send_pubkey: no mutual signature supported", "client-no-mutual-sig" },
		{ "@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @", "client-unprotected-key" },
		{ "Bad owner or permissions on /home/alice/.ssh/config", "client-bad-config-perms" },
		{ "This account is currently not available.", "client-nologin-shell" },
		{ "Not allowed at this time", "client-not-allowed-time" },
		{ "There were too many logins for 'alice'.", "client-too-many-logins" },
		{ "client_loop: send disconnect: Broken pipe", "client-broken-pipe" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const struct msg_row *r = msg_find(MSG_CLIENT, 0, cases[i].line, strlen(cases[i].line));
		ck_assert_msg(r && streq(r->id, cases[i].row), "\"%s\": %s, want %s", cases[i].line, r ? r->id : "no row",
			      cases[i].row);
	}
	ck_assert_ptr_null(msg_find(MSG_CLIENT, 0, "the screen went blue", 20));
}
END_TEST

START_TEST(messages_server_lines)
{
	static const struct {
		const char *line, *row;
		unsigned ver;
	} cases[] = {
		{ "Dec  6 10:00:01 host sshd[812]: Authentication refused: bad ownership or modes for directory /home/alice",
		  "authkeys-dir-modes", 902 },
		{ "2026-12-06T10:00:01+00:00 host sshd-session[91]: Authentication refused: bad ownership or modes for file "
		  "/home/alice/.ssh/authorized_keys", "authkeys-file-modes", 1000 },
		{ "sshd[5]: Could not open user 'alice' authorized keys '/home/alice/.ssh/authorized_keys': Permission denied",
		  "authkeys-open-denied", 902 },
		{ "sshd[1]: Unable to load host key \"/etc/ssh/ssh_host_ed25519_key\": bad permissions", "hostkey-bad-perms", 902 },
		{ "sshd[1]: Unable to load host key \"/etc/ssh/ssh_host_rsa_key\": error in libcrypto", "hostkey-libcrypto", 902 },
		{ "sshd[1]: Unable to load host key: /etc/ssh/ssh_host_rsa_key", "hostkey-unloadable", 902 },
		{ "sshd[1]: sshd: no hostkeys available -- exiting.", "hostkey-none", 902 },
		{ "sshd[1]: /etc/ssh/sshd_config: line 3: Bad configuration option: Foo", "config-bad-option", 902 },
		{ "sshd[1]: Missing privilege separation directory: /run/sshd", "privsep-dir-missing", 902 },
		{ "sshd[9]: User bob not allowed because account is locked", "user-locked", 902 },
		{ "sshd[9]: User bob from 192.0.2.20 not allowed because not listed in AllowUsers", "user-not-in-allowusers", 902 },
		{ "sshd[9]: fatal: Access denied for user bob by PAM account configuration [preauth]", "pam-account-denied", 902 },
		{ "sshd[9]: refused connect from 192.0.2.20 (192.0.2.20)", "tcpwrap-refused", 902 },
		{ "sshd[9]: error: Bind to port 2222 on 0.0.0.0 failed: Permission denied.", "bind-failed", 902 },
		{ "sshd[9]: fatal: Cannot bind any address.", "bind-none", 902 },
		{ "2026-12-06 10:00:01,123 fail2ban.actions [77]: NOTICE  [sshd] Restore Ban 192.0.2.20", "fail2ban-restore", 0 },
		{ "type=AVC msg=audit(1700000000.1:42): avc:  denied  { read } for pid=812 comm=\"sshd\" "
		  "name=\"authorized_keys\" scontext=system_u:system_r:sshd_t:s0-s0:c0.c1023 "
		  "tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0", "avc-sshd", 0 },
		{ "2026-12-06T10:00:01.5+00:00 host kernel: audit: type=1400 audit(1765015201.5:61): apparmor=\"DENIED\" "
		  "operation=\"open\" class=\"file\" profile=\"/usr/sbin/sshd\" name=\"/srv/keys/alice\" pid=812 "
		  "comm=\"sshd\" requested_mask=\"r\" denied_mask=\"r\" fsuid=1000 ouid=1000", "apparmor-denied-sshd", 0 },
		/* Debian 13's own sshd profile, enforced (tests/boot/mac.sh apparmor-trixie-session) */
		{ "Dec 07 12:46:05 host sshd[387]: fatal: rexec of /usr/lib/openssh/sshd-session failed: Permission denied",
		  "sshd-helper-exec-denied", 1000 },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const struct msg_row *r = msg_find(MSG_SERVER, cases[i].ver, cases[i].line, strlen(cases[i].line));
		ck_assert_msg(r && streq(r->id, cases[i].row), "\"%s\": %s, want %s", cases[i].line, r ? r->id : "no row",
			      cases[i].row);
	}
	/* a 9.8 message is not looked for in a 9.2 log */
	const char *l = "sshd[1]: error: /usr/lib/openssh/sshd-session does not exist or is not executable";
	ck_assert_ptr_null(msg_find(MSG_SERVER, 902, l, strlen(l)));
	ck_assert_ptr_nonnull(msg_find(MSG_SERVER, 908, l, strlen(l)));
}
END_TEST

START_TEST(explain_transcript_stages)
{
	static const struct {
		const char *text;
		enum msg_stage stage;
	} cases[] = {
		{ "debug1: Connecting to h [192.0.2.10] port 22.\nssh: connect to host h port 22: Connection timed out\n",
		  STAGE_TCP },
		{ "debug1: Connecting to h port 22.\ndebug1: Connection established.\n"
		  "kex_exchange_identification: read: Connection reset by peer\n", STAGE_BANNER },
		{ "debug1: Connection established.\ndebug1: Remote protocol version 2.0, remote software version OpenSSH_9.2\n"
		  "Unable to negotiate with h port 22: no matching key exchange method found.\n", STAGE_KEX },
		{ "debug1: SSH2_MSG_NEWKEYS received\ndebug1: Authentications that can continue: publickey\n"
		  "u@h: Permission denied (publickey).\n", STAGE_AUTH },
		{ "debug1: Authenticated to h ([192.0.2.10]:22) using \"publickey\".\nThis account is currently not available.\n",
		  STAGE_SESSION },
		{ "Connection timed out\n", STAGE_NONE },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct transcript t;
		explain_read_transcript(cases[i].text, strlen(cases[i].text), &t);
		ck_assert_msg(t.stopped == cases[i].stage, "case %zu: stage %d, want %d", i, t.stopped, cases[i].stage);
	}
	struct transcript t;
	const char *auth = "debug1: SSH2_MSG_NEWKEYS received\ndebug1: Authentications that can continue: publickey,password\n"
			   "debug1: Offering public key: /home/u/.ssh/id_ed25519 ED25519 SHA256:x\n"
			   "debug1: Server accepts key: /home/u/.ssh/id_ed25519 ED25519 SHA256:x\n";
	explain_read_transcript(auth, strlen(auth), &t);
	ck_assert(t.key_offered && t.key_accepted);
	ck_assert_str_eq(t.methods, "publickey,password");
}
END_TEST

/* 2023-11-14 22:13:20 UTC, the tree cases' SOURCE_DATE_EPOCH. */
#define NOW 1700000000LL

START_TEST(logs_time_stamps)
{
	static const struct {
		const char *line;
		long long want;
	} v[] = {
		{ "2023-11-14T22:13:20.123456+00:00 h sshd[1]: Server listening on 0.0.0.0 port 22.", NOW },
		{ "2023-11-14T23:13:20+0100 h sshd[1]: x", NOW },		/* journalctl -o short-iso */
		{ "2023-11-14T21:13:20-01:00 h sshd[1]: x", NOW },
		{ "2023-11-14T22:13:20Z h sshd[1]: x", NOW },
		{ "Nov 14 22:13:20 h sshd[1]: x", NOW },
		{ "Nov  4 22:13:20 h sshd[1]: x", NOW - 10 * 86400 },
		{ "Dec 31 23:59:59 h sshd[1]: x", 1672531199 },			/* December, read in November: last year's */
		{ "2023-11-14 22:13:20,456 fail2ban.actions [1]: NOTICE [sshd] Ban 192.0.2.1", NOW },
		{ "type=AVC msg=audit(1700000000.123:42): avc:  denied", NOW },
		{ "1970-01-01T00:00:00Z x", 0 },
		{ "Foo 14 22:13:20 h sshd[1]: x", -1 },
		{ "Nov 14 25:13:20 h sshd[1]: x", -1 },
		{ "2023-13-14T22:13:20Z x", -1 },
		{ "2023-11-14", -1 },
		{ "sshd[1]: no stamp", -1 },
		{ "msg=audit(", -1 },
		{ "", -1 },
	};
	for (size_t i = 0; i < ELEMENTSOF(v); i++)
		ck_assert_msg(logs_line_time(v[i].line, strlen(v[i].line), NOW) == v[i].want, "%s: %lld, not %lld",
			      v[i].line, logs_line_time(v[i].line, strlen(v[i].line), NOW), v[i].want);
}
END_TEST

START_TEST(logs_since_argument)
{
	long long t;

	ck_assert_int_eq(logs_parse_since("2d", NOW, &t), 0);
	ck_assert_int_eq(t, NOW - 2 * 86400);
	ck_assert_int_eq(logs_parse_since("12h", NOW, &t), 0);
	ck_assert_int_eq(t, NOW - 12 * 3600);
	ck_assert_int_eq(logs_parse_since("30m", NOW, &t), 0);
	ck_assert_int_eq(t, NOW - 1800);
	ck_assert_int_eq(logs_parse_since("2023-11-14", NOW, &t), 0);
	ck_assert_int_eq(t, NOW - (22 * 3600 + 13 * 60 + 20));
	ck_assert_int_eq(logs_parse_since("2023-11-14 22:13", NOW, &t), 0);
	ck_assert_int_eq(t, NOW - 20);
	ck_assert_int_eq(logs_parse_since("2023-11-14T22:13:20", NOW, &t), 0);
	ck_assert_int_eq(t, NOW);
	static const char *const bad[] = { "", "d", "-2d", "2w", "2 d", "yesterday", "2023-11-14 22", "2023-02-30x",
					   "2023-11-14T22:13:20 junk", "99999999d" };
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(logs_parse_since(bad[i], NOW, &t) == -EINVAL, "'%s' accepted", bad[i]);
}
END_TEST

/* --since keeps what was said since then, across sshd's restarts; without it, the last start only. */
START_TEST(logs_since_window)
{
	static const char text[] =
		"Nov 10 08:00:00 h sshd[1]: Server listening on 0.0.0.0 port 22.\n"
		"Nov 10 09:00:00 h sshd[2]: Authentication refused: bad ownership or modes for directory /home/a\n"
		"Nov 13 08:00:00 h sshd[3]: Server listening on 0.0.0.0 port 22.\n"
		"Nov 14 20:00:00 h sshd[4]: Authentication refused: bad ownership or modes for directory /home/b\n";
	struct logs l = {0};

	ck_assert_int_eq(logs_add_text(&l, "auth.log", text, strlen(text), 902, true, 0, NOW), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_ptr_nonnull(strstr(l.lines[1].text, "/home/b"));
	for (size_t i = 0; i < l.n; i++)
		free(l.lines[i].text);
	l.n = 0;
	ck_assert_int_eq(logs_add_text(&l, "auth.log", text, strlen(text), 902, true, NOW - 5 * 86400, NOW), 0);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_ptr_nonnull(strstr(l.lines[1].text, "/home/a"));
	for (size_t i = 0; i < l.n; i++)
		free(l.lines[i].text);
	l.n = 0;
	ck_assert_int_eq(logs_add_text(&l, "auth.log", text, strlen(text), 902, true, NOW - 86400, NOW), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_ptr_nonnull(strstr(l.lines[0].text, "/home/b"));
	for (size_t i = 0; i < l.n; i++)
		free(l.lines[i].text);
	free(l.lines);
}
END_TEST

/*
 * A start of sshd begins before its "Server listening" lines: it says what
 * it could not bind (and the kernel's AVC for it) first.  An earlier
 * sshd's lines, and what came before them, are an earlier start's.
 */
START_TEST(logs_start_includes_its_bind_errors)
{
	static const char text[] =
		"Nov 14 08:00:00 h sshd[100]: Server listening on 0.0.0.0 port 22.\n"
		"Nov 14 08:10:00 h sshd[120]: Authentication refused: bad ownership or modes for directory /home/a\n"
		"Nov 14 09:00:00 h sshd[100]: Received signal 15; terminating.\n"
		"Nov 14 09:00:01 h sshd[226]: error: Bind to port 2222 on 0.0.0.0 failed: Permission denied.\n"
		"Nov 14 09:00:01 h kernel: audit: type=1400 audit(1.2:5): avc:  denied  { name_bind } for  pid=226 "
		"comm=\"sshd\" src=2222 scontext=system_u:system_r:sshd_t:s0 tcontext=system_u:object_r:"
		"unreserved_port_t:s0 tclass=tcp_socket permissive=0\n"
		"Nov 14 09:00:01 h sshd[226]: Server listening on 0.0.0.0 port 22.\n"
		"Nov 14 09:00:01 h sshd[226]: Server listening on :: port 22.\n";
	struct logs l = {0};

	ck_assert_int_eq(logs_add_text(&l, "auth.log", text, strlen(text), 902, true, 0, NOW), 0);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_ptr_nonnull(strstr(l.lines[0].text, "Bind to port 2222"));
	ck_assert_ptr_nonnull(strstr(l.lines[1].text, "name_bind"));
	for (size_t i = 0; i < l.n; i++)
		free(l.lines[i].text);
	free(l.lines);
}
END_TEST

static Suite *messages_suite(void)
{
	Suite *s = suite_create("messages");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, messages_rows_well_formed);
	tcase_add_test(tc, messages_every_logged_problem_has_a_row);
	tcase_add_test(tc, messages_client_lines);
	tcase_add_test(tc, messages_server_lines);
	tcase_add_test(tc, explain_transcript_stages);
	tcase_add_test(tc, logs_time_stamps);
	tcase_add_test(tc, logs_since_argument);
	tcase_add_test(tc, logs_since_window);
	tcase_add_test(tc, logs_start_includes_its_bind_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(messages_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
