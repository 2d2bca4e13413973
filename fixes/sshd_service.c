/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ssh-service: whether systemd starts sshd at boot at all (RULES §11).
 * A perfect sshd_config is worth nothing when the unit never runs.
 *
 * The unit is found as systemd finds it, in /etc/systemd/system,
 * /run/systemd/system, /usr/local/lib, /lib and /usr/lib/systemd/system:
 * Debian and Ubuntu ship ssh.service (Alias=sshd.service), EL, Fedora and
 * SUSE sshd.service (§11.1).  Then:
 *
 *  - ssh-unit-masked: /etc or /run/systemd/system/<name> links to /dev/null
 *    (or is empty, or links to another character device or empty file:
 *    systemd's null_or_empty()) for ssh.service or sshd.service (§11.2).
 *    The repair removes that one link; a unit file under /lib or /usr/lib is
 *    never touched (the package owns it, and a mask never lives there).
 *  - ssh-unit-not-enabled: no WantedBy=/RequiredBy= link of the unit's
 *    [Install] section exists (§11.2) and the matching .socket is not enabled
 *    either: Ubuntu 22.10+ start sshd from ssh.socket with ssh.service
 *    disabled, which is healthy (§11.4).  The repair does what `systemctl
 *    enable` does, generically from [Install]: a link
 *    /etc/systemd/system/<target>.wants/<unit> (.requires for RequiredBy=)
 *    and /etc/systemd/system/<alias> for every Alias=, each pointing to the
 *    unit file by the absolute path systemctl writes (D12: Debian 12's
 *    systemctl writes /lib/systemd/system/ssh.service; the target's own
 *    existing links tell which of /lib and /usr/lib its systemctl uses).
 *    Also= is not followed: no ssh unit uses it.
 *  - sshd-not-to-be-run: /etc/ssh/sshd_not_to_be_run exists, and the unit's
 *    ConditionPathExists=! (and Debian's init script) skip sshd without a
 *    word in any log a user would look at (§11.3).  It is a deliberate
 *    off-switch, and still SAFE_AUTO, not NEEDS_CONFIRM: whoever runs
 *    `sshfix --apply` asks for SSH logins to work, and this file does
 *    nothing but stop sshd; a mask and a disabled unit are off-switches
 *    just as deliberate and are SAFE_AUTO too; the places sshfix --apply
 *    runs from (a web console, the initramfs hook, a fleet's run-command)
 *    have no person to say yes, so NEEDS_CONFIRM would leave a machine with
 *    no way in exactly where sshfix is the only way back; and the removal
 *    is journaled, so `sshfix --undo` puts the switch back.  The problem
 *    text says that it was a switch, so nobody is surprised.
 *  - sshd-opts-bad: the variables ExecStart= passes to sshd ($SSHD_OPTS
 *    from /etc/default/ssh on Debian, $OPTIONS from /etc/sysconfig/sshd on
 *    EL, found generically from EnvironmentFile= and ExecStart=) hold
 *    flags sshd refuses at start: an unknown option letter, a missing
 *    argument, -p with a bad port, -f naming a missing file, -o with a bad
 *    keyword or value (src/sshd_args.h, RULES §3.3, §3.8), an extra
 *    argument, or a flag that makes sshd exit instead of serving (-t, -T,
 *    -G, -V, -i, -R).  The file is parsed as systemd's EnvironmentFile=
 *    parser reads it (src/envfile.h; that is what runs at boot) and $VAR
 *    is split at white space honouring quotes as ExecStart= does; nothing
 *    is ever executed.  A value with shell expansions ($, `) is not judged (the
 *    init script would expand it, systemd would not): a note says so.  The
 *    repair comments the assignment out (config_comment_out()), so sshd
 *    runs with no extra flags.
 *  - ssh-socket-port-mismatch: ssh.socket (or sshd.socket) is enabled and
 *    its ListenStream= list (the unit file plus drop-ins from every unit
 *    directory, in systemd's order, where an empty ListenStream= resets the
 *    list, §11.4) differs from what sshd_config asks for with Port and
 *    ListenAddress.  With socket activation the socket decides; Ubuntu
 *    22.10-23.10 ignored sshd_config's Port.  Where the target has
 *    Ubuntu 24.04's sshd-socket-generator, its addresses.conf (made from
 *    sshd_config at boot) is modelled as a drop-in.  Report only: which
 *    of the two is meant is a person's call.
 *  - sshd-binary-missing: the program ExecStart= runs (/usr/sbin/sshd)
 *    does not exist or is not executable.  Report only: reinstall
 *    openssh-server.
 *
 * The unit checks run only on a target that has systemd
 * (/lib/systemd/systemd or /usr/lib/systemd/systemd); an init without
 * units has nothing to mask or enable.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config_edit.h"
#include "envfile.h"
#include "fixes.h"
#include "run.h"
#include "sshd_args.h"
#include "units.h"
#include "util.h"

#define UNIT_MAX (1u << 20)
#define NOT_TO_BE_RUN "/etc/ssh/sshd_not_to_be_run"
#define ETC_UNITS "/etc/systemd/system"
#define SSHD_DEFAULT_BIN "/usr/sbin/sshd"

static const struct problem ssh_service_problems[] = {
	{ PR_SSH_UNIT_MASKED, "ssh-unit-masked", SEV_ERROR, PF_SAFE_AUTO,
	  "{detail}, so systemd never starts it",
	  "systemd never starts a masked unit, not at boot and not by hand (\"Unit ... is masked\"), "
	  "so sshd does not run and clients see \"Connection refused\". The mask link is removed, which "
	  "is what `systemctl unmask` does; the unit file under /lib or /usr/lib is never touched. "
	  "RULES §11.1, §11.2" },
	{ PR_SSH_UNIT_NOT_ENABLED, "ssh-unit-not-enabled", SEV_ERROR, PF_SAFE_AUTO,
	  "{detail} is not enabled: nothing starts sshd at boot",
	  "A unit starts at boot only when a link in <target>.wants/ names it, as its [Install] "
	  "WantedBy= says (multi-user.target for ssh.service); the socket unit is not enabled either, "
	  "so no socket activation (healthy on Ubuntu 22.10 and later) starts it instead. The links "
	  "`systemctl enable` would make are created: the .wants link and the Alias= links, pointing to "
	  "the unit file. RULES §11.1, §11.2, §11.4",
	  .follows_from = PROBLEMS_NO_SSHD },
	{ PR_SSHD_NOT_TO_BE_RUN, "sshd-not-to-be-run", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} exists: sshd was switched off on purpose, and the ssh unit skips it without a word",
	  "Debian's ssh.service (and ssh.socket, and the init script) carry "
	  "ConditionPathExists=!/etc/ssh/sshd_not_to_be_run: while this file exists sshd is not "
	  "started, and no error is logged. Someone created it on purpose to switch sshd off; sshfix "
	  "removes it because SSH logins are what was asked for, and `sshfix --undo` puts it back. "
	  "RULES §11.3" },
	{ PR_SSHD_OPTS_BAD, "sshd-opts-bad", SEV_ERROR, PF_SAFE_AUTO,
	  "{path} line {line}: {detail}",
	  "The unit passes these flags to sshd (ExecStart=/usr/sbin/sshd -D $SSHD_OPTS on Debian, "
	  "$OPTIONS on EL), and sshd stops at once on an option it does not know, a missing "
	  "argument, a bad port, a -f file that does not exist or a bad -o keyword or value; -t, -T, "
	  "-G, -V and -i make it exit instead of serving. `sshd -t` in ExecStartPre does not see them. "
	  "The assignment is commented out, so sshd starts with its configuration file alone. "
	  "RULES §3.3, §3.8, §11.3" },
	{ PR_SSH_SOCKET_PORTS, "ssh-socket-port-mismatch", SEV_ERROR, PF_REPORT_ONLY,
	  "{detail}",
	  "With socket activation systemd, not sshd, listens: the ports and addresses come from "
	  "ListenStream= in the socket unit and its drop-ins (an empty ListenStream= clears the list), "
	  "and sshd_config's Port and ListenAddress are not used (Ubuntu 22.10-23.10). Clients that "
	  "use the port sshd_config names get \"Connection refused\". Make them agree: edit the drop-in "
	  "(e.g. /etc/systemd/system/ssh.socket.d/addresses.conf) or sshd_config. RULES §11.4" },
	{ PR_SSHD_BINARY_MISSING, "sshd-binary-missing", SEV_ERROR, PF_REPORT_ONLY,
	  "{path} {detail}: nothing can run sshd",
	  "The ssh unit runs this program; without it the unit fails at once and nobody can log in. "
	  "Reinstall the server package (apt-get install --reinstall openssh-server, or "
	  "dnf reinstall openssh-server) from a rescue shell. RULES §11.3" },
	{ .id = NULL },
};

/* Where a mask can live: `systemctl mask` and `mask --runtime`. */
static const char *const mask_dirs[] = { ETC_UNITS, "/run/systemd/system" };
/* Drop-in directories, highest priority first (generator output between /run and /usr/local). */
static const char *const dropin_dirs[] = {
	ETC_UNITS, "/run/systemd/system", "/run/systemd/generator", "/usr/local/lib/systemd/system",
	"/lib/systemd/system", "/usr/lib/systemd/system",
};
static const char *const generator_paths[] = {
	"/usr/lib/systemd/system-generators/sshd-socket-generator",
	"/lib/systemd/system-generators/sshd-socket-generator",
};


/*
 * A unit name systemd accepts (unit_name_is_valid()): at most 255 bytes
 * of [A-Za-z0-9:_.\\@-] and a known type suffix.  WantedBy=, RequiredBy=
 * and Alias= values become file names under /etc/systemd/system, so a
 * garbage unit file must not make sshfix create garbage names there.
 */
static bool unit_name_valid(const char *s)
{
	static const char *const types[] = { ".service", ".socket", ".target", ".device", ".mount", ".automount",
					     ".swap", ".timer", ".path", ".slice", ".scope" };
	size_t n = strlen(s);
	const char *dot = strrchr(s, '.');

	if (n == 0 || n > 255 || !dot || dot == s)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char) *p) && !strchr(":_.\\@-", *p))
			return false;
	for (size_t i = 0; i < ELEMENTSOF(types); i++)
		if (streq(dot, types[i]))
			return true;
	return false;
}

/* What detect() learns once and the checks share. */
struct svc {
	const char *vendor_first;	/* the vendor dir the target's systemctl writes into links */
	bool has_systemd;
	/* The service unit (ssh.service or sshd.service) */
	char *name, *path, *text;
	size_t len;
	/* Its socket unit (ssh.socket or sshd.socket), when installed */
	char *sock_name, *sock_path, *sock_text;
	size_t sock_len;
};

static void svc_done(struct svc *s)
{
	free(s->name);
	free(s->path);
	free(s->text);
	free(s->sock_name);
	free(s->sock_path);
	free(s->sock_text);
}

/* The text of a symlink inside the target (not followed). */
static int read_link(struct target *t, const char *path, char **ret)
{
	_cleanup_close_ int fd = target_open(t, path, O_PATH | O_NOFOLLOW, TR_NOFOLLOW);
	size_t size = 256;

	if (fd < 0)
		return fd;
	for (;;) {
		_cleanup_free_ char *s = malloc(size);
		if (!s)
			return -ENOMEM;
		ssize_t n = readlinkat(fd, "", s, size);
		if (n < 0)
			return negative_errno();
		if ((size_t) n < size) {
			s[n] = '\0';
			*ret = TAKE_PTR(s);
			return 0;
		}
		if (size >= 16384)
			return -ENAMETOOLONG;
		size *= 2;
	}
}

/* A link's text made absolute and free of "." and ".." (lexically, as for "/dev/null"). */
static char *link_absolute(const char *link_path, const char *text)
{
	_cleanup_free_ char *parent = path_parent(link_path), *joined = NULL;
	struct buf b = {0};

	if (!parent)
		return NULL;
	joined = text[0] == '/' ? strdup(text) : path_join(parent, text);
	if (!joined)
		return NULL;
	for (const char *p = joined; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchrnul(p, '/');
		size_t n = (size_t) (e - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = b.data ? strrchr(b.data, '/') : NULL;
			if (slash) {
				b.len = (size_t) (slash - b.data);
				b.data[b.len] = '\0';
			}
		} else if (!(n == 1 && p[0] == '.')) {
			buf_putc(&b, '/');
			buf_append(&b, p, n);
		}
		p = e;
	}
	if (b.len == 0)
		buf_putc(&b, '/');
	return buf_ok(&b) ? buf_steal(&b) : (buf_done(&b), NULL);
}

/*
 * Is path a mask, as systemd's null_or_empty_path() sees it?  A link to
 * /dev/null (which may be absent from an offline root), or anything that
 * resolves to a character or block device or an empty regular file.
 * Returns 1 with evidence and a short reason (static), 0, or -ENOMEM.
 */
static int mask_at(struct target *t, const char *path, char **ret_what, const char **ret_why)
{
	struct stat st;
	int r;

	if (target_lstat(t, path, &st) < 0)
		return 0;
	if (S_ISLNK(st.st_mode)) {
		_cleanup_free_ char *text = NULL, *abs = NULL;
		r = read_link(t, path, &text);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return 0;
		abs = link_absolute(path, text);
		if (!abs)
			return -ENOMEM;
		if (!streq(abs, "/dev/null")) {
			struct stat ts;
			if (target_stat(t, path, &ts) < 0 ||
			    !(S_ISCHR(ts.st_mode) || S_ISBLK(ts.st_mode) || (S_ISREG(ts.st_mode) && ts.st_size == 0)))
				return 0;
		}
		*ret_why = streq(abs, "/dev/null") ? "a link to /dev/null" : "a link to a device or an empty file";
		return asprintf(ret_what, "%s -> %s", path, text) < 0 ? -ENOMEM : 1;
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		*ret_why = "a device node";
		return asprintf(ret_what, "%s is a device node", path) < 0 ? -ENOMEM : 1;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		*ret_why = "an empty file";
		return asprintf(ret_what, "%s is an empty file", path) < 0 ? -ENOMEM : 1;
	}
	return 0;
}

static bool exists_in(struct target *t, const char *path)
{
	struct stat st;

	return target_lstat(t, path, &st) == 0;
}

/*
 * Which of /lib/systemd/system and /usr/lib/systemd/system the target's
 * systemctl names in the links it writes: Debian 12's systemd 252 lists
 * /lib first (D12: `systemctl enable ssh` links /lib/systemd/system/ssh.service),
 * EL's and newer systemd only /usr/lib.  The target's own enable links
 * show it best; else /lib on Debian-family targets that have it.
 */
static const char *vendor_dir_used(struct run *run)
{
	static const char *const wants[] = { "multi-user.target.wants", "sockets.target.wants", "timers.target.wants",
					     "sysinit.target.wants", "getty.target.wants" };
	struct target *t = run->target;
	int lib = 0, usr = 0;

	for (size_t i = 0; i < ELEMENTSOF(wants); i++) {
		_cleanup_free_ char *dir = path_join(ETC_UNITS, wants[i]);
		_cleanup_strv_free_ char **names = NULL;

		if (!dir || target_list_dir(t, dir, &names) < 0)
			continue;
		for (size_t k = 0; names[k]; k++) {
			_cleanup_free_ char *p = path_join(dir, names[k]), *text = NULL;
			if (!p || read_link(t, p, &text) < 0)
				continue;
			if (startswith(text, "/lib/systemd/system/"))
				lib++;
			else if (startswith(text, "/usr/lib/systemd/system/"))
				usr++;
		}
	}
	if (lib != usr)
		return lib > usr ? "/lib/systemd/system" : "/usr/lib/systemd/system";
	if (t->facts.family == DISTRO_DEBIAN && exists_in(t, "/lib/systemd/system"))
		return "/lib/systemd/system";
	return "/usr/lib/systemd/system";
}

/*
 * Find unit `name` as systemd would, skipping links (masks and aliases in
 * /etc are looked at separately) and empty files.  The path is the one
 * systemctl would write into an enable link.
 */
static int unit_find(struct run *run, struct svc *s, const char *name, char **ret_path, char **ret_text,
		     size_t *ret_len)
{
	struct target *t = run->target;
	/* On a merged /usr both vendor directories are one: the name this
	 * target's systemctl uses comes first. */
	const char *other = streq(s->vendor_first, "/lib/systemd/system") ? "/usr/lib/systemd/system"
									   : "/lib/systemd/system";
	const char *const dirs[] = { ETC_UNITS, "/run/systemd/system", "/usr/local/lib/systemd/system",
				     s->vendor_first, other };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *p = NULL, *text = NULL;
		struct stat st;
		size_t len;
		int r;

		p = path_join(dirs[i], name);
		if (!p)
			return -ENOMEM;
		if (target_lstat(t, p, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
			continue;
		r = target_read_file(t, p, UNIT_MAX, &text, &len);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		*ret_path = TAKE_PTR(p);
		*ret_text = TAKE_PTR(text);
		*ret_len = len;
		return 0;
	}
	return -ENOENT;
}

/* Does a link at path start the unit: it must lead to a non-empty regular file. */
static bool link_enables(struct target *t, const char *path)
{
	struct stat st;

	return target_stat(t, path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* Keep only valid unit names in a list read from [Install]. */
static void uvals_keep_units(struct uvals *u)
{
	size_t k = 0;

	for (size_t i = 0; i < u->n; i++) {
		if (unit_name_valid(u->v[i].value)) {
			u->v[k++] = u->v[i];
			continue;
		}
		free(u->v[i].value);
		free(u->v[i].file);
	}
	u->n = k;
}

/*
 * Is the unit enabled: a <target>.wants/ (or .requires/) link in any unit
 * directory, under its name or an alias, that leads to a unit file?
 * Returns 1, 0 (with *ret_why saying what is missing or dangling), 2 when
 * the unit has no [Install] target (static: nothing to enable), or -ENOMEM.
 */
static int unit_enabled(struct run *run, const char *name, const char *path, const char *text, size_t len,
			char **ret_why)
{
	_cleanup_uvals_ struct uvals wanted = {0}, required = {0}, alias = {0};
	_cleanup_free_ char *dangling = NULL;
	int r;

	if ((r = units_collect(path, text, len, "Install", "WantedBy", true, &wanted)) < 0 ||
	    (r = units_collect(path, text, len, "Install", "RequiredBy", true, &required)) < 0 ||
	    (r = units_collect(path, text, len, "Install", "Alias", true, &alias)) < 0)
		return r;
	uvals_keep_units(&wanted);
	uvals_keep_units(&required);
	uvals_keep_units(&alias);
	if (wanted.n == 0 && required.n == 0)
		return 2;
	for (int pass = 0; pass < 2; pass++) {
		const struct uvals *by = pass == 0 ? &wanted : &required;
		const char *suffix = pass == 0 ? ".wants" : ".requires";
		for (size_t i = 0; i < by->n; i++)
			for (const char *const *d = units_search_path; *d; d++)
				for (size_t a = 0; a <= alias.n; a++) {
					_cleanup_free_ char *p = NULL;
					if (asprintf(&p, "%s/%s%s/%s", *d, by->v[i].value, suffix,
						     a == 0 ? name : alias.v[a - 1].value) < 0)
						return -ENOMEM;
					if (link_enables(run->target, p))
						return 1;
					if (!dangling && exists_in(run->target, p))
						dangling = TAKE_PTR(p);
				}
	}
	if (dangling)
		r = asprintf(ret_why, "%s does not lead to a unit file", dangling);
	else
		r = asprintf(ret_why, "no %s/%s%s/%s", ETC_UNITS, wanted.n ? wanted.v[0].value : required.v[0].value,
			     wanted.n ? ".wants" : ".requires", name);
	return r < 0 ? -ENOMEM : 0;
}

static int add_finding(struct run *run, enum problem_code code, const char *path, unsigned line, const char *evidence,
		       const char *fmt, ...) _printf_(6, 7);
static int add_finding(struct run *run, enum problem_code code, const char *path, unsigned line, const char *evidence,
		       const char *fmt, ...)
{
	struct finding *f = run_add_finding(run, code, path, NULL);
	va_list ap;
	int r;

	if (!f)
		return -ENOMEM;
	f->line = line;
	free(f->detail);
	f->detail = NULL;
	va_start(ap, fmt);
	r = vasprintf(&f->detail, fmt, ap);
	va_end(ap);
	if (r < 0) {
		f->detail = NULL;
		return -ENOMEM;
	}
	if (evidence && finding_add_evidence(f, "%s", evidence) < 0)
		return -ENOMEM;
	return 0;
}

/* ---- masks ---- */

static int check_masks(struct run *run, const struct svc *s, bool socket_enabled)
{
	const char *names[] = { "ssh.service", "sshd.service", socket_enabled ? s->sock_name : NULL };

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		if (!names[i])
			continue;
		for (size_t d = 0; d < ELEMENTSOF(mask_dirs); d++) {
			_cleanup_free_ char *p = path_join(mask_dirs[d], names[i]), *what = NULL, *unit = NULL;
			struct target_path tp = {0};
			const char *why_masked = NULL;
			int r;

			if (!p)
				return -ENOMEM;
			r = mask_at(run->target, p, &what, &why_masked);
			if (r <= 0) {
				if (r < 0)
					return r;
				continue;
			}
			/* The journal wants the canonical name of the link itself. */
			r = target_resolve(run->target, p, TR_NOFOLLOW, &tp, NULL);
			if (r < 0)
				return r == -ENOMEM ? r : 0;
			if (s->name && !streq(names[i], s->name) && strstr(names[i], ".service"))
				r = asprintf(&unit, "%s (another name of %s)", names[i], s->name);
			else
				r = asprintf(&unit, "%s", names[i]);
			if (r >= 0)
				r = add_finding(run, PR_SSH_UNIT_MASKED, tp.canon, 0, what, "%s is masked by %s (%s)",
						unit, tp.canon, why_masked);
			target_path_done(&tp);
			if (r < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* ---- sshd_not_to_be_run ---- */

static int check_not_to_be_run(struct run *run, const struct svc *s)
{
	_cleanup_free_ char *init = NULL;
	size_t len;
	bool honoured;

	if (!exists_in(run->target, NOT_TO_BE_RUN))
		return 0;
	/* Only Debian's units and init script look at it; elsewhere it means nothing. */
	honoured = (s->text && strstr(s->text, "sshd_not_to_be_run")) ||
		   (s->sock_text && strstr(s->sock_text, "sshd_not_to_be_run")) ||
		   (target_read_file(run->target, "/etc/init.d/ssh", UNIT_MAX, &init, &len) == 0 &&
		    strstr(init, "sshd_not_to_be_run")) ||
		   (!s->text && run->target->facts.family == DISTRO_DEBIAN);
	if (!honoured)
		return 0;
	_cleanup_free_ char *ev = NULL;
	if (s->text && strstr(s->text, "sshd_not_to_be_run") &&
	    asprintf(&ev, "%s: ConditionPathExists=!%s", s->path, NOT_TO_BE_RUN) < 0)
		return -ENOMEM;
	return add_finding(run, PR_SSHD_NOT_TO_BE_RUN, NOT_TO_BE_RUN, 0, ev, "%s", "present");
}

/* ---- the sshd binary ---- */

/* The program of the unit's first ExecStart=, without systemd's prefixes (-@+!:). */
static char *exec_program(const struct svc *s)
{
	_cleanup_uvals_ struct uvals exec = {0};

	if (!s->text || units_collect(s->path, s->text, s->len, "Service", "ExecStart", false, &exec) < 0 || exec.n == 0)
		return NULL;
	const char *p = exec.v[0].value;
	p += strspn(p, "-@+!:");
	return strndup(p, strcspn(p, " \t"));
}

static int check_binary(struct run *run, const struct svc *s)
{
	_cleanup_free_ char *prog = exec_program(s);
	const char *path = prog && prog[0] == '/' ? prog : NULL;
	struct stat st;

	if (!path) {
		if (run->target->facts.sshd_path)
			return 0;	/* no unit to ask; sshd is found where sshfix looks */
		path = SSHD_DEFAULT_BIN;
	}
	if (!strstr(path, "sshd"))
		return 0;	/* a wrapper of the admin's: not ours to judge */
	if (target_stat(run->target, path, &st) < 0)
		return add_finding(run, PR_SSHD_BINARY_MISSING, path, 0, s->path, "%s", "does not exist");
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return add_finding(run, PR_SSHD_BINARY_MISSING, path, 0, s->path, "%s",
				   S_ISREG(st.st_mode) ? "is not executable" : "is not a regular file");
	return 0;
}

/* ---- SSHD_OPTS / OPTIONS ---- */

/*
 * $VAR in ExecStart= is split at white space, honouring quotes and
 * backslashes (systemd: EXTRACT_UNQUOTE|EXTRACT_RELAX).
 */
static int split_unquote(const char *s, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;

	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	for (const char *p = s;;) {
		p += strspn(p, " \t\n\r");
		if (!*p)
			break;
		struct buf w = {0};
		char q = 0;
		for (; *p; p++) {
			if (!q && strchr(" \t\n\r", *p))
				break;
			if (*p == '\\' && p[1]) {
				buf_putc(&w, *++p);
			} else if (!q && (*p == '\'' || *p == '"'))
				q = *p;
			else if (q && *p == q)
				q = 0;
			else
				buf_putc(&w, *p);
		}
		if (!buf_ok(&w) || strv_push(&v, w.data ? buf_steal(&w) : strdup("")) < 0) {
			buf_done(&w);
			return -ENOMEM;
		}
	}
	*ret = TAKE_PTR(v);
	return 0;
}

/* One environment variable ExecStart= hands to sshd, and the files that may set it. */
struct optvar {
	char *name;
	bool split;	/* $NAME (split into words) rather than ${NAME} (one word) */
};

static int check_opts_var(struct run *run, struct sshd_bin *bin, const struct uvals *envfiles, const char *var,
			  bool split)
{
	_cleanup_free_ char *file = NULL;
	struct env_assignment last = {0};
	int r;

	/* Later files override earlier ones; within a file, the last line wins. */
	for (size_t i = 0; i < envfiles->n; i++) {
		_cleanup_free_ char *text = NULL;
		struct env_assignment a = {0};
		size_t len;

		r = target_read_file(run->target, envfiles->v[i].value, CONFIG_MAX, &text, &len);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		r = envfile_last(text, len, var, &a);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		free(last.value);
		last = a;
		free(file);
		file = strdup(envfiles->v[i].value);
		if (!file) {
			free(last.value);
			return -ENOMEM;
		}
	}
	if (!file || !last.value) {
		free(last.value);
		return 0;
	}
	/* Name the file where it really is (root-owned links followed). */
	struct target_path tp = {0};
	r = target_resolve(run->target, file, TR_ROOT_SYMLINKS_ONLY, &tp, NULL);
	if (r == 0) {
		free(file);
		file = TAKE_PTR(tp.canon);
		target_path_done(&tp);
	} else if (r == -ENOMEM) {
		free(last.value);
		return r;
	}
	if (last.expansion) {
		free(last.value);
		return model_note(&run->model,
				  "%s in %s line %u uses shell expansion ($ or `); sshfix does not evaluate it, so its "
				  "flags for sshd were not checked",
				  var, file, last.first);
	}

	_cleanup_strv_free_ char **argv = NULL;
	if (split)
		r = split_unquote(last.value, &argv);
	else
		r = strv_push(&argv, strdup(last.value));
	free(last.value);
	if (r < 0)
		return -ENOMEM;

	struct buf bad = {0};
	sshd_args_check(run->target, bin, argv, &bad);
	if (!buf_ok(&bad)) {
		buf_done(&bad);
		return -ENOMEM;
	}
	if (bad.len == 0) {
		buf_done(&bad);
		return 0;
	}
	_cleanup_free_ char *why = buf_steal(&bad), *ev = NULL;
	if (last.last > last.first && asprintf(&ev, "%s lines %u-%u: %s=...", file, last.first, last.last, var) < 0)
		return -ENOMEM;
	return add_finding(run, PR_SSHD_OPTS_BAD, file, last.first, ev, "%s passes sshd options it refuses: %s", var,
			   why);
}

