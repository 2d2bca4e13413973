/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Account modules, evaluated offline (see the header).  The sources they
 * follow: Linux-PAM 1.5.2 modules/pam_access/pam_access.c (login_access(),
 * list_match() with its recursive EXCEPT, user_match(), from_match(),
 * remote_match(), network_netmask_match()), pam_listfile.c, and
 * pam_succeed_if.c (evaluate()).
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "listen_addr.h"
#include "pam_modules.h"
#include "util.h"

#define ACCESS_CONF "/etc/security/access.conf"
#define ACCESS_D_GLOB "/etc/security/access.d/*.conf"
/* pam_access reads with fgets(BUFSIZ); pam_listfile with a 256-byte buffer. */
#define ACCESS_LINE_MAX 8192
#define LISTFILE_LINE_MAX 256

/* ------------------------------------------------------------------ */
/* The file cache                                                     */

struct cached {
	char *path, *data;
	size_t len;
	int r;
};

struct pam_cache {
	struct cached *v;
	size_t n;
};

void pam_cache_free(struct pam_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].data);
	}
	free(c->v);
	free(c);
}

/* A target file's content (NULL and the error when it cannot be read); the cache keeps it. */
static int cache_read(struct target *t, struct pam_cache **cp, const char *path, const char **ret, size_t *ret_len,
		      char **own)
{
	struct pam_cache *c;
	char *data = NULL;
	size_t len = 0;
	int r;

	*own = NULL;
	if (cp) {
		if (!*cp && !(*cp = calloc(1, sizeof(**cp))))
			return -ENOMEM;
		c = *cp;
		for (size_t i = 0; i < c->n; i++)
			if (streq(c->v[i].path, path)) {
				*ret = c->v[i].data;
				*ret_len = c->v[i].len;
				return c->v[i].r;
			}
	}
	r = target_read_file(t, path, CONFIG_MAX, &data, &len);
	if (r == -ENOMEM)
		return r;
	if (!cp) {
		*own = data;
		*ret = data;
		*ret_len = len;
		return r < 0 ? r : 0;
	}
	c = *cp;
	struct cached *nv = realloc(c->v, (c->n + 1) * sizeof(*nv));
	if (!nv) {
		free(data);
		return -ENOMEM;
	}
	c->v = nv;
	char *p = strdup(path);
	if (!p) {
		free(data);
		return -ENOMEM;
	}
	nv[c->n].path = p;	/* the cache owns both now */
	nv[c->n].data = data;
	nv[c->n].len = len;
	nv[c->n].r = r < 0 ? r : 0;
	c->n++;
	*ret = data;
	*ret_len = len;
	return r < 0 ? r : 0;
}

void pam_eval_done(struct pam_eval *e)
{
	free(e->path);
	free(e->text);
	*e = (struct pam_eval) {0};
}

static int set_text(struct pam_eval *e, const char *fmt, ...) _printf_(2, 3);
static int set_text(struct pam_eval *e, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	free(e->text);
	e->text = s;
	return 0;
}

