/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "units.h"
#include "util.h"

/* sshd prints some 130 lines; more than this is not an effective configuration. */
#define ORACLE_LINES_MAX 4096

struct oracle_entry {
	char *key;	/* connection and group; NULL: asked for one user only, never reused */
	struct oracle_config cfg;
};

struct oracle {
	struct target *t;
	struct units *units;	/* the run's provider (borrowed), or NULL: one is made for the question */
	oracle_run_fn run;
	void *userdata;
	char **run_dirs;	/* what boot makes under /run for sshd; computed on the first run */
	bool run_dirs_done;
	/* A run that could not start (no namespaces, another architecture): no other will. */
	int start_error;
	const char *start_why;
	char *unavailable;	/* why the effective configuration cannot be asked */
	char *refused;		/* sshd's last line when it refused to print it */
	bool tested;
	struct oracle_test test;
	struct oracle_entry **entries;	/* each its own allocation: answers handed out stay put */
	size_t n_entries;
	struct oracle_stats stats;
};

static int sandbox_runner(void *userdata, struct target *t, const char *const argv[],
			  const struct sandbox_opts *opts, struct sandbox_result *ret, const char **ret_why)
{
	(void) userdata;
	return sandbox_run(t, argv, opts, ret, ret_why);
}

int oracle_new_with(struct target *t, struct units *units, oracle_run_fn run, void *userdata, struct oracle **ret)
{
	struct oracle *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->t = t;
	o->units = units;
	o->run = run;
	o->userdata = userdata;
	*ret = o;
	return 0;
}

int oracle_new(struct target *t, struct units *units, struct oracle **ret)
{
	return oracle_new_with(t, units, sandbox_runner, NULL, ret);
}

void oracle_config_done(struct oracle_config *c)
{
	free(c->user);
	free(c->spec);
	free(c->lines);
	free(c->text);
	*c = (struct oracle_config) {0};
}

void oracle_free(struct oracle *o)
{
	if (!o)
		return;
	strv_free(o->run_dirs);
	free(o->unavailable);
	free(o->refused);
	free(o->test.last_line);
	for (size_t i = 0; i < o->n_entries; i++) {
		free(o->entries[i]->key);
		oracle_config_done(&o->entries[i]->cfg);
		free(o->entries[i]);
	}
	free(o->entries);
	free(o);
}

/* 9.3 added -G: the configuration without loading host keys (RULES §13.2).  An unknown
 * version gets -T, which every version knows (target_sshd_at_least() would say 9.3). */
static bool uses_g(const struct oracle *o)
{
	const struct target_facts *f = &o->t->facts;

	return f->sshd_major > 9 || (f->sshd_major == 9 && f->sshd_minor >= 3);
}

const char *oracle_config_flag(const struct oracle *o)
{
	/* -G alone refuses -C ("Config test connection parameter (-C) provided without test mode
	 * (-T)", 10.0 on Debian 13); with -T too, it prints before loading any host key. */
	return uses_g(o) ? "-G -T" : "-T";
}

const char *oracle_unavailable(const struct oracle *o)
{
	return o ? o->unavailable : NULL;
}

const char *oracle_refused(const struct oracle *o)
{
	return o ? o->refused : NULL;
}

void oracle_stats(const struct oracle *o, struct oracle_stats *ret)
{
	*ret = o ? o->stats : (struct oracle_stats) {0};
}

/*
 * What boot makes under /run for sshd: the unit's RuntimeDirectory=, and the
 * privilege separation directory when tmpfiles.d makes it (RULES §4.3), so
 * that sshd finds them as it would after a boot.
 */
static int run_dirs(struct oracle *o)
{
	struct units *own = NULL;
	int r;

	if (o->run_dirs_done)
		return 0;
	if (!o->units && (r = units_new(o->t, &own)) < 0)
		return r;
	r = units_sshd_run_dirs(own ? own : o->units, o->t->facts.sshd_privsep_dir, &o->run_dirs);
	units_free(own);
	if (r < 0)
		return r;
	o->run_dirs_done = true;
	return 0;
}

/*
 * Run the target's sshd with args.  Returns 0 with *res when it ran
 * (whatever its exit status), 1 when it could not start (o->start_why),
 * or -ENOMEM.
 */
