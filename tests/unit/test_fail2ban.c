/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/fail2ban.c: fail2ban's configuration as it merges and
 * interpolates it (.local over .conf, jail.d order, [DEFAULT], %(x)s,
 * %(known/x)s, enabled flags, [INCLUDES]); ban times; which bans a start
 * restores (jail.py); which jails block the ssh port; ignoreip; the boot
 * starting fail2ban; and the two ways of reading the bans: sshfix's own
 * SQLite reader and the python3 program, which must agree with each other
 * and with an independent reading (the .rows files) on databases made by
 * fail2ban's own code.  Python runs here only where the host has python3
 * with sqlite3 (else that part says it is skipped).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fail2ban.h"
#include "sqlite_ro.h"
#include "target.h"
#include "testlib.h"
#include "units.h"
#include "util.h"

#define DATA TOP_SRCDIR "/tests/unit/data/fail2ban/"
#define NOW 1700000000

static char *slurp(const char *name, size_t *len)
{
	_cleanup_fclose_ FILE *f = fopen(name, "re");
	char *data = NULL;
	size_t l;

	ck_assert_msg(f, "cannot open %s", name);
	ck_assert_int_eq(read_all(fileno(f), 64 << 20, &data, len ? len : &l), 0);
	return data;
}

static struct f2b_ini *ini_of(const char *const *files)
{
	struct f2b_ini *ini;

	ck_assert_int_eq(f2b_ini_new(&ini), 0);
	for (size_t i = 0; files[i]; i += 2)
		ck_assert_int_eq(f2b_ini_read(ini, files[i], files[i + 1], strlen(files[i + 1])), 0);
	return ini;
}

static void assert_get(const struct f2b_ini *ini, const char *sec, const char *opt, const char *want)
{
	_cleanup_free_ char *v = NULL;
	int r = f2b_ini_get(ini, sec, opt, &v, NULL);

	if (!want) {
		ck_assert_int_eq(r, 0);
		return;
	}
	ck_assert_msg(r == 1, "[%s] %s: %d", sec, opt, r);
	ck_assert_msg(streq(v, want), "[%s] %s = '%s', want '%s'", sec, opt, v, want);
}

START_TEST(f2b_ini_syntax)
{
	static const char *const files[] = { "a.conf",
					     "[DEFAULT]\n"
					     "Port = ssh\n"
					     "  # a comment line\n"
					     "ignoreip = 127.0.0.1/8\n"
					     "           ::1   ; an inline comment\n"
					     "\n"
					     "           192.0.2.0/24\n"
					     "hash = a#b\n"
					     "semi = a;b\n"
					     "colon: yes\n"
					     "; [fake]\n"
					     "[sshd] ; trailing\n"
					     "enabled=true\r\n"
					     "bad line\n",
					     NULL };
	_cleanup_(f2b_ini_freep) struct f2b_ini *ini = ini_of(files);

	assert_get(ini, "sshd", "port", "ssh");	/* keys without case, from [DEFAULT] */
	assert_get(ini, "sshd", "ignoreip", "127.0.0.1/8\n::1\n\n192.0.2.0/24");
	assert_get(ini, "sshd", "hash", "a#b");	/* '#' inline is part of the value */
	assert_get(ini, "sshd", "semi", "a;b");	/* ';' only after white space */
	assert_get(ini, "sshd", "colon", "yes");
	assert_get(ini, "sshd", "enabled", "true");
	assert_get(ini, "fake", "enabled", NULL);
	ck_assert_ptr_nonnull(f2b_ini_notes(ini));
	ck_assert_ptr_nonnull(strstr(f2b_ini_notes(ini)[0], "a.conf line 14"));
}
END_TEST

