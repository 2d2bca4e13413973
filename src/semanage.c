/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's semanage on copies of its policy (src/semanage.h).
 *
 * In the sandbox (read-only, the store root and /etc/selinux writable on
 * private overlays), a shell script copies both directories to the
 * sandbox's own /run, runs semanage, and prints, after semanage's status
 * and messages, every regular file that differs from its copy (content
 * framed by its length) and every file that is gone.  libsemanage commits
 * by renaming directories; on an overlay that falls back to copying
 * ("Invalid cross-device link, fall back to non-atomic"), so every file of
 * the store is rewritten, and only the comparison says which changed.  Its
 * lock files (*.LOCK) are not part of the policy and are left out.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "finding.h"
#include "journal.h"
#include "mac.h"
#include "run.h"
#include "sandbox.h"
#include "semanage.h"
#include "util.h"

#define OUTPUT_MAX (64u << 20)	/* a targeted policy is 3-10 MiB, twice (policy.kern and policy.NN) */
#define FILES_MAX 4096

/* sh -c SCRIPT PROGRAM STORE_ROOT ARGS...: $0 is the program, run as "$0" "$@". */
static const char script[] =
	"exec 2>/run/sshfix-err\n"
	"s=$1; e=/etc/selinux; b=/run/sshfix-before; shift\n"
	"mkdir -p \"$b\" && cp -a \"$s\" \"$b/s\" && cp -a \"$e\" \"$b/e\" || { echo '@@sshfix-fail'; exit 0; }\n"
	"\"$0\" \"$@\" > /run/sshfix-log 2>&1; st=$?\n"
	"cat /run/sshfix-err >> /run/sshfix-log\n"
	"printf '@@sshfix-status %s %s\\n' \"$st\" \"$(wc -c < /run/sshfix-log)\"\n"
	"cat /run/sshfix-log\n"
	"[ \"$st\" = 0 ] || { printf '@@sshfix-end\\n'; exit 0; }\n"
	"find \"$s\" \"$e\" -type f ! -name '*.LOCK' | while IFS= read -r f; do\n"
	"\tcase $f in \"$s\"/*) o=$b/s${f#\"$s\"} ;; *) o=$b/e${f#\"$e\"} ;; esac\n"
	"\t[ -f \"$o\" ] && cmp -s \"$f\" \"$o\" && continue\n"
	"\tprintf '@@sshfix-file %s %s %s\\n' \"$(stat -c %a \"$f\")\" \"$(wc -c < \"$f\")\" \"$f\"\n"
	"\tcat \"$f\"\n"
	"done\n"
	"find \"$b/s\" \"$b/e\" -type f ! -name '*.LOCK' | while IFS= read -r o; do\n"
	"\tcase $o in \"$b/s\"/*) f=$s${o#\"$b/s\"} ;; *) f=$e${o#\"$b/e\"} ;; esac\n"
	"\t[ -e \"$f\" ] || printf '@@sshfix-gone %s\\n' \"$f\"\n"
	"done\n"
	"printf '@@sshfix-end\\n'\n";

void semanage_changes_done(struct semanage_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->files[i].path);
		free(c->files[i].data);
	}
	free(c->files);
	free(c->log);
	free(c->out);
	*c = (struct semanage_changes) {0};
}

/* An absolute path below dir with no empty, "." or ".." component. */
static bool path_ok(const char *p, const char *dir)
{
	if (!path_is_below(p, dir) || streq(p, dir))
		return false;
	for (const char *c = p + 1; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n + (c[n] == '/');
		if (c[-1] == '/' && !*c)
			return false;	/* a trailing '/' */
	}
	return true;
}

/* The header line at *pos starting with tag: its text after tag, NUL-terminated in *ret; advances *pos. */
static int header(const char *out, size_t len, size_t *pos, const char *tag, char **ret)
{
	size_t tl = strlen(tag);
	const char *nl = memchr(out + *pos, '\n', len - *pos);

	if (!nl || (size_t) (nl - (out + *pos)) < tl || memcmp(out + *pos, tag, tl) != 0)
		return -EBADMSG;
	*ret = strndup(out + *pos + tl, (size_t) (nl - (out + *pos)) - tl);
	if (!*ret)
		return -ENOMEM;
	if (strlen(*ret) != (size_t) (nl - (out + *pos)) - tl) {	/* a NUL byte in it */
		free(*ret);
		*ret = NULL;
		return -EBADMSG;
	}
	*pos = (size_t) (nl - out) + 1;
	return 0;
}

