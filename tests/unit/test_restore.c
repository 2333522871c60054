// SPDX-License-Identifier: GPL-2.0-or-later
/* Which pages a restore wrote, and the gaps R fills: the pages of the RAM
 * no run named. Checked against a plain array of booleans. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "restore/restore.h"
#include "t.h"

#define GAPS_MAX 4096

struct gaps {
	size_t n;
	uint64_t pfn[GAPS_MAX], count[GAPS_MAX];
	int fail_at;			/* return -EIO at this gap; 0: never */
};

static int collect(void *ctx, uint64_t pfn, uint64_t count)
{
	struct gaps *g = ctx;

	if (g->n == GAPS_MAX)
		return -E2BIG;
	g->pfn[g->n] = pfn;
	g->count[g->n++] = count;
	return g->fail_at && (int)g->n == g->fail_at ? -EIO : 0;
}

#define PAGES(pfn, n) { (pfn) * KJ_PAGE_SIZE, ((pfn) + (n)) * KJ_PAGE_SIZE - 1 }

/* RAM, the runs written (pfn, count), and the gaps they leave. */
static const struct {
	const char *what;
	struct kj_range ram[2];
	uint64_t marks[3][2];
	uint64_t gaps[2][2];
	size_t ngaps;
} cases[] = {
	{ "between runs", { PAGES(0x100, 0x900), PAGES(0x1000, 0x1000) },
	  { { 0x100, 10 }, { 0x200, 0x100 }, { 0x1000, 0x1000 } },
	  { { 0x10a, 0xf6 }, { 0x300, 0x700 } }, 2 },
	/* marks outside the RAM are cut off; gaps never leave it, nor join
	 * two ranges across the hole between them */
	{ "in RAM only", { PAGES(10, 20), PAGES(40, 5) },
	  { { 0, 12 }, { 28, 14 }, { 1000, 5 } },
	  { { 12, 16 }, { 42, 3 } }, 2 },
	/* a range that starts or ends inside a page does not own it */
	{ "whole pages", { { 0x1800, 0x4fff }, { 0x8000, 0x8ffe } },
	  { { 0, 0 } }, { { 2, 3 } }, 1 },
};

static bool gaps_as_listed(size_t i, const struct gaps *g)
{
	if (g->n != cases[i].ngaps)
		return false;
	for (size_t k = 0; k < g->n; k++)
		if (g->pfn[k] != cases[i].gaps[k][0] || g->count[k] != cases[i].gaps[k][1])
			return false;
	return true;
}

TEST(written_gaps)
{
	static struct gaps g;
	struct kj_written w;

	for (size_t i = 0; i < KJ_ARRAY_SIZE(cases); i++) {
		g.n = 0;
		CHECK_INT(kj_written_init(&w, cases[i].ram, 2), 0);
		for (size_t k = 0; k < KJ_ARRAY_SIZE(cases[i].marks); k++)
			kj_written_mark(&w, cases[i].marks[k][0], cases[i].marks[k][1]);
		CHECK_INT(kj_written_gaps(&w, collect, &g), 0);
		kj_written_release(&w);
		if (!gaps_as_listed(i, &g)) {
			t_fail(__FILE__, __LINE__, "%s: %zu gaps, the first at 0x%" PRIx64,
			       cases[i].what, g.n, g.n ? g.pfn[0] : 0);
			return;
		}
	}
}

/* The excluded ranges are marked by the bytes they hold: a page partly
 * excluded is never filled. */
TEST(written_excluded_bytes)
{
	struct kj_range ram[] = { PAGES(0, 100) }, excluded = { 0x1800, 0x2fff };
	static struct gaps g;
	struct kj_written w;

	CHECK_INT(kj_written_init(&w, ram, 1), 0);
	kj_written_mark_range(&w, &excluded);
	CHECK_INT(kj_written_gaps(&w, collect, &g), 0);
	kj_written_release(&w);
	CHECK_INT(g.n, 2);
	CHECK_U64(g.pfn[0] + g.count[0], 1);
	CHECK_U64(g.pfn[1], 3);
	CHECK_U64(g.count[1], 97);
}