START_TEST(f2b_ini_interpolation)
{
	static const char *const files[] = { "jail.conf",
					     "[DEFAULT]\n"
					     "banaction = iptables-multiport\n"
					     "port = 0:65535\n"
					     "action_ = %(banaction)s[port=\"%(port)s\", name=%(__name__)s]\n"
					     "action = %(action_)s\n"
					     "pct = 100%%\n"
					     "loop = %(loop)s\n"
					     "missing = %(nosuch)s\n"
					     "stray = 5%\n"
					     "[sshd]\n"
					     "port = ssh\n"
					     "other = %(recidive/bantime)s\n"
					     "deflt = %(default/port)s\n"
					     "UPPER = %(BANACTION)s\n"
					     "[recidive]\n"
					     "bantime = 1w\n",
					     "jail.local",
					     "[sshd]\n"
					     "port = %(known/port)s,2222\n",
					     NULL };
	_cleanup_(f2b_ini_freep) struct f2b_ini *ini = ini_of(files);
	_cleanup_free_ char *v = NULL;

	assert_get(ini, "sshd", "action", "iptables-multiport[port=\"ssh,2222\", name=sshd]");
	assert_get(ini, "recidive", "action", "iptables-multiport[port=\"0:65535\", name=recidive]");
	assert_get(ini, "sshd", "port", "ssh,2222");	/* known/: the value before jail.local */
	assert_get(ini, "sshd", "pct", "100%");
	assert_get(ini, "sshd", "other", "1w");
	assert_get(ini, "sshd", "deflt", "0:65535");
	assert_get(ini, "sshd", "upper", "iptables-multiport");
	ck_assert_int_eq(f2b_ini_get(ini, "sshd", "loop", &v, NULL), -EINVAL);
	ck_assert_int_eq(f2b_ini_get(ini, "sshd", "missing", &v, NULL), -EINVAL);
	ck_assert_int_eq(f2b_ini_get(ini, "sshd", "stray", &v, NULL), -EINVAL);
}
END_TEST

