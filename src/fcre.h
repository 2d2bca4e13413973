/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The regular expressions of SELinux file_contexts, matched as libselinux
 * matches them (label_file.h compile_regex(): "^" SPEC "$", with no group
 * around SPEC, compiled by PCRE2 with PCRE2_DOTALL and searched with
 * pcre2_match), without a regex library: musl's TRE alone was 28 KB of the
 * static binary (issue 13).  The caller anchors, as libselinux does.
 *
 * The dialect is what policies write: literals and escapes (\. \+ \d \w
 * \s and their capitals), '.', bracket classes with ranges, negation and
 * [:name:] classes, groups "( )" and "(?: )", alternation, the quantifiers
 * * + ? {n} {n,} {n,m} (lazy forms too: only whether it matches counts),
 * '^' and '$' (which, as in PCRE2, also matches before a final newline).
 * Anything else (back-references, look-around, possessive quantifiers) is
 * refused at compile time rather than guessed.
 *
 * The matcher is a backtracking one that never visits a (instruction,
 * position) pair twice, so a match costs at most program length times
 * string length steps: no pattern can make it exponential.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct fcre;

/* 0 with *ret (fcre_free()), -EINVAL for a pattern outside the dialect, -E2BIG when too large, -ENOMEM. */
int fcre_compile(const char *pattern, struct fcre **ret);

/* Does the pattern match in s (n bytes), as pcre2_match searches?  1, 0, or -ENOMEM. */
int fcre_match(const struct fcre *re, const char *s, size_t n);

void fcre_free(struct fcre *re);
