/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the reader with a user's rights (src/asuser.c): the frames
 * the child sends survive a round trip, and the parent refuses every frame
 * that is truncated, too long, lying about lengths or about what was asked,
 * or carrying names the glob could not have produced.  As root: the child
 * really reads with the user's rights (a 0600 root file is refused, the same
 * file at 0644 is read), sees the user's supplementary groups, never opens a
 * FIFO, and a child that stalls is killed and fails every later request.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asuser.h"
#include "testlib.h"
#include "util.h"

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char) (v >> (8 * i));
}

static struct buf encode_read(const char *path, const struct asuser_file *f)
{
	struct buf b = {0};

	ck_assert_int_eq(asuser_encode_read(&b, path, f), 0);
	return b;
}

/* A regular file's answer. */
static struct asuser_file regular(const char *data)
{
	return (struct asuser_file) {
		.has_stat = true,
		.st = { .dev = 0x0801, .ino = 1234567890123ull, .nlink = 1, .mode = S_IFREG | 0644, .uid = 1001, .gid = 1001 },
		.data = (char *) data,
		.len = strlen(data),
	};
}

START_TEST(asuser_read_roundtrip)
{
	struct asuser_file in = regular("Host *\n\tUser bob\n"), out;
	struct buf b = encode_read("/home/bob/.ssh/config", &in);

	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/home/bob/.ssh/config", 1024, &out), 0);
	ck_assert_int_eq(out.error, 0);
	ck_assert(out.has_stat);
	ck_assert(!out.indirect);
	ck_assert_uint_eq(out.st.ino, 1234567890123ull);
	ck_assert_uint_eq(out.st.mode, S_IFREG | 0644);
	ck_assert_uint_eq(out.st.uid, 1001);
	ck_assert_uint_eq(out.len, in.len);
	ck_assert_str_eq(out.data, in.data);
	asuser_file_done(&out);
	buf_done(&b);

	/* An error with a stat, and one without: no bytes either way. */
	struct asuser_file e = { .error = -EACCES, .has_stat = true, .indirect = true,
				 .st = { .mode = S_IFREG | 0600, .nlink = 1 } };
	b = encode_read("/etc/shadow", &e);
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/etc/shadow", 1024, &out), 0);
	ck_assert_int_eq(out.error, -EACCES);
	ck_assert(out.indirect);
	ck_assert_ptr_null(out.data);
	buf_done(&b);
	e = (struct asuser_file) { .error = -ENOENT };
	b = encode_read("/nope", &e);
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/nope", 0, &out), 0);
	ck_assert_int_eq(out.error, -ENOENT);
	ck_assert(!out.has_stat);
	buf_done(&b);

	/* A path with a newline is just bytes. */
	in = regular("x\n");
	b = encode_read("/home/bob/.ssh/x\n/etc/pam.d/common-auth", &in);
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/home/bob/.ssh/x\n/etc/pam.d/common-auth", 10, &out), 0);
	asuser_file_done(&out);
	buf_done(&b);
}
END_TEST

