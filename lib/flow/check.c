// SPDX-License-Identifier: GPL-2.0-or-later
/* Can this system kexec-jump? If not, why, and what to do. */
#include <errno.h>
#include <string.h>

#include "flow/flow.h"

static void explain(const struct kj_report *r, enum kj_kexec_denial why)
{
	switch (why) {
	case KJ_KEXEC_ALLOWED:
		break;
	case KJ_KEXEC_NOT_ROOT:
		say_error(r, "kexec needs root (CAP_SYS_BOOT)");
		say_hint(r, "run kjump as root");
		break;
	case KJ_KEXEC_NO_KEXEC:
		say_error(r, "this kernel was built without kexec (CONFIG_KEXEC)");
		say_hint(r, "boot a kernel built with kernel/kjump.config merged in");
		break;
	case KJ_KEXEC_NO_JUMP:
		say_error(r, "this kernel cannot kexec-jump: it was built without CONFIG_KEXEC_JUMP");
		say_hint(r, "boot a kernel built with kernel/kjump.config merged in ('make kernel' builds one)");
		break;
	case KJ_KEXEC_LOCKED_DOWN:
		say_error(r, "kexec is locked down: the kernel forbids kexec_load (see /sys/kernel/security/lockdown)");
		say_hint(r, "boot with lockdown=none, and with Secure Boot off if it enforces lockdown");
		break;
	case KJ_KEXEC_DISABLED:
		say_error(r, "kexec_load is disabled (kernel.kexec_load_disabled = 1)");
		say_hint(r, "it stays disabled until the next boot");
		break;
	case KJ_KEXEC_REFUSED:
		say_error(r, "the kernel refused kexec_load: a security module or kernel.kexec_load_limit_reboot said no");
		break;
	case KJ_KEXEC_BLOCKED:
		say_error(r, "kexec_load is blocked by a seccomp filter (is this a container?)");
		say_hint(r, "run kjump on the host, or in a VM");
		break;
	}
}

int kj_check_jump(const struct kj_report *r)
{
	enum kj_kexec_denial why;
	int err = kj_kexec_check(&why);

	if (err) {
		say_error(r, "cannot tell whether this kernel can kexec-jump: %s",
			  strerror(-err));
		return err;
	}
	explain(r, why);
	return why == KJ_KEXEC_ALLOWED ? 0 : -EPERM;
}

/*
 * A load written into the region (B's load in place), or a kernel that
 * has run there, keeps its bytes in the region while A runs. A crash
 * kernel loaded since, even one unloaded again, was written into the
 * same region, perhaps over them: the kernel's count of crash loads
 * tells (kj_crash_loads_left). Unknown when the kernel does not count.
 */
bool kj_region_overwritten(const struct kj_load_state *st)
{
	int64_t left;

	return st->crash_known && !kj_crash_loads_left(KJ_CRASH_LIMIT_PATH, &left) &&
	       left != st->crash_left;
}

/*
 * B runs in the crashkernel region, and a crash kernel lies there too
 * once one is loaded. The jumps into B would swap B's loaded pages with
 * what lay under them and back, but B's own memory (its allocations,
 * its page tables) is the rest of the region: B would overwrite the
 * crash kernel, and a later panic would jump into what B left there. The
 * kdump-kept scenario saw that, before this check, as a crash kernel
 * that no longer booted after a snapshot.
 */
int kj_check_no_crash_kernel(const struct kj_report *r)
{
	if (!kj_kexec_crash_loaded())
		return 0;
	say_error(r, "a crash kernel (kdump's?) is loaded into the crashkernel region, where B runs: B would overwrite it");
	say_hint(r, "kdump and kjump cannot share the region: unload the crash kernel ('kexec -p -u'; with kdump-tools, 'kdump-config unload' and disable kdump-tools.service)");
	return -EBUSY;
}
