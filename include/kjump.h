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
/* Unloads whatever kexec image is loaded. */
int kj_kexec_unload(void);
/* Jumps to the loaded image; returns 0 once the system is back. */
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

#endif /* KJUMP_H */
