/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libkjump: kexec-jump based hibernation and kernel switching.
 *
 * The one public header. Everything public starts with kj_. Functions
 * return 0 or a negative errno; the library never prints and never exits:
 * diagnostics go through the callback installed with kj_set_print().
 */
#ifndef KJUMP_H
#define KJUMP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What this header declares is the library's interface; everything else
 * in it is compiled hidden (-fvisibility=hidden) and made local. */
#pragma GCC visibility push(default)

#define KJ_PAGE_SIZE 4096u

/* ---- Diagnostics ---------------------------------------------------- */

enum kj_print_level {
	KJ_WARN,
	KJ_INFO,
	KJ_DEBUG,
};

typedef void (*kj_print_fn)(enum kj_print_level level, const char *fmt,
			    va_list ap);

/* Installs fn (NULL: silence) and returns the previous callback. */
kj_print_fn kj_set_print(kj_print_fn fn);

/* ---- Physical memory ranges ----------------------------------------- */

/* An inclusive range [start, end], as /proc/iomem writes them. */
struct kj_range {
	uint64_t start;
	uint64_t end;
};

uint64_t kj_range_size(const struct kj_range *r);

/* ---- /proc/iomem ---------------------------------------------------- */

struct kj_iomem;

struct kj_iomem_entry {
	struct kj_range range;
	unsigned int depth;	/* 0 for top level, 1 for its children... */
	const char *name;	/* owned by the kj_iomem */
};

/*
 * Parses the text of /proc/iomem. Returns -EINVAL on a malformed line and,
 * if bad_line is not NULL, stores its 1-based number there. Returns -EPERM
 * if every address reads as zero (the kernel hides them from non-root).
 */
int kj_iomem_parse(const char *text, size_t len, struct kj_iomem **out,
		   size_t *bad_line);
int kj_iomem_read(const char *path, struct kj_iomem **out, size_t *bad_line);
void kj_iomem_free(struct kj_iomem *iomem);

size_t kj_iomem_count(const struct kj_iomem *iomem);
const struct kj_iomem_entry *kj_iomem_get(const struct kj_iomem *iomem,
					  size_t i);

/* The first entry called name, at any depth; -ENOENT if there is none. */
int kj_iomem_find(const struct kj_iomem *iomem, const char *name,
		  struct kj_range *out);

/* The region reserved with crashkernel= ("Crash kernel"); -ENOENT if none. */
int kj_iomem_crash_region(const struct kj_iomem *iomem, struct kj_range *out);

/* True if all of [start, start + size) is top-level "System RAM". */
bool kj_iomem_is_ram(const struct kj_iomem *iomem, uint64_t start,
		     uint64_t size);

/* ---- kexec ---------------------------------------------------------- */

/* One piece of a load: bufsz bytes from buf, placed at physical mem. */
struct kj_segment {
	const void *buf;
	size_t bufsz;
	uint64_t mem;		/* page aligned */
	uint64_t memsz;		/* page aligned, >= bufsz */
};

/* Why this system cannot kexec-jump, as found by kj_kexec_check(). */
enum kj_kexec_denial {
	KJ_KEXEC_ALLOWED,
	KJ_KEXEC_NOT_ROOT,	/* no CAP_SYS_BOOT */
	KJ_KEXEC_NO_KEXEC,	/* kernel built without CONFIG_KEXEC */
	KJ_KEXEC_NO_JUMP,	/* kernel built without CONFIG_KEXEC_JUMP */
	KJ_KEXEC_LOCKED_DOWN,	/* kernel lockdown forbids kexec_load */
	KJ_KEXEC_DISABLED,	/* kernel.kexec_load_disabled = 1 */
	KJ_KEXEC_REFUSED,	/* an LSM or the load limit said no */
	KJ_KEXEC_BLOCKED,	/* a seccomp filter hides kexec_load */
};

/*
 * Finds out, without loading or unloading anything, whether a
 * preserve-context kexec_load would be accepted, and if not, why.
 */
int kj_kexec_check(enum kj_kexec_denial *why);

/* Loads segments with KEXEC_PRESERVE_CONTEXT, entry at physical entry. */
int kj_kexec_load_jump(uint64_t entry, const struct kj_segment *segs,
		       size_t nr);
/* Loads segments for a plain kexec: the caller does not come back. */
int kj_kexec_load_plain(uint64_t entry, const struct kj_segment *segs,
			size_t nr);
