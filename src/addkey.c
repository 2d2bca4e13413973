/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sshfix --add-key (see addkey.h and sshfix(8) ADDING A KEY).
 *
 * Where the key goes: the first AuthorizedKeysFile entry that is the user's
 * own file (src/keyfiles.c; a "~/..." entry names root's file for everyone,
 * RULES §1.3, and is never written for another user).  Inside the home,
 * missing directories are created 0700 and a new keys file 0600, owned by
 * the user and the user's primary group, from the target's own passwd; an
 * existing file keeps its mode, owner and extended attributes.  Outside the
 * home nothing but the file itself is created (root:root 0644, readable by
 * the user sshd reads it as); a missing directory there is the admin's call.
 * A symlink the user could have planted is never followed out of the home;
 * a hard-linked keys file is never changed (the journal refuses it too).
 *
 * SELinux (RULES §9.2, §9.5): a new ~/.ssh or keys file gets the label of a
 * file already in ~/.ssh (or of ~/.ssh itself), else the context the
 * target's policy gives the path (file_contexts, .homedirs and .local,
 * after .subs_dist/.subs; literal specs first, then the last matching
 * regular expression), else the home's label with the type ssh_home_t.
 * Not done: constraint checks, the MLS range of a policy default that
 * differs per user (seusers), and media contexts; when the target uses
 * SELinux and no label can be found, the report says to run restorecon.
 *
 * The key is appended with a comment "sshfix added YYYY-MM-DD" (UTC, from
 * the clock, or SOURCE_DATE_EPOCH), after the key's own comment in
 * parentheses.  A key whose type and data are already in one of the user's
 * keys files is not added again.
 *
 * The run is the engine's (DESIGN §3), as for --apply: detection of the two
 * families that judge the user's keys (user-key-paths, keys-content), for
 * this user only; then the addition, a finding ("add-key") whose repair
 * plans the journal entries; the policy, which repairs that finding only
 * (the rest is reported, for sshfix --apply); apply, the undo record and
 * detection again; the exit status from the findings; the report, from
 * the findings (report_add_key()).  What is left here is what only adding
 * a key has: the key, where it goes, its labels.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "addkey.h"
#include "authkeys.h"
#include "engine.h"
#include "fix.h"
#include "fixes.h"
#include "keyfiles.h"
#include "keywalk.h"
#include "mac.h"
#include "report.h"
#include "strictmodes.h"
#include "util.h"

#define KEY_INPUT_MAX (1u << 20)

/* ---- the key ---- */

static void wipe_free(char *p, size_t n)
{
	if (p)
		explicit_bzero(p, n);
	free(p);
}

static void refusal(const char *marker, const char *where)
{
	fprintf(stderr,
		"sshfix: Refusing to add a private key (%s found in the %s). A private key must never be copied to a "
		"server; nothing was written anywhere. Give the public half instead: the .pub file next to it, or the "
		"output of ssh-keygen -y -f KEYFILE.\n",
		marker, where);
}

/* The key's type, fingerprint, comment and blob: the report names the key, the keys files are searched for its blob. */
static int key_parts(struct addkey_request *req)
{
	struct authkeys_line k;
	int r;

	r = authkeys_parse_line(req->line, strlen(req->line), &k);
	if (r < 0)
		return r;
	if (k.status != AK_KEY)
		return -EINVAL;
	r = authkeys_base64_decode(req->line + k.blob_start, k.blob_end - k.blob_start, &req->blob, &req->blob_len);
	if (r < 0)
		return r;
	req->type = k.type->name;
	req->fingerprint = authkeys_fingerprint(req->blob, req->blob_len);
	if (!req->fingerprint)
		return -ENOMEM;
	if (k.comment_end > k.comment_start &&
	    !(req->comment = strndup(req->line + k.comment_start, k.comment_end - k.comment_start)))
		return -ENOMEM;
	return 0;
}

unsigned addkey_prepare(char **words, size_t n_words, const char *file, const char *user, char **argv,
			struct addkey_request *ret)
{
	char *text = NULL;
	size_t len = 0;
	const char *why = NULL;
	char *line = NULL, *repairs = NULL;
	int r;

