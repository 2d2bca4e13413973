/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report: human text (colour only when run->opt.color says so) or one
 * JSON document (--json, documented in sshfix(8)).  Reports go to stdout;
 * they print, they do not decide.
 */
#pragma once

#include <stdio.h>

#include "run.h"

int report_text(const struct run *run, FILE *out);
int report_json(const struct run *run, unsigned exit_status, FILE *out);
