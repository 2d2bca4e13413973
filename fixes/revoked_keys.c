/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * revoked-keys: RevokedKeys names a file sshd cannot read.  sshd checks
 * every public key (and certificate) offered against that file before it
 * looks at authorized_keys; any error reading it -- the file missing, a
 * directory, a dangling link -- counts as "revoked" (auth.c
 * auth_key_is_revoked(), sshkey_check_revoked()): every key login of every
 * user is refused, and the log says
 *   error: Error checking authentication key ED25519 SHA256:... in revoked
 *   keys file /etc/ssh/revoked_keys: No such file or directory
 * while the client sees "Permission denied (publickey)".  sshd_config(5):
 * "If this file is not readable, then public key authentication will be
 * refused for all users."
 *
 * The value is read as sshd reads it (servconf.c derelativise_path()):
 * "none" turns the check off, a relative name is taken under /etc/ssh.
 * An empty file revokes nothing (it is neither a KRL nor a key list with
 * keys in it), so a missing file is repaired by creating it empty, root's,
 * mode 0644, where every directory above it is root's alone (elsewhere a
 * user could remove or replace it again); anything else there is reported
 * and left alone.  RULES §1 (pubkey authentication).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fixes.h"
#include "run.h"
#include "util.h"

/* This family's problems: each code is its row's index in revoked_keys_problems[]. */
enum problem_code {
	PR_REVOKED_KEYS_UNREADABLE,
};

static const struct problem revoked_keys_problems[] = {
	{ PR_REVOKED_KEYS_UNREADABLE, "revoked-keys-unreadable", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} cannot be read by sshd: {detail}",
	  "RevokedKeys names a file sshd checks every offered key against; when it cannot read the "
	  "file it treats every key as revoked, so public key authentication is refused for all "
	  "users (\"Error checking authentication key ... in revoked keys file\"). An empty file "
	  "revokes nothing: sshfix creates it when it is missing. RULES §1",
	  PROBLEMS_NO_SSHD_CONFIG },
	{ .id = NULL },
};

/* The file as sshd names it: "none" is NULL, a relative name is under /etc/ssh. */
static int revoked_path(const char *arg, char **ret)
{
	if (strcmp(arg, "none") == 0) {
		*ret = NULL;
		return 0;
	}
	*ret = arg[0] == '/' ? strdup(arg) : path_join("/etc/ssh", arg);
	return *ret ? 0 : -ENOMEM;
}

/* Why sshd cannot read path, or NULL when it can (a regular file, links followed as root follows them). */
static const char *unreadable(struct target *t, const char *path, bool *ret_missing)
{
	struct stat st;

	*ret_missing = false;
	if (target_stat(t, path, &st) == 0)
		return S_ISREG(st.st_mode) ? NULL : S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file";
	if (target_lstat(t, path, &st) == 0)
		return "it is a link that leads nowhere";
	*ret_missing = true;
	return "it does not exist";
}

static int revoked_keys_detect(struct run *run)
{
	const struct sshd_config *c = run->model.sshd;

	for (size_t i = 0; c && i < c->n_opts; i++) {
		const struct sshd_option *o = &c->opts[i];
		_cleanup_free_ char *path = NULL;
		bool missing;

		if (strcasecmp(o->keyword, "RevokedKeys") != 0 || !o->args[0])
			continue;
		if (revoked_path(o->args[0], &path) < 0)
			return -ENOMEM;
		const char *why = path ? unreadable(run->target, path, &missing) : NULL;
		if (!why)
			continue;
		struct finding *f = run_add_finding(run, &revoked_keys_problems[PR_REVOKED_KEYS_UNREADABLE], path, NULL);
		if (!f || finding_set_detail(f, "%s", why) < 0 ||
		    finding_add_evidence(f, "%s line %u: RevokedKeys %s%s", o->file, o->line, o->args[0],
					 o->match >= 0 ? " (in a Match block: for the users it applies to)" : "") < 0)
			return -ENOMEM;
		/* The repair creates only what does not exist. */
		bool *data = malloc(sizeof(*data));
		if (!data)
			return -ENOMEM;
		*data = missing;
		finding_set_data(f, data, free);
	}
	return 0;
}

static int revoked_keys_repair(struct run *run, struct finding *f)
{
	int r;

	if (!f->data || !*(const bool *) f->data) {
		f->status_reason = strdup("left alone: something other than a file is there; sshfix does not replace it");
		return f->status_reason ? -EPERM : -ENOMEM;
	}
	/* Only where no user can name, replace or remove it: a user who can decides whose keys work. */
	r = target_ancestors_are_roots(run->target, f->path);
	if (r < 0 && r != -ENOENT && r != -ENOTDIR)
		return r;
	if (r == 0) {
		f->status_reason = strdup("left alone: its directory is not root's alone (a user there could revoke "
					  "every key again); name a file under /etc/ssh in RevokedKeys");
		return f->status_reason ? -EACCES : -ENOMEM;
	}
	r = journal_write_file(run->journal, f->path, "", 0, 0644, 0, 0);
	if (r == -ENOENT) {
		f->status_reason = strdup("left alone: its directory does not exist");
		return f->status_reason ? r : -ENOMEM;
	}
	if (r < 0)
		return r;
	f->action = strdup("created it empty (revokes no key), root's, mode 0644");
	return f->action ? 0 : -ENOMEM;
}

const struct fix fix_revoked_keys = {
	.id = "revoked-keys",
	.summary = "the RevokedKeys file exists and can be read",
	.rules = "RULES §1",
	.problems = revoked_keys_problems,
	.detect = revoked_keys_detect,
	.repair = revoked_keys_repair,
};
