/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "diff.h"
#include "journal.h"
#include "journal_int.h"
#include "sha256.h"
#include "util.h"

/* ---- planning ---- */

int journal_new(struct target *t, struct journal **ret)
{
	struct journal *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->t = t;
	*ret = j;
	return 0;
}

static void subject_free(struct subject *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->home);
	strv_free(s->grantable);
	strv_free(s->configured);
	free(s);
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++)
		journal_entry_done(&j->entries[i]);
	free(j->entries);
	free(j->label);
	free(j->refusal);
	free(j->hint);
	free(j->test_hook);
	subject_free(j->subject);
	free(j);
}

void journal_set_tag(struct journal *j, size_t tag, const char *label)
{
	j->tag = tag;
	free(j->label);
	j->label = strdup_or_null(label);
}

size_t journal_n_entries(const struct journal *j)
{
	return j->n;
}

void journal_truncate(struct journal *j, size_t n)
{
	while (j->n > n)
		journal_entry_done(&j->entries[--j->n]);
}

void journal_set_crash_at(struct journal *j, unsigned long n)
{
	j->crash_at = n;
}

int journal_set_test_hook(struct journal *j, const char *program)
{
	free(j->test_hook);
	j->test_hook = NULL;
	if (program && !(j->test_hook = strdup(program)))
		return -ENOMEM;
	return 0;
}

const char *journal_refusal(const struct journal *j)
{
	return j->refusal;
}

/* Say why, once, and return r: the engine shows it as the finding's reason. */
static int refuse(struct journal *j, int r, const char *path, const char *fmt, ...) _printf_(4, 5);
static int refuse(struct journal *j, int r, const char *path, const char *fmt, ...)
{
	_cleanup_free_ char *p = escape_display(path), *why = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&why, fmt, ap);
	va_end(ap);
	free(j->refusal);
	j->refusal = NULL;
	if (n >= 0 && asprintf(&j->refusal, "%s %s", p ? p : "?", why) < 0)
		j->refusal = NULL;
	return r;
}

/* The state a canonical path will have once the entries planned so far are applied. */
static int current_image(struct journal *j, const char *path, struct image *ret)
{
	for (size_t i = j->n; i-- > 0;) {
		const struct entry *e = &j->entries[i];
		if (strcmp(e->path, path) == 0)
			return image_copy(&e->post, ret);
		if (e->path2 && strcmp(e->path2, path) == 0)
			return image_copy(&e->post2, ret);
	}
	/* Nothing exists yet below a directory this journal will create (a
	 * missing /var/empty, then /var/empty/sshd); on disk it has no parent. */
	for (size_t i = 0; i < j->n; i++)
		if (j->entries[i].op == OP_MKDIR && !j->entries[i].pre.exists && path_is_below(path, j->entries[i].path)) {
			*ret = (struct image) {0};
			return 0;
		}
	return image_read(j->t, path, ret);
}

static bool planned_mkdir(const struct journal *j, const char *canon)
{
	for (size_t i = 0; i < j->n; i++)
		if (j->entries[i].op == OP_MKDIR && strcmp(j->entries[i].path, canon) == 0)
			return true;
	return false;
}

/*
 * The canonical form of a path given to the planner: symlinks that only
 * root can have planted and that sit in root's directories are followed
 * (/var/run -> /run), any other is refused (-ENOLINK); the last component
 * is never followed.  A path below a directory this journal will create
 * is its own canonical form.
 */
static int plan_path(struct journal *j, const char *path, char **ret_canon)
{
	_cleanup_free_ char *s = NULL;
	struct target_path tp = {0};
	int r;

	free(j->refusal);
	j->refusal = NULL;
	if (!path || path[0] != '/')
		return -EINVAL;
	s = path_simplify(path);
	if (!s)
		return -ENOMEM;
	if (strstr(s, "/../") || strcmp(path_last(s), "..") == 0 || strcmp(path_last(s), ".") == 0)
		return -EINVAL;
	r = target_resolve(j->t, s, TR_NOFOLLOW | TR_ROOT_SYMLINKS_ONLY | TR_MAY_NOT_EXIST, &tp, NULL);
	if (r == -ENOENT && strcmp(s, "/") != 0) {
		/* The parent may be a directory this journal will create. */
		_cleanup_free_ char *parent = path_parent(s), *pcanon = NULL;
		if (!parent)
			return -ENOMEM;
		r = plan_path(j, parent, &pcanon);
		if (r < 0)
			return r;
		if (!planned_mkdir(j, pcanon))
			return -ENOENT;
		*ret_canon = path_join(pcanon, path_last(s));
		return *ret_canon ? 0 : -ENOMEM;
	}
	if (r == -ENOLINK)
		return refuse(j, r, path, "is reached through a symlink that a user could have planted or moved; "
					  "sshfix never follows one when it changes something");
	if (r < 0)
		return r;
	*ret_canon = TAKE_PTR(tp.canon);
	target_path_done(&tp);
	return 0;
}

