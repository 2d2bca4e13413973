/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "keyfiles.h"
#include "keywalk.h"
#include "sandbox.h"
#include "sshmatch.h"
#include "units.h"
#include "util.h"
#include "verdict.h"

/* ------------------------------------------------------------------ */
/* The effective configuration (RULES §3.3, §3.5)                     */

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
	*vc = (struct verdict_config) {0};
}

enum mres {
	M_NO,
	M_YES,
	M_DEPENDS,
	M_INVALID,
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

/* The user's groups by name, as ga_init() gets them: gids without a group entry are dropped. */
static int user_group_names(const struct accounts *a, const struct pw_entry *pw, char ***ret)
{
	_cleanup_free_ gid_t *gids = NULL;
	_cleanup_strv_free_ char **v = NULL;
	size_t n = 0;
	int r;

	r = accounts_user_gids(a, pw, &gids, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct gr_entry *gr = accounts_group_by_gid(a, gids[i]);
		if (gr && !strv_contains(v, gr->name) && strv_push(&v, strdup(gr->name)) < 0)
			return -ENOMEM;
	}
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

static char **match_groups(struct match_ctx *x)
{
	if (!x->groups_done && x->pw) {
		x->groups_done = true;
		if (user_group_names(x->a, x->pw, &x->groups) < 0)
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

	if (!crit) {
		*ret_why = "out of memory";
		return M_INVALID;
	}
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

/* The ports sshd listens on: Port lines (never inside Match), else 22; 0 when there are several. */
static unsigned single_port(const struct sshd_config *c)
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

static char *join_args(char **args)
{
	struct buf b = {0};

	for (size_t i = 0; args && args[i]; i++)
		buf_printf(&b, "%s%s", i ? " " : "", args[i]);
	return buf_ok(&b) ? buf_steal(&b) : (buf_done(&b), NULL);
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
		if (e == M_INVALID) {
			_cleanup_free_ char *line = join_args(c->matches[i].criteria);
			r = set_invalid(&b->vc, "%s line %u: Match %s: %s", c->matches[i].file, c->matches[i].line,
					line ? line : "", why);
			if (r < 0)
				return r;
			e = M_NO;
		} else if (e == M_DEPENDS) {
			_cleanup_free_ char *line = join_args(c->matches[i].criteria);
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
	if (kc && strcasecmp(kc->args[0], "none") != 0 && !(b->vc.keys_command = join_args(kc->args)))
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
	return r;
}

int verdict_config_for(const struct sshd_config *c, const struct accounts *a, const char *user,
		       const struct verdict_conn *conn, struct verdict_config *ret)
{
	struct build b = {
		.x = { .a = a, .user = user, .pw = accounts_user_by_name(a, user), .conn = conn,
		       .single_port = single_port(c) },
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
/* The target's own sshd -T                                           */

static int strv_copy(char ***ret, char *const *v)
{
	_cleanup_strv_free_ char **n = NULL;

	for (size_t i = 0; v && v[i]; i++)
		if (strv_push(&n, strdup(v[i])) < 0)
			return -ENOMEM;
	if (strv_ensure(&n) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(n);
	return 0;
}

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

/* The values of sshd -T's output (lower-case keywords, one per line; lists repeat the keyword). */
static int parse_dump(const char *out, struct verdict_config *ret)
{
	struct verdict_config vc = { .pubkey = true, .strict_modes = true, .root = ROOT_PROHIBIT_PASSWORD };
	int r = 0;

	for (const char *p = out; *p && r == 0;) {
		size_t n = strcspn(p, "\n");
		_cleanup_free_ char *line = strndup(p, n);
		p += n + (p[n] == '\n');
		if (!line)
			return -ENOMEM;
		char *v = line + strcspn(line, " ");
		if (*v)
			*v++ = '\0';
		if (streq(line, "usepam"))
			vc.use_pam = streq(v, "yes");
		else if (streq(line, "pubkeyauthentication"))
			vc.pubkey = streq(v, "yes");
		else if (streq(line, "strictmodes"))
			vc.strict_modes = streq(v, "yes");
		else if (streq(line, "permitrootlogin"))
			vc.root = root_value(v);
		else if (streq(line, "chrootdirectory")) {
			if (!streq(v, "none") && !(vc.chroot = strdup(v)))
				r = -ENOMEM;
		} else if (streq(line, "authorizedkeyscommand")) {
			if (!streq(v, "none") && !(vc.keys_command = strdup(v)))
				r = -ENOMEM;
		} else if (streq(line, "authorizedkeysfile"))
			r = split_words(v, &vc.keys_files);
		else if (streq(line, "authenticationmethods")) {
			if (!streq(v, "any"))
				r = split_words(v, &vc.auth_methods);
		} else if (streq(line, "allowusers"))
			r = split_words(v, &vc.allow_users);
		else if (streq(line, "denyusers"))
			r = split_words(v, &vc.deny_users);
		else if (streq(line, "allowgroups"))
			r = split_words(v, &vc.allow_groups);
		else if (streq(line, "denygroups"))
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

/*
 * Ask the target's sshd for user's effective configuration.  Returns 1 with
 * *ret, 0 when it could not be asked (env says why), or -ENOMEM.
 */
static int sshd_dump(struct target *t, struct verdict_env *env, const char *user, unsigned lport,
		     struct verdict_config *ret)
{
	const char *sshd = t->facts.sshd_path, *why = NULL;
	struct sandbox_result res = {0};
	_cleanup_free_ char *spec = NULL;
	int r;

	if (!env->crosscheck || env->sshd_state < 0 || !sshd)
		return 0;
	/* The test spec is split on ','; such a name cannot be asked about. */
	if (strchr(user, ',') || strchr(user, '\n'))
		return 0;
	if (env->n_crosschecks >= VERDICT_CROSSCHECK_MAX) {
		env->n_skipped++;
		return 0;
	}
	if (asprintf(&spec, "user=%s,host=%s,addr=%s,lport=%u", user, VERDICT_TEST_HOST, VERDICT_TEST_ADDR, lport) <
	    0)
		return -ENOMEM;
	const char *const argv[] = { sshd, "-T", "-C", spec, NULL };
	const struct sandbox_opts opts = { .timeout_sec = 15, .run_dirs = (const char *const *) env->run_dirs };
	env->n_crosschecks++;
	r = sandbox_run(t, argv, &opts, &res, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || res.timed_out) {
		env->sshd_state = -1;
		env->sshd_unavailable = strdup(res.timed_out ? "it did not finish in 15 s" : why ? why : strerror(-r));
		sandbox_result_done(&res);
		return env->sshd_unavailable ? 0 : -ENOMEM;
	}
	if (res.exit_status != 0) {
		/* A configuration sshd refuses is refused for everybody: ask no more. */
		env->sshd_state = -1;
		env->sshd_error = last_line(res.output ? res.output : "");
		sandbox_result_done(&res);
		return env->sshd_error ? 0 : -ENOMEM;
	}
	env->sshd_state = 1;
	r = parse_dump(res.output ? res.output : "", ret);
	sandbox_result_done(&res);
	return r < 0 ? r : 1;
}

static const char *root_name(enum verdict_root r)
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

/* sshd -T prints a list's words joined by spaces, unquoted: compare them so. */
static bool strv_equal(char **a, char **b)
{
	_cleanup_free_ char *x = join_args(a), *y = join_args(b);

	return x && y && strcmp(x, y) == 0;
}

static int note(struct verdict_env *env, const char *fmt, ...) _printf_(2, 3);
static int note(struct verdict_env *env, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (strv_contains(env->notes, s)) {
		free(s);
		return 0;
	}
	return strv_push(&env->notes, s);
}

static int note_list(struct verdict_env *env, const char *user, const char *kw, char **sshd, char **model)
{
	_cleanup_free_ char *a = join_args(sshd), *b = join_args(model);

	if (!a || !b)
		return -ENOMEM;
	return note(env, "sshd -T and sshfix's model disagree for %s: %s is \"%s\" for sshd, \"%s\" in the model; "
			 "the verdict uses sshd's",
		    user, kw, a[0] ? a : "(none)", b[0] ? b : "(none)");
}

/* Say every value sshd and the model see differently; returns the number of differences, or -ENOMEM. */
static int compare(struct verdict_env *env, const char *user, const struct verdict_config *s,
		   const struct verdict_config *m)
{
	int n = 0, r = 0;

#define FLAG(field, kw)                                                                                          \
	if (r == 0 && s->field != m->field) {                                                                    \
		n++;                                                                                             \
		r = note(env, "sshd -T and sshfix's model disagree for %s: %s is %s for sshd, %s in the model; "   \
			      "the verdict uses sshd's",                                                        \
			 user, kw, s->field ? "yes" : "no", m->field ? "yes" : "no");                                 \
	}
#define LIST(field, kw)                                                                                          \
	if (r == 0 && !strv_equal(s->field, m->field)) {                                                         \
		n++;                                                                                             \
		r = note_list(env, user, kw, s->field, m->field);                                                \
	}
	FLAG(use_pam, "UsePAM")
	FLAG(pubkey, "PubkeyAuthentication")
	FLAG(strict_modes, "StrictModes")
	if (r == 0 && s->root != m->root) {
		n++;
		r = note(env, "sshd -T and sshfix's model disagree for %s: PermitRootLogin is %s for sshd, %s in the "
			      "model; the verdict uses sshd's",
			 user, root_name(s->root), root_name(m->root));
	}
	LIST(keys_files, "AuthorizedKeysFile")
	LIST(auth_methods, "AuthenticationMethods")
	LIST(allow_users, "AllowUsers")
	LIST(deny_users, "DenyUsers")
	LIST(allow_groups, "AllowGroups")
	LIST(deny_groups, "DenyGroups")
	if (r == 0 && !streq_ptr(s->chroot, m->chroot)) {
		n++;
		r = note(env, "sshd -T and sshfix's model disagree for %s: ChrootDirectory is \"%s\" for sshd, \"%s\" "
			      "in the model; the verdict uses sshd's",
			 user, s->chroot ? s->chroot : "none", m->chroot ? m->chroot : "none");
	}
#undef FLAG
#undef LIST
	return r < 0 ? r : n;
}

int verdict_compare_dump(struct verdict_env *env, const char *user, const char *dump,
			 const struct verdict_config *model)
{
	struct verdict_config s;
	int r;

	r = parse_dump(dump, &s);
	if (r < 0)
		return r;
	r = compare(env, user, &s, model);
	verdict_config_done(&s);
	return r;
}

/* Take sshd's values into vc, keeping the model's sources where the value is the same. */
static int adopt(struct verdict_config *vc, const struct verdict_config *s)
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

/* ------------------------------------------------------------------ */
/* Facts shared by all users                                          */

struct verdict_limit {
	const char *file;	/* one of env's strings (limits_files) */
	unsigned line;
	char *domain, *type, *item, *value;	/* item NULL: a "<domain> -" no-limits line */
};

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
	const char *e = getenv("SOURCE_DATE_EPOCH");
	unsigned long long v;

	if (e && parse_uint(e, 10, 1ull << 40, &v) == 0)
		return (long) (v / 86400);
	return (long) (time(NULL) / 86400);
}

/* One limits file, as pam_limits' parse_config_file() splits its lines. */
static int read_limits(struct target *t, struct verdict_env *env, const char *path)
{
	_cleanup_free_ char *data = NULL;
	const char *file;
	size_t len;
	unsigned lineno = 0;

	if (target_read_file(t, path, CONFIG_MAX, &data, &len) < 0)
		return 0;	/* pam_limits skips a missing file */
	if (strv_push(&env->limit_files, strdup(path)) < 0)
		return -ENOMEM;
	file = env->limit_files[strv_length(env->limit_files) - 1];
	for (size_t off = 0; off < len;) {
		const char *s = data + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t) (nl - s) : len - off;
		_cleanup_free_ char *line = strndup(s, n);
		_cleanup_strv_free_ char **w = NULL;
		off += n + (nl ? 1 : 0);
		lineno++;
		if (!line)
			return -ENOMEM;
		line[strcspn(line, "#")] = '\0';
		/* domain, type, item, and the rest as the value */
		char *p = line;
		for (int k = 0; k < 3; k++) {
			p += strspn(p, " \t\r\v\f");
			size_t m = strcspn(p, " \t");
			if (m && strv_push(&w, strndup(p, m)) < 0)
				return -ENOMEM;
			p += m;
		}
		p += strspn(p, " \t");
		size_t m = strlen(p);
		while (m && strchr(" \t\r", p[m - 1]))
			m--;
		if (m && strv_push(&w, strndup(p, m)) < 0)
			return -ENOMEM;
		size_t count = strv_length(w);
		if (!(count == 4 || (count == 2 && w[1][0] == '-')))
			continue;	/* pam_limits: "invalid line - skipped" */
		struct verdict_limit *nl2 = realloc(env->limits, (env->n_limits + 1) * sizeof(*nl2));
		if (!nl2)
			return -ENOMEM;
		env->limits = nl2;
		struct verdict_limit *l = &env->limits[env->n_limits++];
		*l = (struct verdict_limit) { .file = file, .line = lineno, .domain = TAKE_PTR(w[0]),
					      .type = TAKE_PTR(w[1]) };
		if (count == 4) {
			l->item = TAKE_PTR(w[2]);
			l->value = TAKE_PTR(w[3]);
			for (char *c = l->item; *c; c++)
				*c = (char) tolower((unsigned char) *c);
			for (char *c = l->value; *c; c++)
				*c = (char) tolower((unsigned char) *c);
		}
		for (char *c = l->type; *c; c++)
			*c = (char) tolower((unsigned char) *c);
	}
	return 0;
}

/* The body of verdict_env_init(). */
static int env_fill(struct target *t, const struct model *m, struct verdict_env *e)
{
	_cleanup_free_ char *shells = NULL;
	_cleanup_strv_free_ char **limitsd = NULL;
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
	for (size_t i = 0; i < e->pam->n[PAMT_SESSION] && !e->pam_limits; i++) {
		const struct pam_line *l = &e->pam->lines[PAMT_SESSION][i];
		if (!pam_line_is(l, "pam_limits") || strcasecmp(l->control, "optional") == 0)
			continue;
		e->pam_limits = true;
		if (asprintf(&e->pam_limits_where, "%s:%u", l->file, l->line) < 0)
			return -ENOMEM;
	}
	{
		_cleanup_free_ char *h = NULL;
		size_t hl = 0;
		if (target_read_file(t, "/etc/hostname", 4096, &h, &hl) == 0) {
			h[strcspn(h, " \t\r\n")] = '\0';
			if (*h)
				e->hostname = TAKE_PTR(h);
		}
	}
	if ((r = read_limits(t, e, "/etc/security/limits.conf")) < 0 ||
	    (r = target_glob(t, "/etc/security/limits.d/*.conf", &limitsd)) < 0)
		return r;
	for (size_t i = 0; limitsd && limitsd[i]; i++)
		if ((r = read_limits(t, e, limitsd[i])) < 0)
			return r;
	/* What boot makes under /run for sshd, as the sshd-test check gives it (RULES §4.3). */
	r = units_ssh_runtime_dirs(t, &e->run_dirs, NULL);
	if (r < 0)
		return r;
	const char *pd = t->facts.sshd_privsep_dir, *rel = NULL;
	if (pd)
		rel = startswith(pd, "/run/") ? pd + 5 : startswith(pd, "/var/run/") ? pd + 9 : NULL;
	if (rel && *rel && !strv_contains(e->run_dirs, rel) && tmpfiles_creates_dir(t, pd, NULL) > 0 &&
	    strv_push(&e->run_dirs, strdup(rel)) < 0)
		return -ENOMEM;
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
	for (size_t i = 0; i < e->n_limits; i++) {
		free(e->limits[i].domain);
		free(e->limits[i].type);
		free(e->limits[i].item);
		free(e->limits[i].value);
	}
	free(e->limits);
	strv_free(e->limit_files);
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
	free(e->sshd_unavailable);
	free(e->sshd_error);
	strv_free(e->run_dirs);
	strv_free(e->notes);
	*e = (struct verdict_env) {0};
}

/* ------------------------------------------------------------------ */
/* pam_limits (RULES §12.1)                                           */

enum {
	SRC_USER,	/* pam_limits' LIMITS_DEF_USER ... LIMITS_DEF_NONE: lower wins */
	SRC_GROUP,
	SRC_ALLGROUP,
	SRC_ALL,
	SRC_DEFAULT,
	SRC_NONE = 6,
};

struct limits_result {
	bool ignored;		/* an applicable "<domain> -" line: no limits at all */
	int login;		/* maxlogins; -2: none */
	int login_src;
	const struct verdict_limit *login_at;
	unsigned long long soft, hard;	/* nofile; ULLONG_MAX: not set */
	int soft_src, hard_src;
	const struct verdict_limit *soft_at, *hard_at;
};

static bool in_group(const struct accounts *a, const struct pw_entry *pw, const struct gr_entry *gr)
{
	if (!gr)
		return false;
	if (gr->gid == pw->gid)
		return true;
	for (char **m = gr->members; *m; m++)
		if (streq(*m, pw->name))
			return true;
	(void) a;
	return false;
}

enum range { RANGE_NONE, RANGE_ONE, RANGE_MIN, RANGE_MM, RANGE_ERR };

/* parse_uid_range(): "1000:", ":1000", "1000:2000" (after '@' or '%' for gids). */
static enum range parse_range(const char *domain, unsigned long long *min, unsigned long long *max)
{
	const char *colon = strchr(domain, ':'), *p = domain;
	enum range rv = RANGE_MM;
	char *end;

	if (!colon)
		return RANGE_NONE;
	if (*p == '@' || *p == '%')
		p++;
	if (*p == ':')
		rv = RANGE_ONE;
	else {
		errno = 0;
		*min = strtoul(p, &end, 10);
		if (errno || end == p || *end != ':')
			return RANGE_ERR;
	}
	if (!colon[1])
		return rv == RANGE_ONE ? RANGE_ERR : RANGE_MIN;
	errno = 0;
	*max = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end)
		return RANGE_ERR;
	if (rv == RANGE_ONE)
		*min = *max;
	return rv;
}

static void limit_apply(struct limits_result *lr, const struct verdict_limit *l, int src)
{
	bool login = streq(l->item, "maxlogins");
	bool nofile = streq(l->item, "nofile");

	if (!login && !nofile)
		return;
	/* '%' domains count for maxlogins only. */
	if ((src == SRC_ALL || src == SRC_ALLGROUP) && !login)
		return;
	if (login) {
		char *end;
		long v = strtol(l->value, &end, 10);
		if (streq(l->value, "-1") || streq(l->value, "-") || streq(l->value, "unlimited") ||
		    streq(l->value, "infinity"))
			v = -1;
		else if (v == 0 && end == l->value)
			return;
		if (lr->login_src < src)
			return;
		lr->login = v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int) v;
		lr->login_src = src;
		lr->login_at = l;
		return;
	}
	bool soft = streq(l->type, "soft") || streq(l->type, "-");
	bool hard = streq(l->type, "hard") || streq(l->type, "-");
	unsigned long long v;
	if (!soft && !hard)
		return;
	if (streq(l->value, "-1") || streq(l->value, "-") || streq(l->value, "unlimited") ||
	    streq(l->value, "infinity"))
		v = ULLONG_MAX - 1;
	else {
		char *end;
		v = strtoull(l->value, &end, 10);
		if (v == 0 && end == l->value)
			return;
	}
	if (soft) {
		if (lr->soft_src < src)
			return;
		lr->soft = v, lr->soft_src = src, lr->soft_at = l;
	}
	if (hard) {
		if (lr->hard_src < src)
			return;
		lr->hard = v, lr->hard_src = src, lr->hard_at = l;
	}
}

/* What pam_limits' session would set for pw (parse_config_file() over every file). */
static void limits_for(const struct accounts *a, const struct verdict_env *env, const struct pw_entry *pw,
		       struct limits_result *lr)
{
	*lr = (struct limits_result) { .login = -2, .login_src = SRC_NONE, .soft = ULLONG_MAX, .hard = ULLONG_MAX,
				       .soft_src = SRC_NONE, .hard_src = SRC_NONE };
	for (size_t i = 0; i < env->n_limits; i++) {
		const struct verdict_limit *l = &env->limits[i];
		const char *d = l->domain;
		unsigned long long min = 0, max = 0;
		enum range rt = parse_range(d, &min, &max);

		if (rt == RANGE_ERR)
			continue;
		if (!l->item) {
			/* "<domain> -": no limits at all for whom it names. */
			bool applies = false;
			if (streq(d, pw->name))
				applies = true;
			else if (d[0] == '@')
				applies = rt == RANGE_NONE ? in_group(a, pw, accounts_group_by_name(a, d + 1))
					: rt == RANGE_ONE  ? in_group(a, pw, accounts_group_by_gid(a, (gid_t) max))
					: rt == RANGE_MM   ? pw->gid >= min && pw->gid <= max
							   : pw->gid >= min;
			else if (rt != RANGE_NONE)
				applies = rt == RANGE_ONE ? pw->uid == max
					: rt == RANGE_MM  ? pw->uid >= min && pw->uid <= max
							  : pw->uid >= min;
			if (applies) {
				lr->ignored = true;
				return;
			}
			continue;
		}
		if (streq(d, pw->name))
			limit_apply(lr, l, SRC_USER);
		else if (d[0] == '@') {
			bool member = rt == RANGE_NONE ? in_group(a, pw, accounts_group_by_name(a, d + 1))
				    : rt == RANGE_ONE  ? in_group(a, pw, accounts_group_by_gid(a, (gid_t) max))
				    : rt == RANGE_MM   ? pw->gid >= min && pw->gid <= max
						       : pw->gid >= min;
			if (member)
				limit_apply(lr, l, SRC_GROUP);
		} else if (d[0] == '%') {
			if (rt == RANGE_NONE && streq(d, "%"))
				limit_apply(lr, l, SRC_ALL);
			else if (rt == RANGE_NONE && in_group(a, pw, accounts_group_by_name(a, d + 1)))
				limit_apply(lr, l, SRC_ALLGROUP);
			else if (rt == RANGE_ONE && in_group(a, pw, accounts_group_by_gid(a, (gid_t) max)))
				limit_apply(lr, l, SRC_ALLGROUP);
		} else if (rt == RANGE_NONE) {
			if (streq(d, "*"))
				limit_apply(lr, l, SRC_DEFAULT);
		} else if (rt == RANGE_ONE ? pw->uid == max
			   : rt == RANGE_MM ? pw->uid >= min && pw->uid <= max
					    : pw->uid >= min)
			limit_apply(lr, l, SRC_USER);
	}
}

/* ------------------------------------------------------------------ */
/* The verdict                                                        */

static const char *const why_names[_VW_MAX] = {
	[VW_SERVER] = "server",
	[VW_ACCOUNT_EXPIRED] = "account-expired",
	[VW_ACCOUNT_LOCKED] = "account-locked",
	[VW_SHELL_MISSING] = "shell-missing",
	[VW_SHELL_NOT_EXECUTABLE] = "shell-not-executable",
	[VW_DENY_USERS] = "deny-users",
	[VW_ALLOW_USERS] = "allow-users",
	[VW_NO_GROUPS] = "no-groups",
	[VW_DENY_GROUPS] = "deny-groups",
	[VW_ALLOW_GROUPS] = "allow-groups",
	[VW_PUBKEY_DISABLED] = "pubkey-disabled",
	[VW_AUTH_METHODS] = "authentication-methods",
	[VW_KEYS_TOKEN] = "keys-file-token",
	[VW_KEYS_REFUSED] = "keys-refused",
	[VW_NO_KEYS] = "no-keys",
	[VW_ROOT_LOGIN] = "root-login",
	[VW_NOLOGIN_FILE] = "nologin-file",
	[VW_PAM_MODULE_MISSING] = "pam-module-missing",
	[VW_PAM_ACCESS] = "pam-access",
	[VW_PAM_LISTFILE] = "pam-listfile",
	[VW_PAM_SUCCEED_IF] = "pam-succeed-if",
	[VW_PAM_ACCOUNT] = "pam-account",
	[VW_PAM_ACCOUNT_EXPIRED] = "pam-account-expired",
	[VW_PASSWORD_CHANGE] = "password-change",
	[VW_PAM_LIMITS] = "pam-limits",
	[VW_SHELL_NOLOGIN] = "shell-nologin",
};

const char *verdict_why_name(enum verdict_why w)
{
	return (unsigned) w < _VW_MAX && why_names[w] ? why_names[w] : "unknown";
}

static void reason_done(struct verdict_reason *r)
{
	free(r->text);
	free(r->path);
}

void verdict_done(struct verdict *v)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		reason_done(&v->reasons[i]);
	free(v->reasons);
	free(v->user);
	strv_free(v->evidence);
	*v = (struct verdict) {0};
}

/* A list of reasons in the order they were found. */
struct reasons {
	struct verdict_reason *r;
	size_t n;
};

static void reasons_done(struct reasons *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		reason_done(&rs->r[i]);
	free(rs->r);
	*rs = (struct reasons) {0};
}

static int reasons_vadd(struct reasons *rs, enum verdict_why why, bool depends, const char *path, unsigned line,
			const char *fmt, va_list ap)
{
	struct verdict_reason *n;
	char *text;

	/* One reason per kind: the first is what sshd says. */
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].why == why)
			return 0;
	if (vasprintf(&text, fmt, ap) < 0)
		return -ENOMEM;
	n = realloc(rs->r, (rs->n + 1) * sizeof(*n));
	if (!n) {
		free(text);
		return -ENOMEM;
	}
	rs->r = n;
	n[rs->n] = (struct verdict_reason) { .why = why, .text = text, .path = strdup_or_null(path), .line = line,
					     .depends = depends };
	if (path && !n[rs->n].path) {
		free(text);
		return -ENOMEM;
	}
	rs->n++;
	return 0;
}

static int reasons_add(struct reasons *rs, enum verdict_why why, const char *path, unsigned line, const char *fmt,
		       ...) _printf_(5, 6);
static int reasons_add(struct reasons *rs, enum verdict_why why, const char *path, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = reasons_vadd(rs, why, false, path, line, fmt, ap);
	va_end(ap);
	return r;
}

int verdict_add_reason(struct verdict *v, enum verdict_why why, bool depends, const char *path, unsigned line,
		       const char *fmt, ...)
{
	struct reasons rs = { v->reasons, v->n_reasons };
	va_list ap;

	va_start(ap, fmt);
	int r = reasons_vadd(&rs, why, depends, path, line, fmt, ap);
	va_end(ap);
	v->reasons = rs.r;
	v->n_reasons = rs.n;
	/* Keep sshd's order. */
	for (size_t i = v->n_reasons; i > 1 && v->reasons[i - 1].why < v->reasons[i - 2].why; i--) {
		struct verdict_reason t = v->reasons[i - 1];
		v->reasons[i - 1] = v->reasons[i - 2];
		v->reasons[i - 2] = t;
	}
	return r;
}

void verdict_settle(struct verdict *v)
{
	v->state = VERDICT_CAN;
	for (size_t i = 0; i < v->n_reasons; i++) {
		if (!v->reasons[i].depends) {
			v->state = VERDICT_CANNOT;
			return;
		}
		v->state = VERDICT_DEPENDS;
	}
}

const struct verdict_reason *verdict_first(const struct verdict *v)
{
	for (size_t i = 0; i < v->n_reasons; i++)
		if (!v->reasons[i].depends)
			return &v->reasons[i];
	return v->n_reasons ? &v->reasons[0] : NULL;
}

/* Evidence is for --who; the checks skip the work (10,000 accounts). */
static int evidence(const struct verdict_env *env, struct verdict *v, const char *fmt, ...) _printf_(3, 4);
static int evidence(const struct verdict_env *env, struct verdict *v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!v || !env->detailed)
		return 0;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (strv_contains(v->evidence, s)) {
		free(s);
		return 0;
	}
	return strv_push(&v->evidence, s);
}

static const char *src_file(const struct sshd_option *o)
{
	return o ? o->file : NULL;
}

static unsigned src_line(const struct sshd_option *o)
{
	return o ? o->line : 0;
}

/* " (FILE line N)" for a message, or "" */
static const char *at(const struct sshd_option *o, char *buf, size_t n)
{
	if (!o)
		return "";
	snprintf(buf, n, " (%s line %u)", o->file, o->line);
	return buf;
}

static bool nologin_shell(const char *shell)
{
	const char *b = path_last(shell);

	return streq(b, "nologin") || streq(b, "false");
}

/* glibc reads a CRLF shadow line as no entry at all (src/accounts.h). */
static const struct sp_entry *shadow_of(const struct accounts *a, const char *name)
{
	const struct sp_entry *sp = accounts_shadow_by_name(a, name);

	return sp && !strchr(sp->flag, '\r') ? sp : NULL;
}

static void day_str(long day, char out[static 16])
{
	time_t t = (time_t) day * 86400;
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(out, 16, "%Y-%m-%d", &tm);
	else
		snprintf(out, 16, "day %ld", day);
}

/* Does the keys file hold at least one line sshd would try as a key? -1 when it cannot be read. */
static long count_key_lines(struct target *t, const char *path)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	long n = 0;

	if (target_read_file(t, path, CONFIG_MAX, &data, &len) < 0)
		return -1;
	for (size_t off = 0; off < len;) {
		const char *s = data + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t m = nl ? (size_t) (nl - s) : len - off;
		off += m + (nl ? 1 : 0);
		m = strnlen(s, m);
		size_t i = strspn(s, " \t");
		if (i < m && s[i] != '#' && s[i] != '\r')
			n++;
	}
	return n;
}

static int shell_stat(struct target *t, struct verdict_env *env, const char *shell, struct stat *ret)
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

struct first_problem {
	char *text;
	char *path;
};

static int keep_first(void *userdata, const struct keywalk_user *u, const struct keywalk_problem *p)
{
	struct first_problem *fp = userdata;
	char buf[160];
	int r;

	(void) u;
	switch (p->what) {
	case KW_USER_SYMLINK:
		r = asprintf(&fp->text, "it is reached through the user's symlink %s, which leads out of the home to %s",
			     p->path, p->target);
		break;
	case KW_NOT_REGULAR:
		r = asprintf(&fp->text, "%s is not a regular file", p->path);
		break;
	default:
		keywalk_describe(p, buf, sizeof(buf));
		r = asprintf(&fp->text, "%s %s %s", p->is_file ? "the file" : "directory", p->path, buf);
		break;
	}
	if (r < 0 || !(fp->path = strdup(p->path)))
		return -ENOMEM;
	return 1;
}

/* A user entry of AllowUsers/DenyUsers or a group entry, read in one world. */
static bool user_entry_matches(const char *user, const char *entry, enum verdict_world world, bool *ret_depends)
{
	int r = sshmatch_user(user, NULL, NULL, entry);

	if (r == SSHMATCH_UNKNOWN) {
		*ret_depends = true;
		return world == WORLD_MATCHED;
	}
	return r == SSHMATCH_YES;
}

/* Does some name of the user's appear in entries without wildcards? */
static bool names(char **entries, const char *name, bool user)
{
	for (size_t i = 0; entries && entries[i]; i++) {
		const char *e = entries[i];
		size_t n = user ? strcspn(e, "@") : strlen(e);
		if (strcspn(e, "*?") >= n && strlen(name) == n && strncmp(e, name, n) == 0)
			return true;
	}
	return false;
}

/* Judge AuthorizedKeysCommand once per command string (RULES §1.10). */
static int keys_command_judge(struct target *t, const struct accounts *a, struct verdict_env *env,
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
	/* The program is the first word (join_args() put single spaces between words). */
	_cleanup_free_ char *program = strndup(command, strcspn(command, " "));
	if (!program)
		return -ENOMEM;
	r = keywalk_command_refused(t, a, t->facts.sshd_debian_patches, program, &env->keys_command_refused);
	return r < 0 ? r : 0;
}

/* pam_stack_run()'s view of one user: the module evaluations, kept for the reasons. */
struct acct_run {
	struct target *t;
	struct verdict_env *env;
	struct verdict *v;
	struct pam_subject who;
	const struct pam_line **lines;
	struct pam_eval *evals;
	size_t n;
	bool depends;
};

static int acct_module(void *userdata, const struct pam_line *l, enum pam_ret *ret)
{
	struct acct_run *x = userdata;
	struct pam_eval e;
	int r;

	r = pam_module_eval(x->t, &x->env->pam_cache, l, &x->who, &e);
	if (r < 0)
		return r;
	struct pam_eval *nv = realloc(x->evals, (x->n + 1) * sizeof(*nv));
	const struct pam_line **nl = realloc(x->lines, (x->n + 1) * sizeof(*nl));
	if (nv)
		x->evals = nv;
	if (nl)
		x->lines = nl;
	if (!nv || !nl) {
		pam_eval_done(&e);
		return -ENOMEM;
	}
	x->depends |= e.depends;
	*ret = e.ret;
	x->lines[x->n] = l;
	x->evals[x->n++] = e;
	return 0;
}

static const struct pam_eval *eval_of(const struct acct_run *x, const struct pam_line *l)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->lines[i] == l)
			return &x->evals[i];
	return NULL;
}