/* Exponential references stop at the size limit, not at the memory's. */
START_TEST(f2b_ini_interpolation_bomb)
{
	struct buf b = {0};
	buf_puts(&b, "[DEFAULT]\na0 = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
	for (int i = 1; i < 10; i++)
		buf_printf(&b, "a%d = %%(a%d)s%%(a%d)s%%(a%d)s%%(a%d)s%%(a%d)s%%(a%d)s%%(a%d)s%%(a%d)s\n", i, i - 1, i - 1, i - 1,
			   i - 1, i - 1, i - 1, i - 1, i - 1);
	const char *const files[] = { "bomb.conf", b.data, NULL };
	_cleanup_(f2b_ini_freep) struct f2b_ini *ini = ini_of(files);
	_cleanup_free_ char *v = NULL;

	ck_assert_int_eq(f2b_ini_get(ini, "DEFAULT", "a9", &v, NULL), -EINVAL);
	buf_done(&b);
}
END_TEST

START_TEST(f2b_config_order_and_defaults)
{
	/* fail2ban's order: jail.conf, jail.d/ *.conf, jail.local, jail.d/ *.local */
	static const char *const jail[] = { "jail.conf",
					    "[DEFAULT]\nenabled = false\nbantime = 10m\nport = 0:65535\n"
					    "banaction = iptables-multiport\nbanaction_allports = iptables-allports\n"
					    "action = %(banaction)s[port=\"%(port)s\"]\nignoreip = 127.0.0.1/8 ::1\n"
					    "[sshd]\nport = ssh\n[recidive]\nbanaction = %(banaction_allports)s\nbantime = 1w\n"
					    "[apache-auth]\nport = http,https\n[dropbear]\nport = ssh\n[selinux-ssh]\nport = ssh\n",
					    "jail.d/defaults-debian.conf", "[sshd]\nenabled = true\n",
					    "jail.d/z.conf", "[recidive]\nenabled = yes\n[apache-auth]\nenabled = 1\n",
					    "jail.local", "[DEFAULT]\nbantime = -1\nignoreip = 192.0.2.0/24\n[recidive]\nenabled = no\n",
					    "jail.d/a.local", "[dropbear]\nenabled = on\n[selinux-ssh]\nenabled = maybe\n",
					    NULL };
	_cleanup_(f2b_ini_freep) struct f2b_ini *ini = ini_of(jail);
	struct f2b_config c = {0};
	const struct f2b_jail *j;
	const struct f2b_action *a;

	ck_assert_int_eq(f2b_config_from_ini(ini, NULL, &c), 0);
	ck_assert_uint_eq(c.n_jails, 5);
	ck_assert_ptr_nonnull(j = f2b_config_jail(&c, "sshd"));
	ck_assert(j->enabled);
	ck_assert_str_eq(j->enabled_where, "jail.d/defaults-debian.conf line 2");
	ck_assert_int_eq(j->bantime, -1);	/* [DEFAULT] of jail.local */
	ck_assert_str_eq(j->ignoreip[0], "192.0.2.0/24");
	ck_assert_ptr_null(j->ignoreip[1]);
	ck_assert(f2b_jail_blocks_port(j, 22, NULL, 0, false, &a));
	ck_assert_str_eq(a->name, "iptables-multiport");
	ck_assert(!f2b_jail_blocks_port(j, 2222, NULL, 0, false, &a));
	ck_assert_ptr_nonnull(j = f2b_config_jail(&c, "recidive"));
	ck_assert(!j->enabled);	/* jail.local comes after jail.d/ *.conf */
	ck_assert_int_eq(j->bantime, 604800);
	ck_assert(f2b_jail_blocks_port(j, 2222, NULL, 0, false, &a));	/* all ports */
	ck_assert_ptr_nonnull(j = f2b_config_jail(&c, "apache-auth"));
	ck_assert(j->enabled);
	ck_assert(!f2b_jail_blocks_port(j, 22, NULL, 0, false, &a));
	ck_assert(f2b_config_jail(&c, "dropbear")->enabled);
	j = f2b_config_jail(&c, "selinux-ssh");
	ck_assert(!j->enabled && j->bad_enabled);
	ck_assert_str_eq(c.dbfile ? c.dbfile : "(none)", "(none)");	/* no fail2ban.conf given */
	f2b_config_done(&c);
}
END_TEST

START_TEST(f2b_config_load_tree)
{
	_cleanup_free_ char *root = tl_mkdtemp();
	struct target *t = NULL;
	struct f2b_config c = {0};

	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/fail2ban", 0755);
	tl_mkdir(root, "etc/fail2ban/jail.d", 0755);
	tl_mkdir(root, "etc/fail2ban/fail2ban.d", 0755);
	tl_write(root, "etc/fail2ban/jail.conf",
		 "[INCLUDES]\nbefore = paths-debian.conf\n[DEFAULT]\nport = 0:65535\nenabled = false\n"
		 "action = %(banaction)s[port=\"%(port)s\"]\n[sshd]\nport = ssh\nlogpath = %(sshd_log)s\n", 0644);
	tl_write(root, "etc/fail2ban/paths-debian.conf",
		 "[INCLUDES]\nbefore = paths-common.conf\n[DEFAULT]\nsshd_log = /var/log/auth.log\n", 0644);
	tl_write(root, "etc/fail2ban/paths-common.conf", "[DEFAULT]\nbanaction = iptables-multiport\n", 0644);
	tl_write(root, "etc/fail2ban/paths-common.local", "[DEFAULT]\nbanaction = hostsdeny\n", 0644);
	tl_write(root, "etc/fail2ban/jail.d/b.conf", "[sshd]\nenabled = true\n", 0644);
	tl_write(root, "etc/fail2ban/jail.d/a.conf", "[sshd]\nenabled = false\nbantime = 1h 30m\n", 0644);
	tl_write(root, "etc/fail2ban/jail.d/.hidden.conf", "[sshd]\nenabled = false\n", 0644);
	tl_write(root, "etc/fail2ban/fail2ban.conf", "[DEFAULT]\ndbfile = /var/lib/x.db\n[Definition]\ndbpurgeage = 2d\n", 0644);
	tl_write(root, "etc/fail2ban/fail2ban.d/m.local", "[Definition]\ndbfile = :memory:\n", 0644);
	ck_assert_int_eq(target_new(root, &t), 0);
	ck_assert_int_eq(f2b_config_load(t, &c), 0);
	ck_assert(c.installed);
	const struct f2b_jail *j = f2b_config_jail(&c, "sshd");
	ck_assert_ptr_nonnull(j);
	ck_assert(j->enabled);	/* b.conf after a.conf */
	ck_assert_int_eq(j->bantime, 5400);
	/* paths-common.local, beside the included paths-common.conf, wins */
	ck_assert_uint_eq(j->n_actions, 1);
	ck_assert_str_eq(j->actions[0].name, "hostsdeny");
	ck_assert_int_eq(j->actions[0].kind, F2B_ACTION_HOSTSDENY);
	ck_assert_ptr_null(c.dbfile);	/* :memory: keeps nothing */
	ck_assert_int_eq(c.dbpurgeage, 172800);
	f2b_config_done(&c);

	/* without the .local: the [DEFAULT] dbfile */
	tl_write(root, "etc/fail2ban/fail2ban.d/m.local", "\n", 0644);
	ck_assert_int_eq(f2b_config_load(t, &c), 0);
	ck_assert_str_eq(c.dbfile, "/var/lib/x.db");
	f2b_config_done(&c);
	target_free(t);
	tl_rmtree(root);
}
END_TEST

START_TEST(f2b_str2seconds_forms)
{
	static const struct {
		const char *s;
		int64_t v;
	} ok[] = { { "600", 600 }, { "-1", -1 }, { "10m", 600 }, { "1h 30m", 5400 }, { "1h30m", 5400 },
		   { "1d12h", 129600 }, { "1w", 604800 }, { "2 days", 172800 }, { "1mo", 2629800 }, { "1y", 31557600 },
		   { "1hour+30min", 5400 }, { "1h 30", 3630 }, { "  48h ", 172800 } };
	int64_t v;

	for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
		ck_assert_msg(f2b_str2seconds(ok[i].s, &v) == 0, "%s", ok[i].s);
		ck_assert_msg(v == ok[i].v, "%s = %lld", ok[i].s, (long long) v);
	}
	ck_assert_int_lt(f2b_str2seconds("", &v), 0);
	ck_assert_int_lt(f2b_str2seconds("forever", &v), 0);
	ck_assert_int_lt(f2b_str2seconds("10 parsecs", &v), 0);
	ck_assert_int_lt(f2b_str2seconds("99999999999999999999", &v), 0);
}
END_TEST

