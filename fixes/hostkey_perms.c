/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostkey-perms: owner and mode of the host keys sshd loads (RULES §2.1,
 * §2.2, §2.5, §2.8).
 *
 * sshd refuses a private key it owns (root) that has any group or other
 * bit: "UNPROTECTED PRIVATE KEY FILE!" then "bad permissions"; with every
 * key refused it exits with "no hostkeys available".  A key owned by
 * another uid is not mode-checked and loads, but anyone who can read it can
 * impersonate the server.  The repair is chmod/chown, never a new key: new
 * keys make every client stop at "REMOTE HOST IDENTIFICATION HAS CHANGED".
 * On EL 7-9 (sshd with the keyperm patch) 0640 root:ssh_keys is the
 * distribution's own layout and is kept.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixes.h"
#include "model.h"
#include "run.h"
#include "util.h"

/* This family's problems: each code is its row's index in hostkey_perms_problems[]. */
enum problem_code {
	PR_HOSTKEY_MODE,
	PR_HOSTKEY_OWNER,
	PR_HOSTKEY_PUB_PERMS,
	PR_HOSTKEY_HARDLINKED,
	PR_HOSTKEY_NOT_REGULAR,
};

static const struct problem hostkey_perms_problems[] = {
	{ PR_HOSTKEY_MODE, "hostkey-mode", SEV_ERROR, PF_SAFE_AUTO,
	  "host key {path} is open to group or others ({detail})",
	  "sshd refuses a root-owned private host key with any group or other permission "
	  "(\"UNPROTECTED PRIVATE KEY FILE!\", \"bad permissions\"); without a usable key it exits "
	  "with \"no hostkeys available\" and clients see \"Connection refused\" or \"Connection reset\". "
	  "RULES §2.2" },
	{ PR_HOSTKEY_OWNER, "hostkey-owner", SEV_WARNING, PF_SAFE_AUTO,
	  "host key {path} is not owned by root ({detail})",
	  "sshd does not check the mode of a key it does not own, so the key loads, but its owner "
	  "can read the server's private key and impersonate it. RULES §2.2" },
	{ PR_HOSTKEY_PUB_PERMS, "hostkey-pub-perms", SEV_WARNING, PF_SAFE_AUTO,
	  "public host key {path} {detail}",
	  "Public host keys should be root-owned 0644: one writable by others can be replaced. "
	  "sshd derives the public half from the private key when they differ. RULES §2.3" },
	{ PR_HOSTKEY_HARDLINKED, "hostkey-hardlinked", SEV_ERROR, PF_REPORT_ONLY,
	  "host key {path} needs a repair but has {detail} hard links; not changing it",
	  "A file with several names may be another file under a second name; sshfix never "
	  "changes the owner or mode of such a file. Check the other names (find / -samefile)." },
	{ PR_HOSTKEY_NOT_REGULAR, "hostkey-not-regular", SEV_ERROR, PF_REPORT_ONLY,
	  "host key {path} is not a regular file ({detail})",
	  "sshd cannot load a host key from a directory or a device. RULES §2.3" },
	{ .id = NULL },
};


/* The gid of EL's ssh_keys group when the target's sshd honours it. */
static gid_t keyperm_gid(const struct run *run)
{
	const struct gr_entry *gr;

	if (!run->target->facts.sshd_keyperm_group)
		return (gid_t) -1;
	gr = accounts_group_by_name(&run->model.accounts, "ssh_keys");
	return gr ? gr->gid : (gid_t) -1;
}

static int add_perm_finding(struct run *run, enum problem_code code, const char *path, const struct stat *st,
			    struct perms_want want, const char *detail)
{
	char m[8];
	struct finding *f = run_add_finding(run, &hostkey_perms_problems[code], path, NULL);

	if (!f)
		return -ENOMEM;
	f->want = want;
	if (finding_set_detail(f, "%s", detail) < 0 ||
	    finding_add_evidence(f, "%s: mode %s, owner %u:%u", path, mode_str(st->st_mode, m),
				 (unsigned) st->st_uid, (unsigned) st->st_gid) < 0)
		return -ENOMEM;
	return 0;
}

