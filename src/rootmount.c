/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding and mounting the root to repair; see rootmount.h for the rules.
 *
 * Order of work in rootmount_open(): note what this system itself uses
 * (mounts, swap, "/"); then either probe the named device or every block
 * device (libblkid), mount each possible root read-only on a private
 * directory, keep the ones that look like a Linux root and unmount them
 * again; mount the chosen one fresh in the mode the run needs; then mount its
 * separate /usr, /var and /home from its own /etc/fstab, read through the
 * target layer.
 *
 * Signals: every change to the list of mounts and directories happens with
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT blocked, so rootmount_emergency_cleanup(),
 * called from main's handler, always sees a consistent list.
 */
#include "config.h"

#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libmount.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rootmount.h"
#include "target.h"
#include "util.h"

#define DEFAULT_RUNTIME_DIR "/run/sshfix"
#define FSTAB_MAX (1u << 20)
#define LVM_OUTPUT_MAX 4096

/* A block device of the rescue system, as probed. */
struct rm_dev {
	char *path;		/* /dev/... */
	char *kname;		/* name in /sys/class/block: sda2, dm-0, loop0p2 */
	dev_t devno;
	dev_t disk;		/* the whole disk for a partition, else devno */
	dev_t stacked_on;	/* the first slave of a dm/md device, else 0 */
	char *type, *usage, *label, *uuid, *version, *pttype, *partuuid, *partlabel;
	bool ambivalent;	/* more than one signature */
	uint64_t size;
	char *in_use;		/* why this system uses it; NULL: free */
};

/* A mount of the rescue system, noted before we mount anything. */
struct rm_sysmount {
	dev_t devno;
	char *target;
	char *fstype;
	char *source;
};

struct rootmount_state {
	const struct rootmount_options *opts;
	char *runtime_dir;	/* set when we created it, to remove it if empty */
	char *private_dir;	/* mkdtemp, 0700 */
	char **dirs;		/* made under private_dir, removed in reverse */
	size_t n_dirs;
	unsigned n_probe;	/* probe directory counter */

	dev_t root_st_dev;	/* st_dev of this system's "/" */
	struct rm_sysmount *sysmounts;
	size_t n_sysmounts;
	dev_t *swaps;
	size_t n_swaps;

	struct rm_dev *devs;
	size_t n_devs;
	bool devs_loaded;
	size_t n_unreadable;	/* devices that could not be opened */

	char **activated_vgs;	/* deactivated again at unmount */
	char *lvm;		/* the lvm binary, NULL when absent */
	char **mount_failures;	/* during discovery: roots the kernel would not mount */
	bool unmounted;
};

/* The rootmount being opened or open, for the signal handler. */
static struct rootmount *volatile active_rm;

static void free_dev(struct rm_dev *d)
{
	free(d->path);
	free(d->kname);
	free(d->type);
	free(d->usage);
	free(d->label);
	free(d->uuid);
	free(d->version);
	free(d->pttype);
	free(d->partuuid);
	free(d->partlabel);
	free(d->in_use);
}

static void candidate_done(struct rootmount_candidate *c)
{
	free(c->device);
	free(c->fstype);
	free(c->label);
	free(c->subvol);
	free(c->pretty_name);
	*c = (struct rootmount_candidate) {0};
}

/* ---- signals ---- */

static void block_signals(sigset_t *old)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGQUIT);
	(void) sigprocmask(SIG_BLOCK, &s, old);
}

static void restore_signals(const sigset_t *old)
{
	(void) sigprocmask(SIG_SETMASK, old, NULL);
}

void rootmount_emergency_cleanup(void)
{
	struct rootmount *rm = active_rm;
	int saved = errno;

	if (!rm)
		return;
	for (size_t i = rm->n_mounts; i-- > 0;) {
		struct rootmount_mount *m = &rm->mounts[i];
		if (!m->mounted)
			continue;
		if (umount2(m->dir, UMOUNT_NOFOLLOW) < 0 && errno != EINVAL)
			(void) umount2(m->dir, MNT_DETACH | UMOUNT_NOFOLLOW);
		m->mounted = false;
	}
	if (rm->state) {
		struct rootmount_state *s = rm->state;
		for (size_t i = s->n_dirs; i-- > 0;)
			(void) rmdir(s->dirs[i]);
		s->n_dirs = 0;
		if (s->private_dir)
			(void) rmdir(s->private_dir);
		if (s->runtime_dir)
			(void) rmdir(s->runtime_dir);
	}
	errno = saved;
}

/* ---- messages ---- */

static int add_msg(char ***list, const char *fmt, ...) _printf_(2, 3);
static int add_msg(char ***list, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return strv_push(list, s);
}

static int set_explanation(struct rootmount *rm, const char *fmt, ...) _printf_(2, 3);
static int set_explanation(struct rootmount *rm, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	free(rm->explanation);
	rm->explanation = s;
	return 0;
}

/* Names from the disk (labels, os-release) are the target's: escape them. */
static char *quoted(const char *s)
{
	_cleanup_free_ char *e = escape_display(s ? s : "");
	char *q;

	if (!e || asprintf(&q, "\"%s\"", e) < 0)
		return NULL;
	return q;
}

/* The check command for the file system: sshfix suggests it, never runs it. */
static char *fsck_hint(const char *fstype, const char *dev)
{
	char *s;
	int r;

	if (fstype && startswith(fstype, "ext"))
		r = asprintf(&s, "e2fsck -fn %s (check only; e2fsck -f %s repairs)", dev, dev);
	else if (streq_ptr(fstype, "xfs"))
		r = asprintf(&s, "xfs_repair -n %s (check only; xfs_repair %s repairs)", dev, dev);
	else if (streq_ptr(fstype, "btrfs"))
		r = asprintf(&s, "btrfs check --readonly %s", dev);
	else if (streq_ptr(fstype, "f2fs"))
		r = asprintf(&s, "fsck.f2fs %s", dev);
	else if (streq_ptr(fstype, "vfat"))
		r = asprintf(&s, "fsck.vfat -n %s", dev);
	else
		r = asprintf(&s, "fsck -n %s", dev);
	return r < 0 ? NULL : s;
}

/* ---- sysfs ---- */

static int read_sysfs(dev_t devno, const char *attr, char **ret)
{
	_cleanup_free_ char *p = NULL, *data = NULL;
	_cleanup_close_ int fd = -EBADF;
	size_t len;
	int r;

	if (asprintf(&p, "/sys/dev/block/%u:%u/%s", major(devno), minor(devno), attr) < 0)
		return -ENOMEM;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	r = read_all(fd, 4096, &data, &len);
	if (r < 0)
		return r;
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == ' '))
		data[--len] = '\0';
	*ret = TAKE_PTR(data);
	return 0;
}

static int parse_devno(const char *s, dev_t *ret)
{
	unsigned ma, mi;

	if (sscanf(s, "%u:%u", &ma, &mi) != 2)
		return -EINVAL;
	*ret = makedev(ma, mi);
	return 0;
}

static char *sysfs_kname(dev_t devno)
{
	_cleanup_free_ char *p = NULL;
	char link[512];
	ssize_t n;

	if (asprintf(&p, "/sys/dev/block/%u:%u", major(devno), minor(devno)) < 0)
		return NULL;
	n = readlink(p, link, sizeof(link) - 1);
	if (n <= 0)
		return NULL;
	link[n] = '\0';
	return strdup(path_last(link));
}

/* Names of the entries of a sysfs directory of the device (holders/, slaves/). */
static int sysfs_list(dev_t devno, const char *sub, char ***ret)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_strv_free_ char **v = NULL;
	DIR *d;
	struct dirent *de;

	if (asprintf(&p, "/sys/dev/block/%u:%u/%s", major(devno), minor(devno), sub) < 0)
		return -ENOMEM;
	d = opendir(p);
	if (!d)
		return strv_ensure(ret) < 0 ? -ENOMEM : 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (strv_push(&v, strdup(de->d_name)) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	}
	closedir(d);
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	strv_sort(v);
	*ret = TAKE_PTR(v);
	return 0;
}

/* /dev path for a kernel name: dm devices by their /dev/mapper name. */
static char *dev_path_for_kname(const char *kname)
{
	_cleanup_free_ char *p = NULL, *data = NULL;
	_cleanup_close_ int fd = -EBADF;
	size_t len;
	char *s;

	if (asprintf(&p, "/sys/class/block/%s/dm/name", kname) < 0)
		return NULL;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read_all(fd, 512, &data, &len) >= 0) {
		while (len > 0 && data[len - 1] == '\n')
			data[--len] = '\0';
		if (len > 0 && !strchr(data, '/') && asprintf(&s, "/dev/mapper/%s", data) >= 0)
			return s;
	}
	if (asprintf(&s, "/dev/%s", kname) < 0)
		return NULL;
	return s;
}

/* ---- what this system uses ---- */

static int note_system(struct rootmount *rm)
{
	struct rootmount_state *s = rm->state;
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	struct stat st;
	FILE *f;

	if (stat("/", &st) == 0)
		s->root_st_dev = st.st_dev;

	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!tb)
		return 0;	/* no /proc: nothing counts as mounted but "/" */
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it) {
		mnt_unref_table(tb);
		return -ENOMEM;
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *src = mnt_fs_get_source(fs);
		dev_t devno = mnt_fs_get_devno(fs);
		struct rm_sysmount *nv;

		/* btrfs shows an anonymous device number: use the source too. */
		if (src && startswith(src, "/dev/") && stat(src, &st) == 0 && S_ISBLK(st.st_mode))
			devno = st.st_rdev;
		if (major(devno) == 0)
			continue;
		nv = realloc(s->sysmounts, (s->n_sysmounts + 1) * sizeof(*nv));
		if (!nv)
			break;
		s->sysmounts = nv;
		nv[s->n_sysmounts] = (struct rm_sysmount) {
			.devno = devno,
			.target = strdup_or_null(mnt_fs_get_target(fs)),
			.fstype = strdup_or_null(mnt_fs_get_fstype(fs)),
			.source = strdup_or_null(src),
		};
		s->n_sysmounts++;
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);

	f = fopen("/proc/swaps", "re");
	if (f) {
		char line[4096];
		while (fgets(line, sizeof(line), f)) {
			char *sp = strpbrk(line, " \t");
			if (line[0] != '/' || !sp)
				continue;
			*sp = '\0';
			if (stat(line, &st) == 0 && S_ISBLK(st.st_mode)) {
				dev_t *nv = realloc(s->swaps, (s->n_swaps + 1) * sizeof(*nv));
				if (!nv)
					break;
				s->swaps = nv;
				s->swaps[s->n_swaps++] = st.st_rdev;
			}
		}
		fclose(f);
	}
	return 0;
}