	*ret = (struct addkey_request) { .user = user };
	if (!user || !*user || strchr(user, ':') || strchr(user, '/') || strchr(user, '\n')) {
		fprintf(stderr, "sshfix: --add-key needs a user name, such as --add-key alice\n"
				"Try 'sshfix --help' for more information.\n");
		return EXIT_USAGE;
	}
	if (file) {
		_cleanup_close_ int fd = strcmp(file, "-") == 0 ? -EBADF : open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (strcmp(file, "-") != 0 && fd < 0) {
			_cleanup_free_ char *p = escape_display(file);
			fprintf(stderr, "sshfix: Failed to open the key file '%s': %s\n", p ? p : "?", strerror(errno));
			return EXIT_ERROR;
		}
		r = read_all(fd >= 0 ? fd : STDIN_FILENO, KEY_INPUT_MAX, &text, &len);
		if (r < 0) {
			_cleanup_free_ char *p = escape_display(file);
			fprintf(stderr, "sshfix: Failed to read the key file '%s': %s\n", p ? p : "?",
				r == -EFBIG ? "larger than 1 MiB, not a public key" : strerror(-r));
			return r == -EFBIG ? EXIT_USAGE : EXIT_ERROR;
		}
	} else {
		struct buf b = {0};
		for (size_t i = 0; i < n_words; i++) {
			if (i)
				buf_putc(&b, ' ');
			buf_puts(&b, words[i]);
		}
		if (!buf_ok(&b)) {
			wipe_free(b.data, b.cap);
			return EXIT_ERROR;
		}
		len = b.len;
		text = buf_steal(&b);
	}
	if (len == 0) {
		wipe_free(text, len);
		fprintf(stderr, "sshfix: --add-key %s needs the public key: as an argument (quote it) or with "
				"--key-file FILE\nTry 'sshfix --help' for more information.\n", user);
		return EXIT_USAGE;
	}
	r = authkeys_normalize_pasted(text, len, &line, &repairs, &why);
	/* Whatever it was, our copy goes now; a private key also leaves argv. */
	wipe_free(text, len);
	if (r == -EPERM) {
		for (size_t i = 0; i < n_words; i++) {
			for (size_t k = 0; argv && argv[k]; k++)
				if (argv[k] != words[i] && streq(argv[k], words[i]))
					explicit_bzero(argv[k], strlen(argv[k]));
			explicit_bzero(words[i], strlen(words[i]));
		}
		refusal(why, file ? "key file" : "key argument");
		return EXIT_USAGE;
	}
	if (r == -ENOMEM)
		return EXIT_ERROR;
	if (r < 0) {
		fprintf(stderr, "sshfix: The key given to --add-key is not a public key sshd can use: %s.\n"
				"Try 'sshfix --help' for more information.\n", why ? why : "not a key");
		return EXIT_USAGE;
	}
	ret->line = line;
	ret->repairs = repairs;
	r = key_parts(ret);
	return r < 0 ? EXIT_ERROR : 0;	/* -ENOMEM: the line is one key, checked above */
}

static char *join_argv(char **argv)
{
	struct buf b = {0};

	for (size_t k = 1; argv && argv[k]; k++) {
		if (k > 1)
			buf_putc(&b, ' ');
		buf_puts(&b, argv[k]);
	}
	if (!buf_ok(&b)) {
		wipe_free(b.data, b.cap);
		return NULL;
	}
	return buf_steal(&b);
}

bool addkey_argv_has_private_key(char **argv)
{
	char *all = join_argv(argv);
	bool found = all && authkeys_private_key_marker(all, strlen(all));

	if (all)
		wipe_free(all, strlen(all));
	return found;
}

unsigned addkey_refuse_private(char **argv)
{
	char *all = join_argv(argv);
	const char *marker = all ? authkeys_private_key_marker(all, strlen(all)) : NULL;

	refusal(marker ? marker : "a private key", "command line");
	if (all)
		wipe_free(all, strlen(all));
	for (size_t k = 1; argv && argv[k]; k++)
		explicit_bzero(argv[k], strlen(argv[k]));
	return EXIT_USAGE;
}

void addkey_request_done(struct addkey_request *r)
{
	if (r->line)
		wipe_free(r->line, strlen(r->line));
	free(r->repairs);
	free(r->fingerprint);
	free(r->comment);
	free(r->blob);
	*r = (struct addkey_request) {0};
}


