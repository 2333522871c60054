// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The x86 boot protocol's setup header (Documentation/arch/x86/boot.rst).
 * kjump enters kernels through the 64-bit entry point, which needs boot
 * protocol 2.12 or later, XLF_KERNEL_64 and a relocatable kernel.
 */
#include <errno.h>
#include <string.h>

#include "common/le.h"
#include "loader/loader.h"

#define HDR_SETUP_SECTS		0x1f1
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_KERNEL_VERSION	0x20e
#define HDR_LOADFLAGS		0x211
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_MIN_ALIGNMENT	0x235
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define HDR_MIN_END		0x264	/* through init_size */

#define XLF_KERNEL_64		(1u << 0)

static int check_header(const uint8_t *p, size_t len)
{
	if (len < HDR_MIN_END || get_le16(p + HDR_BOOT_FLAG) != 0xaa55 ||
	    memcmp(p + HDR_MAGIC, "HdrS", 4))
		return -ENOEXEC;
	if (get_le16(p + HDR_VERSION) < KJ_BOOT_PROTOCOL_MIN)
		return -EPROTONOSUPPORT;
	if (!(get_le16(p + HDR_XLOADFLAGS) & XLF_KERNEL_64))
		return -EPROTOTYPE;
	if (!p[HDR_RELOCATABLE])
		return -EPROTOTYPE;
	return 0;
}

int kj_bzimage_parse(const void *buf, size_t len, struct kj_bzimage *bz)
{
	const uint8_t *p = buf;
	unsigned int sects;
	int err = check_header(p, len);

	if (err) {
		/* Report the version even when refusing it. */
		bz->version = len >= HDR_MIN_END ? get_le16(p + HDR_VERSION) : 0;
		return err;
	}
	memset(bz, 0, sizeof(*bz));
	sects = p[HDR_SETUP_SECTS] ? p[HDR_SETUP_SECTS] : 4;
	bz->setup_size = (sects + 1u) * 512u;
	bz->header_end = HDR_JUMP + 2u + p[HDR_JUMP + 1];
	if (bz->setup_size >= len || bz->header_end > bz->setup_size ||
	    bz->header_end < HDR_MIN_END)
		return -EBADMSG;
	bz->version = get_le16(p + HDR_VERSION);
	bz->loadflags = p[HDR_LOADFLAGS];
	bz->xloadflags = get_le16(p + HDR_XLOADFLAGS);
	bz->initrd_addr_max = get_le32(p + HDR_INITRD_ADDR_MAX);
	bz->kernel_alignment = get_le32(p + HDR_KERNEL_ALIGNMENT);
	bz->min_alignment = p[HDR_MIN_ALIGNMENT];
	bz->cmdline_size = get_le32(p + HDR_CMDLINE_SIZE);
	bz->pref_address = get_le64(p + HDR_PREF_ADDRESS);
	bz->init_size = get_le32(p + HDR_INIT_SIZE);
	bz->payload_size = len - bz->setup_size;
	if (bz->kernel_alignment < KJ_PAGE_SIZE ||
	    (bz->kernel_alignment & (bz->kernel_alignment - 1)) ||
	    bz->init_size < bz->payload_size)
		return -EBADMSG;
	return 0;
}

int kj_bzimage_release(const void *buf, size_t len, char *out, size_t size)
{
	const uint8_t *p = buf;
	size_t at, n;

	if (!size || len < HDR_MIN_END || get_le16(p + HDR_BOOT_FLAG) != 0xaa55)
		return -ENOEXEC;
	at = get_le16(p + HDR_KERNEL_VERSION);
	if (!at)
		return -ENODATA;
	at += HDR_JUMP;
	for (n = 0; at + n < len && n + 1 < size && p[at + n] > ' '; n++)
		out[n] = (char)p[at + n];
	out[n] = '\0';
	return n ? 0 : -ENODATA;
}
