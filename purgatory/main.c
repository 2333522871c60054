// SPDX-License-Identifier: GPL-2.0-or-later
/* The purgatory's C part: freestanding, position independent. */
#include <stdint.h>

#include "purgatory.h"

#pragma GCC visibility push(hidden)
extern uint64_t kj_params[KJ_PURG_PARAMS_END / 8];
void purgatory_main(uint64_t reentry);
#pragma GCC visibility pop

/* Writes reentry as hex digits into the slot kjump left in B's command
 * line ("kexec_jump_back_entry=0x" followed by zeros). */
void purgatory_main(uint64_t reentry)
{
	static const char digits[] = "0123456789abcdef";
	char *slot = (char *)(uintptr_t)kj_params[KJ_PURG_OFF_SLOT / 8];
	uint64_t len = kj_params[KJ_PURG_OFF_SLOT_LEN / 8];

	if (!slot)
		return;
	while (len--) {
		slot[len] = digits[reentry & 0xf];
		reentry >>= 4;
	}
}
