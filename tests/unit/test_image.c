// SPDX-License-Identifier: GPL-2.0-or-later
/* The image format's header and blocks: round trips, and each corruption
 * refused with its own fault. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "flow/flow.h"
#include "image/image.h"
#include "common/le.h"
#include "t.h"

void t_sample_disk(struct kj_image_header *h)
{
	h->page_offset = 0xffff888000000000ull;
	h->free_fill = KJ_FREE_FILL_ZERO;
	h->ndisks = 1;
	h->disks[0] = (struct kj_disk_print){ .kind = KJ_DISK_FS, .size = 1 << 30,
					      .hash = 0x1234, .name = "/home" };
	memcpy(h->disks[0].id, "fedcba9876543210", 16);
}

static void sample_header(struct kj_image_header *h)
{
	memset(h, 0, sizeof(*h));
	h->flags = KJ_IMAGE_FLAG_COMPLETE;
	h->kind = KJ_IMAGE_HIBERNATION;
	h->tries = 1;
	memcpy(h->uuid, "0123456789abcdef", 16);
	h->created = 1795000000;
	h->compressor = KJ_COMPRESS_LZ4;
	h->level = 1;
	h->reentry = 0xa980f2;
	h->pages_ram = 1000;
	h->pages_saved = 600;
	h->pages_zero = 300;
	h->pages_free = 100;
	h->nblocks = 3;
	h->trailer_offset = 5 * 4096;
	strcpy(h->osrelease, "6.12.117");
	strcpy(h->build_id, "0123abcd");
	h->nram = 2;
	h->ram[0] = (struct kj_range){ 0x1000, 0x9fbff };
	h->ram[1] = (struct kj_range){ 0x100000, 0x3ffdffff };
	h->nexcluded = 2;
	h->excluded[0] = (struct kj_range){ 0x0, 0x9efff };
	h->excluded[1] = (struct kj_range){ 0x37000000, 0x3effffff };
	t_sample_disk(h);
	h->note_len = 24;
	memcpy(h->note, "\x0b\0\0\0\x08\0\0\0\0\0\0\0VMCOREINFO\0\0", 24);
}

TEST(image_header_round_trip)
{
	static uint8_t buf[4096];
	struct kj_image_header h, back;
	struct kj_image_error err;

	sample_header(&h);
	CHECK_INT(kj_image_header_encode(&h, buf), 0);
	CHECK(!memcmp(buf, "KJUMPIMG", 8));
	CHECK_INT(kj_image_header_decode(buf, sizeof(buf), &back, &err), 0);
	CHECK_INT(err.fault, KJ_IMG_OK);
	h.note_checksum = back.note_checksum;	/* the encoder computes it */
	memset(h.note, 0, sizeof(h.note));	/* the note is not in the header */
	CHECK(!memcmp(&h, &back, sizeof(h)));
	CHECK_U64(kj_image_data_offset(&back), 12288);	/* header, copy, note */
}

