/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The call stub: page 0 of every `kjump call` segment (physcall.h).
 *
 * The kernel's relocate_kernel enters it with `call`, on a small stack in
 * its control page, with paging on an identity map and interrupts off.
 * It calls the payload with the parameter block's address in rdi, on the
 * segment's own stack, and writes the payload's rax and its done mark
 * into the result page. If the result page does not hold the cookie the
 * parameter block names, the page is no longer where kjump found it: the
 * stub calls nothing and writes nothing, and kjump reports it.
 *
 * Every reference is rip-relative (physcall/check-pic), so the segment
 * runs wherever kjump places it.
 */
#include "physcall.h"

	.section .text.entry, "ax"
	.code64
	.globl	_start
_start:
	cld
	leaq	_start(%rip), %rcx
	movq	KJ_PC_PARAMS + KJ_PC_P_RESULT(%rcx), %rdx
	movq	KJ_PC_PARAMS + KJ_PC_P_COOKIE(%rcx), %rax
	cmpq	%rax, KJ_PC_R_COOKIE(%rdx)
	jne	1f

	movq	%rsp, KJ_PC_SAVED_RSP(%rcx)
	leaq	KJ_PC_STACK_TOP(%rcx), %rsp
	leaq	KJ_PC_PARAMS(%rcx), %rdi
	leaq	KJ_PC_PAYLOAD(%rcx), %rax
	xorl	%ebp, %ebp
	call	*%rax

	leaq	_start(%rip), %rcx
	movq	KJ_PC_SAVED_RSP(%rcx), %rsp
	movq	KJ_PC_PARAMS + KJ_PC_P_RESULT(%rcx), %rdx
	movq	%rax, KJ_PC_R_STATUS(%rdx)
	movabsq	$KJ_PC_DONE, %rax
	movq	%rax, KJ_PC_R_DONE(%rdx)
1:
	ret

	.section .note.GNU-stack, "", @progbits
