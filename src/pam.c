/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PAM stacks, read and run as Linux-PAM 1.5.2 does (see the header):
 * _pam_assemble_line() for comments and '\' continuations, _pam_StrTok()
 * for "[...]" tokens, _pam_parse_conf_file() for the fields, include and
 * substack, _pam_parse_control() for the actions, _pam_dispatch_aux() for
 * the control flow.  Debian's "@include FILE" includes FILE's lines of the
 * type being read, in place.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "confdirs.h"
#include "pam.h"
#include "util.h"

/* libpam's PAM_SUBSTACK_MAX_LEVEL; includes nest no deeper either here. */
#define PAM_DEPTH_MAX 16
/* libpam's BUF_SIZE for an assembled line: a longer one aborts the file. */
#define PAM_LINE_MAX 1024
/* Files read for one stack: a bound on hostile include trees. */
#define PAM_FILES_MAX 256

static const char *const type_names[_PAMT_MAX] = {
	[PAMT_AUTH] = "auth",
	[PAMT_ACCOUNT] = "account",
	[PAMT_SESSION] = "session",
	[PAMT_PASSWORD] = "password",
};

const char *pam_type_name(enum pam_type type)
{
	return (unsigned) type < _PAMT_MAX ? type_names[type] : "?";
}

/* The names of libpam's return values in "[value=action]", for those sshfix models. */
static const struct {
	const char *name;
	enum pam_ret ret;
} ret_names[] = {
	{ "success", PAMR_SUCCESS },
	{ "ignore", PAMR_IGNORE },
	{ "perm_denied", PAMR_PERM_DENIED },
	{ "auth_err", PAMR_AUTH_ERR },
	{ "user_unknown", PAMR_USER_UNKNOWN },
	{ "new_authtok_reqd", PAMR_NEW_AUTHTOK_REQD },
	{ "acct_expired", PAMR_ACCT_EXPIRED },
	{ "service_err", PAMR_SERVICE_ERR },
	{ "module_unknown", PAMR_MODULE_UNKNOWN },
};

/* The other names libpam knows: valid, but for values sshfix never produces. */
static const char *const other_ret_names[] = {
	"open_err", "symbol_err", "system_err", "buf_err", "cred_insufficient", "authinfo_unavail", "maxtries",
	"session_err", "cred_unavail", "cred_expired", "cred_err", "no_module_data", "conv_err", "authtok_err",
	"authtok_recover_err", "authtok_lock_busy", "authtok_disable_aging", "try_again", "abort",
	"authtok_expired", "bad_item", "conv_again", "incomplete",
};

#define PAMA_UNDEF (-100)

static void set_default(int actions[static _PAMR_MAX], int action)
{
	for (int i = 0; i < _PAMR_MAX; i++)
		if (actions[i] == PAMA_UNDEF)
			actions[i] = action;
}

