/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/loader: planning a load of B or R. Private to lib/ and unit tests. */
#ifndef KJ_LOADER_H
#define KJ_LOADER_H

#include <stdlib.h>

#include "common/internal.h"
#include "machine/machine.h"

#define KJ_BOOT_PARAMS_SIZE 4096
/* What B needs to run beyond its segments, on top of 3x its initrd. */
#define KJ_RUNTIME_MARGIN (32ull << 20)

/* The map for a loaded kernel: fw's non-RAM entries, ram as RAM with the
 * carve-outs reserved, pram as legacy persistent memory (type 12). Sorted;
 * -EINVAL if entries overlap. */
int kj_e820_build(const struct kj_e820_entry *fw, size_t nfw,
		  const struct kj_range *ram, size_t nram,
		  const struct kj_range *carve, size_t ncarve,
		  const struct kj_range *pram, size_t npram,
		  struct kj_e820_entry *map, size_t *n);

/* The page-aligned RAM below 1 MiB in the firmware's map. */
int kj_low_ranges(const struct kj_e820_entry *fw, size_t nfw,
		  struct kj_range *out, size_t max, size_t *n);

struct kj_boot_setup {
	uint64_t cmdline;
	uint64_t initrd;
	uint64_t initrd_size;
	uint64_t rsdp;
	const struct kj_e820_entry *e820;
	size_t ne820;
};

/* Fills a zeroed 4096-byte boot_params from the image's setup header. */
void kj_boot_params_build(uint8_t *bp, const void *image,
			  const struct kj_bzimage *bz,
			  const struct kj_boot_setup *s);

/* Checks a plan: at most 16 segments, page aligned, inside allowed, not
 * overlapping, at most half of total_ram. */
int kj_plan_check(const struct kj_load_plan *plan, const struct kj_range *allowed,
		  size_t nallowed, uint64_t total_ram);

#endif
