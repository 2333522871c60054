// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump resume (in C, the kernel of the next boot) and kjump restore (in
 * R): options for kj_resume(), kj_resume_boot_args() and kj_restore()
 * (lib/flow/resume.c, restore.c).
 */
#include <errno.h>
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
		? "usage: kjump restore --image DEST [--extents MAP] [--uuid UUID]\n\n"
		  "In R: checks the image and this machine, writes the image back to the\n"
		  "memory it came from (seen here as /dev/pmemN), checking every block's\n"
		  "checksum as it writes, marks it consumed, and jumps back into the\n"
		  "saved system. Nothing is jumped to unless every block verified.\n"
		  "--uuid: the image C checked (32 hex digits); R refuses another.\n"
		: "usage: kjump resume --image DEST [--extents MAP] [--boot]\n"
		  "                    [--passphrase-file FILE]\n"
		  "                    [--check | --boot-args | --discard]\n\n"
		  "Resumes the system hibernated into DEST. First checks everything: that\n"
		  "it is a hibernation (a snapshot is never resumed), complete, neither\n"
		  "resumed nor discarded before, every checksum, that this kernel is the\n"
		  "one that saved it and this machine's RAM the one it was saved from.\n"
		  "Then starts R in the reserved region to write it back.\n\n"
		  "An image it does not resume it discards, saying why ('kjump info'\n"
		  "shows it too): the boot goes on, the disks move on, and the image must\n"
		  "never be resumed after. A restore that was started and did not finish\n"
		  "(R failed, or the power went) is started again, twice in all.\n\n"
		  "--check stops after the checks, changes nothing, and says whether it\n"
		  "could resume. --discard resumes nothing and discards the image.\n\n"
		  "An encrypted image asks for its key's passphrase on the terminal, up\n"
		  "to 3 times, or takes it from --passphrase-file FILE (its first line,\n"
		  "one try); the secret key is " KJ_KEY_SECRET ". After the last refusal\n"
		  "the image is discarded, as any image a boot does not resume.\n\n"
		  "--boot is for a boot script that runs at every boot: an image never\n"
		  "written, or resumed or discarded already, is said in one line and is\n"
		  "no error (exit status 0). Anything else that is refused still is.\n\n"
		  "--boot-args prints, and does nothing else, the command line that makes\n"
		  "a boot straight into R, one boot instead of two: for a boot loader's\n"
		  "one-shot entry with this kernel and kjump's initramfs. It describes\n"
		  "this machine (its RAM, less the region and low memory, as memmap=\n"
		  "persistent memory), not one image: R checks the image, all of it.\n"
		  "On a machine booted by UEFI, whose kernel loader places the kernel\n"
		  "whatever memmap= says, it is the line for C instead (the region as\n"
		  "crashkernel=SIZE@START, kjump.action=resume): kjump's initramfs, with\n"
		  "the kernel and R's initramfs in it, checks the image and starts R.\n");
}

static int parse_resume(int argc, char **argv, struct resume *r, bool restore)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "extents", required_argument, NULL, 'x' },
		{ "check", no_argument, NULL, 'c' },
		{ "boot-args", no_argument, NULL, 'b' },
		{ "discard", no_argument, NULL, 'd' },
		{ "boot", no_argument, NULL, 'B' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "passphrase-file", required_argument, NULL, 'p' },
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
		else if (c == 'd' && !restore)
			r->o.noresume = true;
		else if (c == 'B' && !restore)
			r->o.boot = true;
		else if (c == 'u' && restore)
			r->o.uuid = optarg;
		else if (c == 'p' && !restore)
			r->o.keyfile = optarg;
		else if (c == 'h') {
			resume_usage(stdout, restore);
			return -1;
		} else {
			/* --uuid took its value: the option is before it */
			bad_option(argv[0], strchr("cbdBup", c) ? '?' : c,
				   argv[optind - 1 - (c == 'u' || c == 'p')]);
			return EXIT_USAGE;
		}
	}
	if (r->o.check_only + r->boot_args + r->o.noresume > 1) {
		error("--check, --boot-args and --discard do not go together");
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
	if (!r->boot_args) {
		int err = kj_resume(&r->o);

		return err == -ENOENT && r->o.boot ? 0 : err;
	}
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
