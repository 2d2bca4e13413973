/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fail2ban.h"
#include "listen_addr.h"
#include "sandbox.h"
#include "sha256.h"
#include "sqlite_ro.h"
#include "units.h"

#define F2B_FILE_MAX (1u << 20)
#define F2B_FILES_MAX 128
#define F2B_VALUE_MAX (1u << 20)
#define F2B_INTERPOLATION_DEPTH 10	/* configparser's MAX_INTERPOLATION_DEPTH */
#define F2B_DB_MAX (64u << 20)
#define F2B_ROWS_MAX 1000000

/* ------------------------------------------------------------------ ini */

struct kv {
	char *key, *value, *file;
	unsigned line;
};

struct section {
	char *name;
	struct kv *kv;
	size_t n;
};

struct f2b_ini {
	struct section *s;	/* s[0] is [DEFAULT] */
	size_t n;
	char **notes;
};

static void section_done(struct section *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->kv[i].key);
		free(s->kv[i].value);
		free(s->kv[i].file);
	}
	free(s->kv);
	free(s->name);
}

void f2b_ini_free(struct f2b_ini *ini)
{
	if (!ini)
		return;
	for (size_t i = 0; i < ini->n; i++)
		section_done(&ini->s[i]);
	free(ini->s);
	strv_free(ini->notes);
	free(ini);
}

int f2b_ini_new(struct f2b_ini **ret)
{
	struct f2b_ini *ini = calloc(1, sizeof(*ini));

	if (!ini || !(ini->s = calloc(1, sizeof(*ini->s))) || !(ini->s[0].name = strdup("DEFAULT"))) {
		f2b_ini_free(ini);
		return -ENOMEM;
	}
	ini->n = 1;
	*ret = ini;
	return 0;
}

char *const *f2b_ini_notes(const struct f2b_ini *ini)
{
	return ini->notes;
}

static struct section *find_section(const struct f2b_ini *ini, const char *name)
{
	for (size_t i = 0; i < ini->n; i++)
		if (streq(ini->s[i].name, name))
			return &ini->s[i];
	return NULL;
}

static struct section *add_section(struct f2b_ini *ini, const char *name)
{
	struct section *s = find_section(ini, name), *v;

	if (s)
		return s;
	v = realloc(ini->s, (ini->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	ini->s = v;
	s = &v[ini->n];
	*s = (struct section) { .name = strdup(name) };
	if (!s->name)
		return NULL;
	ini->n++;
	return s;
}

static struct kv *find_kv(const struct section *s, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (streq(s->kv[i].key, key))
			return &s->kv[i];
	return NULL;
}

/* Set key in s (replacing a value), copying the strings. */
static struct kv *set_kv(struct section *s, const char *key, const char *value, const char *file, unsigned line)
{
	struct kv *k = find_kv(s, key);
	char *v = strdup(value), *f = strdup_or_null(file);

	if (!v || (file && !f)) {
		free(v);
		free(f);
		return NULL;
	}
	if (!k) {
		struct kv *n = realloc(s->kv, (s->n + 1) * sizeof(*n));
		char *kc = strdup(key);
		if (!n || !kc) {
			if (n)
				s->kv = n;
			free(kc), free(v), free(f);
			return NULL;
		}
		s->kv = n;
		k = &n[s->n++];
		*k = (struct kv) { .key = kc };
	}
	free(k->value);
	free(k->file);
	k->value = v;
	k->file = f;
	k->line = line;
	return k;
}

static int ini_note(struct f2b_ini *ini, const char *file, unsigned line, const char *what)
{
	char *s = NULL;
	_cleanup_free_ char *f = escape_display(file);

	if (!f || asprintf(&s, "%s line %u: %s", f, line, what) < 0)
		return -ENOMEM;
	return strv_push(&ini->notes, s);
}

static void rstrip_values(struct f2b_ini *ini)
{
	for (size_t i = 0; i < ini->n; i++)
		for (size_t k = 0; k < ini->s[i].n; k++) {
			char *v = ini->s[i].kv[k].value;
			size_t n = strlen(v);
			while (n > 0 && isspace((unsigned char) v[n - 1]))
				v[--n] = '\0';
		}
}

/* Python's str.strip() for ASCII white space. */
static void strip(const char **p, size_t *n)
{
	while (*n > 0 && isspace((unsigned char) **p))
		(*p)++, (*n)--;
	while (*n > 0 && isspace((unsigned char) (*p)[*n - 1]))
		(*n)--;
}

/* One file, as configparser.RawConfigParser._read() with fail2ban's settings. */
static int parse_file(struct f2b_ini *ini, const char *file, const char *text, size_t len)
{
	struct section *cur = NULL;
	_cleanup_free_ char *optname = NULL;
	size_t indent_level = 0;
	unsigned lineno = 0;
	int r;

	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t) (end - p)), *l = p;
		size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p), comment = SIZE_MAX, indent;
		p = nl ? nl + 1 : end;
		lineno++;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		/* Inline comments: ';' at the start or after white space. */
		for (size_t i = 0; i < n; i++)
			if (l[i] == ';' && (i == 0 || isspace((unsigned char) l[i - 1]))) {
				comment = i;
				break;
			}
		const char *v = l;
		size_t vn = n;
		strip(&v, &vn);
		if (vn > 0 && (v[0] == '#' || v[0] == ';'))
			comment = 0;
		v = l;
		vn = comment < n ? comment : n;
		strip(&v, &vn);
		if (vn == 0) {
			/* An empty line belongs to the value being read, unless it held a comment. */
			struct kv *k = optname ? find_kv(cur, optname) : NULL;
			if (comment == SIZE_MAX && k) {
				_cleanup_free_ char *nv = NULL;
				if (asprintf(&nv, "%s\n", k->value) < 0)
					return -ENOMEM;
				free(k->value);
				k->value = TAKE_PTR(nv);
			}
			continue;
		}
		for (indent = 0; indent < n && isspace((unsigned char) l[indent]); indent++)
			;
		if (cur && optname && indent > indent_level) {
			struct kv *k = find_kv(cur, optname);
			_cleanup_free_ char *nv = NULL;
			if (k && strlen(k->value) + vn < F2B_VALUE_MAX) {
				if (asprintf(&nv, "%s\n%.*s", k->value, (int) vn, v) < 0)
					return -ENOMEM;
				free(k->value);
				k->value = TAKE_PTR(nv);
			}
			continue;
		}
		indent_level = indent;
		if (v[0] == '[') {
			const char *close = NULL;
			for (size_t i = 2; i < vn; i++)
				if (v[i] == ']')
					close = v + i;
			if (close) {
				_cleanup_free_ char *name = strndup(v + 1, (size_t) (close - v - 1));
				if (!name)
					return -ENOMEM;
				cur = add_section(ini, name);
				if (!cur)
					return -ENOMEM;
				free(optname);
				optname = NULL;
				continue;
			}
		}
		if (!cur) {
			if ((r = ini_note(ini, file, lineno, "an option before any [section] (fail2ban refuses the file)")) < 0)
				return r;
			continue;
		}
		size_t d = 0;
		while (d < vn && v[d] != '=' && v[d] != ':')
			d++;
		const char *k = v, *val = v + d + 1;
		size_t kn = d, valn = d < vn ? vn - d - 1 : 0;
		strip(&k, &kn);
		strip(&val, &valn);
		if (d == vn || kn == 0) {
			if ((r = ini_note(ini, file, lineno, "not an option line (fail2ban refuses the file)")) < 0)
				return r;
			continue;
		}
		free(optname);
		optname = strndup(k, kn);
		_cleanup_free_ char *value = strndup(val, valn);
		if (!optname || !value)
			return -ENOMEM;
		for (char *c = optname; *c; c++)
			*c = (char) tolower((unsigned char) *c);
		if (!set_kv(cur, optname, value, file, lineno))
			return -ENOMEM;
	}
	rstrip_values(ini);
	return 0;
}

/* Merge one file's sections into ini as SafeConfigParserWithIncludes.read() does. */
static int merge(struct f2b_ini *ini, const struct f2b_ini *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct section *s = &src->s[i];
		struct section *d = find_section(ini, s->name), *known = NULL;
		bool existed = d != NULL;
		if (!d && !(d = add_section(ini, s->name)))
			return -ENOMEM;
		for (size_t k = 0; k < s->n; k++) {
			const struct kv *x = &s->kv[k];
			/* re-found: add_section() may have moved the array */
			d = find_section(ini, s->name);
			struct kv *old = i > 0 && existed ? find_kv(d, x->key) : NULL;
			if (old) {
				_cleanup_free_ char *kname = NULL, *ov = strdup(old->value), *of = strdup_or_null(old->file);
				unsigned ol = old->line;
				if (!ov || asprintf(&kname, "KNOWN/%s", s->name) < 0 || !(known = add_section(ini, kname)) ||
				    !set_kv(known, x->key, ov, of, ol))
					return -ENOMEM;
				d = find_section(ini, s->name);
			}
			if (!set_kv(d, x->key, x->value, x->file, x->line))
				return -ENOMEM;
		}
	}
	return 0;
}

