// SPDX-License-Identifier: GPL-2.0-or-later
/* What A's command line says its free pages hold (lib/flow/fill.c). */
#include "flow/flow.h"
#include "t.h"

TEST(free_fill_from_cmdline)
{
	CHECK_INT(kj_free_fill_of("quiet root=/dev/vda"), KJ_FREE_FILL_NONE);
	CHECK_INT(kj_free_fill_of("init_on_free=1"), KJ_FREE_FILL_ZERO);
	CHECK_INT(kj_free_fill_of("quiet init_on_free=on\n"), KJ_FREE_FILL_ZERO);
	CHECK_INT(kj_free_fill_of("init_on_free=y init_on_free=0"), KJ_FREE_FILL_NONE);
	CHECK_INT(kj_free_fill_of("init_on_free=0 init_on_free=1"), KJ_FREE_FILL_ZERO);
	/* not a bool: the value before stays, as kstrtobool leaves it */
	CHECK_INT(kj_free_fill_of("init_on_free=1 init_on_free=maybe"), KJ_FREE_FILL_ZERO);
	CHECK_INT(kj_free_fill_of("xinit_on_free=1"), KJ_FREE_FILL_NONE);
	CHECK_INT(kj_free_fill_of("page_poison=1 init_on_free=1"), KJ_FREE_FILL_POISON);
	CHECK_INT(kj_free_fill_of("page_poison=off init_on_free=1"), KJ_FREE_FILL_ZERO);
}
