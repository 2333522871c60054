// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checksums: XXH64 from libxxhash, seed 0 (checksum algorithm 2).
 *
 * XXH64 rather than XXH3: where kjump runs under emulation (qemu without
 * KVM) XXH3's SSE2 code ran at 300 MB/s a thread and XXH64's plain 64-bit
 * arithmetic at 3500 MB/s; on the host, 12 and 8.6 GB/s, both far beyond
 * any disk or compressor.
 */
#define XXH_STATIC_LINKING_ONLY	/* XXH64_state_t on the stack */
#include <xxhash.h>

#include "image/image.h"

uint64_t kj_checksum(const void *buf, size_t len)
{
	return XXH64(buf, len, 0);
}

/* The checksum of two pieces, as if they were one. */
uint64_t kj_checksum2(const void *a, size_t alen, const void *b, size_t blen)
{
	return kj_checksum3(a, alen, b, blen, NULL, 0);
}

/* The checksum of three pieces, as if they were one. */
uint64_t kj_checksum3(const void *a, size_t alen, const void *b, size_t blen,
		      const void *c, size_t clen)
{
	XXH64_state_t st;

	XXH64_reset(&st, 0);
	XXH64_update(&st, a, alen);
	XXH64_update(&st, b, blen);
	XXH64_update(&st, c, clen);
	return XXH64_digest(&st);
}
