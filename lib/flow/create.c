// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An image file that does not exist yet: created for root's eyes only
 * (mode 0600, never through a symbolic link), and written full of zeros,
 * since B writes raw into its extents and unwritten (fallocated) extents
 * would read back as zeros whatever B wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "flow/target.h"

#define CHUNK (1u << 20)

/* All of RAM, and room for the header, note and trailer: an image is
 * never larger, compressed or not (free pages are left out). */
static uint64_t default_size(void)
{
	struct sysinfo si;

	if (sysinfo(&si))
		return 0;
	return kj_align_up((uint64_t)si.totalram * si.mem_unit, CHUNK) + 16 * CHUNK;
}

static int fill_zeros(int fd, uint64_t size)
{
	char *zero = calloc(1, CHUNK);
	int err = zero ? 0 : -ENOMEM;

	for (uint64_t off = 0; !err && off < size; off += CHUNK)
		err = kj_pwrite_all(fd, zero, CHUNK, off);
	if (!err && fsync(fd))
		err = -errno;
	free(zero);
	return err;
}

int kj_target_create(const struct kj_report *r, const char *image, uint64_t size)
{
	int fd, err;

	size = kj_align_up(size ? size : default_size(), CHUNK);
	if (!size)
		return -EINVAL;
	fd = open(image, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		say_error(r, "cannot create '%s': %s", image, strerror(-err));
		return err;
	}
	say_info(r, "creating '%s': %llu MiB of zeros, mode 0600", image,
		 (unsigned long long)(size >> 20));
	err = fill_zeros(fd, size);
	close(fd);
	if (err) {
		say_error(r, "cannot write '%s' full: %s", image, strerror(-err));
		unlink(image);
	}
	return err;
}
