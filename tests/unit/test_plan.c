// SPDX-License-Identifier: GPL-2.0-or-later
/* The load planner, on regions and memory maps of many shapes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "flow/flow.h"
#include "common/le.h"
#include "loader/loader.h"
#include "purgatory.h"
#include "t.h"

#define KJUMP_LEN 2790400
uint8_t *t_bzimage(const char *name, size_t full_len);

/* The firmware map of qemu -m 1G (pc), as /sys/firmware/memmap gives it. */
static const struct kj_e820_entry qemu_fw[] = {
	{ { 0x0, 0x9fbff }, KJ_E820_RAM },
	{ { 0x9fc00, 0x9ffff }, KJ_E820_RESERVED },
	{ { 0xf0000, 0xfffff }, KJ_E820_RESERVED },
	{ { 0x100000, 0x3ffdffff }, KJ_E820_RAM },
	{ { 0x3ffe0000, 0x3fffffff }, KJ_E820_RESERVED },
	{ { 0xfffc0000, 0xffffffff }, KJ_E820_RESERVED },
};
static struct kj_range qemu_ram[] = {
	{ 0x1000, 0x9fbff },
	{ 0x100000, 0x3ffdffff },
};

struct fixture {
	struct kj_system sys;
	struct kj_load_input in;
	struct kj_load_plan plan;
	uint8_t *kernel;
	uint8_t initrd[5000];
};

static void setup(struct fixture *f, uint64_t start, uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->sys.has_region = size != 0;
	f->sys.region.start = start;
	f->sys.region.end = start + size - 1;
	f->sys.fw = (struct kj_e820_entry *)qemu_fw;
	f->sys.nfw = KJ_ARRAY_SIZE(qemu_fw);
	f->sys.ram = qemu_ram;
	f->sys.nram = KJ_ARRAY_SIZE(qemu_ram);
	f->sys.vmcoreinfo_addr = 0x2b0f1000;
	f->sys.vmcoreinfo_size = 0x1000;
	f->sys.rsdp = 0xf5a60;
	f->sys.total_ram = 1ull << 30;
	f->kernel = t_bzimage("bzimage-kjump-6.12.head", KJUMP_LEN);
	f->in.kernel = f->kernel;
	f->in.kernel_size = KJUMP_LEN;
	f->in.initrd = f->initrd;
	f->in.initrd_size = sizeof(f->initrd);
	f->in.append = "console=ttyS0";
	f->in.sys = &f->sys;
}

static int plan(struct fixture *f)
{
	return kj_load_plan(&f->in, &f->plan);
}

static void teardown(struct fixture *f)
{
	kj_load_plan_release(&f->plan);
	free(f->kernel);
}

/* The first segment of a kind; a zero one (which no check accepts) if
 * there is none. */
static const struct kj_segment *seg_of(const struct kj_load_plan *p,
				       enum kj_seg_kind kind)
{
	static const struct kj_segment none;

	for (size_t i = 0; i < p->nr; i++)
		if (p->kinds[i] == kind)
			return &p->segs[i];
	return &none;
}

/* Every segment lies in the region or in RAM below 1 MiB. */
static int confined(const struct kj_load_plan *p, const struct kj_range *r)
{
	for (size_t i = 0; i < p->nr; i++) {
		uint64_t s = p->segs[i].mem, e = s + p->segs[i].memsz - 1;

		if (!(s >= r->start && e <= r->end) && e >= 0x100000)
			return 0;
	}
	return 1;
}

TEST(plan_qemu_guest)
{
	struct fixture f;
	const struct kj_segment *k, *setup_seg, *backup;

	setup(&f, 0x37000000, 128u << 20);
	CHECK_INT(plan(&f), 0);
	CHECK_INT(f.plan.nr, 5);
	k = seg_of(&f.plan, KJ_SEG_KERNEL);
	setup_seg = seg_of(&f.plan, KJ_SEG_SETUP);
	backup = seg_of(&f.plan, KJ_SEG_BACKUP);
	CHECK(k->memsz && setup_seg->memsz && backup->memsz);
	CHECK_U64(k->mem, 0x37000000);
	CHECK_U64(k->memsz, 0x1069000);
	CHECK_U64(k->bufsz, KJUMP_LEN - 32 * 512);
	CHECK_U64(f.plan.kernel_entry, 0x37000200);
	CHECK_U64(f.plan.entry, setup_seg->mem);
	CHECK_U64(backup->mem, 0);
	CHECK_U64(backup->memsz, 0x9f000);
	CHECK_U64(backup->bufsz, 0);
	CHECK(confined(&f.plan, &f.sys.region));
	CHECK(f.plan.region_needed > 20u << 20 && f.plan.region_needed < 128u << 20);
	teardown(&f);
}

