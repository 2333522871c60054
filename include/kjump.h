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
	KJ_ERROR,		/* what went wrong: the operation failed */
	KJ_HINT,		/* what to do about the error before it */
	KJ_WARN,		/* something to know; the operation goes on */
	KJ_INFO,		/* what is being done, and results */
	KJ_DEBUG,		/* details, for -v */
};

/* Messages end without a newline. */
typedef void (*kj_print_fn)(enum kj_print_level level, const char *fmt,
			    va_list ap);

/* Installs fn (NULL: silence) and returns the previous callback. */
kj_print_fn kj_set_print(kj_print_fn fn);

/* How far a long operation has come. */
struct kj_progress {
	const char *what;		/* "saving" */
	uint64_t done, total;		/* pages */
	uint64_t bytes;			/* written so far */
	double seconds;			/* since it started */
};

/* Where a flow (kj_hibernate(), kj_resume()...) reports to. */
struct kj_report {
	/* NULL: the callback installed with kj_set_print() */
	void (*print)(void *ctx, enum kj_print_level level, const char *fmt,
		      va_list ap);
	void (*progress)(void *ctx, const struct kj_progress *p); /* or NULL */
	/* Asks for a secret (a passphrase), not echoed, into answer (size
	 * bytes, NUL-terminated, without the newline); 0, or a negative errno
	 * when no one can be asked. NULL: no one can. */
	int (*ask)(void *ctx, const char *prompt, char *answer, size_t size);
	void *ctx;
};

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

/* What `kjump call` gives a payload and takes back (doc/call.md). */
#define KJ_CALL_MAX_ARGS	8
#define KJ_CALL_MAX_IN		(16u << 20)	/* input bytes, at most */
#define KJ_CALL_OUT_SIZE	(4096u - 32)	/* the output buffer */
#define KJ_CALL_PARAMS_SIZE	128		/* the parameter block */

struct kj_call_req {
	const void *code;		/* the payload, a flat binary */
	size_t code_size;
	const void *in;			/* its input, NULL if none */
	size_t in_len;
	uint64_t args[KJ_CALL_MAX_ARGS];
	unsigned nargs;
};

struct kj_call_result {
	uint64_t status;		/* the payload's rax */
	size_t out_len;			/* what it wrote to its output */
	uint8_t out[KJ_CALL_OUT_SIZE];
};

/* Bytes of the one segment a call loads: stub, parameters, stack, the
 * payload and its input, each part in whole pages. */
uint64_t kj_call_segment_size(const struct kj_call_req *q);

/* The parameter block of q in a segment at base, whose result page lies at
 * result and holds cookie (physcall/physcall.h has the layout). */
void kj_call_params(uint8_t p[KJ_CALL_PARAMS_SIZE], const struct kj_call_req *q,
		    uint64_t base, uint64_t result, uint64_t cookie);

/* Where a segment of size bytes goes for a BIOS call: the lowest System
 * RAM at or above 64 KiB where all of it stays below 640 KiB. -ENOSPC if
 * none fits. */
int kj_call_place_low(const struct kj_iomem *iomem, uint64_t size,
		      uint64_t *addr);

/*
 * Loads q's payload at physical addr behind kjump's stub, calls it with a
 * preserve-context kexec jump, unloads it once the system is back, and
 * fills res. Errors:
 *   -EINVAL   no code, too many arguments
 *   -EFBIG    more input than KJ_CALL_MAX_IN
 *   -EAGAIN   the result page moved before the jump: nothing ran
 *   -EMSGSIZE the payload says it wrote more than the output buffer holds
 *             (res->status and res->out_len are set)
 */
int kj_call(const struct kj_call_req *q, uint64_t addr, struct kj_call_result *res);

/* The BIOS payload physcall/e820.S, built into the library. */
void kj_call_e820_payload(const void **code, size_t *size);

/* One entry of an INT 15h E820h answer, as the BIOS wrote it. */
struct kj_bios_e820 {
	uint64_t base, length;
	uint32_t type, attr;
};

