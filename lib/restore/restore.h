/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/restore: writing an image back in R. */
#ifndef KJ_RESTORE_H
#define KJ_RESTORE_H

#include "image/image.h"

/* ---- Restoring (in R) --------------------------------------------------- */

struct kj_pmems;

/* Opens every legacy persistent memory device (/dev/pmemN) with its
 * physical range. -ENODEV if there is none. */
int kj_pmems_open(struct kj_pmems **p);
void kj_pmems_close(struct kj_pmems *p);
/* Reads physical memory through them; -ENXIO outside them. */
int kj_pmems_read(const struct kj_pmems *p, uint64_t addr, void *buf,
		  size_t len);
/* Their physical ranges, in address order, into out (at most max).
 * Returns how many devices there are. */
size_t kj_pmems_ranges(const struct kj_pmems *p, struct kj_range *out, size_t max);
/*
 * The machine R runs on: the devices must be exactly the image's RAM
 * (-EXDEV), that RAM must be RAM, or legacy persistent memory as C's plan
 * describes it, in the firmware's map (-ERANGE), and this kernel must lie
 * outside it (-EBUSY; -ENOENT if /proc/iomem does not say where it is).
 * bad is set to the range at fault.
 */
int kj_restore_check_machine(const struct kj_pmems *p,
			     const struct kj_image_header *h, struct kj_range *bad);
/* Checks the image's shape again (heads, run tables, trailer; not the
 * data, which the caller verified before) and that every page lands in a
 * device (-ERANGE if not), writing nothing. */
int kj_restore_check(struct kj_image *img, struct kj_pmems *p,
		     struct kj_image_error *err);
/* Writes every page back, zero pages as zeros, from one thread per CPU,
 * checking every block's checksum in the same pass, then syncs. On a bad
 * block it stops with -EBADMSG: what was written must not be jumped to. */
int kj_restore_write(struct kj_image *img, struct kj_pmems *p,
		     struct kj_image_error *err, uint64_t *pages);

#endif
