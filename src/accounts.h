/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's accounts, from its own /etc/passwd, /etc/group and
 * /etc/shadow.  Never NSS: in a static binary it is broken, and in a rescue
 * system it describes the wrong machine (DESIGN §3).
 *
 * The parser is lossless: every input line is kept byte for byte (including
 * a missing final newline, CRs, NUL bytes), so a later edit of one field
 * rewrites exactly one line.  Lines that do not parse are kept, counted and
 * reported with their line number and a reason; they never abort the parse.
 *
 * Pure: no file access, no global state, no printing.  Loading the bytes
 * (via target_open()) is the caller's job.
 *
 * How a line is classified, in this order (first rule that applies):
 *   1. longer than ACCT_LINE_MAX bytes       LINE_BAD "line too long"
 *   2. contains a NUL byte                   LINE_BAD "NUL byte in line"
 *   3. empty or only ' ' \t \v \f \r          LINE_BLANK
 *   4. starts with '+' or '-'                LINE_COMPAT (NIS compat; glibc's
 *      files backend never returns such names, nss_compat expands them)
 *   5. '#' after optional whitespace         LINE_COMMENT (glibc skips it)
 *   6. starts with whitespace                LINE_BAD "leading whitespace"
 *      (glibc would strip it and use the entry, shadow-utils would not: the
 *      tools disagree about this account, so we report it)
 *   7. field count other than 7/4/9          LINE_BAD "wrong number of fields"
 *   8. empty first field                     LINE_BAD "empty name"
 *   9. a numeric field that is not plain decimal in range
 *                                            LINE_BAD "bad uid", "bad gid",
 *                                            "bad lastchg", ..., "bad expire"
 *   otherwise                                LINE_ENTRY
 *
 * We are stricter than glibc on purpose (nss_files/files-parse.c); these
 * lines are LINE_BAD here although glibc accepts them: missing trailing
 * fields ("root:x:0:0"), extra colons (they end up in the shell), signs and
 * whitespace in ids ("-1" is uid 4294967295), and shadow's 5-field old form
 * (which shadow-utils accepts too).  A check may want to say so.
 *
 * CRLF files: the '\r' is kept in raw (raw's bytes are never altered) and stays part
 * of the last field, exactly as glibc sees it.  So a passwd entry's shell is
 * "/bin/bash\r" (sshd then logs "shell '/bin/bash\r' does not exist"), a
 * shadow entry's flag is "\r" (glibc's shadow parser rejects that line
 * entirely: getspnam() fails for the user), and the last group member is
 * "alice\r" (not a member named "alice").  The line stays LINE_ENTRY.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

/* Longer lines are LINE_BAD "line too long" (still kept byte for byte). */
#define ACCT_LINE_MAX (1u << 20)
/*
 * More lines than this and the file is refused (-EFBIG).  Each line costs
 * ~80 bytes of memory; 16 MiB of bare newlines would take 1.2 GiB and get
 * us OOM-killed on a small rescue system.  Real files have thousands.
 */
#define ACCT_LINES_MAX (1u << 20)

enum acct_kind {
	ACCT_PASSWD,
	ACCT_GROUP,
	ACCT_SHADOW,
};

enum line_state {
	LINE_ENTRY,	/* parsed into an entry */
	LINE_BLANK,	/* empty or only whitespace: legal, ignored */
	LINE_COMPAT,	/* NIS compat "+"/"-" line: legal, kept, not an entry */
	LINE_BAD,	/* kept byte-for-byte, reported */
	LINE_COMMENT,	/* '#' after optional whitespace: legal for glibc (nss_readline.c skips it), not an entry */
};

/* Field numbers for acct_file_set_field(), in file order. */
enum {
	PW_NAME, PW_PASSWD, PW_UID, PW_GID, PW_GECOS, PW_DIR, PW_SHELL,
	_PW_FIELDS,
};
enum {
	GR_NAME, GR_PASSWD, GR_GID, GR_MEMBERS,
	_GR_FIELDS,
};
enum {
	SP_NAME, SP_HASH, SP_LASTCHG, SP_MIN, SP_MAX, SP_WARN, SP_INACTIVE, SP_EXPIRE, SP_FLAG,
	_SP_FIELDS,
};

