// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * imgcorrupt IMAGE WHERE: damages an image in one named place, resealing
 * checksums where the damage must reach the checks behind them.
 *   magic version header-checksum incomplete consumed block-checksum runs
 *   truncate
 * (header damage goes to the header and its copy alike), or tears the
 * header alone as a power cut might: torn-header
 * or writes what a header may hold and a reader must show safely:
 *   created-huge (2^63 seconds), osrelease-quote (a quote, a control byte
 *   and a backslash)
 * or sets a field and reseals: free-fill=N (what R fills free pages with)
 * or, for an encrypted image, what a forger who can write the disk can
 * do, checksums resealed: sealed-data (a byte of block 0's data),
 * sealed-runs (its first run), reentry (the header's re-entry point),
 * sealed-key (a byte of the sealed key); forge=PUBKEY (a new image key
 * sealed to the public key, bound to an authentication key the forger
 * makes up, and every block, the note and the header sealed with it)
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow/flow.h"
#include "common/le.h"
#include "image/image.h"
#include "key/key.h"

/* A block is at most 4 MiB of data plus its runs: 8 MiB is room enough. */
static uint8_t hdr[4096], blk[8 << 20];

/* Where the block's data begins: after the runs (and a sealed block's
 * tag), on a 4096-byte boundary of the block. */
static size_t data_off(void)
{
	size_t tag = memcmp(blk, "KJBLOCKS", 8) ? 0 : KJ_AEAD_TAG_SIZE;

	return kj_align_up(0x28 + 16 * (size_t)get_le32(blk + 0x10) + tag, 4096);
}

static uint8_t *crypt_rec(void)
{
	return hdr + kj_header_crypt_at(hdr);
}

static void reseal_block(void)
{
	uint32_t comp = get_le32(blk + 0x18);

	put_le64(blk + 0x20, kj_checksum2(blk, 0x20, blk + 0x28, data_off() - 0x28 + comp));
}

static int damage(const char *where, uint64_t data)
{
	unsigned int fill;

	if (!strcmp(where, "magic"))
		hdr[KJ_HDR_MAGIC] = 'X';
	else if (!strcmp(where, "version"))
		hdr[KJ_HDR_VERSION] = 1;	/* version 1: XXH3 checksums */
	else if (!strcmp(where, "header-checksum") || !strcmp(where, "torn-header"))
		hdr[KJ_HDR_OSRELEASE] ^= 1;
	else if (!strcmp(where, "incomplete")) {
		hdr[KJ_HDR_FLAGS] &= (uint8_t)~KJ_IMAGE_FLAG_COMPLETE;
		kj_image_header_seal(hdr);
	} else if (!strcmp(where, "consumed")) {
		hdr[KJ_HDR_FLAGS] |= KJ_IMAGE_FLAG_CONSUMED;
		kj_image_header_seal(hdr);
	} else if (!strcmp(where, "created-huge")) {
		put_le64(hdr + KJ_HDR_CREATED, 1ull << 63);
		kj_image_header_seal(hdr);
	} else if (!strcmp(where, "osrelease-quote")) {
		memcpy(hdr + KJ_HDR_OSRELEASE, "6.1\"x\001\\", 8);
		kj_image_header_seal(hdr);
	} else if (sscanf(where, "free-fill=%u", &fill) == 1) {
		put_le32(hdr + KJ_HDR_FREE_FILL, fill);
		kj_image_header_seal(hdr);
	} else if (!strcmp(where, "block-checksum"))
		blk[data_off() + 10] ^= 1;
	else if (!strcmp(where, "sealed-data")) {
		blk[data_off() + 10] ^= 1;
		reseal_block();
	} else if (!strcmp(where, "sealed-runs")) {
		blk[0x28] ^= 1;		/* the first run's pfn */
		reseal_block();
	} else if (!strcmp(where, "reentry")) {
		put_le64(hdr + KJ_HDR_REENTRY, get_le64(hdr + KJ_HDR_REENTRY) ^ 0x1000);
		kj_image_header_seal(hdr);
	} else if (!strcmp(where, "sealed-key")) {
		crypt_rec()[KJ_CRYPT_SEALED_KEY + 5] ^= 1;
		kj_image_header_seal(hdr);
	}
	else if (!strcmp(where, "runs")) {
		put_le32(blk + 0x28 + 12, 9);
		reseal_block();
	} else
		return -1;
	(void)data;
	return 0;
}

/* forge=PUBKEY: the forger's own key over every part, checksums and
 * trailer made again; the image's layout and UUID stay. */
static int forge(int fd, const char *pubpath, uint64_t off)
{
	static char text[4096];
	struct kj_key_public pub;
	struct kj_image_key k = { .aead = get_le16(crypt_rec() + KJ_CRYPT_AEAD) };
	uint8_t own[KJ_IMAGE_KEY_SIZE], made_up[KJ_KEY_SIZE], note[KJ_IMAGE_NOTE_MAX];
	uint64_t n = get_le64(hdr + KJ_HDR_NBLOCKS), sums_len = (n + 1) * 8;
	uint32_t note_len = get_le32(hdr + KJ_HDR_NOTE_LEN);
	uint8_t *sums = calloc(1, sums_len), t[4096] = { 0 };
	int pfd = open(pubpath, O_RDONLY);

	if (!sums || pfd < 0 || read(pfd, text, sizeof(text) - 1) <= 0 ||
	    kj_key_public_parse(text, &pub) || kj_key_seal_new(&pub, own, crypt_rec() + KJ_CRYPT_SEALED_KEY))
		return -1;
	randombytes_buf(made_up, sizeof(made_up));
	kj_key_image_aead(made_up, own, k.key);
	for (uint64_t i = 0; i < n; i++) {
		struct kj_block_head h;
		enum kj_image_fault f;

		if (pread(fd, blk, 4096, (off_t)off) != 4096 || kj_block_head_decode(blk, &h, &f) ||
		    pread(fd, blk, h.block_len, (off_t)off) != (ssize_t)h.block_len ||
		    kj_block_seal(&k, hdr + KJ_HDR_UUID, blk, blk + data_off()))
			return -1;
		reseal_block();
		memcpy(sums + i * 8, blk + 0x20, 8);
		if (pwrite(fd, blk, h.block_len, (off_t)off) != (ssize_t)h.block_len)
			return -1;
		off += h.block_len;
	}
	kj_trailer_encode(t, n, get_le64(hdr + KJ_HDR_PAGES_SAVED), get_le64(hdr + KJ_HDR_PAGES_ZERO), sums);
	if (pwrite(fd, t, sizeof(t), (off_t)off) != (ssize_t)sizeof(t) ||
	    pread(fd, note, note_len, KJ_IMAGE_NOTE_OFFSET) != (ssize_t)note_len ||
	    kj_aead_seal(&k, KJ_NONCE_NOTE, note, note_len, hdr + KJ_HDR_UUID, 16,
			 crypt_rec() + KJ_CRYPT_NOTE_TAG) ||
	    pwrite(fd, note, note_len, KJ_IMAGE_NOTE_OFFSET) != (ssize_t)note_len)
		return -1;
	put_le64(hdr + KJ_HDR_NOTE_SUM, kj_checksum(note, note_len));
	free(sums);
	return kj_image_header_tag_put(hdr, &k);
}

int main(int argc, char **argv)
{
	int fd = argc == 3 ? open(argv[1], O_RDWR) : -1;
	uint64_t data;

	if (fd < 0) {
		fprintf(stderr, "usage: imgcorrupt IMAGE WHERE\n");
		return 2;
	}
	if (!strcmp(argv[2], "truncate")) {
		off_t end = lseek(fd, 0, SEEK_END);

		return ftruncate(fd, end / 2 / 4096 * 4096) ? 1 : 0;
	}
	if (pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return 1;
	data = KJ_IMAGE_NOTE_OFFSET + ((get_le32(hdr + KJ_HDR_NOTE_LEN) + 4095u) & ~4095u);
	if (!strncmp(argv[2], "forge=", 6)) {
		if (forge(fd, argv[2] + 6, data)) {
			fprintf(stderr, "imgcorrupt: cannot forge the image\n");
			return 2;
		}
		return pwrite(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
		       pwrite(fd, hdr, sizeof(hdr), KJ_IMAGE_COPY_OFFSET) != (ssize_t)sizeof(hdr) ||
		       close(fd);
	}
	if (pread(fd, blk, sizeof(blk), (off_t)data) <= 0x28 ||
	    get_le32(blk + 0x1c) > sizeof(blk) || damage(argv[2], data)) {
		fprintf(stderr, "imgcorrupt: cannot damage '%s'\n", argv[2]);
		return 2;
	}
	if (pwrite(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    (strcmp(argv[2], "torn-header") &&
	     pwrite(fd, hdr, sizeof(hdr), KJ_IMAGE_COPY_OFFSET) != (ssize_t)sizeof(hdr)) ||
	    pwrite(fd, blk, get_le32(blk + 0x1c), (off_t)data) != (ssize_t)get_le32(blk + 0x1c))
		return 1;
	return close(fd) ? 1 : 0;
}
