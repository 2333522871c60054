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
/* Writes every page back, zero pages as zeros, from threads workers (0:
 * one per CPU), in one pass over the image: each block's checksum is
 * checked before any of its pages is written, and a page outside the
 * devices stops the pass (-ERANGE); then, if the header's
 * free_fill asks, fills the pages of its RAM no run named (those free in
 * A) with zeros or the poison byte, as A's allocator expects free pages to
 * be; then syncs. On a bad block it stops with -EBADMSG, filling nothing:
 * what was written must not be jumped to. *pages counts the pages of the
 * image written, not the free pages filled. */
int kj_restore_write(struct kj_image *img, struct kj_pmems *p, unsigned threads,
		     struct kj_image_error *err, uint64_t *pages);

/* ---- Which pages were written (written.c; pure) ------------------------ */

struct kj_written_span {
	uint64_t pfn, pages;		/* whole pages of one RAM range */
	uint64_t bit;			/* the bit of its first page */
};

struct kj_written {
	struct kj_written_span *span;
	uint32_t n;
	uint64_t *bits;
};

/* One bit for each whole page of the RAM ranges (sorted, disjoint), all
 * clear. A zeroed struct is an empty map: marking it does nothing. */
int kj_written_init(struct kj_written *w, const struct kj_range *ram,
		    uint32_t nram);
void kj_written_release(struct kj_written *w);
/* Marks pages [pfn, pfn + count) where they lie in the RAM; the rest is
 * ignored. Safe from several threads at once. */
void kj_written_mark(struct kj_written *w, uint64_t pfn, uint64_t count);
/* Marks every page that holds a byte of r: pages never to be filled. */
void kj_written_mark_range(struct kj_written *w, const struct kj_range *r);
/* Calls fn for each longest run of pages of the RAM not marked, in
 * address order; stops at, and returns, fn's first error. */
typedef int (*kj_gap_fn)(void *ctx, uint64_t pfn, uint64_t count);
int kj_written_gaps(const struct kj_written *w, kj_gap_fn fn, void *ctx);

#endif