int journal_read_current(struct journal *j, const char *path, char **ret_data, size_t *ret_len)
{
	_cleanup_free_ char *canon = NULL;
	struct image im = {0};
	int r;

	r = plan_path(j, path, &canon);
	if (r < 0)
		return r;
	r = current_image(j, canon, &im);
	if (r < 0)
		return r;
	if (!im.exists)
		r = -ENOENT;
	else if (!S_ISREG(im.mode))
		r = S_ISLNK(im.mode) ? -ELOOP : -EPERM;
	else if (!im.have_content)
		r = -EFBIG;
	if (r == 0) {
		*ret_data = TAKE_PTR(im.content);
		*ret_len = im.size;
	}
	image_done(&im);
	return r;
}

/* Paths below a planned rename, mkdir or removal would see a changed parent. */
static bool parent_planned_away(const struct journal *j, const char *path)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct entry *e = &j->entries[i];
		if ((e->op == OP_RENAME || e->op == OP_UNLINK || e->op == OP_DISCARD) && strcmp(e->path, path) != 0 &&
		    path_is_below(path, e->path))
			return true;
	}
	return false;
}

static int add_entry(struct journal *j, struct entry *e)
{
	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 16;
		struct entry *ne = realloc(j->entries, cap * sizeof(struct entry));
		if (!ne)
			return -ENOMEM;
		j->entries = ne;
		j->cap = cap;
	}
	e->tag = j->tag;
	e->label = strdup_or_null(j->label);
	if (j->label && !e->label)
		return -ENOMEM;
	j->entries[j->n++] = *e;
	return 0;
}

/* Prepare an entry for `path` whose pre-image is the path's current state. */
static int begin_entry(struct journal *j, enum op op, const char *path, struct entry *e)
{
	_cleanup_free_ char *canon = NULL;
	int r;

	*e = (struct entry) { .op = op };
	r = plan_path(j, path, &canon);
	if (r < 0)
		return r;
	if (parent_planned_away(j, canon))
		return -EBUSY;
	e->path = TAKE_PTR(canon);
	r = current_image(j, e->path, &e->pre);
	if (r < 0) {
		journal_entry_done(e);
		return r;
	}
	return 0;
}

/* ---- the rules of DESIGN §5, for every family ---- */

int journal_set_subject(struct journal *j, const struct journal_subject *s)
{
	struct subject *n;
	struct target_path tp = {0};

	subject_free(j->subject);
	j->subject = NULL;
	if (!s)
		return 0;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->uid = s->uid;
	n->gid = s->gid;
	n->accounts = s->accounts;
	n->name = strdup(s->name ? s->name : "?");
	if (!n->name || strv_ensure(&n->grantable) < 0 || strv_ensure(&n->configured) < 0) {
		subject_free(n);
		return -ENOMEM;
	}
	/* The home as passwd names it, reached without a user's symlink. */
	if (s->home && s->home[0] == '/' &&
	    target_resolve(j->t, s->home, TR_ROOT_SYMLINKS_ONLY, &tp, NULL) == 0 && S_ISDIR(tp.st.st_mode) &&
	    strcmp(tp.canon, "/") != 0) {
		n->home = TAKE_PTR(tp.canon);
		if (strv_push(&n->grantable, strdup(n->home)) < 0) {
			target_path_done(&tp);
			subject_free(n);
			return -ENOMEM;
		}
	}
	target_path_done(&tp);
	/* Each keys file, when no user's symlink leads to it (the last
	 * component is not followed: a link there stands for itself). */
	for (size_t i = 0; s->paths && s->paths[i]; i++) {
		int r = target_resolve(j->t, s->paths[i], TR_NOFOLLOW | TR_ROOT_SYMLINKS_ONLY | TR_MAY_NOT_EXIST, &tp,
				       NULL);
		if (r == 0 && !strv_contains(n->configured, tp.canon) && strv_push(&n->configured, TAKE_PTR(tp.canon)) < 0) {
			target_path_done(&tp);
			subject_free(n);
			return -ENOMEM;
		}
		target_path_done(&tp);
	}
	/* Each component beneath the home of each configured path, until the
	 * first that a user's symlink leads to or that does not exist yet. */
	for (size_t i = 0; n->home && s->paths && s->paths[i]; i++) {
		_cleanup_free_ char *p = path_simplify(s->paths[i]), *home = path_simplify(s->home);
		if (!p || !home) {
			subject_free(n);
			return -ENOMEM;
		}
		if (!path_is_below(p, home) || strcmp(p, home) == 0)
			continue;
		for (char *c = p + strlen(home) + 1; c;) {
			char *slash = strchr(c, '/');
			if (slash)
				*slash = '\0';
			int r = target_resolve(j->t, p, TR_NOFOLLOW | TR_ROOT_SYMLINKS_ONLY | TR_MAY_NOT_EXIST, &tp, NULL);
			bool ok = r == 0 && path_is_below(tp.canon, n->home);
			if (ok && !strv_contains(n->grantable, tp.canon) && strv_push(&n->grantable, TAKE_PTR(tp.canon)) < 0) {
				target_path_done(&tp);
				subject_free(n);
				return -ENOMEM;
			}
			target_path_done(&tp);
			if (!ok || !slash)
				break;
			*slash = '/';
			c = slash + 1;
		}
	}
	j->subject = n;
	return 0;
}

