/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * selinux-booleans: a policy boolean that decides whether sshd may read a
 * login account's keys at all (issue 13; RULES §9.1, §9.3).
 *
 * Under an enforcing policy a home on NFS is nfs_t and one on SMB cifs_t,
 * whatever the file contexts say: the policy lets sshd_t and the users'
 * domains read them only when use_nfs_home_dirs (use_samba_home_dirs) is
 * on [refpolicy policy/modules/system/userdomain.if, ssh.te].  Both are off
 * in the reference policy and in Fedora's.  sshd logs "Could not open user
 * 'alice' authorized keys '/home/alice/.ssh/authorized_keys': Permission
 * denied", the kernel an AVC for nfs_t, and the client sees "Permission
 * denied (publickey)".
 *
 * Checked, when the next boot enforces SELinux: the network mounts of the
 * target's /etc/fstab (src/netmounts.h), and the accounts a key may log in
 * as whose home or configured keys file lies on one.  The
 * boolean's value for the next boot comes from the target's own semanage
 * ("semanage boolean -l", run in the sandbox on a copy of the store: it
 * reads the policy the next boot loads); where it cannot run, the store's
 * booleans.local (what "setsebool -P" and "semanage boolean -m" wrote); and
 * where neither says, a note, never a guess.  The keys files are each
 * account's own (keyfiles_paths(): a Match block's AuthorizedKeysFile
 * included).
 *
 * Repair, with a yes: the target's own "semanage boolean -m -N --on NAME"
 * in the sandbox, its changed files (booleans.local, the compiled policy)
 * through the undo log, as for listen-port-selinux.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "fixes.h"
#include "keyfiles.h"
#include "mac.h"
#include "model.h"
#include "netmounts.h"
#include "run.h"
#include "semanage.h"
#include "util.h"

#define BOOLEANS_LOCAL_MAX (1u << 20)
#define LISTED_MAX 3	/* accounts named in the evidence; the rest are counted */

/* This family's problems: each code is its row's index in selinux_booleans_problems[]. */
enum problem_code {
	PR_SELINUX_BOOLEAN_HOME,
};

static const struct problem selinux_booleans_problems[] = {
	{ PR_SELINUX_BOOLEAN_HOME, "selinux-boolean-home", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "{path}: {detail}",
	  "Homes on NFS or SMB carry the label of their file system (nfs_t, cifs_t), not ssh_home_t: an "
	  "enforcing SELinux policy lets sshd read them only when the boolean use_nfs_home_dirs (or "
	  "use_samba_home_dirs) is on, and it is off. sshd logs \"Could not open user ... authorized "
	  "keys ...: Permission denied\" with an AVC, and the client sees \"Permission denied "
	  "(publickey)\". With a yes, sshfix switches it on with the target's own semanage boolean -m "
	  "-N --on, run on a copy of the policy, and writes what it changed (booleans.local, the "
	  "compiled policy the next boot loads) through the undo log. RULES §9.1" },
	{ .id = NULL },
};

/* The boolean that lets confined domains read homes on each kind of network mount (src/netmounts.h). */
static const struct {
	enum netmount_kind kind;
	const char *boolean;
	const char *what;
} home_booleans[] = {
	{ NETMOUNT_NFS, "use_nfs_home_dirs", "NFS" },
	{ NETMOUNT_SMB, "use_samba_home_dirs", "SMB" },
};

/*
 * The boolean's value for the next boot: 1 on, 0 off, -ENOENT not known;
 * *ret_src says where it was read.  "NAME   (on   ,   on)  Description" is
 * one line of "semanage boolean -l".
 */
static int listed_value(const char *out, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, name, n) != 0 || (l[n] != ' ' && l[n] != '\t'))
			continue;
		const char *p = l + n + strspn(l + n, " \t");
		if (strncmp(p, "(on", 3) == 0)
			return 1;
		if (strncmp(p, "(off", 4) == 0)
			return 0;
	}
	return -ENOENT;
}

/* "NAME=1" in the store's booleans.local (libsemanage writes it; the last line wins). */
static int local_value(struct run *run, const struct mac_state *m, const char *name, char **ret_path)
{
	_cleanup_free_ char *text = NULL;
	struct text_lines it = {0};
	const char *line;
	size_t len = 0, n, nn = strlen(name);
	int v = -ENOENT;

	if (asprintf(ret_path, "%s/%s/active/booleans.local", m->store_root ? m->store_root : "/var/lib/selinux",
		     m->selinux_type) < 0) {
		*ret_path = NULL;
		return -ENOMEM;
	}
	int r = target_read_file_optional(run->target, *ret_path, BOOLEANS_LOCAL_MAX, &text, &len);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOENT;
	it = (struct text_lines) { .text = text, .len = len };
	while (text_next_line(&it, &line, &n)) {
		text_trim(&line, &n);
		if (n == nn + 2 && strncmp(line, name, nn) == 0 && line[nn] == '=' && strchr("01", line[nn + 1]))
			v = line[nn + 1] == '1';
	}
	return v;
}

struct boolean_state {
	int value;		/* 1, 0, or -ENOENT */
	char *src;		/* where the value was read */
	char *why;		/* why semanage could not say */
};

static void boolean_state_done(struct boolean_state *s)
{
	free(s->src);
	free(s->why);
}

