// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * In A: which file systems and swap partitions its fingerprints must
 * cover, from /proc/self/mountinfo and /proc/swaps.
 *
 * A mount's device is the mountinfo's MAJ:MIN when that is a block device
 * (/sys/dev/block/MAJ:MIN exists), else its source when that is a block
 * device node: btrfs reports an anonymous device number, and a root
 * mounted without an initramfs has the source "/dev/root", which need not
 * exist. The device is read through the node its uevent names.
 *
 * A file system whose type is not recognized, or whose superblock has no
 * UUID, is listed with a zero id rather than left out: what cannot be
 * fingerprinted cannot be checked, and the caller refuses by name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/internal.h"
#include "disk/disk.h"

struct in_use {
	const struct kj_disk_sys *sys;
	struct kj_disk_print *out;
	dev_t *devs;			/* out[i]'s device */
	size_t max, n;
};

static bool is_block(dev_t dev)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(dev),
		 minor(dev));
	return !stat(path, &st);
}

static int sys_block_dev(const char *path, dev_t *dev)
{
	struct stat st;

	if (stat(path, &st) || !S_ISBLK(st.st_mode))
		return -ENOTBLK;
	*dev = st.st_rdev;
	return 0;
}

static int sys_mount_dev(const struct kj_mount *m, dev_t *dev)
{
	*dev = makedev(m->major, m->minor);
	if (m->major && is_block(*dev))
		return 0;
	return m->source[0] == '/' ? sys_block_dev(m->source, dev) : -ENOTBLK;
}

bool kj_disk_left_out(const char *name)
{
	static const char *const skip[] = { "loop", "zram", "ram" };
	size_t i;

	for (i = 0; i < KJ_ARRAY_SIZE(skip); i++)
		if (!strncmp(name, skip[i], strlen(skip[i])))
			return true;
	return false;
}

/* /dev/NAME from the device's uevent. */
static int sys_node(dev_t dev, char *node, size_t size)
{
	char path[64], *text, *name;
	size_t len;
	int err;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent",
		 major(dev), minor(dev));
	err = kj_read_text(path, &text, &len);
	if (err)
		return err;
	name = strstr(text, "DEVNAME=");
	err = name ? 0 : -ENODEV;
	if (name) {
		name += strlen("DEVNAME=");
		name[strcspn(name, "\n")] = '\0';
		node[0] = '\0';
		if (!kj_disk_left_out(name))
			snprintf(node, size, "/dev/%s", name);
	}
	free(text);
	return err;
}

/* Kind, id and size as the device says; a zero id if its content is not
 * of the kind expected. */
static int sys_fill(struct kj_disk_print *p, const char *node)
{
	const struct kj_disk_type *type;
	struct kj_disk_src s;
	int err;

	err = kj_disk_src_open(&s, node);
	if (err)
		return err;
	p->size = s.size;
	err = kj_disk_identify(&s, &type, p->id);
	kj_disk_src_close(&s);
	if (!err && type->kind != p->kind)
		err = -EMEDIUMTYPE;
	if (err == -EMEDIUMTYPE) {
		memset(p->id, 0, sizeof(p->id));
		err = 0;
	}
	return err;
}

static const struct kj_disk_sys sys = {
	.mount_dev = sys_mount_dev,
	.block_dev = sys_block_dev,
	.node = sys_node,
	.fill = sys_fill,
};

static int add(struct in_use *u, dev_t dev, uint32_t kind, const char *name)
{
	struct kj_disk_print *p;
	char node[300];
	size_t i;
	int err;

	for (i = 0; i < u->n; i++)
		if (u->devs[i] == dev)
			return 0;
	err = u->sys->node(dev, node, sizeof(node));
	if (err || !node[0])
		return err;
	if (u->n == u->max)
		return -E2BIG;
	p = &u->out[u->n];
	*p = (struct kj_disk_print){ .kind = kind };
	kj_disk_set_name(p, name);
	err = u->sys->fill(p, node);
	if (!err)
		u->devs[u->n++] = dev;
	return err;
}

static int add_mounts(struct in_use *u, const char *text)
{
	struct kj_mount m;
	size_t pos = 0;
	dev_t dev;
	int err;

	while (!(err = kj_mountinfo_next(text, &pos, &m)))
		if (!u->sys->mount_dev(&m, &dev) &&
		    (err = add(u, dev, KJ_DISK_FS, m.point)))
			break;
	return err == -ENODATA ? 0 : err;
}

static int add_swaps(struct in_use *u, const char *text)
{
	size_t pos = 0;
	char path[256];
	dev_t dev;
	int err;

	while (!(err = kj_swaps_next(text, &pos, path, sizeof(path))))
		if (!u->sys->block_dev(path, &dev) &&
		    (err = add(u, dev, KJ_DISK_SWAP, path)))
			break;
	return err == -ENODATA ? 0 : err;
}

int kj_disks_list(const char *mountinfo, const char *swaps,
		  const struct kj_disk_sys *s, struct kj_disk_print *out,
		  size_t max, size_t *n)
{
	struct in_use u = { .sys = s, .out = out, .max = max };
	int err;

	u.devs = calloc(max ? max : 1, sizeof(*u.devs));
	if (!u.devs)
		return -ENOMEM;
	err = add_mounts(&u, mountinfo);
	if (!err)
		err = add_swaps(&u, swaps);
	free(u.devs);
	*n = u.n;
	return err;
}

int kj_disks_in_use(struct kj_disk_print *out, size_t max, size_t *n)
{
	char *mounts, *swaps;
	size_t len;
	int err;

	*n = 0;
	err = kj_read_text("/proc/self/mountinfo", &mounts, &len);
	if (err)
		return err;
	err = kj_read_text("/proc/swaps", &swaps, &len);
	if (!err) {
		err = kj_disks_list(mounts, swaps, &sys, out, max, n);
		free(swaps);
	}
	free(mounts);
	return err;
}
