// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Encrypted images (lib/image/crypt.c), written to a file through the
 * writer as the saver writes them: read back whole under their key;
 * refused without it or under another; nothing of their pages or note in
 * the clear; refused after any change a forger can make (who recomputes
 * every checksum): to a block's data, runs or tag, to the header, or a
 * block taken from another image. For each AEAD this CPU runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "image/image.h"
#include "common/le.h"
#include "t.h"

/* Three blocks: compressible pages with a zero run; 64 pages of noise,
 * enough for the saver's sampling to store them as they are; the marker
 * page and more compressible pages, then zero pages. */
#define NBLOCKS		3
#define NOISE_PFN	0x300
#define NOISE_PAGES	64
#define MARKER_PFN	0x400
#define DATA_PAGES	(6 + NOISE_PAGES + 4)
#define ZERO_PAGES	(3 + 2)

static struct kj_run runs0[] = {
	{ 0x100, 4, KJ_RUN_DATA }, { 0x104, 3, KJ_RUN_ZERO }, { 0x110, 2, KJ_RUN_DATA },
};
static struct kj_run runs1[] = { { NOISE_PFN, NOISE_PAGES, KJ_RUN_DATA } };
static struct kj_run runs2[] = { { MARKER_PFN, 4, KJ_RUN_DATA }, { 0x500, 2, KJ_RUN_ZERO } };
static const struct {
	struct kj_run *runs;
	uint32_t n;
} layout[NBLOCKS] = { { runs0, 3 }, { runs1, 1 }, { runs2, 2 } };

/* The VMCOREINFO note: sealed in the image, opened by the key. */
static const char note[] = "OSRELEASE=6.12.117\nPAGESIZE=4096\n"
			   "SYMBOL(kjump_secret_note)=ffffffff8a5b3c10\n";

static const enum kj_aead aeads[] = { KJ_AEAD_CHACHA20POLY1305, KJ_AEAD_AES256GCM };
static const enum kj_compressor comps[] = { KJ_COMPRESS_NONE, KJ_COMPRESS_LZ4 };

static const uint8_t uuid_a[16] = "sealed-image-uid", uuid_b[16] = "sealed-image-UID";

static void noise(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 32);
	}
}

/* A 256-bit key made from a seed: two seeds, two keys. */
static void make_key(uint8_t key[KJ_IMAGE_KEY_SIZE], uint64_t seed)
{
	noise(key, KJ_IMAGE_KEY_SIZE, seed ^ 0x6b6579);
}

/* What page pfn holds: the marker (noise of its own), noise, or a
 * pattern that compresses. */
static void page_at(uint64_t pfn, uint8_t *p)
{
	if (pfn == MARKER_PFN)
		noise(p, KJ_PAGE_SIZE, 0x6d61726b6572);
	else if (pfn >= NOISE_PFN && pfn < NOISE_PFN + NOISE_PAGES)
		noise(p, KJ_PAGE_SIZE, pfn);
	else
		for (size_t i = 0; i < KJ_PAGE_SIZE; i++)
			p[i] = (uint8_t)(pfn + i / 64);
}

static void test_header(struct kj_image_header *h, const uint8_t uuid[16],
			enum kj_compressor c)
{
	memset(h, 0, sizeof(*h));
	h->kind = KJ_IMAGE_HIBERNATION;
	memcpy(h->uuid, uuid, 16);
	h->created = 1795000000;
	h->compressor = c;
	h->level = 1;
	h->reentry = 0xa980f2;
	strcpy(h->osrelease, "6.12.117");
	strcpy(h->build_id, "0123abcd");
	h->nram = 1;
	h->ram[0] = (struct kj_range){ 0x100000, 0x3fffffff };
	t_sample_disk(h);
	memcpy(h->key_id, "kid-0001", 8);
	noise(h->sealed_key, sizeof(h->sealed_key), 0x5ea1);
	h->note_len = sizeof(note) - 1;
	memcpy(h->note, note, h->note_len);
}

/* An image written: its file, and where its blocks and trailer lie. */
struct image {
	char path[32];
	uint64_t off[NBLOCKS], len[NBLOCKS], trailer;
	uint32_t comp[NBLOCKS];		/* the data's length as stored */
};

/* Every image a test writes, removed when it ends, failed or not. */
static struct image *made[16];
static size_t nmade;

static void remove_images(void)
{
	for (size_t i = 0; i < nmade; i++) {
		unlink(made[i]->path);
		free(made[i]);
	}
	nmade = 0;
}

/* The image's content, sealed under key (aead) for uuid, or plain if key
 * is NULL; compressed with c. NULL if it could not be written. */
