// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Raw system calls, and nothing else: each zeroes what it passes, calls
 * syscall() and returns 0 or -errno.
 */
#include <errno.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kexec/sys.h"

int kj_sys_kexec_load(uint64_t entry, const struct kj_segment *segs,
		      size_t nr, unsigned long flags)
{
	struct kexec_segment ks[KEXEC_SEGMENT_MAX];
	long r;

	if (nr > KEXEC_SEGMENT_MAX)
		return -E2BIG;
	memset(ks, 0, sizeof(ks));
	for (size_t i = 0; i < nr; i++) {
		ks[i].buf = segs[i].buf;
		ks[i].bufsz = segs[i].bufsz;
		ks[i].mem = (const void *)(uintptr_t)segs[i].mem;
		ks[i].memsz = segs[i].memsz;
	}
	r = syscall(SYS_kexec_load, (unsigned long)entry, (unsigned long)nr,
		    nr ? ks : NULL, flags);
	return r < 0 ? -errno : 0;
}

int kj_sys_kexec_load_raw(unsigned long nr, const void *segs,
			  unsigned long flags)
{
	long r = syscall(SYS_kexec_load, 0UL, nr, segs, flags);

	return r < 0 ? -errno : 0;
}

int kj_sys_reboot_kexec(void)
{
	long r = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			 LINUX_REBOOT_CMD_KEXEC, NULL);

	return r < 0 ? -errno : 0;
}
