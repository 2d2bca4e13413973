/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One libFuzzer target for the parsers that read what people and programs
 * wrote on the target: the first byte picks the parser, the rest is its
 * input.  Built and run by tests/fuzz/run.sh (clang, ASan, UBSan); every
 * parser must return, never crash, leak or read out of bounds.
 *
 * 7: the account files (src/accounts.h), each kind: rendered back byte for
 * byte, and an edit of one entry changes its own line only.
 * 17-19 read the next boot's MAC state and sshd's flags: /etc/default/grub,
 * grubenv and BLS entries, /etc/selinux/config, AppArmor profile headers;
 * unit files, EnvironmentFile= with $VAR splitting.
 * fail2ban (20-22): its database as a hostile SQLite image, its
 * configuration files, and what the target's python3 prints about them.
 * 23: TCP wrappers (src/tcpwrap.h): hosts.allow, then "\0\0", hosts.deny,
 * then "\0\0" and what every /file list reads; the list's first byte may
 * make it a FIFO ('#'), a device ('$'), unreadable ('!') or a user's ('@').
 * The persistent firewall (24-25): an nftables ruleset (with itself as
 * every included file) and an iptables-save file, each judged for a few
 * packets and given the planned accept rule.
 * 26-28: firewalld's XML, the file_contexts regex matcher and lookup.
 * 29-30: the target's logs (line stamps, --since, both windows) and
 * --explain's reading of what the client showed.  31: an AppArmor
 * profile's rules, every include being the profile itself.  32: a systemd
 * journal file behind a valid header.  34: an sshd_config (with its
 * Includes, in a scratch root): each account's keys-file patterns from
 * keyfiles_set_for() must be those verdict_config_for() uses, for a client
 * that matches no client-dependent Match block and one that matches all.
 *
 * The --client parsers (12-15) take hostile input: a user's files, through
 * the ssh client configuration loader on an in-memory file system; what
 * ssh -G prints, matched against what that loader read; and the frames the
 * reader child sends (src/asuser.h), which the parent must refuse unless
 * they are well formed and answer what it asked.  19 reads systemd's unit
 * file syntax and environment files (src/unit_file.h, src/envfile.h).
 */
#include "config.h"
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include "authkeys.h"
#include "bootcmd.h"
#include "mac.h"
#include "known_hosts.h"
#include "netconf.h"
#include "pam.h"
#include "pam_counters.h"
#include "pam_modules.h"
#include "listen_addr.h"
#include "client_config.h"
#include "sshd_config.h"
#include "nft.h"
#include "firewalld.h"
#include "fcre.h"
#include "logs.h"
#include "apparmor.h"
#include "semanage.h"
#include "keyfiles.h"
#include "target.h"
#include "verdict_config.h"
#include "sdjournal.h"
#include "explain.h"
#include "fcontext.h"
#include "iptables.h"
#include "accounts.h"
#include "asuser.h"
#include "fail2ban.h"
#include "sqlite_ro.h"
#include "sshmatch.h"
#include "unit_exec.h"
#include "unit_file.h"
#include "tcpwrap.h"
#include "util.h"

/*
 * An in-memory home for the loader: the input split at "\0\0" into up to
 * eight files, "/h/.ssh/config" first, then "/h/.ssh/1" ... "/h/.ssh/7"
 * ("Include 1", "Include ~/.ssh/[1-7]", "Include /h/.ssh/?").  A file's first
 * byte may make it answer as ssh's reader can: '!' unreadable, '@' reached
 * through a symlink, '#' a FIFO, '$' a directory, '%' too large.
 */
#define MEMFS_FILES 8
struct memfs {
	const char *data[MEMFS_FILES];
	size_t len[MEMFS_FILES];
	size_t n;
};

static void memfs_name(size_t k, char out[16])
{
	if (k == 0)
		memcpy(out, "/h/.ssh/config", 15);
	else
		snprintf(out, 16, "/h/.ssh/%zu", k);
}

