/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "asuser.h"
#include "util.h"

/* Frame magics: "SFQ1" a request, "SFH1" the child's hello, "SFR1" a read, "SFG1" a glob. */
#define MAGIC_REQUEST 0x31514653u
#define MAGIC_HELLO 0x31484653u
#define MAGIC_READ 0x31524653u
#define MAGIC_GLOB 0x31474653u

#define OP_READ 1u
#define OP_GLOB 2u

/* A glob answer larger than this is refused before it is read (4096 names of 4 KiB). */
#define GLOB_FRAME_MAX (16u << 20)
/* Fixed fields of a read answer besides the path and the bytes. */
#define READ_FIXED (4u + 4u + 4u + 3u * 8u + 3u * 4u + 8u)
/* Largest errno the kernel uses (MAX_ERRNO): an answer's error lies in [-4095, 0]. */
#define ERRNO_MAX 4095

struct asuser {
	const struct asuser_ops *ops;	/* the caller's reader, or NULL */
	void *userdata;
	struct target *t;		/* direct reads, and the child's */
	pid_t pid;			/* > 0: reads happen in this child */
	int fd;				/* our end of the socket pair */
	int dead;			/* < 0: why the child was ended; every request fails so */
};

void asuser_file_done(struct asuser_file *f)
{
	if (!f)
		return;
	/* It may be a private key. */
	if (f->data)
		explicit_bzero(f->data, f->len);
	free(f->data);
	*f = (struct asuser_file) {0};
}

/* ---- the wire format ---- */

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char) v, (unsigned char) (v >> 8), (unsigned char) (v >> 16),
			       (unsigned char) (v >> 24) };

	buf_append(b, c, sizeof(c));
}

static void put_u64(struct buf *b, uint64_t v)
{
	put_u32(b, (uint32_t) v);
	put_u32(b, (uint32_t) (v >> 32));
}

