/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Layered configuration directories: which file counts when the same name
 * sits in /etc, /run and /usr/lib.  systemd's conf_files_list()
 * (src/basic/conf-files.c) is the model: the files of every directory,
 * filtered by suffix, sorted by base name (strcmp), where a name in an
 * earlier directory hides the same name in a later one, and a link to
 * /dev/null (or an empty file, or a device node: null_or_empty()) masks
 * it.  tmpfiles.d, sysctl.d, unit drop-ins and the .wants directories are
 * read that way; so are PAM services (/etc/pam.d over /usr/lib/pam.d),
 * firewalld zones (/etc/firewalld/zones/Z.xml replaces the vendor's) and
 * fail2ban's jail.d, each with the flags that match its reader.
 *
 * Reads go through the target layer (rooted, never a plain path); nothing
 * here writes or prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "target.h"

/* systemd's CONF_PATHS(): /etc, /run, /usr/local/lib, /usr/lib, and /lib for
 * split-/usr builds (Debian 12's systemd 252 still reads it); NULL-terminated. */
extern const char *const confdirs_systemd_layers[];
/* A vendor directory under /etc's: /etc, then /usr/lib (Linux-PAM's vendordir,
 * firewalld's /usr/lib/firewalld); NULL-terminated. */
extern const char *const confdirs_vendor_layers[];

enum {
	/* Skip hidden and backup names (".x", "x~", "x.dpkg-old", "x.rpmnew",
	 * ...), as systemd's FOREACH_DIRENT does (hidden_or_backup_file()). */
	CONFDIRS_SKIP_HIDDEN = 1 << 0,
	/* CONF_FILES_FILTER_MASKED: a link to /dev/null, an empty file or a
	 * device node masks the name: it is not returned, nor any later one. */
	CONFDIRS_FILTER_MASKED = 1 << 1,
	/* CONF_FILES_REGULAR: only regular files (links followed, inside the
	 * target) count; anything else does not hide a later file. */
	CONFDIRS_REGULAR = 1 << 2,
	/* An entry counts only when it can be followed (inside the target),
	 * whatever its type: what an fopen() would open (libpam's
	 * _pam_open_config_file() goes on to the next directory otherwise). */
	CONFDIRS_FOLLOW = 1 << 3,
	/* What systemd-tmpfiles, sysctl and modules-load read with. */
	CONFDIRS_SYSTEMD = CONFDIRS_SKIP_HIDDEN | CONFDIRS_FILTER_MASKED | CONFDIRS_REGULAR,
};

/*
 * More names than any real configuration directory holds: past this many
 * matching names, a listing fails with -E2BIG rather than make the run
 * slow on a hostile directory.
 */
#define CONFDIRS_MAX_NAMES 65536u

/*
 * How path masks a name, as systemd's null_or_empty_path() sees it.  A link
 * whose text is "/dev/null" counts even on an offline root that has no
 * /dev/null to follow it to.
 */
enum conf_mask {
	CONF_MASK_NONE,
	CONF_MASK_NULL_LINK,	/* a symlink to /dev/null */
	CONF_MASK_LINK,		/* a symlink to a device node or an empty file */
	CONF_MASK_DEVICE,	/* a device node */
	CONF_MASK_EMPTY,	/* an empty regular file */
};

/*
 * Is path a mask?  Returns an enum conf_mask (CONF_MASK_NONE also when path
 * does not exist or cannot be examined), or -ENOMEM.  With ret_link, the
 * link's text for the link kinds (owned by the caller; NULL otherwise).
 */
int confdirs_mask_kind(struct target *t, const char *path, char **ret_link);

/* "a link to /dev/null", "an empty file", ...: for reports. */
const char *conf_mask_why(enum conf_mask kind);

/*
 * The files of dirs (most important first, NULL-terminated) whose names end
 * in suffix (NULL: every name), sorted by base name; of entries with the
 * same name the one in the earliest directory counts.  Without
 * CONFDIRS_FILTER_MASKED or CONFDIRS_REGULAR, the first entry wins whatever
 * it is (systemd's unit drop-ins: a /dev/null link there still hides, as an
 * empty file); with them or CONFDIRS_FOLLOW, an entry that cannot be
 * followed does not hide a later one.  A directory that cannot be listed counts as empty.
 *
 * Returns 0 with *ret_paths (paths inside the target, NULL-terminated,
 * owned by the caller) and, with ret_masked, the masks that hid a name (in
 * name order), or -ENOMEM, or -E2BIG past CONFDIRS_MAX_NAMES.
 */
int confdirs_list(struct target *t, const char *const *dirs, const char *suffix, unsigned flags, char ***ret_paths,
		  char ***ret_masked);

/*
 * The same over layers (e.g. confdirs_systemd_layers) joined with a
 * relative directory: confdirs_list_rel(t, confdirs_systemd_layers,
 * "tmpfiles.d", ".conf", CONFDIRS_SYSTEMD, ...) reads /etc/tmpfiles.d,
 * /run/tmpfiles.d, ...
 */
int confdirs_list_rel(struct target *t, const char *const *layers, const char *rel, const char *suffix, unsigned flags,
		      char ***ret_paths, char ***ret_masked);

/*
 * One name: the path of name in the first of dirs that holds it, by the
 * same rules (with CONFDIRS_FILTER_MASKED a mask ends the search: "not
 * found").  Returns 1 with *ret_path (owned by the caller), 0 when no
 * directory holds it, or -ENOMEM / -EINVAL (a name with a '/', "." or "..").
 */
int confdirs_find(struct target *t, const char *const *dirs, const char *name, unsigned flags, char **ret_path);

/* The directories layers[i] + "/" + rel, NULL-terminated; 0 or -ENOMEM. */
int confdirs_join(const char *const *layers, const char *rel, char ***ret_dirs);

/* systemd's hidden_or_backup_file(): ".x", "x~", "x.dpkg-old", "x.rpmnew", ... */
bool confdirs_hidden_or_backup(const char *name);
