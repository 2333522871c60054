// SPDX-License-Identifier: GPL-2.0-or-later
/* The saver end to end on a core file: save, verify, and every page comes
 * back byte for byte; free pages are left out; a full device is refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "flow/flow.h"
#include "image/image.h"
#include "common/le.h"
#include "t.h"

#define CORE_PAGES 3000		/* about 12 MiB: several blocks */
#define LOAD_PADDR 0x100000ull

/* Page content by pfn: zero for every 7th page, else a pattern. */
static void fill_page(uint8_t *p, uint64_t pfn)
{
	for (size_t i = 0; i < KJ_PAGE_SIZE; i++)
		p[i] = pfn % 7 ? (uint8_t)(pfn * 31 + i / 64) : 0;
}

/* A core file as /proc/vmcore is: one PT_LOAD at LOAD_PADDR, its data at
 * file offset 4096. */
static char *write_big_core(void)
{
	static char path[32];
	struct kj_range load = { LOAD_PADDR, LOAD_PADDR + CORE_PAGES * KJ_PAGE_SIZE - 1 };
	uint8_t page[KJ_PAGE_SIZE] = { 0 };
	void *hdr;
	size_t len;
	int fd;

	strcpy(path, "/tmp/kj-core-XXXXXX");
	fd = mkstemp(path);

	if (fd < 0 || kj_elfcore_build(&load, 1, 0, 0, 0, &hdr, &len))
		return NULL;
	memcpy(page, hdr, len);
	free(hdr);
	put_le64(page + 64 + 56 + 0x08, KJ_PAGE_SIZE);	/* PT_LOAD p_offset */
	if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
		return NULL;
	for (uint64_t i = 0; i < CORE_PAGES; i++) {
		fill_page(page, LOAD_PADDR / KJ_PAGE_SIZE + i);
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
			return NULL;
	}
	close(fd);
	return path;
}

static bool page_is_all_zero(const uint8_t *p)
{
	for (size_t i = 0; i < KJ_PAGE_SIZE; i++)
		if (p[i])
			return false;
	return true;
}

/* What boots record, one after the other: two restores started, given
 * up, and a later discard whose reason must not replace the first. */
#define MARKS 4
static const struct kj_image_mark marks[MARKS] = {
	{ .count_try = true },
	{ .count_try = true },
	{ .flags = KJ_IMAGE_FLAG_DISCARDED, .reason = KJ_DISCARD_TRIES },
	{ .flags = KJ_IMAGE_FLAG_DISCARDED, .reason = KJ_DISCARD_BAD_IMAGE,
	  .detail = KJ_IMG_BAD_BLOCK_CHECKSUM },
};

struct check_ctx {
	uint64_t pages, mismatches;
	bool mark;		/* then mark it as boots would */
	struct kj_image_header seen[MARKS + 1];	/* as saved, after each */
	int bad_mark[2];	/* kj_image_mark() with COMPLETE; a
				 * discard without a reason */
	uint64_t reports, bytes;	/* progress: calls, last bytes written */
	bool bytes_went_back;
};

/* The writer thread counts the bytes: this thread sees them grow. */
static void progress(void *ctx, uint64_t done, uint64_t total, uint64_t bytes)
{
	struct check_ctx *c = ctx;

	(void)done, (void)total;
	c->bytes_went_back |= bytes < c->bytes;
	c->bytes = bytes;
	c->reports++;
}

static int compare_block(void *ctx, const struct kj_block *b)
{
	struct check_ctx *c = ctx;
	uint8_t want[KJ_PAGE_SIZE];
	const uint8_t *data = b->data;

	for (uint32_t r = 0; r < b->nruns; r++) {
		for (uint32_t i = 0; i < b->runs[r].count; i++, c->pages++) {
			fill_page(want, b->runs[r].pfn + i);
			if (b->runs[r].kind == KJ_RUN_ZERO) {
				c->mismatches += !page_is_all_zero(want);
				continue;
			}
			c->mismatches += memcmp(data, want, KJ_PAGE_SIZE) != 0;
			data += KJ_PAGE_SIZE;
		}
	}
	return 0;
}

static bool every_fifth(void *ctx, uint64_t pfn)
{
	(void)ctx;
	return pfn % 5 == 0;
}

/* Marks the image as boots would: only those fields change, and every
 * checksum still holds. */