static int mem_read(void *u, const char *path, size_t max, unsigned flags, struct asuser_file *ret)
{
	struct memfs *m = u;
	char name[16];

	(void) flags;
	*ret = (struct asuser_file) { .error = -ENOENT };
	for (size_t k = 0; k < m->n; k++) {
		memfs_name(k, name);
		if (strcmp(name, path) != 0)
			continue;
		const char *d = m->data[k];
		size_t n = m->len[k];
		*ret = (struct asuser_file) { .has_stat = true,
					      .st = { .dev = 1, .ino = k + 1, .nlink = 1, .mode = S_IFREG | 0644 } };
		if (n > 0 && d[0] == '!')
			ret->error = -EACCES;
		else if (n > 0 && d[0] == '#')
			ret->st.mode = S_IFIFO | 0644, ret->error = -EINVAL;
		else if (n > 0 && d[0] == '$')
			ret->st.mode = S_IFDIR | 0755, ret->error = -EISDIR;
		else if ((n > 0 && d[0] == '%') || n > max)
			ret->error = -EFBIG;
		ret->indirect = n > 0 && d[0] == '@';
		if (ret->error == 0) {
			ret->data = malloc(n + 1);
			if (!ret->data)
				return -ENOMEM;
			memcpy(ret->data, d, n);
			ret->data[n] = 0;
			ret->len = n;
		}
		return 0;
	}
	return 0;
}

static int mem_glob(void *u, const char *pattern, char ***ret)
{
	struct memfs *m = u;
	char **v = calloc(MEMFS_FILES + 1, sizeof(char *));
	size_t k = 0;
	char name[16];

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		memfs_name(i, name);
		if (target_glob_matches(pattern, name))
			v[k++] = strdup(name);
	}
	strv_sort(v);
	*ret = v;
	return 0;
}

/* Every /file pattern list of case 17 reads the same bytes. */
struct tw_mem {
	const char *d;
	size_t n;
};

static int tw_mem_read(void *u, const char *path, struct tw_file *ret)
{
	const struct tw_mem *m = u;

	(void) path;
	*ret = (struct tw_file) { .kind = TWF_REGULAR };
	if (m->n > 0 && m->d[0] == '#')
		ret->kind = TWF_FIFO;
	else if (m->n > 0 && m->d[0] == '$')
		ret->kind = TWF_DEVICE;
	else if (m->n > 0 && m->d[0] == '!')
		*ret = (struct tw_file) { .kind = TWF_UNREAD, .error = -EFBIG };
	ret->unsafe = m->n > 0 && m->d[0] == '@';
	if (ret->kind != TWF_REGULAR)
		return 0;
	ret->data = malloc(m->n + 1);
	if (!ret->data)
		return -ENOMEM;
	memcpy(ret->data, m->d, m->n);
	ret->data[m->n] = 0;
	ret->len = m->n;
	return 0;
}

static void fuzz_tcpwrap(const char *d, size_t n)
{
	struct tw_file t[2] = {0};
	struct tw_mem list = { "", 0 };
	const char *part[3] = { d, "", "" };
	size_t len[3] = { n, 0, 0 }, k = 0;
	static const char *const clients[] = { NULL, "192.0.2.20", "2001:db8::1", "::ffff:192.0.2.20" };

	for (size_t i = 0; i + 1 < n && k < 2; i++)
		if (d[i] == 0 && d[i + 1] == 0) {
			len[k] = (size_t) (d + i - part[k]);
			part[++k] = d + i + 2;
			len[k] = n - (size_t) (part[k] - d);
			i++;
		}
	for (int i = 0; i < 2; i++) {
		t[i].kind = TWF_REGULAR;
		t[i].data = malloc(len[i] + 1);
		memcpy(t[i].data, part[i], len[i]);
		t[i].data[len[i]] = 0;
		t[i].len = len[i];
	}
	list.d = part[2];
	list.n = len[2];
	struct tw_query q = { .daemon = "sshd", .client = clients[n % 4], .client_name = n & 4 ? "host.example.com" : NULL,
			      .user = n & 8 ? "unknown" : NULL, .server = n & 16 ? "192.0.2.10" : NULL, .port = n & 32 ? 22 : 0 };
	struct tw_result r;
	if (tw_evaluate(t, &q, tw_mem_read, &list, &r) == 0) {
		/* an answer names a step that exists, and "depends" says on what */
		if (r.verdict == TW_DEPENDS && (!r.depends_on || r.alt.verdict == r.step.verdict))
			abort();
		if (r.step.table > 1 || (r.step.table < 0 && r.verdict != TW_GRANT))
			abort();
		tw_result_done(&r);
	}
	free(tw_allow_entry("sshd", q.client));
	tw_file_done(&t[0]);
	tw_file_done(&t[1]);
}

