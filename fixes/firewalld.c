/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * firewalld: the zones firewalld.service loads at boot, and whether they let
 * a new connection to sshd's ports through (RULES §8.5, issue 12).
 *
 * Only when firewalld.service starts at boot (src/units.h).  The ports are
 * the listen set's, for --from or for any address that is not local, over
 * IPv4 and IPv6 (src/fwcommon.h); every zone such a connection can arrive
 * in is judged (src/firewalld.h): the zone of a matching <source>, else
 * the zone of each interface that has one and the default zone.  Each
 * verdict is checked by the kernel too: the target's own firewalld, started
 * on a private system bus in the probe's network namespace (src/netprobe.h),
 * builds its ruleset and a real SYN is sent from the other end of a veth,
 * before the change and with the planned zone file in place.  The probe's
 * interface is eth0, so the kernel answers for the zone firewalld alone
 * gives eth0 (a <source>, a zone's <interface>, else the default zone;
 * NetworkManager is not there to name another); the other zones have the
 * static verdict, and the report says which is which.  Where they differ,
 * the kernel wins.
 *
 *  - firewalld-blocks: a zone drops or rejects the connection.  Repair, in
 *    the zone's file under /etc/firewalld/zones (a copy of /usr/lib's when
 *    there is none): what "firewall-offline-cmd --zone=Z --add-service=ssh"
 *    writes (--add-port=P/tcp for another port; with --from, or before a
 *    drop/reject rich rule, a rich rule accepting the port from that address
 *    with a priority before the rule).  The target's own
 *    firewall-offline-cmd makes the change in the sandbox, on a copy of
 *    /etc/firewalld; where it cannot run, sshfix adds the one element
 *    itself.  Either way the result is judged again, by sshfix and by the
 *    kernel, and used only when the zone then accepts.  Never a changed
 *    target, default zone or removed rule.
 *  - firewalld-file-unsafe: firewalld reads, as root at every boot, a file a
 *    user can change.  Report only; such a file is never read (when the
 *    link or directory could lead to a secret) nor rewritten.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "addresses.h"
#include "firewalld.h"
#include "fixes.h"
#include "fwcommon.h"
#include "listen_set.h"
#include "netprobe.h"
#include "run.h"
#include "sandbox.h"
#include "units.h"
#include "util.h"

#define PACKETS_MAX 64
#define ZONES_MAX 16

/* This family's problems: each code is its row's index in firewalld_problems[]. */
enum problem_code {
	PR_FIREWALLD_BLOCKS,
	PR_FIREWALLD_FILE_UNSAFE,
};

static const struct problem firewalld_problems[] = {
	{ PR_FIREWALLD_BLOCKS, "firewalld-blocks", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "firewalld.service starts at every boot and sends each new connection to one zone: the zone of its source "
	  "address, else of its interface, else the default zone. There its rich rules, services and ports are "
	  "tried, then the zone's target: \"default\" and %%REJECT%% reject (\"Connection refused\" or \"No route to "
	  "host\"), DROP drops (\"Connection timed out\"). The repair adds what \"firewall-offline-cmd "
	  "--zone=ZONE --add-service=ssh\" adds (--add-port=PORT/tcp for another port; a rich rule for --from or "
	  "to come before a rule that drops) to /etc/firewalld/zones/ZONE.xml; nothing else in the zone changes. "
	  "RULES §8.5" },
	{ PR_FIREWALLD_FILE_UNSAFE, "firewalld-file-unsafe", SEV_WARNING, PF_REPORT_ONLY,
	  "{path}: {detail}",
	  "firewalld runs as root and reads its zones, services and policies at every boot: a user who can change "
	  "one of these files (owns it, or can write it or the directory that holds it) decides what the firewall "
	  "lets in. Make it and its directory root's and not writable by others; sshfix does not rewrite such a "
	  "file. RULES §8.5" },
	{ .id = NULL },
};

struct planned {
	char *path, *data;
	size_t len;
};

/* A finding made for a zone, and what its repair writes. */
struct zone_finding {
	struct finding *f;
	struct fixdata *d;
	const char *zone, *zone_file;	/* owned by the config */
	bool pk[PACKETS_MAX];	/* the packets it blocks */
	const char *verdict;	/* "drops", "rejects" */
	char *tail;		/* the detail after the ports: "from ... in zone ...: why" */
};

