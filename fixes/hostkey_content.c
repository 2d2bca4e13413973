/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostkey-content: host keys sshd cannot use (RULES §2.1-2.4, §2.6, §2.8).
 *
 * Each private key sshd loads is examined with the target's own
 * ssh-keygen, run in the sandbox on a 0600 copy in a private /run (so a
 * key with bad modes, hostkey-perms' business, is not mistaken for a
 * corrupt one): missing, empty, unparsable, RSA too small, or its .pub
 * not the public half.  The repair generates only what is missing or
 * unusable, with the target's ssh-keygen (else the rescue system's), as
 * rsa 3072, ecdsa or ed25519 by the file's name, never DSA; files are
 * written through the journal (the old one kept for --undo), 0600/0644
 * root, with the SELinux label of a sibling key.  A key that only has bad
 * modes is never regenerated: new keys make every client stop at "REMOTE
 * HOST IDENTIFICATION HAS CHANGED".
 * Missing default keys are reported only when no usable key is left:
 * sshd mentions them at debug level only and runs with the others.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixes.h"
#include "mac.h"
#include "model.h"
#include "run.h"
#include "sandbox.h"
#include "util.h"

/* This family's problems: each code is its row's index in hostkey_content_problems[]. */
enum problem_code {
	PR_HOSTKEY_MISSING,
	PR_HOSTKEY_EMPTY,
	PR_HOSTKEY_CORRUPT,
	PR_HOSTKEY_RSA_TOO_SMALL,
	PR_HOSTKEY_RSA_WEAK,
	PR_HOSTKEY_PUB_MISMATCH,
};

static const struct problem hostkey_content_problems[] = {
	{ PR_HOSTKEY_MISSING, "hostkey-missing", SEV_ERROR, PF_SAFE_AUTO,
	  "host key {path} does not exist{detail}",
	  "sshd loads the keys its HostKey lines name (or, without any, the default rsa, ecdsa and "
	  "ed25519 keys); without a usable one it exits with \"no hostkeys available\". The missing "
	  "key is generated with ssh-keygen. RULES §2.1, §2.3, §2.4",
	  .follows_from = PROBLEMS_NO_SSHD },
	{ PR_HOSTKEY_EMPTY, "hostkey-empty", SEV_ERROR, PF_SAFE_AUTO,
	  "host key {path} is empty",
	  "An empty key file cannot be loaded (\"Unable to load host key\"); ssh-keygen -A treats it "
	  "as missing. A new key is generated; the empty file is kept in the undo record. RULES §2.3, §2.6",
	  .follows_from = PROBLEMS_NO_SSHD },
	{ PR_HOSTKEY_CORRUPT, "hostkey-corrupt", SEV_ERROR, PF_SAFE_AUTO,
	  "host key {path} cannot be read as a key ({detail})",
	  "sshd skips a key it cannot parse (\"Unable to load host key ...: error in libcrypto\"). It "
	  "is unusable either way, so a new key of the same type is generated; the old file is kept in "
	  "the undo record. Clients that knew the old key will warn once. RULES §2.3" },
	{ PR_HOSTKEY_RSA_TOO_SMALL, "hostkey-rsa-too-small", SEV_ERROR, PF_SAFE_AUTO,
	  "RSA host key {path} has {detail} bits, fewer than this sshd accepts",
	  "From OpenSSH 9.1 sshd skips RSA keys below RequiredRSASize (1024 bits by default). A 3072-bit "
	  "key replaces it. RULES §2.3" },
	{ PR_HOSTKEY_RSA_WEAK, "hostkey-rsa-weak", SEV_WARNING, PF_NEEDS_CONFIRM,
	  "RSA host key {path} has only {detail} bits",
	  "Keys below 2048 bits still load but are weak. Replacing it changes the server's identity "
	  "(clients warn once), so sshfix asks first. RULES §2.8" },
	{ PR_HOSTKEY_PUB_MISMATCH, "hostkey-pub-mismatch", SEV_WARNING, PF_SAFE_AUTO,
	  "public host key {path} {detail}",
	  "sshd derives the public key from the private one when the .pub is missing or different "
	  "(\"Public key for ... does not match private key\"), but other tools read the .pub. It is "
	  "rewritten from the private key. RULES §2.3" },
	{ .id = NULL },
};

/* What ssh-keygen said about one key. */
enum key_state {
	KEY_OK,
	KEY_MISSING,
	KEY_EMPTY,
	KEY_BAD,
	KEY_NOT_REGULAR,
};

