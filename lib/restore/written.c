// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which pages of the image's RAM a restore wrote: one bit a page, set by
 * the threads that write the blocks (in any order, two of them possibly
 * on one word), read once they are done to find the pages no run named.
 * Those were free in A; R fills them as A expects free memory to be.
 * Pure: no device, no I/O.
 */
#include <errno.h>
#include <stdlib.h>

#include "restore/restore.h"

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

int kj_written_init(struct kj_written *w, const struct kj_range *ram,
		    uint32_t nram)
{
	uint64_t bit = 0;

	*w = (struct kj_written){ .span = calloc(nram ? nram : 1, sizeof(*w->span)) };
	if (!w->span)
		return -ENOMEM;
	for (uint32_t i = 0; i < nram; i++) {
		/* whole pages only: a page partly outside RAM is not RAM */
		uint64_t first = kj_page_up(ram[i].start) / KJ_PAGE_SIZE;
		uint64_t end = (ram[i].end + 1) / KJ_PAGE_SIZE;

		if (end <= first)
			continue;
		w->span[w->n++] = (struct kj_written_span){ first, end - first, bit };
		bit += end - first;
	}
	w->bits = calloc(bit / 64 + 1, sizeof(*w->bits));
	if (!w->bits) {
		kj_written_release(w);
		return -ENOMEM;
	}
	return 0;
}

void kj_written_release(struct kj_written *w)
{
	free(w->span);
	free(w->bits);
	*w = (struct kj_written){ 0 };
}

/* Sets bits [from, to), a word at a time: another thread may be setting
 * other bits of the same word. */
static void set_bits(uint64_t *bits, uint64_t from, uint64_t to)
{
	while (from < to) {
		uint64_t lo = from % 64, n = min_u64(to - from, 64 - lo);
		uint64_t mask = (n == 64 ? ~0ull : (1ull << n) - 1) << lo;

		__atomic_fetch_or(&bits[from / 64], mask, __ATOMIC_RELAXED);
		from += n;
	}
}

void kj_written_mark(struct kj_written *w, uint64_t pfn, uint64_t count)
{
	for (uint32_t i = 0; i < w->n; i++) {
		const struct kj_written_span *s = &w->span[i];
		uint64_t from = max_u64(pfn, s->pfn);
		uint64_t to = min_u64(pfn + count, s->pfn + s->pages);

		if (from < to)
			set_bits(w->bits, s->bit + from - s->pfn, s->bit + to - s->pfn);
	}
}

void kj_written_mark_range(struct kj_written *w, const struct kj_range *r)
{
	uint64_t first = r->start / KJ_PAGE_SIZE;

	kj_written_mark(w, first, r->end / KJ_PAGE_SIZE - first + 1);
}

/* The first bit in [from, to) that is set (or clear, with !set); to if
 * there is none. Whole words are skipped at once. */
static uint64_t find_bit(const uint64_t *bits, uint64_t from, uint64_t to,
			 bool set)
{
	while (from < to) {
		uint64_t base = from / 64 * 64;
		uint64_t word = bits[from / 64] ^ (set ? 0 : ~0ull);

		word &= ~0ull << (from % 64);
		if (word)
			return min_u64(base + (uint64_t)__builtin_ctzll(word), to);
		from = base + 64;
	}
	return to;
}

static int span_gaps(const struct kj_written *w, const struct kj_written_span *s,
		     kj_gap_fn fn, void *ctx)
{
	uint64_t end = s->bit + s->pages, a = s->bit, b;
	int err = 0;

	while (!err && (a = find_bit(w->bits, a, end, false)) < end) {
		b = find_bit(w->bits, a, end, true);
		err = fn(ctx, s->pfn + a - s->bit, b - a);
		a = b;
	}
	return err;
}

int kj_written_gaps(const struct kj_written *w, kj_gap_fn fn, void *ctx)
{
	int err = 0;

	for (uint32_t i = 0; !err && i < w->n; i++)
		err = span_gaps(w, &w->span[i], fn, ctx);
	return err;
}