/* pam_modutil_user_in_group_nam_nam(): the primary group, or a member. */
static bool in_group(const struct pam_subject *who, const char *name)
{
	const struct gr_entry *gr = accounts_group_by_name(who->a, name);

	if (!gr)
		return false;
	if (gr->gid == who->pw->gid)
		return true;
	for (char **m = gr->members; m && *m; m++)
		if (streq(*m, who->pw->name))
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* pam_access                                                         */

enum { NO = 0, YES = 1 };

struct actx {
	const struct pam_subject *who;
	bool nodefgroup;
	bool depends;		/* a client-dependent token was read */
	bool netgroup;		/* ... a netgroup, which sshfix cannot read at all */
};

/* A token whose answer sshfix cannot know: read in the subject's world. */
static int unknown(struct actx *x, bool netgroup)
{
	x->depends = true;
	x->netgroup |= netgroup;
	return x->who->matched ? YES : NO;
}

static bool net_contains(const struct ip_addr *net, unsigned prefix, const struct ip_addr *a)
{
	unsigned bits = net->family == AF_INET ? 32 : 128;

	if (net->family != a->family || prefix > bits)
		return false;
	for (unsigned i = 0; i < prefix; i++) {
		unsigned byte = i / 8, bit = 7 - i % 8;
		if (((net->a[byte] >> bit) & 1) != ((a->a[byte] >> bit) & 1))
			return false;
	}
	return true;
}

/* "addr/len" or "addr/dotted.mask" (pam_access accepts both); false if it is not one. */
static bool parse_net(const char *tok, struct ip_addr *ret, unsigned *ret_prefix)
{
	const char *slash = strchr(tok, '/');
	struct ip_addr m;

	if (!slash)
		return false;
	if (ip_parse_cidr(tok, strlen(tok), ret)) {
		unsigned long long v;
		if (parse_uint(slash + 1, 10, ret->family == AF_INET ? 32 : 128, &v) < 0)
			return false;
		*ret_prefix = (unsigned) v;
		return true;
	}
	/* a dotted netmask: count its leading ones */
	_cleanup_free_ char *addr = strndup(tok, (size_t) (slash - tok));
	if (!addr || !ip_parse_cidr(addr, strlen(addr), ret) || !ip_parse_cidr(slash + 1, strlen(slash + 1), &m) ||
	    m.family != ret->family)
		return false;
	unsigned n = 0, bits = m.family == AF_INET ? 32 : 128;
	while (n < bits && (m.a[n / 8] >> (7 - n % 8)) & 1)
		n++;
	*ret_prefix = n;
	return true;
}

static bool net_is_loopback(const struct ip_addr *net, unsigned prefix)
{
	if (net->family == AF_INET)
		return prefix >= 8 && net->a[0] == 127;
	return prefix == 128 && ip_is_loopback(net);
}

/* from_match() for a network login (PAM_RHOST set, so from_remote_host). */
static int from_one(struct actx *x, const char *tok)
{
	const char *addr = x->who->addr;
	struct ip_addr a = {0}, net;
	unsigned prefix;
	bool have = addr && ip_parse_cidr(addr, strlen(addr), &a) && !strchr(addr, '/');
	size_t n = strlen(tok);

	if (tok[0] == '@')
		return unknown(x, true);
	if (strcasecmp(tok, "ALL") == 0)
		return YES;
	if (addr && strcasecmp(tok, addr) == 0)
		return YES;
	if (strcasecmp(tok, "LOCAL") == 0)
		return NO;	/* only a login without PAM_RHOST; sshd always sets it */
	if (tok[0] == '.')
		return unknown(x, false);	/* a domain: the client's name (UseDNS) */
	if (tok[n - 1] == '.') {
		/* "192.168." matches the head of the client's IPv4 address */
		if (have) {
			char buf[64];
			if (a.family != AF_INET)
				return NO;
			snprintf(buf, sizeof(buf), "%s.", ip_to_string(&a, (char[46]) {0}));
			return strncmp(tok, buf, n) == 0 ? YES : NO;
		}
		if (strcmp(tok, "127.") == 0)
			return NO;
		return unknown(x, false);
	}
	if (strchr(tok, '/')) {
		if (!parse_net(tok, &net, &prefix))
			return NO;
		if (have)
			return net_contains(&net, prefix, &a) ? YES : NO;
		return net_is_loopback(&net, prefix) ? NO : unknown(x, false);
	}
	if (ip_parse_cidr(tok, n, &net)) {
		if (have)
			return ip_equal(&net, &a) ? YES : NO;
		return ip_is_loopback(&net) ? NO : unknown(x, false);
	}
	if (tok[0] == ':')
		return NO;	/* an X display */
	return unknown(x, false);	/* a host name: resolved when the client connects */
}

/* user_match() */
static int user_one(struct actx *x, const char *tok)
{
	const struct pam_subject *who = x->who;
	size_t n = strlen(tok);
	const char *at = tok + strspn(tok, "@");

	if (tok[0] == '(' && n > 0 && tok[n - 1] == ')') {
		if (n < 3)
			return NO;
		_cleanup_free_ char *g = strndup(tok + 1, n - 2);
		return g && in_group(who, g) ? YES : NO;
	}
	if ((at = strchr(at, '@'))) {
		/* USER@HOST: HOST is this machine's name, read as an origin */
		_cleanup_free_ char *u = strndup(tok, (size_t) (at - tok));
		const char *host = at + 1;
		if (!u || user_one(x, u) == NO)
			return NO;
		if (strcasecmp(host, "ALL") == 0 || (who->hostname && strcasecmp(host, who->hostname) == 0))
			return YES;
		if (strcasecmp(host, "LOCAL") == 0)
			return NO;
		return unknown(x, host[0] == '@');
	}
	if (tok[0] == '@')
		return unknown(x, true);
	if (strcasecmp(tok, "ALL") == 0 || strcasecmp(tok, who->pw->name) == 0)
		return YES;
	if (!x->nodefgroup && in_group(who, tok))
		return YES;
	return NO;
}

/* list_match(), Linux-PAM 1.5.2's recursive form: "A B EXCEPT C EXCEPT D". */
static int list_match(struct actx *x, char **tok, size_t n, size_t i, bool users)
{
	int match = NO;

	for (; i < n; i++) {
		if (strcasecmp(tok[i], "EXCEPT") == 0)
			break;
		if ((match = users ? user_one(x, tok[i]) : from_one(x, tok[i])))
			break;
	}
	if (match != NO) {
		while (i < n && strcasecmp(tok[i], "EXCEPT") != 0)
			i++;
		if (i >= n)
			return match;
		if (list_match(x, tok, n, i + 1, users) == NO)
			return YES;
	}
	return NO;
}

static char **split_list(const char *s, const char *sep)
{
	_cleanup_strv_free_ char **v = NULL;

	while (*s) {
		s += strspn(s, sep);
		size_t n = strcspn(s, sep);
		if (n && strv_push(&v, strndup(s, n)) < 0)
			return NULL;
		s += n;
	}
	return strv_ensure(&v) < 0 ? NULL : TAKE_PTR(v);
}

int pam_access_text(const char *file, const char *text, size_t len, const char *fieldsep, const char *listsep,
		    bool nodefgroup, const struct pam_subject *who, struct pam_eval *ret)
{
	const char *fs = fieldsep && *fieldsep ? fieldsep : ":";
	const char *ls = listsep && *listsep ? listsep : ", \t";
	unsigned lineno = 0;

	for (size_t off = 0; off < len;) {
		const char *l = text + off, *nl = memchr(l, '\n', len - off);
		size_t n = nl ? (size_t) (nl - l) : len - off;
		off += n + (nl ? 1 : 0);
		lineno++;
		/* "missing newline or line too long": skipped */
		if (!nl || n + 1 >= ACCESS_LINE_MAX || memchr(l, '\0', n))
			continue;
		if (n == 0 || l[0] == '#')
			continue;
		while (n > 0 && strchr(" \t\r\v\f", l[n - 1]))
			n--;
		if (n == 0)
			continue;
		_cleanup_free_ char *line = strndup(l, n), *shown = strndup(l, n);
		char *save = NULL, *perm, *users, *froms;
		if (!line || !shown)
			return -ENOMEM;
		if (!(perm = strtok_r(line, fs, &save)) || !(users = strtok_r(NULL, fs, &save)) ||
		    !(froms = strtok_r(NULL, "\n", &save)))
			continue;	/* "bad field count" */
		if (perm[0] != '+' && perm[0] != '-')
			continue;	/* "bad first field" */
		_cleanup_strv_free_ char **u = split_list(users, ls), **f = split_list(froms, ls);
		if (!u || !f)
			return -ENOMEM;
		struct actx x = { .who = who, .nodefgroup = nodefgroup };
		if (!list_match(&x, u, strv_length(u), 0, true) || !list_match(&x, f, strv_length(f), 0, false)) {
			ret->depends |= x.depends;
			continue;
		}
		ret->depends |= x.depends;
		ret->ret = perm[0] == '+' ? PAMR_SUCCESS : PAMR_PERM_DENIED;
		free(ret->path);
		ret->path = strdup(file);
		ret->line = lineno;
		if (!ret->path)
			return -ENOMEM;
		_cleanup_free_ char *q = strdup_trunc(shown, 120);
		if (!q || set_text(ret, "%s line %u: \"%s\"%s%s", file, lineno, q, perm[0] == '+' ? " lets the user in" : "",
				   x.netgroup ? ", with a netgroup sshfix cannot read" : "") < 0)
			return -ENOMEM;
		return 1;
	}
	return 0;
}

static int eval_access(struct target *t, struct pam_cache **cache, const struct pam_line *l,
		       const struct pam_subject *who, struct pam_eval *ret)
{
	const char *file = pam_line_arg(l, "accessfile");
	const char *data;
	char *own;
	size_t len;
	int r;

	ret->judged = true;
	if (file) {
		struct stat st;
		if (target_stat(t, file, &st) < 0) {
			ret->ret = PAMR_SERVICE_ERR;	/* PAM_ABORT: "failed to open accessfile" */
			return set_text(ret, "pam_access cannot open accessfile=%s", file);
		}
	}
	const char *conf = file ? file : ACCESS_CONF;
	r = cache_read(t, cache, conf, &data, &len, &own);
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		r = pam_access_text(conf, data, len, pam_line_arg(l, "fieldsep"), pam_line_arg(l, "listsep"),
				    pam_line_flag(l, "nodefgroup"), who, ret);
		free(own);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	if (!file) {
		/* Nothing matched in access.conf: the access.d files, in name order. */
		_cleanup_strv_free_ char **d = NULL;
		if (target_glob(t, ACCESS_D_GLOB, &d) == 0)
			for (size_t i = 0; d && d[i]; i++) {
				r = cache_read(t, cache, d[i], &data, &len, &own);
				if (r == -ENOMEM)
					return r;
				if (r < 0)
					continue;
				r = pam_access_text(d[i], data, len, pam_line_arg(l, "fieldsep"), pam_line_arg(l, "listsep"),
						    pam_line_flag(l, "nodefgroup"), who, ret);
				free(own);
				if (r != 0)
					return r < 0 ? r : 0;
			}
	}
	ret->ret = PAMR_SUCCESS;
	return set_text(ret, "no line of %s%s matches: the user may log in", conf, file ? "" : " or access.d");
}

/* ------------------------------------------------------------------ */
/* pam_listfile                                                       */

static int eval_listfile(struct target *t, struct pam_cache **cache, const struct pam_line *l,
			 const struct pam_subject *who, struct pam_eval *ret)
{
	const char *item = pam_line_arg(l, "item"), *sense = pam_line_arg(l, "sense"), *file = pam_line_arg(l, "file"),
		   *onerr_s = pam_line_arg(l, "onerr"), *apply = pam_line_arg(l, "apply");
	enum pam_ret onerr = onerr_s && streq(onerr_s, "succeed") ? PAMR_SUCCESS : PAMR_SERVICE_ERR;
	const char *value = NULL;
	bool group = false;
	struct stat st;
	int r;

	ret->judged = true;
	if (onerr_s && !streq(onerr_s, "succeed") && !streq(onerr_s, "fail")) {
		ret->ret = PAMR_SERVICE_ERR;
		return set_text(ret, "onerr=%s is neither succeed nor fail: the module fails", onerr_s);
	}
	if (!item || !sense || !file || (!streq(sense, "allow") && !streq(sense, "deny"))) {
		ret->ret = onerr;
		return set_text(ret, "item=, sense=allow|deny and file= are all needed (onerr=%s)",
				onerr == PAMR_SUCCESS ? "succeed" : "fail");
	}
	bool deny = streq(sense, "deny");
	if (streq(item, "user"))
		value = who->pw->name;
	else if (streq(item, "group"))
		group = true, value = who->pw->name;
	else if (streq(item, "shell"))
		value = who->pw->shell;
	else if (streq(item, "ruser"))
		value = "";	/* sshd sets no PAM_RUSER */
	else if (streq(item, "rhost") || streq(item, "tty"))
		value = NULL;	/* the client's address (or sshd's tty item): not known here */
	else {
		ret->ret = onerr;
		return set_text(ret, "unknown item=%s (onerr=%s)", item, onerr == PAMR_SUCCESS ? "succeed" : "fail");
	}
	/* apply= restricts tty, rhost and shell lists to a user or a group */
	if (apply && !streq(item, "user") && !streq(item, "ruser") && !group) {
		bool applies = apply[0] == '@' ? in_group(who, apply + 1) : streq(apply, who->pw->name);
		if (!applies) {
			ret->ret = PAMR_IGNORE;
			return set_text(ret, "apply=%s: not for this user", apply);
		}
	}
	if (value && !*value) {
		ret->ret = deny ? PAMR_SUCCESS : PAMR_AUTH_ERR;
		return set_text(ret, "item=%s sense=%s: sshd sets no such item, so nothing can match", item, sense);
	}
	if (target_lstat(t, file, &st) < 0) {
		ret->ret = onerr;
		return set_text(ret, "%s does not exist (onerr=%s)", file, onerr == PAMR_SUCCESS ? "succeed" : "fail");
	}
	if ((st.st_mode & S_IWOTH) || !S_ISREG(st.st_mode)) {
		ret->ret = PAMR_AUTH_ERR;
		ret->path = strdup(file);
		return ret->path ? set_text(ret, "%s is %s, so the module refuses everyone", file,
					    S_ISREG(st.st_mode) ? "world-writable" : "not a regular file (a link, a directory)")
				 : -ENOMEM;
	}
	const char *data;
	char *own;
	size_t len;
	r = cache_read(t, cache, file, &data, &len, &own);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		ret->ret = onerr;
		return set_text(ret, "%s cannot be read (onerr=%s)", file, onerr == PAMR_SUCCESS ? "succeed" : "fail");
	}
	unsigned lineno = 0, found = 0;
	bool maybe = false;
	for (size_t off = 0; off < len && !found;) {
		const char *s = data + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t) (nl - s) : len - off;
		off += n + (nl ? 1 : 0);
		lineno++;
		if (n && s[n - 1] == '\r')
			n--;
		if (!n || n >= LISTFILE_LINE_MAX || memchr(s, '\0', n))
			continue;
		if (!value) {
			maybe = true;	/* a line might be the client's address */
			continue;
		}
		if (group) {
			_cleanup_free_ char *g = strndup(s, n);
			if (!g) {
				free(own);
				return -ENOMEM;
			}
			if (in_group(who, g))
				found = lineno;
		} else if (strlen(value) == n && memcmp(s, value, n) == 0)
			found = lineno;
	}
	free(own);
	if (maybe) {
		ret->depends = true;
		if (who->matched)
			found = 1;
	}
	bool allowed = deny ? !found : !!found;
	ret->ret = allowed ? PAMR_SUCCESS : PAMR_AUTH_ERR;
	ret->path = strdup(file);
	ret->line = found && !maybe ? found : 0;
	if (!ret->path)
		return -ENOMEM;
	if (maybe)
		return set_text(ret, "item=%s sense=%s: whether %s names the client's %s depends on the client", item, sense,
				file, streq(item, "rhost") ? "address" : "terminal item");
	if (found)
		return set_text(ret, "item=%s sense=%s: %s line %u names %s%s", item, sense, file, found,
				group ? "a group of " : "", streq(item, "shell") ? value : who->pw->name);
	return set_text(ret, "item=%s sense=%s: %s does not name %s%s", item, sense, file, group ? "a group of " : "",
			streq(item, "shell") ? value : who->pw->name);
}

