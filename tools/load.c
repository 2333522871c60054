// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump load: load kernel B into the reserved region, ready to jump. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "tool.h"

#define DEFAULT_INITRD "/usr/lib/kjump/initrd.cpio.gz"
#define FILE_MAX (1ull << 30)

static void load_usage(FILE *f)
{
	fprintf(f,
		"usage: kjump load [--kernel BZIMAGE] [--initrd FILE] [--append ARGS]\n"
		"                  [--dry-run] [--force]\n\n"
		"Loads kernel B into the region reserved with crashkernel=, with a\n"
		"preserve-context kexec, so that 'kjump jump' starts it and the running\n"
		"system can come back. B sees the region and low memory as its RAM and\n"
		"the rest of this system's memory through /proc/vmcore.\n\n"
		"options:\n"
		"  --kernel BZIMAGE  B's kernel (default: /boot/vmlinuz-$(uname -r))\n"
		"  --initrd FILE     B's initramfs (default: " DEFAULT_INITRD ")\n"
		"  --append ARGS     B's command line (default: this kernel's console=,\n"
		"                    pci=, acpi=, iommu=, tsc= and like options that\n"
		"                    say how to drive the machine); kjump adds nokaslr,\n"
		"                    elfcorehdr= and kexec_jump_back_entry=\n"
		"  --dry-run         print the plan and load nothing\n"
		"  --force           replace a B that was started and is waiting\n"
		"  -h, --help        show this help\n");
}

/* B and R talk on this kernel's consoles and drive the machine as it does. */
const char *default_append(char *buf, size_t size)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f && !fgets(line, sizeof(line), f))
		line[0] = '\0';
	if (f)
		fclose(f);
	kj_cmdline_inherit(line, buf, size);
	return buf;
}

static const char *default_kernel(char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u))
		return "/boot/vmlinuz";
	snprintf(buf, size, "/boot/vmlinuz-%s", u.release);
	return access(buf, R_OK) ? "/boot/vmlinuz" : buf;
}

