/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/tcpwrap.c: hosts.allow and hosts.deny texts x
 * connections -> grant, deny or depends, with the file and line that
 * decide.  Where the connection is fully known, every row was checked
 * against Debian 12's libwrap (7.6.q-32) hosts_access() with the same
 * files (RQ_CLIENT_ADDR, RQ_CLIENT_NAME, RQ_USER, RQ_SERVER_* set);
 * tests/unit/tcpwrap-libwrap.sh repeats that for every row hosts_ctl() can
 * ask, against the build host's libwrap.  Rows with an unknown make sure
 * nothing is guessed.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts.h"
#include "tcpwrap.h"
#include "util.h"

/* Pattern lists the rows name: "/l/..." in memory. */
static int read_list(void *u, const char *path, struct tw_file *ret)
{
	static const struct {
		const char *path, *text;
		enum tw_kind kind;
		bool unsafe;
	} lists[] = {
		{ "/l/ours", "# not a comment: a word\n198.51.100.7  192.0.2.20\n", TWF_REGULAR, false },
		{ "/l/names", "\n\n.example.com\n", TWF_REGULAR, false },
		{ "/l/nested", "10.0.0.1 /l/ours\n", TWF_REGULAR, false },
		{ "/l/loop", "10.0.0.1 /l/loop2\n", TWF_REGULAR, false },
		{ "/l/loop2", "/l/loop\n", TWF_REGULAR, false },
		{ "/l/fifo", NULL, TWF_FIFO, true },
		{ "/l/dir", NULL, TWF_DIR, false },
		{ "/l/user", "10.0.0.1\n", TWF_REGULAR, true },
		{ "/l/nul", "10.0.0.1\0" "192.0.2.20\n", TWF_REGULAR, false },
	};
	(void) u;
	*ret = (struct tw_file) { .kind = TWF_MISSING };
	for (size_t i = 0; i < ELEMENTSOF(lists); i++) {
		if (strcmp(lists[i].path, path) != 0)
			continue;
		ret->kind = lists[i].kind;
		ret->unsafe = lists[i].unsafe;
		if (lists[i].text) {
			size_t n = strcmp(path, "/l/nul") == 0 ? 20 : strlen(lists[i].text);
			ret->data = malloc(n + 1);
			if (!ret->data)
				return -ENOMEM;
			memcpy(ret->data, lists[i].text, n + 1);
			ret->len = n;
		}
	}
	return 0;
}

#define MISSING ((const char *) 0)
#define FIFO ((const char *) 1)
#define SOCKET ((const char *) 2)
#define DIR_ ((const char *) 3)

struct row {
	const char *allow, *deny;	/* text, or MISSING, FIFO, SOCKET, DIR_ */
	const char *client, *name, *user;	/* NULL: not known */
	unsigned port;
	char want;		/* 'G' grant, 'D' deny, '?' depends */
	int table;		/* the step: 0 allow, 1 deny, -1 none */
	unsigned line;
	enum tw_how how;
};

static const char A[] = "192.0.2.20";	/* the client of most rows */

