/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The saved kernel's page tables, walked through its core. */
#ifndef KJ_PGTABLE_H
#define KJ_PGTABLE_H

#include "core/core.h"

/* Virtual to physical through the saved kernel's page tables. */
struct kj_pgtable {
	const struct kj_vmcore *vc;
	uint64_t root;			/* physical address of the top table */
	bool five_level;
	uint64_t cached_va, cached_pa;	/* the last 4 KiB page translated */
};

int kj_pgtable_init(struct kj_pgtable *pt, const struct kj_vmcore *vc,
		    const char *vmcoreinfo);
/* -EFAULT if va is not mapped, or its tables are not in the core. */
int kj_vtop(struct kj_pgtable *pt, uint64_t va, uint64_t *pa);

#endif
