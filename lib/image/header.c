// SPDX-License-Identifier: GPL-2.0-or-later
/* The image header (doc/image-format.md): encoding and strict decoding;
 * and the trailer's encoding, which the reader compares with. */
#include <errno.h>
#include <string.h>

#include "image/image.h"
#include "common/le.h"

#define MAGIC "KJUMPIMG"
#define KNOWN_FLAGS (KJ_IMAGE_FLAG_COMPLETE | KJ_IMAGE_FLAG_CONSUMED | \
		     KJ_IMAGE_FLAG_DISCARDED | KJ_IMAGE_FLAG_ENCRYPTED)

const char *kj_image_fault_str(enum kj_image_fault fault)
{
	static const char *const str[] = {
		[KJ_IMG_OK] = "no fault",
		[KJ_IMG_TRUNCATED] = "truncated",
		[KJ_IMG_BAD_MAGIC] = "not a kjump image (bad magic)",
		[KJ_IMG_BAD_VERSION] = "unknown format version",
		[KJ_IMG_BAD_HEADER_LEN] = "bad header length",
		[KJ_IMG_BAD_HEADER_CHECKSUM] = "bad header checksum",
		[KJ_IMG_BAD_FLAGS] = "unknown header flags",
		[KJ_IMG_BAD_RESERVED] = "non-zero reserved bytes",
		[KJ_IMG_BAD_FIELD] = "bad header field",
		[KJ_IMG_BAD_MAP] = "bad memory map in the header",
		[KJ_IMG_INCOMPLETE] = "incomplete: the save did not finish",
		[KJ_IMG_CONSUMED] = "already resumed once",
		[KJ_IMG_BAD_BLOCK_MAGIC] = "bad block magic",
		[KJ_IMG_BAD_BLOCK_SEQ] = "block out of sequence",
		[KJ_IMG_BAD_BLOCK_LEN] = "bad block length",
		[KJ_IMG_BAD_BLOCK_CHECKSUM] = "bad block checksum",
		[KJ_IMG_BAD_RUNS] = "bad run table",
		[KJ_IMG_BAD_DATA] = "page data does not decompress",
		[KJ_IMG_BAD_TRAILER] = "bad or missing trailer",
		[KJ_IMG_BAD_COUNTS] = "blocks do not add up to the header",
		[KJ_IMG_BAD_NOTE] = "bad VMCOREINFO note area",
		[KJ_IMG_BAD_TAG] = "does not authenticate under its key: altered, or forged",
		[KJ_IMG_NEEDS_KEY] = "encrypted: it needs its key",
		[KJ_IMG_BAD_AEAD] = "encrypted with an AEAD this CPU cannot run",
		[KJ_IMG_NOT_ENCRYPTED] = "not encrypted, where this system's images are",
	};

	return fault < KJ_ARRAY_SIZE(str) && str[fault] ? str[fault] : "unknown fault";
}

const char *kj_discard_str(enum kj_discard reason)
{
	static const char *const str[] = {
		[KJ_DISCARD_NONE] = "not discarded",
		[KJ_DISCARD_NORESUME] = "a boot was told not to resume it (kjump.noresume=1)",
		[KJ_DISCARD_BAD_IMAGE] = "a boot found it damaged",
		[KJ_DISCARD_OTHER_KERNEL] = "a boot with another kernel went on without it",
		[KJ_DISCARD_OTHER_MEMORY] = "a boot on other memory went on without it",
		[KJ_DISCARD_TRIES] = "its restore was started twice and did not finish",
		[KJ_DISCARD_NO_RESTORE] = "a boot could not start its restore",
		[KJ_DISCARD_REPLACED] = "a new image was begun over it",
		[KJ_DISCARD_DISKS] = "its disks changed since it was saved",
		[KJ_DISCARD_NO_KEY] = "it is encrypted, and its key was not opened",
	};

	return reason < KJ_ARRAY_SIZE(str) && str[reason] ? str[reason] : "unknown reason";
}