static struct image *write_image(enum kj_aead aead, const uint8_t *key,
				 const uint8_t uuid[16], enum kj_compressor c)
{
	struct kj_image_header *h = malloc(sizeof(*h));
	struct image *im = calloc(1, sizeof(*im));
	struct kj_image_writer *w = NULL;
	struct kj_image_key k = { .aead = aead };
	int fd, r = h && im && nmade < KJ_ARRAY_SIZE(made) ? 0 : -ENOMEM;

	if (r) {
		free(h);
		free(im);
		return NULL;
	}
	made[nmade++] = im;
	strcpy(im->path, "/tmp/kj-sealed-XXXXXX");
	fd = mkstemp(im->path);
	if (fd < 0)
		r = -errno;
	else
		close(fd);
	test_header(h, uuid, c);
	if (key)
		memcpy(k.key, key, sizeof(k.key));
	if (!r)
		r = kj_image_writer_open_sealed(im->path, NULL, h, key ? &k : NULL, &w);
	im->trailer = kj_image_data_offset(h);
	for (size_t i = 0; !r && i < NBLOCKS; i++) {
		struct kj_block b = { i, layout[i].runs, layout[i].n, NULL, 0 };
		uint32_t data = 0, zero = 0;
		uint8_t *raw, *out;
		uint64_t sum;
		size_t len = 0;

		for (uint32_t j = 0; j < b.nruns; j++)
			*(b.runs[j].kind == KJ_RUN_DATA ? &data : &zero) += b.runs[j].count;
		b.raw_len = data * KJ_PAGE_SIZE;
		raw = malloc(b.raw_len);
		out = calloc(1, kj_block_bound(b.nruns, b.raw_len));
		b.data = raw;
		r = raw && out ? 0 : -ENOMEM;
		for (uint32_t j = 0, p = 0; !r && j < b.nruns; j++)
			for (uint32_t q = 0; b.runs[j].kind == KJ_RUN_DATA &&
					     q < b.runs[j].count; q++)
				page_at(b.runs[j].pfn + q, raw + (size_t)p++ * KJ_PAGE_SIZE);
		if (!r && key)
			r = kj_block_encode_sealed(&b, c, 1, &k, uuid, out, &len, &sum);
		else if (!r)
			r = kj_block_encode(&b, c, 1, out, &len, &sum);
		if (!r)
			r = kj_image_writer_append(w, out, len, sum, data, zero);
		im->off[i] = im->trailer;
		im->len[i] = len;
		im->comp[i] = out ? get_le32(out + 0x18) : 0;
		im->trailer += len;
		free(raw);
		free(out);
	}
	if (!r)
		r = kj_image_writer_finish(w, 0);
	kj_image_writer_close(w);
	free(h);
	return r ? NULL : im;
}

/* Checks each block given to it against what was written. */
struct seen {
	uint64_t blocks, data, zero, bad;
	uint8_t page[KJ_PAGE_SIZE];
};

static int compare_pages(void *ctx, const struct kj_block *b)
{
	struct seen *s = ctx;
	const uint8_t *d = b->data;

	for (uint32_t i = 0; i < b->nruns; i++) {
		const struct kj_run *r = &b->runs[i];

		for (uint32_t j = 0; r->kind == KJ_RUN_DATA && j < r->count; j++) {
			page_at(r->pfn + j, s->page);
			s->bad += !!memcmp(d, s->page, KJ_PAGE_SIZE);
			d += KJ_PAGE_SIZE;
		}
		*(r->kind == KJ_RUN_DATA ? &s->data : &s->zero) += r->count;
	}
	s->bad += d != b->data + b->raw_len;
	s->blocks++;
	return 0;
}

/* What reading an image back came to: the step that failed, its fault,
 * and what the walk saw. */
enum { READ_OK, READ_OPEN, READ_KEY, READ_WALK };
struct outcome {
	int step;
	int r;
	enum kj_image_fault fault;
	int64_t block;
	struct seen seen;
};

/* Opens path, gives it key (unless NULL), walks it with compare_pages. */
static void read_back(const char *path, const uint8_t *key, struct outcome *o)
{
	struct kj_image_error err = { KJ_IMG_OK, -1, 0 };
	struct kj_image *img = NULL;

	memset(o, 0, sizeof(*o));
	o->step = READ_OPEN;
	o->r = kj_image_open(path, &img, &err);
	if (!o->r && key) {
		o->step = READ_KEY;
		o->r = kj_image_set_key(img, key, &err);
	}
	if (!o->r) {
		o->step = READ_WALK;
		o->r = kj_image_verify(img, compare_pages, &o->seen, &err);
	}
	if (!o->r)
		o->step = READ_OK;
	o->fault = o->r ? err.fault : KJ_IMG_OK;
	o->block = err.block;
	kj_image_close(img);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	char *text = NULL;

	return kj_read_text(path, &text, len) ? NULL : (uint8_t *)text;
}

static int spill(const char *path, const uint8_t *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = kj_pwrite_all(fd, buf, len, 0);
	close(fd);
	return r;
}

/* What a forger does after a change: each block's checksum again (it
 * covers the head up to the checksum, the runs, the tag and the padding,
 * and the data: block.c), then the trailer's, which covers the blocks'
 * checksums. Everything but the tags is right after this. */
