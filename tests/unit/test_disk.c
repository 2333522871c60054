// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Disk prints on small images made here: each kind is recognized, its
 * UUID taken from the right place, and its hash covers exactly what its
 * file says (a change there changes it, a change to data does not).
 * Real file systems on loop devices: tests/unit/disk.sh.
 */
#define XXH_STATIC_LINKING_ONLY
#include <errno.h>
#include <stdlib.h>
#include <sys/sysmacros.h>
#include <xxhash.h>

#include "common/le.h"
#include "disk/disk.h"
#include "t.h"

#define IMG (128u << 10)
static uint8_t img[IMG];
static const uint8_t uuid[16] = "0123456789abcdef";

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int print_of(const uint8_t *d, size_t len, struct kj_disk_print *p)
{
	struct kj_disk_src s;

	*p = (struct kj_disk_print){ .name = "/keep" };
	kj_disk_src_mem(&s, d, len);
	return kj_disk_print_src(&s, p);
}

/* Whether d is read as a print of this kind and UUID (idlen bytes). */
static bool identified(const uint8_t *d, uint32_t kind, const void *id,
		       size_t idlen, struct kj_disk_print *p)
{
	uint8_t want[16] = { 0 };

	memcpy(want, id, idlen);
	return !print_of(d, IMG, p) && p->kind == kind && p->size == IMG &&
	       !memcmp(p->id, want, sizeof(want));
}

static uint64_t hash_of(const uint8_t *d)
{
	struct kj_disk_print p;

	return print_of(d, IMG, &p) ? 0 : p.hash;
}

/* XXH64 of two ranges of img, one after the other. */
static uint64_t xxh2(size_t a, size_t alen, size_t b, size_t blen)
{
	XXH64_state_t st;

	XXH64_reset(&st, 0);
	XXH64_update(&st, img + a, alen);
	XXH64_update(&st, img + b, blen);
	return XXH64_digest(&st);
}

/* ---- ext4: 1 KiB blocks, descriptors in block 2, inode table at 5, the
 * journal from block 40, an extent leaf (depth 1) at 30. */

enum { BLOCKMAP, EXTENTS, EXTENT_TREE };

static void ext_header(uint8_t *p, uint16_t depth)
{
	put_le16(p, 0xf30a);
	put_le16(p + 2, 1);		/* entries */
	put_le16(p + 4, 4);		/* max */
	put_le16(p + 6, depth);
}

static void ext_leaf(uint8_t *p, uint32_t start)
{
	ext_header(p, 0);
	put_le32(p + 12, 0);		/* logical block 0 */
	put_le16(p + 16, 16);		/* 16 blocks */
	put_le32(p + 20, start);
}

static void make_ext4(int map)
{
	uint8_t *sb = img + 1024, *ino = img + 5 * 1024 + 7 * 128;

	memset(img, 0, IMG);
	put_le32(sb + 0x14, 1);		/* first data block */
	put_le32(sb + 0x28, 16);	/* inodes per group */
	put_le16(sb + 0x38, 0xef53);
	put_le32(sb + 0x4c, 1);		/* dynamic revision */
	put_le16(sb + 0x58, 128);	/* inode size */
	put_le32(sb + 0x5c, 0x4);	/* has_journal */
	memcpy(sb + 0x68, uuid, 16);
	put_le32(sb + 0xe0, 8);		/* the journal's inode */
	put_le32(img + 2 * 1024 + 8, 5);	/* group 0's inode table */
	if (map == BLOCKMAP) {
		put_le32(ino + 0x28, 40);
	} else if (map == EXTENTS) {
		put_le32(ino + 0x20, 0x80000);
		ext_leaf(ino + 0x28, 40);
	} else {
		put_le32(ino + 0x20, 0x80000);
		ext_header(ino + 0x28, 1);
		put_le32(ino + 0x28 + 12, 0);
		put_le32(ino + 0x28 + 16, 30);	/* the leaf's block */
		ext_leaf(img + 30 * 1024, 40);
	}
	put_be32(img + 40 * 1024, 0xc03b3998);
	put_be32(img + 40 * 1024 + 4, 4);	/* journal superblock v2 */
}

