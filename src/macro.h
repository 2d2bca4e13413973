/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small language helpers used everywhere: cleanup attributes and ownership
 * transfer.  Checks and the journal leave functions early in many ways
 * (ENOENT, a hard-linked file, an unsafe symlink); tying cleanup to the
 * variable keeps every such exit a plain return that leaks nothing.
 */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **) p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		(void) close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		(void) fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Move ownership out of a cleanup variable. */
#define TAKE_PTR(p)                          \
	({                                   \
		__typeof__(p) _taken_ = (p); \
		(p) = NULL;                  \
		_taken_;                     \
	})

#define TAKE_FD(fd)                 \
	({                          \
		int _taken_ = (fd); \
		(fd) = -EBADF;      \
		_taken_;            \
	})

/* Define a cleanup function x_freep() for a type with destructor x_free(). */
#define DEFINE_CLEANUP(type, func)               \
	static inline void func##p(type **p)     \
	{                                        \
		if (*p)                          \
			func(*p);                \
	}

/* Retry on EINTR: a rescue console delivers signals (job control, resize). */
#define RETRY_EINTR(expr)                                  \
	({                                                 \
		__typeof__(expr) _r_;                      \
		do                                         \
			_r_ = (expr);                      \
		while (_r_ < 0 && errno == EINTR);         \
		_r_;                                       \
	})

/* -errno of the last failed call, never 0 (a bug elsewhere must not read as success). */
static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}
