/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where sshd listens, as sshd itself works it out (RULES §3.6), without a
 * lookup through the rescue system: the ListenAddress grammar of servconf.c
 * (host|addr, host:port, v4:port, [host|v6]:port, a bare IPv6 address with
 * two or more ':' and no port, an optional "rdomain NAME"), ports as
 * a2port() reads them (decimal, or a service name from the target's
 * /etc/services), numeric hosts as glibc's getaddrinfo() reads them
 * (inet_aton's classic forms "127.1" and "0x7f.1", inet_pton for IPv6, a
 * "%scope" suffix), the target's /etc/hosts, and the effective listen set:
 * Port lines add up, 22 only without any, and ListenAddress lines are
 * queued until every Port and AddressFamily line has been read.
 *
 * Everything here is pure: text in, values out; no file, no resolver, no
 * printing.  Text arguments with a length may hold any bytes, NUL included.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LISTEN_DEFAULT_PORT 22

/* An address of either family; IPv4 lives in the first 4 bytes. */
struct ip_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];
};

/* Why sshd refuses a ListenAddress line while parsing it (servconf.c). */
enum listen_error {
	LISTEN_OK,
	LISTEN_MISSING_ADDRESS,	/* "missing address" */
	LISTEN_BAD_USAGE,	/* "bad address:port usage" (no ']' , junk after it, a '/') */
	LISTEN_BAD_PORT,	/* "bad port number" */
	LISTEN_BAD_SYNTAX,	/* "bad ListenAddress syntax" (words after the address but no "rdomain NAME") */
	LISTEN_BAD_HOST,	/* "bad addr or host": empty, or holds white space or control bytes; never resolves */
};

enum listen_host_kind {
	LH_NAME,	/* to be resolved (getaddrinfo through the target's resolver) */
	LH_NUMERIC,	/* an address literal: .addr */
};

struct listen_addr {
	char *host;		/* what sshd hands getaddrinfo(): brackets removed */
	char *port_text;	/* the port as written; NULL when the line names none */
	int port;		/* 1-65535; 0 when none (one socket per Port) or when it is bad */
	char *rdomain;		/* NULL when none */
	bool bracketed;		/* written as [host] */
	enum listen_host_kind kind;
	struct ip_addr addr;	/* LH_NUMERIC */
	char *scope;		/* "eth0" of "fe80::1%eth0"; NULL when none */
};

/*
 * Parse the arguments of one ListenAddress line (args[0] the address,
 * NULL-terminated) as sshd 9.x's servconf.c does.  services is the target's
 * /etc/services text (may be NULL) for port names.  Returns 0 with
 * *ret_err saying whether sshd accepts the line (ret is filled as far as
 * parsing got: host, port_text), or -ENOMEM.  ret is owned by the caller
 * (listen_addr_done()) in both cases.
 */
int listen_addr_parse(char *const *args, const char *services, size_t services_len, struct listen_addr *ret,
		      enum listen_error *ret_err);
void listen_addr_done(struct listen_addr *a);
/* sshd's own words for an error ("bad port number"); "" for LISTEN_OK. */
const char *listen_error_message(enum listen_error e);

/*
 * a2port(): a decimal number as strtonum() takes it ("+22" and "022" are
 * 22), else a service name looked up for tcp in /etc/services' text.
 * Returns 1-65535, or -1 (0 is refused by every caller in sshd).
 */
int listen_port_parse(const char *s, const char *services, size_t services_len);
/* getservbyname(name, proto) over /etc/services' text: the port, or -1. */
int services_lookup(const char *text, size_t len, const char *name, const char *proto);

/*
 * Is host an address literal, as glibc's getaddrinfo() decides before any
 * lookup: inet_aton's forms for IPv4 (the whole string), else inet_pton
 * for IPv6 up to an optional '%'.  Returns AF_INET or AF_INET6 and fills
 * *ret (and *ret_scope, owned by the caller, when ret_scope is given and a
 * scope follows), AF_UNSPEC for a name, or -ENOMEM.
 */
int ip_parse_numeric(const char *host, struct ip_addr *ret, char **ret_scope);
/* inet_aton() as glibc's __inet_aton_exact(): a.b.c.d, a.b.c, a.b, a; each part decimal, 0octal or 0xhex. */
bool ip4_aton_exact(const char *s, uint8_t ret[4]);
/* Parse "addr" or "addr/prefix" (either family, no classic IPv4 forms): true on success. */
bool ip_parse_cidr(const char *s, size_t len, struct ip_addr *ret);

bool ip_is_loopback(const struct ip_addr *a);	/* 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104 */
bool ip_is_any(const struct ip_addr *a);	/* 0.0.0.0, :: */
bool ip_is_v4mapped(const struct ip_addr *a);
bool ip_equal(const struct ip_addr *a, const struct ip_addr *b);
/* "192.0.2.1", "2001:db8::1" (inet_ntop); never NULL for a valid family, the buffer must hold 46 bytes. */
const char *ip_to_string(const struct ip_addr *a, char buf[static 46]);

/*
 * The addresses /etc/hosts gives name (matched without case, as the
 * canonical name or an alias, on every line: glibc's "multi on"), of
 * family AF_INET, AF_INET6 or AF_UNSPEC (both), in file order, duplicates
 * dropped.  Returns the number found (0: the name is not there) with
 * *ret (owned by the caller, NULL when 0), or -ENOMEM.  With ret_line,
 * the line of the first match.
 */
int hosts_lookup(const char *text, size_t len, const char *name, int family, struct ip_addr **ret,
		 unsigned *ret_line);

/* One socket sshd would open: a queued ListenAddress (or none) and a port. */
struct listen_entry {
	int addr_index;		/* into the addrs given to listen_set_compute(); -1: every address (no ListenAddress) */
	int port;
};

/*
 * The listen set of RULES §3.6, in sshd's order: each usable ListenAddress
 * (addrs[i] with use[i] true) with its own port, or once per entry of
 * ports (which are in file order; n_ports 0 means the default 22); with
 * no usable ListenAddress at all, every address once per port.  Returns
 * the number of entries with *ret (owned by the caller), or -ENOMEM.
 */
int listen_set_compute(const int *ports, size_t n_ports, const struct listen_addr *addrs, const bool *use,
		       size_t n_addrs, struct listen_entry **ret);