int f2b_ini_read(struct f2b_ini *ini, const char *file, const char *text, size_t len)
{
	_cleanup_(f2b_ini_freep) struct f2b_ini *one = NULL;
	int r = f2b_ini_new(&one);

	if (r < 0 || (r = parse_file(one, file, text, len)) < 0 || (r = merge(ini, one)) < 0)
		return r;
	for (size_t i = 0; one->notes && one->notes[i]; i++)
		if ((r = strv_push(&ini->notes, TAKE_PTR(one->notes[i]))) < 0)
			return r;
	return 0;
}

int f2b_ini_sections(const struct f2b_ini *ini, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	int r = strv_ensure(&v);

	for (size_t i = 1; r >= 0 && i < ini->n; i++) {
		const char *n = ini->s[i].name;
		if (streq(n, "INCLUDES") || startswith(n, "KNOWN/") || strchr(n, '?'))
			continue;
		r = strv_push(&v, strdup(n));
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(v);
	return 0;
}

static const struct kv *lookup(const struct f2b_ini *ini, const char *section, const char *key)
{
	const struct kv *k = find_kv(find_section(ini, section), key);

	return k ? k : find_kv(&ini->s[0], key);
}

/* A name in %(name)s, as the map of BasicInterpolationWithName answers it. */
static const char *map_value(const struct f2b_ini *ini, const char *section, const char *name)
{
	const char *slash = strchr(name, '/');
	const struct kv *k;

	if (streq(name, "__name__"))
		return section;
	if (slash && slash > name) {
		_cleanup_free_ char *sec = strndup(name, (size_t) (slash - name)), *known = NULL;
		const char *opt = slash + 1;
		if (!sec)
			return NULL;
		for (const char *c = sec; *c; c++)
			if (!isalnum((unsigned char) *c) && *c != '_' && *c != '-')
				return (k = lookup(ini, section, name)) ? k->value : NULL;
		if (strcasecmp(sec, "known") == 0) {
			if (asprintf(&known, "KNOWN/%s", section) < 0)
				return NULL;
			k = find_kv(find_section(ini, known), opt);
		} else if (strcasecmp(sec, "default") == 0)
			k = NULL;
		else {
			const struct section *s = find_section(ini, sec);
			if (!s)
				return (k = lookup(ini, section, name)) ? k->value : NULL;
			k = find_kv(s, opt);
		}
		if (!k)
			k = find_kv(&ini->s[0], opt);
		return k ? k->value : NULL;
	}
	k = lookup(ini, section, name);
	return k ? k->value : NULL;
}

static int interpolate(const struct f2b_ini *ini, const char *section, const char *raw, unsigned depth, struct buf *out)
{
	if (depth > F2B_INTERPOLATION_DEPTH)
		return -EINVAL;
	for (const char *p = raw; *p;) {
		const char *pc = strchr(p, '%');
		if (!pc)
			return buf_puts(out, p);
		buf_append(out, p, (size_t) (pc - p));
		if (out->len > F2B_VALUE_MAX)
			return -E2BIG;
		if (pc[1] == '%') {
			buf_putc(out, '%');
			p = pc + 2;
			continue;
		}
		const char *close = pc[1] == '(' ? strchr(pc + 2, ')') : NULL;
		if (!close || close == pc + 2 || close[1] != 's')
			return -EINVAL;
		_cleanup_free_ char *name = strndup(pc + 2, (size_t) (close - pc - 2));
		if (!name)
			return -ENOMEM;
		/* configparser lowers the option part; a section part keeps its case */
		for (char *c = strrchr(name, '/') ? strrchr(name, '/') : name; *c; c++)
			*c = (char) tolower((unsigned char) *c);
		const char *v = map_value(ini, section, name);
		if (!v)
			return -EINVAL;
		int r = strchr(v, '%') ? interpolate(ini, section, v, depth + 1, out) : buf_puts(out, v);
		if (r < 0)
			return r;
		p = close + 2;
	}
	return buf_ok(out) ? 0 : -ENOMEM;
}

int f2b_ini_get(const struct f2b_ini *ini, const char *section, const char *option, char **ret, char **ret_where)
{
	const struct kv *k = lookup(ini, section, option);
	struct buf b = {0};
	int r;

	if (!k)
		return 0;
	r = interpolate(ini, section, k->value, 1, &b);
	if (r < 0) {
		buf_done(&b);
		return r == -ENOMEM ? r : -EINVAL;
	}
	if (ret_where && asprintf(ret_where, "%s line %u", k->file ? k->file : "?", k->line) < 0) {
		buf_done(&b);
		return -ENOMEM;
	}
	*ret = buf_steal(&b);
	return *ret ? 1 : -ENOMEM;
}

/* ------------------------------------------------------------- values */

static int parse_bool(const char *s)
{
	static const char *const yes[] = { "1", "yes", "true", "on" }, *const no[] = { "0", "no", "false", "off" };

	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -EINVAL;
}

int f2b_str2seconds(const char *s, int64_t *ret)
{
	static const struct {
		const char *words;
		int64_t mul;
	} units[] = {
		{ " d da day days dd ", 86400 },	{ " w we wee week weeks ww ", 604800 },
		{ " mo mon month months ", 2629800 },	{ " y ye yea year years yy ", 31557600 },
		{ " s se sec second seconds ss ", 1 },	{ " m mi min minute minutes mm ", 60 },
		{ " h ho hou hour hours hh ", 3600 },
	};
	int64_t total = 0;
	bool any = false;
	int sign = 1;

	for (const char *p = s;;) {
		while (isspace((unsigned char) *p))
			p++;
		if (!*p)
			break;
		if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			p++;
			continue;
		}
		if (!isdigit((unsigned char) *p))
			return -EINVAL;
		int64_t v = 0;
		while (isdigit((unsigned char) *p)) {
			if (v > INT64_MAX / 100)
				return -ERANGE;
			v = v * 10 + (*p++ - '0');
		}
		while (isspace((unsigned char) *p))
			p++;
		size_t w = 0;
		while (isalpha((unsigned char) p[w]))
			w++;
		if (w > 0) {
			char word[16];
			int64_t mul = 0;
			if (w > 8)
				return -EINVAL;
			snprintf(word, sizeof(word), " %.*s ", (int) w, p);
			for (char *c = word; *c; c++)
				*c = (char) tolower((unsigned char) *c);
			for (size_t i = 0; i < ELEMENTSOF(units) && !mul; i++)
				if (strstr(units[i].words, word))
					mul = units[i].mul;
			if (!mul || v > INT64_MAX / mul)
				return -EINVAL;
			v *= mul;
			p += w;
		}
		if (__builtin_add_overflow(total, sign * v, &total))
			return -ERANGE;
		sign = 1;
		any = true;
	}
	if (!any)
		return -EINVAL;
	*ret = total;
	return 0;
}

/* An action list: "name[opts]" words, one or more per line. */
static enum f2b_action_kind action_kind(const char *name)
{
	static const char *const notify[] = { "abuseipdb", "apprise", "badips", "blocklist_de", "cloudflare",
					      "cloudflare-token", "complain", "dshield", "dummy", "ipthreat",
					      "mynetwatchman", "nginx-block-map", "nsupdate", "smtp.py",
					      "xarf-login-attack" };
	static const char *const all[] = { "apf", "blackhole", "ipfilter", "netscaler", "npf", "osx-afctl", "route",
					   "shorewall", "shorewall-ipset-proto6" };

	if (streq(name, "hostsdeny"))
		return F2B_ACTION_HOSTSDENY;
	if (strstr(name, "allports"))
		return F2B_ACTION_ALLPORTS;
	if (startswith(name, "mail") || startswith(name, "sendmail"))
		return F2B_ACTION_NOTIFY;
	for (size_t i = 0; i < ELEMENTSOF(notify); i++)
		if (streq(name, notify[i]))
			return F2B_ACTION_NOTIFY;
	for (size_t i = 0; i < ELEMENTSOF(all); i++)
		if (streq(name, all[i]))
			return F2B_ACTION_ALLPORTS;
	return F2B_ACTION_PORTS;
}

/* The value of opt= in an action's "[a=x, b="y"]" options, or NULL. */
static char *action_option(const char *o, size_t n, const char *opt)
{
	size_t on = strlen(opt);

	for (size_t i = 0; i + on < n; i++) {
		if ((i > 0 && o[i - 1] != ',' && o[i - 1] != '[' && !isspace((unsigned char) o[i - 1])) ||
		    strncmp(o + i, opt, on) != 0)
			continue;
		size_t k = i + on;
		while (k < n && o[k] == ' ')
			k++;
		if (k >= n || o[k] != '=')
			continue;
		k++;
		while (k < n && o[k] == ' ')
			k++;
		char q = k < n && (o[k] == '"' || o[k] == '\'') ? o[k] : 0;
		size_t s = q ? k + 1 : k, e = s;
		while (e < n && (q ? o[e] != q : o[e] != ',' && o[e] != ']'))
			e++;
		return strndup(o + s, e - s);
	}
	return NULL;
}

