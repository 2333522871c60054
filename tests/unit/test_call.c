// SPDX-License-Identifier: GPL-2.0-or-later
/* Where kjump call puts a binary, and when it refuses. */
#include <errno.h>

#include "flow/flow.h"
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
