/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * src/listen_addr.c: the ListenAddress grammar, a2port(), glibc's numeric
 * host forms, /etc/hosts and /etc/services lookups and the listen set, each
 * against what Debian 12's sshd -T printed for the same line (RULES §3.6),
 * plus garbage: binary bytes, NUL bytes inside files, huge values, and a
 * seeded fuzz run over random argument vectors.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "listen_addr.h"
#include "util.h"

#define FUZZ_SEED 0x5eed1157e4add2e5ull
#define FUZZ_RUNS 20000

static const char services[] = "# Network services\n"
			       "ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
			       "http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\n"
			       "altssh\t\t2222/udp\n"
			       "broken\t\tnotaport/tcp\n";

/* Parse one line's words; returns the error and fills *a. */
static enum listen_error parse(struct listen_addr *a, const char *w0, const char *w1, const char *w2, const char *w3)
{
	char *args[] = { (char *) w0, (char *) w1, (char *) w2, (char *) w3, NULL };
	enum listen_error err = LISTEN_OK;

	ck_assert_int_eq(listen_addr_parse(args, services, sizeof(services) - 1, a, &err), 0);
	return err;
}

/* One ListenAddress word: its error, host (NULL: not checked) and port. */
static void check_parse(const char *in, enum listen_error want_err, const char *want_host, int want_port)
{
	struct listen_addr a;
	enum listen_error e = parse(&a, in, NULL, NULL, NULL);

	ck_assert_msg(e == want_err, "\"%s\": error %d, want %d", in, e, want_err);
	if (want_host)
		ck_assert_msg(a.host && strcmp(a.host, want_host) == 0, "\"%s\": host \"%s\", want \"%s\"", in,
			      a.host ? a.host : "(null)", want_host);
	ck_assert_msg(a.port == want_port, "\"%s\": port %d, want %d", in, a.port, want_port);
	listen_addr_done(&a);
}
#define ASSERT_PARSE check_parse

START_TEST(listen_addr_parse_every_form)
{
	/* host|addr: one socket per Port */
	ASSERT_PARSE("127.0.0.1", LISTEN_OK, "127.0.0.1", 0);
	ASSERT_PARSE("myhost", LISTEN_OK, "myhost", 0);
	/* host:port, v4:port */
	ASSERT_PARSE("127.0.0.1:2222", LISTEN_OK, "127.0.0.1", 2222);
	ASSERT_PARSE("localhost:2200", LISTEN_OK, "localhost", 2200);
	/* [host|v6]:port and [x] alone (D12: "[::1]" is accepted) */
	ASSERT_PARSE("[::1]:22", LISTEN_OK, "::1", 22);
	ASSERT_PARSE("[localhost]:2222", LISTEN_OK, "localhost", 2222);
	ASSERT_PARSE("[1.2.3.4]:22", LISTEN_OK, "1.2.3.4", 22);
	ASSERT_PARSE("[::1]", LISTEN_OK, "::1", 0);
	/* a bare IPv6 address (two or more ':') takes no port: "::1:22" is ::0.1.0.34 (D12) */
	ASSERT_PARSE("::", LISTEN_OK, "::", 0);
	ASSERT_PARSE("::1:22", LISTEN_OK, "::1:22", 0);
	ASSERT_PARSE("fe80::1%eth0", LISTEN_OK, "fe80::1%eth0", 0);
	/* a2port: strtonum, then /etc/services */
	ASSERT_PARSE("0.0.0.0:ssh", LISTEN_OK, "0.0.0.0", 22);
	ASSERT_PARSE("0.0.0.0:www", LISTEN_OK, "0.0.0.0", 80);
	ASSERT_PARSE("localhost:+22", LISTEN_OK, "localhost", 22);
	ASSERT_PARSE("127.0.0.1:022", LISTEN_OK, "127.0.0.1", 22);
	ASSERT_PARSE("127.0.0.1:65535", LISTEN_OK, "127.0.0.1", 65535);
}
END_TEST

