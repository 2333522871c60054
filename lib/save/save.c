// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Saving the caller's memory from /proc/vmcore into an image.
 *
 * The main thread walks the core's PT_LOADs page by page through large
 * mmap windows and fills blocks: runs of data pages (copied) and of zero
 * pages (recorded only); pages the free map marks are left out. Worker
 * threads, one per CPU, compress and checksum the blocks; a writer thread
 * writes them in order. A ring of slots, twice as many as workers, bounds
 * the memory used and keeps every stage busy.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "save/save.h"

#define BLOCK_PAGES	1024		/* 4 MiB of raw data per block */
#define BLOCK_RUNS	2048
#define WINDOW		(64u << 20)	/* bytes of /proc/vmcore mapped at once */

enum slot_state { SLOT_FREE, SLOT_FILLED, SLOT_ENCODING, SLOT_ENCODED };

struct slot {
	enum slot_state state;
	struct kj_block b;
	uint8_t *raw;
	struct kj_run *runs;
	uint8_t *out;
	size_t out_len;
	bool apart;			/* the block's data stays in raw */
	uint64_t sum;
	uint32_t data_pages, zero_pages;
};

struct saver {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot *slots;
	size_t nslots;
	uint64_t next_fill, next_write;
	bool filling_done;
	int err;
	const struct kj_save_opts *o;
	const uint8_t *uuid;		/* the image's */
	struct kj_image_writer *w;
	uint64_t pages_done, pages_total;
	uint64_t saved, zero;		/* pages handed on so far */
	uint64_t bytes;			/* written so far: the writer thread's */
	double read_s, wait_s, encode_s, write_s;	/* see kj_save_stats */
};

