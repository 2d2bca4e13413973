/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the journal file reader (src/sdjournal.c), against the
 * journalctl of this machine: journal files in both layouts (regular, and
 * compact as systemd 252+ writes them) are made by systemd-journal-remote
 * from an export stream of sshd, sshd-session, fail2ban, kernel and other
 * entries; what sdj_read() keeps must be exactly what
 * "journalctl --file F -o short-iso _COMM=sshd + ... + _TRANSPORT=kernel"
 * prints (UTC), but for the one entry whose message is long enough to be
 * stored compressed, which it counts and leaves out.  Then --since, the
 * newest-N bound, and broken files.  Exit 77 without
 * systemd-journal-remote or journalctl (apt-get install systemd-journal-remote).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdjournal.h"
#include "util.h"

#define REMOTE "/lib/systemd/systemd-journal-remote"
#define T0 1765076265000000ULL	/* 2025-12-07T02:57:45Z */
#define N_ENTRIES 3000

static char dir[] = "/tmp/sshfix-sdj.XXXXXX";

/* Before the tests run (outside them: no ck_assert here). */
static int write_export(const char *path)
{
	static const char *const comms[] = { "sshd", "cron", "sshd-session", "systemd", "fail2ban-server", "sshd-auth" };
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	for (unsigned i = 0; i < N_ENTRIES; i++) {
		const char *comm = comms[i % 6];
		fprintf(f, "__REALTIME_TIMESTAMP=%llu\n__MONOTONIC_TIMESTAMP=%u\n_BOOT_ID=0123456789abcdef0123456789abcdef\n"
			   "_HOSTNAME=host%u\n", T0 + i * 1000000ULL, i + 1, i % 2);
		if (i % 50 == 7)
			fprintf(f, "_TRANSPORT=kernel\nSYSLOG_IDENTIFIER=kernel\nMESSAGE=audit: type=1400 apparmor=\"DENIED\" operation=\"open\" "
				   "profile=\"/usr/sbin/sshd\" name=\"/srv/keys/u%u\"\n\n", i);
		else if (i == 1000)	/* long: stored compressed */
			fprintf(f, "_COMM=sshd\nSYSLOG_IDENTIFIER=sshd\n_PID=9\nMESSAGE=%020000u\n\n", i);
		else
			fprintf(f, "_COMM=%s\nSYSLOG_IDENTIFIER=%s\n_PID=%u\nMESSAGE=entry %u of %s: Accepted publickey for u%u\n\n",
				comm, comm, 100 + i, i, comm, i);
	}
	return fclose(f) == 0 ? 0 : -errno;
}

static char *journal(bool compact)
{
	char *path = NULL, *cmd = NULL;

	ck_assert_int_ge(asprintf(&path, "%s/%s.journal", dir, compact ? "compact" : "regular"), 0);
	ck_assert_int_ge(asprintf(&cmd, "SYSTEMD_JOURNAL_COMPACT=%d %s -o %s %s/export > /dev/null 2>&1", compact, REMOTE,
				  path, dir), 0);
	if (access(path, F_OK) != 0)
		ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	return path;
}

static char *journalctl(const char *path, const char *extra)
{
	char *cmd = NULL;
	struct buf b = {0};
	char chunk[4096];
	size_t n;

	ck_assert_int_ge(asprintf(&cmd, "TZ=UTC journalctl --file %s -o short-iso -q --no-pager %s _COMM=sshd + "
				  "_COMM=sshd-session + _COMM=sshd-auth + _COMM=fail2ban-server + _TRANSPORT=kernel", path,
				  extra), 0);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_append(&b, chunk, n);
	ck_assert_int_eq(pclose(p), 0);
	free(cmd);
	ck_assert(buf_ok(&b));
	char *text = buf_steal(&b);
	return text ? text : strdup("");
}

/* text without its lines holding drop */
static char *without(const char *text, const char *drop)
{
	struct buf b = {0};
	struct text_lines it = { .text = text, .len = strlen(text) };
	const char *l;
	size_t n;

	while (text_next_line(&it, &l, &n))
		if (!memmem(l, n, drop, strlen(drop))) {
			buf_append(&b, l, n);
			buf_putc(&b, '\n');
		}
	return buf_ok(&b) && b.len ? buf_steal(&b) : strdup("");
}