struct state {
	struct fw_packet pk[PACKETS_MAX];
	size_t n_pk;
	char **unsafe;		/* path, why, ... */
	struct planned plan;	/* the zone file being planned, read in place of the target's */
	/* the kernel: firewalld started in the probe's namespace, on its eth0 */
	struct netprobe_port_result now[PACKETS_MAX], after[PACKETS_MAX];
	bool probed, probed_after;
	char *probe_error, *probe_after_error;
	const char *probe_zone[PACKETS_MAX];	/* the zone the probe's interface puts each packet in there */
	const char *ifname;			/* the probe's interface: the target's one, else "eth0" */
	struct zone_finding zf[ZONES_MAX];
	size_t n_zf;
};

struct reader_ctx {
	struct target *t;
	struct state *s;
};

static int rd_read(void *ud, const char *path, char **ret_data, size_t *ret_len)
{
	struct reader_ctx *c = ud;
	const char *why = NULL;
	bool refused = false;
	int r;

	if (c->s->plan.path && streq(c->s->plan.path, path)) {
		if (!(*ret_data = malloc(c->s->plan.len + 1)))
			return -ENOMEM;
		memcpy(*ret_data, c->s->plan.data, c->s->plan.len);
		(*ret_data)[c->s->plan.len] = '\0';
		*ret_len = c->s->plan.len;
		return 0;
	}
	r = fw_read_root_file(c->t, path, ret_data, ret_len, &why, &refused);
	if (why && !strv_contains(c->s->unsafe, path)) {
		char *detail = NULL;
		int k = strv_push(&c->s->unsafe, strdup(path));
		if (k >= 0 && asprintf(&detail, "firewalld reads it at every boot, and %s", why) < 0)
			detail = NULL;
		if (k < 0 || (k = strv_push(&c->s->unsafe, detail)) < 0) {
			if (r >= 0)
				free(*ret_data);
			return k;
		}
	}
	return r;
}

static int rd_glob(void *ud, const char *pattern, char ***ret)
{
	struct reader_ctx *c = ud;
	int r = target_glob(c->t, pattern, ret);
	if (r >= 0 && c->s->plan.path && !strv_contains(*ret, c->s->plan.path)) {
		/* a zone file the plan creates: in the listing, as the target will have it */
		_cleanup_free_ char *dir = path_parent(c->s->plan.path), *want = path_parent(pattern);
		if (!dir || !want)
			return -ENOMEM;
		if (streq(dir, want) && (r = strv_push(ret, strdup(c->s->plan.path))) >= 0)
			strv_sort(*ret);
	}
	return r;
}

static int load(struct run *run, struct state *s, struct fwd_config **ret, char **ret_why)
{
	struct reader_ctx ctx = { run->target, s };
	const struct fw_reader rd = { rd_read, rd_glob, &ctx };
	return fwd_load(&rd, ret, ret_why);
}