/* Bits added, or owner or group changed: the change gives something away. */
static bool widens(const struct image *pre, const struct image *post)
{
	return ((post->mode & 07777) & ~(pre->mode & 07777)) != 0;
}

static bool moves_owner(const struct image *pre, const struct image *post)
{
	return pre->uid != post->uid || pre->gid != post->gid;
}


/*
 * For a refused mode or owner change: the command that would make it, for a
 * person who knows it is meant (": if it is meant: chown 1000:1000 '/x'").
 * Valid until the next call.
 */
static const char *by_hand(struct journal *j, const struct entry *e)
{
	_cleanup_free_ char *p = escape_display(e->path);
	struct buf b = {0};
	char m[8];

	if (e->op != OP_SET_PERMS)
		return "";
	buf_puts(&b, "; if it is meant, by hand: ");
	if (moves_owner(&e->pre, &e->post))
		buf_printf(&b, "chown %u:%u '%s'%s", (unsigned) e->post.uid, (unsigned) e->post.gid, p ? p : "?",
			   (e->pre.mode & 07777) != (e->post.mode & 07777) ? " && " : "");
	if ((e->pre.mode & 07777) != (e->post.mode & 07777))
		buf_printf(&b, "chmod %s '%s'", mode_str(e->post.mode, m), p ? p : "?");
	free(j->hint);
	j->hint = buf_steal(&b);
	return j->hint ? j->hint : "";
}

/* A uid with a passwd entry other than the subject's and root's. */
static const struct pw_entry *other_account(const struct subject *s, uid_t uid)
{
	if (uid == 0 || uid == s->uid || !s->accounts)
		return NULL;
	return accounts_user_by_uid(s->accounts, uid);
}

/*
 * May a repair made for s change the existing object e->path (canonical)
 * as e says?  0, or a refusal.
 */
static int subject_may_change(struct journal *j, const struct entry *e)
{
	const struct subject *s = j->subject;
	const struct image *pre = &e->pre, *post = &e->post;
	const struct pw_entry *other;
	_cleanup_free_ char *who = NULL;
	int r;

	if (pre->uid == s->uid)
		return 0;	/* the account's own object */
	/* The home as passwd names it is the account's whoever owns it now (a
	 * uid renumbered by a migration); beneath it, another account's object
	 * stays that account's (alice's directory in bob's sticky ~/.ssh). */
	if (s->home && strcmp(e->path, s->home) == 0)
		return 0;
	other = other_account(s, pre->uid);
	if (other) {
		who = escape_display_trunc(other->name, 64);
		return refuse(j, -EACCES, e->path,
			      "belongs to another account (%s); sshfix never changes one account's files for another%s",
			      who ? who : "?", by_hand(j, e));
	}
	if (strv_contains(s->grantable, e->path))
		return 0;	/* a keys path component beneath the home */
	/* A keys file root keeps outside the homes (/etc/ssh/keys/%u), named
	 * by the configuration itself, not reached through anyone's link: it
	 * may lose mode bits or be rewritten, never be opened up or given. */
	if (pre->uid == 0 && !widens(pre, post) && !moves_owner(pre, post) && strv_contains(s->configured, e->path) &&
	    !(s->home && path_is_below(e->path, s->home))) {
		r = target_ancestors_are_roots(j->t, e->path);
		if (r < 0)
			return r;
		if (r > 0)
			return 0;
	}
	who = escape_display_trunc(s->name, 64);
	if (s->home && path_is_below(e->path, s->home))
		return refuse(j, -EACCES, e->path,
			      "is not %s's and not on the configured path to %s's keys; sshfix does not give it to %s, "
			      "open it up or rewrite it%s",
			      who ? who : "?", who ? who : "?", who ? who : "?", by_hand(j, e));
	return refuse(j, -EACCES, e->path,
		      "is outside %s's home and not %s's; sshfix does not give it to %s or open it up%s",
		      who ? who : "?", who ? who : "?", who ? who : "?", by_hand(j, e));
}

