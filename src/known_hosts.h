/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Forgetting a host in a known_hosts file, as `ssh-keygen -R` does (RULES
 * §5.3; sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"; OpenSSH hostfile.c
 * hostkeys_foreach_file(), match_maybe_hashed(), host_hash()), with one
 * difference on purpose: a line naming several hosts ("a,b,192.0.2.1 KEY")
 * loses only the name asked for, not the other hosts' entry.
 *
 * A line is read as ssh reads it: leading spaces and tabs skipped; empty and
 * '#' lines are comments; an optional "@cert-authority"/"@revoked" marker;
 * the host field up to the next space or tab; then the key.  The host field
 * is either one hashed name "|1|<base64 salt>|<base64 HMAC-SHA1(salt, name)>"
 * (HashKnownHosts) or a comma list of names and patterns.  Names compare as
 * ssh compares them, without case; a pattern ("*.example.com", "!x") is not a
 * name and is never removed.  Marker lines are kept, as ssh-keygen -R keeps
 * them.  A host on a port other than 22 is written "[host]:port".
 *
 * Every other byte of the file is kept as it was: comments, lines that are
 * not entries, NUL bytes, CRLF, a missing final newline.  Pure: no I/O.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Longest name accepted for --forget-host (ssh's NI_MAXHOST, 1025 with the NUL). */
#define KNOWN_HOSTS_NAME_MAX 1024

/*
 * The name to look for, as ssh writes it: lower case; "[host]:22" is plain
 * "host".  arg is "host" or "[host]:port".  Returns 0 with *ret (caller
 * frees), -EINVAL with *ret_why (static) for an empty name, blanks, control
 * characters, ',', a pattern character (* ? !), a leading '|' or '@', a bad
 * port, or "host:port" without brackets; -ENOMEM.
 */
int known_hosts_name(const char *arg, char **ret, const char **ret_why);

/*
 * Does the hashed host field f[0..n) ("|1|salt|hash") name `name`?  1 yes,
 * 0 no, -EINVAL when it is not a valid hashed field (ssh: "bad host hash").
 */
int known_hosts_hash_matches(const char *f, size_t n, const char *name);

/* "|1|<salt>|<hash>" for name with a 20-byte salt; caller frees; NULL on ENOMEM. */
char *known_hosts_hash(const char *name, const unsigned char salt[20]);

enum known_hosts_what {
	KH_LINE_REMOVED,	/* the whole line named only this host: removed */
	KH_HASHED_REMOVED,	/* a hashed line for this host: removed */
	KH_NAME_REMOVED,	/* the name was removed from a list that keeps other names */
	KH_MARKER_KEPT,		/* an @cert-authority/@revoked line naming the host: kept */
	KH_BAD_LINE,		/* not a known_hosts entry (no key, a bad marker or hash): kept */
};

struct known_hosts_event {
	unsigned line;		/* 1-based */
	enum known_hosts_what what;
};

struct known_hosts_result {
	struct known_hosts_event *events;	/* in line order */
	size_t n_events;
	size_t n_removed;	/* events that changed the file */
};

void known_hosts_result_done(struct known_hosts_result *r);

/*
 * Remove name (from known_hosts_name()) from data[0..len).  out receives the
 * whole new content (equal to the input when nothing matched).  Returns 0,
 * or -ENOMEM (then out and *ret are undefined; free them).
 */
int known_hosts_forget(const char *data, size_t len, const char *name, struct buf *out,
		       struct known_hosts_result *ret);
