// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * btrfs (fs/btrfs/disk-io.c, libblkid's btrfs probe).
 *
 * Every transaction a mount commits, and a log tree's replay, rewrites
 * the superblock with a new generation (and a new checksum), on every
 * device of the file system: the hash covers the primary superblock,
 * 4096 bytes at 64 KiB.
 *
 * The UUID recorded is the device's own (dev_item.uuid, blkid's
 * UUID_SUB), not the file system's (fsid): the devices of a file system
 * that spans several share its fsid, and a print must name one device.
 */
#include <errno.h>
#include <string.h>

#include "disk/disk.h"

#define SB_OFF		0x10000
#define SB_LEN		4096
#define SB_MAGIC	0x40
#define SB_DEV_UUID	0x10b		/* dev_item (0xc9) + 0x42 */

static int btrfs_identify(const struct kj_disk_src *s, uint8_t id[16])
{
	uint8_t sb[SB_DEV_UUID + 16];
	int err = s->read(s, sb, sizeof(sb), SB_OFF);

	if (err)
		return err;
	if (memcmp(sb + SB_MAGIC, "_BHRfS_M", 8))
		return -EMEDIUMTYPE;
	memcpy(id, sb + SB_DEV_UUID, 16);
	return 0;
}

static int btrfs_hash(const struct kj_disk_src *s, struct kj_disk_hash *h)
{
	return kj_disk_hash_range(h, s, SB_OFF, SB_LEN);
}

const struct kj_disk_type kj_disk_btrfs = {
	.name = "btrfs",
	.kind = KJ_DISK_FS,
	.identify = btrfs_identify,
	.hash = btrfs_hash,
};
