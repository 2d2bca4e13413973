/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP wrappers (RULES §7): what libwrap's hosts_access() decides for one
 * connection to sshd, read from /etc/hosts.allow and /etc/hosts.deny as
 * Debian's tcp-wrappers 7.6.q (libwrap0, Debian 12) reads them, with the
 * extended options language Debian compiles in (hosts_access(5),
 * hosts_options(5)):
 *
 *  - hosts.allow is read first; its first matching entry grants, then the
 *    first matching entry of hosts.deny denies, else access is granted; a
 *    file that does not exist is empty.  One that cannot be opened is
 *    skipped (hosts.allow) or denies (hosts.deny).
 *  - Lines as xgets() reads them: a 2048-byte buffer, "\\\n" joins lines,
 *    a NUL byte hides the rest of its line, and a line without a newline
 *    (the file's last, or one longer than 2047 bytes) ends the file:
 *    "all the subsequent rules will be ignored", and in hosts.deny that is
 *    a denial.  A line is a comment only when '#' is its first byte.
 *  - "daemon_list : client_list [: options]", split at ':' outside [...];
 *    lists of words separated by blanks and commas, EXCEPT nested to the
 *    right; daemon@host, a server port ("22"), user@host (the client's
 *    ident answer), ALL, KNOWN, UNKNOWN, LOCAL, PARANOID, @netgroup,
 *    .domain, net. prefixes, n.n.n.n/m.m.m.m, n.n.n.n/len, [v6]/len,
 *    [v6], '*' and '?' wildcards, and /file lists of patterns, which may
 *    name further lists (bounded here; libwrap recurses without end).
 *  - Options of the first matching entry, in order: allow and deny decide
 *    (and must come last), twist hands the connection to a shell command
 *    instead of sshd, aclexec lets a command's exit status decide, and any
 *    option libwrap refuses (an unknown name, a missing or extra value, a
 *    bad umask, severity or setenv name, an unknown user) denies.
 *
 * What sshfix cannot know offline is never guessed: a host name (reverse
 * DNS, checked forward), the client's address without --from, its ident
 * answer, a netgroup, a command's exit status.  The answer is then "depends",
 * saying on what, unless every possibility ends the same way.
 *
 * Pure: text in, answer out.  Pattern lists are read through a callback.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "accounts.h"

/* libwrap's line buffer (hosts_access.c BUFLEN): longer lines end the file. */
#define TW_BUFLEN 2048
/* How deep /file lists may name further lists here (libwrap: no limit). */
#define TW_LIST_DEPTH 8
/* How many lists one evaluation reads at most. */
#define TW_LISTS_MAX 64

#define TW_ALLOW_PATH "/etc/hosts.allow"
#define TW_DENY_PATH "/etc/hosts.deny"

enum tw_kind {
	TWF_MISSING,	/* does not exist: an empty file */
	TWF_REGULAR,	/* data, len */
	TWF_DIR,	/* fopen() works, reading fails: no entry */
	TWF_FIFO,	/* fopen() blocks until someone writes: the connection hangs */
	TWF_OTHER,	/* a socket: fopen() fails; hosts.allow is skipped, hosts.deny denies */
	TWF_DEVICE,	/* what a device reads is not known */
	TWF_UNREAD,	/* sshfix could not read it (error) */
};

struct tw_file {
	enum tw_kind kind;
	char *data;	/* TWF_REGULAR; owned, freed by tw_file_done() */
	size_t len;
	int error;	/* TWF_UNREAD: -errno */
	bool unsafe;	/* a user can change what it says (pattern lists) */
};

void tw_file_done(struct tw_file *f);

/* The connection asked about.  NULL or 0: not known. */
struct tw_query {
	const char *daemon;	/* "sshd": __progname (RULES §7.2) */
	const char *client;	/* the client's address (inet_ntop text); NULL: an address that is not local */
	const char *client_name;	/* its host name as libwrap finds it ("unknown", "paranoid") */
	const char *user;	/* its ident (RFC 931) answer */
	const char *server;	/* the address it connects to */
	const char *server_name;
	unsigned port;		/* the port it connects to */
	const struct accounts *accounts;	/* for the user and group options; NULL: not known */
};

/* Read a pattern list for "/file" (the path as written); fill ret, return 0 or -ENOMEM. */
typedef int (*tw_read_fn)(void *userdata, const char *path, struct tw_file *ret);

enum tw_verdict { TW_GRANT, TW_DENY, TW_DEPENDS };

enum tw_how {
	TWH_DEFAULT,		/* no entry matched: granted */
	TWH_ENTRY,		/* an entry matched: granted in hosts.allow, denied in hosts.deny */
	TWH_OPT_ALLOW,		/* its "allow" option */
	TWH_OPT_DENY,		/* its "deny" option */
	TWH_OPT_TWIST,		/* "twist": the connection goes to a shell command, never to sshd */
	TWH_OPT_ERROR,		/* an option libwrap refuses: it denies */
	TWH_UNTERMINATED,	/* no newline, or longer than 2047 bytes: hosts.deny denies */
	TWH_UNREADABLE,		/* hosts.deny cannot be opened: it denies */
	TWH_STALL,		/* a FIFO: libwrap waits for a writer, the connection hangs */
	TWH_CRASH,		/* a list that names itself: libwrap recurses until sshd's child crashes */
};

struct tw_step {
	enum tw_verdict verdict;	/* what it decides: TW_GRANT or TW_DENY */
	enum tw_how how;
	int table;		/* 0 hosts.allow, 1 hosts.deny, -1 none (TWH_DEFAULT) */
	unsigned line;		/* first physical line of the entry, 1-based; 0: the whole file */
	char *text;		/* the entry as one line, trimmed and cut (NULL for a file) */
	char *detail;		/* the option, or the pattern list, that decides; or NULL */
	bool certain;		/* it decides whatever the unknowns are */
	bool everyone;		/* the entry matches sshd for every client, port and address */
	bool sshd_only;		/* its daemon list is the one word "sshd" */
	bool single_address;	/* "DAEMON: ADDR" and nothing else: fail2ban's hostsdeny action */
};

struct tw_result {
	enum tw_verdict verdict;
	/* GRANT, DENY: the entry that decides.  DEPENDS: the first entry that may. */
	struct tw_step step;
	struct tw_step alt;	/* DEPENDS: the first step that decides the other way */
	char *depends_on;	/* DEPENDS: on whether what, a statement ("the client's host name matches ...") */
	/* The hosts.allow line before which an entry for the client is read
	 * before anything that could refuse it; 0: at the end of the file. */
	unsigned insert_line;
	char **unsafe_lists;	/* pattern lists a user can change: "PATH (FILE line N)" */
};

void tw_result_done(struct tw_result *r);

/*
 * Evaluate tables[0] (hosts.allow) then tables[1] (hosts.deny) for q.
 * read (may be NULL: every list unreadable) reads /file lists.  Returns 0
 * with *ret filled (free with tw_result_done()), or -ENOMEM.
 */
int tw_evaluate(const struct tw_file tables[2], const struct tw_query *q, tw_read_fn read, void *userdata,
		struct tw_result *ret);

/* "sshd: 192.0.2.20" / "sshd: [2001:db8::1]" / "sshd: ALL" (addr NULL): an entry that grants it; caller frees. */
char *tw_allow_entry(const char *daemon, const char *addr);

/* The hosts.allow or hosts.deny name of a table index. */
const char *tw_table_path(int table);