/*
 * The account stack of sshd's PAM service for pw in world: a reason for
 * every line whose failure made it refuse, evidence for --who.
 */
static int pam_account(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		       enum verdict_world world, struct verdict *v, bool *ret_depends, struct reasons *rs)
{
	const struct pam_stack *s = env->pam;
	struct acct_run x = {
		.t = t, .env = env, .v = v,
		.who = { .a = &m->accounts, .pw = pw, .service = s->service, .matched = world == WORLD_MATCHED,
			 .nologin = verdict_nologin_blocks(env), .hostname = env->hostname },
	};
	struct pam_outcome o = {0};
	char buf[64];
	int r;

	r = pam_stack_run(s, PAMT_ACCOUNT, acct_module, &x, &o);
	for (size_t i = 0; r >= 0 && i < x.n; i++) {
		const struct pam_line *l = x.lines[i];
		if (!x.evals[i].judged)
			r = evidence(env, v, "PAM account stack: %s (%s line %u) is not judged by sshfix; taken to succeed",
				     pam_module_base(l, buf), l->file, l->line);
		else if (x.evals[i].text)
			r = evidence(env, v, "PAM account stack: %s (%s line %u): %s", pam_module_base(l, buf), l->file,
				     l->line, x.evals[i].text);
	}
	if (r >= 0 && o.success)
		r = evidence(env, v, "PAM account stack of %s (%s): lets %s in", s->service, s->path, pw->name);
	for (size_t i = 0; r >= 0 && !o.success && i < o.n_failed; i++) {
		const struct pam_line *l = o.failed[i];
		const struct pam_eval *e = eval_of(&x, l);
		const char *mod = pam_module_base(l, buf);
		if (l->kind == PAML_MUST_FAIL)
			r = reasons_add(rs, VW_PAM_ACCOUNT, l->file, l->line,
					"the PAM account stack fails for everyone: %s line %u: %s (\"Access denied for user %s "
					"by PAM account configuration\")",
					l->file, l->line, l->why_fail, pw->name);
		else if (l->state == PAM_MODULE_MISSING)
			r = reasons_add(rs, VW_PAM_MODULE_MISSING, l->file, l->line,
					"%s (%s line %u, account stack) does not exist on the target: libpam cannot load it "
					"(\"PAM unable to dlopen\") and the account stack fails (\"Access denied for user %s by "
					"PAM account configuration\")",
					l->module, l->file, l->line, pw->name);
		else if (pam_line_is(l, "pam_nologin"))
			r = reasons_add(rs, VW_NOLOGIN_FILE, "/etc/nologin", 0,
					"/etc/nologin exists: every login but root's is refused (pam_nologin, %s line %u)",
					l->file, l->line);
		else if (e && (pam_line_is(l, "pam_access") || pam_line_is(l, "pam_listfile") ||
			       pam_line_is(l, "pam_succeed_if")))
			r = reasons_add(rs,
					pam_line_is(l, "pam_access")	   ? VW_PAM_ACCESS
					: pam_line_is(l, "pam_listfile") ? VW_PAM_LISTFILE
									 : VW_PAM_SUCCEED_IF,
					e->path ? e->path : l->file, e->path ? e->line : l->line,
					"%s denies %s (%s; account stack, %s line %u): \"Access denied for user %s by PAM "
					"account configuration\"",
					mod, pw->name, e->text ? e->text : "refused", l->file, l->line, pw->name);
		else
			r = reasons_add(rs, VW_PAM_ACCOUNT, l->file, l->line,
					"%s (%s line %u, account stack) refuses %s%s%s (\"Access denied for user %s by PAM "
					"account configuration\")",
					mod, l->file, l->line, pw->name, e && e->text ? ": " : "", e && e->text ? e->text : "",
					pw->name);
	}
	if (r >= 0 && !o.success && o.n_failed == 0)
		r = reasons_add(rs, VW_PAM_ACCOUNT, s->path, 0,
				"no module of the PAM account stack (%s) lets %s in: libpam refuses (\"Access denied for "
				"user %s by PAM account configuration\")",
				s->path, pw->name, pw->name);
	if (x.depends)
		*ret_depends = true;
	for (size_t i = 0; i < x.n; i++)
		pam_eval_done(&x.evals[i]);
	free(x.evals);
	free(x.lines);
	pam_outcome_done(&o);
	return r < 0 ? r : 0;
}