START_TEST(listen_addr_parse_errors_as_sshd)
{
	/* D12: "bad address:port usage" */
	ASSERT_PARSE("1.2.3.4/2222", LISTEN_BAD_USAGE, NULL, 0);
	ASSERT_PARSE("[::1]/22", LISTEN_BAD_USAGE, NULL, 0);
	ASSERT_PARSE("[::1]x", LISTEN_BAD_USAGE, NULL, 0);
	ASSERT_PARSE("[::1", LISTEN_BAD_USAGE, NULL, 0);
	/* D12: "bad port number" */
	ASSERT_PARSE("0.0.0.0:99999", LISTEN_BAD_PORT, "0.0.0.0", 0);
	ASSERT_PARSE("[::]:abc", LISTEN_BAD_PORT, "::", 0);
	ASSERT_PARSE("0.0.0.0:0", LISTEN_BAD_PORT, "0.0.0.0", 0);
	ASSERT_PARSE("127.0.0.1:-1", LISTEN_BAD_PORT, "127.0.0.1", 0);
	ASSERT_PARSE("127.0.0.1:-0", LISTEN_BAD_PORT, "127.0.0.1", 0);
	ASSERT_PARSE("127.0.0.1:0x16", LISTEN_BAD_PORT, "127.0.0.1", 0);
	ASSERT_PARSE("1.2.3.4:", LISTEN_BAD_PORT, "1.2.3.4", 0);
	ASSERT_PARSE("1.2.3.4:altssh", LISTEN_BAD_PORT, "1.2.3.4", 0);	/* udp only */
	ASSERT_PARSE("1.2.3.4:broken", LISTEN_BAD_PORT, "1.2.3.4", 0);
	ASSERT_PARSE("1.2.3.4:99999999999999999999999", LISTEN_BAD_PORT, "1.2.3.4", 0);
	/* D12: "bad addr or host:  (Name or service not known)" */
	ASSERT_PARSE(":22", LISTEN_BAD_HOST, "", 22);
	ASSERT_PARSE("127.0.0.1 ", LISTEN_BAD_HOST, "127.0.0.1 ", 0);
	ASSERT_PARSE("a\tb", LISTEN_BAD_HOST, "a\tb", 0);
	/* "missing address" */
	ASSERT_PARSE("", LISTEN_MISSING_ADDRESS, NULL, 0);
	struct listen_addr a;
	enum listen_error e;
	ck_assert_int_eq(listen_addr_parse(NULL, NULL, 0, &a, &e), 0);
	ck_assert_int_eq(e, LISTEN_MISSING_ADDRESS);
	listen_addr_done(&a);
	/* not in services when there is no services file */
	char *args[] = { (char *) "0.0.0.0:ssh", NULL };
	ck_assert_int_eq(listen_addr_parse(args, NULL, 0, &a, &e), 0);
	ck_assert_int_eq(e, LISTEN_BAD_PORT);
	listen_addr_done(&a);
	ck_assert_str_eq(listen_error_message(LISTEN_BAD_USAGE), "bad address:port usage");
	ck_assert_str_eq(listen_error_message(LISTEN_OK), "");
}
END_TEST

START_TEST(listen_addr_parse_rdomain)
{
	struct listen_addr a;

	ck_assert_int_eq(parse(&a, "127.0.0.1:22", "rdomain", "lo", NULL), LISTEN_OK);
	ck_assert_str_eq(a.rdomain, "lo");
	ck_assert_int_eq(a.port, 22);
	listen_addr_done(&a);
	/* D12: "bad ListenAddress syntax" */
	ck_assert_int_eq(parse(&a, "127.0.0.1", "rdomain", NULL, NULL), LISTEN_BAD_SYNTAX);
	listen_addr_done(&a);
	ck_assert_int_eq(parse(&a, "127.0.0.1", "foo", "bar", NULL), LISTEN_BAD_SYNTAX);
	listen_addr_done(&a);
	ck_assert_int_eq(parse(&a, "127.0.0.1", "RDOMAIN", "x", NULL), LISTEN_BAD_SYNTAX);
	listen_addr_done(&a);
	ck_assert_int_eq(parse(&a, "127.0.0.1", "rdomain", "x", "y"), LISTEN_BAD_SYNTAX);
	listen_addr_done(&a);
	/* the port is checked before the rdomain, as sshd does */
	ck_assert_int_eq(parse(&a, "127.0.0.1:", "22", NULL, NULL), LISTEN_BAD_PORT);
	listen_addr_done(&a);
}
END_TEST

