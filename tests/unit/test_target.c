/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/target.c: resolution inside the target root (DESIGN §3)
 * with both resolvers, reads that refuse FIFOs/directories/big files,
 * directory listing and glob, and the facts read from os-release and the
 * sshd binary (version string, DT_NEEDED), including hostile ELF images.
 *
 * Every resolution case is a loop test: iteration 0 uses openat2(2)
 * RESOLVE_IN_ROOT, iteration 1 our own component walk
 * (target_set_openat2(t, false)).  Both must give the same answers.
 */
#include "config.h"

#include <check.h>
#include <elf.h>
#include <errno.h>
#include <glob.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target.h"
#include "testlib.h"
#include "util.h"

/* Fixed, printed seed: a failure can be replayed exactly. */
#define FUZZ_SEED 0x7a76e7c0ffee5eedull
#define FUZZ_RUNS 2000

/* A name that exists only inside the test root, never on the host. */
#define ONLY_IN_TARGET_NAME "sshfix-only-in-target"
#define ONLY_IN_TARGET "/" ONLY_IN_TARGET_NAME

static char *root;
static struct target *t;
static bool have_openat2;

/* ---- helpers ---- */

static void write_bytes(const char *dir, const char *rel, const void *data, size_t len, mode_t mode)
{
	_cleanup_free_ char *p = tl_path(dir, rel);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_msg(fd >= 0, "open %s: %m", p);
	ck_assert_int_eq(write_all(fd, data, len), 0);
}

static void lchown_rel(const char *dir, const char *rel, uid_t uid)
{
	_cleanup_free_ char *p = tl_path(dir, rel);

	ck_assert_msg(lchown(p, uid, uid) == 0, "lchown %s: %m", p);
}

static ino_t ino_of(const char *dir, const char *rel)
{
	_cleanup_free_ char *p = tl_path(dir, rel);
	struct stat st;

	ck_assert_msg(lstat(p, &st) == 0, "lstat %s: %m", p);
	return st.st_ino;
}

/* Read all of an fd (from its current offset) and close it. */
static char *slurp_fd(int fd)
{
	char *data = NULL;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read_all(fd, 1 << 20, &data, NULL), 0);
	close(fd);
	return data;
}

/* Open path in the target read-only and return its contents. */
static char *target_slurp(const char *path, unsigned tflags)
{
	int fd = target_open(t, path, O_RDONLY, tflags);

	ck_assert_msg(fd >= 0, "target_open(%s): %s", path, strerror(-fd));
	return slurp_fd(fd);
}

/* "a|b|c" of a string vector, for readable comparisons. */
static char *joined(char **v)
{
	struct buf b = {0};

	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; v[i]; i++) {
		if (i)
			buf_putc(&b, '|');
		buf_puts(&b, v[i]);
	}
	return buf_steal(&b);
}

