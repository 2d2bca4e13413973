/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading files on a user's behalf with that user's rights (DESIGN §5:
 * "Anything read on a user's behalf (--client) is read with the user's
 * rights, and no path printed by a child process is trusted as a path").
 *
 * root examining bob's ~/.ssh must see what bob's own ssh sees and nothing
 * more: an "Include /etc/shadow" in bob's config must not make root read
 * the password hashes and quote them.  So a child, forked once per
 * examination, becomes the user (supplementary groups, then gid, then uid,
 * all from the target's own /etc/passwd and /etc/group, never NSS; checked
 * to have stuck) and serves requests over a socket pair: "read this path",
 * "expand this glob".  It reads through the rooted target layer (the root
 * fd stays usable after the drop), never opens a FIFO, device or socket
 * (they answer -EINVAL unopened), and answers each read with the path it
 * was asked for, the file's identity (dev, ino, mode, owner, links) and at
 * most `max` bytes.
 *
 * The parent treats the child's bytes as hostile: every frame is bounded
 * before it is read, checked field by field, and must echo the exact path
 * or pattern the parent asked about; glob results must be names that
 * pattern could produce (target_glob_matches()), and are sorted here.  A
 * request that times out, or an answer that is not well formed, ends the
 * child and fails every later request: nothing is read as root instead.
 *
 * With no privilege to drop (sshfix not run by root, or root examining
 * root's own home) the same reads happen in this process.  Tests and the
 * fuzzer bring their own reader (struct asuser_ops).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "target.h"
#include "util.h"

/* How long the child may take over one request before it is killed. */
#define ASUSER_TIMEOUT_MS 10000
/* At most this many names from one glob, and this long a path. */
#define ASUSER_GLOB_MAX 65536u
#define ASUSER_PATH_MAX 4096u

struct asuser_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid;
};

/* What one read found. */
struct asuser_file {
	/* 0, or what the file gave: -ENOENT, -EACCES, -ELOOP, -ENOTDIR,
	 * -EISDIR (a directory), -EINVAL (a FIFO, device or socket: never
	 * opened), -EFBIG (more than max bytes: not read), -ESTALE (replaced
	 * while it was being opened). */
	int error;
	bool has_stat;		/* st is known: always when error is 0 */
	bool indirect;		/* reached through a symlink or "..": the path asked is not the file's own */
	struct asuser_stat st;
	char *data;		/* error 0: the bytes, NUL-terminated after len; erased by asuser_file_done() */
	size_t len;
};

void asuser_file_done(struct asuser_file *f);

/* asuser_read() flags */
enum {
	/* Read the first max bytes of a larger file instead of refusing it. */
	ASUSER_HEAD = 1 << 0,
};

/* A reader of the caller's making: both return 0 or -errno, as asuser_read()/asuser_glob(). */
struct asuser_ops {
	int (*read)(void *userdata, const char *path, size_t max, unsigned flags, struct asuser_file *ret);
	int (*glob)(void *userdata, const char *pattern, char ***ret_paths);
};

/* Whose rights: the account's uid, primary gid and every group (primary first, as accounts_user_gids()). */
struct asuser_cred {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t n_groups;
};

struct asuser;

/*
 * A reader with cred's rights: a child that became that user when sshfix
 * runs as root and cred->uid is not 0; in this process otherwise (the
 * caller already has no more rights than the user, or is the user).
 * Returns 0 with *ret (free with asuser_free()), -EPERM when the child
 * could not become the user, or -errno.
 */
int asuser_new(struct target *t, const struct asuser_cred *cred, struct asuser **ret);
/* A reader in this process with this process's rights. */
int asuser_new_direct(struct target *t, struct asuser **ret);
/* A reader made of the caller's functions (tests, the fuzzer); userdata stays the caller's. */
int asuser_new_ops(const struct asuser_ops *ops, void *userdata, struct asuser **ret);
/* Ends the child, if any. */
void asuser_free(struct asuser *a);
/* True when the reads happen in a child with the user's rights. */
bool asuser_is_child(const struct asuser *a);

/*
 * Read path (absolute, inside the target; symlinks followed inside it), at
 * most max bytes.  Returns 0 with *ret filled (ret->error says what the file
 * gave; free with asuser_file_done()), or -errno when the reader itself
 * failed: -ETIMEDOUT, -EPROTO (a malformed answer), -EPIPE (the child is
 * gone), -ENOMEM.  After a failure every later request fails the same way.
 */
int asuser_read(struct asuser *a, const char *path, size_t max, unsigned flags, struct asuser_file *ret);
/* Expand a glob(7) pattern as target_glob() does.  Returns 0 with the sorted names, or -errno as above. */
int asuser_glob(struct asuser *a, const char *pattern, char ***ret_paths);

/*
 * The frames the child sends (exposed for the unit tests and the fuzzer).
 * A frame is a little-endian header {u32 magic, u32 payload length} and the
 * payload.  The decoders take a whole frame and check everything: the
 * magic, the length, the echo of what was asked, every length against what
 * is left and against the limits, errno ranges, no trailing bytes.  They
 * return 0, -EPROTO for anything malformed, or -ENOMEM; a decoded glob
 * error is returned as it is.
 */
#define ASUSER_FRAME_HEADER 8u
int asuser_encode_read(struct buf *out, const char *path, const struct asuser_file *f);
int asuser_decode_read(const void *frame, size_t n, const char *path, size_t max, struct asuser_file *ret);
int asuser_encode_glob(struct buf *out, const char *pattern, int error, char *const *paths);
int asuser_decode_glob(const void *frame, size_t n, const char *pattern, char ***ret_paths);
