// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump snapshot, kjump hibernate and kjump resident: options for
 * kj_snapshot(), kj_hibernate() and kj_resident(), which do the work
 * (lib/flow/hibernate.c, lib/flow/resident.c). */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "tool.h"

struct job {
	bool hibernate, resident;
	bool plain;			/* --no-encrypt */
	struct kj_hibernate_opts o;
};

static void resident_usage(FILE *f)
{
	fprintf(f,
		"usage: kjump resident --image DEST [--size SIZE] [--kernel K] [--initrd I]\n\n"
		"Loads B for DEST and starts it now: B boots once, comes back at once\n"
		"and waits. Later 'kjump snapshot' and 'kjump hibernate' into DEST jump\n"
		"straight into it, without booting B: they take less time. B waits in\n"
		"the reserved region and holds nothing else; DEST is held only while a\n"
		"snapshot or hibernation runs. 'kjump unload' ends it; a snapshot or\n"
		"hibernation into another DEST replaces it with a B of its own.\n\n"
		"options:\n"
		"  --image DEST     the image's target, as for 'kjump snapshot'\n"
		"  --size SIZE      for a file kjump creates: its size (K, M, G)\n"
		"  --kernel K       B's kernel (default: this kernel's image)\n"
		"  --initrd I       B's initramfs (default: kjump's own)\n");
}

static void job_usage(FILE *f, const struct job *j)
{
	bool hibernate = j->hibernate;

	if (j->resident) {
		resident_usage(f);
		return;
	}
	fprintf(f,
		"usage: kjump %s --image DEST [--size SIZE] [--compress ALG]%s\n"
		"       [--encrypt[=KEY] | --no-encrypt] [--kernel K] [--initrd I]\n\n",
		hibernate ? "hibernate" : "snapshot", hibernate ? " [--drop-caches]" : "");
	fprintf(f, hibernate
		? "Saves this system's memory into an image at DEST and powers off. The\n"
		  "next boot can resume it. If the image cannot be saved, the system\n"
		  "comes back and says so.\n\n"
		: "Saves this system's memory into an image at DEST and goes on, as if\n"
		  "nothing happened. Can be repeated, into the same or other images.\n\n");
	fprintf(f,
		"DEST is a block device nothing uses (not mounted in any namespace, not\n"
		"swap, not under device-mapper, md, LVM or LUKS, nor any partition of\n"
		"it), or a file on a mounted file system, fully written (not just\n"
		"fallocated), not a link, not swap: B writes its blocks directly (see\n"
		"'kjump extents'). A file that does not exist is created, mode 0600,\n"
		"and written full of zeros; the file is kept immutable until the system\n"
		"is back.\n\n"
		"options:\n"
		"  --image DEST     where the image goes (a file by its absolute path)\n"
		"  --size SIZE      for a file kjump creates: its size (K, M, G; default:\n"
		"                   all of RAM and 16 MiB)\n"
		"  --compress ALG   lz4 (default), zstd, zstd:LEVEL, none\n"
		"  --encrypt[=KEY]  encrypt the image to the key 'kjump key new' made (KEY:\n"
		"                   its key.auth file, default " KJ_KEY_AUTH "): a\n"
		"                   fresh key seals every block; resuming asks for the\n"
		"                   key's passphrase. The default where that file is.\n"
		"  --no-encrypt     save in the clear even so (a boot with the secret key\n"
		"                   in its initramfs refuses to resume it)\n"
		"%s"
		"  --kernel K       B's kernel (default: this kernel's image)\n"
		"  --initrd I       B's initramfs (default: kjump's own)\n",
		hibernate ? "  --drop-caches    drop clean caches first: a smaller image\n" : "");
}

static int parse_job(int argc, char **argv, struct job *j)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "compress", required_argument, NULL, 'c' },
		{ "drop-caches", no_argument, NULL, 'd' },
		{ "encrypt", optional_argument, NULL, 'e' },
		{ "no-encrypt", no_argument, NULL, 'E' },
		{ "size", required_argument, NULL, 's' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	j->o.compress = "lz4";
	while ((c = next_option(argc, argv, opts)) != -1) {
		switch (c) {
		case 'i': j->o.image = optarg; break;
		case 'c':
			if (j->resident) {
				error("'kjump resident' takes no --compress");
				hint("give it to each 'kjump snapshot' or 'kjump hibernate'");
				return EXIT_USAGE;
			}
			if (compress_option(optarg, NULL))
				return EXIT_USAGE;
			j->o.compress = optarg;
			break;
		case 'k': j->o.kernel = optarg; break;
		case 'e':
		case 'E':
			if (j->resident) {
				error("'kjump resident' takes no --encrypt or --no-encrypt");
				hint("give it to each 'kjump snapshot' or 'kjump hibernate'");
				return EXIT_USAGE;
			}
			if (c == 'E')
				j->plain = true;
			else
				j->o.encrypt = optarg ? optarg : KJ_KEY_AUTH;
			break;
		case 's':
			if (parse_u64(optarg, &j->o.size) || !j->o.size) {
				error("bad size '%s' for --size", optarg);
				hint("give it in bytes, or with K, M or G, like --size 2G");
				return EXIT_USAGE;
			}
			break;
		case 'r': j->o.initrd = optarg; break;
		case 'd':
			if (j->hibernate) {
				j->o.drop_caches = true;
				break;
			}
			bad_option(argv[0], '?', argv[optind - 1]);
			return EXIT_USAGE;
		case 'h':
			job_usage(stdout, j);
			return -1;
		default:
			bad_option(argv[0], c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!j->o.image || optind != argc) {
		error(j->o.image ? "unexpected argument '%s'" : "no --image DEST given", argv[optind]);
		job_usage(stderr, j);
		return EXIT_USAGE;
	}
	if (j->plain && j->o.encrypt) {
		error("--encrypt and --no-encrypt do not go together");
		return EXIT_USAGE;
	}
	/* a key set up: images are encrypted unless told otherwise */
	if (!j->plain && !j->o.encrypt && !j->resident && !access(KJ_KEY_AUTH, F_OK))
		j->o.encrypt = KJ_KEY_AUTH;
	return 0;
}

static int job_main(int argc, char **argv, bool hibernate, bool resident)
{
	struct job j = { .hibernate = hibernate, .resident = resident,
			 .o.report = &tool_report };
	int r = parse_job(argc, argv, &j);

	if (r)
		return r < 0 ? 0 : r;
	r = resident ? kj_resident(&j.o) : hibernate ? kj_hibernate(&j.o) : kj_snapshot(&j.o);
	return r ? EXIT_FAILED : 0;
}

int cmd_snapshot(int argc, char **argv)
{
	return job_main(argc, argv, false, false);
}

int cmd_hibernate(int argc, char **argv)
{
	return job_main(argc, argv, true, false);
}

int cmd_resident(int argc, char **argv)
{
	return job_main(argc, argv, false, true);
}
