// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump save: in B, save the caller's memory into an image. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define VMCORE_PATH "/proc/vmcore"

struct save_args {
	const char *dest;
	const char *from;
	const char *extents;
	bool no_filter;
	struct kj_save_opts o;
	struct timespec t0;
	double last_report;
};

static void save_usage(FILE *f)
{
	fprintf(f,
		"usage: kjump save --to DEST [--compress lz4|zstd[:LEVEL]] [--threads N]\n\n"
		"In B: saves the memory of the kernel that started it, from /proc/vmcore,\n"
		"into an image at DEST (a block device or a file): pages that were free\n"
		"there are left out, zero pages recorded without data, the rest\n"
		"compressed on every CPU, everything checksummed. The image is marked\n"
		"complete only once all of it is on stable storage.\n\n"
		"options:\n"
		"  --to DEST           where the image goes\n"
		"  --compress ALG      lz4 (default), zstd, zstd:LEVEL, none\n"
		"  --threads N         compression threads (default: online CPUs)\n"
		"  --from CORE         read an ELF core file instead of " VMCORE_PATH "\n"
		"  --no-filter         save free pages too\n"
		"  --extents MAP       DEST is a device, and the image goes into the\n"
		"                      extents MAP lists (from 'kjump extents FILE')\n"
		"  -h, --help          show this help\n");
}

