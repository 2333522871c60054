// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/aead: how fast each AEAD libsodium offers seals and opens image
 * blocks here (1 MiB blocks, associated data of 48 bytes as a block's
 * position and image UUID would be), beside XXH64 and memcpy over the same
 * bytes: the choice for encrypted images (issue 16). Static, so it runs
 * in the test guest too (make bench-aead runs it on the host and under
 * emulation). Prints one line a primitive: NAME seal MB/s open MB/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <xxhash.h>

#define BLOCK	(1u << 20)
#define TOTAL	(64u << 20)
#define AD_LEN	48

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef int (*seal_fn)(unsigned char *, unsigned long long *, const unsigned char *,
		       unsigned long long, const unsigned char *, unsigned long long,
		       const unsigned char *, const unsigned char *, const unsigned char *);
typedef int (*open_fn)(unsigned char *, unsigned long long *, unsigned char *,
		       const unsigned char *, unsigned long long, const unsigned char *,
		       unsigned long long, const unsigned char *, const unsigned char *);

struct aead {
	const char *name;
	seal_fn seal;
	open_fn open;
	size_t tag;
};

static unsigned char *in, *out, *back;
static unsigned char key[32], nonce[24], ad[AD_LEN];

static double mbps(double secs)
{
	return secs > 0 ? TOTAL / secs / 1e6 : 0;
}

static void run(const struct aead *a)
{
	unsigned long long len;
	double t0 = now(), t1;
	int bad = 0;

	for (size_t off = 0; off < TOTAL; off += BLOCK)
		a->seal(out + off / BLOCK * (BLOCK + a->tag), &len, in + off, BLOCK,
			ad, AD_LEN, NULL, nonce, key);
	t1 = now();
	for (size_t off = 0; off < TOTAL; off += BLOCK)
		bad |= a->open(back + off, &len, NULL, out + off / BLOCK * (BLOCK + a->tag),
			       BLOCK + a->tag, ad, AD_LEN, nonce, key);
	printf("%-26s seal %7.0f MB/s  open %7.0f MB/s%s\n", a->name, mbps(t1 - t0),
	       mbps(now() - t1), bad || memcmp(in, back, TOTAL) ? "  (WRONG)" : "");
}

/* The parts the AEADs are made of, and others libsodium has, one pass
 * each over the same bytes. */
static void parts(void)
{
	unsigned char tag[64];
	double t0 = now();

	for (size_t off = 0; off < TOTAL; off += BLOCK)
		crypto_stream_chacha20_ietf_xor(out + off, in + off, BLOCK, nonce, key);
	printf("%-26s %12.0f MB/s\n", "chacha20_ietf (stream)", mbps(now() - t0));
	t0 = now();
	for (size_t off = 0; off < TOTAL; off += BLOCK)
		crypto_stream_xsalsa20_xor(out + off, in + off, BLOCK, nonce, key);
	printf("%-26s %12.0f MB/s\n", "xsalsa20 (stream)", mbps(now() - t0));
	t0 = now();
	for (size_t off = 0; off < TOTAL; off += BLOCK)
		crypto_onetimeauth_poly1305(tag, in + off, BLOCK, key);
	printf("%-26s %12.0f MB/s\n", "poly1305 (MAC)", mbps(now() - t0));
	t0 = now();
	for (size_t off = 0; off < TOTAL; off += BLOCK)
		crypto_generichash(tag, 32, in + off, BLOCK, key, 32);
	printf("%-26s %12.0f MB/s\n", "blake2b keyed (MAC)", mbps(now() - t0));
	t0 = now();
	for (size_t off = 0; off < TOTAL; off += BLOCK)
		crypto_secretbox_easy(out + off / BLOCK * (BLOCK + 16), in + off, BLOCK, nonce, key);
	printf("%-26s %12.0f MB/s\n", "secretbox (xsalsa20poly1305)", mbps(now() - t0));
}

int main(void)
{
	static const struct aead aeads[] = {
		{ "xchacha20poly1305_ietf", crypto_aead_xchacha20poly1305_ietf_encrypt,
		  crypto_aead_xchacha20poly1305_ietf_decrypt, 16 },
		{ "chacha20poly1305_ietf", crypto_aead_chacha20poly1305_ietf_encrypt,
		  crypto_aead_chacha20poly1305_ietf_decrypt, 16 },
		{ "aes256gcm", crypto_aead_aes256gcm_encrypt, crypto_aead_aes256gcm_decrypt, 16 },
	};
	double t0;
	unsigned long long h = 0;

	if (sodium_init() < 0)
		return 1;
	in = malloc(TOTAL);
	out = malloc(TOTAL + TOTAL / BLOCK * 16);
	back = malloc(TOTAL);
	if (!in || !out || !back)
		return 1;
	randombytes_buf(in, TOTAL);
	randombytes_buf(key, sizeof(key));
	for (size_t i = 0; i < 2; i++)
		run(&aeads[i]);
	if (crypto_aead_aes256gcm_is_available())
		run(&aeads[2]);
	else
		printf("%-26s not available (no AES-NI and PCLMUL here)\n", aeads[2].name);
	parts();
	t0 = now();
	for (size_t off = 0; off < TOTAL; off += BLOCK)
		h ^= XXH64(in + off, BLOCK, 0);
	printf("%-26s %12.0f MB/s (kjump's block checksum)\n", "xxh64", mbps(now() - t0));
	t0 = now();
	memcpy(back, in, TOTAL);
	printf("%-26s %12.0f MB/s%s\n", "memcpy", mbps(now() - t0), h == 1 ? " " : "");
	return 0;
}
