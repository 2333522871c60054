// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/iomem parsing, on text captured from a real guest and damaged text. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "flow/flow.h"
#include "common/internal.h"
#include "machine/machine.h"
#include "t.h"

/* Captured from the test kernel in qemu -m 1G with crashkernel=64M. */
#define REAL_IOMEM "iomem-qemu-1g-crashkernel-64m.txt"

static int parse(const char *text, struct kj_iomem **m, size_t *bad)
{
	*bad = 0;
	return kj_iomem_parse(text, strlen(text), m, bad);
}

TEST(iomem_real_guest)
{
	struct kj_iomem *m = NULL;
	struct kj_range r;
	size_t len, bad = 0;
	char *text = t_data(REAL_IOMEM, &len);
	int err = kj_iomem_parse(text, len, &m, &bad);

	free(text);
	CHECK_INT(err, 0);
	CHECK(kj_iomem_count(m) > 20);
	CHECK_INT(kj_iomem_crash_region(m, &r), 0);
	CHECK_U64(kj_range_size(&r), 64u << 20);
	CHECK(kj_iomem_is_ram(m, r.start, kj_range_size(&r)));
	CHECK(kj_iomem_is_ram(m, 0x1000, 0x9e000));
	CHECK(!kj_iomem_is_ram(m, 0x9f000, 0x2000));	/* into Reserved */
	CHECK(!kj_iomem_is_ram(m, 0xfee00000, 0x1000));	/* local APIC */
	CHECK(!kj_iomem_is_ram(m, 0x40000000, 0x1000));	/* past 1 GiB */
	CHECK_INT(kj_iomem_find(m, "Kernel code", &r), 0);
	kj_iomem_free(m);
}

TEST(iomem_depth_and_names)
{
	struct kj_iomem *m;
	const struct kj_iomem_entry *e;
	size_t bad;

	CHECK_INT(parse("00000000-00000fff : Reserved\n"
			"00001000-3fffffff : System RAM\n"
			"  01000000-01ffffff : Kernel code\n"
			"    01000000-010fffff : inner\n"
			"  33000000-36ffffff : Crash kernel\n"
			"fee00000-fee00fff : Local APIC", &m, &bad), 0);
	CHECK_INT(kj_iomem_count(m), 6);
	e = kj_iomem_get(m, 3);
	CHECK_INT(e->depth, 2);
	CHECK_STR(e->name, "inner");
	CHECK_U64(e->range.end, 0x010fffff);
	e = kj_iomem_get(m, 5);
	CHECK_INT(e->depth, 0);
	CHECK_STR(e->name, "Local APIC");
	CHECK(kj_iomem_get(m, 6) == NULL);
	kj_iomem_free(m);
}

static const struct {
	const char *text;
	size_t line;
} malformed[] = {
	{ "00000000-00000fff Reserved\n", 1 },
	{ "00000000-00000fff : Reserved\n0000-zz : X\n", 2 },
	{ "00001000-00000fff : X\n", 1 },
	{ "00000000-00000fff : \n", 1 },
	{ "00000000-00000fff :\n", 1 },
	{ " 00000000-00000fff : X\n", 1 },
	{ "  00000000-00000fff : X\n", 1 },
	{ "00000000-000fffff : A\n    00000000-0000ffff : B\n", 2 },
	{ "00000100-000001ff : A\n  00000000-0000000f : B\n", 2 },
	{ "00000100-000001ff : A\n  00000100-00000200 : B\n", 2 },
	{ "0-10000000000000000 : X\n", 1 },
	{ "00000000-00000fff : A\n\n00001000-00001fff : B\n", 2 },
	{ "00001000- : X\n", 1 },
	{ "-00001000 : X\n", 1 },
	{ "00001000 : X\n", 1 },
	{ "00001000_00002000 : X\n", 1 },
	{ "00000000-00000fff:X\n", 1 },
	{ "0x0-0xfff : X\n", 1 },
};

TEST(iomem_malformed_lines)
{
	for (size_t i = 0; i < KJ_ARRAY_SIZE(malformed); i++) {
		struct kj_iomem *m = NULL;
		size_t bad;
		int err = parse(malformed[i].text, &m, &bad);

		if (err != -EINVAL || bad != malformed[i].line) {
			t_fail(__FILE__, __LINE__,
			       "case %zu: err %d, line %zu; want -EINVAL, line %zu",
			       i, err, bad, malformed[i].line);
			kj_iomem_free(m);
			return;
		}
	}
}

TEST(iomem_nul_in_name)
{
	static const char text[] = "00000000-00000fff : Res\0erved\n";
	struct kj_iomem *m;
	size_t bad = 0;

	CHECK_INT(kj_iomem_parse(text, sizeof(text) - 1, &m, &bad), -EINVAL);
	CHECK_INT(bad, 1);
}

