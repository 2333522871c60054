// SPDX-License-Identifier: GPL-2.0-or-later
/* Ranges, e820 building, ELF core headers, /proc/vmcore reading, and the
 * kexec_jump_back_entry= parser. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "flow/flow.h"
#include "common/le.h"
#include "core/core.h"
#include "loader/loader.h"
#include "t.h"

TEST(ranges_subtract)
{
	struct kj_range src[] = { { 0x1000, 0x9fbff }, { 0x100000, 0x3ffdffff } };
	struct kj_range holes[] = { { 0x0, 0x9efff }, { 0x37000000, 0x3effffff } };
	struct kj_range out[8];
	size_t n;

	CHECK_INT(kj_ranges_subtract(src, 2, holes, 2, out, 8, &n), 0);
	CHECK_INT(n, 3);
	CHECK_U64(out[0].start, 0x9f000);
	CHECK_U64(out[0].end, 0x9fbff);
	CHECK_U64(out[1].end, 0x36ffffff);
	CHECK_U64(out[2].start, 0x3f000000);
	CHECK_INT(kj_ranges_subtract(src, 2, src, 2, out, 8, &n), 0);
	CHECK_INT(n, 0);
	CHECK_INT(kj_ranges_subtract(src, 2, holes, 2, out, 2, &n), -E2BIG);
}

TEST(ranges_first_difference)
{
	struct kj_range a[] = { { 0x100000, 0x2fffffff }, { 0x3a000000, 0x3ffd9fff } };
	struct kj_range b[] = { { 0x100000, 0x2fffffff }, { 0x3a000000, 0x3ffdafff } };

	CHECK_U64(kj_ranges_first_difference(a, 2, a, 2), SIZE_MAX);
	CHECK_U64(kj_ranges_first_difference(NULL, 0, NULL, 0), SIZE_MAX);
	CHECK_U64(kj_ranges_first_difference(a, 2, b, 2), 1);
	CHECK_U64(kj_ranges_first_difference(a, 1, a, 2), 1);	/* one list ends */
	CHECK_U64(kj_ranges_first_difference(a, 2, a, 1), 1);
	CHECK_U64(kj_ranges_first_difference(a, 2, b + 1, 1), 0);
}

TEST(ranges_subtract_hole_inside_and_at_edges)
{
	struct kj_range src[] = { { 0, UINT64_MAX } };
	struct kj_range holes[] = { { 0, 0xfff }, { 0x5000, 0x5fff },
				    { UINT64_MAX - 0xfff, UINT64_MAX } };
	struct kj_range out[8];
	size_t n;

	CHECK_INT(kj_ranges_subtract(src, 1, holes, 3, out, 8, &n), 0);
	CHECK_INT(n, 2);
	CHECK_U64(out[0].start, 0x1000);
	CHECK_U64(out[0].end, 0x4fff);
	CHECK_U64(out[1].start, 0x6000);
	CHECK_U64(out[1].end, UINT64_MAX - 0x1000);
}

TEST(e820_carve_and_overlap)
{
	struct kj_e820_entry fw[] = { { { 0x9fc00, 0x9ffff }, KJ_E820_RESERVED } };
	struct kj_range ram[] = { { 0x1000, 0x9efff }, { 0x1000000, 0x1ffffff } };
	struct kj_range carve = { 0x1800000, 0x1800fff };
	struct kj_e820_entry map[KJ_E820_MAX];
	size_t n;

	CHECK_INT(kj_e820_build(fw, 1, ram, 2, &carve, 1, NULL, map, &n), 0);
	CHECK_INT(n, 5);
	CHECK_U64(map[2].range.end, 0x17fffff);
	CHECK_INT(map[3].type, KJ_E820_RESERVED);
	CHECK_U64(map[3].range.start, 0x1800000);
	CHECK_U64(map[4].range.start, 0x1801000);
	CHECK_INT(map[4].type, KJ_E820_RAM);
	fw[0].range.start = 0x1fff000;		/* non-RAM inside B's RAM */
	fw[0].range.end = 0x2000fff;
	CHECK_INT(kj_e820_build(fw, 1, ram, 2, &carve, 1, NULL, map, &n), -EINVAL);
}

