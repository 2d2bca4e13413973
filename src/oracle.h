/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sshd oracle: the target's own sshd, run in the sandbox (src/sandbox.h)
 * and asked two questions (DESIGN §3, "the target's own tools first"):
 *
 *   - does it accept its configuration and keys?  `sshd -t`, as Debian's
 *     ssh.service does in ExecStartPre (RULES §3.8, §11.3);
 *   - what is its effective configuration for one connection?  `sshd -G -T
 *     -C user=U,host=H,addr=A[,laddr=L][,lport=P]` from OpenSSH 9.3, which
 *     prints before loading any host key (-G alone refuses -C); `sshd -T -C
 *     ...` before, which stops at "no hostkeys available" like -t (RULES
 *     §3.5, §13.2).
 *
 * Which of -G and -T a version takes is decided here and nowhere else; no
 * other code runs sshd.  Every answer is kept until oracle_free() (the
 * model's, model_done()), and nothing runs before a question is asked.
 *
 * sshd's effective configuration depends on the connection only through the
 * Match blocks that apply to it.  A caller that knows two connections select
 * the same blocks says so with the same `group` (src/verdict_config.h
 * computes it with sshfix's own Match evaluation), and sshd runs once for all
 * of them: on 10,000 accounts with a handful of Match outcomes, a handful of
 * runs instead of one per account.
 *
 * sshd's output is data, never a path or a command: lines are split as
 * `keyword value`, keywords lower-cased (10.4 prints mixed case, RULES
 * §13.3), and lines that are not of that form (warnings on stderr, which the
 * sandbox interleaves) are dropped.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"
#include "target.h"

/* At most this many effective-configuration runs per oracle (each a fork, a chroot and an sshd start). */
#define ORACLE_CONFIG_RUNS_MAX 100
/* A run that takes longer is stopped. */
#define ORACLE_TIMEOUT_SEC 15

struct oracle;
struct units;

/*
 * How the oracle runs a program: sandbox_run() unless a test gives another
 * (tests/unit/test_oracle.c counts runs without running sshd).
 */
typedef int (*oracle_run_fn)(void *userdata, struct target *t, const char *const argv[],
			     const struct sandbox_opts *opts, struct sandbox_result *ret, const char **ret_why);

/*
 * A new oracle for t, asking units (src/units.h; may be NULL) what boot
 * makes under /run for sshd; both must outlive it.  Nothing runs yet.
 * Returns 0 or -ENOMEM.
 */
int oracle_new(struct target *t, struct units *units, struct oracle **ret);
/* The same, running programs with run(userdata, ...) instead of sandbox_run(). */
int oracle_new_with(struct target *t, struct units *units, oracle_run_fn run, void *userdata, struct oracle **ret);
void oracle_free(struct oracle *o);

/*
 * `sshd -t`'s answer.  Before 9.3, where the effective configuration is
 * asked with -T, a -T that succeeded answers it too (implied): sshd -T makes
 * every check -t makes, then prints; and a -t that failed answers every -T.
 * One sshd run fewer on such targets (about 40 ms on Debian 12).
 */
struct oracle_test {
	bool ran;		/* false: it could not be run here (why says so) */
	bool implied;		/* answered by a successful sshd -T, not run itself */
	const char *why;	/* static phrase, when !ran */
	int error;		/* -errno of the sandbox, when !ran */
	bool timed_out;		/* stopped after ORACLE_TIMEOUT_SEC */
	int exit_status;
	char *last_line;	/* the last line it printed (its fatal error); never NULL when ran */
};

/*
 * Run `sshd -t` once (later calls return the same answer).  Returns 1 with
 * *ret (owned by the oracle), 0 when the target has no sshd, or -ENOMEM.
 */
int oracle_test(struct oracle *o, const struct oracle_test **ret);

/* One connection sshd is asked about (its -C test specification). */
struct oracle_conn {
	const char *user;
	const char *host, *addr;	/* the client's name and address: both required by sshd */
	const char *laddr;		/* the local address; NULL: not given */
	unsigned lport;			/* the local port; 0: not given */
};

/* One line of sshd's effective configuration. */
struct oracle_line {
	const char *keyword;	/* lower case */
	const char *value;	/* the rest of the line, as sshd printed it ("" when none) */
};

struct oracle_config {
	const char *flag;	/* "-G -T" or "-T": oracle_config_flag() */
	char *user;		/* the user it was asked for (the group's first) */
	char *spec;		/* the -C argument */
	struct oracle_line *lines;
	size_t n_lines;
	char *text;		/* what lines point into */
};

/* Split sshd's output into *ret's lines (what oracle_config() does with it).  Returns 0 or -ENOMEM. */
int oracle_config_parse(const char *out, size_t len, struct oracle_config *ret);
void oracle_config_done(struct oracle_config *c);

/*
 * The effective configuration sshd computes for conn.  With group (NULL:
 * none), an answer sshd gave for the same group and the same host, addr,
 * laddr and lport is returned without running it again.  Returns 1 with
 * *ret (owned by the oracle, valid until oracle_free()), 0 when sshd was not
 * asked (it cannot run here, it refuses the configuration, the run limit
 * was reached, or conn cannot be written as a -C specification; see
 * oracle_unavailable() and oracle_refused()), or -ENOMEM.
 */
int oracle_config(struct oracle *o, const struct oracle_conn *conn, const char *group,
		  const struct oracle_config **ret);

/* How the effective configuration is asked on this target: "-G -T" or "-T" (the flags before -C). */
const char *oracle_config_flag(const struct oracle *o);
/* Why sshd cannot be run here ("it is not an executable for this machine"), or NULL. */
const char *oracle_unavailable(const struct oracle *o);
/* sshd ran and refused to print its configuration: its last line; or NULL. */
const char *oracle_refused(const struct oracle *o);

struct oracle_stats {
	unsigned runs;		/* sandboxed sshd runs, -t included */
	unsigned config_runs;	/* of which for an effective configuration */
	unsigned config_answers;	/* effective configurations handed out (reused ones included) */
	unsigned config_skipped;	/* not asked: ORACLE_CONFIG_RUNS_MAX reached */
};

void oracle_stats(const struct oracle *o, struct oracle_stats *ret);
