// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diskprint: lib/disk from the shell, for tests/unit/disk.sh.
 *   diskprint read DEV           KIND UUID SIZE HASH (the print, in hex)
 *   diskprint find KIND UUID     the device that holds it
 *   diskprint check KIND UUID SIZE HASH
 *                                "same", or what kj_disks_check found
 *   diskprint in-use             KIND UUID SIZE NAME, one a line
 *   diskprint hold|release DEV   a swap area's signature: kjump's, or back
 * KIND is fs or swap. Exits 1 with the error on stderr.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk/disk.h"

static const char *kind_str(uint32_t kind)
{
	return kind == KJ_DISK_SWAP ? "swap" : kind == KJ_DISK_FS ? "fs" : "?";
}

static void put_id(const uint8_t id[16])
{
	for (int i = 0; i < 16; i++)
		printf("%02x", id[i]);
}

static int parse(char **a, struct kj_disk_print *p)
{
	unsigned int b;

	p->kind = !strcmp(a[0], "swap") ? KJ_DISK_SWAP : KJ_DISK_FS;
	if (strlen(a[1]) != 32)
		return -1;
	for (int i = 0; i < 16; i++) {
		if (sscanf(a[1] + 2 * i, "%2x", &b) != 1)
			return -1;
		p->id[i] = (uint8_t)b;
	}
	if (!a[2])
		return 0;
	p->size = strtoull(a[2], NULL, 0);
	p->hash = strtoull(a[3], NULL, 16);
	return 0;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "diskprint: %s: %s\n", what, strerror(-err));
	return 1;
}

static int cmd_read(const char *dev)
{
	struct kj_disk_print p = { 0 };
	int err = kj_disk_print_read(dev, &p);

	if (err)
		return fail(dev, err);
	printf("%s ", kind_str(p.kind));
	put_id(p.id);
	printf(" %" PRIu64 " %016" PRIx64 "\n", p.size, p.hash);
	return 0;
}

static int cmd_find(struct kj_disk_print *p)
{
	char dev[256];
	int err = kj_disk_find(p, dev, sizeof(dev));

	if (err)
		return fail("find", err);
	printf("%s\n", dev);
	return 0;
}

static int cmd_check(struct kj_disk_print *p)
{
	struct kj_disk_print now;
	size_t bad;
	int err;

	kj_disk_set_name(p, "the disk");
	err = kj_disks_check(p, 1, &bad, &now);
	if (err)
		return fail(now.name, err);
	printf("same\n");
	return 0;
}

static int cmd_in_use(void)
{
	struct kj_disk_print d[KJ_DISKS_MAX];
	size_t n, i;
	int err = kj_disks_in_use(d, KJ_DISKS_MAX, &n);

	if (err)
		return fail("in-use", err);
	for (i = 0; i < n; i++) {
		printf("%s ", kind_str(d[i].kind));
		put_id(d[i].id);
		printf(" %" PRIu64 " %s\n", d[i].size, d[i].name);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kj_disk_print p = { 0 };

	if (argc == 3 && !strcmp(argv[1], "read"))
		return cmd_read(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "find") && !parse(argv + 2, &p))
		return cmd_find(&p);
	if (argc == 6 && !strcmp(argv[1], "check") && !parse(argv + 2, &p))
		return cmd_check(&p);
	if (argc == 2 && !strcmp(argv[1], "in-use"))
		return cmd_in_use();
	if (argc == 3 && (!strcmp(argv[1], "hold") || !strcmp(argv[1], "release"))) {
		int err = kj_disk_swap_hold(argv[2], argv[1][0] == 'h');

		return err ? fail(argv[2], err) : 0;
	}
	fprintf(stderr, "usage: diskprint read DEV | find KIND UUID | "
		"check KIND UUID SIZE HASH | in-use\n");
	return 2;
}