static void put_bytes(struct buf *b, const void *p, size_t n)
{
	put_u32(b, (uint32_t) n);
	buf_append(b, p, n);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

/* Start a frame; frame_end() fills in its length. */
static size_t frame_begin(struct buf *b, uint32_t magic)
{
	size_t at = b->len;

	put_u32(b, magic);
	put_u32(b, 0);
	return at;
}

static int frame_end(struct buf *b, size_t at)
{
	size_t n;

	if (!buf_ok(b))
		return -ENOMEM;
	n = b->len - at - ASUSER_FRAME_HEADER;
	if (n > UINT32_MAX)
		return -E2BIG;
	for (int i = 0; i < 4; i++)
		b->data[at + 4 + (size_t) i] = (char) (n >> (8 * i));
	return 0;
}

/* A cursor over a payload: every get checks what is left. */
struct cur {
	const unsigned char *p;
	size_t left;
};

static bool get_u32(struct cur *c, uint32_t *ret)
{
	if (c->left < 4)
		return false;
	*ret = le32(c->p);
	c->p += 4;
	c->left -= 4;
	return true;
}

static bool get_u64(struct cur *c, uint64_t *ret)
{
	uint32_t lo, hi;

	if (!get_u32(c, &lo) || !get_u32(c, &hi))
		return false;
	*ret = (uint64_t) hi << 32 | lo;
	return true;
}

/* A length-prefixed byte string of at most max bytes, pointing into the payload. */
static bool get_bytes(struct cur *c, size_t max, const unsigned char **ret, size_t *ret_n)
{
	uint32_t n;

	if (!get_u32(c, &n) || n > max || n > c->left)
		return false;
	*ret = c->p;
	*ret_n = n;
	c->p += n;
	c->left -= n;
	return true;
}

static bool get_errno(struct cur *c, int *ret)
{
	uint32_t v;

	if (!get_u32(c, &v))
		return false;
	int32_t e = (int32_t) v;
	if (e > 0 || e < -ERRNO_MAX)
		return false;
	*ret = e;
	return true;
}

/* The payload of a whole frame with this magic, or false. */
static bool frame_open(const void *frame, size_t n, uint32_t magic, struct cur *ret)
{
	const unsigned char *p = frame;

	if (!frame || n < ASUSER_FRAME_HEADER || le32(p) != magic || le32(p + 4) != n - ASUSER_FRAME_HEADER)
		return false;
	*ret = (struct cur) { p + ASUSER_FRAME_HEADER, n - ASUSER_FRAME_HEADER };
	return true;
}

/* The echo of what was asked: exactly those bytes. */
static bool get_echo(struct cur *c, const char *asked)
{
	const unsigned char *p;
	size_t n;

	return get_bytes(c, ASUSER_PATH_MAX, &p, &n) && n == strlen(asked) && memcmp(p, asked, n) == 0;
}

int asuser_encode_read(struct buf *out, const char *path, const struct asuser_file *f)
{
	size_t at = frame_begin(out, MAGIC_READ);
	size_t len = f->error == 0 ? f->len : 0;

	put_bytes(out, path, strlen(path));
	put_u32(out, (uint32_t) f->error);
	put_u32(out, (f->has_stat ? 1u : 0u) | (f->indirect ? 2u : 0u));
	put_u64(out, f->st.dev);
	put_u64(out, f->st.ino);
	put_u64(out, f->st.nlink);
	put_u32(out, f->st.mode);
	put_u32(out, f->st.uid);
	put_u32(out, f->st.gid);
	put_u64(out, len);
	if (len > 0)
		buf_append(out, f->data, len);
	return frame_end(out, at);
}

int asuser_decode_read(const void *frame, size_t n, const char *path, size_t max, struct asuser_file *ret)
{
	struct asuser_file f = {0};
	struct cur c;
	uint32_t bits;
	uint64_t len;

	*ret = (struct asuser_file) {0};
	if (!frame_open(frame, n, MAGIC_READ, &c) || !get_echo(&c, path) || !get_errno(&c, &f.error) ||
	    !get_u32(&c, &bits) || !get_u64(&c, &f.st.dev) || !get_u64(&c, &f.st.ino) || !get_u64(&c, &f.st.nlink) ||
	    !get_u32(&c, &f.st.mode) || !get_u32(&c, &f.st.uid) || !get_u32(&c, &f.st.gid) || !get_u64(&c, &len))
		return -EPROTO;
	if (bits & ~3u)
		return -EPROTO;
	f.has_stat = bits & 1u;
	f.indirect = bits & 2u;
	/* No identity without a stat; bytes only from a regular file read whole (or its head). */
	if (!f.has_stat && (f.indirect || f.st.dev || f.st.ino || f.st.nlink || f.st.mode || f.st.uid || f.st.gid))
		return -EPROTO;
	if (f.error == 0 && (!f.has_stat || !S_ISREG(f.st.mode)))
		return -EPROTO;
	if ((f.error != 0 && len != 0) || len > max || len != c.left)
		return -EPROTO;
	if (f.error == 0) {
		f.data = malloc((size_t) len + 1);
		if (!f.data)
			return -ENOMEM;
		memcpy(f.data, c.p, (size_t) len);
		f.data[len] = '\0';
		f.len = (size_t) len;
	}
	*ret = f;
	return 0;
}

int asuser_encode_glob(struct buf *out, const char *pattern, int error, char *const *paths)
{
	size_t at = frame_begin(out, MAGIC_GLOB), count = error == 0 ? strv_length(paths) : 0;

	put_bytes(out, pattern, strlen(pattern));
	put_u32(out, (uint32_t) error);
	put_u32(out, (uint32_t) count);
	for (size_t i = 0; i < count; i++)
		put_bytes(out, paths[i], strlen(paths[i]));
	return frame_end(out, at);
}

int asuser_decode_glob(const void *frame, size_t n, const char *pattern, char ***ret_paths)
{
	_cleanup_strv_free_ char **v = NULL;
	uint32_t count;
	struct cur c;
	int error;

	if (n > GLOB_FRAME_MAX || !frame_open(frame, n, MAGIC_GLOB, &c) || !get_echo(&c, pattern) ||
	    !get_errno(&c, &error) || !get_u32(&c, &count) || count > ASUSER_GLOB_MAX || (error != 0 && count != 0))
		return -EPROTO;
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *p;
		size_t len;
		if (!get_bytes(&c, ASUSER_PATH_MAX, &p, &len) || len == 0 || memchr(p, '\0', len))
			return -EPROTO;
		char *s = strndup((const char *) p, len);
		if (!s)
			return -ENOMEM;
		/* Only a name the pattern itself could give; a newline in it is just a byte. */
		if (!target_glob_matches(pattern, s)) {
			free(s);
			return -EPROTO;
		}
		if (strv_push(&v, s) < 0)
			return -ENOMEM;
	}
	if (c.left != 0)
		return -EPROTO;
	if (error != 0)
		return error;
	if (strv_ensure(&v) < 0)
		return -ENOMEM;
	/* Our order, not the child's: glob(3)'s, which ssh reads in; each name once. */
	strv_sort(v);
	for (size_t i = 1; v[0] && v[i]; i++)
		if (streq(v[i - 1], v[i]))
			return -EPROTO;
	*ret_paths = TAKE_PTR(v);
	return 0;
}

