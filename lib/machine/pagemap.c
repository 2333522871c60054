// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where a page of this process lies in physical memory, from
 * /proc/self/pagemap (Documentation/admin-guide/mm/pagemap.rst): one
 * 64-bit entry per virtual page, bit 63 "present", bits 0-54 the page
 * frame number, which only a process with CAP_SYS_ADMIN sees (others
 * read 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "machine/machine.h"

#define PM_PRESENT	(1ull << 63)
#define PM_PFN_MASK	((1ull << 55) - 1)

int kj_pagemap_entry_phys(uint64_t entry, uintptr_t vaddr, uint64_t *phys)
{
	uint64_t pfn = entry & PM_PFN_MASK;

	if (!(entry & PM_PRESENT))
		return -ENXIO;
	if (!pfn)
		return -EPERM;
	*phys = pfn * KJ_PAGE_SIZE + vaddr % KJ_PAGE_SIZE;
	return 0;
}

int kj_phys_of(const void *p, uint64_t *phys)
{
	uintptr_t v = (uintptr_t)p;
	uint64_t entry;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, &entry, sizeof(entry), (off_t)(v / KJ_PAGE_SIZE * sizeof(entry)));
	close(fd);
	if (n != (ssize_t)sizeof(entry))
		return n < 0 ? -errno : -EIO;
	return kj_pagemap_entry_phys(entry, v, phys);
}