/* May a repair made for s create e->path (a new file, directory or link)? */
static int subject_may_create(struct journal *j, const struct entry *e)
{
	const struct subject *s = j->subject;
	_cleanup_free_ char *parent = path_parent(e->path), *who = NULL;
	struct image p = {0};
	int r;

	if (!parent)
		return -ENOMEM;
	if (e->post.uid != s->uid && e->post.uid != 0)
		return refuse(j, -EACCES, e->path, "would be created for uid %u, neither the account nor root",
			      (unsigned) e->post.uid);
	r = current_image(j, parent, &p);
	if (r < 0)
		return r;
	bool ok = p.exists && S_ISDIR(p.mode) &&
		  (p.uid == s->uid || (!other_account(s, p.uid) && strv_contains(s->grantable, parent)));
	if (!ok && image_dir_is_roots(&p) && !(s->home && path_is_below(parent, s->home))) {
		r = target_ancestors_are_roots(j->t, parent);
		ok = r > 0;
	}
	image_done(&p);
	if (r < 0)
		return r;
	if (ok)
		return 0;
	who = escape_display_trunc(s->name, 64);
	return refuse(j, -EACCES, e->path,
		      "would be created in a directory that is neither %s's nor on the configured path to %s's keys",
		      who ? who : "?", who ? who : "?");
}

/*
 * The rules every planned change obeys, whoever it is for (DESIGN §5).
 * May adjust the post-image (set-id and execute bits of a file given to
 * root); returns 0 or a refusal.
 */
static int check_rules(struct journal *j, struct entry *e)
{
	struct image *pre = &e->pre, *post = &e->post;
	bool changes = e->op == OP_SET_PERMS || e->op == OP_WRITE || e->op == OP_SET_XATTR;
	int r;

	if (!pre->exists && e->op != OP_RENAME) {
		if (!j->subject && post->uid != 0 && !S_ISLNK(post->mode))
			return refuse(j, -EACCES, e->path, "would be created for uid %u: a repair made for the system "
							  "gives nothing to a user", (unsigned) post->uid);
		return j->subject ? subject_may_create(j, e) : 0;
	}
	if (changes && S_ISREG(pre->mode) && pre->nlink > 1)
		return refuse(j, -EMLINK, e->path, "has %lu hard links; sshfix never changes such a file (another "
						   "name may be /etc/shadow)", (unsigned long) pre->nlink);
	/* A set-id file is never given, opened up or rewritten; taking bits
	 * away (a keys file 4777 made 0600) only drops the set-id bit. */
	if (changes && !S_ISDIR(pre->mode) && (pre->mode & (S_ISUID | S_ISGID)) &&
	    (e->op != OP_SET_PERMS || widens(pre, post) || moves_owner(pre, post)))
		return refuse(j, -EACCES, e->path, "is a set-%s file; sshfix only ever takes mode bits away from one",
			      pre->mode & S_ISUID ? "user-id" : "group-id");
	if (post->exists && pre->uid != post->uid) {
		if (!j->subject && post->uid != 0)
			return refuse(j, -EACCES, e->path, "would be given to uid %u: a repair made for the system "
							  "gives nothing to a user", (unsigned) post->uid);
		if (pre->uid != 0 && post->uid == 0) {
			/* A user's file made root's must be out of that user's reach. */
			r = target_ancestors_are_roots(j->t, e->path);
			if (r < 0)
				return r;
			if (r == 0)
				return refuse(j, -EACCES, e->path,
					      "belongs to uid %u and a directory above it is not root's: made root's, it "
					      "would still be within that user's reach%s", (unsigned) pre->uid, by_hand(j, e));
			if (S_ISREG(post->mode))
				post->mode &= ~(mode_t) (S_ISUID | S_ISGID | 0111);
		}
	}
	return j->subject ? subject_may_change(j, e) : 0;
}