static const struct rm_sysmount *sysmount_of(const struct rootmount_state *s, dev_t devno)
{
	for (size_t i = 0; i < s->n_sysmounts; i++)
		if (s->sysmounts[i].devno == devno)
			return &s->sysmounts[i];
	return NULL;
}

/* Why this system uses the device, or NULL. */
static char *in_use_reason(const struct rootmount_state *s, const struct rm_dev *d)
{
	_cleanup_strv_free_ char **holders = NULL;
	const struct rm_sysmount *m;
	char *r = NULL;

	if (d->devno == s->root_st_dev)
		return strdup("it holds this system's root file system");
	m = sysmount_of(s, d->devno);
	if (m) {
		_cleanup_free_ char *t = escape_display(m->target ? m->target : "?");
		if (asprintf(&r, "it is mounted at %s on this system", t ? t : "?") < 0)
			return NULL;
		return r;
	}
	for (size_t i = 0; i < s->n_swaps; i++)
		if (s->swaps[i] == d->devno)
			return strdup("it is an active swap area");
	if (sysfs_list(d->devno, "holders", &holders) >= 0 && holders[0]) {
		_cleanup_free_ char *h = dev_path_for_kname(holders[0]);
		if (asprintf(&r, "it is in use by %s", h ? h : holders[0]) < 0)
			return NULL;
		return r;
	}
	return NULL;
}

/* ---- probing ---- */

static int probe_value(blkid_probe pr, const char *name, char **ret)
{
	const char *v = NULL;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) < 0 || !v)
		return 0;
	*ret = strdup(v);
	return *ret ? 0 : -ENOMEM;
}

static int probe_fd(int fd, struct rm_dev *d)
{
	blkid_probe pr = blkid_new_probe();
	int r;

	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0) < 0) {
		blkid_free_probe(pr);
		return -EIO;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE |
						      BLKID_SUBLKS_USAGE | BLKID_SUBLKS_VERSION);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	r = blkid_do_safeprobe(pr);
	d->ambivalent = r == -2;
	if (r == 0) {
		if (probe_value(pr, "TYPE", &d->type) < 0 || probe_value(pr, "USAGE", &d->usage) < 0 ||
		    probe_value(pr, "LABEL", &d->label) < 0 || probe_value(pr, "UUID", &d->uuid) < 0 ||
		    probe_value(pr, "VERSION", &d->version) < 0 || probe_value(pr, "PTTYPE", &d->pttype) < 0 ||
		    probe_value(pr, "PART_ENTRY_UUID", &d->partuuid) < 0 ||
		    probe_value(pr, "PART_ENTRY_NAME", &d->partlabel) < 0) {
			blkid_free_probe(pr);
			return -ENOMEM;
		}
	}
	d->size = (uint64_t) blkid_probe_get_size(pr);
	blkid_free_probe(pr);
	return 0;
}

static struct rm_dev *dev_by_devno(struct rootmount_state *s, dev_t devno)
{
	for (size_t i = 0; i < s->n_devs; i++)
		if (s->devs[i].devno == devno)
			return &s->devs[i];
	return NULL;
}

/*
 * Probe one device and add it to the list (once).  Returns its index, or
 * -errno (-ENOTBLK for something that is not a block device).
 */
static int add_dev(struct rootmount *rm, const char *path)
{
	struct rootmount_state *s = rm->state;
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *disk = NULL;
	_cleanup_strv_free_ char **slaves = NULL;
	struct rm_dev d = {0}, *nv;
	struct stat st;
	int r;

	/* stat first: a device this system uses is never even opened. */
	if (stat(path, &st) < 0)
		return negative_errno();
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	for (size_t i = 0; i < s->n_devs; i++)
		if (s->devs[i].devno == st.st_rdev)
			return (int) i;

	d.devno = st.st_rdev;
	d.disk = d.devno;
	d.path = strdup(path);
	d.kname = sysfs_kname(d.devno);
	if (!d.path) {
		free_dev(&d);
		return -ENOMEM;
	}
	/* A partition's sysfs directory sits in its disk's. */
	if (d.kname && read_sysfs(d.devno, "../dev", &disk) >= 0) {
		_cleanup_free_ char *part = NULL;
		if (read_sysfs(d.devno, "partition", &part) >= 0)
			(void) parse_devno(disk, &d.disk);
	}
	if (sysfs_list(d.devno, "slaves", &slaves) >= 0 && slaves[0]) {
		_cleanup_free_ char *p = NULL, *dn = NULL;
		if (asprintf(&p, "/sys/class/block/%s/dev", slaves[0]) >= 0) {
			_cleanup_close_ int sfd = open(p, O_RDONLY | O_CLOEXEC);
			size_t len;
			if (sfd >= 0 && read_all(sfd, 64, &dn, &len) >= 0)
				(void) parse_devno(dn, &d.stacked_on);
		}
	}
	d.in_use = in_use_reason(s, &d);
	if (!d.in_use) {
		struct stat fst;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0 || fstat(fd, &fst) < 0 || fst.st_rdev != d.devno) {
			r = fd < 0 ? negative_errno() : -ESTALE;
			free_dev(&d);
			return r;
		}
		r = probe_fd(fd, &d);
		if (r < 0) {
			free_dev(&d);
			return r;
		}
	}

	nv = realloc(s->devs, (s->n_devs + 1) * sizeof(*nv));
	if (!nv) {
		free_dev(&d);
		return -ENOMEM;
	}
	s->devs = nv;
	s->devs[s->n_devs] = d;
	return (int) s->n_devs++;
}

/* Whether a device (by sysfs name) is a partition of, or stacked on, a listed device. */
static int related_to_listed(struct rootmount_state *s, const char *kname, dev_t *ret_devno)
{
	_cleanup_strv_free_ char **slaves = NULL;
	_cleanup_free_ char *p = NULL, *dn = NULL, *part = NULL, *parent_dn = NULL;
	_cleanup_close_ int fd = -EBADF;
	dev_t devno, parent = 0;
	size_t len;

	if (asprintf(&p, "/sys/class/block/%s/dev", kname) < 0)
		return -ENOMEM;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_all(fd, 64, &dn, &len) < 0 || parse_devno(dn, &devno) < 0)
		return 0;
	if (dev_by_devno(s, devno))
		return 0;
	*ret_devno = devno;
	if (read_sysfs(devno, "partition", &part) >= 0 && read_sysfs(devno, "../dev", &parent_dn) >= 0 &&
	    parse_devno(parent_dn, &parent) >= 0 && dev_by_devno(s, parent))
		return 1;
	if (sysfs_list(devno, "slaves", &slaves) < 0)
		return -ENOMEM;
	for (size_t k = 0; slaves[k]; k++)
		for (size_t j = 0; j < s->n_devs; j++)
			if (streq_ptr(s->devs[j].kname, slaves[k]))
				return 1;
	return 0;
}

static int list_sysfs_block(char ***ret)
{
	_cleanup_strv_free_ char **all = NULL;
	DIR *dir = opendir("/sys/class/block");
	struct dirent *de;

	if (dir) {
		while ((de = readdir(dir)))
			if (de->d_name[0] != '.' && strv_push(&all, strdup(de->d_name)) < 0) {
				closedir(dir);
				return -ENOMEM;
			}
		closedir(dir);
	}
	if (strv_ensure(&all) < 0)
		return -ENOMEM;
	strv_sort(all);
	*ret = TAKE_PTR(all);
	return 0;
}

/* Add the partitions of listed disks and the dm/md devices stacked on listed devices, until none is new. */
static int add_related(struct rootmount *rm)
{
	struct rootmount_state *s = rm->state;
	size_t before;

	do {
		_cleanup_strv_free_ char **all = NULL;
		int r = list_sysfs_block(&all);

		if (r < 0)
			return r;
		before = s->n_devs;
		for (size_t i = 0; all[i]; i++) {
			_cleanup_free_ char *path = NULL;
			dev_t devno = 0;

			r = related_to_listed(s, all[i], &devno);
			if (r < 0)
				return r;
			if (r == 0)
				continue;
			path = dev_path_for_kname(all[i]);
			if (!path)
				return -ENOMEM;
			if (add_dev(rm, path) == -ENOMEM)
				return -ENOMEM;
		}
	} while (s->n_devs > before);
	return 0;
}

static void note_unreadable(struct rootmount *rm, const char *path, int r)
{
	/* Gone or not a block device (a stale /dev/mapper entry): not worth a word. */
	if (r >= 0 || r == -ENOENT || r == -ENOTBLK || r == -ENXIO || r == -ENOMEDIUM)
		return;
	rm->state->n_unreadable++;
	(void) add_msg(&rm->notes, "Cannot probe %s: %s.", path, strerror(-r));
}

static int load_devices(struct rootmount *rm)
{
	struct rootmount_state *s = rm->state;
	int r;

	if (s->devs_loaded)
		return 0;
	s->devs_loaded = true;

	if (s->opts->probe_only) {
		for (size_t i = 0; s->opts->probe_only[i]; i++) {
			r = add_dev(rm, s->opts->probe_only[i]);
			if (r == -ENOMEM)
				return r;
			note_unreadable(rm, s->opts->probe_only[i], r);
		}
		return add_related(rm);
	}

	/* Every block device the kernel lists (libblkid reads /proc/partitions
	 * and names device-mapper devices by /dev/mapper/NAME); the cache file
	 * is /dev/null so nothing is written on this system. */
	blkid_cache cache = NULL;
	if (blkid_get_cache(&cache, "/dev/null") == 0) {
		blkid_dev_iterate it;
		blkid_dev dev;

		(void) blkid_probe_all(cache);
		it = blkid_dev_iterate_begin(cache);
		while (it && blkid_dev_next(it, &dev) == 0) {
			r = add_dev(rm, blkid_dev_devname(dev));
			if (r == -ENOMEM) {
				blkid_dev_iterate_end(it);
				blkid_put_cache(cache);
				return r;
			}
			note_unreadable(rm, blkid_dev_devname(dev), r);
		}
		blkid_dev_iterate_end(it);
		blkid_put_cache(cache);
	}
	DIR *dir = opendir("/dev/mapper");
	if (dir) {
		struct dirent *de;
		while ((de = readdir(dir))) {
			_cleanup_free_ char *p = NULL;
			if (de->d_name[0] == '.' || streq(de->d_name, "control"))
				continue;
			p = path_join("/dev/mapper", de->d_name);
			r = p ? add_dev(rm, p) : -ENOMEM;
			if (r == -ENOMEM) {
				closedir(dir);
				return -ENOMEM;
			}
			note_unreadable(rm, p, r);
		}
		closedir(dir);
	}
	return add_related(rm);
}

/* ---- directories ---- */

static bool safe_runtime_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       (st.st_mode & 0022) == 0;
}

