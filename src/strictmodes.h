/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OpenSSH's StrictModes, exactly (RULES §1.6-1.8): which owners and modes
 * sshd accepts on a key file and the directories above it, and what the
 * user can open when sshd reads the file as that user (§1.5).  Pure
 * functions over stat data and the target's accounts.
 */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "accounts.h"

enum {
	SM_BAD_OWNER = 1 << 0,		/* owner is neither root nor the user */
	SM_GROUP_WRITABLE = 1 << 1,	/* g+w, and (Debian) the group is not private to the user */
	SM_OTHER_WRITABLE = 1 << 2,	/* o+w */
};

/*
 * Why sshd would refuse this path for user pw: 0 when accepted, else SM_*
 * bits.  `debian`: the target's sshd carries Debian's user-group-modes
 * patch, which accepts g+w when the group holds only the user.
 */
unsigned strictmodes_check(const struct accounts *a, const struct pw_entry *pw, const struct stat *st, bool debian);

/* The Debian patch's secure_permissions() group test (RULES §1.8), for st's group and pw's uid. */
bool strictmodes_group_is_private(const struct accounts *a, const struct pw_entry *pw, const struct stat *st);

/*
 * Does the user (uid pw->uid, groups gids) have every bit of `want`
 * (R_OK/W_OK/X_OK) on st by its mode bits?  Root always does.  POSIX ACLs
 * are not evaluated: callers skip paths that carry one.
 */
bool strictmodes_user_can(const struct pw_entry *pw, const gid_t *gids, size_t n_gids, const struct stat *st, int want);
