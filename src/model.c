/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include "addresses.h"
#include "bootcmd.h"
#include "keyfiles.h"
#include "listen_set.h"
#include "logs.h"
#include "mac.h"
#include "netmounts.h"
#include "model.h"
#include "sshd_cmdline.h"
#include "units.h"
#include "oracle.h"
#include "util.h"

static const struct {
	const char *path;
	enum acct_kind kind;
	size_t offset;
} account_files[] = {
	{ "/etc/passwd", ACCT_PASSWD, offsetof(struct accounts, passwd) },
	{ "/etc/group", ACCT_GROUP, offsetof(struct accounts, group) },
	{ "/etc/shadow", ACCT_SHADOW, offsetof(struct accounts, shadow) },
};

static int load_accounts(struct run *run, const char **ret_path)
{
	struct accounts *a = &run->model.accounts;

	for (size_t i = 0; i < ELEMENTSOF(account_files); i++) {
		struct acct_file *f = (struct acct_file *) ((char *) a + account_files[i].offset);
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		int r;

		/* --client needs names, uids and groups only; a user cannot read shadow. */
		if (run->opt.client && account_files[i].kind == ACCT_SHADOW)
			r = -ENOENT;
		else
			r = target_read_file(run->target, account_files[i].path, CONFIG_MAX, &data, &len);
		if (r == -ENOENT) {
			*f = (struct acct_file) { .kind = account_files[i].kind };
			continue;
		}
		if (r < 0) {
			*ret_path = account_files[i].path;
			return r;
		}
		r = acct_file_parse_take(account_files[i].kind, TAKE_PTR(data), len, f);
		if (r < 0) {
			*ret_path = account_files[i].path;
			return r;
		}
		f->present = true;
	}
	run->model.accounts_loaded = true;
	return 0;
}

/*
 * The file sshd reads first.  A SUSE build (vendordir patch, sshd.c main())
 * reads its vendor file when that can be stat()ed and /etc/ssh/sshd_config
 * cannot: openSUSE Tumbleweed and SLE 16 ship only /usr/etc/ssh/sshd_config.
 * Every other build reads /etc/ssh/sshd_config, present or not.  Returns a
 * string that lives as long as the target.
 */
static const char *main_config_path(struct target *t)
{
	const char *vendor = t->facts.sshd_vendor_config;
	struct stat st;

	if (vendor && target_stat(t, SSHD_CONFIG_PATH, &st) < 0 && target_stat(t, vendor, &st) == 0)
		return vendor;
	return SSHD_CONFIG_PATH;
}

int model_load(struct run *run, const char **ret_path)
{
	const char *path = main_config_path(run->target);
	int r;

	*ret_path = NULL;
	r = load_accounts(run, ret_path);
	if (r < 0)
		return r;
	/* --client examines the connecting side: sshd's configuration is not read. */
	if (run->opt.client)
		return 0;
	r = sshd_config_load(run->target, path, &run->model.sshd);
	if (r < 0) {
		*ret_path = path;
		return r;
	}
	/* The target's sshd: nothing runs until a check asks. */
	r = oracle_new(run->target, run_units(run), &run->model.oracle);
	if (r < 0)
		return r;
	/* sshd's PAM service: "sshd", or PAMServiceName (9.8+). */
	const struct sshd_option *svc = sshd_config_first(run->model.sshd, "PAMServiceName");
	run->model.pam = calloc(1, sizeof(*run->model.pam));
	if (!run->model.pam)
		return -ENOMEM;
	return pam_stack_load(run->target, svc && svc->args[0] ? svc->args[0] : "sshd", run->model.pam);
}

int model_host_keys(const struct model *m, char ***ret, bool *ret_configured)
{
	static const char *const defaults[] = {
		"/etc/ssh/ssh_host_rsa_key",
		"/etc/ssh/ssh_host_ecdsa_key",
		"/etc/ssh/ssh_host_ed25519_key",
	};
	_cleanup_strv_free_ char **keys = NULL;
	bool configured = false;

	for (size_t i = 0; m->sshd && i < m->sshd->n_opts; i++) {
		const struct sshd_option *o = &m->sshd->opts[i];
		if (o->match >= 0 || (strcasecmp(o->keyword, "HostKey") != 0 && strcasecmp(o->keyword, "HostDSAKey") != 0))
			continue;
		configured = true;
		/* sshd resolves relative paths against its cwd, "/": not a path we can name. */
		if (o->args[0][0] == '/' && !strv_contains(keys, o->args[0]) && strv_push(&keys, strdup(o->args[0])) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; !configured && i < ELEMENTSOF(defaults); i++)
		if (strv_push(&keys, strdup(defaults[i])) < 0)
			return -ENOMEM;
	if (strv_ensure(&keys) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(keys);
	*ret_configured = configured;
	return 0;
}

void model_done(struct model *m)
{
	if (m->accounts_loaded)
		accounts_done(&m->accounts);
	listen_set_free(m->listen);	/* points into sshd */
	sshd_cmdline_free(m->cmdline);
	sshd_config_free(m->sshd);
	pam_stack_done(m->pam);
	free(m->pam);
	addresses_free(m->addresses);
	mac_free(m->mac);
	netmounts_free(m->netmounts);
	keyfiles_seen_free(m->keys_seen);
	logs_free(m->logs);
	boot_cmdline_done(m->boot);
	free(m->boot);
	oracle_free(m->oracle);	/* before the units it asks */
	units_free(m->units);
	strv_free(m->notes);
	*m = (struct model) {0};
}