static int make_private_dir(struct rootmount *rm)
{
	struct rootmount_state *s = rm->state;
	const char *parent = s->opts->runtime_dir ? s->opts->runtime_dir : DEFAULT_RUNTIME_DIR;
	_cleanup_free_ char *tmpl = NULL;
	bool created = false;
	sigset_t old;

	block_signals(&old);
	if (mkdir(parent, 0700) == 0)
		created = true;
	if ((created || errno == EEXIST) && safe_runtime_dir(parent)) {
		if (created)
			s->runtime_dir = strdup(parent);
		tmpl = path_join(parent, "XXXXXX");
	} else
		tmpl = strdup("/tmp/sshfix.XXXXXX");
	if (tmpl && mkdtemp(tmpl))
		s->private_dir = TAKE_PTR(tmpl);
	restore_signals(&old);
	if (!s->private_dir)
		return tmpl ? negative_errno() : -ENOMEM;
	return 0;
}

static int make_dir(struct rootmount *rm, const char *name, char **ret)
{
	struct rootmount_state *s = rm->state;
	_cleanup_free_ char *p = path_join(s->private_dir, name);
	char *copy, **nv;
	sigset_t old;
	int r = 0;

	if (!p)
		return -ENOMEM;
	copy = strdup(p);
	if (!copy)
		return -ENOMEM;
	block_signals(&old);
	nv = realloc(s->dirs, (s->n_dirs + 1) * sizeof(char *));
	if (!nv)
		r = -ENOMEM;
	else {
		s->dirs = nv;
		if (mkdir(p, 0700) < 0)
			r = negative_errno();
		else
			s->dirs[s->n_dirs++] = copy, copy = NULL;
	}
	restore_signals(&old);
	free(copy);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

static void remove_dir(struct rootmount *rm, const char *path)
{
	struct rootmount_state *s = rm->state;
	sigset_t old;

	block_signals(&old);
	for (size_t i = s->n_dirs; i-- > 0;)
		if (streq(s->dirs[i], path)) {
			(void) rmdir(path);
			free(s->dirs[i]);
			memmove(&s->dirs[i], &s->dirs[i + 1], (s->n_dirs - i - 1) * sizeof(char *));
			s->n_dirs--;
			break;
		}
	restore_signals(&old);
}

/* ---- mounting ---- */

static bool has_journal_replay_guard(const char *fstype)
{
	return streq(fstype, "ext3") || streq(fstype, "ext4") || streq(fstype, "xfs") || streq(fstype, "btrfs") ||
	       streq(fstype, "f2fs");
}

static bool root_capable(const char *fstype)
{
	static const char *const types[] = { "ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "jfs", "reiserfs" };

	for (size_t i = 0; fstype && i < ELEMENTSOF(types); i++)
		if (streq(fstype, types[i]))
			return true;
	return false;
}

/* True when another XFS with this UUID is mounted here: a clone of the rescue disk. */
static bool xfs_uuid_mounted(struct rootmount *rm, const struct rm_dev *d)
{
	struct rootmount_state *s = rm->state;

	if (!d->uuid)
		return false;
	for (size_t i = 0; i < s->n_sysmounts; i++) {
		const struct rm_sysmount *m = &s->sysmounts[i];
		_cleanup_close_ int fd = -EBADF;
		struct rm_dev other = {0};
		bool same;

		if (!streq_ptr(m->fstype, "xfs") || m->devno == d->devno || !m->source)
			continue;
		fd = open(m->source, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0 || probe_fd(fd, &other) < 0) {
			free_dev(&other);
			continue;
		}
		same = streq_ptr(other.uuid, d->uuid);
		free_dev(&other);
		if (same)
			return true;
	}
	return false;
}

/*
 * The options for our mounts.  Read-only: "ro" alone would still replay an
 * ext3/4 journal (ext4_load_journal() lifts the read-only flag for the
 * replay), an XFS log or a btrfs log tree, so the disk would change.
 */
static int mount_options(struct rootmount *rm, const struct rm_dev *d, bool writable, const char *subvol,
			 bool old_btrfs, char **ret)
{
	struct buf b = {0};
	const char *t = d->type;

	buf_puts(&b, writable ? "rw" : "ro");
	buf_puts(&b, ",nosuid,nodev");
	if (!writable) {
		if (streq(t, "ext3") || streq(t, "ext4"))
			buf_puts(&b, ",noload");
		else if (streq(t, "xfs") || streq(t, "f2fs"))
			buf_puts(&b, ",norecovery");
		else if (streq(t, "btrfs"))
			buf_puts(&b, old_btrfs ? ",nologreplay" : ",rescue=nologreplay");
	}
	if (streq(t, "xfs") && xfs_uuid_mounted(rm, d))
		buf_puts(&b, ",nouuid");
	if (subvol)
		buf_printf(&b, ",subvol=%s", subvol);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret = buf_steal(&b);
	return 0;
}

/* One mount(2) through libmount: no helpers, no fstab, no utab, paths as given. */
static int libmount_mount(const char *source, const char *target, const char *fstype, const char *options,
			  bool writable)
{
	struct libmnt_context *cxt = mnt_new_context();
	int rc, err;

	if (!cxt)
		return -ENOMEM;
	if (mnt_context_disable_helpers(cxt, 1) < 0 || mnt_context_disable_mtab(cxt, 1) < 0 ||
	    mnt_context_disable_canonicalize(cxt, 1) < 0 ||
	    mnt_context_set_optsmode(cxt, MNT_OMODE_IGNORE | MNT_OMODE_NOTAB) < 0 ||
	    /* Never fall back to read-only behind our back when we asked for rw. */
	    (writable && mnt_context_enable_rwonly_mount(cxt, 1) < 0) || mnt_context_set_source(cxt, source) < 0 ||
	    mnt_context_set_target(cxt, target) < 0 || mnt_context_set_fstype(cxt, fstype) < 0 ||
	    mnt_context_set_options(cxt, options) < 0) {
		mnt_free_context(cxt);
		return -ENOMEM;
	}
	rc = mnt_context_mount(cxt);
	if (rc == 0)
		err = 0;
	else if (mnt_context_syscall_called(cxt))
		err = -mnt_context_get_syscall_errno(cxt);
	else
		err = rc < 0 && rc > -4096 ? rc : -EINVAL;
	if (err == 0 && rc != 0)
		err = -EIO;
	mnt_free_context(cxt);
	return err;
}

/*
 * Mount d on dir (target: dir itself, or /proc/self/fd/N of it) and record
 * it.  Returns 0 or -errno from the kernel.
 */
static int do_mount(struct rootmount *rm, const struct rm_dev *d, bool writable, const char *target,
		    const char *dir, const char *where, const char *subvol)
{
	_cleanup_free_ char *opts = NULL;
	struct rootmount_mount m = {0}, *nv;
	sigset_t old;
	int r;

	r = mount_options(rm, d, writable, subvol, false, &opts);
	if (r < 0)
		return r;
	m = (struct rootmount_mount) {
		.dir = strdup(dir),
		.where = strdup(where),
		.device = strdup(d->path),
		.fstype = strdup(d->type),
	};
	if (!m.dir || !m.where || !m.device || !m.fstype) {
		free(m.dir), free(m.where), free(m.device), free(m.fstype);
		return -ENOMEM;
	}

	/* The signal handler walks rm->mounts: grow it only with signals blocked. */
	block_signals(&old);
	nv = realloc(rm->mounts, (rm->n_mounts + 1) * sizeof(*nv));
	if (!nv) {
		restore_signals(&old);
		free(m.dir), free(m.where), free(m.device), free(m.fstype);
		return -ENOMEM;
	}
	rm->mounts = nv;
	r = libmount_mount(d->path, target, d->type, opts, writable);
	if (r == -EINVAL && streq(d->type, "btrfs") && !writable) {
		/* Kernels before 5.9 know only "nologreplay". */
		free(opts);
		opts = NULL;
		if (mount_options(rm, d, false, subvol, true, &opts) >= 0)
			r = libmount_mount(d->path, target, d->type, opts, false);
	}
	if (r == 0) {
		m.options = TAKE_PTR(opts);
		m.mounted = true;
		rm->mounts[rm->n_mounts++] = m;
	}
	restore_signals(&old);
	if (r < 0)
		free(m.dir), free(m.where), free(m.device), free(m.fstype);
	return r;
}

static int umount_dir(const char *dir, bool *ret_detached)
{
	*ret_detached = false;
	/* Someone (udev's blkid, a desktop indexer) may hold it for a moment. */
	for (int i = 0; i < 10; i++) {
		if (umount2(dir, UMOUNT_NOFOLLOW) == 0 || errno == EINVAL)
			return 0;
		if (errno != EBUSY)
			return negative_errno();
		(void) nanosleep(&(struct timespec) { .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	/* The last resort: detach now, the kernel finishes when it is free. */
	if (umount2(dir, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
		return negative_errno();
	*ret_detached = true;
	return 0;
}

/* Unmount the most recent mount (it must be mounts[n-1]). */
static int unmount_last(struct rootmount *rm)
{
	struct rootmount_mount *m = &rm->mounts[rm->n_mounts - 1];
	bool detached = false;
	sigset_t old;
	int r;

	block_signals(&old);
	r = umount_dir(m->dir, &detached);
	if (r >= 0) {
		m->mounted = false;
		rm->n_mounts--;
	}
	restore_signals(&old);
	if (r < 0)
		return r;
	free(m->dir), free(m->where), free(m->device), free(m->fstype), free(m->options);
	return detached ? -EBUSY : 0;
}

static bool dir_exists_in(const char *root, const char *path, bool want_dir)
{
	struct target *t = NULL;
	struct stat st;
	int r;

	if (target_new(root, &t) < 0)
		return false;
	r = target_lstat(t, path, &st);
	target_free(t);
	return r == 0 && (!want_dir || S_ISDIR(st.st_mode));
}

/*
 * A Linux root: a directory /etc with os-release (in /etc or /usr/lib; a
 * dangling symlink counts, /usr may be separate) and /etc/fstab or /etc/ssh.
 */
static bool looks_like_root(const char *dir)
{
	return dir_exists_in(dir, "/etc", true) &&
	       (dir_exists_in(dir, "/etc/os-release", false) || dir_exists_in(dir, "/usr/lib/os-release", false)) &&
	       (dir_exists_in(dir, "/etc/fstab", false) || dir_exists_in(dir, "/etc/ssh", true));
}

static char *os_pretty_name(const char *dir)
{
	struct target *t = NULL;
	char *name = NULL;

	if (target_new(dir, &t) < 0)
		return NULL;
	if (target_read_facts(t) >= 0 && t->facts.os_pretty)
		name = strdup(t->facts.os_pretty);
	target_free(t);
	return name;
}

/* ---- LVM ---- */

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static bool vg_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '_' ||
	       c == '.' || c == '-';
}

/*
 * The volume group a PV belongs to, read from its first metadata area
 * (LVM2 on-disk format: "LABELONE" in one of the first four sectors, the PV
 * header with its data and metadata area lists, the metadata area header
 * " LVM2 x[5A%r0N*>" and its first raw location, where the text begins with
 * "VGNAME {").  Needs no lvm tool; -ENODATA when there is no metadata.
 */
static int lvm_vg_name(const char *path, char **ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	unsigned char lab[2048], mda[512];
	char text[256];
	const unsigned char *pvh = NULL, *p, *end = lab + sizeof(lab);
	uint64_t mda_off = 0, mda_size = 0;
	size_t n;

	if (fd < 0)
		return negative_errno();
	if (pread(fd, lab, sizeof(lab), 0) != (ssize_t) sizeof(lab))
		return -EIO;
	for (int s = 0; s < 4; s++)
		if (memcmp(lab + s * 512, "LABELONE", 8) == 0 && memcmp(lab + s * 512 + 24, "LVM2 001", 8) == 0) {
			uint32_t off = le32(lab + s * 512 + 20);
			if (off >= 32 && off < 512)
				pvh = lab + s * 512 + off;
			break;
		}
	if (!pvh)
		return -ENODATA;
	/* pv_uuid[32], device_size[8], then data areas and metadata areas,
	 * each a list of {offset, size} ending with zeros. */
	p = pvh + 40;
	for (int list = 0; list < 2; list++)
		for (;;) {
			if (p + 16 > end)
				return -ENODATA;
			uint64_t off = le64(p), size = le64(p + 8);
			p += 16;
			if (off == 0 && size == 0)
				break;
			if (list == 1 && mda_off == 0)
				mda_off = off, mda_size = size;
		}
	if (mda_off == 0)
		return -ENODATA;	/* a PV without metadata: another PV of the VG has it */
	if (pread(fd, mda, sizeof(mda), (off_t) mda_off) != (ssize_t) sizeof(mda) ||
	    memcmp(mda + 4, " LVM2 x[5A%r0N*>", 16) != 0)
		return -ENODATA;
	uint64_t text_off = le64(mda + 40), text_size = le64(mda + 48);
	if (text_off == 0 || text_size == 0 || text_off >= mda_size)
		return -ENODATA;
	if (pread(fd, text, sizeof(text), (off_t) (mda_off + text_off)) <= 0)
		return -EIO;
	for (n = 0; n < sizeof(text) && vg_name_char(text[n]); n++)
		;
	if (n == 0 || n >= 128 || text[0] == '-' || n == sizeof(text) || text[n] != ' ')
		return -ENODATA;
	*ret = strndup(text, n);
	return *ret ? 0 : -ENOMEM;
}

static char *find_lvm(void)
{
	static const char *const paths[] = { "/usr/sbin/lvm", "/sbin/lvm", "/usr/bin/lvm", "/bin/lvm" };

	for (size_t i = 0; i < ELEMENTSOF(paths); i++)
		if (access(paths[i], X_OK) == 0)
			return strdup(paths[i]);
	return NULL;
}

/* Run lvm with argv (argv[0] unused); its output is returned, never printed. */
static int run_lvm(const char *lvm, char *const argv[], char **ret_output)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", "LC_ALL=C",
				      "LVM_SUPPRESS_FD_WARNINGS=1", NULL };
	struct buf out = {0};
	int pipefd[2], status;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return negative_errno();
	pid = fork();
	if (pid < 0) {
		int r = negative_errno();
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0 ||
		    dup2(pipefd[1], STDERR_FILENO) < 0)
			_exit(127);
		execve(lvm, argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		char chunk[512];
		ssize_t n = read(pipefd[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out.len < LVM_OUTPUT_MAX)
			buf_append(&out, chunk, (size_t) n);
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			buf_done(&out);
			return negative_errno();
		}
	*ret_output = buf_steal(&out);
	if (!WIFEXITED(status))
		return -EINTR;
	return WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* Trim lvm's output to its last meaningful lines, one line for a message. */
static char *lvm_message(const char *out)
{
	struct buf b = {0};

	for (const char *p = out; p && *p;) {
		size_t n = strcspn(p, "\n");
		const char *l = p;
		p += n + (p[n] == '\n');
		while (n > 0 && (*l == ' ' || *l == '\t'))
			l++, n--;
		if (n == 0)
			continue;
		if (b.len > 0)
			buf_puts(&b, "; ");
		buf_append(&b, l, n);
	}
	if (b.len == 0)
		buf_puts(&b, "no output");
	return buf_steal(&b);
}

/* Activate the VG of PV d, then probe its logical volumes. */
static int lvm_activate(struct rootmount *rm, size_t idx, char **ret_vg)
{
	struct rootmount_state *s = rm->state;
	_cleanup_free_ char *vg = NULL, *out = NULL, *msg = NULL, *cfg = NULL;
	const char *path = s->devs[idx].path;
	int r;

	r = lvm_vg_name(path, &vg);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		(void) add_msg(&rm->warnings,
			       "%s is an LVM physical volume whose volume group sshfix cannot read; activate it with "
			       "'vgchange -ay' and rerun with --find-root", path);
		return r;
	}
	if (strv_contains(s->activated_vgs, vg)) {
		*ret_vg = TAKE_PTR(vg);
		return 0;
	}
	if (!s->lvm) {
		(void) add_msg(&rm->warnings,
			       "%s belongs to the LVM volume group '%s', and this system has no lvm tool to "
			       "activate it. Install lvm2, or activate it elsewhere: vgchange -ay %s; then rerun "
			       "with --find-root", path, vg, vg);
		*ret_vg = TAKE_PTR(vg);
		return -ENOPKG;
	}
	/* Read-only runs: lvm must not write metadata (no automatic repair)
	 * and the volumes are activated read-only. */
	if (!s->opts->writable &&
	    asprintf(&cfg, "global { metadata_read_only = 1 } activation { read_only_volume_list = [ \"%s\" ] }",
		     vg) < 0)
		return -ENOMEM;
	char *argv_ro[] = { "lvm", "vgchange", "-ay", "--config", cfg, vg, NULL };
	char *argv_rw[] = { "lvm", "vgchange", "-ay", vg, NULL };
	r = run_lvm(s->lvm, cfg ? argv_ro : argv_rw, &out);
	if (r < 0) {
		msg = lvm_message(out);
		(void) add_msg(&rm->warnings, "Activating the LVM volume group '%s' (%s vgchange -ay %s) failed: %s",
			       vg, s->lvm, vg, msg ? msg : strerror(-r));
		*ret_vg = TAKE_PTR(vg);
		return -EIO;
	}
	(void) add_msg(&rm->notes, "Activated the LVM volume group '%s'%s.", vg, cfg ? " read-only" : "");
	r = strv_push(&s->activated_vgs, strdup(vg));
	if (r < 0)
		return r;
	r = add_related(rm);
	if (r < 0)
		return r;
	*ret_vg = TAKE_PTR(vg);
	return 0;
}

static void lvm_deactivate_all(struct rootmount *rm)
{
	struct rootmount_state *s = rm->state;
	size_t n = strv_length(s->activated_vgs);

	for (size_t i = n; i-- > 0;) {
		_cleanup_free_ char *out = NULL;
		char *argv[] = { "lvm", "vgchange", "-an", s->activated_vgs[i], NULL };
		int r = run_lvm(s->lvm, argv, &out);
		if (r < 0) {
			_cleanup_free_ char *msg = lvm_message(out);
			(void) add_msg(&rm->warnings,
				       "Deactivating the LVM volume group '%s' failed (%s); run: vgchange -an %s",
				       s->activated_vgs[i], msg ? msg : strerror(-r), s->activated_vgs[i]);
		}
	}
	strv_free(s->activated_vgs);
	s->activated_vgs = NULL;
}

/* ---- explanations for what we do not mount ---- */

static bool is_raid_member(const struct rm_dev *d)
{
	return streq_ptr(d->type, "linux_raid_member") || streq_ptr(d->type, "isw_raid_member") ||
	       streq_ptr(d->type, "ddf_raid_member");
}

static int explain_luks(struct rootmount *rm, struct buf *b, const struct rm_dev *d, unsigned n)
{
	const struct rootmount_options *o = rm->state->opts;
	_cleanup_free_ char *label = d->label ? quoted(d->label) : NULL;
	char name[32] = "sshfix-crypt";

	if (n > 0)
		snprintf(name, sizeof(name), "sshfix-crypt%u", n);
	buf_printf(b,
		   "%s is encrypted (LUKS%s%s%s). sshfix never asks for or guesses passphrases: unlock it "
		   "yourself, then run sshfix on the unlocked device:\n"
		   "    cryptsetup open%s %s %s\n"
		   "    sshfix --device /dev/mapper/%s%s%s\n"
		   "    cryptsetup close %s\n"
		   "If it holds LVM, use --find-root instead of --device.\n",
		   d->path, d->version ? d->version : "", label ? ", label " : "", label ? label : "",
		   o->writable ? "" : " --readonly", d->path, name, name, o->rerun ? " " : "", o->rerun ? o->rerun : "",
		   name);
	return buf_ok(b) ? 0 : -ENOMEM;
}

/* All members of the array d belongs to, in one command. */
static int explain_raid(struct rootmount *rm, struct buf *b, const struct rm_dev *d)
{
	struct rootmount_state *s = rm->state;
	const struct rootmount_options *o = s->opts;
	struct buf members = {0};
	const char *name = "sshfix";
	_cleanup_free_ char *label = d->label ? quoted(d->label) : NULL;

	for (size_t i = 0; i < s->n_devs; i++)
		if (is_raid_member(&s->devs[i]) && streq_ptr(s->devs[i].uuid, d->uuid))
			buf_printf(&members, " %s", s->devs[i].path);
	if (members.len == 0)
		buf_printf(&members, " %s", d->path);
	if (!streq(d->type, "linux_raid_member"))
		buf_printf(b,
			   "%s is a member of a firmware RAID set (%s). sshfix does not assemble RAID: assemble it "
			   "(mdadm --assemble --scan), then rerun with --find-root.\n",
			   d->path, d->type);
	else
		buf_printf(b,
			   "%s is a member of the Linux software RAID array%s%s (UUID %s). sshfix does not "
			   "assemble arrays: assemble it%s, then run sshfix on the array:\n"
			   "    mdadm --assemble%s /dev/md/%s%s\n"
			   "    sshfix --device /dev/md/%s%s%s\n"
			   "    mdadm --stop /dev/md/%s\n"
			   "If the array holds partitions or LVM, use --find-root instead of --device.\n",
			   d->path, label ? " " : "", label ? label : "", d->uuid ? d->uuid : "?",
			   o->writable ? "" : " read-only", o->writable ? "" : " --readonly", name,
			   members.data ? members.data : "", name, o->rerun ? " " : "", o->rerun ? o->rerun : "", name);
	buf_done(&members);
	return buf_ok(b) ? 0 : -ENOMEM;
}

static int explain_mount_failure(struct rootmount *rm, const struct rm_dev *d, const char *subvol, int err,
				 char **ret)
{
	_cleanup_free_ char *fsck = fsck_hint(d->type, d->path);
	char *s;
	int r;

	if (err == -ENODEV)
		r = asprintf(&s,
			     "The kernel cannot mount %s: it has no %s driver (%s). Load it (modprobe %s) and run "
			     "sshfix again.",
			     d->path, d->type, strerror(-err), d->type);
	else if (err == -EROFS && rm->state->opts->writable)
		r = asprintf(&s,
			     "The kernel refused to mount %s (%s) read-write: %s. The device is write-protected "
			     "(blockdev --getro %s); --apply cannot change it.",
			     d->path, d->type, strerror(-err), d->path);
	else
		r = asprintf(&s,
			     "The kernel refused to mount %s (%s%s%s) %s: %s. The kernel log (dmesg) says why. "
			     "sshfix never runs fsck; to check the file system, run: %s",
			     d->path, d->type, subvol ? ", subvolume " : "", subvol ? subvol : "",
			     rm->state->opts->writable ? "read-write" : "read-only", strerror(-err),
			     fsck ? fsck : "fsck -n");
	if (r < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

/* ---- mounting one root ---- */

/* Mount d read-only on a probe directory and report whether it is a root. */
static int inspect(struct rootmount *rm, size_t idx, bool *ret_found)
{
	struct rootmount_state *s = rm->state;
	static const char *const subvols[] = { NULL, "@", "root" };
	size_t n_try = streq(s->devs[idx].type, "btrfs") ? ELEMENTSOF(subvols) : 1;
	_cleanup_free_ char *dir = NULL, *name = NULL;
	int r = 0, first_err = 0;

	*ret_found = false;
	if (asprintf(&name, "probe.%u", s->n_probe++) < 0)
		return -ENOMEM;
	r = make_dir(rm, name, &dir);
	if (r < 0)
		return r;
	/* Discovery always looks read-only; the root is mounted again for the run. */
	for (size_t k = 0; k < n_try && !*ret_found; k++) {
		const struct rm_dev *d = &s->devs[idx];
		r = do_mount(rm, d, false, dir, dir, "/", subvols[k]);
		if (r == -ENOMEM)
			break;
		if (r < 0) {
			if (k == 0)
				first_err = r;
			continue;
		}
		if (looks_like_root(dir)) {
			struct rootmount_candidate c = {
				.device = strdup(d->path),
				.fstype = strdup(d->type),
				.label = strdup_or_null(d->label),
				.subvol = strdup_or_null(subvols[k]),
				.pretty_name = os_pretty_name(dir),
				.size = d->size,
			};
			struct rootmount_candidate *nv =
				realloc(rm->candidates, (rm->n_candidates + 1) * sizeof(*nv));
			if (!nv || !c.device || !c.fstype) {
				candidate_done(&c);
				if (nv)
					rm->candidates = nv;
				r = -ENOMEM;
			} else {
				rm->candidates = nv;
				rm->candidates[rm->n_candidates++] = c;
				*ret_found = true;
			}
		}
		int u = unmount_last(rm);
		if (u < 0 && u != -EBUSY)
			(void) add_msg(&rm->warnings, "Failed to unmount %s: %s", dir, strerror(-u));
		if (r == -ENOMEM)
			break;
		r = 0;
	}
	remove_dir(rm, dir);
	if (r == -ENOMEM)
		return r;
	if (first_err < 0 && !*ret_found) {
		_cleanup_free_ char *why = NULL;
		if (explain_mount_failure(rm, &s->devs[idx], NULL, first_err, &why) < 0 ||
		    strv_push(&s->mount_failures, TAKE_PTR(why)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ext3/4 superblock: s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER. */
static bool ext_needs_recovery(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	unsigned char sb[256];

	if (fd < 0 || pread(fd, sb, sizeof(sb), 1024) != (ssize_t) sizeof(sb))
		return false;
	if (sb[0x38] != 0x53 || sb[0x39] != 0xef)
		return false;
	return (le32(sb + 0x60) & 0x4) != 0;
}

static int mount_fstab(struct rootmount *rm);

/*
 * The device to name in "sshfix --device DEV ..." for the root on d (see
 * rootmount.h).  A logical volume's path exists only while its group is
 * active: if sshfix activated the group it deactivates it at the end, and
 * --device on the physical volume (d's first slave, as in_scope() walks it)
 * activates it again and finds the root among its volumes.  Returns a new
 * string or NULL (ENOMEM).
 */
static char *reopen_device(struct rootmount *rm, const struct rm_dev *d)
{
	struct rootmount_state *s = rm->state;
	const struct rm_dev *pv = d->stacked_on ? dev_by_devno(s, d->stacked_on) : NULL;

	if (pv && streq_ptr(pv->type, "LVM2_member")) {
		_cleanup_free_ char *vg = NULL;
		if (lvm_vg_name(pv->path, &vg) >= 0 && strv_contains(s->activated_vgs, vg))
			return strdup(pv->path);
	}
	return strdup(d->path);
}

static int mount_root(struct rootmount *rm, size_t idx, const char *subvol, bool subvol_known)
{
	struct rootmount_state *s = rm->state;
	static const char *const subvols[] = { NULL, "@", "root" };
	const struct rm_dev *d = &s->devs[idx];
	_cleanup_free_ char *dir = NULL;
	const char *used_subvol = subvol;
	struct buf sum = {0};
	int r;

	r = make_dir(rm, "root", &dir);
	if (r < 0)
		return r;
	if (streq(d->type, "btrfs") && !subvol_known) {
		/* The default subvolume, else "@" (Debian, Ubuntu), else "root" (Fedora). */
		int first_err = 0;
		r = -ENOENT;
		for (size_t k = 0; k < ELEMENTSOF(subvols); k++) {
			r = do_mount(rm, d, s->opts->writable, dir, dir, "/", subvols[k]);
			if (r == -ENOMEM)
				return r;
			if (r < 0) {
				if (k == 0)
					first_err = r;
				continue;
			}
			if (looks_like_root(dir)) {
				used_subvol = subvols[k];
				break;
			}
			r = unmount_last(rm);
			if (r < 0 && r != -EBUSY)
				return r;
			r = -ENOENT;
		}
		if (r == -ENOENT && first_err == 0) {
			remove_dir(rm, dir);
			return set_explanation(rm,
					       "%s (btrfs) holds no Linux root in its default subvolume, in \"@\" or "
					       "in \"root\". Mount the right subvolume yourself (mount -o "
					       "ro,rescue=nologreplay,subvol=NAME %s /mnt) and run sshfix --root /mnt.",
					       d->path, d->path) < 0
				       ? -ENOMEM
				       : -ENOENT;
		}
		if (r < 0)
			r = first_err;
	} else
		r = do_mount(rm, d, s->opts->writable, dir, dir, "/", subvol);
	if (r < 0) {
		_cleanup_free_ char *why = NULL;
		remove_dir(rm, dir);
		if (r == -ENOMEM || explain_mount_failure(rm, d, used_subvol, r, &why) < 0)
			return -ENOMEM;
		free(rm->explanation);
		rm->explanation = TAKE_PTR(why);
		return r;
	}
	if (!dir_exists_in(dir, "/etc", true)) {
		(void) unmount_last(rm);
		remove_dir(rm, dir);
		return set_explanation(rm,
				       "%s (%s) does not look like a Linux root file system: it has no /etc directory. "
				       "Use --find-root to look for the root.",
				       d->path, d->type) < 0
			       ? -ENOMEM
			       : -ENOENT;
	}

	rm->root = strdup(dir);
	rm->device = strdup(d->path);
	rm->reopen_device = reopen_device(rm, d);
	rm->fstype = strdup(d->type);
	if (!rm->root || !rm->device || !rm->reopen_device || !rm->fstype)
		return -ENOMEM;

	if (!s->opts->writable && (streq(d->type, "ext3") || streq(d->type, "ext4")) && ext_needs_recovery(d->path))
		(void) add_msg(&rm->warnings,
			       "The journal of %s needs recovery (the system was not shut down cleanly). It was "
			       "mounted without replaying it, so the latest changes may be missing from what sshfix "
			       "reads; --apply replays it.",
			       d->path);
	if (!s->opts->writable && !has_journal_replay_guard(d->type) && !streq(d->type, "ext2"))
		(void) add_msg(&rm->notes, "%s is %s, mounted with plain \"ro\" (sshfix knows no journal option for it).",
			       d->path, d->type);

	_cleanup_free_ char *label = d->label ? quoted(d->label) : NULL;
	_cleanup_free_ char *pretty = os_pretty_name(dir);
	_cleanup_free_ char *pq = pretty ? quoted(pretty) : NULL;
	buf_printf(&sum, "Examining %s (%s%s%s%s%s%s%s), mounted %s at %s", d->path, d->type,
		   used_subvol ? ", subvolume " : "", used_subvol ? used_subvol : "", label ? ", label " : "",
		   label ? label : "", pq ? ", " : "", pq ? pq : "",
		   s->opts->writable			  ? "read-write"
		   : has_journal_replay_guard(d->type) ? "read-only without journal replay"
						       : "read-only",
		   dir);
	free(rm->summary);
	rm->summary = buf_steal(&sum);
	if (!rm->summary)
		return -ENOMEM;
	return mount_fstab(rm);
}

/* ---- the target's fstab ---- */

static bool wanted_mount_point(const char *where)
{
	static const char *const dirs[] = { "/usr", "/var", "/home" };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (path_is_below(where, dirs[i]))
			return true;
	return false;
}

static bool network_or_virtual(const char *fstype)
{
	static const char *const types[] = { "nfs",	   "nfs4",  "cifs", "smb3",	"smbfs", "9p",
					     "virtiofs",   "ceph",  "glusterfs", "sshfs", "davfs", "tmpfs",
					     "ramfs",	   "none",  "overlay",	 "proc",  "sysfs", "devtmpfs",
					     "swap",	   "iso9660", "squashfs" };

	if (!fstype)
		return false;
	if (startswith(fstype, "fuse"))
		return true;
	for (size_t i = 0; i < ELEMENTSOF(types); i++)
		if (streq(fstype, types[i]))
			return true;
	return false;
}

/* Undo udev's \xNN escaping in /dev/disk/by-label names. */
static char *unhex(const char *s)
{
	struct buf b = {0};

	for (; *s; s++) {
		unsigned v;
		if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v) == 1) {
			buf_putc(&b, (char) v);
			s += 3;
		} else
			buf_putc(&b, *s);
	}
	return buf_steal(&b);
}

static const char *dev_tag(const struct rm_dev *d, const char *tag)
{
	if (streq(tag, "UUID"))
		return d->uuid;
	if (streq(tag, "LABEL"))
		return d->label;
	if (streq(tag, "PARTUUID"))
		return d->partuuid;
	if (streq(tag, "PARTLABEL"))
		return d->partlabel;
	return NULL;
}

static bool kernel_name(const char *path)
{
	static const char *const prefixes[] = { "/dev/sd", "/dev/vd", "/dev/hd", "/dev/xvd", "/dev/nvme",
						"/dev/mmcblk", "/dev/loop" };

	for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
		if (startswith(path, prefixes[i]))
			return true;
	return false;
}

/* "/dev/mapper/vg--x-lv" or "/dev/vg/lv" -> "vg-x"; NULL if not LVM-shaped. */
static char *vg_from_path(const char *path)
{
	if (startswith(path, "/dev/mapper/")) {
		const char *p = path + strlen("/dev/mapper/");
		struct buf b = {0};
		for (; *p; p++) {
			if (p[0] == '-' && p[1] == '-') {
				buf_putc(&b, '-');
				p++;
			} else if (p[0] == '-')
				return buf_steal(&b);
			else
				buf_putc(&b, *p);
		}
		buf_done(&b);
		return NULL;
	}
	const char *a = path + strlen("/dev/"), *slash = strchr(a, '/');
	if (!slash || strchr(slash + 1, '/'))
		return NULL;
	return strndup(a, (size_t) (slash - a));
}

/*
 * Which device of this system an fstab source names.  Returns the index, or
 * -errno with *ret_why saying why (for a warning).
 */
static int resolve_source(struct rootmount *rm, const char *spec, size_t root_idx, char **ret_why)
{
	struct rootmount_state *s = rm->state;
	_cleanup_free_ char *tag = NULL, *value = NULL;
	const char *eq = strchr(spec, '=');
	int r;

	r = load_devices(rm);
	if (r < 0)
		return r;

	if (eq && !startswith(spec, "/")) {
		tag = strndup(spec, (size_t) (eq - spec));
		value = strdup(eq + 1);
		/* fstab may quote the value: UUID="..." */
		if (value && value[0] == '"' && strlen(value) >= 2 && value[strlen(value) - 1] == '"') {
			memmove(value, value + 1, strlen(value));
			value[strlen(value) - 1] = '\0';
		}
	} else if (startswith(spec, "/dev/disk/by-uuid/") || startswith(spec, "/dev/disk/by-label/") ||
		   startswith(spec, "/dev/disk/by-partuuid/") || startswith(spec, "/dev/disk/by-partlabel/")) {
		const char *kind = spec + strlen("/dev/disk/by-"), *slash = strchr(kind, '/');
		tag = strndup(kind, (size_t) (slash - kind));
		value = unhex(slash + 1);
		for (char *p = tag; p && *p; p++)
			*p = (char) (*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	}
	if (tag) {
		int found = -1, n = 0, n_same_disk = 0, same_disk = -1;
		if (!value)
			return -ENOMEM;
		if (!streq(tag, "UUID") && !streq(tag, "LABEL") && !streq(tag, "PARTUUID") && !streq(tag, "PARTLABEL"))
			return asprintf(ret_why, "sshfix does not resolve %s= sources", tag) < 0 ? -ENOMEM : -EINVAL;
		for (size_t i = 0; i < s->n_devs; i++) {
			const char *v = dev_tag(&s->devs[i], tag);
			if (!v || strcasecmp(v, value) != 0)
				continue;
			/* Devices this system uses are not even probed. */
			if (s->devs[i].in_use && i != root_idx)
				continue;
			n++;
			found = (int) i;
			if (s->devs[i].disk == s->devs[root_idx].disk) {
				n_same_disk++;
				same_disk = (int) i;
			}
		}
		if (n == 1)
			return found;
		if (n > 1 && n_same_disk == 1)
			return same_disk;
		if (n > 1)
			return asprintf(ret_why, "%s=%s matches %d devices here; sshfix does not guess", tag, value, n) < 0
				       ? -ENOMEM
				       : -ENOTUNIQ;
		return asprintf(ret_why, "no device here that this system does not use itself has %s=%s", tag,
				value) < 0
			       ? -ENOMEM
			       : -ENOENT;
	}

	if (!startswith(spec, "/dev/"))
		return asprintf(ret_why, "sshfix cannot resolve the source '%s'", spec) < 0 ? -ENOMEM : -EINVAL;

	struct stat st;
	if (stat(spec, &st) < 0 && (startswith(spec, "/dev/mapper/") || !kernel_name(spec))) {
		/* An LVM volume of a group not active yet. */
		_cleanup_free_ char *vg = vg_from_path(spec);
		for (size_t i = 0; vg && i < s->n_devs; i++) {
			_cleanup_free_ char *name = NULL, *activated = NULL;
			if (!streq_ptr(s->devs[i].type, "LVM2_member") || s->devs[i].in_use)
				continue;
			if (lvm_vg_name(s->devs[i].path, &name) < 0 || !streq(name, vg))
				continue;
			(void) lvm_activate(rm, i, &activated);
			break;
		}
	}
	if (stat(spec, &st) < 0 || !S_ISBLK(st.st_mode))
		return asprintf(ret_why, "%s does not exist on this system", spec) < 0 ? -ENOMEM : -ENOENT;
	r = add_dev(rm, spec);
	if (r < 0)
		return asprintf(ret_why, "cannot probe %s: %s", spec, strerror(-r)) < 0 ? -ENOMEM : r;
	if (s->devs[r].in_use && (size_t) r != root_idx)
		return asprintf(ret_why, "%s is this system's own device: %s", spec, s->devs[r].in_use) < 0 ? -ENOMEM
														  : -EBUSY;
	/* Kernel names belong to the machine that wrote the fstab: on a rescue
	 * system /dev/sda3 may be a different disk. */
	if (kernel_name(spec) && s->devs[r].disk != s->devs[root_idx].disk)
		return asprintf(ret_why,
				"%s is a kernel name from the original machine, and here it is on another disk than "
				"the root; sshfix does not guess",
				spec) < 0
			       ? -ENOMEM
			       : -ENOENT;
	return r;
}

struct fstab_entry {
	char *where, *source, *fstype, *options;
	char *key;		/* the mount point resolved inside the target, for the order */
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fstab_entry *) a)->key, ((const struct fstab_entry *) b)->key);
}

/* Mount one fstab entry on its directory, resolved inside the target. */
static int mount_entry(struct rootmount *rm, struct target *t, const struct fstab_entry *e, size_t root_idx,
		       char **ret_why)
{
	struct rootmount_state *s = rm->state;
	_cleanup_free_ char *why = NULL, *subvol = NULL, *dir = NULL, *fdpath = NULL;
	_cleanup_close_ int fd = -EBADF;
	struct target_path tp = {0};
	char *val = NULL;
	size_t valsz = 0;
	int idx, r;

	idx = resolve_source(rm, e->source, root_idx, &why);
	if (idx < 0) {
		*ret_why = TAKE_PTR(why);
		return idx;
	}
	const struct rm_dev *d = &s->devs[idx];
	if (!d->type || !root_capable(d->type))
		return asprintf(ret_why, "%s holds %s, not a file system sshfix mounts", d->path,
				d->type ? d->type : "no file system") < 0
			       ? -ENOMEM
			       : -EMEDIUMTYPE;
	if (e->options && mnt_optstr_get_option(e->options, "subvol", &val, &valsz) == 0 && val) {
		subvol = strndup(val, valsz);
		if (!subvol)
			return -ENOMEM;
	}
	if ((size_t) idx == root_idx && !streq(d->type, "btrfs"))
		return asprintf(ret_why, "it names the root's own device %s", d->path) < 0 ? -ENOMEM : -EINVAL;
	if (subvol && (strchr(subvol, ',') || strchr(subvol, '"')))
		return asprintf(ret_why, "sshfix does not pass the subvolume name '%s'", subvol) < 0 ? -ENOMEM
												   : -EINVAL;

	/* The mount point, resolved inside the target: a symlink there
	 * points into the target, never out of it. */
	r = target_resolve(t, e->where, 0, &tp, NULL);
	if (r < 0 || !tp.exists || !S_ISDIR(tp.st.st_mode)) {
		target_path_done(&tp);
		return asprintf(ret_why, "the mount point %s does not exist in the target or is not a directory",
				e->where) < 0
			       ? -ENOMEM
			       : -ENOENT;
	}
	fd = target_open(t, tp.canon, O_PATH | O_DIRECTORY, TR_NO_SYMLINKS);
	dir = path_join(rm->root, tp.canon);
	target_path_done(&tp);
	if (fd < 0)
		return asprintf(ret_why, "cannot open the mount point %s: %s", e->where, strerror(-fd)) < 0 ? -ENOMEM
													     : fd;
	if (!dir || asprintf(&fdpath, "/proc/self/fd/%d", fd) < 0)
		return -ENOMEM;
	if (access("/proc/self/fd", F_OK) < 0)
		return asprintf(ret_why, "/proc is not mounted, so sshfix cannot mount safely inside the target") < 0
			       ? -ENOMEM
			       : -ENOENT;
	r = do_mount(rm, d, s->opts->writable, fdpath, dir, e->where, subvol);
	if (r < 0) {
		if (r == -ENOMEM || explain_mount_failure(rm, d, subvol, r, ret_why) < 0)
			return -ENOMEM;
		return r;
	}
	(void) add_msg(&rm->notes, "Mounted %s from %s (%s) on %s.", e->where, d->path, d->type, dir);
	return 0;
}

struct fstab_list {
	struct fstab_entry *v;
	size_t n;
};

static void fstab_list_done(struct fstab_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].where), free(l->v[i].source), free(l->v[i].fstype), free(l->v[i].options),
			free(l->v[i].key);
	free(l->v);
	*l = (struct fstab_list) {0};
}

static void mnt_tablep(struct libmnt_table **tb)
{
	mnt_unref_table(*tb);
}

static void mnt_iterp(struct libmnt_iter **it)
{
	mnt_free_iter(*it);
}

static void targetp(struct target **t)
{
	target_free(*t);
}

/*
 * The fstab entries to mount: /usr, /var, /home and below, parents first.
 * Network and virtual ones are a warning (read-only) or -EREMOTE (writable).
 */
static int fstab_entries(struct rootmount *rm, struct target *t, char *data, size_t len, struct fstab_list *ret)
{
	struct rootmount_state *s = rm->state;
	_cleanup_(fstab_list_done) struct fstab_list l = {0};
	_cleanup_(mnt_tablep) struct libmnt_table *tb = mnt_new_table();
	_cleanup_(mnt_iterp) struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	_cleanup_fclose_ FILE *f = fmemopen(data, len, "r");
	struct libmnt_fs *fs;

	if (!tb || !it || !f)
		return -ENOMEM;
	if (mnt_table_parse_stream(tb, f, "/etc/fstab") < 0)
		(void) add_msg(&rm->warnings, "The target's /etc/fstab has lines sshfix cannot parse; they were skipped");
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *where = mnt_fs_get_target(fs), *src = mnt_fs_get_source(fs);
		const char *type = mnt_fs_get_fstype(fs), *opts = mnt_fs_get_options(fs);
		_cleanup_free_ char *w = NULL;
		struct fstab_entry *nv;

		if (!where || !src)
			continue;
		w = path_simplify(where);
		if (!w)
			return -ENOMEM;
		if (!wanted_mount_point(w))
			continue;
		/* mnt_fs_match_options() would read "noauto" as "not auto". */
		if (opts && mnt_optstr_get_option(opts, "noauto", NULL, NULL) == 0) {
			(void) add_msg(&rm->notes, "Not mounting %s: it is noauto in the target's fstab.", w);
			continue;
		}
		if (network_or_virtual(type) || (opts && mnt_optstr_get_option(opts, "bind", NULL, NULL) == 0)) {
			if (s->opts->writable)
				return set_explanation(rm,
						       "The target's %s is not a local file system (%s %s); sshfix does "
						       "not mount it, and does not repair a system it sees only in part. "
						       "Mount it yourself under the root and use --root.",
						       w, type ? type : "?", src) < 0
					       ? -ENOMEM
					       : -EREMOTE;
			(void) add_msg(&rm->warnings,
				       "The target's %s is %s (%s) and was not mounted; checks see only the directory "
				       "under it",
				       w, type ? type : "?", src);
			continue;
		}
		nv = realloc(l.v, (l.n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l.v = nv;
		l.v[l.n++] = (struct fstab_entry) { .where = TAKE_PTR(w), .source = strdup(src),
						    .fstype = strdup_or_null(type), .options = strdup_or_null(opts) };
		if (!l.v[l.n - 1].source)
			return -ENOMEM;
	}
	/* Parents first: /var before /var/log, and before /home when /home is
	 * a symlink to var/home (resolved on the root alone). */
	for (size_t i = 0; i < l.n; i++) {
		struct target_path tp = {0};
		if (target_resolve(t, l.v[i].where, TR_MAY_NOT_EXIST, &tp, NULL) == 0 && tp.canon)
			l.v[i].key = TAKE_PTR(tp.canon);
		else
			l.v[i].key = strdup(l.v[i].where);
		target_path_done(&tp);
		if (!l.v[i].key)
			return -ENOMEM;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), entry_cmp);
	*ret = l;
	l = (struct fstab_list) {0};
	return 0;
}

static int mount_fstab(struct rootmount *rm)
{
	struct rootmount_state *s = rm->state;
	_cleanup_(targetp) struct target *t = NULL;
	_cleanup_(fstab_list_done) struct fstab_list l = {0};
	_cleanup_free_ char *data = NULL;
	struct buf sum = {0};
	size_t len = 0, root_idx = 0;
	int r;

	for (size_t i = 0; i < s->n_devs; i++)
		if (streq(s->devs[i].path, rm->device))
			root_idx = i;

	r = target_new(rm->root, &t);
	if (r < 0)
		return r;
	r = target_read_file(t, "/etc/fstab", FSTAB_MAX, &data, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0 && r != -ENOENT) {
		(void) add_msg(&rm->warnings,
			       "Cannot read the target's /etc/fstab: %s; no separate /usr, /var or /home was mounted",
			       strerror(-r));
		return 0;
	}
	if (r < 0 || len == 0) {
		(void) add_msg(&rm->notes, "The target has no /etc/fstab (or it is empty).");
		return 0;
	}
	r = fstab_entries(rm, t, data, len, &l);
	if (r < 0)
		return r;

	for (size_t i = 0; i < l.n; i++) {
		_cleanup_free_ char *why = NULL;
		r = mount_entry(rm, t, &l.v[i], root_idx, &why);
		if (r == -ENOMEM)
			break;
		if (r < 0 && s->opts->writable) {
			r = set_explanation(rm,
					    "Cannot mount the target's %s (%s): %s. sshfix does not repair a system it "
					    "sees only in part; mount it yourself under the root and use --root, or rerun "
					    "with --dry-run to see what it would do.",
					    l.v[i].where, l.v[i].source, why ? why : strerror(-r)) < 0
				    ? -ENOMEM
				    : r;
			break;
		}
		if (r < 0) {
			(void) add_msg(&rm->warnings,
				       "The target's %s (%s) was not mounted: %s; checks see only the directory under it",
				       l.v[i].where, l.v[i].source, why ? why : strerror(-r));
			r = 0;
			continue;
		}
		buf_printf(&sum, "%s%s from %s", sum.len ? ", " : "; ", l.v[i].where,
			   rm->mounts[rm->n_mounts - 1].device);
	}
	if (r >= 0 && sum.len > 0) {
		char *ns = NULL;
		if (!buf_ok(&sum) || asprintf(&ns, "%s%s", rm->summary, sum.data) < 0)
			r = -ENOMEM;
		else {
			free(rm->summary);
			rm->summary = ns;
		}
	}
	buf_done(&sum);
	return r;
}

/* ---- discovery ---- */

static bool in_scope(struct rootmount_state *s, const struct rm_dev *d, dev_t scope)
{
	if (scope == 0)
		return true;
	for (int hops = 0; d && hops < 8; hops++) {
		if (d->devno == scope || d->disk == scope)
			return true;
		d = d->stacked_on ? dev_by_devno(s, d->stacked_on) : NULL;
	}
	return false;
}

static bool initramfs_root_mounted(char **ret_dir)
{
	static const char *const dirs[] = { "/root", "/sysroot" };
	struct stat st, parent;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (stat(dirs[i], &st) == 0 && stat("/", &parent) == 0 && st.st_dev != parent.st_dev) {
			*ret_dir = strdup(dirs[i]);
			return *ret_dir != NULL;
		}
	return false;
}

/* Nothing mountable held a root: say what else there was.  Returns the -errno for it. */
static int explain_nothing(struct rootmount *rm, dev_t scope, const char *scope_name, size_t n_probed,
			   size_t n_busy, struct buf *why)
{
	struct rootmount_state *s = rm->state;
	_cleanup_free_ char *initrd_root = NULL;
	unsigned n_luks = 0;
	bool raid = false;
	int r;

	for (size_t i = 0; i < s->n_devs; i++) {
		const struct rm_dev *d = &s->devs[i];
		if (!in_scope(s, d, scope) || d->in_use || !d->type)
			continue;
		if (streq(d->type, "crypto_LUKS")) {
			r = explain_luks(rm, why, d, n_luks++);
			if (r < 0)
				return r;
		} else if (is_raid_member(d) && !raid) {
			raid = true;
			r = explain_raid(rm, why, d);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; s->mount_failures && s->mount_failures[i]; i++)
		buf_printf(why, "%s\n", s->mount_failures[i]);
	if (n_luks > 0)
		return -ENOKEY;
	if (raid)
		return -EMEDIUMTYPE;
	if (s->mount_failures && s->mount_failures[0])
		return -EIO;

	buf_printf(why, "No Linux root file system found among %zu device(s)%s%s", n_probed, scope_name ? " on " : "",
		   scope_name ? scope_name : "");
	if (n_busy)
		buf_printf(why, " (%zu in use by this system and skipped; --verbose lists them)", n_busy);
	if (s->n_unreadable)
		buf_printf(why, "; %zu could not be opened (--verbose names them)", s->n_unreadable);
	buf_puts(why, ".");
	for (size_t i = 0; rm->warnings && rm->warnings[i]; i++)
		if (strstr(rm->warnings[i], "LVM")) {
			buf_puts(why, " An LVM volume group could not be activated (see above).");
			break;
		}
	/* Rescue systems often mount an attached disk themselves. */
	for (size_t i = 0; i < s->n_devs; i++) {
		const struct rm_dev *d = &s->devs[i];
		const struct rm_sysmount *m = sysmount_of(s, d->devno);
		_cleanup_free_ char *where = NULL;

		if (!in_scope(s, d, scope) || !m || !m->target || streq(m->target, "/") || !looks_like_root(m->target))
			continue;
		where = escape_display(m->target);
		if (!where)
			return -ENOMEM;
		buf_printf(why, " %s is mounted at %s and holds a Linux root: run sshfix --root %s.", d->path, where,
			   where);
	}
	if (rootmount_in_initramfs() && initramfs_root_mounted(&initrd_root))
		buf_printf(why, " The initramfs has mounted a root at %s already: run sshfix --root %s.", initrd_root,
			   initrd_root);
	return -ENOENT;
}

static int take_explanation(struct rootmount *rm, struct buf *b)
{
	while (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
	if (!buf_ok(b)) {
		buf_done(b);
		return -ENOMEM;
	}
	free(rm->explanation);
	rm->explanation = buf_steal(b);
	return 0;
}

/* Mount the one candidate found, naming what else needs unlocking. */
static int mount_single_candidate(struct rootmount *rm, dev_t scope)
{
	struct rootmount_state *s = rm->state;
	struct rootmount_candidate *c = &rm->candidates[0];
	_cleanup_free_ char *subvol = NULL;
	size_t idx = 0;

	for (size_t i = 0; i < s->n_devs; i++)
		if (streq(s->devs[i].path, c->device))
			idx = i;
	for (size_t i = 0; i < s->n_devs; i++)
		if (in_scope(s, &s->devs[i], scope) && !s->devs[i].in_use &&
		    (streq_ptr(s->devs[i].type, "crypto_LUKS") || is_raid_member(&s->devs[i])))
			(void) add_msg(&rm->warnings, "%s (%s) was not examined: it needs unlocking or assembling first",
				       s->devs[i].path, s->devs[i].type);
	if (c->subvol) {
		subvol = strdup(c->subvol);
		if (!subvol)
			return -ENOMEM;
	}
	for (size_t i = 0; i < rm->n_candidates; i++)
		candidate_done(&rm->candidates[i]);
	free(rm->candidates);
	rm->candidates = NULL;
	rm->n_candidates = 0;
	return mount_root(rm, idx, subvol, true);
}

/*
 * Look for the root among every device (scope 0) or among those on scope
 * (the partitions of a disk, the volumes of a PV).
 */
static int discover(struct rootmount *rm, dev_t scope, const char *scope_name)
{
	struct rootmount_state *s = rm->state;
	struct buf why = {0};
	size_t n_probed = 0, n_busy = 0;
	int r;

	r = load_devices(rm);
	if (r < 0)
		return r;

	/* s->devs grows while we go: LVM activation adds volumes. */
	for (size_t i = 0; i < s->n_devs; i++) {
		const struct rm_dev *d = &s->devs[i];
		bool found;

		if (!in_scope(s, d, scope))
			continue;
		n_probed++;
		if (d->in_use) {
			n_busy++;
			(void) add_msg(&rm->notes, "Skipped %s: %s.", d->path, d->in_use);
			continue;
		}
		if (d->ambivalent) {
			(void) add_msg(&rm->warnings,
				       "%s carries more than one signature; sshfix does not guess what it holds "
				       "(wipefs -n %s lists them)",
				       d->path, d->path);
			continue;
		}
		if (!d->type)
			continue;
		if (streq(d->type, "LVM2_member")) {
			_cleanup_free_ char *vg = NULL;
			r = lvm_activate(rm, i, &vg);
			if (r == -ENOMEM)
				return r;
			continue;
		}
		if (!root_capable(d->type))
			continue;
		r = inspect(rm, i, &found);
		if (r < 0)
			return r;
		(void) add_msg(&rm->notes, "Probed %s (%s): %s.", s->devs[i].path, s->devs[i].type,
			       found ? "a Linux root" : "not a Linux root");
	}

	if (rm->n_candidates == 1)
		return mount_single_candidate(rm, scope);
	if (rm->n_candidates > 1) {
		buf_printf(&why,
			   "Found %zu Linux root file systems%s%s; sshfix does not guess which one to repair. "
			   "Choose one with --device.",
			   rm->n_candidates, scope_name ? " on " : "", scope_name ? scope_name : "");
		r = -ENOTUNIQ;
	} else
		r = explain_nothing(rm, scope, scope_name, n_probed, n_busy, &why);
	if (r == -ENOMEM || take_explanation(rm, &why) < 0)
		return -ENOMEM;
	return r;
}

/* --device DEV: mount it, or explain what it is instead. */
static int open_device(struct rootmount *rm)
{
	struct rootmount_state *s = rm->state;
	const struct rootmount_options *o = s->opts;
	const char *dev = o->device;
	struct stat st;
	struct buf b = {0};
	int idx, r;

	if (stat(dev, &st) < 0) {
		r = negative_errno();
		return set_explanation(rm, "Cannot use the device '%s': %s.", dev, strerror(-r)) < 0 ? -ENOMEM : r;
	}
	if (!S_ISBLK(st.st_mode))
		return set_explanation(rm,
				       "'%s' is not a block device. For a disk image, attach it first (losetup "
				       "--find --show --partscan --read-only IMAGE) and use --find-root or the "
				       "partition; for a mounted file system use --root DIR.",
				       dev) < 0
			       ? -ENOMEM
			       : -ENOTBLK;
	idx = add_dev(rm, dev);
	if (idx < 0)
		return set_explanation(rm, "Cannot probe '%s': %s.", dev, strerror(-idx)) < 0 ? -ENOMEM : idx;
	const struct rm_dev *d = &s->devs[idx];

	if (d->in_use) {
		const struct rm_sysmount *m = sysmount_of(s, d->devno);
		if (d->devno == s->root_st_dev)
			r = set_explanation(rm, "%s holds the running system's root: run sshfix without --device.",
					    dev);
		else if (m && m->target)
			r = set_explanation(rm, "%s is already mounted at %s on this system: run sshfix --root %s.", dev,
					    m->target, m->target);
		else
			r = set_explanation(rm, "sshfix does not use %s: %s.", dev, d->in_use);
		return r < 0 ? -ENOMEM : -EBUSY;
	}
	if (d->ambivalent)
		return set_explanation(rm,
				       "%s carries more than one signature (wipefs -n %s lists them); sshfix does not "
				       "guess which one holds the file system.",
				       dev, dev) < 0
			       ? -ENOMEM
			       : -EMEDIUMTYPE;
	if (!d->type && d->pttype) {
		/* A whole disk: look among its partitions. */
		return discover(rm, d->devno, dev);
	}
	if (!d->type)
		return set_explanation(rm, "%s holds no file system that sshfix recognises.", dev) < 0 ? -ENOMEM
												       : -EMEDIUMTYPE;
	if (streq(d->type, "LVM2_member")) {
		_cleanup_free_ char *vg = NULL;
		dev_t devno = d->devno;
		r = lvm_activate(rm, (size_t) idx, &vg);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			/* Its warning is the explanation. */
			size_t n = strv_length(rm->warnings);
			if (n > 0) {
				free(rm->explanation);
				rm->explanation = rm->warnings[n - 1];
				rm->warnings[n - 1] = NULL;
			}
			return r;
		}
		return discover(rm, devno, dev);
	}
	if (streq(d->type, "crypto_LUKS")) {
		r = explain_luks(rm, &b, d, 0);
		if (r < 0 || take_explanation(rm, &b) < 0)
			return -ENOMEM;
		return -ENOKEY;
	}
	if (is_raid_member(d)) {
		r = load_devices(rm);	/* to name every member */
		if (r < 0)
			return r;
		d = &s->devs[idx];
		r = explain_raid(rm, &b, d);
		if (r < 0 || take_explanation(rm, &b) < 0)
			return -ENOMEM;
		return -EMEDIUMTYPE;
	}
	if (streq(d->type, "swap"))
		return set_explanation(rm, "%s is a swap area, not a file system.", dev) < 0 ? -ENOMEM : -EMEDIUMTYPE;
	if (!d->usage || !streq(d->usage, "filesystem"))
		return set_explanation(rm, "%s holds %s, not a file system.", dev, d->type) < 0 ? -ENOMEM
												: -EMEDIUMTYPE;
	return mount_root(rm, (size_t) idx, NULL, false);
}

int rootmount_open(const struct rootmount_options *opts, struct rootmount **ret)
{
	struct rootmount *rm;
	int r;

	*ret = NULL;
	rm = calloc(1, sizeof(*rm));
	if (!rm)
		return -ENOMEM;
	rm->state = calloc(1, sizeof(*rm->state));
	if (!rm->state) {
		free(rm);
		return -ENOMEM;
	}
	rm->state->opts = opts;
	rm->state->lvm = find_lvm();
	active_rm = rm;
	*ret = rm;

	r = note_system(rm);
	if (r < 0) {
		rootmount_close(rm);
		*ret = NULL;
		return r;
	}
	r = make_private_dir(rm);
	if (r < 0) {
		rm->state->opts = NULL;
		return set_explanation(rm, "Cannot create a private directory to mount on (under %s or /tmp): %s.",
				       opts->runtime_dir ? opts->runtime_dir : DEFAULT_RUNTIME_DIR, strerror(-r)) < 0
			       ? -ENOMEM
			       : r;
	}
	r = opts->device ? open_device(rm) : discover(rm, 0, NULL);
	/* The options are the caller's and need not outlive this call. */
	rm->state->opts = NULL;
	if (r < 0) {
		free(rm->root);
		rm->root = NULL;
		/* Nothing stays mounted after a failure. */
		(void) rootmount_unmount(rm);
		if (r == -ENOMEM) {
			rootmount_close(rm);
			*ret = NULL;
		}
		return r;
	}
	return 0;
}

int rootmount_unmount(struct rootmount *rm)
{
	struct rootmount_state *s;
	int first = 0;

	if (!rm || !rm->state || rm->state->unmounted)
		return 0;
	s = rm->state;
	while (rm->n_mounts > 0) {
		_cleanup_free_ char *dir = strdup(rm->mounts[rm->n_mounts - 1].dir);
		int r = unmount_last(rm);
		if (r == -EBUSY)
			(void) add_msg(&rm->warnings, "%s was busy and was detached; the kernel unmounts it when it is "
						      "no longer used", dir ? dir : "?");
		else if (r < 0) {
			/* Not even a detach worked (EPERM, EIO): say so, forget it and go on
			 * with the mounts below it. */
			struct rootmount_mount *m = &rm->mounts[rm->n_mounts - 1];
			sigset_t old;

			(void) add_msg(&rm->warnings, "Failed to unmount %s: %s", dir ? dir : "?", strerror(-r));
			block_signals(&old);
			m->mounted = false;
			rm->n_mounts--;
			restore_signals(&old);
			free(m->dir), free(m->where), free(m->device), free(m->fstype), free(m->options);
		}
		if (r < 0 && first == 0)
			first = r;
	}
	if (s->activated_vgs)
		lvm_deactivate_all(rm);
	while (s->n_dirs > 0) {
		_cleanup_free_ char *d = strdup(s->dirs[s->n_dirs - 1]);
		if (!d)
			break;
		remove_dir(rm, d);
	}
	sigset_t old;
	block_signals(&old);
	if (s->private_dir && rmdir(s->private_dir) < 0 && errno != ENOENT) {
		int r = negative_errno();
		(void) add_msg(&rm->warnings, "Failed to remove %s: %s", s->private_dir, strerror(-r));
		if (first == 0)
			first = r;
	}
	if (s->runtime_dir)
		(void) rmdir(s->runtime_dir);	/* another sshfix may still use it */
	free(s->private_dir);
	s->private_dir = NULL;
	free(s->runtime_dir);
	s->runtime_dir = NULL;
	s->unmounted = true;
	restore_signals(&old);
	return first;
}

void rootmount_close(struct rootmount *rm)
{
	struct rootmount_state *s;

	if (!rm)
		return;
	(void) rootmount_unmount(rm);
	if (active_rm == rm)
		active_rm = NULL;
	s = rm->state;
	if (s) {
		for (size_t i = 0; i < s->n_devs; i++)
			free_dev(&s->devs[i]);
		free(s->devs);
		for (size_t i = 0; i < s->n_sysmounts; i++)
			free(s->sysmounts[i].target), free(s->sysmounts[i].fstype), free(s->sysmounts[i].source);
		free(s->sysmounts);
		free(s->swaps);
		free(s->dirs);
		strv_free(s->activated_vgs);
		strv_free(s->mount_failures);
		free(s->lvm);
		free(s);
	}
	for (size_t i = 0; i < rm->n_candidates; i++)
		candidate_done(&rm->candidates[i]);
	free(rm->candidates);
	free(rm->mounts);
	free(rm->root);
	free(rm->device);
	free(rm->reopen_device);
	free(rm->fstype);
	free(rm->summary);
	free(rm->explanation);
	strv_free(rm->warnings);
	strv_free(rm->notes);
	free(rm);
}

int rootmount_private_namespace(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return negative_errno();
	/* Our mounts must not propagate back to the rescue system. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return negative_errno();
	return 0;
}

bool rootmount_in_initramfs(void)
{
	struct statfs sfs;
	struct stat st;

	if (statfs("/", &sfs) < 0)
		return false;
	if ((unsigned long) sfs.f_type != (unsigned long) RAMFS_MAGIC &&
	    (unsigned long) sfs.f_type != (unsigned long) TMPFS_MAGIC)
		return false;
	/* dracut's /init is a symlink to systemd: follow it. */
	if (stat("/init", &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (access("/etc/initrd-release", F_OK) == 0)
		return true;
	return access("/etc/os-release", F_OK) < 0 && errno == ENOENT && access("/usr/lib/os-release", F_OK) < 0 &&
	       errno == ENOENT;
}
