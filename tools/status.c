// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump status: what is loaded, where, and the re-entry points known. */
#include <stdio.h>
#include <string.h>

#include "setup.h"

static void print_region(void)
{
	struct kj_iomem *iomem;
	struct kj_range r;

	if (kj_iomem_read("/proc/iomem", &iomem, NULL)) {
		printf("region:      unknown (cannot read /proc/iomem as this user)\n");
		return;
	}
	if (kj_iomem_crash_region(iomem, &r))
		printf("region:      none (boot with crashkernel=192M to reserve one)\n");
	else
		printf("region:      0x%llx-0x%llx (%llu MiB)\n",
		       (unsigned long long)r.start, (unsigned long long)r.end,
		       (unsigned long long)(kj_range_size(&r) >> 20));
	kj_iomem_free(iomem);
}

static void print_load(void)
{
	struct kj_load_state st;
	bool loaded = kj_kexec_loaded();

	if (!loaded) {
		printf("loaded:      nothing\n");
		return;
	}
	if (kj_load_state_read(&st)) {
		printf("loaded:      a kexec image kjump did not load\n");
		return;
	}
	printf("loaded:      %s\n", st.kernel);
	printf("initrd:      %s\n", st.initrd);
	printf("entry:       0x%llx (purgatory), B's kernel at 0x%llx\n",
	       (unsigned long long)st.entry, (unsigned long long)st.kernel_entry);
	printf("jumps:       %u\n", st.jumps);
	if (kj_region_overwritten(&st)) {
		printf("next jump:   none: a crash kernel was loaded or unloaded since, into the region,\n"
		       "             perhaps over it (a snapshot starts a new B; 'kjump load --force')\n");
		return;
	}
	if (st.resident && st.jumps) {
		printf("resident:    B waits: a snapshot or hibernation into its target jumps straight\n"
		       "             into it ('kjump unload' ends it)\n");
		return;
	}
	printf("next jump:   %s\n", st.jumps ? "resumes B where it stopped (its re-entry point, kept by the kernel)"
					   : "starts B");
}

/* The slots kjump load --slot filled (/run/kjump/slot-N), and which
 * one is loaded now. */
static void print_slots(void)
{
	struct kj_load_state cur, st;

	if (kj_load_state_read(&cur) || !kj_kexec_loaded())
		cur.slot = 0;
	for (unsigned n = 1; n <= KJ_SLOTS_MAX; n++) {
		if (kj_slot_state_read(n, &st) || !st.slot)
			continue;
		printf("slot %-3u     %s (%llu MiB), %s", n, st.kernel,
		       (unsigned long long)(st.slot_size >> 20),
		       st.jumps ? "has run" : "not started");
		if (st.reentry)
			printf(", stopped at 0x%llx", (unsigned long long)st.reentry);
		else if (st.jumps)
			printf(", where it stopped is not known");
		printf("%s\n", n == cur.slot ? "; loaded now" : "");
	}
}

int cmd_status(int argc, char **argv)
{
	uint64_t entry;
	int ready = 0;

	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			printf("usage: kjump status\n\n"
			       "Says whether hibernation will work on this system, and if not, the\n"
			       "first thing that stops it and what to do: the setup, the kernel,\n"
			       "the region, the image, the initramfs, systemd, the one-boot entry.\n"
			       "Then the region, what is loaded, and the re-entry points known.\n"
			       "Exit status 0 if hibernation will work, 1 if not.\n");
			return 0;
		}
		error("unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	if (kj_own_jump_back_entry(&entry)) {
		ready = status_ready();
		printf("\n");
	}
	if (!kj_own_jump_back_entry(&entry)) {
		printf("role:        B, started by 'kjump load'\n");
		printf("back entry:  0x%llx (the caller's re-entry point; 'kjump back' goes there)\n",
		       (unsigned long long)entry);
	} else {
		printf("role:        a kernel that can load B\n");
	}
	print_region();
	print_load();
	print_slots();
	return ready ? EXIT_FAILED : 0;
}
