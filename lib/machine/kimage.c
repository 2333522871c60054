// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the kernel now loaded with kexec would be entered: the kernel's
 * struct kimage `start`, which the kernel sets to the peer's re-entry
 * point each time a preserve-context jump comes back (machine_kexec()
 * in arch/x86/kernel/machine_kexec_64.c: image->start =
 * relocate_kernel(...)). Nothing shows it to user space, so it is read
 * from the kernel's memory: the address of `kexec_image` from
 * /proc/kallsyms, then the pointer and the field through /proc/kcore.
 * `start` follows head, entry and last_entry, three words (include/
 * linux/kexec.h, unchanged since 2.6).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/machine.h"
#include "common/le.h"

#define KIMAGE_START_OFFSET 24
#define KCORE_HEAD (1 << 16)

static int symbol_address(const char *name, uint64_t *addr)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long a;
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 &&
		    !strcmp(sym, name))
			err = a ? (*addr = a, 0) : -EPERM;
	fclose(f);
	return err;
}

/* 8 bytes at kernel virtual address va, through the PT_LOADs of
 * /proc/kcore, whose first bytes are in head. (kj_elfcore_parse() is
 * for the cores kjump makes and reads: it refuses kcore's program
 * headers whose physical address is -1.) */
static int kcore_read64(int fd, const uint8_t *head, size_t len, uint64_t va,
			uint64_t *v)
{
	uint64_t phoff = get_le64(head + 0x20);
	unsigned phnum = get_le16(head + 0x38);

	if (len < 64 || memcmp(head, "\177ELF", 4) || phoff > len ||
	    phnum > (len - phoff) / 56)
		return -EBADMSG;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = head + phoff + 56 * i;
		uint64_t off = get_le64(ph + 0x08), vaddr = get_le64(ph + 0x10);
		uint64_t memsz = get_le64(ph + 0x28);

		if (get_le32(ph) == 1 && va >= vaddr && va - vaddr <= memsz - 8 &&
		    memsz >= 8)
			return kj_pread_all(fd, v, 8, off + (va - vaddr));
	}
	return -EFAULT;
}

int kj_kexec_image_start(uint64_t *start)
{
	uint8_t *head = malloc(KCORE_HEAD);
	int fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	uint64_t sym = 0, image = 0;
	ssize_t len = -1;
	int err = symbol_address("kexec_image", &sym);

	if (fd < 0 || !head)
		err = fd < 0 ? -errno : -ENOMEM;
	if (!err && (len = pread(fd, head, KCORE_HEAD, 0)) <= 0)
		err = len < 0 ? -errno : -EIO;
	if (!err)
		err = kcore_read64(fd, head, (size_t)len, sym, &image);
	if (!err && !image)
		err = -ENOENT;
	if (!err)
		err = kcore_read64(fd, head, (size_t)len, image + KIMAGE_START_OFFSET, start);
	free(head);
	if (fd >= 0)
		close(fd);
	return err;
}