TEST(iomem_hidden_from_non_root)
{
	struct kj_iomem *m;
	size_t bad;

	CHECK_INT(parse("00000000-00000000 : Reserved\n"
			"00000000-00000000 : System RAM\n"
			"  00000000-00000000 : Kernel code\n", &m, &bad), -EPERM);
}

TEST(iomem_empty)
{
	struct kj_iomem *m;
	size_t bad;

	CHECK_INT(parse("", &m, &bad), -ENODATA);
}

TEST(iomem_ram_joins_adjacent_entries)
{
	struct kj_iomem *m;
	size_t bad;

	CHECK_INT(parse("00001000-00001fff : System RAM\n"
			"00002000-00002fff : System RAM\n"
			"00003000-00003fff : Reserved\n"
			"00004000-00004fff : System RAM\n", &m, &bad), 0);
	CHECK(kj_iomem_is_ram(m, 0x1000, 0x2000));
	CHECK(kj_iomem_is_ram(m, 0x1800, 0x1000));
	CHECK(!kj_iomem_is_ram(m, 0x1000, 0x2001));
	CHECK(!kj_iomem_is_ram(m, 0x2000, 0x3000));
	CHECK(!kj_iomem_is_ram(m, 0x0, 0x1000));
	CHECK(!kj_iomem_is_ram(m, 0x1000, 0));
	CHECK(!kj_iomem_is_ram(m, UINT64_MAX - 1, 4));
	kj_iomem_free(m);
}

TEST(iomem_children_are_not_ram)
{
	struct kj_iomem *m;
	size_t bad;

	CHECK_INT(parse("00000000-0000ffff : PCI Bus\n"
			"  00001000-00001fff : System RAM\n", &m, &bad), 0);
	CHECK(!kj_iomem_is_ram(m, 0x1000, 0x1000));
	kj_iomem_free(m);
}

TEST(iomem_read_missing_file)
{
	struct kj_iomem *m;

	CHECK_INT(kj_iomem_read("/nonexistent/iomem", &m, NULL), -ENOENT);
}

/* dir/NAME holds text, as a sysfs attribute would. */
static int put_attr(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Entries first..end-1 of a firmware map laid out as /sys/firmware/memmap
 * lays it out: one reserved page each. */
static int add_fw_entries(const char *dir, size_t first, size_t end)
{
	char path[PATH_MAX], start[32], last[32];

	for (size_t i = first; i < end; i++) {
		snprintf(path, sizeof(path), "%s/%zu", dir, i);
		snprintf(start, sizeof(start), "0x%zx\n", i * 0x1000);
		snprintf(last, sizeof(last), "0x%zx\n", i * 0x1000 + 0xfff);
		if (mkdir(path, 0700) || put_attr(path, "start", start) ||
		    put_attr(path, "end", last) ||
		    put_attr(path, "type", "Reserved\n"))
			return -1;
	}
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* The firmware map from dir, or from iomem if dir has none: its size, or
 * a negative errno. */
static long fw_map_size(const char *dir, const struct kj_iomem *iomem)
{
	struct kj_e820_entry *e = NULL;
	size_t n = 0;
	int err = kj_fw_memmap_read_dir(dir, iomem, &e, &n);

	free(e);
	return err ? err : (long)n;
}

TEST(fw_memmap_holds_e820_max_entries)
{
	char dir[] = "/tmp/kj-memmap-XXXXXX";
	long full = -1, over = -1;

	CHECK(mkdtemp(dir));
	if (!add_fw_entries(dir, 0, KJ_E820_MAX))
		full = fw_map_size(dir, NULL);
	if (!add_fw_entries(dir, KJ_E820_MAX, KJ_E820_MAX + 1))
		over = fw_map_size(dir, NULL);
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	CHECK_INT(full, KJ_E820_MAX);
	CHECK_INT(over, -E2BIG);
}

/* /proc/iomem's top level with n reserved pages. */
static struct kj_iomem *iomem_of(size_t n)
{
	char *text = malloc(n * 32 + 1), *p = text;
	struct kj_iomem *m = NULL;

	for (size_t i = 0; text && i < n; i++)
		p += sprintf(p, "%08zx-%08zx : Reserved\n", i * 0x1000,
			     i * 0x1000 + 0xfff);
	if (text && kj_iomem_parse(text, (size_t)(p - text), &m, NULL))
		m = NULL;
	free(text);
	return m;
}

TEST(fw_memmap_from_iomem_holds_e820_max_entries)
{
	struct kj_iomem *full = iomem_of(KJ_E820_MAX);
	struct kj_iomem *over = iomem_of(KJ_E820_MAX + 1);
	long nfull = full ? fw_map_size("/nonexistent", full) : -1;
	long nover = over ? fw_map_size("/nonexistent", over) : -1;

	kj_iomem_free(full);
	kj_iomem_free(over);
	CHECK_INT(nfull, KJ_E820_MAX);
	CHECK_INT(nover, -E2BIG);
}
