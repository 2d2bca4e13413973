/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * user-key-paths: what sshd's StrictModes checks before it reads a user's
 * authorized keys (RULES §1.2-1.8, §1.11).
 *
 * For every account whose AuthorizedKeysFile exists, sshd resolves the real
 * path R of the file and H of the home, then refuses the file when R, or
 * any directory from R up to H (or up to "/" when R lies outside H), is
 * owned by someone other than root or the user, or is group/other-writable
 * (Debian: group-writable is fine when the group holds only the user).  It
 * also opens the file as the user, so every directory needs x and the file
 * r for that user.  The repair follows RULES §1.11: the home owned by the
 * user (or root) and not writable by others; ~/.ssh 0700 and the keys file
 * 0600, owned by the user and the user's primary group (not uid:uid).
 * Nothing outside the home is changed: directories above it (/home itself)
 * and anything reached through a user's symlink are reported only.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_edit.h"
#include "fixes.h"
#include "keyfiles.h"
#include "keywalk.h"
#include "run.h"
#include "strictmodes.h"
#include "util.h"

/* This family's problems: each code is its row's index in user_key_paths_problems[]. */
enum problem_code {
	PR_HOME_PERMS,
	PR_KEY_DIR_PERMS,
	PR_AUTHORIZED_KEYS_PERMS,
	PR_KEY_PATH_SYSTEM_DIR,
	PR_KEY_PATH_USER_SYMLINK,
	PR_AUTHORIZED_KEYS_HARDLINKED,
	PR_AUTHORIZED_KEYS_NOT_REGULAR,
	PR_AUTHORIZED_KEYS_UNKNOWN_TOKEN,
	PR_AUTHORIZED_KEYS_TILDE,
	PR_KEYS_COMMAND_UNSAFE,
};

