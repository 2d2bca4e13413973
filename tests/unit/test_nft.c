/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/nft.c: nftables rulesets as nft -f loads them
 * (includes, globs, defines, flush ruleset, add/insert/delete commands),
 * what every input base chain does to a new ssh connection (policy, rules
 * in order, sets, maps, jumps, ct state, iifname, several tables), what is
 * left to the kernel (FW_UNKNOWN), and the planned accept rule.  Where the
 * host has nft and we are root, every planned ruleset is checked with
 * "nft -c -f" in a private network namespace (else that part is skipped).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nft.h"
#include "util.h"

struct mem_file {
	const char *path, *text;
	size_t len;	/* 0: strlen(text) */
};

struct mem {
	const struct mem_file *files;
	size_t n;
};

static int mem_read(void *ud, const char *path, char **ret, size_t *ret_len)
{
	const struct mem *m = ud;

	for (size_t i = 0; i < m->n; i++)
		if (streq(m->files[i].path, path)) {
			size_t len = m->files[i].len ? m->files[i].len : strlen(m->files[i].text);
			char *d = malloc(len + 1);
			if (!d)
				return -ENOMEM;
			memcpy(d, m->files[i].text, len);
			d[len] = '\0';
			*ret = d;
			*ret_len = len;
			return 0;
		}
	return -ENOENT;
}

static int mem_glob(void *ud, const char *pattern, char ***ret)
{
	const struct mem *m = ud;
	char **v = NULL;

	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < m->n; i++)
		if (fnmatch(pattern, m->files[i].path, FNM_PATHNAME) == 0 && strv_push(&v, strdup(m->files[i].path)) < 0)
			return -ENOMEM;
	strv_sort(v);
	*ret = v;
	return 0;
}

static int load(const struct mem_file *files, size_t n, struct nft_ruleset **ret, char **why)
{
	static struct mem m;
	static struct fw_reader rd;

	m = (struct mem) { files, n };
	rd = (struct fw_reader) { mem_read, mem_glob, &m };
	return nft_load(&rd, files[0].path, ret, why);
}

static struct nft_ruleset *load1(const char *text)
{
	const struct mem_file f[] = { { "/etc/nftables.conf", text, 0 } };
	struct nft_ruleset *rs = NULL;
	char *why = NULL;
	int r = load(f, 1, &rs, &why);

	ck_assert_msg(r == 0, "nft_load: %d %s", r, why ? why : "");
	free(why);
	return rs;
}

static enum fw_verdict verdict(const struct nft_ruleset *rs, int family, uint16_t port, const char *from,
			       struct fw_answer *ret)
{
	struct fw_packet p = { family, port, from };
	struct fw_answer a;

	nft_eval(rs, &p, ret ? ret : &a);
	return ret ? ret->verdict : a.verdict;
}

#define V4 AF_INET
#define V6 AF_INET6

static const char DEBIAN_STOCK[] = "#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet filter {\n\tchain input {\n"
				   "\t\ttype filter hook input priority filter;\n\t}\n\tchain forward {\n"
				   "\t\ttype filter hook forward priority filter;\n\t}\n\tchain output {\n"
				   "\t\ttype filter hook output priority filter;\n\t}\n}\n";

START_TEST(nft_eval_debian_stock)
{
	struct nft_ruleset *rs = load1(DEBIAN_STOCK);
	ck_assert_int_eq(verdict(rs, V4, 22, NULL, NULL), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V6, 22, NULL, NULL), FW_ACCEPT);
	ck_assert_int_eq(strv_length(nft_files(rs)), 1);
	nft_ruleset_free(rs);
}
END_TEST

