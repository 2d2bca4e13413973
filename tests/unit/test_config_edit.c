/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Line edits of a config file through the journal (src/config_edit.c):
 * each edit renders as a unified diff, changes nothing before the commit,
 * and after it leaves exactly the expected bytes with mode, owner and
 * xattrs kept; edits of one file chain and undo restores the original.
 * Line endings (CRLF, no final newline) and NUL bytes survive untouched.
 * Symlinks: a root-owned one is followed to the real file, a user-owned
 * one is refused (a user could point it at /etc/shadow).
 * Also sshd_config_comment_offset(), which the trailing-comment repair
 * uses to cut a line: it must agree with sshd's tokenizer (RULES §3.2).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "config_edit.h"
#include "journal.h"
#include "sshd_config.h"
#include "target.h"
#include "testlib.h"
#include "util.h"

#define CFG "/etc/ssh/sshd_config"
#define CFG_REL "etc/ssh/sshd_config"
#define HDR "diff --sshfix a" CFG " b" CFG "\n--- a" CFG "\n+++ b" CFG "\n"
#define XATTR_NAME "user.sshfix-test"
#define XATTR_VALUE "kept"
/* Not root's: a rewrite that fell back to the caller's ids would show. */
#define OWNER_UID 1234
#define OWNER_GID 2345
#define FILE_MODE 0640

static char *root;
static struct target *t;
static struct journal *j;
static char *before;		/* manifest right after the file was written */
static bool have_xattr;
static uid_t want_uid;
static gid_t want_gid;

static void setup(void)
{
	root = tl_mkdtemp();
	tl_mkdir(root, "etc", 0755);
	tl_mkdir(root, "etc/ssh", 0755);
	tl_mkdir(root, "var", 0755);
	tl_mkdir(root, "var/lib", 0755);
	ck_assert_int_eq(target_new(root, &t), 0);
	ck_assert_int_eq(journal_new(t, &j), 0);
}

static void teardown(void)
{
	journal_free(j);
	target_free(t);
	tl_rmtree(root);
	free(root);
	free(before);
	j = NULL;
	t = NULL;
	root = NULL;
	before = NULL;
}

/* Write rel (len bytes, NULs allowed) with the metadata every rewrite must keep. */
static void put_file(const char *rel, const char *data, size_t len)
{
	_cleanup_free_ char *p = tl_path(root, rel);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, FILE_MODE);

	ck_assert_msg(fd >= 0, "open %s: %m", p);
	ck_assert_int_eq(write_all(fd, data, len), 0);
	ck_assert_int_eq(fchmod(fd, FILE_MODE), 0);
	want_uid = tl_is_root() ? OWNER_UID : getuid();
	want_gid = tl_is_root() ? OWNER_GID : getgid();
	ck_assert_int_eq(fchown(fd, want_uid, want_gid), 0);
	/* user.* xattrs need a file system that has them (not every tmpfs). */
	have_xattr = fsetxattr(fd, XATTR_NAME, XATTR_VALUE, strlen(XATTR_VALUE), 0) == 0;
	free(before);
	before = tl_manifest(root);
}

static void put_cfg(const char *data, size_t len)
{
	put_file(CFG_REL, data, len);
}

#define PUT_CFG(s) put_cfg((s), sizeof(s) - 1)

static void expect_render(const char *want)
{
	struct buf out = {0};

	ck_assert_int_eq(journal_render(j, (size_t) -1, &out), 0);
	ck_assert_str_eq(out.data ? out.data : "", want);
	buf_done(&out);
}

static void expect_disk_unchanged(void)
{
	_cleanup_free_ char *now = tl_manifest(root), *store = tl_path(root, "var/lib/sshfix");
	struct stat st;

	ck_assert_str_eq(before, now);
	/* tl_manifest() leaves the undo store out: nothing may be there yet either. */
	ck_assert_int_eq(lstat(store, &st), -1);
}

/* rel holds exactly want (n bytes) and kept its mode, owner and xattr. */
static void expect_file(const char *rel, const char *want, size_t n)
{
	_cleanup_free_ char *p = tl_path(root, rel), *data = NULL;
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	char val[16];
	struct stat st;
	size_t len;

	ck_assert_msg(fd >= 0, "open %s: %m", p);
	ck_assert_int_eq(read_all(fd, 1 << 20, &data, &len), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_msg(memcmp(data, want, n) == 0, "%s: content differs:\n%.*s", rel, (int) len, data);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, FILE_MODE);
	ck_assert_uint_eq(st.st_uid, want_uid);
	ck_assert_uint_eq(st.st_gid, want_gid);
	if (have_xattr) {
		ssize_t vl = fgetxattr(fd, XATTR_NAME, val, sizeof(val));
		ck_assert_int_eq(vl, (ssize_t) strlen(XATTR_VALUE));
		ck_assert_int_eq(memcmp(val, XATTR_VALUE, (size_t) vl), 0);
	}
}

