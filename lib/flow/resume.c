// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * In C, the kernel of the next boot: check an image through and through,
 * then kexec R into the region to restore it. Or print the command line
 * that has the boot loader start R straight.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "flow/resume.h"

/*
 * The kernel's KASLR keeps itself out of at most 4 memmap= ranges, and
 * reads a range at address 0 as a memory limit: past that, R could be
 * placed in the very memory it writes.
 */
#define KASLR_MEMMAP_MAX 4

int kj_resume_check_image(struct resume *s, bool full)
{
	const struct kj_report *r = s->o->report;
	const char *image = s->o->image;
	struct kj_image_error e;
	int err;

	err = kj_image_open_extents(image, s->o->extents, &s->img, &e);
	if (!err && full)
		err = kj_image_verify(s->img, NULL, NULL, &e);
	if (err == -EBADMSG)
		say_error(r, "cannot resume '%s': %s", image, kj_image_fault_str(e.fault));
	else if (err)
		say_error(r, "cannot read '%s': %s", image, strerror(-err));
	if (err)
		return err;
	s->h = kj_image_get_header(s->img);
	if (s->h->flags & KJ_IMAGE_FLAG_CONSUMED) {
		say_error(r, "'%s' was resumed once already; it is never resumed twice", image);
		return -EALREADY;
	}
	if (!s->h->reentry) {
		say_error(r, "'%s' has no re-entry point: it is a snapshot, not a hibernation", image);
		return -EINVAL;
	}
	return 0;
}

int kj_resume_check_kernel(const struct resume *s)
{
	struct utsname u;

	if (!uname(&u) && !strcmp(u.release, s->h->osrelease))
		return 0;
	say_error(s->o->report, "'%s' was saved by kernel %s; this is %s", s->o->image,
		  s->h->osrelease, uname(&u) ? "unknown" : u.release);
	say_hint(s->o->report, "boot the kernel that hibernated, to resume");
	return -EINVAL;
}

int kj_resume_mark(const struct resume *s, uint32_t flag)
{
	return kj_image_mark(s->o->image, s->o->extents, flag);
}

void kj_resume_release(struct resume *s)
{
	kj_image_close(s->img);
	s->img = NULL;
}

/* The legacy persistent memory of R's plan: where it writes. */
static size_t pram_of(const struct kj_load_plan *plan, struct kj_range *out)
{
	size_t n = 0;

	for (size_t j = 0; j < plan->ne820; j++)
		if (plan->e820[j].type == KJ_E820_PRAM)
			out[n++] = plan->e820[j].range;
	return n;
}

static void show_range(const struct kj_report *r, const char *label,
		       const struct kj_range *p)
{
	if (p)
		say_error(r, "  %s0x%llx-0x%llx", label,
			  (unsigned long long)p->start, (unsigned long long)p->end);
}

/* The RAM R would restore into here must be the RAM the image holds. */
static int check_ram(void *ctx, const struct kj_load_plan *plan)
{
	const struct resume *s = ctx;
	const struct kj_report *r = s->o->report;
	struct kj_range pram[KJ_E820_MAX];
	const struct kj_range *there, *here;
	size_t n = pram_of(plan, pram);
	size_t i = kj_ranges_first_difference(pram, n, s->h->ram, s->h->nram);

	if (i == SIZE_MAX)
		return 0;
	there = i < s->h->nram ? &s->h->ram[i] : NULL;
	here = i < n ? &pram[i] : NULL;
	say_error(r, "'%s' is of another memory layout: RAM range %zu is %s there, %s here",
		  s->o->image, i, there ? "present" : "absent", here ? "present" : "absent");
	show_range(r, "there: ", there);
	show_range(r, "here:  ", here);
	say_hint(r, "resume on the machine that hibernated, booted with the same crashkernel=");
	return -EXDEV;
}

static int task(struct resume *s, bool checked)
{
	size_t n = kj_task_cmdline(s->append, sizeof(s->append), "restore",
				   s->o->image, NULL, s->o->extents);

	/* R need not check again what C checked (see kj_restore()) */
	if (checked && n < sizeof(s->append))
		n += (size_t)snprintf(s->append + n, sizeof(s->append) - n,
				      " kjump.checked=1");
	if (n < sizeof(s->append) - 100)
		return 0;
	say_error(s->o->report, "'%s' is in too many pieces to hand to R", s->o->image);
	return -E2BIG;
}

static int load_r(struct resume *s)
{
	struct kj_flow_load l = {
		.o = { .append = s->append, .force = true, .report = s->o->report },
		.restore = true, .dry_run = s->o->check_only,
		.check = check_ram, .check_ctx = s,
	};
	int err = task(s, true);

	return err ? err : kj_flow_load(&l);
}