/*
 * The account files: a parse renders back to the very bytes (entry lines are
 * kept split in place), and an edit of one entry changes its own line only.
 */
static void fuzz_accounts(const char *d, size_t n)
{
	for (int kind = ACCT_PASSWD; kind <= ACCT_SHADOW; kind++) {
		struct acct_file f = {0};
		char *out = NULL;
		size_t len = 0;
		int r;

		if (kind == ACCT_GROUP) {
			char *c = malloc(n ? n : 1);
			memcpy(c, d, n);
			r = acct_file_parse_take(ACCT_GROUP, c, n, &f);
		} else
			r = acct_file_parse((enum acct_kind) kind, d, n, &f);
		if (r < 0)
			continue;
		if (acct_file_render(&f, &out, &len) < 0 || len != n || memcmp(out, d, n) != 0)
			abort();
		free(out);
		if (f.n_entries > 0) {
			size_t e = n % f.n_entries, at = 0, line = kind == ACCT_PASSWD ? f.pw[e].line
							     : kind == ACCT_GROUP   ? f.gr[e].line
										    : f.sp[e].line;
			for (size_t i = 0; i < line; i++)
				at += f.lines[i].len + f.lines[i].newline;
			size_t old_end = at + f.lines[line].len;
			if (acct_file_set_field(&f, e, 1, "!") < 0 || acct_file_render(&f, &out, &len) < 0)
				abort();
			size_t new_end = at + f.lines[line].len;
			if (len - new_end != n - old_end || memcmp(out, d, at) != 0 ||
			    memcmp(out + new_end, d + old_end, n - old_end) != 0)
				abort();
			free(out);
		}
		acct_file_done(&f);
	}
}

/* Load the in-memory home; with ssh_output, match what ssh printed against it. */
static void fuzz_client_config(const char *d, size_t n, bool ssh_output)
{
	static const struct asuser_ops ops = { mem_read, mem_glob };
	struct memfs m = {0};
	const char *p = d, *end = d + n, *out = NULL;
	struct accounts a = { .passwd = { .kind = ACCT_PASSWD } };
	const char *pw = "u:x:1000:1000::/h:/bin/sh\nv:x:1001:1001::/h/.ssh:/bin/sh\n";

	/* With ssh_output, everything after "\0\0\0" is what ssh -G printed. */
	if (ssh_output) {
		for (const char *q = d; q + 2 < end; q++)
			if (!q[0] && !q[1] && !q[2]) {
				out = q + 3;
				end = q;
				break;
			}
	}
	while (m.n < MEMFS_FILES) {
		const char *q = p;
		while (q + 1 < end && !(q[0] == 0 && q[1] == 0))
			q++;
		if (q + 1 >= end)
			q = end;
		m.data[m.n] = p;
		m.len[m.n++] = (size_t) (q - p);
		if (q >= end)
			break;
		p = q + 2;
	}
	struct client_config_context ctx = { .home = "/h", .accounts = &a, .host = "a.example" };
	struct client_config *c = NULL;
	struct asuser *rd = NULL;
	if (acct_file_parse(ACCT_PASSWD, pw, strlen(pw), &a.passwd) < 0 || asuser_new_ops(&ops, &m, &rd) < 0)
		abort();
	if (client_config_load(rd, "/h/.ssh/config", &ctx, &c) == 0) {
		for (size_t i = 0; i < c->n_diags; i++) {
			free(client_config_keyword_display(c->diags[i].keyword));
			if (c->diags[i].file_index >= c->n_files || c->diags[i].file != c->files[c->diags[i].file_index].path)
				abort();
		}
		for (size_t i = 0; i < c->n_files; i++)
			if (c->files[i].from_index != SIZE_MAX && c->files[i].from_index >= i)
				abort();	/* an includer is read before what it includes */
		for (size_t i = 0; i < c->n_opts; i++)
			free(client_config_keyword_display(c->opts[i].keyword));
		if (out) {
			_cleanup_free_ char *text = strndup(out, (size_t) (d + n - out));
			struct client_config_bad_option *v = NULL;
			size_t k = 0;
			if (text && client_config_bad_options(text, &v, &k) == 0) {
				for (size_t i = 0; i < k; i++) {
					const struct client_config_option *o = client_config_match_bad_option(c, &v[i]);
					/* A match is a line this loader read, holding that keyword. */
					if (o && (strcmp(o->file, v[i].file) != 0 || o->line != v[i].line ||
						  strcasecmp(o->keyword, v[i].keyword) != 0))
						abort();
				}
				client_config_bad_options_free(v, k);
			}
		}
		client_config_free(c);
	}
	asuser_free(rd);
	acct_file_done(&a.passwd);
}