/*
 * Everything sshd checks for one user in one world, in its order; evidence
 * (and the has_keys fact) is recorded into v when v is not NULL.
 */
static int judge(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		 const struct verdict_config *vc, enum verdict_world world, struct verdict *v, bool *ret_depends,
		 struct reasons *rs)
{
	const struct accounts *a = &m->accounts;
	const struct sp_entry *sp = shadow_of(a, pw->name);
	const char *shell = pw->shell && pw->shell[0] ? pw->shell : "/bin/sh";
	_cleanup_strv_free_ char **groups = NULL;
	char where[PATH_MAX + 32], day[16];
	int r = 0;

#define TRY(x)                     \
	do {                       \
		if ((r = (x)) < 0) \
			return r;  \
	} while (0)

	/* allowed_user(): account state without PAM (RULES §6.1a). */
	if (!vc->use_pam) {
		if (sp && sp->expire >= 0 && (long) sp->expire < env->today) {
			day_str(sp->expire, day);
			TRY(reasons_add(rs, VW_ACCOUNT_EXPIRED, "/etc/shadow", (unsigned) sp->line + 1,
					"the account expired on %s (UsePAM no: \"Account %s has expired\")", day,
					pw->name));
		}
		const char *hash = sp ? sp->hash : pw->passwd;
		if (hash && hash[0] == '!')
			TRY(reasons_add(rs, VW_ACCOUNT_LOCKED, sp ? "/etc/shadow" : "/etc/passwd",
					(unsigned) (sp ? sp->line : pw->line) + 1,
					"the password is locked ('!') and UsePAM is no, so keys are refused too "
					"(\"User %s not allowed because account is locked\")",
					pw->name));
	}
	/* The shell, unless ChrootDirectory (RULES §6.1b). */
	if (!vc->chroot) {
		struct stat st;
		_cleanup_free_ char *dir = path_parent(shell);
		int sr = shell_stat(t, env, shell, &st);
		if (sr == -ENOMEM)
			return sr;
		if (sr < 0 && shell[0] == '/' && dir && target_stat(t, dir, &st) < 0) {
			/* Not even its directory: /usr not mounted?  Judging would blame every user. */
			if (v && !v->shell_unjudged) {
				v->shell_unjudged = true;
				TRY(evidence(env, v, "the shell %s was not judged: the target has no directory %s (is /usr "
						"mounted?)",
					     shell, dir));
			}
		} else if (sr < 0)
			TRY(reasons_add(rs, VW_SHELL_MISSING, "/etc/passwd", (unsigned) pw->line + 1,
					"the shell %s does not exist (\"User %s not allowed because shell %s does not exist\")",
					shell, pw->name, shell));
		else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
			TRY(reasons_add(rs, VW_SHELL_NOT_EXECUTABLE, "/etc/passwd", (unsigned) pw->line + 1,
					"the shell %s is not executable (\"User %s not allowed because shell %s is not "
					"executable\")",
					shell, pw->name, shell));
	}
	/* DenyUsers, AllowUsers, DenyGroups, AllowGroups (RULES §6.1c). */
	for (size_t i = 0; vc->deny_users[i]; i++)
		if (user_entry_matches(pw->name, vc->deny_users[i], world, ret_depends)) {
			TRY(reasons_add(rs, VW_DENY_USERS, src_file(vc->src_deny_users), src_line(vc->src_deny_users),
					"DenyUsers %s names the user%s", vc->deny_users[i],
					at(vc->src_deny_users, where, sizeof(where))));
			break;
		}
	if (vc->allow_users[0]) {
		bool ok = false;
		for (size_t i = 0; !ok && vc->allow_users[i]; i++)
			ok = user_entry_matches(pw->name, vc->allow_users[i], world, ret_depends);
		if (!ok) {
			_cleanup_free_ char *list = join_args(vc->allow_users);
			TRY(reasons_add(rs, VW_ALLOW_USERS, src_file(vc->src_allow_users), src_line(vc->src_allow_users),
					"the user is not in AllowUsers %s%s", list ? list : "",
					at(vc->src_allow_users, where, sizeof(where))));
		}
	}
	if (vc->deny_groups[0] || vc->allow_groups[0]) {
		TRY(user_group_names(a, pw, &groups));
		if (!groups[0])
			TRY(reasons_add(rs, VW_NO_GROUPS, "/etc/group", 0,
					"the user is in no group the target's /etc/group names, and Allow/DenyGroups are set"));
		bool denied = false;
		for (size_t i = 0; groups[i] && !denied; i++)
			for (size_t k = 0; vc->deny_groups[k] && !denied; k++)
				if (sshmatch_pattern(groups[i], vc->deny_groups[k])) {
					denied = true;
					TRY(reasons_add(rs, VW_DENY_GROUPS, src_file(vc->src_deny_groups),
							src_line(vc->src_deny_groups), "the user's group %s is in DenyGroups%s",
							groups[i], at(vc->src_deny_groups, where, sizeof(where))));
				}
		if (vc->allow_groups[0]) {
			bool ok = false;
			for (size_t i = 0; groups[i] && !ok; i++)
				for (size_t k = 0; vc->allow_groups[k] && !ok; k++)
					ok = sshmatch_pattern(groups[i], vc->allow_groups[k]);
			if (!ok) {
				_cleanup_free_ char *list = join_args(vc->allow_groups);
				TRY(reasons_add(rs, VW_ALLOW_GROUPS, src_file(vc->src_allow_groups),
						src_line(vc->src_allow_groups), "none of the user's groups is in AllowGroups %s%s",
						list ? list : "", at(vc->src_allow_groups, where, sizeof(where))));
			}
		}
	}
	/* The method (RULES §6: publickey must be enabled and enough on its own). */
	if (!vc->pubkey)
		TRY(reasons_add(rs, VW_PUBKEY_DISABLED, src_file(vc->src_pubkey), src_line(vc->src_pubkey),
				"PubkeyAuthentication is no%s", at(vc->src_pubkey, where, sizeof(where))));
	if (vc->auth_methods[0]) {
		bool ok = false;
		for (size_t i = 0; vc->auth_methods[i] && !ok; i++) {
			ok = true;
			for (const char *p = vc->auth_methods[i]; *p && ok;) {
				size_t n = strcspn(p, ",");
				ok = n == strlen("publickey") && strncmp(p, "publickey", n) == 0;
				p += n + (p[n] == ',');
			}
		}
		if (!ok) {
			_cleanup_free_ char *list = join_args(vc->auth_methods);
			TRY(reasons_add(rs, VW_AUTH_METHODS, src_file(vc->src_auth_methods), src_line(vc->src_auth_methods),
					"AuthenticationMethods %s needs more than a key%s", list ? list : "",
					at(vc->src_auth_methods, where, sizeof(where))));
		}
	}

