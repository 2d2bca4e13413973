/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel probe: see netprobe.h for what it answers and what it costs.
 *
 * Three processes: sshfix; a relay that unshares a PID namespace (so that
 * sshfix's own later children stay in its namespace) and waits; and the
 * probe, init of that namespace, which makes the network namespaces, runs
 * the loaders through sandbox_run() and sends the SYNs.  The probe writes
 * its answer to a pipe in a small binary form that sshfix decodes (the
 * same binary on both ends: only the layout of plain integers is shared;
 * strings travel with their lengths).
 */
#include "config.h"

#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netprobe.h"
#include "util.h"

/* struct sock_extended_err of <linux/errqueue.h> (kernel ABI): that header
 * does not build with musl's, which lack struct timespec at that point. */
struct ext_err {
	uint32_t ee_errno;
	uint8_t ee_origin, ee_type, ee_code, ee_pad;
	uint32_t ee_info, ee_data;
};
#define EE_ORIGIN_ICMP 2
#define EE_ORIGIN_ICMP6 3

/* The client's end of the veth pair; its name matters to no rule. */
#define CLIENT_IFNAME "probe0"
/* What the probe may send back: header, ports, loaders' bounded output. */
#define WIRE_MAX (1u << 20)
/* Set-up (forks, namespaces, veth) and decoding, beyond loaders and answers. */
#define SLACK_MS 15000
/* How long a new veth may take to carry packets (see link_ready()). */
#define LINK_WAIT_MS 5000

enum { V4, V6 };

struct addr {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} a;
	char text[INET6_ADDRSTRLEN];
};

/* The request, checked and with its defaults filled in. */
struct plan {
	const struct netprobe_request *req;
	struct addr from[2], server[2];
	bool want[2];		/* some port of that family */
	char ifname[IFNAMSIZ];
	unsigned timeout_ms, loader_timeout_sec;
};

/* Why a port has no answer: an index on the wire, a phrase in the result. */
static const char *const port_whys[] = {
	NULL,
	"the probe did not run",
	"this kernel has no IPv4",
	"this kernel has no IPv6",
	"the port could not be listened on in the probe's namespace",
	"the SYN could not be sent",
	"the probe ran out of sockets",
	"the probe's answer was lost",
};
enum {
	WHY_NONE,
	WHY_NOT_RUN,
	WHY_NO_IPV4,
	WHY_NO_IPV6,
	WHY_LISTEN,
	WHY_SEND,
	WHY_SOCKETS,
	WHY_LOST,
};

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static unsigned ms_since(long long t0)
{
	return (unsigned) ((now_us() - t0 + 500) / 1000);
}

const char *netprobe_verdict_name(enum netprobe_verdict v)
{
	switch (v) {
	case NETPROBE_ACCEPTED:
		return "accepted";
	case NETPROBE_REJECTED:
		return "rejected";
	case NETPROBE_DROPPED:
		return "dropped";
	case NETPROBE_ERROR:
	default:
		return "error";
	}
}

const char *netprobe_error_name(enum netprobe_error e)
{
	static const char *const names[] = {
		[NETPROBE_OK] = "",
		[NETPROBE_ERR_NOT_ROOT] = "sshfix does not run as root",
		[NETPROBE_ERR_NAMESPACES] = "this system does not allow private network namespaces",
		[NETPROBE_ERR_VETH] = "this kernel has no veth links",
		[NETPROBE_ERR_NETFILTER] = "this kernel has no netfilter the loader can use",
		[NETPROBE_ERR_FOREIGN] = "the target's firewall tools are built for another architecture",
		[NETPROBE_ERR_NO_LOADER] = "the target's firewall loader is missing",
		[NETPROBE_ERR_LOADER_FAILED] = "the target's firewall loader failed",
		[NETPROBE_ERR_LOADER_TIMEOUT] = "the target's firewall loader did not finish",
		[NETPROBE_ERR_PLANNED] = "a planned file could not be shown to the loader",
		[NETPROBE_ERR_INTERNAL] = "the probe failed",
	};

	return (unsigned) e < ELEMENTSOF(names) ? names[e] : "the probe failed";
}

const char *netprobe_reject_name(int family, int type, int code)
{
	/* iptables' --reject-with words, which the firewall families print. */
	static const char *const v4[] = {
		[0] = "icmp-net-unreachable",	[1] = "icmp-host-unreachable",	[2] = "icmp-proto-unreachable",
		[3] = "icmp-port-unreachable",	[9] = "icmp-net-prohibited",	[10] = "icmp-host-prohibited",
		[13] = "icmp-admin-prohibited",
	};
	static const char *const v6[] = {
		[0] = "icmp6-no-route",	      [1] = "icmp6-adm-prohibited", [3] = "icmp6-addr-unreachable",
		[4] = "icmp6-port-unreachable", [5] = "icmp6-policy-fail",    [6] = "icmp6-reject-route",
	};

	if (type < 0)
		return "tcp-reset";
	if (family == AF_INET && type == 3 && code >= 0 && (size_t) code < ELEMENTSOF(v4) && v4[code])
		return v4[code];
	if (family == AF_INET6 && type == 1 && code >= 0 && (size_t) code < ELEMENTSOF(v6) && v6[code])
		return v6[code];
	return family == AF_INET6 ? "icmp6-other" : "icmp-other";
}

void netprobe_result_done(struct netprobe_result *r)
{
	free(r->message);
	free(r->ports);
	for (size_t i = 0; r->loaders && i < r->n_loaders; i++)
		free(r->loaders[i].output);
	free(r->loaders);
	*r = (struct netprobe_result) {0};
}

/* ------------------------------------------------------------------ request */

static int parse_addr(const char *s, struct addr *ret)
{
	struct addr a = {0};

	if (inet_pton(AF_INET, s, &a.a.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a.a.v6) == 1) {
		a.family = AF_INET6;
		/* ::ffff:a.b.c.d is an IPv4 client as far as a firewall is concerned. */
		if (IN6_IS_ADDR_V4MAPPED(&a.a.v6)) {
			struct in_addr v4;
			memcpy(&v4, &a.a.v6.s6_addr[12], 4);
			a.family = AF_INET;
			a.a.v4 = v4;
		}
	} else
		return -EINVAL;
	if (a.family == AF_INET) {
		uint32_t h = ntohl(a.a.v4.s_addr);
		/* 0/8, loopback, link-local, multicast and above, broadcast. */
		if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 16) == 0xa9fe || (h >> 28) >= 0xe)
			return -EINVAL;
	} else if (IN6_IS_ADDR_UNSPECIFIED(&a.a.v6) || IN6_IS_ADDR_LOOPBACK(&a.a.v6) ||
		   IN6_IS_ADDR_MULTICAST(&a.a.v6) || IN6_IS_ADDR_LINKLOCAL(&a.a.v6))
		return -EINVAL;
	if (!inet_ntop(a.family, &a.a, a.text, sizeof(a.text)))
		return -EINVAL;
	*ret = a;
	return 0;
}

