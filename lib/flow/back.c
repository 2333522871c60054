// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * In B: the jump back to the caller (see lib/kexec/jump.c). B's map names
 * the caller's RAM as ACPI data where boot_params had room for it; the
 * kernel then maps the control page already, and the jump back swaps
 * nothing, so the caller's newest control page stays where it is and
 * B's core shows it after every return. Otherwise the page goes in a
 * segment, read from the core, and the load must be kept (flow/jump.c).
 */
#include <errno.h>
#include <stdlib.h>

#include "flow/flow.h"
#include "machine/machine.h"

/* The name /proc/iomem gives ranges of e820 type 3. */
#define ACPI_DATA "ACPI Tables"

static bool control_page_mapped(uint64_t page)
{
	struct kj_iomem *iomem;
	bool mapped;

	if (kj_iomem_read("/proc/iomem", &iomem, NULL))
		return false;
	mapped = kj_iomem_covers(iomem, ACPI_DATA, page, KJ_PAGE_SIZE);
	kj_iomem_free(iomem);
	return mapped;
}

/* A kernel in a slot (kjump.keep= on its command line): its jump back
 * keeps what its load used, and the low RAM its map gives it. */
static int load_keeping(uint64_t entry, const struct kj_range *keep)
{
	struct kj_e820_entry *fw = NULL;
	struct kj_iomem *iomem;
	struct kj_range low[8];
	size_t nfw = 0, nlow = 0;
	int err = kj_iomem_read("/proc/iomem", &iomem, NULL);

	if (err)
		return err;
	err = kj_fw_memmap_read(iomem, &fw, &nfw);
	kj_iomem_free(iomem);
	if (!err)
		err = kj_low_ranges(fw, nfw, low, KJ_ARRAY_SIZE(low), &nlow);
	free(fw);
	if (!err)
		err = kj_jump_back_load_keeping(entry, low, nlow, keep);
	kj_debug("jump back keeping 0x%llx-0x%llx and %zu low ranges: %d",
		 (unsigned long long)keep->start, (unsigned long long)keep->end,
		 nlow, err);
	return err;
}

int kj_jump_back_load(const struct kj_vmcore *vc, uint64_t entry)
{
	uint64_t at = entry & ~(uint64_t)(KJ_PAGE_SIZE - 1);
	struct kj_range keep;
	char *cmdline = NULL;
	uint8_t *page;
	size_t len;
	int err;

	if (!kj_read_text("/proc/cmdline", &cmdline, &len) &&
	    !kj_keep_range(cmdline, &keep)) {
		free(cmdline);
		if (!control_page_mapped(at))
			return -EXDEV;
		return load_keeping(entry, &keep);
	}
	free(cmdline);
	if (control_page_mapped(at)) {
		kj_debug("jump back: 0x%llx is mapped as ACPI data: no segment",
			 (unsigned long long)at);
		return kj_jump_back_load_mapped(entry);
	}
	page = malloc(KJ_PAGE_SIZE);
	if (!page)
		return -ENOMEM;
	err = kj_vmcore_read(vc, at, page, KJ_PAGE_SIZE);
	if (!err)
		err = kj_jump_back_load_page(entry, page);
	free(page);
	return err;
}