	/* An authorized key (RULES §1.2-1.8). */
	{
		struct keywalk_user u;
		_cleanup_free_ char *refused = NULL, *refused_path = NULL;
		bool usable_keys = false, any = false;

		/* Walking every file is for --who; the checks only need to know which exist. */
		if (env->detailed)
			TRY(keywalk_user_init(t, a, pw, vc->strict_modes, t->facts.sshd_debian_patches, env->cache, &u));
		for (size_t i = 0; vc->keys_files[i] && r == 0; i++) {
			_cleanup_free_ char *path = NULL;
			struct first_problem fp = {0};
			char bad = 0;
			bool exists;

			if (strcasecmp(vc->keys_files[i], "none") == 0)
				continue;
			r = keyfiles_expand_tokens(vc->keys_files[i], pw, &path, &bad);
			if (r == -EINVAL) {
				r = reasons_add(rs, VW_KEYS_TOKEN, src_file(vc->src_keys_files), src_line(vc->src_keys_files),
						"AuthorizedKeysFile %s has the unknown token %%%c: sshd drops the connection%s",
						vc->keys_files[i], bad, at(vc->src_keys_files, where, sizeof(where)));
				break;
			}
			if (r < 0)
				break;
			if (path[0] != '/') {
				char *abs = path_join(pw->dir, path);
				if (!abs) {
					r = -ENOMEM;
					break;
				}
				free(path);
				path = abs;
			}
			/* The user's own file (in the home, or named with %u, %U, %h), even refused, or
			 * one sshd accepts; a shared file the user cannot use (~/...) does not count. */
			const char *pat = vc->keys_files[i];
			bool per_user = pat[0] != '~' && (pat[0] != '/' || strstr(pat, "%u") || strstr(pat, "%U") ||
							  strstr(pat, "%h"));
			/* A home of "/" (systemd-network's) holds every path: it proves nothing. */
			bool own = per_user || (strcmp(pw->dir, "/") != 0 && path_is_below(path, pw->dir));
			if (!env->detailed) {
				struct stat st;
				if (own && target_stat(t, path, &st) == 0)
					any = true;
				continue;
			}
			r = keywalk_file(t, a, &u, path, keep_first, &fp, &exists);
			if (r < 0) {
				free(fp.text), free(fp.path);
				break;
			}
			r = 0;
			if (!exists) {
				r = evidence(env, v, "keys file %s: does not exist", path);
				continue;
			}
			if (!fp.text || own)
				any = true;
			if (fp.text) {
				r = evidence(env, v, "keys file %s: refused: %s", path, fp.text);
				if (!refused) {
					refused = TAKE_PTR(fp.text);
					refused_path = TAKE_PTR(fp.path);
				}
				free(fp.text), free(fp.path);
				continue;
			}
			long n = count_key_lines(t, path);
			if (r == 0)
				r = n < 0 ? evidence(env, v, "keys file %s: accepted, could not be read here", path)
					  : evidence(env, v, "keys file %s: accepted, %ld key line(s)", path, n);
			if (n != 0)
				usable_keys = true;
			else if (!refused) {
				refused = strdup("it holds no key");
				refused_path = strdup(path);
				if (!refused || !refused_path)
					r = -ENOMEM;
			}
		}
		if (env->detailed)
			keywalk_user_done(&u);
		if (r < 0)
			return r;
		if (v && any)
			v->has_keys = true;
		const struct sshd_option *ca = sshd_config_first(m->sshd, "TrustedUserCAKeys");
		const char *kc_refused = NULL;
		if (vc->keys_command) {
			TRY(keys_command_judge(t, a, env, vc->keys_command));
			kc_refused = env->keys_command_refused;
		}
		bool command_runs = vc->keys_command && !kc_refused;
		bool other_source = command_runs || (ca && strcasecmp(ca->args[0], "none") != 0);
		if (command_runs)
			TRY(evidence(env, v, "AuthorizedKeysCommand %s may supply keys; sshfix cannot tell which",
				     vc->keys_command));
		else if (kc_refused)
			TRY(evidence(env, v, "AuthorizedKeysCommand %s is never run: %s", vc->keys_command, kc_refused));
		if (other_source && !command_runs)
			TRY(evidence(env, v, "TrustedUserCAKeys: certificates may log in without authorized keys"));
		if (env->detailed && !usable_keys && !other_source) {
			if (kc_refused && !refused)
				TRY(reasons_add(rs, VW_KEYS_REFUSED, NULL, 0,
						"sshd will not run AuthorizedKeysCommand: %s", kc_refused));
			else if (refused) {
				if (streq(refused, "it holds no key"))
					TRY(reasons_add(rs, VW_NO_KEYS, refused_path, 0, "%s holds no key", refused_path));
				else
					TRY(reasons_add(rs, VW_KEYS_REFUSED, refused_path, 0, "sshd refuses the keys: %s",
							refused));
			} else if (rs->n == 0 || rs->r[rs->n - 1].why != VW_KEYS_TOKEN) {
				_cleanup_free_ char *list = join_args(vc->keys_files);
				TRY(reasons_add(rs, VW_NO_KEYS, NULL, 0, "no authorized keys (AuthorizedKeysFile %s)",
						list ? list : ""));
			}
		}
	}