static bool addr_eq(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && memcmp(&a->a, &b->a, a->family == AF_INET ? 4 : 16) == 0;
}

/* An interface name the kernel takes, and not one the probe needs itself. */
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ || streq(s, ".") || streq(s, "..") || streq(s, "lo") || streq(s, CLIENT_IFNAME))
		return false;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || (unsigned char) *p <= ' ' || (unsigned char) *p >= 0x7f)
			return false;
	return true;
}

static int plan_make(const struct netprobe_request *req, struct plan *ret)
{
	static const char *const def_from[] = { "192.0.2.20", "2001:db8::20" };
	static const char *const def_server[] = { "192.0.2.10", "2001:db8::10" };
	struct plan p = { .req = req };
	struct addr from;
	int r;

	if (!req->loaders || req->n_loaders == 0 || !req->ports || req->n_ports == 0)
		return -EINVAL;
	if (req->n_ports > NETPROBE_PORTS_MAX || req->n_loaders > NETPROBE_LOADERS_MAX)
		return -E2BIG;
	for (size_t i = 0; i < req->n_loaders; i++)
		if (!req->loaders[i].argv || !req->loaders[i].argv[0] || req->loaders[i].argv[0][0] != '/')
			return -EINVAL;
	for (size_t i = 0; i < req->n_ports; i++) {
		const struct netprobe_port *pt = &req->ports[i];
		if ((pt->family != AF_INET && pt->family != AF_INET6) || pt->port == 0)
			return -EINVAL;
		p.want[pt->family == AF_INET ? V4 : V6] = true;
	}
	for (int f = V4; f <= V6; f++) {
		r = parse_addr(def_from[f], &p.from[f]);
		if (r < 0)
			return r;
		r = parse_addr(def_server[f], &p.server[f]);
		if (r < 0)
			return r;
	}
	if (req->server4 && ((r = parse_addr(req->server4, &p.server[V4])) < 0 || p.server[V4].family != AF_INET))
		return -EINVAL;
	if (req->server6 && ((r = parse_addr(req->server6, &p.server[V6])) < 0 || p.server[V6].family != AF_INET6))
		return -EINVAL;
	if (req->from) {
		r = parse_addr(req->from, &from);
		if (r < 0)
			return r;
		int f = from.family == AF_INET ? V4 : V6;
		/* --from the documentation server address: the client keeps it,
		 * and the server takes the default client address instead. */
		if (addr_eq(&from, &p.server[f])) {
			if ((f == V4 && req->server4) || (f == V6 && req->server6))
				return -EINVAL;
			r = parse_addr(def_from[f], &p.server[f]);
			if (r < 0)
				return r;
		}
		p.from[f] = from;
	}
	for (int f = V4; f <= V6; f++)
		if (addr_eq(&p.from[f], &p.server[f]))
			return -EINVAL;
	if (req->ifname && !ifname_ok(req->ifname))
		return -EINVAL;
	snprintf(p.ifname, sizeof(p.ifname), "%s", req->ifname ? req->ifname : "eth0");
	p.timeout_ms = req->timeout_ms ? req->timeout_ms : NETPROBE_TIMEOUT_MS;
	p.loader_timeout_sec = req->loader_timeout_sec ? req->loader_timeout_sec : 10;
	*ret = p;
	return 0;
}

/* Every port an error, and the probe's reason (msg may be NULL). */
static void fail_all(struct netprobe_result *res, enum netprobe_error e, const char *msg)
{
	if (res->error != NETPROBE_OK)
		return;		/* the first reason is the one to tell */
	res->error = e;
	free(res->message);
	res->message = strdup(msg ? msg : netprobe_error_name(e));
	for (size_t i = 0; i < res->n_ports; i++) {
		res->ports[i].verdict = NETPROBE_ERROR;
		res->ports[i].why = NULL;
	}
}

/* ------------------------------------------------------------------ netlink */

struct nlmsg {
	union {
		struct nlmsghdr h;
		char buf[1024];
	} u;
};

static void nl_start(struct nlmsg *m, unsigned short type, unsigned short flags, const void *hdr, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->u.h.nlmsg_type = type;
	m->u.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->u.h.nlmsg_len = NLMSG_LENGTH(len);
	memcpy(NLMSG_DATA(&m->u.h), hdr, len);
}

/* Append an attribute; everything we append is small and bounded (names of
 * at most IFNAMSIZ, addresses, a few nests), far below the buffer. */
static struct rtattr *nl_attr(struct nlmsg *m, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *) (m->u.buf + NLMSG_ALIGN(m->u.h.nlmsg_len));

	if (NLMSG_ALIGN(m->u.h.nlmsg_len) + RTA_SPACE(len) > sizeof(m->u.buf))
		abort();	/* a bug here, never input */
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	m->u.h.nlmsg_len = NLMSG_ALIGN(m->u.h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nl_nest_end(struct nlmsg *m, struct rtattr *a)
{
	a->rta_len = (unsigned short) (m->u.buf + m->u.h.nlmsg_len - (char *) a);
}

/* Send and wait for the kernel's acknowledgement: 0 or its -errno. */
static int nl_talk(int fd, struct nlmsg *m)
{
	char buf[8192];

	/* One request at a time per socket: any number tells our answer apart. */
	m->u.h.nlmsg_seq = (unsigned) now_us() | 1;
	if (RETRY_EINTR(send(fd, m->u.buf, m->u.h.nlmsg_len, 0)) < 0)
		return negative_errno();
	for (;;) {
		ssize_t n = RETRY_EINTR(recv(fd, buf, sizeof(buf), 0));
		if (n < 0)
			return negative_errno();
		for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK(h, (size_t) n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != m->u.h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error;
			}
		}
	}
}

