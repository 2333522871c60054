// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/iomem: the kernel's tree of physical address ranges. Each line is
 * "START-END : NAME" in hex, indented two spaces per level below its
 * parent. A line that does not fit that shape, a child outside its parent,
 * or a jump of more than one level makes the whole text malformed: kjump
 * takes decisions about physical memory from it and must not guess.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/internal.h"
#include "machine/machine.h"

#define IOMEM_MAX_DEPTH 16

struct kj_iomem {
	struct kj_iomem_entry *entries;
	size_t nr;
	size_t cap;
	char *names;		/* one allocation holding every name */
};

static int parse_hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int digits = 0;

	for (; s < end; s++, digits++) {
		char c = *s;
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			break;
		if (digits == 16)
			return -EINVAL;
		v = v << 4 | d;
	}
	if (!digits)
		return -EINVAL;
	*p = s;
	*out = v;
	return 0;
}

/* Parses one line [p, end) into e; the name is left in place. */
static int parse_line(const char *p, const char *end, struct kj_iomem_entry *e,
		      const char **name)
{
	const char *s = p;
	size_t spaces;

	while (s < end && *s == ' ')
		s++;
	spaces = (size_t)(s - p);
	if (spaces % 2 || spaces / 2 >= IOMEM_MAX_DEPTH)
		return -EINVAL;
	e->depth = (unsigned int)(spaces / 2);
	if (parse_hex(&s, end, &e->range.start) || s == end || *s++ != '-')
		return -EINVAL;
	if (parse_hex(&s, end, &e->range.end) || e->range.start > e->range.end)
		return -EINVAL;
	if (end - s < 4 || memcmp(s, " : ", 3))
		return -EINVAL;
	*name = s + 3;
	return 0;
}

static int push(struct kj_iomem *m, const struct kj_iomem_entry *e)
{
	if (m->nr == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		void *p = realloc(m->entries, cap * sizeof(*m->entries));

		if (!p)
			return -ENOMEM;
		m->entries = p;
		m->cap = cap;
	}
	m->entries[m->nr++] = *e;
	return 0;
}

/* Checks e against the entries above it: one level deeper at most, and
 * inside its parent. parents[d] is the last entry seen at depth d. */
static int check_nesting(const struct kj_iomem_entry *e,
			 struct kj_range parents[], unsigned int *depth_seen)
{
	const struct kj_range *up;

	if (e->depth > *depth_seen + 1 || (e->depth && *depth_seen == ~0u))
		return -EINVAL;
	if (e->depth) {
		up = &parents[e->depth - 1];
		if (e->range.start < up->start || e->range.end > up->end)
			return -EINVAL;
	}
	parents[e->depth] = e->range;
	*depth_seen = e->depth;
	return 0;
}

static bool all_zero(const struct kj_iomem *m)
{
	for (size_t i = 0; i < m->nr; i++)
		if (m->entries[i].range.start || m->entries[i].range.end)
			return false;
	return true;
}

/* Second pass: names are copied out and NUL-terminated in m->names. */
static int parse_lines(struct kj_iomem *m, char *text, size_t len,
		       size_t *bad_line)
{
	struct kj_range parents[IOMEM_MAX_DEPTH];
	unsigned int depth_seen = ~0u;
	char *p = text, *end = text + len;
	size_t line = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;
		struct kj_iomem_entry e;
		const char *name;
		int err;

		line++;
		err = parse_line(p, eol, &e, &name);
		if (!err)
			err = check_nesting(&e, parents, &depth_seen);
		if (!err && memchr(name, '\0', (size_t)(eol - name)))
			err = -EINVAL;
		if (err) {
			if (bad_line)
				*bad_line = line;
			return err;
		}
		*eol = '\0';
		e.name = name;
		if ((err = push(m, &e)))
			return err;
		p = eol + 1;
	}
	return 0;
}

int kj_iomem_parse(const char *text, size_t len, struct kj_iomem **out,
		   size_t *bad_line)
{
	struct kj_iomem *m = calloc(1, sizeof(*m));
	int err = -ENOMEM;

	if (!m)
		return -ENOMEM;
	m->names = malloc(len + 1);
	if (!m->names)
		goto out_free;
	memcpy(m->names, text, len);
	m->names[len] = '\0';
	err = parse_lines(m, m->names, len, bad_line);
	if (!err && !m->nr)
		err = -ENODATA;
	if (!err && all_zero(m))
		err = -EPERM;
	if (!err) {
		*out = m;
		return 0;
	}
out_free:
	kj_iomem_free(m);
	return err;
}

int kj_iomem_read(const char *path, struct kj_iomem **out, size_t *bad_line)
{
	char *text;
	size_t len;
	int err = kj_read_text(path, &text, &len);

	if (err)
		return err;
	err = kj_iomem_parse(text, len, out, bad_line);
	free(text);
	return err;
}

void kj_iomem_free(struct kj_iomem *iomem)
{
	if (!iomem)
		return;
	free(iomem->entries);
	free(iomem->names);
	free(iomem);
}

size_t kj_iomem_count(const struct kj_iomem *iomem)
{
	return iomem->nr;
}

const struct kj_iomem_entry *kj_iomem_get(const struct kj_iomem *iomem,
					  size_t i)
{
	return i < iomem->nr ? &iomem->entries[i] : NULL;
}

int kj_iomem_find(const struct kj_iomem *iomem, const char *name,
		  struct kj_range *out)
{
	for (size_t i = 0; i < iomem->nr; i++) {
		if (!strcmp(iomem->entries[i].name, name)) {
			*out = iomem->entries[i].range;
			return 0;
		}
	}
	return -ENOENT;
}

int kj_iomem_crash_region(const struct kj_iomem *iomem, struct kj_range *out)
{
	return kj_iomem_find(iomem, "Crash kernel", out);
}

/* Top-level entries come in address order; adjacent ones join up. */
bool kj_iomem_covers(const struct kj_iomem *iomem, const char *name,
		     uint64_t start, uint64_t size)
{
	uint64_t next = start, last;

	if (!size || __builtin_add_overflow(start, size - 1, &last))
		return false;
	for (size_t i = 0; i < iomem->nr; i++) {
		const struct kj_iomem_entry *e = &iomem->entries[i];

		if (e->depth || strcmp(e->name, name))
			continue;
		if (e->range.start > next || e->range.end < next)
			continue;
		if (e->range.end >= last)
			return true;
		next = e->range.end + 1;
	}
	return false;
}

bool kj_iomem_is_ram(const struct kj_iomem *iomem, uint64_t start,
		     uint64_t size)
{
	return kj_iomem_covers(iomem, "System RAM", start, size);
}

/*
 * Top-level "System RAM", adjacent entries joined: a boot loader's
 * setup_data (under UEFI, at places that vary from boot to boot) splits
 * the kernel's RAM where it lies, and the same RAM must read the same in
 * A, in C and in R.
 */
size_t kj_iomem_system_ram(const struct kj_iomem *iomem, struct kj_range *out)
{
	size_t n = 0;

	for (size_t i = 0; i < kj_iomem_count(iomem); i++) {
		const struct kj_iomem_entry *e = kj_iomem_get(iomem, i);

		if (e->depth || strcmp(e->name, "System RAM"))
			continue;
		if (n && out[n - 1].end + 1 == e->range.start)
			out[n - 1].end = e->range.end;
		else
			out[n++] = e->range;
	}
	return n;
}
