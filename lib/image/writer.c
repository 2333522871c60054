// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing an image (doc/image-format.md). The header (and its copy) goes
 * first without the complete flag, synced before any block, which also
 * spoils any older image on the target; then the blocks and the trailer;
 * a sync; then the header again, with the complete flag, synced. A writer
 * that dies leaves an image that every reader refuses as incomplete.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "image/image.h"
#include "common/le.h"

struct kj_image_writer {
	struct kj_target t;
	uint64_t capacity;		/* 0: a file, which grows */
	uint64_t offset;
	struct kj_image_header h;	/* nblocks counts the blocks appended */
	uint64_t saved, zero;
	uint8_t *sums;
	size_t sums_cap;
	uint8_t *bounce;		/* aligned copy for O_DIRECT */
	size_t bounce_cap;
	uint32_t encrypted;		/* KJ_IMAGE_FLAG_ENCRYPTED or 0 */
	struct kj_image_key key;	/* with it */
};

/* O_DIRECT where the target takes it (block devices, most file systems);
 * tmpfs does not, and gets ordinary writes and a sync. */
static int open_target(const char *path, const struct kj_extents *ext,
		       uint64_t *capacity)
{
	struct stat st;
	int flags = O_WRONLY | O_CLOEXEC | (ext ? 0 : O_CREAT);
	int fd;

	*capacity = ext ? ext->total : 0;
	if (!ext && !stat(path, &st) && S_ISREG(st.st_mode))
		flags |= O_TRUNC;
	fd = open(path, flags | O_DIRECT, 0600);
	if (fd < 0 && errno == EINVAL)
		fd = open(path, flags, 0600);
	if (fd < 0)
		return -errno;
	if (!ext && !fstat(fd, &st) && S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);

		*capacity = end > 0 ? (uint64_t)end : 0;
	}
	return fd;
}

static int write_aligned(struct kj_image_writer *w, const uint8_t *buf,
			 size_t len, uint64_t off)
{
	if ((uintptr_t)buf % KJ_IMAGE_ALIGN) {
		if (len > w->bounce_cap) {
			free(w->bounce);
			w->bounce = NULL;
			w->bounce_cap = 0;
			if (posix_memalign((void **)&w->bounce, KJ_IMAGE_ALIGN, len))
				return -ENOMEM;
			w->bounce_cap = len;
		}
		memcpy(w->bounce, buf, len);
		buf = w->bounce;
	}
	return kj_target_pwrite(&w->t, buf, len, off);
}

static int write_note(struct kj_image_writer *w)
{
	uint64_t area = kj_image_data_offset(&w->h) - KJ_IMAGE_NOTE_OFFSET;
	uint8_t *buf;
	int err;

	if (!area)
		return 0;
	if (posix_memalign((void **)&buf, KJ_IMAGE_ALIGN, area))
		return -ENOMEM;
	memset(buf, 0, area);
	memcpy(buf, w->h.note, w->h.note_len);
	err = write_aligned(w, buf, area, KJ_IMAGE_NOTE_OFFSET);
	free(buf);
	return err;
}

static int write_header(struct kj_image_writer *w)
{
	uint8_t *buf;
	int err;

	if (posix_memalign((void **)&buf, KJ_IMAGE_ALIGN, KJ_IMAGE_HEADER_SIZE))
		return -ENOMEM;
	memset(buf, 0, KJ_IMAGE_HEADER_SIZE);
	err = kj_image_header_encode(&w->h, buf);
	/* once, when complete: the tag's nonce is used for no other header
	 * (an incomplete one has a zero tag; no reader opens it) */
	if (!err && w->encrypted && (w->h.flags & KJ_IMAGE_FLAG_COMPLETE))
		err = kj_image_header_tag_put(buf, &w->key);
	if (!err)
		err = kj_image_header_store(&w->t, buf);
	free(buf);
	return err;
}

/* An encrypted image's note is sealed before the first header, which
 * holds its checksum and tag. */
static int seal_note(struct kj_image_writer *w)
{
	if (!w->encrypted || !w->h.note_len)
		return 0;
	return kj_aead_seal(&w->key, KJ_NONCE_NOTE, w->h.note, w->h.note_len,
			    w->h.uuid, sizeof(w->h.uuid), w->h.note_tag);
}

int kj_image_writer_open_extents(const char *path, const struct kj_extents *ext,
				 const struct kj_image_header *h,
				 struct kj_image_writer **out)
{
	return kj_image_writer_open_sealed(path, ext, h, NULL, out);
}