START_TEST(f2b_ban_restored_rules)
{
	struct f2b_jail j = { .name = "sshd", .bantime = 600, .bantime_ok = true, .maxtime = -1 };
	struct f2b_ban b = { .ip = "192.0.2.20", .jail = "sshd" };
	int64_t until;

	b.timeofban = NOW - 60, b.bantime = 600;
	ck_assert(f2b_ban_restored(&j, &b, NOW, &until));
	ck_assert_int_eq(until, NOW + 540);
	/* a longer ban in the database is cut to the jail's bantime */
	b.bantime = 3600;
	ck_assert(f2b_ban_restored(&j, &b, NOW, &until));
	ck_assert_int_eq(until, NOW + 540);
	/* ... so a "permanent" row of a jail that no longer bans for ever runs out */
	b.bantime = -1, b.timeofban = NOW - 86400;
	ck_assert(!f2b_ban_restored(&j, &b, NOW, &until));
	b.timeofban = NOW - 60;
	ck_assert(f2b_ban_restored(&j, &b, NOW, &until));
	ck_assert_int_eq(until, NOW + 540);
	/* with the jail's bantime -1 it is for ever */
	j.bantime = -1;
	b.timeofban = NOW - 86400 * 365;
	ck_assert(f2b_ban_restored(&j, &b, NOW, &until));
	ck_assert_int_eq(until, -1);
	b.bantime = 600;
	ck_assert(!f2b_ban_restored(&j, &b, NOW, &until));
	/* -2 (upgraded database): the jail's ban time */
	j.bantime = 600;
	b.bantime = -2, b.timeofban = NOW - 10;
	ck_assert(f2b_ban_restored(&j, &b, NOW, &until));
	ck_assert_int_eq(until, NOW + 590);
	/* another jail's row is not this jail's */
	b.jail = "recidive";
	ck_assert(!f2b_ban_restored(&j, &b, NOW, &until));
	/* bantime.increment without maxtime: no cut, no search window */
	b.jail = "sshd";
	j.increment = true;
	b.bantime = 86400, b.timeofban = NOW - 3600;
	ck_assert(f2b_ban_restored(&j, &b, NOW, &until));
	ck_assert_int_eq(until, NOW - 3600 + 86400);
	j.maxtime = 1800;
	ck_assert(!f2b_ban_restored(&j, &b, NOW, &until));
}
END_TEST

