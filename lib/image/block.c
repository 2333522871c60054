// SPDX-License-Identifier: GPL-2.0-or-later
/* Image blocks (doc/image-format.md): runs of pages and their data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "common/le.h"

#define B_MAGIC		0x00
#define B_SEQ		0x08
#define B_NRUNS		0x10
#define B_RAW_LEN	0x14
#define B_COMP_LEN	0x18
#define B_BLOCK_LEN	0x1c
#define B_CHECKSUM	0x20
#define B_RUNS		KJ_BLOCK_HEAD_SIZE
#define RUN_SIZE	16
#define MAGIC		"KJBLOCK1"
#define MAGIC_SEALED	"KJBLOCKS"	/* an encrypted image's */
#define TAG_LEN		KJ_AEAD_TAG_SIZE
/*
 * The most a block may hold: what the saver writes at most (lib/save/
 * save.c: 1024 data pages, fewer than 2048 runs). A reader refuses more
 * before it allocates, so that a head cannot make it read or allocate up
 * to 4 GiB: with comp_len <= raw_len, block_len is at most 4 MiB + 36 KiB.
 */
#define BLOCK_RUNS_MAX	KJ_BLOCK_RUNS_MAX
#define BLOCK_RAW_MAX	KJ_BLOCK_RAW_MAX

/* The head and runs (and a sealed block's tag), padded so that the data
 * begins on a 4096-byte boundary of the block: stored data is then read
 * into memory, and written from it, where O_DIRECT takes it, without a
 * copy to align it. */
static size_t runs_end(uint32_t nruns)
{
	return B_RUNS + (size_t)nruns * RUN_SIZE;
}

static size_t meta_len(uint32_t nruns, bool sealed)
{
	return kj_align_up(runs_end(nruns) + (sealed ? TAG_LEN : 0), KJ_IMAGE_ALIGN);
}

size_t kj_block_bound(uint32_t nruns, uint32_t raw_len)
{
	size_t lz4 = kj_compress_bound(KJ_COMPRESS_LZ4, raw_len);
	size_t zstd = kj_compress_bound(KJ_COMPRESS_ZSTD, raw_len);

	return meta_len(nruns, true) + kj_align_up(lz4 > zstd ? lz4 : zstd, KJ_IMAGE_ALIGN);
}

static void put_runs(uint8_t *p, const struct kj_run *runs, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++, p += RUN_SIZE) {
		put_le64(p, runs[i].pfn);
		put_le32(p + 8, runs[i].count);
		put_le32(p + 12, runs[i].kind);
	}
}

/* The checksum covers the head without its checksum, then the body: the
 * runs, the tag, their padding and the data (which may lie apart, at
 * data). */
static uint64_t block_checksum(const uint8_t *buf, size_t meta,
			       const uint8_t *data, uint32_t comp_len)
{
	return kj_checksum3(buf, B_CHECKSUM, buf + B_RUNS, meta - B_RUNS,
			    data, comp_len);
}

/*
 * Whether data looks incompressible (random, encrypted, already
 * compressed): SAMPLES pieces spread over it each shrink by less than
 * 1/32. Compressing such data for nothing was most of the cost of saving
 * it; a block that fails the test is stored as it is.
 */
#define SAMPLES		4
#define SAMPLE_LEN	16384u
static bool looks_incompressible(enum kj_compressor c, int level,
				 const uint8_t *data, size_t len)
{
	uint8_t out[SAMPLE_LEN + SAMPLE_LEN / 8];

	if (len < 16 * SAMPLE_LEN)
		return false;
	for (size_t i = 0; i < SAMPLES; i++) {
		long n = kj_compress(c, level, data + len / SAMPLES * i, SAMPLE_LEN,
				     out, sizeof(out));

		if (n > 0 && (size_t)n < SAMPLE_LEN - SAMPLE_LEN / 32)
			return false;
	}
	return true;
}

/* The page data compressed into dst, or -1 when it is to be stored as it
 * is: not smaller compressed (comp_len == raw_len then, see
 * doc/image-format.md). */
static long put_data(const struct kj_block *b, enum kj_compressor c,
		     int level, uint8_t *dst, size_t cap)
{
	long comp = -1;

	if (c != KJ_COMPRESS_NONE && !looks_incompressible(c, level, b->data, b->raw_len))
		comp = kj_compress(c, level, b->data, b->raw_len, dst, cap);
	return comp < 0 || (uint64_t)comp >= b->raw_len ? -1 : comp;
}

/* The image a sealed block belongs to, and the key it is sealed under. */
struct sealing {
	const struct kj_image_key *k;
	const uint8_t *uuid;
};