/* A request: op, flags, max, the path or pattern. */
static int encode_request(struct buf *out, uint32_t op, unsigned flags, uint64_t max, const char *path)
{
	size_t at = frame_begin(out, MAGIC_REQUEST);

	put_u32(out, op);
	put_u32(out, flags);
	put_u64(out, max);
	put_bytes(out, path, strlen(path));
	return frame_end(out, at);
}

static int decode_request(const void *frame, size_t n, uint32_t *ret_op, unsigned *ret_flags, uint64_t *ret_max,
			  char **ret_path)
{
	const unsigned char *p;
	uint32_t op, flags;
	uint64_t max;
	size_t len;
	struct cur c;

	if (!frame_open(frame, n, MAGIC_REQUEST, &c) || !get_u32(&c, &op) || !get_u32(&c, &flags) ||
	    !get_u64(&c, &max) || !get_bytes(&c, ASUSER_PATH_MAX, &p, &len) || c.left != 0 || len == 0 ||
	    memchr(p, '\0', len) || max > CONFIG_MAX)
		return -EPROTO;
	*ret_path = strndup((const char *) p, len);
	if (!*ret_path)
		return -ENOMEM;
	*ret_op = op;
	*ret_flags = flags;
	*ret_max = max;
	return 0;
}

/* ---- reading, in whichever process does it ---- */

/* At most max bytes of fd (all of a file that fits; its head with ASUSER_HEAD), read into one buffer. */
static int read_bounded(int fd, size_t max, size_t hint, unsigned flags, char **ret, size_t *ret_len)
{
	size_t cap = (hint < max ? hint : max) + 1, len = 0;
	char *d = malloc(cap + 1);

	if (!d)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			/* Grow up to max + 1: one byte more than max says "larger". */
			size_t ncap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			char *nd = ncap > cap ? malloc(ncap + 1) : NULL;
			if (!nd) {
				explicit_bzero(d, len);
				free(d);
				return ncap > cap ? -ENOMEM : -EFBIG;
			}
			memcpy(nd, d, len);
			explicit_bzero(d, len);
			free(d);
			d = nd;
			cap = ncap;
		}
		ssize_t k = RETRY_EINTR(read(fd, d + len, cap - len));
		if (k < 0) {
			int r = negative_errno();
			explicit_bzero(d, len);
			free(d);
			return r;
		}
		if (k == 0)
			break;
		len += (size_t) k;
		if (len > max)
			break;
	}
	if (len > max && !(flags & ASUSER_HEAD)) {
		explicit_bzero(d, len);
		free(d);
		return -EFBIG;
	}
	if (len > max) {
		explicit_bzero(d + max, len - max);
		len = max;
	}
	d[len] = '\0';
	*ret = d;
	*ret_len = len;
	return 0;
}

static void stat_to(const struct stat *st, struct asuser_stat *ret)
{
	*ret = (struct asuser_stat) {
		.dev = st->st_dev, .ino = st->st_ino, .nlink = st->st_nlink,
		.mode = st->st_mode, .uid = st->st_uid, .gid = st->st_gid,
	};
}