/* The entries in the output of physcall/e820.S (24 bytes each); how many,
 * or -EBADMSG if len is not a whole number of them. */
int kj_bios_e820_parse(const uint8_t *out, size_t len,
		       struct kj_bios_e820 *e, size_t max);

/* The name /sys/firmware/memmap gives an e820 type ("System RAM"...),
 * or NULL for a type it has no name for. */
const char *kj_e820_type_name(uint32_t type);

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
	/* B in the whole region: its region segments may be written in
	 * place; placed: kj_load_plan_load() did (lib/loader/plan.c) */
	bool in_place, placed;
	char *cmdline_text;		/* B's whole command line */
	/* R: the start of the region, where B's segments lay, which A swaps
	 * back on its way in if its load held them (B not written in place);
	 * left out of R's RAM. end < start: none. */
	struct kj_range kept_out;
	uint8_t *setup_buf;		/* owned: the KJ_SEG_SETUP bytes */
	uint8_t *elfcore_buf;		/* owned */
};

void kj_load_plan_release(struct kj_load_plan *plan);

/* ---- ELF core headers and /proc/vmcore -------------------------------- */

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

/* The VMCOREINFO text (NUL-terminated, owned by vc); -ENOENT if none. */
int kj_vmcore_vmcoreinfo(const struct kj_vmcore *vc, const char **text);

/* ---- Images (doc/image-format.md) ------------------------------------ */

#define KJ_IMAGE_VERSION	4
#define KJ_IMAGE_HEADER_SIZE	4096
#define KJ_IMAGE_FLAG_COMPLETE	(1u << 0)
#define KJ_IMAGE_FLAG_CONSUMED	(1u << 1)
/* A boot went on without resuming it: it is never resumed, and the
 * header says why (discard_reason). */
#define KJ_IMAGE_FLAG_DISCARDED	(1u << 2)
/* Every block sealed with an AEAD under the image's own key, which the
 * header holds only sealed to a public key (doc/image-format.md). */
#define KJ_IMAGE_FLAG_ENCRYPTED	(1u << 3)
/* Restores started (tries): one that did not finish is tried again by the
 * next boot, up to this many in all; then the image is discarded. */
#define KJ_IMAGE_TRIES_MAX	2

/* What an image is for. Only a hibernation is ever resumed: a snapshot
 * resumed would undo everything written since it was taken. */
enum kj_image_kind {
	KJ_IMAGE_SNAPSHOT = 1,
	KJ_IMAGE_HIBERNATION = 2,
};

/* Why a boot discarded an image (kj_discard_str()). */
enum kj_discard {
	KJ_DISCARD_NONE,
	KJ_DISCARD_NORESUME,	/* the boot was told not to (kjump.noresume=1) */
	KJ_DISCARD_BAD_IMAGE,	/* a check failed; detail: the kj_image_fault */
	KJ_DISCARD_OTHER_KERNEL, /* booted with another kernel than A's */
	KJ_DISCARD_OTHER_MEMORY, /* this machine's memory is not A's */
	KJ_DISCARD_TRIES,	/* restores were started KJ_IMAGE_TRIES_MAX
				 * times and none finished */
	KJ_DISCARD_NO_RESTORE,	/* R could not be loaded or started */
	KJ_DISCARD_REPLACED,	/* a new image was begun over it */
	KJ_DISCARD_DISKS,	/* A's disks changed since it was saved */
	KJ_DISCARD_NO_KEY,	/* encrypted, and its key was not opened: the
				 * passphrase refused, or no secret key */
};

/* What A's free pages hold, for R to fill the pages the image left out:
 * A booted with init_on_free=1 expects zeros, with page_poison=1 the
 * poison byte. */
enum kj_free_fill {
	KJ_FREE_FILL_NONE = 0,
	KJ_FREE_FILL_ZERO = 1,
	KJ_FREE_FILL_POISON = 2,	/* every byte KJ_PAGE_POISON */
};
#define KJ_PAGE_POISON 0xaa