static void set_err(struct saver *s, int err)
{
	pthread_mutex_lock(&s->mu);
	if (!s->err)
		s->err = err;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* Compress, checksum and, for an encrypted image, seal. */
static int encode(const struct saver *s, struct slot *sl)
{
	const struct kj_save_opts *o = s->o;

	sl->apart = false;
	if (o->key)
		return kj_block_encode_sealed(&sl->b, o->compressor, o->level, o->key,
					      s->uuid, sl->out, &sl->out_len, &sl->sum);
	return kj_block_encode_apart(&sl->b, o->compressor, o->level, sl->out,
				     &sl->out_len, &sl->apart, &sl->sum);
}

static void *worker(void *arg)
{
	struct saver *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct slot *sl = NULL;

		for (size_t i = 0; i < s->nslots && !sl; i++)
			if (s->slots[i].state == SLOT_FILLED)
				sl = &s->slots[i];
		if (!sl && (s->err || s->filling_done))
			break;
		if (!sl) {
			pthread_cond_wait(&s->cv, &s->mu);
			continue;
		}
		sl->state = SLOT_ENCODING;
		pthread_mutex_unlock(&s->mu);
		double t = kj_seconds();
		int err = encode(s, sl);

		t = kj_seconds() - t;
		pthread_mutex_lock(&s->mu);
		s->encode_s += t;
		if (err && !s->err)
			s->err = err;
		sl->state = SLOT_ENCODED;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void *writer(void *arg)
{
	struct saver *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		struct slot *sl = &s->slots[s->next_write % s->nslots];

		if (s->err || (s->filling_done && s->next_write == s->next_fill))
			break;
		if (s->next_write == s->next_fill || sl->state != SLOT_ENCODED) {
			pthread_cond_wait(&s->cv, &s->mu);
			continue;
		}
		pthread_mutex_unlock(&s->mu);
		double t = kj_seconds();
		int err = kj_image_writer_append_apart(s->w, sl->out, sl->out_len,
						       sl->apart ? sl->raw : NULL,
						       sl->apart ? sl->b.raw_len : 0,
						       sl->sum, sl->data_pages,
						       sl->zero_pages);
		t = kj_seconds() - t;
		pthread_mutex_lock(&s->mu);
		s->write_s += t;
		s->bytes = kj_image_writer_bytes(s->w);
		if (err && !s->err)
			s->err = err;
		sl->state = SLOT_FREE;
		s->next_write++;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* The slot to fill next, once it is free; NULL after an error. */
static struct slot *take_slot(struct saver *s)
{
	struct slot *sl = &s->slots[s->next_fill % s->nslots];
	double t = kj_seconds();

	pthread_mutex_lock(&s->mu);
	while (!s->err && sl->state != SLOT_FREE)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	s->wait_s += kj_seconds() - t;
	if (s->err)
		return NULL;
	sl->b.seq = s->next_fill;
	sl->b.nruns = 0;
	sl->b.raw_len = 0;
	sl->data_pages = sl->zero_pages = 0;
	return sl;
}

/* The writer thread moves the writer on: its byte count is read here
 * as the writer thread last left it, under the lock. */
static void submit(struct saver *s, struct slot *sl)
{
	uint64_t bytes;

	s->saved += sl->data_pages;
	s->zero += sl->zero_pages;
	pthread_mutex_lock(&s->mu);
	sl->state = SLOT_FILLED;
	s->next_fill++;
	bytes = s->bytes;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->o->progress)
		s->o->progress(s->o->ctx, s->pages_done, s->pages_total, bytes);
}

/* A data page is told by its first non-zero line: most of them by their
 * first 64 bytes, so the check costs little beside the copy. Only zero
 * pages are read whole. */
static bool page_is_zero(const uint8_t *p)
{
	const uint64_t *q = (const uint64_t *)p;

	for (size_t i = 0; i < KJ_PAGE_SIZE / 8; i += 8) {
		if (q[i] | q[i + 1] | q[i + 2] | q[i + 3] | q[i + 4] | q[i + 5] |
		    q[i + 6] | q[i + 7])
			return false;
	}
	return true;
}

static void add_page(struct slot *sl, uint64_t pfn, const uint8_t *page)
{
	bool zero = page_is_zero(page);
	uint32_t kind = zero ? KJ_RUN_ZERO : KJ_RUN_DATA;
	struct kj_run *last = sl->b.nruns ? &sl->runs[sl->b.nruns - 1] : NULL;

	if (last && last->kind == kind && last->pfn + last->count == pfn)
		last->count++;
	else
		sl->runs[sl->b.nruns++] = (struct kj_run){ pfn, 1, kind };
	if (zero) {
		sl->zero_pages++;
		return;
	}
	memcpy(sl->raw + sl->b.raw_len, page, KJ_PAGE_SIZE);
	sl->b.raw_len += KJ_PAGE_SIZE;
	sl->data_pages++;
}

static bool slot_full(const struct slot *sl)
{
	return sl->data_pages == BLOCK_PAGES || sl->b.nruns >= BLOCK_RUNS - 1;
}

/* Where the current mmap window of the core is. */
struct window {
	uint8_t *map;
	uint64_t off, len;
};

static const uint8_t *page_at(struct window *win, int fd, uint64_t off,
			      uint64_t load_end)
{
	if (win->map && off >= win->off && off + KJ_PAGE_SIZE <= win->off + win->len)
		return win->map + (off - win->off);
	if (win->map)
		munmap(win->map, win->len);
	win->off = off;
	win->len = load_end - off < WINDOW ? load_end - off : WINDOW;
	win->map = mmap(NULL, win->len, PROT_READ, MAP_PRIVATE, fd, (off_t)off);
	if (win->map == MAP_FAILED) {
		win->map = NULL;
		return NULL;
	}
	return win->map;
}

/* Feeds the whole pages of one PT_LOAD into blocks. */
static int fill_load(struct saver *s, const struct kj_elf_phdr *ph, int fd,
		     struct slot **sl, uint64_t *pages_free)
{
	uint64_t first, end;
	uint64_t load_end = ph->offset + ph->filesz;
	struct window win = { 0 };
	int err = 0;

	kj_phdr_pages(ph, &first, &end);
	for (uint64_t pfn = first; pfn < end && !err; pfn++, s->pages_done++) {
		uint64_t off = ph->offset + pfn * KJ_PAGE_SIZE - ph->paddr;
		const uint8_t *page;

		if (s->o->is_free && s->o->is_free(s->o->free_ctx, pfn)) {
			(*pages_free)++;
			continue;
		}
		page = page_at(&win, fd, off, load_end);
		if (!page) {
			err = -errno;
			break;
		}
		add_page(*sl, pfn, page);
		if (slot_full(*sl)) {
			submit(s, *sl);
			*sl = take_slot(s);
			if (!*sl)
				err = -ECANCELED;
		}
	}
	if (win.map)
		munmap(win.map, win.len);
	return err;
}

static int fill_all(struct saver *s, const struct kj_vmcore *vc,
		    uint64_t *pages_free)
{
	struct slot *sl = take_slot(s);
	int err = sl ? 0 : -ECANCELED;
	int fd = kj_vmcore_fd(vc);

	for (size_t i = 0; i < kj_vmcore_phdr_count(vc) && !err; i++) {
		const struct kj_elf_phdr *ph = kj_vmcore_phdr(vc, i);

		if (ph->type == KJ_PT_LOAD)
			err = fill_load(s, ph, fd, &sl, pages_free);
	}
	if (!err && sl && sl->b.nruns)
		submit(s, sl);
	return err;
}

size_t kj_save_thread_bytes(void)
{
	return 2 * (BLOCK_PAGES * KJ_PAGE_SIZE +
		    kj_block_bound(BLOCK_RUNS, BLOCK_PAGES * KJ_PAGE_SIZE));
}

static int alloc_slots(struct saver *s, unsigned threads)
{
	size_t out_cap = kj_block_bound(BLOCK_RUNS, BLOCK_PAGES * KJ_PAGE_SIZE);

	s->nslots = 2 * (size_t)threads;
	s->slots = calloc(s->nslots, sizeof(*s->slots));
	if (!s->slots)
		return -ENOMEM;
	for (size_t i = 0; i < s->nslots; i++) {
		struct slot *sl = &s->slots[i];

		sl->runs = malloc(BLOCK_RUNS * sizeof(*sl->runs));
		if (!sl->runs ||
		    posix_memalign((void **)&sl->raw, KJ_PAGE_SIZE, BLOCK_PAGES * KJ_PAGE_SIZE) ||
		    posix_memalign((void **)&sl->out, KJ_PAGE_SIZE, out_cap))
			return -ENOMEM;
		sl->b.runs = sl->runs;
		sl->b.data = sl->raw;
	}
	return 0;
}

static void free_slots(struct saver *s)
{
	for (size_t i = 0; s->slots && i < s->nslots; i++) {
		free(s->slots[i].runs);
		free(s->slots[i].raw);
		free(s->slots[i].out);
	}
	free(s->slots);
}

static uint64_t count_pages(const struct kj_vmcore *vc)
{
	uint64_t n = 0;

	for (size_t i = 0; i < kj_vmcore_phdr_count(vc); i++) {
		const struct kj_elf_phdr *ph = kj_vmcore_phdr(vc, i);

		uint64_t first, end;

		kj_phdr_pages(ph, &first, &end);
		if (ph->type == KJ_PT_LOAD)
			n += end - first;
	}
	return n;
}

/* Runs the pipeline: workers and the writer in threads, filling here. */
static int run(struct saver *s, const struct kj_vmcore *vc, unsigned threads,
	       uint64_t *pages_free)
{
	pthread_t wt, *workers = calloc(threads, sizeof(*workers));
	unsigned started = 0;
	bool writing;
	int err;

	if (!workers)
		return -ENOMEM;
	err = -pthread_create(&wt, NULL, writer, s);
	writing = !err;
	while (!err && started < threads) {
		err = -pthread_create(&workers[started], NULL, worker, s);
		started += !err;
	}
	if (!err) {
		double t = kj_seconds();

		err = fill_all(s, vc, pages_free);
		s->read_s = kj_seconds() - t - s->wait_s;
	}
	if (err)
		set_err(s, err);
	pthread_mutex_lock(&s->mu);
	s->filling_done = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	if (writing)
		pthread_join(wt, NULL);
	free(workers);
	return s->err;
}

int kj_save(const struct kj_vmcore *vc, const char *dest,
	    const struct kj_image_header *h, const struct kj_save_opts *o,
	    struct kj_save_stats *st)
{
	struct saver s = { .o = o, .uuid = h->uuid };
	unsigned threads = o->threads ? o->threads : 1;
	uint64_t pages_free = 0;
	int err;

	memset(st, 0, sizeof(*st));
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	s.pages_total = count_pages(vc);
	err = alloc_slots(&s, threads);
	if (!err)
		err = kj_image_writer_open_sealed(dest, o->extents, h, o->key, &s.w);
	if (!err)
		err = run(&s, vc, threads, &pages_free);
	if (!err)
		err = kj_image_writer_finish(s.w, pages_free);
	if (s.w) {
		st->bytes = kj_image_writer_bytes(s.w);
		kj_image_writer_close(s.w);
	}
	st->pages_ram = s.pages_total;
	st->pages_saved = s.saved;
	st->pages_zero = s.zero;
	st->pages_free = pages_free;
	st->read_s = s.read_s;
	st->encode_s = s.encode_s;
	st->write_s = s.write_s;
	free_slots(&s);
	pthread_mutex_destroy(&s.mu);
	pthread_cond_destroy(&s.cv);
	return err;
}
