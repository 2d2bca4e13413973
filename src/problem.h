/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Problems, e2fsck style: every reason sshd refuses a login that sshfix
 * knows has a stable code (PR_*) and a stable kebab-case id, a message
 * template, a severity and flags that say what --apply may do about it.
 * The tables live beside the checks (fixes/<family>.c) and are collected by
 * fixes/registry.c; ids are part of the interface (--only, --skip, --json)
 * and never change meaning once released.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum problem_code {
	/* account-db (fixes/account_db.c) */
	PR_ACCOUNT_FILE_MISSING,
	PR_ACCOUNT_FILE_BAD_LINE,
	/* hostkey-perms (fixes/hostkey_perms.c) */
	PR_HOSTKEY_MODE,
	PR_HOSTKEY_OWNER,
	PR_HOSTKEY_PUB_PERMS,
	PR_HOSTKEY_HARDLINKED,
	PR_HOSTKEY_NOT_REGULAR,
	/* revoked-keys (fixes/revoked_keys.c) */
	PR_REVOKED_KEYS_UNREADABLE,
	/* user-key-paths (fixes/user_key_paths.c) */
	PR_HOME_PERMS,
	PR_KEY_DIR_PERMS,
	PR_AUTHORIZED_KEYS_PERMS,
	PR_KEY_PATH_SYSTEM_DIR,
	PR_KEY_PATH_USER_SYMLINK,
	PR_AUTHORIZED_KEYS_HARDLINKED,
	PR_AUTHORIZED_KEYS_NOT_REGULAR,
	PR_AUTHORIZED_KEYS_UNKNOWN_TOKEN,
	PR_AUTHORIZED_KEYS_TILDE,
	PR_KEYS_COMMAND_UNSAFE,
	/* config-syntax (fixes/config_syntax.c) */
	PR_CONFIG_MISSING,
	PR_CONFIG_UNREADABLE,
	PR_CONFIG_BAD_OPTION,
	PR_CONFIG_BAD_VALUE,
	PR_CONFIG_BAD_QUOTES,
	PR_CONFIG_NO_ARGUMENT,
	PR_CONFIG_NOT_IN_MATCH,
	PR_CONFIG_TRAILING_COMMENT,
	PR_CONFIG_INCLUDE_LOOP,
	/* hostkey-content (fixes/hostkey_content.c) */
	PR_HOSTKEY_MISSING,
	PR_HOSTKEY_EMPTY,
	PR_HOSTKEY_CORRUPT,
	PR_HOSTKEY_RSA_TOO_SMALL,
	PR_HOSTKEY_RSA_WEAK,
	PR_HOSTKEY_PUB_MISMATCH,
	/* config-perms (fixes/config_perms.c) */
	PR_CONFIG_PERMS,
	PR_HOSTKEY_PATH_UNSAFE,
	/* config-dropins (fixes/config_dropins.c) */
	PR_CONFIG_DROPIN_OVERRIDE,
	/* sshd-test (fixes/sshd_test.c) */
	PR_SSHD_TEST_FAILED,
	/* privsep (fixes/privsep.c) */
	PR_PRIVSEP_USER_MISSING,
	PR_PRIVSEP_DIR_MISSING,
	PR_PRIVSEP_DIR_PERMS,
	PR_PRIVSEP_DIR_NOT_PROVIDED,
	PR_SSHD_SESSION_MISSING,
	PR_SSHD_AUTH_MISSING,
	/* ssh-service (fixes/sshd_service.c) */
	PR_SSH_UNIT_MASKED,
	PR_SSH_UNIT_NOT_ENABLED,
	PR_SSHD_NOT_TO_BE_RUN,
	PR_SSHD_OPTS_BAD,
	PR_SSH_SOCKET_PORTS,
	PR_SSHD_BINARY_MISSING,
	/* listen (fixes/listen.c) */
	PR_LISTEN_ADDRESS_INVALID,
	PR_LISTEN_PORT_INVALID,
	PR_LISTEN_FAMILY_MISMATCH,
	PR_LISTEN_LOOPBACK_ONLY,
	PR_LISTEN_CANNOT_BIND,
	PR_LISTEN_ADDRESS_UNKNOWN,
	PR_LISTEN_UNRESOLVABLE,
	PR_LISTEN_PORT_SELINUX,
	/* keys-content (fixes/keys_content.c) */
	PR_AUTHORIZED_KEYS_BOM,
	PR_AUTHORIZED_KEYS_SPLIT_KEY,
	PR_AUTHORIZED_KEYS_PASTE_DAMAGE,
	PR_AUTHORIZED_KEYS_MANGLED_LINE,
	PR_AUTHORIZED_KEYS_BAD_OPTIONS,
	PR_AUTHORIZED_KEYS_TYPE_MISMATCH,
	PR_AUTHORIZED_KEYS_UNSUPPORTED_TYPE,
	PR_AUTHORIZED_KEYS_RSA_TOO_SMALL,
	PR_AUTHORIZED_KEYS_PRIVATE_KEY,
	/* accounts (fixes/accounts.c) */
	PR_ACCOUNT_LOCKED,
	PR_SHELL_INVALID,
	PR_SHELL_NOLOGIN,
	PR_ACCOUNT_EXPIRED,
	PR_PASSWORD_CHANGE_REQUIRED,
	PR_NOLOGIN_FILE,
	PR_NOLOGIN_FILE_CLEARED_AT_BOOT,
	PR_USER_NOT_ALLOWED,
	PR_ROOT_LOGIN_REFUSED,
	PR_PUBKEY_DISABLED,
	PR_AUTH_METHODS_NO_PUBKEY,
	PR_PAM_LIMITS_SESSION,
	PR_PAM_ACCESS_DENIED,
	PR_PAM_LISTFILE_DENIED,
	PR_PAM_SUCCEED_IF_DENIED,
	/* pam (fixes/pam.c) */
	PR_PAM_MODULE_MISSING,
	PR_PAM_TALLY_LOCKED,
	/* fail2ban (fixes/fail2ban.c) */
	PR_FAIL2BAN_BANNED,
	PR_FAIL2BAN_PERMANENT_BAN,
	PR_FAIL2BAN_BANS,
	PR_FAIL2BAN_HOSTSDENY,
	PR_FAIL2BAN_SAVED_RULES,
	/* tcp-wrappers (fixes/tcp_wrappers.c) */
	PR_TCP_WRAPPERS_DENY,
	PR_TCP_WRAPPERS_FAIL2BAN,
	PR_TCP_WRAPPERS_DEPENDS,
	PR_TCP_WRAPPERS_LIST_UNSAFE,
	/* firewall (fixes/firewall.c) */
	PR_FIREWALL_NFTABLES_BLOCKS,
	PR_FIREWALL_IPTABLES_BLOCKS,
	PR_FIREWALL_INCLUDE_UNSAFE,
	PR_FIREWALL_UFW_BLOCKS,
	/* selinux-labels (fixes/selinux_labels.c) */
	PR_SELINUX_LABEL_WRONG,
	PR_SELINUX_RELABEL_NEEDED,
	/* firewalld (fixes/firewalld.c) */
	PR_FIREWALLD_BLOCKS,
	PR_FIREWALLD_FILE_UNSAFE,
	/* logs (fixes/logs.c) */
	PR_LOG_UNEXPLAINED,
	/* client (fixes/client.c): --client, the connecting side */
	PR_CLIENT_KEY_PERMS,
	PR_CLIENT_KEY_OWNER,
	PR_CLIENT_CONFIG_PERMS,
	PR_CLIENT_CONFIG_OWNER,
	PR_CLIENT_FILE_UNSAFE,
	PR_CLIENT_CONFIG_INVALID,
	PR_CLIENT_CONFIG_BAD_OPTION,
	PR_CLIENT_CONFIG_BINARY,
	PR_CLIENT_RSA_SHA1,
	PR_CLIENT_KNOWN_HOST,
	_PR_MAX,
};

