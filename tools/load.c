// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump load: load kernel B into the reserved region, ready to jump
 * (kj_load(), lib/flow/load.c). */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "tool.h"

static void load_usage(FILE *f)
{
	fprintf(f,
		"usage: kjump load [--kernel BZIMAGE] [--initrd FILE] [--append ARGS]\n"
		"                  [--slot N [--slot-size SIZE]] [--dry-run] [--force]\n\n"
		"Loads kernel B into the region reserved with crashkernel=, with a\n"
		"preserve-context kexec, so that 'kjump jump' starts it and the running\n"
		"system can come back. B sees the region and low memory as its RAM and\n"
		"the rest of this system's memory through /proc/vmcore.\n\n"
		"options:\n"
		"  --kernel BZIMAGE  B's kernel (default: /boot/vmlinuz-$(uname -r))\n"
		"  --initrd FILE     B's initramfs (default: " KJ_DEFAULT_INITRD ")\n"
		"  --initrd none     no initramfs: a kernel that mounts its own root\n"
		"                    file system (give root= in --append)\n"
		"  --append ARGS     B's command line (default: this kernel's console=,\n"
		"                    pci=, acpi=, iommu=, tsc= and like options that\n"
		"                    say how to drive the machine); kjump adds nokaslr,\n"
		"                    elfcorehdr= and kexec_jump_back_entry=\n"
		"  --slot N          load B into slot N (from 1) of the region, not all\n"
		"                    of it: slots are SIZE bytes each from its start\n"
		"  --slot-size SIZE  a slot's size, a multiple of 2M (default: 256M)\n"
		"  --dry-run         print the plan and load nothing\n"
		"  --force           replace a B that was started and is waiting\n"
		"  -h, --help        show this help\n");
}

/* --slot N or --slot-size SIZE into o; prints what is wrong. */
static int slot_option(int c, const char *arg, struct kj_load_opts *o)
{
	uint64_t v;

	if (parse_u64(arg, &v) || (c == 's' && (!v || v > KJ_SLOTS_MAX))) {
		error("bad value '%s' for %s", arg, c == 's' ? "--slot" : "--slot-size");
		if (c == 's')
			hint("slots are numbered from 1 to %d: --slot 2", KJ_SLOTS_MAX);
		else
			hint("give a size like --slot-size 256M");
		return -1;
	}
	if (c == 's')
		o->slot = (unsigned)v;
	else
		o->slot_size = v;
	return 0;
}

static int parse_load_args(int argc, char **argv, struct kj_load_opts *o, bool *dry_run)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "slot", required_argument, NULL, 's' },
		{ "slot-size", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = next_option(argc, argv, opts)) != -1) {
		switch (c) {
		case 'k': o->kernel = optarg; break;
		case 'i': o->initrd = optarg; break;
		case 'a': o->append = optarg; break;
		case 'n': *dry_run = true; break;
		case 'f': o->force = true; break;
		case 's':
		case 'S':
			if (slot_option(c, optarg, o))
				return EXIT_USAGE;
			break;
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
	if (o->slot_size && !o->slot) {
		error("--slot-size goes with --slot");
		return EXIT_USAGE;
	}
	return 0;
}

static const char *kind_name(enum kj_seg_kind k)
{
	static const char *const names[] = { "kernel", "initrd", "setup",
					     "elfcore", "backup" };

	return names[k];
}

static void print_plan(const struct kj_load_opts *o, const struct kj_load_plan *p,
		       const struct kj_system *sys)
{
	printf("region:        0x%llx-0x%llx (%llu MiB; B needs %llu MiB)\n",
	       (unsigned long long)sys->region.start,
	       (unsigned long long)sys->region.end,
	       (unsigned long long)(kj_range_size(&sys->region) >> 20),
	       (unsigned long long)(p->region_needed >> 20));
	printf("to save:       %llu MiB of region for 1 thread, %llu MiB for all %ld CPUs\n",
	       (unsigned long long)(kj_region_for_save(p, 1) >> 20),
	       (unsigned long long)(kj_region_for_save(p, (unsigned)sysconf(_SC_NPROCESSORS_ONLN)) >> 20),
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("kernel:        %s (boot protocol %u.%02u, init_size %u, entry 0x%llx)\n",
	       o->kernel, p->bz.version >> 8, p->bz.version & 0xff,
	       p->bz.init_size, (unsigned long long)p->kernel_entry);
	printf("initrd:        %s\n", o->initrd ? o->initrd : KJ_DEFAULT_INITRD);
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

static int dry_run(const struct kj_load_opts *o)
{
	struct kj_load_plan plan;
	struct kj_system sys;
	struct kj_load_opts shown = *o;
	char kernel[512];
	int err = kj_load_dry_run(o, &plan, &sys);

	if (!shown.kernel)
		shown.kernel = kj_default_kernel(kernel, sizeof(kernel));
	if (!err)
		print_plan(&shown, &plan, &sys);
	kj_load_plan_release(&plan);
	kj_system_release(&sys);
	return err;
}

int cmd_load(int argc, char **argv)
{
	struct kj_load_opts o = { .report = &tool_report };
	bool dry = false;
	int r = parse_load_args(argc, argv, &o, &dry);

	if (r)
		return r < 0 ? 0 : r;
	r = dry ? dry_run(&o) : kj_load(&o);
	return r ? EXIT_FAILED : 0;
}
