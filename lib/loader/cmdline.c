// SPDX-License-Identifier: GPL-2.0-or-later
/* Which of the running kernel's arguments B and R inherit. */
#include <string.h>

#include "loader/loader.h"

/*
 * What the running kernel was told about the machine, B and R are told
 * too: the consoles, and the options that say how to drive its hardware
 * (a machine that needs pci=noacpi or iommu= to boot needs it in every
 * kernel). Nothing about this system's own memory, root or init.
 */
static bool inherited(const char *arg, size_t len)
{
	static const char *const keep[] = {
		"console=", "earlyprintk=", "pci=", "acpi=", "acpi_", "noapic",
		"nolapic", "iommu=", "intel_iommu=", "amd_iommu=", "i8042.",
		"clocksource=", "tsc=", "driver_async_probe=", "initcall_blacklist=",
		"lpj=",
	};

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		size_t k = strlen(keep[i]);

		if (len >= k && !memcmp(arg, keep[i], k) &&
		    (keep[i][k - 1] == '=' || keep[i][k - 1] == '_' ||
		     keep[i][k - 1] == '.' || len == k))
			return true;
	}
	return false;
}

size_t kj_cmdline_inherit(const char *cmdline, char *out, size_t size)
{
	size_t used = 0;

	if (size)
		out[0] = '\0';
	while (*cmdline) {
		size_t len = strcspn(cmdline, " \t\n");

		if (len && inherited(cmdline, len)) {
			if (used + !!used + len >= size)
				return used;
			if (used)
				out[used++] = ' ';
			memcpy(out + used, cmdline, len);
			out[used += len] = '\0';
		}
		cmdline += len;
		cmdline += strspn(cmdline, " \t\n");
	}
	return used;
}

size_t kj_cmdline_drop(char *cmdline, const char *word)
{
	size_t k = strlen(word), used = 0;
	const char *in = cmdline;

	while (*in) {
		size_t len = strcspn(in, " \t\n");

		if (len && !(len == k && !memcmp(in, word, k))) {
			if (used)
				cmdline[used++] = ' ';
			memmove(cmdline + used, in, len);
			used += len;
		}
		in += len;
		in += strspn(in, " \t\n");
	}
	cmdline[used] = '\0';
	return used;
}