START_TEST(f2b_ports_and_actions)
{
	static const char *const files[] = { "jail.conf",
					     "[DEFAULT]\nport = 0:65535\nprotocol = tcp\n"
					     "[a]\nport = ssh,2222\naction = iptables-multiport[name=a]\n"
					     "  sendmail-whois[name=a]\n"
					     "[b]\naction = nftables[port=\"1000:3000\", protocol=tcp] mail-whois\n"
					     "[c]\naction = sendmail-whois abuseipdb\n"
					     "[d]\nprotocol = udp\naction = iptables-multiport\n"
					     "[e]\naction = route\n"
					     "[f]\nport = all\naction = ufw\n"
					     "[g]\naction = hostsdeny[daemon_list=sshd]\n",
					     NULL };
	_cleanup_(f2b_ini_freep) struct f2b_ini *ini = ini_of(files);
	struct f2b_config c = {0};
	const struct f2b_action *a;
	const char services[] = "ssh\t\t22/tcp\nssh-alt\t2222/tcp\n";

	ck_assert_int_eq(f2b_config_from_ini(ini, NULL, &c), 0);
	const struct f2b_jail *j = f2b_config_jail(&c, "a");
	ck_assert_uint_eq(j->n_actions, 2);
	ck_assert(f2b_jail_blocks_port(j, 22, services, sizeof(services) - 1, false, &a));
	ck_assert(f2b_jail_blocks_port(j, 2222, services, sizeof(services) - 1, false, &a));
	ck_assert(!f2b_jail_blocks_port(j, 2200, services, sizeof(services) - 1, false, &a));
	j = f2b_config_jail(&c, "b");
	ck_assert_str_eq(j->actions[0].port, "1000:3000");
	ck_assert(f2b_jail_blocks_port(j, 2222, NULL, 0, false, &a));
	ck_assert(!f2b_jail_blocks_port(j, 22, NULL, 0, false, &a));
	ck_assert(!f2b_jail_blocks_port(f2b_config_jail(&c, "c"), 22, NULL, 0, false, &a));
	ck_assert(!f2b_jail_blocks_port(f2b_config_jail(&c, "d"), 22, NULL, 0, false, &a));
	ck_assert(f2b_jail_blocks_port(f2b_config_jail(&c, "e"), 22, NULL, 0, false, &a));
	ck_assert(f2b_jail_blocks_port(f2b_config_jail(&c, "f"), 22, NULL, 0, false, &a));
	ck_assert(!f2b_jail_blocks_port(f2b_config_jail(&c, "g"), 22, NULL, 0, false, &a));
	ck_assert(f2b_jail_blocks_port(f2b_config_jail(&c, "g"), 22, NULL, 0, true, &a));
	f2b_config_done(&c);
}
END_TEST

START_TEST(f2b_ignoreip_forms)
{
	char *words[] = { "127.0.0.1/8", "::1", "host.example", "192.0.2.0/255.255.255.0", "2001:db8::/32",
			  "198.51.100.7", "file:/etc/x", NULL };
	struct f2b_jail j = { .name = "sshd", .ignoreip = words };

	ck_assert_str_eq(f2b_ignoreip_match(&j, "127.9.9.9"), "127.0.0.1/8");
	ck_assert_str_eq(f2b_ignoreip_match(&j, "192.0.2.20"), "192.0.2.0/255.255.255.0");
	ck_assert_str_eq(f2b_ignoreip_match(&j, "2001:db8:1::5"), "2001:db8::/32");
	ck_assert_str_eq(f2b_ignoreip_match(&j, "198.51.100.7"), "198.51.100.7");
	ck_assert_ptr_null(f2b_ignoreip_match(&j, "198.51.100.8"));
	ck_assert_ptr_null(f2b_ignoreip_match(&j, "2001:db9::1"));
	ck_assert_ptr_null(f2b_ignoreip_match(&j, "not-an-address"));
}
END_TEST