int pam_parse_control(const char *control, bool bracketed, int actions[static _PAMR_MAX])
{
	int r = 0;

	for (int i = 0; i < _PAMR_MAX; i++)
		actions[i] = PAMA_UNDEF;
	if (!bracketed) {
		if (strcasecmp(control, "required") == 0 || strcasecmp(control, "requisite") == 0) {
			actions[PAMR_SUCCESS] = actions[PAMR_NEW_AUTHTOK_REQD] = PAMA_OK;
			actions[PAMR_IGNORE] = PAMA_IGNORE;
			set_default(actions, strcasecmp(control, "requisite") == 0 ? PAMA_DIE : PAMA_BAD);
		} else if (strcasecmp(control, "optional") == 0) {
			actions[PAMR_SUCCESS] = actions[PAMR_NEW_AUTHTOK_REQD] = PAMA_OK;
			set_default(actions, PAMA_IGNORE);
		} else if (strcasecmp(control, "sufficient") == 0) {
			actions[PAMR_SUCCESS] = actions[PAMR_NEW_AUTHTOK_REQD] = PAMA_DONE;
			set_default(actions, PAMA_IGNORE);
		} else {
			/* libpam hands an unknown word to _pam_parse_control(), which finds no '='. */
			set_default(actions, PAMA_BAD);
			return -EINVAL;
		}
		return 0;
	}
	/* "value=action ...": later words override earlier ones; "default" fills what is unset so far. */
	for (const char *p = control; *p;) {
		p += strspn(p, " \t\n");
		size_t n = strcspn(p, " \t\n");
		if (!n)
			break;
		const char *eq = memchr(p, '=', n);
		if (!eq) {
			r = -EINVAL;
			p += n;
			continue;
		}
		size_t kl = (size_t) (eq - p), vl = n - kl - 1;
		const char *v = eq + 1;
		int action;
		if (vl == 6 && strncasecmp(v, "ignore", 6) == 0)
			action = PAMA_IGNORE;
		else if (vl == 2 && strncasecmp(v, "ok", 2) == 0)
			action = PAMA_OK;
		else if (vl == 4 && strncasecmp(v, "done", 4) == 0)
			action = PAMA_DONE;
		else if (vl == 3 && strncasecmp(v, "bad", 3) == 0)
			action = PAMA_BAD;
		else if (vl == 3 && strncasecmp(v, "die", 3) == 0)
			action = PAMA_DIE;
		else if (vl == 5 && strncasecmp(v, "reset", 5) == 0)
			action = PAMA_RESET;
		else if (vl > 0 && vl < 6 && strspn(v, "0123456789") >= vl) {
			action = 0;	/* a jump: digits only, at most 5 */
			for (size_t k = 0; k < vl; k++)
				action = action * 10 + (v[k] - '0');
			if (action <= 0) {
				r = -EINVAL;	/* libpam: "bad action"; the value stays unset */
				p += n;
				continue;
			}
		} else {
			r = -EINVAL;
			p += n;
			continue;
		}
		if (kl == 7 && strncasecmp(p, "default", 7) == 0)
			set_default(actions, action);
		else {
			bool known = false;
			for (size_t i = 0; i < ELEMENTSOF(ret_names); i++)
				if (strlen(ret_names[i].name) == kl && strncasecmp(p, ret_names[i].name, kl) == 0) {
					actions[ret_names[i].ret] = action;
					known = true;
				}
			for (size_t i = 0; !known && i < ELEMENTSOF(other_ret_names); i++)
				known = strlen(other_ret_names[i]) == kl && strncasecmp(p, other_ret_names[i], kl) == 0;
			if (!known)
				r = -EINVAL;
		}
		p += n;
	}
	/* By default the default is to treat as failure. */
	set_default(actions, PAMA_BAD);
	return r;
}

/* ------------------------------------------------------------------ */
/* Lines                                                              */

static void line_done(struct pam_line *l)
{
	free(l->control);
	free(l->module);
	strv_free(l->args);
	free(l->module_path);
	free(l->why_fail);
}

void pam_stack_done(struct pam_stack *s)
{
	if (!s)
		return;
	for (int t = 0; t < _PAMT_MAX; t++) {
		for (size_t i = 0; i < s->n[t]; i++)
			line_done(&s->lines[t][i]);
		free(s->lines[t]);
	}
	free(s->service);
	free(s->path);
	strv_free(s->files);
	strv_free(s->notes);
	*s = (struct pam_stack) {0};
}

static int note(struct pam_stack *s, const char *fmt, ...) _printf_(2, 3);
static int note(struct pam_stack *s, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	int r = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (strv_contains(s->notes, m)) {
		free(m);
		return 0;
	}
	return strv_push(&s->notes, m);
}

/* The stack's copy of a file name (stable for the stack's life). */
static const char *intern(struct pam_stack *s, const char *file)
{
	for (size_t i = 0; s->files && s->files[i]; i++)
		if (streq(s->files[i], file))
			return s->files[i];
	if (strv_push(&s->files, strdup(file)) < 0)
		return NULL;
	return s->files[strv_length(s->files) - 1];
}

