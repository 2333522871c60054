/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/disk: fingerprints of the file systems and swap areas A used, read
 * raw from their disks, so that an image is never resumed onto disks
 * that moved on since it was written (doc/design.md, section 4).
 *
 * A fingerprint (struct kj_disk_print, include/kjump.h) names a device by
 * its kind and UUID, never by its name: names change from boot to boot.
 * Its hash covers what a mount, a journal replay or fsck writes (each
 * kind's file says what and why), not the data: B writes the image into
 * a file on one of these file systems, raw, and C and R mark it there.
 *
 * Uses lib/common only.
 */
#ifndef KJ_DISK_H
#define KJ_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kjump.h"

/* ---- The public operations (for lib/flow) -------------------------- */

/*
 * In A: every file system mounted from a block device (each device once,
 * named by its first mount point) and every active swap partition (named
 * by its device), with kind, id and size; hash 0 (B computes it).
 * A file system of a type this library does not know, or without a UUID,
 * is listed with a zero id, so that the caller can refuse by name.
 * Left out: loop devices (their backing files lie on file systems that are
 * listed, and they do not exist yet when C checks), RAM disks (zram, brd:
 * their content is A's memory), swap files (on a listed file system), and
 * file systems that are not on a block device (tmpfs, nfs...).
 * -E2BIG past max entries; -errno if a device cannot be read.
 */
int kj_disks_in_use(struct kj_disk_print *out, size_t max, size_t *n);

/*
 * Reads dev raw (O_DIRECT, past every cache) and fills p's kind, id, size
 * and hash; p->name is left as the caller set it.
 * -EMEDIUMTYPE if dev holds nothing this library recognizes, -EUCLEAN if
 * it is recognized but its metadata does not add up.
 */
int kj_disk_print_read(const char *dev, struct kj_disk_print *p);

/*
 * Finds the block device whose kind and UUID are want's, among all of
 * /sys/class/block, and writes "/dev/NAME" into dev. Devices that cannot
 * be opened, or are empty, are skipped. -ENOENT if none matches, -EEXIST
 * if two do (ambiguous: a copy of the disk), -EINVAL for a zero id,
 * -ENAMETOOLONG if size is too short.
 */
int kj_disk_find(const struct kj_disk_print *want, char *dev, size_t size);

/*
 * Checks every print of d[0..n) against its disk as it is now: 0 if all
 * are the same. Otherwise *bad is the first that is not, *now what was
 * read there (its name copied from d[*bad]), and: -ENOENT its device was
 * not found, -EEXIST found twice, -ESTALE it changed (size, kind or hash),
 * -EINVAL it has a zero id (it could not be fingerprinted), or the error
 * of reading it.
 */
int kj_disks_check(const struct kj_disk_print *d, size_t n, size_t *bad,
		   struct kj_disk_print *now);

/*
 * Keeps other kernels from swapping onto the swap area dev (hold: its
 * signature becomes kjump's own), or gives it back. 0 if it already was
 * so; -EMEDIUMTYPE if dev holds no swap area.
 */
int kj_disk_swap_hold(const char *dev, bool hold);

/* ---- Inside the layer, and for the tests --------------------------- */

/* Where a print is read from: a block device, or a buffer in a test. */
struct kj_disk_src {
	/* Exactly len bytes at off, any alignment; -ENODATA past size. */
	int (*read)(const struct kj_disk_src *s, void *buf, size_t len,
		    uint64_t off);
	uint64_t size;
	int fd;				/* a device's */
	const uint8_t *mem;		/* a buffer's */
};

/* A source over a buffer of size bytes. */
void kj_disk_src_mem(struct kj_disk_src *s, const void *mem, size_t size);
/* Opens dev read-only with O_DIRECT and learns its size. */
int kj_disk_src_open(struct kj_disk_src *s, const char *dev);
void kj_disk_src_close(struct kj_disk_src *s);

/* XXH64 over ranges of a source, streamed: the hash of a print. */
struct kj_disk_hash;
/* Adds len bytes at off; -ENODATA if they lie past the end. */
int kj_disk_hash_range(struct kj_disk_hash *h, const struct kj_disk_src *s,
		       uint64_t off, uint64_t len);
/* Adds a number, for what a kind learned rather than read (a position). */
void kj_disk_hash_u64(struct kj_disk_hash *h, uint64_t v);

/* One kind of content: how to recognize it and what its hash covers. */
struct kj_disk_type {
	const char *name;
	uint32_t kind;			/* enum kj_disk_kind */
	/* 0 and the UUID if s holds this type, -EMEDIUMTYPE if it does
	 * not, or the error of reading it. */
	int (*identify)(const struct kj_disk_src *s, uint8_t id[16]);
	int (*hash)(const struct kj_disk_src *s, struct kj_disk_hash *h);
};

extern const struct kj_disk_type kj_disk_ext4, kj_disk_xfs, kj_disk_btrfs,
	kj_disk_vfat, kj_disk_swap;

/* Which type s holds, and its UUID; -EMEDIUMTYPE if none. */
int kj_disk_identify(const struct kj_disk_src *s,
		     const struct kj_disk_type **type, uint8_t id[16]);
/* Identifies s and fills p's kind, id, size and hash. */
int kj_disk_print_src(const struct kj_disk_src *s, struct kj_disk_print *p);

/* ---- The lists of A's mounts and swaps, parsed --------------------- */

/* One line of /proc/self/mountinfo, as far as the fingerprints care. */
struct kj_mount {
	unsigned int major, minor;	/* the device field (0:N for btrfs) */
	char point[256];		/* unescaped */
	char type[32];
	char source[256];		/* unescaped */
};

/* Line after line: 0 and *m, -ENODATA at the end, -EINVAL for a line
 * that is not one. *pos walks through text. */
int kj_mountinfo_next(const char *text, size_t *pos, struct kj_mount *m);
/* The device of each active swap partition in /proc/swaps' text, line
 * after line; -ENODATA at the end. Swap files are skipped. */
int kj_swaps_next(const char *text, size_t *pos, char *dev, size_t size);

/* What kj_disks_in_use asks of the system, so that the tests can answer
 * for it. */
struct kj_disk_sys {
	/* The block device a mount is on; -ENOTBLK if none. */
	int (*mount_dev)(const struct kj_mount *m, dev_t *dev);
	/* The device of a block device node; -ENOTBLK if path is not one. */
	int (*block_dev)(const char *path, dev_t *dev);
	/* /dev/NAME of dev, or "" for a device left out. */
	int (*node)(dev_t dev, char *node, size_t size);
	/* p's size and id (zero if it holds nothing of p->kind) from node. */
	int (*fill)(struct kj_disk_print *p, const char *node);
};

/* kj_disks_in_use over the text of /proc/self/mountinfo and /proc/swaps. */
int kj_disks_list(const char *mountinfo, const char *swaps,
		  const struct kj_disk_sys *sys, struct kj_disk_print *out,
		  size_t max, size_t *n);
/* Whether a block device of this name is left out of A's list: a loop
 * device or a RAM disk (see kj_disks_in_use). */
bool kj_disk_left_out(const char *name);

/* Copies src into a name of a print, cut to fit, NUL-terminated. */
void kj_disk_set_name(struct kj_disk_print *p, const char *src);

/* ---- Byte helpers for big-endian formats (jbd2, xfs) --------------- */

static inline uint32_t kj_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t kj_get_be64(const uint8_t *p)
{
	return (uint64_t)kj_get_be32(p) << 32 | kj_get_be32(p + 4);
}

#endif
