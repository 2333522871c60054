// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump extents, and reading --extents maps for the image commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "tool.h"

int cmd_extents(int argc, char **argv)
{
	struct kj_extents x;
	char dev[80];
	int err;

	if (argc != 2 || argv[1][0] == '-') {
		bool help = argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));

		fprintf(help ? stdout : stderr,
			"usage: kjump extents FILE\n\n"
			"Prints where FILE's bytes lie on its device (FIEMAP), as a map for\n"
			"'kjump save --extents', which writes an image into them without\n"
			"mounting the file system. FILE must be fully written (not just\n"
			"fallocated), and not shared or compressed.\n");
		return help ? 0 : EXIT_USAGE;
	}
	err = kj_extents_of_file(argv[1], &x);
	if (err == -EMEDIUMTYPE) {
		error("'%s' has extents that cannot be written raw (unwritten, shared, encoded, inline, or not in whole 4096-byte pages)",
		      argv[1]);
		hint("write the file full first, e.g. dd if=/dev/zero of='%s' bs=1M count=N", argv[1]);
	} else if (err == -ENODATA) {
		error("'%s' has no blocks: write it full first", argv[1]);
	} else if (err) {
		error("cannot map '%s': %s", argv[1], strerror(-err));
	}
	if (err)
		return EXIT_FAILED;
	if (!kj_device_of(argv[1], dev, sizeof(dev)))
		snprintf(dev, sizeof(dev), "unknown");
	print_extents(stdout, argv[1], dev, &x);
	kj_extents_release(&x);
	return 0;
}

void print_extents(FILE *f, const char *path, const char *dev,
		   const struct kj_extents *x)
{
	fprintf(f, "# kjump extents of %s on %s: %zu extents, %llu bytes\n", path,
		dev, x->n, (unsigned long long)x->total);
	for (size_t i = 0; i < x->n; i++)
		fprintf(f, "%llu %llu\n", (unsigned long long)x->e[i].dev,
			(unsigned long long)x->e[i].len);
}

/* A map larger than this is refused rather than cut short: 16 MiB is
 * some 600000 extents, far more than any file written at once has. */
#define MAP_MAX (16u << 20)

/* The whole of a map file, NUL-terminated; -EFBIG past MAP_MAX. */
static int read_map(FILE *f, char **text)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *p;

	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			p = realloc(buf, cap + 1);
			if (!p) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
		}
		len += fread(buf + len, 1, cap - len, f);
	} while (len == cap && len <= MAP_MAX);
	if (ferror(f) || len > MAP_MAX) {
		free(buf);
		return len > MAP_MAX ? -EFBIG : -EIO;
	}
	buf[len] = '\0';
	*text = buf;
	return 0;
}

static void explain_map(const char *path, int err, size_t bad)
{
	if (err == -EFBIG)
		error("'%s' is larger than %u MiB: not an extent map", path, MAP_MAX >> 20);
	else if (err == -EINVAL)
		error("'%s': line %zu is not 'DEVICE_OFFSET LENGTH' in decimal bytes, whole pages",
		      path, bad);
	else if (err == -ERANGE)
		error("'%s': line %zu: the extents reach past 2^64 bytes", path, bad);
	else if (err == -EEXIST)
		error("'%s': line %zu: the extent overlaps an earlier one", path, bad);
	else if (err == -ENODATA)
		error("'%s' lists no extents", path);
	else
		error("cannot read '%s': %s", path, strerror(-err));
}

int read_extents(const char *path, struct kj_extents *x)
{
	size_t bad = 0;
	char *text = NULL;
	int err;
	FILE *f = fopen(path, "r");

	if (!f) {
		err = -errno;
		error("cannot open '%s': %s", path, strerror(-err));
		return err;
	}
	err = read_map(f, &text);
	fclose(f);
	if (!err)
		err = kj_extents_parse(text, x, &bad);
	free(text);
	if (err)
		explain_map(path, err, bad);
	return err;
}
