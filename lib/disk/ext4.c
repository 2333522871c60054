// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ext2, ext3, ext4 (fs/ext4/ext4.h, fs/jbd2/journal.c).
 *
 * The hash covers the superblock (1024 bytes at 1024) and, with an
 * internal journal, the journal's superblock (the first 1024 bytes of the
 * journal inode's first block):
 *  - a read-write mount writes the superblock at once (s_mtime,
 *    s_mnt_count, s_state, the RECOVER feature) and again at the unmount
 *    (s_wtime, s_kbytes_written);
 *  - a journal replay, even by a read-only mount or by e2fsck, clears
 *    RECOVER in the superblock and s_start in the journal's;
 *  - e2fsck writes s_lastcheck and s_mnt_count;
 *  - every transaction that is checkpointed moves the journal's tail
 *    (s_sequence, s_start), and an unmount marks it empty.
 * A read-only mount of a clean file system writes neither: jbd2 defers the
 * journal superblock's update "to avoid a write to a potentially
 * read-only device" when s_start is 0 (journal_reset()).
 * An external journal (a device of its own) is not covered: a replay from
 * it still clears RECOVER here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "disk/disk.h"

#define SB_OFF			1024
#define SB_LEN			1024
#define SB_FIRST_DATA_BLOCK	0x14
#define SB_LOG_BLOCK_SIZE	0x18
#define SB_INODES_PER_GROUP	0x28
#define SB_MAGIC		0x38
#define SB_REV_LEVEL		0x4c
#define SB_INODE_SIZE		0x58
#define SB_FEATURE_COMPAT	0x5c
#define SB_FEATURE_INCOMPAT	0x60
#define SB_UUID			0x68
#define SB_JOURNAL_INUM		0xe0
#define SB_JOURNAL_DEV		0xe4
#define SB_DESC_SIZE		0xfe

#define EXT4_MAGIC		0xef53
#define COMPAT_HAS_JOURNAL	0x0004
#define INCOMPAT_JOURNAL_DEV	0x0008	/* an external journal, not a fs */
#define INCOMPAT_64BIT		0x0080

#define GD_INODE_TABLE_LO	0x08
#define GD_INODE_TABLE_HI	0x28
#define INODE_FLAGS		0x20
#define INODE_BLOCK		0x28	/* i_block[15] */
#define INODE_BLOCK_LEN		60
#define EXTENTS_FL		0x80000
#define EXT_MAGIC		0xf30a
#define EXT_MAX_DEPTH		5

#define JBD2_MAGIC		0xc03b3998
#define JBD2_SB_LEN		1024

/* What finding an inode needs of the superblock. */
struct geo {
	uint32_t bs;			/* block size */
	uint64_t gdt;			/* the group descriptors' first block */
	uint32_t ipg;			/* inodes per group */
	uint32_t isize;
	uint32_t dsize;			/* of a group descriptor */
};

static int read_sb(const struct kj_disk_src *s, uint8_t sb[SB_LEN])
{
	int err = s->read(s, sb, SB_LEN, SB_OFF);

	if (err)
		return err;
	if (get_le16(sb + SB_MAGIC) != EXT4_MAGIC ||
	    get_le32(sb + SB_FEATURE_INCOMPAT) & INCOMPAT_JOURNAL_DEV)
		return -EMEDIUMTYPE;
	return 0;
}

static int ext4_identify(const struct kj_disk_src *s, uint8_t id[16])
{
	uint8_t sb[SB_LEN];
	int err = read_sb(s, sb);

	if (!err)
		memcpy(id, sb + SB_UUID, 16);
	return err;
}

static int geo_of(const uint8_t *sb, struct geo *g)
{
	uint32_t log = get_le32(sb + SB_LOG_BLOCK_SIZE);

	if (log > 6)
		return -EUCLEAN;
	g->bs = 1024u << log;
	g->gdt = get_le32(sb + SB_FIRST_DATA_BLOCK) + 1ull;
	g->ipg = get_le32(sb + SB_INODES_PER_GROUP);
	g->isize = get_le32(sb + SB_REV_LEVEL) ? get_le16(sb + SB_INODE_SIZE)
					       : 128;
	g->dsize = 32;
	if (get_le32(sb + SB_FEATURE_INCOMPAT) & INCOMPAT_64BIT &&
	    get_le16(sb + SB_DESC_SIZE))
		g->dsize = get_le16(sb + SB_DESC_SIZE);
	if (!g->ipg || g->isize < 128 || g->isize > g->bs || g->dsize < 32 ||
	    g->dsize > 1024)
		return -EUCLEAN;
	return 0;
}

