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
 */
#include <errno.h>
#include <string.h>

#include "common/le.h"
#include "disk/disk.h"

#define PAGE		4096
#define SWAP_VERSION	1024
#define SWAP_UUID	0x40c
#define SWAP_MAGIC	(PAGE - 10)

static int swap_identify(const struct kj_disk_src *s, uint8_t id[16])
{
	uint8_t page[PAGE];
	int err = s->read(s, page, PAGE, 0);

	if (err)
		return err;
	if (memcmp(page + SWAP_MAGIC, "SWAPSPACE2", 10) ||
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
