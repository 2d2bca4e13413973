/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sshfix --explain (src/explain.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "fix.h"
#include "json.h"
#include "run.h"
#include "util.h"

static bool has(const char *text, size_t len, const char *what)
{
	return memmem(text, len, what, strlen(what)) != NULL;
}

void explain_read_transcript(const char *text, size_t len, struct transcript *ret)
{
	*ret = (struct transcript) { .stopped = STAGE_NONE };
	ret->is_transcript = has(text, len, "debug1: ");
	if (!ret->is_transcript)
		return;
	ret->key_offered = has(text, len, "Offering public key") || has(text, len, "Will attempt key");
	ret->key_accepted = has(text, len, "Server accepts key");
	static const char can[] = "Authentications that can continue: ";
	const char *m = memmem(text, len, can, sizeof(can) - 1);
	if (m) {
		m += sizeof(can) - 1;
		/* text is len bytes, not a string: stop at its end too */
		size_t n = 0, left = (size_t) (text + len - m);
		while (n < left && m[n] != '\r' && m[n] != '\n')
			n++;
		snprintf(ret->methods, sizeof(ret->methods), "%.*s", (int) (n < 100 ? n : 100), m);
	}
	if (has(text, len, "Authenticated to ") || has(text, len, "Authentication succeeded"))
		ret->stopped = STAGE_SESSION;
	else if (has(text, len, "SSH2_MSG_NEWKEYS received") || has(text, len, "SSH2_MSG_SERVICE_ACCEPT received"))
		ret->stopped = STAGE_AUTH;
	else if (has(text, len, "Remote protocol version") || has(text, len, "SSH2_MSG_KEXINIT"))
		ret->stopped = STAGE_KEX;
	else if (has(text, len, "Connection established"))
		ret->stopped = STAGE_BANNER;
	else if (has(text, len, "Connecting to "))
		ret->stopped = STAGE_TCP;
}

/* The stage a cause belongs to: what must still fail for it to be the answer. */
static enum msg_stage cause_stage(const char *id)
{
	static const struct {
		const char *prefix;
		enum msg_stage stage;
	} map[] = {
		{ "firewall", STAGE_TCP }, { "fail2ban-banned", STAGE_TCP }, { "fail2ban-permanent", STAGE_TCP },
		{ "fail2ban-bans", STAGE_TCP }, { "listen-", STAGE_TCP }, { "ssh-unit-", STAGE_TCP },
		{ "sshd-not-to-be-run", STAGE_TCP }, { "sshd-opts-bad", STAGE_TCP }, { "sshd-binary", STAGE_TCP },
		{ "ssh-socket", STAGE_TCP }, { "config-", STAGE_TCP }, { "privsep-", STAGE_TCP },
		{ "tcp-wrappers", STAGE_BANNER }, { "fail2ban-hostsdeny", STAGE_BANNER }, { "sshd-session", STAGE_BANNER },
		{ "sshd-auth", STAGE_BANNER }, { "hostkey-", STAGE_KEX }, { "client-known-host", STAGE_KEX },
		{ "shell-nologin", STAGE_SESSION }, { "pam-limits", STAGE_SESSION }, { "nologin-file", STAGE_SESSION },
		{ "password-change", STAGE_SESSION },
	};
	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (startswith(id, map[i].prefix))
			return map[i].stage;
	return id[0] == '!' ? STAGE_NONE : STAGE_AUTH;
}

/* A finding of problem id on the target, or NULL. */
static const struct finding *found(const struct run *run, const char *id)
{
	for (size_t i = 0; run && i < run->n_findings; i++)
		if (streq(run->findings[i]->problem->id, id))
			return run->findings[i];
	return NULL;
}

static void print_words(FILE *out, const char *words)
{
	for (const char *c = words + 1; *c; c++)
		fputc(*c == '_' ? ' ' : *c, out);
}

/* The causes of the rows, in the rows' order, each once, without those the
 * stage rules out; a key the server accepted and a refusal after it put the
 * account and PAM rules first. */
static void collect_causes(const struct run *run, struct explanation *e)
{
	static const char after_key[] = "account-locked pam-access-denied pam-listfile-denied pam-succeed-if-denied "
					"account-expired nologin-file pam-tally-locked password-change-required shell-invalid";

	for (size_t i = 0; i <= e->n_said; i++) {
		const char *c = i == 0 ? (e->tr.key_accepted && e->stage == STAGE_AUTH ? after_key : "")
				       : e->said[i - 1].row->causes;
		while (*c && e->n_causes < ELEMENTSOF(e->causes)) {
			size_t k = strcspn(c, " ");
			struct explain_cause *x = &e->causes[e->n_causes];
			snprintf(x->id, sizeof(x->id), "%.*s", (int) (k < sizeof(x->id) - 1 ? k : sizeof(x->id) - 1), c);
			c += k + strspn(c + k, " ");
			enum msg_stage cs = cause_stage(x->id);
			if (e->tr.is_transcript && cs != STAGE_NONE && cs < e->stage)
				continue;
			bool dup = false;
			for (size_t j = 0; j < e->n_causes; j++)
				dup |= streq(e->causes[j].id, x->id);
			if (dup)
				continue;
			x->outside = x->id[0] == '!';
			if (!x->outside) {
				const struct problem *p = problem_by_id(x->id);
				const struct fix *fx = p ? fix_of_problem(p) : NULL;
				x->check = fx ? fx->id : NULL;
				x->found = found(run, x->id);
				if (x->found && !e->answer)
					e->answer = x->found;
			}
			e->n_causes++;
		}
	}
}

int explain_compute(const struct run *run, const char *text, size_t len, struct explanation *ret)
{
	struct explanation *e = ret;
	struct text_lines it = { .text = text, .len = len };
	const char *l;
	size_t n;

	*e = (struct explanation) { .checked = run != NULL };
	explain_read_transcript(text, len, &e->tr);
	while (text_next_line(&it, &l, &n) && e->n_said < ELEMENTSOF(e->said)) {
		const struct msg_row *r = msg_find(MSG_CLIENT, 0, l, n);
		bool dup = false;
		for (size_t i = 0; r && i < e->n_said; i++)
			dup |= e->said[i].row == r;
		if (!r || dup)
			continue;
		size_t skip = strspn(l, " \t");
		skip = skip < n ? skip : n;
		size_t keep = n - skip < 200 ? n - skip : 200;
		e->said[e->n_said].line = strndup(l + skip, keep);
		if (!e->said[e->n_said].line) {
			explain_done(e);
			return -ENOMEM;
		}
		e->said[e->n_said++].row = r;
	}
	if (e->n_said == 0 && e->tr.stopped == STAGE_NONE)
		return 1;
	e->stage = e->tr.stopped != STAGE_NONE ? e->tr.stopped : e->n_said ? e->said[0].row->stage : STAGE_NONE;
	collect_causes(run, e);
	return 0;
}

void explain_done(struct explanation *e)
{
	for (size_t i = 0; i < e->n_said; i++)
		free(e->said[i].line);
	e->n_said = 0;
}

size_t explain_n_client_messages(void)
{
	size_t n = 0;

	for (size_t i = 0; i < msg_table_size; i++)
		n += msg_table[i].side == MSG_CLIENT;
	return n;
}

/* What getting as far as stage rules out, as words, or NULL. */
static const char *const ruled_out_by[] = {
	[STAGE_BANNER] = "what stops the TCP connection (firewalls, sshd not running or not listening)",
	[STAGE_KEX] = "what makes the server hang up before its banner (TCP wrappers, sshd-session)",
	[STAGE_AUTH] = "host keys",
	[STAGE_SESSION] = "the keys and the account's permission to log in",
};

int explain_print(const struct run *run, const char *why_no_checks, const struct explanation *e, FILE *out)
{
	for (size_t i = 0; i < e->n_said; i++) {
		_cleanup_free_ char *shown = escape_display(e->said[i].line);
		fprintf(out, "The client said \"%s\": %s.\n", shown ? shown : "?", e->said[i].row->meaning);
	}
	if (e->tr.is_transcript) {
		fprintf(out, "The exchange stopped %s", msg_stage_name(e->stage));
		if (e->stage == STAGE_AUTH) {
			if (e->tr.methods[0]) {
				_cleanup_free_ char *m = escape_display(e->tr.methods);
				fprintf(out, "; the server offered: %s", m ? m : "?");
			}
			fprintf(out, "; %s", e->tr.key_accepted ? "a key was accepted (the refusal came after it)"
					     : e->tr.key_offered ? "a key was offered and refused"
								 : "no key was offered (does the client have one?)");
		}
		fputs(".\n", out);
		for (enum msg_stage s = STAGE_BANNER; s <= e->stage && s <= STAGE_SESSION; s++)
			fprintf(out, "%s%s", s == STAGE_BANNER ? "Ruled out by how far it got: " : ", ", ruled_out_by[s]);
		if (e->stage > STAGE_TCP)
			fputs(".\n", out);
	}

	/* without the checks: every cause, in order; with them: those found and those outside first, then the rest in one line */
	fputs(run ? "\nCauses, most likely first, checked on the target:\n" : "\nCauses, most likely first:\n", out);
	unsigned k = 0;
	bool any_not_found = false;
	for (size_t j = 0; j < e->n_causes; j++) {
		const struct explain_cause *c = &e->causes[j];
		if (run && !c->outside && !c->found) {
			any_not_found = true;
			continue;
		}
		fprintf(out, "  %2u. ", ++k);
		if (c->outside) {
			print_words(out, c->id);
			fputs(" (outside what sshfix can see)\n", out);
			continue;
		}
		fprintf(out, "%s (check %s)", c->id, c->check ? c->check : "?");
		if (c->found) {
			_cleanup_free_ char *msg = finding_message(c->found);
			fprintf(out, ": FOUND: %s", msg ? msg : "?");
		}
		fputc('\n', out);
	}
	if (any_not_found) {
		fputs("  Checked and not found:", out);
		for (size_t j = 0, first = 1; j < e->n_causes; j++)
			if (!e->causes[j].outside && !e->causes[j].found) {
				fprintf(out, "%s %s", first ? "" : ",", e->causes[j].id);
				first = 0;
			}
		fputs(".\n", out);
	}
	fputc('\n', out);
	if (e->answer) {
		_cleanup_free_ char *msg = finding_message(e->answer);
		fprintf(out, "It is: %s: %s\n", e->answer->problem->id, msg ? msg : "?");
		fputs("Run sshfix --dry-run to see the repair, --apply to make it.\n", out);
	} else if (run)
		fputs("None of the causes sshfix can check was found on this target: look at the ones outside it.\n", out);
	else
		fprintf(out, "The causes were not checked: %s.\n", why_no_checks ? why_no_checks : "no target");
	return 0;
}

/* "!no_route_to_host" as "no route to host". */
static char *words_of(const char *id)
{
	char *w = strdup(id + 1);

	for (char *c = w; c && *c; c++)
		if (*c == '_')
			*c = ' ';
	return w;
}

int explain_print_json(const struct run *run, const char *why_no_checks, const struct explanation *e, FILE *out)
{
	struct buf b = {0};
	bool first = true, f2;

	buf_putc(&b, '{');
	json_kv_str(&b, &first, "sshfix_version", PACKAGE_VERSION);
	json_key(&b, &first, "said");
	buf_putc(&b, '[');
	for (size_t i = 0; i < e->n_said; i++) {
		f2 = true;
		buf_puts(&b, i ? ",{" : "{");
		json_kv_str(&b, &f2, "line", e->said[i].line);
		json_kv_str(&b, &f2, "message", e->said[i].row->id);
		json_kv_str(&b, &f2, "meaning", e->said[i].row->meaning);
		buf_putc(&b, '}');
	}
	buf_putc(&b, ']');
	json_kv_bool(&b, &first, "transcript", e->tr.is_transcript);
	json_kv_str(&b, &first, "stopped", e->stage != STAGE_NONE ? msg_stage_name(e->stage) : NULL);
	if (e->tr.is_transcript) {
		json_kv_str(&b, &first, "methods_offered", e->tr.methods[0] ? e->tr.methods : NULL);
		json_kv_bool(&b, &first, "key_offered", e->tr.key_offered);
		json_kv_bool(&b, &first, "key_accepted", e->tr.key_accepted);
		json_key(&b, &first, "ruled_out");
		buf_putc(&b, '[');
		for (enum msg_stage s = STAGE_BANNER; s <= e->stage && s <= STAGE_SESSION; s++) {
			if (s > STAGE_BANNER)
				buf_putc(&b, ',');
			json_string(&b, ruled_out_by[s]);
		}
		buf_putc(&b, ']');
	}
	json_kv_bool(&b, &first, "checked", run != NULL);
	if (!run)
		json_kv_str(&b, &first, "not_checked_because", why_no_checks ? why_no_checks : "no target");
	json_key(&b, &first, "causes");
	buf_putc(&b, '[');
	for (size_t j = 0; j < e->n_causes; j++) {
		const struct explain_cause *c = &e->causes[j];
		f2 = true;
		buf_puts(&b, j ? ",{" : "{");
		if (c->outside) {
			_cleanup_free_ char *w = words_of(c->id);
			json_kv_str(&b, &f2, "outside", w);
		} else {
			json_kv_str(&b, &f2, "id", c->id);
			json_kv_str(&b, &f2, "check", c->check);
			if (run)
				json_kv_bool(&b, &f2, "found", c->found != NULL);
			if (c->found) {
				_cleanup_free_ char *msg = finding_message(c->found);
				json_kv_str(&b, &f2, "finding", msg);
				json_kv_str(&b, &f2, "path", c->found->path);
			}
		}
		buf_putc(&b, '}');
	}
	buf_putc(&b, ']');
	json_key(&b, &first, "answer");
	if (e->answer) {
		_cleanup_free_ char *msg = finding_message(e->answer);
		f2 = true;
		buf_putc(&b, '{');
		json_kv_str(&b, &f2, "id", e->answer->problem->id);
		json_kv_str(&b, &f2, "finding", msg);
		buf_putc(&b, '}');
	} else
		buf_puts(&b, "null");
	buf_puts(&b, "}\n");
	int r = buf_ok(&b) ? 0 : -ENOMEM;
	if (r == 0 && fwrite(b.data, 1, b.len, out) != b.len)
		r = -EIO;
	buf_done(&b);
	return r;
}
