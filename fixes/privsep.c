/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privsep: what sshd needs for privilege separation before it accepts a
 * single connection (RULES §4).  Every one of these stops sshd at start,
 * also under `sshd -t`, which Debian's ssh.service runs first (§11.3):
 *
 *  - the "sshd" user (§4.1): the pre-authentication child runs as it.
 *    Recreated as the distribution's package does (Debian's postinst with
 *    adduser --system, EL's spec with groupadd/useradd), byte-exact
 *    appends to passwd, shadow, group and gshadow through the journal.
 *  - the privilege separation directory, compiled into the binary (§4.3):
 *    it must be a directory owned by root, not group or other writable
 *    (§4.2).  On disk (EL /var/empty/sshd, Fedora /usr/share/empty.sshd,
 *    upstream /var/empty) it is created or repaired; under /run (Debian
 *    /run/sshd) it does not exist offline, and what matters is that boot
 *    creates it: the ssh unit's RuntimeDirectory= or a tmpfiles.d line.
 *  - from 9.8, the sshd-session program (§4.4): reported only; it comes
 *    with the package.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "confdirs.h"
#include "fixes.h"
#include "run.h"
#include "units.h"
#include "util.h"

#define PRIVSEP_USER "sshd"	/* SSH_PRIVSEP_USER: compiled in, the same on every distribution */
#define TMPFILES_CONF "/etc/tmpfiles.d/sshd.conf"

/* This family's problems: each code is its row's index in privsep_problems[]. */
enum problem_code {
	PR_PRIVSEP_USER_MISSING,
	PR_PRIVSEP_DIR_MISSING,
	PR_PRIVSEP_DIR_PERMS,
	PR_PRIVSEP_DIR_NOT_PROVIDED,
	PR_SSHD_SESSION_MISSING,
	PR_SSHD_AUTH_MISSING,
};

static const struct problem privsep_problems[] = {
	{ PR_PRIVSEP_USER_MISSING, "privsep-user-missing", SEV_ERROR, PF_SAFE_AUTO,
	  "the privilege separation user sshd is missing from {path}",
	  "sshd runs its pre-authentication child as the user \"sshd\" and stops at once without "
	  "it (\"Privilege separation user sshd does not exist\"), also for sshd -t, so the service "
	  "does not start. It is a system account sshd itself needs: no password, a nologin shell, "
	  "the empty root-owned privilege separation directory as home, no files of its own; nobody "
	  "logs in as it. It is recreated as the distribution's package creates it (Debian: adduser "
	  "--system, the first free uid from FIRST_SYSTEM_UID, group nogroup; EL: uid and group 74), "
	  "with its shadow (and on EL group) line appended; nothing else in those files changes. "
	  "RULES §4.1",
	  .follows_from = PROBLEMS_NO_SSHD },
	{ PR_PRIVSEP_DIR_MISSING, "privsep-dir-missing", SEV_ERROR, PF_SAFE_AUTO,
	  "the privilege separation directory {path} {detail}",
	  "sshd chroots its unprivileged child into this directory, compiled into the binary, and "
	  "stops at once, also for sshd -t, when it is not a directory (\"Missing privilege "
	  "separation directory\"). It is created empty, 0711 root:root, as the package ships it; "
	  "anything found in its place is renamed, never deleted. RULES §4.2, §4.3",
	  .follows_from = PROBLEMS_NO_SSHD },
	{ PR_PRIVSEP_DIR_PERMS, "privsep-dir-perms", SEV_ERROR, PF_SAFE_AUTO,
	  "the privilege separation directory {path} {detail}",
	  "sshd stops at once, also for sshd -t, unless its chroot directory is owned by root and "
	  "not writable by group or others (\"must be owned by root and not group or "
	  "world-writable\"): whoever can write there could plant files in the jail of every "
	  "pre-authentication child. Root is made the owner and the write bits are removed. "
	  "RULES §4.2" },
	{ PR_PRIVSEP_DIR_NOT_PROVIDED, "privsep-dir-not-provided", SEV_ERROR, PF_SAFE_AUTO,
	  "nothing creates {path} at boot: {detail}",
	  "/run is an empty tmpfs after every boot. Debian's sshd needs /run/sshd, which ssh.service "
	  "makes with RuntimeDirectory=sshd when it starts; without that, or a tmpfiles.d line, sshd "
	  "-t stops with \"Missing privilege separation directory: /run/sshd\" and the service does "
	  "not start. sshfix writes the line \"d /run/sshd 0755 root root\" to "
	  TMPFILES_CONF ": systemd-tmpfiles creates the directory from it at every boot, before "
	  "services start, whatever the unit says. RULES §4.2, §4.3, §11.3",
	  .follows_from = PROBLEMS_NO_SSHD },
	{ PR_SSHD_SESSION_MISSING, "sshd-session-missing", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} {detail}",
	  "From OpenSSH 9.8, sshd runs a separate program, sshd-session, for every connection and "
	  "refuses to start when it \"does not exist or is not executable\". It belongs to the "
	  "openssh-server package: reinstall that (apt-get install --reinstall openssh-server, "
	  "dnf reinstall openssh-server) rather than copy a binary from elsewhere. RULES §4.4",
	  .follows_from = PROBLEMS_NO_SSHD },
	{ PR_SSHD_AUTH_MISSING, "sshd-auth-missing", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} {detail}",
	  "From OpenSSH 10.0, sshd-session runs a third program, sshd-auth, for the authentication "
	  "phase of every connection, and sshd refuses to start when it \"does not exist or is not "
	  "executable\" (sshd -t does not check it: ExecStartPre passes, ExecStart fails). It belongs to "
	  "the openssh-server package: reinstall that (apt-get install --reinstall openssh-server, "
	  "dnf reinstall openssh-server) rather than copy a binary from elsewhere. RULES §4.4, §13.1",
	  .follows_from = PROBLEMS_NO_SSHD },
	{ .id = NULL },
};

