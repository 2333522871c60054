// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * B and R live in the reserved region: their pipelines take memory for
 * each thread (the saver about 16 MiB), and a machine with many CPUs
 * would not fit the region one thread per CPU. They use as many as fit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow/flow.h"
#include "save/save.h"

/* Left for the rest of the kernel that runs the pipeline: its own
 * allocations, processes, the page cache of what it reads. */
#define RESERVE (24ull << 20)

unsigned kj_threads_fit(uint64_t available, size_t per_thread, unsigned cpus)
{
	uint64_t fit = available > RESERVE ? (available - RESERVE) / per_thread : 0;

	return fit < cpus ? (unsigned)fit : cpus;
}

/* MemAvailable, in bytes; 0 if /proc/meminfo does not say. */
static uint64_t mem_available(void)
{
	char line[128];
	unsigned long long kib = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return (uint64_t)kib << 10;
}

int kj_threads_for(const struct kj_report *r, const char *what,
		   size_t per_thread, unsigned *threads)
{
	unsigned cpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t avail = mem_available();

	*threads = avail ? kj_threads_fit(avail, per_thread, cpus ? cpus : 1) : cpus;
	if (!*threads) {
		say_error(r, "%s needs %llu MiB for one thread; this kernel has %llu MiB available",
			  what, (unsigned long long)((per_thread + RESERVE) >> 20),
			  (unsigned long long)(avail >> 20));
		say_hint(r, "reserve a larger region (crashkernel=)");
		return -ENOMEM;
	}
	if (*threads < cpus)
		say_info(r, "%s uses %u threads of %u CPUs: %llu MiB available, %llu MiB a thread",
			 what, *threads, cpus, (unsigned long long)(avail >> 20),
			 (unsigned long long)(per_thread >> 20));
	return 0;
}

uint64_t kj_region_for_save(const struct kj_load_plan *p, unsigned cpus)
{
	return kj_align_up(p->region_needed + RESERVE +
			   (uint64_t)(cpus ? cpus : 1) * kj_save_thread_bytes(), 1u << 20);
}

/* B must be able to save with one thread at least; with fewer than one a
 * CPU it is slower, and says so before the jump. */
int kj_check_save_budget(const struct kj_report *r, const struct kj_load_plan *p,
			 const struct kj_system *sys)
{
	unsigned cpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t have = kj_range_size(&sys->region);
	uint64_t one = kj_region_for_save(p, 1), all = kj_region_for_save(p, cpus);

	if (have < one) {
		say_error(r, "the reserved region is %llu MiB; B needs %llu MiB to save this system",
			  (unsigned long long)(have >> 20), (unsigned long long)(one >> 20));
		say_hint(r, "boot with crashkernel=%lluM (%lluM lets B use all %u CPUs)",
			 (unsigned long long)(one >> 20), (unsigned long long)(all >> 20), cpus);
		return -ENOSPC;
	}
	if (have < all)
		say_info(r, "the reserved region (%llu MiB) lets B save with fewer threads than the %u CPUs; crashkernel=%lluM would give it all",
			 (unsigned long long)(have >> 20), cpus, (unsigned long long)(all >> 20));
	return 0;
}
