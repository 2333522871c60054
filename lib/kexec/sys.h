/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/kexec: the raw system calls, in sys.c and nowhere else. */
#ifndef KJ_SYS_H
#define KJ_SYS_H

#include "kexec/kexec.h"

int kj_sys_kexec_load(uint64_t entry, const struct kj_segment *segs,
		      size_t nr, unsigned long flags);
/* For probing the kernel's argument checks: passes segs through as is. */
int kj_sys_kexec_load_raw(unsigned long nr, const void *segs,
			  unsigned long flags);
int kj_sys_reboot_kexec(void);

/* The purgatory binary, linked into the library (purgatory_blob.S). */
extern const uint8_t kj_purgatory_blob[], kj_purgatory_blob_end[];
/* The call stub and the BIOS payloads (physcall_blob.S). */
extern const uint8_t kj_physcall_stub[], kj_physcall_stub_end[];
extern const uint8_t kj_physcall_e820[], kj_physcall_e820_end[];

#endif
