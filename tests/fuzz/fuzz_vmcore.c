// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: ELF core headers (as kexec's elfcorehdr= and
 * /proc/vmcore have them) and a core file opened whole: its program
 * headers, its notes with VMCOREINFO, reads through its PT_LOADs.
 */
#include "core/core.h"
#include "fuzz.h"

static void read_loads(const struct kj_vmcore *vc)
{
	uint8_t buf[64];

	for (size_t i = 0; i < kj_vmcore_phdr_count(vc); i++) {
		const struct kj_elf_phdr *ph = kj_vmcore_phdr(vc, i);
		uint64_t first, end;

		kj_phdr_pages(ph, &first, &end);
		if (ph->type == KJ_PT_LOAD)
			kj_vmcore_read(vc, ph->paddr + ph->filesz / 2, buf, sizeof(buf));
	}
}

static void open_core(const uint8_t *data, size_t size)
{
	struct kj_vmcore *vc;
	const char *info;
	char path[64];
	uint64_t v;

	if (fuzz_file(data, size, path, sizeof(path)) < 0 ||
	    kj_vmcore_open(path, &vc))
		return;
	if (!kj_vmcore_vmcoreinfo(vc, &info))
		kj_vmcoreinfo_u64(info, "SIZE(page)", &v);
	read_loads(vc);
	kj_vmcore_close(vc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kj_elf_phdr *ph;
	size_t n;

	if (!kj_elfcore_parse(data, size, &ph, &n))
		free(ph);
	kj_elfcore_headers_size(data, size, &n);
	open_core(data, size);
	return 0;
}
