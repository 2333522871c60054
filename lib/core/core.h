/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/core: A's memory as B reads it. ELF core headers, /proc/vmcore,
 * VMCOREINFO. The loader builds core headers for B; the image exports
 * one. */
#ifndef KJ_CORE_H
#define KJ_CORE_H

#include "common/internal.h"

#define KJ_VMCORE_PATH "/proc/vmcore"

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

#endif
