/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keyfiles.h"
#include "oracle.h"
#include "sshmatch.h"
#include "util.h"
#include "verdict_config.h"

void verdict_config_done(struct verdict_config *vc)
{
	strv_free(vc->keys_files);
	strv_free(vc->auth_methods);
	strv_free(vc->allow_users);
	strv_free(vc->deny_users);
	strv_free(vc->allow_groups);
	strv_free(vc->deny_groups);
	free(vc->chroot);
	free(vc->keys_command);
	strv_free(vc->depends_on);
	free(vc->invalid);
	free(vc->match_key);
	*vc = (struct verdict_config) {0};
}

enum mres {
	M_NO,
	M_YES,
	M_DEPENDS,
	M_INVALID,
	M_NOMEM,
};

struct match_ctx {
	const struct accounts *a;
	const char *user;
	const struct pw_entry *pw;	/* NULL: no such account */
	char **groups;			/* the account's group names, computed on first use */
	bool groups_done;
	const struct verdict_conn *conn;
	unsigned single_port;		/* the only Port sshd listens on; 0 when several */
};

static char **match_groups(struct match_ctx *x)
{
	if (!x->groups_done && x->pw) {
		x->groups_done = true;
		if (accounts_user_group_names(x->a, x->pw, &x->groups) < 0)
			x->groups = NULL;
	}
	return x->groups;
}

/* a2port() for LocalPort: a decimal 0-65535, or "ssh"; -1 for anything else. */
static int parse_port(const char *s)
{
	unsigned long long v;

	if (strcmp(s, "ssh") == 0)
		return 22;
	return parse_uint(s, 10, 65535, &v) == 0 ? (int) v : -1;
}

/*
 * sshd reads a Match line with strdelim(), which also splits at one '='
 * ("Match User=alice"); the loader split it as other lines.  Returns a new
 * vector, or NULL on ENOMEM.
 */
static char **match_words(char **crit)
{
	_cleanup_strv_free_ char **v = NULL;

	for (size_t i = 0; crit && crit[i]; i++) {
		const char *eq = strchr(crit[i], '=');
		if (eq && eq != crit[i]) {
			if (strv_push(&v, strndup(crit[i], (size_t) (eq - crit[i]))) < 0 ||
			    (eq[1] && strv_push(&v, strdup(eq + 1)) < 0))
				return NULL;
		} else if (strv_push(&v, strdup(crit[i])) < 0)
			return NULL;
	}
	return strv_ensure(&v) < 0 ? NULL : TAKE_PTR(v);
}

/*
 * One Match line (servconf.c match_cfg_line(): every criterion must hold).
 * M_DEPENDS when the answer rests on something about the client that is
 * not known; M_INVALID (with *ret_why) when sshd refuses the line.
 */
static enum mres eval_match(struct match_ctx *x, char **words, const char **ret_why)
{
	_cleanup_strv_free_ char **crit = match_words(words);
	bool depends = false, no = false;
	unsigned attributes = 0;
	const struct verdict_conn *c = x->conn;

