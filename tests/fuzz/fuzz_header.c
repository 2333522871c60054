// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the image header's decoder, on any bytes; once as
 * they are, once resealed so that mutations reach the field checks. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[KJ_IMAGE_HEADER_SIZE];
	static struct kj_image_header h;
	struct kj_image_error err;

	if (!kj_image_header_decode(data, size, &h, &err))
		kj_image_data_offset(&h);
	if (size < sizeof(buf))
		return 0;
	memcpy(buf, data, sizeof(buf));
	fuzz_seal_header(buf);
	if (!kj_image_header_decode(buf, sizeof(buf), &h, &err))
		kj_image_data_offset(&h);
	return 0;
}
