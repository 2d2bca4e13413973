/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The effective sshd configuration for one user and one connection, as
 * sshfix's own model computes it (RULES §3.3, §3.5): the global lines,
 * overridden by the Match blocks that apply (Match User/Group/Host/Address/
 * LocalAddress/LocalPort/RDomain/All, with OpenSSH's patterns), first value
 * wins, lists a Match block replaces.  Also the same values read from the
 * target's own sshd (src/oracle.h), their differences, and the key that
 * says which connections sshd answers alike.
 */
#pragma once

#include <stdbool.h>

#include "accounts.h"
#include "sshd_config.h"

struct oracle_config;

/* How connection-dependent criteria are read. */
enum verdict_world {
	WORLD_UNMATCHED,	/* the unknown client matches none of them */
	WORLD_MATCHED,		/* ... matches all of them */
	WORLD_CONCRETE,		/* the client below; no local address or routing domain, as sshd -T -C */
};

struct verdict_conn {
	enum verdict_world world;
	const char *host, *addr;	/* WORLD_CONCRETE */
	int lport;			/* WORLD_CONCRETE; 0: not given */
};

enum verdict_root {
	ROOT_YES,
	ROOT_PROHIBIT_PASSWORD,	/* = without-password: keys are fine */
	ROOT_FORCED_COMMANDS_ONLY,
	ROOT_NO,
};

/*
 * The options the verdict reads, as sshd would use them for one user and
 * one connection.  The src_* pointers name the line each value came from
 * (into the sshd_config it was computed from); NULL for a default, or when
 * the value is sshd -T's.
 */
struct verdict_config {
	bool use_pam, pubkey, strict_modes;
	enum verdict_root root;
	char **keys_files;	/* AuthorizedKeysFile, '~' already expanded as sshd does; never NULL */
	char **auth_methods;	/* AuthenticationMethods lists; empty: any */
	char **allow_users, **deny_users, **allow_groups, **deny_groups;	/* never NULL */
	char *chroot;		/* ChrootDirectory; NULL: none */
	char *keys_command;	/* AuthorizedKeysCommand; NULL: none */
	const struct sshd_option *src_use_pam, *src_pubkey, *src_root, *src_keys_files, *src_auth_methods,
		*src_allow_users, *src_deny_users, *src_allow_groups, *src_deny_groups, *src_chroot;
	char **depends_on;	/* Match blocks that depend on the client: "FILE line N: Match Address ..." */
	char *invalid;		/* something sshd refuses in the configuration (the whole of it), or NULL */
	/*
	 * Which Match blocks apply, by index ("1,4"; "" for none): two
	 * connections with the same key get the same configuration from sshd,
	 * whoever the user.  NULL when that rests on something not known (a
	 * block that depends on the client, a LocalPort service name) or the
	 * configuration is invalid: then only sshd can say.
	 */
	char *match_key;
};

void verdict_config_done(struct verdict_config *vc);

/*
 * The effective configuration for user (who need not exist) and conn.
 * Returns 0 with *ret (free with verdict_config_done()), or -ENOMEM.
 */
int verdict_config_for(const struct sshd_config *c, const struct accounts *a, const char *user,
		       const struct verdict_conn *conn, struct verdict_config *ret);

/*
 * Which of c's Match blocks apply to user (who need not exist), for a
 * client not known: each block i with wanted[i] evaluated once, as
 * verdict_config_for() does, into ret[i] (c->n_matches entries); a block
 * not wanted, or one sshd refuses (config-syntax reports it), is
 * VERDICT_MATCH_NO.  Cheaper than verdict_config_for() when only a few
 * blocks matter.  Returns 0 or -ENOMEM.
 */
enum verdict_match {
	VERDICT_MATCH_NO,
	VERDICT_MATCH_YES,
	VERDICT_MATCH_DEPENDS,	/* on the client: Host, Address, ... */
};
int verdict_config_matches(const struct sshd_config *c, const struct accounts *a, const char *user,
			   const bool *wanted, enum verdict_match *ret);

/* The only port sshd listens on (Port lines, else 22); 0 when there are several. */
unsigned verdict_config_single_port(const struct sshd_config *c);

/*
 * The same values from sshd's own effective configuration (sshd -G/-T's
 * lines; no src_* pointers).  Returns 0 with *ret, or -ENOMEM.
 */
int verdict_config_from_sshd(const struct oracle_config *sshd, struct verdict_config *ret);

/*
 * Every value sshd and the model see differently, as phrases ("UsePAM is
 * yes for sshd, no in the model").  Returns the number of differences with
 * *ret (NULL when none; owned by the caller), or -ENOMEM.
 */
int verdict_config_diff(const struct verdict_config *sshd, const struct verdict_config *model, char ***ret);

/* Take sshd's values into vc, keeping the model's sources where the value is the same.  Returns 0 or -ENOMEM. */
int verdict_config_adopt(struct verdict_config *vc, const struct verdict_config *sshd);

/* PermitRootLogin's value as sshd -T prints it. */
const char *verdict_root_name(enum verdict_root r);