/* A file system or swap area A used, as it was on its disk once A had
 * synced for the last time: a resume refuses when it changed. */
#define KJ_DISKS_MAX 16
enum kj_disk_kind {
	KJ_DISK_FS = 1,
	KJ_DISK_SWAP = 2,
};

struct kj_disk_print {
	uint32_t kind;			/* enum kj_disk_kind */
	uint64_t size;			/* of its device, bytes */
	uint64_t hash;			/* XXH64 of what it covers */
	uint8_t id[16];			/* its UUID, as its superblock says */
	char name[24];			/* where A had it (mount point or
					 * device), NUL-terminated, for messages */
};
#define KJ_IMAGE_MAP_MAX	200	/* RAM + excluded entries in a header */
#define KJ_IMAGE_NOTE_MAX	8192	/* the VMCOREINFO note after the header */

/* How an encrypted image's blocks are sealed. */
enum kj_aead {
	KJ_AEAD_NONE = 0,
	KJ_AEAD_CHACHA20POLY1305 = 1,	/* IETF: 96-bit nonce */
	KJ_AEAD_AES256GCM = 2,		/* where the CPU has AES-NI */
};
#define KJ_IMAGE_KEY_SIZE	32
#define KJ_SEALED_KEY_SIZE	(KJ_IMAGE_KEY_SIZE + 48)
#define KJ_AEAD_TAG_SIZE	16

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
	KJ_IMG_BAD_TAG,			/* does not authenticate under its key */
	KJ_IMG_NEEDS_KEY,		/* encrypted, and no key was given */
	KJ_IMG_BAD_AEAD,		/* an AEAD this CPU or build lacks */
	KJ_IMG_NOT_ENCRYPTED,		/* plain, where a key says images are not */
};

/* Where a fault was found: which block (or -1) and at which byte. */
struct kj_image_error {
	enum kj_image_fault fault;
	int64_t block;
	uint64_t offset;
};

const char *kj_image_fault_str(enum kj_image_fault fault);
/* Why an image was discarded, in words; detail as in the header. */
const char *kj_discard_str(enum kj_discard reason);

struct kj_image_header {
	uint32_t flags;
	uint32_t kind;			/* enum kj_image_kind */
	uint32_t tries;			/* restores started */
	uint16_t discard_reason;	/* enum kj_discard, with DISCARDED */
	uint16_t discard_detail;	/* for BAD_IMAGE: the kj_image_fault */
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
	uint32_t free_fill;		/* enum kj_free_fill */
	uint32_t ndisks;
	struct kj_disk_print disks[KJ_DISKS_MAX];
	uint32_t note_len;
	uint64_t note_checksum;		/* filled in by the encoder */
	uint8_t note[KJ_IMAGE_NOTE_MAX];	/* read by kj_image_open();
						 * sealed until kj_image_set_key() */
	/* With KJ_IMAGE_FLAG_ENCRYPTED (the encoder sets both tags): */
	uint16_t aead;			/* enum kj_aead */
	uint8_t key_id[8];		/* the public key's (KJ_KEY_ID_SIZE) */
	uint8_t sealed_key[KJ_SEALED_KEY_SIZE];
	uint8_t header_tag[KJ_AEAD_TAG_SIZE];
	uint8_t note_tag[KJ_AEAD_TAG_SIZE];
};

/* Where the blocks start: after the header and the note area. */
uint64_t kj_image_data_offset(const struct kj_image_header *h);

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
/* /dev/NAME of the block device holding path (from /sys/dev/block);
 * false if it cannot be found. */
bool kj_device_of(const char *path, char *out, size_t size);
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

/* For an encrypted image: its own key, opened from the header's sealed
 * key. Checks the header's tag and opens the note; every walk then opens
 * each block. -EBADMSG (err: KJ_IMG_BAD_TAG) if the header does not
 * authenticate under key, KJ_IMG_BAD_AEAD if this CPU cannot open it. */
int kj_image_set_key(struct kj_image *img, const uint8_t key[KJ_IMAGE_KEY_SIZE],
		     struct kj_image_error *err);
