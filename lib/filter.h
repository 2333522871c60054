/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the saved kernel's own structures out of its core. */
#ifndef KJ_FILTER_H
#define KJ_FILTER_H

#include "internal.h"

/* The value of KEY in a VMCOREINFO text; -ENOENT if it is not there. */
int kj_vmcoreinfo_u64(const char *text, const char *key, uint64_t *out);

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