/* ---------------------------------------------------------------- user */

enum account_style {
	STYLE_NONE,
	STYLE_DEBIAN,	/* openssh-server.postinst: adduser --system --home /run/sshd --shell /usr/sbin/nologin sshd */
	STYLE_EL,	/* openssh.spec %pre server: groupadd -g 74 -r sshd; useradd -u 74 -g sshd -r ... */
};

static enum account_style account_style(const struct target *t)
{
	const char *d = t->facts.sshd_privsep_dir;

	if (t->facts.family == DISTRO_DEBIAN)
		return STYLE_DEBIAN;
	if (t->facts.family == DISTRO_REDHAT)
		return STYLE_EL;
	/* No os-release: the binary's own layout says whose build it is. */
	if (t->facts.family == DISTRO_UNKNOWN && d) {
		if (streq(d, "/run/sshd") || streq(d, "/var/run/sshd"))
			return STYLE_DEBIAN;
		if (streq(d, "/var/empty/sshd") || streq(d, "/usr/share/empty.sshd"))
			return STYLE_EL;
	}
	return STYLE_NONE;
}


/* The account files as they will be once the repairs planned so far are applied. */
static int load_current(struct run *run, const char *path, enum acct_kind kind, struct acct_file *ret)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	r = journal_read_current(run->journal, path, &data, &len);
	if (r == -ENOENT) {
		*ret = (struct acct_file) { .kind = kind };
		return 0;
	}
	if (r < 0)
		return r;
	r = acct_file_parse(kind, data, len, ret);
	if (r < 0)
		return r;
	ret->present = true;
	return 0;
}

/* Append raw as a new entry of f and plan the rewrite of path: same mode, owner and xattrs. */
static int append_entry(struct run *run, const char *path, struct acct_file *f, const char *raw)
{
	_cleanup_free_ char *out = NULL;
	size_t out_len;
	int r;

	r = acct_file_append_line(f, raw);
	if (r < 0)
		return r;
	r = acct_file_render(f, &out, &out_len);
	if (r < 0)
		return r;
	r = journal_write_file(run->journal, path, out, out_len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
	return r < 0 ? r : 0;
}

/* gshadow is not in the accounts model: its lines are name:passwd:admins:members. */
static int append_gshadow(struct run *run, const char *raw)
{
	_cleanup_free_ char *data = NULL;
	struct buf b = {0};
	size_t len, n = strlen(PRIVSEP_USER ":");
	int r;

	r = journal_read_current(run->journal, "/etc/gshadow", &data, &len);
	if (r == -ENOENT)
		return 0;	/* no gshadow on this system: nothing to keep in step */
	if (r < 0)
		return r;
	for (const char *p = data, *end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t) (end - p));
		if ((size_t) (end - p) >= n && memcmp(p, PRIVSEP_USER ":", n) == 0)
			return 0;
		p = nl ? nl + 1 : end;
	}
	buf_append(&b, data, len);
	if (len > 0 && data[len - 1] != '\n')
		buf_putc(&b, '\n');
	buf_printf(&b, "%s\n", raw);
	if (!buf_ok(&b)) {
		buf_done(&b);
		return -ENOMEM;
	}
	r = journal_write_file(run->journal, "/etc/gshadow", b.data, b.len, (mode_t) -1, (uid_t) -1, (gid_t) -1);
	buf_done(&b);
	return r < 0 ? r : 0;
}

