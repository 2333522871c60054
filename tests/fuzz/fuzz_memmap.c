// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the firmware's memory map as /sys/firmware/memmap
 * gives it, a folder per entry with files start, end and type. The input
 * is their contents, separated by NUL bytes, three to an entry; without
 * an entry of a known type the map comes from /proc/iomem, which the
 * input also is (or, if it does not parse, a fixed one). Then the low RAM
 * a load keeps, from the map.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "loader/loader.h"
#include "fuzz.h"

#define ENTRIES_MAX 16

static const char *const names[] = { "start", "end", "type" };
static char dir[64];
static struct kj_iomem *fallback;

static void entry_path(char *path, size_t i, const char *name)
{
	snprintf(path, 128, "%s/%zu%s%s", dir, i, name ? "/" : "", name ? name : "");
}

static void clean_up(void)
{
	char path[128];

	for (size_t i = 0; i <= ENTRIES_MAX; i++) {
		for (size_t k = 0; k < KJ_ARRAY_SIZE(names); k++) {
			entry_path(path, i, names[k]);
			unlink(path);
		}
		entry_path(path, i, NULL);
		rmdir(path);
	}
	rmdir(dir);
	kj_iomem_free(fallback);
}

static void set_up(void)
{
	static const char iomem[] = "00000000-0009ffff : System RAM\n";
	char path[128];

	/* in memory if there is a /dev/shm: files on disk were 3 times slower */
	snprintf(dir, sizeof(dir), "%s/kj-fuzz-memmap-XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(dir) || kj_iomem_parse(iomem, sizeof(iomem) - 1, &fallback, NULL))
		abort();
	for (size_t i = 0; i <= ENTRIES_MAX; i++) {
		entry_path(path, i, NULL);
		mkdir(path, 0700);
	}
	atexit(clean_up);
}

/* The files of the first n fields, as the last input left them. */
static void remove_fields(size_t n)
{
	char path[128];

	for (size_t field = 0; field < n; field++) {
		entry_path(path, field / 3, names[field % 3]);
		unlink(path);
	}
}

/* The entries' files from the input's NUL-separated fields, and no
 * others: the reader stops at the first entry without a start. */
static void put_entries(const char *text, size_t size)
{
	static size_t last;
	const char *p = text, *end = text + size;
	char path[128];
	size_t field;

	remove_fields(last);
	for (field = 0; p < end && field < 3 * ENTRIES_MAX; field++) {
		size_t len = strnlen(p, (size_t)(end - p));
		int fd;

		entry_path(path, field / 3, names[field % 3]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0 && write(fd, p, len) != (ssize_t)len)
			abort();
		if (fd >= 0)
			close(fd);
		p += len + 1;
	}
	last = field;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct kj_iomem *iomem = NULL;
	struct kj_e820_entry *fw;
	struct kj_range low[8];
	size_t n, bad;

	if (!fallback)
		set_up();
	if (!text)
		return 0;
	put_entries(text, size);
	if (kj_iomem_parse(text, size, &iomem, &bad))
		iomem = NULL;
	if (!kj_fw_memmap_read_dir(dir, iomem ? iomem : fallback, &fw, &n)) {
		kj_low_ranges(fw, n, low, KJ_ARRAY_SIZE(low), &n);
		free(fw);
	}
	kj_iomem_free(iomem);
	free(text);
	return 0;
}
