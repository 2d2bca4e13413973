/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * selinux-labels: the SELinux labels of what sshd reads on the login path,
 * when the next boot enforces SELinux (RULES §9.1, §9.2, §9.4, §9.5;
 * issue 13).
 *
 * Under an enforcing policy sshd runs as sshd_t and may read its host keys
 * only when they are sshd_key_t, a user's keys only when they are
 * ssh_home_t, and so on: every mode can be right and the login still
 * fails ("no hostkeys available", "Could not open user 'alice' authorized
 * keys: Permission denied").  A rescue system without SELinux writes files
 * without a label, or copies them with a wrong one.  The objects: /etc/ssh,
 * sshd_config and its drop-ins, the host keys and their .pub, and for every
 * account with a login shell its home, ~/.ssh and its configured keys
 * files.  Each one's security.selinux is compared with the label the
 * policy's file_contexts give it (src/fcontext.h, looked up as libselinux
 * does; the type is what sshd_t's rules name, so a label whose type is
 * right is right).
 *
 *  - selinux-label-wrong: an object has no label or one of another type.
 *    Repair: the policy's label, as setfiles and restorecon -F write it
 *    (the journal keeps the old one for --undo).
 *  - selinux-relabel-needed: most of the objects have no label at all (a
 *    root restored or copied without xattrs): labelling a few files by
 *    hand will not make that system work.  Repair, after a yes: an empty
 *    /.autorelabel, so that the next SELinux boot relabels everything
 *    (fixfiles onboot; RULES §9.4).  The host keys and sshd_config are
 *    still labelled one by one.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "fixes.h"
#include "keyfiles.h"
#include "mac.h"
#include "model.h"
#include "run.h"
#include "sshd_config.h"
#include "util.h"

/* At least this many unlabelled objects, and most of them: a relabel, not single files. */
#define RELABEL_MIN 8

/* This family's problems: each code is its row's index in selinux_labels_problems[]. */
enum problem_code {
	PR_SELINUX_LABEL_WRONG,
	PR_SELINUX_RELABEL_NEEDED,
};

static const struct problem selinux_labels_problems[] = {
	{ PR_SELINUX_LABEL_WRONG, "selinux-label-wrong", SEV_ERROR, PF_SAFE_AUTO, "{path}: {detail}",
	  "The next boot enforces SELinux, and sshd (sshd_t) may read a file only when its label's type is one the "
	  "policy lets it read: sshd_key_t for host keys, etc_t for its configuration, ssh_home_t for ~/.ssh and the "
	  "keys in it, user_home_dir_t for a home. A file a rescue system wrote has no label, and one copied from "
	  "elsewhere keeps the wrong one: sshd then says \"no hostkeys available\" or \"Could not open user ... "
	  "authorized keys: Permission denied\", and the audit log has the AVC denial. The repair writes the label "
	  "the policy's file_contexts give the path, as restorecon -F does. RULES §9.2, §9.5" },
	{ PR_SELINUX_RELABEL_NEEDED, "selinux-relabel-needed", SEV_ERROR, PF_NEEDS_CONFIRM, "{path}: {detail}",
	  "Most of what sshd reads has no SELinux label at all: the files were restored or copied without their "
	  "extended attributes, and so, most likely, was everything else on this system. Under an enforcing "
	  "policy that machine will not work, and labelling sshd's files alone does not change that. The repair, "
	  "after a yes, creates an empty /.autorelabel: the next boot with SELinux relabels every file from the "
	  "policy (fixfiles onboot) and removes it. RULES §9.4" },
	{ .id = NULL },
};

struct label_fix {
	char *label;		/* with its NUL, as setfilecon() writes it */
	size_t len;
};

static void label_fix_free(void *p)
{
	struct label_fix *d = p;
	if (d)
		free(d->label);
	free(d);
}

struct state {
	size_t checked, unlabelled;
	bool relabel;		/* a relabel finding was made: user objects are not listed one by one */
};

/* The type field of a context ("user:role:type[:range]"), into buf. */
static void context_type(const char *ctx, char *buf, size_t size)
{
	const char *a = strchr(ctx, ':'), *b = a ? strchr(a + 1, ':') : NULL;
	size_t n = b ? strcspn(b + 1, ":") : 0;

	snprintf(buf, size, "%.*s", b ? (int) n : 0, b ? b + 1 : "");
}

