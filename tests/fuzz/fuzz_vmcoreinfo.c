// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: VMCOREINFO text, its numbers (hex and decimal, as
 * the free-page filter reads them) and its strings. */
#include "core/core.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {
		"SYMBOL(vmemmap)", "SIZE(page)", "OFFSET(page._mapcount)",
		"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "LENGTH(zone.free_area)",
		"KERNELOFFSET", "ADDRESS(x)",
	};
	char *text = fuzz_text(data, size), out[16];
	uint64_t v;

	if (!text)
		return 0;
	for (size_t i = 0; i < KJ_ARRAY_SIZE(keys); i++)
		kj_vmcoreinfo_u64(text, keys[i], &v);
	kj_vmcoreinfo_str(text, "OSRELEASE", out, sizeof(out));
	kj_vmcoreinfo_str(text, "BUILD-ID", out, 1);
	free(text);
	return 0;
}
