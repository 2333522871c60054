/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's parameter block: the only thing lib/ and purgatory/
 * share. The loader patches these fields, little-endian, at these offsets
 * of the purgatory binary before it loads it.
 */
#ifndef KJ_PURGATORY_H
#define KJ_PURGATORY_H

#define KJ_PURG_MAGIC		0x3130475255504a4bULL	/* "KJPURG01" */
#define KJ_PURG_OFF_MAGIC	0x08
#define KJ_PURG_OFF_KERNEL_ENTRY 0x10	/* B's 64-bit entry */
#define KJ_PURG_OFF_BOOT_PARAMS	0x18	/* B's boot_params, for %rsi */
#define KJ_PURG_OFF_SLOT	0x20	/* where the re-entry point's hex goes */
#define KJ_PURG_OFF_SLOT_LEN	0x28	/* how many hex digits fit there */
#define KJ_PURG_PARAMS_END	0x30

#endif