	if (!crit)
		return M_NOMEM;
	for (size_t i = 0; crit[i]; i++) {
		const char *attrib = crit[i], *arg;

		attributes++;
		if (strcasecmp(attrib, "all") == 0) {
			if (attributes > 1 || crit[i + 1]) {
				*ret_why = "'all' cannot be combined with other Match attributes";
				return M_INVALID;
			}
			return M_YES;
		}
		arg = crit[++i];
		if (!arg) {
			*ret_why = "Missing Match criteria";
			return M_INVALID;
		}
		if (strcasecmp(attrib, "user") == 0) {
			if (sshmatch_list(x->user, arg, false) != SSHMATCH_YES)
				no = true;
		} else if (strcasecmp(attrib, "group") == 0) {
			char **g = match_groups(x);
			bool found = false, neg = false;
			for (size_t k = 0; g && g[k] && !neg; k++) {
				int r = sshmatch_list(g[k], arg, false);
				if (r == SSHMATCH_NEGATED)
					neg = true;
				else if (r == SSHMATCH_YES)
					found = true;
			}
			if (neg || !found)
				no = true;
		} else if (strcasecmp(attrib, "host") == 0) {
			if (c->world != WORLD_CONCRETE)
				depends = true;
			else if (!c->host || sshmatch_list(c->host, arg, true) != SSHMATCH_YES)
				no = true;
		} else if (strcasecmp(attrib, "address") == 0 || strcasecmp(attrib, "localaddress") == 0) {
			bool local = attrib[0] == 'l' || attrib[0] == 'L';
			if (sshmatch_addr_list(NULL, arg) == SSHMATCH_INVALID) {
				*ret_why = local ? "Invalid Match localaddress argument" : "Invalid Match address argument";
				return M_INVALID;
			}
			if (c->world != WORLD_CONCRETE)
				depends = true;
			else if (local || !c->addr || sshmatch_addr_list(c->addr, arg) != SSHMATCH_YES)
				no = true;	/* sshd -T -C without laddr: not matched */
		} else if (strcasecmp(attrib, "localport") == 0) {
			int port = parse_port(arg);
			if (port < 0 && arg[strspn(arg, "0123456789")] == '\0') {
				*ret_why = "Invalid LocalPort on Match line";
				return M_INVALID;
			}
			if (port < 0)
				depends = true;	/* a service name: /etc/services decides */
			else if (c->world == WORLD_CONCRETE)
				no |= port != c->lport;
			else if (x->single_port)
				no |= (unsigned) port != x->single_port;
			else
				depends = true;
		} else if (strcasecmp(attrib, "rdomain") == 0) {
			if (c->world != WORLD_CONCRETE)
				depends = true;
			else
				no = true;
		} else {
			*ret_why = "Unsupported Match attribute";
			return M_INVALID;
		}
	}
	if (attributes == 0) {
		*ret_why = "One or more attributes required for Match";
		return M_INVALID;
	}
	return no ? M_NO : depends ? M_DEPENDS : M_YES;
}

/*
 * sshd's tilde_expand_filename(arg, getuid()): "~" and "~/x" are root's
 * home (sshd runs as root), "~name/x" that user's.  -ENOENT for an unknown
 * user (sshd stops: "No such user").
 */
static int tilde_expand(const struct accounts *a, const char *s, char **ret)
{
	const struct pw_entry *pw;
	const char *path;
	size_t len;

	if (s[0] != '~') {
		*ret = strdup(s);
		return *ret ? 0 : -ENOMEM;
	}
	pw = keyfiles_tilde_owner(a, s);
	if (!pw)
		return -ENOENT;
	path = strchr(s, '/');
	path = path ? path + strspn(path, "/") : "";
	len = strlen(pw->dir);
	return asprintf(ret, "%s%s%s", pw->dir, len == 0 || pw->dir[len - 1] != '/' ? "/" : "", path) < 0 ? -ENOMEM
													: 0;
}

/* Values gathered in one pass over the lines that apply (servconf's options, or its Match copy). */
struct pass {
	const struct sshd_option *pubkey, *root, *keys, *methods, *chroot, *keys_command;
	char **allow_users, **deny_users, **allow_groups, **deny_groups;
	const struct sshd_option *src_allow_users, *src_deny_users, *src_allow_groups, *src_deny_groups;
};

static void pass_done(struct pass *p)
{
	strv_free(p->allow_users);
	strv_free(p->deny_users);
	strv_free(p->allow_groups);
	strv_free(p->deny_groups);
}

static int pass_add_list(char ***list, const struct sshd_option **src, const struct sshd_option *o)
{
	if (!*src)
		*src = o;
	for (size_t i = 0; o->args[i]; i++)
		if (strv_push(list, strdup(o->args[i])) < 0)
			return -ENOMEM;
	return 0;
}