static struct pam_line *push_line(struct pam_stack *s, enum pam_type type)
{
	struct pam_line *nv = realloc(s->lines[type], (s->n[type] + 1) * sizeof(*nv));

	if (!nv)
		return NULL;
	s->lines[type] = nv;
	nv[s->n[type]] = (struct pam_line) { .type = type };
	return &nv[s->n[type]++];
}

/*
 * _pam_StrTok(): the next token of *p, white space (" \n\t") separated; a
 * token starting with '[' runs to the first ']' ("\]" is a literal ']') and
 * loses its brackets.  Returns a new string or NULL at the end (*ret_err on
 * ENOMEM); *ret_bracketed says which kind it was.
 */
static char *next_token(const char **p, bool *ret_bracketed, int *ret_err)
{
	const char *s = *p + strspn(*p, " \n\t");
	struct buf b = {0};

	*ret_bracketed = false;
	if (!*s) {
		*p = s;
		return NULL;
	}
	if (*s == '[') {
		*ret_bracketed = true;
		for (s++; *s && *s != ']'; s++) {
			if (*s == '\\' && s[1] == ']')
				s++;
			buf_putc(&b, *s);
		}
		if (*s == ']')
			s++;
		buf_puts(&b, "");
	} else {
		size_t n = strcspn(s, " \n\t");
		buf_append(&b, s, n);
		s += n;
	}
	*p = s;
	if (!buf_ok(&b)) {
		buf_done(&b);
		*ret_err = -ENOMEM;
		return NULL;
	}
	return buf_steal(&b);
}

struct loader {
	struct target *t;
	struct pam_stack *s;
	char **module_dirs;
	char **chain;		/* files being read, outermost first: loops */
};

static int load_type(struct loader *ld, const char *path, enum pam_type type, unsigned level, unsigned depth);
static int parse_text(struct loader *ld, enum pam_type type, const char *file, const char *text, size_t len,
		      unsigned level, unsigned depth);

/*
 * Where libpam looks for a service or an include, in order
 * (_pam_open_config_file()): /etc/pam.d, then the vendor directory
 * /usr/lib/pam.d (PAM_CONFIG_DIST_D); the first file that opens counts.
 */
static const char *const pam_dirs[] = { "/etc/pam.d", "/usr/lib/pam.d", NULL };

/* Where an include names: absolute, else the first of pam_dirs where it opens. */
static char *include_path(struct target *t, const char *name)
{
	char *p = NULL;
	int r;

	if (name[0] == '/')
		return strdup(name);
	r = confdirs_find(t, pam_dirs, name, CONFDIRS_FOLLOW, &p);
	if (r > 0)
		return p;
	if (r == -ENOMEM)
		return NULL;
	return path_join(pam_dirs[0], name);	/* named as libpam would first look for it */
}

static int must_fail(struct loader *ld, enum pam_type type, const char *file, unsigned lineno, unsigned level,
		     const char *fmt, ...) _printf_(6, 7);
static int must_fail(struct loader *ld, enum pam_type type, const char *file, unsigned lineno, unsigned level,
		     const char *fmt, ...)
{
	struct pam_line *l = push_line(ld->s, type);
	va_list ap;

	if (!l)
		return -ENOMEM;
	l->kind = PAML_MUST_FAIL;
	l->file = file;
	l->line = lineno;
	l->level = level;
	l->state = PAM_MODULE_UNJUDGED;
	for (int i = 0; i < _PAMR_MAX; i++)
		l->actions[i] = PAMA_BAD;
	va_start(ap, fmt);
	int r = vasprintf(&l->why_fail, fmt, ap);
	va_end(ap);
	if (r < 0) {
		l->why_fail = NULL;
		return -ENOMEM;
	}
	l->args = calloc(1, sizeof(char *));
	return l->args ? 0 : -ENOMEM;
}