/* Unloads whatever kexec image is loaded. */
int kj_kexec_unload(void);
/* Jumps to the loaded image, once this process's terminals and the console
 * have sent what was written to them (at most 2 s). Returns 0 once the
 * system is back. */
int kj_kexec_jump(void);

/* The lockdown mode in the text of /sys/kernel/security/lockdown. */
enum kj_lockdown {
	KJ_LOCKDOWN_UNKNOWN,
	KJ_LOCKDOWN_NONE,
	KJ_LOCKDOWN_INTEGRITY,
	KJ_LOCKDOWN_CONFIDENTIALITY,
};

enum kj_lockdown kj_lockdown_parse(const char *text);

/* ---- Calls into code in physical mode -------------------------------- */

/*
 * Where a flat binary of size bytes goes. With at == NULL it goes to the
 * start of the crashkernel= region. Errors:
 *   -ENOENT        no region and no address given
 *   -EFBIG         larger than the region
 *   -EINVAL        empty, or the address is not page aligned
 *   -EADDRNOTAVAIL the range is not all System RAM
 */
int kj_call_place(const struct kj_iomem *iomem, uint64_t size,
		  const uint64_t *at, uint64_t *addr);

/*
 * Loads code at physical addr, calls it with a preserve-context kexec
 * jump, and unloads it once the system is back. The code runs in 64-bit
 * mode on an identity map and returns with ret.
 */
int kj_call(const void *code, size_t size, uint64_t addr);

/* ---- Ranges --------------------------------------------------------- */

/* Where two lists of ranges first differ: the index of the first entry
 * that is not the same in both (one list may end there); SIZE_MAX if
 * they are the same. */
size_t kj_ranges_first_difference(const struct kj_range *a, size_t na,
				  const struct kj_range *b, size_t nb);

/* Cuts every hole out of src; out is sorted. -E2BIG past max ranges. */
int kj_ranges_subtract(const struct kj_range *src, size_t nsrc,
		       const struct kj_range *holes, size_t nholes,
		       struct kj_range *out, size_t max, size_t *nout);

/* ---- bzImage ----------------------------------------------------------- */

#define KJ_BOOT_PROTOCOL_MIN 0x020c	/* 2.12: 64-bit entry, xloadflags */

struct kj_bzimage {
	uint16_t version;		/* boot protocol, 0x020f is 2.15 */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t setup_size;		/* real-mode part before the kernel */
	uint32_t header_end;		/* end of the setup header */
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t min_alignment;		/* log2 */
	uint32_t cmdline_size;		/* longest command line, without NUL */
	uint64_t pref_address;
	uint32_t init_size;		/* memory the kernel needs from its start */
	uint64_t payload_size;		/* bytes after the setup part */
};

/*
 * Parses a bzImage's setup header. Errors:
 *   -ENOEXEC          not a bzImage (no boot flag or "HdrS")
 *   -EPROTONOSUPPORT  boot protocol older than 2.12; bz->version is set
 *   -EPROTOTYPE       no 64-bit entry point, or not relocatable
 *   -EBADMSG          damaged or truncated
 */
int kj_bzimage_parse(const void *buf, size_t len, struct kj_bzimage *bz);

/* ---- Memory maps ------------------------------------------------------- */

#define KJ_E820_RAM		1
#define KJ_E820_RESERVED	2
#define KJ_E820_ACPI		3
#define KJ_E820_NVS		4
#define KJ_E820_UNUSABLE	5
#define KJ_E820_PMEM		7
#define KJ_E820_PRAM		12	/* legacy persistent memory */
#define KJ_E820_SOFT_RESERVED	0xefffffffu

#define KJ_E820_MAX 128		/* entries that fit in boot_params */

struct kj_e820_entry {
	struct kj_range range;
	uint32_t type;
};

/* The e820 type for a name as /sys/firmware/memmap and /proc/iomem write
 * it ("System RAM", "ACPI Tables"...), or 0 if it is not an e820 type. */
uint32_t kj_e820_type(const char *name);

/* ---- What a load needs to know about the running system --------------- */

