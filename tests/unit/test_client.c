/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the client side (--client): SHA-1 and HMAC-SHA1 against
 * FIPS 180 and RFC 2202 vectors, known_hosts matching and forgetting
 * (src/known_hosts.c) — hashed names checked against what the real
 * `ssh-keygen -H` writes, and removals against `ssh-keygen -R` — and the
 * ssh client configuration loader (src/client_config.c): Include relative
 * to ~/.ssh, globs in lexical order, '~', the depth limit, Host blocks.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asuser.h"
#include "authkeys.h"
#include "client_config.h"
#include "fixes.h"
#include "journal.h"
#include "known_hosts.h"
#include "run.h"
#include "sha1.h"
#include "sha256.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

static char *hex(const unsigned char *p, size_t n)
{
	char *s = malloc(2 * n + 1);

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	return s;
}

/* ---- SHA-1, HMAC-SHA1 ---- */

START_TEST(sha1_fips_vectors)
{
	static const struct {
		const char *in;
		const char *out;
	} v[] = {
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	unsigned char d[SHA1_DIGEST_LEN];

	for (size_t i = 0; i < ELEMENTSOF(v); i++) {
		sha1(v[i].in, strlen(v[i].in), d);
		_cleanup_free_ char *h = hex(d, sizeof(d));
		ck_assert_str_eq(h, v[i].out);
	}
	/* A million 'a', fed in uneven pieces. */
	struct sha1 s;
	char a[997];
	memset(a, 'a', sizeof(a));
	sha1_init(&s);
	for (size_t left = 1000000; left > 0;) {
		size_t n = left < sizeof(a) ? left : sizeof(a);
		sha1_update(&s, a, n);
		left -= n;
	}
	sha1_final(&s, d);
	_cleanup_free_ char *h = hex(d, sizeof(d));
	ck_assert_str_eq(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}
END_TEST

START_TEST(hmac_sha1_rfc2202_vectors)
{
	unsigned char key[80], d[SHA1_DIGEST_LEN];

	memset(key, 0x0b, 20);
	hmac_sha1(key, 20, "Hi There", 8, d);
	_cleanup_free_ char *h1 = hex(d, sizeof(d));
	ck_assert_str_eq(h1, "b617318655057264e28bc0b6fb378c8ef146be00");

	hmac_sha1("Jefe", 4, "what do ya want for nothing?", 28, d);
	_cleanup_free_ char *h2 = hex(d, sizeof(d));
	ck_assert_str_eq(h2, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");

	/* A key longer than a block is hashed first (test case 6). */
	memset(key, 0xaa, 80);
	hmac_sha1(key, 80, "Test Using Larger Than Block-Size Key - Hash Key First", 54, d);
	_cleanup_free_ char *h3 = hex(d, sizeof(d));
	ck_assert_str_eq(h3, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}
END_TEST

/* ---- known_hosts ---- */

static char *name_of(const char *arg)
{
	char *n = NULL;
	const char *why = NULL;

	ck_assert_msg(known_hosts_name(arg, &n, &why) == 0, "%s: %s", arg, why ? why : "?");
	return n;
}

START_TEST(known_hosts_name_forms)
{
	_cleanup_free_ char *a = name_of("Example.COM"), *b = name_of("[example.com]:2222"),
			    *c = name_of("[example.com]:22"), *d = name_of("2001:db8::1"), *e = name_of("192.0.2.7");

	ck_assert_str_eq(a, "example.com");
	ck_assert_str_eq(b, "[example.com]:2222");
	ck_assert_str_eq(c, "example.com");
	ck_assert_str_eq(d, "2001:db8::1");
	ck_assert_str_eq(e, "192.0.2.7");

	static const char *const bad[] = { "", "a b", "a,b", "*.example.com", "!x", "|1|x|y", "@revoked",
					   "host:22", "[host]:0", "[host]:65536", "[host]", "[]:22", "a\tb",
					   "[host]:22x", "ho]st" };
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		char *n = NULL;
		const char *why = NULL;
		ck_assert_msg(known_hosts_name(bad[i], &n, &why) == -EINVAL, "accepted '%s'", bad[i]);
		ck_assert_ptr_nonnull(why);
		ck_assert_ptr_null(n);
	}
}
END_TEST

/* Forget name in text; returns the new text, and the result in *res. */
static char *forget(const char *text, size_t len, const char *name, struct known_hosts_result *res)
{
	struct buf out = {0};

	ck_assert_int_eq(known_hosts_forget(text, len, name, &out, res), 0);
	return buf_steal(&out);
}

START_TEST(known_hosts_forget_plain_port_and_lists)
{
	const char *in = "# my hosts\n"
			 "example.com ssh-ed25519 AAAAC3Nza1\n"
			 "other.org ssh-ed25519 AAAAC3Nza2\n"
			 "EXAMPLE.com,192.0.2.1 ecdsa-sha2-nistp256 AAAAE2Vj\n"
			 "foo,example.com,bar ssh-rsa AAAAB3Nz\n"
			 "[example.com]:2222 ssh-ed25519 AAAAC3Nza3\n"
			 "*.example.com ssh-ed25519 AAAAC3Nza4\n"
			 "  \texample.com ssh-rsa AAAAB3Nz2\n"
			 "example.community ssh-rsa AAAA\n"
			 "@cert-authority example.com ssh-ed25519 AAAACA\n"
			 "example.com";	/* no key, no final newline: not an entry */
	struct known_hosts_result res;
	_cleanup_free_ char *out = forget(in, strlen(in), "example.com", &res);

	ck_assert_str_eq(out, "# my hosts\n"
			      "other.org ssh-ed25519 AAAAC3Nza2\n"
			      "192.0.2.1 ecdsa-sha2-nistp256 AAAAE2Vj\n"
			      "foo,bar ssh-rsa AAAAB3Nz\n"
			      "[example.com]:2222 ssh-ed25519 AAAAC3Nza3\n"
			      "*.example.com ssh-ed25519 AAAAC3Nza4\n"
			      "example.community ssh-rsa AAAA\n"
			      "@cert-authority example.com ssh-ed25519 AAAACA\n"
			      "example.com");
	ck_assert_uint_eq(res.n_removed, 4);
	ck_assert_uint_eq(res.n_events, 6);
	ck_assert_uint_eq(res.events[0].line, 2);
	ck_assert_int_eq(res.events[0].what, KH_LINE_REMOVED);
	ck_assert_int_eq(res.events[1].what, KH_NAME_REMOVED);
	ck_assert_int_eq(res.events[2].what, KH_NAME_REMOVED);
	ck_assert_uint_eq(res.events[3].line, 8);
	ck_assert_int_eq(res.events[3].what, KH_LINE_REMOVED);
	ck_assert_int_eq(res.events[4].what, KH_MARKER_KEPT);
	ck_assert_uint_eq(res.events[5].line, 11);
	ck_assert_int_eq(res.events[5].what, KH_BAD_LINE);
	known_hosts_result_done(&res);

	/* The port form removes only that entry. */
	_cleanup_free_ char *out2 = forget(in, strlen(in), "[example.com]:2222", &res);
	ck_assert_uint_eq(res.n_removed, 1);
	ck_assert_ptr_null(strstr(out2, "2222"));
	ck_assert_uint_eq(strlen(out2), strlen(in) - strlen("[example.com]:2222 ssh-ed25519 AAAAC3Nza3\n"));
	known_hosts_result_done(&res);
}
END_TEST

START_TEST(known_hosts_forget_keeps_other_bytes)
{
	/* CRLF, NUL bytes, a huge line, garbage markers and hashes: kept byte for byte. */
	struct buf in = {0};
	buf_puts(&in, "example.com ssh-rsa AAAA\r\n");
	buf_puts(&in, "keep.example ssh-rsa AAAA\r\n");
	buf_append(&in, "bin\0ary ssh-rsa AAAA\n", 21);
	buf_append(&in, "example.com ssh-rsa AB\0after the NUL\n", 37);
	for (int i = 0; i < 100000; i++)
		buf_puts(&in, "xxxxxxxxxx");
	buf_puts(&in, "\n@bogus example.com ssh-rsa AAAA\n|1|notbase64!|x= ssh-rsa AAAA\n|1||x ssh-rsa AAAA\n\r\n");
	ck_assert(buf_ok(&in));

	struct known_hosts_result res;
	_cleanup_free_ char *out = forget(in.data, in.len, "example.com", &res);
	size_t removed = strlen("example.com ssh-rsa AAAA\r\n") + 37;

	ck_assert_uint_eq(res.n_removed, 2);
	ck_assert_int_eq(memcmp(out, in.data + 26, 27), 0);	/* "keep.example ...\r\n" */
	ck_assert_int_eq(memcmp(out + 27, "bin\0ary ssh-rsa AAAA\n", 21), 0);
	ck_assert_uint_eq(strlen(out), 30);	/* up to the NUL of "bin\0ary" */
	ck_assert_int_eq(memcmp(out + 48, in.data + 26 + 27 + 21 + 37, in.len - removed - 48), 0);
	size_t bad = 0;
	for (size_t i = 0; i < res.n_events; i++)
		bad += res.events[i].what == KH_BAD_LINE;
	/* "bin" (ssh reads up to the NUL: no key), the huge line, @bogus, the two bad hashes. */
	ck_assert_uint_eq(bad, 5);
	known_hosts_result_done(&res);
	buf_done(&in);

	/* Nothing to forget: the same bytes. */
	const char *none = "a ssh-rsa AAAA\nb ssh-rsa AAAA";
	_cleanup_free_ char *same = forget(none, strlen(none), "c", &res);
	ck_assert_str_eq(same, none);
	ck_assert_uint_eq(res.n_removed, 0);
	known_hosts_result_done(&res);

	_cleanup_free_ char *empty = forget("", 0, "c", &res);
	ck_assert_str_eq(empty, "");
	known_hosts_result_done(&res);
}
END_TEST

START_TEST(known_hosts_hash_roundtrip)
{
	unsigned char salt[20];
	for (size_t i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char) (i * 37 + 1);
	_cleanup_free_ char *h = known_hosts_hash("example.com", salt);

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(known_hosts_hash_matches(h, strlen(h), "example.com"), 1);
	ck_assert_int_eq(known_hosts_hash_matches(h, strlen(h), "example.org"), 0);
	ck_assert_int_eq(known_hosts_hash_matches(h, strlen(h), "Example.com"), 0);
	ck_assert_int_eq(known_hosts_hash_matches(h, strlen(h) - 1, "example.com"), 0);
	ck_assert_int_eq(known_hosts_hash_matches("|1|abc|def", 10, "x"), -EINVAL);	/* salt not 20 bytes */
	ck_assert_int_eq(known_hosts_hash_matches("|2|abc|def", 10, "x"), -EINVAL);
	ck_assert_int_eq(known_hosts_hash_matches("|1|", 3, "x"), -EINVAL);
}
END_TEST

static bool have_ssh_keygen(void)
{
	return system("command -v ssh-keygen > /dev/null 2>&1") == 0;
}

static char *read_text(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *data = NULL;

	ck_assert_msg(fd >= 0, "open %s: %m", path);
	ck_assert_int_eq(read_all(fd, 1 << 20, &data, NULL), 0);
	return data;
}

/* ssh-keygen -H on a file (it keeps the old one as FILE.old). */
static void hash_file(const char *path)
{
	_cleanup_free_ char *cmd = NULL;

	ck_assert(asprintf(&cmd, "ssh-keygen -q -H -f '%s' > /dev/null 2>&1", path) > 0);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

/*
 * The real ssh-keygen -H hashes every name of a file (a comma list becomes
 * one line per name, in order): each hashed line must match its own name,
 * through our HMAC-SHA1, and no other.
 */
START_TEST(known_hosts_hash_matches_ssh_keygen)
{
	static const char *const names[] = { "example.com", "192.0.2.1", "[example.com]:2222", "a.example.org",
					     "2001:db8::1" };
	_cleanup_free_ char *dir = NULL, *kh = NULL, *text = NULL;

	if (!have_ssh_keygen()) {
		fprintf(stderr, "SKIP: known_hosts_hash_matches_ssh_keygen: no ssh-keygen here\n");
		return;
	}
	dir = tl_mkdtemp();
	kh = tl_path(dir, "known_hosts");
	tl_write(dir, "known_hosts",
		 "example.com,192.0.2.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
		 "[example.com]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
		 "a.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
		 "2001:db8::1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
		 0600);
	hash_file(kh);
	text = read_text(kh);

	size_t line = 0;
	for (char *p = text, *nl; *p; p = nl + 1, line++) {
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_uint_lt(line, ELEMENTSOF(names));
		size_t n = strcspn(p, " ");
		ck_assert_msg(startswith(p, "|1|"), "line %zu not hashed: %.40s", line, p);
		for (size_t k = 0; k < ELEMENTSOF(names); k++)
			ck_assert_msg(known_hosts_hash_matches(p, n, names[k]) == (k == line), "line %zu, name %s", line,
				      names[k]);
		/* Our own hash with ssh-keygen's salt is the same text. */
		_cleanup_free_ unsigned char *salt = NULL;
		size_t salt_len = 0;
		const char *bar = memchr(p + 3, '|', n - 3);
		ck_assert_ptr_nonnull(bar);
		ck_assert_int_eq(authkeys_base64_decode(p + 3, (size_t) (bar - p) - 3, &salt, &salt_len), 0);
		ck_assert_uint_eq(salt_len, 20);
		_cleanup_free_ char *mine = known_hosts_hash(names[line], salt);
		ck_assert_int_eq(strncmp(mine, p, n), 0);
		ck_assert_uint_eq(strlen(mine), n);
	}
	ck_assert_uint_eq(line, ELEMENTSOF(names));
	tl_rmtree(dir);
}
END_TEST

/*
 * Where no line names several hosts, forgetting is exactly ssh-keygen -R:
 * plain, hashed and [host]:port entries, markers kept.
 */
START_TEST(known_hosts_forget_matches_ssh_keygen_r)
{
	static const char *const hosts[] = { "example.com", "[example.com]:2222", "192.0.2.1", "nothere.example" };
	const char *key = " ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";
	_cleanup_free_ char *dir = NULL;
	struct buf plain = {0};

	if (!have_ssh_keygen()) {
		fprintf(stderr, "SKIP: known_hosts_forget_matches_ssh_keygen_r: no ssh-keygen here\n");
		return;
	}
	dir = tl_mkdtemp();
	static const char *const lines[] = { "example.com", "other.example", "[example.com]:2222", "192.0.2.1",
					     "Example.COM", "[example.com]:22", "*.example.com", "example.com.evil" };
	for (size_t i = 0; i < ELEMENTSOF(lines); i++)
		buf_printf(&plain, "%s%s", lines[i], key);
	buf_printf(&plain, "@revoked example.com%s", key);
	buf_puts(&plain, "# comment\n");
	ck_assert(buf_ok(&plain));
	tl_write(dir, "plain", plain.data, 0600);
	/* The same hosts, hashed by ssh-keygen (markers and patterns stay plain). */
	_cleanup_free_ char *hashed_path = tl_path(dir, "hashed");
	tl_write(dir, "hashed", plain.data, 0600);
	hash_file(hashed_path);
	_cleanup_free_ char *hashed = read_text(hashed_path);

	const char *inputs[] = { plain.data, hashed };
	for (size_t in = 0; in < ELEMENTSOF(inputs); in++)
		for (size_t h = 0; h < ELEMENTSOF(hosts); h++) {
			_cleanup_free_ char *p = tl_path(dir, "work"), *cmd = NULL, *expect = NULL, *name = NULL;
			struct known_hosts_result res;
			tl_write(dir, "work", inputs[in], 0600);
			ck_assert(asprintf(&cmd, "ssh-keygen -R '%s' -f '%s' > /dev/null 2>&1", hosts[h], p) > 0);
			ck_assert_int_eq(system(cmd), 0);
			expect = read_text(p);
			name = name_of(hosts[h]);
			_cleanup_free_ char *got = forget(inputs[in], strlen(inputs[in]), name, &res);
			ck_assert_msg(streq(got, expect), "%s, %s:\n--- ssh-keygen -R\n%s--- sshfix\n%s",
				      in ? "hashed" : "plain", hosts[h], expect, got);
			known_hosts_result_done(&res);
		}
	buf_done(&plain);
	tl_rmtree(dir);
}
END_TEST

/* ---- the client configuration ---- */

static char *root;
static struct target *t;
static struct client_config *c;

static void setup(void)
{
	root = tl_mkdtemp();
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/ssh", 0755);
	tl_mkdir(root, "home", 0755);
	tl_mkdir(root, "home/u", 0755);
	tl_mkdir(root, "home/u/.ssh", 0700);
	tl_mkdir(root, "home/u/.ssh/conf.d", 0700);
	tl_mkdir(root, "home/v", 0755);
	ck_assert_int_eq(target_new(root, &t), 0);
	c = NULL;
}

static void teardown(void)
{
	client_config_free(c);
	target_free(t);
	tl_rmtree(root);
	free(root);
	c = NULL;
	t = NULL;
	root = NULL;
}

static void load(const char *host, const struct accounts *a)
{
	struct client_config_context ctx = { .home = "/home/u", .accounts = a, .host = host };
	struct asuser *rd = NULL;

	client_config_free(c);
	c = NULL;
	ck_assert_int_eq(asuser_new_direct(t, &rd), 0);
	ck_assert_int_eq(client_config_load(rd, "/home/u/.ssh/config", &ctx, &c), 0);
	asuser_free(rd);
}

static char *file_list(void)
{
	struct buf b = {0};

	for (size_t i = 0; i < c->n_files; i++)
		buf_printf(&b, "%s%s", i ? " " : "", c->files[i].path);
	return buf_steal(&b);
}

static const struct client_config_option *opt(const char *keyword, size_t nth)
{
	for (size_t i = 0; i < c->n_opts; i++)
		if (strcasecmp(c->opts[i].keyword, keyword) == 0 && nth-- == 0)
			return &c->opts[i];
	ck_abort_msg("no option %s", keyword);
	return NULL;
}

START_TEST(client_config_include_relative_glob_lexical)
{
	struct accounts a = { .passwd = { .kind = ACCT_PASSWD } };
	const char *pw = "v:x:1001:1001::/home/v:/bin/sh\n";

	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, pw, strlen(pw), &a.passwd), 0);
	tl_write(root, "home/u/.ssh/config",
		 "Include conf.d/*.conf\n"
		 "Include ~/.ssh/extra /etc/ssh/abs.conf\n"
		 "Include ~v/vconf\n"
		 "Include ~nosuchuser/x nomatch/*\n",
		 0600);
	tl_write(root, "home/u/.ssh/conf.d/b.conf", "User b\n", 0600);
	tl_write(root, "home/u/.ssh/conf.d/a.conf", "User a\nInclude nested\n", 0600);
	tl_write(root, "home/u/.ssh/conf.d/c.txt", "User c\n", 0600);
	tl_write(root, "home/u/.ssh/nested", "User nested\n", 0600);
	tl_write(root, "home/u/.ssh/extra", "User extra\n", 0600);
	tl_write(root, "etc/ssh/abs.conf", "User abs\n", 0644);
	tl_write(root, "home/v/vconf", "User v\n", 0644);
	load(NULL, &a);
	_cleanup_free_ char *files = file_list();
	ck_assert_str_eq(files, "/home/u/.ssh/config /home/u/.ssh/conf.d/a.conf /home/u/.ssh/nested "
				"/home/u/.ssh/conf.d/b.conf /home/u/.ssh/extra /etc/ssh/abs.conf /home/v/vconf");
	ck_assert_ptr_null(c->files[0].from);
	ck_assert_str_eq(c->files[2].from, "/home/u/.ssh/conf.d/a.conf");
	ck_assert_uint_eq(c->files[2].from_line, 2);
	ck_assert_uint_eq(c->files[2].depth, 2);
	ck_assert_str_eq(opt("User", 0)->args[0], "a");
	ck_assert_str_eq(opt("User", 1)->args[0], "nested");
	ck_assert_str_eq(opt("User", 2)->args[0], "b");
	ck_assert_uint_eq(c->n_diags, 0);
	acct_file_done(&a.passwd);
}
END_TEST

START_TEST(client_config_system_relative_and_tilde)
{
	struct client_config_context ctx = { .home = "/home/u", .system = true };
	struct asuser *rd = NULL;

	tl_mkdir(root, "etc/ssh/ssh_config.d", 0755);
	tl_write(root, "etc/ssh/ssh_config", "Include ssh_config.d/*.conf\nInclude ~/.ssh/x\n", 0644);
	tl_write(root, "etc/ssh/ssh_config.d/1.conf", "SendEnv LANG\n", 0644);
	ck_assert_int_eq(asuser_new_direct(t, &rd), 0);
	ck_assert_int_eq(client_config_load(rd, "/etc/ssh/ssh_config", &ctx, &c), 0);
	asuser_free(rd);
	_cleanup_free_ char *files = file_list();
	ck_assert_str_eq(files, "/etc/ssh/ssh_config /etc/ssh/ssh_config.d/1.conf");
	ck_assert_uint_eq(c->n_diags, 1);
	ck_assert_int_eq(c->diags[0].kind, CCD_BAD_INCLUDE);
	ck_assert_uint_eq(c->diags[0].line, 2);
}
END_TEST

START_TEST(client_config_include_depth_and_loops)
{
	tl_write(root, "home/u/.ssh/config", "Include config\nUser never\n", 0600);
	load(NULL, NULL);
	ck_assert_uint_eq(c->n_files, CLIENT_CONFIG_DEPTH_MAX + 1);
	ck_assert_uint_eq(c->n_diags, 1);
	ck_assert_int_eq(c->diags[0].kind, CCD_INCLUDE_DEPTH);
	/* ssh stops there: nothing after the Include is read. */
	for (size_t i = 0; i < c->n_opts; i++)
		ck_assert_str_ne(c->opts[i].keyword, "User");
}
END_TEST

START_TEST(client_config_host_blocks)
{
	tl_write(root, "home/u/.ssh/config",
		 "IdentityFile ~/.ssh/top\n"
		 "Host *.example.com !bad.example.com\n"
		 "  IdentityFile ~/.ssh/ex\n"
		 "  Include conf.d/in\n"
		 "Host other\n"
		 "  Include conf.d/in\n"
		 "Match exec true\n"
		 "  IdentityFile ~/.ssh/m\n"
		 "Host=*\n"
		 "  PubkeyAcceptedAlgorithms +ssh-rsa\n",
		 0600);
	tl_write(root, "home/u/.ssh/conf.d/in", "IdentityFile ~/.ssh/in\nHost *\n IdentityFile ~/.ssh/in2\n", 0600);

	load("a.example.com", NULL);
	ck_assert_int_eq(opt("IdentityFile", 0)->active, 1);	/* top */
	ck_assert_int_eq(opt("IdentityFile", 1)->active, 1);	/* ex */
	ck_assert_int_eq(opt("IdentityFile", 2)->active, 1);	/* in, in an applying block */
	ck_assert_int_eq(opt("IdentityFile", 3)->active, 1);	/* in2: Host * in the included file */
	ck_assert_int_eq(opt("IdentityFile", 4)->active, 0);	/* in, included under "Host other" */
	ck_assert_int_eq(opt("IdentityFile", 5)->active, 0);	/* in2: NEVERMATCH, parse only */
	ck_assert_int_eq(opt("IdentityFile", 6)->active, -1);	/* Match exec: unknown */
	ck_assert_int_eq(opt("PubkeyAcceptedAlgorithms", 0)->active, 1);
	ck_assert_str_eq(opt("IdentityFile", 1)->block_file, "/home/u/.ssh/config");
	ck_assert_uint_eq(opt("IdentityFile", 1)->block_line, 2);
	/* The included file's Host does not leak into the includer: "Host other" follows. */
	ck_assert_str_eq(client_config_first(c, "PubkeyAcceptedAlgorithms")->args[0], "+ssh-rsa");

	load("bad.example.com", NULL);
	ck_assert_int_eq(opt("IdentityFile", 1)->active, 0);	/* vetoed by the '!' pattern */
	ck_assert_int_eq(opt("IdentityFile", 2)->active, 0);

	char *p1[] = { "*.example.com", "!bad.example.com", NULL };
	ck_assert(client_config_host_matches(p1, "x.example.com"));
	ck_assert(!client_config_host_matches(p1, "bad.example.com"));
	ck_assert(!client_config_host_matches(p1, "example.com"));
	char *p2[] = { "!x", NULL };
	ck_assert(!client_config_host_matches(p2, "y"));	/* only negative: nothing applies */
}
END_TEST

/* What ssh -G prints for keywords it does not know (readconf.c), and nothing else. */
START_TEST(client_config_bad_options_from_ssh)
{
	static const char out[] =
		"/home/a/.ssh/config: line 2: Bad configuration option: bogus\n"
		"/home/a/.ssh/conf: line 9.d/x: line 12: Bad configuration option: alsobogus\r\n"
		"/home/a/.ssh/config: terminating, 2 bad configuration options\n"
		"/etc/ssh/ssh_config line 3: Unsupported option \"gssapiauthentication\"\n"
		"x: line 0: Bad configuration option: zero\n"
		"x: line 4: Bad configuration option: \n"
		": line 5: Bad configuration option: nofile\n"
		"Bad configuration option: noline\n"
		"/f: line 7: Bad configuration option: last";
	struct client_config_bad_option *v = NULL;
	size_t n = 0;

	ck_assert_int_eq(client_config_bad_options(out, &v, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0].file, "/home/a/.ssh/config");
	ck_assert_uint_eq(v[0].line, 2);
	ck_assert_str_eq(v[0].keyword, "bogus");
	/* A file name holding ": line ": the last one before the number counts. */
	ck_assert_str_eq(v[1].file, "/home/a/.ssh/conf: line 9.d/x");
	ck_assert_uint_eq(v[1].line, 12);
	ck_assert_str_eq(v[1].keyword, "alsobogus");
	ck_assert_str_eq(v[2].file, "/f");
	ck_assert_uint_eq(v[2].line, 7);
	ck_assert_str_eq(v[2].keyword, "last");
	client_config_bad_options_free(v, n);
	ck_assert_int_eq(client_config_bad_options("", &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	client_config_bad_options_free(v, n);
}
END_TEST

/* ssh -G's text is matched against what the loader read, never taken as a path. */
START_TEST(client_config_match_bad_options)
{
	tl_mkdir(root, "home/u/.ssh/x\n", 0700);
	tl_mkdir(root, "home/u/.ssh/x\n/etc", 0700);
	tl_write(root, "home/u/.ssh/x\n/etc/passwd", "# one\nBogus yes\n", 0600);
	tl_write(root, "home/u/.ssh/config", "Host *\n  NoSuchOption yes\nInclude ~/.ssh/x*/etc/passwd\n", 0600);
	tl_write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\nBogus\n", 0644);
	load(NULL, NULL);
	ck_assert_uint_eq(c->n_files, 2);
	ck_assert_str_eq(c->files[1].path, "/home/u/.ssh/x\n/etc/passwd");

	static const char out[] =
		"/home/u/.ssh/config: line 2: Bad configuration option: nosuchoption\n"
		/* the newline in the included file's name forges a line about /etc/passwd */
		"/home/u/.ssh/x\n/etc/passwd: line 2: Bad configuration option: bogus\n"
		/* a file the loader never read */
		"/etc/shadow: line 1: Bad configuration option: root\n"
		/* a line that does not hold that keyword */
		"/home/u/.ssh/config: line 1: Bad configuration option: nosuchoption\n"
		"/home/u/.ssh/config: line 2: Bad configuration option: otherword\n"
		/* a line the file does not have */
		"/home/u/.ssh/config: line 9: Bad configuration option: nosuchoption\n"
		/* almost the name */
		"/home/u/.ssh/config : line 2: Bad configuration option: nosuchoption\n"
		"/home/u/.ssh//config: line 2: Bad configuration option: nosuchoption\n";
	struct client_config_bad_option *v = NULL;
	size_t n = 0, matched = 0;

	ck_assert_int_eq(client_config_bad_options(out, &v, &n), 0);
	ck_assert_uint_eq(n, 8);
	/* The forged line parses as a claim about /etc/passwd line 2 ... */
	ck_assert_str_eq(v[1].file, "/etc/passwd");
	for (size_t i = 0; i < n; i++) {
		const struct client_config_option *o = client_config_match_bad_option(c, &v[i]);
		if (!o)
			continue;
		matched++;
		/* ... and only the real claim about the file read, on the line holding that keyword, matches. */
		ck_assert_uint_eq(i, 0);
		ck_assert_str_eq(o->file, "/home/u/.ssh/config");
		ck_assert_uint_eq(o->line, 2);
		ck_assert_str_eq(o->keyword, "NoSuchOption");
		ck_assert_uint_eq(o->file_index, 0);
	}
	ck_assert_uint_eq(matched, 1);
	client_config_bad_options_free(v, n);
	ck_assert_ptr_null(client_config_match_bad_option(c, NULL));
}
END_TEST

/* What a report may show of a word from a file. */
START_TEST(client_config_keyword_display_rule)
{
	_cleanup_free_ char *a = client_config_keyword_display("PubkeyAcceptedAlgorithms"),
			    *b = client_config_keyword_display("Use_Keychain-2");
	ck_assert_str_eq(a, "\"PubkeyAcceptedAlgorithms\"");
	ck_assert_str_eq(b, "\"Use_Keychain-2\"");
	static const char *const hidden[] = {
		"", "root:$y$j9T$fakehash:19700:0:99999:7:::", "alice:x:1000:1000:Alice",
		"MIIEpAIBAAKCAQEAxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxy",	/* a PEM line */
		"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2",
		"Host\x1b[2J", "ключ", "a/b", "x=y", "~/.ssh/id",
	};
	for (size_t i = 0; i < ELEMENTSOF(hidden); i++) {
		char *d = client_config_keyword_display(hidden[i]);
		ck_assert_msg(!d, "shows %s", hidden[i]);
	}
	ck_assert_ptr_null(client_config_keyword_display(NULL));
}
END_TEST

/* Diagnostics keep where and what, never the text of the line. */
START_TEST(client_config_diags_hold_no_text)
{
	tl_write(root, "home/u/.ssh/config", "Include /etc/shadowlike\n", 0600);
	tl_write(root, "etc/shadowlike", "root:$y$j9T$secrethash:19700:0:99999:7:::\nUser \"unterminated secret\n", 0644);
	load(NULL, NULL);
	ck_assert_uint_eq(c->n_diags, 2);
	ck_assert_int_eq(c->diags[0].kind, CCD_NO_ARGUMENT);
	ck_assert_uint_eq(c->diags[0].file_index, 1);
	ck_assert_uint_eq(c->files[1].from_index, 0);
	ck_assert_uint_eq(c->files[1].from_line, 1);
	ck_assert_int_eq(c->diags[1].kind, CCD_INVALID_QUOTES);
	ck_assert_ptr_null(c->diags[1].keyword);
	/* The first word is kept for the caller to judge; client_config_keyword_display() will not show it. */
	ck_assert_ptr_null(client_config_keyword_display(c->diags[0].keyword));
	/* What the reader saw is kept: identity and a hash, no bytes. */
	ck_assert(c->files[1].has_stat);
	ck_assert(!c->files[1].indirect);
	ck_assert_int_eq(c->files[1].error, 0);
}
END_TEST

/*
 * The planning guard: a --client repair changes the very object detection
 * saw, or nothing.  A finding as detection leaves it, then the target
 * changes under it.
 */
static int plan_bad_option(const char *path, const struct stat *seen, const char *content, char **ret_reason)
{
	struct run run = {0};
	struct finding f = {
		.problem = problem_by_id("client-config-bad-option"), .fix = &fix_client, .line = 2,
		.path = strdup(path), .want = PERMS_KEEP,
		.seen = { .set = true, .has_hash = true, .dev = seen->st_dev, .ino = seen->st_ino, .uid = seen->st_uid },
	};
	struct sha256 h;
	int r;

	sha256_init(&h);
	sha256_update(&h, content, strlen(content));
	sha256_final(&h, f.seen.sha256);
	run.target = t;
	struct finding *fp = &f;
	run.findings = &fp;
	run.n_findings = 1;
	ck_assert_int_eq(journal_new(t, &run.journal), 0);
	r = fix_client.repair(&run, &f);
	*ret_reason = f.status_reason ? strdup(f.status_reason) : NULL;
	journal_free(run.journal);
	finding_done(&f);
	return r;
}

START_TEST(client_repair_changes_only_what_was_seen)
{
	const char *text = "Host *\n  NoSuchOption yes\n";
	_cleanup_free_ char *cfg = tl_path(root, "home/u/.ssh/config");
	struct stat st;
	char *why = NULL;

	tl_write(root, "home/u/.ssh/config", text, 0600);
	ck_assert_int_eq(stat(cfg, &st), 0);
	/* As seen: planned. */
	ck_assert_int_eq(plan_bad_option("/home/u/.ssh/config", &st, text, &why), 0);
	ck_assert_ptr_null(why);

	/* Other bytes than the reader read. */
	ck_assert_int_eq(plan_bad_option("/home/u/.ssh/config", &st, "Host *\n  Other yes\n", &why), -ESTALE);
	ck_assert_str_eq(why, "not changed: its content changed since it was examined");
	free(why);

	/* Another file now at that name. */
	struct stat other = st;
	other.st_ino++;
	ck_assert_int_eq(plan_bad_option("/home/u/.ssh/config", &other, text, &why), -ESTALE);
	ck_assert_str_eq(why, "not changed: it was replaced since it was examined");
	free(why);

	/* A second hard link. */
	_cleanup_free_ char *link2 = tl_path(root, "home/u/hard");
	ck_assert_int_eq(link(cfg, link2), 0);
	ck_assert_int_eq(plan_bad_option("/home/u/.ssh/config", &st, text, &why), -ESTALE);
	ck_assert_str_eq(why, "not changed: it has several hard links now");
	free(why);
	ck_assert_int_eq(unlink(link2), 0);

	/* A symlink on the way (~/.ssh swapped for a link to the same directory). */
	_cleanup_free_ char *ssh = tl_path(root, "home/u/.ssh"), *real = tl_path(root, "home/u/real");
	ck_assert_int_eq(rename(ssh, real), 0);
	tl_symlink(root, "home/u/.ssh", "real");
	ck_assert_int_eq(plan_bad_option("/home/u/.ssh/config", &st, text, &why), -ESTALE);
	ck_assert_str_eq(why, "not changed: it is now reached through a symlink");
	free(why);

	/* Gone. */
	ck_assert_int_eq(plan_bad_option("/home/u/nothing", &st, text, &why), -ESTALE);
	ck_assert_str_eq(why, "not changed: it no longer exists");
	free(why);

	/* Never examined: never planned. */
	struct run run = { .target = t };
	struct finding f = { .problem = problem_by_id("client-key-perms"), .fix = &fix_client,
			     .path = strdup("/home/u/real/config"), .want = { 0600, (uid_t) -1, (gid_t) -1 } };
	struct finding *fp = &f;
	run.findings = &fp;
	run.n_findings = 1;
	ck_assert_int_eq(journal_new(t, &run.journal), 0);
	ck_assert_int_eq(fix_client.repair(&run, &f), -ESTALE);
	ck_assert_str_eq(f.status_reason, "not changed: sshfix did not read this file itself");
	journal_free(run.journal);
	finding_done(&f);
}
END_TEST

/* Levels of files that each include the whole next level: exponential for ssh, bounded here. */
START_TEST(client_config_include_fanout_is_bounded)
{
	char rel[64], text[128];

	for (int level = 0; level < 15; level++)
		for (int k = 0; k < 4; k++) {
			snprintf(rel, sizeof(rel), "home/u/.ssh/conf.d/l%02d-%d", level, k);
			snprintf(text, sizeof(text), "Include conf.d/l%02d-*\nUser u\n", level + 1);
			tl_write(root, rel, text, 0600);
		}
	tl_write(root, "home/u/.ssh/config", "Include conf.d/l00-*\n", 0600);
	load(NULL, NULL);
	/* 4^15 files for ssh; here at most the budget, and one diag that says so. */
	ck_assert_uint_le(c->n_files, CLIENT_CONFIG_REQUESTS_MAX);
	ck_assert_uint_eq(c->n_diags, 1);
	ck_assert_int_eq(c->diags[0].kind, CCD_TOO_MANY_FILES);
}
END_TEST

START_TEST(client_config_garbage)
{
	struct buf b = {0};

	buf_puts(&b, "Host a\n  User \"bob\nIdentityFile\n");
	buf_append(&b, "User x\0junk\n", 12);
	for (int i = 0; i < 200000; i++)
		buf_puts(&b, "garbage ");
	buf_puts(&b, "\nUser last\r\n");
	ck_assert(buf_ok(&b));
	_cleanup_free_ char *p = tl_path(root, "home/u/.ssh/config");
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, b.data, b.len), 0);
	buf_done(&b);

	load(NULL, NULL);
	ck_assert_uint_eq(c->n_diags, 4);
	ck_assert_int_eq(c->diags[0].kind, CCD_INVALID_QUOTES);
	ck_assert_uint_eq(c->diags[0].line, 2);
	ck_assert_int_eq(c->diags[1].kind, CCD_NO_ARGUMENT);
	ck_assert_int_eq(c->diags[2].kind, CCD_NUL);
	ck_assert_uint_eq(c->diags[2].line, 4);
	/* 200,000 words on one line: refused, named, and the next line still read. */
	ck_assert_int_eq(c->diags[3].kind, CCD_TOO_MANY_WORDS);
	ck_assert_uint_eq(c->diags[3].line, 5);
	for (size_t i = 0; i < c->n_opts; i++)
		ck_assert_str_ne(c->opts[i].keyword, "garbage");
	ck_assert_str_eq(opt("User", 0)->args[0], "x");
	ck_assert_str_eq(opt("User", 1)->args[0], "last");	/* CR stripped, as ssh strips trailing blanks */
	/* 60,000 words are read, all of them. */
	b = (struct buf) {0};
	buf_puts(&b, "SendEnv");
	for (int i = 0; i < 60000; i++)
		buf_puts(&b, " V");
	buf_puts(&b, "\n");
	ck_assert(buf_ok(&b));
	tl_write(root, "home/u/.ssh/config", b.data, 0600);
	buf_done(&b);
	load(NULL, NULL);
	ck_assert_uint_eq(c->n_diags, 0);
	ck_assert_uint_eq(strv_length(opt("SendEnv", 0)->args), 60000);

	/* A missing file is an empty configuration; a directory named by Include is skipped. */
	tl_write(root, "home/u/.ssh/config", "Include conf.d\n", 0600);
	load(NULL, NULL);
	ck_assert_uint_eq(c->n_files, 1);
	ck_assert_uint_eq(c->n_diags, 0);
	_cleanup_free_ char *cfg = tl_path(root, "home/u/.ssh/config");
	ck_assert_int_eq(unlink(cfg), 0);
	load(NULL, NULL);
	ck_assert_uint_eq(c->n_files, 0);
}
END_TEST

START_TEST(client_config_tilde_forms)
{
	struct accounts a = { .passwd = { .kind = ACCT_PASSWD } };
	const char *pw = "v:x:1001:1001::/home/v:/bin/sh\n";
	char *s = NULL;

	ck_assert_int_eq(acct_file_parse(ACCT_PASSWD, pw, strlen(pw), &a.passwd), 0);
	ck_assert_int_eq(client_config_tilde("~", "/home/u", &a, &s), 0);
	ck_assert_str_eq(s, "/home/u");
	free(s);
	ck_assert_int_eq(client_config_tilde("~/.ssh/id", "/home/u", &a, &s), 0);
	ck_assert_str_eq(s, "/home/u/.ssh/id");
	free(s);
	ck_assert_int_eq(client_config_tilde("~v/k", "/home/u", &a, &s), 0);
	ck_assert_str_eq(s, "/home/v/k");
	free(s);
	ck_assert_int_eq(client_config_tilde("/abs", "/home/u", &a, &s), 0);
	ck_assert_str_eq(s, "/abs");
	free(s);
	ck_assert_int_eq(client_config_tilde("~nobody/k", "/home/u", &a, &s), 1);
	acct_file_done(&a.passwd);
}
END_TEST

static Suite *client_suite(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("hashes");
	TCase *kh = tcase_create("known_hosts");
	TCase *cfg = tcase_create("client_config");

	tcase_add_test(tc, sha1_fips_vectors);
	tcase_add_test(tc, hmac_sha1_rfc2202_vectors);
	suite_add_tcase(s, tc);

	tcase_set_timeout(kh, 60);
	tcase_add_test(kh, known_hosts_name_forms);
	tcase_add_test(kh, known_hosts_forget_plain_port_and_lists);
	tcase_add_test(kh, known_hosts_forget_keeps_other_bytes);
	tcase_add_test(kh, known_hosts_hash_roundtrip);
	tcase_add_test(kh, known_hosts_hash_matches_ssh_keygen);
	tcase_add_test(kh, known_hosts_forget_matches_ssh_keygen_r);
	suite_add_tcase(s, kh);

	tcase_add_checked_fixture(cfg, setup, teardown);
	tcase_add_test(cfg, client_config_include_relative_glob_lexical);
	tcase_add_test(cfg, client_config_system_relative_and_tilde);
	tcase_add_test(cfg, client_config_include_depth_and_loops);
	tcase_add_test(cfg, client_config_host_blocks);
	tcase_add_test(cfg, client_config_garbage);
	tcase_add_test(cfg, client_config_bad_options_from_ssh);
	tcase_add_test(cfg, client_config_match_bad_options);
	tcase_add_test(cfg, client_config_keyword_display_rule);
	tcase_add_test(cfg, client_config_diags_hold_no_text);
	tcase_add_test(cfg, client_repair_changes_only_what_was_seen);
	/* 65,536 reads are its point: minutes under valgrind, which adds nothing
	 * here that ASan (which runs it) does not check. */
	if (!getenv("UNDER_VALGRIND"))
		tcase_add_test(cfg, client_config_include_fanout_is_bounded);
	else
		fprintf(stderr, "SKIP under valgrind: client_config_include_fanout_is_bounded (65,536 reads)\n");
	tcase_add_test(cfg, client_config_tilde_forms);
	suite_add_tcase(s, cfg);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(client_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
