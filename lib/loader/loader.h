/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/loader: planning a load of B or R. Private to lib/ and unit tests. */
#ifndef KJ_LOADER_H
#define KJ_LOADER_H

#include <stdlib.h>

#include "common/internal.h"
#include "core/core.h"
#include "kexec/kexec.h"
#include "machine/machine.h"

#define KJ_BOOT_PARAMS_SIZE 4096
/* What B needs to run beyond its segments, on top of 3x its initrd. */
#define KJ_RUNTIME_MARGIN (32ull << 20)

/* The caller's RAM as the loaded kernel is told it: R as legacy persistent
 * memory (type 12), to write into; B as ACPI data (type 3), which it never
 * allocates from but maps for its kexec loads (see lib/flow/back.c). */
struct kj_e820_caller {
	const struct kj_range *ram;
	size_t n;
	uint32_t type;
};

/* The map for a loaded kernel: fw's non-RAM entries, ram as RAM with the
 * carve-outs reserved, the caller's RAM as caller->type. Sorted; -EINVAL
 * if entries overlap, -E2BIG if they do not fit in boot_params. */
int kj_e820_build(const struct kj_e820_entry *fw, size_t nfw,
		  const struct kj_range *ram, size_t nram,
		  const struct kj_range *carve, size_t ncarve,
		  const struct kj_e820_caller *caller,
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

/*
 * Parses a bzImage's setup header. Errors:
 *   -ENOEXEC          not a bzImage (no boot flag or "HdrS")
 *   -EPROTONOSUPPORT  boot protocol older than 2.12; bz->version is set
 *   -EPROTOTYPE       no 64-bit entry point, or not relocatable
 *   -EBADMSG          damaged or truncated
 */
int kj_bzimage_parse(const void *buf, size_t len, struct kj_bzimage *bz);

/* The release a bzImage's version string begins with ("6.12.118-amd64"),
 * into out; -ENODATA if it has none, -ENOEXEC if not a bzImage. */
int kj_bzimage_release(const void *buf, size_t len, char *out, size_t size);

struct kj_load_input {
	const void *kernel;
	size_t kernel_size;
	const void *initrd;
	size_t initrd_size;
	const char *append;		/* the user's part of B's command line */
	const struct kj_system *sys;
	/* Load R, to restore: the caller's RAM (all but the region and low
	 * memory) becomes legacy persistent memory (e820 type 12, /dev/pmemN)
	 * instead of /proc/vmcore; no ELF core headers. */
	bool restore;
	/* B's slot, a part of the region (kj_slot_range()); NULL: all of
	 * it. Its ELF core headers and map leave out the whole region. */
	const struct kj_range *slot;
};

/* Slot n (from 1) of slot_size bytes, from the region's start (2 MiB
 * aligned sizes); -ERANGE if it does not lie wholly in the region,
 * -EINVAL for slot 0 or a size that is not a multiple of 2 MiB. */
int kj_slot_range(const struct kj_range *region, unsigned n, uint64_t slot_size,
		  struct kj_range *out);

/*
 * Plans a load of kernel B confined to the region and the low memory it
 * may use. Builds B's boot_params, command line, ELF core headers and
 * purgatory. Errors, beyond kj_bzimage_parse()'s:
 *   -ENOENT        no crashkernel= region
 *   -ENOSPC        the region is too small; plan->region_needed says how big
 *   -ERANGE        the region lies where the kernel or initrd cannot go
 *   -ENAMETOOLONG  the command line is longer than the kernel takes
 *   -E2BIG         more than 16 segments, or more than 128 e820 entries
 *   -EFBIG         more than half of RAM (the kernel refuses such loads)
 *   -EXDEV         a segment outside the region and low memory (a bug)
 * On error plan is still valid to read and must be released.
 */
int kj_load_plan(const struct kj_load_input *in, struct kj_load_plan *plan);

/* The plan's segments apart, each array KJ_SEGMENTS_MAX long: those in the
 * region (B's kernel, initrd, setup, core headers), written in place by a
 * crash load, and the low-memory backups, loaded to jump with. */
void kj_plan_split(const struct kj_load_plan *plan, struct kj_segment *region,
		   size_t *nregion, struct kj_segment *low, size_t *nlow);

/* Loads the plan: with KEXEC_PRESERVE_CONTEXT for B, plain for R. Sets
 * plan->placed if B's part in the region was written in place. */
int kj_load_plan_load(struct kj_load_plan *plan);

/*
 * The arguments of a kernel command line that B and R inherit: console=
 * and those that say how to drive the machine (pci=, acpi=, iommu=, tsc=
 * and the like), space-separated into out. From the first argument that
 * does not fit on, none is copied. Returns the length written.
 */
size_t kj_cmdline_inherit(const char *cmdline, char *out, size_t size);

/* Removes from cmdline, in place, every argument that is word; returns
 * the new length. */
size_t kj_cmdline_drop(char *cmdline, const char *word);

#endif
