// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump: the command. Dispatches to one function per subcommand. */
#include <stdio.h>
#include <string.h>

#include "tool.h"

#ifndef KJUMP_VERSION
#define KJUMP_VERSION "unknown"
#endif

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "snapshot", cmd_snapshot, "save this system's memory into an image, and go on" },
	{ "hibernate", cmd_hibernate, "save this system's memory into an image, and power off" },
	{ "resident", cmd_resident, "start B now and keep it waiting: faster snapshots and hibernations" },
	{ "resume", cmd_resume, "resume a hibernated system from its image" },
	{ "restore", cmd_restore, "in R: write an image back and jump into it" },
	{ "boot", cmd_boot, "in kjump's initramfs: do the task on the command line" },
	{ "load", cmd_load, "load kernel B into the reserved region" },
	{ "jump", cmd_jump, "jump to B (or, in B, back)" },
	{ "switch", cmd_switch, "go to the kernel in slot N, where it stopped" },
	{ "back", cmd_back, "in B: jump back to the kernel that started it" },
	{ "unload", cmd_unload, "unload B" },
	{ "setup", cmd_setup, "make this system hibernate through kjump (systemd, GRUB)" },
	{ "status", cmd_status, "whether hibernation works, and if not why; what is loaded" },
	{ "vmcore", cmd_vmcore, "in B: show or read the caller's memory" },
	{ "save", cmd_save, "in B: save the caller's memory into an image" },
	{ "verify", cmd_verify, "check every checksum of an image" },
	{ "info", cmd_info, "show an image's header" },
	{ "export", cmd_export, "write an image as an ELF core file" },
	{ "extents", cmd_extents, "where a file lies on its device, for save --extents" },
	{ "call", cmd_call, "call a flat binary in physical mode and come back" },
	{ "bios", cmd_bios, "call the BIOS from Linux: bios e820 reads its memory map" },
	{ "key", cmd_key, "the key pair of encrypted images: new, show, check" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: kjump [-v] COMMAND [ARGS]\n\n"
		   "kexec-jump based hibernation and kernel switching.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\noptions:\n"
		   "  -v, --verbose  say more about what is done (the library's debug messages)\n"
		   "  -h, --help     show this help; kjump COMMAND --help for one command\n"
		   "  --version      show the version\n");
}

int main(int argc, char **argv)
{
	int i = 1;

	messages_init();
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("kjump %s\n", KJUMP_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose = true;
			continue;
		}
		error("unknown option '%s'", argv[i]);
		hint("see 'kjump --help'");
		return EXIT_USAGE;
	}
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].run(argc - i, argv + i);
	error("unknown command '%s'", argv[i]);
	hint("see 'kjump --help'");
	return EXIT_USAGE;
}
