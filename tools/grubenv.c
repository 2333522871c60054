// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether GRUB can write its environment block at boot. The one-boot
 * resume rests on it: 'grub-reboot' sets next_entry, and the boot that
 * uses the entry clears it with save_env. GRUB writes the block only on
 * a plain disk and a file system without checksums (its manual says so;
 * grub-reboot warns for LVM and RAID). Where it cannot, next_entry
 * stays, every boot starts R, and R, with nothing left to resume,
 * reboots: a loop. So 'kjump setup' turns the one-boot resume off there.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "setup.h"

#define EXT_MAGIC	0xEF53		/* ext2, ext3, ext4 */
#define MSDOS_MAGIC	0x4d44		/* FAT: an EFI system partition */
#define XFS_MAGIC	0x58465342

static bool grub_writes(long type)
{
	return type == EXT_MAGIC || type == MSDOS_MAGIC || type == XFS_MAGIC;
}

/* Whether the block device dev, or the disk it is a partition of, is
 * stacked: device-mapper (LVM, dm-crypt) or md RAID. */
static bool stacked(dev_t dev)
{
	static const char *const kinds[] = { "dm", "md", "../dm", "../md" };
	char path[128];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%s",
			 major(dev), minor(dev), kinds[i]);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

bool grubenv_writable(const char *dir, char *why, size_t size)
{
	struct statfs fs;
	struct stat st;

	if (statfs(dir, &fs) || stat(dir, &st))
		return true;	/* no GRUB here: no one-boot entry either */
	if (!grub_writes((long)fs.f_type)) {
		snprintf(why, size, "it lies on a file system GRUB does not write (type 0x%lx)",
			 (unsigned long)fs.f_type);
		return false;
	}
	if (stacked(st.st_dev)) {
		snprintf(why, size, "it lies on LVM, dm-crypt or RAID (device %u:%u)",
			 major(st.st_dev), minor(st.st_dev));
		return false;
	}
	return true;
}
