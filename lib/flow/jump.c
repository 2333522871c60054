// SPDX-License-Identifier: GPL-2.0-or-later
/* Moving between A and B: jump, jump back, unload. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow/flow.h"

/* The first jump back loads the way back; later ones reuse it (see
 * lib/kexec/jump.c for why they must). */
static int load_way_back(const struct kj_report *r, uint64_t entry)
{
	struct kj_load_state st = { .entry = entry };
	struct kj_vmcore *vc;
	int err;

	if (kj_kexec_loaded() && !kj_load_state_read(&st) && st.entry == entry)
		return 0;
	err = kj_vmcore_open(KJ_VMCORE_PATH, &vc);
	if (err) {
		say_error(r, "cannot open %s: %s", KJ_VMCORE_PATH, strerror(-err));
		say_hint(r, "B needs CONFIG_PROC_VMCORE and elfcorehdr= on its command line");
		return err;
	}
	err = kj_jump_back_load(vc, entry);
	kj_vmcore_close(vc);
	if (err) {
		say_error(r, "cannot load the jump back to 0x%llx: %s",
			  (unsigned long long)entry, strerror(-err));
		return err;
	}
	memset(&st, 0, sizeof(st));
	snprintf(st.kernel, sizeof(st.kernel), "jump back");
	st.entry = entry;
	/* This jump back is sound without the record; only a second one,
	 * loading afresh, would resume A on a dead stack. A frozen A is
	 * worse: go on, and say so. */
	err = kj_load_state_write(&st);
	if (err)
		say_warn(r, "cannot record the jump back under /run/kjump (%s): do not jump back a second time",
			 strerror(-err));
	return 0;
}

int kj_jump_back(const struct kj_report *r)
{
	struct timespec t0;
	uint64_t entry;
	int err = kj_own_jump_back_entry(&entry);

	if (err) {
		say_error(r, "no kexec_jump_back_entry= on /proc/cmdline: this kernel was not started by 'kjump load'");
		return err;
	}
	err = kj_check_jump(r);
	if (!err)
		err = load_way_back(r, entry);
	if (err)
		return err;
	say_info(r, "jumping back to 0x%llx", (unsigned long long)entry);
	sync();
	kj_clock_start(&t0);
	err = kj_kexec_jump();
	if (err) {
		say_error(r, "cannot jump back to 0x%llx: %s",
			  (unsigned long long)entry, strerror(-err));
		return err;
	}
	say_info(r, "resumed after %.3f s away", kj_clock_since(&t0));
	return 0;
}

/* A kernel in a slot came back: where it stopped, so that its load may
 * be unloaded and the kernel resumed later (kj_switch()). */
static void record_reentry(const struct kj_report *r, struct kj_load_state *st)
{
	int err = kj_kexec_image_start(&st->reentry);

	if (err) {
		st->reentry = 0;
		say_warn(r, "cannot read where slot %u's kernel stopped (/proc/kallsyms, /proc/kcore: %s): switching to another slot would lose it",
			 st->slot, strerror(-err));
	}
}

/* A crash kernel went into the region since st's load (check.c). */
static int refuse_overwritten(const struct kj_report *r, const struct kj_load_state *st)
{
	char again[64] = "";

	if (st->slot)
		snprintf(again, sizeof(again), " --slot %u", st->slot);
	say_error(r, "a crash kernel was loaded or unloaded since '%s' was loaded: it went into the region, perhaps over that kernel",
		  st->kernel);
	say_hint(r, "%s'kjump load%s --force' loads it afresh",
		 st->jumps ? "its state cannot be trusted: " : "", again);
	return -ESTALE;
}

