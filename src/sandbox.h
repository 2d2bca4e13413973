/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run one of the target's own programs (its sshd -t, later its ssh-keygen)
 * the way it would run on that machine, without changing anything there:
 * in a child with its own mount, network, IPC and UTS namespaces, chrooted
 * into the target, with /proc, a minimal /dev and a fresh tmpfs /run mounted
 * over the target's own (existing, real) directories inside the child's
 * private mount namespace only (DESIGN §3, "the target's own tools first").
 * With opts->host, a program of the running system instead (the client
 * side's ssh, the rescue system's ssh-keygen when the target's cannot run):
 * no namespaces, no chroot, as the user named.  Checks run programs only
 * through here, so no check forks, opens or removes anything itself.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "target.h"

struct sandbox_opts {
	unsigned timeout_sec;		/* killed after this (0: 10 s) */
	const char *const *run_dirs;	/* created in the tmpfs /run, mode 0755, as systemd's RuntimeDirectory= would */
	/* The running system's own program (the client side examines the machine
	 * it runs on): no namespaces, no chroot; argv[0] is a path of this
	 * system.  Run as as_uid/as_gid with the groups as_groups (none when
	 * NULL) when sshfix is root, so that it sees what that user's own
	 * program would; the child checks that the change stuck. */
	bool host;
	uid_t as_uid;
	gid_t as_gid;
	const gid_t *as_groups;
	size_t n_as_groups;
};

struct sandbox_result {
	int exit_status;	/* 0-255, or 128 + signal */
	bool timed_out;
	char *output;		/* stdout and stderr interleaved, NUL-terminated, at most 1 MiB */
	size_t output_len;
};

void sandbox_result_done(struct sandbox_result *r);

/*
 * Run argv (argv[0] an absolute path inside the target).  Returns 0 with
 * *ret filled when the program ran (whatever its exit status), or -errno
 * when it could not be run at all, with *ret_why a static phrase for the
 * report: -EPERM (not root, or namespaces refused), -ENOEXEC (not an
 * executable for this machine), -ENOENT (no such program).
 */
int sandbox_run(struct target *t, const char *const argv[], const struct sandbox_opts *opts,
		struct sandbox_result *ret, const char **ret_why);
