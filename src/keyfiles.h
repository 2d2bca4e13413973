/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which authorized keys files sshd reads for an account (RULES §1.2-1.3),
 * shared by the checks that look at them (user-key-paths: their owners and
 * modes; keys-content: what is in them) and by --add-key.  Pure functions
 * over the model: nothing is opened here.
 */
#pragma once

#include "accounts.h"
#include "sshd_config.h"
#include "verdict_config.h"

/*
 * AuthorizedKeysFile as sshd uses it: the arguments of its first line outside
 * Match ("none" dropped), else the default ".ssh/authorized_keys
 * .ssh/authorized_keys2".  Returns 0 and a NULL-terminated vector owned by
 * the caller (empty for "none"), or -ENOMEM.
 */
int keyfiles_patterns(const struct sshd_config *c, char ***ret);

/*
 * The patterns sshd may use for each account: AuthorizedKeysFile may be set
 * in a Match block ("Match Group sftp" / "AuthorizedKeysFile
 * /etc/ssh/keys/%u"), and then an account's patterns are the ones its
 * effective configuration gives (src/verdict_config.h), for a client that
 * matches none of the blocks that depend on the client and for one that
 * matches all of them: each is a file sshd reads for some client.  Without
 * such a block, every account's are keyfiles_patterns(), computed once.
 */
struct keyfiles_set {
	const struct sshd_config *c;
	const struct accounts *a;
	const struct sshd_option *global_opt;	/* the AuthorizedKeysFile line outside Match, or NULL */
	char **global;		/* keyfiles_patterns() */
	bool *wanted;		/* per Match block: it sets AuthorizedKeysFile; NULL when none does */
	enum verdict_match *applies;	/* per Match block, for the last account */
	char **mine;		/* the last account's, when some block sets it */
};
/* Returns 0 or -ENOMEM; free with keyfiles_set_done() either way. */
int keyfiles_set_init(struct keyfiles_set *s, const struct sshd_config *c, const struct accounts *a);
/* pw's patterns, NULL-terminated, valid until the next call.  Returns 0 or -ENOMEM. */
int keyfiles_set_for(struct keyfiles_set *s, const struct pw_entry *pw, char ***ret);
void keyfiles_set_done(struct keyfiles_set *s);

/*
 * Expand %%, %h, %u and %U for pw (RULES §1.2).  Returns 0 with *ret (caller
 * frees), -EINVAL with *ret_bad set to the character after an unknown '%'
 * (or '?' at the end), or -ENOMEM.
 */
int keyfiles_expand_tokens(const char *pattern, const struct pw_entry *pw, char **ret, char *ret_bad);

/*
 * The account whose home a leading '~' names, as sshd expands it once when
 * it reads its configuration, as root (RULES §1.3): "~/x" is root's, "~bob/x"
 * bob's.  NULL when there is no such account.
 */
const struct pw_entry *keyfiles_tilde_owner(const struct accounts *a, const char *pattern);

/*
 * The absolute path sshd opens for pw from one pattern: tokens expanded, a
 * relative result below pw->dir.  Returns 0 with *ret (caller frees); 1 when
 * the pattern is not pw's file (a "~" pattern names another account's, which
 * sshd reads for pw too, but which belongs to that account); -EINVAL with
 * *ret_bad for an unknown token; -ENOMEM.
 */
int keyfiles_path(const struct accounts *a, const char *pattern, const struct pw_entry *pw, char **ret,
		  char *ret_bad);

/*
 * The account's own keys files, each of its patterns (keyfiles_set_for())
 * expanded for it (another account's "~" file and patterns with unknown
 * tokens left out).  Returns 0 with a NULL-terminated vector the caller
 * frees, or -ENOMEM.
 */
int keyfiles_paths(const struct sshd_config *c, const struct accounts *a, const struct pw_entry *pw, char ***ret);

/*
 * Whether an account's keys file exists, as the first look at it in this
 * scan found it.  With 10,000 accounts, each keys file is looked up by
 * user-key-paths (which walks it), by keys-content (which reads it) and by
 * the verdict (which asks whether the account has one): the answer, once
 * known, saves the others a lookup (issue 11: the scan within 1.5x of find).
 * What a check reports never depends on who looked first: an answer not yet
 * known is KEYFILE_UNKNOWN, and the asker looks at the target itself.
 * Indexed by the account's place in passwd and the pattern's place in
 * keyfiles_patterns(): a byte per file.  The model holds it, so it starts
 * empty again when the model is rebuilt (after repairs, to verify them).
 */
enum keyfile_seen {
	KEYFILE_UNKNOWN,
	KEYFILE_ABSENT,		/* nothing there: not even a dangling symlink */
	KEYFILE_PRESENT,	/* it resolves in the target */
};
struct model;
struct keyfiles_seen;
enum keyfile_seen keyfiles_seen(const struct model *m, const struct pw_entry *pw, const char *pattern);
/* Record what a lookup found; returns 0 or -ENOMEM (the answer is then just not kept). */
int keyfiles_seen_note(struct model *m, const struct pw_entry *pw, const char *pattern, bool exists);
void keyfiles_seen_free(struct keyfiles_seen *s);
