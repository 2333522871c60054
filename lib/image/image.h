/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The image format's private helpers (doc/image-format.md). */
#ifndef KJ_IMAGE_H
#define KJ_IMAGE_H

#include "common/internal.h"

/* A file or device, seen through an extent map if ext is not NULL. */
struct kj_target {
	int fd;
	const struct kj_extents *ext;
};

int kj_target_pread(const struct kj_target *t, void *buf, size_t len,
		    uint64_t off);
int kj_target_pwrite(const struct kj_target *t, const void *buf, size_t len,
		     uint64_t off);

#define KJ_CHECKSUM_XXH64 2
#define KJ_IMAGE_ALIGN 4096u

uint64_t kj_checksum(const void *buf, size_t len);
uint64_t kj_checksum2(const void *a, size_t alen, const void *b, size_t blen);

/* Compress src into dst (cap bytes); returns the size or a negative errno. */
long kj_compress(enum kj_compressor c, int level, const void *src, size_t len,
		 void *dst, size_t cap);
size_t kj_compress_bound(enum kj_compressor c, size_t len);
/* Decompress exactly out_len bytes, or fail with -EBADMSG. */
int kj_decompress(enum kj_compressor c, const void *src, size_t len,
		  void *out, size_t out_len);

/* Parts of kj_block_decode, for the walker (lib/imgwalk.c). */
enum kj_image_fault kj_block_check(const uint8_t *buf, const struct kj_block_head *h);
/* The run table into *runs (caller frees); -EBADMSG if it is bad. */
int kj_block_runs(const uint8_t *buf, const struct kj_block_head *h,
		  struct kj_run **runs);
/* The page data as stored, when it is stored uncompressed; else NULL. */
const uint8_t *kj_block_stored(const uint8_t *buf, const struct kj_block_head *h);
/* The page data, raw_len bytes, into out; -EBADMSG if it does not decode. */
int kj_block_data(const uint8_t *buf, const struct kj_block_head *h,
		  enum kj_compressor c, uint8_t *out);
/* Bytes of the head and the run table, which come before the data. */
size_t kj_block_meta_len(const struct kj_block_head *h);

struct kj_image {
	struct kj_target t;
	struct kj_target direct;	/* the same with O_DIRECT; fd -1 if none */
	uint64_t size;
	struct kj_image_header h;
};

/* A walk through the blocks: where it is, what it has counted. */
struct kj_walk_state {
	uint64_t offset;
	uint64_t next_pfn;
	uint64_t saved, zero;
	uint8_t *sums;			/* block checksums, 8 bytes each */
};

int kj_image_fail(struct kj_image_error *err, enum kj_image_fault f,
		  int64_t block, uint64_t offset);
/* A block's runs lie in A's RAM, outside the excluded ranges, ascending
 * from w->next_pfn; counts them. */
int kj_walk_check_runs(const struct kj_image_header *h, struct kj_walk_state *w,
		       const struct kj_run *runs, uint32_t n);
int kj_walk_check_trailer(struct kj_image *img, struct kj_walk_state *w,
			  struct kj_image_error *err);

#endif
