/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OpenSSH's pattern languages, as sshd applies them to Match lines and to
 * AllowUsers/DenyUsers/AllowGroups/DenyGroups (match.c, addrmatch.c,
 * groupaccess.c of openssh-portable; written from their documented
 * behaviour, not copied):
 *
 *  - a pattern: '*' matches any run of bytes (also none), '?' exactly one,
 *    every other byte itself; no classes, no escapes;
 *  - a pattern list: patterns separated by ',', each may start with '!'.
 *    A '!' pattern that matches decides "no" at once, whatever else
 *    matches; otherwise any positive match is "yes".  A pattern of 1023
 *    bytes or more makes the whole list fail (sshd's fixed buffer);
 *  - an address list: the same, where an entry that parses as an address
 *    or a network in CIDR form (10.0.0.0/8, 2001:db8::/32) is compared by
 *    prefix and anything else is a pattern on the address text.  A network
 *    with host bits set or a prefix too long for its family, and an empty
 *    entry (",," or a trailing ','), make the whole list invalid: sshd
 *    refuses such a configuration;
 *  - a user entry of AllowUsers/DenyUsers: "USER" or "USER@HOSTS", USER a
 *    single pattern (a ',' in it is an ordinary byte, '!' too), HOSTS an
 *    address list also matched against the client's host name.
 *
 * Pure functions, no allocation that can fail the answer, no printing.
 */
#pragma once

#include <stdbool.h>

/* Tri-state answers where the client is not known. */
enum sshmatch_result {
	SSHMATCH_NO = 0,
	SSHMATCH_YES = 1,
	SSHMATCH_NEGATED = -1,	/* a '!' entry matched */
	SSHMATCH_INVALID = -2,	/* sshd refuses the list (address lists, user entries) */
	SSHMATCH_UNKNOWN = 2,	/* depends on the client's address or host name */
};

/* Does s match one pattern?  (match_pattern) */
bool sshmatch_pattern(const char *s, const char *pattern);

/*
 * s against a comma-separated list (match_pattern_list): SSHMATCH_YES,
 * SSHMATCH_NO or SSHMATCH_NEGATED.  lower: ASCII letters compare without
 * case, as for host names (match_hostname lower-cases both sides).
 */
int sshmatch_list(const char *s, const char *list, bool lower);

/*
 * An address (text, "192.0.2.1" or "2001:db8::1") against an address list
 * (addr_match_list): SSHMATCH_YES, SSHMATCH_NO, SSHMATCH_NEGATED or
 * SSHMATCH_INVALID.  addr NULL only validates: SSHMATCH_NO or
 * SSHMATCH_INVALID.  An addr that does not parse matches nothing (NO).
 */
int sshmatch_addr_list(const char *addr, const char *list);

/*
 * A user entry of AllowUsers/DenyUsers (match_user) for user connecting
 * from host name host and address addr.  Both NULL: the client is unknown,
 * and an entry whose user part matches but whose host part may or may not
 * match gives SSHMATCH_UNKNOWN (a host part of only '*' always matches).
 * Returns SSHMATCH_YES, SSHMATCH_NO, SSHMATCH_UNKNOWN, or SSHMATCH_INVALID
 * for a host part sshd refuses.
 */
int sshmatch_user(const char *user, const char *host, const char *addr, const char *entry);

/* Is entry ("USER" or "USER@HOSTS") a valid AllowUsers/DenyUsers entry? */
bool sshmatch_user_valid(const char *entry);
