// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Claiming B's target in A: a device nothing else uses. Not mounted in
 * any mount namespace, not active swap, not held by device-mapper, md,
 * LVM or LUKS, and neither is any partition of it; held open with O_EXCL
 * from the checks until A is back, so that nobody claims it meanwhile.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "flow/target.h"

/* The sysfs path of a block device, for comparing disks and partitions. */
static bool sys_block_path(dev_t dev, char *out)
{
	char link[64];

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	return realpath(link, out) != NULL;
}

/* Is have the device want, or a partition of it? Paths from sys_block_path. */
static bool same_or_part(const char *want, const char *have)
{
	size_t n = strlen(want);

	return !strncmp(have, want, n) && (!have[n] || have[n] == '/');
}

static bool is_part_of(dev_t dev, const char *want)
{
	char have[PATH_MAX];

	return sys_block_path(dev, have) && same_or_part(want, have);
}

/* One process's mount table: a mount of want or of a partition of it. */
static bool mounted_in(const char *mountinfo, const char *want)
{
	char line[4096];
	FILE *f = fopen(mountinfo, "r");
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		unsigned int ma, mi;

		if (sscanf(line, "%*s %*s %u:%u", &ma, &mi) == 2 && ma)
			found = is_part_of(makedev(ma, mi), want);
	}
	if (f)
		fclose(f);
	return found;
}

/* Remembers a mount namespace (its /proc/PID/ns/mnt link); false if it
 * was seen before. Past the table's size every namespace counts as new. */
static bool first_of_ns(const char *pid, char seen[][48], size_t *nseen)
{
	char path[300], ns[48];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%s/ns/mnt", pid);
	len = readlink(path, ns, sizeof(ns) - 1);
	if (len <= 0)
		return false;
	ns[len] = '\0';
	for (size_t i = 0; i < *nseen; i++)
		if (!strcmp(seen[i], ns))
			return false;
	if (*nseen < 64)
		strcpy(seen[(*nseen)++], ns);
	return true;
}

/* Every mount namespace, through one process in each. */
static bool mounted_anywhere(const char *want)
{
	char path[300], seen[64][48];
	size_t nseen = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = mounted_in("/proc/self/mountinfo", want);

	while (d && !found && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
		    !first_of_ns(e->d_name, seen, &nseen))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/mountinfo", e->d_name);
		found = mounted_in(path, want);
	}
	if (d)
		closedir(d);
	return found;
}

/* Active swap: with file NULL, on the device want or a partition of it;
 * else the swap file file. */
static bool swap_on(const char *want, const struct stat *file)
{
	char line[4096], path[PATH_MAX];
	FILE *f = fopen("/proc/swaps", "r");
	bool found = false;
	struct stat st;

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%4095s", path) != 1 || path[0] != '/' || stat(path, &st))
			continue;
		if (file)
			found = S_ISREG(st.st_mode) && st.st_dev == file->st_dev &&
				st.st_ino == file->st_ino;
		else
			found = S_ISBLK(st.st_mode) && is_part_of(st.st_rdev, want);
	}
	if (f)
		fclose(f);
	return found;
}

/* Has dir (a sysfs device) a holder: device-mapper, md, LVM, LUKS? */
static bool has_holder(const char *dir)
{
	char path[PATH_MAX + 16];
	DIR *d;
	struct dirent *e;
	bool found = false;

	snprintf(path, sizeof(path), "%s/holders", dir);
	d = opendir(path);
	while (d && !found && (e = readdir(d)))
		found = e->d_name[0] != '.';
	if (d)
		closedir(d);
	return found;
}

/* The device or one of its partitions (subdirectories with a "partition"
 * file) held. */
static bool held(const char *want)
{
	char path[PATH_MAX + 300];
	DIR *d = opendir(want);
	struct dirent *e;
	bool found = has_holder(want);

	while (d && !found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/partition", want, e->d_name);
		if (!access(path, F_OK)) {
			snprintf(path, sizeof(path), "%s/%s", want, e->d_name);
			found = has_holder(path);
		}
	}
	if (d)
		closedir(d);
	return found;
}

static int refuse(const struct kj_report *r, const char *image, const char *why)
{
	say_error(r, "'%s' is %s: B must not write there", image, why);
	say_hint(r, "give a device nothing uses, or a file on a mounted file system");
	return -EBUSY;
}

int kj_target_claim(const struct kj_report *r, const char *image, dev_t dev,
		    int *fd)
{
	char want[PATH_MAX];

	*fd = -1;
	if (!sys_block_path(dev, want)) {
		say_error(r, "cannot find '%s' in /sys/dev/block", image);
		return -ENODEV;
	}
	if (mounted_anywhere(want))
		return refuse(r, image, "mounted, or a partition of it is (in some mount namespace)");
	if (swap_on(want, NULL))
		return refuse(r, image, "active swap, or a partition of it is");
	if (held(want))
		return refuse(r, image, "held by device-mapper, md, LVM or LUKS, or a partition of it is");
	*fd = open(image, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (*fd < 0 && errno == EBUSY)
		return refuse(r, image, "in use (the kernel refuses an exclusive open)");
	if (*fd < 0) {
		say_error(r, "cannot open '%s': %s", image, strerror(errno));
		return -errno;
	}
	return 0;
}

int kj_target_file_ok(const struct kj_report *r, const char *image,
		      const struct stat *st)
{
	if (swap_on(NULL, st))
		return refuse(r, image, "an active swap file");
	return 0;
}
