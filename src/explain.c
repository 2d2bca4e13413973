/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sshfix --explain (src/explain.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "fix.h"
#include "run.h"
#include "util.h"

#define CAUSES_MAX 64

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
		size_t n = strcspn(m, "\r\n");
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

int explain_print(const struct run *run, const char *why_no_checks, const char *text, size_t len, FILE *out)
{
	const struct msg_row *rows[16];
	const char *seen_line[16];
	size_t seen_len[16], n_rows = 0;
	struct transcript tr;
	struct text_lines it = { .text = text, .len = len };
	const char *l;
	size_t n;

	explain_read_transcript(text, len, &tr);
	while (text_next_line(&it, &l, &n) && n_rows < ELEMENTSOF(rows)) {
		const struct msg_row *r = msg_find(MSG_CLIENT, 0, l, n);
		bool dup = false;
		for (size_t i = 0; r && i < n_rows; i++)
			dup |= rows[i] == r;
		if (r && !dup) {
			seen_line[n_rows] = l;
			seen_len[n_rows] = n;
			rows[n_rows++] = r;
		}
	}
	if (n_rows == 0 && tr.stopped == STAGE_NONE) {
		size_t n_client = 0;
		for (size_t i = 0; i < msg_table_size; i++)
			n_client += msg_table[i].side == MSG_CLIENT;
		fprintf(out, "sshfix does not know this message: it is none of the %zu client messages of its table.\n",
			n_client);
		return 1;
	}
	for (size_t i = 0; i < n_rows; i++) {
		_cleanup_free_ char *line = strndup(seen_line[i], seen_len[i] < 200 ? seen_len[i] : 200);
		_cleanup_free_ char *shown = line ? escape_display(line + strspn(line, " \t")) : NULL;
		fprintf(out, "The client said \"%s\": %s.\n", shown ? shown : "?", rows[i]->meaning);
	}
	enum msg_stage stage = tr.stopped != STAGE_NONE ? tr.stopped : n_rows ? rows[0]->stage : STAGE_NONE;
	if (tr.is_transcript) {
		fprintf(out, "The exchange stopped %s", msg_stage_name(stage));
		if (stage == STAGE_AUTH) {
			if (tr.methods[0]) {
				_cleanup_free_ char *m = escape_display(tr.methods);
				fprintf(out, "; the server offered: %s", m ? m : "?");
			}
			fprintf(out, "; %s", tr.key_accepted ? "a key was accepted (the refusal came after it)"
					     : tr.key_offered ? "a key was offered and refused"
							      : "no key was offered (does the client have one?)");
		}
		fputs(".\n", out);
		if (stage > STAGE_TCP)
			fputs("Ruled out by how far it got: what stops the TCP connection (firewalls, sshd not running or not "
			      "listening)", out);
		if (stage > STAGE_BANNER)
			fputs(", what makes the server hang up before its banner (TCP wrappers, sshd-session)", out);
		if (stage > STAGE_KEX)
			fputs(", host keys", out);
		if (stage > STAGE_AUTH)
			fputs(", the keys and the account's permission to log in", out);
		if (stage > STAGE_TCP)
			fputs(".\n", out);
	}

	/* the causes, in the rows' order, each once, without those the stage rules out; a key the
	 * server accepted and a refusal after it put the account and PAM rules first */
	static const char after_key[] = "account-locked pam-access-denied pam-listfile-denied pam-succeed-if-denied "
					"account-expired nologin-file pam-tally-locked password-change-required shell-invalid";
	char causes[CAUSES_MAX][96];
	size_t n_causes = 0;
	for (size_t i = 0; i <= n_rows; i++) {
		const char *c = i == 0 ? (tr.key_accepted && stage == STAGE_AUTH ? after_key : "") : rows[i - 1]->causes;
		while (*c && n_causes < CAUSES_MAX) {
			size_t k = strcspn(c, " ");
			char id[96];
			snprintf(id, sizeof(id), "%.*s", (int) (k < 95 ? k : 95), c);
			c += k + strspn(c + k, " ");
			enum msg_stage cs = cause_stage(id);
			if (tr.is_transcript && cs != STAGE_NONE && cs < stage)
				continue;
			bool dup = false;
			for (size_t j = 0; j < n_causes; j++)
				dup |= streq(causes[j], id);
			if (!dup)
				memcpy(causes[n_causes++], id, sizeof(id));
		}
	}

	/* found on the target first, in that order; then the rest */
	const struct finding *answer = NULL;
	for (size_t j = 0; j < n_causes && !answer; j++)
		if (causes[j][0] != '!')
			answer = found(run, causes[j]);
	/* without the checks: every cause, in order; with them: those found and those outside first, then the rest in one line */
	fputs(run ? "\nCauses, most likely first, checked on the target:\n" : "\nCauses, most likely first:\n", out);
	unsigned k = 0;
	bool any_not_found = false;
	for (size_t j = 0; j < n_causes; j++) {
		const char *id = causes[j];
		const struct finding *f = id[0] == '!' ? NULL : found(run, id);
		if (run && id[0] != '!' && !f) {
			any_not_found = true;
			continue;
		}
		fprintf(out, "  %2u. ", ++k);
		if (id[0] == '!') {
			print_words(out, id);
			fputs(" (outside what sshfix can see)\n", out);
			continue;
		}
		const struct problem *p = problem_by_id(id);
		const struct fix *fx = p ? fix_of_problem(p) : NULL;
		fprintf(out, "%s (check %s)", id, fx ? fx->id : "?");
		if (f) {
			_cleanup_free_ char *msg = finding_message(f);
			fprintf(out, ": FOUND: %s", msg ? msg : "?");
		}
		fputc('\n', out);
	}
	if (any_not_found) {
		fputs("  Checked and not found:", out);
		for (size_t j = 0, first = 1; j < n_causes; j++)
			if (causes[j][0] != '!' && !found(run, causes[j])) {
				fprintf(out, "%s %s", first ? "" : ",", causes[j]);
				first = 0;
			}
		fputs(".\n", out);
	}
	fputc('\n', out);
	if (answer) {
		_cleanup_free_ char *msg = finding_message(answer);
		fprintf(out, "It is: %s: %s\n", answer->problem->id, msg ? msg : "?");
		fputs("Run sshfix --dry-run to see the repair, --apply to make it.\n", out);
	} else if (run)
		fputs("None of the causes sshfix can check was found on this target: look at the ones outside it.\n", out);
	else
		fprintf(out, "The causes were not checked: %s.\n", why_no_checks ? why_no_checks : "no target");
	return 0;
}