START_TEST(asuser_read_truncated_and_garbage)
{
	struct asuser_file in = regular("IdentityFile ~/.ssh/id\n"), out;
	struct buf b = encode_read("/home/bob/.ssh/config", &in);

	/* Every proper prefix, and one byte more, is refused. */
	for (size_t n = 0; n < b.len; n++)
		ck_assert_int_eq(asuser_decode_read(b.data, n, "/home/bob/.ssh/config", 1024, &out), -EPROTO);
	buf_append(&b, "x", 1);
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/home/bob/.ssh/config", 1024, &out), -EPROTO);
	b.len--;
	/* Fix the header after a change; then the decoder must still find the lie inside. */
	unsigned char *p = (unsigned char *) b.data;
	put32(p + 4, (uint32_t) (b.len - 8));
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/home/bob/.ssh/config", 1024, &out), 0);
	asuser_file_done(&out);

	/* Not the path asked for: the answer to another question is no answer. */
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/etc/passwd", 1024, &out), -EPROTO);
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/home/bob/.ssh/confi", 1024, &out), -EPROTO);
	/* Oversize: more bytes than asked for. */
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/home/bob/.ssh/config", in.len - 1, &out), -EPROTO);

	/* Wrong magic; every single flipped byte is either refused or decodes sanely. */
	p[0] ^= 1;
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/home/bob/.ssh/config", 1024, &out), -EPROTO);
	p[0] ^= 1;
	for (size_t i = 0; i < b.len; i++)
		for (unsigned bit = 0; bit < 8; bit++) {
			p[i] ^= (unsigned char) (1u << bit);
			int r = asuser_decode_read(b.data, b.len, "/home/bob/.ssh/config", 1024, &out);
			ck_assert(r == 0 || r == -EPROTO);
			if (r == 0) {
				ck_assert(out.error <= 0 && out.error >= -4095);
				ck_assert(out.error != 0 || (out.has_stat && S_ISREG(out.st.mode) && out.len <= 1024));
			}
			asuser_file_done(&out);
			p[i] ^= (unsigned char) (1u << bit);
		}
	buf_done(&b);

	/* Bytes with an error, an error out of range, bytes from a non-regular file. */
	struct asuser_file bad = regular("abc");
	bad.st.mode = S_IFIFO | 0644;
	b = encode_read("/p", &bad);
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/p", 1024, &out), -EPROTO);
	buf_done(&b);
	bad = regular("abc");
	bad.error = -EACCES;
	bad.len = 0;
	b = encode_read("/p", &bad);
	/* The encoder drops bytes with an error; put some back in by hand. */
	size_t at = b.len - 8;
	put32((unsigned char *) b.data + at, 3);
	buf_append(&b, "abc", 3);
	put32((unsigned char *) b.data + 4, (uint32_t) (b.len - 8));
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/p", 1024, &out), -EPROTO);
	buf_done(&b);
	bad = (struct asuser_file) { .error = -5000 };
	b = encode_read("/p", &bad);
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/p", 1024, &out), -EPROTO);
	buf_done(&b);
	bad = (struct asuser_file) { .error = 5 };
	b = encode_read("/p", &bad);
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/p", 1024, &out), -EPROTO);
	buf_done(&b);
	/* A stat claimed without has_stat. */
	bad = (struct asuser_file) { .error = -ENOENT, .st = { .ino = 7 } };
	b = encode_read("/p", &bad);
	ck_assert_int_eq(asuser_decode_read(b.data, b.len, "/p", 1024, &out), -EPROTO);
	buf_done(&b);
	/* A huge length field, past what is there. */
	unsigned char huge[8 + 4 + 2];
	put32(huge, 0x31524653u);
	put32(huge + 4, 6);
	put32(huge + 8, 0xffffffffu);
	huge[12] = huge[13] = '/';
	ck_assert_int_eq(asuser_decode_read(huge, sizeof(huge), "//", 1024, &out), -EPROTO);
	ck_assert_int_eq(asuser_decode_read(NULL, 0, "/", 1024, &out), -EPROTO);
}
END_TEST

