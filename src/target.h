/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target: the root file system being repaired ("/" or --root DIR).
 *
 * Every path handed to this module is a path *inside* the target and is
 * resolved inside it: ".." stops at the target's root and an absolute
 * symlink in the target points into the target, never into the rescue
 * system (DESIGN §3).  The kernel does this for us with openat2(2)
 * RESOLVE_IN_ROOT; where that is missing (Linux < 5.6, or seccomp'd
 * containers answering ENOSYS/EPERM) we walk the path one component at a
 * time with O_PATH|O_NOFOLLOW and resolve symlinks ourselves.
 *
 * Nothing here writes to the target.  That is the journal's job.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

enum distro_family {
	DISTRO_UNKNOWN,
	DISTRO_DEBIAN,	/* Debian, Ubuntu and derivatives */
	DISTRO_REDHAT,	/* RHEL, CentOS, Fedora, Rocky, Alma, Oracle, Amazon */
	DISTRO_SUSE,
	DISTRO_ARCH,
	DISTRO_ALPINE,
};

struct target_facts {
	/* os-release; NULL when not known */
	char *os_id, *os_id_like, *os_version_id, *os_pretty;
	enum distro_family family;

	/* The target's sshd binary, read from disk (never run here). */
	char *sshd_path;	/* path inside the target, NULL if none found */
	char *sshd_version;	/* "OpenSSH_9.2p1 Debian-2+deb12u6" */
	int sshd_major, sshd_minor;	/* -1 when unknown */
	bool sshd_debian_patches;	/* Debian/Ubuntu build: group-writable rule, RULES §1.8 */
	bool sshd_libwrap;		/* DT_NEEDED libwrap.so.* of the binary that accepts the
					 * connection: sshd-session from 9.8, else sshd (RULES §7.1, §7.4) */
	const char *sshd_libwrap_from;	/* that binary: sshd_path or sshd_session_path (not owned);
					 * NULL when no sshd was read */
	bool sshd_keyperm_group;	/* EL keyperm patch: 0640 root:ssh_keys host keys, RULES §2.5 */
	char *sshd_privsep_dir;		/* compiled-in privilege separation directory, RULES §4.3; NULL if not found */
	char *sshd_session_path;	/* 9.8+: the sshd-session it runs, RULES §4.4; NULL if none named */
	char *sshd_auth_path;		/* 10.0+: the sshd-auth sshd-session runs for the pre-auth phase,
					 * RULES §4.4, §13.1; NULL if none named */
	char *sshd_vendor_config;	/* SUSE vendordir patch: /usr/etc/ssh/sshd_config, read when
					 * /etc/ssh/sshd_config does not exist; NULL for other builds */
};

struct target {
	int root_fd;		/* O_PATH|O_DIRECTORY */
	char *root;		/* as the user named it, for messages */
	bool use_openat2;	/* false: our own component walk */
	struct target_facts facts;
	char *undo_dir;		/* the journal's undo store inside the target; NULL: TARGET_UNDO_DIR */
};

/* Where the journal keeps its undo records unless target_set_undo_dir() says otherwise. */
#define TARGET_UNDO_DIR "/var/lib/sshfix/undo"

/* Resolution flags (tflags). */
enum {
	/* Do not follow a symlink in the last component (like O_NOFOLLOW). */
	TR_NOFOLLOW = 1 << 0,
	/* Refuse any symlink on the way (-ELOOP): for canonical paths planned
	 * earlier, where a symlink now means someone raced us. */
	TR_NO_SYMLINKS = 1 << 1,
	/* Follow only symlinks no user can have planted or moved: owned by
	 * root, in directories that are all root's (target_dir_is_roots());
	 * any other gives -ENOLINK.  A user could plant a link to make us
	 * touch /etc/shadow, or move a root-owned one that points there. */
	TR_ROOT_SYMLINKS_ONLY = 1 << 2,
	/* target_resolve(): a missing last component is not an error; the
	 * result then names the parent and the entry that would be created. */
	TR_MAY_NOT_EXIST = 1 << 3,
};

/* What resolving a path found out, beyond the fd. */
struct target_path {
	char *canon;		/* canonical path inside the target, no symlinks, no ".." */
	bool exists;
	struct stat st;		/* lstat of the final entry when exists */
	unsigned n_symlinks;	/* symlinks followed on the way */
	bool user_symlink;	/* one of them a user made, or could have moved there (TR_ROOT_SYMLINKS_ONLY) */
	char *user_symlink_path;	/* the first such, canonical; NULL otherwise */
};