/* "YYYY-MM-DD", UTC; SOURCE_DATE_EPOCH wins (reproducible tests, as privsep's shadow lines). */
static void today(char out[static 11])
{
	time_t now = (time_t) clock_now();
	struct tm tm;

	if (!gmtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "1970-01-01");
}


/* ---- SELinux labels ---- */

static int get_label(struct run *run, const char *path, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = target_open_inode(run->target, path, TR_NO_SYMLINKS, NULL);
	int r;

	if (fd < 0)
		return fd;
	r = mac_read_label(fd, ret, ret_len);
	return r == -ENOMEM ? r : r < 0 ? -ENODATA : 0;
}

/* SELINUX= (enforcing or permissive) and SELINUXTYPE= of the target's /etc/selinux/config (RULES §9.1). */
static bool selinux_config(struct run *run, char **ret_type)
{
	const struct mac_state *m;

	*ret_type = NULL;
	if (mac_get(run, &m) < 0)
		return false;
	*ret_type = strdup_or_null(m->selinux_type);
	return m->config_mode == SELINUX_ENFORCING || m->config_mode == SELINUX_PERMISSIVE;
}

struct labeller {
	char *sibling;		/* a label found in ~/.ssh */
	size_t sibling_len;
	char *sibling_from;
	bool selinux;		/* the target's config enables SELinux */
	char *policy_type;
	char *home_label;	/* the home's label */
	const char *how;	/* how the last label was found (static text) */
	char **notes;
};

static void labeller_done(struct labeller *l)
{
	free(l->sibling);
	free(l->sibling_from);
	free(l->policy_type);
	free(l->home_label);
	strv_free(l->notes);
}

static void labeller_init(struct run *run, const char *home, const char *ssh_dir, struct labeller *l)
{
	_cleanup_strv_free_ char **names = NULL;
	size_t len;

	*l = (struct labeller) {0};
	l->selinux = selinux_config(run, &l->policy_type);
	if (ssh_dir && target_list_dir(run->target, ssh_dir, &names) == 0)
		for (size_t i = 0; names[i] && !l->sibling; i++) {
			_cleanup_free_ char *p = path_join(ssh_dir, names[i]);
			if (p && get_label(run, p, &l->sibling, &l->sibling_len) == 0)
				l->sibling_from = TAKE_PTR(p);
		}
	if (ssh_dir && !l->sibling && get_label(run, ssh_dir, &l->sibling, &l->sibling_len) == 0)
		l->sibling_from = strdup(ssh_dir);
	if (home && get_label(run, home, &l->home_label, &len) < 0)
		l->home_label = NULL;
}

/* The label for a new path; 0 with *ret (value with its NUL), -ENOENT when none applies. */
static int label_for(struct run *run, struct labeller *l, const char *path, bool is_dir, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *c = NULL;

	if (l->sibling) {
		*ret = malloc(l->sibling_len);
		if (!*ret)
			return -ENOMEM;
		memcpy(*ret, l->sibling, l->sibling_len);
		*ret_len = l->sibling_len;
		l->how = "copied from a file already in ~/.ssh";
		return 0;
	}
	const char *ctx = NULL, *where = NULL;
	int r = l->selinux && l->policy_type ? mac_expected_label(run, path, is_dir ? S_IFDIR : S_IFREG, &ctx, &where)
					     : -ENOENT;
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		if (!(c = strdup(ctx)))
			return -ENOMEM;
		l->how = "from the target's SELinux policy (file_contexts)";
	} else if (l->home_label) {
		/* user:role:type[:range] -> user:role:ssh_home_t[:range] (RULES §9.2) */
		char *f1 = strchr(l->home_label, ':'), *f2 = f1 ? strchr(f1 + 1, ':') : NULL;
		if (!f2)
			return -ENOENT;
		char *f3 = strchr(f2 + 1, ':');
		if (asprintf(&c, "%.*s:ssh_home_t%s", (int) (f2 - l->home_label), l->home_label, f3 ? f3 : "") < 0)
			return -ENOMEM;
		l->how = "the home's label with the type ssh_home_t";
	} else
		return -ENOENT;
	*ret_len = strlen(c) + 1;	/* setfilecon() writes the NUL too */
	*ret = TAKE_PTR(c);
	return 0;
}

