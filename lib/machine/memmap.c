// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The firmware's memory map, from /sys/firmware/memmap (what the firmware
 * said, before any memmap= on the command line), or from the top level
 * of /proc/iomem on kernels without CONFIG_FIRMWARE_MEMMAP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"

#define FW_MEMMAP "/sys/firmware/memmap"

uint32_t kj_e820_type(const char *name)
{
	static const struct {
		const char *name;
		uint32_t type;
	} types[] = {
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

	for (size_t i = 0; i < KJ_ARRAY_SIZE(types); i++)
		if (!strcmp(name, types[i].name))
			return types[i].type;
	return 0;
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

static int read_fw_entry(unsigned int i, struct kj_e820_entry *e)
{
	char path[64], *name;
	size_t len;
	int err;

	snprintf(path, sizeof(path), FW_MEMMAP "/%u/start", i);
	if ((err = read_hex_file(path, &e->range.start)))
		return err;
	snprintf(path, sizeof(path), FW_MEMMAP "/%u/end", i);
	if ((err = read_hex_file(path, &e->range.end)))
		return err;
	snprintf(path, sizeof(path), FW_MEMMAP "/%u/type", i);
	if ((err = kj_read_text(path, &name, &len)))
		return err;
	name[strcspn(name, "\n")] = '\0';
	e->type = kj_e820_type(name);
	if (!e->type)
		kj_debug("firmware map entry %u: unknown type '%s'\n", i, name);
	free(name);
	return e->range.start > e->range.end ? -EINVAL : 0;
}

static int read_fw_memmap(struct kj_e820_entry **out, size_t *n)
{
	struct kj_e820_entry *e = calloc(KJ_E820_MAX, sizeof(*e));
	size_t count = 0;
	int err = 0;

	if (!e)
		return -ENOMEM;
	for (unsigned int i = 0; !err; i++) {
		if (count == KJ_E820_MAX) {
			err = -E2BIG;
			break;
		}
		err = read_fw_entry(i, &e[count]);
		if (!err && e[count].type)
			count++;
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

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < kj_iomem_count(iomem); i++) {
		const struct kj_iomem_entry *ie = kj_iomem_get(iomem, i);
		uint32_t type = kj_e820_type(ie->name);

		if (ie->depth || !type)
			continue;
		if (count == KJ_E820_MAX) {
			free(e);
			return -E2BIG;
		}
		e[count].range = ie->range;
		e[count++].type = type;
	}
	*out = e;
	*n = count;
	return 0;
}

int kj_fw_memmap_read(const struct kj_iomem *iomem,
		      struct kj_e820_entry **out, size_t *n)
{
	int err = read_fw_memmap(out, n);

	if (err == -ENOENT) {
		kj_info("no %s: taking the memory map from /proc/iomem\n",
			FW_MEMMAP);
		err = fw_from_iomem(iomem, out, n);
	}
	return err;
}