static void put_str(uint8_t *p, const char *s, size_t size)
{
	size_t n = strnlen(s, size - 1);

	memcpy(p, s, n);
}

static void put_ranges(uint8_t *p, const struct kj_range *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		put_le64(p + i * 16, r[i].start);
		put_le64(p + i * 16 + 8, r[i].end);
	}
}

static uint32_t disks_at(const struct kj_image_header *h)
{
	return KJ_HDR_MAPS + 16 * (h->nram + h->nexcluded);
}

static uint32_t crypt_at(const struct kj_image_header *h)
{
	return disks_at(h) + KJ_DISK_LEN * h->ndisks;
}

static uint32_t header_len(const struct kj_image_header *h)
{
	return crypt_at(h) + (h->flags & KJ_IMAGE_FLAG_ENCRYPTED ? KJ_CRYPT_LEN : 0) + 8;
}

uint32_t kj_header_crypt_at(const uint8_t *buf)
{
	return KJ_HDR_MAPS + 16 * (get_le32(buf + KJ_HDR_NRAM) + get_le32(buf + KJ_HDR_NEXCLUDED)) +
	       KJ_DISK_LEN * get_le32(buf + KJ_HDR_NDISKS);
}

static void put_crypt(uint8_t *p, const struct kj_image_header *h)
{
	put_le16(p + KJ_CRYPT_AEAD, h->aead);
	memcpy(p + KJ_CRYPT_KEY_ID, h->key_id, sizeof(h->key_id));
	memcpy(p + KJ_CRYPT_SEALED_KEY, h->sealed_key, sizeof(h->sealed_key));
	memcpy(p + KJ_CRYPT_HEADER_TAG, h->header_tag, sizeof(h->header_tag));
	memcpy(p + KJ_CRYPT_NOTE_TAG, h->note_tag, sizeof(h->note_tag));
}

static enum kj_image_fault get_crypt(const uint8_t *p, struct kj_image_header *h)
{
	h->aead = get_le16(p + KJ_CRYPT_AEAD);
	memcpy(h->key_id, p + KJ_CRYPT_KEY_ID, sizeof(h->key_id));
	memcpy(h->sealed_key, p + KJ_CRYPT_SEALED_KEY, sizeof(h->sealed_key));
	memcpy(h->header_tag, p + KJ_CRYPT_HEADER_TAG, sizeof(h->header_tag));
	memcpy(h->note_tag, p + KJ_CRYPT_NOTE_TAG, sizeof(h->note_tag));
	for (int i = 2; i < KJ_CRYPT_KEY_ID; i++)
		if (p[i])
			return KJ_IMG_BAD_RESERVED;
	return h->aead == KJ_AEAD_CHACHA20POLY1305 || h->aead == KJ_AEAD_AES256GCM
	       ? KJ_IMG_OK : KJ_IMG_BAD_FIELD;
}

static void put_disks(uint8_t *p, const struct kj_disk_print *d, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++, p += KJ_DISK_LEN) {
		put_le32(p + KJ_DISK_KIND, d[i].kind);
		put_le64(p + KJ_DISK_SIZE, d[i].size);
		put_le64(p + KJ_DISK_HASH, d[i].hash);
		memcpy(p + KJ_DISK_ID, d[i].id, 16);
		put_str(p + KJ_DISK_NAME, d[i].name, sizeof(d[i].name));
	}
}

