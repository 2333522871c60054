/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/flow: the flows, private helpers. */
#ifndef KJ_FLOW_H
#define KJ_FLOW_H

#include <time.h>

#include "common/internal.h"
#include "core/core.h"
#include "image/image.h"
#include "kexec/kexec.h"
#include "loader/loader.h"
#include "machine/machine.h"
#include "restore/restore.h"
#include "save/save.h"

/* Sends a message to r's print callback, or to kj_set_print()'s. */
__attribute__((format(printf, 3, 4)))
void kj_say(const struct kj_report *r, enum kj_print_level level,
	    const char *fmt, ...);

#define say_error(r, ...) kj_say(r, KJ_ERROR, __VA_ARGS__)
#define say_hint(r, ...)  kj_say(r, KJ_HINT, __VA_ARGS__)
#define say_warn(r, ...)  kj_say(r, KJ_WARN, __VA_ARGS__)
#define say_info(r, ...)  kj_say(r, KJ_INFO, __VA_ARGS__)
#define say_debug(r, ...) kj_say(r, KJ_DEBUG, __VA_ARGS__)

/* Wall time across jumps: CLOCK_BOOTTIME goes on while this kernel is
 * frozen in a jump (CLOCK_MONOTONIC would leave out the other kernel). */
void kj_clock_start(struct timespec *t0);
double kj_clock_since(const struct timespec *t0);

/* The load state file (/run/kjump/loaded). */
int kj_load_state_write(const struct kj_load_state *st);
void kj_load_state_remove(void);

/* A load of B or R, as the flows make it. */
struct kj_flow_load {
	struct kj_load_opts o;
	bool restore;			/* R: see struct kj_load_input */
	bool saver;			/* B is to save: it needs room for that */
	bool dry_run;
	/* Plan as if this region were reserved (NULL: the one that is). */
	const struct kj_range *region;
	/* Appended to the initramfs (a cpio archive, for files that must
	 * be nowhere but in the loaded kernel's memory); wiped after. */
	const uint8_t *initrd_extra;
	size_t initrd_extra_size;
	/* Called with the plan before anything is loaded; non-zero stops. */
	int (*check)(void *ctx, const struct kj_load_plan *plan);
	void *check_ctx;
};

int kj_flow_load(const struct kj_flow_load *l);

/* A cpio archive (newc) of one regular file, name without a leading
 * slash, at out: its length, or 0 if it does not fit in size. */
size_t kj_cpio_file(uint8_t *out, size_t size, const char *name,
		    const void *data, size_t len, unsigned mode);
/* Plans l as kj_flow_load() would and loads nothing; the caller releases
 * plan and sys, also on error. */
int kj_flow_dry_run(const struct kj_flow_load *l, struct kj_load_plan *plan,
		    struct kj_system *sys);

/* B and R talk on this kernel's consoles and drive the machine as it
 * does: its arguments that kj_cmdline_inherit() keeps, into buf. */
const char *kj_machine_append(char *buf, size_t size);

/* -EBUSY, reported, if a crash kernel is loaded: B runs in its region
 * (check.c says how it would be lost). */
int kj_check_no_crash_kernel(const struct kj_report *r);

/* B's and R's command line: A's machine options, quiet, and the task for
 * kjump's initramfs (kjump.action=, kjump.image=, kjump.compress= if not
 * NULL, kjump.extents=). Returns its length, >= size if it did not fit. */
size_t kj_task_cmdline(char *buf, size_t size, const char *action,
		       const char *image, const char *compress,
		       const struct kj_extents *x);

/* How many threads of per_thread bytes fit in available bytes, less a
 * reserve for the rest of the kernel; at most cpus. */
unsigned kj_threads_fit(uint64_t available, size_t per_thread, unsigned cpus);
/* The same for this kernel (MemAvailable, online CPUs); says so when it
 * is fewer than the CPUs, -ENOMEM (reported) when not even one fits. */
int kj_threads_for(const struct kj_report *r, const char *what,
		   size_t per_thread, unsigned *threads);

/* Refuses (-ENOSPC, reported) a region too small for B to save with one
 * thread; says so when it cannot give every CPU a thread. */
int kj_check_save_budget(const struct kj_report *r, const struct kj_load_plan *p,
			 const struct kj_system *sys);

/* Flushes everything to disk and then powers off or reboots. */
void kj_power_off(void);
void kj_reboot(void);

/*
 * In B: loads a jump back to entry, with a segment that keeps the caller's
 * control page identity-mapped and holding what it holds now (read from
 * the core). Load it once and jump with kj_kexec_jump() as often as needed:
 * after each return the kernel keeps the caller's newest control page in
 * the loaded image, and a second load would lose it.
 */
int kj_jump_back_load(const struct kj_vmcore *vc, uint64_t entry);

#endif
