/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libkjump: the image format's building blocks (doc/image-format.md):
 * header and block codecs. For tests, fuzzers and tools that take images
 * apart; the kjump command does not need them (include/kjump.h has what
 * it uses). Like kjump.h, every name here is visible in the library.
 */
#ifndef KJUMP_FORMAT_H
#define KJUMP_FORMAT_H

#include "kjump.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

/* Encodes h into a zeroed 4096-byte buf. -E2BIG if the maps do not fit. */
int kj_image_header_encode(const struct kj_image_header *h, uint8_t *buf);
/* Decodes and checks a header: magic, version, length, checksum, flags,
 * reserved bytes, fields, maps. On failure fills err and returns -EBADMSG.
 * Whether the image is complete or consumed is for the caller to judge. */
int kj_image_header_decode(const uint8_t *buf, size_t len,
			   struct kj_image_header *h, struct kj_image_error *err);

#define KJ_RUN_DATA 0
#define KJ_RUN_ZERO 1

struct kj_run {
	uint64_t pfn;
	uint32_t count;
	uint32_t kind;
};

/* A block: runs and the raw data of their DATA pages. */
struct kj_block {
	uint64_t seq;
	struct kj_run *runs;
	uint32_t nruns;
	const uint8_t *data;		/* 4096 bytes per DATA page, in order */
	uint32_t raw_len;
};

/* Worst-case encoded size of a block with nruns runs and raw_len bytes. */
size_t kj_block_bound(uint32_t nruns, uint32_t raw_len);
/* Encodes a block into out (at least kj_block_bound() bytes); *len is a
 * multiple of 4096. *checksum is the block's checksum. */
int kj_block_encode(const struct kj_block *b, enum kj_compressor c, int level,
		    uint8_t *out, size_t *len, uint64_t *checksum);

/* The fixed part of an encoded block, read before its body. */
struct kj_block_head {
	uint64_t seq;
	uint32_t nruns;
	uint32_t raw_len;
	uint32_t comp_len;
	uint32_t block_len;
	uint64_t checksum;
	bool sealed;			/* an encrypted image's (KJBLOCKS) */
};

#define KJ_BLOCK_HEAD_SIZE 0x28

int kj_block_head_decode(const uint8_t *buf, struct kj_block_head *h,
			 enum kj_image_fault *fault);
/*
 * Checks a whole encoded block (block_len bytes at buf) and decodes it:
 * runs into *runs (caller frees), page data into *data (caller frees,
 * raw_len bytes).
 */
int kj_block_decode(const uint8_t *buf, const struct kj_block_head *h,
		    enum kj_compressor c, struct kj_run **runs, uint8_t **data,
		    enum kj_image_fault *fault);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* KJUMP_FORMAT_H */
