// SPDX-License-Identifier: GPL-2.0-or-later
/* Checksums: XXH3-64 from libxxhash, seed 0 (checksum algorithm 1). */
#define XXH_STATIC_LINKING_ONLY	/* XXH3_state_t on the stack */
#include <xxhash.h>

#include "image.h"

uint64_t kj_xxh3(const void *buf, size_t len)
{
	return XXH3_64bits(buf, len);
}

/* The checksum of two pieces, as if they were one. */
uint64_t kj_xxh3_2(const void *a, size_t alen, const void *b, size_t blen)
{
	XXH3_state_t st;

	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, a, alen);
	XXH3_64bits_update(&st, b, blen);
	return XXH3_64bits_digest(&st);
}
