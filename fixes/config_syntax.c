/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config-syntax: lines of sshd_config and its Include'd files that stop
 * sshd from starting (RULES §3.2, §3.5, §3.8, §3.9).  Every one of them is
 * fatal, also for `sshd -t`, which Debian's ssh.service runs before
 * starting (ExecStartPre): one bad line and nobody can log in.
 *
 * The keyword table knows which sshd versions and builds know a keyword,
 * where it may appear and what its value must look like, so this works
 * without running the target's sshd.  The repair comments the bad line out
 * behind a "# sshfix: disabled, <reason>:" marker: the line's intent is
 * lost (sshd falls back to its default), but its bytes stay in the file
 * for a person to restore.  A whole file is never replaced.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_edit.h"
#include "fixes.h"
#include "run.h"
#include "sshd_keywords.h"
#include "util.h"

#define DEBIAN_TEMPLATE "/usr/share/openssh/sshd_config"

/* This family's problems: each code is its row's index in config_syntax_problems[]. */
enum problem_code {
	PR_CONFIG_MISSING,
	PR_CONFIG_UNREADABLE,
	PR_CONFIG_BAD_OPTION,
	PR_CONFIG_BAD_VALUE,
	PR_CONFIG_BAD_QUOTES,
	PR_CONFIG_NO_ARGUMENT,
	PR_CONFIG_NOT_IN_MATCH,
	PR_CONFIG_TRAILING_COMMENT,
	PR_CONFIG_INCLUDE_LOOP,
};

static const struct problem config_syntax_problems[] = {
	{ PR_CONFIG_MISSING, "config-missing", SEV_ERROR, PF_NEEDS_CONFIRM,
	  "{path} does not exist",
	  "sshd will not start without its configuration file (\"Could not open configuration\"). "
	  "On Debian and Ubuntu the package's own default is " DEBIAN_TEMPLATE ", which sshfix "
	  "can copy after you confirm; elsewhere restore it from a backup or the package. RULES §3.8",
	  .follows_from = PROBLEMS_NO_SSHD },
	{ PR_CONFIG_UNREADABLE, "config-unreadable", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} cannot be read ({detail})",
	  "sshd stops when a configuration file it includes cannot be read. RULES §3.8" },
	{ PR_CONFIG_BAD_OPTION, "config-bad-option", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "sshd refuses to start on a keyword it does not know (\"Bad configuration option\", "
	  "\"terminating, 1 bad configuration options\"); newer keywords and distribution-only ones "
	  "(DebianBanner, GSSAPIKeyExchange) are unknown to older or upstream builds. The line is "
	  "commented out. RULES §3.8, §3.9" },
	{ PR_CONFIG_BAD_VALUE, "config-bad-value", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "sshd refuses to start on a value it cannot parse (\"Badly formatted port number\", "
	  "\"unsupported option\"). The line is commented out and sshd uses its default. RULES §3.6, §3.8" },
	{ PR_CONFIG_BAD_QUOTES, "config-invalid-quotes", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: unbalanced quotes",
	  "sshd refuses to start on a line whose quotes do not close (\"invalid quotes\"). "
	  "The line is commented out. RULES §3.2" },
	{ PR_CONFIG_NO_ARGUMENT, "config-missing-argument", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "sshd refuses to start on a keyword without a value. The line is commented out. RULES §3.8" },
	{ PR_CONFIG_NOT_IN_MATCH, "config-not-allowed-in-match", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "Only some keywords may appear inside a Match block; any other is fatal (\"Directive ... is "
	  "not allowed within a Match block\"). The line is commented out. RULES §3.5" },
	{ PR_CONFIG_TRAILING_COMMENT, "config-trailing-comment", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: a comment after the value, which OpenSSH {detail} refuses",
	  "Up to OpenSSH 8.6 a '#' after a keyword's value is \"garbage at end of line\", fatal; "
	  "8.7 and later accept it. The comment is removed from the line. RULES §3.2" },
	{ PR_CONFIG_INCLUDE_LOOP, "config-include-loop", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} line {line}: Include nests more than 16 levels deep",
	  "sshd stops with \"Too many recursive configuration includes\"; usually a file includes "
	  "itself through a glob. Which Include to remove is a person's call. RULES §3.4" },
	{ .id = NULL },
};

