/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run.h"
#include "units.h"
#include "util.h"

/* systemd's FOLLOW_MAX for alias links: one more and the unit fails with ELOOP. */
#define ALIAS_HOPS_MAX 64
/* Targets followed from default.target; a real system has about twenty. */
#define BOOT_TARGETS_MAX 256

/*
 * systemd 252's unit search path for the system manager (lookup_paths_init(),
 * `systemd-analyze unit-paths`), most important first.  The two vendor
 * directories go between the head and the tail, in the target's order.
 */
static const char *const search_head[] = {
	"/etc/systemd/system.control",	"/run/systemd/system.control", "/run/systemd/transient",
	"/run/systemd/generator.early", "/etc/systemd/system",	       "/etc/systemd/system.attached",
	"/run/systemd/system",		"/run/systemd/system.attached", "/run/systemd/generator",
	"/usr/local/lib/systemd/system",
};
static const char *const search_tail[] = { "/run/systemd/generator.late" };
#define N_SEARCH (ELEMENTSOF(search_head) + 2 + ELEMENTSOF(search_tail))

#define ETC_UNITS "/etc/systemd/system"
#define RUN_UNITS "/run/systemd/system"

/* One name looked up: how it resolves, and its masks. */
struct name_entry {
	char *name;
	struct unit_mask *masks;
	size_t n_masks;
	bool masked;		/* the first entry that counts is a mask */
	bool alias;		/* a link to a unit of another name */
	bool linked;		/* a link to a unit file outside the search path */
	bool generated;		/* found in a generator's directory */
	bool resolving;		/* on the current chain of aliases: a loop */
	struct unit *unit;
};

struct units {
	struct target *t;
	const char *vendor_first;
	const char *search[N_SEARCH];
	char **listing[N_SEARCH];	/* each search directory's names, sorted; NULL when missing */
	bool listed[N_SEARCH];
	struct name_entry **names;
	size_t n_names;
	struct unit **units;
	size_t n_units;
	/* Alias links in the search path: alias_from[i] leads to alias_to[i]. */
	bool aliases_read;
	char **alias_from, **alias_to;
	/* What the boot pulls in, and through what. */
	bool boot_read;
	char **boot_names, **boot_via;
	int have_systemd;	/* -1: not looked at yet */
};

static const char *const state_names[] = {
	[UNIT_STATE_NOT_FOUND] = "not-found",
	[UNIT_STATE_ENABLED] = "enabled",
	[UNIT_STATE_ENABLED_RUNTIME] = "enabled-runtime",
	[UNIT_STATE_LINKED] = "linked",
	[UNIT_STATE_ALIAS] = "alias",
	[UNIT_STATE_MASKED] = "masked",
	[UNIT_STATE_MASKED_RUNTIME] = "masked-runtime",
	[UNIT_STATE_STATIC] = "static",
	[UNIT_STATE_INDIRECT] = "indirect",
	[UNIT_STATE_DISABLED] = "disabled",
	[UNIT_STATE_GENERATED] = "generated",
	[UNIT_STATE_BAD] = "bad",
};

const char *unit_state_name(enum unit_state s)
{
	return (size_t) s < ELEMENTSOF(state_names) ? state_names[s] : "bad";
}

static const char *const unit_types[] = { ".service", ".socket", ".target", ".device", ".mount", ".automount",
					  ".swap", ".timer", ".path", ".slice", ".scope" };

/* ".service" for "ssh.service"; NULL for no known type. */
static const char *unit_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < ELEMENTSOF(unit_types); i++)
		if (streq(dot, unit_types[i]))
			return unit_types[i];
	return NULL;
}

bool unit_name_valid(const char *name)
{
	size_t n = strlen(name);
	const char *type = unit_type(name);

	/* WantedBy=, Alias= and link names become file names under /etc/systemd/system:
	 * garbage there must not make sshfix create garbage names. */
	if (n == 0 || n > 255 || !type || (size_t) (type - name) == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char) *p) && !strchr(":_.\\@-", *p))
			return false;
	return true;
}

/* ------------------------------------------------------------ lifetime */

static void unit_free(struct unit *u)
{
	if (!u)
		return;
	free(u->id);
	free(u->path);
	strv_free(u->names);
	for (size_t i = 0; i < u->n_files; i++)
		unit_file_done(&u->files[i]);
	free(u->files);
	free(u->error_path);
	free(u);
}

static void name_entry_free(struct name_entry *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_masks; i++) {
		free(e->masks[i].path);
		free(e->masks[i].link);
	}
	free(e->masks);
	free(e->name);
	free(e);
}

/* Which of /lib and /usr/lib the target's systemctl names in links: see units_vendor_dir(). */
static const char *vendor_dir_used(struct target *t)
{
	static const char *const wants[] = { "multi-user.target.wants", "sockets.target.wants", "timers.target.wants",
					     "sysinit.target.wants", "getty.target.wants" };
	int lib = 0, usr = 0;
	struct stat st;

	for (size_t i = 0; i < ELEMENTSOF(wants); i++) {
		_cleanup_free_ char *dir = path_join(ETC_UNITS, wants[i]);
		_cleanup_strv_free_ char **names = NULL;

		if (!dir || target_list_dir(t, dir, &names) < 0)
			continue;
		for (size_t k = 0; names[k]; k++) {
			_cleanup_free_ char *p = path_join(dir, names[k]), *text = NULL;
			if (!p || target_readlink(t, p, &text) < 0)
				continue;
			if (startswith(text, "/lib/systemd/system/"))
				lib++;
			else if (startswith(text, "/usr/lib/systemd/system/"))
				usr++;
		}
	}
	if (lib != usr)
		return lib > usr ? "/lib/systemd/system" : "/usr/lib/systemd/system";
	if (t->facts.family == DISTRO_DEBIAN && target_lstat(t, "/lib/systemd/system", &st) == 0)
		return "/lib/systemd/system";
	return "/usr/lib/systemd/system";
}