/* The variables ExecStart= expands: "$NAME" words (split) and "${NAME}" (one word). */
static int exec_vars(const struct svc *s, struct optvar **ret, size_t *ret_n)
{
	_cleanup_uvals_ struct uvals exec = {0};
	struct optvar *v = NULL;
	size_t n = 0;
	int r;

	if (!s->text)
		return 0;
	r = units_collect(s->path, s->text, s->len, "Service", "ExecStart", false, &exec);
	if (r < 0 || exec.n == 0)
		return r;
	for (const char *p = exec.v[0].value; (p = strchr(p, '$'));) {
		bool braced = p[1] == '{';
		const char *b = p + 1 + braced;
		size_t len = 0;
		while (isalnum((unsigned char) b[len]) || b[len] == '_')
			len++;
		if (len == 0 || (braced && b[len] != '}')) {
			p++;
			continue;
		}
		struct optvar *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			r = -ENOMEM;
			break;
		}
		v = nv;
		/* Only a whole word "$NAME" is split into several arguments. */
		bool word = !braced && (p == exec.v[0].value || p[-1] == ' ' || p[-1] == '\t') &&
			    (b[len] == '\0' || b[len] == ' ' || b[len] == '\t');
		v[n] = (struct optvar) { strndup(b, len), word };
		if (!v[n].name) {
			r = -ENOMEM;
			break;
		}
		n++;
		p = b + len;
	}
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(v[i].name);
		free(v);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int check_opts(struct run *run, const struct svc *s)
{
	_cleanup_uvals_ struct uvals envfiles = {0};
	struct sshd_bin bin = {0};
	struct optvar *vars = NULL;
	size_t n_vars = 0;
	int r = 0;

	if (!s->text) {
		/* No unit to ask (SysV init, or no systemd): the distributions' own pairs. */
		static const char *const pairs[][2] = { { "/etc/default/ssh", "SSHD_OPTS" },
							{ "/etc/sysconfig/sshd", "OPTIONS" } };
		for (size_t i = 0; r >= 0 && i < ELEMENTSOF(pairs); i++) {
			uvals_clear(&envfiles);
			r = uvals_push(&envfiles, pairs[i][0], strlen(pairs[i][0]), "-", 0);
			if (r >= 0)
				r = check_opts_var(run, &bin, &envfiles, pairs[i][1], true);
		}
		sshd_bin_done(&bin);
		return r;
	}

	_cleanup_uvals_ struct uvals raw = {0};
	r = units_collect(s->path, s->text, s->len, "Service", "EnvironmentFile", false, &raw);
	for (size_t i = 0; r >= 0 && i < raw.n; i++) {
		const char *p = raw.v[i].value;
		p += *p == '-';
		if (p[0] == '/')
			r = uvals_push(&envfiles, p, strcspn(p, " \t"), raw.v[i].file, raw.v[i].line);
	}
	if (r >= 0)
		r = exec_vars(s, &vars, &n_vars);
	for (size_t i = 0; i < n_vars; i++) {
		if (r >= 0)
			r = check_opts_var(run, &bin, &envfiles, vars[i].name, vars[i].split);
		free(vars[i].name);
	}
	free(vars);
	sshd_bin_done(&bin);
	return r;
}

