// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Walking an image's blocks: the calling thread reads them in order (with
 * O_DIRECT where the device allows it) and checks what must be checked in
 * order (sequence, lengths, runs ascending inside A's RAM); worker threads,
 * one per CPU, check checksums, decode the data and, if asked, hand each
 * block on. Blocks come back in order through a ring of slots, so the
 * first fault reported is the first in the image, as a plain loop would
 * find it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image.h"
#include "common/le.h"

/* Workers at most, however many CPUs there are. */
#define THREADS_MAX 16


enum { SLOT_FREE, SLOT_FILLED, SLOT_WORKING, SLOT_DONE };

struct wslot {
	int state;
	uint64_t seq, offset;
	struct kj_block_head bh;
	uint8_t *buf, *data;		/* 4096-aligned */
	size_t cap, dcap;
	struct kj_run *runs;
	const uint8_t *bdata;		/* the data handed on */
	enum kj_image_fault fault;	/* found by the reader or a worker */
	int err;			/* -EBADMSG with fault, or fn's error */
};

struct walker {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct wslot *slots;
	size_t n;
	bool done, stop;
	struct kj_image *img;
	const struct kj_walk_opts *o;
	struct kj_walk_state ws;
};

static bool stopped(struct walker *wk)
{
	return __atomic_load_n(&wk->stop, __ATOMIC_RELAXED);
}

static int read_at(struct kj_image *img, void *buf, size_t len, uint64_t off)
{
	int r = -EINVAL;

	if (img->direct.fd >= 0)
		r = kj_target_pread(&img->direct, buf, len, off);
	return r == -EINVAL ? kj_target_pread(&img->t, buf, len, off) : r;
}

/* *p holds at least len bytes, 4096-aligned; its first keep bytes stay. */
static int reserve(uint8_t **p, size_t *cap, size_t len, size_t keep)
{
	void *q;

	if (*cap >= len)
		return 0;
	if (posix_memalign(&q, KJ_IMAGE_ALIGN, kj_align_up(len, KJ_IMAGE_ALIGN)))
		return -ENOMEM;
	if (*p)
		memcpy(q, *p, keep < *cap ? keep : *cap);
	free(*p);
	*p = q;
	*cap = kj_align_up(len, KJ_IMAGE_ALIGN);
	return 0;
}

static int slot_fault(struct wslot *sl, enum kj_image_fault f)
{
	sl->fault = f;
	sl->err = -EBADMSG;
	return -EBADMSG;
}

/* Reads block sl->seq: its head, then the rest. */
static int read_block(struct walker *wk, struct wslot *sl)
{
	const struct kj_image_header *h = &wk->img->h;
	size_t want;
	enum kj_image_fault f = KJ_IMG_OK;

	if (reserve(&sl->buf, &sl->cap, KJ_IMAGE_ALIGN, 0))
		return sl->err = -ENOMEM;
	if (read_at(wk->img, sl->buf, KJ_IMAGE_ALIGN, sl->offset))
		return slot_fault(sl, KJ_IMG_TRUNCATED);
	if (kj_block_head_decode(sl->buf, &sl->bh, &f))
		return slot_fault(sl, f);
	if (sl->bh.seq != sl->seq)
		return slot_fault(sl, KJ_IMG_BAD_BLOCK_SEQ);
	if (sl->offset + sl->bh.block_len > h->trailer_offset)
		return slot_fault(sl, KJ_IMG_BAD_BLOCK_LEN);
	want = sl->bh.block_len;
	if (want > KJ_IMAGE_ALIGN) {
		if (reserve(&sl->buf, &sl->cap, want, KJ_IMAGE_ALIGN))
			return sl->err = -ENOMEM;
		if (read_at(wk->img, sl->buf + KJ_IMAGE_ALIGN, want - KJ_IMAGE_ALIGN,
			    sl->offset + KJ_IMAGE_ALIGN))
			return slot_fault(sl, KJ_IMG_TRUNCATED);
	}
	return 0;
}

/* The reader's share: the block, its runs in order. A fault in the runs
 * waits for the checksum, which a worker checks first. */
static int fill_slot(struct walker *wk, struct wslot *sl, uint64_t seq)
{
	int r;

	sl->seq = seq;
	sl->offset = wk->ws.offset;
	sl->fault = KJ_IMG_OK;
	sl->err = 0;
	free(sl->runs);
	sl->runs = NULL;
	r = read_block(wk, sl);
	if (r)
		return r;
	put_le64(wk->ws.sums + seq * KJ_SUM_SIZE, sl->bh.checksum);
	wk->ws.offset += sl->bh.block_len;
	r = kj_block_runs(sl->buf, &sl->bh, &sl->runs);
	if (r == -ENOMEM)
		return sl->err = r;
	if (r || kj_walk_check_runs(&wk->img->h, &wk->ws, sl->runs, sl->bh.nruns))
		sl->fault = KJ_IMG_BAD_RUNS;
	return 0;
}

/* The data to hand on: decoded, or as stored when it need not be. */
static int decode(struct walker *wk, struct wslot *sl)
{
	const uint8_t *stored = kj_block_stored(sl->buf, &sl->bh);

	/* the data begins on a 4096-byte boundary of the block, and buf on
	 * one of memory */
	if (stored && (!wk->o->aligned || !((uintptr_t)stored % KJ_IMAGE_ALIGN))) {
		sl->bdata = stored;
		return 0;
	}
	if (reserve(&sl->data, &sl->dcap, sl->bh.raw_len ? sl->bh.raw_len : 1, 0))
		return sl->err = -ENOMEM;
	if (kj_block_data(sl->buf, &sl->bh, wk->img->h.compressor, sl->data))
		return slot_fault(sl, KJ_IMG_BAD_DATA);
	sl->bdata = sl->data;
	return 0;
}

static struct kj_block as_block(const struct wslot *sl)
{
	return (struct kj_block){ sl->seq, sl->runs, sl->bh.nruns, sl->bdata,
				  sl->bh.raw_len };
}

/* An encrypted image's blocks are all sealed, a plain one's none; a
 * sealed block is opened in place once its tag is checked. */
static enum kj_image_fault open_sealed(struct walker *wk, struct wslot *sl)
{
	const struct kj_image *img = wk->img;
	bool encrypted = img->h.flags & KJ_IMAGE_FLAG_ENCRYPTED;

	if (sl->bh.sealed != encrypted)
		return KJ_IMG_BAD_BLOCK_MAGIC;
	return encrypted ? kj_block_open(img->key, img->h.uuid, sl->buf, &sl->bh)
			 : KJ_IMG_OK;
}

/* A worker's share: checksum first, then the tag, then the reader's
 * fault, then data. */
static void work(struct walker *wk, struct wslot *sl)
{
	const struct kj_walk_opts *o = wk->o;
	enum kj_image_fault f = KJ_IMG_OK;

	sl->bdata = NULL;
	/* there is no walk that decodes data without its checksum:
	 * nothing unverified reaches memory */
	f = kj_block_check(sl->buf, &sl->bh);
	if (!f)
		f = open_sealed(wk, sl);
	if (f || sl->fault) {
		slot_fault(sl, f ? f : sl->fault);
		return;
	}
	if (decode(wk, sl))
		return;
	if (o->fn && o->any_order && !stopped(wk)) {
		struct kj_block b = as_block(sl);

		sl->err = o->fn(o->ctx, &b);
	}
}

static struct wslot *next_filled(struct walker *wk)
{
	struct wslot *best = NULL;

	for (size_t i = 0; i < wk->n; i++)
		if (wk->slots[i].state == SLOT_FILLED &&
		    (!best || wk->slots[i].seq < best->seq))
			best = &wk->slots[i];
	return best;
}

static void *worker(void *arg)
{
	struct walker *wk = arg;

	pthread_mutex_lock(&wk->mu);
	for (;;) {
		struct wslot *sl = next_filled(wk);

		if (!sl && wk->done)
			break;
		if (!sl) {
			pthread_cond_wait(&wk->cv, &wk->mu);
			continue;
		}
		sl->state = SLOT_WORKING;
		pthread_mutex_unlock(&wk->mu);
		if (!stopped(wk))
			work(wk, sl);
		pthread_mutex_lock(&wk->mu);
		sl->state = SLOT_DONE;
		pthread_cond_broadcast(&wk->cv);
	}
	pthread_mutex_unlock(&wk->mu);
	return NULL;
}

/* Waits for sl's block to be done and hands it on in order; the first
 * error (in image order) stops the walk and is the one reported. */
static int deliver(struct walker *wk, struct wslot *sl, struct kj_image_error *err)
{
	int r = 0, state;

	pthread_mutex_lock(&wk->mu);
	while (sl->state == SLOT_FILLED || sl->state == SLOT_WORKING)
		pthread_cond_wait(&wk->cv, &wk->mu);
	state = sl->state;
	pthread_mutex_unlock(&wk->mu);
	if (state == SLOT_FREE)
		return 0;
	if (!stopped(wk)) {
		r = sl->err;
		if (r == -EBADMSG)
			kj_image_fail(err, sl->fault, (int64_t)sl->seq, sl->offset);
		if (!r && wk->o->fn && !wk->o->any_order) {
			struct kj_block b = as_block(sl);

			r = wk->o->fn(wk->o->ctx, &b);
		}
		if (r)
			__atomic_store_n(&wk->stop, true, __ATOMIC_RELAXED);
	}
	/* the workers read every slot's state as they look for work */
	pthread_mutex_lock(&wk->mu);
	sl->state = SLOT_FREE;
	pthread_mutex_unlock(&wk->mu);
	return r;
}

static void hand_out(struct walker *wk, struct wslot *sl)
{
	pthread_mutex_lock(&wk->mu);
	sl->state = sl->err ? SLOT_DONE : SLOT_FILLED;
	pthread_cond_broadcast(&wk->cv);
	pthread_mutex_unlock(&wk->mu);
}

/* The reader: fills slots in order, delivering the block a slot held
 * before it is used again, then the blocks still out, oldest first. */
static int read_all(struct walker *wk, struct kj_image_error *err)
{
	uint64_t next = 0, nblocks = wk->img->h.nblocks;
	int r = 0;

	while (next < nblocks && !r) {
		struct wslot *sl = &wk->slots[next % wk->n];

		r = deliver(wk, sl, err);
		if (r)
			break;
		fill_slot(wk, sl, next++);
		hand_out(wk, sl);
		if (sl->err)	/* the reader cannot go past this block */
			break;
	}
	for (uint64_t i = 0; i < wk->n; i++) {
		int d = deliver(wk, &wk->slots[(next + i) % wk->n], err);

		r = r ? r : d;
	}
	return r;
}

static unsigned thread_count(const struct kj_walk_opts *o)
{
	long n = o->threads ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > THREADS_MAX ? THREADS_MAX : (unsigned)n;
}

static int run(struct walker *wk, unsigned threads, struct kj_image_error *err)
{
	pthread_t t[THREADS_MAX];
	unsigned started = 0;
	int r = 0;

	while (started < threads && !pthread_create(&t[started], NULL, worker, wk))
		started++;
	if (!started)
		return -EAGAIN;
	r = read_all(wk, err);
	pthread_mutex_lock(&wk->mu);
	wk->done = true;
	pthread_cond_broadcast(&wk->cv);
	pthread_mutex_unlock(&wk->mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	return r;
}

int kj_image_walk(struct kj_image *img, const struct kj_walk_opts *o,
		  struct kj_image_error *err)
{
	const struct kj_image_header *h = &img->h;
	unsigned threads = thread_count(o);
	struct walker wk = { .img = img, .o = o, .n = threads + 2 };
	int r;

	if (!(h->flags & KJ_IMAGE_FLAG_COMPLETE))
		return kj_image_fail(err, KJ_IMG_INCOMPLETE, -1, 0);
	if ((h->flags & KJ_IMAGE_FLAG_ENCRYPTED) && !img->key)
		return kj_image_fail(err, KJ_IMG_NEEDS_KEY, -1, 0);
	if (h->trailer_offset > img->size ||
	    img->size - h->trailer_offset < KJ_IMAGE_ALIGN)
		return kj_image_fail(err, KJ_IMG_TRUNCATED, -1, img->size);
	if (h->nblocks > h->trailer_offset / KJ_IMAGE_ALIGN)
		return kj_image_fail(err, KJ_IMG_BAD_COUNTS, -1, 0);
	wk.ws.offset = kj_image_data_offset(h);
	wk.ws.sums = malloc((h->nblocks + 1) * KJ_SUM_SIZE);
	wk.slots = calloc(wk.n, sizeof(*wk.slots));
	r = wk.ws.sums && wk.slots ? 0 : -ENOMEM;
	pthread_mutex_init(&wk.mu, NULL);
	pthread_cond_init(&wk.cv, NULL);
	if (!r)
		r = run(&wk, threads, err);
	if (!r)
		r = kj_walk_check_trailer(img, &wk.ws, err);
	for (size_t i = 0; wk.slots && i < wk.n; i++) {
		free(wk.slots[i].buf);
		free(wk.slots[i].data);
		free(wk.slots[i].runs);
	}
	free(wk.slots);
	free(wk.ws.sums);
	pthread_mutex_destroy(&wk.mu);
	pthread_cond_destroy(&wk.cv);
	if (!r)
		err->fault = KJ_IMG_OK;
	return r;
}

size_t kj_walk_slot_bytes(void)
{
	/* a block as stored, at most its bound, and its data decoded */
	return kj_block_bound(KJ_BLOCK_RUNS_MAX, KJ_BLOCK_RAW_MAX) + KJ_BLOCK_RAW_MAX;
}
