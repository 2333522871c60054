// SPDX-License-Identifier: GPL-2.0-or-later
/* Where kjump call puts a binary, and when it refuses. */
#include <errno.h>

#include "flow/flow.h"
#include "kexec/sys.h"
#include "common/le.h"
#include "common/internal.h"
#include "t.h"

static const char with_region[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009efff : System RAM\n"
	"0009f000-000fffff : Reserved\n"
	"00100000-3ffdffff : System RAM\n"
	"  33000000-36ffffff : Crash kernel\n"
	"fee00000-fee00fff : Local APIC\n";

static const char without_region[] =
	"00001000-0009efff : System RAM\n"
	"00100000-3ffdffff : System RAM\n";

static struct kj_iomem *load(const char *text)
{
	struct kj_iomem *m = NULL;

	kj_iomem_parse(text, strlen(text), &m, NULL);
	return m;
}

TEST(call_place_default_is_region_start)
{
	struct kj_iomem *m = load(with_region);
	uint64_t addr = 0;

	CHECK(m);
	CHECK_INT(kj_call_place(m, 62, NULL, &addr), 0);
	CHECK_U64(addr, 0x33000000);
	CHECK_INT(kj_call_place(m, 64u << 20, NULL, &addr), 0);
	CHECK_INT(kj_call_place(m, (64u << 20) + 1, NULL, &addr), -EFBIG);
	kj_iomem_free(m);
}

TEST(call_place_no_region)
{
	struct kj_iomem *m = load(without_region);
	uint64_t addr, at = 0x200000;

	CHECK(m);
	CHECK_INT(kj_call_place(m, 62, NULL, &addr), -ENOENT);
	CHECK_INT(kj_call_place(m, 62, &at, &addr), 0);
	CHECK_U64(addr, 0x200000);
	kj_iomem_free(m);
}

TEST(call_place_at_checks)
{
	struct kj_iomem *m = load(with_region);
	uint64_t addr, at;

	CHECK(m);
	at = 0x200001;
	CHECK_INT(kj_call_place(m, 62, &at, &addr), -EINVAL);
	at = 0xfee00000;
	CHECK_INT(kj_call_place(m, 62, &at, &addr), -EADDRNOTAVAIL);
	at = 0x9e000;	/* the second page is Reserved */
	CHECK_INT(kj_call_place(m, 4097, &at, &addr), -EADDRNOTAVAIL);
	CHECK_INT(kj_call_place(m, 4096, &at, &addr), 0);
	at = 0x40000000;
	CHECK_INT(kj_call_place(m, 62, &at, &addr), -EADDRNOTAVAIL);
	CHECK_INT(kj_call_place(m, 0, NULL, &addr), -EINVAL);
	kj_iomem_free(m);
}

TEST(lockdown_parse)
{
	CHECK_INT(kj_lockdown_parse("[none] integrity confidentiality\n"),
		  KJ_LOCKDOWN_NONE);
	CHECK_INT(kj_lockdown_parse("none [integrity] confidentiality\n"),
		  KJ_LOCKDOWN_INTEGRITY);
	CHECK_INT(kj_lockdown_parse("none integrity [confidentiality]\n"),
		  KJ_LOCKDOWN_CONFIDENTIALITY);
	CHECK_INT(kj_lockdown_parse("none integrity\n"), KJ_LOCKDOWN_UNKNOWN);
	CHECK_INT(kj_lockdown_parse(""), KJ_LOCKDOWN_UNKNOWN);
}

/* The parameter block a payload reads (physcall/physcall.h, doc/call.md). */
TEST(call_params_encoding)
{
	static const uint8_t code[100], in[5000];
	struct kj_call_req q = {
		.code = code, .code_size = sizeof(code),
		.in = in, .in_len = sizeof(in),
		.args = { 7, 0x1122334455667788ull, 3 }, .nargs = 3,
	};
	uint8_t p[KJ_CALL_PARAMS_SIZE];

	memset(p, 0xee, sizeof(p));
	kj_call_params(p, &q, 0x33000000, 0x12345000, 0xc00c1e);
	CHECK(!memcmp(p, "KJCALLP1", 8));
	CHECK_U64(get_le32(p + 0x08), KJ_CALL_PARAMS_SIZE);
	CHECK_U64(get_le32(p + 0x0c), 3);
	CHECK_U64(get_le64(p + 0x10), 7);
	CHECK_U64(get_le64(p + 0x18), 0x1122334455667788ull);
	CHECK_U64(get_le64(p + 0x20), 3);
	CHECK_U64(get_le64(p + 0x28), 0);	/* unused arguments are zero */
	CHECK_U64(get_le64(p + 0x48), 0);
	/* the payload at 0x5000, 100 bytes: the input at the next page */
	CHECK_U64(get_le64(p + 0x50), 0x33006000);
	CHECK_U64(get_le64(p + 0x58), 5000);
	CHECK_U64(get_le64(p + 0x60), 0x12345020);
	CHECK_U64(get_le64(p + 0x68), 4096 - 32);
	CHECK_U64(get_le64(p + 0x70), 0x12345000);
	CHECK_U64(get_le64(p + 0x78), 0xc00c1e);
	CHECK_U64(kj_call_segment_size(&q), 0x5000 + 0x1000 + 0x2000);

	q.in = NULL;
	q.in_len = 0;
	q.nargs = 0;
	kj_call_params(p, &q, 0x33000000, 0x12345000, 1);
	CHECK_U64(get_le64(p + 0x50), 0);	/* no input: no address */
	CHECK_U64(get_le64(p + 0x58), 0);
	CHECK_U64(get_le32(p + 0x0c), 0);
	CHECK_U64(get_le64(p + 0x10), 0);
	CHECK_U64(kj_call_segment_size(&q), 0x6000);
}

/* The stub fits before the parameter block; the BIOS payload below 64 KiB
 * of its segment base, as real mode reaches it. */
TEST(call_blobs_fit)
{
	const void *code;
	size_t size;

	CHECK(kj_physcall_stub_end - kj_physcall_stub > 0);
	CHECK(kj_physcall_stub_end - kj_physcall_stub <= 0x100);
	kj_call_e820_payload(&code, &size);
	CHECK(size > 0x1000);
	CHECK(size < 0x10000);
}

TEST(call_place_low)
{
	struct kj_iomem *m = load(with_region);
	uint64_t addr = 0;

	CHECK(m);
	CHECK_INT(kj_call_place_low(m, 0xb000, &addr), 0);
	CHECK_U64(addr, 0x10000);
	/* to 0x9efff only: 0x8f000 bytes from 64 KiB */
	CHECK_INT(kj_call_place_low(m, 0x8f000, &addr), 0);
	CHECK_INT(kj_call_place_low(m, 0x90000, &addr), -ENOSPC);
	kj_iomem_free(m);

	m = load("00000000-00000fff : Reserved\n"
		 "00001000-00017fff : System RAM\n"
		 "00018000-0001ffff : Reserved\n"
		 "00020000-0009efff : System RAM\n"
		 "00100000-3ffdffff : System RAM\n");
	CHECK(m);
	CHECK_INT(kj_call_place_low(m, 0xb000, &addr), 0);
	CHECK_U64(addr, 0x20000);	/* the first RAM it fits in, whole */
	kj_iomem_free(m);

	m = load(without_region + strlen("00001000-0009efff : System RAM\n"));
	CHECK(m);
	CHECK_INT(kj_call_place_low(m, 0x1000, &addr), -ENOSPC);
	kj_iomem_free(m);
}

/* A BIOS answer as physcall/e820.S leaves it: 24 bytes an entry. */
TEST(bios_e820_parse)
{
	uint8_t out[48] = { 0 };
	struct kj_bios_e820 e[2];

	put_le64(out, 0);
	put_le64(out + 8, 0x9fc00);
	put_le32(out + 16, 1);
	put_le32(out + 20, 1);
	put_le64(out + 24, 0xfeffc000);
	put_le64(out + 32, 0x4000);
	put_le32(out + 40, 2);
	put_le32(out + 44, 1);
	CHECK_INT(kj_bios_e820_parse(out, 48, e, 2), 2);
	CHECK_U64(e[0].length, 0x9fc00);
	CHECK_U64(e[0].type, KJ_E820_RAM);
	CHECK_U64(e[1].base, 0xfeffc000);
	CHECK_U64(e[1].type, KJ_E820_RESERVED);
	CHECK_U64(e[1].attr, 1);
	CHECK_INT(kj_bios_e820_parse(out, 47, e, 2), -EBADMSG);
	CHECK_INT(kj_bios_e820_parse(out, 48, e, 1), -E2BIG);
	CHECK_INT(kj_bios_e820_parse(out, 0, e, 2), 0);
	CHECK_STR(kj_e820_type_name(KJ_E820_RAM), "System RAM");
	CHECK_STR(kj_e820_type_name(KJ_E820_RESERVED), "Reserved");
	CHECK(kj_e820_type_name(99) == NULL);
}

/* Entries captured from /proc/self/pagemap on a Debian 12 host, root: a
 * locked, touched page at 0x7f351bef2000 read 8100000000180a8a (present,
 * exclusively mapped, frame 0x180a8a); a page never touched read 0. */
TEST(pagemap_entry_captured)
{
	uint64_t phys = 0;

	CHECK_INT(kj_pagemap_entry_phys(0x8100000000180a8aull, 0x7f351bef2abc, &phys), 0);
	CHECK_U64(phys, 0x180a8aabcull);
	/* soft-dirty (bit 55) is not part of the frame */
	CHECK_INT(kj_pagemap_entry_phys(0x8180000000180a8aull, 0x7f351bef2000, &phys), 0);
	CHECK_U64(phys, 0x180a8a000ull);
	/* the same page read without CAP_SYS_ADMIN: the frame is hidden */
	CHECK_INT(kj_pagemap_entry_phys(0x8100000000000000ull, 0x7f351bef2000, &phys), -EPERM);
	CHECK_INT(kj_pagemap_entry_phys(0, 0x7f351bef1000, &phys), -ENXIO);
	/* swapped out (bit 62) and not present */
	CHECK_INT(kj_pagemap_entry_phys(0x4000000000000123ull, 0x7f351bef1000, &phys), -ENXIO);
}

/* A locked page is found where pagemap says, and stays there here. */
TEST(page_lock_finds_itself)
{
	uint8_t *page = NULL;
	uint64_t phys = 0;
	int err = kj_page_lock(&page, &phys);

	if (err == -EPERM || err == -EAGAIN || err == -ENOMEM)
		return;	/* not root, or no mlock budget: nothing to see */
	CHECK_INT(err, 0);
	CHECK(phys && phys % 4096 == 0);
	CHECK(page[0] == 0 && page[4095] == 0);
	CHECK(kj_page_still_at(page, phys));
	CHECK(!kj_page_still_at(page, phys + 4096));
	kj_page_unlock(page);
}
