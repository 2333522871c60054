/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An encrypted image's key, from A to B in memory (lib/flow/handkey.c). */
#ifndef KJ_FLOW_HANDKEY_H
#define KJ_FLOW_HANDKEY_H

#include "flow/flow.h"
#include "key/key.h"

struct kj_key_hand {
	uint8_t *page;			/* locked; NULL: none */
	uint64_t phys;			/* where it lies */
};

/* In A: a fresh image key sealed to the public key of the authentication
 * key file at authpath, in a locked page of this process (reported). */
int kj_key_hand_make(const struct kj_report *r, const char *authpath,
		     struct kj_key_hand *kh);
/* Right before the jump: the page is still where B was told (mlock
 * keeps it in RAM, not in place: compaction may move it). -EAGAIN,
 * reported, if not. */
int kj_key_hand_check(const struct kj_report *r, const struct kj_key_hand *kh);
/* Wipes and frees the page. */
void kj_key_hand_drop(struct kj_key_hand *kh);
/* The page's bytes into the key and h's aead, key id and sealed key;
 * -EBADMSG if it is not such a page. */
int kj_key_hand_decode(const uint8_t *page, struct kj_image_key *k,
		       struct kj_image_header *h);
/* In B: the page at phys in A's memory (reported). */
int kj_key_hand_take(const struct kj_report *r, const struct kj_vmcore *vc,
		     uint64_t phys, struct kj_image_key *k, struct kj_image_header *h);

#endif
