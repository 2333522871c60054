// SPDX-License-Identifier: GPL-2.0-or-later
/* In B: save the caller's memory, from its core, into an image. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "flow/handkey.h"
#include "flow/target.h"
#include "flow/resume.h"

struct save_job {
	const struct kj_save_core_opts *o;
	const char *core;
	struct kj_save_opts so;
	struct kj_image_key key;	/* with o->key_at */
	struct timespec t0;
};

/* This kernel's own RAM (the region, low memory): what the image must
 * never be restored over. */
static int excluded_ranges(struct kj_image_header *h)
{
	struct kj_iomem *iomem;
	int err = kj_iomem_read("/proc/iomem", &iomem, NULL);

	if (err)
		return err;
	for (size_t i = 0; i < kj_iomem_count(iomem) && !err; i++) {
		const struct kj_iomem_entry *e = kj_iomem_get(iomem, i);

		if (e->depth || strcmp(e->name, "System RAM"))
			continue;
		if (h->nexcluded == KJ_IMAGE_MAP_MAX)
			err = -E2BIG;
		else
			h->excluded[h->nexcluded++] = e->range;
	}
	kj_iomem_free(iomem);
	return err;
}

/* The RAM the image describes: the core's PT_LOADs, whole pages only.
 * The excluded ranges when the core is this kernel's /proc/vmcore. */
static int image_maps(const struct kj_vmcore *vc, struct kj_image_header *h,
		      bool own_core)
{
	for (size_t i = 0; i < kj_vmcore_phdr_count(vc); i++) {
		const struct kj_elf_phdr *ph = kj_vmcore_phdr(vc, i);
		uint64_t first, end;

		kj_phdr_pages(ph, &first, &end);
		if (ph->type != KJ_PT_LOAD || first == end)
			continue;
		if (h->nram == KJ_IMAGE_MAP_MAX)
			return -E2BIG;
		h->ram[h->nram].start = first * KJ_PAGE_SIZE;
		h->ram[h->nram++].end = end * KJ_PAGE_SIZE - 1;
		if (!h->page_offset && ph->vaddr > ph->paddr)
			h->page_offset = ph->vaddr - ph->paddr;
	}
	return own_core ? excluded_ranges(h) : 0;
}

/* A version 4 UUID. Only unique, not secret: B must not wait for the
 * kernel's random pool, which took a second to fill after B's boot. */
static int new_uuid(uint8_t uuid[16])
{
	if (getrandom(uuid, 16, GRND_INSECURE) != 16 &&
	    getrandom(uuid, 16, GRND_NONBLOCK) != 16)
		return -EIO;
	uuid[6] = (uuid[6] & 0x0f) | 0x40;
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
	return 0;
}

/* The image's identity: who A is, and what R may not restore over. */
static int fill_header(struct save_job *j, const struct kj_vmcore *vc,
		       struct kj_image_header *h)
{
	bool own_core = !strcmp(j->core, KJ_VMCORE_PATH);
	const char *info = "";

	memset(h, 0, sizeof(*h));
	if (new_uuid(h->uuid))
		return -EIO;
	h->kind = j->o->kind ? j->o->kind : KJ_IMAGE_SNAPSHOT;
	h->free_fill = j->o->free_fill;
	h->created = (uint64_t)time(NULL);
	h->compressor = (uint16_t)j->so.compressor;
	h->level = (uint16_t)j->so.level;
	if (kj_own_jump_back_entry(&h->reentry))
		h->reentry = 0;
	if (kj_vmcore_vmcoreinfo(vc, &info))
		info = "";
	kj_vmcoreinfo_str(info, "OSRELEASE", h->osrelease, sizeof(h->osrelease));
	kj_vmcoreinfo_str(info, "BUILD-ID", h->build_id, sizeof(h->build_id));
	if (*info)
		h->note_len = (uint32_t)kj_vmcoreinfo_note(info, h->note, sizeof(h->note));
	if (j->o->ndisks && kj_disks_record(j->o->report, j->o->disks, j->o->ndisks, h))
		return -ENODEV;
	if (j->o->key_at && kj_key_hand_take(j->o->report, vc, j->o->key_at, &j->key, h))
		return -ENOKEY;
	return image_maps(vc, h, own_core);
}

static bool is_free(void *ctx, uint64_t pfn)
{
	return kj_freemap_test(ctx, pfn);
}

/* Leaves out what was free in A, if VMCOREINFO says enough to know. */
static void free_filter(struct save_job *j, const struct kj_vmcore *vc,
			struct kj_freemap **fm)
{
	const struct kj_report *r = j->o->report;
	struct timespec t0;
	int err;

	kj_clock_start(&t0);
	err = j->o->no_filter ? 0 : kj_freemap_build(vc, fm);
	if (j->o->no_filter) {
		say_info(r, "--no-filter: saving every page, free or not");
	} else if (err) {
		say_warn(r, "cannot tell free pages from used ones (%s): saving every page",
			 err == -ENOENT ? "VMCOREINFO lacks what the filter needs"
					: strerror(-err));
	} else {
		say_info(r, "leaving out %llu pages that were free in the buddy allocator (found in %.2f s)",
			 (unsigned long long)kj_freemap_count(*fm), kj_clock_since(&t0));
		j->so.is_free = is_free;
		j->so.free_ctx = *fm;
	}
}