static void compare(bool compact)
{
	_cleanup_free_ char *path = journal(compact), *want = journalctl(path, ""), *want2 = without(want, "00001000");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct buf got = {0};
	struct sdj_stats st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sdj_read(fd, 0, 100000, &got, &st), 0);
	close(fd);
	ck_assert_uint_eq(st.entries, N_ENTRIES);
	ck_assert_uint_eq(st.compressed, 1);
	ck_assert_msg(got.data && streq(got.data, want2), "%s layout differs from journalctl", compact ? "compact" : "regular");
	ck_assert_uint_gt(st.kept, N_ENTRIES / 2);
	buf_done(&got);
}

START_TEST(sdj_regular) { compare(false); }
END_TEST

START_TEST(sdj_compact) { compare(true); }
END_TEST

/* the newest N, oldest first; and --since as journalctl --since */
START_TEST(sdj_bounds)
{
	_cleanup_free_ char *path = journal(true);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct buf got = {0};
	struct sdj_stats st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sdj_read(fd, 0, 3, &got, &st), 0);
	_cleanup_free_ char *all = journalctl(path, "-n 3");
	ck_assert_str_eq(got.data, all);
	buf_done(&got);
	got = (struct buf) {0};
	ck_assert_int_eq(sdj_read(fd, T0 + 2990 * 1000000ULL, 1000, &got, &st), 0);
	_cleanup_free_ char *since = journalctl(path, "--since=@1765079255");
	ck_assert_str_eq(got.data, since);
	ck_assert_uint_lt(st.entries, 20);	/* it stopped at the first older entry */
	buf_done(&got);
	close(fd);
}
END_TEST

/* Not a journal, cut short, or bytes changed: an error or fewer lines, never a crash. */
START_TEST(sdj_broken)
{
	_cleanup_free_ char *path = journal(false), *cut = NULL, *data = NULL;
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct sdj_stats st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read_all(fd, 16 << 20, &data, &len), 0);
	close(fd);
	ck_assert_int_ge(asprintf(&cut, "%s/broken", dir), 0);
	static const size_t lens[] = { 0, 7, 100, 300, 4096, 70000 };
	for (size_t i = 0; i < ELEMENTSOF(lens) + 64; i++) {
		FILE *f = fopen(cut, "w");
		size_t n = i < ELEMENTSOF(lens) ? lens[i] : len;
		if (i >= ELEMENTSOF(lens))	/* flip bytes all over the file */
			for (size_t k = (i * 7919) % 4096; k < len; k += 4096 + i)
				data[k] ^= (char) (0x5a + i);
		ck_assert_uint_eq(fwrite(data, 1, n, f), n);
		fclose(f);
		struct buf got = {0};
		fd = open(cut, O_RDONLY | O_CLOEXEC);
		int r = sdj_read(fd, 0, 5000, &got, &st);
		ck_assert(r == 0 || r == -EBADMSG || r == -EPROTONOSUPPORT);
		if (i < 2)
			ck_assert_int_eq(r, -EBADMSG);
		buf_done(&got);
		close(fd);
	}
}
END_TEST

int main(void)
{
	if (access(REMOTE, X_OK) != 0 || system("journalctl --version > /dev/null 2>&1") != 0) {
		printf("SKIP: %s or journalctl is missing (apt-get install systemd-journal-remote)\n", REMOTE);
		return 77;
	}
	if (!mkdtemp(dir))
		return 99;
	char *e = NULL;
	if (asprintf(&e, "%s/export", dir) < 0)
		return 99;
	Suite *s = suite_create("sdjournal");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, sdj_regular);
	tcase_add_test(tc, sdj_compact);
	tcase_add_test(tc, sdj_bounds);
	tcase_add_test(tc, sdj_broken);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	int failed;
	if (write_export(e) < 0)
		return 99;
	free(e);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char *rm = NULL;
	if (asprintf(&rm, "rm -rf %s", dir) >= 0 && system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(rm);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