static int pass_take(struct pass *p, const struct sshd_option *o)
{
	const char *k = o->keyword;

	/* Single values: the first line wins (RULES §3.3); lists add up. */
	if (strcasecmp(k, "PubkeyAuthentication") == 0) {
		if (!p->pubkey)
			p->pubkey = o;
	} else if (strcasecmp(k, "PermitRootLogin") == 0) {
		if (!p->root)
			p->root = o;
	} else if (strcasecmp(k, "AuthorizedKeysFile") == 0) {
		if (!p->keys)
			p->keys = o;
	} else if (strcasecmp(k, "AuthenticationMethods") == 0) {
		if (!p->methods)
			p->methods = o;
	} else if (strcasecmp(k, "ChrootDirectory") == 0) {
		if (!p->chroot)
			p->chroot = o;
	} else if (strcasecmp(k, "AuthorizedKeysCommand") == 0) {
		if (!p->keys_command)
			p->keys_command = o;
	} else if (strcasecmp(k, "AllowUsers") == 0)
		return pass_add_list(&p->allow_users, &p->src_allow_users, o);
	else if (strcasecmp(k, "DenyUsers") == 0)
		return pass_add_list(&p->deny_users, &p->src_deny_users, o);
	else if (strcasecmp(k, "AllowGroups") == 0)
		return pass_add_list(&p->allow_groups, &p->src_allow_groups, o);
	else if (strcasecmp(k, "DenyGroups") == 0)
		return pass_add_list(&p->deny_groups, &p->src_deny_groups, o);
	return 0;
}

/* Global over Match: a value from a Match block that applies replaces the global one. */
static const struct sshd_option *pick(const struct sshd_option *match, const struct sshd_option *global)
{
	return match ? match : global;
}

static int pick_list(char ***ret, const struct sshd_option **ret_src, char **match, const struct sshd_option *msrc,
		     char **global, const struct sshd_option *gsrc)
{
	char **from = match && match[0] ? match : global;
	_cleanup_strv_free_ char **v = NULL;

	for (size_t i = 0; from && from[i]; i++)
		if (strv_push(&v, strdup(from[i])) < 0)
			return -ENOMEM;
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	*ret_src = match && match[0] ? msrc : gsrc;
	return 0;
}

static bool flag_value(const struct sshd_option *o, bool def)
{
	if (!o || !o->args[0])
		return def;
	if (strcasecmp(o->args[0], "yes") == 0)
		return true;
	if (strcasecmp(o->args[0], "no") == 0)
		return false;
	return def;
}

static enum verdict_root root_value(const char *s)
{
	if (strcasecmp(s, "yes") == 0)
		return ROOT_YES;
	if (strcasecmp(s, "no") == 0)
		return ROOT_NO;
	if (strcasecmp(s, "forced-commands-only") == 0)
		return ROOT_FORCED_COMMANDS_ONLY;
	return ROOT_PROHIBIT_PASSWORD;	/* the default since 7.0, and without-password */
}

/* Port lines are never inside Match. */
unsigned verdict_config_single_port(const struct sshd_config *c)
{
	unsigned port = 0;

	for (size_t i = 0; c && i < c->n_opts; i++) {
		const struct sshd_option *o = &c->opts[i];
		int p;
		if (o->match >= 0 || strcasecmp(o->keyword, "Port") != 0)
			continue;
		p = parse_port(o->args[0]);
		if (p <= 0 || (port && (unsigned) p != port))
			return 0;
		port = (unsigned) p;
	}
	return port ? port : 22;
}

static int set_invalid(struct verdict_config *vc, const char *fmt, ...) _printf_(2, 3);
static int set_invalid(struct verdict_config *vc, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (vc->invalid)
		return 0;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	vc->invalid = s;
	return 0;
}

/* The Match blocks that apply, by index: "1,4", or "" for none. */
static int match_key(const struct sshd_config *c, const enum mres *applies, char **ret)
{
	struct buf b = {0};
	bool first = true;

	for (size_t i = 0; c && i < c->n_matches; i++)
		if (applies[i] == M_YES) {
			buf_printf(&b, "%s%zu", first ? "" : ",", i);
			first = false;
		}
	*ret = buf_ok(&b) ? buf_steal(&b) : (buf_done(&b), NULL);
	return *ret ? 0 : -ENOMEM;
}

