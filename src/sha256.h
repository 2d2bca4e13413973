/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 (FIPS 180-4), for the journal's post-image fingerprints: undo must
 * notice that a file changed since we wrote it.  Our own so the static
 * binary needs no crypto library.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t n);
void sha256_final(struct sha256 *s, unsigned char out[32]);
/* Hex digest of a buffer into out (65 bytes with the NUL). */
void sha256_hex(const void *p, size_t n, char out[SHA256_HEX_LEN + 1]);
