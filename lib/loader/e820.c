// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The e820 map a loaded kernel is told: RAM only where it may live (the
 * region and the low memory it may use), every non-RAM entry of the
 * firmware's map kept as it is so ACPI still works, the caller's other RAM
 * typed as R or B needs it (kj_e820_caller), and carve-outs (the ELF core
 * headers) as reserved.
 */
#include <errno.h>
#include <string.h>

#include "loader/loader.h"

int kj_low_ranges(const struct kj_e820_entry *fw, size_t nfw,
		  struct kj_range *out, size_t max, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < nfw; i++) {
		uint64_t s = kj_page_up(fw[i].range.start);
		uint64_t e = fw[i].range.end + 1;

		if (fw[i].type != KJ_E820_RAM || s >= KJ_LOW_MEM_END)
			continue;
		if (e > KJ_LOW_MEM_END)
			e = KJ_LOW_MEM_END;
		e &= ~(uint64_t)(KJ_PAGE_SIZE - 1);
		if (s >= e)
			continue;
		if (*n == max)
			return -E2BIG;
		out[*n].start = s;
		out[(*n)++].end = e - 1;
	}
	kj_ranges_sort(out, *n);
	return 0;
}

static int add(struct kj_e820_entry *map, size_t *n, uint64_t start,
	       uint64_t end, uint32_t type)
{
	if (start > end)
		return 0;
	if (*n == KJ_E820_MAX)
		return -E2BIG;
	map[*n].range.start = start;
	map[*n].range.end = end;
	map[(*n)++].type = type;
	return 0;
}

/* Adds ram as RAM, with the parts under a carve-out as reserved. The
 * carve-outs are sorted and do not overlap each other. */
static int add_ram(struct kj_e820_entry *map, size_t *n,
		   const struct kj_range *ram, const struct kj_range *carve,
		   size_t ncarve)
{
	uint64_t at = ram->start;
	int err = 0;

	for (size_t i = 0; i < ncarve && !err; i++) {
		const struct kj_range *c = &carve[i];

		if (!kj_ranges_overlap(c, ram))
			continue;
		if (c->start > at)
			err = add(map, n, at, c->start - 1, KJ_E820_RAM);
		if (!err)
			err = add(map, n, c->start > at ? c->start : at,
				  c->end < ram->end ? c->end : ram->end,
				  KJ_E820_RESERVED);
		if (c->end >= ram->end)
			return err;
		at = c->end + 1;
	}
	return err ? err : add(map, n, at, ram->end, KJ_E820_RAM);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct kj_e820_entry *x = a, *y = b;

	return x->range.start < y->range.start ? -1 :
	       x->range.start > y->range.start;
}

int kj_e820_build(const struct kj_e820_entry *fw, size_t nfw,
		  const struct kj_range *ram, size_t nram,
		  const struct kj_range *carve, size_t ncarve,
		  const struct kj_e820_caller *caller,
		  struct kj_e820_entry *map, size_t *n)
{
	int err = 0;

	*n = 0;
	for (size_t i = 0; i < nfw && !err; i++)
		if (fw[i].type != KJ_E820_RAM)
			err = add(map, n, fw[i].range.start, fw[i].range.end,
				  fw[i].type);
	for (size_t i = 0; i < nram && !err; i++)
		err = add_ram(map, n, &ram[i], carve, ncarve);
	for (size_t i = 0; caller && i < caller->n && !err; i++)
		err = add(map, n, caller->ram[i].start, caller->ram[i].end,
			  caller->type);
	if (err)
		return err;
	qsort(map, *n, sizeof(*map), cmp_entry);
	for (size_t i = 1; i < *n; i++)
		if (map[i].range.start <= map[i - 1].range.end)
			return -EINVAL;
	return 0;
}
