// SPDX-License-Identifier: GPL-2.0-or-later
/* Extent maps as text: what is taken, and each refusal with its line. */
#include <errno.h>
#include <stdlib.h>

#include "common/internal.h"
#include "t.h"

/* Parses text; the error, and in *line the line it names. */
static int parse(const char *text, struct kj_extents *x, size_t *line)
{
	*line = 0;
	return kj_extents_parse(text, x, line);
}

TEST(extents_parse_decimal_lines)
{
	struct kj_extents x;
	size_t line;

	CHECK_INT(parse("# a map\n\n4096 8192\n  12288\t4096  \n\n0 4096\n", &x, &line), 0);
	CHECK_INT(x.n, 2);		/* the first two are contiguous */
	CHECK_U64(x.e[0].dev, 4096);
	CHECK_U64(x.e[0].len, 12288);
	CHECK_U64(x.e[1].dev, 0);
	CHECK_U64(x.total, 16384);
	kj_extents_release(&x);
	CHECK_INT(parse("# nothing\n\n", &x, &line), -ENODATA);
}

/* strtoll's %lli took a sign, 0x hex and octal: -4096 became 2^64 - 4096,
 * 010000 became 4096. */
TEST(extents_parse_plain_decimal_only)
{
	static const char *const bad[] = {
		"-4096 4096\n", "4096 -4096\n", "+4096 4096\n", "0x1000 4096\n",
		"010000 4096\n", "4096 010000\n", "4096\n", "4096 4096 4096\n",
		"4096 4096x\n", "18446744073709551616 4096\n", "4096,4096\n",
	};
	struct kj_extents x;
	size_t line;

	for (size_t i = 0; i < KJ_ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], &x, &line) != -EINVAL || line != 1) {
			t_fail(__FILE__, __LINE__, "'%s' taken (line %zu)", bad[i], line);
			return;
		}
	}
	CHECK_INT(parse("0 4096\n\n# 1\n4096 100\n", &x, &line), -EINVAL);
	CHECK_INT(line, 4);
	CHECK_INT(x.n, 0);
}

TEST(extents_parse_refuses_wrapping_sums)
{
	struct kj_extents x;
	size_t line;

	/* the extent's end: 2^64 - 4096 + 8192 */
	CHECK_INT(parse("0 4096\n18446744073709547520 8192\n", &x, &line), -ERANGE);
	CHECK_INT(line, 2);
	/* the total: 2^63 twice is 0 in 64 bits */
	CHECK_INT(parse("0 9223372036854775808\n0 9223372036854775808\n", &x, &line),
		  -ERANGE);
	CHECK_INT(line, 2);
	CHECK_INT(parse("18446744073709547520 4096\n", &x, &line), -ERANGE);
}

TEST(extents_parse_refuses_overlaps)
{
	struct kj_extents x;
	size_t line;

	CHECK_INT(parse("8192 8192\n0 4096\n# c\n12288 4096\n", &x, &line), -EEXIST);
	CHECK_INT(line, 4);
	CHECK_INT(x.n, 0);
	CHECK_INT(parse("0 1048576\n2097152 4096\n524288 4096\n", &x, &line), -EEXIST);
	CHECK_INT(line, 3);		/* inside the first, not next to it */
	CHECK_INT(parse("4096 4096\n4096 4096\n", &x, &line), -EEXIST);
	CHECK_INT(line, 2);
	/* touching is not overlapping */
	CHECK_INT(parse("8192 4096\n0 4096\n4096 4096\n", &x, &line), 0);
	CHECK_INT(x.n, 2);
	CHECK_U64(x.total, 12288);
	kj_extents_release(&x);
}
