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
#define PFN_MASK ((1ull << 55) - 1)
#define PRESENT (1ull << 63)

static int physical_address(void *page, uint64_t *paddr)
{
	uint64_t entry = 0;
	off_t off = (off_t)((uintptr_t)page / PAGE * sizeof(entry));
	int fd = open("/proc/self/pagemap", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : pread(fd, &entry, sizeof(entry), off);

	if (fd >= 0)
		close(fd);
	if (n != sizeof(entry) || !(entry & PRESENT) || !(entry & PFN_MASK))
		return -1;
	*paddr = (entry & PFN_MASK) * PAGE;
	return 0;
}

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
