/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel probe against a real Debian 12 root: the cached root of the
 * e2e tier (tests/e2e/build-root.sh), seen through an overlay on a tmpfs in
 * this test's own mount namespace, so the cache is never written.  Its own
 * nft, iptables-restore, ip6tables-restore and ufw-init load the rulesets;
 * the verdicts must be what the rules say, the planned contents must win
 * over the files on disk without changing them, and the rescue system's
 * own ruleset, links and namespaces must be exactly as before.
 *
 * Skips (77, saying why) when not root, when namespaces, veth or overlayfs
 * are unavailable, or when no cached root with nftables exists.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netprobe.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

/* Short, to keep the suite quick; answers on a veth take well under 1 ms. */
#define T_MS 500

static char *lower;	/* the cached root (read only through the overlay) */
static char *merged;	/* the overlay: our target */
static char *scratch;	/* its tmpfs's mount point, removed at the end */
static struct target *t;

static const char *const NFT[] = { "/usr/sbin/nft", "-f", "/etc/nftables.conf", NULL };
static const char *const IPT4[] = { "/usr/sbin/iptables-restore", "/etc/iptables/rules.v4", NULL };
static const char *const IPT6[] = { "/usr/sbin/ip6tables-restore", "/etc/iptables/rules.v6", NULL };
static const char *const UFW[] = { "/lib/ufw/ufw-init", "start", "quiet", NULL };

static void setup(void)
{
	ck_assert_int_eq(target_new(merged, &t), 0);
}

static void teardown(void)
{
	target_free(t);
	t = NULL;
}

static void put(const char *rel, const char *content)
{
	tl_write(merged, rel, content, 0644);
}

/* One loader, the ports given as "22", "6/22". */
static void probe_with(const struct netprobe_request *base, const char *const *argv, const char *const *ports,
		       struct netprobe_result *res)
{
	struct netprobe_port p[16];
	const struct netprobe_loader l = { .argv = argv };
	struct netprobe_request req = *base;
	size_t n = 0;

	for (; ports[n]; n++) {
		const char *s = ports[n];
		p[n].family = startswith(s, "6/") ? AF_INET6 : AF_INET;
		p[n].port = (uint16_t) strtoul(startswith(s, "6/") ? s + 2 : s, NULL, 10);
	}
	req.ports = p;
	req.n_ports = n;
	if (!req.loaders) {
		req.loaders = &l;
		req.n_loaders = 1;
	}
	if (!req.timeout_ms)
		req.timeout_ms = T_MS;
	ck_assert_int_eq(netprobe_run(t, &req, res), 0);
	ck_assert_uint_eq(res->n_ports, n);
}

static void probe(const char *const *argv, const char *const *ports, struct netprobe_result *res)
{
	const struct netprobe_request req = {0};

	probe_with(&req, argv, ports, res);
}

#define ck_verdict(res, i, v)                                                                             \
	ck_assert_msg((res)->ports[i].verdict == (v), "port %u/%s: %s, expected %s (%s)", (res)->ports[i].port, \
		      (res)->ports[i].family == AF_INET6 ? "v6" : "v4", netprobe_verdict_name((res)->ports[i].verdict), \
		      netprobe_verdict_name(v), (res)->message ? (res)->message : "")

static void ck_rejected(const struct netprobe_result *res, size_t i, const char *how)
{
	ck_verdict(res, i, NETPROBE_REJECTED);
	ck_assert_str_eq(netprobe_reject_name(res->ports[i].family, res->ports[i].icmp_type, res->ports[i].icmp_code),
			 how);
}