static int nl_open(int protocol)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
	struct timeval tv = { .tv_sec = 5 };

	if (fd < 0)
		return negative_errno();
	/* A kernel that never answers must not hang the probe. */
	(void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* A veth pair: name here, CLIENT_IFNAME in the namespace peer_ns. */
static int link_add_veth(int nl, const char *name, int peer_ns)
{
	const struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	const uint32_t ns = (uint32_t) peer_ns;
	struct nlmsg m;

	nl_start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	nl_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
	struct rtattr *info = nl_attr(&m, IFLA_LINKINFO, NULL, 0);
	nl_attr(&m, IFLA_INFO_KIND, "veth", sizeof("veth"));
	struct rtattr *data = nl_attr(&m, IFLA_INFO_DATA, NULL, 0);
	struct rtattr *peer = nl_attr(&m, VETH_INFO_PEER, &ifi, sizeof(ifi));
	nl_attr(&m, IFLA_IFNAME, CLIENT_IFNAME, sizeof(CLIENT_IFNAME));
	nl_attr(&m, IFLA_NET_NS_FD, &ns, sizeof(ns));
	nl_nest_end(&m, peer);
	nl_nest_end(&m, data);
	nl_nest_end(&m, info);
	return nl_talk(nl, &m);
}

static int link_up(int nl, int ifindex)
{
	const struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = IFF_UP,
				       .ifi_change = IFF_UP };
	struct nlmsg m;

	nl_start(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	return nl_talk(nl, &m);
}

/* Send a request for one object and find the kernel's answer of type want
 * in buf: 0 with *ret pointing into buf, or -errno (the kernel's own). */
static int nl_get(int nl, struct nlmsg *m, unsigned short want, char *buf, size_t size, const struct nlmsghdr **ret)
{
	m->u.h.nlmsg_flags &= (unsigned short) ~NLM_F_ACK;
	m->u.h.nlmsg_seq = (unsigned) now_us() | 1;
	if (RETRY_EINTR(send(nl, m->u.buf, m->u.h.nlmsg_len, 0)) < 0)
		return negative_errno();
	for (;;) {
		ssize_t n = RETRY_EINTR(recv(nl, buf, size, 0));
		if (n < 0)
			return negative_errno();
		for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK(h, (size_t) n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != m->u.h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				int e = ((const struct nlmsgerr *) NLMSG_DATA(h))->error;
				return e < 0 ? e : -EIO;
			}
			if (h->nlmsg_type == want) {
				*ret = h;
				return 0;
			}
		}
	}
}

/*
 * Is the link ready to carry packets: carrier on, and a real queueing
 * discipline rather than "noop"?  A veth gets its carrier when both ends
 * are up, but its qdisc only when the kernel's linkwatch worker next runs,
 * which is rate-limited system-wide (about once a second under load);
 * until then every packet, the first ARP request included, is discarded,
 * and the retry comes a second later -- a SYN to an open port would read
 * as dropped.  1 ready, 0 not yet, or -errno.
 */
static int link_ready(int nl, int ifindex)
{
	const struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	const struct nlmsghdr *h;
	struct nlmsg m;
	char buf[8192];
	bool carrier = false, qdisc = false;
	int r;

	nl_start(&m, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	r = nl_get(nl, &m, RTM_NEWLINK, buf, sizeof(buf), &h);
	if (r < 0)
		return r;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EIO;
	int alen = (int) h->nlmsg_len - (int) NLMSG_LENGTH(sizeof(struct ifinfomsg));
	for (const struct rtattr *a = IFLA_RTA(NLMSG_DATA(h)); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == IFLA_CARRIER && RTA_PAYLOAD(a) >= 1)
			carrier = *(const uint8_t *) RTA_DATA(a) == 1;
		if (a->rta_type == IFLA_QDISC && RTA_PAYLOAD(a) >= 1)
			qdisc = strncmp(RTA_DATA(a), "noop", RTA_PAYLOAD(a)) != 0;
	}
	return carrier && qdisc;
}

/*
 * Is the address ours yet, to the routing code?  IPv6 finishes an address
 * in a work queue even without duplicate address detection (the
 * solicited-node multicast group, then the local route); until then a
 * neighbour solicitation or a SYN for it goes unanswered.  1, 0, -errno.
 */
static int addr_is_local(int nl, const struct addr *a)
{
	const size_t len = a->family == AF_INET ? 4 : 16;
	const struct rtmsg rt = { .rtm_family = (unsigned char) a->family, .rtm_dst_len = (unsigned char) (len * 8) };
	const struct nlmsghdr *h;
	struct nlmsg m;
	char buf[8192];
	int r;

	nl_start(&m, RTM_GETROUTE, 0, &rt, sizeof(rt));
	nl_attr(&m, RTA_DST, &a->a, len);
	r = nl_get(nl, &m, RTM_NEWROUTE, buf, sizeof(buf), &h);
	if (r == -ENETUNREACH || r == -EHOSTUNREACH)
		return 0;
	if (r < 0)
		return r;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return -EIO;
	return ((const struct rtmsg *) NLMSG_DATA(h))->rtm_type == RTN_LOCAL;
}

/* Wait (at most until deadline) for the link in the current namespace to
 * carry packets, and for the addresses given (may be NULL) to be local. */
static int wait_ready(const char *ifname, const struct addr *a, long long deadline)
{
	_cleanup_close_ int nl = nl_open(NETLINK_ROUTE);
	int idx = (int) if_nametoindex(ifname), r;

	if (nl < 0)
		return nl;
	if (idx <= 0)
		return -ENODEV;
	for (;;) {
		r = link_ready(nl, idx);
		if (r == 1 && a)
			r = addr_is_local(nl, a);
		if (r != 0)
			return r < 0 ? r : 0;
		if (now_us() >= deadline)
			return -ETIMEDOUT;
		(void) usleep(2000);
	}
}

/* A host address (/32, /128) as a boot's network configuration would put
 * it; IPv6 without duplicate address detection, which would hold it
 * "tentative" (unusable) for a second or more. */
