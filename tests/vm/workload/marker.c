// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * marker: fills one page with random bytes, locks it in memory, finds its
 * physical address through /proc/self/pagemap, writes a copy of the page
 * to FILE, prints "marker: paddr=0x...", and holds the page until killed.
 * A test hashes FILE and looks for the same bytes at paddr from elsewhere.
 *
 * usage: marker FILE
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#define PAGE 4096

#include "pagemap.h"

int main(int argc, char **argv)
{
	uint64_t paddr;
	uint8_t *page;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: marker FILE\n");
		return 2;
	}
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || getrandom(page, PAGE, 0) != PAGE ||
	    mlock(page, PAGE) || physical_address(page, &paddr)) {
		perror("marker");
		return 1;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, page, PAGE) != PAGE || close(fd)) {
		perror("marker: write");
		return 1;
	}
	printf("marker: paddr=0x%llx\n", (unsigned long long)paddr);
	fflush(stdout);
	for (;;)
		pause();
}
