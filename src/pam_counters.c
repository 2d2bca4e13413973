/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pam_faillock and pam_tally2 counters (see the header).  The rules, from
 * Linux-PAM 1.5.2 pam_faillock.c (args_parse(), read_config_file(),
 * check_tally()) and 1.4.0 pam_tally2.c (tally_parse_args(), tally_check()):
 *
 *  - faillock: deny 3, fail_interval 900, unlock_time 600 (or "never"),
 *    root_unlock_time as unlock_time; faillock.conf first, then the line's
 *    own options.  Failures: valid records less than fail_interval older
 *    than the latest.  Refused when failures >= deny, unless unlock_time is
 *    set and has passed since the latest; root only with even_deny_root.
 *  - tally2: refused on the next attempt when fail_cnt >= deny (the attempt
 *    makes it exceed deny), unless unlock_time has passed since fail_time;
 *    root only with even_deny_root; never with magic_root, since sshd's PAM
 *    runs as uid 0.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "pam_counters.h"
#include "util.h"

#define FAILLOCK_DIR "/var/run/faillock"
#define FAILLOCK_CONF "/etc/security/faillock.conf"
#define TALLYLOG "/var/log/tallylog"
/* A tallylog is sparse (uid * 64): past this, it is not read whole. */
#define TALLYLOG_MAX CONFIG_MAX

uint64_t pam_counters_now(void)
{
	return (uint64_t) clock_now();
}

void pam_counters_done(struct pam_counters *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].user);
		free(c->v[i].path);
	}
	free(c->v);
	strv_free(c->notes);
	*c = (struct pam_counters) {0};
}

struct opts {
	char *dir;		/* faillock */
	const char *file;	/* tally2 */
	unsigned deny;
	unsigned fail_interval;
	unsigned long unlock_time, root_unlock_time;
	bool root_unlock_set, even_deny_root, magic_root;
};

static bool number(const char *v, unsigned long max, unsigned long *ret)
{
	unsigned long long x;

	if (parse_uint(v, 10, max, &x) < 0)
		return false;
	*ret = (unsigned long) x;
	return true;
}

/* set_conf_opt() */
static int faillock_opt(struct opts *o, const char *name, const char *value)
{
	unsigned long v;

	if (streq(name, "dir")) {
		if (value[0] == '/') {
			char *d = strdup(value);
			if (!d)
				return -ENOMEM;
			free(o->dir);
			o->dir = d;
		}
	} else if (streq(name, "deny")) {
		if (number(value, 65535, &v))
			o->deny = (unsigned) v;
	} else if (streq(name, "fail_interval")) {
		if (number(value, 604800, &v))
			o->fail_interval = (unsigned) v;
	} else if (streq(name, "unlock_time")) {
		if (streq(value, "never"))
			o->unlock_time = 0;
		else if (number(value, 604800, &v))
			o->unlock_time = v;
	} else if (streq(name, "root_unlock_time")) {
		o->root_unlock_set = true;
		if (streq(value, "never"))
			o->root_unlock_time = 0;
		else if (number(value, 604800, &v))
			o->root_unlock_time = v;
	} else if (streq(name, "even_deny_root"))
		o->even_deny_root = true;
	return 0;
}

static int faillock_options(struct target *t, const struct pam_line *l, struct opts *o)
{
	const char *conf = pam_line_arg(l, "conf");
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	*o = (struct opts) { .deny = 3, .fail_interval = 900, .unlock_time = 600 };
	o->dir = strdup(FAILLOCK_DIR);
	if (!o->dir)
		return -ENOMEM;
	r = target_read_file(t, conf ? conf : FAILLOCK_CONF, CONFIG_MAX, &data, &len);
	if (r == -ENOMEM)
		return r;
	for (size_t off = 0; r == 0 && off < len;) {
		const char *s = data + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t) (nl - s) : len - off;
		off += n + (nl ? 1 : 0);
		_cleanup_free_ char *line = strndup(s, n);
		if (!line)
			return -ENOMEM;
		line[strcspn(line, "#")] = '\0';
		char *p = line + strspn(line, " \t\r");
		size_t k = strcspn(p, " \t\r=");
		if (!k)
			continue;
		char *v = p + k;
		bool eq = *v == '=';
		*v++ = '\0';
		v += strspn(v, " \t\r");
		if (!eq && *v == '=')
			v += 1 + strspn(v + 1, " \t\r");
		v[strcspn(v, " \t\r")] = '\0';
		if ((r = faillock_opt(o, p, v)) < 0)
			return r;
	}
	for (size_t i = 0; l->args[i]; i++) {
		const char *a = l->args[i], *eq = strchr(a, '=');
		if (startswith(a, "conf="))
			continue;
		_cleanup_free_ char *name = eq ? strndup(a, (size_t) (eq - a)) : strdup(a);
		if (!name)
			return -ENOMEM;
		if ((r = faillock_opt(o, name, eq ? eq + 1 : "")) < 0)
			return r;
	}
	if (!o->root_unlock_set)
		o->root_unlock_time = o->unlock_time;
	return 0;
}