static void forge_checksums(uint8_t *file, const struct image *im)
{
	uint8_t sums[NBLOCKS * KJ_SUM_SIZE], *t = file + im->trailer;

	for (size_t i = 0; i < NBLOCKS; i++) {
		uint8_t *b = file + im->off[i];
		uint32_t nruns = get_le32(b + 0x10), comp = get_le32(b + 0x18);
		bool sealed = !memcmp(b, "KJBLOCKS", 8);
		size_t meta = kj_align_up(KJ_BLOCK_HEAD_SIZE + nruns * 16 +
					  (sealed ? KJ_AEAD_TAG_SIZE : 0), 4096);

		put_le64(b + 0x20, kj_checksum3(b, 0x20, b + KJ_BLOCK_HEAD_SIZE,
						meta - KJ_BLOCK_HEAD_SIZE, b + meta, comp));
		memcpy(sums + i * KJ_SUM_SIZE, b + 0x20, KJ_SUM_SIZE);
	}
	kj_trailer_encode(t, NBLOCKS, get_le64(t + KJ_TRAILER_SAVED),
			  get_le64(t + KJ_TRAILER_ZERO), sums);
}

/* The image at im with the byte at off flipped (if flip) and every
 * checksum forged; then read back under key. */
static void tamper(const struct image *im, uint64_t off, bool flip,
		   const uint8_t *key, struct outcome *o)
{
	size_t len;
	uint8_t *file = slurp(im->path, &len), *orig = file ? malloc(len) : NULL;

	memset(o, 0, sizeof(*o));
	o->step = -1;
	if (!orig || off >= len) {
		free(file);
		return;
	}
	memcpy(orig, file, len);
	file[off] ^= flip ? 0x01 : 0;
	forge_checksums(file, im);
	if (!spill(im->path, file, len))
		read_back(im->path, key, o);
	spill(im->path, orig, len);	/* as written, for the next change */
	free(orig);
	free(file);
}

static bool contains(const uint8_t *hay, size_t len, const void *needle, size_t n)
{
	return memmem(hay, len, needle, n) != NULL;
}

/* Whether any 64-byte window of the marker page, or the note's text, is
 * in the file at path. -1 if it cannot be read. */
static int in_the_clear(const char *path)
{
	uint8_t marker[KJ_PAGE_SIZE];
	size_t len;
	uint8_t *file = slurp(path, &len);
	int found = 0;

	if (!file)
		return -1;
	page_at(MARKER_PFN, marker);
	for (size_t i = 0; !found && i + 64 <= sizeof(marker); i++)
		found = contains(file, len, marker + i, 64);
	if (!found)
		found = contains(file, len, note, sizeof(note) - 1) ||
			contains(file, len, "kjump_secret_note", 17);
	free(file);
	return found;
}

/* AES-256-GCM needs AES-NI: where this CPU lacks it, its tests are
 * skipped, and said so once. */
static bool usable(enum kj_aead a)
{
	static bool told;

	if (kj_aead_usable(a))
		return true;
	if (!told)
		printf("note: %s is not usable on this CPU (no AES-NI): "
		       "its sealed-image tests are skipped\n", kj_aead_name(a));
	told = true;
	return false;
}

/* Runs fn for each usable AEAD and each compressor; the images it made
 * are removed. Says which failed, as the failure's own line cannot. */
static void each_case(void (*fn)(enum kj_aead, enum kj_compressor))
{
	for (size_t i = 0; i < KJ_ARRAY_SIZE(aeads) && !t_failed(); i++) {
		for (size_t j = 0; usable(aeads[i]) && j < KJ_ARRAY_SIZE(comps) &&
				   !t_failed(); j++) {
			fn(aeads[i], comps[j]);
			remove_images();
			if (t_failed())
				printf("note: the failure below is under %s, compressor %d\n",
				       kj_aead_name(aeads[i]), comps[j]);
		}
	}
}

/* 1. Every page comes back as written; the note opens under the key; the
 * noise is stored as it is, the compressible pages compressed with lz4. */
static void round_trip(enum kj_aead aead, enum kj_compressor c)
{
	uint8_t key[KJ_IMAGE_KEY_SIZE];
	const struct kj_image_header *h;
	struct image *im;
	struct kj_image *img = NULL;
	struct kj_image_error err;
	struct outcome o;
	uint32_t flags, aead_read;
	uint64_t saved;
	bool note_sealed, note_open;
	size_t len;
	uint8_t *file;
	int r;

	make_key(key, 1);
	im = write_image(aead, key, uuid_a, c);
	CHECK(im);
	read_back(im->path, key, &o);
	CHECK_INT(o.step, READ_OK);
	CHECK_U64(o.seen.blocks, NBLOCKS);
	CHECK_U64(o.seen.data, DATA_PAGES);
	CHECK_U64(o.seen.zero, ZERO_PAGES);
	CHECK_U64(o.seen.bad, 0);

	CHECK_INT(kj_image_open(im->path, &img, &err), 0);
	h = kj_image_get_header(img);
	flags = h->flags;
	aead_read = h->aead;
	saved = h->pages_saved;
	note_sealed = memcmp(h->note, note, sizeof(note) - 1);
	r = kj_image_set_key(img, key, &err);
	note_open = !memcmp(h->note, note, sizeof(note) - 1);
	kj_image_close(img);
	CHECK_INT(r, 0);
	CHECK_U64(flags, KJ_IMAGE_FLAG_COMPLETE | KJ_IMAGE_FLAG_ENCRYPTED);
	CHECK_INT(aead_read, aead);
	CHECK_U64(saved, DATA_PAGES);
	CHECK(note_sealed);	/* before the key */
	CHECK(note_open);	/* after */

	file = slurp(im->path, &len);
	CHECK(file);
	r = !memcmp(file + im->off[0], "KJBLOCKS", 8) &&
	    get_le32(file + im->off[1] + 0x18) == NOISE_PAGES * KJ_PAGE_SIZE &&
	    (c == KJ_COMPRESS_NONE) == (get_le32(file + im->off[0] + 0x18) == 6 * KJ_PAGE_SIZE);
	free(file);
	CHECK(r);
}

