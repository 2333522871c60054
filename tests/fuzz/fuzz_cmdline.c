// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: kernel command lines: the arguments B and R inherit,
 * into an output the first byte sizes (a small one cuts them short), and
 * the kexec_jump_back_entry= a jumped-to kernel is given.
 */
#include "loader/loader.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *out;
	size_t out_size;
	uint64_t entry;

	if (!size)
		return 0;
	out_size = data[0];
	text = fuzz_text(data + 1, size - 1);
	/* exactly out_size bytes, so that a write past them is caught */
	out = malloc(out_size ? out_size : 1);
	if (text && out)
		kj_cmdline_inherit(text, out, out_size);
	if (text)
		kj_jump_back_entry(text, &entry);
	free(out);
	free(text);
	return 0;
}