START_TEST(nft_eval_policy_and_rules)
{
	struct fw_answer a;
	struct nft_ruleset *rs = load1("table inet f {\n"
				       " chain input {\n"
				       "  type filter hook input priority 0; policy drop;\n"
				       "  ct state established,related accept\n"
				       "  ct state invalid drop\n"
				       "  iif lo accept\n"
				       "  iifname \"lo\" accept\n"
				       "  udp dport 22 accept\n"
				       "  tcp dport { 80, 443, 2000-2999 } accept\n"
				       "  tcp dport ssh ct state new accept\n"
				       " }\n"
				       "}\n");
	ck_assert_int_eq(verdict(rs, V4, 22, NULL, &a), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V6, 2222, NULL, &a), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V4, 2222 + 1000, NULL, &a), FW_DROP);
	ck_assert_int_eq(a.line, 3);
	ck_assert_msg(strstr(a.what, "policy drop of chain input"), "%s", a.what);
	nft_ruleset_free(rs);
}
END_TEST

START_TEST(nft_eval_two_tables)
{
	struct fw_answer a;
	struct nft_ruleset *rs = load1("table inet filter {\n"
				       "\tchain input { type filter hook input priority 0; policy accept; }\n"
				       "}\n"
				       "table ip guard {\n"
				       "\tchain in {\n"
				       "\t\ttype filter hook input priority 10;\n"
				       "\t\ttcp dport 22 reject with tcp reset\n"
				       "\t}\n"
				       "}\n"
				       "table ip6 six { chain in { type filter hook input priority 0; } }\n");
	/* an accept in one table does not stop a reject in another */
	ck_assert_int_eq(verdict(rs, V4, 22, NULL, &a), FW_REJECT);
	ck_assert_int_eq(a.line, 7);
	ck_assert_msg(strstr(a.what, "table ip guard"), "%s", a.what);
	/* the ip table does not see IPv6 */
	ck_assert_int_eq(verdict(rs, V6, 22, NULL, NULL), FW_ACCEPT);
	nft_ruleset_free(rs);
}
END_TEST

START_TEST(nft_eval_jumps_sets_maps_defines)
{
	struct fw_answer a;
	struct nft_ruleset *rs = load1("define ADMIN = { 198.51.100.0/24, 203.0.113.9 }\n"
				       "define PORTS = { 22, 2222 }\n"
				       "table inet t {\n"
				       "  set admins { type ipv4_addr; flags interval; elements = $ADMIN }\n"
				       "  map ports { type inet_service : verdict; elements = { 22 : jump sshchain, 80 : accept } }\n"
				       "  chain sshchain {\n"
				       "    ip saddr @admins accept\n"
				       "    ip6 saddr 2001:db8::/32 return\n"
				       "    counter drop\n"
				       "  }\n"
				       "  chain input {\n"
				       "    type filter hook input priority 0; policy accept;\n"
				       "    ct state vmap { established : accept, related : accept, invalid : drop }\n"
				       "    tcp dport vmap @ports\n"
				       "    tcp dport 2222 goto sshchain\n"
				       "  }\n"
				       "}\n");
	ck_assert_int_eq(verdict(rs, V4, 22, NULL, &a), FW_DROP);
	ck_assert_int_eq(a.line, 9);
	ck_assert_int_eq(verdict(rs, V4, 22, "198.51.100.7", NULL), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V4, 22, "203.0.113.9", NULL), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V4, 22, "203.0.113.10", NULL), FW_DROP);
	/* return from the jumped-to chain: back in input, then its policy */
	ck_assert_int_eq(verdict(rs, V6, 22, "2001:db8::5", NULL), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V6, 22, "2001:db9::5", NULL), FW_DROP);
	ck_assert_int_eq(verdict(rs, V4, 80, NULL, NULL), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V4, 2222, "203.0.113.9", NULL), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V4, 2222, NULL, NULL), FW_DROP);
	nft_ruleset_free(rs);
}
END_TEST

START_TEST(nft_eval_unknown_left_to_kernel)
{
	struct fw_answer a;
	struct nft_ruleset *rs = load1("table inet t {\n"
				       "  chain input {\n"
				       "    type filter hook input priority 0; policy drop;\n"
				       "    tcp dport 22 limit rate 10/minute accept\n"
				       "  }\n"
				       "}\n");
	ck_assert_int_eq(verdict(rs, V4, 22, NULL, &a), FW_UNKNOWN);
	ck_assert_int_eq(a.line, 4);
	ck_assert_int_eq(verdict(rs, V4, 80, NULL, NULL), FW_DROP);
	nft_ruleset_free(rs);
}
END_TEST