static int plan_label(struct run *run, struct labeller *l, const char *path, bool is_dir)
{
	_cleanup_free_ char *v = NULL;
	size_t n;
	int r = label_for(run, l, path, is_dir, &v, &n);

	if (r == -ENOENT) {
		if (l->selinux && !l->notes) {
			char *note;
			if (asprintf(&note, "the target uses SELinux but sshfix found no label for %s (nor what it creates "
					    "with it): after boot run restorecon -RF %s (or touch /.autorelabel before it)",
				     path, path) < 0)
				return -ENOMEM;
			return strv_push(&l->notes, note);
		}
		return 0;
	}
	if (r < 0)
		return r;
	r = journal_set_xattr(run->journal, path, "security.selinux", v, n);
	return r < 0 ? r : 0;
}

/* ---- where the key goes ---- */

/*
 * The addition: where the key goes and what its repair needs (the
 * finding's data), or, when there is nothing to repair, where the key is
 * already or why it cannot be added.
 */
struct addition {
	char *file;		/* canonical path of the keys file */
	unsigned line;		/* > 0: the key is on this line of file already */
	char *home;		/* canonical home, NULL when the file is outside it */
	char *ssh_dir;		/* the file's directory when it exists (label source) */
	char **mkdirs;		/* directories to create, in order */
	bool exists;
	uid_t uid;		/* the account's, from the target's passwd */
	gid_t gid;
	char *text;		/* the line to append: the key, its comment and sshfix's tag */
	char **notes;		/* labels that could not be found (the repair says them) */
	char *why;		/* why the key cannot be added */
};

static void addition_free(void *p)
{
	struct addition *d = p;

	if (!d)
		return;
	free(d->file);
	free(d->home);
	free(d->ssh_dir);
	strv_free(d->mkdirs);
	free(d->text);
	strv_free(d->notes);
	free(d->why);
	free(d);
}

static int fail(struct addition *d, const char *fmt, ...) _printf_(2, 3);
static int fail(struct addition *d, const char *fmt, ...)
{
	va_list ap;

	free(d->why);
	va_start(ap, fmt);
	if (vasprintf(&d->why, fmt, ap) < 0)
		d->why = NULL;
	va_end(ap);
	return -EINVAL;
}

/*
 * Follow path's components from the home, refusing what sshfix never
 * follows; fills d (directories to create, the file's canonical path).
 */
