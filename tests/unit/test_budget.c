// SPDX-License-Identifier: GPL-2.0-or-later
/* How many pipeline threads fit in B's or R's memory (lib/flow/budget.c). */
#include "flow/flow.h"
#include "t.h"

TEST(threads_fit_the_memory)
{
	const size_t mib = 1u << 20, thread = 16 * mib;

	CHECK_INT(kj_threads_fit(1024 * mib, thread, 8), 8);	/* all CPUs */
	CHECK_INT(kj_threads_fit(100 * mib, thread, 8), 4);	/* (100-24)/16 */
	CHECK_INT(kj_threads_fit(40 * mib, thread, 8), 1);
	CHECK_INT(kj_threads_fit(39 * mib, thread, 8), 0);	/* none: refuse */
	CHECK_INT(kj_threads_fit(10 * mib, thread, 8), 0);	/* below the reserve */
}
