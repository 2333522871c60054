// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading and checking a whole image (doc/image-format.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "image/image.h"

int kj_image_fail(struct kj_image_error *err, enum kj_image_fault f,
		  int64_t block, uint64_t offset)
{
	err->fault = f;
	err->block = block;
	err->offset = offset;
	return -EBADMSG;
}

/* Where to read the header and note from: past the page cache where the
 * target takes O_DIRECT. Another kernel (B, R) wrote them under this
 * one's cache, and a page cached before (A stamps its target, and looks
 * for an older image there) would hide what B wrote. */
static const struct kj_target *fresh(const struct kj_image *img)
{
	return img->direct.fd >= 0 ? &img->direct : &img->t;
}

/* The note area: its checksum, and zero padding up to the blocks. */
static int read_note(struct kj_image *img, struct kj_image_error *err)
{
	uint64_t area = kj_image_data_offset(&img->h) - KJ_IMAGE_NOTE_OFFSET;
	uint8_t *buf;
	int r = 0;

	if (!area)
		return 0;
	if (posix_memalign((void **)&buf, KJ_IMAGE_ALIGN, area))
		return -ENOMEM;
	if (kj_target_pread(fresh(img), buf, area, KJ_IMAGE_NOTE_OFFSET))
		r = kj_image_fail(err, KJ_IMG_TRUNCATED, -1, KJ_IMAGE_NOTE_OFFSET);
	else if (kj_checksum(buf, img->h.note_len) != img->h.note_checksum)
		r = kj_image_fail(err, KJ_IMG_BAD_NOTE, -1, KJ_IMAGE_NOTE_OFFSET);
	for (uint64_t i = img->h.note_len; !r && i < area; i++)
		if (buf[i])
			r = kj_image_fail(err, KJ_IMG_BAD_NOTE, -1, KJ_IMAGE_NOTE_OFFSET + i);
	if (!r)
		memcpy(img->h.note, buf, img->h.note_len);
	free(buf);
	return r;
}

int kj_image_open(const char *path, struct kj_image **out,
		  struct kj_image_error *err)
{
	return kj_image_open_extents(path, NULL, out, err);
}

int kj_image_open_extents(const char *path, const struct kj_extents *ext,
			  struct kj_image **out, struct kj_image_error *err)
{
	struct kj_image *img = calloc(1, sizeof(*img));
	uint8_t *buf = NULL;
	off_t end;
	int r;

	if (posix_memalign((void **)&buf, KJ_IMAGE_ALIGN, KJ_IMAGE_HEADER_SIZE))
		buf = NULL;
	if (!img || !buf) {
		free(img);
		free(buf);
		return -ENOMEM;
	}
	img->t.fd = open(path, O_RDONLY | O_CLOEXEC);
	img->t.ext = ext;
	img->direct.fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);
	img->direct.ext = ext;
	r = img->t.fd < 0 ? -errno : 0;
	end = r ? 0 : lseek(img->t.fd, 0, SEEK_END);
	img->size = ext ? ext->total : end > 0 ? (uint64_t)end : 0;
	if (!r && img->size < KJ_IMAGE_HEADER_SIZE)
		r = kj_image_fail(err, img->size ? KJ_IMG_TRUNCATED : KJ_IMG_BAD_MAGIC, -1, 0);
	if (!r)
		r = kj_image_header_load(fresh(img), buf, &img->h, err);
	img->raw = buf;
	if (!r)
		r = read_note(img, err);
	if (r) {
		kj_image_close(img);
		return r;
	}
	*out = img;
	return 0;
}

void kj_image_close(struct kj_image *img)
{
	if (!img)
		return;
	if (img->t.fd >= 0)
		close(img->t.fd);
	if (img->direct.fd >= 0)
		close(img->direct.fd);
	if (img->key)
		sodium_memzero(img->key, sizeof(*img->key));
	free(img->key);
	free(img->raw);
	free(img);
}

