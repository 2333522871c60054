// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86-64 page tables, walked in the saved kernel's memory: 4 or 5 levels,
 * with 1 GiB and 2 MiB pages. The top table is init_top_pgt, a symbol in
 * the kernel image, whose physical address is its virtual address minus
 * __START_KERNEL_map plus phys_base.
 */
#include <errno.h>
#include <string.h>

#include "core/pgtable.h"

#define START_KERNEL_MAP	0xffffffff80000000ull
#define PTE_PRESENT		(1ull << 0)
#define PTE_HUGE		(1ull << 7)
#define PTE_ADDR		0x000ffffffffff000ull

int kj_pgtable_init(struct kj_pgtable *pt, const struct kj_vmcore *vc,
		    const char *info)
{
	uint64_t top, phys_base, l5 = 0;

	if (kj_vmcoreinfo_u64(info, "SYMBOL(init_top_pgt)", &top) ||
	    kj_vmcoreinfo_u64(info, "NUMBER(phys_base)", &phys_base))
		return -ENOENT;
	kj_vmcoreinfo_u64(info, "NUMBER(pgtable_l5_enabled)", &l5);
	memset(pt, 0, sizeof(*pt));
	pt->vc = vc;
	pt->root = top - START_KERNEL_MAP + phys_base;
	pt->five_level = l5 != 0;
	pt->cached_va = 1;	/* no page is cached: never page aligned */
	return 0;
}

static int read_entry(const struct kj_pgtable *pt, uint64_t table,
		      unsigned int index, uint64_t *e)
{
	if (kj_vmcore_read(pt->vc, table + index * 8u, e, 8))
		return -EFAULT;
	return *e & PTE_PRESENT ? 0 : -EFAULT;
}

int kj_vtop(struct kj_pgtable *pt, uint64_t va, uint64_t *pa)
{
	unsigned int shift = pt->five_level ? 48 : 39;
	uint64_t table = pt->root, e = 0, page = va & ~0xfffull;

	if (page == pt->cached_va) {
		*pa = pt->cached_pa | (va & 0xfff);
		return 0;
	}
	for (; shift >= 12; shift -= 9) {
		if (read_entry(pt, table, (unsigned int)(va >> shift) & 511, &e))
			return -EFAULT;
		if ((shift == 30 || shift == 21) && (e & PTE_HUGE))
			break;
		table = e & PTE_ADDR;
	}
	if (shift >= 12) {	/* a huge page: keep the offset below it */
		uint64_t size = 1ull << shift;

		*pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
	} else {
		*pa = table | (va & 0xfff);
	}
	pt->cached_va = page;
	pt->cached_pa = *pa & ~0xfffull;
	return 0;
}