/* "N" with blanks around it (wc -c pads on some systems). */
static int number(const char *s, unsigned long long max, unsigned long long *ret)
{
	const char *b = s, *e;
	size_t n = strlen(s);

	text_trim(&b, &n);
	e = b + n;
	_cleanup_free_ char *t = strndup(b, (size_t) (e - b));
	return t ? parse_uint(t, 10, max, ret) : -ENOMEM;
}

static int add_file(struct semanage_changes *c, char *path, const char *data, size_t len, mode_t mode)
{
	if (c->n >= FILES_MAX) {
		free(path);
		return -EBADMSG;
	}
	struct semanage_file *nf = realloc(c->files, (c->n + 1) * sizeof(*nf));
	if (!nf) {
		free(path);
		return -ENOMEM;
	}
	c->files = nf;
	nf[c->n] = (struct semanage_file) { .path = path, .mode = mode, .len = len };
	if (data) {
		nf[c->n].data = malloc(len + 1);
		if (!nf[c->n].data) {
			free(path);
			return -ENOMEM;
		}
		memcpy(nf[c->n].data, data, len);
		nf[c->n].data[len] = '\0';
	}
	c->n++;
	return 0;
}

/* "MODE SIZE PATH" of an @@sshfix-file header. */
static int file_record(const char *out, size_t len, size_t *pos, const char *h, const char *store_root,
		       struct semanage_changes *c)
{
	unsigned long long mode, size;
	const char *sp1 = strchr(h, ' '), *sp2 = NULL;
	int r;

	if (sp1) {
		sp2 = sp1 + strspn(sp1, " ");	/* the size, perhaps padded */
		sp2 = *sp2 ? strchr(sp2, ' ') : NULL;
	}
	if (!sp1 || !sp2)
		return -EBADMSG;
	_cleanup_free_ char *m = strndup(h, (size_t) (sp1 - h)), *z = strndup(sp1 + 1, (size_t) (sp2 - sp1 - 1));
	char *path = strdup(sp2 + 1);
	if (!m || !z || !path) {
		free(path);
		return -ENOMEM;
	}
	if (parse_uint(m, 8, 07777, &mode) < 0 || number(z, OUTPUT_MAX, &size) < 0 || size > len - *pos ||
	    (!path_ok(path, store_root) && !path_ok(path, "/etc/selinux"))) {
		free(path);
		return -EBADMSG;
	}
	r = add_file(c, path, out + *pos, (size_t) size, (mode_t) mode);
	*pos += (size_t) size;
	return r;
}

int semanage_parse(const char *out, size_t len, const char *store_root, struct semanage_changes *ret)
{
	struct semanage_changes c = {0};
	unsigned long long st, loglen;
	size_t pos = 0;
	int r;

	{
		_cleanup_free_ char *h = NULL;
		r = header(out, len, &pos, "@@sshfix-status ", &h);
		if (r < 0)
			return r;
		char *sp = strchr(h, ' ');
		if (!sp)
			return -EBADMSG;
		*sp = '\0';
		if (parse_uint(h, 10, 255, &st) < 0 || number(sp + 1, OUTPUT_MAX, &loglen) < 0 || loglen > len - pos)
			return -EBADMSG;
	}
	c.status = (int) st;
	if (!(c.out = strndup(out + pos, (size_t) loglen)) || !(c.log = escape_display_trunc(c.out, 2000))) {
		semanage_changes_done(&c);
		return -ENOMEM;
	}
	pos += (size_t) loglen;
	for (;;) {
		_cleanup_free_ char *h = NULL;
		if (len - pos == 13 && memcmp(out + pos, "@@sshfix-end\n", 13) == 0) {
			*ret = c;
			return 0;
		}
		if (c.status != 0)
			r = -EBADMSG;	/* a failed run prints nothing more */
		else if ((r = header(out, len, &pos, "@@sshfix-file ", &h)) == 0)
			r = file_record(out, len, &pos, h, store_root, &c);
		else if (r == -EBADMSG && (r = header(out, len, &pos, "@@sshfix-gone ", &h)) == 0) {
			char *path = TAKE_PTR(h);
			r = path_ok(path, store_root) || path_ok(path, "/etc/selinux") ? add_file(&c, path, NULL, 0, 0)
										       : (free(path), -EBADMSG);
		}
		if (r < 0) {
			semanage_changes_done(&c);
			return r;
		}
	}
}

