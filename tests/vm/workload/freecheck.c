// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * freecheck: takes PERCENT of the free memory (MemFree in /proc/meminfo)
 * as fresh anonymous pages, each faulted in for writing, and counts the
 * bytes in them that are not zero. The kernel must hand a process zeroed
 * pages; one booted with init_on_free=1 zeroes pages as it frees them and
 * skips the zeroing at allocation, so a byte that is not zero is a free
 * page that did not hold what the kernel believed it held.
 *
 * With "wait", it maps the memory and faults in one page in 512 (so the
 * page tables exist: they too come zeroed, or not, from the free pages),
 * says "ready" on fd 3, and takes the rest only once the machine has
 * been away: CLOCK_BOOTTIME, which counts the time the kernel was
 * suspended (a kexec jump suspends timekeeping and the RTC tells it how
 * long), has moved ahead of CLOCK_MONOTONIC by AWAY_S seconds. So a test
 * prepares it before a hibernation, and it checks as soon as the resumed
 * kernel thaws it, needing nothing else of the system.
 *
 * usage: freecheck PERCENT [wait 3>ready]
 * prints: freecheck: N pages, P nonzero pages, B nonzero bytes
 * and, if P > 0, the physical address of the first such page.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "pagemap.h"

#define PAGE 4096
#define TABLE_SPAN 512		/* pages one page table maps */
/* The kernel counts the time away from the RTC's whole seconds, and a
 * resume is never quicker than a hibernation's power-off plus two boots
 * (C, then R): about 4 s with the -O2 test kernel, seen as 4.03 s, which
 * a threshold of 5 s never reached. A kernel that never went away
 * stays at 0. */
#define AWAY_S 1

static long mem_free_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* A write fault on every step-th page, which keeps what the page holds:
 * a read first would map the shared zero page. (The test kernel has no
 * madvise, and MAP_POPULATE says nothing of what it could not do.) */
static void touch(uint8_t *buf, size_t pages, size_t step)
{
	for (size_t i = 0; i < pages; i += step)
		__atomic_fetch_or((uint64_t *)(buf + i * PAGE), 0, __ATOMIC_RELAXED);
}

static size_t nonzero_bytes(const uint64_t *p, size_t words)
{
	size_t n = 0;

	for (size_t i = 0; i < words; i++)
		for (uint64_t w = p[i]; w; w >>= 8)
			n += (w & 0xff) != 0;
	return n;
}

static void count(uint8_t *buf, size_t pages)
{
	size_t bad_pages = 0, bad_bytes = 0;
	uint8_t *first = NULL;
	uint64_t paddr = 0;

	for (size_t i = 0; i < pages; i++) {
		size_t n = nonzero_bytes((const uint64_t *)(buf + i * PAGE), PAGE / 8);

		if (n && !first)
			first = buf + i * PAGE;
		bad_pages += n != 0;
		bad_bytes += n;
	}
	printf("freecheck: %zu pages, %zu nonzero pages, %zu nonzero bytes\n",
	       pages, bad_pages, bad_bytes);
	if (first && !physical_address(first, &paddr))
		printf("freecheck: first nonzero page at 0x%llx\n",
		       (unsigned long long)paddr);
}

/* Seconds the kernel has spent suspended since it booted. */
static double away(void)
{
	struct timespec b, m;

	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return (double)(b.tv_sec - m.tv_sec) + (double)(b.tv_nsec - m.tv_nsec) / 1e9;
}

/* Page tables now, the pages themselves once the machine was away. */
static int wait_for_resume(uint8_t *buf, size_t pages)
{
	double before = away();

	touch(buf, pages, TABLE_SPAN);
	touch(buf + (pages - 1) * PAGE, 1, 1);	/* the last table's too */
	if (dprintf(3, "ready\n") < 0) {
		perror("freecheck: ready");
		return -1;
	}
	while (away() < before + AWAY_S)
		usleep(100 * 1000);
	return 0;
}

int main(int argc, char **argv)
{
	long kib = mem_free_kib(), pct = argc >= 2 ? atol(argv[1]) : 0;
	bool wait = argc == 3 && !strcmp(argv[2], "wait");
	size_t pages;
	uint8_t *buf;

	if (pct <= 0 || pct > 95 || kib <= 0 || argc > 3 || (argc == 3 && !wait)) {
		fprintf(stderr, "usage: freecheck PERCENT [wait 3>ready]\n"
			"  PERCENT of MemFree, at most 95\n");
		return 2;
	}
	pages = (size_t)(kib / 4 * pct / 100);
	buf = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("freecheck: mmap");
		return 1;
	}
	if (wait && wait_for_resume(buf, pages))
		return 1;
	touch(buf, pages, 1);
	count(buf, pages);
	return 0;
}