/* Nothing changed yet; commit; then rel holds exactly want. */
static void commit_expect(const char *rel, const char *want, size_t n)
{
	_cleanup_free_ char *id = NULL, *err = NULL;
	size_t planned = journal_n_entries(j);

	expect_disk_unchanged();
	ck_assert_int_eq(journal_commit(j, &id, &err), 0);
	ck_assert_ptr_null(err);
	for (size_t k = 0; k < planned; k++)
		ck_assert_ptr_null(journal_entry_error(j, k));
	expect_file(rel, want, n);
}

#define COMMIT_EXPECT(s) commit_expect(CFG_REL, (s), sizeof(s) - 1)

static const char five[] = "Port 22\nPermitRootLogin no\nFoo bar\nUsePAM yes\nX11Forwarding no\n";

START_TEST(config_comment_out_first_line)
{
	PUT_CFG(five);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 1, "bad port"), 0);
	expect_render(HDR "@@ -1,4 +1,4 @@\n"
			  "-Port 22\n"
			  "+# sshfix: disabled, bad port: Port 22\n"
			  " PermitRootLogin no\n"
			  " Foo bar\n"
			  " UsePAM yes\n");
	COMMIT_EXPECT("# sshfix: disabled, bad port: Port 22\nPermitRootLogin no\nFoo bar\nUsePAM yes\n"
		      "X11Forwarding no\n");
}
END_TEST

START_TEST(config_comment_out_last_line)
{
	PUT_CFG(five);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 5, "r"), 0);
	expect_render(HDR "@@ -2,4 +2,4 @@\n"
			  " PermitRootLogin no\n"
			  " Foo bar\n"
			  " UsePAM yes\n"
			  "-X11Forwarding no\n"
			  "+# sshfix: disabled, r: X11Forwarding no\n");
	COMMIT_EXPECT("Port 22\nPermitRootLogin no\nFoo bar\nUsePAM yes\n# sshfix: disabled, r: X11Forwarding no\n");
}
END_TEST

START_TEST(config_comment_out_middle_line)
{
	PUT_CFG(five);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 3, "unknown keyword"), 0);
	expect_render(HDR "@@ -1,5 +1,5 @@\n"
			  " Port 22\n"
			  " PermitRootLogin no\n"
			  "-Foo bar\n"
			  "+# sshfix: disabled, unknown keyword: Foo bar\n"
			  " UsePAM yes\n"
			  " X11Forwarding no\n");
	COMMIT_EXPECT("Port 22\nPermitRootLogin no\n# sshfix: disabled, unknown keyword: Foo bar\nUsePAM yes\n"
		      "X11Forwarding no\n");
}
END_TEST

/* The last line has no '\n': none is added (the file stays as it was but for the marker). */
START_TEST(config_comment_out_no_final_newline)
{
	PUT_CFG("Port 22\nFoo bar");
	ck_assert_int_eq(config_comment_out(t, j, CFG, 2, "r"), 0);
	expect_render(HDR "@@ -1,2 +1,2 @@\n"
			  " Port 22\n"
			  "-Foo bar\n"
			  "\\ No newline at end of file\n"
			  "+# sshfix: disabled, r: Foo bar\n"
			  "\\ No newline at end of file\n");
	COMMIT_EXPECT("Port 22\n# sshfix: disabled, r: Foo bar");
}
END_TEST

