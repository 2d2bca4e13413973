/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/listen_set.c on scratch roots: RULES §3.6 (ports add
 * up, ListenAddress with and without a port, a bare IPv6 address, host
 * names and /etc/services, rdomain, AddressFamily inet with ::1 fatal,
 * duplicates), the command line of §3.3 (-p discards Port lines, -o and -4
 * come first), socket activation (§11.4, §13.5: ListenStream= with its
 * drop-ins replaces sshd_config; Ubuntu's generator and a leftover
 * addresses.conf), the EnvironmentFile= reader, names through /etc/hosts
 * and nss-myhostname, and hostile input.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen_set.h"
#include "sshd_cmdline.h"
#include "sshd_config.h"
#include "target.h"
#include "units.h"
#include "envfile.h"
#include "testlib.h"
#include "util.h"

static char *root;
static struct target *t;
static struct sshd_config *cfg;
static struct listen_set *ls;

static void setup(void)
{
	static const char *const dirs[] = { "etc", "etc/ssh", "etc/default", "etc/systemd", "etc/systemd/system",
					    "usr", "usr/lib", "usr/lib/systemd", "usr/lib/systemd/system",
					    "usr/lib/systemd/system-generators" };

	root = tl_mkdtemp();
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		tl_mkdir(root, dirs[i], 0755);
	tl_write(root, "etc/services", "ssh\t\t22/tcp\nhttp-alt\t8080/tcp\n", 0644);
	ck_assert_int_eq(target_new(root, &t), 0);
}

static void teardown(void)
{
	listen_set_free(ls);
	sshd_config_free(cfg);
	target_free(t);
	tl_rmtree(root);
	free(root);
	ls = NULL;
	cfg = NULL;
	t = NULL;
	root = NULL;
}

/* Load sshd_config text and the listen set of the scratch root. */
static void load(const char *config)
{
	listen_set_free(ls);
	sshd_config_free(cfg);
	ls = NULL;
	cfg = NULL;
	if (config)
		tl_write(root, "etc/ssh/sshd_config", config, 0644);
	ck_assert_int_eq(sshd_config_load(t, "/etc/ssh/sshd_config", &cfg), 0);
	struct sshd_cmdline *cl = NULL;
	struct units *units = NULL;
	/* a provider per load: the tests rewrite unit files between loads */
	ck_assert_int_eq(units_new(t, &units), 0);
	ck_assert_int_eq(sshd_cmdline_load(units, t, &cl), 0);
	ck_assert_int_eq(listen_set_load(units, t, cfg, cl, &ls), 0);
	sshd_cmdline_free(cl);
	units_free(units);
}

/* A set of sockets as "host:port|..." in order ("*" for every address). */
static char *socks(const struct listen_sock *v, size_t n)
{
	struct buf b = {0};

	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s:%d", i ? "|" : "", v[i].host ? v[i].host : "*", v[i].port);
	return buf_steal(&b);
}

static char *joined(char **v)
{
	struct buf b = {0};

	for (size_t i = 0; v && v[i]; i++)
		buf_printf(&b, "%s%s", i ? "|" : "", v[i]);
	return buf_steal(&b);
}

#define ASSERT_SSHD(want)                                     \
	do {                                                  \
		_cleanup_free_ char *got_ = socks(ls->sshd, ls->n_sshd); \
		ck_assert_str_eq(got_, want);                 \
	} while (0)