/* Damage one byte (or field) of a good header; the fault it must give. */
static const struct {
	size_t off;
	uint8_t val;
	enum kj_image_fault fault;
	int fix_checksum;
} header_damage[] = {
	{ 0x000, 'X', KJ_IMG_BAD_MAGIC, 0 },
	{ 0x008, 1, KJ_IMG_BAD_VERSION, 0 },	/* version 1: XXH3 checksums */
	{ 0x008, 2, KJ_IMG_BAD_VERSION, 0 },	/* version 2: no kind, no tries */
	{ 0x00d, 0x20, KJ_IMG_BAD_HEADER_LEN, 0 },
	{ 0x040, 0xff, KJ_IMG_BAD_HEADER_CHECKSUM, 0 },
	{ 0x012, 0x01, KJ_IMG_BAD_FLAGS, 1 },
	{ 0x014, 0x07, KJ_IMG_BAD_FIELD, 1 },	/* an unknown kind */
	{ 0x010, 0x05, KJ_IMG_BAD_FIELD, 1 },	/* discarded, no reason */
	{ 0xff0, 0x01, KJ_IMG_BAD_RESERVED, 0 },
	{ 0x034, 0x09, KJ_IMG_BAD_FIELD, 1 },
	{ 0x031, 0x20, KJ_IMG_BAD_FIELD, 1 },
	{ 0x050, 0x01, KJ_IMG_BAD_FIELD, 1 },
	{ 0x0f8, 0x05, KJ_IMG_BAD_MAP, 1 },
	{ 0x127, 0xff, KJ_IMG_BAD_MAP, 1 },
	{ 0x101, 0x40, KJ_IMG_BAD_NOTE, 1 },
	{ 0x104, 0x01, KJ_IMG_BAD_FIELD, 1 },	/* a reason, not discarded */
	{ 0x11f, 0x01, KJ_IMG_BAD_MAP, 1 },	/* 2^24 disks */
	{ 0x118, 0x07, KJ_IMG_BAD_FIELD, 1 },	/* an unknown free fill */
	{ 0x160, 0x03, KJ_IMG_BAD_MAP, 1 },	/* a disk of an unknown kind */
	{ 0x19f, 'x', KJ_IMG_BAD_MAP, 1 },	/* a disk name without its NUL */
};

TEST(image_header_corruptions)
{
	for (size_t i = 0; i < KJ_ARRAY_SIZE(header_damage); i++) {
		static uint8_t buf[4096];
		struct kj_image_header h;
		struct kj_image_error err;

		memset(buf, 0, sizeof(buf));
		sample_header(&h);
		kj_image_header_encode(&h, buf);
		buf[header_damage[i].off] = header_damage[i].val;
		if (header_damage[i].fix_checksum)
			kj_image_header_seal(buf);
		if (kj_image_header_decode(buf, sizeof(buf), &h, &err) != -EBADMSG ||
		    err.fault != header_damage[i].fault) {
			t_fail(__FILE__, __LINE__, "damage %zu at 0x%zx: fault %d (%s), want %d",
			       i, header_damage[i].off, err.fault,
			       kj_image_fault_str(err.fault), header_damage[i].fault);
			return;
		}
	}
}

TEST(image_header_truncated)
{
	static uint8_t buf[4096];
	struct kj_image_header h;
	struct kj_image_error err;

	sample_header(&h);
	kj_image_header_encode(&h, buf);
	CHECK_INT(kj_image_header_decode(buf, 4095, &h, &err), -EBADMSG);
	CHECK_INT(err.fault, KJ_IMG_TRUNCATED);
}

/* A block of three runs: 2 data pages, 5 zero pages, 1 data page. */
static size_t sample_block(enum kj_compressor c, uint8_t **out, uint64_t *sum)
{
	static struct kj_run runs[] = {
		{ 0x100, 2, KJ_RUN_DATA }, { 0x102, 5, KJ_RUN_ZERO },
		{ 0x200, 1, KJ_RUN_DATA },
	};
	static uint8_t data[3 * 4096];
	struct kj_block b = { 7, runs, 3, data, sizeof(data) };
	size_t len = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 4096);
	*out = calloc(1, kj_block_bound(3, sizeof(data)));
	kj_block_encode(&b, c, 1, *out, &len, sum);
	return len;
}

