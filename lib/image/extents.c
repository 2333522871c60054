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
 * in bytes, plain unsigned decimal (as kjump extents writes them), both
 * multiples of 4096. Blank lines and lines starting with # are skipped.
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

/* Whole pages, with an end and a total below 2^64. Appended as they come;
 * merge() joins contiguous ones once the map is checked. */
static int push(struct kj_extents *x, uint64_t dev, uint64_t len)
{
	struct kj_extent *p;

	if (dev % KJ_PAGE_SIZE || len % KJ_PAGE_SIZE || !len)
		return -EINVAL;
	if (len > UINT64_MAX - dev || len > UINT64_MAX - x->total)
		return -ERANGE;
	p = realloc(x->e, (x->n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	x->e = p;
	x->e[x->n++] = (struct kj_extent){ dev, len };
	x->total += len;
	return 0;
}

static void merge(struct kj_extents *x)
{
	size_t n = 0;

	for (size_t i = 0; i < x->n; i++) {
		if (n && x->e[n - 1].dev + x->e[n - 1].len == x->e[i].dev)
			x->e[n - 1].len += x->e[i].len;
		else
			x->e[n++] = x->e[i];
	}
	x->n = n;
}

struct piece {
	uint64_t dev, end;
	size_t i;			/* the extent's index in file order */
};

static int by_dev(const void *a, const void *b)
{
	const struct piece *p = a, *q = b;

	return p->dev < q->dev ? -1 : p->dev > q->dev;
}

/*
 * Two extents of one file never share device bytes; through a map where
 * they do, the image would overwrite itself. -EEXIST and *which, the later
 * of two that do. Sorted by device offset, an extent that overlaps any
 * before it overlaps the one that reaches furthest.
 */
static int find_overlap(const struct kj_extents *x, size_t *which)
{
	struct piece *p = malloc((x->n ? x->n : 1) * sizeof(*p));
	size_t far = 0;

	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < x->n; i++)
		p[i] = (struct piece){ x->e[i].dev, x->e[i].dev + x->e[i].len, i };
	qsort(p, x->n, sizeof(*p), by_dev);
	*which = SIZE_MAX;
	for (size_t i = 1; i < x->n; i++) {
		size_t later = p[i].i > p[far].i ? p[i].i : p[far].i;

		if (p[i].dev < p[far].end && later < *which)
			*which = later;
		if (p[i].end > p[far].end)
			far = i;
	}
	free(p);
	return *which == SIZE_MAX ? 0 : -EEXIST;
}

/* A plain unsigned decimal number; NULL if there is none, or if it has a
 * sign, a 0x, a leading 0 (octal to strtoull) or more than 64 bits. */
static const char *get_u64(const char *p, uint64_t *v)
{
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return NULL;
	for (*v = 0; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t)(*p - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return NULL;
		*v = *v * 10 + d;
	}
	return p;
}

static const char *skip_blanks(const char *p)
{
	return p + strspn(p, " \t");
}

/* Not blank, not a comment: a line that must hold an extent. */
static bool is_extent_line(const char *p)
{
	p = skip_blanks(p);
	return *p && *p != '\n' && *p != '#';
}

/* One extent line: "DEVICE_OFFSET LENGTH". */
static int parse_line(const char *p, struct kj_extents *x)
{
	uint64_t dev, len;

	p = get_u64(skip_blanks(p), &dev);
	if (!p || (*p != ' ' && *p != '\t'))
		return -EINVAL;
	p = get_u64(skip_blanks(p), &len);
	if (!p)
		return -EINVAL;
	p = skip_blanks(p);
	if (*p && *p != '\n')
		return -EINVAL;
	return push(x, dev, len);
}

static const char *next_line(const char *p)
{
	p += strcspn(p, "\n");
	return p + (*p == '\n');
}

/* The line of extent k (0 the first), for a message. */
static size_t line_of(const char *text, size_t k)
{
	size_t line = 0;

	for (const char *p = text; *p; p = next_line(p)) {
		line++;
		if (is_extent_line(p) && !k--)
			break;
	}
	return line;
}

int kj_extents_parse(const char *text, struct kj_extents *x, size_t *bad_line)
{
	size_t line = 0, which;
	int err = 0;

	memset(x, 0, sizeof(*x));
	for (const char *p = text; *p && !err; p = next_line(p)) {
		line++;
		if (is_extent_line(p))
			err = parse_line(p, x);
	}
	if (!err) {
		err = find_overlap(x, &which);
		line = err == -EEXIST ? line_of(text, which) : line;
	}
	if (err) {
		if (bad_line)
			*bad_line = line;
		kj_extents_release(x);
		return err;
	}
	merge(x);
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
	size_t which;
	int err = fd < 0 ? -errno : 0;

	memset(x, 0, sizeof(*x));
	while (!err && !last)
		err = fiemap_batch(fd, next, x, &next, &last);
	if (fd >= 0)
		close(fd);
	if (!err && !x->n)
		err = -ENODATA;
	if (!err)
		err = find_overlap(x, &which);
	if (err == -EEXIST)
		err = -EMEDIUMTYPE;	/* bytes used twice, as if shared */
	if (!err)
		merge(x);
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
