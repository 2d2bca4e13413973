/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MAC state of the next boot (see the header).  Sources: selinux_config(5)
 * and selinux.8 (RULES §9.1), libselinux's selinux_init_load_policy()
 * (enforcing= on the kernel command line beats SELINUX=), the kernel's
 * selinux=, enforcing=, apparmor=, security= and lsm= parameters
 * (kernel-parameters.txt), the Boot Loader Specification (options lines
 * concatenate), grub-mkconfig (GRUB_CMDLINE_LINUX before
 * GRUB_CMDLINE_LINUX_DEFAULT on the default entry), grub-editenv's block,
 * semanage's ports.local and apparmor.d(5) (flags=, disable/,
 * force-complain/, RULES §9.6).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "fcontext.h"
#include "mac.h"
#include "run.h"
#include "util.h"

/* The kernel's XATTR_SIZE_MAX: no label is longer. */
#define LABEL_MAX (64u << 10)
#define APPARMOR_DIR "/etc/apparmor.d"
#define SELINUX_CONFIG "/etc/selinux/config"
#define FILES_MAX 512

const char *selinux_mode_name(enum selinux_mode m)
{
	switch (m) {
	case SELINUX_DISABLED:
		return "disabled";
	case SELINUX_PERMISSIVE:
		return "permissive";
	case SELINUX_ENFORCING:
		return "enforcing";
	default:
		return "not configured";
	}
}

/* ------------------------------------------------------------- lines */


static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

/* ----------------------------------------------------- /etc/selinux/config */

int mac_parse_selinux_config(const char *text, size_t len, enum selinux_mode *ret_mode, unsigned *ret_mode_line,
			     char **ret_type)
{
	struct text_lines it = { text, len, 0, 0 };
	enum selinux_mode mode = SELINUX_NONE;
	unsigned mode_line = 0;
	_cleanup_free_ char *type = strdup("targeted");
	bool type_ok = true;
	const char *l;
	size_t n;

	if (!type)
		return -ENOMEM;
	while (text_next_line(&it, &l, &n)) {
		text_trim(&l, &n);
		if (n == 0 || l[0] == '#')
			continue;
		if (n >= 8 && memcmp(l, "SELINUX=", 8) == 0) {
			const char *v = l + 8;
			size_t vl = n - 8;
			text_trim(&v, &vl);
			mode_line = it.lineno;
			/* libselinux's selinux_getenforcemode(): a prefix, without case
			 * ("enforcing # x" is enforcing); anything else loads no policy. */
			mode = vl >= 9 && strncasecmp(v, "enforcing", 9) == 0	 ? SELINUX_ENFORCING
			       : vl >= 10 && strncasecmp(v, "permissive", 10) == 0 ? SELINUX_PERMISSIVE
			       : vl >= 8 && strncasecmp(v, "disabled", 8) == 0	 ? SELINUX_DISABLED
											 : SELINUX_NONE;
		} else if (n >= 12 && memcmp(l, "SELINUXTYPE=", 12) == 0) {
			const char *v = l + 12;
			size_t vl = n - 12;
			text_trim(&v, &vl);
			free(type);
			type = strndup(v, vl);
			if (!type)
				return -ENOMEM;
			/* a directory name under /etc/selinux, never a path */
			type_ok = vl > 0 && !memchr(v, '/', vl) && !word_is(v, vl, "..") && !word_is(v, vl, ".");
		}
	}
	*ret_mode = mode;
	*ret_mode_line = mode_line;
	if (type_ok)
		*ret_type = TAKE_PTR(type);
	else
		*ret_type = NULL;
	return 0;
}

/* kstrtoul(str, 0, ...): the whole value a number; nonzero counts as 1.  -1 when it is not a number. */
static int kernel_bool(const char *v)
{
	unsigned long long x;
	char *end;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end)
		return -1;
	return x != 0;
}

/*
 * The last valid setting of a boolean parameter (the kernel ignores one it
 * cannot parse and keeps the earlier value): 0 or 1 with *ret_where
 * ("FROM: key=value", owned by the caller), or -1 when none.
 */