/* The i_flags and i_block of inode ino, from its group's inode table.
 * Only the groups whose descriptors lie in the first descriptor block:
 * the journal's inode is 8, in group 0. */
static int read_inode(const struct kj_disk_src *s, const struct geo *g,
		      uint32_t ino, uint8_t inode[128])
{
	uint32_t group = (ino - 1) / g->ipg, index = (ino - 1) % g->ipg;
	uint8_t gd[64] = { 0 };
	uint64_t table;
	int err;

	if (((uint64_t)group + 1) * g->dsize > g->bs)
		return -EUCLEAN;
	err = s->read(s, gd, g->dsize < 64 ? g->dsize : 64,
		      g->gdt * g->bs + (uint64_t)group * g->dsize);
	if (err)
		return err;
	table = get_le32(gd + GD_INODE_TABLE_LO);
	if (g->dsize >= 64)
		table |= (uint64_t)get_le32(gd + GD_INODE_TABLE_HI) << 32;
	return s->read(s, inode, 128,
		       table * g->bs + (uint64_t)index * g->isize);
}

/* Down an extent tree to the extent that maps logical block 0: always the
 * first entry of each node, and it must start at 0. */
static int extent_block0(const struct kj_disk_src *s, const struct geo *g,
			 uint8_t *node, size_t len, uint64_t *pblk)
{
	uint8_t *e = node + 12;
	uint64_t child;
	int level, err;

	for (level = 0; level <= EXT_MAX_DEPTH; level++) {
		if (get_le16(node) != EXT_MAGIC || !get_le16(node + 2) ||
		    24 > len)
			return -EUCLEAN;
		if (!get_le16(node + 6)) {	/* a leaf: ee_block must be 0 */
			if (get_le32(e))
				return -EUCLEAN;
			*pblk = get_le32(e + 8) |
				(uint64_t)get_le16(e + 6) << 32;
			return 0;
		}
		child = get_le32(e + 4) | (uint64_t)get_le16(e + 8) << 32;
		err = s->read(s, node, g->bs, child * g->bs);
		if (err)
			return err;
		len = g->bs;
	}
	return -EUCLEAN;
}

/* Where the journal inode's first block lies, by extents or (ext3) by its
 * first direct block pointer. */
static int journal_block0(const struct kj_disk_src *s, const uint8_t *sb,
			  uint64_t *pblk, uint32_t *bs)
{
	uint8_t inode[128], *node;
	struct geo g;
	int err;

	err = geo_of(sb, &g);
	if (!err)
		err = read_inode(s, &g, get_le32(sb + SB_JOURNAL_INUM), inode);
	if (err)
		return err;
	*bs = g.bs;
	if (!(get_le32(inode + INODE_FLAGS) & EXTENTS_FL)) {
		*pblk = get_le32(inode + INODE_BLOCK);
		return 0;
	}
	node = malloc(g.bs);
	if (!node)
		return -ENOMEM;
	memcpy(node, inode + INODE_BLOCK, INODE_BLOCK_LEN);
	err = extent_block0(s, &g, node, INODE_BLOCK_LEN, pblk);
	free(node);
	return err;
}

static int hash_journal_sb(const struct kj_disk_src *s, const uint8_t *sb,
			   struct kj_disk_hash *h)
{
	uint8_t jsb[8];
	uint64_t pblk;
	uint32_t bs;
	int err;

	err = journal_block0(s, sb, &pblk, &bs);
	if (!err)
		err = s->read(s, jsb, sizeof(jsb), pblk * bs);
	if (err)
		return err;
	if (kj_get_be32(jsb) != JBD2_MAGIC)
		return -EUCLEAN;
	return kj_disk_hash_range(h, s, pblk * bs, JBD2_SB_LEN);
}

static int ext4_hash(const struct kj_disk_src *s, struct kj_disk_hash *h)
{
	uint8_t sb[SB_LEN];
	int err;

	err = read_sb(s, sb);
	if (!err)
		err = kj_disk_hash_range(h, s, SB_OFF, SB_LEN);
	if (err)
		return err;
	if (!(get_le32(sb + SB_FEATURE_COMPAT) & COMPAT_HAS_JOURNAL) ||
	    !get_le32(sb + SB_JOURNAL_INUM) || get_le32(sb + SB_JOURNAL_DEV))
		return 0;
	return hash_journal_sb(s, sb, h);
}

const struct kj_disk_type kj_disk_ext4 = {
	.name = "ext4",
	.kind = KJ_DISK_FS,
	.identify = ext4_identify,
	.hash = ext4_hash,
};
