/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the files of the kjump command; not part of libkjump. */
#ifndef KJ_TOOL_H
#define KJ_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kjump.h"

/* Exit codes: 0 done, 1 failed, 2 bad usage. */
enum { EXIT_FAILED = 1, EXIT_USAGE = 2 };

extern bool verbose;

__attribute__((format(printf, 1, 2))) void error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void hint(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void warning(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void note(const char *fmt, ...);

struct option;
/* getopt_long() with the messages left to bad_option(): returns ':' for a
 * missing value, '?' for an unknown option, -1 at the end. */
int next_option(int argc, char **argv, const struct option *opts);

/* Reports what getopt_long() returned c for: ':' or '?' at arg. */
void bad_option(const char *command, int c, const char *arg);

/* Parses a physical address or size: decimal, 0x hex, K/M/G suffix. */
int parse_u64(const char *s, uint64_t *out);

/* Checks --compress ALG (kj_compressor_parse()) into o, if not NULL;
 * prints what is wrong. */
int compress_option(const char *arg, struct kj_save_core_opts *o);

/* Where the flows report: the messages above, and progress on stderr. */
extern const struct kj_report tool_report;
/* One line from the terminal (else the console), not echoed; -ENOTTY if
 * there is neither. As kj_report's ask. */
int ask_secret(void *ctx, const char *prompt, char *out, size_t size);
/* Sends the library's messages to the ones above (-v: its debug ones). */
void messages_init(void);
/* The library's reports to stderr: stdout carries a command's data. */
void messages_to_stderr(void);

int cmd_call(int argc, char **argv);
int cmd_bios(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_jump(int argc, char **argv);
int cmd_switch(int argc, char **argv);
int cmd_back(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_vmcore(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_extents(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_hibernate(int argc, char **argv);
int cmd_resident(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_boot(int argc, char **argv);
int cmd_setup(int argc, char **argv);
int cmd_key(int argc, char **argv);

/* Writes x as 'kjump extents' prints it: a comment line, then one
 * "OFFSET LENGTH" line an extent. */
void print_extents(FILE *f, const char *path, const char *dev,
		   const struct kj_extents *x);
/* Reads an extent map file for --extents; prints what is wrong. */
int read_extents(const char *path, struct kj_extents *x);

#endif
