/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MAC state of the target's next boot (RULES §9), one provider every
 * family reads:
 *
 *  - SELinux: SELINUX= and SELINUXTYPE= of /etc/selinux/config (§9.1), and
 *    the kernel command line the next boot uses (src/bootcmd.h: a Boot
 *    Loader Specification entry, grubenv, /etc/default/grub): selinux=0,
 *    security=NAME or an lsm= list without selinux turn it off;
 *    enforcing=0|1 overrides SELINUX= (libselinux's
 *    selinux_init_load_policy() reads it).  A parameter given twice counts
 *    as its last valid value, as the kernel sees it.
 *  - The local policy store's port types (semanage port -a: ports.local)
 *    beside the base policy's tcp/22 ssh_port_t (refpolicy corenetwork,
 *    §9.3).
 *  - AppArmor: installed (/etc/apparmor.d), switched off by apparmor=0,
 *    security=NAME or lsm=; the profiles that attach to sshd, sshd-session
 *    or sshd-auth with their mode: flags=(complain), a link in disable/ or
 *    force-complain/ (§9.6).  Only the state: no rule is evaluated.
 *
 * Everything is read through the target layer once and kept in the model
 * (mac_get()); nothing here writes or prints.  The parsers below are pure
 * (text in, values out) for tests and the fuzz target.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <sys/types.h>

#include "bootcmd.h"
#include "target.h"

struct fcon;
struct run;

enum selinux_mode {
	SELINUX_NONE,		/* no /etc/selinux/config or no usable SELINUX=: no policy is loaded */
	SELINUX_DISABLED,
	SELINUX_PERMISSIVE,
	SELINUX_ENFORCING,
};

enum aa_mode {
	AA_ENFORCE,
	AA_COMPLAIN,		/* flags=(complain) or a force-complain/ link */
	AA_DISABLED,		/* a disable/ link: apparmor_parser skips the file */
	AA_OTHER,		/* flags=(kill), (unconfined), (prompt): neither of the above */
};

/* A profile that attaches to one of sshd's programs. */
struct mac_profile {
	char *file;		/* /etc/apparmor.d/usr.sbin.sshd */
	unsigned line;		/* its header line */
	char *attach;		/* the attachment as written */
	enum aa_mode mode;
	char *why;		/* what sets the mode: "flags=(complain)", "/etc/apparmor.d/disable/usr.sbin.sshd" */
};

/* A "portcon" line of the local policy store (semanage port). */
struct mac_portcon {
	bool tcp;
	unsigned lo, hi;
	char *type;		/* ssh_port_t */
	char *where;		/* "FILE line N" */
};

struct mac_state {
	/* SELinux */
	enum selinux_mode config_mode;	/* SELINUX= as /etc/selinux/config has it */
	unsigned config_mode_line;
	char *selinux_type;		/* SELINUXTYPE= ("targeted" when unset); NULL when unusable ('/', empty) */
	enum selinux_mode mode;		/* what the next boot enforces: the config and the command line */
	char **selinux_evidence;	/* the lines that decide mode, in order; never NULL */
	char *store_root;		/* the policy stores' directory: semanage.conf's store-root=, else /var/lib/selinux */
	char *store_ports;		/* the local store's ports.local path (store-root= of semanage.conf) */
	struct mac_portcon *portcons;
	size_t n_portcons;
	/* AppArmor */
	bool apparmor_installed;	/* /etc/apparmor.d exists */
	bool apparmor_enabled;		/* installed, and the command line does not switch it off */
	char **apparmor_evidence;	/* never NULL */
	struct mac_profile *profiles;
	size_t n_profiles;
	/* the policy's file contexts, read on the first mac_expected_label() */
	struct fcon *fcon;
	int fcon_error;			/* 0, or why they could not be read (-ENOENT: no file_contexts) */
	char *fcon_why;			/* for -EBADMSG: "FILE line N" */
};

/*
 * Read the MAC state of the target for the next boot, whose kernel command
 * line is boot (src/bootcmd.h).  Unreadable optional files count as
 * missing.  Returns 0 with *ret (owned by the caller, mac_free()), or
 * -ENOMEM.
 */
int mac_load(struct target *t, const struct boot_cmdline *boot, struct mac_state **ret);
void mac_free(struct mac_state *m);