struct kj_system {
	bool has_region;
	struct kj_range region;		/* crashkernel= */
	struct kj_range *ram;		/* top-level System RAM */
	size_t nram;
	struct kj_e820_entry *fw;	/* the firmware's map */
	size_t nfw;
	uint64_t vmcoreinfo_addr;	/* the VMCOREINFO note, physical */
	uint64_t vmcoreinfo_size;
	uint64_t rsdp;			/* ACPI RSDP, 0 if unknown */
	uint64_t page_offset;		/* virtual address of physical 0 in the
					 * direct map, 0 if unknown */
	uint64_t total_ram;		/* bytes, as the kernel counts them */
};

/* Reads /proc/iomem, /sys/firmware/memmap (or /proc/iomem's top level
 * without it), /sys/kernel/vmcoreinfo, the RSDP and sysinfo(). */
int kj_system_read(struct kj_system *sys);
void kj_system_release(struct kj_system *sys);

/* ---- Loading a kernel B ------------------------------------------------ */

#define KJ_SEGMENTS_MAX 16

enum kj_seg_kind {
	KJ_SEG_KERNEL,		/* B's kernel, memsz = init_size */
	KJ_SEG_INITRD,
	KJ_SEG_SETUP,		/* purgatory, boot_params, command line */
	KJ_SEG_ELFCORE,		/* ELF core headers for B's /proc/vmcore */
	KJ_SEG_BACKUP,		/* low memory B may use, swapped out */
};

struct kj_load_input {
	const void *kernel;
	size_t kernel_size;
	const void *initrd;
	size_t initrd_size;
	const char *append;		/* the user's part of B's command line */
	const struct kj_system *sys;
	/* Load R, to restore: the caller's RAM (all but the region and low
	 * memory) becomes legacy persistent memory (e820 type 12, /dev/pmemN)
	 * instead of /proc/vmcore; no ELF core headers. */
	bool restore;
};

struct kj_load_plan {
	struct kj_segment segs[KJ_SEGMENTS_MAX];
	enum kj_seg_kind kinds[KJ_SEGMENTS_MAX];
	size_t nr;
	uint64_t entry;			/* the purgatory */
	uint64_t kernel_entry;		/* B's 64-bit entry point */
	uint64_t boot_params;
	uint64_t cmdline;
	uint64_t elfcorehdr;
	uint64_t region_needed;		/* bytes B needs, runtime included */
	struct kj_bzimage bz;
	struct kj_e820_entry e820[KJ_E820_MAX];	/* what B is told */
	size_t ne820;
	size_t nloads;			/* PT_LOADs given to B */
	bool restore;			/* R: loaded for a plain kexec */
	char *cmdline_text;		/* B's whole command line */
	/* R: the start of the region, where B's segments lay, which A swaps
	 * back on its way in; left out of R's RAM. end < start: none. */
	struct kj_range kept_out;
	uint8_t *setup_buf;		/* owned: the KJ_SEG_SETUP bytes */
	uint8_t *elfcore_buf;		/* owned */
};

/*
 * Plans a load of kernel B confined to the region and the low memory it
 * may use. Builds B's boot_params, command line, ELF core headers and
 * purgatory. Errors, beyond kj_bzimage_parse()'s:
 *   -ENOENT        no crashkernel= region
 *   -ENOSPC        the region is too small; plan->region_needed says how big
 *   -ERANGE        the region lies where the kernel or initrd cannot go
 *   -ENAMETOOLONG  the command line is longer than the kernel takes
 *   -E2BIG         more than 16 segments, or more than 128 e820 entries
 *   -EFBIG         more than half of RAM (the kernel refuses such loads)
 *   -EXDEV         a segment outside the region and low memory (a bug)
 * On error plan is still valid to read and must be released.
 */
int kj_load_plan(const struct kj_load_input *in, struct kj_load_plan *plan);
void kj_load_plan_release(struct kj_load_plan *plan);

/* Loads the plan: with KEXEC_PRESERVE_CONTEXT for B, plain for R. */
int kj_load_plan_load(const struct kj_load_plan *plan);

/* ---- ELF core headers and /proc/vmcore -------------------------------- */

/* Builds ELF64 core headers: one PT_NOTE at note_addr, a PT_LOAD for each
 * range, with p_vaddr = page_offset + p_paddr if page_offset is not 0.
 * The caller frees *buf. */
int kj_elfcore_build(const struct kj_range *loads, size_t nloads,
		     uint64_t note_addr, uint64_t note_size, uint64_t page_offset,
		     void **buf, size_t *len);