static void check_rows(const struct f2b_bans *b, const char *name)
{
	_cleanup_free_ char *path = NULL, *want = NULL;
	struct buf got = {0};

	ck_assert_int_ne(asprintf(&path, DATA "%s.rows", name), -1);
	want = slurp(path, NULL);
	ck_assert_int_eq(f2b_bans_format(b, &got), 0);
	ck_assert_msg(streq(got.data, want), "%s: rows differ:\n%.400s\n---- want\n%.400s", name, got.data, want);
	buf_done(&got);
}

static const char *const fixtures[] = { "real", "empty", "many", "odd", "reordered" };

START_TEST(f2b_bans_own_reader)
{
	for (size_t i = 0; i < ELEMENTSOF(fixtures); i++) {
		_cleanup_free_ char *path = NULL, *image = NULL, *err = NULL;
		struct f2b_bans b;
		size_t len;
		ck_assert_int_ne(asprintf(&path, DATA "%s.sqlite3", fixtures[i]), -1);
		image = slurp(path, &len);
		ck_assert_msg(f2b_bans_from_image(image, len, NOW, &b, &err) == 0, "%s: %s", fixtures[i], err);
		check_rows(&b, fixtures[i]);
		f2b_bans_done(&b);
	}
}
END_TEST

/* Run the host's python3 on f2b_python_read; 0 with its output, -ENOENT without python3. */
static int host_python(const char *db, char **ret, size_t *ret_len)
{
	static const char *const pythons[] = { "/usr/bin/python3", "/usr/local/bin/python3" };
	const char *py = NULL;
	int p[2], status;

	for (size_t i = 0; i < ELEMENTSOF(pythons) && !py; i++)
		if (access(pythons[i], X_OK) == 0)
			py = pythons[i];
	if (!py || pipe(p) < 0)
		return -ENOENT;
	/* the sqlite3 module is there: */
	_cleanup_free_ char *probe = NULL;
	if (asprintf(&probe, "%s -I -S -c 'import sqlite3' 2> /dev/null", py) < 0 || system(probe) != 0) {
		close(p[0]), close(p[1]);
		return -ENOENT;
	}
	pid_t pid = fork();
	if (pid == 0) {
		char now[16];
		snprintf(now, sizeof(now), "%d", NOW);
		dup2(p[1], 1);
		close(p[0]);
		execl(py, py, "-I", "-S", "-B", "-W", "ignore", "-c", f2b_python_read, db, now, (char *) NULL);
		_exit(127);
	}
	close(p[1]);
	ck_assert_int_eq(read_all(p[0], 64 << 20, ret, ret_len), 0);
	close(p[0]);
	waitpid(pid, &status, 0);
	return 0;
}

START_TEST(f2b_bans_python_agrees)
{
	for (size_t i = 0; i < ELEMENTSOF(fixtures); i++) {
		_cleanup_free_ char *path = NULL, *out = NULL, *err = NULL;
		struct f2b_bans b;
		size_t len;
		ck_assert_int_ne(asprintf(&path, DATA "%s.sqlite3", fixtures[i]), -1);
		if (host_python(path, &out, &len) < 0) {
			printf("f2b_bans_python_agrees: skipped, no python3 with sqlite3 on this host\n");
			return;
		}
		ck_assert_msg(f2b_bans_from_python(out, len, &b, &err) == 0, "%s: %s\n%.300s", fixtures[i], err, out);
		ck_assert_ptr_nonnull(b.sqlite_version);
		check_rows(&b, fixtures[i]);
		f2b_bans_done(&b);
	}
}
END_TEST