TEST(sealed_round_trip)
{
	each_case(round_trip);
}

/* 2. Without its key a walk refuses the image; under another key the
 * header does not authenticate, and the right key still works after. */
static void needs_its_key(enum kj_aead aead, enum kj_compressor c)
{
	uint8_t key[KJ_IMAGE_KEY_SIZE], other[KJ_IMAGE_KEY_SIZE];
	struct kj_image_error err;
	struct kj_image *img = NULL;
	struct image *im;
	struct outcome o;
	int r1, r2, r3, r4;

	make_key(key, 1);
	make_key(other, 2);
	im = write_image(aead, key, uuid_a, c);
	CHECK(im);
	read_back(im->path, NULL, &o);
	CHECK_INT(o.step, READ_WALK);
	CHECK_INT(o.r, -EBADMSG);
	CHECK_INT(o.fault, KJ_IMG_NEEDS_KEY);
	CHECK_U64(o.seen.blocks, 0);
	read_back(im->path, other, &o);
	CHECK_INT(o.step, READ_KEY);
	CHECK_INT(o.r, -EBADMSG);
	CHECK_INT(o.fault, KJ_IMG_BAD_TAG);

	/* one handle: the wrong key, then the right one, then again */
	CHECK_INT(kj_image_open(im->path, &img, &err), 0);
	r1 = kj_image_set_key(img, other, &err);
	r2 = kj_image_verify(img, NULL, NULL, &err) == -EBADMSG &&
	     err.fault == KJ_IMG_NEEDS_KEY;
	r3 = kj_image_set_key(img, key, &err);
	r4 = kj_image_set_key(img, key, &err);
	if (!r3)
		r3 = kj_image_verify(img, NULL, NULL, &err);
	kj_image_close(img);
	CHECK_INT(r1, -EBADMSG);
	CHECK(r2);
	CHECK_INT(r3, 0);
	CHECK_INT(r4, -EINVAL);	/* a key once given stays */
}

TEST(sealed_needs_its_key)
{
	each_case(needs_its_key);
}

/* A plain image takes no key. */
TEST(sealed_plain_image_takes_no_key)
{
	uint8_t key[KJ_IMAGE_KEY_SIZE];
	struct kj_image_error err;
	struct kj_image *img = NULL;
	struct image *im;
	int r = -1;

	make_key(key, 1);
	im = write_image(KJ_AEAD_NONE, NULL, uuid_a, KJ_COMPRESS_LZ4);
	if (im && !kj_image_open(im->path, &img, &err)) {
		r = kj_image_set_key(img, key, &err);
		kj_image_close(img);
	}
	remove_images();
	CHECK_INT(r, -EINVAL);
}

/* 3. Neither the marker page (any 64 bytes of it) nor the note is in the
 * file; in a plain image of the same pages, stored as they are, both are
 * (or this test could not fail). */
static void nothing_in_the_clear(enum kj_aead aead, enum kj_compressor c)
{
	uint8_t key[KJ_IMAGE_KEY_SIZE];
	struct image *im, *plain;

	make_key(key, 1);
	im = write_image(aead, key, uuid_a, c);
	plain = write_image(KJ_AEAD_NONE, NULL, uuid_a, c);
	CHECK(im && plain);
	CHECK_INT(in_the_clear(im->path), 0);
	CHECK_INT(in_the_clear(plain->path), 1);
}

TEST(sealed_nothing_in_the_clear)
{
	each_case(nothing_in_the_clear);
}

/* Whether o is what was wanted; if not, the test fails saying what was
 * changed (what, at) and what came of it. */
static bool expect(const struct outcome *o, int step, enum kj_image_fault fault,
		   int64_t block, const char *what, uint64_t at, int line)
{
	static const char *const steps[] = { "none", "open", "set_key", "walk" };

	if (o->step == step && o->fault == fault && o->block == block)
		return true;
	t_fail(__FILE__, line, "%s (0x%" PRIx64 "): %s failed, fault %d (%s), "
	       "block %" PRId64 "; want %s to fail with %d (%s) at block %" PRId64,
	       what, at, o->step >= 0 && o->step <= READ_WALK ? steps[o->step] : "?",
	       o->fault, kj_image_fault_str(o->fault), o->block,
	       steps[step], fault, kj_image_fault_str(fault), block);
	return false;
}