static int resolve_dest(struct run *run, const struct pw_entry *pw, const char *path, struct addition *d)
{
	struct target_path h = {0}, tp = {0};
	_cleanup_free_ char *cur = NULL;
	int r;

	if (target_resolve(run->target, pw->dir, 0, &h, NULL) < 0 || !S_ISDIR(h.st.st_mode)) {
		target_path_done(&h);
		return fail(d, "the home directory %s of %s does not exist (sshfix does not create homes)", pw->dir,
			    pw->name);
	}
	bool inside = !streq(h.canon, "/") && (path_is_below(path, pw->dir) || path_is_below(path, h.canon));
	if (inside) {
		/* Components below the home, one by one. */
		const char *rel = path + strlen(path_is_below(path, h.canon) ? h.canon : pw->dir);
		d->home = strdup(h.canon);
		cur = strdup(h.canon);
		target_path_done(&h);
		if (!cur || !d->home)
			return -ENOMEM;
		bool missing = false;
		while (*rel == '/')
			rel++;
		while (*rel) {
			size_t n = strcspn(rel, "/");
			_cleanup_free_ char *comp = strndup(rel, n), *next = NULL;
			rel += n;
			while (*rel == '/')
				rel++;
			bool last = *rel == '\0';
			if (!comp || !(next = path_join(cur, comp)))
				return -ENOMEM;
			if (streq(comp, ".") || streq(comp, ".."))
				return fail(d, "the keys file path %s has '.' or '..' in it", path);
			if (missing) {
				if (!last && strv_push(&d->mkdirs, strdup(next)) < 0)
					return -ENOMEM;
				free(cur);
				cur = TAKE_PTR(next);
				continue;
			}
			r = target_resolve(run->target, next, 0, &tp, NULL);
			if (r == -ENOENT) {
				struct stat st;
				if (target_lstat(run->target, next, &st) == 0) {
					target_path_done(&tp);
					return fail(d, "%s is a symlink that leads nowhere; not following it", next);
				}
				missing = true;
				if (!last && strv_push(&d->mkdirs, strdup(next)) < 0)
					return -ENOMEM;
				free(cur);
				cur = TAKE_PTR(next);
				continue;
			}
			if (r < 0) {
				target_path_done(&tp);
				return fail(d, "%s cannot be resolved: %s", next, strerror(-r));
			}
			if (tp.user_symlink) {
				int e = path_is_below(tp.canon, d->home)
						? fail(d, "%s is a symlink the user controls; sshfix never writes through one",
						       tp.user_symlink_path)
						: fail(d, "%s is a symlink to %s, outside the home; sshfix never follows a "
							  "symlink the user could have planted (key-path-user-symlink)",
						       tp.user_symlink_path, tp.canon);
				target_path_done(&tp);
				return e;
			}
			if (!last && !S_ISDIR(tp.st.st_mode)) {
				int e = fail(d, "%s is not a directory", tp.canon);
				target_path_done(&tp);
				return e;
			}
			if (last && !S_ISREG(tp.st.st_mode)) {
				int e = fail(d, "the keys file %s is not a regular file", tp.canon);
				target_path_done(&tp);
				return e;
			}
			if (last && tp.st.st_nlink > 1) {
				int e = fail(d, "the keys file %s has %lu hard links; sshfix never changes such a file "
						"(authorized-keys-hardlinked)",
					     tp.canon, (unsigned long) tp.st.st_nlink);
				target_path_done(&tp);
				return e;
			}
			d->exists = last;
			free(cur);
			cur = TAKE_PTR(tp.canon);
			target_path_done(&tp);
		}
		d->file = TAKE_PTR(cur);
		/* The file's directory, when it exists already: a label source. */
		d->ssh_dir = path_parent(d->file);
		if (!d->ssh_dir)
			return -ENOMEM;
		struct stat st;
		if (target_lstat(run->target, d->ssh_dir, &st) < 0) {
			free(d->ssh_dir);
			d->ssh_dir = NULL;
		}
		return 0;
	}
	target_path_done(&h);

	/* Outside the home: only the file itself may be created. */
	r = target_resolve(run->target, path, TR_MAY_NOT_EXIST, &tp, NULL);
	if (r < 0)
		return fail(d, "the directory of the keys file %s does not exist; sshfix does not create directories "
			       "outside the home", path);
	if (tp.user_symlink) {
		int e = fail(d, "the way to %s passes the user's symlink %s; not following it", path,
			     tp.user_symlink_path);
		target_path_done(&tp);
		return e;
	}
	if (tp.exists && (!S_ISREG(tp.st.st_mode) || tp.st.st_nlink > 1)) {
		int e = fail(d, "the keys file %s is not a regular file with one link", tp.canon);
		target_path_done(&tp);
		return e;
	}
	d->exists = tp.exists;
	d->file = TAKE_PTR(tp.canon);
	target_path_done(&tp);
	if (!d->file)
		return -ENOMEM;
	d->ssh_dir = path_parent(d->file);
	return d->ssh_dir ? 0 : -ENOMEM;
}

/* ---- is it there already? ---- */

/* The key's blob in one keys file (as sshd reads the lines; a BOM and CRs aside). */
static int find_key(struct run *run, const char *path, const unsigned char *blob, size_t blob_len, unsigned *ret_line)
{
	_cleanup_free_ char *data = NULL;
	size_t len, at = 0;
	unsigned lineno = 0;
	struct target_path tp = {0};
	int r;

	r = target_resolve(run->target, path, 0, &tp, NULL);
	if (r < 0)
		return 0;
	bool readable = S_ISREG(tp.st.st_mode) && tp.st.st_nlink == 1 && !tp.user_symlink;
	r = readable ? target_read_file(run->target, tp.canon, CONFIG_MAX, &data, &len) : -EPERM;
	target_path_done(&tp);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		at = 3;
	while (at < len) {
		const char *nl = memchr(data + at, '\n', len - at);
		size_t end = nl ? (size_t) (nl - data) : len;
		struct authkeys_line l;
		lineno++;
		r = authkeys_parse_line(data + at, end - at, &l);
		if (r < 0)
			return r;
		if (l.status == AK_KEY) {
			_cleanup_free_ unsigned char *b = NULL;
			size_t bl;
			if (authkeys_base64_decode(data + at + l.blob_start, l.blob_end - l.blob_start, &b, &bl) == 0 &&
			    bl == blob_len && memcmp(b, blob, bl) == 0) {
				*ret_line = lineno;
				return 1;
			}
		}
		at = nl ? end + 1 : len;
	}
	return 0;
}

