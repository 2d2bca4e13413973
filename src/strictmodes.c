/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "strictmodes.h"

bool strictmodes_group_is_private(const struct accounts *a, const struct pw_entry *pw, const struct stat *st)
{
	const struct gr_entry *gr = accounts_group_by_gid(a, st->st_gid);
	const struct pw_entry *owner;
	int members = 0;

	if (!gr)
		return false;
	/* Every account whose primary group it is must be the user. */
	for (size_t i = 0; i < a->passwd.n_entries; i++) {
		if (a->passwd.pw[i].gid != gr->gid)
			continue;
		members++;
		if (a->passwd.pw[i].uid != pw->uid)
			return false;
	}
	owner = accounts_user_by_uid(a, st->st_uid);
	if (!owner)
		return false;
	/* At most one listed member, and that is the file's owner. */
	if (gr->members[0]) {
		members++;
		if (strcmp(owner->name, gr->members[0]) != 0 || gr->members[1])
			return false;
	}
	return members > 0;
}

unsigned strictmodes_check(const struct accounts *a, const struct pw_entry *pw, const struct stat *st, bool debian)
{
	unsigned bad = 0;

	/* On Linux only uid 0 is a "system" owner (PLATFORM_SYS_DIR_UID is AIX/HP-UX). */
	if (st->st_uid != 0 && st->st_uid != pw->uid)
		bad |= SM_BAD_OWNER;
	if (st->st_mode & S_IWOTH)
		bad |= SM_OTHER_WRITABLE;
	if ((st->st_mode & S_IWGRP) && !(debian && !(bad & SM_BAD_OWNER) && strictmodes_group_is_private(a, pw, st)))
		bad |= SM_GROUP_WRITABLE;
	return bad;
}

bool strictmodes_user_can(const struct pw_entry *pw, const gid_t *gids, size_t n_gids, const struct stat *st, int want)
{
	mode_t bits;
	bool in_group = false;

	if (pw->uid == 0)
		return true;
	for (size_t i = 0; i < n_gids; i++)
		if (gids[i] == st->st_gid)
			in_group = true;
	/* The first class that applies decides, as in the kernel: owner, group, other. */
	if (st->st_uid == pw->uid)
		bits = (st->st_mode >> 6) & 7;
	else if (in_group)
		bits = (st->st_mode >> 3) & 7;
	else
		bits = st->st_mode & 7;
	if ((want & R_OK) && !(bits & 4))
		return false;
	if ((want & W_OK) && !(bits & 2))
		return false;
	if ((want & X_OK) && !(bits & 1))
		return false;
	return true;
}