/* Whether this CPU and build can seal and open with aead. */
bool kj_aead_usable(enum kj_aead aead);
/* The AEAD a new image gets here: AES-256-GCM where the CPU has AES-NI,
 * else ChaCha20-Poly1305. */
enum kj_aead kj_aead_pick(void);
const char *kj_aead_name(enum kj_aead aead);

/* A block's runs and data (kjump_format.h). */
struct kj_block;

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

/* Writes the image as an ELF core file at out (see lib/image/export.c). */
int kj_image_export_elf(struct kj_image *img, const char *out,
			struct kj_image_error *err);

/* ---- Saving ----------------------------------------------------------- */

struct kj_save_stats {
	uint64_t pages_ram, pages_saved, pages_zero, pages_free;
	uint64_t bytes;			/* image bytes written */
	/* Seconds each stage was busy: reading the core (with the filter and
	 * the zero check), compressing and checksumming (summed over the
	 * threads), writing. They overlap; none includes waiting. */
	double read_s, encode_s, write_s;
};

/* ---- Flows: what kjump does, as one call each ----------------------------
 *
 * Each checks everything it can before it changes anything, reports what
 * it does and what went wrong (errors with hints) through its report
 * (NULL: kj_set_print()'s callback), and returns 0 or a negative errno.
 * The roles: A is the running system, B the kernel that saves it, C the
 * next boot's kernel that checks an image, R the kernel that restores it.
 */

/* Where kjump's own files are installed: the Makefile sets it from PREFIX
 * (make install; /usr for the Debian package). */
#ifndef KJ_LIBDIR
#define KJ_LIBDIR		"/usr/lib/kjump"
#endif
#define KJ_DEFAULT_INITRD	KJ_LIBDIR "/initrd.cpio.gz"
#define KJ_VMCORE_PATH		"/proc/vmcore"

struct kj_call_opts {
	const char *file;		/* the payload */
	const uint64_t *at;		/* NULL: the start of the reserved region */
	const char *in_file;		/* its input, NULL if none */
	uint64_t args[KJ_CALL_MAX_ARGS];
	unsigned nargs;
	const struct kj_report *report;
};

/* Calls o->file in physical mode (kj_call()) with its input and
 * arguments; res holds what it returned. */
int kj_call_file(const struct kj_call_opts *o, struct kj_call_result *res);

/* Calls the BIOS's INT 15h, AX=E820h in real mode (physcall/e820.S):
 * *e gets the entries it returned (the caller frees it), *n how many.
 * -ENOTSUP, reported, on a machine booted through UEFI. */
int kj_bios_e820(const struct kj_report *r, struct kj_bios_e820 **e, size_t *n);

/* Whether this system lets kjump kexec-jump; if not, reports why and what
 * to do (-EPERM). */
int kj_check_jump(const struct kj_report *r);

/* kj_load_opts.initrd for a kernel without an initramfs (one that
 * mounts its own root file system, root= in its --append). */
#define KJ_NO_INITRD		"none"

struct kj_load_opts {
	const char *kernel;	/* NULL: /boot/vmlinuz-$(uname -r) */
	const char *initrd;	/* NULL: KJ_DEFAULT_INITRD; KJ_NO_INITRD */
	const char *append;	/* NULL: this kernel's machine options,
				 * kj_cmdline_inherit() */
	bool force;		/* replace a B that was started and waits */
	unsigned slot;		/* 0: all of the region; N: its Nth slot */
	uint64_t slot_size;	/* a slot's bytes; 0: KJ_SLOT_SIZE */
	const struct kj_report *report;
};

/* The default size of a slot of the region (kjump load --slot), and the
 * highest slot number. */
#define KJ_SLOT_SIZE		(256ull << 20)
#define KJ_SLOTS_MAX		64

/* /boot/vmlinuz-RELEASE of this kernel if it is there, else /boot/vmlinuz. */
const char *kj_default_kernel(char *buf, size_t size);

