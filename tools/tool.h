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

struct option;
/* getopt_long() with the messages left to bad_option(): returns ':' for a
 * missing value, '?' for an unknown option, -1 at the end. */
int next_option(int argc, char **argv, const struct option *opts);

/* Reports what getopt_long() returned c for: ':' or '?' at arg. */
void bad_option(const char *command, int c, const char *arg);

/* Parses a physical address or size: decimal, 0x hex, K/M/G suffix. */
int parse_u64(const char *s, uint64_t *out);

/* Reads a whole regular file; prints the error itself. */
int read_file(const char *path, void **buf, size_t *size, uint64_t max);

/* Checks root and kexec_load permission; prints what is wrong. */
int require_kexec_jump(void);

/* What kjump remembers about its load (tools/state.c). */
struct load_state {
	char kernel[2048];
	char initrd[2048];
	uint64_t entry;
	uint64_t kernel_entry;
	unsigned int jumps;
};

int state_write(const struct load_state *st);
int state_read(struct load_state *st);
void state_remove(void);
bool kexec_loaded(void);
int own_jump_back_entry(uint64_t *entry);

/* Wall time across jumps: start_clock(), then seconds_since(). */
struct timespec;
void start_clock(struct timespec *t0);
double seconds_since(const struct timespec *t0);

/* kjump load's options, shared with the commands that load B themselves. */
struct load_opts {
	const char *kernel;
	const char *initrd;
	const char *append;
	bool dry_run;
	bool force;
	bool restore;			/* load R, see struct kj_load_input */
	/* Called with the plan before anything is loaded; non-zero stops. */
	int (*check)(void *ctx, const struct kj_load_plan *plan);
	void *check_ctx;
	char kernel_buf[512];
	char append_buf[1024];
};

void load_defaults(struct load_opts *o);
const char *default_append(char *buf, size_t size);
/* Loads B as o says; prints what went wrong. 0 or a negative errno. */
int load_b(const struct load_opts *o);

int cmd_call(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_jump(int argc, char **argv);
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
int cmd_resume(int argc, char **argv);
int cmd_restore(int argc, char **argv);


/* Drops clean page cache, dentries and inodes (smaller images). */
int drop_caches(void);
/* /dev/NAME of the block device holding path; false if unknown. */
bool device_of(const char *path, char *out, size_t size);

/* The command line for a kernel kjump starts with a task for its
 * initramfs: this kernel's consoles, kjump.action=, kjump.image=,
 * kjump.compress= (if not NULL) and kjump.extents=. Returns its length
 * (>= size if it did not fit). */
size_t action_append(char *buf, size_t size, const char *action,
		     const char *image, const char *compress,
		     const struct kj_extents *x);

/* Reads an extent map file for --extents; prints what is wrong. */
int read_extents(const char *path, struct kj_extents *x);

#endif