TEST(plan_command_line)
{
	struct fixture f;
	char want[160];

	setup(&f, 0x37000000, 128u << 20);
	CHECK_INT(plan(&f), 0);
	snprintf(want, sizeof(want),
		 "console=ttyS0 nokaslr elfcorehdr=0x%016llx swiotlb=noforce kexec_jump_back_entry=0x0000000000000000",
		 (unsigned long long)f.plan.elfcorehdr);
	CHECK_STR(f.plan.cmdline_text, want);
	teardown(&f);
}

TEST(plan_purgatory_parameters)
{
	struct fixture f;
	const uint8_t *p;
	uint64_t setup_mem, slot;

	setup(&f, 0x37000000, 128u << 20);
	CHECK_INT(plan(&f), 0);
	p = f.plan.setup_buf;
	setup_mem = seg_of(&f.plan, KJ_SEG_SETUP)->mem;
	CHECK_U64(get_le64(p + KJ_PURG_OFF_MAGIC), KJ_PURG_MAGIC);
	CHECK_U64(get_le64(p + KJ_PURG_OFF_KERNEL_ENTRY), f.plan.kernel_entry);
	CHECK_U64(get_le64(p + KJ_PURG_OFF_BOOT_PARAMS), f.plan.boot_params);
	CHECK_U64(get_le64(p + KJ_PURG_OFF_SLOT_LEN), 16);
	slot = get_le64(p + KJ_PURG_OFF_SLOT);
	/* The slot is the 16 zeros that end the command line in memory. */
	CHECK(slot > f.plan.cmdline && slot - setup_mem < 5 * 4096);
	CHECK(!memcmp(p + (slot - setup_mem), "0000000000000000", 17));
	CHECK(!memcmp(p + (slot - setup_mem) - 24, "kexec_jump_back_entry=0x", 24));
	teardown(&f);
}

TEST(plan_boot_params)
{
	struct fixture f;
	const uint8_t *bp;

	setup(&f, 0x37000000, 128u << 20);
	CHECK_INT(plan(&f), 0);
	bp = f.plan.setup_buf + (f.plan.boot_params - f.plan.entry);
	CHECK(!memcmp(bp + 0x202, "HdrS", 4));
	CHECK_INT(bp[0x210], 0xff);
	CHECK_U64(get_le32(bp + 0x228), f.plan.cmdline);
	CHECK_U64(get_le32(bp + 0x218), seg_of(&f.plan, KJ_SEG_INITRD)->mem);
	CHECK_U64(get_le32(bp + 0x21c), 5000);
	CHECK_U64(get_le64(bp + 0x070), 0xf5a60);
	CHECK_INT(bp[0x1e8], f.plan.ne820);
	CHECK_U64(get_le64(bp + 0x2d0), f.plan.e820[0].range.start);
	CHECK_INT(get_le32(bp + 0x2d0 + 16), f.plan.e820[0].type);
	teardown(&f);
}

TEST(plan_e820_for_b)
{
	struct fixture f;
	uint64_t ram = 0, caller = 0;
	int reserved_elfcore = 0;

	setup(&f, 0x37000000, 128u << 20);
	CHECK_INT(plan(&f), 0);
	for (size_t i = 0; i < f.plan.ne820; i++) {
		const struct kj_e820_entry *e = &f.plan.e820[i];

		if (e->type == KJ_E820_RAM) {
			CHECK(e->range.end < 0x100000 ||
			      (e->range.start >= 0x37000000 && e->range.end <= 0x3effffff));
			ram += kj_range_size(&e->range);
		}
		if (e->type == KJ_E820_RESERVED && e->range.start == f.plan.elfcorehdr)
			reserved_elfcore = 1;
		/* A's RAM as ACPI data: B maps it for its jump back */
		if (e->type == KJ_E820_ACPI)
			caller += kj_range_size(&e->range);
		if (i)
			CHECK(e->range.start > f.plan.e820[i - 1].range.end);
	}
	CHECK(reserved_elfcore);
	CHECK_U64(ram, 0x9f000 + (128u << 20) - 4096);
	CHECK_U64(caller, 0xc00 + (0x37000000 - 0x100000) + (0x3ffe0000 - 0x3f000000));
	/* qemu_fw's 5 non-RAM entries, B's 2 RAM and the core headers, A's 3 */
	CHECK_INT(f.plan.ne820, 11);
	teardown(&f);
}