/* ---- the way to a keys file that is not there yet ---- */

/*
 * For a keys file that does not exist yet, user-key-paths has nothing to
 * walk: look at the directories that will hold it (what exists of them, up
 * to the home) as safe_path() will (RULES §1.6).  The findings are
 * user-key-paths' own problems; once --add-key has made the file, the
 * engine's detection after the apply finds them itself.
 */
static int precheck_dirs(struct run *run, const struct pw_entry *pw, const struct addition *d)
{
	struct keywalk_user u;
	_cleanup_free_ char *dir = NULL;
	const struct sshd_option *o = sshd_config_first(run->model.sshd, "StrictModes");
	bool strict = !o || strcasecmp(o->args[0], "no") != 0;
	int r;

	if (d->exists || !d->home)
		return 0;
	r = keywalk_user_init(run->target, &run->model.accounts, pw, strict, run->target->facts.sshd_debian_patches,
			      NULL, &u);
	if (r < 0)
		return r;
	dir = path_parent(d->file);
	while (r == 0 && dir && path_is_below(dir, d->home)) {
		const struct problem *p = problem_by_id(streq(dir, d->home) ? "home-perms" : "key-dir-perms");
		struct stat st;
		if (!strv_contains(d->mkdirs, dir) && target_lstat(run->target, dir, &st) == 0) {
			unsigned bad = strict ? strictmodes_check(&run->model.accounts, pw, &st, u.debian) : 0;
			bool usable = strictmodes_user_can(pw, u.gids, u.n_gids, &st, X_OK);
			if (bad || !usable) {
				struct keywalk_problem kp = {
					.what = KW_REFUSED, .path = dir, .st = &st, .bad = bad, .usable = usable, .inside = true,
				};
				char buf[160];
				struct finding *f = run_add_finding(run, p, dir, pw->name);
				if (!f || finding_set_detail(f, "%s", keywalk_describe(&kp, buf, sizeof(buf))) < 0)
					r = -ENOMEM;
			}
		}
		if (streq(dir, d->home))
			break;
		char *up = path_parent(dir);
		free(dir);
		dir = up;
	}
	keywalk_user_done(&u);
	return dir ? r : -ENOMEM;
}

/* ---- the addition: a finding the engine plans, applies and verifies ---- */

/* Its one problem: each code is its row's index in addkey_problems[]. */
enum problem_code {
	PR_ADD_KEY,
};

/*
 * The key the person asked to add is not in the user's keys files.  The
 * journal's entries are tagged with this id ("# add-key" in the diff).
 */
static const struct problem addkey_problems[] = {
	{ PR_ADD_KEY, "add-key", SEV_ERROR, PF_SAFE_AUTO,
	  "the key given to --add-key is not in {user}'s keys file {path}",
	  "sshfix --add-key USER KEY appends the key to the user's first own AuthorizedKeysFile. "
	  "sshfix(8) ADDING A KEY" },
	{ .id = NULL },
};