START_TEST(listen_addr_numeric_kinds)
{
	struct listen_addr a;
	char buf[46];

	ck_assert_int_eq(parse(&a, "127.1", NULL, NULL, NULL), LISTEN_OK);
	ck_assert_int_eq(a.kind, LH_NUMERIC);
	ck_assert_str_eq(ip_to_string(&a.addr, buf), "127.0.0.1");
	ck_assert(ip_is_loopback(&a.addr));
	listen_addr_done(&a);

	ck_assert_int_eq(parse(&a, "fe80::1%eth0", NULL, NULL, NULL), LISTEN_OK);
	ck_assert_int_eq(a.kind, LH_NUMERIC);
	ck_assert_int_eq(a.addr.family, AF_INET6);
	ck_assert_str_eq(a.scope, "eth0");
	listen_addr_done(&a);

	ck_assert_int_eq(parse(&a, "1.2.3.4.", NULL, NULL, NULL), LISTEN_OK);
	ck_assert_int_eq(a.kind, LH_NAME);	/* D12: looked up as a name */
	listen_addr_done(&a);

	ck_assert_int_eq(parse(&a, "[::ffff:127.0.0.1]:22", NULL, NULL, NULL), LISTEN_OK);
	ck_assert(ip_is_v4mapped(&a.addr));
	ck_assert(ip_is_loopback(&a.addr));
	listen_addr_done(&a);
}
END_TEST

#define ASSERT_ATON(in, want)                                                                        \
	do {                                                                                         \
		uint8_t _b[4];                                                                       \
		char _s[16];                                                                         \
		const char *_w = (want);                                                             \
		bool _ok = ip4_aton_exact(in, _b);                                                   \
		if (!_w) {                                                                           \
			ck_assert_msg(!_ok, "\"%s\" should not be an IPv4 address", in);             \
		} else {                                                                             \
			ck_assert_msg(_ok, "\"%s\" should be %s", in, _w);                          \
			snprintf(_s, sizeof(_s), "%u.%u.%u.%u", _b[0], _b[1], _b[2], _b[3]);         \
			ck_assert_msg(strcmp(_s, _w) == 0, "\"%s\" = %s, want %s", in, _s, _w);      \
		}                                                                                    \
	} while (0)

START_TEST(ip4_aton_exact_glibc_forms)
{
	/* each checked against D12 sshd -T */
	ASSERT_ATON("1.2.3.4", "1.2.3.4");
	ASSERT_ATON("127.1", "127.0.0.1");
	ASSERT_ATON("0x7f.1", "127.0.0.1");
	ASSERT_ATON("0177.0.0.1", "127.0.0.1");
	ASSERT_ATON("1.2.3", "1.2.0.3");
	ASSERT_ATON("1.65536", "1.1.0.0");
	ASSERT_ATON("4294967295", "255.255.255.255");
	ASSERT_ATON("0", "0.0.0.0");
	ASSERT_ATON("0x0.0X0.00.0", "0.0.0.0");
	ASSERT_ATON("09.0.0.1", NULL);
	ASSERT_ATON("1.2.3.256", NULL);
	ASSERT_ATON("1.2.3.4.", NULL);
	ASSERT_ATON("1.2.3.4.5", NULL);
	ASSERT_ATON("4294967296", NULL);
	ASSERT_ATON("1.16777216", NULL);
	ASSERT_ATON("256.1", NULL);
	ASSERT_ATON("0x", NULL);
	ASSERT_ATON("0xg", NULL);
	ASSERT_ATON("", NULL);
	ASSERT_ATON(".1", NULL);
	ASSERT_ATON("1..2", NULL);
	ASSERT_ATON("1.2.3.4 ", NULL);
	ASSERT_ATON("-1", NULL);
	ASSERT_ATON("+1", NULL);
	ASSERT_ATON("99999999999999999999999999999999", NULL);
	ck_assert(!ip4_aton_exact(NULL, (uint8_t[4]) {0}));
}
END_TEST