/* An include or substack of name, from file:lineno. */
static int include(struct loader *ld, enum pam_type type, const char *file, unsigned lineno, unsigned level,
		   unsigned depth, const char *name, bool substack)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;
	int r;

	if (!name)
		return must_fail(ld, type, file, lineno, level, "include without a file name");
	path = include_path(ld->t, name);
	if (!path)
		return -ENOMEM;
	if (strv_contains(ld->chain, path))
		return must_fail(ld, type, file, lineno, level, "%s includes itself (a loop)", path);
	if (depth + 1 >= PAM_DEPTH_MAX || level + substack >= PAM_DEPTH_MAX)
		return must_fail(ld, type, file, lineno, level, "includes nest deeper than %d levels", PAM_DEPTH_MAX);
	if (target_stat(ld->t, path, &st) < 0 || !S_ISREG(st.st_mode))
		return must_fail(ld, type, file, lineno, level, "the included file %s does not exist", path);
	if (substack) {
		struct pam_line *l = push_line(ld->s, type);
		if (!l)
			return -ENOMEM;
		*l = (struct pam_line) { .kind = PAML_SUBSTACK, .type = type, .file = file, .line = lineno, .level = level,
					 .state = PAM_MODULE_UNJUDGED, .module = strdup(path), .control = strdup("substack"),
					 .args = calloc(1, sizeof(char *)) };
		for (int i = 0; i < _PAMR_MAX; i++)
			l->actions[i] = PAMA_IGNORE;
		if (!l->module || !l->control || !l->args)
			return -ENOMEM;
	}
	r = load_type(ld, path, type, level + substack, depth + 1);
	if (r == -ENOENT)
		return must_fail(ld, type, file, lineno, level, "the included file %s cannot be read", path);
	if (r == -EBADMSG)
		return must_fail(ld, type, file, lineno, level, "libpam cannot read the included file %s", path);
	return r;
}

static void module_lookup(struct loader *ld, struct pam_line *l)
{
	struct stat st;

	if (strstr(l->module, "$ISA")) {
		l->state = PAM_MODULE_UNJUDGED;
		return;
	}
	if (l->module[0] == '/') {
		l->state = target_stat(ld->t, l->module, &st) == 0 && S_ISREG(st.st_mode) ? PAM_MODULE_FOUND
											    : PAM_MODULE_MISSING;
		if (l->state == PAM_MODULE_FOUND)
			l->module_path = strdup(l->module);
		return;
	}
	if (!ld->module_dirs || !ld->module_dirs[0]) {
		l->state = PAM_MODULE_UNJUDGED;
		return;
	}
	l->state = PAM_MODULE_MISSING;
	for (size_t i = 0; ld->module_dirs[i]; i++) {
		_cleanup_free_ char *p = path_join(ld->module_dirs[i], l->module);
		if (p && target_stat(ld->t, p, &st) == 0 && S_ISREG(st.st_mode)) {
			l->state = PAM_MODULE_FOUND;
			l->module_path = TAKE_PTR(p);
			return;
		}
	}
}