static const struct problem user_key_paths_problems[] = {
	{ PR_HOME_PERMS, "home-perms", SEV_ERROR, PF_SAFE_AUTO,
	  "home directory {path} of {user} {detail}",
	  "sshd refuses the user's authorized keys when the home directory is owned by another "
	  "user or writable by group or others (\"Authentication refused: bad ownership or modes "
	  "for directory\"), and cannot read them when the user cannot enter it. RULES §1.6, §1.5" },
	{ PR_KEY_DIR_PERMS, "key-dir-perms", SEV_ERROR, PF_SAFE_AUTO,
	  "directory {path} of {user} {detail}",
	  "Every directory between the keys file and the home must be owned by the user or root "
	  "and not writable by group or others, and the user must be able to enter it. RULES §1.6, §1.11" },
	{ PR_AUTHORIZED_KEYS_PERMS, "authorized-keys-perms", SEV_ERROR, PF_SAFE_AUTO,
	  "authorized keys file {path} of {user} {detail}",
	  "sshd refuses a keys file owned by another user or writable by group or others "
	  "(\"bad ownership or modes for file\"), and skips one the user cannot read "
	  "(\"Could not open user ... authorized keys ... Permission denied\"). RULES §1.5, §1.6" },
	{ PR_KEY_PATH_SYSTEM_DIR, "key-path-system-dir", SEV_ERROR, PF_REPORT_ONLY,
	  "system directory {path} on the way to {user}'s keys {detail}",
	  "Directories outside the home are shared by every user; sshfix does not change them. "
	  "sshd checks them only for keys kept outside the home, and needs every one searchable "
	  "by the user. RULES §1.6-1.7" },
	{ PR_KEY_PATH_USER_SYMLINK, "key-path-user-symlink", SEV_ERROR, PF_REPORT_ONLY,
	  "{user}'s keys are reached through the user's symlink {path} {detail}",
	  "sshd checks the real path of the keys file; a user's symlink that leads out of the home "
	  "makes it check directories such as /tmp and refuse the keys. sshfix never follows a "
	  "symlink a user could have planted. Move the keys into the home. RULES §1.7" },
	{ PR_AUTHORIZED_KEYS_HARDLINKED, "authorized-keys-hardlinked", SEV_ERROR, PF_REPORT_ONLY,
	  "authorized keys file {path} of {user} has {detail} hard links; not changing it",
	  "A keys file with several names may be another file (say /etc/shadow) linked into the "
	  "home; changing its owner would hand that file to the user. Replace the link with a copy." },
	{ PR_AUTHORIZED_KEYS_NOT_REGULAR, "authorized-keys-not-regular", SEV_ERROR, PF_REPORT_ONLY,
	  "authorized keys file {path} of {user} is not a regular file ({detail})",
	  "sshd logs \"... is not a regular file\" and skips it. RULES §1.5" },
	{ PR_AUTHORIZED_KEYS_UNKNOWN_TOKEN, "authorized-keys-unknown-token", SEV_ERROR, PF_REPORT_ONLY,
	  "AuthorizedKeysFile {path} has an unknown token {detail}",
	  "Only %%, %h, %u and %U are expanded; sshd -t accepts others, but the expansion fails at "
	  "login time and the connection is dropped. RULES §1.2, §1.4" },
	{ PR_AUTHORIZED_KEYS_TILDE, "authorized-keys-tilde", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "AuthorizedKeysFile {detail} ({path} line {line}) names root's file for every user",
	  "sshd expands a leading '~' once, when it reads its configuration, as root: "
	  "\"~/.ssh/authorized_keys\" becomes /root/.ssh/authorized_keys for every user, so users' own "
	  "keys are never read (and root's keys open every account). The repair writes %h/ for ~/, "
	  "each user's own home; it asks first, because it changes which keys open which account. "
	  "RULES §1.3" },
	{ PR_KEYS_COMMAND_UNSAFE, "keys-command-unsafe", SEV_ERROR, PF_REPORT_ONLY,
	  "AuthorizedKeysCommand {detail} ({path} line {line}) is never run",
	  "sshd runs AuthorizedKeysCommand only from an absolute path whose program and every "
	  "directory up to / belong to root and are not writable by group or others; otherwise it "
	  "logs \"Unsafe AuthorizedKeysCommand\" and no key comes from it. sshfix does not change "
	  "system directories: fix the owner or mode the evidence names. RULES §1.10" },
	{ .id = NULL },
};

static bool already_found(const struct run *run, enum problem_code code, const char *path)
{
	for (size_t i = 0; i < run->n_findings; i++)
		if (run->findings[i]->problem == &user_key_paths_problems[code] && streq_ptr(run->findings[i]->path, path))
			return true;
	return false;
}

/*
 * The repair for a path inside the home (RULES §1.11).  The keys file and
 * ~/.ssh get the canonical 0600/0700 user:group; any other directory keeps
 * its mode minus the write bits sshd objects to, and is made the user's when
 * another user owns it or the user cannot enter it.
 */
static struct perms_want want_inside_home(const struct accounts *a, const struct keywalk_user *u, const char *path,
					  const struct stat *st, unsigned bad, bool usable, bool is_file)
{
	struct perms_want w = { .mode = st->st_mode & 07777, .uid = st->st_uid, .gid = st->st_gid };

	if (is_file)
		return (struct perms_want) { .mode = 0600, .uid = u->pw->uid, .gid = u->pw->gid };
	if (strcmp(path_last(path), ".ssh") == 0 && strcmp(path, u->home) != 0)
		return (struct perms_want) { .mode = 0700, .uid = u->pw->uid, .gid = u->pw->gid };

	if ((bad & SM_BAD_OWNER) || !usable) {
		w.uid = u->pw->uid;
		w.gid = u->pw->gid;
	}
	if (bad & SM_OTHER_WRITABLE)
		w.mode &= ~(mode_t) S_IWOTH;
	if (bad & SM_GROUP_WRITABLE) {
		/* Debian: once the directory is the user's, g+w is fine if the
		 * new group is private to the user; keep the change smallest. */
		struct stat after = *st;
		after.st_uid = w.uid;
		after.st_gid = w.gid;
		if (!(u->debian && (bad & SM_BAD_OWNER) && strictmodes_group_is_private(a, u->pw, &after)))
			w.mode &= ~(mode_t) S_IWGRP;
	}
	if (w.uid == u->pw->uid)
		w.mode |= S_IRWXU;
	return w;
}

