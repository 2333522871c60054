/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The image format's private helpers (doc/image-format.md). */
#ifndef KJ_IMAGE_H
#define KJ_IMAGE_H

#include "common/internal.h"
#include "kjump_format.h"

struct kj_image_key;

/* A file or device, seen through an extent map if ext is not NULL. */
struct kj_target {
	int fd;
	const struct kj_extents *ext;
};

int kj_target_pread(const struct kj_target *t, void *buf, size_t len,
		    uint64_t off);
int kj_target_pwrite(const struct kj_target *t, const void *buf, size_t len,
		     uint64_t off);

#define KJ_CHECKSUM_XXH64 2
#define KJ_IMAGE_ALIGN 4096u

/* The header's fields (doc/image-format.md); its checksum is the 8 bytes
 * at header_len - 8. */
#define KJ_HDR_MAGIC		0x000
#define KJ_HDR_VERSION		0x008
#define KJ_HDR_LEN		0x00c
#define KJ_HDR_FLAGS		0x010
#define KJ_HDR_KIND		0x014
#define KJ_HDR_UUID		0x018
#define KJ_HDR_CREATED		0x028
#define KJ_HDR_PAGE_SIZE	0x030
#define KJ_HDR_COMPRESSOR	0x034
#define KJ_HDR_LEVEL		0x036
#define KJ_HDR_CHECKSUM_ALG	0x038
#define KJ_HDR_TRIES		0x03c
#define KJ_HDR_REENTRY		0x040
#define KJ_HDR_PAGES_RAM	0x048
#define KJ_HDR_PAGES_SAVED	0x050
#define KJ_HDR_PAGES_ZERO	0x058
#define KJ_HDR_PAGES_FREE	0x060
#define KJ_HDR_NBLOCKS		0x068
#define KJ_HDR_TRAILER		0x070
#define KJ_HDR_OSRELEASE	0x078
#define KJ_HDR_BUILD_ID		0x0b8
#define KJ_HDR_NRAM		0x0f8
#define KJ_HDR_NEXCLUDED	0x0fc
#define KJ_HDR_NOTE_LEN		0x100
#define KJ_HDR_DISCARD		0x104
#define KJ_HDR_DISCARD_DETAIL	0x106
#define KJ_HDR_NOTE_SUM		0x108
#define KJ_HDR_PAGE_OFFSET	0x110
#define KJ_HDR_FREE_FILL	0x118
#define KJ_HDR_NDISKS		0x11c
#define KJ_HDR_MAPS		0x120	/* RAM, excluded ranges, disks */
/* A disk fingerprint, after the maps. */
#define KJ_DISK_KIND		0x00
#define KJ_DISK_SIZE		0x08
#define KJ_DISK_HASH		0x10
#define KJ_DISK_ID		0x18
#define KJ_DISK_NAME		0x28
#define KJ_DISK_LEN		0x40

/* An encrypted image's record, after the disk fingerprints. */
#define KJ_CRYPT_AEAD		0x00
#define KJ_CRYPT_KEY_ID		0x08
#define KJ_CRYPT_SEALED_KEY	0x10
#define KJ_CRYPT_HEADER_TAG	0x60
#define KJ_CRYPT_NOTE_TAG	0x70
#define KJ_CRYPT_LEN		0x80
/* Where the record lies in an encoded header (with the ENCRYPTED flag). */
uint32_t kj_header_crypt_at(const uint8_t *buf);

/* Where the header's copy lies; the note area follows it. */
#define KJ_IMAGE_COPY_OFFSET	KJ_IMAGE_HEADER_SIZE
#define KJ_IMAGE_NOTE_OFFSET	(2 * KJ_IMAGE_HEADER_SIZE)

/* Writes the encoded header in buf (4096-aligned) to the copy, syncs,
 * then to the header, and syncs: durable, and never both torn. */
int kj_image_header_store(const struct kj_target *t, const uint8_t *buf);
/* Reads and decodes the header into buf and h; if its checksum fails (a
 * torn write), the copy. As kj_image_header_decode() otherwise. */
int kj_image_header_load(const struct kj_target *t, uint8_t *buf,
			 struct kj_image_header *h, struct kj_image_error *err);

/* The stamp A writes at an image's offset 0 before B writes the image:
 * a 4096-byte block naming the target by a UUID and its size, and for a
 * resident B the task (words as on B's command line). encode: -E2BIG if
 * the task is longer than KJ_STAMP_TASK_MAX. matches: the block is a
 * stamp for uuid and size; the task, if task is not NULL. */
#define KJ_STAMP_SIZE 4096
#define KJ_STAMP_TASK_MAX (KJ_STAMP_SIZE - 0x40 - 1)
int kj_stamp_encode(uint8_t *buf, const uint8_t uuid[16], uint64_t size,
		    const char *task);
bool kj_stamp_matches(const uint8_t *buf, const uint8_t uuid[16], uint64_t size,
		      char task[KJ_STAMP_TASK_MAX + 1]);

/* After a change to the header in buf: its checksum again. */
void kj_image_header_seal(uint8_t *buf);