static int addr_add(int nl, int ifindex, const struct addr *a)
{
	const size_t len = a->family == AF_INET ? 4 : 16;
	const struct ifaddrmsg ifa = {
		.ifa_family = (unsigned char) a->family,
		.ifa_prefixlen = (unsigned char) (len * 8),
		.ifa_flags = a->family == AF_INET6 ? IFA_F_NODAD : 0,
		.ifa_index = (unsigned) ifindex,
	};
	struct nlmsg m;

	nl_start(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	nl_attr(&m, IFA_LOCAL, &a->a, len);
	nl_attr(&m, IFA_ADDRESS, &a->a, len);
	return nl_talk(nl, &m);
}

/* The peer's address is on the link: a route to it through ifindex.  The
 * server has one back to the client too, so reverse-path filters ("fib
 * saddr . iif oif missing drop", rp_filter) pass as they would for a real
 * client reached through the default route. */
static int route_add(int nl, int ifindex, const struct addr *dst)
{
	const size_t len = dst->family == AF_INET ? 4 : 16;
	const struct rtmsg rt = {
		.rtm_family = (unsigned char) dst->family,
		.rtm_dst_len = (unsigned char) (len * 8),
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_BOOT,
		.rtm_scope = dst->family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
	};
	const uint32_t oif = (uint32_t) ifindex;
	struct nlmsg m;

	nl_start(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof(rt));
	nl_attr(&m, RTA_DST, &dst->a, len);
	nl_attr(&m, RTA_OIF, &oif, sizeof(oif));
	return nl_talk(nl, &m);
}

/* Has the client learnt the server's link address (ARP, IPv6 neighbour
 * discovery)?  False when its entry is incomplete, failed or absent: then
 * no SYN ever left, because the server's rules drop ARP or ICMPv6
 * neighbour solicitations.  True when it cannot be told. */
static bool neighbour_resolved(const struct addr *server)
{
	const struct ndmsg nd = { .ndm_family = (unsigned char) server->family };
	const size_t len = server->family == AF_INET ? 4 : 16;
	_cleanup_close_ int fd = nl_open(NETLINK_ROUTE);
	struct nlmsg m;
	char buf[8192];
	int state = -1;

	if (fd < 0)
		return true;
	nl_start(&m, RTM_GETNEIGH, NLM_F_DUMP, &nd, sizeof(nd));
	m.u.h.nlmsg_flags &= (unsigned short) ~NLM_F_ACK;
	m.u.h.nlmsg_seq = 1;
	if (RETRY_EINTR(send(fd, m.u.buf, m.u.h.nlmsg_len, 0)) < 0)
		return true;
	for (;;) {
		ssize_t n = RETRY_EINTR(recv(fd, buf, sizeof(buf), 0));
		if (n <= 0)
			return true;
		for (struct nlmsghdr *h = (struct nlmsghdr *) buf; NLMSG_OK(h, (size_t) n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return state > 0 && !(state & (NUD_INCOMPLETE | NUD_FAILED));	/* 0 is NUD_NONE */
			if (h->nlmsg_type == NLMSG_ERROR)
				return true;
			if (h->nlmsg_type != RTM_NEWNEIGH || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ndmsg)))
				continue;
			const struct ndmsg *e = NLMSG_DATA(h);
			int alen = (int) h->nlmsg_len - (int) NLMSG_LENGTH(sizeof(*e));
			for (struct rtattr *a = (struct rtattr *) ((char *) e + NLMSG_ALIGN(sizeof(*e))); RTA_OK(a, alen);
			     a = RTA_NEXT(a, alen))
				if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == len && memcmp(RTA_DATA(a), &server->a, len) == 0)
					state = e->ndm_state;
		}
	}
}

/* Does the kernel answer nf_tables requests here?  NFT_MSG_GETGEN reads the
 * ruleset's generation number and changes nothing; nfnetlink loads the
 * nf_tables module first if it is a module (as nft would). */
static bool nf_tables_present(void)
{
	const struct nfgenmsg g = { .nfgen_family = AF_UNSPEC, .version = NFNETLINK_V0 };
	_cleanup_close_ int fd = nl_open(NETLINK_NETFILTER);
	struct nlmsg m;

	if (fd < 0)
		return false;
	nl_start(&m, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN, 0, &g, sizeof(g));
	return nl_talk(fd, &m) == 0;
}

/* ------------------------------------------------------------ architecture */

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_386:
		return "i386";
	case EM_X86_64:
		return "x86-64";
	case EM_ARM:
		return "32-bit ARM";
	case EM_AARCH64:
		return "arm64";
	case EM_PPC:
		return "32-bit PowerPC";
	case EM_PPC64:
		return "ppc64";
	case EM_S390:
		return "s390x";
	case EM_MIPS:
		return "MIPS";
	case EM_RISCV:
		return "RISC-V";
	default:
		return NULL;
	}
}

/* e_machine of an ELF header in buf (n bytes), or -1. */
static int elf_machine(const unsigned char *buf, size_t n)
{
	if (n < 20 || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return -1;
	return buf[EI_DATA] == ELFDATA2MSB ? (buf[18] << 8) | buf[19] : buf[18] | (buf[19] << 8);
}

/* The machine a program of the target runs on: its own ELF header, or its
 * interpreter's for a "#!" script (ufw-init).  -1 when it cannot be told. */
static int target_machine(struct target *t, const char *path, int depth)
{
	unsigned char buf[256];
	_cleanup_close_ int fd = target_open(t, path, O_RDONLY, 0);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = RETRY_EINTR(read(fd, buf, sizeof(buf) - 1));
	if (n < 2)
		return -1;
	if (buf[0] == '#' && buf[1] == '!' && depth == 0) {
		buf[n] = '\0';
		char *s = (char *) buf + 2;
		s += strspn(s, " \t");
		s[strcspn(s, " \t\n")] = '\0';
		return s[0] == '/' ? target_machine(t, s, 1) : -1;
	}
	return elf_machine(buf, (size_t) n);
}

/* NULL when the target's program can run here, else why not. */
static char *foreign_loader(struct target *t, const char *path)
{
	unsigned char self[64];
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	char *msg = NULL;
	ssize_t n;
	int ours, theirs;

	if (fd < 0 || (n = RETRY_EINTR(read(fd, self, sizeof(self)))) < 0 || (ours = elf_machine(self, (size_t) n)) < 0)
		return NULL;	/* cannot tell: let exec decide */
	theirs = target_machine(t, path, 0);
	if (theirs < 0 || theirs == ours || (ours == EM_X86_64 && theirs == EM_386) ||
	    (ours == EM_AARCH64 && theirs == EM_ARM) || (ours == EM_PPC64 && theirs == EM_PPC))
		return NULL;
	const char *tn = machine_name((unsigned) theirs), *on = machine_name((unsigned) ours);
	if (asprintf(&msg, "'%s' is a program for %s%s, and this machine runs %s ones", path, tn ? tn : "another",
		     tn ? " machines" : " architecture", on ? on : "other") < 0)
		return NULL;
	return msg;
}

/* ------------------------------------------------------------ the probe */

/* The probe's namespaces: fds of /proc/self/ns/net, and netlink sockets in them. */
struct probe_ns {
	int srv, cli;
};

static void probe_ns_done(struct probe_ns *ns)
{
	closep(&ns->srv);
	closep(&ns->cli);
}

static int enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWNET) < 0 ? negative_errno() : 0;
}

static int open_netns(unsigned long long *ret_ino)
{
	struct stat st;
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0) {
		int r = negative_errno();
		close(fd);
		return r;
	}
	*ret_ino = (unsigned long long) st.st_ino;
	return fd;
}

/* lo and ifname up, in the current namespace. */
static int bring_up(const char *ifname)
{
	_cleanup_close_ int nl = nl_open(NETLINK_ROUTE);
	int idx = (int) if_nametoindex(ifname), r;

	if (nl < 0)
		return nl;
	if (idx <= 0)
		return -ENODEV;
	r = link_up(nl, 1);	/* lo is always 1 in a new namespace */
	return r < 0 ? r : link_up(nl, idx);
}

/* The local address of each wanted family and a route to the peer's, on a
 * link that is ready.  A family the kernel lacks (ipv6.disable=1) is
 * marked, not fatal. */
