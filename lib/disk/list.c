// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/self/mountinfo and /proc/swaps, parsed line by line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disk/disk.h"

#define FIELDS_MAX	32

static bool octal3(const char *p)
{
	return p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' &&
	       p[2] >= '0' && p[2] <= '7';
}

/* The kernel writes a space, tab, newline or backslash in a path as \ooo
 * (fs/proc_namespace.c, mangle()). */
static void unescape(char *out, size_t size, const char *in)
{
	size_t n = 0;

	while (*in && n + 1 < size) {
		if (in[0] == '\\' && octal3(in + 1)) {
			out[n++] = (char)((in[1] - '0') << 6 |
					  (in[2] - '0') << 3 | (in[3] - '0'));
			in += 4;
		} else {
			out[n++] = *in++;
		}
	}
	out[n] = '\0';
}

/* The next line of text, split at blanks into at most FIELDS_MAX fields;
 * the line is copied into *line, which the caller frees. */
static int next_fields(const char *text, size_t *pos, char **line,
		       char *f[FIELDS_MAX], size_t *nf)
{
	size_t len = strcspn(text + *pos, "\n");
	char *save, *tok;

	if (!text[*pos])
		return -ENODATA;
	*line = strndup(text + *pos, len);
	if (!*line)
		return -ENOMEM;
	*pos += len + (text[*pos + len] == '\n');
	*nf = 0;
	for (tok = strtok_r(*line, " \t", &save); tok && *nf < FIELDS_MAX;
	     tok = strtok_r(NULL, " \t", &save))
		f[(*nf)++] = tok;
	return 0;
}

/* ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE OPTS */
static int parse_mount(char *f[], size_t nf, struct kj_mount *m)
{
	size_t dash;

	for (dash = 6; dash < nf && strcmp(f[dash], "-"); dash++)
		;
	if (nf < 6 || dash + 2 >= nf ||
	    sscanf(f[2], "%u:%u", &m->major, &m->minor) != 2)
		return -EINVAL;
	unescape(m->point, sizeof(m->point), f[4]);
	snprintf(m->type, sizeof(m->type), "%s", f[dash + 1]);
	unescape(m->source, sizeof(m->source), f[dash + 2]);
	return 0;
}

int kj_mountinfo_next(const char *text, size_t *pos, struct kj_mount *m)
{
	char *f[FIELDS_MAX], *line;
	size_t nf;
	int err;

	err = next_fields(text, pos, &line, f, &nf);
	if (err)
		return err;
	err = parse_mount(f, nf, m);
	free(line);
	return err;
}

/* Filename Type Size Used Priority; the first line is the heading. */
int kj_swaps_next(const char *text, size_t *pos, char *dev, size_t size)
{
	char *f[FIELDS_MAX], *line;
	bool partition;
	size_t nf;
	int err;

	do {
		err = next_fields(text, pos, &line, f, &nf);
		if (err)
			return err;
		partition = nf >= 2 && !strcmp(f[1], "partition");
		if (partition)
			unescape(dev, size, f[0]);
		free(line);
	} while (!partition);
	return 0;
}
