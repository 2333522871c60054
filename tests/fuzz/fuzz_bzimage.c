// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: a bzImage's setup header, and the boot_params built
 * from one that parsed (which copies the header without a length). */
#include "loader/loader.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bp[KJ_BOOT_PARAMS_SIZE];
	struct kj_boot_setup s = { .cmdline = 0x1000 };
	struct kj_bzimage bz;
	uint8_t *image;

	/* exactly size bytes, so that a read past them is caught */
	image = malloc(size ? size : 1);
	if (!image)
		return 0;
	memcpy(image, data, size);
	if (!kj_bzimage_parse(image, size, &bz)) {
		memset(bp, 0, sizeof(bp));
		kj_boot_params_build(bp, image, &bz, &s);
	}
	free(image);
	return 0;
}