/* One read with this process's rights: resolve, look, then open only a regular file. */
static int read_here(struct target *t, const char *path, size_t max, unsigned flags, struct asuser_file *ret)
{
	struct target_path tp = {0};
	_cleanup_free_ char *simple = NULL;
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	int r;

	*ret = (struct asuser_file) {0};
	if (!path || path[0] != '/')
		return -EINVAL;
	r = target_resolve(t, path, 0, &tp, NULL);
	if (r == -ENOMEM)
		return r;
	if (r == 0 && !tp.exists)
		r = -ENOENT;
	if (r < 0) {
		target_path_done(&tp);
		ret->error = r;
		return 0;
	}
	simple = path_simplify(path);
	if (!simple) {
		target_path_done(&tp);
		return -ENOMEM;
	}
	ret->has_stat = true;
	stat_to(&tp.st, &ret->st);
	ret->indirect = tp.n_symlinks > 0 || !streq(simple, tp.canon);
	if (S_ISDIR(tp.st.st_mode) || !S_ISREG(tp.st.st_mode)) {
		/* A FIFO, device or socket is never opened: it could block or have effects. */
		ret->error = S_ISDIR(tp.st.st_mode) ? -EISDIR : -EINVAL;
		target_path_done(&tp);
		return 0;
	}
	fd = target_open_inode(t, tp.canon, TR_NO_SYMLINKS, &st);
	if (fd >= 0 && (st.st_dev != tp.st.st_dev || st.st_ino != tp.st.st_ino || !S_ISREG(st.st_mode)))
		r = -ESTALE;
	else
		r = fd < 0 ? fd : 0;
	target_path_done(&tp);
	if (r == -ENOMEM)
		return r;
	if (r == 0 && (uint64_t) st.st_size > max && !(flags & ASUSER_HEAD))
		r = -EFBIG;
	if (r == 0)
		r = read_bounded(fd, max, (size_t) st.st_size, flags, &ret->data, &ret->len);
	if (r == -ENOMEM)
		return r;
	ret->error = r;
	return 0;
}

/* ---- the child ---- */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		/* MSG_NOSIGNAL: a peer that is gone is an error here, not a SIGPIPE. */
		ssize_t k = RETRY_EINTR(send(fd, c, n, MSG_NOSIGNAL));
		if (k < 0)
			return negative_errno();
		c += k;
		n -= (size_t) k;
	}
	return 0;
}

/* Exactly n bytes, before the deadline (< 0: none).  -EPIPE at an early end, -ETIMEDOUT. */
static int recv_all(int fd, void *p, size_t n, long deadline)
{
	char *c = p;

	while (n > 0) {
		if (deadline >= 0) {
			long left = deadline - now_ms();
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			if (left <= 0)
				return -ETIMEDOUT;
			int k = poll(&pfd, 1, (int) left);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return negative_errno();
			if (k == 0)
				return -ETIMEDOUT;
		}
		ssize_t k = RETRY_EINTR(recv(fd, c, n, 0));
		if (k < 0)
			return negative_errno();
		if (k == 0)
			return -EPIPE;
		c += k;
		n -= (size_t) k;
	}
	return 0;
}

/* One frame with this magic and at most limit bytes of payload; the caller frees (and erases) it. */
static int recv_frame(int fd, uint32_t magic, size_t limit, long deadline, unsigned char **ret, size_t *ret_n)
{
	unsigned char hdr[ASUSER_FRAME_HEADER];
	int r;

	r = recv_all(fd, hdr, sizeof(hdr), deadline);
	if (r < 0)
		return r;
	/* The length is checked before anything is allocated for it. */
	if (le32(hdr) != magic || le32(hdr + 4) > limit)
		return -EPROTO;
	size_t n = ASUSER_FRAME_HEADER + le32(hdr + 4);
	unsigned char *f = malloc(n);
	if (!f)
		return -ENOMEM;
	memcpy(f, hdr, sizeof(hdr));
	r = recv_all(fd, f + ASUSER_FRAME_HEADER, n - ASUSER_FRAME_HEADER, deadline);
	if (r < 0) {
		explicit_bzero(f, n);
		free(f);
		return r;
	}
	*ret = f;
	*ret_n = n;
	return 0;
}

