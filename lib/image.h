/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The image format's private helpers (doc/image-format.md). */
#ifndef KJ_IMAGE_H
#define KJ_IMAGE_H

#include "internal.h"

#define KJ_CHECKSUM_XXH3 1
#define KJ_IMAGE_ALIGN 4096u

uint64_t kj_xxh3(const void *buf, size_t len);
uint64_t kj_xxh3_2(const void *a, size_t alen, const void *b, size_t blen);

/* Compress src into dst (cap bytes); returns the size or a negative errno. */
long kj_compress(enum kj_compressor c, int level, const void *src, size_t len,
		 void *dst, size_t cap);
size_t kj_compress_bound(enum kj_compressor c, size_t len);
/* Decompress exactly out_len bytes, or fail with -EBADMSG. */
int kj_decompress(enum kj_compressor c, const void *src, size_t len,
		  void *out, size_t out_len);

#endif
