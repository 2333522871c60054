// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How A hands an encrypted image's key to B without a disk: in a page of
 * its own memory, locked, whose physical address goes on B's task
 * (kjump.key=). B reads A's memory anyway (/proc/vmcore): it reads the
 * page there, and the key lies only in the two kernels' RAM. The page is
 * saved with the rest of A, sealed under the key it holds, and A wipes it
 * once the jump is back.
 *
 * The page:
 *   0x00  8   magic "KJKEYPG1"
 *   0x08  2   aead (enum kj_aead), then 6 zero bytes
 *   0x10  8   the public key's id
 *   0x18  32  the image's key, bound (kjump.h, struct kj_key_auth)
 *   0x38  80  the image's key sealed to the public key
 *   0x88  8   XXH64 of [0, 0x88)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow/handkey.h"
#include "common/le.h"

#define MAGIC		"KJKEYPG1"
#define P_AEAD		0x08
#define P_KEY_ID	0x10
#define P_KEY		0x18
#define P_SEALED	0x38
#define P_SUM		0x88
#define P_LEN		0x90

/* The authentication key file: the public key, and what binds images
 * to it (kjump.h, struct kj_key_auth). */
static int read_auth(const struct kj_report *r, const char *path,
		     struct kj_key_auth *a)
{
	char *text = NULL;
	size_t len;
	int err = kj_read_text(path, &text, &len);

	if (err) {
		say_error(r, "cannot read the key '%s': %s", path, strerror(-err));
		say_hint(r, "make a key pair with 'kjump key new'");
	} else if ((err = kj_key_auth_parse(text, a))) {
		say_error(r, "'%s' is not a kjump authentication key, or it is damaged", path);
		say_hint(r, "'kjump key new --force' makes a new pair");
	}
	if (text)
		explicit_bzero(text, len);
	free(text);
	return err;
}

static void encode(uint8_t *p, enum kj_aead aead, const struct kj_key_public *pub,
		   const uint8_t *key, const uint8_t *sealed)
{
	memcpy(p, MAGIC, 8);
	put_le16(p + P_AEAD, (uint16_t)aead);
	memcpy(p + P_KEY_ID, pub->id, KJ_KEY_ID_SIZE);
	memcpy(p + P_KEY, key, KJ_IMAGE_KEY_SIZE);
	memcpy(p + P_SEALED, sealed, KJ_SEALED_KEY_SIZE);
	put_le64(p + P_SUM, kj_checksum(p, P_SUM));
}

/* A fresh key for this image, sealed to a's public key, in a locked
 * page: B gets it bound to the authentication key, as it seals with it. */
static int fill(const struct kj_report *r, const struct kj_key_auth *a,
		struct kj_key_hand *kh)
{
	uint8_t key[KJ_IMAGE_KEY_SIZE], bound[KJ_IMAGE_KEY_SIZE];
	uint8_t sealed[KJ_SEALED_KEY_SIZE];
	const struct kj_key_public *pub = &a->pub;
	enum kj_aead aead = kj_aead_pick();
	int err = kj_key_seal_new(pub, key, sealed);

	if (err) {
		say_error(r, "cannot make the image's key: %s", strerror(-err));
		return err;
	}
	kj_key_image_aead(a->auth, key, bound);
	encode(kh->page, aead, pub, bound, sealed);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(bound, sizeof(bound));
	say_info(r, "encrypting the image (%s, key %02x%02x%02x%02x...)",
		 kj_aead_name(aead), pub->id[0], pub->id[1], pub->id[2], pub->id[3]);
	return 0;
}

int kj_key_hand_make(const struct kj_report *r, const char *authpath,
		     struct kj_key_hand *kh)
{
	struct kj_key_auth a;
	int err = read_auth(r, authpath, &a);

	if (err)
		return err;
	err = kj_page_lock(&kh->page, &kh->phys);
	if (err) {
		say_error(r, "cannot lock a page for the image's key, or find it in physical memory: %s",
			  strerror(-err));
		kh->page = NULL;
		explicit_bzero(&a, sizeof(a));
		return err;
	}
	err = fill(r, &a, kh);
	explicit_bzero(&a, sizeof(a));
	if (err)
		kj_key_hand_drop(kh);
	return err;
}

int kj_key_hand_check(const struct kj_report *r, const struct kj_key_hand *kh)
{
	if (kj_page_still_at(kh->page, kh->phys))
		return 0;
	say_error(r, "the page that holds the image's key moved in memory after B was told where it is: nothing was saved");
	say_hint(r, "try again");
	return -EAGAIN;
}

void kj_key_hand_drop(struct kj_key_hand *kh)
{
	kj_page_unlock(kh->page);
	kh->page = NULL;
}

int kj_key_hand_decode(const uint8_t *p, struct kj_image_key *k,
		       struct kj_image_header *h)
{
	uint16_t aead = get_le16(p + P_AEAD);

	if (memcmp(p, MAGIC, 8) || get_le64(p + P_SUM) != kj_checksum(p, P_SUM) ||
	    (aead != KJ_AEAD_CHACHA20POLY1305 && aead != KJ_AEAD_AES256GCM))
		return -EBADMSG;
	k->aead = aead;
	memcpy(k->key, p + P_KEY, KJ_IMAGE_KEY_SIZE);
	h->aead = aead;
	memcpy(h->key_id, p + P_KEY_ID, sizeof(h->key_id));
	memcpy(h->sealed_key, p + P_SEALED, sizeof(h->sealed_key));
	return 0;
}

int kj_key_hand_take(const struct kj_report *r, const struct kj_vmcore *vc,
		     uint64_t phys, struct kj_image_key *k, struct kj_image_header *h)
{
	uint8_t p[P_LEN];
	int err = kj_vmcore_read(vc, phys, p, sizeof(p));

	if (!err && (err = kj_key_hand_decode(p, k, h)))
		say_error(r, "no image key at 0x%llx in the caller's memory, where kjump.key= says",
			  (unsigned long long)phys);
	else if (err)
		say_error(r, "cannot read the image key at 0x%llx: %s",
			  (unsigned long long)phys, strerror(-err));
	if (!err && !kj_aead_usable(k->aead)) {
		say_error(r, "this kernel's CPU cannot run %s", kj_aead_name(k->aead));
		err = -ENOTSUP;
	}
	explicit_bzero(p, sizeof(p));
	return err;
}