/* A CR is part of its line (sshd strips it as white space): it must stay. */
START_TEST(config_comment_out_crlf_keeps_cr)
{
	_cleanup_free_ char *line = NULL;
	size_t len;

	PUT_CFG("Port 22\r\nFoo bar\r\nUsePAM yes\r\n");
	ck_assert_int_eq(config_read_line(t, j, CFG, 2, &line, &len), 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_str_eq(line, "Foo bar\r");
	ck_assert_int_eq(config_comment_out(t, j, CFG, 2, "r"), 0);
	expect_render(HDR "@@ -1,3 +1,3 @@\n"
			  " Port 22\r\n"
			  "-Foo bar\r\n"
			  "+# sshfix: disabled, r: Foo bar\r\n"
			  " UsePAM yes\r\n");
	COMMIT_EXPECT("Port 22\r\n# sshfix: disabled, r: Foo bar\r\nUsePAM yes\r\n");
}
END_TEST

/*
 * sshd stops reading a line at a NUL; we keep every byte after the marker,
 * so removing the marker by hand gives back the original line exactly.
 */
START_TEST(config_comment_out_line_with_nul)
{
	static const char orig[] = "Port 22\nBanner a\0b\xff\nUsePAM yes\n";
	static const char line2[] = "Banner a\0b\xff";
	static const char prefix[] = "# sshfix: disabled, r: ";
	static const char want[] = "Port 22\n# sshfix: disabled, r: Banner a\0b\xff\nUsePAM yes\n";
	_cleanup_free_ char *line = NULL, *p = tl_path(root, CFG_REL), *data = NULL;
	size_t len;

	PUT_CFG(orig);
	ck_assert_int_eq(config_read_line(t, j, CFG, 2, &line, &len), 0);
	ck_assert_uint_eq(len, sizeof(line2) - 1);
	ck_assert_int_eq(memcmp(line, line2, len), 0);
	ck_assert_int_eq(line[len], '\0');
	ck_assert_int_eq(config_comment_out(t, j, CFG, 2, "r"), 0);
	/* diff(1) says the same for a NUL: no text diff of a binary file. */
	expect_render("diff --sshfix a" CFG " b" CFG "\nBinary files a" CFG " and b" CFG " differ\n");
	COMMIT_EXPECT(want);

	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read_all(fd, 1 << 20, &data, &len), 0);
	const char *l2 = data + strlen("Port 22\n");
	ck_assert_int_eq(memcmp(l2, prefix, sizeof(prefix) - 1), 0);
	ck_assert_int_eq(memcmp(l2 + sizeof(prefix) - 1, line2, sizeof(line2) - 1), 0);
	ck_assert_int_eq(l2[sizeof(prefix) - 1 + sizeof(line2) - 1], '\n');
}
END_TEST

START_TEST(config_comment_out_past_end_is_erange)
{
	PUT_CFG(five);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 6, "r"), -ERANGE);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 7, "r"), -ERANGE);
	ck_assert_int_eq(config_comment_out(t, j, CFG, UINT_MAX, "r"), -ERANGE);
	ck_assert_uint_eq(journal_n_entries(j), 0);
	expect_render("");
	expect_disk_unchanged();
}
END_TEST

START_TEST(config_comment_out_past_end_no_final_newline_is_erange)
{
	PUT_CFG("Port 22\nFoo bar");
	ck_assert_int_eq(config_comment_out(t, j, CFG, 3, "r"), -ERANGE);
	ck_assert_uint_eq(journal_n_entries(j), 0);
}
END_TEST

/* Lines count from 1, as sshd's messages do. */
START_TEST(config_comment_out_line_zero_is_erange)
{
	_cleanup_free_ char *line = NULL;
	size_t len;

	PUT_CFG(five);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 0, "r"), -ERANGE);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 0, "x"), -ERANGE);
	ck_assert_int_eq(config_read_line(t, j, CFG, 0, &line, &len), -ERANGE);
	ck_assert_ptr_null(line);
	ck_assert_uint_eq(journal_n_entries(j), 0);
	expect_disk_unchanged();
}
END_TEST

/* An empty file has no line 1: nothing to comment out, read or replace. */
START_TEST(config_comment_out_empty_file)
{
	_cleanup_free_ char *line = NULL;
	size_t len;

	put_cfg("", 0);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 1, "r"), -ERANGE);
	ck_assert_int_eq(config_read_line(t, j, CFG, 1, &line, &len), -ERANGE);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 1, "Port 22"), -ERANGE);
	ck_assert_uint_eq(journal_n_entries(j), 0);
	expect_render("");
	expect_disk_unchanged();
}
END_TEST

/* A file of one empty line does have line 1. */
START_TEST(config_comment_out_empty_line)
{
	PUT_CFG("\n");
	ck_assert_int_eq(config_comment_out(t, j, CFG, 1, "r"), 0);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 2, "r"), -ERANGE);
	COMMIT_EXPECT("# sshfix: disabled, r: \n");
}
END_TEST

START_TEST(config_comment_out_twice_returns_1)
{
	_cleanup_free_ char *id = NULL, *err = NULL;
	struct journal *j2;

	PUT_CFG(five);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 2, "r"), 0);
	ck_assert_uint_eq(journal_n_entries(j), 1);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 2, "another reason"), 1);
	ck_assert_uint_eq(journal_n_entries(j), 1);
	COMMIT_EXPECT("Port 22\n# sshfix: disabled, r: PermitRootLogin no\nFoo bar\nUsePAM yes\nX11Forwarding no\n");

	/* A later run sees the marker on disk. */
	ck_assert_int_eq(journal_new(t, &j2), 0);
	ck_assert_int_eq(config_comment_out(t, j2, CFG, 2, "r"), 1);
	ck_assert_uint_eq(journal_n_entries(j2), 0);
	ck_assert_int_eq(journal_commit(j2, &id, &err), 0);
	journal_free(j2);
	expect_file(CFG_REL, "Port 22\n# sshfix: disabled, r: PermitRootLogin no\nFoo bar\nUsePAM yes\nX11Forwarding no\n",
		    strlen(five) + strlen("# sshfix: disabled, r: "));
}
END_TEST

