/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's addresses, one provider for every family that needs them
 * (the listen check, RULES §3.7; the firewall families, which need
 * interface names too): what the target's boot configures, read offline
 * through the parsers of src/netconf.h from
 *
 *  - ifupdown's /etc/network/interfaces with its source and
 *    source-directory includes (bounded: 8 levels, 256 files);
 *  - netplan (/run, /etc, /lib, /usr/lib netplan: the first of each name);
 *  - NetworkManager keyfiles when NetworkManager is installed, and, with
 *    no profile at all, NetworkManager's DHCP "Wired connection" on every
 *    wired device unless no-auto-default=*;
 *  - systemd-networkd .network files when systemd-networkd is enabled;
 *  - EL network-scripts and SUSE sysconfig ifcfg-* files;
 *  - wg-quick and keepalived (addresses that come late, but come);
 *  - cloud-init, which writes the network configuration at boot (a dynamic
 *    source unless its network config is disabled);
 *
 * plus sysctl.d's ip_nonlocal_bind (the kernel then lets a program bind an
 * address the machine does not have), loopback (127.0.0.0/8 and ::1 exist
 * on every booted Linux machine), and, when the target is the running
 * system (target_is_this_system()), its live interfaces from getifaddrs(3),
 * a netlink query, not NSS.  Read once per model; nothing here writes or
 * prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "listen_addr.h"
#include "netconf.h"
#include "target.h"

struct run;

/* An address an interface of the running system has now. */
struct live_addr {
	struct ip_addr addr;
	char *ifname;
};

struct addresses {
	struct netconf conf;	/* static addresses (file, line, interface) and dynamic sources (DHCP, a cloud) */
	size_t n_files;		/* configuration files that stated an address or a dynamic source */
	int nonlocal4, nonlocal6;	/* net.ipv4/ipv6.ip_nonlocal_bind from sysctl.d: 1, 0, or -1 unset */
	char *nonlocal4_where;	/* "FILE line N (net.ipv4.ip_nonlocal_bind = 1)", NULL when unset */
	bool live;		/* the target is the running system: live_addrs are its interfaces now */
	struct live_addr *live_addrs;
	size_t n_live;
};

/*
 * Read what the target's boot configures (and, on the running system, its
 * interfaces).  Unreadable files count as missing.  Returns 0 with *ret
 * (owned by the caller, addresses_free()), or -ENOMEM.
 */
int addresses_load(struct target *t, struct addresses **ret);
void addresses_free(struct addresses *a);

/*
 * The addresses of run's target, read on first use and kept in the model
 * until model_done().  Returns 0 with *ret (owned by the model), or
 * -ENOMEM.
 */
int addresses_get(struct run *run, const struct addresses **ret);

enum addr_source {
	ADDR_NONE,		/* neither configured nor live (the caller decides what that means) */
	ADDR_LOOPBACK,		/* 127.0.0.0/8 or ::1: every machine has it */
	ADDR_CONFIGURED,	/* a file configures it for the boot (*ret_conf) */
	ADDR_LIVE,		/* an interface of the running system has it now (*ret_live) */
};

/*
 * Where the machine has address a (an IPv4-mapped IPv6 address counts as
 * its IPv4 one).  ret_conf and ret_live may be NULL; the entries point into
 * as.
 */
enum addr_source addresses_find(const struct addresses *as, const struct ip_addr *a,
				const struct netconf_addr **ret_conf, const struct live_addr **ret_live);

/* a, with an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as its IPv4 one: the same socket address for a bind. */
struct ip_addr addresses_unmap(const struct ip_addr *a);

/* Whether a program can bind an address when the machine boots (RULES §3.7). */
enum addr_bind {
	BIND_LOOPBACK,		/* 127.0.0.0/8 or ::1 */
	BIND_ANY,		/* 0.0.0.0 or :: */
	BIND_HAS,		/* configured for the boot, or on an interface of the running system */
	BIND_NONLOCAL,		/* not the machine's, but ip_nonlocal_bind lets it be bound (*ret_why: where) */
	BIND_UNSURE,		/* IPv6 not configured anywhere: router advertisements assign addresses at run time */
	BIND_NO_SOURCE,		/* no network configuration read here names any address: not judged */
	BIND_MISSING,		/* the machine does not have it (*ret_why: the evidence) */
	BIND_UNCONFIRMED,	/* no file names it, and IPv4 addresses come from DHCP or a cloud (*ret_why) */
};

/*
 * Judge address a against what the boot configures (and, on the running
 * system, its interfaces), in this order: loopback, the any-address,
 * configured or live, ip_nonlocal_bind, IPv6, the running system's
 * interfaces, a dynamic source, no source at all.  Returns 0 with *ret and,
 * for BIND_NONLOCAL, BIND_MISSING and BIND_UNCONFIRMED, *ret_why (owned by
 * the caller; NULL otherwise), or -ENOMEM.
 */
int addresses_bindable(const struct addresses *as, const struct ip_addr *a, enum addr_bind *ret, char **ret_why);

/*
 * What the boot configures, as evidence lines: "configured: ADDR, FILE line
 * N (what)" for the first max_addrs addresses, then "configured: N more
 * addresses", and "dynamic: ..." for the first max_dynamic dynamic sources.
 * Returns 0 with *ret (NULL-terminated, owned by the caller), or -ENOMEM.
 */
int addresses_describe(const struct addresses *as, size_t max_addrs, size_t max_dynamic, char ***ret);