/* One assembled line (NUL-terminated, comments removed) of file. */
static int parse_line(struct loader *ld, enum pam_type type, const char *file, unsigned lineno, unsigned level,
		      unsigned depth, const char *text)
{
	const char *p = text;
	bool br;
	int err = 0, r;
	_cleanup_free_ char *tok = next_token(&p, &br, &err);

	if (!tok)
		return err;
	if (strcasecmp(tok, "@include") == 0) {
		/* Debian: the file's lines, of the type being read (all of them at the top). */
		_cleanup_free_ char *name = next_token(&p, &br, &err);
		if (err)
			return err;
		if (type != PAMT_ANY)
			return include(ld, type, file, lineno, level, depth, name, false);
		for (int k = 0; k < _PAMT_MAX; k++) {
			int q = include(ld, (enum pam_type) k, file, lineno, level, depth, name, false);
			if (q < 0)
				return q;
		}
		return 0;
	}
	bool silent = tok[0] == '-';
	const char *tn = tok + silent;
	int lt = -1;
	for (int i = 0; i < _PAMT_MAX; i++)
		if (strcasecmp(tn, type_names[i]) == 0)
			lt = i;
	if (lt < 0)
		/* libpam installs it as the type being read (auth, the most sensitive, at the top), always failing. */
		return must_fail(ld, type == PAMT_ANY ? PAMT_AUTH : type, file, lineno, level,
				 "\"%s\" is not a module type", tok);
	if (type == PAMT_ANY)
		type = (enum pam_type) lt;
	else if ((enum pam_type) lt != type)
		return 0;
	_cleanup_free_ char *control = next_token(&p, &br, &err);
	if (err)
		return err;
	if (!control)
		return must_fail(ld, type, file, lineno, level, "no control word");
	bool bracketed = br;
	_cleanup_free_ char *module = next_token(&p, &br, &err);
	if (err)
		return err;
	if (!bracketed && (strcasecmp(control, "include") == 0 || strcasecmp(control, "substack") == 0))
		return include(ld, type, file, lineno, level, depth, module, strcasecmp(control, "substack") == 0);
	if (!module)
		return must_fail(ld, type, file, lineno, level, "no module name");

	struct pam_line *l = push_line(ld->s, type);
	if (!l)
		return -ENOMEM;
	l->kind = PAML_MODULE;
	l->file = file;
	l->line = lineno;
	l->level = level;
	l->silent = silent;
	(void) pam_parse_control(control, bracketed, l->actions);
	if (asprintf(&l->control, bracketed ? "[%s]" : "%s", control) < 0) {
		l->control = NULL;
		return -ENOMEM;
	}
	l->module = TAKE_PTR(module);
	for (;;) {
		char *a = next_token(&p, &br, &err);
		if (err)
			return err;
		if (!a)
			break;
		r = strv_push(&l->args, a);
		if (r < 0)
			return r;
	}
	if (strv_ensure(&l->args) < 0)
		return -ENOMEM;
	module_lookup(ld, l);
	if (!l->module_path && l->state == PAM_MODULE_FOUND)
		return -ENOMEM;
	return 0;
}

static int load_type(struct loader *ld, const char *path, enum pam_type type, unsigned level, unsigned depth)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	if (strv_length(ld->s->files) >= PAM_FILES_MAX && !strv_contains(ld->s->files, path))
		return note(ld->s, "more than %d PAM files: %s and what it includes were not read", PAM_FILES_MAX, path);
	r = target_read_file(ld->t, path, CONFIG_MAX, &data, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return -ENOENT;
	const char *file = intern(ld->s, path);
	if (!file || strv_push(&ld->chain, strdup(path)) < 0)
		return -ENOMEM;
	r = parse_text(ld, type, file, data, len, level, depth);
	size_t k = strv_length(ld->chain);
	free(ld->chain[k - 1]);
	ld->chain[k - 1] = NULL;
	return r;
}