static int parse_actions(const char *text, struct f2b_jail *j)
{
	for (const char *p = text; *p;) {
		while (*p && isspace((unsigned char) *p))
			p++;
		if (!*p)
			break;
		const char *name = p;
		while (*p && *p != '[' && !isspace((unsigned char) *p))
			p++;
		size_t nn = (size_t) (p - name);
		const char *opts = p;
		if (*p == '[') {
			int depth = 0;
			char q = 0;
			for (; *p; p++) {
				if (q) {
					q = *p == q ? 0 : q;
					continue;
				}
				if (*p == '"' || *p == '\'')
					q = *p;
				else if (*p == '[')
					depth++;
				else if (*p == ']' && --depth == 0) {
					p++;
					break;
				}
			}
		}
		struct f2b_action *v = realloc(j->actions, (j->n_actions + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		j->actions = v;
		struct f2b_action *a = &v[j->n_actions];
		*a = (struct f2b_action) { .name = strndup(name, nn) };
		if (!a->name)
			return -ENOMEM;
		j->n_actions++;
		a->kind = action_kind(a->name);
		a->port = action_option(opts, (size_t) (p - opts), "port");
		a->protocol = action_option(opts, (size_t) (p - opts), "protocol");
	}
	return 0;
}

static int port_of(const char *w, size_t n, const char *services, size_t services_len)
{
	_cleanup_free_ char *s = strndup(w, n);
	unsigned long long v;

	if (!s)
		return -1;
	if (parse_uint(s, 10, 65535, &v) == 0)
		return (int) v;
	if (services) {
		int p = services_lookup(services, services_len, s, "tcp");
		if (p > 0)
			return p;
	}
	return streq(s, "ssh") ? 22 : -1;
}

static bool port_list_has(const char *list, int port, const char *services, size_t services_len)
{
	for (const char *p = list; p && *p;) {
		while (*p == ',' || isspace((unsigned char) *p))
			p++;
		size_t n = strcspn(p, ", \t\n");
		if (n == 0)
			break;
		const char *colon = memchr(p, ':', n);
		if ((n == 3 && strncasecmp(p, "all", 3) == 0) || (n == 3 && strncasecmp(p, "any", 3) == 0))
			return true;
		if (colon) {
			int a = colon == p ? 0 : port_of(p, (size_t) (colon - p), services, services_len);
			int b = colon + 1 == p + n ? 65535
						   : port_of(colon + 1, (size_t) (p + n - colon - 1), services, services_len);
			if (a >= 0 && b >= 0 && a <= port && port <= b)
				return true;
		} else if (port_of(p, n, services, services_len) == port)
			return true;
		p += n;
	}
	return false;
}

bool f2b_jail_blocks_port(const struct f2b_jail *j, int port, const char *services, size_t services_len, bool libwrap,
			  const struct f2b_action **ret_action)
{
	*ret_action = NULL;
	for (size_t i = 0; i < j->n_actions; i++) {
		const struct f2b_action *a = &j->actions[i];
		const char *proto = a->protocol ? a->protocol : j->protocol;
		if (a->kind == F2B_ACTION_NOTIFY || (a->kind == F2B_ACTION_HOSTSDENY && !libwrap) ||
		    (a->kind != F2B_ACTION_HOSTSDENY && proto && strcasecmp(proto, "udp") == 0))
			continue;
		if (a->kind != F2B_ACTION_PORTS || port_list_has(a->port ? a->port : j->port, port, services, services_len)) {
			*ret_action = a;
			return true;
		}
	}
	return false;
}

bool f2b_jail_uses_hostsdeny(const struct f2b_jail *j)
{
	for (size_t i = 0; i < j->n_actions; i++)
		if (j->actions[i].kind == F2B_ACTION_HOSTSDENY)
			return true;
	return false;
}

/* addr as bytes (4 or 16) for prefix comparisons; 0 when not an address. */
static int addr_bytes(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 16;
	return 0;
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	size_t k = bits / 8;

	if (memcmp(a, b, k) != 0)
		return false;
	return bits % 8 == 0 || ((a[k] ^ b[k]) & (uint8_t) (0xff00u >> (bits % 8))) == 0;
}

const char *f2b_ignoreip_match(const struct f2b_jail *j, const char *addr)
{
	uint8_t a[16], net[16], mask[16];
	int n = addr_bytes(addr, a);

	for (size_t i = 0; n && j->ignoreip && j->ignoreip[i]; i++) {
		const char *w = j->ignoreip[i], *slash = strchr(w, '/');
		_cleanup_free_ char *host = strndup(w, slash ? (size_t) (slash - w) : strlen(w));
		unsigned long long bits = (unsigned long long) n * 8;
		if (!host || addr_bytes(host, net) != n)
			continue;	/* another family, a name (not resolved offline), file: */
		if (slash) {
			if (n == 4 && strchr(slash + 1, '.')) {
				/* a dotted netmask: its leading one bits */
				if (inet_pton(AF_INET, slash + 1, mask) != 1)
					continue;
				bits = 0;
				while (bits < 32 && (mask[bits / 8] & (0x80u >> (bits % 8))))
					bits++;
			} else if (parse_uint(slash + 1, 10, (unsigned long long) n * 8, &bits) < 0)
				continue;
		}
		if (prefix_eq(a, net, (unsigned) bits))
			return w;
	}
	return NULL;
}

/* ------------------------------------------------------ configuration */

static void jail_done(struct f2b_jail *j)
{
	for (size_t i = 0; i < j->n_actions; i++) {
		free(j->actions[i].name);
		free(j->actions[i].port);
		free(j->actions[i].protocol);
	}
	free(j->actions);
	free(j->name);
	free(j->enabled_where);
	free(j->port);
	free(j->protocol);
	free(j->bantime_text);
	strv_free(j->ignoreip);
}

void f2b_config_done(struct f2b_config *c)
{
	for (size_t i = 0; i < c->n_jails; i++)
		jail_done(&c->jails[i]);
	free(c->jails);
	free(c->dbfile);
	free(c->dbfile_where);
	strv_free(c->files);
	strv_free(c->notes);
	*c = (struct f2b_config) {0};
}

const struct f2b_jail *f2b_config_jail(const struct f2b_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_jails; i++)
		if (streq(c->jails[i].name, name))
			return &c->jails[i];
	return NULL;
}

static int note(char ***notes, const char *fmt, ...) _printf_(2, 3);
static int note(char ***notes, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? -ENOMEM : strv_push(notes, s);
}

/* get() for a jail: 1 with *ret, 0 unset, -ENOMEM; an interpolation error is a note and "unset". */
static int jail_get(const struct f2b_ini *ini, struct f2b_config *c, const char *jail, const char *opt, char **ret,
		    char **ret_where)
{
	int r = f2b_ini_get(ini, jail, opt, ret, ret_where);

	if (r == -EINVAL) {
		_cleanup_free_ char *j = escape_display(jail);
		return j ? note(&c->notes, "[%s] %s: its value cannot be interpolated (a missing %%(name)s, a loop or a "
					   "stray '%%'); fail2ban refuses such a value",
				j, opt) < 0 ? -ENOMEM : 0
			 : -ENOMEM;
	}
	return r;
}

static int load_jail(const struct f2b_ini *ini, struct f2b_config *c, const char *name)
{
	_cleanup_free_ char *enabled = NULL, *bantime = NULL, *inc = NULL, *maxtime = NULL, *ignoreip = NULL,
			    *ignoreself = NULL, *action = NULL;
	struct f2b_jail *v = realloc(c->jails, (c->n_jails + 1) * sizeof(*v)), *j;
	int r;

	if (!v)
		return -ENOMEM;
	c->jails = v;
	j = &v[c->n_jails];
	*j = (struct f2b_jail) { .name = strdup(name), .maxtime = -1, .ignoreself = true };
	if (!j->name)
		return -ENOMEM;
	c->n_jails++;
	if ((r = jail_get(ini, c, name, "enabled", &enabled, &j->enabled_where)) < 0 ||
	    (r = jail_get(ini, c, name, "port", &j->port, NULL)) < 0 ||
	    (r = jail_get(ini, c, name, "protocol", &j->protocol, NULL)) < 0 ||
	    (r = jail_get(ini, c, name, "bantime", &bantime, NULL)) < 0 ||
	    (r = jail_get(ini, c, name, "bantime.increment", &inc, NULL)) < 0 ||
	    (r = jail_get(ini, c, name, "bantime.maxtime", &maxtime, NULL)) < 0 ||
	    (r = jail_get(ini, c, name, "ignoreip", &ignoreip, NULL)) < 0 ||
	    (r = jail_get(ini, c, name, "ignoreself", &ignoreself, NULL)) < 0 ||
	    (r = jail_get(ini, c, name, "action", &action, NULL)) < 0)
		return r;
	if (enabled) {
		int b = parse_bool(enabled);
		j->enabled = b > 0;
		j->bad_enabled = b < 0;
	}
	/* actions.py: 600 s when the jail sets none */
	j->bantime = 600;
	j->bantime_ok = true;
	if (bantime) {
		j->bantime_ok = f2b_str2seconds(bantime, &j->bantime) == 0;
		j->bantime_text = TAKE_PTR(bantime);
	}
	j->increment = inc && parse_bool(inc) > 0;
	if (maxtime && f2b_str2seconds(maxtime, &j->maxtime) < 0)
		j->maxtime = -1;
	j->ignoreself = !ignoreself || parse_bool(ignoreself) != 0;
	if ((r = strv_ensure(&j->ignoreip)) < 0)
		return r;
	/* helpers.splitwords(): commas, spaces and newlines */
	for (char *p = ignoreip; p && *p;) {
		size_t n = strcspn(p, ", \t\n");
		if (n && (r = strv_push(&j->ignoreip, strndup(p, n))) < 0)
			return r;
		p += n;
		p += strspn(p, ", \t\n");
	}
	if (action)
		return parse_actions(action, j);
	/* No readable action= list: assume it blocks the jail's ports. */
	return parse_actions("?", j);
}

int f2b_config_from_ini(const struct f2b_ini *jail, const struct f2b_ini *f2b, struct f2b_config *c)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *purge = NULL;
	int r;

	c->dbpurgeage = 86400;
	if (f2b) {
		r = f2b_ini_get(f2b, "Definition", "dbfile", &c->dbfile, &c->dbfile_where);
		if (r == -ENOMEM || (r == -EINVAL && note(&c->notes, "fail2ban.conf: dbfile cannot be interpolated; "
								     "fail2ban refuses it") < 0))
			return -ENOMEM;
		if (r == 0 && !(c->dbfile = strdup(F2B_DEFAULT_DB)))
			return -ENOMEM;
		if (c->dbfile && (strcasecmp(c->dbfile, "none") == 0 || streq(c->dbfile, ":memory:") || !*c->dbfile)) {
			free(c->dbfile);
			c->dbfile = NULL;
		}
		r = f2b_ini_get(f2b, "Definition", "dbpurgeage", &purge, NULL);
		if (r == -ENOMEM)
			return r;
		if (r > 0 && f2b_str2seconds(purge, &c->dbpurgeage) < 0)
			c->dbpurgeage = -1;
		for (size_t i = 0; f2b->notes && f2b->notes[i]; i++)
			if ((r = strv_push(&c->notes, strdup(f2b->notes[i]))) < 0)
				return r;
	}
	for (size_t i = 0; jail->notes && jail->notes[i]; i++)
		if ((r = strv_push(&c->notes, strdup(jail->notes[i]))) < 0)
			return r;
	r = f2b_ini_sections(jail, &names);
	for (size_t i = 0; r >= 0 && names[i]; i++)
		r = load_jail(jail, c, names[i]);
	return r;
}