/* What verdict_config_for() builds; it frees all of it on an error. */
struct build {
	struct match_ctx x;
	struct pass g, m;	/* the global lines, the Match blocks that apply */
	enum mres *applies;	/* per Match block */
	struct verdict_config vc;
};

/* The body of verdict_config_for(). */
static int config_fill(const struct sshd_config *c, const struct accounts *a, const struct verdict_conn *conn,
		       struct build *b)
{
	int r = 0;

	/* Which Match blocks apply: evaluated once each. */
	if (c && c->n_matches && !(b->applies = calloc(c->n_matches, sizeof(*b->applies))))
		return -ENOMEM;
	for (size_t i = 0; c && i < c->n_matches; i++) {
		const char *why = NULL;
		enum mres e = eval_match(&b->x, c->matches[i].criteria, &why);
		if (e == M_NOMEM)
			return -ENOMEM;
		if (e == M_INVALID) {
			_cleanup_free_ char *line = strv_join(c->matches[i].criteria, " ");
			r = set_invalid(&b->vc, "%s line %u: Match %s: %s", c->matches[i].file, c->matches[i].line,
					line ? line : "", why);
			if (r < 0)
				return r;
			e = M_NO;
		} else if (e == M_DEPENDS) {
			_cleanup_free_ char *line = strv_join(c->matches[i].criteria, " ");
			char *d = NULL;
			if (asprintf(&d, "%s line %u: Match %s", c->matches[i].file, c->matches[i].line,
				     line ? line : "") < 0 ||
			    strv_push(&b->vc.depends_on, d) < 0)
				return -ENOMEM;
			e = conn->world == WORLD_MATCHED ? M_YES : M_NO;
		}
		b->applies[i] = e;
	}

	/* Two passes, as sshd makes them: the global lines, then the Match blocks that apply. */
	for (size_t i = 0; c && i < c->n_opts; i++) {
		const struct sshd_option *o = &c->opts[i];
		if (!o->args || !o->args[0])
			continue;
		if (o->match < 0) {
			/* UsePAM and StrictModes are global only (RULES §1.1). */
			if (strcasecmp(o->keyword, "UsePAM") == 0 && !b->vc.src_use_pam) {
				b->vc.src_use_pam = o;
				b->vc.use_pam = flag_value(o, false);
			}
			r = pass_take(&b->g, o);
		} else if ((size_t) o->match < c->n_matches && b->applies[o->match] == M_YES)
			r = pass_take(&b->m, o);
		if (r < 0)
			return r;
	}
	b->vc.strict_modes = flag_value(sshd_config_first(c, "StrictModes"), true);

	b->vc.src_pubkey = pick(b->m.pubkey, b->g.pubkey);
	b->vc.pubkey = flag_value(b->vc.src_pubkey, true);
	b->vc.src_root = pick(b->m.root, b->g.root);
	if (b->vc.src_root)
		b->vc.root = root_value(b->vc.src_root->args[0]);
	b->vc.src_chroot = pick(b->m.chroot, b->g.chroot);
	if (b->vc.src_chroot && strcasecmp(b->vc.src_chroot->args[0], "none") != 0 &&
	    !(b->vc.chroot = strdup(b->vc.src_chroot->args[0])))
		return -ENOMEM;
	const struct sshd_option *kc = pick(b->m.keys_command, b->g.keys_command);
	if (kc && strcasecmp(kc->args[0], "none") != 0 && !(b->vc.keys_command = strv_join(kc->args, " ")))
		return -ENOMEM;

