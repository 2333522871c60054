// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Restoring an image in R, where the saved kernel's RAM is legacy
 * persistent memory: /dev/pmemN, each at the physical address in
 * /sys/block/pmemN/device/resource. Every page of the image must fall in
 * one of them, which is checked over the whole image before the first
 * page is written.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "restore/restore.h"

struct kj_pmem {
	struct kj_range range;
	int fd;
	int dfd;			/* O_DIRECT, for the writes; or -1 */
};

struct kj_pmems {
	struct kj_pmem *d;
	size_t n;
	uint64_t pages;
};

static int read_u64(const char *path, int base, uint64_t *v)
{
	char *text;
	size_t len;
	int err = kj_read_text(path, &text, &len);

	if (!err) {
		*v = strtoull(text, NULL, base);
		free(text);
	}
	return err;
}

static int add_pmem(struct kj_pmems *p, const char *name)
{
	char path[320];	/* a d_name is at most 255 bytes */
	uint64_t start, sectors;
	struct kj_pmem *d;

	snprintf(path, sizeof(path), "/sys/block/%s/device/resource", name);
	if (read_u64(path, 16, &start))
		return 0;	/* not a legacy pmem namespace */
	snprintf(path, sizeof(path), "/sys/block/%s/size", name);
	if (read_u64(path, 10, &sectors) || !sectors)
		return 0;
	d = realloc(p->d, (p->n + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	p->d = d;
	snprintf(path, sizeof(path), "/dev/%s", name);
	d[p->n].range = (struct kj_range){ start, start + sectors * 512 - 1 };
	d[p->n].fd = open(path, O_RDWR | O_CLOEXEC);
	if (d[p->n].fd < 0)
		return -errno;
	d[p->n].dfd = open(path, O_RDWR | O_CLOEXEC | O_DIRECT);
	p->n++;
	return 0;
}

int kj_pmems_open(struct kj_pmems **out)
{
	struct kj_pmems *p = calloc(1, sizeof(*p));
	DIR *dir = opendir("/sys/block");
	struct dirent *de;
	int err = !p ? -ENOMEM : !dir ? -ENOENT : 0;

	while (!err && (de = readdir(dir)))
		if (!strncmp(de->d_name, "pmem", 4))
			err = add_pmem(p, de->d_name);
	if (dir)
		closedir(dir);
	if (!err && p && !p->n)
		err = -ENODEV;
	if (err) {
		kj_pmems_close(p);
		return err;
	}
	*out = p;
	return 0;
}

void kj_pmems_close(struct kj_pmems *p)
{
	for (size_t i = 0; p && i < p->n; i++) {
		close(p->d[i].fd);
		if (p->d[i].dfd >= 0)
			close(p->d[i].dfd);
	}
	if (p)
		free(p->d);
	free(p);
}

size_t kj_pmems_ranges(const struct kj_pmems *p, struct kj_range *out, size_t max)
{
	size_t n = p->n < max ? p->n : max;

	for (size_t i = 0; i < n; i++)
		out[i] = p->d[i].range;
	kj_ranges_sort(out, n);
	return p->n;
}

/* The device holding all of [addr, addr + len), or NULL. */
static const struct kj_pmem *pmem_at(const struct kj_pmems *p, uint64_t addr,
				     uint64_t len)
{
	struct kj_range r = { addr, addr + len - 1 };

	for (size_t i = 0; i < p->n; i++)
		if (r.start >= p->d[i].range.start && r.end <= p->d[i].range.end)
			return &p->d[i];
	return NULL;
}

int kj_pmems_read(const struct kj_pmems *p, uint64_t addr, void *buf,
		  size_t len)
{
	const struct kj_pmem *d = pmem_at(p, addr, len);

	return d ? kj_pread_all(d->fd, buf, len, addr - d->range.start) : -ENXIO;
}

/* Writes len bytes at off on d: directly, where the device takes it. */
static int put(const struct kj_pmem *d, const void *buf, size_t len, uint64_t off)
{
	int r = -EINVAL;

	if (d->dfd >= 0)
		r = kj_pwrite_all(d->dfd, buf, len, off);
	return r == -EINVAL ? kj_pwrite_all(d->fd, buf, len, off) : r;
}

/* Writes len bytes at off on d, buf (of size bytes) over and over. */
static int put_repeat(const struct kj_pmem *d, const uint8_t *buf, size_t size,
		      uint64_t len, uint64_t off)
{
	int err = 0;

	while (len && !err) {
		size_t n = len < size ? (size_t)len : size;

		err = put(d, buf, n, off);
		len -= n;
		off += n;
	}
	return err;
}

#define FILL_SIZE (1u << 20)
static uint8_t zero[FILL_SIZE] __attribute__((aligned(KJ_PAGE_SIZE)));

static int put_zeros(const struct kj_pmem *d, uint64_t len, uint64_t off)
{
	return put_repeat(d, zero, sizeof(zero), len, off);
}

/* A restore's writes: where, and which pages they reached. */
struct restore_job {
	struct kj_pmems *p;
	struct kj_written written;	/* empty unless free pages are filled */
};

/* Each block written in place, as the walk verified it; blocks come from
 * several threads. A run outside the devices is refused, never written. */
static int write_block(void *ctx, const struct kj_block *b)
{
	struct restore_job *j = ctx;
	struct kj_pmems *p = j->p;
	const uint8_t *data = b->data;

	for (uint32_t i = 0; i < b->nruns; i++) {
		const struct kj_run *r = &b->runs[i];
		uint64_t len = (uint64_t)r->count * KJ_PAGE_SIZE;
		uint64_t off = r->pfn * KJ_PAGE_SIZE;
		const struct kj_pmem *d = pmem_at(p, off, len);
		int err;

		if (!d)
			return -ERANGE;
		off -= d->range.start;
		if (r->kind == KJ_RUN_DATA) {	/* contiguous here and there */
			err = put(d, data, len, off);
			data += len;
		} else {
			err = put_zeros(d, len, off);
		}
		if (err)
			return err;
		__atomic_add_fetch(&p->pages, r->count, __ATOMIC_RELAXED);
		kj_written_mark(&j->written, r->pfn, r->count);
	}
	return 0;
}

/* The free pages' filling: what with, how many so far. */
struct fill_job {
	const struct kj_pmems *p;
	const uint8_t *buf;		/* FILL_SIZE bytes of the fill */
	uint64_t pages;
};

static int fill_gap(void *ctx, uint64_t pfn, uint64_t count)
{
	struct fill_job *f = ctx;
	uint64_t off = pfn * KJ_PAGE_SIZE, len = count * KJ_PAGE_SIZE;
	const struct kj_pmem *d = pmem_at(f->p, off, len);

	if (!d)		/* a gap lies in one RAM range, which is one device */
		return -ERANGE;
	f->pages += count;
	return put_repeat(d, f->buf, FILL_SIZE, len, off - d->range.start);
}

/* The pages of the image's RAM that no run named, nor any excluded range
 * covers, filled as the header says; they were free in A. */
static int fill_free(const struct kj_image_header *h, const struct restore_job *j)
{
	struct fill_job f = { .p = j->p, .buf = zero };
	uint8_t *poison = NULL;
	double t0 = kj_seconds();
	int err;

	if (h->free_fill == KJ_FREE_FILL_POISON) {
		if (posix_memalign((void **)&poison, KJ_PAGE_SIZE, FILL_SIZE))
			return -ENOMEM;
		memset(poison, KJ_PAGE_POISON, FILL_SIZE);
		f.buf = poison;
	}
	err = kj_written_gaps(&j->written, fill_gap, &f);
	free(poison);
	if (!err)
		kj_info("restore: filled %llu free pages with %s in %.2f s",
			(unsigned long long)f.pages,
			h->free_fill == KJ_FREE_FILL_POISON ? "the poison byte" : "zeros",
			kj_seconds() - t0);
	return err;
}

/* Free pages are filled only when A's kernel expects something of them:
 * then a bit a page records what the blocks wrote, and the excluded
 * ranges count as written, never to be touched. */
static int track_writes(const struct kj_image_header *h, struct restore_job *j)
{
	int err;

	if (h->free_fill == KJ_FREE_FILL_NONE)
		return 0;
	if (h->free_fill != KJ_FREE_FILL_ZERO && h->free_fill != KJ_FREE_FILL_POISON)
		return -EINVAL;
	err = kj_written_init(&j->written, h->ram, h->nram);
	for (uint32_t i = 0; !err && i < h->nexcluded; i++)
		kj_written_mark_range(&j->written, &h->excluded[i]);
	return err;
}

int kj_restore_write(struct kj_image *img, struct kj_pmems *p, unsigned threads,
		     struct kj_image_error *err, uint64_t *pages)
{
	struct restore_job j = { .p = p };
	/* every checksum, in the pass that writes: what C checked before
	 * may have changed on the disk since, or be another disk */
	struct kj_walk_opts o = { .fn = write_block, .ctx = &j,
				  .any_order = true, .aligned = true, .threads = threads };
	int r = track_writes(&img->h, &j);

	if (!r)
		r = kj_image_walk(img, &o, err);
	if (!r && j.written.n)
		r = fill_free(&img->h, &j);
	for (size_t i = 0; !r && i < p->n; i++)
		if (fsync(p->d[i].fd))
			r = -errno;
	kj_written_release(&j.written);
	*pages = p->pages;
	return r;
}