static void tally2_options(const struct pam_line *l, struct opts *o)
{
	unsigned long v;

	*o = (struct opts) { .file = TALLYLOG };
	for (size_t i = 0; l->args[i]; i++) {
		const char *a = l->args[i];
		if (startswith(a, "file=") && a[5] == '/')
			o->file = a + 5;
		else if (startswith(a, "deny=") && number(a + 5, 65535, &v))
			o->deny = (unsigned) v;
		else if (startswith(a, "unlock_time=") && number(a + 12, ~0ul, &v))
			o->unlock_time = v;
		else if (startswith(a, "root_unlock_time=") && number(a + 17, ~0ul, &v)) {
			o->root_unlock_time = v;
			o->even_deny_root = true;	/* implied */
		} else if (streq(a, "even_deny_root") || streq(a, "even_deny_root_account"))
			o->even_deny_root = true;
		else if (streq(a, "magic_root"))
			o->magic_root = true;
	}
}

unsigned faillock_failures(const void *data, size_t len, unsigned fail_interval, uint64_t *ret_latest)
{
	const unsigned char *p = data;
	uint64_t latest = 0;
	unsigned n = 0;

	for (size_t off = 0; off + PAM_COUNTER_RECORD <= len; off += PAM_COUNTER_RECORD) {
		uint16_t status;
		uint64_t time;
		memcpy(&status, p + off + 54, sizeof(status));
		memcpy(&time, p + off + 56, sizeof(time));
		if ((status & 1) && time > latest)
			latest = time;
	}
	for (size_t off = 0; off + PAM_COUNTER_RECORD <= len; off += PAM_COUNTER_RECORD) {
		uint16_t status;
		uint64_t time;
		memcpy(&status, p + off + 54, sizeof(status));
		memcpy(&time, p + off + 56, sizeof(time));
		if ((status & 1) && latest - time < fail_interval)
			n++;
	}
	*ret_latest = latest;
	return n;
}

int tallylog_reset(const void *data, size_t len, uid_t uid, char **ret)
{
	uint64_t off = (uint64_t) uid * PAM_COUNTER_RECORD;
	uint16_t zero = 0;
	char *c;

	if (off + PAM_COUNTER_RECORD > len)
		return -ENOENT;
	c = malloc(len ? len : 1);
	if (!c)
		return -ENOMEM;
	memcpy(c, data, len);
	memcpy(c + off + 54, &zero, sizeof(zero));
	*ret = c;
	return 0;
}

static bool under_run(const char *path)
{
	return startswith(path, "/run/") || startswith(path, "/var/run/") || streq(path, "/run") ||
	       streq(path, "/var/run");
}