/* The trailer (doc/image-format.md): what the blocks add up to. */
#define KJ_TRAILER_MAGIC	"KJTRAIL1"
#define KJ_TRAILER_NBLOCKS	0x08
#define KJ_TRAILER_SAVED	0x10
#define KJ_TRAILER_ZERO		0x18
#define KJ_TRAILER_BLOCKS_SUM	0x20
#define KJ_TRAILER_CHECKSUM	0x28
#define KJ_TRAILER_LEN		0x30	/* the rest, to 4096, is zero */
/* The blocks checksum covers the blocks' checksums in order, each as
 * this many little-endian bytes. */
#define KJ_SUM_SIZE		8

/* The trailer's first KJ_TRAILER_LEN bytes, for nblocks blocks with
 * checksums sums. The writer writes them; the reader compares. */
void kj_trailer_encode(uint8_t *t, uint64_t nblocks, uint64_t saved,
		       uint64_t zero, const uint8_t *sums);

uint64_t kj_checksum(const void *buf, size_t len);
uint64_t kj_checksum2(const void *a, size_t alen, const void *b, size_t blen);
uint64_t kj_checksum3(const void *a, size_t alen, const void *b, size_t blen,
		      const void *c, size_t clen);

/*
 * kj_block_encode(), except that data stored as it is stays where it is:
 * then *apart is true, out holds the block's first *len bytes (head, runs,
 * padding) and b->data (raw_len bytes, a multiple of 4096) is the rest.
 */
int kj_block_encode_apart(const struct kj_block *b, enum kj_compressor c,
			  int level, uint8_t *out, size_t *len, bool *apart,
			  uint64_t *checksum);
/* kj_block_encode(), sealed under k for the image uuid: never apart. */
int kj_block_encode_sealed(const struct kj_block *b, enum kj_compressor c,
			   int level, const struct kj_image_key *k,
			   const uint8_t uuid[16], uint8_t *out, size_t *len,
			   uint64_t *checksum);

/* Compress src into dst (cap bytes); returns the size or a negative errno. */
long kj_compress(enum kj_compressor c, int level, const void *src, size_t len,
		 void *dst, size_t cap);
size_t kj_compress_bound(enum kj_compressor c, size_t len);
/* Decompress exactly out_len bytes, or fail with -EBADMSG. */
int kj_decompress(enum kj_compressor c, const void *src, size_t len,
		  void *out, size_t out_len);

/* Parts of kj_block_decode, for the walker (walk.c). */
enum kj_image_fault kj_block_check(const uint8_t *buf, const struct kj_block_head *h);
/* The run table into *runs (caller frees); -EBADMSG if it is bad. */
int kj_block_runs(const uint8_t *buf, const struct kj_block_head *h,
		  struct kj_run **runs);
/* The page data as stored, when it is stored uncompressed; else NULL. */
const uint8_t *kj_block_stored(const uint8_t *buf, const struct kj_block_head *h);
/* The page data, raw_len bytes, into out; -EBADMSG if it does not decode. */
int kj_block_data(const uint8_t *buf, const struct kj_block_head *h,
		  enum kj_compressor c, uint8_t *out);
/* Bytes of the head, the run table and its padding, which come before
 * the data: a multiple of 4096. */
size_t kj_block_meta_len(const struct kj_block_head *h);

/* An encrypted image's own key (lib/image/crypt.c). */
#define KJ_AEAD_NONCE_SIZE	12
struct kj_image_key {
	enum kj_aead aead;
	uint8_t key[KJ_IMAGE_KEY_SIZE];
};
/* The nonces: a block's is its sequence number; these two no block
 * reaches (their last four bytes are 0xff, a block's 0). */
#define KJ_NONCE_NOTE		0xfffffffffffffffeull
#define KJ_NONCE_HEADER		0xffffffffffffffffull
void kj_aead_nonce(uint8_t n[KJ_AEAD_NONCE_SIZE], uint64_t seq);
/* Seals data (len bytes, in place) with ad, under nonce seq; the tag to
 * tag. -ENOTSUP if this CPU lacks the AEAD. */
int kj_aead_seal(const struct kj_image_key *k, uint64_t seq, uint8_t *data,
		 size_t len, const uint8_t *ad, size_t adlen,
		 uint8_t tag[KJ_AEAD_TAG_SIZE]);
/* Opens data in place; -EBADMSG, and data zeroed (libsodium clears what
 * does not authenticate), if the tag is not its. */
int kj_aead_open(const struct kj_image_key *k, uint64_t seq, uint8_t *data,
		 size_t len, const uint8_t *ad, size_t adlen,
		 const uint8_t tag[KJ_AEAD_TAG_SIZE]);
/* The header tag of an encoded header (buf): put (and the checksum
 * resealed), or checked (-EBADMSG). */
int kj_image_header_tag_put(uint8_t *buf, const struct kj_image_key *k);
int kj_image_header_tag_check(const uint8_t *buf, const struct kj_image_key *k);
/* A sealed block's tag and data: sealed in place (encode), or checked and
 * opened in place (walk). uuid is the image's. */
