// SPDX-License-Identifier: GPL-2.0-or-later
/* In B: the jump back to the caller, with its control page read from the
 * core (see lib/kexec/jump.c for why it is loaded once). */
#include <errno.h>
#include <stdlib.h>

#include "flow/flow.h"

int kj_jump_back_load(const struct kj_vmcore *vc, uint64_t entry)
{
	uint8_t *page = malloc(KJ_PAGE_SIZE);
	int err;

	if (!page)
		return -ENOMEM;
	err = kj_vmcore_read(vc, entry & ~(uint64_t)(KJ_PAGE_SIZE - 1), page,
			     KJ_PAGE_SIZE);
	if (!err)
		err = kj_jump_back_load_page(entry, page);
	free(page);
	return err;
}
