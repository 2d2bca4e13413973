/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PAM's failed-login counters, read offline (RULES §13.4): pam_faillock's
 * per-user files (dir=, else faillock.conf's dir, else /var/run/faillock)
 * and pam_tally2's /var/log/tallylog (file=), with the options of the
 * first such line in sshd's auth stack, where they count and refuse.
 *
 * Measured on Debian 12 (and so in Linux-PAM 1.5.2's source): the account
 * phase of pam_faillock and pam_tally2 never refuses, it only resets a
 * count its own auth phase made; sshd runs the auth stack for passwords and
 * keyboard-interactive, never for a key.  A counter over deny= therefore
 * refuses password logins only, wherever the module is.
 *
 * Record layouts (native byte order): faillock's struct tally {char
 * source[52]; uint16_t reserved, status; uint64_t time;}, one per failure;
 * tallylog's struct tallylog {char fail_line[52]; uint16_t reserved,
 * fail_cnt; uint64_t fail_time;} at offset uid * 64.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "accounts.h"
#include "pam.h"
#include "target.h"

#define PAM_COUNTER_RECORD 64

enum pam_counter_kind {
	PAMC_FAILLOCK,
	PAMC_TALLY2,
};

struct pam_counter {
	enum pam_counter_kind kind;
	const struct pam_line *line;	/* the auth-stack line whose options count */
	char *user;
	uid_t uid;
	char *path;		/* faillock: DIR/USER; tally2: the tallylog */
	bool tmpfs;		/* the file lives under /run: every boot starts without it */
	bool unsafe;		/* a symbolic link or a hard-linked file: read, never reset */
	unsigned failures;	/* as the module counts them (faillock: within fail_interval of the latest) */
	unsigned deny;
	uint64_t latest;	/* time of the latest failure (seconds since 1970) */
	unsigned long unlock_time;	/* 0: never */
	bool locked;		/* the module refuses the user's password logins now */
	uint64_t unlocks_at;	/* when it stops refusing (0: never, or not locked) */
};

struct pam_counters {
	struct pam_counter *v;
	size_t n;
	char **notes;
};

void pam_counters_done(struct pam_counters *c);

/*
 * The counters of every account in a, as the modules in s's auth stack
 * would read them at time now (SOURCE_DATE_EPOCH in tests).  Only users
 * with a record are listed.  Returns 0 with *ret, or -ENOMEM.
 */
int pam_counters_read(struct target *t, const struct accounts *a, const struct pam_stack *s, uint64_t now,
		      struct pam_counters *ret);

/* pam_faillock's count over a file's bytes (exposed for tests). */
unsigned faillock_failures(const void *data, size_t len, unsigned fail_interval, uint64_t *ret_latest);

/*
 * A copy of a tallylog with uid's fail_cnt set to 0, as `pam_tally2
 * --user U --reset` leaves it.  Returns 0 with *ret (len bytes), -ENOENT
 * when the file holds no record for uid, or -ENOMEM.
 */
int tallylog_reset(const void *data, size_t len, uid_t uid, char **ret);

/* Seconds since 1970; SOURCE_DATE_EPOCH wins (tests). */
uint64_t pam_counters_now(void);