/* Days since 1970 for shadow's lastchg; SOURCE_DATE_EPOCH wins, as in shadow-utils' useradd. */
static long days_now(void)
{
	return (long) (clock_now() / 86400);
}

static bool uid_free(const struct acct_file *pw, unsigned long id)
{
	for (size_t i = 0; i < pw->n_entries; i++)
		if (pw->pw[i].uid == (uid_t) id)
			return false;
	return true;
}

static bool gid_free(const struct acct_file *gr, unsigned long id)
{
	for (size_t i = 0; i < gr->n_entries; i++)
		if (gr->gr[i].gid == (gid_t) id)
			return false;
	return true;
}

static const struct gr_entry *group_named(const struct acct_file *gr, const char *name)
{
	for (size_t i = 0; i < gr->n_entries; i++)
		if (streq(gr->gr[i].name, name))
			return &gr->gr[i];
	return NULL;
}

struct new_account {
	unsigned long uid, gid;
	bool add_group;		/* EL: the sshd group is created too */
	const char *gecos, *home, *shell, *locked;
};

/*
 * Debian: adduser --system (adduser 3.134, Debian 12) takes the first uid
 * from FIRST_SYSTEM_UID to LAST_SYSTEM_UID (adduser.conf; 100-999) that no
 * passwd entry uses, and without --group the group nogroup (65534 if there
 * is none); useradd -r then writes shadow with '!' and no ageing.
 */
static int plan_debian(struct run *run, const struct acct_file *pw, const struct acct_file *gr,
		       struct new_account *a)
{
	unsigned long first = target_conf_number(run->target, "/etc/adduser.conf", "FIRST_SYSTEM_UID", 100);
	unsigned long last = target_conf_number(run->target, "/etc/adduser.conf", "LAST_SYSTEM_UID", 999);
	const struct gr_entry *ng = group_named(gr, "nogroup");

	for (unsigned long id = first; id <= last; id++)
		if (uid_free(pw, id)) {
			a->uid = id;
			a->gid = ng ? ng->gid : 65534;
			a->gecos = "";
			a->shell = "/usr/sbin/nologin";
			a->locked = "!";
			return 0;
		}
	return -ERANGE;
}

/*
 * EL: the spec's %pre creates group sshd with gid 74 and user sshd with
 * uid 74 in it ("Privilege-separated SSH", /sbin/nologin); EL's useradd
 * writes '!!' to shadow, and no ageing for system accounts.  An existing
 * sshd group is used as it is.  Where 74 is taken the spec's commands
 * would fail; we take the highest id from SYS_UID_MAX down (login.defs;
 * 201-999) that is free for both, as useradd -r allocates.
 */
static int plan_el(struct run *run, const struct acct_file *pw, const struct acct_file *gr, struct new_account *a)
{
	const struct gr_entry *g = group_named(gr, PRIVSEP_USER);

	a->gecos = "Privilege-separated SSH";
	a->shell = "/sbin/nologin";
	a->locked = "!!";
	a->add_group = !g;
	if (uid_free(pw, 74) && (g || gid_free(gr, 74))) {
		a->uid = 74;
		a->gid = g ? g->gid : 74;
		return 0;
	}
	unsigned long lo = target_conf_number(run->target, "/etc/login.defs", "SYS_UID_MIN", 201);
	unsigned long hi = target_conf_number(run->target, "/etc/login.defs", "SYS_UID_MAX", 999);
	for (unsigned long id = hi; id >= lo && id > 0; id--)
		if (uid_free(pw, id) && (g || gid_free(gr, id))) {
			a->uid = id;
			a->gid = g ? g->gid : id;
			return 0;
		}
	return -ERANGE;
}

