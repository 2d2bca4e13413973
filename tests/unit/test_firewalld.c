/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/firewalld.c: firewalld's files as it loads them (/etc
 * replacing /usr/lib, DefaultZone and its fallback, services with includes
 * and /etc overrides, NetworkManager and ifcfg zones), the zone a
 * connection arrives in (source, interface, default), the order of a
 * zone's chains (policies before, pre, deny, allow, post, policies after,
 * target), what is left unknown, the planned change and its XML, and XML
 * the reader must refuse (NUL, unbalanced tags, bad entities).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "firewalld.h"
#include "util.h"

struct mem_file {
	const char *path, *text;
	size_t len;	/* 0: strlen(text) */
};

static const struct mem_file *files;
static size_t n_files;

static int mem_read(void *ud, const char *path, char **ret, size_t *ret_len)
{
	(void) ud;
	for (size_t i = 0; i < n_files; i++)
		if (streq(files[i].path, path)) {
			*ret_len = files[i].len ? files[i].len : strlen(files[i].text);
			if (!(*ret = malloc(*ret_len + 1)))
				return -ENOMEM;
			memcpy(*ret, files[i].text, *ret_len);
			(*ret)[*ret_len] = '\0';
			return 0;
		}
	return -ENOENT;
}

static int mem_glob(void *ud, const char *pattern, char ***ret)
{
	char **v = NULL;

	(void) ud;
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n_files; i++)
		if (fnmatch(pattern, files[i].path, FNM_PATHNAME) == 0 && strv_push(&v, strdup(files[i].path)) < 0)
			return -ENOMEM;
	strv_sort(v);
	*ret = v;
	return 0;
}

#define ZONE(name, body) { "/usr/lib/firewalld/zones/" name ".xml", "<?xml version=\"1.0\"?>\n" body "\n", 0 }
#define SSH_SERVICE { "/usr/lib/firewalld/services/ssh.xml", "<service><short>SSH</short><port protocol=\"tcp\" port=\"22\"/></service>", 0 }

static struct fwd_config *load(const struct mem_file *f, size_t n, int want, const char *want_why)
{
	const struct fw_reader rd = { mem_read, mem_glob, NULL };
	struct fwd_config *c = NULL;
	char *why = NULL;

	files = f, n_files = n;
	int r = fwd_load(&rd, &c, &why);
	ck_assert_msg(r == want, "fwd_load: %d (%s), want %d", r, why ? why : "", want);
	if (want_why)
		ck_assert_msg(why && strstr(why, want_why), "why: %s, want %s", why ? why : "(none)", want_why);
	free(why);
	return c;
}

/* The answer of zone (or the first answer when zone is NULL) for port over family from from. */
static struct fwd_answer answer(const struct fwd_config *c, const char *zone, int family, uint16_t port, const char *from,
				size_t *ret_n)
{
	struct fw_packet p = { family, port, from };
	struct fwd_answer a[8];
	size_t n = fwd_eval(c, &p, a, 8);

	if (ret_n)
		*ret_n = n;
	for (size_t i = 0; i < n; i++)
		if (!zone || streq(a[i].zone, zone))
			return a[i];
	ck_abort_msg("zone %s not among the %zu answers", zone ? zone : "(any)", n);
	return a[0];
}

