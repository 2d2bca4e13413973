/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers for unit tests that need a scratch tree. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A fresh directory under $TMPDIR (or /tmp); caller frees and removes it. */
char *tl_mkdtemp(void);
/* rm -rf, not crossing into other file systems. */
void tl_rmtree(const char *dir);
/* Write a file below dir (relative path), creating it with mode. */
void tl_write(const char *dir, const char *rel, const char *content, mode_t mode);
void tl_mkdir(const char *dir, const char *rel, mode_t mode);
void tl_symlink(const char *dir, const char *rel, const char *target);
char *tl_path(const char *dir, const char *rel);
/* Read a whole file below dir; NULL when it cannot be read. */
char *tl_read(const char *dir, const char *rel);
/*
 * A manifest of the tree: one line per entry with type, mode, owner, size,
 * content hash, link target and every xattr, sorted; the undo store
 * (var/lib/sshfix) is left out.  Equal manifests mean equal trees.
 */
char *tl_manifest(const char *dir);
bool tl_is_root(void);