TEST(image_block_round_trip)
{
	enum kj_compressor cs[] = { KJ_COMPRESS_NONE, KJ_COMPRESS_LZ4, KJ_COMPRESS_ZSTD };

	for (size_t k = 0; k < KJ_ARRAY_SIZE(cs); k++) {
		struct kj_block_head h;
		enum kj_image_fault f;
		struct kj_run *runs;
		uint8_t *buf, *data;
		uint64_t sum;
		size_t len = sample_block(cs[k], &buf, &sum);

		CHECK(len && len % 4096 == 0);
		CHECK_INT(kj_block_head_decode(buf, &h, &f), 0);
		CHECK_U64(h.seq, 7);
		CHECK_U64(h.checksum, sum);
		CHECK_INT(h.block_len, len);
		CHECK_INT(kj_block_decode(buf, &h, cs[k], &runs, &data, &f), 0);
		CHECK_INT(runs[1].count, 5);
		CHECK_INT(runs[1].kind, KJ_RUN_ZERO);
		CHECK_INT(data[4096 * 2 + 5], (uint8_t)((4096 * 2 + 5) * 7 + 2));
		free(runs);
		free(data);
		free(buf);
	}
}

/* Data stored as it is stays apart: the head and runs, then the data as
 * given, make the block kj_block_encode() makes, and it decodes; its data
 * begins on a 4096-byte boundary of the block. */
TEST(image_block_stored_apart)
{
	static struct kj_run runs[] = { { 0x100, 2, KJ_RUN_DATA }, { 0x102, 1, KJ_RUN_ZERO } };
	uint8_t *data = aligned_alloc(4096, 2 * 4096);
	struct kj_block b = { 3, runs, 2, data, 2 * 4096 };
	uint8_t *whole = calloc(1, kj_block_bound(2, b.raw_len));
	uint8_t *head = calloc(1, kj_block_bound(2, b.raw_len));
	uint64_t x = 88172645463325252ull, sum, sum_apart;
	size_t len, head_len;
	bool apart = false;

	for (size_t i = 0; i < b.raw_len; i++) {	/* noise: stored as it is */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = (uint8_t)x;
	}
	CHECK_INT(kj_block_encode(&b, KJ_COMPRESS_LZ4, 1, whole, &len, &sum), 0);
	CHECK_INT(kj_block_encode_apart(&b, KJ_COMPRESS_LZ4, 1, head, &head_len, &apart,
					&sum_apart), 0);
	CHECK(apart);
	CHECK_INT(head_len, 4096);
	CHECK_INT(len, 3 * 4096);
	CHECK_U64(sum_apart, sum);
	CHECK(!memcmp(head, whole, head_len));
	CHECK(!memcmp(whole + head_len, data, b.raw_len));
	/* compressible data is not apart */
	memset(data, 0x5a, b.raw_len);
	CHECK_INT(kj_block_encode_apart(&b, KJ_COMPRESS_LZ4, 1, head, &head_len, &apart,
					&sum_apart), 0);
	CHECK(!apart);
	CHECK(head_len == 4096 * 2);
	free(data);
	free(whole);
	free(head);
}

static enum kj_image_fault decode_fault(uint8_t *buf)
{
	struct kj_block_head h;
	enum kj_image_fault f = KJ_IMG_OK;
	struct kj_run *runs;
	uint8_t *data;

	if (kj_block_head_decode(buf, &h, &f))
		return f;
	if (!kj_block_decode(buf, &h, KJ_COMPRESS_LZ4, &runs, &data, &f)) {
		free(runs);
		free(data);
	}
	return f;
}

/* Re-seal a damaged block, so the damage reaches the checks behind the
 * checksum. */
static void reseal(uint8_t *buf)
{
	uint32_t comp = get_le32(buf + 0x18);

	/* the runs and their padding to 4096, then the data */
	put_le64(buf + 0x20, kj_checksum2(buf, 0x20, buf + 0x28, 4096 - 0x28 + comp));
}

