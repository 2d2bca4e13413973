/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the static firewall evaluators (src/iptables.h, src/nft.h) share:
 * the packet they judge and the shape of their answer.
 *
 * The packet is the first SYN of a new TCP connection to one of sshd's
 * ports, arriving on the machine's main interface (never lo) from the
 * client's address: --from, or "an address that is not local" (then a rule
 * that names a particular source network does not match it, and one that
 * excludes a network does).  The destination address is the machine's own
 * and not known here: a rule that depends on it could not be judged.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fw_verdict {
	FW_ACCEPT,	/* the packet passes this chain (or ruleset) */
	FW_DROP,	/* dropped: the client times out */
	FW_REJECT,	/* rejected: "Connection refused" or "No route to host" */
	FW_UNKNOWN,	/* a rule on the way could not be judged statically */
};

/* The packet. */
struct fw_packet {
	int family;		/* AF_INET or AF_INET6 */
	uint16_t port;		/* destination port */
	const char *from;	/* numeric source address, or NULL: any address that is not local */
};

/* The answer for one packet. */
struct fw_answer {
	enum fw_verdict verdict;
	const char *file;	/* the file of the deciding rule or policy (owned by the ruleset) */
	unsigned line;		/* its line; 0 when none decides (nothing loaded) */
	char what[160];		/* "policy drop of chain input", "rule -j DROP", "ip saddr @x: an ipset" */
};

/* "accepts", "drops", "rejects", "could not be judged". */
const char *fw_verdict_name(enum fw_verdict v);

/* Tri-state matches. */
enum { FW_NO = 0, FW_YES = 1, FW_MAYBE = -1 };

/*
 * Does the source address spec ("192.0.2.0/24", "2001:db8::/32",
 * "10.0.0.1", "10.0.0.0/255.0.0.0") hold the packet's source?  Without
 * --from only a /0 network holds it.  FW_MAYBE for a spec that is no
 * numeric address (a host name, an ipset).
 */
int fw_addr_match(const char *spec, const struct fw_packet *p);

/*
 * Is port in the spec: "22", "ssh" (the few names sshd ports are given),
 * "1000:2000" (iptables) or "1000-2000" (nft)?  FW_MAYBE for a service
 * name it does not know.
 */
int fw_port_match(const char *spec, uint16_t port);

/* How a parser reads the files a loader would: the caller's (the target,
 * planned contents over it, the safety rules of the family). */
struct fw_reader {
	/* 0 with a NUL-terminated copy; -ENOENT when missing; -EFBIG, -EISDIR, ... */
	int (*read)(void *userdata, const char *path, char **ret_data, size_t *ret_len);
	/* sorted matches of a glob pattern (NULL-terminated, may be empty) */
	int (*glob)(void *userdata, const char *pattern, char ***ret_paths);
	void *userdata;
};

struct addresses;
struct listen_set;
struct target;

/*
 * The name of the machine's one network interface, for the kernel probe's
 * interface (rules that match iifname / -i): on the running system the
 * interfaces with an address now, else the interface the boot's
 * configuration names for its addresses (ifupdown, netplan, NetworkManager,
 * networkd), lo left out.  NULL when there is none, more than one, or a
 * name that is a pattern: the probe then calls it eth0.
 */
const char *fw_main_ifname(const struct addresses *a);

/*
 * The packets to judge: one per (family, port) sshd is reached on at boot
 * (the listen set, socket activation included; loopback-only addresses
 * left out), only --from's family when from is given.  Returns how many
 * were put in out (at most max).
 */
size_t fw_packets(const struct listen_set *ls, const char *from, struct fw_packet *out, size_t max);

/*
 * Read a file a firewall loader reads at boot, as root would, but never
 * through a symlink a user controls, never a file in a directory a user
 * can change (it may be a hard link to /etc/shadow), never one with more
 * than one hard link, never a secret: those are not read (-EPERM,
 * *ret_refused set): a loader's words about them could print their
 * content.  *ret_unsafe (static) says why a file read or refused is one
 * a user can change, else NULL.  Returns 0 with a NUL-terminated copy of
 * at most CONFIG_MAX bytes, or -errno.
 */
int fw_read_root_file(struct target *t, const char *path, char **ret_data, size_t *ret_len, const char **ret_unsafe,
		      bool *ret_refused);
