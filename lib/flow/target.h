/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KJ_FLOW_TARGET_H
#define KJ_FLOW_TARGET_H

#include <limits.h>
#include <sys/stat.h>

#include "flow/resume.h"

/* What B writes to: a device, and the extents of a file on it (n = 0 when
 * the image is the device itself). */
struct kj_target_dev {
	char device[PATH_MAX];
	struct kj_extents ext;
	int claim_fd;			/* the device held with O_EXCL, or -1 */
	char pinned[PATH_MAX];		/* the file made immutable, or "" */
};

/* Finds it for image, refusing what B must not write to; reports what is
 * wrong. A file that does not exist is created (kj_target_create). */
int kj_target_resolve(const struct kj_report *r, const char *image,
		      uint64_t size, struct kj_target_dev *t);
/* Creates image, mode 0600, not through a link, size bytes of zeros (0:
 * all of RAM and a little), synced. */
int kj_target_create(const struct kj_report *r, const char *image, uint64_t size);
/* Releases the claim; unpins a pinned file. */
void kj_target_release(struct kj_target_dev *t);
/* A file target: made immutable until released, so that its extents
 * stay where B writes and R reads them. A warning if it cannot be. */
void kj_target_pin(const struct kj_report *r, struct kj_target_dev *t,
		   const char *image);

/* Refuses a device that is mounted (in any mount namespace), active swap
 * or held by a holder, itself or a partition of it; then holds it open
 * with O_EXCL in *fd until released. -EBUSY, reported, if it is in use. */
int kj_target_claim(const struct kj_report *r, const char *image, dev_t dev,
		    int *fd);
/* A resident B (lib/flow/resident.c): whether the B loaded is one for t,
 * and its stamp's UUID (not if a crash load may have overwritten it:
 * warned through r); after each jump into it, count the jump. */
bool kj_resident_for(const struct kj_target_dev *t, char stamp[33],
		     const struct kj_report *r);
void kj_resident_entered(void);

/* A makes a stamp's UUID (32 hex digits), writes the stamp at the
 * target's offset 0 and syncs; B checks it there before writing. A
 * resident B's task rides in the stamp: put's task (may be NULL), check's
 * task (if not NULL, KJ_STAMP_TASK_MAX + 1 bytes). */
int kj_stamp_new(char hex[33]);
int kj_stamp_put(const struct kj_report *r, const char *image,
		 const struct kj_target_dev *t, const char *hex, const char *task);
int kj_stamp_check(const struct kj_report *r, const char *dest,
		   const struct kj_extents *ext, const char *hex, char *task);

/* Refuses a file that is active swap. */
int kj_target_file_ok(const struct kj_report *r, const char *image,
		      const struct stat *st);

#endif
