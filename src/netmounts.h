/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network file systems the target mounts at boot: its /etc/fstab's
 * NFS and SMB entries (parsed by libmount, read through the target).  On a
 * rescue system they are not mounted: what lies under their mount points
 * in the root file system is not what sshd will see, and their files get
 * the label of the mount (nfs_t, cifs_t), not the policy's file contexts.
 * Not read: autofs maps and systemd .mount units.
 */
#pragma once

#include <stddef.h>

struct run;

enum netmount_kind {
	NETMOUNT_NFS,		/* nfs, nfs4 */
	NETMOUNT_SMB,		/* cifs, smb3, smbfs */
};

struct netmount {
	char *where;		/* the mount point */
	char *source;		/* "filer:/export/home" */
	char *fstype;
	enum netmount_kind kind;
};

struct netmounts {
	struct netmount *v;
	size_t n;
};

/* The target's network mounts, read on first use (an unreadable fstab is a note, and no mounts). */
int netmounts_get(struct run *run, const struct netmounts **ret);
void netmounts_free(struct netmounts *l);

/* The innermost network mount that path lies on (the mount point itself included), or NULL. */
const struct netmount *netmount_of(const struct netmounts *l, const char *path);
