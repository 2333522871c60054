// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where to reserve kjump's region, and how much: what 'kjump setup'
 * writes as crashkernel=SIZE@START.
 *
 * The size is what B needs to save this machine with a thread for each
 * CPU (up to THREADS_MAX): a load of B planned as if the region were
 * there (kj_region_for_save()), and room for B's bitmaps of A's pages.
 * The start is the lowest address, at or above 256 MiB and below 4 GiB,
 * where the firmware's map has RAM for all of it: above where a kernel
 * booted without KASLR lies (16 MiB up), and below where boot loaders put
 * the initramfs (as high as they can).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "flow/flow.h"

#define ALIGN		(16ull << 20)	/* crashkernel= wants it aligned */
#define LOW		(256ull << 20)
#define HIGH		(4ull << 30)
#define TRIAL		(1ull << 30)	/* big enough for any plan */
#define THREADS_MAX	8u		/* past this the disk is the limit */

/* The lowest aligned start in the firmware's RAM where size fits. */
static int place(const struct kj_system *sys, uint64_t size, uint64_t *start)
{
	uint64_t best = 0;

	for (size_t i = 0; i < sys->nfw; i++) {
		const struct kj_range *r = &sys->fw[i].range;
		uint64_t s = kj_align_up(r->start > LOW ? r->start : LOW, ALIGN);

		if (sys->fw[i].type != KJ_E820_RAM || s > r->end ||
		    r->end - s + 1 < size || s + size > HIGH)
			continue;
		if (!best || s < best)
			best = s;
	}
	*start = best;
	return best ? 0 : -ENOSPC;
}

static unsigned threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1u : (unsigned)n > THREADS_MAX ? THREADS_MAX : (unsigned)n;
}

int kj_advise_region(const struct kj_load_opts *o, struct kj_region_advice *a)
{
	struct kj_range trial = { LOW, LOW + TRIAL - 1 };
	struct kj_flow_load l = { .o = *o, .region = &trial };
	struct kj_load_plan plan;
	struct kj_system sys;
	int err = kj_flow_dry_run(&l, &plan, &sys);

	memset(a, 0, sizeof(*a));
	if (!err) {
		a->threads = threads();
		a->ram = sys.total_ram;
		a->size = kj_align_up(kj_region_for_save(&plan, a->threads) +
				      (sys.total_ram >> 14), ALIGN);
		err = place(&sys, a->size, &a->start);
		if (err)
			say_error(o->report, "no RAM between 256 MiB and 4 GiB holds a %llu MiB region in one piece",
				  (unsigned long long)(a->size >> 20));
	}
	kj_load_plan_release(&plan);
	kj_system_release(&sys);
	return err;
}
