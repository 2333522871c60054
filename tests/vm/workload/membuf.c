// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * membuf: holds a buffer of random data in memory and, for every line read
 * on stdin, recomputes the buffer's XXH3 checksum from memory and prints
 * it, then acknowledges the line on fd 3. A test sends a line before and
 * after each event it wants to check; any change to the buffer between
 * two lines shows up as a different checksum.
 *
 * usage: membuf MIB <requests 3>acks
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static uint64_t seed_from_kernel(void)
{
	uint64_t seed = 0;

	while (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		if (errno != EINTR)
			return 0x9e3779b97f4a7c15ull;
	return seed | 1;
}

/* xorshift64*: cheap, so filling 64 MiB under emulation stays quick. */
static void fill(uint64_t *p, size_t words)
{
	uint64_t x = seed_from_kernel();

	for (size_t i = 0; i < words; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		p[i] = x * 0x2545f4914f6cdd1dull;
	}
}

int main(int argc, char **argv)
{
	char line[128];
	size_t size;
	void *buf;

	if (argc != 2 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: membuf MIB <requests 3>acks\n");
		return 2;
	}
	size = (size_t)atoi(argv[1]) << 20;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED) {
		perror("membuf: mmap");
		return 1;
	}
	fill(buf, size / sizeof(uint64_t));
	printf("membuf: holding %zu MiB of random data, pid %d\n", size >> 20,
	       (int)getpid());
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		printf("membuf: %s checksum=%016llx\n", line,
		       (unsigned long long)XXH3_64bits(buf, size));
		fflush(stdout);
		dprintf(3, "%s\n", line);
	}
	return 0;
}
