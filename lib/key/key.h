/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Keys for encrypted images: the files' text (keyfile.c) and the
 * cryptography on them (key.c). */
#ifndef KJ_KEY_H
#define KJ_KEY_H

#include "kjump.h"

#define KJ_KEY_SALT_SIZE	16	/* crypto_pwhash_SALTBYTES */
#define KJ_KEY_NONCE_SIZE	24	/* XChaCha20-Poly1305 */
#define KJ_KEY_TAG_SIZE		16
#define KJ_KEY_SEALED_SIZE	(KJ_KEY_SIZE + KJ_KEY_TAG_SIZE)

/* A secret key file, read. ad_len: how many bytes of its text, from the
 * start, are the associated data of the sealed key (every line before the
 * "sealed" one). */
struct kj_keyfile {
	struct kj_key_public pub;
	struct kj_key_cost cost;
	uint8_t salt[KJ_KEY_SALT_SIZE];
	uint8_t nonce[KJ_KEY_NONCE_SIZE];
	uint8_t sealed[KJ_KEY_SEALED_SIZE];
	size_t ad_len;
};

/* -EBADMSG unless text is exactly such a file, its id its public key's. */
int kj_keyfile_parse(const char *text, struct kj_keyfile *f);
/* The secret file's text up to its "sealed" line (the associated data),
 * malloc'd; NULL when out of memory. */
char *kj_keyfile_head(const struct kj_keyfile *f);
/* The whole secret file's text, malloc'd; NULL when out of memory. */
char *kj_keyfile_text(const struct kj_keyfile *f);
/* The public file's text, malloc'd; NULL when out of memory. */
char *kj_key_public_text(const struct kj_key_public *pub);
/* An authentication key file's text, malloc'd; NULL when out of memory. */
char *kj_key_auth_text(const struct kj_key_auth *a);
/* Whether id is the one pk has. */
bool kj_key_id_matches(const struct kj_key_public *pub);
/* Sets pub->id from pub->pk. */
void kj_key_set_id(struct kj_key_public *pub);
/* Whether a cost is one Argon2id takes and this project allows (at most
 * 4 GiB: a file must not make a boot ask for more). */
bool kj_key_cost_ok(const struct kj_key_cost *cost);

#endif
