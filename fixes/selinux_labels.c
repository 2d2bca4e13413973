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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "fcontext.h"
#include "fixes.h"
#include "keyfiles.h"
#include "mac.h"
#include "model.h"
#include "netmounts.h"
#include "run.h"
#include "semanage.h"
#include "sshd_config.h"
#include "util.h"

/* At least this many unlabelled objects, and most of them: a relabel, not single files. */
#define RELABEL_MIN 8

/* This family's problems: each code is its row's index in selinux_labels_problems[]. */
enum problem_code {
	PR_SELINUX_LABEL_WRONG,
	PR_SELINUX_RELABEL_NEEDED,
	PR_SELINUX_HOMEDIRS_STALE,
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
	{ PR_SELINUX_HOMEDIRS_STALE, "selinux-homedirs-stale", SEV_ERROR, PF_NEEDS_CONFIRM, "{path}: {detail}",
	  "The policy labels a home by file_contexts.homedirs, which genhomedircon writes from homedir_template "
	  "for the homes that exist when it runs (semodule -B, semanage). A home made later outside those roots "
	  "(/srv/home/alice when only /home was there) gets the label of whatever holds it (var_t), and so do its "
	  "~/.ssh and keys: sshd (sshd_t) may not read them, and restorecon or an autorelabel gives them that "
	  "label again. The repair, after a yes, runs the target's own semodule -n -B in sshfix's sandbox on a "
	  "copy of the policy (genhomedircon, no reload), writes the files it changed through the undo log, and "
	  "labels the accounts' homes, ~/.ssh and keys files as the new file contexts say. RULES §9.2, §9.5" },
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
	size_t on_network;	/* objects on an NFS or SMB mount: the mount gives their label */
	const struct netmounts *mounts;
	bool relabel;		/* a relabel finding was made: user objects are not listed one by one */
	char **stale;		/* accounts whose ~/.ssh the policy does not give ssh_home_t */
	char *stale_why;	/* the first one's: "/srv/home/alice/.ssh is var_t (FILE line N)" */
};

/* What the homedirs repair needs: the accounts, by name. */
struct homedirs_fix {
	char **users;
};

static void homedirs_fix_free(void *p)
{
	struct homedirs_fix *d = p;
	if (d)
		strv_free(d->users);
	free(d);
}

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

	if (netmount_of(s->mounts, path)) {
		s->on_network += only_count;
		return 0;
	}
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

/*
 * Would genhomedircon write entries for pw's home (libsemanage
 * genhomedircon.c: a uid from login.defs' UID_MIN to UID_MAX, and a shell
 * listed in /etc/shells)?
 */
static bool genhomedircon_lists(struct run *run, const struct pw_entry *pw)
{
	unsigned long lo = target_conf_number(run->target, "/etc/login.defs", "UID_MIN", 1000);
	unsigned long hi = target_conf_number(run->target, "/etc/login.defs", "UID_MAX", 60000);

	return pw->uid >= lo && pw->uid <= hi && pw->shell && *pw->shell &&
	       target_file_has_line(run->target, "/etc/shells", pw->shell);
}

/*
 * Does the policy give pw's ~/.ssh ssh_home_t, as homedir_template says for
 * every home genhomedircon knows?  1 yes (or it gives no label at all, or
 * genhomedircon leaves the account out), 0 no: the account is added to
 * s->stale once.  Only where the store has a homedir_template: without one,
 * no genhomedircon would change the answer.
 */
static int home_is_known(struct run *run, struct state *s, const struct pw_entry *pw)
{
	const struct mac_state *m = run->model.mac;
	_cleanup_free_ char *ssh = path_join(pw->dir, ".ssh"), *tmpl = NULL;
	const char *want = NULL, *where = NULL;
	struct stat st;
	char wt[128];
	int r;

	if (!ssh)
		return -ENOMEM;
	if (strv_contains(s->stale, pw->name))
		return 0;
	r = mac_expected_label(run, ssh, S_IFDIR, &want, &where);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 1;
	context_type(want, wt, sizeof(wt));
	if (streq(wt, "ssh_home_t") || !m->store_root || !m->selinux_type || !genhomedircon_lists(run, pw))
		return 1;
	if (asprintf(&tmpl, "%s/%s/active/homedir_template", m->store_root, m->selinux_type) < 0)
		return -ENOMEM;
	if (target_stat(run->target, tmpl, &st) < 0 || !S_ISREG(st.st_mode))
		return 1;
	if (!s->stale_why && asprintf(&s->stale_why, "%s is %s (%s), not ssh_home_t", ssh, wt, where) < 0)
		return -ENOMEM;
	return (r = strv_push(&s->stale, strdup(pw->name))) < 0 ? r : 0;
}