static bool found_at(const struct run *run, const char *file, unsigned line)
{
	for (size_t i = 0; i < run->n_findings; i++)
		if (run->findings[i]->line == line && streq_ptr(run->findings[i]->path, file) &&
		    fix_of_problem(run->findings[i]->problem) == &fix_config_syntax)
			return true;
	return false;
}

static int add(struct run *run, enum problem_code code, const char *file, unsigned line, const char *fmt, ...)
	_printf_(5, 6);
static int add(struct run *run, enum problem_code code, const char *file, unsigned line, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;
	char *detail;

	if (line && found_at(run, file, line))
		return 0;	/* one finding per line: the first reason sshd would give */
	f = run_add_finding(run, &config_syntax_problems[code], file, NULL);
	if (!f)
		return -ENOMEM;
	f->line = line;
	va_start(ap, fmt);
	int r = vasprintf(&detail, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	free(f->detail);
	f->detail = detail;
	if (line && finding_add_evidence(f, "%s:%u", file, line) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * The target's sshd binary holds its own keyword table as lower-case
 * strings.  The linker may merge a short one into the tail of a longer
 * string, so "name\0" is searched without a leading NUL: a keyword found is
 * possibly known (never a false alarm), one not found is surely unknown.
 * This sees what the build really has (Debian's and Red Hat's GSSAPI key
 * exchange patch, keywords added or removed by a version) better than any
 * table.  The keywords to ask about are gathered first and the binary is
 * read once, in pieces: a 1 MiB sshd never sits in memory beside the model
 * of 10,000 accounts.
 */
struct lexicon {
	char **words;		/* lower case */
	bool *found;
	size_t n;
	bool read;		/* the binary was read: found[] answers */
};

#define LEXICON_CHUNK (64u * 1024)
#define LEXICON_MAX (64u << 20)

static void lexicon_done(struct lexicon *l)
{
	strv_free(l->words);
	free(l->found);
	*l = (struct lexicon) {0};
}

static char *lower(const char *keyword)
{
	char *w = strdup(keyword);

	for (char *c = w; c && *c; c++)
		*c = (char) tolower((unsigned char) *c);
	return w;
}

static int lexicon_add(struct lexicon *l, const char *keyword)
{
	char *w = lower(keyword);

	if (!w)
		return -ENOMEM;
	if (strv_contains(l->words, w)) {
		free(w);
		return 0;
	}
	bool *nf = realloc(l->found, (l->n + 1) * sizeof(*nf));
	if (!nf) {
		free(w);
		return -ENOMEM;
	}
	l->found = nf;
	l->found[l->n] = false;
	if (strv_push(&l->words, w) < 0)
		return -ENOMEM;
	l->n++;
	return 0;
}

/*
 * Look for every word, with its NUL, in path, read a piece at a time; the
 * end of each piece is kept for a word that straddles two.  Returns 0
 * (l->read says whether the binary could be read), or -ENOMEM.
 */
static int lexicon_scan(struct target *t, const char *path, struct lexicon *l)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *buf = NULL;
	size_t longest = 1, keep = 0, total = 0;
	struct stat st;

	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->words[i]) + 1 > longest)
			longest = strlen(l->words[i]) + 1;
	fd = target_open_inode(t, path, 0, &st);
	if (fd < 0 || S_ISDIR(st.st_mode) || (unsigned long long) st.st_size > LEXICON_MAX)
		return 0;
	buf = malloc(LEXICON_CHUNK + longest);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t k = RETRY_EINTR(read(fd, buf + keep, LEXICON_CHUNK));
		if (k < 0 || (total += (size_t) k) > LEXICON_MAX) {
			memset(l->found, 0, l->n * sizeof(*l->found));
			return 0;
		}
		if (k == 0)
			break;
		size_t have = keep + (size_t) k;
		for (size_t i = 0; i < l->n; i++)
			if (!l->found[i] && memmem(buf, have, l->words[i], strlen(l->words[i]) + 1))
				l->found[i] = true;
		keep = have < longest - 1 ? have : longest - 1;
		memmove(buf, buf + have - keep, keep);
	}
	l->read = true;
	return 0;
}