/* ---- socket activation ---- */

/* "0.0.0.0", "::", "[::]" or nothing: every address. */
static bool wildcard_addr(const char *a, size_t n)
{
	return n == 0 || (n == 7 && strncmp(a, "0.0.0.0", 7) == 0) || (n == 2 && strncmp(a, "::", 2) == 0) ||
	       (n == 4 && strncmp(a, "[::]", 4) == 0);
}

/* "addr:port" with the address in a form both sides share ("*" for any, no brackets). */
static int endpoint(struct buf *out, const char *addr, size_t alen, const char *port, size_t plen)
{
	if (alen >= 2 && addr[0] == '[' && addr[alen - 1] == ']')
		addr++, alen -= 2;
	if (wildcard_addr(addr, alen))
		buf_printf(out, "*:%.*s", (int) plen, port);
	else
		buf_printf(out, "%.*s:%.*s", (int) alen, addr, (int) plen, port);
	return buf_ok(out) ? 0 : -ENOMEM;
}

/* A ListenStream= value as an endpoint; NULL for what is no TCP socket (a path, vsock:). */
static char *socket_endpoint(const char *v)
{
	struct buf b = {0};
	const char *colon = strrchr(v, ':');

	if (v[0] == '/' || v[0] == '@' || startswith(v, "vsock:"))
		return NULL;
	if (!colon)
		endpoint(&b, "", 0, v, strlen(v));
	else if (v[0] == '[' || strchr(v, ':') == colon)
		endpoint(&b, v, (size_t) (colon - v), colon + 1, strlen(colon + 1));
	else
		return NULL;	/* a bare IPv6 address takes no port: systemd refuses it */
	return buf_ok(&b) ? buf_steal(&b) : (buf_done(&b), NULL);
}

