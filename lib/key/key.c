// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Key pairs for encrypted images, through libsodium: X25519 keys
 * (crypto_box, whose sealed boxes will carry each image's key), the
 * secret half under a passphrase: Argon2id (crypto_pwhash) makes a key
 * from it and a random salt, and XChaCha20-Poly1305 seals the secret key
 * with it, the file's lines before the sealed one as associated data.
 * Nothing here is kjump's own cryptography.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/internal.h"
#include "key/key.h"

_Static_assert(KJ_SEALED_KEY_SIZE == KJ_IMAGE_KEY_SIZE + crypto_box_SEALBYTES,
	       "a sealed image key is the key and a sealed box's overhead");
_Static_assert(KJ_KEY_SIZE == crypto_box_PUBLICKEYBYTES &&
	       KJ_KEY_SIZE == crypto_box_SECRETKEYBYTES, "X25519 keys");

/* Every libsodium call starts here. */
static int ready(void)
{
	return kj_sodium_init();
}

void kj_key_set_id(struct kj_key_public *pub)
{
	uint8_t h[crypto_generichash_BYTES];

	crypto_generichash(h, sizeof(h), pub->pk, sizeof(pub->pk), NULL, 0);
	memcpy(pub->id, h, sizeof(pub->id));
}

bool kj_key_id_matches(const struct kj_key_public *pub)
{
	struct kj_key_public want = *pub;

	if (ready())
		return false;
	kj_key_set_id(&want);
	return !memcmp(want.id, pub->id, sizeof(pub->id));
}

bool kj_key_cost_ok(const struct kj_key_cost *cost)
{
	return cost->ops >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
	       cost->ops <= 64 &&
	       cost->mem >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
	       cost->mem <= (4ull << 30);
}

/* The key Argon2id makes of the passphrase, for f's salt and cost. */
static int derive(const struct kj_keyfile *f, const char *pass, size_t passlen,
		  uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES])
{
	if (crypto_pwhash(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
			  pass, passlen, f->salt, f->cost.ops, (size_t)f->cost.mem,
			  crypto_pwhash_ALG_ARGON2ID13))
		return -ENOMEM;		/* the only way it fails */
	return 0;
}

/* Seals sk into f (nonce, sealed) under the passphrase; f's public half,
 * cost and salt are set. */
static int seal(struct kj_keyfile *f, const uint8_t *sk, const char *pass,
		size_t passlen)
{
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	char *head = kj_keyfile_head(f);
	int err = head ? derive(f, pass, passlen, key) : -ENOMEM;

	if (!err) {
		randombytes_buf(f->nonce, sizeof(f->nonce));
		crypto_aead_xchacha20poly1305_ietf_encrypt(
			f->sealed, NULL, sk, KJ_KEY_SIZE, (const uint8_t *)head,
			strlen(head), NULL, f->nonce, key);
	}
	sodium_memzero(key, sizeof(key));
	free(head);
	return err;
}

/* The authentication key: BLAKE2b of a label, keyed with the secret key.
 * Whoever has the secret key can make it again; the public key says
 * nothing of it. */
static void auth_of(const uint8_t sk[KJ_KEY_SIZE], uint8_t auth[KJ_KEY_SIZE])
{
	static const char label[] = "kjump image authentication 1";

	crypto_generichash(auth, KJ_KEY_SIZE, (const uint8_t *)label, sizeof(label) - 1,
			   sk, KJ_KEY_SIZE);
}

/* The authentication key file's text for the pair (pub, sk), malloc'd. */
static char *auth_text(const struct kj_key_public *pub, const uint8_t sk[KJ_KEY_SIZE])
{
	struct kj_key_auth a = { .pub = *pub };
	char *text;

	auth_of(sk, a.auth);
	text = kj_key_auth_text(&a);
	sodium_memzero(&a, sizeof(a));
	return text;
}

