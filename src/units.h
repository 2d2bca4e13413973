/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The units provider: the target's systemd units, read offline as the
 * system manager would load them at the next boot (RULES §11), computed
 * once per detection pass and shared by every family (DESIGN §3).
 *
 *  - lookup along the unit search path (systemd.unit(5), systemd 252's
 *    order: /etc/systemd/system.control ... /etc/systemd/system,
 *    /run/systemd/system, /run/systemd/generator, /usr/local/lib, /lib and
 *    /usr/lib/systemd/system, /run/systemd/generator.late), with the
 *    vendor directory the target's systemctl names in its links first;
 *  - aliases: a symlink in the search path to a unit of another name
 *    (Debian's sshd.service -> ssh.service, RULES §11.1), followed at most
 *    64 times, as systemd does, so a loop is an error and never a hang;
 *  - masks: a name whose first entry is a link to /dev/null, an empty file
 *    or a device node (§11.2);
 *  - drop-ins: NAME.d/ *.conf for the unit and its aliases, their "-"
 *    prefixes and the type ("service.d"), over every directory, ordered as
 *    systemd's conf_files_list() orders them (src/confdirs.h);
 *  - the settings of the fragment and its drop-ins with file and line
 *    (src/unit_file.h), [Install] from the fragment only;
 *  - the state `systemctl is-enabled` answers, whether the [Install] links
 *    exist, and what the boot target pulls in.
 *
 * What a service runs with (EnvironmentFile=, ExecStart=) is
 * src/unit_exec.h, over the settings read here.
 *
 * Nothing is read until a family asks; reads go through the target layer
 * (rooted); nothing here writes or prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "confdirs.h"
#include "target.h"
#include "tmpfiles.h"	/* verdict.c reaches tmpfiles_creates_dir() through this header */
#include "unit_file.h"

struct run;
struct units;

/* A mask of one name: `systemctl mask` (/etc) or `mask --runtime` (/run). */
struct unit_mask {
	char *path;		/* the mask, inside the target */
	char *link;		/* its link text, or NULL when it is no link */
	enum conf_mask kind;
	bool runtime;		/* under /run: gone at the next boot */
};

/*
 * One unit as it would be loaded.  Owned by the provider: valid until
 * units_free() (for a run: until model_done()).
 */
struct unit {
	char *id;		/* its own name: the fragment's ("ssh.service") */
	/* The fragment, found beneath any mask (the file `systemctl unmask`
	 * uncovers), named in the vendor directory the target's systemctl
	 * writes into links (units_vendor_dir()); NULL when there is none. */
	char *path;
	bool masked;		/* the first entry of id in the search path is a mask */
	char **names;		/* id, then every alias that leads to it; never NULL */
	/* The fragment (when path is set) and then the drop-ins, in the order
	 * systemd applies them.  A file systemd refuses carries its error. */
	struct unit_file *files;
	size_t n_files;
	/* Why systemd cannot load it: 0, -ELOOP (alias links in a loop, or
	 * more than 64 of them), or the first error of one of its files
	 * (-EBADMSG, -ENOBUFS, -EFBIG, -EACCES, ...). */
	int error;
	char *error_path;	/* the link or file it is about */
	unsigned error_line;
};

/* systemctl is-enabled's answers (systemd's UnitFileState). */
enum unit_state {
	UNIT_STATE_NOT_FOUND,
	UNIT_STATE_ENABLED,		/* a .wants/.requires/.upholds link in /etc/systemd/system */
	UNIT_STATE_ENABLED_RUNTIME,	/* ... only in /run */
	UNIT_STATE_LINKED,		/* a link to a unit file outside the search path */
	UNIT_STATE_ALIAS,		/* the name is an alias of another unit */
	UNIT_STATE_MASKED,
	UNIT_STATE_MASKED_RUNTIME,
	UNIT_STATE_STATIC,		/* no [Install] rules: pulled in by others or never */
	UNIT_STATE_INDIRECT,		/* no rules of its own, but Also= */
	UNIT_STATE_DISABLED,		/* [Install] rules, no link */
	UNIT_STATE_GENERATED,		/* made at boot by a generator */
	UNIT_STATE_BAD,			/* systemd cannot load it (unit->error) */
};

/* "enabled", "masked-runtime", ... as systemctl prints them. */
const char *unit_state_name(enum unit_state s);

/* systemd's unit_name_is_valid(): [A-Za-z0-9:_.\\@-], at most 255 bytes, a known type suffix. */
bool unit_name_valid(const char *name);

/*
 * A provider for target t (which must outlive it); nothing is read yet.
 * Returns 0 or -ENOMEM.
 */
int units_new(struct target *t, struct units **ret);
void units_free(struct units *c);

/* The run's provider, made on first use and kept in run->model (freed by
 * model_done()); NULL only when memory ran out. */
struct units *run_units(struct run *run);

/* /lib/systemd/system or /usr/lib/systemd/system: the one the target's
 * systemctl writes into enable links (D12: /lib; EL and newer: /usr/lib). */
const char *units_vendor_dir(struct units *c);

/* Is systemd installed (/lib/systemd/systemd or /usr/lib/systemd/systemd)? */
bool units_have_systemd(struct units *c);

/*
 * The unit name loads.  An alias gives the unit it leads to (ret->id then
 * differs from name).  Always a unit: one that is not found has no path
 * and is not masked; one that cannot be loaded has error set.  Returns 0,
 * -EINVAL for an invalid name, or -ENOMEM.
 */
int units_get(struct units *c, const char *name, const struct unit **ret);

/*
 * Every mask of name in the search path, in order, not only the one that
 * counts: `systemctl unmask` removes those in /etc and /run.  Returns 0 with
 * the list (owned by the provider), -EINVAL, or -ENOMEM.
 */
int units_masks(struct units *c, const char *name, const struct unit_mask **ret, size_t *ret_n);

/* What `systemctl is-enabled name` answers.  Returns 0, -EINVAL, -ENOMEM. */
int units_state(struct units *c, const char *name, enum unit_state *ret);

/*
 * Key= of [section] over the unit's files ([Install]: the fragment only,
 * as systemd reads it), with the reset rule of unit_file_collect().
 * Returns 0 with *ret filled (the caller clears it), or -ENOMEM.
 */
int unit_values(const struct unit *u, const char *section, const char *key, unsigned flags, struct uvals *ret);

/*
 * Key= of [Install] (WantedBy=, RequiredBy=, UpheldBy=, Alias=, Also=) as
 * unit names: only valid ones, each once.  Those become file names under
 * /etc/systemd/system, so garbage in a unit file must not make sshfix
 * create garbage names there.  Returns 0 or -ENOMEM.
 */
int unit_install_values(const struct unit *u, const char *key, struct uvals *ret);

/*
 * Do the links `systemctl enable` makes for u exist: for a WantedBy= or
 * RequiredBy= target of its [Install], a <target>.wants/ (.requires/) link
 * in any unit directory, under its id or an Alias=, that leads to a unit
 * file?  Returns 1; 0 with *ret_why saying what is missing or dangling
 * (owned by the caller); 2 when [Install] names no target (static:
 * nothing to enable); or -ENOMEM.
 */
int units_install_linked(struct units *c, const struct unit *u, char **ret_why);

/*
 * Does the boot pull name in: a .wants/.requires/.upholds link leading to
 * a unit file, or a Wants=/Requires=/BindsTo=/Upholds=, of a target
 * reached from default.target (targets are followed, other units not)?
 * A root without default.target (a partial root) starts from
 * multi-user.target and graphical.target.  A masked unit never starts.
 * Returns 1 with *ret_via (the link, or "FILE:LINE: Wants=NAME"; owned by
 * the caller; ret_via may be NULL), 0, or -ENOMEM.
 */
int units_wanted_at_boot(struct units *c, const char *name, char **ret_via);

/*
 * Does boot start u: the links its [Install] asks for exist, or a target
 * the boot reaches pulls it in some other way?  Returns 1; 0 with
 * *ret_why (what is missing; owned by the caller; ret_why may be NULL); 2
 * when it is static and nothing pulls it in; or -ENOMEM.
 */
int units_starts_at_boot(struct units *c, const struct unit *u, char **ret_why);

/*
 * Does the boot start the unit called name and run what it says: it has a
 * fragment, is not masked, has no error and units_starts_at_boot() says 1?
 * Returns 1 with *ret, 0 (no such unit, or it does not start), or -ENOMEM.
 */
int units_boot_starts(struct units *c, const char *name, const struct unit **ret);

/* The ssh service: the first of ssh.service (Debian, Ubuntu) and
 * sshd.service (EL, SUSE, upstream) with a fragment (RULES §11.1).
 * Returns 1 with *ret, 0 when there is none, or -ENOMEM. */
int units_ssh_service(struct units *c, const struct unit **ret);

/*
 * RuntimeDirectory= of u as systemd merges it: names relative to /run
 * ("sshd"), without ones that would leave /run, each once;
 * NULL-terminated, never NULL.  Returns 0 or -ENOMEM.
 */
int unit_runtime_dirs(const struct unit *u, char ***ret);

/*
 * What boot makes under /run for sshd (RULES §4.3): the ssh unit's
 * RuntimeDirectory=, and privsep_dir ("/run/sshd", may be NULL) when a
 * tmpfiles.d line makes it.  For the sandbox that runs the target's sshd.
 * Returns 0 with a NULL-terminated list (never NULL), or -ENOMEM.
 */
int units_sshd_run_dirs(struct units *c, const char *privsep_dir, char ***ret);

/*
 * Does every boot of the target remove /etc/nologin and /run/nologin?  On
 * a systemd target up to 253, systemd-user-sessions.service, which
 * multi-user.target pulls in, unlinks both when it starts (RULES §6.2): a
 * stale /etc/nologin blocks the running system, not the next boot; from
 * 254 (Debian 13) it leaves /etc/nologin alone.  True when /sbin/init is
 * systemd, units_wanted_at_boot() says the unit starts, and its program
 * (when it can be read) still names /etc/nologin.  Returns 1 with *ret_why
 * (owned by the caller; ret_why may be NULL), 0, or -ENOMEM.
 */
int units_clears_nologin(struct units *c, char **ret_why);

/*
 * For callers that hold a target and no run (verdict_env_init()): the same
 * answers from a provider made for the call.  Prefer run_units().
 */
int units_ssh_runtime_dirs(struct target *t, char ***ret_dirs, char **ret_unit);
int units_boot_clears_nologin(struct target *t, char **ret_why);
