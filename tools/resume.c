// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump resume (in C, the kernel of the next boot) and kjump restore (in
 * R): options for kj_resume(), kj_resume_boot_args() and kj_restore()
 * (lib/flow/resume.c, restore.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

struct resume {
	const char *extents_path;
	bool boot_args;			/* resume: print a one-boot command line */
	struct kj_extents ext;
	struct kj_resume_opts o;
};

static void resume_usage(FILE *f, bool restore)
{
	fprintf(f, restore
		? "usage: kjump restore --image DEST [--extents MAP] [--verify]\n\n"
		  "In R: writes the image back to the memory it came from (seen here as\n"
		  "/dev/pmemN), marks it consumed, and jumps back into the saved system.\n"
		  "--verify: no C checked the image and the machine before (R was booted\n"
		  "straight from the boot loader); check everything C would, first.\n"
		: "usage: kjump resume --image DEST [--extents MAP] [--check | --boot-args] [--retry]\n\n"
		  "Resumes the system hibernated into DEST. First checks everything: every\n"
		  "checksum, that the image is complete and was not resumed before, that\n"
		  "this machine's RAM is the one it was saved from, that this kernel is\n"
		  "the one that saved it. Then starts R in the reserved region to write it\n"
		  "back. --check stops after the checks and says whether it could resume.\n\n"
		  "A restore that was started and did not finish (R failed, or the power\n"
		  "went) is not started again, lest every boot try and fail the same way:\n"
		  "--retry starts it all the same. The image is kept either way.\n\n"
		  "--boot-args prints, and does nothing else, the command line that makes\n"
		  "a boot straight into R, one boot instead of two: for a boot loader's\n"
		  "one-shot entry with this kernel and kjump's initramfs. It describes\n"
		  "this machine (its RAM, less the region and low memory, as memmap=\n"
		  "persistent memory), not one image: R checks the image, all of it.\n");
}

static int parse_resume(int argc, char **argv, struct resume *r, bool restore)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "extents", required_argument, NULL, 'x' },
		{ "check", no_argument, NULL, 'c' },
		{ "boot-args", no_argument, NULL, 'b' },
		{ "verify", no_argument, NULL, 'v' },
		{ "retry", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = next_option(argc, argv, opts)) != -1) {
		if (c == 'i')
			r->o.image = optarg;
		else if (c == 'x')
			r->extents_path = optarg;
		else if (c == 'c' && !restore)
			r->o.check_only = true;
		else if (c == 'b' && !restore)
			r->boot_args = true;
		else if (c == 'v' && restore)
			r->o.verify = true;
		else if (c == 'r' && !restore)
			r->o.retry = true;
		else if (c == 'h') {
			resume_usage(stdout, restore);
			return -1;
		} else {
			bad_option(argv[0], strchr("cbvr", c) ? '?' : c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (r->o.check_only && r->boot_args) {
		error("--check and --boot-args do not go together");
		return EXIT_USAGE;
	}
	if (!r->o.image || optind != argc) {
		error(r->o.image ? "unexpected argument '%s'" : "no --image DEST given", argv[optind]);
		resume_usage(stderr, restore);
		return EXIT_USAGE;
	}
	if (r->extents_path && read_extents(r->extents_path, &r->ext))
		return EXIT_FAILED;
	r->o.extents = r->extents_path ? &r->ext : NULL;
	return 0;
}

static int run(struct resume *r, bool restore)
{
	char args[4096];

	if (restore)
		return kj_restore(&r->o);
	if (!r->boot_args)
		return kj_resume(&r->o);
	if (kj_resume_boot_args(&r->o, args, sizeof(args)))
		return -1;
	printf("%s\n", args);
	return 0;
}

static int resume_main(int argc, char **argv, bool restore)
{
	struct resume r = { .o.report = &tool_report };
	int err = parse_resume(argc, argv, &r, restore);

	if (!err)
		err = run(&r, restore) ? EXIT_FAILED : 0;
	kj_extents_release(&r.ext);
	return err < 0 ? 0 : err;
}

int cmd_resume(int argc, char **argv)
{
	return resume_main(argc, argv, false);
}

int cmd_restore(int argc, char **argv)
{
	return resume_main(argc, argv, true);
}