START_TEST(ip_predicates)
{
	struct ip_addr a;

	ck_assert(ip_parse_cidr("127.9.9.9/8", 11, &a) && ip_is_loopback(&a) && !ip_is_any(&a));
	ck_assert(ip_parse_cidr("::1", 3, &a) && ip_is_loopback(&a));
	ck_assert(ip_parse_cidr("0.0.0.0", 7, &a) && ip_is_any(&a) && !ip_is_loopback(&a));
	ck_assert(ip_parse_cidr("::", 2, &a) && ip_is_any(&a));
	ck_assert(ip_parse_cidr("::ffff:127.0.0.2", 16, &a) && ip_is_loopback(&a) && ip_is_v4mapped(&a));
	ck_assert(ip_parse_cidr("2001:db8::1/64", 14, &a) && a.family == AF_INET6 && !ip_is_loopback(&a));
	ck_assert(!ip_parse_cidr("192.0.2.1/129", 13, &a));
	ck_assert(!ip_parse_cidr("192.0.2.1/", 10, &a));
	ck_assert(!ip_parse_cidr("192.0.2.1/x", 11, &a));
	ck_assert(!ip_parse_cidr("/24", 3, &a));
	ck_assert(!ip_parse_cidr("", 0, &a));
	ck_assert(!ip_parse_cidr("127.1", 5, &a));	/* config files use the full form */
	ck_assert(!ip_parse_cidr("1.2.3.4\0/8", 10, &a));
	struct ip_addr b;
	ck_assert(ip_parse_cidr("192.0.2.1/24", 12, &a) && ip_parse_cidr("192.0.2.1", 9, &b) && ip_equal(&a, &b));
}
END_TEST

START_TEST(services_lookup_cases)
{
	const char t[] = "ssh 22/tcp\nssh 22/udp\n# x 1/tcp\nweb 8080/tcp alt-web  web2 # c\nbad\t\n\0hidden 9/tcp\n"
			 "z\0 7/tcp\nbig 70000/tcp\nzero 0/tcp\n";
	size_t n = sizeof(t) - 1;

	ck_assert_int_eq(services_lookup(t, n, "ssh", "tcp"), 22);
	ck_assert_int_eq(services_lookup(t, n, "web2", "tcp"), 8080);
	ck_assert_int_eq(services_lookup(t, n, "alt-web", "tcp"), 8080);
	ck_assert_int_eq(services_lookup(t, n, "web", "udp"), -1);
	ck_assert_int_eq(services_lookup(t, n, "x", "tcp"), -1);
	ck_assert_int_eq(services_lookup(t, n, "SSH", "tcp"), -1);	/* case matters, as in nss_files */
	ck_assert_int_eq(services_lookup(t, n, "hidden", "tcp"), -1);	/* after a NUL: not seen */
	ck_assert_int_eq(services_lookup(t, n, "z", "tcp"), -1);
	ck_assert_int_eq(services_lookup(t, n, "big", "tcp"), -1);
	ck_assert_int_eq(services_lookup(t, n, "zero", "tcp"), -1);
	ck_assert_int_eq(services_lookup(NULL, 0, "ssh", "tcp"), -1);
	ck_assert_int_eq(services_lookup(t, n, "", "tcp"), -1);
	ck_assert_int_eq(listen_port_parse("22", NULL, 0), 22);
	ck_assert_int_eq(listen_port_parse(" 22", NULL, 0), 22);
	ck_assert_int_eq(listen_port_parse("22 ", NULL, 0), -1);
	ck_assert_int_eq(listen_port_parse("65536", NULL, 0), -1);
	ck_assert_int_eq(listen_port_parse("+", NULL, 0), -1);
	ck_assert_int_eq(listen_port_parse(NULL, NULL, 0), -1);
}
END_TEST