static void accounts_donep(struct accounts *a)
{
	accounts_done(a);
}

static int repair_user(struct run *run, struct finding *f)
{
	const struct target *t = run->target;
	enum account_style style = account_style(t);
	_cleanup_(accounts_donep) struct accounts cur = {
		.passwd = { .kind = ACCT_PASSWD }, .group = { .kind = ACCT_GROUP }, .shadow = { .kind = ACCT_SHADOW },
	};
	_cleanup_free_ char *pwline = NULL, *spline = NULL, *grline = NULL;
	struct new_account a = {0};
	int r;

	if (style == STYLE_NONE) {
		f->status_reason = strdup("sshfix knows how Debian and Red Hat create this account, not this system; "
					  "reinstall openssh-server to have its own scripts create it");
		return -EOPNOTSUPP;
	}
	r = load_current(run, "/etc/passwd", ACCT_PASSWD, &cur.passwd);
	if (r == 0)
		r = load_current(run, "/etc/group", ACCT_GROUP, &cur.group);
	if (r == 0)
		r = load_current(run, "/etc/shadow", ACCT_SHADOW, &cur.shadow);
	if (r < 0)
		return r;
	if (accounts_user_by_name(&cur, PRIVSEP_USER))
		return 0;	/* an earlier repair of this run added it */
	/* A line for sshd the parser refused: glibc may read it; a second one would be a guess. */
	for (size_t i = 0; i < cur.passwd.n_lines; i++)
		if (cur.passwd.lines[i].state == LINE_BAD && startswith(cur.passwd.lines[i].raw, PRIVSEP_USER ":")) {
			if (asprintf(&f->status_reason, "line %zu of /etc/passwd is for sshd but cannot be parsed "
							"(account-file-bad-line); correct that line instead", i + 1) < 0)
				f->status_reason = NULL;
			return -EEXIST;
		}

	r = style == STYLE_DEBIAN ? plan_debian(run, &cur.passwd, &cur.group, &a)
				  : plan_el(run, &cur.passwd, &cur.group, &a);
	if (r < 0) {
		f->status_reason = strdup("no free system uid is left in the range the distribution uses");
		return r;
	}
	/* The home is the privilege separation directory, as both packages make it. */
	a.home = t->facts.sshd_privsep_dir ? t->facts.sshd_privsep_dir
		 : style == STYLE_DEBIAN   ? "/run/sshd"
					   : "/var/empty/sshd";

	if (asprintf(&pwline, "%s:%s:%lu:%lu:%s:%s:%s", PRIVSEP_USER, cur.shadow.present ? "x" : "*", a.uid, a.gid,
		     a.gecos, a.home, a.shell) < 0 ||
	    asprintf(&spline, "%s:%s:%ld::::::", PRIVSEP_USER, a.locked, days_now()) < 0 ||
	    asprintf(&grline, "%s:x:%lu:", PRIVSEP_USER, a.gid) < 0)
		return -ENOMEM;
	bool group = a.add_group && cur.group.present;
	bool shadow = cur.shadow.present && !accounts_shadow_by_name(&cur, PRIVSEP_USER);
	if (asprintf(&f->action, "add user sshd (uid %lu, gid %lu, home %s, shell %s) to /etc/passwd%s%s", a.uid,
		     a.gid, a.home, a.shell, shadow ? " and /etc/shadow" : "",
		     group ? ", group sshd to /etc/group (and /etc/gshadow)" : "") < 0) {
		f->action = NULL;
		return -ENOMEM;
	}

	if (group) {
		r = append_entry(run, "/etc/group", &cur.group, grline);
		if (r == 0)
			r = append_gshadow(run, PRIVSEP_USER ":!::");
		if (r < 0)
			return r;
	}
	/* shadow may keep the line of an account passwd lost: kept, not doubled. */
	r = append_entry(run, "/etc/passwd", &cur.passwd, pwline);
	if (r == 0 && shadow)
		r = append_entry(run, "/etc/shadow", &cur.shadow, spline);
	return r;
}

