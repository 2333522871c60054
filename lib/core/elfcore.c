// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF64 core headers, as a kernel booted with elfcorehdr= reads them: a
 * PT_LOAD's p_offset is the physical address of the old memory it
 * describes; a PT_NOTE's p_offset is the physical address of the notes.
 * The same reader parses the /proc/vmcore the loaded kernel makes of them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "core/core.h"

#define PHDR_SIZE	56
#define ET_CORE		4
#define EM_X86_64	62
#define PF_RWX		7
#define PHNUM_MAX	0xfff0	/* beyond it ELF wants an extension */

static void put_ehdr(uint8_t *p, size_t phnum)
{
	memcpy(p, KJ_ELF_IDENT, KJ_ELF_IDENT_LEN);
	put_le16(p + 0x10, ET_CORE);
	put_le16(p + 0x12, EM_X86_64);
	put_le32(p + 0x14, 1);
	put_le64(p + 0x20, KJ_ELF_EHDR_SIZE);
	put_le16(p + 0x34, KJ_ELF_EHDR_SIZE);
	put_le16(p + 0x36, PHDR_SIZE);
	put_le16(p + 0x38, (uint16_t)phnum);
}

static void put_phdr(uint8_t *p, uint32_t type, uint64_t offset,
		     uint64_t paddr, uint64_t vaddr, uint64_t size)
{
	put_le32(p, type);
	put_le32(p + 0x04, PF_RWX);
	put_le64(p + 0x08, offset);
	put_le64(p + 0x10, vaddr);
	put_le64(p + 0x18, paddr);
	put_le64(p + 0x20, size);		/* p_filesz */
	put_le64(p + 0x28, size);		/* p_memsz */
	put_le64(p + 0x30, type == KJ_PT_LOAD ? KJ_PAGE_SIZE : 0);
}

/* Program header i: 0 is the note, the PT_LOADs follow. */
static uint8_t *phdr_at(uint8_t *p, size_t i)
{
	return p + KJ_ELF_EHDR_SIZE + i * PHDR_SIZE;
}

/* A zeroed buffer with the ELF header for a note and nloads PT_LOADs. */
static int alloc_headers(size_t nloads, uint8_t **p, size_t *size)
{
	size_t phnum = nloads + 1;

	if (phnum > PHNUM_MAX)
		return -E2BIG;
	*size = KJ_ELF_EHDR_SIZE + phnum * PHDR_SIZE;
	*p = calloc(1, *size);
	if (!*p)
		return -ENOMEM;
	put_ehdr(*p, phnum);
	return 0;
}

int kj_elfcore_build(const struct kj_range *loads, size_t nloads,
		     uint64_t note_addr, uint64_t note_size, uint64_t page_offset,
		     void **buf, size_t *len)
{
	size_t size;
	uint8_t *p;
	int err = alloc_headers(nloads, &p, &size);

	if (err)
		return err;
	/* For elfcorehdr=, p_offset is the physical address of old memory. */
	put_phdr(phdr_at(p, 0), KJ_PT_NOTE, note_addr, note_addr, 0, note_size);
	for (size_t i = 0; i < nloads; i++)
		put_phdr(phdr_at(p, i + 1), KJ_PT_LOAD,
			 loads[i].start, loads[i].start,
			 page_offset ? page_offset + loads[i].start : 0,
			 kj_range_size(&loads[i]));
	*buf = p;
	*len = size;
	return 0;
}

static int check_ehdr(const uint8_t *p, size_t len)
{
	if (len < KJ_ELF_EHDR_SIZE ||
	    memcmp(p, KJ_ELF_IDENT, KJ_ELF_IDENT_LEN) ||
	    get_le16(p + 0x10) != ET_CORE || get_le16(p + 0x12) != EM_X86_64)
		return -ENOEXEC;
	if (get_le16(p + 0x36) != PHDR_SIZE)
		return -EBADMSG;
	return 0;
}

static void get_phdr(const uint8_t *p, struct kj_elf_phdr *ph)
{
	ph->type = get_le32(p);
	ph->offset = get_le64(p + 0x08);
	ph->vaddr = get_le64(p + 0x10);
	ph->paddr = get_le64(p + 0x18);
	ph->filesz = get_le64(p + 0x20);
	ph->memsz = get_le64(p + 0x28);
}