/* A map as fragmented as firmware's can be: 70 RAM ranges between
 * reserved ones, then B's region. A's RAM as ACPI data would not fit in boot_params; B's
 * map then leaves it out, as it used to (its jump back carries a page). */
TEST(plan_e820_for_b_fragmented)
{
	static struct kj_e820_entry fw[142];
	static struct kj_range ram[71];
	struct fixture f;

	fw[0] = (struct kj_e820_entry){ { 0x0, 0x9fbff }, KJ_E820_RAM };
	for (size_t i = 0; i < 70; i++) {
		uint64_t at = 0x100000 + i * 0x1000000;

		fw[1 + 2 * i] = (struct kj_e820_entry){ { at, at + 0xfeffff }, KJ_E820_RAM };
		fw[2 + 2 * i] = (struct kj_e820_entry){ { at + 0xff0000, at + 0xffffff },
							KJ_E820_RESERVED };
		ram[i] = fw[1 + 2 * i].range;
	}
	fw[141] = (struct kj_e820_entry){ { 0x50000000, 0x5fffffff }, KJ_E820_RAM };
	ram[70] = fw[141].range;
	setup(&f, 0x50000000, 128u << 20);
	f.sys.fw = fw;
	f.sys.nfw = KJ_ARRAY_SIZE(fw);
	f.sys.ram = ram;
	f.sys.nram = KJ_ARRAY_SIZE(ram);
	CHECK_INT(plan(&f), 0);
	for (size_t i = 0; i < f.plan.ne820; i++)
		CHECK(f.plan.e820[i].type != KJ_E820_ACPI);
	CHECK(f.plan.ne820 <= KJ_E820_MAX);
	teardown(&f);
}

TEST(plan_elfcore_leaves_out_what_b_touches)
{
	struct fixture f;
	struct kj_elf_phdr *ph;
	size_t n;

	setup(&f, 0x37000000, 128u << 20);
	CHECK_INT(plan(&f), 0);
	CHECK_INT(kj_elfcore_parse(f.plan.elfcore_buf,
				   seg_of(&f.plan, KJ_SEG_ELFCORE)->bufsz, &ph, &n), 0);
	CHECK_INT(n, 4);
	CHECK_INT(ph[0].type, KJ_PT_NOTE);
	CHECK_U64(ph[0].offset, 0x2b0f1000);
	CHECK_U64(ph[1].paddr, 0x9f000);
	CHECK_U64(ph[1].memsz, 0xc00);
	CHECK_U64(ph[2].paddr, 0x100000);
	CHECK_U64(ph[2].paddr + ph[2].memsz, 0x37000000);
	CHECK_U64(ph[3].paddr, 0x3f000000);
	CHECK_U64(ph[3].paddr + ph[3].memsz, 0x3ffe0000);
	free(ph);
	teardown(&f);
}

TEST(plan_region_shapes)
{
	struct fixture f;

	setup(&f, 0x37100000, 128u << 20);	/* not 2 MiB aligned */
	CHECK_INT(plan(&f), 0);
	CHECK_U64(seg_of(&f.plan, KJ_SEG_KERNEL)->mem, 0x37200000);
	CHECK(confined(&f.plan, &f.sys.region));
	teardown(&f);

	setup(&f, 0x37000000, 16u << 20);	/* too small */
	CHECK_INT(plan(&f), -ENOSPC);
	CHECK(f.plan.region_needed > 16u << 20);
	CHECK_U64(f.plan.region_needed % (1u << 20), 0);
	teardown(&f);

	setup(&f, 0x800000, 8u << 20);		/* below the kernel's minimum */
	CHECK_INT(plan(&f), -ERANGE);
	teardown(&f);

	setup(&f, 0x37000000, 0);		/* none */
	CHECK_INT(plan(&f), -ENOENT);
	teardown(&f);
}

