/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building the model the checks read: the target's accounts and sshd
 * configuration.  A missing file is a fact for the checks to report; a file
 * that exists but cannot be read is an operational error naming the path.
 */
#pragma once

#include "run.h"

/* Returns 0, or -errno with *ret_path naming the file that failed (static, or the target's facts). */
int model_load(struct run *run, const char **ret_path);
void model_done(struct model *m);

/*
 * The private host keys sshd loads (RULES §2.1): the HostKey lines (any
 * replaces the defaults; several add up; relative ones skipped), else the
 * default rsa, ecdsa, ed25519 keys.  *ret_configured says which.
 */
int model_host_keys(const struct model *m, char ***ret, bool *ret_configured);
