// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A swap area (include/linux/swap.h, union swap_header; mkswap).
 *
 * The hash covers the header page, 4096 bytes: mkswap rewrites it (a new
 * UUID), and so does a kernel that hibernates into it (its signature
 * becomes S1SUSPEND...) and swapon(8) when it finds such a signature.
 * swapon and swapoff themselves do not write it: a boot that only swaps
 * to the area changes no byte the hash covers (see tests/unit/disk.sh).
 * Only version 1 headers ("SWAPSPACE2") carry a UUID.
 *
 * So that a boot cannot swap onto an area that holds a hibernated
 * system's pages unseen, B replaces its signature with kjump's own
 * ("KJUMPSWP01", which no kernel swaps onto), as the kernel's own
 * hibernation does with its own; R puts "SWAPSPACE2" back before it
 * jumps, and so does a boot that discards the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/internal.h"
#include "common/le.h"
#include "disk/disk.h"

#define PAGE		4096
#define SWAP_VERSION	1024
#define SWAP_UUID	0x40c
#define SWAP_MAGIC	(PAGE - 10)
#define SWAP_FREE	"SWAPSPACE2"
#define SWAP_HELD	"KJUMPSWP01"

static int swap_identify(const struct kj_disk_src *s, uint8_t id[16])
{
	uint8_t page[PAGE];
	int err = s->read(s, page, PAGE, 0);

	if (err)
		return err;
	if ((memcmp(page + SWAP_MAGIC, SWAP_FREE, 10) &&
	     memcmp(page + SWAP_MAGIC, SWAP_HELD, 10)) ||
	    get_le32(page + SWAP_VERSION) != 1)
		return -EMEDIUMTYPE;
	memcpy(id, page + SWAP_UUID, 16);
	return 0;
}

static int swap_hash(const struct kj_disk_src *s, struct kj_disk_hash *h)
{
	return kj_disk_hash_range(h, s, 0, PAGE);
}

const struct kj_disk_type kj_disk_swap = {
	.name = "swap",
	.kind = KJ_DISK_SWAP,
	.identify = swap_identify,
	.hash = swap_hash,
};

/* The header page with from's signature gets to's; already to's: done. */
static int resign(int fd, uint8_t *page, const char *from, const char *to)
{
	int err = kj_pread_all(fd, page, PAGE, 0);

	if (err || !memcmp(page + SWAP_MAGIC, to, 10))
		return err;
	if (memcmp(page + SWAP_MAGIC, from, 10))
		return -EMEDIUMTYPE;
	memcpy(page + SWAP_MAGIC, to, 10);
	err = kj_pwrite_all(fd, page, PAGE, 0);
	if (!err && fsync(fd))
		err = -errno;
	return err;
}

int kj_disk_swap_hold(const char *dev, bool hold)
{
	uint8_t *page = NULL;
	int fd = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = posix_memalign((void **)&page, PAGE, PAGE) ? -ENOMEM
	      : resign(fd, page, hold ? SWAP_FREE : SWAP_HELD, hold ? SWAP_HELD : SWAP_FREE);
	free(page);
	close(fd);
	return err;
}
