/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ssh-service: whether systemd starts sshd at boot at all (RULES §11).
 * A perfect sshd_config is worth nothing when the unit never runs.
 *
 * The units, their masks, drop-ins, [Install] links and environment files
 * come from the units provider (src/units.h), which finds them as systemd
 * does: Debian and Ubuntu ship ssh.service (Alias=sshd.service), EL,
 * Fedora and SUSE sshd.service (§11.1).  sshd's command line is judged by
 * src/sshd_args.h.  Then:
 *
 *  - ssh-unit-masked: /etc or /run/systemd/system/<name> links to /dev/null
 *    (or is empty, or links to another character device or empty file:
 *    systemd's null_or_empty()) for ssh.service or sshd.service (§11.2).
 *    The repair removes that one link; a unit file under /lib or /usr/lib is
 *    never touched (the package owns it, and a mask never lives there).
 *  - ssh-unit-not-enabled: no WantedBy=/RequiredBy= link of the unit's
 *    [Install] section exists (§11.2), no target the boot reaches pulls
 *    the unit in otherwise, and the matching .socket is not enabled
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
 *    is ever executed.  A value with shell expansions ($, `) is not
 *    judged (the init script would expand it, systemd would not): a note
 *    says so.  The repair comments the assignment out
 *    (config_comment_out()), so sshd runs with no extra flags.
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

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config_edit.h"
#include "envfile.h"
#include "fixes.h"
#include "listen_set.h"
#include "run.h"
#include "sshd_args.h"
#include "sshd_cmdline.h"
#include "unit_exec.h"
#include "units.h"
#include "util.h"

#define NOT_TO_BE_RUN "/etc/ssh/sshd_not_to_be_run"
#define ETC_UNITS "/etc/systemd/system"
#define SSHD_DEFAULT_BIN "/usr/sbin/sshd"

/* This family's problems: each code is its row's index in ssh_service_problems[]. */
enum problem_code {
	PR_SSH_UNIT_MASKED,
	PR_SSH_UNIT_NOT_ENABLED,
	PR_SSHD_NOT_TO_BE_RUN,
	PR_SSHD_OPTS_BAD,
	PR_SSH_SOCKET_PORTS,
	PR_SSHD_BINARY_MISSING,
};

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

/* What detect() learns once and the checks share. */
struct svc {
	struct units *units;
	const struct unit *service;	/* ssh.service or sshd.service, when installed */
	char *sock_name;		/* its socket unit's name (ssh.socket, sshd.socket) */
	const struct unit *socket;	/* that unit, when installed */
};

static void svc_done(struct svc *s)
{
	free(s->sock_name);
}

static bool exists_in(struct target *t, const char *path)
{
	struct stat st;

	return target_lstat(t, path, &st) == 0;
}

static int add_finding(struct run *run, enum problem_code code, const char *path, unsigned line, const char *evidence,
		       const char *fmt, ...) _printf_(6, 7);
static int add_finding(struct run *run, enum problem_code code, const char *path, unsigned line, const char *evidence,
		       const char *fmt, ...)
{
	struct finding *f = run_add_finding(run, &ssh_service_problems[code], path, NULL);
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

/* A name right in one of mask_dirs (not in a subdirectory). */
static bool in_mask_dir(const char *path)
{
	for (size_t d = 0; d < ELEMENTSOF(mask_dirs); d++) {
		size_t n = strlen(mask_dirs[d]);
		if (strncmp(path, mask_dirs[d], n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/'))
			return true;
	}
	return false;
}

static int check_masks(struct run *run, const struct svc *s, bool socket_enabled)
{
	const char *service = s->service ? s->service->id : NULL;
	const char *names[] = { "ssh.service", "sshd.service", socket_enabled ? s->sock_name : NULL };

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		const struct unit_mask *m;
		size_t n;
		int r;

		if (!names[i])
			continue;
		r = units_masks(s->units, names[i], &m, &n);
		if (r < 0)
			return r;
		for (size_t k = 0; k < n; k++) {
			_cleanup_free_ char *what = NULL, *unit = NULL;
			struct target_path tp = {0};

			if (!in_mask_dir(m[k].path))
				continue;
			if (m[k].link)
				r = asprintf(&what, "%s -> %s", m[k].path, m[k].link);
			else
				r = asprintf(&what, "%s is %s", m[k].path, conf_mask_why(m[k].kind));
			if (r < 0)
				return -ENOMEM;
			/* The journal wants the canonical name of the link itself. */
			r = target_resolve(run->target, m[k].path, TR_NOFOLLOW, &tp, NULL);
			if (r < 0)
				return r == -ENOMEM ? r : 0;
			if (service && !streq(names[i], service) && strstr(names[i], ".service"))
				r = asprintf(&unit, "%s (another name of %s)", names[i], service);
			else
				r = asprintf(&unit, "%s", names[i]);
			if (r >= 0)
				r = add_finding(run, PR_SSH_UNIT_MASKED, tp.canon, 0, what, "%s is masked by %s (%s)", unit,
						tp.canon, conf_mask_why(m[k].kind));
			target_path_done(&tp);
			if (r < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* ---- sshd_not_to_be_run ---- */

/* Evidence for the unit's ConditionPathExists= on the switch: 1 with *ret, 0 when it has none, -ENOMEM. */
static int switch_condition(const struct unit *u, char **ret)
{
	_cleanup_uvals_ struct uvals v = {0};
	int r;

	if (!u)
		return 0;
	r = unit_values(u, "Unit", "ConditionPathExists", 0, &v);
	if (r < 0)
		return r;
	for (size_t i = 0; i < v.n; i++)
		if (strstr(v.v[i].value, "sshd_not_to_be_run"))
			return asprintf(ret, "%s: ConditionPathExists=%s", v.v[i].file, v.v[i].value) < 0 ? -ENOMEM : 1;
	return 0;
}

static int check_not_to_be_run(struct run *run, const struct svc *s)
{
	_cleanup_free_ char *init = NULL, *ev = NULL, *sock_ev = NULL;
	size_t len;
	int r;

	if (!exists_in(run->target, NOT_TO_BE_RUN))
		return 0;
	/* Only Debian's units and init script look at it; elsewhere it means nothing. */
	if ((r = switch_condition(s->service, &ev)) < 0 || (r = switch_condition(s->socket, &sock_ev)) < 0)
		return r;
	bool honoured = ev || sock_ev ||
			(target_read_file(run->target, "/etc/init.d/ssh", CONFIG_MAX, &init, &len) == 0 &&
			 strstr(init, "sshd_not_to_be_run")) ||
			(!s->service && run->target->facts.family == DISTRO_DEBIAN);
	if (!honoured)
		return 0;
	return add_finding(run, PR_SSHD_NOT_TO_BE_RUN, NOT_TO_BE_RUN, 0, ev, "%s", "present");
}

/* ---- the sshd binary ---- */

static int check_binary(struct run *run, const struct svc *s)
{
	_cleanup_free_ char *prog = s->service ? unit_exec_program(s->service) : NULL;
	const char *path = prog && prog[0] == '/' ? prog : NULL;
	const char *unit = s->service ? s->service->path : NULL;
	struct stat st;

	if (!path) {
		if (run->target->facts.sshd_path)
			return 0;	/* no unit to ask; sshd is found where sshfix looks */
		path = SSHD_DEFAULT_BIN;
	}
	if (!strstr(path, "sshd"))
		return 0;	/* a wrapper of the admin's: not ours to judge */
	if (target_stat(run->target, path, &st) < 0)
		return add_finding(run, PR_SSHD_BINARY_MISSING, path, 0, unit, "%s", "does not exist");
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return add_finding(run, PR_SSHD_BINARY_MISSING, path, 0, unit, "%s",
				   S_ISREG(st.st_mode) ? "is not executable" : "is not a regular file");
	return 0;
}

/* ---- SSHD_OPTS / OPTIONS ---- */

/* Judge what one variable of the service's command line hands sshd (src/sshd_cmdline.h). */
static int judge_opts(struct run *run, struct sshd_bin *bin, const struct sshd_cmdline_var *v)
{
	_cleanup_free_ char *canon = NULL, *why = NULL, *ev = NULL;
	_cleanup_(buf_done) struct buf bad = {0};
	struct target_path tp = {0};
	int r;

	if (!v->value)
		return 0;
	/* Name the file where it really is (root-owned links followed). */
	r = target_resolve(run->target, v->file, TR_ROOT_SYMLINKS_ONLY, &tp, NULL);
	if (r == -ENOMEM)
		return r;
	canon = strdup(r == 0 ? tp.canon : v->file);
	target_path_done(&tp);
	if (!canon)
		return -ENOMEM;
	if (v->expansion)
		return model_note(&run->model,
				  "%s in %s line %u uses shell expansion ($ or `); sshfix does not evaluate it, so its "
				  "flags for sshd were not checked",
				  v->name, canon, v->first);
	sshd_args_check(run->target, bin, v->argv, &bad);
	if (!buf_ok(&bad))
		/* cppcheck-suppress memleak ; freed by its _cleanup_ attribute, which cppcheck 2.10 does not follow here */
		return -ENOMEM;
	if (bad.len == 0)
		/* cppcheck-suppress memleak ; freed by its _cleanup_ attribute, which cppcheck 2.10 does not follow here */
		return 0;
	why = buf_steal(&bad);
	if (v->last > v->first && asprintf(&ev, "%s lines %u-%u: %s=...", canon, v->first, v->last, v->name) < 0)
		return -ENOMEM;
	return add_finding(run, PR_SSHD_OPTS_BAD, canon, v->first, ev, "%s passes sshd options it refuses: %s",
			   v->name, why);
}