TEST(disk_ext4_print)
{
	struct kj_disk_print p;

	make_ext4(EXTENTS);
	CHECK(identified(img, KJ_DISK_FS, uuid, 16, &p));
	CHECK_STR(p.name, "/keep");
	/* The superblock, then the journal's superblock. */
	CHECK_U64(p.hash, xxh2(1024, 1024, 40 * 1024, 1024));
	CHECK_U64(hash_of(img), p.hash);
}

/* Each way of finding the journal: ext3's block map, extents in the
 * inode, an extent tree one level deep. */
TEST(disk_ext4_journal_found_by_map_extents_and_tree)
{
	static const int maps[] = { BLOCKMAP, EXTENTS, EXTENT_TREE };

	for (size_t i = 0; i < 3; i++) {
		make_ext4(maps[i]);
		CHECK_U64(hash_of(img), xxh2(1024, 1024, 40 * 1024, 1024));
	}
}

/* A mount (s_mnt_count, s_state), a replay (s_start), a checkpoint
 * (s_sequence) change the print; data does not. */
TEST(disk_ext4_hash_covers_what_a_mount_changes)
{
	static const size_t changed[] = {
		1024 + 0x34, 1024 + 0x3a, 1024 + 0x60, 40 * 1024 + 0x18,
		40 * 1024 + 0x1c,
	};
	uint64_t h;

	make_ext4(EXTENT_TREE);
	h = hash_of(img);
	for (size_t i = 0; i < sizeof(changed) / sizeof(changed[0]); i++) {
		img[changed[i]] ^= 1;
		CHECK(hash_of(img) != h);
		img[changed[i]] ^= 1;
	}
	img[60 * 1024] ^= 1;		/* a data block */
	img[40 * 1024 + 1024] ^= 1;	/* the journal's second block */
	CHECK_U64(hash_of(img), h);
}

TEST(disk_ext4_without_journal_hashes_its_superblock)
{
	make_ext4(EXTENTS);
	put_le32(img + 1024 + 0x5c, 0);
	CHECK_U64(hash_of(img), XXH64(img + 1024, 1024, 0));
}

TEST(disk_ext4_journal_that_does_not_add_up_refused)
{
	struct kj_disk_print p;

	make_ext4(EXTENTS);
	img[40 * 1024] = 0;		/* no jbd2 magic */
	CHECK_INT(print_of(img, IMG, &p), -EUCLEAN);
	make_ext4(EXTENT_TREE);
	img[30 * 1024] = 0;		/* no extent magic in the leaf */
	CHECK_INT(print_of(img, IMG, &p), -EUCLEAN);
	make_ext4(EXTENTS);
	put_le32(img + 5 * 1024 + 7 * 128 + 0x28 + 12, 1);	/* not block 0 */
	CHECK_INT(print_of(img, IMG, &p), -EUCLEAN);
	make_ext4(EXTENTS);		/* the journal past the end */
	CHECK_INT(print_of(img, 40 * 1024, &p), -ENODATA);
}

/* An external journal's device is not a file system. */
TEST(disk_ext4_journal_device_not_recognized)
{
	struct kj_disk_print p;

	make_ext4(EXTENTS);
	put_le32(img + 1024 + 0x60, 0x8);
	CHECK_INT(print_of(img, IMG, &p), -EMEDIUMTYPE);
}

/* ---- swap ---- */

static void make_swap(void)
{
	memset(img, 0, IMG);
	put_le32(img + 1024, 1);
	memcpy(img + 0x40c, uuid, 16);
	memcpy(img + 4086, "SWAPSPACE2", 10);
}