/* One finding for every account whose home genhomedircon has not seen. */
static int homedirs_finding(struct run *run, struct state *s)
{
	const struct mac_state *m = run->model.mac;
	_cleanup_free_ char *path = NULL, *names = NULL;
	size_t n = strv_length(s->stale);

	if (n == 0)
		return 0;
	if (asprintf(&path, "/etc/selinux/%s/contexts/files/file_contexts.homedirs", m->selinux_type) < 0 ||
	    !(names = strv_join(s->stale, ", ")))
		return -ENOMEM;
	struct finding *f = run_add_finding(run, &selinux_labels_problems[PR_SELINUX_HOMEDIRS_STALE], path, NULL);
	struct homedirs_fix *d = calloc(1, sizeof(*d));
	if (!f || !d) {
		free(d);
		return -ENOMEM;
	}
	d->users = TAKE_PTR(s->stale);
	finding_set_data(f, d, homedirs_fix_free);
	if (finding_set_detail(f, "it has no entries for the home%s of %s: %s; genhomedircon last ran before %s existed",
			       n > 1 ? "s" : "", names, s->stale_why, n > 1 ? "they" : "it") < 0)
		return -ENOMEM;
	/* the keys files sshd_t may not read, each once (and the log lines about them) */
	for (size_t i = 0; i < 16 && d->users[i]; i++) {
		const struct pw_entry *pw = accounts_user_by_name(&run->model.accounts, d->users[i]);
		_cleanup_strv_free_ char **keys = NULL;
		int r = pw ? keyfiles_paths(run->model.sshd, &run->model.accounts, pw, &keys) : 0;
		if (r < 0)
			return r;
		for (size_t k = 0; keys && keys[k]; k++)
			if (finding_add_evidence(f, "%s's keys file %s: the policy gives it no ssh_home_t either", pw->name, keys[k]) < 0)
				return -ENOMEM;
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
		if (!netmount_of(s->mounts, pw->dir) && (r = home_is_known(run, s, pw)) <= 0) {
			if (r < 0)
				return r;
			continue;	/* the policy's labels for it are the wrong ones: selinux-homedirs-stale */
		}
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

static void state_done(struct state *s)
{
	strv_free(s->stale);
	free(s->stale_why);
	s->stale = NULL;
	s->stale_why = NULL;
}

static int selinux_labels_detect(struct run *run)
{
	const struct mac_state *m;
	const char *ctx, *where;
	_cleanup_strv_free_ char **sys = NULL;
	_cleanup_(state_done) struct state s = {0};
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
	if ((r = netmounts_get(run, &s.mounts)) < 0)
		return r;
	/* first count: many objects without any label is a relabel, not a list */
	if ((r = user_objects(run, &s, true)) < 0)
		return r;
	if (s.on_network > 0 &&
	    (r = model_note(&run->model, "selinux-labels: %zu of the files sshd reads are on NFS or SMB mounts (/etc/fstab): "
					 "their label is the mount's (nfs_t, cifs_t), so they were not judged (see "
					 "selinux-booleans)", s.on_network)) < 0)
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
	bool relabel = s.relabel;
	state_done(&s);
	s = (struct state) { .relabel = relabel, .mounts = s.mounts };
	for (size_t i = 0; sys && sys[i]; i++)
		if ((r = check_object(run, &s, sys[i], NULL, false)) < 0)
			break;
	if (r >= 0 && !s.relabel)
		r = user_objects(run, &s, false);
	if (r >= 0)
		r = homedirs_finding(run, &s);
	return r;
}

/*
 * Set path's label to what fc gives it, when its type differs: 1 planned,
 * 0 nothing to do or refused by the journal's rules (a hard link, a symlink
 * a user could have planted: counted in *refused, that object keeps its
 * label and the rest go on), -errno.
 */
static int relabel_by(struct run *run, struct fcon *fc, const char *path, unsigned *refused)
{
	_cleanup_free_ char *have = NULL;
	_cleanup_close_ int fd = target_open_inode(run->target, path, TR_NO_SYMLINKS, NULL);
	const char *want, *where;
	struct stat st;
	size_t have_len = 0;
	char ht[128], wt[128];

	if (fd < 0 || fstat(fd, &st) < 0 || fcon_lookup(fc, path, st.st_mode & S_IFMT, &want, &where) < 0)
		return 0;
	if (mac_read_label(fd, &have, &have_len) == 0) {
		context_type(have, ht, sizeof(ht));
		context_type(want, wt, sizeof(wt));
		if (streq(ht, wt))
			return 0;
	}
	int r = journal_set_xattr(run->journal, path, "security.selinux", want, strlen(want) + 1);
	if (r == -EMLINK || r == -ENOLINK || r == -ELOOP || r == -EACCES || r == -EPERM) {
		(*refused)++;
		return 0;
	}
	return r < 0 ? r : r == 0;
}

/* The home, ~/.ssh and keys files of user, labelled by fc: how many, or -errno. */
static int relabel_account(struct run *run, struct fcon *fc, const char *user, unsigned *refused)
{
	const struct accounts *a = &run->model.accounts;
	const struct pw_entry *pw = accounts_user_by_name(a, user);
	_cleanup_strv_free_ char **keys = NULL;
	_cleanup_free_ char *ssh = NULL;
	int r, n = 0;

	if (!pw || !(ssh = path_join(pw->dir, ".ssh")))
		return pw ? -ENOMEM : 0;
	if ((r = keyfiles_paths(run->model.sshd, a, pw, &keys)) < 0)
		return r;
	const char *objs[] = { pw->dir, ssh };
	for (size_t i = 0; i < ELEMENTSOF(objs); i++) {
		if ((r = relabel_by(run, fc, objs[i], refused)) < 0)
			return r;
		n += r;
	}
	for (size_t k = 0; keys && keys[k]; k++) {
		if ((r = relabel_by(run, fc, keys[k], refused)) < 0)
			return r;
		n += r;
	}
	return n;
}

/*
 * genhomedircon by the target's own semodule on a copy of the policy; its
 * files through the journal; then the accounts' objects labelled as the new
 * file contexts say.
 */
static int homedirs_repair(struct run *run, struct finding *f)
{
	const struct homedirs_fix *d = f->data;
	const struct mac_state *m = run->model.mac;
	_cleanup_(semanage_changes_done) struct semanage_changes ch = {0};
	_cleanup_free_ char *why = NULL, *dir = NULL;
	const char *const args[] = { "-n", "-B", NULL };
	struct fcon *fc = NULL;
	int r, n = 0;

	if (!d || !m || !m->selinux_type)
		return -ESTALE;
	r = semanage_run_repair(run, f, "/usr/sbin/semodule", args,
				"semodule -n -B, then restorecon -RF on each of those homes", &ch);
	if (r < 0)
		return r;
	/* the file contexts as they will be */
	if (asprintf(&dir, "/etc/selinux/%s/contexts/files", m->selinux_type) < 0)
		return -ENOMEM;
	_cleanup_free_ struct mac_file_override *ov = calloc(ch.n + 1, sizeof(*ov));
	size_t n_ov = 0;
	if (!ov)
		return -ENOMEM;
	for (size_t i = 0; i < ch.n; i++)
		if (ch.files[i].data && path_is_below(ch.files[i].path, dir))
			ov[n_ov++] = (struct mac_file_override) { ch.files[i].path, ch.files[i].data, ch.files[i].len };
	r = mac_fcon_load(run->target, m->selinux_type, ov, n_ov, &fc, &why);
	if (r < 0)
		return r == -ENOMEM ? r : finding_left_alone(f, r, "left alone: the file contexts semodule wrote cannot be read%s%s",
						     why ? ": " : "", why ? why : "");
	for (size_t i = 0; d->users[i] && r >= 0; i++) {
		const struct pw_entry *pw = accounts_user_by_name(&run->model.accounts, d->users[i]);
		_cleanup_free_ char *ssh = pw ? path_join(pw->dir, ".ssh") : NULL;
		const char *want = NULL, *where = NULL;
		char wt[128] = "";
		if (ssh && fcon_lookup(fc, ssh, S_IFDIR, &want, &where) == 0)
			context_type(want, wt, sizeof(wt));
		if (!streq(wt, "ssh_home_t"))
			r = finding_left_alone(f, -EINVAL, "left alone: the target's genhomedircon (semodule -n -B) does not list "
						   "%s's home %s (an account it leaves out: a uid below UID_MIN, or a shell "
						   "not in /etc/shells); run in the target: semanage fcontext -a -e /home %s, "
						   "then restorecon -RF %s", d->users[i], pw ? pw->dir : "?",
				       pw ? pw->dir : "DIR", pw ? pw->dir : "DIR");
	}
	if (r >= 0)
		r = semanage_plan_repair(run, f, &ch);
	int files = r;
	unsigned refused = 0;
	for (size_t i = 0; r >= 0 && d->users[i]; i++) {
		r = relabel_account(run, fc, d->users[i], &refused);
		n += r > 0 ? r : 0;
	}
	fcon_free(fc);
	if (r < 0)
		return r;
	if (refused > 0 && finding_add_evidence(f, "%u of the accounts' objects keep their label: a hard link or a "
						   "symlink sshfix does not change (see selinux-label-wrong after the next "
						   "run)", refused) < 0)
		return -ENOMEM;
	return asprintf(&f->action, "the target's own semodule -n -B (genhomedircon, no reload), run on a copy of the "
				    "policy: %d files change; then %d of those accounts' homes, ~/.ssh and keys files "
				    "labelled as the new file contexts say", files, n) < 0
		       ? -ENOMEM
		       : 0;
}

static int selinux_labels_repair(struct run *run, struct finding *f)
{
	if (f->problem->code == PR_SELINUX_HOMEDIRS_STALE)
		return homedirs_repair(run, f);
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
