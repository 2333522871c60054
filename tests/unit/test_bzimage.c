// SPDX-License-Identifier: GPL-2.0-or-later
/* The setup header parser, on real bzImages and on damaged copies. */
#include <errno.h>
#include <stdlib.h>

#include "flow/flow.h"
#include "common/le.h"
#include "loader/loader.h"
#include "t.h"

#define KJUMP_HEAD "bzimage-kjump-6.12.head"
#define KJUMP_LEN 2790400
#define DEBIAN_HEAD "bzimage-debian-6.1.head"
#define DEBIAN_LEN 8247232

/* The captured head of a real bzImage, padded to its real length. */
uint8_t *t_bzimage(const char *name, size_t full_len);
uint8_t *t_bzimage(const char *name, size_t full_len)
{
	size_t len;
	char *head = t_data(name, &len);
	uint8_t *img = calloc(1, full_len);

	memcpy(img, head, len < full_len ? len : full_len);
	free(head);
	return img;
}

TEST(bzimage_real_kjump_kernel)
{
	uint8_t *img = t_bzimage(KJUMP_HEAD, KJUMP_LEN);
	struct kj_bzimage bz;

	CHECK_INT(kj_bzimage_parse(img, KJUMP_LEN, &bz), 0);
	CHECK_INT(bz.version, 0x020f);
	CHECK_INT(bz.setup_size, 32 * 512);
	CHECK_U64(bz.payload_size, KJUMP_LEN - 32 * 512);
	CHECK_INT(bz.kernel_alignment, 0x200000);
	CHECK_INT(bz.xloadflags, 0x63);
	CHECK_INT(bz.cmdline_size, 0x7ff);
	CHECK_U64(bz.pref_address, 0x1000000);
	CHECK_INT(bz.init_size, 0x1069000);
	CHECK_INT(bz.header_end, 0x26c);
	free(img);
}

TEST(bzimage_real_debian_kernel)
{
	uint8_t *img = t_bzimage(DEBIAN_HEAD, DEBIAN_LEN);
	struct kj_bzimage bz;

	CHECK_INT(kj_bzimage_parse(img, DEBIAN_LEN, &bz), 0);
	CHECK_INT(bz.version, 0x020f);
	CHECK_INT(bz.setup_size, 40 * 512);
	CHECK(bz.init_size > bz.payload_size);
	free(img);
}

/* Each damage, applied to a fresh copy, and the error it must give. */
static void damage(uint8_t *img, int which)
{
	switch (which) {
	case 0: img[0x202] = 'X'; break;			/* "HdrS" */
	case 1: img[0x1fe] = 0; break;				/* boot flag */
	case 2: put_le16(img + 0x206, 0x020b); break;		/* 2.11 */
	case 3: put_le16(img + 0x236, 0x62); break;		/* no XLF_KERNEL_64 */
	case 4: img[0x234] = 0; break;				/* not relocatable */
	case 5: img[0x201] = 0x10; break;			/* header too short */
	case 6: put_le32(img + 0x230, 0x3000); break;		/* alignment */
	case 7: put_le32(img + 0x260, 0x1000); break;		/* init_size */
	}
}

TEST(bzimage_damaged)
{
	static const int want[] = { -ENOEXEC, -ENOEXEC, -EPROTONOSUPPORT,
		-EPROTOTYPE, -EPROTOTYPE, -EBADMSG, -EBADMSG, -EBADMSG };
	struct kj_bzimage bz;

	for (int i = 0; i < (int)KJ_ARRAY_SIZE(want); i++) {
		uint8_t *img = t_bzimage(KJUMP_HEAD, KJUMP_LEN);
		int err;

		damage(img, i);
		err = kj_bzimage_parse(img, KJUMP_LEN, &bz);
		free(img);
		if (err != want[i]) {
			t_fail(__FILE__, __LINE__, "damage %d: %d, want %d", i,
			       err, want[i]);
			return;
		}
	}
	CHECK_INT(bz.version, 0x020f);	/* the last case got that far */
}

TEST(bzimage_old_protocol_reports_version)
{
	uint8_t *img = t_bzimage(KJUMP_HEAD, KJUMP_LEN);
	struct kj_bzimage bz;

	damage(img, 2);
	CHECK_INT(kj_bzimage_parse(img, KJUMP_LEN, &bz), -EPROTONOSUPPORT);
	CHECK_INT(bz.version, 0x020b);
	free(img);
}

TEST(bzimage_truncated)
{
	uint8_t *img = t_bzimage(KJUMP_HEAD, KJUMP_LEN);
	struct kj_bzimage bz;

	CHECK_INT(kj_bzimage_parse(img, 500, &bz), -ENOEXEC);
	CHECK_INT(kj_bzimage_parse(img, 2000, &bz), -EBADMSG);
	CHECK_INT(kj_bzimage_parse(img, 32 * 512, &bz), -EBADMSG);
	img[0x1f1] = 255;
	CHECK_INT(kj_bzimage_parse(img, 100000, &bz), -EBADMSG);
	free(img);
}

TEST(bzimage_release_of_real_kernels)
{
	uint8_t *kj = t_bzimage(KJUMP_HEAD, KJUMP_LEN);
	uint8_t *deb = t_bzimage(DEBIAN_HEAD, DEBIAN_LEN);
	char out[65];

	CHECK_INT(kj_bzimage_release(kj, KJUMP_LEN, out, sizeof(out)), 0);
	CHECK_STR(out, "6.12.117");
	CHECK_INT(kj_bzimage_release(deb, DEBIAN_LEN, out, sizeof(out)), 0);
	CHECK_STR(out, "6.1.0-56-amd64");
	/* no version string; not a bzImage */
	put_le16(kj + 0x20e, 0);
	CHECK_INT(kj_bzimage_release(kj, KJUMP_LEN, out, sizeof(out)), -ENODATA);
	kj[0x1fe] = 0;
	CHECK_INT(kj_bzimage_release(kj, KJUMP_LEN, out, sizeof(out)), -ENOEXEC);
	free(kj);
	free(deb);
}