/* Steps of becoming the user, for the hello frame. */
enum {
	STEP_GROUPS = 1,
	STEP_GID,
	STEP_UID,
	STEP_VERIFY,
	STEP_PRCTL,
};

static int send_hello(int fd, int error, unsigned step)
{
	struct buf b = {0};
	size_t at = frame_begin(&b, MAGIC_HELLO);
	int r;

	put_u32(&b, (uint32_t) error);
	put_u32(&b, step);
	r = frame_end(&b, at);
	if (r == 0)
		r = send_all(fd, b.data, b.len);
	buf_done(&b);
	return r;
}

static _Noreturn void child_fail(int fd, unsigned step)
{
	(void) send_hello(fd, errno > 0 && errno <= ERRNO_MAX ? -errno : -EPERM, step);
	_exit(1);
}

#ifdef SYS_close_range
static bool close_between(unsigned first, unsigned last)
{
	return first > last || syscall(SYS_close_range, first, last, 0u) == 0;
}
#endif

/* Close every fd from 3 on but a and b (both >= 3): the user must find nothing of root's open in the child. */
static void close_other_fds(int a, int b)
{
	unsigned lo = (unsigned) (a < b ? a : b), hi = (unsigned) (a < b ? b : a);
	long max;

#ifdef SYS_close_range
	if (close_between(3, lo - 1) && close_between(lo + 1, hi - 1) && close_between(hi + 1, ~0u))
		return;
#endif
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		if (fd != a && fd != b)
			(void) close(fd);
}

/* Exactly the groups asked for, in any order. */
static bool same_groups(const gid_t *want, size_t n)
{
	int k = getgroups(0, NULL);

	if (k < 0)
		return false;
	_cleanup_free_ gid_t *have = malloc(((size_t) k + 1) * sizeof(gid_t));
	if (!have || (k = getgroups(k, have)) < 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (int j = 0; j < k && !found; j++)
			found = have[j] == want[i];
		if (!found)
			return false;
	}
	for (int j = 0; j < k; j++) {
		bool found = false;
		for (size_t i = 0; i < n && !found; i++)
			found = have[j] == want[i];
		if (!found)
			return false;
	}
	return true;
}