START_TEST(f2b_bans_python_strict)
{
	static const char *const bad[] = {
		"",
		"sshfix-f2b-rows 1 3.40.1\n",							  /* no end */
		"sshfix-f2b-rows 1 3.40.1\nend 1 0 0\n",					  /* wrong count */
		"sshfix-f2b-rows 1 3.40.1\nend 0 0 0\nextra\n",				  /* after the end */
		"sshfix-f2b-rows 1 3.40.1\nr 3139322e302e322e3230 73736864 1 2 3 \nend 1 0 0\n", /* trailing space */
		"sshfix-f2b-rows 1 3.40.1\nr 3139322E302E322E3230 73736864 1 2 3\nend 1 0 0\n", /* upper-case hex */
		"sshfix-f2b-rows 1 3.40.1\nr 3139322e302e322e3230 73736864 1 2 x\nend 1 0 0\n",
		"sshfix-f2b-rows 1 3.40.1\nr 3139322e302e322e3230 73736864 99999999999999999999 2 3\nend 1 0 0\n",
		"sshfix-f2b-rows 1 3.40.1\nend 0 0 0",						  /* no newline */
		"Traceback (most recent call last):\nend 0 0 0\n",
		"sshfix-f2b-rows 1 3.40.1; rm -rf /\nend 0 0 0\n",
		"sshfix-f2b-rows 2 3.40.1\nend 0 0 0\n",
	};
	struct f2b_bans b;

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		_cleanup_free_ char *err = NULL;
		ck_assert_msg(f2b_bans_from_python(bad[i], strlen(bad[i]), &b, &err) == -EBADMSG, "case %zu", i);
		ck_assert_ptr_nonnull(err);
		ck_assert_uint_eq(b.n, 0);
	}
	/* a good one, with a row that is not an address (counted as bad) and a control byte in a jail */
	const char good[] = "sshfix-f2b-rows 1 3.40.1\n"
			    "r 3139322e302e322e3230 73736864 1699999940 600 0\n"
			    "r 686f7374 73736864 1 -1 0\n"
			    "r 3139322e302e322e3231 0a 1 -1 0\n"
			    "end 3 7 1\n";
	_cleanup_free_ char *err = NULL;
	ck_assert_int_eq(f2b_bans_from_python(good, sizeof(good) - 1, &b, &err), 0);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.v[0].ip, "192.0.2.20");
	ck_assert_uint_eq(b.bad, 3);
	ck_assert_uint_eq(b.expired, 7);
	f2b_bans_done(&b);
}
END_TEST

/*
 * The whole path on this machine as a target: the host's python3 (as the
 * target's would) in the sandbox reads a fixture, and the unban makes a
 * new database whose changed pages come back and rebuild the file.
 */
START_TEST(f2b_sandbox_read_and_unban)
{
	struct target *t = NULL;
	struct f2b_bans b = {0}, after = {0};
	struct f2b_read_info info = {0};
	_cleanup_free_ char *image = NULL, *data = NULL, *version = NULL, *why = NULL, *err = NULL, *python = NULL;
	size_t len, new_len;

	if (!tl_is_root() || access("/usr/bin/python3", X_OK) != 0) {
		printf("f2b_sandbox_read_and_unban: skipped, needs root and /usr/bin/python3\n");
		return;
	}
	ck_assert_int_eq(target_new("/", &t), 0);
	int r = f2b_read_bans(t, DATA "real.sqlite3", NOW, &b, &info);
	if (r == 0 && !info.python && info.why_not_python &&
	    (strstr(info.why_not_python, "namespaces") || info.untrusted)) {
		printf("f2b_sandbox_read_and_unban: skipped, %s\n", info.why_not_python);
		goto out;
	}
	ck_assert_msg(r == 0, "%d %s", r, info.error ? info.error : "");
	ck_assert_msg(info.python, "python did not run: %s", info.why_not_python ? info.why_not_python : "?");
	check_rows(&b, "real");

	image = slurp(DATA "real.sqlite3", &len);
	python = f2b_python_path(t);
	const struct f2b_pair pairs[] = { { "192.0.2.20", "sshd" }, { "203.0.113.5", "recidive" } };
	r = f2b_unban(t, python, DATA "real.sqlite3", image, len, pairs, 2, &data, &new_len, &version, &why);
	ck_assert_msg(r == 0, "%d %s", r, why ? why : "");
	ck_assert_ptr_nonnull(version);
	ck_assert_int_eq(f2b_bans_from_image(data, new_len, NOW, &after, &err), 0);
	ck_assert_uint_eq(after.n, b.n - 2);
	for (size_t i = 0; i < after.n; i++)
		ck_assert(!(streq(after.v[i].ip, "192.0.2.20") && streq(after.v[i].jail, "sshd")));
	/* the apache-auth ban of the same address stays */
	ck_assert_str_eq(after.v[after.n - 1].jail, "apache-auth");
	/* a database that is not the one read: refused */
	image[200] ^= 1;
	free(data), data = NULL, free(why), why = NULL, free(version), version = NULL;
	ck_assert_int_eq(f2b_unban(t, python, DATA "real.sqlite3", image, len, pairs, 2, &data, &new_len, &version, &why),
			 -EBADMSG);
	ck_assert_str_eq(why, "the database changed while it was read");
out:
	f2b_bans_done(&b);
	f2b_bans_done(&after);
	f2b_read_info_done(&info);
	target_free(t);
}
END_TEST