/* Add the entry unless the path already looks as asked (returns 1 then). */
static int finish_entry(struct journal *j, struct entry *e, bool secret)
{
	int r;

	r = check_rules(j, e);
	if (r < 0) {
		journal_entry_done(e);
		return r;
	}
	if (e->op != OP_RENAME && image_matches(&e->pre, &e->post)) {
		journal_entry_done(e);
		return 1;
	}
	/* Private keys, host keys, password hashes: never shown, whoever asked. */
	e->secret = secret || journal_is_secret(e->path, &e->pre) || journal_is_secret(e->path, &e->post);
	r = add_entry(j, e);
	if (r < 0)
		journal_entry_done(e);
	return r;
}

int journal_set_perms(struct journal *j, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	struct entry e;
	int r;

	if (mode != (mode_t) -1 && (mode & ~07777))
		return -EINVAL;
	r = begin_entry(j, OP_SET_PERMS, path, &e);
	if (r < 0)
		return r;
	if (!e.pre.exists)
		r = -ENOENT;
	else if (S_ISLNK(e.pre.mode))
		r = refuse(j, -ELOOP, e.path, "is a symlink; sshfix never follows one when it changes something");
	else if (!S_ISREG(e.pre.mode) && !S_ISDIR(e.pre.mode))
		r = refuse(j, -EPERM, e.path, "is not a regular file or a directory (a %s); sshfix does not change it",
			   type_name(e.pre.mode));
	if (r == 0)
		r = image_copy(&e.pre, &e.post);
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	if (mode != (mode_t) -1)
		e.post.mode = (e.pre.mode & S_IFMT) | mode;
	if (uid != (uid_t) -1)
		e.post.uid = uid;
	if (gid != (gid_t) -1)
		e.post.gid = gid;
	/* chown(2) clears set-id bits of files; the post-image says what we set. */
	return finish_entry(j, &e, false);
}

int journal_write_file(struct journal *j, const char *path, const void *data, size_t len, mode_t mode,
		       uid_t uid, gid_t gid)
{
	return journal_write_file_flags(j, path, data, len, mode, uid, gid, 0);
}

int journal_write_file_flags(struct journal *j, const char *path, const void *data, size_t len, mode_t mode,
			     uid_t uid, gid_t gid, unsigned flags)
{
	struct entry e;
	char *copy;
	int r;

	if (mode != (mode_t) -1 && (mode & ~07777))
		return -EINVAL;
	r = begin_entry(j, OP_WRITE, path, &e);
	if (r < 0)
		return r;
	if (e.pre.exists && S_ISLNK(e.pre.mode))
		r = refuse(j, -ELOOP, e.path, "is a symlink; sshfix never follows one when it changes something");
	else if (e.pre.exists && !S_ISREG(e.pre.mode))
		r = refuse(j, -EPERM, e.path, "is not a regular file (a %s); sshfix does not change it",
			   type_name(e.pre.mode));
	else if (e.pre.exists && !e.pre.have_content)
		r = refuse(j, -EFBIG, e.path, "is larger than %u MiB; sshfix does not rewrite it", CONTENT_MAX >> 20);
	if (r == 0 && !e.pre.exists && (mode == (mode_t) -1 || uid == (uid_t) -1 || gid == (gid_t) -1))
		r = -EINVAL;	/* a new file needs an explicit mode and owner */
	if (r == 0)
		r = image_copy(&e.pre, &e.post);
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	copy = malloc(len + 1);
	if (!copy) {
		journal_entry_done(&e);
		return -ENOMEM;
	}
	memcpy(copy, data, len);
	copy[len] = '\0';
	e.post.exists = true;
	e.post.mode = S_IFREG | (mode != (mode_t) -1 ? mode : (e.pre.mode & 07777));
	if (uid != (uid_t) -1)
		e.post.uid = uid;
	if (gid != (gid_t) -1)
		e.post.gid = gid;
	e.post.nlink = 1;
	e.post.dev = 0;
	e.post.ino = 0;		/* a new inode replaces the old one */
	e.post.have_times = false;
	image_set_content(&e.post, copy, len);
	return finish_entry(j, &e, flags & JW_SECRET);
}

