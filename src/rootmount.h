/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding and mounting the root file system to repair (--device, --find-root,
 * and the initramfs default), with its separate /usr, /var and /home from
 * its own /etc/fstab (DESIGN §1, §5).
 *
 * Devices are probed with libblkid and mounted with libmount's context API,
 * with mount helpers, /etc/fstab and utab disabled: no mount(8), blkid(8) or
 * fsck is ever run.  The one external command is the system's lvm(8), to
 * activate (and afterwards deactivate) a volume group holding the root.
 *
 * Read-only mounts never change the disk: "ro" alone still replays an ext3/4
 * journal, an XFS log or a btrfs log tree, so ext3/4 get "noload", XFS and
 * f2fs "norecovery", btrfs "rescue=nologreplay".  Every mount sits on a
 * directory of our own (mode 0700 under /run/sshfix, else /tmp), or on a
 * directory of the target resolved inside the target (never through a
 * symlink out of it), and is also "nosuid,nodev".
 *
 * Nothing here prints: what a person should read (what was mounted, what was
 * skipped, how to unlock an encrypted disk, which fsck to run) is in the
 * struct, for main to print once.  Those messages quote the target's fstab
 * and labels: print them through escape_text().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rootmount_options {
	const char *device;	/* --device DEV; NULL: look for the root (--find-root, initramfs) */
	bool writable;		/* --apply, --interactive, --undo; else read-only without journal replay */
	const char *rerun;	/* the mode option(s) to show in suggested commands ("--dry-run") */
	char **probe_only;	/* SSHFIX_PROBE_DEVICES (tests only): probe just these devices and what
				 * is stacked on them; NULL: every block device of the system */
	const char *runtime_dir;	/* parent of our private directories; NULL: /run/sshfix, else /tmp */
};

/* A file system that looks like a Linux root (several found: main lists them). */
struct rootmount_candidate {
	char *device;		/* /dev path as probed */
	char *fstype;
	char *label;		/* NULL: none */
	char *subvol;		/* btrfs subvolume holding the root, NULL: the default one */
	char *pretty_name;	/* os-release PRETTY_NAME, NULL: unknown */
	uint64_t size;		/* bytes */
};

/* One mount sshfix made; unmounted in reverse order. */
struct rootmount_mount {
	char *dir;		/* where, in the rescue system's view */
	char *where;		/* "/" or the fstab mount point inside the target ("/home") */
	char *device;
	char *fstype;
	char *options;
	bool mounted;
};

struct rootmount {
	char *root;		/* the target root to hand to target_new(); NULL unless rootmount_open() returned 0 */
	char *device;		/* the root file system's device */
	/* What a person gives --device afterwards to open this same root again,
	 * e.g. to undo (the "Undo with:" line): ->device, or for a logical
	 * volume of a group sshfix activated (and deactivates when it ends, so
	 * the volume's path is gone) the physical volume it sits on.  A btrfs
	 * root in a subvolume needs nothing more: --device looks in the same
	 * subvolumes in the same order (the default one, "@", "root"). */
	char *reopen_device;
	char *fstype;
	char *summary;		/* one line: what is being examined, and how it is mounted */
	char *explanation;	/* why it failed and what to run instead; NULL: nothing to say */
	char **warnings;	/* things a person must know (stale journal, /home not mounted); NULL-terminated or NULL */
	char **notes;		/* details for --verbose: what was probed, skipped, mounted */
	struct rootmount_candidate *candidates;	/* after -ENOTUNIQ: every root found */
	size_t n_candidates;
	struct rootmount_mount *mounts;
	size_t n_mounts;
	struct rootmount_state *state;	/* private */
};

/*
 * Find and mount the root as the options say.  Returns 0 with ->root set, or
 * -errno: -ENOTUNIQ when several roots were found (->candidates lists them;
 * nothing stays mounted), -ENOKEY when only encrypted devices could hold it,
 * -EMEDIUMTYPE when the device holds no file system sshfix can mount (RAID
 * member, LUKS, partition table, swap), -ENOENT when no root was found,
 * -EBUSY when the device is in use on this system, or the kernel's error when
 * it refused the mount.  Unlike other ret_ parameters, *ret is set on failure
 * too (NULL only on -ENOMEM), so the caller can print ->explanation; it
 * always ends with rootmount_close().  opts is only read during the call.
 */
int rootmount_open(const struct rootmount_options *opts, struct rootmount **ret);

/*
 * Unmount everything rootmount_open() mounted, in reverse order (a busy file
 * system is retried, then detached as the last resort), deactivate volume
 * groups it activated and remove its directories.  Close every fd into the
 * target first.  Returns 0 or the first -errno; what failed is appended to
 * ->warnings.  Safe to call twice.
 */
int rootmount_unmount(struct rootmount *rm);

/* Unmount (if not yet done) and free; accepts NULL. */
void rootmount_close(struct rootmount *rm);

/*
 * For a SIGINT/SIGTERM/SIGHUP handler: async-signal-safe.  Unmounts (detaching
 * what is busy) and removes the directories of the rootmount being opened or
 * open, without allocating; the handler then re-raises the signal.
 */
void rootmount_emergency_cleanup(void);

/*
 * Move this process into a private mount namespace whose mounts do not
 * propagate back (MS_SLAVE), so even a SIGKILL leaves no mount behind on the
 * rescue system.  Returns 0 or -errno (the caller may go on without it).
 */
int rootmount_private_namespace(void);

/*
 * True when running in an initramfs before the real root is mounted: "/" is a
 * ramfs or tmpfs, /init is a regular file, and either /etc/initrd-release
 * exists (dracut, systemd) or /etc/os-release does not (initramfs-tools).
 * A tmpfs-rooted live or diskless system has an os-release and no
 * initrd-release, so it is not taken for an initramfs.
 */
bool rootmount_in_initramfs(void);
