/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for diff.c.  Hand cases pin the exact text GNU diff prints;
 * diff_unified_random_vs_gnu checks many random pairs against the real
 * tools: GNU patch must turn a into b with our diff, and our script must be
 * as short as `diff --minimal -u`'s.  Without GNU diff and patch that case
 * cannot run: the other cases still run and the program exits 77 (skip)
 * after saying why, so a missing tool never reads as a pass.
 *
 * diff_unified_enomem fails each allocation in turn through the malloc()
 * wrappers below (test binary only), so every -ENOMEM path runs and ASan
 * shows whether any of them leaks.  Under valgrind, whose malloc() wins over
 * ours, or clang's static sanitizer runtimes, those cases are skipped the
 * same way (exit 77, reason printed).
 */
#include "config.h"

#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff.h"
#include "macro.h"
#include "util.h"

extern char **environ;

/* ---- allocation failure injection ---- */

/* clang links its sanitizer runtimes into the program, where our malloc() would clash with theirs. */
#if defined(__clang__) && defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define MALLOC_WRAPPERS 0
#endif
#endif
#ifndef MALLOC_WRAPPERS
#define MALLOC_WRAPPERS 1
#endif

static long fail_countdown = -1;	/* the allocation that sees 0 fails; -1: none */
static long failed_allocs;

#if MALLOC_WRAPPERS
/* ASan's start-up allocates through these before its shadow memory exists. */
#define _no_asan_ __attribute__((no_sanitize_address))

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);

/* dlsym() may allocate before the real functions are known. */
static _Alignas(16) char boot_arena[8192];
static size_t boot_used;

_no_asan_ static bool in_boot_arena(const void *p)
{
	return (const char *) p >= boot_arena && (const char *) p < boot_arena + sizeof(boot_arena);
}

_no_asan_ static void *boot_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t) 15;
	if (n > sizeof(boot_arena) - boot_used)
		return NULL;
	p = boot_arena + boot_used;
	boot_used += n;
	return p;
}

_no_asan_ static bool resolve_real(void)
{
	static bool resolving;

	if (real_free)
		return true;
	if (resolving)
		return false;
	resolving = true;
	real_malloc = (void *(*)(size_t)) dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t)) dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t)) dlsym(RTLD_NEXT, "realloc");
	real_free = (void (*)(void *)) dlsym(RTLD_NEXT, "free");
	resolving = false;
	return real_free != NULL;
}

_no_asan_ static bool inject_failure(void)
{
	if (fail_countdown < 0)
		return false;
	if (fail_countdown-- > 0)
		return false;
	failed_allocs++;
	return true;
}