int journal_mkdir(struct journal *j, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	struct entry e;
	int r;

	if ((mode & ~07777) || uid == (uid_t) -1 || gid == (gid_t) -1)
		return -EINVAL;
	r = begin_entry(j, OP_MKDIR, path, &e);
	if (r < 0)
		return r;
	if (e.pre.exists) {
		r = S_ISDIR(e.pre.mode) ? 1 : -EEXIST;
		journal_entry_done(&e);
		return r;
	}
	e.post = (struct image) {
		.exists = true, .mode = S_IFDIR | mode, .uid = uid, .gid = gid, .nlink = 2,
	};
	return finish_entry(j, &e, false);
}

int journal_symlink(struct journal *j, const char *path, const char *target)
{
	struct entry e;
	int r;

	if (!target || !*target)
		return -EINVAL;
	r = begin_entry(j, OP_SYMLINK, path, &e);
	if (r < 0)
		return r;
	if (e.pre.exists) {
		r = S_ISLNK(e.pre.mode) && strcmp(e.pre.link, target) == 0 ? 1 : -EEXIST;
		journal_entry_done(&e);
		return r;
	}
	e.post = (struct image) { .exists = true, .mode = S_IFLNK | 0777, .nlink = 1 };
	e.post.link = strdup(target);
	if (!e.post.link) {
		journal_entry_done(&e);
		return -ENOMEM;
	}
	return finish_entry(j, &e, false);
}

int journal_unlink(struct journal *j, const char *path)
{
	struct entry e;
	int r;

	r = begin_entry(j, OP_UNLINK, path, &e);
	if (r < 0)
		return r;
	if (!e.pre.exists) {
		journal_entry_done(&e);
		return 1;
	}
	if (S_ISREG(e.pre.mode) && !e.pre.have_content)
		r = -EFBIG;	/* could not be restored */
	else if (!S_ISREG(e.pre.mode) && !S_ISLNK(e.pre.mode) && !S_ISDIR(e.pre.mode))
		r = -EPERM;
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	return finish_entry(j, &e, false);
}

int journal_discard(struct journal *j, const char *path)
{
	struct entry e;
	int r;

	r = begin_entry(j, OP_DISCARD, path, &e);
	if (r < 0)
		return r;
	if (!e.pre.exists) {
		journal_entry_done(&e);
		return 1;
	}
	if (!S_ISREG(e.pre.mode)) {
		r = refuse(j, S_ISLNK(e.pre.mode) ? -ELOOP : -EPERM, e.path,
			   "is not a regular file (a %s); sshfix removes only a regular file as a cache",
			   type_name(e.pre.mode));
		journal_entry_done(&e);
		return r;
	}
	return finish_entry(j, &e, false);
}

int journal_set_xattr(struct journal *j, const char *path, const char *name, const void *value, size_t len)
{
	struct entry e;
	int r;

	if (!name || !*name)
		return -EINVAL;
	r = begin_entry(j, OP_SET_XATTR, path, &e);
	if (r < 0)
		return r;
	if (!e.pre.exists)
		r = -ENOENT;
	else if (!S_ISREG(e.pre.mode) && !S_ISDIR(e.pre.mode) && !S_ISLNK(e.pre.mode))
		r = -EPERM;
	if (r == 0)
		r = image_copy(&e.pre, &e.post);
	if (r == 0)
		r = xattr_set_in(&e.post, name, value, len);
	if (r == 0 && !(e.xattr_name = strdup(name)))
		r = -ENOMEM;
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	return finish_entry(j, &e, false);
}

int journal_rename(struct journal *j, const char *from, const char *to)
{
	_cleanup_free_ char *to_canon = NULL;
	struct entry e;
	int r;

	r = plan_path(j, to, &to_canon);
	if (r < 0)
		return r;
	r = begin_entry(j, OP_RENAME, from, &e);
	if (r < 0)
		return r;
	if (!e.pre.exists)
		r = -ENOENT;
	else if (S_ISDIR(e.pre.mode))
		r = -EISDIR;	/* directories are never moved by a repair */
	else
		e.path2 = TAKE_PTR(to_canon);
	if (r == 0)
		r = current_image(j, e.path2, &e.pre2);
	if (r == 0 && e.pre2.exists && !S_ISREG(e.pre2.mode) && !S_ISLNK(e.pre2.mode))
		r = -EISDIR;
	if (r == 0 && e.pre2.exists && S_ISREG(e.pre2.mode) && !e.pre2.have_content)
		r = -EFBIG;
	if (r == 0)
		r = image_copy(&e.pre, &e.post2);
	if (r < 0) {
		journal_entry_done(&e);
		return r;
	}
	e.post = (struct image) {0};
	return finish_entry(j, &e, false);
}

