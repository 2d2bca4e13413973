/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fail2ban on the target, read offline (RULES §10): its configuration as
 * fail2ban 1.0 reads it, the bans its server restores when it starts, and
 * whether the boot starts it.
 *
 * Configuration: for a name (jail, fail2ban) in /etc/fail2ban, NAME.conf,
 * the .conf files of NAME.d (sorted), NAME.local, the .local files of
 * NAME.d (sorted), each with its [INCLUDES] before= and after= files (and their .local), read with
 * Python's configparser rules (key = value or key: value, keys without
 * case, indented continuation lines, '#' and ';' comment lines, " ;"
 * inline comments) and merged as fail2ban merges them: a later file's
 * [DEFAULT] and sections override single options, and the value a section
 * had before is kept for %(known/option)s.  Values are interpolated as
 * BasicInterpolation does, with fail2ban's additions: %(__name__)s is the
 * section, %(default/x)s, %(known/x)s and %(section/x)s; 10 levels at most.
 *
 * Bans: table bips(ip, jail, timeofban, bantime, bancount, data) of the
 * database named by fail2ban.conf's dbfile, read either by the target's own
 * python3 and its sqlite3 module, run in the sandbox on the file opened
 * read-only and immutable, or by sshfix's own reader of the file format
 * (src/sqlite_ro.h).  Both give the same rows, in rowid order, without
 * those that no start can restore (bantime >= 0 and timeofban + bantime <=
 * now); whether a jail restores one is f2b_ban_restored().
 *
 * Nothing here writes to the target or prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target.h"
#include "util.h"

#define F2B_CONF_DIR "/etc/fail2ban"
#define F2B_DEFAULT_DB "/var/lib/fail2ban/fail2ban.sqlite3"

/* ---- configuration ---- */

struct f2b_ini;

int f2b_ini_new(struct f2b_ini **ret);
void f2b_ini_free(struct f2b_ini *ini);
DEFINE_CLEANUP(struct f2b_ini, f2b_ini_free)
/*
 * Parse one file's text (file names it in notes) and merge it into ini, as
 * fail2ban merges the next file of its list.  Lines configparser refuses
 * are skipped with a note.  Returns 0 or -ENOMEM.
 */
int f2b_ini_read(struct f2b_ini *ini, const char *file, const char *text, size_t len);
/*
 * The value of option in section (else in [DEFAULT]), interpolated.
 * Returns 1 with *ret (owned by the caller), 0 when the option is not set,
 * -EINVAL when interpolation fails (a missing name, a loop, a stray '%'),
 * -ENOMEM.  With ret_where, "FILE line N" of the raw value (caller frees).
 */
int f2b_ini_get(const struct f2b_ini *ini, const char *section, const char *option, char **ret, char **ret_where);
/* The section names in the order first seen ([DEFAULT] and [INCLUDES] left out); NULL-terminated. */
int f2b_ini_sections(const struct f2b_ini *ini, char ***ret);
/* Notes about lines and files that were not understood (owned by ini). */
char *const *f2b_ini_notes(const struct f2b_ini *ini);

/* One action of a jail's action= list: "iptables-multiport[port=ssh, ...]". */
enum f2b_action_kind {
	F2B_ACTION_PORTS,	/* blocks the jail's ports (iptables-multiport, nftables, ufw, firewallcmd-*, ...) */
	F2B_ACTION_ALLPORTS,	/* blocks every port (*-allports, route, shorewall, ...) */
	F2B_ACTION_HOSTSDENY,	/* writes "ALL: ADDR" to /etc/hosts.deny (TCP wrappers) */
	F2B_ACTION_NOTIFY,	/* mails or reports, blocks nothing (sendmail-*, abuseipdb, ...) */
};

struct f2b_action {
	char *name;
	char *port;		/* port= given to this action, else NULL */
	char *protocol;		/* protocol= given to this action, else NULL */
	enum f2b_action_kind kind;
};

struct f2b_jail {
	char *name;
	bool enabled;
	char *enabled_where;	/* "FILE line N" of the enabled= line, or NULL */
	bool bad_enabled;	/* enabled= is not a boolean: fail2ban refuses the jail */
	char *port;		/* interpolated, or NULL */
	char *protocol;
	struct f2b_action *actions;
	size_t n_actions;
	int64_t bantime;	/* seconds, -1: for ever; valid when bantime_ok */
	bool bantime_ok;
	char *bantime_text;
	bool increment;		/* bantime.increment */
	int64_t maxtime;	/* bantime.maxtime, -1 when unset */
	char **ignoreip;	/* words, never NULL after loading */
	bool ignoreself;
};

struct f2b_config {
	bool installed;		/* /etc/fail2ban/jail.conf or fail2ban.conf exists */
	char *dbfile;		/* the ban database's path, or NULL when none (":memory:", "None") */
	char *dbfile_where;
	int64_t dbpurgeage;	/* seconds, -1 unknown */
	struct f2b_jail *jails;
	size_t n_jails;
	char **files;		/* every file read, in order */
	char **notes;
};

/* Read /etc/fail2ban of the target.  Returns 0 (installed false without one) or -ENOMEM. */
int f2b_config_load(struct target *t, struct f2b_config *ret);
/* The same from an ini already read (tests). */
int f2b_config_from_ini(const struct f2b_ini *jail, const struct f2b_ini *f2b, struct f2b_config *ret);
void f2b_config_done(struct f2b_config *c);
const struct f2b_jail *f2b_config_jail(const struct f2b_config *c, const char *name);

/* fail2ban's MyTime.str2seconds for the forms people write: "600", "-1", "10m", "1h 30m", "1w", "1d12h". */
int f2b_str2seconds(const char *s, int64_t *ret);