TEST(e820_low_ranges)
{
	struct kj_e820_entry fw[] = {
		{ { 0x0, 0x9fbff }, KJ_E820_RAM },
		{ { 0x9fc00, 0x9ffff }, KJ_E820_RESERVED },
		{ { 0xc0800, 0x1fffff }, KJ_E820_RAM },	/* crosses 1 MiB */
	};
	struct kj_range low[4];
	size_t n;

	CHECK_INT(kj_low_ranges(fw, 3, low, 4, &n), 0);
	CHECK_INT(n, 2);
	CHECK_U64(low[0].end, 0x9efff);
	CHECK_U64(low[1].start, 0xc1000);
	CHECK_U64(low[1].end, 0xfffff);
	CHECK_INT(kj_low_ranges(fw, 3, low, 1, &n), -E2BIG);
	CHECK_INT(kj_e820_type("ACPI Non-volatile Storage"), KJ_E820_NVS);
	CHECK_INT(kj_e820_type("PCI Bus 0000:00"), 0);
}

TEST(elfcore_round_trip)
{
	struct kj_range loads[] = { { 0x100000, 0x36ffffff }, { 0x3f000000, 0x3ffdffff } };
	struct kj_elf_phdr *ph;
	size_t len, n, hsize;
	void *buf;

	CHECK_INT(kj_elfcore_build(loads, 2, 0x2b0f1000, 0x1000, 0, &buf, &len), 0);
	CHECK_INT(len, 64 + 3 * 56);
	CHECK_INT(kj_elfcore_headers_size(buf, 64, &hsize), 0);
	CHECK_INT(hsize, len);
	CHECK_INT(kj_elfcore_parse(buf, len, &ph, &n), 0);
	CHECK_INT(n, 3);
	CHECK_INT(ph[0].type, KJ_PT_NOTE);
	CHECK_U64(ph[0].offset, 0x2b0f1000);
	CHECK_U64(ph[0].filesz, 0x1000);
	for (size_t i = 1; i < 3; i++) {
		CHECK_INT(ph[i].type, KJ_PT_LOAD);
		CHECK_U64(ph[i].offset, loads[i - 1].start);
		CHECK_U64(ph[i].paddr, loads[i - 1].start);
		CHECK_U64(ph[i].memsz, kj_range_size(&loads[i - 1]));
	}
	free(ph);
	free(buf);
	CHECK_INT(kj_elfcore_build(loads, 2, 0, 0, 0xffff888000000000ull, &buf, &len), 0);
	CHECK_INT(kj_elfcore_parse(buf, len, &ph, &n), 0);
	CHECK_U64(ph[2].vaddr, 0xffff888000000000ull + 0x3f000000);
	CHECK_U64(ph[0].vaddr, 0);
	free(ph);
	CHECK_INT(kj_elfcore_parse(buf, len - 1, &ph, &n), -EBADMSG);
	((uint8_t *)buf)[0x12] = 3;		/* EM_386 */
	CHECK_INT(kj_elfcore_parse(buf, len, &ph, &n), -ENOEXEC);
	((uint8_t *)buf)[0x12] = 62;
	((uint8_t *)buf)[4] = 1;		/* ELFCLASS32 */
	CHECK_INT(kj_elfcore_parse(buf, len, &ph, &n), -ENOEXEC);
	free(buf);
}

/* The head of a real /proc/kcore: segments without a physical address
 * (p_paddr -1: vsyscall, vmalloc, vmemmap) among the RAM ones. */
TEST(kcore_page_offset)
{
	size_t len, n;
	uint8_t *kcore = (uint8_t *)t_data("kcore-qemu-1g-kaslr.head", &len);
	struct kj_elf_phdr *ph;

	CHECK_INT(kj_elfcore_parse(kcore, len, &ph, &n), 0);
	CHECK_INT(n, 8);
	CHECK_U64(ph[1].paddr, UINT64_MAX);
	free(ph);
	CHECK_U64(kj_kcore_page_offset(kcore, len), 0xffff8cfdc0000000ull);
	kcore[64 + 4 * 56 + 0x10] ^= 0x10;	/* low RAM's p_vaddr, off by 4 KiB */
	kcore[64 + 6 * 56 + 0x10] ^= 0x10;	/* and the big range's */
	CHECK_U64(kj_kcore_page_offset(kcore, len), 0);
	CHECK_U64(kj_kcore_page_offset(kcore, 63), 0);
	free(kcore);
}