/* Read files from the target in fail2ban's order, with their [INCLUDES]. */
struct loader {
	struct target *t;
	char **paths, **texts;	/* files read, texts parallel (NULL: missing) */
	size_t *lens;
	size_t n;
	char ***notes;
};

static void loader_done(struct loader *L)
{
	for (size_t i = 0; i < L->n; i++) {
		free(L->paths[i]);
		free(L->texts[i]);
	}
	free(L->paths);
	free(L->texts);
	free(L->lens);
}

/* The text of path (read once), or NULL when it does not exist or cannot be read. */
static int loader_text(struct loader *L, const char *path, const char **ret, size_t *ret_len)
{
	_cleanup_free_ char *data = NULL, *p = NULL;
	size_t len = 0;
	int r;

	for (size_t i = 0; i < L->n; i++)
		if (streq(L->paths[i], path)) {
			*ret = L->texts[i];
			*ret_len = L->lens[i];
			return 0;
		}
	if (L->n >= F2B_FILES_MAX) {
		*ret = NULL;
		return 0;
	}
	r = target_read_file(L->t, path, F2B_FILE_MAX, &data, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0 && r != -ENOENT && r != -ENOTDIR) {
		_cleanup_free_ char *e = escape_display(path);
		if (!e || note(L->notes, "%s was not read: %s", e, r == -EFBIG ? "larger than 1 MiB" : strerror(-r)) < 0)
			return -ENOMEM;
	}
	char **pv = realloc(L->paths, (L->n + 1) * sizeof(char *)), **tv;
	if (pv)
		L->paths = pv;
	tv = pv ? realloc(L->texts, (L->n + 1) * sizeof(char *)) : NULL;
	if (tv)
		L->texts = tv;
	size_t *lv = tv ? realloc(L->lens, (L->n + 1) * sizeof(size_t)) : NULL;
	if (!lv || !(p = strdup(path)))
		return -ENOMEM;
	L->lens = lv;
	L->paths[L->n] = TAKE_PTR(p);
	L->texts[L->n] = r < 0 ? NULL : TAKE_PTR(data);
	L->lens[L->n] = r < 0 ? 0 : len;
	*ret = L->texts[L->n];
	*ret_len = L->lens[L->n];
	L->n++;
	return 0;
}

static int get_includes(struct loader *L, char **list, char **seen, unsigned depth, char ***out);

/* __getIncludesUncached(): before-includes, the file, after-includes. */
static int includes_of(struct loader *L, const char *path, char **seen, unsigned depth, char ***out)
{
	_cleanup_(f2b_ini_freep) struct f2b_ini *ini = NULL;
	_cleanup_free_ char *dir = path_parent(path);
	const char *text;
	size_t len;
	int r;

	if (!dir)
		return -ENOMEM;
	if ((r = loader_text(L, path, &text, &len)) < 0)
		return r;
	if (!text)
		return 0;
	if ((r = f2b_ini_new(&ini)) < 0 || (r = parse_file(ini, path, text, len)) < 0)
		return r;
	for (int pass = 0; pass < 2; pass++) {
		const struct kv *k = find_kv(find_section(ini, "INCLUDES"), pass == 0 ? "before" : "after");
		if (pass == 1 && (r = strv_push(out, strdup(path))) < 0)
			return r;
		if (!k)
			continue;
		if (depth >= 8) {
			_cleanup_free_ char *e = escape_display(path);
			if (!e || note(L->notes, "%s: [INCLUDES] nested more than 8 deep, not followed", e) < 0)
				return -ENOMEM;
			continue;
		}
		for (const char *p = k->value; *p;) {
			size_t n = strcspn(p, "\n");
			_cleanup_free_ char *w = strndup(p, n), *inc = NULL;
			_cleanup_strv_free_ char **one = NULL, **seen2 = NULL;
			p += n + (p[n] == '\n');
			if (!w)
				return -ENOMEM;
			if (!*w)
				continue;
			inc = w[0] == '/' ? strdup(w) : path_join(dir, w);
			if (!inc)
				return -ENOMEM;
			if (strv_contains(seen, inc))
				continue;
			for (size_t i = 0; seen && seen[i]; i++)
				if ((r = strv_push(&seen2, strdup(seen[i]))) < 0)
					return r;
			if ((r = strv_push(&seen2, strdup(path))) < 0 || (r = strv_push(&one, TAKE_PTR(inc))) < 0 ||
			    (r = get_includes(L, one, seen2, depth + 1, out)) < 0)
				return r;
		}
	}
	return 0;
}

/* _getIncludes(): each file with its .local beside it, then their includes. */
static int get_includes(struct loader *L, char **list, char **seen, unsigned depth, char ***out)
{
	_cleanup_strv_free_ char **expanded = NULL;
	int r;

	for (size_t i = 0; list && list[i]; i++) {
		if ((r = strv_push(&expanded, strdup(list[i]))) < 0)
			return r;
		const char *dot = strrchr(list[i], '.');
		_cleanup_free_ char *local = NULL;
		if (dot && !strchr(dot, '/') && asprintf(&local, "%.*s.local", (int) (dot - list[i]), list[i]) < 0)
			return -ENOMEM;
		struct stat st;
		if (local && !strv_contains(list, local) && target_stat(L->t, local, &st) == 0 && S_ISREG(st.st_mode) &&
		    (r = strv_push(&expanded, TAKE_PTR(local))) < 0)
			return r;
	}
	for (size_t i = 0; expanded && expanded[i]; i++)
		if ((r = includes_of(L, expanded[i], seen, depth, out)) < 0)
			return r;
	return 0;
}

/* ConfigReader.read(name): name.conf, name.d/ *.conf, name.local, name.d/ *.local. */
static int read_config(struct loader *L, const char *name, struct f2b_ini **ret, char ***files)
{
	_cleanup_strv_free_ char **list = NULL, **order = NULL;
	_cleanup_(f2b_ini_freep) struct f2b_ini *ini = NULL;
	int r;

	for (int pass = 0; pass < 2; pass++) {
		const char *ext = pass == 0 ? ".conf" : ".local";
		_cleanup_free_ char *main = NULL, *dir = NULL;
		_cleanup_strv_free_ char **names = NULL;
		struct stat st;
		if (asprintf(&main, "%s/%s%s", F2B_CONF_DIR, name, ext) < 0 || asprintf(&dir, "%s/%s.d", F2B_CONF_DIR, name) < 0)
			return -ENOMEM;
		if (target_lstat(L->t, main, &st) == 0 && (r = strv_push(&list, TAKE_PTR(main))) < 0)
			return r;
		r = target_list_dir(L->t, dir, &names);
		if (r == -ENOMEM)
			return r;
		for (size_t i = 0; r >= 0 && names[i]; i++) {
			size_t n = strlen(names[i]), e = strlen(ext);
			if (names[i][0] == '.' || n <= e || !streq(names[i] + n - e, ext))
				continue;
			if (strv_length(list) >= F2B_FILES_MAX)
				break;
			if ((r = strv_push(&list, path_join(dir, names[i]))) < 0)
				return r;
		}
	}
	if ((r = strv_ensure(&order)) < 0 || (r = get_includes(L, list, NULL, 0, &order)) < 0 || (r = f2b_ini_new(&ini)) < 0)
		return r;
	for (size_t i = 0; order[i]; i++) {
		const char *text;
		size_t len;
		if ((r = loader_text(L, order[i], &text, &len)) < 0)
			return r;
		if (!text)
			continue;
		if ((r = f2b_ini_read(ini, order[i], text, len)) < 0)
			return r;
		if (!strv_contains(*files, order[i]) && (r = strv_push(files, strdup(order[i]))) < 0)
			return r;
	}
	*ret = TAKE_PTR(ini);
	return 0;
}