static const char *fam_name(int af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/* firewalld's own directories: it reads every file in them, so a user who can change one decides the firewall. */
static const char *const fwd_dirs[] = { "/etc/firewalld", "/etc/firewalld/zones", "/etc/firewalld/services",
					"/etc/firewalld/policies", "/usr/lib/firewalld/zones", "/usr/lib/firewalld/services",
					"/usr/lib/firewalld/policies" };

static bool dir_unsafe(struct run *run, const char *path)
{
	struct stat st;
	return target_lstat(run->target, path, &st) == 0 &&
	       (!S_ISDIR(st.st_mode) || !target_dir_is_roots(&st) || (st.st_mode & 002));
}

/* The firewall-offline-cmd the target has, or NULL. */
static const char *offline_cmd(struct run *run)
{
	static const char *const paths[] = { "/usr/bin/firewall-offline-cmd", "/usr/sbin/firewall-offline-cmd" };
	struct stat st;

	for (size_t i = 0; i < ELEMENTSOF(paths); i++)
		if (target_stat(run->target, paths[i], &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return paths[i];
	return NULL;
}

/*
 * The zone file after "firewall-offline-cmd --zone=ZONE OPTION..." as the
 * target's own tool writes it: run in the sandbox with /etc/firewalld on a
 * private copy, then the file is printed with its length after it, so that
 * nothing the tool said can be taken for it.
 */
static int offline_edit(struct run *run, const char *tool, const char *zone, const char *path, char *const *options,
			char **ret, size_t *ret_len, char **ret_why)
{
	static const char script[] =
		"f=$1; t=$2; z=$3; shift 3\n"
		"for o; do out=$(\"$t\" --zone=\"$z\" \"$o\" 2>&1) || { printf '%s\\n' \"$out\"; exit 3; }; done\n"
		"cat -- \"$f\" && printf '\\n@@sshfix-end %s\\n' \"$(wc -c < \"$f\")\"\n";
	static const char *const scratch[] = { "/etc/firewalld", NULL };
	const struct sandbox_opts opts = { .timeout_sec = 60, .read_only = true, .scratch_dirs = scratch };
	const char *argv[16] = { "/bin/sh", "-c", script, "sh", path, tool, zone };
	struct sandbox_result res = {0};
	const char *why = NULL;
	size_t n = 7;
	int r;

	for (size_t i = 0; options[i] && n + 1 < ELEMENTSOF(argv); i++)
		argv[n++] = options[i];
	r = sandbox_run(run->target, argv, &opts, &res, &why);
	if (r < 0)
		return r == -ENOMEM ? r : asprintf(ret_why, "it cannot run here: %s", why ? why : strerror(-r)) < 0 ? -ENOMEM : r;
	r = -EBADMSG;
	if (res.timed_out || res.exit_status != 0) {
		_cleanup_free_ char *last = last_line(res.output), *shown = last ? escape_display_trunc(last, 160) : NULL;
		if (asprintf(ret_why, "it %s%s%s", res.timed_out ? "did not finish in 60 s" : "failed",
			     shown && *shown ? ": " : "", shown ? shown : "") < 0)
			r = -ENOMEM;
	} else {
		/* FILE "\n@@sshfix-end LEN\n", and nothing before FILE */
		const char *end = res.output + res.output_len, *mark = NULL;
		for (const char *q = res.output; (q = memmem(q, (size_t) (end - q), "\n@@sshfix-end ", 14)); q++)
			mark = q;
		unsigned long long len;
		_cleanup_free_ char *num = mark ? strndup(mark + 14, (size_t) (end - mark - 14)) : NULL;
		if (num && *num && num[strlen(num) - 1] == '\n')
			num[strlen(num) - 1] = '\0';
		if (num && parse_uint(num, 10, CONFIG_MAX, &len) == 0 && (size_t) (mark - res.output) == len) {
			*ret_len = len;
			r = (*ret = strndup(res.output, len)) ? 0 : -ENOMEM;
		} else if (!(*ret_why = strdup("its output is not the zone file sshfix asked for")))
			r = -ENOMEM;
	}
	sandbox_result_done(&res);
	return r;
}

/* What a finding's repair writes: one zone file. */
struct fixdata {
	char *path, *old, *new;
	size_t old_len, new_len;
	bool existed;
	char *why_not;
};

static void fixdata_free(void *p)
{
	struct fixdata *d = p;
	if (!d)
		return;
	free(d->path);
	free(d->old);
	free(d->new);
	free(d->why_not);
	free(d);
}

/*
 * Plan the change to zone (arrival answer a) that lets in every packet it
 * blocks, and judge it again: 0 with d filled (d->why_not when no change
 * helps), or -ENOMEM.
 */
static int plan_zone(struct run *run, struct state *s, const struct fwd_config *c, const char *zone,
		     const char *zone_file, struct fixdata *d, struct buf *how)
{
	_cleanup_strv_free_ char **options = NULL, **elements = NULL;
	_cleanup_free_ char *etc = NULL, *text = NULL, *why = NULL;
	struct fwd_answer ans[ZONES_MAX];
	size_t len = 0;
	int r;

	/* the options, each once, for the packets this zone blocks */
	for (size_t k = 0; k < s->n_pk; k++) {
		size_t n = fwd_eval(c, &s->pk[k], ans, ZONES_MAX);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *opt = NULL, *el = NULL;
			if (!streq(ans[i].zone, zone) || (ans[i].a.verdict != FW_DROP && ans[i].a.verdict != FW_REJECT))
				continue;
			r = fwd_plan(c, &ans[i], &s->pk[k], &opt, &el);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				return (d->why_not = strdup(ans[i].blocker_policy
								    ? "a firewalld policy that comes before the zone blocks it: "
								      "no change in the zone can help; change the policy by hand"
								    : "the rule that blocks it cannot be preceded by another (a "
								      "forward-port, or a rule at the lowest priority): change it by "
								      "hand")) ? 0 : -ENOMEM;
			if (!strv_contains(options, opt) && ((r = strv_push(&options, TAKE_PTR(opt))) < 0 ||
							     (r = strv_push(&elements, TAKE_PTR(el))) < 0))
				return r;
		}
	}
	if (!options)
		return 0;
	if (dir_unsafe(run, "/etc/firewalld") || dir_unsafe(run, "/etc/firewalld/zones"))
		return (d->why_not = strdup("a user can change /etc/firewalld/zones (see firewalld-file-unsafe): sshfix does "
					    "not put a zone file there")) ? 0 : -ENOMEM;
	if (asprintf(&etc, "/etc/firewalld/zones/%s.xml", zone) < 0)
		return -ENOMEM;
	const char *tool = offline_cmd(run);
	_cleanup_free_ char *tool_why = NULL;
	r = tool ? offline_edit(run, tool, zone, etc, options, &text, &len, &tool_why) : -ENOENT;
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		buf_printf(how, "the target's firewall-offline-cmd --zone=%s", zone);
		for (size_t i = 0; options[i]; i++)
			buf_printf(how, " '%s'", options[i]);
		buf_printf(how, " (run on a copy of /etc/firewalld) writes %s", etc);
	} else {
		/* sshfix's own edit of the zone's file: /etc's, else a copy of /usr/lib's */
		size_t cur_len = 0;
		_cleanup_free_ char *cur = NULL;
		const char *ign = NULL;
		bool refused = false;
		if ((r = fw_read_root_file(run->target, zone_file, &cur, &cur_len, &ign, &refused)) < 0)
			return r == -ENOMEM ? r : (d->why_not = strdup("the zone's file cannot be read again")) ? 0 : -ENOMEM;
		for (size_t i = 0; elements[i]; i++) {
			free(text);
			text = NULL;
			r = fwd_zone_add(cur, cur_len, elements[i], &text, &len);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				return (d->why_not = strdup("the zone's file has no </zone> to add an element before")) ? 0 : -ENOMEM;
			free(cur);
			cur = strndup(text, len);
			cur_len = len;
			if (!cur)
				return -ENOMEM;
		}
		buf_printf(how, "sshfix adds");
		for (size_t i = 0; elements[i]; i++)
			buf_printf(how, " %s", elements[i]);
		buf_printf(how, " to %s (firewall-offline-cmd %s)", etc, tool ? tool_why : "is not installed on the target");
	}
	/* judged again with the new file in place */
	struct fwd_config *after = NULL;
	s->plan = (struct planned) { etc, text, len };
	r = load(run, s, &after, &why);
	s->plan = (struct planned) {0};
	if (r == -ENOMEM)
		return r;
	bool ok = r == 0;
	for (size_t k = 0; ok && k < s->n_pk; k++) {
		size_t n = fwd_eval(after, &s->pk[k], ans, ZONES_MAX);
		for (size_t i = 0; i < n; i++)
			if (streq(ans[i].zone, zone) && ans[i].a.verdict != FW_ACCEPT)
				ok = false;
	}
	fwd_config_free(after);
	if (!ok)
		return (d->why_not = strdup("with the planned change firewalld's zone still does not accept every one of "
					    "these ports in sshfix's reading: change the zone by hand")) ? 0 : -ENOMEM;
	struct stat st;
	d->existed = target_lstat(run->target, etc, &st) == 0;
	if (d->existed) {
		const char *ign = NULL;
		bool refused = false;
		if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) || st.st_nlink > 1)
			return (d->why_not = strdup("the zone's file in /etc is not a plain file only root can change: "
						    "sshfix does not rewrite it")) ? 0 : -ENOMEM;
		if ((r = fw_read_root_file(run->target, etc, &d->old, &d->old_len, &ign, &refused)) < 0)
			return r == -ENOMEM ? r : (d->why_not = strdup("the zone's file cannot be read again")) ? 0 : -ENOMEM;
	}
	d->path = TAKE_PTR(etc);
	d->new = TAKE_PTR(text);
	d->new_len = len;
	return 0;
}

