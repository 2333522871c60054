// SPDX-License-Identifier: GPL-2.0-or-later
/* The command owns stderr: every message has one shape. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "tool.h"

bool verbose;

static void say(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	fprintf(f, "kjump: %s", prefix);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

void error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(stderr, "error: ", fmt, ap);
	va_end(ap);
}

void hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(stderr, "hint: ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(stdout, "", fmt, ap);
	va_end(ap);
}

void bad_option(const char *command, int c, const char *arg)
{
	if (c == ':')
		error("option '%s' needs a value", arg);
	else
		error("unknown option '%s' for 'kjump %s'", arg, command);
	hint("see 'kjump %s --help'", command);
}

int next_option(int argc, char **argv, const struct option *opts)
{
	opterr = 0;
	return getopt_long(argc, argv, ":h", opts, NULL);
}
