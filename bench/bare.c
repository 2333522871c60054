// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bare: the limit for saving a core, with no filter and no compression:
 * mmap each PT_LOAD of /proc/vmcore in large windows and write it to DEST
 * with O_DIRECT. Prints "bare: BYTES bytes".
 *
 * usage: bare CORE DEST
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flow/flow.h"
#include "kjump.h"

#define WINDOW (64u << 20)

static int copy_load(int in, int out, const struct kj_elf_phdr *ph,
		     uint64_t *written, uint8_t *buf)
{
	uint64_t start = (ph->offset + 4095) & ~4095ull;
	uint64_t end = (ph->offset + ph->filesz) & ~4095ull;

	for (uint64_t off = start; off < end; off += WINDOW) {
		size_t len = end - off < WINDOW ? end - off : WINDOW;
		void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, in, (off_t)off);

		if (map == MAP_FAILED)
			return -1;
		memcpy(buf, map, len);	/* O_DIRECT wants an aligned buffer */
		munmap(map, len);
		if (pwrite(out, buf, len, (off_t)*written) != (ssize_t)len)
			return -1;
		*written += len;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kj_vmcore *vc;
	uint64_t written = 0;
	uint8_t *buf;
	int in, out;

	if (argc != 3 || kj_vmcore_open(argv[1], &vc) ||
	    posix_memalign((void **)&buf, 4096, WINDOW)) {
		fprintf(stderr, "usage: bare CORE DEST\n");
		return 2;
	}
	in = open(argv[1], O_RDONLY);
	out = open(argv[2], O_WRONLY | O_DIRECT);
	if (in < 0 || out < 0)
		return 1;
	for (size_t i = 0; i < kj_vmcore_phdr_count(vc); i++) {
		const struct kj_elf_phdr *ph = kj_vmcore_phdr(vc, i);

		if (ph->type == KJ_PT_LOAD && copy_load(in, out, ph, &written, buf))
			return 1;
	}
	fsync(out);
	printf("bare: %llu bytes\n", (unsigned long long)written);
	return 0;
}
