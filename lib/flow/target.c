// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where B writes, as A finds it: a block device this system has not
 * mounted, or the device under a file and the file's extents. And how B
 * and R are told their task.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "flow/target.h"

/* The sysfs path of a block device, for comparing disks and partitions. */
static bool sys_block_path(dev_t dev, char *out)
{
	char link[64];

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	return realpath(link, out) != NULL;
}

/* Is dev, or a partition of it, mounted here? From /proc/self/mountinfo,
 * whose third field is the mounted device's MAJOR:MINOR. */
static bool mounted(dev_t dev)
{
	char want[PATH_MAX], have[PATH_MAX], line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	bool found = false;
	size_t n;

	if (!f || !sys_block_path(dev, want)) {
		if (f)
			fclose(f);
		return false;
	}
	n = strlen(want);
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned int ma, mi;

		if (sscanf(line, "%*s %*s %u:%u", &ma, &mi) != 2 || !ma)
			continue;
		found = sys_block_path(makedev(ma, mi), have) &&
			!strncmp(have, want, n) && (!have[n] || have[n] == '/');
	}
	fclose(f);
	return found;
}

static int target_device(const struct kj_report *r, const char *image,
			 const struct stat *st, struct kj_target_dev *t)
{
	if (mounted(st->st_rdev)) {
		say_error(r, "'%s' is mounted here: B must not write under a mounted file system", image);
		say_hint(r, "give a device that is not mounted, or a file on a mounted one");
		return -EBUSY;
	}
	snprintf(t->device, sizeof(t->device), "%s", image);
	return 0;
}

static int target_file(const struct kj_report *r, const char *image,
		       struct kj_target_dev *t)
{
	int err = kj_extents_of_file(image, &t->ext);

	if (err) {
		say_error(r, "cannot map '%s' for B: %s", image, err == -EMEDIUMTYPE
			  ? "its extents cannot be written raw (unwritten, shared, or not in whole pages)"
			  : strerror(-err));
		say_hint(r, "write the file full first, e.g. dd if=/dev/zero of='%s' bs=1M count=N", image);
		return err;
	}
	if (kj_device_of(image, t->device, sizeof(t->device)))
		return 0;
	say_error(r, "cannot find the block device under '%s'", image);
	return -ENODEV;
}

int kj_target_resolve(const struct kj_report *r, const char *image,
		      struct kj_target_dev *t)
{
	struct stat st;

	memset(t, 0, sizeof(*t));
	if (stat(image, &st)) {
		int err = -errno;

		say_error(r, "cannot use '%s': %s", image, strerror(-err));
		if (err == -ENOENT)
			say_hint(r, "create the file first, e.g. dd if=/dev/zero of='%s' bs=1M count=N", image);
		return err;
	}
	if (S_ISBLK(st.st_mode))
		return target_device(r, image, &st, t);
	if (S_ISREG(st.st_mode))
		return target_file(r, image, t);
	say_error(r, "'%s' is neither a block device nor a file", image);
	return -EINVAL;
}

void kj_target_release(struct kj_target_dev *t)
{
	kj_extents_release(&t->ext);
}

/* Appends " kjump.extents=DEV:LEN,..." at buf + n (kjump's initramfs
 * reads it back); returns the new length. */
static size_t append_extents(char *buf, size_t size, size_t n,
			     const struct kj_extents *x)
{
	for (size_t i = 0; x && i < x->n && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%llu:%llu",
				      i ? "," : " kjump.extents=",
				      (unsigned long long)x->e[i].dev,
				      (unsigned long long)x->e[i].len);
	return n;
}

size_t kj_task_cmdline(char *buf, size_t size, const char *action,
		       const char *image, const char *compress,
		       const struct kj_extents *x)
{
	char base[1024];
	size_t n;

	kj_machine_append(base, sizeof(base));
	/* B and R are kjump's own: their boot messages slowed each boot
	 * (under emulation, 0.3 s on a serial console); warnings still show. */
	n = (size_t)snprintf(buf, size, "%s quiet kjump.action=%s kjump.image=%s",
			     base, action, image);
	if (compress && n < size)
		n += (size_t)snprintf(buf + n, size - n, " kjump.compress=%s", compress);
	return append_extents(buf, size, n, x);
}
