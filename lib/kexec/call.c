// SPDX-License-Identifier: GPL-2.0-or-later
/* Calls into a flat binary in physical mode, and back. */
#include <errno.h>

#include "kexec/kexec.h"

int kj_call_place(const struct kj_iomem *iomem, uint64_t size,
		  const uint64_t *at, uint64_t *addr)
{
	struct kj_range region;
	int err;

	if (!size)
		return -EINVAL;
	if (at) {
		if (*at % KJ_PAGE_SIZE)
			return -EINVAL;
		if (!kj_iomem_is_ram(iomem, *at, kj_page_up(size)))
			return -EADDRNOTAVAIL;
		*addr = *at;
		return 0;
	}
	err = kj_iomem_crash_region(iomem, &region);
	if (err)
		return err;
	*addr = kj_page_up(region.start);
	if (*addr > region.end || kj_page_up(size) > region.end - *addr + 1)
		return -EFBIG;
	return 0;
}

int kj_call(const void *code, size_t size, uint64_t addr)
{
	struct kj_segment seg = {
		.buf = code,
		.bufsz = size,
		.mem = addr,
		.memsz = kj_page_up(size),
	};
	int err, unload_err;

	err = kj_kexec_load_jump(addr, &seg, 1);
	if (err)
		return err;
	kj_debug("loaded %zu bytes at 0x%llx, jumping", size,
		 (unsigned long long)addr);
	err = kj_kexec_jump();
	/* The callee returned: the kernel now takes whatever was on its stack
	 * as its re-entry point. Unload, so no later jump goes there. */
	unload_err = kj_kexec_unload();
	return err ? err : unload_err;
}