	/* PermitRootLogin, after the key was accepted (RULES §6.4). */
	if (pw->uid == 0 && (vc->root == ROOT_NO || vc->root == ROOT_FORCED_COMMANDS_ONLY))
		TRY(reasons_add(rs, VW_ROOT_LOGIN, src_file(vc->src_root), src_line(vc->src_root),
				vc->root == ROOT_NO ? "PermitRootLogin is no%s"
						    : "PermitRootLogin is forced-commands-only: only keys with a command= "
						      "option, which run that command instead of a shell%s",
				at(vc->src_root, where, sizeof(where))));

	/* /etc/nologin: sshd's own check without PAM (session.c do_nologin()), pam_nologin in the
	 * account stack with it (RULES §6.2); without a PAM configuration sshfix can read, the
	 * distributions' default (pam_nologin in sshd's account stack) is assumed. */
	bool pam_read = vc->use_pam && env->pam && env->pam->path;
	if (verdict_nologin_blocks(env) && pw->uid != 0 && !pam_read)
		TRY(reasons_add(rs, VW_NOLOGIN_FILE, "/etc/nologin", 0,
				"/etc/nologin exists: every login but root's is refused"));
	else if (env->nologin && !verdict_nologin_blocks(env) && pw->uid != 0)
		TRY(evidence(env, v, "/etc/nologin exists, but %s: after the reboot it keeps nobody out",
			     env->nologin_cleared));

