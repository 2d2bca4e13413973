/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SELinux file contexts as libselinux's file backend looks them up
 * (label_file.c, label_file.h, RULES §9.5): the label the policy expects
 * for a path, the one setfiles, restorecon and matchpathcon would give it.
 *
 * Loaded like selabel_open(SELABEL_CTX_FILE): file_contexts, then
 * file_contexts.homedirs, then file_contexts.local (each "SPEC [TYPE]
 * CONTEXT" lines; '#' comments; TYPE one of -- -d -c -b -s -l -p), and the
 * substitutions of file_contexts.subs and .subs_dist ("ALIAS REAL": a path
 * under ALIAS is looked up under REAL; .subs first, then .subs_dist on its
 * result; within a file the last line wins).  Specs without regex
 * metacharacters (a backslash escapes one) go after the others, each group
 * in file order; a lookup cleans the path (duplicate and trailing slashes),
 * substitutes, then tries the specs from the last to the first, skipping a
 * spec whose fixed first component ("stem") differs from the path's and one
 * whose TYPE is not the file's, and the first that matches ("^SPEC$",
 * src/fcre.h) decides; "<<none>>" means no label.
 *
 * Pure: text in, answers out (src/mac.h reads the target's files).  Proven
 * equal to libselinux's selabel_lookup_raw() on Debian's reference policy by
 * tests/unit/fcontext-libselinux.sh.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct fcon;

struct fcon *fcon_new(void);
void fcon_free(struct fcon *fc);

/*
 * Add the specs of one file (origin: its path, kept for the answer), or
 * the substitutions of one (subs: 1).  Returns 0, -EBADMSG with
 * *ret_line for a line libselinux refuses (a missing field, an unknown
 * TYPE, a non-ASCII byte), or -ENOMEM.
 */
int fcon_add_specs(struct fcon *fc, const char *text, size_t len, const char *origin, unsigned *ret_line);
int fcon_add_subs(struct fcon *fc, const char *text, size_t len, int dist);

/* The specs are all added: order them for lookups.  -ENOMEM. */
int fcon_finish(struct fcon *fc);

/*
 * The context for path with file type mode (S_IFREG, S_IFDIR, ...; 0: any
 * type), and where it comes from ("ORIGIN line N").  Returns 0 with
 * *ret_ctx and *ret_where (owned by fc), -ENOENT when no spec matches or
 * the spec says <<none>>, -EINVAL for an empty path, -ENOMEM.
 */
int fcon_lookup(struct fcon *fc, const char *path, mode_t mode, const char **ret_ctx, const char **ret_where);
