// SPDX-License-Identifier: GPL-2.0-or-later
/* Loading B (or R) into the reserved region: read the system and the
 * files, plan, check, load, remember. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "flow/flow.h"

#define FILE_MAX (1ull << 30)

/* What a load is made of, read before planning. */
struct inputs {
	char kernel_path[512];
	char append[4096];
	const char *kernel, *initrd;
	char *kernel_buf, *initrd_buf;
	size_t kernel_size, initrd_size;
	bool secret;			/* the initrd holds initrd_extra */
	struct kj_system sys;
	bool have_sys;
	struct kj_range slot;		/* o->slot's part of the region */
};

const char *kj_default_kernel(char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u))
		return "/boot/vmlinuz";
	snprintf(buf, size, "/boot/vmlinuz-%s", u.release);
	return access(buf, R_OK) ? "/boot/vmlinuz" : buf;
}

const char *kj_machine_append(char *buf, size_t size)
{
	char *line = NULL;
	size_t len;
	uint64_t lpj;

	if (kj_read_text("/proc/cmdline", &line, &len))
		line = NULL;
	len = kj_cmdline_inherit(line ? line : "", buf, size);
	free(line);
	/* the same kernel on the same CPUs: see lib/machine/lpj.c, and
	 * same_kernel() for another kernel */
	if (!strstr(buf, "lpj=") && (lpj = kj_running_lpj()) && len < size)
		snprintf(buf + len, size - len, "%slpj=%llu", len ? " " : "",
			 (unsigned long long)lpj);
	return buf;
}

/* Whether the kernel to load is the running one's release: lpj= is a
 * count of the running kernel's loops per jiffy, wrong for another HZ. */
static bool same_kernel(const struct inputs *in)
{
	struct utsname u;
	char release[sizeof(u.release)];

	return !uname(&u) &&
	       !kj_bzimage_release(in->kernel_buf, in->kernel_size, release,
				   sizeof(release)) &&
	       !strcmp(release, u.release);
}

static int read_input(const struct kj_report *r, const char *path,
		      char **buf, size_t *size)
{
	struct stat st;
	int err;

	if (stat(path, &st)) {
		err = -errno;
		say_error(r, "cannot open '%s': %s", path, strerror(-err));
		return err;
	}
	err = !S_ISREG(st.st_mode) ? -EINVAL
	      : (uint64_t)st.st_size > FILE_MAX ? -EFBIG
	      : kj_read_text(path, buf, size);
	if (err)
		say_error(r, "cannot read '%s': %s", path,
			  err == -EINVAL ? "not a regular file" : strerror(-err));
	return err;
}

static int read_inputs(const struct kj_load_opts *o, struct inputs *in)
{
	const struct kj_report *r = o->report;
	int err;

	in->kernel = o->kernel ? o->kernel
		: kj_default_kernel(in->kernel_path, sizeof(in->kernel_path));
	in->initrd = o->initrd ? o->initrd : KJ_DEFAULT_INITRD;
	err = kj_system_read(&in->sys);
	if (err) {
		say_error(r, "cannot read this system's memory map: %s", strerror(-err));
		return err;
	}
	in->have_sys = true;
	err = read_input(r, in->kernel, &in->kernel_buf, &in->kernel_size);
	if (err && !o->kernel)
		say_hint(r, "give B's kernel with --kernel BZIMAGE");
	if (err)
		return err;
	if (!strcmp(in->initrd, KJ_NO_INITRD))
		return 0;	/* a kernel that mounts its own root */
	err = read_input(r, in->initrd, &in->initrd_buf, &in->initrd_size);
	if (err && !o->initrd)
		say_hint(r, "give B's initramfs with --initrd FILE");
	return err;
}

/* initrd_extra after the initramfs, at a 4-byte boundary. */
static int add_extra(const struct kj_flow_load *l, struct inputs *in)
{
	size_t at = (in->initrd_size + 3) & ~(size_t)3;
	char *p = realloc(in->initrd_buf, at + l->initrd_extra_size);

	if (!p)
		return -ENOMEM;
	memset(p + in->initrd_size, 0, at - in->initrd_size);
	memcpy(p + at, l->initrd_extra, l->initrd_extra_size);
	in->initrd_buf = p;
	in->initrd_size = at + l->initrd_extra_size;
	in->secret = true;
	return 0;
}