static int push(struct pam_counters *c, const struct pam_counter *x)
{
	struct pam_counter *nv = realloc(c->v, (c->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	c->v = nv;
	nv[c->n++] = *x;
	return 0;
}

static int read_faillock(struct target *t, const struct accounts *a, const struct pam_line *l, uint64_t now,
			 struct pam_counters *c)
{
	_cleanup_strv_free_ char **names = NULL;
	struct opts o;
	int r;

	r = faillock_options(t, l, &o);
	if (r < 0) {
		free(o.dir);
		return r;
	}
	if (target_list_dir(t, o.dir, &names) < 0) {
		free(o.dir);
		return 0;	/* no records at all */
	}
	for (size_t i = 0; names[i]; i++) {
		const struct pw_entry *pw = accounts_user_by_name(a, names[i]);
		_cleanup_free_ char *path = path_join(o.dir, names[i]), *data = NULL;
		size_t len = 0;
		if (!path) {
			r = -ENOMEM;
			break;
		}
		struct stat st;
		if (!pw || target_lstat(t, path, &st) < 0 || target_read_file(t, path, CONFIG_MAX, &data, &len) < 0)
			continue;
		struct pam_counter x = { .kind = PAMC_FAILLOCK, .line = l, .uid = pw->uid, .tmpfs = under_run(o.dir),
					 .deny = o.deny, .unsafe = !S_ISREG(st.st_mode) || st.st_nlink > 1 };
		x.failures = faillock_failures(data, len, o.fail_interval, &x.latest);
		if (!x.failures)
			continue;
		bool admin = pw->uid == 0;
		unsigned long unlock = admin ? o.root_unlock_time : o.unlock_time;
		x.unlock_time = unlock;
		x.locked = o.deny && x.failures >= o.deny && (!admin || o.even_deny_root) &&
			   !(unlock && x.latest + unlock < now);
		x.unlocks_at = x.locked && unlock ? x.latest + unlock : 0;
		x.user = strdup(pw->name);
		x.path = TAKE_PTR(path);
		if (!x.user || (r = push(c, &x)) < 0) {
			free(x.user);
			free(x.path);
			r = -ENOMEM;
			break;
		}
	}
	free(o.dir);
	return r < 0 ? r : 0;
}

static int read_tally2(struct target *t, const struct accounts *a, const struct pam_line *l, uint64_t now,
		       struct pam_counters *c)
{
	_cleanup_free_ char *data = NULL;
	struct opts o;
	size_t len = 0;
	struct stat st;
	int r;

	tally2_options(l, &o);
	if (target_stat(t, o.file, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	struct stat lst;
	bool unsafe = target_lstat(t, o.file, &lst) < 0 || !S_ISREG(lst.st_mode) || lst.st_nlink > 1;
	if ((uint64_t) st.st_size > TALLYLOG_MAX) {
		char *n = NULL;
		if (asprintf(&n, "%s is %lld bytes (a sparse file indexed by uid): not read", o.file,
			     (long long) st.st_size) < 0)
			return -ENOMEM;
		return strv_push(&c->notes, n);
	}
	r = target_read_file(t, o.file, TALLYLOG_MAX, &data, &len);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for (size_t i = 0; i < a->passwd.n_entries; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		uint64_t off = (uint64_t) pw->uid * PAM_COUNTER_RECORD;
		uint16_t cnt;
		uint64_t when;
		if (accounts_user_by_name(a, pw->name) != pw || off + PAM_COUNTER_RECORD > len)
			continue;
		memcpy(&cnt, data + off + 54, sizeof(cnt));
		memcpy(&when, data + off + 56, sizeof(when));
		if (!cnt)
			continue;
		bool admin = pw->uid == 0;
		unsigned long unlock = admin ? o.root_unlock_time : o.unlock_time;
		struct pam_counter x = { .kind = PAMC_TALLY2, .line = l, .uid = pw->uid, .failures = cnt, .deny = o.deny,
					 .latest = when, .unlock_time = unlock, .tmpfs = under_run(o.file), .unsafe = unsafe };
		x.locked = !o.magic_root && o.deny && cnt >= o.deny && (!admin || o.even_deny_root) &&
			   !(unlock && when && when + unlock <= now);
		x.unlocks_at = x.locked && unlock && when ? when + unlock : 0;
		x.user = strdup(pw->name);
		x.path = strdup(o.file);
		if (!x.user || !x.path || push(c, &x) < 0) {
			free(x.user);
			free(x.path);
			return -ENOMEM;
		}
	}
	return 0;
}

int pam_counters_read(struct target *t, const struct accounts *a, const struct pam_stack *s, uint64_t now,
		      struct pam_counters *ret)
{
	struct pam_counters c = {0};
	bool faillock = false, tally2 = false;
	int r = 0;

	/* The first line of each module in the auth stack: its options decide the lock. */
	for (size_t i = 0; r >= 0 && i < s->n[PAMT_AUTH]; i++) {
		const struct pam_line *l = &s->lines[PAMT_AUTH][i];
		if (l->state == PAM_MODULE_MISSING)
			continue;
		if (!faillock && pam_line_is(l, "pam_faillock")) {
			faillock = true;
			r = read_faillock(t, a, l, now, &c);
		} else if (!tally2 && pam_line_is(l, "pam_tally2")) {
			tally2 = true;
			r = read_tally2(t, a, l, now, &c);
		}
	}
	if (r < 0) {
		pam_counters_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}
