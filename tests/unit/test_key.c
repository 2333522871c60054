// SPDX-License-Identifier: GPL-2.0-or-later
/* Key pairs and their files (lib/key): made and opened again, and every
 * refusal: a wrong passphrase, a changed byte anywhere, a file that is
 * not one. At Argon2id's lowest cost, so the tests stay quick. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/internal.h"
#include "key/key.h"
#include "t.h"

static const struct kj_key_cost cheap = { 1, 1u << 20 };

/* A new pair under "pass", its two texts in *pub and *sec. */
static int make(char **pub, char **sec)
{
	return kj_key_new("pass", 4, &cheap, pub, sec, NULL);
}

static bool zeroed(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

TEST(key_new_then_unlock)
{
	char *pub, *sec, id[2 * KJ_KEY_ID_SIZE + 1];
	struct kj_key_public p, info;
	struct kj_key_secret s;
	struct kj_key_cost cost;

	CHECK_INT(make(&pub, &sec), 0);
	CHECK_INT(kj_key_public_parse(pub, &p), 0);
	CHECK_INT(kj_key_secret_info(sec, &info, &cost), 0);
	CHECK(!memcmp(&p, &info, sizeof(p)));
	CHECK_U64(cost.ops, 1);
	CHECK_U64(cost.mem, 1u << 20);
	CHECK_INT(kj_key_unlock(sec, "pass", 4, &s), 0);
	CHECK(!memcmp(&s.pub, &p, sizeof(p)));
	CHECK(!zeroed(s.sk, sizeof(s.sk)));
	kj_key_id_text(&p, id);
	CHECK_INT(strlen(id), 16);
	CHECK(strstr(pub, id) && strstr(sec, id));
	kj_key_wipe(&s);
	CHECK(zeroed(&s, sizeof(s)));
	free(pub);
	free(sec);
}

/* Two pairs are two keys. */
TEST(key_new_is_new)
{
	char *pub1, *sec1, *pub2, *sec2;

	CHECK_INT(make(&pub1, &sec1), 0);
	CHECK_INT(make(&pub2, &sec2), 0);
	CHECK(strcmp(pub1, pub2) && strcmp(sec1, sec2));
	free(pub1);
	free(sec1);
	free(pub2);
	free(sec2);
}

TEST(key_wrong_passphrase)
{
	char *pub, *sec;
	struct kj_key_secret s;

	CHECK_INT(make(&pub, &sec), 0);
	CHECK_INT(kj_key_unlock(sec, "pasS", 4, &s), -EKEYREJECTED);
	CHECK(zeroed(&s, sizeof(s)));
	CHECK_INT(kj_key_unlock(sec, "pass ", 5, &s), -EKEYREJECTED);
	CHECK_INT(kj_key_unlock(sec, "", 0, &s), -EKEYREJECTED);
	free(pub);
	free(sec);
}

TEST(key_new_refuses)
{
	struct kj_key_cost no_ops = { 0, 1u << 20 }, huge = { 1, 5ull << 30 };
	char *pub = (char *)1, *sec = (char *)1;

	CHECK_INT(kj_key_new("", 0, &cheap, &pub, &sec, NULL), -EINVAL);
	CHECK_INT(kj_key_new("pass", 4, &no_ops, &pub, &sec, NULL), -EINVAL);
	CHECK_INT(kj_key_new("pass", 4, &huge, &pub, &sec, NULL), -EINVAL);
}

/* Every hex digit of the secret file, changed to another digit: the
 * passphrase no longer opens it, or the file is refused as damaged. Its
 * cost, salt and public half are the sealed key's associated data. */
TEST(key_any_digit_changed_refused)
{
	char *pub, *sec;
	struct kj_key_secret s;
	size_t changed = 0;

	CHECK_INT(make(&pub, &sec), 0);
	for (char *c = strchr(sec, '\n'); *c; c++) {
		char was = *c;
		int err;

		if (!((was >= '0' && was <= '9') || (was >= 'a' && was <= 'f')))
			continue;
		*c = was == '1' ? '2' : '1';
		err = kj_key_unlock(sec, "pass", 4, &s);
		*c = was;
		if (err != -EKEYREJECTED && err != -EBADMSG) {
			t_fail(__FILE__, __LINE__, "a change at byte %zu gave %d",
			       (size_t)(c - sec), err);
			return;
		}
		changed++;
	}
	CHECK(changed >= 256);	/* id, key, salt, nonce, sealed key: all */
	CHECK_INT(kj_key_unlock(sec, "pass", 4, &s), 0);
	kj_key_wipe(&s);
	free(pub);
	free(sec);
}

/* A copy of text with the first from replaced by to. */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out = malloc(strlen(text) + strlen(to) + 1);

	if (!at || !out) {
		free(out);
		return NULL;
	}
	sprintf(out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

/* Only the canonical text is taken. */
TEST(key_file_format_refusals)
{
	static const char *const changes[][2] = {
		{ "kjump secret key 1", "kjump secret key 2" },
		{ "kjump secret key 1", "kjump public key 1" },
		{ "\nid ", "\nid  " },
		{ "\nx25519 ", "\nx25519\t" },
		{ "ops 1 ", "ops 01 " },
		{ "ops 1 ", "ops +1 " },
		{ "ops 1 ", "ops 65 " },
		{ "mem 1048576 ", "mem 5368709120 " },
		{ "mem 1048576 ", "mem 1048576  " },
		{ "argon2id13 ", "argon2i13 " },
		{ "sealed xchacha20poly1305 ", "sealed aes256gcm " },
		{ "\nsealed ", "\n\nsealed " },
		{ "kjump", "\nkjump" },
	};
	char *pub, *sec, *bad;
	struct kj_key_public p;
	struct kj_key_cost cost;
	struct kj_key_secret s;

	CHECK_INT(make(&pub, &sec), 0);
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		bad = edit(sec, changes[i][0], changes[i][1]);
		CHECK(bad);
		if (kj_key_secret_info(bad, &p, &cost) != -EBADMSG) {
			t_fail(__FILE__, __LINE__, "taken: '%s' as '%s'", changes[i][0],
			       changes[i][1]);
			return;
		}
		CHECK_INT(kj_key_unlock(bad, "pass", 4, &s), -EBADMSG);
		free(bad);
	}
	/* uppercase hex, a missing last newline, a line more */
	bad = strdup(sec);
	CHECK(bad);
	*strstr(bad, "\nid ") = '\n';
	for (char *c = strstr(bad, "\nid ") + 4; *c != '\n'; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	CHECK_INT(kj_key_secret_info(bad, &p, &cost), -EBADMSG);
	free(bad);
	bad = strdup(sec);
	bad[strlen(bad) - 1] = '\0';
	CHECK_INT(kj_key_secret_info(bad, &p, &cost), -EBADMSG);
	free(bad);
	bad = edit(sec, "\nsealed", "\nnote hello\nsealed");
	CHECK_INT(kj_key_secret_info(bad, &p, &cost), -EBADMSG);
	free(bad);
	CHECK_INT(kj_key_secret_info("", &p, &cost), -EBADMSG);
	CHECK_INT(kj_key_secret_info(pub, &p, &cost), -EBADMSG);
	free(pub);
	free(sec);
}

/* The id is the public key's; and the public file is just its lines. */
TEST(key_public_file)
{
	char *pub, *sec, *bad;
	struct kj_key_public p;

	CHECK_INT(make(&pub, &sec), 0);
	CHECK_INT(kj_key_public_parse(pub, &p), 0);
	CHECK_INT(kj_key_public_parse(sec, &p), -EBADMSG);
	bad = malloc(strlen(pub) + 8);
	sprintf(bad, "%sextra\n", pub);
	CHECK_INT(kj_key_public_parse(bad, &p), -EBADMSG);
	free(bad);
	/* another id for the same key */
	bad = strdup(pub);
	{
		char *d = strstr(bad, "\nid ") + 4;

		*d = *d == '0' ? '1' : '0';
	}
	CHECK_INT(kj_key_public_parse(bad, &p), -EBADMSG);
	free(bad);
	free(pub);
	free(sec);
}

/* The text is canonical: what was read writes the same bytes again. */
TEST(key_file_round_trip)
{
	char *pub, *sec, *again;
	struct kj_keyfile f;

	CHECK_INT(make(&pub, &sec), 0);
	CHECK_INT(kj_keyfile_parse(sec, &f), 0);
	again = kj_keyfile_text(&f);
	CHECK(again && !strcmp(again, sec));
	CHECK(!strncmp(sec + f.ad_len, "sealed ", 7));
	free(again);
	again = kj_key_public_text(&f.pub);
	CHECK(again && !strcmp(again, pub));
	free(again);
	free(pub);
	free(sec);
}

/* An image key sealed to a public key: its secret half opens it, another
 * key's does not, nor does a changed byte. */
TEST(key_seal_image_key)
{
	char *pub1, *sec1, *pub2, *sec2;
	struct kj_key_secret s1, s2;
	uint8_t key[KJ_IMAGE_KEY_SIZE], got[KJ_IMAGE_KEY_SIZE];
	uint8_t sealed[KJ_SEALED_KEY_SIZE], again[KJ_SEALED_KEY_SIZE];
	uint8_t key2[KJ_IMAGE_KEY_SIZE];

	CHECK_INT(make(&pub1, &sec1), 0);
	CHECK_INT(make(&pub2, &sec2), 0);
	CHECK_INT(kj_key_unlock(sec1, "pass", 4, &s1), 0);
	CHECK_INT(kj_key_unlock(sec2, "pass", 4, &s2), 0);
	CHECK_INT(kj_key_seal_new(&s1.pub, key, sealed), 0);
	CHECK(!zeroed(key, sizeof(key)));
	CHECK_INT(kj_key_unseal(&s1, sealed, got), 0);
	CHECK(!memcmp(got, key, sizeof(key)));
	CHECK_INT(kj_key_unseal(&s2, sealed, got), -EKEYREJECTED);
	CHECK(zeroed(got, sizeof(got)));
	for (size_t i = 0; i < sizeof(sealed); i++) {
		sealed[i] ^= 0x01;
		if (kj_key_unseal(&s1, sealed, got) != -EKEYREJECTED) {
			t_fail(__FILE__, __LINE__, "a change at byte %zu was taken", i);
			return;
		}
		sealed[i] ^= 0x01;
	}
	/* each image its own key, sealed anew */
	CHECK_INT(kj_key_seal_new(&s1.pub, key2, again), 0);
	CHECK(memcmp(key, key2, sizeof(key)) && memcmp(sealed, again, sizeof(sealed)));
	kj_key_wipe(&s1);
	kj_key_wipe(&s2);
	free(pub1);
	free(sec1);
	free(pub2);
	free(sec2);
}

/* The authentication key file kj_key_new() writes binds an image's key
 * (A's side) to what the secret key makes again (the resume's side); a
 * made-up authentication key binds it to something else. */
TEST(key_auth_binds_as_the_secret_key_does)
{
	char *pub, *sec, *auth_text;
	struct kj_key_secret s;
	struct kj_key_auth a, other;
	uint8_t key[KJ_IMAGE_KEY_SIZE], sealed[KJ_SEALED_KEY_SIZE];
	uint8_t bound[KJ_IMAGE_KEY_SIZE], got[KJ_IMAGE_KEY_SIZE];

	CHECK_INT(kj_key_new("pass", 4, &cheap, &pub, &sec, &auth_text), 0);
	CHECK_INT(kj_key_auth_parse(auth_text, &a), 0);
	CHECK_INT(kj_key_unlock(sec, "pass", 4, &s), 0);
	CHECK(!memcmp(&a.pub, &s.pub, sizeof(a.pub)));
	CHECK_INT(kj_key_seal_new(&a.pub, key, sealed), 0);
	kj_key_image_aead(a.auth, key, bound);
	CHECK_INT(kj_key_unseal_aead(&s, sealed, got), 0);
	CHECK(!memcmp(bound, got, sizeof(got)));
	other = a;
	other.auth[0] ^= 1;
	kj_key_image_aead(other.auth, key, bound);
	CHECK(memcmp(bound, got, sizeof(got)));
	kj_key_wipe(&s);
	free(pub);
	free(sec);
	free(auth_text);
}

/* libsodium draws from kjump's source (lib/common/sodium.c), so B and R
 * do not wait for the kernel's pool, and what it draws is random. */
TEST(key_sodium_uses_kjump_source)
{
	uint8_t a[32], b[32];

	CHECK_INT(kj_sodium_init(), 0);
	CHECK_STR(randombytes_implementation_name(), KJ_SODIUM_RANDOM);
	randombytes_buf(a, sizeof(a));
	randombytes_buf(b, sizeof(b));
	CHECK(!zeroed(a, sizeof(a)) && memcmp(a, b, sizeof(a)));
	CHECK(randombytes_random() != randombytes_random() ||
	      randombytes_random() != randombytes_random());
	CHECK_INT(kj_sodium_init(), 0);
}