/* A provider per question: the test changes the units between them. */
static int starts(struct target *t, char **why)
{
	struct units *c = NULL;
	ck_assert_int_eq(units_new(t, &c), 0);
	int r = f2b_starts_at_boot(c, t, why);
	units_free(c);
	return r;
}

START_TEST(f2b_starts_at_boot_units)
{
	_cleanup_free_ char *root = tl_mkdtemp(), *why = NULL;
	struct target *t = NULL;

	tl_mkdir(root, "sbin", 0755);
	tl_mkdir(root, "lib", 0755);
	tl_mkdir(root, "lib/systemd", 0755);
	tl_mkdir(root, "lib/systemd/system", 0755);
	tl_write(root, "lib/systemd/systemd", "x", 0755);
	tl_symlink(root, "sbin/init", "/lib/systemd/systemd");
	ck_assert_int_eq(target_new(root, &t), 0);
	ck_assert_int_eq(starts(t, &why), 0);
	ck_assert_str_eq(why, "there is no fail2ban.service");
	free(why), why = NULL;
	tl_write(root, "lib/systemd/system/fail2ban.service", "[Service]\nExecStart=/x\n[Install]\nWantedBy=multi-user.target\n",
		 0644);
	ck_assert_int_eq(starts(t, &why), 0);
	free(why), why = NULL;
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/systemd", 0755);
	tl_mkdir(root, "etc/systemd/system", 0755);
	tl_mkdir(root, "etc/systemd/system/multi-user.target.wants", 0755);
	tl_symlink(root, "etc/systemd/system/multi-user.target.wants/fail2ban.service", "/lib/systemd/system/fail2ban.service");
	ck_assert_int_eq(starts(t, &why), 1);
	free(why), why = NULL;
	tl_symlink(root, "etc/systemd/system/fail2ban.service", "/dev/null");
	ck_assert_int_eq(starts(t, &why), 0);
	ck_assert_ptr_nonnull(strstr(why, "masked"));
	target_free(t);
	tl_rmtree(root);
}
END_TEST

static Suite *fail2ban_suite(void)
{
	Suite *s = suite_create("fail2ban");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, f2b_ini_syntax);
	tcase_add_test(tc, f2b_ini_interpolation);
	tcase_add_test(tc, f2b_ini_interpolation_bomb);
	tcase_add_test(tc, f2b_config_order_and_defaults);
	tcase_add_test(tc, f2b_config_load_tree);
	tcase_add_test(tc, f2b_str2seconds_forms);
	tcase_add_test(tc, f2b_ban_restored_rules);
	tcase_add_test(tc, f2b_ports_and_actions);
	tcase_add_test(tc, f2b_ignoreip_forms);
	tcase_add_test(tc, f2b_bans_own_reader);
	tcase_add_test(tc, f2b_bans_python_agrees);
	tcase_add_test(tc, f2b_bans_python_strict);
	tcase_add_test(tc, f2b_sandbox_read_and_unban);
	tcase_add_test(tc, f2b_starts_at_boot_units);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fail2ban_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