struct kj_elf_phdr {
	uint32_t type;			/* 1 PT_LOAD, 4 PT_NOTE */
	uint64_t offset;
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
};

#define KJ_PT_LOAD 1
#define KJ_PT_NOTE 4

/* Parses an ELF64 core file's header and program headers from buf. The
 * caller frees *phdrs. -ENOEXEC if it is not an x86_64 ELF64 core. */
int kj_elfcore_parse(const void *buf, size_t len, struct kj_elf_phdr **phdrs,
		     size_t *nphdrs);

/* Writes the ELF note for a VMCOREINFO text into buf; its length, or 0
 * if it does not fit in cap. */
size_t kj_vmcoreinfo_note(const char *text, uint8_t *buf, size_t cap);

struct kj_vmcore;

int kj_vmcore_open(const char *path, struct kj_vmcore **out);
void kj_vmcore_close(struct kj_vmcore *vc);
size_t kj_vmcore_phdr_count(const struct kj_vmcore *vc);
const struct kj_elf_phdr *kj_vmcore_phdr(const struct kj_vmcore *vc, size_t i);
/* Reads len bytes at physical address paddr; -ENXIO if not in the core. */
int kj_vmcore_read(const struct kj_vmcore *vc, uint64_t paddr, void *buf,
		   size_t len);
/* The value of KEY (without "=") in a VMCOREINFO text, copied into out;
 * -ENOENT (and "") if it is not there. */
int kj_vmcoreinfo_str(const char *text, const char *key, char *out,
		      size_t size);

/* The whole pages a core's segment holds: [*first, *end) in page frames,
 * empty when it holds no whole page. */
void kj_phdr_pages(const struct kj_elf_phdr *ph, uint64_t *first,
		   uint64_t *end);

/* The VMCOREINFO text (NUL-terminated, owned by vc); -ENOENT if none. */
int kj_vmcore_vmcoreinfo(const struct kj_vmcore *vc, const char **text);

/*
 * The arguments of a kernel command line that B and R inherit: console=
 * and those that say how to drive the machine (pci=, acpi=, iommu=, tsc=
 * and the like), space-separated into out. From the first argument that
 * does not fit on, none is copied. Returns the length written.
 */
size_t kj_cmdline_inherit(const char *cmdline, char *out, size_t size);

/* ---- Jumping back ------------------------------------------------------- */

/* The kexec_jump_back_entry= value on a command line; -ENOENT if none. */
int kj_jump_back_entry(const char *cmdline, uint64_t *entry);

/*
 * In B: loads a jump back to entry, with a segment that keeps the caller's
 * control page identity-mapped and holding what it holds now (read from
 * the core). Load it once and jump with kj_kexec_jump() as often as needed:
 * after each return the kernel keeps the caller's newest control page in
 * the loaded image, and a second load would lose it.
 */
int kj_jump_back_load(const struct kj_vmcore *vc, uint64_t entry);
/* The same, with the control page's content given (R reads it from the
 * memory it has just restored). */
int kj_jump_back_load_page(uint64_t entry, const void *page);

/* ---- Images (doc/image-format.md) ------------------------------------ */

#define KJ_IMAGE_VERSION	2
#define KJ_IMAGE_HEADER_SIZE	4096
#define KJ_IMAGE_FLAG_COMPLETE	(1u << 0)
#define KJ_IMAGE_FLAG_CONSUMED	(1u << 1)
/* A restore was started: set before the first page is written (and by C
 * before it starts R), so that a restore that fails is not started again
 * and again by every boot. */
#define KJ_IMAGE_FLAG_ATTEMPTED	(1u << 2)
#define KJ_IMAGE_MAP_MAX	200	/* RAM + excluded entries in a header */
#define KJ_IMAGE_NOTE_MAX	8192	/* the VMCOREINFO note after the header */

enum kj_compressor {
	KJ_COMPRESS_NONE = 0,
	KJ_COMPRESS_LZ4 = 1,
	KJ_COMPRESS_ZSTD = 2,
};