static int check_private(struct run *run, const char *path, const struct stat *st)
{
	gid_t kgid = keyperm_gid(run);
	bool keyperm = kgid != (gid_t) -1 && st->st_gid == kgid;
	mode_t allowed = keyperm ? 0640 : 0600;
	mode_t mode = st->st_mode & 07777;
	char m[8], buf[96];

	if (st->st_uid == 0 && (mode & 077) == 0)
		return 0;
	if (st->st_uid == 0 && keyperm && (mode & 037) == 0)
		return 0;	/* EL keyperm: group read for ssh_keys is accepted */

	if (st->st_nlink > 1) {
		struct finding *f = run_add_finding(run, &hostkey_perms_problems[PR_HOSTKEY_HARDLINKED], path, NULL);
		if (!f || finding_set_detail(f, "%lu", (unsigned long) st->st_nlink) < 0 ||
		    finding_add_evidence(f, "%s: mode %s, owner %u:%u, %lu links", path, mode_str(st->st_mode, m),
					 (unsigned) st->st_uid, (unsigned) st->st_gid, (unsigned long) st->st_nlink) < 0)
			return -ENOMEM;
		return 0;
	}

	/* Keep what is allowed of the current mode, drop the rest. */
	struct perms_want want = { .mode = mode & allowed, .uid = 0, .gid = keyperm ? kgid : st->st_gid };
	if (!(want.mode & 0400))
		want.mode |= 0400;	/* root must read it; sshd does not need write */
	if (st->st_uid != 0) {
		/* Another owner's group is meaningless for a root key: root's group. */
		if (!keyperm)
			want.gid = 0;
		snprintf(buf, sizeof(buf), "owner uid %u, mode %s", (unsigned) st->st_uid, mode_str(mode, m));
		return add_perm_finding(run, PR_HOSTKEY_OWNER, path, st, want, buf);
	}
	snprintf(buf, sizeof(buf), "mode %s", mode_str(mode, m));
	return add_perm_finding(run, PR_HOSTKEY_MODE, path, st, want, buf);
}

static int check_public(struct run *run, const char *path)
{
	struct stat st;
	char m[8], buf[96];
	int r;

	r = target_lstat(run->target, path, &st);
	if (r < 0 || !S_ISREG(st.st_mode))
		return 0;	/* a missing or odd .pub is the host key content check's business */
	if (st.st_uid == 0 && (st.st_mode & 022) == 0)
		return 0;
	if (st.st_nlink > 1)
		return 0;	/* never touched; the private key's finding names the risk */
	if (st.st_uid != 0)
		snprintf(buf, sizeof(buf), "is owned by uid %u", (unsigned) st.st_uid);
	else
		snprintf(buf, sizeof(buf), "is writable by group or others (mode %s)", mode_str(st.st_mode, m));
	return add_perm_finding(run, PR_HOSTKEY_PUB_PERMS, path, &st,
				(struct perms_want) { .mode = 0644, .uid = 0, .gid = 0 }, buf);
}

static int check_key(struct run *run, const char *configured)
{
	struct target_path tp = {0};
	_cleanup_free_ char *pub = NULL;
	int r;

	/* Keys are root's files: a symlink only root could have made is followed. */
	r = target_resolve(run->target, configured, TR_ROOT_SYMLINKS_ONLY, &tp, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : 0;	/* missing keys are the host key content check's */

	if (!S_ISREG(tp.st.st_mode)) {
		struct finding *f = run_add_finding(run, &hostkey_perms_problems[PR_HOSTKEY_NOT_REGULAR], tp.canon, NULL);
		r = !f || finding_set_detail(f, "%s", S_ISDIR(tp.st.st_mode) ? "a directory" : "a special file") < 0
			    ? -ENOMEM
			    : 0;
		target_path_done(&tp);
		return r;
	}
	r = check_private(run, tp.canon, &tp.st);
	if (r == 0) {
		if (asprintf(&pub, "%s.pub", tp.canon) < 0)
			r = -ENOMEM;
		else
			r = check_public(run, pub);
	}
	target_path_done(&tp);
	return r;
}

static int hostkey_perms_detect(struct run *run)
{
	_cleanup_strv_free_ char **keys = NULL;
	bool configured;
	int r;

	r = model_host_keys(&run->model, &keys, &configured);
	for (size_t i = 0; r == 0 && keys[i]; i++)
		r = check_key(run, keys[i]);
	return r;
}

const struct fix fix_hostkey_perms = {
	.id = "hostkey-perms",
	.summary = "owner and mode of the host keys sshd loads",
	.rules = "RULES §2.1-2.5, §2.8",
	.problems = hostkey_perms_problems,
	.detect = hostkey_perms_detect,
	.repair = fix_repair_perms,
};
