/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to lib/: never included by tools/ or tests other than unit. */
#ifndef KJ_INTERNAL_H
#define KJ_INTERNAL_H

#include "kjump.h"

#define KJ_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

__attribute__((format(printf, 2, 3)))
void kj_pr(enum kj_print_level level, const char *fmt, ...);

#define kj_warn(...)  kj_pr(KJ_WARN, __VA_ARGS__)
#define kj_info(...)  kj_pr(KJ_INFO, __VA_ARGS__)
#define kj_debug(...) kj_pr(KJ_DEBUG, __VA_ARGS__)

static inline uint64_t kj_page_up(uint64_t x)
{
	return (x + KJ_PAGE_SIZE - 1) & ~(uint64_t)(KJ_PAGE_SIZE - 1);
}

/* Reads a whole small file (procfs, sysfs) into a NUL-terminated buffer. */
int kj_read_text(const char *path, char **text, size_t *len);

#endif