static void release_inputs(struct inputs *in)
{
	if (in->secret)
		explicit_bzero(in->initrd_buf, in->initrd_size);
	free(in->kernel_buf);
	free(in->initrd_buf);
	if (in->have_sys)
		kj_system_release(&in->sys);
}

static void explain_kernel(const struct kj_report *r, int err, const char *file,
			   const struct kj_bzimage *bz)
{
	if (err == -ENOEXEC) {
		say_error(r, "'%s' is not a bzImage (no x86 boot header)", file);
	} else if (err == -EPROTONOSUPPORT) {
		say_error(r, "'%s' uses boot protocol %u.%02u; kjump needs 2.12 or later (Linux 3.8 and later)",
			  file, bz->version >> 8, bz->version & 0xff);
	} else if (err == -EPROTOTYPE) {
		say_error(r, "'%s' is not a relocatable 64-bit kernel", file);
		say_hint(r, "build it with CONFIG_X86_64=y and CONFIG_RELOCATABLE=y");
	} else if (err == -EBADMSG) {
		say_error(r, "'%s' is damaged or truncated: its setup header does not add up", file);
	} else {
		say_error(r, "cannot plan the load: %s", strerror(-err));
	}
}

/* -E2BIG has several causes; the plan says which limit was passed. */
static void explain_too_big(const struct kj_report *r,
			    const struct kj_load_plan *p,
			    const struct kj_system *sys)
{
	if (p->nr > KJ_SEGMENTS_MAX)
		say_error(r, "the load needs %zu segments; the kernel takes at most %d",
			  p->nr, KJ_SEGMENTS_MAX);
	else if (p->ne820 >= KJ_E820_MAX)
		say_error(r, "the memory map for B would have more than %d entries",
			  KJ_E820_MAX);
	else
		say_error(r, "this system's memory is in too many pieces (%zu RAM ranges, %zu firmware map entries) to describe to B",
			  sys->nram, sys->nfw);
}

static void explain_plan(const struct kj_report *r, int err,
			 const struct inputs *in, const struct kj_load_plan *p)
{
	unsigned long long have = kj_range_size(&in->sys.region) >> 20;
	unsigned long long need = p->region_needed >> 20;

	if (err == -ENOENT) {
		say_error(r, "no memory is reserved for kjump");
		say_hint(r, "boot with crashkernel=192M (or larger) on the kernel command line");
	} else if (err == -ENOSPC && in->slot.end) {
		say_error(r, "slot 0x%llx-0x%llx is %llu MiB; B needs at least %llu MiB",
			  (unsigned long long)in->slot.start, (unsigned long long)in->slot.end,
			  (unsigned long long)(kj_range_size(&in->slot) >> 20), need);
		say_hint(r, "give a larger --slot-size, e.g. --slot-size %lluM", (need + 1) / 2 * 2);
	} else if (err == -ENOSPC) {
		say_error(r, "the reserved region is %llu MiB; B needs at least %llu MiB", have, need);
		say_hint(r, "boot with crashkernel=%lluM", (need + 15) / 16 * 16);
	} else if (err == -ERANGE) {
		say_error(r, "the reserved region 0x%llx-0x%llx is where B cannot run",
			  (unsigned long long)in->sys.region.start,
			  (unsigned long long)in->sys.region.end);
		say_hint(r, "reserve it between 16 MiB and 4 GiB, e.g. crashkernel=192M");
	} else if (err == -ENAMETOOLONG) {
		say_error(r, "B's command line is %zu bytes; '%s' takes at most %u",
			  p->cmdline_text ? strlen(p->cmdline_text) : 0,
			  in->kernel, p->bz.cmdline_size);
	} else if (err == -E2BIG) {
		explain_too_big(r, p, &in->sys);
	} else if (err == -EFBIG) {
		say_error(r, "the load would take more than half of RAM, which the kernel refuses");
	} else if (err == -EXDEV) {
		say_error(r, "internal error: a segment outside the region and low memory");
	} else {
		explain_kernel(r, err, in->kernel, &p->bz);
	}
}

/* A B that has run holds its state in the loaded image while it waits;
 * a new load would free it. */