/* 4a. A changed byte of a block's data, runs or tag, all checksums
 * forged: the walk refuses that block as not authentic. Forging alone
 * changes nothing; a change without it is a bad checksum. */
static void block_tampered(enum kj_aead aead, enum kj_compressor c)
{
	uint8_t key[KJ_IMAGE_KEY_SIZE];
	struct image *im;
	struct outcome o;
	size_t len;
	uint8_t *file;

	make_key(key, 1);
	im = write_image(aead, key, uuid_a, c);
	CHECK(im);
	tamper(im, 0, false, key, &o);		/* forged, unchanged */
	CHECK_INT(o.step, READ_OK);
	CHECK_U64(o.seen.bad, 0);

	/* a data byte, checksum not forged: the checksum comes first */
	file = slurp(im->path, &len);
	CHECK(file);
	file[im->off[1] + 4096 + 100] ^= 1;
	spill(im->path, file, len);
	file[im->off[1] + 4096 + 100] ^= 1;
	read_back(im->path, key, &o);
	spill(im->path, file, len);
	free(file);
	if (!expect(&o, READ_WALK, KJ_IMG_BAD_BLOCK_CHECKSUM, 1, "data, unforged",
		    4096 + 100, __LINE__))
		return;

	for (size_t i = 0; i < NBLOCKS; i++) {
		/* the head and runs fit one page: the data follows it */
		uint64_t runs = im->off[i] + KJ_BLOCK_HEAD_SIZE, data = im->off[i] + 4096;
		uint64_t last = runs + (layout[i].n - 1) * 16, tag = runs + layout[i].n * 16;
		static const char *const what[] = {
			"first data byte", "a data byte", "last data byte",
			"last run's pfn (the runs still good)", "first run's count",
			"first run's kind", "tag's first byte", "tag's last byte",
		};
		const uint64_t at[] = { data, data + 37, data + im->comp[i] - 1,
					last, runs + 8, runs + 12, tag, tag + 15 };

		for (size_t j = 0; j < KJ_ARRAY_SIZE(at); j++) {
			tamper(im, at[j], true, key, &o);
			if (!expect(&o, READ_WALK, KJ_IMG_BAD_TAG, (int64_t)i, what[j],
				    at[j] - im->off[i], __LINE__))
				return;
		}
	}
	read_back(im->path, key, &o);		/* all undone: good again */
	CHECK_INT(o.step, READ_OK);
}

TEST(sealed_block_tampered)
{
	each_case(block_tampered);
}

/* 4b. A header field changed and the header's checksum resealed: the key
 * no longer opens the image. In the header copy too, when the header is
 * torn and the copy is read. */
static void header_tampered(enum kj_aead aead, enum kj_compressor c)
{
	const uint32_t disk = KJ_HDR_MAPS + 16, crypt = disk + KJ_DISK_LEN;
	const struct {
		uint32_t off;
		uint8_t x;
		const char *what;
	} change[] = {
		{ KJ_HDR_KIND, 3, "kind" },
		{ KJ_HDR_UUID + 15, 1, "uuid" },
		{ KJ_HDR_CREATED, 1, "created" },
		{ KJ_HDR_COMPRESSOR, (uint8_t)(c ^ KJ_COMPRESS_ZSTD), "compressor" },
		{ KJ_HDR_LEVEL, 2, "level" },
		{ KJ_HDR_REENTRY, 1, "reentry" },
		{ KJ_HDR_REENTRY + 7, 0x80, "reentry's top byte" },
		{ KJ_HDR_NBLOCKS, 1, "nblocks" },
		{ KJ_HDR_TRAILER + 1, 0x10, "trailer offset" },
		{ KJ_HDR_OSRELEASE + 2, 1, "osrelease" },
		{ KJ_HDR_BUILD_ID, 1, "build id" },
		{ KJ_HDR_PAGE_OFFSET + 5, 1, "page offset" },
		{ KJ_HDR_FREE_FILL, 3, "free fill" },
		{ KJ_HDR_MAPS + 8, 1, "RAM map" },
		{ disk + KJ_DISK_SIZE + 3, 1, "disk size" },
		{ disk + KJ_DISK_HASH, 1, "disk fingerprint hash" },
		{ disk + KJ_DISK_ID, 1, "disk id" },
		{ disk + KJ_DISK_NAME + 1, 1, "disk name" },
		{ crypt + KJ_CRYPT_AEAD, 3, "aead" },
		{ crypt + KJ_CRYPT_KEY_ID, 1, "key id" },
		{ crypt + KJ_CRYPT_SEALED_KEY, 1, "sealed key's first byte" },
		{ crypt + KJ_CRYPT_SEALED_KEY + KJ_SEALED_KEY_SIZE - 1, 1, "sealed key's last byte" },
		{ crypt + KJ_CRYPT_HEADER_TAG, 1, "header tag" },
		{ crypt + KJ_CRYPT_NOTE_TAG + 15, 1, "note tag" },
	};
	uint8_t key[KJ_IMAGE_KEY_SIZE], *file, *orig;
	enum kj_aead other = aead == KJ_AEAD_AES256GCM ? KJ_AEAD_CHACHA20POLY1305
						       : KJ_AEAD_AES256GCM;
	struct image *im;
	struct outcome o;
	size_t len;
	uint32_t hlen;

	make_key(key, 1);
	im = write_image(aead, key, uuid_a, c);
	CHECK(im);
	file = slurp(im->path, &len);
	orig = file ? malloc(len) : NULL;
	if (!orig)
		free(file);
	CHECK(orig);
	memcpy(orig, file, len);
	hlen = get_le32(file + KJ_HDR_LEN);
	CHECK_INT(kj_header_crypt_at(file), crypt);
	CHECK_INT(hlen, crypt + KJ_CRYPT_LEN + 8);
	for (size_t i = 0; i < KJ_ARRAY_SIZE(change); i++) {
		/* an AEAD this CPU lacks is refused as such */
		enum kj_image_fault want = change[i].off == crypt + KJ_CRYPT_AEAD &&
					   !kj_aead_usable(other) ? KJ_IMG_BAD_AEAD
								  : KJ_IMG_BAD_TAG;

		memcpy(file, orig, len);
		file[change[i].off] ^= change[i].x;
		kj_image_header_seal(file);
		spill(im->path, file, len);
		read_back(im->path, key, &o);
		if (!expect(&o, READ_KEY, want, -1, change[i].what, change[i].off, __LINE__))
			break;
	}
	/* the header torn (its checksum wrong): the copy is read */
	memcpy(file, orig, len);
	file[hlen - 1] ^= 1;
	spill(im->path, file, len);
	read_back(im->path, key, &o);
	if (!t_failed())
		expect(&o, READ_OK, KJ_IMG_OK, -1, "header torn", hlen - 1, __LINE__);
	file[KJ_IMAGE_COPY_OFFSET + KJ_HDR_REENTRY] ^= 1;
	kj_image_header_seal(file + KJ_IMAGE_COPY_OFFSET);
	spill(im->path, file, len);
	read_back(im->path, key, &o);
	if (!t_failed())
		expect(&o, READ_KEY, KJ_IMG_BAD_TAG, -1, "header torn, copy's reentry",
		       KJ_IMAGE_COPY_OFFSET + KJ_HDR_REENTRY, __LINE__);
	spill(im->path, orig, len);
	free(orig);
	free(file);
	if (t_failed())
		return;
	read_back(im->path, key, &o);
	CHECK_INT(o.step, READ_OK);
}

