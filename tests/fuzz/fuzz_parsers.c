// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the parsers of what the kernel and firmware hand us:
 * ELF core headers and /proc/vmcore (with its VMCOREINFO note), VMCOREINFO
 * text, /proc/iomem, bzImage setup headers, kexec_jump_back_entry=. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flow/flow.h"
#include "kjump.h"
#include "core/pgtable.h"

static void vmcore(const uint8_t *data, size_t size)
{
	struct kj_vmcore *vc;
	const char *info;
	char path[64];
	uint8_t buf[64];
	uint64_t v;
	int fd = memfd_create("core", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!kj_vmcore_open(path, &vc)) {
		if (!kj_vmcore_vmcoreinfo(vc, &info))
			kj_vmcoreinfo_u64(info, "SIZE(page)", &v);
		kj_vmcore_read(vc, 0x100000, buf, sizeof(buf));
		kj_vmcore_close(vc);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct kj_elf_phdr *ph;
	struct kj_iomem *iomem;
	struct kj_bzimage bz;
	size_t n, bad;
	uint64_t v;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!kj_elfcore_parse(data, size, &ph, &n))
		free(ph);
	vmcore(data, size);
	kj_vmcoreinfo_u64(text, "SYMBOL(vmemmap)", &v);
	kj_vmcoreinfo_u64(text, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &v);
	if (!kj_iomem_parse(text, size, &iomem, &bad)) {
		kj_iomem_is_ram(iomem, 0x100000, 0x1000);
		kj_iomem_free(iomem);
	}
	kj_bzimage_parse(data, size, &bz);
	kj_jump_back_entry(text, &v);
	free(text);
	return 0;
}
