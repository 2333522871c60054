// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which pages were free in the saved kernel's buddy allocator, read from
 * its own struct pages (mem_map, through vmemmap) with the layout that
 * VMCOREINFO gives. A free block starts with a page whose page_type says
 * "buddy" and whose private field holds the block's order; the whole
 * block, 2^order pages, is free.
 *
 * Only what VMCOREINFO states is used: if a field is missing the map is
 * not built and the caller saves every page. A page whose struct page
 * cannot be read, or whose order is out of range, counts as in use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/pgtable.h"

struct layout {
	uint64_t vmemmap, page_size, off_type, off_private, buddy, max_order;
};

struct kj_freemap {
	uint64_t npfn;
	uint64_t nfree;
	uint64_t *bits;
};

static int read_layout(const char *info, struct layout *l)
{
	uint64_t orders;

	if (kj_vmcoreinfo_u64(info, "SYMBOL(vmemmap)", &l->vmemmap) ||
	    kj_vmcoreinfo_u64(info, "SIZE(page)", &l->page_size) ||
	    kj_vmcoreinfo_u64(info, "OFFSET(page._mapcount)", &l->off_type) ||
	    kj_vmcoreinfo_u64(info, "OFFSET(page.private)", &l->off_private) ||
	    kj_vmcoreinfo_u64(info, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &l->buddy) ||
	    kj_vmcoreinfo_u64(info, "LENGTH(zone.free_area)", &orders))
		return -ENOENT;
	if (!l->page_size || l->page_size > 256 || l->off_type + 4 > l->page_size ||
	    l->off_private + 8 > l->page_size || !orders || orders > 20)
		return -EINVAL;
	l->max_order = orders - 1;
	return 0;
}

/* 6.12 and later keep the type in the top byte of page_type; earlier
 * kernels compared the whole value with ~PG_buddy. */
static bool is_buddy(const struct layout *l, uint32_t page_type)
{
	uint32_t want = (uint32_t)l->buddy;

	if (!(want & 0xffffff))
		return page_type >> 24 == want >> 24;
	return page_type == want;
}

static void mark(struct kj_freemap *m, uint64_t pfn, uint64_t n, uint64_t end)
{
	for (; n && pfn < end; n--, pfn++) {
		if (!(m->bits[pfn / 64] & (1ull << (pfn % 64))))
			m->nfree++;
		m->bits[pfn / 64] |= 1ull << (pfn % 64);
	}
}

/* One 4 KiB page of the vmemmap array, read whole: struct pages are
 * read by the thousand, and a read of /proc/vmcore is not cheap. */
struct memmap_page {
	uint64_t va;			/* 1: none held */
	bool ok;
	uint8_t buf[4096];
};

/* The struct page of pfn, through the vmemmap mapping. */
static const uint8_t *struct_page(struct kj_pgtable *pt, const struct layout *l,
				  struct memmap_page *mp, uint64_t pfn)
{
	uint64_t va = l->vmemmap + pfn * l->page_size, pa;
	uint64_t page = va & ~0xfffull;

	if ((va & 0xfff) + l->page_size > 4096)
		return NULL;	/* straddles a page: not on x86-64 */
	if (page != mp->va) {
		mp->va = page;
		mp->ok = !kj_vtop(pt, page, &pa) &&
			 !kj_vmcore_read(pt->vc, pa, mp->buf, sizeof(mp->buf));
	}
	return mp->ok ? mp->buf + (va & 0xfff) : NULL;
}

static void scan(struct kj_freemap *m, struct kj_pgtable *pt,
		 const struct layout *l, struct memmap_page *mp, uint64_t pfn,
		 uint64_t end)
{
	const uint8_t *sp;

	while (pfn < end) {
		uint32_t type;
		uint64_t order;

		sp = struct_page(pt, l, mp, pfn);
		if (!sp) {
			pfn++;
			continue;
		}
		memcpy(&type, sp + l->off_type, 4);
		memcpy(&order, sp + l->off_private, 8);
		if (!is_buddy(l, type) || order > l->max_order) {
			pfn++;
			continue;
		}
		mark(m, pfn, 1ull << order, end);
		pfn += 1ull << order;
	}
}

int kj_freemap_build(const struct kj_vmcore *vc, struct kj_freemap **out)
{
	struct memmap_page *mp;
	struct kj_freemap *m;
	struct kj_pgtable pt;
	struct layout l;
	const char *info;
	uint64_t max_pfn = 0;
	int err;

	if (kj_vmcore_vmcoreinfo(vc, &info))
		return -ENOENT;
	if ((err = read_layout(info, &l)) || (err = kj_pgtable_init(&pt, vc, info)))
		return err;
	for (size_t i = 0; i < kj_vmcore_phdr_count(vc); i++) {
		const struct kj_elf_phdr *ph = kj_vmcore_phdr(vc, i);
		uint64_t first, end;

		kj_phdr_pages(ph, &first, &end);
		if (ph->type == KJ_PT_LOAD && end > max_pfn)
			max_pfn = end;
	}
	m = calloc(1, sizeof(*m));
	mp = malloc(sizeof(*mp));
	if (!m || !mp || !(m->bits = calloc(max_pfn / 64 + 1, 8))) {
		free(m);
		free(mp);
		return -ENOMEM;
	}
	m->npfn = max_pfn;
	mp->va = 1;
	for (size_t i = 0; i < kj_vmcore_phdr_count(vc); i++) {
		const struct kj_elf_phdr *ph = kj_vmcore_phdr(vc, i);
		uint64_t first, end;

		kj_phdr_pages(ph, &first, &end);
		if (ph->type == KJ_PT_LOAD)
			scan(m, &pt, &l, mp, first, end);
	}
	free(mp);
	*out = m;
	return 0;
}

bool kj_freemap_test(const struct kj_freemap *m, uint64_t pfn)
{
	return pfn < m->npfn && (m->bits[pfn / 64] & (1ull << (pfn % 64)));
}

uint64_t kj_freemap_count(const struct kj_freemap *m)
{
	return m->nfree;
}

void kj_freemap_free(struct kj_freemap *m)
{
	if (m)
		free(m->bits);
	free(m);
}