START_TEST(listen_set_ports_accumulate)
{
	load("Port 22\nPort 2222\n");
	ck_assert_uint_eq(ls->n_ports, 2);
	ASSERT_SSHD("*:22|*:2222");
	ck_assert_int_eq(listen_set_single_port(ls), 0);
	ck_assert_int_eq(ls->sshd[1].origin, LISTEN_FROM_CONFIG);
	ck_assert_str_eq(ls->sshd[1].file, "/etc/ssh/sshd_config");
	ck_assert_uint_eq(ls->sshd[1].line, 2);

	/* no Port: 22, from nowhere */
	load("# nothing\n");
	ASSERT_SSHD("*:22");
	ck_assert_int_eq(listen_set_single_port(ls), 22);
	ck_assert_int_eq(ls->ports[0].origin, LISTEN_FROM_DEFAULT);
	ck_assert_ptr_null(ls->sshd[0].file);

	/* a service name from the target's /etc/services; an unknown one is dropped */
	load("Port ssh\nPort http-alt\nPort nosuch\nPort 0\n");
	ASSERT_SSHD("*:22|*:8080");

	/* duplicates stay in sshd's list (the second bind fails), endpoints drop them */
	load("Port 22\nPort 22\n");
	ASSERT_SSHD("*:22|*:22");
	_cleanup_strv_free_ char **eps = NULL;
	ck_assert_int_eq(listen_set_endpoints(ls->sshd, ls->n_sshd, &eps), 0);
	_cleanup_free_ char *e = joined(eps);
	ck_assert_str_eq(e, "*:22");
}
END_TEST

START_TEST(listen_set_listenaddress_forms)
{
	/* ListenAddress is queued until every Port is read: its position does not matter. */
	load("ListenAddress 192.0.2.1\nPort 2222\nListenAddress 192.0.2.2:2200\nPort 2223\n"
	     "ListenAddress [2001:db8::5]:2201\nListenAddress ::1\nListenAddress 2001:db8::1:2222\n"
	     "ListenAddress 192.0.2.3 rdomain vrf-blue\nListenAddress 0.0.0.0:ssh\n");
	ASSERT_SSHD("192.0.2.1:2222|192.0.2.1:2223|192.0.2.2:2200|2001:db8::5:2201|::1:2222|::1:2223|"
		    "2001:db8::1:2222:2222|2001:db8::1:2222:2223|192.0.2.3:2222|192.0.2.3:2223|0.0.0.0:22");
	ck_assert_uint_eq(ls->n_lines, 7);
	ck_assert_ptr_null(ls->fatal);
	/* each socket names its line: the ListenAddress for its own port, else still the ListenAddress */
	ck_assert_uint_eq(ls->sshd[2].line, 3);
	ck_assert_uint_eq(ls->sshd[0].line, 1);
	ck_assert_str_eq(ls->sshd[8].rdomain, "vrf-blue");
	ck_assert(ls->lines[4].la.kind == LH_NUMERIC);
	ck_assert_int_eq(ls->lines[4].la.port, 0);	/* a bare IPv6 address takes no port */

	_cleanup_free_ char *d = NULL;
	ck_assert_int_eq(listen_set_describe_sshd(ls, &d), 0);
	ck_assert(strstr(d, "/etc/ssh/sshd_config line 2: Port 2222, /etc/ssh/sshd_config line 4: Port 2223, "
			    "/etc/ssh/sshd_config line 1: ListenAddress 192.0.2.1") == d);

	/* a line sshd cannot parse is fatal and binds nothing */
	load("ListenAddress [::1\nListenAddress 192.0.2.9\n");
	ck_assert_ptr_nonnull(ls->fatal);
	ck_assert_uint_eq(ls->fatal->o->line, 1);
	ASSERT_SSHD("192.0.2.9:22");
}
END_TEST

START_TEST(listen_set_family)
{
	/* AddressFamily inet with ::1: sshd stops ("bad addr or host"), also under -t */
	load("ListenAddress ::1\nAddressFamily inet\nListenAddress 127.0.0.1\nListenAddress ::ffff:192.0.2.4\n");
	ck_assert_int_eq(ls->family, AF_INET);
	ck_assert_uint_eq(ls->family_opt->line, 2);
	ck_assert(ls->lines[0].family_mismatch);
	ck_assert(!ls->lines[1].family_mismatch);
	ck_assert(!ls->lines[2].family_mismatch);	/* IPv4-mapped counts as IPv4 */
	ck_assert_ptr_eq(ls->fatal, &ls->lines[0]);
	ASSERT_SSHD("127.0.0.1:22|::ffff:192.0.2.4:22");

	/* the first valid AddressFamily counts */
	load("AddressFamily bogus\nAddressFamily inet6\nAddressFamily inet\nListenAddress 192.0.2.1\n");
	ck_assert_int_eq(ls->family, AF_INET6);
	ck_assert(ls->lines[0].family_mismatch);
}
END_TEST

