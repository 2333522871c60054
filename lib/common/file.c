// SPDX-License-Identifier: GPL-2.0-or-later
/* Small-file helpers for procfs and sysfs, whose files report size 0;
 * and the clock. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/internal.h"

#define KJ_TEXT_MAX (16u << 20)

static int grow(char **buf, size_t *cap)
{
	char *p;

	if (*cap >= KJ_TEXT_MAX)
		return -EFBIG;
	p = realloc(*buf, *cap * 2);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap *= 2;
	return 0;
}

static int read_fd(int fd, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t r;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n + 1 == cap && (err = grow(&buf, &cap)))
			break;
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : 0;
			break;
		}
		n += (size_t)r;
	}
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int kj_read_text(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	err = read_fd(fd, text, len);
	close(fd);
	return err;
}

/* pread() or pwrite() all of len bytes, whatever the calls return. */
static int io_all(int fd, char *buf, size_t len, uint64_t off, bool writing)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = writing
			? pwrite(fd, buf + done, len - done, (off_t)(off + done))
			: pread(fd, buf + done, len - done, (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)	/* past the end of a file, or of a device */
			return writing ? -ENOSPC : -ENODATA;
		done += (size_t)r;
	}
	return 0;
}

int kj_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	return io_all(fd, buf, len, off, false);
}

int kj_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	return io_all(fd, (char *)(uintptr_t)buf, len, off, true);
}

double kj_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int kj_read_file(const char *path, uint64_t max, void **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int err = 0;

	*buf = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if ((uint64_t)st.st_size > max)
		err = -EFBIG;
	else if (!(*buf = malloc(st.st_size ? (size_t)st.st_size : 1)))
		err = -ENOMEM;
	else
		err = kj_pread_all(fd, *buf, (size_t)st.st_size, 0);
	close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	if (!err || err == -EFBIG)
		*len = (size_t)st.st_size;
	return err;
}