/*
 * One object: its label against the policy's.  Returns 1 when it has no
 * label (counted), 0 otherwise, < 0 on error.  With only_count, no finding.
 */
static int check_object(struct run *run, struct state *s, const char *path, const char *user, bool only_count)
{
	_cleanup_free_ char *have = NULL;
	_cleanup_close_ int fd = -1;
	const char *want = NULL, *where = NULL;
	struct stat st;
	size_t have_len = 0;
	int r;

	fd = target_open_inode(run->target, path, TR_NO_SYMLINKS, NULL);
	if (fd < 0 || fstat(fd, &st) < 0)
		return 0;	/* missing, or reached through a link: the families of modes and owners say so */
	r = mac_expected_label(run, path, st.st_mode & S_IFMT, &want, &where);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;	/* the policy gives it no label */
	s->checked++;
	r = mac_read_label(fd, &have, &have_len);
	if (r == -ENOMEM)
		return r;
	bool none = r < 0;
	char ht[128], wt[128];
	context_type(want, wt, sizeof(wt));
	if (!none) {
		context_type(have, ht, sizeof(ht));
		if (streq(ht, wt))
			return 0;
	} else
		s->unlabelled++;
	if (only_count)
		return none;
	struct finding *f = run_add_finding(run, &selinux_labels_problems[PR_SELINUX_LABEL_WRONG], path, user);
	struct label_fix *d = calloc(1, sizeof(*d));
	if (!f || !d || !(d->label = strdup(want))) {
		label_fix_free(d);
		return -ENOMEM;
	}
	d->len = strlen(want) + 1;
	finding_set_data(f, d, label_fix_free);
	_cleanup_free_ char *shown = none ? NULL : escape_display_trunc(have, 200);
	if (!none && !shown)
		return -ENOMEM;
	if (none ? finding_set_detail(f, "it has no SELinux label; the policy (%s) gives it %s, and sshd (sshd_t) under "
					 "enforcing SELinux cannot read an unlabelled %s",
				      where, want, S_ISDIR(st.st_mode) ? "directory" : "file") < 0
		 : finding_set_detail(f, "its SELinux label is %s; the policy (%s) gives it %s, and sshd (sshd_t) under "
					 "enforcing SELinux cannot read %s of type %s",
				      shown, where, want, S_ISDIR(st.st_mode) ? "a directory" : "a file", ht) < 0)
		return -ENOMEM;
	if (asprintf(&f->action, "set its label to %s (restorecon -F %s)", want, path) < 0) {
		f->action = NULL;
		return -ENOMEM;
	}
	return none;
}

/* /etc/ssh, sshd_config and the files it includes, the host keys and their .pub. */
static int system_objects(struct run *run, char ***ret)
{
	_cleanup_strv_free_ char **keys = NULL;
	bool configured;
	int r;

	if ((r = strv_push(ret, strdup("/etc/ssh"))) < 0)
		return r;
	for (size_t i = 0; run->model.sshd && run->model.sshd->files && run->model.sshd->files[i]; i++)
		if (!strv_contains(*ret, run->model.sshd->files[i]) && (r = strv_push(ret, strdup(run->model.sshd->files[i]))) < 0)
			return r;
	if ((r = model_host_keys(&run->model, &keys, &configured)) < 0)
		return r;
	for (size_t i = 0; keys && keys[i]; i++) {
		char *pub = NULL;
		if ((r = strv_push(ret, strdup(keys[i]))) < 0 || asprintf(&pub, "%s.pub", keys[i]) < 0 ||
		    (r = strv_push(ret, pub)) < 0)
			return r < 0 ? r : -ENOMEM;
	}
	return 0;
}

