/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/kexec: kexec_load and its jumps, private to lib/ and unit tests. */
#ifndef KJ_KEXEC_H
#define KJ_KEXEC_H

#include "common/internal.h"

/* Why this system cannot kexec-jump, as found by kj_kexec_check(). */
enum kj_kexec_denial {
	KJ_KEXEC_ALLOWED,
	KJ_KEXEC_NOT_ROOT,	/* no CAP_SYS_BOOT */
	KJ_KEXEC_NO_KEXEC,	/* kernel built without CONFIG_KEXEC */
	KJ_KEXEC_NO_JUMP,	/* kernel built without CONFIG_KEXEC_JUMP */
	KJ_KEXEC_LOCKED_DOWN,	/* kernel lockdown forbids kexec_load */
	KJ_KEXEC_DISABLED,	/* kernel.kexec_load_disabled = 1 */
	KJ_KEXEC_REFUSED,	/* an LSM or the load limit said no */
	KJ_KEXEC_BLOCKED,	/* a seccomp filter hides kexec_load */
};

/*
 * Finds out, without loading or unloading anything, whether a
 * preserve-context kexec_load would be accepted, and if not, why.
 */
int kj_kexec_check(enum kj_kexec_denial *why);

/* Loads segments with KEXEC_PRESERVE_CONTEXT, entry at physical entry. */
int kj_kexec_load_jump(uint64_t entry, const struct kj_segment *segs,
		       size_t nr);
/* Loads segments for a plain kexec: the caller does not come back. */
int kj_kexec_load_plain(uint64_t entry, const struct kj_segment *segs,
			size_t nr);
/* Unloads whatever kexec image is loaded. */
int kj_kexec_unload(void);
/* Loads segments as the kernel to boot on a panic: the kernel copies them
 * into the crashkernel region at once. With kj_kexec_unload_crash() right
 * after, the bytes stay there and nothing is loaded. */
int kj_kexec_load_crash(uint64_t entry, const struct kj_segment *segs,
			size_t nr);
int kj_kexec_unload_crash(void);
/* Jumps to the loaded image, once this process's terminals and the console
 * have sent what was written to them (at most 2 s). Returns 0 once the
 * system is back. */
int kj_kexec_jump(void);

/* The lockdown mode in the text of /sys/kernel/security/lockdown. */
enum kj_lockdown {
	KJ_LOCKDOWN_UNKNOWN,
	KJ_LOCKDOWN_NONE,
	KJ_LOCKDOWN_INTEGRITY,
	KJ_LOCKDOWN_CONFIDENTIALITY,
};

enum kj_lockdown kj_lockdown_parse(const char *text);

/* The kexec_jump_back_entry= value on a command line; -ENOENT if none. */
int kj_jump_back_entry(const char *cmdline, uint64_t *entry);

/* Loads a jump back to entry, whose control page holds page now: a
 * segment over it makes the kernel identity-map it (lib/kexec/jump.c).
 * B reads the page from its core, R from the memory it has restored. */
int kj_jump_back_load_page(uint64_t entry, const void *page);
/* The same for a kernel that never comes back (R): a plain load, and
 * reboot(LINUX_REBOOT_CMD_KEXEC) shuts this kernel down and jumps. */
int kj_jump_back_load_final(uint64_t entry, const void *page);
/* Loads a jump back to entry in a kernel whose identity map covers the
 * caller's control page already: its one segment is over page 0. */
int kj_jump_back_load_mapped(uint64_t entry);

/* On the command line of a kernel loaded into a slot: the part of the
 * slot its load used (lib/loader/plan.c writes it). */
#define KJ_KEEP_KEY "kjump.keep="

/* The kjump.keep=0xSTART-0xEND on a command line (a kernel loaded into a
 * slot: the part of the slot its load used); -ENOENT if none. */
int kj_keep_range(const char *cmdline, struct kj_range *keep);
/* As kj_jump_back_load_mapped(), for a kernel in a slot: data-less
 * segments over the low ranges and keep, so that this kernel's jump swaps
 * its own pages there into its own memory (the image's source pages) and
 * the caller may unload the load that brought it (design section 12). */
int kj_jump_back_load_keeping(uint64_t entry, const struct kj_range *low,
			      size_t nlow, const struct kj_range *keep);

#endif
