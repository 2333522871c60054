// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kjump resume (in C, the kernel of the next boot): check an image through
 * and through, then kexec R into the region to restore it. kjump restore
 * (in R): write the image back, mark it consumed, jump back into A.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "tool.h"

struct resume {
	const char *image;
	const char *extents_path;
	bool check_only;
	bool boot_args;			/* resume: print a one-boot command line */
	bool verify;			/* restore: no C checked before */
	bool retry;			/* resume: even after a failed restore */
	struct kj_extents ext;
	struct kj_image *img;
	const struct kj_image_header *h;
	struct load_opts lo;
	char append[2048];
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
			r->image = optarg;
		else if (c == 'x')
			r->extents_path = optarg;
		else if (c == 'c' && !restore)
			r->check_only = true;
		else if (c == 'b' && !restore)
			r->boot_args = true;
		else if (c == 'v' && restore)
			r->verify = true;
		else if (c == 'r' && !restore)
			r->retry = true;
		else if (c == 'h') {
			resume_usage(stdout, restore);
			return -1;
		} else {
			bad_option(argv[0], strchr("cbvr", c) ? '?' : c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (r->check_only && r->boot_args) {
		error("--check and --boot-args do not go together");
		return EXIT_USAGE;
	}
	if (!r->image || optind != argc) {
		error(r->image ? "unexpected argument '%s'" : "no --image DEST given", argv[optind]);
		resume_usage(stderr, restore);
		return EXIT_USAGE;
	}
	if (r->extents_path && read_extents(r->extents_path, &r->ext))
		return EXIT_FAILED;
	return 0;
}

/* The image's extent map, if it lies in a file. */
static const struct kj_extents *extents(const struct resume *r)
{
	return r->extents_path ? &r->ext : NULL;
}

/* Everything about the image itself: checksums (all of them in C; R
 * checks the shape again as it starts writing), state. */
static int check_image(struct resume *r, bool full)
{
	struct kj_image_error e;
	int err;

	err = kj_image_open_extents(r->image, extents(r), &r->img, &e);
	if (!err && full)
		err = kj_image_verify(r->img, NULL, NULL, &e);
	if (err == -EBADMSG)
		error("cannot resume '%s': %s", r->image, kj_image_fault_str(e.fault));
	else if (err)
		error("cannot read '%s': %s", r->image, strerror(-err));
	if (err)
		return err;
	r->h = kj_image_get_header(r->img);
	if (r->h->flags & KJ_IMAGE_FLAG_CONSUMED) {
		error("'%s' was resumed once already; it is never resumed twice", r->image);
		return -EALREADY;
	}
	if (!r->h->reentry) {
		error("'%s' has no re-entry point: it is a snapshot, not a hibernation", r->image);
		return -EINVAL;
	}
	return 0;
}

/* This kernel must be the one that saved the image: R is this kernel. */
static int check_kernel(const struct resume *r)
{
	struct utsname u;

	if (uname(&u) || strcmp(u.release, r->h->osrelease)) {
		error("'%s' was saved by kernel %s; this is %s", r->image,
		      r->h->osrelease, uname(&u) ? "unknown" : u.release);
		hint("boot the kernel that hibernated, to resume");
		return -EINVAL;
	}
	return 0;
}

/* The RAM R would restore into here must be the RAM the image holds. */
static int check_ram(void *ctx, const struct kj_load_plan *plan)
{
	const struct resume *r = ctx;
	struct kj_range pram[KJ_E820_MAX];
	const struct kj_range *there, *here;
	size_t n = 0, i;

	for (size_t j = 0; j < plan->ne820; j++)
		if (plan->e820[j].type == KJ_E820_PRAM)
			pram[n++] = plan->e820[j].range;
	i = kj_ranges_first_difference(pram, n, r->h->ram, r->h->nram);
	if (i == SIZE_MAX)
		return 0;
	there = i < r->h->nram ? &r->h->ram[i] : NULL;
	here = i < n ? &pram[i] : NULL;
	error("'%s' is of another memory layout: RAM range %zu is %s there, %s here",
	      r->image, i, there ? "present" : "absent", here ? "present" : "absent");
	if (there)
		error("  there: 0x%llx-0x%llx", (unsigned long long)there->start,
		      (unsigned long long)there->end);
	if (here)
		error("  here:  0x%llx-0x%llx", (unsigned long long)here->start,
		      (unsigned long long)here->end);
	hint("resume on the machine that hibernated, booted with the same crashkernel=");
	return -EXDEV;
}

static int load_r(struct resume *r)
{
	size_t n = action_append(r->append, sizeof(r->append), "restore",
				 r->image, NULL, &r->ext);

	/* R need not check again what C checked (see cmd_restore) */
	n += (size_t)snprintf(r->append + n, n < sizeof(r->append) ? sizeof(r->append) - n : 0,
			      " kjump.checked=1");

	if (n >= sizeof(r->append) - 100) {
		error("'%s' is in too many pieces to hand to R", r->image);
		return -E2BIG;
	}
	r->lo.append = r->append;
	r->lo.restore = true;
	r->lo.force = true;
	r->lo.dry_run = r->check_only;
	r->lo.check = check_ram;
	r->lo.check_ctx = r;
	load_defaults(&r->lo);
	return load_b(&r->lo);
}

/*
 * The kernel's KASLR keeps itself out of at most 4 memmap= ranges, and
 * reads a range at address 0 as a memory limit: past that, R could be
 * placed in the very memory it writes.
 */
#define KASLR_MEMMAP_MAX 4

/* memmap=SIZE<kind>START, and a space: kind '!' persistent memory, '$'
 * reserved. */
static size_t memmap_arg(char *buf, size_t size, const struct kj_range *p, char kind)
{
	return (size_t)snprintf(buf, size, "memmap=0x%llx%c0x%llx ",
				(unsigned long long)(p->end - p->start + 1), kind,
				(unsigned long long)p->start);
}

static int print_boot_args(void *ctx, const struct kj_load_plan *plan)
{
	const struct resume *r = ctx;
	char args[1024];
	size_t n = 0, ranges = 0;

	for (size_t i = 0; i < plan->ne820 && n < sizeof(args); i++) {
		const struct kj_range *p = &plan->e820[i].range;

		if (plan->e820[i].type != KJ_E820_PRAM)
			continue;
		if (!p->start || ++ranges > KASLR_MEMMAP_MAX) {
			error("this machine's RAM needs %s; R cannot be booted straight",
			      p->start ? "more than 4 memmap= ranges" : "a range at address 0");
			hint("resume in two boots: kjump.resume=DEST on the normal command line");
			return -E2BIG;
		}
		n += memmap_arg(args + n, sizeof(args) - n, p, '!');
	}
	/* where B's segments lay, R's plan keeps out of (r_range() in
	 * lib/loader/plan.c); booted straight, R is kept out as reserved memory */
	if (ranges < KASLR_MEMMAP_MAX && n < sizeof(args) &&
	    plan->kept_out.end >= plan->kept_out.start)
		n += memmap_arg(args + n, sizeof(args) - n, &plan->kept_out, '$');
	printf("%s%s\n", args, r->append);
	return n < sizeof(args) ? 0 : -E2BIG;
}

/* Plans R as C would load it, for its persistent memory, and prints. */
static int boot_args(struct resume *r)
{
	action_append(r->append, sizeof(r->append), "restore", r->image, NULL, &r->ext);
	r->lo.append = "";
	r->lo.restore = true;
	r->lo.dry_run = true;
	r->lo.check = print_boot_args;
	r->lo.check_ctx = r;
	load_defaults(&r->lo);
	return load_b(&r->lo) ? EXIT_FAILED : 0;
}

static int mark(const struct resume *r, uint32_t flag)
{
	return kj_image_mark(r->image, extents(r), flag);
}

int cmd_resume(int argc, char **argv)
{
	struct resume r = { 0 };
	struct timespec t0;
	int err = parse_resume(argc, argv, &r, false);

	if (err)
		return err < 0 ? 0 : err;
	if (r.boot_args)
		return boot_args(&r);
	if (!r.check_only && require_kexec_jump())
		return EXIT_FAILED;
	start_clock(&t0);
	err = check_image(&r, true);
	if (!err)
		err = check_kernel(&r);
	if (!err && (r.h->flags & KJ_IMAGE_FLAG_ATTEMPTED) && !r.retry) {
		error("a restore of '%s' was started and did not finish; not starting it again",
		      r.image);
		hint("see that boot's console for why; 'kjump resume --retry' (kjump.retry=1) tries again");
		err = -EALREADY;
	}
	if (!err)
		note("checked '%s' in %.2f s", r.image, seconds_since(&t0));
	if (!err)
		err = load_r(&r);
	if (!err && r.check_only)
		note("'%s' can be resumed: %llu pages saved, %llu zero, kernel %s",
		     r.image, (unsigned long long)r.h->pages_saved,
		     (unsigned long long)r.h->pages_zero, r.h->osrelease);
	if (!err && !r.check_only && (err = mark(&r, KJ_IMAGE_FLAG_ATTEMPTED)))
		error("cannot mark '%s' as being restored: %s", r.image, strerror(-err));
	if (!err && !r.check_only) {
		note("resuming from '%s': starting R", r.image);
		sync();
		err = kj_kexec_jump();
		error("cannot start R: %s", strerror(-err));
	}
	kj_image_close(r.img);
	kj_extents_release(&r.ext);
	return err ? EXIT_FAILED : 0;
}

/* In R, after the checks: write, mark, jump. Returns only on failure. */
static int restore(struct resume *r, struct kj_pmems *pm)
{
	struct kj_image_error e;
	uint64_t pages = 0, entry = r->h->reentry;
	uint8_t page[KJ_PAGE_SIZE];
	struct timespec t0;
	int err;

	start_clock(&t0);
	err = kj_restore_check(r->img, pm, &e);
	if (err) {
		error("refusing to restore '%s' (nothing written): %s", r->image,
		      err == -ERANGE ? "a page lies outside this machine's memory"
				     : kj_image_fault_str(e.fault));
		return err;
	}
	note("restore: shape checked in %.2f s", seconds_since(&t0));
	/* C marked it before starting R; booted straight, R marks it */
	if (r->verify && (err = mark(r, KJ_IMAGE_FLAG_ATTEMPTED))) {
		error("cannot mark '%s' as being restored (nothing written): %s",
		      r->image, strerror(-err));
		return err;
	}
	err = kj_restore_write(r->img, pm, &e, &pages);
	if (err) {
		error("restoring '%s' failed while writing: %s", r->image,
		      err == -EBADMSG ? kj_image_fault_str(e.fault) : strerror(-err));
		return err;
	}
	note("restored %llu pages in %.2f s", (unsigned long long)pages,
	     seconds_since(&t0));
	err = mark(r, KJ_IMAGE_FLAG_CONSUMED);
	if (!err)
		err = kj_pmems_read(pm, entry & ~(uint64_t)(KJ_PAGE_SIZE - 1), page, sizeof(page));
	if (!err)
		err = kj_jump_back_load_page(entry, page);
	if (err) {
		error("cannot prepare the jump back into 0x%llx: %s",
		      (unsigned long long)entry, strerror(-err));
		return err;
	}
	note("image marked consumed; jumping back to 0x%llx", (unsigned long long)entry);
	sync();
	return kj_kexec_jump();
}

/* R booted straight: the machine checks C would have made. */
static int check_machine(const struct resume *r, const struct kj_pmems *pm)
{
	struct kj_range bad = { 0, 0 };
	int err = kj_restore_check_machine(pm, r->h, &bad);

	if (err == -EXDEV)
		error("'%s': this boot's persistent memory is not the image's RAM (0x%llx-0x%llx differs)",
		      r->image, (unsigned long long)bad.start, (unsigned long long)bad.end);
	else if (err == -ERANGE)
		error("'%s': RAM 0x%llx-0x%llx of the image is not RAM on this machine",
		      r->image, (unsigned long long)bad.start, (unsigned long long)bad.end);
	else if (err == -EBUSY)
		error("this kernel lies in the memory it would restore (0x%llx-0x%llx)",
		      (unsigned long long)bad.start, (unsigned long long)bad.end);
	else if (err)
		error("cannot check this machine's memory: %s", strerror(-err));
	if (err == -EXDEV || err == -EBUSY)
		hint("boot R with the arguments of 'kjump resume --boot-args', with KASLR on");
	return err;
}

/*
 * After C, R checks the image's shape as it writes (C checked the rest).
 * Booted straight from the boot loader (--verify), it checks all C would
 * have, before the first write.
 */
int cmd_restore(int argc, char **argv)
{
	struct resume r = { 0 };
	struct kj_pmems *pm = NULL;
	struct timespec t0;
	int err = parse_resume(argc, argv, &r, true);

	if (err)
		return err < 0 ? 0 : err;
	if (require_kexec_jump())
		return EXIT_FAILED;
	start_clock(&t0);
	err = check_image(&r, r.verify);
	if (!err && r.verify)
		err = check_kernel(&r);
	if (!err && (err = kj_pmems_open(&pm)))
		error("no persistent memory to restore into: %s", strerror(-err));
	if (!err && r.verify && !(err = check_machine(&r, pm)))
		note("restore: checked '%s' in %.2f s", r.image, seconds_since(&t0));
	if (!err)
		err = restore(&r, pm);
	kj_pmems_close(pm);
	kj_image_close(r.img);
	kj_extents_release(&r.ext);
	return err ? EXIT_FAILED : 0;
}
