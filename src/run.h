/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run context: the only mutable state of a run, created by main and
 * passed first to everything that needs more than its arguments.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "accounts.h"
#include "finding.h"
#include "journal.h"
#include "pam.h"
#include "sshd_config.h"
#include "target.h"

struct fix;

enum run_mode {
	MODE_REPORT,		/* no mode flag: report only */
	MODE_DRY_RUN,		/* report + diff of every change */
	MODE_APPLY,		/* perform the safe fixes */
	MODE_INTERACTIVE,	/* ask per problem */
};

/* Exit status bits, as fsck(8): part of the interface, never renumbered. */
enum {
	EXIT_OK = 0,
	EXIT_FIXED = 1,
	EXIT_UNFIXED = 4,
	EXIT_ERROR = 8,
	EXIT_USAGE = 16,
};

struct run_options {
	enum run_mode mode;
	const char *root;
	/* --device, --find-root: the device that opens this root again (the
	 * root is a mount point that is gone when sshfix ends); NULL: --root. */
	const char *reopen_device;
	/* The root the system boots from next: sshfix runs in an initramfs on
	 * the root it mounted (/root, /sysroot) or found; an undo happens in
	 * the booted system, on "/". */
	bool boot_root;
	char **only, **skip;	/* fix family ids or problem ids */
	/* Only the findings about this account (--add-key USER): as --only,
	 * a selection of what detection found; NULL: every account's. */
	const char *user;
	/* The one family whose findings are repaired (--add-key: the key's
	 * own); the others' are reported, for --apply to repair.  NULL:
	 * every family's. */
	const struct fix *repair_only;
	/* --yes: consent to needs-confirm repairs, as e2fsck -y; yes_ids
	 * (--yes=ID,...) narrows it to those problem or family ids. */
	bool yes;
	char **yes_ids;
	bool json, verbose, color, force;
	/* --since WHEN: the logs' lines from then on (UTC seconds), across
	 * sshd's restarts; 0: since sshd last started. */
	long long since;
	unsigned long crash_at;	/* SSHFIX_CRASH_AT, for the crash tests */
	const char *test_hook;	/* SSHFIX_TEST_HOOK, the attack tier's race hook (journal_set_test_hook()) */
	/* --client: the connecting side's files (src/client.h) */
	bool client;
	const char *home;	/* --home DIR, else the default home; inside the target */
	bool home_given;	/* --home was on the command line */
	const char *host;	/* --host HOST, lower case, or NULL */
	const char *forget_host;	/* --forget-host HOST as known_hosts writes it, or NULL */
	/* --from ADDR: the address the person will connect from, in its
	 * canonical text; firewall, TCP-wrapper, fail2ban, PAM and Match
	 * Address answers are given for it.  NULL: for "an address that is
	 * not local", and an answer that depends on the address says so. */
	const char *from;
};

struct addresses;
struct boot_cmdline;
struct listen_set;
struct logs;
struct mac_state;
struct sshd_cmdline;
struct units;
struct oracle;

/* What the checks read: built once per detection pass. */
struct model {
	struct accounts accounts;
	bool accounts_loaded;
	struct sshd_config *sshd;
	struct pam_stack *pam;	/* sshd's PAM service (src/pam.h); NULL with --client */
	/* Providers built on first use (their *_get()), freed by model_done(). */
	struct sshd_cmdline *cmdline;	/* src/sshd_cmdline.h */
	struct listen_set *listen;	/* src/listen_set.h */
	struct addresses *addresses;	/* src/addresses.h */
	struct boot_cmdline *boot;	/* src/bootcmd.h */
	struct mac_state *mac;		/* src/mac.h */
	struct netmounts *netmounts;	/* src/netmounts.h */
	struct keyfiles_seen *keys_seen;	/* src/keyfiles.h: filled as keys files are looked up */
	struct logs *logs;		/* src/logs.h */
	struct units *units;	/* systemd's units (src/units.h), made on first use by run_units() */
	struct oracle *oracle;	/* the target's own sshd, asked lazily (src/oracle.h); NULL with --client */
	char **notes;		/* things a check could not look at, said in the report */
};

struct run {
	struct run_options opt;
	struct target *target;
	struct model model;
	struct finding **findings;	/* each its own allocation: a pointer stays valid as findings are added */
	size_t n_findings;
	struct journal *journal;
	char *undo_id;
	unsigned exit_flags;
	char **errors;		/* operational errors, as printed; the JSON report lists them */
	FILE *in;		/* answers for --interactive */
	FILE *err;		/* diagnostics and questions */
};

/* Record a finding of problem p (a row of the calling family's table:
 * &table[PR_X]); takes nothing, copies the strings. */
struct finding *run_add_finding(struct run *run, const struct problem *p, const char *path, const char *user);
int finding_add_evidence(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int finding_set_detail(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A repair that changes nothing: why, in f->status_reason ("left alone: ..."); returns r, or -ENOMEM. */
int finding_left_alone(struct finding *f, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int model_note(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "sshfix: <message>" on run->err, keep it for the report, set EXIT_ERROR. */
void run_error(struct run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