TEST(plan_above_4g)
{
	struct fixture f;

	setup(&f, 0x100000000ull, 128u << 20);
	CHECK_INT(plan(&f), 0);
	teardown(&f);
	setup(&f, 0x100000000ull, 128u << 20);
	put_le16(f.kernel + 0x236, 0x61);	/* no XLF_CAN_BE_LOADED_ABOVE_4G */
	CHECK_INT(plan(&f), -ERANGE);
	teardown(&f);
}

TEST(plan_refusals)
{
	static char long_append[3000];
	struct fixture f;

	memset(long_append, 'x', sizeof(long_append) - 1);
	setup(&f, 0x37000000, 128u << 20);
	f.in.append = long_append;
	CHECK_INT(plan(&f), -ENAMETOOLONG);
	teardown(&f);

	setup(&f, 0x37000000, 128u << 20);
	f.sys.total_ram = 30u << 20;		/* the load is over half */
	CHECK_INT(plan(&f), -EFBIG);
	teardown(&f);

	setup(&f, 0x37000000, 128u << 20);
	put_le32(f.kernel + 0x202, 0);
	CHECK_INT(plan(&f), -ENOEXEC);
	teardown(&f);
}

TEST(plan_fragmented_low_memory)
{
	struct kj_e820_entry fw[12];
	struct fixture f;

	for (int i = 0; i < 10; i++) {	/* ten low RAM pieces: too many */
		fw[i].range.start = (uint64_t)i * 0x10000;
		fw[i].range.end = fw[i].range.start + 0x7fff;
		fw[i].type = KJ_E820_RAM;
	}
	fw[10] = qemu_fw[3];
	setup(&f, 0x37000000, 128u << 20);
	f.sys.fw = fw;
	f.sys.nfw = 11;
	CHECK_INT(plan(&f), -E2BIG);
	teardown(&f);
	setup(&f, 0x37000000, 128u << 20);
	f.sys.fw = fw + 3;		/* seven pieces: 11 segments, fine */
	f.sys.nfw = 8;
	CHECK_INT(plan(&f), 0);
	CHECK_INT(f.plan.nr, 11);
	teardown(&f);
}

static void set_seg(struct kj_load_plan *p, size_t i, uint64_t mem, uint64_t sz)
{
	p->segs[i].mem = mem;
	p->segs[i].memsz = sz;
	p->segs[i].bufsz = 0;
}

TEST(plan_check_rules)
{
	struct kj_range allowed[] = { { 0x1000, 0x9efff }, { 0x37000000, 0x3effffff } };
	struct kj_load_plan p;

	memset(&p, 0, sizeof(p));
	p.nr = 2;
	set_seg(&p, 0, 0x37000000, 0x2000);
	set_seg(&p, 1, 0x1000, 0x1000);
	CHECK_INT(kj_plan_check(&p, allowed, 2, 1u << 30), 0);
	set_seg(&p, 1, 0x37001000, 0x1000);	/* overlaps */
	CHECK_INT(kj_plan_check(&p, allowed, 2, 1u << 30), -EINVAL);
	set_seg(&p, 1, 0x36fff000, 0x2000);	/* straddles the region's start */
	CHECK_INT(kj_plan_check(&p, allowed, 2, 1u << 30), -EXDEV);
	set_seg(&p, 1, 0x37100800, 0x1000);	/* not page aligned */
	CHECK_INT(kj_plan_check(&p, allowed, 2, 1u << 30), -EINVAL);
	p.nr = KJ_SEGMENTS_MAX + 1;
	CHECK_INT(kj_plan_check(&p, allowed, 2, 1u << 30), -E2BIG);
}

TEST(plan_restore_gives_r_the_ram_as_pmem)
{
	struct fixture f;
	uint64_t pram = 0;

	setup(&f, 0x37000000, 128u << 20);
	f.in.restore = true;
	CHECK_INT(plan(&f), 0);
	CHECK_INT(f.plan.nr, 4);		/* no ELF core headers */
	CHECK(seg_of(&f.plan, KJ_SEG_ELFCORE)->memsz == 0);
	CHECK(!strstr(f.plan.cmdline_text, "elfcorehdr="));
	for (size_t i = 0; i < f.plan.ne820; i++) {
		const struct kj_e820_entry *e = &f.plan.e820[i];

		if (e->type == KJ_E820_PRAM)
			pram += kj_range_size(&e->range);
		if (e->type == KJ_E820_RAM)
			CHECK(e->range.end < 0x100000 || e->range.start >= 0x37000000);
	}
	/* qemu_ram minus the region and low memory, whole pages: 1 MiB to the
	 * region, the region's end to 0x3ffdffff (0x9f000-0x9fbff is no page) */
	CHECK_U64(pram, (0x37000000 - 0x100000) + (0x3ffe0000 - 0x3f000000));
	teardown(&f);
}