/*
 * rpm-ostree systems (Fedora CoreOS, Silverblue) keep system accounts in
 * /usr/lib/passwd, read through nss-altfiles ("passwd: files altfiles" in
 * nsswitch.conf): sshd is found there, not in /etc/passwd.  Returns 1 when
 * it is.
 */
static int in_altfiles(struct run *run)
{
	_cleanup_free_ char *ns = NULL, *data = NULL;
	struct acct_file pw = { .kind = ACCT_PASSWD };
	bool alt = false;
	size_t len;
	int r;

	if (target_read_file(run->target, "/etc/nsswitch.conf", 1u << 20, &ns, &len) < 0)
		return 0;
	for (char *l = ns, *next; l && !alt; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		l += strspn(l, " \t");
		if (startswith(l, "passwd:")) {
			char *hash = strchr(l, '#');
			if (hash)
				*hash = '\0';
			alt = strstr(l, "altfiles") != NULL;
		}
	}
	if (!alt || target_read_file(run->target, "/usr/lib/passwd", CONFIG_MAX, &data, &len) < 0)
		return 0;
	r = acct_file_parse(ACCT_PASSWD, data, len, &pw);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	struct accounts a = { .passwd = pw };
	r = accounts_user_by_name(&a, PRIVSEP_USER) != NULL;
	acct_file_done(&pw);
	return r;
}

static int check_user(struct run *run)
{
	const struct accounts *a = &run->model.accounts;
	struct finding *f;
	int r;

	/* A missing or unreadable passwd is account-db's finding; appending to nothing would be a guess. */
	if (!run->model.accounts_loaded || !a->passwd.present)
		return 0;
	if (accounts_user_by_name(a, PRIVSEP_USER))
		return 0;
	r = in_altfiles(run);
	if (r != 0)
		return r < 0 ? r : 0;
	f = run_add_finding(run, &privsep_problems[PR_PRIVSEP_USER_MISSING], "/etc/passwd", PRIVSEP_USER);
	if (!f || finding_add_evidence(f, "/etc/passwd: no entry named sshd among %zu", a->passwd.n_entries) < 0)
		return -ENOMEM;
	return 0;
}

/* ------------------------------------------------------ the directory */

/* "/run/sshd" -> "sshd", "/var/run/sshd" -> "sshd"; NULL when not under /run. */
static const char *run_relative(const char *dir)
{
	if (startswith(dir, "/run/") && dir[5])
		return dir + 5;
	if (startswith(dir, "/var/run/") && dir[9])
		return dir + 9;
	return NULL;
}

static int check_runtime(struct run *run, const char *dir)
{
	_cleanup_strv_free_ char **rt = NULL;
	_cleanup_free_ char *where = NULL, *list = NULL;
	const struct unit *u;
	const char *unit;
	struct finding *f;
	struct buf b = {0};
	int r;

	r = units_ssh_service(run_units(run), &u);
	if (r < 0)
		return r;
	/* No systemd unit: an init script (Debian's /etc/init.d/ssh makes the
	 * directory itself) or nothing starts sshd; the latter is the service
	 * check's finding. */
	if (r == 0)
		return 0;
	r = unit_runtime_dirs(u, &rt);
	if (r < 0)
		return r;
	unit = u->path;
	if (strv_contains(rt, run_relative(dir)))
		return 0;
	r = tmpfiles_creates_dir(run->target, dir, &where);
	if (r != 0)
		return r < 0 ? r : 0;

	for (size_t i = 0; rt[i]; i++)
		buf_printf(&b, "%s%s", i ? " " : "", rt[i]);
	list = buf_steal(&b);
	f = run_add_finding(run, &privsep_problems[PR_PRIVSEP_DIR_NOT_PROVIDED], dir, NULL);
	if (!f || finding_set_detail(f, "no RuntimeDirectory=%s in %s or its drop-ins, no tmpfiles.d line",
				     run_relative(dir), unit) < 0 ||
	    finding_add_evidence(f, "%s (with drop-ins): RuntimeDirectory=%s", unit, list && *list ? list : "(none)") < 0 ||
	    finding_add_evidence(f, "tmpfiles.d: no d line for %s", dir) < 0)
		return -ENOMEM;
	return 0;
}

