/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Buffers, bounded reads, string vectors and escaping shared by all modules. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "macro.h"

/* Target files we parse are small; anything larger is hostile or broken. */
#define CONFIG_MAX (16u << 20)

/* A growable byte buffer; always NUL-terminated after the used bytes. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;	/* sticky: once an append failed, buf_ok() is false */
};

void buf_done(struct buf *b);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) _printf_(2, 3);
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) _printf_(2, 0);
/* Returns the buffer's string (never NULL) and leaves the buffer empty. */
char *buf_steal(struct buf *b);
static inline bool buf_ok(const struct buf *b)
{
	return !b->oom;
}

/*
 * Read all of fd into a NUL-terminated buffer owned by the caller.
 * Returns 0, -EFBIG when the file holds more than max bytes, or -errno.
 */
int read_all(int fd, size_t max, char **ret_data, size_t *ret_len);
/* The same, with the expected size (st_size) to allocate once. */
int read_all_hint(int fd, size_t max, size_t hint, char **ret_data, size_t *ret_len);
/* Write all of n bytes, retrying short writes and EINTR. */
int write_all(int fd, const void *p, size_t n);

/* NULL-terminated string vectors. */
void strv_free(char **v);
size_t strv_length(char *const *v);
int strv_push(char ***v, char *s);	/* takes s; frees it on failure */
bool strv_contains(char *const *v, const char *s);
/* Make a NULL vector an empty one, so callers get a list, never NULL. */
int strv_ensure(char ***v);
/* Sort with strcmp (C locale, as glob(3) and ls do here). */
void strv_sort(char **v);
/* The words of v joined by sep ("" for NULL or empty); NULL on ENOMEM. */
char *strv_join(char *const *v, const char *sep);
/* A copy of v (an empty vector for NULL) into *ret.  Returns 0 or -ENOMEM. */
int strv_copy(char ***ret, char *const *v);
static inline void strv_freep(char ***v)
{
	strv_free(*v);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)

bool streq_ptr(const char *a, const char *b);
static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}
bool startswith(const char *s, const char *prefix);
char *strdup_or_null(const char *s);

/*
 * Path helpers for target paths (absolute, '/'-separated).  They never touch
 * the file system.  path_join() inserts exactly one '/'; path_parent()
 * returns "/" for "/x" and for "/"; both return NULL on allocation failure.
 */
char *path_join(const char *a, const char *b);
char *path_parent(const char *path);
const char *path_last(const char *path);
/* s with '\\', '*', '?' and '[' escaped by a backslash: a glob(7) pattern matching s alone. */
char *glob_escape(const char *s);
/* Normalise: collapse "//" and "/./", keep ".." (resolution is the target's job). */
char *path_simplify(const char *path);
/*
 * A symlink's text as an absolute path, lexically: relative to dir (the
 * link's directory), with "." dropped and ".." taking the previous
 * component away; nothing is looked up.  For comparing a link's text as
 * a name ("/dev/null", a unit file in the search path), never for opening.
 * Returns a new string or NULL.
 */
char *path_lexical(const char *dir, const char *text);
/* True when path equals dir or lies below it (both simplified, absolute). */
bool path_is_below(const char *path, const char *dir);

/*
 * Quote a name from the target for a terminal: C0 and C1 control characters,
 * '\\' and bytes that are not UTF-8 become \xNN, so a hostile file name
 * cannot move the cursor or forge report lines.  Returns a new string or NULL.
 */
char *escape_display(const char *s);
/* The same for untrusted words in messages: at most max input bytes, then "...". */
char *escape_display_trunc(const char *s, size_t max);
/* A copy of at most max bytes of s, with "..." when cut (for finding details,
 * which finding_message() escapes when it shows them). */
char *strdup_trunc(const char *s, size_t max);
/* Append text for a terminal: like escape_display() but newlines and tabs pass and '\\' stays. */
void escape_text(struct buf *b, const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
size_t utf8_char_len(const char *s, size_t n);
/* Reversible byte encoding for journal records: %XX for anything outside 0x21-0x7e and '%'. */
char *escape_record(const void *p, size_t n);
/* Inverse of escape_record(); returns decoded length or -EINVAL. */
ssize_t unescape_record(const char *s, char **ret);

/* Parse an unsigned decimal or octal (base 8) number; -EINVAL/-ERANGE on junk. */
int parse_uint(const char *s, int base, unsigned long long max, unsigned long long *ret);

/* The clock (UTC seconds), or SOURCE_DATE_EPOCH when it is set: what
 * sshfix writes (shadow's lastchg, "sshfix added DATE") and how old a log
 * line is stay reproducible in tests, as with useradd. */
long long clock_now(void);

/* "0644"-style rendering for modes in messages and diffs. */
const char *mode_str(mode_t mode, char out[static 8]);
/* The last non-empty line of a text (a command's output), trimmed; NULL on ENOMEM. */
char *last_line(const char *out);

/* The lines of a text held in memory (any bytes, len of them), counted from 1. */
struct text_lines {
	const char *text;
	size_t len, off;
	unsigned lineno;
};
/* The next line without its '\n', a trailing '\r' and anything from a NUL byte on (as C readers see it). */
bool text_next_line(struct text_lines *it, const char **ret, size_t *ret_n);
/* s[0..n) without the blanks (spaces, tabs) before and after it, and a trailing '\r'. */
void text_trim(const char **s, size_t *n);