/* What is wrong with an image, for kj_image_fault_str(). */
enum kj_image_fault {
	KJ_IMG_OK,
	KJ_IMG_TRUNCATED,
	KJ_IMG_BAD_MAGIC,
	KJ_IMG_BAD_VERSION,
	KJ_IMG_BAD_HEADER_LEN,
	KJ_IMG_BAD_HEADER_CHECKSUM,
	KJ_IMG_BAD_FLAGS,
	KJ_IMG_BAD_RESERVED,
	KJ_IMG_BAD_FIELD,		/* page size, compressor, counts */
	KJ_IMG_BAD_MAP,
	KJ_IMG_INCOMPLETE,
	KJ_IMG_CONSUMED,
	KJ_IMG_BAD_BLOCK_MAGIC,
	KJ_IMG_BAD_BLOCK_SEQ,
	KJ_IMG_BAD_BLOCK_LEN,
	KJ_IMG_BAD_BLOCK_CHECKSUM,
	KJ_IMG_BAD_RUNS,
	KJ_IMG_BAD_DATA,		/* does not decompress to raw_len */
	KJ_IMG_BAD_TRAILER,
	KJ_IMG_BAD_COUNTS,		/* blocks do not add up to the header */
	KJ_IMG_BAD_NOTE,
};

/* Where a fault was found: which block (or -1) and at which byte. */
struct kj_image_error {
	enum kj_image_fault fault;
	int64_t block;
	uint64_t offset;
};

const char *kj_image_fault_str(enum kj_image_fault fault);

struct kj_image_header {
	uint32_t flags;
	uint8_t uuid[16];
	uint64_t created;
	uint16_t compressor;
	uint16_t level;
	uint64_t reentry;
	uint64_t pages_ram;
	uint64_t pages_saved;
	uint64_t pages_zero;
	uint64_t pages_free;
	uint64_t nblocks;
	uint64_t trailer_offset;
	char osrelease[64];		/* NUL-terminated */
	char build_id[64];		/* NUL-terminated */
	struct kj_range ram[KJ_IMAGE_MAP_MAX];
	uint32_t nram;
	struct kj_range excluded[KJ_IMAGE_MAP_MAX];
	uint32_t nexcluded;
	uint64_t page_offset;
	uint32_t note_len;
	uint64_t note_checksum;		/* filled in by the encoder */
	uint8_t note[KJ_IMAGE_NOTE_MAX];	/* read by kj_image_open() */
};

/* Where the blocks start: after the header and the note area. */
uint64_t kj_image_data_offset(const struct kj_image_header *h);

/* Encodes h into a zeroed 4096-byte buf. -E2BIG if the maps do not fit. */
int kj_image_header_encode(const struct kj_image_header *h, uint8_t *buf);
/* Decodes and checks a header: magic, version, length, checksum, flags,
 * reserved bytes, fields, maps. On failure fills err and returns -EBADMSG.
 * Whether the image is complete or consumed is for the caller to judge. */
int kj_image_header_decode(const uint8_t *buf, size_t len,
			   struct kj_image_header *h, struct kj_image_error *err);

#define KJ_RUN_DATA 0
#define KJ_RUN_ZERO 1

struct kj_run {
	uint64_t pfn;
	uint32_t count;
	uint32_t kind;
};

/* A block: runs and the raw data of their DATA pages. */
struct kj_block {
	uint64_t seq;
	struct kj_run *runs;
	uint32_t nruns;
	const uint8_t *data;		/* 4096 bytes per DATA page, in order */
	uint32_t raw_len;
};

/* Worst-case encoded size of a block with nruns runs and raw_len bytes. */
size_t kj_block_bound(uint32_t nruns, uint32_t raw_len);
/* Encodes a block into out (at least kj_block_bound() bytes); *len is a
 * multiple of 4096. *checksum is the block's checksum. */
int kj_block_encode(const struct kj_block *b, enum kj_compressor c, int level,
		    uint8_t *out, size_t *len, uint64_t *checksum);

/* The fixed part of an encoded block, read before its body. */
struct kj_block_head {
	uint64_t seq;
	uint32_t nruns;
	uint32_t raw_len;
	uint32_t comp_len;
	uint32_t block_len;
	uint64_t checksum;
};

#define KJ_BLOCK_HEAD_SIZE 0x28

int kj_block_head_decode(const uint8_t *buf, struct kj_block_head *h,
			 enum kj_image_fault *fault);
/*
 * Checks a whole encoded block (block_len bytes at buf) and decodes it:
 * runs into *runs (caller frees), page data into *data (caller frees,
 * raw_len bytes).
 */
int kj_block_decode(const uint8_t *buf, const struct kj_block_head *h,
		    enum kj_compressor c, struct kj_run **runs, uint8_t **data,
		    enum kj_image_fault *fault);

