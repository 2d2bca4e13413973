/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "util.h"

int client_default_home(struct target *t, char **ret)
{
	const char *env = getenv("HOME");
	_cleanup_free_ char *data = NULL;
	struct acct_file passwd = { .kind = ACCT_PASSWD };
	size_t len = 0;
	int r;

	if (env && env[0] == '/') {
		*ret = strdup(env);
		return *ret ? 0 : -ENOMEM;
	}
	r = target_read_file(t, "/etc/passwd", CONFIG_MAX, &data, &len);
	if (r < 0)
		return r == -ENOMEM ? r : -ENOENT;
	r = acct_file_parse(ACCT_PASSWD, data, len, &passwd);
	if (r < 0)
		return r;
	struct accounts a = { .passwd = passwd };
	const struct pw_entry *pw = accounts_user_by_uid(&a, getuid());
	r = -ENOENT;
	if (pw && pw->dir && pw->dir[0] == '/') {
		*ret = strdup(pw->dir);
		r = *ret ? 0 : -ENOMEM;
	}
	acct_file_done(&passwd);
	return r;
}

/* The first account whose home is path (as written, or canonical). */
static const struct pw_entry *user_by_home(const struct accounts *a, const char *given, const char *canon)
{
	_cleanup_free_ char *g = path_simplify(given);

	for (size_t i = 0; i < a->passwd.n_entries; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		_cleanup_free_ char *d = NULL;
		if (!pw->dir || pw->dir[0] != '/' || accounts_user_by_name(a, pw->name) != pw)
			continue;
		d = path_simplify(pw->dir);
		if (d && ((g && streq(d, g)) || streq(d, canon)))
			return pw;
	}
	return NULL;
}

int client_home_resolve(struct target *t, const struct accounts *a, const char *home, bool given,
			struct client_home *ret)
{
	struct target_path tp = {0};
	const struct pw_entry *pw = NULL;
	uid_t uid;
	int r;

	*ret = (struct client_home) {0};
	r = target_resolve(t, home, 0, &tp, NULL);
	if (r < 0)
		return r;
	if (!tp.exists || !S_ISDIR(tp.st.st_mode)) {
		r = tp.exists ? -ENOTDIR : -ENOENT;
		target_path_done(&tp);
		return r;
	}
	ret->home = TAKE_PTR(tp.canon);
	ret->st = tp.st;
	target_path_done(&tp);

	if (given)
		pw = user_by_home(a, home, ret->home);
	uid = pw ? pw->uid : given ? ret->st.st_uid : getuid();
	if (!pw)
		pw = accounts_user_by_uid(a, uid);
	ret->pw_known = pw != NULL;
	ret->pw.uid = uid;
	ret->pw.gid = pw ? pw->gid : ret->st.st_gid;
	if (pw)
		ret->pw.name = strdup(pw->name);
	else if (asprintf(&ret->pw.name, "uid %u", (unsigned) uid) < 0)
		ret->pw.name = NULL;
	if (!ret->pw.name) {
		client_home_done(ret);
		return -ENOMEM;
	}
	return 0;
}

void client_home_done(struct client_home *h)
{
	free(h->home);
	free(h->pw.name);
	*h = (struct client_home) {0};
}

int client_set_undo_dir(struct target *t, const char *home)
{
	struct target_path tp = {0};
	_cleanup_free_ char *dir = NULL;
	int r;

	if (geteuid() == 0)
		return 0;
	/* The canonical home: the store's path is walked refusing users' symlinks. */
	r = target_resolve(t, home, 0, &tp, NULL);
	if (r < 0)
		return r;
	dir = tp.exists ? path_join(tp.canon, CLIENT_UNDO_SUBDIR) : NULL;
	r = tp.exists ? 0 : -ENOENT;
	target_path_done(&tp);
	if (r < 0)
		return r;
	if (!dir)
		return -ENOMEM;
	return target_set_undo_dir(t, dir);
}