int kj_image_writer_open_sealed(const char *path, const struct kj_extents *ext,
				const struct kj_image_header *h,
				const struct kj_image_key *key,
				struct kj_image_writer **out)
{
	struct kj_image_writer *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	if (key) {
		w->encrypted = KJ_IMAGE_FLAG_ENCRYPTED;
		w->key = *key;
	}
	w->t.ext = ext;
	w->t.fd = open_target(path, ext, &w->capacity);
	if (w->t.fd < 0) {
		err = w->t.fd;
		free(w);
		return err;
	}
	/* No flags, no counts: until finish() fills them in, the image on
	 * the target is incomplete. */
	w->h = *h;
	w->h.flags = w->encrypted;
	w->h.aead = key ? (uint16_t)key->aead : 0;
	w->h.pages_saved = w->h.pages_zero = w->h.pages_free = w->h.pages_ram = 0;
	w->h.nblocks = w->h.trailer_offset = 0;
	w->offset = kj_image_data_offset(h);
	err = w->capacity && w->capacity < w->offset + KJ_IMAGE_ALIGN ? -ENOSPC
								     : seal_note(w);
	if (!err)
		err = write_header(w);
	if (!err)
		err = write_note(w);
	if (err) {
		kj_image_writer_close(w);
		return err;
	}
	*out = w;
	return 0;
}

static int keep_sum(struct kj_image_writer *w, uint64_t sum)
{
	size_t need = (w->h.nblocks + 1) * KJ_SUM_SIZE;

	if (need > w->sums_cap) {
		size_t cap = w->sums_cap ? w->sums_cap * 2 : 4096;
		uint8_t *p = realloc(w->sums, cap);

		if (!p)
			return -ENOMEM;
		w->sums = p;
		w->sums_cap = cap;
	}
	put_le64(w->sums + w->h.nblocks * KJ_SUM_SIZE, sum);
	return 0;
}

int kj_image_writer_append(struct kj_image_writer *w, const uint8_t *buf,
			   size_t len, uint64_t checksum, uint32_t data_pages,
			   uint32_t zero_pages)
{
	return kj_image_writer_append_apart(w, buf, len, NULL, 0, checksum,
					    data_pages, zero_pages);
}

int kj_image_writer_append_apart(struct kj_image_writer *w, const uint8_t *buf,
				 size_t len, const uint8_t *rest, size_t rest_len,
				 uint64_t checksum, uint32_t data_pages,
				 uint32_t zero_pages)
{
	int err;

	if (w->capacity && w->offset + len + rest_len + KJ_IMAGE_ALIGN > w->capacity)
		return -ENOSPC;
	err = keep_sum(w, checksum);
	if (!err)
		err = write_aligned(w, buf, len, w->offset);
	if (!err && rest_len)
		err = write_aligned(w, rest, rest_len, w->offset + len);
	if (err)
		return err;
	w->offset += len + rest_len;
	w->h.nblocks++;
	w->saved += data_pages;
	w->zero += zero_pages;
	return 0;
}

static int write_trailer(struct kj_image_writer *w)
{
	uint8_t *t;
	int err;

	if (posix_memalign((void **)&t, KJ_IMAGE_ALIGN, KJ_IMAGE_ALIGN))
		return -ENOMEM;
	memset(t, 0, KJ_IMAGE_ALIGN);
	kj_trailer_encode(t, w->h.nblocks, w->saved, w->zero, w->sums);
	err = write_aligned(w, t, KJ_IMAGE_ALIGN, w->offset);
	free(t);
	return err;
}

int kj_image_writer_finish(struct kj_image_writer *w, uint64_t pages_free)
{
	int err;

	if (w->capacity && w->offset + KJ_IMAGE_ALIGN > w->capacity)
		return -ENOSPC;
	err = write_trailer(w);
	if (!err && fsync(w->t.fd))
		err = -errno;
	if (err)
		return err;
	w->h.flags = KJ_IMAGE_FLAG_COMPLETE | w->encrypted;
	w->h.pages_saved = w->saved;
	w->h.pages_zero = w->zero;
	w->h.pages_free = pages_free;
	w->h.pages_ram = w->saved + w->zero + pages_free;
	w->h.trailer_offset = w->offset;
	return write_header(w);
}

uint64_t kj_image_writer_bytes(const struct kj_image_writer *w)
{
	return w->offset + KJ_IMAGE_ALIGN;
}

void kj_image_writer_close(struct kj_image_writer *w)
{
	if (!w)
		return;
	close(w->t.fd);
	sodium_memzero(&w->key, sizeof(w->key));
	sodium_memzero(w->h.note, sizeof(w->h.note));
	free(w->sums);
	free(w->bounce);
	free(w);
}
