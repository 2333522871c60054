/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/common: what every part of the library uses. Includes nothing else
 * of lib/; never included by tools/. */
#ifndef KJ_INTERNAL_H
#define KJ_INTERNAL_H

#include "kjump.h"

#define KJ_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What kjump keeps for the length of a boot: its load state, A's lpj=. */
#define KJ_RUN_DIR "/run/kjump"

/* To the callback of kj_set_print(), if any. Messages end without a
 * newline. */
__attribute__((format(printf, 2, 3)))
void kj_pr(enum kj_print_level level, const char *fmt, ...);
void kj_vpr(enum kj_print_level level, const char *fmt, va_list ap);

#define kj_warn(...)  kj_pr(KJ_WARN, __VA_ARGS__)
#define kj_info(...)  kj_pr(KJ_INFO, __VA_ARGS__)
#define kj_debug(...) kj_pr(KJ_DEBUG, __VA_ARGS__)

static inline uint64_t kj_page_up(uint64_t x)
{
	return (x + KJ_PAGE_SIZE - 1) & ~(uint64_t)(KJ_PAGE_SIZE - 1);
}

/* pread()/pwrite() all of len bytes; -ENODATA past the end of a file. */
int kj_pread_all(int fd, void *buf, size_t len, uint64_t off);
int kj_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);

/* Reads a whole small file (procfs, sysfs) into a NUL-terminated buffer. */
int kj_read_text(const char *path, char **text, size_t *len);
/* Reads a whole file of at most max bytes into *buf, which the caller
 * frees; -EFBIG, with the file's size in *len, if it is larger. */
int kj_read_file(const char *path, uint64_t max, void **buf, size_t *len);

void kj_ranges_sort(struct kj_range *r, size_t n);
bool kj_ranges_overlap(const struct kj_range *a, const struct kj_range *b);
/* True if inner lies wholly inside one of r[0..n). */
bool kj_range_within(const struct kj_range *inner, const struct kj_range *r,
		     size_t n);

/* The n bytes at in as 2n lowercase hex digits and a NUL at out. */
void kj_hex(char *out, const uint8_t *in, size_t n);

/* Starts libsodium (sodium.c) with kjump's random source, which asks the
 * kernel only when randomness is wanted, so B and R never wait for its
 * pool. Every libsodium call comes after this; 0 or -EIO. */
#define KJ_SODIUM_RANDOM "kjump-getrandom"
int kj_sodium_init(void);

/* Seconds on CLOCK_MONOTONIC, for the time a stage spends busy. */
double kj_seconds(void);

static inline uint64_t kj_align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

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

#endif
