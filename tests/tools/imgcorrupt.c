// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * imgcorrupt IMAGE WHERE: damages an image in one named place, resealing
 * checksums where the damage must reach the checks behind them.
 *   magic version header-checksum incomplete consumed block-checksum runs
 *   truncate
 * (header damage goes to the header and its copy alike), or tears the
 * header alone as a power cut might: torn-header
 * or writes what a header may hold and a reader must show safely:
 *   created-huge (2^63 seconds), osrelease-quote (a quote, a control byte
 *   and a backslash)
 * or sets a field and reseals: free-fill=N (what R fills free pages with)
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow/flow.h"
#include "common/le.h"
#include "image/image.h"

/* A block is at most 4 MiB of data plus its runs: 8 MiB is room enough. */
static uint8_t hdr[4096], blk[8 << 20];

/* Where the block's data begins: after the runs, on a 4096-byte
 * boundary of the block. */
static size_t data_off(void)
{
	return kj_align_up(0x28 + 16 * (size_t)get_le32(blk + 0x10), 4096);
}

static void reseal_block(void)
{
	uint32_t comp = get_le32(blk + 0x18);

	put_le64(blk + 0x20, kj_checksum2(blk, 0x20, blk + 0x28, data_off() - 0x28 + comp));
}

static int damage(const char *where, uint64_t data)
{
	unsigned int fill;

	if (!strcmp(where, "magic"))
		hdr[KJ_HDR_MAGIC] = 'X';
	else if (!strcmp(where, "version"))
		hdr[KJ_HDR_VERSION] = 1;	/* version 1: XXH3 checksums */
	else if (!strcmp(where, "header-checksum") || !strcmp(where, "torn-header"))
		hdr[KJ_HDR_OSRELEASE] ^= 1;
	else if (!strcmp(where, "incomplete")) {
		hdr[KJ_HDR_FLAGS] &= (uint8_t)~KJ_IMAGE_FLAG_COMPLETE;
		kj_image_header_seal(hdr);
	} else if (!strcmp(where, "consumed")) {
		hdr[KJ_HDR_FLAGS] |= KJ_IMAGE_FLAG_CONSUMED;
		kj_image_header_seal(hdr);
	} else if (!strcmp(where, "created-huge")) {
		put_le64(hdr + KJ_HDR_CREATED, 1ull << 63);
		kj_image_header_seal(hdr);
	} else if (!strcmp(where, "osrelease-quote")) {
		memcpy(hdr + KJ_HDR_OSRELEASE, "6.1\"x\001\\", 8);
		kj_image_header_seal(hdr);
	} else if (sscanf(where, "free-fill=%u", &fill) == 1) {
		put_le32(hdr + KJ_HDR_FREE_FILL, fill);
		kj_image_header_seal(hdr);
	} else if (!strcmp(where, "block-checksum"))
		blk[data_off() + 10] ^= 1;
	else if (!strcmp(where, "runs")) {
		put_le32(blk + 0x28 + 12, 9);
		reseal_block();
	} else
		return -1;
	(void)data;
	return 0;
}

int main(int argc, char **argv)
{
	int fd = argc == 3 ? open(argv[1], O_RDWR) : -1;
	uint64_t data;

	if (fd < 0) {
		fprintf(stderr, "usage: imgcorrupt IMAGE WHERE\n");
		return 2;
	}
	if (!strcmp(argv[2], "truncate")) {
		off_t end = lseek(fd, 0, SEEK_END);

		return ftruncate(fd, end / 2 / 4096 * 4096) ? 1 : 0;
	}
	if (pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return 1;
	data = KJ_IMAGE_NOTE_OFFSET + ((get_le32(hdr + KJ_HDR_NOTE_LEN) + 4095u) & ~4095u);
	if (pread(fd, blk, sizeof(blk), (off_t)data) <= 0x28 ||
	    get_le32(blk + 0x1c) > sizeof(blk) || damage(argv[2], data)) {
		fprintf(stderr, "imgcorrupt: cannot damage '%s'\n", argv[2]);
		return 2;
	}
	if (pwrite(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    (strcmp(argv[2], "torn-header") &&
	     pwrite(fd, hdr, sizeof(hdr), KJ_IMAGE_COPY_OFFSET) != (ssize_t)sizeof(hdr)) ||
	    pwrite(fd, blk, get_le32(blk + 0x1c), (off_t)data) != (ssize_t)get_le32(blk + 0x1c))
		return 1;
	return close(fd) ? 1 : 0;
}
