/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "confdirs.h"
#include "units.h"
#include "util.h"

/* Unit files and tmpfiles.d are small; a larger one is not a real one. */
#define UNIT_FILE_MAX (1u << 20)

/* systemd's system unit search path, most important first (systemd.unit(5)),
 * without the transient and generator directories a stopped system lacks. */
const char *const units_search_path[] = {
	"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system", "/lib/systemd/system", NULL,
};
#define N_UNIT_DIRS (ELEMENTSOF(units_search_path) - 1)

/* Debian and Ubuntu call it ssh.service (with an sshd.service alias), the others sshd.service (RULES §11.1). */
static const char *const ssh_units[] = { "ssh.service", "sshd.service" };

static bool is_regular(struct target *t, const char *path)
{
	struct stat st;

	return target_stat(t, path, &st) == 0 && S_ISREG(st.st_mode);
}

int units_ssh_service(struct target *t, char **ret_path)
{
	for (size_t u = 0; u < ELEMENTSOF(ssh_units); u++)
		for (size_t d = 0; d < N_UNIT_DIRS; d++) {
			_cleanup_free_ char *p = path_join(units_search_path[d], ssh_units[u]);
			if (!p)
				return -ENOMEM;
			/* A link to /dev/null (masked) is not a unit file; the
			 * service check reports masking, we look further. */
			if (!is_regular(t, p))
				continue;
			*ret_path = TAKE_PTR(p);
			return 1;
		}
	return 0;
}

int units_collect(const char *file, const char *text, size_t len, const char *section, const char *key,
		  bool words, struct uvals *acc)
{
	struct unit_file f;
	int r;

	r = unit_file_parse(file, text, len, &f);
	if (r < 0)
		return r;
	r = unit_file_collect(&f, section, key, words ? UV_WORDS : 0, acc);
	unit_file_done(&f);
	return r;
}

int unit_text_runtime_dirs(const char *text, size_t len, char ***dirs)
{
	_cleanup_uvals_ struct uvals v = {0};
	int r;

	r = units_collect("", text, len, "Service", "RuntimeDirectory", true, &v);
	if (r < 0)
		return r;
	/* "RuntimeDirectory=" resets the list (systemd.exec(5)), also what earlier files set. */
	if (v.reset) {
		strv_free(*dirs);
		*dirs = NULL;
	}
	for (size_t i = 0; i < v.n; i++) {
		const char *word = v.v[i].value;
		/* systemd refuses names that leave /run; so do we. */
		if (strstr(word, "..") || word[0] == '/' || strv_contains(*dirs, word))
			continue;
		if (strv_push(dirs, strdup(word)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int read_unit_into(struct target *t, const char *path, char ***dirs)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r;

	r = target_read_file(t, path, UNIT_FILE_MAX, &data, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;	/* unreadable: systemd would skip it too */
	return unit_text_runtime_dirs(data, len, dirs);
}

int units_ssh_runtime_dirs(struct target *t, char ***ret_dirs, char **ret_unit)
{
	_cleanup_strv_free_ char **dirs = NULL, **dropin_dirs = NULL, **paths = NULL;
	_cleanup_free_ char *unit = NULL, *dropin = NULL;
	int r;

	r = units_ssh_service(t, &unit);
	if (r < 0)
		return r;
	if (r > 0) {
		r = read_unit_into(t, unit, &dirs);
		if (r < 0)
			return r;
		/* Drop-ins of the unit's own name, in name order, after the unit:
		 * the first entry of a name wins, a /dev/null link reads as empty. */
		if (asprintf(&dropin, "%s.d", path_last(unit)) < 0)
			return -ENOMEM;
		r = confdirs_join(units_search_path, dropin, &dropin_dirs);
		if (r < 0)
			return r;
		r = confdirs_list(t, (const char *const *) dropin_dirs, ".conf", CONFDIRS_SKIP_HIDDEN, &paths, NULL);
		if (r < 0)
			return r;
		for (size_t i = 0; paths[i]; i++) {
			r = read_unit_into(t, paths[i], &dirs);
			if (r < 0)
				return r;
		}
	}
	if (strv_ensure(&dirs) < 0)
		return -ENOMEM;
	*ret_dirs = TAKE_PTR(dirs);
	if (ret_unit)
		*ret_unit = TAKE_PTR(unit);
	return 0;
}

int units_boot_clears_nologin(struct target *t, char **ret_why)
{
	struct target_path init = {0};
	_cleanup_free_ char *unit = NULL, *wanted = NULL;
	struct stat st;
	int r;

	/* systemd is the init the kernel starts. */
	r = target_resolve(t, "/sbin/init", 0, &init, NULL);
	if (r == -ENOMEM)
		return r;
	bool systemd = r == 0 && init.exists && S_ISREG(init.st.st_mode) && streq(path_last(init.canon), "systemd");
	target_path_done(&init);
	if (!systemd)
		return 0;
	/* The unit: the first one in the search path, unless masked (a link to /dev/null, an empty file). */
	for (size_t d = 0; d < N_UNIT_DIRS && !unit; d++) {
		_cleanup_free_ char *p = path_join(units_search_path[d], "systemd-user-sessions.service");
		if (!p)
			return -ENOMEM;
		if (target_lstat(t, p, &st) < 0)
			continue;
		if (target_stat(t, p, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
			return 0;	/* masked */
		unit = TAKE_PTR(p);
	}
	if (!unit)
		return 0;
	/* Pulled in at every boot: systemd ships the multi-user.target.wants link (static). */
	for (size_t d = 0; d < N_UNIT_DIRS && !wanted; d++) {
		_cleanup_free_ char *p = NULL;
		if (asprintf(&p, "%s/multi-user.target.wants/systemd-user-sessions.service", units_search_path[d]) < 0)
			return -ENOMEM;
		if (target_lstat(t, p, &st) == 0)
			wanted = TAKE_PTR(p);
	}
	if (!wanted)
		return 0;
	if (ret_why && asprintf(ret_why, "systemd-user-sessions.service (%s, pulled in by %s) removes it at every boot",
				unit, wanted) < 0)
		return -ENOMEM;
	return 1;
}