START_TEST(hosts_lookup_cases)
{
	const char t[] = "127.0.0.1\tlocalhost\n"
			 "::1     localhost ip6-localhost ip6-loopback\n"
			 "127.0.1.1\tmyhost.example.org myhost\n"
			 "# 10.0.0.1 myhost\n"
			 "192.0.2.5 MyHost   # trailing comment\n"
			 "not-an-address other\n"
			 "192.0.2.5 myhost\n"
			 "::ffff:10.1.2.3 mapped\n"
			 "10.9.9.9 cut\0 myhost\n"
			 "\xff\xfe binary\x01 garbage\n";
	size_t n = sizeof(t) - 1;
	struct ip_addr *v = NULL;
	unsigned line = 0;
	char buf[46];

	ck_assert_int_eq(hosts_lookup(t, n, "localhost", AF_UNSPEC, &v, &line), 2);
	ck_assert_int_eq(line, 1);
	ck_assert_str_eq(ip_to_string(&v[0], buf), "127.0.0.1");
	ck_assert_str_eq(ip_to_string(&v[1], buf), "::1");
	free(v);
	ck_assert_int_eq(hosts_lookup(t, n, "LOCALHOST", AF_INET6, &v, NULL), 1);
	ck_assert_str_eq(ip_to_string(&v[0], buf), "::1");
	free(v);
	/* every line (multi), without case, duplicates once; the commented and cut lines not */
	ck_assert_int_eq(hosts_lookup(t, n, "myhost", AF_UNSPEC, &v, &line), 2);
	ck_assert_int_eq(line, 3);
	ck_assert_str_eq(ip_to_string(&v[0], buf), "127.0.1.1");
	ck_assert_str_eq(ip_to_string(&v[1], buf), "192.0.2.5");
	free(v);
	ck_assert_int_eq(hosts_lookup(t, n, "other", AF_UNSPEC, &v, NULL), 0);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(hosts_lookup(t, n, "localhost", AF_INET, &v, NULL), 1);
	free(v);
	/* getaddrinfo(AF_INET) takes a mapped entry as IPv4 */
	ck_assert_int_eq(hosts_lookup(t, n, "mapped", AF_INET, &v, NULL), 1);
	ck_assert_int_eq(v[0].family, AF_INET);
	ck_assert_str_eq(ip_to_string(&v[0], buf), "10.1.2.3");
	free(v);
	ck_assert_int_eq(hosts_lookup(t, n, "binary\x01", AF_UNSPEC, &v, NULL), 0);
	ck_assert_int_eq(hosts_lookup(NULL, 0, "x", AF_UNSPEC, &v, NULL), 0);
	ck_assert_int_eq(hosts_lookup(t, n, "", AF_UNSPEC, &v, NULL), 0);
}
END_TEST

START_TEST(listen_set_as_sshd)
{
	struct listen_addr a[3];
	struct listen_entry *v = NULL;
	bool use[3] = { true, true, false };
	int ports[] = { 2222, 2200 };
	int n;

	ck_assert_int_eq(parse(&a[0], "127.0.0.1", NULL, NULL, NULL), LISTEN_OK);
	ck_assert_int_eq(parse(&a[1], "[::1]:2022", NULL, NULL, NULL), LISTEN_OK);
	ck_assert_int_eq(parse(&a[2], "192.0.2.1", NULL, NULL, NULL), LISTEN_OK);
	/* D12, "Port 2222, ListenAddress 127.0.0.1, Port 2200": 127.0.0.1:2222, 127.0.0.1:2200 */
	n = listen_set_compute(ports, 2, a, use, 3, &v);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(v[0].addr_index, 0);
	ck_assert_int_eq(v[0].port, 2222);
	ck_assert_int_eq(v[1].addr_index, 0);
	ck_assert_int_eq(v[1].port, 2200);
	ck_assert_int_eq(v[2].addr_index, 1);
	ck_assert_int_eq(v[2].port, 2022);
	free(v);
	/* no Port: 22 */
	n = listen_set_compute(NULL, 0, a, NULL, 1, &v);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(v[0].port, 22);
	free(v);
	/* no ListenAddress: every address, once per port */
	n = listen_set_compute(ports, 2, NULL, NULL, 0, &v);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(v[0].addr_index, -1);
	ck_assert_int_eq(v[1].port, 2200);
	free(v);
	bool none[3] = { false, false, false };
	n = listen_set_compute(ports, 1, a, none, 3, &v);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(v[0].addr_index, -1);
	free(v);
	for (int i = 0; i < 3; i++)
		listen_addr_done(&a[i]);
}
END_TEST

