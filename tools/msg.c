// SPDX-License-Identifier: GPL-2.0-or-later
/* The command owns stderr: every message has one shape. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tool.h"

bool verbose;
/* Where the library's reports go: stdout, or stderr when stdout carries
 * data (messages_to_stderr()). */
static FILE *info_stream;
/* A progress line is on stderr, without its newline yet. */
static bool progress_shown;

static void say(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	if (progress_shown) {
		fputc('\n', stderr);
		progress_shown = false;
	}
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

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(stderr, "warning: ", fmt, ap);
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

/* The library's messages, in the same shapes as the tool's own. */
static void print(enum kj_print_level level, const char *fmt, va_list ap)
{
	switch (level) {
	case KJ_ERROR:
		say(stderr, "error: ", fmt, ap);
		break;
	case KJ_HINT:
		say(stderr, "hint: ", fmt, ap);
		break;
	case KJ_WARN:
		say(stderr, "warning: ", fmt, ap);
		break;
	case KJ_INFO:
		say(info_stream ? info_stream : stdout, "", fmt, ap);
		break;
	case KJ_DEBUG:
		if (verbose)
			say(stderr, "debug: ", fmt, ap);
		break;
	}
}

void messages_init(void)
{
	kj_set_print(print);
}

void messages_to_stderr(void)
{
	info_stream = stderr;
}

/* On a terminal, one line rewritten at most twice a second. */
static void progress(void *ctx, const struct kj_progress *p)
{
	static double last = -1;
	double mbs = p->seconds > 0 ? (double)p->done * KJ_PAGE_SIZE / 1e6 / p->seconds : 0;

	(void)ctx;
	if (!isatty(STDERR_FILENO) || (last >= 0 && p->seconds - last < 0.5))
		return;
	last = p->seconds;
	fprintf(stderr, "\rkjump: %s: %3.0f%% of %llu MiB, %.0f MB/s, %llu MiB written, ETA %.0f s  ",
		p->what, p->total ? 100.0 * (double)p->done / (double)p->total : 100.0,
		(unsigned long long)(p->total * KJ_PAGE_SIZE >> 20), mbs,
		(unsigned long long)(p->bytes >> 20),
		mbs > 0 ? (double)(p->total - p->done) * KJ_PAGE_SIZE / 1e6 / mbs : 0);
	progress_shown = true;
}

/* The controlling terminal; without one (in an initramfs, where init's
 * children have none), the terminal stdin is, the console there. */
static FILE *open_terminal(void)
{
	FILE *f = fopen("/dev/tty", "r+e");
	const char *name = f || !isatty(STDIN_FILENO) ? NULL : ttyname(STDIN_FILENO);

	return f ? f : name ? fopen(name, "r+e") : NULL;
}

int ask_secret(void *ctx, const char *prompt, char *out, size_t size)
{
	struct termios old, quiet;
	FILE *tty = open_terminal();
	bool noecho;
	int err = 0;

	(void)ctx;
	if (!tty)
		return -ENOTTY;
	setvbuf(tty, NULL, _IONBF, 0);	/* no copy of the answer in stdio's buffer */
	/* quiet before the prompt: what is typed once it shows is kept */
	noecho = !tcgetattr(fileno(tty), &old);
	if (noecho) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	fprintf(tty, "%s", prompt);
	fflush(tty);
	if (!fgets(out, (int)size, tty))
		err = -EIO;
	if (noecho)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fprintf(tty, "\n");
	fclose(tty);
	out[strcspn(out, "\r\n")] = '\0';
	return err;
}

const struct kj_report tool_report = { .progress = progress, .ask = ask_secret };