int kj_image_header_encode(const struct kj_image_header *h, uint8_t *buf)
{
	uint32_t len;

	if (h->nram > KJ_IMAGE_MAP_MAX || h->nexcluded > KJ_IMAGE_MAP_MAX ||
	    h->ndisks > KJ_DISKS_MAX ||
	    header_len(h) > KJ_IMAGE_HEADER_SIZE ||
	    h->note_len > KJ_IMAGE_NOTE_MAX)
		return -E2BIG;
	len = header_len(h);
	memcpy(buf + KJ_HDR_MAGIC, MAGIC, 8);
	put_le32(buf + KJ_HDR_VERSION, KJ_IMAGE_VERSION);
	put_le32(buf + KJ_HDR_LEN, len);
	put_le32(buf + KJ_HDR_FLAGS, h->flags);
	put_le32(buf + KJ_HDR_KIND, h->kind);
	put_le32(buf + KJ_HDR_TRIES, h->tries);
	put_le16(buf + KJ_HDR_DISCARD, h->discard_reason);
	put_le16(buf + KJ_HDR_DISCARD_DETAIL, h->discard_detail);
	memcpy(buf + KJ_HDR_UUID, h->uuid, 16);
	put_le64(buf + KJ_HDR_CREATED, h->created);
	put_le32(buf + KJ_HDR_PAGE_SIZE, KJ_PAGE_SIZE);
	put_le16(buf + KJ_HDR_COMPRESSOR, h->compressor);
	put_le16(buf + KJ_HDR_LEVEL, h->level);
	put_le32(buf + KJ_HDR_CHECKSUM_ALG, KJ_CHECKSUM_XXH64);
	put_le64(buf + KJ_HDR_REENTRY, h->reentry);
	put_le64(buf + KJ_HDR_PAGES_RAM, h->pages_ram);
	put_le64(buf + KJ_HDR_PAGES_SAVED, h->pages_saved);
	put_le64(buf + KJ_HDR_PAGES_ZERO, h->pages_zero);
	put_le64(buf + KJ_HDR_PAGES_FREE, h->pages_free);
	put_le64(buf + KJ_HDR_NBLOCKS, h->nblocks);
	put_le64(buf + KJ_HDR_TRAILER, h->trailer_offset);
	put_str(buf + KJ_HDR_OSRELEASE, h->osrelease, 64);
	put_str(buf + KJ_HDR_BUILD_ID, h->build_id, 64);
	put_le32(buf + KJ_HDR_NRAM, h->nram);
	put_le32(buf + KJ_HDR_NEXCLUDED, h->nexcluded);
	put_le32(buf + KJ_HDR_NOTE_LEN, h->note_len);
	put_le64(buf + KJ_HDR_NOTE_SUM, kj_checksum(h->note, h->note_len));
	put_le64(buf + KJ_HDR_PAGE_OFFSET, h->page_offset);
	put_le32(buf + KJ_HDR_FREE_FILL, h->free_fill);
	put_le32(buf + KJ_HDR_NDISKS, h->ndisks);
	put_ranges(buf + KJ_HDR_MAPS, h->ram, h->nram);
	put_ranges(buf + KJ_HDR_MAPS + 16 * h->nram, h->excluded, h->nexcluded);
	put_disks(buf + disks_at(h), h->disks, h->ndisks);
	if (h->flags & KJ_IMAGE_FLAG_ENCRYPTED)
		put_crypt(buf + crypt_at(h), h);
	kj_image_header_seal(buf);
	return 0;
}

void kj_image_header_seal(uint8_t *buf)
{
	uint32_t len = get_le32(buf + KJ_HDR_LEN);

	put_le64(buf + len - 8, kj_checksum(buf, len - 8));
}

static enum kj_image_fault check_frame(const uint8_t *buf, size_t len)
{
	uint32_t hlen;

	if (len < KJ_IMAGE_HEADER_SIZE)
		return KJ_IMG_TRUNCATED;
	if (memcmp(buf + KJ_HDR_MAGIC, MAGIC, 8))
		return KJ_IMG_BAD_MAGIC;
	if (get_le32(buf + KJ_HDR_VERSION) != KJ_IMAGE_VERSION)
		return KJ_IMG_BAD_VERSION;
	hlen = get_le32(buf + KJ_HDR_LEN);
	if (hlen < KJ_HDR_MAPS + 8 || hlen > KJ_IMAGE_HEADER_SIZE)
		return KJ_IMG_BAD_HEADER_LEN;
	if (get_le64(buf + hlen - 8) != kj_checksum(buf, hlen - 8))
		return KJ_IMG_BAD_HEADER_CHECKSUM;
	if (get_le32(buf + KJ_HDR_FLAGS) & ~KNOWN_FLAGS)
		return KJ_IMG_BAD_FLAGS;
	for (uint32_t i = hlen; i < KJ_IMAGE_HEADER_SIZE; i++)
		if (buf[i])
			return KJ_IMG_BAD_RESERVED;
	return KJ_IMG_OK;
}