/* One file's text, for type, its lines at substack level. */
static int parse_text(struct loader *ld, enum pam_type type, const char *file, const char *text, size_t len,
		      unsigned level, unsigned depth)
{
	struct buf acc = {0};
	unsigned lineno = 0, first = 0;
	int r = 0;

	for (size_t off = 0; off < len && r >= 0;) {
		const char *l = text + off, *nl = memchr(l, '\n', len - off);
		size_t n = nl ? (size_t) (nl - l) : len - off;
		off += n + (nl ? 1 : 0);
		lineno++;
		const char *nul = memchr(l, '\0', n);
		if (nul)
			n = (size_t) (nul - l);
		size_t sk = 0;
		while (sk < n && (l[sk] == ' ' || l[sk] == '\t' || l[sk] == '\r'))
			sk++;
		if (sk == n || l[sk] == '#')
			continue;	/* nothing here; a continuation goes on past it */
		if (!acc.len)
			first = lineno;
		const char *s = l + sk;
		size_t m = n - sk;
		const char *hash = memchr(s, '#', m);
		bool cont = false;
		if (hash)
			m = (size_t) (hash - s);
		else {
			while (m > 0 && (s[m - 1] == ' ' || s[m - 1] == '\t' || s[m - 1] == '\r'))
				m--;
			if (m > 0 && s[m - 1] == '\\') {
				m--;
				cont = true;
			}
		}
		buf_append(&acc, s, m);
		if (cont) {
			buf_putc(&acc, ' ');
			if (acc.len < PAM_LINE_MAX)
				continue;
		}
		if (!buf_ok(&acc)) {
			r = -ENOMEM;
			break;
		}
		if (acc.len >= PAM_LINE_MAX) {
			/* libpam stops reading the file there and calls it broken. */
			buf_done(&acc);
			return note(ld->s, "%s line %u is longer than %d bytes: libpam stops reading the file there",
				    file, first, PAM_LINE_MAX) < 0 ? -ENOMEM : -EBADMSG;
		}
		r = parse_line(ld, type, file, first, level, depth, acc.data);
		acc.len = 0;
		if (acc.data)
			acc.data[0] = '\0';
	}
	if (r >= 0 && acc.len) {
		/* A continuation at the end of the file: libpam's read is incomplete. */
		r = note(ld->s, "%s ends in a line continued with '\\': libpam calls the file broken", file) < 0 ? -ENOMEM
														: -EBADMSG;
	}
	buf_done(&acc);
	return r;
}


/* ------------------------------------------------------------------ */
/* Loading                                                            */

/* Linux-PAM's DEFAULT_MODULE_PATH on the distributions sshfix knows, and the multiarch ones. */
static const char *const module_dirs[] = {
	"/lib/security", "/lib64/security", "/usr/lib/security", "/usr/lib64/security",
};
static const char *const module_dir_globs[] = { "/lib/*/security", "/usr/lib/*/security" };

