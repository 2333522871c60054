// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump call FILE [--at ADDR] [--in FILE] [--out FILE] [--arg VALUE]...:
 * run a flat binary in physical mode (kj_call_file(), lib/flow/call.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

struct call_args {
	struct kj_call_opts o;
	uint64_t at;
	const char *out;
};

static void call_usage(FILE *f)
{
	fprintf(f,
		"usage: kjump call FILE [--at ADDR] [--in FILE] [--out FILE] [--arg VALUE]...\n\n"
		"Loads FILE, a flat binary, with a preserve-context kexec and calls it\n"
		"in physical mode: 64-bit, identity-mapped, interrupts off, entered at\n"
		"its first byte with a parameter block in rdi (doc/call.md). When it\n"
		"returns, the system resumes its devices and processes and goes on;\n"
		"kjump reports the value it returned and writes its output.\n\n"
		"options:\n"
		"  --in FILE    give the payload FILE as its input (16 MiB at most)\n"
		"  --out FILE   write the payload's output to FILE (default: stdout)\n"
		"  --arg VALUE  one argument for the payload, a number (decimal, 0x hex,\n"
		"               K/M/G); give it up to %d times\n"
		"  --at ADDR    load at physical address ADDR (page aligned, System RAM);\n"
		"               default: the start of the crashkernel= region\n"
		"  -h, --help   show this help\n",
		KJ_CALL_MAX_ARGS);
}

static int add_arg(struct kj_call_opts *o, const char *s)
{
	if (o->nargs == KJ_CALL_MAX_ARGS) {
		error("more than %d --arg values", KJ_CALL_MAX_ARGS);
		hint("pass more through --in");
		return EXIT_USAGE;
	}
	if (parse_u64(s, &o->args[o->nargs])) {
		error("bad value '%s' for --arg", s);
		hint("give a number: 42, 0x2a or 4K");
		return EXIT_USAGE;
	}
	o->nargs++;
	return 0;
}

static int parse_option(int c, struct call_args *a)
{
	switch (c) {
	case 'a':
		if (parse_u64(optarg, &a->at)) {
			error("bad address '%s' for --at", optarg);
			hint("give it in hex, like --at 0x20000000");
			return EXIT_USAGE;
		}
		a->o.at = &a->at;
		return 0;
	case 'i':
		a->o.in_file = optarg;
		return 0;
	case 'o':
		a->out = optarg;
		return 0;
	case 'g':
		return add_arg(&a->o, optarg);
	case 'h':
		call_usage(stdout);
		return -1;
	}
	return EXIT_USAGE;
}

static int parse_call_args(int argc, char **argv, struct call_args *a)
{
	static const struct option opts[] = {
		{ "at", required_argument, NULL, 'a' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "arg", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, r;

	while ((c = next_option(argc, argv, opts)) != -1) {
		if (c == ':' || c == '?') {
			bad_option("call", c, argv[optind - 1]);
			return EXIT_USAGE;
		}
		r = parse_option(c, a);
		if (r)
			return r;
	}
	if (optind != argc - 1) {
		error(optind == argc ? "no file to call" : "too many arguments");
		call_usage(stderr);
		return EXIT_USAGE;
	}
	a->o.file = argv[optind];
	return 0;
}

/* The output to path, or to stdout. */
static int write_output(const char *path, const struct kj_call_result *res)
{
	FILE *f = path ? fopen(path, "wb") : stdout;

	if (!f) {
		error("cannot create '%s': %s", path, strerror(errno));
		hint("the call itself ran: its output is lost; call it again with another --out");
		return EXIT_FAILED;
	}
	if (fwrite(res->out, 1, res->out_len, f) != res->out_len ||
	    (path ? fclose(f) : fflush(f))) {
		error("cannot write the output to %s: %s", path ? path : "stdout",
		      strerror(errno));
		return EXIT_FAILED;
	}
	if (path)
		fprintf(stderr, "kjump: %zu bytes of output written to %s\n",
			res->out_len, path);
	return 0;
}

int cmd_call(int argc, char **argv)
{
	struct call_args a = { .o = { .report = &tool_report } };
	struct kj_call_result *res;
	int r = parse_call_args(argc, argv, &a);

	if (r)
		return r < 0 ? 0 : r;
	res = calloc(1, sizeof(*res));
	if (!res) {
		error("out of memory");
		return EXIT_FAILED;
	}
	if (!a.out)
		messages_to_stderr();
	r = kj_call_file(&a.o, res) ? EXIT_FAILED : 0;
	if (!r) {
		/* stderr: stdout may carry the output */
		fprintf(stderr, "kjump: the payload returned 0x%llx (%lld)\n",
			(unsigned long long)res->status, (long long)res->status);
		r = write_output(a.out, res);
	}
	free(res);
	return r;
}
