/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/core: A's memory as B reads it. ELF core headers, /proc/vmcore,
 * VMCOREINFO. The loader builds core headers for B; the image exports
 * one. */
#ifndef KJ_CORE_H
#define KJ_CORE_H

#include "common/internal.h"

/* The identification every core kjump writes or reads starts with: the
 * ELF magic, 64-bit class, little-endian data, version 1. */
#define KJ_ELF_IDENT		"\177ELF\2\1\1"
#define KJ_ELF_IDENT_LEN	7
#define KJ_ELF_EHDR_SIZE	64
/* The name of the note that holds VMCOREINFO. */
#define KJ_VMCOREINFO_NAME	"VMCOREINFO"

/* How many bytes the ELF header and program headers take, from the ELF
 * header alone. */
int kj_elfcore_headers_size(const void *ehdr, size_t len, size_t *size);

/* ELF core headers for a core file: the note right after the program
 * headers, each PT_LOAD's data at a file offset from *data_start on. */
int kj_elfcore_build_file(const struct kj_range *loads, size_t nloads,
			  size_t note_len, uint64_t page_offset, void **buf,
			  size_t *len, uint64_t *data_start);

/* The open file behind a core, for mmap. */
int kj_vmcore_fd(const struct kj_vmcore *vc);

/* The value of KEY in a VMCOREINFO text; -ENOENT if it is not there. */
int kj_vmcoreinfo_u64(const char *text, const char *key, uint64_t *out);

/* Builds ELF64 core headers: one PT_NOTE at note_addr, a PT_LOAD for each
 * range, with p_vaddr = page_offset + p_paddr if page_offset is not 0.
 * The caller frees *buf. */
int kj_elfcore_build(const struct kj_range *loads, size_t nloads,
		     uint64_t note_addr, uint64_t note_size, uint64_t page_offset,
		     void **buf, size_t *len);

/* Parses an ELF64 core file's header and program headers from buf. The
 * caller frees *phdrs. -ENOEXEC if it is not an x86_64 ELF64 core. */
int kj_elfcore_parse(const void *buf, size_t len, struct kj_elf_phdr **phdrs,
		     size_t *nphdrs);

/* The direct map's base (PAGE_OFFSET, moved by memory randomization) from
 * the start of /proc/kcore: a RAM segment's virtual address minus its
 * physical one. 0 if no segment says it. */
uint64_t kj_kcore_page_offset(const void *buf, size_t len);

/* Writes the ELF note for a VMCOREINFO text into buf; its length, or 0
 * if it does not fit in cap. */
size_t kj_vmcoreinfo_note(const char *text, uint8_t *buf, size_t cap);

/* The whole pages a core's segment holds: [*first, *end) in page frames,
 * empty when it holds no whole page. */
void kj_phdr_pages(const struct kj_elf_phdr *ph, uint64_t *first,
		   uint64_t *end);

/* ---- Free pages -------------------------------------------------------- */

struct kj_freemap;

/*
 * Finds the pages that were free in the saved kernel's buddy allocator,
 * from its struct pages, as VMCOREINFO describes them. -ENOENT if
 * VMCOREINFO lacks a field the walk needs: then nothing may be left out.
 */
int kj_freemap_build(const struct kj_vmcore *vc, struct kj_freemap **out);
bool kj_freemap_test(const struct kj_freemap *m, uint64_t pfn);
uint64_t kj_freemap_count(const struct kj_freemap *m);
void kj_freemap_free(struct kj_freemap *m);

#endif
