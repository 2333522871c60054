/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the libFuzzer targets share: inputs as files and as text, and
 * resealing checksums, so that mutations reach the checks behind them. */
#ifndef KJ_FUZZ_H
#define KJ_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/le.h"
#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a file at *path: one memory file for the process, rewritten
 * for each input. -1 if it cannot be made. */
static inline int fuzz_file(const uint8_t *data, size_t size, char *path,
			    size_t path_size)
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return -1;
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

/* data as a NUL-terminated string; the caller frees it. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

/* A header (4096 bytes) whose length field is in range, with its
 * checksum made right. */
static inline void fuzz_seal_header(uint8_t *buf)
{
	uint32_t len = get_le32(buf + KJ_HDR_LEN);

	if (len >= KJ_HDR_MAPS + 8 && len <= KJ_IMAGE_HEADER_SIZE)
		kj_image_header_seal(buf);
}

/* A block whose head decoded as h, with its checksum made right. */
static inline void fuzz_seal_block(uint8_t *buf, struct kj_block_head *h)
{
	h->checksum = kj_checksum2(buf, 0x20, buf + KJ_BLOCK_HEAD_SIZE,
				   kj_block_meta_len(h) - KJ_BLOCK_HEAD_SIZE +
				   h->comp_len);
	put_le64(buf + 0x20, h->checksum);
}

#endif