int f2b_config_load(struct target *t, struct f2b_config *c)
{
	_cleanup_(f2b_ini_freep) struct f2b_ini *jail = NULL, *f2b = NULL;
	struct loader L = { .t = t, .notes = &c->notes };
	struct stat st;
	int r;

	*c = (struct f2b_config) { .dbpurgeage = -1 };
	c->installed = target_lstat(t, F2B_CONF_DIR "/jail.conf", &st) == 0 ||
		       target_lstat(t, F2B_CONF_DIR "/fail2ban.conf", &st) == 0;
	if (!c->installed)
		return 0;
	r = read_config(&L, "jail", &jail, &c->files);
	if (r >= 0)
		r = read_config(&L, "fail2ban", &f2b, &c->files);
	if (r >= 0)
		r = f2b_config_from_ini(jail, f2b, c);
	loader_done(&L);
	return r;
}

/* --------------------------------------------------------------- bans */

void f2b_bans_done(struct f2b_bans *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].ip);
		free(b->v[i].jail);
	}
	free(b->v);
	free(b->sqlite_version);
	*b = (struct f2b_bans) {0};
}

/* A row both readers agree to give: an address and a printable jail name, else counted as bad. */
static int add_row(struct f2b_bans *b, const char *ip, size_t ipn, const char *jail, size_t jn, int64_t tob,
		   int64_t bt, int64_t cnt)
{
	uint8_t a[16];
	_cleanup_free_ char *i = NULL, *j = NULL;

	if (b->n >= F2B_ROWS_MAX)
		return -E2BIG;
	bool ok = ipn > 0 && ipn < 64 && jn > 0 && jn <= 128 && !memchr(ip, 0, ipn);
	for (size_t k = 0; ok && k < jn; k++)
		ok = jail[k] >= 0x20 && jail[k] < 0x7f;
	if (ok && (!(i = strndup(ip, ipn)) || !(j = strndup(jail, jn))))
		return -ENOMEM;
	if (!ok || !addr_bytes(i, a)) {
		b->bad++;
		return 0;
	}
	struct f2b_ban *v = realloc(b->v, (b->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->v = v;
	v[b->n++] = (struct f2b_ban) { TAKE_PTR(i), TAKE_PTR(j), tob, bt, cnt };
	return 0;
}

/* Rows no start can restore: a ban time that is not negative and has run out. */
static bool expired(int64_t tob, int64_t bt, int64_t now)
{
	int64_t end;

	return bt >= 0 && !__builtin_add_overflow(tob, bt, &end) && end <= now;
}

/* INTEGER, or REAL rounded down as python's math.floor() (finite, |v| < 2^62); else false. */
static bool value_int(const struct sqlite_ro_value *v, int64_t *ret)
{
	if (v->type == SQLITE_RO_INT) {
		*ret = v->i;
		return true;
	}
	if (v->type != SQLITE_RO_REAL || !(v->r > -4611686018427387904.0 && v->r < 4611686018427387904.0))
		return false;
	*ret = (int64_t) v->r;
	if ((double) *ret > v->r)
		(*ret)--;
	return true;
}

enum { COL_IP, COL_JAIL, COL_TOB, COL_BT, COL_CNT, _COL_MAX };

struct scan {
	int col[_COL_MAX];
	bool have_cols;
	char **sql;		/* the table's CREATE statement, set before the first row */
	int64_t now;
	struct f2b_bans *b;
};

static int columns(const char *sql, int col[_COL_MAX]);

static int scan_row(const struct sqlite_ro_row *row, void *userdata)
{
	struct scan *s = userdata;
	const struct sqlite_ro_value null = { .type = SQLITE_RO_NULL }, one = { .type = SQLITE_RO_INT, .i = 1 };
	const struct sqlite_ro_value *v[_COL_MAX];
	int64_t tob, bt, cnt = 0;

	if (!s->have_cols && columns(*s->sql, s->col) < 0)
		return -EPROTO;
	s->have_cols = true;

	for (int c = 0; c < _COL_MAX; c++)
		/* a column the record lacks has its default (bancount's is 1) */
		v[c] = (size_t) s->col[c] < row->n ? &row->v[s->col[c]] : c == COL_CNT ? &one : &null;
	bool bytes = (v[COL_IP]->type == SQLITE_RO_TEXT || v[COL_IP]->type == SQLITE_RO_BLOB) &&
		     (v[COL_JAIL]->type == SQLITE_RO_TEXT || v[COL_JAIL]->type == SQLITE_RO_BLOB);
	if (!bytes || !value_int(v[COL_TOB], &tob) || !value_int(v[COL_BT], &bt)) {
		s->b->bad++;
		return 0;
	}
	if (expired(tob, bt, s->now)) {
		s->b->expired++;
		return 0;
	}
	(void) value_int(v[COL_CNT], &cnt);
	return add_row(s->b, v[COL_IP]->p, v[COL_IP]->n, v[COL_JAIL]->p, v[COL_JAIL]->n, tob, bt, cnt);
}

/* Column positions from "CREATE TABLE bips(ip TEXT ..., jail ..., PRIMARY KEY(...))". */
static int columns(const char *sql, int col[_COL_MAX])
{
	static const char *const want[_COL_MAX] = { "ip", "jail", "timeofban", "bantime", "bancount" };
	static const char *const constraints[] = { "constraint", "primary", "unique", "check", "foreign" };
	const char *p = sql ? strchr(sql, '(') : NULL;
	int idx = 0;

	for (int c = 0; c < _COL_MAX; c++)
		col[c] = -1;
	if (!p)
		return -EBADMSG;
	for (p++; *p;) {
		char name[64];
		size_t n = 0;
		p += strspn(p, " \t\r\n");
		char q = *p == '"' || *p == '`' || *p == '[' ? (*p == '[' ? ']' : *p) : 0;
		if (q)
			p++;
		while (*p && (q ? *p != q : (isalnum((unsigned char) *p) || *p == '_')))
			name[n < sizeof(name) - 1 ? n++ : n] = (char) tolower((unsigned char) *p), p++;
		name[n] = '\0';
		if (q && *p == q)
			p++;
		bool is_col = true;
		for (size_t i = 0; !q && i < ELEMENTSOF(constraints); i++)
			is_col &= !streq(name, constraints[i]);
		for (int c = 0; is_col && c < _COL_MAX; c++)
			if (streq(name, want[c]) && col[c] < 0)
				col[c] = idx;
		idx += is_col;
		/* to the next ',' at this level */
		int depth = 0;
		char sq = 0;
		for (; *p; p++) {
			if (sq) {
				sq = *p == sq ? 0 : sq;
				continue;
			}
			if (*p == '\'' || *p == '"' || *p == '`')
				sq = *p;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && depth-- == 0)
				break;
			else if (*p == ',' && depth == 0)
				break;
		}
		if (*p != ',')
			break;
		p++;
	}
	for (int c = 0; c < COL_CNT; c++)
		if (col[c] < 0)
			return -EBADMSG;
	if (col[COL_CNT] < 0)
		col[COL_CNT] = 1000;	/* not there: the default 1 */
	return 0;
}

int f2b_bans_from_image(const void *image, size_t len, int64_t now, struct f2b_bans *ret, char **ret_error)
{
	_cleanup_free_ char *sql = NULL;
	struct scan s = { .now = now, .b = ret, .sql = &sql };
	int r;

	*ret = (struct f2b_bans) {0};
	r = sqlite_ro_scan(image, len, "bips", scan_row, &s, &sql, ret_error);
	if (r == -ENOENT && !*ret_error)
		*ret_error = strdup("the database has no table bips (not a fail2ban 0.11+ database)");
	if (r == -EPROTO) {
		*ret_error = strdup("table bips has no columns ip, jail, timeofban and bantime");
		r = -EBADMSG;
	}
	if (r < 0)
		f2b_bans_done(ret);
	return r;
}

/* Lower-case hex of at most max bytes ("-": none), as the programs below print it. */
static int unhex(const char *s, size_t n, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *out = NULL;

	if (n == 1 && s[0] == '-') {
		*ret_len = 0;
		return (*ret = strdup("")) ? 0 : -ENOMEM;
	}
	if (n == 0 || n % 2 || n / 2 > max)
		return -EBADMSG;
	if (!(out = malloc(n / 2 + 1)))
		return -ENOMEM;
	for (size_t i = 0; i < n; i += 2) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[i + k];
			int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (d < 0)
				return -EBADMSG;
			v = v * 16 + d;
		}
		out[i / 2] = (char) v;
	}
	out[n / 2] = '\0';
	*ret_len = n / 2;
	*ret = TAKE_PTR(out);
	return 0;
}