/* The note, sealed with the image's UUID as associated data. */
static int open_note(struct kj_image *img, const struct kj_image_key *k)
{
	struct kj_image_header *h = &img->h;

	if (!h->note_len)
		return 0;
	return kj_aead_open(k, KJ_NONCE_NOTE, h->note, h->note_len, h->uuid,
			    sizeof(h->uuid), h->note_tag);
}

int kj_image_set_key(struct kj_image *img, const uint8_t key[KJ_IMAGE_KEY_SIZE],
		     struct kj_image_error *err)
{
	struct kj_image_key *k;

	if (!(img->h.flags & KJ_IMAGE_FLAG_ENCRYPTED) || img->key)
		return -EINVAL;
	if (!kj_aead_usable(img->h.aead))
		return kj_image_fail(err, KJ_IMG_BAD_AEAD, -1, 0);
	k = malloc(sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->aead = img->h.aead;
	memcpy(k->key, key, sizeof(k->key));
	if (kj_image_header_tag_check(img->raw, k) || open_note(img, k)) {
		sodium_memzero(k, sizeof(*k));
		free(k);
		return kj_image_fail(err, KJ_IMG_BAD_TAG, -1, 0);
	}
	img->key = k;
	return 0;
}

const struct kj_image_header *kj_image_get_header(const struct kj_image *img)
{
	return &img->h;
}

uint64_t kj_image_size(const struct kj_image *img)
{
	return img->size;
}

/* A run must lie in one RAM range, outside every excluded range, after
 * the previous run. */
static bool run_ok(const struct kj_image_header *h, const struct kj_run *r,
		   uint64_t next_pfn)
{
	struct kj_range pages = { r->pfn * KJ_PAGE_SIZE,
				  (r->pfn + r->count) * KJ_PAGE_SIZE - 1 };

	if (r->pfn < next_pfn || r->pfn > UINT64_MAX / KJ_PAGE_SIZE - r->count)
		return false;
	for (uint32_t i = 0; i < h->nexcluded; i++)
		if (kj_ranges_overlap(&pages, &h->excluded[i]))
			return false;
	return kj_range_within(&pages, h->ram, h->nram);
}

int kj_walk_check_runs(const struct kj_image_header *h, struct kj_walk_state *w,
		       const struct kj_run *runs, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!run_ok(h, &runs[i], w->next_pfn))
			return -EBADMSG;
		w->next_pfn = runs[i].pfn + runs[i].count;
		if (runs[i].kind == KJ_RUN_DATA)
			w->saved += runs[i].count;
		else
			w->zero += runs[i].count;
	}
	return 0;
}

int kj_walk_check_trailer(struct kj_image *img, struct kj_walk_state *w,
			  struct kj_image_error *err)
{
	uint8_t t[KJ_TRAILER_LEN], want[KJ_TRAILER_LEN];
	const struct kj_image_header *h = &img->h;

	if (w->offset != h->trailer_offset)
		return kj_image_fail(err, KJ_IMG_BAD_COUNTS, -1, w->offset);
	if (kj_target_pread(&img->t, t, sizeof(t), w->offset))
		return kj_image_fail(err, KJ_IMG_TRUNCATED, -1, w->offset);
	/* The header's counts and the blocks' checksums as read make the
	 * trailer a good image has, byte for byte. */
	kj_trailer_encode(want, h->nblocks, h->pages_saved, h->pages_zero,
			  w->sums);
	if (memcmp(t, want, sizeof(t)))
		return kj_image_fail(err, KJ_IMG_BAD_TRAILER, -1, w->offset);
	if (w->saved != h->pages_saved || w->zero != h->pages_zero)
		return kj_image_fail(err, KJ_IMG_BAD_COUNTS, -1, w->offset);
	return 0;
}

int kj_image_verify(struct kj_image *img, kj_block_fn fn, void *ctx,
		    struct kj_image_error *err)
{
	struct kj_walk_opts o = { .fn = fn, .ctx = ctx };

	return kj_image_walk(img, &o, err);
}
