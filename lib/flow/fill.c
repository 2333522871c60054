// SPDX-License-Identifier: GPL-2.0-or-later
/* What A expects its free pages to hold, from its command line. */
#include <string.h>

#include "flow/flow.h"

/* The kernel's kstrtobool: 1/y/Y/on are true, 0/n/N/off false; *set
 * says whether value was one of them. */
static bool to_bool(const char *value, size_t len, bool *set)
{
	*set = true;
	if (len == 1 && strchr("1yY", value[0]))
		return true;
	if (len == 2 && !strncmp(value, "on", 2))
		return true;
	*set = (len == 1 && strchr("0nN", value[0])) ||
	       (len == 3 && !strncmp(value, "off", 3));
	return false;
}

/* The last value of key (with its '=') on the line, as a boolean. */
static bool last_bool(const char *cmdline, const char *key)
{
	size_t k = strlen(key);
	bool on = false;

	while (*cmdline) {
		size_t len = strcspn(cmdline, " \t\n");
		bool set, v;

		if (len > k && !strncmp(cmdline, key, k)) {
			v = to_bool(cmdline + k, len - k, &set);
			on = set ? v : on;
		}
		cmdline += len;
		cmdline += strspn(cmdline, " \t\n");
	}
	return on;
}

enum kj_free_fill kj_free_fill_of(const char *cmdline)
{
	/* page poisoning, where the kernel has it, takes precedence over
	 * init_on_free (mm_core_init; and the kernel's own hibernation
	 * poisons first, clear_or_poison_free_pages) */
	if (last_bool(cmdline, "page_poison="))
		return KJ_FREE_FILL_POISON;
	if (last_bool(cmdline, "init_on_free="))
		return KJ_FREE_FILL_ZERO;
	return KJ_FREE_FILL_NONE;
}
