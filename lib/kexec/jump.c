// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Jumping back from B (or R) to its caller. The caller's re-entry point
 * lies in its control page, which the kexec identity map must cover: the
 * caller's code there runs on it until it loads its own page table.
 *
 * The kernel maps its own RAM, every segment, and the ACPI-data and NVS
 * ranges of its firmware map. B is told its caller's RAM as ACPI data
 * (lib/loader/plan.c), so its jump back needs no segment there. It needs
 * one somewhere (none at all would unload), and not an empty one (6.12
 * takes an empty segment at 0 as one reaching the top of memory, and finds
 * no control page outside it: ENOMEM). So one page over physical page 0,
 * which no kernel uses once booted (it is reserved for the firmware). The
 * swap parks a zero page there while the caller runs; the caller's own
 * load swaps its low memory (which includes page 0) in and out around
 * that, and the way back in swaps page 0 back: each kernel finds page 0
 * as it left it.
 *
 * Otherwise (R, told the caller's RAM as persistent memory to write into;
 * a B whose map could not hold those entries) a segment over the control
 * page makes the kernel map it; it carries the page's current content, so
 * the swap puts back what is there. Load that one once: the kernel swaps a
 * segment with its destination on the way out and again on the way back
 * in, so once B is resumed the image's source page holds the caller's
 * newest control page (saved stack pointer, page table) and the
 * destination the old one. Jumping with the same image swaps the newest
 * back in; a fresh load would read the old one and resume the caller on a
 * dead stack. And B's core then shows the old one too, which is why a B
 * that saves its caller more than once needs the first way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kexec/sys.h"

#define KEY "kexec_jump_back_entry="

/* The value of the word key (which ends in '=') on cmdline, or NULL. */
static const char *word_value(const char *cmdline, const char *key)
{
	const char *p = cmdline;

	while ((p = strstr(p, key))) {
		if (p == cmdline || p[-1] == ' ')
			return p + strlen(key);
		p += strlen(key);
	}
	return NULL;
}

int kj_jump_back_entry(const char *cmdline, uint64_t *entry)
{
	const char *p = word_value(cmdline, KEY);
	char *end;

	if (!p)
		return -ENOENT;
	errno = 0;
	*entry = strtoull(p, &end, 0);
	if (errno || end == p || (*end && *end != ' ' && *end != '\n'))
		return -EINVAL;
	return *entry ? 0 : -ENOENT;
}

static struct kj_segment page_segment(uint64_t entry, const void *page)
{
	return (struct kj_segment){
		.buf = page,
		.bufsz = KJ_PAGE_SIZE,
		.mem = entry & ~(uint64_t)(KJ_PAGE_SIZE - 1),
		.memsz = KJ_PAGE_SIZE,
	};
}

int kj_jump_back_load_page(uint64_t entry, const void *page)
{
	struct kj_segment seg = page_segment(entry, page);

	return kj_kexec_load_jump(entry, &seg, 1);
}

/*
 * A plain load: R's kernel then shuts its devices down and stops its
 * other CPUs, where a preserve-context jump would freeze its tasks,
 * suspend its devices and take its CPUs offline, for a way back into R
 * that nobody takes (0.05 s of every resume under emulation). The
 * kernel's relocate code then enters the caller's re-entry point with
 * `ret` instead of `call`, so the caller finds 0 as its peer's re-entry
 * point, where it would find R's: either is dead, and the caller drops
 * the load that held it (lib/flow/hibernate.c).
 */
int kj_jump_back_load_final(uint64_t entry, const void *page)
{
	struct kj_segment seg = page_segment(entry, page);

	return kj_kexec_load_plain(entry, &seg, 1);
}

int kj_keep_range(const char *cmdline, struct kj_range *keep)
{
	const char *p = word_value(cmdline, KJ_KEEP_KEY);
	unsigned long long s, e;
	int used = 0;

	if (!p)
		return -ENOENT;
	if (sscanf(p, "0x%llx-0x%llx%n", &s, &e, &used) != 2 ||
	    (p[used] && p[used] != ' ' && p[used] != '\n') || e < s ||
	    s % KJ_PAGE_SIZE || (e + 1) % KJ_PAGE_SIZE)
		return -EINVAL;
	*keep = (struct kj_range){ s, e };
	return 0;
}

int kj_jump_back_load_keeping(uint64_t entry, const struct kj_range *low,
			      size_t nlow, const struct kj_range *keep)
{
	struct kj_segment segs[KJ_SEGMENTS_MAX];
	size_t n = 0;

	if (nlow + 1 > KJ_SEGMENTS_MAX)
		return -E2BIG;
	for (size_t i = 0; i < nlow; i++)
		segs[n++] = (struct kj_segment){ .mem = low[i].start,
						 .memsz = kj_range_size(&low[i]) };
	segs[n++] = (struct kj_segment){ .mem = keep->start,
					 .memsz = kj_range_size(keep) };
	return kj_kexec_load_jump(entry, segs, n);
}

int kj_jump_back_load_mapped(uint64_t entry)
{
	static const uint8_t zero[KJ_PAGE_SIZE];
	struct kj_segment page0 = {
		.buf = zero, .bufsz = sizeof(zero), .mem = 0, .memsz = sizeof(zero),
	};

	return kj_kexec_load_jump(entry, &page0, 1);
}