static int check_waiting_b(const struct kj_flow_load *l)
{
	struct kj_load_state st;

	if (l->dry_run || l->o.force || !kj_kexec_loaded() ||
	    kj_load_state_read(&st) || !st.jumps)
		return 0;
	/* a slot's kernel keeps its pages, and it is known where it
	 * stopped: another slot may be loaded (kj_switch() resumes it) */
	if (st.slot && st.reentry && l->o.slot && l->o.slot != st.slot)
		return 0;
	say_error(l->o.report, "B ('%s') was started and is waiting; a new load would lose its state",
		  st.kernel);
	say_hint(l->o.report, "'kjump jump' goes back to it; 'kjump load --force' replaces it");
	return -EBUSY;
}

/* Kernels waiting in other slots live in the region: a load outside the
 * slots, or in slots of another size, would overwrite them. */
static int check_waiting_slots(const struct kj_flow_load *l)
{
	uint64_t size = l->o.slot_size ? l->o.slot_size : KJ_SLOT_SIZE;
	struct kj_load_state st;

	if (l->dry_run || l->o.force)
		return 0;
	for (unsigned n = 1; n <= KJ_SLOTS_MAX; n++) {
		if (kj_slot_state_read(n, &st) || !st.jumps)
			continue;
		if (l->o.slot && l->o.slot != n && st.slot_size == size)
			continue;
		say_error(l->o.report, "the kernel in slot %u has run and waits in the region; %s would overwrite it",
			  n, !l->o.slot ? "a load outside the slots" :
			  l->o.slot == n ? "a new load into its slot" : "slots of another size");
		say_hint(l->o.report, "'kjump switch %u' goes back to it; 'kjump load --force' overwrites it", n);
		return -EBUSY;
	}
	return 0;
}

static void remember(const struct kj_flow_load *l, const struct inputs *in,
		     const struct kj_load_plan *p)
{
	struct kj_load_state st = { .entry = p->entry,
				    .kernel_entry = p->kernel_entry };

	snprintf(st.kernel, sizeof(st.kernel), "%s", in->kernel);
	snprintf(st.initrd, sizeof(st.initrd), "%s", in->initrd);
	/* after the load, which may have counted (B's load in place) */
	st.crash_known = !kj_crash_loads_left(KJ_CRASH_LIMIT_PATH, &st.crash_left);
	if (l->o.slot) {
		st.slot = l->o.slot;
		st.slot_size = kj_range_size(&in->slot);
		snprintf(st.append, sizeof(st.append), "%s", l->o.append ? l->o.append : "");
	}
	if (kj_load_state_write(&st))
		say_warn(l->o.report, "loaded, but cannot record it under /run/kjump: 'kjump status' will not know it");
}

/* Takes out the lpj= kjump added (a user's own stays). */
static void drop_own_lpj(char *append)
{
	char word[32];
	uint64_t lpj = kj_running_lpj();

	if (lpj) {
		snprintf(word, sizeof(word), "lpj=%llu", (unsigned long long)lpj);
		kj_cmdline_drop(append, word);
	}
}

/* The part of the region o->slot names, into in->slot (reported). */
static int find_slot(const struct kj_load_opts *o, struct inputs *in)
{
	uint64_t size = o->slot_size ? o->slot_size : KJ_SLOT_SIZE;
	const struct kj_range *region = &in->sys.region;
	int err;

	if (!o->slot)
		return 0;
	if (o->slot > KJ_SLOTS_MAX) {
		say_error(o->report, "there is no slot %u: they are numbered from 1 to %d",
			  o->slot, KJ_SLOTS_MAX);
		return -ERANGE;
	}
	if (!in->sys.has_region) {
		say_error(o->report, "no memory is reserved for kjump: there are no slots");
		say_hint(o->report, "boot with crashkernel= as large as the slots you want, e.g. crashkernel=512M for two of 256 MiB");
		return -ENOENT;
	}
	err = kj_slot_range(region, o->slot, size, &in->slot);
	if (err == -EINVAL) {
		say_error(o->report, "a slot's size must be a whole number of 2 MiB, not %llu bytes",
			  (unsigned long long)size);
	} else if (err) {
		say_error(o->report, "the reserved region 0x%llx-0x%llx (%llu MiB) holds %llu slots of %llu MiB: there is no slot %u",
			  (unsigned long long)region->start, (unsigned long long)region->end,
			  (unsigned long long)(kj_range_size(region) >> 20),
			  (unsigned long long)(kj_range_size(region) / size),
			  (unsigned long long)(size >> 20), o->slot);
		say_hint(o->report, "reserve more with crashkernel=, or give a smaller --slot-size");
	}
	return err;
}

