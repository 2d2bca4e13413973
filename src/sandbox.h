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
 *
 * For programs that change kernel state (a firewall loader, for the kernel
 * probe of src/netprobe.h), opts->join_netns runs the program in a network
 * namespace the caller made, opts->read_only keeps it from changing anything
 * outside that namespace, and opts->files shows it planned file contents in
 * place of the target's, in the child's mount namespace only (a dry-run
 * probes the repair without writing the target).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "target.h"

/*
 * A file as the program sees it: path (absolute, inside the target; its
 * symlinks are followed inside the target, ".." is refused) holds the len
 * bytes of data.  An existing regular file is covered by a bind mount of a
 * copy on a private tmpfs; a missing one (and missing directories above it)
 * appears through an overlay whose upper layer is that tmpfs, mounted on the
 * nearest existing directory above it (whose path must not hold ',', ':'
 * or '\\', which overlayfs options cannot carry).  All of it lives in the
 * child's mount namespace and goes with it.
 */
struct sandbox_file {
	const char *path;
	const void *data;
	size_t len;
};

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
	/* Run in the network namespace netns_fd (an fd of /proc/PID/ns/net)
	 * instead of a fresh, empty one: what the program loads stays there
	 * for the caller to examine.  The child dies with its parent
	 * (PR_SET_PDEATHSIG), so it never outlives the namespace's owner. */
	bool join_netns;
	int netns_fd;
	/* Change nothing outside the namespaces: the target (with everything
	 * mounted below it) is mounted read-only but for a fresh tmpfs on
	 * /tmp (and the fresh /run as always), /proc/sys is read-only but
	 * for /proc/sys/net (the network namespace's own), and so are
	 * /proc/sysrq-trigger, /proc/irq, /proc/bus and /proc/fs; the program
	 * cannot load kernel modules, set the clock or reboot (those
	 * capabilities leave its bounding set). */
	bool read_only;
	/* Planned contents shown in place of the target's files (see struct
	 * sandbox_file); the target itself is never written. */
	const struct sandbox_file *files;
	size_t n_files;
	/* Directories of the target (absolute, existing, no symlink on the
	 * way) the program may write, with read_only: an overlay whose upper
	 * layer is a private tmpfs covers each, so what it writes there is
	 * seen by it alone and goes with it (a tool that edits its own
	 * configuration, run on a copy: firewall-offline-cmd). */
	const char *const *scratch_dirs;
	/* Keep at most this much of the output (0: 1 MiB): a program that
	 * prints the files it made (semanage's policy, a few MiB). */
	size_t output_max;
};

struct sandbox_result {
	int exit_status;	/* 0-255, or 128 + signal */
	bool timed_out;
	char *output;		/* stdout and stderr interleaved, NUL-terminated, at most output_max */
	size_t output_len;
};

void sandbox_result_done(struct sandbox_result *r);

/*
 * Run argv (argv[0] an absolute path inside the target).  Returns 0 with
 * *ret filled when the program ran (whatever its exit status), or -errno
 * when it could not be run at all, with *ret_why a static phrase for the
 * report: -EPERM (not root, or namespaces refused), -ENOEXEC (not an
 * executable for this machine), -ENOENT (no such program), -EINVAL (a
 * planned file's path is not absolute, holds "..", or names something that
 * is not a regular file), and for the options above -EBADF (join_netns:
 * the namespace cannot be entered), -EROFS (read_only cannot be set up),
 * -EIO (a planned file cannot be put in place).
 */
int sandbox_run(struct target *t, const char *const argv[], const struct sandbox_opts *opts,
		struct sandbox_result *ret, const char **ret_why);