int semanage_run(struct run *run, const char *program, const char *const args[], struct semanage_changes *ret,
		 char **ret_why)
{
	const struct mac_state *m = NULL;
	int r = mac_get(run, &m);
	if (r < 0)
		return r;
	const char *store_root = m && m->store_root ? m->store_root : "/var/lib/selinux";
	const char *const scratch[] = { store_root, "/etc/selinux", NULL };
	const struct sandbox_opts opts = { .timeout_sec = 120, .read_only = true, .scratch_dirs = scratch,
					   .output_max = OUTPUT_MAX };
	const char *argv[32] = { "/bin/sh", "-c", script, program, store_root };
	struct sandbox_result res = {0};
	struct stat st;
	const char *why = NULL;
	size_t n = 5;

	if (target_stat(run->target, program, &st) < 0 || !S_ISREG(st.st_mode))
		return asprintf(ret_why, "the target has no %s (%s)", program,
				streq(path_last(program), "semanage") ? "policycoreutils-python-utils" : "policycoreutils") < 0
			       ? -ENOMEM
			       : -ENOENT;
	for (size_t i = 0; args[i]; i++) {
		if (n + 1 >= ELEMENTSOF(argv))
			return -E2BIG;
		argv[n++] = args[i];
	}
	r = sandbox_run(run->target, argv, &opts, &res, &why);
	if (r < 0)
		return asprintf(ret_why, "it cannot run here: %s", why ? why : strerror(-r)) < 0 ? -ENOMEM : r;
	if (res.timed_out)
		r = -ETIME;
	else
		r = semanage_parse(res.output ? res.output : "", res.output_len, store_root, ret);
	sandbox_result_done(&res);
	if (r == 0)
		ret->program = path_last(program);
	if (r == -ETIME)
		return (*ret_why = strdup("it did not finish in 120 s")) ? r : -ENOMEM;
	if (r == -EBADMSG)
		return (*ret_why = strdup("its output is not what sshfix asked for (a copy of the policy it could not "
					  "make, or files outside the policy's directories)"))
			       ? r
			       : -ENOMEM;
	return r;
}

int semanage_plan(struct run *run, const struct semanage_changes *c)
{
	struct stat st;
	int r, n = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct semanage_file *f = &c->files[i];
		if (!f->data)
			r = journal_unlink(run->journal, f->path);
		else if (target_lstat(run->target, f->path, &st) == 0)
			r = journal_write_file(run->journal, f->path, f->data, f->len, (mode_t) -1, (uid_t) -1,
					       (gid_t) -1);
		else
			r = journal_write_file(run->journal, f->path, f->data, f->len, f->mode & 0777, 0, 0);
		if (r < 0)
			return r;
		n += r == 0;
	}
	return n;
}

int semanage_run_repair(struct run *run, struct finding *f, const char *program, const char *const args[],
			const char *manual, struct semanage_changes *ret)
{
	_cleanup_free_ char *why = NULL, *cmd = NULL, *last = NULL;
	struct buf b = {0};

	buf_puts(&b, path_last(program));
	for (size_t i = 0; args[i]; i++)
		buf_printf(&b, " %s", args[i]);
	if (!(cmd = buf_steal(&b)))
		return -ENOMEM;
	int r = semanage_run(run, program, args, ret, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return finding_left_alone(f, r, "left alone: the target's %s was not run: %s; run in the target: %s",
					  path_last(program), why ? why : "?", manual);
	if (ret->status != 0)
		return finding_left_alone(f, -EINVAL, "left alone: the target's %s failed (exit %d): %s", cmd, ret->status,
					  (last = last_line(ret->log)) ? last : "");
	return 0;
}

int semanage_plan_repair(struct run *run, struct finding *f, const struct semanage_changes *c)
{
	int r = semanage_plan(run, c);

	if (r < 0 && r != -ENOMEM) {
		const char *refusal = journal_refusal(run->journal);
		return finding_left_alone(f, r, "left alone: what the target's %s changed cannot be written: %s",
					  c->program ? c->program : "program", refusal ? refusal : strerror(-r));
	}
	return r;
}