START_TEST(asuser_glob_frames)
{
	char *names[] = { "/home/bob/.ssh/conf.d/b.conf", "/home/bob/.ssh/conf.d/a.conf", NULL };
	const char *pattern = "/home/bob/.ssh/conf.d/*.conf";
	char **out = NULL;
	struct buf b = {0};

	ck_assert_int_eq(asuser_encode_glob(&b, pattern, 0, names), 0);
	ck_assert_int_eq(asuser_decode_glob(b.data, b.len, pattern, &out), 0);
	/* Sorted here, whatever order the child sent. */
	ck_assert_str_eq(out[0], "/home/bob/.ssh/conf.d/a.conf");
	ck_assert_str_eq(out[1], "/home/bob/.ssh/conf.d/b.conf");
	ck_assert_ptr_null(out[2]);
	strv_free(out);
	for (size_t n = 0; n < b.len; n++)
		ck_assert_int_eq(asuser_decode_glob(b.data, n, pattern, &out), -EPROTO);
	ck_assert_int_eq(asuser_decode_glob(b.data, b.len, "/home/bob/.ssh/*", &out), -EPROTO);
	buf_done(&b);

	/* A name the pattern cannot give: another directory, a "..", a dot file for '*'. */
	const char *const bad[] = { "/etc/passwd", "/home/bob/.ssh/conf.d/../../../etc/x.conf",
				    "/home/bob/.ssh/conf.d/.hidden.conf", "/home/bob/.ssh/conf.d/a.conf/x.conf",
				    "/home/bob/.ssh/conf.d/a.txt", "relative.conf" };
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		char *one[] = { (char *) bad[i], NULL };
		ck_assert_int_eq(asuser_encode_glob(&b, pattern, 0, one), 0);
		ck_assert_msg(asuser_decode_glob(b.data, b.len, pattern, &out) == -EPROTO, "accepted %s", bad[i]);
		buf_done(&b);
	}
	/* A newline in a name the pattern matches is a name like any other. */
	char *nl[] = { "/home/bob/.ssh/x\n/etc/pam.d/common-auth", NULL };
	ck_assert_int_eq(asuser_encode_glob(&b, "/home/bob/.ssh/x*/etc/pam.d/common-auth", 0, nl), 0);
	ck_assert_int_eq(asuser_decode_glob(b.data, b.len, "/home/bob/.ssh/x*/etc/pam.d/common-auth", &out), 0);
	ck_assert_str_eq(out[0], nl[0]);
	strv_free(out);
	buf_done(&b);
	/* The same name twice. */
	char *twice[] = { "/home/bob/.ssh/conf.d/a.conf", "/home/bob/.ssh/conf.d/a.conf", NULL };
	ck_assert_int_eq(asuser_encode_glob(&b, pattern, 0, twice), 0);
	ck_assert_int_eq(asuser_decode_glob(b.data, b.len, pattern, &out), -EPROTO);
	buf_done(&b);
	/* An error comes back as it is; an error with names is garbage. */
	ck_assert_int_eq(asuser_encode_glob(&b, pattern, -E2BIG, NULL), 0);
	ck_assert_int_eq(asuser_decode_glob(b.data, b.len, pattern, &out), -E2BIG);
	buf_done(&b);
	/* No names: an empty list, never NULL. */
	ck_assert_int_eq(asuser_encode_glob(&b, pattern, 0, NULL), 0);
	ck_assert_int_eq(asuser_decode_glob(b.data, b.len, pattern, &out), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(out[0]);
	strv_free(out);
	/* A count far beyond what is there. */
	put32((unsigned char *) b.data + b.len - 4, 0x7fffffffu);
	ck_assert_int_eq(asuser_decode_glob(b.data, b.len, pattern, &out), -EPROTO);
	buf_done(&b);
}
END_TEST

START_TEST(asuser_glob_matches_like_target_glob)
{
	ck_assert(target_glob_matches("/a/*/c", "/a/b/c"));
	ck_assert(target_glob_matches("//a//b/", "/a/b"));
	ck_assert(target_glob_matches("/a/\\*", "/a/*"));
	ck_assert(!target_glob_matches("/a/\\*", "/a/b"));
	ck_assert(target_glob_matches("/a/../b", "/a/../b"));	/* literal: as written */
	ck_assert(!target_glob_matches("/a/*", "/a/.."));
	ck_assert(!target_glob_matches("/a/.*", "/a/."));
	ck_assert(target_glob_matches("/a/.*", "/a/.x"));
	ck_assert(!target_glob_matches("/a/*", "/a/.x"));
	ck_assert(!target_glob_matches("/a/*", "/a/b/c"));
	ck_assert(!target_glob_matches("/a/*", "/a"));
	ck_assert(target_glob_matches("/", "/"));
	ck_assert(!target_glob_matches("a/*", "a/b"));
}
END_TEST

/* ---- the child, as root ---- */

