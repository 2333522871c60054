/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The layout of a `kjump call` (doc/call.md), shared by the stub and the
 * BIOS payloads in this folder, the C payloads in examples/, and the
 * library that builds the segment (lib/kexec/call.c). Defines only, so
 * that assembly can include it.
 *
 * The segment, one kexec segment at a page-aligned physical base:
 *   0x0000  the stub (stub.S), entered by the kernel
 *   0x0100  the parameter block (KJ_PC_P_*)
 *   0x0180  the stub's save of the kernel's stack pointer
 *   0x1000  the payload's stack, 16 KiB, growing down from 0x5000
 *   0x5000  the payload, entered at its first byte
 *   then    the input, at the next page boundary
 *
 * The result page, one locked page of the calling process, found through
 * /proc/self/pagemap:
 *   0x00  out_len: the payload writes how many output bytes it wrote
 *   0x08  status: the stub writes the payload's rax
 *   0x10  cookie: kjump writes it, the stub calls the payload only if it
 *         finds it there (the page is still where it was found)
 *   0x18  done: the stub writes KJ_PC_DONE once the payload returned
 *   0x20  the output buffer, to the end of the page
 */
#ifndef KJ_PHYSCALL_H
#define KJ_PHYSCALL_H

#define KJ_PC_PARAMS		0x100
#define KJ_PC_SAVED_RSP		0x180
#define KJ_PC_STACK_TOP		0x5000
#define KJ_PC_PAYLOAD		0x5000

/* The parameter block, at KJ_PC_PARAMS: little-endian 64-bit fields
 * unless said. */
#define KJ_PC_P_MAGIC		0x00	/* "KJCALLP1" */
#define KJ_PC_P_SIZE		0x08	/* 32 bits: KJ_PC_P_LEN */
#define KJ_PC_P_NARGS		0x0c	/* 32 bits: how many args are given */
#define KJ_PC_P_ARGS		0x10	/* KJ_PC_MAX_ARGS values */
#define KJ_PC_P_IN		0x50	/* the input's physical address */
#define KJ_PC_P_IN_LEN		0x58	/* its length in bytes */
#define KJ_PC_P_OUT		0x60	/* the output buffer's physical address */
#define KJ_PC_P_OUT_SIZE	0x68	/* its size in bytes */
#define KJ_PC_P_RESULT		0x70	/* the result page's physical address */
#define KJ_PC_P_COOKIE		0x78	/* what the result page holds at 0x10 */
#define KJ_PC_P_LEN		0x80
#define KJ_PC_MAX_ARGS		8

#define KJ_PC_R_OUT_LEN		0x00
#define KJ_PC_R_STATUS		0x08
#define KJ_PC_R_COOKIE		0x10
#define KJ_PC_R_DONE		0x18
#define KJ_PC_R_OUT		0x20

/* "KJCALLP1" and "KJCALLR1" as little-endian 64-bit numbers */
#define KJ_PC_MAGIC		0x31504c4c41434a4b
#define KJ_PC_DONE		0x31524c4c41434a4b

#endif
