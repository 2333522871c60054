// SPDX-License-Identifier: GPL-2.0-or-later
/* How flows report: messages through the caller's callback, wall time. */
#include <stdarg.h>

#include "flow/flow.h"

void kj_say(const struct kj_report *r, enum kj_print_level level,
	    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (r && r->print)
		r->print(r->ctx, level, fmt, ap);
	else
		kj_vpr(level, fmt, ap);
	va_end(ap);
}

void kj_clock_start(struct timespec *t0)
{
	clock_gettime(CLOCK_BOOTTIME, t0);
}

double kj_clock_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_BOOTTIME, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}
