// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Exporting an image as an ELF core file, as /proc/vmcore would show the
 * saved memory: one PT_LOAD per stretch of pages the image holds, free
 * pages as holes between them, zero pages as sparse zeros, and the
 * VMCOREINFO note, so that makedumpfile and crash can read a snapshot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "image/image.h"

struct stretches {
	struct kj_range *r;
	size_t n, cap;
	uint64_t *file_off;		/* where each one's data goes */
	int fd;
};

/* Pass 1: stretches of contiguous pages, whatever their kind. */
static int collect(void *ctx, const struct kj_block *b)
{
	struct stretches *s = ctx;

	for (uint32_t i = 0; i < b->nruns; i++) {
		uint64_t start = b->runs[i].pfn * KJ_PAGE_SIZE;
		uint64_t end = start + (uint64_t)b->runs[i].count * KJ_PAGE_SIZE - 1;

		if (s->n && s->r[s->n - 1].end + 1 == start) {
			s->r[s->n - 1].end = end;
			continue;
		}
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			struct kj_range *p = realloc(s->r, cap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			s->r = p;
			s->cap = cap;
		}
		s->r[s->n++] = (struct kj_range){ start, end };
	}
	return 0;
}

static uint64_t file_offset(const struct stretches *s, uint64_t paddr)
{
	size_t lo = 0, hi = s->n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (s->r[mid].start <= paddr)
			lo = mid;
		else
			hi = mid;
	}
	return s->file_off[lo] + (paddr - s->r[lo].start);
}

/* Pass 2: the data pages, each where its stretch says. */
static int put_pages(void *ctx, const struct kj_block *b)
{
	struct stretches *s = ctx;
	const uint8_t *data = b->data;

	for (uint32_t i = 0; i < b->nruns; i++) {
		const struct kj_run *r = &b->runs[i];
		size_t len = (size_t)r->count * KJ_PAGE_SIZE;
		int err;

		if (r->kind != KJ_RUN_DATA)
			continue;
		err = kj_pwrite_all(s->fd, data, len,
				    file_offset(s, r->pfn * KJ_PAGE_SIZE));
		if (err)
			return err;
		data += len;
	}
	return 0;
}

static int write_headers(struct stretches *s, const struct kj_image_header *h,
			 uint64_t *end)
{
	uint64_t off;
	size_t len;
	void *buf;
	int err = kj_elfcore_build_file(s->r, s->n, h->note_len, h->page_offset,
					&buf, &len, &off);

	if (err)
		return err;
	s->file_off = malloc((s->n + 1) * sizeof(*s->file_off));
	if (!s->file_off)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < s->n; i++) {
		s->file_off[i] = off;
		off += kj_range_size(&s->r[i]);
	}
	if (!err)
		err = kj_pwrite_all(s->fd, buf, len, 0);
	if (!err)
		err = kj_pwrite_all(s->fd, h->note, h->note_len, len);
	free(buf);
	*end = off;
	return err;
}

/* Opens out, creating it if it is not there; *created says whether it
 * did, so that a failed export removes a file it made and only that. */
static int open_out(const char *out, bool *created)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	*created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	return fd < 0 ? -errno : fd;
}

int kj_image_export_elf(struct kj_image *img, const char *out,
			struct kj_image_error *err)
{
	struct stretches s = { .fd = -1 };
	uint64_t end = 0;
	bool created = false;
	int r = kj_image_verify(img, collect, &s, err);

	if (!r) {
		s.fd = open_out(out, &created);
		r = s.fd < 0 ? s.fd : 0;
	}
	if (!r)
		r = write_headers(&s, kj_image_get_header(img), &end);
	if (!r)
		r = kj_image_verify(img, put_pages, &s, err);
	if (!r && ftruncate(s.fd, (off_t)end))
		r = -errno;
	if (s.fd >= 0 && close(s.fd) && !r)
		r = -errno;
	if (r && created)
		unlink(out);
	free(s.r);
	free(s.file_off);
	return r;
}
