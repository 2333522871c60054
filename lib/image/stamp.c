// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stamp A puts where B is to write the image (doc/image-format.md):
 * B writes only to a target that carries it. Kernel device names can
 * differ between A and B; the stamp says which device A meant.
 */
#include <string.h>

#include "image/image.h"
#include "common/le.h"

#define STAMP_MAGIC	"KJCLAIM1"
#define STAMP_UUID	0x08
#define STAMP_SIZE	0x18
#define STAMP_SUM	0x20
#define STAMP_LEN	0x28

void kj_stamp_encode(uint8_t *buf, const uint8_t uuid[16], uint64_t size)
{
	memset(buf, 0, KJ_STAMP_SIZE);
	memcpy(buf, STAMP_MAGIC, 8);
	memcpy(buf + STAMP_UUID, uuid, 16);
	put_le64(buf + STAMP_SIZE, size);
	put_le64(buf + STAMP_SUM, kj_checksum(buf, STAMP_SUM));
}

bool kj_stamp_matches(const uint8_t *buf, const uint8_t uuid[16], uint64_t size)
{
	return !memcmp(buf, STAMP_MAGIC, 8) &&
	       get_le64(buf + STAMP_SUM) == kj_checksum(buf, STAMP_SUM) &&
	       !memcmp(buf + STAMP_UUID, uuid, 16) &&
	       get_le64(buf + STAMP_SIZE) == size &&
	       !memcmp(buf + STAMP_LEN, buf + STAMP_LEN + 1, KJ_STAMP_SIZE - STAMP_LEN - 1) &&
	       !buf[STAMP_LEN];
}