/* ------------------------------------------------------------------ */
/* pam_succeed_if                                                     */

static bool parse_ll(const char *s, long long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoll(s, &end, 0);
	return *s && !*end && !errno;
}

/* ':'-separated list membership, as evaluate_inlist() */
static bool in_list(const char *left, const char *right)
{
	size_t n = strlen(left);

	for (const char *p = right; p;) {
		const char *c = strchr(p, ':');
		size_t k = c ? (size_t) (c - p) : strlen(p);
		if (k == n && strncmp(p, left, n) == 0)
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

/* One condition; *ret_depends when it reads the client. */
static enum pam_ret condition(const struct pam_subject *who, const struct pw_entry *pw, const char *left,
			      const char *qual, const char *right, bool *ret_depends)
{
	char buf[32];
	const char *v = NULL;
	bool client = false;

	if (!strcasecmp(left, "login") || !strcasecmp(left, "name") || !strcasecmp(left, "user"))
		v = pw->name;
	else if (!strcasecmp(left, "uid"))
		snprintf(buf, sizeof(buf), "%lu", (unsigned long) pw->uid), v = buf;
	else if (!strcasecmp(left, "gid"))
		snprintf(buf, sizeof(buf), "%lu", (unsigned long) pw->gid), v = buf;
	else if (!strcasecmp(left, "shell"))
		v = pw->shell;
	else if (!strcasecmp(left, "home") || !strcasecmp(left, "dir") || !strcasecmp(left, "homedir"))
		v = pw->dir;
	else if (!strcasecmp(left, "service"))
		v = who->service ? who->service : "sshd";
	else if (!strcasecmp(left, "ruser"))
		v = "";
	else if (!strcasecmp(left, "rhost") || !strcasecmp(left, "tty"))
		client = true;
	else
		return PAMR_SERVICE_ERR;	/* "unknown attribute" */
	if (!strcasecmp(qual, "innetgr") || !strcasecmp(qual, "notinnetgr"))
		client = true;
	if (client) {
		*ret_depends = true;
		return who->matched ? PAMR_SUCCESS : PAMR_AUTH_ERR;
	}
	long long l, r;
	bool num = !strcasecmp(qual, "<") || !strcasecmp(qual, "lt") || !strcasecmp(qual, "<=") ||
		   !strcasecmp(qual, "le") || !strcasecmp(qual, ">") || !strcasecmp(qual, "gt") ||
		   !strcasecmp(qual, ">=") || !strcasecmp(qual, "ge") || !strcasecmp(qual, "eq") ||
		   !strcasecmp(qual, "ne");
	if (num) {
		if (!parse_ll(v, &l) || !parse_ll(right, &r))
			return PAMR_SERVICE_ERR;	/* "is not a number" */
		bool ok = !strcasecmp(qual, "<") || !strcasecmp(qual, "lt")	  ? l < r
			  : !strcasecmp(qual, "<=") || !strcasecmp(qual, "le") ? l <= r
			  : !strcasecmp(qual, ">") || !strcasecmp(qual, "gt")  ? l > r
			  : !strcasecmp(qual, ">=") || !strcasecmp(qual, "ge") ? l >= r
			  : !strcasecmp(qual, "eq")			       ? l == r
									       : l != r;
		return ok ? PAMR_SUCCESS : PAMR_AUTH_ERR;
	}
	bool ok;
	if (!strcmp(qual, "="))
		ok = streq(v, right);
	else if (!strcmp(qual, "!="))
		ok = !streq(v, right);
	else if (!strcmp(qual, "=~") || !strcasecmp(qual, "glob"))
		ok = fnmatch(right, v, 0) == 0;
	else if (!strcmp(qual, "!~") || !strcasecmp(qual, "noglob"))
		ok = fnmatch(right, v, 0) != 0;
	else if (!strcasecmp(qual, "in"))
		ok = in_list(v, right);
	else if (!strcasecmp(qual, "notin"))
		ok = !in_list(v, right);
	else if (!strcasecmp(qual, "ingroup") || !strcasecmp(qual, "notingroup")) {
		struct pam_subject s = *who;
		bool member = false;
		s.pw = pw;
		_cleanup_strv_free_ char **g = split_list(right, ":");
		for (size_t i = 0; g && g[i] && !member; i++)
			member = in_group(&s, g[i]);
		ok = !strcasecmp(qual, "ingroup") ? member : !member;
	} else
		return PAMR_SERVICE_ERR;
	return ok ? PAMR_SUCCESS : PAMR_AUTH_ERR;
}

static int eval_succeed_if(const struct pam_line *l, const struct pam_subject *who, struct pam_eval *ret)
{
	const struct pw_entry *pw = who->pw;
	const char *left = NULL, *qual = NULL;
	unsigned count = 0;

	ret->judged = true;
	if (pam_line_flag(l, "use_uid")) {
		/* sshd's own user: root */
		pw = accounts_user_by_uid(who->a, 0);
		if (!pw) {
			ret->ret = PAMR_USER_UNKNOWN;
			return set_text(ret, "use_uid: the target has no uid 0");
		}
	}
	for (size_t i = 0; l->args[i]; i++) {
		const char *a = l->args[i];
		if (streq(a, "debug") || streq(a, "use_uid") || streq(a, "quiet") || streq(a, "quiet_fail") ||
		    streq(a, "quiet_success") || streq(a, "audit"))
			continue;
		if (!left) {
			left = a;
			continue;
		}
		if (!qual) {
			qual = a;
			continue;
		}
		count++;
		bool dep = false;
		enum pam_ret rv = condition(who, pw, left, qual, a, &dep);
		ret->depends |= dep;
		if (rv != PAMR_SUCCESS) {
			ret->ret = rv;
			return set_text(ret, "\"%s %s %s\" %s for %s%s", left, qual, a,
					rv == PAMR_SERVICE_ERR ? "cannot be evaluated, so the module fails" : "does not hold",
					pw->name, dep ? " (depends on the client)" : "");
		}
		left = qual = NULL;
	}
	if (left || qual) {
		ret->ret = PAMR_SERVICE_ERR;
		return set_text(ret, "an incomplete condition: the module fails");
	}
	ret->ret = PAMR_SUCCESS;
	return set_text(ret, "%u condition(s) hold for %s", count, pw->name);
}

/* ------------------------------------------------------------------ */

static bool shell_listed(struct target *t, struct pam_cache **cache, const char *shell)
{
	const char *data;
	char *own;
	size_t len;
	bool found = false;

	if (cache_read(t, cache, "/etc/shells", &data, &len, &own) < 0)
		return false;
	for (size_t off = 0; off < len && !found;) {
		const char *s = data + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t) (nl - s) : len - off;
		off += n + (nl ? 1 : 0);
		found = n == strlen(shell) && memcmp(s, shell, n) == 0;
	}
	free(own);
	return found;
}

int pam_module_eval(struct target *t, struct pam_cache **cache, const struct pam_line *l,
		    const struct pam_subject *who, struct pam_eval *ret)
{
	int r = 0;

	*ret = (struct pam_eval) { .ret = PAMR_SUCCESS, .judged = true };
	if (pam_line_is(l, "pam_access"))
		r = eval_access(t, cache, l, who, ret);
	else if (pam_line_is(l, "pam_listfile"))
		r = eval_listfile(t, cache, l, who, ret);
	else if (pam_line_is(l, "pam_succeed_if"))
		r = eval_succeed_if(l, who, ret);
	else if (pam_line_is(l, "pam_permit") || pam_line_is(l, "pam_localuser") || pam_line_is(l, "pam_rootok"))
		ret->ret = PAMR_SUCCESS;	/* pam_localuser: the user is in /etc/passwd; pam_rootok: sshd is root */
	else if (pam_line_is(l, "pam_deny")) {
		ret->ret = PAMR_AUTH_ERR;
		r = set_text(ret, "it refuses everyone");
	} else if (pam_line_is(l, "pam_nologin")) {
		const char *file = pam_line_arg(l, "file");
		struct stat st;
		bool exists = file ? target_stat(t, file, &st) == 0 : who->nologin;
		ret->ret = exists && who->pw->uid != 0 ? PAMR_AUTH_ERR : pam_line_flag(l, "successok") ? PAMR_SUCCESS
												       : PAMR_IGNORE;
		if (ret->ret == PAMR_AUTH_ERR)
			r = set_text(ret, "%s exists: every login but root's is refused", file ? file : "/etc/nologin");
	} else if (pam_line_is(l, "pam_shells")) {
		const char *shell = who->pw->shell && *who->pw->shell ? who->pw->shell : "/bin/sh";
		ret->ret = shell_listed(t, cache, shell) ? PAMR_SUCCESS : PAMR_AUTH_ERR;
		if (ret->ret == PAMR_AUTH_ERR)
			r = set_text(ret, "the shell %s is not in /etc/shells", shell);
	} else if (pam_line_is(l, "pam_unix") || pam_line_is(l, "pam_unix2") || pam_line_is(l, "pam_faillock") ||
		   pam_line_is(l, "pam_tally2") || pam_line_is(l, "pam_tally"))
		/* pam_unix's expiry is judged by the verdict itself; the counters' account
		 * phase only resets them after an auth phase, which a key login has none of. */
		ret->ret = PAMR_SUCCESS;
	else
		ret->judged = false;
	if (r < 0)
		pam_eval_done(ret);
	return r;
}