int units_new(struct target *t, struct units **ret)
{
	struct units *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->t = t;
	c->have_systemd = -1;
	*ret = c;
	return 0;
}

void units_free(struct units *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < N_SEARCH; i++)
		strv_free(c->listing[i]);
	for (size_t i = 0; i < c->n_names; i++)
		name_entry_free(c->names[i]);
	free(c->names);
	for (size_t i = 0; i < c->n_units; i++)
		unit_free(c->units[i]);
	free(c->units);
	strv_free(c->alias_from);
	strv_free(c->alias_to);
	strv_free(c->boot_names);
	strv_free(c->boot_via);
	free(c);
}

struct units *run_units(struct run *run)
{
	if (!run->model.units && units_new(run->target, &run->model.units) < 0)
		return NULL;
	return run->model.units;
}

const char *units_vendor_dir(struct units *c)
{
	if (!c->vendor_first) {
		/* On a merged /usr both vendor directories are one; the name
		 * this target's systemctl uses comes first, so a unit is named
		 * as `systemctl status` and the enable links name it. */
		size_t k = 0;
		c->vendor_first = vendor_dir_used(c->t);
		for (size_t i = 0; i < ELEMENTSOF(search_head); i++)
			c->search[k++] = search_head[i];
		c->search[k++] = c->vendor_first;
		c->search[k++] = streq(c->vendor_first, "/lib/systemd/system") ? "/usr/lib/systemd/system"
									     : "/lib/systemd/system";
		for (size_t i = 0; i < ELEMENTSOF(search_tail); i++)
			c->search[k++] = search_tail[i];
	}
	return c->vendor_first;
}

bool units_have_systemd(struct units *c)
{
	struct stat st;

	if (c->have_systemd < 0)
		c->have_systemd = target_lstat(c->t, "/lib/systemd/systemd", &st) == 0 ||
				  target_lstat(c->t, "/usr/lib/systemd/systemd", &st) == 0;
	return c->have_systemd > 0;
}

/* ------------------------------------------------------------ the search path */

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(char *const *) b);
}

/*
 * Does search directory d hold name?  Each directory is listed once, as
 * systemd's unit path cache does: most lookups are for names that exist
 * nowhere, and a listing answers them without a failed open each.
 */
static int list_dir(struct units *c, size_t d)
{
	if (!c->listed[d]) {
		int r = target_list_dir(c->t, c->search[d], &c->listing[d]);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			c->listing[d] = NULL;
		c->listed[d] = true;
	}
	return 0;
}

static int dir_has(struct units *c, size_t d, const char *name)
{
	int r = list_dir(c, d);

	if (r < 0)
		return r;
	return c->listing[d] && bsearch(&name, c->listing[d], strv_length(c->listing[d]), sizeof(char *), cmp_name);
}

/* Is abs (lexical, absolute) a name inside a search directory?  Then its last component is a unit name. */
static bool in_search_path(const struct units *c, const char *abs)
{
	for (size_t d = 0; d < N_SEARCH; d++)
		if (path_is_below(abs, c->search[d]) && !streq(abs, c->search[d]))
			return true;
	return false;
}

static bool is_generator_dir(const char *dir)
{
	return startswith(dir, "/run/systemd/generator");
}

static struct name_entry *name_find(struct units *c, const char *name)
{
	for (size_t i = 0; i < c->n_names; i++)
		if (streq(c->names[i]->name, name))
			return c->names[i];
	return NULL;
}

static struct unit *unit_find(struct units *c, const char *id)
{
	for (size_t i = 0; i < c->n_units; i++)
		if (streq(c->units[i]->id, id))
			return c->units[i];
	return NULL;
}

static int unit_add(struct units *c, const char *id, struct unit **ret)
{
	struct unit *u = calloc(1, sizeof(*u)), **nv;

	if (!u)
		return -ENOMEM;
	u->id = strdup(id);
	nv = realloc(c->units, (c->n_units + 1) * sizeof(*nv));
	if (!u->id || !nv || strv_ensure(&u->names) < 0) {
		if (nv)
			c->units = nv;
		unit_free(u);
		return -ENOMEM;
	}
	c->units = nv;
	c->units[c->n_units++] = u;
	*ret = u;
	return 0;
}

static void unit_set_error(struct unit *u, int error, const char *path, unsigned line)
{
	if (u->error != 0)
		return;
	u->error = error;
	u->error_line = line;
	free(u->error_path);
	u->error_path = path ? strdup(path) : NULL;
}

/*
 * Every alias link in the search path, once: a valid unit name whose first
 * entry in the path is a link to a unit of another name (of the same type)
 * in the path.  systemd builds the same map (unit_file_build_name_map()).
 */