/* Become the user for good, and prove it: the order is groups, gid, uid (after setuid, none can be set). */
static void become(const struct asuser_cred *c, int fd)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (setgroups(c->n_groups, c->groups) < 0)
		child_fail(fd, STEP_GROUPS);
	if (setresgid(c->gid, c->gid, c->gid) < 0)
		child_fail(fd, STEP_GID);
	if (setresuid(c->uid, c->uid, c->uid) < 0)
		child_fail(fd, STEP_UID);
	errno = EPERM;
	if (getresuid(&ru, &eu, &su) < 0 || ru != c->uid || eu != c->uid || su != c->uid ||
	    getresgid(&rg, &eg, &sg) < 0 || rg != c->gid || eg != c->gid || sg != c->gid ||
	    !same_groups(c->groups, c->n_groups))
		child_fail(fd, STEP_VERIFY);
	/* No way back: root is gone, not saved. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		errno = EPERM;
		child_fail(fd, STEP_VERIFY);
	}
	/* Not dumpable: the user cannot ptrace us, nor open our fds through /proc;
	 * and the child ends with the parent. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		child_fail(fd, STEP_PRCTL);
}

static int serve_one(struct target *t, int fd, uint32_t op, unsigned flags, uint64_t max, const char *path)
{
	struct buf b = {0};
	int r;

	if (op == OP_READ) {
		struct asuser_file f;
		r = read_here(t, path, (size_t) max, flags, &f);
		if (r < 0)
			f = (struct asuser_file) { .error = r };
		r = asuser_encode_read(&b, path, &f);
		asuser_file_done(&f);
	} else if (op == OP_GLOB) {
		_cleanup_strv_free_ char **paths = NULL;
		int e = target_glob(t, path, &paths);
		size_t n = e == 0 ? strv_length(paths) : 0, total = 0;
		for (size_t i = 0; i < n; i++) {
			total += strlen(paths[i]) + 4;
			if (strlen(paths[i]) > ASUSER_PATH_MAX)
				e = -ENAMETOOLONG;
		}
		if (e == 0 && (n > ASUSER_GLOB_MAX || total > GLOB_FRAME_MAX - ASUSER_PATH_MAX - 64))
			e = -E2BIG;
		r = asuser_encode_glob(&b, path, e, paths);
	} else
		r = -EPROTO;
	if (r == 0)
		r = send_all(fd, b.data, b.len);
	if (b.data)
		explicit_bzero(b.data, b.len);
	buf_done(&b);
	return r;
}

static _Noreturn void child_main(struct target *t, const struct asuser_cred *cred, int fd, pid_t parent)
{
	sigset_t all;

	/* The parent's handlers (unmount on SIGINT) are not for us. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void) signal(sig, SIG_DFL);
	sigemptyset(&all);
	(void) sigprocmask(SIG_SETMASK, &all, NULL);
	/* Out of the way of 0-2 first (a caller may have closed stdin), then nothing else open. */
	if (t->root_fd < 3)
		t->root_fd = fcntl(t->root_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 3)
		fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (t->root_fd < 0 || fd < 0)
		_exit(1);
	close_other_fds(t->root_fd, fd);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; null >= 0 && i < 3; i++)
		(void) dup2(null, i);
	if (null >= 3)
		(void) close(null);
	become(cred, fd);
	if (getppid() != parent)
		_exit(1);
	if (send_hello(fd, 0, 0) < 0)
		_exit(1);
	for (;;) {
		_cleanup_free_ unsigned char *frame = NULL;
		_cleanup_free_ char *path = NULL;
		uint32_t op;
		unsigned flags;
		uint64_t max;
		size_t n;

		if (recv_frame(fd, MAGIC_REQUEST, 64 + ASUSER_PATH_MAX, -1, &frame, &n) < 0 ||
		    decode_request(frame, n, &op, &flags, &max, &path) < 0 || serve_one(t, fd, op, flags, max, path) < 0)
			_exit(0);
	}
}

/* End the child: every request from now on fails with r. */
static int child_end(struct asuser *a, int r)
{
	if (a->pid > 0) {
		(void) kill(a->pid, SIGKILL);
		(void) RETRY_EINTR(waitpid(a->pid, NULL, 0));
		a->pid = 0;
	}
	if (a->fd >= 0)
		(void) close(a->fd);
	a->fd = -EBADF;
	if (a->dead == 0)
		a->dead = r < 0 ? r : -EPIPE;
	return a->dead;
}

static int child_start(struct asuser *a, const struct asuser_cred *cred)
{
	_cleanup_free_ unsigned char *hello = NULL;
	pid_t parent = getpid();
	int sv[2], r;
	size_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return negative_errno();
	a->pid = fork();
	if (a->pid < 0) {
		r = negative_errno();
		a->pid = 0;
		(void) close(sv[0]);
		(void) close(sv[1]);
		return r;
	}
	if (a->pid == 0) {
		(void) close(sv[0]);
		child_main(a->t, cred, sv[1], parent);
	}
	(void) close(sv[1]);
	a->fd = sv[0];
	r = recv_frame(a->fd, MAGIC_HELLO, 8, now_ms() + ASUSER_TIMEOUT_MS, &hello, &n);
	if (r < 0)
		return child_end(a, r);
	struct cur c;
	int error;
	uint32_t step;
	if (!frame_open(hello, n, MAGIC_HELLO, &c) || !get_errno(&c, &error) || !get_u32(&c, &step) || c.left)
		return child_end(a, -EPROTO);
	if (error < 0)
		/* It could not become the user: nothing is read, as root or otherwise. */
		return child_end(a, -EPERM);
	return 0;
}

