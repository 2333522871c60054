// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sealing an encrypted image's parts with an AEAD (doc/image-format.md,
 * "Encrypted images"), through libsodium: ChaCha20-Poly1305 (IETF) or
 * AES-256-GCM, detached tags, in place. The image's own key is used once
 * per image, so a nonce need only be unique within it: a block's is its
 * sequence number, and the note and the header have their own, which no
 * block reaches. Nothing here is kjump's own cryptography.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "image/image.h"
#include "common/le.h"

_Static_assert(KJ_AEAD_TAG_SIZE == crypto_aead_chacha20poly1305_ietf_ABYTES &&
	       KJ_AEAD_TAG_SIZE == crypto_aead_aes256gcm_ABYTES, "16-byte tags");
_Static_assert(KJ_IMAGE_KEY_SIZE == crypto_aead_chacha20poly1305_ietf_KEYBYTES &&
	       KJ_IMAGE_KEY_SIZE == crypto_aead_aes256gcm_KEYBYTES, "256-bit keys");
_Static_assert(KJ_AEAD_NONCE_SIZE == crypto_aead_chacha20poly1305_ietf_NPUBBYTES &&
	       KJ_AEAD_NONCE_SIZE == crypto_aead_aes256gcm_NPUBBYTES, "96-bit nonces");

bool kj_aead_usable(enum kj_aead aead)
{
	if (kj_sodium_init())
		return false;
	return aead == KJ_AEAD_CHACHA20POLY1305 ||
	       (aead == KJ_AEAD_AES256GCM && crypto_aead_aes256gcm_is_available());
}

enum kj_aead kj_aead_pick(void)
{
	return kj_aead_usable(KJ_AEAD_AES256GCM) ? KJ_AEAD_AES256GCM
						 : KJ_AEAD_CHACHA20POLY1305;
}

const char *kj_aead_name(enum kj_aead aead)
{
	return aead == KJ_AEAD_AES256GCM ? "AES-256-GCM" :
	       aead == KJ_AEAD_CHACHA20POLY1305 ? "ChaCha20-Poly1305" : "none";
}

void kj_aead_nonce(uint8_t n[KJ_AEAD_NONCE_SIZE], uint64_t seq)
{
	put_le64(n, seq);
	memset(n + 8, seq >= KJ_NONCE_NOTE ? 0xff : 0, KJ_AEAD_NONCE_SIZE - 8);
}

int kj_aead_seal(const struct kj_image_key *k, uint64_t seq, uint8_t *data,
		 size_t len, const uint8_t *ad, size_t adlen,
		 uint8_t tag[KJ_AEAD_TAG_SIZE])
{
	uint8_t n[KJ_AEAD_NONCE_SIZE];

	if (!kj_aead_usable(k->aead))
		return -ENOTSUP;
	kj_aead_nonce(n, seq);
	if (k->aead == KJ_AEAD_AES256GCM)
		crypto_aead_aes256gcm_encrypt_detached(data, tag, NULL, data, len,
						       ad, adlen, NULL, n, k->key);
	else
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(
			data, tag, NULL, data, len, ad, adlen, NULL, n, k->key);
	return 0;
}

int kj_aead_open(const struct kj_image_key *k, uint64_t seq, uint8_t *data,
		 size_t len, const uint8_t *ad, size_t adlen,
		 const uint8_t tag[KJ_AEAD_TAG_SIZE])
{
	uint8_t n[KJ_AEAD_NONCE_SIZE];
	int r;

	if (!kj_aead_usable(k->aead))
		return -ENOTSUP;
	kj_aead_nonce(n, seq);
	if (k->aead == KJ_AEAD_AES256GCM)
		r = crypto_aead_aes256gcm_decrypt_detached(data, NULL, data, len, tag,
							   ad, adlen, n, k->key);
	else
		r = crypto_aead_chacha20poly1305_ietf_decrypt_detached(
			data, NULL, data, len, tag, ad, adlen, n, k->key);
	return r ? -EBADMSG : 0;
}

/* The header as its tag covers it: without the fields boots change
 * (tries, CONSUMED, DISCARDED and its reason), its checksum and the tag. */
static void header_ad(const uint8_t *buf, uint8_t *ad, uint32_t len)
{
	uint32_t flags = get_le32(buf + KJ_HDR_FLAGS);

	memcpy(ad, buf, len);
	put_le32(ad + KJ_HDR_FLAGS, flags & ~(KJ_IMAGE_FLAG_CONSUMED |
					       KJ_IMAGE_FLAG_DISCARDED));
	put_le32(ad + KJ_HDR_TRIES, 0);
	put_le16(ad + KJ_HDR_DISCARD, 0);
	put_le16(ad + KJ_HDR_DISCARD_DETAIL, 0);
	memset(ad + kj_header_crypt_at(buf) + KJ_CRYPT_HEADER_TAG, 0, KJ_AEAD_TAG_SIZE);
}

/* The header tag: an empty message, the header as associated data. */
static int header_tag(const uint8_t *buf, const struct kj_image_key *k,
		      uint8_t tag[KJ_AEAD_TAG_SIZE], bool check)
{
	uint32_t len = get_le32(buf + KJ_HDR_LEN) - 8;
	uint8_t ad[KJ_IMAGE_HEADER_SIZE];

	header_ad(buf, ad, len);
	if (check)
		return kj_aead_open(k, KJ_NONCE_HEADER, NULL, 0, ad, len, tag);
	return kj_aead_seal(k, KJ_NONCE_HEADER, NULL, 0, ad, len, tag);
}

int kj_image_header_tag_put(uint8_t *buf, const struct kj_image_key *k)
{
	int err = header_tag(buf, k, buf + kj_header_crypt_at(buf) + KJ_CRYPT_HEADER_TAG,
			     false);

	if (!err)
		kj_image_header_seal(buf);
	return err;
}

int kj_image_header_tag_check(const uint8_t *buf, const struct kj_image_key *k)
{
	uint8_t tag[KJ_AEAD_TAG_SIZE];

	memcpy(tag, buf + kj_header_crypt_at(buf) + KJ_CRYPT_HEADER_TAG, sizeof(tag));
	return header_tag(buf, k, tag, true);
}