static int read_aliases(struct units *c)
{
	if (c->aliases_read)
		return 0;
	c->aliases_read = true;
	units_vendor_dir(c);
	for (size_t d = 0; d < N_SEARCH; d++) {
		_cleanup_strv_free_ char **links = NULL;
		int r = list_dir(c, d);
		if (r < 0)
			return r;
		if (!c->listing[d])
			continue;
		/* Hundreds of unit files, a few dozen links: only links can be aliases. */
		r = target_list_links(c->t, c->search[d], &links);
		if (r < 0) {
			if (r == -ENOMEM)
				return r;
			continue;
		}
		for (size_t i = 0; links[i]; i++) {
			const char *name = links[i];
			_cleanup_free_ char *p = NULL, *text = NULL, *abs = NULL;
			bool earlier = false;

			if (!unit_name_valid(name))
				continue;
			for (size_t e = 0; e < d && !earlier; e++) {
				r = dir_has(c, e, name);
				if (r < 0)
					return r;
				earlier = r > 0;
			}
			if (earlier)
				continue;	/* an earlier directory decides this name */
			p = path_join(c->search[d], name);
			if (!p)
				return -ENOMEM;
			r = target_readlink(c->t, p, &text);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				continue;	/* no link: a unit file */
			abs = path_lexical(c->search[d], text);
			if (!abs)
				return -ENOMEM;
			const char *to = path_last(abs);
			if (!in_search_path(c, abs) || streq(to, name) || !unit_name_valid(to) ||
			    !streq(unit_type(to), unit_type(name)))
				continue;
			if (strv_push(&c->alias_from, strdup(name)) < 0 || strv_push(&c->alias_to, strdup(to)) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* Does the alias chain from `from` reach id (within the hop limit)? */
static bool alias_leads_to(const struct units *c, const char *from, const char *id)
{
	const char *n = from;

	for (unsigned hop = 0; hop < ALIAS_HOPS_MAX; hop++) {
		const char *next = NULL;
		for (size_t i = 0; c->alias_from && c->alias_from[i] && !next; i++)
			if (streq(c->alias_from[i], n))
				next = c->alias_to[i];
		if (!next)
			return false;
		if (streq(next, id))
			return true;
		n = next;
	}
	return false;
}

/*
 * The directories systemd reads for a unit's dependencies or drop-ins
 * (unit_file_find_dropin_paths()): for each of its names, in every search
 * directory, NAME+suffix, then the template's for an instance, then the
 * "-" prefixes ("a-b-c.service" -> "a-b-.service", "a-.service"); last the
 * type ("service.d"), the most generic.  Only directories that exist.
 */
static int add_dir_if(struct units *c, size_t d, const char *entry, char ***dirs)
{
	int r = dir_has(c, d, entry);

	if (r <= 0)
		return r;
	_cleanup_free_ char *p = path_join(c->search[d], entry);
	if (!p)
		return -ENOMEM;
	if (strv_contains(*dirs, p))
		return 0;
	return strv_push(dirs, TAKE_PTR(p));
}

static int find_dirs(struct units *c, size_t d, const char *name, const char *suffix, char ***dirs, unsigned depth)
{
	_cleanup_free_ char *entry = NULL, *prefix = NULL, *built = NULL;
	const char *type = unit_type(name);
	const char *at = strchr(name, '@');
	int r;

	if (!type || depth > 16)
		return 0;
	if (asprintf(&entry, "%s%s", name, suffix) < 0)
		return -ENOMEM;
	r = add_dir_if(c, d, entry, dirs);
	if (r < 0)
		return r;
	/* An instance also reads its template's: "getty@tty1.service" -> "getty@.service". */
	if (at && at + 1 != type) {
		_cleanup_free_ char *tmpl = NULL;
		if (asprintf(&tmpl, "%.*s@%s%s", (int) (at - name), name, type, suffix) < 0)
			return -ENOMEM;
		r = add_dir_if(c, d, tmpl, dirs);
		if (r < 0)
			return r;
	}
	/* The "-" prefixes, from the longest: systemd's unit_file_find_dirs(). */
	prefix = strndup(name, (size_t) ((at ? at : type) - name));
	if (!prefix)
		return -ENOMEM;
	bool chopped = false;
	for (;;) {
		char *dash = strrchr(prefix, '-');
		if (!dash || dash == prefix)
			return 0;
		if (dash[1] != '\0' || chopped) {
			dash[1] = '\0';
			break;
		}
		*dash = '\0';	/* a trailing dash: chop it and look again, once */
		chopped = true;
	}
	if (asprintf(&built, "%s%s", prefix, type) < 0)
		return -ENOMEM;
	return find_dirs(c, d, built, suffix, dirs, depth + 1);
}

static int unit_dirs(struct units *c, char *const *names, const char *suffix, char ***ret)
{
	_cleanup_strv_free_ char **dirs = NULL;
	int r;

	units_vendor_dir(c);
	for (size_t n = 0; names[n]; n++)
		for (size_t d = 0; d < N_SEARCH; d++) {
			r = find_dirs(c, d, names[n], suffix, &dirs, 0);
			if (r < 0)
				return r;
		}
	const char *type = names[0] ? unit_type(names[0]) : NULL;
	if (type) {
		_cleanup_free_ char *top = NULL;
		if (asprintf(&top, "%s%s", type + 1, suffix) < 0)
			return -ENOMEM;
		for (size_t d = 0; d < N_SEARCH; d++) {
			r = add_dir_if(c, d, top, &dirs);
			if (r < 0)
				return r;
		}
	}
	if (strv_ensure(&dirs) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(dirs);
	return 0;
}

/*
 * Read and parse one file of u into u->files.  The fragment is always
 * added (files[0]) and its error is the unit's: systemd cannot load the
 * unit.  A drop-in that is a mask, or cannot be read, gives nothing, and
 * its error stays its own: systemd ignores what config_parse() says about
 * a drop-in.
 */
static int unit_read_file(struct units *c, struct unit *u, const char *path, bool fragment)
{
	_cleanup_free_ char *text = NULL;
	struct unit_file f = {0};
	size_t len = 0;
	int r;

	r = target_read_file(c->t, path, CONFIG_MAX, &text, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (!fragment)
			return 0;
		f.path = strdup(path);
		if (!f.path)
			return -ENOMEM;
		f.error = r;
	} else {
		r = unit_file_parse(path, text, len, &f);
		if (r < 0)
			return r;
	}
	struct unit_file *nv = realloc(u->files, (u->n_files + 1) * sizeof(*nv));
	if (!nv) {
		unit_file_done(&f);
		return -ENOMEM;
	}
	u->files = nv;
	u->files[u->n_files++] = f;
	if (fragment && f.error)
		unit_set_error(u, f.error, f.path, f.error_line);
	return 0;
}

/* The unit id with its fragment at path (NULL: none): names, fragment, drop-ins. */
static int unit_load(struct units *c, const char *id, const char *path, struct unit **ret)
{
	_cleanup_strv_free_ char **dirs = NULL, **dropins = NULL;
	struct unit *u = unit_find(c, id);
	int r;

	if (u) {
		*ret = u;
		return 0;
	}
	r = unit_add(c, id, &u);
	if (r < 0)
		return r;
	*ret = u;
	if (strv_push(&u->names, strdup(id)) < 0)
		return -ENOMEM;
	if (!path)
		return 0;
	u->path = strdup(path);
	if (!u->path)
		return -ENOMEM;
	r = unit_read_file(c, u, path, true);
	if (r < 0)
		return r;
	/* Its aliases' drop-ins apply too: Debian's sshd.service.d/ for ssh.service. */
	r = read_aliases(c);
	if (r < 0)
		return r;
	_cleanup_strv_free_ char **aliases = NULL;
	for (size_t i = 0; c->alias_from && c->alias_from[i]; i++)
		if (alias_leads_to(c, c->alias_from[i], id) && strv_push(&aliases, strdup(c->alias_from[i])) < 0)
			return -ENOMEM;
	strv_sort(aliases);
	for (size_t i = 0; aliases && aliases[i]; i++)
		if (strv_push(&u->names, strdup(aliases[i])) < 0)
			return -ENOMEM;
	r = unit_dirs(c, u->names, ".d", &dirs);
	if (r < 0)
		return r;
	/* Flags 0 but hidden names, as systemd reads drop-ins: the first entry of a
	 * name wins, and a /dev/null link there hides it (it reads as empty). */
	r = confdirs_list(c->t, (const char *const *) dirs, ".conf", CONFDIRS_SKIP_HIDDEN, &dropins, NULL);
	if (r == -E2BIG) {
		unit_set_error(u, r, dirs[0], 0);	/* a hostile drop-in directory */
		return 0;
	}
	if (r < 0)
		return r;
	for (size_t i = 0; dropins[i]; i++) {
		r = unit_read_file(c, u, dropins[i], false);
		if (r < 0)
			return r;
	}
	return 0;
}

static int push_mask(struct name_entry *e, const char *path, char *link, enum conf_mask kind, bool runtime)
{
	struct unit_mask *nv = realloc(e->masks, (e->n_masks + 1) * sizeof(*nv));

	if (!nv) {
		free(link);
		return -ENOMEM;
	}
	e->masks = nv;
	nv[e->n_masks] = (struct unit_mask) { strdup(path), link, kind, runtime };
	if (!nv[e->n_masks].path) {
		free(link);
		return -ENOMEM;
	}
	e->n_masks++;
	return 0;
}

/*
 * Resolve name along the search path, as systemd's name map does: the first
 * entry that counts decides (a mask, a unit file, a link to a unit file
 * outside the path, an alias); a link to itself, one that leads nowhere and
 * anything but a file are ignored.  Beneath a mask the search goes on for
 * the file unmasking would uncover (aliases there are not followed), and
 * every mask of the name is recorded, also below what decided: `systemctl
 * unmask` removes them all.  Returns 0 with *ret, -ELOOP when name is on
 * the chain being resolved, or -ENOMEM.
 */
static int resolve(struct units *c, const char *name, unsigned hops, struct name_entry **ret)
{
	struct name_entry *e = name_find(c, name), **nv;
	_cleanup_free_ char *fragment = NULL;
	bool decided = false;
	int r;

	if (e) {
		*ret = e;
		return e->resolving ? -ELOOP : 0;
	}
	e = calloc(1, sizeof(*e));
	nv = realloc(c->names, (c->n_names + 1) * sizeof(*nv));
	if (nv)
		c->names = nv;
	if (!e || !nv || !(e->name = strdup(name))) {
		name_entry_free(e);
		return -ENOMEM;
	}
	c->names[c->n_names++] = e;
	*ret = e;
	units_vendor_dir(c);

	e->resolving = true;
	for (size_t d = 0; d < N_SEARCH; d++) {
		_cleanup_free_ char *p = NULL, *link = NULL, *text = NULL, *abs = NULL;
		struct stat st;

		r = dir_has(c, d, name);
		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		p = path_join(c->search[d], name);
		if (!p)
			return -ENOMEM;
		if (target_lstat(c->t, p, &st) < 0)
			continue;
		r = confdirs_mask_kind(c->t, p, &link);
		if (r < 0)
			return r;
		if (r != CONF_MASK_NONE) {
			r = push_mask(e, p, TAKE_PTR(link), r, startswith(c->search[d], "/run/"));
			if (r < 0)
				return r;
			e->masked |= !decided;
			decided = true;
			continue;
		}
		if (fragment || e->unit)
			continue;	/* decided: only masks are looked for */
		if (S_ISREG(st.st_mode)) {
			fragment = TAKE_PTR(p);
			e->generated = !decided && is_generator_dir(c->search[d]);
			decided = true;
			continue;
		}
		if (!S_ISLNK(st.st_mode))
			continue;
		r = target_readlink(c->t, p, &text);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		abs = path_lexical(c->search[d], text);
		if (!abs)
			return -ENOMEM;
		if (!in_search_path(c, abs)) {
			/* `systemctl link`: the file elsewhere, loaded under this name. */
			if (target_stat(c->t, p, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			fragment = TAKE_PTR(p);
			e->linked = !decided;
			decided = true;
			continue;
		}
		const char *to = path_last(abs);
		if (streq(to, name) || !unit_name_valid(to) || !streq(unit_type(to), unit_type(name)) || decided)
			continue;	/* a self-alias, a bad one, or an alias beneath a mask */
		struct name_entry *te = NULL;
		r = hops >= ALIAS_HOPS_MAX ? -ELOOP : resolve(c, to, hops + 1, &te);
		if (r == -ENOMEM)
			return r;
		e->alias = true;
		decided = true;
		if (r == -ELOOP) {
			r = unit_load(c, name, NULL, &e->unit);
			if (r < 0)
				return r;
			unit_set_error(e->unit, -ELOOP, p, 0);
		} else
			e->unit = te->unit;
	}
	e->resolving = false;
	if (!e->unit) {
		r = unit_load(c, name, fragment, &e->unit);
		if (r < 0)
			return r;
	}
	if (!e->alias)
		e->unit->masked = e->masked;
	return 0;
}

/* The loaded entry of a valid name: 0, -EINVAL, or -ENOMEM. */
static int entry_of(struct units *c, const char *name, struct name_entry **ret)
{
	struct name_entry *e;
	int r;

	if (!c)
		return -ENOMEM;
	if (!unit_name_valid(name))
		return -EINVAL;
	r = resolve(c, name, 0, &e);
	if (r < 0)
		return r;
	if (!e->unit)
		return -ENOMEM;	/* left half-made by an earlier failure */
	*ret = e;
	return 0;
}

int units_get(struct units *c, const char *name, const struct unit **ret)
{
	struct name_entry *e;
	int r;

	r = entry_of(c, name, &e);
	if (r < 0)
		return r;
	*ret = e->unit;
	return 0;
}

int units_masks(struct units *c, const char *name, const struct unit_mask **ret, size_t *ret_n)
{
	struct name_entry *e;
	int r;

	r = entry_of(c, name, &e);
	if (r < 0)
		return r;
	*ret = e->masks;
	*ret_n = e->n_masks;
	return 0;
}

/* ------------------------------------------------------------ settings */

int unit_values(const struct unit *u, const char *section, const char *key, unsigned flags, struct uvals *ret)
{
	_cleanup_uvals_ struct uvals acc = {0};
	/* systemd reads [Install] from the fragment alone. */
	size_t n = u->path && streq(section, "Install") ? 1 : u->n_files;

	for (size_t i = 0; i < n && i < u->n_files; i++) {
		int r = unit_file_collect(&u->files[i], section, key, flags, &acc);
		if (r < 0)
			return r;
	}
	*ret = acc;
	acc = (struct uvals) {0};
	return 0;
}

int unit_install_values(const struct unit *u, const char *key, struct uvals *ret)
{
	int r = unit_values(u, "Install", key, UV_WORDS, ret);
	size_t k = 0;

	if (r < 0)
		return r;
	for (size_t i = 0; i < ret->n; i++) {
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = streq(ret->v[j].value, ret->v[i].value);
		if (unit_name_valid(ret->v[i].value) && !dup) {
			ret->v[k++] = ret->v[i];
			continue;
		}
		free(ret->v[i].value);
		free(ret->v[i].file);
	}
	ret->n = k;
	return 0;
}

/* Does the link at path start a unit: it must lead to a non-empty regular file. */
static bool link_enables(struct target *t, const char *path)
{
	struct stat st;

	return target_stat(t, path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

int units_install_linked(struct units *c, const struct unit *u, char **ret_why)
{
	_cleanup_uvals_ struct uvals wanted = {0}, required = {0}, alias = {0};
	_cleanup_free_ char *dangling = NULL;
	struct stat st;
	int r;

	if ((r = unit_install_values(u, "WantedBy", &wanted)) < 0 || (r = unit_install_values(u, "RequiredBy", &required)) < 0 ||
	    (r = unit_install_values(u, "Alias", &alias)) < 0)
		return r;
	if (wanted.n == 0 && required.n == 0)
		return 2;
	units_vendor_dir(c);
	for (int pass = 0; pass < 2; pass++) {
		const struct uvals *by = pass == 0 ? &wanted : &required;
		const char *suffix = pass == 0 ? ".wants" : ".requires";
		for (size_t i = 0; i < by->n; i++)
			for (size_t d = 0; d < N_SEARCH; d++) {
				_cleanup_free_ char *dir = NULL;
				if (asprintf(&dir, "%s%s", by->v[i].value, suffix) < 0)
					return -ENOMEM;
				r = dir_has(c, d, dir);
				if (r < 0)
					return r;
				for (size_t a = 0; r > 0 && a <= alias.n; a++) {
					_cleanup_free_ char *p = NULL;
					if (asprintf(&p, "%s/%s/%s", c->search[d], dir, a == 0 ? u->id : alias.v[a - 1].value) < 0)
						return -ENOMEM;
					if (link_enables(c->t, p))
						return 1;
					if (!dangling && target_lstat(c->t, p, &st) == 0)
						dangling = TAKE_PTR(p);
				}
			}
	}
	if (dangling)
		r = asprintf(ret_why, "%s does not lead to a unit file", dangling);
	else
		r = asprintf(ret_why, "no %s/%s%s/%s", ETC_UNITS, wanted.n ? wanted.v[0].value : required.v[0].value,
			     wanted.n ? ".wants" : ".requires", u->id);
	return r < 0 ? -ENOMEM : 0;
}

/* Is there a link in <config>/X.wants|.requires|.upholds/ named as one of u's names or an Alias=? */
static int linked_in(struct units *c, const char *config, const struct unit *u, const struct uvals *alias)
{
	static const char *const kinds[] = { ".wants", ".requires", ".upholds" };
	_cleanup_strv_free_ char **subdirs = NULL, **names = NULL;
	int r;

	r = target_list_dir(c->t, config, &subdirs);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for (size_t i = 0; u->names[i]; i++)
		if (strv_push(&names, strdup(u->names[i])) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < alias->n; i++)
		if (strv_push(&names, strdup(alias->v[i].value)) < 0)
			return -ENOMEM;
	for (size_t i = 0; subdirs[i]; i++) {
		bool kind = false;
		size_t n = strlen(subdirs[i]);
		for (size_t k = 0; k < ELEMENTSOF(kinds); k++)
			kind |= n > strlen(kinds[k]) && streq(subdirs[i] + n - strlen(kinds[k]), kinds[k]);
		for (size_t a = 0; kind && names && names[a]; a++) {
			_cleanup_free_ char *p = NULL, *text = NULL;
			if (asprintf(&p, "%s/%s/%s", config, subdirs[i], names[a]) < 0)
				return -ENOMEM;
			r = target_readlink(c->t, p, &text);
			if (r == -ENOMEM)
				return r;
			if (r == 0)
				return 1;
		}
	}
	return 0;
}

int units_state(struct units *c, const char *name, enum unit_state *ret)
{
	_cleanup_uvals_ struct uvals wanted = {0}, required = {0}, upheld = {0}, alias = {0}, also = {0};
	struct name_entry *e;
	const struct unit *u;
	int r;

	r = entry_of(c, name, &e);
	if (r < 0)
		return r;
	u = e->unit;
	if (e->masked) {
		*ret = e->masks[0].runtime ? UNIT_STATE_MASKED_RUNTIME : UNIT_STATE_MASKED;
		return 0;
	}
	if (u->error) {
		*ret = UNIT_STATE_BAD;
		return 0;
	}
	if (!u->path) {
		*ret = UNIT_STATE_NOT_FOUND;
		return 0;
	}
	if (e->alias) {
		*ret = UNIT_STATE_ALIAS;
		return 0;
	}
	if (e->generated) {
		*ret = UNIT_STATE_GENERATED;
		return 0;
	}
	if ((r = unit_install_values(u, "WantedBy", &wanted)) < 0 || (r = unit_install_values(u, "RequiredBy", &required)) < 0 ||
	    (r = unit_install_values(u, "UpheldBy", &upheld)) < 0 || (r = unit_install_values(u, "Alias", &alias)) < 0 ||
	    (r = unit_install_values(u, "Also", &also)) < 0)
		return r;
	r = linked_in(c, ETC_UNITS, u, &alias);
	if (r > 0) {
		*ret = UNIT_STATE_ENABLED;
		return 0;
	}
	if (r == 0)
		r = linked_in(c, RUN_UNITS, u, &alias);
	if (r < 0)
		return r;
	if (r > 0)
		*ret = UNIT_STATE_ENABLED_RUNTIME;
	else if (e->linked)
		*ret = UNIT_STATE_LINKED;
	else if (wanted.n || required.n || upheld.n || alias.n)
		*ret = UNIT_STATE_DISABLED;
	else if (also.n)
		*ret = UNIT_STATE_INDIRECT;
	else
		*ret = UNIT_STATE_STATIC;
	return 0;
}

/* ------------------------------------------------------------ the boot */

static int boot_pull(struct units *c, const char *name, const char *via, char ***queue)
{
	if (strv_contains(c->boot_names, name))
		return 0;
	if (strv_push(&c->boot_names, strdup(name)) < 0 || strv_push(&c->boot_via, strdup(via)) < 0)
		return -ENOMEM;
	if (streq(unit_type(name), ".target") && !strv_contains(*queue, name))
		return strv_push(queue, strdup(name));
	return 0;
}

/* What target u pulls in: its .wants/.requires/.upholds links, and Wants= and friends. */
static int boot_follow(struct units *c, const struct unit *u, char ***queue)
{
	static const char *const dir_kinds[] = { ".wants", ".requires", ".upholds" };
	static const char *const keys[] = { "Wants", "Requires", "BindsTo", "Upholds" };
	struct stat st;
	int r;

	for (size_t k = 0; k < ELEMENTSOF(dir_kinds); k++) {
		_cleanup_strv_free_ char **dirs = NULL, **links = NULL;
		r = unit_dirs(c, u->names, dir_kinds[k], &dirs);
		if (r < 0)
			return r;
		r = confdirs_list(c->t, (const char *const *) dirs, NULL, CONFDIRS_SKIP_HIDDEN, &links, NULL);
		if (r == -E2BIG)
			continue;
		if (r < 0)
			return r;
		for (size_t i = 0; links[i]; i++) {
			const char *name = path_last(links[i]);
			/* systemd takes only links, by their names, and skips masks and ones it cannot follow. */
			if (!unit_name_valid(name) || target_lstat(c->t, links[i], &st) < 0 || !S_ISLNK(st.st_mode) ||
			    !link_enables(c->t, links[i]))
				continue;
			r = boot_pull(c, name, links[i], queue);
			if (r < 0)
				return r;
		}
	}
	for (size_t k = 0; k < ELEMENTSOF(keys); k++) {
		_cleanup_uvals_ struct uvals v = {0};
		r = unit_values(u, "Unit", keys[k], UV_WORDS, &v);
		for (size_t i = 0; r >= 0 && i < v.n; i++) {
			_cleanup_free_ char *via = NULL;
			if (!unit_name_valid(v.v[i].value))
				continue;
			if (asprintf(&via, "%s:%u: %s=%s", v.v[i].file, v.v[i].line, keys[k], v.v[i].value) < 0)
				return -ENOMEM;
			r = boot_pull(c, v.v[i].value, via, queue);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int boot_read(struct units *c)
{
	_cleanup_strv_free_ char **queue = NULL;
	const struct unit *def;
	bool fallback = false;
	size_t n_start;
	int r;

	if (c->boot_read)
		return 0;
	c->boot_read = true;
	r = units_get(c, "default.target", &def);
	if (r < 0)
		return r;
	if (def->path && !def->masked && def->error == 0)
		r = strv_push(&queue, strdup(def->id));
	else {
		/* No default.target: a root without systemd's own units.  Start where
		 * every distribution's default leads, without their unit files. */
		fallback = true;
		r = strv_push(&queue, strdup("multi-user.target"));
		if (r >= 0)
			r = strv_push(&queue, strdup("graphical.target"));
	}
	if (r < 0)
		return r;
	n_start = strv_length(queue);
	for (size_t i = 0; i < strv_length(queue) && i < BOOT_TARGETS_MAX; i++) {
		const struct unit *u;
		r = units_get(c, queue[i], &u);
		if (r == -ENOMEM)
			return r;
		/* A masked target, or one with no unit file, is not started (but
		 * the fallback's start, which a partial root lacks, is followed). */
		if (r < 0 || u->masked || u->error == -ELOOP || (!u->path && !(fallback && i < n_start)))
			continue;
		r = boot_follow(c, u, &queue);
		if (r < 0)
			return r;
	}
	return 0;
}

int units_wanted_at_boot(struct units *c, const char *name, char **ret_via)
{
	const struct unit *u;
	int r;

	if (!c)
		return -ENOMEM;
	r = units_get(c, name, &u);
	if (r < 0)
		return r == -EINVAL ? 0 : r;
	if (u->masked)
		return 0;
	r = boot_read(c);
	if (r < 0)
		return r;
	for (size_t i = 0; c->boot_names && c->boot_names[i]; i++)
		if (streq(c->boot_names[i], name) || strv_contains(u->names, c->boot_names[i])) {
			if (ret_via && !(*ret_via = strdup(c->boot_via[i])))
				return -ENOMEM;
			return 1;
		}
	return 0;
}

/* ------------------------------------------------------------ the ssh unit */

int units_ssh_service(struct units *c, const struct unit **ret)
{
	/* Debian and Ubuntu call it ssh.service (with an sshd.service alias), the others sshd.service (RULES §11.1). */
	static const char *const names[] = { "ssh.service", "sshd.service" };

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		const struct unit *u;
		int r = units_get(c, names[i], &u);
		if (r < 0)
			return r;
		if (u->path) {
			*ret = u;
			return 1;
		}
	}
	return 0;
}

int unit_runtime_dirs(const struct unit *u, char ***ret)
{
	_cleanup_uvals_ struct uvals v = {0};
	_cleanup_strv_free_ char **dirs = NULL;
	int r;

	r = unit_values(u, "Service", "RuntimeDirectory", UV_WORDS, &v);
	if (r < 0)
		return r;
	for (size_t i = 0; i < v.n; i++) {
		const char *word = v.v[i].value;
		/* systemd refuses names that leave /run; so do we. */
		if (strstr(word, "..") || word[0] == '/' || strv_contains(dirs, word))
			continue;
		if (strv_push(&dirs, strdup(word)) < 0)
			return -ENOMEM;
	}
	if (strv_ensure(&dirs) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(dirs);
	return 0;
}

int units_sshd_run_dirs(struct units *c, const char *privsep_dir, char ***ret)
{
	_cleanup_strv_free_ char **dirs = NULL;
	const struct unit *u;
	const char *rel = NULL;
	int r;

	r = units_ssh_service(c, &u);
	if (r < 0)
		return r;
	if (r > 0 && (r = unit_runtime_dirs(u, &dirs)) < 0)
		return r;
	if (privsep_dir)
		rel = startswith(privsep_dir, "/run/")	       ? privsep_dir + 5
		      : startswith(privsep_dir, "/var/run/") ? privsep_dir + 9
							     : NULL;
	if (rel && *rel && !strv_contains(dirs, rel) && tmpfiles_creates_dir(c->t, privsep_dir, NULL) > 0 &&
	    strv_push(&dirs, strdup(rel)) < 0)
		return -ENOMEM;
	if (strv_ensure(&dirs) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(dirs);
	return 0;
}

/* ------------------------------------------------------------ nologin */

int units_starts_at_boot(struct units *c, const struct unit *u, char **ret_why)
{
	_cleanup_free_ char *why = NULL;
	int r, w;

	r = units_install_linked(c, u, &why);
	if (r < 0 || r == 1)
		return r;
	w = units_wanted_at_boot(c, u->id, NULL);
	if (w != 0)
		return w < 0 ? w : 1;
	if (r == 0 && ret_why)
		*ret_why = TAKE_PTR(why);
	return r;
}

/* Where systemd installs the program systemd-user-sessions.service runs. */
static const char *const user_sessions_programs[] = {
	"/usr/lib/systemd/systemd-user-sessions",
	"/lib/systemd/systemd-user-sessions",
};

int units_clears_nologin(struct units *c, char **ret_why)
{
	struct target_path init = {0};
	_cleanup_free_ char *via = NULL;
	const struct unit *u;
	int r;

	/* systemd is the init the kernel starts. */
	r = target_resolve(c->t, "/sbin/init", 0, &init, NULL);
	if (r == -ENOMEM)
		return r;
	bool systemd = r == 0 && init.exists && S_ISREG(init.st.st_mode) && streq(path_last(init.canon), "systemd");
	target_path_done(&init);
	if (!systemd)
		return 0;
	r = units_get(c, "systemd-user-sessions.service", &u);
	if (r < 0)
		return r;
	if (!u->path || u->masked || u->error == -ELOOP)
		return 0;
	/* Pulled in at every boot: systemd ships the multi-user.target.wants link (static). */
	r = units_wanted_at_boot(c, u->id, &via);
	if (r <= 0)
		return r;
	/* What it removes is the program's to say: up to systemd 253 it unlinks
	 * /run/nologin and /etc/nologin, from 254 (and in backports) only
	 * /run/nologin (systemd PR #26981).  Debian 12's binary (252) holds both
	 * paths, Debian 13's (257) only /run/nologin.  A program we cannot read
	 * leaves the unit's word. */
	for (size_t i = 0; i < ELEMENTSOF(user_sessions_programs); i++) {
		r = target_file_holds_string(c->t, user_sessions_programs[i], "/etc/nologin");
		if (r == -ENOMEM)
			return r;
		if (r == 0)
			return 0;
		if (r == 1)
			break;
	}
	if (ret_why && asprintf(ret_why, "systemd-user-sessions.service (%s, pulled in by %s) removes it at every boot",
				u->path, via) < 0)
		return -ENOMEM;
	return 1;
}

int units_ssh_runtime_dirs(struct target *t, char ***ret_dirs, char **ret_unit)
{
	_cleanup_strv_free_ char **dirs = NULL;
	_cleanup_free_ char *path = NULL;
	struct units *c;
	const struct unit *u;
	int r;

	r = units_new(t, &c);
	if (r < 0)
		return r;
	r = units_ssh_service(c, &u);
	if (r > 0) {
		r = unit_runtime_dirs(u, &dirs);
		if (r >= 0 && !(path = strdup(u->path)))
			r = -ENOMEM;
	}
	units_free(c);
	if (r < 0)
		return r;
	if (strv_ensure(&dirs) < 0)
		return -ENOMEM;
	*ret_dirs = TAKE_PTR(dirs);
	if (ret_unit)
		*ret_unit = TAKE_PTR(path);
	return 0;
}

int units_boot_clears_nologin(struct target *t, char **ret_why)
{
	struct units *c;
	int r;

	r = units_new(t, &c);
	if (r < 0)
		return r;
	r = units_clears_nologin(c, ret_why);
	units_free(c);
	return r;
}

int units_boot_starts(struct units *c, const char *name, const struct unit **ret)
{
	_cleanup_free_ char *why = NULL;
	const struct unit *u;
	int r;

	r = units_get(c, name, &u);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if (!u->path || u->masked || u->error)
		return 0;
	r = units_starts_at_boot(c, u, &why);
	if (r < 0)
		return r;
	*ret = u;
	return r == 1;
}
