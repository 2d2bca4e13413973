/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshd_config keywords, as the server's own table has them (servconf.c
 * keywords[]), with the OpenSSH version that introduced each (RULES §3.9),
 * where it may appear (global, inside Match), whether its values add up
 * (RULES §3.3), and what its argument must look like.  With it a keyword
 * the target's sshd does not know is recognised without running sshd.
 */
#pragma once

#include <stdbool.h>

enum {
	KW_GLOBAL = 1 << 0,	/* allowed outside Match */
	KW_MATCH = 1 << 1,	/* allowed inside Match */
	KW_MULTI = 1 << 2,	/* every line adds a value (Port, HostKey, AllowUsers, ...) */
	KW_DEPRECATED = 1 << 3,	/* accepted with "Deprecated option", no effect */
	KW_IGNORED = 1 << 4,	/* accepted silently, no effect (Protocol) */
	KW_DEBIAN = 1 << 5,	/* only in Debian/Ubuntu builds (a patch): fatal on upstream */
	KW_ALL = KW_GLOBAL | KW_MATCH,
};

/* What the argument of a single-valued keyword must be (for the value check). */
enum kw_arg {
	KA_ANY,		/* not checked */
	KA_FLAG,	/* yes | no */
	KA_PORT,	/* 1..65535 */
	KA_INT,		/* a non-negative decimal integer */
	KA_ROOT,	/* PermitRootLogin's values */
	KA_FAMILY,	/* any | inet | inet6 */
	KA_TIME,	/* sshd's time format: 30, 1m, 1h30m, ... */
};

struct sshd_keyword {
	const char *name;	/* as the manual spells it; matched with strcasecmp */
	unsigned flags;
	unsigned char since_major, since_minor;	/* 0.0: older than anything we meet */
	unsigned char until_major, until_minor;	/* removed (a bad option) from this version on; 0.0: never */
	enum kw_arg arg;
};

/* The keyword named s (any case), or NULL: sshd says "Bad configuration option". */
const struct sshd_keyword *sshd_keyword_lookup(const char *s);

/*
 * Does an sshd of this version (major < 0: unknown, assume the newest) and
 * build (debian: carries Debian's patches) accept the keyword?  Sets
 * *ret_why to a static phrase when it does not.
 */
bool sshd_keyword_supported(const struct sshd_keyword *kw, int major, int minor, bool debian, const char **ret_why);

/* Check a value for kw; NULL when fine, else a static phrase ("must be yes or no"). */
const char *sshd_keyword_check_value(const struct sshd_keyword *kw, const char *value);

/* The known keyword closest to s (edit distance <= 2), for "did you mean": NULL if none. */
const char *sshd_keyword_suggest(const char *s);
