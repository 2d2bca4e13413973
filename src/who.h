/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `sshfix --who`: one line per account that could log in (a login shell,
 * authorized keys, or named by AllowUsers and friends) saying whether sshd
 * would let it in with a key, and the first reason if not.  It is what a
 * person at a web console wants to see first.
 *
 * Every check's detection runs first (nothing is planned or changed):
 * a problem that stops sshd or keeps clients from reaching it (config
 * syntax, privilege separation, the service, the listener, every host key
 * unusable, the target's own sshd -t) is every user's first reason.  Then
 * src/verdict.h decides per user.
 */
#pragma once

#include <stdio.h>

#include "run.h"

/*
 * Detect, decide, print the table (text, or JSON with run->opt.json; the
 * evidence too with run->opt.verbose) on out.  Returns 0 when the table was
 * printed, or -errno (the error already said through run_error()).
 */
int who_run(struct run *run, FILE *out);