static int boot_bool(const struct boot_cmdline *c, const char *key, char **ret_where)
{
	size_t kl = strlen(key);

	for (size_t i = c ? c->n : 0; i > 0; i--) {
		const char *w = c->words[i - 1];
		int b;
		if (strncmp(w, key, kl) != 0 || w[kl] != '=' || (b = kernel_bool(w + kl + 1)) < 0)
			continue;
		_cleanup_free_ char *shown = strdup_trunc(w, 200);
		if (!shown || asprintf(ret_where, "%s: %s", c->from[i - 1], shown) < 0)
			return -ENOMEM;
		return b;
	}
	return -1;
}

/* The last value of a string parameter, or NULL; *ret_where as for boot_bool(). */
static int boot_string(const struct boot_cmdline *c, const char *key, const char **ret_value, char **ret_where)
{
	const char *from = NULL, *v = c ? boot_cmdline_value(c, key, &from) : NULL;

	*ret_value = NULL;
	if (!v || !*v)
		return 0;
	_cleanup_free_ char *shown = strdup_trunc(v, 200);
	if (!shown || asprintf(ret_where, "%s: %s=%s", from, key, shown) < 0)
		return -ENOMEM;
	*ret_value = v;
	return 1;
}

/* Is LSM name in the comma-separated list? */
static bool lsm_listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && memcmp(p, name, n) == 0)
			return true;
		p += k + (p[k] == ',');
	}
	return false;
}

/*
 * Does the command line leave LSM name out: security=OTHER, or an lsm=
 * list without it?  Returns 1 with *ret_where (owned by the caller), 0, or
 * -ENOMEM.
 */
static int lsm_excluded(const struct boot_cmdline *c, const char *name, const char *what, char **ret_where)
{
	_cleanup_free_ char *where = NULL;
	const char *v;
	int r;

	/* lsm= wins over security= (security/security.c ordered_lsm_init) */
	r = boot_string(c, "lsm", &v, &where);
	if (r < 0)
		return r;
	if (r > 0)
		return lsm_listed(v, name) ? 0 : asprintf(ret_where, "%s (%s is not in the list)", where, what) < 0 ? -ENOMEM : 1;
	r = boot_string(c, "security", &v, &where);
	if (r <= 0)
		return r;
	return streq(v, name) ? 0 : asprintf(ret_where, "%s (another LSM than %s)", where, what) < 0 ? -ENOMEM : 1;
}


/* ------------------------------------------------------------ AppArmor */

const char *mac_apparmor_alt_end(const char *a, const char *close)
{
	int level = 0;

	while (a < close && !(level == 0 && *a == ',')) {
		level += *a == '{';
		level -= *a == '}';
		a++;
	}
	return a;
}

/*
 * AppArmor's glob over a whole path.  Backtracking can cost exponential
 * time on "*a*a*a*...": every call spends from a budget, and a pattern
 * that exhausts it does not match, so a hostile profile costs little.
 */
static bool glob_at(const char *p, const char *pe, const char *s, unsigned depth, unsigned *budget)
{
	if (depth > 64 || *budget == 0)
		return false;
	(*budget)--;
	while (p < pe) {
		if (*p == '*') {
			bool deep = p + 1 < pe && p[1] == '*';
			const char *rest = p + (deep ? 2 : 1);
			for (const char *t = s;; t++) {
				if (glob_at(rest, pe, t, depth + 1, budget))
					return true;
				if (!*t || (!deep && *t == '/'))
					return false;
			}
		}
		if (*p == '{') {
			/* {a,b}: try each alternative followed by the rest of the pattern */
			const char *close = NULL;
			int lvl = 0;
			for (const char *q = p; q < pe; q++) {
				lvl += *q == '{';
				lvl -= *q == '}';
				if (lvl == 0) {
					close = q;
					break;
				}
			}
			if (!close)
				return false;
			for (const char *a = p + 1; a <= close;) {
				const char *e = mac_apparmor_alt_end(a, close);
				/* alternative a..e, then close+1..pe: join them */
				size_t al = (size_t) (e - a), rl = (size_t) (pe - close - 1);
				char *joined = malloc(al + rl + 1);
				if (!joined)
					return false;
				memcpy(joined, a, al);
				memcpy(joined + al, close + 1, rl);
				joined[al + rl] = '\0';
				bool m = glob_at(joined, joined + al + rl, s, depth + 1, budget);
				free(joined);
				if (m)
					return true;
				a = e + 1;
			}
			return false;
		}
		if (*p == '@' && p + 1 < pe && p[1] == '{') {
			/* an unexpanded variable: one or more path components */
			const char *e = memchr(p, '}', (size_t) (pe - p));
			if (!e)
				return false;
			for (const char *t = s; *t; t++)
				if (t > s && glob_at(e + 1, pe, t, depth + 1, budget))
					return true;
			return false;
		}
		if (!*s)
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
		} else if (*p == '[') {
			const char *e = memchr(p + 1, ']', (size_t) (pe - p - 1));
			if (!e)
				return false;
			bool neg = p[1] == '^' || p[1] == '!', hit = false;
			for (const char *q = p + 1 + neg; q < e; q++) {
				if (q + 2 < e && q[1] == '-') {
					hit |= *s >= q[0] && *s <= q[2];
					q += 2;
				} else
					hit |= *s == *q;
			}
			if (hit == neg)
				return false;
			p = e;
		} else {
			if (*p == '\\' && p + 1 < pe)
				p++;
			if (*p != *s)
				return false;
		}
		p++;
		s++;
	}
	return !*s;
}