static int check_disk_dir(struct run *run, const char *dir)
{
	struct target_path tp = {0};
	struct finding *f;
	struct stat lst;
	char m[8];
	int r;

	/* sshd stat()s the path: a symbolic link to a good directory is fine. */
	r = target_resolve(run->target, dir, TR_ROOT_SYMLINKS_ONLY, &tp, NULL);
	if (r == -ENOMEM)
		return r;
	if (r == -ENOENT || r == -ENOTDIR || r == -ELOOP) {
		f = run_add_finding(run, &privsep_problems[PR_PRIVSEP_DIR_MISSING], dir, NULL);
		if (!f)
			return -ENOMEM;
		bool link = target_lstat(run->target, dir, &lst) == 0 && S_ISLNK(lst.st_mode);
		return finding_set_detail(f, "%s", link ? "is a symbolic link that leads nowhere" : "does not exist") < 0
			       ? -ENOMEM
			       : 0;
	}
	if (r < 0)
		return 0;	/* a link a user owns: sshfix follows none; not guessed at */

	if (!S_ISDIR(tp.st.st_mode)) {
		f = run_add_finding(run, &privsep_problems[PR_PRIVSEP_DIR_MISSING], dir, NULL);
		r = !f || finding_set_detail(f, "is not a directory but %s",
					     S_ISREG(tp.st.st_mode) ? "a regular file" : "a special file") < 0 ||
				    finding_add_evidence(f, "%s: mode %s, owner %u:%u", tp.canon,
							 mode_str(tp.st.st_mode, m), (unsigned) tp.st.st_uid,
							 (unsigned) tp.st.st_gid) < 0
			    ? -ENOMEM
			    : 0;
		target_path_done(&tp);
		return r;
	}
	if (tp.st.st_uid == 0 && (tp.st.st_mode & 022) == 0) {
		target_path_done(&tp);
		return 0;
	}
	f = run_add_finding(run, &privsep_problems[PR_PRIVSEP_DIR_PERMS], tp.canon, NULL);
	if (!f) {
		target_path_done(&tp);
		return -ENOMEM;
	}
	/* Root's directory: another owner's group means nothing here either. */
	f->want = (struct perms_want) {
		.mode = tp.st.st_mode & 07755,
		.uid = 0,
		.gid = tp.st.st_uid != 0 ? 0 : (gid_t) -1,
	};
	if (tp.st.st_uid != 0)
		r = finding_set_detail(f, "is owned by uid %u, not root", (unsigned) tp.st.st_uid);
	else
		r = finding_set_detail(f, "is writable by group or others (mode %s)", mode_str(tp.st.st_mode, m));
	if (r >= 0)
		r = finding_add_evidence(f, "%s: mode %s, owner %u:%u", tp.canon, mode_str(tp.st.st_mode, m),
					 (unsigned) tp.st.st_uid, (unsigned) tp.st.st_gid);
	target_path_done(&tp);
	return r < 0 ? -ENOMEM : 0;
}

static int check_dir(struct run *run)
{
	const char *dir = run->target->facts.sshd_privsep_dir;

	if (!dir)
		return 0;	/* not one of the known layouts: nothing to compare against */
	if (run_relative(dir))
		return check_runtime(run, dir);
	return check_disk_dir(run, dir);
}

/* The canonical path of dir's parent, planning its creation (0755 root) when only the grandparent exists. */
static int plan_parent(struct run *run, struct finding *f, const char *dir, char **ret)
{
	_cleanup_free_ char *parent = path_parent(dir), *grand = NULL;
	struct target_path tp = {0};
	int r;

	if (!parent)
		return -ENOMEM;
	r = target_resolve(run->target, parent, TR_ROOT_SYMLINKS_ONLY, &tp, NULL);
	if (r == 0) {
		if (!S_ISDIR(tp.st.st_mode)) {
			target_path_done(&tp);
			if (asprintf(&f->status_reason, "%s is not a directory", parent) < 0)
				f->status_reason = NULL;
			return -ENOTDIR;
		}
		*ret = TAKE_PTR(tp.canon);
		target_path_done(&tp);
		return 0;
	}
	if (r != -ENOENT)
		return r;
	grand = path_parent(parent);
	if (!grand)
		return -ENOMEM;
	r = target_resolve(run->target, grand, TR_ROOT_SYMLINKS_ONLY, &tp, NULL);
	if (r < 0 || !S_ISDIR(tp.st.st_mode)) {
		if (r == 0)
			target_path_done(&tp);
		if (asprintf(&f->status_reason, "neither %s nor %s exists", parent, grand) < 0)
			f->status_reason = NULL;
		return r < 0 ? r : -ENOTDIR;
	}
	_cleanup_free_ char *p = path_join(tp.canon, path_last(parent));
	target_path_done(&tp);
	if (!p)
		return -ENOMEM;
	r = journal_mkdir(run->journal, p, 0755, 0, 0);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 1;	/* the parent is new */
}

