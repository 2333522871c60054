/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the files of the kjump command; not part of libkjump. */
#ifndef KJ_TOOL_H
#define KJ_TOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "kjump.h"

/* Exit codes: 0 done, 1 failed, 2 bad usage. */
enum { EXIT_FAILED = 1, EXIT_USAGE = 2 };

extern bool verbose;

__attribute__((format(printf, 1, 2))) void error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void hint(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void note(const char *fmt, ...);

/* Reports what getopt_long() returned c for: ':' or '?' at arg. */
void bad_option(const char *command, int c, const char *arg);

/* Parses a physical address or size: decimal, 0x hex, K/M/G suffix. */
int parse_u64(const char *s, uint64_t *out);

/* Reads a whole regular file; prints the error itself. */
int read_file(const char *path, void **buf, size_t *size, uint64_t max);

/* Checks root and kexec_load permission; prints what is wrong. */
int require_kexec_jump(void);

int cmd_call(int argc, char **argv);

#endif
