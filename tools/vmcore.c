// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump vmcore: what B sees of the caller's memory, and reading it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

#define VMCORE_PATH "/proc/vmcore"

static void vmcore_usage(FILE *f)
{
	fprintf(f,
		"usage: kjump vmcore [--read ADDR --length N] [--file PATH]\n\n"
		"In B: shows the caller's memory as /proc/vmcore describes it (its RAM\n"
		"ranges and VMCOREINFO), or writes N bytes from physical address ADDR\n"
		"of the caller's memory to standard output.\n\n"
		"options:\n"
		"  --read ADDR    physical address to read from\n"
		"  --length N     how many bytes (default 4096)\n"
		"  --file PATH    the core file (default " VMCORE_PATH ")\n"
		"  -h, --help     show this help\n");
}

static void print_info(const struct kj_vmcore *vc)
{
	const char *info;
	char release[64];
	size_t n = kj_vmcore_phdr_count(vc);
	uint64_t page_offset = 0;

	for (size_t i = 0; i < n; i++) {
		const struct kj_elf_phdr *ph = kj_vmcore_phdr(vc, i);

		if (ph->type != KJ_PT_LOAD)
			continue;
		printf("load 0x%llx-0x%llx\n", (unsigned long long)ph->paddr,
		       (unsigned long long)(ph->paddr + ph->memsz - 1));
		if (!page_offset && ph->vaddr)
			page_offset = ph->vaddr - ph->paddr;
	}
	if (page_offset)
		printf("direct map: 0x%llx\n", (unsigned long long)page_offset);
	else
		printf("direct map: unknown\n");
	if (kj_vmcore_vmcoreinfo(vc, &info)) {
		printf("vmcoreinfo: none\n");
		return;
	}
	kj_vmcoreinfo_str(info, "OSRELEASE", release, sizeof(release));
	printf("vmcoreinfo: %zu bytes, OSRELEASE=%s\n", strlen(info), release);
}

static int dump(const struct kj_vmcore *vc, uint64_t addr, uint64_t len)
{
	char *buf;
	int err;

	if (len > (64u << 20)) {
		error("--length %llu is more than 64 MiB", (unsigned long long)len);
		return EXIT_USAGE;
	}
	buf = malloc(len ? len : 1);
	if (!buf)
		return EXIT_FAILED;
	err = kj_vmcore_read(vc, addr, buf, len);
	if (err == -ENXIO)
		error("0x%llx-0x%llx is not in the core (left out, or not RAM)",
		      (unsigned long long)addr, (unsigned long long)(addr + len - 1));
	else if (err)
		error("cannot read the core: %s", strerror(-err));
	if (!err && fwrite(buf, 1, len, stdout) != len)
		err = -EIO;
	free(buf);
	return err ? EXIT_FAILED : 0;
}

int cmd_vmcore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "length", required_argument, NULL, 'l' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *path = VMCORE_PATH;
	uint64_t addr = 0, len = KJ_PAGE_SIZE;
	bool read_mode = false;
	struct kj_vmcore *vc;
	int c, err;

	while ((c = next_option(argc, argv, opts)) != -1) {
		switch (c) {
		case 'r':
		case 'l':
			if (parse_u64(optarg, c == 'r' ? &addr : &len)) {
				error("bad number '%s' for --%s", optarg,
				      c == 'r' ? "read" : "length");
				return EXIT_USAGE;
			}
			read_mode |= c == 'r';
			break;
		case 'f': path = optarg; break;
		case 'h': vmcore_usage(stdout); return 0;
		default:
			bad_option("vmcore", c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	err = kj_vmcore_open(path, &vc);
	if (err) {
		error("cannot open '%s': %s", path,
		      err == -ENOEXEC ? "not an x86_64 ELF core"
		      : err == -ENODATA ? "truncated: it ends before the memory its headers describe"
		      : strerror(-err));
		return EXIT_FAILED;
	}
	if (read_mode)
		err = dump(vc, addr, len);
	else
		print_info(vc);
	kj_vmcore_close(vc);
	return err;
}