/* Does the binary hold keyword?  1 possibly, 0 surely not, -1 when there is no binary to ask. */
static int binary_knows(const struct lexicon *l, const char *keyword)
{
	_cleanup_free_ char *w = NULL;

	if (!l->read || !(w = lower(keyword)))
		return -1;
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->words[i], w))
			return l->found[i];
	return -1;
}

static int check_option(struct run *run, const struct sshd_option *o, const struct lexicon *bin)
{
	const struct target_facts *tf = &run->target->facts;
	_cleanup_free_ char *kw = strdup_trunc(o->keyword, 100);
	const char *why = NULL;
	int known;

	if (!kw)
		return -ENOMEM;
	known = binary_knows(bin, o->keyword);
	if (known == 0 || (known < 0 && !o->kw)) {
		const char *s = o->kw ? NULL : sshd_keyword_suggest(o->keyword);
		return add(run, PR_CONFIG_BAD_OPTION, o->file, o->line, "\"%s\" is not a keyword %s knows%s%s%s", kw,
			   tf->sshd_version ? tf->sshd_version : "sshd", s ? " (did you mean " : "", s ? s : "",
			   s ? "?)" : "");
	}
	if (!o->kw)
		return 0;	/* a keyword of this build that the table does not describe */
	if (known < 0 && !sshd_keyword_supported(o->kw, tf->sshd_major, tf->sshd_minor, tf->sshd_debian_patches, &why))
		return add(run, PR_CONFIG_BAD_OPTION, o->file, o->line, "%s: %s (%s)", o->kw->name, why,
			   tf->sshd_version ? tf->sshd_version : "unknown version");
	if (o->match >= 0 && !(o->kw->flags & KW_MATCH))
		return add(run, PR_CONFIG_NOT_IN_MATCH, o->file, o->line, "%s is not allowed inside a Match block",
			   o->kw->name);
	const char *bad = sshd_keyword_check_value(o->kw, o->args[0]);
	if (bad) {
		_cleanup_free_ char *v = strdup_trunc(o->args[0], 100);
		return add(run, PR_CONFIG_BAD_VALUE, o->file, o->line, "%s \"%s\": the value %s", o->kw->name,
			   v ? v : "?", bad);
	}
	if (o->trailing_comment && tf->sshd_major >= 0 && !target_sshd_at_least(run->target, 8, 7))
		return add(run, PR_CONFIG_TRAILING_COMMENT, o->file, o->line, "%d.%d", tf->sshd_major, tf->sshd_minor);
	return 0;
}

static int check_diag(struct run *run, const struct sshd_diag *d)
{
	switch (d->kind) {
	case DIAG_MAIN_MISSING:
		return add(run, PR_CONFIG_MISSING, d->file, 0, "%s", "missing");
	case DIAG_UNREADABLE:
		return add(run, PR_CONFIG_UNREADABLE, d->file, 0, "%s", d->message);
	case DIAG_INVALID_QUOTES:
		return add(run, PR_CONFIG_BAD_QUOTES, d->file, d->line, "%s", d->message);
	case DIAG_NO_ARGUMENT:
		return add(run, PR_CONFIG_NO_ARGUMENT, d->file, d->line, "%s", d->message);
	case DIAG_INCLUDE_DEPTH:
		return add(run, PR_CONFIG_INCLUDE_LOOP, d->file, d->line, "%s", d->message);
	}
	return 0;
}

