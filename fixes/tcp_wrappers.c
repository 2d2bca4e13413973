/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcp-wrappers: /etc/hosts.allow and /etc/hosts.deny, when the binary that
 * calls hosts_access() links libwrap (RULES §7: Debian and Ubuntu's sshd up
 * to 9.7, sshd-session from 9.8; the target fact sshd_libwrap).  After
 * accept, sshd's child asks libwrap about the daemon "sshd" (__progname)
 * and the client; on a refusal it logs "refused connect from ..." through
 * syslog, sleeps and closes, and the client sees "kex_exchange_identification:
 * read: Connection reset by peer".  src/tcpwrap.h reads the two files as
 * libwrap does; the answer is for the address given with --from, else for
 * an address that is not local.
 *
 *  - tcp-wrappers-deny: the connection is refused, with the file and line
 *    (an entry of hosts.deny, an option of a matching entry: deny, twist,
 *    one libwrap refuses; an unterminated last line of hosts.deny; a FIFO
 *    sshd would wait on).  A deny line is policy someone wrote (DESIGN §5:
 *    widen access only as far as SSH needs), so the repair waits for a yes
 *    and is the smallest change that lets that connection in: with --from,
 *    "sshd: ADDR" in hosts.allow before any line there that could refuse
 *    it (hosts.allow is read first: its first match wins over everything
 *    after it and over hosts.deny); without, the entry is commented out
 *    behind the "# sshfix:" marker when it names sshd alone and matches
 *    every client, a missing final newline is added, and anything else
 *    ("ALL: ALL", which also closes other services) gets "sshd: ALL" in
 *    hosts.allow, so no other daemon gains anything.
 *  - tcp-wrappers-fail2ban: the refusing line is "DAEMON: ADDR" in
 *    hosts.deny, as fail2ban's hostsdeny action writes it, and fail2ban is
 *    installed: the ban is fail2ban's (its database restores the line at
 *    start), left to the fail2ban family.  Report only.  The lines the
 *    fail2ban family reports itself (fail2ban-hostsdeny, fail2ban-bans;
 *    it runs first: fix.after) are read as the comments its repair makes
 *    of them, so one line is never reported twice and what follows it is
 *    still judged.
 *  - tcp-wrappers-depends: the answer depends on what sshfix cannot know
 *    offline (a host name, the client's address without --from, an ident
 *    answer, a netgroup, a command's exit status); the finding says on
 *    what, and which line.  Report only.
 *  - tcp-wrappers-list-unsafe: a /file pattern list that a user can change
 *    (owned by or writable by a user, behind a user's symlink, in a
 *    directory a user can write): that user decides who may connect.
 *    Report only.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "config_edit.h"
#include "fixes.h"
#include "listen_addr.h"
#include "listen_set.h"
#include "run.h"
#include "sshd_config.h"
#include "tcpwrap.h"
#include "util.h"

/* The daemon name sshd hands libwrap: __progname (RULES §7.2). */
#define TW_DAEMON "sshd"
#define FAIL2BAN_HOSTSDENY "/etc/fail2ban/action.d/hostsdeny.conf"

/* This family's problems: each code is its row's index in tcp_wrappers_problems[]. */
enum problem_code {
	PR_TCP_WRAPPERS_DENY,
	PR_TCP_WRAPPERS_FAIL2BAN,
	PR_TCP_WRAPPERS_DEPENDS,
	PR_TCP_WRAPPERS_LIST_UNSAFE,
};

static const struct problem tcp_wrappers_problems[] = {
	{ PR_TCP_WRAPPERS_DENY, "tcp-wrappers-deny", SEV_ERROR, PF_NEEDS_CONFIRM, "{path}: {detail}",
	  "sshd is built with libwrap: after accepting a connection its child asks hosts_access() about the "
	  "daemon \"sshd\" and the client. The first matching entry of /etc/hosts.allow grants, else the first "
	  "of /etc/hosts.deny denies (options of the entry, such as deny or twist, decide instead; an option "
	  "libwrap refuses denies; an unterminated last line of hosts.deny denies everything). A refused "
	  "client sees \"kex_exchange_identification: read: Connection reset by peer\" after about 5 seconds; "
	  "sshd logs \"refused connect from\" only to syslog. A deny entry is policy someone wrote, so the "
	  "repair waits for a yes and opens no more than SSH needs: with --from, \"sshd: ADDR\" is added to "
	  "hosts.allow before any line there that could refuse it; without, an entry that names sshd alone "
	  "and matches every client is commented out, a missing final newline is added, and otherwise "
	  "\"sshd: ALL\" goes into hosts.allow, leaving other services as they were. RULES §7" },
	{ PR_TCP_WRAPPERS_FAIL2BAN, "tcp-wrappers-fail2ban", SEV_ERROR, PF_REPORT_ONLY, "{path}: {detail}",
	  "fail2ban's hostsdeny action bans an address by appending \"DAEMON: ADDR\" to /etc/hosts.deny and "
	  "lifts the ban by removing that line; the ban is also in fail2ban's database, which restores it, "
	  "line and all, whenever fail2ban starts. Removing the line alone would not last: the ban is lifted "
	  "with fail2ban (fail2ban-client set JAIL unbanip ADDR, or the fail2ban family's repair), which "
	  "removes the line too. RULES §7, §10" },
	{ PR_TCP_WRAPPERS_DEPENDS, "tcp-wrappers-depends", SEV_WARNING, PF_REPORT_ONLY, "{path}: {detail}",
	  "Whether libwrap lets the client reach sshd depends on something sshfix cannot know offline: the "
	  "client's host name (libwrap looks it up by reverse DNS and checks it forward, whatever UseDNS "
	  "says), its address when --from is not given, its ident (RFC 931) answer, an NIS netgroup, or a "
	  "command's exit status. The finding names the entry and what it depends on; --from ADDR answers "
	  "for one address. Nothing is changed. RULES §7" },
	{ PR_TCP_WRAPPERS_LIST_UNSAFE, "tcp-wrappers-list-unsafe", SEV_WARNING, PF_REPORT_ONLY, "{path}: {detail}",
	  "A pattern in hosts.allow or hosts.deny that begins with '/' names a file of patterns, which "
	  "sshd's child reads as root at every connection. A list a user owns or can write, one reached "
	  "through a user's symbolic link or in a directory a user can write, lets that user decide who may "
	  "connect, or lock everyone out (\"ALL\" in a list of hosts.deny, or a FIFO that makes every "
	  "connection hang). Keep such lists owned by root in root's directories. RULES §7" },
	{ .id = NULL },
};

/* Would a user be able to change what the list says? */
static bool list_unsafe(struct target *t, const char *path)
{
	struct target_path tp = {0};
	bool unsafe;
	int r;

	r = target_resolve(t, path, TR_ROOT_SYMLINKS_ONLY | TR_MAY_NOT_EXIST, &tp, NULL);
	if (r == -ENOLINK)
		return true;	/* behind a symlink a user made or can move */
	if (r < 0)
		return false;
	unsafe = tp.exists && (tp.st.st_uid != 0 || (tp.st.st_mode & 0002) || ((tp.st.st_mode & 0020) && tp.st.st_gid != 0));
	if (!unsafe)
		unsafe = target_ancestors_are_roots(t, tp.canon) == 0;
	target_path_done(&tp);
	return unsafe;
}

/* A file as sshd's fopen() would find it.  Returns 0 or -ENOMEM. */
static int load(struct target *t, const char *path, bool list, struct tw_file *ret)
{
	struct stat st;
	int r;

	*ret = (struct tw_file) {0};
	/* Never opens a FIFO or a device: the type is checked first. */
	r = target_read_file(t, path, CONFIG_MAX, &ret->data, &ret->len);
	if (r == -ENOMEM)
		return r;
	if (r >= 0)
		ret->kind = TWF_REGULAR;
	else if (r == -ENOENT)
		ret->kind = TWF_MISSING;
	else if (r == -EISDIR)
		ret->kind = TWF_DIR;
	else if (r == -EINVAL && target_stat(t, path, &st) >= 0)
		ret->kind = S_ISFIFO(st.st_mode) ? TWF_FIFO : S_ISSOCK(st.st_mode) ? TWF_OTHER : TWF_DEVICE;
	else if (r == -ELOOP || r == -ENOTDIR)
		ret->kind = TWF_OTHER;	/* fopen() fails, not with ENOENT */
	else
		ret->kind = TWF_UNREAD, ret->error = r;
	if (list)
		ret->unsafe = list_unsafe(t, path);
	return 0;
}

static int read_list(void *userdata, const char *path, struct tw_file *ret)
{
	struct run *run = userdata;

	return load(run->target, path, true, ret);
}

/* Make physical line `line` of t a comment, unless it continues the line before. */
static void comment_line(struct tw_file *t, unsigned line)
{
	size_t start = 0;

	for (unsigned k = 1; k < line; k++) {
		const char *nl = memchr(t->data + start, '\n', t->len - start);
		if (!nl)
			return;
		start = (size_t) (nl - t->data) + 1;
	}
	if (start < t->len && !(start >= 2 && t->data[start - 2] == '\\'))
		t->data[start] = '#';
}

/*
 * The hosts.deny lines the fail2ban family reported as its hostsdeny bans
 * (fail2ban-hostsdeny, fail2ban-bans): they are fail2ban's, and its repair
 * comments them out, so this family reads them as comments and judges the
 * rest (RULES §10.2; the issue: "handled with the ban").
 */
static void leave_to_fail2ban(const struct run *run, struct tw_file *deny)
{
	static const char prefix[] = TW_DENY_PATH ":";

	if (deny->kind != TWF_REGULAR || !deny->data)
		return;
	for (size_t i = 0; i < run->n_findings; i++) {
		const struct finding *f = run->findings[i];
		if (!f->problem)
			continue;
		/* fail2ban's findings: another family's, named by id. */
		if (streq(f->problem->id, "fail2ban-hostsdeny") && f->line && f->path && streq(f->path, TW_DENY_PATH))
			comment_line(deny, f->line);
		else if (streq(f->problem->id, "fail2ban-bans"))
			for (size_t k = 0; f->evidence && f->evidence[k]; k++) {
				const char *e = f->evidence[k];
				char *end;
				unsigned long n;
				if (strncmp(e, prefix, sizeof(prefix) - 1) != 0)
					continue;
				errno = 0;
				n = strtoul(e + sizeof(prefix) - 1, &end, 10);
				if (errno == 0 && end != e + sizeof(prefix) - 1 && *end == ':' && n > 0 && n <= UINT_MAX)
					comment_line(deny, (unsigned) n);
			}
	}
}

/* The two tables; with the journal, as the repairs planned so far leave them. */
static int load_tables(struct run *run, bool planned, struct tw_file t[2])
{
	int r;

	for (int i = 0; i < 2; i++) {
		struct target_path tp = {0};
		if (planned && target_resolve(run->target, tw_table_path(i), TR_MAY_NOT_EXIST, &tp, NULL) >= 0) {
			t[i] = (struct tw_file) { .kind = TWF_REGULAR };
			r = journal_read_current(run->journal, tp.canon, &t[i].data, &t[i].len);
			target_path_done(&tp);
			if (r >= 0)
				continue;
			if (r == -ENOMEM)
				return r;
		}
		target_path_done(&tp);
		r = load(run->target, tw_table_path(i), false, &t[i]);
		if (r < 0)
			return r;
	}
	leave_to_fail2ban(run, &t[1]);
	return 0;
}

/*
 * The end the client connects to, from the shared listen set (sshd's Port,
 * ListenAddress and flags, or the socket unit's ListenStream= when the boot
 * starts the socket): the one port, and the one numeric address, when every
 * socket has the same; else 0 / NULL (not known: "depends").
 */
static int listen_end(struct run *run, char **ret_server, unsigned *ret_port)
{
	const struct listen_set *ls;
	struct ip_addr first = {0};
	char buf[46];
	int p, r;

	*ret_server = NULL;
	*ret_port = 0;
	r = listen_set_get(run, &ls);
	if (r < 0)
		return r;
	p = listen_set_single_port(ls);
	*ret_port = p > 0 ? (unsigned) p : 0;
	for (size_t i = 0; i < ls->n_boot; i++) {
		struct ip_addr a = {0};
		if (!ls->boot[i].host)
			return 0;	/* every address */
		r = ip_parse_numeric(ls->boot[i].host, &a, NULL);
		if (r < 0)
			return r;
		if (r == AF_UNSPEC || ip_is_any(&a))
			return 0;	/* a name, or every address */
		if (i == 0)
			first = a;
		else if (a.family != first.family || memcmp(a.a, first.a, sizeof(a.a)) != 0)
			return 0;
	}
	if (ls->n_boot > 0 && !(*ret_server = strdup(ip_to_string(&first, buf))))
		return -ENOMEM;
	return 0;
}

struct query {
	struct tw_query q;
	char *client, *server;
};

static void query_done(struct query *x)
{
	free(x->client);
	free(x->server);
}

static int make_query(struct run *run, struct query *ret)
{
	*ret = (struct query) { .q = { .daemon = TW_DAEMON, .accounts = run->model.accounts_loaded ? &run->model.accounts : NULL } };
	if (run->opt.from) {
		struct ip_addr a;
		char buf[46];
		int family = ip_parse_numeric(run->opt.from, &a, NULL);
		/* An IPv4 client reaches sshd's IPv4 socket: libwrap sees the plain address. */
		if (family == AF_INET6 && ip_is_v4mapped(&a)) {
			memmove(a.a, a.a + 12, 4);
			a.family = AF_INET;
		}
		if (!(ret->client = strdup(family > 0 ? ip_to_string(&a, buf) : run->opt.from)))
			return -ENOMEM;
		ret->q.client = ret->client;
	}
	int r = listen_end(run, &ret->server, &ret->q.port);
	ret->q.server = ret->server;
	return r;
}

static const char *who(const struct run *run)
{
	return run->opt.from ? run->opt.from : "clients that are not local";
}

/* "line 3 (\"sshd: ALL\")", with the file's name first when full. */
static int where(const struct tw_step *s, bool full, char **ret)
{
	const char *file = full ? tw_table_path(s->table) : NULL;

	if (s->table < 0)
		return asprintf(ret, "no entry matches and libwrap") < 0 ? -ENOMEM : 0;
	if (!s->line)
		return asprintf(ret, "%s", file ? file : "the file itself") < 0 ? -ENOMEM : 0;
	return asprintf(ret, "%s%sline %u (\"%s\")", file ? file : "", file ? " " : "", s->line,
			s->text ? s->text : "") < 0 ? -ENOMEM : 0;
}

static int deny_detail(struct run *run, const struct tw_step *s, char **ret)
{
	_cleanup_free_ char *w = NULL;
	const char *d = s->detail ? s->detail : "";
	int k = -1;

	if (where(s, false, &w) < 0)
		return -ENOMEM;
	switch (s->how) {
	case TWH_ENTRY:
		k = s->everyone && run->opt.from ? asprintf(ret, "%s denies sshd to every client, %s included", w, run->opt.from)
					       : asprintf(ret, "%s denies sshd to %s", w, s->everyone ? "every client" : who(run));
		break;
	case TWH_OPT_DENY:
		k = asprintf(ret, "%s matches %s and ends in the \"deny\" option", w, s->everyone ? "every client" : who(run));
		break;
	case TWH_OPT_TWIST:
		k = asprintf(ret, "%s hands the connection to a shell command (\"%s\") instead of sshd: the ssh client "
				  "gets that command's output, never an SSH server, and fails",
			     w, d);
		break;
	case TWH_OPT_ERROR:
		k = asprintf(ret, "%s matches %s, and libwrap refuses its options (%s), which denies", w,
			     s->everyone ? "every client" : who(run), d);
		break;
	case TWH_UNTERMINATED:
		k = asprintf(ret, "%s %s: libwrap ignores it and everything after it (\"missing newline or line too "
				  "long\") and denies every connection", w, d);
		break;
	case TWH_UNREADABLE:
		k = asprintf(ret, "cannot be opened as a file (a socket, a symbolic link loop): libwrap denies every connection");
		break;
	case TWH_STALL:
		k = s->line ? asprintf(ret, "%s: %s", w, d)
			    : asprintf(ret, "is a FIFO: sshd's child waits in fopen() for a writer, and every connection "
					    "hangs (\"Connection timed out during banner exchange\")");
		break;
	case TWH_CRASH:
		k = asprintf(ret, "%s: %s", w, d);
		break;
	default:
		k = asprintf(ret, "%s denies sshd", w);
	}
	return k < 0 ? -ENOMEM : 0;
}

static struct finding *add(struct run *run, enum problem_code code, const struct tw_step *s)
{
	struct finding *f = run_add_finding(run, &tcp_wrappers_problems[code], s->table >= 0 ? tw_table_path(s->table) : TW_DENY_PATH, NULL);

	if (!f)
		return NULL;
	f->line = s->line;
	if ((s->line ? finding_add_evidence(f, "%s:%u", f->path, s->line) : finding_add_evidence(f, "%s", f->path)) < 0)
		return NULL;
	return f;
}

static bool fail2ban_ban(struct run *run, const struct tw_step *s)
{
	struct stat st;

	return s->single_address && s->table == 1 && target_stat(run->target, FAIL2BAN_HOSTSDENY, &st) >= 0;
}

static int report(struct run *run, const struct tw_result *res)
{
	_cleanup_free_ char *detail = NULL;
	struct finding *f;

	if (res->verdict == TW_DENY && fail2ban_ban(run, &res->step)) {
		if (!(f = add(run, PR_TCP_WRAPPERS_FAIL2BAN, &res->step)) ||
		    finding_set_detail(f, "line %u (\"%s\") is a fail2ban ban (its hostsdeny action writes such lines): it "
					  "denies sshd to %s; lift the ban with fail2ban, which removes the line",
				       res->step.line, res->step.text, who(run)) < 0)
			return -ENOMEM;
	} else if (res->verdict == TW_DENY) {
		if (deny_detail(run, &res->step, &detail) < 0 || !(f = add(run, PR_TCP_WRAPPERS_DENY, &res->step)) ||
		    finding_set_detail(f, "%s", detail) < 0)
			return -ENOMEM;
	} else if (res->verdict == TW_DEPENDS) {
		const struct tw_step *g = res->step.verdict == TW_GRANT ? &res->step : &res->alt;
		const struct tw_step *d = res->step.verdict == TW_GRANT ? &res->alt : &res->step;
		_cleanup_free_ char *wg = NULL, *wd = NULL;
		bool addr = !run->opt.from && strstr(res->depends_on, "client's address");
		if (where(g, true, &wg) < 0 || where(d, true, &wd) < 0 || !(f = add(run, PR_TCP_WRAPPERS_DEPENDS, &res->step)) ||
		    finding_set_detail(f, "whether sshd accepts %s depends on whether %s: %s grants it, %s%s denies it%s",
				       who(run), res->depends_on, wg, wd, fail2ban_ban(run, d) ? " (a fail2ban ban)" : "",
				       addr ? "; --from ADDR gives the answer for one address" : "") < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; res->unsafe_lists && res->unsafe_lists[i]; i++) {
		const char *p = res->unsafe_lists[i];
		size_t n = strcspn(p, " ");
		_cleanup_free_ char *path = strndup(p, n);
		if (!path || !(f = run_add_finding(run, &tcp_wrappers_problems[PR_TCP_WRAPPERS_LIST_UNSAFE], path, NULL)) ||
		    finding_set_detail(f, "a pattern list %s: a user can change it, and so decide who may connect to sshd",
				       p[n] ? p + n + 1 : "") < 0 ||
		    finding_add_evidence(f, "%s", p) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int tcp_wrappers_detect(struct run *run)
{
	struct tw_file t[2] = {0};
	struct tw_result res = {0};
	struct query x;
	int r;

	if (!run->target->facts.sshd_libwrap)
		return 0;
	r = make_query(run, &x);
	if (r >= 0)
		r = load_tables(run, false, t);
	if (r >= 0)
		r = tw_evaluate(t, &x.q, read_list, run, &res);
	if (r >= 0)
		r = report(run, &res);
	tw_file_done(&t[0]);
	tw_file_done(&t[1]);
	tw_result_done(&res);
	query_done(&x);
	return r;
}

/*
 * Is the entry at line (the last, unterminated) read once the file ends in
 * a newline?  Not when it ends in a backslash (it would continue into
 * nothing), holds a NUL, or is longer than libwrap's buffer.
 */
static bool newline_fixes(const struct tw_file *t, unsigned line)
{
	size_t start = 0, n = 0;

	if (t->kind != TWF_REGULAR || t->len == 0 || t->data[t->len - 1] == '\\' || t->data[t->len - 1] == '\n' ||
	    memchr(t->data, '\0', t->len))
		return false;
	for (unsigned k = 1; k < line; k++) {
		const char *nl = memchr(t->data + start, '\n', t->len - start);
		if (!nl)
			return false;
		start = (size_t) (nl - t->data) + 1;
	}
	for (size_t i = start; i < t->len; i++)
		if (!(t->data[i] == '\\' && i + 1 < t->len && t->data[i + 1] == '\n' && ++i))
			n++;
	return n + 1 < TW_BUFLEN - 1;
}

static int append_action(struct finding *f, const char *fmt, ...) _printf_(2, 3);
static int append_action(struct finding *f, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	char *n = NULL;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (k < 0 || asprintf(&n, "%s%s%s", f->action ? f->action : "", f->action ? "; " : "", s) < 0)
		return -ENOMEM;
	free(f->action);
	f->action = n;
	return 0;
}

/* Set the reason a repair stops, for the report. */
static int stop(struct finding *f, int r, const char *fmt, ...) _printf_(3, 4);
static int stop(struct finding *f, int r, const char *fmt, ...)
{
	char *why = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0)
		why = NULL;
	va_end(ap);
	if (why) {
		free(f->status_reason);
		f->status_reason = why;
	}
	return r;
}

/* Add the entry that grants the client to hosts.allow, before line `before` (0: at the end). */
static int add_allow(struct run *run, struct finding *f, const struct tw_file *allow, const char *client, unsigned before)
{
	_cleanup_free_ char *entry = tw_allow_entry(TW_DAEMON, client), *text = NULL;
	int r;

	if (!entry || asprintf(&text, "%s\n", entry) < 0)
		return -ENOMEM;
	if (allow->kind == TWF_MISSING)
		r = journal_write_file(run->journal, TW_ALLOW_PATH, text, strlen(text), 0644, 0, 0);
	else if (allow->kind != TWF_REGULAR)
		return stop(f, -EPERM, "%s is not a regular file: sshfix cannot add \"%s\" to it", TW_ALLOW_PATH, entry);
	else
		r = config_insert_line(run->target, run->journal, TW_ALLOW_PATH, before ? before : UINT_MAX, entry);
	if (r < 0)
		return r;
	return before ? append_action(f, "add \"%s\" to %s before line %u", entry, TW_ALLOW_PATH, before)
		      : append_action(f, "add \"%s\" to %s", entry, TW_ALLOW_PATH);
}

/* The change that removes the refusal s. */
static int plan(struct run *run, struct finding *f, const struct query *x, const struct tw_file t[2], const struct tw_result *res)
{
	const struct tw_step *s = &res->step;
	bool entry = s->how == TWH_ENTRY || s->how == TWH_OPT_DENY || s->how == TWH_OPT_TWIST || s->how == TWH_OPT_ERROR;
	int r;

	if (res->verdict == TW_DEPENDS)
		return stop(f, -ESTALE, "%s line %u decides for some clients only (%s)", tw_table_path(s->table), s->line,
			    res->depends_on);
	if (fail2ban_ban(run, s))
		return stop(f, -ESTALE, "%s line %u is a fail2ban ban: lift it with fail2ban", tw_table_path(s->table), s->line);
	if (!run->opt.from && s->how == TWH_UNTERMINATED && newline_fixes(&t[1], s->line)) {
		/* The line was meant to be read: end it.  Mode, owner and labels stay. */
		_cleanup_free_ char *d = malloc(t[1].len + 1);
		if (!d)
			return -ENOMEM;
		memcpy(d, t[1].data, t[1].len);
		d[t[1].len] = '\n';
		r = journal_write_file(run->journal, TW_DENY_PATH, d, t[1].len + 1, (mode_t) -1, (uid_t) -1, (gid_t) -1);
		return r < 0 ? r : append_action(f, "end %s line %u with a newline", TW_DENY_PATH, s->line);
	}
	if (!run->opt.from && entry && s->everyone && s->sshd_only) {
		r = config_comment_out(run->target, run->journal, tw_table_path(s->table), s->line,
				       s->how == TWH_OPT_TWIST ? "hands every sshd connection to a shell command (twist)"
							       : "refuses sshd to every client (tcp-wrappers-deny)");
		return r < 0 ? r : append_action(f, "comment out %s line %u", tw_table_path(s->table), s->line);
	}
	/* hosts.allow is read first: an entry before anything there that could refuse the client wins. */
	return add_allow(run, f, &t[0], x->q.client, res->insert_line);
}

/* One change towards a grant: returns 1 when one was planned, 0 when the client is granted, or -errno. */
static int repair_step(struct run *run, struct finding *f, const struct query *x)
{
	struct tw_file t[2] = {0};
	struct tw_result res = {0};
	int r;

	r = load_tables(run, true, t);
	if (r >= 0)
		r = tw_evaluate(t, &x->q, read_list, run, &res);
	if (r >= 0 && res.verdict != TW_GRANT) {
		r = plan(run, f, x, t, &res);
		if (r < 0 && !f->status_reason && journal_refusal(run->journal))
			(void) stop(f, r, "%s", journal_refusal(run->journal));
		r = r < 0 ? r : 1;
	} else if (r >= 0)
		r = 0;
	tw_file_done(&t[0]);
	tw_file_done(&t[1]);
	tw_result_done(&res);
	return r;
}

static int tcp_wrappers_repair(struct run *run, struct finding *f)
{
	struct query x;
	int r;

	if (f->problem->code != PR_TCP_WRAPPERS_DENY)
		return -EOPNOTSUPP;
	r = make_query(run, &x);
	/* Each step removes the first refusal; a few suffice (two "sshd: ALL" lines need two).  What
	 * then depends on the client is another finding, reported after the apply. */
	for (unsigned k = 0; r >= 0 && k < 8; k++) {
		r = repair_step(run, f, &x);
		if (r == 0 || (k > 0 && r == -ESTALE && f->action)) {
			free(f->status_reason);
			f->status_reason = NULL;
			r = 0;
			break;
		}
	}
	query_done(&x);
	return r > 0 ? -ELOOP : r;
}

/* fail2ban's findings say which hosts.deny lines are its bans. */
static const struct fix *const tcp_wrappers_after[] = { &fix_fail2ban, NULL };

const struct fix fix_tcp_wrappers = {
	.id = "tcp-wrappers",
	.summary = "TCP wrappers: /etc/hosts.allow and /etc/hosts.deny, when sshd links libwrap",
	.rules = "RULES §7",
	.problems = tcp_wrappers_problems,
	.detect = tcp_wrappers_detect,
	.repair = tcp_wrappers_repair,
	.after = tcp_wrappers_after,
};