/* The reason goes into the same line: a newline in it would add a line. */
START_TEST(config_comment_out_rejects_bad_reason)
{
	PUT_CFG(five);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 1, "two\nlines"), -EINVAL);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 1, NULL), -EINVAL);
	ck_assert_uint_eq(journal_n_entries(j), 0);
}
END_TEST

START_TEST(config_comment_out_missing_file)
{
	ck_assert_int_eq(config_comment_out(t, j, "/etc/ssh/nonexistent", 1, "r"), -ENOENT);
	ck_assert_uint_eq(journal_n_entries(j), 0);
}
END_TEST

/*
 * Edits of one file in one run chain: each starts from the previous one's
 * result (line numbers shift, content is the planned one).  Undo brings
 * back the original bytes.
 */
START_TEST(config_edits_chain_and_undo)
{
	static const char orig[] = "Port 22\nFoo bar\nUsePAM yes\n";
	_cleanup_free_ char *line = NULL, *err = NULL, *uid = NULL, *after = NULL;
	size_t len;

	PUT_CFG(orig);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 2, "unknown"), 0);
	ck_assert_int_eq(config_read_line(t, j, CFG, 2, &line, &len), 0);
	ck_assert_str_eq(line, "# sshfix: disabled, unknown: Foo bar");
	ck_assert_uint_eq(len, strlen(line));
	ck_assert_int_eq(config_insert_line(t, j, CFG, 1, "# managed"), 0);
	/* The commented line moved to line 3 and is seen as already done. */
	ck_assert_int_eq(config_comment_out(t, j, CFG, 3, "unknown"), 1);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 2, "Port 2222"), 0);
	ck_assert_uint_eq(journal_n_entries(j), 3);
	expect_render(HDR "@@ -1,3 +1,3 @@\n"
			  " Port 22\n"
			  "-Foo bar\n"
			  "+# sshfix: disabled, unknown: Foo bar\n"
			  " UsePAM yes\n"
			  HDR "@@ -1,3 +1,4 @@\n"
			  "+# managed\n"
			  " Port 22\n"
			  " # sshfix: disabled, unknown: Foo bar\n"
			  " UsePAM yes\n"
			  HDR "@@ -1,4 +1,4 @@\n"
			  " # managed\n"
			  "-Port 22\n"
			  "+Port 2222\n"
			  " # sshfix: disabled, unknown: Foo bar\n"
			  " UsePAM yes\n");
	COMMIT_EXPECT("# managed\nPort 2222\n# sshfix: disabled, unknown: Foo bar\nUsePAM yes\n");

	ck_assert_int_eq(journal_undo(t, "latest", &(struct journal_undo_opts) { .force = false, .crash_at = 0 }, &uid, &err), 0);
	ck_assert_ptr_null(err);
	after = tl_manifest(root);
	ck_assert_str_eq(before, after);
	expect_file(CFG_REL, orig, sizeof(orig) - 1);
}
END_TEST

/* Another file planned in between does not disturb the chain of the first. */
START_TEST(config_edits_of_two_files_stay_apart)
{
	static const char other[] = "Port 2022\n";
	_cleanup_free_ char *line = NULL;
	size_t len;

	put_file("etc/ssh/other.conf", other, sizeof(other) - 1);
	PUT_CFG(five);
	ck_assert_int_eq(config_comment_out(t, j, CFG, 1, "r"), 0);
	ck_assert_int_eq(config_comment_out(t, j, "/etc/ssh/other.conf", 1, "s"), 0);
	ck_assert_int_eq(config_read_line(t, j, CFG, 1, &line, &len), 0);
	ck_assert_str_eq(line, "# sshfix: disabled, r: Port 22");
	free(line);
	line = NULL;
	ck_assert_int_eq(config_read_line(t, j, "/etc/ssh/other.conf", 1, &line, &len), 0);
	ck_assert_str_eq(line, "# sshfix: disabled, s: Port 2022");
	COMMIT_EXPECT("# sshfix: disabled, r: Port 22\nPermitRootLogin no\nFoo bar\nUsePAM yes\nX11Forwarding no\n");
	expect_file("etc/ssh/other.conf", "# sshfix: disabled, s: Port 2022\n", 33);
}
END_TEST

START_TEST(config_read_line_every_line)
{
	static const char *const want[] = { "Port 22", "PermitRootLogin no", "Foo bar", "UsePAM yes",
					    "X11Forwarding no" };
	size_t len;

	PUT_CFG(five);
	for (unsigned i = 0; i < ELEMENTSOF(want); i++) {
		_cleanup_free_ char *line = NULL;
		ck_assert_int_eq(config_read_line(t, j, CFG, i + 1, &line, &len), 0);
		ck_assert_str_eq(line, want[i]);
		ck_assert_uint_eq(len, strlen(want[i]));
	}
	_cleanup_free_ char *none = NULL;
	ck_assert_int_eq(config_read_line(t, j, CFG, 6, &none, &len), -ERANGE);
	ck_assert_ptr_null(none);
	ck_assert_uint_eq(journal_n_entries(j), 0);
}
END_TEST

