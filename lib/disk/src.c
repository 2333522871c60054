// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where a print is read from. A device is read with O_DIRECT: the page
 * cache of the kernel that reads (B, C, R) must not stand in for what is
 * on the disk, and O_DIRECT wants buffers, offsets and lengths aligned to
 * the device's logical block size, at most 4096: reads go through an
 * aligned bounce buffer in whole pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/internal.h"
#include "disk/disk.h"

#define DIRECT_ALIGN	4096u
#define DIRECT_CHUNK	(1u << 20)

static int mem_read(const struct kj_disk_src *s, void *buf, size_t len,
		    uint64_t off)
{
	if (off > s->size || len > s->size - off)
		return -ENODATA;
	memcpy(buf, s->mem + off, len);
	return 0;
}

void kj_disk_src_mem(struct kj_disk_src *s, const void *mem, size_t size)
{
	*s = (struct kj_disk_src){ .read = mem_read, .size = size, .fd = -1,
				   .mem = mem };
}

/* One aligned piece: [start, end) in whole pages, clipped to the end of the
 * device (a device's size is a multiple of its logical block size). */
static int direct_piece(const struct kj_disk_src *s, uint8_t *bounce,
			uint8_t *buf, uint64_t off, size_t len)
{
	uint64_t start = off & ~(uint64_t)(DIRECT_ALIGN - 1);
	uint64_t end = kj_align_up(off + len, DIRECT_ALIGN);
	int err;

	if (end > s->size)
		end = s->size;
	err = kj_pread_all(s->fd, bounce, end - start, start);
	if (err)
		return err;
	memcpy(buf, bounce + (off - start), len);
	return 0;
}

static int direct_read(const struct kj_disk_src *s, void *buf, size_t len,
		       uint64_t off)
{
	size_t done = 0, piece;
	void *bounce;
	int err = 0;

	if (off > s->size || len > s->size - off)
		return -ENODATA;
	piece = len < DIRECT_CHUNK ? len : DIRECT_CHUNK;
	if (posix_memalign(&bounce, DIRECT_ALIGN,
			   kj_align_up(piece, DIRECT_ALIGN) + 2 * DIRECT_ALIGN))
		return -ENOMEM;
	while (done < len && !err) {
		piece = len - done < DIRECT_CHUNK ? len - done : DIRECT_CHUNK;
		err = direct_piece(s, bounce, (uint8_t *)buf + done, off + done,
				   piece);
		done += piece;
	}
	free(bounce);
	return err;
}

static int size_of(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	return ioctl(fd, BLKGETSIZE64, size) ? -errno : 0;
}

/* A regular file is accepted too (a copy of a disk, in the tests); on a
 * file system without O_DIRECT it is read through the cache. */
int kj_disk_src_open(struct kj_disk_src *s, const char *dev)
{
	int err;

	*s = (struct kj_disk_src){ .read = direct_read, .fd = -1 };
	s->fd = open(dev, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (s->fd < 0 && errno == EINVAL)
		s->fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return -errno;
	err = size_of(s->fd, &s->size);
	if (err)
		kj_disk_src_close(s);
	return err;
}

void kj_disk_src_close(struct kj_disk_src *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
