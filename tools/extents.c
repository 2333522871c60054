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
	printf("# kjump extents of %s on %s: %zu extents, %llu bytes\n", argv[1],
	       dev, x.n, (unsigned long long)x.total);
	for (size_t i = 0; i < x.n; i++)
		printf("%llu %llu\n", (unsigned long long)x.e[i].dev,
		       (unsigned long long)x.e[i].len);
	kj_extents_release(&x);
	return 0;
}

int read_extents(const char *path, struct kj_extents *x)
{
	size_t len, bad = 0;
	char *text;
	int err;
	FILE *f = fopen(path, "r");

	if (!f) {
		error("cannot open '%s': %s", path, strerror(errno));
		return -errno;
	}
	text = malloc(1 << 20);
	len = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (!text)
		return -ENOMEM;
	text[len] = '\0';
	err = kj_extents_parse(text, x, &bad);
	free(text);
	if (err == -EINVAL)
		error("'%s': line %zu is not 'DEVICE_OFFSET LENGTH' in whole pages", path, bad);
	else if (err)
		error("'%s' lists no extents", path);
	return err;
}