/* In A: loads B into the reserved region for kj_jump(). */
int kj_load(const struct kj_load_opts *o);
/* Plans the load as kj_load() would, and loads nothing. The caller
 * releases plan and sys, also on error. */
int kj_load_dry_run(const struct kj_load_opts *o, struct kj_load_plan *plan,
		    struct kj_system *sys);

/* What 'kjump setup' reserves: crashkernel=size@start. */
struct kj_region_advice {
	uint64_t size, start;
	uint64_t ram;		/* this machine's, as the kernel counts it */
	unsigned threads;	/* B saves with so many */
};

/* The region B (o's kernel and initramfs) needs to save this machine, and
 * where the firmware's map has RAM for it; -ENOSPC (reported) if nowhere
 * between 256 MiB and 4 GiB. */
int kj_advise_region(const struct kj_load_opts *o, struct kj_region_advice *a);

/* Makes image ready for kj_hibernate(), as it would find it: refuses
 * what B must not write to, creates a missing file (size 0: all of RAM
 * and a little). Gives the device it lies on and, for a file, its extents
 * (x->n = 0 for a device); the caller releases x. Reports what is wrong. */
int kj_image_prepare(const char *image, uint64_t size, char *device,
		     size_t dsize, struct kj_extents *x, const struct kj_report *r);

/* The region B needs to save this system with cpus threads. */
uint64_t kj_region_for_save(const struct kj_load_plan *p, unsigned cpus);

/* In A: jumps to what kj_load() loaded; in B: back to A (kj_jump_back()).
 * Returns once the other kernel has jumped back. */
int kj_jump(const struct kj_report *r);
/* In B: jumps back to the kernel that started it. */
int kj_jump_back(const struct kj_report *r);
/* Unloads what kj_load() loaded. */
int kj_unload(const struct kj_report *r);

/* What kjump remembers of its load until the next boot (under /run). */
struct kj_load_state {
	char kernel[2048];
	char initrd[2048];
	uint64_t entry;
	uint64_t kernel_entry;
	unsigned int jumps;	/* how often B was entered */
	/* A resident B ('kjump resident'): the checksum of the words that
	 * name its target on its command line, and the stamp it looks for
	 * with each task; 0 and "" for any other load. */
	uint64_t resident;
	char stamp[33];
	/* A kernel in a slot (kjump load --slot): which, its size, the
	 * command line it was loaded with, and where it stopped when it last
	 * jumped back (0: it has not run, or it is to start afresh). */
	unsigned int slot;
	uint64_t slot_size;
	char append[2048];
	uint64_t reentry;
	/* The crash loads the kernel still allowed once this load was made
	 * (kj_crash_loads_left), if it counts them: a crash kernel loaded
	 * since then lies where this load's kernel is, or will be. */
	bool crash_known;
	int64_t crash_left;
};

/* In A: to the kernel in slot n, where it stopped, or to start it; it
 * comes back with 'kjump back'. The load in place is unloaded first
 * (a slot's kernel keeps its own pages: design section 12). */
int kj_switch(unsigned n, const struct kj_report *r);

/* The state of slot n (/run/kjump/slot-N): what was loaded there, and
 * where its kernel stopped. */
int kj_slot_state_read(unsigned n, struct kj_load_state *st);

int kj_load_state_read(struct kj_load_state *st);
/* Whether a crash kernel was loaded or unloaded since st's load: it may
 * lie over the loaded kernel's bytes in the region (lib/flow/check.c). */
bool kj_region_overwritten(const struct kj_load_state *st);
/* Whether a kexec image is loaded at all. */
bool kj_kexec_loaded(void);
/* Whether a crash kernel is loaded (kdump's, say): it lies in the
 * crashkernel region, where B runs, and B would overwrite it. */
bool kj_kexec_crash_loaded(void);
/* How many crash loads the kernel still allows (KJ_CRASH_LIMIT_PATH or
 * another path, for tests). Each load or unload of a crash kernel counts
 * one down, so a count that changed says one happened. A limit of "-1"
 * (none) is first set to 2^31 - 1, so that it counts. -ENOENT: the
 * kernel does not count (before 6.6). */
