/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-1 (FIPS 180-4) and HMAC-SHA1 (RFC 2104), for one purpose only: the
 * hashed host names of known_hosts ("|1|salt|hash", HashKnownHosts), which
 * ssh computes as HMAC-SHA1 keyed with the salt over the host name
 * (hostfile.c host_hash()).  Not for anything that needs a secure hash.
 * Our own, as sha256.c, so the static binary needs no crypto library.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_LEN 20
#define SHA1_BLOCK_LEN 64

struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char block[SHA1_BLOCK_LEN];
	size_t used;
};

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *p, size_t n);
void sha1_final(struct sha1 *s, unsigned char out[SHA1_DIGEST_LEN]);
/* SHA-1 of one buffer. */
void sha1(const void *p, size_t n, unsigned char out[SHA1_DIGEST_LEN]);
/* HMAC-SHA1 of msg under key (any length: a longer key is hashed first). */
void hmac_sha1(const void *key, size_t key_len, const void *msg, size_t msg_len, unsigned char out[SHA1_DIGEST_LEN]);
