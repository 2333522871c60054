// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump boot: in kjump's initramfs, the task on the kernel command line
 * (kj_boot_task(), lib/flow/boot.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char usage[] =
	"usage: kjump boot [--cmdline TEXT]\n\n"
	"In kjump's initramfs: does what the kernel command line (/proc/cmdline,\n"
	"or TEXT) asks. In B, started by 'kjump snapshot' or 'kjump hibernate'\n"
	"(kjump.action=, kjump.image=...): saves the caller, then powers off or\n"
	"jumps back. In R (kjump.action=restore): restores the image and jumps\n"
	"into it, or reboots. In a normal boot with kjump.resume=DEV: resumes\n"
	"the system hibernated into DEV if it can be. Returns when the boot\n"
	"should go on (exit 0 if nothing was asked, 1 if a resume failed).\n";

static char *own_cmdline(void)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f || getline(&line, &cap, f) < 0) {
		error("cannot read /proc/cmdline: %s", strerror(f ? EIO : errno));
		free(line);
		line = NULL;
	}
	if (f)
		fclose(f);
	return line;
}

int cmd_boot(int argc, char **argv)
{
	char *cmdline = NULL;
	int err;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--cmdline")) {
		cmdline = strdup(argv[2]);
	} else if (argc != 1) {
		error("unexpected argument '%s'", argv[1]);
		fputs(usage, stderr);
		return EXIT_USAGE;
	} else {
		cmdline = own_cmdline();
	}
	if (!cmdline)
		return EXIT_FAILED;
	err = kj_boot_task(cmdline, &tool_report);
	free(cmdline);
	return err ? EXIT_FAILED : 0;
}
