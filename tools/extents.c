// SPDX-License-Identifier: GPL-2.0-or-later
/* kjump extents, and reading --extents maps for the image commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "tool.h"

/* /dev/NAME for the device holding path, from /sys/dev/block. */
bool device_of(const char *path, char *out, size_t size)
{
	char uevent[64], line[128];
	struct stat st;
	bool found = false;
	FILE *f;

	snprintf(out, size, "unknown");
	if (stat(path, &st))
		return false;
	snprintf(uevent, sizeof(uevent), "/sys/dev/block/%u:%u/uevent",
		 major(st.st_dev), minor(st.st_dev));
	f = fopen(uevent, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "DEVNAME=", 8)) {
			snprintf(out, size, "/dev/%.*s", (int)strcspn(line + 8, "\n"),
				 line + 8);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

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
	device_of(argv[1], dev, sizeof(dev));
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

int drop_caches(void)
{
	FILE *f = fopen("/proc/sys/vm/drop_caches", "w");

	if (!f || fputs("3\n", f) < 0 || fclose(f)) {
		error("cannot drop caches: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* Appends " kjump.extents=DEV:LEN,..." at buf + n (kjump's initramfs
 * reads it back); returns the new length. */
static size_t append_extents(char *buf, size_t size, size_t n,
			     const struct kj_extents *x)
{
	for (size_t i = 0; i < x->n && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%llu:%llu",
				      i ? "," : " kjump.extents=",
				      (unsigned long long)x->e[i].dev,
				      (unsigned long long)x->e[i].len);
	return n;
}

size_t action_append(char *buf, size_t size, const char *action,
		     const char *image, const char *compress,
		     const struct kj_extents *x)
{
	char base[1024];
	/* B and R are kjump's own: their boot messages slowed each boot
	 * (under emulation, 0.3 s on a serial console); warnings still show. */
	size_t n = (size_t)snprintf(buf, size, "%s quiet kjump.action=%s kjump.image=%s",
				    default_append(base, sizeof(base)), action, image);

	if (compress && n < size)
		n += (size_t)snprintf(buf + n, size - n, " kjump.compress=%s", compress);
	return append_extents(buf, size, n, x);
}
