// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Planning a load of kernel B. Inside the region, from its start:
 *
 *   kernel   at a kernel_alignment boundary, init_size bytes
 *   initrd
 *   setup    purgatory | boot_params | command line
 *   elfcore  ELF core headers, reserved in B's e820
 *   ...      the rest of the region: B's free memory
 *
 * plus one backup segment (no data) over each low-memory RAM range, so the
 * preserve-context swap keeps the caller's content of those pages while B
 * uses them. Every segment must lie in the region or the low ranges: that
 * is the set the image leaves out, and all that B may touch.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "loader/loader.h"
#include "kexec/sys.h"
#include "purgatory.h"

#define SLOT_KEY "kexec_jump_back_entry=0x"
#define SLOT_DIGITS 16
#define LOW_MAX 8
#define LOADS_MAX 1024
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define ENTRY_64_OFFSET 0x200

struct layout {
	uint64_t kernel, kernel_mem;
	uint64_t initrd, initrd_mem;
	uint64_t setup, setup_mem, purgatory_mem, cmdline_len;
	uint64_t elfcore, elfcore_mem;
	uint64_t end;			/* first byte after the last segment */
};

/* B's command line, with fixed-width fields so its length is known before
 * the addresses are: the user's part, then what kjump needs. */
/* B's map names the caller's RAM (build_e820), which may lie above 4 GiB:
 * the kernel would then bounce DMA through a swiotlb buffer, 64 MiB of B's
 * region, for RAM B never uses. Only where B's own RAM is all below. */
#define NO_SWIOTLB "swiotlb=noforce "

static int build_cmdline(struct kj_load_plan *plan, const struct kj_load_input *in,
			 const struct layout *l, size_t *slot)
{
	const char *append = in->append;
	uint64_t elfcorehdr = l ? l->elfcore : 0;
	char core[128] = "", keep[64] = "";
	char *text;
	int len;

	/* B in a slot is told the part of it its load used: its jump back
	 * keeps those pages, and the low ones, in its own memory, so the
	 * caller can unload B's load and resume B later (design section 12,
	 * "Several kernels"). */
	if (in->slot)
		snprintf(keep, sizeof(keep), KJ_KEEP_KEY "0x%016llx-0x%016llx ",
			 (unsigned long long)in->slot->start,
			 (unsigned long long)(l ? l->end - 1 : 0));
	if (!in->restore)
		snprintf(core, sizeof(core), "elfcorehdr=0x%016llx %s%s",
			 (unsigned long long)elfcorehdr,
			 in->sys->region.end < (1ull << 32) ? NO_SWIOTLB : "", keep);
	len = asprintf(&text, "%s%snokaslr %s%s%0*d",
		       append ? append : "", append && *append ? " " : "",
		       core, SLOT_KEY, SLOT_DIGITS, 0);

	if (len < 0)
		return -ENOMEM;
	free(plan->cmdline_text);
	plan->cmdline_text = text;
	*slot = (size_t)len - SLOT_DIGITS;
	return (uint64_t)len > plan->bz.cmdline_size ? -ENAMETOOLONG : 0;
}

static void lay_out(const struct kj_load_plan *plan, const struct kj_range *r,
		    size_t initrd_size, size_t cmdline_len, size_t elfcore_len,
		    struct layout *l)
{
	uint64_t start = r->start > plan->bz.pref_address ? r->start
							  : plan->bz.pref_address;
	size_t purg = (size_t)(kj_purgatory_blob_end - kj_purgatory_blob);

	l->kernel = kj_align_up(start, plan->bz.kernel_alignment);
	l->kernel_mem = kj_page_up(plan->bz.init_size);
	l->initrd = l->kernel + l->kernel_mem;
	l->initrd_mem = kj_page_up(initrd_size);
	l->purgatory_mem = kj_page_up(purg);
	l->cmdline_len = cmdline_len;
	l->setup = l->initrd + l->initrd_mem;
	l->setup_mem = l->purgatory_mem + KJ_BOOT_PARAMS_SIZE +
		       kj_page_up(cmdline_len + 1);
	l->elfcore = l->setup + l->setup_mem;
	l->elfcore_mem = kj_page_up(elfcore_len);
	l->end = l->elfcore + l->elfcore_mem;
}