/*
 * Entries.  Strings are the field's exact bytes (never NUL inside: such a
 * line is LINE_BAD), so the last field of a CRLF line ends in '\r'.
 * uid and gid are decimal 0..4294967294; (uid_t) -1 is refused because
 * chown() and setresuid() read it as "no change".
 */
struct pw_entry {
	char *name, *passwd, *gecos, *dir, *shell;
	uid_t uid;
	gid_t gid;
	size_t line;		/* index into acct_file.lines (line number - 1) */
};

struct gr_entry {
	char *name, *passwd;
	gid_t gid;
	/* NULL-terminated, never NULL.  Split on ','; as glibc does, leading
	 * whitespace of each item is skipped and items left empty are
	 * dropped ("a,, b,\r" gives "a", "b", nothing for "\r"). */
	char **members;
	size_t line;
};

/* Shadow numeric fields are -1 when empty, else decimal 0..INT_MAX (glibc
 * casts them through int: a larger expire would read as negative). */
struct sp_entry {
	char *name, *hash;
	int lastchg, min, max, warn, inactive, expire;	/* days; 0..INT_MAX as glibc reads them */
	char *flag;		/* reserved field, kept as text ("" usually) */
	size_t line;
};

/*
 * Packed into 16 bytes: a file of 30,000 lines keeps one of these per line
 * (the entry index, the state, the reason and both flags share one 32-bit
 * word).
 */
struct acct_line {
	/* The exact bytes, without the '\n', NUL-terminated after len.  A
	 * LINE_ENTRY line is split in place (its entry's strings point into
	 * it): each ':', and each ',' after a group member, is a NUL there;
	 * acct_file_render() puts them back.  Other lines are as read. */
	char *raw;
	uint32_t len;		/* at most ACCT_LINE_MAX for parsed lines; longer ones are LINE_BAD */
	uint32_t entry : 21;	/* LINE_ENTRY: index into the entries array (< ACCT_LINES_MAX) */
	uint32_t state : 3;	/* enum line_state */
	uint32_t why : 5;	/* LINE_BAD: its reason, read with acct_line_why(); private to accounts.c */
	bool newline : 1;	/* was terminated by '\n' */
	bool in_arena : 1;	/* raw lives in acct_file.arena: never freed alone */
};
_Static_assert(ACCT_LINES_MAX <= 1u << 21, "struct acct_line: entry has 21 bits");
_Static_assert(LINE_COMMENT < 1 << 3, "struct acct_line: state has 3 bits");
_Static_assert(sizeof(struct acct_line) == 16 || sizeof(void *) != 8, "struct acct_line: 16 bytes on 64-bit");

/* A LINE_BAD line's reason, a static string ("wrong number of fields",
 * "bad uid", ...); NULL for any other line. */
const char *acct_line_why(const struct acct_line *l);

/*
 * A parsed file.  A zero-initialised struct with .kind set is a valid empty
 * file (for a target without /etc/shadow, present = false).  Entries are in
 * file order.  Pointers into an acct_file (entries, their strings) are
 * valid until the next edit of that file.
 */
struct acct_file {
	enum acct_kind kind;
	bool present;		/* the file existed: set by acct_file_parse() */
	struct acct_line *lines;
	size_t n_lines;
	union {
		struct pw_entry *pw;
		struct gr_entry *gr;
		struct sp_entry *sp;
	};
	size_t n_entries;
	/* Sorted lookup tables, rebuilt on every change; NULL means "scan"
	 * (the lookups stay correct, only slower).  Private to accounts.c. */
	struct acct_index *index;
	/* The parsed lines' buffers, in one allocation: 30,000 small mallocs
	 * would cost half a MiB of chunk headers on a big /etc/passwd. */
	char *arena;
};

struct accounts {
	struct acct_file passwd, group, shadow;
};

/*
 * Parse one file's bytes (data need not be NUL-terminated; NUL bytes
 * allowed; data may be NULL when len is 0).  Never fails on content.
 * Returns 0 and fills *ret (owned by the caller, free with
 * acct_file_done()), -EINVAL on a bad kind, -EFBIG for more than
 * ACCT_LINES_MAX lines, or -ENOMEM.
 */