/* Ask the child; its answer frame (magic, at most limit bytes of payload) goes to the caller. */
static int child_call(struct asuser *a, uint32_t op, unsigned flags, size_t max, const char *path, uint32_t magic,
		      size_t limit, unsigned char **ret, size_t *ret_n)
{
	struct buf req = {0};
	int r;

	if (a->dead)
		return a->dead;
	r = encode_request(&req, op, flags, max, path);
	if (r == 0)
		r = send_all(a->fd, req.data, req.len);
	buf_done(&req);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return child_end(a, -EPIPE);
	r = recv_frame(a->fd, magic, limit, now_ms() + ASUSER_TIMEOUT_MS, ret, ret_n);
	if (r < 0 && r != -ETIMEDOUT && r != -EPROTO && r != -ENOMEM)
		r = -EPIPE;	/* ECONNRESET and the like: the child is gone */
	return r < 0 ? child_end(a, r) : 0;
}

/* ---- the reader ---- */

static int reader_new(struct target *t, struct asuser **ret)
{
	struct asuser *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->t = t;
	a->fd = -EBADF;
	*ret = a;
	return 0;
}

int asuser_new_direct(struct target *t, struct asuser **ret)
{
	return reader_new(t, ret);
}

int asuser_new_ops(const struct asuser_ops *ops, void *userdata, struct asuser **ret)
{
	int r = reader_new(NULL, ret);

	if (r == 0) {
		(*ret)->ops = ops;
		(*ret)->userdata = userdata;
	}
	return r;
}

int asuser_new(struct target *t, const struct asuser_cred *cred, struct asuser **ret)
{
	struct asuser *a;
	int r;

	r = reader_new(t, &a);
	if (r < 0)
		return r;
	/* Already no more than the user (or root's own home): read here. */
	if (geteuid() != 0 || cred->uid == 0) {
		*ret = a;
		return 0;
	}
	r = child_start(a, cred);
	if (r < 0) {
		asuser_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

void asuser_free(struct asuser *a)
{
	if (!a)
		return;
	(void) child_end(a, -EPIPE);
	free(a);
}

bool asuser_is_child(const struct asuser *a)
{
	return a && (a->pid > 0 || a->dead);
}

/* Requests the parent sends: absolute paths the kernel could open (-EINVAL, -ENAMETOOLONG otherwise). */
static int request_check(const char *path)
{
	if (!path || path[0] != '/')
		return -EINVAL;
	return strlen(path) > ASUSER_PATH_MAX ? -ENAMETOOLONG : 0;
}

int asuser_read(struct asuser *a, const char *path, size_t max, unsigned flags, struct asuser_file *ret)
{
	_cleanup_free_ unsigned char *frame = NULL;
	size_t n = 0;
	int r;

	*ret = (struct asuser_file) {0};
	if (max > CONFIG_MAX)
		return -EINVAL;
	/* A name no file can have is that file's answer, not the reader's failure. */
	ret->error = request_check(path);
	if (ret->error < 0)
		return 0;
	if (a->ops)
		return a->ops->read(a->userdata, path, max, flags, ret);
	if (a->pid <= 0 && !a->dead)
		return read_here(a->t, path, max, flags, ret);
	r = child_call(a, OP_READ, flags, max, path, MAGIC_READ, READ_FIXED + strlen(path) + max, &frame, &n);
	if (r < 0)
		return r;
	r = asuser_decode_read(frame, n, path, max, ret);
	explicit_bzero(frame, n);
	if (r == -EPROTO)
		return child_end(a, r);
	return r;
}

int asuser_glob(struct asuser *a, const char *pattern, char ***ret_paths)
{
	_cleanup_free_ unsigned char *frame = NULL;
	size_t n = 0;
	int r;

	r = request_check(pattern);
	if (r < 0)
		return r;
	if (a->ops)
		return a->ops->glob(a->userdata, pattern, ret_paths);
	if (a->pid <= 0 && !a->dead)
		return target_glob(a->t, pattern, ret_paths);
	r = child_call(a, OP_GLOB, 0, 0, pattern, MAGIC_GLOB, GLOB_FRAME_MAX - ASUSER_FRAME_HEADER, &frame, &n);
	if (r < 0)
		return r;
	r = asuser_decode_glob(frame, n, pattern, ret_paths);
	if (r == -EPROTO)
		return child_end(a, r);
	return r;
}