/*
 * What sshd_config asks to listen on (RULES §3.6): ListenAddress with its
 * own port, or once per Port (default 22); no ListenAddress is every address.
 */
static int sshd_endpoints(const struct sshd_config *c, char ***ret, struct buf *where)
{
	_cleanup_strv_free_ char **ports = NULL, **eps = NULL;
	bool any_listen = false;

	for (size_t i = 0; c && i < c->n_opts; i++) {
		const struct sshd_option *o = &c->opts[i];
		if (o->match < 0 && strcasecmp(o->keyword, "Port") == 0 && o->args[0]) {
			if (!strv_contains(ports, o->args[0]) && strv_push(&ports, strdup(o->args[0])) < 0)
				return -ENOMEM;
			buf_printf(where, "%s%s line %u: Port %s", where->len ? ", " : "", o->file, o->line,
				   o->args[0]);
		}
	}
	if (!ports && strv_push(&ports, strdup("22")) < 0)
		return -ENOMEM;
	for (size_t i = 0; c && i < c->n_opts; i++) {
		const struct sshd_option *o = &c->opts[i];
		if (o->match >= 0 || strcasecmp(o->keyword, "ListenAddress") != 0 || !o->args[0])
			continue;
		const char *a = o->args[0], *colon = strrchr(a, ':');
		size_t ncolon = 0;
		for (const char *p = a; *p; p++)
			ncolon += *p == ':';
		any_listen = true;
		buf_printf(where, "%s%s line %u: ListenAddress %s", where->len ? ", " : "", o->file, o->line, a);
		/* [addr]:port, host:port or v4:port carry a port; a bare IPv6 address does not. */
		bool has_port = colon && (a[0] == '[' ? colon > a && colon[-1] == ']' : ncolon == 1);
		for (size_t k = 0; ports[k]; k++) {
			struct buf b = {0};
			if (has_port)
				endpoint(&b, a, (size_t) (colon - a), colon + 1, strlen(colon + 1));
			else
				endpoint(&b, a, strlen(a), ports[k], strlen(ports[k]));
			if (!buf_ok(&b) || (!strv_contains(eps, b.data) && strv_push(&eps, buf_steal(&b)) < 0)) {
				buf_done(&b);
				return -ENOMEM;
			}
			buf_done(&b);
			if (has_port)
				break;
		}
	}
	for (size_t k = 0; !any_listen && ports[k]; k++) {
		struct buf b = {0};
		endpoint(&b, "", 0, ports[k], strlen(ports[k]));
		if (!buf_ok(&b) || strv_push(&eps, buf_steal(&b)) < 0) {
			buf_done(&b);
			return -ENOMEM;
		}
	}
	if (!where->len)
		buf_puts(where, "no Port or ListenAddress line, so 22");
	if (strv_ensure(&eps) < 0 || !buf_ok(where))
		return -ENOMEM;
	strv_sort(eps);
	*ret = TAKE_PTR(eps);
	return 0;
}