void target_path_done(struct target_path *p);

/*
 * Open the target root.  root is "/" or a directory; the facts are read
 * later by target_read_facts().  Returns 0 or -errno (-ENOTDIR if root is not
 * a directory).  The caller owns *ret.
 */
int target_new(const char *root, struct target **ret);
void target_free(struct target *t);
/* Force our own walk instead of openat2 (tests, and the ENOSYS fallback). */
void target_set_openat2(struct target *t, bool on);
/*
 * Keep the undo store at dir (an absolute, simplified path inside the
 * target) instead of TARGET_UNDO_DIR: --client run by a user who cannot
 * write /var/lib keeps it in the home.  Returns 0, -EINVAL or -ENOMEM.
 */
int target_set_undo_dir(struct target *t, const char *dir);
/* The undo store's path inside the target. */
const char *target_undo_dir(const struct target *t);

/* Open a path inside the target; returns an fd or -errno. O_CLOEXEC is added. */
int target_open(struct target *t, const char *path, int oflags, unsigned tflags);

/*
 * Resolve path like realpath(3) would inside the target, following symlinks
 * (also in the last component unless TR_NOFOLLOW).  Fills *ret; returns 0 or
 * -errno (-ENOENT, -ENOTDIR, -ELOOP, -ENOLINK for a refused user symlink).
 * With ret_parent_fd, also returns an O_PATH fd of the parent directory,
 * owned by the caller.
 */
int target_resolve(struct target *t, const char *path, unsigned tflags, struct target_path *ret,
		   int *ret_parent_fd);

/*
 * A directory no user but root can change the entries of: owned by root,
 * and not writable by group or others, unless the group is root's or the
 * directory is sticky (then nobody else can rename or remove root's
 * entries in it, /tmp's rule).
 */
bool target_dir_is_roots(const struct stat *st);

/*
 * Is every directory above the canonical path `canon` (from the target's
 * root down to its parent) owned by root and writable by nobody else (the
 * group only when it is root's; sticky does not count here: others may
 * still create names beside it)?  Then no user can reach the entry by a
 * name of their making (/etc/ssh, not /var/tmp).  Returns 1, 0, or -errno
 * (the parent cannot be examined).
 */
int target_ancestors_are_roots(struct target *t, const char *canon);

/* lstat()/stat() inside the target. */
int target_lstat(struct target *t, const char *path, struct stat *ret);
int target_stat(struct target *t, const char *path, struct stat *ret);

/*
 * The text of the symlink at path (the last component not followed), as
 * readlink(2) gives it: never resolved here, so it says where the link
 * points on the target's own terms.  Returns 0 with *ret (owned by the
 * caller), -EINVAL when path is not a symlink, or -errno.
 */
int target_readlink(struct target *t, const char *path, char **ret);

/*
 * Open a regular file or a directory read-only, and nothing else: the type
 * is checked before the open (-EINVAL for a device, FIFO or socket, -ELOOP
 * for a symlink left by TR_NOFOLLOW).  Returns an fd, and its stat.
 */
int target_open_inode(struct target *t, const char *path, unsigned tflags, struct stat *ret_st);

/*
 * A directory kept open while the names of one moment are looked up in it
 * (one account's keys files in ~/.ssh): it is resolved once, not for each.
 * Hold it for one account only: a name looked up through it is in the
 * directory that was at its path when it was opened.
 */
struct target_dir {
	int fd;		/* O_PATH; < 0 when none is held */
	char *canon;	/* its canonical path */
	struct stat st;	/* its stat, once target_dir_stat() asked for it */
	bool st_known;
};
#define TARGET_DIR_NULL ((struct target_dir) { .fd = -EBADF })
void target_dir_done(struct target_dir *d);
/* The held directory's stat (taken once, then kept); 0 or -errno (-EBADF: none held). */
int target_dir_stat(struct target_dir *d, struct stat *ret);

/*
 * target_open_inode(t, path, TR_NO_SYMLINKS, ret_st), with the same answers,
 * keeping path's directory open in *dir: the next path in the same
 * directory is looked up without resolving it again.
 */
