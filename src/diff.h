/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified diff of two byte buffers, as `diff -u` prints it, for --dry-run.
 * Our own code so the static binary needs no diff(1) on the rescue system.
 */
#pragma once

#include <stddef.h>

#include "util.h"

/*
 * Append to out a unified diff turning a (alen bytes) into b (blen bytes):
 * "--- label_a" / "+++ label_b" headers, "@@ -l,n +l,n @@" hunks with
 * `context` lines of context, "\ No newline at end of file" markers.
 * Lines are split on '\n' only (CR stays part of the line).  When either
 * side contains a NUL byte, a single line "Binary files label_a and label_b
 * differ\n" is appended instead.  Identical inputs append nothing.
 * The edit script is minimal (Myers, linear space).
 * Returns 0, or -ENOMEM.
 */
int diff_unified(struct buf *out, const char *a, size_t alen, const char *b, size_t blen,
		 const char *label_a, const char *label_b, unsigned context);