static void get_str(char *dst, const uint8_t *p, size_t size)
{
	memcpy(dst, p, size);
	dst[size - 1] = '\0';
}

/* Ranges must be ordered, non-empty and must not overlap. */
static bool ranges_ok(const struct kj_range *r, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (r[i].start > r[i].end || (i && r[i].start <= r[i - 1].end))
			return false;
	return true;
}

/* Each names a known kind and ends its name with a NUL. */
static enum kj_image_fault get_disks(const uint8_t *p, struct kj_image_header *h)
{
	for (uint32_t i = 0; i < h->ndisks; i++, p += KJ_DISK_LEN) {
		struct kj_disk_print *d = &h->disks[i];

		d->kind = get_le32(p + KJ_DISK_KIND);
		d->size = get_le64(p + KJ_DISK_SIZE);
		d->hash = get_le64(p + KJ_DISK_HASH);
		memcpy(d->id, p + KJ_DISK_ID, 16);
		memcpy(d->name, p + KJ_DISK_NAME, sizeof(d->name));
		if ((d->kind != KJ_DISK_FS && d->kind != KJ_DISK_SWAP) ||
		    get_le32(p + KJ_DISK_KIND + 4) ||
		    d->name[sizeof(d->name) - 1])
			return KJ_IMG_BAD_MAP;
	}
	return KJ_IMG_OK;
}

static enum kj_image_fault get_maps(const uint8_t *buf,
				    struct kj_image_header *h)
{
	uint32_t hlen = get_le32(buf + KJ_HDR_LEN);

	h->nram = get_le32(buf + KJ_HDR_NRAM);
	h->nexcluded = get_le32(buf + KJ_HDR_NEXCLUDED);
	h->ndisks = get_le32(buf + KJ_HDR_NDISKS);
	if (h->nram > KJ_IMAGE_MAP_MAX || h->nexcluded > KJ_IMAGE_MAP_MAX ||
	    h->ndisks > KJ_DISKS_MAX || header_len(h) != hlen)
		return KJ_IMG_BAD_MAP;
	for (uint32_t i = 0; i < h->nram + h->nexcluded; i++) {
		struct kj_range *r = i < h->nram ? &h->ram[i]
						 : &h->excluded[i - h->nram];

		r->start = get_le64(buf + KJ_HDR_MAPS + i * 16);
		r->end = get_le64(buf + KJ_HDR_MAPS + i * 16 + 8);
	}
	if (!ranges_ok(h->ram, h->nram) || !ranges_ok(h->excluded, h->nexcluded))
		return KJ_IMG_BAD_MAP;
	if (get_disks(buf + disks_at(h), h))
		return KJ_IMG_BAD_MAP;
	return h->flags & KJ_IMAGE_FLAG_ENCRYPTED ? get_crypt(buf + crypt_at(h), h)
						  : KJ_IMG_OK;
}

/* saved + zero + free = ram, without a sum that could wrap. */
static bool counts_add_up(const struct kj_image_header *h)
{
	return h->pages_saved <= h->pages_ram &&
	       h->pages_zero <= h->pages_ram - h->pages_saved &&
	       h->pages_free == h->pages_ram - h->pages_saved - h->pages_zero;
}

