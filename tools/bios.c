// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump bios e820: the BIOS's memory map, read in real mode from Linux
 * (kj_bios_e820(), physcall/e820.S), beside /sys/firmware/memmap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static void bios_usage(FILE *f)
{
	fprintf(f,
		"usage: kjump bios CALL\n\n"
		"Calls the legacy BIOS from the running system: kjump leaves long mode\n"
		"through a trampoline in low memory, makes the call in real mode, and\n"
		"comes back, as `kjump call` does for a payload (doc/call.md).\n"
		"A machine booted through UEFI has no legacy BIOS to call.\n\n"
		"calls:\n"
		"  e820        INT 15h, AX=E820h: the firmware's memory map, shown\n"
		"              beside /sys/firmware/memmap, which Linux keeps from boot\n\n"
		"options:\n"
		"  -h, --help  show this help\n");
}

static void type_text(uint32_t type, char *buf, size_t size)
{
	const char *name = kj_e820_type_name(type);

	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "type %u", type);
}

static bool same(const struct kj_bios_e820 *b, const struct kj_e820_entry *f)
{
	return b->length && b->base == f->range.start &&
	       b->base + b->length - 1 == f->range.end && b->type == f->type;
}

/* One line: the BIOS's entry i and the firmware map's, and whether they
 * are the same. */
static void print_row(const struct kj_bios_e820 *b, const struct kj_e820_entry *f)
{
	char tb[32] = "", tf[32] = "";
	char left[96] = "", right[96] = "";

	if (b) {
		type_text(b->type, tb, sizeof(tb));
		snprintf(left, sizeof(left), "0x%016llx-0x%016llx %s",
			 (unsigned long long)b->base,
			 (unsigned long long)(b->base + b->length - 1), tb);
	}
	if (f) {
		type_text(f->type, tf, sizeof(tf));
		snprintf(right, sizeof(right), "0x%016llx-0x%016llx %s",
			 (unsigned long long)f->range.start,
			 (unsigned long long)f->range.end, tf);
	}
	printf("%-64s | %-64s | %s\n", left, right,
	       b && f && same(b, f) ? "same" : "differs");
}

static int show_e820(void)
{
	struct kj_bios_e820 *e;
	struct kj_system sys;
	size_t n, rows, differ = 0;
	int err = kj_bios_e820(&tool_report, &e, &n);

	if (err)
		return EXIT_FAILED;
	memset(&sys, 0, sizeof(sys));
	err = kj_system_read(&sys);
	if (err)
		error("cannot read the firmware map Linux keeps: %s", strerror(-err));
	rows = n > sys.nfw ? n : sys.nfw;
	printf("%-64s | %s\n", "the BIOS (INT 15h, AX=E820h)", "/sys/firmware/memmap");
	for (size_t i = 0; i < rows; i++) {
		const struct kj_bios_e820 *b = i < n ? &e[i] : NULL;
		const struct kj_e820_entry *f = i < sys.nfw ? &sys.fw[i] : NULL;

		print_row(b, f);
		differ += !(b && f && same(b, f));
	}
	printf("kjump: %zu entries from the BIOS, %zu in /sys/firmware/memmap: %s\n",
	       n, sys.nfw, differ ? "they differ" : "the same");
	free(e);
	kj_system_release(&sys);
	return err ? EXIT_FAILED : 0;
}

int cmd_bios(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		bios_usage(stdout);
		return 0;
	}
	if (argc != 2) {
		error(argc < 2 ? "no BIOS call given" : "too many arguments");
		hint("the calls kjump knows: e820 (kjump bios e820)");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "e820"))
		return show_e820();
	error("unknown BIOS call '%s'", argv[1]);
	hint("the calls kjump knows: e820 (kjump bios e820)");
	return EXIT_USAGE;
}
