// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: extent maps as text, and offsets looked up in them. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct kj_extents x;
	uint64_t dev, avail;
	size_t bad;

	if (!text)
		return 0;
	if (!kj_extents_parse(text, &x, &bad)) {
		kj_extents_map(&x, 0, &dev, &avail);
		kj_extents_map(&x, x.total - 1, &dev, &avail);
		kj_extents_map(&x, x.total, &dev, &avail);
		kj_extents_release(&x);
	}
	free(text);
	return 0;
}
