// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stamps B's target, B checks the stamp before it writes anything: the
 * device B knows by a name is the one A chose (names can differ between
 * kernels), and of the size A saw.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/target.h"

static int hex_to_uuid(const char *hex, uint8_t uuid[16])
{
	if (strlen(hex) != 32)
		return -EINVAL;
	for (int i = 0; i < 16; i++) {
		char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		char *end;

		uuid[i] = (uint8_t)strtoul(byte, &end, 16);
		if (*end)
			return -EINVAL;
	}
	return 0;
}

/* The bytes the image may take: the device's, or the file's extents'. */
static int target_size(int fd, const struct kj_extents *ext, uint64_t *size)
{
	struct stat st;

	if (ext && ext->n) {
		*size = ext->total;
		return 0;
	}
	if (fstat(fd, &st))
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	return ioctl(fd, BLKGETSIZE64, size) ? -errno : 0;
}

/* O_DIRECT where the target takes it: A's page cache must not keep the
 * stamp over what B writes there. */
static int open_uncached(const char *image)
{
	int fd = open(image, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_DIRECT);

	if (fd < 0 && errno == EINVAL)
		fd = open(image, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

int kj_stamp_new(char hex[33])
{
	uint8_t uuid[16];

	if (getrandom(uuid, 16, GRND_NONBLOCK) != 16 &&
	    getrandom(uuid, 16, GRND_INSECURE) != 16)
		return -EIO;
	kj_uuid_hex(uuid, hex);
	return 0;
}

int kj_stamp_put(const struct kj_report *r, const char *image,
		 const struct kj_target_dev *t, const char *hex, const char *task)
{
	uint8_t uuid[16], *buf = NULL;
	uint64_t size = 0;
	int fd = open_uncached(image);
	int err = fd < 0 ? -errno : target_size(fd, &t->ext, &size);

	if (!err && posix_memalign((void **)&buf, KJ_STAMP_SIZE, KJ_STAMP_SIZE))
		err = -ENOMEM;
	if (!err)
		err = hex_to_uuid(hex, uuid);
	if (!err)
		err = kj_stamp_encode(buf, uuid, size, task);
	if (!err)
		err = kj_pwrite_all(fd, buf, KJ_STAMP_SIZE, 0);
	if (!err && fsync(fd))
		err = -errno;
	free(buf);
	if (fd >= 0)
		close(fd);
	if (err)
		say_error(r, "cannot stamp '%s' for B: %s", image,
			  err == -E2BIG ? "the task is too long for it" : strerror(-err));
	return err;
}

int kj_stamp_check(const struct kj_report *r, const char *dest,
		   const struct kj_extents *ext, const char *hex, char *task)
{
	struct kj_target t = { .ext = ext };
	uint8_t uuid[16], *buf = NULL;
	uint64_t size = 0;
	int err = hex_to_uuid(hex, uuid);

	/* past the page cache: a resident B reads a new stamp at each task */
	t.fd = err ? -1 : open(dest, O_RDONLY | O_CLOEXEC | O_DIRECT);
	if (!err && t.fd < 0 && errno == EINVAL)
		t.fd = open(dest, O_RDONLY | O_CLOEXEC);
	if (!err && t.fd < 0)
		err = -errno;
	if (!err)
		err = target_size(t.fd, ext, &size);
	if (!err && posix_memalign((void **)&buf, KJ_STAMP_SIZE, KJ_STAMP_SIZE))
		err = -ENOMEM;
	if (!err)
		err = kj_target_pread(&t, buf, KJ_STAMP_SIZE, 0);
	if (t.fd >= 0)
		close(t.fd);
	if (!err && !kj_stamp_matches(buf, uuid, size, task))
		err = -ESTALE;
	if (err == -ESTALE)
		say_error(r, "'%s' does not carry the stamp A put on its target (%s, %llu bytes): writing nothing",
			  dest, hex, (unsigned long long)size);
	else if (err)
		say_error(r, "cannot check '%s' for A's stamp: %s", dest, strerror(-err));
	free(buf);
	return err;
}