/* Does the layout fit the region, and where the kernel needs it? */
static int check_fit(struct kj_load_plan *plan, const struct kj_range *r,
		     const struct layout *l, size_t initrd_size)
{
	uint64_t needed = l->end - r->start + 3 * (uint64_t)initrd_size +
			  KJ_RUNTIME_MARGIN;
	bool above_4g = plan->bz.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;

	plan->region_needed = kj_align_up(needed, 1u << 20);
	if (plan->bz.pref_address > r->end)
		return -ERANGE;
	if (l->end - 1 > r->end || kj_range_size(r) < needed)
		return -ENOSPC;
	if (initrd_size && l->initrd + initrd_size - 1 > plan->bz.initrd_addr_max &&
	    !above_4g)
		return -ERANGE;
	if (l->end > (1ull << 32) && !above_4g)
		return -ERANGE;
	return 0;
}

static void put_purgatory(uint8_t *buf, const struct layout *l,
			  uint64_t slot_addr)
{
	memcpy(buf, kj_purgatory_blob,
	       (size_t)(kj_purgatory_blob_end - kj_purgatory_blob));
	put_le64(buf + KJ_PURG_OFF_KERNEL_ENTRY, l->kernel + ENTRY_64_OFFSET);
	put_le64(buf + KJ_PURG_OFF_BOOT_PARAMS, l->setup + l->purgatory_mem);
	put_le64(buf + KJ_PURG_OFF_SLOT, slot_addr);
	put_le64(buf + KJ_PURG_OFF_SLOT_LEN, SLOT_DIGITS);
}

/* The loaded kernel's RAM: its part of the region and the low ranges; the
 * ELF headers carved out. The caller's RAM: R's to write into; B's as
 * ACPI data, so that B's kexec loads map it and B's jump back needs no
 * segment over the caller's control page (lib/flow/back.c), unless the
 * entries would not fit in boot_params: then B's map leaves it out, as
 * it used to, and B's jump back carries that page. */
static int build_e820(struct kj_load_plan *plan, const struct kj_system *sys,
		      const struct kj_range *mine,
		      const struct kj_range *low, size_t nlow,
		      const struct kj_e820_caller *caller,
		      const struct layout *l)
{
	struct kj_range ram[LOW_MAX + 1];
	struct kj_range carve = { l->elfcore, l->elfcore + l->elfcore_mem - 1 };
	int err;

	memcpy(ram, low, nlow * sizeof(*low));
	ram[nlow] = *mine;
	kj_ranges_sort(ram, nlow + 1);
	err = kj_e820_build(sys->fw, sys->nfw, ram, nlow + 1, &carve,
			    l->elfcore_mem ? 1 : 0, caller, plan->e820, &plan->ne820);
	if (err == -E2BIG && caller->type == KJ_E820_ACPI)
		err = kj_e820_build(sys->fw, sys->nfw, ram, nlow + 1, &carve,
				    l->elfcore_mem ? 1 : 0, NULL, plan->e820,
				    &plan->ne820);
	return err;
}

static int build_setup(struct kj_load_plan *plan, const struct kj_load_input *in,
		       const struct layout *l, size_t slot)
{
	uint8_t *buf = calloc(1, l->setup_mem);
	struct kj_boot_setup bs = {
		.cmdline = l->setup + l->purgatory_mem + KJ_BOOT_PARAMS_SIZE,
		.initrd = in->initrd_size ? l->initrd : 0,
		.initrd_size = in->initrd_size,
		.rsdp = in->sys->rsdp,
		.e820 = plan->e820,
		.ne820 = plan->ne820,
	};

	if (!buf)
		return -ENOMEM;
	plan->setup_buf = buf;
	put_purgatory(buf, l, bs.cmdline + slot);
	kj_boot_params_build(buf + l->purgatory_mem, in->kernel, &plan->bz, &bs);
	memcpy(buf + l->purgatory_mem + KJ_BOOT_PARAMS_SIZE, plan->cmdline_text,
	       l->cmdline_len + 1);
	plan->entry = l->setup;
	plan->kernel_entry = l->kernel + ENTRY_64_OFFSET;
	plan->boot_params = l->setup + l->purgatory_mem;
	plan->cmdline = bs.cmdline;
	plan->elfcorehdr = l->elfcore;
	return 0;
}

