// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A print: which type a device holds, its UUID, and XXH64 (seed 0) over
 * the ranges its type says a mount, a journal replay or fsck changes.
 */
#define XXH_STATIC_LINKING_ONLY	/* XXH64_state_t on the stack */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "common/internal.h"
#include "disk/disk.h"

struct kj_disk_hash {
	XXH64_state_t st;
};

#define HASH_CHUNK	(256u << 10)

int kj_disk_hash_range(struct kj_disk_hash *h, const struct kj_disk_src *s,
		       uint64_t off, uint64_t len)
{
	size_t piece;
	uint8_t *buf;
	int err = 0;

	if (off > s->size || len > s->size - off)
		return -ENODATA;
	buf = malloc(len < HASH_CHUNK ? len + 1 : HASH_CHUNK);
	if (!buf)
		return -ENOMEM;
	while (len && !err) {
		piece = len < HASH_CHUNK ? (size_t)len : HASH_CHUNK;
		err = s->read(s, buf, piece, off);
		XXH64_update(&h->st, buf, piece);
		off += piece;
		len -= piece;
	}
	free(buf);
	return err;
}

void kj_disk_hash_u64(struct kj_disk_hash *h, uint64_t v)
{
	XXH64_update(&h->st, &v, sizeof(v));
}

/* In the order they are tried: a device that still carries an older
 * signature beside its current one (mkswap over a file system that was
 * not wiped) is taken for the first. */
static const struct kj_disk_type *const types[] = {
	&kj_disk_ext4, &kj_disk_xfs, &kj_disk_btrfs, &kj_disk_swap,
	&kj_disk_vfat,
};

int kj_disk_identify(const struct kj_disk_src *s,
		     const struct kj_disk_type **type, uint8_t id[16])
{
	size_t i;
	int err;

	for (i = 0; i < KJ_ARRAY_SIZE(types); i++) {
		memset(id, 0, 16);
		err = types[i]->identify(s, id);
		if (err == -EMEDIUMTYPE || err == -ENODATA)
			continue;
		if (!err)
			*type = types[i];
		return err;
	}
	return -EMEDIUMTYPE;
}

int kj_disk_print_src(const struct kj_disk_src *s, struct kj_disk_print *p)
{
	const struct kj_disk_type *type;
	struct kj_disk_hash h;
	int err;

	err = kj_disk_identify(s, &type, p->id);
	if (err)
		return err;
	XXH64_reset(&h.st, 0);
	err = type->hash(s, &h);
	if (err)
		return err;
	p->kind = type->kind;
	p->size = s->size;
	p->hash = XXH64_digest(&h.st);
	return 0;
}

int kj_disk_print_read(const char *dev, struct kj_disk_print *p)
{
	struct kj_disk_src s;
	int err;

	err = kj_disk_src_open(&s, dev);
	if (err)
		return err;
	err = kj_disk_print_src(&s, p);
	kj_disk_src_close(&s);
	return err;
}

void kj_disk_set_name(struct kj_disk_print *p, const char *src)
{
	snprintf(p->name, sizeof(p->name), "%s", src);
}
