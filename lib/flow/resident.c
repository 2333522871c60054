// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A resident B, in A. 'kjump resident' loads B for one target and starts
 * it: B boots, loads its way back and comes back at once (kj_boot_task,
 * kjump.action=resident). Snapshots and hibernations into that target
 * then jump straight into the waiting B, their task in the target's stamp
 * (lib/flow/hibernate.c): no boot of B in them.
 *
 * That rests on B's map: B is told A's RAM as ACPI data, so its jump back
 * swaps nothing of A's and A's control page in memory is always the
 * newest, as B's core shows it at every task (lib/kexec/jump.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow/target.h"

/* The words of B's command line that name its target: a later task is
 * for this B only if they are the same. */
static uint64_t target_sum(const struct kj_target_dev *t, char *buf, size_t size,
			   size_t *len)
{
	*len = kj_task_cmdline(buf, size, "resident", t->device, NULL, &t->ext);
	return *len < size ? kj_checksum(buf, *len) : 0;
}

bool kj_resident_for(const struct kj_target_dev *t, char stamp[33],
		     const struct kj_report *r)
{
	struct kj_load_state st;
	char buf[2048];
	size_t len;
	uint64_t sum = target_sum(t, buf, sizeof(buf), &len);

	if (!sum || !kj_kexec_loaded() || kj_load_state_read(&st) ||
	    st.resident != sum || !st.jumps || strlen(st.stamp) != 32)
		return false;
	if (kj_region_overwritten(&st)) {
		/* the load below replaces it (with force) */
		say_warn(r, "a crash kernel was loaded or unloaded since B became resident: it went into the region, perhaps over B; starting a new B for this one");
		return false;
	}
	memcpy(stamp, st.stamp, 33);
	return true;
}

void kj_resident_entered(void)
{
	struct kj_load_state st;

	if (!kj_load_state_read(&st)) {
		st.jumps++;
		kj_load_state_write(&st);
	}
}

/* Loads B with its target and stamp; records it as resident. */
static int load(const struct kj_hibernate_opts *o, const struct kj_target_dev *t)
{
	struct kj_load_state st;
	char append[2048], stamp[33];
	struct kj_flow_load l = { .o = {
		.kernel = o->kernel, .initrd = o->initrd, .append = append,
		.report = o->report, .force = true,
	}, .saver = true };
	size_t n;
	uint64_t sum = target_sum(t, append, sizeof(append), &n);
	int err = kj_stamp_new(stamp);

	if (err || !sum || n + 50 > sizeof(append)) {
		say_error(o->report, "cannot start a resident B for '%s': %s", o->image,
			  err ? strerror(-err) : "its target is in too many pieces");
		return err ? err : -E2BIG;
	}
	snprintf(append + n, sizeof(append) - n, " kjump.stamp=%s", stamp);
	err = kj_flow_load(&l);
	if (err)
		return err;
	if (kj_load_state_read(&st))
		memset(&st, 0, sizeof(st));
	st.resident = sum;
	memcpy(st.stamp, stamp, sizeof(stamp));
	err = kj_load_state_write(&st);
	if (err) {
		say_error(o->report, "cannot record the resident B under /run/kjump: %s",
			  strerror(-err));
		kj_kexec_unload();
	}
	return err;
}

int kj_resident(const struct kj_hibernate_opts *o)
{
	const struct kj_report *r = o->report;
	struct kj_target_dev t = { .claim_fd = -1 };
	struct timespec t0;
	int err = kj_check_jump(r);

	if (!err)
		err = kj_target_resolve(r, o->image, o->size, &t);
	if (!err)
		err = load(o, &t);
	/* B waits without holding the target; each task claims it anew */
	kj_target_release(&t);
	if (err)
		return err;
	say_info(r, "starting B: it boots once, then waits for snapshots and hibernations into '%s'",
		 o->image);
	sync();
	kj_clock_start(&t0);
	err = kj_kexec_jump();
	if (err) {
		say_error(r, "the jump to B failed: %s", strerror(-err));
		kj_kexec_unload();
		kj_load_state_remove();
		return err;
	}
	kj_resident_entered();
	say_info(r, "B is resident: it booted and came back in %.2f s", kj_clock_since(&t0));
	return 0;
}
