/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A set of files by identity (device and inode): "examined already?" in
 * constant time, 16 bytes an entry instead of a copy of each path, so a
 * scan over 10,000 homes or a user's 50,000 key files stays linear.  Only
 * meaningful for files with one link (an inode is then one file).
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct inoset {
	struct inoset_id {
		dev_t dev;
		ino_t ino;	/* 0 (never a file's) marks a free slot */
	} *v;
	size_t cap, n;
};

/* Room for n entries without growing (0: grow as needed).  Returns 0 or -ENOMEM. */
int inoset_init(struct inoset *s, size_t n);
/* 1 when (dev, ino) was new and is now in the set, 0 when it was there, -ENOMEM. */
int inoset_add(struct inoset *s, dev_t dev, ino_t ino);
void inoset_done(struct inoset *s);
