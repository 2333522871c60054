// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Calls into a flat binary in physical mode, and back (doc/call.md).
 *
 * One kexec segment holds kjump's stub (physcall/stub.S), the parameter
 * block, a stack, the payload and its input (physcall/physcall.h). The
 * kernel swaps the segment's pages with what lay at its destination and
 * swaps them back after the return, so nothing the payload leaves there
 * survives: what it gives back goes into a locked page of this process,
 * the result page, whose physical address the parameter block names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "kexec/sys.h"
#include "machine/machine.h"
#include "common/le.h"
#include "physcall.h"

/* Low memory a BIOS call may use: from 64 KiB (the IVT, the BIOS data
 * area and the boot sector's pages stay untouched) to 640 KiB. */
#define LOW_FROM	0x10000ull
#define LOW_TO		0xa0000ull

static uint64_t input_offset(const struct kj_call_req *q)
{
	return KJ_PC_PAYLOAD + kj_page_up(q->code_size);
}

uint64_t kj_call_segment_size(const struct kj_call_req *q)
{
	return input_offset(q) + kj_page_up(q->in_len);
}

void kj_call_params(uint8_t p[KJ_CALL_PARAMS_SIZE], const struct kj_call_req *q,
		    uint64_t base, uint64_t result, uint64_t cookie)
{
	memset(p, 0, KJ_CALL_PARAMS_SIZE);
	put_le64(p + KJ_PC_P_MAGIC, KJ_PC_MAGIC);
	put_le32(p + KJ_PC_P_SIZE, KJ_PC_P_LEN);
	put_le32(p + KJ_PC_P_NARGS, q->nargs);
	for (unsigned i = 0; i < q->nargs && i < KJ_PC_MAX_ARGS; i++)
		put_le64(p + KJ_PC_P_ARGS + 8 * i, q->args[i]);
	if (q->in_len) {
		put_le64(p + KJ_PC_P_IN, base + input_offset(q));
		put_le64(p + KJ_PC_P_IN_LEN, q->in_len);
	}
	put_le64(p + KJ_PC_P_OUT, result + KJ_PC_R_OUT);
	put_le64(p + KJ_PC_P_OUT_SIZE, KJ_CALL_OUT_SIZE);
	put_le64(p + KJ_PC_P_RESULT, result);
	put_le64(p + KJ_PC_P_COOKIE, cookie);
}

int kj_call_place(const struct kj_iomem *iomem, uint64_t size,
		  const uint64_t *at, uint64_t *addr)
{
	struct kj_range region;
	int err;

	if (!size)
		return -EINVAL;
	if (at) {
		if (*at % KJ_PAGE_SIZE)
			return -EINVAL;
		if (!kj_iomem_is_ram(iomem, *at, kj_page_up(size)))
			return -EADDRNOTAVAIL;
		*addr = *at;
		return 0;
	}
	err = kj_iomem_crash_region(iomem, &region);
	if (err)
		return err;
	*addr = kj_page_up(region.start);
	if (*addr > region.end || kj_page_up(size) > region.end - *addr + 1)
		return -EFBIG;
	return 0;
}

int kj_call_place_low(const struct kj_iomem *iomem, uint64_t size,
		      uint64_t *addr)
{
	size = kj_page_up(size);
	for (uint64_t a = LOW_FROM; a + size <= LOW_TO; a += KJ_PAGE_SIZE) {
		if (kj_iomem_is_ram(iomem, a, size)) {
			*addr = a;
			return 0;
		}
	}
	return -ENOSPC;
}

static uint64_t new_cookie(void)
{
	uint64_t c = 0;

	/* not a secret: only unlike whatever else a page may hold */
	if (getrandom(&c, sizeof(c), GRND_NONBLOCK) != sizeof(c) &&
	    getrandom(&c, sizeof(c), GRND_INSECURE) != sizeof(c))
		c = (uint64_t)(uintptr_t)&c * 0x9e3779b97f4a7c15ull;
	return c ^ KJ_PC_DONE;
}