static void add_seg(struct kj_load_plan *plan, enum kj_seg_kind kind,
		    const void *buf, size_t bufsz, uint64_t mem, uint64_t memsz)
{
	if (plan->nr < KJ_SEGMENTS_MAX) {
		struct kj_segment *s = &plan->segs[plan->nr];

		s->buf = buf;
		s->bufsz = bufsz;
		s->mem = mem;
		s->memsz = memsz;
		plan->kinds[plan->nr] = kind;
	}
	plan->nr++;
}

static void add_segments(struct kj_load_plan *plan,
			 const struct kj_load_input *in, const struct layout *l,
			 const struct kj_range *low, size_t nlow,
			 size_t elfcore_len)
{
	const uint8_t *kernel = in->kernel;

	add_seg(plan, KJ_SEG_KERNEL, kernel + plan->bz.setup_size,
		plan->bz.payload_size, l->kernel, l->kernel_mem);
	if (in->initrd_size)
		add_seg(plan, KJ_SEG_INITRD, in->initrd, in->initrd_size,
			l->initrd, l->initrd_mem);
	add_seg(plan, KJ_SEG_SETUP, plan->setup_buf, l->setup_mem, l->setup,
		l->setup_mem);
	if (elfcore_len)
		add_seg(plan, KJ_SEG_ELFCORE, plan->elfcore_buf, elfcore_len,
			l->elfcore, l->elfcore_mem);
	for (size_t i = 0; i < nlow; i++)
		add_seg(plan, KJ_SEG_BACKUP, NULL, 0, low[i].start,
			kj_range_size(&low[i]));
}

/* The rules the kernel and the design impose, checked on the result. */
int kj_plan_check(const struct kj_load_plan *plan, const struct kj_range *allowed,
		  size_t nallowed, uint64_t total_ram)
{
	uint64_t total = 0;

	if (plan->nr > KJ_SEGMENTS_MAX)
		return -E2BIG;
	for (size_t i = 0; i < plan->nr; i++) {
		const struct kj_segment *s = &plan->segs[i];
		struct kj_range r = { s->mem, s->mem + s->memsz - 1 };

		if (!s->memsz || s->mem % KJ_PAGE_SIZE || s->memsz % KJ_PAGE_SIZE ||
		    s->bufsz > s->memsz || r.end < r.start)
			return -EINVAL;
		if (!kj_range_within(&r, allowed, nallowed))
			return -EXDEV;
		for (size_t j = 0; j < i; j++) {
			const struct kj_segment *t = &plan->segs[j];
			struct kj_range q = { t->mem, t->mem + t->memsz - 1 };

			if (kj_ranges_overlap(&r, &q))
				return -EINVAL;
		}
		total += s->memsz;
	}
	return total > total_ram / 2 ? -EFBIG : 0;
}

/* The caller's RAM minus everything B may touch: B's PT_LOADs, or R's
 * persistent memory. */
static int caller_ram(struct kj_load_plan *plan, const struct kj_system *sys,
		      const struct kj_range *excluded, size_t nexcluded,
		      struct kj_range **loads)
{
	*loads = malloc(LOADS_MAX * sizeof(**loads));
	if (!*loads)
		return -ENOMEM;
	return kj_ranges_subtract(sys->ram, sys->nram, excluded, nexcluded,
				  *loads, LOADS_MAX, &plan->nloads);
}

/* R's persistent memory: whole pages only, as images hold them. */
static void trim_to_pages(struct kj_range *r, size_t *n)
{
	size_t out = 0;

	for (size_t i = 0; i < *n; i++) {
		uint64_t s = kj_page_up(r[i].start);
		uint64_t e = (r[i].end + 1) & ~(uint64_t)(KJ_PAGE_SIZE - 1);

		if (s < e)
			r[out++] = (struct kj_range){ s, e - 1 };
	}
	*n = out;
}