int target_open_inode_in(struct target *t, struct target_dir *dir, const char *path, struct stat *ret_st);
/*
 * target_resolve(t, path, 0, ret, NULL), with the same answers, keeping
 * path's directory open in *dir as target_open_inode_in() does.
 */
int target_resolve_in(struct target *t, struct target_dir *dir, const char *path, struct target_path *ret);

/* Read a whole regular file (at most max bytes, else -EFBIG). Refuses non-regular files (-EINVAL). */
int target_read_file(struct target *t, const char *path, size_t max, char **ret_data, size_t *ret_len);
/*
 * The same for a file that may be missing or unreadable, as most of the
 * configuration a provider reads: then 0 with *ret_data NULL and *ret_len
 * 0.  Only -ENOMEM is an error.
 */
int target_read_file_optional(struct target *t, const char *path, size_t max, char **ret_data, size_t *ret_len);

/* Names in a directory, sorted with strcmp, without "." and ".."; NULL-terminated. */
int target_list_dir(struct target *t, const char *path, char ***ret_names);
/* The same for the symlinks only, by the type the directory gives (one pass, no open per name). */
int target_list_links(struct target *t, const char *path, char ***ret_names);

/* Expand a glob(7) pattern inside the target, results sorted (like glob(3)). */
int target_glob(struct target *t, const char *pattern, char ***ret_paths);

/*
 * Could target_glob(pattern) have produced path?  The same components, each
 * equal to the pattern's where it has no glob magic, else matched by it as
 * a listed name.  For answers about globs that come from elsewhere (a child
 * reading as a user: src/asuser.h).
 */
bool target_glob_matches(const char *pattern, const char *path);

/*
 * Does the regular file at path (a program) hold s as a whole NUL-terminated
 * string, as a compiled-in path is held?  1, 0, or -errno from reading it
 * (-ENOENT: no such file).  At most 64 MiB are read.
 */
int target_file_holds_string(struct target *t, const char *path, const char *s);
/*
 * A number setting of a KEY VALUE or KEY=VALUE file (/etc/login.defs'
 * UID_MIN, /etc/adduser.conf's FIRST_SYSTEM_UID), its last valid one, or
 * def when the file or the key is missing.
 */
unsigned long target_conf_number(struct target *t, const char *path, const char *key, unsigned long def);
/* Is line, blanks around it aside, a line of path (/etc/shells)? */
bool target_file_has_line(struct target *t, const char *path, const char *line);

/* Read os-release and the sshd binary.  Missing pieces stay unknown; returns 0 or -ENOMEM. */
int target_read_facts(struct target *t);
const char *distro_family_name(enum distro_family f);

/* True when the target's sshd is at least major.minor (unknown version: assume the newest rules). */
bool target_sshd_at_least(const struct target *t, int major, int minor);

/*
 * Is the target the running system: its root the same inode as this
 * process's "/"?  Then its own binaries run as the machine runs them
 * (--client), its interfaces are the machine's (listen), and a file such
 * as /etc/nologin acts now rather than after the next boot.  False when
 * either cannot be examined.
 */
bool target_is_this_system(const struct target *t);

/* Parse "OpenSSH_9.2p1 Debian-2" style text found in a binary; exposed for tests. */
int sshd_version_scan(const char *data, size_t len, char **ret_version, int *ret_major, int *ret_minor);
/*
 * The privilege separation directory compiled into an sshd binary held in
 * memory: the first of /usr/share/empty.sshd, /var/empty/sshd, /run/sshd,
 * /var/run/sshd and /var/empty that it holds as a whole NUL-terminated
 * string (RULES §4.3).  Returns a static string, or NULL.  For tests too.
 */
const char *sshd_privsep_dir_scan(const char *data, size_t len);
/*
 * The first NUL-terminated absolute path ending in "/sshd-session" in a
 * binary (9.8+ names the program it runs per connection, RULES §4.4).
 * Returns 1 with *ret (owned by the caller), 0 when there is none, -ENOMEM.
 */
int sshd_session_path_scan(const char *data, size_t len, char **ret);
/* The same for "/sshd-auth" (10.0 names the program that authenticates). */
int sshd_auth_path_scan(const char *data, size_t len, char **ret);
/* List DT_NEEDED entries of an ELF image held in memory; exposed for tests. */
int elf_needed(const char *data, size_t len, char ***ret_needed);