/* The flags the service hands sshd, as the model read them (the unit's, or the distributions' pairs). */
static int check_opts(struct run *run)
{
	_cleanup_(sshd_bin_done) struct sshd_bin bin = {0};
	const struct sshd_cmdline *cl;
	int r;

	r = sshd_cmdline_get(run, &cl);
	for (size_t i = 0; r >= 0 && i < cl->n_vars; i++)
		r = judge_opts(run, &bin, &cl->vars[i]);
	return r;
}

/* ---- socket activation ---- */

/* The socket's ListenStream= against sshd's own listen set, both from src/listen_set.h. */
static int check_socket_ports(struct run *run, const struct svc *s)
{
	_cleanup_strv_free_ char **want = NULL, **have = NULL;
	_cleanup_free_ char *where = NULL, *got = NULL;
	_cleanup_(buf_done) struct buf a = {0}, b = {0};
	const struct listen_set *ls;
	int r;

	r = listen_set_get(run, &ls);
	if (r < 0)
		return r;
	if (!ls->socket_unit || !streq(ls->socket_unit, s->sock_name))
		return 0;	/* the listen set read another socket unit: not this service's */
	if ((r = listen_set_endpoints(ls->stream, ls->n_stream, &have)) < 0 ||
	    (r = listen_set_endpoints(ls->sshd, ls->n_sshd, &want)) < 0 || (r = listen_set_describe_stream(ls, &got)) < 0 ||
	    (r = listen_set_describe_sshd(ls, &where)) < 0)
		return r;
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
	return add_finding(run, PR_SSH_SOCKET_PORTS, s->socket->path, 0, NULL,
			   "%s listens on %s (%s), but sshd_config asks for %s (%s)", s->sock_name,
			   a.len ? a.data : "nothing", *got ? got : "no ListenStream=", b.data, where);
}

