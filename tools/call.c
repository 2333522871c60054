// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump call FILE [--at ADDR]: run a flat binary in physical mode
 * (kj_call_file(), lib/flow/call.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

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

int cmd_call(int argc, char **argv)
{
	const char *file = NULL;
	uint64_t at = 0;
	bool have_at = false;
	int r = parse_call_args(argc, argv, &file, &at, &have_at);

	if (r)
		return r < 0 ? 0 : r;
	return kj_call_file(file, have_at ? &at : NULL, &tool_report) ? EXIT_FAILED : 0;
}