TEST(written_stops_at_first_error)
{
	struct kj_range ram[] = { PAGES(0, 100) };
	static struct gaps g = { .fail_at = 2 };
	struct kj_written w;

	CHECK_INT(kj_written_init(&w, ram, 1), 0);
	kj_written_mark(&w, 10, 1);
	kj_written_mark(&w, 20, 1);
	CHECK_INT(kj_written_gaps(&w, collect, &g), -EIO);
	kj_written_release(&w);
	CHECK_INT(g.n, 2);
}

/* A zeroed map, as a restore that fills nothing keeps: no gaps, and
 * marking it is harmless. */
TEST(written_empty)
{
	struct kj_written w = { 0 };
	static struct gaps g;

	kj_written_mark(&w, 0, 1000);
	CHECK_INT(kj_written_gaps(&w, collect, &g), 0);
	CHECK_INT(g.n, 0);
	kj_written_release(&w);
}

static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The gaps a plain array of booleans gives, compared with g. */
static int compare_gaps(const bool *set, uint64_t first, uint64_t n,
			const struct gaps *g)
{
	size_t k = 0;

	for (uint64_t i = 0; i < n;) {
		uint64_t j = i;

		if (set[i]) {
			i++;
			continue;
		}
		while (j < n && !set[j])
			j++;
		if (k == g->n || g->pfn[k] != first + i || g->count[k] != j - i)
			return -1;
		k++;
		i = j;
	}
	return k == g->n ? 0 : -1;
}

/* Runs of every length at every offset in a word, against a reference. */
TEST(written_random_runs)
{
	enum { FIRST = 1000, N = 3000 };
	struct kj_range ram[] = { PAGES(FIRST, N) };
	static bool set[N];
	static struct gaps g;
	struct kj_written w;
	uint64_t x = 0x9e3779b97f4a7c15ull;

	CHECK_INT(kj_written_init(&w, ram, 1), 0);
	for (int i = 0; i < 60; i++) {
		uint64_t at = next_random(&x) % N, len = 1 + next_random(&x) % 100;

		kj_written_mark(&w, FIRST + at, len);
		for (uint64_t p = at; p < at + len && p < N; p++)
			set[p] = true;
	}
	CHECK_INT(kj_written_gaps(&w, collect, &g), 0);
	kj_written_release(&w);
	CHECK(g.n > 10);
	CHECK_INT(compare_gaps(set, FIRST, N, &g), 0);
}

enum { ROUNDS = 50, THREADS = 4, WORD_PAGES = 64 * 1024 };

/* Each thread marks its own pages of every map: page t, t + THREADS...,
 * all of them in the same few words, starting each map together. */
struct marker {
	struct kj_written *w;
	pthread_barrier_t *start;
	unsigned int t;
};

static void *mark_every_nth(void *arg)
{
	struct marker *m = arg;

	for (int r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(m->start);
		for (uint64_t p = m->t; p < WORD_PAGES; p += THREADS)
			kj_written_mark(&m->w[r], p, 1);
	}
	return NULL;
}

/* Threads that set neighbouring bits of one word lose none of them. */
TEST(written_marks_from_threads)
{
	struct kj_range ram[] = { PAGES(0, WORD_PAGES) };
	static struct kj_written w[ROUNDS];
	struct marker m[THREADS];
	pthread_t th[THREADS];
	pthread_barrier_t start;
	static struct gaps g;
	int err = 0;

	for (int r = 0; r < ROUNDS; r++)
		CHECK_INT(kj_written_init(&w[r], ram, 1), 0);
	pthread_barrier_init(&start, NULL, THREADS);
	for (unsigned int i = 0; i < THREADS; i++) {
		m[i] = (struct marker){ w, &start, i };
		CHECK_INT(pthread_create(&th[i], NULL, mark_every_nth, &m[i]), 0);
	}
	for (unsigned int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start);
	for (int r = 0; r < ROUNDS; r++) {
		err = err ? err : kj_written_gaps(&w[r], collect, &g);
		kj_written_release(&w[r]);
	}
	CHECK_INT(err, 0);
	CHECK_INT(g.n, 0);
}