START_TEST(nft_load_commands_and_flush)
{
	struct nft_ruleset *rs = load1("table ip old { chain in { type filter hook input priority 0; policy drop; } }\n"
				       "flush ruleset\n"
				       "add table inet x\n"
				       "add chain inet x in { type filter hook input priority 0 ; policy drop ; }\n"
				       "add rule inet x in tcp dport 80 accept\n"
				       "insert rule inet x in tcp dport 22 accept\n"
				       "add table ip gone\n"
				       "add chain ip gone in { type filter hook input priority 0; policy drop; }\n"
				       "delete table ip gone\n");
	struct fw_answer a;
	ck_assert_int_eq(verdict(rs, V4, 22, NULL, &a), FW_ACCEPT);
	ck_assert_int_eq(a.line, 0);
	ck_assert_int_eq(verdict(rs, V4, 443, NULL, &a), FW_DROP);
	ck_assert_int_eq(a.line, 4);
	nft_ruleset_free(rs);
}
END_TEST

START_TEST(nft_load_includes_globs_loops)
{
	const struct mem_file ok[] = {
		{ "/etc/sysconfig/nftables.conf", "include \"/etc/nftables/*.nft\"\ninclude \"nft.d/last.nft\"\n", 0 },
		{ "/etc/nftables/a.nft", "table inet a { chain i { type filter hook input priority 0; policy drop; } }\n", 0 },
		{ "/etc/nftables/b.nft", "add rule inet a i tcp dport 22 accept\n", 0 },
		{ "/etc/nft.d/last.nft", "add rule inet a i tcp dport 23 accept\n", 0 },
	};
	struct nft_ruleset *rs = NULL;
	char *why = NULL;

	ck_assert_int_eq(load(ok, 4, &rs, &why), 0);
	ck_assert_int_eq(strv_length(nft_files(rs)), 4);
	ck_assert_int_eq(verdict(rs, V4, 22, NULL, NULL), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V4, 23, NULL, NULL), FW_ACCEPT);
	ck_assert_int_eq(verdict(rs, V4, 24, NULL, NULL), FW_DROP);
	nft_ruleset_free(rs);

	const struct mem_file loop[] = {
		{ "/etc/nftables.conf", "include \"/etc/x.nft\"\n", 0 },
		{ "/etc/x.nft", "include \"/etc/nftables.conf\"\n", 0 },
	};
	ck_assert_int_eq(load(loop, 2, &rs, &why), -EBADMSG);
	ck_assert_msg(why && strstr(why, "include loop"), "%s", why ? why : "(null)");
	free(why);
	why = NULL;

	const struct mem_file missing[] = { { "/etc/nftables.conf", "include \"/etc/none.nft\"\n", 0 } };
	ck_assert_int_eq(load(missing, 1, &rs, &why), -EBADMSG);
	ck_assert_msg(why && strstr(why, "/etc/none.nft"), "%s", why ? why : "(null)");
	free(why);
	why = NULL;

	const struct mem_file nul[] = { { "/etc/nftables.conf", "table ip x {\0}\n", 15 } };
	ck_assert_int_eq(load(nul, 1, &rs, &why), -EBADMSG);
	ck_assert_msg(why && strstr(why, "NUL"), "%s", why ? why : "(null)");
	free(why);
	why = NULL;

	const struct mem_file undef[] = { { "/etc/nftables.conf", "table ip x { chain y { tcp dport $NOPE accept } }\n", 0 } };
	ck_assert_int_eq(load(undef, 1, &rs, &why), -EBADMSG);
	free(why);
}
END_TEST

