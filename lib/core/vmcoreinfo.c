// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMCOREINFO: "KEY=VALUE" lines the kernel writes for dump tools.
 * SYMBOL(), ADDRESS() and KERNELOFFSET are hex without 0x; SIZE(),
 * OFFSET(), LENGTH() and NUMBER() are decimal, NUMBER() signed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#include <stdio.h>

static const char *value_of(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while ((p = strstr(p, key))) {
		if ((p == text || p[-1] == '\n') && p[klen] == '=')
			return p + klen + 1;
		p += klen;
	}
	return NULL;
}

int kj_vmcoreinfo_u64(const char *text, const char *key, uint64_t *out)
{
	const char *v = value_of(text, key);
	bool hex = !strncmp(key, "SYMBOL(", 7) || !strncmp(key, "ADDRESS(", 8) ||
		   !strcmp(key, "KERNELOFFSET");
	char *end;

	if (!v)
		return -ENOENT;
	errno = 0;
	*out = hex ? strtoull(v, &end, 16) : (uint64_t)strtoll(v, &end, 10);
	if (errno || end == v || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

int kj_vmcoreinfo_str(const char *text, const char *key, char *out,
		      size_t size)
{
	const char *v = value_of(text, key);

	if (size)
		out[0] = '\0';
	if (!v)
		return -ENOENT;
	snprintf(out, size, "%.*s", (int)strcspn(v, "\n"), v);
	return 0;
}