static const struct row rows[] = {
	/* the two files */
	{ MISSING, MISSING, A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "ALL: ALL\n", NULL, NULL, NULL, 0, 'D', 1, 1, TWH_ENTRY },
	{ "sshd: ALL\n", "ALL: ALL\n", NULL, NULL, NULL, 0, 'G', 0, 1, TWH_ENTRY },
	{ "sshd: 192.0.2.0/24\n", "ALL: ALL\n", A, "unknown", NULL, 22, 'G', 0, 1, TWH_ENTRY },
	{ "sshd: 192.0.2.0/24\n", "ALL: ALL\n", "198.51.100.7", "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "sshd: 192.0.2.0/24\n", "ALL: ALL\n", NULL, NULL, NULL, 0, '?', 0, 1, TWH_ENTRY },
	{ "in.ftpd: ALL\n", "sshd: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	/* lines as xgets() reads them */
	{ "", "# sshd: ALL\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "  # sshd: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },	/* '#' must come first */
	{ "", "\n\t\n# a\nsshd ALL\nsshd: ALL\n", A, "unknown", NULL, 22, 'D', 1, 5, TWH_ENTRY },	/* no ':' skipped */
	{ "", "sshd: 10.0.0.1", A, "unknown", NULL, 22, 'D', 1, 1, TWH_UNTERMINATED },
	{ "", "# only a comment", A, "unknown", NULL, 22, 'D', 1, 1, TWH_UNTERMINATED },
	{ "sshd: 10.0.0.1", "", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "sshd: 10.0.0.1", "sshd: 192.0.2.20\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: \\\n  ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "# x \\\nsshd: ALL\nin.ftpd: ALL\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "# x\nsshd: ALL \\\n", A, "unknown", NULL, 22, 'D', 1, 2, TWH_UNTERMINATED },
	{ "sshd: ALL # ours\n", "ALL: ALL\n", A, "unknown", NULL, 22, 'G', 0, 1, TWH_ENTRY },
	/* daemon lists */
	{ "", "ALL EXCEPT sshd: ALL\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "ALL EXCEPT in.ftpd: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "SSHD: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "ss*: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "s?hd,in.ftpd: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "ssh: ALL\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "22: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "22: ALL\n", A, "unknown", NULL, 2222, 'G', -1, 0, TWH_DEFAULT },
	{ "", "022: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "22: ALL\n", A, "unknown", NULL, 0, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd@192.0.2.10: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd@198.51.100.1: ALL\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd@srv.example: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd@192.0.2.10: ALL\n", NULL, NULL, NULL, 0, '?', 1, 1, TWH_ENTRY },	/* server not known */
	{ "", "KNOWN: ALL\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	/* client patterns against 192.0.2.20 */
	{ "", "sshd: 192.0.2.\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: 192.0.2.0/255.255.255.0\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: 192.0.2.0/24\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: 192.0.2.0/0\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },	/* /0 is no mask */
	{ "", "sshd: 0.0.0.0/0.0.0.0\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: 192.0.2.5/24\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },	/* net & ~mask */
	{ "", "sshd: 192.0.2.20/255.255.255.255\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: 192.0.2.20/32\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: .20\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },	/* a suffix of the address */
	{ "", "sshd: 192.0.2.*\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: *\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: ?\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: ALL EXCEPT 192.0.2.20\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: ALL EXCEPT 192.0.2.20\n", "192.0.2.21", "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: ALL EXCEPT 192.0.2.0/24 EXCEPT 192.0.2.20\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: ALL EXCEPT 192.0.2.0/24 EXCEPT 192.0.2.20\n", "192.0.2.21", "unknown", NULL, 22, 'G', -1, 0,
	  TWH_DEFAULT },
	{ "", "sshd: EXCEPT ALL\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: [2001:db8::]/32\n", "2001:db8::1", "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: [2001:db8::]/32\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: [2001:DB8::1]\n", "2001:db8::1", "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: [2001:db8::]/abc\n", "2001:db8::1", "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },	/* atoi: /0 */
	{ "", "sshd: 192.0.2.0/24\n", "::ffff:192.0.2.20", "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	/* names, and what libwrap looks up */
	{ "", "sshd: LOCAL\n", A, "client", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: LOCAL\n", A, "host.example.com", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: LOCAL\n", A, NULL, NULL, 22, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd: KNOWN\n", A, "host.example.com", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: KNOWN\n", A, "paranoid", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: UNKNOWN\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: UNKNOWN\n", A, NULL, NULL, 22, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd: PARANOID\n", A, "paranoid", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: PARANOID\n", NULL, NULL, NULL, 0, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd: .example.com\n", A, "host.example.com", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: .example.com\n", A, NULL, NULL, 22, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd: *.EXAMPLE.com\n", A, "host.example.com", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: host.example.com\n", A, "x.example.org", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: @admins\n", A, "host.example.com", NULL, 22, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd: alice@ALL\n", A, "unknown", "alice", 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: alice@ALL\n", A, "unknown", "unknown", 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: alice@ALL\n", A, "unknown", NULL, 22, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd: ALL@192.0.2.20\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: alice@10.0.0.1\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },	/* no ident asked */
	/* an address that is not local: loopback patterns never match, others depend */
	{ "", "sshd: 127.0.0.1 [::1] 127. 127.0.0.0/8\n", NULL, NULL, NULL, 0, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: 10.0.0.1\n", NULL, NULL, NULL, 0, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd: .example.com\n", NULL, NULL, NULL, 0, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd: 1.2.3\n", NULL, "unknown", NULL, 0, 'G', -1, 0, TWH_DEFAULT },	/* no address reads so */
	/* /file lists */
	{ "", "sshd: /l/ours\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: /l/nested\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: /l/names\n", A, "host.example.com", NULL, 22, 'D', 1, 1, TWH_ENTRY },
	{ "", "sshd: /l/names\n", A, NULL, NULL, 22, '?', 1, 1, TWH_ENTRY },
	{ "", "sshd: /l/missing /l/dir\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", "sshd: /l/fifo\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_STALL },
	{ "", "sshd: 192.0.2.20 /l/fifo\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_ENTRY },	/* never opened */
	{ "", "sshd: /l/loop\n", A, "unknown", NULL, 22, 'D', 1, 1, TWH_CRASH },
	{ "", "sshd: /l/nul\n", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },	/* NUL: the rest of the word */
	/* options (hosts_options(5)) */
	{ "sshd: ALL: deny\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_DENY },
	{ "", "sshd: ALL: allow\n", A, "unknown", NULL, 22, 'G', 1, 1, TWH_OPT_ALLOW },
	{ "sshd: ALL: allow: spawn /bin/true\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },
	{ "sshd: ALL: twist /bin/echo go away\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_TWIST },
	{ "sshd: ALL: spawn /bin/echo %a >> /tmp/log\n", "ALL: ALL\n", A, "unknown", NULL, 22, 'G', 0, 1, TWH_ENTRY },
	{ "sshd: ALL: bogus\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },
	{ "sshd: ALL: severity auth.info\n", "ALL: ALL\n", A, "unknown", NULL, 22, 'G', 0, 1, TWH_ENTRY },
	{ "sshd: ALL: severity authpriv.info\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },
	{ "sshd: ALL: setenv A=b\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },
	{ "sshd: ALL: setenv A b\n", "", A, "unknown", NULL, 22, 'G', 0, 1, TWH_ENTRY },
	{ "sshd: ALL: umask 022\n", "", A, "unknown", NULL, 22, 'G', 0, 1, TWH_ENTRY },
	{ "sshd: ALL: umask 999\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },
	{ "sshd: ALL: keepalive 1\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },
	{ "sshd: ALL: keepalive: linger 5: nice: rfc931 3\n", "", A, "unknown", NULL, 22, 'G', 0, 1, TWH_ENTRY },
	{ "sshd: ALL: nice x\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },
	{ "sshd: ALL:\n", "ALL: ALL\n", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },	/* the field "\n" */
	{ "sshd: ALL: : allow\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },
	{ "sshd: ALL: DENY\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_DENY },
	{ "sshd: ALL: deny\\:x\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_ERROR },
	{ "sshd: ALL: user root\n", "ALL: ALL\n", A, "unknown", NULL, 22, 'G', 0, 1, TWH_ENTRY },
	{ "sshd: ALL: user nosuchuser\n", "", A, "unknown", NULL, 22, '?', 0, 1, TWH_ENTRY },
	{ "sshd: ALL: aclexec /usr/local/bin/check %a\n", "ALL: ALL\n", A, "unknown", NULL, 22, '?', 0, 1, TWH_ENTRY },
	{ "sshd: ALL: aclexec /x: deny\n", "", A, "unknown", NULL, 22, 'D', 0, 1, TWH_OPT_DENY },
	/* one-file style (hosts_options(5)): everything in hosts.allow */
	{ "sshd: 10.0.0.0/8: allow\nALL: ALL: deny\n", MISSING, A, "unknown", NULL, 22, 'D', 0, 2, TWH_OPT_DENY },
	{ "sshd: 10.0.0.0/8: allow\nALL: ALL: deny\n", MISSING, "10.1.2.3", "unknown", NULL, 22, 'G', 0, 1,
	  TWH_OPT_ALLOW },
	/* the files as sshd's fopen() finds them */
	{ FIFO, "", A, "unknown", NULL, 22, 'D', 0, 0, TWH_STALL },
	{ SOCKET, "", A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
	{ "", SOCKET, A, "unknown", NULL, 22, 'D', 1, 0, TWH_UNREADABLE },
	{ "", DIR_, A, "unknown", NULL, 22, 'G', -1, 0, TWH_DEFAULT },
};

static struct accounts accounts;

static void file_of(const char *s, struct tw_file *f)
{
	*f = (struct tw_file) {0};
	if (s == MISSING)
		f->kind = TWF_MISSING;
	else if (s == FIFO)
		f->kind = TWF_FIFO;
	else if (s == SOCKET)
		f->kind = TWF_OTHER;
	else if (s == DIR_)
		f->kind = TWF_DIR;
	else {
		f->kind = TWF_REGULAR;
		f->data = strdup(s);
		f->len = strlen(s);
		ck_assert_ptr_nonnull(f->data);
	}
}

static int eval(const char *allow, const char *deny, const struct tw_query *q, struct tw_result *res)
{
	struct tw_file t[2];
	int r;

	file_of(allow, &t[0]);
	file_of(deny, &t[1]);
	r = tw_evaluate(t, q, read_list, NULL, res);
	tw_file_done(&t[0]);
	tw_file_done(&t[1]);
	return r;
}

START_TEST(tcpwrap_rows)
{
	const struct row *w = &rows[_i];
	struct tw_query q = { .daemon = "sshd", .client = w->client, .client_name = w->name, .user = w->user,
			      .server = w->client ? "192.0.2.10" : NULL, .server_name = w->client ? "srv.example" : NULL,
			      .port = w->port, .accounts = &accounts };
	struct tw_result res;
	const char *v;

	ck_assert_int_eq(eval(w->allow, w->deny, &q, &res), 0);
	v = res.verdict == TW_GRANT ? "G" : res.verdict == TW_DENY ? "D" : "?";
	ck_assert_msg(*v == w->want && res.step.table == w->table && res.step.line == w->line && res.step.how == w->how,
		      "row %d (allow \"%s\", deny \"%s\", client %s): got %s table %d line %u how %d (%s; %s), want %c "
		      "table %d line %u how %d",
		      _i, w->allow > DIR_ ? w->allow : "-", w->deny > DIR_ ? w->deny : "-", w->client ? w->client : "-", v,
		      res.step.table, res.step.line, res.step.how, res.step.detail ? res.step.detail : "",
		      res.depends_on ? res.depends_on : "", w->want, w->table, w->line, w->how);
	if (res.verdict == TW_DEPENDS) {
		ck_assert_ptr_nonnull(res.depends_on);
		ck_assert_int_ne(res.alt.verdict, res.step.verdict);
	}
	tw_result_done(&res);
}
END_TEST

/* What the family needs to choose a repair. */
START_TEST(tcpwrap_step_facts)
{
	struct tw_query q = { .daemon = "sshd", .client = A, .client_name = "unknown", .port = 22 };
	struct tw_result res;

	ck_assert_int_eq(eval("", "sshd: ALL\n", &q, &res), 0);
	ck_assert(res.step.everyone && res.step.sshd_only && !res.step.single_address);
	ck_assert_str_eq(res.step.text, "sshd: ALL");
	tw_result_done(&res);
	ck_assert_int_eq(eval("", "ALL: ALL\n", &q, &res), 0);
	ck_assert(res.step.everyone && !res.step.sshd_only);
	tw_result_done(&res);
	ck_assert_int_eq(eval("", "sshd: 192.0.2.0/24\n", &q, &res), 0);
	ck_assert(!res.step.everyone && res.step.sshd_only);
	tw_result_done(&res);
	/* fail2ban's hostsdeny action: "printf %b '<daemon_list>: <ip>\n' >> /etc/hosts.deny" */
	ck_assert_int_eq(eval("", "ALL: 192.0.2.20\n", &q, &res), 0);
	ck_assert(res.step.single_address);
	tw_result_done(&res);
	q.client = "2001:db8::1";
	ck_assert_int_eq(eval("", "sshd: [2001:db8::1]\n", &q, &res), 0);
	ck_assert(res.verdict == TW_DENY && res.step.single_address && res.step.sshd_only);
	tw_result_done(&res);
	ck_assert_int_eq(eval("", "sshd: 192.0.2.20 # banned\n", &q, &res), 0);
	ck_assert(!res.step.single_address);
	tw_result_done(&res);
}
END_TEST

/* Where an entry for the client goes: before the first line of hosts.allow that could refuse it. */
START_TEST(tcpwrap_insert_line)
{
	struct tw_query q = { .daemon = "sshd", .client = A, .client_name = "unknown", .port = 22 };
	struct tw_result res;

	ck_assert_int_eq(eval("# c\nsshd: 10.0.0.0/8\nALL: ALL: deny\n", "", &q, &res), 0);
	ck_assert_int_eq(res.verdict, TW_DENY);
	ck_assert_uint_eq(res.insert_line, 3);
	tw_result_done(&res);
	ck_assert_int_eq(eval("sshd: 10.\n", "ALL: ALL\n", &q, &res), 0);
	ck_assert_uint_eq(res.insert_line, 0);	/* at the end */
	tw_result_done(&res);
	ck_assert_int_eq(eval("sshd: .example.com: deny\nsshd: ALL: deny\n", "", &q, &res), 0);
	ck_assert_uint_eq(res.insert_line, 2);	/* the name is known here, and not in the domain */
	tw_result_done(&res);
	q.client_name = NULL;
	ck_assert_int_eq(eval("sshd: .example.com: deny\nsshd: ALL: deny\n", "", &q, &res), 0);
	ck_assert_uint_eq(res.insert_line, 1);	/* a name that may match: before it */
	tw_result_done(&res);
	q.client_name = "unknown";
	ck_assert_int_eq(eval("sshd: 10.\n# no newline", "ALL: ALL\n", &q, &res), 0);
	ck_assert_uint_eq(res.insert_line, 2);	/* libwrap stops reading there */
	tw_result_done(&res);
	ck_assert_int_eq(eval("sshd: 10.\n", "sshd: /l/fifo\n", &q, &res), 0);
	ck_assert(res.verdict == TW_DENY && res.step.how == TWH_STALL);
	ck_assert_uint_eq(res.insert_line, 0);
	tw_result_done(&res);
}
END_TEST

/* Without --from: the answer names what it depends on, and both ends. */
START_TEST(tcpwrap_depends)
{
	struct tw_query q = { .daemon = "sshd" };
	struct tw_result res;

	ck_assert_int_eq(eval("sshd: 198.51.100.0/24\n", "ALL: ALL\n", &q, &res), 0);
	ck_assert_int_eq(res.verdict, TW_DEPENDS);
	ck_assert_str_eq(res.depends_on, "the client's address is in 198.51.100.0/24");
	ck_assert(res.step.table == 0 && res.step.verdict == TW_GRANT);
	ck_assert(res.alt.table == 1 && res.alt.line == 1 && res.alt.verdict == TW_DENY);
	tw_result_done(&res);
	/* an uncertain entry whose every outcome is the same decides nothing */
	ck_assert_int_eq(eval("sshd: .example.com\nsshd: ALL\n", "ALL: ALL\n", &q, &res), 0);
	ck_assert_int_eq(res.verdict, TW_GRANT);
	ck_assert_uint_eq(res.step.line, 2);	/* the certain one */
	tw_result_done(&res);
	/* a list's words are never quoted: it may be any file */
	ck_assert_int_eq(eval("", "sshd: /l/names\n", &q, &res), 0);
	ck_assert_str_eq(res.depends_on, "a pattern in /l/names line 3 matches");
	tw_result_done(&res);
	/* a FIFO met only in some worlds is one more way to end */
	ck_assert_int_eq(eval("sshd: .example.com /l/fifo\n", "", &q, &res), 0);
	ck_assert_int_eq(res.verdict, TW_DEPENDS);
	tw_result_done(&res);
}
END_TEST

START_TEST(tcpwrap_unsafe_lists)
{
	struct tw_query q = { .daemon = "sshd", .client = A, .client_name = "unknown", .port = 22 };
	struct tw_result res;

	ck_assert_int_eq(eval("sshd: /l/user\n", "sshd: 192.0.2.20 /l/fifo\n", &q, &res), 0);
	ck_assert_int_eq(res.verdict, TW_DENY);
	ck_assert_ptr_nonnull(res.unsafe_lists);
	/* every list the entries name, whether this connection reaches it or not */
	ck_assert_str_eq(res.unsafe_lists[0], "/l/user (/etc/hosts.allow line 1)");
	ck_assert_str_eq(res.unsafe_lists[1], "/l/fifo (/etc/hosts.deny line 1)");
	ck_assert_ptr_null(res.unsafe_lists[2]);
	tw_result_done(&res);
	ck_assert_int_eq(eval("sshd: ALL EXCEPT /l/nested /l/loop\n", "in.ftpd@/l/user: ALL\n", &q, &res), 0);
	ck_assert_str_eq(res.unsafe_lists[0], "/l/user (/etc/hosts.deny line 1)");
	ck_assert_ptr_null(res.unsafe_lists[1]);
	tw_result_done(&res);
}
END_TEST

/* Hostile input: long lines, NULs, many stars, deep EXCEPTs; linear and bounded. */
START_TEST(tcpwrap_hostile)
{
	struct tw_query q = { .daemon = "sshd", .client = A, .client_name = "h.example.com", .port = 22 };
	struct tw_result res;
	struct buf b = {0};
	clock_t t0 = clock();

	buf_puts(&b, "sshd: ");
	for (int i = 0; i < 900; i++)
		buf_puts(&b, "*a");
	buf_puts(&b, "b\nsshd:");
	for (int i = 0; i < 151; i++)
		buf_puts(&b, " ALL EXCEPT");
	buf_puts(&b, " ALL\n");	/* an odd nesting: (ALL EXCEPT (ALL EXCEPT ...)) is no */
	for (int i = 0; i < 20000; i++)
		buf_puts(&b, "sshd: 10.0.0.1 10.0.0.2 .example.org\n");
	/* a NUL hides the newline: the last line never ends, and hosts.deny denies */
	buf_append(&b, "x\0y: ALL\n", 9);
	ck_assert(buf_ok(&b));
	struct tw_file t[2] = { { .kind = TWF_MISSING }, { .kind = TWF_REGULAR, .data = b.data, .len = b.len } };
	ck_assert_int_eq(tw_evaluate(t, &q, read_list, NULL, &res), 0);
	ck_assert_int_eq(res.verdict, TW_DENY);
	ck_assert_int_eq(res.step.how, TWH_UNTERMINATED);
	ck_assert_uint_eq(res.step.line, 20003);
	tw_result_done(&res);
	/* a line over 2047 bytes ends the file too */
	b.len = 0;
	buf_puts(&b, "in.ftpd:");
	for (int i = 0; i < 300; i++)
		buf_puts(&b, " 10.0.0.1");
	buf_puts(&b, "\n");
	t[1].data = b.data;
	t[1].len = b.len;
	ck_assert_int_eq(tw_evaluate(t, &q, read_list, NULL, &res), 0);
	ck_assert(res.verdict == TW_DENY && res.step.how == TWH_UNTERMINATED && res.step.line == 1);
	ck_assert_str_eq(res.step.detail, "is longer than 2047 bytes");
	tw_result_done(&res);
	ck_assert_msg((double) (clock() - t0) / CLOCKS_PER_SEC < 5.0, "too slow");
	buf_done(&b);
}
END_TEST

START_TEST(tcpwrap_allow_entry)
{
	_cleanup_free_ char *a = tw_allow_entry("sshd", "192.0.2.20"), *b = tw_allow_entry("sshd", "2001:db8::1"),
			    *c = tw_allow_entry("sshd", NULL);

	ck_assert_str_eq(a, "sshd: 192.0.2.20");
	ck_assert_str_eq(b, "sshd: [2001:db8::1]");
	ck_assert_str_eq(c, "sshd: ALL");
}
END_TEST

int main(void)
{
	static const char pw[] = "root:x:0:0:root:/root:/bin/bash\n", gr[] = "root:x:0:\n";
	Suite *s = suite_create("tcpwrap");
	TCase *tc = tcase_create("tcpwrap");
	SRunner *sr;
	int failed;

	if (acct_file_parse(ACCT_PASSWD, pw, sizeof(pw) - 1, &accounts.passwd) < 0 ||
	    acct_file_parse(ACCT_GROUP, gr, sizeof(gr) - 1, &accounts.group) < 0)
		return EXIT_FAILURE;
	tcase_add_loop_test(tc, tcpwrap_rows, 0, (int) ELEMENTSOF(rows));
	tcase_add_test(tc, tcpwrap_step_facts);
	tcase_add_test(tc, tcpwrap_insert_line);
	tcase_add_test(tc, tcpwrap_depends);
	tcase_add_test(tc, tcpwrap_unsafe_lists);
	tcase_add_test(tc, tcpwrap_hostile);
	tcase_add_test(tc, tcpwrap_allow_entry);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	accounts_done(&accounts);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