/* The home, ~/.ssh and the keys files of each login account, through fn. */
static int user_objects(struct run *run, struct state *s, bool only_count)
{
	const struct accounts *a = &run->model.accounts;
	int r = 0;

	for (size_t i = 0; i < a->passwd.n_entries && r >= 0; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		_cleanup_strv_free_ char **keys = NULL;
		_cleanup_free_ char *ssh = NULL;
		if (accounts_user_by_name(a, pw->name) != pw || !accounts_key_login_possible(pw) || streq(pw->dir, "/"))
			continue;
		if ((r = check_object(run, s, pw->dir, pw->name, only_count)) < 0 || !(ssh = path_join(pw->dir, ".ssh")) ||
		    (r = check_object(run, s, ssh, pw->name, only_count)) < 0)
			return r < 0 ? r : -ENOMEM;
		if ((r = keyfiles_paths(run->model.sshd, a, pw, &keys)) < 0)
			return r;
		for (size_t k = 0; keys && keys[k] && r >= 0; k++)
			r = check_object(run, s, keys[k], pw->name, only_count);
	}
	return r < 0 ? r : 0;
}

static int selinux_labels_detect(struct run *run)
{
	const struct mac_state *m;
	const char *ctx, *where;
	_cleanup_strv_free_ char **sys = NULL;
	struct state s = {0};
	int r;

	if ((r = mac_get(run, &m)) < 0)
		return r;
	if (m->mode != SELINUX_ENFORCING)
		return 0;
	r = mac_expected_label(run, "/etc/ssh", S_IFDIR, &ctx, &where);
	if (r == -ENOMEM)
		return r;
	if (r == -EBADMSG)
		return model_note(&run->model, "selinux-labels: the next boot enforces SELinux, but %s cannot be read as "
					       "libselinux would: labels were not judged", where ? where : "file_contexts");
	if (!run->model.mac->fcon)
		return model_note(&run->model, "selinux-labels: the next boot enforces SELinux (type %s), but its "
					       "file_contexts cannot be read: labels were not judged",
				  m->selinux_type ? m->selinux_type : "?");
	struct stat st;
	if (target_lstat(run->target, "/.autorelabel", &st) == 0)
		return model_note(&run->model, "selinux-labels: /.autorelabel exists: the next SELinux boot relabels every file "
					       "before sshd starts, so labels were not judged one by one");
	/* first count: many objects without any label is a relabel, not a list */
	if ((r = user_objects(run, &s, true)) < 0)
		return r;
	if ((r = system_objects(run, &sys)) < 0)
		return r;
	for (size_t i = 0; sys && sys[i]; i++)
		if ((r = check_object(run, &s, sys[i], NULL, true)) < 0)
			return r;
	if (s.unlabelled >= RELABEL_MIN && 2 * s.unlabelled > s.checked) {
		struct finding *f = run_add_finding(run, &selinux_labels_problems[PR_SELINUX_RELABEL_NEEDED], "/.autorelabel", NULL);
		if (!f || finding_set_detail(f, "%zu of the %zu files and directories sshd reads have no SELinux label", s.unlabelled,
					     s.checked) < 0 ||
		    !(f->action = strdup("create /.autorelabel: the next SELinux boot relabels the whole system")))
			return -ENOMEM;
		s.relabel = true;
	}
	s = (struct state) { .relabel = s.relabel };
	for (size_t i = 0; sys && sys[i]; i++)
		if ((r = check_object(run, &s, sys[i], NULL, false)) < 0)
			return r;
	return s.relabel ? 0 : user_objects(run, &s, false);
}

static int selinux_labels_repair(struct run *run, struct finding *f)
{
	if (f->problem->code == PR_SELINUX_RELABEL_NEEDED)
		return journal_write_file(run->journal, "/.autorelabel", "", 0, 0644, 0, 0);
	const struct label_fix *d = f->data;
	if (!d)
		return -ESTALE;
	return journal_set_xattr(run->journal, f->path, "security.selinux", d->label, d->len);
}

const struct fix fix_selinux_labels = {
	.id = "selinux-labels",
	.summary = "SELinux labels of host keys, sshd's configuration, homes, ~/.ssh and keys files under an enforcing policy",
	.rules = "RULES §9.1, §9.2, §9.4, §9.5",
	.problems = selinux_labels_problems,
	.detect = selinux_labels_detect,
	.repair = selinux_labels_repair,
	.subject = fix_subject_keys_owner,
};