/* A decimal int64 with an optional '-', exactly. */
static bool parse_i64(const char *s, size_t n, int64_t *ret)
{
	bool neg = n > 0 && s[0] == '-';
	uint64_t v = 0;

	if (n == (size_t) neg || n > 20)
		return false;
	for (size_t i = neg; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t) (s[i] - '0');
	}
	if (v > (uint64_t) INT64_MAX + neg)
		return false;
	*ret = neg ? (int64_t) (0 - v) : (int64_t) v;
	return true;
}

/* Split a line into at most max space-separated words; the count, or -1 for more. */
static int words(const char *l, size_t n, const char *w[], size_t wn[], int max)
{
	int k = 0;

	for (size_t i = 0; i < n;) {
		size_t e = i;
		while (e < n && l[e] != ' ')
			e++;
		if (e == i || k == max)
			return -1;	/* two spaces, or too many words */
		w[k] = l + i;
		wn[k++] = e - i;
		i = e + (e < n);
		if (e + 1 == n)
			return -1;	/* a trailing space */
	}
	return k;
}

int f2b_bans_from_python(const char *out, size_t len, struct f2b_bans *ret, char **ret_error)
{
	size_t lineno = 0, n_rows = 0;
	bool ended = false;
	int r;

	*ret = (struct f2b_bans) {0};
	*ret_error = NULL;
	for (const char *p = out, *end = out + len; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t) (end - p)), *w[6];
		size_t n = nl ? (size_t) (nl - p) : 0, wn[6];
		int k;
		if (!nl || ended)
			goto bad;
		k = words(p, n, w, wn, 6);
		if (lineno == 0) {
			if (k != 3 || wn[0] != 15 || memcmp(w[0], "sshfix-f2b-rows", 15) != 0 || wn[1] != 1 || w[1][0] != '1' ||
			    wn[2] > 20 || strspn(w[2], "0123456789.") < wn[2] || !(ret->sqlite_version = strndup(w[2], wn[2])))
				goto bad;
		} else if (k == 6 && wn[0] == 1 && w[0][0] == 'r') {
			_cleanup_free_ char *ip = NULL, *jail = NULL;
			size_t ipn, jn;
			int64_t v[3];
			if ((r = unhex(w[1], wn[1], 256, &ip, &ipn)) == -ENOMEM || (r >= 0 && (r = unhex(w[2], wn[2], 256, &jail, &jn)) == -ENOMEM))
				goto fail;
			if (r < 0 || !parse_i64(w[3], wn[3], &v[0]) || !parse_i64(w[4], wn[4], &v[1]) ||
			    !parse_i64(w[5], wn[5], &v[2]))
				goto bad;
			if ((r = add_row(ret, ip, ipn, jail, jn, v[0], v[1], v[2])) < 0)
				goto fail;
			n_rows++;
		} else if (k == 4 && wn[0] == 3 && memcmp(w[0], "end", 3) == 0) {
			int64_t c[3];
			if (!parse_i64(w[1], wn[1], &c[0]) || !parse_i64(w[2], wn[2], &c[1]) || !parse_i64(w[3], wn[3], &c[2]) ||
			    (uint64_t) c[0] != n_rows || c[1] < 0 || c[2] < 0)
				goto bad;
			ret->expired = (size_t) c[1];
			ret->bad += (size_t) c[2];
			ended = true;
		} else
			goto bad;
		p = nl + 1;
	}
	if (ended)
		return 0;
bad:
	r = -EBADMSG;
	*ret_error = strdup("its output was not in the expected form");
fail:
	f2b_bans_done(ret);
	return r;
}

int f2b_bans_format(const struct f2b_bans *b, struct buf *out)
{
	for (size_t i = 0; i < b->n; i++)
		buf_printf(out, "%s %s %" PRId64 " %" PRId64 " %" PRId64 "\n", b->v[i].ip, b->v[i].jail, b->v[i].timeofban,
			   b->v[i].bantime, b->v[i].bancount);
	buf_printf(out, "expired %zu bad %zu\n", b->expired, b->bad);
	return buf_ok(out) ? 0 : -ENOMEM;
}

bool f2b_ban_restored(const struct f2b_jail *j, const struct f2b_ban *b, int64_t now, int64_t *ret_until)
{
	int64_t B = j->bantime_ok ? j->bantime : 600, forbantime = -1, cbt = -1, eff = b->bantime, end;
	bool has_for = false;

	if (!streq(b->jail, j->name))
		return false;
	if (j->increment)
		cbt = j->maxtime > 0 ? j->maxtime : -1;	/* getMaxBanTime(): bantime.maxtime, none by default */
	else {
		forbantime = B;
		has_for = B != -1;
		cbt = B > 0 ? B : -1;	/* "elif correctBanTime and correctBanTime >= 0" */
	}
	/* _getCurrentBans(): (timeofban + bantime > now OR bantime <= -1) AND timeofban > now - forbantime */
	if (!(b->bantime <= -1 || __builtin_add_overflow(b->timeofban, b->bantime, &end) || end > now))
		return false;
	if (has_for && !(__builtin_sub_overflow(now, forbantime, &end) || b->timeofban > end))
		return false;
	/* getCurrentBans(): -2 (an upgraded database) is the jail's ban time; longer ones are cut to the maximum */
	if (b->bantime == -2)
		eff = B;
	else if (cbt > 0 && (b->bantime == -1 || b->bantime > cbt))
		eff = cbt;
	if (eff != -1 && !__builtin_add_overflow(b->timeofban, eff, &end) && end <= now)
		return false;
	if (eff != -1 && eff <= 0 && b->timeofban >= now)
		return false;	/* restoreCurrentBans(): nothing left of it */
	*ret_until = eff == -1 ? -1 : __builtin_add_overflow(b->timeofban, eff, &end) ? INT64_MAX : end;
	return true;
}

/* ------------------------------------------------------------- target */

void f2b_read_info_done(struct f2b_read_info *i)
{
	free(i->python_path);
	free(i->why_not_python);
	free(i->error);
	*i = (struct f2b_read_info) {0};
}

int f2b_db_open(struct target *t, const char *path, size_t max, struct stat *ret_st)
{
	int fd = target_open_inode(t, path, TR_NOFOLLOW, ret_st);

	if (fd < 0)
		return fd;
	if (S_ISDIR(ret_st->st_mode)) {
		close(fd);
		return -EISDIR;
	}
	if ((uint64_t) ret_st->st_size > max) {
		close(fd);
		return -EFBIG;
	}
	return fd;
}

