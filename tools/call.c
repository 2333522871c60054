// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump call FILE [--at ADDR]: run a flat binary in physical mode. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define IOMEM_PATH "/proc/iomem"

static void call_usage(FILE *f)
{
	fprintf(f,
		"usage: kjump call FILE [--at ADDR]\n\n"
		"Loads FILE, a flat binary, with a preserve-context kexec and calls it\n"
		"in physical mode: 64-bit, identity-mapped, interrupts off, entered at\n"
		"its first byte. When it returns (ret), the system resumes its devices\n"
		"and processes and goes on.\n\n"
		"options:\n"
		"  --at ADDR   load at physical address ADDR (page aligned, System RAM);\n"
		"              default: the start of the crashkernel= region\n"
		"  -h, --help  show this help\n");
}

static int parse_call_args(int argc, char **argv, const char **file,
			   uint64_t *at, bool *have_at)
{
	static const struct option opts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = next_option(argc, argv, opts)) != -1) {
		switch (c) {
		case 'a':
			if (parse_u64(optarg, at)) {
				error("bad address '%s' for --at", optarg);
				hint("give it in hex, like --at 0x20000000");
				return EXIT_USAGE;
			}
			*have_at = true;
			break;
		case 'h':
			call_usage(stdout);
			return -1;
		default:
			bad_option("call", c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		error(optind == argc ? "no file to call" : "too many arguments");
		call_usage(stderr);
		return EXIT_USAGE;
	}
	*file = argv[optind];
	return 0;
}

static int place(const char *file, uint64_t size, const uint64_t *at,
		 uint64_t *addr)
{
	struct kj_iomem *iomem;
	struct kj_range region = { 0, 0 };
	size_t bad_line = 0;
	int err;

	err = kj_iomem_read(IOMEM_PATH, &iomem, &bad_line);
	if (err == -EINVAL) {
		error("cannot understand %s: line %zu is malformed", IOMEM_PATH,
		      bad_line);
		return err;
	}
	if (err) {
		error("cannot read %s: %s", IOMEM_PATH, strerror(-err));
		return err;
	}
	kj_iomem_crash_region(iomem, &region);
	err = kj_call_place(iomem, size, at, addr);
	kj_iomem_free(iomem);
	switch (err) {
	case 0:
		return 0;
	case -ENOENT:
		error("no memory is reserved for kjump and no --at was given");
		hint("boot with crashkernel=64M (or larger) on the kernel command line, or give --at ADDR");
		break;
	case -EFBIG:
		error("'%s' (%llu bytes) is larger than the reserved region (%llu bytes at 0x%llx)",
		      file, (unsigned long long)size,
		      (unsigned long long)kj_range_size(&region),
		      (unsigned long long)region.start);
		hint("reserve more with crashkernel=, or give --at ADDR");
		break;
	case -EINVAL:
		if (!size)
			error("'%s' is empty: nothing to call", file);
		else
			error("--at 0x%llx is not page aligned (4096 bytes)",
			      (unsigned long long)*at);
		break;
	case -EADDRNOTAVAIL:
		error("0x%llx-0x%llx is not System RAM",
		      (unsigned long long)*at,
		      (unsigned long long)(*at + size - 1));
		hint("see /proc/iomem for the RAM ranges");
		break;
	default:
		error("cannot place '%s': %s", file, strerror(-err));
	}
	return err;
}

static int call_file(const char *file, const uint64_t *at)
{
	struct timespec t0;
	struct stat st;
	uint64_t addr;
	size_t size;
	void *code;
	int err;

	if (require_kexec_jump())
		return EXIT_FAILED;
	if (stat(file, &st)) {
		error("cannot open '%s': %s", file, strerror(errno));
		return EXIT_FAILED;
	}
	if (place(file, (uint64_t)st.st_size, at, &addr))
		return EXIT_FAILED;
	if (read_file(file, &code, &size, (uint64_t)st.st_size))
		return EXIT_FAILED;

	note("calling '%s' (%zu bytes) at 0x%llx in physical mode", file, size,
	     (unsigned long long)addr);
	sync();
	start_clock(&t0);
	err = kj_call(code, size, addr);
	free(code);
	if (err) {
		error("the call failed: %s", strerror(-err));
		return EXIT_FAILED;
	}
	note("back from '%s': the system came back after %.3f s", file,
	     seconds_since(&t0));
	return 0;
}

int cmd_call(int argc, char **argv)
{
	const char *file = NULL;
	uint64_t at = 0;
	bool have_at = false;
	int r = parse_call_args(argc, argv, &file, &at, &have_at);

	if (r)
		return r < 0 ? 0 : r;
	return call_file(file, have_at ? &at : NULL);
}
