/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report: human text (colour only when run->opt.color says so) or one
 * JSON document (--json, documented in sshfix(8)).  Reports go to stdout;
 * they print, they do not decide.
 */
#pragma once

#include <stdio.h>

#include "run.h"
#include "util.h"

int report_text(const struct run *run, FILE *out);
/* "sshfix VERSION: target ROOT (distribution, sshd version)\n", every report's first line, appended to b. */
void report_target_line(const struct run *run, struct buf *b);
/* Finding f (run->findings[idx]: its journal entries are tagged idx) as the JSON report's object, appended to b. */
void report_json_finding(const struct run *run, const struct finding *f, size_t idx, struct buf *b);
/*
 * The command that undoes this run's apply, as a person can type it again
 * after sshfix has ended: "sshfix --undo ID --root /mnt", "sshfix --device
 * /dev/sdb2 --undo ID" (a root sshfix mounted itself, gone now), or for the
 * root an initramfs is about to boot "sshfix --undo ID" (in the booted
 * system), with *ret_here (may be NULL) set to the command from within the
 * initramfs; otherwise *ret_here is NULL.  Words are quoted for a shell.
 * Returns 0 with *ret NULL when nothing was applied, or -ENOMEM; the
 * caller frees both.
 */
int report_undo_command(const struct run *run, char **ret, char **ret_here);
/* "Undo with: COMMAND\n" (and where, for a boot root), escaped for a terminal,
 * appended to b; nothing when nothing was applied. */
void report_undo_line(const struct run *run, struct buf *b);
int report_json(const struct run *run, unsigned exit_status, FILE *out);
/* Write the finished report b to out and free it; -ENOMEM when b ran out of memory.  The caller checks
 * the stream for write errors. */
int report_emit(struct buf *b, FILE *out);