static void debian_unit(const char *opts)
{
	tl_write(root, "usr/lib/systemd/system/ssh.service",
		 "[Unit]\nDescription=OpenBSD Secure Shell server\n[Service]\nEnvironmentFile=-/etc/default/ssh\n"
		 "ExecStartPre=/usr/sbin/sshd -t\nExecStart=/usr/sbin/sshd -D $SSHD_OPTS\n[Install]\n"
		 "WantedBy=multi-user.target\n",
		 0644);
	tl_write(root, "etc/default/ssh", opts, 0644);
}

START_TEST(listen_set_command_line)
{
	/* -p discards every Port line; -o ListenAddress is queued first; -4 beats the file's AddressFamily */
	debian_unit("# Options to pass to sshd\nSSHD_OPTS=\"-p 2222 -o 'ListenAddress 192.0.2.7' -4\"\n");
	load("Port 2200\nAddressFamily inet6\nListenAddress 192.0.2.8\n");
	ck_assert(ls->ports_from_cmdline);
	ck_assert_uint_eq(ls->n_ports, 1);
	ck_assert_int_eq(ls->ports[0].port, 2222);
	ck_assert_int_eq(ls->ports[0].origin, LISTEN_FROM_CMDLINE);
	ck_assert_str_eq(ls->ports[0].o->file, "/etc/default/ssh");
	ck_assert_uint_eq(ls->ports[0].o->line, 2);
	ck_assert_int_eq(ls->family, AF_INET);
	ck_assert_int_eq(ls->family_origin, LISTEN_FROM_CMDLINE);
	ASSERT_SSHD("192.0.2.7:2222|192.0.2.8:2222");
	ck_assert_int_eq(ls->lines[0].origin, LISTEN_FROM_CMDLINE);
	_cleanup_free_ char *d = NULL;
	ck_assert_int_eq(listen_set_describe_sshd(ls, &d), 0);
	ck_assert_str_eq(d, "/etc/default/ssh line 2: -p 2222, /etc/default/ssh line 2: -o ListenAddress 192.0.2.7, "
			    "/etc/ssh/sshd_config line 3: ListenAddress 192.0.2.8");

	/* the flags themselves, as sshd-opts-bad reads them */
	struct sshd_cmdline *cl = NULL;
	struct units *units = NULL;
	ck_assert_int_eq(units_new(t, &units), 0);
	ck_assert_int_eq(sshd_cmdline_load(units, t, &cl), 0);
	units_free(units);
	ck_assert_str_eq(cl->unit, "/usr/lib/systemd/system/ssh.service");
	ck_assert_uint_eq(cl->n_vars, 1);
	ck_assert_str_eq(cl->vars[0].name, "SSHD_OPTS");
	ck_assert(cl->vars[0].split);
	ck_assert_str_eq(cl->vars[0].file, "/etc/default/ssh");
	_cleanup_free_ char *argv = joined(cl->vars[0].argv);
	ck_assert_str_eq(argv, "-p|2222|-o|ListenAddress 192.0.2.7|-4");
	sshd_cmdline_free(cl);

	/* -o Port adds to the file's Port lines; -oPort=x and -p1 forms */
	debian_unit("SSHD_OPTS='-oPort=2201 -D'\n");
	load("Port 2200\n");
	ASSERT_SSHD("*:2201|*:2200");
	debian_unit("SSHD_OPTS=-p2202\nSSHD_OPTS=\"$OTHER\"\n");
	load(NULL);
	ck_assert_str_eq(ls->cmdline_unjudged, "/etc/default/ssh line 2");
	ASSERT_SSHD("*:2200");

	/* no unit: the distribution's own file (EL's OPTIONS) */
	{
		_cleanup_free_ char *u = tl_path(root, "usr/lib/systemd/system/ssh.service");
		ck_assert_int_eq(unlink(u), 0);
	}
	tl_mkdir(root, "etc/sysconfig", 0755);
	tl_write(root, "etc/sysconfig/sshd", "OPTIONS=\"-p 2299\"\n", 0644);
	tl_write(root, "etc/default/ssh", "SSHD_OPTS=\n", 0644);
	load(NULL);
	ASSERT_SSHD("*:2299");
}
END_TEST

