/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/machine: the running machine's memory as its kernel and firmware
 * describe it. */
#ifndef KJ_MACHINE_H
#define KJ_MACHINE_H

#include "common/internal.h"

/* Physical memory below this is "low": the real-mode trampoline lives there. */
#define KJ_LOW_MEM_END 0x100000ull

/* boot_params' acpi_rsdp_addr: read from the running kernel's, written
 * into a loaded kernel's. */
#define KJ_BP_ACPI_RSDP_ADDR 0x070

/* True if all of [start, start + size) is in top-level entries named name. */
bool kj_iomem_covers(const struct kj_iomem *iomem, const char *name,
		     uint64_t start, uint64_t size);

/* Top-level "System RAM" into out (kj_iomem_count() entries at most),
 * adjacent entries joined; how many ranges. */
size_t kj_iomem_system_ram(const struct kj_iomem *iomem, struct kj_range *out);

/* The firmware's map: /sys/firmware/memmap, else /proc/iomem's top level. */
int kj_fw_memmap_read(const struct kj_iomem *iomem,
		      struct kj_e820_entry **out, size_t *n);
/* The same, with dir in place of /sys/firmware/memmap (for tests). */
int kj_fw_memmap_read_dir(const char *dir, const struct kj_iomem *iomem,
			  struct kj_e820_entry **out, size_t *n);

/* The e820 type for a name as /sys/firmware/memmap and /proc/iomem write
 * it ("System RAM", "ACPI Tables"...), or 0 if it is not an e820 type. */
uint32_t kj_e820_type(const char *name);

/* The first "lpj=N)" on a "Calibrating delay loop" line of a kernel log,
 * or 0. */
uint64_t kj_lpj_parse(const char *log, size_t len);

/* The running kernel's loops per jiffy (lib/machine/lpj.c), or 0 if its
 * log no longer says. */
uint64_t kj_running_lpj(void);

/* Whether the first "flags" line of a /proc/cpuinfo text names the
 * local APIC but not the TSC deadline timer: a kernel on such CPUs
 * measures its APIC timers for 100 ms at boot (lib/machine/lapic.c). */
bool kj_cpuinfo_lapic_calibrates(const char *text, size_t len);
/* The same of this machine's CPUs; false if /proc/cpuinfo cannot be read. */
bool kj_lapic_calibrates(void);

/* A pagemap entry (/proc/self/pagemap) for the page of vaddr: the
 * physical address of vaddr. -ENXIO if the page is not present, -EPERM if
 * the entry hides its frame (the reader lacks CAP_SYS_ADMIN). */
int kj_pagemap_entry_phys(uint64_t entry, uintptr_t vaddr, uint64_t *phys);
/* The physical address of p in this process (a page it has touched and
 * locked: one that may move or be swapped out gives no lasting answer). */
int kj_phys_of(const void *p, uint64_t *phys);

/* A zeroed page of this process, locked in RAM, and where it lies now
 * (mlock keeps it in RAM, not in place: compaction may move it). */
int kj_page_lock(uint8_t **page, uint64_t *phys);
/* Whether page still lies at phys. */
bool kj_page_still_at(const uint8_t *page, uint64_t phys);
/* Wipes, unlocks and frees a page of kj_page_lock(); NULL is ignored. */
void kj_page_unlock(uint8_t *page);

/* Where the loaded kexec image would be entered now (its kernel's
 * kimage start): after a jump came back, the peer's re-entry point.
 * Needs root, /proc/kallsyms and /proc/kcore (lib/machine/kimage.c). */
int kj_kexec_image_start(uint64_t *start);

#endif
