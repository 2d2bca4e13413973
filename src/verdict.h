/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-user verdict: would sshd let this account in with a public key,
 * and if not, the first reason it would give (RULES §1, §3.3, §3.5, §6,
 * §12.1).  In sshd's own order:
 *
 *   1. the effective configuration for the user: global values, overridden
 *      by the Match blocks that apply (Match User/Group/Host/Address/
 *      LocalAddress/LocalPort/RDomain/All, with OpenSSH's patterns);
 *   2. allowed_user(): with UsePAM no an expired or '!'-locked account;
 *      the shell (skipped with ChrootDirectory); DenyUsers, AllowUsers,
 *      DenyGroups, AllowGroups (USER@HOST entries);
 *   3. PubkeyAuthentication, AuthenticationMethods (a list publickey alone
 *      satisfies);
 *   4. an authorized key: every AuthorizedKeysFile entry ('~' expanded as
 *      sshd does, %-tokens), StrictModes on the way (src/keywalk.h), and at
 *      least one key line in a file sshd accepts;
 *   5. PermitRootLogin for uid 0;
 *   6. with UsePAM yes, the PAM account phase: the account stack of sshd's
 *      service run as libpam runs it (src/pam.h), its modules decided from
 *      the target's files (src/pam_modules.h): /etc/nologin (pam_nologin),
 *      pam_access, pam_listfile, pam_succeed_if, a module that does not
 *      exist; an expired account, a password that must be changed
 *      (pam_unix);
 *   7. the session: pam_limits entries that end it (maxlogins 0, a tiny
 *      nofile), /etc/nologin with UsePAM no, a nologin/false shell.
 *
 * The client is unknown: a Match block or a USER@HOST entry that depends
 * on its address or host name is evaluated both ways, and a verdict that
 * differs between them "depends on where you connect from".
 *
 * Where the target's own sshd runs, the sshd oracle (src/oracle.h) is asked
 * for the effective configuration of the users examined (`sshd -G|-T -C
 * user=U,host=unknown,addr=192.0.2.1,lport=P`): its values are used, and
 * where sshfix's model of the configuration disagrees, a note says so.  sshd
 * runs once per set of Match blocks that apply (src/verdict_config.h's
 * match_key), not once per user: the users of one set share its answer.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "keywalk.h"
#include "pam.h"
#include "pam_limits.h"
#include "pam_modules.h"
#include "run.h"
#include "verdict_config.h"

/* The address and host name of the client sshd is asked about (src/oracle.h). */
#define VERDICT_TEST_HOST "unknown"
#define VERDICT_TEST_ADDR "192.0.2.1"
/*
 * pam_limits: with fewer open files than this, sshd 9.2 cannot run a command
 * without a terminal ("ssh host cmd", scp): measured on Debian 12, nofile 11
 * fails ("exec request failed on channel 0"), 12 works (RULES §12.1).
 */
#define VERDICT_NOFILE_MIN 12

/* Why sshd refuses, in the order it finds out. */
enum verdict_why {
	VW_SERVER,		/* sshd does not start or cannot be reached (set by the caller) */
	VW_ACCOUNT_EXPIRED,	/* shadow expire day passed (UsePAM no: OpenSSH; yes: pam_unix) */
	VW_ACCOUNT_LOCKED,	/* UsePAM no and a '!' password */
	VW_SHELL_MISSING,
	VW_SHELL_NOT_EXECUTABLE,
	VW_DENY_USERS,
	VW_ALLOW_USERS,
	VW_NO_GROUPS,
	VW_DENY_GROUPS,
	VW_ALLOW_GROUPS,
	VW_PUBKEY_DISABLED,
	VW_AUTH_METHODS,
	VW_KEYS_TOKEN,		/* AuthorizedKeysFile with an unknown %-token: the connection is dropped */
	VW_KEYS_REFUSED,	/* keys files exist, sshd refuses or cannot read every one */
	VW_NO_KEYS,
	VW_ROOT_LOGIN,
	VW_NOLOGIN_FILE,
	VW_PAM_MODULE_MISSING,	/* a module of the account stack does not exist: the stack fails */
	VW_PAM_ACCESS,		/* pam_access: a "-" line of access.conf */
	VW_PAM_LISTFILE,	/* pam_listfile */
	VW_PAM_SUCCEED_IF,	/* pam_succeed_if */
	VW_PAM_ACCOUNT,		/* the account stack refuses otherwise (pam_deny, a line libpam cannot use, nothing succeeds) */
	VW_PAM_ACCOUNT_EXPIRED,	/* UsePAM yes: expired, or inactive too long after the password expired */
	VW_PASSWORD_CHANGE,	/* UsePAM yes: the password must be changed; no TTY, no session */
	VW_PAM_LIMITS,
	VW_SHELL_NOLOGIN,	/* authentication works, the session ends at once */
	_VW_MAX,
};

/* A stable name for JSON ("shell-missing"). */
const char *verdict_why_name(enum verdict_why w);

struct verdict_reason {
	enum verdict_why why;
	char *text;		/* one line, what sshd refuses and why */
	char *path;		/* the file that decides (config, /etc/shadow, keys file), or NULL */
	unsigned line;		/* its line, or 0 */
	bool depends;		/* only for some clients (addresses, host names) */
};

enum verdict_state {
	VERDICT_CAN,
	VERDICT_CANNOT,
	VERDICT_DEPENDS,	/* refused from some client addresses or host names, not from others */
};

struct verdict {
	char *user;
	uid_t uid;
	enum verdict_state state;
	struct verdict_reason *reasons;	/* every reason, in sshd's order */
	size_t n_reasons;
	char **evidence;	/* for --verbose: the values and files the verdict rests on */
	bool has_keys;		/* some authorized keys file of the user exists (accepted or not) */
	bool listed;		/* named (without wildcards) by AllowUsers/DenyUsers/AllowGroups/DenyGroups */
	bool login_shell;	/* the shell is in /etc/shells (or, without it, not nologin/false) */
	bool crosschecked;	/* the verdict rests on sshd's effective configuration for this user */
	bool shell_unjudged;	/* the shell's directory is missing (/usr not mounted?): not judged */
};

void verdict_done(struct verdict *v);
/* The first reason that holds for every client, else the first one; NULL for VERDICT_CAN. */
const struct verdict_reason *verdict_first(const struct verdict *v);
/* Add a reason (copies the strings); used by the caller for VW_SERVER.  Returns 0 or -ENOMEM. */
int verdict_add_reason(struct verdict *v, enum verdict_why why, bool depends, const char *path, unsigned line,
		       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Recompute v->state from the reasons. */
void verdict_settle(struct verdict *v);

struct verdict_shells;

/* Facts shared by every user's verdict, read once. */
struct verdict_env {
	long today;			/* days since 1970 (SOURCE_DATE_EPOCH wins, for tests) */
	bool nologin;			/* /etc/nologin exists */
	bool this_system;		/* the target is the running system (target_is_this_system()) */
	char *nologin_cleared;		/* what removes /etc/nologin at every boot (units_boot_clears_nologin()), or NULL */
	char **shells;			/* /etc/shells entries; NULL when there is no such file */
	const struct pam_stack *pam;	/* sshd's PAM service: the model's, or pam_own */
	struct pam_stack *pam_own;	/* read by verdict_env_init() when the model has none */
	struct pam_cache *pam_cache;	/* files the modules read (access.conf, ...) */
	char *hostname;			/* /etc/hostname, for pam_access's USER@HOST */
	bool pam_limits;		/* pam_limits.so is in sshd's PAM session stack */
	char *pam_limits_where;		/* "FILE:LINE" of that line */
	struct pam_limits limits;	/* limits.conf, then limits.d in name order, as pam_limits reads them */
	struct keywalk_cache *cache;	/* directories outside homes */
	struct verdict_shells *shells_seen;	/* stat of each shell, once */
	char *keys_command;		/* the last AuthorizedKeysCommand judged (RULES §1.10), */
	char *keys_command_refused;	/* and why sshd will not run it (NULL: it runs) */
	/* Set by the caller: walk every keys file (StrictModes, key lines) and keep
	 * evidence, as --who does.  Without it, keys files are only looked up
	 * (has_keys), and no reason about them is given: what the checks need,
	 * at a third of the cost on 10,000 accounts. */
	bool detailed;
	/* Set by the caller: --from ADDR, the client's address (canonical), or
	 * NULL for one that is not local.  Given, the Match blocks, AllowUsers
	 * USER@HOST and pam_access origins are read for it (its host name is
	 * the address, as sshd has it with UseDNS no), and sshd is asked for it. */
	const char *from;
	/* The target's own sshd */
	bool crosscheck;		/* ask it (set by the caller) */
	struct oracle *oracle;		/* the model's; NULL: sshd is never asked */
	const struct oracle_config *sshd_answer;	/* the last answer read, */
	struct verdict_config sshd_values;	/* its values, */
	int sshd_differ;		/* and how many differ from the model's */
	char **notes;			/* for the report: model/sshd disagreements, things not judged */
};

/*
 * Does /etc/nologin keep non-root users out, for the machine sshfix
 * answers about?  On the running system, while it exists.  Examined offline
 * (a mounted disk, an initramfs before switch-root), the question is the
 * next boot: on a systemd target that removes it (RULES §6.2), it blocks
 * nothing then.
 */
bool verdict_nologin_blocks(const struct verdict_env *env);

/* Read the shared facts.  Returns 0 or -ENOMEM; missing files are facts, not errors. */
int verdict_env_init(struct target *t, const struct model *m, struct verdict_env *ret);
void verdict_env_done(struct verdict_env *e);

/* target_stat() of a shell, remembered for the first 16 paths: its return value, and *ret. */
int verdict_env_stat_shell(struct target *t, struct verdict_env *env, const char *shell, struct stat *ret);

/*
 * Would sshd run AuthorizedKeysCommand command (RULES §1.10)?  Judged once
 * per command string: env->keys_command_refused says why not (NULL: it
 * runs).  Returns 0 or -ENOMEM.
 */
int verdict_env_keys_command(struct target *t, const struct accounts *a, struct verdict_env *env,
			     const char *command);

/*
 * Compare the output of the target's `sshd -G`/`-T` for user with the
 * model's values for the same connection: a note in env for every value
 * that differs.  Returns the number of differences, or -ENOMEM.  Exposed
 * for tests.
 */
int verdict_compare_dump(struct verdict_env *env, const char *user, const char *dump,
			 const struct verdict_config *model);

/*
 * The verdict for pw (the first passwd entry of its name).  With
 * env->crosscheck, and when the user is worth it (has keys, is listed or
 * has a login shell), the target's sshd is asked (once per Match outcome).
 * Returns 0 with *ret (free with verdict_done()), or -ENOMEM.
 */
int verdict_user(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		 struct verdict *ret);