/*
 * A keys file outside the home may serve several users (AuthorizedKeysFile
 * /etc/ssh/authorized_keys), so it is never given to one of them: another
 * owner becomes root, the write bits sshd objects to go, and a file the
 * user cannot read becomes world-readable (public keys are not secret).
 */
static struct perms_want want_outside_home(const struct stat *st, unsigned bad, bool usable)
{
	struct perms_want w = { .mode = st->st_mode & 07777, .uid = st->st_uid, .gid = st->st_gid };

	if (bad & SM_BAD_OWNER) {
		w.uid = 0;
		w.gid = 0;
	}
	if (bad & SM_OTHER_WRITABLE)
		w.mode &= ~(mode_t) S_IWOTH;
	if (bad & SM_GROUP_WRITABLE)
		w.mode &= ~(mode_t) S_IWGRP;
	if (!usable || (bad & SM_BAD_OWNER))
		w.mode |= S_IRUSR | S_IRGRP | S_IROTH;
	return w;
}

static int add_path_finding(struct run *run, enum problem_code code, const struct keywalk_user *u, const char *path,
			    const struct stat *st, const char *detail, struct perms_want want)
{
	struct finding *f;
	char m[8];

	if (already_found(run, code, path))
		return 0;
	f = run_add_finding(run, &user_key_paths_problems[code], path, u->pw->name);
	if (!f)
		return -ENOMEM;
	f->want = want;
	if (finding_set_detail(f, "%s", detail) < 0 ||
	    finding_add_evidence(f, "%s: mode %s, owner %u:%u, %lu link(s)", path, mode_str(st->st_mode, m),
				 (unsigned) st->st_uid, (unsigned) st->st_gid, (unsigned long) st->st_nlink) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * One problem on the walk from a keys file up to the home (keywalk_file(),
 * RULES §1.6), as a finding with the repair RULES §1.11 asks for.
 */
static int report_problem(void *userdata, const struct keywalk_user *u, const struct keywalk_problem *p)
{
	struct run *run = userdata;
	struct finding *f;
	char buf[160];

	switch (p->what) {
	case KW_USER_SYMLINK:
		if (already_found(run, PR_KEY_PATH_USER_SYMLINK, p->path))
			return 0;
		f = run_add_finding(run, &user_key_paths_problems[PR_KEY_PATH_USER_SYMLINK], p->path, u->pw->name);
		if (!f || finding_set_detail(f, "to %s, outside the home", p->target) < 0)
			return -ENOMEM;
		return 0;
	case KW_NOT_REGULAR:
		f = run_add_finding(run, &user_key_paths_problems[PR_AUTHORIZED_KEYS_NOT_REGULAR], p->path, u->pw->name);
		return !f || finding_set_detail(f, "%s", S_ISDIR(p->st->st_mode) ? "a directory" : "a special file") < 0
			       ? -ENOMEM
			       : 0;
	case KW_REFUSED:
		break;
	}

	const struct stat *st = p->st;
	keywalk_describe(p, buf, sizeof(buf));
	if (p->is_file && S_ISREG(st->st_mode) && st->st_nlink > 1) {
		snprintf(buf, sizeof(buf), "%lu", (unsigned long) st->st_nlink);
		return add_path_finding(run, PR_AUTHORIZED_KEYS_HARDLINKED, u, p->path, st, buf, PERMS_KEEP);
	}
	if (!p->inside)
		return p->is_file ? add_path_finding(run, PR_AUTHORIZED_KEYS_PERMS, u, p->path, st, buf,
						     want_outside_home(st, p->bad, p->usable))
				  : add_path_finding(run, PR_KEY_PATH_SYSTEM_DIR, u, p->path, st, buf, PERMS_KEEP);
	enum problem_code code = p->is_file ? PR_AUTHORIZED_KEYS_PERMS
			       : strcmp(p->path, u->home) == 0 ? PR_HOME_PERMS
							       : PR_KEY_DIR_PERMS;
	return add_path_finding(run, code, u, p->path, st, buf,
				want_inside_home(&run->model.accounts, u, p->path, st, p->bad, p->usable, p->is_file));
}

static bool strict_modes(const struct run *run)
{
	const struct sshd_option *o = sshd_config_first(run->model.sshd, "StrictModes");

	return !o || strcasecmp(o->args[0], "no") != 0;
}

static int check_user(struct run *run, const struct pw_entry *pw, char **patterns, bool strict,
		      struct keywalk_cache *cache)
{
	struct keywalk_user u;
	int r = 0;

	if (!pw->dir || pw->dir[0] != '/')
		return 0;
	r = keywalk_user_init(run->target, &run->model.accounts, pw, strict, run->target->facts.sshd_debian_patches,
			      cache, &u);
	if (r < 0)
		return r;

	for (size_t i = 0; r == 0 && patterns[i]; i++) {
		_cleanup_free_ char *abs = NULL;
		char bad = 0;

		/* A "~/x" pattern is examined for the account it names only. */
		r = keyfiles_path(&run->model.accounts, patterns[i], pw, &abs, &bad);
		if (r == 1) {
			r = 0;
			continue;
		}
		if (r == -EINVAL) {
			struct finding *f;
			r = 0;
			if (already_found(run, PR_AUTHORIZED_KEYS_UNKNOWN_TOKEN, patterns[i]))
				continue;
			f = run_add_finding(run, &user_key_paths_problems[PR_AUTHORIZED_KEYS_UNKNOWN_TOKEN], patterns[i], NULL);
			if (!f || finding_set_detail(f, "%%%c", bad ? bad : '?') < 0)
				r = -ENOMEM;
			continue;
		}
		if (r < 0)
			break;
		bool exists;
		r = keywalk_file(run->target, &run->model.accounts, &u, abs, report_problem, run, &exists);
		if (r == 0)
			r = keyfiles_seen_note(&run->model, pw, patterns[i], exists);
	}
	keywalk_user_done(&u);
	return r;
}

/*
 * AuthorizedKeysFile ~/... (RULES §1.3): the line that sshd uses (the
 * first), with every '~' word named.
 */
static int tilde_detect(struct run *run)
{
	const struct sshd_option *o = sshd_config_first(run->model.sshd, "AuthorizedKeysFile");
	struct buf words = {0};
	struct finding *f;

	if (!o)
		return 0;
	for (size_t i = 0; o->args[i]; i++)
		if (o->args[i][0] == '~') {
			if (words.len)
				buf_putc(&words, ' ');
			buf_puts(&words, o->args[i]);
		}
	if (!buf_ok(&words) || words.len == 0) {
		int r = buf_ok(&words) ? 0 : -ENOMEM;
		buf_done(&words);
		return r;
	}
	f = run_add_finding(run, &user_key_paths_problems[PR_AUTHORIZED_KEYS_TILDE], o->file, NULL);
	int r = f ? finding_set_detail(f, "%s", words.data) : -ENOMEM;
	if (f)
		f->line = o->line;
	buf_done(&words);
	return r;
}

/* AuthorizedKeysCommand that sshd refuses to run (RULES §1.10). */
static int keys_command_detect(struct run *run)
{
	const struct sshd_option *o = sshd_config_first(run->model.sshd, "AuthorizedKeysCommand");
	_cleanup_free_ char *why = NULL;
	struct finding *f;
	int r;

	if (!o || !o->args[0] || strcasecmp(o->args[0], "none") == 0)
		return 0;
	r = keywalk_command_refused(run->target, &run->model.accounts, run->target->facts.sshd_debian_patches,
				    o->args[0], &why);
	if (r <= 0)
		return r;
	f = run_add_finding(run, &user_key_paths_problems[PR_KEYS_COMMAND_UNSAFE], o->file, NULL);
	if (!f)
		return -ENOMEM;
	f->line = o->line;
	if (finding_set_detail(f, "%s", o->args[0]) < 0 || finding_add_evidence(f, "%s", why) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * The AuthorizedKeysFile line with each "~/" as "%h/".  -ECANCELED (and
 * why) when there is nothing sshfix should rewrite.
 */
static int tilde_line(const struct sshd_option *o, char **ret, const char **ret_why)
{
	struct buf b = {0};
	bool changed = false;

	buf_puts(&b, o->keyword);
	for (size_t i = 0; o->args[i]; i++) {
		const char *w = o->args[i];
		if (w[strcspn(w, " \t\"'#")] != '\0') {
			buf_done(&b);
			*ret_why = "a word of the line needs quoting; edit it by hand";
			return -ECANCELED;
		}
		buf_putc(&b, ' ');
		if (w[0] == '~' && w[1] == '/') {
			buf_puts(&b, "%h");
			w++;
			changed = true;
		}
		buf_puts(&b, w);
	}
	if (!changed) {
		/* ~user/...: one named account's file, perhaps meant for everyone. */
		buf_done(&b);
		*ret_why = "only ~user/ words: that account's file may be meant for everyone; sshfix does not guess";
		return -ECANCELED;
	}
	*ret = buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

static int user_key_paths_repair(struct run *run, struct finding *f)
{
	const struct sshd_option *o;
	_cleanup_free_ char *line = NULL;
	const char *why = NULL;
	int r;

	if (f->problem->code != PR_AUTHORIZED_KEYS_TILDE)
		return fix_repair_perms(run, f);
	o = sshd_config_first(run->model.sshd, "AuthorizedKeysFile");
	if (!o || !streq_ptr(o->file, f->path) || o->line != f->line)
		return -ESTALE;
	r = tilde_line(o, &line, &why);
	if (r == -ECANCELED)
		f->status_reason = strdup(why);
	if (r < 0)
		return r;
	if (asprintf(&f->action, "replace line %u with \"%s\"", f->line, line) < 0)
		return -ENOMEM;
	return config_replace_line(run->target, run->journal, f->path, f->line, line);
}

static int user_key_paths_detect(struct run *run)
{
	const struct accounts *a = &run->model.accounts;
	_cleanup_(keyfiles_set_done) struct keyfiles_set set = {0};
	struct keywalk_cache cache = {0};
	bool strict = strict_modes(run);
	int r = 0;

	if (!a->passwd.present)
		return 0;	/* account-db reports it */
	r = keyfiles_set_init(&set, run->model.sshd, a);
	if (r < 0)
		return r;
	r = tilde_detect(run);
	if (r == 0)
		r = keys_command_detect(run);
	if (r < 0)
		return r;
	for (size_t i = 0; i < a->passwd.n_entries; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		/* A duplicate name is shadowed by the first entry: a lookup by name finds that one. */
		char **patterns;
		if (accounts_user_by_name(a, pw->name) != pw)
			continue;
		r = keyfiles_set_for(&set, pw, &patterns);
		if (r == 0)
			r = check_user(run, pw, patterns, strict, &cache);
		if (r < 0)
			break;
	}
	keywalk_cache_done(&cache);
	return r;
}

const struct fix fix_user_key_paths = {
	.id = "user-key-paths",
	.summary = "StrictModes owners and modes from each authorized keys file up to the home",
	.rules = "RULES §1.2-1.8, §1.11",
	.problems = user_key_paths_problems,
	.detect = user_key_paths_detect,
	.subject = fix_subject_keys_owner,
	.repair = user_key_paths_repair,
};