int kj_elfcore_parse(const void *buf, size_t len, struct kj_elf_phdr **phdrs,
		     size_t *nphdrs)
{
	const uint8_t *p = buf;
	uint64_t phoff;
	size_t phnum;
	struct kj_elf_phdr *ph;
	int err = check_ehdr(p, len);

	if (err)
		return err;
	phoff = get_le64(p + 0x20);
	phnum = get_le16(p + 0x38);
	if (phoff > len || phnum > (len - phoff) / PHDR_SIZE)
		return -EBADMSG;
	ph = calloc(phnum ? phnum : 1, sizeof(*ph));
	if (!ph)
		return -ENOMEM;
	for (size_t i = 0; i < phnum; i++) {
		get_phdr(p + phoff + i * PHDR_SIZE, &ph[i]);
		/* /proc/kcore gives p_paddr -1 where there is none, and
		 * its PT_NOTE a p_memsz of 0 */
		if ((ph[i].type == KJ_PT_LOAD && ph[i].filesz > ph[i].memsz) ||
		    (ph[i].paddr != UINT64_MAX &&
		     ph[i].paddr + ph[i].memsz < ph[i].paddr) ||
		    ph[i].offset + ph[i].filesz < ph[i].offset) {
			free(ph);
			return -EBADMSG;
		}
	}
	*phdrs = ph;
	*nphdrs = phnum;
	return 0;
}

/* A segment of the direct map: a kernel address below the kernel image's
 * mapping, at a known physical address, 1 GiB apart from it (the
 * randomization moves the map in whole gigabytes). */
static bool direct_map(const struct kj_elf_phdr *ph)
{
	return ph->type == KJ_PT_LOAD && ph->paddr != UINT64_MAX &&
	       ph->vaddr >= 0xff00000000000000ull &&
	       ph->vaddr < 0xffffffff80000000ull &&
	       !((ph->vaddr - ph->paddr) & ((1ull << 30) - 1));
}

uint64_t kj_kcore_page_offset(const void *buf, size_t len)
{
	struct kj_elf_phdr *ph;
	uint64_t off = 0;
	size_t n;

	if (kj_elfcore_parse(buf, len, &ph, &n))
		return 0;
	for (size_t i = 0; i < n && !off; i++)
		if (direct_map(&ph[i]))
			off = ph[i].vaddr - ph[i].paddr;
	free(ph);
	return off;
}

/* Where the header and program headers end, from the first 64 bytes. */
int kj_elfcore_headers_size(const void *ehdr, size_t len, size_t *size)
{
	const uint8_t *p = ehdr;
	int err = check_ehdr(p, len);
	uint64_t end;

	if (err)
		return err;
	end = get_le64(p + 0x20) + (uint64_t)get_le16(p + 0x38) * PHDR_SIZE;
	if (end > (64u << 20))
		return -EBADMSG;
	*size = (size_t)end;
	return 0;
}

size_t kj_vmcoreinfo_note(const char *text, uint8_t *buf, size_t cap)
{
	static const char name[] = KJ_VMCOREINFO_NAME;
	size_t desc = strlen(text);
	size_t len = 12 + 12 + ((desc + 3) & ~(size_t)3);

	if (len > cap)
		return 0;
	memset(buf, 0, len);
	put_le32(buf, sizeof(name));
	put_le32(buf + 4, (uint32_t)desc);
	memcpy(buf + 12, name, sizeof(name));
	memcpy(buf + 24, text, desc);
	return len;
}

int kj_elfcore_build_file(const struct kj_range *loads, size_t nloads,
			  size_t note_len, uint64_t page_offset, void **buf,
			  size_t *len, uint64_t *data_start)
{
	uint64_t off;
	size_t size;
	uint8_t *p;
	int err = alloc_headers(nloads, &p, &size);

	if (err)
		return err;
	put_phdr(phdr_at(p, 0), KJ_PT_NOTE, size, 0, 0, note_len);
	off = kj_align_up(size + note_len, KJ_PAGE_SIZE);
	*data_start = off;
	for (size_t i = 0; i < nloads; i++) {
		uint64_t n = kj_range_size(&loads[i]);

		put_phdr(phdr_at(p, i + 1), KJ_PT_LOAD, off,
			 loads[i].start, page_offset ? page_offset + loads[i].start : 0, n);
		off += n;
	}
	*buf = p;
	*len = size;
	return 0;
}

void kj_phdr_pages(const struct kj_elf_phdr *ph, uint64_t *first,
		   uint64_t *end)
{
	*first = kj_page_up(ph->paddr) / KJ_PAGE_SIZE;
	*end = (ph->paddr + ph->filesz) / KJ_PAGE_SIZE;
	if (*end < *first)	/* less than a page, not page aligned */
		*end = *first;
}
