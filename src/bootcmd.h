/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel command line the target's next boot uses, as far as its boot
 * loader's files say, read offline (for the MAC state, RULES §9.1, §9.6,
 * and any family that depends on a boot parameter):
 *
 *  1. a Boot Loader Specification entry (/boot/loader/entries/ *.conf, EL 8+
 *     and Fedora): grubenv's saved_entry, else the newest by version; its
 *     `options` lines, concatenated as the spec says, with $kernelopts
 *     taken from grubenv (EL 8 writes "options $kernelopts");
 *  2. else grubenv's kernelopts (/boot/grub2/grubenv, /boot/grub/grubenv);
 *  3. else GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT, as
 *     grub-mkconfig writes the default entry, from /etc/default/grub and
 *     then the .cfg files of /etc/default/grub.d (sourced after it, as
 *     Ubuntu's cloud images do).
 *
 * A parameter given twice counts as its last value, as the kernel's
 * parse_args() sees it.  Every word keeps the file and line it came from.
 * Reads go through the target layer; nothing here writes or prints.  The
 * parsers are pure, for tests and the fuzz target.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "target.h"

struct run;

/* The kernel keeps at most COMMAND_LINE_SIZE bytes (2048 on x86); far more words are noise. */
#define BOOT_WORDS_MAX 4096

struct boot_cmdline {
	char **words;		/* the words in order, quotes removed ("selinux=0"); n of them */
	const char **from;	/* parallel: where each came from, pointing into sources */
	size_t n, cap;
	char **sources;		/* "FILE line N (what)", one per fragment appended; NULL-terminated */
	char *source;		/* the first file that gave words; NULL: no boot loader file says */
};

/* Read the next boot's command line; an unreadable file counts as missing.  Returns 0 or -ENOMEM. */
int boot_cmdline_load(struct target *t, struct boot_cmdline *ret);
void boot_cmdline_done(struct boot_cmdline *c);

/*
 * The command line of run's target, read on first use and kept in the
 * model until model_done().  Returns 0 with *ret (owned by the model), or
 * -ENOMEM.
 */
int boot_cmdline_get(struct run *run, const struct boot_cmdline **ret);

/*
 * The last value of parameter key ("selinux" for "selinux=0"; "" for a
 * bare word "quiet"), NULL when absent.  With ret_from, where that word
 * came from.  Points into c.
 */
const char *boot_cmdline_value(const struct boot_cmdline *c, const char *key, const char **ret_from);

/*
 * Append the words of text (a command line fragment; quotes group words
 * and are dropped, "--" ends the kernel's part) with their origin.
 * Returns 0 or -ENOMEM.
 */
int boot_cmdline_append(struct boot_cmdline *c, const char *text, size_t len, const char *from);

/*
 * The value of a shell assignment NAME=... in a sourced file such as
 * /etc/default/grub: the last assignment wins; "..." and '...' quoting,
 * backslash escapes, $NAME and ${NAME} expanded from *io (the value so
 * far, which the caller may seed); other variables and `...` expand to
 * nothing.  Returns 1 with *io replaced (owned by the caller) and
 * *ret_line, 0 when the file does not assign NAME, or -ENOMEM.
 */
int boot_shell_assignment(const char *text, size_t len, const char *name, char **io, unsigned *ret_line);

/* grubenv (key=value lines, '#' padding): the last value of key; 1 with *ret (owned by the caller), 0, -ENOMEM. */
int boot_grubenv_get(const char *text, size_t len, const char *key, char **ret);

/*
 * A Boot Loader Specification entry: its `options` lines joined by a
 * space.  Returns 1 with *ret (owned by the caller) and the first such
 * line, 0 when there is none, or -ENOMEM.
 */
int boot_bls_options(const char *text, size_t len, char **ret, unsigned *ret_line);