int kj_key_new(const char *pass, size_t passlen, const struct kj_key_cost *cost,
	       char **pub_text, char **sec_text, char **auth_file_text)
{
	struct kj_keyfile f = { .cost = *cost };
	uint8_t sk[KJ_KEY_SIZE];
	int err = ready();
	char *auth = NULL;

	if (!err && (!passlen || !kj_key_cost_ok(cost)))
		err = -EINVAL;
	if (err)
		return err;
	crypto_box_keypair(f.pub.pk, sk);
	kj_key_set_id(&f.pub);
	randombytes_buf(f.salt, sizeof(f.salt));
	err = seal(&f, sk, pass, passlen);
	if (!err && auth_file_text)
		auth = auth_text(&f.pub, sk);
	sodium_memzero(sk, sizeof(sk));
	*pub_text = err ? NULL : kj_key_public_text(&f.pub);
	*sec_text = err ? NULL : kj_keyfile_text(&f);
	if (!err && (!*pub_text || !*sec_text || (auth_file_text && !auth))) {
		free(*pub_text);
		free(*sec_text);
		if (auth)
			sodium_memzero(auth, strlen(auth));
		free(auth);
		auth = NULL;
		err = -ENOMEM;
	}
	if (auth_file_text)
		*auth_file_text = auth;
	return err;
}

int kj_key_unlock(const char *text, const char *pass, size_t passlen,
		  struct kj_key_secret *key)
{
	uint8_t k[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t pk[KJ_KEY_SIZE];
	struct kj_keyfile f;
	int err = ready();

	memset(key, 0, sizeof(*key));
	if (!err)
		err = kj_keyfile_parse(text, &f);
	if (!err)
		err = derive(&f, pass, passlen, k);
	if (!err && crypto_aead_xchacha20poly1305_ietf_decrypt(
			    key->sk, NULL, NULL, f.sealed, sizeof(f.sealed),
			    (const uint8_t *)text, f.ad_len, f.nonce, k))
		err = -EKEYREJECTED;
	sodium_memzero(k, sizeof(k));
	/* the secret half must be the public one's */
	if (!err && (crypto_scalarmult_base(pk, key->sk) ||
		     sodium_memcmp(pk, f.pub.pk, sizeof(pk))))
		err = -EBADMSG;
	if (err)
		kj_key_wipe(key);
	else
		key->pub = f.pub;
	return err;
}

void kj_key_image_aead(const uint8_t auth[KJ_KEY_SIZE],
		       const uint8_t image_key[KJ_IMAGE_KEY_SIZE],
		       uint8_t out[KJ_IMAGE_KEY_SIZE])
{
	crypto_generichash(out, KJ_IMAGE_KEY_SIZE, image_key, KJ_IMAGE_KEY_SIZE,
			   auth, KJ_KEY_SIZE);
}

int kj_key_unseal_aead(const struct kj_key_secret *secret,
		       const uint8_t sealed[KJ_SEALED_KEY_SIZE],
		       uint8_t key[KJ_IMAGE_KEY_SIZE])
{
	uint8_t image_key[KJ_IMAGE_KEY_SIZE], auth[KJ_KEY_SIZE];
	int err = kj_key_unseal(secret, sealed, image_key);

	if (!err) {
		auth_of(secret->sk, auth);
		kj_key_image_aead(auth, image_key, key);
	}
	sodium_memzero(image_key, sizeof(image_key));
	sodium_memzero(auth, sizeof(auth));
	return err;
}

void kj_key_wipe(struct kj_key_secret *key)
{
	sodium_memzero(key, sizeof(*key));
}

int kj_key_seal_new(const struct kj_key_public *pub,
		    uint8_t key[KJ_IMAGE_KEY_SIZE],
		    uint8_t sealed[KJ_SEALED_KEY_SIZE])
{
	int err = ready();

	if (err)
		return err;
	randombytes_buf(key, KJ_IMAGE_KEY_SIZE);
	if (crypto_box_seal(sealed, key, KJ_IMAGE_KEY_SIZE, pub->pk)) {
		sodium_memzero(key, KJ_IMAGE_KEY_SIZE);
		return -EINVAL;
	}
	return 0;
}

int kj_key_unseal(const struct kj_key_secret *secret,
		  const uint8_t sealed[KJ_SEALED_KEY_SIZE],
		  uint8_t key[KJ_IMAGE_KEY_SIZE])
{
	int err = ready();

	if (!err && crypto_box_seal_open(key, sealed, KJ_SEALED_KEY_SIZE,
					 secret->pub.pk, secret->sk)) {
		sodium_memzero(key, KJ_IMAGE_KEY_SIZE);
		err = -EKEYREJECTED;
	}
	return err;
}