static int repair_dir_missing(struct run *run, struct finding *f)
{
	_cleanup_free_ char *parent = NULL, *canon = NULL, *aside = NULL;
	_cleanup_(buf_done) struct buf act = {0};
	struct stat st;
	int r;

	r = plan_parent(run, f, f->path, &parent);
	if (r < 0)
		return r;
	if (r > 0)
		buf_printf(&act, "create %s 0755 root:root, ", parent);
	canon = path_join(parent, path_last(f->path));
	if (!canon)
		return -ENOMEM;
	if (target_lstat(run->target, canon, &st) == 0 && !S_ISDIR(st.st_mode)) {
		/* Keep whatever is in the way, under a name beside it. */
		for (unsigned i = 0; i < 100; i++) {
			free(aside);
			aside = NULL;
			if ((i ? asprintf(&aside, "%s.sshfix-moved.%u", canon, i)
			       : asprintf(&aside, "%s.sshfix-moved", canon)) < 0) {
				aside = NULL;
				return -ENOMEM;
			}
			if (target_lstat(run->target, aside, &st) == -ENOENT)
				break;
		}
		r = journal_rename(run->journal, canon, aside);
		if (r < 0)
			return r;
		buf_printf(&act, "rename %s to %s, ", canon, aside);
	}
	buf_printf(&act, "create %s 0711 root:root", canon);
	if (!buf_ok(&act))
		return -ENOMEM;
	f->action = buf_steal(&act);
	r = journal_mkdir(run->journal, canon, 0711, 0, 0);
	return r < 0 ? r : 0;
}

/*
 * Debian's layout: make /run/sshd at every boot.  The line goes into
 * /etc/tmpfiles.d/sshd.conf, or is added to it when the administrator has
 * one; when the name is taken by a vendor file (which /etc's would hide),
 * a name of our own is used instead.
 */
