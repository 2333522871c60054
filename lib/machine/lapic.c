// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whether the kernels of a resume (C and R) may do without the local
 * APIC timer. A kernel on CPUs without the TSC deadline timer measures
 * its APIC timers' rate against the PIT for 100 ms at every boot
 * (calibrate_APIC_clock); under emulation that was 0.1 s of each boot of
 * R. On such CPUs C and R boot with nolapic_timer (kj_task_cmdline): they
 * tick from the HPET or the PIT, which the kernel then keeps
 * (apic_needs_pit()), and skip the measurement. B keeps its timers for
 * the save. A CPU with the TSC deadline timer never measures, and keeps
 * its APIC timer: some newer machines have no PIT ticking at all.
 */
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"

/* Whether the space-separated list [p, end) holds word. */
static bool has_word(const char *p, const char *end, const char *word)
{
	size_t k = strlen(word);

	while (p < end) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t\n");
		if (p + n > end)
			n = (size_t)(end - p);
		if (n == k && !memcmp(p, word, k))
			return true;
		p += n ? n : 1;
	}
	return false;
}

bool kj_cpuinfo_lapic_calibrates(const char *text, size_t len)
{
	const char *end = text + len;

	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(eol - p));

		/* "flags", blanks, ':' (not "vmx flags") */
		if (colon && !strncmp(p, "flags", 5) &&
		    strspn(p + 5, " \t") == (size_t)(colon - p - 5))
			return has_word(colon + 1, eol, "apic") &&
			       !has_word(colon + 1, eol, "tsc_deadline_timer");
		p = eol + 1;
	}
	return false;
}

bool kj_lapic_calibrates(void)
{
	char *text = NULL;
	size_t len;
	bool r = false;

	if (!kj_read_text("/proc/cpuinfo", &text, &len))
		r = kj_cpuinfo_lapic_calibrates(text, len);
	free(text);
	return r;
}
