// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: a block's head and body. The first byte says which
 * compressor the image's header would name; the block follows, decoded
 * once as it is and once resealed, so that mutations reach the run table
 * and the decompressor behind the checksum.
 */
#include "fuzz.h"

static void decode(const uint8_t *buf, const struct kj_block_head *h,
		   enum kj_compressor c)
{
	enum kj_image_fault f;
	struct kj_run *runs;
	uint8_t *data;

	if (!kj_block_decode(buf, h, c, &runs, &data, &f)) {
		free(runs);
		free(data);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum kj_compressor c;
	struct kj_block_head h;
	enum kj_image_fault f;
	uint8_t *buf;

	if (size < 1 + KJ_BLOCK_HEAD_SIZE)
		return 0;
	c = (enum kj_compressor)(data[0] % 3);
	if (kj_block_head_decode(data + 1, &h, &f) || h.block_len > size - 1)
		return 0;
	/* exactly block_len bytes, so that a read past them is caught */
	buf = malloc(h.block_len);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, h.block_len);
	decode(buf, &h, c);
	fuzz_seal_block(buf, &h);
	decode(buf, &h, c);
	free(buf);
	return 0;
}