/*
 * The socket's ListenStream= list: the unit file, then the drop-ins
 * <dir>/<socket>.d/NAME.conf of every unit directory, ordered by file name; of
 * two with the same name, the one in the higher-priority directory wins.
 * Ubuntu 24.04's sshd-socket-generator writes addresses.conf into
 * /run/systemd/generator at boot from sshd_config: modelled as a drop-in
 * that resets the list to what sshd_config asks for.
 */
static int socket_listens(struct run *run, const struct svc *s, struct uvals *ret)
{
	_cleanup_strv_free_ char **names = NULL, **paths = NULL;
	bool generator = false;
	int r;

	r = units_collect(s->sock_path, s->sock_text, s->sock_len, "Socket", "ListenStream", false, ret);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(generator_paths); i++)
		generator |= exists_in(run->target, generator_paths[i]);

	for (size_t d = 0; d < ELEMENTSOF(dropin_dirs); d++) {
		_cleanup_free_ char *dir = NULL;
		_cleanup_strv_free_ char **list = NULL;
		if (asprintf(&dir, "%s/%s.d", dropin_dirs[d], s->sock_name) < 0)
			return -ENOMEM;
		if (target_list_dir(run->target, dir, &list) < 0)
			continue;
		for (size_t k = 0; list[k]; k++) {
			size_t n = strlen(list[k]);
			if (n < 6 || strcmp(list[k] + n - 5, ".conf") != 0 || strv_contains(names, list[k]))
				continue;
			if (strv_push(&names, strdup(list[k])) < 0 || strv_push(&paths, path_join(dir, list[k])) < 0)
				return -ENOMEM;
		}
	}
	if (generator && !strv_contains(names, "addresses.conf")) {
		if (strv_push(&names, strdup("addresses.conf")) < 0 || strv_push(&paths, strdup("")) < 0)
			return -ENOMEM;
	}
	/* By file name, whichever directory each came from. */
	for (size_t n = strv_length(names), i = 0; i + 1 < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (strcmp(names[k], names[i]) < 0) {
				char *t = names[i];
				names[i] = names[k];
				names[k] = t;
				t = paths[i];
				paths[i] = paths[k];
				paths[k] = t;
			}
	for (size_t i = 0; names && names[i]; i++) {
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (!paths[i][0]) {
			/* The generator's drop-in: ListenStream= then sshd_config's addresses. */
			_cleanup_strv_free_ char **eps = NULL;
			struct buf where = {0};
			r = sshd_endpoints(run->model.sshd, &eps, &where);
			buf_done(&where);
			if (r < 0)
				return r;
			_cleanup_free_ char *gen = NULL;
			if (asprintf(&gen, "/run/systemd/generator/%s.d/addresses.conf (written at boot by "
				     "sshd-socket-generator from sshd_config)", s->sock_name) < 0)
				return -ENOMEM;
			uvals_clear(ret);
			for (size_t k = 0; eps[k]; k++) {
				const char *e = eps[k][0] == '*' ? eps[k] + 2 : eps[k];
				r = uvals_push(ret, e, strlen(e), gen, 0);
				if (r < 0)
					return r;
			}
			continue;
		}
		r = target_read_file(run->target, paths[i], UNIT_MAX, &text, &len);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue;
		r = units_collect(paths[i], text, len, "Socket", "ListenStream", false, ret);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_socket_ports(struct run *run, const struct svc *s)
{
	_cleanup_uvals_ struct uvals listens = {0};
	_cleanup_strv_free_ char **want = NULL, **have = NULL;
	_cleanup_(buf_done) struct buf where = {0}, got = {0}, a = {0}, b = {0};
	int r;

	r = socket_listens(run, s, &listens);
	if (r >= 0)
		r = sshd_endpoints(run->model.sshd, &want, &where);
	for (size_t i = 0; r >= 0 && i < listens.n; i++) {
		char *e = socket_endpoint(listens.v[i].value);
		if (!e)
			continue;
		if (strv_contains(have, e))
			free(e);
		else if (strv_push(&have, e) < 0)
			r = -ENOMEM;
		if (listens.v[i].line)
			buf_printf(&got, "%s%s line %u: ListenStream=%s", got.len ? ", " : "", listens.v[i].file,
				   listens.v[i].line, listens.v[i].value);
		else
			buf_printf(&got, "%s%s: ListenStream=%s", got.len ? ", " : "", listens.v[i].file,
				   listens.v[i].value);
	}
	if (r >= 0 && strv_ensure(&have) < 0)
		r = -ENOMEM;
	if (r < 0 || !buf_ok(&got))
		return r < 0 ? r : -ENOMEM;
	strv_sort(have);
	bool same = strv_length(have) == strv_length(want);
	for (size_t i = 0; same && have[i]; i++)
		same = streq(have[i], want[i]);
	if (same)
		return 0;

	/* "*:22" reads as "port 22": every address. */
	for (int side = 0; side < 2; side++) {
		char **v = side == 0 ? have : want;
		struct buf *out = side == 0 ? &a : &b;
		for (size_t i = 0; v[i]; i++)
			buf_printf(out, "%s%s%s", i ? ", " : "", v[i][0] == '*' ? "port " : "",
				   v[i][0] == '*' ? v[i] + 2 : v[i]);
	}
	if (!buf_ok(&a) || !buf_ok(&b))
		return -ENOMEM;
	return add_finding(run, PR_SSH_SOCKET_PORTS, s->sock_path, 0, NULL,
			   "%s listens on %s (%s), but sshd_config asks for %s (%s)", s->sock_name,
			   a.len ? a.data : "nothing", got.len ? got.data : "no ListenStream=", b.data, where.data);
}

/* ---- detect ---- */

static int ssh_service_detect(struct run *run)
{
	_cleanup_(svc_done) struct svc s = {0};
	struct target *t = run->target;
	int r;

	s.has_systemd = exists_in(t, "/lib/systemd/systemd") || exists_in(t, "/usr/lib/systemd/systemd");
	s.vendor_first = vendor_dir_used(run);

	if (s.has_systemd) {
		static const char *const names[] = { "ssh.service", "sshd.service" };
		for (size_t i = 0; i < ELEMENTSOF(names) && !s.path; i++) {
			r = unit_find(run, &s, names[i], &s.path, &s.text, &s.len);
			if (r == -ENOMEM)
				return r;
			if (r == 0 && !(s.name = strdup(names[i])))
				return -ENOMEM;
		}
		if (s.name) {
			size_t base = strlen(s.name) - strlen(".service");
			if (asprintf(&s.sock_name, "%.*s.socket", (int) base, s.name) < 0) {
				s.sock_name = NULL;
				return -ENOMEM;
			}
			r = unit_find(run, &s, s.sock_name, &s.sock_path, &s.sock_text, &s.sock_len);
			if (r == -ENOMEM)
				return r;
		}
	}

	bool socket_enabled = false, service_enabled = false;
	_cleanup_free_ char *why = NULL, *sock_why = NULL;
	if (s.path) {
		r = unit_enabled(run, s.name, s.path, s.text, s.len, &why);
		if (r == -ENOMEM)
			return r;
		service_enabled = r != 0;	/* a static unit (2) is not ours to enable */
		if (s.sock_path) {
			r = unit_enabled(run, s.sock_name, s.sock_path, s.sock_text, s.sock_len, &sock_why);
			if (r == -ENOMEM)
				return r;
			socket_enabled = r == 1;
		}
	}

	if (s.has_systemd) {
		r = check_masks(run, &s, socket_enabled);
		if (r < 0)
			return r;
	}
	if (s.path && !service_enabled && !socket_enabled) {
		struct finding *f;
		r = add_finding(run, PR_SSH_UNIT_NOT_ENABLED, s.path, 0, why, "%s", s.name);
		if (r < 0)
			return r;
		f = &run->findings[run->n_findings - 1];
		if ((s.sock_path ? finding_add_evidence(f, "%s is not enabled either", s.sock_name)
				 : finding_add_evidence(f, "no %s is installed", s.sock_name)) < 0)
			return -ENOMEM;
	}
	r = check_not_to_be_run(run, &s);
	if (r < 0)
		return r;
	r = check_opts(run, &s);
	if (r < 0)
		return r;
	if (socket_enabled) {
		r = check_socket_ports(run, &s);
		if (r < 0)
			return r;
	}
	return check_binary(run, &s);
}

/* ---- repair ---- */

/* Link path -> unit, replacing a link that leads nowhere. */
static int link_unit(struct run *run, const char *path, const char *unit)
{
	struct stat st;
	int r;

	r = journal_symlink(run->journal, path, unit);
	if (r != -EEXIST)
		return r;
	/* Something is there.  Only a link that does not start the unit is replaced. */
	if (target_lstat(run->target, path, &st) < 0 || !S_ISLNK(st.st_mode) || link_enables(run->target, path))
		return r;
	r = journal_unlink(run->journal, path);
	if (r < 0)
		return r;
	return journal_symlink(run->journal, path, unit);
}

/* What `systemctl enable` does, from the unit's [Install] section. */
static int enable_unit(struct run *run, struct finding *f)
{
	_cleanup_uvals_ struct uvals wanted = {0}, required = {0}, alias = {0};
	_cleanup_free_ char *text = NULL;
	const char *name = path_last(f->path);
	_cleanup_(buf_done) struct buf act = {0};
	size_t len;
	int r;

	r = target_read_file(run->target, f->path, UNIT_MAX, &text, &len);
	if (r < 0)
		return r;
	if ((r = units_collect(f->path, text, len, "Install", "WantedBy", true, &wanted)) < 0 ||
	    (r = units_collect(f->path, text, len, "Install", "RequiredBy", true, &required)) < 0 ||
	    (r = units_collect(f->path, text, len, "Install", "Alias", true, &alias)) < 0)
		return r;
	uvals_keep_units(&wanted);
	uvals_keep_units(&required);
	uvals_keep_units(&alias);

	buf_printf(&act, "enable %s: link", name);
	const char *sep = " ";
	for (int pass = 0; pass < 2; pass++) {
		const struct uvals *by = pass == 0 ? &wanted : &required;
		for (size_t i = 0; i < by->n; i++) {
			_cleanup_free_ char *dir = NULL, *link = NULL;
			bool dup = false;
			for (size_t k = 0; k < i; k++)
				dup |= streq(by->v[k].value, by->v[i].value);
			if (dup)
				continue;
			const char *kind = pass == 0 ? ".wants" : ".requires";
			if (asprintf(&dir, "%s/%s%s", ETC_UNITS, by->v[i].value, kind) < 0)
				return -ENOMEM;
			link = path_join(dir, name);
			if (!link)
				return -ENOMEM;
			r = journal_mkdir(run->journal, dir, 0755, 0, 0);
			if (r < 0)
				return r;
			r = link_unit(run, link, f->path);
			if (r == 1)
				continue;
			if (r < 0)
				return r;
			buf_printf(&act, "%s%s", sep, link);
			sep = ", ";
		}
	}
	for (size_t i = 0; i < alias.n; i++) {
		_cleanup_free_ char *link = path_join(ETC_UNITS, alias.v[i].value);
		if (!link)
			return -ENOMEM;
		r = journal_symlink(run->journal, link, f->path);
		if (r == -EEXIST || r == 1)
			continue;	/* there already; or the admin's own file, or a mask this run keeps */
		if (r < 0)
			return r;
		buf_printf(&act, "%s%s", sep, link);
		sep = ", ";
	}
	buf_printf(&act, " -> %s", f->path);
	if (!buf_ok(&act))
		return -ENOMEM;
	free(f->action);
	f->action = buf_steal(&act);
	return 0;
}

/* The lines of the assignment that starts at f->line, as envfile_last() sees them. */
static int opts_comment_out(struct run *run, struct finding *f)
{
	_cleanup_free_ char *text = NULL;
	unsigned last = f->line;
	size_t len;
	int r;

	/* Only the administrator's own files: EnvironmentFile= may name a link
	 * into a package's tree (EL's crypto-policies back-end). */
	if (!path_is_below(f->path, "/etc")) {
		f->status_reason = strdup("the file is not under /etc (it belongs to a package); edit it by hand");
		return -EPERM;
	}
	r = journal_read_current(run->journal, f->path, &text, &len);
	if (r < 0)
		return r;
	/* The variable's name is the detail's first word. */
	_cleanup_free_ char *var = strndup(f->detail, strcspn(f->detail, " "));
	struct env_assignment a = {0};
	if (!var)
		return -ENOMEM;
	r = envfile_last(text, len, var, &a);
	free(a.value);	/* only its lines are needed */
	if (r < 0)
		return r;
	if (r > 0 && a.first == f->line)
		last = a.last;
	for (unsigned l = f->line; l <= last; l++) {
		r = config_comment_out(run->target, run->journal, f->path, l, "sshd refuses these options");
		if (r < 0)
			return r;
	}
	if (last > f->line)
		r = asprintf(&f->action, "comment out lines %u-%u", f->line, last);
	else
		r = asprintf(&f->action, "comment out line %u", f->line);
	return r < 0 ? -ENOMEM : 0;
}

static int ssh_service_repair(struct run *run, struct finding *f)
{
	switch (f->problem->code) {
	case PR_SSH_UNIT_MASKED:
		if (asprintf(&f->action, "remove the mask %s (systemctl unmask)", f->path) < 0)
			return -ENOMEM;
		return journal_unlink(run->journal, f->path);
	case PR_SSH_UNIT_NOT_ENABLED:
		return enable_unit(run, f);
	case PR_SSHD_NOT_TO_BE_RUN:
		if (asprintf(&f->action, "remove %s", f->path) < 0)
			return -ENOMEM;
		return journal_unlink(run->journal, f->path);
	case PR_SSHD_OPTS_BAD:
		return opts_comment_out(run, f);
	default:
		return -EOPNOTSUPP;	/* report-only */
	}
}

const struct fix fix_ssh_service = {
	.id = "ssh-service",
	.summary = "whether systemd starts sshd at boot: masks, enable links, sshd_not_to_be_run, "
		   "SSHD_OPTS, socket activation, the sshd binary",
	.rules = "RULES §11.1-11.4, §3.3, §3.8",
	.problems = ssh_service_problems,
	.detect = ssh_service_detect,
	.repair = ssh_service_repair,
};
