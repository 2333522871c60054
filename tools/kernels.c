// SPDX-License-Identifier: GPL-2.0-or-later
/* Which installed kernel can kexec-jump: Debian's own cannot (they are
 * built without CONFIG_KEXEC_JUMP); 'make kernel-deb' makes one that can. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "setup.h"

bool kernel_can_jump(const char *release)
{
	char path[PATH_MAX], line[256];
	bool yes = false;
	FILE *f;

	snprintf(path, sizeof(path), "/boot/config-%s", release);
	f = fopen(path, "r");
	while (f && !yes && fgets(line, sizeof(line), f))
		yes = !strcmp(line, "CONFIG_KEXEC_JUMP=y\n");
	if (f)
		fclose(f);
	return yes;
}

static bool installed(const char *release, char *image, size_t size)
{
	snprintf(image, size, "/boot/vmlinuz-%s", release);
	return !access(image, R_OK) && kernel_can_jump(release);
}

int choose_kernel(struct kj_kernel_choice *k)
{
	struct utsname u;
	struct dirent *e;
	DIR *d;

	memset(k, 0, sizeof(*k));
	if (!uname(&u) && installed(u.release, k->image, sizeof(k->image))) {
		snprintf(k->release, sizeof(k->release), "%s", u.release);
		k->running = true;
		return 0;
	}
	d = opendir("/boot");
	while (d && (e = readdir(d))) {
		char image[PATH_MAX];
		const char *rel = e->d_name + strlen("config-");

		if (strncmp(e->d_name, "config-", 7) || strlen(rel) >= sizeof(k->release) ||
		    !installed(rel, image, sizeof(image)) ||
		    (*k->release && strverscmp(rel, k->release) <= 0))
			continue;
		snprintf(k->release, sizeof(k->release), "%s", rel);
		snprintf(k->image, sizeof(k->image), "%s", image);
	}
	if (d)
		closedir(d);
	return *k->release ? 0 : -ENOENT;
}