/* The segment for q at addr, whose result page lies at result. */
static uint8_t *build(const struct kj_call_req *q, uint64_t addr,
		      uint64_t result, uint64_t cookie, uint64_t *size)
{
	size_t stub = (size_t)(kj_physcall_stub_end - kj_physcall_stub);
	uint8_t *seg;

	*size = kj_call_segment_size(q);
	seg = calloc(1, *size);
	if (!seg)
		return NULL;
	memcpy(seg, kj_physcall_stub, stub);
	kj_call_params(seg + KJ_PC_PARAMS, q, addr, result, cookie);
	memcpy(seg + KJ_PC_PAYLOAD, q->code, q->code_size);
	if (q->in_len)
		memcpy(seg + input_offset(q), q->in, q->in_len);
	return seg;
}

/* Loads, checks the result page is still in place, jumps, unloads. */
static int run(const uint8_t *seg, uint64_t size, uint64_t addr,
	       const uint8_t *page, uint64_t result)
{
	struct kj_segment s = { .buf = seg, .bufsz = size, .mem = addr, .memsz = size };
	int err, unload_err;

	err = kj_kexec_load_jump(addr, &s, 1);
	if (err)
		return err;
	if (!kj_page_still_at(page, result)) {
		kj_kexec_unload();
		return -EAGAIN;
	}
	kj_debug("loaded %llu bytes at 0x%llx, jumping", (unsigned long long)size,
		 (unsigned long long)addr);
	err = kj_kexec_jump();
	/* The callee returned: the kernel now takes whatever was on its stack
	 * as its re-entry point. Unload, so no later jump goes there. */
	unload_err = kj_kexec_unload();
	return err ? err : unload_err;
}

static int take(const uint8_t *page, struct kj_call_result *res)
{
	if (get_le64(page + KJ_PC_R_DONE) != KJ_PC_DONE)
		return -EAGAIN;
	res->status = get_le64(page + KJ_PC_R_STATUS);
	res->out_len = (size_t)get_le64(page + KJ_PC_R_OUT_LEN);
	if (res->out_len > KJ_CALL_OUT_SIZE)
		return -EMSGSIZE;
	memcpy(res->out, page + KJ_PC_R_OUT, res->out_len);
	return 0;
}

int kj_call(const struct kj_call_req *q, uint64_t addr, struct kj_call_result *res)
{
	uint64_t result, size, cookie = new_cookie();
	uint8_t *page, *seg;
	int err;

	if (!q->code_size || q->nargs > KJ_CALL_MAX_ARGS ||
	    kj_physcall_stub_end - kj_physcall_stub > KJ_PC_PARAMS)
		return -EINVAL;
	if (q->in_len > KJ_CALL_MAX_IN)
		return -EFBIG;
	err = kj_page_lock(&page, &result);
	if (err)
		return err;
	put_le64(page + KJ_PC_R_COOKIE, cookie);
	seg = build(q, addr, result, cookie, &size);
	err = seg ? run(seg, size, addr, page, result) : -ENOMEM;
	free(seg);
	if (!err)
		err = take(page, res);
	kj_page_unlock(page);
	return err;
}

void kj_call_e820_payload(const void **code, size_t *size)
{
	*code = kj_physcall_e820;
	*size = (size_t)(kj_physcall_e820_end - kj_physcall_e820);
}

int kj_bios_e820_parse(const uint8_t *out, size_t len,
		       struct kj_bios_e820 *e, size_t max)
{
	size_t n = len / 24;

	if (len % 24)
		return -EBADMSG;
	if (n > max)
		return -E2BIG;
	for (size_t i = 0; i < n; i++, out += 24) {
		e[i].base = get_le64(out);
		e[i].length = get_le64(out + 8);
		e[i].type = get_le32(out + 16);
		e[i].attr = get_le32(out + 20);
	}
	return (int)n;
}
