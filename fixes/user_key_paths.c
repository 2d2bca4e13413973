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
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fixes.h"
#include "run.h"
#include "strictmodes.h"
#include "util.h"

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
	{ PR_AUTHORIZED_KEYS_TILDE, "authorized-keys-tilde", SEV_WARNING, PF_REPORT_ONLY,
	  "AuthorizedKeysFile {path} names one account's file for every user",
	  "sshd expands a leading '~' once, when it reads its configuration, as root: "
	  "\"~/.ssh/authorized_keys\" becomes /root/.ssh/authorized_keys for every user, so users' own "
	  "keys are never read. Write %h/.ssh/authorized_keys instead. RULES §1.3" },
	{ .id = NULL },
};

/*
 * Directories outside the homes (/, /home, /etc/ssh/keys) are on every
 * user's walk; with 10,000 users, looking them up once keeps the scan
 * close to the cost of stat-ing each home once.  Only detection uses it.
 */
#define DIR_CACHE_MAX 16
struct dir_cache {
	char *path[DIR_CACHE_MAX];
	struct stat st[DIR_CACHE_MAX];
	int r[DIR_CACHE_MAX];
	size_t n;
};

static int cached_lstat(struct run *run, struct dir_cache *c, const char *path, struct stat *ret)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->path[i], path) == 0) {
			*ret = c->st[i];
			return c->r[i];
		}
	int r = target_lstat(run->target, path, ret);
	if (c->n < DIR_CACHE_MAX && (c->path[c->n] = strdup(path))) {
		c->st[c->n] = *ret;
		c->r[c->n++] = r;
	}
	return r;
}

static void dir_cache_done(struct dir_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->path[i]);
	c->n = 0;
}

/* Per-account facts shared by all of its keys files. */
struct user_ctx {
	const struct pw_entry *pw;
	gid_t *gids;
	size_t n_gids;
	char *home;		/* realpath of the home in the target, NULL when it does not resolve */
	bool debian;
	bool strict;		/* StrictModes yes */
	struct dir_cache *cache;	/* lstat of directories outside homes */
};

static bool already_found(const struct run *run, enum problem_code code, const char *path)
{
	for (size_t i = 0; i < run->n_findings; i++)
		if (run->findings[i].problem->code == code && streq_ptr(run->findings[i].path, path))
			return true;
	return false;
}