static int fuzz_profile(const char *attach, unsigned line, bool complain, bool other, void *u)
{
	(void) attach; (void) line; (void) complain; (void) other; (void) u;
	return 0;
}

/* nft's reader for the fuzzer: every path is the input (includes included loop on themselves). */
struct fz_mem {
	const char *d;
	size_t n;
};

static int fz_read(void *ud, const char *path, char **ret, size_t *ret_len)
{
	const struct fz_mem *m = ud;
	char *c = malloc(m->n + 1);

	(void) path;
	if (!c)
		return -ENOMEM;
	memcpy(c, m->d, m->n);
	c[m->n] = '\0';
	*ret = c;
	*ret_len = m->n;
	return 0;
}

static int fz_glob(void *ud, const char *pattern, char ***ret)
{
	char **v = calloc(3, sizeof(char *));

	(void) ud;
	if (!v)
		return -ENOMEM;
	v[0] = strdup(pattern);
	*ret = v;
	return 0;
}

static void fz_firewall(unsigned which, const char *d, size_t n)
{
	static const struct fw_packet pk[] = { { 2 /* AF_INET */, 22, NULL }, { 10 /* AF_INET6 */, 2222, NULL },
					       { 2, 22, "198.51.100.7" }, { 10, 22, "2001:db8::7" } };
	for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]); i++) {
		struct fw_answer a;
		char *out = NULL;
		size_t len;
		if (which == 24) {
			struct fz_mem m = { d, n };
			const struct fw_reader rd = { fz_read, fz_glob, &m };
			struct nft_ruleset *rs = NULL;
			char *why = NULL;
			const char *path;
			if (nft_load(&rd, "/etc/nftables.conf", &rs, &why) == 0) {
				nft_eval(rs, &pk[i], &a);
				if (nft_plan_accept(rs, &pk[i], &path, &out, &len) == 0)
					free(out);
				nft_ruleset_free(rs);
			}
			free(why);
		} else {
			struct ipt_ruleset *rs = NULL;
			unsigned line;
			const char *why;
			if (ipt_parse("/etc/iptables/rules.v4", d, n, &rs, &line, &why) == 0) {
				ipt_eval(rs, &pk[i], &a);
				if (ipt_plan_accept(rs, d, n, &pk[i], &out, &len) == 0)
					free(out);
				ipt_ruleset_free(rs);
			}
		}
	}
}

/* firewalld: every file it reads (firewalld.conf, zones, policies, services) holds the input. */
static void fz_firewalld(const char *d, size_t n)
{
	static const struct fw_packet pk[] = { { 2 /* AF_INET */, 22, NULL }, { 10 /* AF_INET6 */, 2222, NULL },
					       { 2, 22, "198.51.100.7" } };
	struct fz_mem m = { d, n };
	const struct fw_reader rd = { fz_read, fz_glob, &m };
	struct fwd_config *c = NULL;
	char *why = NULL;

	if (fwd_load(&rd, &c, &why) == 0) {
		for (size_t i = 0; i < sizeof(pk) / sizeof(pk[0]); i++) {
			struct fwd_answer a[8];
			size_t k = fwd_eval(c, &pk[i], a, 8);
			for (size_t j = 0; j < k; j++) {
				char *opt = NULL, *el = NULL, *text = NULL;
				size_t len;
				if (a[j].a.verdict != FW_ACCEPT && fwd_plan(c, &a[j], &pk[i], &opt, &el) == 0 &&
				    fwd_zone_add(d, n, el, &text, &len) == 0)
					free(text);
				free(opt);
				free(el);
			}
		}
		fwd_config_free(c);
	}
	free(why);
}

/* fcre: "PATTERN\nSUBJECT". */
static void fz_fcre(const char *s, const char *d, size_t n)
{
	const char *nl = memchr(d, '\n', n);
	struct fcre *re = NULL;

	if (!nl || memchr(s, '\0', (size_t) (nl - d)))
		return;
	char *pat = strndup(s, (size_t) (nl - d));
	if (pat && fcre_compile(pat, &re) == 0) {
		(void) fcre_match(re, nl + 1, n - (size_t) (nl + 1 - d));
		fcre_free(re);
	}
	free(pat);
}

