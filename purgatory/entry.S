/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entered from the caller's relocate_kernel with `call`: 64-bit mode, the
 * caller's identity map, interrupts off, the caller's re-entry point at
 * 0(%rsp) on a stack in the caller's swap page. We take our own stack and
 * GDT (the 64-bit boot protocol wants __BOOT_CS = 0x10, __BOOT_DS = 0x18),
 * write the re-entry point into B's command line, and enter B with %rsi
 * pointing at its boot_params.
 */
#include "purgatory.h"

#define BOOT_CS 0x10
#define BOOT_DS 0x18

	.section .text.entry, "ax"
	.code64
	.globl	_start, kj_params
_start:
kj_params:			/* offsets in purgatory.h count from here */
	jmp	purgatory_start
	.balign	8
	.quad	KJ_PURG_MAGIC
	.quad	0		/* kernel entry */
	.quad	0		/* boot_params */
	.quad	0		/* slot */
	.quad	0		/* slot length */

purgatory_start:
	cli
	cld
	movq	(%rsp), %rdi
	leaq	stack_top(%rip), %rsp

	leaq	gdt(%rip), %rax
	movq	%rax, gdt_base(%rip)
	lgdt	gdt_desc(%rip)
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	1f(%rip), %rax
	pushq	$BOOT_CS
	pushq	%rax
	lretq
1:
	call	purgatory_main

	movq	kj_params + KJ_PURG_OFF_BOOT_PARAMS(%rip), %rsi
	movq	kj_params + KJ_PURG_OFF_KERNEL_ENTRY(%rip), %rax
	xorl	%ebx, %ebx
	xorl	%ebp, %ebp
	xorl	%edi, %edi
	jmp	*%rax

	.section .data
	.balign	16
gdt:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff	/* BOOT_CS: 64-bit code, flat */
	.quad	0x00cf92000000ffff	/* BOOT_DS: data, flat, 4 GiB */
gdt_end:
	.balign	8
	.word	0, 0, 0
gdt_desc:
	.word	gdt_end - gdt - 1
gdt_base:
	.quad	0

	.balign	16
	.fill	8192, 1, 0
stack_top:

	.section .note.GNU-stack, "", @progbits