static void ubuntu_socket(void)
{
	tl_write(root, "usr/lib/systemd/system/ssh.service", "[Service]\nExecStart=/usr/sbin/sshd -D $SSHD_OPTS\n", 0644);
	tl_write(root, "usr/lib/systemd/system/ssh.socket",
		 "[Unit]\nDescription=OpenBSD Secure Shell server socket\n[Socket]\nListenStream=22\nAccept=no\n"
		 "[Install]\nWantedBy=sockets.target\n",
		 0644);
	tl_mkdir(root, "etc/systemd/system/sockets.target.wants", 0755);
	tl_symlink(root, "etc/systemd/system/sockets.target.wants/ssh.socket", "/usr/lib/systemd/system/ssh.socket");
}

START_TEST(listen_set_socket_activation)
{
	/* installed but not enabled: sshd listens itself */
	tl_write(root, "usr/lib/systemd/system/ssh.socket", "[Socket]\nListenStream=22\n", 0644);
	load("Port 2222\n");
	ck_assert(!ls->socket_activated);
	ck_assert_str_eq(ls->socket_unit, "ssh.socket");
	ck_assert_ptr_eq(ls->boot, ls->sshd);

	/* enabled, the service not: ListenStream= replaces sshd_config's Port */
	ubuntu_socket();
	load(NULL);
	ck_assert(ls->socket_activated);
	ck_assert_ptr_eq(ls->boot, ls->stream);
	_cleanup_free_ char *s1 = socks(ls->boot, ls->n_boot);
	ck_assert_str_eq(s1, "*:22");
	ck_assert_int_eq(listen_set_single_port(ls), 22);	/* not sshd_config's 2222 */
	ck_assert_str_eq(ls->stream[0].file, "/usr/lib/systemd/system/ssh.socket");
	ck_assert_uint_eq(ls->stream[0].line, 4);

	/* a drop-in resets the list; /etc wins over /usr/lib for the same name; sorted by name */
	tl_mkdir(root, "etc/systemd/system/ssh.socket.d", 0755);
	tl_mkdir(root, "usr/lib/systemd/system/ssh.socket.d", 0755);
	tl_write(root, "etc/systemd/system/ssh.socket.d/addresses.conf",
		 "[Socket]\nListenStream=\nListenStream=0.0.0.0:2222\nListenStream=[::]:2222\n", 0644);
	tl_write(root, "usr/lib/systemd/system/ssh.socket.d/addresses.conf", "[Socket]\nListenStream=9999\n", 0644);
	tl_write(root, "usr/lib/systemd/system/ssh.socket.d/zz-extra.conf",
		 "[Socket]\nListenStream=/run/sshd.sock\nListenStream=2001:db8::1\nListenStream=192.0.2.1:2223\n", 0644);
	load(NULL);
	_cleanup_free_ char *s2 = socks(ls->stream, ls->n_stream);
	ck_assert_str_eq(s2, "0.0.0.0:2222|:::2222|*:0|*:0|192.0.2.1:2223");
	_cleanup_strv_free_ char **eps = NULL;
	ck_assert_int_eq(listen_set_endpoints(ls->boot, ls->n_boot, &eps), 0);
	_cleanup_free_ char *e = joined(eps);
	ck_assert_str_eq(e, "*:2222|192.0.2.1:2223");
	_cleanup_free_ char *d = NULL;
	ck_assert_int_eq(listen_set_describe_stream(ls, &d), 0);
	ck_assert(strstr(d, "/etc/systemd/system/ssh.socket.d/addresses.conf line 3: ListenStream=0.0.0.0:2222") == d);

	/* the service enabled too: sshd listens itself (and the two fight: RULES §13.5) */
	tl_mkdir(root, "etc/systemd/system/multi-user.target.wants", 0755);
	tl_symlink(root, "etc/systemd/system/multi-user.target.wants/ssh.service", "/usr/lib/systemd/system/ssh.service");
	load(NULL);
	ck_assert(!ls->socket_activated);
	ck_assert_ptr_eq(ls->boot, ls->sshd);
}
END_TEST

