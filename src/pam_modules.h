/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the PAM modules of an account stack decide for one user (RULES
 * §6.2, §13.4), read from the target's own files as the modules of
 * Linux-PAM 1.5.2 read them:
 *
 *  - pam_access: /etc/security/access.conf (or accessfile=), then
 *    access.d/NAME.conf when nothing matched; "+|-:users:origins" lines, the
 *    first that matches wins; users are names (compared without case),
 *    group names (unless nodefgroup), "(group)", ALL, "user@host" (host:
 *    this machine's name), "@netgroup"; origins are ALL, LOCAL (never a
 *    network login: sshd sets PAM_RHOST), addresses, "a.b.c." prefixes,
 *    addr/len networks, ".domain" and host names; EXCEPT at any depth.
 *  - pam_listfile: item=user|group|shell|rhost|ruser|tty, sense=allow|deny,
 *    file=, onerr=, apply=; a world-writable or non-regular file refuses.
 *  - pam_succeed_if: "field op value" conditions (user, uid, gid, shell,
 *    home, service, rhost, ruser, tty; < <= > >= eq ne = != =~ !~ in notin
 *    ingroup notingroup innetgr), all must hold; use_uid asks about sshd's
 *    own user, root.
 *  - pam_permit, pam_deny, pam_nologin, pam_shells, pam_localuser, and the
 *    account phase of pam_unix (its expiry checks are the verdict's own),
 *    pam_faillock and pam_tally2 (which only reset counters there: a
 *    counter never refuses a key, measured on Debian 12).
 *
 * Anything about the client that sshfix cannot know offline (its address,
 * its host name, a netgroup, a name to resolve) is read in one of two
 * worlds, as the verdict reads Match blocks: the client matches every such
 * token, or none; the evaluation says it depended on one.  With a concrete
 * client address, addresses and networks are compared with it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "accounts.h"
#include "pam.h"
#include "target.h"

/* Files the modules read, read once per run (many users, one access.conf). */
struct pam_cache;

void pam_cache_free(struct pam_cache *c);

/* Who logs in, and from where. */
struct pam_subject {
	const struct accounts *a;
	const struct pw_entry *pw;
	const char *service;	/* PAM_SERVICE: "sshd" */
	bool matched;		/* the unknown client matches every client-dependent token (else none) */
	const char *addr;	/* a concrete client address, or NULL: one that is not local */
	bool nologin;		/* /etc/nologin keeps non-root users out (verdict_nologin_blocks()) */
	const char *hostname;	/* this machine's name (/etc/hostname), or NULL */
};

struct pam_eval {
	enum pam_ret ret;
	bool judged;		/* false: sshfix does not model this module; ret assumes success */
	bool depends;		/* a client-dependent token took part */
	char *path;		/* the policy file and line that decided, or NULL */
	unsigned line;
	char *text;		/* what the module decides, one line, or NULL */
};

void pam_eval_done(struct pam_eval *e);

/*
 * What l's module returns for who, in l's stack.  cache may be NULL (no
 * caching).  Returns 0 with *ret (free with pam_eval_done()), or -ENOMEM.
 */
int pam_module_eval(struct target *t, struct pam_cache **cache, const struct pam_line *l,
		    const struct pam_subject *who, struct pam_eval *ret);

/*
 * pam_access over one file's text (exposed for tests): returns 1 when a
 * line matched (ret->ret SUCCESS or PERM_DENIED, ret->path/line/text set),
 * 0 when none did, or -ENOMEM.
 */
int pam_access_text(const char *file, const char *text, size_t len, const char *fieldsep, const char *listsep,
		    bool nodefgroup, const struct pam_subject *who, struct pam_eval *ret);
