/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/save: the save pipeline in B. */
#ifndef KJ_SAVE_H
#define KJ_SAVE_H

#include "core/core.h"
#include "image/image.h"

struct kj_save_opts {
	const struct kj_extents *extents;	/* dest is a device and these
						 * are the image's extents */
	enum kj_compressor compressor;
	int level;
	unsigned int threads;		/* compression threads, >= 1 */
	/* An encrypted image's own key (NULL: a plain image); h then holds
	 * its key id and sealed key. */
	const struct kj_image_key *key;
	/* Pages for which is_free() is true are left out (NULL: none). */
	bool (*is_free)(void *free_ctx, uint64_t pfn);
	void *free_ctx;
	/* Called after each block is handed on, from the calling thread. */
	void (*progress)(void *ctx, uint64_t pages_done, uint64_t pages_total,
			 uint64_t bytes_written);
	void *ctx;
};

/* The memory the pipeline takes for each compression thread: two slots of
 * a block's raw data and its encoding. */
size_t kj_save_thread_bytes(void);

/*
 * Saves the memory the core describes into an image at dest, with h's
 * identity fields (uuid, created, compressor, reentry, kernel, maps). The
 * image is complete only if this returns 0; on any error it is left
 * incomplete, which every reader refuses.
 */
int kj_save(const struct kj_vmcore *vc, const char *dest,
	    const struct kj_image_header *h, const struct kj_save_opts *o,
	    struct kj_save_stats *st);

#endif
