// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The firmware's memory map, from /sys/firmware/memmap (what the firmware
 * said, before any memmap= on the command line), or from the top level
 * of /proc/iomem on kernels without CONFIG_FIRMWARE_MEMMAP.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"

#define FW_MEMMAP "/sys/firmware/memmap"

/* The names /sys/firmware/memmap and /proc/iomem give e820 types; the
 * first of a type is the one kj_e820_type_name() gives. */
static const struct {
	const char *name;
	uint32_t type;
} e820_names[] = {
	{ "System RAM", KJ_E820_RAM },
	{ "Reserved", KJ_E820_RESERVED },
	{ "reserved", KJ_E820_RESERVED },
	{ "ACPI Tables", KJ_E820_ACPI },
	{ "ACPI Non-volatile Storage", KJ_E820_NVS },
	{ "Unusable memory", KJ_E820_UNUSABLE },
	{ "Persistent Memory", KJ_E820_PMEM },
	{ "Persistent Memory (legacy)", KJ_E820_PRAM },
	{ "Soft Reserved", KJ_E820_SOFT_RESERVED },
};

uint32_t kj_e820_type(const char *name)
{
	for (size_t i = 0; i < KJ_ARRAY_SIZE(e820_names); i++)
		if (!strcmp(name, e820_names[i].name))
			return e820_names[i].type;
	return 0;
}

const char *kj_e820_type_name(uint32_t type)
{
	for (size_t i = 0; i < KJ_ARRAY_SIZE(e820_names); i++)
		if (type == e820_names[i].type)
			return e820_names[i].name;
	return NULL;
}

static int read_hex_file(const char *path, uint64_t *v)
{
	char *text, *end;
	size_t len;
	int err = kj_read_text(path, &text, &len);

	if (err)
		return err;
	errno = 0;
	*v = strtoull(text, &end, 16);
	err = errno || end == text ? -EINVAL : 0;
	free(text);
	return err;
}

static int read_fw_entry(const char *dir, unsigned int i,
			 struct kj_e820_entry *e)
{
	char path[PATH_MAX], *name;
	size_t len;
	int err;

	snprintf(path, sizeof(path), "%s/%u/start", dir, i);
	if ((err = read_hex_file(path, &e->range.start)))
		return err;
	snprintf(path, sizeof(path), "%s/%u/end", dir, i);
	if ((err = read_hex_file(path, &e->range.end)))
		return err;
	snprintf(path, sizeof(path), "%s/%u/type", dir, i);
	if ((err = kj_read_text(path, &name, &len)))
		return err;
	name[strcspn(name, "\n")] = '\0';
	e->type = kj_e820_type(name);
	if (!e->type)
		kj_debug("firmware map entry %u: unknown type '%s'", i, name);
	free(name);
	return e->range.start > e->range.end ? -EINVAL : 0;
}

/* Keeps entry if its type is known. A map of more entries than
 * boot_params holds is refused. */
static int add_entry(struct kj_e820_entry *e, size_t *count,
		     const struct kj_e820_entry *entry)
{
	if (!entry->type)
		return 0;
	if (*count == KJ_E820_MAX)
		return -E2BIG;
	e[(*count)++] = *entry;
	return 0;
}

static int read_fw_memmap(const char *dir, struct kj_e820_entry **out,
			  size_t *n)
{
	struct kj_e820_entry *e = calloc(KJ_E820_MAX, sizeof(*e));
	size_t count = 0;
	int err = 0;

	if (!e)
		return -ENOMEM;
	for (unsigned int i = 0; !err; i++) {
		struct kj_e820_entry entry;

		err = read_fw_entry(dir, i, &entry);
		if (!err)
			err = add_entry(e, &count, &entry);
	}
	if (err == -ENOENT && count)
		err = 0;
	if (err) {
		free(e);
		return err;
	}
	*out = e;
	*n = count;
	return 0;
}

/* Without /sys/firmware/memmap: the top level of /proc/iomem, which has
 * the same names for what the firmware reported. */
static int fw_from_iomem(const struct kj_iomem *iomem,
			 struct kj_e820_entry **out, size_t *n)
{
	struct kj_e820_entry *e = calloc(KJ_E820_MAX, sizeof(*e));
	size_t count = 0;
	int err = 0;

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; !err && i < kj_iomem_count(iomem); i++) {
		const struct kj_iomem_entry *ie = kj_iomem_get(iomem, i);
		struct kj_e820_entry entry = { ie->range,
					       kj_e820_type(ie->name) };

		if (!ie->depth)
			err = add_entry(e, &count, &entry);
	}
	if (err) {
		free(e);
		return err;
	}
	*out = e;
	*n = count;
	return 0;
}

int kj_fw_memmap_read(const struct kj_iomem *iomem,
		      struct kj_e820_entry **out, size_t *n)
{
	return kj_fw_memmap_read_dir(FW_MEMMAP, iomem, out, n);
}

int kj_fw_memmap_read_dir(const char *dir, const struct kj_iomem *iomem,
			  struct kj_e820_entry **out, size_t *n)
{
	int err = read_fw_memmap(dir, out, n);

	if (err == -ENOENT) {
		kj_debug("no %s: taking the memory map from /proc/iomem", dir);
		err = fw_from_iomem(iomem, out, n);
	}
	return err;
}