static int build_elfcore(struct kj_load_plan *plan, const struct kj_system *sys,
			 const struct kj_range *loads, size_t *len)
{
	void *buf = NULL;
	int err = kj_elfcore_build(loads, plan->nloads, sys->vmcoreinfo_addr,
				   sys->vmcoreinfo_size, sys->page_offset,
				   &buf, len);

	plan->elfcore_buf = buf;
	return err;
}

static int plan_layout(struct kj_load_plan *plan, const struct kj_load_input *in,
		       const struct kj_range *excluded, size_t nlow,
		       const struct kj_range *loads, size_t elfcore_len,
		       struct layout *lp, size_t *slot);

static int plan_pieces(struct kj_load_plan *plan, const struct kj_load_input *in,
		       struct kj_range *excluded, size_t nlow)
{
	const struct kj_system *sys = in->sys;
	struct kj_range *loads = NULL;
	struct layout l;
	size_t slot, elfcore_len = 0;
	int err;

	err = caller_ram(plan, sys, excluded, nlow + 1, &loads);
	if (!err && in->restore)
		trim_to_pages(loads, &plan->nloads);
	if (!err && !in->restore)
		err = build_elfcore(plan, sys, loads, &elfcore_len);
	if (!err)
		err = build_cmdline(plan, in, NULL, &slot);
	if (!err)
		err = plan_layout(plan, in, excluded, nlow, loads, elfcore_len, &l, &slot);
	free(loads);
	if (err)
		return err;
	add_segments(plan, in, &l, excluded, nlow, elfcore_len);
	return kj_plan_check(plan, excluded, nlow + 1, sys->total_ram);
}

/*
 * R's part of the region: past where B's segments lay (B's are R's, plus
 * its ELF headers and a longer command line: B_MARGIN), if R fits there.
 * A swaps B's segments back on its way in where its load held them (B
 * not written in place: a crash kernel was loaded, or an older kjump
 * hibernated), and R cannot tell which; under emulation, writing over
 * pages that held code R ran is slow (each store invalidates translated
 * code), and that cost the jump back 0.5 s.
 */
#define B_ALIGN (2ull << 20)
#define B_MARGIN (4ull << 20)

static struct kj_range r_range(struct kj_load_plan *plan,
			       const struct kj_load_input *in, size_t cmdline_len)
{
	const struct kj_range *region = &in->sys->region;
	struct kj_range past_b;
	struct layout b, r;

	if (!in->restore)
		return in->slot ? *in->slot : *region;
	lay_out(plan, region, in->initrd_size, cmdline_len, 0, &b);
	past_b = (struct kj_range){ kj_align_up(b.end, B_ALIGN) + B_MARGIN, region->end };
	if (past_b.start > region->end)
		return *region;
	lay_out(plan, &past_b, in->initrd_size, cmdline_len, 0, &r);
	if (check_fit(plan, &past_b, &r, in->initrd_size))
		return *region;
	plan->kept_out = (struct kj_range){ region->start, past_b.start - 1 };
	return past_b;
}

static int plan_layout(struct kj_load_plan *plan, const struct kj_load_input *in,
		       const struct kj_range *excluded, size_t nlow,
		       const struct kj_range *loads, size_t elfcore_len,
		       struct layout *lp, size_t *slot)
{
	const struct kj_system *sys = in->sys;
	size_t cmdline_len = strlen(plan->cmdline_text);
	struct kj_range mine = r_range(plan, in, cmdline_len);
	struct layout l;
	int err;

	lay_out(plan, &mine, in->initrd_size, cmdline_len, elfcore_len, &l);
	err = check_fit(plan, &mine, &l, in->initrd_size);
	if (!err)
		err = build_cmdline(plan, in, &l, slot);
	if (!err)
		err = build_e820(plan, sys, &mine, excluded, nlow, &(struct kj_e820_caller){
					 loads, plan->nloads,
					 in->restore ? KJ_E820_PRAM : KJ_E820_ACPI }, &l);
	if (!err)
		err = build_setup(plan, in, &l, *slot);
	*lp = l;
	return err;
}