static int read_boolean(struct run *run, const struct mac_state *m, const char *name, struct boolean_state *ret)
{
	_cleanup_(semanage_changes_done) struct semanage_changes ch = {0};
	const char *const args[] = { "boolean", "-l", NULL };
	_cleanup_free_ char *local = NULL;
	int r;

	*ret = (struct boolean_state) { .value = -ENOENT };
	r = semanage_run(run, "/usr/sbin/semanage", args, &ch, &ret->why);
	if (r == -ENOMEM)
		return r;
	if (r == 0 && ch.status == 0 && (ret->value = listed_value(ch.out, name)) >= 0)
		return (ret->src = strdup("the target's semanage boolean -l")) ? 0 : -ENOMEM;
	if (r == 0 && !ret->why &&
	    asprintf(&ret->why, ch.status ? "semanage boolean -l failed (exit %d)" : "semanage boolean -l does not list "
						    "it", ch.status) < 0)
		return -ENOMEM;
	r = local_value(run, m, name, &local);
	if (r == -ENOMEM)
		return r;
	ret->value = r;
	if (r >= 0 && asprintf(&ret->src, "%s (semanage: %s)", local, ret->why) < 0)
		return -ENOMEM;
	return 0;
}

/* One boolean: the accounts on its file systems, and its value when any are. */
static int check_boolean(struct run *run, const struct mac_state *m, const struct netmounts *mounts, unsigned b)
{
	const struct accounts *a = &run->model.accounts;
	_cleanup_strv_free_ char **users = NULL, **where = NULL;
	size_t n_users = 0;
	int r;

	for (size_t i = 0; i < a->passwd.n_entries; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		_cleanup_strv_free_ char **keys = NULL;
		if (accounts_user_by_name(a, pw->name) != pw || !accounts_key_login_possible(pw))
			continue;
		if ((r = keyfiles_paths(run->model.sshd, a, pw, &keys)) < 0)
			return r;
		const struct netmount *nm = netmount_of(mounts, pw->dir);
		const char *path = pw->dir;
		for (size_t k = 0; !(nm && nm->kind == home_booleans[b].kind) && keys && keys[k]; k++)
			nm = netmount_of(mounts, path = keys[k]);
		if (!nm || nm->kind != home_booleans[b].kind)
			continue;
		if (n_users++ < LISTED_MAX) {
			char *e = NULL;
			if (asprintf(&e, "%s: %s is on %s (%s %s, /etc/fstab)", pw->name, path, nm->where, nm->source,
				     nm->fstype) < 0 || strv_push(&where, e) < 0)
				return -ENOMEM;
			if (strv_push(&users, strdup(pw->name)) < 0)
				return -ENOMEM;
		}
	}
	if (n_users == 0)
		return 0;

	const char *name = home_booleans[b].boolean;
	_cleanup_(boolean_state_done) struct boolean_state st = {0};
	if ((r = read_boolean(run, m, name, &st)) < 0)
		return r;
	if (st.value == 1)
		return 0;
	_cleanup_free_ char *who = strv_join(users, ", ");
	if (!who)
		return -ENOMEM;
	if (st.value < 0)
		return model_note(&run->model, "selinux-booleans: the home or keys of %s%s on %s, and the next boot "
					       "enforces SELinux: whether %s is on was not read (%s); in the target: getsebool %s",
				  who, n_users > LISTED_MAX ? " and others are" : n_users > 1 ? " are" : " is",
				  home_booleans[b].what, name, st.why ? st.why : "?", name);
	struct finding *f = run_add_finding(run, &selinux_booleans_problems[PR_SELINUX_BOOLEAN_HOME], name, NULL);
	if (!f || finding_set_detail(f, "%zu account%s on %s (%s%s), and SELinux (enforcing) lets sshd read "
				     "them only when this boolean is on; it is off", n_users,
				     n_users == 1 ? "'s home or keys are" : "s' homes or keys are",
				     home_booleans[b].what, who, n_users > LISTED_MAX ? ", ..." : "") < 0 ||
	    finding_add_evidence(f, "%s: %s is off", st.src, name) < 0)
		return -ENOMEM;
	for (size_t i = 0; where && where[i]; i++)
		if (finding_add_evidence(f, "%s", where[i]) < 0)
			return -ENOMEM;
	for (size_t i = 0; m->selinux_evidence[i]; i++)
		if (finding_add_evidence(f, "%s", m->selinux_evidence[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int selinux_booleans_detect(struct run *run)
{
	const struct mac_state *m;
	const struct netmounts *mounts;
	int r;

	if ((r = mac_get(run, &m)) < 0)
		return r;
	if (m->mode != SELINUX_ENFORCING || !m->selinux_type)
		return 0;
	if ((r = netmounts_get(run, &mounts)) < 0)
		return r;
	for (unsigned b = 0; b < ELEMENTSOF(home_booleans) && r >= 0 && mounts->n > 0; b++)
		r = check_boolean(run, m, mounts, b);
	return r;
}

static int selinux_booleans_repair(struct run *run, struct finding *f)
{
	_cleanup_(semanage_changes_done) struct semanage_changes ch = {0};
	_cleanup_free_ char *manual = NULL;
	const char *const args[] = { "boolean", "-m", "-N", "--on", f->path, NULL };
	int r;

	if (asprintf(&manual, "setsebool -P %s on", f->path) < 0)
		return -ENOMEM;
	if ((r = semanage_run_repair(run, f, "/usr/sbin/semanage", args, manual, &ch)) < 0 ||
	    (r = semanage_plan_repair(run, f, &ch)) < 0)
		return r;
	return asprintf(&f->action, "%s switched on by the target's own semanage boolean -m -N --on, run on a copy of the "
				    "policy (%d files change: the local store and the compiled policy the next boot loads)",
			f->path, r) < 0 ? -ENOMEM : 0;
}

const struct fix fix_selinux_booleans = {
	.id = "selinux-booleans",
	.summary = "when homes or keys are on NFS or SMB and the next boot enforces SELinux, the boolean that lets sshd "
		   "read them is on",
	.rules = "RULES §9.1",
	.problems = selinux_booleans_problems,
	.detect = selinux_booleans_detect,
	.repair = selinux_booleans_repair,
};
