/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the target's boot creates for sshd, read offline: the ssh service's
 * unit file (RuntimeDirectory=, with its drop-ins; tmpfiles.d(5) is
 * src/tmpfiles.h).  /run is a fresh tmpfs at every boot, so a directory
 * sshd needs there, such as Debian's /run/sshd (RULES §4.3), exists only
 * if one of these makes it.
 *
 * Only the parts sshfix needs are modelled: the first ssh unit found in
 * the unit search path (ssh.service, then sshd.service), its own drop-ins
 * (<unit>.d/NAME.conf).  Reads go
 * through the target layer; nothing here writes or prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "target.h"
#include "tmpfiles.h"	/* what else boot creates under /run; its callers include it here */
#include "unit_file.h"

/*
 * Collect Key= in [section] of a unit file's text into acc, as systemd
 * reads it (src/unit_file.h: comments, continuations, an empty assignment
 * resetting the list); with `words`, each white-space separated word is a
 * value.  file names the text in the values' provenance.
 */
int units_collect(const char *file, const char *text, size_t len, const char *section, const char *key,
		  bool words, struct uvals *acc);

/*
 * The ssh service's unit file: the first of ssh.service (Debian, Ubuntu)
 * and sshd.service (EL, SUSE, upstream) that is a readable regular file in
 * /etc, /run, /usr/local/lib, /usr/lib or /lib systemd/system.  Returns 1
 * with *ret_path (path inside the target, owned by the caller), 0 when
 * there is none, or -ENOMEM.
 */
int units_ssh_service(struct target *t, char **ret_path);

/*
 * RuntimeDirectory= of the ssh unit and its drop-ins, as systemd would
 * merge them: names relative to /run ("sshd"), NULL-terminated, never NULL
 * (empty when there is no unit).  With ret_unit, also the unit file read
 * (NULL when none).  Returns 0 or -ENOMEM.
 */
int units_ssh_runtime_dirs(struct target *t, char ***ret_dirs, char **ret_unit);

/*
 * Apply the RuntimeDirectory= assignments of one unit file's text (its
 * [Service] section) to *dirs, in order: an empty assignment empties the
 * list, others add their words.  Exposed for tests.  Returns 0 or -ENOMEM.
 */
int unit_text_runtime_dirs(const char *text, size_t len, char ***dirs);

/*
 * Does every boot of the target remove /etc/nologin and /run/nologin?  On
 * a systemd target, systemd-user-sessions.service, which multi-user.target
 * pulls in, unlinks both when it starts (RULES §6.2): a stale /etc/nologin
 * blocks the running system, not the next boot.  True when /sbin/init is
 * systemd, that unit exists in the search path and is not masked, and a
 * multi-user.target.wants link names it.  Returns 1 with *ret_why (owned
 * by the caller; ret_why may be NULL), 0 when not, or -ENOMEM.
 */
int units_boot_clears_nologin(struct target *t, char **ret_why);

/* systemd's unit search path for the system manager, most important first
 * (systemd.unit(5)), without the transient and generator directories a
 * stopped system lacks; NULL-terminated. */
extern const char *const units_search_path[];