/* path holds text; returns what kj_crash_loads_left made of it, and
 * leaves the file's text in after. */
static int crash_count(const char *text, int64_t *left, char *after, size_t size)
{
	char path[] = "/tmp/kj-crash-limit-XXXXXX";
	int fd = mkstemp(path), err;
	ssize_t n;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -EIO;
	close(fd);
	err = kj_crash_loads_left(path, left);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, after, size - 1);
	after[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	unlink(path);
	return err;
}

TEST(crash_load_count)
{
	char after[32];
	int64_t left = 0;

	/* no limit counts nothing: armed to the largest count */
	CHECK_INT(crash_count("-1\n", &left, after, sizeof(after)), 0);
	CHECK_INT(left, 2147483647);
	CHECK(!strcmp(after, "2147483647"));
	/* a count is read as it is, and left alone */
	CHECK_INT(crash_count("2147483645\n", &left, after, sizeof(after)), 0);
	CHECK_INT(left, 2147483645);
	CHECK(!strcmp(after, "2147483645\n"));
	CHECK_INT(crash_count("0\n", &left, after, sizeof(after)), 0);
	CHECK_INT(left, 0);
	CHECK_INT(crash_count("many\n", &left, after, sizeof(after)), -EINVAL);
	CHECK_INT(crash_count("", &left, after, sizeof(after)), -EIO);
	/* a kernel before 6.6 has no such file */
	CHECK_INT(kj_crash_loads_left("/proc/sys/kernel/kj-no-such-limit", &left), -ENOENT);
}

TEST(jump_back_entry_parse)
{
	uint64_t e;

	CHECK_INT(kj_jump_back_entry("console=ttyS0 kexec_jump_back_entry=0x00000000005c70f2\n", &e), 0);
	CHECK_U64(e, 0x5c70f2);
	CHECK_INT(kj_jump_back_entry("kexec_jump_back_entry=0xa0000f2 quiet", &e), 0);
	CHECK_U64(e, 0xa0000f2);
	CHECK_INT(kj_jump_back_entry("a kexec_jump_back_entry=0x0000000000000000", &e), -ENOENT);
	CHECK_INT(kj_jump_back_entry("console=ttyS0", &e), -ENOENT);
	CHECK_INT(kj_jump_back_entry("xkexec_jump_back_entry=0x1", &e), -ENOENT);
	CHECK_INT(kj_jump_back_entry("kexec_jump_back_entry=0x12g", &e), -EINVAL);
	CHECK_INT(kj_jump_back_entry("kexec_jump_back_entry=", &e), -EINVAL);
}

/* A small /proc/vmcore: one note with VMCOREINFO, two PT_LOADs whose data
 * follows the headers (file offsets, as the kernel writes them). The note
 * says its text has descsz bytes (0: as many as it has). */
