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
 *
 * More precisely: identical inputs are checked before NULs, so two equal
 * binary buffers also append nothing.  a (or b) may be NULL when alen
 * (blen) is 0.  Labels and lines are copied as they are: text from the
 * target may hold control characters, so escape before showing it on a
 * terminal.  Small and medium inputs get the very hunks of `diff --minimal
 * -u`; past a search budget, lines found on one side only leave the search
 * (still minimal, possibly another of the shortest scripts).  Time is
 * O((N + M) * D) in the worst case: 40k short lines drawn from 4 values
 * take about 2 s.  -EINVAL is returned instead of -ENOMEM if a label is
 * too long to format (INT_MAX bytes).  On failure out is left as it was,
 * except that its sticky oom flag may be set.
 */
int diff_unified(struct buf *out, const char *a, size_t alen, const char *b, size_t blen,
		 const char *label_a, const char *label_b, unsigned context);
