/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What resume (C) and restore (R) share. */
#ifndef KJ_FLOW_RESUME_H
#define KJ_FLOW_RESUME_H

#include "flow/flow.h"

struct resume {
	const struct kj_resume_opts *o;
	struct kj_image *img;
	const struct kj_image_header *h;
	char append[2048];
};

/* Opens the image and checks its state (and, if full, every checksum):
 * complete, not consumed, a hibernation. */
int kj_resume_check_image(struct resume *s, bool full);
/* This kernel must be the one that saved the image: R is this kernel. */
int kj_resume_check_kernel(const struct resume *s);
/* Sets a flag in the image's header. */
int kj_resume_mark(const struct resume *s, uint32_t flag);
void kj_resume_release(struct resume *s);

#endif
