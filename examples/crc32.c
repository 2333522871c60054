// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A `kjump call` payload in C: the CRC-32 of its input (IEEE 802.3, as
 * zlib, gzip and busybox crc32 compute it), computed in physical mode and
 * written to its output in hex, as busybox crc32 prints it.
 *
 *   kjump call build/payloads/crc32.bin --in FILE [--arg OFFSET --arg LENGTH]
 *
 * With two arguments it sums LENGTH bytes from OFFSET of the input, else
 * all of it. Output: 8 hex digits and a newline. Returns the number of
 * bytes summed, or -1 if the slice does not lie in the input, -2 if there
 * is no room for the output.
 *
 * Freestanding: no library, no absolute address (check-pic), entered at
 * _start with the parameter block in rdi (doc/call.md).
 */
#include <stdint.h>

#include "physcall.h"

static uint64_t get64(const uint8_t *p, unsigned off)
{
	return *(const uint64_t *)(p + off);
}

static void make_table(uint32_t *t)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? c >> 1 ^ 0xedb88320u : c >> 1;
		t[i] = c;
	}
}

/* CRC-32, reflected, polynomial 0x04C11DB7, starting from and ending
 * with all ones complemented. */
static uint32_t crc32(const uint8_t *p, uint64_t n)
{
	uint32_t t[256], crc = ~0u;

	make_table(t);
	for (uint64_t i = 0; i < n; i++)
		crc = t[(crc ^ p[i]) & 0xff] ^ crc >> 8;
	return ~crc;
}

static void put_hex32(char *p, uint32_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 4)
		p[i] = "0123456789abcdef"[v & 0xf];
}

__attribute__((section(".text.entry")))
int64_t _start(const uint8_t *params)
{
	const uint8_t *in = (const uint8_t *)get64(params, KJ_PC_P_IN);
	uint64_t in_len = get64(params, KJ_PC_P_IN_LEN);
	uint64_t off = 0, len = in_len;
	char *out = (char *)get64(params, KJ_PC_P_OUT);
	uint64_t *out_len = (uint64_t *)get64(params, KJ_PC_P_RESULT);

	if (*(const uint32_t *)(params + KJ_PC_P_NARGS) >= 2) {
		off = get64(params, KJ_PC_P_ARGS);
		len = get64(params, KJ_PC_P_ARGS + 8);
	}
	if (off > in_len || len > in_len - off)
		return -1;
	if (get64(params, KJ_PC_P_OUT_SIZE) < 32)
		return -2;
	put_hex32(out, crc32(in + off, len));
	out[8] = '\n';
	*out_len = 9;
	return (int64_t)len;
}
