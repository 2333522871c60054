// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Jumping back from B to its caller. The caller's re-entry point lies in
 * its control page, which B's identity map does not cover. A segment over
 * that page makes the kernel map it; the segment carries the page's
 * current content, read from the core, so the swap puts back what is
 * there.
 *
 * Load it once. The kernel swaps a segment with its destination on the
 * way out and again on the way back in, so once B is resumed the image's
 * source page holds the caller's newest control page (saved stack pointer,
 * page table) and the destination holds the old one. Jumping with the same
 * image swaps the newest back in. A fresh load would read the old one from
 * the core and resume the caller on a dead stack. (B reads the page from
 * its core, lib/flow/back.c; R from the memory it restored.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kexec/sys.h"

#define KEY "kexec_jump_back_entry="

int kj_jump_back_entry(const char *cmdline, uint64_t *entry)
{
	const char *p = cmdline;
	char *end;

	while ((p = strstr(p, KEY))) {
		if (p == cmdline || p[-1] == ' ')
			break;
		p += strlen(KEY);
	}
	if (!p)
		return -ENOENT;
	p += strlen(KEY);
	errno = 0;
	*entry = strtoull(p, &end, 0);
	if (errno || end == p || (*end && *end != ' ' && *end != '\n'))
		return -EINVAL;
	return *entry ? 0 : -ENOENT;
}

int kj_jump_back_load_page(uint64_t entry, const void *page)
{
	struct kj_segment seg = {
		.buf = page,
		.bufsz = KJ_PAGE_SIZE,
		.mem = entry & ~(uint64_t)(KJ_PAGE_SIZE - 1),
		.memsz = KJ_PAGE_SIZE,
	};

	return kj_kexec_load_jump(entry, &seg, 1);
}