struct key_info {
	char *path;
	enum key_state state;
	char *message;		/* KEY_BAD: ssh-keygen's complaint */
	char *pub;		/* the public half ssh-keygen derived: "type base64" */
	unsigned bits;
	char *type;		/* "RSA", "ECDSA", "ED25519", from ssh-keygen -l */
};

static void key_info_done(struct key_info *k)
{
	free(k->path);
	free(k->message);
	free(k->pub);
	free(k->type);
}

/* The key type a default file name stands for; NULL for other names. */
static const char *type_from_name(const char *path)
{
	const char *name = path_last(path);

	if (strstr(name, "_rsa_"))
		return "rsa";
	if (strstr(name, "_ecdsa_"))
		return "ecdsa";
	if (strstr(name, "_ed25519_"))
		return "ed25519";
	return NULL;
}

/*
 * One shell script for all keys, given as its arguments (never pasted into
 * the script): each is copied to a 0600 file in the sandbox's private /run
 * and examined there, so the target is only read.
 */
static const char inspect_script[] =
	"umask 077; t=/run/sshfix-key\n"
	"for k in \"$@\"; do echo \"== $k\"\n"
	"if [ ! -e \"$k\" ]; then echo MISSING\n"
	"elif [ ! -f \"$k\" ]; then echo NOTREGULAR\n"
	"elif [ ! -s \"$k\" ]; then echo EMPTY\n"
	"else cat \"$k\" > $t && if p=$(ssh-keygen -y -f $t 2>&1); then echo \"PUB $p\"; "
	"echo \"LEN $(ssh-keygen -l -f $t)\"; else echo \"BAD $p\" | tr '\\n' ' '; echo; fi; rm -f $t; fi\n"
	"done\n";

/* Run the inspection of keys in the sandbox; argv is sh -c SCRIPT sh KEY... */
static int inspect(struct run *run, char **keys, struct sandbox_result *res, const char **why)
{
	size_t n = strv_length(keys);
	_cleanup_free_ const char **argv = calloc(n + 5, sizeof(char *));

	if (!argv)
		return -ENOMEM;
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = inspect_script;
	argv[3] = "sh";
	for (size_t i = 0; i < n; i++)
		argv[4 + i] = keys[i];
	return sandbox_run(run->target, argv, NULL, res, why);
}

/* Parse the script's output into infos, one per key, in order. */
static int parse_inspection(const char *out, char **keys, struct key_info *infos)
{
	size_t k = (size_t) -1;

	for (const char *l = out; *l;) {
		const char *nl = strchrnul(l, '\n');
		_cleanup_free_ char *line = strndup(l, (size_t) (nl - l));
		l = *nl ? nl + 1 : nl;
		if (!line)
			return -ENOMEM;
		if (startswith(line, "== ")) {
			k++;
			if (!keys[k])
				return -EINVAL;
			continue;
		}
		if (k == (size_t) -1 || !keys[k])
			continue;
		struct key_info *ki = &infos[k];
		if (strcmp(line, "MISSING") == 0)
			ki->state = KEY_MISSING;
		else if (strcmp(line, "NOTREGULAR") == 0)
			ki->state = KEY_NOT_REGULAR;
		else if (strcmp(line, "EMPTY") == 0)
			ki->state = KEY_EMPTY;
		else if (startswith(line, "BAD ")) {
			ki->state = KEY_BAD;
			free(ki->message);
			ki->message = strdup(line + 4);
		} else if (startswith(line, "PUB ")) {
			/* "ssh-ed25519 AAAA... comment": keep type and base64 */
			const char *p = line + 4, *sp = strchr(p, ' ');
			const char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
			free(ki->pub);
			ki->pub = strndup(p, sp2 ? (size_t) (sp2 - p) : strlen(p));
			ki->state = KEY_OK;
		} else if (startswith(line, "LEN ")) {
			/* "3072 SHA256:... comment (RSA)" */
			unsigned long long bits;
			char num[16] = "";
			sscanf(line + 4, "%15[0-9]", num);
			if (parse_uint(num, 10, 65536, &bits) == 0)
				ki->bits = (unsigned) bits;
			const char *open = strrchr(line, '(');
			free(ki->type);
			ki->type = open ? strndup(open + 1, strcspn(open + 1, ")")) : NULL;
		}
	}
	return 0;
}