/* Expand %% %h %u %U (RULES §1.2); -EINVAL with *ret_bad naming an unknown token. */
static int expand_tokens(const char *pattern, const struct pw_entry *pw, char **ret, char *ret_bad)
{
	struct buf b = {0};

	for (const char *p = pattern; *p; p++) {
		if (*p != '%') {
			buf_putc(&b, *p);
			continue;
		}
		switch (p[1]) {
		case '%':
			buf_putc(&b, '%');
			break;
		case 'h':
			buf_puts(&b, pw->dir);
			break;
		case 'u':
			buf_puts(&b, pw->name);
			break;
		case 'U':
			buf_printf(&b, "%u", (unsigned) pw->uid);
			break;
		default:
			*ret_bad = p[1];
			buf_done(&b);
			return -EINVAL;
		}
		p++;
	}
	*ret = buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

/*
 * sshd expands a leading '~' when it parses the option, as itself (root):
 * "~/x" is root's home for everybody, "~name/x" that user's (RULES §1.3).
 * Returns the account whose home it is, or NULL (sshd fails on that too).
 */
static const struct pw_entry *tilde_owner(const struct accounts *a, const char *s)
{
	const char *slash = strchrnul(s, '/');
	_cleanup_free_ char *name = NULL;

	if (slash == s + 1)
		return accounts_user_by_uid(a, 0);
	name = strndup(s + 1, (size_t) (slash - s - 1));
	return name ? accounts_user_by_name(a, name) : NULL;
}

static const char *describe_bad(unsigned bad, bool searchable, bool is_file, char *buf, size_t n,
				const struct stat *st)
{
	char m[8];

	if (bad & SM_BAD_OWNER)
		snprintf(buf, n, "is owned by uid %u (mode %s)", (unsigned) st->st_uid, mode_str(st->st_mode, m));
	else if (bad & (SM_GROUP_WRITABLE | SM_OTHER_WRITABLE))
		snprintf(buf, n, "is writable by %s (mode %s)",
			 (bad & SM_GROUP_WRITABLE) && (bad & SM_OTHER_WRITABLE) ? "group and others"
			 : (bad & SM_GROUP_WRITABLE)			    ? "group"
									    : "others",
			 mode_str(st->st_mode, m));
	else if (!searchable)
		snprintf(buf, n, "cannot be %s by the user (mode %s, owner %u:%u)", is_file ? "read" : "entered",
			 mode_str(st->st_mode, m), (unsigned) st->st_uid, (unsigned) st->st_gid);
	else
		snprintf(buf, n, "is refused");
	return buf;
}

/*
 * The repair for a path inside the home (RULES §1.11).  The keys file and
 * ~/.ssh get the canonical 0600/0700 user:group; any other directory keeps
 * its mode minus the write bits sshd objects to, and is made the user's when
 * another user owns it or the user cannot enter it.
 */
static struct perms_want want_inside_home(const struct accounts *a, const struct user_ctx *u, const char *path,
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

static int add_path_finding(struct run *run, enum problem_code code, const struct user_ctx *u, const char *path,
			    const struct stat *st, const char *detail, struct perms_want want)
{
	struct finding *f;
	char m[8];

	if (already_found(run, code, path))
		return 0;
	f = run_add_finding(run, code, path, u->pw->name);
	if (!f)
		return -ENOMEM;
	f->want = want;
	if (finding_set_detail(f, "%s", detail) < 0 ||
	    finding_add_evidence(f, "%s: mode %s, owner %u:%u, %lu link(s)", path, mode_str(st->st_mode, m),
				 (unsigned) st->st_uid, (unsigned) st->st_gid, (unsigned long) st->st_nlink) < 0)
		return -ENOMEM;
	return 0;
}

/* Does a POSIX ACL decide access here?  Then the mode bits do not tell. */
static bool has_acl(struct run *run, const char *path)
{
	_cleanup_close_ int fd = target_open_inode(run->target, path, TR_NO_SYMLINKS, NULL);
	char c;

	if (fd < 0)
		return false;
	return fgetxattr(fd, "system.posix_acl_access", &c, 0) >= 0;
}

/*
 * Check one component of the walk; `file` for the keys file itself, whose
 * stat the resolution already has (known).  Outside the home, stats come
 * from the run's directory cache.
 */
static int check_component(struct run *run, const struct user_ctx *u, const char *path, bool file, bool inside,
			   const struct stat *known)
{
	struct stat st;
	char buf[160];
	unsigned bad = 0;
	bool usable;
	int r;

	if (known)
		st = *known, r = 0;
	else if (!inside)
		r = cached_lstat(run, u->cache, path, &st);
	else
		r = target_lstat(run->target, path, &st);
	if (r < 0)
		return r == -ENOMEM ? r : 0;	/* gone since we resolved it; the next run sees */

	if (u->strict)
		bad = strictmodes_check(&run->model.accounts, u->pw, &st, u->debian);
	usable = strictmodes_user_can(u->pw, u->gids, u->n_gids, &st, file ? R_OK : X_OK) || has_acl(run, path);
	if (!bad && usable)
		return 0;

	describe_bad(bad, usable, file, buf, sizeof(buf), &st);
	if (file && S_ISREG(st.st_mode) && st.st_nlink > 1) {
		snprintf(buf, sizeof(buf), "%lu", (unsigned long) st.st_nlink);
		return add_path_finding(run, PR_AUTHORIZED_KEYS_HARDLINKED, u, path, &st, buf, PERMS_KEEP);
	}
	if (!inside)
		return file ? add_path_finding(run, PR_AUTHORIZED_KEYS_PERMS, u, path, &st, buf,
					       want_outside_home(&st, bad, usable))
			    : add_path_finding(run, PR_KEY_PATH_SYSTEM_DIR, u, path, &st, buf, PERMS_KEEP);
	enum problem_code code = file ? PR_AUTHORIZED_KEYS_PERMS
			       : strcmp(path, u->home) == 0 ? PR_HOME_PERMS
							    : PR_KEY_DIR_PERMS;
	return add_path_finding(run, code, u, path, &st, buf, want_inside_home(&run->model.accounts, u, path, &st, bad, usable, file));
}

/*
 * Walk as safe_path() does (RULES §1.6): the file, then each directory up
 * to and including the home, or up to "/" for keys outside it.  Directories
 * above the home are still walked for searchability, since sshd opens the
 * file as the user.
 */
static int check_keys_file(struct run *run, const struct user_ctx *u, const char *configured)
{
	struct target_path tp = {0};
	_cleanup_free_ char *dir = NULL;
	bool inside;
	int r;

	r = target_resolve(run->target, configured, 0, &tp, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : 0;	/* no keys there */

	inside = u->home && strcmp(u->home, "/") != 0 && path_is_below(tp.canon, u->home);
	if (tp.user_symlink && !inside) {
		struct finding *f;
		if (!already_found(run, PR_KEY_PATH_USER_SYMLINK, tp.user_symlink_path)) {
			f = run_add_finding(run, PR_KEY_PATH_USER_SYMLINK, tp.user_symlink_path, u->pw->name);
			if (!f || finding_set_detail(f, "to %s, outside the home", tp.canon) < 0) {
				target_path_done(&tp);
				return -ENOMEM;
			}
		}
		target_path_done(&tp);
		return 0;
	}
	if (!S_ISREG(tp.st.st_mode)) {
		struct finding *f = run_add_finding(run, PR_AUTHORIZED_KEYS_NOT_REGULAR, tp.canon, u->pw->name);
		r = !f || finding_set_detail(f, "%s", S_ISDIR(tp.st.st_mode) ? "a directory" : "a special file") < 0
			    ? -ENOMEM
			    : 0;
		target_path_done(&tp);
		return r;
	}

	r = check_component(run, u, tp.canon, true, inside, &tp.st);
	dir = path_parent(tp.canon);
	target_path_done(&tp);
	if (!dir)
		return -ENOMEM;
	/* From the file's directory up to "/", checking StrictModes only up to the home. */
	bool past_home = !inside;
	while (r == 0) {
		bool is_home = u->home && strcmp(dir, u->home) == 0;
		bool in = inside && !past_home;
		if (past_home && inside) {
			/* Above the home sshd only needs to get through. */
			struct stat st;
			if (cached_lstat(run, u->cache, dir, &st) == 0 &&
			    !strictmodes_user_can(u->pw, u->gids, u->n_gids, &st, X_OK) && !has_acl(run, dir)) {
				char buf[160];
				describe_bad(0, false, false, buf, sizeof(buf), &st);
				r = add_path_finding(run, PR_KEY_PATH_SYSTEM_DIR, u, dir, &st, buf, PERMS_KEEP);
			}
		} else
			r = check_component(run, u, dir, false, in && strcmp(dir, "/") != 0 && strcmp(dir, "/home") != 0,
					    NULL);
		if (is_home)
			past_home = true;
		if (strcmp(dir, "/") == 0)
			break;
		char *up = path_parent(dir);
		if (!up)
			return -ENOMEM;
		free(dir);
		dir = up;
	}
	return r;
}

/* AuthorizedKeysFile as sshd uses it: the first line outside Match, or the default. */
static int keys_file_patterns(const struct run *run, char ***ret)
{
	const struct sshd_option *o = sshd_config_first(run->model.sshd, "AuthorizedKeysFile");
	_cleanup_strv_free_ char **v = NULL;

	if (!o) {
		if (strv_push(&v, strdup(".ssh/authorized_keys")) < 0 ||
		    strv_push(&v, strdup(".ssh/authorized_keys2")) < 0)
			return -ENOMEM;
	} else {
		for (size_t i = 0; o->args[i]; i++) {
			if (strcasecmp(o->args[i], "none") == 0)
				continue;
			if (strv_push(&v, strdup(o->args[i])) < 0)
				return -ENOMEM;
		}
	}
	if (!v && !(v = calloc(1, sizeof(char *))))
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

static bool strict_modes(const struct run *run)
{
	const struct sshd_option *o = sshd_config_first(run->model.sshd, "StrictModes");

	return !o || strcasecmp(o->args[0], "no") != 0;
}

static int check_user(struct run *run, const struct pw_entry *pw, char **patterns, bool strict,
		      struct dir_cache *cache)
{
	struct user_ctx u = {
		.pw = pw, .debian = run->target->facts.sshd_debian_patches, .strict = strict, .cache = cache,
	};
	struct target_path home = {0};
	int r = 0;

	if (!pw->dir || pw->dir[0] != '/')
		return 0;
	if (target_resolve(run->target, pw->dir, 0, &home, NULL) == 0 && S_ISDIR(home.st.st_mode))
		u.home = TAKE_PTR(home.canon);
	target_path_done(&home);
	r = accounts_user_gids(&run->model.accounts, pw, &u.gids, &u.n_gids);

	for (size_t i = 0; r == 0 && patterns[i]; i++) {
		_cleanup_free_ char *expanded = NULL, *abs = NULL;
		const char *pattern = patterns[i];
		char bad = 0;

		/* "~/x" is one account's file: examine it for that account only. */
		if (pattern[0] == '~') {
			const struct pw_entry *owner = tilde_owner(&run->model.accounts, pattern);
			if (owner != pw)
				continue;
			pattern = strchrnul(pattern, '/');
			if (*pattern == '/')
				pattern++;
		}
		r = expand_tokens(pattern, pw, &expanded, &bad);
		if (r == -EINVAL) {
			struct finding *f;
			r = 0;
			if (already_found(run, PR_AUTHORIZED_KEYS_UNKNOWN_TOKEN, patterns[i]))
				continue;
			f = run_add_finding(run, PR_AUTHORIZED_KEYS_UNKNOWN_TOKEN, patterns[i], NULL);
			if (!f || finding_set_detail(f, "%%%c", bad ? bad : '?') < 0)
				r = -ENOMEM;
			continue;
		}
		if (r < 0)
			break;
		/* Relative after expansion: below the home (RULES §1.2). */
		abs = expanded[0] == '/' ? strdup(expanded) : path_join(pw->dir, expanded);
		if (!abs) {
			r = -ENOMEM;
			break;
		}
		r = check_keys_file(run, &u, abs);
	}
	free(u.gids);
	free(u.home);
	return r;
}

static int user_key_paths_detect(struct run *run)
{
	const struct accounts *a = &run->model.accounts;
	_cleanup_strv_free_ char **patterns = NULL;
	struct dir_cache cache = {0};
	bool strict = strict_modes(run);
	int r = 0;

	if (!a->passwd.present)
		return 0;	/* account-db reports it */
	r = keys_file_patterns(run, &patterns);
	if (r < 0)
		return r;
	for (size_t i = 0; patterns[i]; i++)
		if (patterns[i][0] == '~' && !run_add_finding(run, PR_AUTHORIZED_KEYS_TILDE, patterns[i], NULL))
			return -ENOMEM;
	for (size_t i = 0; i < a->passwd.n_entries; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		/* A duplicate name is shadowed by the first entry, as for getpwnam(). */
		if (accounts_user_by_name(a, pw->name) != pw)
			continue;
		r = check_user(run, pw, patterns, strict, &cache);
		if (r < 0)
			break;
	}
	dir_cache_done(&cache);
	return r;
}

const struct fix fix_user_key_paths = {
	.id = "user-key-paths",
	.summary = "StrictModes owners and modes from each authorized keys file up to the home",
	.rules = "RULES §1.2-1.8, §1.11",
	.problems = user_key_paths_problems,
	.detect = user_key_paths_detect,
	.repair = fix_repair_perms,
};
