// SPDX-License-Identifier: GPL-2.0-or-later
/* What 'kjump setup' writes, links and runs, and takes back. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "setup.h"

extern char **environ;

/* mkdir -p of path's folder. */
static int make_parents(const char *path)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int write_file(const char *path, mode_t mode, const char *text)
{
	char tmp[PATH_MAX];
	size_t len = strlen(text);
	int fd, err = make_parents(path);

	snprintf(tmp, sizeof(tmp), "%s.kjump-new", path);
	fd = err ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (!err && fd < 0)
		err = -errno;
	if (!err && (write(fd, text, len) != (ssize_t)len || fsync(fd)))
		err = errno ? -errno : -EIO;
	if (fd >= 0 && close(fd) && !err)
		err = -errno;
	if (!err && (fchmodat(AT_FDCWD, tmp, mode, 0) || rename(tmp, path)))
		err = -errno;
	if (err) {
		unlink(tmp);
		error("cannot write '%s': %s", path, strerror(-err));
	}
	return err;
}

int link_file(const char *target, const char *path)
{
	int err = make_parents(path);

	if (!err && unlink(path) && errno != ENOENT)
		err = -errno;
	if (!err && symlink(target, path))
		err = -errno;
	if (err)
		error("cannot link '%s' to '%s': %s", path, target, strerror(-err));
	return err;
}

int remove_file(const char *path)
{
	char dir[PATH_MAX], *slash;

	if (unlink(path) && errno != ENOENT) {
		error("cannot remove '%s': %s", path, strerror(errno));
		return -errno;
	}
	/* a drop-in folder kjump made, now empty */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && strstr(dir, ".service.d/")) {
		*slash = '\0';
		rmdir(dir);
	}
	return 0;
}

int run_command(const char *const argv[])
{
	pid_t pid;
	int status, err;

	note("running %s%s%s", argv[0], argv[1] ? " " : "", argv[1] ? argv[1] : "");
	err = posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ);
	if (err) {
		error("cannot run %s: %s", argv[0], strerror(err));
		return -err;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	error("%s failed (%s %d)", argv[0],
	      WIFEXITED(status) ? "exit status" : "signal",
	      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return -ECHILD;
}

bool have_command(const char *name)
{
	static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if (!access(path, X_OK))
			return true;
	}
	return false;
}

int conf_read(struct kj_conf *c)
{
	char line[PATH_MAX + 32];
	FILE *f = fopen(KJ_CONF, "r");

	memset(c, 0, sizeof(*c));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *v;

		if (line[0] == '#' || !eq)
			continue;
		*eq = '\0';
		v = eq + 1;
		v[strcspn(v, "\n")] = '\0';
		if (!strcmp(line, "IMAGE"))
			snprintf(c->image, sizeof(c->image), "%s", v);
		else if (!strcmp(line, "DEVICE"))
			snprintf(c->device, sizeof(c->device), "%s", v);
		else if (!strcmp(line, "EXTENTS"))
			snprintf(c->extents, sizeof(c->extents), "%s", v);
		else if (!strcmp(line, "INITRD"))
			snprintf(c->initrd, sizeof(c->initrd), "%s", v);
		else if (!strcmp(line, "KERNEL"))
			snprintf(c->kernel, sizeof(c->kernel), "%s", v);
		else if (!strcmp(line, "REGION"))
			snprintf(c->region, sizeof(c->region), "%s", v);
		else if (!strcmp(line, "ONE_BOOT"))
			c->one_boot = !strcmp(v, "yes");
		else if (!strcmp(line, "RESIDENT"))
			c->resident = !strcmp(v, "yes");
		else if (!strcmp(line, "CREATED"))
			c->created = !strcmp(v, "yes");
	}
	fclose(f);
	return 0;
}
