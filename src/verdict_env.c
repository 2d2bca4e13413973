/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The facts every user's verdict reads, read once per pass (src/verdict.h's
 * struct verdict_env): /etc/nologin, /etc/shells, sshd's PAM service and
 * pam_limits' files, the host name, the sshd oracle; and the caches that
 * keep 10,000 accounts from costing 10,000 times the same lookups (the
 * shells, the AuthorizedKeysCommand).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "units.h"
#include "util.h"
#include "verdict.h"

/* The shells of 10,000 accounts are a handful of paths: stat each once. */
#define SHELLS_SEEN_MAX 16
struct verdict_shells {
	char *path[SHELLS_SEEN_MAX];
	struct stat st[SHELLS_SEEN_MAX];
	int r[SHELLS_SEEN_MAX];
	size_t n;
};

/* Days since 1970; SOURCE_DATE_EPOCH wins, as for the shadow lines sshfix writes. */
static long days_now(void)
{
	return (long) (clock_now() / 86400);
}

/* The body of verdict_env_init(). */
static int env_fill(struct target *t, const struct model *m, struct verdict_env *e)
{
	_cleanup_free_ char *shells = NULL;
	struct stat st;
	size_t len;
	int r;

	e->cache = calloc(1, sizeof(*e->cache));
	e->shells_seen = calloc(1, sizeof(*e->shells_seen));
	if (!e->cache || !e->shells_seen)
		return -ENOMEM;
	e->nologin = target_lstat(t, "/etc/nologin", &st) == 0;
	e->this_system = target_is_this_system(t);
	if (e->nologin && (r = units_boot_clears_nologin(t, &e->nologin_cleared)) < 0)
		return r;
	if (target_read_file(t, "/etc/shells", CONFIG_MAX, &shells, &len) == 0) {
		if (strv_ensure(&e->shells) < 0)
			return -ENOMEM;
		for (char *p = shells; p < shells + len;) {
			size_t n = strcspn(p, "\n");
			char *line = p;
			p += n + (p[n] == '\n');
			line[n] = '\0';
			line += strspn(line, " \t");
			line[strcspn(line, " \t\r#")] = '\0';
			if (*line == '/' && strv_push(&e->shells, strdup(line)) < 0)
				return -ENOMEM;
		}
	}
	/* sshd's PAM service, as the model read it (or read here when it did not). */
	if (m && m->pam)
		e->pam = m->pam;
	else {
		const struct sshd_option *svc = m ? sshd_config_first(m->sshd, "PAMServiceName") : NULL;
		e->pam_own = calloc(1, sizeof(*e->pam_own));
		if (!e->pam_own)
			return -ENOMEM;
		r = pam_stack_load(t, svc && svc->args[0] ? svc->args[0] : "sshd", e->pam_own);
		if (r < 0)
			return r;
		e->pam = e->pam_own;
	}
	/* pam_limits in the session stack, unless optional (RULES §12.1). */
	r = pam_limits_in_session(e->pam, &e->pam_limits_where);
	if (r < 0)
		return r;
	e->pam_limits = r > 0;
	{
		_cleanup_free_ char *h = NULL;
		size_t hl = 0;
		if (target_read_file(t, "/etc/hostname", 4096, &h, &hl) == 0) {
			h[strcspn(h, " \t\r\n")] = '\0';
			if (*h)
				e->hostname = TAKE_PTR(h);
		}
	}
	r = pam_limits_load(t, &e->limits);
	if (r < 0)
		return r;
	e->oracle = m ? m->oracle : NULL;
	return 0;
}

bool verdict_nologin_blocks(const struct verdict_env *env)
{
	return env->nologin && (env->this_system || !env->nologin_cleared);
}

int verdict_env_init(struct target *t, const struct model *m, struct verdict_env *ret)
{
	struct verdict_env e = { .today = days_now() };
	int r;

	r = env_fill(t, m, &e);
	if (r < 0) {
		verdict_env_done(&e);
		return r;
	}
	*ret = e;
	return 0;
}

void verdict_env_done(struct verdict_env *e)
{
	pam_limits_done(&e->limits);
	strv_free(e->shells);
	free(e->pam_limits_where);
	free(e->nologin_cleared);
	pam_stack_done(e->pam_own);
	free(e->pam_own);
	pam_cache_free(e->pam_cache);
	free(e->hostname);
	free(e->keys_command);
	free(e->keys_command_refused);
	keywalk_cache_done(e->cache);
	free(e->cache);
	for (size_t i = 0; e->shells_seen && i < e->shells_seen->n; i++)
		free(e->shells_seen->path[i]);
	free(e->shells_seen);
	verdict_config_done(&e->sshd_values);
	strv_free(e->notes);
	*e = (struct verdict_env) {0};
}


int verdict_env_stat_shell(struct target *t, struct verdict_env *env, const char *shell, struct stat *ret)
{
	struct verdict_shells *c = env->shells_seen;

	for (size_t i = 0; c && i < c->n; i++)
		if (streq(c->path[i], shell)) {
			*ret = c->st[i];
			return c->r[i];
		}
	int r = target_stat(t, shell, ret);
	if (r != -ENOMEM && c && c->n < SHELLS_SEEN_MAX && (c->path[c->n] = strdup(shell))) {
		c->st[c->n] = *ret;
		c->r[c->n++] = r;
	}
	return r;
}

int verdict_env_keys_command(struct target *t, const struct accounts *a, struct verdict_env *env,
			     const char *command)
{
	int r;

	if (env->keys_command && streq(env->keys_command, command))
		return 0;
	free(env->keys_command);
	free(env->keys_command_refused);
	env->keys_command_refused = NULL;
	env->keys_command = strdup(command);
	if (!env->keys_command)
		return -ENOMEM;
	/* The program is the first word (strv_join() put single spaces between words). */
	_cleanup_free_ char *program = strndup(command, strcspn(command, " "));
	if (!program)
		return -ENOMEM;
	r = keywalk_command_refused(t, a, t->facts.sshd_debian_patches, program, &env->keys_command_refused);
	return r < 0 ? r : 0;
}