	/* The PAM account stack, as libpam runs it after the key was accepted (RULES §13.4). */
	if (pam_read)
		TRY(pam_account(t, m, env, pw, world, v, ret_depends, rs));

	/* pam_unix's account phase (RULES §6.2). */
	if (vc->use_pam && sp) {
		long today = env->today;
		if (sp->expire >= 0 && today >= sp->expire) {
			day_str(sp->expire, day);
			TRY(reasons_add(rs, VW_PAM_ACCOUNT_EXPIRED, "/etc/shadow", (unsigned) sp->line + 1,
					"the account expired on %s (\"Access denied for user %s by PAM account "
					"configuration\")",
					day, pw->name));
		} else if (sp->lastchg == 0)
			TRY(reasons_add(rs, VW_PASSWORD_CHANGE, "/etc/shadow", (unsigned) sp->line + 1,
					"the password must be changed first (last change 0): without a terminal sshd "
					"says \"Password change required but no TTY available\""));
		else if (sp->lastchg > 0 && today >= sp->lastchg && sp->max >= 0 && sp->inactive >= 0 &&
			 today - sp->lastchg > (long) sp->max + sp->inactive)
			TRY(reasons_add(rs, VW_PAM_ACCOUNT_EXPIRED, "/etc/shadow", (unsigned) sp->line + 1,
					"the password expired more than %d day(s) ago and the account is now inactive "
					"(\"Access denied for user %s by PAM account configuration\")",
					sp->inactive, pw->name));
		else if (sp->lastchg > 0 && today >= sp->lastchg && sp->max >= 0 && today - sp->lastchg > sp->max)
			TRY(reasons_add(rs, VW_PASSWORD_CHANGE, "/etc/shadow", (unsigned) sp->line + 1,
					"the password expired (changed %ld days ago, maximum %d): without a terminal sshd "
					"says \"Password change required but no TTY available\"",
					today - sp->lastchg, sp->max));
	}