enum problem_flags {
	PF_SAFE_AUTO = 1 << 0,		/* --apply fixes it */
	PF_NEEDS_CONFIRM = 1 << 1,	/* fixed only when a person says yes (--interactive) */
	PF_REPORT_ONLY = 1 << 2,	/* explained, never changed */
	/* Evidence of the past, not a state of the target (a log line no finding
	 * explains): reported, but it does not make the exit status say
	 * "problems remain" -- a second --apply after a repair exits 0. */
	PF_HISTORY = 1 << 3,
};

enum severity {
	SEV_INFO,	/* worth knowing; does not stop logins */
	SEV_WARNING,	/* insecure or fragile, logins still work */
	SEV_ERROR,	/* sshd refuses logins because of it */
};

/*
 * One row of a problem table.  The template names the fields of the
 * finding it is filled from: {path}, {user}, {detail}, {line}.
 */
struct problem {
	enum problem_code code;
	const char *id;
	enum severity severity;
	unsigned flags;
	const char *message;	/* one line, what is wrong */
	const char *explain;	/* why sshd cares, with the RULES.md reference */
	/* Problem ids that, when found too, explain this one: it follows
	 * from them (host keys missing because openssh-server is not
	 * installed), is reported after them and not repaired on its own. */
	const char *const *follows_from;
};

/* Shared follows_from lists. */
extern const char *const PROBLEMS_NO_SSHD[];		/* sshd-binary-missing */
extern const char *const PROBLEMS_NO_SSHD_CONFIG[];	/* config-missing, sshd-binary-missing */

const char *severity_name(enum severity s);
