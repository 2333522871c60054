// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ticker: counts, every 100 ms, in a locked page whose physical address it
 * reports, so that the counter's value can be read out of a memory image.
 * Prints "ticker: paddr=0x..." once, then "ticker: N" every second.
 *
 * usage: ticker
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#include "pagemap.h"

int main(void)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	volatile uint64_t *counter;
	uint64_t paddr;

	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED || mlock((void *)counter, 4096))
		return 1;
	*counter = 0;
	if (physical_address((void *)counter, &paddr))
		return 1;
	printf("ticker: paddr=0x%llx\n", (unsigned long long)paddr);
	fflush(stdout);
	for (;;) {
		nanosleep(&tick, NULL);
		if (++*counter % 10 == 0) {
			printf("ticker: %llu\n", (unsigned long long)*counter);
			fflush(stdout);
		}
	}
}
