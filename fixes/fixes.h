/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The check families; each is defined in fixes/<family>.c. */
#pragma once

#include "fix.h"

extern const struct fix fix_account_db;
extern const struct fix fix_config_syntax;
extern const struct fix fix_config_perms;
extern const struct fix fix_config_dropins;
extern const struct fix fix_hostkey_perms;
extern const struct fix fix_hostkey_content;
extern const struct fix fix_user_key_paths;
extern const struct fix fix_privsep;
extern const struct fix fix_ssh_service;
extern const struct fix fix_listen;
extern const struct fix fix_keys_content;
extern const struct fix fix_accounts;
extern const struct fix fix_pam;
extern const struct fix fix_fail2ban;
extern const struct fix fix_firewall;
extern const struct fix fix_sshd_test;
extern const struct fix fix_client;