static int unsafe_dirs(struct run *run, struct state *s)
{
	for (size_t i = 0; i < ELEMENTSOF(fwd_dirs); i++) {
		if (!dir_unsafe(run, fwd_dirs[i]) || strv_contains(s->unsafe, fwd_dirs[i]))
			continue;
		int r = strv_push(&s->unsafe, strdup(fwd_dirs[i]));
		if (r < 0 || (r = strv_push(&s->unsafe, strdup("firewalld reads every file in this directory at every "
								 "boot, and a user can change it (or it is no plain "
								 "directory)"))) < 0)
			return r;
	}
	return 0;
}

static int unsafe_findings(struct run *run, const struct state *s)
{
	for (size_t k = 0; s->unsafe && s->unsafe[k]; k += 2) {
		struct finding *f = run_add_finding(run, &firewalld_problems[PR_FIREWALLD_FILE_UNSAFE], s->unsafe[k], NULL);
		if (!f || finding_set_detail(f, "%s", s->unsafe[k + 1]) < 0)
			return -ENOMEM;
	}
	return 0;
}

/*
 * The loader for the kernel probe: the target's own firewalld, on a system
 * bus of its own, until it says it runs (its zones are in the kernel then).
 * Both stay behind in the probe's PID namespace and die with it; their
 * output goes nowhere, so the probe does not wait for it.
 */
