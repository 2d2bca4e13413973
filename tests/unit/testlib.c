/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "sha256.h"
#include "testlib.h"
#include "util.h"

char *tl_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *d;

	ck_assert(asprintf(&d, "%s/sshfix-test.XXXXXX", tmp && *tmp ? tmp : "/tmp") > 0);
	ck_assert_msg(mkdtemp(d), "mkdtemp %s: %m", d);
	ck_assert(chmod(d, 0755) == 0);
	return d;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void) st;
	(void) f;
	if (flag == FTW_DP)
		return rmdir(p) < 0 ? 0 : 0;
	(void) unlink(p);
	return 0;
}

void tl_rmtree(const char *dir)
{
	if (dir)
		(void) nftw(dir, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

char *tl_path(const char *dir, const char *rel)
{
	char *p;

	ck_assert(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

void tl_write(const char *dir, const char *rel, const char *content, mode_t mode)
{
	_cleanup_free_ char *p = tl_path(dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_msg(fd >= 0, "open %s: %m", p);
	ck_assert(write_all(fd, content, strlen(content)) == 0);
	ck_assert(fchmod(fd, mode) == 0);
	close(fd);
}

void tl_mkdir(const char *dir, const char *rel, mode_t mode)
{
	_cleanup_free_ char *p = tl_path(dir, rel);

	ck_assert_msg(mkdir(p, mode) == 0, "mkdir %s: %m", p);
	ck_assert(chmod(p, mode) == 0);
}

void tl_symlink(const char *dir, const char *rel, const char *target)
{
	_cleanup_free_ char *p = tl_path(dir, rel);

	ck_assert_msg(symlink(target, p) == 0, "symlink %s: %m", p);
}

char *tl_read(const char *dir, const char *rel)
{
	_cleanup_free_ char *p = tl_path(dir, rel);
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	char *data;

	if (fd < 0 || read_all(fd, 1 << 24, &data, NULL) < 0)
		return NULL;
	return data;
}

static struct buf *manifest_buf;
static size_t manifest_skip;

static int man_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	const char *rel = p + manifest_skip;
	char sha[SHA256_HEX_LEN + 1] = "-", link[4096] = "";
	char names[4096];
	ssize_t n;

	(void) flag;
	(void) f;
	if (strncmp(rel, "/var/lib/sshfix", 15) == 0)
		return 0;
	if (S_ISREG(st->st_mode)) {
		_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
		char *data = NULL;
		size_t len = 0;
		if (fd >= 0 && read_all(fd, 1 << 26, &data, &len) == 0)
			sha256_hex(data, len, sha);
		free(data);
	} else if (S_ISLNK(st->st_mode)) {
		n = readlink(p, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
	}
	buf_printf(manifest_buf, "%s %o %u:%u %lu %s %s", *rel ? rel : "/", (unsigned) st->st_mode,
		   (unsigned) st->st_uid, (unsigned) st->st_gid, S_ISDIR(st->st_mode) ? 0ul : (unsigned long) st->st_size,
		   sha, link);
	n = llistxattr(p, names, sizeof(names));
	for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t) strlen(names + i) + 1) {
		char val[4096];
		ssize_t vl = lgetxattr(p, names + i, val, sizeof(val));
		buf_printf(manifest_buf, " %s=", names + i);
		for (ssize_t k = 0; k < vl; k++)
			buf_printf(manifest_buf, "%02x", (unsigned char) val[k]);
	}
	buf_putc(manifest_buf, '\n');
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

char *tl_manifest(const char *dir)
{
	struct buf b = {0};
	_cleanup_strv_free_ char **lines = NULL;

	manifest_buf = &b;
	manifest_skip = strlen(dir);
	ck_assert(nftw(dir, man_one, 32, FTW_PHYS | FTW_MOUNT) == 0);
	for (char *s = b.data, *nl; s && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		*nl = '\0';
		ck_assert(strv_push(&lines, strdup(s)) == 0);
	}
	buf_done(&b);
	qsort(lines, strv_length(lines), sizeof(char *), cmp_lines);
	for (size_t i = 0; lines && lines[i]; i++)
		buf_printf(&b, "%s\n", lines[i]);
	return buf_steal(&b);
}

bool tl_is_root(void)
{
	return geteuid() == 0;
}