/* nft -c -f the text in a private network namespace, where the host allows it. */
static int nft_check(const char *text)
{
	char path[] = "/tmp/sshfix-nft-XXXXXX";
	int fd = mkstemp(path), status;

	if (fd < 0)
		return -1;
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
	pid_t pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(77);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 1);
		execl("/usr/sbin/nft", "nft", "-c", "-f", path, (char *) NULL);
		_exit(77);
	}
	waitpid(pid, &status, 0);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void plan_until_accepted(const char *text, const struct fw_packet *p, char **ret_text, unsigned *ret_rounds)
{
	char *cur = strdup(text);
	unsigned rounds = 0;

	for (;;) {
		struct nft_ruleset *rs = load1(cur);
		const char *path;
		char *data;
		size_t len;
		int r = nft_plan_accept(rs, p, &path, &data, &len);
		ck_assert_int_ge(r, 0);
		if (r == 1) {
			nft_ruleset_free(rs);
			break;
		}
		ck_assert_str_eq(path, "/etc/nftables.conf");
		nft_ruleset_free(rs);
		free(cur);
		cur = data;
		ck_assert_uint_lt(++rounds, 10);
	}
	*ret_text = cur;
	*ret_rounds = rounds;
}

START_TEST(nft_plan_accept_inserts)
{
	const char *in = "table inet filter {\n"
			 "\tchain input {\n"
			 "\t\ttype filter hook input priority filter; policy drop;\n"
			 "\t\tct state established,related accept\n"
			 "\t}\n"
			 "}\n"
			 "table ip guard {\n"
			 "\tchain in {\n"
			 "\t\ttype filter hook input priority 10\n"
			 "\t\ttcp dport 22 drop\n"
			 "\t}\n"
			 "}\n"
			 "table ip6 empty {\n"
			 "\tchain in { type filter hook input priority 0; policy drop; }\n"
			 "}\n";
	const struct fw_packet p4 = { V4, 22, NULL }, p6 = { V6, 22, "2001:db8::7" };
	char *out, *out6;
	unsigned rounds;

	plan_until_accepted(in, &p4, &out, &rounds);
	ck_assert_uint_eq(rounds, 2);	/* one rule per chain that did not accept */
	ck_assert_msg(strstr(out, "policy drop;\n\t\t# sshfix: let new ssh connections (tcp port 22) through\n"
				  "\t\ttcp dport 22 accept\n\t\tct state"),
		      "%s", out);
	ck_assert_msg(strstr(out, "priority 10\n\t\t# sshfix: let new ssh connections (tcp port 22) through\n"
				  "\t\ttcp dport 22 accept\n\t\ttcp dport 22 drop"),
		      "%s", out);
	/* a chain written on one line gets an "insert rule" at the end of its file */
	plan_until_accepted(out, &p6, &out6, &rounds);
	ck_assert_uint_eq(rounds, 1);	/* inet filter accepts it already */
	ck_assert_msg(strstr(out6, "}\n# sshfix: let new ssh connections (tcp port 22) through\n"
				   "insert rule ip6 empty in ip6 saddr 2001:db8::7 tcp dport 22 accept\n"),
		      "%s", out6);
	if (getuid() == 0 && access("/usr/sbin/nft", X_OK) == 0) {
		int r = nft_check(out6);
		if (r != 77)
			ck_assert_msg(r == 0, "nft -c refuses the planned ruleset:\n%s", out6);
	} else
		fprintf(stderr, "nft_plan_accept_inserts: nft -c skipped (not root or no /usr/sbin/nft)\n");
	free(out);
	free(out6);
}
END_TEST

static Suite *nft_suite(void)
{
	Suite *s = suite_create("nft");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, nft_eval_debian_stock);
	tcase_add_test(tc, nft_eval_policy_and_rules);
	tcase_add_test(tc, nft_eval_two_tables);
	tcase_add_test(tc, nft_eval_jumps_sets_maps_defines);
	tcase_add_test(tc, nft_eval_unknown_left_to_kernel);
	tcase_add_test(tc, nft_load_commands_and_flush);
	tcase_add_test(tc, nft_load_includes_globs_loops);
	tcase_add_test(tc, nft_plan_accept_inserts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(nft_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
