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
#include <string.h>
#include <sys/mman.h>
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

int kj_page_lock(uint8_t **page, uint64_t *phys)
{
	void *p = mmap(NULL, KJ_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);
	int err;

	if (p == MAP_FAILED)
		return -errno;
	if (mlock(p, KJ_PAGE_SIZE)) {
		err = -errno;
		munmap(p, KJ_PAGE_SIZE);
		return err;
	}
	memset(p, 0, KJ_PAGE_SIZE);
	err = kj_phys_of(p, phys);
	if (err) {
		kj_page_unlock(p);
		return err;
	}
	*page = p;
	return 0;
}

bool kj_page_still_at(const uint8_t *page, uint64_t phys)
{
	uint64_t now;

	return !kj_phys_of(page, &now) && now == phys;
}

void kj_page_unlock(uint8_t *page)
{
	if (!page)
		return;
	explicit_bzero(page, KJ_PAGE_SIZE);
	munlock(page, KJ_PAGE_SIZE);
	munmap(page, KJ_PAGE_SIZE);
}