START_TEST(firewalld_stock_public_accepts)
{
	const struct mem_file f[] = {
		{ FWD_CONF, "# comment\nDefaultZone=public\n", 0 },
		ZONE("public", "<zone>\n  <short>Public</short>\n  <service name=\"ssh\"/>\n  <service name=\"dhcpv6-client\"/>\n</zone>"),
		ZONE("drop", "<zone target=\"DROP\">\n</zone>"),
		SSH_SERVICE,
		{ "/usr/lib/firewalld/services/dhcpv6-client.xml", "<service><port protocol=\"udp\" port=\"546\"/></service>", 0 },
	};
	struct fwd_config *c = load(f, ELEMENTSOF(f), 0, NULL);
	size_t n;
	struct fwd_answer a = answer(c, NULL, AF_INET, 22, NULL, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(a.zone, "public");
	ck_assert_int_eq(a.a.verdict, FW_ACCEPT);
	a = answer(c, NULL, AF_INET6, 2222, NULL, NULL);
	ck_assert_int_eq(a.a.verdict, FW_REJECT);	/* target default */
	ck_assert_uint_eq(a.a.line, 2);
	fwd_config_free(c);
}
END_TEST

START_TEST(firewalld_etc_replaces_usr_lib_and_default_fallback)
{
	const struct mem_file f[] = {
		{ FWD_CONF, "DefaultZone = nosuchzone\n", 0 },	/* "DefaultZone " is no key: the default stays public */
		ZONE("public", "<zone><service name=\"ssh\"/></zone>"),
		{ "/etc/firewalld/zones/public.xml", "<zone target=\"DROP\"><short>mine</short></zone>", 0 },
		{ "/etc/firewalld/services/ssh.xml", "<service><port protocol=\"tcp\" port=\"2222\"/></service>", 0 },
		SSH_SERVICE,
	};
	struct fwd_config *c = load(f, ELEMENTSOF(f), 0, NULL);
	struct fwd_answer a = answer(c, "public", AF_INET, 22, NULL, NULL);
	ck_assert_int_eq(a.a.verdict, FW_DROP);
	ck_assert_str_eq(a.zone_file, "/etc/firewalld/zones/public.xml");
	fwd_config_free(c);

	const struct mem_file g[] = {
		{ FWD_CONF, "DefaultZone=work\n", 0 },
		ZONE("work", "<zone><service name=\"ssh\"/></zone>"),
		{ "/etc/firewalld/services/ssh.xml", "<service><include service=\"ssh-alt\"/></service>", 0 },
		{ "/usr/lib/firewalld/services/ssh-alt.xml", "<service><port protocol=\"tcp\" port=\"2200-2300\"/></service>", 0 },
		SSH_SERVICE,
	};
	c = load(g, ELEMENTSOF(g), 0, NULL);
	ck_assert_int_eq(answer(c, "work", AF_INET, 22, NULL, NULL).a.verdict, FW_REJECT);
	ck_assert_int_eq(answer(c, "work", AF_INET, 2222, NULL, NULL).a.verdict, FW_ACCEPT);	/* through the include */
	fwd_config_free(c);
}
END_TEST

START_TEST(firewalld_arrival_zones)
{
	const struct mem_file f[] = {
		{ FWD_CONF, "DefaultZone=public\n", 0 },
		ZONE("public", "<zone><service name=\"ssh\"/></zone>"),
		ZONE("block", "<zone target=\"%%REJECT%%\"/>"),
		ZONE("internal", "<zone><interface name=\"eth1\"/><service name=\"ssh\"/></zone>"),
		ZONE("trusted", "<zone target=\"ACCEPT\"><source address=\"192.0.2.0/24\"/></zone>"),
		ZONE("drop", "<zone target=\"DROP\"/>"),
		SSH_SERVICE,
		{ "/etc/NetworkManager/system-connections/wlan.nmconnection",
		  "[connection]\nid=wlan\ninterface-name=wlan0\nzone=drop\n[wifi-security]\npsk=secret\n", 0 },
		{ "/etc/sysconfig/network-scripts/ifcfg-eth2", "DEVICE=eth2\nZONE=block\n", 0 },
	};
	struct fwd_config *c = load(f, ELEMENTSOF(f), 0, NULL);
	size_t n;
	/* from no named network: internal (eth1), drop (wlan0), block (eth2) and the default zone */
	(void) answer(c, NULL, AF_INET, 22, NULL, &n);
	ck_assert_uint_eq(n, 4);
	struct fwd_answer a = answer(c, "drop", AF_INET, 22, NULL, NULL);
	ck_assert_int_eq(a.a.verdict, FW_DROP);
	ck_assert_msg(strstr(a.why, "wlan0") && strstr(a.why, "wlan.nmconnection"), "%s", a.why);
	ck_assert_int_eq(answer(c, "block", AF_INET, 22, NULL, NULL).a.verdict, FW_REJECT);
	ck_assert_int_eq(answer(c, "internal", AF_INET, 22, NULL, NULL).a.verdict, FW_ACCEPT);
	/* a source zone takes the connection whatever the interface */
	a = answer(c, NULL, AF_INET, 22, "192.0.2.9", &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(a.zone, "trusted");
	ck_assert_int_eq(a.a.verdict, FW_ACCEPT);
	fwd_config_free(c);
}
END_TEST

START_TEST(firewalld_chain_order)
{
	const struct mem_file f[] = {
		{ FWD_CONF, "DefaultZone=public\n", 0 },
		/* deny (priority 0 drop) before allow (service), pre (priority < 0) before deny */
		ZONE("public", "<zone>\n<service name=\"ssh\"/>\n"
			       "<rule><source address=\"198.51.100.0/24\"/><service name=\"ssh\"/><reject/></rule>\n"
			       "<rule priority=\"-10\"><source address=\"198.51.100.7\"/><port port=\"22\" protocol=\"tcp\"/><accept/></rule>\n"
			       "<rule priority=\"5\"><drop/></rule>\n"
			       "<rule family=\"ipv6\"><drop/></rule>\n"
			       "</zone>"),
		SSH_SERVICE,
	};
	struct fwd_config *c = load(f, ELEMENTSOF(f), 0, NULL);
	struct fwd_answer a = answer(c, "public", AF_INET, 22, "198.51.100.8", NULL);
	ck_assert_int_eq(a.a.verdict, FW_REJECT);
	ck_assert_uint_eq(a.a.line, 4);
	ck_assert(a.blocker_early);
	ck_assert_int_eq(answer(c, "public", AF_INET, 22, "198.51.100.7", NULL).a.verdict, FW_ACCEPT);
	ck_assert_int_eq(answer(c, "public", AF_INET, 22, "203.0.113.1", NULL).a.verdict, FW_ACCEPT);
	/* the ipv6-only drop is in deny: before the service */
	a = answer(c, "public", AF_INET6, 22, NULL, NULL);
	ck_assert_int_eq(a.a.verdict, FW_DROP);
	ck_assert_uint_eq(a.a.line, 7);
	/* priority 5 drop comes after allow: port 80 is dropped by it, not by the target */
	a = answer(c, "public", AF_INET, 80, NULL, NULL);
	ck_assert_int_eq(a.a.verdict, FW_DROP);
	ck_assert_uint_eq(a.a.line, 6);
	ck_assert(!a.blocker_early);
	fwd_config_free(c);
}
END_TEST

START_TEST(firewalld_policies)
{
	const struct mem_file f[] = {
		{ FWD_CONF, "DefaultZone=public\n", 0 },
		ZONE("public", "<zone><service name=\"ssh\"/></zone>"),
		ZONE("work", "<zone><interface name=\"eth1\"/></zone>"),
		SSH_SERVICE,
		{ "/etc/firewalld/policies/before.xml",
		  "<policy priority=\"-100\"><ingress-zone name=\"public\"/><egress-zone name=\"HOST\"/>"
		  "<rule><port port=\"22\" protocol=\"tcp\"/><reject/></rule></policy>", 0 },
		{ "/etc/firewalld/policies/after.xml",
		  "<policy priority=\"100\" target=\"ACCEPT\"><ingress-zone name=\"ANY\"/><egress-zone name=\"HOST\"/></policy>", 0 },
		{ "/etc/firewalld/policies/elsewhere.xml",
		  "<policy priority=\"-200\" target=\"DROP\"><ingress-zone name=\"ANY\"/><egress-zone name=\"public\"/></policy>", 0 },
	};
	struct fwd_config *c = load(f, ELEMENTSOF(f), 0, NULL);
	struct fwd_answer a = answer(c, "public", AF_INET, 22, NULL, NULL);
	ck_assert_int_eq(a.a.verdict, FW_REJECT);
	ck_assert(a.blocker_policy);
	char *opt = NULL, *el = NULL;
	struct fw_packet p = { AF_INET, 22, NULL };
	ck_assert_int_eq(fwd_plan(c, &a, &p, &opt, &el), -ENOTSUP);
	/* the work zone has nothing for ssh, but the positive-priority policy accepts before its target */
	ck_assert_int_eq(answer(c, "work", AF_INET, 22, NULL, NULL).a.verdict, FW_ACCEPT);
	fwd_config_free(c);
}
END_TEST

START_TEST(firewalld_unknown)
{
	const struct mem_file f[] = {
		{ FWD_CONF, "DefaultZone=public\n", 0 },
		ZONE("public", "<zone>\n<rule><source ipset=\"admins\"/><service name=\"ssh\"/><accept/></rule>\n</zone>"),
		ZONE("dmz", "<zone><interface name=\"eth9\"/><service name=\"nosuchservice\"/></zone>"),
		ZONE("home", "<zone><interface name=\"eth8\"/><forward-port port=\"22\" protocol=\"tcp\" to-port=\"2222\"/>"
			     "<service name=\"ssh\"/></zone>"),
		SSH_SERVICE,
	};
	struct fwd_config *c = load(f, ELEMENTSOF(f), 0, NULL);
	struct fwd_answer a = answer(c, "public", AF_INET, 22, NULL, NULL);
	ck_assert_int_eq(a.a.verdict, FW_UNKNOWN);	/* an ipset may hold the client, or not */
	ck_assert_uint_eq(a.a.line, 3);
	ck_assert_int_eq(answer(c, "dmz", AF_INET, 22, NULL, NULL).a.verdict, FW_UNKNOWN);
	ck_assert_int_eq(answer(c, "home", AF_INET, 22, NULL, NULL).a.verdict, FW_UNKNOWN);
	ck_assert_int_eq(answer(c, "home", AF_INET, 2222, NULL, NULL).a.verdict, FW_REJECT);
	fwd_config_free(c);
}
END_TEST

START_TEST(firewalld_plan)
{
	const struct mem_file f[] = {
		{ FWD_CONF, "DefaultZone=drop\n", 0 },
		ZONE("drop", "<zone target=\"DROP\">\n  <short>Drop</short>\n</zone>"),
		SSH_SERVICE,
	};
	struct fwd_config *c = load(f, ELEMENTSOF(f), 0, NULL);
	struct fw_packet p = { AF_INET, 22, NULL }, p2 = { AF_INET, 2222, NULL }, pf = { AF_INET6, 22, "2001:db8::7" };
	char *opt, *el, *text;
	size_t len;
	struct fwd_answer a = answer(c, "drop", AF_INET, 22, NULL, NULL);
	ck_assert_int_eq(fwd_plan(c, &a, &p, &opt, &el), 0);
	ck_assert_str_eq(opt, "--add-service=ssh");
	ck_assert_str_eq(el, "<service name=\"ssh\"/>");
	const char *zone = "<?xml version=\"1.0\"?>\n<zone target=\"DROP\">\n  <short>Drop</short>\n</zone>\n";
	ck_assert_int_eq(fwd_zone_add(zone, strlen(zone), el, &text, &len), 0);
	ck_assert_str_eq(text, "<?xml version=\"1.0\"?>\n<zone target=\"DROP\">\n  <short>Drop</short>\n  <service name=\"ssh\"/>\n</zone>\n");
	free(text), free(opt), free(el);
	a = answer(c, "drop", AF_INET, 2222, NULL, NULL);
	ck_assert_int_eq(fwd_plan(c, &a, &p2, &opt, &el), 0);
	ck_assert_str_eq(opt, "--add-port=2222/tcp");
	free(opt), free(el);
	a = answer(c, "drop", AF_INET6, 22, "2001:db8::7", NULL);
	ck_assert_int_eq(fwd_plan(c, &a, &pf, &opt, &el), 0);
	ck_assert_str_eq(opt, "--add-rich-rule=rule family=\"ipv6\" source address=\"2001:db8::7\" port port=\"22\" protocol=\"tcp\" accept");
	ck_assert_str_eq(el, "<rule family=\"ipv6\"><source address=\"2001:db8::7\"/><port port=\"22\" protocol=\"tcp\"/><accept/></rule>");
	free(opt), free(el);
	fwd_config_free(c);

	/* a pre rule at priority -7: the accept goes at -8 */
	const struct mem_file g[] = {
		{ FWD_CONF, "DefaultZone=public\n", 0 },
		ZONE("public", "<zone><service name=\"ssh\"/><rule priority=\"-7\"><service name=\"ssh\"/><drop/></rule></zone>"),
		SSH_SERVICE,
	};
	c = load(g, ELEMENTSOF(g), 0, NULL);
	a = answer(c, "public", AF_INET, 22, NULL, NULL);
	ck_assert_int_eq(a.a.verdict, FW_DROP);
	ck_assert_int_eq(fwd_plan(c, &a, &p, &opt, &el), 0);
	ck_assert_str_eq(el, "<rule priority=\"-8\"><port port=\"22\" protocol=\"tcp\"/><accept/></rule>");
	free(opt), free(el);
	fwd_config_free(c);
	/* no closing tag: no edit */
	ck_assert_int_eq(fwd_zone_add("<zone/>", 7, "<service name=\"ssh\"/>", &text, &len), -EBADMSG);
}
END_TEST

START_TEST(firewalld_bad_xml)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "<zone><service name=\"ssh\"</zone>", "line 1" },
		{ "<zone><service name=ssh/></zone>", "without quotes" },
		{ "<zone><service name=\"a&bogus;\"/></zone>", "no entity" },
		{ "<zone target=\"SOMETIMES\"></zone>", "target" },
		{ "<zone><rule priority=\"99999\"><drop/></rule></zone>", "priority" },
		{ "<zone><port port=\"22\"/></zone>", "attributes" },
		{ "<policy/>", "not the element" },
		{ "<zone><rule><source address=\"192.0.2.1\"/><source address=\"192.0.2.2\"/><drop/></rule></zone>", "two sources" },
		{ "<zone><rule><service name=\"ssh\"/><port port=\"22\" protocol=\"tcp\"/><drop/></rule></zone>", "two elements" },
		{ "<zone/><zone/>", "second top element" },
		{ "<!-- never closed <zone/>", "comment" },
		{ "", "no element" },
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		const struct mem_file f[] = { { "/usr/lib/firewalld/zones/public.xml", bad[i].text, 0 } };
		struct fwd_config *c = load(f, 1, -EBADMSG, bad[i].why);
		ck_assert_ptr_null(c);
	}
	/* a NUL byte in a zone, and in firewalld.conf */
	static const char nul[] = "<zone>\0<service name=\"ssh\"/></zone>";
	const struct mem_file fn[] = { { "/usr/lib/firewalld/zones/public.xml", nul, sizeof(nul) - 1 } };
	ck_assert_ptr_null(load(fn, 1, -EBADMSG, "a NUL byte"));
	const struct mem_file fc[] = { { FWD_CONF, "Default\0Zone=x\n", 15 } };
	ck_assert_ptr_null(load(fc, 1, -EBADMSG, "a NUL byte"));
	/* entities decode; comments, declarations and text are skipped */
	const struct mem_file ok[] = {
		{ FWD_CONF, "DefaultZone=public\n", 0 },
		ZONE("public", "<!DOCTYPE zone>\n<!-- a > comment -->\n<zone>\n<short>a &lt; b &amp; c</short>"
			       "<service name=\"s&#115;h\"/></zone>"),
		SSH_SERVICE,
	};
	struct fwd_config *c = load(ok, ELEMENTSOF(ok), 0, NULL);
	ck_assert_int_eq(answer(c, "public", AF_INET, 22, NULL, NULL).a.verdict, FW_ACCEPT);
	fwd_config_free(c);
}
END_TEST

static Suite *firewalld_suite(void)
{
	Suite *s = suite_create("firewalld");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, firewalld_stock_public_accepts);
	tcase_add_test(tc, firewalld_etc_replaces_usr_lib_and_default_fallback);
	tcase_add_test(tc, firewalld_arrival_zones);
	tcase_add_test(tc, firewalld_chain_order);
	tcase_add_test(tc, firewalld_policies);
	tcase_add_test(tc, firewalld_unknown);
	tcase_add_test(tc, firewalld_plan);
	tcase_add_test(tc, firewalld_bad_xml);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(firewalld_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