static int add_addresses(const struct plan *pl, const char *ifname, const struct addr local[2],
			 const struct addr peer[2], bool family_ok[2])
{
	_cleanup_close_ int nl = nl_open(NETLINK_ROUTE);
	int idx = (int) if_nametoindex(ifname), r;

	if (nl < 0)
		return nl;
	if (idx <= 0)
		return -ENODEV;
	for (int f = V4; f <= V6; f++) {
		if (!pl->want[f] || !family_ok[f])
			continue;
		r = addr_add(nl, idx, &local[f]);
		if (r == -EAFNOSUPPORT || r == -EOPNOTSUPP || r == -EPROTONOSUPPORT) {
			family_ok[f] = false;
			continue;
		}
		if (r < 0)
			return r;
		r = route_add(nl, idx, &peer[f]);
		if (r < 0)
			return r;
	}
	return 0;
}

static socklen_t sockaddr_of(const struct addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *) ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		s->sin_addr = a->a.v4;
		return sizeof(*s);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) ss;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	s6->sin6_addr = a->a.v6;
	return sizeof(*s6);
}

/* A listener on every port (in the server's namespace), on the wildcard
 * address as sshd's default: a SYN that passes the firewall meets a socket,
 * never the kernel's own reset.  fds[i] is -1 for a repeated port. */
