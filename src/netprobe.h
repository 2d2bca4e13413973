/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel probe (issue 12, "checked by the kernel"): what the kernel
 * itself does to a new TCP connection to sshd's ports once the boot's
 * firewall is loaded -- by the target's own loaders, from the target's own
 * files or from the files a repair plans to write.
 *
 * How: a probe process forks from sshfix into a fresh PID namespace (the
 * probe is its init) and makes two anonymous network namespaces joined by
 * a veth pair.  The server end carries the name a boot would give the
 * machine's interface (req->ifname, "eth0" by default) with the server
 * address (192.0.2.10 / 2001:db8::10 unless req->server4/server6 say
 * otherwise), lo is up, and a socket listens on every probed port, so
 * "accepted" means the kernel let the SYN reach a listener.  Each loader
 * then runs chrooted in the target through sandbox_run() in the server's
 * namespace, with the target read-only, the planned contents mounted over
 * the target's files in the loader's private mount namespace, and no way to
 * load kernel modules or write non-network sysctls.  Finally the client end
 * (the --from address, or 192.0.2.20 / 2001:db8::20) sends one SYN per port,
 * all at once, non-blocking, and waits at most req->timeout_ms for the
 * answers.
 *
 * What it never touches: the rescue system's network namespace (nothing
 * runs in it; the probe's namespaces are never named in /run/netns), the
 * target's files (read-only; planned contents live on a private tmpfs), the
 * rescue system's mounts (everything is mounted in private mount
 * namespaces).  The only lasting effect a probe can have on the rescue
 * system is the kernel loading a netfilter module a rule needs (nft and
 * iptables-restore would do the same anywhere).
 *
 * Teardown is by construction: the namespaces are held only by the probe
 * process and its children (no bind mount, no fd outside), the probe is
 * init of its own PID namespace, so when it exits or is killed every
 * process in it dies, and with the last of them the network namespaces,
 * the veth pair (deleted with its namespace), the listeners and every
 * private mount go.  The probe dies with sshfix (PR_SET_PDEATHSIG through
 * a relay process), and sshfix kills it if it overruns its deadline.
 *
 * Costs, measured on the development VM (kernel 6.18, 2 CPUs, the Debian 12
 * root's own tools; one port, five runs each): set-up (forks, namespaces,
 * veth, addresses) 2-20 ms, up to about 1 s while many links are being
 * made at once (the probe waits until both ends of the veth carry packets
 * and IPv6 has finished the addresses; the kernel activates new links at
 * most about once a second when busy); the loaders: nft -f of a small
 * ruleset 4-20 ms, iptables-restore 17-32 ms, ufw-init 180-220 ms (a
 * shell script that runs iptables some fifty times); the answer: about
 * 0.1 ms for an accepted or a rejected port, req->timeout_ms (default
 * 1000) for a dropped one.  In all: accepted 14-43 ms, rejected 10-77 ms,
 * dropped 1015-1073 ms.  Every port is probed at once: 64 dropped ports
 * cost one timeout (1046 ms in all), not 64.
 *
 * Use (a firewall family, for the listen set's ports and --from):
 *
 *	static const char *const nft[] = { "/usr/sbin/nft", "-f", "/etc/nftables.conf", NULL };
 *	const struct netprobe_loader l = { .argv = nft };
 *	const struct sandbox_file planned[] = { { "/etc/nftables.conf", new_text, new_len } };
 *	const struct netprobe_port ports[] = { { AF_INET, 22 }, { AF_INET6, 22 } };
 *	const struct netprobe_request req = {
 *		.loaders = &l, .n_loaders = 1, .ports = ports, .n_ports = 2,
 *		.planned = planned, .n_planned = dry_run_after_repair ? 1 : 0,
 *		.from = run->opt.from,		// NULL: a non-local documentation address
 *	};
 *	struct netprobe_result res;
 *	r = netprobe_run(run->target, &req, &res);	// < 0: a bug in the request
 *	if (res.error != NETPROBE_OK)
 *		... "the kernel could not be asked: %s", res.message; the static verdict alone
 *	else for each res.ports[i]: its verdict, beside the static one; where they
 *		differ the kernel's wins and the report says so
 *	netprobe_result_done(&res);
 *
 * Probe once with the files on disk (what the boot does now) and once with
 * the planned ones (what it will do after the repair): "the kernel accepts
 * port 22 after this change".  Put every loader the boot runs into one
 * request (an iptables rules.v4 that accepts does not help if nftables.conf
 * drops), and use keep_going for the boot's own view of a loader that fails.
 *
 * firewalld's rules exist only while the daemon runs with a D-Bus: its
 * family's loader is a script that starts the target's dbus-daemon and
 * firewalld in the server's namespace and returns once firewalld runs; both
 * stay behind in the probe's PID namespace and die with it.
 *
 * What it cannot probe: rules matching
 * things the probe's namespace lacks (ipset sets a separate unit restores,
 * interfaces other than req->ifname, conntrack state of older connections,
 * "meta skuid"-style output matches); ports on a second interface; and any
 * target whose tools cannot run here (ret->error says which: another
 * architecture, no netfilter in this kernel, no namespaces).
 *
 * Needs root.  Pure otherwise: no output, no global state.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sandbox.h"