/* R runs past where B's segments lay (A swaps them back on its way in),
 * where it fits; in a region too small for that, where B ran. */
TEST(plan_restore_keeps_r_off_b)
{
	struct fixture f;
	uint64_t b_end, r_ram = 0;

	setup(&f, 0x37000000, 128u << 20);
	CHECK_INT(plan(&f), 0);			/* B */
	CHECK(f.plan.kept_out.end < f.plan.kept_out.start);
	b_end = seg_of(&f.plan, KJ_SEG_ELFCORE)->mem + seg_of(&f.plan, KJ_SEG_ELFCORE)->memsz;
	teardown(&f);

	setup(&f, 0x37000000, 128u << 20);
	f.in.restore = true;
	CHECK_INT(plan(&f), 0);			/* R */
	CHECK_U64(f.plan.kept_out.start, 0x37000000);
	CHECK(f.plan.kept_out.end + 1 >= b_end);
	CHECK(seg_of(&f.plan, KJ_SEG_KERNEL)->mem > f.plan.kept_out.end);
	for (size_t i = 0; i < f.plan.ne820; i++)
		if (f.plan.e820[i].type == KJ_E820_RAM && f.plan.e820[i].range.start >= 0x37000000) {
			CHECK_U64(f.plan.e820[i].range.start, f.plan.kept_out.end + 1);
			r_ram += kj_range_size(&f.plan.e820[i].range);
		}
	CHECK_U64(r_ram, 0x3f000000 - (f.plan.kept_out.end + 1));
	teardown(&f);

	setup(&f, 0x37000000, 64u << 20);
	f.in.restore = true;
	CHECK_INT(plan(&f), 0);
	CHECK(f.plan.kept_out.end < f.plan.kept_out.start);
	CHECK_U64(seg_of(&f.plan, KJ_SEG_KERNEL)->mem, 0x37000000);
	teardown(&f);
}

TEST(cmdline_inherit)
{
	char out[64];

	CHECK_INT(kj_cmdline_inherit("BOOT_IMAGE=/vmlinuz root=/dev/vda1 console=ttyS0 "
				     "pci=noacpi crashkernel=160M acpi_rsdp=0xf59c0 "
				     "noapicx nolapic i8042.noaux quiet\n", out, sizeof(out)),
		  strlen("console=ttyS0 pci=noacpi acpi_rsdp=0xf59c0 nolapic i8042.noaux"));
	CHECK_STR(out, "console=ttyS0 pci=noacpi acpi_rsdp=0xf59c0 nolapic i8042.noaux");
	CHECK_INT(kj_cmdline_inherit("", out, sizeof(out)), 0);
	CHECK_STR(out, "");
	/* what does not fit is left out whole */
	CHECK_INT(kj_cmdline_inherit("console=ttyS0 console=tty0", out, 20), 13);
	CHECK_STR(out, "console=ttyS0");
}

TEST(cmdline_drop)
{
	char line[] = "console=ttyS0 lpj=10384508  lpj=103845080 quiet lpj=10384508";

	CHECK_INT(kj_cmdline_drop(line, "lpj=10384508"),
		  strlen("console=ttyS0 lpj=103845080 quiet"));
	CHECK_STR(line, "console=ttyS0 lpj=103845080 quiet");
	CHECK_INT(kj_cmdline_drop(line, "quiet"), strlen("console=ttyS0 lpj=103845080"));
	CHECK_STR(line, "console=ttyS0 lpj=103845080");
}

/* The test kernel's boot log in qemu (-smp 2): its boot CPU's line; the
 * secondary CPU measured and says lpj= too, without a value. */