/* ---- rendering ---- */

static void render_mode_owner(struct buf *out, const struct image *a, const struct image *b)
{
	char m1[8], m2[8];

	if ((a->mode & 07777) != (b->mode & 07777))
		buf_printf(out, "old mode %s\nnew mode %s\n", mode_str(a->mode, m1), mode_str(b->mode, m2));
	if (a->uid != b->uid || a->gid != b->gid)
		buf_printf(out, "old owner %u:%u\nnew owner %u:%u\n", (unsigned) a->uid, (unsigned) a->gid,
			   (unsigned) b->uid, (unsigned) b->gid);
}

static void render_xattr_value(struct buf *out, const struct xattr *x)
{
	_cleanup_free_ char *e = NULL;
	size_t n = x->len;

	/* security.selinux values end with a NUL; show the text. */
	if (n > 0 && x->value[n - 1] == '\0')
		n--;
	e = escape_record(x->value, n);
	buf_printf(out, "\"%s\"", e ? e : "?");
}

static void render_xattrs(struct buf *out, const struct image *a, const struct image *b)
{
	for (size_t i = 0; i < b->n_xattrs; i++) {
		const struct xattr *old = xattr_find(a, b->xattrs[i].name);
		if (old && old->len == b->xattrs[i].len && memcmp(old->value, b->xattrs[i].value, old->len) == 0)
			continue;
		buf_printf(out, "set xattr %s = ", b->xattrs[i].name);
		render_xattr_value(out, &b->xattrs[i]);
		buf_putc(out, '\n');
	}
	for (size_t i = 0; i < a->n_xattrs; i++)
		if (!xattr_find(b, a->xattrs[i].name))
			buf_printf(out, "remove xattr %s\n", a->xattrs[i].name);
}

/*
 * A content diff, unless a side is too big to be worth showing (and to
 * spend a worst-case O(N*D) diff on): then just the sizes.
 */
#define DIFF_SHOW_MAX (1u << 20)
static int render_content(struct buf *out, const char *a, size_t alen, const char *b, size_t blen,
			  const char *la, const char *lb)
{
	if (alen > DIFF_SHOW_MAX || blen > DIFF_SHOW_MAX) {
		buf_printf(out, "content: %zu bytes -> %zu bytes (too large to show)\n", alen, blen);
		return buf_ok(out) ? 0 : -ENOMEM;
	}
	return diff_unified(out, a, alen, b, blen, la, lb, 3);
}

/*
 * Secret content (private keys, password hashes) is never printed, not even
 * in a dry-run: its sizes and SHA-256 say that, and how, it changes.
 */
static int render_secret(struct buf *out, const struct image *a, const struct image *b)
{
	buf_puts(out, "content changed (secret, not shown): ");
	if (a->exists && a->have_content)
		buf_printf(out, "%zu bytes, sha256 %.16s", a->size, a->sha);
	else
		buf_puts(out, a->exists ? "old content" : "new file");
	buf_puts(out, " -> ");
	if (b->exists && b->have_content)
		buf_printf(out, "%zu bytes, sha256 %.16s\n", b->size, b->sha);
	else
		buf_puts(out, "removed\n");
	return buf_ok(out) ? 0 : -ENOMEM;
}

