// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: /proc/iomem text, and the questions asked of it. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct kj_iomem *iomem;
	struct kj_range r;
	size_t bad;

	if (!text)
		return 0;
	if (!kj_iomem_parse(text, size, &iomem, &bad)) {
		for (size_t i = 0; i < kj_iomem_count(iomem); i++) {
			const struct kj_iomem_entry *e = kj_iomem_get(iomem, i);

			kj_iomem_is_ram(iomem, e->range.start, kj_range_size(&e->range));
		}
		kj_iomem_is_ram(iomem, 0x100000, 0x1000);
		kj_iomem_find(iomem, "Kernel code", &r);
		kj_iomem_crash_region(iomem, &r);
		kj_iomem_free(iomem);
	}
	free(text);
	return 0;
}
