// SPDX-License-Identifier: GPL-2.0-or-later
/* Where an image lives: a file or device, or a device seen through the
 * extent map of a file on it. Offsets are the image's own. */
#include <errno.h>

#include "image/image.h"

static int io(const struct kj_target *t, void *buf, size_t len, uint64_t off,
	      bool writing)
{
	while (len) {
		uint64_t dev, avail;
		size_t chunk;
		int err;

		if (!t->ext) {
			return writing ? kj_pwrite_all(t->fd, buf, len, off)
				       : kj_pread_all(t->fd, buf, len, off);
		}
		if (kj_extents_map(t->ext, off, &dev, &avail))
			return writing ? -ENOSPC : -ENODATA;
		chunk = len < avail ? len : (size_t)avail;
		err = writing ? kj_pwrite_all(t->fd, buf, chunk, dev)
			      : kj_pread_all(t->fd, buf, chunk, dev);
		if (err)
			return err;
		buf = (char *)buf + chunk;
		off += chunk;
		len -= chunk;
	}
	return 0;
}

int kj_target_pread(const struct kj_target *t, void *buf, size_t len,
		    uint64_t off)
{
	return io(t, buf, len, off, false);
}

int kj_target_pwrite(const struct kj_target *t, const void *buf, size_t len,
		     uint64_t off)
{
	return io(t, (void *)(uintptr_t)buf, len, off, true);
}