#include "target.h"

/* What happened to the SYN. */
enum netprobe_verdict {
	/* The probe could not answer for this port: see the port's why, and
	 * ret->error for a reason that holds for the whole probe. */
	NETPROBE_ERROR,
	/* SYN-ACK: connect() succeeded; a client from that address can reach
	 * sshd's port (TCP wrappers, fail2ban and sshd itself come after). */
	NETPROBE_ACCEPTED,
	/* Refused at once: a TCP reset (reject with tcp-reset) or an ICMP
	 * unreachable (icmp_type >= 0: which one is in icmp_type/icmp_code,
	 * named by netprobe_reject_name()).  The client says "Connection
	 * refused" (RST, port-unreachable) or "No route to host" (the
	 * prohibited kinds). */
	NETPROBE_REJECTED,
	/* No answer within req->timeout_ms: a DROP, or a rule that lets the
	 * SYN in but its answer not out.  The client says "Connection timed
	 * out".  This includes rules that drop ARP or, far more often, ICMPv6
	 * neighbour discovery ("policy drop" without "icmpv6 type { nd-... }
	 * accept"): then no SYN is ever sent, as a router on a real link
	 * could not reach the machine either, and the port says so
	 * (no_neighbour) -- a static verdict that only follows TCP port 22
	 * will disagree there, and the kernel is right. */
	NETPROBE_DROPPED,
};

/* Why a whole probe failed (ret->error); NETPROBE_OK when it ran. */
enum netprobe_error {
	NETPROBE_OK,
	NETPROBE_ERR_NOT_ROOT,		/* sshfix does not run as root */
	NETPROBE_ERR_NAMESPACES,	/* this kernel or container refuses PID, network or mount namespaces */
	NETPROBE_ERR_VETH,		/* no veth link type in this kernel */
	NETPROBE_ERR_NETFILTER,		/* the kernel has no netfilter (nf_tables) the loader could use */
	NETPROBE_ERR_FOREIGN,		/* the loader is built for another architecture */
	NETPROBE_ERR_NO_LOADER,		/* the loader (or its interpreter or a library) is missing in the target */
	NETPROBE_ERR_LOADER_FAILED,	/* a loader exited non-zero or was killed (message: its output) */
	NETPROBE_ERR_LOADER_TIMEOUT,	/* a loader did not finish within req->loader_timeout_sec */
	NETPROBE_ERR_PLANNED,		/* a planned file could not be shown in place of the target's */
	NETPROBE_ERR_INTERNAL,		/* the probe itself failed (message says where) */
};

