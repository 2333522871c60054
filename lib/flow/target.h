/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KJ_FLOW_TARGET_H
#define KJ_FLOW_TARGET_H

#include <limits.h>

#include "flow/flow.h"

/* What B writes to: a device, and the extents of a file on it (n = 0 when
 * the image is the device itself). */
struct kj_target_dev {
	char device[PATH_MAX];
	struct kj_extents ext;
};

/* Finds it for image, refusing a mounted device; reports what is wrong. */
int kj_target_resolve(const struct kj_report *r, const char *image,
		      struct kj_target_dev *t);
void kj_target_release(struct kj_target_dev *t);

#endif