TEST(image_block_corruptions)
{
	uint8_t *buf;
	uint64_t sum;
	size_t len = sample_block(KJ_COMPRESS_LZ4, &buf, &sum);

	buf[0x1010] ^= 1;			/* page data */
	CHECK_INT(decode_fault(buf), KJ_IMG_BAD_BLOCK_CHECKSUM);
	buf[0x1010] ^= 1;
	buf[0x60] = 1;				/* the runs' padding */
	CHECK_INT(decode_fault(buf), KJ_IMG_BAD_BLOCK_CHECKSUM);
	reseal(buf);
	CHECK_INT(decode_fault(buf), KJ_IMG_BAD_BLOCK_LEN);
	buf[0x60] = 0;
	reseal(buf);
	buf[0x00] = 'X';
	CHECK_INT(decode_fault(buf), KJ_IMG_BAD_BLOCK_MAGIC);
	buf[0x00] = 'K';
	put_le32(buf + 0x1c, (uint32_t)len + 4096);	/* block_len */
	CHECK_INT(decode_fault(buf), KJ_IMG_BAD_BLOCK_LEN);
	put_le32(buf + 0x1c, (uint32_t)len);
	put_le32(buf + 0x28 + 16 + 12, 7);	/* a run of unknown kind */
	reseal(buf);
	CHECK_INT(decode_fault(buf), KJ_IMG_BAD_RUNS);
	put_le32(buf + 0x28 + 16 + 12, KJ_RUN_ZERO);
	put_le64(buf + 0x28 + 32, 0x101);	/* runs overlap */
	reseal(buf);
	CHECK_INT(decode_fault(buf), KJ_IMG_BAD_RUNS);
	put_le64(buf + 0x28 + 32, 0x200);
	put_le32(buf + 0x28 + 8, 3);		/* 3 data pages, raw_len says 2+1 */
	put_le32(buf + 0x28 + 16, 0x103);
	reseal(buf);
	CHECK_INT(decode_fault(buf), KJ_IMG_BAD_RUNS);
	put_le32(buf + 0x28 + 8, 2);
	put_le32(buf + 0x28 + 16, 0x102);
	memset(buf + 0x1000, 0xff, 16);		/* the LZ4 stream's first tokens */
	reseal(buf);
	CHECK_INT(decode_fault(buf), KJ_IMG_BAD_DATA);
	free(buf);
}

/* Fills len bytes with xorshift noise from the first random_len on, with
 * a compressible pattern after. */
static void fill_noise(uint8_t *data, size_t len, size_t random_len)
{
	uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = i < random_len ? (uint8_t)x : (uint8_t)(i / 64);
	}
}

/* Encodes one run of pages with LZ4, checks the round trip; *comp_len is
 * the stored data's length (0 if the round trip failed). */
static void lz4_round_trip(uint8_t *data, uint32_t pages, uint32_t *comp_len)
{
	struct kj_run runs[] = { { 0x1000, pages, KJ_RUN_DATA } };
	struct kj_block b = { 0, runs, 1, data, pages * 4096 };
	struct kj_block_head h = { 0 };
	enum kj_image_fault f;
	struct kj_run *r = NULL;
	uint8_t *out = calloc(1, kj_block_bound(1, b.raw_len)), *back = NULL;
	uint64_t sum;
	size_t len;

	*comp_len = 0;
	CHECK_INT(kj_block_encode(&b, KJ_COMPRESS_LZ4, 1, out, &len, &sum), 0);
	CHECK_INT(kj_block_head_decode(out, &h, &f), 0);
	CHECK_INT(kj_block_decode(out, &h, KJ_COMPRESS_LZ4, &r, &back, &f), 0);
	CHECK(back && !memcmp(back, data, b.raw_len));
	free(r);
	free(back);
	free(out);
	*comp_len = h.comp_len;
}

TEST(image_block_stores_incompressible_data)
{
	static uint8_t data[64 * 4096];
	uint32_t n;

	fill_noise(data, sizeof(data), sizeof(data));
	lz4_round_trip(data, 64, &n);
	CHECK_INT(n, sizeof(data));	/* stored as it is */
}

/* The incompressibility test samples the block: one compressible quarter
 * is enough for the block to be compressed. */
