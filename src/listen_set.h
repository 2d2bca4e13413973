/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every (address, port) sshd listens on at boot, one provider for every
 * family that needs it (the listen check, the service check's
 * socket-versus-config comparison, the firewall families), each entry with
 * the file and line that names it:
 *
 *  - sshd's own view (RULES §3.6, src/listen_addr.h): Port lines add up
 *    (22 only without any), AddressFamily's first value counts, and every
 *    ListenAddress (host|addr, host:port, v4:port, [host|v6]:port, a bare
 *    IPv6 address, "rdomain NAME") is queued until all Port and
 *    AddressFamily lines are read; port names come from the target's
 *    /etc/services.
 *  - The command line (RULES §3.3): the flags the ssh service passes
 *    (src/sshd_cmdline.h: $SSHD_OPTS, $OPTIONS).  -p discards every Port
 *    line; -o Port adds to them; -o ListenAddress is
 *    queued before the files' lines; -o AddressFamily, -4 and -6 come before
 *    the file's AddressFamily, so they win.  A value with shell expansions
 *    ($, `) is not evaluated (cmdline_unjudged says where).
 *  - Socket activation (RULES §11.4, §13.5): when the boot starts ssh.socket
 *    (or sshd.socket) and not the service (units_starts_at_boot(): enable
 *    links or a boot target's pull), systemd listens, on the socket's
 *    ListenStream= values: the unit file, then its drop-ins in systemd's
 *    order, as the units provider loads them (an empty ListenStream=
 *    resets the list).  Ubuntu 24.04's sshd-socket-generator writes
 *    /run/systemd/generator/<socket>.d/addresses.conf from sshd_config at
 *    every boot: modelled as that drop-in (reset, then sshd's own view), so
 *    a leftover /etc/systemd/system/ssh.socket.d/addresses.conf of 22.10-23.10
 *    overrides it, as systemd's directory order says.
 *
 * Computed once per model, on first use (listen_set_get()).  The inputs the
 * families share for the same questions (/etc/services, /etc/hosts,
 * nsswitch.conf, the host name) are kept with it, and names are resolved
 * only through the target's own files (listen_set_resolve()), never the
 * rescue system's resolver.  Nothing here writes or prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "listen_addr.h"
#include "sshd_cmdline.h"
#include "sshd_config.h"
#include "target.h"

struct run;
struct units;

/*
 * sshd stops at start beyond 16 sockets (sshd.c MAX_LISTEN_SOCKS, "Too many
 * listen sockets"); the set keeps far more, but not lines times ports
 * without bound: a hostile configuration must not cost gigabytes.
 */
#define LISTEN_SOCKETS_MAX 4096

enum listen_origin {
	LISTEN_FROM_DEFAULT,	/* no Port anywhere: 22 */
	LISTEN_FROM_CONFIG,	/* sshd_config or a file it includes */
	LISTEN_FROM_CMDLINE,	/* -p, -o, -4, -6 in the variables ExecStart= passes to sshd */
	LISTEN_FROM_SOCKET,	/* ListenStream= of the socket unit or one of its drop-ins */
	LISTEN_FROM_GENERATOR,	/* sshd-socket-generator's addresses.conf, from sshd_config at boot */
};

/* One port sshd uses for every ListenAddress without its own. */
struct listen_port {
	int port;			/* 1-65535 */
	enum listen_origin origin;
	const struct sshd_option *o;	/* the Port line (for -p and -o, one the set owns); NULL for the default */
};

/* One ListenAddress, in sshd's queue order (-o first, then the files). */
struct listen_line {
	const struct sshd_option *o;	/* the line; for -o one the set owns, naming the environment file */
	enum listen_origin origin;	/* LISTEN_FROM_CONFIG or LISTEN_FROM_CMDLINE */
	struct listen_addr la;
	enum listen_error err;		/* LISTEN_OK: sshd takes it.  A port name is taken as given when
					 * the target has no /etc/services to judge it by. */
	bool family_mismatch;		/* an address of the other family than AddressFamily: sshd stops
					 * ("bad addr or host ... Address family for hostname not supported") */
};

/* One socket. */
struct listen_sock {
	char *host;		/* as written without brackets; NULL: every address */
	int port;		/* 1-65535; 0 for a ListenStream= that is no TCP socket (a path, vsock:) */
	char *rdomain;		/* "ListenAddress ... rdomain NAME", else NULL */
	enum listen_origin origin;
	const char *file;	/* the line that names it (the ListenAddress, else the Port line; ListenStream=) */
	unsigned line;		/* 0 when no line does (the default port, the generator) */
	int line_index;		/* sshd's sockets: the ListenAddress in ->lines; -1 when none */
	char *value;		/* ListenStream=VALUE as written; NULL for sshd's own sockets */
};

struct listen_set {
	/* sshd's own view: what it binds when it listens itself */
	int family;				/* AF_UNSPEC (any), AF_INET, AF_INET6 */
	const struct sshd_option *family_opt;	/* the AddressFamily that counts (or -4/-6), NULL when none */
	enum listen_origin family_origin;
	bool ports_from_cmdline;		/* -p given: every Port line is ignored */
	struct listen_port *ports;		/* in order; never empty (the default 22) */
	size_t n_ports;
	struct listen_line *lines;
	size_t n_lines;
	struct listen_sock *sshd;		/* listen_set_compute() over the lines sshd takes */
	size_t n_sshd;
	const struct listen_line *fatal;	/* the first line sshd stops at when it starts (also under -t):
						 * a parse error or a family mismatch; NULL when none */
	char *cmdline_unjudged;			/* "FILE line N" of a variable with shell expansions, else NULL */

	/* socket activation */
	char *socket_unit;			/* "ssh.socket" or "sshd.socket" when installed, else NULL */
	char *socket_path;			/* its unit file */
	bool socket_activated;			/* the boot starts the socket, not the service: ListenStream= decides */
	bool socket_generator;			/* Ubuntu's sshd-socket-generator is installed */
	struct listen_sock *stream;		/* the socket's ListenStream= after its drop-ins */
	size_t n_stream;

	/* the answer: stream when socket_activated, else sshd */
	const struct listen_sock *boot;
	size_t n_boot;

	/* the target's files these questions need; NULL (len 0) when missing */
	char *services, *hosts, *nsswitch, *hostname;
	size_t services_len, hosts_len, nsswitch_len;

	/* storage: the options made from the command line, the files they name */
	struct sshd_option *cmd_opts;
	size_t n_cmd_opts;
	char **strings;
};

/*
 * Work the listen set out for cfg (may be NULL: no sshd_config) and the
 * flags the service passes (cmdline, src/sshd_cmdline.h; may be NULL) on
 * target t, whose units provider is units (src/units.h).
 * Unreadable optional files count as missing.  Returns 0 with *ret (owned by
 * the caller, listen_set_free(); it points into cfg, which must outlive
 * it), or -ENOMEM.
 */
int listen_set_load(struct units *units, struct target *t, const struct sshd_config *cfg,
		    const struct sshd_cmdline *cmdline, struct listen_set **ret);
void listen_set_free(struct listen_set *ls);

/*
 * The listen set of run's target, built on first use and kept in the model
 * until model_done().  Returns 0 with *ret (owned by the model), or -ENOMEM.
 */
int listen_set_get(struct run *run, const struct listen_set **ret);

/*
 * The sockets sshd opens when only the ListenAddress lines with keep[i] set
 * remain (keep indexes ->lines; NULL: the lines sshd takes), as a repair
 * would leave them, in sshd's order, at most about LISTEN_SOCKETS_MAX (later
 * lines are left out).  A kept line whose port is bad counts as one without
 * a port.  Returns the number of entries with *ret (owned by
 * the caller; addr_index points into ->lines), or -ENOMEM.
 */
int listen_set_sockets_keeping(const struct listen_set *ls, const bool *keep, struct listen_entry **ret);

/*
 * The line that names the port of socket e: its ListenAddress when that
 * names the port itself, else the Port line (or -p) that gives it; NULL for
 * the default 22.
 */
const struct sshd_option *listen_set_port_line(const struct listen_set *ls, const struct listen_entry *e);

/*
 * The only TCP port sshd is reached on at boot (->boot: the socket's when
 * socket-activated, else sshd's own), for Match LocalPort and sshd -T -C
 * lport=; 0 when there are several or none.
 */
int listen_set_single_port(const struct listen_set *ls);

enum listen_resolved {
	LISTEN_UNRESOLVED,	/* neither /etc/hosts nor nss-myhostname gives the name */
	LISTEN_BY_HOSTS,	/* /etc/hosts: *ret_addrs */
	LISTEN_BY_MYHOSTNAME,	/* nss-myhostname (in nsswitch.conf's hosts:): localhost names or the host name */
};

/*
 * The addresses the target gives name for family (AF_UNSPEC: both), as
 * glibc would without DNS: /etc/hosts (every line, duplicates dropped),
 * then nss-myhostname when nsswitch.conf's hosts: line names it, which
 * answers localhost, *.localhost and the host name.  Returns the kind
 * (with *ret_addrs, owned by the caller, and *ret_n for LISTEN_BY_HOSTS;
 * *ret_loopback for LISTEN_BY_MYHOSTNAME), or -ENOMEM.
 */
int listen_set_resolve(const struct listen_set *ls, const char *name, int family, struct ip_addr **ret_addrs,
		       size_t *ret_n, bool *ret_loopback);

/*
 * Sockets as comparable endpoints: "*:22" for every address (no host,
 * 0.0.0.0, ::), else "HOST:PORT" without brackets; sorted, duplicates and
 * non-TCP entries dropped.  Returns 0 with *ret (owned by the caller,
 * NULL-terminated, never NULL), or -ENOMEM.
 */
int listen_set_endpoints(const struct listen_sock *v, size_t n, char ***ret);

/*
 * Where sshd's own view comes from, for messages: "FILE line N: Port 2222,
 * FILE line M: ListenAddress ..." (cmdline entries as "FILE line N: -p
 * 2222"), or "no Port or ListenAddress line, so 22".  And the socket's:
 * "FILE line N: ListenStream=V, ..." (the generator's as "FILE (...):
 * ListenStream=V").  Return 0 with *ret (owned by the caller), or -ENOMEM.
 */
int listen_set_describe_sshd(const struct listen_set *ls, char **ret);
int listen_set_describe_stream(const struct listen_set *ls, char **ret);