static int listen_all(const struct plan *pl, const bool family_ok[2], int *fds, struct netprobe_result *res)
{
	const struct netprobe_request *req = pl->req;

	for (size_t i = 0; i < req->n_ports; i++) {
		const struct netprobe_port *p = &req->ports[i];
		int f = p->family == AF_INET ? V4 : V6, one = 1;
		struct sockaddr_storage ss;
		struct addr any = { .family = p->family };
		bool dup = false;

		fds[i] = -1;
		if (!family_ok[f])
			continue;
		for (size_t k = 0; k < i && !dup; k++)
			dup = req->ports[k].family == p->family && req->ports[k].port == p->port;
		if (dup)
			continue;
		int fd = socket(p->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return negative_errno();
		fds[i] = fd;
		(void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (p->family == AF_INET6)
			(void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		socklen_t sl = sockaddr_of(&any, p->port, &ss);
		if (bind(fd, (struct sockaddr *) &ss, sl) < 0 || listen(fd, 16) < 0) {
			res->ports[i].verdict = NETPROBE_ERROR;
			res->ports[i].why = port_whys[WHY_LISTEN];
			res->ports[i].error = errno;
		}
	}
	return 0;
}

/* The ICMP error that ended a connect, from the socket's error queue
 * (IP_RECVERR): type and code, or -1 when there is none (a TCP reset). */
static void icmp_of(int fd, int *ret_type, int *ret_code)
{
	char data[512], control[512];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };

	*ret_type = *ret_code = -1;
	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (!((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
		      (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)))
			continue;
		struct ext_err ee;
		if (c->cmsg_len < CMSG_LEN(sizeof(ee)))
			continue;
		memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		if (ee.ee_origin == EE_ORIGIN_ICMP || ee.ee_origin == EE_ORIGIN_ICMP6) {
			*ret_type = ee.ee_type;
			*ret_code = ee.ee_code;
		}
	}
}

struct fds {
	int *v;
	size_t n;
};

static void fds_done(struct fds *f)
{
	for (size_t i = 0; f->v && i < f->n; i++)
		if (f->v[i] >= 0)
			close(f->v[i]);
	free(f->v);
}

static int fds_alloc(struct fds *f, size_t n)
{
	f->v = malloc(n * sizeof(*f->v));
	if (!f->v)
		return -ENOMEM;
	f->n = n;
	for (size_t i = 0; i < n; i++)
		f->v[i] = -1;
	return 0;
}

/* Open a non-blocking socket from the client's address and start its
 * connect; the fd, or -1 with pr->why set. */
static int start_connect(const struct plan *pl, size_t i, struct netprobe_port_result *pr)
{
	const struct netprobe_port *pt = &pl->req->ports[i];
	int f = pt->family == AF_INET ? V4 : V6, one = 1, fd;
	struct sockaddr_storage ss;
	socklen_t sl;

	fd = socket(pt->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		pr->why = port_whys[WHY_SOCKETS];
		pr->error = errno;
		return -1;
	}
	/* ICMP errors onto the error queue, to tell which one answered. */
	if (f == V4)
		(void) setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	else
		(void) setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	sl = sockaddr_of(&pl->from[f], 0, &ss);
	if (bind(fd, (struct sockaddr *) &ss, sl) == 0) {
		sl = sockaddr_of(&pl->server[f], pt->port, &ss);
		if (connect(fd, (struct sockaddr *) &ss, sl) == 0 || errno == EINPROGRESS)
			return fd;
	}
	pr->why = port_whys[WHY_SEND];
	pr->error = errno;
	close(fd);
	return -1;
}

/* Send every SYN at once from the client's namespace and collect the
 * answers: one timeout for all ports, however many. */
static void send_syns(const struct plan *pl, const bool family_ok[2], struct netprobe_result *res)
{
	const struct netprobe_request *req = pl->req;
	_cleanup_(fds_done) struct fds fds = {0};
	_cleanup_free_ struct pollfd *pfd = calloc(req->n_ports, sizeof(*pfd));
	_cleanup_free_ long long *t0 = calloc(req->n_ports, sizeof(*t0));
	size_t pending = 0;
	long long start = now_us(), deadline = start + 1000LL * pl->timeout_ms;

	if (!pfd || !t0 || fds_alloc(&fds, req->n_ports) < 0) {
		fail_all(res, NETPROBE_ERR_INTERNAL, "out of memory");
		return;
	}
	for (size_t i = 0; i < req->n_ports; i++) {
		struct netprobe_port_result *pr = &res->ports[i];
		int f = req->ports[i].family == AF_INET ? V4 : V6;

		pfd[i].fd = -1;
		if (pr->why)
			continue;	/* no listener */
		if (!family_ok[f]) {
			pr->why = port_whys[f == V4 ? WHY_NO_IPV4 : WHY_NO_IPV6];
			continue;
		}
		t0[i] = now_us();
		fds.v[i] = start_connect(pl, i, pr);
		if (fds.v[i] < 0)
			continue;
		pfd[i].fd = fds.v[i];
		pfd[i].events = POLLOUT;
		pending++;
	}
	while (pending > 0) {
		long long left = deadline - now_us();
		if (left <= 0)
			break;
		int n = poll(pfd, req->n_ports, (int) ((left + 999) / 1000));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (size_t i = 0; i < req->n_ports; i++) {
			struct netprobe_port_result *pr = &res->ports[i];
			int err = 0;
			socklen_t el = sizeof(err);

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			pr->elapsed_us = (unsigned) (now_us() - t0[i]);
			if (getsockopt(fds.v[i], SOL_SOCKET, SO_ERROR, &err, &el) < 0)
				err = errno;
			if (err == 0) {
				pr->verdict = NETPROBE_ACCEPTED;
			} else {
				pr->verdict = NETPROBE_REJECTED;
				pr->error = err;
				icmp_of(fds.v[i], &pr->icmp_type, &pr->icmp_code);
			}
			pfd[i].fd = -1;
			pending--;
		}
	}
	/* No answer by the deadline: dropped. */
	int resolved[2] = { -1, -1 };
	for (size_t i = 0; i < req->n_ports; i++)
		if (pfd[i].fd >= 0) {
			int f = req->ports[i].family == AF_INET ? V4 : V6;
			res->ports[i].verdict = NETPROBE_DROPPED;
			res->ports[i].elapsed_us = (unsigned) (now_us() - t0[i]);
			if (resolved[f] < 0)
				resolved[f] = neighbour_resolved(&pl->server[f]);
			res->ports[i].no_neighbour = !resolved[f];
		}
	res->probe_ms = ms_since(start);
}

/* "'/usr/sbin/nft -f /etc/nftables.conf'" for messages. */
static char *argv_text(const char *const *argv)
{
	struct buf b = {0};

	buf_putc(&b, '\'');
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, argv[i]);
	}
	buf_putc(&b, '\'');
	if (!buf_ok(&b)) {
		buf_done(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Run the loaders in the server's namespace; false when the probe must stop. */
static bool run_loaders(struct target *t, const struct plan *pl, int srv, struct netprobe_result *res)
{
	const struct netprobe_request *req = pl->req;
	const struct sandbox_opts opts = {
		.timeout_sec = pl->loader_timeout_sec,
		.join_netns = true,
		.netns_fd = srv,
		.read_only = true,
		.files = req->planned,
		.n_files = req->n_planned,
	};
	long long start = now_us();
	bool go_on = true;

	for (size_t i = 0; i < req->n_loaders && go_on; i++) {
		const char *const *argv = req->loaders[i].argv;
		struct netprobe_loader_result *lr = &res->loaders[i];
		_cleanup_free_ char *what = argv_text(argv), *msg = NULL;
		struct sandbox_result sr;
		const char *why = NULL;
		long long t0 = now_us();
		int r;

		_cleanup_free_ char *foreign = foreign_loader(t, argv[0]);
		if (foreign) {
			fail_all(res, NETPROBE_ERR_FOREIGN, foreign);
			return false;
		}
		r = sandbox_run(t, argv, &opts, &sr, &why);
		if (r < 0) {
			enum netprobe_error e = r == -ENOEXEC ? NETPROBE_ERR_FOREIGN
					      : r == -ENOENT  ? NETPROBE_ERR_NO_LOADER
					      : r == -EIO || r == -EINVAL ? NETPROBE_ERR_PLANNED
					      : r == -EPERM   ? NETPROBE_ERR_NAMESPACES
							      : NETPROBE_ERR_INTERNAL;
			if (asprintf(&msg, "%s: %s", what ? what : argv[0], why ? why : strerror(-r)) < 0)
				msg = NULL;
			fail_all(res, e, msg);
			return false;
		}
		lr->ran = true;
		lr->exit_status = sr.exit_status;
		lr->timed_out = sr.timed_out;
		lr->elapsed_ms = ms_since(t0);
		lr->output = strdup_trunc(sr.output, NETPROBE_OUTPUT_MAX);
		sandbox_result_done(&sr);
		if (!lr->output) {
			fail_all(res, NETPROBE_ERR_INTERNAL, "out of memory");
			return false;
		}
		if (lr->exit_status == 0 && !lr->timed_out)
			continue;
		if (req->keep_going && !lr->timed_out)
			continue;
		_cleanup_free_ char *out = strdup(lr->output);
		if (out) {
			size_t l = strlen(out);
			while (l > 0 && (out[l - 1] == '\n' || out[l - 1] == ' '))
				out[--l] = '\0';
		}
		enum netprobe_error e = lr->timed_out ? NETPROBE_ERR_LOADER_TIMEOUT
				      : !res->nf_tables ? NETPROBE_ERR_NETFILTER
							: NETPROBE_ERR_LOADER_FAILED;
		if (lr->timed_out)
			r = asprintf(&msg, "%s did not finish within %u s", what ? what : argv[0], pl->loader_timeout_sec);
		else
			r = asprintf(&msg, "%s%s exited with status %d%s%s",
				     e == NETPROBE_ERR_NETFILTER ? "the kernel does not answer nf_tables requests, and " : "",
				     what ? what : argv[0], lr->exit_status, out && *out ? ": " : "", out ? out : "");
		if (r < 0)
			msg = NULL;
		fail_all(res, e, msg);
		go_on = false;
	}
	res->loaders_ms = ms_since(start);
	return go_on;
}

static bool setup_failed(struct netprobe_result *res, const char *where, int r)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "cannot set up the probe's network (%s): %s", where, strerror(-r));
	fail_all(res, NETPROBE_ERR_INTERNAL, msg);
	return false;
}

/* Make the namespaces and the veth pair, configure both ends; we end in
 * the server's namespace.  False (with res failed) when it cannot be done. */
static bool setup(const struct plan *pl, struct probe_ns *ns, bool family_ok[2], struct netprobe_result *res)
{
	const long long deadline = now_us() + 1000LL * LINK_WAIT_MS;
	const bool v6 = pl->want[V6];
	char msg[160];
	int r;

	/* Two anonymous network namespaces; we are left in the client's. */
	if (unshare(CLONE_NEWNET) < 0 || (ns->srv = open_netns(&res->server_netns)) < 0 ||
	    unshare(CLONE_NEWNET) < 0 || (ns->cli = open_netns(&res->client_netns)) < 0) {
		snprintf(msg, sizeof(msg), "cannot make a network namespace: %s", strerror(errno));
		fail_all(res, NETPROBE_ERR_NAMESPACES, msg);
		return false;
	}
	/* The veth pair, made from the server's side, and both ends up. */
	if ((r = enter(ns->srv)) < 0)
		return setup_failed(res, "setns", r);
	{
		_cleanup_close_ int nl = nl_open(NETLINK_ROUTE);
		r = nl < 0 ? nl : link_add_veth(nl, pl->ifname, ns->cli);
	}
	if (r < 0) {
		snprintf(msg, sizeof(msg), "cannot make a veth pair: %s", strerror(-r));
		fail_all(res, r == -EOPNOTSUPP ? NETPROBE_ERR_VETH : NETPROBE_ERR_INTERNAL, msg);
		return false;
	}
	if ((r = bring_up(pl->ifname)) < 0)
		return setup_failed(res, pl->ifname, r);
	if ((r = enter(ns->cli)) < 0 || (r = bring_up(CLIENT_IFNAME)) < 0)
		return setup_failed(res, CLIENT_IFNAME, r);
	/* Addresses only once the link is ready: IPv6 sets up its addresses
	 * again when the carrier comes, in a work queue, while we would send. */
	if ((r = wait_ready(CLIENT_IFNAME, NULL, deadline)) < 0 ||
	    (r = add_addresses(pl, CLIENT_IFNAME, pl->from, pl->server, family_ok)) < 0)
		return setup_failed(res, CLIENT_IFNAME, r);
	if ((r = enter(ns->srv)) < 0 || (r = wait_ready(pl->ifname, NULL, deadline)) < 0 ||
	    (r = add_addresses(pl, pl->ifname, pl->server, pl->from, family_ok)) < 0)
		return setup_failed(res, pl->ifname, r);
	/* Each end's IPv6 address its own before the first packet. */
	if (v6 && family_ok[V6]) {
		if ((r = wait_ready(pl->ifname, &pl->server[V6], deadline)) < 0)
			return setup_failed(res, pl->ifname, r);
		if ((r = enter(ns->cli)) < 0 || (r = wait_ready(CLIENT_IFNAME, &pl->from[V6], deadline)) < 0)
			return setup_failed(res, CLIENT_IFNAME, r);
		if ((r = enter(ns->srv)) < 0)
			return setup_failed(res, "setns", r);
	}
	return true;
}

/* Everything the probe process does; res is filled, whatever happens. */
static void probe(struct target *t, const struct plan *pl, struct netprobe_result *res)
{
	_cleanup_(probe_ns_done) struct probe_ns ns = { .srv = -EBADF, .cli = -EBADF };
	_cleanup_(fds_done) struct fds listeners = {0};
	bool family_ok[2] = { true, true };
	long long start = now_us();

	if (fds_alloc(&listeners, pl->req->n_ports) < 0) {
		fail_all(res, NETPROBE_ERR_INTERNAL, "out of memory");
		return;
	}
	if (!setup(pl, &ns, family_ok, res))
		return;
	/* In the server's namespace: the listeners, and what the kernel offers. */
	if (listen_all(pl, family_ok, listeners.v, res) < 0) {
		fail_all(res, NETPROBE_ERR_INTERNAL, "cannot listen in the probe's namespace");
		return;
	}
	res->nf_tables = nf_tables_present();
	res->setup_ms = ms_since(start);
	if (!run_loaders(t, pl, ns.srv, res))
		return;
	if (enter(ns.cli) < 0) {
		fail_all(res, NETPROBE_ERR_INTERNAL, "cannot enter the client's namespace");
		return;
	}
	send_syns(pl, family_ok, res);
}

/* ---------------------------------------------------------------- the wire */

struct wire_head {
	int error, nf_tables;
	unsigned setup_ms, loaders_ms, probe_ms;
	unsigned long long server_netns, client_netns;
	unsigned n_ports, n_loaders;
};

struct wire_port {
	int verdict, icmp_type, icmp_code, error, why, no_neighbour;
	unsigned elapsed_us;
};

struct wire_loader {
	int ran, exit_status, timed_out;
	unsigned elapsed_ms;
};

static void wire_str(struct buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t) strlen(s) : UINT32_MAX;

	buf_append(b, &n, sizeof(n));
	if (s)
		buf_append(b, s, n);
}