/* Does the .pub file hold the same "type base64" as the private key? */
static int pub_matches(struct run *run, const char *key, const char *pub, bool *ret_exists)
{
	_cleanup_free_ char *path = NULL, *data = NULL;
	size_t len;
	int r;

	if (asprintf(&path, "%s.pub", key) < 0)
		return -ENOMEM;
	r = target_read_file(run->target, path, 1u << 20, &data, &len);
	*ret_exists = r == 0;
	if (r < 0)
		return 0;
	size_t n = strlen(pub);
	return strncmp(data, pub, n) == 0 && (data[n] == ' ' || data[n] == '\n' || data[n] == '\r' || data[n] == '\0');
}

static int add(struct run *run, enum problem_code code, const char *path, const char *fmt, ...) _printf_(4, 5);
static int add(struct run *run, enum problem_code code, const char *path, const char *fmt, ...)
{
	struct finding *f = run_add_finding(run, &hostkey_content_problems[code], path, NULL);
	va_list ap;
	int r;

	if (!f)
		return -ENOMEM;
	free(f->detail);
	va_start(ap, fmt);
	r = vasprintf(&f->detail, fmt, ap);
	va_end(ap);
	if (r < 0) {
		f->detail = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The minimum RSA size this sshd loads (RequiredRSASize, default 1024 from 9.1). */
static unsigned required_rsa_size(const struct run *run)
{
	const struct sshd_option *o = sshd_config_first(run->model.sshd, "RequiredRSASize");
	unsigned long long v;

	if (!target_sshd_at_least(run->target, 9, 1))
		return 0;
	if (o && parse_uint(o->args[0], 10, 65536, &v) == 0)
		return (unsigned) v;
	return 1024;
}

static int report_key(struct run *run, const struct key_info *k, bool configured, bool any_usable)
{
	_cleanup_free_ char *msg = NULL;
	bool pub_exists = false;
	unsigned required = required_rsa_size(run);
	int r;

	switch (k->state) {
	case KEY_MISSING:
		/* A missing default key only matters when nothing else loads. */
		if (!configured && any_usable)
			return 0;
		return add(run, PR_HOSTKEY_MISSING, k->path, "%s",
			   configured ? " (named by a HostKey line)" : " (and no other host key is usable)");
	case KEY_EMPTY:
		return add(run, PR_HOSTKEY_EMPTY, k->path, "%s", "");
	case KEY_NOT_REGULAR:
		return 0;	/* hostkey-perms reports it */
	case KEY_BAD: {
		/* 'Load key "/run/sshfix-key": error in libcrypto': the reason, without our copy's name. */
		const char *m = k->message ? k->message : "unreadable";
		const char *colon = strstr(m, "\": ");
		msg = strdup_trunc(colon ? colon + 3 : m, 200);
		if (!msg)
			return -ENOMEM;
		msg[strcspn(msg, "\r\n")] = '\0';
		for (size_t e = strlen(msg); e > 0 && msg[e - 1] == ' '; e--)
			msg[e - 1] = '\0';
		return add(run, PR_HOSTKEY_CORRUPT, k->path, "%s", msg);
	}
	case KEY_OK:
		break;
	}
	if (k->type && strcmp(k->type, "RSA") == 0 && k->bits) {
		if (k->bits < required)
			return add(run, PR_HOSTKEY_RSA_TOO_SMALL, k->path, "%u", k->bits);
		if (k->bits < 2048) {
			r = add(run, PR_HOSTKEY_RSA_WEAK, k->path, "%u", k->bits);
			if (r < 0)
				return r;
		}
	}
	if (!k->pub)
		return 0;
	r = pub_matches(run, k->path, k->pub, &pub_exists);
	if (r < 0)
		return r;
	if (r == 0) {
		_cleanup_free_ char *pub = NULL;
		if (asprintf(&pub, "%s.pub", k->path) < 0)
			return -ENOMEM;
		r = add(run, PR_HOSTKEY_PUB_MISMATCH, pub, "%s",
			pub_exists ? "does not match its private key" : "is missing");
		if (r < 0)
			return r;
		/* The public half ssh-keygen derived: the repair writes it, no second run. */
		char *derived = strdup(k->pub);
		if (!derived)
			return -ENOMEM;
		finding_set_data(run->findings[run->n_findings - 1], derived, free);
	}
	return 0;
}

static int hostkey_content_detect(struct run *run)
{
	_cleanup_strv_free_ char **keys = NULL;
	struct sandbox_result res = {0};
	struct key_info *infos = NULL;
	const char *why = NULL;
	bool configured, any_usable = false;
	size_t n;
	int r;

	r = model_host_keys(&run->model, &keys, &configured);
	if (r < 0)
		return r;
	n = strv_length(keys);
	r = inspect(run, keys, &res, &why);
	if (r < 0)
		return r == -ENOMEM ? r
				    : model_note(&run->model,
						 "host keys were not examined: the target's ssh-keygen could not run here (%s)",
						 why ? why : strerror(-r));
	infos = calloc(n + 1, sizeof(*infos));
	if (!infos) {
		sandbox_result_done(&res);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		infos[i].path = strdup(keys[i]);
		infos[i].state = KEY_BAD;	/* until the script says otherwise */
	}
	r = parse_inspection(res.output, keys, infos);
	sandbox_result_done(&res);
	for (size_t i = 0; r == 0 && i < n; i++)
		any_usable |= infos[i].state == KEY_OK && infos[i].pub;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = report_key(run, &infos[i], configured, any_usable);
	for (size_t i = 0; i < n; i++)
		key_info_done(&infos[i]);
	free(infos);
	return r;
}

/* ---- repair ---- */

struct keypair {
	char *priv, *pub;
	size_t priv_len, pub_len;
};

static void keypair_done(struct keypair *k)
{
	free(k->priv);
	free(k->pub);
}

/* Split "== PRIVATE\n...== PUBLIC\n..." from the generator script. */
static int split_keypair(const char *out, struct keypair *ret)
{
	const char *a = strstr(out, "== PRIVATE\n"), *b = strstr(out, "== PUBLIC\n");

	if (!a || !b || b < a)
		return -EINVAL;
	a += strlen("== PRIVATE\n");
	ret->priv_len = (size_t) (b - a);
	ret->priv = strndup(a, ret->priv_len);
	b += strlen("== PUBLIC\n");
	ret->pub_len = strlen(b);
	ret->pub = strdup(b);
	if (!ret->priv || !ret->pub || ret->priv_len == 0 || ret->pub_len == 0)
		return -EINVAL;
	return 0;
}

/*
 * ssh-keygen in a directory of its own, printing the pair: mkdir_cmd sets $d
 * (a directory of the sandbox's private /run, or a fresh one in the rescue
 * system's /tmp, removed on exit).
 */
static char *keygen_script(const char *type, const char *comment, const char *mkdir_cmd)
{
	char *s;

	if (asprintf(&s,
		     "set -e; umask 077; %s\n"
		     "ssh-keygen -q -t %s %s -N '' -C '%s' -f $d/key < /dev/null > /dev/null\n"
		     "echo '== PRIVATE'; cat $d/key; echo '== PUBLIC'; cat $d/key.pub\n",
		     mkdir_cmd, type, strcmp(type, "rsa") == 0 ? "-b 3072" : "", comment) < 0)
		return NULL;
	return s;
}

/* Run the script; 0 and *ret when it printed a pair. */
static int keygen_run(struct run *run, const char *script, const struct sandbox_opts *opts, struct keypair *ret)
{
	const char *const argv[] = { "/bin/sh", "-c", script, NULL };
	struct sandbox_result res = {0};
	const char *why;
	int r;

	r = sandbox_run(run->target, argv, opts, &res, &why);
	if (r == 0 && (res.exit_status != 0 || split_keypair(res.output, ret) < 0))
		r = -ENOEXEC;
	sandbox_result_done(&res);
	if (r < 0) {
		keypair_done(ret);
		*ret = (struct keypair) {0};
	}
	return r;
}

/* "root@<the target's hostname>", as ssh-keygen -A would name it there. */
static char *key_comment(struct run *run)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	char *c;

	if (target_read_file(run->target, "/etc/hostname", 4096, &data, &len) == 0) {
		data[strcspn(data, "\r\n \t'")] = '\0';
		if (*data && asprintf(&c, "root@%s", data) >= 0)
			return c;
	}
	return strdup("root@localhost");
}

static int generate(struct run *run, const char *type, struct keypair *ret, const char **ret_how)
{
	/* In the target: a directory the sandbox made in its own tmpfs /run; if
	 * it is not there, /run is the target's, and nothing is written to it. */
	static const char *const run_dirs[] = { "sshfix-keygen", NULL };
	const struct sandbox_opts sandboxed = { .run_dirs = run_dirs };
	/* The rescue system's own, as root, when the target's cannot run here. */
	const struct sandbox_opts host = { .host = true, .as_uid = 0, .as_gid = 0 };
	_cleanup_free_ char *comment = key_comment(run), *in_target = NULL, *on_host = NULL;

	if (!comment || !(in_target = keygen_script(type, comment, "d=/run/sshfix-keygen; test -d $d")) ||
	    !(on_host = keygen_script(type, comment,
				      "d=$(mktemp -d /tmp/sshfix-keygen.XXXXXX); trap 'rm -rf \"$d\"' EXIT")))
		return -ENOMEM;
	*ret_how = "the target's ssh-keygen";
	if (keygen_run(run, in_target, &sandboxed, ret) == 0)
		return 0;
	*ret_how = "the rescue system's ssh-keygen";
	return keygen_run(run, on_host, &host, ret);
}

/* The SELinux label of a sibling host key, for a key we create. */
static int sibling_label(struct run *run, const char *key, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *dir = path_parent(key);
	_cleanup_strv_free_ char **names = NULL;

	if (!dir || target_list_dir(run->target, dir, &names) < 0)
		return -ENOENT;
	for (size_t i = 0; names[i]; i++) {
		_cleanup_free_ char *p = NULL;
		if (!startswith(names[i], "ssh_host_") || !(p = path_join(dir, names[i])))
			continue;
		_cleanup_close_ int fd = target_open_inode(run->target, p, TR_NO_SYMLINKS, NULL);
		int r = fd < 0 ? fd : mac_read_label(fd, ret, ret_len);
		if (r == 0 || r == -ENOMEM)
			return r;
	}
	return -ENOENT;
}

static int write_key_file(struct run *run, const char *path, const char *data, size_t len, mode_t mode,
			  const char *label, size_t label_len, bool secret)
{
	int r = journal_write_file_flags(run->journal, path, data, len, mode, 0, 0, secret ? JW_SECRET : 0);

	if (r >= 0 && label)
		r = journal_set_xattr(run->journal, path, "security.selinux", label, label_len);
	return r < 0 ? r : 0;
}

static int hostkey_content_repair(struct run *run, struct finding *f)
{
	_cleanup_free_ char *key = NULL, *pub = NULL, *label = NULL;
	struct keypair kp = {0};
	size_t label_len = 0;
	const char *type, *how = NULL;
	int r;

	if (f->problem->code == PR_HOSTKEY_PUB_MISMATCH) {
		/* Rewrite the .pub with the public half detect derived from the private key. */
		_cleanup_free_ char *comment = key_comment(run), *line = NULL;
		if (!f->data)
			return -ESTALE;
		if (asprintf(&line, "%s %s\n", (const char *) f->data, comment ? comment : "root@localhost") < 0 ||
		    asprintf(&f->action, "rewrite it from the private key") < 0)
			return -ENOMEM;
		return write_key_file(run, f->path, line, strlen(line), 0644, NULL, 0, false);
	}

	type = type_from_name(f->path);
	if (!type) {
		f->status_reason = strdup("the file name does not say which key type to generate (rsa, ecdsa, ed25519); "
					  "generate it with ssh-keygen -t TYPE -f PATH");
		return -EINVAL;
	}
	r = generate(run, type, &kp, &how);
	if (r < 0) {
		f->status_reason = strdup("no ssh-keygen could run (neither the target's nor the rescue system's)");
		return r;
	}
	if (asprintf(&pub, "%s.pub", f->path) < 0 ||
	    asprintf(&f->action, "generate a new %s key with %s", type, how) < 0) {
		keypair_done(&kp);
		return -ENOMEM;
	}
	/* the label: the policy's when SELinux is configured (RULES §9.2), else a sibling key's */
	const struct mac_state *m;
	const char *ctx = NULL, *where = NULL;
	if (mac_get(run, &m) == 0 && (m->config_mode == SELINUX_ENFORCING || m->config_mode == SELINUX_PERMISSIVE) &&
	    mac_expected_label(run, f->path, S_IFREG, &ctx, &where) == 0) {
		if (!(label = strdup(ctx))) {
			keypair_done(&kp);
			return -ENOMEM;
		}
		label_len = strlen(ctx) + 1;
	} else
		(void) sibling_label(run, f->path, &label, &label_len);
	r = write_key_file(run, f->path, kp.priv, kp.priv_len, 0600, label, label_len, true);
	if (r == 0)
		r = write_key_file(run, pub, kp.pub, kp.pub_len, 0644, label, label_len, false);
	keypair_done(&kp);
	return r;
}

const struct fix fix_hostkey_content = {
	.id = "hostkey-content",
	.summary = "host keys sshd cannot use: missing, empty, corrupt, RSA too small, mismatched .pub",
	.rules = "RULES §2.1-2.4, §2.6, §2.8",
	.problems = hostkey_content_problems,
	.detect = hostkey_content_detect,
	.repair = hostkey_content_repair,
};
