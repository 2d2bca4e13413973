/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which IP addresses a machine configures for itself, read offline from
 * its network configuration (for the listen check, RULES §3.7): ifupdown's
 * /etc/network/interfaces, netplan YAML, NetworkManager keyfiles,
 * systemd-networkd .network files, EL/SUSE ifcfg files, wg-quick and
 * keepalived configurations, and sysctl's ip_nonlocal_bind.
 *
 * Each parser takes one file's text (any bytes; a file that is not what it
 * claims yields nothing, never an error) and adds what it states to a
 * struct netconf: static addresses with the file and line that name them
 * and the interface they go on,
 * and reasons why more addresses may appear at run time (DHCP, SLAAC
 * aside: IPv6 is never judged offline).  YAML is read line by line,
 * defensively: only the keys that matter (addresses, dhcp4), by
 * indentation; anything else is skipped.  Pure: no file access, no output.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "listen_addr.h"

struct netconf_addr {
	struct ip_addr addr;
	char *where;		/* "FILE line N (what)" */
	char *ifname;		/* the interface it is configured on, as the file names it
				 * (a netplan id, a networkd Name= pattern); NULL when unknown */
};

struct netconf {
	struct netconf_addr *addrs;
	size_t n_addrs;
	char **dynamic;		/* why IPv4 addresses may be assigned at run time: "FILE line N: ..." */
};

void netconf_done(struct netconf *nc);
/* Returns 0 or -ENOMEM.  ifname may be NULL (not known). */
int netconf_add_address(struct netconf *nc, const struct ip_addr *a, const char *ifname, const char *file,
			unsigned line, const char *what);
int netconf_add_dynamic(struct netconf *nc, const char *file, unsigned line, const char *what);
/* The first recorded address equal to a (an IPv4-mapped IPv6 address matches its IPv4 one), or NULL. */
const struct netconf_addr *netconf_find(const struct netconf *nc, const struct ip_addr *a);

/* An include of /etc/network/interfaces: "source PATTERN" or "source-directory DIR". */
struct ifupdown_include {
	char *pattern;		/* as written */
	bool directory;		/* source-directory: every run-parts name in it */
};

/*
 * ifupdown (interfaces(5)): "iface NAME inet dhcp|bootp|ppp|wvdial|ipv4ll"
 * is dynamic; "address" options of inet/inet6 static stanzas and the
 * addresses of "up/post-up/pre-up ip addr add ..." commands are static.
 * The includes are returned for the caller to read (ret_includes: array of
 * *ret_n entries, owned by the caller, ifupdown_includes_free()).
 */
int netconf_parse_ifupdown(struct netconf *nc, const char *file, const char *text, size_t len,
			   struct ifupdown_include **ret_includes, size_t *ret_n);
void ifupdown_includes_free(struct ifupdown_include *v, size_t n);
/* Does a file name pass run-parts' rule ([A-Za-z0-9_-]+), as source-directory requires? */
bool ifupdown_run_parts_name(const char *name);

/* netplan: "addresses:" lists (not under "nameservers:") and "dhcp4: true"; the interface is the
 * id under ethernets:, bonds:, bridges:, vlans:, wifis:, tunnels: ... */
int netconf_parse_netplan(struct netconf *nc, const char *file, const char *text, size_t len);

/*
 * NetworkManager keyfile: [ipv4] method=auto (also the default when
 * unset) is dynamic; address1=, addresses= etc. of [ipv4] and [ipv6] are
 * static.  A port of a bond or bridge (master=, controller=) has no
 * addresses of its own.  The interface is [connection] interface-name=.
 */
int netconf_parse_nmconnection(struct netconf *nc, const char *file, const char *text, size_t len);

/*
 * systemd-networkd .network: [Network] DHCP=yes|ipv4|both|true|on|1 is
 * dynamic; Address= of [Network] and [Address] is static, on [Match]
 * Name= (its first word, maybe a pattern).  A file whose
 * [Match] has Virtualization=container applies only inside containers and
 * is skipped (returns 1); else returns 0.
 */
int netconf_parse_networkd(struct netconf *nc, const char *file, const char *text, size_t len);

/*
 * EL network-scripts and SUSE sysconfig ifcfg-*: BOOTPROTO=dhcp (bootp,
 * dhcp4, dhcp+autoip, auto) is dynamic; IPADDR, IPADDRn, IPADDR_x,
 * IPV6ADDR and IPV6ADDR_SECONDARIES are static.  ONBOOT=no or
 * STARTMODE=off|manual: the interface is not brought up at boot; nothing
 * counts.
 */
int netconf_parse_ifcfg(struct netconf *nc, const char *file, const char *text, size_t len);

/* wg-quick: [Interface] Address = a/n, b/n (the interface, named as the file, exists while the tunnel is up). */
int netconf_parse_wireguard(struct netconf *nc, const char *file, const char *text, size_t len);

/* keepalived: the addresses of virtual_ipaddress { } blocks (assigned while the node is master),
 * on their "dev X", else the vrrp_instance's "interface X". */
int netconf_parse_keepalived(struct netconf *nc, const char *file, const char *text, size_t len);

/*
 * sysctl.d(5): the value of the last "key = value" line for key (with '.'
 * or '/' separators, an optional leading '-'), or -1 when none; the
 * value's first character decides ('1'..'9' -> 1, '0' -> 0).  With
 * ret_line, the line it came from.
 */
int sysctl_value(const char *text, size_t len, const char *key, unsigned *ret_line);