TEST(disk_swap_print)
{
	struct kj_disk_print p;

	make_swap();
	CHECK(identified(img, KJ_DISK_SWAP, uuid, 16, &p));
	CHECK_U64(p.hash, XXH64(img, 4096, 0));
	img[8192] = 1;			/* a swapped page */
	CHECK_U64(hash_of(img), p.hash);
	put_le32(img + 1024, 2);	/* not a version this knows */
	CHECK_INT(print_of(img, IMG, &p), -EMEDIUMTYPE);
}

/* ---- xfs: 4 KiB blocks, allocation groups of 16 blocks, the log at
 * group 1's first block, 8 blocks (64 basic blocks), head at 20. */

#define XFS_LOG		(64u << 10)
#define XFS_HEAD	20u

static uint8_t *bb(unsigned int i)
{
	return img + XFS_LOG + 512 * i;
}

static void make_xfs(void)
{
	unsigned int i;

	memset(img, 0, IMG);
	memcpy(img, "XFSB", 4);
	memcpy(img + 0x20, uuid, 16);
	put_be32(img + 0x34, 1 << 4);	/* logstart: group 1, block 0 */
	put_be32(img + 0x54, 16);	/* agblocks */
	put_be32(img + 0x60, 8);	/* logblocks */
	img[0x78] = 12;			/* blocklog */
	img[0x7c] = 4;			/* agblklog */
	for (i = 0; i < 64; i++)
		put_be32(bb(i), i < XFS_HEAD ? 2 : 1);
	put_be32(bb(0), 0xfeedbabe);	/* a record header: cycle after it */
	put_be32(bb(0) + 4, 2);
}

TEST(disk_xfs_print)
{
	struct kj_disk_print p;

	make_xfs();
	CHECK(identified(img, KJ_DISK_FS, uuid, 16, &p));
	CHECK_U64(hash_of(img), p.hash);
}

/* The hash covers the 8 basic blocks on either side of the head, and
 * no more: so the head was found where it is. */
TEST(disk_xfs_hash_covers_the_log_head)
{
	uint64_t h;

	make_xfs();
	h = hash_of(img);
	bb(XFS_HEAD - 9)[100] ^= 1;
	bb(XFS_HEAD + 8)[100] ^= 1;
	bb(50)[100] ^= 1;
	CHECK_U64(hash_of(img), h);
	bb(XFS_HEAD - 8)[100] ^= 1;
	CHECK(hash_of(img) != h);
	make_xfs();
	bb(XFS_HEAD + 7)[100] ^= 1;
	CHECK(hash_of(img) != h);
	make_xfs();
	img[0x80] ^= 1;			/* the superblock's counters */
	CHECK(hash_of(img) != h);
}

/* A record written at the head moves it. */
TEST(disk_xfs_write_at_head_changes_print)
{
	uint64_t h;

	make_xfs();
	h = hash_of(img);
	put_be32(bb(XFS_HEAD), 0xfeedbabe);
	put_be32(bb(XFS_HEAD) + 4, 2);
	CHECK(hash_of(img) != h);
}

/* ---- btrfs ---- */

TEST(disk_btrfs_print_names_the_device)
{
	struct kj_disk_print p;

	memset(img, 0, IMG);
	memcpy(img + 0x10000 + 0x20, "fsid-fsid-fsid-f", 16);
	memcpy(img + 0x10000 + 0x40, "_BHRfS_M", 8);
	memcpy(img + 0x10000 + 0x10b, uuid, 16);
	CHECK(identified(img, KJ_DISK_FS, uuid, 16, &p));
	CHECK_U64(p.hash, XXH64(img + 0x10000, 4096, 0));
}

/* ---- vfat: FAT16, 512-byte sectors, 1 reserved, 2 FATs of 16 sectors,
 * a root directory of 512 entries. */

static void make_fat16(void)
{
	memset(img, 0, IMG);
	memcpy(img + 3, "mkfs.fat", 8);
	put_le16(img + 11, 512);
	img[13] = 4;
	put_le16(img + 14, 1);
	img[16] = 2;
	put_le16(img + 17, 512);
	put_le16(img + 22, 16);
	img[38] = 0x29;
	memcpy(img + 39, "\x78\x56\x34\x12", 4);
	memcpy(img + 54, "FAT16   ", 8);
	img[510] = 0x55;
	img[511] = 0xaa;
}