bool mac_apparmor_glob(const char *pattern, const char *path)
{
	unsigned budget = 100000;

	return glob_at(pattern, pattern + strlen(pattern), path, 0, &budget);
}

static bool attaches(const char *attach, const char *const *programs)
{
	for (size_t i = 0; programs[i]; i++)
		if (mac_apparmor_glob(attach, programs[i]))
			return true;
	return false;
}

/* The words of a header line (up to '{'), with quotes removed. */
static int header_words(const char *l, size_t n, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;

	for (size_t i = 0; i < n;) {
		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (i >= n)
			break;
		struct buf w = {0};
		bool q = false;
		int paren = 0;
		for (; i < n && (q || paren || !(l[i] == ' ' || l[i] == '\t')); i++) {
			if (l[i] == '"')
				q = !q;
			else {
				paren += !q && l[i] == '(';
				paren -= !q && l[i] == ')' && paren > 0;
				buf_putc(&w, l[i]);
			}
		}
		if (!buf_ok(&w) || strv_push(&v, buf_steal(&w)) < 0) {
			buf_done(&w);
			return -ENOMEM;
		}
	}
	*ret = TAKE_PTR(v);
	return 0;
}

int mac_apparmor_headers(const char *text, size_t len, const char *const *programs,
			 int (*fn)(const char *attach, unsigned line, bool complain, bool other, void *userdata),
			 void *userdata)
{
	struct text_lines it = { text, len, 0, 0 };
	unsigned depth = 0;
	const char *l;
	size_t n;

	while (text_next_line(&it, &l, &n)) {
		/* the line without its comment (a '#' outside quotes; "#include" is a directive, not a header) */
		size_t e = 0;
		bool q = false;
		for (; e < n; e++) {
			if (l[e] == '"')
				q = !q;
			else if (!q && l[e] == '#')
				break;
		}
		const char *s = l;
		size_t sn = e;
		text_trim(&s, &sn);
		size_t opens = 0, closes = 0;
		for (size_t i = 0; i < sn; i++) {
			opens += s[i] == '{';
			closes += s[i] == '}';
		}
		/* A header ends its line with the brace that opens the profile. */
		if (depth == 0 && sn > 0 && s[sn - 1] == '{') {
			_cleanup_strv_free_ char **w = NULL, **names = NULL;
			bool complain = false, other = false, profile = false;
			int r = header_words(s, sn - 1, &w);
			if (r < 0)
				return r;
			for (size_t j = 0; w && w[j]; j++) {
				if (j == 0 && streq(w[j], "profile"))
					profile = true;
				else if (startswith(w[j], "flags=") || w[j][0] == '(') {
					const char *f = w[j] + (w[j][0] == '(' ? 0 : 6);
					complain |= strstr(f, "complain") != NULL;
					other |= strstr(f, "kill") || strstr(f, "unconfined") || strstr(f, "prompt");
				} else if (strv_push(&names, strdup(w[j])) < 0)
					return -ENOMEM;
			}
			/* "ATTACH {", "profile NAME {" (the name attaches when it is a path), "profile NAME ATTACH {" */
			size_t nn = strv_length(names);
			const char *attach = nn == 0 ? NULL : profile && nn > 1 ? names[1] : names[0];
			if (attach && (attach[0] == '/' || attach[0] == '@') && attaches(attach, programs)) {
				r = fn(attach, it.lineno, complain, other && !complain, userdata);
				if (r < 0)
					return r;
			}
		}
		depth += (unsigned) opens;
		depth = closes > depth ? 0 : depth - (unsigned) closes;
	}
	return 0;
}

