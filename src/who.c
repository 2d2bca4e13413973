/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fix.h"
#include "json.h"
#include "model.h"
#include "oracle.h"
#include "util.h"
#include "verdict.h"
#include "who.h"

/* Check families whose errors stop sshd or keep every client from reaching it. */
static const char *const server_families[] = {
	"config-syntax", "privsep", "ssh-service", "listen", "sshd-test", NULL,
};

/* Host key problems that make sshd skip that key (RULES §2.2-2.4). */
static const char *const hostkey_unusable[] = {
	"hostkey-mode", "hostkey-not-regular", "hostkey-missing", "hostkey-empty", "hostkey-corrupt",
	"hostkey-rsa-too-small", NULL,
};

static int add_server(char ***v, const struct finding *f)
{
	_cleanup_free_ char *msg = finding_message(f);
	char *s;

	if (!msg || asprintf(&s, "sshd does not start or cannot be reached: %s: %s", f->problem->id, msg) < 0)
		return -ENOMEM;
	if (strv_contains(*v, s)) {
		free(s);
		return 0;
	}
	return strv_push(v, s);
}

/* What stops every login, from the findings of the other checks. */
static int server_reasons(const struct run *run, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL, **keys = NULL;
	bool configured, all_bad = true;
	int r;

	for (size_t i = 0; i < run->n_findings; i++) {
		const struct finding *f = run->findings[i];
		if (f->problem->severity == SEV_ERROR && f->fix &&
		    strv_contains((char **) server_families, f->fix->id) && (r = add_server(&v, f)) < 0)
			return r;
	}
	r = model_host_keys(&run->model, &keys, &configured);
	if (r < 0)
		return r;
	for (size_t k = 0; keys[k] && all_bad; k++) {
		bool bad = false;
		for (size_t i = 0; i < run->n_findings && !bad; i++)
			bad = streq_ptr(run->findings[i]->path, keys[k]) &&
			      strv_contains((char **) hostkey_unusable, run->findings[i]->problem->id);
		all_bad = bad;
	}
	if (keys[0] && all_bad) {
		char *s = strdup("sshd does not start: no host key it can load (\"no hostkeys available -- exiting\")");
		if (!s || strv_push(&v, s) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

static const char *state_name(enum verdict_state s)
{
	switch (s) {
	case VERDICT_CAN:
		return "can";
	case VERDICT_CANNOT:
		return "cannot";
	case VERDICT_DEPENDS:
		return "depends";
	}
	return "?";
}

static void line_text(struct buf *b, const struct verdict *v)
{
	const struct verdict_reason *first = verdict_first(v);
	_cleanup_free_ char *user = escape_display(v->user), *why = first ? escape_display(first->text) : NULL;

	switch (v->state) {
	case VERDICT_CAN:
		buf_printf(b, "%s: can log in\n", user ? user : "?");
		break;
	case VERDICT_CANNOT:
		buf_printf(b, "%s: cannot log in: %s\n", user ? user : "?", why ? why : "?");
		break;
	case VERDICT_DEPENDS:
		buf_printf(b, "%s: depends on where you connect from: %s\n", user ? user : "?", why ? why : "?");
		break;
	}
}

static void verbose_text(struct buf *b, const struct verdict *v)
{
	for (size_t i = 0; i < v->n_reasons; i++) {
		_cleanup_free_ char *t = escape_display(v->reasons[i].text);
		buf_printf(b, "    reason: %s%s\n", t ? t : "?", v->reasons[i].depends ? " (from some clients only)" : "");
	}
	for (size_t i = 0; v->evidence && v->evidence[i]; i++) {
		_cleanup_free_ char *e = escape_display(v->evidence[i]);
		buf_printf(b, "    evidence: %s\n", e ? e : "?");
	}
}

static void header_text(const struct run *run, struct buf *b, char **notes)
{
	const struct target_facts *f = &run->target->facts;
	_cleanup_free_ char *root = escape_display(run->opt.root);

	buf_printf(b, "sshfix %s: target %s (%s, %s)\n", PACKAGE_VERSION, root ? root : "?",
		   f->os_pretty ? f->os_pretty : "unknown distribution",
		   f->sshd_version ? f->sshd_version : "no sshd binary found");
	for (size_t i = 0; run->model.notes && run->model.notes[i]; i++) {
		_cleanup_free_ char *n = escape_display(run->model.notes[i]);
		buf_printf(b, "note: %s\n", n ? n : "?");
	}
	for (size_t i = 0; notes && notes[i]; i++) {
		_cleanup_free_ char *n = escape_display(notes[i]);
		buf_printf(b, "note: %s\n", n ? n : "?");
	}
	buf_putc(b, '\n');
}

static void json_verdict(struct buf *b, const struct verdict *v)
{
	const struct verdict_reason *first = verdict_first(v);
	bool f = true;

	buf_putc(b, '{');
	json_kv_str(b, &f, "user", v->user);
	json_kv_int(b, &f, "uid", (long long) v->uid);
	json_kv_str(b, &f, "verdict", state_name(v->state));
	json_kv_str(b, &f, "reason", first ? first->text : NULL);
	json_kv_str(b, &f, "reason_id", first ? verdict_why_name(first->why) : NULL);
	json_key(b, &f, "reasons");
	buf_putc(b, '[');
	for (size_t i = 0; i < v->n_reasons; i++) {
		const struct verdict_reason *r = &v->reasons[i];
		bool rf = true;
		buf_puts(b, i ? ",{" : "{");
		json_kv_str(b, &rf, "id", verdict_why_name(r->why));
		json_kv_str(b, &rf, "text", r->text);
		json_kv_str(b, &rf, "path", r->path);
		json_key(b, &rf, "line");
		if (r->line)
			buf_printf(b, "%u", r->line);
		else
			buf_puts(b, "null");
		json_kv_bool(b, &rf, "depends_on_client", r->depends);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
	json_kv_bool(b, &f, "has_keys", v->has_keys);
	json_kv_bool(b, &f, "login_shell", v->login_shell);
	json_kv_bool(b, &f, "sshd_checked", v->crosschecked);
	json_key(b, &f, "evidence");
	buf_putc(b, '[');
	for (size_t i = 0; v->evidence && v->evidence[i]; i++) {
		if (i)
			buf_putc(b, ',');
		json_string(b, v->evidence[i]);
	}
	buf_puts(b, "]}");
}

static void json_doc(const struct run *run, struct buf *b, const struct verdict *v, size_t n, char **server,
		     char **notes)
{
	const struct target_facts *tf = &run->target->facts;
	bool first = true, tfirst = true;

	buf_putc(b, '{');
	json_kv_str(b, &first, "sshfix", PACKAGE_VERSION);
	json_kv_str(b, &first, "mode", "who");
	json_key(b, &first, "target");
	buf_putc(b, '{');
	json_kv_str(b, &tfirst, "root", run->opt.root);
	json_kv_str(b, &tfirst, "os_pretty_name", tf->os_pretty);
	json_kv_str(b, &tfirst, "sshd_version", tf->sshd_version);
	buf_putc(b, '}');
	json_key(b, &first, "server");
	buf_putc(b, '[');
	for (size_t i = 0; server && server[i]; i++) {
		if (i)
			buf_putc(b, ',');
		json_string(b, server[i]);
	}
	buf_putc(b, ']');
	json_key(b, &first, "users");
	buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		json_verdict(b, &v[i]);
	}
	buf_putc(b, ']');
	json_key(b, &first, "notes");
	buf_putc(b, '[');
	size_t k = 0;
	for (size_t i = 0; run->model.notes && run->model.notes[i]; i++, k++) {
		if (k)
			buf_putc(b, ',');
		json_string(b, run->model.notes[i]);
	}
	for (size_t i = 0; notes && notes[i]; i++, k++) {
		if (k)
			buf_putc(b, ',');
		json_string(b, notes[i]);
	}
	buf_putc(b, ']');
	json_key(b, &first, "errors");
	buf_putc(b, '[');
	for (size_t i = 0; run->errors && run->errors[i]; i++) {
		if (i)
			buf_putc(b, ',');
		json_string(b, run->errors[i]);
	}
	buf_putc(b, ']');
	json_kv_int(b, &first, "exit_status", run->exit_flags & EXIT_ERROR);
	buf_puts(b, "}\n");
}

/* What the sshd oracle could not answer: a server reason when sshd refuses its configuration, else notes. */
static int oracle_notes(const struct run *run, struct verdict_env *env, char ***server)
{
	const struct oracle *o = run->model.oracle;
	const char *flag = o ? oracle_config_flag(o) : "-T";
	struct oracle_stats st;
	char *s = NULL;

	oracle_stats(o, &st);
	if (!*server && oracle_refused(o)) {
		if (asprintf(&s, "sshd does not start: its own sshd %s fails: %s", flag, oracle_refused(o)) < 0 ||
		    strv_push(server, s) < 0)
			return -ENOMEM;
	}
	if (oracle_unavailable(o)) {
		if (asprintf(&s, "the target's own sshd %s could not run here (%s); the verdicts come from sshfix's "
				 "model of sshd only",
			     flag, oracle_unavailable(o)) < 0 ||
		    strv_push(&env->notes, s) < 0)
			return -ENOMEM;
	}
	if (st.config_skipped) {
		if (asprintf(&s, "sshd %s was run %u times, its limit; %u more accounts come from sshfix's model", flag,
			     st.config_runs, st.config_skipped) < 0 ||
		    strv_push(&env->notes, s) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void verdicts_free(struct verdict *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		verdict_done(&v[i]);
	free(v);
}

int who_run(struct run *run, FILE *out)
{
	const struct accounts *a;
	struct verdict_env env = {0};
	struct verdict *v = NULL;
	size_t n = 0;
	char **server = NULL;
	struct buf b = {0};
	int r;

	r = engine_begin(run);
	if (r < 0)
		return r;
	/* The accounts check would compute every verdict a second time. */
	if (!strv_contains(run->opt.skip, "accounts") && strv_push(&run->opt.skip, strdup("accounts")) < 0)
		return -ENOMEM;
	r = engine_detect(run);
	if (r < 0)
		return r;
	a = &run->model.accounts;
	if (!a->passwd.present) {
		run_error(run, "The target has no /etc/passwd: no account can log in");
		return -ENOENT;
	}

	r = verdict_env_init(run->target, &run->model, &env);
	if (r < 0)
		goto out;
	env.crosscheck = true;
	env.from = run->opt.from;
	env.detailed = true;
	for (size_t i = 0; i < a->passwd.n_entries; i++) {
		const struct pw_entry *pw = &a->passwd.pw[i];
		struct verdict one;

		/* A duplicate name is shadowed by the first entry: a lookup by name finds that one. */
		if (accounts_user_by_name(a, pw->name) != pw)
			continue;
		r = verdict_user(run->target, &run->model, &env, pw, &one);
		if (r < 0)
			goto out;
		if (!one.has_keys && !one.listed && !one.login_shell) {
			verdict_done(&one);
			continue;
		}
		if (one.shell_unjudged) {
			char *s = NULL;
			if (asprintf(&s, "%s's shell %s was not judged: its directory does not exist in the target (is "
					 "/usr mounted?)",
				     one.user, pw->shell) < 0 ||
			    strv_push(&env.notes, s) < 0) {
				verdict_done(&one);
				r = -ENOMEM;
				goto out;
			}
		}
		struct verdict *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			verdict_done(&one);
			r = -ENOMEM;
			goto out;
		}
		v = nv;
		v[n++] = one;
	}

	r = server_reasons(run, &server);
	if (r < 0)
		goto out;
	r = oracle_notes(run, &env, &server);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; server && server[k]; k++)
			if ((r = verdict_add_reason(&v[i], VW_SERVER, false, NULL, 0, "%s", server[k])) < 0)
				goto out;
		verdict_settle(&v[i]);
	}
	if (run->opt.json)
		json_doc(run, &b, v, n, server, env.notes);
	else {
		header_text(run, &b, env.notes);
		if (n == 0)
			buf_puts(&b, "No account could log in: none has a login shell or authorized keys.\n");
		for (size_t i = 0; i < n; i++) {
			line_text(&b, &v[i]);
			if (run->opt.verbose)
				verbose_text(&b, &v[i]);
		}
	}
	if (!buf_ok(&b)) {
		r = -ENOMEM;
		goto out;
	}
	fwrite(b.data, 1, b.len, out);
	r = 0;
out:
	if (r == -ENOMEM)
		run_error(run, "Out of memory");
	buf_done(&b);
	strv_free(server);
	verdicts_free(v, n);
	verdict_env_done(&env);
	return r;
}