char *f2b_python_path(struct target *t)
{
	static const char *const servers[] = { "/usr/bin/fail2ban-server", "/usr/local/bin/fail2ban-server",
					       "/bin/fail2ban-server" };

	for (size_t i = 0; i < ELEMENTSOF(servers); i++) {
		_cleanup_free_ char *data = NULL;
		size_t len;
		if (target_read_file(t, servers[i], 64 << 10, &data, &len) < 0 || len < 3 || memcmp(data, "#!", 2) != 0)
			continue;
		char *l = data + 2, *nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		l += strspn(l, " \t");
		size_t n = strcspn(l, " \t");
		char *arg = l + n + strspn(l + n, " \t");
		l[n] = '\0';
		arg[strcspn(arg, " \t")] = '\0';
		if (streq(path_last(l), "env") && *arg)
			l = arg;
		if (strspn(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") != strlen(l) || !*l)
			continue;
		if (l[0] != '/')
			return path_join("/usr/bin", l);
		return strdup(l);
	}
	return strdup("/usr/bin/python3");
}

/*
 * Both programs open the file as fail2ban would but refuse anything but a
 * regular file (O_NOFOLLOW, O_NONBLOCK: a FIFO swapped in does not block),
 * and print only what f2b_bans_from_python() and f2b_unban() accept; text
 * is hex, so no byte of the database reaches sshfix unquoted.
 */
const char f2b_python_read[] =
	"import math,os,sqlite3,stat,sys\n"
	"from binascii import hexlify\n"
	"def h(v):\n"
	" return hexlify(v).decode() or '-'\n"
	"def num(v):\n"
	" if type(v) is int: return v\n"
	" if type(v) is float and math.isfinite(v) and abs(v)<2**62: return math.floor(v)\n"
	"try:\n"
	" fd=os.open(sys.argv[1],os.O_RDONLY|os.O_NOFOLLOW|os.O_NONBLOCK)\n"
	" if not stat.S_ISREG(os.fstat(fd).st_mode): raise OSError('not a regular file')\n"
	" now=int(sys.argv[2])\n"
	" c=sqlite3.connect('file:/proc/self/fd/%d?mode=ro&immutable=1'%fd,uri=True)\n"
	" c.text_factory=bytes\n"
	" q=c.execute('SELECT * FROM bips ORDER BY rowid')\n"
	" k=[d[0].lower() for d in q.description]\n"
	" i=[k.index(n) if n in k else -1 for n in ('ip','jail','timeofban','bantime','bancount')]\n"
	" if min(i[:4])<0: raise ValueError('table bips has no columns ip, jail, timeofban and bantime')\n"
	" rows=[(r[i[0]],r[i[1]],r[i[2]],r[i[3]],r[i[4]] if i[4]>=0 else 1) for r in q]\n"
	"except Exception as e:\n"
	" print('sshfix-f2b-error '+h(str(e).encode()[:200]))\n"
	" sys.exit(3)\n"
	"print('sshfix-f2b-rows 1 '+sqlite3.sqlite_version)\n"
	"n=x=b=0\n"
	"for ip,jail,t,bt,cnt in rows:\n"
	" t,bt=num(t),num(bt)\n"
	" if type(ip) is not bytes or type(jail) is not bytes or t is None or bt is None:\n"
	"  b+=1\n"
	" elif bt>=0 and t+bt<=now:\n"
	"  x+=1\n"
	" else:\n"
	"  print('r %s %s %d %d %d'%(h(ip),h(jail),t,bt,num(cnt) or 0))\n"
	"  n+=1\n"
	"print('end %d %d %d'%(n,x,b))\n";

const char f2b_python_unban[] =
	"import hashlib,os,sqlite3,stat,sys\n"
	"from binascii import hexlify,unhexlify\n"
	"db,tmp,limit=sys.argv[1],sys.argv[2]+'/db',int(sys.argv[3])\n"
	"a=sys.argv[4:]\n"
	"fd=os.open(db,os.O_RDONLY|os.O_NOFOLLOW|os.O_NONBLOCK)\n"
	"if not stat.S_ISREG(os.fstat(fd).st_mode): sys.exit('not a regular file')\n"
	"old=os.fdopen(fd,'rb').read(limit+1)\n"
	"if len(old)>limit: sys.exit('too large')\n"
	"with open(tmp,'wb') as f: f.write(old)\n"
	"c=sqlite3.connect(tmp,isolation_level=None)\n"
	"t=[r[0] for r in c.execute(\"SELECT name FROM sqlite_master WHERE type='table'\")]\n"
	"c.execute('BEGIN IMMEDIATE')\n"
	"n=0\n"
	"for i in range(0,len(a)-1,2):\n"
	" ip,jail=unhexlify(a[i]).decode(),unhexlify(a[i+1]).decode()\n"
	" n+=c.execute('DELETE FROM bips WHERE ip=? AND jail=?',(ip,jail)).rowcount\n"
	" if 'bans' in t: c.execute('DELETE FROM bans WHERE ip=? AND jail=?',(ip,jail))\n"
	"c.execute('COMMIT')\n"
	"c.close()\n"
	"new=open(tmp,'rb').read()\n"
	"ps=int.from_bytes(new[16:18],'big')\n"
	"ps=65536 if ps==1 else ps\n"
	"print('sshfix-f2b-unban 1 '+sqlite3.sqlite_version)\n"
	"print('old %s %d'%(hashlib.sha256(old).hexdigest(),len(old)))\n"
	"print('new %s %d'%(hashlib.sha256(new).hexdigest(),len(new)))\n"
	"print('deleted %d'%n)\n"
	"print('pagesize %d'%ps)\n"
	"k=0\n"
	"for o in range(0,len(new),ps):\n"
	" if new[o:o+ps]!=old[o:o+ps]:\n"
	"  print('page %d %s'%(o//ps,hexlify(new[o:o+ps]).decode()))\n"
	"  k+=1\n"
	"print('end %d'%k)\n";

/* Run the target's python3 on one of the programs above. */
static int run_python(struct target *t, const char *python, const char *prog, const char *const *args, size_t n_args,
		      const struct sandbox_opts *opts, struct sandbox_result *res, const char **why)
{
	const char *argv[16 + 2 * 64];
	size_t k = 0;

	if (n_args > ELEMENTSOF(argv) - 10)
		return -E2BIG;
	/* -I: no environment, no user site; -S: no site; -B: never write .pyc into the target */
	for (const char *a[] = { python, "-I", "-S", "-B", "-W", "ignore", "-c", prog }; k < 8; k++)
		argv[k] = a[k];
	for (size_t i = 0; i < n_args; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	return sandbox_run(t, argv, opts, res, why);
}

static int python_read(struct target *t, struct f2b_read_info *info, const char *path, int64_t now,
		       struct f2b_bans *ret)
{
	struct sandbox_result res = {0};
	const char *why = NULL;
	char nows[24];
	const struct sandbox_opts opts = { .timeout_sec = 20 };
	int r;

	snprintf(nows, sizeof(nows), "%" PRId64, now);
	const char *args[] = { path, nows };
	r = run_python(t, info->python_path, f2b_python_read, args, 2, &opts, &res, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return asprintf(&info->why_not_python, "%s", why ? why : strerror(-r)) < 0 ? -ENOMEM : -ENOEXEC;
	if (res.timed_out)
		r = asprintf(&info->why_not_python, "it did not finish in 20 s");
	else if (res.exit_status == 3 && startswith(res.output, "sshfix-f2b-error ")) {
		/* sqlite itself read the file and refused it: that is the answer */
		_cleanup_free_ char *msg = NULL, *shown = NULL;
		size_t n, l = strcspn(res.output + 17, "\n");
		if (unhex(res.output + 17, l, 256, &msg, &n) == 0 && (shown = escape_display_trunc(msg, 200)))
			r = asprintf(&info->error, "the target's python3 and sqlite3 cannot read it: %s", shown);
		else
			r = asprintf(&info->error, "the target's python3 and sqlite3 cannot read it");
		sandbox_result_done(&res);
		return r < 0 ? -ENOMEM : -EBADMSG;
	} else {
		_cleanup_free_ char *err = NULL;
		r = f2b_bans_from_python(res.output, res.output_len, ret, &err);
		if (r == 0 && res.exit_status == 0) {
			sandbox_result_done(&res);
			return 0;
		}
		f2b_bans_done(ret);
		_cleanup_free_ char *last = last_line(res.output), *shown = last ? escape_display_trunc(last, 120) : NULL;
		r = asprintf(&info->why_not_python, "it exited with status %d%s%s", res.exit_status, shown && *shown ? ": " : "",
			     shown ? shown : "");
	}
	sandbox_result_done(&res);
	return r < 0 ? -ENOMEM : -ENOEXEC;
}

int f2b_read_bans(struct target *t, const char *path, int64_t now, struct f2b_bans *ret, struct f2b_read_info *info)
{
	_cleanup_close_ int fd = -EBADF;
	_cleanup_free_ char *image = NULL, *err = NULL;
	size_t len = 0;
	struct stat st;
	int r;

	*ret = (struct f2b_bans) {0};
	*info = (struct f2b_read_info) {0};
	fd = f2b_db_open(t, path, F2B_DB_MAX, &st);
	if (fd < 0) {
		const char *why = fd == -ELOOP	 ? "it is a symbolic link, which sshfix does not follow here"
				  : fd == -EINVAL ? "it is not a regular file (a FIFO, a device or a socket)"
				  : fd == -EFBIG  ? "it is larger than 64 MiB"
						  : strerror(-fd);
		if (fd != -ENOENT && asprintf(&info->error, "%s", why) < 0)
			return -ENOMEM;
		return fd;
	}
	info->size = (uint64_t) st.st_size;
	struct target_path tp = {0};
	r = target_resolve(t, path, TR_NOFOLLOW, &tp, NULL);
	if (r == -ENOMEM)
		return r;
	info->untrusted = r < 0 || st.st_uid != 0 || target_ancestors_are_roots(t, tp.canon) != 1;
	target_path_done(&tp);
	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *side = NULL;
		struct stat ss;
		if (asprintf(&side, "%s-%s", path, i ? "journal" : "wal") < 0)
			return -ENOMEM;
		if (target_lstat(t, side, &ss) == 0 && S_ISREG(ss.st_mode) && ss.st_size > 0)
			info->wal_pending = true;
	}
	r = read_all_hint(fd, F2B_DB_MAX, (size_t) st.st_size, &image, &len);
	if (r < 0)
		return r == -ENOMEM ? r : asprintf(&info->error, "%s", strerror(-r)) < 0 ? -ENOMEM : r;
	if (!(info->python_path = f2b_python_path(t)))
		return -ENOMEM;
	if (info->untrusted)
		r = (info->why_not_python = strdup("the database is not root's, or a directory a user can write holds it"))
			    ? -ENOEXEC
			    : -ENOMEM;
	else
		r = python_read(t, info, path, now, ret);
	if (r != -ENOEXEC) {
		if (r == 0)
			info->python = true;
		return r;
	}
	r = f2b_bans_from_image(image, len, now, ret, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		_cleanup_free_ char *shown = escape_display_trunc(err ? err : strerror(-r), 200);
		return asprintf(&info->error, "sshfix's own SQLite reader cannot read it: %s", shown ? shown : "?") < 0
			       ? -ENOMEM
			       : r;
	}
	return 0;
}

int f2b_unban(struct target *t, const char *python, const char *path, const void *image, size_t len,
	      const struct f2b_pair *pairs, size_t n_pairs, char **ret_data, size_t *ret_len, char **ret_version,
	      char **ret_why)
{
	static const char *const run_dirs[] = { "sshfix-f2b", NULL };
	const struct sandbox_opts opts = { .timeout_sec = 30, .run_dirs = run_dirs };
	_cleanup_strv_free_ char **args = NULL;
	_cleanup_free_ char *out = NULL, *version = NULL;
	struct sandbox_result res = {0};
	const char *why = NULL;
	char limit[24], hex[SHA256_HEX_LEN + 1];
	size_t new_len = 0, ps = 0, n_pages = 0;
	int r;

	*ret_why = NULL;
	snprintf(limit, sizeof(limit), "%u", (unsigned) CONFIG_MAX);
	if ((r = strv_push(&args, strdup(path))) < 0 || (r = strv_push(&args, strdup("/run/sshfix-f2b"))) < 0 ||
	    (r = strv_push(&args, strdup(limit))) < 0)
		return r;
	for (size_t i = 0; i < n_pairs; i++)
		for (int k = 0; k < 2; k++) {
			const char *s = k ? pairs[i].jail : pairs[i].ip;
			struct buf b = {0};
			for (const char *c = s; *c; c++)
				buf_printf(&b, "%02x", (unsigned char) *c);
			if (!buf_ok(&b) || (r = strv_push(&args, buf_steal(&b))) < 0)
				return -ENOMEM;
		}
	r = run_python(t, python, f2b_python_unban, (const char *const *) args, strv_length(args), &opts, &res, &why);
	if (r < 0)
		return r == -ENOMEM ? r : (*ret_why = strdup(why ? why : strerror(-r))) ? r : -ENOMEM;
	if (res.timed_out || res.exit_status != 0) {
		_cleanup_free_ char *last = last_line(res.output), *shown = last ? escape_display_trunc(last, 120) : NULL;
		r = asprintf(ret_why, "the target's python3 %s%s%s",
			     res.timed_out ? "did not finish in 30 s" : "failed", shown && *shown ? ": " : "", shown ? shown : "");
		sandbox_result_done(&res);
		return r < 0 ? -ENOMEM : -EIO;
	}

	/* Its output, line by line: every line as expected, or nothing is used. */
	sha256_hex(image, len, hex);
	const char *p = res.output, *end = res.output + res.output_len;
	unsigned step = 0;
	r = -EBADMSG;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t) (end - p)), *w[4];
		size_t wn[4];
		int k = nl ? words(p, (size_t) (nl - p), w, wn, 4) : -1;
		int64_t a = 0, b = 0;
		if (k < 2)
			break;
		if (step == 0 && k == 3 && wn[0] == 16 && memcmp(w[0], "sshfix-f2b-unban", 16) == 0 && wn[1] == 1 &&
		    w[1][0] == '1' && wn[2] <= 20 && strspn(w[2], "0123456789.") >= wn[2])
			version = strndup(w[2], wn[2]);
		else if (step == 1 && k == 3 && wn[0] == 3 && memcmp(w[0], "old", 3) == 0 && wn[1] == SHA256_HEX_LEN &&
			 memcmp(w[1], hex, SHA256_HEX_LEN) == 0 && parse_i64(w[2], wn[2], &a) && (uint64_t) a == len)
			;
		else if (step == 2 && k == 3 && wn[0] == 3 && memcmp(w[0], "new", 3) == 0 && wn[1] == SHA256_HEX_LEN &&
			 parse_i64(w[2], wn[2], &a) && a > 0 && a <= (int64_t) CONFIG_MAX) {
			new_len = (size_t) a;
			memcpy(hex, w[1], SHA256_HEX_LEN);
			if (!(out = calloc(1, new_len)))
				break;
			memcpy(out, image, len < new_len ? len : new_len);
		} else if (step == 3 && k == 2 && wn[0] == 7 && memcmp(w[0], "deleted", 7) == 0 && parse_i64(w[1], wn[1], &a))
			;
		else if (step == 4 && k == 2 && wn[0] == 8 && memcmp(w[0], "pagesize", 8) == 0 && parse_i64(w[1], wn[1], &a) &&
			 a >= 512 && a <= 65536 && !(a & (a - 1)))
			ps = (size_t) a;
		else if (step == 5 && k == 3 && wn[0] == 4 && memcmp(w[0], "page", 4) == 0 && parse_i64(w[1], wn[1], &b) &&
			 b >= 0 && (uint64_t) b < new_len / ps + 1 && (size_t) b * ps < new_len) {
			size_t off = (size_t) b * ps, n = new_len - off < ps ? new_len - off : ps;
			_cleanup_free_ char *bytes = NULL;
			size_t bn;
			if (wn[2] != 2 * n || unhex(w[2], wn[2], ps, &bytes, &bn) < 0)
				break;
			memcpy(out + off, bytes, n);
			n_pages++;
			step--;	/* more pages may follow */
		} else if (step == 5 && k == 2 && wn[0] == 3 && memcmp(w[0], "end", 3) == 0 && parse_i64(w[1], wn[1], &a) &&
			   (uint64_t) a == n_pages && nl + 1 == end) {
			r = 0;
			break;
		} else
			break;
		step++;
		p = nl + 1;
	}
	sandbox_result_done(&res);
	if (r < 0)
		return (*ret_why = strdup(!version ? "the target's python3 printed something unexpected"
					  : step == 1 ? "the database changed while it was read"
						      : "the changes the target's python3 made could not be carried back "
							"(too many, or not in the expected form)"))
			       ? r
			       : -ENOMEM;
	char got[SHA256_HEX_LEN + 1];
	sha256_hex(out, new_len, got);
	if (memcmp(got, hex, SHA256_HEX_LEN) != 0)
		return (*ret_why = strdup("the rebuilt database does not match what the target's python3 wrote")) ? -EBADMSG
														   : -ENOMEM;
	*ret_data = TAKE_PTR(out);
	*ret_len = new_len;
	*ret_version = TAKE_PTR(version);
	return 0;
}

