// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The machine R restores on. Started by the boot loader, R was given the
 * saved RAM as legacy persistent memory (memmap=SIZE!START) and the
 * kernel's KASLR placed it outside; started by C, it was given the same
 * as e820 type 12 by C's plan. Either way, before anything is written:
 * the devices must be the image's RAM exactly, that RAM must be RAM (or
 * that type 12) in the firmware's map, and R's kernel must not lie in it.
 */
#include <errno.h>
#include <stdlib.h>

#include "restore/restore.h"
#include "machine/machine.h"

static int same_ram(const struct kj_pmems *p, const struct kj_image_header *h,
		    struct kj_range *bad)
{
	/* one more than a header holds: a device too many is a difference */
	struct kj_range have[KJ_IMAGE_MAP_MAX + 1];
	size_t n = kj_pmems_ranges(p, have, KJ_ARRAY_SIZE(have)), i;

	if (n > KJ_ARRAY_SIZE(have))
		n = KJ_ARRAY_SIZE(have);
	i = kj_ranges_first_difference(have, n, h->ram, h->nram);
	if (i == SIZE_MAX)
		return 0;
	*bad = i < h->nram ? h->ram[i] : have[i];
	return -EXDEV;
}

/* RAM in the firmware's map; or, in an R that C started, the legacy
 * persistent memory C's plan described it as. */
static int firmware_ram(const struct kj_iomem *iomem,
			const struct kj_image_header *h, struct kj_range *bad)
{
	struct kj_e820_entry *fw;
	struct kj_range *ram;
	size_t nfw, n = 0;
	int err = kj_fw_memmap_read(iomem, &fw, &nfw);

	if (err)
		return err;
	ram = calloc(nfw ? nfw : 1, sizeof(*ram));
	if (!ram) {
		free(fw);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nfw; i++)
		if (fw[i].type == KJ_E820_RAM || fw[i].type == KJ_E820_PRAM)
			ram[n++] = fw[i].range;
	for (uint32_t i = 0; !err && i < h->nram; i++)
		if (!kj_range_within(&h->ram[i], ram, n)) {
			*bad = h->ram[i];
			err = -ERANGE;
		}
	free(ram);
	free(fw);
	return err;
}

static int kernel_outside(const struct kj_iomem *iomem,
			  const struct kj_image_header *h, struct kj_range *bad)
{
	static const char *const parts[] = { "Kernel code", "Kernel data", "Kernel bss" };

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (kj_iomem_find(iomem, parts[i], bad))
			return -ENOENT;
		for (uint32_t j = 0; j < h->nram; j++)
			if (kj_ranges_overlap(bad, &h->ram[j]))
				return -EBUSY;
	}
	return 0;
}

int kj_restore_check_machine(const struct kj_pmems *p,
			     const struct kj_image_header *h, struct kj_range *bad)
{
	struct kj_iomem *iomem;
	int err = same_ram(p, h, bad);

	if (err)
		return err;
	err = kj_iomem_read("/proc/iomem", &iomem, NULL);
	if (err)
		return err;
	err = firmware_ram(iomem, h, bad);
	if (!err)
		err = kernel_outside(iomem, h, bad);
	kj_iomem_free(iomem);
	return err;
}
