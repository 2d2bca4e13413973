/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The target's network mounts (see netmounts.h). */
#include "config.h"

#include <errno.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netmounts.h"
#include "run.h"
#include "util.h"

#define FSTAB_MAX (1u << 20)

static const struct {
	const char *fstype;
	enum netmount_kind kind;
} net_types[] = {
	{ "nfs", NETMOUNT_NFS },  { "nfs4", NETMOUNT_NFS },  { "cifs", NETMOUNT_SMB },
	{ "smb3", NETMOUNT_SMB }, { "smbfs", NETMOUNT_SMB },
};

void netmounts_free(struct netmounts *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].where);
		free(l->v[i].source);
		free(l->v[i].fstype);
	}
	free(l->v);
	free(l);
}

static void mnt_tablep(struct libmnt_table **tb)
{
	mnt_unref_table(*tb);
}

static void mnt_iterp(struct libmnt_iter **it)
{
	mnt_free_iter(*it);
}

static int add(struct netmounts *l, const char *where, const char *source, const char *fstype, enum netmount_kind kind)
{
	struct netmount *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	l->v = nv;
	nv[l->n] = (struct netmount) { .where = strdup(where), .source = strdup(source ? source : "?"),
				       .fstype = strdup(fstype), .kind = kind };
	l->n++;
	char *w = nv[l->n - 1].where;
	if (!w || !nv[l->n - 1].source || !nv[l->n - 1].fstype)
		return -ENOMEM;
	for (size_t n = strlen(w); n > 1 && w[n - 1] == '/'; n--)
		w[n - 1] = '\0';	/* "/home/" is /home */
	return 0;
}

static int parse(struct run *run, char *data, size_t len, struct netmounts *l)
{
	_cleanup_(mnt_tablep) struct libmnt_table *tb = mnt_new_table();
	_cleanup_(mnt_iterp) struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	_cleanup_fclose_ FILE *f = fmemopen(data, len, "r");
	struct libmnt_fs *fs;
	int r;

	if (!tb || !it || !f)
		return -ENOMEM;
	if (mnt_table_parse_stream(tb, f, "/etc/fstab") < 0 &&
	    (r = model_note(&run->model, "/etc/fstab has lines libmount cannot parse; they were skipped")) < 0)
		return r;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *where = mnt_fs_get_target(fs), *type = mnt_fs_get_fstype(fs);
		for (size_t i = 0; where && where[0] == '/' && type && i < ELEMENTSOF(net_types); i++)
			if (streq(type, net_types[i].fstype) &&
			    (r = add(l, where, mnt_fs_get_source(fs), type, net_types[i].kind)) < 0)
				return r;
	}
	return 0;
}

int netmounts_get(struct run *run, const struct netmounts **ret)
{
	if (!run->model.netmounts) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		struct netmounts *l = calloc(1, sizeof(*l));
		if (!l)
			return -ENOMEM;
		int r = target_read_file_optional(run->target, "/etc/fstab", FSTAB_MAX, &data, &len);
		if (r >= 0 && len > 0)
			r = parse(run, data, len, l);
		else if (r < 0 && r != -ENOENT && r != -ENOMEM)
			r = model_note(&run->model, "/etc/fstab cannot be read (%s): homes on NFS or SMB were not looked for",
				       strerror(-r));
		else if (r == -ENOENT)
			r = 0;
		if (r < 0) {
			netmounts_free(l);
			return r;
		}
		run->model.netmounts = l;
	}
	*ret = run->model.netmounts;
	return 0;
}

const struct netmount *netmount_of(const struct netmounts *l, const char *path)
{
	const struct netmount *m = NULL;

	for (size_t i = 0; l && path && i < l->n; i++)
		if (path_is_below(path, l->v[i].where) && (!m || strlen(l->v[i].where) >= strlen(m->where)))
			m = &l->v[i];
	return m;
}
