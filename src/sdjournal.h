/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A reader of systemd's journal file format (systemd's journal-def.h,
 * "Journal File Format" in systemd's docs), for when the target's own
 * journalctl cannot run here: the logs family (src/logs.h) then still reads
 * what sshd, sshd-session, sshd-auth, fail2ban and the kernel said.
 *
 * Read-only and bounded: objects are read with pread() where the entry
 * arrays point, every offset and size is checked against the file, at most
 * SDJ_ENTRIES_MAX entries are looked at, from the newest back.  Both the
 * regular and the compact layout (systemd 252+) are read.  Fields stored
 * compressed (XZ, LZ4, ZSTD: systemd compresses large ones) are not
 * decompressed: an entry whose MESSAGE is compressed is counted and left
 * out, and the report says how many.  Each entry kept is printed as
 * journalctl -o short-iso prints it (UTC):
 *   2026-12-07T02:57:45+0000 HOST IDENTIFIER[PID]: MESSAGE
 */
#pragma once

#include <stddef.h>

#include "util.h"

#define SDJ_ENTRIES_MAX 200000

struct sdj_stats {
	size_t entries;		/* looked at */
	size_t kept;		/* printed */
	size_t compressed;	/* left out: their MESSAGE is compressed */
};

/*
 * Append to out the newest entries (at most max_lines, oldest first) of the
 * journal file open on fd whose _COMM is sshd, sshd-session, sshd-auth or
 * fail2ban-server, or whose _TRANSPORT is kernel, written at or after
 * since_usec (0: any).  Returns 0, -EBADMSG (not a journal file, or a
 * broken one), -EPROTONOSUPPORT (a layout this reader does not know), or
 * -errno.
 */
int sdj_read(int fd, unsigned long long since_usec, size_t max_lines, struct buf *out, struct sdj_stats *ret);