TEST(lpj_from_kernel_log)
{
	size_t len;
	char *log = t_data("dmesg-qemu-6.12.txt", &len);
	static const char preset[] =
		"<6>[    0.1] Calibrating delay loop (skipped) preset value.. 4800.00 BogoMIPS (lpj=9600000)\n";
	static const char cut[] = "<6>[    0.1] Calibrating delay loop (skipped), value calculated "
				  "using timer frequency.. 5192.25 BogoMIPS (lpj=1038";

	CHECK_U64(kj_lpj_parse(log, len), 10384508);
	CHECK_U64(kj_lpj_parse(preset, strlen(preset)), 9600000);
	/* a line the ring buffer cut, and a log without the line */
	CHECK_U64(kj_lpj_parse(cut, strlen(cut)), 0);
	CHECK_U64(kj_lpj_parse(log, 200), 0);
	free(log);
}

/* A CPU without the TSC deadline timer (qemu's default under TCG) has
 * its APIC timers measured at every boot; one with it does not. Only the
 * first "flags" line counts, and only whole words. */
TEST(lapic_calibrates_from_cpuinfo)
{
	size_t len;
	char *qemu = t_data("cpuinfo-qemu64.txt", &len);
	char *epyc;
	static const char noapic[] = "flags\t\t: fpu tsc msr apic_x\nflags : apic\n";
	static const char first[] = "model\t: x\nflags\t\t: fpu apic\nflags\t: apic tsc_deadline_timer\n";
	static const char cut[] = "bugs\t: x\nflags\t\t: fpu apic tsc_deadline_time";
	static const char named[] = "vmx flags\t: apic\n";

	CHECK(kj_cpuinfo_lapic_calibrates(qemu, len));
	free(qemu);
	epyc = t_data("cpuinfo-epyc.txt", &len);
	CHECK(!kj_cpuinfo_lapic_calibrates(epyc, len));
	free(epyc);
	CHECK(!kj_cpuinfo_lapic_calibrates(noapic, strlen(noapic)));
	CHECK(kj_cpuinfo_lapic_calibrates(first, strlen(first)));
	CHECK(kj_cpuinfo_lapic_calibrates(cut, strlen(cut)));
	CHECK(!kj_cpuinfo_lapic_calibrates(named, strlen(named)));
	CHECK(!kj_cpuinfo_lapic_calibrates("", 0));
}

TEST(slot_ranges)
{
	struct kj_range region = { 0x20000000, 0x3fffffff }, s;

	CHECK_INT(kj_slot_range(&region, 1, 256ull << 20, &s), 0);
	CHECK_U64(s.start, 0x20000000);
	CHECK_U64(s.end, 0x2fffffff);
	CHECK_INT(kj_slot_range(&region, 2, 256ull << 20, &s), 0);
	CHECK_U64(s.start, 0x30000000);
	CHECK_U64(s.end, 0x3fffffff);
	CHECK_INT(kj_slot_range(&region, 3, 256ull << 20, &s), -ERANGE);
	CHECK_INT(kj_slot_range(&region, 5, 128ull << 20, &s), -ERANGE);
	CHECK_INT(kj_slot_range(&region, 4, 128ull << 20, &s), 0);
	CHECK_U64(s.start, 0x38000000);
	CHECK_INT(kj_slot_range(&region, 1, 3ull << 20, &s), -EINVAL);
	CHECK_INT(kj_slot_range(&region, 0, 256ull << 20, &s), -EINVAL);
	CHECK_INT(kj_slot_range(&region, 1, 0, &s), -EINVAL);
	CHECK_INT(kj_slot_range(&region, 1, 1ull << 30, &s), -ERANGE);
	CHECK_INT(kj_slot_range(&region, 0x80000000u, 1ull << 40, &s), -ERANGE);
}

/* B in slot 2 of a 256 MiB region: its segments in the slot, its RAM the
 * slot and low memory only, and neither its map nor its ELF core headers
 * give it slot 1 (another kernel's) as anything but a hole. */