static int check_all(struct resume *s)
{
	const struct kj_report *r = s->o->report;
	struct timespec t0;
	int err;

	kj_clock_start(&t0);
	err = kj_resume_check_image(s, true);
	if (!err)
		err = kj_resume_check_kernel(s);
	if (!err && (s->h->flags & KJ_IMAGE_FLAG_ATTEMPTED) && !s->o->retry) {
		say_error(r, "a restore of '%s' was started and did not finish; not starting it again",
			  s->o->image);
		say_hint(r, "see that boot's console for why; 'kjump resume --retry' (kjump.retry=1) tries again");
		err = -EALREADY;
	}
	if (!err)
		say_info(r, "checked '%s' in %.2f s", s->o->image, kj_clock_since(&t0));
	return err;
}

static int start_r(struct resume *s)
{
	const struct kj_report *r = s->o->report;
	int err = kj_resume_mark(s, KJ_IMAGE_FLAG_ATTEMPTED);

	if (err) {
		say_error(r, "cannot mark '%s' as being restored: %s", s->o->image,
			  strerror(-err));
		return err;
	}
	say_info(r, "resuming from '%s': starting R", s->o->image);
	sync();
	err = kj_kexec_jump();
	say_error(r, "cannot start R: %s", strerror(-err));
	return err;
}

int kj_resume(const struct kj_resume_opts *o)
{
	struct resume s = { .o = o };
	int err = o->check_only ? 0 : kj_check_jump(o->report);

	if (!err)
		err = check_all(&s);
	if (!err)
		err = load_r(&s);
	if (!err && o->check_only)
		say_info(o->report, "'%s' can be resumed: %llu pages saved, %llu zero, kernel %s",
			 o->image, (unsigned long long)s.h->pages_saved,
			 (unsigned long long)s.h->pages_zero, s.h->osrelease);
	else if (!err)
		err = start_r(&s);
	kj_resume_release(&s);
	return err;
}

/* The arguments that boot R straight, into args. */
struct boot_args {
	const struct kj_report *r;
	char *out;
	size_t size, len;
};

/* memmap=SIZE<kind>START, and a space: kind '!' persistent memory, '$'
 * reserved. */
static void memmap_arg(struct boot_args *b, const struct kj_range *p, char kind)
{
	size_t room = b->len < b->size ? b->size - b->len : 0;

	b->len += (size_t)snprintf(b->out + b->len, room, "memmap=0x%llx%c0x%llx ",
				   (unsigned long long)(p->end - p->start + 1),
				   kind, (unsigned long long)p->start);
}

static int memmap_args(void *ctx, const struct kj_load_plan *plan)
{
	struct boot_args *b = ctx;
	struct kj_range pram[KJ_E820_MAX];
	size_t n = pram_of(plan, pram);

	for (size_t i = 0; i < n; i++) {
		if (!pram[i].start || i >= KASLR_MEMMAP_MAX) {
			say_error(b->r, "this machine's RAM needs %s; R cannot be booted straight",
				  pram[i].start ? "more than 4 memmap= ranges" : "a range at address 0");
			say_hint(b->r, "resume in two boots: kjump.resume=DEST on the normal command line");
			return -E2BIG;
		}
		memmap_arg(b, &pram[i], '!');
	}
	/* where B's segments lay, R's plan keeps out of (r_range() in
	 * lib/loader/plan.c); booted straight, R is kept out as reserved */
	if (n < KASLR_MEMMAP_MAX && plan->kept_out.end >= plan->kept_out.start)
		memmap_arg(b, &plan->kept_out, '$');
	return 0;
}

int kj_resume_boot_args(const struct kj_resume_opts *o, char *out, size_t size)
{
	struct resume s = { .o = o };
	struct boot_args b = { .r = o->report, .out = out, .size = size };
	struct kj_flow_load l = {
		.o = { .append = "", .report = o->report },
		.restore = true, .dry_run = true,
		.check = memmap_args, .check_ctx = &b,
	};
	int err = task(&s, false);

	if (size)
		out[0] = '\0';
	if (!err)
		err = kj_flow_load(&l);
	if (!err && b.len < size)
		b.len += (size_t)snprintf(out + b.len, size - b.len, "%s", s.append);
	if (!err && b.len >= size) {
		say_error(o->report, "the command line for R is %zu bytes: longer than %zu",
			  b.len, size - 1);
		err = -E2BIG;
	}
	return err;
}