/* The keys file: what it holds, its last line ended, then the key's line. */
static int plan_file(struct run *run, const struct addition *d, struct labeller *lab)
{
	_cleanup_free_ char *cur = NULL;
	size_t cur_len = 0;
	struct buf b = {0};
	int r;

	if (d->exists) {
		r = journal_read_current(run->journal, d->file, &cur, &cur_len);
		if (r < 0)
			return r;
	}
	buf_append(&b, cur ? cur : "", cur_len);
	if (cur_len > 0 && cur[cur_len - 1] != '\n')
		buf_putc(&b, '\n');	/* a last line without its newline */
	buf_puts(&b, d->text);
	if (!buf_ok(&b))
		r = -ENOMEM;
	else if (d->exists)
		/* Same mode, owner and extended attributes (the journal keeps them). */
		r = journal_write_file(run->journal, d->file, b.data, b.len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
	else if (d->home) {
		r = journal_write_file(run->journal, d->file, b.data, b.len, 0600, d->uid, d->gid);
		if (r >= 0)
			r = plan_label(run, lab, d->file, false);
	} else
		r = journal_write_file(run->journal, d->file, b.data, b.len, 0644, 0, 0);
	buf_done(&b);
	return r < 0 ? r : 0;
}

/* What changes, in words (the report's "into FILE: ..."): which directories, whether the file is new, its label. */
static int describe(const struct addition *d, const char *label_how, char **ret)
{
	struct buf b = {0};

	for (size_t i = 0; d->mkdirs && d->mkdirs[i]; i++)
		buf_printf(&b, "create directory %s (0700, %u:%u); ", d->mkdirs[i], (unsigned) d->uid, (unsigned) d->gid);
	if (!d->exists && d->home)
		buf_printf(&b, "create the file (0600, %u:%u)", (unsigned) d->uid, (unsigned) d->gid);
	else if (!d->exists)
		buf_puts(&b, "create the file (0644, 0:0, readable by the user sshd reads it as)");
	else
		buf_puts(&b, "append one line (mode, owner and extended attributes kept)");
	if (label_how)
		buf_printf(&b, "; SELinux label: %s", label_how);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret = buf_steal(&b);
	return 0;
}

/* Plan the directories, the keys file and their labels; f->action says it in words. */
static int addkey_repair(struct run *run, struct finding *f)
{
	struct addition *d = f->data;
	_cleanup_(labeller_done) struct labeller lab = {0};
	int r = 0;

	labeller_init(run, d->home, d->ssh_dir, &lab);
	for (size_t i = 0; r >= 0 && d->mkdirs && d->mkdirs[i]; i++) {
		r = journal_mkdir(run->journal, d->mkdirs[i], 0700, d->uid, d->gid);
		if (r >= 0)
			r = plan_label(run, &lab, d->mkdirs[i], true);
	}
	if (r >= 0)
		r = plan_file(run, d, &lab);
	/* A label that cannot be found is said whether or not the rest could be planned. */
	strv_free(d->notes);
	d->notes = TAKE_PTR(lab.notes);
	if (r < 0)
		return r;
	return describe(d, lab.how, &f->action);
}

/*
 * Not a check of the registry (fixes/families.def): it finds nothing by
 * itself and runs for --add-key only, which makes its finding (see
 * find_addition()).  Whom the change is made for is the account whose
 * keys files user-key-paths and keys-content repair (DESIGN §5).
 */
static const struct fix addkey_fix = {
	.id = "add-key",
	.summary = "the key given to --add-key, appended to the user's keys file",
	.rules = "sshfix(8) ADDING A KEY",
	.problems = addkey_problems,
	.repair = addkey_repair,
	.subject = fix_subject_keys_owner,
};

/*
 * The addition, found as a check finds a problem: the finding "add-key" on
 * the keys file the key goes into, with d, what its repair needs (and, for
 * a file not there yet, findings for what is wrong with the directories
 * that will hold it), in *ret.  Or no finding: d->line > 0, the key is
 * there already; -EINVAL, d->why says why it cannot be added.  d is the
 * finding's once there is one.  Returns 0, -EINVAL or -ENOMEM.
 */
static int find_addition(struct run *run, const struct addkey_request *req, struct addition *d, struct finding **ret)
{
	const struct accounts *a = &run->model.accounts;
	_cleanup_(keyfiles_set_done) struct keyfiles_set set = {0};
	_cleanup_free_ char *first = NULL;
	char **patterns = NULL;
	const struct pw_entry *pw;
	struct finding *f;
	int r;

	if (!a->passwd.present)
		return fail(d, "the target has no /etc/passwd");
	pw = accounts_user_by_name(a, req->user);
	if (!pw) {
		_cleanup_free_ char *u = escape_display(req->user);
		return fail(d, "no account '%s' in the target's /etc/passwd (sshd would say \"Invalid user\"); nothing was "
			       "changed", u ? u : "?");
	}
	if (!pw->dir || pw->dir[0] != '/')
		return fail(d, "the account has no absolute home directory in /etc/passwd; nothing was changed");
	r = keyfiles_set_init(&set, run->model.sshd, a);
	if (r == 0)
		r = keyfiles_set_for(&set, pw, &patterns);
	if (r < 0)
		return r;

	/* Already there?  In any of the user's keys files. */
	for (size_t i = 0; patterns[i]; i++) {
		_cleanup_free_ char *p = NULL;
		char bad;
		if (keyfiles_path(a, patterns[i], pw, &p, &bad) != 0)
			continue;
		r = find_key(run, p, req->blob, req->blob_len, &d->line);
		if (r < 0)
			return r;
		if (r > 0) {
			d->file = TAKE_PTR(p);
			return 0;
		}
		if (!first)
			first = TAKE_PTR(p);
	}
	if (!first)
		return fail(d, "%s", patterns[0] ? "AuthorizedKeysFile names no file of this user's own (a \"~/...\" entry "
						   "is root's file for every user, authorized-keys-tilde; write %h/... instead)"
						 : "AuthorizedKeysFile is none: sshd reads no keys file");
	d->uid = pw->uid;
	d->gid = pw->gid;
	r = resolve_dest(run, pw, first, d);
	if (r == -EINVAL) {
		free(d->file);
		d->file = TAKE_PTR(first);	/* the report names the file it could not write */
	}
	/* The line: the key, its comment and sshfix's tag. */
	char date[11];
	today(date);
	if (r == 0 && asprintf(&d->text, req->comment ? "%s (sshfix added %s)\n" : "%s sshfix added %s\n", req->line,
			       date) < 0) {
		d->text = NULL;
		r = -ENOMEM;
	}
	if (r == 0)
		r = precheck_dirs(run, pw, d);
	f = r < 0 ? NULL : run_add_finding(run, &addkey_problems[PR_ADD_KEY], d->file, pw->name);
	if (!f)
		return r < 0 ? r : -ENOMEM;
	/* fix_of_problem() knows the registry's families only. */
	f->fix = &addkey_fix;
	finding_set_data(f, d, addition_free);
	*ret = f;
	return 0;
}

/* ---- the command ---- */

/*
 * This mode's selection, as --only and an account would make it (main
 * refuses --only and --skip with --add-key): the families that judge the
 * user's keys, the user's findings, and the addition the one repair.
 */
static int select_checks(struct run *run, const char *user)
{
	const char *const ids[] = { fix_user_key_paths.id, fix_keys_content.id };

	for (size_t i = 0; i < ELEMENTSOF(ids); i++)
		if (strv_push(&run->opt.only, strdup(ids[i])) < 0)
			return -ENOMEM;
	run->opt.user = user;
	run->opt.repair_only = &addkey_fix;
	return 0;
}

unsigned addkey_run(struct run *run, const struct addkey_request *req)
{
	struct addition *left = calloc(1, sizeof(*left));
	struct finding *self = NULL;
	unsigned status;
	int r;

	r = left ? select_checks(run, req->user) : -ENOMEM;
	if (r == 0)
		r = engine_begin(run);
	if (r == 0)
		r = engine_detect(run);
	if (r == 0) {
		r = find_addition(run, req, left, &self);
		if (r == -EINVAL)
			r = 1;	/* it cannot be added: left->why says why */
	}
	if (self)
		left = NULL;	/* the finding's now */
	if (r == 0)
		r = engine_plan(run);
	if (r == 0)
		(void) engine_finish(run);	/* a failure is in run->exit_flags and in the finding */
	else if (r < 0 && left && !left->why)
		left->why = strdup(strerror(-r));	/* what could not be done (the engine said where) */

	const struct addition *d = self ? self->data : left;
	const char *why = self ? self->status_reason : d ? d->why : NULL;
	bool failed = self ? self->status == FS_FAILED : !(d && d->line);
	if (failed) {
		_cleanup_free_ char *e = escape_display(why ? why : strerror(ENOMEM)), *u = escape_display(req->user);
		run_error(run, "Cannot add the key for %s: %s", u ? u : "?", e ? e : "?");
	}
	status = run->exit_flags | engine_exit_flags(run);
	struct report_key k = {
		.user = req->user, .type = req->type, .fingerprint = req->fingerprint, .comment = req->comment,
		.repaired = req->repairs,
		.status = failed ? "failed" : !self ? "present" : self->status == FS_FIXED ? "added" : "would-add",
		.path = d ? d->file : NULL, .line = d ? d->line : 0, .changes = self ? self->action : NULL,
		.error = failed ? why : NULL, .notes = d ? d->notes : NULL, .self = self,
	};
	if (report_add_key(run, &k, status, stdout) < 0)
		status |= EXIT_ERROR;
	addition_free(left);
	return status;
}
