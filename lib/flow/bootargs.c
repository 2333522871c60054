// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line that has the boot loader start R straight: one boot
 * instead of two. It describes this machine (its RAM, less the region and
 * low memory, as memmap= persistent memory), not one image: R checks the
 * image, all of it, as it writes.
 */
#include <errno.h>
#include <stdio.h>

#include "flow/resume.h"

/*
 * The kernel's KASLR keeps itself out of at most 4 memmap= ranges, and
 * reads a range at address 0 as a memory limit: past that, R could be
 * placed in the very memory it writes.
 */
#define KASLR_MEMMAP_MAX 4

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
	size_t n = kj_pram_of(plan, pram);

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
	int err = kj_resume_task(&s, false);

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
