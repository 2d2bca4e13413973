/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd's unit file syntax (src/shared/conf-parser.c, config_parse()):
 * sections, Key=Value assignments, comments and continuation lines, each
 * value kept with the file and line it came from so a finding can name
 * them.  Only the syntax: which files make a unit, and in what order, is
 * src/units.h's business.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

/* systemd's LONG_LINE_MAX: a longer (joined) line makes the file unloadable. */
#define UNIT_LINE_MAX (1u << 20)

/* One assignment, as written. */
struct unit_setting {
	const char *section;	/* points into the file's section names */
	char *key;
	char *value;		/* white space at both ends dropped; "" for an empty assignment */
	unsigned line;		/* the first physical line of the assignment */
};

/* One file of a unit: its fragment or a drop-in. */
struct unit_file {
	char *path;		/* inside the target */
	char **sections;	/* the section headers, in order (a name reopened appears again) */
	size_t n_sections;
	struct unit_setting *settings;
	size_t n_settings;
	/* Why systemd would refuse the file: 0, or -EBADMSG (a broken section
	 * header), -ENOBUFS (a line over UNIT_LINE_MAX), or the error reading
	 * it (-EFBIG, -EACCES, ...).  As config_parse() does, parsing stops
	 * there: the settings before it are kept. */
	int error;
	unsigned error_line;	/* 0 when the error is not about a line */
};

void unit_file_done(struct unit_file *f);

/*
 * Parse text as config_parse() does: lines end at "\n", "\r\n", "\r" or a
 * NUL byte; a UTF-8 byte order mark at the start is dropped; a line whose
 * first non-blank character is '#' or ';' is a comment, also in the middle
 * of a continuation; a line ending in an unescaped '\' continues on the
 * next, the '\' read as a space; "[Section]" opens a section; "Key=Value"
 * outside any section, or without '=', is ignored; a broken section header
 * or an overlong line ends the parse.  Returns 0 with *ret
 * (path copied; the caller frees it with unit_file_done()), or -ENOMEM.
 * A syntax error systemd refuses goes into ret->error, not the return.
 */
int unit_file_parse(const char *path, const char *text, size_t len, struct unit_file *ret);

/* One value with where it came from. */
struct uval {
	char *value;
	char *file;
	unsigned line;	/* 0: not from a line of a file (a modelled drop-in) */
};

/* A list setting as systemd accumulates it over a unit's files. */
struct uvals {
	struct uval *v;
	size_t n;
	bool reset;	/* an empty assignment emptied the list (values after it are kept) */
};

void uvals_clear(struct uvals *u);
int uvals_push(struct uvals *u, const char *value, size_t n, const char *file, unsigned line);

static inline void uvals_clearp(struct uvals *u)
{
	uvals_clear(u);
}
#define _cleanup_uvals_ _cleanup_(uvals_clearp)

enum {
	/* Each white-space separated word is a value (RuntimeDirectory=,
	 * WantedBy=, Alias=), not the whole assignment (ExecStart=). */
	UV_WORDS = 1 << 0,
};

/*
 * Add Key= in [section] of f to acc, in order: an empty assignment empties
 * the list (systemd's rule for list settings, and a reset to the default
 * for the others: the last value then wins).  Returns 0 or -ENOMEM.
 */
int unit_file_collect(const struct unit_file *f, const char *section, const char *key, unsigned flags,
		      struct uvals *acc);