static int render_entry(const struct entry *e, struct buf *out)
{
	_cleanup_free_ char *p = escape_display(e->path), *la = NULL, *lb = NULL;
	char m[8];

	if (!p)
		return -ENOMEM;
	if (asprintf(&la, "a%s", p) < 0 || asprintf(&lb, "b%s", p) < 0)
		return -ENOMEM;
	buf_printf(out, "diff --sshfix %s %s\n", la, lb);
	if (e->label)
		buf_printf(out, "# %s\n", e->label);

	switch (e->op) {
	case OP_SET_PERMS:
		render_mode_owner(out, &e->pre, &e->post);
		break;
	case OP_WRITE:
		if (!e->pre.exists) {
			buf_printf(out, "new file mode %s owner %u:%u\n", mode_str(e->post.mode, m),
				   (unsigned) e->post.uid, (unsigned) e->post.gid);
			if (e->secret)
				return render_secret(out, &e->pre, &e->post);
			return render_content(out, "", 0, e->post.content, e->post.size, "/dev/null", lb);
		}
		render_mode_owner(out, &e->pre, &e->post);
		if (e->secret)
			return render_secret(out, &e->pre, &e->post);
		return render_content(out, e->pre.content, e->pre.size, e->post.content, e->post.size, la, lb);
	case OP_MKDIR:
		buf_printf(out, "new directory mode %s owner %u:%u\n", mode_str(e->post.mode, m),
			   (unsigned) e->post.uid, (unsigned) e->post.gid);
		break;
	case OP_SYMLINK: {
		_cleanup_free_ char *l = escape_display(e->post.link);
		buf_printf(out, "new symlink -> %s\n", l ? l : "?");
		break;
	}
	case OP_UNLINK:
		if (S_ISREG(e->pre.mode)) {
			buf_printf(out, "deleted file mode %s\n", mode_str(e->pre.mode, m));
			if (e->secret)
				return render_secret(out, &e->pre, &e->post);
			return render_content(out, e->pre.content, e->pre.size, "", 0, la, "/dev/null");
		}
		buf_printf(out, "deleted %s\n", type_name(e->pre.mode));
		break;
	case OP_DISCARD:
		buf_puts(out, "deleted cache (derived from other files: rebuilt from them when next loaded; "
			      "deleted again by --undo)\n");
		break;
	case OP_SET_XATTR:
		render_xattrs(out, &e->pre, &e->post);
		break;
	case OP_RENAME: {
		_cleanup_free_ char *p2 = escape_display(e->path2);
		buf_printf(out, "rename from %s\nrename to %s\n", p, p2 ? p2 : "?");
		if (e->pre2.exists)
			buf_printf(out, "replacing existing %s %s\n", type_name(e->pre2.mode), p2 ? p2 : "?");
		break;
	}
	}
	return buf_ok(out) ? 0 : -ENOMEM;
}

int journal_render(const struct journal *j, size_t tag, struct buf *out)
{
	for (size_t i = 0; i < j->n; i++) {
		if (tag != (size_t) -1 && j->entries[i].tag != tag)
			continue;
		int r = render_entry(&j->entries[i], out);
		if (r < 0)
			return r;
	}
	return buf_ok(out) ? 0 : -ENOMEM;
}

static size_t count_lines(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			c++;
	return c + (n > 0 && s[n - 1] != '\n');
}

static void describe_entry(const struct entry *e, struct buf *out)
{
	char m1[8], m2[8];
	bool any = false;

	switch (e->op) {
	case OP_SET_PERMS:
		if ((e->pre.mode & 07777) != (e->post.mode & 07777)) {
			buf_printf(out, "chmod %s -> %s", mode_str(e->pre.mode, m1), mode_str(e->post.mode, m2));
			any = true;
		}
		if (e->pre.uid != e->post.uid || e->pre.gid != e->post.gid)
			buf_printf(out, "%schown %u:%u -> %u:%u", any ? ", " : "", (unsigned) e->pre.uid,
				   (unsigned) e->pre.gid, (unsigned) e->post.uid, (unsigned) e->post.gid);
		break;
	case OP_WRITE:
		if (e->pre.exists)
			buf_printf(out, "rewrite (%zu -> %zu lines)", count_lines(e->pre.content, e->pre.size),
				   count_lines(e->post.content, e->post.size));
		else
			buf_printf(out, "create file, mode %s", mode_str(e->post.mode, m1));
		break;
	case OP_MKDIR:
		buf_printf(out, "create directory, mode %s", mode_str(e->post.mode, m1));
		break;
	case OP_SYMLINK:
		buf_puts(out, "create symlink");
		break;
	case OP_UNLINK:
		buf_printf(out, "remove %s", type_name(e->pre.mode));
		break;
	case OP_DISCARD:
		buf_puts(out, "remove cache");
		break;
	case OP_SET_XATTR:
		buf_printf(out, "%s xattr %s", xattr_find(&e->post, e->xattr_name) ? "set" : "remove", e->xattr_name);
		break;
	case OP_RENAME:
		buf_puts(out, "rename");
		break;
	}
}

int journal_describe(const struct journal *j, size_t tag, struct buf *out, const char *sep)
{
	bool first = true;

	for (size_t i = 0; i < j->n; i++) {
		if (j->entries[i].tag != tag)
			continue;
		if (!first)
			buf_puts(out, sep);
		describe_entry(&j->entries[i], out);
		first = false;
	}
	return buf_ok(out) ? 0 : -ENOMEM;
}