/* Plans into p; loads unless dry_run; p is the caller's to release. */
static int plan_and_load(const struct kj_flow_load *l, struct inputs *in,
			 struct kj_load_plan *p)
{
	const struct kj_report *r = l->o.report;
	struct kj_load_input li = {
		.kernel = in->kernel_buf, .kernel_size = in->kernel_size,
		.initrd = in->initrd_buf, .initrd_size = in->initrd_size,
		.append = in->append, .sys = &in->sys, .restore = l->restore,
	};
	int err = find_slot(&l->o, in);

	if (err)
		return err;
	if (l->o.slot)
		li.slot = &in->slot;

	if (l->o.append && strlen(l->o.append) >= sizeof(in->append))
		li.append = l->o.append;	/* longer than any kernel takes */
	else if (l->o.append)
		snprintf(in->append, sizeof(in->append), "%s", l->o.append);
	else
		kj_machine_append(in->append, sizeof(in->append));
	if (li.append == in->append && !same_kernel(in))
		drop_own_lpj(in->append);
	err = kj_load_plan(&li, p);

	if (err) {
		explain_plan(r, err, in, p);
		return err;
	}
	say_debug(r, "plan: %zu segments, entry 0x%llx, command line '%s'",
		  p->nr, (unsigned long long)p->entry, p->cmdline_text);
	if (l->check && (err = l->check(l->check_ctx, p)))
		return err;
	if (l->saver && (err = kj_check_save_budget(r, p, &in->sys)))
		return err;
	if (l->dry_run)
		return 0;
	err = kj_load_plan_load(p);
	if (err) {
		say_error(r, "kexec_load refused the load: %s", strerror(-err));
		return err;
	}
	remember(l, in, p);
	return 0;
}

static int flow_load(const struct kj_flow_load *l, struct kj_load_plan *p,
		     struct inputs *in)
{
	int err = 0;

	memset(p, 0, sizeof(*p));
	if (!l->dry_run)
		err = kj_check_jump(l->o.report);
	if (!err && !l->dry_run && !l->restore)
		err = kj_check_no_crash_kernel(l->o.report);
	if (!err)
		err = check_waiting_slots(l);
	if (!err)
		err = check_waiting_b(l);
	if (!err)
		err = read_inputs(&l->o, in);
	if (!err && l->initrd_extra_size)
		err = add_extra(l, in);
	if (!err && l->region) {
		in->sys.region = *l->region;
		in->sys.has_region = true;
	}
	if (!err)
		err = plan_and_load(l, in, p);
	return err;
}

int kj_flow_load(const struct kj_flow_load *l)
{
	struct inputs in = { 0 };
	struct kj_load_plan p;
	int err = flow_load(l, &p, &in);

	if (!err && !l->dry_run && !l->restore) {
		const struct kj_range *at = l->o.slot ? &in.slot : &in.sys.region;

		say_info(l->o.report, "loaded '%s' into 0x%llx-0x%llx (%zu segments%s); 'kjump jump' starts it",
			 in.kernel, (unsigned long long)at->start,
			 (unsigned long long)at->end, p.nr,
			 p.placed ? ", written in place" : "");
	}
	kj_load_plan_release(&p);
	release_inputs(&in);
	return err;
}

int kj_load(const struct kj_load_opts *o)
{
	struct kj_flow_load l = { .o = *o };

	return kj_flow_load(&l);
}

int kj_flow_dry_run(const struct kj_flow_load *l, struct kj_load_plan *plan,
		    struct kj_system *sys)
{
	struct kj_flow_load dry = *l;
	struct inputs in = { 0 };
	int err;

	dry.dry_run = true;
	err = flow_load(&dry, plan, &in);
	memset(sys, 0, sizeof(*sys));
	if (in.have_sys) {
		*sys = in.sys;
		in.have_sys = false;
	}
	release_inputs(&in);
	return err;
}

int kj_load_dry_run(const struct kj_load_opts *o, struct kj_load_plan *plan,
		    struct kj_system *sys)
{
	struct kj_flow_load l = { .o = *o };

	return kj_flow_dry_run(&l, plan, sys);
}
