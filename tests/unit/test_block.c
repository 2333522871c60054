// SPDX-License-Identifier: GPL-2.0-or-later
/* Block heads: the most a head may claim, refused before a reader
 * allocates or reads for it. */
#include <errno.h>

#include "image/image.h"
#include "common/le.h"
#include "t.h"

/* A block head with these lengths, block_len to match; what decoding it
 * says: 0, or its fault. */
static int head_with(uint32_t nruns, uint32_t raw, uint32_t comp)
{
	uint8_t buf[KJ_BLOCK_HEAD_SIZE] = "KJBLOCK1";
	uint64_t body = kj_align_up(KJ_BLOCK_HEAD_SIZE + (uint64_t)nruns * 16, 4096) + comp;
	enum kj_image_fault f = KJ_IMG_OK;
	struct kj_block_head h;

	put_le32(buf + 0x10, nruns);
	put_le32(buf + 0x14, raw);
	put_le32(buf + 0x18, comp);
	put_le32(buf + 0x1c, (uint32_t)kj_align_up(body, 4096));
	if (kj_block_head_decode(buf, &h, &f))
		return f;
	return h.block_len == kj_align_up(body, 4096) ? 0 : -1;
}

/* No more than the saver writes (1024 data pages, 2048 runs, data never
 * stored longer than raw): a head once made a reader allocate and read up
 * to 4 GiB for one block. */
TEST(block_head_limits)
{
	CHECK_INT(head_with(3, 1024 * 4096, 4096), 0);
	CHECK_INT(head_with(2048, 4096, 4096), 0);
	CHECK_INT(head_with(2048, 1024 * 4096, 1024 * 4096), 0);
	CHECK_INT(head_with(0, 0, 0), 0);
	CHECK_INT(head_with(3, 1025 * 4096, 4096), KJ_IMG_BAD_BLOCK_LEN);
	CHECK_INT(head_with(2049, 4096, 4096), KJ_IMG_BAD_BLOCK_LEN);
	CHECK_INT(head_with(3, 4096, 8192), KJ_IMG_BAD_BLOCK_LEN);
	CHECK_INT(head_with(3, 4096, 0xffffe000), KJ_IMG_BAD_BLOCK_LEN);
	CHECK_INT(head_with(3, 64u << 20, 4096), KJ_IMG_BAD_BLOCK_LEN);
}