static void assert_glob(const char *pattern, const char *want)
{
	_cleanup_strv_free_ char **v = NULL;
	_cleanup_free_ char *got = NULL;

	ck_assert_int_eq(target_glob(t, pattern, &v), 0);
	got = joined(v);
	ck_assert_msg(strcmp(got, want) == 0, "glob %s: got '%s', want '%s'", pattern, got, want);
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic across libcs, unlike rand(). */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* ---- a tiny ELF writer: a PT_LOAD over the file and a PT_DYNAMIC ---- */

static void wr(unsigned char *p, size_t n, uint64_t v, bool be)
{
	for (size_t i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (unsigned char) (v >> (8 * i));
}

/*
 * An ELF image whose dynamic section lists `needed` (NULL-terminated) as
 * DT_NEEDED; dynamic = false gives a static-looking image without PT_DYNAMIC.
 * Returns a malloc'ed buffer of exactly *ret_len bytes.
 */
static unsigned char *build_elf(bool is64, bool be, const char *const *needed, bool dynamic, size_t *ret_len)
{
	const uint64_t base = 0x400000;
	size_t ehsz = is64 ? 64 : 52, phsz = is64 ? 56 : 32, dynent = is64 ? 16 : 8, half = dynent / 2;
	size_t n_needed = 0, strsz = 1;

	for (size_t i = 0; needed && needed[i]; i++, n_needed++)
		strsz += strlen(needed[i]) + 1;
	size_t phoff = ehsz, dyn_off = phoff + 2 * phsz, n_dyn = n_needed + 3;
	size_t str_off = dyn_off + n_dyn * dynent, len = str_off + strsz;
	unsigned char *d = calloc(1, len);

	ck_assert_ptr_nonnull(d);
	memcpy(d, ELFMAG, SELFMAG);
	d[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	d[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	d[EI_VERSION] = EV_CURRENT;
	wr(d + 16, 2, ET_DYN, be);
	wr(d + 18, 2, is64 ? EM_X86_64 : EM_386, be);
	wr(d + 20, 4, EV_CURRENT, be);
	if (is64) {
		wr(d + 32, 8, phoff, be);
		wr(d + 52, 2, ehsz, be);
		wr(d + 54, 2, phsz, be);
		wr(d + 56, 2, 2, be);
	} else {
		wr(d + 28, 4, phoff, be);
		wr(d + 40, 2, ehsz, be);
		wr(d + 42, 2, phsz, be);
		wr(d + 44, 2, 2, be);
	}
	for (int i = 0; i < 2; i++) {
		unsigned char *ph = d + phoff + (size_t) i * phsz;
		uint32_t type = i == 0 ? PT_LOAD : (dynamic ? PT_DYNAMIC : PT_NOTE);
		uint64_t off = i == 0 ? 0 : dyn_off, sz = i == 0 ? len : n_dyn * dynent;

		wr(ph, 4, type, be);
		if (is64) {
			wr(ph + 8, 8, off, be);
			wr(ph + 16, 8, base + off, be);
			wr(ph + 24, 8, base + off, be);
			wr(ph + 32, 8, sz, be);
			wr(ph + 40, 8, sz, be);
		} else {
			wr(ph + 4, 4, off, be);
			wr(ph + 8, 4, base + off, be);
			wr(ph + 12, 4, base + off, be);
			wr(ph + 16, 4, sz, be);
			wr(ph + 20, 4, sz, be);
		}
	}
	size_t o = dyn_off, s = 1;
	for (size_t i = 0; i < n_needed; i++) {
		wr(d + o, half, DT_NEEDED, be);
		wr(d + o + half, half, s, be);
		memcpy(d + str_off + s, needed[i], strlen(needed[i]));
		s += strlen(needed[i]) + 1;
		o += dynent;
	}
	wr(d + o, half, DT_STRTAB, be);
	wr(d + o + half, half, base + str_off, be);
	o += dynent;
	wr(d + o, half, DT_STRSZ, be);
	wr(d + o + half, half, strsz, be);
	/* The last entry stays zero: DT_NULL. */
	*ret_len = len;
	return d;
}

/* ---- fixture ---- */

static void setup(void)
{
	root = tl_mkdtemp();
	tl_mkdir(root, "etc", 0755);
	tl_write(root, "etc/real", "inside\n", 0644);
	tl_write(root, "etc/passwd", "target passwd\n", 0644);
	tl_symlink(root, "etc/link", "/etc/real");
	tl_symlink(root, "lnk_passwd", "/etc/passwd");
	tl_mkdir(root, "etc/ssh", 0755);
	tl_symlink(root, "etc/ssh/rel", "../../../../../../etc/real");
	tl_symlink(root, "dirlink", "/etc");
	tl_mkdir(root, ONLY_IN_TARGET_NAME, 0755);
	tl_write(root, ONLY_IN_TARGET_NAME "/file", "only here\n", 0644);
	tl_symlink(root, "to_only", ONLY_IN_TARGET "/file");
	tl_symlink(root, "loop1", "/loop2");
	tl_symlink(root, "loop2", "loop1");
	tl_symlink(root, "self", "/self");
	tl_symlink(root, "dangling", "/etc/ssh/new_file");
	tl_mkdir(root, "home", 0755);
	tl_mkdir(root, "home/u", 0755);
	/* The host path of a target file: inside the target it names nothing. */
	_cleanup_free_ char *hostpath = tl_path(root, "etc/real");
	tl_symlink(root, "hostpath", hostpath);

	ck_assert_int_eq(target_new(root, &t), 0);
}

static void teardown(void)
{
	target_free(t);
	tl_rmtree(root);
	free(root);
	t = NULL;
	root = NULL;
}

/* Iteration 0: openat2; iteration 1: our walk. */
static void use_resolver(int i)
{
	target_set_openat2(t, i == 0);
}

/* ---- resolution ---- */

START_TEST(target_open_absolute_symlink_stays_inside)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *hp = tl_path(root, "etc/real");
	struct stat st;

	use_resolver(_i);
	/* Preconditions that make the case meaningful. */
	ck_assert_msg(stat(ONLY_IN_TARGET, &st) < 0, "host has %s", ONLY_IN_TARGET);
	ck_assert_int_eq(stat(hp, &st), 0);

	a = target_slurp("/etc/link", 0);
	ck_assert_str_eq(a, "inside\n");
	/* /etc/passwd of the target, never the host's. */
	b = target_slurp("/lnk_passwd", 0);
	ck_assert_str_eq(b, "target passwd\n");
	/* A name that exists only in the target resolves... */
	c = target_slurp("/to_only", 0);
	ck_assert_str_eq(c, "only here\n");
	/* ...and a name that exists only on the host does not. */
	ck_assert_int_eq(target_open(t, "/hostpath", O_RDONLY, 0), -ENOENT);
	/* A symlinked directory in the middle, also absolute. */
	free(a);
	a = target_slurp("/dirlink/passwd", 0);
	ck_assert_str_eq(a, "target passwd\n");
}
END_TEST

START_TEST(target_open_dotdot_clamps_at_root)
{
	static const char *const paths[] = {
		"/../../../etc/real", "/etc/../../../../etc/real", "/etc/ssh/../../../etc/./real",
		"/etc/ssh/rel",	/* relative link with more ".." than depth */
		"/dirlink/../../etc/real",
	};
	struct stat st;
	int fd;

	use_resolver(_i);
	for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
		_cleanup_free_ char *s = target_slurp(paths[i], 0);
		ck_assert_msg(strcmp(s, "inside\n") == 0, "%s read '%s'", paths[i], s);
	}
	/* "/.." is the root itself. */
	fd = target_open(t, "/../..", O_PATH | O_DIRECTORY, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	close(fd);
	ck_assert_uint_eq(st.st_ino, ino_of(root, "."));
}
END_TEST

START_TEST(target_open_symlink_loop_eloop)
{
	struct target_path tp = {0};

	use_resolver(_i);
	ck_assert_int_eq(target_open(t, "/loop1", O_RDONLY, 0), -ELOOP);
	ck_assert_int_eq(target_open(t, "/self", O_RDONLY, 0), -ELOOP);
	ck_assert_int_eq(target_open(t, "/loop2/x", O_RDONLY, 0), -ELOOP);
	ck_assert_int_eq(target_resolve(t, "/loop1", 0, &tp, NULL), -ELOOP);
	ck_assert_ptr_null(tp.canon);
}
END_TEST

START_TEST(target_open_nofollow_opens_link_itself)
{
	struct stat st;
	int fd;

	use_resolver(_i);
	fd = target_open(t, "/etc/link", O_PATH, TR_NOFOLLOW);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	close(fd);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_uint_eq(st.st_ino, ino_of(root, "etc/link"));
	/* Opening a link for reading without following it: ELOOP, as O_NOFOLLOW. */
	ck_assert_int_eq(target_open(t, "/etc/link", O_RDONLY, TR_NOFOLLOW), -ELOOP);
	/* Only the last component is not followed. */
	_cleanup_free_ char *s = target_slurp("/dirlink/real", TR_NOFOLLOW);
	ck_assert_str_eq(s, "inside\n");

	ck_assert_int_eq(target_lstat(t, "/etc/link", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(target_stat(t, "/etc/link", &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_ino, ino_of(root, "etc/real"));
	/* lstat of a dangling link works, stat does not. */
	ck_assert_int_eq(target_lstat(t, "/dangling", &st), 0);
	ck_assert_int_eq(target_stat(t, "/dangling", &st), -ENOENT);
}
END_TEST

START_TEST(target_open_no_symlinks_refuses_any_link)
{
	struct stat st;
	int fd;

	use_resolver(_i);
	ck_assert_int_eq(target_open(t, "/etc/link", O_RDONLY, TR_NO_SYMLINKS), -ELOOP);
	ck_assert_int_eq(target_open(t, "/dirlink/real", O_RDONLY, TR_NO_SYMLINKS), -ELOOP);
	ck_assert_int_eq(target_open(t, "/etc/ssh/rel", O_PATH, TR_NO_SYMLINKS), -ELOOP);
	/* A canonical path still opens. */
	_cleanup_free_ char *s = target_slurp("/etc/real", TR_NO_SYMLINKS);
	ck_assert_str_eq(s, "inside\n");
	/* The link itself with O_PATH|TR_NOFOLLOW is not a traversal (openat2(2) agrees). */
	fd = target_open(t, "/etc/link", O_PATH, TR_NO_SYMLINKS | TR_NOFOLLOW);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	close(fd);
	ck_assert(S_ISLNK(st.st_mode));
}
END_TEST

START_TEST(target_open_trailing_slash_needs_directory)
{
	struct target_path tp = {0};
	struct stat st;
	int fd;

	use_resolver(_i);
	/* As path resolution in the kernel (and so sshd's fopen()): "x/" must be a directory. */
	ck_assert_int_eq(target_open(t, "/etc/real/", O_RDONLY, 0), -ENOTDIR);
	ck_assert_int_eq(target_open(t, "/etc/real//", O_PATH, 0), -ENOTDIR);
	ck_assert_int_eq(target_open(t, "/etc/link/", O_RDONLY, 0), -ENOTDIR);
	ck_assert_int_eq(target_open(t, "/etc/link/", O_PATH, TR_NOFOLLOW), -ENOTDIR);
	ck_assert_int_eq(target_resolve(t, "/etc/real/", 0, &tp, NULL), -ENOTDIR);
	ck_assert_int_eq(target_resolve(t, "/etc/link/", TR_NOFOLLOW, &tp, NULL), -ENOTDIR);
	ck_assert_ptr_null(tp.canon);
	/* Directories, also through a link: a trailing slash follows it even with TR_NOFOLLOW. */
	fd = target_open(t, "/etc/", O_RDONLY | O_DIRECTORY, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = target_open(t, "/dirlink/", O_PATH, TR_NOFOLLOW);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	close(fd);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_ino, ino_of(root, "etc"));
	ck_assert_int_eq(target_resolve(t, "/dirlink/", TR_NOFOLLOW, &tp, NULL), 0);
	ck_assert_str_eq(tp.canon, "/etc");
	target_path_done(&tp);
	/* Without the slash, a link to a file still resolves to the file. */
	ck_assert_int_eq(target_resolve(t, "/etc/link", 0, &tp, NULL), 0);
	ck_assert_str_eq(tp.canon, "/etc/real");
	ck_assert(S_ISREG(tp.st.st_mode));
	target_path_done(&tp);
}
END_TEST

/* Needs root: only root can make a link owned by someone else. */
START_TEST(target_open_root_symlinks_only_refuses_user_link)
{
	struct target_path tp = {0};
	int fd;

	use_resolver(_i);
	tl_symlink(root, "home/u/keys", "/etc/real");
	lchown_rel(root, "home/u/keys", 1000);
	tl_symlink(root, "home/u/etc", "/etc");
	lchown_rel(root, "home/u/etc", 1000);

	ck_assert_int_eq(target_open(t, "/home/u/keys", O_RDONLY, TR_ROOT_SYMLINKS_ONLY), -ENOLINK);
	ck_assert_int_eq(target_open(t, "/home/u/etc/real", O_RDONLY, TR_ROOT_SYMLINKS_ONLY), -ENOLINK);
	ck_assert_int_eq(target_resolve(t, "/home/u/keys", TR_ROOT_SYMLINKS_ONLY, &tp, NULL), -ENOLINK);
	/* Root's links are still followed. */
	_cleanup_free_ char *s = target_slurp("/etc/link", TR_ROOT_SYMLINKS_ONLY);
	ck_assert_str_eq(s, "inside\n");
	/* Without the flag the user's link is followed. */
	_cleanup_free_ char *u = target_slurp("/home/u/keys", 0);
	ck_assert_str_eq(u, "inside\n");
	/* Not following the last component means there is no hop to refuse. */
	fd = target_open(t, "/home/u/keys", O_PATH, TR_ROOT_SYMLINKS_ONLY | TR_NOFOLLOW);
	ck_assert_int_ge(fd, 0);
	close(fd);
}
END_TEST

START_TEST(target_resolve_canonical_path)
{
	struct target_path tp = {0};
	struct stat st;
	int parent = -EBADF;

	use_resolver(_i);
	ck_assert_int_eq(target_resolve(t, "/etc/./ssh//../link", 0, &tp, &parent), 0);
	ck_assert_str_eq(tp.canon, "/etc/real");
	ck_assert(tp.exists);
	ck_assert(S_ISREG(tp.st.st_mode));
	ck_assert_uint_eq(tp.st.st_ino, ino_of(root, "etc/real"));
	ck_assert_uint_eq(tp.n_symlinks, 1);
	ck_assert_int_ge(parent, 0);
	ck_assert_int_eq(fstat(parent, &st), 0);
	ck_assert_uint_eq(st.st_ino, ino_of(root, "etc"));
	close(parent);
	target_path_done(&tp);

	/* Physical "..": /dirlink/ssh/.. is /etc, not "/". */
	ck_assert_int_eq(target_resolve(t, "/dirlink/ssh/../real", 0, &tp, NULL), 0);
	ck_assert_str_eq(tp.canon, "/etc/real");
	target_path_done(&tp);

	ck_assert_int_eq(target_resolve(t, "/etc/ssh/rel", 0, &tp, NULL), 0);
	ck_assert_str_eq(tp.canon, "/etc/real");
	target_path_done(&tp);

	ck_assert_int_eq(target_resolve(t, "/../..", 0, &tp, NULL), 0);
	ck_assert_str_eq(tp.canon, "/");
	ck_assert(S_ISDIR(tp.st.st_mode));
	target_path_done(&tp);

	/* TR_NOFOLLOW: the link is the result. */
	ck_assert_int_eq(target_resolve(t, "/etc/link", TR_NOFOLLOW, &tp, NULL), 0);
	ck_assert_str_eq(tp.canon, "/etc/link");
	ck_assert(S_ISLNK(tp.st.st_mode));
	ck_assert_uint_eq(tp.n_symlinks, 0);
	target_path_done(&tp);

	ck_assert_int_eq(target_resolve(t, "/etc/real/x", 0, &tp, NULL), -ENOTDIR);
	ck_assert_int_eq(target_resolve(t, "/etc/nothing", 0, &tp, NULL), -ENOENT);
	ck_assert_int_eq(target_resolve(t, "etc/real", 0, &tp, NULL), -EINVAL);
	ck_assert_int_eq(target_open(t, "etc/real", O_RDONLY, 0), -EINVAL);
}
END_TEST

START_TEST(target_resolve_reports_user_symlink)
{
	struct target_path tp = {0};

	use_resolver(_i);
	/* A chain of two user links: the first is the one reported. */
	tl_symlink(root, "home/u/a", "/home/u/b");
	tl_symlink(root, "home/u/b", "/etc/link");
	if (tl_is_root()) {
		lchown_rel(root, "home/u/a", 1000);
		lchown_rel(root, "home/u/b", 1000);
	}
	ck_assert_int_eq(target_resolve(t, "/dirlink/../home/u/a", 0, &tp, NULL), 0);
	ck_assert_str_eq(tp.canon, "/etc/real");
	ck_assert_uint_eq(tp.n_symlinks, 4);	/* dirlink, a, b, link */
	ck_assert(tp.user_symlink);
	ck_assert_ptr_nonnull(tp.user_symlink_path);
	/* dirlink is root's when we are root, else it is the first user link. */
	ck_assert_str_eq(tp.user_symlink_path, tl_is_root() ? "/home/u/a" : "/dirlink");
	target_path_done(&tp);

	ck_assert_int_eq(target_resolve(t, "/etc/link", 0, &tp, NULL), 0);
	if (tl_is_root()) {
		/* A root-owned link is not reported. */
		ck_assert(!tp.user_symlink);
		ck_assert_ptr_null(tp.user_symlink_path);
	} else {
		ck_assert(tp.user_symlink);
		ck_assert_str_eq(tp.user_symlink_path, "/etc/link");
	}
	target_path_done(&tp);

	/* No link at all: nothing reported. */
	ck_assert_int_eq(target_resolve(t, "/etc/real", 0, &tp, NULL), 0);
	ck_assert(!tp.user_symlink);
	ck_assert_ptr_null(tp.user_symlink_path);
	ck_assert_uint_eq(tp.n_symlinks, 0);
	target_path_done(&tp);
}
END_TEST

START_TEST(target_resolve_may_not_exist)
{
	struct target_path tp = {0};
	struct stat st;
	int parent = -EBADF;

	use_resolver(_i);
	ck_assert_int_eq(target_resolve(t, "/etc/newfile", 0, &tp, NULL), -ENOENT);
	ck_assert_int_eq(target_resolve(t, "/etc/newfile", TR_MAY_NOT_EXIST, &tp, &parent), 0);
	ck_assert(!tp.exists);
	ck_assert_str_eq(tp.canon, "/etc/newfile");
	ck_assert_int_ge(parent, 0);
	ck_assert_int_eq(fstat(parent, &st), 0);
	ck_assert_uint_eq(st.st_ino, ino_of(root, "etc"));
	close(parent);
	target_path_done(&tp);

	/* Through a dangling link: the result is where the link points. */
	ck_assert_int_eq(target_resolve(t, "/dangling", TR_MAY_NOT_EXIST, &tp, NULL), 0);
	ck_assert(!tp.exists);
	ck_assert_str_eq(tp.canon, "/etc/ssh/new_file");
	target_path_done(&tp);

	/* At the root. */
	ck_assert_int_eq(target_resolve(t, "/new", TR_MAY_NOT_EXIST, &tp, &parent), 0);
	ck_assert_str_eq(tp.canon, "/new");
	ck_assert_int_eq(fstat(parent, &st), 0);
	ck_assert_uint_eq(st.st_ino, ino_of(root, "."));
	close(parent);
	target_path_done(&tp);

	/* Only the last component may be missing. */
	ck_assert_int_eq(target_resolve(t, "/nodir/x", TR_MAY_NOT_EXIST, &tp, NULL), -ENOENT);
	/* An existing entry still exists. */
	ck_assert_int_eq(target_resolve(t, "/etc/real", TR_MAY_NOT_EXIST, &tp, NULL), 0);
	ck_assert(tp.exists);
	target_path_done(&tp);
}
END_TEST

/* ---- reads ---- */

START_TEST(target_read_file_refuses_fifo)
{
	_cleanup_free_ char *p = tl_path(root, "etc/fifo");
	char *data = NULL;
	size_t len = 0;

	use_resolver(_i);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	tl_symlink(root, "fifolink", "/etc/fifo");
	/* With no writer, a blocking open would hang forever: fail instead. */
	alarm(10);
	ck_assert_int_eq(target_read_file(t, "/etc/fifo", 1024, &data, &len), -EINVAL);
	ck_assert_int_eq(target_read_file(t, "/fifolink", 1024, &data, &len), -EINVAL);
	alarm(0);
	ck_assert_ptr_null(data);
}
END_TEST

START_TEST(target_read_file_refuses_directory)
{
	char *data = NULL;
	size_t len = 0;

	use_resolver(_i);
	ck_assert_int_eq(target_read_file(t, "/etc", 1024, &data, &len), -EISDIR);
	ck_assert_int_eq(target_read_file(t, "/dirlink", 1024, &data, &len), -EISDIR);
	ck_assert_int_eq(target_read_file(t, "/", 1024, &data, &len), -EISDIR);
	ck_assert_int_eq(target_read_file(t, "/missing", 1024, &data, &len), -ENOENT);
	ck_assert_ptr_null(data);
}
END_TEST

START_TEST(target_read_file_refuses_too_big)
{
	char *data = NULL;
	size_t len = 0;

	use_resolver(_i);
	tl_write(root, "etc/ten", "0123456789", 0644);
	ck_assert_int_eq(target_read_file(t, "/etc/ten", 9, &data, &len), -EFBIG);
	ck_assert_ptr_null(data);
	ck_assert_int_eq(target_read_file(t, "/etc/ten", 10, &data, &len), 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_str_eq(data, "0123456789");	/* NUL-terminated */
	free(data);
	data = NULL;
	/* Empty files are fine. */
	tl_write(root, "etc/empty", "", 0644);
	ck_assert_int_eq(target_read_file(t, "/etc/empty", 0, &data, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(data, "");
	free(data);
}
END_TEST

START_TEST(target_list_dir_sorted)
{
	_cleanup_strv_free_ char **v = NULL, **e = NULL, **l = NULL;
	_cleanup_free_ char *got = NULL;

	use_resolver(_i);
	tl_mkdir(root, "d", 0755);
	tl_write(root, "d/b", "", 0644);
	tl_mkdir(root, "d/z", 0755);
	tl_write(root, "d/a.conf", "", 0644);
	tl_write(root, "d/C", "", 0644);
	tl_write(root, "d/.h", "", 0644);
	tl_write(root, "d/a", "", 0644);
	tl_mkdir(root, "empty", 0755);

	ck_assert_int_eq(target_list_dir(t, "/d", &v), 0);
	got = joined(v);
	ck_assert_str_eq(got, ".h|C|a|a.conf|b|z");
	ck_assert_int_eq(target_list_dir(t, "/empty", &e), 0);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(e[0]);
	ck_assert_int_eq(target_list_dir(t, "/etc/real", &l), -ENOTDIR);
	ck_assert_int_eq(target_list_dir(t, "/nodir", &l), -ENOENT);
	/* Through an absolute directory link: the target's /etc. */
	ck_assert_int_eq(target_list_dir(t, "/dirlink", &l), 0);
	free(got);
	got = joined(l);
	ck_assert_str_eq(got, "link|passwd|real|ssh");
	/* Only the links, and their text, read inside the target. */
	strv_free(l);
	tl_symlink(root, "d/to-a", "a");
	tl_symlink(root, "d/null", "/dev/null");
	ck_assert_int_eq(target_list_links(t, "/d", &l), 0);
	free(got);
	got = joined(l);
	ck_assert_str_eq(got, "null|to-a");
	free(got);
	ck_assert_int_eq(target_readlink(t, "/d/null", &got), 0);
	ck_assert_str_eq(got, "/dev/null");
	free(got);
	got = NULL;
	ck_assert_int_eq(target_readlink(t, "/d/a", &got), -EINVAL);
	ck_assert_int_eq(target_readlink(t, "/d/nothing", &got), -ENOENT);
	ck_assert_ptr_null(got);
}
END_TEST

START_TEST(target_glob_patterns)
{
	char **v = NULL;

	use_resolver(_i);
	tl_mkdir(root, "etc/ssh/sshd_config.d", 0755);
	tl_write(root, "etc/ssh/sshd_config.d/2-b.conf", "", 0644);
	tl_write(root, "etc/ssh/sshd_config.d/10-a.conf", "", 0644);
	tl_write(root, "etc/ssh/sshd_config.d/x.txt", "", 0644);
	tl_write(root, "etc/ssh/sshd_config.d/.hidden.conf", "", 0644);
	tl_mkdir(root, "etc/ssh/sshd_config.d/sub.conf", 0755);
	/* Created in reverse order: the result must still be sorted. */
	tl_mkdir(root, "home/zed", 0755);
	tl_mkdir(root, "home/zed/.ssh", 0700);
	tl_write(root, "home/zed/.ssh/authorized_keys", "", 0600);
	tl_mkdir(root, "home/amy", 0755);
	tl_mkdir(root, "home/amy/.ssh", 0700);
	tl_write(root, "home/amy/.ssh/authorized_keys", "", 0600);
	tl_mkdir(root, "home/bob", 0755);
	tl_write(root, "home/file", "", 0644);
	tl_mkdir(root, "home/.hid", 0755);
	tl_mkdir(root, "home/.hid/.ssh", 0700);
	tl_write(root, "home/.hid/.ssh/authorized_keys", "", 0600);

	/* Last component; lexical order ("10" < "2"); a leading dot is not matched by '*'. */
	assert_glob("/etc/ssh/sshd_config.d/*.conf",
		    "/etc/ssh/sshd_config.d/10-a.conf|/etc/ssh/sshd_config.d/2-b.conf|/etc/ssh/sshd_config.d/sub.conf");
	assert_glob("/etc/ssh/sshd_config.d/.*.conf", "/etc/ssh/sshd_config.d/.hidden.conf");
	assert_glob("/etc/ssh/sshd_config.d/?-b.conf", "/etc/ssh/sshd_config.d/2-b.conf");
	assert_glob("/etc/ssh/sshd_config.d/[12]*", "/etc/ssh/sshd_config.d/10-a.conf|/etc/ssh/sshd_config.d/2-b.conf");
	/* Middle component: only directories that hold the rest; no dot-dirs. */
	assert_glob("/home/*/.ssh/authorized_keys", "/home/amy/.ssh/authorized_keys|/home/zed/.ssh/authorized_keys");
	assert_glob("/home/.*/.ssh/authorized_keys", "/home/.hid/.ssh/authorized_keys");
	assert_glob("/*/ssh/sshd_config.d/2-b.conf", "/dirlink/ssh/sshd_config.d/2-b.conf|/etc/ssh/sshd_config.d/2-b.conf");
	/* No match is an empty list, not an error. */
	assert_glob("/etc/ssh/sshd_config.d/*.nomatch", "");
	assert_glob("/nonexistent/*/x", "");
	assert_glob("/etc/real/*", "");
	/* Literal paths. */
	assert_glob("/etc/real", "/etc/real");
	assert_glob("/etc/missing", "");
	/* Through an absolute link to a directory: stays in the target. */
	assert_glob("/dirlink/ssh/sshd_config.d/2-*", "/dirlink/ssh/sshd_config.d/2-b.conf");
	ck_assert_int_eq(target_glob(t, "etc/*", &v), -EINVAL);
	ck_assert_ptr_null(v);
}
END_TEST

/* ---- facts ---- */

/*
 * openat2 mode takes shortcuts (RESOLVE_NO_SYMLINKS first, the walk only when
 * a link or an error is met).  Over every path of a tree with plain entries,
 * links, a FIFO, missing names, "..", "//" and trailing slashes, and every
 * flag, both modes must give the same result, canonical path and inode.
 */
static char *resolve_result(const char *path, unsigned tflags)
{
	struct target_path tp = {0};
	struct stat st;
	char *out = NULL;
	int r = target_resolve(t, path, tflags, &tp, NULL);

	if (r < 0)
		ck_assert_int_ge(asprintf(&out, "resolve %d", r), 0);
	else
		ck_assert_int_ge(asprintf(&out, "resolve %s exists=%d ino=%llu links=%u user=%d", tp.canon, tp.exists,
					  tp.exists ? (unsigned long long) tp.st.st_ino : 0ULL, tp.n_symlinks,
					  tp.user_symlink), 0);
	target_path_done(&tp);
	int fd = target_open_inode(t, path, tflags & ~TR_MAY_NOT_EXIST, &st);
	char *both = NULL;
	ck_assert_int_ge(asprintf(&both, "%s; inode %d ino=%llu", out, fd < 0 ? fd : 0,
				  fd < 0 ? 0ULL : (unsigned long long) st.st_ino), 0);
	if (fd >= 0)
		close(fd);
	free(out);
	return both;
}

START_TEST(target_fast_paths_agree_with_walk)
{
	static const char *const paths[] = {
		"/", "//", "/etc", "/etc/", "/etc/real", "/etc//real", "/etc/real/", "/etc/link", "/etc/link/",
		"/lnk_passwd", "/dirlink", "/dirlink/", "/dirlink/real", "/dirlink/ssh/rel", "/etc/ssh/rel",
		"/etc/missing", "/missing/x", "/etc/real/x", "/dangling", "/dangling/", "/loop1", "/self",
		"/home/u", "/home/u/", "/home/u/.ssh", "/home/u/fifo", "/home/u/link_up", "/home/u/link_up/passwd",
		"/etc/../etc/real", "/./etc/real", "/..", "/to_only", ONLY_IN_TARGET "/file",
	};
	static const unsigned flags[] = {
		0, TR_NOFOLLOW, TR_NO_SYMLINKS, TR_ROOT_SYMLINKS_ONLY, TR_MAY_NOT_EXIST,
		TR_NOFOLLOW | TR_MAY_NOT_EXIST, TR_NO_SYMLINKS | TR_MAY_NOT_EXIST,
	};
	_cleanup_free_ char *fifo = tl_path(root, "home/u/fifo");

	if (!have_openat2)
		return;
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	tl_symlink(root, "home/u/link_up", "../../etc");
	for (size_t i = 0; i < ELEMENTSOF(paths); i++)
		for (size_t k = 0; k < ELEMENTSOF(flags); k++) {
			_cleanup_free_ char *fast = NULL, *walk = NULL;
			_cleanup_close_ int a = -EBADF, b = -EBADF;
			struct stat sa, sb;

			target_set_openat2(t, true);
			fast = resolve_result(paths[i], flags[k]);
			a = target_open(t, paths[i], O_PATH, flags[k] & ~TR_MAY_NOT_EXIST);
			target_set_openat2(t, false);
			walk = resolve_result(paths[i], flags[k]);
			b = target_open(t, paths[i], O_PATH, flags[k] & ~TR_MAY_NOT_EXIST);
			ck_assert_msg(strcmp(fast, walk) == 0, "%s flags %#x: openat2 mode: %s; walk: %s", paths[i],
				      flags[k], fast, walk);
			/* target_open in openat2 mode may fail where the walk also does, with the same inode otherwise. */
			ck_assert_msg((a < 0) == (b < 0), "%s flags %#x: target_open %d vs %d", paths[i], flags[k], a, b);
			if (a >= 0) {
				ck_assert_int_eq(fstat(a, &sa), 0);
				ck_assert_int_eq(fstat(b, &sb), 0);
				ck_assert_msg(sa.st_ino == sb.st_ino, "%s flags %#x: different inodes", paths[i], flags[k]);
			}
		}
}
END_TEST

/*
 * target_open_inode_in() and target_resolve_in() keep the directory of the
 * last path open for the next: over the same tree, in both modes, each path
 * (twice, so the held directory is used, then a different one) must give
 * what target_open_inode(TR_NO_SYMLINKS) and target_resolve(0) give: error
 * or inode, and canonical path.
 */
static char *open_inode_result(int fd, const struct stat *st)
{
	char *out = NULL;

	ck_assert_int_ge(asprintf(&out, "%d ino=%llu", fd < 0 ? fd : 0, fd < 0 ? 0ULL : (unsigned long long) st->st_ino), 0);
	if (fd >= 0)
		close(fd);
	return out;
}

START_TEST(target_open_inode_in_agrees)
{
	static const char *const paths[] = {
		"/etc/real", "/etc/link", "/etc/missing", "/etc/ssh/rel", "/etc/real/x", "/home/u/.ssh", "/home/u/fifo",
		"/home/u/link_up/passwd", "/dirlink/real", "/dangling", "/missing/x", "/", "/etc/", "/etc//real",
		"/etc/../etc/real", "/lnk_passwd", "/home/u",
	};
	_cleanup_free_ char *fifo = tl_path(root, "home/u/fifo");

	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	tl_symlink(root, "home/u/link_up", "../../etc");
	for (int mode = 0; mode < 2; mode++) {
		_cleanup_(target_dir_done) struct target_dir dir = TARGET_DIR_NULL, rdir = TARGET_DIR_NULL;
		if (mode == 0 && !have_openat2)
			continue;
		target_set_openat2(t, mode == 0);
		for (size_t i = 0; i < 2 * ELEMENTSOF(paths); i++) {
			const char *p = paths[i / 2];
			struct stat sa, sb;
			_cleanup_free_ char *in = open_inode_result(target_open_inode_in(t, &dir, p, &sa), &sa);
			_cleanup_free_ char *alone = open_inode_result(target_open_inode(t, p, TR_NO_SYMLINKS, &sb), &sb);
			ck_assert_msg(strcmp(in, alone) == 0, "%s (%s): target_open_inode_in: %s; target_open_inode: %s", p,
				      mode == 0 ? "openat2" : "walk", in, alone);

			struct target_path ta = {0}, tb = {0};
			int ra = target_resolve_in(t, &rdir, p, &ta), rb = target_resolve(t, p, 0, &tb, NULL);
			ck_assert_msg(ra == rb, "%s: target_resolve_in %d, target_resolve %d", p, ra, rb);
			if (ra == 0) {
				ck_assert_str_eq(ta.canon, tb.canon);
				ck_assert_uint_eq(ta.st.st_ino, tb.st.st_ino);
				ck_assert_int_eq(ta.exists, tb.exists);
				ck_assert_int_eq(ta.user_symlink, tb.user_symlink);
				ck_assert_uint_eq(ta.n_symlinks, tb.n_symlinks);
			}
			/* the held directory's stat is the stat of its path */
			struct stat held, named;
			if (target_dir_stat(&rdir, &held) == 0) {
				ck_assert_int_eq(target_lstat(t, rdir.canon, &named), 0);
				ck_assert_uint_eq(held.st_ino, named.st_ino);
			}
			target_path_done(&ta);
			target_path_done(&tb);
		}
	}
	target_set_openat2(t, have_openat2);
}
END_TEST

START_TEST(target_read_facts_debian)
{
	static const char os_release[] =
		"# a comment\n"
		"NAME=\"Debian GNU/Linux\"\n"
		"PRETTY_NAME=\"Debian \\\"Bookworm\\\" \\\\ \\$HOME \\`x\\`\"\n"
		"VERSION_ID=\"12\"\n"
		"ID=debian\n"
		"ID=ignored-second-id\n"
		"HOME_URL=\"https://www.debian.org/\"\n";
	static const char sshd[] = "\x7f" "ELF not really\0OpenSSH_7.0*,OpenSSH_7.1*\0OpenSSH_9.2\0"
				   "OpenSSH_9.2p1 Debian-2+deb12u6\0more\0";

	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/sbin", 0755);
	write_bytes(root, "etc/os-release", os_release, strlen(os_release), 0644);
	write_bytes(root, "usr/sbin/sshd", sshd, sizeof(sshd), 0755);

	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert_str_eq(t->facts.os_id, "debian");
	ck_assert_ptr_null(t->facts.os_id_like);
	ck_assert_str_eq(t->facts.os_version_id, "12");
	ck_assert_str_eq(t->facts.os_pretty, "Debian \"Bookworm\" \\ $HOME `x`");
	ck_assert_int_eq(t->facts.family, DISTRO_DEBIAN);
	ck_assert_str_eq(distro_family_name(t->facts.family), "debian");
	ck_assert_str_eq(t->facts.sshd_path, "/usr/sbin/sshd");
	ck_assert_str_eq(t->facts.sshd_version, "OpenSSH_9.2p1 Debian-2+deb12u6");
	ck_assert_int_eq(t->facts.sshd_major, 9);
	ck_assert_int_eq(t->facts.sshd_minor, 2);
	ck_assert(t->facts.sshd_debian_patches);
	ck_assert(!t->facts.sshd_libwrap);
	ck_assert(!t->facts.sshd_keyperm_group);
	ck_assert(target_sshd_at_least(t, 9, 2));
	ck_assert(target_sshd_at_least(t, 8, 9));
	ck_assert(!target_sshd_at_least(t, 9, 3));
	ck_assert(!target_sshd_at_least(t, 10, 0));
}
END_TEST

START_TEST(target_read_facts_redhat_elf)
{
	static const char os_release[] =
		"ID=\"rocky\"\n"
		"ID_LIKE='rhel centos fedora'\n"
		"VERSION_ID=\"9.3\"\n"
		"PRETTY_NAME='Rocky \\Linux 9.3'\n";
	static const char *const needed[] = { "libcrypto.so.3", "libwrap.so.0", "libc.so.6", NULL };
	static const char tail[] = "\0ssh_keys\0OpenSSH_8.0*\0OpenSSH_8.7p1\0";
	size_t elf_len;
	_cleanup_free_ unsigned char *elf = build_elf(true, false, needed, true, &elf_len);
	_cleanup_free_ unsigned char *img = malloc(elf_len + sizeof(tail));

	ck_assert_ptr_nonnull(img);
	memcpy(img, elf, elf_len);
	memcpy(img + elf_len, tail, sizeof(tail));
	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/lib", 0755);
	tl_mkdir(root, "usr/sbin", 0755);
	write_bytes(root, "usr/lib/os-release", os_release, strlen(os_release), 0644);
	/* Absolute, as on most systems: must be the target's file, not the host's. */
	tl_symlink(root, "etc/os-release", "/usr/lib/os-release");
	write_bytes(root, "usr/sbin/sshd", img, elf_len + sizeof(tail), 0755);

	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert_str_eq(t->facts.os_id, "rocky");
	ck_assert_str_eq(t->facts.os_id_like, "rhel centos fedora");
	ck_assert_str_eq(t->facts.os_version_id, "9.3");
	ck_assert_str_eq(t->facts.os_pretty, "Rocky \\Linux 9.3");	/* no escapes in '...' */
	ck_assert_int_eq(t->facts.family, DISTRO_REDHAT);
	ck_assert_str_eq(t->facts.sshd_version, "OpenSSH_8.7p1");
	ck_assert_int_eq(t->facts.sshd_major, 8);
	ck_assert_int_eq(t->facts.sshd_minor, 7);
	ck_assert(!t->facts.sshd_debian_patches);
	ck_assert(t->facts.sshd_libwrap);
	ck_assert(t->facts.sshd_keyperm_group);
	ck_assert(target_sshd_at_least(t, 8, 7));
	ck_assert(!target_sshd_at_least(t, 8, 8));
}
END_TEST

START_TEST(target_read_facts_nothing_known)
{
	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert_ptr_null(t->facts.os_id);
	ck_assert_int_eq(t->facts.family, DISTRO_UNKNOWN);
	ck_assert_str_eq(distro_family_name(t->facts.family), "unknown");
	ck_assert_ptr_null(t->facts.sshd_path);
	ck_assert_ptr_null(t->facts.sshd_version);
	ck_assert_int_eq(t->facts.sshd_major, -1);
	/* Unknown version: assume the newest rules. */
	ck_assert(target_sshd_at_least(t, 99, 99));
}
END_TEST

START_TEST(target_read_facts_fallbacks)
{
	static const char sshd[] = "OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\nnext line";

	/* /usr/lib/os-release alone; a directory where /usr/sbin/sshd should be. */
	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/lib", 0755);
	tl_mkdir(root, "usr/sbin", 0755);
	tl_mkdir(root, "usr/sbin/sshd", 0755);
	tl_mkdir(root, "usr/local", 0755);
	tl_mkdir(root, "usr/local/sbin", 0755);
	tl_write(root, "usr/lib/os-release", "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", 0644);
	write_bytes(root, "usr/local/sbin/sshd", sshd, strlen(sshd), 0755);

	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert_str_eq(t->facts.os_id, "linuxmint");
	ck_assert_int_eq(t->facts.family, DISTRO_DEBIAN);
	ck_assert_str_eq(t->facts.sshd_path, "/usr/local/sbin/sshd");
	/* The version ends at the first non-printable byte. */
	ck_assert_str_eq(t->facts.sshd_version, "OpenSSH_9.6p1 Ubuntu-3ubuntu13.5");
	ck_assert(t->facts.sshd_debian_patches);
}
END_TEST

START_TEST(target_is_this_system_root_only)
{
	struct target *slash = NULL;

	/* The test root is a directory of the host, not the running system. */
	ck_assert(!target_is_this_system(t));
	ck_assert_int_eq(target_new("/", &slash), 0);
	ck_assert(target_is_this_system(slash));
	target_free(slash);
}
END_TEST

static void assert_scan(const char *data, size_t len, const char *want, int maj, int min)
{
	/* An exact-size copy: ASan catches any read past len. */
	_cleanup_free_ char *copy = malloc(len ? len : 1);
	_cleanup_free_ char *v = NULL;
	int ma = -1, mi = -1;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, data, len);
	int r = sshd_version_scan(copy, len, &v, &ma, &mi);
	if (!want) {
		ck_assert_msg(r == -ENOENT, "scan of '%.*s' gave %d", (int) len, data, r);
		ck_assert_ptr_null(v);
		return;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(v, want);
	ck_assert_int_eq(ma, maj);
	ck_assert_int_eq(mi, min);
}

#define SCAN(lit, want, maj, min) assert_scan(lit, sizeof(lit) - 1, want, maj, min)

START_TEST(sshd_version_scan_skips_compat_patterns)
{
	SCAN("OpenSSH_7.0*,OpenSSH_7.1*,OpenSSH_7.2*\0OpenSSH_6.6.1*\0OpenSSH_2.5.0p1*\0OpenSSH_9.2\0"
	     "OpenSSH_9.2p1 Debian-2+deb12u6\0",
	     "OpenSSH_9.2p1 Debian-2+deb12u6", 9, 2);
	SCAN("xxOpenSSH_10.0p2 Ubuntu-1\0", "OpenSSH_10.0p2 Ubuntu-1", 10, 0);
	/* At the very end of the data, no NUL after it. */
	SCAN("junkOpenSSH_8.4p1", "OpenSSH_8.4p1", 8, 4);
	/* Nothing usable. */
	SCAN("OpenSSH_\0OpenSSH_x.1p1\0OpenSSH_9.\0OpenSSH_9.2\0OpenSSH_9.2p\0OpenSSH_9.2px\0", NULL, 0, 0);
	SCAN("", NULL, 0, 0);
	SCAN("OpenSSH_9", NULL, 0, 0);
	SCAN("OpenSSH_9.2", NULL, 0, 0);
	SCAN("OpenSSH_9.2p", NULL, 0, 0);
	/* len is honoured: "p1" is past it. */
	assert_scan("OpenSSH_9.2p1", 12, NULL, 0, 0);
	/* The vendor string wins wherever the linker put it: it decides
	 * whether Debian's group-writable rule applies (RULES §1.8). */
	SCAN("OpenSSH_9.2p1\0OpenSSH_9.2p1 Debian-2+deb12u6\0", "OpenSSH_9.2p1 Debian-2+deb12u6", 9, 2);
	SCAN("OpenSSH_9.6p1\0OpenSSH_9.6p1\0", "OpenSSH_9.6p1", 9, 6);
}
END_TEST

/* ---- ELF ---- */

START_TEST(elf_needed_own_binary_lists_libc)
{
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *data = NULL;
	_cleanup_strv_free_ char **v = NULL;
	size_t len = 0;
	bool libc = false;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read_all(fd, 256u << 20, &data, &len), 0);
	ck_assert_int_eq(elf_needed(data, len, &v), 0);
	for (size_t i = 0; v[i]; i++)
		if (startswith(v[i], "libc.so."))
			libc = true;
	_cleanup_free_ char *all = joined(v);
	ck_assert_msg(libc, "no libc.so.* in DT_NEEDED: '%s'", all);
}
END_TEST

START_TEST(elf_needed_built_images)
{
	static const char *const needed[] = { "libwrap.so.0", "libc.so.6", NULL };

	for (int v = 0; v < 4; v++) {
		bool is64 = v & 1, be = v & 2;
		size_t len;
		_cleanup_free_ unsigned char *d = build_elf(is64, be, needed, true, &len);
		_cleanup_free_ unsigned char *s = NULL;
		_cleanup_strv_free_ char **n = NULL, **none = NULL;
		_cleanup_free_ char *got = NULL;

		ck_assert_msg(elf_needed((char *) d, len, &n) == 0, "ELF%d %s", is64 ? 64 : 32, be ? "BE" : "LE");
		got = joined(n);
		ck_assert_msg(strcmp(got, "libwrap.so.0|libc.so.6") == 0, "ELF%d %s: '%s'", is64 ? 64 : 32,
			      be ? "BE" : "LE", got);
		/* Static: no PT_DYNAMIC, an empty list. */
		s = build_elf(is64, be, NULL, false, &len);
		ck_assert_int_eq(elf_needed((char *) s, len, &none), 0);
		ck_assert_ptr_nonnull(none);
		ck_assert_ptr_null(none[0]);
	}
}
END_TEST

/* r is an error or a list of strings; nothing else is acceptable. */
static void check_elf_result(const unsigned char *d, size_t len, const char *what, unsigned long run)
{
	/* Exact-size copy so ASan sees any read past the end. */
	_cleanup_free_ char *copy = malloc(len ? len : 1);
	char **v = NULL;
	int r;

	ck_assert_ptr_nonnull(copy);
	if (len)
		memcpy(copy, d, len);
	r = elf_needed(copy, len, &v);
	if (r < 0) {
		ck_assert_msg(r == -EINVAL || r == -ENOENT, "%s run %lu: unexpected error %d", what, run, r);
		ck_assert_ptr_null(v);
		return;
	}
	ck_assert_msg(v != NULL, "%s run %lu: success without a list", what, run);
	for (size_t i = 0; v[i]; i++)
		ck_assert_uint_le(strlen(v[i]), len);
	strv_free(v);
}

START_TEST(elf_needed_hostile_headers)
{
	static const char *const needed[] = { "libwrap.so.0", NULL };
	size_t len;
	_cleanup_free_ unsigned char *good = build_elf(true, false, needed, true, &len);
	_cleanup_free_ unsigned char *d = malloc(len);
	/* Offsets in the 64-bit LE image built above. */
	const size_t dyn_ph = 64 + 56, dyn_off = 64 + 2 * 56;
	static const struct {
		size_t off, n;
		uint64_t v;
		const char *what;
	} edits[] = {
		{ 32, 8, UINT64_MAX, "phoff at UINT64_MAX" },
		{ 32, 8, UINT64_MAX - 55, "phoff wraps" },
		{ 56, 2, 0xffff, "65535 program headers" },
		{ 54, 2, 0xffff, "phentsize 65535" },
		{ 54, 2, 8, "phentsize too small" },
		{ 64 + 8, 8, UINT64_MAX, "PT_LOAD offset huge" },
		{ 64 + 32, 8, UINT64_MAX, "PT_LOAD filesz huge" },
		{ dyn_ph + 8, 8, UINT64_MAX - 8, "dynamic offset wraps" },
		{ dyn_ph + 32, 8, UINT64_MAX, "dynamic size huge" },
		{ dyn_ph + 8, 8, 0, "dynamic at the ELF header" },
		{ dyn_off + 8, 8, UINT64_MAX, "DT_NEEDED offset huge" },
		{ dyn_off + 16 + 8, 8, UINT64_MAX, "DT_STRTAB huge" },
		{ dyn_off + 32 + 8, 8, UINT64_MAX, "DT_STRSZ huge" },
		{ dyn_off + 32 + 8, 8, 0, "DT_STRSZ zero" },
	};

	ck_assert_ptr_nonnull(d);
	for (size_t i = 0; i < ELEMENTSOF(edits); i++) {
		memcpy(d, good, len);
		wr(d + edits[i].off, edits[i].n, edits[i].v, false);
		check_elf_result(d, len, edits[i].what, i);
	}
	/* A DT_NEEDED string running to the end of the data without a NUL. */
	memcpy(d, good, len);
	d[len - 1] = 'x';
	check_elf_result(d, len, "unterminated string", 0);
	/* Every truncation of a good image. */
	for (size_t n = 0; n <= len; n++)
		check_elf_result(good, n, "truncated", n);
	/* Not ELF at all / bad class / bad data encoding. */
	check_elf_result((const unsigned char *) "\x7f" "ELF", 4, "magic only", 0);
	memcpy(d, good, len);
	d[EI_CLASS] = 7;
	ck_assert_int_eq(elf_needed((char *) d, len, &(char **) {NULL}), -EINVAL);
	memcpy(d, good, len);
	d[EI_DATA] = 9;
	ck_assert_int_eq(elf_needed((char *) d, len, &(char **) {NULL}), -EINVAL);
}
END_TEST

START_TEST(elf_needed_random_garbage_never_crashes)
{
	static const char *const needed[] = { "libwrap.so.0", "libc.so.6", NULL };
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *self = NULL;
	size_t self_len = 0;
	unsigned char *img[4];
	size_t img_len[4];

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read_all(fd, 256u << 20, &self, &self_len), 0);
	for (int v = 0; v < 4; v++)
		img[v] = build_elf(v & 1, v & 2, needed, true, &img_len[v]);
	rng_state = FUZZ_SEED;
	fprintf(stderr, "elf_needed fuzz: seed 0x%llx, %d runs\n", (unsigned long long) FUZZ_SEED, FUZZ_RUNS);

	for (unsigned long run = 0; run < FUZZ_RUNS; run++) {
		unsigned kind = (unsigned) (rng() % 5);
		size_t len = 0;
		_cleanup_free_ unsigned char *d = NULL;
		int v = (int) (rng() % 4);

		switch (kind) {
		case 0:	/* random bytes, sometimes with a valid magic */
			len = (size_t) (rng() % 1024);
			d = malloc(len + 1);
			ck_assert_ptr_nonnull(d);
			for (size_t i = 0; i < len; i++)
				d[i] = (unsigned char) rng();
			if (len >= 6 && (rng() & 1)) {
				memcpy(d, ELFMAG, SELFMAG);
				d[EI_CLASS] = 1 + (rng() & 1);
				d[EI_DATA] = 1 + (rng() & 1);
			}
			break;
		case 1:	/* a good image with a few bytes changed */
			len = img_len[v];
			d = malloc(len);
			ck_assert_ptr_nonnull(d);
			memcpy(d, img[v], len);
			for (unsigned k = 0, n = 1 + (unsigned) (rng() % 8); k < n; k++)
				d[rng() % len] = (unsigned char) rng();
			break;
		case 2:	/* a valid ELF header followed by junk */
			len = img_len[v] + (size_t) (rng() % 512);
			d = malloc(len);
			ck_assert_ptr_nonnull(d);
			memcpy(d, img[v], (v & 1) ? 64 : 52);
			for (size_t i = (v & 1) ? 64 : 52; i < len; i++)
				d[i] = (unsigned char) rng();
			break;
		case 3:	/* a good image truncated */
			len = (size_t) (rng() % (img_len[v] + 1));
			d = malloc(len + 1);
			ck_assert_ptr_nonnull(d);
			memcpy(d, img[v], len);
			break;
		default:	/* our own binary, truncated (the first 256 KiB hold the headers) */
			len = (size_t) (rng() % (self_len < (256u << 10) ? self_len : (256u << 10)));
			d = malloc(len + 1);
			ck_assert_ptr_nonnull(d);
			memcpy(d, self, len);
			break;
		}
		check_elf_result(d, len, "fuzz", run);
	}
	for (int v = 0; v < 4; v++)
		free(img[v]);
}
END_TEST

/* The scanners on an exact-size copy, so ASan sees any read past the end. */
static const char *privsep_of(const char *data, size_t len)
{
	static char keep[64];
	_cleanup_free_ char *copy = malloc(len ? len : 1);
	const char *r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, data, len);
	r = sshd_privsep_dir_scan(copy, len);
	if (!r)
		return NULL;
	snprintf(keep, sizeof(keep), "%s", r);
	return keep;
}

static char *session_of(const char *data, size_t len)
{
	_cleanup_free_ char *copy = malloc(len ? len : 1);
	char *v = NULL;
	int r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, data, len);
	r = sshd_session_path_scan(copy, len, &v);
	ck_assert_int_ge(r, 0);
	ck_assert((r == 1) == (v != NULL));
	return v;
}

#define PRIVSEP(lit) privsep_of(lit, sizeof(lit) - 1)
#define SESSION(lit) session_of(lit, sizeof(lit) - 1)

START_TEST(sshd_privsep_dir_scan_whole_strings)
{
	_cleanup_free_ char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL, *s5 = NULL;

	/* Debian: "/run/sshd" beside "/run/sshd.pid", which must not count. */
	ck_assert_str_eq(PRIVSEP("x\0/run/sshd.pid\0/run/sshd\0y"), "/run/sshd");
	ck_assert_ptr_null(PRIVSEP("x\0/run/sshd.pid\0"));
	/* A tail of a longer string is not the string. */
	ck_assert_ptr_null(PRIVSEP("x\0/srv/var/empty\0"));
	ck_assert_ptr_null(PRIVSEP("x\0chroot /var/empty\0"));
	/* The more specific path wins over the upstream default. */
	ck_assert_str_eq(PRIVSEP("\0/var/empty\0/var/empty/sshd\0"), "/var/empty/sshd");
	ck_assert_str_eq(PRIVSEP("/usr/share/empty.sshd\0"), "/usr/share/empty.sshd");	/* at the very start */
	ck_assert_str_eq(PRIVSEP("a\0/var/run/sshd\0"), "/var/run/sshd");
	ck_assert_str_eq(PRIVSEP("a\0/var/empty\0"), "/var/empty");
	/* Unterminated at the end of the data: not a whole string. */
	ck_assert_ptr_null(PRIVSEP("a\0/run/sshd"));
	ck_assert_ptr_null(PRIVSEP(""));

	s1 = SESSION("a\0/usr/lib/openssh/sshd-session\0b");
	ck_assert_str_eq(s1, "/usr/lib/openssh/sshd-session");
	s2 = SESSION("/usr/libexec/openssh/sshd-session\0");
	ck_assert_str_eq(s2, "/usr/libexec/openssh/sshd-session");
	/* Not a path, a message, or unterminated: none. */
	s3 = SESSION("a\0sshd-session\0usage: /x/sshd-session\0/y/sshd-session");
	ck_assert_ptr_null(s3);
	/* A relative one is skipped, the next absolute one found. */
	s4 = SESSION("a\0x/sshd-session\0/opt/sshd-session\0");
	ck_assert_str_eq(s4, "/opt/sshd-session");
	s5 = SESSION("");
	ck_assert_ptr_null(s5);
}
END_TEST

START_TEST(target_read_facts_privsep_and_session)
{
	static const char sshd[] = "\x7f" "ELF not really\0OpenSSH_9.9p1 Debian-1\0/run/sshd.pid\0"
				   "/run/sshd\0/usr/lib/openssh/sshd-session\0";

	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/sbin", 0755);
	write_bytes(root, "usr/sbin/sshd", sshd, sizeof(sshd) - 1, 0755);
	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert_str_eq(t->facts.sshd_privsep_dir, "/run/sshd");
	ck_assert_str_eq(t->facts.sshd_session_path, "/usr/lib/openssh/sshd-session");

	/* Read again after a change: the old facts go, nothing leaks. */
	write_bytes(root, "usr/sbin/sshd", "OpenSSH_8.7p1\0", 14, 0755);
	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert_ptr_null(t->facts.sshd_privsep_dir);
	ck_assert_ptr_null(t->facts.sshd_session_path);
}
END_TEST

/* An ELF image naming `needed`, followed by the NUL-terminated strings in
 * tail (tail_len bytes): a fake sshd binary.  *ret_len is its size. */
static unsigned char *elf_with(const char *const *needed, const char *tail, size_t tail_len, size_t *ret_len)
{
	size_t elf_len;
	_cleanup_free_ unsigned char *elf = build_elf(true, false, needed, true, &elf_len);
	unsigned char *img = malloc(elf_len + tail_len);

	ck_assert_ptr_nonnull(img);
	memcpy(img, elf, elf_len);
	memcpy(img + elf_len, tail, tail_len);
	*ret_len = elf_len + tail_len;
	return img;
}

/* Debian 13 (OpenSSH 10.0p2): /usr/sbin/sshd names sshd-session and
 * sshd-auth and does not link libwrap; sshd-session does (RULES §7.4). */
START_TEST(target_read_facts_libwrap_from_sshd_session)
{
	static const char *const sshd_needed[] = { "libselinux.so.1", "libcrypto.so.3", "libc.so.6", NULL };
	static const char *const session_needed[] = { "libcrypt.so.1", "libwrap.so.0", "libpam.so.0", "libc.so.6", NULL };
	static const char *const auth_needed[] = { "libcrypt.so.1", "libpam.so.0", "libc.so.6", NULL };
	static const char tail[] = "\0OpenSSH_10.0p2 Debian-7+deb13u4\0/run/sshd\0"
				   "/usr/lib/openssh/sshd-session\0/usr/lib/openssh/sshd-auth\0";
	size_t n_sshd, n_session, n_auth, n_wrap;
	_cleanup_free_ unsigned char *sshd = elf_with(sshd_needed, tail, sizeof(tail), &n_sshd);
	_cleanup_free_ unsigned char *session = elf_with(session_needed, tail, sizeof(tail), &n_session);
	_cleanup_free_ unsigned char *auth = elf_with(auth_needed, tail, sizeof(tail), &n_auth);
	_cleanup_free_ unsigned char *sshd_wrap = elf_with(session_needed, tail, sizeof(tail), &n_wrap);

	tl_mkdir(root, "usr", 0755);
	tl_mkdir(root, "usr/sbin", 0755);
	tl_mkdir(root, "usr/lib", 0755);
	tl_mkdir(root, "usr/lib/openssh", 0755);
	write_bytes(root, "usr/sbin/sshd", sshd, n_sshd, 0755);
	write_bytes(root, "usr/lib/openssh/sshd-session", session, n_session, 0755);
	write_bytes(root, "usr/lib/openssh/sshd-auth", auth, n_auth, 0755);

	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert_int_eq(t->facts.sshd_major, 10);
	ck_assert_int_eq(t->facts.sshd_minor, 0);
	ck_assert_str_eq(t->facts.sshd_session_path, "/usr/lib/openssh/sshd-session");
	ck_assert_str_eq(t->facts.sshd_auth_path, "/usr/lib/openssh/sshd-auth");
	ck_assert(t->facts.sshd_libwrap);
	ck_assert_str_eq(t->facts.sshd_libwrap_from, "/usr/lib/openssh/sshd-session");

	/* sshd-session missing: sshd will not start (a finding elsewhere);
	 * the fact falls back to sshd's own DT_NEEDED. */
	_cleanup_free_ char *session_path = tl_path(root, "usr/lib/openssh/sshd-session");
	ck_assert_int_eq(unlink(session_path), 0);
	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert(!t->facts.sshd_libwrap);
	ck_assert_str_eq(t->facts.sshd_libwrap_from, "/usr/sbin/sshd");
	ck_assert_str_eq(t->facts.sshd_session_path, "/usr/lib/openssh/sshd-session");

	/* libwrap in sshd but not in the sshd-session that does the work:
	 * no TCP wrappers are consulted. */
	write_bytes(root, "usr/sbin/sshd", sshd_wrap, n_wrap, 0755);
	write_bytes(root, "usr/lib/openssh/sshd-session", auth, n_auth, 0755);
	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert(!t->facts.sshd_libwrap);
	ck_assert_str_eq(t->facts.sshd_libwrap_from, "/usr/lib/openssh/sshd-session");

	/* A 9.2 sshd names no helper: its own DT_NEEDED decides. */
	static const char tail92[] = "\0OpenSSH_9.2p1 Debian-2+deb12u6\0/run/sshd\0";
	size_t n92;
	_cleanup_free_ unsigned char *sshd92 = elf_with(session_needed, tail92, sizeof(tail92), &n92);
	write_bytes(root, "usr/sbin/sshd", sshd92, n92, 0755);
	ck_assert_int_eq(target_read_facts(t), 0);
	ck_assert_ptr_null(t->facts.sshd_session_path);
	ck_assert_ptr_null(t->facts.sshd_auth_path);
	ck_assert(t->facts.sshd_libwrap);
	ck_assert_str_eq(t->facts.sshd_libwrap_from, "/usr/sbin/sshd");
}
END_TEST

START_TEST(sshd_auth_path_scan_whole_strings)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
	static const char d1[] = "x\0/usr/lib/openssh/sshd-session\0/usr/lib/openssh/sshd-auth\0";
	static const char d2[] = "x\0SshdAuthPath\0sshd-auth\0/x/sshd-auth.c\0/y/sshd-auth";
	static const char d3[] = "/usr/libexec/openssh/sshd-auth\0";

	ck_assert_int_eq(sshd_auth_path_scan(d1, sizeof(d1) - 1, &a), 1);
	ck_assert_str_eq(a, "/usr/lib/openssh/sshd-auth");
	/* Not a path, not the whole name, unterminated: none. */
	ck_assert_int_eq(sshd_auth_path_scan(d2, sizeof(d2) - 1, &b), 0);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(sshd_auth_path_scan(d3, sizeof(d3) - 1, &c), 1);
	ck_assert_str_eq(c, "/usr/libexec/openssh/sshd-auth");
}
END_TEST

/*
 * The real binaries, from the real-login tier's cached Debian roots
 * (tests/e2e/build-root.sh) when they exist: a Debian 12 sshd links
 * libwrap itself, a Debian 13 one leaves it to sshd-session (RULES §7.1,
 * §7.4).  Skipped, with the reason, where no root has been built.
 */
static char *cached_rootfs(const char *suite)
{
	const char *cache = getenv("SSHFIX_E2E_CACHE");
	_cleanup_free_ char *pattern = NULL;
	glob_t g;
	char *r = NULL;

	if (!cache || !*cache)
		cache = "/var/tmp/sshfix-e2e";
	ck_assert_int_ge(asprintf(&pattern, "%s/root-%s-*/rootfs/usr/sbin/sshd", cache, suite), 0);
	if (glob(pattern, 0, NULL, &g) != 0)
		return NULL;
	r = strndup(g.gl_pathv[0], strlen(g.gl_pathv[0]) - strlen("/usr/sbin/sshd"));
	globfree(&g);
	ck_assert_ptr_nonnull(r);
	return r;
}

START_TEST(target_read_facts_real_debian_binaries)
{
	static const char *const suites[] = { "bookworm", "trixie" };
	const char *suite = suites[_i];
	_cleanup_free_ char *rootfs = cached_rootfs(suite);
	struct target *rt = NULL;

	if (!rootfs) {
		fprintf(stderr, "SKIP: target_read_facts_real_debian_binaries(%s): no cached %s root "
			"(tests/e2e/build-root.sh %s builds one)\n", suite, suite, suite);
		return;
	}
	ck_assert_int_eq(target_new(rootfs, &rt), 0);
	ck_assert_int_eq(target_read_facts(rt), 0);
	ck_assert(rt->facts.sshd_debian_patches);
	ck_assert(rt->facts.sshd_libwrap);
	ck_assert_str_eq(rt->facts.sshd_privsep_dir, "/run/sshd");
	if (_i == 0) {
		ck_assert_int_eq(rt->facts.sshd_major, 9);
		ck_assert_int_eq(rt->facts.sshd_minor, 2);
		ck_assert_ptr_null(rt->facts.sshd_session_path);
		ck_assert_ptr_null(rt->facts.sshd_auth_path);
		ck_assert_str_eq(rt->facts.sshd_libwrap_from, "/usr/sbin/sshd");
	} else {
		ck_assert_int_eq(rt->facts.sshd_major, 10);
		ck_assert_str_eq(rt->facts.sshd_session_path, "/usr/lib/openssh/sshd-session");
		ck_assert_str_eq(rt->facts.sshd_auth_path, "/usr/lib/openssh/sshd-auth");
		ck_assert_str_eq(rt->facts.sshd_libwrap_from, "/usr/lib/openssh/sshd-session");
	}
	target_free(rt);
}
END_TEST

static Suite *target_suite(void)
{
	Suite *s = suite_create("target");
	TCase *tc = tcase_create("target");
	/* Iteration 0 is openat2, 1 our walk; without openat2 only the walk runs. */
	int first = have_openat2 ? 0 : 1;

	if (!have_openat2)
		fprintf(stderr, "SKIP: openat2(2) is not available here; only the walk resolver is tested\n");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, target_open_absolute_symlink_stays_inside, first, 2);
	tcase_add_loop_test(tc, target_open_dotdot_clamps_at_root, first, 2);
	tcase_add_loop_test(tc, target_open_symlink_loop_eloop, first, 2);
	tcase_add_loop_test(tc, target_open_nofollow_opens_link_itself, first, 2);
	tcase_add_loop_test(tc, target_open_no_symlinks_refuses_any_link, first, 2);
	tcase_add_loop_test(tc, target_open_trailing_slash_needs_directory, first, 2);
	/* lchown to another uid needs root; say so rather than pass silently. */
	if (tl_is_root())
		tcase_add_loop_test(tc, target_open_root_symlinks_only_refuses_user_link, first, 2);
	else
		fprintf(stderr, "SKIP: target_open_root_symlinks_only_refuses_user_link needs root\n");
	tcase_add_loop_test(tc, target_resolve_canonical_path, first, 2);
	tcase_add_loop_test(tc, target_resolve_reports_user_symlink, first, 2);
	tcase_add_loop_test(tc, target_resolve_may_not_exist, first, 2);
	tcase_add_loop_test(tc, target_read_file_refuses_fifo, first, 2);
	tcase_add_loop_test(tc, target_read_file_refuses_directory, first, 2);
	tcase_add_loop_test(tc, target_read_file_refuses_too_big, first, 2);
	tcase_add_loop_test(tc, target_list_dir_sorted, first, 2);
	tcase_add_loop_test(tc, target_glob_patterns, first, 2);
	tcase_add_test(tc, target_fast_paths_agree_with_walk);
	tcase_add_test(tc, target_open_inode_in_agrees);
	tcase_add_test(tc, target_read_facts_debian);
	tcase_add_test(tc, target_read_facts_redhat_elf);
	tcase_add_test(tc, target_read_facts_nothing_known);
	tcase_add_test(tc, target_read_facts_fallbacks);
	tcase_add_test(tc, target_is_this_system_root_only);
	tcase_add_test(tc, sshd_version_scan_skips_compat_patterns);
	tcase_add_test(tc, elf_needed_own_binary_lists_libc);
	tcase_add_test(tc, elf_needed_built_images);
	tcase_add_test(tc, elf_needed_hostile_headers);
	tcase_add_test(tc, elf_needed_random_garbage_never_crashes);
	tcase_add_test(tc, sshd_privsep_dir_scan_whole_strings);
	tcase_add_test(tc, target_read_facts_privsep_and_session);
	tcase_add_test(tc, target_read_facts_libwrap_from_sshd_session);
	tcase_add_test(tc, sshd_auth_path_scan_whole_strings);
	tcase_add_loop_test(tc, target_read_facts_real_debian_binaries, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	struct target *probe;
	SRunner *sr;
	int failed;

	/* target_new() probes openat2 once; reuse its answer. */
	if (target_new("/", &probe) == 0) {
		have_openat2 = probe->use_openat2;
		target_free(probe);
	}
	sr = srunner_create(target_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
