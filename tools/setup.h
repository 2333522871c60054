/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kjump setup and status: the files that make a Debian system hibernate
 * through kjump (see 'kjump setup --help' and doc/kjump.8). */
#ifndef KJ_TOOL_SETUP_H
#define KJ_TOOL_SETUP_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "tool.h"

#define KJ_CONF			"/etc/kjump/kjump.conf"
/* Debian's kdump-tools: USE_KDUMP=1 there loads a crash kernel at boot. */
#define KJ_KDUMP_TOOLS_DEFAULTS	"/etc/default/kdump-tools"
#define KJ_EXTENTS_FILE		"/etc/kjump/image.extents"
#define KJ_DEFAULT_IMAGE	"/var/lib/kjump/image"
#define KJ_GRUB_ARGS		"/etc/default/grub.d/kjump.cfg"
#define KJ_GRUB_SCRIPT		"/etc/grub.d/42_kjump"
#define KJ_GRUB_DIR		"/boot/grub"
/* what KJ_GRUB_SCRIPT packs for C's initramfs under UEFI, per release */
#define KJ_C_ARCHIVE_FMT	"/boot/kjump-c-%s.cpio"
#define KJ_HIBERNATE_DROPIN	"/etc/systemd/system/systemd-hibernate.service.d/kjump.conf"
#define KJ_LOGIND_DROPIN	"/etc/systemd/system/systemd-logind.service.d/kjump.conf"
#define KJ_FINISH_UNIT		"/etc/systemd/system/kjump-setup.service"
#define KJ_FINISH_WANTS		"/etc/systemd/system/multi-user.target.wants/kjump-setup.service"
#define KJ_RESIDENT_UNIT	"/etc/systemd/system/kjump-resident.service"
#define KJ_RESIDENT_WANTS	"/etc/systemd/system/multi-user.target.wants/kjump-resident.service"

/* /etc/kjump/kjump.conf, as setup wrote it. */
struct kj_conf {
	char image[PATH_MAX];		/* a file, or a block device */
	char device[PATH_MAX];		/* UUID=... or /dev/..., under a file */
	char extents[PATH_MAX];		/* the file's extent map, or "" */
	char initrd[PATH_MAX];		/* B's and R's initramfs */
	char kernel[PATH_MAX];		/* the kernel setup planned for */
	char region[64];		/* crashkernel=SIZE@START, as written */
	bool one_boot;			/* GRUB starts R straight */
	bool resident;			/* B is started at every boot */
	bool created;			/* setup made the image file */
};

/* -errno if there is none (not set up). */
int conf_read(struct kj_conf *c);

/* Atomically, with its folders; prints what went wrong. */
int write_file(const char *path, mode_t mode, const char *text);
int link_file(const char *target, const char *path);
/* Removes path if it is there (and a drop-in folder it leaves empty). */
int remove_file(const char *path);
/* Runs argv[0] from PATH, waits; prints what went wrong. */
int run_command(const char *const argv[]);
bool have_command(const char *name);

/* A kernel that can kexec-jump: this one if it can, else the newest
 * installed one whose /boot/config-* says CONFIG_KEXEC_JUMP=y. */
struct kj_kernel_choice {
	char release[128];
	char image[PATH_MAX];		/* /boot/vmlinuz-RELEASE */
	bool running;
};
int choose_kernel(struct kj_kernel_choice *k);
/* Whether /boot/config-RELEASE has CONFIG_KEXEC_JUMP=y. */
bool kernel_can_jump(const char *release);

/* Whether GRUB, at boot, can write its environment block in dir (where
 * grubenv is): the one-boot resume needs it to clear its one-shot entry.
 * If not, why says why. True when dir does not exist (no GRUB). */
bool grubenv_writable(const char *dir, char *why, size_t size);

/* kjump status's verdict: prints it, returns 0 if hibernation will work. */
int status_ready(void);

#endif