#define KJ_CRASH_LIMIT_PATH "/proc/sys/kernel/kexec_load_limit_panic"
int kj_crash_loads_left(const char *path, int64_t *left);
/* In a kernel kjump started: the caller's re-entry point, from
 * /proc/cmdline; -ENOENT if this kernel was not started so. */
int kj_own_jump_back_entry(uint64_t *entry);

/* "lz4", "zstd", "zstd:LEVEL" (1 to 19), "none"; -EINVAL otherwise. */
int kj_compressor_parse(const char *text, enum kj_compressor *c, int *level);

struct kj_hibernate_opts {
	const char *image;	/* a block device nothing uses, or a fully
				 * written file on a mounted file system,
				 * by its absolute path (made if missing) */
	const char *compress;	/* as kj_compressor_parse(); NULL: lz4 */
	uint64_t size;		/* a file image that does not exist is made,
				 * this big (0: all of RAM and a little) */
	bool drop_caches;	/* drop clean caches first: a smaller image */
	const char *kernel;	/* B's, as in kj_load_opts */
	const char *initrd;
	const char *encrypt;	/* an authentication key file (kjump key
				 * new, KJ_KEY_AUTH): the image is encrypted
				 * to its public key; NULL: not */
	const struct kj_report *report;
};

/* In A: saves this system into an image through B, and powers off.
 * Returns 0 once the system was resumed from it; an error, with the
 * system going on, if B did not leave a complete image. */
int kj_hibernate(const struct kj_hibernate_opts *o);
/* The same, and B jumps back: the system goes on. */
int kj_snapshot(const struct kj_hibernate_opts *o);
/* Loads B for o->image (as the two above; compress and drop_caches are
 * theirs) and starts it; B boots once and comes back, and waits. Later
 * snapshots and hibernations into that image jump straight into it and
 * do not boot B; 'kjump unload' ends it. */
int kj_resident(const struct kj_hibernate_opts *o);

struct kj_save_core_opts {
	const char *core;	/* NULL: KJ_VMCORE_PATH */
	const char *dest;	/* block device or file */
	const struct kj_extents *extents; /* dest is a device and these
					   * are the image's extents */
	enum kj_compressor compressor;
	int level;
	unsigned int threads;	/* 0: one per online CPU */
	bool no_filter;		/* save free pages too */
	enum kj_image_kind kind; /* 0: a snapshot */
	enum kj_free_fill free_fill; /* what A's free pages hold */
	/* the disks to fingerprint (kind, id, name: what A named); the
	 * image records each as it is now */
	const struct kj_disk_print *disks;
	size_t ndisks;
	uint64_t key_at;	/* where the caller's key page lies
				 * (lib/flow/handkey.c): the image is
				 * encrypted with that key; 0: not */
	const char *stamp;	/* the UUID (32 hex digits) of the stamp A put
				 * on dest: nothing is written without it;
				 * NULL: no stamp is looked for */
	const struct kj_report *report;
};

/* What a kernel command line says free pages hold: zeros with
 * init_on_free=1, the poison byte with page_poison=1 (the last of each
 * counts, as in the kernel, and page poisoning takes precedence). A
 * kernel built with CONFIG_INIT_ON_FREE_DEFAULT_ON is not seen here. */
enum kj_free_fill kj_free_fill_of(const char *cmdline);

/* In B: saves the core (A's memory) into an image: free pages left out
 * where VMCOREINFO says which they are. st may be NULL. */
int kj_save_core(const struct kj_save_core_opts *o, struct kj_save_stats *st);

