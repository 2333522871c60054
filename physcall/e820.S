/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `kjump bios e820`: reads the firmware's memory map with INT 15h,
 * AX=E820h, in real mode, and returns to long mode and to Linux.
 *
 * A `kjump call` payload (physcall.h, doc/call.md): entered in 64-bit
 * mode with the parameter block in rdi, on the segment's stack. kjump
 * places the segment below 1 MiB, in low RAM the kexec swap backs up and
 * gives back, so real mode can reach all of it with CS = base / 16.
 *
 * The way down: save what Linux needs back (control registers, EFER, the
 * FS and GS bases, GDTR, IDTR, the stack), load a GDT of our own, drop
 * to 32-bit compatibility mode, turn paging and long mode off, go to
 * 16-bit protected mode on segments based at the payload, turn protected
 * mode off, and far-jump to real mode with the BIOS's IVT as the IDT.
 * The way up: protected mode, 32-bit, a page table of our own that maps
 * the first 2 MiB, long mode, then Linux's CR3, EFER, CR4, CR0, segment
 * bases, GDTR and IDTR back as they were.
 *
 * Returns the number of entries (each 24 bytes: base, length, type,
 * ACPI 3.0 attributes) copied to the output buffer, or a negative error:
 * -1 the segment is not below 1 MiB, -2 5-level paging is on, -3 the
 * output buffer is too small.
 *
 * No absolute relocation: every address is rip-relative or an offset
 * from _start (OFF), patched into the descriptors at run time.
 */
#include "physcall.h"

#define E820_MAX	128
#define E820_ENTRY	24
#define SMAP		0x534d4150

#define MSR_EFER	0xc0000080
#define MSR_FS_BASE	0xc0000100
#define MSR_GS_BASE	0xc0000101
#define MSR_KGS_BASE	0xc0000102
#define EFER_LME	0x100
#define EFER_LMA	0x400
#define CR0_PE		0x1
#define CR0_PG		0x80000000
#define CR4_PAE		0x20
#define CR4_LA57	0x1000

/* Our GDT: code32, code64 and data sit where Linux has __KERNEL32_CS,
 * __KERNEL_CS and __KERNEL_DS, so the selectors left loaded when we
 * return mean the same in Linux's GDT. */
#define SEL_CODE32	0x08
#define SEL_CODE64	0x10
#define SEL_DATA	0x18
#define SEL_CODE16	0x20
#define SEL_DATA16	0x28

#define OFF(x)		((x) - _start)

/* 64-bit mode: the MSR into, or from, the quadword at var */
	.macro	save_msr msr, var
	movl	$\msr, %ecx
	rdmsr
	movl	%eax, \var(%rip)
	movl	%edx, \var + 4(%rip)
	.endm

/* 32-bit mode: every data segment register to the flat data segment */
	.macro	flat_data
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	.endm

	.macro	load_msr msr, var
	movl	$\msr, %ecx
	movl	\var(%rip), %eax
	movl	\var + 4(%rip), %edx
	wrmsr
	.endm

	.section .text.entry, "ax"
	.code64
	.globl	_start
_start:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	$-1, %rax
	leaq	end(%rip), %rbx
	cmpq	$0x100000, %rbx
	ja	out
	movq	$-2, %rax
	movq	%cr4, %rbx
	testl	$CR4_LA57, %ebx
	jnz	out
	movq	$-3, %rax
	cmpq	$(E820_MAX * E820_ENTRY), KJ_PC_P_OUT_SIZE(%rdi)
	jb	out

	leaq	_start(%rip), %rbx
	call	save_state
	call	patch
	/* CR4: PAE only from here (PCIDE must be off to turn paging off) */
	movl	$CR4_PAE, %eax
	movq	%rax, %cr4
	lgdt	gdt_ptr(%rip)
	pushq	$SEL_CODE32
	leaq	pm32(%rip), %rax
	pushq	%rax
	lretq

save_state:
	movq	%rdi, saved_params(%rip)
	leaq	8(%rsp), %rax
	movq	%rax, saved_rsp(%rip)
	movq	%cr0, %rax
	movq	%rax, saved_cr0(%rip)
	movq	%cr3, %rax
	movq	%rax, saved_cr3(%rip)
	movq	%cr4, %rax
	movq	%rax, saved_cr4(%rip)
	save_msr MSR_EFER, saved_efer
	save_msr MSR_FS_BASE, saved_fs
	save_msr MSR_GS_BASE, saved_gs
	save_msr MSR_KGS_BASE, saved_kgs
	sgdt	saved_gdtr(%rip)
	sidt	saved_idtr(%rip)
	ret

/* What depends on where we are (rbx): the 16-bit descriptors' base, the
 * GDT pointer, the far pointers, the page table. */
