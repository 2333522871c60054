// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: an image file, opened and walked in the mode (VERIFY
 * or RUNS) and with the options its last byte chooses: that is in the
 * trailer's padding, which no reader looks at. One walk an input, not one
 * a mode: a walk starts a thread, and that was most of the time. The header, the note, the
 * blocks that chain from the data offset and the trailer after them are
 * resealed first, so that mutations reach the checks behind the checksums.
 */
#include "fuzz.h"

static struct kj_image_header h;

static int count(void *ctx, const struct kj_block *b)
{
	uint64_t *n = ctx;

	*n += b->nruns;
	if (b->data && b->raw_len)	/* the data handed on is readable */
		*n += b->data[0] + b->data[b->raw_len - 1];
	return 0;
}

/* The blocks' checksums, resealed in order while they chain; the
 * trailer after them if they are all there. */
static void seal_blocks(uint8_t *buf, size_t size)
{
	uint64_t off = kj_image_data_offset(&h), n = 0;
	uint64_t max = size / KJ_IMAGE_ALIGN;
	uint8_t *sums = malloc((max + 1) * KJ_SUM_SIZE);
	struct kj_block_head bh;
	enum kj_image_fault f;

	while (sums && n < h.nblocks && n < max && off <= size - KJ_BLOCK_HEAD_SIZE &&
	       !kj_block_head_decode(buf + off, &bh, &f) && bh.block_len <= size - off) {
		fuzz_seal_block(buf + off, &bh);
		put_le64(sums + n++ * KJ_SUM_SIZE, bh.checksum);
		off += bh.block_len;
	}
	if (sums && n == h.nblocks && off == h.trailer_offset &&
	    off <= size - KJ_TRAILER_LEN)
		kj_trailer_encode(buf + off, n, h.pages_saved, h.pages_zero, sums);
	free(sums);
}

/* The note lies right before the data, whatever comes before it. */
static void seal_note(uint8_t *buf, size_t size)
{
	uint64_t end = kj_image_data_offset(&h);
	uint64_t start = end - kj_align_up(h.note_len, KJ_IMAGE_ALIGN);

	if (end <= size)
		put_le64(buf + KJ_HDR_NOTE_SUM, kj_checksum(buf + start, h.note_len));
}

static void seal(uint8_t *buf, size_t size)
{
	struct kj_image_error err;

	fuzz_seal_header(buf);
	if (kj_image_header_decode(buf, KJ_IMAGE_HEADER_SIZE, &h, &err))
		return;
	seal_note(buf, size);
	fuzz_seal_header(buf);
	seal_blocks(buf, size);
}

static void walk(const char *path, uint8_t choice)
{
	struct kj_walk_opts o = {
		.threads = 1,
		.any_order = choice & 2, .aligned = choice & 4,
	};
	struct kj_image_error err;
	struct kj_image *img;
	uint64_t n = 0;

	o.fn = choice & 8 ? NULL : count;
	o.ctx = &n;
	if (kj_image_open(path, &img, &err))
		return;
	kj_image_walk(img, &o, &err);
	kj_image_close(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	char path[64];

	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (size >= KJ_IMAGE_HEADER_SIZE)
		seal(buf, size);
	if (fuzz_file(buf, size, path, sizeof(path)) >= 0)
		walk(path, size ? buf[size - 1] : 0);
	free(buf);
	return 0;
}
