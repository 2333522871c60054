// SPDX-License-Identifier: GPL-2.0-or-later
/* Compression through liblz4 and libzstd; no compressor is written here. */
#include <errno.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "image/image.h"

size_t kj_compress_bound(enum kj_compressor c, size_t len)
{
	switch (c) {
	case KJ_COMPRESS_LZ4:
		return (size_t)LZ4_compressBound((int)len);
	case KJ_COMPRESS_ZSTD:
		return ZSTD_compressBound(len);
	default:
		return len;
	}
}

long kj_compress(enum kj_compressor c, int level, const void *src, size_t len,
		 void *dst, size_t cap)
{
	size_t r;
	int n;

	switch (c) {
	case KJ_COMPRESS_NONE:
		if (len > cap)
			return -ENOSPC;
		memcpy(dst, src, len);
		return (long)len;
	case KJ_COMPRESS_LZ4:
		n = LZ4_compress_fast(src, dst, (int)len, (int)cap,
				      level > 0 ? level : 1);
		return n > 0 ? n : -ENOSPC;
	case KJ_COMPRESS_ZSTD:
		r = ZSTD_compress(dst, cap, src, len, level);
		return ZSTD_isError(r) ? -ENOSPC : (long)r;
	}
	return -EINVAL;
}

int kj_decompress(enum kj_compressor c, const void *src, size_t len,
		  void *out, size_t out_len)
{
	size_t r;
	int n;

	switch (c) {
	case KJ_COMPRESS_NONE:
		if (len != out_len)
			return -EBADMSG;
		memcpy(out, src, len);
		return 0;
	case KJ_COMPRESS_LZ4:
		n = LZ4_decompress_safe(src, out, (int)len, (int)out_len);
		return n == (int)out_len ? 0 : -EBADMSG;
	case KJ_COMPRESS_ZSTD:
		r = ZSTD_decompress(out, out_len, src, len);
		return !ZSTD_isError(r) && r == out_len ? 0 : -EBADMSG;
	}
	return -EINVAL;
}

int kj_compressor_parse(const char *text, enum kj_compressor *c, int *level)
{
	char *end;
	long l = 1;

	if (!strcmp(text, "lz4")) {
		*c = KJ_COMPRESS_LZ4;
	} else if (!strcmp(text, "none")) {
		*c = KJ_COMPRESS_NONE;
		l = 0;
	} else if (!strncmp(text, "zstd", 4) && (!text[4] || text[4] == ':')) {
		*c = KJ_COMPRESS_ZSTD;
		if (text[4])
			l = strtol(text + 5, &end, 10);
		if (text[4] && (*end || end == text + 5 || l < 1 || l > 19))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	*level = (int)l;
	return 0;
}