START_TEST(config_insert_line_at_top)
{
	PUT_CFG("Port 22\nUsePAM yes\n");
	ck_assert_int_eq(config_insert_line(t, j, CFG, 1, "Include /etc/ssh/sshd_config.d/*.conf"), 0);
	expect_render(HDR "@@ -1,2 +1,3 @@\n"
			  "+Include /etc/ssh/sshd_config.d/*.conf\n"
			  " Port 22\n"
			  " UsePAM yes\n");
	COMMIT_EXPECT("Include /etc/ssh/sshd_config.d/*.conf\nPort 22\nUsePAM yes\n");
}
END_TEST

START_TEST(config_insert_line_in_middle)
{
	PUT_CFG("Port 22\nUsePAM yes\n");
	ck_assert_int_eq(config_insert_line(t, j, CFG, 2, "Port 2222"), 0);
	expect_render(HDR "@@ -1,2 +1,3 @@\n"
			  " Port 22\n"
			  "+Port 2222\n"
			  " UsePAM yes\n");
	COMMIT_EXPECT("Port 22\nPort 2222\nUsePAM yes\n");
}
END_TEST

/* Appending to a file whose last line has no newline ends that line first. */
START_TEST(config_insert_line_past_end_adds_missing_newline)
{
	PUT_CFG("Port 22\nUsePAM yes");
	ck_assert_int_eq(config_insert_line(t, j, CFG, 3, "Port 2222"), 0);
	expect_render(HDR "@@ -1,2 +1,3 @@\n"
			  " Port 22\n"
			  "-UsePAM yes\n"
			  "\\ No newline at end of file\n"
			  "+UsePAM yes\n"
			  "+Port 2222\n");
	COMMIT_EXPECT("Port 22\nUsePAM yes\nPort 2222\n");
}
END_TEST

START_TEST(config_insert_line_far_past_end)
{
	PUT_CFG("Port 22\nUsePAM yes\n");
	ck_assert_int_eq(config_insert_line(t, j, CFG, 3, "A yes"), 0);
	ck_assert_int_eq(config_insert_line(t, j, CFG, UINT_MAX, "B yes"), 0);
	COMMIT_EXPECT("Port 22\nUsePAM yes\nA yes\nB yes\n");
}
END_TEST

START_TEST(config_insert_line_into_empty_file)
{
	put_cfg("", 0);
	ck_assert_int_eq(config_insert_line(t, j, CFG, 1, "Port 22"), 0);
	COMMIT_EXPECT("Port 22\n");
}
END_TEST

START_TEST(config_insert_line_keeps_crlf_neighbours)
{
	PUT_CFG("Port 22\r\nUsePAM yes\r\n");
	ck_assert_int_eq(config_insert_line(t, j, CFG, 2, "Port 2222"), 0);
	COMMIT_EXPECT("Port 22\r\nPort 2222\nUsePAM yes\r\n");
}
END_TEST

START_TEST(config_insert_line_rejects_bad_input)
{
	PUT_CFG(five);
	ck_assert_int_eq(config_insert_line(t, j, CFG, 1, "Port 22\nPort 23"), -EINVAL);
	ck_assert_int_eq(config_insert_line(t, j, CFG, 1, "Port 22\n"), -EINVAL);
	ck_assert_int_eq(config_insert_line(t, j, CFG, 0, "Port 22"), -EINVAL);
	ck_assert_int_eq(config_insert_line(t, j, CFG, 1, NULL), -EINVAL);
	ck_assert_uint_eq(journal_n_entries(j), 0);
	expect_disk_unchanged();
}
END_TEST

START_TEST(config_replace_line_middle)
{
	PUT_CFG(five);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 2, "PermitRootLogin prohibit-password"), 0);
	expect_render(HDR "@@ -1,5 +1,5 @@\n"
			  " Port 22\n"
			  "-PermitRootLogin no\n"
			  "+PermitRootLogin prohibit-password\n"
			  " Foo bar\n"
			  " UsePAM yes\n"
			  " X11Forwarding no\n");
	COMMIT_EXPECT("Port 22\nPermitRootLogin prohibit-password\nFoo bar\nUsePAM yes\nX11Forwarding no\n");
}
END_TEST

START_TEST(config_replace_line_last_without_newline)
{
	PUT_CFG("Port 22\nUsePAM yes");
	ck_assert_int_eq(config_replace_line(t, j, CFG, 2, "UsePAM no"), 0);
	COMMIT_EXPECT("Port 22\nUsePAM no");
}
END_TEST