static int encode(const struct kj_block *b, enum kj_compressor c, int level,
		  const struct sealing *sl, uint8_t *out, size_t *len,
		  bool *apart, uint64_t *checksum)
{
	size_t meta = meta_len(b->nruns, sl);
	size_t cap = kj_block_bound(b->nruns, b->raw_len) - meta;
	long comp;
	int err = 0;

	if (b->nruns > BLOCK_RUNS_MAX || b->raw_len > BLOCK_RAW_MAX ||
	    b->raw_len % KJ_PAGE_SIZE)
		return -E2BIG;
	comp = put_data(b, c, level, out + meta, cap);
	*apart = comp < 0 && !sl;	/* sealed data is never where it was */
	if (comp < 0) {
		comp = b->raw_len;
		if (sl)
			memcpy(out + meta, b->data, b->raw_len);
	}
	memcpy(out + B_MAGIC, sl ? MAGIC_SEALED : MAGIC, 8);
	put_le64(out + B_SEQ, b->seq);
	put_le32(out + B_NRUNS, b->nruns);
	put_le32(out + B_RAW_LEN, b->raw_len);
	put_le32(out + B_COMP_LEN, (uint32_t)comp);
	put_le32(out + B_BLOCK_LEN, (uint32_t)(meta + kj_align_up((size_t)comp, KJ_IMAGE_ALIGN)));
	put_runs(out + B_RUNS, b->runs, b->nruns);
	memset(out + runs_end(b->nruns), 0, meta - runs_end(b->nruns));
	*len = meta;
	if (!*apart) {
		*len = meta + kj_align_up((size_t)comp, KJ_IMAGE_ALIGN);
		memset(out + meta + comp, 0, *len - meta - (size_t)comp);
	}
	if (sl)
		err = kj_block_seal(sl->k, sl->uuid, out, out + meta);
	*checksum = block_checksum(out, meta, *apart ? b->data : out + meta,
				   (uint32_t)comp);
	put_le64(out + B_CHECKSUM, *checksum);
	return err;
}

int kj_block_encode_apart(const struct kj_block *b, enum kj_compressor c,
			  int level, uint8_t *out, size_t *len, bool *apart,
			  uint64_t *checksum)
{
	return encode(b, c, level, NULL, out, len, apart, checksum);
}

int kj_block_encode_sealed(const struct kj_block *b, enum kj_compressor c,
			   int level, const struct kj_image_key *k,
			   const uint8_t uuid[16], uint8_t *out, size_t *len,
			   uint64_t *checksum)
{
	struct sealing sl = { k, uuid };
	bool apart;

	return encode(b, c, level, &sl, out, len, &apart, checksum);
}

/* A sealed block's associated data: the image's UUID, the head without
 * its checksum (magic, seq, lengths) and the runs. Malloc'd. */
static uint8_t *block_ad(const uint8_t uuid[16], const uint8_t *buf,
			 uint32_t nruns, size_t *len)
{
	uint8_t *ad = malloc(16 + runs_end(nruns));

	if (ad) {
		memcpy(ad, uuid, 16);
		memcpy(ad + 16, buf, B_CHECKSUM);
		memcpy(ad + 16 + B_CHECKSUM, buf + B_RUNS, runs_end(nruns) - B_RUNS);
	}
	*len = 16 + runs_end(nruns) - (B_RUNS - B_CHECKSUM);
	return ad;
}

int kj_block_seal(const struct kj_image_key *k, const uint8_t uuid[16],
		  uint8_t *buf, uint8_t *data)
{
	uint32_t nruns = get_le32(buf + B_NRUNS);
	size_t adlen;
	uint8_t *ad = block_ad(uuid, buf, nruns, &adlen);
	int err = ad ? 0 : -ENOMEM;

	if (!err)
		err = kj_aead_seal(k, get_le64(buf + B_SEQ), data,
				   get_le32(buf + B_COMP_LEN), ad, adlen,
				   buf + runs_end(nruns));
	free(ad);
	return err;
}

enum kj_image_fault kj_block_open(const struct kj_image_key *k,
				  const uint8_t uuid[16], uint8_t *buf,
				  const struct kj_block_head *h)
{
	size_t adlen;
	uint8_t *ad = block_ad(uuid, buf, h->nruns, &adlen);
	int err = ad ? 0 : -ENOMEM;

	if (!err)
		err = kj_aead_open(k, h->seq, buf + meta_len(h->nruns, true),
				   h->comp_len, ad, adlen, buf + runs_end(h->nruns));
	free(ad);
	return err == -ENOTSUP ? KJ_IMG_BAD_AEAD : err ? KJ_IMG_BAD_TAG : KJ_IMG_OK;
}

int kj_block_encode(const struct kj_block *b, enum kj_compressor c, int level,
		    uint8_t *out, size_t *len, uint64_t *checksum)
{
	bool apart;
	int err = kj_block_encode_apart(b, c, level, out, len, &apart, checksum);

	if (!err && apart) {
		memcpy(out + *len, b->data, b->raw_len);
		*len += b->raw_len;
	}
	return err;
}

int kj_block_head_decode(const uint8_t *buf, struct kj_block_head *h,
			 enum kj_image_fault *fault)
{
	uint64_t body;