TEST(plan_in_a_slot)
{
	struct fixture f;
	struct kj_range slot, region;
	struct kj_elf_phdr *ph;
	size_t n;

	setup(&f, 0x20000000, 256u << 20);
	region = f.sys.region;
	CHECK_INT(kj_slot_range(&region, 2, 128ull << 20, &slot), 0);
	CHECK_U64(slot.start, 0x28000000);
	f.in.slot = &slot;
	CHECK_INT(plan(&f), 0);
	CHECK(confined(&f.plan, &slot));
	for (size_t i = 0; i < f.plan.ne820; i++) {
		const struct kj_e820_entry *e = &f.plan.e820[i];

		if (e->type == KJ_E820_RAM)
			CHECK(e->range.end < 0x100000 ||
			      (e->range.start >= slot.start && e->range.end <= slot.end));
		/* slot 1 is neither B's RAM nor the caller's */
		if (e->type == KJ_E820_RAM || e->type == KJ_E820_ACPI)
			CHECK(e->range.end < 0x20000000 || e->range.start > 0x27ffffff);
	}
	CHECK_INT(kj_elfcore_parse(f.plan.elfcore_buf,
				   seg_of(&f.plan, KJ_SEG_ELFCORE)->bufsz, &ph, &n), 0);
	for (size_t i = 1; i < n; i++)
		CHECK(ph[i].paddr + ph[i].memsz <= 0x20000000 ||
		      ph[i].paddr > region.end);
	free(ph);
	/* B is told what its load used of the slot: up to its core headers */
	{
		const struct kj_segment *core = seg_of(&f.plan, KJ_SEG_ELFCORE);
		struct kj_range keep;

		CHECK_INT(kj_keep_range(f.plan.cmdline_text, &keep), 0);
		CHECK_U64(keep.start, 0x28000000);
		CHECK_U64(keep.end, core->mem + core->memsz - 1);
	}
	teardown(&f);
}

/* B in the whole region is written in place: a crash load takes the
 * region's segments, whose every byte and entry (the purgatory) the
 * kernel wants inside the crashkernel region; the jump's load takes the
 * low backups. Not R, nor a kernel in a slot. */
TEST(plan_in_place_split)
{
	struct fixture f;
	struct kj_segment region[KJ_SEGMENTS_MAX], low[KJ_SEGMENTS_MAX];
	struct kj_range slot;
	size_t nr, nl;

	setup(&f, 0x30000000, 160u << 20);
	CHECK_INT(plan(&f), 0);
	CHECK(f.plan.in_place);
	kj_plan_split(&f.plan, region, &nr, low, &nl);
	CHECK_INT(nr, 4);
	CHECK_INT(nl, 1);
	CHECK_INT(nr + nl, f.plan.nr);
	for (size_t i = 0; i < nr; i++) {
		CHECK(region[i].mem >= f.sys.region.start);
		CHECK(region[i].mem + region[i].memsz - 1 <= f.sys.region.end);
	}
	CHECK(f.plan.entry >= f.sys.region.start && f.plan.entry <= f.sys.region.end);
	CHECK_U64(low[0].mem, 0);
	CHECK_U64(low[0].memsz, 0x9f000);
	CHECK_U64(low[0].bufsz, 0);
	teardown(&f);

	setup(&f, 0x30000000, 160u << 20);
	f.in.restore = true;
	CHECK_INT(plan(&f), 0);
	CHECK(!f.plan.in_place);
	teardown(&f);

	setup(&f, 0x20000000, 256u << 20);
	CHECK_INT(kj_slot_range(&f.sys.region, 1, 128ull << 20, &slot), 0);
	f.in.slot = &slot;
	CHECK_INT(plan(&f), 0);
	CHECK(!f.plan.in_place);
	teardown(&f);
}

TEST(keep_range_parse)
{
	struct kj_range k;

	CHECK_INT(kj_keep_range("console=ttyS0 kjump.keep=0x0000000028000000-0x0000000029ffffff nokaslr", &k), 0);
	CHECK_U64(k.start, 0x28000000);
	CHECK_U64(k.end, 0x29ffffff);
	CHECK_INT(kj_keep_range("kjump.keep=0x1000-0x1fff\n", &k), 0);
	CHECK_INT(kj_keep_range("xkjump.keep=0x1000-0x1fff", &k), -ENOENT);
	CHECK_INT(kj_keep_range("console=ttyS0", &k), -ENOENT);
	CHECK_INT(kj_keep_range("kjump.keep=0x1000-0x1ffe", &k), -EINVAL);
	CHECK_INT(kj_keep_range("kjump.keep=0x2000-0x0fff", &k), -EINVAL);
	CHECK_INT(kj_keep_range("kjump.keep=0x1000", &k), -EINVAL);
	CHECK_INT(kj_keep_range("kjump.keep=0x1000-0x1fffz", &k), -EINVAL);
}
