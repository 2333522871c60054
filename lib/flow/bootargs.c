// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line that has the boot loader start R straight: one boot
 * instead of two. It describes this machine (its RAM, less the region and
 * low memory, as memmap= persistent memory), not one image: R checks the
 * image, all of it, as it writes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow/resume.h"

/*
 * The kernel's decompressor (KASLR) keeps itself out of the first 4
 * memmap= ranges of the command line and takes no notice of later ones;
 * the kernel proper takes them all. So R's command line first gives at
 * most 4 coarse spans as reserved (memmap=SIZE$START), which cover all
 * the RAM R writes and none of R's own, then each range of that RAM as
 * persistent memory (memmap=SIZE!START). Where they overlap the kernel
 * keeps the higher e820 type: persistent memory over reserved over RAM,
 * and the firmware's ACPI and NVS ranges in the gaps stay what they are.
 * A range at address 0 would be read as a memory limit.
 */
#define KASLR_MEMMAP_MAX 4

/* Whether [a, b] touches one of keep[0..nkeep). */
static bool touches(uint64_t a, uint64_t b, const struct kj_range *keep,
		    size_t nkeep)
{
	struct kj_range g = { a, b };

	for (size_t i = 0; i < nkeep; i++)
		if (kj_ranges_overlap(&g, &keep[i]))
			return true;
	return false;
}

size_t kj_avoid_spans(const struct kj_range *ram, size_t n,
		      const struct kj_range *keep, size_t nkeep,
		      struct kj_range *out, size_t max)
{
	size_t k = n;

	memcpy(out, ram, n * sizeof(*out));
	kj_ranges_sort(out, k);
	while (k > max) {
		size_t best = SIZE_MAX;

		for (size_t i = 0; i + 1 < k; i++)
			if (!touches(out[i].end + 1, out[i + 1].start - 1, keep, nkeep) &&
			    (best == SIZE_MAX || out[i + 1].start - out[i].end <
						 out[best + 1].start - out[best].end))
				best = i;
		if (best == SIZE_MAX)
			return 0;
		out[best].end = out[best + 1].end;
		memmove(&out[best + 1], &out[best + 2], (k - best - 2) * sizeof(*out));
		k--;
	}
	return k;
}

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

/* R's own RAM in its plan: what no span may cover. */
static size_t own_ram(const struct kj_load_plan *plan, struct kj_range *out)
{
	size_t n = 0;

	for (size_t j = 0; j < plan->ne820; j++)
		if (plan->e820[j].type == KJ_E820_RAM)
			out[n++] = plan->e820[j].range;
	return n;
}

static int memmap_args(void *ctx, const struct kj_load_plan *plan)
{
	struct boot_args *b = ctx;
	struct kj_range pram[KJ_E820_MAX], own[KJ_E820_MAX], span[KJ_E820_MAX];
	size_t n = kj_pram_of(plan, pram);
	bool kept = plan->kept_out.end >= plan->kept_out.start;
	size_t nspan = kj_avoid_spans(pram, n, own, own_ram(plan, own), span,
				      KASLR_MEMMAP_MAX - kept);

	for (size_t i = 0; i < n; i++) {
		if (!pram[i].start) {
			say_error(b->r, "this machine's RAM has a range at address 0; R cannot be booted straight");
			say_hint(b->r, "resume in two boots: kjump.resume=DEST on the normal command line");
			return -E2BIG;
		}
	}
	if (n && !nspan) {
		say_error(b->r, "the RAM R writes cannot be covered in %d ranges that leave R's own out",
			  KASLR_MEMMAP_MAX - kept);
		return -E2BIG;
	}
	/* where B's segments lay, R's plan keeps out of (r_range() in
	 * lib/loader/plan.c); booted straight, R is kept out as reserved */
	if (kept)
		memmap_arg(b, &plan->kept_out, '$');
	for (size_t i = 0; i < nspan; i++)
		memmap_arg(b, &span[i], '$');
	for (size_t i = 0; i < n; i++)
		memmap_arg(b, &pram[i], '!');
	return 0;
}

/*
 * Under UEFI it is the kernel's EFI stub that places the kernel, and it
 * takes no notice of memmap= (with one on the line it takes the lowest
 * free address from 16 MiB up: A's RAM). There the boot loader starts
 * kjump's initramfs as C instead (kjump.action=resume, the region reserved
 * where A had it), which checks the image, loads R into the region with
 * every RAM range in R's boot_params, and jumps: one boot of the firmware,
 * two of the kernel. C runs without KASLR: placed at random, its kernel
 * was seen to take the region's place, and C could not reserve it.
 */
static bool booted_by_uefi(void)
{
	return !access("/sys/firmware/efi", F_OK);
}

static int hop_args(const struct kj_resume_opts *o, char *out, size_t size)
{
	struct kj_system sys;
	char task[4096];
	size_t n;
	int err = kj_system_read(&sys);

	if (!err && !sys.has_region) {
		kj_system_release(&sys);
		err = -ENOENT;
	}
	if (err) {
		say_error(o->report, "no memory is reserved for kjump here (crashkernel=): %s",
			  strerror(-err));
		return err;
	}
	n = kj_task_cmdline(task, sizeof(task), "resume", o->image, NULL, o->extents);
	if (n < sizeof(task))
		n = (size_t)snprintf(out, size, "crashkernel=0x%llx@0x%llx nokaslr %s",
				     (unsigned long long)kj_range_size(&sys.region),
				     (unsigned long long)sys.region.start, task);
	kj_system_release(&sys);
	if (n >= size) {
		say_error(o->report, "the command line for C is %zu bytes: longer than %zu",
			  n, size - 1);
		return -E2BIG;
	}
	return 0;
}

int kj_resume_boot_args(const struct kj_resume_opts *o, char *out, size_t size)
{
	bool uefi = booted_by_uefi();
	struct resume s = { .o = o };
	struct boot_args b = { .r = o->report, .out = out, .size = size };
	/* R's plan is made either way: it checks this machine can take it;
	 * the memmap= ranges are only for R booted straight */
	struct kj_flow_load l = {
		.o = { .append = "", .report = o->report },
		.restore = true, .dry_run = true,
		.check = uefi ? NULL : memmap_args, .check_ctx = &b,
	};
	int err = kj_resume_task(&s, false);

	if (size)
		out[0] = '\0';
	if (!err)
		err = kj_flow_load(&l);
	if (!err && uefi)
		return hop_args(o, out, size);
	if (!err && b.len < size)
		b.len += (size_t)snprintf(out + b.len, size - b.len, "%s", s.append);
	if (!err && b.len >= size) {
		say_error(o->report, "the command line for R is %zu bytes: longer than %zu",
			  b.len, size - 1);
		err = -E2BIG;
	}
	return err;
}
