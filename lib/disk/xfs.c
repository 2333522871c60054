// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * XFS (fs/xfs/libxfs/xfs_format.h, fs/xfs/xfs_log_recover.c).
 *
 * XFS writes little in place at a mount: what changes first is its log.
 * The hash covers the first 4096 bytes (the superblock and, with 512-byte
 * sectors, allocation group 0's headers) and, for an internal log, where
 * the log's head is and the 8 basic blocks on either side of it. Every
 * write to the log, a mount's, an unmount record, a replay's, starts at
 * the head, so it changes those blocks or moves the head.
 *
 * The head is found as xlog_find_head() finds it, simplified: each
 * 512-byte basic block of the log starts with the cycle number of the
 * pass that wrote it (or, in a record's header, after its magic); the
 * blocks before the head carry the current cycle, those after it the one
 * before. A binary search finds where the cycle changes. An external log
 * is not covered.
 */
#include <errno.h>
#include <string.h>

#include "disk/disk.h"

#define SB_UUID		0x20
#define SB_LOGSTART	0x30
#define SB_AGBLOCKS	0x54
#define SB_LOGBLOCKS	0x60
#define SB_BLOCKLOG	0x78
#define SB_AGBLKLOG	0x7c
#define SB_LEN		0x80

#define HEAD_LEN	4096
#define BB		512
#define RECORD_MAGIC	0xfeedbabe
#define AROUND		8		/* basic blocks hashed on each side */

struct xlog {
	uint64_t start;			/* bytes */
	uint64_t bbs;			/* its length in basic blocks */
};

static int read_sb(const struct kj_disk_src *s, uint8_t sb[SB_LEN])
{
	int err = s->read(s, sb, SB_LEN, 0);

	if (!err && memcmp(sb, "XFSB", 4))
		err = -EMEDIUMTYPE;
	return err;
}

static int xfs_identify(const struct kj_disk_src *s, uint8_t id[16])
{
	uint8_t sb[SB_LEN];
	int err = read_sb(s, sb);

	if (!err)
		memcpy(id, sb + SB_UUID, 16);
	return err;
}

/* An internal log's place, from its first block's number (allocation
 * group, block in it); bbs 0 for an external log. */
static int log_of(const uint8_t *sb, uint64_t size, struct xlog *l)
{
	uint64_t fsb = kj_get_be64(sb + SB_LOGSTART);
	unsigned int blocklog = sb[SB_BLOCKLOG], agblklog = sb[SB_AGBLKLOG];
	uint64_t agno, agbno;

	l->bbs = 0;
	if (!fsb)
		return 0;
	if (blocklog < 9 || blocklog > 16 || agblklog > 31)
		return -EUCLEAN;
	agno = fsb >> agblklog;
	agbno = fsb & ((1ull << agblklog) - 1);
	l->start = (agno * kj_get_be32(sb + SB_AGBLOCKS) + agbno) << blocklog;
	l->bbs = (uint64_t)kj_get_be32(sb + SB_LOGBLOCKS) << (blocklog - 9);
	if (!l->bbs || l->start > size || l->bbs > (size - l->start) / BB)
		return -EUCLEAN;
	return 0;
}

static int cycle_at(const struct kj_disk_src *s, const struct xlog *l,
		    uint64_t bb, uint32_t *cycle)
{
	uint8_t w[8];
	int err = s->read(s, w, sizeof(w), l->start + bb * BB);

	if (!err)
		*cycle = kj_get_be32(w) == RECORD_MAGIC ? kj_get_be32(w + 4)
						       : kj_get_be32(w);
	return err;
}

/* The first block whose cycle is not block 0's; 0 if the whole log has
 * one cycle (the head is where it wraps). */
static int find_head(const struct kj_disk_src *s, const struct xlog *l,
		     uint64_t *head)
{
	uint64_t lo = 0, hi = l->bbs - 1, mid;
	uint32_t first, c;
	int err;

	err = cycle_at(s, l, lo, &first);
	if (!err)
		err = cycle_at(s, l, hi, &c);
	*head = 0;
	if (err || c == first)
		return err;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		err = cycle_at(s, l, mid, &c);
		if (err)
			return err;
		if (c == first)
			lo = mid;
		else
			hi = mid;
	}
	*head = hi;
	return 0;
}

static int hash_head(const struct kj_disk_src *s, const struct xlog *l,
		     struct kj_disk_hash *h)
{
	uint64_t head, i, bb;
	int err;

	err = find_head(s, l, &head);
	if (err)
		return err;
	kj_disk_hash_u64(h, head);
	for (i = 0; i < 2 * AROUND && !err; i++) {
		bb = (head + l->bbs * AROUND + i - AROUND) % l->bbs;
		err = kj_disk_hash_range(h, s, l->start + bb * BB, BB);
	}
	return err;
}

static int xfs_hash(const struct kj_disk_src *s, struct kj_disk_hash *h)
{
	uint8_t sb[SB_LEN];
	struct xlog l;
	int err;

	err = read_sb(s, sb);
	if (!err)
		err = log_of(sb, s->size, &l);
	if (!err)
		err = kj_disk_hash_range(h, s, 0, HEAD_LEN);
	if (err || !l.bbs)
		return err;
	return hash_head(s, &l, h);
}

const struct kj_disk_type kj_disk_xfs = {
	.name = "xfs",
	.kind = KJ_DISK_FS,
	.identify = xfs_identify,
	.hash = xfs_hash,
};