static int parse_load_args(int argc, char **argv, struct load_opts *o)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = next_option(argc, argv, opts)) != -1) {
		switch (c) {
		case 'k': o->kernel = optarg; break;
		case 'i': o->initrd = optarg; break;
		case 'a': o->append = optarg; break;
		case 'n': o->dry_run = true; break;
		case 'f': o->force = true; break;
		case 'h': load_usage(stdout); return -1;
		default:
			bad_option("load", c, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		error("unexpected argument '%s'", argv[optind]);
		hint("see 'kjump load --help'");
		return EXIT_USAGE;
	}
	load_defaults(o);
	return 0;
}

void load_defaults(struct load_opts *o)
{
	if (!o->kernel)
		o->kernel = default_kernel(o->kernel_buf, sizeof(o->kernel_buf));
	if (!o->initrd)
		o->initrd = DEFAULT_INITRD;
	if (!o->append)
		o->append = default_append(o->append_buf, sizeof(o->append_buf));
}

static void explain_kernel_error(int err, const char *file,
				 const struct kj_bzimage *bz)
{
	switch (err) {
	case -ENOEXEC:
		error("'%s' is not a bzImage (no x86 boot header)", file);
		break;
	case -EPROTONOSUPPORT:
		error("'%s' uses boot protocol %u.%02u; kjump needs 2.12 or later (Linux 3.8 and later)",
		      file, bz->version >> 8, bz->version & 0xff);
		break;
	case -EPROTOTYPE:
		error("'%s' is not a relocatable 64-bit kernel", file);
		hint("build it with CONFIG_X86_64=y and CONFIG_RELOCATABLE=y");
		break;
	case -EBADMSG:
		error("'%s' is damaged or truncated: its setup header does not add up", file);
		break;
	}
}

static void explain_plan_error(int err, const struct load_opts *o,
			       const struct kj_load_plan *plan,
			       const struct kj_system *sys)
{
	unsigned long long have = kj_range_size(&sys->region) >> 20;
	unsigned long long need = plan->region_needed >> 20;

	switch (err) {
	case -ENOENT:
		error("no memory is reserved for kjump");
		hint("boot with crashkernel=192M (or larger) on the kernel command line");
		break;
	case -ENOSPC:
		error("the reserved region is %llu MiB; B needs at least %llu MiB", have, need);
		hint("boot with crashkernel=%lluM", (need + 15) / 16 * 16);
		break;
	case -ERANGE:
		error("the reserved region 0x%llx-0x%llx is where B cannot run",
		      (unsigned long long)sys->region.start,
		      (unsigned long long)sys->region.end);
		hint("reserve it between 16 MiB and 4 GiB, e.g. crashkernel=192M");
		break;
	case -ENAMETOOLONG:
		error("B's command line is %zu bytes; '%s' takes at most %u",
		      plan->cmdline_text ? strlen(plan->cmdline_text) : 0,
		      o->kernel, plan->bz.cmdline_size);
		break;
	case -E2BIG:
		error("the load needs more than %d segments or %d memory map entries",
		      KJ_SEGMENTS_MAX, KJ_E820_MAX);
		break;
	case -EFBIG:
		error("the load would take more than half of RAM, which the kernel refuses");
		break;
	case -EXDEV:
		error("internal error: a segment outside the region and low memory");
		break;
	default:
		explain_kernel_error(err, o->kernel, &plan->bz);
		if (err != -ENOEXEC && err != -EPROTONOSUPPORT &&
		    err != -EPROTOTYPE && err != -EBADMSG)
			error("cannot plan the load: %s", strerror(-err));
	}
}

static const char *kind_name(enum kj_seg_kind k)
{
	static const char *const names[] = { "kernel", "initrd", "setup",
					     "elfcore", "backup" };

	return names[k];
}

static void print_plan(const struct load_opts *o, const struct kj_load_plan *p,
		       const struct kj_system *sys)
{
	printf("region:        0x%llx-0x%llx (%llu MiB; B needs %llu MiB)\n",
	       (unsigned long long)sys->region.start,
	       (unsigned long long)sys->region.end,
	       (unsigned long long)(kj_range_size(&sys->region) >> 20),
	       (unsigned long long)(p->region_needed >> 20));
	printf("kernel:        %s (boot protocol %u.%02u, init_size %u, entry 0x%llx)\n",
	       o->kernel, p->bz.version >> 8, p->bz.version & 0xff,
	       p->bz.init_size, (unsigned long long)p->kernel_entry);
	printf("initrd:        %s\n", o->initrd);
	printf("command line:  %s\n", p->cmdline_text);
	printf("purgatory:     0x%llx (boot_params 0x%llx, command line 0x%llx)\n",
	       (unsigned long long)p->entry, (unsigned long long)p->boot_params,
	       (unsigned long long)p->cmdline);
	printf("elfcorehdr:    0x%llx (%zu PT_LOADs and the VMCOREINFO note)\n",
	       (unsigned long long)p->elfcorehdr, p->nloads);
	printf("segments:      %zu of %d\n", p->nr, KJ_SEGMENTS_MAX);
	for (size_t i = 0; i < p->nr; i++)
		printf("  %-8s 0x%09llx-0x%09llx %10zu bytes of data\n",
		       kind_name(p->kinds[i]), (unsigned long long)p->segs[i].mem,
		       (unsigned long long)(p->segs[i].mem + p->segs[i].memsz - 1),
		       p->segs[i].bufsz);
	printf("e820 for B:    %zu entries\n", p->ne820);
	for (size_t i = 0; i < p->ne820; i++)
		printf("  0x%09llx-0x%09llx type %u\n",
		       (unsigned long long)p->e820[i].range.start,
		       (unsigned long long)p->e820[i].range.end, p->e820[i].type);
}

static int plan_and_load(const struct load_opts *o, struct kj_load_input *in,
			 const struct kj_system *sys)
{
	struct kj_load_plan plan;
	struct load_state st;
	int err = kj_load_plan(in, &plan);

	if (err) {
		explain_plan_error(err, o, &plan, sys);
		goto out;
	}
	if (o->check && (err = o->check(o->check_ctx, &plan)))
		goto out;
	if (o->dry_run && o->check)
		goto out;
	if (o->dry_run) {
		print_plan(o, &plan, sys);
		goto out;
	}
	err = kj_load_plan_load(&plan);
	if (err) {
		error("kexec_load refused the load: %s", strerror(-err));
		goto out;
	}
	memset(&st, 0, sizeof(st));
	snprintf(st.kernel, sizeof(st.kernel), "%s", o->kernel);
	snprintf(st.initrd, sizeof(st.initrd), "%s", o->initrd);
	st.entry = plan.entry;
	st.kernel_entry = plan.kernel_entry;
	if (state_write(&st))
		error("loaded, but cannot record it under /run/kjump");
	note("loaded '%s' into 0x%llx-0x%llx (%zu segments); 'kjump jump' starts it",
	     o->kernel, (unsigned long long)sys->region.start,
	     (unsigned long long)sys->region.end, plan.nr);
out:
	kj_load_plan_release(&plan);
	return err;
}

/* A B that has run holds its state in the loaded image while it waits;
 * a new load would free it. */
static int check_waiting_b(const struct load_opts *o)
{
	struct load_state st;

	if (o->dry_run || o->force || !kexec_loaded() || state_read(&st) ||
	    !st.jumps)
		return 0;
	error("B ('%s') was started and is waiting; a new load would lose its state",
	      st.kernel);
	hint("'kjump jump' goes back to it; 'kjump load --force' replaces it");
	return -EBUSY;
}

int load_b(const struct load_opts *o)
{
	struct kj_load_input in = { .append = o->append, .restore = o->restore };
	struct kj_system sys;
	void *kernel = NULL, *initrd = NULL;
	int err;

	if (!o->dry_run && require_kexec_jump())
		return -EPERM;
	if (check_waiting_b(o))
		return -EBUSY;
	err = kj_system_read(&sys);
	if (err) {
		error("cannot read this system's memory map: %s", strerror(-err));
		return err;
	}
	err = read_file(o->kernel, &kernel, &in.kernel_size, FILE_MAX);
	if (err && !strncmp(o->kernel, "/boot/vmlinuz", 13))
		hint("give B's kernel with --kernel BZIMAGE");
	if (!err && (err = read_file(o->initrd, &initrd, &in.initrd_size, FILE_MAX)) &&
	    !strcmp(o->initrd, DEFAULT_INITRD))
		hint("give B's initramfs with --initrd FILE");
	if (!err) {
		in.kernel = kernel;
		in.initrd = initrd;
		in.sys = &sys;
		err = plan_and_load(o, &in, &sys);
	}
	free(kernel);
	free(initrd);
	kj_system_release(&sys);
	return err ? -EIO : 0;
}

int cmd_load(int argc, char **argv)
{
	struct load_opts o = { 0 };
	int r = parse_load_args(argc, argv, &o);

	if (r)
		return r < 0 ? 0 : r;
	return load_b(&o) ? EXIT_FAILED : 0;
}
