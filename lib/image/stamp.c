// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stamp A puts where B is to write the image (doc/image-format.md):
 * B writes only to a target that carries it. Kernel device names can
 * differ between A and B; the stamp says which device A meant. For a
 * resident B, loaded once and started again for each task, the stamp also
 * carries the task: B's command line was written at its load, the task's
 * words (kjump.action= and the rest) are written here before each jump.
 */
#include <errno.h>
#include <string.h>

#include "image/image.h"
#include "common/le.h"

#define STAMP_MAGIC	"KJCLAIM2"
#define STAMP_UUID	0x08
#define STAMP_SIZE	0x18
#define STAMP_SUM	0x20	/* of the whole block, this field zero */
#define STAMP_LEN	0x28	/* of the task's text */
#define STAMP_TEXT	0x40

static uint64_t stamp_sum(const uint8_t *buf)
{
	uint8_t copy[KJ_STAMP_SIZE];

	memcpy(copy, buf, sizeof(copy));
	memset(copy + STAMP_SUM, 0, 8);
	return kj_checksum(copy, sizeof(copy));
}

int kj_stamp_encode(uint8_t *buf, const uint8_t uuid[16], uint64_t size,
		    const char *task)
{
	size_t len = task ? strlen(task) : 0;

	if (len > KJ_STAMP_TASK_MAX)
		return -E2BIG;
	memset(buf, 0, KJ_STAMP_SIZE);
	memcpy(buf, STAMP_MAGIC, 8);
	memcpy(buf + STAMP_UUID, uuid, 16);
	put_le64(buf + STAMP_SIZE, size);
	put_le32(buf + STAMP_LEN, (uint32_t)len);
	memcpy(buf + STAMP_TEXT, task ? task : "", len);
	put_le64(buf + STAMP_SUM, stamp_sum(buf));
	return 0;
}

bool kj_stamp_matches(const uint8_t *buf, const uint8_t uuid[16], uint64_t size,
		      char task[KJ_STAMP_TASK_MAX + 1])
{
	uint32_t len = get_le32(buf + STAMP_LEN);

	if (memcmp(buf, STAMP_MAGIC, 8) || get_le64(buf + STAMP_SUM) != stamp_sum(buf) ||
	    memcmp(buf + STAMP_UUID, uuid, 16) || get_le64(buf + STAMP_SIZE) != size ||
	    len > KJ_STAMP_TASK_MAX || memchr(buf + STAMP_TEXT, 0, len))
		return false;
	if (task) {
		memcpy(task, buf + STAMP_TEXT, len);
		task[len] = '\0';
	}
	return true;
}