	b->vc.src_keys_files = pick(b->m.keys, b->g.keys);
	if (!b->vc.src_keys_files) {
		if (strv_push(&b->vc.keys_files, strdup(".ssh/authorized_keys")) < 0 ||
		    strv_push(&b->vc.keys_files, strdup(".ssh/authorized_keys2")) < 0)
			return -ENOMEM;
	} else
		for (size_t i = 0; b->vc.src_keys_files->args[i]; i++) {
			char *e = NULL;
			r = tilde_expand(a, b->vc.src_keys_files->args[i], &e);
			if (r == -ENOENT) {
				r = set_invalid(&b->vc, "%s line %u: AuthorizedKeysFile %s: no such user",
						b->vc.src_keys_files->file, b->vc.src_keys_files->line,
						b->vc.src_keys_files->args[i]);
				e = strdup(b->vc.src_keys_files->args[i]);
			}
			if (r < 0 || strv_push(&b->vc.keys_files, e) < 0)
				return -ENOMEM;
		}

	b->vc.src_auth_methods = pick(b->m.methods, b->g.methods);
	for (size_t i = 0; b->vc.src_auth_methods && b->vc.src_auth_methods->args[i]; i++)
		if (strcmp(b->vc.src_auth_methods->args[i], "any") != 0 &&
		    strv_push(&b->vc.auth_methods, strdup(b->vc.src_auth_methods->args[i])) < 0)
			return -ENOMEM;

	if ((r = pick_list(&b->vc.allow_users, &b->vc.src_allow_users, b->m.allow_users, b->m.src_allow_users, b->g.allow_users,
			   b->g.src_allow_users)) < 0 ||
	    (r = pick_list(&b->vc.deny_users, &b->vc.src_deny_users, b->m.deny_users, b->m.src_deny_users, b->g.deny_users,
			   b->g.src_deny_users)) < 0 ||
	    (r = pick_list(&b->vc.allow_groups, &b->vc.src_allow_groups, b->m.allow_groups, b->m.src_allow_groups,
			   b->g.allow_groups, b->g.src_allow_groups)) < 0 ||
	    (r = pick_list(&b->vc.deny_groups, &b->vc.src_deny_groups, b->m.deny_groups, b->m.src_deny_groups, b->g.deny_groups,
			   b->g.src_deny_groups)) < 0)
		return r;
	if (strv_ensure(&b->vc.keys_files) < 0 || strv_ensure(&b->vc.auth_methods) < 0)
		return -ENOMEM;
	for (size_t i = 0; r == 0 && b->vc.allow_users[i]; i++)
		if (!sshmatch_user_valid(b->vc.allow_users[i]))
			r = set_invalid(&b->vc, "invalid AllowUsers pattern \"%s\"", b->vc.allow_users[i]);
	for (size_t i = 0; r == 0 && b->vc.deny_users[i]; i++)
		if (!sshmatch_user_valid(b->vc.deny_users[i]))
			r = set_invalid(&b->vc, "invalid DenyUsers pattern \"%s\"", b->vc.deny_users[i]);
	if (r == 0 && !b->vc.invalid && !b->vc.depends_on)
		r = match_key(c, b->applies, &b->vc.match_key);
	return r;
}

int verdict_config_matches(const struct sshd_config *c, const struct accounts *a, const char *user,
			   const bool *wanted, enum verdict_match *ret)
{
	const struct verdict_conn unknown = { .world = WORLD_UNMATCHED };
	struct match_ctx x = { .a = a, .user = user, .pw = accounts_user_by_name(a, user), .conn = &unknown,
			       .single_port = verdict_config_single_port(c) };
	int r = 0;

	for (size_t i = 0; i < c->n_matches; i++) {
		const char *why = NULL;
		enum mres e = wanted[i] ? eval_match(&x, c->matches[i].criteria, &why) : M_NO;
		if (e == M_NOMEM) {
			r = -ENOMEM;
			break;
		}
		ret[i] = e == M_YES ? VERDICT_MATCH_YES : e == M_DEPENDS ? VERDICT_MATCH_DEPENDS : VERDICT_MATCH_NO;
	}
	strv_free(x.groups);
	return r;
}