static int jump_forward(const struct kj_report *r)
{
	struct kj_load_state st;
	struct timespec t0;
	int err = kj_check_jump(r);

	if (!err)
		err = kj_check_no_crash_kernel(r);
	if (err)
		return err;
	if (!kj_kexec_loaded()) {
		say_error(r, "nothing is loaded to jump to");
		say_hint(r, "run 'kjump load' first");
		return -ENOENT;
	}
	kj_load_state_read(&st);
	if (kj_region_overwritten(&st))
		return refuse_overwritten(r, &st);
	say_info(r, st.jumps ? "jumping to B, where it stopped (jump %u)"
			     : "jumping to B, to start it (jump %u)", st.jumps + 1);
	sync();
	kj_clock_start(&t0);
	err = kj_kexec_jump();
	if (err) {
		say_error(r, "the jump failed: %s", strerror(-err));
		return err;
	}
	st.jumps++;
	if (st.slot)
		record_reentry(r, &st);
	if (kj_load_state_write(&st))
		say_warn(r, "cannot record the jump under /run/kjump: a new 'kjump load' would not know B is waiting");
	say_info(r, "back from B after %.3f s", kj_clock_since(&t0));
	return 0;
}

/* Slot n's kernel where it stopped, or afresh if it has not run. */
static int load_slot(const struct kj_report *r, unsigned n,
		     const struct kj_load_state *slot)
{
	struct kj_load_state st = *slot;
	struct kj_load_opts o = {
		.kernel = slot->kernel, .initrd = slot->initrd,
		.append = *slot->append ? slot->append : NULL,
		.slot = n, .slot_size = slot->slot_size, .report = r,
	};
	int err;

	if (!slot->reentry)
		return kj_load(&o);
	err = kj_jump_back_load_mapped(slot->reentry);
	if (err) {
		say_error(r, "cannot load the way into slot %u's kernel at 0x%llx: %s", n,
			  (unsigned long long)slot->reentry, strerror(-err));
		return err;
	}
	st.entry = slot->reentry;
	return kj_load_state_write(&st);
}

/* The load now in place may go: a slot's kernel that ran and stopped
 * where we know, or one that has not run (it will start afresh). */
static int may_unload(const struct kj_report *r, const struct kj_load_state *cur)
{
	if (!kj_kexec_loaded())
		return 0;
	if (!cur->slot) {
		say_error(r, "'%s' is loaded outside the slots: switching would lose it",
			  cur->kernel);
		say_hint(r, "'kjump unload' it first, or load kernels with 'kjump load --slot N'");
		return -EBUSY;
	}
	if (cur->jumps && !cur->reentry) {
		say_error(r, "slot %u's kernel has run, and where it stopped is not known: switching would lose it",
			  cur->slot);
		return -EBUSY;
	}
	return 0;
}

int kj_switch(unsigned n, const struct kj_report *r)
{
	struct kj_load_state cur = { 0 }, slot;
	int err = kj_check_jump(r);

	if (err)
		return err;
	if (!n || n > KJ_SLOTS_MAX || kj_slot_state_read(n, &slot) || !slot.slot) {
		say_error(r, "nothing was loaded into slot %u", n);
		say_hint(r, "load a kernel there with 'kjump load --slot %u'", n);
		return -ENOENT;
	}
	kj_load_state_read(&cur);
	if (!kj_kexec_loaded() || cur.slot != n) {
		err = may_unload(r, &cur);
		if (!err && kj_kexec_loaded())
			err = kj_kexec_unload();
		if (!err)
			err = load_slot(r, n, &slot);
		if (err)
			return err;
	}
	return jump_forward(r);
}

int kj_jump(const struct kj_report *r)
{
	uint64_t entry;

	return kj_own_jump_back_entry(&entry) ? jump_forward(r) : kj_jump_back(r);
}

int kj_unload(const struct kj_report *r)
{
	int err = kj_check_jump(r);

	if (err)
		return err;
	err = kj_kexec_unload();
	if (err) {
		say_error(r, "cannot unload: %s", strerror(-err));
		return err;
	}
	kj_load_state_remove();
	say_info(r, "unloaded");
	return 0;
}