TEST(sealed_header_tampered)
{
	each_case(header_tampered);
}

/* 4c. What boots record (tries, CONSUMED, DISCARDED with its reason and
 * detail) is outside the tag: the image still opens and walks. A field
 * inside it changed after them is still refused. */
static void boot_fields(enum kj_aead aead, enum kj_compressor c)
{
	const struct kj_image_mark try = { .count_try = true };
	const struct kj_image_mark consumed = { .flags = KJ_IMAGE_FLAG_CONSUMED };
	const struct kj_image_mark discarded = {
		.flags = KJ_IMAGE_FLAG_DISCARDED, .reason = KJ_DISCARD_BAD_IMAGE,
		.detail = KJ_IMG_BAD_TAG,
	};
	uint8_t key[KJ_IMAGE_KEY_SIZE], *file;
	struct kj_image_error err;
	struct kj_image *img;
	struct image *im;
	struct outcome o;
	size_t len;
	int r;

	make_key(key, 1);
	im = write_image(aead, key, uuid_a, c);
	CHECK(im);
	CHECK_INT(kj_image_mark(im->path, NULL, &try), 0);
	read_back(im->path, key, &o);
	CHECK_INT(o.step, READ_OK);
	CHECK_INT(kj_image_mark(im->path, NULL, &try), 0);
	CHECK_INT(kj_image_mark(im->path, NULL, &consumed), 0);
	read_back(im->path, key, &o);
	CHECK_INT(o.step, READ_OK);
	CHECK_INT(kj_image_mark(im->path, NULL, &discarded), 0);
	read_back(im->path, key, &o);
	CHECK_INT(o.step, READ_OK);
	CHECK_U64(o.seen.bad, 0);

	CHECK_INT(kj_image_open(im->path, &img, &err), 0);
	r = kj_image_get_header(img)->tries == 2 &&
	    (kj_image_get_header(img)->flags & KJ_IMAGE_FLAG_CONSUMED) &&
	    (kj_image_get_header(img)->flags & KJ_IMAGE_FLAG_DISCARDED) &&
	    kj_image_get_header(img)->discard_reason == KJ_DISCARD_BAD_IMAGE &&
	    kj_image_get_header(img)->discard_detail == KJ_IMG_BAD_TAG;
	kj_image_close(img);
	CHECK(r);	/* the marks are there */

	file = slurp(im->path, &len);
	CHECK(file);
	file[KJ_HDR_REENTRY] ^= 1;
	kj_image_header_seal(file);
	r = spill(im->path, file, len);
	free(file);
	CHECK_INT(r, 0);
	read_back(im->path, key, &o);
	CHECK_INT(o.step, READ_KEY);
	CHECK_INT(o.fault, KJ_IMG_BAD_TAG);
}