static char *root;
static struct target *t;

static void setup(void)
{
	root = tl_mkdtemp();
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "home", 0755);
	tl_mkdir(root, "home/bob", 0755);
	ck_assert_int_eq(target_new(root, &t), 0);
}

static void teardown(void)
{
	target_free(t);
	tl_rmtree(root);
	free(root);
	root = NULL;
	t = NULL;
}

static struct asuser *reader_as(uid_t uid, gid_t gid, const gid_t *groups, size_t n)
{
	struct asuser_cred cred = { .uid = uid, .gid = gid, .groups = groups, .n_groups = n };
	struct asuser *a = NULL;

	ck_assert_int_eq(asuser_new(t, &cred, &a), 0);
	ck_assert(asuser_is_child(a));
	return a;
}

START_TEST(asuser_child_reads_with_the_users_rights)
{
	const gid_t groups[] = { 1001 };
	struct asuser_file f;

	if (!tl_is_root())
		return;	/* the child needs root to become someone else */
	tl_write(root, "etc/secret", "Bogus root-only-marker-7f3a\n", 0600);
	struct asuser *a = reader_as(1001, 1001, groups, 1);

	ck_assert_int_eq(asuser_read(a, "/etc/secret", CONFIG_MAX, 0, &f), 0);
	ck_assert_int_eq(f.error, -EACCES);
	ck_assert_ptr_null(f.data);
	/* What ssh as bob would see: the file exists, it is root's. */
	ck_assert(f.has_stat);
	ck_assert_uint_eq(f.st.uid, 0);
	asuser_file_done(&f);

	_cleanup_free_ char *p = tl_path(root, "etc/secret");
	ck_assert_int_eq(chmod(p, 0644), 0);
	ck_assert_int_eq(asuser_read(a, "/etc/secret", CONFIG_MAX, 0, &f), 0);
	ck_assert_int_eq(f.error, 0);
	ck_assert_str_eq(f.data, "Bogus root-only-marker-7f3a\n");
	asuser_file_done(&f);

	/* A directory bob cannot search hides what is below it, as from bob's ssh. */
	tl_mkdir(root, "root", 0700);
	tl_write(root, "root/key", "k\n", 0644);
	ck_assert_int_eq(asuser_read(a, "/root/key", CONFIG_MAX, 0, &f), 0);
	ck_assert_int_eq(f.error, -EACCES);
	ck_assert(!f.has_stat);
	asuser_file_done(&f);
	_cleanup_strv_free_ char **names = NULL;
	ck_assert_int_eq(asuser_glob(a, "/root/*", &names), 0);
	ck_assert_ptr_null(names[0]);

	/* A symlink: read, and said to be indirect; ".." too. */
	tl_symlink(root, "home/bob/link", "/etc/secret");
	ck_assert_int_eq(asuser_read(a, "/home/bob/link", CONFIG_MAX, 0, &f), 0);
	ck_assert_int_eq(f.error, 0);
	ck_assert(f.indirect);
	asuser_file_done(&f);
	ck_assert_int_eq(asuser_read(a, "/home/../etc/secret", CONFIG_MAX, 0, &f), 0);
	ck_assert(f.indirect);
	asuser_file_done(&f);
	ck_assert_int_eq(asuser_read(a, "/etc/secret", CONFIG_MAX, 0, &f), 0);
	ck_assert(!f.indirect);
	asuser_file_done(&f);
	asuser_free(a);
}
END_TEST

START_TEST(asuser_child_has_the_users_groups)
{
	const gid_t groups[] = { 1001, 4242 };
	struct asuser_file f;

	if (!tl_is_root())
		return;
	tl_write(root, "etc/group-only", "Host x\n", 0640);
	_cleanup_free_ char *p = tl_path(root, "etc/group-only");
	ck_assert_int_eq(chown(p, 0, 4242), 0);

	struct asuser *a = reader_as(1001, 1001, groups, 2);
	ck_assert_int_eq(asuser_read(a, "/etc/group-only", CONFIG_MAX, 0, &f), 0);
	ck_assert_int_eq(f.error, 0);
	asuser_file_done(&f);
	asuser_free(a);

	a = reader_as(1001, 1001, groups, 1);
	ck_assert_int_eq(asuser_read(a, "/etc/group-only", CONFIG_MAX, 0, &f), 0);
	ck_assert_int_eq(f.error, -EACCES);
	asuser_file_done(&f);
	asuser_free(a);
}
END_TEST

