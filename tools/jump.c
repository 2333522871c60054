// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump jump, back, unload: moving between the running kernel and B
 * (lib/flow/jump.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

/* Commands without options: only --help. */
static int no_args(int argc, char **argv, const char *usage)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return -1;
	}
	if (argc > 1) {
		error("unexpected argument '%s'", argv[1]);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_jump(int argc, char **argv)
{
	int r = no_args(argc, argv,
			"usage: kjump jump\n\n"
			"Jumps to what 'kjump load' loaded: B's start the first time, then B\n"
			"where it stopped. Returns when B jumps back. In B, the same as\n"
			"'kjump back'.\n");

	if (r)
		return r < 0 ? 0 : r;
	return kj_jump(&tool_report) ? EXIT_FAILED : 0;
}

int cmd_back(int argc, char **argv)
{
	int r = no_args(argc, argv,
			"usage: kjump back\n\n"
			"In B: jumps back to the kernel that started it, to the re-entry point\n"
			"on /proc/cmdline (kexec_jump_back_entry=). Returns when that kernel\n"
			"jumps to B again.\n");

	if (r)
		return r < 0 ? 0 : r;
	return kj_jump_back(&tool_report) ? EXIT_FAILED : 0;
}

int cmd_unload(int argc, char **argv)
{
	int r = no_args(argc, argv,
			"usage: kjump unload\n\nUnloads what 'kjump load' loaded.\n");

	if (r)
		return r < 0 ? 0 : r;
	return kj_unload(&tool_report) ? EXIT_FAILED : 0;
}

static const char switch_usage[] =
	"usage: kjump switch N\n"
	"       kjump switch        (in a kernel kjump started: kjump back)\n\n"
	"Goes to the kernel in slot N (see 'kjump load --slot'): where it\n"
	"stopped, or to start it if it has not run. Returns when that kernel\n"
	"runs 'kjump back'. Whatever is loaded now is unloaded first: a slot's\n"
	"kernel keeps its own memory, and kjump knows where it stopped.\n";

int cmd_switch(int argc, char **argv)
{
	uint64_t entry;
	unsigned long n;
	char *end;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(switch_usage, stdout);
		return 0;
	}
	if (argc == 1 && !kj_own_jump_back_entry(&entry))
		return kj_jump_back(&tool_report) ? EXIT_FAILED : 0;
	if (argc != 2) {
		error(argc < 2 ? "no slot to switch to" : "too many arguments");
		fputs(switch_usage, stderr);
		return EXIT_USAGE;
	}
	errno = 0;
	n = strtoul(argv[1], &end, 10);
	if (errno || *end || !n || n > KJ_SLOTS_MAX) {
		error("bad slot '%s'", argv[1]);
		hint("slots are numbered from 1 to %d: kjump switch 2", KJ_SLOTS_MAX);
		return EXIT_USAGE;
	}
	return kj_switch((unsigned)n, &tool_report) ? EXIT_FAILED : 0;
}