int verdict_config_for(const struct sshd_config *c, const struct accounts *a, const char *user,
		       const struct verdict_conn *conn, struct verdict_config *ret)
{
	struct build b = {
		.x = { .a = a, .user = user, .pw = accounts_user_by_name(a, user), .conn = conn,
		       .single_port = verdict_config_single_port(c) },
		.vc = { .use_pam = false, .pubkey = true, .strict_modes = true, .root = ROOT_PROHIBIT_PASSWORD },
	};
	int r;

	r = config_fill(c, a, conn, &b);
	free(b.applies);
	pass_done(&b.g);
	pass_done(&b.m);
	strv_free(b.x.groups);
	if (r < 0) {
		verdict_config_done(&b.vc);
		return r;
	}
	*ret = b.vc;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The same values from the target's own sshd                         */

static int split_words(const char *s, char ***v)
{
	while (*s) {
		size_t n;
		s += strspn(s, " \t");
		n = strcspn(s, " \t");
		if (n && strv_push(v, strndup(s, n)) < 0)
			return -ENOMEM;
		s += n;
	}
	return 0;
}

/* sshd -G/-T print lower-case keywords, one per line; lists repeat the keyword. */
int verdict_config_from_sshd(const struct oracle_config *sshd, struct verdict_config *ret)
{
	struct verdict_config vc = { .pubkey = true, .strict_modes = true, .root = ROOT_PROHIBIT_PASSWORD };
	int r = 0;

	for (size_t i = 0; i < sshd->n_lines && r == 0; i++) {
		const char *k = sshd->lines[i].keyword, *v = sshd->lines[i].value;

		if (streq(k, "usepam"))
			vc.use_pam = streq(v, "yes");
		else if (streq(k, "pubkeyauthentication"))
			vc.pubkey = streq(v, "yes");
		else if (streq(k, "strictmodes"))
			vc.strict_modes = streq(v, "yes");
		else if (streq(k, "permitrootlogin"))
			vc.root = root_value(v);
		else if (streq(k, "chrootdirectory")) {
			if (!streq(v, "none") && !(vc.chroot = strdup(v)))
				r = -ENOMEM;
		} else if (streq(k, "authorizedkeyscommand")) {
			if (!streq(v, "none") && !(vc.keys_command = strdup(v)))
				r = -ENOMEM;
		} else if (streq(k, "authorizedkeysfile"))
			r = split_words(v, &vc.keys_files);
		else if (streq(k, "authenticationmethods")) {
			if (!streq(v, "any"))
				r = split_words(v, &vc.auth_methods);
		} else if (streq(k, "allowusers"))
			r = split_words(v, &vc.allow_users);
		else if (streq(k, "denyusers"))
			r = split_words(v, &vc.deny_users);
		else if (streq(k, "allowgroups"))
			r = split_words(v, &vc.allow_groups);
		else if (streq(k, "denygroups"))
			r = split_words(v, &vc.deny_groups);
	}
	if (r == 0 && (strv_ensure(&vc.keys_files) < 0 || strv_ensure(&vc.auth_methods) < 0 ||
		       strv_ensure(&vc.allow_users) < 0 || strv_ensure(&vc.deny_users) < 0 ||
		       strv_ensure(&vc.allow_groups) < 0 || strv_ensure(&vc.deny_groups) < 0))
		r = -ENOMEM;
	if (r < 0) {
		verdict_config_done(&vc);
		return r;
	}
	*ret = vc;
	return 0;
}

const char *verdict_root_name(enum verdict_root r)
{
	switch (r) {
	case ROOT_YES:
		return "yes";
	case ROOT_PROHIBIT_PASSWORD:
		return "prohibit-password";
	case ROOT_FORCED_COMMANDS_ONLY:
		return "forced-commands-only";
	case ROOT_NO:
		return "no";
	}
	return "?";
}

/* sshd prints a list's words joined by spaces, unquoted: compare them so. */
static bool strv_equal(char **a, char **b)
{
	_cleanup_free_ char *x = strv_join(a, " "), *y = strv_join(b, " ");

	return x && y && strcmp(x, y) == 0;
}

static int diff_add(char ***v, const char *fmt, ...) _printf_(2, 3);
static int diff_add(char ***v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? -ENOMEM : strv_push(v, s);
}

static int diff_list(char ***v, const char *kw, char **sshd, char **model)
{
	_cleanup_free_ char *a = strv_join(sshd, " "), *b = strv_join(model, " ");

	if (!a || !b)
		return -ENOMEM;
	return diff_add(v, "%s is \"%s\" for sshd, \"%s\" in the model", kw, a[0] ? a : "(none)", b[0] ? b : "(none)");
}

int verdict_config_diff(const struct verdict_config *s, const struct verdict_config *m, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	int r = 0;

#define FLAG(field, kw)                                                                                          \
	if (r == 0 && s->field != m->field)                                                                      \
		r = diff_add(&v, "%s is %s for sshd, %s in the model", kw, s->field ? "yes" : "no",                 \
			     m->field ? "yes" : "no");
#define LIST(field, kw)                                                                                          \
	if (r == 0 && !strv_equal(s->field, m->field))                                                           \
		r = diff_list(&v, kw, s->field, m->field);
	FLAG(use_pam, "UsePAM")
	FLAG(pubkey, "PubkeyAuthentication")
	FLAG(strict_modes, "StrictModes")
	if (r == 0 && s->root != m->root)
		r = diff_add(&v, "PermitRootLogin is %s for sshd, %s in the model", verdict_root_name(s->root),
			     verdict_root_name(m->root));
	LIST(keys_files, "AuthorizedKeysFile")
	LIST(auth_methods, "AuthenticationMethods")
	LIST(allow_users, "AllowUsers")
	LIST(deny_users, "DenyUsers")
	LIST(allow_groups, "AllowGroups")
	LIST(deny_groups, "DenyGroups")
	if (r == 0 && !streq_ptr(s->chroot, m->chroot))
		r = diff_add(&v, "ChrootDirectory is \"%s\" for sshd, \"%s\" in the model", s->chroot ? s->chroot : "none",
			     m->chroot ? m->chroot : "none");
#undef FLAG
#undef LIST
	if (r < 0)
		return r;
	r = (int) strv_length(v);
	*ret = TAKE_PTR(v);
	return r;
}

int verdict_config_adopt(struct verdict_config *vc, const struct verdict_config *s)
{
	struct verdict_config n = *vc;
	int r = 0;

	if (n.use_pam != s->use_pam)
		n.use_pam = s->use_pam, n.src_use_pam = NULL;
	if (n.pubkey != s->pubkey)
		n.pubkey = s->pubkey, n.src_pubkey = NULL;
	n.strict_modes = s->strict_modes;
	if (n.root != s->root)
		n.root = s->root, n.src_root = NULL;
#define LIST(field, src)                                                      \
	if (r == 0 && !strv_equal(n.field, s->field)) {                       \
		char **c = NULL;                                              \
		r = strv_copy(&c, s->field);                                  \
		if (r == 0) {                                                 \
			strv_free(n.field);                                   \
			n.field = c;                                          \
			n.src = NULL;                                         \
		}                                                             \
	}
	LIST(keys_files, src_keys_files)
	LIST(auth_methods, src_auth_methods)
	LIST(allow_users, src_allow_users)
	LIST(deny_users, src_deny_users)
	LIST(allow_groups, src_allow_groups)
	LIST(deny_groups, src_deny_groups)
#undef LIST
	if (r == 0 && !streq_ptr(n.chroot, s->chroot)) {
		char *c = strdup_or_null(s->chroot);
		if (s->chroot && !c)
			r = -ENOMEM;
		else {
			free(n.chroot);
			n.chroot = c;
			n.src_chroot = NULL;
		}
	}
	*vc = n;
	return r;
}