static const char probe_script[] =
	"mkdir -p /run/dbus\n"
	"/usr/bin/dbus-daemon --system --fork --nopidfile > /dev/null 2>&1 || { echo 'dbus-daemon did not start'; exit 3; }\n"
	"/usr/sbin/firewalld --nofork --nopid > /dev/null 2>&1 &\n"
	"i=0; while [ $i -lt 100 ]; do\n"
	"  [ \"$(/usr/bin/firewall-cmd --state 2> /dev/null)\" = running ] && exit 0\n"
	"  sleep 0.2; i=$((i + 1))\n"
	"done\n"
	"echo 'firewalld did not start in 20 s'; exit 1\n";

static bool kernel_blocks(const struct netprobe_port_result *r)
{
	return r->verdict == NETPROBE_DROPPED || r->verdict == NETPROBE_REJECTED;
}

static int probe(struct run *run, struct state *s, bool after)
{
	static const char *const argv[] = { "/bin/sh", "-c", probe_script, NULL };
	const struct netprobe_loader loader = { .argv = argv };
	struct netprobe_port ports[PACKETS_MAX];
	struct sandbox_file planned[ZONES_MAX];
	struct netprobe_result res;
	size_t n_planned = 0;
	int r;

	static const char *const needs[] = { "/bin/sh", "/usr/bin/dbus-daemon", "/usr/sbin/firewalld", "/usr/bin/firewall-cmd" };
	for (size_t i = 0; i < ELEMENTSOF(needs); i++) {
		struct stat st;
		if (target_stat(run->target, needs[i], &st) < 0 || !S_ISREG(st.st_mode)) {
			char **e = after ? &s->probe_after_error : &s->probe_error;
			free(*e);
			return asprintf(e, "the target has no %s to start firewalld with", needs[i]) < 0 ? -ENOMEM : 0;
		}
	}
	for (size_t i = 0; after && i < s->n_zf; i++)
		if (s->zf[i].d->path && !s->zf[i].d->why_not)
			planned[n_planned++] = (struct sandbox_file) { s->zf[i].d->path, s->zf[i].d->new, s->zf[i].d->new_len };
	if (after && n_planned == 0)
		return 0;
	for (size_t k = 0; k < s->n_pk; k++)
		ports[k] = (struct netprobe_port) { s->pk[k].family, s->pk[k].port };
	const struct netprobe_request req = {
		.loaders = &loader, .n_loaders = 1, .ports = ports, .n_ports = s->n_pk, .planned = planned,
		.n_planned = n_planned, .from = run->opt.from, .loader_timeout_sec = 30, .ifname = s->ifname,
	};
	r = netprobe_run(run->target, &req, &res);
	char **err = after ? &s->probe_after_error : &s->probe_error;
	if (r < 0)
		return r == -ENOMEM ? r : (*err = strdup("the probe cannot use this --from address")) ? 0 : -ENOMEM;
	if (res.error != NETPROBE_OK) {
		/* the loader's own words, not its script */
		const char *said = res.n_loaders && res.loaders[0].ran && res.loaders[0].output ? res.loaders[0].output : "";
		_cleanup_free_ char *first = strndup(said, strcspn(said, "\n"));
		_cleanup_free_ char *m = first && *first ? escape_display_trunc(first, 160) : NULL;
		r = asprintf(err, "%s%s%s%s", netprobe_error_name(res.error), m ? " (" : "", m ? m : "", m ? ")" : "");
		netprobe_result_done(&res);
		return r < 0 ? -ENOMEM : 0;
	}
	for (size_t k = 0; k < s->n_pk && k < res.n_ports; k++) {
		(after ? s->after : s->now)[k] = res.ports[k];
		(after ? s->after : s->now)[k].why = NULL;
	}
	*(after ? &s->probed_after : &s->probed) = true;
	netprobe_result_done(&res);
	return 0;
}