static int why_index(const char *why)
{
	for (size_t i = 1; i < ELEMENTSOF(port_whys); i++)
		if (why == port_whys[i])
			return (int) i;
	return WHY_NONE;
}

static void encode(const struct netprobe_result *res, struct buf *b)
{
	const struct wire_head h = {
		.error = res->error,
		.nf_tables = res->nf_tables,
		.setup_ms = res->setup_ms,
		.loaders_ms = res->loaders_ms,
		.probe_ms = res->probe_ms,
		.server_netns = res->server_netns,
		.client_netns = res->client_netns,
		.n_ports = (unsigned) res->n_ports,
		.n_loaders = (unsigned) res->n_loaders,
	};

	buf_append(b, &h, sizeof(h));
	wire_str(b, res->message);
	for (size_t i = 0; i < res->n_ports; i++) {
		const struct netprobe_port_result *p = &res->ports[i];
		const struct wire_port w = {
			.verdict = p->verdict,
			.icmp_type = p->icmp_type,
			.icmp_code = p->icmp_code,
			.error = p->error,
			.why = why_index(p->why),
			.no_neighbour = p->no_neighbour,
			.elapsed_us = p->elapsed_us,
		};
		buf_append(b, &w, sizeof(w));
	}
	for (size_t i = 0; i < res->n_loaders; i++) {
		const struct netprobe_loader_result *l = &res->loaders[i];
		const struct wire_loader w = {
			.ran = l->ran,
			.exit_status = l->exit_status,
			.timed_out = l->timed_out,
			.elapsed_ms = l->elapsed_ms,
		};
		buf_append(b, &w, sizeof(w));
		wire_str(b, l->output);
	}
}

struct reader {
	const char *p;
	size_t left;
};

static bool take(struct reader *r, void *out, size_t n)
{
	if (r->left < n)
		return false;
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

static bool take_str(struct reader *r, char **ret)
{
	uint32_t n;

	*ret = NULL;
	if (!take(r, &n, sizeof(n)))
		return false;
	if (n == UINT32_MAX)
		return true;
	if (r->left < n || !(*ret = strndup(r->p, n)))
		return false;
	r->p += n;
	r->left -= n;
	return true;
}

/* Fill res (ports and loaders already allocated to the request's sizes). */
static bool decode(const char *data, size_t len, struct netprobe_result *res)
{
	struct reader r = { data, len };
	struct wire_head h;

	if (!take(&r, &h, sizeof(h)) || h.n_ports != res->n_ports || h.n_loaders != res->n_loaders)
		return false;
	res->error = h.error;
	res->nf_tables = h.nf_tables;
	res->setup_ms = h.setup_ms;
	res->loaders_ms = h.loaders_ms;
	res->probe_ms = h.probe_ms;
	res->server_netns = h.server_netns;
	res->client_netns = h.client_netns;
	free(res->message);
	if (!take_str(&r, &res->message))
		return false;
	for (size_t i = 0; i < res->n_ports; i++) {
		struct netprobe_port_result *p = &res->ports[i];
		struct wire_port w;
		if (!take(&r, &w, sizeof(w)) || w.why < 0 || (size_t) w.why >= ELEMENTSOF(port_whys))
			return false;
		p->verdict = w.verdict;
		p->icmp_type = w.icmp_type;
		p->icmp_code = w.icmp_code;
		p->error = w.error;
		p->why = port_whys[w.why];
		p->no_neighbour = w.no_neighbour;
		p->elapsed_us = w.elapsed_us;
	}
	for (size_t i = 0; i < res->n_loaders; i++) {
		struct netprobe_loader_result *l = &res->loaders[i];
		struct wire_loader w;
		if (!take(&r, &w, sizeof(w)) || !take_str(&r, &l->output))
			return false;
		l->ran = w.ran;
		l->exit_status = w.exit_status;
		l->timed_out = w.timed_out;
		l->elapsed_ms = w.elapsed_ms;
	}
	return r.left == 0;
}

/* ------------------------------------------------------------ the processes */

/* The probe, init of its PID namespace: lifeline's other end is held by
 * the relay, so a closed lifeline means the relay is gone already. */
static _Noreturn void probe_process(struct target *t, const struct plan *pl, struct netprobe_result *res, int out,
				    int lifeline)
{
	struct pollfd p = { .fd = lifeline, .events = POLLIN };
	struct buf b = {0};

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || poll(&p, 1, 0) != 0)
		_exit(1);
	probe(t, pl, res);
	encode(res, &b);
	if (buf_ok(&b))
		(void) write_all(out, b.data, b.len);
	_exit(0);
}

