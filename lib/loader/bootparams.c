// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot_params, the "zero page" (Documentation/arch/x86/zero-page.rst):
 * the image's own setup header, then what the loader fills in. Offsets
 * are written out, never through a C struct.
 */
#include <string.h>

#include "common/le.h"
#include "loader/loader.h"

#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_HDR			0x1f1
#define BP_TYPE_OF_LOADER	0x210
#define BP_LOADFLAGS		0x211
#define BP_CODE32_START		0x214
#define BP_RAMDISK_IMAGE	0x218
#define BP_RAMDISK_SIZE		0x21c
#define BP_CMD_LINE_PTR		0x228
#define BP_SETUP_DATA		0x250
#define BP_E820_TABLE		0x2d0
#define E820_ENTRY_SIZE		20

#define LOADER_UNDEFINED	0xff
#define LOADED_HIGH		0x01

static void put_e820(uint8_t *bp, const struct kj_e820_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = bp + BP_E820_TABLE + i * E820_ENTRY_SIZE;

		put_le64(p, e[i].range.start);
		put_le64(p + 8, kj_range_size(&e[i].range));
		put_le32(p + 16, e[i].type);
	}
	bp[BP_E820_ENTRIES] = (uint8_t)n;
}

void kj_boot_params_build(uint8_t *bp, const void *image,
			  const struct kj_bzimage *bz,
			  const struct kj_boot_setup *s)
{
	memcpy(bp + BP_HDR, (const uint8_t *)image + BP_HDR,
	       bz->header_end - BP_HDR);
	bp[BP_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	bp[BP_LOADFLAGS] = LOADED_HIGH;
	put_le32(bp + BP_CODE32_START, 0);
	put_le64(bp + BP_SETUP_DATA, 0);
	put_le32(bp + BP_RAMDISK_IMAGE, (uint32_t)s->initrd);
	put_le32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(s->initrd >> 32));
	put_le32(bp + BP_RAMDISK_SIZE, (uint32_t)s->initrd_size);
	put_le32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(s->initrd_size >> 32));
	put_le32(bp + BP_CMD_LINE_PTR, (uint32_t)s->cmdline);
	put_le32(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(s->cmdline >> 32));
	put_le64(bp + KJ_BP_ACPI_RSDP_ADDR, s->rsdp);
	put_e820(bp, s->e820, s->ne820);
}