START_TEST(netprobe_stock_nftables_accepts)
{
	struct netprobe_result res;

	/* Debian's stock nftables.conf: empty chains, policy accept. */
	probe(NFT, (const char *const[]) { "22", "6/22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_OK);
	ck_assert(res.loaders[0].ran);
	ck_assert_int_eq(res.loaders[0].exit_status, 0);
	ck_verdict(&res, 0, NETPROBE_ACCEPTED);
	ck_verdict(&res, 1, NETPROBE_ACCEPTED);
	ck_assert_str_eq(res.ports[0].from, "192.0.2.20");
	ck_assert_str_eq(res.ports[0].to, "192.0.2.10");
	ck_assert_str_eq(res.ports[1].from, "2001:db8::20");
	ck_assert_str_eq(res.ports[1].to, "2001:db8::10");
	/* No timeout spent when everything answers. */
	ck_assert_uint_lt(res.probe_ms, T_MS / 2);
	ck_assert(res.nf_tables);
	netprobe_result_done(&res);
}
END_TEST

START_TEST(netprobe_nft_drop_and_reject)
{
	struct netprobe_result res;

	put("etc/nftables.conf", "flush ruleset\n"
				 "table inet filter {\n"
				 "  chain input {\n"
				 "    type filter hook input priority filter; policy accept;\n"
				 "    tcp dport 22 drop\n"
				 "    tcp dport 23 reject with tcp reset\n"
				 "    tcp dport 24 reject\n"
				 "    tcp dport 25 reject with icmpx admin-prohibited\n"
				 "    meta nfproto ipv6 tcp dport 26 drop\n"
				 "  }\n"
				 "}\n");
	probe(NFT, (const char *const[]) { "22", "6/22", "23", "24", "25", "6/25", "26", "6/26", "2222", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_OK);
	ck_verdict(&res, 0, NETPROBE_DROPPED);
	ck_verdict(&res, 1, NETPROBE_DROPPED);
	ck_rejected(&res, 2, "tcp-reset");
	ck_assert_int_eq(res.ports[2].error, ECONNREFUSED);
	ck_rejected(&res, 3, "icmp-port-unreachable");
	ck_rejected(&res, 4, "icmp-admin-prohibited");
	ck_rejected(&res, 5, "icmp6-adm-prohibited");
	ck_verdict(&res, 6, NETPROBE_ACCEPTED);	/* the IPv6-only rule */
	ck_verdict(&res, 7, NETPROBE_DROPPED);
	ck_verdict(&res, 8, NETPROBE_ACCEPTED);	/* open while 22 is dropped */
	/* A drop costs the timeout, once for all the dropped ports. */
	ck_assert_uint_ge(res.ports[0].elapsed_us, T_MS * 1000u);
	ck_assert_uint_lt(res.probe_ms, T_MS + 300);
	ck_assert_uint_lt(res.ports[2].elapsed_us, 100000);
	netprobe_result_done(&res);
}
END_TEST

START_TEST(netprobe_iifname_follows_interface_name)
{
	struct netprobe_request req = {0};
	struct netprobe_result res;

	put("etc/nftables.conf", "flush ruleset\n"
				 "table ip filter {\n"
				 "  chain input {\n"
				 "    type filter hook input priority 0;\n"
				 "    iifname \"eth0\" tcp dport 22 drop\n"
				 "  }\n"
				 "}\n");
	probe(NFT, (const char *const[]) { "22", NULL }, &res);
	ck_verdict(&res, 0, NETPROBE_DROPPED);
	netprobe_result_done(&res);

	req.ifname = "ens3";
	probe_with(&req, NFT, (const char *const[]) { "22", NULL }, &res);
	ck_verdict(&res, 0, NETPROBE_ACCEPTED);
	netprobe_result_done(&res);
}
END_TEST

START_TEST(netprobe_from_address)
{
	struct netprobe_request req = {0};
	struct netprobe_result res;

	put("etc/nftables.conf", "flush ruleset\n"
				 "table inet filter {\n"
				 "  chain input {\n"
				 "    type filter hook input priority 0; policy drop;\n"
				 "    ip saddr 203.0.113.5 tcp dport 22 accept\n"
				 "    ip6 saddr 2001:db8:5::/48 tcp dport 22 accept\n"
				 "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n"
				 "  }\n"
				 "}\n");
	probe(NFT, (const char *const[]) { "22", "6/22", NULL }, &res);
	ck_verdict(&res, 0, NETPROBE_DROPPED);
	ck_verdict(&res, 1, NETPROBE_DROPPED);
	/* ARP passes an inet table; neighbour discovery is accepted here:
	 * these are drops of the SYN itself. */
	ck_assert(!res.ports[0].no_neighbour);
	ck_assert(!res.ports[1].no_neighbour);
	netprobe_result_done(&res);

	/* --from serves its own family; the other keeps the default. */
	req.from = "203.0.113.5";
	probe_with(&req, NFT, (const char *const[]) { "22", "6/22", NULL }, &res);
	ck_verdict(&res, 0, NETPROBE_ACCEPTED);
	ck_assert_str_eq(res.ports[0].from, "203.0.113.5");
	ck_verdict(&res, 1, NETPROBE_DROPPED);
	netprobe_result_done(&res);

	req.from = "2001:db8:5::7";
	probe_with(&req, NFT, (const char *const[]) { "6/22", NULL }, &res);
	ck_verdict(&res, 0, NETPROBE_ACCEPTED);
	ck_assert_str_eq(res.ports[0].from, "2001:db8:5::7");
	netprobe_result_done(&res);
}
END_TEST

START_TEST(netprobe_iptables_restore_v4_and_v6)
{
	const struct netprobe_loader l[] = { { .argv = IPT4 }, { .argv = IPT6 } };
	const struct netprobe_request req = { .loaders = l, .n_loaders = 2 };
	struct netprobe_result res;

	tl_mkdir(merged, "etc/iptables", 0755);
	put("etc/iptables/rules.v4", "*filter\n"
				     ":INPUT DROP [0:0]\n"
				     ":FORWARD DROP [0:0]\n"
				     ":OUTPUT ACCEPT [0:0]\n"
				     "-A INPUT -p tcp --dport 2222 -j ACCEPT\n"
				     "-A INPUT -p tcp --dport 23 -j REJECT --reject-with icmp-host-prohibited\n"
				     "-A INPUT -p tcp --dport 24 -j REJECT --reject-with tcp-reset\n"
				     "COMMIT\n");
	put("etc/iptables/rules.v6", "*filter\n"
				     ":INPUT ACCEPT [0:0]\n"
				     "-A INPUT -p tcp --dport 22 -j REJECT --reject-with icmp6-adm-prohibited\n"
				     "COMMIT\n");
	probe_with(&req, NULL, (const char *const[]) { "22", "6/22", "23", "24", "2222", "6/2222", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_OK);
	ck_assert(res.loaders[0].ran && res.loaders[1].ran);
	ck_verdict(&res, 0, NETPROBE_DROPPED);
	ck_rejected(&res, 1, "icmp6-adm-prohibited");
	ck_rejected(&res, 2, "icmp-host-prohibited");
	ck_assert_int_eq(res.ports[2].error, EHOSTUNREACH);
	ck_rejected(&res, 3, "tcp-reset");
	ck_verdict(&res, 4, NETPROBE_ACCEPTED);
	ck_verdict(&res, 5, NETPROBE_ACCEPTED);
	netprobe_result_done(&res);
}
END_TEST

START_TEST(netprobe_ufw_init)
{
	_cleanup_free_ char *conf = tl_read(merged, "etc/ufw/ufw.conf");
	_cleanup_free_ char *user = tl_read(merged, "etc/ufw/user.rules");
	struct netprobe_request req = {0};
	struct sandbox_file planned[2];
	struct netprobe_result res;
	struct buf enabled = {0}, allow = {0};
	char *p;

	ck_assert_ptr_nonnull(conf);
	ck_assert_ptr_nonnull(user);
	/* As installed: ENABLED=no, ufw-init loads nothing. */
	probe(UFW, (const char *const[]) { "22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_OK);
	ck_verdict(&res, 0, NETPROBE_ACCEPTED);
	netprobe_result_done(&res);

	/* Enabled with the default deny: planned, the disk keeps ENABLED=no. */
	p = strstr(conf, "ENABLED=no");
	ck_assert_ptr_nonnull(p);
	buf_append(&enabled, conf, (size_t) (p - conf));
	buf_printf(&enabled, "ENABLED=yes%s", p + strlen("ENABLED=no"));
	planned[0] = (struct sandbox_file) { "/etc/ufw/ufw.conf", enabled.data, enabled.len };
	req.planned = planned;
	req.n_planned = 1;
	probe_with(&req, UFW, (const char *const[]) { "22", "6/22", NULL }, &res);
	ck_assert_msg(res.error == NETPROBE_OK, "%s", res.message);
	ck_verdict(&res, 0, NETPROBE_DROPPED);
	ck_verdict(&res, 1, NETPROBE_DROPPED);
	netprobe_result_done(&res);

	/* ... and "ufw allow 22/tcp" in user.rules (IPv4 only). */
	p = strstr(user, "### RULES ###\n");
	ck_assert_ptr_nonnull(p);
	p += strlen("### RULES ###\n");
	buf_append(&allow, user, (size_t) (p - user));
	buf_printf(&allow, "\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n"
			   "-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n%s",
		   p);
	planned[1] = (struct sandbox_file) { "/etc/ufw/user.rules", allow.data, allow.len };
	req.n_planned = 2;
	probe_with(&req, UFW, (const char *const[]) { "22", "6/22", NULL }, &res);
	ck_verdict(&res, 0, NETPROBE_ACCEPTED);
	ck_verdict(&res, 1, NETPROBE_DROPPED);
	netprobe_result_done(&res);
	buf_done(&enabled);
	buf_done(&allow);
}
END_TEST

START_TEST(netprobe_loader_fails)
{
	struct netprobe_request req = {0};
	struct netprobe_result res;

	put("etc/nftables.conf", "table inet x {\n  chain y {\n    tcp dport 22 dorp\n  }\n}\n");
	probe(NFT, (const char *const[]) { "22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_ERR_LOADER_FAILED);
	ck_assert_ptr_nonnull(strstr(res.message, "'/usr/sbin/nft -f /etc/nftables.conf' exited with status 1"));
	ck_assert_ptr_nonnull(strstr(res.message, "syntax error"));
	ck_assert_int_eq(res.loaders[0].exit_status, 1);
	ck_assert_ptr_nonnull(strstr(res.loaders[0].output, "/etc/nftables.conf:3:"));
	ck_verdict(&res, 0, NETPROBE_ERROR);
	ck_assert_str_eq(res.ports[0].why, netprobe_error_name(NETPROBE_ERR_LOADER_FAILED));
	netprobe_result_done(&res);

	/* As at boot: nftables.service failed, nothing was loaded, 22 is open. */
	req.keep_going = true;
	probe_with(&req, NFT, (const char *const[]) { "22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_OK);
	ck_assert_int_eq(res.loaders[0].exit_status, 1);
	ck_verdict(&res, 0, NETPROBE_ACCEPTED);
	netprobe_result_done(&res);
}
END_TEST

START_TEST(netprobe_loader_output_is_bounded)
{
	struct buf b = {0};
	struct netprobe_result res;

	/* Thousands of errors: the message stays short. */
	buf_puts(&b, "table inet x {\n  chain y {\n");
	for (int i = 0; i < 3000; i++)
		buf_puts(&b, "    tcp dport 22 dorp;\n");
	buf_puts(&b, "  }\n}\n");
	put("etc/nftables.conf", b.data);
	buf_done(&b);
	probe(NFT, (const char *const[]) { "22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_ERR_LOADER_FAILED);
	ck_assert_uint_le(strlen(res.loaders[0].output), NETPROBE_OUTPUT_MAX + 3);
	ck_assert_uint_le(strlen(res.message), NETPROBE_OUTPUT_MAX + 200);
	netprobe_result_done(&res);
}
END_TEST

/* Content, size, mode, mtime and ctime: a probe must change none of them. */
static void ck_stat_same(const struct stat *a, const struct stat *b)
{
	ck_assert_uint_eq(a->st_ino, b->st_ino);
	ck_assert_uint_eq(a->st_mode, b->st_mode);
	ck_assert_uint_eq(a->st_size, b->st_size);
	ck_assert(a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec);
	ck_assert(a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec);
}

START_TEST(netprobe_planned_contents_win)
{
	static const char on_disk[] = "flush ruleset\n"
				      "table inet filter {\n"
				      "  chain input {\n"
				      "    type filter hook input priority 0; policy drop;\n"
				      "  }\n"
				      "}\n";
	static const char planned[] = "flush ruleset\n"
				      "table inet filter {\n"
				      "  chain input {\n"
				      "    type filter hook input priority 0; policy drop;\n"
				      "    tcp dport 22 accept\n"
				      "  }\n"
				      "}\n";
	static const char v4[] = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset\nCOMMIT\n";
	const struct sandbox_file files[] = {
		{ "/etc/nftables.conf", planned, sizeof(planned) - 1 },
		/* New, in a directory the target does not have. */
		{ "/etc/sshfix-planned/rules.v4", v4, sizeof(v4) - 1 },
	};
	const char *const ipt[] = { "/usr/sbin/iptables-restore", "/etc/sshfix-planned/rules.v4", NULL };
	const struct netprobe_loader l[] = { { .argv = NFT } };
	struct netprobe_request req = { .loaders = l, .n_loaders = 1, .planned = files, .n_planned = 1 };
	_cleanup_free_ char *path = tl_path(merged, "etc/nftables.conf");
	_cleanup_free_ char *before = NULL, *after = NULL;
	struct netprobe_result res;
	struct stat st0, st1;

	put("etc/nftables.conf", on_disk);
	ck_assert_int_eq(stat(path, &st0), 0);
	before = tl_read(merged, "etc/nftables.conf");

	probe_with(&req, NULL, (const char *const[]) { "22", "6/22", NULL }, &res);
	ck_assert_msg(res.error == NETPROBE_OK, "%s", res.message);
	ck_verdict(&res, 0, NETPROBE_ACCEPTED);
	/* IPv6 needs neighbour discovery before any SYN, and "policy drop"
	 * drops it: the kernel says dropped where the port rule says accept. */
	ck_verdict(&res, 1, NETPROBE_DROPPED);
	ck_assert(res.ports[1].no_neighbour);
	ck_assert(!res.ports[0].no_neighbour);
	netprobe_result_done(&res);

	/* The file on disk still drops everything, and is untouched. */
	req.n_planned = 0;
	probe_with(&req, NULL, (const char *const[]) { "22", NULL }, &res);
	ck_verdict(&res, 0, NETPROBE_DROPPED);
	netprobe_result_done(&res);
	ck_assert_int_eq(stat(path, &st1), 0);
	ck_stat_same(&st0, &st1);
	after = tl_read(merged, "etc/nftables.conf");
	ck_assert_str_eq(before, after);
	ck_assert_str_eq(after, on_disk);

	/* A planned file in a new directory, loaded after the nft one. */
	const struct netprobe_loader l2[] = { { .argv = NFT }, { .argv = ipt } };
	req.loaders = l2;
	req.n_loaders = 2;
	req.n_planned = 2;
	probe_with(&req, NULL, (const char *const[]) { "22", NULL }, &res);
	ck_assert_msg(res.error == NETPROBE_OK, "%s", res.message);
	ck_rejected(&res, 0, "tcp-reset");
	netprobe_result_done(&res);
	_cleanup_free_ char *newdir = tl_path(merged, "etc/sshfix-planned");
	ck_assert_int_ne(access(newdir, F_OK), 0);
	ck_assert_int_eq(stat(path, &st1), 0);
	ck_stat_same(&st0, &st1);
}
END_TEST

START_TEST(netprobe_planned_path_refused)
{
	static const char x[] = "x";
	const struct sandbox_file dots[] = { { "/etc/../etc/nftables.conf", x, 1 } };
	const struct sandbox_file dir[] = { { "/etc", x, 1 } };
	struct netprobe_request req = { .planned = dots, .n_planned = 1 };
	struct netprobe_result res;

	probe_with(&req, NFT, (const char *const[]) { "22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_ERR_PLANNED);
	ck_verdict(&res, 0, NETPROBE_ERROR);
	netprobe_result_done(&res);
	req.planned = dir;
	probe_with(&req, NFT, (const char *const[]) { "22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_ERR_PLANNED);
	netprobe_result_done(&res);
}
END_TEST

/* Run a command of the rescue system, or the cached root's own tool (in
 * this network namespace: it only lists) when the system has none. */
static char *host_output(const char *tool, const char *args)
{
	_cleanup_free_ char *cmd = NULL;
	struct buf b = {0};
	char line[4096];
	FILE *f;

	if (access(tool, X_OK) == 0)
		ck_assert(asprintf(&cmd, "%s %s 2>&1", tool, args) > 0);
	else
		ck_assert(asprintf(&cmd, "chroot %s %s %s 2>&1", lower, tool, args) > 0);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')	/* iptables-save's dated comments */
			buf_puts(&b, line);
	pclose(f);
	return buf_steal(&b);
}

static char *host_state(void)
{
	_cleanup_free_ char *nft = host_output("/usr/sbin/nft", "list ruleset");
	_cleanup_free_ char *ipt = host_output("/usr/sbin/iptables-save", "");
	_cleanup_free_ char *ip6t = host_output("/usr/sbin/ip6tables-save", "");
	_cleanup_free_ char *links = NULL;
	struct buf b = {0};
	FILE *f = fopen("/proc/net/dev", "re");
	char line[512];

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (colon) {
			*colon = '\0';
			buf_printf(&b, "%s ", line + strspn(line, " "));
		}
	}
	fclose(f);
	links = buf_steal(&b);
	buf_printf(&b, "== nft\n%s== iptables\n%s== ip6tables\n%s== links\n%s\n", nft, ipt, ip6t, links);
	return buf_steal(&b);
}

/* Does any process still hold the network namespace with inode ino? */
static bool netns_held(unsigned long long ino)
{
	char want[64], path[300], link[64];
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool held = false;

	ck_assert_ptr_nonnull(d);
	snprintf(want, sizeof(want), "net:[%llu]", ino);
	while (!held && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", e->d_name);
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			held = streq(link, want);
		}
	}
	closedir(d);
	return held;
}

START_TEST(netprobe_rescue_system_untouched)
{
	_cleanup_free_ char *before = host_state(), *after = NULL;
	struct netprobe_result res;

	/* Drops everything in every direction: were it to reach the rescue
	 * system's own namespace, the lists below would show it. */
	put("etc/nftables.conf", "flush ruleset\n"
				 "table inet lockdown {\n"
				 "  chain i { type filter hook input priority -300; policy drop; }\n"
				 "  chain o { type filter hook output priority -300; policy drop; }\n"
				 "  chain f { type filter hook forward priority -300; policy drop; }\n"
				 "}\n");
	probe(NFT, (const char *const[]) { "22", "6/22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_OK);
	ck_verdict(&res, 0, NETPROBE_DROPPED);
	ck_verdict(&res, 1, NETPROBE_DROPPED);
	after = host_state();
	ck_assert_str_eq(before, after);
	/* Torn down: no process of the probe is left to hold its namespaces,
	 * and no child of ours is left at all. */
	ck_assert_uint_ne(res.server_netns, 0);
	ck_assert(!netns_held(res.server_netns));
	ck_assert(!netns_held(res.client_netns));
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	netprobe_result_done(&res);
}
END_TEST

START_TEST(netprobe_missing_loader)
{
	const char *const argv[] = { "/usr/sbin/firewall-offline-cmd", NULL };
	struct netprobe_result res;

	probe(argv, (const char *const[]) { "22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_ERR_NO_LOADER);
	ck_assert(!res.loaders[0].ran);
	ck_verdict(&res, 0, NETPROBE_ERROR);
	netprobe_result_done(&res);
}
END_TEST

START_TEST(netprobe_foreign_architecture)
{
	/* An ELF header for arm64 (e_machine 183): what an arm64 root's nft
	 * looks like from an x86-64 rescue system. */
	unsigned char elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	const char *const argv[] = { "/usr/sbin/nft-arm64", NULL };
	_cleanup_free_ char *p = tl_path(merged, "usr/sbin/nft-arm64");
	struct netprobe_result res;
	int fd;

	elf[16] = 2;	/* ET_EXEC */
	elf[18] = 183;	/* EM_AARCH64 */
#if defined(__aarch64__)
	elf[18] = 62;	/* EM_X86_64 when we are the arm64 one */
#endif
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, elf, sizeof(elf)), 0);
	close(fd);
	probe(argv, (const char *const[]) { "22", NULL }, &res);
	ck_assert_int_eq(res.error, NETPROBE_ERR_FOREIGN);
	ck_assert_ptr_nonnull(strstr(res.message, "is a program for"));
	ck_verdict(&res, 0, NETPROBE_ERROR);
	netprobe_result_done(&res);
}
END_TEST

/* The probe in a child that first gives up what `how` says; its error. */
static int error_in_child(void (*how)(void))
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct netprobe_result res;
		const struct netprobe_request req = {0};
		how();
		probe_with(&req, NFT, (const char *const[]) { "22", NULL }, &res);
		_exit(res.error == NETPROBE_OK || res.ports[0].verdict != NETPROBE_ERROR ? 100 : (int) res.error);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void become_nobody(void)
{
	ck_assert_int_eq(setresgid(65534, 65534, 65534), 0);
	ck_assert_int_eq(setresuid(65534, 65534, 65534), 0);
}

/* Root without CAP_SYS_ADMIN: a container that refuses namespaces. */
static void drop_sys_admin(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	d[CAP_SYS_ADMIN / 32].permitted &= ~(1u << (CAP_SYS_ADMIN % 32));
	ck_assert_int_eq(syscall(SYS_capset, &h, d), 0);
}

START_TEST(netprobe_cannot_run)
{
	ck_assert_int_eq(error_in_child(become_nobody), NETPROBE_ERR_NOT_ROOT);
	ck_assert_int_eq(error_in_child(drop_sys_admin), NETPROBE_ERR_NAMESPACES);
}
END_TEST

START_TEST(netprobe_many_ports_one_timeout)
{
	struct netprobe_port p[40];
	const struct netprobe_loader l = { .argv = NFT };
	const struct netprobe_request req = { .loaders = &l, .n_loaders = 1, .ports = p, .n_ports = 40, .timeout_ms = T_MS };
	struct netprobe_result res;

	put("etc/nftables.conf", "flush ruleset\n"
				 "table inet filter {\n"
				 "  chain input { type filter hook input priority 0; policy drop; }\n"
				 "}\n");
	for (int i = 0; i < 40; i++)
		p[i] = (struct netprobe_port) { i % 2 ? AF_INET6 : AF_INET, (uint16_t) (2200 + i / 2) };
	ck_assert_int_eq(netprobe_run(t, &req, &res), 0);
	for (int i = 0; i < 40; i++)
		ck_verdict(&res, i, NETPROBE_DROPPED);
	ck_assert_uint_lt(res.probe_ms, T_MS + 300);
	netprobe_result_done(&res);
}
END_TEST

/* Many probes at once (as parallel test runs make them): a new veth link
 * carries packets only once the kernel's rate-limited linkwatch has run,
 * and IPv6 finishes its addresses in a work queue; a probe that sent
 * before either would call an open port dropped. */
START_TEST(netprobe_parallel_probes_agree)
{
	enum { N = 12, ROUNDS = 2 };
	pid_t pids[N];
	int status;

	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			const struct netprobe_port p[] = { { AF_INET, 22 }, { AF_INET6, 22 } };
			const struct netprobe_loader l = { .argv = (const char *const[]) { "/bin/true", NULL } };
			const struct netprobe_request req = { .loaders = &l, .n_loaders = 1, .ports = p, .n_ports = 2,
							      .timeout_ms = 1000 };
			int bad = 0;
			for (int k = 0; k < ROUNDS; k++) {
				struct netprobe_result res;
				if (netprobe_run(t, &req, &res) < 0)
					_exit(2);
				bad += res.ports[0].verdict != NETPROBE_ACCEPTED || res.ports[1].verdict != NETPROBE_ACCEPTED;
				netprobe_result_done(&res);
			}
			_exit(bad ? 1 : 0);
		}
	}
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "probe %d: an open port was not accepted", i);
	}
}
END_TEST

START_TEST(netprobe_bad_requests)
{
	const struct netprobe_port p22 = { AF_INET, 22 }, p0 = { AF_INET, 0 }, pbad = { AF_UNIX, 22 };
	const char *const rel[] = { "nft", NULL };
	const struct netprobe_loader l = { .argv = NFT }, lrel = { .argv = rel };
	struct netprobe_result res;
	struct netprobe_request r;
	const struct netprobe_request ok = { .loaders = &l, .n_loaders = 1, .ports = &p22, .n_ports = 1 };

#define BAD(field, value, err)                                        \
	do {                                                          \
		r = ok;                                               \
		r.field = value;                                      \
		ck_assert_int_eq(netprobe_run(t, &r, &res), err);     \
	} while (0)
	BAD(n_loaders, 0, -EINVAL);
	BAD(n_ports, 0, -EINVAL);
	BAD(ports, &p0, -EINVAL);
	BAD(ports, &pbad, -EINVAL);
	BAD(loaders, &lrel, -EINVAL);
	BAD(from, "127.0.0.1", -EINVAL);
	BAD(from, "::1", -EINVAL);
	BAD(from, "fe80::1", -EINVAL);
	BAD(from, "224.0.0.1", -EINVAL);
	BAD(from, "example.org", -EINVAL);
	BAD(server4, "2001:db8::1", -EINVAL);
	BAD(ifname, "lo", -EINVAL);
	BAD(ifname, "a-name-far-too-long", -EINVAL);
	BAD(ifname, "eth0/x", -EINVAL);
	BAD(n_ports, NETPROBE_PORTS_MAX + 1, -E2BIG);
	BAD(n_loaders, NETPROBE_LOADERS_MAX + 1, -E2BIG);
#undef BAD
	/* --from the documentation server address: the server moves aside. */
	r = ok;
	r.from = "192.0.2.10";
	ck_assert_int_eq(netprobe_run(t, &r, &res), 0);
	ck_assert_str_eq(res.ports[0].from, "192.0.2.10");
	ck_assert_str_eq(res.ports[0].to, "192.0.2.20");
	netprobe_result_done(&res);
	/* An IPv4-mapped --from is an IPv4 client. */
	r.from = "::ffff:198.51.100.7";
	ck_assert_int_eq(netprobe_run(t, &r, &res), 0);
	ck_assert_str_eq(res.ports[0].from, "198.51.100.7");
	netprobe_result_done(&res);
}
END_TEST

START_TEST(netprobe_names)
{
	ck_assert_str_eq(netprobe_verdict_name(NETPROBE_ACCEPTED), "accepted");
	ck_assert_str_eq(netprobe_verdict_name(NETPROBE_REJECTED), "rejected");
	ck_assert_str_eq(netprobe_verdict_name(NETPROBE_DROPPED), "dropped");
	ck_assert_str_eq(netprobe_verdict_name(NETPROBE_ERROR), "error");
	ck_assert_str_eq(netprobe_reject_name(AF_INET, -1, -1), "tcp-reset");
	ck_assert_str_eq(netprobe_reject_name(AF_INET, 3, 3), "icmp-port-unreachable");
	ck_assert_str_eq(netprobe_reject_name(AF_INET, 3, 13), "icmp-admin-prohibited");
	ck_assert_str_eq(netprobe_reject_name(AF_INET6, 1, 4), "icmp6-port-unreachable");
	ck_assert_str_eq(netprobe_reject_name(AF_INET6, 1, 200), "icmp6-other");
	ck_assert_str_eq(netprobe_reject_name(AF_INET, 11, 0), "icmp-other");
	for (int e = NETPROBE_ERR_NOT_ROOT; e <= NETPROBE_ERR_INTERNAL; e++)
		ck_assert(*netprobe_error_name(e));
}
END_TEST

/* ------------------------------------------------------------------ set-up */

/* main() runs outside any test, where Check's assertions (and so the
 * tl_* helpers) must not be used: plain code up to srunner_run_all(). */
static char *join(const char *a, const char *b)
{
	char *p;

	return asprintf(&p, "%s/%s", a, b) < 0 ? NULL : p;
}

static bool debian_12(const char *root)
{
	_cleanup_free_ char *p = join(root, "etc/debian_version");
	char buf[8] = "";
	FILE *f = p ? fopen(p, "re") : NULL;

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return startswith(buf, "12.");
}

/* The cached Debian root: the first root-* under the e2e cache that is
 * Debian 12 with nft and iptables-restore (any with them otherwise). */
static char *find_root(void)
{
	const char *cache = getenv("SSHFIX_E2E_CACHE");
	_cleanup_free_ char *pattern = NULL;
	char *found = NULL;
	glob_t g;

	if (asprintf(&pattern, "%s/root-*/rootfs", cache && *cache ? cache : "/var/tmp/sshfix-e2e") < 0)
		return NULL;
	if (glob(pattern, 0, NULL, &g) != 0)
		return NULL;
	for (int pass = 0; pass < 2 && !found; pass++)
		for (size_t i = 0; i < g.gl_pathc && !found; i++) {
			_cleanup_free_ char *nft = join(g.gl_pathv[i], "usr/sbin/nft");
			_cleanup_free_ char *ipt = join(g.gl_pathv[i], "usr/sbin/iptables-restore");
			if (nft && ipt && access(nft, X_OK) == 0 && access(ipt, X_OK) == 0 &&
			    (pass == 1 || debian_12(g.gl_pathv[i])))
				found = strdup(g.gl_pathv[i]);
		}
	globfree(&g);
	return found;
}

/* Our own overlay of the cached root, in a mount namespace of our own:
 * gone when the test exits, however it exits. */
static const char *make_overlay(void)
{
	_cleanup_free_ char *opts = NULL, *upper = NULL, *work = NULL;
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL;

	if (asprintf(&dir, "%s/sshfix-netprobe.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 || !mkdtemp(dir))
		return "cannot make a temporary directory";
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return "cannot make a private mount namespace";
	/* The directory itself stays empty on disk: removed when we are done. */
	if (mount("sshfix-test", dir, "tmpfs", 0, "mode=0755") < 0)
		return "cannot mount a tmpfs";
	upper = join(dir, "upper");
	work = join(dir, "work");
	merged = join(dir, "merged");
	if (!upper || !work || !merged || mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0 || mkdir(merged, 0755) < 0 ||
	    asprintf(&opts, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work) < 0)
		return "cannot make the overlay's directories";
	if (mount("sshfix-test", merged, "overlay", 0, opts) < 0)
		return "cannot mount an overlay over the cached root (is the cache on overlayfs?)";
	scratch = dir;
	return NULL;
}

/* Can this system make a network namespace with a veth pair in it? */
static bool veth_works(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) < 0 ? 1 : system("ip link add np0 type veth peer name np1 2>/dev/null") == 0 ? 0 : 2);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Why the kernel part cannot run here, or NULL (then lower and scratch are set up). */
static const char *kernel_part_unavailable(char *buf, size_t size)
{
	const char *why;

	if (getenv("UNDER_VALGRIND"))
		return "the kernel probe forks into new namespaces, where valgrind does not follow it "
		       "(it runs natively and under ASan)";
	if (!tl_is_root())
		return "the kernel probe needs root (namespaces, veth, chroot, mounts)";
	if (!veth_works())
		return "cannot make a network namespace with a veth pair here";
	lower = find_root();
	if (!lower) {
		snprintf(buf, size, "no cached Debian root with nft and iptables under %s/root-*/rootfs "
			 "(the e2e tier builds it: make check TESTS=tests/e2e/run.sh)",
			 getenv("SSHFIX_E2E_CACHE") ? getenv("SSHFIX_E2E_CACHE") : "/var/tmp/sshfix-e2e");
		return buf;
	}
	why = make_overlay();
	if (why) {
		snprintf(buf, size, "%s: %s", why, strerror(errno));
		return buf;
	}
	return NULL;
}

int main(void)
{
	Suite *s = suite_create("netprobe");
	TCase *tn = tcase_create("names");
	char buf[PATH_MAX + 256];
	const char *why;
	SRunner *sr;
	int failed;

	tcase_add_test(tn, netprobe_names);
	suite_add_tcase(s, tn);
	why = kernel_part_unavailable(buf, sizeof(buf));
	if (!why) {
		TCase *tc = tcase_create("netprobe");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_set_timeout(tc, 60);
		tcase_add_test(tc, netprobe_stock_nftables_accepts);
		tcase_add_test(tc, netprobe_nft_drop_and_reject);
		tcase_add_test(tc, netprobe_iifname_follows_interface_name);
		tcase_add_test(tc, netprobe_from_address);
		tcase_add_test(tc, netprobe_iptables_restore_v4_and_v6);
		tcase_add_test(tc, netprobe_ufw_init);
		tcase_add_test(tc, netprobe_loader_fails);
		tcase_add_test(tc, netprobe_loader_output_is_bounded);
		tcase_add_test(tc, netprobe_planned_contents_win);
		tcase_add_test(tc, netprobe_planned_path_refused);
		tcase_add_test(tc, netprobe_rescue_system_untouched);
		tcase_add_test(tc, netprobe_missing_loader);
		tcase_add_test(tc, netprobe_foreign_architecture);
		tcase_add_test(tc, netprobe_cannot_run);
		tcase_add_test(tc, netprobe_many_ports_one_timeout);
		tcase_add_test(tc, netprobe_parallel_probes_agree);
		tcase_add_test(tc, netprobe_bad_requests);
		suite_add_tcase(s, tc);
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (why) {
		/* The name checks ran; the kernel's cannot here: say so, never pass silently. */
		printf("SKIP: %s\n", why);
		return failed ? EXIT_FAILURE : 77;
	}
	/* Our mount namespace (and the tmpfs) goes with us; the empty
	 * directory it was mounted on is all there is to remove. */
	(void) umount2(scratch, MNT_DETACH);
	(void) rmdir(scratch);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