	h->sealed = !memcmp(buf + B_MAGIC, MAGIC_SEALED, 8);
	if (!h->sealed && memcmp(buf + B_MAGIC, MAGIC, 8)) {
		*fault = KJ_IMG_BAD_BLOCK_MAGIC;
		return -EBADMSG;
	}
	h->seq = get_le64(buf + B_SEQ);
	h->nruns = get_le32(buf + B_NRUNS);
	h->raw_len = get_le32(buf + B_RAW_LEN);
	h->comp_len = get_le32(buf + B_COMP_LEN);
	h->block_len = get_le32(buf + B_BLOCK_LEN);
	h->checksum = get_le64(buf + B_CHECKSUM);
	body = meta_len(h->nruns, h->sealed) + (uint64_t)h->comp_len;
	/* Compressed data is shorter than raw_len and stored data as long
	 * (doc/image-format.md): never longer. */
	if (h->nruns > BLOCK_RUNS_MAX || h->raw_len > BLOCK_RAW_MAX ||
	    h->raw_len % KJ_PAGE_SIZE || h->comp_len > h->raw_len ||
	    !h->block_len || h->block_len % KJ_IMAGE_ALIGN ||
	    body > h->block_len || h->block_len - body >= KJ_IMAGE_ALIGN) {
		*fault = KJ_IMG_BAD_BLOCK_LEN;
		return -EBADMSG;
	}
	return 0;
}

/* Runs ascend, are not empty, and their DATA pages make raw_len. */
static int get_runs(const uint8_t *p, const struct kj_block_head *h,
		    struct kj_run *runs)
{
	uint64_t data_pages = 0;

	for (uint32_t i = 0; i < h->nruns; i++, p += RUN_SIZE) {
		runs[i].pfn = get_le64(p);
		runs[i].count = get_le32(p + 8);
		runs[i].kind = get_le32(p + 12);
		if (!runs[i].count || runs[i].kind > KJ_RUN_ZERO ||
		    runs[i].pfn + runs[i].count < runs[i].pfn ||
		    (i && runs[i].pfn < runs[i - 1].pfn + runs[i - 1].count))
			return -EBADMSG;
		if (runs[i].kind == KJ_RUN_DATA)
			data_pages += runs[i].count;
	}
	return data_pages * KJ_PAGE_SIZE == h->raw_len ? 0 : -EBADMSG;
}

size_t kj_block_meta_len(const struct kj_block_head *h)
{
	return meta_len(h->nruns, h->sealed);
}

static bool zeros(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* The checksum, and the zero padding after the runs and after the data
 * (block_len bytes). */
enum kj_image_fault kj_block_check(const uint8_t *buf, const struct kj_block_head *h)
{
	size_t meta = kj_block_meta_len(h), data_end = meta + h->comp_len;
	size_t pad = runs_end(h->nruns) + (h->sealed ? TAG_LEN : 0);

	if (block_checksum(buf, meta, buf + meta, h->comp_len) != h->checksum)
		return KJ_IMG_BAD_BLOCK_CHECKSUM;
	if (!zeros(buf + pad, meta - pad) ||
	    !zeros(buf + data_end, h->block_len - data_end))
		return KJ_IMG_BAD_BLOCK_LEN;
	return KJ_IMG_OK;
}

int kj_block_runs(const uint8_t *buf, const struct kj_block_head *h,
		  struct kj_run **runs)
{
	struct kj_run *r = malloc(((size_t)h->nruns + 1) * sizeof(*r));

	if (!r)
		return -ENOMEM;
	if (get_runs(buf + B_RUNS, h, r)) {
		free(r);
		return -EBADMSG;
	}
	*runs = r;
	return 0;
}

const uint8_t *kj_block_stored(const uint8_t *buf, const struct kj_block_head *h)
{
	return h->comp_len == h->raw_len ? buf + kj_block_meta_len(h) : NULL;
}

int kj_block_data(const uint8_t *buf, const struct kj_block_head *h,
		  enum kj_compressor c, uint8_t *out)
{
	if (h->comp_len == h->raw_len)
		c = KJ_COMPRESS_NONE;
	return kj_decompress(c, buf + kj_block_meta_len(h), h->comp_len,
			     out, h->raw_len);
}

int kj_block_decode(const uint8_t *buf, const struct kj_block_head *h,
		    enum kj_compressor c, struct kj_run **runs, uint8_t **data,
		    enum kj_image_fault *fault)
{
	struct kj_run *r = NULL;
	uint8_t *d = NULL;
	int err;

	*fault = kj_block_check(buf, h);
	if (!*fault && h->sealed)
		*fault = KJ_IMG_NEEDS_KEY;	/* opened by a walk, with the key */
	if (*fault)
		return -EBADMSG;
	err = kj_block_runs(buf, h, &r);
	if (err == -EBADMSG)
		*fault = KJ_IMG_BAD_RUNS;
	if (err)
		return err;
	d = malloc(h->raw_len ? h->raw_len : 1);
	if (!d) {
		free(r);
		return -ENOMEM;
	}
	if (kj_block_data(buf, h, c, d)) {
		*fault = KJ_IMG_BAD_DATA;
		free(r);
		free(d);
		return -EBADMSG;
	}
	*runs = r;
	*data = d;
	return 0;
}
