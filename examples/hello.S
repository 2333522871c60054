/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A flat binary for `kjump call`: writes one line to COM1 and returns.
 *
 * It runs in physical mode: 64-bit, on the kernel's identity map, with
 * interrupts off, entered at its first byte by kjump's stub with the
 * parameter block in rdi (doc/call.md), which it does not need. It must be
 * position independent: kjump loads it wherever the region starts. It
 * touches only rax, rcx, rdx and rsi, and returns 0.
 */
#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define LSR_THRE	0x20	/* transmit holding register empty */

	.text
	.code64
	.globl	_start
_start:
	leaq	message(%rip), %rsi
	movl	$(message_end - message), %ecx
1:
	movw	$COM1_LSR, %dx
2:
	inb	%dx, %al
	testb	$LSR_THRE, %al
	jz	2b
	movw	$COM1, %dx
	lodsb
	outb	%al, %dx
	loop	1b
	xorl	%eax, %eax
	ret

message:
	.ascii	"kjump-payload: hello from physical mode\r\n"
message_end:
