/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The call stub and the BIOS payloads, built from physcall/, inside
 * libkjump (lib/kexec/sys.h). */
	.macro	blob name, file
	.section .rodata
	.balign	16
	.globl	kj_\name, kj_\name\()_end
	.hidden	kj_\name, kj_\name\()_end
kj_\name:
	.incbin	"\file"
kj_\name\()_end:
	.endm

	blob	physcall_stub, STUB_BIN
	blob	physcall_e820, E820_BIN

	.section .note.GNU-stack, "", @progbits
