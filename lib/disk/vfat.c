// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * FAT12, FAT16, FAT32 (fs/fat/inode.c; the BPB as mkfs.fat writes it).
 *
 * FAT has no journal and no mount count: Linux marks the boot sector
 * dirty at a read-write mount and clean again at the unmount, so a mount
 * that writes nothing leaves no trace. What a write changes is the file
 * allocation table (every file created, grown, shrunk or removed), the
 * FSInfo sector (free count) and, on FAT12/16, the root directory. The
 * hash covers the reserved sectors (boot sector, FSInfo, backup), the
 * first FAT and the FAT12/16 root directory. Not covered: a file
 * rewritten in place without changing its size, whose only trace is the
 * time in its directory entry (in a data cluster).
 * Its UUID is the 4-byte volume serial number, in id[0..3].
 */
#include <errno.h>
#include <string.h>

#include "common/internal.h"
#include "common/le.h"
#include "disk/disk.h"

#define BS_LEN		512
#define BPB_BYTS_PER_SEC 11
#define BPB_SEC_PER_CLUS 13
#define BPB_RSVD_SEC	14
#define BPB_NUM_FATS	16
#define BPB_ROOT_ENT	17
#define BPB_FAT_SZ16	22
#define BPB_FAT_SZ32	36
#define EXT16		36		/* the extended BPB: FAT12/16 */
#define EXT32		64		/* FAT32 */
#define EXT_BOOT_SIG	2		/* 0x29: serial, label, type follow */
#define EXT_VOL_ID	3
#define EXT_FS_TYPE	18

struct fat {
	uint64_t sec;			/* bytes per sector */
	uint64_t rsvd;			/* reserved sectors */
	uint64_t fat;			/* sectors per FAT */
	uint64_t nfats;
	uint64_t root;			/* bytes of the FAT12/16 root dir */
	const uint8_t *ext;		/* the extended BPB */
};

static bool pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

static int parse(const uint8_t *bs, struct fat *f)
{
	uint32_t fat16 = get_le16(bs + BPB_FAT_SZ16);

	f->sec = get_le16(bs + BPB_BYTS_PER_SEC);
	f->rsvd = get_le16(bs + BPB_RSVD_SEC);
	f->nfats = bs[BPB_NUM_FATS];
	f->fat = fat16 ? fat16 : get_le32(bs + BPB_FAT_SZ32);
	f->root = get_le16(bs + BPB_ROOT_ENT) * 32u;
	f->ext = bs + (fat16 ? EXT16 : EXT32);
	if (bs[510] != 0x55 || bs[511] != 0xaa || !pow2((uint32_t)f->sec) ||
	    f->sec < 512 || f->sec > 4096 || !pow2(bs[BPB_SEC_PER_CLUS]) ||
	    !f->rsvd || !f->nfats || !f->fat || f->ext[EXT_BOOT_SIG] != 0x29 ||
	    memcmp(f->ext + EXT_FS_TYPE, "FAT", 3))
		return -EMEDIUMTYPE;
	return 0;
}

static int read_bs(const struct kj_disk_src *s, uint8_t bs[BS_LEN],
		   struct fat *f)
{
	int err = s->read(s, bs, BS_LEN, 0);

	return err ? err : parse(bs, f);
}

static int vfat_identify(const struct kj_disk_src *s, uint8_t id[16])
{
	uint8_t bs[BS_LEN];
	struct fat f;
	int err = read_bs(s, bs, &f);

	if (!err)
		memcpy(id, f.ext + EXT_VOL_ID, 4);
	return err;
}

static int vfat_hash(const struct kj_disk_src *s, struct kj_disk_hash *h)
{
	uint8_t bs[BS_LEN];
	uint64_t root;
	struct fat f;
	int err;

	err = read_bs(s, bs, &f);
	if (!err)
		err = kj_disk_hash_range(h, s, 0, (f.rsvd + f.fat) * f.sec);
	if (err || !f.root)
		return err;
	root = (f.rsvd + f.nfats * f.fat) * f.sec;
	return kj_disk_hash_range(h, s, root, kj_align_up(f.root, f.sec));
}

const struct kj_disk_type kj_disk_vfat = {
	.name = "vfat",
	.kind = KJ_DISK_FS,
	.identify = vfat_identify,
	.hash = vfat_hash,
};