static int parse_compress(const char *arg, struct kj_save_opts *o)
{
	char *end;

	if (!strcmp(arg, "lz4")) {
		o->compressor = KJ_COMPRESS_LZ4;
		o->level = 1;
	} else if (!strcmp(arg, "none")) {
		o->compressor = KJ_COMPRESS_NONE;
		o->level = 0;
	} else if (!strncmp(arg, "zstd", 4) && (!arg[4] || arg[4] == ':')) {
		o->compressor = KJ_COMPRESS_ZSTD;
		o->level = arg[4] ? (int)strtol(arg + 5, &end, 10) : 1;
		if (arg[4] && (*end || end == arg + 5 || o->level < 1 || o->level > 19))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int parse_save_args(int argc, char **argv, struct save_args *a)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "compress", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 'j' },
		{ "from", required_argument, NULL, 'f' },
		{ "no-filter", no_argument, NULL, 'n' },
		{ "extents", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t n;
	int c;

	a->o.compressor = KJ_COMPRESS_LZ4;
	a->o.level = 1;
	a->o.threads = (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
	a->from = VMCORE_PATH;
	while ((c = next_option(argc, argv, opts)) != -1) {
		switch (c) {
		case 't': a->dest = optarg; break;
		case 'f': a->from = optarg; break;
		case 'n': a->no_filter = true; break;
		case 'x': a->extents = optarg; break;
		case 'c':
			if (parse_compress(optarg, &a->o)) {
				error("unknown compression '%s'", optarg);
				hint("use lz4, zstd, zstd:LEVEL (1 to 19) or none");
				return EXIT_USAGE;
			}
			break;
		case 'j':
			if (parse_u64(optarg, &n) || !n || n > 256) {
				error("bad thread count '%s'", optarg);
				return EXIT_USAGE;
			}
			a->o.threads = (unsigned int)n;
			break;
		case 'h': save_usage(stdout); return -1;
		default:
			bad_option("save", c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (!a->dest || optind != argc) {
		error(a->dest ? "unexpected argument '%s'" : "no --to DEST given",
		      argv[optind]);
		save_usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

static void progress(void *ctx, uint64_t done, uint64_t total, uint64_t bytes)
{
	struct save_args *a = ctx;
	double t = seconds_since(&a->t0);
	double mbs = t > 0 ? (double)done * KJ_PAGE_SIZE / 1e6 / t : 0;

	if (!isatty(STDERR_FILENO) || t - a->last_report < 0.5)
		return;
	a->last_report = t;
	fprintf(stderr, "\rkjump: saving: %3.0f%% of %llu MiB, %.0f MB/s, %llu MiB written, ETA %.0f s  ",
		total ? 100.0 * (double)done / (double)total : 100.0,
		(unsigned long long)(total * KJ_PAGE_SIZE >> 20), mbs,
		(unsigned long long)(bytes >> 20),
		mbs > 0 ? (double)(total - done) * KJ_PAGE_SIZE / 1e6 / mbs : 0);
}

/* The RAM the image describes: the core's PT_LOADs, whole pages only.
 * The excluded ranges: this kernel's own RAM (the region, low memory),
 * when the core is this kernel's /proc/vmcore. */
static int image_maps(const struct kj_vmcore *vc, struct kj_image_header *h,
		      bool own_core)
{
	struct kj_iomem *iomem;
	int err;

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
	if (!own_core)
		return 0;
	err = kj_iomem_read("/proc/iomem", &iomem, NULL);
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

/* The image's identity: who A is, and what B may not restore over. */
static int fill_header(const struct kj_vmcore *vc, struct kj_image_header *h,
		       const struct kj_save_opts *o, bool own_core)
{
	const char *info = "";
	int err;

	memset(h, 0, sizeof(*h));
	if (new_uuid(h->uuid))
		return -EIO;
	h->created = (uint64_t)time(NULL);
	h->compressor = (uint16_t)o->compressor;
	h->level = (uint16_t)o->level;
	if (own_jump_back_entry(&h->reentry))
		h->reentry = 0;
	if (kj_vmcore_vmcoreinfo(vc, &info))
		info = "";
	kj_vmcoreinfo_str(info, "OSRELEASE", h->osrelease, sizeof(h->osrelease));
	kj_vmcoreinfo_str(info, "BUILD-ID", h->build_id, sizeof(h->build_id));
	if (*info)
		h->note_len = (uint32_t)kj_vmcoreinfo_note(info, h->note, sizeof(h->note));
	err = image_maps(vc, h, own_core);
	return err;
}

static bool is_free(void *ctx, uint64_t pfn)
{
	return kj_freemap_test(ctx, pfn);
}

/* Leaves out what was free in A, if VMCOREINFO says enough to know. */
static void free_filter(const struct kj_vmcore *vc, struct save_args *a,
			struct kj_freemap **fm)
{
	struct timespec t0;
	int err;

	start_clock(&t0);
	err = a->no_filter ? 0 : kj_freemap_build(vc, fm);

	if (a->no_filter) {
		note("--no-filter: saving every page, free or not");
	} else if (err) {
		note("cannot tell free pages from used ones (%s): saving every page",
		     err == -ENOENT ? "VMCOREINFO lacks what the filter needs"
				    : strerror(-err));
	} else {
		note("leaving out %llu pages that were free in the buddy allocator (found in %.2f s)",
		     (unsigned long long)kj_freemap_count(*fm), seconds_since(&t0));
		a->o.is_free = is_free;
		a->o.free_ctx = *fm;
	}
}

static void report(const struct save_args *a, const struct kj_save_stats *st)
{
	double t = seconds_since(&a->t0);
	double ram_mb = (double)st->pages_ram * KJ_PAGE_SIZE / 1e6;

	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	note("saved '%s': %llu pages of RAM: %llu saved, %llu zero, %llu left out as free",
	     a->dest, (unsigned long long)st->pages_ram,
	     (unsigned long long)st->pages_saved, (unsigned long long)st->pages_zero,
	     (unsigned long long)st->pages_free);
	note("%llu bytes in %.2f s, %.0f MB/s of RAM, %u threads",
	     (unsigned long long)st->bytes, t, t > 0 ? ram_mb / t : 0, a->o.threads);
	note("time: reading %.2f s, compressing %.2f s, writing %.2f s",
	     st->read_s, st->encode_s, st->write_s);
}

static void explain_save_error(const struct save_args *a, int err,
			       const struct kj_save_stats *st)
{
	if (err == -ENOSPC)
		error("'%s' is too small for the image (%llu bytes written); it is left incomplete",
		      a->dest, (unsigned long long)st->bytes);
	else
		error("the save to '%s' failed: %s; the image is left incomplete",
		      a->dest, strerror(-err));
}

int cmd_save(int argc, char **argv)
{
	struct save_args a = { 0 };
	struct kj_image_header h;
	struct kj_save_stats st;
	struct kj_freemap *fm = NULL;
	struct kj_extents x = { 0 };
	struct kj_vmcore *vc;
	int err, r = parse_save_args(argc, argv, &a);

	if (r)
		return r < 0 ? 0 : r;
	if (a.extents && read_extents(a.extents, &x))
		return EXIT_FAILED;
	a.o.extents = a.extents ? &x : NULL;
	err = kj_vmcore_open(a.from, &vc);
	if (err) {
		error("cannot open '%s': %s", a.from,
		      err == -ENOEXEC ? "not an x86_64 ELF core" : strerror(-err));
		kj_extents_release(&x);
		if (!strcmp(a.from, VMCORE_PATH))
			hint("run 'kjump save' in the kernel that 'kjump load' started");
		return EXIT_FAILED;
	}
	err = fill_header(vc, &h, &a.o, !strcmp(a.from, VMCORE_PATH));
	if (err) {
		error("cannot describe the image: %s", strerror(-err));
		kj_vmcore_close(vc);
		return EXIT_FAILED;
	}
	note("saving '%s' into '%s' (%s, %u threads)", a.from, a.dest,
	     a.o.compressor == KJ_COMPRESS_ZSTD ? "zstd" :
	     a.o.compressor == KJ_COMPRESS_LZ4 ? "lz4" : "no compression",
	     a.o.threads);
	free_filter(vc, &a, &fm);
	a.o.progress = progress;
	a.o.ctx = &a;
	start_clock(&a.t0);
	err = kj_save(vc, a.dest, &h, &a.o, &st);
	kj_freemap_free(fm);
	kj_vmcore_close(vc);
	kj_extents_release(&x);
	if (err) {
		explain_save_error(&a, err, &st);
		return EXIT_FAILED;
	}
	report(&a, &st);
	return 0;
}