/* ---- Extent maps -------------------------------------------------------- */

struct kj_extent {
	uint64_t dev;			/* byte offset on the device */
	uint64_t len;
};

/* Where a file's bytes lie on its device, in file order. */
struct kj_extents {
	struct kj_extent *e;
	size_t n;
	uint64_t total;			/* bytes */
};

/* From FIEMAP. -EMEDIUMTYPE if an extent is unwritten (fallocated),
 * shared, encoded, inline or not aligned: then the file will not do. */
int kj_extents_of_file(const char *path, struct kj_extents *x);
/* From "DEVICE_OFFSET LENGTH" lines; -EINVAL and *bad_line if malformed. */
int kj_extents_parse(const char *text, struct kj_extents *x, size_t *bad_line);
void kj_extents_release(struct kj_extents *x);
int kj_extents_map(const struct kj_extents *x, uint64_t off, uint64_t *dev,
		   uint64_t *avail);

/* ---- Image files -------------------------------------------------------- */

struct kj_image;

/* Opens an image (file or block device) and checks its header. On a bad
 * header returns -EBADMSG with err filled. */
int kj_image_open(const char *path, struct kj_image **img,
		  struct kj_image_error *err);
/* The same, for an image in a file's extents on device path (the extent
 * map stays the caller's and must outlive img). */
int kj_image_open_extents(const char *path, const struct kj_extents *ext,
			  struct kj_image **img, struct kj_image_error *err);
void kj_image_close(struct kj_image *img);
const struct kj_image_header *kj_image_get_header(const struct kj_image *img);
uint64_t kj_image_size(const struct kj_image *img);

/* Called for each block, in order, once it has been checked. */
typedef int (*kj_block_fn)(void *ctx, const struct kj_block *b);

/*
 * Checks the whole image: complete flag, every block (sequence, length,
 * checksum, runs inside A's RAM and outside the excluded ranges, data that
 * decompresses), the trailer, and that everything adds up to the header.
 * fn (may be NULL) sees each good block. Returns 0, -EBADMSG with err
 * filled, or what fn returned.
 */
int kj_image_verify(struct kj_image *img, kj_block_fn fn, void *ctx,
		    struct kj_image_error *err);

enum kj_walk_mode {
	KJ_WALK_VERIFY,		/* everything kj_image_verify checks */
	KJ_WALK_RUNS,		/* heads and run tables only: the image's shape
				 * and where its pages go; fn sees no data */
	KJ_WALK_TRUSTED,	/* data decoded, checksums not checked again:
				 * for an image verified just before */
};

struct kj_walk_opts {
	enum kj_walk_mode mode;
	kj_block_fn fn;			/* may be NULL */
	void *ctx;
	/* fn runs in the worker threads, several at once, in any order; after
	 * a failure it may have seen blocks past the failing one. */
	bool any_order;
	bool aligned;			/* b->data 4096-aligned (O_DIRECT) */
	unsigned threads;		/* 0: one per online CPU */
};

/* Walks the blocks, reading in order in the calling thread and checking
 * and decoding in worker threads; the trailer and counts are checked in
 * every mode. Returns as kj_image_verify, which is mode VERIFY in order. */
int kj_image_walk(struct kj_image *img, const struct kj_walk_opts *o,
		  struct kj_image_error *err);

/* Writes the image as an ELF core file at out (see lib/image/export.c). */
int kj_image_export_elf(struct kj_image *img, const char *out,
			struct kj_image_error *err);

struct kj_image_writer;

/* Starts an image at path (a block device, or a file it creates). Writes a
 * header without the complete flag first. h->flags and the counts are
 * filled in by kj_image_writer_finish(). */
int kj_image_writer_open(const char *path, const struct kj_image_header *h,
			 struct kj_image_writer **w);
/* The same, into a file's extents on device path; capacity is theirs. */
int kj_image_writer_open_extents(const char *path, const struct kj_extents *ext,
				 const struct kj_image_header *h,
				 struct kj_image_writer **w);
/* Appends one encoded block (from kj_block_encode()). */
int kj_image_writer_append(struct kj_image_writer *w, const uint8_t *buf,
			   size_t len, uint64_t checksum, uint32_t data_pages,
			   uint32_t zero_pages);
/* Writes the trailer, syncs, then writes the header with the complete flag
 * and the page counts, and syncs again. pages_free is the caller's count. */