/* The same text: nothing to plan (the journal says 1). */
START_TEST(config_replace_line_same_text)
{
	PUT_CFG(five);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 3, "Foo bar"), 1);
	ck_assert_uint_eq(journal_n_entries(j), 0);
}
END_TEST

START_TEST(config_replace_line_rejects_newline)
{
	PUT_CFG(five);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 1, "Port 22\nPort 23"), -EINVAL);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 1, "Port 22\n"), -EINVAL);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 1, NULL), -EINVAL);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 6, "Port 22"), -ERANGE);
	ck_assert_uint_eq(journal_n_entries(j), 0);
	expect_disk_unchanged();
}
END_TEST

/*
 * /etc/ssh/sshd_config as a root-owned link (NixOS, config management):
 * the edit lands on the real file, and the link stays a link.
 */
START_TEST(config_comment_out_follows_root_symlink)
{
	_cleanup_free_ char *lnk = tl_path(root, CFG_REL), *line = NULL;
	char buf[64];
	struct stat st;
	ssize_t n;
	size_t len;

	tl_mkdir(root, "etc/ssh-real", 0755);
	put_file("etc/ssh-real/sshd_config", five, sizeof(five) - 1);
	tl_symlink(root, CFG_REL, "/etc/ssh-real/sshd_config");
	free(before);
	before = tl_manifest(root);
	ck_assert_int_eq(lstat(lnk, &st), 0);
	ck_assert_uint_eq(st.st_uid, 0);

	ck_assert_int_eq(config_read_line(t, j, CFG, 3, &line, &len), 0);
	ck_assert_str_eq(line, "Foo bar");
	ck_assert_int_eq(config_comment_out(t, j, CFG, 3, "r"), 0);
	expect_render("diff --sshfix a/etc/ssh-real/sshd_config b/etc/ssh-real/sshd_config\n"
		      "--- a/etc/ssh-real/sshd_config\n"
		      "+++ b/etc/ssh-real/sshd_config\n"
		      "@@ -1,5 +1,5 @@\n"
		      " Port 22\n"
		      " PermitRootLogin no\n"
		      "-Foo bar\n"
		      "+# sshfix: disabled, r: Foo bar\n"
		      " UsePAM yes\n"
		      " X11Forwarding no\n");
	/* Planned through the link, seen through the real path: one chain. */
	ck_assert_int_eq(config_comment_out(t, j, "/etc/ssh-real/sshd_config", 3, "r"), 1);
	commit_expect("etc/ssh-real/sshd_config",
		      "Port 22\nPermitRootLogin no\n# sshfix: disabled, r: Foo bar\nUsePAM yes\nX11Forwarding no\n",
		      sizeof(five) - 1 + strlen("# sshfix: disabled, r: "));
	ck_assert_int_eq(lstat(lnk, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	n = readlink(lnk, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "/etc/ssh-real/sshd_config");
}
END_TEST

/* A link a user owns could point anywhere (/etc/shadow): never followed. */
START_TEST(config_edit_refuses_user_symlink)
{
	_cleanup_free_ char *lnk = tl_path(root, CFG_REL), *dlnk = tl_path(root, "etc/alt"), *line = NULL;
	size_t len;

	tl_mkdir(root, "etc/ssh-real", 0755);
	put_file("etc/ssh-real/sshd_config", five, sizeof(five) - 1);
	tl_symlink(root, CFG_REL, "/etc/ssh-real/sshd_config");
	ck_assert_int_eq(lchown(lnk, 1000, 1000), 0);
	/* The same for a user's link on the way to the file. */
	tl_symlink(root, "etc/alt", "/etc/ssh-real");
	ck_assert_int_eq(lchown(dlnk, 1000, 1000), 0);
	free(before);
	before = tl_manifest(root);

	ck_assert_int_eq(config_comment_out(t, j, CFG, 1, "r"), -ENOLINK);
	ck_assert_int_eq(config_replace_line(t, j, CFG, 1, "Port 2222"), -ENOLINK);
	ck_assert_int_eq(config_insert_line(t, j, CFG, 1, "Port 2222"), -ENOLINK);
	ck_assert_int_eq(config_read_line(t, j, CFG, 1, &line, &len), -ENOLINK);
	ck_assert_int_eq(config_comment_out(t, j, "/etc/alt/sshd_config", 1, "r"), -ENOLINK);
	ck_assert_ptr_null(line);
	ck_assert_uint_eq(journal_n_entries(j), 0);
	expect_render("");
	expect_disk_unchanged();
}
END_TEST

/* ---- sshd_config_comment_offset() ---- */

static size_t off(const char *s)
{
	return sshd_config_comment_offset(s, strlen(s));
}

/* The offset of `from` in s (where the expected comment starts). */
static size_t at(const char *s, const char *from)
{
	const char *p = strstr(s, from);

	ck_assert_ptr_nonnull(p);
	return (size_t) (p - s);
}

START_TEST(sshd_config_comment_offset_trailing_comment)
{
	ck_assert_uint_eq(off("Port 22 # x"), 8);
	ck_assert_uint_eq(off("Port 22 #"), 8);
	ck_assert_uint_eq(off("Port 22 #x # y"), 8);
	ck_assert_uint_eq(off("  Port 22   # x"), 12);
	/* A '#' right after the keyword's separator starts a token too. */
	ck_assert_uint_eq(off("Port #22"), 5);
}
END_TEST

START_TEST(sshd_config_comment_offset_quoted_hash)
{
	static const char s[] = "Banner \"a # b\" # c";

	ck_assert_uint_eq(off(s), at(s, "# c"));
	ck_assert_uint_eq(off(s), 15);
	ck_assert_uint_eq(off("Banner 'a # b' # c"), 15);
	/* The other quote character does not close a quote. */
	ck_assert_uint_eq(off("Banner \"a ' # b\" # c"), 17);
	ck_assert_uint_eq(off("Banner \"a # b\""), 14);
}
END_TEST

/* argv_split(): only a token *starting* with '#' ends the line. */
START_TEST(sshd_config_comment_offset_hash_inside_token)
{
	ck_assert_uint_eq(off("Port 22#x"), 9);
	ck_assert_uint_eq(off("AuthorizedKeysFile .ssh/k#1 .ssh/k#2"), 36);
	ck_assert_uint_eq(off("Banner a\"#\"b"), 12);
	ck_assert_uint_eq(off("Port#22"), 7);
}
END_TEST

/*
 * sshd skips one '=' between the keyword and its value (strdelim); a later
 * '=' is part of a token, so "SetEnv A=#b" has no comment: cutting there
 * would change the value.
 */
START_TEST(sshd_config_comment_offset_key_equals_value)
{
	static const char s1[] = "AuthorizedKeysFile=.ssh/k #c";
	static const char s2[] = "SetEnv A=#b # c";

	ck_assert_uint_eq(off(s1), 26);
	ck_assert_uint_eq(off("Port=#x"), 5);
	ck_assert_uint_eq(off("Port = 22 # x"), 10);
	ck_assert_uint_eq(off("SetEnv A=#b"), 11);
	ck_assert_uint_eq(off(s2), at(s2, "# c"));
	ck_assert_uint_eq(off("SetEnv A= #b"), 10);
}
END_TEST

START_TEST(sshd_config_comment_offset_no_comment)
{
	ck_assert_uint_eq(off("PermitRootLogin no"), 18);
	ck_assert_uint_eq(off("Port 22 "), 8);
	ck_assert_uint_eq(off("Port"), 4);
	ck_assert_uint_eq(off(""), 0);
	ck_assert_uint_eq(off("   "), 3);
	/* len is honoured: the '#' past it is not seen. */
	ck_assert_uint_eq(sshd_config_comment_offset("Port 22 # x", 7), 7);
}
END_TEST

START_TEST(sshd_config_comment_offset_tabs)
{
	ck_assert_uint_eq(off("Port\t22\t# x"), 8);
	ck_assert_uint_eq(off("\tPort 22 \t#x"), 10);
	ck_assert_uint_eq(off("Port\t22\t\tx#y"), 12);
	ck_assert_uint_eq(off("Port 22 # x\r"), 8);
}
END_TEST

START_TEST(sshd_config_comment_offset_escapes)
{
	static const char s1[] = "Banner \"a \\\" # b\" # c";	/* Banner "a \" # b" # c */
	static const char s2[] = "Banner a\\\" # c";		/* Banner a\" # c: \" is a plain quote */
	static const char s3[] = "Banner a\\ #b # c";		/* "\ " joins: the token is "a #b" */
	static const char s4[] = "Banner a\\\\ # c";		/* \\ is one backslash; the space splits */
	static const char s5[] = "Banner a\\\t# c";		/* \<TAB> is no escape: the tab splits */

	ck_assert_uint_eq(off(s1), at(s1, "# c"));
	ck_assert_uint_eq(off(s2), at(s2, "# c"));
	ck_assert_uint_eq(off(s3), at(s3, "# c"));
	ck_assert_uint_eq(off(s4), at(s4, "# c"));
	ck_assert_uint_eq(off(s5), at(s5, "# c"));
}
END_TEST

/*
 * Whatever the line, the offset must be where sshd_config_split_line()
 * (the tokenizer the loader uses) says the comment is: cutting there and
 * splitting again gives the same tokens and no comment.
 */
START_TEST(sshd_config_comment_offset_agrees_with_split_line)
{
	static const char *const lines[] = {
		"Port 22 # x", "Banner \"a # b\" # c", "Port 22#x", "AuthorizedKeysFile=.ssh/k #c", "SetEnv A=#b # c",
		"SetEnv A=#b", "Banner a\\\t# c", "Banner a\\ #b # c", "Banner \"a \\\" # b\" # c", "Port\t22\t# x",
		"Banner 'x\\' #' # y", "ListenAddress [::1]:22 #v6", "X a\\b #c", "X \"\" #c",
	};

	for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
		const char *s = lines[i];
		size_t n = strlen(s), cut = off(s);
		_cleanup_strv_free_ char **whole = NULL, **head = NULL;
		bool c1, c2;
		/* Split after the keyword and its separator, as the loader does. */
		size_t k = strcspn(s, " \t=");
		k += strspn(s + k, " \t");
		if (s[k] == '=')
			k += 1 + strspn(s + k + 1, " \t");
		ck_assert_int_eq(sshd_config_split_line(s + k, n - k, &whole, &c1), 0);
		ck_assert_msg(cut >= k || cut == n, "%s: cut %zu inside the keyword", s, cut);
		ck_assert_int_eq(sshd_config_split_line(s + k, cut - k, &head, &c2), 0);
		ck_assert_msg(c1 == (cut < n), "%s: comment %d, offset %zu of %zu", s, c1, cut, n);
		ck_assert_msg(!c2, "%s: a comment left before offset %zu", s, cut);
		ck_assert_uint_eq(strv_length(whole), strv_length(head));
		for (size_t a = 0; whole[a]; a++)
			ck_assert_str_eq(whole[a], head[a]);
	}
}
END_TEST

static Suite *config_edit_suite(void)
{
	Suite *s = suite_create("config_edit");
	TCase *tc = tcase_create("config_edit");
	TCase *tco = tcase_create("comment_offset");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, config_comment_out_first_line);
	tcase_add_test(tc, config_comment_out_last_line);
	tcase_add_test(tc, config_comment_out_middle_line);
	tcase_add_test(tc, config_comment_out_no_final_newline);
	tcase_add_test(tc, config_comment_out_crlf_keeps_cr);
	tcase_add_test(tc, config_comment_out_line_with_nul);
	tcase_add_test(tc, config_comment_out_past_end_is_erange);
	tcase_add_test(tc, config_comment_out_past_end_no_final_newline_is_erange);
	tcase_add_test(tc, config_comment_out_line_zero_is_erange);
	tcase_add_test(tc, config_comment_out_empty_file);
	tcase_add_test(tc, config_comment_out_empty_line);
	tcase_add_test(tc, config_comment_out_twice_returns_1);
	tcase_add_test(tc, config_comment_out_rejects_bad_reason);
	tcase_add_test(tc, config_comment_out_missing_file);
	tcase_add_test(tc, config_edits_chain_and_undo);
	tcase_add_test(tc, config_edits_of_two_files_stay_apart);
	tcase_add_test(tc, config_read_line_every_line);
	tcase_add_test(tc, config_insert_line_at_top);
	tcase_add_test(tc, config_insert_line_in_middle);
	tcase_add_test(tc, config_insert_line_past_end_adds_missing_newline);
	tcase_add_test(tc, config_insert_line_far_past_end);
	tcase_add_test(tc, config_insert_line_into_empty_file);
	tcase_add_test(tc, config_insert_line_keeps_crlf_neighbours);
	tcase_add_test(tc, config_insert_line_rejects_bad_input);
	tcase_add_test(tc, config_replace_line_middle);
	tcase_add_test(tc, config_replace_line_last_without_newline);
	tcase_add_test(tc, config_replace_line_same_text);
	tcase_add_test(tc, config_replace_line_rejects_newline);
	/* Only root can own a link as root or give one to another uid. */
	if (tl_is_root()) {
		tcase_add_test(tc, config_comment_out_follows_root_symlink);
		tcase_add_test(tc, config_edit_refuses_user_symlink);
	} else
		fprintf(stderr, "SKIP: config_comment_out_follows_root_symlink and "
				"config_edit_refuses_user_symlink need root (lchown)\n");
	suite_add_tcase(s, tc);

	tcase_add_test(tco, sshd_config_comment_offset_trailing_comment);
	tcase_add_test(tco, sshd_config_comment_offset_quoted_hash);
	tcase_add_test(tco, sshd_config_comment_offset_hash_inside_token);
	tcase_add_test(tco, sshd_config_comment_offset_key_equals_value);
	tcase_add_test(tco, sshd_config_comment_offset_no_comment);
	tcase_add_test(tco, sshd_config_comment_offset_tabs);
	tcase_add_test(tco, sshd_config_comment_offset_escapes);
	tcase_add_test(tco, sshd_config_comment_offset_agrees_with_split_line);
	suite_add_tcase(s, tco);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_edit_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