/* Ask the binary (lexicon) about every keyword of the configuration. */
static int detect(struct run *run, struct lexicon *bin)
{
	const struct sshd_config *c = run->model.sshd;
	const char *sshd = run->target->facts.sshd_path;
	int r;

	/* Ask the binary only if it holds a keyword table at all: a packed
	 * or unusual binary would otherwise make every line look unknown,
	 * and every line would be commented out. */
	static const char *const core[] = {
		"permitrootlogin", "pubkeyauthentication", "passwordauthentication", "authorizedkeysfile", "strictmodes",
	};
	for (size_t i = 0; sshd && i < ELEMENTSOF(core); i++)
		if ((r = lexicon_add(bin, core[i])) < 0)
			return r;
	for (size_t i = 0; sshd && c && i < c->n_opts; i++)
		if ((r = lexicon_add(bin, c->opts[i].keyword)) < 0)
			return r;
	/* No readable binary: the version table decides alone. */
	if (sshd && (r = lexicon_scan(run->target, sshd, bin)) < 0)
		return r;
	for (size_t i = 0; bin->read && i < ELEMENTSOF(core); i++)
		if (binary_knows(bin, core[i]) != 1) {
			r = model_note(&run->model, "the target's sshd binary holds no keyword table sshfix recognises; "
						    "keywords are checked against sshfix's own table");
			if (r < 0)
				return r;
			bin->read = false;
		}

	/* In the order sshd reads the lines; the diags first where a line has both. */
	for (size_t i = 0; c && i < c->n_diags; i++) {
		r = check_diag(run, &c->diags[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; c && i < c->n_opts; i++) {
		r = check_option(run, &c->opts[i], bin);
		if (r < 0)
			return r;
	}
	return 0;
}

static int config_syntax_detect(struct run *run)
{
	struct lexicon bin = {0};
	int r;

	r = detect(run, &bin);
	lexicon_done(&bin);
	return r;
}

static const char *comment_reason(enum problem_code code)
{
	switch (code) {
	case PR_CONFIG_BAD_OPTION:
		return "not an option this sshd knows";
	case PR_CONFIG_BAD_VALUE:
		return "a value sshd cannot parse";
	case PR_CONFIG_BAD_QUOTES:
		return "unbalanced quotes";
	case PR_CONFIG_NO_ARGUMENT:
		return "no value";
	case PR_CONFIG_NOT_IN_MATCH:
		return "not allowed inside Match";
	default:
		return "refused by sshd";
	}
}

/* Keep the line up to its comment, without the white space before it. */
static int strip_comment(struct run *run, struct finding *f)
{
	_cleanup_free_ char *line = NULL;
	size_t len, cut;
	int r;

	r = config_read_line(run->target, run->journal, f->path, f->line, &line, &len);
	if (r < 0)
		return r;
	cut = sshd_config_comment_offset(line, len);
	while (cut > 0 && (line[cut - 1] == ' ' || line[cut - 1] == '\t'))
		cut--;
	line[cut] = '\0';
	return config_replace_line(run->target, run->journal, f->path, f->line, line);
}

/* Debian and Ubuntu keep the package's default configuration beside it. */
static int restore_template(struct run *run, struct finding *f)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r;

	r = target_read_file(run->target, DEBIAN_TEMPLATE, CONFIG_MAX, &data, &len);
	if (r < 0) {
		f->status_reason = strdup("no package default (" DEBIAN_TEMPLATE ") to copy; restore the file from a "
					  "backup or reinstall openssh-server");
		return r;
	}
	return journal_write_file(run->journal, f->path, data, len, 0644, 0, 0);
}

static int config_syntax_repair(struct run *run, struct finding *f)
{
	int r;

	switch (f->problem->code) {
	case PR_CONFIG_MISSING:
		f->action = strdup("copy the package default " DEBIAN_TEMPLATE);
		return restore_template(run, f);
	case PR_CONFIG_TRAILING_COMMENT:
		r = asprintf(&f->action, "remove the comment from line %u", f->line);
		return r < 0 ? -ENOMEM : strip_comment(run, f);
	default:
		r = asprintf(&f->action, "comment out line %u", f->line);
		if (r < 0)
			return -ENOMEM;
		return config_comment_out(run->target, run->journal, f->path, f->line, comment_reason(f->problem->code));
	}
}

const struct fix fix_config_syntax = {
	.id = "config-syntax",
	.summary = "lines of sshd_config and its Include'd files that stop sshd from starting",
	.rules = "RULES §3.2-3.9",
	.problems = config_syntax_problems,
	.detect = config_syntax_detect,
	.repair = config_syntax_repair,
};
