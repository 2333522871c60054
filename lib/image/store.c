// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The header on the target: at 0, and a copy at KJ_IMAGE_COPY_OFFSET.
 * Every header write goes to the copy first, then (synced) to the header
 * itself: a power cut tears at most one of them, and a reader whose header
 * fails its checksum takes the copy.
 */
#include <errno.h>
#include <unistd.h>

#include "image/image.h"

static int write_synced(const struct kj_target *t, const uint8_t *buf,
			uint64_t off)
{
	int err = kj_target_pwrite(t, buf, KJ_IMAGE_HEADER_SIZE, off);

	if (!err && fsync(t->fd))
		err = -errno;
	return err;
}

int kj_image_header_store(const struct kj_target *t, const uint8_t *buf)
{
	int err = write_synced(t, buf, KJ_IMAGE_COPY_OFFSET);

	return err ? err : write_synced(t, buf, 0);
}

/* A torn write leaves bytes of two versions: the checksum sees it. The
 * other faults (magic, version...) are the copy's too. */
int kj_image_header_load(const struct kj_target *t, uint8_t *buf,
			 struct kj_image_header *h, struct kj_image_error *err)
{
	int r = kj_target_pread(t, buf, KJ_IMAGE_HEADER_SIZE, 0);

	if (!r)
		r = kj_image_header_decode(buf, KJ_IMAGE_HEADER_SIZE, h, err);
	if (r != -EBADMSG || err->fault != KJ_IMG_BAD_HEADER_CHECKSUM)
		return r;
	if (kj_target_pread(t, buf, KJ_IMAGE_HEADER_SIZE, KJ_IMAGE_COPY_OFFSET) ||
	    kj_image_header_decode(buf, KJ_IMAGE_HEADER_SIZE, h, err))
		return kj_image_fail(err, KJ_IMG_BAD_HEADER_CHECKSUM, -1, 0);
	return 0;
}