static int repair_not_provided(struct run *run, struct finding *f)
{
	_cleanup_free_ char *line = NULL, *data = NULL;
	const char *conf = TMPFILES_CONF;
	struct stat st;
	size_t len = 0;
	int r;

	/* /var/run is a link to /run; tmpfiles warns about the legacy name. */
	if (asprintf(&line, "d /run/%s 0755 root root\n", run_relative(f->path)) < 0)
		return -ENOMEM;
	r = target_lstat(run->target, TMPFILES_CONF, &st);
	if (r == 0 && !S_ISREG(st.st_mode))
		conf = "/etc/tmpfiles.d/sshfix-sshd.conf";	/* a mask of a vendor sshd.conf: leave it */
	else if (r == -ENOENT) {
		/* A vendor sshd.conf that /etc's would hide. */
		_cleanup_strv_free_ char **lower = NULL;
		_cleanup_free_ char *vendor = NULL;
		r = confdirs_join(confdirs_systemd_layers + 1, "tmpfiles.d", &lower);
		if (r >= 0)
			r = confdirs_find(run->target, (const char *const *) lower, "sshd.conf", 0, &vendor);
		if (r < 0)
			return r;
		if (r > 0)
			conf = "/etc/tmpfiles.d/sshfix-sshd.conf";
	}

	r = journal_mkdir(run->journal, "/etc/tmpfiles.d", 0755, 0, 0);
	if (r < 0)
		return r;
	r = journal_read_current(run->journal, conf, &data, &len);
	if (r == -ENOENT) {
		_cleanup_free_ char *text = NULL;
		if (asprintf(&text, "# Written by sshfix: sshd's privilege separation directory, made at every\n"
				    "# boot (the ssh unit does not make it with RuntimeDirectory=).\n%s",
			     line) < 0)
			return -ENOMEM;
		r = journal_write_file(run->journal, conf, text, strlen(text), 0644, 0, 0);
	} else if (r == 0) {
		struct buf b = {0};
		buf_append(&b, data, len);
		if (len > 0 && data[len - 1] != '\n')
			buf_putc(&b, '\n');
		buf_puts(&b, line);
		r = buf_ok(&b) ? journal_write_file(run->journal, conf, b.data, b.len, (mode_t) -1, (uid_t) -1,
						   (gid_t) -1)
			       : -ENOMEM;
		buf_done(&b);
	}
	if (r < 0)
		return r;
	line[strlen(line) - 1] = '\0';
	if (asprintf(&f->action, "add \"%s\" to %s", line, conf) < 0) {
		f->action = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------- sshd-session, sshd-auth */

/* The helper a 9.8+ sshd runs (sshd-session; sshd-auth from 10.0): the
 * path compiled into the binary, or the keyword's in sshd_config. */
static int check_helper(struct run *run, int major, int minor, const char *keyword, const char *compiled,
			enum problem_code code)
{
	const struct sshd_option *o = NULL;
	const char *path = compiled;
	struct finding *f;
	struct stat st;
	char m[8];
	int r;

	if (!target_sshd_at_least(run->target, major, minor))
		return 0;
	if (run->model.sshd)
		o = sshd_config_first(run->model.sshd, keyword);
	if (o && o->args[0] && o->args[0][0] == '/')
		path = o->args[0];
	if (!path)
		return 0;	/* a binary that names none: older, or not one we can read */

	r = target_stat(run->target, path, &st);
	if (r == -ENOMEM)
		return r;
	if (r == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
		return 0;
	f = run_add_finding(run, &privsep_problems[code], path, NULL);
	if (!f)
		return -ENOMEM;
	if (r < 0)
		r = finding_set_detail(f, "%s", r == -ENOENT ? "does not exist" : "cannot be examined");
	else if (!S_ISREG(st.st_mode))
		r = finding_set_detail(f, "is not a regular file");
	else
		r = finding_set_detail(f, "is not executable (mode %s)", mode_str(st.st_mode, m));
	if (r >= 0)
		r = o ? finding_add_evidence(f, "%s %s (%s line %u)", keyword, path, o->file, o->line)
		      : finding_add_evidence(f, "the sshd binary names %s", path);
	return r < 0 ? -ENOMEM : 0;
}

static int check_session(struct run *run)
{
	const struct target_facts *tf = &run->target->facts;
	int r = check_helper(run, 9, 8, "SshdSessionPath", tf->sshd_session_path, PR_SSHD_SESSION_MISSING);

	if (r >= 0)
		r = check_helper(run, 10, 0, "SshdAuthPath", tf->sshd_auth_path, PR_SSHD_AUTH_MISSING);
	return r;
}

/* ------------------------------------------------------------ family */

static int privsep_detect(struct run *run)
{
	int r;

	if (!run->target->facts.sshd_path)
		return 0;	/* no sshd to need any of this */
	r = check_user(run);
	if (r >= 0)
		r = check_dir(run);
	if (r >= 0)
		r = check_session(run);
	return r;
}

static int privsep_repair(struct run *run, struct finding *f)
{
	switch (f->problem->code) {
	case PR_PRIVSEP_USER_MISSING:
		return repair_user(run, f);
	case PR_PRIVSEP_DIR_MISSING:
		return repair_dir_missing(run, f);
	case PR_PRIVSEP_DIR_PERMS: {
		int r = fix_repair_perms(run, f);
		return r < 0 ? r : 0;
	}
	case PR_PRIVSEP_DIR_NOT_PROVIDED:
		return repair_not_provided(run, f);
	default:
		return -EOPNOTSUPP;
	}
}

const struct fix fix_privsep = {
	.id = "privsep",
	.summary = "the sshd user, the privilege separation directory and sshd-session",
	.rules = "RULES §4.1-4.4",
	.problems = privsep_problems,
	.detect = privsep_detect,
	.repair = privsep_repair,
};