TEST(sealed_boot_fields_outside_the_tag)
{
	each_case(boot_fields);
}

/* Block i of src put in place of dst's (the same layout), the trailer
 * forged; dst read back under key. */
static void swap_block(const struct image *dst, const struct image *src,
		       size_t i, const uint8_t *key, struct outcome *o)
{
	size_t len, slen;
	uint8_t *file = slurp(dst->path, &len), *from = slurp(src->path, &slen);
	uint8_t *orig = file ? malloc(len) : NULL;

	memset(o, 0, sizeof(*o));
	o->step = -1;
	if (orig && from && slen == len) {
		memcpy(orig, file, len);
		memcpy(file + dst->off[i], from + src->off[i], src->len[i]);
		forge_checksums(file, dst);
		if (!spill(dst->path, file, len))
			read_back(dst->path, key, o);
		spill(dst->path, orig, len);
	}
	free(orig);
	free(from);
	free(file);
}

static bool same_layout(const struct image *a, const struct image *b)
{
	return !memcmp(a->off, b->off, sizeof(a->off)) &&
	       !memcmp(a->len, b->len, sizeof(a->len)) && a->trailer == b->trailer;
}

/* 5. A block from another image, at its place in an image of the same
 * layout: under another key with the same UUID, or under the same key
 * with another UUID, it is refused as not authentic; a plain block in an
 * encrypted image, or a sealed one in a plain image, by its magic. The
 * same image written twice (same key, same UUID) trades blocks freely,
 * or this test could not fail. */
static void block_from_another_image(enum kj_aead aead, enum kj_compressor c)
{
	uint8_t key[KJ_IMAGE_KEY_SIZE], other[KJ_IMAGE_KEY_SIZE];
	struct image *y, *x, *z, *twin, *plain;
	struct outcome o;

	make_key(key, 1);
	make_key(other, 2);
	y = write_image(aead, key, uuid_a, c);
	x = write_image(aead, other, uuid_a, c);
	z = write_image(aead, key, uuid_b, c);
	twin = write_image(aead, key, uuid_a, c);
	plain = write_image(KJ_AEAD_NONE, NULL, uuid_a, c);
	CHECK(y && x && z && twin && plain);
	CHECK(same_layout(y, x) && same_layout(y, z) && same_layout(y, twin) &&
	      same_layout(y, plain));
	for (size_t i = 0; i < NBLOCKS; i++) {
		swap_block(y, twin, i, key, &o);
		if (!expect(&o, READ_OK, KJ_IMG_OK, -1, "block of its twin", i, __LINE__))
			return;
		CHECK_U64(o.seen.bad, 0);
		swap_block(y, x, i, key, &o);
		if (!expect(&o, READ_WALK, KJ_IMG_BAD_TAG, (int64_t)i,
			    "block of another key, same uuid", i, __LINE__))
			return;
		swap_block(y, z, i, key, &o);
		if (!expect(&o, READ_WALK, KJ_IMG_BAD_TAG, (int64_t)i,
			    "block of the same key, another uuid", i, __LINE__))
			return;
		swap_block(y, plain, i, key, &o);
		if (!expect(&o, READ_WALK, KJ_IMG_BAD_BLOCK_MAGIC, (int64_t)i,
			    "plain block in an encrypted image", i, __LINE__))
			return;
		swap_block(plain, y, i, NULL, &o);
		if (!expect(&o, READ_WALK, KJ_IMG_BAD_BLOCK_MAGIC, (int64_t)i,
			    "sealed block in a plain image", i, __LINE__))
			return;
	}
}

TEST(sealed_block_from_another_image)
{
	each_case(block_from_another_image);
}

/* A sealed block of runs0's pages under k for uuid_a, in *buf (caller
 * frees), its head in h; its plain pages in raw. */
static int sealed_block(const struct kj_image_key *k, enum kj_compressor c,
			uint8_t raw[6 * KJ_PAGE_SIZE], uint8_t **buf,
			struct kj_block_head *h)
{
	struct kj_block b = { 0, runs0, 3, raw, 6 * KJ_PAGE_SIZE };
	enum kj_image_fault f = KJ_IMG_OK;
	uint64_t sum;
	size_t len, p = 0;
	int r;

	for (uint32_t j = 0; j < b.nruns; j++)
		for (uint32_t q = 0; runs0[j].kind == KJ_RUN_DATA && q < runs0[j].count; q++)
			page_at(runs0[j].pfn + q, raw + p++ * KJ_PAGE_SIZE);
	*buf = calloc(1, kj_block_bound(b.nruns, b.raw_len));
	r = *buf ? kj_block_encode_sealed(&b, c, 1, k, uuid_a, *buf, &len, &sum) : -ENOMEM;
	return r ? r : kj_block_head_decode(*buf, h, &f);
}

/* 6. A sealed block, alone: its checksum is checked first, then
 * kj_block_decode() says it needs its key. Opened with the key (what a
 * walk does), it gives its pages back. */