static const char *kernel_word(const struct netprobe_port_result *r)
{
	return r->verdict == NETPROBE_ACCEPTED ? "accepts" : r->verdict == NETPROBE_DROPPED ? "drops"
			  : r->verdict == NETPROBE_REJECTED ? "rejects" : "could not answer for";
}

/* Does packet k arrive in zone in the probe, with an answer from the kernel? */
static bool kernel_knows(const struct state *s, size_t k, const char *zone)
{
	return s->probed && s->probe_zone[k] && streq(s->probe_zone[k], zone) && s->now[k].verdict != NETPROBE_ERROR;
}

/* One finding per zone that blocks, in the static view or (for the probe's zone) the kernel's. */
static int zone_findings(struct run *run, struct state *s, const struct fwd_config *c)
{
	struct fwd_answer ans[ZONES_MAX];

	for (size_t k = 0; k < s->n_pk; k++) {
		size_t n = fwd_eval(c, &s->pk[k], ans, ZONES_MAX);
		for (size_t i = 0; i < n; i++) {
			const struct fwd_answer *a = &ans[i];
			bool blocked = a->a.verdict == FW_DROP || a->a.verdict == FW_REJECT;
			_cleanup_free_ char *what = escape_display(a->a.what), *where = escape_display(a->why);
			if (!what || !where)
				return -ENOMEM;
			if (kernel_knows(s, k, a->zone)) {
				if (blocked && !kernel_blocks(&s->now[k])) {
					if (model_note(&run->model, "firewalld: %s line %u: the static view says it %s port %u over %s "
								    "in zone %s (%s), but the kernel accepts it: the kernel wins",
						       a->a.file ? a->a.file : a->zone_file, a->a.line, fw_verdict_name(a->a.verdict),
						       (unsigned) s->pk[k].port, fam_name(s->pk[k].family), a->zone, what) < 0)
						return -ENOMEM;
					continue;
				}
				blocked = kernel_blocks(&s->now[k]);
			} else if (a->a.verdict == FW_UNKNOWN) {
				if (model_note(&run->model, "firewalld: %s line %u: port %u over %s arriving in zone %s (%s) could "
							    "not be judged statically: %s; nothing was changed",
					       a->a.file ? a->a.file : a->zone_file, a->a.line, (unsigned) s->pk[k].port,
					       fam_name(s->pk[k].family), a->zone, where, what) < 0)
					return -ENOMEM;
				continue;
			}
			if (!blocked)
				continue;
			size_t z;
			for (z = 0; z < s->n_zf && !streq(s->zf[z].zone, a->zone); z++)
				;
			if (z == s->n_zf) {
				if (z >= ZONES_MAX)
					continue;
				struct fixdata *d = calloc(1, sizeof(*d));
				struct finding *f = d ? run_add_finding(run, &firewalld_problems[PR_FIREWALLD_BLOCKS], a->a.file ? a->a.file : a->zone_file,
									NULL) : NULL;
				if (!f) {
					free(d);
					return -ENOMEM;
				}
				finding_set_data(f, d, fixdata_free);
				f->line = a->a.line;
				bool static_block = a->a.verdict == FW_DROP || a->a.verdict == FW_REJECT;
				struct zone_finding *nz = &s->zf[s->n_zf++];
				*nz = (struct zone_finding) { f, d, a->zone, a->zone_file, {0},
							      static_block ? fw_verdict_name(a->a.verdict) : kernel_word(&s->now[k]),
							      NULL };
				if (asprintf(&nz->tail, "from %s in zone %s (%s): %s",
					     run->opt.from ? run->opt.from : "an address that is not local", a->zone, where,
					     static_block ? what : "the kernel, with the target's own firewalld running; sshfix's "
								   "reading lets it through: the kernel wins") < 0) {
					nz->tail = NULL;
					return -ENOMEM;
				}
				if (finding_add_evidence(f, "loaded at boot by firewalld.service (zone file %s)", a->zone_file) < 0)
					return -ENOMEM;
				if (!static_block && !(d->why_not = strdup("only the kernel blocks it, in a way sshfix's reading of the "
									 "zones does not follow: change the zone by hand")))
					return -ENOMEM;
			}
			s->zf[z].pk[k] = true;
			struct finding *f = s->zf[z].f;
			const char *kw = kernel_knows(s, k, a->zone) ? kernel_word(&s->now[k]) : NULL;
			if (finding_add_evidence(f, "port %u over %s: static: %s at %s:%u (%s); kernel: %s%s%s%s",
						 (unsigned) s->pk[k].port, fam_name(s->pk[k].family), fw_verdict_name(a->a.verdict),
						 a->a.file ? a->a.file : a->zone_file, a->a.line, what,
						 kw ? kw : !s->probed ? (s->probe_error ? s->probe_error : "not asked")
								      : "not asked for this zone (the probe's interface is in zone ",
						 !kw && s->probed ? (s->probe_zone[k] ? s->probe_zone[k] : "?") : "",
						 !kw && s->probed ? " when NetworkManager does not name one)" : "",
						 kw && kernel_blocks(&s->now[k]) == (a->a.verdict == FW_DROP || a->a.verdict == FW_REJECT)
							 ? " (agrees)" : "") < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* Plan each zone's change, ask the kernel about all of them at once, and say what the repair does. */
static int plan_findings(struct run *run, struct state *s, const struct fwd_config *c)
{
	struct buf how[ZONES_MAX] = {0};
	int r = 0;

	for (size_t z = 0; z < s->n_zf && r >= 0; z++) {
		struct zone_finding *zf = &s->zf[z];
		struct buf ports = {0};
		for (size_t k = 0; k < s->n_pk; k++)
			if (zf->pk[k])
				buf_printf(&ports, "%sport %u over %s", ports.len ? ", " : "", (unsigned) s->pk[k].port,
					   fam_name(s->pk[k].family));
		_cleanup_free_ char *pl = buf_steal(&ports);
		if (!pl || finding_set_detail(zf->f, "%s new ssh connections (%s) %s", zf->verdict, pl, zf->tail) < 0)
			r = -ENOMEM;
		if (r >= 0 && !zf->d->why_not)
			r = plan_zone(run, s, c, zf->zone, zf->zone_file, zf->d, &how[z]);
		if (r >= 0 && !zf->d->why_not && !zf->d->path && !(zf->d->why_not = strdup("no change to plan")))
			r = -ENOMEM;
	}
	if (r >= 0)
		r = probe(run, s, true);
	for (size_t z = 0; z < s->n_zf && r >= 0; z++) {
		struct zone_finding *zf = &s->zf[z];
		struct buf *b = &how[z];
		bool asked = false, accepts = true;
		if (zf->d->why_not)
			continue;
		for (size_t k = 0; k < s->n_pk; k++)
			if (zf->pk[k] && s->probed_after && kernel_knows(s, k, zf->zone) && s->after[k].verdict != NETPROBE_ERROR) {
				asked = true;
				accepts &= s->after[k].verdict == NETPROBE_ACCEPTED;
			}
		if (asked && !accepts) {
			if (!(zf->d->why_not = strdup("with the planned change the kernel still blocks these ports, with the target's "
						      "own firewalld running, so it is not made: change the zone by hand")))
				r = -ENOMEM;
			continue;
		}
		buf_puts(b, asked ? "; with this change the kernel accepts them (the target's own firewalld, started in "
				    "sshfix's probe)"
				  : "; with this change the zone accepts them in sshfix's reading");
		if (!asked && !s->probed_after)
			buf_printf(b, " (the kernel could not be asked: %s)",
				   s->probe_after_error ? s->probe_after_error : s->probe_error ? s->probe_error : "?");
		else if (!asked)
			buf_printf(b, " (the kernel was asked about the probe's interface %s only, which is in another zone)",
				   s->ifname);
		free(zf->f->action);
		if (!(zf->f->action = buf_steal(b)))
			r = -ENOMEM;
	}
	for (size_t z = 0; z < ZONES_MAX; z++)
		buf_done(&how[z]);
	return r;
}

static int firewalld_detect(struct run *run)
{
	struct units *units = run_units(run);
	const struct listen_set *ls;
	const struct unit *u;
	struct state s = {0};
	struct fwd_config *c = NULL;
	_cleanup_free_ char *why = NULL;
	int r;

	if (!units)
		return -ENOMEM;
	if ((r = units_boot_starts(units, "firewalld.service", &u)) <= 0)
		return r;
	if ((r = listen_set_get(run, &ls)) < 0)
		return r;
	s.n_pk = fw_packets(ls, run->opt.from, s.pk, PACKETS_MAX);
	if ((r = unsafe_dirs(run, &s)) < 0)
		goto done;
	r = load(run, &s, &c, &why);
	if (r == -ENOMEM)
		goto done;
	if (r < 0) {
		_cleanup_free_ char *shown = escape_display_trunc(why ? why : strerror(-r), 200);
		r = !shown ? -ENOMEM
		    : r == -EPERM ? model_note(&run->model, "firewalld: its configuration was not judged: sshfix does not read a "
							   "file a user can change (see firewalld-file-unsafe); nothing was changed")
				  : model_note(&run->model, "firewalld: its configuration could not be judged statically: %s; "
							   "firewalld reports such a file as an error at start; nothing was changed",
					       shown);
		if (r >= 0)
			r = unsafe_findings(run, &s);
		goto done;
	}
	if ((r = unsafe_findings(run, &s)) < 0 || s.n_pk == 0)
		goto done;
	const struct addresses *addrs = NULL;
	if ((r = addresses_get(run, &addrs)) < 0)
		goto done;
	s.ifname = fw_main_ifname(addrs);
	if (!s.ifname)
		s.ifname = "eth0";
	if (!s.unsafe && (r = probe(run, &s, false)) < 0)
		goto done;
	if (s.unsafe && !(s.probe_error = strdup("not run: firewalld would read a file a user can change, and its "
						 "words about it could show that file")))
		goto oom;
	for (size_t k = 0; k < s.n_pk; k++)
		s.probe_zone[k] = fwd_zone_without_nm(c, &s.pk[k], s.ifname);
	if ((r = zone_findings(run, &s, c)) < 0)
		goto done;
	r = plan_findings(run, &s, c);
	goto done;
oom:
	r = -ENOMEM;
done:
	fwd_config_free(c);
	strv_free(s.unsafe);
	free(s.probe_error);
	free(s.probe_after_error);
	for (size_t z = 0; z < s.n_zf; z++)
		free(s.zf[z].tail);
	return r < 0 ? r : 0;
}

static int firewalld_repair(struct run *run, struct finding *f)
{
	struct fixdata *d = f->data;
	_cleanup_free_ char *cur = NULL;
	size_t len = 0;
	int r;

	if (!d)
		return -ESTALE;
	if (d->why_not) {
		free(f->status_reason);
		f->status_reason = strdup(d->why_not);
		return -EIO;
	}
	r = journal_read_current(run->journal, d->path, &cur, &len);
	if (r < 0 && !(r == -ENOENT && !d->existed))
		return r;
	if (d->existed != (r == 0) || (r == 0 && (len != d->old_len || memcmp(cur, d->old, len) != 0))) {
		free(f->status_reason);
		f->status_reason = strdup("the zone file changed since it was examined");
		return -ESTALE;
	}
	return journal_write_file(run->journal, d->path, d->new, d->new_len, d->existed ? (mode_t) -1 : 0644,
				  d->existed ? (uid_t) -1 : 0, d->existed ? (gid_t) -1 : 0);
}

const struct fix fix_firewalld = {
	.id = "firewalld",
	.summary = "firewalld's zones, services, rich rules and policies as the boot loads them",
	.rules = "RULES §8.5",
	.problems = firewalld_problems,
	.detect = firewalld_detect,
	.repair = firewalld_repair,
};