TEST(disk_vfat_print)
{
	struct kj_disk_print p;

	make_fat16();
	CHECK(identified(img, KJ_DISK_FS, "\x78\x56\x34\x12", 4, &p));
	/* Boot sector and first FAT, then the root directory. */
	CHECK_U64(p.hash, xxh2(0, 512 + 16 * 512, 512 + 32 * 512, 512 * 32));
	img[512 + 16 * 512] ^= 1;	/* the second FAT */
	img[512 + 64 * 512] ^= 1;	/* a data cluster */
	CHECK_U64(hash_of(img), p.hash);
}

/* A master boot record ends in 55 aa too. */
TEST(disk_unknown_not_recognized)
{
	struct kj_disk_print p;

	memset(img, 0, IMG);
	CHECK_INT(print_of(img, IMG, &p), -EMEDIUMTYPE);
	make_fat16();
	memcpy(img + 54, "NTFS    ", 8);
	CHECK_INT(print_of(img, IMG, &p), -EMEDIUMTYPE);
	make_fat16();
	put_le16(img + 11, 0x8ec0);	/* boot code where the BPB would be */
	CHECK_INT(print_of(img, IMG, &p), -EMEDIUMTYPE);
	CHECK_INT(print_of(img, 100, &p), -EMEDIUMTYPE);
}

/* ---- A's lists ---- */

TEST(disk_mountinfo_parsed)
{
	static const char text[] =
		"22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
		"30 22 0:27 / /home rw shared:5 master:1 - btrfs /dev/vdb rw\n"
		"31 22 254:2 /sub /mnt/my\\040disk rw - ext4 /dev/vda2 rw\n"
		"not a mount\n";
	struct kj_mount m;
	size_t pos = 0;

	CHECK_INT(kj_mountinfo_next(text, &pos, &m), 0);
	CHECK_INT(m.major, 254);
	CHECK_INT(m.minor, 1);
	CHECK_STR(m.point, "/");
	CHECK_STR(m.type, "ext4");
	CHECK_STR(m.source, "/dev/vda1");
	CHECK_INT(kj_mountinfo_next(text, &pos, &m), 0);
	CHECK_INT(m.major, 0);
	CHECK_STR(m.type, "btrfs");
	CHECK_STR(m.source, "/dev/vdb");
	CHECK_INT(kj_mountinfo_next(text, &pos, &m), 0);
	CHECK_STR(m.point, "/mnt/my disk");
	CHECK_INT(kj_mountinfo_next(text, &pos, &m), -EINVAL);
	CHECK_INT(kj_mountinfo_next(text, &pos, &m), -ENODATA);
}

TEST(disk_swaps_parsed_partitions_only)
{
	static const char text[] =
		"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		"/dev/vda3                               partition\t1048572\t0\t-2\n"
		"/swapfile                               file\t\t524284\t0\t-3\n"
		"/dev/mapper/my\\040swap partition 1 0 -4\n";
	size_t pos = 0;
	char dev[64];

	CHECK_INT(kj_swaps_next(text, &pos, dev, sizeof(dev)), 0);
	CHECK_STR(dev, "/dev/vda3");
	CHECK_INT(kj_swaps_next(text, &pos, dev, sizeof(dev)), 0);
	CHECK_STR(dev, "/dev/mapper/my swap");
	CHECK_INT(kj_swaps_next(text, &pos, dev, sizeof(dev)), -ENODATA);
}

TEST(disk_name_cut_to_fit)
{
	struct kj_disk_print p;

	memset(&p, 'x', sizeof(p));
	kj_disk_set_name(&p, "/srv/a/rather/long/mount/point");
	CHECK_STR(p.name, "/srv/a/rather/long/moun");
}

