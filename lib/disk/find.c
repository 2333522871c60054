// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * At resume (C, R): finds each recorded disk by kind and UUID among every
 * block device, and reads its print again. The devices are identified
 * once for all the prints: at boot every read goes to the disk.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk/disk.h"

/* A block device and what it holds. */
struct seen {
	char node[280];
	uint32_t kind;
	uint8_t id[16];
};

struct scan {
	struct seen *s;
	size_t n, cap;
};

static bool zero_id(const uint8_t id[16])
{
	static const uint8_t zero[16];

	return !memcmp(id, zero, sizeof(zero));
}

/* /dev/NAME for /sys/class/block/NAME (a '!' there is a '/' in /dev),
 * and what it holds; false for a device that cannot be opened or read,
 * is empty, or holds nothing recognized. */
static bool identify(const char *name, struct seen *e)
{
	const struct kj_disk_type *type;
	struct kj_disk_src s;
	bool known;
	char *c;

	snprintf(e->node, sizeof(e->node), "/dev/%s", name);
	for (c = e->node; *c; c++)
		if (*c == '!')
			*c = '/';
	if (kj_disk_src_open(&s, e->node))
		return false;
	known = s.size && !kj_disk_identify(&s, &type, e->id);
	kj_disk_src_close(&s);
	if (known)
		e->kind = type->kind;
	return known;
}

static int scan_add(struct scan *sc, const char *name)
{
	struct seen *p;

	if (sc->n == sc->cap) {
		p = realloc(sc->s, (sc->cap * 2 + 16) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		sc->s = p;
		sc->cap = sc->cap * 2 + 16;
	}
	if (identify(name, &sc->s[sc->n]))
		sc->n++;
	return 0;
}

static int scan_all(struct scan *sc)
{
	struct dirent *e;
	int err = 0;
	DIR *d;

	*sc = (struct scan){ 0 };
	d = opendir("/sys/class/block");
	if (!d)
		return -errno;
	while (!err && (e = readdir(d)))
		if (e->d_name[0] != '.')
			err = scan_add(sc, e->d_name);
	closedir(d);
	return err;
}

/* The one device that holds want; -ENOENT if none, -EEXIST if several. */
static int match(const struct scan *sc, const struct kj_disk_print *want,
		 const char **node)
{
	size_t i, found = 0;

	if (zero_id(want->id))
		return -EINVAL;
	for (i = 0; i < sc->n; i++)
		if (sc->s[i].kind == want->kind &&
		    !memcmp(sc->s[i].id, want->id, sizeof(want->id)) &&
		    !found++)
			*node = sc->s[i].node;
	return found == 1 ? 0 : found ? -EEXIST : -ENOENT;
}

int kj_disk_find(const struct kj_disk_print *want, char *dev, size_t size)
{
	const char *node;
	struct scan sc;
	int err;

	if (zero_id(want->id))
		return -EINVAL;
	err = scan_all(&sc);
	if (!err)
		err = match(&sc, want, &node);
	if (!err && strlen(node) >= size)
		err = -ENAMETOOLONG;
	if (!err)
		memcpy(dev, node, strlen(node) + 1);
	free(sc.s);
	return err;
}

static bool same(const struct kj_disk_print *a, const struct kj_disk_print *b)
{
	return a->kind == b->kind && !memcmp(a->id, b->id, sizeof(a->id)) &&
	       a->size == b->size && a->hash == b->hash;
}

static int check_one(const struct scan *sc, const struct kj_disk_print *d,
		     struct kj_disk_print *now)
{
	const char *node;
	int err;

	*now = (struct kj_disk_print){ 0 };
	memcpy(now->name, d->name, sizeof(now->name));
	err = match(sc, d, &node);
	if (!err)
		err = kj_disk_print_read(node, now);
	if (!err && !same(d, now))
		err = -ESTALE;
	return err;
}

int kj_disks_check(const struct kj_disk_print *d, size_t n, size_t *bad,
		   struct kj_disk_print *now)
{
	struct scan sc;
	size_t i;
	int err;

	*bad = 0;
	*now = (struct kj_disk_print){ 0 };
	if (!n)
		return 0;
	err = scan_all(&sc);
	for (i = 0; i < n && !err; i++) {
		*bad = i;
		err = check_one(&sc, &d[i], now);
	}
	free(sc.s);
	return err;
}
