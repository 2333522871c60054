// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Extent maps: where the bytes of a file lie on its device, from FIEMAP in
 * the kernel that owns the file system, so that another kernel can write
 * them raw without mounting it. Only plain, written, aligned extents will
 * do: an unwritten (fallocated) extent reads back as zeros whatever is
 * written under it, and a shared, encoded or inline one is not the file's
 * alone.
 *
 * The text form, one extent per line in file order:
 *   DEVICE_OFFSET LENGTH
 * in bytes, decimal or 0x hex, both multiples of 4096. Lines starting
 * with # are comments.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "image/image.h"

#define FIEMAP_BATCH 256
#define BAD_FLAGS (FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC | \
		   FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_DATA_ENCRYPTED | \
		   FIEMAP_EXTENT_NOT_ALIGNED | FIEMAP_EXTENT_DATA_INLINE | \
		   FIEMAP_EXTENT_DATA_TAIL | FIEMAP_EXTENT_UNWRITTEN | \
		   FIEMAP_EXTENT_SHARED)

static int push(struct kj_extents *x, uint64_t dev, uint64_t len)
{
	if (dev % KJ_PAGE_SIZE || len % KJ_PAGE_SIZE || !len)
		return -EINVAL;
	if (x->n && x->e[x->n - 1].dev + x->e[x->n - 1].len == dev) {
		x->e[x->n - 1].len += len;	/* contiguous: one extent */
	} else {
		struct kj_extent *p = realloc(x->e, (x->n + 1) * sizeof(*p));

		if (!p)
			return -ENOMEM;
		x->e = p;
		x->e[x->n].dev = dev;
		x->e[x->n++].len = len;
	}
	x->total += len;
	return 0;
}

int kj_extents_parse(const char *text, struct kj_extents *x, size_t *bad_line)
{
	const char *p = text;
	size_t line = 0;

	memset(x, 0, sizeof(*x));
	while (*p) {
		unsigned long long dev, len;
		int used = 0;

		line++;
		if (*p == '#') {
			p += strcspn(p, "\n");
			p += *p == '\n';
			continue;
		}
		if (sscanf(p, " %lli %lli%n", &dev, &len, &used) != 2 ||
		    push(x, dev, len)) {
			if (bad_line)
				*bad_line = line;
			kj_extents_release(x);
			return -EINVAL;
		}
		p += used;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
	}
	return x->n ? 0 : -ENODATA;
}

void kj_extents_release(struct kj_extents *x)
{
	free(x->e);
	memset(x, 0, sizeof(*x));
}

static int fiemap_batch(int fd, uint64_t start, struct kj_extents *x,
			uint64_t *next, bool *last)
{
	size_t size = sizeof(struct fiemap) + FIEMAP_BATCH * sizeof(struct fiemap_extent);
	struct fiemap *fm = calloc(1, size);
	int err = 0;

	if (!fm)
		return -ENOMEM;
	fm->fm_start = start;
	fm->fm_length = FIEMAP_MAX_OFFSET;
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	fm->fm_extent_count = FIEMAP_BATCH;
	if (ioctl(fd, FS_IOC_FIEMAP, fm))
		err = -errno;
	*last = !err && !fm->fm_mapped_extents;
	for (uint32_t i = 0; !err && i < fm->fm_mapped_extents; i++) {
		const struct fiemap_extent *fe = &fm->fm_extents[i];

		if (fe->fe_flags & BAD_FLAGS || fe->fe_logical != x->total)
			err = -EMEDIUMTYPE;
		else if (push(x, fe->fe_physical, fe->fe_length))
			err = -EMEDIUMTYPE;	/* not whole pages: 1 KiB blocks */
		*next = fe->fe_logical + fe->fe_length;
		*last = fe->fe_flags & FIEMAP_EXTENT_LAST;
	}
	free(fm);
	return err;
}

int kj_extents_of_file(const char *path, struct kj_extents *x)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t next = 0;
	bool last = false;
	int err = fd < 0 ? -errno : 0;

	memset(x, 0, sizeof(*x));
	while (!err && !last)
		err = fiemap_batch(fd, next, x, &next, &last);
	if (fd >= 0)
		close(fd);
	if (!err && !x->n)
		err = -ENODATA;
	if (err)
		kj_extents_release(x);
	return err;
}

/* Where logical byte off of the file lies on the device, and how many
 * bytes from there belong to the same extent. */
int kj_extents_map(const struct kj_extents *x, uint64_t off, uint64_t *dev,
		   uint64_t *avail)
{
	for (size_t i = 0; i < x->n; i++) {
		if (off < x->e[i].len) {
			*dev = x->e[i].dev + off;
			*avail = x->e[i].len - off;
			return 0;
		}
		off -= x->e[i].len;
	}
	return -ENOSPC;
}

bool kj_device_of(const char *path, char *out, size_t size)
{
	char uevent[64], line[128];
	struct stat st;
	bool found = false;
	FILE *f;

	if (stat(path, &st))
		return false;
	snprintf(uevent, sizeof(uevent), "/sys/dev/block/%u:%u/uevent",
		 major(st.st_dev), minor(st.st_dev));
	f = fopen(uevent, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "DEVNAME=", 8)) {
			snprintf(out, size, "/dev/%.*s", (int)strcspn(line + 8, "\n"),
				 line + 8);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}
