/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What resume (C) and restore (R) share. */
#ifndef KJ_FLOW_RESUME_H
#define KJ_FLOW_RESUME_H

#include "flow/flow.h"

struct resume {
	const struct kj_resume_opts *o;
	struct kj_image *img;
	const struct kj_image_header *h;
	/* Why the image is given up, once a check that discards failed
	 * (KJ_DISCARD_NONE: it is kept). */
	enum kj_discard why;
	uint16_t detail;
	char append[2048];
};

/* What C hands R: the image's UUID and key, in R's initramfs. */
#define KJ_HANDED_KEY	"/kjump-image.key"

/* An encrypted image's key into s->img (lib/flow/unlock.c): in R started
 * by C (in_r, o->uuid), the key C handed; else the secret key opened with
 * the passphrase. A plain image needs none, and is refused where a
 * secret key is set up (KJ_KEY_SECRET is there). Sets s->why when the
 * image is to be given up. */
int kj_resume_unlock(struct resume *s, bool in_r);
/* The cpio archive C appends to R's initramfs for KJ_HANDED_KEY; its
 * length, 0 if it does not fit. */
size_t kj_handed_key_cpio(const struct resume *s, uint8_t *out, size_t size);

/* Opens the image and reads its header; reports what is wrong. */
int kj_resume_open(struct resume *s);
/* The image may be resumed at all: complete, a hibernation, neither
 * resumed nor discarded before. A refusal here discards nothing: such an
 * image is a snapshot to keep, or already dead. */
int kj_resume_check_state(const struct resume *s);
/* This kernel must be the one that saved the image: R is this kernel. */
int kj_resume_check_kernel(struct resume *s);
int kj_resume_mark(const struct resume *s, const struct kj_image_mark *m);
void kj_resume_release(struct resume *s);

/* The legacy persistent memory of R's plan, where it writes, into out
 * (KJ_E820_MAX entries); how many. */
size_t kj_pram_of(const struct kj_load_plan *plan, struct kj_range *out);
/* ram[0..n) in at most max spans, sorted into out (n entries): adjacent
 * ranges joined across the smallest gaps first, never across one that
 * touches keep[0..nkeep). Their count; 0 if they do not fit in max. */
size_t kj_avoid_spans(const struct kj_range *ram, size_t n,
		      const struct kj_range *keep, size_t nkeep,
		      struct kj_range *out, size_t max);
/* R's command line into s->append: the task, and when C starts R
 * (from_c), the UUID of the image C checked. */
int kj_resume_task(struct resume *s, bool from_c);

/* In A: " kjump.disks=K:UUID:NAME,..." for every file system and swap
 * area on a disk A uses, into out; its length. *err if one cannot be
 * fingerprinted (reported). */
size_t kj_disks_arg(const struct kj_report *r, char *out, size_t size, int *err);
/* In B: kjump.disks= back into prints (kind, id, name); -EINVAL. */
int kj_disks_parse(const char *text, struct kj_disk_print *d, size_t *n);
/* In B: finds each disk and reads its print into h->disks. */
int kj_disks_record(const struct kj_report *r, const struct kj_disk_print *want,
		    size_t n, struct kj_image_header *h);
/* Gives the image's swap areas their signature back (B took it, so that
 * no other boot would swap there): R before it jumps, C when it discards
 * the image. Warns when it cannot. */
void kj_disks_release_swap(const struct kj_report *r, const struct kj_image_header *h);
/* In C and R: every disk as the image recorded it, or a refusal naming
 * the file system (s->why = KJ_DISCARD_DISKS). */
int kj_disks_unchanged(struct resume *s);

/* The image's UUID as 32 hex digits and a NUL. */
void kj_uuid_hex(const uint8_t uuid[16], char out[33]);

#endif