START_TEST(listen_set_socket_generator)
{
	ubuntu_socket();
	tl_write(root, "usr/lib/systemd/system-generators/sshd-socket-generator", "\177ELF", 0755);
	/* 24.04+: the generator's addresses.conf follows sshd_config at every boot */
	load("Port 2222\nListenAddress [2001:db8::7]\nListenAddress 192.0.2.5:2200\n");
	ck_assert(ls->socket_generator);
	_cleanup_free_ char *s1 = socks(ls->boot, ls->n_boot);
	ck_assert_str_eq(s1, "2001:db8::7:2222|192.0.2.5:2200");
	ck_assert_int_eq(ls->boot[0].origin, LISTEN_FROM_GENERATOR);
	ck_assert_str_eq(ls->boot[0].value, "[2001:db8::7]:2222");
	ck_assert_uint_eq(ls->boot[0].line, 0);

	/* a /usr/lib drop-in of the same name loses to the generator's directory */
	tl_mkdir(root, "usr/lib/systemd/system/ssh.socket.d", 0755);
	tl_write(root, "usr/lib/systemd/system/ssh.socket.d/addresses.conf", "[Socket]\nListenStream=\nListenStream=1\n",
		 0644);
	load(NULL);
	_cleanup_free_ char *s2 = socks(ls->boot, ls->n_boot);
	ck_assert_str_eq(s2, "2001:db8::7:2222|192.0.2.5:2200");

	/* a leftover /etc/systemd/system/ssh.socket.d/addresses.conf (22.10-23.10) overrides it */
	tl_mkdir(root, "etc/systemd/system/ssh.socket.d", 0755);
	tl_write(root, "etc/systemd/system/ssh.socket.d/addresses.conf", "[Socket]\nListenStream=\nListenStream=22\n", 0644);
	load(NULL);
	_cleanup_free_ char *s3 = socks(ls->boot, ls->n_boot);
	ck_assert_str_eq(s3, "*:22");
	ck_assert_int_eq(ls->boot[0].origin, LISTEN_FROM_SOCKET);
}
END_TEST

/* $SSHD_OPTS as the units provider reads it (src/envfile.h), with the cases the flags need. */
START_TEST(sshd_cmdline_env_systemd)
{
	static const char text[] = "# comment \\\n  continued comment\n"
				   "; also a comment\n"
				   "SSHD_OPTS=first\n"
				   "  SSHD_OPTS = 'single $x' \"double \\\"q\\\" \\$y\" tail  \n"
				   "OTHER=1\n"
				   "NOEQ\n";
	struct env_assignment a = {0};

	ck_assert_int_eq(envfile_last(text, sizeof(text) - 1, "SSHD_OPTS", &a), 1);
	/* systemd skips white space after a closing quote */
	ck_assert_str_eq(a.value, "single $xdouble \"q\" $ytail");
	ck_assert_uint_eq(a.first, 5);
	ck_assert(!a.expansion);
	env_assignment_done(&a);
	static const char cont[] = "SSHD_OPTS=-p \\\n 2222 $EXTRA\n";
	ck_assert_int_eq(envfile_last(cont, sizeof(cont) - 1, "SSHD_OPTS", &a), 1);
	ck_assert_str_eq(a.value, "-p  2222 $EXTRA");
	ck_assert_uint_eq(a.first, 1);
	ck_assert_uint_eq(a.last, 2);
	ck_assert(a.expansion);
	env_assignment_done(&a);
	ck_assert_int_eq(envfile_last(text, sizeof(text) - 1, "NOEQ", &a), 0);

	/* NUL bytes and a huge line: bounded, no crash */
	static const char nul[] = "SSHD_OPTS=\"-p\0 22\"\nX\0=1\n";
	ck_assert_int_ge(envfile_last(nul, sizeof(nul) - 1, "SSHD_OPTS", &a), 0);
	env_assignment_done(&a);
	size_t big = 8u << 20;
	_cleanup_free_ char *huge = malloc(big);
	ck_assert_ptr_nonnull(huge);
	memcpy(huge, "SSHD_OPTS=", 10);
	memset(huge + 10, 'x', big - 10);
	ck_assert_int_eq(envfile_last(huge, big, "SSHD_OPTS", &a), 1);
	ck_assert_uint_eq(strlen(a.value), big - 10);
	env_assignment_done(&a);
}
END_TEST