START_TEST(listen_addr_huge_input)
{
	size_t n = 16u << 20;
	char *big = malloc(n + 1);
	struct listen_addr a;
	enum listen_error e;

	ck_assert_ptr_nonnull(big);
	memset(big, '1', n);
	big[n] = '\0';
	char *args[] = { big, NULL };
	ck_assert_int_eq(listen_addr_parse(args, NULL, 0, &a, &e), 0);
	ck_assert_int_eq(e, LISTEN_OK);
	ck_assert_int_eq(a.kind, LH_NAME);	/* no address, no overflow */
	listen_addr_done(&a);
	big[n / 2] = ':';
	ck_assert_int_eq(listen_addr_parse(args, NULL, 0, &a, &e), 0);
	ck_assert_int_eq(e, LISTEN_BAD_PORT);
	listen_addr_done(&a);
	memset(big, ':', n);
	ck_assert_int_eq(listen_addr_parse(args, NULL, 0, &a, &e), 0);
	ck_assert_int_eq(e, LISTEN_OK);	/* a "bare IPv6 address" that is not one: a name */
	ck_assert_int_eq(a.kind, LH_NAME);
	listen_addr_done(&a);
	big[0] = '[';
	ck_assert_int_eq(listen_addr_parse(args, NULL, 0, &a, &e), 0);
	ck_assert_int_eq(e, LISTEN_BAD_USAGE);
	listen_addr_done(&a);
	/* a big hosts file with the name at its very end */
	memset(big, '#', n);
	big[n - 20] = '\n';
	memcpy(big + n - 19, "10.0.0.1 far-away\n", 18);
	struct ip_addr *v = NULL;
	ck_assert_int_eq(hosts_lookup(big, n - 1, "far-away", AF_UNSPEC, &v, NULL), 1);
	free(v);
	free(big);
}
END_TEST

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Random words from a small alphabet that hits every branch; nothing may crash or leak. */
START_TEST(listen_addr_fuzz)
{
	static const char alpha[] = "0123456789abcdefx:[]/.% \t\xff-+r";
	rng_state = FUZZ_SEED;
	for (int run = 0; run < FUZZ_RUNS; run++) {
		char w[4][24];
		char *args[5] = {0};
		int nw = 1 + (int) (rng() % 4);
		for (int i = 0; i < nw; i++) {
			int len = (int) (rng() % 23);
			for (int k = 0; k < len; k++)
				w[i][k] = alpha[rng() % (sizeof(alpha) - 1)];
			w[i][len] = '\0';
			args[i] = w[i];
		}
		if (rng() % 8 == 0)
			args[1] = (char *) "rdomain";
		struct listen_addr a;
		enum listen_error e;
		ck_assert_int_eq(listen_addr_parse(args, services, sizeof(services) - 1, &a, &e), 0);
		if (e == LISTEN_OK) {
			ck_assert_ptr_nonnull(a.host);
			ck_assert(a.port >= 0 && a.port <= 65535);
			ck_assert(a.kind == LH_NAME || a.addr.family == AF_INET || a.addr.family == AF_INET6);
		}
		listen_addr_done(&a);
		struct ip_addr *v = NULL;
		int n = hosts_lookup(w[0], strlen(w[0]), "a", AF_UNSPEC, &v, NULL);
		ck_assert_int_ge(n, 0);
		free(v);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("listen_addr");
	TCase *tc = tcase_create("listen_addr");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, listen_addr_parse_every_form);
	tcase_add_test(tc, listen_addr_parse_errors_as_sshd);
	tcase_add_test(tc, listen_addr_parse_rdomain);
	tcase_add_test(tc, listen_addr_numeric_kinds);
	tcase_add_test(tc, ip4_aton_exact_glibc_forms);
	tcase_add_test(tc, ip_predicates);
	tcase_add_test(tc, services_lookup_cases);
	tcase_add_test(tc, hosts_lookup_cases);
	tcase_add_test(tc, listen_set_as_sshd);
	tcase_add_test(tc, listen_addr_huge_input);
	tcase_add_test(tc, listen_addr_fuzz);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
