// SPDX-License-Identifier: GPL-2.0-or-later
/* Lists of inclusive physical ranges: sorting and subtraction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/internal.h"

static int cmp_start(const void *a, const void *b)
{
	const struct kj_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

uint64_t kj_range_size(const struct kj_range *r)
{
	return r->end - r->start + 1;
}

void kj_ranges_sort(struct kj_range *r, size_t n)
{
	qsort(r, n, sizeof(*r), cmp_start);
}

bool kj_ranges_overlap(const struct kj_range *a, const struct kj_range *b)
{
	return a->start <= b->end && b->start <= a->end;
}

bool kj_range_within(const struct kj_range *inner, const struct kj_range *r,
		     size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (inner->start >= r[i].start && inner->end <= r[i].end)
			return true;
	return false;
}

size_t kj_ranges_first_difference(const struct kj_range *a, size_t na,
				  const struct kj_range *b, size_t nb)
{
	for (size_t i = 0; i < na || i < nb; i++)
		if (i >= na || i >= nb || a[i].start != b[i].start || a[i].end != b[i].end)
			return i;
	return SIZE_MAX;
}

/* Cuts hole out of src, appending what is left to out[*n]. */
static int cut(const struct kj_range *src, const struct kj_range *hole,
	       struct kj_range *out, size_t *n, size_t max)
{
	struct kj_range left = { src->start, hole->start - 1 };
	struct kj_range right = { hole->end + 1, src->end };
	bool has_left = hole->start > src->start;
	bool has_right = hole->end < src->end;

	if (*n + has_left + has_right > max)
		return -E2BIG;
	if (has_left)
		out[(*n)++] = left;
	if (has_right)
		out[(*n)++] = right;
	return 0;
}

int kj_ranges_subtract(const struct kj_range *src, size_t nsrc,
		       const struct kj_range *holes, size_t nholes,
		       struct kj_range *out, size_t max, size_t *nout)
{
	struct kj_range *a = malloc((max + 1) * sizeof(*a));
	struct kj_range *b = malloc((max + 1) * sizeof(*b));
	size_t na, nb;
	int err = 0;

	if (!a || !b || nsrc > max) {
		err = !a || !b ? -ENOMEM : -E2BIG;
		goto out;
	}
	memcpy(a, src, nsrc * sizeof(*a));
	na = nsrc;
	for (size_t h = 0; h < nholes && !err; h++) {
		nb = 0;
		for (size_t i = 0; i < na && !err; i++) {
			if (!kj_ranges_overlap(&a[i], &holes[h]))
				b[nb++] = a[i];
			else
				err = cut(&a[i], &holes[h], b, &nb, max);
			if (nb > max)
				err = -E2BIG;
		}
		memcpy(a, b, nb * sizeof(*a));
		na = nb;
	}
	if (!err) {
		kj_ranges_sort(a, na);
		memcpy(out, a, na * sizeof(*a));
		*nout = na;
	}
out:
	free(a);
	free(b);
	return err;
}