/* ---------------------------------------------------------------- labels */

int mac_read_label(int fd, char **ret, size_t *ret_len)
{
	char proc[64];
	bool by_path = false;

	for (unsigned tries = 0; tries < 8; tries++) {
		ssize_t n = by_path ? getxattr(proc, "security.selinux", NULL, 0) : fgetxattr(fd, "security.selinux", NULL, 0);
		if (n < 0 && errno == EBADF && !by_path) {
			/* an O_PATH fd: the same inode through /proc */
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			by_path = true;
			tries--;
			continue;
		}
		if (n < 0)
			return errno == ENODATA || errno == ENOTSUP ? -ENODATA : -errno;
		if (n == 0)
			return -ENODATA;
		if ((size_t) n > LABEL_MAX)
			return -EFBIG;
		_cleanup_free_ char *v = malloc((size_t) n + 1);
		if (!v)
			return -ENOMEM;
		ssize_t m = by_path ? getxattr(proc, "security.selinux", v, (size_t) n)
				    : fgetxattr(fd, "security.selinux", v, (size_t) n);
		if (m < 0 && errno == ERANGE)
			continue;	/* it grew between the two calls */
		if (m < 0)
			return errno == ENODATA ? -ENODATA : -errno;
		if (m == 0)
			return -ENODATA;
		v[m] = '\0';
		*ret = TAKE_PTR(v);
		*ret_len = (size_t) m;
		return 0;
	}
	return -EAGAIN;
}

/* ---------------------------------------------------------------- ports */

bool mac_selinux_port_has_type(const struct mac_state *m, bool tcp, unsigned port, const char *type,
			       const char **ret_where)
{
	/* refpolicy corenetwork.te.in: network_port(ssh, tcp,22,s0) */
	if (tcp && port == 22 && streq(type, "ssh_port_t")) {
		*ret_where = "base policy";
		return true;
	}
	for (size_t i = 0; m && i < m->n_portcons; i++) {
		const struct mac_portcon *p = &m->portcons[i];
		if (p->tcp == tcp && port >= p->lo && port <= p->hi && streq(p->type, type)) {
			*ret_where = p->where;
			return true;
		}
	}
	return false;
}

