/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/machine: the running machine's memory as its kernel and firmware
 * describe it. */
#ifndef KJ_MACHINE_H
#define KJ_MACHINE_H

#include "common/internal.h"

/* Physical memory below this is "low": the real-mode trampoline lives there. */
#define KJ_LOW_MEM_END 0x100000ull

/* The firmware's map: /sys/firmware/memmap, else /proc/iomem's top level. */
int kj_fw_memmap_read(const struct kj_iomem *iomem,
		      struct kj_e820_entry **out, size_t *n);

#endif