struct kj_resume_opts {
	const char *image;
	const struct kj_extents *extents;	/* the image lies in these */
	bool check_only;	/* kj_resume(): check, plan R, stop there,
				 * change nothing */
	bool noresume;		/* kj_resume(): resume nothing; discard the
				 * image, as a boot that goes on must */
	bool boot;		/* kj_resume() at every boot: an image never
				 * written, resumed or discarded already is
				 * no error, just nothing to resume
				 * (-ENOENT, said as information) */
	const char *uuid;	/* kj_restore(): the image C checked, as
				 * 32 hex digits; NULL: R booted straight */
	const char *keyfile;	/* an encrypted image's passphrase is this
				 * file's first line (kjump.keyfile=); NULL:
				 * asked through report->ask */
	const struct kj_report *report;
};

/* In C: checks the image through and through (kind, state, every
 * checksum, kernel, memory layout), then starts R to restore it. Returns
 * only if it did not start R (or with check_only). A hibernation image
 * it does not resume it discards, with the reason, before it returns: the
 * boot goes on and A's disks move on. A restore started before and not
 * finished is started again, up to KJ_IMAGE_TRIES_MAX in all. */
int kj_resume(const struct kj_resume_opts *o);
/* The command line that boots R straight from a boot loader (one boot
 * instead of two), for this machine; -E2BIG if it needs more memmap=
 * ranges than the kernel's KASLR keeps out of, or does not fit in size. */
int kj_resume_boot_args(const struct kj_resume_opts *o, char *out,
			size_t size);
/* In R: checks the image (its state, shape, kernel, this machine; the
 * UUID C checked), writes it back verifying every block in the same pass,
 * marks it consumed and jumps into it. Returns only on failure: then
 * nothing is jumped to. */
int kj_restore(const struct kj_resume_opts *o);

/* Passphrases asked for before an encrypted image is given up. */
#define KJ_PASS_TRIES	3

struct kj_unlock_opts {
	const char *name;	/* the image, for messages */
	const char *secret;	/* the secret key file; NULL: KJ_KEY_SECRET */
	const char *keyfile;	/* the passphrase is its first line (one
				 * try); NULL: asked through report->ask */
	const struct kj_report *report;
};

/* Opens an encrypted image (a plain one needs nothing): the secret key
 * with the passphrase, then the image's own key with it, which every
 * later walk of img (kj_image_verify, export) then uses. -EKEYREJECTED:
 * the passphrase was refused KJ_PASS_TRIES times (or the key file's
 * once); -ENOKEY: no secret key, or not the image's; -EBADMSG: the
 * sealed key or the header does not authenticate; -ENOTSUP: the CPU
 * lacks the image's AEAD. Reported. */
int kj_image_unlock(struct kj_image *img, const struct kj_unlock_opts *o);

/* In kjump's initramfs: does what the kernel command line asks
 * (kjump.action=snapshot|hibernate in B, restore in R, kjump.resume=DEV
 * in C). Returns when the boot should go on: nothing was asked, or a
 * resume was not possible. Powers off or reboots where the task ends so. */
int kj_boot_task(const char *cmdline, const struct kj_report *r);

/* ---- Keys for encrypted images (lib/key) ----
 * A key pair: its public half seals each image's own key when A
 * hibernates; its secret half opens it at resume. The secret half is kept
 * in a file under a passphrase: Argon2id turns the passphrase into a key
 * that opens it (XChaCha20-Poly1305, with the file's other lines as
 * associated data, so its cost or public half cannot be changed either).
 * Both files are text (doc/kjump.8, FILES). libsodium does the
 * cryptography. */
#define KJ_KEY_SIZE	32		/* X25519 keys */
#define KJ_KEY_PUBLIC	"/etc/kjump/key.pub"	/* where 'kjump key new' puts them */
#define KJ_KEY_SECRET	"/etc/kjump/key.sec"
#define KJ_KEY_ID_SIZE	8		/* the first bytes of BLAKE2b(public) */

struct kj_key_public {
	uint8_t pk[KJ_KEY_SIZE];
	uint8_t id[KJ_KEY_ID_SIZE];
};

struct kj_key_secret {
	struct kj_key_public pub;
	uint8_t sk[KJ_KEY_SIZE];
};

