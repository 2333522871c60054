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
 * the initramfs (as high as they can). B is planned, to learn its size,
 * into the largest piece of RAM there.
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

/* Somewhere to plan B as if the region were there: the largest piece of
 * the firmware's RAM between LOW and HIGH, at most TRIAL long. */
static int trial_region(struct kj_range *trial)
{
	struct kj_system sys;
	int err = kj_system_read(&sys);

	memset(trial, 0, sizeof(*trial));
	for (size_t i = 0; !err && i < sys.nfw; i++) {
		const struct kj_range *r = &sys.fw[i].range;
		uint64_t s = kj_align_up(r->start > LOW ? r->start : LOW, ALIGN);
		uint64_t e = r->end < HIGH - 1 ? r->end : HIGH - 1;

		if (sys.fw[i].type != KJ_E820_RAM || s >= e)
			continue;
		if (e - s + 1 > TRIAL)
			e = s + TRIAL - 1;
		if (e - s > trial->end - trial->start)
			*trial = (struct kj_range){ s, e };
	}
	if (!err)
		kj_system_release(&sys);
	return err ? err : trial->end ? 0 : -ENOSPC;
}

int kj_advise_region(const struct kj_load_opts *o, struct kj_region_advice *a)
{
	struct kj_range trial;
	struct kj_flow_load l = { .o = *o, .region = &trial };
	struct kj_load_plan plan;
	struct kj_system sys;
	int err = trial_region(&trial);

	memset(a, 0, sizeof(*a));
	if (err) {
		say_error(o->report, "this machine has no RAM between 256 MiB and 4 GiB for kjump's region");
		return -ENOSPC;
	}
	err = kj_flow_dry_run(&l, &plan, &sys);
	if (!err || err == -ENOSPC) {
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