	/* pam_limits in the session (RULES §12.1). */
	if (vc->use_pam && env->pam_limits) {
		struct limits_result lr;
		limits_for(a, env, pw, &lr);
		if (!lr.ignored && pw->uid != 0 && lr.login == 0)
			TRY(reasons_add(rs, VW_PAM_LIMITS, lr.login_at->file, lr.login_at->line,
					"\"%s %s maxlogins 0\" in %s line %u: pam_limits ends every session (\"There were "
					"too many logins for '%s'.\")",
					lr.login_at->domain, lr.login_at->type, lr.login_at->file, lr.login_at->line,
					pw->name));
		/* The soft limit applies; it is capped by the hard one (1024 inherited when only hard is set). */
		unsigned long long soft = lr.soft != ULLONG_MAX ? lr.soft : 1024;
		const struct verdict_limit *by = lr.soft != ULLONG_MAX ? lr.soft_at : NULL;
		if (lr.hard != ULLONG_MAX && lr.hard < soft)
			soft = lr.hard, by = lr.hard_at;
		if (!lr.ignored && by && soft < VERDICT_NOFILE_MIN)
			TRY(reasons_add(rs, VW_PAM_LIMITS, by->file, by->line,
					"\"%s %s nofile %s\" in %s line %u: a session that may open only %llu files cannot "
					"run a command (\"Too many open files\", \"exec request failed\")",
					by->domain, by->type, by->value, by->file, by->line, soft));
	}

	/* The session itself (RULES §6.3), for a shell sshd did not refuse already. */
	bool refused_shell = false;
	for (size_t i = 0; i < rs->n; i++)
		refused_shell |= rs->r[i].why == VW_SHELL_MISSING || rs->r[i].why == VW_SHELL_NOT_EXECUTABLE;
	if (nologin_shell(shell) && !refused_shell)
		TRY(reasons_add(rs, VW_SHELL_NOLOGIN, "/etc/passwd", (unsigned) pw->line + 1,
				"the shell is %s: the key is accepted, then the session ends (\"This account is "
				"currently not available.\")",
				shell));
#undef TRY
	return 0;
}