TEST(image_block_compresses_partly_random_data)
{
	static uint8_t data[256 * 4096];
	uint32_t n;

	fill_noise(data, sizeof(data), sizeof(data) / 4 * 3);
	lz4_round_trip(data, 256, &n);
	CHECK(n && n < sizeof(data) / 4 * 3 + sizeof(data) / 16);
}

/* One block of one data page at pfn 0x100, written to path by a writer
 * given h; the image's nblocks as it reads back, verified. */
static int write_one_block(const char *path, const struct kj_image_header *h,
			   uint64_t *nblocks)
{
	static struct kj_run run = { 0x100, 1, KJ_RUN_DATA };
	static uint8_t data[4096] = { 1 };
	struct kj_block b = { 0, &run, 1, data, sizeof(data) };
	uint8_t *buf = calloc(1, kj_block_bound(1, sizeof(data)));
	struct kj_image_writer *w = NULL;
	struct kj_image_error err;
	struct kj_image *img;
	uint64_t sum;
	size_t len;
	int r = buf ? 0 : -ENOMEM;

	if (!r)
		r = kj_block_encode(&b, h->compressor, 1, buf, &len, &sum);
	if (!r)
		r = kj_image_writer_open_extents(path, NULL, h, &w);
	if (!r)
		r = kj_image_writer_append(w, buf, len, sum, 1, 0);
	if (!r)
		r = kj_image_writer_finish(w, 0);
	kj_image_writer_close(w);
	free(buf);
	if (!r && !(r = kj_image_open(path, &img, &err))) {
		*nblocks = kj_image_get_header(img)->nblocks;
		r = kj_image_verify(img, NULL, NULL, &err);
		kj_image_close(img);
	}
	return r;
}

/* The header given to the writer may carry the counts of another image:
 * the one written carries its own. */
TEST(image_writer_counts_its_own_blocks)
{
	char path[] = "/tmp/kj-img-XXXXXX";
	struct kj_image_header *h = calloc(1, sizeof(*h));
	uint64_t nblocks = 0;
	int fd = mkstemp(path), r = -ENOMEM;

	if (h) {
		sample_header(h);	/* nblocks 3, pages_saved 600... */
		r = write_one_block(path, h, &nblocks);
	}
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	free(h);
	CHECK_INT(fd >= 0, 1);
	CHECK_INT(r, 0);
	CHECK_U64(nblocks, 1);
}

/* The stamp A puts on a target, and a resident B's task in it: the task
 * comes back as written; another UUID, size, a changed byte anywhere in
 * the block, or a task too long is refused. */
TEST(image_stamp_task_round_trip)
{
	static uint8_t buf[KJ_STAMP_SIZE];
	static char task[KJ_STAMP_TASK_MAX + 1], big[KJ_STAMP_TASK_MAX + 2];
	const uint8_t uuid[16] = "0123456789abcdef", other[16] = "0123456789abcdeX";
	const char *words = "kjump.action=hibernate kjump.compress=lz4 kjump.fill=zero";

	CHECK_INT(kj_stamp_encode(buf, uuid, 1 << 30, words), 0);
	CHECK(kj_stamp_matches(buf, uuid, 1 << 30, task));
	CHECK_STR(task, words);
	CHECK(!kj_stamp_matches(buf, other, 1 << 30, NULL));
	CHECK(!kj_stamp_matches(buf, uuid, (1 << 30) + 4096, NULL));
	buf[KJ_STAMP_SIZE - 1] ^= 1;	/* past the text: still covered */
	CHECK(!kj_stamp_matches(buf, uuid, 1 << 30, NULL));
	CHECK_INT(kj_stamp_encode(buf, uuid, 1 << 30, NULL), 0);
	CHECK(kj_stamp_matches(buf, uuid, 1 << 30, task));
	CHECK_STR(task, "");
	memset(big, 'x', sizeof(big) - 1);
	CHECK_INT(kj_stamp_encode(buf, uuid, 1 << 30, big), -E2BIG);
}