static int mark_all(const char *path, struct check_ctx *cc)
{
	struct kj_image_mark complete = { .flags = KJ_IMAGE_FLAG_COMPLETE };
	struct kj_image_mark no_reason = { .flags = KJ_IMAGE_FLAG_DISCARDED };
	struct kj_image_error err;
	struct kj_image *img;
	int r = 0;

	cc->bad_mark[0] = kj_image_mark(path, NULL, &complete);
	cc->bad_mark[1] = kj_image_mark(path, NULL, &no_reason);
	for (int i = 0; i < MARKS && !r; i++) {
		r = kj_image_mark(path, NULL, &marks[i]);
		if (!r && !(r = kj_image_open(path, &img, &err))) {
			r = kj_image_verify(img, NULL, NULL, &err);
			cc->seen[i + 1] = *kj_image_get_header(img);
			kj_image_close(img);
		}
	}
	return r;
}

static int save_and_check(enum kj_compressor comp, bool filter, struct kj_save_stats *st,
			  struct check_ctx *cc)
{
	char *core = write_big_core();
	char img_path[] = "/tmp/kj-img-XXXXXX";
	struct kj_image_header h = { .compressor = (uint16_t)comp, .nram = 1,
				     .kind = KJ_IMAGE_HIBERNATION };
	struct kj_save_opts o = { .compressor = comp, .level = 1, .threads = 2,
				  .progress = progress, .ctx = cc };
	struct kj_image_error err;
	struct kj_vmcore *vc;
	struct kj_image *img;
	int fd = mkstemp(img_path), r;

	close(fd);
	h.ram[0] = (struct kj_range){ LOAD_PADDR, LOAD_PADDR + CORE_PAGES * KJ_PAGE_SIZE - 1 };
	if (filter)
		o.is_free = every_fifth;
	r = core ? kj_vmcore_open(core, &vc) : -EIO;
	if (!r) {
		r = kj_save(vc, img_path, &h, &o, st);
		kj_vmcore_close(vc);
	}
	if (!r && !(r = kj_image_open(img_path, &img, &err))) {
		r = kj_image_verify(img, compare_block, cc, &err);
		cc->seen[0] = *kj_image_get_header(img);
		kj_image_close(img);
	}
	if (!r && cc->mark)
		r = mark_all(img_path, cc);
	unlink(core);
	unlink(img_path);
	return r;
}

TEST(save_round_trip_lz4)
{
	struct kj_save_stats st;
	struct check_ctx cc = { 0 };

	CHECK_INT(save_and_check(KJ_COMPRESS_LZ4, false, &st, &cc), 0);
	CHECK_U64(st.pages_ram, CORE_PAGES);
	CHECK_U64(st.pages_saved + st.pages_zero, CORE_PAGES);
	CHECK_U64(st.pages_zero, (CORE_PAGES + 6) / 7 - 0);
	CHECK_U64(cc.pages, CORE_PAGES);
	CHECK_U64(cc.mismatches, 0);
	CHECK(st.bytes < (uint64_t)CORE_PAGES * KJ_PAGE_SIZE / 2);
	CHECK(cc.reports > 1);
	CHECK(!cc.bytes_went_back && cc.bytes <= st.bytes);
}

TEST(save_round_trip_zstd_with_free_pages)
{
	struct kj_save_stats st;
	struct check_ctx cc = { 0 };

	CHECK_INT(save_and_check(KJ_COMPRESS_ZSTD, true, &st, &cc), 0);
	CHECK_U64(st.pages_free, CORE_PAGES / 5);
	CHECK_U64(cc.pages, CORE_PAGES - CORE_PAGES / 5);
	CHECK_U64(cc.mismatches, 0);
}

TEST(save_then_mark_tries_and_discard)
{
	static struct check_ctx cc = { .mark = true };
	const struct kj_image_header *s = cc.seen;
	struct kj_save_stats st;

	CHECK_INT(save_and_check(KJ_COMPRESS_LZ4, false, &st, &cc), 0);
	CHECK_INT(cc.bad_mark[0], -EINVAL);
	CHECK_INT(cc.bad_mark[1], -EINVAL);
	CHECK_INT(s[0].flags, KJ_IMAGE_FLAG_COMPLETE);
	CHECK_INT(s[0].kind, KJ_IMAGE_HIBERNATION);
	CHECK_INT(s[0].tries, 0);
	CHECK_INT(s[1].tries, 1);
	CHECK_INT(s[2].tries, 2);
	CHECK_INT(s[2].flags, KJ_IMAGE_FLAG_COMPLETE);
	CHECK_INT(s[3].flags, KJ_IMAGE_FLAG_COMPLETE | KJ_IMAGE_FLAG_DISCARDED);
	CHECK_INT(s[3].discard_reason, KJ_DISCARD_TRIES);
	CHECK_INT(s[4].discard_reason, KJ_DISCARD_TRIES);	/* the first stays */
	CHECK_INT(s[4].discard_detail, 0);
	CHECK(!memcmp(s[4].uuid, s[0].uuid, 16) && s[4].nblocks == s[0].nblocks);
}
