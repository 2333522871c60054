// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers shared by the subcommands. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (*end || (shift && v >> (64 - shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

int compress_option(const char *arg, struct kj_save_core_opts *o)
{
	enum kj_compressor c;
	int level;

	if (kj_compressor_parse(arg, &c, &level)) {
		error("unknown compression '%s'", arg);
		hint("use lz4, zstd, zstd:LEVEL (1 to 19) or none");
		return -EINVAL;
	}
	if (o) {
		o->compressor = c;
		o->level = level;
	}
	return 0;
}
