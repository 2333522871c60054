// SPDX-License-Identifier: GPL-2.0-or-later
/* Diagnostics: the library hands them to the tool's callback. */
#include "common/internal.h"

static kj_print_fn print_fn;

kj_print_fn kj_set_print(kj_print_fn fn)
{
	kj_print_fn old = print_fn;

	print_fn = fn;
	return old;
}

void kj_vpr(enum kj_print_level level, const char *fmt, va_list ap)
{
	if (print_fn)
		print_fn(level, fmt, ap);
}

void kj_pr(enum kj_print_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kj_vpr(level, fmt, ap);
	va_end(ap);
}
