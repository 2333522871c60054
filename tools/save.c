// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump save: in B, save the caller's memory into an image, with
 * kj_save_core() (lib/flow/save.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

struct save_args {
	const char *extents;
	struct kj_save_core_opts o;
};

static void save_usage(FILE *f)
{
	fprintf(f,
		"usage: kjump save --to DEST [--compress lz4|zstd[:LEVEL]] [--threads N]\n\n"
		"In B: saves the memory of the kernel that started it, from /proc/vmcore,\n"
		"into an image at DEST (a block device or a file): pages that were free\n"
		"there are left out, zero pages recorded without data, the rest\n"
		"compressed on every CPU, everything checksummed. The image is marked\n"
		"complete only once all of it is on stable storage.\n\n"
		"options:\n"
		"  --to DEST           where the image goes\n"
		"  --compress ALG      lz4 (default), zstd, zstd:LEVEL, none\n"
		"  --threads N         compression threads (default: online CPUs)\n"
		"  --from CORE         read an ELF core file instead of " KJ_VMCORE_PATH "\n"
		"  --no-filter         save free pages too\n"
		"  --kind KIND         snapshot (default), or hibernation: the only kind\n"
		"                      that is ever resumed; the caller must not go on\n"
		"  --extents MAP       DEST is a device, and the image goes into the\n"
		"                      extents MAP lists (from 'kjump extents FILE')\n"
		"  -h, --help          show this help\n");
}

static int parse_save_args(int argc, char **argv, struct save_args *a)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "compress", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 'j' },
		{ "from", required_argument, NULL, 'f' },
		{ "no-filter", no_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'K' },
		{ "extents", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t n;
	int c;

	a->o.compressor = KJ_COMPRESS_LZ4;
	a->o.level = 1;
	while ((c = next_option(argc, argv, opts)) != -1) {
		switch (c) {
		case 't': a->o.dest = optarg; break;
		case 'f': a->o.core = optarg; break;
		case 'n': a->o.no_filter = true; break;
		case 'K':
			if (!strcmp(optarg, "snapshot") || !strcmp(optarg, "hibernation")) {
				a->o.kind = optarg[0] == 's' ? KJ_IMAGE_SNAPSHOT
							     : KJ_IMAGE_HIBERNATION;
				break;
			}
			error("unknown kind '%s'", optarg);
			hint("use snapshot or hibernation");
			return EXIT_USAGE;
		case 'x': a->extents = optarg; break;
		case 'c':
			if (compress_option(optarg, &a->o))
				return EXIT_USAGE;
			break;
		case 'j':
			if (parse_u64(optarg, &n) || !n || n > 256) {
				error("bad thread count '%s'", optarg);
				return EXIT_USAGE;
			}
			a->o.threads = (unsigned int)n;
			break;
		case 'h': save_usage(stdout); return -1;
		default:
			bad_option("save", c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!a->o.dest || optind != argc) {
		error(a->o.dest ? "unexpected argument '%s'" : "no --to DEST given",
		      argv[optind]);
		save_usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_save(int argc, char **argv)
{
	struct save_args a = { .o.report = &tool_report };
	struct kj_extents x = { 0 };
	int err, r = parse_save_args(argc, argv, &a);

	if (r)
		return r < 0 ? 0 : r;
	if (a.extents && read_extents(a.extents, &x))
		return EXIT_FAILED;
	a.o.extents = a.extents ? &x : NULL;
	err = kj_save_core(&a.o, NULL);
	kj_extents_release(&x);
	return err ? EXIT_FAILED : 0;
}
