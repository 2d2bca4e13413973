/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What forwards connections from outside to sshd's loopback listener (a tor
 * onion service, sslh, stunnel): a deliberate loopback-only setup the
 * listen check leaves alone (RULES §3.6).  Reads through the target layer;
 * nothing here writes or prints.
 */
#pragma once

#include <stddef.h>

#include "target.h"

/*
 * Does something the target runs forward to one of ports on a loopback
 * address?  Returns 0 with *ret_what ("a tor onion service (/etc/tor/torrc:
 * HiddenServicePort 22)", owned by the caller) or NULL when nothing does,
 * or -ENOMEM.
 */
int fronts_find(struct target *t, const int *ports, size_t n_ports, char **ret_what);
