/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The physical address of a page of ours, from /proc/self/pagemap. */
#ifndef KJ_PAGEMAP_H
#define KJ_PAGEMAP_H

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

static int physical_address(void *page, uint64_t *paddr)
{
	const uint64_t pfn_mask = (1ull << 55) - 1, present = 1ull << 63;
	uint64_t entry = 0;
	off_t off = (off_t)((uintptr_t)page / 4096 * sizeof(entry));
	int fd = open("/proc/self/pagemap", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : pread(fd, &entry, sizeof(entry), off);

	if (fd >= 0)
		close(fd);
	if (n != sizeof(entry) || !(entry & present) || !(entry & pfn_mask))
		return -1;
	*paddr = (entry & pfn_mask) * 4096;
	return 0;
}

#endif