/*
 * The MAC state of run's target, read on first use and kept in the model
 * until model_done().  Returns 0 with *ret (owned by the model), or -ENOMEM.
 */
int mac_get(struct run *run, const struct mac_state **ret);

/*
 * Is port (tcp when tcp, else udp) of type `type` in the policy the next
 * boot loads: the base policy's tcp/22 ssh_port_t, or a portcon of the
 * local store?  Returns true with *ret_where ("base policy" or "FILE line
 * N", static or owned by m) when it is.
 */
bool mac_selinux_port_has_type(const struct mac_state *m, bool tcp, unsigned port, const char *type,
			       const char **ret_where);

/* A file's content as a planned repair will write it. */
struct mac_file_override {
	const char *path;
	const char *data;
	size_t len;
};

/*
 * The policy TYPE's file contexts as libselinux loads them (src/fcontext.h),
 * the files named in ov read from there instead of the target: the labels
 * the policy will give once a repair has rewritten them.  Returns 0 with
 * *ret (fcon_free()), -ENOENT without file_contexts, -EBADMSG with
 * *ret_why ("FILE line N"), -ENOMEM.
 */
int mac_fcon_load(struct target *t, const char *type, const struct mac_file_override *ov, size_t n_ov,
		  struct fcon **ret, char **ret_why);

/*
 * The label the policy of the next boot expects for path with file type
 * mode (S_IFREG, S_IFDIR, ...; 0: any), as setfiles and restorecon would
 * give it (src/fcontext.h): /etc/selinux/SELINUXTYPE/contexts/files/
 * file_contexts, .homedirs, .local, .subs and .subs_dist, read once and
 * kept in the model.  Returns 0 with *ret_ctx and *ret_where (owned by the
 * model), -ENOENT when the policy gives no label (no file_contexts, no
 * match, <<none>>), -EBADMSG when file_contexts cannot be read as
 * libselinux would (*ret_where: "FILE line N"), -ENOMEM.
 */
int mac_expected_label(struct run *run, const char *path, mode_t mode, const char **ret_ctx, const char **ret_where);

/*
 * The security.selinux label of an open file: its bytes as stored (with
 * the NUL that setfilecon() writes), any length up to the kernel's 64 KiB,
 * plus one NUL after them.  An O_PATH fd is read through /proc/self/fd.
 * Returns 0 with *ret (owned by the caller) and *ret_len, -ENODATA when
 * the file has no label (or the file system none at all), or -errno.
 */
int mac_read_label(int fd, char **ret, size_t *ret_len);

/* ---- pure parsers (tests, fuzz) ---- */

/*
 * /etc/selinux/config (selinux_config(5)): the last SELINUX= and
 * SELINUXTYPE= lines.  *ret_type is "targeted" when unset and NULL when
 * the value is unusable (empty, or holding a '/'); owned by the caller.
 * Returns 0 or -ENOMEM.
 */
int mac_parse_selinux_config(const char *text, size_t len, enum selinux_mode *ret_mode, unsigned *ret_mode_line,
			     char **ret_type);

/*
 * AppArmor profile headers at brace depth 0 of a profile file:
 * "/usr/sbin/sshd flags=(complain) {", "profile sshd /usr/sbin/sshd {".
 * For each one whose attachment (or, without one, name) matches a path in
 * programs, calls fn(attach, line, complain, other, userdata); complain
 * is set for flags=(complain), other for kill, unconfined or prompt.
 * Returns 0, fn's negative value, or -ENOMEM.
 */
int mac_apparmor_headers(const char *text, size_t len, const char *const *programs,
			 int (*fn)(const char *attach, unsigned line, bool complain, bool other, void *userdata),
			 void *userdata);

/*
 * AppArmor's globbing for an attachment: '*' (not '/'), '**', '?', [...],
 * {a,b}; an unexpanded @{VAR} stands for any non-empty text.  Backtracking
 * is bounded: a pattern that would cost more does not match.
 */
bool mac_apparmor_glob(const char *pattern, const char *path);
/* In "{a,b{c,d}}", the end of the alternative that starts at a: the next
 * ',' outside nested braces, or close (the brace that closes the group). */
const char *mac_apparmor_alt_end(const char *a, const char *close);

const char *selinux_mode_name(enum selinux_mode m);