/* file_contexts: the input as specs and as substitutions, then a few lookups. */
static void fz_fcontext(const char *d, size_t n)
{
	static const char *const paths[] = { "/home/alice/.ssh/authorized_keys", "/etc/ssh//", "/", "//x/y/" };
	struct fcon *fc = fcon_new();
	unsigned line;

	if (!fc)
		return;
	if (fcon_add_specs(fc, d, n, "fuzz", &line) == 0 && fcon_add_subs(fc, d, n, 1) == 0 && fcon_finish(fc) == 0)
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			const char *ctx, *where;
			(void) fcon_lookup(fc, paths[i], i ? 0 : 0100000, &ctx, &where);
		}
	fcon_free(fc);
}

/* The logs' reader: stamps, --since, both windows; then --explain on the same text. */
static void fz_logs(const char *s, const char *d, size_t n)
{
	struct logs l = {0};
	long long t;

	(void) logs_line_time(d, n, 1700000000LL);
	(void) logs_parse_since(s, 1700000000LL, &t);
	if (logs_add_text(&l, "fuzz", d, n, 902, true, 0, 1700000000LL) == 0)
		(void) logs_add_text(&l, "fuzz", d, n, 1000, false, 1699000000LL, 1700000000LL);
	for (size_t i = 0; i < l.n; i++)
		free(l.lines[i].text);
	free(l.lines);
}

static void fz_explain(const char *d, size_t n)
{
	struct explanation e;

	if (explain_compute(NULL, d, n, &e) == 0)
		explain_done(&e);
}

/* An AppArmor profile whose every include is itself (loops, depth) and a directory of one file. */
struct fz_aa { const char *d; size_t n; };
static int fz_aa_read(void *u, const char *path, char **ret, size_t *ret_len)
{
	const struct fz_aa *a = u;
	if (strstr(path, ".d/") == NULL && strstr(path, ".d") && path[strlen(path) - 1] == 'd')
		return -EISDIR;
	*ret = malloc(a->n + 1);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, a->d, a->n);
	(*ret)[a->n] = 0;
	*ret_len = a->n;
	return 0;
}
static int fz_aa_list(void *u, const char *path, char ***ret)
{
	(void) u;
	(void) path;
	*ret = NULL;
	return strv_push(ret, strdup("one"));
}
static void fz_apparmor(const char *d, size_t n)
{
	struct fz_aa a = { d, n };
	struct aa_rules r;
	const struct aa_rule *x;

	if (aa_rules_load("/etc/apparmor.d/p", d, n, 2, fz_aa_read, fz_aa_list, &a, &r) < 0)
		return;
	(void) aa_rules_check(&r, "/home/alice/.ssh/authorized_keys", AA_READ, true, &x);
	(void) aa_rules_check(&r, "/usr/lib/openssh/sshd-session", AA_EXEC, false, &x);
	aa_rules_done(&r);
}

/* A journal file: the input behind a valid header (both layouts), read from a memfd. */
static void fz_sdjournal(const char *d, size_t n)
{
	static const unsigned char head[] = "LPKSHHRH";
	unsigned char h[184] = {0};
	struct buf out = {0};
	struct sdj_stats st;
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return;
	memcpy(h, head, 8);
	h[12] = n && (d[0] & 1) ? 0x10 : 0;	/* compact */
	h[176] = 184;				/* the first entry array right after the header */
	if (write(fd, h, sizeof(h)) == (ssize_t) sizeof(h) && write(fd, d, n) == (ssize_t) n)
		(void) sdj_read(fd, n > 1 && (d[1] & 1) ? 1700000000000000ULL : 0, 64, &out, &st);
	buf_done(&out);
	close(fd);
}

/* 34: a scratch root with alice (in wheel), bob and root, made once in the run's
 * directory (run.sh's work directory: kept with a crash, removed with it); the
 * input is its sshd_config. */
static char fz_root[4096];
static struct target *fz_t;
static struct accounts fz_a;

static void fz_root_done(void)
{
	char cmd[4200];

	target_free(fz_t);
	accounts_done(&fz_a);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fz_root);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", fz_root);
}