static int find_module_dirs(struct target *t, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL, **cand = NULL;
	int r;

	for (size_t i = 0; i < ELEMENTSOF(module_dir_globs); i++) {
		_cleanup_strv_free_ char **g = NULL;
		if (target_glob(t, module_dir_globs[i], &g) < 0)
			continue;
		for (size_t k = 0; g && g[k]; k++)
			if ((r = strv_push(&cand, TAKE_PTR(g[k]))) < 0)
				return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(module_dirs); i++)
		if ((r = strv_push(&cand, strdup(module_dirs[i]))) < 0)
			return r;
	for (size_t i = 0; cand && cand[i]; i++) {
		struct target_path tp = {0};
		/* One entry per directory: /lib is often a link to /usr/lib. */
		r = target_resolve(t, cand[i], 0, &tp, NULL);
		if (r == -ENOMEM)
			return r;
		if (r == 0 && tp.exists && S_ISDIR(tp.st.st_mode) && !strv_contains(v, tp.canon) &&
		    (r = strv_push(&v, TAKE_PTR(tp.canon))) < 0) {
			target_path_done(&tp);
			return r;
		}
		target_path_done(&tp);
	}
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

static int stack_fill(struct target *t, const char *service, struct pam_stack *s)
{
	_cleanup_strv_free_ char **mdirs = NULL;
	struct stat st;
	int r;

	/* As pam_start() takes it: "All service names should be files below
	 * /etc/pam.d and nothing else", after the last '/', in lower case. */
	s->service = strdup(strrchr(service, '/') ? strrchr(service, '/') + 1 : service);
	if (!s->service || strv_ensure(&s->files) < 0)
		return -ENOMEM;
	for (char *c = s->service; *c; c++)
		*c = (char) tolower((unsigned char) *c);
	service = s->service;
	r = find_module_dirs(t, &mdirs);
	if (r < 0)
		return r;
	s->no_module_dirs = !mdirs[0];
	/* The service's file and "other" (libpam's PAM_DEFAULT_SERVICE), each in /etc/pam.d or the
	 * vendor directory; libpam reads both, and a type the service has no line of is other's. */
	_cleanup_free_ char *other = NULL;
	r = confdirs_find(t, pam_dirs, service, CONFDIRS_REGULAR, &s->path);
	if (r == -ENOMEM)
		return r;	/* -EINVAL: "", "." or ".." is no service file */
	r = confdirs_find(t, pam_dirs, "other", CONFDIRS_REGULAR, &other);
	if (r < 0)
		return r;
	if (!s->path && !other) {
		if (target_stat(t, "/etc/pam.d", &st) < 0) {
			if (target_stat(t, "/etc/pam.conf", &st) == 0)
				return note(s, "PAM is configured in /etc/pam.conf, which sshfix does not read");
			return 0;	/* no PAM configuration at all: not judged */
		}
		return note(s, "there is no PAM file for %s (nor \"other\") in /etc/pam.d: libpam refuses every login "
			       "that uses it",
			    service);
	}
	struct loader ld = { .t = t, .s = s, .module_dirs = mdirs };
	if (s->path) {
		r = load_type(&ld, s->path, PAMT_ANY, 0, 0);
		if (r == -ENOENT)
			r = note(s, "%s cannot be read", s->path);
		if (r == -EBADMSG)
			r = 0;	/* the lines before the broken one count */
	}
	if (r >= 0 && other && (!s->path || !streq(other, s->path))) {
		struct pam_stack o = { .files = s->files };
		bool need = false;
		for (int k = 0; k < _PAMT_MAX; k++)
			need |= s->n[k] == 0;
		if (need) {
			ld.s = &o;
			r = load_type(&ld, other, PAMT_ANY, 0, 0);
			if (r == -ENOENT || r == -EBADMSG)
				r = 0;
			ld.s = s;
		}
		s->files = o.files;	/* the same vector, grown */
		o.files = NULL;
		for (int k = 0; k < _PAMT_MAX; k++) {
			if (r >= 0 && s->n[k] == 0 && o.n[k] > 0) {
				s->lines[k] = o.lines[k];
				s->n[k] = o.n[k];
				o.lines[k] = NULL;
				o.n[k] = 0;
			}
		}
		for (size_t i = 0; o.notes && o.notes[i]; i++)
			if (r >= 0)
				r = note(s, "%s", o.notes[i]);
		pam_stack_done(&o);
	}
	if (r >= 0 && !s->path) {
		s->path = TAKE_PTR(other);
		r = note(s, "there is no PAM file for %s: libpam uses %s", service, s->path);
	}
	strv_free(ld.chain);
	return r;
}

int pam_stack_load(struct target *t, const char *service, struct pam_stack *ret)
{
	struct pam_stack s = {0};
	int r = stack_fill(t, service, &s);

	if (r < 0) {
		pam_stack_done(&s);
		return r;
	}
	*ret = s;
	return 0;
}

const char *pam_module_base(const struct pam_line *l, char buf[static 64])
{
	const char *b = l->module ? path_last(l->module) : "";
	size_t n = strlen(b);

	if (n > 3 && streq(b + n - 3, ".so"))
		n -= 3;
	n = n > 63 ? 63 : n;
	memcpy(buf, b, n);
	buf[n] = '\0';
	return buf;
}

bool pam_line_is(const struct pam_line *l, const char *name)
{
	char buf[64];

	/* asked for every line of the stack for every user: no printf here */
	return l->kind == PAML_MODULE && streq(pam_module_base(l, buf), name);
}

const char *pam_line_arg(const struct pam_line *l, const char *key)
{
	size_t k = strlen(key);
	const char *v = NULL;

	for (size_t i = 0; l->args && l->args[i]; i++)
		if (strncmp(l->args[i], key, k) == 0 && l->args[i][k] == '=')
			v = l->args[i] + k + 1;
	return v;
}

bool pam_line_flag(const struct pam_line *l, const char *word)
{
	return strv_contains(l->args, word);
}

int pam_line_where(const struct pam_line *l, char **ret)
{
	return asprintf(ret, "%s line %u", l->file, l->line) < 0 ? -ENOMEM : 0;
}

/* ------------------------------------------------------------------ */
/* Running a stack (_pam_dispatch_aux without the frozen chain)       */

enum { IMP_UNDEF, IMP_POSITIVE, IMP_NEGATIVE };

void pam_outcome_done(struct pam_outcome *o)
{
	free(o->failed);
	*o = (struct pam_outcome) {0};
}

int pam_stack_run(const struct pam_stack *s, enum pam_type type, pam_module_fn fn, void *userdata,
		  struct pam_outcome *ret)
{
	const struct pam_line *lines = s->lines[type];
	size_t n = s->n[type];
	struct {
		int impression;
		enum pam_ret status;
	} sub[PAM_DEPTH_MAX + 1];
	int impression = IMP_UNDEF;
	enum pam_ret status = PAMR_PERM_DENIED;	/* PAM_MUST_FAIL_CODE */
	unsigned prev = 0;
	struct pam_outcome o = {0};
	int r;

	sub[0].impression = impression;
	sub[0].status = status;
	for (size_t i = 0; i < n; prev = lines[i].level, i++) {
		const struct pam_line *l = &lines[i];
		unsigned level = l->level > PAM_DEPTH_MAX ? PAM_DEPTH_MAX : l->level;
		enum pam_ret rv;
		int action;

		if (prev < level) {
			sub[level].impression = impression;
			sub[level].status = status;
		}
		if (l->kind == PAML_SUBSTACK)
			continue;
		if (l->kind == PAML_MUST_FAIL)
			rv = PAMR_PERM_DENIED;
		else if (l->state == PAM_MODULE_MISSING)
			rv = PAMR_MODULE_UNKNOWN;
		else {
			rv = PAMR_SUCCESS;
			r = fn(userdata, l, &rv);
			if (r < 0) {
				pam_outcome_done(&o);
				return r;
			}
			if ((unsigned) rv >= _PAMR_MAX)
				rv = PAMR_SERVICE_ERR;
		}
		action = l->actions[rv];
		if (action == PAMA_RESET) {
			impression = sub[level].impression;
			status = sub[level].status;
		} else if (action == PAMA_OK || action == PAMA_DONE) {
			if (impression == IMP_UNDEF || (impression == IMP_POSITIVE && status == PAMR_SUCCESS)) {
				impression = IMP_POSITIVE;
				status = rv;
			}
			if (impression == IMP_POSITIVE && action == PAMA_DONE)
				goto decided;
		} else if (action == PAMA_BAD || action == PAMA_DIE) {
			const struct pam_line **nv = realloc(o.failed, (o.n_failed + 1) * sizeof(*nv));
			if (!nv) {
				pam_outcome_done(&o);
				return -ENOMEM;
			}
			o.failed = nv;
			nv[o.n_failed++] = l;
			if (impression != IMP_NEGATIVE) {
				impression = IMP_NEGATIVE;
				status = rv == PAMR_IGNORE ? PAMR_PERM_DENIED : rv;
			}
			if (action == PAMA_DIE)
				goto decided;
		} else if (action > 0) {
			/* Skip `action` lines of this level, a substack counting as one. */
			while (i + 1 < n && lines[i + 1].level >= l->level && action > 0) {
				do
					i++;
				while (i + 1 < n && lines[i + 1].level > l->level);
				action--;
			}
			if (action) {
				/* "bad jump in stack" */
				impression = IMP_NEGATIVE;
				status = PAMR_PERM_DENIED;
			}
		}
		continue;
decided:
		while (i + 1 < n && lines[i + 1].level >= l->level)
			i++;
	}
	if (status == PAMR_SUCCESS && impression != IMP_POSITIVE)
		status = PAMR_PERM_DENIED;
	o.success = status == PAMR_SUCCESS;
	o.status = status;
	*ret = o;
	return 0;
}