/* ---------------------------------------------------------------- boot */

int f2b_starts_at_boot(struct units *c, struct target *t, char **ret_why)
{
	struct target_path init = {0};
	const struct unit *u;
	struct stat st;
	int r;

	r = target_resolve(t, "/sbin/init", 0, &init, NULL);
	if (r == -ENOMEM)
		return r;
	bool known = r == 0 && init.exists, systemd = known && streq(path_last(init.canon), "systemd");
	target_path_done(&init);
	/* No /sbin/init to go by (a root examined in parts): systemd if it is installed. */
	if (!known)
		systemd = target_stat(t, "/lib/systemd/systemd", &st) == 0 || target_stat(t, "/usr/lib/systemd/systemd", &st) == 0;
	if (!systemd) {
		/* SysV (rcN.d/S??fail2ban) or OpenRC (runlevels/default/fail2ban) */
		for (char lvl = '2'; lvl <= '5'; lvl++) {
			_cleanup_strv_free_ char **names = NULL;
			char dir[16];
			snprintf(dir, sizeof(dir), "/etc/rc%c.d", lvl);
			if (target_list_dir(t, dir, &names) < 0)
				continue;
			for (size_t i = 0; names[i]; i++)
				if (names[i][0] == 'S' && strstr(names[i], "fail2ban"))
					return ret_why && asprintf(ret_why, "%s/%s starts it", dir, names[i]) < 0 ? -ENOMEM : 1;
		}
		if (target_lstat(t, "/etc/runlevels/default/fail2ban", &st) == 0)
			return ret_why && !(*ret_why = strdup("/etc/runlevels/default/fail2ban starts it")) ? -ENOMEM : 1;
		return ret_why && !(*ret_why = strdup("no start link for fail2ban (SysV rc2.d-rc5.d, OpenRC)")) ? -ENOMEM : 0;
	}
	if (!c)
		return -ENOMEM;
	r = units_get(c, "fail2ban.service", &u);
	if (r < 0)
		return r;
	if (u->masked) {
		const struct unit_mask *m;
		size_t n = 0;
		r = units_masks(c, "fail2ban.service", &m, &n);
		if (r < 0)
			return r;
		return ret_why && asprintf(ret_why, "%s is masked", n ? m[0].path : "fail2ban.service") < 0 ? -ENOMEM : 0;
	}
	if (!u->path)
		return ret_why && !(*ret_why = strdup("there is no fail2ban.service")) ? -ENOMEM : 0;
	_cleanup_free_ char *why = NULL;
	r = units_starts_at_boot(c, u, &why);
	if (r < 0)
		return r;
	if (r == 1)
		return ret_why && asprintf(ret_why, "%s starts at boot", u->path) < 0 ? -ENOMEM : 1;
	return ret_why && asprintf(ret_why, "fail2ban.service (%s) is not enabled%s%s%s", u->path, why ? " (" : "",
				   why ? why : "", why ? ")" : "") < 0
		       ? -ENOMEM
		       : 0;
}