int acct_file_parse(enum acct_kind kind, const char *data, size_t len, struct acct_file *ret);
/* The same, taking data (malloc'ed): its buffer becomes the lines' arena,
 * without a copy (at 10,000 accounts, half a MiB less at the peak).  data is
 * freed or kept by *ret whatever the result. */
int acct_file_parse_take(enum acct_kind kind, char *data, size_t len, struct acct_file *ret);
/* Frees everything and empties *f (its kind stays); accepts NULL and zeroed structs. */
void acct_file_done(struct acct_file *f);
/*
 * Byte-exact re-serialisation: for a file fresh from acct_file_parse(),
 * exactly the input bytes.  Returns 0 and a malloc'ed buffer (NUL-terminated
 * after *ret_len bytes, owned by the caller), or -ENOMEM.
 */
int acct_file_render(const struct acct_file *f, char **ret_data, size_t *ret_len);
/* Number of LINE_BAD lines. */
size_t acct_file_bad_lines(const struct acct_file *f);

/*
 * Set field `field` (PW_*, GR_*, SP_* for the file's kind) of entry `entry`
 * to `value`: only the bytes of that field in that entry's raw line change
 * (its '\n' state too stays), then the line is parsed again.  Setting the
 * last field replaces a trailing '\r' too (that is how a CRLF shell is fixed).
 * Returns 1 when the line changed, 0 when the field already held value,
 * -EINVAL for a bad entry or field number, a value containing ':' or '\n',
 * or a value that would make the line not LINE_ENTRY (a bad uid, an empty
 * name, a name starting with '+', ...), -ENOMEM.  On error f is unchanged.
 */
int acct_file_set_field(struct acct_file *f, size_t entry, unsigned field, const char *value);
/*
 * Append one line (raw, without '\n') as a new entry at the end of the file,
 * terminated by '\n'.  A previous last line lacking its '\n' gets one.
 * Returns the new entry's index (≥ 0), -EINVAL when raw contains '\n' or
 * does not parse as an entry (f unchanged), -EFBIG when f already has
 * ACCT_LINES_MAX lines, or -ENOMEM.
 */
int acct_file_append_line(struct acct_file *f, const char *raw);

void accounts_done(struct accounts *a);

/*
 * Lookups return the first matching entry (as glibc's files backend does)
 * or NULL.  Only LINE_ENTRY lines are searched, so NIS "+"/"-" lines never
 * match.  The entry belongs to a; see struct acct_file for its lifetime.
 */
const struct pw_entry *accounts_user_by_name(const struct accounts *a, const char *name);
const struct pw_entry *accounts_user_by_uid(const struct accounts *a, uid_t uid);
const struct gr_entry *accounts_group_by_gid(const struct accounts *a, gid_t gid);
const struct gr_entry *accounts_group_by_name(const struct accounts *a, const char *name);
const struct sp_entry *accounts_shadow_by_name(const struct accounts *a, const char *name);
/*
 * The user's groups as initgroups() would compute them from the files:
 * primary gid first, then the gid of every group entry (all of them, not
 * only first matches) listing pw->name as a member, in file order, no
 * duplicates.  Returns 0 with *ret (malloc'ed, owned by the caller) and
 * *ret_n ≥ 1, -EINVAL when pw is NULL, or -ENOMEM.
 */
int accounts_user_gids(const struct accounts *a, const struct pw_entry *pw, gid_t **ret, size_t *ret_n);

/*
 * The same groups by name, as sshd's ga_init() gets them: a gid without a
 * group entry is dropped, a name listed twice kept once.  Returns 0 with
 * *ret (a NULL-terminated vector owned by the caller, never NULL), or
 * -EINVAL/-ENOMEM as accounts_user_gids().
 */
int accounts_user_group_names(const struct accounts *a, const struct pw_entry *pw, char ***ret);

/* An account a key may log in as: an absolute home and a shell that is not
 * nologin or false (an empty shell is /bin/sh). */
bool accounts_key_login_possible(const struct pw_entry *pw);
