// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where B writes, as A finds it: a block device nothing uses (claim.c),
 * or the device under a file (not a link, not swap, private) and the
 * file's extents. And how B and R are told their task.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "flow/target.h"
#include "machine/machine.h"

static int target_device(const struct kj_report *r, const char *image,
			 const struct stat *st, struct kj_target_dev *t)
{
	int err = kj_target_claim(r, image, st->st_rdev, &t->claim_fd);

	if (!err)
		snprintf(t->device, sizeof(t->device), "%s", image);
	return err;
}

/* The image holds all of A's memory: for root's eyes only. */
static int private_file(const struct kj_report *r, const char *image,
			const struct stat *st)
{
	int fd;

	if (!(st->st_mode & 077))
		return 0;
	fd = open(image, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0600)) {
		say_error(r, "cannot make '%s' private (mode 0600): %s", image, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EPERM;
	}
	close(fd);
	say_warn(r, "'%s' was readable by others (mode %04o): now 0600, as it will hold all of memory",
		 image, (unsigned)(st->st_mode & 07777));
	return 0;
}

/* The immutable flag: no write, truncation or move through the file
 * system (e4defrag, btrfs balance leave such files alone) while the
 * image's extents must stay where B and R find them. */
static int set_immutable(const char *image, bool on)
{
	int fd = open(image, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int flags = 0, err = fd < 0 ? -errno : 0;

	if (!err && ioctl(fd, FS_IOC_GETFLAGS, &flags))
		err = -errno;
	flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
	if (!err && ioctl(fd, FS_IOC_SETFLAGS, &flags))
		err = -errno;
	if (fd >= 0)
		close(fd);
	return err;
}

void kj_target_pin(const struct kj_report *r, struct kj_target_dev *t,
		   const char *image)
{
	int err;

	if (!t->ext.n)
		return;
	err = set_immutable(image, true);
	if (err)
		say_warn(r, "cannot pin '%s' (immutable): %s; do not move or change it until resumed",
			 image, strerror(-err));
	else
		snprintf(t->pinned, sizeof(t->pinned), "%s", image);
}

static int target_file(const struct kj_report *r, const char *image,
		       const struct stat *st, struct kj_target_dev *t)
{
	int err = kj_target_file_ok(r, image, st);

	/* an earlier hibernation that was not resumed left it pinned */
	set_immutable(image, false);
	if (!err)
		err = private_file(r, image, st);
	if (!err)
		err = kj_extents_of_file(image, &t->ext);

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
		      uint64_t size, struct kj_target_dev *t)
{
	struct stat st;
	int err = 0;

	memset(t, 0, sizeof(*t));
	t->claim_fd = -1;
	if (lstat(image, &st) && errno == ENOENT && image[0] == '/' &&
	    strncmp(image, "/dev/", 5))
		err = kj_target_create(r, image, size);
	if (!err && lstat(image, &st))
		err = -errno;
	if (err == -ENOENT) {
		say_error(r, "cannot use '%s': %s", image, strerror(-err));
		say_hint(r, "give an absolute path on a mounted file system, and kjump creates the file");
	}
	if (err)
		return err;
	if (S_ISLNK(st.st_mode)) {
		say_error(r, "'%s' is a symbolic link: give the image's own path", image);
		return -ELOOP;
	}
	if (S_ISBLK(st.st_mode))
		return target_device(r, image, &st, t);
	if (S_ISREG(st.st_mode))
		return target_file(r, image, &st, t);
	say_error(r, "'%s' is neither a block device nor a file", image);
	return -EINVAL;
}

void kj_target_release(struct kj_target_dev *t)
{
	if (*t->pinned)
		set_immutable(t->pinned, false);
	*t->pinned = '\0';
	kj_extents_release(&t->ext);
	if (t->claim_fd >= 0)
		close(t->claim_fd);
	t->claim_fd = -1;
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

/* Whether a kernel for action ticks without APIC timers: C ("resume")
 * and R ("restore") check and write and are gone, on CPUs where a boot
 * would measure the timers first. */
static bool no_lapic_timer(const char *action)
{
	return (!strcmp(action, "restore") || !strcmp(action, "resume")) &&
	       kj_lapic_calibrates();
}

/* What B and R do not start: the PS/2 keyboard and mouse controller. */
#define LEFT_OUT "initcall_blacklist=i8042_init"

size_t kj_task_cmdline(char *buf, size_t size, const char *action,
		       const char *image, const char *compress,
		       const struct kj_extents *x)
{
	char base[1024];
	size_t n;

	kj_machine_append(base, sizeof(base));
	/* B and R are kjump's own: their boot messages slowed each boot
	 * (under emulation, 0.3 s on a serial console); warnings still show.
	 * Neither has a use for the keyboard controller: when they took it,
	 * A's keyboard, back from them, missed a command and waited 0.2 s at
	 * every resume (an R that is to ask for a passphrase will need it,
	 * and must let its probing settle before the jump). On CPUs whose
	 * APIC timers every boot measures for 0.1 s, the kernels of a resume
	 * tick without them (lib/machine/lapic.c); B keeps them for its
	 * save. */
	n = (size_t)snprintf(buf, size, "%s quiet " LEFT_OUT "%s kjump.action=%s kjump.image=%s",
			     base, no_lapic_timer(action) ? " nolapic_timer" : "", action, image);
	if (compress && n < size)
		n += (size_t)snprintf(buf + n, size - n, " kjump.compress=%s", compress);
	return append_extents(buf, size, n, x);
}

int kj_image_prepare(const char *image, uint64_t size, char *device,
		     size_t dsize, struct kj_extents *x, const struct kj_report *r)
{
	struct kj_target_dev t;
	int err = kj_target_resolve(r, image, size, &t);

	memset(x, 0, sizeof(*x));
	if (!err) {
		snprintf(device, dsize, "%s", t.device);
		*x = t.ext;
		memset(&t.ext, 0, sizeof(t.ext));
	}
	kj_target_release(&t);
	return err;
}