TEST(disk_find_refuses_zero_id)
{
	struct kj_disk_print p = { .kind = KJ_DISK_FS };
	char dev[64];

	CHECK_INT(kj_disk_find(&p, dev, sizeof(dev)), -EINVAL);
}

/* ---- A's list, over a system the test answers for: MAJ:MIN is the
 * device unless MAJ is 0 (btrfs's anonymous devices: then the source
 * names it, as /dev/sdMIN); major 7 is a loop device, left out. */

static int fake_block_dev(const char *path, dev_t *dev)
{
	unsigned int minor;

	if (sscanf(path, "/dev/sd%u", &minor) != 1)
		return -ENOTBLK;
	*dev = makedev(8, minor);
	return 0;
}

static int fake_mount_dev(const struct kj_mount *m, dev_t *dev)
{
	if (!m->major)
		return fake_block_dev(m->source, dev);
	*dev = makedev(m->major, m->minor);
	return 0;
}

static int fake_node(dev_t dev, char *node, size_t size)
{
	snprintf(node, size, major(dev) == 7 ? "" : "/dev/%u", minor(dev));
	return 0;
}

static int fake_fill(struct kj_disk_print *p, const char *node)
{
	p->size = strtoull(node + 5, NULL, 10);
	p->id[0] = (uint8_t)p->size;
	return 0;
}

static const struct kj_disk_sys fake = {
	.mount_dev = fake_mount_dev,
	.block_dev = fake_block_dev,
	.node = fake_node,
	.fill = fake_fill,
};

static const char mounts[] =
	"22 1 8:1 / / rw - ext4 /dev/sd1 rw\n"
	"23 22 0:21 / /proc rw - proc proc rw\n"
	"24 22 8:2 / /a/rather/long/mount/point rw - xfs /dev/sd2 rw\n"
	"25 22 8:1 /srv /srv rw - ext4 /dev/sd1 rw\n"	/* a bind mount */
	"26 22 7:0 / /snap/x rw - squashfs /dev/loop0 ro\n"
	"27 22 0:45 / /home rw - btrfs /dev/sd3 rw\n"
	"28 22 0:46 / /tmp rw - tmpfs tmpfs rw\n";
static const char swaps[] =
	"Filename\tType\tSize\tUsed\tPriority\n"
	"/dev/sd4 partition 1 0 -2\n"
	"/swapfile file 1 0 -3\n";

TEST(disk_list_each_device_once_by_first_mount)
{
	struct kj_disk_print d[KJ_DISKS_MAX];
	size_t n;

	CHECK_INT(kj_disks_list(mounts, swaps, &fake, d, KJ_DISKS_MAX, &n), 0);
	CHECK_INT(n, 4);
	CHECK_STR(d[0].name, "/");
	CHECK_INT(d[0].kind, KJ_DISK_FS);
	CHECK_U64(d[0].size, 1);
	CHECK_STR(d[1].name, "/a/rather/long/mount/po");
	CHECK_STR(d[2].name, "/home");
	CHECK_U64(d[2].size, 3);
	CHECK_STR(d[3].name, "/dev/sd4");
	CHECK_INT(d[3].kind, KJ_DISK_SWAP);
	CHECK_U64(d[3].hash, 0);
}

TEST(disk_list_too_many)
{
	struct kj_disk_print d[8];	/* room past max, for a broken list */
	size_t n;

	CHECK_INT(kj_disks_list(mounts, swaps, &fake, d, 3, &n), -E2BIG);
	CHECK_INT(n, 3);
	CHECK_INT(kj_disks_list(mounts, "", &fake, d, 3, &n), 0);
}

TEST(disk_left_out_loop_and_ram_disks)
{
	CHECK(kj_disk_left_out("loop0"));
	CHECK(kj_disk_left_out("zram0"));
	CHECK(kj_disk_left_out("ram1"));
	CHECK(!kj_disk_left_out("sda1"));
	CHECK(!kj_disk_left_out("nvme0n1p2"));
	CHECK(!kj_disk_left_out("dm-0"));
}
