// SPDX-License-Identifier: GPL-2.0-or-later
/* What a load needs to know about the running system, from /proc and /sys. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "common/le.h"
#include "core/core.h"
#include "machine/machine.h"

#define IOMEM_PATH "/proc/iomem"
#define VMCOREINFO_PATH "/sys/kernel/vmcoreinfo"
#define BOOT_PARAMS_PATH "/sys/kernel/boot_params/data"
#define EFI_SYSTAB_PATH "/sys/firmware/efi/systab"

static int collect_ram(const struct kj_iomem *iomem, struct kj_system *sys)
{
	size_t count = kj_iomem_count(iomem);

	sys->ram = calloc(count ? count : 1, sizeof(*sys->ram));
	if (!sys->ram)
		return -ENOMEM;
	sys->nram = kj_iomem_system_ram(iomem, sys->ram);
	return sys->nram ? 0 : -ENODATA;
}

static int read_vmcoreinfo(struct kj_system *sys)
{
	char *text;
	size_t len;
	int err = kj_read_text(VMCOREINFO_PATH, &text, &len);

	if (err)
		return err;
	if (sscanf(text, "%" SCNx64 " %" SCNx64, &sys->vmcoreinfo_addr,
		   &sys->vmcoreinfo_size) != 2 || !sys->vmcoreinfo_size)
		err = -EINVAL;
	free(text);
	return err;
}

static uint64_t rsdp_from_efi(void)
{
	char *text, *p;
	size_t len;
	uint64_t addr = 0;

	if (kj_read_text(EFI_SYSTAB_PATH, &text, &len))
		return 0;
	p = strstr(text, "ACPI20=");
	if (!p)
		p = strstr(text, "ACPI=");
	if (p)
		addr = strtoull(strchr(p, '=') + 1, NULL, 0);
	free(text);
	return addr;
}

/* The RSDP the running kernel was given or found. With 0, B scans the
 * BIOS area itself, which kjump leaves alone. */
static uint64_t read_rsdp(void)
{
	char *bp;
	size_t len;
	uint64_t addr = 0;

	if (!kj_read_text(BOOT_PARAMS_PATH, &bp, &len)) {
		if (len >= KJ_BP_ACPI_RSDP_ADDR + 8)
			addr = get_le64((uint8_t *)bp + KJ_BP_ACPI_RSDP_ADDR);
		free(bp);
	}
	return addr ? addr : rsdp_from_efi();
}

/* The direct map's base, from /proc/kcore. makedumpfile needs it in the
 * PT_LOADs when memory layout randomization moved it. */
static uint64_t read_page_offset(void)
{
	uint8_t *buf = malloc(1 << 16);
	uint64_t off = 0;
	int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	ssize_t len = fd < 0 || !buf ? -1 : pread(fd, buf, 1 << 16, 0);

	if (fd >= 0)
		close(fd);
	if (len > 0)
		off = kj_kcore_page_offset(buf, (size_t)len);
	free(buf);
	return off;
}

int kj_system_read(struct kj_system *sys)
{
	struct kj_iomem *iomem;
	struct sysinfo si;
	int err;

	memset(sys, 0, sizeof(*sys));
	err = kj_iomem_read(IOMEM_PATH, &iomem, NULL);
	if (err)
		return err;
	sys->has_region = !kj_iomem_crash_region(iomem, &sys->region);
	err = collect_ram(iomem, sys);
	if (!err)
		err = kj_fw_memmap_read(iomem, &sys->fw, &sys->nfw);
	kj_iomem_free(iomem);
	if (err) {
		kj_system_release(sys);
		return err;
	}
	if (read_vmcoreinfo(sys))
		kj_warn("cannot read %s: B will have no VMCOREINFO",
			VMCOREINFO_PATH);
	sys->rsdp = read_rsdp();
	sys->page_offset = read_page_offset();
	if (!sysinfo(&si))
		sys->total_ram = (uint64_t)si.totalram * si.mem_unit;
	return 0;
}

void kj_system_release(struct kj_system *sys)
{
	free(sys->ram);
	free(sys->fw);
	sys->ram = NULL;
	sys->fw = NULL;
}