static char *write_core(uint32_t descsz)
{
	static char path[32];
	static const char info[] = "OSRELEASE=6.12.117\nPAGESIZE=4096\n";
	uint8_t core[64 + 3 * 56 + 64 + 2 * 4096];
	struct kj_range loads[] = { { 0x100000, 0x100fff }, { 0x101000, 0x101fff } };
	uint8_t *note = core + 64 + 3 * 56;
	void *hdr;
	size_t len;
	int fd;

	memset(core, 0, sizeof(core));
	kj_elfcore_build(loads, 2, 0, 0, 0, &hdr, &len);
	memcpy(core, hdr, len);
	free(hdr);
	put_le64(core + 64 + 0x08, (uint64_t)(note - core));	/* note offset */
	put_le64(core + 64 + 0x20, 64);			/* note filesz */
	put_le64(core + 64 + 0x28, 64);			/* and memsz */
	put_le32(note, 11);
	put_le32(note + 4, descsz ? descsz : sizeof(info) - 1);
	memcpy(note + 12, "VMCOREINFO", 11);
	memcpy(note + 24, info, sizeof(info) - 1);
	for (int i = 0; i < 2; i++) {
		put_le64(core + 64 + (size_t)(i + 1) * 56 + 0x08,
			 (uint64_t)(note + 64 - core) + (uint64_t)i * 4096);
		memset(note + 64 + i * 4096, 'a' + i, 4096);
	}
	strcpy(path, "/tmp/kj-vmcore-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, core, sizeof(core)) != (ssize_t)sizeof(core))
		return NULL;
	close(fd);
	return path;
}

TEST(vmcore_reader)
{
	char *path = write_core(0);
	struct kj_vmcore *vc;
	const char *info;
	char buf[16];

	CHECK(path);
	CHECK_INT(kj_vmcore_open(path, &vc), 0);
	CHECK_INT(kj_vmcore_phdr_count(vc), 3);
	CHECK_INT(kj_vmcore_vmcoreinfo(vc, &info), 0);
	CHECK_STR(info, "OSRELEASE=6.12.117\nPAGESIZE=4096\n");
	CHECK_INT(kj_vmcore_read(vc, 0x100ff8, buf, 16), 0);	/* across loads */
	CHECK(!memcmp(buf, "aaaaaaaabbbbbbbb", 16));
	CHECK_INT(kj_vmcore_read(vc, 0x101ff8, buf, 16), -ENXIO);
	CHECK_INT(kj_vmcore_read(vc, 0xff000, buf, 1), -ENXIO);
	kj_vmcore_close(vc);
	unlink(path);
	CHECK_INT(kj_vmcore_open("/nonexistent", &vc), -ENOENT);
}

/* A note size near 4 GiB once wrapped to 0 when rounded up, and the text
 * was read far past the note (found with ASan through kjump vmcore). */
TEST(vmcore_note_size_past_the_note)
{
	uint32_t sizes[] = { 0xfffffffd, 0xffffffff, 0x80000000, 41 };

	for (size_t i = 0; i < KJ_ARRAY_SIZE(sizes); i++) {
		char *path = write_core(sizes[i]);
		struct kj_vmcore *vc;
		const char *info;

		CHECK(path);
		CHECK_INT(kj_vmcore_open(path, &vc), 0);
		CHECK_INT(kj_vmcore_vmcoreinfo(vc, &info), -ENOENT);
		kj_vmcore_close(vc);
		unlink(path);
	}
}

TEST(vmcoreinfo_str_is_anchored_at_line_starts)
{
	static const char info[] = "XOSRELEASE=wrong\nOSRELEASE=6.12.117\nBUILD-ID=ab12\n";
	char out[16];

	CHECK_INT(kj_vmcoreinfo_str(info, "OSRELEASE", out, sizeof(out)), 0);
	CHECK_STR(out, "6.12.117");
	CHECK_INT(kj_vmcoreinfo_str(info, "BUILD-ID", out, sizeof(out)), 0);
	CHECK_STR(out, "ab12");
	CHECK_INT(kj_vmcoreinfo_str(info, "PAGESIZE", out, sizeof(out)), -ENOENT);
	CHECK_STR(out, "");
}

TEST(phdr_whole_pages)
{
	struct kj_elf_phdr ph = { .type = KJ_PT_LOAD, .paddr = 0x9f000, .filesz = 0xc00 };
	uint64_t first, end;

	kj_phdr_pages(&ph, &first, &end);
	CHECK_U64(end - first, 0);
	ph.paddr = 0x9fc00;
	ph.filesz = 0x100;		/* less than a page, unaligned */
	kj_phdr_pages(&ph, &first, &end);
	CHECK_U64(end, first);
	ph.paddr = 0x100800;
	ph.filesz = 0x3000;
	kj_phdr_pages(&ph, &first, &end);
	CHECK_U64(first, 0x101);
	CHECK_U64(end, 0x103);
}