int kj_block_seal(const struct kj_image_key *k, const uint8_t uuid[16],
		  uint8_t *buf, uint8_t *data);
enum kj_image_fault kj_block_open(const struct kj_image_key *k,
				  const uint8_t uuid[16], uint8_t *buf,
				  const struct kj_block_head *h);

struct kj_image {
	struct kj_target t;
	struct kj_target direct;	/* the same with O_DIRECT; fd -1 if none */
	uint64_t size;
	struct kj_image_header h;
	uint8_t *raw;			/* the header as read (4096 bytes) */
	struct kj_image_key *key;	/* an encrypted image's, once given */
};

/* A walk through the blocks: where it is, what it has counted. */
struct kj_walk_state {
	uint64_t offset;
	uint64_t next_pfn;
	uint64_t saved, zero;
	uint8_t *sums;			/* block checksums, KJ_SUM_SIZE each */
};

int kj_image_fail(struct kj_image_error *err, enum kj_image_fault f,
		  int64_t block, uint64_t offset);
/* A block's runs lie in A's RAM, outside the excluded ranges, ascending
 * from w->next_pfn; counts them. */
int kj_walk_check_runs(const struct kj_image_header *h, struct kj_walk_state *w,
		       const struct kj_run *runs, uint32_t n);
int kj_walk_check_trailer(struct kj_image *img, struct kj_walk_state *w,
			  struct kj_image_error *err);

int kj_extents_map(const struct kj_extents *x, uint64_t off, uint64_t *dev,
		   uint64_t *avail);

/* The largest block a reader accepts (doc/image-format.md). */
#define KJ_BLOCK_RUNS_MAX	2048u
#define KJ_BLOCK_RAW_MAX	(1024u * KJ_PAGE_SIZE)

/* The memory a walk takes for each slot: a block as read and as decoded.
 * A walk has its threads and two more slots. */
size_t kj_walk_slot_bytes(void);

/* A walk checks every block's checksum before fn sees it: there is no walk
 * that decodes data without it, so nothing unverified reaches memory. */
struct kj_walk_opts {
	kj_block_fn fn;			/* may be NULL */
	void *ctx;
	/* fn runs in the worker threads, several at once, in any order; after
	 * a failure it may have seen blocks past the failing one. */
	bool any_order;
	bool aligned;			/* b->data 4096-aligned (O_DIRECT) */
	unsigned threads;		/* 0: one per online CPU */
};

/* Walks the blocks, reading in order in the calling thread and checking
 * and decoding in worker threads; the trailer and counts are checked too.
 * Returns as kj_image_verify, which is this walk in order. */
int kj_image_walk(struct kj_image *img, const struct kj_walk_opts *o,
		  struct kj_image_error *err);

struct kj_image_writer;

/* Starts an image at path: a block device, a file it creates, or with ext
 * a file's extents on device path, whose capacity is theirs. Writes a
 * header without the complete flag first; h->flags and the counts are
 * filled in by kj_image_writer_finish(). */
int kj_image_writer_open_extents(const char *path, const struct kj_extents *ext,
				 const struct kj_image_header *h,
				 struct kj_image_writer **w);
/* The same for an encrypted image, sealed under key (its own, fresh):
 * the note and the header are sealed here; blocks come sealed from
 * kj_block_encode_sealed(). h holds the key's id and sealed key. */
int kj_image_writer_open_sealed(const char *path, const struct kj_extents *ext,
				const struct kj_image_header *h,
				const struct kj_image_key *key,
				struct kj_image_writer **w);
/* Appends one encoded block (from kj_block_encode()). */
int kj_image_writer_append(struct kj_image_writer *w, const uint8_t *buf,
			   size_t len, uint64_t checksum, uint32_t data_pages,
			   uint32_t zero_pages);
/* The same for a block from kj_block_encode_apart(): its first len bytes
 * at buf, the rest (rest_len bytes) at rest. */
int kj_image_writer_append_apart(struct kj_image_writer *w, const uint8_t *buf,
				 size_t len, const uint8_t *rest, size_t rest_len,
				 uint64_t checksum, uint32_t data_pages,
				 uint32_t zero_pages);
/* Writes the trailer, syncs, then writes the header with the complete flag
 * and the page counts, and syncs again. pages_free is the caller's count. */
int kj_image_writer_finish(struct kj_image_writer *w, uint64_t pages_free);
/* Closes; without a finish the image stays incomplete. */
void kj_image_writer_close(struct kj_image_writer *w);
uint64_t kj_image_writer_bytes(const struct kj_image_writer *w);

/* What a boot records in an image's header. */
struct kj_image_mark {
	uint32_t flags;			/* to set: CONSUMED, DISCARDED */
	bool count_try;			/* a restore starts: tries + 1 */
	enum kj_discard reason;		/* with DISCARDED */
	uint16_t detail;
};

/* Records m in the image's header (rewrites it: the rest stays byte for
 * byte), and syncs. Returns -EBADMSG if the header does not decode. */
int kj_image_mark(const char *path, const struct kj_extents *ext,
		  const struct kj_image_mark *m);

#endif
