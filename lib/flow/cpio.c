// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A one-file cpio archive in the "newc" format the kernel unpacks into
 * its initramfs (Documentation/driver-api/early-userspace/
 * buffer-format.rst): a 110-byte header of "070701" and 13 fields of 8
 * hex digits, the name with its NUL, padded to 4 bytes, the data, padded
 * to 4, then the entry "TRAILER!!!". Appended to an initramfs (at a
 * 4-byte boundary), its file joins the others.
 */
#include <stdio.h>
#include <string.h>

#include "flow/flow.h"

#define HEADER_LEN 110

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* One entry at out (room checked by the caller); its length. */
static size_t entry(uint8_t *out, const char *name, const void *data,
		    size_t len, unsigned mode, unsigned ino)
{
	size_t namesize = strlen(name) + 1;
	size_t head = pad4(HEADER_LEN + namesize);
	char h[HEADER_LEN + 64];

	snprintf(h, sizeof(h),
		 "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 ino, mode, 0u, 0u, 1u, 0u, (unsigned)len, 0u, 0u, 0u, 0u,
		 (unsigned)namesize, 0u);
	memset(out, 0, head + pad4(len));
	memcpy(out, h, HEADER_LEN);
	memcpy(out + HEADER_LEN, name, namesize);
	if (len)
		memcpy(out + head, data, len);
	return head + pad4(len);
}

size_t kj_cpio_file(uint8_t *out, size_t size, const char *name,
		    const void *data, size_t len, unsigned mode)
{
	static const char trailer[] = "TRAILER!!!";
	size_t need = pad4(HEADER_LEN + strlen(name) + 1) + pad4(len) +
		      pad4(HEADER_LEN + sizeof(trailer));
	size_t n;

	if (need > size)
		return 0;
	n = entry(out, name, data, len, 0100000 | (mode & 07777), 1);
	return n + entry(out + n, trailer, NULL, 0, 0, 0);
}