/* The relay: a PID namespace for the probe, and a parent that dies with sshfix. */
static _Noreturn void relay_process(struct target *t, const struct plan *pl, struct netprobe_result *res, int out,
				    pid_t sshfix)
{
	int lifeline[2], status;
	pid_t pid;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != sshfix)
		_exit(1);
	if (unshare(CLONE_NEWPID) < 0) {
		struct buf b = {0};
		char msg[128];
		snprintf(msg, sizeof(msg), "cannot make a PID namespace: %s", strerror(errno));
		fail_all(res, NETPROBE_ERR_NAMESPACES, msg);
		encode(res, &b);
		if (buf_ok(&b))
			(void) write_all(out, b.data, b.len);
		_exit(0);
	}
	if (pipe2(lifeline, O_CLOEXEC) < 0)
		_exit(1);
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid == 0) {
		close(lifeline[1]);
		probe_process(t, pl, res, out, lifeline[0]);
	}
	close(lifeline[0]);
	close(out);
	if (RETRY_EINTR(waitpid(pid, &status, 0)) < 0)
		_exit(1);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* Read the probe's answer until it closes the pipe or the deadline passes. */
static int collect(int fd, long long deadline, struct buf *b, bool *ret_timed_out)
{
	char chunk[4096];

	*ret_timed_out = false;
	for (;;) {
		long long left = deadline - now_us();
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (left <= 0) {
			*ret_timed_out = true;
			return 0;
		}
		int n = poll(&p, 1, (int) ((left + 999) / 1000));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		if (n == 0)
			continue;
		ssize_t k = RETRY_EINTR(read(fd, chunk, sizeof(chunk)));
		if (k < 0)
			return negative_errno();
		if (k == 0)
			return 0;
		if (b->len + (size_t) k > WIRE_MAX)
			return -EFBIG;
		if (buf_append(b, chunk, (size_t) k) < 0)
			return -ENOMEM;
	}
}

int netprobe_run(struct target *t, const struct netprobe_request *req, struct netprobe_result *ret)
{
	struct netprobe_result res = {0};
	struct plan pl;
	struct buf wire = {0};
	int p[2], status, r;
	long long start = now_us(), deadline;
	bool timed_out = false;
	pid_t pid, self = getpid();

	r = plan_make(req, &pl);
	if (r < 0)
		return r;
	res.ports = calloc(req->n_ports, sizeof(*res.ports));
	res.loaders = calloc(req->n_loaders, sizeof(*res.loaders));
	if (!res.ports || !res.loaders) {
		netprobe_result_done(&res);
		return -ENOMEM;
	}
	res.n_ports = req->n_ports;
	res.n_loaders = req->n_loaders;
	for (size_t i = 0; i < req->n_ports; i++) {
		struct netprobe_port_result *pr = &res.ports[i];
		int f = req->ports[i].family == AF_INET ? V4 : V6;
		pr->family = req->ports[i].family;
		pr->port = req->ports[i].port;
		pr->verdict = NETPROBE_ERROR;
		pr->icmp_type = pr->icmp_code = -1;
		memcpy(pr->from, pl.from[f].text, sizeof(pr->from));
		memcpy(pr->to, pl.server[f].text, sizeof(pr->to));
	}

	if (geteuid() != 0) {
		fail_all(&res, NETPROBE_ERR_NOT_ROOT, NULL);
		goto done;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		r = negative_errno();
		netprobe_result_done(&res);
		return r;
	}
	pid = fork();
	if (pid < 0) {
		r = negative_errno();
		close(p[0]);
		close(p[1]);
		netprobe_result_done(&res);
		return r;
	}
	if (pid == 0) {
		close(p[0]);
		relay_process(t, &pl, &res, p[1], self);
	}
	close(p[1]);
	deadline = start + 1000LL * (SLACK_MS + pl.timeout_ms + 1000ULL * pl.loader_timeout_sec * req->n_loaders);
	r = collect(p[0], deadline, &wire, &timed_out);
	close(p[0]);
	/* The relay's death takes the probe (PR_SET_PDEATHSIG) and with it
	 * its PID namespace, every loader and both network namespaces. */
	if (timed_out || r < 0)
		(void) kill(pid, SIGKILL);
	(void) RETRY_EINTR(waitpid(pid, &status, 0));
	if (r == -ENOMEM) {
		buf_done(&wire);
		netprobe_result_done(&res);
		return r;
	}
	if (timed_out)
		fail_all(&res, NETPROBE_ERR_INTERNAL, "the probe did not finish in time and was stopped");
	else if (r < 0 || wire.len == 0 || !decode(wire.data, wire.len, &res)) {
		char msg[128];
		snprintf(msg, sizeof(msg), "the probe process ended without an answer (%s %d)",
			 WIFSIGNALED(status) ? "signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		res.error = NETPROBE_OK;	/* whatever a partial decode left */
		fail_all(&res, NETPROBE_ERR_INTERNAL, msg);
		for (size_t i = 0; i < res.n_ports; i++)
			res.ports[i].why = port_whys[WHY_LOST];
	}
	buf_done(&wire);
done:
	res.total_ms = ms_since(start);
	for (size_t i = 0; i < res.n_ports; i++)
		if (res.ports[i].verdict == NETPROBE_ERROR && !res.ports[i].why)
			res.ports[i].why = res.error != NETPROBE_OK ? netprobe_error_name(res.error) : port_whys[WHY_NOT_RUN];
	if (res.error != NETPROBE_OK && !res.message) {
		netprobe_result_done(&res);
		return -ENOMEM;
	}
	*ret = res;
	return 0;
}