START_TEST(asuser_child_never_opens_a_fifo_and_bounds_reads)
{
	const gid_t groups[] = { 1001 };
	struct asuser_file f;

	if (!tl_is_root())
		return;
	_cleanup_free_ char *fifo = tl_path(root, "home/bob/fifo");
	ck_assert_int_eq(mkfifo(fifo, 0666), 0);
	struct asuser *a = reader_as(1001, 1001, groups, 1);
	/* A blocking open of a FIFO would hang here until the timeout. */
	ck_assert_int_eq(asuser_read(a, "/home/bob/fifo", CONFIG_MAX, 0, &f), 0);
	ck_assert_int_eq(f.error, -EINVAL);
	ck_assert(f.has_stat);
	ck_assert(S_ISFIFO(f.st.mode));
	asuser_file_done(&f);

	tl_write(root, "home/bob/big", "0123456789", 0644);
	ck_assert_int_eq(asuser_read(a, "/home/bob/big", 4, 0, &f), 0);
	ck_assert_int_eq(f.error, -EFBIG);
	ck_assert_ptr_null(f.data);
	asuser_file_done(&f);
	ck_assert_int_eq(asuser_read(a, "/home/bob/big", 4, ASUSER_HEAD, &f), 0);
	ck_assert_int_eq(f.error, 0);
	ck_assert_str_eq(f.data, "0123");
	asuser_file_done(&f);
	ck_assert_int_eq(asuser_read(a, "/home/bob", 4, 0, &f), 0);
	ck_assert_int_eq(f.error, -EISDIR);
	asuser_file_done(&f);
	/* A path too long to ask about is a file error, not a reader failure. */
	char longp[ASUSER_PATH_MAX + 10];
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(asuser_read(a, longp, 4, 0, &f), 0);
	ck_assert_int_eq(f.error, -ENAMETOOLONG);
	ck_assert_int_eq(asuser_read(a, "/home/bob/big", 4, ASUSER_HEAD, &f), 0);
	asuser_file_done(&f);
	asuser_free(a);
}
END_TEST

/* The reader's child: this process's only child (Linux lists them in /proc). */
static pid_t only_child(void)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int) getpid());
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] ? (pid_t) atoi(buf) : -1;
}

START_TEST(asuser_child_that_dies_or_stalls_fails_every_request)
{
	const gid_t groups[] = { 1001 };
	struct asuser_file f;
	char **names = NULL;

	if (!tl_is_root())
		return;
	tl_write(root, "etc/x", "y\n", 0644);
	struct asuser *a = reader_as(1001, 1001, groups, 1);
	pid_t pid = only_child();
	if (pid <= 0) {
		asuser_free(a);
		return;	/* no /proc children list here */
	}
	/* Stopped: the request times out, the child is ended, nothing is read as root instead. */
	ck_assert_int_eq(kill(pid, SIGSTOP), 0);
	ck_assert_int_eq(asuser_read(a, "/etc/x", 16, 0, &f), -ETIMEDOUT);
	ck_assert_int_eq(asuser_read(a, "/etc/x", 16, 0, &f), -ETIMEDOUT);
	ck_assert_int_eq(asuser_glob(a, "/etc/*", &names), -ETIMEDOUT);
	ck_assert(asuser_is_child(a));
	asuser_free(a);

	a = reader_as(1001, 1001, groups, 1);
	pid = only_child();
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(asuser_read(a, "/etc/x", 16, 0, &f), -EPIPE);
	ck_assert_int_eq(asuser_read(a, "/etc/x", 16, 0, &f), -EPIPE);
	asuser_free(a);

	/* A user it cannot become (groups beyond the kernel's limit): no reader at all. */
	size_t n = 70000;
	gid_t *many = calloc(n, sizeof(gid_t));
	ck_assert_ptr_nonnull(many);
	struct asuser_cred cred = { .uid = 1001, .gid = 1001, .groups = many, .n_groups = n };
	ck_assert_int_eq(asuser_new(t, &cred, &a), -EPERM);
	free(many);
}
END_TEST