_no_asan_ void *malloc(size_t n)
{
	if (!resolve_real())
		return boot_alloc(n);
	if (inject_failure()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_malloc(n);
}

_no_asan_ void *calloc(size_t n, size_t size)
{
	if (!resolve_real())
		return size && n > SIZE_MAX / size ? NULL : boot_alloc(n * size);
	if (inject_failure()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_calloc(n, size);
}

_no_asan_ void *realloc(void *p, size_t n)
{
	if (!resolve_real() || in_boot_arena(p))
		return NULL;	/* nothing reallocates during start-up */
	if (inject_failure()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_realloc(p, n);
}

_no_asan_ void free(void *p)
{
	if (!p || in_boot_arena(p))
		return;
	if (resolve_real())
		real_free(p);
}
#endif

/* ---- helpers ---- */

static char *render_n(const char *a, size_t alen, const char *b, size_t blen, unsigned context)
{
	struct buf out = {};
	int r;

	r = diff_unified(&out, a, alen, b, blen, "a", "b", context);
	ck_assert_int_eq(r, 0);
	return buf_steal(&out);
}

static char *render(const char *a, const char *b, unsigned context)
{
	return render_n(a, strlen(a), b, strlen(b), context);
}

#define assert_diff(a, b, context, expected)                     \
	do {                                                     \
		_cleanup_free_ char *_got = render(a, b, context); \
		ck_assert_str_eq(_got, expected);                \
	} while (0)

/* ---- hand cases; expected texts are what GNU diff 3.8 prints ---- */

START_TEST(diff_unified_identical)
{
	struct buf out = {};

	ck_assert_int_eq(buf_puts(&out, "keep"), 0);
	ck_assert_int_eq(diff_unified(&out, "x\ny\n", 4, "x\ny\n", 4, "a", "b", 3), 0);
	ck_assert_str_eq(out.data, "keep");
	ck_assert_int_eq(diff_unified(&out, "x", 1, "x", 1, "a", "b", 3), 0);
	ck_assert_int_eq(diff_unified(&out, "\0x", 2, "\0x", 2, "a", "b", 3), 0);
	ck_assert_int_eq(out.len, 4);
	buf_done(&out);
}
END_TEST

START_TEST(diff_unified_empty_both)
{
	struct buf out = {};

	ck_assert_int_eq(diff_unified(&out, NULL, 0, "", 0, "a", "b", 3), 0);
	ck_assert_int_eq(out.len, 0);
	buf_done(&out);
}
END_TEST

START_TEST(diff_unified_empty_to_text)
{
	assert_diff("", "x\ny\n", 3, "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n");
}
END_TEST

START_TEST(diff_unified_text_to_empty)
{
	assert_diff("x\ny\n", "", 3, "--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y\n");
}
END_TEST

START_TEST(diff_unified_empty_to_partial_line)
{
	assert_diff("", "x", 3,
		    "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n");
}
END_TEST

START_TEST(diff_unified_no_newline_anywhere)
{
	assert_diff("abc", "abd", 3,
		    "--- a\n+++ b\n@@ -1 +1 @@\n"
		    "-abc\n\\ No newline at end of file\n"
		    "+abd\n\\ No newline at end of file\n");
}
END_TEST

START_TEST(diff_unified_no_newline_both)
{
	assert_diff("a\nb", "a\nc", 3,
		    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n"
		    "-b\n\\ No newline at end of file\n"
		    "+c\n\\ No newline at end of file\n");
}
END_TEST

START_TEST(diff_unified_no_newline_a)
{
	/* Same text: only the final newline differs, so the lines differ. */
	assert_diff("a\nb", "a\nb\n", 3,
		    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n"
		    "-b\n\\ No newline at end of file\n"
		    "+b\n");
}
END_TEST

START_TEST(diff_unified_no_newline_b)
{
	assert_diff("a\nb\n", "a\nb", 3,
		    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n"
		    "-b\n"
		    "+b\n\\ No newline at end of file\n");
}
END_TEST

START_TEST(diff_unified_no_newline_context)
{
	assert_diff("x\nz", "y\nz", 3,
		    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-x\n+y\n z\n\\ No newline at end of file\n");
}
END_TEST

START_TEST(diff_unified_null_empty)
{
	_cleanup_free_ char *ins = render_n(NULL, 0, "x\n", 2, 3);
	_cleanup_free_ char *del = render_n("x\n", 2, NULL, 0, 3);

	ck_assert_str_eq(ins, "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n");
	ck_assert_str_eq(del, "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n");
}
END_TEST

START_TEST(diff_unified_binary)
{
	_cleanup_free_ char *a = render_n("a\0b\n", 4, "a\n", 2, 3);
	_cleanup_free_ char *b = render_n("a\n", 2, "a\n\0", 3, 3);
	_cleanup_free_ char *both = render_n("\0", 1, "\0\0", 2, 3);

	ck_assert_str_eq(a, "Binary files a and b differ\n");
	ck_assert_str_eq(b, "Binary files a and b differ\n");
	ck_assert_str_eq(both, "Binary files a and b differ\n");
}
END_TEST

START_TEST(diff_unified_labels_verbatim)
{
	struct buf out = {};

	ck_assert_int_eq(diff_unified(&out, "x\n", 2, "y\n", 2, "/etc/ssh/sshd_config", "/etc/ssh/sshd_config (fixed)", 3), 0);
	ck_assert_str_eq(out.data, "--- /etc/ssh/sshd_config\n+++ /etc/ssh/sshd_config (fixed)\n"
				   "@@ -1 +1 @@\n-x\n+y\n");
	buf_done(&out);
}
END_TEST

START_TEST(diff_unified_appends)
{
	struct buf out = {};

	ck_assert_int_eq(buf_puts(&out, "before\n"), 0);
	ck_assert_int_eq(diff_unified(&out, "x\n", 2, "y\n", 2, "a", "b", 3), 0);
	ck_assert_str_eq(out.data, "before\n--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n");
	buf_done(&out);
}
END_TEST

START_TEST(diff_unified_hunks_merge_at_2context)
{
	/* Two equal lines between the changes, context 1: one hunk. */
	assert_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nX\n3\n4\nY\n6\n7\n8\n9\n", 1,
		    "--- a\n+++ b\n@@ -1,6 +1,6 @@\n 1\n-2\n+X\n 3\n 4\n-5\n+Y\n 6\n");
}
END_TEST

START_TEST(diff_unified_hunks_split_above_2context)
{
	assert_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nX\n3\n4\n5\nY\n7\n8\n9\n", 1,
		    "--- a\n+++ b\n"
		    "@@ -1,3 +1,3 @@\n 1\n-2\n+X\n 3\n"
		    "@@ -5,3 +5,3 @@\n 5\n-6\n+Y\n 7\n");
}
END_TEST

START_TEST(diff_unified_context_zero)
{
	assert_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\nnew\n4\n5\n", 0,
		    "--- a\n+++ b\n@@ -3,0 +4 @@\n+new\n@@ -6,4 +6,0 @@\n-6\n-7\n-8\n-9\n");
	assert_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n5\n6\n7\n8\n9\n", 0,
		    "--- a\n+++ b\n@@ -4 +3,0 @@\n-4\n");
	assert_diff("1\n2\n", "0\n1\n2\n", 0, "--- a\n+++ b\n@@ -0,0 +1 @@\n+0\n");
}
END_TEST

