/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * firewalld's permanent configuration as firewalld loads it at start, and
 * what it does to a new TCP connection to one of sshd's ports (RULES §8.5,
 * issue 12).
 *
 * Read: DefaultZone= from /etc/firewalld/firewalld.conf ("public" when it
 * is missing or names no zone), every zone and policy in
 * /usr/lib/firewalld/{zones,policies} with a file of the same name in
 * /etc/firewalld/ replacing it, the services they name (an /etc ssh.xml
 * over /usr/lib's, <include>s followed), and the zone of each interface
 * from NetworkManager keyfiles (zone=) and ifcfg files (ZONE=) besides the
 * zones' own <interface> elements.
 *
 * The walk is the nftables backend's (firewall/core/nftables.py, 1.x and
 * 2.x): a packet from a zone's <source> goes to that zone, else to the
 * zone of its interface, else to the default zone.  In the zone: policies
 * to HOST with a negative priority, the zone's rich rules with a negative
 * priority, its drop/reject rich rules, its services, ports, protocols and
 * accept rich rules, rich rules with a positive priority, policies with a
 * positive priority, then the zone's target (default and %%REJECT%%
 * reject, DROP drops, ACCEPT accepts).  An element that depends on what
 * this offline reading cannot know (an ipset, a MAC address, a destination
 * address, a forward-port of the ssh port) makes the answer FW_UNKNOWN
 * when it could change it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "fwcommon.h"

#define FWD_CONF "/etc/firewalld/firewalld.conf"

struct fwd_config;

/*
 * Load what firewalld would load.  Returns 0 with *ret (fwd_config_free()),
 * -EBADMSG when a file it needs cannot be read as firewalld would (then
 * *ret_why, with the file and line; the caller frees), another -errno from
 * the reader, or -ENOMEM.
 */
int fwd_load(const struct fw_reader *rd, struct fwd_config **ret, char **ret_why);
void fwd_config_free(struct fwd_config *c);

/* The answer of one zone a new connection can arrive in. */
struct fwd_answer {
	const char *zone;	/* owned by the config */
	const char *zone_file;	/* the file that defines it */
	char why[96];		/* "the default zone", "interface eth1", "source 192.0.2.0/24" */
	struct fw_answer a;
	int blocker_priority;	/* the priority of the rule that blocks; 0 for a target */
	bool blocker_early;	/* a drop/reject rich rule before the zone's services (priority <= 0) */
	bool blocker_policy;	/* a policy before the zone blocks it: no change in the zone can help */
};

/* Every zone p can arrive in, with its answer; returns how many were put in ret (at most max). */
size_t fwd_eval(const struct fwd_config *c, const struct fw_packet *p, struct fwd_answer *ret, size_t max);

/*
 * The zone p arrives in on interface ifname as firewalld alone decides it
 * (a <source>, a zone's <interface>, else the default zone): what the
 * kernel probe sees, where NetworkManager is not running to hand firewalld
 * its zone= for the interface.  Owned by c.
 */
const char *fwd_zone_without_nm(const struct fwd_config *c, const struct fw_packet *p, const char *ifname);

/*
 * The smallest change to zone z that lets p in, given the answer a that
 * blocks it: the firewall-offline-cmd option (--add-service=ssh,
 * --add-port=P/tcp or --add-rich-rule=...) in *ret_option and the same as
 * a zone XML element in *ret_element (both the caller's).  Returns 0,
 * -ENOTSUP when no change in the zone can help (a policy blocks it, or a
 * rule at the lowest priority), or -ENOMEM.
 */
int fwd_plan(const struct fwd_config *c, const struct fwd_answer *a, const struct fw_packet *p, char **ret_option,
	     char **ret_element);

/*
 * The zone file text with element added before its closing </zone>, for
 * /etc/firewalld/zones/NAME.xml: from the /etc file when there is one,
 * else a copy of /usr/lib's.  Returns 0, -EBADMSG when the text has no
 * closing tag to put it before, or -ENOMEM.
 */
int fwd_zone_add(const char *text, size_t len, const char *element, char **ret, size_t *ret_len);