/* One port to probe: a TCP port of sshd's listen set. */
struct netprobe_port {
	int family;		/* AF_INET or AF_INET6 */
	uint16_t port;		/* 1-65535 */
};

/* One program the boot runs to load the firewall, with its arguments. */
struct netprobe_loader {
	/* argv[0] an absolute path inside the target, NULL-terminated:
	 *   { "/usr/sbin/nft", "-f", "/etc/nftables.conf", NULL }
	 *   { "/usr/sbin/iptables-restore", "/etc/iptables/rules.v4", NULL }
	 *   { "/usr/sbin/ip6tables-restore", "/etc/iptables/rules.v6", NULL }
	 *   { "/lib/ufw/ufw-init", "start", "quiet", NULL }
	 * (ufw-init itself reads ENABLED= from /etc/ufw/ufw.conf and loads
	 * nothing when it is "no", as at boot). */
	const char *const *argv;
};

struct netprobe_request {
	/* Run in this order in the one server namespace, as the boot's units
	 * would (netfilter-persistent's v4 then v6 file; nftables.service and
	 * ufw.service both when both are enabled): a connection must pass
	 * everything they load.  1-NETPROBE_LOADERS_MAX. */
	const struct netprobe_loader *loaders;
	size_t n_loaders;
	/* Planned contents shown to the loaders in place of the target's files
	 * (dry-run of a repair); see struct sandbox_file.  May be empty. */
	const struct sandbox_file *planned;
	size_t n_planned;
	/* The ports to probe, answered in this order.  1-NETPROBE_PORTS_MAX. */
	const struct netprobe_port *ports;
	size_t n_ports;
	/* The client's address (--from ADDR, numeric), or NULL: 192.0.2.20 and
	 * 2001:db8::20.  It serves the ports of its own family; ports of the
	 * other family use that family's default.  Loopback, multicast,
	 * link-local and unspecified addresses are refused (-EINVAL). */
	const char *from;
	/* The server's addresses (a ListenAddress, for rules matching the
	 * destination), or NULL: 192.0.2.10 and 2001:db8::10. */
	const char *server4, *server6;
	/* The server's interface name, for -i/iifname rules: the target's main
	 * interface ("ens3") when the caller knows it; NULL: "eth0". */
	const char *ifname;
	/* How long to wait for answers (ms); 0: NETPROBE_TIMEOUT_MS. */
	unsigned timeout_ms;
	/* How long each loader may run (s); 0: 10. */
	unsigned loader_timeout_sec;
	/* As the boot does: a loader that fails leaves what it loaded so far,
	 * and the ports are probed anyway (ret->loaders says what failed; the
	 * answer is the boot's, e.g. "nft -f failed, so nothing drops port
	 * 22").  Without it a failed loader makes every port NETPROBE_ERROR
	 * with NETPROBE_ERR_LOADER_FAILED: the answer to "what does this
	 * ruleset do". */
	bool keep_going;
};

#define NETPROBE_TIMEOUT_MS 1000
#define NETPROBE_PORTS_MAX 1024
#define NETPROBE_LOADERS_MAX 16
/* A loader's output is kept up to this many bytes (then "..."). */
#define NETPROBE_OUTPUT_MAX 4096

struct netprobe_port_result {
	int family;
	uint16_t port;
	enum netprobe_verdict verdict;
	/* NETPROBE_REJECTED: the ICMP type and code that answered, or -1 for a
	 * TCP reset.  -1 otherwise. */
	int icmp_type, icmp_code;
	/* connect()'s error for NETPROBE_REJECTED (ECONNREFUSED,
	 * EHOSTUNREACH, ...) and NETPROBE_ERROR when the SYN could not even be
	 * sent; 0 otherwise. */
	int error;
	/* NETPROBE_ERROR: why, a static phrase (the probe's error when the
	 * whole probe failed; else e.g. "this kernel has no IPv6", "the port
	 * could not be listened on in the probe's namespace"); NULL otherwise. */
	const char *why;
	/* NETPROBE_DROPPED: the client never learnt the server's link address
	 * (ARP, IPv6 neighbour discovery): the rules drop those, not (only)
	 * the SYN. */
	bool no_neighbour;
	char from[46], to[46];	/* the addresses used, as text */
	unsigned elapsed_us;	/* from connect() to the answer (or the timeout) */
};

