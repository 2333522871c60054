// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the image reader, on any bytes as an image file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flow/flow.h"
#include "kjump.h"

static int count_pages(void *ctx, const struct kj_block *b)
{
	(*(uint64_t *)ctx) += b->raw_len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kj_image_error err;
	struct kj_image_header h;
	struct kj_block_head bh;
	enum kj_image_fault f;
	struct kj_image *img;
	char path[64];
	uint64_t bytes = 0;
	int fd = memfd_create("image", 0);

	kj_image_header_decode(data, size, &h, &err);
	if (size >= KJ_BLOCK_HEAD_SIZE && !kj_block_head_decode(data, &bh, &f) &&
	    bh.block_len <= size) {
		struct kj_run *runs;
		uint8_t *d;

		if (!kj_block_decode(data, &bh, KJ_COMPRESS_LZ4, &runs, &d, &f)) {
			free(runs);
			free(d);
		}
	}
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!kj_image_open(path, &img, &err)) {
		kj_image_verify(img, count_pages, &bytes, &err);
		kj_image_close(img);
	}
	close(fd);
	return 0;
}