START_TEST(listen_set_resolve_names)
{
	tl_write(root, "etc/hosts", "127.0.0.1 localhost\n127.0.1.1 box.example box\n2001:db8::9 v6only\n", 0644);
	tl_write(root, "etc/hostname", "myhost\n", 0644);
	tl_write(root, "etc/nsswitch.conf", "passwd: files\nhosts: files myhostname dns # x\n", 0644);
	load("ListenAddress box\n");
	struct ip_addr *v = NULL;
	size_t n = 0;
	bool lo = false;

	ck_assert_int_eq(listen_set_resolve(ls, "BOX", AF_UNSPEC, &v, &n, &lo), LISTEN_BY_HOSTS);
	ck_assert_uint_eq(n, 1);
	ck_assert(ip_is_loopback(&v[0]));
	free(v);
	v = NULL;
	ck_assert_int_eq(listen_set_resolve(ls, "v6only", AF_INET, &v, &n, &lo), LISTEN_UNRESOLVED);
	ck_assert_int_eq(listen_set_resolve(ls, "x.localhost", AF_INET, &v, &n, &lo), LISTEN_BY_MYHOSTNAME);
	ck_assert(lo);
	ck_assert_int_eq(listen_set_resolve(ls, "myhost", AF_INET, &v, &n, &lo), LISTEN_BY_MYHOSTNAME);
	ck_assert(!lo);
	ck_assert_int_eq(listen_set_resolve(ls, "elsewhere", AF_INET, &v, &n, &lo), LISTEN_UNRESOLVED);
	ASSERT_SSHD("box:22");
}
END_TEST

START_TEST(listen_set_hostile)
{
	/* Thousands of Port lines: at most sshd's 256; a long garbage ListenAddress; NUL bytes in files. */
	struct buf b = {0};
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "Port %d\n", 1 + i % 60000);
	buf_puts(&b, "ListenAddress ");
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, "[]:%x"[i % 5]);
	buf_puts(&b, "\n");
	ck_assert(buf_ok(&b));
	load(b.data);
	buf_done(&b);
	ck_assert_uint_eq(ls->n_ports, 256);
	ck_assert_ptr_nonnull(ls->fatal);

	/* 256 ports times 20000 addresses: bounded, not 5 million sockets */
	for (int i = 0; i < 256; i++)
		buf_printf(&b, "Port %d\n", 1000 + i);
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, "ListenAddress 10.%d.%d.1\n", i / 256, i % 256);
	ck_assert(buf_ok(&b));
	load(b.data);
	buf_done(&b);
	ck_assert_uint_eq(ls->n_lines, 20000);
	ck_assert_uint_le(ls->n_sshd, LISTEN_SOCKETS_MAX);
	ck_assert_uint_ge(ls->n_sshd, LISTEN_SOCKETS_MAX - 256);

	tl_write(root, "etc/services", "\0\0\0ssh 22/tcp\n", 0644);
	debian_unit("SSHD_OPTS=\"-o\"\n");
	load("Port ssh\n");
	ASSERT_SSHD("*:22");
}
END_TEST

static Suite *listen_set_suite(void)
{
	Suite *s = suite_create("listen_set");
	TCase *tc = tcase_create("listen_set");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, listen_set_ports_accumulate);
	tcase_add_test(tc, listen_set_listenaddress_forms);
	tcase_add_test(tc, listen_set_family);
	tcase_add_test(tc, listen_set_command_line);
	tcase_add_test(tc, listen_set_socket_activation);
	tcase_add_test(tc, listen_set_socket_generator);
	tcase_add_test(tc, sshd_cmdline_env_systemd);
	tcase_add_test(tc, listen_set_resolve_names);
	tcase_add_test(tc, listen_set_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(listen_set_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
