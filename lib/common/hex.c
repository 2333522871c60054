// SPDX-License-Identifier: GPL-2.0-or-later
/* Bytes as lowercase hex digits: key ids, UUIDs, the key files. */
#include <stdio.h>

#include "common/internal.h"

void kj_hex(char *out, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", in[i]);
}
