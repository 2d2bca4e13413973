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

/*
 * --add-key's report (sshfix(8) ADDING A KEY): the key, what became of it,
 * and the user's problems, which are every finding but the key's own
 * (self); with run->opt.json one JSON object.
 */
struct report_key {
	const char *user, *type, *fingerprint, *comment;
	const char *repaired;	/* what was repaired in the pasted key, or NULL */
	const char *status;	/* "added", "would-add", "present", "failed" */
	const char *path;	/* the keys file, or NULL */
	unsigned line;		/* "present": the key's line in path */
	const char *changes;	/* what the change does, in words, or NULL */
	const char *error;	/* "failed": why, or NULL */
	char *const *notes;	/* what could not be done (labels), or NULL */
	const struct finding *self;	/* the key's own finding, or NULL */
};
int report_add_key(const struct run *run, const struct report_key *k, unsigned exit_status, FILE *out);