static int run_sshd(struct oracle *o, const char *const args[], struct sandbox_result *res)
{
	const char *argv[6] = { o->t->facts.sshd_path };
	const char *why = NULL;
	size_t n = 1;
	int r;

	if (o->start_error)
		return 1;
	for (size_t i = 0; args[i] && n < ELEMENTSOF(argv) - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	r = run_dirs(o);
	if (r < 0)
		return r;
	const struct sandbox_opts opts = { .timeout_sec = ORACLE_TIMEOUT_SEC,
					   .run_dirs = (const char *const *) o->run_dirs };
	o->stats.runs++;
	r = o->run(o->userdata, o->t, argv, &opts, res, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		o->start_error = r;
		o->start_why = why;
		return 1;
	}
	return 0;
}

int oracle_test(struct oracle *o, const struct oracle_test **ret)
{
	struct sandbox_result res = {0};
	const char *const args[] = { "-t", NULL };
	int r;

	if (!o->t->facts.sshd_path)
		return 0;
	if (!o->tested) {
		r = run_sshd(o, args, &res);
		if (r < 0)
			return r;
		if (r > 0)
			o->test = (struct oracle_test) { .why = o->start_why, .error = o->start_error };
		else {
			o->test = (struct oracle_test) { .ran = true, .timed_out = res.timed_out,
							 .exit_status = res.exit_status,
							 .last_line = last_line(res.output ? res.output : "") };
			sandbox_result_done(&res);
			if (!o->test.last_line)
				return -ENOMEM;
		}
		o->tested = true;
	}
	*ret = &o->test;
	return 1;
}

/* A -C value: sshd splits the specification at ',' and reads no quoting. */
static bool spec_value_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p == ',' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static char *spec_of(const struct oracle_conn *c)
{
	char *s = NULL, port[32] = "";

	if (!spec_value_ok(c->user) || !spec_value_ok(c->host) || !spec_value_ok(c->addr) ||
	    (c->laddr && !spec_value_ok(c->laddr)))
		return strdup("");
	if (c->lport)
		snprintf(port, sizeof(port), ",lport=%u", c->lport);
	if (asprintf(&s, "user=%s,host=%s,addr=%s%s%s%s", c->user, c->host, c->addr, c->laddr ? ",laddr=" : "",
		     c->laddr ? c->laddr : "", port) < 0)
		return NULL;
	return s;
}

/* The connection without the user, and the group: what makes two answers the same. */
static char *key_of(const struct oracle_conn *c, const char *group)
{
	char *s = NULL;

	if (asprintf(&s, "%s\n%s\n%s\n%u\n%s", c->host, c->addr, c->laddr ? c->laddr : "", c->lport, group) < 0)
		return NULL;
	return s;
}

/*
 * sshd's output as `keyword value` lines.  Anything else the sandbox
 * caught (stderr warnings such as "FILE line N: Deprecated option", lines
 * with a NUL) is dropped: the keyword must be a word of letters and digits.
 */
static int split_lines(const char *out, size_t len, struct oracle_config *c)
{
	size_t n = 0;

	c->text = malloc(len + 1);
	if (!c->text)
		return -ENOMEM;
	memcpy(c->text, out, len);
	c->text[len] = '\0';
	for (size_t off = 0; off < len && n < ORACLE_LINES_MAX;) {
		char *line = c->text + off, *nl = memchr(line, '\n', len - off);
		size_t m = nl ? (size_t) (nl - line) : len - off, k;

		off += m + (nl ? 1 : 0);
		if (memchr(line, '\0', m))
			continue;
		line[m] = '\0';
		if (m && line[m - 1] == '\r')
			line[--m] = '\0';
		for (k = 0; k < m && isalnum((unsigned char) line[k]); k++)
			line[k] = (char) tolower((unsigned char) line[k]);
		if (k == 0 || (k < m && line[k] != ' '))
			continue;
		struct oracle_line *nv = realloc(c->lines, (n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		c->lines = nv;
		c->lines[n].keyword = line;
		c->lines[n].value = k < m ? line + k + 1 : line + k;
		line[k] = '\0';
		c->n_lines = ++n;
	}
	return 0;
}

int oracle_config_parse(const char *out, size_t len, struct oracle_config *ret)
{
	struct oracle_config c = {0};
	int r;

	r = split_lines(out, len, &c);
	if (r < 0) {
		oracle_config_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}

static const struct oracle_config *find(const struct oracle *o, const char *key)
{
	for (size_t i = 0; key && i < o->n_entries; i++)
		if (o->entries[i]->key && streq(o->entries[i]->key, key))
			return &o->entries[i]->cfg;
	return NULL;
}

/* Ask sshd; returns 1 with a new entry (keyed key, which it takes), 0 when not asked, or -ENOMEM. */
static int ask(struct oracle *o, const struct oracle_conn *conn, char *key, const struct oracle_config **ret)
{
	_cleanup_free_ char *k = key, *spec = spec_of(conn);
	struct sandbox_result res = {0};
	int r;

	if (!spec)
		return -ENOMEM;
	if (!spec[0])
		return 0;	/* a name sshd's -C cannot take */
	if (!o->start_error && o->stats.config_runs >= ORACLE_CONFIG_RUNS_MAX) {
		o->stats.config_skipped++;
		return 0;
	}
	bool extended = !uses_g(o);
	const char *const args[] = { "-T", "-C", spec, NULL }, *const args_g[] = { "-G", "-T", "-C", spec, NULL };
	/* -T makes every check -t makes before it prints (RULES §13.2): when -t failed, so does -T. */
	if (extended && o->tested && o->test.ran && !o->test.timed_out && o->test.exit_status != 0) {
		o->refused = strdup(o->test.last_line);
		return o->refused ? 0 : -ENOMEM;
	}
	if (!o->start_error)
		o->stats.config_runs++;
	r = run_sshd(o, extended ? args : args_g, &res);
	if (r < 0)
		return r;
	if (r > 0) {
		o->unavailable = strdup(o->start_why ? o->start_why : strerror(-o->start_error));
		return o->unavailable ? 0 : -ENOMEM;
	}
	if (res.timed_out) {
		char *why = NULL;
		sandbox_result_done(&res);
		if (asprintf(&why, "it did not finish in %u s", ORACLE_TIMEOUT_SEC) < 0)
			return -ENOMEM;
		o->unavailable = why;
		return 0;
	}
	if (res.exit_status != 0) {
		/* A configuration sshd refuses is refused for everybody: ask no more. */
		o->refused = last_line(res.output ? res.output : "");
		sandbox_result_done(&res);
		return o->refused ? 0 : -ENOMEM;
	}
	/* ... and when -T went through, so would -t: it stops where -T starts printing. */
	if (extended && !o->tested) {
		o->test = (struct oracle_test) { .ran = true, .implied = true, .last_line = strdup("") };
		if (!o->test.last_line) {
			sandbox_result_done(&res);
			return -ENOMEM;
		}
		o->tested = true;
	}

	struct oracle_entry **nv = realloc(o->entries, (o->n_entries + 1) * sizeof(*nv));
	if (nv)
		o->entries = nv;
	_cleanup_free_ struct oracle_entry *e = calloc(1, sizeof(*e));
	if (!nv || !e) {
		sandbox_result_done(&res);
		return -ENOMEM;
	}
	r = oracle_config_parse(res.output ? res.output : "", res.output ? res.output_len : 0, &e->cfg);
	sandbox_result_done(&res);
	if (r < 0)
		return r;
	e->cfg.flag = oracle_config_flag(o);
	if (!(e->cfg.user = strdup(conn->user))) {
		oracle_config_done(&e->cfg);
		return -ENOMEM;
	}
	e->cfg.spec = TAKE_PTR(spec);
	e->key = TAKE_PTR(k);
	*ret = &e->cfg;
	o->entries[o->n_entries++] = TAKE_PTR(e);
	return 1;
}

int oracle_config(struct oracle *o, const struct oracle_conn *conn, const char *group,
		  const struct oracle_config **ret)
{
	_cleanup_free_ char *key = NULL;
	const struct oracle_config *c;
	int r;

	if (!o || !o->t->facts.sshd_path || o->unavailable || o->refused)
		return 0;
	if (group) {
		key = key_of(conn, group);
		if (!key)
			return -ENOMEM;
		if ((c = find(o, key))) {
			o->stats.config_answers++;
			*ret = c;
			return 1;
		}
	}
	r = ask(o, conn, TAKE_PTR(key), ret);
	if (r > 0)
		o->stats.config_answers++;
	return r;
}