static enum kj_image_fault get_fields(const uint8_t *buf,
				      struct kj_image_header *h)
{
	h->flags = get_le32(buf + KJ_HDR_FLAGS);
	h->kind = get_le32(buf + KJ_HDR_KIND);
	h->tries = get_le32(buf + KJ_HDR_TRIES);
	h->discard_reason = get_le16(buf + KJ_HDR_DISCARD);
	h->discard_detail = get_le16(buf + KJ_HDR_DISCARD_DETAIL);
	memcpy(h->uuid, buf + KJ_HDR_UUID, 16);
	h->created = get_le64(buf + KJ_HDR_CREATED);
	h->compressor = get_le16(buf + KJ_HDR_COMPRESSOR);
	h->level = get_le16(buf + KJ_HDR_LEVEL);
	h->reentry = get_le64(buf + KJ_HDR_REENTRY);
	h->pages_ram = get_le64(buf + KJ_HDR_PAGES_RAM);
	h->pages_saved = get_le64(buf + KJ_HDR_PAGES_SAVED);
	h->pages_zero = get_le64(buf + KJ_HDR_PAGES_ZERO);
	h->pages_free = get_le64(buf + KJ_HDR_PAGES_FREE);
	h->nblocks = get_le64(buf + KJ_HDR_NBLOCKS);
	h->trailer_offset = get_le64(buf + KJ_HDR_TRAILER);
	get_str(h->osrelease, buf + KJ_HDR_OSRELEASE, 64);
	get_str(h->build_id, buf + KJ_HDR_BUILD_ID, 64);
	h->note_len = get_le32(buf + KJ_HDR_NOTE_LEN);
	h->note_checksum = get_le64(buf + KJ_HDR_NOTE_SUM);
	h->page_offset = get_le64(buf + KJ_HDR_PAGE_OFFSET);
	h->free_fill = get_le32(buf + KJ_HDR_FREE_FILL);
	if (h->note_len > KJ_IMAGE_NOTE_MAX)
		return KJ_IMG_BAD_NOTE;
	if (get_le32(buf + KJ_HDR_PAGE_SIZE) != KJ_PAGE_SIZE ||
	    get_le32(buf + KJ_HDR_CHECKSUM_ALG) != KJ_CHECKSUM_XXH64 ||
	    h->compressor > KJ_COMPRESS_ZSTD ||
	    (h->kind != KJ_IMAGE_SNAPSHOT && h->kind != KJ_IMAGE_HIBERNATION) ||
	    h->free_fill > KJ_FREE_FILL_POISON ||
	    !(h->flags & KJ_IMAGE_FLAG_DISCARDED) != !h->discard_reason ||
	    h->trailer_offset % KJ_IMAGE_ALIGN ||
	    ((h->flags & KJ_IMAGE_FLAG_COMPLETE) &&
	     h->trailer_offset < kj_image_data_offset(h)) ||
	    !counts_add_up(h))
		return KJ_IMG_BAD_FIELD;
	return get_maps(buf, h);
}

int kj_image_header_decode(const uint8_t *buf, size_t len,
			   struct kj_image_header *h, struct kj_image_error *err)
{
	enum kj_image_fault f = check_frame(buf, len);

	memset(h, 0, sizeof(*h));
	if (f == KJ_IMG_OK)
		f = get_fields(buf, h);
	err->fault = f;
	err->block = -1;
	err->offset = 0;
	return f == KJ_IMG_OK ? 0 : -EBADMSG;
}

void kj_trailer_encode(uint8_t *t, uint64_t nblocks, uint64_t saved,
		       uint64_t zero, const uint8_t *sums)
{
	memcpy(t, KJ_TRAILER_MAGIC, 8);
	put_le64(t + KJ_TRAILER_NBLOCKS, nblocks);
	put_le64(t + KJ_TRAILER_SAVED, saved);
	put_le64(t + KJ_TRAILER_ZERO, zero);
	put_le64(t + KJ_TRAILER_BLOCKS_SUM,
		 kj_checksum(sums, nblocks * KJ_SUM_SIZE));
	put_le64(t + KJ_TRAILER_CHECKSUM, kj_checksum(t, KJ_TRAILER_CHECKSUM));
}

uint64_t kj_image_data_offset(const struct kj_image_header *h)
{
	return KJ_IMAGE_NOTE_OFFSET + kj_align_up(h->note_len, KJ_IMAGE_ALIGN);
}