/* Reasons of both worlds: a reason found in only one holds only for some clients. */
static int merge(struct verdict *v, struct reasons *u, struct reasons *mt)
{
	for (size_t i = 0; i < u->n; i++) {
		bool both = false;
		for (size_t k = 0; k < mt->n; k++)
			both |= mt->r[k].why == u->r[i].why;
		int r = verdict_add_reason(v, u->r[i].why, !both, u->r[i].path, u->r[i].line, "%s", u->r[i].text);
		if (r < 0)
			return r;
	}
	for (size_t k = 0; k < mt->n; k++) {
		bool both = false;
		for (size_t i = 0; i < u->n; i++)
			both |= mt->r[k].why == u->r[i].why;
		if (both)
			continue;
		int r = verdict_add_reason(v, mt->r[k].why, true, mt->r[k].path, mt->r[k].line, "%s", mt->r[k].text);
		if (r < 0)
			return r;
	}
	return 0;
}

static int config_evidence(const struct verdict_env *env, struct verdict *v, const struct verdict_config *vc)
{
	char where[PATH_MAX + 32];
	_cleanup_free_ char *keys = join_args(vc->keys_files), *methods = join_args(vc->auth_methods);
	int r;

	if (!keys || !methods)
		return -ENOMEM;
	if ((r = evidence(env, v, "UsePAM %s%s", vc->use_pam ? "yes" : "no", at(vc->src_use_pam, where, sizeof(where)))) < 0 ||
	    (r = evidence(env, v, "PubkeyAuthentication %s%s", vc->pubkey ? "yes" : "no",
			  at(vc->src_pubkey, where, sizeof(where)))) < 0 ||
	    (r = evidence(env, v, "AuthorizedKeysFile %s%s", keys, at(vc->src_keys_files, where, sizeof(where)))) < 0 ||
	    (r = evidence(env, v, "AuthenticationMethods %s%s", methods[0] ? methods : "any",
			  at(vc->src_auth_methods, where, sizeof(where)))) < 0)
		return r;
	if (v->uid == 0 &&
	    (r = evidence(env, v, "PermitRootLogin %s%s", root_name(vc->root), at(vc->src_root, where, sizeof(where)))) < 0)
		return r;
	for (size_t i = 0; vc->depends_on && vc->depends_on[i]; i++)
		if ((r = evidence(env, v, "%s: depends on where you connect from", vc->depends_on[i])) < 0)
			return r;
	return 0;
}

/* What verdict_user() builds; it frees all of it. */
struct judging {
	struct verdict v;
	struct verdict_config vu, vm, vs;	/* the client unmatched, matched; sshd -T's */
	struct reasons ru, rm;
};

/* The body of verdict_user(). */
static int user_fill(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		     struct judging *j)
{
	const struct accounts *a = &m->accounts;
	const struct verdict_conn unmatched = { .world = WORLD_UNMATCHED }, matched = { .world = WORLD_MATCHED };
	struct verdict *v = &j->v;
	bool depends = false;
	int r;

	v->user = strdup(pw->name);
	if (!v->user)
		return -ENOMEM;
	r = verdict_config_for(m->sshd, a, pw->name, &unmatched, &j->vu);
	if (r < 0)
		return r;
	r = verdict_config_for(m->sshd, a, pw->name, &matched, &j->vm);
	if (r < 0)
		return r;

	const char *shell = pw->shell && pw->shell[0] ? pw->shell : "/bin/sh";
	v->login_shell = env->shells ? strv_contains(env->shells, shell) : !nologin_shell(shell);
	v->listed = names(j->vu.allow_users, pw->name, true) || names(j->vu.deny_users, pw->name, true) ||
		   names(j->vm.allow_users, pw->name, true) || names(j->vm.deny_users, pw->name, true);
	if (!v->listed && (j->vu.allow_groups[0] || j->vu.deny_groups[0] || j->vm.allow_groups[0] || j->vm.deny_groups[0])) {
		_cleanup_strv_free_ char **g = NULL;
		r = user_group_names(a, pw, &g);
		if (r < 0)
			return r;
		for (size_t i = 0; g[i] && !v->listed; i++)
			v->listed = names(j->vu.allow_groups, g[i], false) || names(j->vu.deny_groups, g[i], false) ||
				   names(j->vm.allow_groups, g[i], false) || names(j->vm.deny_groups, g[i], false);
	}

	/* First, without sshd: has_keys decides whether sshd -T is worth asking. */
	r = judge(t, m, env, pw, &j->vu, WORLD_UNMATCHED, v, &depends, &j->ru);
	if (r < 0)
		return r;
	if (j->vu.invalid)
		(void) note(env, "the configuration has something sshd refuses: %s", j->vu.invalid);

	/* sshd -T for the accounts that matter: the checks report only those with keys or named. */
	if (env->crosscheck && (v->has_keys || v->listed || (env->detailed && v->login_shell))) {
		/* The port sshd -T is told: the one sshd listens on, or 22 among several. */
		unsigned lport = single_port(m->sshd) ? single_port(m->sshd) : 22;
		const struct verdict_conn concrete = { .world = WORLD_CONCRETE, .host = VERDICT_TEST_HOST,
						       .addr = VERDICT_TEST_ADDR, .lport = (int) lport };
		struct verdict_config vc = {0};

		r = sshd_dump(t, env, pw->name, lport, &j->vs);
		if (r < 0)
			return r;
		if (r > 0) {
			v->crosschecked = true;
			r = verdict_config_for(m->sshd, a, pw->name, &concrete, &vc);
			if (r < 0)
				return r;
			r = compare(env, pw->name, &j->vs, &vc);
			verdict_config_done(&vc);
			if (r < 0)
				return r;
			int differ = r;
			/* Without connection-dependent blocks all three are one: take sshd's values.
			 * With them, sshd answered for one address only: take them when the model erred. */
			if ((!j->vu.depends_on && !j->vm.depends_on) || differ > 0) {
				if ((r = adopt(&j->vu, &j->vs)) < 0 || (r = adopt(&j->vm, &j->vs)) < 0)
					return r;
				reasons_done(&j->ru);
				strv_free(v->evidence);
				v->evidence = NULL;
				r = judge(t, m, env, pw, &j->vu, WORLD_UNMATCHED, v, &depends, &j->ru);
				if (r < 0)
					return r;
			}
			r = evidence(env, v, "sshd -T -C user=%s,host=%s,addr=%s: %s", pw->name, VERDICT_TEST_HOST,
				     VERDICT_TEST_ADDR,
				     differ ? "the target's sshd disagrees with sshfix's model (see the notes); its values are used"
					    : "the target's sshd agrees with these values");
			if (r < 0)
				return r;
		}
	}

	if (j->vu.depends_on || j->vm.depends_on || depends) {
		r = judge(t, m, env, pw, &j->vm, WORLD_MATCHED, NULL, &depends, &j->rm);
		if (r < 0)
			return r;
	} else {
		/* One world only: the same reasons. */
		for (size_t i = 0; i < j->ru.n; i++) {
			r = reasons_add(&j->rm, j->ru.r[i].why, j->ru.r[i].path, j->ru.r[i].line, "%s", j->ru.r[i].text);
			if (r < 0)
				return r;
		}
	}
	r = merge(v, &j->ru, &j->rm);
	if (r < 0)
		return r;
	verdict_settle(v);
	r = config_evidence(env, v, &j->vu);
	if (r < 0)
		return r;
	return 0;
}

int verdict_user(struct target *t, const struct model *m, struct verdict_env *env, const struct pw_entry *pw,
		 struct verdict *ret)
{
	struct judging j = { .v = { .uid = pw->uid } };
	int r;

	r = user_fill(t, m, env, pw, &j);
	if (r == 0) {
		*ret = j.v;
		j.v = (struct verdict) {0};
	}
	verdict_done(&j.v);
	verdict_config_done(&j.vu);
	verdict_config_done(&j.vm);
	verdict_config_done(&j.vs);
	reasons_done(&j.ru);
	reasons_done(&j.rm);
	return r;
}
