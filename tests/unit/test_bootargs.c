// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one-boot command line's coarse spans (kj_avoid_spans): the first 4
 * memmap= ranges are all the kernel's KASLR keeps out of, so they must
 * cover every range of RAM R writes and none of R's own. On OVMF's real
 * map, and on maps with dozens of RAM ranges built from it.
 */
#include <stdlib.h>

#include "flow/resume.h"
#include "machine/machine.h"
#include "t.h"

#define REGION_START 0x30000000ull
#define REGION_END 0x39ffffffull

/* R's own RAM: the region, and low memory below 1 MiB. */
static const struct kj_range own[] = { { 0x1000, 0x9ffff }, { REGION_START, REGION_END } };

/* ram less low memory and the region: the RAM R writes. */
static size_t written_ram(const struct kj_range *ram, size_t n, struct kj_range *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct kj_range r = ram[i];

		if (r.end < 0x100000)
			continue;
		if (r.start <= REGION_END && r.end >= REGION_START) {
			if (r.start < REGION_START)
				out[k++] = (struct kj_range){ r.start, REGION_START - 1 };
			if (r.end > REGION_END)
				out[k++] = (struct kj_range){ REGION_END + 1, r.end };
			continue;
		}
		out[k++] = r;
	}
	return k;
}

/* Every range of ram lies in a span; no span touches own; spans ascend. */
static int spans_sound(const struct kj_range *ram, size_t n,
		       const struct kj_range *span, size_t nspan)
{
	for (size_t i = 0; i < n; i++)
		if (!kj_range_within(&ram[i], span, nspan))
			return 0;
	for (size_t i = 0; i < nspan; i++) {
		for (size_t j = 0; j < KJ_ARRAY_SIZE(own); j++)
			if (kj_ranges_overlap(&span[i], &own[j]))
				return 0;
		if (i && span[i].start <= span[i - 1].end)
			return 0;
	}
	return 1;
}

static size_t ovmf_ram(struct kj_range *ram)
{
	size_t len, n;
	char *text = t_data("iomem-ovmf-q35-1g-crashkernel-160m.txt", &len);
	struct kj_iomem *iomem = NULL;

	if (kj_iomem_parse(text, len, &iomem, NULL)) {
		free(text);
		return 0;
	}
	n = kj_iomem_system_ram(iomem, ram);
	kj_iomem_free(iomem);
	free(text);
	return n;
}

/* OVMF (q35, 1 GiB): its RAM in 6 ranges once the 4 pieces the boot
 * loader's setup_data cut from the big one are joined again; R writes 6
 * ranges, in the 3 spans there is room for, or in 2, one on each side of
 * the region. */
TEST(bootargs_spans_ovmf)
{
	struct kj_range ram[64], w[64], span[64];
	size_t n = ovmf_ram(ram), nw = written_ram(ram, n, w);
	size_t ns = kj_avoid_spans(w, nw, own, KJ_ARRAY_SIZE(own), span, 3);

	CHECK_INT(n, 6);
	CHECK_U64(ram[3].start, 0x900000);
	CHECK_U64(ram[3].end, 0x3ea89fff);
	CHECK_INT(nw, 6);
	CHECK_INT(ns, 3);
	CHECK_U64(span[0].start, 0x100000);
	CHECK_U64(span[2].end, 0x3feebfff);
	CHECK(spans_sound(w, nw, span, ns));
	/* with room for 2 only: one on each side of the region */
	CHECK_INT(kj_avoid_spans(w, nw, own, KJ_ARRAY_SIZE(own), span, 2), 2);
	CHECK_U64(span[0].end, REGION_START - 1);
	CHECK_U64(span[1].start, REGION_END + 1);
	CHECK(spans_sound(w, nw, span, 2));
}

/* OVMF's map as real firmware gives it on a bigger machine: its big
 * range cut by 40 small reserved holes, and 8 GiB above 4 GiB in 8
 * ranges: 53 ranges, still 3 spans (the PCI hole is the widest gap, and
 * the region cuts the low ones in two). */
TEST(bootargs_spans_dozens)
{
	struct kj_range ram[64], big[128], w[128], span[128];
	size_t n = ovmf_ram(ram), k = 0, nw, ns;

	for (size_t i = 0; i < n; i++) {
		if (ram[i].start != 0x900000) {
			big[k++] = ram[i];
			continue;
		}
		for (uint64_t at = 0x900000; at < 0x3e000000; at += 0x1800000)
			big[k++] = (struct kj_range){ at, at + 0x17fefff };
	}
	for (uint64_t g = 0; g < 8; g++)
		big[k++] = (struct kj_range){ (4 + g) << 30, ((5 + g) << 30) - 0x2001 };
	nw = written_ram(big, k, w);
	ns = kj_avoid_spans(w, nw, own, KJ_ARRAY_SIZE(own), span, 3);
	CHECK(k > 50);
	CHECK_INT(ns, 3);
	CHECK(spans_sound(w, nw, span, ns));
	CHECK_U64(span[2].start, 4ull << 30);
	/* one span fewer than needed: refused, not made to cover R */
	CHECK_INT(kj_avoid_spans(w, nw, own, KJ_ARRAY_SIZE(own), span, 1), 0);
}

/* Few ranges stay as they are. */
TEST(bootargs_spans_few)
{
	static const struct kj_range w[] = { { 0x3a000000, 0x3fffffff }, { 0x100000, 0x2fffffff } };
	struct kj_range span[2];

	CHECK_INT(kj_avoid_spans(w, 2, own, KJ_ARRAY_SIZE(own), span, 3), 2);
	CHECK_U64(span[0].start, 0x100000);
	CHECK_U64(span[1].end, 0x3fffffff);
	CHECK_INT(kj_avoid_spans(w, 0, own, KJ_ARRAY_SIZE(own), span, 3), 0);
}