int kj_image_writer_finish(struct kj_image_writer *w, uint64_t pages_free);
/* Closes; without a finish the image stays incomplete. */
void kj_image_writer_close(struct kj_image_writer *w);
uint64_t kj_image_writer_bytes(const struct kj_image_writer *w);

/* ---- Free pages -------------------------------------------------------- */

struct kj_freemap;

/*
 * Finds the pages that were free in the saved kernel's buddy allocator,
 * from its struct pages, as VMCOREINFO describes them. -ENOENT if
 * VMCOREINFO lacks a field the walk needs: then nothing may be left out.
 */
int kj_freemap_build(const struct kj_vmcore *vc, struct kj_freemap **out);
bool kj_freemap_test(const struct kj_freemap *m, uint64_t pfn);
uint64_t kj_freemap_count(const struct kj_freemap *m);
void kj_freemap_free(struct kj_freemap *m);

/* ---- Restoring (in R) --------------------------------------------------- */

struct kj_pmems;

/* Opens every legacy persistent memory device (/dev/pmemN) with its
 * physical range. -ENODEV if there is none. */
int kj_pmems_open(struct kj_pmems **p);
void kj_pmems_close(struct kj_pmems *p);
/* Reads physical memory through them; -ENXIO outside them. */
int kj_pmems_read(const struct kj_pmems *p, uint64_t addr, void *buf,
		  size_t len);
/* Their physical ranges, in address order, into out (at most max).
 * Returns how many devices there are. */
size_t kj_pmems_ranges(const struct kj_pmems *p, struct kj_range *out, size_t max);
/*
 * For an R the boot loader started (no C checked the machine before):
 * the devices must be exactly the image's RAM (-EXDEV), that RAM must be
 * RAM in the firmware's own map (-ERANGE), and this kernel must lie
 * outside it (-EBUSY; -ENOENT if /proc/iomem does not say where it is).
 * bad is set to the range at fault.
 */
int kj_restore_check_machine(const struct kj_pmems *p,
			     const struct kj_image_header *h, struct kj_range *bad);
/* Checks the image's shape again (heads, run tables, trailer; not the
 * data, which the caller verified before) and that every page lands in a
 * device (-ERANGE if not), writing nothing. */
int kj_restore_check(struct kj_image *img, struct kj_pmems *p,
		     struct kj_image_error *err);
/* Writes every page back, zero pages as zeros, from one thread per CPU,
 * then syncs. The data is decoded, its checksums not checked again. */
int kj_restore_write(struct kj_image *img, struct kj_pmems *p,
		     struct kj_image_error *err, uint64_t *pages);
/* Sets a flag (KJ_IMAGE_FLAG_CONSUMED or _ATTEMPTED) in the image's
 * header (rewrites it), and syncs. */
int kj_image_mark(const char *path, const struct kj_extents *ext, uint32_t flag);

/* ---- Saving ----------------------------------------------------------- */

struct kj_save_opts {
	const struct kj_extents *extents;	/* dest is a device and these
						 * are the image's extents */
	enum kj_compressor compressor;
	int level;
	unsigned int threads;		/* compression threads, >= 1 */
	/* Pages for which is_free() is true are left out (NULL: none). */
	bool (*is_free)(void *free_ctx, uint64_t pfn);
	void *free_ctx;
	/* Called after each block is handed on, from the calling thread. */
	void (*progress)(void *ctx, uint64_t pages_done, uint64_t pages_total,
			 uint64_t bytes_written);
	void *ctx;
};

struct kj_save_stats {
	uint64_t pages_ram, pages_saved, pages_zero, pages_free;
	uint64_t bytes;			/* image bytes written */
	/* Seconds each stage was busy: reading the core (with the filter and
	 * the zero check), compressing and checksumming (summed over the
	 * threads), writing. They overlap; none includes waiting. */
	double read_s, encode_s, write_s;
};

/*
 * Saves the memory the core describes into an image at dest, with h's
 * identity fields (uuid, created, compressor, reentry, kernel, maps). The
 * image is complete only if this returns 0; on any error it is left
 * incomplete, which every reader refuses.
 */
int kj_save(const struct kj_vmcore *vc, const char *dest,
	    const struct kj_image_header *h, const struct kj_save_opts *o,
	    struct kj_save_stats *st);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* KJUMP_H */
