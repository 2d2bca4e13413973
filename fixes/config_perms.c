/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config-perms: who can change what sshd reads.  sshd does not check the
 * owner or mode of its configuration, but whoever can write /etc/ssh,
 * sshd_config or a file it includes decides who logs in, and whoever can
 * replace a directory on the way to a host key can swap the server's
 * identity.  Everything sshd reads must be root's and not writable by
 * group or others (RULES §2.2, §3.4 — the same standard sshd applies to
 * host keys and StrictModes applies to users' files).
 * The repair is chown root, chmod go-w on the file or directory itself; a
 * directory outside /etc/ssh on the way to a host key is shared with the
 * rest of the system and only reported.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "fixes.h"
#include "model.h"
#include "run.h"
#include "util.h"

/* This family's problems: each code is its row's index in config_perms_problems[]. */
enum problem_code {
	PR_CONFIG_PERMS,
	PR_HOSTKEY_PATH_UNSAFE,
};

static const struct problem config_perms_problems[] = {
	{ PR_CONFIG_PERMS, "config-file-perms", SEV_WARNING, PF_SAFE_AUTO,
	  "{path} {detail}",
	  "Whoever can write sshd's configuration or the directory holding it decides who can log in "
	  "and how. sshd does not check this itself; it must be root's and not writable by group or "
	  "others. The write bits are removed and the owner set to root. RULES §3.4" },
	{ PR_HOSTKEY_PATH_UNSAFE, "hostkey-path-unsafe", SEV_WARNING, PF_REPORT_ONLY,
	  "directory {path} on the way to host key {detail}",
	  "A host key kept outside /etc/ssh sits under directories that other users may be able to "
	  "change; whoever can replace one of them can replace the server's key. sshfix does not change "
	  "directories shared with the rest of the system. RULES §2.2" },
	{ .id = NULL },
};

static bool found(const struct run *run, enum problem_code code, const char *path)
{
	for (size_t i = 0; i < run->n_findings; i++)
		if (run->findings[i]->problem == &config_perms_problems[code] && streq_ptr(run->findings[i]->path, path))
			return true;
	return false;
}

/* Not root's, or writable by group or others: describe how. */
static bool unsafe(const struct stat *st, char *buf, size_t n)
{
	char m[8];

	if (st->st_uid != 0)
		snprintf(buf, n, "is owned by uid %u (mode %s)", (unsigned) st->st_uid, mode_str(st->st_mode, m));
	else if (st->st_mode & 022)
		snprintf(buf, n, "is writable by %s (mode %s)",
			 (st->st_mode & 020) && (st->st_mode & 002) ? "group and others"
			 : (st->st_mode & 020)			     ? "group"
								     : "others",
			 mode_str(st->st_mode, m));
	else
		return false;
	return true;
}

static int check_path(struct run *run, const char *path)
{
	struct target_path tp = {0};
	char buf[96];
	int r;

	/* The real file: a root-owned symlink is followed to it. */
	r = target_resolve(run->target, path, TR_ROOT_SYMLINKS_ONLY, &tp, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if ((S_ISREG(tp.st.st_mode) || S_ISDIR(tp.st.st_mode)) && unsafe(&tp.st, buf, sizeof(buf)) &&
	    !found(run, PR_CONFIG_PERMS, tp.canon)) {
		struct finding *f = run_add_finding(run, &config_perms_problems[PR_CONFIG_PERMS], tp.canon, NULL);
		if (!f || finding_set_detail(f, "%s", buf) < 0) {
			target_path_done(&tp);
			return -ENOMEM;
		}
		f->want = (struct perms_want) { .mode = tp.st.st_mode & 07755, .uid = 0, .gid = (gid_t) -1 };
	}
	target_path_done(&tp);
	return 0;
}

/* Directories above a host key kept outside /etc/ssh, up to "/". */
static int check_key_dirs(struct run *run, const char *key)
{
	_cleanup_free_ char *dir = path_parent(key);
	char buf[96];

	while (dir) {
		struct stat st;
		if (strcmp(dir, "/etc/ssh") == 0 || strcmp(dir, "/etc") == 0)
			break;	/* covered above, and /etc is the system's */
		if (target_stat(run->target, dir, &st) == 0 && unsafe(&st, buf, sizeof(buf)) &&
		    !found(run, PR_HOSTKEY_PATH_UNSAFE, dir)) {
			struct finding *f = run_add_finding(run, &config_perms_problems[PR_HOSTKEY_PATH_UNSAFE], dir, NULL);
			if (!f || finding_set_detail(f, "%s %s", key, buf) < 0)
				return -ENOMEM;
		}
		if (strcmp(dir, "/") == 0)
			break;
		char *up = path_parent(dir);
		free(dir);
		dir = up;
	}
	return dir ? 0 : -ENOMEM;
}

static int config_perms_detect(struct run *run)
{
	const struct sshd_config *c = run->model.sshd;
	_cleanup_strv_free_ char **keys = NULL;
	bool configured;
	int r;

	r = check_path(run, "/etc/ssh");
	for (size_t i = 0; r == 0 && c && c->files && c->files[i]; i++)
		r = check_path(run, c->files[i]);
	if (r == 0)
		r = model_host_keys(&run->model, &keys, &configured);
	for (size_t i = 0; r == 0 && keys[i]; i++)
		if (!path_is_below(keys[i], "/etc/ssh"))
			r = check_key_dirs(run, keys[i]);
	return r;
}

const struct fix fix_config_perms = {
	.id = "config-perms",
	.summary = "owner and mode of /etc/ssh, sshd_config, its includes, and host key directories",
	.rules = "RULES §2.2, §3.4",
	.problems = config_perms_problems,
	.detect = config_perms_detect,
	.repair = fix_repair_perms,
};
