#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# one-at-a-time.sh SCRIPT: automake's SH_LOG_COMPILER.  The script tiers
# (real logins, attacks, boots, mounts) share the cached e2e roots, loop
# devices and QEMU's timing, so under make -jN they run one at a time;
# unit test programs and tree cases fill the other job slots.
lock=${SSHFIX_TEST_LOCK:-${top_builddir:-.}/tests/.one-at-a-time.lock}
mkdir -p "$(dirname "$lock")"
exec flock "$lock" "$@"