START_TEST(diff_unified_context_huge)
{
	static const char *expected =
		"--- a\n+++ b\n@@ -1,3 +1,3 @@\n 1\n-2\n+X\n 3\n";

	assert_diff("1\n2\n3\n", "1\nX\n3\n", 1000, expected);
	assert_diff("1\n2\n3\n", "1\nX\n3\n", UINT_MAX, expected);
}
END_TEST

START_TEST(diff_unified_start_and_end)
{
	assert_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n", 3,
		    "--- a\n+++ b\n"
		    "@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n"
		    "@@ -7,4 +8,3 @@\n 7\n 8\n 9\n-10\n");
}
END_TEST

START_TEST(diff_unified_cr_kept)
{
	assert_diff("a\r\nb\r\n", "a\nb\r\n", 3,
		    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-a\r\n+a\n b\r\n");
}
END_TEST

START_TEST(diff_unified_slides_down)
{
	/* Several shortest scripts; GNU diff picks the lowest run. */
	assert_diff("a\nb\na\nb\n", "a\nb\n", 3, "--- a\n+++ b\n@@ -1,4 +1,2 @@\n a\n b\n-a\n-b\n");
	assert_diff("a\nb\nc\n", "a\nc\nb\nc\n", 3, "--- a\n+++ b\n@@ -1,3 +1,4 @@\n a\n+c\n b\n c\n");
}
END_TEST

START_TEST(diff_unified_replace_block)
{
	assert_diff("k\nPort 22\nPermitRootLogin yes\nx\n", "k\nPort 2222\nPermitRootLogin no\nx\n", 3,
		    "--- a\n+++ b\n@@ -1,4 +1,4 @@\n k\n"
		    "-Port 22\n-PermitRootLogin yes\n+Port 2222\n+PermitRootLogin no\n x\n");
}
END_TEST

START_TEST(diff_unified_huge_line)
{
	const size_t n = 10u << 20;
	_cleanup_free_ char *a = malloc(n), *b = malloc(n + 1), *got = NULL;
	size_t expect_len;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	memset(a, 'x', n);
	memset(b, 'x', n);
	b[n - 1] = 'y';
	b[n] = '\n';
	got = render_n(a, n, b, n + 1, 3);

	/* header, "-" a "\n\\ No newline at end of file\n", "+" b */
	static const char header[] = "--- a\n+++ b\n@@ -1 +1 @@\n";
	static const char marker[] = "\n\\ No newline at end of file\n";
	const size_t h = strlen(header), m = strlen(marker);

	expect_len = h + 1 + n + m + 1 + n + 1;
	ck_assert_uint_eq(strlen(got), expect_len);
	ck_assert(startswith(got, header));
	ck_assert(strncmp(got + h, "-xxx", 4) == 0);
	ck_assert(strncmp(got + h + n, "x\n\\ No newline at end of file\n+xxx", m + 4) == 0);
	ck_assert_str_eq(got + expect_len - 3, "xy\n");
}
END_TEST

START_TEST(diff_unified_all_different)
{
	const size_t lines = 50000;
	struct buf a = {}, b = {};
	_cleanup_free_ char *got = NULL;
	size_t minus = 0, plus = 0;

	for (size_t i = 0; i < lines; i++) {
		ck_assert_int_eq(buf_printf(&a, "a%zu\n", i), 0);
		ck_assert_int_eq(buf_printf(&b, "b%zu\n", i), 0);
	}
	got = render_n(a.data, a.len, b.data, b.len, 3);
	ck_assert(startswith(got, "--- a\n+++ b\n@@ -1,50000 +1,50000 @@\n-a0\n-a1\n"));
	for (const char *p = got; *p; p = strchr(p, '\n') + 1) {
		minus += *p == '-';
		plus += *p == '+';
	}
	ck_assert_uint_eq(minus, lines + 1);
	ck_assert_uint_eq(plus, lines + 1);
	buf_done(&a);
	buf_done(&b);
}
END_TEST

START_TEST(diff_unified_out_oom)
{
	struct buf out = { .oom = true };

	ck_assert_int_eq(diff_unified(&out, "x\n", 2, "y\n", 2, "a", "b", 3), -ENOMEM);
	ck_assert_ptr_null(out.data);
}
END_TEST

/*
 * Fail each allocation diff_unified() makes in turn, until one run makes
 * none fail: each must return -ENOMEM and leave out as it was.
 */
static void check_enomem(const char *a, size_t alen, const char *b, size_t blen, unsigned context)
{
	_cleanup_free_ char *expected = render_n(a, alen, b, blen, context);
	long n;

	for (n = 0;; n++) {
		struct buf out = {};
		int r;

		ck_assert_int_eq(buf_puts(&out, "keep"), 0);
		failed_allocs = 0;
		fail_countdown = n;
		r = diff_unified(&out, a, alen, b, blen, "a", "b", context);
		fail_countdown = -1;
		if (failed_allocs == 0) {
			/* Every allocation has been failed once. */
			ck_assert_int_eq(r, 0);
			ck_assert_str_eq(out.data + 4, expected);
			buf_done(&out);
			break;
		}
		ck_assert_int_eq(r, -ENOMEM);
		ck_assert_uint_eq(out.len, 4);
		ck_assert_str_eq(out.data, "keep");
		buf_done(&out);
	}
	ck_assert_int_gt(n, 8);	/* the injection did reach diff_unified() */
}

START_TEST(diff_unified_enomem)
{
	static const char a[] = "h\n1\n2\n3\nq\n4\n5\n6\n7\n8\n9\nz";
	static const char b[] = "1\n2\nq\n3\n4\n5\n6\nw\n7\n8\n9\nz\n";

	check_enomem(a, strlen(a), b, strlen(b), 1);
}
END_TEST

/* Big and mostly different: the search without one-sided lines runs too. */
START_TEST(diff_unified_enomem_reduced)
{
	struct buf a = {}, b = {};

	for (unsigned i = 0; i < 8000; i++) {
		if (i % 10 == 0) {
			ck_assert_int_eq(buf_puts(&a, "same\n"), 0);
			ck_assert_int_eq(buf_puts(&b, "same\n"), 0);
		} else {
			ck_assert_int_eq(buf_printf(&a, "only in a %u\n", i), 0);
			ck_assert_int_eq(buf_printf(&b, "only in b %u\n", i), 0);
		}
	}
	check_enomem(a.data, a.len, b.data, b.len, 3);
	buf_done(&a);
	buf_done(&b);
}
END_TEST

/* ---- randomized comparison with GNU diff and GNU patch ---- */

/* Run argv with stdin/stdout from/to files (NULL: /dev/null); returns the exit status or -1. */
static int run(const char *const argv[], const char *in, const char *out)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, r;

	/* No ck_assert here: missing_tool() runs before the tests. */
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	if (posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
					     O_WRONLY | O_CREAT | O_TRUNC, 0600) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	r = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *) argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -1;
	if (RETRY_EINTR(waitpid(pid, &status, 0)) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* "GNU diff" when `diff --version` says diffutils, etc.; NULL when usable. */
static const char *missing_tool(void)
{
	static const struct {
		const char *name, *banner;
	} tools[] = {
		{ "diff", "GNU diffutils" },
		{ "patch", "GNU patch" },
	};
	char tmp[] = "/tmp/test_diff.version.XXXXXX";
	int fd = mkstemp(tmp);

	if (fd < 0)
		return "mkstemp() failed";
	(void) close(fd);
	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		const char *argv[] = { tools[i].name, "--version", NULL };
		_cleanup_free_ char *text = NULL;
		_cleanup_close_ int in = -EBADF;

		if (run(argv, NULL, tmp) != 0 || (in = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 ||
		    read_all(in, 1u << 20, &text, NULL) < 0 || !strstr(text, tools[i].banner)) {
			(void) unlink(tmp);
			return i == 0 ? "GNU diff (diffutils) not found in PATH" : "GNU patch not found in PATH";
		}
	}
	(void) unlink(tmp);
	return NULL;
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* splitmix64: reproducible from the printed seed. */
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned rnd(unsigned n)
{
	return (unsigned) (rng() % n);
}

static const char *const alphabet[] = { "a\n", "b\n", "c\n", "d\n" };

static void random_text(struct buf *t, unsigned max_lines)
{
	unsigned n = rnd(max_lines + 1);

	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(buf_puts(t, alphabet[rnd(ELEMENTSOF(alphabet))]), 0);
}

/* b as a few edits of a, the usual shape of a config fix. */
static void mutate_text(struct buf *b, const char *a, size_t alen)
{
	unsigned edits = 1 + rnd(4);
	struct buf t = {};

	ck_assert_int_eq(buf_append(b, a, alen), 0);
	for (; edits > 0; edits--) {
		size_t lines = 0, at, off = 0;

		for (size_t i = 0; i < b->len; i++)
			lines += b->data[i] == '\n';
		at = lines ? rnd((unsigned) lines + 1) : 0;
		for (size_t k = 0; k < at; k++)
			off = (size_t) (strchr(b->data + off, '\n') - b->data) + 1;
		t = (struct buf) {};
		ck_assert_int_eq(buf_append(&t, b->data, off), 0);
		switch (rnd(3)) {
		case 0:		/* insert 1-3 lines */
			for (unsigned k = 1 + rnd(3); k > 0; k--)
				ck_assert_int_eq(buf_puts(&t, alphabet[rnd(ELEMENTSOF(alphabet))]), 0);
			ck_assert_int_eq(buf_puts(&t, b->data + off), 0);
			break;
		case 1:		/* delete 1-3 lines */
		case 2: {	/* replace a line */
			const char *rest = b->data + off;

			for (unsigned k = rnd(3) == 0 ? 3 : 1; k > 0 && *rest; k--)
				rest = strchr(rest, '\n') + 1;
			if (rnd(2))
				ck_assert_int_eq(buf_puts(&t, alphabet[rnd(ELEMENTSOF(alphabet))]), 0);
			ck_assert_int_eq(buf_puts(&t, rest), 0);
			break;
		}
		}
		buf_done(b);
		*b = t;
	}
}

static void chop_final_newline(struct buf *t)
{
	if (t->len > 0 && rnd(4) == 0)
		t->data[--t->len] = '\0';
}

static void write_file(const char *path, const void *p, size_t n)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_msg(fd >= 0, "open(%s): %m", path);
	ck_assert_int_eq(write_all(fd, p, n), 0);
}

static char *read_file(const char *path, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *data = NULL;

	if (fd < 0 && errno == ENOENT) {	/* patch may remove an empty result */
		*ret_len = 0;
		return strdup("");
	}
	ck_assert_msg(fd >= 0, "open(%s): %m", path);
	ck_assert_int_eq(read_all(fd, CONFIG_MAX, &data, ret_len), 0);
	return data;
}

/* Hunks of a unified diff: all after the two header lines. */
static const char *hunks(const char *d)
{
	for (int k = 0; k < 2 && *d; k++)
		d = strchr(d, '\n') + 1;
	return d;
}

static void count_edits(const char *d, size_t *ret_minus, size_t *ret_plus)
{
	*ret_minus = *ret_plus = 0;
	for (const char *p = hunks(d); *p; p = strchr(p, '\n') + 1) {
		*ret_minus += *p == '-';
		*ret_plus += *p == '+';
	}
}

static const char *path_in(const char *dir, const char *name)
{
	static char paths[6][PATH_MAX];
	static unsigned next;
	char *p = paths[next++ % ELEMENTSOF(paths)];

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

struct pairs {
	char dir[32];
	unsigned long long seed;
	unsigned differing, exact;
};

static void pairs_start(struct pairs *p)
{
	const char *env = getenv("DIFF_TEST_SEED");

	*p = (struct pairs) { .dir = "/tmp/test_diff.XXXXXX", .seed = 1 };
	if (env)
		ck_assert_int_eq(parse_uint(env, 10, UINT64_MAX, &p->seed), 0);
	rng_state = p->seed;
	ck_assert_ptr_nonnull(mkdtemp(p->dir));
	/* Untranslated "\ No newline at end of file", no POSIX-mode patch. */
	ck_assert_int_eq(setenv("LC_ALL", "C", 1), 0);
	ck_assert_int_eq(unsetenv("POSIXLY_CORRECT"), 0);
}

static void pairs_finish(struct pairs *p, const char *name)
{
	printf("%s: seed %llu, %u of %u differing pairs byte-identical to `diff --minimal -u` (%.1f%%)\n",
	       name, p->seed, p->exact, p->differing,
	       p->differing ? 100.0 * p->exact / p->differing : 100.0);
	fflush(stdout);
	for (const char *const *f = (const char *const[]) { "a", "b", "ours.diff", "gnu.diff", "out", NULL }; *f; f++)
		(void) unlink(path_in(p->dir, *f));
	ck_assert_int_eq(rmdir(p->dir), 0);
}

/*
 * Check our diff of a pair against GNU patch and GNU diff --minimal.  On a
 * failure the files stay in p->dir for a look.
 */
static void pairs_check(struct pairs *p, unsigned long long n, const struct buf *a, const struct buf *b,
			unsigned context)
{
	const char *pa = path_in(p->dir, "a"), *pb = path_in(p->dir, "b"), *pd = path_in(p->dir, "ours.diff");
	const char *pg = path_in(p->dir, "gnu.diff"), *po = path_in(p->dir, "out");
	const char *ad = a->data ? a->data : "", *bd = b->data ? b->data : "";
	_cleanup_free_ char *gnu = NULL, *patched = NULL;
	struct buf ours = {};
	size_t gnu_len, patched_len, om, op, gm, gp;
	char ctx[16];
	int st;

	write_file(pa, ad, a->len);
	write_file(pb, bd, b->len);
	ck_assert_int_eq(diff_unified(&ours, ad, a->len, bd, b->len, "a", "b", context), 0);
	write_file(pd, ours.data ? ours.data : "", ours.len);

	snprintf(ctx, sizeof(ctx), "-U%u", context);
	st = run((const char *const[]) { "diff", "--minimal", ctx, pa, pb, NULL }, NULL, pg);
	gnu = read_file(pg, &gnu_len);

	if (a->len == b->len && memcmp(ad, bd, a->len) == 0) {
		ck_assert_int_eq(st, 0);
		ck_assert_uint_eq(ours.len, 0);
		buf_done(&ours);
		return;
	}
	ck_assert_msg(st == 1, "diff exited %d (pair %llu, seed %llu, files in %s)", st, n, p->seed, p->dir);
	p->differing++;

	(void) unlink(po);
	st = run((const char *const[]) { "patch", "-s", "-o", po, pa, NULL }, pd, NULL);
	ck_assert_msg(st == 0, "patch exited %d (pair %llu, seed %llu, files in %s)", st, n, p->seed, p->dir);
	patched = read_file(po, &patched_len);
	ck_assert_msg(patched_len == b->len && memcmp(patched, bd, b->len) == 0,
		      "patch did not produce b (pair %llu, seed %llu, files in %s)", n, p->seed, p->dir);

	count_edits(ours.data, &om, &op);
	count_edits(gnu, &gm, &gp);
	ck_assert_msg(om == gm && op == gp,
		      "ours -%zu +%zu, GNU diff --minimal -%zu +%zu (pair %llu, seed %llu, files in %s)",
		      om, op, gm, gp, n, p->seed, p->dir);
	if (streq(hunks(ours.data), hunks(gnu)))
		p->exact++;
	buf_done(&ours);
}

static const unsigned contexts[] = { 3, 3, 3, 0, 1, 2, 5 };

/* Small files over 4 distinct lines: many repeats, many shortest scripts. */
START_TEST(diff_unified_random_vs_gnu)
{
	const char *env = getenv("DIFF_TEST_PAIRS");
	unsigned long long pairs = 500;
	struct pairs p;

	if (env)
		ck_assert_int_eq(parse_uint(env, 10, 1000000, &pairs), 0);
	pairs_start(&p);
	for (unsigned long long n = 0; n < pairs; n++) {
		struct buf a = {}, b = {};

		random_text(&a, 40);
		if (n % 2 == 0)
			random_text(&b, 40);
		else
			mutate_text(&b, a.data ? a.data : "", a.len);
		chop_final_newline(&a);
		chop_final_newline(&b);
		pairs_check(&p, n, &a, &b, contexts[rnd(ELEMENTSOF(contexts))]);
		buf_done(&a);
		buf_done(&b);
	}
	pairs_finish(&p, "diff_unified_random_vs_gnu");
}
END_TEST

/*
 * Large, mostly different files: 60% of the lines exist on one side only,
 * so searching all lines exceeds diff.c's budget and the search without
 * them runs instead (checked with a counting build: each pair aborts).
 */
START_TEST(diff_unified_random_large_vs_gnu)
{
	struct pairs p;

	pairs_start(&p);
	for (unsigned long long n = 0; n < 4; n++) {
		struct buf a = {}, b = {};

		for (unsigned i = 0; i < 6000; i++) {
			if (rnd(10) < 6)
				ck_assert_int_eq(buf_printf(&a, "only in a %u\n", i), 0);
			else
				ck_assert_int_eq(buf_puts(&a, alphabet[rnd(ELEMENTSOF(alphabet))]), 0);
			if (rnd(10) < 6)
				ck_assert_int_eq(buf_printf(&b, "only in b %u\n", i), 0);
			else
				ck_assert_int_eq(buf_puts(&b, alphabet[rnd(ELEMENTSOF(alphabet))]), 0);
		}
		chop_final_newline(&a);
		chop_final_newline(&b);
		pairs_check(&p, n, &a, &b, contexts[rnd(ELEMENTSOF(contexts))]);
		buf_done(&a);
		buf_done(&b);
	}
	pairs_finish(&p, "diff_unified_random_large_vs_gnu");
}
END_TEST

static Suite *diff_suite(bool with_tools, bool with_injection)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("core");
	TCase *gnu = tcase_create("gnu");

	tcase_add_test(tc, diff_unified_identical);
	tcase_add_test(tc, diff_unified_empty_both);
	tcase_add_test(tc, diff_unified_empty_to_text);
	tcase_add_test(tc, diff_unified_text_to_empty);
	tcase_add_test(tc, diff_unified_empty_to_partial_line);
	tcase_add_test(tc, diff_unified_no_newline_anywhere);
	tcase_add_test(tc, diff_unified_no_newline_both);
	tcase_add_test(tc, diff_unified_no_newline_a);
	tcase_add_test(tc, diff_unified_no_newline_b);
	tcase_add_test(tc, diff_unified_no_newline_context);
	tcase_add_test(tc, diff_unified_null_empty);
	tcase_add_test(tc, diff_unified_binary);
	tcase_add_test(tc, diff_unified_labels_verbatim);
	tcase_add_test(tc, diff_unified_appends);
	tcase_add_test(tc, diff_unified_hunks_merge_at_2context);
	tcase_add_test(tc, diff_unified_hunks_split_above_2context);
	tcase_add_test(tc, diff_unified_context_zero);
	tcase_add_test(tc, diff_unified_context_huge);
	tcase_add_test(tc, diff_unified_start_and_end);
	tcase_add_test(tc, diff_unified_cr_kept);
	tcase_add_test(tc, diff_unified_slides_down);
	tcase_add_test(tc, diff_unified_replace_block);
	tcase_add_test(tc, diff_unified_huge_line);
	tcase_add_test(tc, diff_unified_all_different);
	tcase_add_test(tc, diff_unified_out_oom);
	if (with_injection) {
		tcase_add_test(tc, diff_unified_enomem);
		tcase_add_test(tc, diff_unified_enomem_reduced);
	}
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	if (with_tools) {
		tcase_add_test(gnu, diff_unified_random_vs_gnu);
		tcase_add_test(gnu, diff_unified_random_large_vs_gnu);
		tcase_set_timeout(gnu, 600);
		suite_add_tcase(s, gnu);
	}
	return s;
}

/* Valgrind replaces malloc() even in the executable, bypassing the wrappers. */
static bool injection_works(void)
{
	void *(*volatile alloc)(size_t) = malloc;
	void *p;

	fail_countdown = 0;
	p = alloc(1);
	fail_countdown = -1;
	free(p);
	return !p;
}

int main(void)
{
	const char *missing = missing_tool();
	bool inject = injection_works();
	SRunner *sr = srunner_create(diff_suite(!missing, inject));
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed > 0)
		return EXIT_FAILURE;
	if (missing)
		printf("SKIP: diff_unified_random_vs_gnu, diff_unified_random_large_vs_gnu not run: %s\n", missing);
	if (!inject)
		printf("SKIP: diff_unified_enomem, diff_unified_enomem_reduced not run: malloc() cannot be made to fail here "
		       "(valgrind or a static sanitizer runtime replaces it); run natively or with gcc -fsanitize=address\n");
	return missing || !inject ? 77 : EXIT_SUCCESS;
}