struct netprobe_loader_result {
	bool ran;		/* false: never started (an earlier one failed, or the set-up did) */
	int exit_status;	/* 0-255, or 128 + signal */
	bool timed_out;
	char *output;		/* stdout and stderr, at most NETPROBE_OUTPUT_MAX bytes (+ "..."); never NULL when ran */
	unsigned elapsed_ms;
};

struct netprobe_result {
	enum netprobe_error error;
	/* For the report: what failed, with the loader's words where it was a
	 * loader ("'/usr/sbin/nft -f /etc/nftables.conf' exited with status 1:
	 * /etc/nftables.conf:3:9-9: Error: syntax error, ..."); NULL when
	 * error is NETPROBE_OK.  Untrusted text from the target: escape it
	 * before printing (escape_text()). */
	char *message;
	/* Could the kernel's nf_tables be reached from the probe's namespace? */
	bool nf_tables;
	struct netprobe_port_result *ports;	/* as req->ports, same order */
	size_t n_ports;
	struct netprobe_loader_result *loaders;	/* as req->loaders */
	size_t n_loaders;
	unsigned setup_ms, loaders_ms, probe_ms, total_ms;
	/* The probe's network namespaces (inode numbers), so that tests can
	 * prove no process holds them afterwards. */
	unsigned long long server_netns, client_netns;
};

void netprobe_result_done(struct netprobe_result *r);

/*
 * Probe: load the firewall with req->loaders into a private network
 * namespace and send a SYN to each of req->ports.  Blocks for about the
 * set-up, the loaders and one timeout (see the costs above).
 *
 * Returns 0 with *ret filled whenever the request was valid, whether or not
 * the probe could run: then every port is NETPROBE_ERROR and ret->error and
 * ret->message say why (not root, no namespaces, no netfilter, a foreign
 * architecture, the loader failed ...), for the report to say "the kernel
 * could not be asked: ..." beside the static verdict.  Returns -EINVAL for a
 * bad request (no loader or port, a relative argv[0], port 0, a bad or
 * refused address, an interface name that is not a valid one), -E2BIG
 * for more than NETPROBE_PORTS_MAX ports or NETPROBE_LOADERS_MAX loaders,
 * -ENOMEM.  *ret is owned by the caller (netprobe_result_done()) when 0 is
 * returned.
 */
int netprobe_run(struct target *t, const struct netprobe_request *req, struct netprobe_result *ret);

/* "accepted", "rejected", "dropped", "error". */
const char *netprobe_verdict_name(enum netprobe_verdict v);
/* A phrase for ret->error: "sshfix does not run as root", ... ("" for NETPROBE_OK). */
const char *netprobe_error_name(enum netprobe_error e);
/*
 * How a rejection looked (icmp_type, icmp_code of a port result), in the
 * words of iptables' --reject-with: "tcp-reset" (type -1),
 * "icmp-port-unreachable", "icmp-host-prohibited", "icmp-admin-prohibited",
 * "icmp-net-unreachable", ..., "icmp6-adm-prohibited",
 * "icmp6-port-unreachable", "icmp6-no-route", ...; "icmp-other" or
 * "icmp6-other" for anything else.  nft's "reject" alone answers
 * icmp(6)-port-unreachable; "reject with icmpx admin-prohibited" answers
 * icmp-admin-prohibited / icmp6-adm-prohibited.
 */
const char *netprobe_reject_name(int family, int icmp_type, int icmp_code);