int kj_load_plan(const struct kj_load_input *in, struct kj_load_plan *plan)
{
	struct kj_range excluded[LOW_MAX + 1];
	size_t nlow;
	int err;

	memset(plan, 0, sizeof(*plan));
	plan->kept_out = (struct kj_range){ 1, 0 };
	err = kj_bzimage_parse(in->kernel, in->kernel_size, &plan->bz);
	if (err)
		return err;
	if (!in->sys->has_region)
		return -ENOENT;
	plan->restore = in->restore;
	plan->in_place = !in->restore && !in->slot;
	err = kj_low_ranges(in->sys->fw, in->sys->nfw, excluded, LOW_MAX, &nlow);
	if (err)
		return err;
	excluded[nlow] = in->sys->region;
	return plan_pieces(plan, in, excluded, nlow);
}

int kj_slot_range(const struct kj_range *region, unsigned n, uint64_t slot_size,
		  struct kj_range *out)
{
	uint64_t start;

	if (!n || !slot_size || slot_size % (2ull << 20))
		return -EINVAL;
	start = region->start + (uint64_t)(n - 1) * slot_size;
	if ((n - 1) > UINT64_MAX / slot_size || start < region->start ||
	    start > region->end || slot_size - 1 > region->end - start)
		return -ERANGE;
	*out = (struct kj_range){ start, start + slot_size - 1 };
	return 0;
}

void kj_load_plan_release(struct kj_load_plan *plan)
{
	free(plan->cmdline_text);
	free(plan->setup_buf);
	free(plan->elfcore_buf);
	plan->cmdline_text = NULL;
	plan->setup_buf = NULL;
	plan->elfcore_buf = NULL;
}

void kj_plan_split(const struct kj_load_plan *plan, struct kj_segment *region,
		   size_t *nregion, struct kj_segment *low, size_t *nlow)
{
	*nregion = *nlow = 0;
	for (size_t i = 0; i < plan->nr && i < KJ_SEGMENTS_MAX; i++) {
		if (plan->kinds[i] == KJ_SEG_BACKUP)
			low[(*nlow)++] = plan->segs[i];
		else
			region[(*nregion)++] = plan->segs[i];
	}
}

/*
 * B's segments in the region are written where they go, through a crash
 * load that is unloaded at once (the kernel copies a crash kernel into
 * the region when it is loaded, and leaves the bytes there when it is
 * unloaded); the preserve-context load then holds only the low-memory
 * backups. A load holding everything makes relocate_kernel swap B's
 * kernel (init_size, 19 MB) and initrd with what the region held, page
 * by page and three copies a page, at every jump into B and again at
 * every return, resume included. Whatever was loaded goes first: B's
 * state now lives in the region, so an image left loaded could jump
 * into the bytes written over it. -EAGAIN: load it all in one, as
 * before: on a kernel without crash loads, and when a crash kernel is
 * loaded, which kj_flow_load() refuses before this (B would overwrite
 * it wherever it is loaded).
 */
static int load_in_place(const struct kj_load_plan *plan)
{
	struct kj_segment region[KJ_SEGMENTS_MAX], low[KJ_SEGMENTS_MAX];
	size_t nregion, nlow;
	int err;

	kj_plan_split(plan, region, &nregion, low, &nlow);
	if (!nlow || kj_kexec_crash_loaded())
		return -EAGAIN;
	err = kj_kexec_unload();
	if (!err && kj_kexec_load_crash(plan->entry, region, nregion))
		return -EAGAIN;
	if (!err)
		err = kj_kexec_unload_crash();
	if (!err)
		err = kj_kexec_load_jump(plan->entry, low, nlow);
	return err;
}

int kj_load_plan_load(struct kj_load_plan *plan)
{
	int err;

	plan->placed = false;
	if (plan->restore)
		return kj_kexec_load_plain(plan->entry, plan->segs, plan->nr);
	if (plan->in_place && (err = load_in_place(plan)) != -EAGAIN) {
		plan->placed = !err;
		return err;
	}
	return kj_kexec_load_jump(plan->entry, plan->segs, plan->nr);
}