/* ---- detect ---- */

static int ssh_service_detect(struct run *run)
{
	_cleanup_(svc_done) struct svc s = { .units = run_units(run) };
	_cleanup_free_ char *why = NULL, *sock_why = NULL;
	bool socket_enabled = false, service_enabled = false, systemd;
	int r;

	if (!s.units)
		return -ENOMEM;
	systemd = units_have_systemd(s.units);
	if (systemd) {
		r = units_ssh_service(s.units, &s.service);
		if (r < 0)
			return r;
		if (r == 0)
			s.service = NULL;
	}
	if (s.service) {
		const struct unit *u = s.service;
		if (asprintf(&s.sock_name, "%.*s.socket", (int) (strlen(u->id) - strlen(".service")), u->id) < 0) {
			s.sock_name = NULL;
			return -ENOMEM;
		}
		r = units_get(s.units, s.sock_name, &s.socket);
		if (r < 0 && r != -EINVAL)
			return r;
		if (r < 0 || !s.socket->path)
			s.socket = NULL;
		if (u->error) {
			/* systemd would not load it: its settings are what could be read. */
			_cleanup_free_ char *e = escape_display(u->error_path ? u->error_path : u->path);
			if (u->error_line)
				r = model_note(&run->model, "systemd cannot load %s (%s line %u: %s); what sshfix read of it "
					       "is what it checked", u->id, e ? e : "?", u->error_line, strerror(-u->error));
			else
				r = model_note(&run->model, "systemd cannot load %s (%s: %s); what sshfix read of it is what "
					       "it checked", u->id, e ? e : "?", strerror(-u->error));
			if (r < 0)
				return r;
		}
		r = units_starts_at_boot(s.units, u, &why);
		if (r < 0)
			return r;
		service_enabled = r != 0;	/* a static unit (2) is not ours to enable */
		if (s.socket) {
			r = units_starts_at_boot(s.units, s.socket, &sock_why);
			if (r < 0)
				return r;
			socket_enabled = r == 1;
		}
	}

	if (systemd) {
		r = check_masks(run, &s, socket_enabled);
		if (r < 0)
			return r;
	}
	if (s.service && !service_enabled && !socket_enabled) {
		struct finding *f;
		r = add_finding(run, PR_SSH_UNIT_NOT_ENABLED, s.service->path, 0, why, "%s", s.service->id);
		if (r < 0)
			return r;
		f = run->findings[run->n_findings - 1];
		if ((s.socket ? finding_add_evidence(f, "%s is not enabled either", s.sock_name)
			      : finding_add_evidence(f, "no %s is installed", s.sock_name)) < 0)
			return -ENOMEM;
	}
	r = check_not_to_be_run(run, &s);
	if (r < 0)
		return r;
	r = check_opts(run);
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

/* Does a link at path start a unit: it must lead to a non-empty regular file. */
static bool link_enables(struct target *t, const char *path)
{
	struct stat st;

	return target_stat(t, path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

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
	struct units *c = run_units(run);
	const char *name = path_last(f->path);
	_cleanup_(buf_done) struct buf act = {0};
	const struct unit *u;
	int r;

	if (!c)
		return -ENOMEM;
	r = units_get(c, name, &u);
	if (r < 0)
		return r;
	if ((r = unit_install_values(u, "WantedBy", &wanted)) < 0 ||
	    (r = unit_install_values(u, "RequiredBy", &required)) < 0 ||
	    (r = unit_install_values(u, "Alias", &alias)) < 0)
		return r;

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