static int fz_root_init(void)
{
	static const char passwd[] = "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n"
				     "bob:x:1001:1001::/home/bob:/bin/sh\n",
			  group[] = "root:x:0:\nalice:x:1000:\nbob:x:1001:\nwheel:x:10:alice\n";
	char p[4200];

	if (fz_t)
		return 0;
	if (!getcwd(fz_root, sizeof(fz_root) - 32))
		return -1;
	strcat(fz_root, "/root.XXXXXX");
	if (!mkdtemp(fz_root))
		return -1;
	snprintf(p, sizeof(p), "%s/etc", fz_root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/ssh", fz_root);
	mkdir(p, 0755);
	if (acct_file_parse(ACCT_PASSWD, passwd, strlen(passwd), &fz_a.passwd) < 0 ||
	    acct_file_parse(ACCT_GROUP, group, strlen(group), &fz_a.group) < 0 || target_new(fz_root, &fz_t) < 0)
		abort();
	fz_a.passwd.present = fz_a.group.present = true;
	atexit(fz_root_done);
	return 0;
}

static void fz_sshd_match(const char *d, size_t n)
{
	static const char *const users[] = { "root", "alice", "bob" };
	struct sshd_config *c = NULL;
	char path[4200];
	FILE *f;

	if (fz_root_init() < 0)
		return;
	snprintf(path, sizeof(path), "%s/etc/ssh/sshd_config", fz_root);
	f = fopen(path, "we");
	if (!f)
		return;
	fwrite(d, 1, n, f);
	fclose(f);
	if (sshd_config_load(fz_t, SSHD_CONFIG_PATH, &c) < 0)
		return;
	struct keyfiles_set set;
	if (keyfiles_set_init(&set, c, &fz_a) == 0)
		for (size_t u = 0; u < 3; u++) {
			const struct pw_entry *pw = accounts_user_by_name(&fz_a, users[u]);
			char **got, **want = NULL;
			if (!pw || keyfiles_set_for(&set, pw, &got) < 0)
				break;
			for (enum verdict_world w = WORLD_UNMATCHED; w <= WORLD_MATCHED; w++) {
				const struct verdict_conn conn = { .world = w };
				struct verdict_config vc;
				if (verdict_config_for(c, &fz_a, pw->name, &conn, &vc) < 0)
					abort();
				const struct sshd_option *o = vc.src_keys_files;
				static const char *const defaults[] = { ".ssh/authorized_keys", ".ssh/authorized_keys2", NULL };
				const char *const *args = o ? (const char *const *) o->args : defaults;
				for (size_t i = 0; args[i]; i++)
					if (strcasecmp(args[i], "none") != 0 && !strv_contains(want, args[i]) &&
					    strv_push(&want, strdup(args[i])) < 0)
						abort();
				verdict_config_done(&vc);
			}
			if (strv_ensure(&want) < 0 || strv_length(got) != strv_length(want))
				abort();
			for (size_t i = 0; want[i]; i++)
				if (strcmp(got[i], want[i]) != 0)
					abort();
			strv_free(want);
		}
	keyfiles_set_done(&set);
	sshd_config_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned which = data[0] % 35;
	const char *d = (const char *) data + 1;
	size_t n = size - 1;
	char *s = malloc(n + 1);
	memcpy(s, d, n);
	s[n] = 0;
	switch (which) {
	case 0: { struct authkeys_line l; (void) authkeys_parse_line(d, n, &l); break; }
	case 1: { char *r = NULL; unsigned dmg; if (authkeys_repair_paste(d, n, &r, &dmg) == 1) free(r); break; }
	case 2: { char *r = NULL, *rep = NULL; const char *why; if (authkeys_normalize_pasted(d, n, &r, &rep, &why) >= 0) { free(r); free(rep); } break; }
	case 3: { struct buf out = {0}; struct known_hosts_result res = {0}; (void) known_hosts_forget(d, n, "host.example", &out, &res); buf_done(&out); known_hosts_result_done(&res); break; }
	case 4: { struct netconf nc = {0}; struct ifupdown_include *inc = NULL; size_t ni = 0;
		if (netconf_parse_ifupdown(&nc, "f", d, n, &inc, &ni) >= 0) ifupdown_includes_free(inc, ni);
		(void) netconf_parse_netplan(&nc, "f", d, n); (void) netconf_parse_nmconnection(&nc, "f", d, n);
		(void) netconf_parse_networkd(&nc, "f", d, n); (void) netconf_parse_ifcfg(&nc, "f", d, n);
		(void) netconf_parse_wireguard(&nc, "f", d, n); (void) netconf_parse_keepalived(&nc, "f", d, n);
		netconf_done(&nc); break; }
	case 5: { struct client_config_bad_option *v = NULL; size_t k = 0; if (client_config_bad_options(s, &v, &k) == 0) client_config_bad_options_free(v, k); break; }
	case 6: { char **argv = NULL; if (sshd_config_split_line(d, n, &argv, NULL) == 0) strv_free(argv); break; }
	case 7: fuzz_accounts(d, n); break;
	case 8: { char *nl = strchr(s, '\n'); if (nl) { *nl = 0; (void) sshmatch_pattern(s, nl + 1); (void) sshmatch_list(s, nl + 1, true); (void) sshmatch_addr_list(s, nl + 1); (void) sshmatch_user(s, "h", "10.0.0.1", nl + 1); } break; }
	case 9: { struct ip_addr a; char *scope = NULL; if (ip_parse_numeric(s, &a, &scope) == 0) free(scope); (void) ip_parse_cidr(d, n, &a); (void) services_lookup(d, n, "ssh", "tcp"); (void) listen_port_parse(s, d, n); break; }
	case 10: { unsigned line; (void) sysctl_value(d, n, "net.ipv4.ip_nonlocal_bind", &line); break; }
	case 12: fuzz_client_config(d, n, false); break;
	case 13: fuzz_client_config(d, n, true); break;
	case 14: { struct asuser_file f; if (asuser_decode_read(d, n, "/home/bob/.ssh/config", 4096, &f) == 0) {
			if (f.error > 0 || f.error < -4095 || (f.error == 0 && (!f.has_stat || !S_ISREG(f.st.mode) || f.len > 4096)) ||
			    (f.error != 0 && f.data)) abort();
			asuser_file_done(&f); }
		break; }
	case 15: { char **v = NULL; if (asuser_decode_glob(d, n, "/home/bob/.ssh/*", &v) == 0) {
			for (size_t i = 0; v[i]; i++) if (!target_glob_matches("/home/bob/.ssh/*", v[i]) || (i && strcmp(v[i - 1], v[i]) >= 0)) abort();
			strv_free(v); }
		break; }
	case 16: {
		static const char pw[] = "alice:x:1000:1000::/home/alice:/bin/bash\n", gr[] = "wheel:x:10:alice\n";
		struct accounts a = {0};
		struct pam_eval e = {0};
		int act[_PAMR_MAX];
		uint64_t latest;
		if (acct_file_parse(ACCT_PASSWD, pw, sizeof(pw) - 1, &a.passwd) == 0 &&
		    acct_file_parse(ACCT_GROUP, gr, sizeof(gr) - 1, &a.group) == 0) {
			struct pam_subject w = { .a = &a, .pw = accounts_user_by_name(&a, "alice"), .matched = n & 1,
						 .addr = n & 2 ? "192.0.2.20" : NULL, .hostname = "h" };
			(void) pam_access_text("f", d, n, NULL, NULL, n & 4, &w, &e);
			pam_eval_done(&e);
		}
		accounts_done(&a);
		(void) pam_parse_control(s, true, act);
		(void) faillock_failures(d, n, 900, &latest);
		break; }
	case 17: {	/* the boot loader's files: /etc/default/grub, grubenv, a BLS entry, the command line */
		char *v = strdup("seed"), *g = NULL, *o = NULL;
		unsigned line;
		struct boot_cmdline c = {0};
		if (v && boot_shell_assignment(d, n, "GRUB_CMDLINE_LINUX", &v, &line) >= 0 && v)
			(void) boot_cmdline_append(&c, v, strlen(v), "f line 1 (GRUB_CMDLINE_LINUX)");
		free(v);
		if (boot_grubenv_get(d, n, "kernelopts", &g) == 1)
			free(g);
		if (boot_bls_options(d, n, &o, &line) == 1)
			free(o);
		(void) boot_cmdline_append(&c, d, n, "raw");
		(void) boot_cmdline_value(&c, "selinux", NULL);
		boot_cmdline_done(&c);
		break; }
	case 18: {	/* /etc/selinux/config, AppArmor profile headers and attachment globs */
		static const char *const progs[] = { "/usr/sbin/sshd", "/usr/lib/openssh/sshd-session", NULL };
		enum selinux_mode m;
		unsigned line;
		char *type = NULL, *nl = strchr(s, '\n');
		if (mac_parse_selinux_config(d, n, &m, &line, &type) == 0)
			free(type);
		(void) mac_apparmor_headers(d, n, progs, fuzz_profile, NULL);
		if (nl) {
			*nl = 0;
			(void) mac_apparmor_glob(s, nl + 1);
		}
		break; }
	case 19: {
		/* systemd's unit file syntax, its environment files and sshd's command line:
		 * what the units provider and the service check read (src/units.h). */
		struct unit_file f;
		struct env_assignment a = {0};
		char **argv = NULL;
		if (unit_file_parse("/f.service", d, n, &f) == 0) {
			struct uvals v = {0};
			for (size_t i = 0; i < f.n_settings; i++)
				if (!f.settings[i].section || !f.settings[i].key || !f.settings[i].value) abort();
			(void) unit_file_collect(&f, "Service", "ExecStart", 0, &v);
			(void) unit_file_collect(&f, "Service", "RuntimeDirectory", UV_WORDS, &v);
			uvals_clear(&v);
			unit_file_done(&f);
		}
		if (envfile_last(d, n, "SSHD_OPTS", &a) == 1) {
			if (a.first > a.last) abort();
			if (a.value && unit_exec_split(a.value, &argv) == 0) strv_free(argv);
		}
		env_assignment_done(&a);
		break; }
	case 20: {
		/* fail2ban's database (src/sqlite_ro.h): a hostile file, every table the readers ask for */
		struct f2b_bans b;
		struct sqlite_ro_header h;
		char *err = NULL;
		if (f2b_bans_from_image(d, n, 1700000000, &b, &err) == 0)
			f2b_bans_done(&b);
		free(err);
		(void) sqlite_ro_header(d, n, &h);
		break; }
	case 21: {
		/* fail2ban's configuration: the input split at NUL into files read in order */
		struct f2b_ini *ini = NULL;
		struct f2b_config c = {0};
		if (f2b_ini_new(&ini) < 0)
			break;
		for (const char *p = d, *end = d + n; p <= end;) {
			const char *z = memchr(p, 0, (size_t) (end - p));
			size_t l = z ? (size_t) (z - p) : (size_t) (end - p);
			(void) f2b_ini_read(ini, "jail.conf", p, l);
			p += l + 1;
		}
		if (f2b_config_from_ini(ini, ini, &c) == 0)
			for (size_t i = 0; i < c.n_jails; i++) {
				const struct f2b_action *a;
				(void) f2b_jail_blocks_port(&c.jails[i], 22, d, n, true, &a);
				(void) f2b_ignoreip_match(&c.jails[i], "192.0.2.20");
			}
		f2b_config_done(&c);
		f2b_ini_free(ini);
		break; }
	case 22: {
		/* what the target's python3 printed, and ban times as people write them */
		struct f2b_bans b;
		char *err = NULL;
		int64_t v;
		if (f2b_bans_from_python(d, n, &b, &err) == 0)
			f2b_bans_done(&b);
		free(err);
		(void) f2b_str2seconds(s, &v);
		break; }
	case 23: fuzz_tcpwrap(d, n); break;
	case 24:
	case 25:
		fz_firewall(which, d, n);
		break;
	case 26: fz_firewalld(d, n); break;
	case 27: fz_fcre(s, d, n); break;
	case 28: fz_fcontext(d, n); break;
	case 29: fz_logs(s, d, n); break;
	case 30: fz_explain(d, n); break;
	case 31: fz_apparmor(d, n); break;
	case 32: fz_sdjournal(d, n); break;
	case 33: {
		/* what sshfix's script around the target's semanage printed (src/semanage.h) */
		struct semanage_changes c = {0};
		if (semanage_parse(d, n, "/var/lib/selinux", &c) == 0)
			semanage_changes_done(&c);
		break; }
	case 34: fz_sshd_match(d, n); break;
	case 11: { unsigned char *blob = NULL; size_t bl; if (authkeys_base64_decode(d, n, &blob, &bl) == 0) { const struct authkeys_type *t; unsigned bits; (void) authkeys_check_blob(blob, bl, &t, &bits); free(blob); } break; }
	}
	free(s);
	return 0;
}
