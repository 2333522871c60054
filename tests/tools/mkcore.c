// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkcore OUT [PAGES]: writes a small ELF core file as /proc/vmcore would
 * show it: a VMCOREINFO note and two PT_LOADs (of 2500 pages, or PAGES:
 * four fifths at 1 MiB, the rest at 1 GiB), every 7th page zero, the
 * others a pattern of their pfn. A few pages make fuzzing seeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "kjump.h"
#include "common/le.h"

#define PAGE KJ_PAGE_SIZE

static void fill(uint8_t *p, uint64_t pfn)
{
	for (size_t i = 0; i < PAGE; i++)
		p[i] = pfn % 7 ? (uint8_t)(pfn * 13 + i / 32) : 0;
}

int main(int argc, char **argv)
{
	uint64_t pages = argc == 3 ? strtoull(argv[2], NULL, 10) : 2500;
	uint64_t low = pages - pages / 5;
	struct kj_range loads[] = { { 0x100000, 0x100000 + low * PAGE - 1 },
				    { 0x40000000, 0x40000000 + (pages - low) * PAGE - 1 } };
	uint8_t note[256], page[PAGE];
	size_t nlen = kj_vmcoreinfo_note("OSRELEASE=6.12-test\nBUILD-ID=0123abcd\nPAGESIZE=4096\n",
					 note, sizeof(note));
	uint64_t off = 2 * PAGE;
	void *hdr;
	size_t len;
	FILE *f;

	if (argc < 2 || argc > 3 || pages < 5 ||
	    kj_elfcore_build(loads, 2, 0, nlen, 0, &hdr, &len))
		return 2;
	memset(page, 0, sizeof(page));
	memcpy(page, hdr, len);
	put_le64(page + 64 + 0x08, len);			/* the note */
	put_le64(page + 64 + 56 + 0x08, off);			/* load 0 */
	put_le64(page + 64 + 112 + 0x08, off + low * PAGE);	/* load 1 */
	memcpy(page + len, note, nlen);
	f = fopen(argv[1], "w");
	if (!f || fwrite(page, PAGE, 1, f) != 1)
		return 1;
	memset(page, 0, sizeof(page));
	fwrite(page, PAGE, 1, f);
	for (int l = 0; l < 2; l++)
		for (uint64_t a = loads[l].start; a < loads[l].end; a += PAGE) {
			fill(page, a / PAGE);
			if (fwrite(page, PAGE, 1, f) != 1)
				return 1;
		}
	return fclose(f) ? 1 : 0;
}