static void block_needs_key(enum kj_aead aead, enum kj_compressor c)
{
	struct kj_image_key k = { .aead = aead };
	static uint8_t raw[6 * KJ_PAGE_SIZE], out[6 * KJ_PAGE_SIZE];
	struct kj_block_head h = { 0 };
	enum kj_image_fault f = KJ_IMG_OK, bad_sum = KJ_IMG_OK;
	struct kj_run *runs = NULL;
	uint8_t *buf = NULL, *data = NULL;
	int r, opened = -1;

	make_key(k.key, 1);
	r = sealed_block(&k, c, raw, &buf, &h);
	if (!r) {
		r = kj_block_decode(buf, &h, c, &runs, &data, &f);
		if (!r) {
			free(runs);
			free(data);
		}
		buf[4096] ^= 1;
		kj_block_decode(buf, &h, c, &runs, &data, &bad_sum);
		buf[4096] ^= 1;
		if (kj_block_open(&k, uuid_a, buf, &h) == KJ_IMG_OK)
			opened = kj_block_data(buf, &h, c, out) || memcmp(out, raw, sizeof(raw));
	}
	free(buf);
	CHECK(h.sealed);
	CHECK_INT(r, -EBADMSG);
	CHECK_INT(f, KJ_IMG_NEEDS_KEY);
	CHECK_INT(bad_sum, KJ_IMG_BAD_BLOCK_CHECKSUM);
	CHECK_INT(opened, 0);
}

TEST(sealed_block_decode_needs_key)
{
	each_case(block_needs_key);
}

/* kj_aead_open() (image.h): "-EBADMSG, and data zeroed, if the tag is not
 * its": a block opened for another image's UUID is refused, and nothing
 * of its pages, sealed or opened, is left where it was read; its head,
 * runs and tag stay as they were. */
static void failed_open_leaves_nothing(enum kj_aead aead, enum kj_compressor c)
{
	struct kj_image_key k = { .aead = aead };
	static uint8_t raw[6 * KJ_PAGE_SIZE];
	struct kj_block_head h = { 0 };
	uint8_t *buf = NULL, *copy = NULL;
	enum kj_image_fault wrong = KJ_IMG_OK;
	size_t meta = 0, meta_changed = 0, data_left = 0;
	int r;

	make_key(k.key, 1);
	r = sealed_block(&k, c, raw, &buf, &h);
	if (!r && (copy = malloc(h.block_len))) {
		memcpy(copy, buf, h.block_len);
		meta = kj_block_meta_len(&h);
		wrong = kj_block_open(&k, uuid_b, buf, &h);
		for (size_t i = 0; i < meta; i++)
			meta_changed += copy[i] != buf[i];
		for (size_t i = meta; i < meta + h.comp_len; i++)
			data_left += buf[i] != 0;
	}
	free(copy);
	free(buf);
	CHECK_INT(r, 0);
	CHECK_INT(wrong, KJ_IMG_BAD_TAG);
	CHECK(meta > 0);
	CHECK_U64(meta_changed, 0);
	CHECK_U64(data_left, 0);
}

TEST(sealed_failed_open_leaves_nothing)
{
	each_case(failed_open_leaves_nothing);
}

/* A sealed block's head (magic, seq, lengths: the bytes before its
 * checksum) is authenticated too, though a walk checks each of its fields
 * on its own first: any byte of it changed, the block does not open. Its
 * nonce is its sequence number: the same pages sealed as another block
 * are other bytes. */
static void head_authenticated(enum kj_aead aead, enum kj_compressor c)
{
	struct kj_image_key k = { .aead = aead };
	static uint8_t raw[6 * KJ_PAGE_SIZE];
	struct kj_block b = { 1, runs0, 3, raw, sizeof(raw) };
	struct kj_block_head h = { 0 };
	uint8_t *buf = NULL, *copy = NULL, *next = NULL;
	uint64_t sum;
	size_t len, meta, bad = 0, tries = 0;
	int r, good = -1, other_bytes = 0;

	make_key(k.key, 1);
	r = sealed_block(&k, c, raw, &buf, &h);
	meta = kj_block_meta_len(&h);
	if (!r && (copy = malloc(h.block_len)) && (next = calloc(1, h.block_len))) {
		r = kj_block_encode_sealed(&b, c, 1, &k, uuid_a, next, &len, &sum);
		other_bytes = len == h.block_len && get_le32(next + 0x18) == h.comp_len &&
			      memcmp(next + meta, buf + meta, h.comp_len);
		for (size_t i = 0; i < 0x20; i++, tries++) {
			memcpy(copy, buf, h.block_len);
			copy[i] ^= 1;
			bad += kj_block_open(&k, uuid_a, copy, &h) == KJ_IMG_BAD_TAG;
		}
		memcpy(copy, buf, h.block_len);
		good = kj_block_open(&k, uuid_a, copy, &h);
	}
	free(next);
	free(copy);
	free(buf);
	CHECK_INT(r, 0);
	CHECK(other_bytes);
	CHECK_U64(bad, 0x20);
	CHECK_U64(tries, 0x20);
	CHECK_INT(good, KJ_IMG_OK);
}

TEST(sealed_block_head_authenticated)
{
	each_case(head_authenticated);
}
