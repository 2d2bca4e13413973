/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resources: file systems with no room where it matters (RULES §12.2).
 *
 * sshd itself writes nothing to disk on a login ("Couldn't create pid file"
 * is only logged), so a full root file system refuses nobody.  Two places
 * matter:
 *  - /run, on the running system: ssh.service has RuntimeDirectory=sshd,
 *    so systemd creates /run/sshd each time the service starts (and
 *    removes it when it stops); sshd refuses to start without it ("Missing
 *    privilege separation directory: /run/sshd", §4.2).  With /run full or
 *    read-only the next start or restart fails and clients see
 *    "Connection refused".  An offline root's /run is an empty mount point
 *    (a tmpfs at boot), so this is judged only when the target is the
 *    running system.
 *  - /var/log: with no room there rsyslog stops writing auth.log and the
 *    journal stops storing, so what sshd says about a refused login is
 *    lost (and sshfix --apply has no room for its undo records).  Read-only
 *    counts only on the running system: a rescue system may mount an
 *    offline root read-only on purpose.
 *
 * "No room": less than 1 MiB free to root (root uses the reserved blocks:
 * f_bfree), or no free inode where the file system counts them (btrfs does
 * not: f_files is 0).  Detect only: what to delete is the admin's call,
 * and the report says what is at stake.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/statvfs.h>

#include "fixes.h"
#include "run.h"
#include "util.h"

#define ROOM_MIN (1ull << 20)

/* This family's problems: each code is its row's index in resources_problems[]. */
enum problem_code {
	PR_RUN_NO_ROOM,
	PR_LOG_NO_ROOM,
};

static const struct problem resources_problems[] = {
	{ PR_RUN_NO_ROOM, "run-no-room", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} {detail}: sshd's privilege separation directory cannot be created there",
	  "ssh.service has RuntimeDirectory=sshd: systemd creates /run/sshd each time the service starts "
	  "and removes it when it stops, and sshd refuses to start without it (\"Missing privilege "
	  "separation directory: /run/sshd\"). With /run full or read-only the next start or restart of "
	  "ssh fails and clients see \"Connection refused\"; a running sshd keeps serving until then. "
	  "/run is a tmpfs: free it (large files under /run or /run/user, \"du -xsh /run/*\") or reboot, "
	  "which empties it. Detect only: what to delete is the admin's call. RULES §4.2, §12.2" },
	{ PR_LOG_NO_ROOM, "log-no-room", SEV_WARNING, PF_REPORT_ONLY,
	  "{path} {detail}: what sshd says about refused logins is not kept",
	  "sshd needs no disk to let someone in, but with no room in /var/log rsyslog stops writing "
	  "auth.log and the journal stops storing, so the messages that explain a refused login are "
	  "lost, and sshfix --apply has no room for its undo records. Free space there (old rotated "
	  "logs, \"journalctl --vacuum-size\"). Detect only. RULES §12.2" },
	{ .id = NULL },
};

/* Why the file system of dir has no room, into why; false when it has. */
static bool no_room(const struct statvfs *sv, bool count_read_only, char *why, size_t size)
{
	unsigned long long frsize = sv->f_frsize ? sv->f_frsize : sv->f_bsize;
	unsigned long long free_bytes = (unsigned long long) sv->f_bfree * frsize;

	if (count_read_only && (sv->f_flag & ST_RDONLY))
		snprintf(why, size, "is on a read-only file system");
	else if (free_bytes < ROOM_MIN)
		snprintf(why, size, "has %llu KiB free (less than %llu KiB)", free_bytes >> 10, ROOM_MIN >> 10);
	else if (sv->f_files > 0 && sv->f_ffree == 0)
		snprintf(why, size, "has no free inode (%llu of %llu used)", (unsigned long long) sv->f_files,
			 (unsigned long long) sv->f_files);
	else
		return false;
	return true;
}

static int check_dir(struct run *run, const char *dir, unsigned code, bool count_read_only)
{
	_cleanup_close_ int fd = target_open(run->target, dir, O_PATH | O_DIRECTORY, TR_ROOT_SYMLINKS_ONLY);
	struct statvfs sv;
	char why[128];

	if (fd < 0)
		return fd == -ENOMEM ? fd : 0;	/* not there: nothing to fill */
	if (fstatvfs(fd, &sv) < 0)
		return model_note(&run->model, "resources: the room in %s cannot be read (%s)", dir, strerror(errno));
	if (!no_room(&sv, count_read_only, why, sizeof(why)))
		return 0;
	struct finding *f = run_add_finding(run, &resources_problems[code], dir, NULL);
	if (!f || finding_set_detail(f, "%s", why) < 0 ||
	    finding_add_evidence(f, "statvfs(%s): %llu of %llu blocks of %lu bytes free to root, %llu of %llu inodes free%s",
				 dir, (unsigned long long) sv.f_bfree, (unsigned long long) sv.f_blocks,
				 (unsigned long) (sv.f_frsize ? sv.f_frsize : sv.f_bsize), (unsigned long long) sv.f_ffree,
				 (unsigned long long) sv.f_files, (sv.f_flag & ST_RDONLY) ? ", mounted read-only" : "") < 0)
		return -ENOMEM;
	return 0;
}

static int resources_detect(struct run *run)
{
	bool live = target_is_this_system(run->target);
	int r;

	if (live && (r = check_dir(run, "/run", PR_RUN_NO_ROOM, true)) < 0)
		return r;
	return check_dir(run, "/var/log", PR_LOG_NO_ROOM, live);
}

const struct fix fix_resources = {
	.id = "resources",
	.summary = "room in /run (sshd's privilege separation directory, on the running system) and /var/log (its messages)",
	.rules = "RULES §4.2, §12.2",
	.problems = resources_problems,
	.detect = resources_detect,
};