static void progress(void *ctx, uint64_t done, uint64_t total, uint64_t bytes)
{
	struct save_job *j = ctx;
	const struct kj_report *r = j->o->report;
	struct kj_progress p = { .what = "saving", .done = done, .total = total,
				 .bytes = bytes, .seconds = kj_clock_since(&j->t0) };

	r->progress(r->ctx, &p);
}

static void summary(const struct save_job *j, const struct kj_save_stats *st)
{
	const struct kj_report *r = j->o->report;
	double t = kj_clock_since(&j->t0);
	double ram_mb = (double)st->pages_ram * KJ_PAGE_SIZE / 1e6;

	say_info(r, "saved '%s': %llu pages of RAM: %llu saved, %llu zero, %llu left out as free",
		 j->o->dest, (unsigned long long)st->pages_ram,
		 (unsigned long long)st->pages_saved, (unsigned long long)st->pages_zero,
		 (unsigned long long)st->pages_free);
	say_info(r, "%llu bytes in %.2f s, %.0f MB/s of RAM, %u threads",
		 (unsigned long long)st->bytes, t, t > 0 ? ram_mb / t : 0, j->so.threads);
	say_info(r, "time: reading %.2f s, compressing %.2f s, writing %.2f s",
		 st->read_s, st->encode_s, st->write_s);
}

static int open_core(const struct save_job *j, struct kj_vmcore **vc)
{
	const struct kj_report *r = j->o->report;
	int err = kj_vmcore_open(j->core, vc);

	if (!err)
		return 0;
	say_error(r, "cannot open '%s': %s", j->core,
		  err == -ENOEXEC ? "not an x86_64 ELF core" : strerror(-err));
	if (!strcmp(j->core, KJ_VMCORE_PATH))
		say_hint(r, "run 'kjump save' in the kernel that 'kjump load' started");
	return err;
}

static const char *compressor_name(enum kj_compressor c)
{
	return c == KJ_COMPRESS_ZSTD ? "zstd" : c == KJ_COMPRESS_LZ4 ? "lz4"
					      : "no compression";
}

static int save(struct save_job *j, const struct kj_vmcore *vc,
		struct kj_save_stats *st)
{
	const struct kj_report *r = j->o->report;
	struct kj_freemap *fm = NULL;
	struct kj_image_header h;
	int err = fill_header(j, vc, &h);

	j->so.key = j->o->key_at && !err ? &j->key : NULL;
	if (err) {
		say_error(r, "cannot describe the image: %s", strerror(-err));
		return err;
	}
	say_debug(r, "image: %u RAM ranges, %u excluded, kernel '%s', re-entry 0x%llx",
		  h.nram, h.nexcluded, h.osrelease, (unsigned long long)h.reentry);
	say_info(r, "saving '%s' into '%s' (%s%s%s, %u threads)", j->core, j->o->dest,
		 compressor_name(j->so.compressor), j->so.key ? ", encrypted with " : "",
		 j->so.key ? kj_aead_name(j->key.aead) : "", j->so.threads);
	free_filter(j, vc, &fm);
	kj_clock_start(&j->t0);
	err = kj_save(vc, j->o->dest, &h, &j->so, st);
	kj_freemap_free(fm);
	if (err == -ENOSPC)
		say_error(r, "'%s' is too small for the image (%llu bytes written); it is left incomplete",
			  j->o->dest, (unsigned long long)st->bytes);
	else if (err)
		say_error(r, "the save to '%s' failed: %s; the image is left incomplete",
			  j->o->dest, strerror(-err));
	return err;
}

int kj_save_core(const struct kj_save_core_opts *o, struct kj_save_stats *st)
{
	struct save_job j = {
		.o = o, .core = o->core ? o->core : KJ_VMCORE_PATH,
		.so = { .extents = o->extents, .compressor = o->compressor,
			.level = o->level, .threads = o->threads },
	};
	struct kj_save_stats own;
	struct kj_vmcore *vc;
	int err;

	if (!st)
		st = &own;
	memset(st, 0, sizeof(*st));
	/* as many as fit: B runs in the reserved region */
	if (!j.so.threads &&
	    (err = kj_threads_for(o->report, "the save", kj_save_thread_bytes(), &j.so.threads)))
		return err;
	if (o->report && o->report->progress) {
		j.so.progress = progress;
		j.so.ctx = &j;
	}
	if (o->stamp && (err = kj_stamp_check(o->report, o->dest, o->extents, o->stamp, NULL)))
		return err;
	err = open_core(&j, &vc);
	if (err)
		return err;
	err = save(&j, vc, st);
	explicit_bzero(&j.key, sizeof(j.key));
	kj_vmcore_close(vc);
	if (!err)
		summary(&j, st);
	return err;
}
