/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The purgatory binary, built from purgatory/, inside libkjump. */
	.section .rodata
	.balign	16
	.globl	kj_purgatory_blob, kj_purgatory_blob_end
kj_purgatory_blob:
	.incbin	PURGATORY_BIN
kj_purgatory_blob_end:

	.section .note.GNU-stack, "", @progbits