START_TEST(asuser_root_and_non_root_read_here)
{
	struct asuser_cred cred = { .uid = 0, .gid = 0 };
	struct asuser *a = NULL;
	struct asuser_file f;

	tl_write(root, "etc/x", "y\n", 0600);
	/* root's own home, or a caller who is not root: no child. */
	ck_assert_int_eq(asuser_new(t, &cred, &a), 0);
	ck_assert(!asuser_is_child(a));
	ck_assert_int_eq(asuser_read(a, "/etc/x", 16, 0, &f), 0);
	ck_assert_int_eq(f.error, 0);
	asuser_file_done(&f);
	asuser_free(a);
}
END_TEST

/* A reader made of our own functions: what the loader tests and the fuzzer use. */
static int fake_read(void *userdata, const char *path, size_t max, unsigned flags, struct asuser_file *ret)
{
	(void) max;
	(void) flags;
	*(int *) userdata += 1;
	*ret = (struct asuser_file) { .error = streq(path, "/x") ? 0 : -ENOENT };
	if (ret->error == 0) {
		ret->has_stat = true;
		ret->st.mode = S_IFREG | 0600;
		ret->data = strdup("data");
		ret->len = 4;
	}
	return 0;
}

static int fake_glob(void *userdata, const char *pattern, char ***ret)
{
	(void) userdata;
	(void) pattern;
	*ret = calloc(1, sizeof(char *));
	return *ret ? 0 : -ENOMEM;
}

START_TEST(asuser_ops_reader)
{
	static const struct asuser_ops ops = { fake_read, fake_glob };
	struct asuser *a = NULL;
	struct asuser_file f;
	int calls = 0;

	ck_assert_int_eq(asuser_new_ops(&ops, &calls, &a), 0);
	ck_assert_int_eq(asuser_read(a, "/x", 16, 0, &f), 0);
	ck_assert_str_eq(f.data, "data");
	asuser_file_done(&f);
	ck_assert_int_eq(asuser_read(a, "/y", 16, 0, &f), 0);
	ck_assert_int_eq(f.error, -ENOENT);
	ck_assert_int_eq(calls, 2);
	/* A relative path is never asked about. */
	ck_assert_int_eq(asuser_read(a, "x", 16, 0, &f), 0);
	ck_assert_int_eq(f.error, -EINVAL);
	ck_assert_int_eq(calls, 2);
	asuser_free(a);
}
END_TEST

static Suite *asuser_suite(void)
{
	Suite *s = suite_create("asuser");
	TCase *wire = tcase_create("wire");
	TCase *child = tcase_create("child");

	tcase_add_test(wire, asuser_read_roundtrip);
	tcase_add_test(wire, asuser_read_truncated_and_garbage);
	tcase_add_test(wire, asuser_glob_frames);
	tcase_add_test(wire, asuser_glob_matches_like_target_glob);
	tcase_add_test(wire, asuser_ops_reader);
	suite_add_tcase(s, wire);
	tcase_add_checked_fixture(child, setup, teardown);
	tcase_set_timeout(child, 30);
	tcase_add_test(child, asuser_child_reads_with_the_users_rights);
	tcase_add_test(child, asuser_child_has_the_users_groups);
	tcase_add_test(child, asuser_child_never_opens_a_fifo_and_bounds_reads);
	tcase_add_test(child, asuser_root_and_non_root_read_here);
	tcase_add_test(child, asuser_child_that_dies_or_stalls_fails_every_request);
	suite_add_tcase(s, child);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(asuser_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