/* "portcon tcp 2222 system_u:object_r:ssh_port_t:s0" or a range "2222-2230". */
static int parse_portcons(struct mac_state *m, const char *file, const char *text, size_t len)
{
	struct text_lines it = { text, len, 0, 0 };
	const char *l;
	size_t n;

	while (text_next_line(&it, &l, &n)) {
		const char *w[4];
		size_t wl[4], k = 0;
		for (size_t i = 0; i < n && k < 4;) {
			while (i < n && (l[i] == ' ' || l[i] == '\t'))
				i++;
			if (i >= n)
				break;
			w[k] = l + i;
			while (i < n && l[i] != ' ' && l[i] != '\t')
				i++;
			wl[k] = (size_t) (l + i - w[k]);
			k++;
		}
		if (k < 4 || !word_is(w[0], wl[0], "portcon") || !(word_is(w[1], wl[1], "tcp") || word_is(w[1], wl[1], "udp")))
			continue;
		/* the context's third field is the type */
		const char *c1 = memchr(w[3], ':', wl[3]);
		const char *c2 = c1 ? memchr(c1 + 1, ':', wl[3] - (size_t) (c1 + 1 - w[3])) : NULL;
		if (!c2)
			continue;
		const char *t = c2 + 1, *te = memchr(t, ':', wl[3] - (size_t) (t - w[3]));
		size_t tl = te ? (size_t) (te - t) : wl[3] - (size_t) (t - w[3]);
		_cleanup_free_ char *range = strndup(w[2], wl[2]);
		if (!range)
			return -ENOMEM;
		char *dash = strchr(range, '-');
		unsigned long long lo, hi;
		if (dash)
			*dash = '\0';
		if (parse_uint(range, 10, 65535, &lo) < 0 || (dash ? parse_uint(dash + 1, 10, 65535, &hi) < 0 : (hi = lo, false)))
			continue;
		struct mac_portcon *nv = realloc(m->portcons, (m->n_portcons + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		m->portcons = nv;
		struct mac_portcon *p = &nv[m->n_portcons];
		*p = (struct mac_portcon) { .tcp = w[1][0] == 't', .lo = (unsigned) lo, .hi = (unsigned) hi };
		p->type = strndup(t, tl);
		if (!p->type || asprintf(&p->where, "%s line %u", file, it.lineno) < 0) {
			free(p->type);
			return -ENOMEM;
		}
		m->n_portcons++;
	}
	return 0;
}

/* ------------------------------------------------------------------ load */

static int push_fmt(char ***v, const char *fmt, ...) _printf_(2, 3);
static int push_fmt(char ***v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return strv_push(v, s);
}

static int load_selinux(struct target *t, const struct boot_cmdline *boot, struct mac_state *m)
{
	_cleanup_free_ char *cfg = NULL, *sem = NULL;
	size_t len = 0, slen = 0;
	int r;

	r = target_read_file_optional(t, SELINUX_CONFIG, CONFIG_MAX, &cfg, &len);
	if (r < 0)
		return r;
	if (cfg) {
		r = mac_parse_selinux_config(cfg, len, &m->config_mode, &m->config_mode_line, &m->selinux_type);
		if (r < 0)
			return r;
	}
	_cleanup_free_ char *w_selinux = NULL, *w_lsm = NULL, *w_enf = NULL;
	m->mode = m->config_mode;
	if (m->mode == SELINUX_NONE)
		return 0;
	/* The same words as before the move from fixes/listen.c, so reports stay stable. */
	r = push_fmt(&m->selinux_evidence, "%s: SELINUX=%s, SELINUXTYPE=%s", SELINUX_CONFIG, selinux_mode_name(m->config_mode),
		     m->selinux_type ? m->selinux_type : "(unusable)");
	if (r < 0)
		return r;
	int sel = boot_bool(boot, "selinux", &w_selinux);
	int excl = sel == 0 ? 0 : lsm_excluded(boot, "selinux", "SELinux", &w_lsm);
	int enf = boot_bool(boot, "enforcing", &w_enf);
	if (sel < -1 || excl < 0 || enf < -1)
		return -ENOMEM;
	if (sel == 0) {
		m->mode = SELINUX_DISABLED;
		r = strv_push(&m->selinux_evidence, TAKE_PTR(w_selinux));
	} else if (excl > 0) {
		m->mode = SELINUX_DISABLED;
		r = strv_push(&m->selinux_evidence, TAKE_PTR(w_lsm));
	} else if (m->mode != SELINUX_DISABLED && enf >= 0) {
		/* libselinux: enforcing= on the command line beats SELINUX= */
		enum selinux_mode now = enf ? SELINUX_ENFORCING : SELINUX_PERMISSIVE;
		if (now != m->mode)
			r = strv_push(&m->selinux_evidence, TAKE_PTR(w_enf));
		m->mode = now;
	}
	if (r < 0)
		return r;

	/* The local store: semanage.conf may move it (store-root=). */
	if (!m->selinux_type)
		return 0;
	_cleanup_free_ char *root = strdup("/var/lib/selinux");
	if (!root)
		return -ENOMEM;
	r = target_read_file_optional(t, "/etc/selinux/semanage.conf", CONFIG_MAX, &sem, &slen);
	if (r < 0)
		/* cppcheck-suppress memleak ; freed by its _cleanup_ attribute, which cppcheck 2.10 does not follow here */
		return r;
	struct text_lines it = { sem, slen, 0, 0 };
	const char *l;
	size_t n;
	while (text_next_line(&it, &l, &n)) {
		text_trim(&l, &n);
		if (n < 10 || memcmp(l, "store-root", 10) != 0)
			continue;
		const char *v = l + 10;
		size_t vl = n - 10;
		while (vl > 0 && (*v == ' ' || *v == '\t' || *v == '='))
			v++, vl--;
		vl = strcspn(v, " \t") < vl ? strcspn(v, " \t") : vl;
		if (vl > 0 && v[0] == '/') {
			free(root);
			root = strndup(v, vl);
			if (!root)
				return -ENOMEM;
		}
	}
	_cleanup_free_ char *p2 = NULL, *p3 = NULL;
	if (asprintf(&m->store_ports, "%s/%s/active/ports.local", root, m->selinux_type) < 0) {
		m->store_ports = NULL;
		return -ENOMEM;
	}
	m->store_root = TAKE_PTR(root);
	if (asprintf(&p2, "/etc/selinux/%s/active/ports.local", m->selinux_type) < 0 ||
	    asprintf(&p3, "/etc/selinux/%s/modules/active/ports.local", m->selinux_type) < 0)
		return -ENOMEM;
	const char *stores[] = { m->store_ports, p2, p3 };
	for (size_t i = 0; i < ELEMENTSOF(stores); i++) {
		_cleanup_free_ char *text = NULL;
		size_t tl = 0;
		r = target_read_file_optional(t, stores[i], CONFIG_MAX, &text, &tl);
		if (r < 0)
			return r;
		if (text && (r = parse_portcons(m, stores[i], text, tl)) < 0)
			return r;
	}
	return 0;
}

struct profile_ctx {
	struct mac_state *m;
	const char *file;
	enum aa_mode file_mode;	/* from disable/ or force-complain/ */
	const char *file_why;
};

static int on_profile(const char *attach, unsigned line, bool complain, bool other, void *userdata)
{
	struct profile_ctx *pc = userdata;
	struct mac_state *m = pc->m;
	struct mac_profile *nv = realloc(m->profiles, (m->n_profiles + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	m->profiles = nv;
	struct mac_profile *p = &nv[m->n_profiles];
	*p = (struct mac_profile) { .line = line };
	p->mode = pc->file_why ? pc->file_mode : complain ? AA_COMPLAIN : other ? AA_OTHER : AA_ENFORCE;
	p->file = strdup(pc->file);
	p->attach = strdup_trunc(attach, 200);
	p->why = strdup(pc->file_why ? pc->file_why : complain ? "flags=(complain)" : other ? "flags=(...)" : "no flags");
	if (!p->file || !p->attach || !p->why) {
		free(p->file);
		free(p->attach);
		free(p->why);
		return -ENOMEM;
	}
	m->n_profiles++;
	return 0;
}

/* A file apparmor_parser loads from /etc/apparmor.d (it skips backups and package leftovers). */
static bool profile_name_ok(const char *name)
{
	static const char *const skip[] = { "~", ".dpkg-new", ".dpkg-old", ".dpkg-dist", ".dpkg-bak", ".dpkg-remove",
					    ".pacsave", ".pacnew", ".rpmnew", ".rpmsave", ".orig", ".rej", ".swp" };
	size_t n = strlen(name);

	if (name[0] == '.' || streq(name, "README"))
		return false;
	for (size_t i = 0; i < ELEMENTSOF(skip); i++) {
		size_t k = strlen(skip[i]);
		if (n >= k && streq(name + n - k, skip[i]))
			return false;
	}
	return true;
}

static int load_apparmor(struct target *t, const struct boot_cmdline *boot, struct mac_state *m)
{
	_cleanup_strv_free_ char **names = NULL, **programs = NULL;
	struct stat st;
	int r;

	m->apparmor_installed = target_stat(t, APPARMOR_DIR, &st) == 0 && S_ISDIR(st.st_mode);
	if (!m->apparmor_installed)
		return 0;
	_cleanup_free_ char *w_aa = NULL, *w_lsm = NULL;
	int aa = boot_bool(boot, "apparmor", &w_aa);
	int excl = aa == 0 ? 0 : lsm_excluded(boot, "apparmor", "AppArmor", &w_lsm);
	if (aa < -1 || excl < 0)
		return -ENOMEM;
	m->apparmor_enabled = aa != 0 && excl == 0;
	if (aa == 0)
		r = strv_push(&m->apparmor_evidence, TAKE_PTR(w_aa));
	else if (excl > 0)
		r = strv_push(&m->apparmor_evidence, TAKE_PTR(w_lsm));
	else
		r = push_fmt(&m->apparmor_evidence, "%s exists", APPARMOR_DIR);
	if (r < 0)
		return r;

	/* sshd's programs: the binary, and the helpers 9.8 and 10.0 split out (RULES §13.1). */
	static const char *const known[] = { "/usr/sbin/sshd", "/usr/lib/openssh/sshd-session",
					     "/usr/lib/openssh/sshd-auth", "/usr/libexec/openssh/sshd-session",
					     "/usr/libexec/openssh/sshd-auth", "/usr/libexec/sshd-session",
					     "/usr/libexec/sshd-auth" };
	for (size_t i = 0; i < ELEMENTSOF(known); i++)
		if (strv_push(&programs, strdup(known[i])) < 0)
			return -ENOMEM;
	const char *facts[] = { t->facts.sshd_path, t->facts.sshd_session_path };
	for (size_t i = 0; i < ELEMENTSOF(facts); i++)
		if (facts[i] && !strv_contains(programs, facts[i]) && strv_push(&programs, strdup(facts[i])) < 0)
			return -ENOMEM;

	if (target_list_dir(t, APPARMOR_DIR, &names) < 0)
		return 0;
	for (size_t i = 0; i < FILES_MAX * 4 && names[i]; i++) {
		_cleanup_free_ char *p = NULL, *text = NULL, *dis = NULL, *fc = NULL;
		struct profile_ctx pc = { .m = m };
		size_t len;
		if (!profile_name_ok(names[i]))
			continue;
		p = path_join(APPARMOR_DIR, names[i]);
		if (!p)
			return -ENOMEM;
		if (target_stat(t, p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;	/* abstractions/, tunables/, disable/, local/ ... */
		r = target_read_file_optional(t, p, CONFIG_MAX, &text, &len);
		if (r < 0)
			return r;
		if (!text || !memmem(text, len, "sshd", 4))
			continue;
		dis = path_join(APPARMOR_DIR "/disable", names[i]);
		fc = path_join(APPARMOR_DIR "/force-complain", names[i]);
		if (!dis || !fc)
			return -ENOMEM;
		if (target_lstat(t, dis, &st) == 0) {
			pc.file_mode = AA_DISABLED;
			pc.file_why = dis;
		} else if (target_lstat(t, fc, &st) == 0) {
			pc.file_mode = AA_COMPLAIN;
			pc.file_why = fc;
		}
		pc.file = p;
		r = mac_apparmor_headers(text, len, (const char *const *) programs, on_profile, &pc);
		if (r < 0)
			return r;
	}
	return 0;
}

void mac_free(struct mac_state *m)
{
	if (!m)
		return;
	free(m->selinux_type);
	strv_free(m->selinux_evidence);
	free(m->store_root);
	free(m->store_ports);
	for (size_t i = 0; i < m->n_portcons; i++) {
		free(m->portcons[i].type);
		free(m->portcons[i].where);
	}
	free(m->portcons);
	fcon_free(m->fcon);
	free(m->fcon_why);
	strv_free(m->apparmor_evidence);
	for (size_t i = 0; i < m->n_profiles; i++) {
		free(m->profiles[i].file);
		free(m->profiles[i].attach);
		free(m->profiles[i].why);
	}
	free(m->profiles);
	free(m);
}

static inline void mac_freep(struct mac_state **m)
{
	mac_free(*m);
}

int mac_load(struct target *t, const struct boot_cmdline *boot, struct mac_state **ret)
{
	_cleanup_(mac_freep) struct mac_state *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return -ENOMEM;
	r = load_selinux(t, boot, m);
	if (r >= 0)
		r = load_apparmor(t, boot, m);
	if (r >= 0 && (strv_ensure(&m->selinux_evidence) < 0 || strv_ensure(&m->apparmor_evidence) < 0))
		r = -ENOMEM;
	if (r < 0)
		return r;
	*ret = TAKE_PTR(m);
	return 0;
}

int mac_get(struct run *run, const struct mac_state **ret)
{
	if (!run->model.mac) {
		const struct boot_cmdline *boot;
		int r = boot_cmdline_get(run, &boot);
		if (r < 0)
			return r;
		r = mac_load(run->target, boot, &run->model.mac);
		if (r < 0)
			return r;
	}
	*ret = run->model.mac;
	return 0;
}

/* The policy's file contexts into m->fcon, or the reason they cannot be read into m->fcon_error. */
/* path's content: an override's, else the target's. */
static int read_spec_file(struct target *t, const char *path, const struct mac_file_override *ov, size_t n_ov,
			  char **ret, size_t *ret_len)
{
	for (size_t i = 0; i < n_ov; i++)
		if (streq(ov[i].path, path)) {
			*ret = malloc(ov[i].len + 1);
			if (!*ret)
				return -ENOMEM;
			memcpy(*ret, ov[i].data, ov[i].len);
			(*ret)[ov[i].len] = '\0';
			*ret_len = ov[i].len;
			return 0;
		}
	return target_read_file(t, path, CONFIG_MAX, ret, ret_len);
}

int mac_fcon_load(struct target *t, const char *type, const struct mac_file_override *ov, size_t n_ov,
		  struct fcon **ret, char **ret_why)
{
	static const char *const specs[] = { "file_contexts", "file_contexts.homedirs", "file_contexts.local" };
	static const char *const subs[] = { "file_contexts.subs", "file_contexts.subs_dist" };
	_cleanup_free_ char *dir = NULL;
	struct fcon *fc;
	int r = 0;

	if (asprintf(&dir, "/etc/selinux/%s/contexts/files", type) < 0)
		return -ENOMEM;
	if (!(fc = fcon_new()))
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(specs) && r >= 0; i++) {
		_cleanup_free_ char *p = path_join(dir, specs[i]), *data = NULL;
		size_t len = 0;
		unsigned line = 0;
		if (!p) {
			r = -ENOMEM;
			break;
		}
		r = read_spec_file(t, p, ov, n_ov, &data, &len);
		if (r < 0 && r != -ENOMEM) {
			r = i == 0 ? -ENOENT : 0;	/* no file_contexts: no label to expect */
			if (r < 0)
				break;
			continue;
		}
		if (r == 0 && (r = fcon_add_specs(fc, data, len, p, &line)) == -EBADMSG &&
		    asprintf(ret_why, "%s line %u", p, line) < 0)
			r = -ENOMEM;
	}
	for (size_t i = 0; i < ELEMENTSOF(subs) && r >= 0; i++) {
		_cleanup_free_ char *p = path_join(dir, subs[i]), *data = NULL;
		size_t len = 0;
		if (!p) {
			r = -ENOMEM;
			break;
		}
		r = read_spec_file(t, p, ov, n_ov, &data, &len);
		if (r == 0)
			r = fcon_add_subs(fc, data, len, (int) i);
		else if (r != -ENOMEM)
			r = 0;
	}
	if (r >= 0)
		r = fcon_finish(fc);
	if (r < 0) {
		fcon_free(fc);
		return r;
	}
	*ret = fc;
	return 0;
}

static int load_fcontexts(struct target *t, struct mac_state *m)
{
	m->fcon_error = -ENOENT;
	if (!m->selinux_type)
		return 0;
	int r = mac_fcon_load(t, m->selinux_type, NULL, 0, &m->fcon, &m->fcon_why);
	if (r == -ENOMEM)
		return r;
	m->fcon_error = r;
	return 0;
}

int mac_expected_label(struct run *run, const char *path, mode_t mode, const char **ret_ctx, const char **ret_where)
{
	const struct mac_state *cm;
	int r;

	if ((r = mac_get(run, &cm)) < 0)
		return r;
	struct mac_state *m = run->model.mac;
	if (!m->fcon && !m->fcon_error && (r = load_fcontexts(run->target, m)) < 0)
		return r;
	if (m->fcon_error) {
		*ret_where = m->fcon_why;
		return m->fcon_error;
	}
	return fcon_lookup(m->fcon, path, mode, ret_ctx, ret_where);
}
