// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a boot records in an image: a restore started (tries), resumed
 * (CONSUMED), or given up with its reason (DISCARDED). Only those fields
 * change: the rest of the header stays byte for byte, resealed with a new
 * checksum.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "image/image.h"
#include "common/le.h"

static void apply(uint8_t *buf, const struct kj_image_header *h,
		  const struct kj_image_mark *m)
{
	put_le32(buf + KJ_HDR_FLAGS, h->flags | m->flags);
	if (m->count_try)
		put_le32(buf + KJ_HDR_TRIES, h->tries + 1);
	/* the first reason stays: it is why the image was given up */
	if ((m->flags & KJ_IMAGE_FLAG_DISCARDED) &&
	    !(h->flags & KJ_IMAGE_FLAG_DISCARDED)) {
		put_le16(buf + KJ_HDR_DISCARD, (uint16_t)m->reason);
		put_le16(buf + KJ_HDR_DISCARD_DETAIL, m->detail);
	}
	kj_image_header_seal(buf);
}

static int rewrite(const struct kj_target *t, const struct kj_image_mark *m)
{
	struct kj_image_header *h = malloc(sizeof(*h));
	struct kj_image_error e;
	uint8_t *buf = NULL;
	int err = h ? 0 : -ENOMEM;

	if (!err && posix_memalign((void **)&buf, KJ_IMAGE_ALIGN, KJ_IMAGE_HEADER_SIZE))
		err = -ENOMEM;
	if (!err)
		err = kj_image_header_load(t, buf, h, &e);
	if (!err) {
		apply(buf, h, m);
		err = kj_image_header_store(t, buf);
	}
	free(buf);
	free(h);
	return err;
}

int kj_image_mark(const char *path, const struct kj_extents *ext,
		  const struct kj_image_mark *m)
{
	struct kj_target t = { .ext = ext };
	int err;

	if ((m->flags & ~(KJ_IMAGE_FLAG_CONSUMED | KJ_IMAGE_FLAG_DISCARDED)) ||
	    !(m->flags & KJ_IMAGE_FLAG_DISCARDED) != !m->reason)
		return -EINVAL;
	t.fd = open(path, O_RDWR | O_CLOEXEC);
	if (t.fd < 0)
		return -errno;
	err = rewrite(&t, m);
	close(t.fd);
	return err;
}