patch:
	movl	%ebx, base32(%rip)
	movl	%ebx, %eax
	movw	%ax, gdt_code16 + 2(%rip)
	movw	%ax, gdt_data16 + 2(%rip)
	shrl	$16, %eax
	movb	%al, gdt_code16 + 4(%rip)
	movb	%al, gdt_data16 + 4(%rip)
	leaq	gdt(%rip), %rax
	movq	%rax, gdt_ptr + 2(%rip)
	movl	%ebx, %eax
	shrl	$4, %eax
	movw	%ax, rm_far + 2(%rip)
	leaq	pm32_back(%rip), %rax
	movl	%eax, pm32_far(%rip)
	leaq	pdpt(%rip), %rax
	orq	$3, %rax
	movq	%rax, pml4(%rip)
	leaq	pd(%rip), %rax
	orq	$3, %rax
	movq	%rax, pdpt(%rip)
	movq	$0x83, pd(%rip)		/* 2 MiB at 0: present, writable, large */
	ret

	.code32
pm32:
	flat_data
	movl	%cr0, %eax
	andl	$~CR0_PG, %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	pushl	$SEL_CODE16
	pushl	$OFF(pm16)
	lretl

	.code16
pm16:
	movw	$SEL_DATA16, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$OFF(rm_stack_top), %esp
	movl	%cr0, %eax
	andl	$~CR0_PE, %eax
	movl	%eax, %cr0
	ljmpw	*OFF(rm_far)

rm:
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$OFF(rm_stack_top), %sp
	lidtl	OFF(rm_idt)
	xorl	%ebx, %ebx
	movw	$0, OFF(e820_count)
1:
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	OFF(e820_count), %ax
	movw	$E820_ENTRY, %cx
	mulw	%cx
	addw	$OFF(e820_buf), %ax
	movw	%ax, %di
	movl	$1, 20(%di)		/* ACPI 3.0 attributes: valid unless the BIOS says */
	movl	$0xe820, %eax
	movl	$SMAP, %edx
	movl	$E820_ENTRY, %ecx
	int	$0x15
	jc	2f
	cmpl	$SMAP, %eax
	jne	2f
	incw	%cs:OFF(e820_count)
	testl	%ebx, %ebx
	jz	2f
	cmpw	$E820_MAX, %cs:OFF(e820_count)
	jb	1b
2:
	movw	%cs, %ax
	movw	%ax, %ds
	movl	OFF(base32), %ebx
	lgdtl	OFF(gdt_ptr)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*OFF(pm32_far)

	.code32
pm32_back:
	flat_data
	leal	OFF(rm_stack_top)(%ebx), %esp
	leal	OFF(pml4)(%ebx), %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0
	pushl	$SEL_CODE64
	leal	OFF(lm64)(%ebx), %eax
	pushl	%eax
	lretl

	.code64
lm64:
	movq	saved_cr3(%rip), %rax
	movq	%rax, %cr3
	movl	$MSR_EFER, %ecx
	movl	saved_efer(%rip), %eax
	movl	saved_efer + 4(%rip), %edx
	andl	$~EFER_LMA, %eax
	wrmsr
	movq	saved_cr4(%rip), %rax
	movq	%rax, %cr4
	movq	saved_cr0(%rip), %rax
	movq	%rax, %cr0
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	load_msr MSR_FS_BASE, saved_fs
	load_msr MSR_GS_BASE, saved_gs
	load_msr MSR_KGS_BASE, saved_kgs
	lgdt	saved_gdtr(%rip)
	lidt	saved_idtr(%rip)
	movq	saved_rsp(%rip), %rsp

	/* the entries to the output buffer, their length to the result */
	movq	saved_params(%rip), %r8
	movzwl	e820_count(%rip), %ecx
	imull	$E820_ENTRY, %ecx
	movq	KJ_PC_P_RESULT(%r8), %rdx
	movq	%rcx, KJ_PC_R_OUT_LEN(%rdx)
	movq	KJ_PC_P_OUT(%r8), %rdi
	leaq	e820_buf(%rip), %rsi
	rep movsb
	movzwl	e820_count(%rip), %eax
out:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	.balign	16
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08 code, 32-bit, flat */
	.quad	0x00af9a000000ffff	/* 0x10 code, 64-bit */
	.quad	0x00cf92000000ffff	/* 0x18 data, flat */
gdt_code16:
	.quad	0x00009a000000ffff	/* 0x20 code, 16-bit, 64 KiB at the payload */
gdt_data16:
	.quad	0x000092000000ffff	/* 0x28 data, 16-bit, 64 KiB at the payload */
gdt_end:
	.balign	8
gdt_ptr:
	.word	gdt_end - gdt - 1
	.quad	0
rm_idt:
	.word	0x3ff
	.long	0
rm_far:
	.word	OFF(rm), 0
pm32_far:
	.long	0
	.word	SEL_CODE32
	.balign	8
base32:		.long	0, 0
saved_params:	.quad	0
saved_rsp:	.quad	0
saved_cr0:	.quad	0
saved_cr3:	.quad	0
saved_cr4:	.quad	0
saved_efer:	.quad	0
saved_fs:	.quad	0
saved_gs:	.quad	0
saved_kgs:	.quad	0
saved_gdtr:	.fill	16
saved_idtr:	.fill	16
e820_count:	.word	0
	.balign	16
e820_buf:	.fill	E820_MAX * E820_ENTRY
	.balign	16
rm_stack:	.fill	4096
rm_stack_top:
	.balign	4096
pml4:		.fill	4096
pdpt:		.fill	4096
pd:		.fill	4096
end:

	.section .note.GNU-stack, "", @progbits