/*
 * Does a ban of jail j block TCP connections to port?  A blocking action
 * that covers every port, or whose port list (its own port=, else the
 * jail's port=) holds it: numbers, ranges "a:b", "all", names from
 * services (the target's /etc/services text; "ssh" is 22 without it).
 * hostsdeny blocks sshd only where sshd uses TCP wrappers (libwrap).
 * Sets *ret_action to the action that blocks (or NULL).
 */
bool f2b_jail_blocks_port(const struct f2b_jail *j, int port, const char *services, size_t services_len, bool libwrap,
			  const struct f2b_action **ret_action);
bool f2b_jail_uses_hostsdeny(const struct f2b_jail *j);
/* Does ignoreip of j hold addr (an address literal)?  Returns the matching word, or NULL. */
const char *f2b_ignoreip_match(const struct f2b_jail *j, const char *addr);

/* ---- bans ---- */

struct f2b_ban {
	char *ip;		/* a valid address literal, as stored */
	char *jail;
	int64_t timeofban, bantime, bancount;
};

struct f2b_bans {
	struct f2b_ban *v;
	size_t n;
	size_t expired;		/* rows no start restores */
	size_t bad;		/* rows whose values are not what fail2ban writes (not an address, not a number) */
	char *sqlite_version;	/* the target's, when python read them */
};

void f2b_bans_done(struct f2b_bans *b);
/* Rows of bips by sshfix's own reader.  Returns 0, or the errors of sqlite_ro_scan() with *ret_error. */
int f2b_bans_from_image(const void *image, size_t len, int64_t now, struct f2b_bans *ret, char **ret_error);
/*
 * Rows from what f2b_python_read printed: accepted only when every line is
 * exactly in its format and the count at the end matches (the output of a
 * target program is hostile data).  Returns 0, -EBADMSG (with *ret_error)
 * or -ENOMEM.
 */
int f2b_bans_from_python(const char *out, size_t len, struct f2b_bans *ret, char **ret_error);
/* One line per row, the same for both readers: what the tests compare. */
int f2b_bans_format(const struct f2b_bans *b, struct buf *out);

/* The programs run with the target's python3: read (argv: DB NOW) and unban (argv: DB TMPDIR LIMIT IP JAIL...). */
extern const char f2b_python_read[];
extern const char f2b_python_unban[];

/*
 * Would jail j restore ban b when fail2ban starts at `now`
 * (jail.py:restoreCurrentBans, database.py:getCurrentBans): the row
 * matches the query, the ban time corrected to the jail's current maximum
 * is still running, and ignoreip does not hold the address?  Returns true
 * with *ret_until (the end of the ban, or -1: never).
 */
bool f2b_ban_restored(const struct f2b_jail *j, const struct f2b_ban *b, int64_t now, int64_t *ret_until);

/* ---- the target ---- */

/* How the bans were read: by the target's python3 or by sshfix's own reader, and why. */
struct f2b_read_info {
	bool python;		/* the target's python3 read them */
	char *python_path;	/* the interpreter used or tried */
	char *why_not_python;	/* why it could not, when !python */
	char *error;		/* neither could: why (a corrupt file, ...) */
	uint64_t size;
	bool wal_pending;	/* a non-empty -wal or -journal file beside it (not read) */
	/* Not root's, or in a directory a user can write (fail2ban.conf may put
	 * it in /var/tmp): a user's file, read only by sshfix's own reader and
	 * never rewritten (DESIGN §5). */
	bool untrusted;
};
void f2b_read_info_done(struct f2b_read_info *i);

/*
 * The database file as fail2ban would open it, examined without following
 * a symlink in its last component and without opening anything but a
 * regular file: returns an fd (read-only) with its stat, -ELOOP for a
 * symlink, -EINVAL for a FIFO, device or socket, -EFBIG over max bytes,
 * -ENOENT, or -errno.
 */
int f2b_db_open(struct target *t, const char *path, size_t max, struct stat *ret_st);

/*
 * Read the bans in the database at path: the target's python3 first (the
 * interpreter fail2ban-server names), sshfix's reader when it cannot run or
 * the file is a user's (info->untrusted).
 * Returns 0 with *ret and *info, a negative errno with info->error set
 * when neither could read the file (the caller reports it), or -ENOMEM.
 */
int f2b_read_bans(struct target *t, const char *path, int64_t now, struct f2b_bans *ret, struct f2b_read_info *info);

/* An address and jail whose rows the unban removes. */
struct f2b_pair {
	const char *ip, *jail;
};
/*
 * The database with the rows of pairs deleted from bips and bans, made by
 * the target's python3 in the sandbox on a copy in its private /run, from
 * the same bytes as image (checked by hash); the pages it changed are
 * carried back and applied to image, and the result is checked by hash.
 * Returns 0 with *ret_data and *ret_len (caller frees) and *ret_version (the
 * target's sqlite version), or -errno with *ret_why (caller frees).
 */
int f2b_unban(struct target *t, const char *python, const char *path, const void *image, size_t len,
	      const struct f2b_pair *pairs, size_t n_pairs, char **ret_data, size_t *ret_len, char **ret_version,
	      char **ret_why);
/* The interpreter fail2ban-server runs with (its #! line), else /usr/bin/python3; caller frees. */
char *f2b_python_path(struct target *t);

/*
 * Does the boot start fail2ban?  systemd (the init, or installed where
 * /sbin/init says nothing): fail2ban.service, not masked, starts at boot
 * as the units provider c says (units_starts_at_boot()); SysV or OpenRC:
 * a start link.  Returns 1 or 0 with *ret_why (caller frees; may be
 * NULL), or -ENOMEM.
 */
struct units;
int f2b_starts_at_boot(struct units *c, struct target *t, char **ret_why);