/* What trying a passphrase costs: Argon2id's passes, and its memory. */
struct kj_key_cost {
	uint64_t ops;
	uint64_t mem;			/* bytes */
};
/* R may have to open the key: it runs in the reserved region. */
#define KJ_KEY_OPS_DEFAULT	3
#define KJ_KEY_MEM_DEFAULT	(64ull << 20)

/* A new key pair: the texts of its public and secret files, malloc'd,
 * and if auth_text is not NULL of its authentication key file (struct
 * kj_key_auth). -EINVAL for an empty passphrase or a cost out of
 * Argon2id's range. */
int kj_key_new(const char *pass, size_t passlen, const struct kj_key_cost *cost,
	       char **pub_text, char **sec_text, char **auth_text);
/* A public key file's text; -EBADMSG if it is not one, or is damaged. */
int kj_key_public_parse(const char *text, struct kj_key_public *pub);
/* What a secret key file says without the passphrase: its public half and
 * its cost. -EBADMSG if it is not one, or is damaged. */
int kj_key_secret_info(const char *text, struct kj_key_public *pub,
		       struct kj_key_cost *cost);
/* Opens a secret key file's text with the passphrase. -EKEYREJECTED: the
 * passphrase does not open it (or its sealed part was changed); -EBADMSG:
 * not such a file, or damaged; -ENOMEM: its cost is more memory than this
 * system gives. */
int kj_key_unlock(const char *text, const char *pass, size_t passlen,
		  struct kj_key_secret *key);
/* Zeroes a secret key where it lies. */
void kj_key_wipe(struct kj_key_secret *key);

/* An image's own key, sealed to a public key (an anonymous sealed box:
 * X25519 and XSalsa20-Poly1305): only the secret half opens it, and
 * nobody can tell whose it is from the sealed bytes. */
/* A fresh random image key, and it sealed to pub. */
int kj_key_seal_new(const struct kj_key_public *pub,
		    uint8_t key[KJ_IMAGE_KEY_SIZE],
		    uint8_t sealed[KJ_SEALED_KEY_SIZE]);
/* Opens a sealed image key; -EKEYREJECTED if this secret key does not
 * (another key's, or changed). */
int kj_key_unseal(const struct kj_key_secret *secret,
		  const uint8_t sealed[KJ_SEALED_KEY_SIZE],
		  uint8_t key[KJ_IMAGE_KEY_SIZE]);
/*
 * Anyone can seal a key to a public key. So that a forger who has it
 * still cannot make an image a resume accepts, each image's blocks are
 * sealed under its own key bound to an authentication key: BLAKE2b of the
 * image's key, keyed with the authentication key, which is BLAKE2b of a
 * label keyed with the secret key. A keeps it in a file only root reads
 * (KJ_KEY_AUTH, next to the public key: with a disk encryption, as safe
 * as the rest of A's root); the resume side makes it again from the
 * secret key it opened.
 */
struct kj_key_auth {
	struct kj_key_public pub;
	uint8_t auth[KJ_KEY_SIZE];
};
#define KJ_KEY_AUTH	"/etc/kjump/key.auth"
/* An authentication key file's text; -EBADMSG unless it is exactly one,
 * its id its public key's. */
int kj_key_auth_parse(const char *text, struct kj_key_auth *a);
/* The key an image's blocks are sealed under: its own key, bound. */
void kj_key_image_aead(const uint8_t auth[KJ_KEY_SIZE],
		       const uint8_t image_key[KJ_IMAGE_KEY_SIZE],
		       uint8_t out[KJ_IMAGE_KEY_SIZE]);
/* kj_key_unseal(), then bound as kj_key_image_aead() with the secret
 * key's authentication key: what the image's blocks are sealed under. */
int kj_key_unseal_aead(const struct kj_key_secret *secret,
		       const uint8_t sealed[KJ_SEALED_KEY_SIZE],
		       uint8_t key[KJ_IMAGE_KEY_SIZE]);
/* A key's id as 16 lowercase hex digits. */
void kj_key_id_text(const struct kj_key_public *pub,
		    char out[2 * KJ_KEY_ID_SIZE + 1]);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* KJUMP_H */
